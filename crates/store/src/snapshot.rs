//! Bulk readers for analysis: the whole store as of a moment, row by
//! row, for code that aggregates millions of rows in memory (profiles,
//! reputation) instead of asking one entity at a time.
//!
//! Each reader streams rows to a callback, so that the caller keeps
//! only what it aggregates. "Current" follows [`crate::current`]: a zone
//! row belongs to the newest snapshot of its zone at or before the
//! moment, a row of another source was seen within
//! [`SIGHTING_WINDOW_SECS`]; the snapshot times are looked up once per
//! zone here rather than once per row in SQL.

use std::collections::HashMap;
use std::net::IpAddr;

use rusqlite::named_params;

use crate::address::ip_from_key;
use crate::current::SIGHTING_WINDOW_SECS;
use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// One observation as the bulk reader hands it over (borrowed: copy
/// what you keep).
#[derive(Debug, Clone, Copy)]
pub struct SnapshotRecord<'a> {
    /// Owner name, lower case, no trailing dot.
    pub name: &'a str,
    /// Record type number.
    pub rrtype: u16,
    /// Record data, presentation format.
    pub rdata: &'a str,
    /// TTL, when the source gave one.
    pub ttl: Option<u32>,
    /// First sighting.
    pub first_seen: i64,
    /// Last sighting, bounded by the moment.
    pub last_seen: i64,
    /// `zone`, `pdns`, `active`, ….
    pub source: &'a str,
    /// A parent-side delegation (an NS record read from the parent
    /// zone).
    pub delegation: bool,
    /// For NS rows: the registered domain of the target.
    pub ns_domain: Option<&'a str>,
    /// For A/AAAA rows: the address.
    pub ip: Option<IpAddr>,
    /// For PTR rows: the naming pattern of the target.
    pub ptr_pattern: Option<&'a str>,
    /// Whether the row is current at the moment (see the module docs);
    /// rows that ended within the window before it are handed over too,
    /// for churn.
    pub current: bool,
}

/// A label as the bulk reader hands it over.
#[derive(Debug, Clone, Copy)]
pub struct SnapshotLabel<'a> {
    /// Canonical value (`evil.example`, `192.0.2.0/24`, `AS64500`).
    pub value: &'a str,
    /// `domain`, `suffix`, `ip`, `cidr`, `url`, `path` or `asn`.
    pub kind: &'a str,
    /// The label's source name.
    pub source: &'a str,
    /// `block`, `allow`, `cdn`, `parking`, `sinkhole`, `dynamic_dns`,
    /// `popular`, `bogon`, `bad_asn`.
    pub list: &'a str,
    /// Category or family (empty when the list gives none).
    pub category: &'a str,
    /// `low`, `medium`, `high`, when the list says.
    pub severity: Option<&'a str>,
    /// First seen: the load that first carried it.
    pub first_seen: i64,
}

/// A registration as the bulk reader hands it over: the newest record
/// of each domain observed at or before the moment (else its oldest).
#[derive(Debug, Clone, Copy)]
pub struct SnapshotRegistration<'a> {
    /// The registered domain.
    pub domain: &'a str,
    /// `registered`, `not_found`, ….
    pub status: &'a str,
    /// Registrar name.
    pub registrar: Option<&'a str>,
    /// Creation date.
    pub created: Option<i64>,
    /// Expiry date.
    pub expires: Option<i64>,
    /// The registrant's organisation.
    pub org: Option<&'a str>,
    /// The registrant's country, as the record gives it.
    pub country: Option<&'a str>,
    /// The registrant's postal address, one line: street lines, city,
    /// state, postcode, country, lower case, blanks collapsed; `None`
    /// when the record gives none of them.
    pub address: Option<&'a str>,
    /// A privacy or proxy service stands in for the registrant.
    pub privacy: bool,
}

