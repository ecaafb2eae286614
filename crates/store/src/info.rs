//! What a store holds: sizes, sources, batches, record types.

use std::path::Path;

use nshunt_model::RrType;
use serde::Serialize;

use crate::batch::{BATCH_COLUMNS, BatchInfo};
use crate::error::StoreError;
use crate::registrations::RegistrationCount;
use crate::sqlite::SqliteStore;

/// A summary of the store.
///
/// JSON:
///
/// ```json
/// {
///   "path": "/var/lib/nshunt/store.db",
///   "schema_version": 1,
///   "db_bytes": 4096000,
///   "wal_bytes": 0,
///   "observations": 12,
///   "sources": [{"source": "zone", "zone": "com", "batches": 2,
///                "observations": 10, "newest_observed_at": 1767225600}],
///   "batches": [{"id": 2, "kind": "zone", "zone": "com", …}],
///   "rrtypes": [{"rrtype": "NS", "observations": 8}],
///   "labels": 3,
///   "label_sources": [{"source": "maltrail", "list": "block", "labels": 3}],
///   "registrations": [{"source": "whois", "status": "registered",
///                      "registrations": 120, "domains": 118}]
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreInfo {
    /// The store file.
    pub path: String,
    /// The schema version (`PRAGMA user_version`).
    pub schema_version: i64,
    /// Size of the database file, bytes.
    pub db_bytes: u64,
    /// Size of the write-ahead log (`-wal` file), bytes; 0 when absent.
    pub wal_bytes: u64,
    /// Observations in all.
    pub observations: u64,
    /// Counts per source kind and zone, sorted by source then zone.
    pub sources: Vec<SourceCount>,
    /// Every batch of the ledger, newest `observed_at` first.
    pub batches: Vec<BatchInfo>,
    /// Observations per record type, by type number.
    pub rrtypes: Vec<RrTypeCount>,
    /// Labels in all.
    pub labels: u64,
    /// Labels per source and list kind, sorted by source then list.
    pub label_sources: Vec<LabelSourceCount>,
    /// WHOIS and RDAP answers per source and status, sorted by source
    /// then status (registered, not registered, unknown).
    pub registrations: Vec<RegistrationCount>,
}

/// The labels of one source and list kind.
///
/// JSON: `{"source": "maltrail", "list": "block", "labels": 1790000}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelSourceCount {
    /// The source's name (`--source`).
    pub source: String,
    /// The list kind (`block`, `allow`, …).
    pub list: String,
    /// Labels of this source and list kind.
    pub labels: u64,
}

/// The counts of one source kind and zone.
///
/// JSON: `{"source": "zone", "zone": "com", "batches": 2, "observations": 10,
/// "newest_observed_at": 1767225600}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    /// The source kind.
    pub source: String,
    /// The zone origin for zone data, `null` otherwise.
    pub zone: Option<String>,
    /// Batches of this source and zone.
    pub batches: u64,
    /// Observations of this source and zone.
    pub observations: u64,
    /// The newest `observed_at` of its batches; `null` without batches.
    pub newest_observed_at: Option<i64>,
}

/// Observations of one record type.
///
/// JSON: `{"rrtype": "NS", "observations": 8}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RrTypeCount {
    /// The record type's mnemonic.
    pub rrtype: RrType,
    /// Observations of that type.
    pub observations: u64,
}

/// Batches and observations per source and zone. Observations without
/// a batch of their kind cannot exist, so the ledger leads.
const SOURCES_SQL: &str = "
    WITH b AS (
        SELECT kind, zone, count(*) AS batches, max(observed_at) AS newest
        FROM batches GROUP BY kind, zone
    ),
    o AS (
        SELECT source, zone, count(*) AS observations FROM observations GROUP BY source, zone
    )
    SELECT b.kind, b.zone, b.batches, ifnull(o.observations, 0), b.newest
    FROM b LEFT JOIN o ON o.source = b.kind AND o.zone IS b.zone
    ORDER BY b.kind, b.zone";

impl SqliteStore {
    /// A summary of the store (counting scans every observation).
    pub fn info(&self) -> Result<StoreInfo, StoreError> {
        let schema_version = self.schema_version()?;
        let db_bytes = file_size(&self.path)?;
        let wal_bytes = file_size(&wal_path(&self.path))?;

        let sources = self.rows("count sources", SOURCES_SQL, [], |row| {
            Ok(SourceCount {
                source: row.get(0)?,
                zone: row.get(1)?,
                batches: row.get(2)?,
                observations: row.get(3)?,
                newest_observed_at: row.get(4)?,
            })
        })?;

        let label_sources = self.label_counts()?;
        Ok(StoreInfo {
            path: self.path.display().to_string(),
            schema_version,
            db_bytes,
            wal_bytes,
            observations: sources.iter().map(|s| s.observations).sum(),
            sources,
            batches: self.batches()?,
            rrtypes: self.rrtype_counts()?,
            labels: label_sources.iter().map(|s| s.labels).sum(),
            label_sources,
            registrations: self.registration_counts()?,
        })
    }

    /// Labels per source and list kind (a scan of every label).
    fn label_counts(&self) -> Result<Vec<LabelSourceCount>, StoreError> {
        let sql = "SELECT g.source, g.list, sum(c.labels) \
                   FROM (SELECT group_id, count(*) AS labels FROM labels GROUP BY group_id) AS c \
                   JOIN label_groups AS g ON g.id = c.group_id \
                   GROUP BY g.source, g.list ORDER BY g.source, g.list";
        self.rows("count labels", sql, [], |row| {
            Ok(LabelSourceCount { source: row.get(0)?, list: row.get(1)?, labels: row.get(2)? })
        })
    }

    /// Every batch of the ledger, newest `observed_at` first.
    pub fn batches(&self) -> Result<Vec<BatchInfo>, StoreError> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches ORDER BY observed_at DESC, id DESC");
        self.rows("list batches", &sql, [], BatchInfo::from_row)
    }

    fn rrtype_counts(&self) -> Result<Vec<RrTypeCount>, StoreError> {
        let sql = "SELECT rrtype, count(*) FROM observations GROUP BY rrtype ORDER BY rrtype";
        self.rows("count record types", sql, [], |row| {
            Ok(RrTypeCount { rrtype: RrType(row.get(0)?), observations: row.get(1)? })
        })
    }
}

fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    wal.into()
}

/// The size of a file, 0 when it does not exist.
fn file_size(path: &Path) -> Result<u64, StoreError> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(meta.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(source) => Err(StoreError::FileSize { path: path.to_owned(), source }),
    }
}
