//! Batches: the ledger of input files and the writer that adds one
//! file's observations in one transaction.

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use tracing::debug;

use crate::error::StoreError;
use crate::sqlite::SqliteStore;
use crate::writer::{BatchWriter, rollback};

/// The source kind of zone files (full snapshots of one zone).
pub const SOURCE_ZONE: &str = "zone";

/// The source kind of passive DNS data.
pub const SOURCE_PDNS: &str = "pdns";

/// The source kind of active collection.
pub const SOURCE_ACTIVE: &str = "active";

/// What the caller knows about a batch before reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchMeta {
    /// The source kind: [`SOURCE_ZONE`], [`SOURCE_PDNS`],
    /// [`SOURCE_ACTIVE`], or another lower-case word. Every
    /// observation of the batch gets it as its `source`.
    pub kind: String,
    /// The zone origin (canonical text, `.` for the root): required for
    /// zone files, absent for every other kind.
    pub zone: Option<String>,
    /// The user's name for the source (an ASN table's or a label
    /// list's name, a passive DNS sensor): the newest batch of each
    /// source is that source's current table. `None` for zone files.
    pub source: Option<String>,
    /// The input's file name, for people to read.
    pub file_name: String,
    /// The content hash (any stable text form); the ledger's key.
    pub content_hash: String,
    /// The moment the data describes, unix seconds.
    pub observed_at: i64,
}

impl BatchMeta {
    /// The description of one zone file.
    pub fn zone_file(zone: &str, file_name: &str, content_hash: &str, observed_at: i64) -> Self {
        BatchMeta {
            kind: SOURCE_ZONE.to_owned(),
            zone: Some(zone.to_owned()),
            source: None,
            file_name: file_name.to_owned(),
            content_hash: content_hash.to_owned(),
            observed_at,
        }
    }

    /// The description of one input of another kind (`"pdns"`,
    /// `"asn"`, `"labels"`, …), with the user's name for its source.
    pub fn input(
        kind: &str,
        source: Option<&str>,
        file_name: &str,
        content_hash: &str,
        observed_at: i64,
    ) -> Self {
        BatchMeta {
            kind: kind.to_owned(),
            zone: None,
            source: source.map(str::to_owned),
            file_name: file_name.to_owned(),
            content_hash: content_hash.to_owned(),
            observed_at,
        }
    }

    /// Refuses a kind that is not a lower-case word, a zone file without
    /// a zone, and a zone given for another kind.
    fn validate(&self) -> Result<(), StoreError> {
        let word = !self.kind.is_empty()
            && self.kind.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let source_ok = self.source.as_deref().is_none_or(is_source_name);
        let reason = match (word, self.kind == SOURCE_ZONE, &self.zone) {
            (false, _, _) => "the kind must be a lower-case word such as \"zone\" or \"pdns\"",
            _ if !source_ok => {
                "a source name must be 1 to 100 printable characters, without spaces at either end"
            }
            (true, true, None) => "a zone file needs its zone origin; pass the zone",
            (true, false, Some(_)) => "only zone files have a zone; pass none for this kind",
            _ => return Ok(()),
        };

        let file_name = self.file_name.clone();
        Err(StoreError::InvalidBatch { file_name, reason: reason.to_owned() })
    }
}

/// Whether `name` can name a source: shown in every view and report, so
/// printable, trimmed and short.
fn is_source_name(name: &str) -> bool {
    let printable = name.chars().all(|c| !c.is_control());
    (1..=100).contains(&name.chars().count()) && printable && name.trim() == name
}

/// The counts the caller reports when a batch is done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Records read from the input.
    pub records: u64,
    /// Records skipped as bad.
    pub skipped: u64,
    /// Bytes read from the input.
    pub bytes: u64,
    /// The moment the data describes, when only reading it told
    /// (passive DNS: its newest sighting); replaces the `observed_at`
    /// given at the start.
    pub observed_at: Option<i64>,
}

/// One row of the batch ledger.
///
/// JSON: `{"id": 1, "kind": "zone", "zone": "com", "source": null, "file_name":
/// "com.zone.gz", "content_hash": "…", "observed_at": 1767225600,
/// "ingested_at": 1767229200, "records": 10, "skipped": 0, "bytes": 512}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchInfo {
    /// The batch's id, in ingest order.
    pub id: i64,
    /// The source kind (`"zone"`, `"pdns"`, `"active"`, …).
    pub kind: String,
    /// The zone origin for zone files, `null` otherwise.
    pub zone: Option<String>,
    /// The user's name for the source, `null` for zone files.
    pub source: Option<String>,
    /// The input's file name.
    pub file_name: String,
    /// The content hash that identifies the input.
    pub content_hash: String,
    /// The moment the data describes, unix seconds.
    pub observed_at: i64,
    /// When the batch was committed, unix seconds.
    pub ingested_at: i64,
    /// Records read from the input.
    pub records: u64,
    /// Records skipped as bad.
    pub skipped: u64,
    /// Bytes read from the input.
    pub bytes: u64,
}

/// The columns [`BatchInfo::from_row`] reads, in order.
pub(crate) const BATCH_COLUMNS: &str = "id, kind, zone, source, file_name, content_hash, observed_at, ingested_at, records, skipped, \
     bytes";

