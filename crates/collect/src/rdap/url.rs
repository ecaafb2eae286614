//! The URLs RDAP needs: `http` and `https` with a host, an optional port
//! and a path; no user information. Bootstrap base URLs are joined with
//! `domain/<name>`, and a redirect's `Location` is resolved against the
//! URL that gave it.

use std::fmt;
use std::net::IpAddr;

/// An `http` or `https` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// Whether the scheme is `https`.
    pub https: bool,
    /// The host: a name (lower case) or an address.
    pub host: Host,
    /// The port (the scheme's default when the URL gives none).
    pub port: u16,
    /// The path and query, starting with `/`.
    pub path: String,
}

/// The host of a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A DNS name.
    Name(String),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
}

impl HttpUrl {
    /// Parses an absolute URL; the error says what is wrong.
    pub fn parse(text: &str) -> Result<HttpUrl, &'static str> {
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("contains whitespace or control characters");
        }
        let (scheme, rest) = text.split_once("://").ok_or("not an absolute URL")?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err("scheme must be http or https"),
        };

        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if authority.contains('@') {
            return Err("user information is not allowed");
        }
        let (host, port) = split_port(authority, if https { 443 } else { 80 })?;
        let path = path.split('#').next().unwrap_or("");
        let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
        Ok(HttpUrl { https, host, port, path })
    }

    /// The URL of a domain's RDAP answer under this base URL.
    pub fn domain(&self, domain: &str) -> HttpUrl {
        let mut url = self.clone();
        let base = url.path.split('?').next().unwrap_or("/");
        let slash = if base.ends_with('/') { "" } else { "/" };
        url.path = format!("{base}{slash}domain/{domain}");
        url
    }

    /// `location` (absolute, or a path on this server) resolved
    /// against this URL.
    pub fn join(&self, location: &str) -> Result<HttpUrl, &'static str> {
        if location.contains("://") {
            return HttpUrl::parse(location);
        }
        if location.starts_with("//") {
            let scheme = if self.https { "https:" } else { "http:" };
            return HttpUrl::parse(&format!("{scheme}{location}"));
        }
        if !location.starts_with('/') {
            return Err("relative locations other than absolute paths are not followed");
        }
        if location.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("contains whitespace or control characters");
        }
        Ok(HttpUrl { path: location.to_owned(), ..self.clone() })
    }

    /// `host` or `host:port` as the `Host` header and rate limits use it.
    pub fn authority(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        let host = match &self.host {
            Host::Name(name) => name.clone(),
            Host::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
            Host::Ip(ip) => ip.to_string(),
        };
        match self.port == default {
            true => host,
            false => format!("{host}:{}", self.port),
        }
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(f, "{scheme}://{}{}", self.authority(), self.path)
    }
}

/// `host[:port]` or `[v6][:port]`.
fn split_port(authority: &str, default: u16) -> Result<(Host, u16), &'static str> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (ip, after) = rest.split_once(']').ok_or("unclosed [ in the host")?;
        let ip: IpAddr = ip.parse().map_err(|_| "bad IPv6 address")?;
        (Host::Ip(ip), after.strip_prefix(':'))
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        (host_of(host)?, port)
    };

    let port = match port {
        None | Some("") => default,
        Some(text) => text.parse().map_err(|_| "bad port")?,
    };
    Ok((host, port))
}

fn host_of(text: &str) -> Result<Host, &'static str> {
    if text.is_empty() {
        return Err("missing host");
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    let name = text.strip_suffix('.').unwrap_or(text);
    let ok = name.split('.').all(|label| {
        !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    match ok {
        true => Ok(Host::Name(name.to_ascii_lowercase())),
        false => Err("bad host name"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bootstrap_urls() {
        let url = HttpUrl::parse("https://RDAP.nic.cz/").unwrap();
        assert!(url.https);
        assert_eq!(url.host, Host::Name("rdap.nic.cz".into()));
        assert_eq!((url.port, url.path.as_str()), (443, "/"));
        assert_eq!(url.domain("example.cz").to_string(), "https://rdap.nic.cz/domain/example.cz");

        let url = HttpUrl::parse("http://127.0.0.1:8080/rdap").unwrap();
        assert_eq!(url.domain("a.cz").to_string(), "http://127.0.0.1:8080/rdap/domain/a.cz");
        let url = HttpUrl::parse("http://[::1]:99").unwrap();
        assert_eq!(
            (url.host, url.port, url.path.as_str()),
            (Host::Ip("::1".parse().unwrap()), 99, "/")
        );
    }

    #[test]
    fn refuses_what_is_not_an_rdap_url() {
        for bad in [
            "ftp://x/",
            "rdap.nic.cz/",
            "https://user@x/",
            "https:///x",
            "https://x:port/",
            "https://[::1/",
            "https://a b/",
            "https://a..b/",
        ] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn locations_resolve_against_the_url() {
        let base = HttpUrl::parse("http://127.0.0.1:8080/domain/a.cz").unwrap();
        assert_eq!(
            base.join("/v2/domain/a.cz").unwrap().to_string(),
            "http://127.0.0.1:8080/v2/domain/a.cz"
        );
        assert_eq!(
            base.join("https://rdap.example/x").unwrap().to_string(),
            "https://rdap.example/x"
        );
        assert!(base.join("x/y").is_err());
    }
}
