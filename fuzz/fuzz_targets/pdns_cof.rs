//! Arbitrary bytes through the COF reader: it must never panic, and every
//! observation it yields, written back as COF, must read back the same.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use nshunt_ingest::pdns::{CofReader, PdnsObservation, ptr_pattern, write_cof};

fuzz_target!(|data: &[u8]| {
    for observation in read(data).into_iter().flatten() {
        check_round_trip(&observation);
        let _ = ptr_pattern(&observation.rrname);
    }
});

fn read(data: &[u8]) -> Vec<Result<PdnsObservation, String>> {
    let reader = CofReader::from_reader("fuzz.jsonl".into(), Box::new(Cursor::new(data.to_vec())));
    reader.map(|item| item.map_err(|e| e.to_string())).collect()
}

fn check_round_trip(observation: &PdnsObservation) {
    let mut line = Vec::new();
    write_cof([observation], &mut line).expect("writing to memory");
    match read(&line).as_slice() {
        [Ok(same)] => assert_eq!(same, observation, "{line:?} reads back differently"),
        other => panic!("{:?} reads back as {other:?}", String::from_utf8_lossy(&line)),
    }
}
