//! The network views: an address and a subnet, with the names the store
//! currently sees hosted there; the hosted-name queries the AS and PTR
//! views share.
//!
//! Hosting comes from current A and AAAA observations (any source);
//! the AS from the ASN tables ([`SqliteStore::asn_of`]); PTR names from
//! current PTR observations at the address's reverse name.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::LazyLock;

use nshunt_model::{DomainName, RrType, Section, psl};
use rusqlite::named_params;
use serde::Serialize;
use tracing::debug;

use super::label::LabelView;
use super::ptr::PtrView;
use crate::address::{ip_from_key, network_keys};
use crate::asn::AsnHitView;
use crate::current::{SIGHTING_WINDOW_SECS, current, seen_until};
use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// One name currently pointing at an address.
///
/// JSON: `{"name": "www.example.com", "ip": "192.0.2.1", "rrtype": "A",
/// "ttl_min": 12, "ttl_max": 300, "sources": ["pdns"], "first_seen":
/// 1767225600, "last_seen": 1767225600, "domain": "example.com", "risk":
/// 12.5, "state": "active"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostedName {
    /// The owner name of the A/AAAA record.
    pub name: String,
    /// The address.
    pub ip: IpAddr,
    /// `A` or `AAAA`.
    pub rrtype: RrType,
    /// The smallest TTL seen (resolver caches count TTLs down), `null`
    /// when no source said.
    pub ttl_min: Option<u32>,
    /// The largest TTL seen: the closest to the authoritative one.
    pub ttl_max: Option<u32>,
    /// The sources that saw it, sorted.
    pub sources: Vec<String>,
    /// The first sighting.
    pub first_seen: i64,
    /// The last sighting up to `as_of`.
    pub last_seen: i64,
    /// The registered domain holding the name (ICANN section of the
    /// Public Suffix List), `null` for a public suffix.
    pub domain: Option<String>,
    /// That domain's risk in the newest scoring run; `null` when not
    /// scored.
    pub risk: Option<f64>,
    /// That domain's lifecycle state in the newest scoring run
    /// (`waiting`, `active`, …); `null` when not scored.
    pub state: Option<String>,
}

/// A name's registered domain and that domain's newest score: what the
/// lists of names show beside each.
///
/// JSON: `{"name": "www.example.com", "domain": "example.com", "risk":
/// 12.5, "state": "active"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredName {
    /// The name.
    pub name: String,
    /// See [`HostedName::domain`].
    pub domain: Option<String>,
    /// See [`HostedName::risk`].
    pub risk: Option<f64>,
    /// See [`HostedName::state`].
    pub state: Option<String>,
}

/// What the store knows about one address.
///
/// JSON: `{"ip": "192.0.2.1", "as_of": …, "asn": {…} | null, "subnet":
/// "192.0.2.0/24", "subnet_name_count": 12, "ptr": [{…}], "names": [{…}],
/// "labels": [{…}]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IpView {
    /// The address.
    pub ip: IpAddr,
    /// The moment the view describes.
    pub as_of: i64,
    /// Its AS, `null` when no table holds it.
    pub asn: Option<AsnHitView>,
    /// Its /24 (IPv4) or /48 (IPv6).
    pub subnet: String,
    /// Distinct names currently hosted in that subnet.
    pub subnet_name_count: u64,
    /// Its PTR names.
    pub ptr: Vec<PtrView>,
    /// The names currently pointing at it (one page).
    pub names: Vec<HostedName>,
    /// Labels on the address, a network holding it, or its AS.
    pub labels: Vec<LabelView>,
}

/// What the store knows about one network.
///
/// JSON: `{"cidr": "192.0.2.0/24", "as_of": …, "asn": {…} | null,
/// "address_count": 3, "name_count": 12, "hosted": [{…}]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubnetView {
    /// The network, host bits cleared.
    pub cidr: String,
    /// The moment the view describes.
    pub as_of: i64,
    /// The AS of its first address.
    pub asn: Option<AsnHitView>,
    /// Distinct addresses currently hosting names in it.
    pub address_count: u64,
    /// Distinct names currently hosted in it.
    pub name_count: u64,
    /// One page of (name, address) rows, sorted by address, then name.
    pub hosted: Vec<HostedName>,
}

