//! The outcomes of active collection: one row per query, so that a
//! failure is remembered as "unknown" (and retried) rather than read as
//! a negative answer, and freshness can be decided per domain.

use rusqlite::params;
use serde::Serialize;

use crate::error::StoreError;
use crate::sqlite::SqliteStore;
use crate::writer::BatchWriter;

/// Every outcome a query can have, as stored. The first three are
/// answers (positive or negative); the others are failures: what was
/// asked stays unknown.
pub const OUTCOMES: &[&str] =
    &["answer", "nxdomain", "nodata", "lame", "servfail", "refused", "timeout", "error", "blocked"];

/// Whether `outcome` leaves the question unknown.
pub fn is_failure(outcome: &str) -> bool {
    !matches!(outcome, "answer" | "nxdomain" | "nodata")
}

/// One query's outcome, to add to a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewCollectionResult<'a> {
    /// The domain being collected (freshness is per domain).
    pub domain: &'a str,
    /// The name asked (the domain, or a reverse name for PTR).
    pub name: &'a str,
    /// The type asked.
    pub qtype: u16,
    /// The server asked, `address:port`.
    pub server: &'a str,
    /// One of [`OUTCOMES`].
    pub outcome: &'a str,
    /// How many times it was sent (retries included).
    pub attempts: u32,
    /// When the outcome was known, unix seconds.
    pub observed_at: i64,
}

/// One stored query outcome.
///
/// JSON: `{"batch_id": 3, "domain": "example.test", "name":
/// "example.test", "qtype": 2, "server": "127.0.0.2:53", "outcome":
/// "lame", "attempts": 1, "observed_at": 1767225600}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionResult {
    /// The run batch that asked.
    pub batch_id: i64,
    /// The domain being collected.
    pub domain: String,
    /// The name asked.
    pub name: String,
    /// The type asked.
    pub qtype: u16,
    /// The server asked.
    pub server: String,
    /// One of [`OUTCOMES`].
    pub outcome: String,
    /// How many times it was sent.
    pub attempts: u32,
    /// When, unix seconds.
    pub observed_at: i64,
}

const INSERT: &str = "INSERT OR REPLACE INTO collection_results \
     (batch_id, domain, name, qtype, server, outcome, attempts, observed_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

impl BatchWriter<'_> {
    /// Adds one query outcome to the batch (same transaction as its
    /// observations). The same query twice in a batch keeps the last.
    pub fn add_result(&mut self, result: &NewCollectionResult<'_>) -> Result<(), StoreError> {
        let store = self.store;
        let mut insert = store.conn.prepare_cached(INSERT).map_err(store.sql("add a result"))?;
        let values = params![
            self.id(),
            result.domain,
            result.name,
            result.qtype,
            result.server,
            result.outcome,
            result.attempts,
            result.observed_at
        ];
        insert.execute(values).map(drop).map_err(store.sql("add a result"))
    }
}

impl SqliteStore {
    /// The newest moment `domain` was collected by a run in which none
    /// of its queries failed; `None` when never (failures are retried).
    pub fn last_clean_collection(&self, domain: &str) -> Result<Option<i64>, StoreError> {
        let sql = "SELECT max(observed_at) FROM collection_results r WHERE domain = ?1
                   AND NOT EXISTS (SELECT 1 FROM collection_results f
                       WHERE f.domain = ?1 AND f.batch_id = r.batch_id
                       AND f.outcome NOT IN ('answer', 'nxdomain', 'nodata'))";
        self.row("read collection freshness", sql, [domain], |row| row.get(0))
    }

    /// Every stored query outcome of `domain`, oldest run first.
    pub fn collection_results(&self, domain: &str) -> Result<Vec<CollectionResult>, StoreError> {
        let sql = "SELECT batch_id, domain, name, qtype, server, outcome, attempts, observed_at
                   FROM collection_results WHERE domain = ?1
                   ORDER BY batch_id, name, qtype, server";
        self.rows("read collection results", sql, [domain], |row| {
            Ok(CollectionResult {
                batch_id: row.get(0)?,
                domain: row.get(1)?,
                name: row.get(2)?,
                qtype: row.get(3)?,
                server: row.get(4)?,
                outcome: row.get(5)?,
                attempts: row.get(6)?,
                observed_at: row.get(7)?,
            })
        })
    }

