//! IANA's RDAP bootstrap registries (RFC 9224): which RDAP servers
//! answer for a domain, an AS number, an IPv4 or IPv6 address, or an
//! object tag.
//!
//! A file is `{"version", "publication", "description", "services":
//! [[entries, urls], …]}` (object tags: `[contacts, tags, urls]`). Which
//! registry a file is comes from its entries: all AS ranges, all IPv4
//! prefixes, all IPv6 prefixes, three-part services, or else DNS labels.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde_json::Value;

/// Why a bootstrap file was refused. Paths are JSON paths.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BootstrapError {
    /// The text is not JSON (an empty file included).
    #[error("invalid json at line {line}, column {column}: {message}")]
    Json {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// The JSON parser's message.
        message: String,
    },

    /// The top level is not an object.
    #[error("$: a bootstrap file must be a json object")]
    NotAnObject,

    /// `services` is missing or not an array.
    #[error("$.services: missing or not an array")]
    NoServices,

    /// A service is not `[entries, urls]` (or `[contacts, entries, urls]`).
    #[error("{path}: a service must be [entries, urls] (or [contacts, tags, urls]): {reason}")]
    BadService {
        /// Where.
        path: String,
        /// What is wrong.
        reason: String,
    },

    /// An entry does not fit the registry (a bad range or prefix).
    #[error("{path}: bad entry {entry:?}: {reason}")]
    BadEntry {
        /// Where.
        path: String,
        /// The entry.
        entry: String,
        /// What is wrong.
        reason: &'static str,
    },

    /// A service URL is not a valid http(s) URL.
    #[error("{path}: bad url {url:?}: {reason}")]
    BadUrl {
        /// Where.
        path: String,
        /// The URL.
        url: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Which registry a bootstrap file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootstrapKind {
    /// Domain names (`dns.json`).
    Dns,
    /// AS numbers (`asn.json`).
    Asn,
    /// IPv4 prefixes (`ipv4.json`).
    Ipv4,
    /// IPv6 prefixes (`ipv6.json`).
    Ipv6,
    /// Object tags (`object-tags.json`).
    ObjectTags,
}

/// One entry, parsed for matching.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Labels(String),
    Asn(u32, u32),
    V4(u32, u8),
    V6(u128, u8),
    Tag(String),
}

/// One service: its entries and its URLs.
#[derive(Debug, Clone, PartialEq)]
struct Service {
    entries: Vec<Entry>,
    urls: Vec<String>,
}

/// A parsed bootstrap registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrap {
    /// `description`, if given.
    pub description: Option<String>,
    /// `publication`, if given.
    pub publication: Option<String>,
    /// `version`, if given.
    pub version: Option<String>,
    /// Which registry this is.
    pub kind: BootstrapKind,
    services: Vec<Service>,
}

