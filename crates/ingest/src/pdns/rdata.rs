//! Record data as sources write it, brought to one normalised text.
//!
//! - A and AAAA: the address in canonical form (`192.0.2.1`,
//!   `2001:db8::1` per RFC 5952);
//! - names (NS, CNAME, PTR, DNAME, and inside MX, SRV, SOA): canonical
//!   [`DomainName`] text, lower case, without the trailing dot;
//! - MX `pref name`, SRV `priority weight port name`, SOA `mname rname
//!   serial refresh retry expire minimum`: numbers in decimal, one space
//!   between fields;
//! - TXT and SPF: each character string quoted, `"` and `\` escaped with
//!   a backslash, bytes outside printable ASCII as `\DDD`, one space
//!   between strings (the zone reader's form);
//! - other types: the text as written, blanks collapsed to one space.

use crate::zone::push_quoted;
use std::net::{Ipv4Addr, Ipv6Addr};

use nshunt_model::{DomainName, RrType};

use super::error::PdnsErrorKind;

/// The text a name takes inside normalised record data.
pub fn name_text(name: &DomainName) -> String {
    name.as_str().to_owned()
}

/// Parses a name from field `field`.
pub(super) fn parse_name(field: &'static str, text: &str) -> Result<DomainName, PdnsErrorKind> {
    DomainName::parse(text).map_err(|source| PdnsErrorKind::BadName { field, source })
}

/// Normalises `text`, written as the data of a `rrtype` record.
pub(super) fn normalise(rrtype: RrType, text: &str) -> Result<String, PdnsErrorKind> {
    let bad = |message: &str| PdnsErrorKind::BadRdata {
        rrtype,
        rdata: text.to_owned(),
        message: message.to_owned(),
    };

    match rrtype {
        RrType::A => ipv4(text).ok_or_else(|| bad("not an IPv4 address")),
        RrType::AAAA => ipv6(text).ok_or_else(|| bad("not an IPv6 address")),
        RrType::NS | RrType::CNAME | RrType::PTR | DNAME => one_name(text).map_err(bad),
        RrType::MX => fields(text, &[Part::U16, Part::Name]).map_err(bad),
        SRV => fields(text, &[Part::U16, Part::U16, Part::U16, Part::Name]).map_err(bad),
        RrType::SOA => fields(text, &SOA_PARTS).map_err(bad),
        RrType::TXT | SPF => txt(text).map_err(bad),
        _ => Ok(text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// SRV (RFC 2782).
pub(super) const SRV: RrType = RrType(33);

/// DNAME (RFC 6672).
pub(super) const DNAME: RrType = RrType(39);

/// SPF (RFC 7208; TXT-shaped).
pub(super) const SPF: RrType = RrType(99);

/// The fields of SOA data.
const SOA_PARTS: [Part; 7] =
    [Part::Name, Part::Name, Part::U32, Part::U32, Part::U32, Part::U32, Part::U32];

/// One blank-separated field of structured data.
#[derive(Clone, Copy)]
enum Part {
    Name,
    U16,
    U32,
}

/// An IPv4 address in canonical text.
pub(super) fn ipv4(text: &str) -> Option<String> {
    text.trim().parse::<Ipv4Addr>().ok().map(|a| a.to_string())
}

/// An IPv6 address in RFC 5952 text.
pub(super) fn ipv6(text: &str) -> Option<String> {
    text.trim().parse::<Ipv6Addr>().ok().map(|a| a.to_string())
}

/// A single name.
fn one_name(text: &str) -> Result<String, &'static str> {
    match text.split_ascii_whitespace().collect::<Vec<_>>().as_slice() {
        [one] => DomainName::parse(one).map(|n| name_text(&n)).map_err(|_| "not a domain name"),
        _ => Err("expected one domain name"),
    }
}

/// Blank-separated fields of the given kinds, normalised.
fn fields(text: &str, parts: &[Part]) -> Result<String, &'static str> {
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    if words.len() != parts.len() {
        return Err("wrong number of fields");
    }

    let mut out = Vec::with_capacity(parts.len());
    for (word, part) in words.iter().zip(parts) {
        out.push(field(word, *part)?);
    }
    Ok(out.join(" "))
}

/// One field, normalised.
fn field(word: &str, part: Part) -> Result<String, &'static str> {
    match part {
        Part::Name => DomainName::parse(word).map(|n| name_text(&n)).map_err(|_| "bad name"),
        Part::U16 => word.parse::<u16>().map(|n| n.to_string()).map_err(|_| "bad number"),
        Part::U32 => word.parse::<u32>().map(|n| n.to_string()).map_err(|_| "bad number"),
    }
}

