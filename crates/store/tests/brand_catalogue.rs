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
