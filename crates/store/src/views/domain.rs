//! The domain view: a name's name servers, their name-server domains'
//! figures, and its other records.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::LazyLock;

use nshunt_model::{DomainName, RrType, Section, psl};
use rusqlite::named_params;
use serde::Serialize;
use tracing::debug;

use super::label::LabelView;
use super::network::home_subnet;
use super::ptr::PtrView;
use crate::asn::AsnHitView;
use crate::current::{SIGHTING_WINDOW_SECS, current, seen_until};
use crate::error::StoreError;
use crate::registrations::RegistrationView;
use crate::sqlite::SqliteStore;

/// What the store knows about one name as of a moment.
///
/// JSON:
///
/// ```json
/// {
///   "domain": "example.com",
///   "as_of": 1767225600,
///   "first_seen": 1764547200,
///   "last_seen": 1767225600,
///   "nameservers": ["ns1.dendrite.network", "ns2.dendrite.network"],
///   "nsdomaininfo": [{"ns_domain": "dendrite.network", "num_domains": 2,
///                     "ns_avg_ttl": null, "ns_avg_ttl_domains": 0,
///                     "ns_avg_ttl_reason": "only parent-side …",
///                     "delegation_avg_ttl": 172800.0}],
///   "records": [{"rrtype": "DS", "rdata": "12345 13 2 ab…", "ttl": 86400,
///                "source": "zone", "zone": "com", "first_seen": 1764547200,
///                "last_seen": 1767225600, "count": 2}]
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainView {
    /// The name, canonical text.
    pub domain: String,
    /// The moment the view describes, unix seconds.
    pub as_of: i64,
    /// The earliest first sighting of any record owned by the name
    /// (history included, only sightings starting by `as_of`); `null`
    /// when the store knows the name from its registration only.
    pub first_seen: Option<i64>,
    /// The latest last sighting of those records, up to `as_of`.
    pub last_seen: Option<i64>,
    /// The current NS targets of the name (delegations and apex NS
    /// records, any source), sorted.
    pub nameservers: Vec<String>,
    /// One entry per distinct name-server domain of `nameservers`,
    /// sorted by `ns_domain`.
    pub nsdomaininfo: Vec<NsDomainInfo>,
    /// The name's other current records (every type but NS), sorted by
    /// type, data, TTL, source and zone.
    pub records: Vec<RecordView>,
    /// The addresses of its current A and AAAA records, each with its
    /// AS, subnet and PTR names, sorted by address.
    pub addresses: Vec<AddressView>,
    /// Its current registration (WHOIS or RDAP), or its registered
    /// domain's; `null` when none was ingested.
    pub registration: Option<RegistrationView>,
    /// Labels (block lists, allow lists, known infrastructure) that
    /// match the name or a parent, one of its addresses or its AS.
    pub labels: Vec<LabelView>,
}

/// One address of a domain, enriched.
///
/// JSON: `{"ip": "192.0.2.1", "rrtype": "A", "via": null, "ttl_min": 240, "ttl_max":
/// 300, "sources":
/// ["pdns"], "asn": {"asn": 64500, "holder": "…", …} | null, "subnet":
/// "192.0.2.0/24", "ptr": [{"name": "…", "pattern": "…", …}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressView {
    /// The address.
    pub ip: IpAddr,
    /// `A` or `AAAA`.
    pub rrtype: RrType,
    /// The name that owns the record when the domain reached it through
    /// CNAME records; `null` for the domain's own.
    pub via: Option<String>,
    /// The smallest TTL its records carried (child-side; resolver
    /// caches count TTLs down, so passive DNS sees a range), `null`
    /// when no source said.
    pub ttl_min: Option<u32>,
    /// The largest TTL its records carried: the closest to the TTL the
    /// authoritative server gives.
    pub ttl_max: Option<u32>,
    /// The sources that saw it, sorted.
    pub sources: Vec<String>,
    /// Its AS, `null` when no ASN table holds it.
    pub asn: Option<AsnHitView>,
    /// Its /24 (IPv4) or /48 (IPv6).
    pub subnet: String,
    /// Its PTR names.
    pub ptr: Vec<PtrView>,
}

/// The figures of one name-server domain, as shown in a domain view.
///
/// JSON: `{"ns_domain": "dendrite.network", "num_domains": 2,
/// "ns_avg_ttl": 300.0, "ns_avg_ttl_domains": 1, "ns_avg_ttl_reason": null,
/// "delegation_avg_ttl": 172800.0}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NsDomainInfo {
    /// The name-server domain.
    pub ns_domain: String,
    /// Distinct names currently delegated to it (its density).
    pub num_domains: u64,
    /// The mean child-side TTL of its domains (see
    /// [`NameserverProfile::ns_avg_ttl`](crate::NameserverProfile::ns_avg_ttl)).
    pub ns_avg_ttl: Option<f64>,
    /// How many domains `ns_avg_ttl` was computed from.
    pub ns_avg_ttl_domains: u64,
    /// Why `ns_avg_ttl` is `null`; `null` when it is not.
    pub ns_avg_ttl_reason: Option<String>,
    /// The mean TTL of its current delegating NS records in parent
    /// zones; `null` when there are none.
    pub delegation_avg_ttl: Option<f64>,
}