impl Bootstrap {
    /// Parses and checks a bootstrap file.
    pub fn parse(json: &str) -> Result<Bootstrap, BootstrapError> {
        let value: Value = serde_json::from_str(json).map_err(|e| BootstrapError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let object = value.as_object().ok_or(BootstrapError::NotAnObject)?;
        let raw =
            object.get("services").and_then(Value::as_array).ok_or(BootstrapError::NoServices)?;

        let text = |k: &str| object.get(k).and_then(Value::as_str).map(str::to_owned);
        let kind = detect_kind(raw);
        let services =
            raw.iter().enumerate().map(|(i, s)| service(s, i, kind)).collect::<Result<_, _>>()?;

        Ok(Bootstrap {
            description: text("description"),
            publication: text("publication"),
            version: text("version"),
            kind,
            services,
        })
    }

    /// The servers for a domain: the service whose entry matches the most
    /// trailing labels of `domain` ("co.uk" before "uk"). HTTPS URLs come
    /// first. Empty when no entry matches or this is not a DNS registry.
    pub fn servers_for(&self, domain: &str) -> Vec<String> {
        let name = domain.trim().trim_end_matches('.').to_lowercase();
        self.best(|e| match e {
            Entry::Labels(l) if label_match(&name, l) => Some(label_count(l)),
            _ => None,
        })
    }

    /// The servers for an AS number.
    pub fn servers_for_asn(&self, asn: u32) -> Vec<String> {
        self.best(|e| match e {
            Entry::Asn(lo, hi) if (*lo..=*hi).contains(&asn) => Some(u32::MAX - (hi - lo)),
            _ => None,
        })
    }

    /// The servers for an address: the longest matching prefix.
    pub fn servers_for_ip(&self, ip: IpAddr) -> Vec<String> {
        self.best(|e| match (e, ip) {
            (Entry::V4(net, len), IpAddr::V4(a)) if v4_in(a, *net, *len) => Some(u32::from(*len)),
            (Entry::V6(net, len), IpAddr::V6(a)) if v6_in(a, *net, *len) => Some(u32::from(*len)),
            _ => None,
        })
    }

    /// The servers for an object tag (the part after the last `-` of a
    /// handle, such as `ARIN`).
    pub fn servers_for_tag(&self, tag: &str) -> Vec<String> {
        self.best(|e| match e {
            Entry::Tag(t) if t.eq_ignore_ascii_case(tag) => Some(1),
            _ => None,
        })
    }

    /// The URLs of the service with the best-scoring matching entry.
    fn best(&self, score: impl Fn(&Entry) -> Option<u32>) -> Vec<String> {
        let best = self
            .services
            .iter()
            .filter_map(|s| s.entries.iter().filter_map(&score).max().map(|sc| (sc, s)))
            .max_by_key(|(sc, _)| *sc);
        best.map(|(_, s)| https_first(&s.urls)).unwrap_or_default()
    }
}

fn https_first(urls: &[String]) -> Vec<String> {
    let (mut secure, plain): (Vec<String>, Vec<String>) =
        urls.iter().cloned().partition(|u| u.to_lowercase().starts_with("https:"));
    secure.extend(plain);
    secure
}

fn label_match(name: &str, entry: &str) -> bool {
    entry.is_empty() || name == entry || name.ends_with(&format!(".{entry}"))
}

fn label_count(entry: &str) -> u32 {
    if entry.is_empty() { 0 } else { entry.split('.').count() as u32 }
}

fn v4_in(addr: Ipv4Addr, net: u32, len: u8) -> bool {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - u32::from(len)) };
    u32::from(addr) & mask == net & mask
}

fn v6_in(addr: Ipv6Addr, net: u128, len: u8) -> bool {
    let mask = if len == 0 { 0 } else { u128::MAX << (128 - u32::from(len)) };
    u128::from(addr) & mask == net & mask
}

/// Guesses the registry from the first entries of the services.
fn detect_kind(services: &[Value]) -> BootstrapKind {
    let three = services.iter().any(|s| s.as_array().is_some_and(|a| a.len() == 3));
    if three {
        return BootstrapKind::ObjectTags;
    }
    let entries: Vec<&str> = services
        .iter()
        .filter_map(|s| s.get(0)?.as_array())
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let all = |f: fn(&str) -> bool| !entries.is_empty() && entries.iter().all(|e| f(e));

    if all(|e| parse_asn_range(e).is_some()) {
        BootstrapKind::Asn
    } else if all(|e| e.contains('/') && e.contains('.')) {
        BootstrapKind::Ipv4
    } else if all(|e| e.contains('/') && e.contains(':')) {
        BootstrapKind::Ipv6
    } else {
        BootstrapKind::Dns
    }
}

fn service(raw: &Value, index: usize, kind: BootstrapKind) -> Result<Service, BootstrapError> {
    let path = format!("$.services[{index}]");
    let bad =
        |reason: &str| BootstrapError::BadService { path: path.clone(), reason: reason.into() };
    let parts = raw.as_array().ok_or_else(|| bad("not an array"))?;
    let expected = if kind == BootstrapKind::ObjectTags { 3 } else { 2 };
    if parts.len() != expected {
        return Err(bad(&format!("{} elements, expected {expected}", parts.len())));
    }

    let entries_at = expected - 2;
    let entries = string_array(&parts[entries_at], &format!("{path}[{entries_at}]"))?;
    let urls = string_array(&parts[expected - 1], &format!("{path}[{}]", expected - 1))?;
    if entries.is_empty() || urls.is_empty() {
        return Err(bad("no entries or no urls"));
    }

    let entry_path = format!("{path}[{entries_at}]");
    let entries = entries.iter().map(|e| entry(e, kind, &entry_path)).collect::<Result<_, _>>()?;
    let url_path = format!("{path}[{}]", expected - 1);
    urls.iter().try_for_each(|u| check_url(u, &url_path))?;
    Ok(Service { entries, urls })
}

