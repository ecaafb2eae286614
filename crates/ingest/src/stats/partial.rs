//! What one worker counts, and how workers' counts merge.
//!
//! The hot loop touches one hash-table entry per NS record. Hosts are
//! grouped by their parent (`ns1.hoster.net` and `ns2.hoster.net` share
//! the group `hoster.net`), because every host below a name that is not
//! a public suffix has the same name-server domain. A group's entry holds
//! everything the loop updates: the name-server domain's hash, the
//! record and TTL sums, and the first few distinct hosts inline, so a
//! record costs one probe into a table that stays small (one entry per
//! parent, not per host). Hosts directly below a public suffix
//! (`ns1.com`) form a group of their own, keyed by the whole host.
//!
//! Distinct (domain, name-server domain) pairs are 64-bit hashes pushed
//! to a vector, bucket-sorted and merged at the end.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashMap;
use nshunt_model::DomainName;
use nshunt_model::psl::{self, Section};

use super::{
    FastLine, NsDomainStats, has_upper, lowercase, needs_general, parse_ttl, starts_specially,
    valid_name,
};

/// The seeds of the hashes; fixed so that partials merge.
const OWNER_SEED: u64 = 0x6e73_6875_6e74_0001;
const NS_DOMAIN_SEED: u64 = 0x6e73_6875_6e74_0002;
const HOST_SEED: u64 = 0x6e73_6875_6e74_0003;
const PARENT_SEED: u64 = 0x6e73_6875_6e74_0004;

/// Distinct hosts kept inside a group's entry before the overflow set.
const INLINE_HOSTS: usize = 4;

/// Hosts sharing one name-server domain and one parent.
#[derive(Debug, Clone)]
struct Group {
    /// The parent is a public suffix: this entry only redirects to
    /// per-host groups.
    suffix_parent: bool,
    /// Index into `Partial::ns_domains`.
    ns_domain: u32,
    ns_hash: u64,
    records: u64,
    ttl_sum: u64,
    hosts: [u64; INLINE_HOSTS],
    host_count: u8,
}

/// What one worker (or one file) has counted.
pub(super) struct Partial {
    section: Section,
    /// Records read, of any type.
    pub(super) records: u64,
    /// NS records counted as delegations.
    pub(super) delegations: u64,
    /// Group key (hash of the parent, or of the host) → group.
    groups: HashMap<u64, Group, PassThrough>,
    /// Hosts beyond a group's inline ones: host hash → group key.
    overflow: HashMap<u64, u64, PassThrough>,
    /// Name-server domains and their hashes.
    ns_domains: Vec<(String, u64)>,
    ns_index: HashMap<String, u32, FixedState>,
    /// (domain, name-server domain) pair hash → name-server domain.
    pairs: Vec<(u64, u32)>,
    /// Adjacent duplicates are skipped before they reach `pairs`.
    last_pair: u64,
    /// `pairs` is sorted and free of duplicates.
    pairs_sorted: bool,
    /// The previous NS owner and its hash: a domain's NS records are
    /// usually adjacent, so its name is hashed once.
    last_owner: Vec<u8>,
    last_owner_hash: u64,
    /// The previous owner as written on the fast path, before
    /// lower-casing: equal raw bytes need no second look.
    last_raw_owner: Vec<u8>,
}

impl Partial {
    pub(super) fn new(section: Section) -> Self {
        Self {
            section,
            records: 0,
            delegations: 0,
            groups: HashMap::with_hasher(PassThrough),
            overflow: HashMap::with_hasher(PassThrough),
            ns_domains: Vec::new(),
            ns_index: HashMap::with_hasher(FixedState::with_seed(2)),
            pairs: Vec::new(),
            last_pair: 0,
            pairs_sorted: true,
            last_owner: Vec::new(),
            last_owner_hash: 0,
            last_raw_owner: Vec::new(),
        }
    }

    /// Room for `additional` more distinct pairs.
    pub(super) fn reserve_pairs(&mut self, additional: usize) {
        self.pairs.reserve(additional);
    }

    /// One raw line of the fast path. `false` when the file must go to
    /// the general reader.
    pub(super) fn fast_line(&mut self, line: &[u8], apex: &mut Option<Vec<u8>>) -> bool {
        !needs_general(line) && self.fast_line_checked(line, apex)
    }

