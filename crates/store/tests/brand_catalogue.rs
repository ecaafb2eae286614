//! The stored brand catalogue: set, replace, read, remove, and what it
//! does to the staleness of scores.

mod common;

use common::temp_store;
use nshunt_store::{SqliteStore, StoredCatalogue};

fn catalogue(text: &str, at: i64) -> StoredCatalogue {
    StoredCatalogue {
        file_name: "mine.tsv".into(),
        text: text.into(),
        brands: 1,
        skipped: 2,
        imported_at: at,
    }
}

#[test]
fn a_catalogue_is_stored_replaced_and_removed() {
    let (_dir, path, mut store) = temp_store();
    assert_eq!(store.brand_catalogue().unwrap(), None);
    assert!(!store.remove_brand_catalogue(10).unwrap(), "nothing to remove");

    let first = catalogue("acme\tAcme\ttechnology\tacmecorp\tacmecorp.example\n", 100);
    assert!(!store.set_brand_catalogue(&first).unwrap());
    assert_eq!(store.brand_catalogue().unwrap(), Some(first));

    let second = catalogue("zorblax\tZorblax\tretail\tzorblax\tzorblax.example\n", 200);
    assert!(store.set_brand_catalogue(&second).unwrap(), "replaces the first");
    drop(store);
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.brand_catalogue().unwrap(), Some(second), "kept across opens");

    assert!(store.remove_brand_catalogue(300).unwrap());
    assert_eq!(store.brand_catalogue().unwrap(), None);
    assert!(!store.remove_brand_catalogue(400).unwrap());
}

#[test]
fn a_catalogue_change_makes_older_scores_stale() {
    let (_dir, _path, mut store) = temp_store();
    assert!(!store.scores_are_stale().unwrap(), "nothing stored, nothing stale");

    store.set_brand_catalogue(&catalogue("a\tA\tbank\taaaaa\t\n", i64::MAX / 2)).unwrap();
    assert!(store.scores_are_stale().unwrap(), "never scored since the import");

    store.remove_brand_catalogue(i64::MAX / 2 + 1).unwrap();
    assert!(store.scores_are_stale().unwrap(), "nor since the removal");
}

#[test]
fn the_generation_follows_batches_and_the_catalogue() {
    let (dir, path, mut store) = temp_store();
    let empty = store.generation().unwrap();
    assert_eq!(store.generation().unwrap(), empty, "stable while nothing changes");

    store.set_brand_catalogue(&catalogue("a\tA\tbank\taaaaa\t\n", 100)).unwrap();
    let imported = store.generation().unwrap();
    assert_ne!(imported, empty);
    store.set_brand_catalogue(&catalogue("b\tB\tbank\tbbbbb\t\n", 100)).unwrap();
    let replaced = store.generation().unwrap();
    assert_ne!(replaced, imported, "another catalogue in the same second");
    store.remove_brand_catalogue(100).unwrap();
    assert_ne!(store.generation().unwrap(), replaced);

    // Two copies of one store that each take a different batch have
    // the same newest batch id but different generations.
    drop(store);
    let copy = dir.path().join("copy.sqlite");
    std::fs::copy(&path, &copy).unwrap();
    let labels = |store_path: &std::path::Path, hash: &str| {
        let mut store = SqliteStore::open(store_path).unwrap();
        let meta = nshunt_store::BatchMeta::input("labels", Some("t"), "f", hash, 1_000);
        {
            let nshunt_store::LabelStart::New(writer) = store.begin_labels(meta).unwrap() else {
                panic!("a new batch")
            };
            let summary =
                nshunt_store::BatchSummary { records: 0, skipped: 0, bytes: 0, observed_at: None };
            writer.commit(summary).unwrap();
        }
        (store.newest_batch_id().unwrap(), store.generation().unwrap())
    };
    let (first_id, first) = labels(&path, "one");
    let (second_id, second) = labels(&copy, "two");
    assert_eq!(first_id, second_id);
    assert_ne!(first, second);

    // Two stores made from different files that end with the same batch
    // (a store deleted and made anew beside its old index) differ too.
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    labels(&a, "earlier-a");
    labels(&b, "earlier-b");
    let (a_id, a_generation) = labels(&a, "last");
    let (b_id, b_generation) = labels(&b, "last");
    assert_eq!(a_id, b_id);
    assert_ne!(a_generation, b_generation);
}
