//! The batch ledger and the merge rule.

mod common;

use common::{DAY1, DAY2, DAY3, rows_of, temp_store, zone};
use nshunt_store::{BatchMeta, BatchStart, BatchSummary, NewObservation, SOURCE_PDNS, StoreError};

const NS: u16 = 2;

fn ns_line(name: &str) -> NewObservation<'_> {
    NewObservation {
        name,
        rrtype: NS,
        rdata: "ns1.example.net",
        ttl: Some(172800),
        ns_domain: Some("example.net"),
        delegation: true,
        seen: None,
    }
}

#[test]
fn same_content_hash_is_a_duplicate_and_changes_nothing() {
    let (_dir, _path, mut store) = temp_store();
    let first = zone(&mut store, "com", DAY1, &[("a.com", "NS", "ns1.example.net", 172800)]);
    let before = store.dump_all().unwrap();

    let meta = BatchMeta::zone_file("com", "renamed.zone", &first.content_hash, DAY2);
    let BatchStart::Duplicate(info) = store.begin_batch(meta).unwrap() else {
        panic!("expected a duplicate");
    };

    assert_eq!(info, first);
    assert_eq!(store.dump_all().unwrap(), before);
}

#[test]
fn ledger_row_holds_the_summary() {
    let (_dir, _path, mut store) = temp_store();
    let meta = BatchMeta::zone_file("com", "com.zone.gz", "hash-1", DAY1);
    let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };
    writer.add(&ns_line("a.com")).unwrap();
    writer.add(&ns_line("a.com")).unwrap();
    assert_eq!(writer.added(), 2);

    let summary = BatchSummary { records: 3, skipped: 1, bytes: 4096, observed_at: None };
    let info = writer.commit(summary).unwrap();

    assert_eq!((info.kind.as_str(), info.zone.as_deref()), ("zone", Some("com")));
    assert_eq!((info.file_name.as_str(), info.content_hash.as_str()), ("com.zone.gz", "hash-1"));
    assert_eq!((info.observed_at, info.records, info.skipped, info.bytes), (DAY1, 3, 1, 4096));
    assert!(info.ingested_at > 0);
    assert_eq!(store.batches().unwrap(), vec![info.clone()]);
    assert_eq!(store.find_batch("hash-1").unwrap(), Some(info));
}

#[test]
fn merge_rule_across_three_snapshots() {
    let (_dir, path, mut store) = temp_store();
    let keep = ("keep.com", "NS", "ns1.example.net", 172800);
    let gone = ("gone.com", "NS", "ns1.example.net", 172800);

    zone(&mut store, "com", DAY1, &[keep, gone]);
    zone(&mut store, "com", DAY2, &[keep, gone]);
    zone(&mut store, "com", DAY3, &[keep]);

    assert_eq!(rows_of(&path, "keep.com", "NS"), vec![(172800, 3, DAY1, DAY3)]);
    assert_eq!(rows_of(&path, "gone.com", "NS"), vec![(172800, 2, DAY1, DAY2)]);
}

#[test]
fn a_line_repeated_within_a_batch_counts_once() {
    let (_dir, path, mut store) = temp_store();
    let line = ("a.com", "NS", "ns1.example.net", 172800);

    zone(&mut store, "com", DAY1, &[line, line, line]);
    zone(&mut store, "com", DAY2, &[line, line]);

    assert_eq!(rows_of(&path, "a.com", "NS"), vec![(172800, 2, DAY1, DAY2)]);
}

#[test]
fn a_ttl_change_is_a_new_row() {
    let (_dir, path, mut store) = temp_store();

    zone(&mut store, "com", DAY1, &[("a.com", "NS", "ns1.example.net", 172800)]);
    zone(&mut store, "com", DAY2, &[("a.com", "NS", "ns1.example.net", 3600)]);
    zone(&mut store, "com", DAY3, &[("a.com", "NS", "ns1.example.net", 3600)]);

    let rows = rows_of(&path, "a.com", "NS");
    assert_eq!(rows, vec![(3600, 2, DAY2, DAY3), (172800, 1, DAY1, DAY1)]);
}