    /// [`Self::fast_line`] for a line whose block is known to hold no
    /// parentheses, quotes, comments or escapes.
    pub(super) fn fast_line_checked(&mut self, line: &[u8], apex: &mut Option<Vec<u8>>) -> bool {
        if starts_specially(line) {
            return false;
        }
        let Some(fields) = FastLine::split(line) else {
            return line.iter().all(u8::is_ascii_whitespace);
        };
        self.records += 1;

        if fields.rtype.eq_ignore_ascii_case(b"soa") {
            return self.fast_soa(fields.owner, apex);
        }
        if !fields.rtype.eq_ignore_ascii_case(b"ns") {
            return true;
        }
        if !fields.rdata.ends_with(b".") {
            return false;
        }

        // The host is checked when it is new to its group (in
        // `add_ns_hashed`); here it is only lower-cased when it must be.
        let mut host_buf = [0u8; 256];
        let raw_host = &fields.rdata[..fields.rdata.len() - 1];
        let host = match has_upper(raw_host) {
            false => Some(raw_host),
            true => lowercase(fields.rdata, &mut host_buf),
        };
        let (Some(host), Some(ttl)) = (host, parse_ttl(fields.ttl)) else {
            return false;
        };
        if fields.owner == self.last_raw_owner.as_slice() {
            return self.add_ns_hashed(self.last_owner_hash, host, ttl);
        }

        let mut owner_buf = [0u8; 256];
        let Some(owner) = lowercase(fields.owner, &mut owner_buf) else { return false };
        if owner.is_empty() || apex.as_deref() == Some(owner) {
            return true;
        }
        let owner_hash = self.owner_hash(owner);
        self.last_raw_owner.clear();
        self.last_raw_owner.extend_from_slice(fields.owner);
        self.add_ns_hashed(owner_hash, host, ttl)
    }

    /// An SOA on the fast path: it must agree with the apex found first.
    fn fast_soa(&mut self, owner: &[u8], apex: &mut Option<Vec<u8>>) -> bool {
        let mut buf = [0u8; 256];
        let Some(owner) = lowercase(owner, &mut buf) else { return false };
        match apex {
            Some(known) => known == owner,
            None => {
                // An SOA after NS records of its owner may have counted
                // apex records as delegations: let the general path decide.
                *apex = Some(owner.to_vec());
                self.delegations == 0
            }
        }
    }

    /// One delegation: `owner` delegated to `host` with `ttl`, both
    /// lower case without trailing dot. `false` when `host` is no name.
    pub(super) fn add_ns(&mut self, owner: &[u8], host: &[u8], ttl: u32) -> bool {
        let owner_hash = self.owner_hash(owner);
        self.add_ns_hashed(owner_hash, host, ttl)
    }

    /// The hash of a canonical owner name, computed once per run of
    /// records of the same owner.
    fn owner_hash(&mut self, owner: &[u8]) -> u64 {
        if self.last_owner != owner {
            self.last_owner.clear();
            self.last_owner.extend_from_slice(owner);
            self.last_owner_hash = FixedState::with_seed(OWNER_SEED).hash_one(owner);
        }
        self.last_owner_hash
    }

    /// [`Self::add_ns`] with the owner already hashed.
    fn add_ns_hashed(&mut self, owner_hash: u64, host: &[u8], ttl: u32) -> bool {
        let dot = host.iter().position(|&b| b == b'.');
        let parent = dot.map(|dot| &host[dot + 1..]);
        let parent_key = parent.map(|p| FixedState::with_seed(PARENT_SEED).hash_one(p));
        let host_hash = match (dot, parent_key) {
            (Some(dot), Some(parent_key)) => host_key(&host[..dot], parent_key),
            _ => FixedState::with_seed(HOST_SEED).hash_one(host),
        };
        let Some(key) = self.group_of(host, host_hash, parent, parent_key) else { return false };
        self.delegations += 1;

        let Some(group) = self.groups.get_mut(&key) else { return false };
        group.records += 1;
        group.ttl_sum += u64::from(ttl);
        let (ns_domain, ns_hash) = (group.ns_domain, group.ns_hash);
        let known = group.hosts[..group.host_count as usize].contains(&host_hash);
        if !known && !self.overflow.contains_key(&host_hash) {
            if !valid_name(host) {
                return false;
            }
            self.add_host(key, host_hash);
        }

        let pair = owner_hash ^ ns_hash;
        if pair != self.last_pair {
            self.last_pair = pair;
            self.pairs.push((pair, ns_domain));
            self.pairs_sorted = false;
        }
        true
    }

    /// The key of the group `host` belongs to, creating it if new.
    fn group_of(
        &mut self,
        host: &[u8],
        host_hash: u64,
        parent: Option<&[u8]>,
        parent_key: Option<u64>,
    ) -> Option<u64> {
        if let Some(key) = parent_key {
            match self.groups.get(&key) {
                Some(group) if !group.suffix_parent => return Some(key),
                Some(_) => return self.host_group(host, host_hash),
                None => {}
            }
        }
        self.new_group(host, host_hash, parent, parent_key)
    }

    /// The group of a host directly below a public suffix.
    fn host_group(&mut self, host: &[u8], host_hash: u64) -> Option<u64> {
        if self.groups.contains_key(&host_hash) {
            return Some(host_hash);
        }
        let ns_domain = self.ns_domain_of(host)?;
        self.groups.insert(host_hash, self.group(ns_domain, false));
        Some(host_hash)
    }

