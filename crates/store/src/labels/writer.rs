//! The label writer: one transaction, labels written in key order.

use rusqlite::Statement;
use tracing::debug;

use crate::batch::{BatchInfo, BatchMeta, BatchSummary};
use crate::error::StoreError;
use crate::labels::ids::LabelIds;
use crate::labels::pending::{PendingLabels, PendingRow};
use crate::labels::{LabelKind, NewLabel};
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
    inserts: Inserts<'a>,
    ids: LabelIds<'a>,
    pending: PendingLabels,
    id: i64,
    observed_at: i64,
    added: u64,
    stored: u64,
    /// The first load of its source, not flushed yet: no stored row
    /// can conflict, so a plain insert does.
    fresh: bool,
    finished: bool,
}

/// Rows per multi-row insert. One statement step per label costs more
/// than the row itself; 64 rows a step write about a third faster, and
/// more gain little.
const ROWS: usize = 64;

/// Parameters bound per row: value, group, note, port, line.
const PARAMS: usize = 5;

/// The columns every insert names, in order: the first five bound per
/// row, the rest the batch's constants.
const COLUMNS: &str = "value, group_id, note, port, line, first_seen, last_seen, last_batch";

/// The merge rule: a known key widens first and last seen; the
/// description (note, port, line) follows the newest batch (by
/// `observed_at`).
const MERGE: &str = "
ON CONFLICT DO UPDATE SET
    note = iif(excluded.last_seen >= last_seen, excluded.note, note),
    port = iif(excluded.last_seen >= last_seen, excluded.port, port),
    line = iif(excluded.last_seen >= last_seen, excluded.line, line),
    first_seen = min(first_seen, excluded.first_seen),
    last_seen = max(last_seen, excluded.last_seen),
    last_batch = excluded.last_batch";

