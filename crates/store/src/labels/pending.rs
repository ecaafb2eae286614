//! Labels waiting to be written: their values in one text arena, the
//! rest as numbers (the group and note ids were looked up as the labels
//! arrived), sorted in runs while the buffer fills.

use std::cmp::Ordering;

/// Flush when this many labels wait. Large, because one sorted run
/// appends to the key index; several runs interleave and insert slower.
const MAX_ENTRIES: usize = 1 << 22;

/// Flush when their text takes this many bytes (spans are 32-bit).
const MAX_TEXT: usize = 256 << 20;

/// Labels sorted at a time while the buffer fills. Sorting each run
/// as it completes does most of the work while the caller is still
/// reading; the final sort then only merges the runs (the standard
/// library's stable sort finds sorted runs and merges them).
const RUN: usize = 1 << 18;

/// One label as the table stores it, but for the batch's constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PendingRow<'a> {
    pub value: &'a str,
    /// `label_groups.id`.
    pub group: i64,
    /// `label_notes.id`.
    pub note: i64,
    pub port: Option<u16>,
    pub line: u64,
}

/// One buffered label.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The value's first eight bytes, big-endian: most comparisons end
    /// here, without touching the arena.
    prefix: u64,
    start: u32,
    end: u32,
    group: i64,
    note: i64,
    line: u64,
    port: Option<u16>,
}

/// A batch's buffered labels.
#[derive(Default)]
pub(crate) struct PendingLabels {
    text: String,
    entries: Vec<Entry>,
    /// How many entries, from the start, lie in sorted runs.
    sorted: usize,
}

impl std::fmt::Debug for PendingLabels {
    /// Sizes only: the buffer can hold millions of labels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLabels")
            .field("entries", &self.entries.len())
            .field("text_bytes", &self.text.len())
            .finish()
    }
}

impl PendingLabels {
    /// Copies one label in.
    pub fn push(&mut self, row: &PendingRow<'_>) {
        let start = self.text.len();
        self.text.push_str(row.value);
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.entries.push(Entry {
            prefix: prefix(row.value),
            start: offset(start),
            end: offset(self.text.len()),
            group: row.group,
            note: row.note,
            line: row.line,
            port: row.port,
        });
        self.sort_full_run();
    }

    /// Whether it is time to write.
    pub fn is_full(&self) -> bool {
        self.entries.len() >= MAX_ENTRIES || self.text.len() >= MAX_TEXT
    }

    /// Sorts the labels by key (value, group: the table's key) and
    /// keeps one per key: the first entry read wins.
    pub fn sort(&mut self) {
        let mut entries = std::mem::take(&mut self.entries);
        // Stable: among equal keys, reading order is kept (runs hold
        // consecutive entries, so merging them keeps it too).
        entries.sort_by(|a, b| self.compare(a, b));
        entries.dedup_by(|later, first| self.compare(first, later).is_eq());
        tracing::debug!(labels = entries.len(), "labels sorted");
        self.entries = entries;
        self.sorted = self.entries.len();
    }

    /// How many labels wait (once [`sort`](Self::sort)ed: how many
    /// distinct ones).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The labels in buffer order.
    pub fn rows(&self) -> impl Iterator<Item = PendingRow<'_>> {
        self.entries.iter().map(|entry| PendingRow {
            value: self.value(entry),
            group: entry.group,
            note: entry.note,
            port: entry.port,
            line: entry.line,
        })
    }

    /// Empties the buffer, keeping its memory.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.text.clear();
        self.sorted = 0;
    }

    /// Sorts the newest run once it is complete.
    fn sort_full_run(&mut self) {
        if self.entries.len() - self.sorted < RUN {
            return;
        }

        let mut entries = std::mem::take(&mut self.entries);
        entries[self.sorted..].sort_by(|a, b| self.compare(a, b));
        self.entries = entries;
        self.sorted = self.entries.len();
    }

    /// Orders entries as the table's key does (text compares as bytes,
    /// the BINARY collation).
    fn compare(&self, a: &Entry, b: &Entry) -> Ordering {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| self.value(a).cmp(self.value(b)))
            .then_with(|| a.group.cmp(&b.group))
    }

    fn value(&self, entry: &Entry) -> &str {
        self.text.get(entry.start as usize..entry.end as usize).unwrap_or_default()
    }
}

/// The first eight bytes of `text`, big-endian, zero-padded: ordered
/// as the bytes are, so that equal prefixes fall back to the full text.
fn prefix(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = text.len().min(8);
    bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: &str, group: i64, line: u64) -> PendingRow<'_> {
        PendingRow { value, group, note: 1, port: None, line }
    }

    fn drain(pending: &mut PendingLabels) -> Vec<String> {
        pending.sort();
        let seen = pending.rows().map(|r| format!("{} {} {}", r.value, r.group, r.line)).collect();
        pending.clear();
        seen
    }

    #[test]
    fn drains_in_key_order_once_per_key() {
        let mut pending = PendingLabels::default();
        for (value, group, line) in [
            ("b.example", 1, 1),
            ("a.example.long", 1, 2),
            ("a.example", 2, 3),
            ("a.example", 1, 4),
            ("b.example", 1, 5),
        ] {
            pending.push(&row(value, group, line));
        }

        let expected = ["a.example 1 4", "a.example 2 3", "a.example.long 1 2", "b.example 1 1"];
        assert_eq!(drain(&mut pending), expected);
        assert!(pending.entries.is_empty() && pending.text.is_empty());
        assert_eq!(prefix("ab") < prefix("abc"), "ab" < "abc");
    }

    #[test]
    fn the_first_read_wins_across_sorted_runs() {
        let mut pending = PendingLabels::default();
        let values: Vec<String> =
            (0..RUN as u64 + 10).map(|i| format!("{}.example", i % 1000)).collect();
        for (line, value) in values.iter().enumerate() {
            pending.push(&row(value, 1, line as u64 + 1));
        }
        assert_eq!(pending.sorted, RUN);

        pending.sort();
        let rows: Vec<PendingRow<'_>> = pending.rows().collect();
        assert_eq!(rows.len(), 1000);
        assert!(rows.windows(2).all(|w| w[0].value < w[1].value));
        // Each value first appeared on the line after its number.
        assert!(rows.iter().all(|r| r.value == format!("{}.example", r.line - 1)));
    }
}
