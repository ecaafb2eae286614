//! Reading one indicator: refanging, telling its kind, normalising it.
//!
//! [`parse_indicator`] takes one entry as a list writes it and gives its
//! canonical form:
//!
//! | written | kind | canonical |
//! |---|---|---|
//! | `Evil.Example.`, `evil[.]example` | domain | `evil.example` |
//! | `.tk`, `*.evil.example` | suffix | `tk`, `evil.example` |
//! | `192.0.2.1`, `2001:DB8::1` | ip | `192.0.2.1`, `2001:db8::1` |
//! | `192.0.2.1:8080`, `[2001:db8::1]:443` | ip + port | `192.0.2.1` port 8080 |
//! | `evil.example:8080` | domain + port | `evil.example` port 8080 |
//! | `10.1.2.3/8` | cidr | `10.0.0.0/8` |
//! | `hxxps://Evil[.]Example/Gate.php` | url | `https://evil.example/Gate.php` |
//! | `evil.example/path` | url | `evil.example/path` |
//! | `/gate.php` | path | `/gate.php` |
//!
//! Refanging undoes the usual defanging exactly: `hxxp`, `hxxps`, `fxp`
//! (any case) in scheme position only (so a host named `hxxp.example`
//! stays), and the bracketed forms `[.]`, `(.)`, `{.}`, `[dot]`, `(dot)`,
//! `{dot}`, `[:]`, `[://]`, `[/]`, `[@]`, `[at]` anywhere.
//!
//! Plain lower-case domain lines, the bulk of every list, take a fast path
//! that gives the same text as [`DomainName::parse`] without its
//! allocations.
//!
//! # Limitations
//!
//! - Regular expressions (maltrail's generic trails) are refused with
//!   [`IndicatorError::Regex`]: nothing here evaluates them.
//! - A domain must be made of letters, digits, `-` and `_` once in ASCII
//!   form; names with other octets are refused.
//! - URLs keep their path, query and fragment as written, so `%41` and
//!   `A` differ.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nshunt_model::{DomainName, NameError};

use crate::asn::IpPrefix;
use crate::labels::label::IndicatorKind;

/// The longest name in presentation form without its trailing dot.
const MAX_NAME_TEXT: usize = 253;

/// One indicator in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Indicator {
    /// What the indicator is.
    pub kind: IndicatorKind,
    /// The canonical text.
    pub value: Box<str>,
    /// The port of `ip:port` and `host:port` entries.
    pub port: Option<u16>,
}

/// Why an entry is not an indicator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IndicatorError {
    /// Nothing is written.
    #[error("empty indicator")]
    Empty,

    /// A regular expression, not a literal indicator.
    #[error("regular expressions are not supported: {text:?}")]
    Regex {
        /// The entry as written.
        text: String,
    },

    /// A name that [`DomainName`] refuses.
    #[error("bad domain {text:?}: {source}")]
    BadName {
        /// The entry as written.
        text: String,
        /// What the name parser said.
        #[source]
        source: NameError,
    },

    /// A name with characters a host name cannot hold.
    #[error("not an IP address, network, URL or host name: {text:?}")]
    NotHostName {
        /// The entry as written.
        text: String,
    },

    /// A port that is not a number from 0 to 65535.
    #[error("bad port in {text:?}: write a number from 0 to 65535")]
    BadPort {
        /// The entry as written.
        text: String,
    },

    /// A network that is not `address/length`.
    #[error("bad network {text:?}: write address/length, e.g. 192.0.2.0/24")]
    BadCidr {
        /// The entry as written.
        text: String,
    },

    /// A URL without a usable host, or with blanks in it.
    #[error("bad URL {text:?}: {reason}")]
    BadUrl {
        /// The entry as written.
        text: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Reads one entry as lists write it: trims it, refangs it, tells its
/// kind and normalises it.
pub fn parse_indicator(text: &str) -> Result<Indicator, IndicatorError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(IndicatorError::Empty);
    }
    if let Some(value) = fast_domain(text) {
        return Ok(Indicator { kind: IndicatorKind::Domain, value, port: None });
    }
    if let Some(indicator) = fast_ipv4(text) {
        return Ok(indicator);
    }

    let refanged = refang(text);
    let indicator = classify(&refanged).map_err(|e| e.with_text(text))?;

    // Refanging can turn bracketed text into a pattern (`[,]+x` …): the
    // canonical value must read back as itself, so it must be literal.
    if indicator.kind != IndicatorKind::Ip && looks_like_regex(&indicator.value) {
        return Err(IndicatorError::Regex { text: text.to_owned() });
    }
    Ok(indicator)
}

