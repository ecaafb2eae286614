//! All of maltrail (~1.8 million entries), from `shared/data/maltrail`:
//! counts per severity, kind and error, and the parsing rate.
//!
//! Slow in a debug build, so ignored by default; run in release:
//! `cargo test --release -p nshunt-ingest --test labels_maltrail -- --ignored --nocapture`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nshunt_ingest::labels::{Label, LabelSet, MaltrailReader, Severity};
use nshunt_model::DomainName;

#[path = "common/timer.rs"]
mod timer;

use timer::Timer;

fn maltrail() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/maltrail");
    assert!(path.is_dir(), "real data missing: {} (see shared/data/README.md)", path.display());
    path
}

/// The first words of an error message after `file:line: `, to group by.
fn error_class(message: &str) -> String {
    let after = message.split(": ").nth(1).unwrap_or(message);
    after.split(['"', ':']).next().unwrap_or(after).trim().to_owned()
}

struct Loaded {
    labels: Vec<Label>,
    errors: BTreeMap<String, u64>,
}

fn load_all() -> Loaded {
    let mut labels = Vec::with_capacity(2_000_000);
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();

    for item in MaltrailReader::open_trails(&maltrail().join("trails")).unwrap() {
        match item {
            Ok(label) => labels.push(label),
            Err(error) => {
                assert!(!error.is_fatal(), "{error}");
                *errors.entry(error_class(&error.to_string())).or_default() += 1;
            }
        }
    }
    Loaded { labels, errors }
}

#[test]
#[ignore = "1.8M entries: about a minute in a debug build; run with --release"]
fn all_of_maltrail_loads() {
    let timer = Timer::start();
    let loaded = load_all();
    let labels = &loaded.labels;
    println!("maltrail, labels kept: {}", timer.report(labels.len()).1);

    let mut by_severity: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_list: BTreeMap<String, u64> = BTreeMap::new();
    for label in labels {
        let severity = label.context.severity.map_or("none", Severity::as_str);
        *by_severity.entry(severity.to_owned()).or_default() += 1;
        *by_kind.entry(label.kind.to_string()).or_default() += 1;
        *by_list.entry(label.context.list.to_string()).or_default() += 1;
    }
    let dated = labels.iter().filter(|l| l.context.first_seen.is_some()).count();
    println!("by severity: {by_severity:?}");
    println!("by kind: {by_kind:?}");
    println!("by list: {by_list:?}");
    println!("with a first-seen date: {dated}");
    println!("errors: {:?}", loaded.errors);

    assert!(labels.len() > 1_800_000, "{}", labels.len());
    assert!(by_severity["high"] > 1_400_000 && by_severity["medium"] > 250_000);
    assert!(by_severity["low"] > 50_000);
    let errors: u64 = loaded.errors.values().sum();
    assert!(errors < 500, "{errors} errors: {:?}", loaded.errors);
}

#[test]
#[ignore = "benchmark: 1.8M entries; run with --release"]
fn bench_parse_rate_without_keeping_labels() {
    let root = maltrail().join("trails");
    let mut best = 0.0;
    for _ in 0..3 {
        let timer = Timer::start();
        let count = MaltrailReader::open_trails(&root).unwrap().filter(Result::is_ok).count();
        let (rate, text) = timer.report(count);
        println!("maltrail, parse only: {text}");
        best = f64::max(best, rate);
    }
    assert!(best > 1_000_000.0, "{best:.0} entries/s of CPU time");
}

#[test]
#[ignore = "benchmark: 1.8M entries; run with --release"]
fn bench_label_set_build_and_match_rates() {
    let loaded = load_all();
    let names: Vec<DomainName> = loaded
        .labels
        .iter()
        .filter(|l| l.kind == nshunt_ingest::labels::IndicatorKind::Domain)
        .step_by(10)
        .filter_map(|l| DomainName::parse(&format!("www.{}", l.indicator)).ok())
        .collect();

    let timer = Timer::start();
    let count = loaded.labels.len();
    let set: LabelSet = loaded.labels.into_iter().collect();
    println!("label set, labels indexed: {}", timer.report(count).1);

    let timer = Timer::start();
    let hits: usize = names.iter().map(|n| set.match_domain(n).len()).sum();
    println!("match_domain, listed names under www.: {}", timer.report(names.len()).1);
    assert!(hits >= names.len());
}
