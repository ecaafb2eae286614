//! Facts from the store: one pass over each kind of data.
//!
//! Domains are registered domains (the PSL's ICANN section): a record
//! of `www.shop.example` counts for `shop.example`. What counts:
//!
//! - current NS records (parent or child side) give name servers; A and
//!   AAAA give addresses, their AS numbers (the store's ASN tables as of
//!   the moment) and subnets; PTR records of those addresses give PTR
//!   naming patterns; MX gives mail; child-side TTLs (not the parent's
//!   delegation TTLs) give the average TTL;
//! - NS and address records that appeared or ended within the window,
//!   after the domain was first seen, are its changes (churn);
//! - registrations give registrar, registrant address, privacy,
//!   creation and expiry (and the age of name-server domains); one
//!   created after the moment is left out;
//! - the shipped brand catalogue, with the user's catalogue stored by
//!   `nshunt brands --import` on top ([`brand_catalogue`]), names the
//!   brand a domain impersonates and gives its themes: the catalogue is
//!   the store's, so every scoring run of it sees the same brands;
//! - labels known at the moment: block lists list the name (or a
//!   parent); allow, popular, parking, sinkhole, CDN and dynamic-DNS
//!   lists flag the name, its name servers, its addresses (by address or
//!   network) and its AS numbers. The `analyst` source holds verdicts.
//!
//! # Limitations
//!
//! - Suffix labels (names strictly below a value) are not used: on a
//!   public suffix they would speak of a whole TLD, and name-server
//!   hosts are flagged only by labels on their own names and parents.

use std::net::IpAddr;
use std::path::Path;

use hashbrown::HashMap;
use nshunt_brands::{Catalogue, Detector};
use nshunt_model::ptr::address_of_reverse_name;
use nshunt_model::{DomainName, Section, psl};
use nshunt_store::{
    SnapshotAsnSegment, SnapshotLabel, SnapshotRecord, SnapshotRegistration, SqliteStore,
    StoreError, ip_key,
};
use tracing::{debug, warn};

use crate::facts::{DomainFacts, EntityKind, Facts, Flags, Listing, Severity};

/// The source name of analysts' verdicts.
pub const ANALYST_SOURCE: &str = "analyst";

/// Churn is counted over this many seconds before the moment: 30 days.
pub const CHURN_WINDOW: i64 = 30 * 86_400;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Reads everything scoring needs from `store`, as of `as_of`.
pub fn load(store: &SqliteStore, as_of: i64) -> Result<Facts, StoreError> {
    load_with(store, as_of, &[])
}

/// Like [`load`], with `extra` registered domains added when the store
/// does not know them (scored from their names and the lists alone).
pub fn load_with(store: &SqliteStore, as_of: i64, extra: &[String]) -> Result<Facts, StoreError> {
    let mut builder = Builder::new(as_of, store.snapshot_asn_tables(as_of)?);

    let records = store.for_each_snapshot_record(as_of, CHURN_WINDOW, |r| builder.record(r))?;
    builder.finish_churn();
    builder.finish_ptr();
    let registrations = store.for_each_snapshot_registration(as_of, |r| builder.registration(r))?;
    builder.drop_glue_only();
    for name in extra {
        builder.domain(name);
    }
    builder.detect_brands(&Detector::new(&brand_catalogue(store)?));
    let mut lists = Lists::default();
    let labels = store.for_each_snapshot_label(as_of, |l| lists.add(l))?;
    builder.apply(&lists);

    debug!(
        as_of,
        records,
        registrations,
        labels,
        domains = builder.facts.domains.len(),
        "facts loaded"
    );
    Ok(builder.facts)
}

/// The brands scoring detects: the shipped catalogue with the one
/// stored in `store` (by `nshunt brands --import`) on top; its brands
/// replace shipped brands with the same id.
///
/// The stored text was checked when it was imported; a line that no
/// longer reads (a catalogue stored by another nshunt version) is
/// skipped with a warning rather than failing every scoring run.
pub fn brand_catalogue(store: &SqliteStore) -> Result<Catalogue, StoreError> {
    let mut catalogue = Catalogue::shipped();
    let Some(stored) = store.brand_catalogue()? else { return Ok(catalogue) };

    let origin = format!("{} (stored in {})", stored.file_name, store.path().display());
    let parsed = Catalogue::parse(&stored.text, Path::new(&origin));
    for error in &parsed.skipped {
        warn!(%error, "stored brand catalogue line skipped");
    }
    debug!(file = %stored.file_name, brands = parsed.catalogue.len(), "stored brand catalogue");
    catalogue.merge(parsed.catalogue);
    Ok(catalogue)
}

