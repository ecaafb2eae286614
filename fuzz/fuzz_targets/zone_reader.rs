//! Arbitrary bytes through the zone reader: it must never panic, and
//! every record it yields, printed as a presentation line, must read back
//! as the same record.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use nshunt_ingest::zone::{ZoneOptions, ZoneReader, presentation_line};
use nshunt_model::{DomainName, Record};

fuzz_target!(|data: &[u8]| {
    for record in read(data, options(data)).into_iter().flatten() {
        check_round_trip(&record);
    }
});

/// Options chosen by the first byte: an origin or none, a small record
/// limit or the default.
fn options(data: &[u8]) -> ZoneOptions {
    let selector = data.first().copied().unwrap_or(0);
    let origin = (selector & 1 == 1).then(|| DomainName::parse("example.com").unwrap());
    let max_record_bytes = if selector & 2 == 2 { 64 } else { 4096 };
    ZoneOptions { origin, max_record_bytes, ..ZoneOptions::default() }
}

fn read(data: &[u8], options: ZoneOptions) -> Vec<Result<Record, String>> {
    let input = Box::new(Cursor::new(data.to_vec()));
    let reader = ZoneReader::from_reader("fuzz.zone".into(), input, options);
    reader.map(|item| item.map_err(|e| e.to_string())).collect()
}

fn check_round_trip(record: &Record) {
    let line = presentation_line(record);
    let again = read(format!("{line}\n").as_bytes(), ZoneOptions::default());
    match again.as_slice() {
        [Ok(same)] => assert_eq!(same, record, "{line:?} reads back differently"),
        other => panic!("{line:?} reads back as {other:?}"),
    }
}
