//! Threat labels: block lists, allow lists and known-benign
//! infrastructure, one batch per list load.
//!
//! A label is one indicator (a domain, a suffix, an address, a
//! network, a URL, a path, an AS) that one list of one source puts in
//! one category. Its identity is `(value, kind, source, list,
//! category)`; the rest (severity, the date the list gives, references,
//! where it was read) describes the newest listing.
//!
//! Loading follows the observations' model: [`SqliteStore::begin_labels`]
//! answers [`LabelStart::Duplicate`] for content already in the ledger;
//! otherwise the whole load is one transaction ([`LabelWriter`]), so a
//! killed load or a writer dropped without
//! [`commit`](LabelWriter::commit) leaves the store as it was.
//!
//! # Merge rule
//!
//! A label seen again in a later batch widens `first_seen` and
//! `last_seen` to the batch's `observed_at`; its description is taken
//! from the batch with the newest `observed_at`. Within one batch, the
//! first entry of a key (in reading order) wins.
//!
//! # Limitations
//!
//! - A label that disappears from a list keeps its rows: lists never
//!   say that an entry was withdrawn, so `last_seen` tells how recently
//!   a list still carried it.
//! - Aliases of a family are not stored.

mod ids;
mod matching;
mod pending;
mod writer;

use std::fmt;
use std::str::FromStr;

use rusqlite::params;
use tracing::debug;

use crate::batch::{BatchInfo, BatchMeta};
use crate::error::StoreError;
use crate::sqlite::SqliteStore;
use crate::writer::rollback;

pub use writer::{LabelDescription, LabelWriter};

/// The batch kind of label lists in the ledger.
pub const SOURCE_LABELS: &str = "labels";

/// What a label's value is; the names are the `kind` column's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelKind {
    /// A domain: it and its names below, down to the public suffix.
    Domain,
    /// A suffix: every name strictly below it.
    Suffix,
    /// One address, canonical text.
    Ip,
    /// A network, `address/length` with the host bits cleared.
    Cidr,
    /// A URL.
    Url,
    /// A URL path on any host.
    Path,
    /// An autonomous system, `AS13335`.
    Asn,
}

impl LabelKind {
    /// Every kind.
    pub const ALL: [LabelKind; 7] =
        [Self::Domain, Self::Suffix, Self::Ip, Self::Cidr, Self::Url, Self::Path, Self::Asn];

    /// The `kind` column's text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::Suffix => "suffix",
            Self::Ip => "ip",
            Self::Cidr => "cidr",
            Self::Url => "url",
            Self::Path => "path",
            Self::Asn => "asn",
        }
    }
}

impl fmt::Display for LabelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LabelKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown label kind {s:?}"))
    }
}

/// One label to add, borrowed from the caller's buffers.
///
/// The source is the batch's ([`BatchMeta::source`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewLabel<'a> {
    /// The canonical indicator (`evil.example`, `192.0.2.0/24`,
    /// `AS13335`).
    pub value: &'a str,
    /// What the value is.
    pub kind: LabelKind,
    /// The list kind (`block`, `allow`, `cdn`, …).
    pub list: &'a str,
    /// The category or family; `None` when the list gives none.
    pub category: Option<&'a str>,
    /// `low`, `medium` or `high`, when the list says.
    pub severity: Option<&'a str>,
    /// The date the list gives for the entry, `YYYY-MM-DD`.
    pub listed_on: Option<&'a str>,
    /// The port of an `ip:port` or `host:port` entry.
    pub port: Option<u16>,
    /// Evidence URLs (or text), one a line; `None` without any.
    pub references: Option<&'a str>,
    /// The file within the source the entry was read from.
    pub file: &'a str,
    /// The entry's line in that file, from 1.
    pub line: u64,
}

/// What [`SqliteStore::begin_labels`] found.
#[derive(Debug)]
pub enum LabelStart<'a> {
    /// The content hash is already in the ledger: nothing to do.
    Duplicate(BatchInfo),
    /// A new batch, open for writing (boxed: the writer holds prepared
    /// statements and buffers, the duplicate only a ledger row).
    New(Box<LabelWriter<'a>>),
}

impl SqliteStore {
    /// Starts a label batch: [`LabelStart::Duplicate`] when its content
    /// hash is already in the ledger, otherwise a writer holding the
    /// store's write lock until it commits or is dropped. The batch's
    /// kind must be [`SOURCE_LABELS`] and its source named.
    pub fn begin_labels(&mut self, meta: BatchMeta) -> Result<LabelStart<'_>, StoreError> {
        let source = label_source(&meta)?;
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(self.sql("start a batch"))?;

        let started = self.start_labels_locked(&meta, &source);
        if !matches!(started, Ok(LabelStart::New(_))) {
            rollback(&self.conn, &self.path);
        }
        if let Ok(LabelStart::Duplicate(info)) = &started {
            debug!(batch = info.id, file = %meta.file_name, "label batch already ingested");
        }
        started
    }

    /// The rest of [`begin_labels`](Self::begin_labels), under the
    /// write lock.
    fn start_labels_locked(
        &self,
        meta: &BatchMeta,
        source: &str,
    ) -> Result<LabelStart<'_>, StoreError> {
        if let Some(info) = self.find_batch(&meta.content_hash)? {
            return Ok(LabelStart::Duplicate(info));
        }

        let fresh = !self.source_has_batches(source)?;
        let id = self.insert_batch(meta)?;
        debug!(batch = id, source, fresh, file = %meta.file_name, "label batch started");
        LabelWriter::new(self, id, meta, fresh).map(|writer| LabelStart::New(Box::new(writer)))
    }

    /// Whether the ledger holds a label batch of `source`: without one,
    /// no stored label can conflict with this batch's (the source is
    /// part of every label's key). Asked of the ledger, whose index
    /// answers at once, not of the labels.
    fn source_has_batches(&self, source: &str) -> Result<bool, StoreError> {
        let sql = "SELECT EXISTS (SELECT 1 FROM batches WHERE kind = ?1 AND source = ?2)";
        let values = params![SOURCE_LABELS, source];
        self.row("look up a label source", sql, values, |row| row.get(0))
    }
}

/// The source name of a label batch; refuses other kinds and a batch
/// without a source.
fn label_source(meta: &BatchMeta) -> Result<String, StoreError> {
    let reason = match (&meta.source, meta.kind == SOURCE_LABELS, &meta.zone) {
        (_, false, _) => "a label batch has the kind \"labels\"",
        (None, _, _) => "a label batch needs its source's name",
        (Some(s), _, _) if s.trim().is_empty() => "a label batch needs its source's name",
        (_, _, Some(_)) => "only zone files have a zone; pass none for labels",
        (Some(source), true, None) => return Ok(source.clone()),
    };

    let file_name = meta.file_name.clone();
    Err(StoreError::InvalidBatch { file_name, reason: reason.to_owned() })
}