impl<'a> LabelWriter<'a> {
    /// Prepares the statements. The caller has begun the transaction.
    pub(crate) fn new(
        store: &'a SqliteStore,
        id: i64,
        meta: &BatchMeta,
        fresh: bool,
    ) -> Result<Self, StoreError> {
        let inserts = Inserts::prepare(store, meta.observed_at, id, fresh)?;
        let source = meta.source.as_deref().unwrap_or_default();
        let ids = LabelIds::new(&store.conn, source).map_err(store.sql("prepare the label ids"))?;
        Ok(LabelWriter {
            store,
            inserts,
            ids,
            pending: PendingLabels::default(),
            id,
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

    /// Makes room for the labels of `bytes` of input (the sum of the
    /// files' sizes), so that buffering them does not copy the buffer
    /// again and again as it grows.
    pub fn reserve_for_input(&mut self, bytes: u64) {
        self.pending.reserve_for_input(bytes);
    }

    /// Adds one label under the merge rule.
    pub fn add(&mut self, label: &NewLabel<'_>) -> Result<(), StoreError> {
        let description = self.describe(label)?;
        self.add_described(description, label.value, label.port, label.line)
    }

    /// What the list says of `label` (its kind, list, category,
    /// severity, date, references and file), stored once and named by
    /// a [`LabelDescription`]. Lists give their entries in long runs
    /// that share all of it: a caller that knows where a run starts
    /// asks once a run and adds each entry with
    /// [`add_described`](Self::add_described). `label`'s value, port
    /// and line are not used.
    pub fn describe(&mut self, label: &NewLabel<'_>) -> Result<LabelDescription, StoreError> {
        let ids = self.ids.of(label);
        let (group, note) = ids.map_err(self.store.sql("look up a label's group and note"))?;
        Ok(LabelDescription { group, note })
    }

    /// Adds one label under the merge rule, described as
    /// [`describe`](Self::describe) answered for a label of this batch.
    pub fn add_described(
        &mut self,
        description: LabelDescription,
        value: &str,
        port: Option<u16>,
        line: u64,
    ) -> Result<(), StoreError> {
        let LabelDescription { group, note } = description;
        self.pending.push(&PendingRow { value, group, note, port, line });
        self.added += 1;

        if self.pending.is_full() {
            self.flush()?;
        }
        Ok(())
    }

    /// Removes this batch's source's labels of `value` with kind `kind`
    /// on list `list`, inside the batch's transaction: an analyst's
    /// verdict replaces the opposite one. Returns how many rows went.
    pub fn remove(&mut self, value: &str, kind: LabelKind, list: &str) -> Result<u64, StoreError> {
        let sql = "DELETE FROM labels WHERE value = ?1 AND group_id IN
                   (SELECT id FROM label_groups WHERE kind = ?2 AND source = ?3 AND list = ?4)";
        let source = self.ids.source();
        let removed = self
            .store
            .conn
            .execute(sql, rusqlite::params![value, kind.as_str(), source, list])
            .map_err(self.store.sql("remove a label"))?;
        Ok(removed as u64)
    }

    /// Writes the rest, records the summary in the ledger and commits.
    /// Returns the ledger row and how many distinct labels the batch
    /// wrote.
    pub fn commit(mut self, summary: BatchSummary) -> Result<(BatchInfo, u64), StoreError> {
        self.flush()?;

        let info = self.store.finish_batch(self.id, summary)?;
        let started = std::time::Instant::now();
        self.store.conn.execute_batch("COMMIT").map_err(self.store.sql("commit a batch"))?;

        self.finished = true;
        let seconds = started.elapsed().as_secs_f64();
        debug!(
            batch = self.id,
            labels = self.added,
            stored = self.stored,
            seconds,
            "labels committed"
        );
        Ok((info, self.stored))
    }

    /// Writes the buffered labels in key order. After the first run, a
    /// fresh source may meet its own keys again: from then on, upsert.
    fn flush(&mut self) -> Result<(), StoreError> {
        self.pending.sort();
        let started = std::time::Instant::now();
        let written = self.write_sorted().map_err(self.store.sql("add a label"))?;
        self.pending.clear();

        self.stored += written;
        let seconds = started.elapsed().as_secs_f64();
        debug!(batch = self.id, written, fresh = self.fresh, seconds, "labels written");

        if self.fresh {
            self.fresh = false;
            self.inserts = Inserts::prepare(self.store, self.observed_at, self.id, false)?;
        }
        Ok(())
    }

    /// Writes the sorted buffer: whole statements of [`ROWS`] rows,
    /// then the rest one by one.
    fn write_sorted(&mut self) -> rusqlite::Result<u64> {
        let Self { pending, inserts, .. } = self;
        let total = pending.len();
        let whole = total - total % ROWS;

        for (index, row) in pending.rows().enumerate() {
            if index < whole {
                inserts.add_to_many(index % ROWS, &row)?;
            } else {
                inserts.add_one(&row)?;
            }
        }
        Ok(total as u64)
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

/// What a list says of a run of its entries, as stored for one batch
/// ([`LabelWriter::describe`]); valid only in the batch that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelDescription {
    /// `label_groups.id`.
    group: i64,
    /// `label_notes.id`.
    note: i64,
}

/// The two insert statements of a batch: [`ROWS`] rows at a time, and
/// one row (for the rest). The batch's constants (first and last seen,
/// the batch id) are written into the statements, so that only each
/// label's own columns are bound.
///
/// `OR ROLLBACK`: a failing row ends the whole batch anyway, so SQLite
/// need not keep a statement journal to undo just the statement's
/// other rows (which costs a page copy per page a statement touches).
#[derive(Debug)]
struct Inserts<'a> {
    many: Statement<'a>,
    one: Statement<'a>,
}

impl<'a> Inserts<'a> {
    /// A plain insert for a fresh source, otherwise under the merge
    /// rule.
    fn prepare(
        store: &'a SqliteStore,
        observed_at: i64,
        batch: i64,
        fresh: bool,
    ) -> Result<Self, StoreError> {
        let sql = |rows: usize| {
            let row = format!("(?, ?, ?, ?, ?, {observed_at}, {observed_at}, {batch})");
            let values = vec![row; rows].join(",\n");
            let merge = if fresh { "" } else { MERGE };
            format!("INSERT OR ROLLBACK INTO labels ({COLUMNS}) VALUES\n{values}{merge}")
        };

        let conn = &store.conn;
        let many = conn.prepare(&sql(ROWS)).map_err(store.sql("prepare the label insert"))?;
        let one = conn.prepare(&sql(1)).map_err(store.sql("prepare the label insert"))?;
        Ok(Inserts { many, one })
    }

    /// Binds a row into its slot of the many-row statement, running it
    /// once the last slot is filled.
    fn add_to_many(&mut self, slot: usize, row: &PendingRow<'_>) -> rusqlite::Result<()> {
        bind(&mut self.many, slot * PARAMS, row)?;
        if slot == ROWS - 1 {
            self.many.raw_execute()?;
        }
        Ok(())
    }

    /// Inserts one row on its own.
    fn add_one(&mut self, row: &PendingRow<'_>) -> rusqlite::Result<()> {
        bind(&mut self.one, 0, row)?;
        self.one.raw_execute().map(drop)
    }
}

/// Binds a row's columns after parameter `offset`.
fn bind(
    statement: &mut Statement<'_>,
    offset: usize,
    row: &PendingRow<'_>,
) -> rusqlite::Result<()> {
    statement.raw_bind_parameter(offset + 1, row.value)?;
    statement.raw_bind_parameter(offset + 2, row.group)?;
    statement.raw_bind_parameter(offset + 3, row.note)?;
    statement.raw_bind_parameter(offset + 4, row.port)?;
    statement.raw_bind_parameter(offset + 5, row.line)
}
