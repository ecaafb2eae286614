//! PTR names: those of an address, and the pivot from a naming pattern
//! back to the addresses named that way and the names they host.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::LazyLock;

use nshunt_model::DomainName;
use nshunt_model::ptr::{address_of_reverse_name, reverse_name};
use rusqlite::named_params;
use serde::Serialize;

use super::network::{ScoredName, split_list};
use crate::address::network_keys;
use crate::current::{SIGHTING_WINDOW_SECS, current, seen_until};
use crate::error::StoreError;
use crate::sqlite::SqliteStore;

/// One PTR name of an address.
///
/// JSON: `{"name": "198-51-100-7.static.hoster.example", "pattern":
/// "*.static.hoster.example", "ttl": 3600, "sources": ["pdns"],
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
    /// The sources that saw it, sorted.
    pub sources: Vec<String>,
    /// The first sighting.
    pub first_seen: i64,
    /// The last sighting up to `as_of`.
    pub last_seen: i64,
}

/// The addresses whose PTR name follows a pattern, and the names they host.
///
/// JSON: `{"pattern": "*.static.hoster.example", "patterns":
/// ["*.static.hoster.example"], "as_of": …, "addresses": [{"ip":
/// "198.51.100.7", "ptr": "198-51-100-7.static.hoster.example", "names":
/// ["shop.example"], "scores": [{…}]}], "address_count": 1, "name_count":
/// 1}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PtrPatternView {
    /// The pattern asked for.
    pub pattern: String,
    /// The stored patterns that matched: the pattern itself, or, when it
    /// starts with `*` and none is stored exactly, every stored pattern
    /// ending with the rest (`*.static.hoster.example` matches
    /// `ip-*.static.hoster.example`).
    pub patterns: Vec<String>,
    /// The moment the view describes.
    pub as_of: i64,
    /// One page of addresses, sorted.
    pub addresses: Vec<PatternAddress>,
    /// Distinct addresses with a current PTR name of those patterns.
    pub address_count: u64,
    /// Distinct names currently hosted on them.
    pub name_count: u64,
}

/// One address of a PTR pattern.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternAddress {
    /// The address.
    pub ip: IpAddr,
    /// Its PTR name.
    pub ptr: String,
    /// The stored pattern of that name.
    pub pattern: String,
    /// The names currently pointing at it, sorted.
    pub names: Vec<String>,
    /// The same names, in the same order, with their registered
    /// domains' newest risk and lifecycle state.
    pub scores: Vec<ScoredName>,
}

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

/// Current PTR records of one pattern (through its index).
static PATTERN_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT DISTINCT o.name, o.rdata, o.ptr_pattern FROM observations AS o
         WHERE o.ptr_pattern = :pattern AND {} ORDER BY o.name",
        current("o")
    )
});

/// Stored patterns ending with a suffix (a scan of the pattern index).
const PATTERNS_ENDING_SQL: &str = "SELECT DISTINCT ptr_pattern FROM observations
     WHERE ptr_pattern IS NOT NULL AND substr(ptr_pattern, -length(:suffix)) = :suffix
     ORDER BY ptr_pattern";

impl SqliteStore {
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
                sources: split_list(row.get(3)?),
                first_seen: row.get(4)?,
                last_seen: row.get(5)?,
            })
        })
    }

    /// The addresses whose current PTR name follows `pattern` (see
    /// [`PtrPatternView::patterns`]), with up to `limit` of them listed.
    pub fn ptr_pattern_view(
        &self,
        pattern: &str,
        as_of: i64,
        limit: u32,
    ) -> Result<PtrPatternView, StoreError> {
        let patterns = self.matching_patterns(pattern)?;
        let mut addresses = Vec::new();
        for stored in &patterns {
            addresses.extend(self.pattern_addresses(stored, as_of)?);
        }
        addresses.sort_by(|a, b| a.ip.cmp(&b.ip).then_with(|| a.ptr.cmp(&b.ptr)));
        addresses.dedup_by(|a, b| a.ip == b.ip && a.ptr == b.ptr);

        let mut names = BTreeSet::new();
        for address in &mut addresses {
            let (one, _) = network_keys(address.ip, 128);
            let hosted = self.hosted(&one, &one, as_of, u32::MAX)?;
            address.names = hosted.into_iter().map(|h| h.name).collect();
            address.names.dedup();
            names.extend(address.names.iter().cloned());
        }

        let address_count = addresses.len() as u64;
        addresses.truncate(limit as usize);
        for address in &mut addresses {
            let mut scores = self.scores_of(address.names.iter().map(String::as_str))?;
            address.scores = address.names.iter().filter_map(|name| scores.remove(name)).collect();
        }
        Ok(PtrPatternView {
            pattern: pattern.to_owned(),
            patterns,
            as_of,
            addresses,
            address_count,
            name_count: names.len() as u64,
        })
    }

    /// The stored patterns a pattern stands for.
    fn matching_patterns(&self, pattern: &str) -> Result<Vec<String>, StoreError> {
        let exact = "SELECT EXISTS (SELECT 1 FROM observations WHERE ptr_pattern = :pattern)";
        let params = named_params! { ":pattern": pattern };
        let stored: bool = self.row("look up a PTR pattern", exact, params, |row| row.get(0))?;
        if stored {
            return Ok(vec![pattern.to_owned()]);
        }

        let Some(suffix) = pattern.strip_prefix('*').filter(|s| !s.is_empty()) else {
            return Ok(Vec::new());
        };
        let params = named_params! { ":suffix": suffix };
        self.rows("find PTR patterns", PATTERNS_ENDING_SQL, params, |row| row.get(0))
    }

    /// The addresses of one stored pattern.
    fn pattern_addresses(
        &self,
        pattern: &str,
        as_of: i64,
    ) -> Result<Vec<PatternAddress>, StoreError> {
        let params = named_params! {
            ":pattern": pattern, ":as_of": as_of, ":window": SIGHTING_WINDOW_SECS,
        };
        let rows: Vec<(String, String, String)> =
            self.rows("list a PTR pattern", &PATTERN_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?;

        Ok(rows
            .into_iter()
            .filter_map(|(reverse, ptr, pattern)| {
                let ip = address_of_reverse_name(&DomainName::parse(&reverse).ok()?)?;
                let ptr = ptr.trim_end_matches('.').to_owned();
                Some(PatternAddress { ip, ptr, pattern, names: Vec::new(), scores: Vec::new() })
            })
            .collect())
    }
}