/// One segment of an IP-to-AS table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotAsnSegment {
    /// First address key (16 bytes, IPv4 mapped).
    pub start: [u8; 16],
    /// Last address key.
    pub end: [u8; 16],
    /// The AS number; `None` for "not routed".
    pub asn: Option<u32>,
    /// The AS holder.
    pub holder: Option<String>,
}

/// Observations of the types analysis reads: NS, A, AAAA, MX, CNAME,
/// PTR.
const RECORDS_SQL: &str = "
SELECT name, rrtype, rdata, ttl, first_seen, last_seen, source, zone, delegation, ns_domain, ip,
       ptr_pattern
FROM observations
WHERE rrtype IN (1, 2, 5, 12, 15, 28) AND first_seen <= :as_of
  AND (source = 'zone' OR last_seen >= :since)";

/// Labels known at the moment: first seen by then (a score as of a
/// moment must not use what was listed later), or from a source with no
/// load that old at all. Lists are usually loaded long after the
/// traffic they explain, so, as in the views, a source loaded only
/// later still answers; load a source's history in order for strict
/// cut-offs.
const LABELS_SQL: &str = "
WITH early AS (
    SELECT DISTINCT source FROM batches WHERE kind = 'labels' AND observed_at <= :as_of
)
SELECT l.value, g.kind, g.source, g.list, g.category, n.severity, l.first_seen
FROM labels AS l CROSS JOIN label_groups AS g ON g.id = l.group_id
CROSS JOIN label_notes AS n ON n.id = l.note
WHERE l.first_seen <= :as_of OR g.source NOT IN (SELECT source FROM early)";

/// Each domain's registration: the newest observed at or before the
/// moment, else the oldest (registration data is often loaded after
/// the traffic it describes).
const REGISTRATIONS_SQL: &str = "
WITH ranked AS (
    SELECT domain, status, registrar, created, expires, registrant_org, registrant_street,
           registrant_city, registrant_state, registrant_postcode, registrant_country, privacy,
           row_number() OVER (
               PARTITION BY domain
               ORDER BY observed_at > :as_of,
                        CASE WHEN observed_at <= :as_of THEN -observed_at ELSE observed_at END,
                        -id) AS rank
    FROM registrations
)
SELECT domain, status, registrar, created, expires, registrant_org, registrant_street,
       registrant_city, registrant_state, registrant_postcode, registrant_country, privacy
FROM ranked WHERE rank = 1";

const SEGMENTS_SQL: &str = "
SELECT start, end, asn, holder FROM asn_segments WHERE batch_id = :batch ORDER BY start";

