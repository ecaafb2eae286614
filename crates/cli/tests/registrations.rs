//! `nshunt ingest whois` and `nshunt ingest rdap` through the binary:
//! real answers from `../shared/data` into a temporary store, read
//! back with the store's API; bad files reported by name and skipped
//! (exit 0), or refused as a whole under `--strict` (exit 2, the store
//! unchanged).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Env, shared_data};
use nshunt_ingest::registration::{Registration, parse_rdap, parse_whois_bytes};
use nshunt_store::{RegistrationStatus, SqliteStore};

/// `--date` of every ingest here, and that moment in unix seconds.
const DATE: &str = "2026-01-15";
const DATE_SECS: i64 = 1_768_435_200;

fn whois_corpus() -> PathBuf {
    let dir = shared_data().join("whois-likexian");
    assert!(dir.join("testdata/notfound").is_dir(), "missing {}", dir.display());
    dir
}

fn rdap_corpus() -> PathBuf {
    let dir = shared_data().join("rdap");
    assert!(dir.is_dir(), "missing {}", dir.display());
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs an ingest with `--format json`, requires `code`, and returns
/// the parsed outcome and stderr.
fn ingest(env: &Env, args: &[&str], code: i32) -> (serde_json::Value, String) {
    let mut all = vec!["ingest"];
    all.extend(args);
    all.extend(["--date", DATE, "--format", "json"]);
    let output = env.run(&all);

    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(code), "nshunt {all:?}:\n{err}");
    let outcome = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (outcome, err)
}

fn store(env: &Env) -> SqliteStore {
    SqliteStore::open_read_only(&env.store()).unwrap()
}

/// The files of a folder, sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

fn seconds(time: Option<chrono::DateTime<chrono::Utc>>) -> Option<i64> {
    time.map(|t| t.timestamp())
}

/// The store holds what the parser reads from the same answer.
fn assert_stored_as_parsed(store: &SqliteStore, parsed: &Registration) {
    let domain = parsed.domain.as_ref().unwrap().as_str();
    let view = store.registration(domain, DATE_SECS).unwrap().expect("stored");
    assert_eq!(view.registrar, parsed.registrar, "{domain}");
    assert_eq!(view.registrar_iana_id, parsed.registrar_iana_id, "{domain}");
    assert_eq!(view.created, seconds(parsed.created), "{domain}");
    assert_eq!(view.updated, seconds(parsed.updated), "{domain}");
    assert_eq!(view.expires, seconds(parsed.expires), "{domain}");
    assert_eq!(view.statuses, parsed.statuses, "{domain}");
    let names: Vec<&str> = parsed.name_servers.iter().map(|n| n.as_str()).collect();
    assert_eq!(view.name_servers, names, "{domain}");
    assert_eq!(view.privacy, parsed.privacy, "{domain}");
    assert_eq!(view.observed_at, DATE_SECS);
}

#[test]
fn the_whole_whois_corpus_ingests() {
    let env = Env::new();
    let (outcome, err) = ingest(&env, &["whois", arg(&whois_corpus())], 0);

    // The folder also holds licences, READMEs and expected-output JSON:
    // they are reported by name and skipped.
    assert!(outcome["ingested"].as_u64().unwrap() > 300, "{outcome}");
    assert!(err.contains("google.com.json"), "expected JSON not reported:\n{err}");
    assert!(err.contains("LICENSE"), "a file without a domain not reported:\n{err}");

    let store = store(&env);
    let notfound = files_in(&whois_corpus().join("testdata/notfound"));
    assert!(notfound.len() >= 80);
    for file in notfound {
        let name = file.file_name().unwrap().to_str().unwrap();
        let domain = name.split_once('_').unwrap().1;
        let view = store.registration(domain, DATE_SECS).unwrap();
        let status = view.map(|v| v.status);
        assert_eq!(status, Some(RegistrationStatus::NotRegistered), "{name}");
    }

    let sample = whois_corpus().join("testdata/noterror/com_google.com");
    let parsed = parse_whois_bytes(&fs::read(&sample).unwrap(), Some("google.com")).unwrap();
    assert!(parsed.registrar.is_some() && parsed.created.is_some() && parsed.expires.is_some());
    assert_stored_as_parsed(&store, &parsed);

    // Before the moment it describes, it answers only as a later answer.
    let before = store.registration("google.com", DATE_SECS - 1).unwrap().unwrap();
    assert!(before.after_as_of);
}

