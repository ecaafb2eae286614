//! Labels waiting to be written: their values in one text arena, the
//! rest as numbers (the group and note ids were looked up as the labels
//! arrived), sorted on all cores when it is time to write.

use std::cmp::Ordering;

/// Flush when this many labels wait. Large, because one sorted run
/// appends to the key index; several runs interleave and insert slower.
const MAX_ENTRIES: usize = 1 << 22;

/// Flush when their text takes this many bytes (spans are 32-bit).
const MAX_TEXT: usize = 256 << 20;

/// The fewest input bytes an entry takes (an address and its line
/// end), for reserving the buffer from the input's size.
const BYTES_PER_ENTRY_AT_LEAST: usize = 8;

/// Fewer labels than this are sorted on one thread: starting threads
/// costs more than it saves.
const PARALLEL_SORT_FROM: usize = 1 << 16;

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
    }

    /// Makes room for the labels of `bytes` of input, so that the
    /// buffer does not grow (and copy itself) by doubling while the
    /// caller reads. Room never touched costs address space only.
    pub fn reserve_for_input(&mut self, bytes: u64) {
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        let entries = (bytes / BYTES_PER_ENTRY_AT_LEAST).min(MAX_ENTRIES);
        self.entries.reserve(entries.saturating_sub(self.entries.len()));
        self.text.reserve(bytes.min(MAX_TEXT).saturating_sub(self.text.len()));
    }

    /// Whether it is time to write.
    pub fn is_full(&self) -> bool {
        self.entries.len() >= MAX_ENTRIES || self.text.len() >= MAX_TEXT
    }

    /// Sorts the labels by key (value, group: the table's key) and
    /// keeps one per key: the first entry read wins.
    ///
    /// The buffer is cut into one piece per core, the pieces are sorted
    /// at the same time, and one last stable sort merges them (the
    /// standard library's stable sort finds sorted runs and merges
    /// them). Sorting while the labels arrive would compete with
    /// reading them for the same cores.
    pub fn sort(&mut self) {
        let mut entries = std::mem::take(&mut self.entries);
        // Stable: among equal keys, reading order is kept (pieces hold
        // consecutive entries, so merging them keeps it too).
        let by_key = |a: &Entry, b: &Entry| self.compare(a, b);
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        if cores > 1 && entries.len() >= PARALLEL_SORT_FROM {
            let piece = entries.len().div_ceil(cores);
            std::thread::scope(|scope| {
                for part in entries.chunks_mut(piece) {
                    scope.spawn(move || part.sort_by(by_key));
                }
            });
        }
        entries.sort_by(by_key);
        entries.dedup_by(|later, first| self.compare(first, later).is_eq());
        tracing::debug!(labels = entries.len(), "labels sorted");
        self.entries = entries;
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
    fn the_first_read_wins_across_pieces_sorted_apart() {
        let mut pending = PendingLabels::default();
        let values: Vec<String> = (0..PARALLEL_SORT_FROM as u64 * 3 + 10)
            .map(|i| format!("{}.example", i % 1000))
            .collect();
        for (line, value) in values.iter().enumerate() {
            pending.push(&row(value, 1, line as u64 + 1));
        }

        pending.sort();
        let rows: Vec<PendingRow<'_>> = pending.rows().collect();
        assert_eq!(rows.len(), 1000);
        assert!(rows.windows(2).all(|w| w[0].value < w[1].value));
        // Each value first appeared on the line after its number.
        assert!(rows.iter().all(|r| r.value == format!("{}.example", r.line - 1)));
    }
}
