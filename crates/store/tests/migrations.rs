//! Opening stores: fresh, reopened, too new, read-only.

mod common;

use common::{DAY1, temp_store, zone};
use nshunt_store::{BatchMeta, SCHEMA_VERSION, SqliteStore, StoreError};

#[test]
fn fresh_store_is_migrated_to_the_current_version() {
    let (_dir, path, store) = temp_store();

    assert!(path.exists(), "the parent folder and the file are created");
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page, 16384);
}

#[test]
fn reopened_store_keeps_its_data_and_version() {
    let (_dir, path, mut store) = temp_store();
    zone(&mut store, "com", DAY1, &[("example.com", "NS", "ns1.example.net", 172800)]);
    let before = store.dump_all().unwrap();
    drop(store);

    let store = SqliteStore::open(&path).unwrap();

    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.dump_all().unwrap(), before);
}

#[test]
fn store_from_a_newer_nshunt_is_refused() {
    let (_dir, path, store) = temp_store();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    drop(conn);

    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
    assert!(err.to_string().contains("upgrade nshunt"), "{err}");

    let err = SqliteStore::open_read_only(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
}

#[test]
fn read_only_open_needs_an_existing_migrated_store() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let err = SqliteStore::open_read_only(&missing).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert!(!missing.exists(), "a read-only open creates nothing");

    let blank = dir.path().join("blank.db");
    rusqlite::Connection::open(&blank).unwrap();
    let err = SqliteStore::open_read_only(&blank).unwrap_err();
    assert!(matches!(err, StoreError::NeedsMigration { found: 0, .. }), "{err}");
}

#[test]
fn read_only_store_reads_but_cannot_write() {
    let (_dir, path, mut store) = temp_store();
    zone(&mut store, "com", DAY1, &[("example.com", "NS", "ns1.example.net", 172800)]);

    let mut reader = SqliteStore::open_read_only(&path).unwrap();

    assert_eq!(reader.default_as_of().unwrap(), Some(DAY1));
    let meta = BatchMeta::zone_file("com", "com.zone", "other", DAY1);
    assert!(reader.begin_batch(meta).is_err());
    assert_eq!(reader.dump_all().unwrap(), store.dump_all().unwrap());
}

#[test]
fn a_blank_sqlite_file_is_migrated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    rusqlite::Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 0").unwrap();

    let store = SqliteStore::open(&path).unwrap();

    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn someone_elses_database_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("theirs.db");
    rusqlite::Connection::open(&path).unwrap().execute_batch("CREATE TABLE keep (x)").unwrap();
    let before = std::fs::read(&path).unwrap();

    let error = SqliteStore::open(&path).unwrap_err();

    assert!(matches!(error, StoreError::NotAStore { .. }), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn someone_elses_versioned_database_is_left_alone() {
    let cases = [
        ("3", "CREATE TABLE customers (x)"),
        ("-1", "CREATE TABLE customers (x)"),
        ("3", "CREATE TABLE batches (id, total); CREATE TABLE observations (x)"),
    ];
    for (version, tables) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theirs.db");
        let sql = format!("{tables}; PRAGMA user_version = {version}");
        rusqlite::Connection::open(&path).unwrap().execute_batch(&sql).unwrap();
        let before = std::fs::read(&path).unwrap();

        for error in
            [SqliteStore::open(&path).unwrap_err(), SqliteStore::open_read_only(&path).unwrap_err()]
        {
            assert!(matches!(error, StoreError::NotAStore { .. }), "{version}: {error}");
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "{version}");
    }
}

#[test]
fn special_sqlite_names_are_not_store_paths() {
    for name in [":memory:", "file:x.db?mode=memory", ""] {
        let error = SqliteStore::open(std::path::Path::new(name)).unwrap_err();
        assert!(matches!(error, StoreError::SpecialPath { .. }), "{name}: {error}");
    }
}

#[test]
fn a_file_that_is_not_a_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "this is not a database, just some text in a file\n".repeat(100))
        .unwrap();

    let err = SqliteStore::open(&path).unwrap_err();

    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    assert!(err.to_string().contains("notes.txt"), "{err}");
}