/// Facts being filled.
struct Builder {
    facts: Facts,
    index: Map<String, u32>,
    asn_tables: Vec<Vec<SnapshotAsnSegment>>,
    /// The last owner name and its domain (rows of one name come
    /// together).
    last: Option<(String, Option<u32>)>,
    /// First sightings of NS and address records within the window,
    /// per domain, for churn once every domain's first sighting is
    /// known.
    recent: Map<u32, Vec<(i64, usize)>>,
    /// Each domain's first sighting per kind of source (zone, passive
    /// DNS, anything else), in days: a record is a move only against
    /// what the same kind of source saw before (a zone loaded for the
    /// first time is not a move of a domain passive DNS saw a year ago).
    first_by_source: Vec<[i32; 3]>,
    /// Whether each domain is known from more than a parent zone's glue
    /// (an address record of a name-server host in a zone file): a
    /// delegation, another source, or a registration.
    known: Vec<bool>,
    /// PTR naming patterns by address.
    ptr_patterns: Map<IpAddr, Vec<String>>,
}

impl Builder {
    fn new(as_of: i64, asn_tables: Vec<Vec<SnapshotAsnSegment>>) -> Self {
        Builder {
            facts: Facts::new(as_of),
            index: Map::default(),
            asn_tables,
            last: None,
            recent: Map::default(),
            first_by_source: Vec::new(),
            known: Vec::new(),
            ptr_patterns: Map::default(),
        }
    }

    /// The index of a registered domain, added when new.
    fn domain(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = u32::try_from(self.facts.domains.len()).unwrap_or(u32::MAX);
        self.facts.domains.push(DomainFacts { name: name.to_owned(), ..DomainFacts::default() });
        self.index.insert(name.to_owned(), i);
        i
    }

    /// The domain of an owner name (its registered domain).
    fn domain_of(&mut self, owner: &str) -> Option<u32> {
        if let Some((last, domain)) = &self.last
            && last == owner
        {
            return *domain;
        }
        let registered = registered_domain(owner);
        let domain = registered.map(|d| self.domain(&d));
        self.last = Some((owner.to_owned(), domain));
        domain
    }

    fn record(&mut self, r: &SnapshotRecord<'_>) {
        if r.rrtype == 12 {
            return self.ptr(r);
        }
        let Some(index) = self.domain_of(r.name) else { return };
        let window_start = self.facts.as_of - CHURN_WINDOW;
        let changing = matches!(r.rrtype, 1 | 2 | 28);
        let source = source_kind(r.source);
        if changing && r.first_seen >= window_start {
            self.recent.entry(index).or_default().push((r.first_seen, source));
        }
        if self.first_by_source.len() <= index as usize {
            self.first_by_source.resize(index as usize + 1, [i32::MAX; 3]);
        }
        let day = i32::try_from(r.first_seen.div_euclid(86_400)).unwrap_or(i32::MAX);
        let first = &mut self.first_by_source[index as usize][source];
        *first = (*first).min(day);

        if self.known.len() <= index as usize {
            self.known.resize(index as usize + 1, false);
        }
        if r.source != "zone" || r.rrtype == 2 {
            self.known[index as usize] = true;
        }

        let entities = self.record_entities(r);
        let d = &mut self.facts.domains[index as usize];
        d.first_seen = Some(d.first_seen.map_or(r.first_seen, |f| f.min(r.first_seen)));
        d.last_seen = Some(d.last_seen.map_or(r.last_seen, |l| l.max(r.last_seen)));
        if !r.current {
            d.changes += u32::from(changing);
            return;
        }

        if r.source == "pdns" {
            d.in_traffic = true;
        }
        // Child-side TTLs come from passive DNS and collection; a zone
        // file is the parent's (delegations and glue).
        if let Some(ttl) = r.ttl.filter(|_| !r.delegation && r.source != "zone") {
            d.ttl_sum += u64::from(ttl);
            d.ttl_count += 1;
        }
        match r.rrtype {
            2 => d.delegated = true,
            15 => d.has_mx = true,
            1 | 28 => {
                if let Some(ip) = r.ip
                    && !d.addresses.contains(&ip)
                {
                    d.addresses.push(ip);
                }
            }
            _ => {}
        }
        for entity in entities {
            if !d.entities.contains(&entity) {
                d.entities.push(entity);
            }
        }
    }

