//! The name-server profile: everything delegated to the hosts of one
//! name-server domain.

use std::sync::LazyLock;

use nshunt_model::RrType;
use rusqlite::named_params;
use serde::Serialize;
use tracing::debug;

use super::stats::TtlStats;
use crate::current::{SIGHTING_WINDOW_SECS, current, seen_until};
use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// The profile of one name-server domain as of a moment.
///
/// JSON:
///
/// ```json
/// {
///   "ns_domain": "dendrite.network",
///   "as_of": 1767225600,
///   "num_domains": 2,
///   "hosts": [{"host": "ns1.dendrite.network", "num_domains": 2,
///              "addresses": [{"rrtype": "A", "address": "192.0.2.53",
///                             "first_seen": 1767225600, "last_seen": 1767225600}]}],
///   "delegation_ttl": {"mean": 172800.0, "min": 172800, "max": 172800, "records": 4},
///   "ns_avg_ttl": null,
///   "ns_avg_ttl_domains": 0,
///   "ns_avg_ttl_reason": "only parent-side delegation TTLs observed (zone data); …",
///   "first_seen": 1764547200,
///   "last_seen": 1767225600,
///   "zones": [{"zone": "com", "num_domains": 2}],
///   "domains_offset": 0,
///   "domains_limit": 100,
///   "domains": [{"name": "example.com", "first_seen": 1764547200,
///                "last_seen": 1767225600}]
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameserverProfile {
    /// The name-server domain (registered domain of the NS hosts).
    pub ns_domain: String,
    /// The moment the profile describes, unix seconds.
    pub as_of: i64,
    /// Distinct delegated names currently delegated to any host under
    /// `ns_domain`, from any source.
    pub num_domains: u64,
    /// The current NS hosts under `ns_domain`, sorted by name.
    pub hosts: Vec<NsHost>,
    /// TTLs of the current delegating NS records in parent zones (zone
    /// data only); `null` when there are none.
    pub delegation_ttl: Option<TtlStats>,
    /// The mean over the domains of each domain's own mean record TTL
    /// from collection or passive DNS (never zone data); `null` when no
    /// domain has such records, see `ns_avg_ttl_reason`.
    pub ns_avg_ttl: Option<f64>,
    /// How many domains `ns_avg_ttl` was computed from.
    pub ns_avg_ttl_domains: u64,
    /// Why `ns_avg_ttl` is `null`; `null` when it is not.
    pub ns_avg_ttl_reason: Option<String>,
    /// The earliest first sighting of any delegation to `ns_domain`
    /// (history included, only sightings starting by `as_of`).
    pub first_seen: i64,
    /// The latest last sighting of those delegations; it may lie after
    /// `as_of` when the store holds newer data.
    pub last_seen: i64,
    /// The zones the current delegations come from, sorted by zone.
    pub zones: Vec<ZoneCount>,
    /// The offset of the `domains` page.
    pub domains_offset: u64,
    /// The size limit of the `domains` page.
    pub domains_limit: u64,
    /// One page of the currently delegated names, sorted by name.
    pub domains: Vec<DelegatedDomain>,
}

/// One NS host under a name-server domain.
///
/// JSON: `{"host": "ns1.dendrite.network", "num_domains": 2, "addresses": […]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NsHost {
    /// The host name (an NS record's target).
    pub host: String,
    /// Distinct names currently delegated to this host.
    pub num_domains: u64,
    /// Current A and AAAA records owned by the host (glue or answers,
    /// any source), sorted by type then address.
    pub addresses: Vec<Address>,
}

/// One address of an NS host.
///
/// JSON: `{"rrtype": "A", "address": "192.0.2.53", "first_seen": 1767225600,
/// "last_seen": 1767225600}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    /// `"A"` or `"AAAA"`.
    pub rrtype: RrType,
    /// The address as the record's data.
    pub address: String,
    /// The earliest first sighting over sources and TTLs.
    pub first_seen: i64,
    /// The latest last sighting over sources and TTLs.
    pub last_seen: i64,
}

/// How many current delegations one zone holds.
///
/// JSON: `{"zone": "com", "num_domains": 2}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneCount {
    /// The zone origin (`.` for the root zone).
    pub zone: String,
    /// Distinct delegated names in that zone.
    pub num_domains: u64,
}

/// One delegated name on a profile's page.
///
/// JSON: `{"name": "example.com", "first_seen": 1764547200, "last_seen": 1767225600,
/// "risk": 12.5, "state": "active"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DelegatedDomain {
    /// The delegated name.
    pub name: String,
    /// Its first delegation to this name-server domain, through any of
    /// its hosts (current or not).
    pub first_seen: i64,
    /// The latest last sighting of its current delegations here.
    pub last_seen: i64,
    /// Its risk in the newest scoring run; `null` when not scored.
    pub risk: Option<f64>,
    /// Its lifecycle state in the newest scoring run (`waiting`,
    /// `active`, …); `null` when not scored.
    pub state: Option<String>,
}

/// The span of all delegations to the name-server domain.
pub(crate) static HISTORY_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT min(o.first_seen), max({}) FROM observations AS o
         WHERE o.ns_domain = :ns AND o.delegation = 1 AND o.first_seen <= :as_of",
        seen_until("o")
    )
});

/// The delegations that are current, as a reusable condition.
fn delegations() -> String {
    format!("o.ns_domain = :ns AND o.delegation = 1 AND {}", current("o"))
}

