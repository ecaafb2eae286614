//! Arbitrary bytes through the Suricata EVE reader: it must never panic,
//! and every observation, written as COF, must read back the same.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use nshunt_ingest::pdns::{CofReader, EveReader, PdnsObservation, write_cof};

fuzz_target!(|data: &[u8]| {
    let reader = EveReader::from_reader("fuzz.json".into(), Box::new(Cursor::new(data.to_vec())));
    let observations: Vec<PdnsObservation> = reader.filter_map(Result::ok).collect();
    for observation in &observations {
        check_round_trip(observation);
    }
});

fn check_round_trip(observation: &PdnsObservation) {
    let mut line = Vec::new();
    write_cof([observation], &mut line).expect("writing to memory");
    let reader = CofReader::from_reader("cof.jsonl".into(), Box::new(Cursor::new(line.clone())));
    let back: Vec<_> = reader.map(|item| item.map_err(|e| e.to_string())).collect();
    match back.as_slice() {
        [Ok(same)] => assert_eq!(same, observation, "{line:?} reads back differently"),
        other => panic!("{:?} reads back as {other:?}", String::from_utf8_lossy(&line)),
    }
}
