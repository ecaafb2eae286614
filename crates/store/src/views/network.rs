//! The network views: an address, a subnet and an AS, with the names
//! the store currently sees hosted there.
//!
//! Hosting comes from current A and AAAA observations (any source);
//! the AS from the ASN tables ([`SqliteStore::asn_of`]); PTR names from
//! current PTR observations at the address's reverse name.

use std::net::IpAddr;
use std::sync::LazyLock;

use nshunt_model::DomainName;
use nshunt_model::RrType;
use nshunt_model::ptr::{address_of_reverse_name, reverse_name};
use rusqlite::named_params;
use serde::Serialize;
use tracing::debug;

use crate::address::{ip_from_key, network_keys};
use crate::asn::AsnHitView;
use crate::current::{SIGHTING_WINDOW_SECS, current, seen_until};
use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// One name currently pointing at an address.
///
/// JSON: `{"name": "example.com", "ip": "192.0.2.1", "rrtype": "A",
/// "ttl": 300, "sources": "pdns", "first_seen": 1767225600, "last_seen":
/// 1767225600}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostedName {
    /// The owner name of the A/AAAA record.
    pub name: String,
    /// The address.
    pub ip: IpAddr,
    /// `A` or `AAAA`.
    pub rrtype: RrType,
    /// The largest TTL seen for it (the least counted down by resolver
    /// caches), `null` when no source said.
    pub ttl: Option<u32>,
    /// The sources that saw it, comma-separated and sorted.
    pub sources: String,
    /// The first sighting.
    pub first_seen: i64,
    /// The last sighting up to `as_of`.
    pub last_seen: i64,
}

/// One PTR name of an address.
///
/// JSON: `{"name": "198-51-100-7.static.hoster.example", "pattern":
/// "*.static.hoster.example", "ttl": 3600, "sources": "pdns",
/// "first_seen": 1767225600, "last_seen": 1767225600}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PtrView {
    /// The PTR target.
    pub name: String,
    /// Its naming pattern, `null` when it has none.
    pub pattern: Option<String>,
    /// The largest TTL seen (the least counted down by caches), `null`
    /// when no source said.
    pub ttl: Option<u32>,
    /// The sources that saw it, comma-separated.
    pub sources: String,
    /// The first sighting.
    pub first_seen: i64,
    /// The last sighting up to `as_of`.
    pub last_seen: i64,
}

/// What the store knows about one address.
///
/// JSON: `{"ip": "192.0.2.1", "as_of": …, "asn": {…} | null, "subnet":
/// "192.0.2.0/24", "subnet_names": 12, "ptr": [{…}], "names": [{…}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub subnet_names: u64,
    /// Its PTR names.
    pub ptr: Vec<PtrView>,
    /// The names currently pointing at it (one page).
    pub names: Vec<HostedName>,
}

/// What the store knows about one network.
///
/// JSON: `{"cidr": "192.0.2.0/24", "as_of": …, "asn": {…} | null,
/// "addresses": 3, "names": 12, "hosted": [{…}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubnetView {
    /// The network, host bits cleared.
    pub cidr: String,
    /// The moment the view describes.
    pub as_of: i64,
    /// The AS of its first address.
    pub asn: Option<AsnHitView>,
    /// Distinct addresses currently hosting names in it.
    pub addresses: u64,
    /// Distinct names currently hosted in it.
    pub names: u64,
    /// One page of (name, address) pairs, sorted by address, then name.
    pub hosted: Vec<HostedName>,
}

/// What the store knows about one AS.
///
/// JSON: `{"asn": 13335, "as_of": …, "holder": "Cloudflare, Inc.",
/// "source": "asn-ipv4", "ranges": 1234, "addresses": 3, "names": 12,
/// "hosted": [{…}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsnView {
    /// The AS number.
    pub asn: u32,
    /// The moment the view describes.
    pub as_of: i64,
    /// The holder's name in the newest table that has one.
    pub holder: Option<String>,
    /// The tables (source names) the AS appears in.
    pub sources: Vec<String>,
    /// Address segments the AS originates, over those tables.
    pub ranges: u64,
    /// Distinct addresses currently hosting names in them.
    pub addresses: u64,
    /// Distinct names currently hosted in them, per table and summed:
    /// a name with addresses in an IPv4 and an IPv6 table counts twice.
    pub names: u64,
    /// One page of hosted (name, address) pairs.
    pub hosted: Vec<HostedName>,
}

/// The addresses whose PTR name follows a pattern, and the names they host.
///
/// JSON: `{"pattern": "*.static.hoster.example", "as_of": …, "addresses":
/// [{"ip": "198.51.100.7", "ptr": "198-51-100-7.static.hoster.example",
/// "names": ["shop.example"]}], "address_count": 1, "name_count": 1}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PtrPatternView {
    /// The pattern (`*` for the address-derived part).
    pub pattern: String,
    /// The moment the view describes.
    pub as_of: i64,
    /// One page of addresses, sorted.
    pub addresses: Vec<PatternAddress>,
    /// Distinct addresses with a current PTR name of that pattern.
    pub address_count: u64,
    /// Distinct names currently hosted on them.
    pub name_count: u64,
}