fn string_array(value: &Value, path: &str) -> Result<Vec<String>, BootstrapError> {
    let bad = || BootstrapError::BadService {
        path: path.to_owned(),
        reason: "expected an array of strings".into(),
    };
    let items = value.as_array().ok_or_else(bad)?;
    items.iter().map(|v| v.as_str().map(str::to_owned).ok_or_else(bad)).collect()
}

fn entry(text: &str, kind: BootstrapKind, path: &str) -> Result<Entry, BootstrapError> {
    let bad =
        |reason| BootstrapError::BadEntry { path: path.to_owned(), entry: text.to_owned(), reason };
    match kind {
        BootstrapKind::Dns => dns_entry(text).ok_or_else(|| bad("not a domain label sequence")),
        BootstrapKind::Asn => parse_asn_range(text)
            .map(|(a, b)| Entry::Asn(a, b))
            .ok_or_else(|| bad("not an AS number or range")),
        BootstrapKind::Ipv4 => parse_v4_prefix(text).ok_or_else(|| bad("not an IPv4 prefix")),
        BootstrapKind::Ipv6 => parse_v6_prefix(text).ok_or_else(|| bad("not an IPv6 prefix")),
        BootstrapKind::ObjectTags => Ok(Entry::Tag(text.to_owned())),
    }
}

fn dns_entry(text: &str) -> Option<Entry> {
    let lower = text.trim_end_matches('.').to_lowercase();
    let ok = lower.is_empty()
        || lower
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    ok.then_some(Entry::Labels(lower))
}

fn parse_asn_range(text: &str) -> Option<(u32, u32)> {
    let (lo, hi) = text.split_once('-').unwrap_or((text, text));
    let (lo, hi): (u32, u32) = (lo.trim().parse().ok()?, hi.trim().parse().ok()?);
    (lo <= hi).then_some((lo, hi))
}

fn parse_v4_prefix(text: &str) -> Option<Entry> {
    let (addr, len) = text.split_once('/')?;
    let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
    Some(Entry::V4(u32::from(addr.parse::<Ipv4Addr>().ok()?), len))
}

fn parse_v6_prefix(text: &str) -> Option<Entry> {
    let (addr, len) = text.split_once('/')?;
    let len: u8 = len.parse().ok().filter(|l| *l <= 128)?;
    Some(Entry::V6(u128::from(addr.parse::<Ipv6Addr>().ok()?), len))
}

/// Checks a service URL's shape: http or https, a host, only valid
/// `%XX` escapes and no spaces.
fn check_url(url: &str, path: &str) -> Result<(), BootstrapError> {
    let bad =
        |reason| BootstrapError::BadUrl { path: path.to_owned(), url: url.to_owned(), reason };
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| bad("scheme must be http or https"))?;

    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(bad("missing host"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("contains whitespace"));
    }
    if !escapes_valid(url) {
        return Err(bad("invalid percent escape"));
    }
    Ok(())
}

fn escapes_valid(url: &str) -> bool {
    let bytes = url.as_bytes();
    bytes.iter().enumerate().filter(|(_, b)| **b == b'%').all(|(i, _)| {
        bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_label_match_wins() {
        let json =
            r#"{"services": [[["uk"], ["https://a/"]], [["co.uk"], ["http://b/", "https://b/"]]]}"#;
        let b = Bootstrap::parse(json).unwrap();
        assert_eq!(b.kind, BootstrapKind::Dns);
        assert_eq!(b.servers_for("www.Example.CO.UK."), ["https://b/", "http://b/"]);
        assert_eq!(b.servers_for("example.uk"), ["https://a/"]);
        assert!(b.servers_for("example.com").is_empty());
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://rdap.example/", "$").is_ok());
        assert!(check_url("http://example.org/%%", "$").is_err());
        assert!(check_url("ftp://example.org/", "$").is_err());
        assert!(check_url("https:///x", "$").is_err());
    }
}