impl SqliteStore {
    /// Streams the NS, A, AAAA, MX, CNAME and PTR observations that are
    /// current at `as_of`, and those that stopped being current within
    /// `window` seconds before it (flagged `current: false`). Returns
    /// how many rows were handed over.
    pub fn for_each_snapshot_record(
        &self,
        as_of: i64,
        window: i64,
        mut f: impl FnMut(&SnapshotRecord<'_>),
    ) -> Result<u64, StoreError> {
        let snapshots = self.zone_snapshots(as_of)?;
        let what = "read the observations";
        let mut stmt = self.conn.prepare(RECORDS_SQL).map_err(self.sql(what))?;
        let params = named_params! { ":as_of": as_of, ":since": as_of - window.max(0) };
        let mut rows = stmt.query(params).map_err(self.sql(what))?;

        // Zone rows stay current as long as their zone's newest
        // snapshot holds them, however old it is; the ended ones only
        // matter (for churn) within the window.
        let since = as_of - window.max(0);
        let mut count = 0;
        while let Some(row) = rows.next().map_err(self.sql(what))? {
            let record = snapshot_record(row, &snapshots, as_of).map_err(self.sql(what))?;
            if !record.current && record.last_seen < since {
                continue;
            }
            f(&record);
            count += 1;
        }
        Ok(count)
    }

    /// Streams the labels known at `as_of` (see [`LABELS_SQL`]).
    pub fn for_each_snapshot_label(
        &self,
        as_of: i64,
        mut f: impl FnMut(&SnapshotLabel<'_>),
    ) -> Result<u64, StoreError> {
        let what = "read the labels";
        let mut stmt = self.conn.prepare(LABELS_SQL).map_err(self.sql(what))?;
        let mut rows = stmt.query(named_params! { ":as_of": as_of }).map_err(self.sql(what))?;

        let mut count = 0;
        while let Some(row) = rows.next().map_err(self.sql(what))? {
            let label = SnapshotLabel {
                value: row.get_ref(0).and_then(|v| Ok(v.as_str()?)).map_err(self.sql(what))?,
                kind: row.get_ref(1).and_then(|v| Ok(v.as_str()?)).map_err(self.sql(what))?,
                source: row.get_ref(2).and_then(|v| Ok(v.as_str()?)).map_err(self.sql(what))?,
                list: row.get_ref(3).and_then(|v| Ok(v.as_str()?)).map_err(self.sql(what))?,
                category: row.get_ref(4).and_then(|v| Ok(v.as_str()?)).map_err(self.sql(what))?,
                severity: row
                    .get_ref(5)
                    .and_then(|v| Ok(v.as_str_or_null()?))
                    .map_err(self.sql(what))?,
                first_seen: row.get(6).map_err(self.sql(what))?,
            };
            f(&label);
            count += 1;
        }
        Ok(count)
    }

    /// Streams each domain's registration as of `as_of`.
    pub fn for_each_snapshot_registration(
        &self,
        as_of: i64,
        mut f: impl FnMut(&SnapshotRegistration<'_>),
    ) -> Result<u64, StoreError> {
        let what = "read the registrations";
        let mut stmt = self.conn.prepare(REGISTRATIONS_SQL).map_err(self.sql(what))?;
        let mut rows = stmt.query(named_params! { ":as_of": as_of }).map_err(self.sql(what))?;

        let mut count = 0;
        let mut address = String::new();
        while let Some(row) = rows.next().map_err(self.sql(what))? {
            let text = |i: usize| row.get_ref(i).and_then(|v| Ok(v.as_str_or_null()?));
            let parts: Vec<Option<&str>> =
                (6..=10).map(text).collect::<rusqlite::Result<_>>().map_err(self.sql(what))?;
            let has_address = address_line(&parts, &mut address);
            let registration = SnapshotRegistration {
                domain: text(0).map_err(self.sql(what))?.unwrap_or_default(),
                status: text(1).map_err(self.sql(what))?.unwrap_or_default(),
                registrar: text(2).map_err(self.sql(what))?,
                created: row.get(3).map_err(self.sql(what))?,
                expires: row.get(4).map_err(self.sql(what))?,
                org: text(5).map_err(self.sql(what))?,
                country: text(10).map_err(self.sql(what))?,
                address: has_address.then_some(address.as_str()),
                privacy: row.get(11).map_err(self.sql(what))?,
            };
            f(&registration);
            count += 1;
        }
        Ok(count)
    }

    /// The segments of each ASN source's table for `as_of` (the newest
    /// at or before it, else the oldest), newest table first, each in
    /// address order.
    pub fn snapshot_asn_tables(
        &self,
        as_of: i64,
    ) -> Result<Vec<Vec<SnapshotAsnSegment>>, StoreError> {
        let mut tables = Vec::new();
        for table in self.asn_tables(as_of)? {
            let params = named_params! { ":batch": table.id };
            let segments = self.rows("read an ASN table", SEGMENTS_SQL, params, |row| {
                Ok(SnapshotAsnSegment {
                    start: key16(&row.get::<_, Vec<u8>>(0)?),
                    end: key16(&row.get::<_, Vec<u8>>(1)?),
                    asn: row.get(2)?,
                    holder: row.get(3)?,
                })
            })?;
            tables.push(segments);
        }
        Ok(tables)
    }

    /// S(T) of every zone: its newest snapshot at or before `as_of`.
    fn zone_snapshots(&self, as_of: i64) -> Result<HashMap<String, i64>, StoreError> {
        let sql = "SELECT zone, max(observed_at) FROM batches
                   WHERE kind = 'zone' AND zone IS NOT NULL AND observed_at <= :as_of GROUP BY zone";
        let pairs =
            self.rows("find the zone snapshots", sql, named_params! { ":as_of": as_of }, |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })?;
        Ok(pairs.into_iter().collect())
    }
}

/// One row of [`RECORDS_SQL`], with "current" decided.
fn snapshot_record<'r>(
    row: &'r rusqlite::Row<'_>,
    snapshots: &HashMap<String, i64>,
    as_of: i64,
) -> rusqlite::Result<SnapshotRecord<'r>> {
    let source = row.get_ref(6)?.as_str()?;
    let zone = row.get_ref(7)?.as_str_or_null()?;
    let last_seen: i64 = row.get(5)?;
    let current = if source == "zone" {
        zone.and_then(|z| snapshots.get(z)).is_some_and(|&s| last_seen >= s)
    } else {
        last_seen >= as_of - SIGHTING_WINDOW_SECS
    };