/// One address of a PTR pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternAddress {
    /// The address.
    pub ip: IpAddr,
    /// Its PTR name.
    pub ptr: String,
    /// The names currently pointing at it, sorted.
    pub names: Vec<String>,
}

/// Current PTR records of a pattern (through its index).
static PATTERN_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT DISTINCT o.name, o.rdata FROM observations AS o
         WHERE o.ptr_pattern = :pattern AND {} ORDER BY o.name",
        current("o")
    )
});

static HOSTED_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.name, o.ip, o.rrtype, max(o.ttl), group_concat(DISTINCT o.source),
                min(o.first_seen), max({})
         FROM observations AS o
         WHERE o.ip IS NOT NULL AND o.ip BETWEEN :lo AND :hi AND {}
         GROUP BY o.ip, o.name, o.rrtype ORDER BY o.ip, o.name LIMIT :limit",
        seen_until("o"),
        current("o")
    )
});

static COUNTS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT count(DISTINCT o.ip), count(DISTINCT o.name) FROM observations AS o
         WHERE o.ip IS NOT NULL AND o.ip BETWEEN :lo AND :hi AND {}",
        current("o")
    )
});

/// PTR names of a reverse name, one row per target: a resolver's cache
/// counts TTLs down, so one target is often seen with many TTLs.
static PTR_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.rdata, o.ptr_pattern, max(o.ttl), group_concat(DISTINCT o.source),
                min(o.first_seen), max({})
         FROM observations AS o WHERE o.name = :name AND o.rrtype = 12 AND {}
         GROUP BY o.rdata ORDER BY o.rdata",
        seen_until("o"),
        current("o")
    )
});

/// An AS's segments in one table: how many, and the holder's name.
const ASN_SEGMENTS_SQL: &str = "SELECT count(*), max(holder) FROM asn_segments
                                WHERE asn = :asn AND batch_id = :batch";

/// Names hosted in an AS's segments of one table: each segment probes
/// the address index, and a name in several segments counts once.
static ASN_COUNTS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT count(DISTINCT o.ip), count(DISTINCT o.name)
         FROM asn_segments AS s JOIN observations AS o
           ON o.ip IS NOT NULL AND o.ip BETWEEN s.start AND s.end
         WHERE s.asn = :asn AND s.batch_id = :batch AND {}",
        current("o")
    )
});

static ASN_HOSTED_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT o.name, o.ip, o.rrtype, max(o.ttl), group_concat(DISTINCT o.source),
                min(o.first_seen), max({})
         FROM asn_segments AS s JOIN observations AS o
           ON o.ip IS NOT NULL AND o.ip BETWEEN s.start AND s.end
         WHERE s.asn = :asn AND s.batch_id = :batch AND {}
         GROUP BY o.ip, o.name, o.rrtype ORDER BY o.ip, o.name LIMIT :limit",
        seen_until("o"),
        current("o")
    )
});

