//! The label writer: one transaction, labels written in key order.

use std::net::IpAddr;

use rusqlite::{Statement, params};
use tracing::debug;

use crate::address::{ip_key, network_keys};
use crate::batch::{BATCH_COLUMNS, BatchInfo, BatchMeta, BatchSummary, now};
use crate::error::StoreError;
use crate::labels::pending::PendingLabels;
use crate::labels::{LabelKind, NewLabel, SOURCE_LABELS};
use crate::sqlite::SqliteStore;
use crate::writer::rollback;

/// Adds one batch's labels inside one transaction.
///
/// Nothing is visible to readers until [`LabelWriter::commit`];
/// dropping the writer without committing rolls everything back, and
/// so does a process killed mid-batch.
///
/// Labels are buffered (up to about four million, or 256 MiB of text),
/// sorted by key and then written, so that the table's key index is
/// filled by appending. An error from writing therefore surfaces at the
/// [`add`](Self::add) that fills the buffer, or at
/// [`commit`](Self::commit).
#[derive(Debug)]
#[must_use = "a batch is rolled back unless committed"]
pub struct LabelWriter<'a> {
    store: &'a SqliteStore,
    statement: Statement<'a>,
    note: Statement<'a>,
    pending: PendingLabels,
    id: i64,
    source: Option<String>,
    observed_at: i64,
    added: u64,
    stored: u64,
    /// The first load of its source, not flushed yet: no stored row
    /// can conflict, so a plain insert does.
    fresh: bool,
    finished: bool,
}

/// The first load of a source, one sorted run: nothing to merge.
const INSERT: &str = "
INSERT INTO labels
    (value, kind, source, list, category, port, line, note, start, end,
     first_seen, last_seen, last_batch)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)";

/// The merge rule: a known key widens first and last seen; the
/// description (port, line, note) follows the newest batch (by
/// `observed_at`).
const UPSERT: &str = "
INSERT INTO labels
    (value, kind, source, list, category, port, line, note, start, end,
     first_seen, last_seen, last_batch)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)
ON CONFLICT DO UPDATE SET
    port = iif(excluded.last_seen >= last_seen, excluded.port, port),
    line = iif(excluded.last_seen >= last_seen, excluded.line, line),
    note = iif(excluded.last_seen >= last_seen, excluded.note, note),
    first_seen = min(first_seen, excluded.first_seen),
    last_seen = max(last_seen, excluded.last_seen),
    last_batch = excluded.last_batch";

/// A note's id, adding the note when it is new.
const NOTE: &str = "
INSERT INTO label_notes (key, severity, listed_on, refs, file) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (key) DO UPDATE SET key = excluded.key
RETURNING id";

impl<'a> LabelWriter<'a> {
    /// Prepares the statement with the batch's constants bound. The
    /// caller has begun the transaction.
    pub(crate) fn new(
        store: &'a SqliteStore,
        id: i64,
        meta: &BatchMeta,
        fresh: bool,
    ) -> Result<Self, StoreError> {
        let statement = prepare(store, meta, id, fresh)?;
        let note = store.conn.prepare(NOTE).map_err(store.sql("prepare the note insert"))?;
        Ok(LabelWriter {
            store,
            statement,
            note,
            pending: PendingLabels::default(),
            id,
            source: meta.source.clone(),
            observed_at: meta.observed_at,
            added: 0,
            stored: 0,
            fresh,
            finished: false,
        })
    }

    /// The batch's id in the ledger.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// How many labels were added so far (repeats included).
    pub fn added(&self) -> u64 {
        self.added
    }