#[test]
fn re_ingesting_changes_nothing() {
    let env = Env::new();
    let corpus = whois_corpus().join("testdata/notfound");
    let (first, _) = ingest(&env, &["whois", arg(&corpus)], 0);
    let before = store(&env).dump_all().unwrap();

    let (again, _) = ingest(&env, &["whois", arg(&corpus)], 0);
    assert_eq!(again["ingested"], 0, "{again}");
    assert_eq!(again["duplicates"], first["ingested"], "{again}");
    assert!(again["files"].as_array().unwrap().iter().all(|f| f["status"] == "duplicate"));
    assert_eq!(store(&env).dump_all().unwrap(), before);
}

#[test]
fn the_rdap_corpus_ingests_its_domain_answer() {
    let env = Env::new();
    let (outcome, err) = ingest(&env, &["rdap", arg(&rdap_corpus())], 0);

    assert_eq!(outcome["ingested"], 1, "{outcome}");
    // Name-server and entity answers, bootstrap files and jCards are
    // not domain answers: each is named with the reason.
    assert!(err.contains("nameserver-ns2.pipni.cz.json"), "{err}");
    assert!(err.contains("expected \"domain\""), "{err}");
    assert!(err.contains("malformed.json"), "{err}");

    let json = fs::read_to_string(rdap_corpus().join("rdap/rdap.nic.cz/domain-example.cz.json"));
    let parsed = parse_rdap(&json.unwrap()).unwrap();
    assert_eq!(parsed.domain.as_ref().unwrap().as_str(), "example.cz");
    assert_stored_as_parsed(&store(&env), &parsed);
}

#[test]
fn rdap_strict_refuses_the_folder_and_keeps_the_store() {
    let env = Env::new();
    let sample = whois_corpus().join("testdata/noterror/com_google.com");
    ingest(&env, &["whois", arg(&sample)], 0);
    let before = store(&env).dump_all().unwrap();

    let (_, err) = ingest(&env, &["rdap", "--strict", arg(&rdap_corpus())], 2);
    assert!(err.contains("nameserver-ns2.pipni.cz.json"), "{err}");
    assert_eq!(store(&env).dump_all().unwrap(), before);
}

/// A folder of answers, one of each kind of bad file among good ones.
struct Mixed {
    env: Env,
    dir: PathBuf,
}

impl Mixed {
    fn new() -> Self {
        let env = Env::new();
        let dir = env.path("answers");
        fs::create_dir_all(dir.join("more")).unwrap();

        let google = whois_corpus().join("testdata/noterror/com_google.com");
        fs::copy(google, dir.join("google.com.txt")).unwrap();
        let notfound = "No match for \"FREE-NAME.COM\".\n>>> Last update of whois database <<<\n";
        fs::write(dir.join("more/free-name.com"), notfound).unwrap();
        fs::write(dir.join("empty.com.txt"), b"").unwrap();
        fs::write(dir.join("binary.com.txt"), b"Domain Name: binary.com\n\x00\x01\x02").unwrap();

        // A UTF-16 byte-order mark, then a lone surrogate.
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("Domain: x".encode_utf16().flat_map(u16::to_le_bytes));
        utf16.extend([0x00, 0xd8, 0x41, 0x00]);
        fs::write(dir.join("more/utf16.com.txt"), utf16).unwrap();
        Self { env, dir }
    }

    fn bad_files() -> [&'static str; 3] {
        ["empty.com.txt", "binary.com.txt", "utf16.com.txt"]
    }
}

#[test]
fn bad_whois_files_are_named_and_skipped() {
    let mixed = Mixed::new();
    let (outcome, err) = ingest(&mixed.env, &["whois", arg(&mixed.dir)], 0);

    for bad in Mixed::bad_files() {
        assert!(err.contains(bad), "{bad} not reported:\n{err}");
    }
    assert!(err.contains("empty"), "{err}");
    assert!(err.contains("not text"), "{err}");
    assert_eq!((outcome["ingested"].as_u64(), outcome["bad"].as_u64()), (Some(2), Some(3)));

    let store = store(&mixed.env);
    let google = store.registration("google.com", DATE_SECS).unwrap().unwrap();
    assert_eq!(google.registrar.as_deref(), Some("MarkMonitor, Inc."));
    let free = store.registration("free-name.com", DATE_SECS).unwrap().unwrap();
    assert_eq!(free.status, RegistrationStatus::NotRegistered);
    assert_eq!(store.registration("empty.com", DATE_SECS).unwrap(), None);
}