/// The schema of version 1, as nshunt wrote it before the enrichment
/// sources: a store from then must migrate with its data.
const V1_SCHEMA: &str = "
CREATE TABLE batches (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, zone TEXT,
    file_name TEXT NOT NULL, content_hash TEXT NOT NULL UNIQUE, observed_at INTEGER NOT NULL,
    ingested_at INTEGER NOT NULL, records INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0) STRICT;
CREATE INDEX batches_by_zone ON batches (kind, zone, observed_at);
CREATE TABLE observations (id INTEGER PRIMARY KEY, source TEXT NOT NULL, zone TEXT,
    name TEXT NOT NULL, rrtype INTEGER NOT NULL, rdata TEXT NOT NULL, ttl INTEGER NOT NULL,
    first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, count INTEGER NOT NULL,
    ns_domain TEXT, delegation INTEGER NOT NULL DEFAULT 0, last_batch INTEGER NOT NULL) STRICT;
CREATE UNIQUE INDEX observations_key
    ON observations (name, rrtype, rdata, ttl, source, ifnull(zone, ''));
CREATE INDEX observations_delegations ON observations (ns_domain, name) WHERE delegation = 1;
INSERT INTO batches VALUES (1, 'zone', 'example', 'example.zone', 'h1', 1700000000, 1700000001, 3, 0, 99);
INSERT INTO observations VALUES
    (1, 'zone', 'example', 'shop.example', 2, 'ns1.hoster.net', 172800, 1700000000, 1700000000, 1, 'hoster.net', 1, 1),
    (2, 'zone', 'example', 'shop.example', 1, '192.0.2.7', 3600, 1700000000, 1700000000, 1, NULL, 0, 1),
    (3, 'zone', 'example', '7.2.0.192.in-addr.arpa', 12, '192-0-2-7.static.hoster.net.', 3600, 1700000000, 1700000000, 1, NULL, 0, 1);
PRAGMA user_version = 1;
";

#[test]
fn a_version_1_store_migrates_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    rusqlite::Connection::open(&path).unwrap().execute_batch(V1_SCHEMA).unwrap();

    let store = SqliteStore::open(&path).unwrap();

    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let view = store.domain_view("shop.example", 1_700_000_000).unwrap().unwrap();
    assert_eq!(view.nameservers, ["ns1.hoster.net"]);
    let address = &view.addresses[0];
    assert_eq!(address.ip.to_string(), "192.0.2.7", "the address column is back-filled");
    assert_eq!(address.ptr[0].pattern.as_deref(), Some("*.static.hoster.net"));
    let ip_view = store.ip_view("192.0.2.7".parse().unwrap(), 1_700_000_000, 10).unwrap();
    assert_eq!(ip_view.names[0].name, "shop.example");
}

#[test]
fn a_version_4_store_migrates_to_an_empty_brand_catalogue() {
    let (_dir, path, mut store) = temp_store();
    zone(&mut store, "com", DAY1, &[("example.com", "NS", "ns1.example.net", 172800)]);
    drop(store);
    // Version 5 only adds the catalogue table and the scores' brand
    // column: without them, and marked 4, the file is a version 4 store.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE brand_catalogue; ALTER TABLE domain_scores DROP COLUMN brand;
         PRAGMA user_version = 4;",
    )
    .unwrap();
    drop(conn);
    let err = SqliteStore::open_read_only(&path).unwrap_err();
    assert!(matches!(err, StoreError::NeedsMigration { found: 4, .. }), "{err}");

    let store = SqliteStore::open(&path).unwrap();

    assert_eq!(store.schema_version().unwrap(), 5);
    assert_eq!(store.brand_catalogue().unwrap(), None);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(conn.prepare("SELECT brand FROM domain_scores").is_ok(), "the brand column is added");
    let view = store.domain_view("example.com", DAY1).unwrap().unwrap();
    assert_eq!(view.nameservers, ["ns1.example.net"], "the data is kept");
}