impl SqliteStore {
    /// The view of one address as of `as_of`, with up to `limit` names.
    pub fn ip_view(&self, ip: IpAddr, as_of: i64, limit: u32) -> Result<IpView, StoreError> {
        let (subnet, lo, hi) = home_subnet(ip);
        let (_, subnet_names) = self.hosted_counts(&lo, &hi, as_of)?;
        let (one, _) = network_keys(ip, 128);

        Ok(IpView {
            ip,
            as_of,
            asn: self.asn_of(ip, as_of)?,
            subnet,
            subnet_names,
            ptr: self.ptr_names(ip, as_of)?,
            names: self.hosted(&one, &one, as_of, limit)?,
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
        let (addresses, names) = self.hosted_counts(&lo, &hi, as_of)?;
        debug!(%first, len, names, "subnet view");

        Ok(SubnetView {
            cidr: format!("{first}/{len}"),
            as_of,
            asn: self.asn_of(first, as_of)?,
            addresses,
            names,
            hosted: self.hosted(&lo, &hi, as_of, limit)?,
        })
    }

    /// The view of AS `asn` as of `as_of`; `None` when no current table
    /// has it.
    pub fn asn_view(
        &self,
        asn: u32,
        as_of: i64,
        limit: u32,
    ) -> Result<Option<AsnView>, StoreError> {
        let mut view = AsnView {
            asn,
            as_of,
            holder: None,
            sources: Vec::new(),
            ranges: 0,
            addresses: 0,
            names: 0,
            hosted: Vec::new(),
        };

        for table in self.asn_tables(as_of)? {
            let params = named_params! { ":asn": asn, ":batch": table.id };
            let (ranges, holder): (u64, Option<String>) =
                self.row("list an AS's ranges", ASN_SEGMENTS_SQL, params, |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?;
            if ranges == 0 {
                continue;
            }

            view.sources.extend(table.source.clone());
            view.ranges += ranges;
            view.holder = view.holder.or(holder);
            self.add_hosted(&mut view, table.id, limit)?;
        }

        Ok((view.ranges > 0).then_some(view))
    }

    /// The addresses whose current PTR name follows `pattern`, with up
    /// to `limit` of them listed.
    pub fn ptr_pattern_view(
        &self,
        pattern: &str,
        as_of: i64,
        limit: u32,
    ) -> Result<PtrPatternView, StoreError> {
        let params =
            named_params! { ":pattern": pattern, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS };
        let rows: Vec<(String, String)> =
            self.rows("list a PTR pattern", &PATTERN_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;

        let mut addresses: Vec<PatternAddress> = rows
            .into_iter()
            .filter_map(|(reverse, ptr)| {
                let ip = address_of_reverse_name(&DomainName::parse(&reverse).ok()?)?;
                Some(PatternAddress {
                    ip,
                    ptr: ptr.trim_end_matches('.').to_owned(),
                    names: Vec::new(),
                })
            })
            .collect();
        addresses.sort_by(|a, b| a.ip.cmp(&b.ip).then_with(|| a.ptr.cmp(&b.ptr)));

        let mut all_names = std::collections::BTreeSet::new();
        for address in &mut addresses {
            let (one, _) = network_keys(address.ip, 128);
            let hosted = self.hosted(&one, &one, as_of, u32::MAX)?;
            address.names = hosted.into_iter().map(|h| h.name).collect();
            address.names.dedup();
            all_names.extend(address.names.iter().cloned());
        }

        let address_count = addresses.len() as u64;
        addresses.truncate(limit as usize);
        let name_count = all_names.len() as u64;
        Ok(PtrPatternView {
            pattern: pattern.to_owned(),
            as_of,
            addresses,
            address_count,
            name_count,
        })
    }

    /// Adds one table's hosted names to an AS view (tables of different
    /// sources may overlap; each counts its own).
    fn add_hosted(&self, view: &mut AsnView, batch: i64, limit: u32) -> Result<(), StoreError> {
        let params = named_params! {
            ":asn": view.asn, ":batch": batch, ":as_of": view.as_of, ":window": SIGHTING_WINDOW_SECS,
        };
        let (addresses, names): (u64, u64) =
            self.row("count an AS's names", &ASN_COUNTS_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
        view.addresses += addresses;
        view.names += names;

        let room = (limit as usize).saturating_sub(view.hosted.len());
        if names == 0 || room == 0 {
            return Ok(());
        }
        let params = named_params! {
            ":asn": view.asn, ":batch": batch, ":as_of": view.as_of,
            ":window": SIGHTING_WINDOW_SECS, ":limit": room as u32,
        };
        let hosted = self.rows("list an AS's names", &ASN_HOSTED_SQL, params, hosted_name)?;
        view.hosted.extend(hosted);
        Ok(())
    }

    /// Current (name, address) pairs in a key range.
    fn hosted(
        &self,
        lo: &[u8],
        hi: &[u8],
        as_of: i64,
        limit: u32,
    ) -> Result<Vec<HostedName>, StoreError> {
        let params = named_params! {
            ":lo": lo, ":hi": hi, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS, ":limit": limit,
        };
        self.rows("list hosted names", &HOSTED_SQL, params, hosted_name)
    }

    /// Distinct addresses and names currently hosted in a key range.
    fn hosted_counts(&self, lo: &[u8], hi: &[u8], as_of: i64) -> Result<(u64, u64), StoreError> {
        let params = named_params! { ":lo": lo, ":hi": hi, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS };
        self.row("count hosted names", &COUNTS_SQL, params, |row| Ok((row.get(0)?, row.get(1)?)))
    }

    /// The current PTR names of an address.
    pub(crate) fn ptr_names(&self, ip: IpAddr, as_of: i64) -> Result<Vec<PtrView>, StoreError> {
        let name = reverse_name(ip);
        let params = named_params! {
            ":name": name.as_str(), ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };
        self.rows("list PTR names", &PTR_SQL, params, |row| {
            let target: String = row.get(0)?;
            Ok(PtrView {
                name: target.trim_end_matches('.').to_owned(),
                pattern: row.get(1)?,
                ttl: row.get(2)?,
                sources: row.get(3)?,
                first_seen: row.get(4)?,
                last_seen: row.get(5)?,
            })
        })
    }
}

/// Reads a row of [`HOSTED_SQL`] or [`ASN_HOSTED_SQL`].
fn hosted_name(row: &rusqlite::Row<'_>) -> rusqlite::Result<HostedName> {
    let key: Vec<u8> = row.get(1)?;
    Ok(HostedName {
        name: row.get(0)?,
        ip: ip_from_key(&key).unwrap_or(IpAddr::from([0, 0, 0, 0])),
        rrtype: RrType(row.get(2)?),
        ttl: row.get(3)?,
        sources: row.get(4)?,
        first_seen: row.get(5)?,
        last_seen: row.get(6)?,
    })
}

/// The /24 (IPv4) or /48 (IPv6) holding an address, and its key range.
pub(crate) fn home_subnet(ip: IpAddr) -> (String, [u8; 16], [u8; 16]) {
    let len = if ip.is_ipv4() { 24 } else { 48 };
    let (lo, hi) = network_keys(ip, len);
    let first = ip_from_key(&lo).unwrap_or(ip);
    (format!("{first}/{len}"), lo, hi)
}