    /// Calls `each` with every delegated name (from any source) that
    /// was never collected or whose newest collection had a failure,
    /// in name order, until it returns false. Streams: memory does not
    /// grow with the store.
    pub fn for_each_uncollected_domain(
        &self,
        mut each: impl FnMut(&str) -> bool,
    ) -> Result<(), StoreError> {
        let sql = "SELECT DISTINCT name FROM observations o WHERE delegation = 1
                   AND NOT EXISTS (SELECT 1 FROM collection_results c
                       WHERE c.domain = o.name
                       AND c.batch_id = (SELECT max(batch_id) FROM collection_results n
                           WHERE n.domain = o.name)
                       AND NOT EXISTS (SELECT 1 FROM collection_results f
                           WHERE f.domain = o.name AND f.batch_id = c.batch_id
                           AND f.outcome NOT IN ('answer', 'nxdomain', 'nodata')))
                   ORDER BY name";
        let what = "list uncollected domains";
        let mut stmt = self.conn.prepare(sql).map_err(self.sql(what))?;
        let mut rows = stmt.query([]).map_err(self.sql(what))?;

        while let Some(row) = rows.next().map_err(self.sql(what))? {
            let name: String = row.get(0).map_err(self.sql(what))?;
            if !each(&name) {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BatchMeta, BatchStart, BatchSummary};

    fn result<'a>(domain: &'a str, outcome: &'a str, at: i64) -> NewCollectionResult<'a> {
        let server = "127.0.0.2:53";
        let (name, qtype, attempts) = (domain, 2, 1);
        NewCollectionResult { domain, name, qtype, server, outcome, attempts, observed_at: at }
    }

    fn run(store: &mut SqliteStore, hash: &str, results: &[NewCollectionResult<'_>]) {
        let meta = BatchMeta::input("active", None, "collect", hash, 100);
        let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };
        for r in results {
            writer.add_result(r).unwrap();
        }
        writer.commit(BatchSummary::default()).unwrap();
    }

    #[test]
    fn freshness_counts_only_runs_without_failures() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
        assert_eq!(store.last_clean_collection("a.test").unwrap(), None);

        run(&mut store, "r1", &[result("a.test", "answer", 10), result("b.test", "timeout", 10)]);
        run(&mut store, "r2", &[result("a.test", "lame", 20), result("b.test", "nxdomain", 20)]);

        assert_eq!(store.last_clean_collection("a.test").unwrap(), Some(10));
        assert_eq!(store.last_clean_collection("b.test").unwrap(), Some(20));
        let history = store.collection_results("a.test").unwrap();
        let outcomes: Vec<&str> = history.iter().map(|r| r.outcome.as_str()).collect();
        assert_eq!(outcomes, ["answer", "lame"]);
    }

    #[test]
    fn uncollected_domains_include_those_whose_newest_run_failed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
        let meta = BatchMeta::input("active", None, "seed", "seed", 1);
        let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };
        for name in ["a.test", "b.test", "c.test", "d.test", "e.test"] {
            writer
                .add(&crate::NewObservation {
                    name,
                    rrtype: 2,
                    rdata: "ns1.host.test",
                    ttl: Some(3600),
                    ns_domain: Some("host.test"),
                    delegation: true,
                    seen: None,
                })
                .unwrap();
        }
        writer.commit(BatchSummary::default()).unwrap();

        let first = [
            result("a.test", "answer", 10),
            result("b.test", "timeout", 10),
            result("c.test", "timeout", 10),
            result("e.test", "answer", 10),
        ];
        run(&mut store, "r1", &first);
        run(&mut store, "r2", &[result("c.test", "answer", 20), result("e.test", "lame", 20)]);

        let mut names = Vec::new();
        let each = |name: &str| {
            names.push(name.to_owned());
            true
        };
        store.for_each_uncollected_domain(each).unwrap();
        assert_eq!(names, ["b.test", "d.test", "e.test"]);
    }

    #[test]
    fn failures_are_failures() {
        assert!(OUTCOMES.iter().filter(|o| is_failure(o)).count() == 6);
    }
}
