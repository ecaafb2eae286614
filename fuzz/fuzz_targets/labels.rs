//! Arbitrary bytes through the label readers and the label set: nothing
//! may panic; every indicator's canonical text must read back as itself;
//! every domain label must match itself in a `LabelSet`.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use nshunt_ingest::labels::{
    CsvMapping, CsvReader, IndicatorKind, Label, LabelSet, ListFormat, ListKind, ListOptions,
    ListReader, parse_indicator,
};
use nshunt_model::DomainName;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let labels = read(selector, body);

    for label in &labels {
        check_round_trip(label);
    }
    check_set(labels);
});

fn read(selector: u8, body: &[u8]) -> Vec<Label> {
    let options = ListOptions::new("fuzz", ListKind::Block);
    let input = Box::new(Cursor::new(body.to_vec()));
    let items: Vec<_> =
        match selector % 3 {
            0 => ListReader::from_reader("fuzz.txt".into(), input, ListFormat::Plain, &options)
                .collect(),
            1 => ListReader::from_reader("fuzz.txt".into(), input, ListFormat::Hosts, &options)
                .collect(),
            _ => {
                let mapping: CsvMapping = "indicator=2,category=3,date=1".parse().unwrap();
                CsvReader::from_reader("fuzz.csv".into(), input, mapping, &options).collect()
            }
        };
    items.into_iter().filter_map(Result::ok).collect()
}

/// The canonical text, written back as a list would, parses to itself.
/// (Refanging is not idempotent for text with literal brackets.)
fn check_round_trip(label: &Label) {
    let value = &*label.indicator;
    if value.contains(['[', '(', '{']) {
        return;
    }

    let written = match (label.kind, label.port) {
        (IndicatorKind::Suffix, _) => format!(".{value}"),
        (IndicatorKind::Ip, Some(port)) if value.contains(':') => format!("[{value}]:{port}"),
        (_, Some(port)) => format!("{value}:{port}"),
        (_, None) => value.to_owned(),
    };
    let again = parse_indicator(&written).unwrap_or_else(|e| panic!("{written:?}: {e}"));
    assert_eq!((again.kind, &*again.value, again.port), (label.kind, value, label.port));
}

fn check_set(labels: Vec<Label>) {
    let domains: Vec<String> = labels
        .iter()
        .filter(|l| l.kind == IndicatorKind::Domain)
        .map(|l| l.indicator.to_string())
        .collect();
    let set: LabelSet = labels.into_iter().collect();

    for domain in domains {
        let name = DomainName::parse(&domain).expect("canonical domains parse");
        let found = set.match_domain(&name);
        assert!(found.iter().any(|l| *l.indicator == *domain), "{domain} does not match itself");
        let _ = set.match_url(&format!("http://{domain}/x"));
    }
}
