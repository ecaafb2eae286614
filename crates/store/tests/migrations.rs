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
