//! Data-driven zone cases: adding a test means adding a file.
//!
//! Every `NAME.zone` directly in `tests/data/zone/` (features) or
//! `tests/data/bad/` (bad input) is read with [`ZoneReader::open`], and
//! what it yields, one item a line, must equal `NAME.expected`:
//!
//! - a record as `owner ttl class type rdata`, single spaces, the owner
//!   with its trailing dot;
//! - an error as `error FILE:LINE: message`, with `[fatal]` after fatal
//!   ones; paths are relative to the case's folder, or start with `DATA`
//!   for `tests/data`.
//!
//! Options come from comment lines at the top of the zone file:
//! `; option: origin NAME`, `; option: default-ttl SECONDS`,
//! `; option: allow-include`, `; option: max-record-bytes N`.
//! Files in sub-folders (included files) are not cases themselves.
//!
//! `NSHUNT_BLESS=1 cargo test -p nshunt-ingest --test corpus` writes the
//! `.expected` files from the current output, to be read and checked by
//! hand before they are committed.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use nshunt_ingest::zone::{ZoneOptions, ZoneReader};
use nshunt_model::DomainName;

fn data_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// The options a case asks for in its leading `; option:` lines.
fn options_for(path: &Path) -> ZoneOptions {
    let text = fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let mut options = ZoneOptions::default();

    for line in text.lines().map_while(|l| l.strip_prefix("; option: ")) {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "origin" => options.origin = Some(DomainName::parse(value).expect("origin option")),
            "default-ttl" => options.default_ttl = Some(value.parse().expect("ttl option")),
            "allow-include" => options.allow_include = true,
            "max-record-bytes" => options.max_record_bytes = value.parse().expect("size option"),
            _ => panic!("{}: unknown option {key:?}", path.display()),
        }
    }
    options
}

/// What reading `path` yields, one item a line.
fn render(path: &Path, dir: &Path) -> String {
    let prefix = format!("{}/", dir.display());
    let data_root = dir.parent().unwrap_or(dir).display().to_string();
    let mut out = String::new();
    let reader = ZoneReader::open(path, options_for(path)).expect("open the case");

    for item in reader {
        match item {
            Ok(r) => {
                let _ = writeln!(
                    out,
                    "{} {} {} {} {}",
                    r.owner.to_fqdn(),
                    r.ttl,
                    r.class,
                    r.rtype,
                    r.rdata
                );
            }
            Err(e) => {
                let fatal = if e.is_fatal() { " [fatal]" } else { "" };
                let _ = writeln!(
                    out,
                    "error {}{fatal}",
                    e.to_string().replace(&prefix, "").replace(&data_root, "DATA")
                );
            }
        }
    }
    out
}

/// Runs every case in `tests/data/NAME`, reporting all mismatches.
fn run_cases(name: &str) {
    let dir = data_dir(name).canonicalize().expect("case folder");
    let bless = std::env::var_os("NSHUNT_BLESS").is_some();
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("read the case folder")
        .map(|entry| entry.expect("folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "zone"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "too few cases in {}", dir.display());

    let failures: Vec<String> =
        cases.iter().filter_map(|case| check_case(case, &dir, bless)).collect();
    assert!(failures.is_empty(), "{} case(s) differ:\n{}", failures.len(), failures.join("\n"));
}

/// Compares one case with its expected output; the mismatch, if any.
fn check_case(case: &Path, dir: &Path, bless: bool) -> Option<String> {
    let expected_path = case.with_extension("expected");
    let actual = render(case, dir);
    if bless {
        fs::write(&expected_path, &actual).expect("write the expected file");
        return None;
    }

    let expected = fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
    (actual != expected)
        .then(|| format!("--- {}\n{}", expected_path.display(), line_diff(&expected, &actual)))
}

/// The lines that differ, marked `-` (expected) and `+` (actual).
fn line_diff(expected: &str, actual: &str) -> String {
    let (want, got): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    for i in 0..want.len().max(got.len()) {
        let (w, g) = (want.get(i), got.get(i));
        if w != g {
            let _ = writeln!(
                out,
                "  line {}:\n  - {}\n  + {}",
                i + 1,
                w.unwrap_or(&""),
                g.unwrap_or(&"")
            );
        }
    }
    out
}

#[test]
fn feature_cases() {
    run_cases("zone");
}

#[test]
fn bad_input_cases() {
    run_cases("bad");
}
