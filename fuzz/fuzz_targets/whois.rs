//! Arbitrary bytes through `parse_whois_bytes`: it must never panic, with
//! or without a domain hint.
//! The first line of the input doubles as the hint.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nshunt_ingest::registration::parse_whois_bytes;

fuzz_target!(|data: &[u8]| {
    let hint = data
        .split(|&b| b == b'\n')
        .next()
        .and_then(|line| std::str::from_utf8(line).ok())
        .filter(|line| line.len() < 256);

    for hint in [None, hint] {
        if let Ok(reg) = parse_whois_bytes(data, hint) {
            assert!(format!("{reg:?}").starts_with("Registration"));
        }
    }
});
