//! PTR naming patterns: host names with their address-derived part
//! replaced by `*`, so that hosts named by the same scheme can be pivoted
//! on.
//!
//! [`ptr_pattern`] finds address-derived parts without knowing the
//! address; [`find_address`] and [`encodes_address`] check a name
//! against a known one.
//!
//! What counts as address-derived in [`ptr_pattern`]:
//!
//! - four consecutive labels that are decimal octets, the first possibly
//!   led by letters or `-` and the last followed by them
//!   (`24.73.12.198.static.example`, `dsl-24.73.12.198-dyn.example`);
//! - inside a label, delimited by the label's ends, `-` or `_` (or, when
//!   no such span exists, also by a change between letters and digits, as
//!   in `host198-12-73-24`):
//!   - four decimal octets joined by `-` or by `_` (`198-12-73-24`,
//!     zero-padded `198-012-073-024`);
//!   - twelve digits that are four zero-padded octets (`198012073024`);
//!   - an IPv6 address with `-` for `:` and at least three groups
//!     (`2001-db8--1`, `2001-0db8-0000-0000-0000-0000-0000-0001`);
//!   - 32 hex digits (an IPv6 address written out in nibbles);
//!   - eight hex digits with at least one digit and one letter `a`–`f`
//!     (`c60c4918`, an IPv4 address in hex).
//!
//! # Limitations
//!
//! - The eight-hex-digit form is a guess: a label such as `cafe1234` is
//!   generalised too, and an IPv4 address whose hex form has no letter
//!   (`64646464`) is not recognised. [`encodes_address`], which knows the
//!   address, has no such guesswork.
//! - Addresses split other ways (three labels, octets in words, mixed
//!   separators) are not recognised.
//! - Reverse names (`in-addr.arpa`, `ip6.arpa`) have no pattern: they
//!   would all collapse to one useless `*.in-addr.arpa`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use crate::DomainName;

/// The reverse name of an address, where its PTR records live
/// (`1.2.0.192.in-addr.arpa`, nibbles under `ip6.arpa`).
///
/// ```
/// use nshunt_model::ptr::reverse_name;
///
/// assert_eq!(reverse_name("192.0.2.1".parse().unwrap()).as_str(), "1.2.0.192.in-addr.arpa");
/// let v6 = reverse_name("2001:db8::1".parse().unwrap());
/// assert!(v6.as_str().starts_with("1.0.0.0.") && v6.as_str().ends_with(".8.b.d.0.1.0.0.2.ip6.arpa"));
/// ```
pub fn reverse_name(address: IpAddr) -> DomainName {
    let text = match address {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa")
        }
        IpAddr::V6(v6) => {
            let nibbles = v6.octets().iter().rev().fold(String::new(), |mut out, byte| {
                out.push_str(&format!("{:x}.{:x}.", byte & 0xf, byte >> 4));
                out
            });
            format!("{nibbles}ip6.arpa")
        }
    };
    DomainName::parse(&text).unwrap_or_else(|_| DomainName::root())
}

/// The address a full reverse name stands for: `1.2.0.192.in-addr.arpa`
/// is `192.0.2.1`, 32 nibbles under `ip6.arpa` an IPv6 address; `None`
/// for anything else (partial names, classless delegations).
///
/// ```
/// use nshunt_model::DomainName;
/// use nshunt_model::ptr::{address_of_reverse_name, reverse_name};
///
/// let ip = "2001:db8::1".parse().unwrap();
/// assert_eq!(address_of_reverse_name(&reverse_name(ip)), Some(ip));
/// let partial = DomainName::parse("2.0.192.in-addr.arpa").unwrap();
/// assert_eq!(address_of_reverse_name(&partial), None);
/// ```
pub fn address_of_reverse_name(name: &DomainName) -> Option<IpAddr> {
    let labels: Vec<&str> = name.labels().collect();
    match labels.as_slice() {
        [d, c, b, a, "in-addr", "arpa"] => {
            let octet = |t: &str| t.parse::<u8>().ok().filter(|_| t == "0" || !t.starts_with('0'));
            Some(IpAddr::V4(Ipv4Addr::new(octet(a)?, octet(b)?, octet(c)?, octet(d)?)))
        }
        [nibbles @ .., "ip6", "arpa"] if nibbles.len() == 32 => {
            let mut bits: u128 = 0;
            for nibble in nibbles.iter().rev() {
                let &[digit] = nibble.as_bytes() else { return None };
                bits = (bits << 4) | u128::from((digit as char).to_digit(16)?);
            }
            Some(IpAddr::V6(Ipv6Addr::from(bits)))
        }
        _ => None,
    }
}

