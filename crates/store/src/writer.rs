//! The batch writer: one transaction, one prepared upsert, observations
//! written in key order.

use std::path::Path;

use rusqlite::{Connection, Statement};
use tracing::debug;

use crate::address::{address_column, pattern_column};
use crate::batch::{BatchInfo, BatchMeta, BatchSummary, NewObservation};
use crate::error::StoreError;
use crate::pending::Pending;
use crate::sqlite::{SqliteStore, sql_error};

/// Adds one batch's observations inside one transaction.
///
/// Nothing is visible to readers until [`BatchWriter::commit`];
/// dropping the writer without committing rolls everything back, and
/// so does a process killed mid-batch.
///
/// Observations are buffered (up to about half a million, or 48 MiB of
/// text), sorted by key and then written: the indexes are then filled
/// in order whatever the input order, which keeps inserts fast. An
/// error from writing therefore surfaces at the [`add`](Self::add) that
/// fills the buffer, or at [`commit`](Self::commit).
#[derive(Debug)]
#[must_use = "a batch is rolled back unless committed"]
pub struct BatchWriter<'a> {
    pub(crate) store: &'a SqliteStore,
    upsert: Statement<'a>,
    /// The insert of ASN segments, prepared on first use.
    pub(crate) segment_insert: Option<Statement<'a>>,
    pending: Pending,
    id: i64,
    added: u64,
    finished: bool,
}

/// The merge rule: a new key inserts a row; a known key widens first
/// and last seen and adds its sightings. A snapshot (no per-record
/// sightings: `?15` is 0) counts one sighting per batch, so the same
/// key again in the same batch changes nothing (`last_batch`); records
/// that carry their own sightings (passive DNS) add their counts.
const UPSERT: &str = "
INSERT INTO observations
    (name, rrtype, rdata, ttl, ns_domain, delegation,
     source, zone, first_seen, last_seen, count, last_batch, ip, ptr_pattern)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
        coalesce(?11, ?9), coalesce(?12, ?9), coalesce(?13, 1), ?10, ?14, ?16)
ON CONFLICT DO UPDATE SET
    first_seen = min(first_seen, excluded.first_seen),
    last_seen = max(last_seen, excluded.last_seen),
    count = count + excluded.count,
    last_batch = excluded.last_batch
WHERE last_batch <> excluded.last_batch OR ?15";

impl<'a> BatchWriter<'a> {
    /// Prepares the upsert with the batch's constant parameters bound.
    /// The caller has begun the transaction.
    pub(crate) fn new(
        store: &'a SqliteStore,
        id: i64,
        meta: &BatchMeta,
    ) -> Result<Self, StoreError> {
        let mut upsert = store.conn.prepare(UPSERT).map_err(store.sql("prepare the upsert"))?;
        bind_constants(&mut upsert, meta, id).map_err(store.sql("prepare the upsert"))?;

        let pending = Pending::default();
        Ok(BatchWriter {
            store,
            upsert,
            segment_insert: None,
            pending,
            id,
            added: 0,
            finished: false,
        })
    }

    /// The batch's id in the ledger.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// How many observations were added so far (repeats included).
    pub fn added(&self) -> u64 {
        self.added
    }

    /// Adds one observation under the merge rule.
    pub fn add(&mut self, obs: &NewObservation<'_>) -> Result<(), StoreError> {
        self.pending.push(obs);
        self.added += 1;

        if self.pending.is_full() {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the rest, records the summary in the ledger and commits.
    pub fn commit(mut self, summary: BatchSummary) -> Result<BatchInfo, StoreError> {
        self.flush()?;

        let info = self.store.finish_batch(self.id, summary)?;
        self.store.conn.execute_batch("COMMIT").map_err(self.store.sql("commit a batch"))?;

        self.finished = true;
        debug!(
            batch = self.id,
            observations = self.added,
            records = info.records,
            "batch committed"
        );
        Ok(info)
    }

    /// Writes the buffered observations in key order.
    fn flush(&mut self) -> Result<(), StoreError> {
        let upsert = &mut self.upsert;
        let written = self.pending.drain_sorted(|obs| {
            bind(upsert, obs)?;
            upsert.raw_execute().map(drop)
        });

        let written = written.map_err(self.store.sql("add an observation"))?;
        debug!(batch = self.id, written, "observations written");
        Ok(())
    }
}

impl Drop for BatchWriter<'_> {
    fn drop(&mut self) {
        if !self.finished {
            rollback(&self.store.conn, &self.store.path);
            debug!(batch = self.id, observations = self.added, "batch rolled back");
        }
    }
}

/// Binds source, zone, observed_at and the batch id, which stay bound
/// across executions.
fn bind_constants(upsert: &mut Statement<'_>, meta: &BatchMeta, id: i64) -> rusqlite::Result<()> {
    upsert.raw_bind_parameter(7, &meta.kind)?;
    upsert.raw_bind_parameter(8, &meta.zone)?;
    upsert.raw_bind_parameter(9, meta.observed_at)?;
    upsert.raw_bind_parameter(10, id)
}

/// Binds the per-observation parameters, and the columns derived from
/// the data (address, PTR pattern).
fn bind(upsert: &mut Statement<'_>, obs: &NewObservation<'_>) -> rusqlite::Result<()> {
    upsert.raw_bind_parameter(1, obs.name)?;
    upsert.raw_bind_parameter(2, obs.rrtype)?;
    upsert.raw_bind_parameter(3, obs.rdata)?;
    upsert.raw_bind_parameter(4, obs.ttl)?;
    upsert.raw_bind_parameter(5, obs.ns_domain)?;
    upsert.raw_bind_parameter(6, obs.delegation)?;

    let seen = obs.seen;
    upsert.raw_bind_parameter(11, seen.map(|s| s.first))?;
    upsert.raw_bind_parameter(12, seen.map(|s| s.last))?;
    upsert
        .raw_bind_parameter(13, seen.map(|s| i64::try_from(s.count.max(1)).unwrap_or(i64::MAX)))?;
    upsert.raw_bind_parameter(15, seen.is_some())?;

    upsert.raw_bind_parameter(14, address_column(obs.rrtype, obs.rdata).map(Vec::from))?;
    upsert.raw_bind_parameter(16, pattern_column(obs.rrtype, obs.rdata))
}

/// Rolls back the open transaction, if any. A failure here leaves
/// nothing to undo: SQLite rolls back by itself when a transaction
/// cannot go on, and a connection closed mid-transaction rolls back.
pub(crate) fn rollback(conn: &Connection, path: &Path) {
    if conn.is_autocommit() {
        return;
    }

    if let Err(source) = conn.execute_batch("ROLLBACK") {
        let error = sql_error(path, "roll back a batch")(source);
        debug!(%error, "rollback failed");
    }
}
