//! One HTTP/1.1 GET: connect (through the loopback guard; plain HTTP
//! only towards loopback; TLS with the Mozilla roots otherwise), send
//! the request with `Connection: close`, read the whole response (at
//! most [`MAX_RESPONSE`] bytes) and parse it. Nothing a server sends
//! can make this panic: a response that is not HTTP is an error value.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, pki_types::ServerName};

use super::RdapError;
use super::url::{Host, HttpUrl};
use crate::net::Guard;

/// The largest response read (headers and body): RDAP answers are a
/// few kilobytes.
pub const MAX_RESPONSE: usize = 4 << 20;

/// A response, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The TLS settings: rustls with ring and the Mozilla root store.
pub fn tls_connector() -> Result<TlsConnector, rustls::Error> {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// GETs `url`; the caller bounds the time.
pub async fn get(guard: Guard, tls: &TlsConnector, url: &HttpUrl) -> Result<Response, RdapError> {
    let addr = address(guard, url).await?;
    let tcp = TcpStream::connect(addr)
        .await
        .map_err(|source| RdapError::Connect { url: url.to_string(), source })?;

    let raw = if url.https {
        let name = server_name(url)?;
        let stream = tls
            .connect(name, tcp)
            .await
            .map_err(|source| RdapError::Tls { url: url.to_string(), source })?;
        exchange(stream, url).await?
    } else {
        exchange(tcp, url).await?
    };
    parse_response(&raw).map_err(|reason| RdapError::Malformed { url: url.to_string(), reason })
}

/// The address to connect to, allowed by the guard and by the
/// plain-HTTP rule. Under the loopback guard a name other than
/// `localhost` is refused before it is looked up: a look-up is traffic
/// too.
async fn address(guard: Guard, url: &HttpUrl) -> Result<SocketAddr, RdapError> {
    let addr = match &url.host {
        Host::Ip(ip) => SocketAddr::new(*ip, url.port),
        Host::Name(name) => {
            if guard.is_loopback_only() && name != "localhost" {
                return Err(RdapError::NameRefused { url: url.to_string() });
            }
            let resolve = |source| RdapError::Resolve { url: url.to_string(), source };
            let mut found =
                tokio::net::lookup_host((name.as_str(), url.port)).await.map_err(resolve)?;
            let missing = || std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
            found.next().ok_or_else(|| resolve(missing()))?
        }
    };

    guard.check(addr)?;
    if !url.https && !is_loopback(addr.ip()) {
        return Err(RdapError::PlainHttp { url: url.to_string() });
    }
    Ok(addr)
}

fn is_loopback(ip: IpAddr) -> bool {
    Guard::loopback_only().check(SocketAddr::new(ip, 0)).is_ok()
}

fn server_name(url: &HttpUrl) -> Result<ServerName<'static>, RdapError> {
    let name = match &url.host {
        Host::Ip(ip) => return Ok(ServerName::IpAddress((*ip).into())),
        Host::Name(name) => name.clone(),
    };
    ServerName::try_from(name).map_err(|_| RdapError::Malformed {
        url: url.to_string(),
        reason: "the host is not a valid TLS server name".into(),
    })
}

/// Sends the request and reads until the server closes.
async fn exchange<S>(mut stream: S, url: &HttpUrl) -> Result<Vec<u8>, RdapError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: application/rdap+json, application/json\r\n\
         User-Agent: nshunt/{}\r\nConnection: close\r\n\r\n",
        url.path,
        url.authority(),
        env!("CARGO_PKG_VERSION")
    );
    let io = |source| RdapError::Connect { url: url.to_string(), source };
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    stream.flush().await.map_err(io)?;

    let mut raw = Vec::new();
    let limit = (MAX_RESPONSE + 1) as u64;
    let read = (&mut stream).take(limit).read_to_end(&mut raw).await;
    // A TLS server that closes without close_notify still sent a
    // complete response when its length says so; parsing decides.
    if let Err(source) = read {
        if raw.is_empty() || source.kind() != std::io::ErrorKind::UnexpectedEof {
            return Err(io(source));
        }
    }
    if raw.len() > MAX_RESPONSE {
        return Err(RdapError::TooLarge { url: url.to_string(), limit: MAX_RESPONSE });
    }
    Ok(raw)
}

