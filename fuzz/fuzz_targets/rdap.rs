//! Arbitrary text through the RDAP readers: `parse_rdap`,
//! `parse_rdap_object`, `parse_jcard_str` and `Bootstrap::parse` must
//! never panic, and a parsed bootstrap must answer look-ups.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nshunt_ingest::registration::{Bootstrap, parse_jcard_str, parse_rdap, parse_rdap_object};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(reg) = parse_rdap(text) {
        assert!(format!("{reg:?}").starts_with("Registration"));
    }
    let _ = parse_rdap_object(text);
    let _ = parse_jcard_str(text);
    if let Ok(bootstrap) = Bootstrap::parse(text) {
        let _ = bootstrap.servers_for("www.example.co.uk");
        let _ = bootstrap.servers_for_asn(64_512);
        let _ = bootstrap.servers_for_ip("192.0.2.1".parse().unwrap());
        let _ = bootstrap.servers_for_ip("2001:db8::1".parse().unwrap());
        let _ = bootstrap.servers_for_tag("ARIN");
    }
});