#[test]
fn an_older_snapshot_ingested_late_extends_first_seen() {
    let (_dir, path, mut store) = temp_store();
    let line = ("a.com", "NS", "ns1.example.net", 172800);

    zone(&mut store, "com", DAY2, &[line]);
    zone(&mut store, "com", DAY1, &[line]);

    assert_eq!(rows_of(&path, "a.com", "NS"), vec![(172800, 2, DAY1, DAY2)]);
    assert_eq!(store.default_as_of().unwrap(), Some(DAY2));
}

#[test]
fn the_same_record_from_two_sources_or_zones_is_two_rows() {
    let (_dir, path, mut store) = temp_store();
    let line = ("a.com", "NS", "ns1.example.net", 172800);

    zone(&mut store, "com", DAY1, &[line]);
    zone(&mut store, "com.example", DAY1, &[line]);
    common::pdns(&mut store, DAY1, &[line]);
    common::pdns(&mut store, DAY2, &[line]);

    let rows = rows_of(&path, "a.com", "NS");
    assert_eq!(
        rows,
        vec![(172800, 1, DAY1, DAY1), (172800, 1, DAY1, DAY1), (172800, 2, DAY1, DAY2)]
    );
}

#[test]
fn dropping_a_writer_rolls_the_batch_back() {
    let (_dir, _path, mut store) = temp_store();
    zone(&mut store, "com", DAY1, &[("a.com", "NS", "ns1.example.net", 172800)]);
    let before = store.dump_all().unwrap();

    let meta = BatchMeta::zone_file("com", "com.zone", "hash-2", DAY2);
    let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };
    writer.add(&ns_line("a.com")).unwrap();
    writer.add(&ns_line("b.com")).unwrap();
    drop(writer);

    assert_eq!(store.dump_all().unwrap(), before);
    assert_eq!(store.find_batch("hash-2").unwrap(), None);
    zone(&mut store, "com", DAY2, &[("b.com", "NS", "ns1.example.net", 172800)]);
}

#[test]
fn invalid_batches_are_refused_before_anything_is_written() {
    let (_dir, _path, mut store) = temp_store();
    let mut no_zone = BatchMeta::zone_file("com", "com.zone", "h", DAY1);
    no_zone.zone = None;
    let pdns_with_zone = BatchMeta {
        kind: SOURCE_PDNS.to_owned(),
        zone: Some("com".to_owned()),
        source: None,
        file_name: "p.jsonl".to_owned(),
        content_hash: "h".to_owned(),
        observed_at: DAY1,
    };
    let mut bad_kind = pdns_with_zone.clone();
    bad_kind.kind = "Passive DNS".to_owned();
    bad_kind.zone = None;

    for meta in [no_zone, pdns_with_zone, bad_kind] {
        let err = store.begin_batch(meta).unwrap_err();
        assert!(matches!(err, StoreError::InvalidBatch { .. }), "{err}");
    }
    assert!(store.batches().unwrap().is_empty());
}

#[test]
fn readers_see_a_batch_only_once_committed() {
    let (_dir, path, mut store) = temp_store();
    zone(&mut store, "com", DAY1, &[("a.com", "NS", "ns1.example.net", 172800)]);
    let reader = nshunt_store::SqliteStore::open_read_only(&path).unwrap();
    let before = reader.dump_all().unwrap();

    let meta = BatchMeta::zone_file("com", "com.zone", "hash-3", DAY2);
    let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };
    writer.add(&ns_line("b.com")).unwrap();
    assert_eq!(reader.dump_all().unwrap(), before, "nothing visible mid-batch");
    writer.commit(BatchSummary::default()).unwrap();

    assert_eq!(rows_of(&path, "b.com", "NS"), vec![(172800, 1, DAY2, DAY2)]);
    assert_eq!(reader.default_as_of().unwrap(), Some(DAY2));
}
