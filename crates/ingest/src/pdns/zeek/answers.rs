//! Turning the answers of one Zeek `dns.log` row into observations.
//!
//! The rules are documented in [the parent module](super).

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use foldhash::fast::FixedState;
use hashbrown::HashMap;
use nshunt_model::{DomainName, RrType};

use crate::pdns::PdnsObservation;
use crate::pdns::error::PdnsErrorKind;
use crate::pdns::rdata::{DNAME, SPF, name_text, quote_strings};

/// Query types whose answers Zeek writes as a bare name that can only be
/// a record of that type: the name is the record's target.
const NAME_TYPES: [RrType; 3] = [RrType::NS, RrType::CNAME, RrType::PTR];

/// Query types whose own records Zeek writes as a bare name but without
/// the rest of their data (MX preference, SRV priority, weight and port,
/// SOA everything but `mname`), plus ANY and zone transfers: a bare name
/// can be such a partial record or a CNAME, and is skipped.
const LOSSY_TYPES: [RrType; 7] = [
    RrType::MX,
    RrType::SOA,
    RrType(33),  // SRV
    RrType(252), // AXFR
    RrType(251), // IXFR
    RrType(255), // ANY
    DNAME,
];

/// Names kept by [`NameCache`] before it starts afresh.
const NAME_CACHE_ENTRIES: usize = 4096;

/// Names parsed lately, by the bytes they were written as: logs repeat
/// the same names over and over, and parsing is the costly part of a row.
#[derive(Default)]
pub(super) struct NameCache {
    names: HashMap<Box<[u8]>, DomainName, FixedState>,
}

impl NameCache {
    /// The name written as `bytes` (see [`name_from_bytes`]).
    pub(super) fn name(
        &mut self,
        field: &'static str,
        bytes: &[u8],
    ) -> Result<DomainName, PdnsErrorKind> {
        if let Some(name) = self.names.get(bytes) {
            return Ok(name.clone());
        }

        let name = name_from_bytes(field, bytes)?;
        if self.names.len() >= NAME_CACHE_ENTRIES {
            self.names.clear();
        }
        self.names.insert(bytes.into(), name.clone());
        Ok(name)
    }
}

/// What one answer string is, by its shape.
enum Shape {
    /// An IPv4 address, in its canonical text (which is how it was
    /// written: the parser refuses any other form).
    V4(String),
    /// An IPv6 address.
    V6(Ipv6Addr),
    /// A bare domain name.
    Name(DomainName),
    /// Character strings, from `TXT n text` or `SPF n text`.
    Strings(RrType, String),
    /// Anything else Zeek writes: `RRSIG 5 example.com`, `DNSKEY 8`,
    /// `<unknown type=65>`, `NSEC3`, …
    Other,
}

/// The owner chain of one response: it starts at the query name and moves
/// along each CNAME; it is lost (`None`) after a name that could have
/// been a CNAME but was skipped.
pub(super) struct Chain {
    owner: Option<DomainName>,
    qtype: Option<RrType>,
    time: i64,
}

impl Chain {
    /// A chain for a response to `query`, of type `qtype`, seen at `time`.
    pub(super) fn new(query: DomainName, qtype: Option<RrType>, time: i64) -> Self {
        Self { owner: Some(query), qtype, time }
    }

    /// The observation one answer gives, `None` when it cannot be
    /// represented, or an error when it is malformed.
    pub(super) fn answer(
        &mut self,
        answer: &[u8],
        ttl: Option<u32>,
        names: &mut NameCache,
    ) -> Result<Option<PdnsObservation>, PdnsErrorKind> {
        let (rrtype, rdata) = match shape(answer, names)? {
            Shape::V4(address) => (RrType::A, address),
            Shape::V6(address) => (RrType::AAAA, address.to_string()),
            Shape::Strings(rrtype, text) => (rrtype, text),
            Shape::Name(name) => return Ok(self.name(name, ttl)),
            Shape::Other => return Ok(None),
        };
        Ok(self.observation(rrtype, rdata, ttl))
    }

