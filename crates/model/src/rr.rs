//! Record types and classes, by number, with their mnemonics.
//!
//! Any type is representable: a mnemonic nshunt does not know is kept
//! as its number and written `TYPEnnn` (RFC 3597), never refused.

use std::fmt;

use serde::{Serialize, Serializer};

/// A record type (RFC 1035 §3.2.2 and later registrations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RrType(pub u16);

/// Mnemonics nshunt knows, by number (IANA DNS parameters registry).
const TYPES: &[(u16, &str)] = &[
    (1, "A"),
    (2, "NS"),
    (5, "CNAME"),
    (6, "SOA"),
    (12, "PTR"),
    (13, "HINFO"),
    (15, "MX"),
    (16, "TXT"),
    (17, "RP"),
    (18, "AFSDB"),
    (24, "SIG"),
    (25, "KEY"),
    (28, "AAAA"),
    (29, "LOC"),
    (33, "SRV"),
    (35, "NAPTR"),
    (36, "KX"),
    (37, "CERT"),
    (39, "DNAME"),
    (42, "APL"),
    (43, "DS"),
    (44, "SSHFP"),
    (45, "IPSECKEY"),
    (46, "RRSIG"),
    (47, "NSEC"),
    (48, "DNSKEY"),
    (49, "DHCID"),
    (50, "NSEC3"),
    (51, "NSEC3PARAM"),
    (52, "TLSA"),
    (53, "SMIMEA"),
    (55, "HIP"),
    (59, "CDS"),
    (60, "CDNSKEY"),
    (61, "OPENPGPKEY"),
    (62, "CSYNC"),
    (63, "ZONEMD"),
    (64, "SVCB"),
    (65, "HTTPS"),
    (99, "SPF"),
    (108, "EUI48"),
    (109, "EUI64"),
    (256, "URI"),
    (257, "CAA"),
];

impl RrType {
    /// A (IPv4 address).
    pub const A: Self = Self(1);
    /// NS (name server).
    pub const NS: Self = Self(2);
    /// CNAME (alias).
    pub const CNAME: Self = Self(5);
    /// SOA (start of authority).
    pub const SOA: Self = Self(6);
    /// PTR (pointer).
    pub const PTR: Self = Self(12);
    /// MX (mail exchange).
    pub const MX: Self = Self(15);
    /// TXT (text).
    pub const TXT: Self = Self(16);
    /// AAAA (IPv6 address).
    pub const AAAA: Self = Self(28);
    /// DS (delegation signer).
    pub const DS: Self = Self(43);

    /// Parses a mnemonic (any case) or `TYPEnnn`.
    pub fn from_mnemonic(text: &str) -> Option<Self> {
        if let Some(&(number, _)) = TYPES.iter().find(|(_, m)| m.eq_ignore_ascii_case(text)) {
            return Some(Self(number));
        }

        let prefix = text.get(..4).filter(|p| p.eq_ignore_ascii_case("TYPE"))?;
        parse_number(&text[prefix.len()..]).map(Self)
    }

    /// The mnemonic, or `None` for a type nshunt has no name for.
    pub fn mnemonic(self) -> Option<&'static str> {
        TYPES.iter().find(|(n, _)| *n == self.0).map(|(_, m)| *m)
    }
}

/// Plain decimal digits (no sign, no spaces) that fit in 16 bits.
fn parse_number(digits: &str) -> Option<u16> {
    let plain = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| digits.parse().ok()).flatten()
}

impl fmt::Display for RrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(m) => f.write_str(m),
            None => write!(f, "TYPE{}", self.0),
        }
    }
}

impl Serialize for RrType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A record class; nearly always IN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Class(pub u16);

impl Class {
    /// The Internet class.
    pub const IN: Self = Self(1);

    /// Parses `IN`, `CH`, `HS`, `CS`, `NONE`, `ANY` (any case) or `CLASSnnn`.
    pub fn from_mnemonic(text: &str) -> Option<Self> {
        let known = [("IN", 1), ("CS", 2), ("CH", 3), ("HS", 4), ("NONE", 254), ("ANY", 255)];
        if let Some(&(_, n)) = known.iter().find(|(m, _)| m.eq_ignore_ascii_case(text)) {
            return Some(Self(n));
        }

        let prefix = text.get(..5).filter(|p| p.eq_ignore_ascii_case("CLASS"))?;
        parse_number(&text[prefix.len()..]).map(Self)
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("IN"),
            2 => f.write_str("CS"),
            3 => f.write_str("CH"),
            4 => f.write_str("HS"),
            254 => f.write_str("NONE"),
            255 => f.write_str("ANY"),
            n => write!(f, "CLASS{n}"),
        }
    }
}

impl Serialize for Class {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_round_trip() {
        assert_eq!(RrType::from_mnemonic("ns"), Some(RrType::NS));
        assert_eq!(RrType::from_mnemonic("TYPE65280"), Some(RrType(65280)));
        assert_eq!(RrType(65280).to_string(), "TYPE65280");
        assert_eq!(RrType::from_mnemonic("TYPE2"), Some(RrType::NS));
        assert_eq!(RrType::from_mnemonic("bogus"), None);
        assert_eq!(RrType::from_mnemonic("TYPE+5"), None);
        assert_eq!(Class::from_mnemonic("CLASS+1"), None);
        assert_eq!(Class::from_mnemonic("class1"), Some(Class::IN));
    }
}