pub(crate) static HOSTS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.rdata, count(DISTINCT o.name) FROM observations AS o
         WHERE {} GROUP BY o.rdata ORDER BY o.rdata",
        delegations()
    )
});

pub(crate) static ADDRESSES_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.rrtype, o.rdata, min(o.first_seen), max({}) FROM observations AS o
         WHERE o.name = :host AND o.rrtype IN (1, 28) AND {}
         GROUP BY o.rrtype, o.rdata ORDER BY o.rrtype, o.rdata",
        seen_until("o"),
        current("o")
    )
});

pub(crate) static ZONES_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.zone, count(DISTINCT o.name) FROM observations AS o
         WHERE {} AND o.source = 'zone' GROUP BY o.zone ORDER BY o.zone",
        delegations()
    )
});

pub(crate) static DOMAINS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.name,
                (SELECT min(p.first_seen) FROM observations AS p
                 WHERE p.ns_domain = :ns AND p.delegation = 1 AND p.name = o.name),
                max({}),
                (SELECT s.risk FROM domain_scores AS s WHERE s.domain = o.name),
                (SELECT s.lifecycle FROM domain_scores AS s WHERE s.domain = o.name)
         FROM observations AS o
         WHERE {} GROUP BY o.name ORDER BY o.name LIMIT :limit OFFSET :offset",
        seen_until("o"),
        delegations()
    )
});

impl SqliteStore {
    /// The profile of `ns_domain` (a registered domain, canonical text)
    /// as of `as_of`, with the page `offset..offset + limit` of its
    /// domains; `None` when no delegation to it was seen by `as_of`.
    pub fn nameserver_profile(
        &self,
        ns_domain: &str,
        as_of: i64,
        limit: usize,
        offset: usize,
    ) -> Result<Option<NameserverProfile>, StoreError> {
        let Some((first_seen, last_seen)) = self.ns_history(ns_domain, as_of)? else {
            return Ok(None);
        };

        let stats = self.ns_stats(ns_domain, as_of)?;
        let hosts = self.ns_hosts(ns_domain, as_of)?;
        let zones = self.ns_zones(ns_domain, as_of)?;
        let domains = self.ns_domains(ns_domain, as_of, limit, offset)?;
        debug!(ns_domain, as_of, num_domains = stats.num_domains, "name-server profile");

        Ok(Some(NameserverProfile {
            ns_domain: ns_domain.to_owned(),
            as_of,
            num_domains: stats.num_domains,
            hosts,
            delegation_ttl: stats.delegation_ttl,
            ns_avg_ttl: stats.ns_avg_ttl,
            ns_avg_ttl_domains: stats.ns_avg_ttl_domains,
            ns_avg_ttl_reason: stats.ns_avg_ttl_reason(),
            first_seen,
            last_seen,
            zones,
            domains_offset: offset as u64,
            domains_limit: limit as u64,
            domains,
        }))
    }

    /// First and last sighting of any delegation, `None` if never seen.
    fn ns_history(&self, ns_domain: &str, as_of: i64) -> Result<Option<(i64, i64)>, StoreError> {
        let params = named_params! { ":ns": ns_domain, ":as_of": as_of };
        let span: (Option<i64>, Option<i64>) =
            self.row("read a name server's history", &HISTORY_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;

        Ok(span.0.zip(span.1))
    }

    fn ns_hosts(&self, ns_domain: &str, as_of: i64) -> Result<Vec<NsHost>, StoreError> {
        let params = named_params! {
            ":ns": ns_domain, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };
        let hosts = self.rows("list a name server's hosts", &HOSTS_SQL, params, |row| {
            Ok(NsHost { host: row.get(0)?, num_domains: row.get(1)?, addresses: Vec::new() })
        })?;

        hosts
            .into_iter()
            .map(|host| {
                let addresses = self.addresses(&host.host, as_of)?;
                Ok(NsHost { addresses, ..host })
            })
            .collect()
    }

    /// The current A and AAAA records owned by `host`.
    fn addresses(&self, host: &str, as_of: i64) -> Result<Vec<Address>, StoreError> {
        let params = named_params! {
            ":host": host, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };

        self.rows("list a host's addresses", &ADDRESSES_SQL, params, |row| {
            Ok(Address {
                rrtype: RrType(row.get(0)?),
                address: row.get(1)?,
                first_seen: row.get(2)?,
                last_seen: row.get(3)?,
            })
        })
    }

    fn ns_zones(&self, ns_domain: &str, as_of: i64) -> Result<Vec<ZoneCount>, StoreError> {
        let params = named_params! {
            ":ns": ns_domain, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };

        self.rows("list a name server's zones", &ZONES_SQL, params, |row| {
            Ok(ZoneCount { zone: row.get(0)?, num_domains: row.get(1)? })
        })
    }

    fn ns_domains(
        &self,
        ns_domain: &str,
        as_of: i64,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<DelegatedDomain>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let params = named_params! {
            ":ns": ns_domain, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
            ":limit": limit, ":offset": offset,
        };

        self.rows("list a name server's domains", &DOMAINS_SQL, params, |row| {
            Ok(DelegatedDomain {
                name: row.get(0)?,
                first_seen: row.get(1)?,
                last_seen: row.get(2)?,
                risk: row.get(3)?,
                state: row.get(4)?,
            })
        })
    }
}