    let ip = match row.get_ref(10)?.as_blob_or_null()? {
        Some(key) => ip_from_key(key),
        None => None,
    };
    let ttl: Option<i64> = row.get(3)?;
    Ok(SnapshotRecord {
        name: row.get_ref(0)?.as_str()?,
        rrtype: row.get(1)?,
        rdata: row.get_ref(2)?.as_str()?,
        ttl: ttl.and_then(|t| u32::try_from(t).ok()),
        first_seen: row.get(4)?,
        last_seen: last_seen.min(as_of),
        source,
        delegation: row.get(8)?,
        ns_domain: row.get_ref(9)?.as_str_or_null()?,
        ip,
        ptr_pattern: row.get_ref(11)?.as_str_or_null()?,
        current,
    })
}

/// The registrant's address as one comparable line; false when the
/// record gives no part of it. The street is a JSON array of lines.
fn address_line(parts: &[Option<&str>], out: &mut String) -> bool {
    out.clear();
    // A state and a country alone are not an address anyone shares on
    // purpose: thousands of registrants give just those.
    let street =
        parts.first().copied().flatten().is_some_and(|s| s.trim() != "[]" && !s.trim().is_empty());
    let city = parts.get(1).copied().flatten().is_some_and(|c| !c.trim().is_empty());
    if !street && !city {
        return false;
    }
    let street = parts.first().copied().flatten().unwrap_or_default();
    let lines: Vec<String> = serde_json::from_str(street).unwrap_or_default();
    let rest = parts.iter().skip(1).map(|p| p.unwrap_or_default().to_owned());
    for part in lines.into_iter().chain(rest) {
        for word in part.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
        if !out.is_empty() && !out.ends_with(',') {
            out.push(',');
        }
    }
    while out.ends_with(',') {
        out.pop();
    }
    !out.is_empty()
}

/// A 16-byte address key (shorter keys are zero-padded; they do not
/// occur in a store this code wrote).
fn key16(bytes: &[u8]) -> [u8; 16] {
    let mut key = [0u8; 16];
    let n = bytes.len().min(16);
    key[..n].copy_from_slice(&bytes[..n]);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_one_lower_case_line() {
        let mut out = String::new();
        let street = r#"["1 Main  Street", "Suite 5"]"#;
        let parts = [Some(street), Some("Reykjavik"), None, Some("101"), Some("IS")];
        assert!(address_line(&parts, &mut out));
        assert_eq!(out, "1 main street, suite 5, reykjavik, 101, is");

        assert!(!address_line(&[None, None, None, None, None], &mut out));
        assert!(!address_line(&[Some("[]"), Some(" "), None, None, None], &mut out));
        assert!(!address_line(&[None, None, Some("CA"), None, Some("US")], &mut out));
    }
}
