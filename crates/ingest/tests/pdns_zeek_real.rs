//! The full WRCCDC Zeek logs (53,615 rows, the same traffic written as
//! TSV and as JSON) must give the same observations either way.
//!
//! The files live outside the crate, in `shared/data/zeek/` at the root
//! of the checkout (see `tests/data/pdns/README.md`); the test fails,
//! saying so, when they are missing. Run with `--nocapture` to see the
//! counts.

use std::path::{Path, PathBuf};

use nshunt_ingest::pdns::{
    PdnsObservation, ReadStats, ZeekJsonReader, ZeekTsvReader, merge, ptr_pattern,
};

fn shared_file(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/zeek").join(name);
    assert!(path.is_file(), "{} is missing: the shared Zeek sample data is needed", path.display());
    path
}

/// All observations and errors of a reader, with its statistics.
fn collect(
    reader: impl Iterator<Item = Result<PdnsObservation, nshunt_ingest::pdns::PdnsError>>,
) -> (Vec<PdnsObservation>, Vec<String>) {
    let mut observations = Vec::new();
    let mut errors = Vec::new();
    for item in reader {
        match item {
            Ok(observation) => observations.push(observation),
            Err(error) => errors.push(error.to_string()),
        }
    }
    (observations, errors)
}

fn print_stats(label: &str, stats: &ReadStats) {
    println!(
        "{label}: {} rows, {} observations, {} errors, {} rows skipped, {} answers skipped",
        stats.records,
        stats.observations,
        stats.errors,
        stats.skipped_records,
        stats.skipped_answers
    );
}

#[test]
fn tsv_and_json_agree() {
    let mut tsv = ZeekTsvReader::open(&shared_file("dns.log.gz")).expect("open dns.log.gz");
    let (mut from_tsv, tsv_errors) = collect(&mut tsv);
    let mut json = ZeekJsonReader::open(&shared_file("dns.json.gz")).expect("open dns.json.gz");
    let (mut from_json, json_errors) = collect(&mut json);

    print_stats("tsv", &tsv.stats());
    print_stats("json", &json.stats());
    assert!(tsv_errors.is_empty(), "TSV errors: {tsv_errors:#?}");
    assert!(json_errors.is_empty(), "JSON errors: {json_errors:#?}");
    assert_eq!(tsv.stats(), ReadStats { lines: tsv.stats().lines, ..json.stats() });

    from_tsv.sort();
    from_json.sort();
    assert_eq!(from_tsv.len(), from_json.len());
    assert!(from_tsv == from_json, "the TSV and JSON logs give different observations");

    check_plausible(&from_tsv, &tsv.stats());
    summarise(from_tsv);
}

/// Counts a capture of this size should show.
fn check_plausible(observations: &[PdnsObservation], stats: &ReadStats) {
    assert_eq!(stats.records, 53_615);
    assert!(stats.observations > 50_000, "{} observations", stats.observations);

    let count = |t: &str| observations.iter().filter(|o| o.rrtype.to_string() == t).count();
    let (a, aaaa, cname, ptr) = (count("A"), count("AAAA"), count("CNAME"), count("PTR"));
    println!("sightings: {a} A, {aaaa} AAAA, {cname} CNAME, {ptr} PTR");
    assert!(a > aaaa && aaaa > 0 && cname > 0 && ptr > 0);
}

/// Prints what merging makes of the sightings.
fn summarise(observations: Vec<PdnsObservation>) {
    let sightings = observations.len();
    let merged = merge(observations);
    let names: std::collections::BTreeSet<_> = merged.iter().map(|o| &o.rrname).collect();
    println!(
        "merged: {sightings} sightings into {} observations of {} names",
        merged.len(),
        names.len()
    );
    assert!(merged.len() < sightings);

    let patterns: std::collections::BTreeSet<String> = merged
        .iter()
        .filter(|o| o.rrtype.to_string() == "PTR")
        .filter_map(|o| nshunt_model::DomainName::parse(&o.rdata).ok())
        .filter_map(|name| ptr_pattern(&name))
        .collect();
    println!("PTR patterns: {patterns:?}");
}