    /// Adds one label under the merge rule.
    pub fn add(&mut self, label: &NewLabel<'_>) -> Result<(), StoreError> {
        self.pending.push(label);
        self.added += 1;

        if self.pending.is_full() {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the rest, records the summary in the ledger and commits.
    /// Returns the ledger row and how many distinct labels the batch
    /// wrote.
    pub fn commit(mut self, summary: BatchSummary) -> Result<(BatchInfo, u64), StoreError> {
        self.flush()?;

        let info = self.finish_ledger(summary)?;
        self.store.conn.execute_batch("COMMIT").map_err(self.store.sql("commit a batch"))?;

        self.finished = true;
        debug!(batch = self.id, labels = self.added, stored = self.stored, "labels committed");
        Ok((info, self.stored))
    }

    /// Writes the buffered labels in key order. After the first run, a
    /// fresh source may meet its own keys again: from then on, upsert.
    fn flush(&mut self) -> Result<(), StoreError> {
        let (statement, note) = (&mut self.statement, &mut self.note);
        let mut notes: Vec<Option<i64>> = Vec::new();
        let mut bound_group = None;
        let written = self.pending.drain_sorted(|group, label| {
            if bound_group != Some(group) {
                let id = note_id(note, &mut notes, group, label)?;
                bind_group(statement, label, id)?;
                bound_group = Some(group);
            }
            bind(statement, label)?;
            statement.raw_execute().map(drop)
        });

        let written = written.map_err(self.store.sql("add a label"))?;
        self.stored += written;
        debug!(batch = self.id, written, fresh = self.fresh, "labels written");

        if self.fresh {
            self.fresh = false;
            let source = self.source.as_deref();
            let meta = BatchMeta::input(SOURCE_LABELS, source, "", "", self.observed_at);
            self.statement = prepare(self.store, &meta, self.id, false)?;
        }
        Ok(())
    }

    /// Fills in the ledger row's counts and reads it back.
    fn finish_ledger(&self, summary: BatchSummary) -> Result<BatchInfo, StoreError> {
        let conn = &self.store.conn;
        let sql = "UPDATE batches SET records = ?2, skipped = ?3, bytes = ?4, ingested_at = ?5, \
                   observed_at = coalesce(?6, observed_at) WHERE id = ?1";
        let values = params![
            self.id,
            summary.records,
            summary.skipped,
            summary.bytes,
            now(),
            summary.observed_at
        ];
        conn.execute(sql, values).map_err(self.store.sql("finish a batch"))?;

        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = ?1");
        conn.query_row(&sql, [self.id], BatchInfo::from_row)
            .map_err(self.store.sql("finish a batch"))
    }
}

impl Drop for LabelWriter<'_> {
    fn drop(&mut self) {
        if !self.finished {
            rollback(&self.store.conn, &self.store.path);
            debug!(batch = self.id, labels = self.added, "label batch rolled back");
        }
    }
}

/// The insert (fresh) or the upsert, with source, observed_at and the
/// batch id bound; they stay bound across executions.
fn prepare<'a>(
    store: &'a SqliteStore,
    meta: &BatchMeta,
    id: i64,
    fresh: bool,
) -> Result<Statement<'a>, StoreError> {
    let sql = if fresh { INSERT } else { UPSERT };
    let mut statement = store.conn.prepare(sql).map_err(store.sql("prepare the label insert"))?;

    let bound = statement
        .raw_bind_parameter(3, &meta.source)
        .and_then(|()| statement.raw_bind_parameter(11, meta.observed_at))
        .and_then(|()| statement.raw_bind_parameter(12, id));
    bound.map_err(store.sql("prepare the label insert"))?;
    Ok(statement)
}

/// The note of a label's group: looked up (or added) once per group
/// and flush.
fn note_id(
    note: &mut Statement<'_>,
    notes: &mut Vec<Option<i64>>,
    group: u32,
    label: &NewLabel<'_>,
) -> rusqlite::Result<i64> {
    let index = group as usize;
    if let Some(Some(id)) = notes.get(index) {
        return Ok(*id);
    }

    let key = note_key(label);
    let values = params![key, label.severity, label.listed_on, label.references, label.file];
    let id: i64 = note.query_row(values, |row| row.get(0))?;
    if notes.len() <= index {
        notes.resize(index + 1, None);
    }
    notes[index] = Some(id);
    Ok(id)
}

/// A note's identity: each part marked present (`+`) or absent (`-`),
/// separated by a unit separator, which no part holds in practice.
fn note_key(label: &NewLabel<'_>) -> String {
    let mut key = String::new();
    for part in [label.severity, label.listed_on, Some(label.file), label.references] {
        match part {
            Some(text) => {
                key.push('+');
                key.push_str(text);
            }
            None => key.push('-'),
        }
        key.push('\u{1f}');
    }
    key
}

/// Binds what a group shares: list, category and note.
fn bind_group(
    statement: &mut Statement<'_>,
    label: &NewLabel<'_>,
    note: i64,
) -> rusqlite::Result<()> {
    statement.raw_bind_parameter(4, label.list)?;
    statement.raw_bind_parameter(5, label.category.unwrap_or(""))?;
    statement.raw_bind_parameter(8, note)
}

/// Binds one label's own columns.
fn bind(statement: &mut Statement<'_>, label: &NewLabel<'_>) -> rusqlite::Result<()> {
    statement.raw_bind_parameter(1, label.value)?;
    statement.raw_bind_parameter(2, label.kind.as_str())?;
    statement.raw_bind_parameter(6, label.port)?;
    statement.raw_bind_parameter(7, label.line)?;

    let (start, end) = match address_range(label.kind, label.value) {
        Some((start, end)) => (Some(start), Some(end)),
        None => (None, None),
    };
    statement.raw_bind_parameter(9, start.as_ref().map(|k| &k[..]))?;
    statement.raw_bind_parameter(10, end.as_ref().map(|k| &k[..]))
}

/// The first and last address keys of an `ip` or `cidr` label; `None`
/// for other kinds and for values that are not addresses.
pub(crate) fn address_range(kind: LabelKind, value: &str) -> Option<([u8; 16], [u8; 16])> {
    match kind {
        LabelKind::Ip => {
            let key = ip_key(value.parse::<IpAddr>().ok()?);
            Some((key, key))
        }
        LabelKind::Cidr => {
            let (address, length) = value.split_once('/')?;
            Some(network_keys(address.parse().ok()?, length.parse().ok()?))
        }
        _ => None,
    }
}
