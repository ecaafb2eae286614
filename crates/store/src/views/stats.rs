//! Figures of one name-server domain shared by both views: density,
//! delegation TTLs and the child-side mean TTL.

use std::sync::LazyLock;

use rusqlite::named_params;
use serde::Serialize;

use crate::current::{SIGHTING_WINDOW_SECS, current};
use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// Why `ns_avg_ttl` is null when domains exist but none has a
/// child-side observation.
pub const NS_AVG_TTL_NO_CHILD_SIDE: &str = "only parent-side delegation TTLs observed (zone \
     data); child-side TTLs come from collection or passive DNS";

/// Why `ns_avg_ttl` is null when no domain is currently delegated.
pub const NS_AVG_TTL_NO_DOMAINS: &str = "no domains are currently delegated to this name server";

/// Mean, smallest and largest of a set of TTLs.
///
/// JSON: `{"mean": 172800.0, "min": 172800, "max": 172800, "records": 3}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TtlStats {
    /// The mean TTL, seconds.
    pub mean: f64,
    /// The smallest TTL, seconds.
    pub min: u32,
    /// The largest TTL, seconds.
    pub max: u32,
    /// How many records (observations) the figures cover.
    pub records: u64,
}

/// The figures of one name-server domain as of a moment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NsStats {
    /// Distinct delegated names currently under the name-server domain.
    pub num_domains: u64,
    /// TTLs of the current delegating NS records in parent zones.
    pub delegation_ttl: Option<TtlStats>,
    /// The mean of the domains' own (child-side) mean TTLs.
    pub ns_avg_ttl: Option<f64>,
    /// How many domains `ns_avg_ttl` was computed from.
    pub ns_avg_ttl_domains: u64,
}

impl NsStats {
    /// Why `ns_avg_ttl` is null, when it is.
    pub fn ns_avg_ttl_reason(&self) -> Option<String> {
        match (self.ns_avg_ttl, self.num_domains) {
            (Some(_), _) => None,
            (None, 0) => Some(NS_AVG_TTL_NO_DOMAINS.to_owned()),
            (None, _) => Some(NS_AVG_TTL_NO_CHILD_SIDE.to_owned()),
        }
    }
}

/// Density and parent-side TTLs in one pass over the delegations,
/// grouped by name in index order (no temporary B-tree for DISTINCT).
pub(crate) static DELEGATIONS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH per_domain AS (
             SELECT sum(CASE WHEN o.source = 'zone' THEN o.ttl END) AS ttl_sum,
                    min(CASE WHEN o.source = 'zone' THEN o.ttl END) AS ttl_min,
                    max(CASE WHEN o.source = 'zone' THEN o.ttl END) AS ttl_max,
                    count(CASE WHEN o.source = 'zone' THEN 1 END) AS zone_records
             FROM observations AS o
             WHERE o.ns_domain = :ns AND o.delegation = 1 AND {}
             GROUP BY o.name
         )
         SELECT count(*), sum(ttl_sum) * 1.0 / sum(zone_records), min(ttl_min), max(ttl_max),
                ifnull(sum(zone_records), 0)
         FROM per_domain",
        current("o")
    )
});

/// The child-side mean: each current domain's mean TTL over its own
/// current records from sources other than zone files, then the mean
/// over the domains that have any.
pub(crate) static CHILD_TTL_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH domains AS (
             SELECT o.name FROM observations AS o
             WHERE o.ns_domain = :ns AND o.delegation = 1 AND {}
             GROUP BY o.name
         ),
         per_domain AS (
             SELECT avg(c.ttl) AS ttl FROM domains AS d
             JOIN observations AS c ON c.name = d.name
             WHERE c.source <> 'zone' AND {}
             GROUP BY d.name
         )
         SELECT avg(ttl), count(*) FROM per_domain",
        current("o"),
        current("c")
    )
});

/// Whether any batch of a source other than zone files started by T;
/// without one, no child-side observation can be current.
const HAS_CHILD_SIDE_SQL: &str =
    "SELECT EXISTS (SELECT 1 FROM batches WHERE kind <> 'zone' AND observed_at <= :as_of)";

impl SqliteStore {
    /// The figures of `ns_domain` as of `as_of`.
    pub(crate) fn ns_stats(&self, ns_domain: &str, as_of: i64) -> Result<NsStats, StoreError> {
        let params = named_params! {
            ":ns": ns_domain, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };

        let (num_domains, delegation_ttl) =
            self.row("count a name server's domains", &DELEGATIONS_SQL, params, |row| {
                let ttl = match row.get::<_, Option<f64>>(1)? {
                    Some(mean) => Some(TtlStats {
                        mean,
                        min: row.get(2)?,
                        max: row.get(3)?,
                        records: row.get(4)?,
                    }),
                    None => None,
                };
                Ok((row.get(0)?, ttl))
            })?;

        let (ns_avg_ttl, ns_avg_ttl_domains) = match self.has_child_side(as_of)? {
            true => self.row("average child-side ttls", &CHILD_TTL_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?,
            false => (None, 0),
        };

        Ok(NsStats { num_domains, delegation_ttl, ns_avg_ttl, ns_avg_ttl_domains })
    }

    /// Whether child-side figures are possible at all as of `as_of`: a
    /// shortcut that spares zone-only stores a join per domain.
    fn has_child_side(&self, as_of: i64) -> Result<bool, StoreError> {
        let params = named_params! { ":as_of": as_of };
        self.row("look for child-side batches", HAS_CHILD_SIDE_SQL, params, |row| row.get(0))
    }
}