/// Reads a host name only (hosts files, URL hosts): canonical text.
pub(crate) fn parse_host_name(text: &str) -> Result<Box<str>, IndicatorError> {
    if let Some(value) = fast_domain(text) {
        return Ok(value);
    }
    domain(text)
}

impl IndicatorError {
    /// The same error, naming `text` (the entry before refanging).
    fn with_text(self, text: &str) -> Self {
        let text = text.to_owned();
        match self {
            Self::Empty => Self::Empty,
            Self::Regex { .. } => Self::Regex { text },
            Self::BadName { source, .. } => Self::BadName { text, source },
            Self::NotHostName { .. } => Self::NotHostName { text },
            Self::BadPort { .. } => Self::BadPort { text },
            Self::BadCidr { .. } => Self::BadCidr { text },
            Self::BadUrl { reason, .. } => Self::BadUrl { text, reason },
        }
    }
}

/// A plain domain (letters, digits, `-`, `_`, dots; no A-labels; a last
/// label that is not all digits) in canonical form, or `None` for
/// anything the full parser must see.
pub(crate) fn fast_domain(text: &str) -> Option<Box<str>> {
    let text = text.strip_suffix('.').unwrap_or(text);
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_NAME_TEXT {
        return None;
    }

    let mut label_start = 0;
    let mut upper = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {}
            b'A'..=b'Z' => upper = true,
            b'.' if plain_label(&bytes[label_start..i]) => label_start = i + 1,
            _ => return None,
        }
    }

    let last = &bytes[label_start..];
    if !plain_label(last) || last.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(if upper { text.to_ascii_lowercase().into() } else { text.into() })
}

/// A label the fast path may take: 1 to 63 octets, not an A-label.
fn plain_label(label: &[u8]) -> bool {
    let a_label = label.len() >= 4 && label[..4].eq_ignore_ascii_case(b"xn--");
    !label.is_empty() && label.len() <= 63 && !a_label
}

/// Undoes defanging; borrows when there is nothing to undo.
pub fn refang(text: &str) -> Cow<'_, str> {
    let bracketed = text.bytes().any(|b| matches!(b, b'[' | b'(' | b'{'));
    let scheme = defanged_scheme(text).is_some();
    if !bracketed && !scheme {
        return Cow::Borrowed(text);
    }

    let mut out = if bracketed { replace_tokens(text) } else { text.to_owned() };
    if let Some((written, real)) = defanged_scheme(&out) {
        out.replace_range(..written, real);
    }
    Cow::Owned(out)
}

/// Defanged tokens and what they stand for.
const TOKENS: [(&str, &str); 12] = [
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[://]", "://"),
    ("[:]", ":"),
    ("(:)", ":"),
    ("[/]", "/"),
    ("[@]", "@"),
    ("[at]", "@"),
];

/// Replaces every defanged token (any case) by what it stands for.
fn replace_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;

    while let Some(at) = rest.find(['[', '(', '{']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let token = TOKENS
            .iter()
            .find(|(t, _)| tail.get(..t.len()).is_some_and(|head| head.eq_ignore_ascii_case(t)));
        let (used, real) = match token {
            Some((t, real)) => (t.len(), *real),
            None => (1, &tail[..1]),
        };
        out.push_str(real);
        rest = &tail[used..];
    }
    out.push_str(rest);
    out
}

/// A defanged scheme at the start (`hxxp://`, `hXXps://`, `fxp://`): the
/// bytes it takes and the real scheme.
fn defanged_scheme(text: &str) -> Option<(usize, &'static str)> {
    let schemes = [("hxxps://", "https"), ("hxxp://", "http"), ("fxp://", "ftp")];
    schemes.iter().find_map(|&(written, real)| {
        let head = text.get(..written.len())?;
        head.eq_ignore_ascii_case(written).then_some((written.len() - 3, real))
    })
}

