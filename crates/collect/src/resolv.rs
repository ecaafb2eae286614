//! The system's resolvers, from `/etc/resolv.conf`.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// The system configuration file.
pub const RESOLV_CONF: &str = "/etc/resolv.conf";

/// Reading the resolver configuration failed.
#[derive(Debug, thiserror::Error)]
pub enum ResolvConfError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}; pass --resolver ADDR")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file names no usable resolver.
    #[error("{path} names no resolver; pass --resolver ADDR")]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// The `nameserver` addresses of a resolv.conf file, port 53.
pub fn system_resolvers(path: &Path) -> Result<Vec<SocketAddr>, ResolvConfError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ResolvConfError::Read { path: path.to_owned(), source })?;
    let resolvers = parse(&text);
    if resolvers.is_empty() {
        return Err(ResolvConfError::Empty { path: path.to_owned() });
    }
    Ok(resolvers)
}

/// The `nameserver` lines of resolv.conf text (scoped IPv6 addresses,
/// `fe80::1%eth0`, are skipped).
pub fn parse(text: &str) -> Vec<SocketAddr> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split_ascii_whitespace();
            (fields.next() == Some("nameserver")).then(|| fields.next()).flatten()
        })
        .filter_map(|addr| addr.parse::<IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .collect()
}

/// Parses `ADDR`, `ADDR:PORT`, `[V6]:PORT` or `V6` (port 53 unless given).
pub fn parse_server(text: &str) -> Option<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr);
    }
    text.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, 53))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nameserver_lines() {
        let text = "# comment\nsearch example\nnameserver 127.0.0.53\nnameserver ::1\n\
                    nameserver fe80::1%eth0\noptions edns0\n";
        let found: Vec<String> = parse(text).iter().map(|a| a.to_string()).collect();
        assert_eq!(found, ["127.0.0.53:53", "[::1]:53"]);
    }

    #[test]
    fn server_forms() {
        assert_eq!(parse_server("127.0.0.3").unwrap().to_string(), "127.0.0.3:53");
        assert_eq!(parse_server("127.0.0.3:5353").unwrap().to_string(), "127.0.0.3:5353");
        assert_eq!(parse_server("::1").unwrap().to_string(), "[::1]:53");
        assert_eq!(parse_server("[::1]:99").unwrap().to_string(), "[::1]:99");
        assert!(parse_server("resolver.example").is_none());
    }
}
