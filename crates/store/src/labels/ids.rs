//! The numbers a label row carries instead of text: its group (kind,
//! source, list, category) and its note (severity, date, references,
//! file). Both are looked up, or added, once per group of entries the
//! list gives, and remembered for the rest of the batch.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Statement, params};

use crate::labels::{LabelKind, NewLabel};

/// A group's id, adding the group when it is new.
const GROUP: &str = "
INSERT INTO label_groups (kind, source, list, category) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT DO UPDATE SET kind = excluded.kind
RETURNING id";

/// A stored note with these columns (the digest narrows, the columns
/// decide).
const FIND_NOTE: &str = "
SELECT id FROM label_notes
WHERE digest = ?1 AND severity IS ?2 AND listed_on IS ?3 AND refs IS ?4 AND file IS ?5";

const ADD_NOTE: &str = "
INSERT INTO label_notes (digest, severity, listed_on, refs, file) VALUES (?1, ?2, ?3, ?4, ?5)";

/// Group and note ids of one batch.
#[derive(Debug)]
pub(crate) struct LabelIds<'a> {
    conn: &'a Connection,
    source: String,
    group: Statement<'a>,
    find_note: Statement<'a>,
    add_note: Statement<'a>,
    /// Group ids by `kind list category`, for the whole batch.
    groups: HashMap<String, i64>,
    /// What the previous label's list said, with the ids found for it.
    last: Option<Last>,
    key: String,
}

/// The previous label's group and note, and their ids (0: not looked
/// up yet; SQLite ids start at 1). A list gives its entries in blocks
/// that share all of it, so most labels are answered here.
#[derive(Debug)]
struct Last {
    list: String,
    category: Option<String>,
    severity: Option<String>,
    listed_on: Option<String>,
    references: Option<String>,
    file: String,
    groups: [i64; LabelKind::ALL.len()],
    note: i64,
}

impl Last {
    fn of(label: &NewLabel<'_>) -> Self {
        Last {
            list: label.list.to_owned(),
            category: label.category.map(str::to_owned),
            severity: label.severity.map(str::to_owned),
            listed_on: label.listed_on.map(str::to_owned),
            references: label.references.map(str::to_owned),
            file: label.file.to_owned(),
            groups: [0; LabelKind::ALL.len()],
            note: 0,
        }
    }

    /// Whether the list says the same of `label`.
    fn matches(&self, label: &NewLabel<'_>) -> bool {
        self.list == label.list
            && self.category.as_deref() == label.category
            && self.file == label.file
            && self.severity.as_deref() == label.severity
            && self.listed_on.as_deref() == label.listed_on
            && self.references.as_deref() == label.references
    }
}

impl<'a> LabelIds<'a> {
    /// Prepares the look-ups for a batch of `source`.
    pub fn new(conn: &'a Connection, source: &str) -> rusqlite::Result<Self> {
        Ok(LabelIds {
            conn,
            source: source.to_owned(),
            group: conn.prepare(GROUP)?,
            find_note: conn.prepare(FIND_NOTE)?,
            add_note: conn.prepare(ADD_NOTE)?,
            groups: HashMap::new(),
            last: None,
            key: String::new(),
        })
    }

    /// The batch's source name.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The group id and note id of `label`, looked up (or added) when
    /// the list says something new.
    pub fn of(&mut self, label: &NewLabel<'_>) -> rusqlite::Result<(i64, i64)> {
        let mut last = match self.last.take() {
            Some(last) if last.matches(label) => last,
            _ => Last::of(label),
        };

        let kind = label.kind as usize;
        let found = self.fill(&mut last, kind, label);
        let ids = (last.groups[kind], last.note);
        self.last = Some(last);
        found.map(|()| ids)
    }

    /// Looks up what `last` lacks for a label of `kind`.
    fn fill(&mut self, last: &mut Last, kind: usize, label: &NewLabel<'_>) -> rusqlite::Result<()> {
        if last.groups[kind] == 0 {
            last.groups[kind] = self.group_id(label)?;
        }
        if last.note == 0 {
            last.note = self.note_id(label)?;
        }
        Ok(())
    }

    fn group_id(&mut self, label: &NewLabel<'_>) -> rusqlite::Result<i64> {
        let category = label.category.unwrap_or("");
        self.key.clear();
        for part in [label.kind.as_str(), label.list, category] {
            self.key.push_str(part);
            self.key.push('\u{1f}');
        }
        if let Some(id) = self.groups.get(&self.key) {
            return Ok(*id);
        }

        let values = params![label.kind.as_str(), self.source, label.list, category];
        let id: i64 = self.group.query_row(values, |row| row.get(0))?;
        self.groups.insert(self.key.clone(), id);
        Ok(id)
    }

    fn note_id(&mut self, label: &NewLabel<'_>) -> rusqlite::Result<i64> {
        let digest = note_digest(label);
        let values = params![digest, label.severity, label.listed_on, label.references, label.file];
        if let Some(id) = self.find_note.query_row(values, |row| row.get(0)).optional()? {
            return Ok(id);
        }

        self.add_note.execute(values)?;
        Ok(self.conn.last_insert_rowid())
    }
}

/// 64-bit FNV-1a of a note's columns, each marked present or absent:
/// stable across releases (the stored digests must stay valid), and a
/// collision only costs a longer look-up, never a wrong note.
fn note_digest(label: &NewLabel<'_>) -> i64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    let parts = [label.severity, label.listed_on, label.references, Some(label.file)];
    let mut hash = OFFSET;
    for part in parts {
        let marker: &[u8] = if part.is_some() { b"+" } else { b"-" };
        for &byte in marker.iter().chain(part.unwrap_or("").as_bytes()).chain(b"\x1f") {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label<'a>(severity: Option<&'a str>, file: &'a str) -> NewLabel<'a> {
        NewLabel {
            value: "a.example",
            kind: LabelKind::Domain,
            list: "block",
            category: None,
            severity,
            listed_on: None,
            port: None,
            references: None,
            file,
            line: 1,
        }
    }

    #[test]
    fn digests_tell_absent_from_empty_and_stay_fixed() {
        let absent = note_digest(&label(None, "f"));
        assert_ne!(absent, note_digest(&label(Some(""), "f")));
        assert_ne!(absent, note_digest(&label(None, "g")));
        // Stored digests must stay valid: this value may never change.
        assert_eq!(note_digest(&label(Some("high"), "f.txt")), 0xc4eb_b5b6_0739_56e5_u64 as i64);
    }
}
