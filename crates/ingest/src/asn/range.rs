//! Address ranges and prefixes, IPv4 and IPv6.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// An inclusive range of addresses of one family.
///
/// Written as a prefix (`192.0.2.0/24`) when it is exactly one, and as
/// `start-end` otherwise; serialised the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IpRange {
    /// IPv4 addresses as numbers, `start <= end`.
    V4 {
        /// The first address.
        start: u32,
        /// The last address.
        end: u32,
    },
    /// IPv6 addresses as numbers, `start <= end`.
    V6 {
        /// The first address.
        start: u128,
        /// The last address.
        end: u128,
    },
}

/// Why two addresses do not make a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RangeError {
    /// The start lies after the end.
    #[error("range start {start} is after its end {end}")]
    Inverted {
        /// The first address as written.
        start: IpAddr,
        /// The last address as written.
        end: IpAddr,
    },
    /// One address is IPv4, the other IPv6.
    #[error("range mixes IPv4 and IPv6: {start} to {end}")]
    MixedFamilies {
        /// The first address as written.
        start: IpAddr,
        /// The last address as written.
        end: IpAddr,
    },
    /// A prefix length longer than the address (32 or 128 bits).
    #[error("prefix length /{len} is longer than the address {addr}")]
    PrefixTooLong {
        /// The address.
        addr: IpAddr,
        /// The length as written.
        len: u8,
    },
}

impl IpRange {
    /// The range from `start` to `end`, both included.
    pub fn new(start: IpAddr, end: IpAddr) -> Result<Self, RangeError> {
        let range = match (start, end) {
            (IpAddr::V4(s), IpAddr::V4(e)) => Self::V4 { start: s.to_bits(), end: e.to_bits() },
            (IpAddr::V6(s), IpAddr::V6(e)) => Self::V6 { start: s.to_bits(), end: e.to_bits() },
            _ => return Err(RangeError::MixedFamilies { start, end }),
        };

        if range.start() > range.end() {
            return Err(RangeError::Inverted { start, end });
        }
        Ok(range)
    }

    /// The range a prefix covers; host bits of `addr` are ignored.
    pub fn from_prefix(addr: IpAddr, len: u8) -> Result<Self, RangeError> {
        Ok(IpPrefix::new(addr, len)?.range())
    }

    /// The first address.
    pub fn start(&self) -> IpAddr {
        match *self {
            Self::V4 { start, .. } => IpAddr::V4(Ipv4Addr::from_bits(start)),
            Self::V6 { start, .. } => IpAddr::V6(Ipv6Addr::from_bits(start)),
        }
    }

    /// The last address.
    pub fn end(&self) -> IpAddr {
        match *self {
            Self::V4 { end, .. } => IpAddr::V4(Ipv4Addr::from_bits(end)),
            Self::V6 { end, .. } => IpAddr::V6(Ipv6Addr::from_bits(end)),
        }
    }

    /// Whether `ip` lies in the range (never across families).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (*self, ip) {
            (Self::V4 { start, end }, IpAddr::V4(ip)) => (start..=end).contains(&ip.to_bits()),
            (Self::V6 { start, end }, IpAddr::V6(ip)) => (start..=end).contains(&ip.to_bits()),
            _ => false,
        }
    }

    /// The number of addresses minus one (so that all of IPv6 fits).
    pub fn span(&self) -> u128 {
        match *self {
            Self::V4 { start, end } => u128::from(end - start),
            Self::V6 { start, end } => end - start,
        }
    }

    /// The range as one prefix, when it is exactly one.
    pub fn as_prefix(&self) -> Option<IpPrefix> {
        let (bits, start, span) = match *self {
            Self::V4 { start, end } => (32, u128::from(start), u128::from(end - start)),
            Self::V6 { start, end } => (128, start, end - start),
        };

        let host_bits = 128 - span.leading_zeros();
        let aligned = span.checked_add(1).is_none_or(u128::is_power_of_two);
        let start_aligned = host_bits == 128 || start & span == 0;
        if !aligned || !start_aligned {
            return None;
        }
        let len = u8::try_from(bits - host_bits).ok()?;
        IpPrefix::new(self.start(), len).ok()
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_prefix() {
            Some(prefix) => prefix.fmt(f),
            None => write!(f, "{}-{}", self.start(), self.end()),
        }
    }
}

impl Serialize for IpRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A network prefix: an address with its host bits cleared, and a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpPrefix {
    addr: IpAddr,
    len: u8,
}

/// Why a text is not a prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad prefix {text:?}: write address/length, e.g. 192.0.2.0/24 or 2001:db8::/32")]
pub struct PrefixParseError {
    /// The text as written.
    pub text: String,
}

impl IpPrefix {
    /// The prefix of length `len` holding `addr` (host bits cleared).
    pub fn new(addr: IpAddr, len: u8) -> Result<Self, RangeError> {
        let addr = match addr {
            IpAddr::V4(v4) if len <= 32 => {
                IpAddr::V4(Ipv4Addr::from_bits(mask32(v4.to_bits(), len)))
            }
            IpAddr::V6(v6) if len <= 128 => {
                IpAddr::V6(Ipv6Addr::from_bits(mask128(v6.to_bits(), len)))
            }
            _ => return Err(RangeError::PrefixTooLong { addr, len }),
        };
        Ok(Self { addr, len })
    }