impl BatchInfo {
    /// Reads a row selected with [`BATCH_COLUMNS`].
    pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(BatchInfo {
            id: row.get(0)?,
            kind: row.get(1)?,
            zone: row.get(2)?,
            source: row.get(3)?,
            file_name: row.get(4)?,
            content_hash: row.get(5)?,
            observed_at: row.get(6)?,
            ingested_at: row.get(7)?,
            records: row.get(8)?,
            skipped: row.get(9)?,
            bytes: row.get(10)?,
        })
    }
}

/// One observation to add, borrowed from the caller's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewObservation<'a> {
    /// The owner name, canonical text (`DomainName::as_str`).
    pub name: &'a str,
    /// The record type number.
    pub rrtype: u16,
    /// Normalised presentation data (`Record::rdata`).
    pub rdata: &'a str,
    /// The TTL, seconds; `None` when the source does not say.
    pub ttl: Option<u32>,
    /// For NS records: the registered domain of the target host.
    pub ns_domain: Option<&'a str>,
    /// Whether this is an NS record at a non-apex owner (a delegation).
    pub delegation: bool,
    /// The record's own sightings, for sources that time each record
    /// (passive DNS); `None` for one sighting at the batch's
    /// `observed_at` (zone files).
    pub seen: Option<Sighting>,
}

/// When a source saw one record, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting {
    /// The first sighting, unix seconds.
    pub first: i64,
    /// The last sighting, unix seconds.
    pub last: i64,
    /// How many sightings `first..=last` covers (at least 1).
    pub count: u64,
}

impl Sighting {
    /// Both sightings together.
    pub fn merge(self, other: Sighting) -> Sighting {
        Sighting {
            first: self.first.min(other.first),
            last: self.last.max(other.last),
            count: self.count.saturating_add(other.count),
        }
    }
}

/// What [`SqliteStore::begin_batch`] found.
#[derive(Debug)]
pub enum BatchStart<'a> {
    /// The content hash is already in the ledger: nothing to do.
    Duplicate(BatchInfo),
    /// A new batch, open for writing.
    New(BatchWriter<'a>),
}

impl SqliteStore {
    /// Starts a batch: [`BatchStart::Duplicate`] when its content hash is
    /// already in the ledger, otherwise a writer holding the store's
    /// write lock until it commits or is dropped.
    pub fn begin_batch(&mut self, meta: BatchMeta) -> Result<BatchStart<'_>, StoreError> {
        meta.validate()?;
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(self.sql("start a batch"))?;

        let started = self.start_locked(&meta);
        if !matches!(started, Ok(BatchStart::New(_))) {
            rollback(&self.conn, &self.path);
        }
        log_start(&meta, &started);
        started
    }

    /// The rest of [`begin_batch`](Self::begin_batch), under the write
    /// lock: two processes ingesting one file cannot both record it.
    fn start_locked(&self, meta: &BatchMeta) -> Result<BatchStart<'_>, StoreError> {
        if let Some(info) = self.find_batch(&meta.content_hash)? {
            return Ok(BatchStart::Duplicate(info));
        }

        let id = self.insert_batch(meta)?;
        BatchWriter::new(self, id, meta).map(BatchStart::New)
    }

    /// The ledger row with this content hash, if any.
    pub fn find_batch(&self, content_hash: &str) -> Result<Option<BatchInfo>, StoreError> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE content_hash = ?1");
        self.conn
            .query_row(&sql, [content_hash], BatchInfo::from_row)
            .optional()
            .map_err(self.sql("look up a batch"))
    }

    /// Fills in a batch's counts (and its moment, when only reading
    /// told) in the ledger, and reads the row back; part of every
    /// writer's commit.
    pub(crate) fn finish_batch(
        &self,
        id: i64,
        summary: BatchSummary,
    ) -> Result<BatchInfo, StoreError> {
        let sql = "UPDATE batches SET records = ?2, skipped = ?3, bytes = ?4, ingested_at = ?5, \
                   observed_at = coalesce(?6, observed_at) WHERE id = ?1";
        let values = params![
            id,
            summary.records,
            summary.skipped,
            summary.bytes,
            now(),
            summary.observed_at
        ];
        self.conn.execute(sql, values).map_err(self.sql("finish a batch"))?;

        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = ?1");
        self.conn.query_row(&sql, [id], BatchInfo::from_row).map_err(self.sql("finish a batch"))
    }

    /// Adds the ledger row (counts filled in at commit).
    pub(crate) fn insert_batch(&self, meta: &BatchMeta) -> Result<i64, StoreError> {
        let sql = "INSERT INTO batches (kind, zone, source, file_name, content_hash, observed_at, \
                   ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
        let values = params![
            meta.kind,
            meta.zone,
            meta.source,
            meta.file_name,
            meta.content_hash,
            meta.observed_at,
            now()
        ];

        self.conn.execute(sql, values).map_err(self.sql("record a batch"))?;
        Ok(self.conn.last_insert_rowid())
    }
}

fn log_start(meta: &BatchMeta, started: &Result<BatchStart<'_>, StoreError>) {
    match started {
        Ok(BatchStart::New(writer)) => {
            debug!(batch = writer.id(), kind = %meta.kind, file = %meta.file_name, "batch started");
        }
        Ok(BatchStart::Duplicate(info)) => {
            debug!(batch = info.id, file = %meta.file_name, "batch already ingested");
        }
        Err(_) => {}
    }
}

/// The wall clock, unix seconds (only for `ingested_at`).
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