/// Parses a whole HTTP/1.x response.
pub fn parse_response(raw: &[u8]) -> Result<Response, String> {
    let end = find(raw, b"\r\n\r\n").ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "headers are not text")?;
    let rest = &raw[end + 4..];

    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(format!("not an HTTP/1 status line: {status_line:?}"));
    }
    let status = parts.next().and_then(|s| s.parse::<u16>().ok());
    let status = status.filter(|s| (100..=999).contains(s)).ok_or("bad status code")?;

    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| format!("bad header {line:?}"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut response = Response { status, headers, body: Vec::new() };
    response.body = body(&response, rest)?;
    Ok(response)
}

fn body(response: &Response, rest: &[u8]) -> Result<Vec<u8>, String> {
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        return dechunk(rest);
    }
    match response.header("content-length") {
        Some(text) => {
            let len: usize = text.parse().map_err(|_| format!("bad content-length {text:?}"))?;
            let body = rest.get(..len).ok_or("the body is shorter than its content-length")?;
            Ok(body.to_vec())
        }
        None => Ok(rest.to_vec()),
    }
}

/// The body of a chunked transfer (trailers ignored).
fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n").ok_or("unterminated chunk size")?;
        let line = std::str::from_utf8(&rest[..line_end]).map_err(|_| "bad chunk size")?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size =
            usize::from_str_radix(size, 16).map_err(|_| format!("bad chunk size {size:?}"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest.get(..size).ok_or("truncated chunk")?;
        body.extend_from_slice(chunk);
        rest =
            rest.get(size..).and_then(|r| r.strip_prefix(b"\r\n")).ok_or("chunk without CRLF")?;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_with_length_chunks_or_eof() {
        let r =
            parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX: y\r\n\r\n{}junk").unwrap();
        assert_eq!((r.status, r.body.as_slice(), r.header("x")), (200, &b"{}"[..], Some("y")));

        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap().body, b"abcde");

        let r = parse_response(b"HTTP/1.0 429 Too Many\r\nRetry-After: 2\r\n\r\nslow").unwrap();
        assert_eq!(
            (r.status, r.header("retry-after"), r.body.as_slice()),
            (429, Some("2"), &b"slow"[..])
        );
    }

    #[tokio::test]
    async fn plain_http_only_towards_loopback() {
        let tls = tls_connector().unwrap();
        for text in ["http://192.0.2.1/domain/a.cz", "http://[2001:db8::1]:8080/"] {
            let url = HttpUrl::parse(text).unwrap();
            let error = get(Guard::open(), &tls, &url).await.unwrap_err();
            assert!(matches!(error, RdapError::PlainHttp { .. }), "{text}: {error}");
        }
        let url = HttpUrl::parse("https://192.0.2.1/").unwrap();
        let error = get(Guard::loopback_only(), &tls, &url).await.unwrap_err();
        assert!(matches!(error, RdapError::Refused(_)), "{error}");
        let url = HttpUrl::parse("https://rdap.example/").unwrap();
        let error = get(Guard::loopback_only(), &tls, &url).await.unwrap_err();
        assert!(matches!(error, RdapError::NameRefused { .. }), "{error}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for raw in [
            &b""[..],
            b"hello",
            b"HTTP/1.1 200 OK\r\n",
            b"HTTP/2 200\r\n\r\n",
            b"HTTP/1.1 abc OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc",
            b"HTTP/1.1 200 \xff\r\n\r\n",
        ] {
            assert!(parse_response(raw).is_err(), "{:?}", String::from_utf8_lossy(raw));
        }
    }
}