    /// Resolves a host never seen under this parent.
    fn new_group(
        &mut self,
        host: &[u8],
        host_hash: u64,
        parent: Option<&[u8]>,
        parent_key: Option<u64>,
    ) -> Option<u64> {
        let ns_domain = self.ns_domain_of(host)?;
        let shared = parent.zip(parent_key).filter(|(p, _)| self.has_registered_domain(p));

        match shared {
            Some((_, key)) => {
                self.groups.insert(key, self.group(ns_domain, false));
                Some(key)
            }
            None => {
                if let Some(key) = parent_key {
                    self.groups.insert(key, self.group(0, true));
                }
                self.groups.insert(host_hash, self.group(ns_domain, false));
                Some(host_hash)
            }
        }
    }

    fn group(&self, ns_domain: u32, suffix_parent: bool) -> Group {
        let ns_hash = self.ns_domains.get(ns_domain as usize).map_or(0, |(_, h)| *h);
        Group {
            suffix_parent,
            ns_domain,
            ns_hash,
            records: 0,
            ttl_sum: 0,
            hosts: [0; INLINE_HOSTS],
            host_count: 0,
        }
    }

    /// Whether `parent` is below a public suffix, so that every host
    /// under it shares its name-server domain.
    fn has_registered_domain(&self, parent: &[u8]) -> bool {
        let name = std::str::from_utf8(parent).ok().and_then(|p| DomainName::parse(p).ok());
        name.is_some_and(|n| psl::embedded().registered_domain(&n, self.section).is_some())
    }

    /// Records a new distinct host of a group.
    fn add_host(&mut self, key: u64, host_hash: u64) {
        let Some(group) = self.groups.get_mut(&key) else { return };
        let count = group.host_count as usize;
        if count < INLINE_HOSTS {
            group.hosts[count] = host_hash;
            group.host_count += 1;
        } else {
            self.overflow.entry(host_hash).or_insert(key);
        }
    }

    /// The name-server domain of a host: its registered domain, or the
    /// host itself when it is a public suffix.
    fn ns_domain_of(&mut self, host: &[u8]) -> Option<u32> {
        let name = std::str::from_utf8(host).ok().and_then(|h| DomainName::parse(h).ok())?;
        let ns_domain = psl::embedded()
            .registered_domain(&name, self.section)
            .map_or_else(|| name.as_str().to_owned(), |d| d.as_str().to_owned());
        Some(self.intern_ns_domain(ns_domain))
    }

    fn intern_ns_domain(&mut self, ns_domain: String) -> u32 {
        if let Some(&index) = self.ns_index.get(&ns_domain) {
            return index;
        }

        let index = self.ns_domains.len() as u32;
        let hash = FixedState::with_seed(NS_DOMAIN_SEED).hash_one(ns_domain.as_bytes());
        self.ns_domains.push((ns_domain.clone(), hash));
        self.ns_index.insert(ns_domain, index);
        index
    }

    /// Merges partials into the first, re-indexing name-server domains.
    pub(super) fn merge(parts: Vec<Partial>) -> Partial {
        let mut parts = parts.into_iter();
        let Some(mut total) = parts.next() else { return Partial::new(Section::Icann) };
        total.sort_pairs();

        for mut part in parts {
            part.sort_pairs();
            total.absorb(part);
        }
        total
    }

    /// Sorts and de-duplicates the pairs; workers call it before they
    /// return, so that the sorting runs in parallel.
    pub(super) fn sort_pairs(&mut self) {
        if self.pairs_sorted {
            return;
        }
        self.pairs = bucket_sort(std::mem::take(&mut self.pairs));
        self.pairs.dedup_by_key(|&mut (pair, _)| pair);
        self.pairs_sorted = true;
    }

    /// Adds `other` (pairs sorted) into `self` (pairs sorted).
    fn absorb(&mut self, other: Partial) {
        let remap: Vec<u32> =
            other.ns_domains.iter().map(|(name, _)| self.intern_ns_domain(name.clone())).collect();

        for (key, theirs) in &other.groups {
            let mine = self.groups.entry(*key).or_insert_with(|| Group {
                ns_domain: if theirs.suffix_parent { 0 } else { remap[theirs.ns_domain as usize] },
                records: 0,
                ttl_sum: 0,
                host_count: 0,
                ..theirs.clone()
            });
            mine.records += theirs.records;
            mine.ttl_sum += theirs.ttl_sum;
            for &host in &theirs.hosts[..theirs.host_count as usize] {
                if !self.group_has_host(*key, host) {
                    self.add_host(*key, host);
                }
            }
        }

        for (host, key) in other.overflow {
            if !self.group_has_host(key, host) {
                self.overflow.insert(host, key);
            }
        }

        let theirs = other.pairs.into_iter().map(|(pair, i)| (pair, remap[i as usize]));
        self.pairs = merge_sorted(std::mem::take(&mut self.pairs), theirs);
        self.records += other.records;
        self.delegations += other.delegations;
    }

