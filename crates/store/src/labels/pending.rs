//! Labels waiting to be written, kept in one text arena. What a list
//! says of a group of entries (list, category, severity, date,
//! references, file) is stored once per group, not once per label.

use std::cmp::Ordering;

use crate::labels::{LabelKind, NewLabel};

/// Flush when this many labels wait. Large, because one sorted run
/// appends to the key index; several runs interleave and insert slower.
const MAX_ENTRIES: usize = 1 << 22;

/// Flush when their text takes this many bytes (spans are 32-bit).
const MAX_TEXT: usize = 256 << 20;

/// Where a string lies in the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

/// What a group of entries shares.
#[derive(Debug, Clone, Copy)]
struct Group {
    list: Span,
    category: Option<Span>,
    severity: Option<Span>,
    listed_on: Option<Span>,
    references: Option<Span>,
    file: Span,
}

/// One buffered label.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The value's first eight bytes, big-endian: most comparisons end
    /// here, without touching the arena.
    prefix: u64,
    value: Span,
    group: u32,
    kind: LabelKind,
    port: Option<u16>,
    line: u64,
}

/// A batch's buffered labels.
#[derive(Default)]
pub(crate) struct PendingLabels {
    text: String,
    groups: Vec<Group>,
    entries: Vec<Entry>,
}

impl std::fmt::Debug for PendingLabels {
    /// Sizes only: the buffer can hold millions of labels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLabels")
            .field("entries", &self.entries.len())
            .field("groups", &self.groups.len())
            .field("text_bytes", &self.text.len())
            .finish()
    }
}

impl PendingLabels {
    /// Copies one label in, sharing the previous label's group when
    /// the list says the same of both.
    pub fn push(&mut self, label: &NewLabel<'_>) {
        let group = match self.groups.last() {
            Some(last) if self.same_group(last, label) => self.groups.len() - 1,
            _ => self.add_group(label),
        };

        let value = self.intern(label.value);
        self.entries.push(Entry {
            prefix: prefix(label.value),
            value,
            group: u32::try_from(group).unwrap_or(u32::MAX),
            kind: label.kind,
            port: label.port,
            line: label.line,
        });
    }

    /// Whether it is time to write.
    pub fn is_full(&self) -> bool {
        self.entries.len() >= MAX_ENTRIES || self.text.len() >= MAX_TEXT
    }

    /// Hands every label to `write` in key order (value, kind, list,
    /// category: the order of the table's key, the source being the
    /// batch's), once per key: the first entry read wins. `write` also
    /// gets the label's group number, so that it can skip re-binding
    /// what did not change. Empties the buffer; returns how many were
    /// written.
    pub fn drain_sorted<E>(
        &mut self,
        mut write: impl FnMut(u32, &NewLabel<'_>) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut entries = std::mem::take(&mut self.entries);
        // Stable: among equal keys, reading order is kept.
        entries.sort_by(|a, b| self.compare(a, b));
        tracing::debug!(entries = entries.len(), groups = self.groups.len(), "labels sorted");

        let mut written = 0;
        let mut previous: Option<&Entry> = None;
        for entry in &entries {
            if previous.is_some_and(|p| self.compare(p, entry).is_eq()) {
                continue;
            }
            previous = Some(entry);
            write(entry.group, &self.view(entry))?;
            written += 1;
        }

        entries.clear();
        self.entries = entries;
        self.text.clear();
        self.groups.clear();
        Ok(written)
    }

    /// Orders entries as the table's key does (text compares as bytes,
    /// the BINARY collation).
    fn compare(&self, a: &Entry, b: &Entry) -> Ordering {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| self.get(a.value).cmp(self.get(b.value)))
            .then_with(|| a.kind.as_str().cmp(b.kind.as_str()))
            .then_with(|| self.group_key(a.group).cmp(&self.group_key(b.group)))
    }

    /// The part of a group that is in the key: list, then category
    /// (none sorts as the empty text it is stored as).
    fn group_key(&self, group: u32) -> (&str, &str) {
        let group = &self.groups[group as usize];
        (self.get(group.list), group.category.map_or("", |c| self.get(c)))
    }

    fn view(&self, entry: &Entry) -> NewLabel<'_> {
        let group = &self.groups[entry.group as usize];
        let text = |span: Option<Span>| span.map(|s| self.get(s));
        NewLabel {
            value: self.get(entry.value),
            kind: entry.kind,
            list: self.get(group.list),
            category: text(group.category),
            severity: text(group.severity),
            listed_on: text(group.listed_on),
            port: entry.port,
            references: text(group.references),
            file: self.get(group.file),
            line: entry.line,
        }
    }

    fn same_group(&self, group: &Group, label: &NewLabel<'_>) -> bool {
        let same = |span: Option<Span>, text: Option<&str>| match (span, text) {
            (Some(span), Some(text)) => self.get(span) == text,
            (None, None) => true,
            _ => false,
        };
        self.get(group.list) == label.list
            && self.get(group.file) == label.file
            && same(group.category, label.category)
            && same(group.severity, label.severity)
            && same(group.listed_on, label.listed_on)
            && same(group.references, label.references)
    }

    fn add_group(&mut self, label: &NewLabel<'_>) -> usize {
        let group = Group {
            list: self.intern(label.list),
            category: label.category.map(|c| self.intern(c)),
            severity: label.severity.map(|s| self.intern(s)),
            listed_on: label.listed_on.map(|d| self.intern(d)),
            references: label.references.map(|r| self.intern(r)),
            file: self.intern(label.file),
        };
        self.groups.push(group);
        self.groups.len() - 1
    }

    fn intern(&mut self, s: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(s);
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span { start: offset(start), end: offset(self.text.len()) }
    }

    fn get(&self, span: Span) -> &str {
        &self.text[span.start as usize..span.end as usize]
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

    fn label<'a>(value: &'a str, category: &'a str, line: u64) -> NewLabel<'a> {
        NewLabel {
            value,
            kind: LabelKind::Domain,
            list: "block",
            category: Some(category),
            severity: None,
            listed_on: None,
            port: None,
            references: None,
            file: "f.txt",
            line,
        }
    }

    fn drain(pending: &mut PendingLabels) -> Vec<String> {
        let mut seen = Vec::new();
        pending
            .drain_sorted(|_, l| {
                seen.push(format!("{} {} {}", l.value, l.category.unwrap_or("-"), l.line));
                Ok::<_, ()>(())
            })
            .unwrap();
        seen
    }

    #[test]
    fn drains_in_key_order_once_per_key() {
        let mut pending = PendingLabels::default();
        for (value, category, line) in [
            ("b.example", "x", 1),
            ("a.example.long", "x", 2),
            ("a.example", "y", 3),
            ("a.example", "x", 4),
            ("b.example", "x", 5),
        ] {
            pending.push(&label(value, category, line));
        }

        let expected = ["a.example x 4", "a.example y 3", "a.example.long x 2", "b.example x 1"];
        assert_eq!(drain(&mut pending), expected);
        assert!(pending.entries.is_empty() && pending.text.is_empty());
    }

    #[test]
    fn neighbours_share_a_group() {
        let mut pending = PendingLabels::default();
        pending.push(&label("a.example", "x", 1));
        pending.push(&label("b.example", "x", 2));
        pending.push(&label("c.example", "y", 3));
        assert_eq!(pending.groups.len(), 2);
        assert_eq!(prefix("ab") < prefix("abc"), "ab" < "abc");
    }
}
