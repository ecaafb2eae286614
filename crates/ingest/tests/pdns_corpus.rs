//! Data-driven passive-DNS cases: adding a test means adding a file.
//!
//! Every file in `tests/data/pdns/cases/` named `NAME.cof.jsonl`,
//! `NAME.zeek.log`, `NAME.zeek.json` or `NAME.eve.json` is read with the
//! reader its suffix names, and what it yields, one item a line, must
//! equal `FILE.expected`:
//!
//! - an observation as its JSON (COF) form;
//! - an error as `error FILE:LINE: message`, with `[fatal]` after fatal
//!   ones, the path relative to the case's folder;
//! - last, the reader's statistics as `stats {json}`.
//!
//! The Zeek test-suite baselines in `tests/data/pdns/zeek-baselines/`
//! (`NAME.log`, see the README there) are cases too, read as Zeek TSV.
//! Zeek's test canonifier masks every `ts` as `XXXXXXXXXX.XXXXXX`; the
//! test puts `1700000000.000000` in its place before reading, since a
//! masked time is (rightly) an error.
//!
//! `NSHUNT_BLESS=1 cargo test -p nshunt-ingest --test pdns_corpus`
//! writes the `.expected` files from the current output, to be read and
//! checked by hand before they are committed.

use std::fmt::Write as _;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use nshunt_ingest::pdns::{PdnsFormat, PdnsReader};

/// What Zeek's canonifier writes for every time.
const MASKED_TIME: &str = "XXXXXXXXXX.XXXXXX";

/// The time the baselines are read with.
const BASELINE_TIME: &str = "1700000000.000000";

fn data_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pdns").join(name)
}

/// The format a case's file name asks for.
fn format_of(name: &str) -> Option<PdnsFormat> {
    let suffixes = [
        (".cof.jsonl", PdnsFormat::Cof),
        (".zeek.log", PdnsFormat::ZeekTsv),
        (".zeek.json", PdnsFormat::ZeekJson),
        (".eve.json", PdnsFormat::Eve),
    ];
    suffixes.iter().find(|(suffix, _)| name.ends_with(suffix)).map(|(_, format)| *format)
}

/// What reading `reader` yields, one item a line.
fn render(mut reader: PdnsReader, dir: &Path) -> String {
    let prefix = format!("{}/", dir.display());
    let mut out = String::new();

    for item in &mut reader {
        match item {
            Ok(observation) => {
                let json = serde_json::to_string(&observation).expect("serialise");
                let _ = writeln!(out, "{json}");
            }
            Err(e) => {
                let fatal = if e.is_fatal() { " [fatal]" } else { "" };
                let _ = writeln!(out, "error {}{fatal}", e.to_string().replace(&prefix, ""));
            }
        }
    }

    let stats = serde_json::to_string(&reader.stats()).expect("serialise");
    let _ = writeln!(out, "stats {stats}");
    out
}

/// Compares `actual` with `path`'s `.expected` file, or writes it when
/// blessing. Returns a description of the difference.
fn check(path: &Path, actual: &str) -> Option<String> {
    let expected_path = PathBuf::from(format!("{}.expected", path.display()));
    if std::env::var_os("NSHUNT_BLESS").is_some() {
        fs::write(&expected_path, actual).expect("write expected");
        return None;
    }

    let expected = fs::read_to_string(&expected_path).unwrap_or_default();
    if expected == actual {
        return None;
    }

    let first = expected.lines().zip(actual.lines()).position(|(e, a)| e != a);
    let line = first.unwrap_or(expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{}: differs from {} at line {}\n--- expected\n{}\n--- actual\n{}",
        path.display(),
        expected_path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>"),
    ))
}

/// The files of a folder, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
}

#[test]
fn cases() {
    let dir = data_dir("cases");
    let mut failures = Vec::new();
    let mut count = 0;

    for path in files(&dir) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let Some(format) = format_of(name) else {
            continue;
        };

        count += 1;
        let reader = PdnsReader::open(&path, format).expect("open the case");
        failures.extend(check(&path, &render(reader, &dir)));
    }

    assert!(count >= 10, "only {count} cases found in {}", dir.display());
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn zeek_baselines() {
    let dir = data_dir("zeek-baselines");
    let mut failures = Vec::new();
    let mut count = 0;

    for path in files(&dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "log")) {
        count += 1;
        let text = fs::read_to_string(&path).expect("read the baseline");
        let text = text.replace(MASKED_TIME, BASELINE_TIME);

        let input = Box::new(Cursor::new(text.into_bytes()));
        let reader = PdnsReader::from_reader(path.clone(), input, PdnsFormat::ZeekTsv);
        let rendered = render(reader, &dir);
        if rendered.contains("\nerror ") || rendered.starts_with("error ") {
            failures.push(format!("{}: errors:\n{rendered}", path.display()));
        }
        failures.extend(check(&path, &rendered));
    }

    assert!(count >= 27, "only {count} baselines found in {}", dir.display());
    assert!(failures.is_empty(), "{} baseline(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// Every baseline in the shared copy of Zeek's tests has a fixture here.
#[test]
fn zeek_baselines_are_all_copied() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/zeek/dns-tests/testing/btest/Baseline");
    let Ok(entries) = fs::read_dir(&shared) else {
        eprintln!("{} is missing: nothing to compare", shared.display());
        return;
    };

    for entry in entries {
        let dir = entry.expect("directory entry").path();
        if !dir.join("dns.log").is_file() {
            continue;
        }
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let copy = data_dir("zeek-baselines").join(format!("{name}.log"));
        let original = fs::read(dir.join("dns.log")).expect("read the shared baseline");
        assert_eq!(
            fs::read(&copy).ok(),
            Some(original),
            "{} is missing or differs",
            copy.display()
        );
    }
}