/// The columns [`hosted_name`] reads, grouped by (address, name, type).
const HOSTED_COLUMNS: &str = "o.name, o.ip, o.rrtype, min(o.ttl), max(o.ttl), \
                              group_concat(DISTINCT o.source), min(o.first_seen)";

/// For an IPv6 range (`:v6` true), leave out IPv4 addresses, whose keys
/// lie inside `::ffff:0:0/96`.
const NOT_IPV4: &str = "(NOT :v6 OR o.ip NOT BETWEEN \
     x'00000000000000000000ffff00000000' AND x'00000000000000000000ffffffffffff')";

static HOSTED_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {HOSTED_COLUMNS}, max({})
         FROM observations AS o
         WHERE o.ip IS NOT NULL AND o.ip BETWEEN :lo AND :hi AND {NOT_IPV4} AND {}
         GROUP BY o.ip, o.name, o.rrtype ORDER BY o.ip, o.name LIMIT :limit",
        seen_until("o"),
        current("o")
    )
});

/// A domain's risk and lifecycle state, `None`s when not scored.
type Score = (Option<f64>, Option<String>);

/// A domain's risk and lifecycle state: `domain_scores` holds the
/// newest scoring run only.
pub(crate) const SCORE_SQL: &str =
    "SELECT risk, lifecycle FROM domain_scores WHERE domain = :domain";

static COUNTS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT count(DISTINCT o.ip), count(DISTINCT o.name) FROM observations AS o
         WHERE o.ip IS NOT NULL AND o.ip BETWEEN :lo AND :hi AND {NOT_IPV4} AND {}",
        current("o")
    )
});

impl SqliteStore {
    /// The view of one address as of `as_of`, with up to `limit` names.
    pub fn ip_view(&self, ip: IpAddr, as_of: i64, limit: u32) -> Result<IpView, StoreError> {
        let (subnet, lo, hi) = home_subnet(ip);
        let (_, subnet_name_count) = self.hosted_counts(&lo, &hi, as_of)?;
        let (one, _) = network_keys(ip, 128);
        let asn = self.asn_of(ip, as_of)?;
        let asns: Vec<u32> = asn.iter().map(|hit| hit.asn).collect();

        Ok(IpView {
            ip,
            as_of,
            labels: self.labels_for("", &[ip], &asns, as_of)?,
            asn,
            subnet,
            subnet_name_count,
            ptr: self.ptr_names(ip, as_of)?,
            names: self.with_scores(self.hosted(&one, &one, as_of, limit)?)?,
        })
    }

    /// The view of the network `start/len` as of `as_of`.
    pub fn subnet_view(
        &self,
        start: IpAddr,
        len: u8,
        as_of: i64,
        limit: u32,
    ) -> Result<SubnetView, StoreError> {
        let (lo, hi) = network_keys(start, len);
        let first = ip_from_key(&lo).unwrap_or(start);
        let (address_count, name_count) = self.hosted_counts(&lo, &hi, as_of)?;
        debug!(%first, len, name_count, "subnet view");

        Ok(SubnetView {
            cidr: format!("{first}/{len}"),
            as_of,
            asn: self.asn_of(first, as_of)?,
            address_count,
            name_count,
            hosted: self.with_scores(self.hosted(&lo, &hi, as_of, limit)?)?,
        })
    }

    /// Current (name, address) rows in a key range, without scores
    /// ([`SqliteStore::with_scores`] adds them).
    pub(crate) fn hosted(
        &self,
        lo: &[u8],
        hi: &[u8],
        as_of: i64,
        limit: u32,
    ) -> Result<Vec<HostedName>, StoreError> {
        let params = named_params! {
            ":lo": lo, ":hi": hi, ":v6": is_ipv6_range(lo), ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS, ":limit": limit,
        };
        self.rows("list hosted names", &HOSTED_SQL, params, hosted_name)
    }

