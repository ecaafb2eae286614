//! Arbitrary text through `DomainName::parse` and `parse_relative`: they
//! must never panic, and a parsed name must parse again, from its text
//! with or without the trailing dot, to the same name.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nshunt_model::DomainName;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (name, origin) = text.split_once('\n').unwrap_or((text, "example.com"));

    if let Ok(parsed) = DomainName::parse(name) {
        check_canonical(text, &parsed);
    }
    let Ok(origin) = DomainName::parse(origin) else {
        return;
    };
    if let Ok(parsed) = DomainName::parse_relative(name, &origin) {
        check_canonical(text, &parsed);
    }
});

fn check_canonical(input: &str, name: &DomainName) {
    let fqdn = name.to_fqdn();
    let again = DomainName::parse(&fqdn).unwrap_or_else(|e| panic!("{fqdn:?} from {input:?}: {e}"));
    assert_eq!(&again, name, "{fqdn:?}");

    let plain = DomainName::parse(name.as_str()).unwrap_or_else(|e| panic!("{name:?}: {e}"));
    assert_eq!(&plain, name);
    assert!(name.wire_len() <= 255, "{name:?} is too long");
}
