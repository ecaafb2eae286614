//! Addresses as index keys, and the columns the writer derives from a
//! record's data.
//!
//! Every address is kept as 16 bytes in network order, IPv4 mapped into
//! `::ffff:0:0/96`, so that one byte-ordered index serves both families
//! and a subnet is one key range.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nshunt_model::DomainName;
use nshunt_model::ptr::ptr_pattern;

/// The record type numbers the derived columns look at.
const A: u16 = 1;
const PTR: u16 = 12;
const AAAA: u16 = 28;

/// The 16-byte key of an address.
pub fn ip_key(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

/// The address behind a 16-byte key (a mapped key is IPv4); `None`
/// for a key of another length.
pub fn ip_from_key(key: &[u8]) -> Option<IpAddr> {
    let octets: [u8; 16] = key.try_into().ok()?;
    let v6 = Ipv6Addr::from(octets);
    Some(match v6.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(v6),
    })
}

/// The first and last keys of a network: `start` with the low
/// `width - len` bits cleared and set.
pub fn network_keys(start: IpAddr, len: u8) -> ([u8; 16], [u8; 16]) {
    let (bits, len) = match start {
        IpAddr::V4(v4) => (u128::from(v4.to_ipv6_mapped()), u32::from(len.min(32)) + 96),
        IpAddr::V6(v6) => (u128::from(v6), u32::from(len.min(128))),
    };
    let host = u128::MAX.checked_shr(len).unwrap_or(0);
    ((bits & !host).to_be_bytes(), (bits | host).to_be_bytes())
}

/// The keys of IPv4 addresses: `::ffff:0:0/96`.
pub(crate) const MAPPED_FIRST: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0];
/// The last key of an IPv4 address.
pub(crate) const MAPPED_LAST: [u8; 16] =
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

/// An IPv6 key range without the keys of IPv4 addresses: IPv6 data
/// must never answer for IPv4 (an IPv6 row `::/0` would otherwise cover
/// every IPv4 address). Zero, one or two ranges.
pub(crate) fn without_ipv4(lo: [u8; 16], hi: [u8; 16]) -> Vec<([u8; 16], [u8; 16])> {
    if hi < MAPPED_FIRST || lo > MAPPED_LAST {
        return vec![(lo, hi)];
    }

    let below = u128::from_be_bytes(MAPPED_FIRST).checked_sub(1).map(u128::to_be_bytes);
    let above = u128::from_be_bytes(MAPPED_LAST).checked_add(1).map(u128::to_be_bytes);
    let mut pieces = Vec::new();
    if let Some(below) = below.filter(|_| lo < MAPPED_FIRST) {
        pieces.push((lo, below));
    }
    if let Some(above) = above.filter(|_| hi > MAPPED_LAST) {
        pieces.push((above, hi));
    }
    pieces
}

/// The `ip` column of an observation: the address of an A or AAAA
/// record whose data is one.
pub(crate) fn address_column(rrtype: u16, rdata: &str) -> Option<[u8; 16]> {
    match rrtype {
        A => rdata.parse::<Ipv4Addr>().ok().map(|v4| ip_key(IpAddr::V4(v4))),
        AAAA => rdata.parse::<Ipv6Addr>().ok().map(|v6| ip_key(IpAddr::V6(v6))),
        _ => None,
    }
}

/// The `ptr_pattern` column of an observation: the naming pattern of a
/// PTR record's target, when it has one.
pub(crate) fn pattern_column(rrtype: u16, rdata: &str) -> Option<String> {
    if rrtype != PTR {
        return None;
    }
    DomainName::parse(rdata).ok().as_ref().and_then(ptr_pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_order_both_families() {
        for text in ["192.0.2.1", "0.0.0.0", "2001:db8::1", "::1", "::ffff:1.2.3.4"] {
            let ip: IpAddr = text.parse().unwrap();
            let back = ip_from_key(&ip_key(ip)).unwrap();
            let expected = match ip {
                IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
                v4 => v4,
            };
            assert_eq!(back, expected, "{text}");
        }
        assert!(ip_key("10.0.0.1".parse().unwrap()) < ip_key("10.0.0.2".parse().unwrap()));
        assert_eq!(ip_from_key(&[1, 2, 3]), None);
    }

    #[test]
    fn network_keys_cover_the_network() {
        let (lo, hi) = network_keys("198.51.100.77".parse().unwrap(), 24);
        assert_eq!(ip_from_key(&lo), Some("198.51.100.0".parse().unwrap()));
        assert_eq!(ip_from_key(&hi), Some("198.51.100.255".parse().unwrap()));

        let (lo, hi) = network_keys("2001:db8::1".parse().unwrap(), 0);
        assert_eq!((lo, hi), ([0; 16], [0xff; 16]));
        let (lo, hi) = network_keys("10.1.2.3".parse().unwrap(), 32);
        assert_eq!(lo, hi);
    }

    #[test]
    fn ipv6_ranges_leave_the_ipv4_keys_out() {
        let key = |t: &str| ip_key(t.parse().unwrap());
        let all = without_ipv4([0; 16], [0xff; 16]);
        assert_eq!(all.len(), 2);
        assert!(all[0].1 < MAPPED_FIRST && all[1].0 > MAPPED_LAST);
        assert!(without_ipv4(key("::ffff:5.0.0.0"), key("::ffff:5.0.0.255")).is_empty());
        let v6 = (key("2001:db8::"), key("2001:db8::ffff"));
        assert_eq!(without_ipv4(v6.0, v6.1), [v6]);
    }

    #[test]
    fn derived_columns() {
        assert!(address_column(A, "192.0.2.1").is_some());
        assert!(address_column(AAAA, "2001:db8::1").is_some());
        assert_eq!(address_column(A, "2001:db8::1"), None);
        assert_eq!(address_column(2, "192.0.2.1"), None);
        assert_eq!(
            pattern_column(PTR, "198-51-100-7.static.hoster.example.").as_deref(),
            Some("*.static.hoster.example")
        );
        assert_eq!(pattern_column(PTR, "mail.example.com."), None);
        assert_eq!(pattern_column(A, "198-51-100-7.static.hoster.example."), None);
    }
}
