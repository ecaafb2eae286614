//! Coverage of dnstwist's own permutations, and the false-positive rate
//! on real benign domain lists under the same detector.
//!
//! For 15 brands of the catalogue, every permutation dnstwist generates
//! (its library, offline: `Fuzzer(domain).generate()`) except the
//! original domain must be attributed to that brand: at least 99%. The
//! same detector, with the whole shipped catalogue, may flag at most
//! 0.5% of the benign lists of `../shared/data/domains` (zone walks and
//! public lists of ordinary domains: .com, .net, .org, .uk, .eu, .fr,
//! .com.br, .co, .edu, .gov, the Alexa ads.txt list).
//!
//! `cargo test --release -p nshunt-brands --test dnstwist_grade -- --nocapture`
//! prints the scores, the misses per fuzzer and a sample of flagged
//! benign names. dnstwist comes from `scripts/install-deps.sh`; under
//! `CI=true` a missing dnstwist fails the test.

mod common;

use std::collections::BTreeMap;

use nshunt_brands::{Catalogue, Detector};

/// The brands graded, as dnstwist takes them, with their catalogue ids.
const BRANDS: &[(&str, &str)] = &[
    ("paypal.com", "paypal"),
    ("google.com", "google"),
    ("microsoft.com", "microsoft"),
    ("facebook.com", "facebook"),
    ("instagram.com", "instagram"),
    ("netflix.com", "netflix"),
    ("linkedin.com", "linkedin"),
    ("dropbox.com", "dropbox"),
    ("coinbase.com", "coinbase"),
    ("binance.com", "binance"),
    ("metamask.io", "metamask"),
    ("docusign.com", "docusign"),
    ("whatsapp.com", "whatsapp"),
    ("spotify.com", "spotify"),
    ("fedex.com", "fedex"),
];

#[test]
fn dnstwist_permutations_are_detected() {
    let Some(python) = common::require_dnstwist("dnstwist_permutations_are_detected") else {
        return;
    };
    let domains: Vec<&str> = BRANDS.iter().map(|(d, _)| *d).collect();
    let permutations = common::dnstwist_permutations(&python, &domains);
    let detector = Detector::new(&Catalogue::shipped());

    let mut total = 0;
    let mut found = 0;
    let mut misses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (domain, fuzzer, name) in &permutations {
        if fuzzer == "*original" {
            continue;
        }
        total += 1;
        let brand = BRANDS.iter().find(|(d, _)| d == domain).unwrap().1;
        let matches = detector.detect_str(name).unwrap_or_default();
        if matches.iter().any(|m| m.brand == brand) {
            found += 1;
        } else {
            misses.entry(fuzzer.clone()).or_default().push(name.clone());
        }
    }

    for (fuzzer, names) in &misses {
        let shown: Vec<&String> = names.iter().take(8).collect();
        println!("missed {} {fuzzer}: {shown:?}", names.len());
    }
    let coverage = found as f64 / total as f64;
    println!(
        "dnstwist permutations of {} brands: {found} of {total} detected ({:.2}%)",
        BRANDS.len(),
        coverage * 100.0
    );
    assert!(total > 10_000, "only {total} permutations: is dnstwist complete?");
    assert!(coverage >= 0.99, "coverage {coverage:.4}");
}

#[test]
fn benign_lists_are_rarely_flagged() {
    let names = common::benign_names();
    let detector = Detector::new(&Catalogue::shipped());
    let graded: Vec<&str> = BRANDS.iter().map(|(_, id)| *id).collect();

    let mut flagged = 0;
    let mut flagged_graded = 0;
    let mut sample = Vec::new();
    for name in &names {
        let Ok(matches) = detector.detect_str(name) else { continue };
        if matches.is_empty() {
            continue;
        }
        flagged += 1;
        if matches.iter().any(|m| graded.contains(&m.brand.as_str())) {
            flagged_graded += 1;
        }
        if sample.len() < 20 && flagged % 250 == 0 {
            sample.push(format!("{name} ({} {})", matches[0].brand, matches[0].kind.as_str()));
        }
    }

    let rate = flagged as f64 / names.len() as f64;
    println!("a sample of flagged benign names: {sample:?}");
    println!(
        "benign lists: {} names, {flagged} flagged by the whole catalogue ({:.3}%), \
         {flagged_graded} for the {} graded brands ({:.3}%)",
        names.len(),
        rate * 100.0,
        BRANDS.len(),
        flagged_graded as f64 * 100.0 / names.len() as f64
    );
    assert!(names.len() > 1_000_000, "only {} benign names", names.len());
    assert!(rate <= 0.005, "false-positive rate {rate:.4}");
}