/// Tells the kind of a refanged entry and normalises it.
fn classify(text: &str) -> Result<Indicator, IndicatorError> {
    if looks_like_regex(text) {
        return Err(IndicatorError::Regex { text: text.to_owned() });
    }
    if text.bytes().any(|b| b.is_ascii_whitespace()) {
        return Err(not_host(text));
    }

    if let Some(rest) = text.strip_prefix("*.").or_else(|| text.strip_prefix('.')) {
        return Ok(Indicator {
            kind: IndicatorKind::Suffix,
            value: parse_host_name(rest)?,
            port: None,
        });
    }
    if text.contains("://") {
        return url(text, true);
    }
    if text.starts_with('/') {
        return Ok(Indicator { kind: IndicatorKind::Path, value: text.into(), port: None });
    }
    if let Some((host, tail)) = text.split_once('/') {
        return slash_form(text, host, tail);
    }
    host_and_port(text)
}

/// Bytes that make a host part a regular expression.
const REGEX_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b"^$|(){}[]*+?\\";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether an entry is a regular expression rather than a literal.
fn looks_like_regex(text: &str) -> bool {
    if text.contains('\\') || text.starts_with('^') || text.ends_with('$') {
        return true;
    }
    let host = text.split('/').next().unwrap_or_default();
    let host = host.strip_prefix("*.").unwrap_or(host);
    !host.starts_with('[') && host.bytes().any(|b| REGEX_BYTES[usize::from(b)])
}

/// `address/length` or `host/path`.
fn slash_form(text: &str, host: &str, tail: &str) -> Result<Indicator, IndicatorError> {
    let numeric = !tail.is_empty() && tail.len() <= 3 && tail.bytes().all(|b| b.is_ascii_digit());
    if let (true, Ok(addr)) = (numeric, host.parse::<IpAddr>()) {
        return cidr(text, addr, tail);
    }
    if host.parse::<IpAddr>().is_ok() && tail.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IndicatorError::BadCidr { text: text.to_owned() });
    }
    url(text, false)
}

/// A network, host bits cleared.
fn cidr(text: &str, addr: IpAddr, len: &str) -> Result<Indicator, IndicatorError> {
    let bad = || IndicatorError::BadCidr { text: text.to_owned() };
    let len: u8 = len.parse().map_err(|_| bad())?;
    let prefix = IpPrefix::new(addr, len).map_err(|_| bad())?;
    Ok(Indicator { kind: IndicatorKind::Cidr, value: prefix.to_string().into(), port: None })
}

/// An address, a name, or either with `:port`.
fn host_and_port(text: &str) -> Result<Indicator, IndicatorError> {
    let (host, port) = split_port(text)?;
    match host {
        Host::Ip(ip) => Ok(Indicator { kind: IndicatorKind::Ip, value: ip_text(ip).into(), port }),
        Host::Name(name) => Ok(Indicator { kind: IndicatorKind::Domain, value: name, port }),
    }
}

/// A host: an address or a canonical name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    /// An address (IPv4-mapped IPv6 is kept as written).
    Ip(IpAddr),
    /// A canonical domain name.
    Name(Box<str>),
}

impl Host {
    /// The host as it appears in a URL: IPv6 in brackets.
    fn url_text(&self) -> String {
        match self {
            Self::Ip(IpAddr::V6(v6)) => format!("[{v6}]"),
            Self::Ip(ip) => ip.to_string(),
            Self::Name(name) => name.to_string(),
        }
    }
}

/// Splits `host[:port]` (`[v6]:port` for IPv6) and reads both.
pub(crate) fn split_port(text: &str) -> Result<(Host, Option<u16>), IndicatorError> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok((Host::Ip(ip), None));
    }
    if let Some(inner) = text.strip_prefix('[') {
        return bracketed(text, inner);
    }

    match text.rsplit_once(':') {
        Some((host, port)) => {
            let port = parse_port(text, port)?;
            let host = match host.parse::<Ipv4Addr>() {
                Ok(v4) => Host::Ip(IpAddr::V4(v4)),
                Err(_) => Host::Name(parse_host_name(host)?),
            };
            Ok((host, Some(port)))
        }
        None => Ok((Host::Name(parse_host_name(text)?), None)),
    }
}

/// `[v6]` or `[v6]:port`.
fn bracketed(text: &str, inner: &str) -> Result<(Host, Option<u16>), IndicatorError> {
    let bad = || IndicatorError::NotHostName { text: text.to_owned() };
    let (address, rest) = inner.split_once(']').ok_or_else(bad)?;
    let v6: Ipv6Addr = address.parse().map_err(|_| bad())?;

    let port = match rest {
        "" => None,
        _ => Some(parse_port(text, rest.strip_prefix(':').ok_or_else(bad)?)?),
    };
    Ok((Host::Ip(IpAddr::V6(v6)), port))
}

