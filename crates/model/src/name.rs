//! Domain names, normalised once where they enter nshunt.
//!
//! A [`DomainName`] holds the canonical presentation form of a name:
//! ASCII only (U-labels become A-labels by UTS 46 non-transitional
//! processing), lower case, no trailing dot, and one escape form per
//! octet. Two names are equal exactly when their strings are equal,
//! so the store and every index can compare and hash plain text.
//!
//! Limits are counted in wire octets as RFC 1035 §2.3.4 counts them:
//! at most 63 octets a label and 255 octets a name, the length bytes and
//! the root label included.
//!
//! # Limitations
//!
//! - Non-ASCII text is only run through IDNA when it is written as raw
//!   UTF-8; octets written as `\DDD` escapes stay opaque binary labels.

use std::fmt;

use serde::{Serialize, Serializer};

/// The longest label, in octets (RFC 1035 §2.3.4).
pub const MAX_LABEL_OCTETS: usize = 63;

/// The longest name in wire form, in octets (RFC 1035 §2.3.4).
pub const MAX_NAME_OCTETS: usize = 255;

/// Every way a name can be refused. Each variant carries the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// The input was empty.
    #[error("empty name")]
    Empty,

    /// Two dots in a row, or a dot at the start of a non-root name.
    #[error("empty label in {name:?}")]
    EmptyLabel {
        /// The name as written.
        name: String,
    },

    /// A label longer than 63 octets.
    #[error("label of {octets} octets (at most 63) in {name:?}")]
    LabelTooLong {
        /// The name as written.
        name: String,
        /// The label's length in octets.
        octets: usize,
    },

    /// A name longer than 255 octets in wire form.
    #[error("name of {octets} octets in wire form (at most 255): {name:?}")]
    NameTooLong {
        /// The name as written.
        name: String,
        /// The name's wire length.
        octets: usize,
    },

    /// A backslash escape that is cut short or out of range.
    #[error("bad escape at byte {position} in {name:?}")]
    BadEscape {
        /// The name as written.
        name: String,
        /// Byte offset of the backslash.
        position: usize,
    },

    /// A label starting `xn--` that is not valid punycode under UTS 46.
    #[error("invalid A-label {label:?} in {name:?}")]
    InvalidALabel {
        /// The name as written.
        name: String,
        /// The offending label.
        label: String,
    },

    /// Unicode input that UTS 46 processing refuses.
    #[error("not a valid internationalised name: {name:?}")]
    Idna {
        /// The name as written.
        name: String,
    },
}

/// A normalised, absolute domain name.
///
/// The root is written `.`; every other name is written without its
/// trailing dot.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainName {
    text: Box<str>,
}

impl DomainName {
    /// The root name, `.`.
    pub fn root() -> Self {
        Self { text: ".".into() }
    }