/// One current observation owned by the name.
///
/// JSON: `{"rrtype": "A", "rdata": "192.0.2.1", "ttl": 300, "source": "pdns",
/// "zone": null, "first_seen": 1767225600, "last_seen": 1767225600, "count": 1}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordView {
    /// The record type's mnemonic.
    pub rrtype: RrType,
    /// Normalised presentation data.
    pub rdata: String,
    /// The TTL, seconds; `null` when the source did not say.
    pub ttl: Option<u32>,
    /// The source kind (`"zone"`, `"pdns"`, `"active"`, …).
    pub source: String,
    /// The zone origin for zone data, `null` otherwise.
    pub zone: Option<String>,
    /// The first sighting, unix seconds.
    pub first_seen: i64,
    /// The last sighting, unix seconds.
    pub last_seen: i64,
    /// The number of batches that saw it.
    pub count: u64,
}

/// CNAME targets followed for a domain's addresses, at most: chains
/// are short; a loop or a fan-out must not make a view slow.
const MAX_CNAME_NAMES: usize = 8;

/// Adds the A and AAAA records among `records` to the addresses, noting
/// `via` (the name that owns them) when it is not the domain itself.
fn add_addresses(
    by_ip: &mut BTreeMap<IpAddr, AddressView>,
    records: &[RecordView],
    via: Option<&str>,
) {
    for record in records.iter().filter(|r| matches!(r.rrtype, RrType::A | RrType::AAAA)) {
        let Ok(ip) = record.rdata.parse::<IpAddr>() else { continue };
        let entry = by_ip.entry(ip).or_insert_with(|| AddressView {
            ip,
            rrtype: record.rrtype,
            via: via.map(str::to_owned),
            ttl_min: None,
            ttl_max: None,
            sources: Vec::new(),
            asn: None,
            subnet: home_subnet(ip).0,
            ptr: Vec::new(),
        });
        entry.ttl_min = match (entry.ttl_min, record.ttl) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        entry.ttl_max = entry.ttl_max.max(record.ttl);
        entry.sources.push(record.source.clone());
    }
}

/// The targets of the CNAME records among `records`.
fn cname_targets(records: &[RecordView]) -> Vec<String> {
    let cnames = records.iter().filter(|r| r.rrtype == RrType::CNAME);
    cnames.map(|r| r.rdata.trim_end_matches('.').to_owned()).collect()
}

/// The span of every record owned by the name.
pub(crate) static HISTORY_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT min(o.first_seen), max({}) FROM observations AS o
         WHERE o.name = :name AND o.first_seen <= :as_of",
        seen_until("o")
    )
});

pub(crate) static NAMESERVERS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT DISTINCT o.rdata, o.ns_domain FROM observations AS o
         WHERE o.name = :name AND o.rrtype = 2 AND {} ORDER BY o.rdata",
        current("o")
    )
});

pub(crate) static RECORDS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.rrtype, o.rdata, o.ttl, o.source, o.zone, o.first_seen, {}, o.count
         FROM observations AS o
         WHERE o.name = :name AND o.rrtype <> 2 AND {}
         ORDER BY o.rrtype, o.rdata, o.ttl, o.source, o.zone",
        seen_until("o"),
        current("o")
    )
});

impl SqliteStore {
    /// The view of `domain` (canonical text) as of `as_of`; `None` when
    /// no record owned by it was seen by `as_of` and no registration
    /// answer names it ([`name_seen`](Self::name_seen) tells why).
    pub fn domain_view(&self, domain: &str, as_of: i64) -> Result<Option<DomainView>, StoreError> {
        let history = self.name_history(domain, as_of)?;
        let registration = self.registration_of(domain, as_of)?;
        let own_registration = registration.as_ref().is_some_and(|r| r.domain == domain);
        if history.is_none() && !own_registration {
            return Ok(None);
        }
        let (first_seen, last_seen) = history.unzip();

        let (nameservers, ns_domains) = self.nameservers(domain, as_of)?;
        let nsdomaininfo = self.ns_domain_infos(&ns_domains, as_of)?;
        let records = self.records(domain, as_of)?;
        let addresses = self.enriched_addresses(domain, &records, as_of)?;
        let labels = self.labels_of(domain, &addresses, as_of)?;
        debug!(domain, as_of, nameservers = nameservers.len(), "domain view");

        Ok(Some(DomainView {
            domain: domain.to_owned(),
            as_of,
            first_seen,
            last_seen,
            nameservers,
            nsdomaininfo,
            records,
            addresses,
            registration,
            labels,
        }))
    }