    fn group_has_host(&self, key: u64, host: u64) -> bool {
        let inline =
            self.groups.get(&key).is_some_and(|g| g.hosts[..g.host_count as usize].contains(&host));
        inline || self.overflow.contains_key(&host)
    }

    /// The final rows: distinct domains from the pairs, records, TTLs and
    /// hosts from the groups; most domains first, then by name.
    pub(super) fn into_rows(self) -> Vec<NsDomainStats> {
        let n = self.ns_domains.len();
        let (mut domains, mut hosts, mut records, mut ttl_sum) =
            (vec![0u64; n], vec![0u64; n], vec![0u64; n], vec![0u64; n]);

        self.pairs.iter().for_each(|&(_, i)| domains[i as usize] += 1);
        for group in self.groups.values().filter(|g| !g.suffix_parent) {
            let i = group.ns_domain as usize;
            records[i] += group.records;
            ttl_sum[i] += group.ttl_sum;
            hosts[i] += u64::from(group.host_count);
        }
        for key in self.overflow.values() {
            if let Some(group) = self.groups.get(key) {
                hosts[group.ns_domain as usize] += 1;
            }
        }

        let mut rows: Vec<NsDomainStats> = self
            .ns_domains
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| records[i] > 0)
            .map(|(i, (ns_domain, _))| NsDomainStats {
                ns_domain,
                hosts: hosts[i],
                domains: domains[i],
                records: records[i],
                ttl_sum: ttl_sum[i],
            })
            .collect();
        rows.sort_by(|a, b| b.domains.cmp(&a.domains).then_with(|| a.ns_domain.cmp(&b.ns_domain)));
        rows
    }
}

/// A host's key from its first label and its parent's hash: short
/// labels (`ns1`, `dns2`, `a`) are packed rather than hashed, so that a
/// record costs one string hash, of the parent.
fn host_key(first_label: &[u8], parent_key: u64) -> u64 {
    let label = match first_label.len() {
        0..=7 => {
            let mut bytes = [0u8; 8];
            bytes[..first_label.len()].copy_from_slice(first_label);
            bytes[7] = first_label.len() as u8;
            u64::from_le_bytes(bytes)
        }
        _ => FixedState::with_seed(HOST_SEED).hash_one(first_label) | 1 << 63,
    };
    let mixed = (parent_key ^ label.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .wrapping_mul(0xbf58_476d_1ce4_e5b9);
    mixed ^ (mixed >> 31)
}

/// A hasher for keys that are already 64-bit hashes.
#[derive(Clone, Copy, Default)]
struct PassThrough;

impl BuildHasher for PassThrough {
    type Hasher = PassThroughHasher;

    fn build_hasher(&self) -> PassThroughHasher {
        PassThroughHasher(0)
    }
}

/// See [`PassThrough`].
#[derive(Default)]
struct PassThroughHasher(u64);

impl std::hash::Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Sorts pairs by key: one pass scatters them by their top bits (keys
/// are hashes, so the buckets are even), then each small bucket is
/// sorted in cache. Several times faster than one big sort.
fn bucket_sort(pairs: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    const BITS: u32 = 12;
    let bucket = |key: u64| (key >> (64 - BITS)) as usize;

    let mut starts = vec![0usize; (1 << BITS) + 1];
    pairs.iter().for_each(|&(key, _)| starts[bucket(key) + 1] += 1);
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }

    let mut sorted = vec![(0u64, 0u32); pairs.len()];
    let mut next = starts.clone();
    for pair in pairs {
        let slot = &mut next[bucket(pair.0)];
        sorted[*slot] = pair;
        *slot += 1;
    }

    for window in starts.windows(2) {
        sorted[window[0]..window[1]].sort_unstable_by_key(|&(key, _)| key);
    }
    sorted
}

/// Merges two key-sorted, key-unique pair lists into one.
fn merge_sorted(left: Vec<(u64, u32)>, right: impl Iterator<Item = (u64, u32)>) -> Vec<(u64, u32)> {
    let mut out = Vec::with_capacity(left.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.peekable();

    loop {
        let next = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) if l.0 < r.0 => left.next(),
            (Some(l), Some(r)) if l.0 > r.0 => right.next(),
            (Some(_), Some(_)) => {
                right.next();
                left.next()
            }
            (Some(_), None) => left.next(),
            (None, Some(_)) => right.next(),
            (None, None) => break,
        };
        out.extend(next);
    }
    out
}