    /// Parses a name as absolute, with or without its trailing dot.
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let (name, _) = parse_labels(input)?;
        Ok(name)
    }

    /// Parses a name as a zone file does: `@` is the origin, a name
    /// without a trailing dot is relative to the origin.
    pub fn parse_relative(input: &str, origin: &DomainName) -> Result<Self, NameError> {
        if input == "@" {
            return Ok(origin.clone());
        }

        let (name, absolute) = parse_labels(input)?;
        if absolute || origin.is_root() {
            return Ok(name);
        }

        name.join(origin).ok_or_else(|| NameError::NameTooLong {
            name: format!("{input}.{origin}"),
            octets: name.wire_len() + origin.wire_len() - 1,
        })
    }

    /// Whether this is the root name.
    pub fn is_root(&self) -> bool {
        &*self.text == "."
    }

    /// The canonical text, without trailing dot (`.` for the root).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The canonical text with its trailing dot.
    pub fn to_fqdn(&self) -> String {
        if self.is_root() { ".".to_owned() } else { format!("{}.", self.text) }
    }

    /// The labels from left to right, in canonical presentation form.
    pub fn labels(&self) -> impl DoubleEndedIterator<Item = &str> + '_ {
        let text: &str = if self.is_root() { "" } else { &self.text };
        LabelSplit { rest: text }
    }

    /// The number of labels, the root not counted.
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// The length of the name in wire form, root label included.
    pub fn wire_len(&self) -> usize {
        self.labels().map(|l| presentation_octets(l) + 1).sum::<usize>() + 1
    }

    /// The name with its leftmost label removed; `None` for the root.
    pub fn parent(&self) -> Option<DomainName> {
        if self.is_root() {
            return None;
        }

        let first = self.labels().next().unwrap_or_default();
        let rest = &self.text[first.len()..];
        Some(match rest.strip_prefix('.') {
            Some(tail) => Self { text: tail.into() },
            None => Self::root(),
        })
    }

    /// The last `n` labels as a name (the whole name if it has fewer).
    pub fn suffix(&self, n: usize) -> DomainName {
        let count = self.label_count();
        if n == 0 {
            return Self::root();
        }
        if n >= count {
            return self.clone();
        }

        let skip: usize = self.labels().take(count - n).map(|l| l.len() + 1).sum();
        Self { text: self.text[skip..].into() }
    }

    /// Whether `self` equals `other` or lies below it.
    pub fn is_subdomain_of(&self, other: &DomainName) -> bool {
        if other.is_root() || self == other {
            return true;
        }

        let tail = other.text.len();
        self.text.len() > tail
            && self.text.ends_with(&*other.text)
            && self.text.as_bytes()[self.text.len() - tail - 1] == b'.'
            && !is_escaped_at(&self.text, self.text.len() - tail - 1)
    }

    /// The name in Unicode (U-labels), for people to read.
    pub fn to_unicode(&self) -> String {
        let (text, _) = idna::domain_to_unicode(&self.text);
        text
    }

    /// `relative` prepended to `self`; `None` when the result is too long.
    fn join(&self, suffix: &DomainName) -> Option<DomainName> {
        let octets = self.wire_len() + suffix.wire_len() - 1;
        if octets > MAX_NAME_OCTETS {
            return None;
        }

        Some(Self { text: format!("{}.{}", self.text, suffix.text).into() })
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DomainName({})", self.text)
    }
}

impl Serialize for DomainName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl std::str::FromStr for DomainName {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Splits canonical text on its unescaped dots.
struct LabelSplit<'a> {
    rest: &'a str,
}

impl<'a> Iterator for LabelSplit<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }

        let end = unescaped_dot(self.rest).unwrap_or(self.rest.len());
        let label = &self.rest[..end];
        self.rest = self.rest.get(end + 1..).unwrap_or("");
        Some(label)
    }
}

impl DoubleEndedIterator for LabelSplit<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }

        let dots: Vec<usize> = (0..self.rest.len())
            .filter(|&i| self.rest.as_bytes()[i] == b'.' && !is_escaped_at(self.rest, i))
            .collect();
        match dots.last() {
            Some(&dot) => {
                let label = &self.rest[dot + 1..];
                self.rest = &self.rest[..dot];
                Some(label)
            }
            None => Some(std::mem::take(&mut self.rest)),
        }
    }
}

/// The first dot in canonical text that is not escaped.
fn unescaped_dot(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 4,
            b'\\' => i += 2,
            b'.' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Whether the byte at `index` of canonical text is part of an escape.
fn is_escaped_at(text: &str, index: usize) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < index {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 4,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    i > index
}

/// Octets in one canonical presentation label.
fn presentation_octets(label: &str) -> usize {
    let bytes = label.as_bytes();
    let (mut i, mut octets) = (0, 0);
    while i < bytes.len() {
        i += match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => 4,
            b'\\' => 2,
            _ => 1,
        };
        octets += 1;
    }
    octets
}