    fn name_history(&self, name: &str, as_of: i64) -> Result<Option<(i64, i64)>, StoreError> {
        let params = named_params! { ":name": name, ":as_of": as_of };
        let span: (Option<i64>, Option<i64>) =
            self.row("read a domain's history", &HISTORY_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;

        Ok(span.0.zip(span.1))
    }

    /// The current NS targets, and their distinct name-server domains.
    fn nameservers(
        &self,
        name: &str,
        as_of: i64,
    ) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let params = named_params! {
            ":name": name, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };
        let rows: Vec<(String, Option<String>)> =
            self.rows("list a domain's name servers", &NAMESERVERS_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;

        let mut hosts: Vec<String> = rows.iter().map(|(host, _)| host.clone()).collect();
        hosts.dedup();
        let mut ns_domains: Vec<String> = rows.into_iter().filter_map(|(_, ns)| ns).collect();
        ns_domains.sort();
        ns_domains.dedup();
        Ok((hosts, ns_domains))
    }

    fn ns_domain_infos(
        &self,
        ns_domains: &[String],
        as_of: i64,
    ) -> Result<Vec<NsDomainInfo>, StoreError> {
        ns_domains
            .iter()
            .map(|ns_domain| {
                let stats = self.ns_stats(ns_domain, as_of)?;
                Ok(NsDomainInfo {
                    ns_domain: ns_domain.clone(),
                    num_domains: stats.num_domains,
                    ns_avg_ttl: stats.ns_avg_ttl,
                    ns_avg_ttl_domains: stats.ns_avg_ttl_domains,
                    ns_avg_ttl_reason: stats.ns_avg_ttl_reason(),
                    delegation_avg_ttl: stats.delegation_ttl.map(|t| t.mean),
                })
            })
            .collect()
    }

    /// The registration of the name, else of its registered domain (ICANN
    /// section of the Public Suffix List).
    fn registration_of(
        &self,
        domain: &str,
        as_of: i64,
    ) -> Result<Option<RegistrationView>, StoreError> {
        let registered = DomainName::parse(domain)
            .ok()
            .and_then(|name| psl::embedded().registered_domain(&name, Section::Icann));
        let registered = registered.as_ref().map(DomainName::as_str);
        self.registration_for_name(domain, registered, as_of)
    }

    /// Labels on the name (and its parents), its addresses and their ASes.
    fn labels_of(
        &self,
        domain: &str,
        addresses: &[AddressView],
        as_of: i64,
    ) -> Result<Vec<LabelView>, StoreError> {
        let ips: Vec<IpAddr> = addresses.iter().map(|a| a.ip).collect();
        let mut asns: Vec<u32> =
            addresses.iter().filter_map(|a| a.asn.as_ref()).map(|h| h.asn).collect();
        asns.sort_unstable();
        asns.dedup();

        // Several addresses in one listed network match it once.
        let mut labels = self.labels_for(domain, &ips, &asns, as_of)?;
        let mut seen = std::collections::HashSet::new();
        labels.retain(|l| {
            seen.insert((l.value.clone(), l.kind.clone(), l.source.clone(), l.list.clone()))
        });
        Ok(labels)
    }

    /// The A and AAAA records' addresses, each once, enriched.
    /// The A and AAAA addresses of the name, and of the names its CNAME
    /// records lead to (at most [`MAX_CNAME_NAMES`] names), each address
    /// once, enriched.
    fn enriched_addresses(
        &self,
        name: &str,
        records: &[RecordView],
        as_of: i64,
    ) -> Result<Vec<AddressView>, StoreError> {
        let mut by_ip: BTreeMap<IpAddr, AddressView> = BTreeMap::new();
        add_addresses(&mut by_ip, records, None);

        let mut seen = vec![name.to_owned()];
        let mut next = cname_targets(records);
        while let Some(target) = next.pop() {
            if seen.contains(&target) || seen.len() > MAX_CNAME_NAMES {
                continue;
            }
            let target_records = self.records(&target, as_of)?;
            add_addresses(&mut by_ip, &target_records, Some(&target));
            next.extend(cname_targets(&target_records));
            seen.push(target);
        }

        let mut addresses: Vec<AddressView> = by_ip.into_values().collect();
        for address in &mut addresses {
            address.sources.sort();
            address.sources.dedup();
            address.asn = self.asn_of(address.ip, as_of)?;
            address.ptr = self.ptr_names(address.ip, as_of)?;
        }
        Ok(addresses)
    }

    /// The first and last sighting of anything owned by `name`, at any
    /// moment: to tell "never seen" from "not seen by then".
    pub fn name_seen(&self, name: &str) -> Result<Option<(i64, i64)>, StoreError> {
        let sql = "SELECT min(first_seen), max(last_seen) FROM observations WHERE name = :name";
        let params = named_params! { ":name": name };
        let span: (Option<i64>, Option<i64>) =
            self.row("read a name's sightings", sql, params, |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(span.0.zip(span.1))
    }

    fn records(&self, name: &str, as_of: i64) -> Result<Vec<RecordView>, StoreError> {
        let params = named_params! {
            ":name": name, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };

        self.rows("list a domain's records", &RECORDS_SQL, params, |row| {
            Ok(RecordView {
                rrtype: RrType(row.get(0)?),
                rdata: row.get(1)?,
                ttl: row.get(2)?,
                source: row.get(3)?,
                zone: row.get(4)?,
                first_seen: row.get(5)?,
                last_seen: row.get(6)?,
                count: row.get(7)?,
            })
        })
    }
}
