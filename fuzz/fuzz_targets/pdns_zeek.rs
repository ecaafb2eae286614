//! Arbitrary bytes through the Zeek `dns.log` readers, TSV or JSON as the
//! first byte chooses: they must never panic, and every observation,
//! written as COF, must read back the same.
//!
//! For TSV the input gets the usual header unless it brings its own
//! (starts with `#`), so that the fuzzer reaches the rows quickly.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use nshunt_ingest::pdns::{
    CofReader, PdnsObservation, ZeekJsonReader, ZeekTsvReader, ptr_pattern, write_cof,
};

/// The header of a current Zeek `dns.log`.
const HEADER: &[u8] = b"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n\
#unset_field\t-\n#fields\tts\tuid\tquery\tqclass\tqtype\trcode\tanswers\tTTLs\trejected\topcode\n";

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };

    let observations: Vec<PdnsObservation> = if selector & 1 == 0 {
        let input = if rest.starts_with(b"#") { rest.to_vec() } else { [HEADER, rest].concat() };
        let reader = ZeekTsvReader::from_reader("fuzz.log".into(), Box::new(Cursor::new(input)));
        reader.filter_map(Result::ok).collect()
    } else {
        let reader =
            ZeekJsonReader::from_reader("fuzz.json".into(), Box::new(Cursor::new(rest.to_vec())));
        reader.filter_map(Result::ok).collect()
    };

    for observation in &observations {
        check_round_trip(observation);
        let _ = ptr_pattern(&observation.rrname);
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