/// Parses presentation text into a canonical name, and says whether the
/// text was absolute (ended in an unescaped dot).
fn parse_labels(input: &str) -> Result<(DomainName, bool), NameError> {
    if input.is_empty() {
        return Err(NameError::Empty);
    }
    if input == "." {
        return Ok((DomainName::root(), true));
    }
    if !input.is_ascii() {
        return parse_unicode(input);
    }

    let (labels, absolute) = decode_labels(input)?;
    let name = canonical_from_octets(input, &labels)?;
    check_a_labels(input, &name)?;
    Ok((name, absolute))
}

/// Raw UTF-8 input: UTS 46 non-transitional processing, then the ASCII path.
fn parse_unicode(input: &str) -> Result<(DomainName, bool), NameError> {
    if input.contains('\\') {
        return Err(NameError::Idna { name: input.to_owned() });
    }

    let absolute = input.ends_with('.') || input.ends_with('\u{3002}');
    let ascii =
        idna::domain_to_ascii(input).map_err(|_| NameError::Idna { name: input.to_owned() })?;
    let trimmed = ascii.strip_suffix('.').unwrap_or(&ascii);
    if trimmed.is_empty() {
        return Err(NameError::Idna { name: input.to_owned() });
    }

    let (labels, _) = decode_labels(trimmed)?;
    let name = canonical_from_octets(input, &labels)?;
    // UTS 46 in its URL profile lets some code points through that give
    // A-labels which do not decode again: refuse those names here, so
    // that every name parses back from its own text.
    check_a_labels(input, &name).map_err(|_| NameError::Idna { name: input.to_owned() })?;
    Ok((name, absolute))
}

/// Splits presentation text into labels of raw octets, decoding escapes.
fn decode_labels(input: &str) -> Result<(Vec<Vec<u8>>, bool), NameError> {
    let bytes = input.as_bytes();
    let mut labels = vec![Vec::new()];
    let mut absolute = false;
    let mut i = 0;

    while i < bytes.len() {
        absolute = false;
        match bytes[i] {
            b'\\' => {
                let (octet, used) = decode_escape(input, i)?;
                labels.last_mut().unwrap_or(&mut Vec::new()).push(octet);
                i += used;
            }
            b'.' => {
                if labels.last().is_some_and(Vec::is_empty) {
                    return Err(NameError::EmptyLabel { name: input.to_owned() });
                }
                if i + 1 == bytes.len() {
                    absolute = true;
                } else {
                    labels.push(Vec::new());
                }
                i += 1;
            }
            b => {
                if let Some(label) = labels.last_mut() {
                    label.push(b);
                }
                i += 1;
            }
        }
    }

    Ok((labels, absolute))
}

/// One escape at `at`: `\DDD` (decimal octet) or `\X` (X itself).
fn decode_escape(input: &str, at: usize) -> Result<(u8, usize), NameError> {
    let bytes = input.as_bytes();
    let bad = || NameError::BadEscape { name: input.to_owned(), position: at };
    let next = *bytes.get(at + 1).ok_or_else(bad)?;
    if !next.is_ascii_digit() {
        return Ok((next, 2));
    }

    let digits = bytes.get(at + 1..at + 4).ok_or_else(bad)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let value = digits.iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
    let octet = u8::try_from(value).map_err(|_| bad())?;
    Ok((octet, 4))
}

/// Builds the canonical text from raw label octets, checking the limits.
fn canonical_from_octets(input: &str, labels: &[Vec<u8>]) -> Result<DomainName, NameError> {
    let mut text = String::with_capacity(input.len());
    let mut wire = 1;

    for label in labels {
        if label.len() > MAX_LABEL_OCTETS {
            return Err(NameError::LabelTooLong { name: input.to_owned(), octets: label.len() });
        }
        if !text.is_empty() {
            text.push('.');
        }
        label.iter().for_each(|&b| push_octet(&mut text, b));
        wire += label.len() + 1;
    }

    if wire > MAX_NAME_OCTETS {
        return Err(NameError::NameTooLong { name: input.to_owned(), octets: wire });
    }
    Ok(DomainName { text: text.into() })
}

