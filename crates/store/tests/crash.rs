//! A process killed (SIGKILL) in the middle of a batch leaves the store
//! exactly as it was before the batch.
//!
//! The test runs this same test binary again as a child, which opens
//! the store, writes more than one buffer's worth of observations into
//! a batch, signals the parent through a marker file and waits to be
//! killed.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{DAY1, DAY2, temp_store, zone};
use nshunt_store::{BatchMeta, BatchStart, NewObservation, SqliteStore};

/// Set in the child's environment: the store path.
const CHILD_STORE: &str = "NSHUNT_STORE_CRASH_STORE";

/// Set in the child's environment: the file it creates mid-batch.
const CHILD_MARKER: &str = "NSHUNT_STORE_CRASH_MARKER";

/// The content hash of the batch the child never commits.
const KILLED_HASH: &str = "killed-batch";

/// More than one buffer (2^19), so the child has written into SQLite.
const CHILD_ROWS: usize = (1 << 19) + 10_000;

#[test]
fn killed_mid_batch_leaves_the_store_as_before() {
    let (dir, path, mut store) = temp_store();
    zone(&mut store, "com", DAY1, &[("a.com", "NS", "ns1.example.net", 172800)]);
    let before = store.dump_all().unwrap();
    drop(store);

    let marker = dir.path().join("child-is-mid-batch");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_STORE, &path)
        .env(CHILD_MARKER, &marker)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&marker, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();

    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.dump_all().unwrap(), before);
    let check: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let meta = BatchMeta::zone_file("com", "com.zone", KILLED_HASH, DAY2);
    assert!(matches!(store.begin_batch(meta).unwrap(), BatchStart::New(_)));
}

/// Waits until the child has created `marker` (or fails if it exits).
fn wait_for(marker: &Path, child: &mut std::process::Child) {
    let start = Instant::now();
    while !marker.exists() {
        assert!(child.try_wait().unwrap().is_none(), "the child exited early");
        assert!(start.elapsed() < Duration::from_secs(300), "the child took too long");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The child's side; does nothing unless started by the test above.
#[test]
fn crash_child() {
    let (Some(path), Some(marker)) =
        (std::env::var_os(CHILD_STORE), std::env::var_os(CHILD_MARKER))
    else {
        return;
    };
    let mut store = SqliteStore::open(Path::new(&path)).unwrap();

    let meta = BatchMeta::zone_file("com", "com.zone", KILLED_HASH, DAY2);
    let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };
    for i in 0..CHILD_ROWS {
        let name = format!("d{i}.com");
        let obs = NewObservation {
            name: &name,
            rrtype: 2,
            rdata: "ns1.example.net",
            ttl: Some(172800),
            ns_domain: Some("example.net"),
            delegation: true,
            seen: None,
        };
        writer.add(&obs).unwrap();
    }

    std::fs::write(marker, "").unwrap();
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}
