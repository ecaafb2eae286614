//! One DNS exchange: a query over UDP, again over TCP when the answer
//! is truncated. Every socket address passes the [`Guard`] first.
//!
//! UDP sockets are connected to their server, with a kernel-chosen
//! port: datagrams from anyone else never reach them, an ICMP "port
//! unreachable" surfaces as an error at once, and the random port and
//! id make a spoofed answer hard to slip in. Making and closing a
//! socket costs more than the exchange itself (about 40% of the
//! client's time at loopback rates), so a socket that ended an exchange
//! cleanly goes back to a [`SocketPool`] and serves later queries to
//! the same server, one at a time, up to [`MAX_USES`] times, when it is
//! replaced (a new random port). A socket whose exchange timed out or
//! failed is closed: a late answer never meets a later query.

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;

use hickory_proto::op::{Message, MessageType, Query};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use super::guard::{Guard, Refused};

/// Why an exchange gave no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The loopback guard refused the destination.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// No answer before the deadline.
    #[error("no answer from {server} in time")]
    Timeout {
        /// The server asked.
        server: SocketAddr,
    },
    /// The socket failed (for example: nothing listens there).
    #[error("cannot talk to {server}: {source}")]
    Io {
        /// The server asked.
        server: SocketAddr,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The server answered with bytes that are not a DNS answer to the
    /// question asked.
    #[error("malformed answer from {server}: {reason}")]
    Malformed {
        /// The server asked.
        server: SocketAddr,
        /// What was wrong.
        reason: String,
    },
}

/// The largest UDP answer accepted (the EDNS size nshunt offers).
pub(crate) const UDP_PAYLOAD: u16 = 1232;

/// Queries one UDP socket serves before it is replaced.
pub(crate) const MAX_USES: u32 = 100;

/// Idle sockets kept over all servers; the oldest goes first.
const MAX_IDLE: usize = 256;

/// Connected UDP sockets that ended their last exchange cleanly, for
/// reuse with the same server. Bounded: [`MAX_IDLE`] sockets, each
/// reused at most [`MAX_USES`] times.
#[derive(Debug, Default)]
pub(crate) struct SocketPool {
    idle: Mutex<VecDeque<Pooled>>,
}

#[derive(Debug)]
struct Pooled {
    server: SocketAddr,
    socket: UdpSocket,
    uses: u32,
}

impl SocketPool {
    /// An idle socket connected to `server`, else a new one.
    async fn take(&self, server: SocketAddr) -> io::Result<Pooled> {
        if let Some(pooled) = self.take_idle(server) {
            return Ok(pooled);
        }
        let local: SocketAddr = match server {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(local).await?;
        socket.connect(server).await?;
        Ok(Pooled { server, socket, uses: 0 })
    }

    fn take_idle(&self, server: SocketAddr) -> Option<Pooled> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let at = idle.iter().rposition(|p| p.server == server)?;
        idle.remove(at)
    }

    /// Keeps a socket whose exchange ended cleanly, unless it is used up.
    fn give_back(&self, mut pooled: Pooled) {
        pooled.uses += 1;
        if pooled.uses >= MAX_USES {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() >= MAX_IDLE {
            idle.pop_front();
        }
        idle.push_back(pooled);
    }
}

/// Sends `wire` (the encoded `query` with `id`) to `server` and returns
/// the decoded answer; the caller bounds the time.
pub(crate) async fn exchange(
    guard: Guard,
    pool: &SocketPool,
    server: SocketAddr,
    wire: &[u8],
    id: u16,
    query: &Query,
) -> Result<Message, TransportError> {
    guard.check(server)?;
    let answer = udp(pool, server, wire, id, query).await.map_err(|e| e.into_transport(server))?;
    if !answer.truncated() {
        return Ok(answer);
    }

    tracing::debug!(%server, name = %query.name(), "truncated, asking again over tcp");
    tcp(server, wire, id, query).await.map_err(|e| e.into_transport(server))
}

/// Internal failures, given their server by the caller.
enum Failure {
    Io(io::Error),
    Malformed(String),
}

impl Failure {
    fn into_transport(self, server: SocketAddr) -> TransportError {
        match self {
            Failure::Io(source) => TransportError::Io { server, source },
            Failure::Malformed(reason) => TransportError::Malformed { server, reason },
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

async fn udp(
    pool: &SocketPool,
    server: SocketAddr,
    wire: &[u8],
    id: u16,
    query: &Query,
) -> Result<Message, Failure> {
    let pooled = pool.take(server).await?;
    pooled.socket.send(wire).await?;

    // Not zeroed, and on the heap: the future stays small.
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        let n = pooled.socket.recv_buf(&mut buf).await?;
        // A datagram with another id is a stray (a duplicate, or an
        // answer the server sent twice): keep waiting.
        if n >= 2 && u16::from_be_bytes([buf[0], buf[1]]) == id {
            pool.give_back(pooled);
            return decode(&buf[..n], query);
        }
    }
}

async fn tcp(server: SocketAddr, wire: &[u8], id: u16, query: &Query) -> Result<Message, Failure> {
    let mut stream = TcpStream::connect(server).await?;
    let len = u16::try_from(wire.len()).map_err(|_| Failure::Malformed("query too long".into()))?;
    let mut framed = Vec::with_capacity(wire.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(wire);
    stream.write_all(&framed).await?;

    let len = stream.read_u16().await?;
    let mut buf = vec![0u8; usize::from(len)];
    stream.read_exact(&mut buf).await?;
    if len < 2 || u16::from_be_bytes([buf[0], buf[1]]) != id {
        return Err(Failure::Malformed("tcp answer with another id".into()));
    }
    decode(&buf, query)
}

/// Decodes an answer and checks that it answers `query`.
fn decode(bytes: &[u8], query: &Query) -> Result<Message, Failure> {
    let message = Message::from_vec(bytes).map_err(|e| Failure::Malformed(e.to_string()))?;
    if message.message_type() != MessageType::Response {
        return Err(Failure::Malformed("a query, not an answer".into()));
    }

    // A server may omit the question only in an error answer.
    match message.queries().first() {
        Some(q) if !same_question(q, query) => {
            Err(Failure::Malformed(format!("answer to another question ({q})")))
        }
        _ => Ok(message),
    }
}

fn same_question(a: &Query, b: &Query) -> bool {
    a.query_type() == b.query_type() && a.name().eq_ignore_root(b.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::rr::{Name, RecordType};

    fn query() -> Query {
        Query::query(Name::from_ascii("example.test.").unwrap(), RecordType::A)
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for bytes in
            [&b""[..], b"\x12\x34", b"\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\xff"]
        {
            assert!(matches!(decode(bytes, &query()), Err(Failure::Malformed(_))));
        }
    }

    #[test]
    fn a_query_is_not_an_answer() {
        let mut message = Message::new();
        message.set_id(7).add_query(query());
        let bytes = message.to_vec().unwrap();
        assert!(matches!(decode(&bytes, &query()), Err(Failure::Malformed(_))));
    }

    #[test]
    fn the_question_must_match_ignoring_case() {
        let mut message = Message::new();
        let upper = Query::query(Name::from_ascii("EXAMPLE.test.").unwrap(), RecordType::A);
        message.set_id(7).set_message_type(MessageType::Response).add_query(upper);
        let bytes = message.to_vec().unwrap();
        assert!(decode(&bytes, &query()).is_ok());

        let other = Query::query(Name::from_ascii("other.test.").unwrap(), RecordType::A);
        assert!(matches!(decode(&bytes, &other), Err(Failure::Malformed(_))));
    }
}