/// The name with each address-derived part replaced by `*`, or `None`
/// when it has none (the name itself would be no pattern to pivot on).
///
/// ```
/// use nshunt_model::ptr::ptr_pattern;
/// use nshunt_model::DomainName;
///
/// let name = DomainName::parse("ip-198-12-73-24.eu-west-1.compute.internal").unwrap();
/// assert_eq!(ptr_pattern(&name).as_deref(), Some("ip-*.eu-west-1.compute.internal"));
/// let name = DomainName::parse("mail.example.com").unwrap();
/// assert_eq!(ptr_pattern(&name), None);
/// ```
pub fn ptr_pattern(name: &DomainName) -> Option<String> {
    let text = name.as_str();
    if text.ends_with(".in-addr.arpa") || text.ends_with(".ip6.arpa") {
        return None;
    }

    let labels: Vec<&str> = name.labels().collect();
    let mut changed = false;
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    let mut i = 0;

    while i < labels.len() {
        if let Some(joined) = dotted_quad(&labels[i..]) {
            out.push(joined);
            changed = true;
            i += 4;
            continue;
        }

        let (label, found) = generalise_label(labels[i]);
        changed |= found;
        out.push(label);
        i += 1;
    }
    changed.then(|| out.join("."))
}

/// Whether `text` (a label, or labels joined by dots) holds `address` in
/// any of the ways host names embed one: see [`find_address`].
pub fn encodes_address(text: &str, address: IpAddr) -> bool {
    find_address(text, address).is_some()
}

/// Where `text` holds `address`, as a byte range: the first match of any
/// of these forms, ignoring case, not running on into more digits:
///
/// - IPv4, forward or reversed: octets joined by `.`, `-` or `_`, plain
///   or zero-padded to three digits; the twelve padded digits unjoined;
///   eight hex digits;
/// - IPv6, forward: groups joined by `-` (compressed as in RFC 5952,
///   full, or full with zero padding); 32 hex digits; reversed: nibbles
///   joined by `.` (the `ip6.arpa` order).
pub fn find_address(text: &str, address: IpAddr) -> Option<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let forms = match address {
        IpAddr::V4(v4) => ipv4_forms(v4),
        IpAddr::V6(v6) => ipv6_forms(v6),
    };

    forms
        .iter()
        .filter_map(|(form, hex)| find_delimited(&lower, form, *hex))
        .min_by_key(|range| (range.start, usize::MAX - range.end))
}

/// Four labels from the start of `labels` that spell an IPv4 address,
/// joined into one pattern label.
fn dotted_quad(labels: &[&str]) -> Option<String> {
    let [first, second, third, fourth, ..] = labels else {
        return None;
    };

    let (prefix, first) = split_digit_tail(first);
    let (fourth, suffix) = split_digit_head(fourth);
    let octets = [first, second, third, fourth];
    octets.iter().all(|o| is_octet(o)).then(|| format!("{prefix}*{suffix}"))
}

/// `dsl-24` into `dsl-` and `24` (the trailing digits).
fn split_digit_tail(label: &str) -> (&str, &str) {
    let digits = label.bytes().rev().take_while(u8::is_ascii_digit).count();
    label.split_at(label.len() - digits)
}

/// `198-dyn` into `198` and `-dyn` (the leading digits).
fn split_digit_head(label: &str) -> (&str, &str) {
    let digits = label.bytes().take_while(u8::is_ascii_digit).count();
    label.split_at(digits)
}