    /// Hosted rows with their registered domains' newest scores.
    pub(crate) fn with_scores(
        &self,
        mut hosted: Vec<HostedName>,
    ) -> Result<Vec<HostedName>, StoreError> {
        let scores = self.scores_of(hosted.iter().map(|h| h.name.as_str()))?;
        for h in &mut hosted {
            if let Some(scored) = scores.get(&h.name) {
                h.domain.clone_from(&scored.domain);
                h.risk = scored.risk;
                h.state.clone_from(&scored.state);
            }
        }
        Ok(hosted)
    }

    /// Each name's registered domain and that domain's newest risk and
    /// lifecycle state, by name; one look-up per domain (a page of
    /// names under one domain is common).
    pub(crate) fn scores_of<'n>(
        &self,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Result<HashMap<String, ScoredName>, StoreError> {
        let mut by_domain: HashMap<String, Score> = HashMap::new();
        let mut by_name = HashMap::new();
        for name in names {
            let domain = registered_domain(name);
            let (risk, state) = match (&domain, domain.as_ref().and_then(|d| by_domain.get(d))) {
                (_, Some(known)) => known.clone(),
                (Some(d), None) => {
                    let score = self.score_of(d)?;
                    by_domain.insert(d.clone(), score.clone());
                    score
                }
                (None, None) => (None, None),
            };
            let scored = ScoredName { name: name.to_owned(), domain, risk, state };
            by_name.insert(name.to_owned(), scored);
        }
        Ok(by_name)
    }

    /// A domain's newest risk and lifecycle state, `None`s when the
    /// newest run did not score it.
    fn score_of(&self, domain: &str) -> Result<Score, StoreError> {
        let params = named_params! { ":domain": domain };
        let rows = self.rows("read a domain's risk", SCORE_SQL, params, |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
        Ok(rows.into_iter().next().map_or((None, None), |(r, s)| (Some(r), Some(s))))
    }

    /// Distinct addresses and names currently hosted in a key range.
    fn hosted_counts(&self, lo: &[u8], hi: &[u8], as_of: i64) -> Result<(u64, u64), StoreError> {
        let params = named_params! {
            ":lo": lo, ":hi": hi, ":v6": is_ipv6_range(lo), ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };
        self.row("count hosted names", &COUNTS_SQL, params, |row| Ok((row.get(0)?, row.get(1)?)))
    }
}

/// Reads a row selected with [`HOSTED_COLUMNS`] and a last sighting.
pub(crate) fn hosted_name(row: &rusqlite::Row<'_>) -> rusqlite::Result<HostedName> {
    let key: Vec<u8> = row.get(1)?;
    Ok(HostedName {
        name: row.get(0)?,
        ip: ip_from_key(&key).unwrap_or(IpAddr::from([0, 0, 0, 0])),
        rrtype: RrType(row.get(2)?),
        ttl_min: row.get(3)?,
        ttl_max: row.get(4)?,
        sources: split_list(row.get(5)?),
        first_seen: row.get(6)?,
        last_seen: row.get(7)?,
        domain: None,
        risk: None,
        state: None,
    })
}

/// The registered domain of a name (ICANN section), as text.
fn registered_domain(name: &str) -> Option<String> {
    let name = DomainName::parse(name).ok()?;
    psl::embedded().registered_domain(&name, Section::Icann).map(|d| d.as_str().to_owned())
}

/// A `group_concat` of source kinds (lower-case words) as a sorted list.
pub(crate) fn split_list(text: Option<String>) -> Vec<String> {
    let mut list: Vec<String> = text.iter().flat_map(|t| t.split(',')).map(str::to_owned).collect();
    list.sort();
    list.dedup();
    list
}

/// Whether a key range starts at an IPv6 address (not a mapped IPv4 one).
fn is_ipv6_range(lo: &[u8]) -> bool {
    matches!(ip_from_key(lo), Some(IpAddr::V6(_)))
}

/// The /24 (IPv4) or /48 (IPv6) holding an address, and its key range.
pub(crate) fn home_subnet(ip: IpAddr) -> (String, [u8; 16], [u8; 16]) {
    let len = if ip.is_ipv4() { 24 } else { 48 };
    let (lo, hi) = network_keys(ip, len);
    let first = ip_from_key(&lo).unwrap_or(ip);
    (format!("{first}/{len}"), lo, hi)
}
