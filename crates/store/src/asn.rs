//! IP-to-AS tables in the store: writing one table's segments, and
//! finding the AS of an address.
//!
//! A table is one batch of kind [`SOURCE_ASN`], named by its `source`
//! (`asn-ipv4`, `routeviews`, …). Rows are stored flattened: segments
//! that do not overlap, each owned by the most specific source row, so
//! the AS of an address is the segment with the greatest start at or
//! below it, one index probe.
//!
//! # Which table answers
//!
//! Each source's newest table at or before `as_of` is its current
//! table. A source with no table that old answers from its oldest table
//! (reference data is usually loaded after the traffic it explains);
//! the answer says so (`after_as_of`). When several sources hold the
//! address, the newest table wins.

use std::net::IpAddr;

use rusqlite::named_params;
use serde::Serialize;

use crate::address::{ip_from_key, ip_key, without_ipv4};
use crate::error::StoreError;
use crate::sqlite::SqliteStore;
use crate::writer::BatchWriter;

/// The batch kind of IP-to-AS tables.
pub const SOURCE_ASN: &str = "asn";

/// One segment of a flattened IP-to-AS table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewAsnSegment<'a> {
    /// The first address.
    pub start: IpAddr,
    /// The last address (same family as `start`).
    pub end: IpAddr,
    /// The AS number.
    pub asn: u32,
    /// The AS holder's name, when the table gave one.
    pub holder: Option<&'a str>,
    /// The source row that decided the segment, as text
    /// (`192.0.2.0/24` or `192.0.2.0-192.0.2.9`).
    pub row_range: &'a str,
}

/// The AS of an address, and where that came from.
///
/// JSON: `{"asn": 13335, "holder": "Cloudflare, Inc.", "range":
/// "1.0.0.0/24", "source": "asn-ipv4", "batch_id": 3, "observed_at":
/// 1767225600, "after_as_of": false}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsnHitView {
    /// The AS number.
    pub asn: u32,
    /// The AS holder's name, `null` when the table has none.
    pub holder: Option<String>,
    /// The table row that decided (the most specific one).
    pub range: String,
    /// The table's source name.
    pub source: Option<String>,
    /// The table's batch.
    pub batch_id: i64,
    /// The moment the table describes.
    pub observed_at: i64,
    /// The table is newer than `as_of`: no older one exists.
    pub after_as_of: bool,
}

/// An ASN table's batch, as the look-ups use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AsnTableRef {
    pub(crate) id: i64,
    pub(crate) source: Option<String>,
    pub(crate) observed_at: i64,
    pub(crate) after_as_of: bool,
}

/// Each source's table for `:as_of`: the newest at or before it, else
/// the oldest. Newest first.
const TABLES_SQL: &str = "
WITH ranked AS (
    SELECT id, source, observed_at, observed_at > :as_of AS after,
           row_number() OVER (
               PARTITION BY source
               ORDER BY observed_at > :as_of,
                        CASE WHEN observed_at <= :as_of THEN -observed_at ELSE observed_at END,
                        -id) AS rank
    FROM batches WHERE kind = 'asn'
)
SELECT id, source, observed_at, after FROM ranked WHERE rank = 1
ORDER BY after, observed_at DESC, id DESC";

/// The segment with the greatest start at or below `:ip` in one table.
const PROBE_SQL: &str = "
SELECT start, end, asn, holder, row_range FROM asn_segments
WHERE batch_id = :batch AND start <= :ip ORDER BY start DESC LIMIT 1";

impl BatchWriter<'_> {
    /// Adds one segment of an IP-to-AS table to this batch; an IPv6
    /// segment leaves out the keys of IPv4 addresses (IPv4-mapped rows
    /// of an IPv6 table answer for nothing). Segments
    /// come in address order from [`AsnTable`]-like sources, which
    /// keeps the index appends cheap.
    ///
    /// [`AsnTable`]: https://docs.rs/nshunt-ingest
    pub fn add_asn_segment(&mut self, segment: &NewAsnSegment<'_>) -> Result<(), StoreError> {
        let store = self.store;
        if self.segment_insert.is_none() {
            let sql = "INSERT INTO asn_segments (batch_id, start, end, asn, holder, row_range) \
                       VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
            let statement = store.conn.prepare(sql).map_err(store.sql("prepare a segment"))?;
            self.segment_insert = Some(statement);
        }

        let id = self.id();
        let Some(insert) = self.segment_insert.as_mut() else { return Ok(()) };
        let (start, end) = (ip_key(segment.start), ip_key(segment.end));
        let pieces = match segment.start {
            IpAddr::V4(_) => vec![(start, end)],
            IpAddr::V6(_) => without_ipv4(start, end),
        };
        for (start, end) in pieces {
            let (start, end) = (start.to_vec(), end.to_vec());
            let (asn, holder, row) = (segment.asn, segment.holder, segment.row_range);
            let values = rusqlite::params![id, start, end, asn, holder, row];
            insert.execute(values).map_err(store.sql("add an ASN segment"))?;
        }
        Ok(())
    }
}

impl SqliteStore {
    /// The AS of `ip` as of `as_of`, from the ASN tables in the store;
    /// `None` when no table holds it.
    pub fn asn_of(&self, ip: IpAddr, as_of: i64) -> Result<Option<AsnHitView>, StoreError> {
        for table in self.asn_tables(as_of)? {
            if let Some(hit) = self.probe(&table, ip)? {
                return Ok(Some(hit));
            }
        }
        Ok(None)
    }

    /// The current table of each ASN source, newest first.
    pub(crate) fn asn_tables(&self, as_of: i64) -> Result<Vec<AsnTableRef>, StoreError> {
        self.rows("list ASN tables", TABLES_SQL, named_params! { ":as_of": as_of }, |row| {
            Ok(AsnTableRef {
                id: row.get(0)?,
                source: row.get(1)?,
                observed_at: row.get(2)?,
                after_as_of: row.get(3)?,
            })
        })
    }

    /// The segment of one table holding `ip`.
    fn probe(&self, table: &AsnTableRef, ip: IpAddr) -> Result<Option<AsnHitView>, StoreError> {
        let key = ip_key(ip);
        let params = named_params! { ":batch": table.id, ":ip": key.to_vec() };
        let found: Vec<(Vec<u8>, u32, Option<String>, String)> =
            self.rows("look up an address's AS", PROBE_SQL, params, |row| {
                Ok((row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
            })?;

        let Some((end, asn, holder, range)) = found.into_iter().next() else { return Ok(None) };
        if end.as_slice() < key.as_slice() || ip_from_key(&end).is_none() {
            return Ok(None);
        }
        Ok(Some(AsnHitView {
            asn,
            holder,
            range,
            source: table.source.clone(),
            batch_id: table.id,
            observed_at: table.observed_at,
            after_as_of: table.after_as_of,
        }))
    }
}
