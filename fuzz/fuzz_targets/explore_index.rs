//! Arbitrary bytes as an explore index file: opening checks the layout,
//! and whatever opens must answer every kind of query without a panic
//! (a damaged index may answer wrongly, never crash).

#![no_main]

use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use nshunt_analyze::State;
use nshunt_analyze::explore::Filter;
use nshunt_analyze::index::{ExploreIndex, query};

fuzz_target!(|data: &[u8]| {
    let Ok(index) = ExploreIndex::from_bytes(data.to_vec()) else { return };
    let v4: IpAddr = "192.0.2.1".parse().expect("address");
    let v6: IpAddr = "2001:db8::1".parse().expect("address");
    let filters = [
        Filter::default(),
        Filter {
            nameserver: vec!["ns1.example".into()],
            min_risk: Some(10.0),
            ..Filter::default()
        },
        Filter { cidr: vec![(v4, 8), (v6, 32)], state: vec![State::Active], ..Filter::default() },
        Filter {
            holder_prefix: Some("a".into()),
            address: Some("e".into()),
            brand: vec!["PayPal".into()],
            ..Filter::default()
        },
        Filter {
            asn: vec![64500],
            registrar: vec!["r".into()],
            org: Some("o".into()),
            country: vec!["US".into()],
            first_seen: (Some(0), None),
            last_seen: (None, Some(i64::MAX)),
            near: Some(("paypal".into(), 2)),
            ..Filter::default()
        },
    ];
    for filter in &filters {
        let _ = query::explore(&index, filter, 1, 20, true);
        let _ = query::explore(&index, filter, 3, 7, false);
    }
});
