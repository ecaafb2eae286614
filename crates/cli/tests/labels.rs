//! `nshunt ingest labels`: the real maltrail folder, plain lists, hosts
//! files and CSV into the store, re-ingest as a no-op, matching on label
//! boundaries, and bad input (reported with file and line, skipped and
//! counted, exit 2 under `--strict`, nothing stored lost).
//!
//! The benchmark (`bench_maltrail_store_rate`) is ignored; run it with
//! `cargo test --release -p nshunt --test labels -- --ignored bench_ --nocapture`.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::{Env, shared_data};
use nshunt_ingest::labels::{Label, MaltrailHelper, MaltrailReader};
use nshunt_store::SqliteStore;

fn maltrail() -> PathBuf {
    let path = shared_data().join("maltrail");
    assert!(path.is_dir(), "real data missing: {}", path.display());
    path
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(env: &Env, name: &str, bytes: &[u8]) -> String {
    let path = env.path(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

/// What the readers yield for a maltrail checkout: the trails, then the
/// helper files beside them.
struct Expected {
    entries: u64,
    skipped: u64,
    distinct: u64,
    lists: BTreeMap<String, u64>,
}

fn expected_maltrail(root: &Path) -> Expected {
    let trails = MaltrailReader::open_trails(root).unwrap();
    let helpers = MaltrailHelper::ALL
        .into_iter()
        .map(|h| (root.join(h.file_name()), h))
        .filter(|(path, _)| path.is_file())
        .flat_map(|(path, h)| MaltrailReader::open_helper(&path, h));

    let mut expected = Expected { entries: 0, skipped: 0, distinct: 0, lists: BTreeMap::new() };
    let mut keys: HashSet<(Box<str>, String, String, String)> = HashSet::new();
    for item in trails.chain(helpers) {
        let label: Label = match item {
            Ok(label) => label,
            Err(_) => {
                expected.skipped += 1;
                continue;
            }
        };
        expected.entries += 1;
        *expected.lists.entry(label.context.list.to_string()).or_default() += 1;
        let category = label.context.category.clone().unwrap_or_default();
        keys.insert((
            label.indicator,
            label.kind.to_string(),
            label.context.list.to_string(),
            category,
        ));
    }
    expected.distinct = keys.len() as u64;
    expected
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn all_of_maltrail_loads_once_and_matches_on_label_boundaries() {
    let env = Env::new();
    let root = maltrail();
    let path = root.to_str().unwrap();
    let args = ["ingest", "labels", path, "--source", "maltrail", "--date", "2026-01-01"];

    let summary = env.json(&args);
    let expected = expected_maltrail(&root);
    assert_eq!(summary["status"], "ingested", "{summary}");
    assert_eq!(summary["input_format"], "maltrail");
    assert_eq!(summary["entries"], expected.entries, "{summary}");
    assert_eq!(summary["skipped"], expected.skipped, "{summary}");
    assert_eq!(summary["stored"], expected.distinct, "{summary}");
    assert!(expected.entries > 1_800_000, "{}", expected.entries);
    for (list, count) in &expected.lists {
        assert_eq!(summary["lists"][list], *count, "{list}: {summary}");
    }

    let again = env.json(&args);
    assert_eq!(again["status"], "duplicate", "{again}");
    assert_eq!(again["batch_id"], summary["batch_id"]);

    let info = env.json(&["store", "info"]);
    assert_eq!(info["labels"], expected.distinct, "{info}");
    assert_eq!(info["batches"].as_array().unwrap().len(), 1);

    let store = SqliteStore::open_read_only(&env.store()).unwrap();
    let as_of = store.default_as_of().unwrap().unwrap();
    let found = store.labels_for("www.aefalcon.com", &[], &[], as_of).unwrap();
    let zeus = found.iter().find(|l| l.category.as_deref() == Some("zeus"));
    let zeus = zeus.unwrap_or_else(|| panic!("zeus missing: {found:?}"));
    assert_eq!((zeus.value.as_str(), zeus.severity.as_deref()), ("aefalcon.com", Some("high")));
    assert_eq!(zeus.file.as_deref(), Some("malware/zeus.txt"));
    assert!(store.labels_for("notaefalcon.com", &[], &[], as_of).unwrap().is_empty());

    let parked = store.labels_for("", &[ip("162.255.119.77")], &[], as_of).unwrap();
    assert!(
        parked.iter().any(|l| l.value == "162.255.119.0/24" && l.list == "parking"),
        "{parked:?}"
    );
    assert!(
        store.labels_for("", &[], &[63949], as_of).unwrap().iter().any(|l| l.list == "bad_asn")
    );
}

/// A list of two labels, ingested first, so that later failures can be
/// shown to lose nothing.
const GOOD_LIST: &str = "# test list\nevil.example\n198.51.100.0/24\n";

#[test]
fn plain_lists_match_on_label_boundaries_only() {
    let env = Env::new();
    let file = write(&env, "block.txt", GOOD_LIST.as_bytes());
    let summary =
        env.json(&["ingest", "labels", &file, "--source", "test", "--date", "2026-01-01"]);
    assert_eq!(summary["input_format"], "list");
    assert_eq!((summary["entries"].as_u64(), summary["stored"].as_u64()), (Some(2), Some(2)));

    let store = SqliteStore::open_read_only(&env.store()).unwrap();
    let at = store.default_as_of().unwrap().unwrap();
    assert_eq!(store.labels_for("a.b.evil.example", &[], &[], at).unwrap().len(), 1);
    assert!(store.labels_for("notevil.example", &[], &[], at).unwrap().is_empty());
    assert!(store.labels_for("evil.example.net", &[], &[], at).unwrap().is_empty());
    assert_eq!(store.labels_for("", &[ip("198.51.100.9")], &[], at).unwrap().len(), 1);
    assert!(store.labels_for("", &[ip("198.51.101.9")], &[], at).unwrap().is_empty());
}

#[test]
fn hosts_files_and_allow_lists_load_as_their_kind() {
    let env = Env::new();
    let hosts =
        write(&env, "hosts", b"127.0.0.1 localhost\n0.0.0.0 ads.example track.example # x\n");
    let summary = env.json(&["ingest", "labels", &hosts, "--source", "ads", "--list", "block"]);
    assert_eq!(summary["input_format"], "hosts");
    assert_eq!(summary["entries"], 2, "{summary}");

    let allow = write(&env, "popular.txt", b"example.com\nexample.org\n");
    let args = ["ingest", "labels", &allow, "--source", "top", "--list", "popular"];
    let summary = env.json(&args);
    assert_eq!(summary["lists"]["popular"], 2, "{summary}");

    let info = env.json(&["store", "info"]);
    let lists: Vec<String> = info["label_sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s["source"], s["list"], s["labels"]))
        .collect();
    assert_eq!(lists, ["\"ads\" \"block\" 2", "\"top\" \"popular\" 2"]);
}

/// Every kind of bad line, with its line number.
fn bad_csv() -> Vec<u8> {
    let mut bytes = b"indicator,date,category\n".to_vec();
    bytes.extend(b"good.example,2025-01-02,phish\n"); // 2
    bytes.extend(b"short.example,2025-01-02\n"); // 3: missing column
    bytes.extend(b"999.1.2.3,2025-01-02,c2\n"); // 4: not an IP
    bytes.extend(b"bad\xff\xfe.example,2025-01-02,c2\n"); // 5: not UTF-8
    bytes.extend(b"also-good.example,2025-01-03,c2\n"); // 6
    bytes.extend(b"\"cut.example,2025-01"); // 7: truncated
    bytes
}

const CSV_COLUMNS: &str = "indicator=1,date=2,category=3";

#[test]
fn bad_rows_are_reported_with_file_and_line_skipped_and_counted() {
    let env = Env::new();
    let file = write(&env, "feed.csv", &bad_csv());
    let args = ["ingest", "labels", &file, "--source", "feed", "--csv-columns", CSV_COLUMNS];

    let output = env.run(&[&args[..], &["--format", "json"]].concat());
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    for line in 3..=5 {
        assert!(err.contains(&format!("feed.csv:{line}:")), "line {line} not reported:\n{err}");
    }
    assert!(err.contains("feed.csv:7:"), "truncated line not reported:\n{err}");
    assert!(err.contains("missing column 3"), "{err}");

    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((summary["entries"].as_u64(), summary["skipped"].as_u64()), (Some(2), Some(4)));
    let store = SqliteStore::open_read_only(&env.store()).unwrap();
    let found = store.labels_for("good.example", &[], &[], i64::MAX).unwrap();
    assert_eq!(found[0].listed_on.as_deref(), Some("2025-01-02"));
    assert_eq!(found[0].category.as_deref(), Some("phish"));
}

#[test]
fn strict_stops_at_the_first_bad_row_and_loses_nothing() {
    let env = Env::new();
    let good = write(&env, "block.txt", GOOD_LIST.as_bytes());
    env.ok(&["ingest", "labels", &good, "--source", "feed"]);
    let before = SqliteStore::open_read_only(&env.store()).unwrap().dump_all().unwrap();

    let file = write(&env, "feed.csv", &bad_csv());
    let args =
        ["ingest", "labels", &file, "--source", "feed", "--csv-columns", CSV_COLUMNS, "--strict"];
    let output = env.run(&args);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("feed.csv:3:"), "{}", stderr(&output));

    let after = SqliteStore::open_read_only(&env.store()).unwrap().dump_all().unwrap();
    assert_eq!(before, after);
}

#[test]
fn unusable_inputs_and_bad_options_exit_2() {
    let env = Env::new();
    let csv = write(&env, "feed.csv", b"a.example,x\n");
    let list = write(&env, "list.txt", b"a.example\n");
    let missing = env.path("missing.txt").to_str().unwrap().to_owned();
    let not_trails = env.dir.path().to_str().unwrap().to_owned();

    let cases: [&[&str]; 5] = [
        &[&missing],
        &[&csv],
        &[&list, "--csv-columns", "indicator=1"],
        &[&not_trails],
        &[&list, "--list", "nonsense"],
    ];
    for case in cases {
        let args = [&["ingest", "labels", "--source", "x"][..], case].concat();
        let output = env.run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("error"), "{args:?}: {}", stderr(&output));
    }
}

#[test]
#[ignore = "benchmark: 1.8M entries; run with --release"]
fn bench_maltrail_store_rate() {
    let root = maltrail();
    let mut best = 0.0f64;
    for run in 0..3 {
        let env = Env::new();
        let args = ["ingest", "labels", root.to_str().unwrap(), "--source", "maltrail"];
        let started = Instant::now();
        let summary = env.json(&args);
        let seconds = started.elapsed().as_secs_f64();

        let entries = summary["entries"].as_u64().unwrap() as f64;
        let rate = entries / seconds;
        best = best.max(rate);
        println!(
            "run {run}: {entries} entries, {} stored, into a fresh store, whole command up to \
             commit: {seconds:.2} s, {:.0} entries/s",
            summary["stored"], rate
        );
    }
    println!("best: {best:.0} entries/s");
}