/// A port number.
fn parse_port(text: &str, port: &str) -> Result<u16, IndicatorError> {
    let digits = !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
    let bad = || IndicatorError::BadPort { text: text.to_owned() };
    if !digits {
        return Err(bad());
    }
    port.parse().map_err(|_| bad())
}

/// Canonical text of an address.
fn ip_text(ip: IpAddr) -> String {
    ip.to_string()
}

/// `a.b.c.d` or `a.b.c.d:port`, the commonest non-name entries, read
/// without the general path. The standard parser refuses leading zeros,
/// so an address it accepts is already in canonical text.
fn fast_ipv4(text: &str) -> Option<Indicator> {
    let (address, port) = match text.split_once(':') {
        Some((address, port)) => (address, Some(port)),
        None => (text, None),
    };
    if address.len() < 7 || !address.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }

    address.parse::<Ipv4Addr>().ok()?;
    let port = match port {
        Some(port) => Some(parse_port(text, port).ok()?),
        None => None,
    };
    Some(Indicator { kind: IndicatorKind::Ip, value: address.into(), port })
}

/// The parts of a URL, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlParts {
    /// The scheme in lower case, if written.
    pub(crate) scheme: Option<String>,
    /// The host.
    pub(crate) host: Host,
    /// The port, if written.
    pub(crate) port: Option<u16>,
    /// Everything from the first `/`, `?` or `#` after the host, as written.
    pub(crate) rest: String,
}

impl UrlParts {
    /// `host[:port]`, the key URL entries are matched by.
    pub(crate) fn authority(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host.url_text()),
            None => self.host.url_text(),
        }
    }
}

/// Splits and normalises a URL; `with_scheme` says whether it has one.
pub(crate) fn url_parts(text: &str, with_scheme: bool) -> Result<UrlParts, IndicatorError> {
    let bad = |reason| IndicatorError::BadUrl { text: text.to_owned(), reason };
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) if with_scheme => (Some(scheme), rest),
        _ => (None, text),
    };
    if let Some(s) = scheme {
        let valid = s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
        if !valid {
            return Err(bad("the scheme must be letters, digits, + - ."));
        }
    }

    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if authority.is_empty() {
        return Err(bad("no host"));
    }

    let (host, port) =
        split_port(authority).map_err(|_| bad("the host is not an address or name"))?;
    let scheme = scheme.map(str::to_ascii_lowercase);
    Ok(UrlParts { scheme, host, port, rest: rest[end..].to_owned() })
}

/// A URL indicator in canonical text.
fn url(text: &str, with_scheme: bool) -> Result<Indicator, IndicatorError> {
    let parts = url_parts(text, with_scheme)?;
    let mut value = String::with_capacity(text.len());
    if let Some(scheme) = &parts.scheme {
        value.push_str(scheme);
        value.push_str("://");
    }
    value.push_str(&parts.authority());
    value.push_str(&parts.rest);
    Ok(Indicator { kind: IndicatorKind::Url, value: value.into(), port: None })
}

/// A domain through the full parser (IDNA, escapes), then checked to be
/// a host name.
fn domain(text: &str) -> Result<Box<str>, IndicatorError> {
    let name = DomainName::parse(text)
        .map_err(|source| IndicatorError::BadName { text: text.to_owned(), source })?;
    if name.is_root() || !is_host_name(&name) {
        return Err(not_host(text));
    }
    Ok(name.as_str().into())
}

/// Letters, digits, `-` and `_` in every label; a last label not all
/// digits (`1.2.3` is a broken address, not a name).
fn is_host_name(name: &DomainName) -> bool {
    let host_bytes =
        |label: &str| label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let numeric_tld =
        name.labels().next_back().is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
    name.labels().all(host_bytes) && !numeric_tld
}