/// A decimal octet: one to three digits, at most 255.
fn is_octet(text: &str) -> bool {
    (1..=3).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_digit())
        && text.parse::<u16>().is_ok_and(|n| n <= 255)
}

/// The label with each address-derived span replaced by `*`, and whether
/// there was one. Spans between separators (`ec2-52-20-1-117`: the last
/// four numbers) win over spans that start or end where letters and
/// digits meet (`a23-45-67-89`).
fn generalise_label(label: &str) -> (String, bool) {
    let strict = replace_spans(label.as_bytes(), Boundaries::Separators);
    if strict.1 {
        return strict;
    }
    replace_spans(label.as_bytes(), Boundaries::Any)
}

/// Where address-derived spans may start and end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Boundaries {
    /// The label's ends, `-` and `_` only.
    Separators,
    /// Those, and where letters and digits meet.
    Any,
}

/// Replaces each address-derived span of `bytes` with `*`, left to right.
fn replace_spans(bytes: &[u8], boundaries: Boundaries) -> (String, bool) {
    let mut out = String::with_capacity(bytes.len());
    let mut found = false;
    let mut i = 0;

    while i < bytes.len() {
        match longest_address_span(bytes, i, boundaries) {
            Some(end) => {
                out.push('*');
                found = true;
                i = end;
            }
            None => {
                out.push(char::from(bytes[i]));
                i += 1;
            }
        }
    }
    (out, found)
}

/// The end of the longest address-derived span starting at `start`.
fn longest_address_span(bytes: &[u8], start: usize, boundaries: Boundaries) -> Option<usize> {
    let any = boundaries == Boundaries::Any;
    let decimal = may_start(bytes, start, false, any);
    let hex = may_start(bytes, start, true, any);
    if !decimal && !hex {
        return None;
    }

    (start + 1..=bytes.len()).rev().find(|&end| {
        let span = std::str::from_utf8(&bytes[start..end]).unwrap_or_default();
        decimal && may_end(bytes, end, false, any) && is_decimal_address(span)
            || hex && may_end(bytes, end, true, any) && is_hex_address(span)
    })
}

/// Spans start at the label's start, after `-` or `_`, or (with `turns`)
/// where letters turn into digits (into hex digits after a letter beyond
/// `f`, for hex forms).
fn may_start(bytes: &[u8], at: usize, hex: bool, turns_too: bool) -> bool {
    let Some(&before) = at.checked_sub(1).and_then(|i| bytes.get(i)) else {
        return true;
    };
    let here = bytes[at];
    let joined = matches!(before, b'-' | b'_') && !matches!(here, b'-' | b'_');
    joined || turns_too && turns(before, here, hex)
}

/// Spans end at the label's end, before `-` or `_`, or (with `turns`)
/// where digits turn into letters (hex digits into letters beyond `f`,
/// for hex forms).
fn may_end(bytes: &[u8], at: usize, hex: bool, turns_too: bool) -> bool {
    let Some(&after) = bytes.get(at) else {
        return true;
    };
    let last = bytes[at - 1];
    let joined = matches!(after, b'-' | b'_') && !matches!(last, b'-' | b'_');
    joined || turns_too && turns(after, last, hex)
}

/// Whether `letter` and `digit` meet at a boundary between a word and a
/// number: any letter against a decimal digit, a letter beyond `f`
/// against a hex digit.
fn turns(letter: u8, digit: u8, hex: bool) -> bool {
    if hex {
        letter.is_ascii_alphabetic() && !is_hex(letter) && is_hex(digit)
    } else {
        letter.is_ascii_alphabetic() && digit.is_ascii_digit()
    }
}

/// A lower-case hex digit or letter `a`–`f`.
fn is_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// Whether a span is an IPv4 address in a decimal form.
fn is_decimal_address(text: &str) -> bool {
    is_separated_ipv4(text) || is_packed_ipv4(text)
}

/// Whether a span is an address in a hex form.
fn is_hex_address(text: &str) -> bool {
    is_dashed_ipv6(text) || is_hex_ipv4(text) || is_nibble_ipv6(text)
}