#[test]
fn whois_strict_stores_nothing_of_a_folder_with_a_bad_file() {
    let mixed = Mixed::new();
    let first = mixed.dir.join("more/free-name.com");
    ingest(&mixed.env, &["whois", arg(&first)], 0);
    let before = store(&mixed.env).dump_all().unwrap();

    let (_, err) = ingest(&mixed.env, &["whois", "--strict", arg(&mixed.dir)], 2);
    for bad in Mixed::bad_files() {
        assert!(err.contains(bad), "{bad} not reported:\n{err}");
    }
    assert_eq!(store(&mixed.env).dump_all().unwrap(), before);
}

#[test]
fn truncated_rdap_is_named_with_its_position() {
    let env = Env::new();
    let dir = env.path("rdap");
    fs::create_dir_all(&dir).unwrap();
    let good = rdap_corpus().join("rdap/rdap.nic.cz/domain-example.cz.json");
    let json = fs::read_to_string(good).unwrap();
    fs::write(dir.join("example.cz.json"), &json).unwrap();
    fs::write(dir.join("cut.cz.json"), &json[..json.len() / 2]).unwrap();
    fs::write(dir.join("empty.cz.json"), "").unwrap();

    let (outcome, err) = ingest(&env, &["rdap", arg(&dir)], 0);
    assert!(err.contains("cut.cz.json") && err.contains("line"), "{err}");
    assert!(err.contains("empty.cz.json"), "{err}");
    assert_eq!(outcome["ingested"], 1, "{outcome}");

    let before = store(&env).dump_all().unwrap();
    ingest(&env, &["rdap", "--strict", arg(&dir)], 2);
    assert_eq!(store(&env).dump_all().unwrap(), before);
}

#[test]
fn the_domain_comes_from_the_option_or_the_file_name() {
    let env = Env::new();
    let answer = env.path("answer.txt");
    fs::write(&answer, "No Data Found\n").unwrap();

    // Neither the answer nor the file name says which domain it is.
    let (outcome, err) = ingest(&env, &["whois", arg(&answer)], 0);
    assert_eq!(outcome["bad"], 1, "{outcome}");
    assert!(err.contains("answer.txt") && err.contains("--domain"), "{err}");

    let (outcome, _) = ingest(&env, &["whois", "--domain", "Free-Name.NET", arg(&answer)], 0);
    assert_eq!(outcome["ingested"], 1, "{outcome}");
    let view = store(&env).registration("free-name.net", DATE_SECS).unwrap().unwrap();
    assert_eq!(view.status, RegistrationStatus::NotRegistered);

    // The same answer for another domain is another batch.
    let named = env.path("other-name.net.txt");
    fs::copy(&answer, &named).unwrap();
    let (outcome, _) = ingest(&env, &["whois", arg(&named)], 0);
    assert_eq!(outcome["ingested"], 1, "{outcome}");
    assert!(store(&env).registration("other-name.net", DATE_SECS).unwrap().is_some());
}

#[test]
fn domain_option_takes_one_file() {
    let mixed = Mixed::new();
    let (_, err) = ingest(&mixed.env, &["whois", "--domain", "x.com", arg(&mixed.dir)], 2);
    assert!(err.contains("--domain"), "{err}");
}

#[test]
fn a_missing_path_is_an_error() {
    let env = Env::new();
    let missing = env.path("no-such-folder");
    let (_, err) = ingest(&env, &["whois", arg(&missing)], 2);
    assert!(err.contains("no-such-folder"), "{err}");
}

#[test]
fn store_info_counts_registrations() {
    let mixed = Mixed::new();
    ingest(&mixed.env, &["whois", arg(&mixed.dir)], 0);

    let info = mixed.env.json(&["store", "info"]);
    let counts = info["registrations"].as_array().unwrap();
    let registered = counts.iter().find(|c| c["status"] == "registered").unwrap();
    assert_eq!(
        (registered["source"].as_str(), registered["domains"].as_u64()),
        (Some("whois"), Some(1))
    );

    let text = mixed.env.ok(&["store", "info"]);
    assert!(text.contains("registrations"), "{text}");
}