/// Writes one octet in its single canonical presentation form.
fn push_octet(text: &mut String, octet: u8) {
    match octet {
        b'A'..=b'Z' => text.push(octet.to_ascii_lowercase() as char),
        b'.' | b'\\' | b'"' | b'(' | b')' | b';' | b'@' | b'$' => {
            text.push('\\');
            text.push(octet as char);
        }
        0x21..=0x7e => text.push(octet as char),
        _ => text.push_str(&format!("\\{octet:03}")),
    }
}

/// Every label that claims to be an A-label must decode under UTS 46.
fn check_a_labels(input: &str, name: &DomainName) -> Result<(), NameError> {
    for label in name.labels() {
        if !label.starts_with("xn--") {
            continue;
        }

        let (_, result) = idna::domain_to_unicode(label);
        if result.is_err() {
            return Err(NameError::InvalidALabel {
                name: input.to_owned(),
                label: label.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> DomainName {
        DomainName::parse(s).unwrap()
    }

    #[test]
    fn case_and_trailing_dot_are_normalised() {
        assert_eq!(name("WWW.Example.COM.").as_str(), "www.example.com");
        assert_eq!(name("www.example.com"), name("www.example.com."));
        assert!(name(".").is_root());
    }

    #[test]
    fn escapes_have_one_form() {
        assert_eq!(name("a\\065b.example").as_str(), "aab.example");
        assert_eq!(name("a\\.b.example").label_count(), 2);
        assert_eq!(name("a\\000.example").as_str(), "a\\000.example");
    }

    #[test]
    fn relative_names_take_the_origin() {
        let origin = name("example.com");
        assert_eq!(DomainName::parse_relative("www", &origin).unwrap().as_str(), "www.example.com");
        assert_eq!(DomainName::parse_relative("@", &origin).unwrap(), origin);
        assert_eq!(DomainName::parse_relative("x.org.", &origin).unwrap().as_str(), "x.org");
    }

    #[test]
    fn limits_count_octets() {
        let long = "a".repeat(64);
        assert!(matches!(DomainName::parse(&long), Err(NameError::LabelTooLong { .. })));
        let escaped = "\\097".repeat(63);
        assert!(DomainName::parse(&escaped).is_ok());
        let huge = vec!["abcdefghi"; 26].join(".");
        assert!(matches!(DomainName::parse(&huge), Err(NameError::NameTooLong { .. })));
        assert!(matches!(DomainName::parse("a..b"), Err(NameError::EmptyLabel { .. })));
    }

    #[test]
    fn idna_both_ways() {
        let n = name("Bücher.example");
        assert_eq!(n.as_str(), "xn--bcher-kva.example");
        assert_eq!(n.to_unicode(), "bücher.example");
        assert!(matches!(DomainName::parse("xn--a.example"), Err(NameError::InvalidALabel { .. })));
    }

    #[test]
    fn unicode_that_gives_bad_a_labels_is_refused() {
        for input in ["b\u{fc}\u{f}\0er.example", "\u{3fc}\u{ff3c}"] {
            assert!(matches!(DomainName::parse(input), Err(NameError::Idna { .. })), "{input:?}");
        }
    }

    #[test]
    fn underscore_labels_are_names() {
        assert_eq!(name("_dmarc.Example.com").as_str(), "_dmarc.example.com");
    }

    #[test]
    fn hierarchy() {
        let n = name("a.b.example.com");
        assert_eq!(n.parent().unwrap().as_str(), "b.example.com");
        assert_eq!(n.suffix(2).as_str(), "example.com");
        assert!(n.is_subdomain_of(&name("example.com")));
        assert!(!name("xexample.com").is_subdomain_of(&name("example.com")));
        assert_eq!(n.labels().next_back(), Some("com"));
    }
}