/// `198-12-73-24` or `198_012_073_024`.
fn is_separated_ipv4(text: &str) -> bool {
    ['-', '_'].iter().any(|&sep| {
        let parts: Vec<&str> = text.split(sep).collect();
        parts.len() == 4 && parts.iter().all(|p| is_octet(p))
    })
}

/// `198012073024`.
fn is_packed_ipv4(text: &str) -> bool {
    text.len() == 12
        && text.bytes().all(|b| b.is_ascii_digit())
        && (0..4).all(|i| is_octet(&text[i * 3..i * 3 + 3]))
}

/// `2001-db8--1`, with at least three non-empty groups.
fn is_dashed_ipv6(text: &str) -> bool {
    let groups = text.split('-').filter(|g| !g.is_empty()).count();
    groups >= 3 && text.replace('-', ":").parse::<Ipv6Addr>().is_ok()
}

/// `c60c4918`: eight hex digits, at least one digit and one letter.
fn is_hex_ipv4(text: &str) -> bool {
    text.len() == 8
        && text.bytes().all(is_hex)
        && text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().any(|b| b.is_ascii_alphabetic())
}

/// 32 hex digits.
fn is_nibble_ipv6(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(is_hex)
}

/// The texts an IPv4 address may be written as, and whether each is hex.
fn ipv4_forms(address: Ipv4Addr) -> Vec<(String, bool)> {
    let forward = address.octets();
    let mut reversed = forward;
    reversed.reverse();

    let mut forms = Vec::new();
    for octets in [forward, reversed] {
        let plain: Vec<String> = octets.iter().map(u8::to_string).collect();
        let padded: Vec<String> = octets.iter().map(|o| format!("{o:03}")).collect();
        for sep in [".", "-", "_"] {
            forms.push((plain.join(sep), false));
            forms.push((padded.join(sep), false));
        }
        forms.push((padded.concat(), false));
        forms.push((octets.iter().map(|o| format!("{o:02x}")).collect(), true));
    }
    forms
}

/// The texts an IPv6 address may be written as, and whether each is hex.
fn ipv6_forms(address: Ipv6Addr) -> Vec<(String, bool)> {
    let groups = address.segments();
    let plain: Vec<String> = groups.iter().map(|g| format!("{g:x}")).collect();
    let padded: Vec<String> = groups.iter().map(|g| format!("{g:04x}")).collect();
    let nibbles = padded.concat();
    let reversed: Vec<String> = nibbles.chars().rev().map(String::from).collect();

    vec![
        (address.to_string().replace(':', "-"), true),
        (plain.join("-"), true),
        (padded.join("-"), true),
        (nibbles, true),
        (reversed.join("."), true),
    ]
}

/// The first occurrence of `form` in `text` that does not run on into
/// more digits (hex digits for hex forms) on either side.
fn find_delimited(text: &str, form: &str, hex: bool) -> Option<Range<usize>> {
    let continues = |b: u8| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() };
    let bytes = text.as_bytes();

    text.match_indices(form).map(|(start, _)| start..start + form.len()).find(|range| {
        let before = range.start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(range.end).copied();
        !before.is_some_and(continues) && !after.is_some_and(continues)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_need_boundaries() {
        assert!(may_start(b"c1", 1, false, true));
        assert!(!may_start(b"c1", 1, false, false));
        assert!(!may_start(b"c1", 1, true, true));
        assert!(may_start(b"x1", 1, true, true));
        assert!(may_start(b"ip-1", 3, false, false));
        assert!(!may_start(b"a--1", 2, true, true));
        assert!(may_end(b"1-host", 1, false, false));
        assert!(may_end(b"24host", 2, false, true));
        assert!(!may_end(b"24b", 2, true, true));
    }

    #[test]
    fn forms_cover_both_orders() {
        let forms = ipv4_forms(Ipv4Addr::new(198, 12, 73, 24));
        let texts: Vec<&str> = forms.iter().map(|(f, _)| f.as_str()).collect();
        for expected in ["198-12-73-24", "24.73.12.198", "198012073024", "c60c4918", "18490cc6"] {
            assert!(texts.contains(&expected), "{expected} missing from {texts:?}");
        }
    }
}