fn not_host(text: &str) -> IndicatorError {
    IndicatorError::NotHostName { text: text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (IndicatorKind, String, Option<u16>) {
        let i = parse_indicator(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        (i.kind, i.value.into(), i.port)
    }

    fn value(text: &str) -> String {
        parse(text).1
    }

    use IndicatorKind::*;

    #[test]
    fn kinds() {
        assert_eq!(parse("Evil.Example."), (Domain, "evil.example".into(), None));
        assert_eq!(parse(".tk"), (Suffix, "tk".into(), None));
        assert_eq!(parse("*.evil.example"), (Suffix, "evil.example".into(), None));
        assert_eq!(parse("192.0.2.1"), (Ip, "192.0.2.1".into(), None));
        assert_eq!(parse("2001:DB8:0:0::1"), (Ip, "2001:db8::1".into(), None));
        assert_eq!(parse("192.0.2.1:8080"), (Ip, "192.0.2.1".into(), Some(8080)));
        assert_eq!(parse("[2001:db8::1]:443"), (Ip, "2001:db8::1".into(), Some(443)));
        assert_eq!(parse("evil.example:8080"), (Domain, "evil.example".into(), Some(8080)));
        assert_eq!(parse("10.1.2.3/8"), (Cidr, "10.0.0.0/8".into(), None));
        assert_eq!(parse("2001:db8::/32"), (Cidr, "2001:db8::/32".into(), None));
        assert_eq!(parse("/gate.php"), (Path, "/gate.php".into(), None));
        assert_eq!(parse("Evil.Example/Gate.php"), (Url, "evil.example/Gate.php".into(), None));
        assert_eq!(parse("HTTP://1.2.3.4"), (Url, "http://1.2.3.4".into(), None));
        assert_eq!(
            parse("http://[2001:db8::1]:80/x"),
            (Url, "http://[2001:db8::1]:80/x".into(), None)
        );
        assert_eq!(parse("bücher.example"), (Domain, "xn--bcher-kva.example".into(), None));
        assert_eq!(parse("localhost"), (Domain, "localhost".into(), None));
    }

    #[test]
    fn refanging_is_exact() {
        assert_eq!(value("hxxps://Evil[.]Example/Gate.php"), "https://evil.example/Gate.php");
        assert_eq!(value("hXXp[:]//evil(.)example"), "http://evil.example");
        assert_eq!(value("evil[dot]example"), "evil.example");
        assert_eq!(value("evil{.}example[/]x"), "evil.example/x");
        assert_eq!(value("192[.]0[.]2[.]1"), "192.0.2.1");
        assert_eq!(value("fxp://files[.]example"), "ftp://files.example");
        // A host that is merely named like a defanged scheme stays.
        assert_eq!(value("hxxp.ddspadus.com"), "hxxp.ddspadus.com");
        assert_eq!(value("hxxps-out.wetax-pay.online"), "hxxps-out.wetax-pay.online");
    }

    #[test]
    fn refusals() {
        let err = |t: &str| parse_indicator(t).unwrap_err();
        assert!(matches!(err("zoneserveryu[0-9a-z]{0,}\\.com"), IndicatorError::Regex { .. }));
        assert!(matches!(err("^[a-z]{1}\\-[a-z]{1,3}\\.top$"), IndicatorError::Regex { .. }));
        assert!(matches!(err("q(l|r)[0-9]{5,6}.pw"), IndicatorError::Regex { .. }));
        assert!(matches!(err("182.86.133:8880"), IndicatorError::NotHostName { .. }));
        assert!(matches!(err("1.2.3.4:99999"), IndicatorError::BadPort { .. }));
        assert!(matches!(err("1.2.3.4/33"), IndicatorError::BadCidr { .. }));
        assert!(matches!(err("foo!bar.example"), IndicatorError::NotHostName { .. }));
        assert!(matches!(err("a..b"), IndicatorError::BadName { .. }));
        assert!(matches!(err("http:///x"), IndicatorError::BadUrl { .. }));
        assert!(matches!(err("two words"), IndicatorError::NotHostName { .. }));
        assert!(matches!(err("   "), IndicatorError::Empty));
        assert!(err("evil[.]exa mple").to_string().contains("\"evil[.]exa mple\""));
    }

    #[test]
    fn fast_path_agrees_with_the_name_parser() {
        let names = ["a.example", "A-B_c.Example.", "x1.y2.z3", "localhost", &"a".repeat(63)];
        for name in names {
            let fast = fast_domain(name).unwrap();
            assert_eq!(&*fast, DomainName::parse(name).unwrap().as_str(), "{name}");
        }
        for slow in ["xn--bcher-kva.example", "1.2.3.4", "a..b", ".a", "a b", &"a".repeat(64)] {
            assert_eq!(fast_domain(slow), None, "{slow}");
        }
    }
}