    /// A bare name: a record of the query type, a CNAME, or unknown (and
    /// then the owner of what follows is unknown too).
    fn name(&mut self, name: DomainName, ttl: Option<u32>) -> Option<PdnsObservation> {
        let Some(qtype) = self.qtype.filter(|t| !LOSSY_TYPES.contains(t)) else {
            self.owner = None;
            return None;
        };

        let cname = !NAME_TYPES.contains(&qtype) || is_classless_ptr_alias(qtype, &name);
        let rrtype = if cname { RrType::CNAME } else { qtype };
        let observation = self.observation(rrtype, name_text(&name), ttl);
        if cname && self.owner.is_some() {
            self.owner = Some(name);
        }
        observation
    }

    /// One observation owned by the current owner, if it is known.
    fn observation(
        &self,
        rrtype: RrType,
        rdata: String,
        ttl: Option<u32>,
    ) -> Option<PdnsObservation> {
        let owner = self.owner.clone()?;
        Some(PdnsObservation::sighting(owner, rrtype, rdata, ttl, self.time))
    }
}

/// A name answering a PTR query that is itself a reverse name: the CNAME
/// of RFC 2317 classless delegation, not a host name.
fn is_classless_ptr_alias(qtype: RrType, name: &DomainName) -> bool {
    let text = name.as_str();
    qtype == RrType::PTR && (text.ends_with(".in-addr.arpa") || text.ends_with(".ip6.arpa"))
}

/// Tells what one answer string is.
fn shape(answer: &[u8], names: &mut NameCache) -> Result<Shape, PdnsErrorKind> {
    if let Some(strings) = character_strings(answer)? {
        return Ok(strings);
    }
    if let Some(address) = address(answer)? {
        return Ok(address);
    }
    if !looks_like_name(answer) {
        return Ok(Shape::Other);
    }

    names.name("answers", answer).map(Shape::Name)
}

/// `TXT n text` or `SPF n text` answers, as normalised TXT data.
fn character_strings(answer: &[u8]) -> Result<Option<Shape>, PdnsErrorKind> {
    let (rrtype, prefix): (RrType, &[u8]) = match answer {
        [b'T', b'X', b'T', b' ', ..] => (RrType::TXT, b"TXT "),
        [b'S', b'P', b'F', b' ', ..] => (SPF, b"SPF "),
        _ => return Ok(None),
    };

    let strings = split_counted(answer, prefix).ok_or_else(|| PdnsErrorKind::BadRdata {
        rrtype,
        rdata: String::from_utf8_lossy(answer).into_owned(),
        message: "expected \"TXT <length> <text>\" repeated".to_owned(),
    })?;
    Ok(Some(Shape::Strings(rrtype, quote_strings(strings))))
}

/// Splits `TXT 3 abc TXT 2 de` into `abc` and `de`: each string is
/// preceded by the prefix and its length in bytes.
fn split_counted<'a>(mut rest: &'a [u8], prefix: &[u8]) -> Option<Vec<&'a [u8]>> {
    let mut strings = Vec::new();
    loop {
        rest = rest.strip_prefix(prefix)?;
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let length: usize = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
        rest = rest[digits..].strip_prefix(b" ")?;

        strings.push(rest.get(..length)?);
        rest = &rest[length..];
        if rest.is_empty() {
            return Some(strings);
        }
        rest = rest.strip_prefix(b" ")?;
    }
}

/// An address answer; an error for something written like an IPv4
/// address that is not one (`10.0.0.256`).
fn address(answer: &[u8]) -> Result<Option<Shape>, PdnsErrorKind> {
    let Ok(text) = std::str::from_utf8(answer) else {
        return Ok(None);
    };
    if text.parse::<Ipv4Addr>().is_ok() {
        return Ok(Some(Shape::V4(text.to_owned())));
    }
    if text.contains(':') {
        return Ok(text.parse::<Ipv6Addr>().ok().map(Shape::V6));
    }

    let dotted_quad = text.split('.').count() == 4
        && text.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if dotted_quad {
        return Err(PdnsErrorKind::BadRdata {
            rrtype: RrType::A,
            rdata: text.to_owned(),
            message: "not an IPv4 address".to_owned(),
        });
    }
    Ok(None)
}

/// Whether an answer is shaped like a host name: letters, digits, `-`,
/// `_`, `.`, `*`, `/` (RFC 2317) or non-ASCII bytes only, and not one
/// of the bare words Zeek writes for DNSSEC types.
fn looks_like_name(answer: &[u8]) -> bool {
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || b"-_.*/".contains(b) || *b >= 0x80;
    !answer.is_empty()
        && answer.iter().all(allowed)
        && answer != b"NSEC3"
        && answer != b"NSEC3PARAM"
}