    /// The network address (host bits cleared).
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length in bits.
    pub fn len(&self) -> u8 {
        self.len
    }

    /// Whether this is `/0`, the prefix of every address of its family.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The addresses the prefix covers.
    pub fn range(&self) -> IpRange {
        match self.addr {
            IpAddr::V4(v4) => {
                let start = v4.to_bits();
                let host = u32::MAX.checked_shr(u32::from(self.len)).unwrap_or(0);
                IpRange::V4 { start, end: start | host }
            }
            IpAddr::V6(v6) => {
                let start = v6.to_bits();
                let host = u128::MAX.checked_shr(u32::from(self.len)).unwrap_or(0);
                IpRange::V6 { start, end: start | host }
            }
        }
    }

    /// Whether `ip` lies in the prefix.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.range().contains(ip)
    }
}

impl fmt::Display for IpPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

impl Serialize for IpPrefix {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromStr for IpPrefix {
    type Err = PrefixParseError;

    /// Parses `address/length`; host bits are cleared (`10.1.2.3/8` is
    /// `10.0.0.0/8`). A bare address is a host prefix (`/32`, `/128`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || PrefixParseError { text: text.to_owned() };
        let (addr, len) = match text.split_once('/') {
            Some((addr, len)) => (addr, Some(len)),
            None => (text, None),
        };

        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let len = match len {
            Some(len) if !len.is_empty() && len.bytes().all(|b| b.is_ascii_digit()) => {
                len.parse().map_err(|_| bad())?
            }
            Some(_) => return Err(bad()),
            None => host_len(addr),
        };
        Self::new(addr, len).map_err(|_| bad())
    }
}

/// The length of a host prefix: 32 for IPv4, 128 for IPv6.
pub(crate) fn host_len(addr: IpAddr) -> u8 {
    if addr.is_ipv4() { 32 } else { 128 }
}

/// `bits` with all but the first `len` bits cleared.
pub(crate) fn mask32(bits: u32, len: u8) -> u32 {
    bits & u32::MAX.checked_shl(32 - u32::from(len.min(32))).unwrap_or(0)
}

/// `bits` with all but the first `len` bits cleared.
pub(crate) fn mask128(bits: u128, len: u8) -> u128 {
    bits & u128::MAX.checked_shl(128 - u32::from(len.min(128))).unwrap_or(0)
}

/// The subnet an address is grouped under: its `/24` for IPv4, its `/48`
/// for IPv6 (the usual smallest routed prefixes).
pub fn subnet_of(ip: IpAddr) -> IpPrefix {
    subnet_with(ip, 24, 48)
}

/// The subnet of `ip` with a chosen length per family (lengths beyond
/// the address are cut to 32 or 128).
pub fn subnet_with(ip: IpAddr, v4_len: u8, v6_len: u8) -> IpPrefix {
    let len = match ip {
        IpAddr::V4(_) => v4_len.min(32),
        IpAddr::V6(_) => v6_len.min(128),
    };
    let addr = match ip {
        IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from_bits(mask32(v4.to_bits(), len))),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from_bits(mask128(v6.to_bits(), len))),
    };
    IpPrefix { addr, len }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_print_as_prefixes_when_they_are() {
        let range = IpRange::new(ip("1.0.0.0"), ip("1.0.0.255")).unwrap();
        assert_eq!(range.to_string(), "1.0.0.0/24");
        let range = IpRange::new(ip("1.0.4.0"), ip("1.0.8.255")).unwrap();
        assert_eq!(range.to_string(), "1.0.4.0-1.0.8.255");
        let all = IpRange::new(ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).unwrap();
        assert_eq!(all.to_string(), "::/0");
        let one = IpRange::new(ip("2001:db8::1"), ip("2001:db8::1")).unwrap();
        assert_eq!(one.to_string(), "2001:db8::1/128");
    }

    #[test]
    fn bad_ranges() {
        assert!(matches!(
            IpRange::new(ip("1.0.0.9"), ip("1.0.0.1")),
            Err(RangeError::Inverted { .. })
        ));
        assert!(matches!(
            IpRange::new(ip("1.0.0.0"), ip("::1")),
            Err(RangeError::MixedFamilies { .. })
        ));
    }

    #[test]
    fn prefixes() {
        let prefix: IpPrefix = "10.1.2.3/8".parse().unwrap();
        assert_eq!(prefix.to_string(), "10.0.0.0/8");
        assert!(prefix.contains(ip("10.255.0.1")));
        assert!(!prefix.contains(ip("11.0.0.0")));
        assert_eq!("192.0.2.1".parse::<IpPrefix>().unwrap().to_string(), "192.0.2.1/32");
        assert_eq!("0.0.0.0/0".parse::<IpPrefix>().unwrap().range().span(), u128::from(u32::MAX));
        for bad in ["1.2.3.4/33", "1.2.3.4/", "1.2.3/8", "::/129", "1.2.3.4/+8"] {
            assert!(bad.parse::<IpPrefix>().is_err(), "{bad}");
        }
    }

    #[test]
    fn subnets() {
        assert_eq!(subnet_of(ip("192.0.2.77")).to_string(), "192.0.2.0/24");
        assert_eq!(subnet_of(ip("2001:db8:1:2::9")).to_string(), "2001:db8:1::/48");
        assert_eq!(subnet_with(ip("192.0.2.77"), 40, 0).to_string(), "192.0.2.77/32");
    }
}
