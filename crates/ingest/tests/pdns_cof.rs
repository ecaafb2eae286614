//! COF writing: what [`write_cof`] writes, [`CofReader`] reads back as
//! the same observations.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use nshunt_ingest::pdns::{CofReader, PdnsFormat, PdnsObservation, PdnsReader, merge, write_cof};
use nshunt_model::{DomainName, RrType};

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pdns/cases").join(name)
}

/// Every observation of a case; panics on an error.
fn read_all(path: &Path, format: PdnsFormat) -> Vec<PdnsObservation> {
    let reader = PdnsReader::open(path, format).expect("open");
    reader.filter_map(Result::ok).collect()
}

/// Writes observations as COF and reads them back.
fn round_trip(observations: &[PdnsObservation]) -> Vec<PdnsObservation> {
    let mut out = Vec::new();
    let written = write_cof(observations, &mut out).expect("write");
    assert_eq!(written, observations.len() as u64);
    assert_eq!(out.iter().filter(|b| **b == b'\n').count(), observations.len());

    let reader = CofReader::from_reader("written.jsonl".into(), Box::new(Cursor::new(out)));
    reader.map(|item| item.expect("written COF reads back")).collect()
}

#[test]
fn cof_reads_back_unchanged() {
    let observations = read_all(&case("cof-basic.cof.jsonl"), PdnsFormat::Cof);
    assert_eq!(observations.len(), 14);
    assert_eq!(round_trip(&observations), observations);
}

#[test]
fn zeek_and_eve_observations_read_back_unchanged() {
    let mut observations = read_all(&case("zeek-rules.zeek.log"), PdnsFormat::ZeekTsv);
    for name in ["eve-v1.eve.json", "eve-v2-detailed.eve.json", "eve-v2-grouped.eve.json"] {
        observations.extend(read_all(&case(name), PdnsFormat::Eve));
    }
    observations.extend(read_all(&case("wrccdc-sample.zeek.json"), PdnsFormat::ZeekJson));

    let merged = merge(observations);
    assert!(merged.len() > 40);
    assert_eq!(round_trip(&merged), merged);
}

#[test]
fn written_lines_are_cof_objects() {
    let name = DomainName::parse("www.example.com").unwrap();
    let mut observation =
        PdnsObservation::sighting(name, RrType::A, "192.0.2.1".to_owned(), None, 1_700_000_000);
    observation.count = 3;
    observation.time_last = 1_700_000_100;
    observation.bailiwick = Some(DomainName::parse("example.com").unwrap());

    let mut out = Vec::new();
    write_cof([&observation], &mut out).expect("write");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"rrname\":\"www.example.com\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.1\",\
         \"time_first\":1700000000,\"time_last\":1700000100,\"count\":3,\
         \"bailiwick\":\"example.com\"}\n"
    );
}

#[test]
fn formats_are_detected_from_the_first_line() {
    let cases = [
        ("cof-basic.cof.jsonl", PdnsFormat::Cof),
        ("zeek-rules.zeek.log", PdnsFormat::ZeekTsv),
        ("zeek-rules.zeek.json", PdnsFormat::ZeekJson),
        ("eve-v1.eve.json", PdnsFormat::Eve),
    ];
    for (name, format) in cases {
        let text = std::fs::read(case(name)).expect("read");
        let first = text.split(|b| *b == b'\n').next().unwrap_or_default();
        assert_eq!(PdnsFormat::detect(first), Some(format), "{name}");
        assert_eq!(format.name().parse::<PdnsFormat>(), Ok(format));
    }
    assert!("zeek-tsv".parse::<PdnsFormat>().is_err());
}

#[test]
fn missing_files_are_fatal() {
    let error = CofReader::open(Path::new("/nonexistent/pdns.jsonl")).err().expect("an error");
    assert!(error.is_fatal());
    assert!(error.to_string().contains("/nonexistent/pdns.jsonl"), "{error}");
}
