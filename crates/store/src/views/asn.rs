//! The AS view: its holder, its ranges in the current tables, and the
//! names hosted in them.

use std::sync::LazyLock;

use rusqlite::named_params;
use serde::Serialize;

use super::label::LabelView;
use super::network::{HostedName, hosted_name};
use crate::current::{SIGHTING_WINDOW_SECS, current, seen_until};
use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// What the store knows about one AS.
///
/// JSON: `{"asn": 13335, "as_of": …, "holder": "Cloudflare, Inc.",
/// "tables": ["asn-ipv4"], "range_count": 1234, "address_count": 3,
/// "name_count": 12, "hosted": [{…}], "labels": [{…}]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsnView {
    /// The AS number.
    pub asn: u32,
    /// The moment the view describes.
    pub as_of: i64,
    /// The holder's name in the newest table that has one.
    pub holder: Option<String>,
    /// The ASN tables (their source names) the AS appears in.
    pub tables: Vec<String>,
    /// Address ranges (flattened segments) it originates in them.
    pub range_count: u64,
    /// Distinct addresses currently hosting names in them.
    pub address_count: u64,
    /// Distinct names currently hosted in them.
    pub name_count: u64,
    /// One page of hosted (name, address) rows, sorted by address.
    pub hosted: Vec<HostedName>,
    /// Labels on the AS itself.
    pub labels: Vec<LabelView>,
}

/// The AS's segments in the current tables (`:batches`, a JSON array
/// of batch ids).
const SEGMENTS_SQL: &str = "
SELECT count(*), (SELECT holder FROM asn_segments AS h
                  WHERE h.asn = :asn AND h.holder IS NOT NULL
                    AND h.batch_id IN (SELECT value FROM json_each(:batches))
                  ORDER BY h.batch_id DESC LIMIT 1)
FROM asn_segments AS s
WHERE s.asn = :asn AND s.batch_id IN (SELECT value FROM json_each(:batches))";

/// The join of an AS's segments with the address index.
const HOSTED_FROM: &str = "
FROM asn_segments AS s JOIN observations AS o
  ON o.ip IS NOT NULL AND o.ip BETWEEN s.start AND s.end
WHERE s.asn = :asn AND s.batch_id IN (SELECT value FROM json_each(:batches))";

static COUNTS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT count(DISTINCT o.ip), count(DISTINCT o.name) {HOSTED_FROM} AND {}",
        current("o")
    )
});

static HOSTED_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.name, o.ip, o.rrtype, min(o.ttl), max(o.ttl),
                group_concat(DISTINCT o.source), min(o.first_seen), max({})
         {HOSTED_FROM} AND {}
         GROUP BY o.ip, o.name, o.rrtype ORDER BY o.ip, o.name LIMIT :limit",
        seen_until("o"),
        current("o")
    )
});

impl SqliteStore {
    /// The view of AS `asn` as of `as_of`; `None` when no current table
    /// has it.
    pub fn asn_view(
        &self,
        asn: u32,
        as_of: i64,
        limit: u32,
    ) -> Result<Option<AsnView>, StoreError> {
        let tables = self.asn_tables(as_of)?;
        let ids: Vec<String> = tables.iter().map(|t| t.id.to_string()).collect();
        let batches = format!("[{}]", ids.join(","));

        let params = named_params! { ":asn": asn, ":batches": batches };
        let (range_count, holder): (u64, Option<String>) =
            self.row("list an AS's ranges", SEGMENTS_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
        if range_count == 0 {
            return Ok(None);
        }

        let window = SIGHTING_WINDOW_SECS;
        let params = named_params! {
            ":asn": asn, ":batches": batches, ":as_of": as_of, ":window": window,
        };
        let (address_count, name_count): (u64, u64) =
            self.row("count an AS's names", &COUNTS_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
        let params = named_params! {
            ":asn": asn, ":batches": batches, ":as_of": as_of, ":window": window, ":limit": limit,
        };
        let hosted = self.rows("list an AS's names", &HOSTED_SQL, params, hosted_name)?;
        let hosted = self.with_scores(hosted)?;

        Ok(Some(AsnView {
            asn,
            as_of,
            holder,
            tables: self.tables_with(asn, &tables)?,
            range_count,
            address_count,
            name_count,
            hosted,
            labels: self.labels_for("", &[], &[asn], as_of)?,
        }))
    }

    /// The source names of the tables that hold the AS.
    fn tables_with(
        &self,
        asn: u32,
        tables: &[crate::asn::AsnTableRef],
    ) -> Result<Vec<String>, StoreError> {
        let sql =
            "SELECT EXISTS (SELECT 1 FROM asn_segments WHERE asn = :asn AND batch_id = :batch)";
        let mut names = Vec::new();
        for table in tables {
            let params = named_params! { ":asn": asn, ":batch": table.id };
            let has: bool = self.row("find an AS's tables", sql, params, |row| row.get(0))?;
            if has {
                names.extend(table.source.clone());
            }
        }
        Ok(names)
    }
}
