//! The zone reader against `ldns-read-zone` (NLnet Labs' ldns), on the
//! real root-zone snapshots in the shared data folder.
//!
//! For each file, the set of records nshunt reads, printed one per line
//! (`owner ttl class type rdata`), must equal the set `ldns-read-zone`
//! prints, blanks normalised. Sets, not lists: the order differs, and
//! the 2018 file repeats its SOA at the end (an AXFR habit), which ldns
//! prints once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use nshunt_ingest::zone::{ZoneOptions, ZoneReader, presentation_line};

const FILES: [&str; 3] = ["root.zone.2018-03-12", "root.zone.2019-11-02", "root.zone.2020-09-13"];

fn root_zone_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/root-zone")
}

/// One line with its blanks normalised: fields separated by one space,
/// none at the ends.
fn normalise_blanks(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn nshunt_lines(path: &Path) -> BTreeSet<String> {
    let reader = ZoneReader::open(path, ZoneOptions::default()).expect("open the zone");
    reader
        .map(|item| item.unwrap_or_else(|e| panic!("nshunt refused a record: {e}")))
        .map(|record| normalise_blanks(&presentation_line(&record)))
        .collect()
}

fn ldns_lines(path: &Path) -> BTreeSet<String> {
    let output = Command::new("ldns-read-zone").arg(path).output().unwrap_or_else(|e| {
        panic!(
            "cannot run ldns-read-zone ({e}): this test compares against it; \
             install Debian's ldnsutils package (apt-get install ldnsutils)"
        )
    });
    assert!(output.status.success(), "ldns-read-zone failed on {}", path.display());

    String::from_utf8(output.stdout)
        .expect("ldns prints UTF-8")
        .lines()
        .map(strip_key_comment)
        .map(normalise_blanks)
        .filter(|line| !line.is_empty())
        .collect()
}

/// ldns follows each DNSKEY with a comment it computes,
/// `;{id = 20326 (ksk), size = 2048b}`. It is not record data, and no
/// other line of these files holds a `;` (there is no TXT), so the
/// comment is cut off.
fn strip_key_comment(line: &str) -> &str {
    match line.find(";{id = ") {
        Some(at) => &line[..at],
        None => line,
    }
}

fn compare(file: &str) {
    let path = root_zone_dir().join(file);
    assert!(path.exists(), "missing test input {}", path.display());
    let ours = nshunt_lines(&path);
    let theirs = ldns_lines(&path);

    let only_ours: Vec<_> = ours.difference(&theirs).take(5).collect();
    let only_theirs: Vec<_> = theirs.difference(&ours).take(5).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "{file}: {} lines only in nshunt, e.g. {only_ours:#?}\n{} only in ldns, e.g. {only_theirs:#?}",
        ours.difference(&theirs).count(),
        theirs.difference(&ours).count(),
    );
    assert!(ours.len() > 15_000, "{file}: only {} records", ours.len());
}

#[test]
fn root_zone_2018_matches_ldns() {
    compare(FILES[0]);
}

#[test]
fn root_zone_2019_matches_ldns() {
    compare(FILES[1]);
}

#[test]
fn root_zone_2020_matches_ldns() {
    compare(FILES[2]);
}