/// TXT data: quoted strings as a zone file writes them, or, when the
/// text does not start with a quote, the whole text as one string.
fn txt(text: &str) -> Result<String, &'static str> {
    let trimmed = text.trim();
    if !trimmed.starts_with('"') {
        return Ok(quote_strings([trimmed.as_bytes()]));
    }

    let strings = split_quoted(trimmed)?;
    Ok(quote_strings(strings.iter().map(Vec::as_slice)))
}

/// The character strings of zone-file TXT data: quoted or bare words,
/// with `\X` and `\DDD` escapes decoded.
fn split_quoted(text: &str) -> Result<Vec<Vec<u8>>, &'static str> {
    let bytes = text.as_bytes();
    let mut strings = Vec::new();
    let mut i = 0;

    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let (string, next) = one_string(bytes, i)?;
        strings.push(string);
        i = next;
    }
    Ok(strings)
}

/// The character string starting at `start`, and where it ends.
fn one_string(bytes: &[u8], start: usize) -> Result<(Vec<u8>, usize), &'static str> {
    let quoted = bytes[start] == b'"';
    let mut i = start + usize::from(quoted);
    let mut out = Vec::new();

    while i < bytes.len() {
        match bytes[i] {
            b'"' if quoted => return Ok((out, i + 1)),
            b if !quoted && b.is_ascii_whitespace() => return Ok((out, i)),
            b'\\' => {
                let (octet, used) = escape(&bytes[i..]).ok_or("bad escape")?;
                out.push(octet);
                i += used;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }

    if quoted { Err("quoted string not closed") } else { Ok((out, i)) }
}

/// The escape at the start of `bytes` (`\X` or `\DDD`): octet and length.
fn escape(bytes: &[u8]) -> Option<(u8, usize)> {
    let next = *bytes.get(1)?;
    if !next.is_ascii_digit() {
        return Some((next, 2));
    }

    let digits = bytes.get(1..4)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits.iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
    Some((u8::try_from(value).ok()?, 4))
}

/// Character strings as normalised TXT data.
pub(super) fn quote_strings<'a>(strings: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut out = String::new();
    for (i, string) in strings.into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_quoted(string, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_data_is_normalised() {
        let cases = [
            (RrType::A, "192.0.2.1", "192.0.2.1"),
            (RrType::AAAA, "2001:0DB8:0000::0001", "2001:db8::1"),
            (RrType::CNAME, "WWW.Example.COM.", "www.example.com"),
            (RrType::MX, "10   Mail.Example.com.", "10 mail.example.com"),
            (SRV, "0 5 5060 sip.example.", "0 5 5060 sip.example"),
            (RrType::SOA, "ns.x. h.x. 1 2 3 4 5", "ns.x h.x 1 2 3 4 5"),
            (RrType::TXT, "\"v=spf1 -all\" \"two\"", "\"v=spf1 -all\" \"two\""),
            (RrType::TXT, "v=spf1 -all", "\"v=spf1 -all\""),
            (RrType::TXT, "\"a\\\"b\\010\"", "\"a\\\"b\\010\""),
            (RrType(65280), "  some   data ", "some data"),
        ];
        for (rrtype, text, expected) in cases {
            assert_eq!(normalise(rrtype, text).unwrap(), expected, "{rrtype} {text:?}");
        }
    }

    #[test]
    fn wrong_data_is_refused() {
        for (rrtype, text) in [
            (RrType::A, "999.1.2.3"),
            (RrType::A, "www.example.com"),
            (RrType::AAAA, "192.0.2.1"),
            (RrType::MX, "mail.example.com"),
            (RrType::CNAME, "a b"),
            (RrType::TXT, "\"open"),
        ] {
            assert!(normalise(rrtype, text).is_err(), "{rrtype} {text:?}");
        }
    }
}
