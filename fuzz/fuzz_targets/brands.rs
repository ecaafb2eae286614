//! Arbitrary bytes through the brand catalogue parser and the detector:
//! nothing may panic; a parsed catalogue's brands must parse back from
//! their own line; every match must name a brand of the catalogue, and
//! never the brand whose own domain the name is.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nshunt_brands::{Catalogue, Detector, Keyword};
use nshunt_model::DomainName;

fn shipped() -> &'static (Catalogue, Detector) {
    static SHIPPED: OnceLock<(Catalogue, Detector)> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        let catalogue = Catalogue::shipped();
        let detector = Detector::new(&catalogue);
        (catalogue, detector)
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_catalogue(&text);

    for line in text.lines().take(64) {
        let Ok(name) = DomainName::parse(line.trim()) else { continue };
        check_detection(&name);
    }
});

fn check_catalogue(text: &str) {
    let parsed = Catalogue::parse(text, Path::new("fuzz.tsv"));
    for brand in parsed.catalogue.brands() {
        let keywords: Vec<String> = brand.keywords.iter().map(Keyword::written).collect();
        let domains: Vec<&str> = brand.domains.iter().map(|d| d.as_str()).collect();
        let line = format!(
            "{}\t{}\t{}\t{}\t{}\n",
            brand.id,
            brand.name,
            brand.category,
            keywords.join(","),
            domains.join(",")
        );
        let again = Catalogue::parse(&line, Path::new("again.tsv"));
        assert!(again.skipped.is_empty(), "{line:?}: {:?}", again.skipped);
        assert_eq!(again.catalogue.brands()[0], *brand);
    }
    if !parsed.catalogue.is_empty() {
        let detector = Detector::new(&parsed.catalogue);
        let _ = detector.detect_str("paypal-secure-login.example");
    }
}

fn check_detection(name: &DomainName) {
    let (catalogue, detector) = shipped();
    let matches = detector.detect(name);
    for m in &matches {
        let brand = catalogue.get(&m.brand).expect("a match names a catalogue brand");
        let own = brand.domains.iter().any(|d| d == name);
        assert!(!own, "{name} is flagged for its own brand {}", m.brand);
    }
    let _ = detector.themes_with(name, &matches);
}
