//! Autonomous system numbers (32 bits, RFC 6793).

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// An autonomous system number.
///
/// Parsed from `AS4200000000`, `as13335`, `13335` or the asdot form
/// `1.10` (= 65546, RFC 5396); written as `AS13335`, serialised as the
/// plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Asn(pub u32);

/// Why a text is not an AS number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad AS number {text:?}: write 13335, AS13335 or asdot 1.10 (at most 4294967295)")]
pub struct AsnParseError {
    /// The text as written.
    pub text: String,
}

impl Asn {
    /// Parses `AS4200000000`, `13335` or asdot `1.10`; surrounding blanks
    /// are ignored, the `AS` prefix in any case.
    pub fn parse(text: &str) -> Result<Self, AsnParseError> {
        let bad = || AsnParseError { text: text.to_owned() };
        let trimmed = text.trim();
        let digits = strip_as_prefix(trimmed);

        match digits.split_once('.') {
            Some((high, low)) => asdot(high, low).ok_or_else(bad),
            None => decimal(digits).map(Asn).ok_or_else(bad),
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The asdot form (`1.10` for 65546; plain numbers below 65536).
    pub fn to_asdot(self) -> String {
        match self.0 >> 16 {
            0 => self.0.to_string(),
            high => format!("{high}.{}", self.0 & 0xffff),
        }
    }

    /// Whether the number is not one the registries assign for use on
    /// the public internet: AS0 (RFC 7607), AS_TRANS 23456 (RFC 6793),
    /// documentation (RFC 5398), private use (RFC 6996), the last
    /// numbers of each range (RFC 7300) and 65552–131071 (IANA reserved).
    /// Such numbers in a routing table are leaks or placeholders.
    pub fn is_reserved(self) -> bool {
        matches!(
            self.0,
            0 | 23456 | 64496..=131071 | 4_200_000_000..=u32::MAX
        )
    }
}

impl fmt::Display for Asn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AS{}", self.0)
    }
}

impl FromStr for Asn {
    type Err = AsnParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Asn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0)
    }
}

/// The text without a leading `AS` (any case).
fn strip_as_prefix(text: &str) -> &str {
    match text.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("as") => &text[2..],
        _ => text,
    }
}

/// A decimal number of at most 32 bits, digits only.
fn decimal(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The asdot form `high.low`, each at most 65535.
fn asdot(high: &str, low: &str) -> Option<Asn> {
    let high = u16::try_from(decimal(high)?).ok()?;
    let low = u16::try_from(decimal(low)?).ok()?;
    Some(Asn((u32::from(high) << 16) | u32::from(low)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<u32> {
        Asn::parse(text).ok().map(Asn::get)
    }

    #[test]
    fn forms() {
        assert_eq!(parse("AS4200000000"), Some(4_200_000_000));
        assert_eq!(parse("as13335"), Some(13335));
        assert_eq!(parse(" 13335 "), Some(13335));
        assert_eq!(parse("1.10"), Some(65546));
        assert_eq!(parse("AS1.10"), Some(65546));
        assert_eq!(parse("0.65535"), Some(65535));
        assert_eq!(parse("4294967295"), Some(u32::MAX));
    }

    #[test]
    fn refusals() {
        for text in ["", "AS", "4294967296", "-1", "1.65536", "1.", ".1", "12a", "1.2.3", "+5"] {
            assert_eq!(parse(text), None, "{text:?}");
        }
        let error = Asn::parse("ASx").unwrap_err();
        assert!(error.to_string().contains("\"ASx\""));
    }

    #[test]
    fn display_and_asdot() {
        assert_eq!(Asn(65546).to_string(), "AS65546");
        assert_eq!(Asn(65546).to_asdot(), "1.10");
        assert_eq!(Asn(13335).to_asdot(), "13335");
    }

    #[test]
    fn reserved_numbers() {
        for n in [0, 23456, 64496, 64512, 65534, 65535, 65540, 66666, 4_200_000_000, u32::MAX] {
            assert!(Asn(n).is_reserved(), "{n}");
        }
        for n in [1, 13335, 64495, 131072, 4_199_999_999] {
            assert!(!Asn(n).is_reserved(), "{n}");
        }
    }
}