    /// The entities a current record puts its domain on.
    fn record_entities(&mut self, r: &SnapshotRecord<'_>) -> Vec<(EntityKind, u32)> {
        let mut out = Vec::new();
        if !r.current {
            return out;
        }
        let entities = &mut self.facts.entities;
        match r.rrtype {
            2 => {
                let host = r.rdata.trim_end_matches('.');
                out.push((EntityKind::NsHost, entities.intern(EntityKind::NsHost, host)));
                let ns_domain = r.ns_domain.map(str::to_owned).or_else(|| registered_domain(host));
                if let Some(ns_domain) = ns_domain {
                    out.push((
                        EntityKind::NsDomain,
                        entities.intern(EntityKind::NsDomain, &ns_domain),
                    ));
                }
            }
            1 | 28 => {
                // A blocker's or a parked name's `0.0.0.0` or `127.0.0.1`
                // is nobody's infrastructure: no subnet, no AS to share.
                if let Some(ip) = r.ip
                    && !is_null_address(ip)
                {
                    let subnet = subnet_of(ip);
                    out.push((EntityKind::Subnet, entities.intern(EntityKind::Subnet, &subnet)));
                    if let Some(segment) = asn_of(&self.asn_tables, ip)
                        && let Some(asn) = segment.asn
                    {
                        let key = format!("AS{asn}");
                        let id = self.facts.entities.intern(EntityKind::Asn, &key);
                        if let Some(holder) = &segment.holder {
                            self.facts.entities.set_holder(id, holder);
                        }
                        out.push((EntityKind::Asn, id));
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// Names the brand each domain impersonates (a brand's own domains
    /// are never flagged) and puts it on its themes.
    fn detect_brands(&mut self, detector: &Detector) {
        for index in 0..self.facts.domains.len() {
            let Ok(name) = DomainName::parse(&self.facts.domains[index].name) else { continue };
            let found = detector.detect(&name);
            let themes = detector.themes_with(&name, &found);
            let ids: Vec<u32> = themes
                .iter()
                .map(|t| self.facts.entities.intern(EntityKind::Theme, t.as_str()))
                .collect();
            let d = &mut self.facts.domains[index];
            d.brand = found.into_iter().next().map(|m| m.brand_name);
            d.entities.extend(ids.into_iter().map(|id| (EntityKind::Theme, id)));
        }
    }

    /// Forgets the domains known only from glue in a parent zone (the
    /// root zone's `a.nic.fr` is not a domain the root delegates).
    fn drop_glue_only(&mut self) {
        let known = std::mem::take(&mut self.known);
        let mut index = 0;
        self.facts.domains.retain(|_| {
            let keep = known.get(index).copied().unwrap_or(true);
            index += 1;
            keep
        });
        self.index.clear();
        self.last = None;
        for (i, d) in self.facts.domains.iter().enumerate() {
            self.index.insert(d.name.clone(), i as u32);
        }
    }

    /// Remembers the naming pattern of a current PTR record's address.
    fn ptr(&mut self, r: &SnapshotRecord<'_>) {
        let Some(pattern) = r.ptr_pattern.filter(|_| r.current) else { return };
        let Ok(owner) = DomainName::parse(r.name) else { return };
        let Some(address) = address_of_reverse_name(&owner) else { return };
        let patterns = self.ptr_patterns.entry(address).or_default();
        if !patterns.iter().any(|p| p == pattern) {
            patterns.push(pattern.to_owned());
        }
    }

    /// Puts each domain on the PTR patterns of its addresses.
    fn finish_ptr(&mut self) {
        let patterns = std::mem::take(&mut self.ptr_patterns);
        if patterns.is_empty() {
            return;
        }
        for index in 0..self.facts.domains.len() {
            let mut found = Vec::new();
            for ip in &self.facts.domains[index].addresses {
                for pattern in patterns.get(ip).into_iter().flatten() {
                    found.push(self.facts.entities.intern(EntityKind::PtrPattern, pattern));
                }
            }
            let d = &mut self.facts.domains[index];
            for id in found {
                if !d.entities.contains(&(EntityKind::PtrPattern, id)) {
                    d.entities.push((EntityKind::PtrPattern, id));
                }
            }
        }
    }

    /// Turns the window's first sightings into changes: a record that
    /// appeared more than a day after the same kind of source first saw
    /// its domain is a move.
    fn finish_churn(&mut self) {
        let by_source = std::mem::take(&mut self.first_by_source);
        for (index, firsts) in std::mem::take(&mut self.recent) {
            let Some(known) = by_source.get(index as usize) else { continue };
            let moves = firsts
                .iter()
                .filter(|&&(seen, source)| seen.div_euclid(86_400) > i64::from(known[source]) + 1)
                .count();
            self.facts.domains[index as usize].changes += u32::try_from(moves).unwrap_or(u32::MAX);
        }
    }

    fn registration(&mut self, r: &SnapshotRegistration<'_>) {
        // A registration created after the moment is of a later owner
        // (or of a domain that did not exist yet): the store may hand it
        // over when it has nothing older.
        if r.status == "not_found" || r.created.is_some_and(|c| c > self.facts.as_of) {
            return;
        }
        let Some(name) = registered_domain(r.domain) else { return };
        if let (Some(id), Some(created)) =
            (self.facts.entities.id(EntityKind::NsDomain, &name), r.created)
        {
            self.facts.entities.set_created(id, created);
        }

        let index = self.domain(&name);
        if self.known.len() <= index as usize {
            self.known.resize(index as usize + 1, false);
        }
        self.known[index as usize] = true;
        let registrar = r
            .registrar
            .map(|n| self.facts.entities.intern(EntityKind::Registrar, &n.to_lowercase()));
        let registrant = r.address.map(|a| self.facts.entities.intern(EntityKind::Registrant, a));
        let d = &mut self.facts.domains[index as usize];
        d.created = r.created;
        d.expires = r.expires;
        d.privacy = r.privacy;
        d.org = r.org.map(str::to_owned);
        d.country = r.country.map(str::to_uppercase);
        d.entities.extend(registrar.map(|id| (EntityKind::Registrar, id)));
        d.entities.extend(registrant.map(|id| (EntityKind::Registrant, id)));
    }

    /// Puts what the lists say on the domains and entities.
    fn apply(&mut self, lists: &Lists) {
        for kind in [EntityKind::NsDomain, EntityKind::NsHost] {
            for id in 0..self.facts.entities.count(kind) as u32 {
                let name = self.facts.entities.name(kind, id).to_owned();
                for list in lists.flags_of_name(&name) {
                    self.facts.entities.flag(kind, id, list);
                }
            }
        }
        for id in 0..self.facts.entities.count(EntityKind::Asn) as u32 {
            let name = self.facts.entities.name(EntityKind::Asn, id).to_owned();
            for list in lists.flag_values.get(&name).into_iter().flatten() {
                self.facts.entities.flag(EntityKind::Asn, id, list);
            }
        }

        for index in 0..self.facts.domains.len() {
            let (listing, flags) = {
                let d = &self.facts.domains[index];
                // Every domain here is a registered domain: its own name
                // is the only one a label can name (its parents are public
                // suffixes), so the look-ups need no walk up the name.
                let mut flags = Flags::default();
                for list in lists.flag_values.get(&d.name).into_iter().flatten() {
                    flags.set_list(list);
                }
                for ip in &d.addresses {
                    for list in lists.flags_of_address(*ip) {
                        flags.set_list(list);
                    }
                }
                for &(kind, id) in &d.entities {
                    if matches!(kind, EntityKind::NsDomain | EntityKind::NsHost) {
                        let entity = self.facts.entities.flags(kind, id);
                        // Name servers say parking and sinkholes of
                        // their domains, not allow-listing.
                        flags.parking |= entity.parking;
                        flags.sinkhole |= entity.sinkhole;
                    }
                }
                (lists.listings.get(&d.name).cloned(), flags)
            };
            let d = &mut self.facts.domains[index];
            d.listing = listing;
            d.flags = flags;
            if d.listing.as_ref().is_some_and(|l| l.source == ANALYST_SOURCE) {
                d.flags.allowed = false;
                d.flags.popular = false;
            }
        }

        self.flag_subnets(lists);
    }

    /// Subnets flagged by network labels (a CDN's ranges).
    fn flag_subnets(&mut self, lists: &Lists) {
        for id in 0..self.facts.entities.count(EntityKind::Subnet) as u32 {
            let name = self.facts.entities.name(EntityKind::Subnet, id).to_owned();
            let Some(ip) = name.split('/').next().and_then(|a| a.parse::<IpAddr>().ok()) else {
                continue;
            };
            for list in lists.flags_of_address(ip) {
                self.facts.entities.flag(EntityKind::Subnet, id, list);
            }
        }
    }
}

/// The labels, arranged for look-ups by value.
#[derive(Default)]
struct Lists {
    /// Block-list entries on names (`domain` labels), the strongest per
    /// value.
    listings: Map<String, Listing>,
    /// Analysts' benign verdicts and allow-list kinds, by value (names,
    /// `AS…`, addresses, networks).
    flag_values: Map<String, Vec<&'static str>>,
    /// Prefix lengths of the network labels, for probing.
    prefixes: Vec<u8>,
}

/// The list kinds that flag.
const FLAG_LISTS: [&str; 6] = ["allow", "popular", "parking", "sinkhole", "cdn", "dynamic_dns"];

impl Lists {
    fn add(&mut self, label: &SnapshotLabel<'_>) {
        if label.kind == "cidr"
            && let Some(length) = label.value.split('/').nth(1).and_then(|l| l.parse::<u8>().ok())
            && !self.prefixes.contains(&length)
        {
            self.prefixes.push(length);
        }
        // A suffix label names the names strictly below its value. A
        // registered domain lies strictly below a public suffix only,
        // and a label on one (maltrail's `.tk`) speaks of a TLD, not of
        // each domain under it. Name-server hosts are flagged by labels
        // on their own names and parents, not by suffix labels (a gap
        // the module docs name).
        if label.kind == "suffix" {
            return;
        }

        let key = label.value.to_owned();
        if label.list == "block" && label.kind == "domain" {
            let listing = Listing {
                severity: severity(label),
                category: label.category.to_owned(),
                source: label.source.to_owned(),
                listed_at: label.first_seen,
            };
            let stronger = |old: &Listing| {
                (listing.source == ANALYST_SOURCE, listing.severity)
                    > (old.source == ANALYST_SOURCE, old.severity)
            };
            match self.listings.get(&key) {
                Some(old) if !stronger(old) => {}
                _ => {
                    self.listings.insert(key, listing);
                }
            }
        } else if let Some(list) = FLAG_LISTS.iter().find(|l| **l == label.list) {
            let lists = self.flag_values.entry(key).or_default();
            if !lists.contains(list) {
                lists.push(list);
            }
        }
    }

    /// The flag lists on `name` or a parent down to its registered
    /// domain.
    fn flags_of_name<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'static str> + 'a {
        own_names(name).flat_map(|s| self.flag_values.get(s).into_iter().flatten().copied())
    }

    /// The flag lists on an address or a network holding it.
    fn flags_of_address(&self, ip: IpAddr) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        let mut add = |key: &str| {
            for list in self.flag_values.get(key).into_iter().flatten() {
                if !out.contains(list) {
                    out.push(list);
                }
            }
        };
        add(&ip.to_string());
        for &length in &self.prefixes {
            if let Some(network) = network_text(ip, length) {
                add(&network);
            }
        }
        out
    }
}

/// The severity a label gives: the list's word, high for analysts'
/// verdicts.
fn severity(label: &SnapshotLabel<'_>) -> Severity {
    if label.source == ANALYST_SOURCE {
        return Severity::High;
    }
    match label.severity {
        Some("high") => Severity::High,
        Some("low") => Severity::Low,
        _ => Severity::Medium,
    }
}

/// `name`, then each parent down to its registered domain: never a
/// public suffix (`co.uk`, `com`), so a label on one matches nothing,
/// as in the views.
fn own_names(name: &str) -> impl Iterator<Item = &str> {
    let registered_len = registered_domain(name).map_or(usize::MAX, |r| r.len());
    std::iter::successors(Some(name), |n| n.split_once('.').map(|(_, rest)| rest))
        .take_while(move |s| s.len() >= registered_len)
}

/// The kind of a source, for churn: zone files, passive DNS, the rest.
fn source_kind(source: &str) -> usize {
    match source {
        "zone" => 0,
        "pdns" => 1,
        _ => 2,
    }
}

/// The network of `length` bits holding `ip`, as canonical text.
fn network_text(ip: IpAddr, length: u8) -> Option<String> {
    match ip {
        IpAddr::V4(v4) if length <= 32 => {
            let bits = u32::from(v4);
            let mask = if length == 0 { 0 } else { u32::MAX << (32 - u32::from(length)) };
            Some(format!("{}/{length}", std::net::Ipv4Addr::from(bits & mask)))
        }
        IpAddr::V6(v6) if length <= 128 => {
            let bits = u128::from(v6);
            let mask = if length == 0 { 0 } else { u128::MAX << (128 - u32::from(length)) };
            Some(format!("{}/{length}", std::net::Ipv6Addr::from(bits & mask)))
        }
        _ => None,
    }
}

/// Addresses that route nowhere (unspecified, `0.0.0.0/8`, loopback),
/// as DNS blockers and parked names answer.
fn is_null_address(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => v4.octets()[0] == 0 || v4.is_loopback(),
        std::net::IpAddr::V6(v6) => v6.is_unspecified() || v6.is_loopback(),
    }
}

/// The /24 (IPv4) or /48 (IPv6) holding `ip`.
pub fn subnet_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(_) => network_text(ip, 24),
        IpAddr::V6(_) => network_text(ip, 48),
    }
    .unwrap_or_default()
}

/// The AS of `ip` in the first table that has it.
fn asn_of(tables: &[Vec<SnapshotAsnSegment>], ip: IpAddr) -> Option<&SnapshotAsnSegment> {
    let key = ip_key(ip);
    for table in tables {
        let after = table.partition_point(|s| s.start <= key);
        if let Some(segment) = after.checked_sub(1).and_then(|i| table.get(i))
            && segment.end >= key
        {
            return Some(segment);
        }
    }
    None
}

/// The registered domain of a name, as text.
pub fn registered_domain(name: &str) -> Option<String> {
    let name = DomainName::parse(name).ok()?;
    psl::embedded().registered_domain(&name, Section::Icann).map(|d| d.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_and_networks() {
        assert_eq!(subnet_of("192.0.2.77".parse().unwrap()), "192.0.2.0/24");
        assert_eq!(subnet_of("2001:db8:1:2::5".parse().unwrap()), "2001:db8:1::/48");
        assert_eq!(network_text("10.1.2.3".parse().unwrap(), 8).unwrap(), "10.0.0.0/8");
        for null in ["0.0.0.0", "0.1.2.3", "127.0.0.1", "::", "::1"] {
            assert!(is_null_address(null.parse().unwrap()), "{null}");
        }
        for real in ["10.1.2.3", "192.0.2.1", "2001:db8::1", "8.8.8.8"] {
            assert!(!is_null_address(real.parse().unwrap()), "{real}");
        }
    }

    #[test]
    fn own_names_stop_at_the_registered_domain() {
        let all: Vec<&str> = own_names("a.b.example.co.uk").collect();
        assert_eq!(all, ["a.b.example.co.uk", "b.example.co.uk", "example.co.uk"]);
        assert_eq!(own_names("shop.co.uk").collect::<Vec<_>>(), ["shop.co.uk"]);
        assert_eq!(own_names("co.uk").count(), 0);
    }
}
