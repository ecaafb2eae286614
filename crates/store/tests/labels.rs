//! Labels in the store: one transaction per batch, the ledger, the
//! merge rule and matching on label boundaries.

mod common;

use std::net::IpAddr;

use common::{DAY1, DAY2, DAY3, temp_store};
use nshunt_store::{
    BatchInfo, BatchMeta, BatchSummary, LabelKind, LabelStart, NewLabel, SOURCE_LABELS,
    SqliteStore, StoreError,
};

/// `(value, kind, category)` of a test label; the rest is fixed.
type Entry<'a> = (&'a str, LabelKind, &'a str);

fn meta(source: &str, hash: &str, at: i64) -> BatchMeta {
    BatchMeta::input(SOURCE_LABELS, Some(source), "trails", hash, at)
}

fn label<'a>((value, kind, category): Entry<'a>, line: u64) -> NewLabel<'a> {
    NewLabel {
        value,
        kind,
        list: "block",
        category: Some(category),
        severity: Some("high"),
        listed_on: Some("2025-05-22"),
        port: None,
        references: Some("https://a.example/1\nhttps://b.example/2"),
        file: "malware/test.txt",
        line,
    }
}

/// Loads one batch of labels and returns its ledger row and how many
/// distinct labels it stored.
fn load(store: &mut SqliteStore, meta: BatchMeta, entries: &[Entry<'_>]) -> (BatchInfo, u64) {
    let LabelStart::New(mut writer) = store.begin_labels(meta).expect("begin") else {
        panic!("unexpected duplicate batch");
    };
    for (line, &entry) in entries.iter().enumerate() {
        writer.add(&label(entry, line as u64 + 1)).expect("add");
    }
    let summary = BatchSummary { records: entries.len() as u64, ..BatchSummary::default() };
    writer.commit(summary).expect("commit")
}

const TRAILS: &[Entry<'static>] = &[
    ("evil.example", LabelKind::Domain, "zeus"),
    ("198.51.100.0/24", LabelKind::Cidr, "zeus"),
    ("203.0.113.7", LabelKind::Ip, "emotet"),
    ("2001:db8:bad::/48", LabelKind::Cidr, "emotet"),
    ("AS64500", LabelKind::Asn, "bad_asn"),
    ("tk", LabelKind::Suffix, "free_tld"),
    ("com", LabelKind::Domain, "odd"),
    // A repeat of a key within the batch: the first one wins.
    ("evil.example", LabelKind::Domain, "zeus"),
];

fn values(labels: &[nshunt_store::LabelView]) -> Vec<String> {
    labels.iter().map(|l| format!("{} {}", l.kind, l.value)).collect()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn labels_match_on_label_boundaries() {
    let (_dir, _path, mut store) = temp_store();
    let (info, stored) = load(&mut store, meta("maltrail", "h1", DAY1), TRAILS);
    assert_eq!((info.kind.as_str(), info.source.as_deref()), ("labels", Some("maltrail")));
    assert_eq!(stored, 7);

    let found = store.labels_for("www.evil.example", &[], &[], DAY1).unwrap();
    assert_eq!(values(&found), ["domain evil.example"]);
    let first = &found[0];
    assert_eq!(first.category.as_deref(), Some("zeus"));
    assert_eq!(first.line, Some(1), "the first entry of a repeated key wins");
    assert_eq!(first.references, ["https://a.example/1", "https://b.example/2"]);
    assert_eq!((first.first_seen, first.last_seen), (DAY1, DAY1));

    for miss in ["notevil.example", "evil.example.org", "example", "com.evil"] {
        let found = store.labels_for(miss, &[], &[], DAY1).unwrap();
        assert!(found.is_empty(), "{miss}: {:?}", values(&found));
    }
    // A domain label that is a public suffix matches only itself.
    assert!(store.labels_for("x.com", &[], &[], DAY1).unwrap().is_empty());
    assert_eq!(values(&store.labels_for("com", &[], &[], DAY1).unwrap()), ["domain com"]);
    // A suffix label matches strictly below it.
    assert_eq!(values(&store.labels_for("a.b.tk", &[], &[], DAY1).unwrap()), ["suffix tk"]);
    assert!(store.labels_for("tk", &[], &[], DAY1).unwrap().is_empty());
}

#[test]
fn addresses_match_networks_and_asns() {
    let (_dir, _path, mut store) = temp_store();
    load(&mut store, meta("maltrail", "h1", DAY1), TRAILS);

    let ips = [ip("198.51.100.77"), ip("203.0.113.7"), ip("::ffff:203.0.113.7"), ip("192.0.2.1")];
    let found = store.labels_for("", &ips, &[64500, 13335], DAY1).unwrap();
    assert_eq!(values(&found), ["cidr 198.51.100.0/24", "ip 203.0.113.7", "asn AS64500"]);

    let v6 = store.labels_for("", &[ip("2001:db8:bad:1::9")], &[], DAY1).unwrap();
    assert_eq!(values(&v6), ["cidr 2001:db8:bad::/48"]);
    assert!(store.labels_for("", &[ip("2001:db8:bae::1")], &[], DAY1).unwrap().is_empty());
}

#[test]
fn as_of_hides_later_labels_and_batches_merge() {
    let (_dir, path, mut store) = temp_store();
    load(&mut store, meta("maltrail", "h2", DAY2), &TRAILS[..1]);
    // The source has no batch by DAY1: its labels answer, flagged.
    let early = store.labels_for("evil.example", &[], &[], DAY1).unwrap();
    assert!(early.iter().all(|l| l.after_as_of) && !early.is_empty(), "{early:?}");

    // An older batch, loaded later: first_seen moves back, the
    // description stays the newer batch's.
    let older =
        [("evil.example", LabelKind::Domain, "zeus"), ("new.example", LabelKind::Domain, "x")];
    let (_, stored) = load(&mut store, meta("maltrail", "h1", DAY1), &older);
    assert_eq!(stored, 2);
    // Now the source has a batch by DAY1: only what it held then shows.
    let other = [("other.example", LabelKind::Domain, "y")];
    load(&mut store, meta("maltrail", "h1b", DAY2), &other);
    assert!(store.labels_for("other.example", &[], &[], DAY1).unwrap().is_empty());
    assert_eq!(store.labels_for("other.example", &[], &[], DAY2).unwrap().len(), 1);
    let found = store.labels_for("evil.example", &[], &[], DAY3).unwrap();
    assert_eq!((found[0].first_seen, found[0].last_seen), (DAY1, DAY2));

    load(&mut store, meta("maltrail", "h3", DAY3), &TRAILS[..1]);
    let found = store.labels_for("evil.example", &[], &[], DAY3).unwrap();
    assert_eq!((found[0].first_seen, found[0].last_seen), (DAY1, DAY3));

    let rows: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM labels", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 3);
}

#[test]
fn sources_and_categories_are_separate_labels() {
    let (_dir, _path, mut store) = temp_store();
    load(&mut store, meta("maltrail", "h1", DAY1), &TRAILS[..1]);
    load(&mut store, meta("feed", "h2", DAY1), &[("evil.example", LabelKind::Domain, "zeus")]);
    load(&mut store, meta("feed", "h3", DAY1), &[("evil.example", LabelKind::Domain, "other")]);

    let found = store.labels_for("evil.example", &[], &[], DAY1).unwrap();
    let keys: Vec<_> = found
        .iter()
        .map(|l| format!("{} {}", l.source, l.category.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(keys, ["feed other", "feed zeus", "maltrail zeus"]);

    let info = store.info().unwrap();
    assert_eq!(info.labels, 3);
    let counts: Vec<_> = info
        .label_sources
        .iter()
        .map(|s| format!("{} {} {}", s.source, s.list, s.labels))
        .collect();
    assert_eq!(counts, ["feed block 2", "maltrail block 1"]);
}

#[test]
fn a_duplicate_is_a_no_op_and_a_dropped_writer_rolls_back() {
    let (_dir, _path, mut store) = temp_store();
    load(&mut store, meta("maltrail", "h1", DAY1), TRAILS);
    let before = store.dump_all().unwrap();

    match store.begin_labels(meta("maltrail", "h1", DAY2)).unwrap() {
        LabelStart::Duplicate(info) => assert_eq!(info.observed_at, DAY1),
        LabelStart::New(_) => panic!("same content ingested twice"),
    }
    assert_eq!(store.dump_all().unwrap(), before);

    let LabelStart::New(mut writer) = store.begin_labels(meta("maltrail", "h2", DAY2)).unwrap()
    else {
        panic!("new content taken for a duplicate");
    };
    writer.add(&label(("other.example", LabelKind::Domain, "zeus"), 1)).unwrap();
    drop(writer);
    assert_eq!(store.dump_all().unwrap(), before);
}

#[test]
fn label_batches_need_their_kind_and_source() {
    let (_dir, _path, mut store) = temp_store();
    let no_source = BatchMeta::input(SOURCE_LABELS, None, "f", "h", DAY1);
    let wrong_kind = BatchMeta::input("pdns", Some("x"), "f", "h", DAY1);
    for meta in [no_source, wrong_kind] {
        let error = store.begin_labels(meta).unwrap_err();
        assert!(matches!(error, StoreError::InvalidBatch { .. }), "{error}");
    }
    let too_long = format!("{}.example", "x".repeat(64));
    let error = store.labels_for(&too_long, &[], &[], DAY1).unwrap_err();
    assert!(matches!(error, StoreError::BadName { .. }), "{error}");
}

/// More labels than one multi-row statement holds, loaded twice: the
/// second (older) batch merges into every row, whole statements and
/// the rest alike.
#[test]
fn large_batches_merge_row_by_row() {
    let (_dir, path, mut store) = temp_store();
    let names: Vec<String> = (0..300).map(|i| format!("n{i}.example")).collect();
    let entries: Vec<Entry<'_>> =
        names.iter().map(|n| (n.as_str(), LabelKind::Domain, "zeus")).collect();

    let (_, stored) = load(&mut store, meta("maltrail", "h2", DAY2), &entries);
    assert_eq!(stored, 300);
    // Reversed: each label gets another line than in the newer batch.
    let older: Vec<Entry<'_>> = entries[..290].iter().rev().copied().collect();
    let (_, stored) = load(&mut store, meta("maltrail", "h1", DAY1), &older);
    assert_eq!(stored, 290);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let spans: Vec<(i64, i64, i64)> = conn
        .prepare("SELECT first_seen, last_seen, count(*) FROM labels GROUP BY 1, 2 ORDER BY 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(spans, [(DAY1, DAY2, 290), (DAY2, DAY2, 10)]);

    let found = store.labels_for("www.n7.example", &[], &[], DAY3).unwrap();
    assert_eq!(found[0].line, Some(8), "the newer batch's description stays");
}

/// Addresses listed in their IPv4-mapped form match the IPv4 address,
/// as networks of the mapped width do.
#[test]
fn mapped_addresses_match_their_ipv4_form() {
    let (_dir, _path, mut store) = temp_store();
    let mapped = [
        ("::ffff:203.0.113.9", LabelKind::Ip, "x"),
        ("::ffff:198.51.100.0/120", LabelKind::Cidr, "y"),
    ];
    load(&mut store, meta("feed", "h1", DAY1), &mapped);

    let found = store.labels_for("", &[ip("203.0.113.9"), ip("198.51.100.1")], &[], DAY1).unwrap();
    assert_eq!(values(&found), ["ip ::ffff:203.0.113.9", "cidr ::ffff:198.51.100.0/120"]);
}
