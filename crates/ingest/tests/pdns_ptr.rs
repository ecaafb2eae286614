//! PTR patterns and address encodings, from the tables in
//! `tests/data/pdns/`: adding a case means adding a line.
//!
//! - `ptr-patterns.tsv`: a name, a tab, and the pattern
//!   [`ptr_pattern`] must give (`-` for none);
//! - `ptr-addresses.tsv`: a text, an address, and the part of the text
//!   [`find_address`] must find (`-` for none).
//!
//! Lines starting with `#` are comments.

use std::net::IpAddr;
use std::path::Path;

use nshunt_ingest::pdns::{encodes_address, find_address, ptr_pattern};
use nshunt_model::DomainName;

/// The tab-separated fields of each line of a table.
fn table(name: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pdns").join(name);
    let text = std::fs::read_to_string(&path).expect("read the table");
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split('\t').map(str::to_owned).collect())
        .collect()
}

/// `-` as `None`.
fn expected(text: &str) -> Option<&str> {
    (text != "-").then_some(text)
}

#[test]
fn patterns() {
    let cases = table("ptr-patterns.tsv");
    assert!(cases.len() >= 30, "only {} cases", cases.len());

    let mut failures = Vec::new();
    for case in &cases {
        let [name, want] = case.as_slice() else { panic!("bad line {case:?}") };
        let got = ptr_pattern(&DomainName::parse(name).expect("a valid name"));
        if got.as_deref() != expected(want) {
            failures.push(format!("{name}: expected {want}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn addresses() {
    let cases = table("ptr-addresses.tsv");
    let mut failures = Vec::new();

    for case in &cases {
        let [text, address, want] = case.as_slice() else { panic!("bad line {case:?}") };
        let address: IpAddr = address.parse().expect("an address");
        let found = find_address(text, address).map(|range| &text[range]);
        if found != expected(want) || encodes_address(text, address) != found.is_some() {
            failures.push(format!("{text} / {address}: expected {want}, found {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
