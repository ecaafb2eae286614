//! The client every collector query goes through: rate limits, a
//! deadline per attempt, retries with exponential backoff.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hickory_proto::op::{Message, Query};
use hickory_proto::rr::{Name, RecordType};

use super::guard::Guard;
use super::limit::{PerServer, RateLimit};
use super::transport::{self, SocketPool, TransportError, UDP_PAYLOAD};

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Which destinations are allowed.
    pub guard: Guard,
    /// How long one attempt may wait for its answer.
    pub timeout: Duration,
    /// How many more attempts after a timeout or a socket error.
    pub retries: u32,
    /// The wait before the first retry; doubled before each next one.
    pub backoff: Duration,
    /// Queries per second over all servers (0: unlimited).
    pub global_qps: u32,
    /// Queries per second to any one server address (0: unlimited).
    pub server_qps: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            guard: Guard::from_env(),
            timeout: Duration::from_secs(2),
            retries: 2,
            backoff: Duration::from_millis(250),
            global_qps: 2_000,
            server_qps: 50,
        }
    }
}

/// What came of one query, all attempts together.
#[derive(Debug)]
pub struct Exchange {
    /// The server asked.
    pub server: SocketAddr,
    /// The answer, or why there was none.
    pub answer: Result<Message, TransportError>,
    /// How many times it was sent.
    pub attempts: u32,
}

/// Sends queries under the configured limits. Shared by every task.
#[derive(Debug)]
pub struct DnsClient {
    config: ClientConfig,
    global: RateLimit,
    per_server: PerServer,
    /// Source of query ids.
    ids: AtomicU64,
    id_key: u64,
    sent: AtomicU64,
    sockets: SocketPool,
}

impl DnsClient {
    /// A client with `config`.
    pub fn new(config: ClientConfig) -> DnsClient {
        let burst = |qps: u32| (qps / 10).max(1);
        DnsClient {
            global: RateLimit::new(config.global_qps, burst(config.global_qps)),
            per_server: PerServer::new(config.server_qps, burst(config.server_qps)),
            ids: AtomicU64::new(0),
            id_key: RandomState::new().hash_one(0x6e73_6875_6e74_u64),
            sent: AtomicU64::new(0),
            sockets: SocketPool::default(),
            config,
        }
    }

    /// The guard in force.
    pub fn guard(&self) -> Guard {
        self.config.guard
    }

    /// Datagrams and streams sent so far (retries included).
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Asks `server` for `name`/`qtype`, with recursion desired when
    /// `recursion`. Retries timeouts and socket errors; a refused
    /// destination or a malformed answer is final.
    pub async fn query(
        &self,
        server: SocketAddr,
        name: &Name,
        qtype: RecordType,
        recursion: bool,
    ) -> Exchange {
        let query = Query::query(name.clone(), qtype);
        let mut attempts = 0;

        loop {
            attempts += 1;
            let answer = self.attempt(server, &query, recursion).await;
            let retry =
                matches!(answer, Err(TransportError::Timeout { .. } | TransportError::Io { .. }))
                    && attempts <= self.config.retries;
            if !retry {
                return Exchange { server, answer, attempts };
            }

            let backoff = self.config.backoff * 2u32.saturating_pow(attempts - 1);
            tracing::debug!(%server, %name, %qtype, attempts, "retrying");
            tokio::time::sleep(backoff).await;
        }
    }

    async fn attempt(
        &self,
        server: SocketAddr,
        query: &Query,
        recursion: bool,
    ) -> Result<Message, TransportError> {
        self.config.guard.check(server)?;
        self.global.acquire().await;
        self.per_server.acquire(server.ip()).await;

        let id = self.next_id();
        let wire = encode(query, id, recursion)
            .map_err(|reason| TransportError::Malformed { server, reason })?;
        self.sent.fetch_add(1, Ordering::Relaxed);

        let guard = self.config.guard;
        let exchange = transport::exchange(guard, &self.sockets, server, &wire, id, query);
        match tokio::time::timeout(self.config.timeout, exchange).await {
            Ok(answer) => answer,
            Err(_) => Err(TransportError::Timeout { server }),
        }
    }

    /// A query id no one can guess from the previous ones.
    fn next_id(&self) -> u16 {
        let n = self.ids.fetch_add(1, Ordering::Relaxed);
        let mut z = (n ^ self.id_key).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) as u16
    }
}

/// The wire form of a query: the header, the question and an EDNS OPT
/// record offering [`UDP_PAYLOAD`] bytes (version 0, no flags), the
/// bytes hickory's encoder writes for the same message, written
/// directly: building a `Message` for each query cost more than the
/// rest of the encoding (see `encodes_like_hickory`).
fn encode(query: &Query, id: u16, recursion: bool) -> Result<Vec<u8>, String> {
    let name = query.name();
    if name.len() > 255 {
        return Err(format!("name too long: {name}"));
    }
    let mut wire = Vec::with_capacity(12 + 256 + 4 + 11);
    let flags: u16 = if recursion { 0x0100 } else { 0 };
    for word in [id, flags, 1, 0, 0, 1] {
        wire.extend_from_slice(&word.to_be_bytes());
    }

    for label in name.iter() {
        wire.push(u8::try_from(label.len()).map_err(|_| format!("label too long in {name}"))?);
        wire.extend_from_slice(label);
    }
    wire.push(0);
    wire.extend_from_slice(&u16::from(query.query_type()).to_be_bytes());
    wire.extend_from_slice(&u16::from(query.query_class()).to_be_bytes());

    // OPT: root owner, type 41, class = payload size, TTL 0, no data.
    wire.extend_from_slice(&[0, 0, 41]);
    wire.extend_from_slice(&UDP_PAYLOAD.to_be_bytes());
    wire.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    Ok(wire)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Edns;

    fn hickory(query: &Query, id: u16, recursion: bool) -> Vec<u8> {
        let mut edns = Edns::new();
        edns.set_max_payload(UDP_PAYLOAD);
        let mut message = Message::new();
        message.set_id(id).set_recursion_desired(recursion).add_query(query.clone());
        message.set_edns(edns);
        message.to_vec().unwrap()
    }

    #[test]
    fn encodes_like_hickory() {
        let names = ["example.test.", "A.b-c.Example.TEST.", ".", "1.2.0.192.in-addr.arpa."];
        for (i, name) in names.iter().enumerate() {
            for qtype in [RecordType::NS, RecordType::AAAA, RecordType::PTR] {
                let query = Query::query(Name::from_ascii(name).unwrap(), qtype);
                let id = 0x1234 + i as u16;
                for recursion in [false, true] {
                    let ours = encode(&query, id, recursion).unwrap();
                    assert_eq!(ours, hickory(&query, id, recursion), "{name} {qtype}");
                }
            }
        }
    }
}
