//! Helpers shared by the store's tests: temporary stores and batches
//! written from `(name, type, rdata, ttl)` tuples.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::path::{Path, PathBuf};

use nshunt_model::{DomainName, RrType, Section, psl};
use nshunt_store::{
    BatchInfo, BatchMeta, BatchStart, BatchSummary, NewObservation, SOURCE_PDNS, SqliteStore,
};

/// 2025-12-01 00:00 UTC.
pub const DAY1: i64 = 1_764_547_200;
/// One day later.
pub const DAY2: i64 = DAY1 + 86_400;
/// Two days later.
pub const DAY3: i64 = DAY1 + 2 * 86_400;

/// One record: owner, type mnemonic, rdata, ttl.
pub type Line<'a> = (&'a str, &'a str, &'a str, u32);

/// A store in a fresh temporary folder (kept alive by the guard).
pub fn temp_store() -> (tempfile::TempDir, PathBuf, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/store.db");
    let store = SqliteStore::open(&path).expect("open store");
    (dir, path, store)
}

/// The registered domain of an NS target, as the ingest computes it.
pub fn ns_domain(target: &str) -> Option<String> {
    let name = DomainName::parse(target).expect("valid target");
    psl::embedded().registered_domain(&name, Section::Icann).map(|d| d.as_str().to_owned())
}

/// Ingests one zone snapshot; NS records below the origin are
/// delegations. Panics on a duplicate.
pub fn zone(store: &mut SqliteStore, origin: &str, at: i64, lines: &[Line<'_>]) -> BatchInfo {
    let hash = format!("{origin}@{at}:{lines:?}");
    let meta = BatchMeta::zone_file(origin, &format!("{origin}.zone"), &hash, at);
    write(store, meta, lines, |name| name != origin)
}

/// Ingests one passive-DNS batch (no delegations).
pub fn pdns(store: &mut SqliteStore, at: i64, lines: &[Line<'_>]) -> BatchInfo {
    let meta = BatchMeta {
        kind: SOURCE_PDNS.to_owned(),
        zone: None,
        source: None,
        file_name: "pdns.jsonl".to_owned(),
        content_hash: format!("pdns@{at}:{lines:?}"),
        observed_at: at,
    };
    write(store, meta, lines, |_| false)
}

fn write(
    store: &mut SqliteStore,
    meta: BatchMeta,
    lines: &[Line<'_>],
    is_delegation: impl Fn(&str) -> bool,
) -> BatchInfo {
    let BatchStart::New(mut writer) = store.begin_batch(meta).expect("begin") else {
        panic!("unexpected duplicate batch");
    };

    for &(name, mnemonic, rdata, ttl) in lines {
        let rrtype = RrType::from_mnemonic(mnemonic).expect("known type");
        let is_ns = rrtype == RrType::NS;
        let ns = if is_ns { ns_domain(rdata) } else { None };
        let obs = NewObservation {
            name,
            rrtype: rrtype.0,
            rdata,
            ttl: Some(ttl),
            ns_domain: ns.as_deref(),
            delegation: is_ns && is_delegation(name),
            seen: None,
        };
        writer.add(&obs).expect("add");
    }

    let summary =
        BatchSummary { records: lines.len() as u64, skipped: 0, bytes: 100, observed_at: None };
    writer.commit(summary).expect("commit")
}

/// `(ttl, count, first_seen, last_seen)` of every row of `name` and
/// `rrtype`, read through a separate connection.
pub fn rows_of(path: &Path, name: &str, rrtype: &str) -> Vec<(u32, u64, i64, i64)> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let wanted = RrType::from_mnemonic(rrtype).expect("type").0;
    let sql = "SELECT ttl, count, first_seen, last_seen FROM observations \
               WHERE name = ?1 AND rrtype = ?2 ORDER BY ttl, first_seen";

    let mut stmt = conn.prepare(sql).expect("prepare");
    let rows = stmt
        .query_map(rusqlite::params![name, wanted], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .expect("query");
    let mut rows: Vec<_> = rows.map(|r| r.expect("row")).collect();
    rows.sort();
    rows
}