/// A name from bytes Zeek wrote (after `\x` unescaping): UTF-8 text goes
/// through IDNA; other bytes outside printable ASCII become `\DDD`.
fn name_from_bytes(field: &'static str, bytes: &[u8]) -> Result<DomainName, PdnsErrorKind> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) if !text.bytes().any(|b| b.is_ascii_control() || b == b' ' || b == b'\\') => {
            Cow::Borrowed(text)
        }
        _ => Cow::Owned(escape_octets(bytes)),
    };
    DomainName::parse(&text).map_err(|source| PdnsErrorKind::BadName { field, source })
}

/// Presentation text with every byte outside printable ASCII (and the
/// backslash) written `\DDD`.
fn escape_octets(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x21..=0x7e).contains(&b) && b != b'\\' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\{b:03}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(query: &str, qtype: u16, answers: &[&str]) -> Vec<String> {
        let query = DomainName::parse(query).unwrap();
        let mut chain = Chain::new(query, Some(RrType(qtype)), 0);
        let mut out = Vec::new();
        let mut names = NameCache::default();
        for answer in answers {
            match chain.answer(answer.as_bytes(), Some(60), &mut names) {
                Ok(Some(o)) => out.push(format!("{} {} {}", o.rrname, o.rrtype, o.rdata)),
                Ok(None) => out.push("skipped".to_owned()),
                Err(e) => out.push(format!("error: {e}")),
            }
        }
        out
    }

    #[test]
    fn cname_chains_move_the_owner() {
        let got = map(
            "www.cmu.edu",
            1,
            &[
                "www-cmu.andrew.cmu.edu",
                "RRSIG 5 cmu.edu",
                "www-cmu-2.andrew.cmu.edu",
                "128.2.10.163",
            ],
        );
        assert_eq!(
            got,
            [
                "www.cmu.edu CNAME www-cmu.andrew.cmu.edu",
                "skipped",
                "www-cmu.andrew.cmu.edu CNAME www-cmu-2.andrew.cmu.edu",
                "www-cmu-2.andrew.cmu.edu A 128.2.10.163",
            ]
        );
    }

    #[test]
    fn name_types_keep_the_owner() {
        let got = map("example.com", 2, &["a.iana-servers.net", "b.iana-servers.net"]);
        assert_eq!(got, ["example.com NS a.iana-servers.net", "example.com NS b.iana-servers.net"]);

        let got =
            map("5.2.0.192.in-addr.arpa", 12, &["5.0-25.2.0.192.in-addr.arpa", "host.example.net"]);
        assert_eq!(
            got,
            [
                "5.2.0.192.in-addr.arpa CNAME 5.0-25.2.0.192.in-addr.arpa",
                "5.0-25.2.0.192.in-addr.arpa PTR host.example.net",
            ]
        );
    }

    #[test]
    fn lossy_types_skip_names_and_lose_the_owner() {
        let got = map("example.com", 255, &["192.0.2.1", "mail.example.com", "192.0.2.2"]);
        assert_eq!(got, ["example.com A 192.0.2.1", "skipped", "skipped"]);
    }

    #[test]
    fn character_strings_are_split_by_their_lengths() {
        let got = map("example.com", 16, &["TXT 5 a b c TXT 0  TXT 3 x\"y"]);
        assert_eq!(got, ["example.com TXT \"a b c\" \"\" \"x\\\"y\""]);
        let got = map("example.com", 16, &["TXT 9 short"]);
        assert!(got[0].starts_with("error: bad TXT data"), "{got:?}");
    }

    #[test]
    fn addresses_are_checked() {
        let got = map("example.com", 1, &["10.0.0.256", "2001:DB8:0:0:0:0:0:1"]);
        assert!(got[0].starts_with("error: bad A data"), "{got:?}");
        assert_eq!(got[1], "example.com AAAA 2001:db8::1");
    }

    #[test]
    fn escaped_bytes_become_ddd() {
        let name = name_from_bytes("query", b"a\x00b.example").unwrap();
        assert_eq!(name.as_str(), "a\\000b.example");
    }
}
