//! What one worker counts, and how workers' counts merge.
//!
//! The hot loop touches one table slot per NS record. Hosts are grouped
//! by their parent (`ns1.hoster.net` and `ns2.hoster.net` share the
//! group `hoster.net`), because every host below a name that is not a
//! public suffix has the same name-server domain. A group's slot holds
//! everything the loop updates: the name-server domain's hash, the
//! record and TTL sums, and the first few distinct hosts, in one cache
//! line (see [`GroupTable`]). Hosts directly below a public suffix
//! (`ns1.com`) form a group of their own, keyed by the whole host.
//!
//! The table is far larger than the cache, so a block of lines is
//! counted as a pipeline: each line is split and its host hashed
//! [`LOOKAHEAD`] lines before it is counted, and its slot prefetched
//! then, so that the probe finds the line in the cache.
//!
//! Distinct (domain, name-server domain) pairs are 64-bit hashes pushed
//! to a vector, bucket-sorted and merged at the end.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashMap;
use nshunt_model::DomainName;
use nshunt_model::psl::{self, Section};

use super::groups::{Group, GroupTable, SUFFIX_PARENT};
use super::pairs::PairSet;
use super::scan::{self, Line, Scanner};
use super::{
    FastLine, NsDomainStats, has_upper, lowercase, needs_general, parse_ttl, splat,
    starts_specially, valid_name, zero_bytes,
};

/// The seeds of the hashes; fixed so that partials merge.
const OWNER_SEED: u64 = 0x6e73_6875_6e74_0001;
const NS_DOMAIN_SEED: u64 = 0x6e73_6875_6e74_0002;
const HOST_SEED: u64 = 0x6e73_6875_6e74_0003;
const PARENT_SEED: u64 = 0x6e73_6875_6e74_0004;

/// How many lines ahead of the one being counted a block is split and
/// prefetched: enough to cover a miss to memory, few enough that the
/// lines stay in the cache.
const LOOKAHEAD: usize = 8;

/// What one worker (or one file) has counted.
pub(super) struct Partial {
    section: Section,
    /// Records read, of any type.
    pub(super) records: u64,
    /// NS records counted as delegations.
    pub(super) delegations: u64,
    /// Group key (hash of the parent, or of the host) → group.
    groups: GroupTable,
    /// Keys of groups whose 32-bit record count wrapped, once per wrap.
    record_wraps: Vec<u64>,
    /// Hosts beyond a group's inline ones: host hash → group key.
    overflow: HashMap<u64, u64, PassThrough>,
    /// Name-server domains and their hashes.
    ns_domains: Vec<(String, u64)>,
    /// Name-server domain hash → index in `ns_domains`.
    ns_index: HashMap<u64, u32, PassThrough>,
    /// Distinct (domain, name-server domain) pairs.
    pairs: PairSet,
    /// The previous NS owner and its hash: a domain's NS records are
    /// usually adjacent, so its name is hashed once.
    last_owner: Vec<u8>,
    last_owner_hash: u64,
    /// The previous owner as written on the fast path, before
    /// lower-casing, and its hash: equal raw bytes need no second look.
    last_raw_owner: Vec<u8>,
    last_raw_owner_hash: u64,
    /// The fast path's line splitter.
    scanner: Scanner,
}

/// The hashes that place a host: its parent's group key (`None` for a
/// single-label host) and its own key.
#[derive(Clone, Copy)]
struct HostKeys {
    parent: Option<u64>,
    host: u64,
}

/// A plain NS line, split and hashed ahead of being counted.
#[derive(Clone, Copy)]
struct NsLine<'a> {
    /// As written.
    owner: &'a [u8],
    /// The owner is known to be lower case.
    lower: bool,
    /// Lower case, without the trailing dot.
    host: &'a [u8],
    ttl: u32,
    keys: HostKeys,
}

/// One line of a block, as the pipeline holds it.
#[derive(Clone, Copy)]
enum Prepared<'a> {
    Ns(NsLine<'a>),
    /// Anything else, counted by [`Partial::fast_line_checked`].
    Line(&'a [u8]),
}

impl Partial {
    pub(super) fn new(section: Section) -> Self {
        Self {
            section,
            records: 0,
            delegations: 0,
            groups: GroupTable::new(),
            record_wraps: Vec::new(),
            overflow: HashMap::with_hasher(PassThrough),
            ns_domains: Vec::new(),
            ns_index: HashMap::with_hasher(PassThrough),
            pairs: PairSet::default(),
            last_owner: Vec::new(),
            last_owner_hash: 0,
            last_raw_owner: Vec::new(),
            last_raw_owner_hash: 0,
            scanner: Scanner::default(),
        }
    }

    /// Room for `additional` more distinct pairs.
    pub(super) fn reserve_pairs(&mut self, additional: usize) {
        self.pairs.reserve(additional);
    }

    /// Whole lines of a block (the last may lack its newline). `false`
    /// when the file must go to the general reader.
    pub(super) fn fast_block(&mut self, block: &[u8], apex: &mut Option<Vec<u8>>) -> bool {
        let mut scanner = std::mem::take(&mut self.scanner);
        let done = scan::pieces(block).all(|piece| match scanner.lines(piece) {
            Some(lines) => self.fast_lines(lines, apex),
            None => false,
        });
        self.scanner = scanner;
        done
    }

    /// Counts lines as a pipeline: each is prepared (its group's slot
    /// prefetched) [`LOOKAHEAD`] lines before it is counted.
    fn fast_lines(&mut self, lines: scan::Lines<'_>, apex: &mut Option<Vec<u8>>) -> bool {
        let mut ring = [Prepared::Line(&[]); LOOKAHEAD];
        let mut count = 0;

        for line in lines {
            let slot = &mut ring[count % LOOKAHEAD];
            if count >= LOOKAHEAD && !self.count_prepared(*slot, apex) {
                return false;
            }
            *slot = self.prepare(line);
            count += 1;
        }

        let pending = count.saturating_sub(LOOKAHEAD)..count;
        pending.into_iter().all(|i| self.count_prepared(ring[i % LOOKAHEAD], apex))
    }

    /// Hashes an NS line's host and prefetches its group's slot.
    fn prepare<'a>(&self, line: Line<'a>) -> Prepared<'a> {
        let ns = match line {
            Line::Ns(ns) => ns,
            Line::Other(line) => return Prepared::Line(line),
        };
        let keys = host_keys(ns.host);
        self.groups.prefetch(keys.parent.unwrap_or(keys.host));
        Prepared::Ns(NsLine { owner: ns.owner, lower: ns.lower, host: ns.host, ttl: ns.ttl, keys })
    }

    fn count_prepared(&mut self, line: Prepared<'_>, apex: &mut Option<Vec<u8>>) -> bool {
        match line {
            Prepared::Ns(ns) => {
                self.records += 1;
                self.fast_ns(ns, apex)
            }
            Prepared::Line(line) => self.fast_line_checked(line, apex),
        }
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
        // `add_ns_keyed`); here it is only lower-cased when it must be.
        let mut host_buf = [0u8; 256];
        let raw_host = &fields.rdata[..fields.rdata.len() - 1];
        let host = match has_upper(raw_host) {
            false => Some(raw_host),
            true => lowercase(fields.rdata, &mut host_buf),
        };
        let (Some(host), Some(ttl)) = (host, parse_ttl(fields.ttl)) else {
            return false;
        };
        let keys = host_keys(host);
        self.fast_ns(NsLine { owner: fields.owner, lower: false, host, ttl, keys }, apex)
    }

    /// A split NS record on the fast path: its owner is hashed unless it
    /// repeats the previous one, and the apex's own records are skipped.
    fn fast_ns(&mut self, ns: NsLine<'_>, apex: &mut Option<Vec<u8>>) -> bool {
        if same_bytes(ns.owner, &self.last_raw_owner) {
            return self.add_ns_keyed(self.last_raw_owner_hash, ns.host, ns.ttl, ns.keys);
        }

        let mut owner_buf = [0u8; 256];
        let owner = match ns.lower {
            true => plain_lower_name(ns.owner).or_else(|| lowercase(ns.owner, &mut owner_buf)),
            false => lowercase(ns.owner, &mut owner_buf),
        };
        let Some(owner) = owner else { return false };
        if owner.is_empty() || apex.as_deref() == Some(owner) {
            return true;
        }
        let owner_hash = FixedState::with_seed(OWNER_SEED).hash_one(owner);
        self.last_raw_owner.clear();
        self.last_raw_owner.extend_from_slice(ns.owner);
        self.last_raw_owner_hash = owner_hash;
        self.add_ns_keyed(owner_hash, ns.host, ns.ttl, ns.keys)
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
        self.add_ns_keyed(owner_hash, host, ttl, host_keys(host))
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

    /// [`Self::add_ns`] with the owner and the host already hashed.
    fn add_ns_keyed(&mut self, owner_hash: u64, host: &[u8], ttl: u32, keys: HostKeys) -> bool {
        let Some(slot) = self.group_of(host, keys) else { return false };
        self.delegations += 1;

        let group = self.groups.slot(slot);
        group.records = group.records.wrapping_add(1);
        if group.records == 0 {
            self.record_wraps.push(group.key);
        }
        group.ttl_sum += u64::from(ttl);
        let (ns_domain, ns_hash) = (group.ns_domain, group.ns_hash);
        if !group.has_host(keys.host) && !self.overflow.contains_key(&keys.host) {
            if !valid_name(host) {
                return false;
            }
            self.add_host(slot, keys.host);
        }

        self.pairs.push(owner_hash ^ ns_hash, ns_domain);
        true
    }

    /// The slot of the group `host` belongs to, creating it if new.
    fn group_of(&mut self, host: &[u8], keys: HostKeys) -> Option<usize> {
        let Some(parent_key) = keys.parent else { return self.host_group(host, keys.host) };

        match self.groups.find(parent_key) {
            Some(slot) if !self.groups.slot(slot).is_suffix_parent() => Some(slot),
            Some(_) => self.host_group(host, keys.host),
            None => self.new_group(host, keys.host, parent_key),
        }
    }

    /// The group of a host directly below a public suffix, or of a
    /// single-label host.
    fn host_group(&mut self, host: &[u8], host_key: u64) -> Option<usize> {
        if let Some(slot) = self.groups.find(host_key) {
            return Some(slot);
        }
        let ns_domain = self.ns_domain_of(host)?;
        Some(self.groups.insert(self.group(host_key, ns_domain)))
    }

    /// Resolves a host never seen under this parent.
    fn new_group(&mut self, host: &[u8], host_key: u64, parent_key: u64) -> Option<usize> {
        let ns_domain = self.ns_domain_of(host)?;
        let parent = host.iter().position(|&b| b == b'.').map_or(&[][..], |dot| &host[dot + 1..]);

        // When the host's registered domain is its parent (`ns1` below
        // `hoster.net`, the usual case), the parent has a registered
        // domain too: the list's rules that decide the host's suffix
        // decide the parent's alike. Only other hosts need a second look.
        let is_parent = self.ns_domains[ns_domain as usize].0.as_bytes() == parent;
        if is_parent || self.has_registered_domain(parent) {
            return Some(self.groups.insert(self.group(parent_key, ns_domain)));
        }
        self.groups.insert(Group::new(parent_key, SUFFIX_PARENT, 0));
        self.host_group(host, host_key)
    }

    fn group(&self, key: u64, ns_domain: u32) -> Group {
        let ns_hash = self.ns_domains.get(ns_domain as usize).map_or(0, |(_, h)| *h);
        Group::new(key, ns_domain, ns_hash)
    }

    /// Whether `parent` is below a public suffix, so that every host
    /// under it shares its name-server domain.
    fn has_registered_domain(&self, parent: &[u8]) -> bool {
        let name = std::str::from_utf8(parent).ok().and_then(|p| DomainName::parse(p).ok());
        name.is_some_and(|n| psl::embedded().registered_domain(&n, self.section).is_some())
    }

    /// Records a new distinct host of the group in `slot`.
    fn add_host(&mut self, slot: usize, host_key: u64) {
        let group = self.groups.slot(slot);
        if !group.add_host(host_key) {
            self.overflow.entry(host_key).or_insert(group.key);
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
        let hash = FixedState::with_seed(NS_DOMAIN_SEED).hash_one(ns_domain.as_bytes());
        self.intern_hashed(ns_domain, hash)
    }

    /// The index of a name-server domain, known by its hash.
    fn intern_hashed(&mut self, ns_domain: String, hash: u64) -> u32 {
        let next = self.ns_domains.len() as u32;
        let index = *self.ns_index.entry(hash).or_insert(next);
        if index == next {
            self.ns_domains.push((ns_domain, hash));
        }
        index
    }

    /// Merges partials into the first, re-indexing name-server domains.
    pub(super) fn merge(parts: Vec<Partial>) -> Partial {
        let mut parts = parts.into_iter();
        let Some(mut total) = parts.next() else { return Partial::new(Section::Icann) };

        for part in parts {
            total.absorb(part);
        }
        total
    }

    /// Scatters the pairs; workers call it before they return, so that
    /// this runs in parallel.
    pub(super) fn seal_pairs(&mut self) {
        self.pairs.seal();
    }

    /// Adds `other` into `self`.
    fn absorb(&mut self, other: Partial) {
        let remap: Vec<u32> = other
            .ns_domains
            .into_iter()
            .map(|(name, hash)| self.intern_hashed(name, hash))
            .collect();

        for theirs in other.groups.iter() {
            let slot = self.absorb_group(theirs, &remap);
            for &host in theirs.hosts.iter().filter(|&&h| h != 0) {
                if !self.group_has_host(slot, host) {
                    self.add_host(slot, host);
                }
            }
        }

        for (host, key) in other.overflow {
            let slot = self.groups.find(key);
            if slot.is_some_and(|slot| !self.group_has_host(slot, host)) {
                self.overflow.insert(host, key);
            }
        }

        self.pairs.absorb(other.pairs, &remap);
        self.record_wraps.extend(other.record_wraps);
        self.records += other.records;
        self.delegations += other.delegations;
    }

    /// Adds another partial's group's sums to this one's group of the
    /// same key, creating it if new; returns its slot.
    fn absorb_group(&mut self, theirs: &Group, remap: &[u32]) -> usize {
        let slot = self.groups.find(theirs.key).unwrap_or_else(|| {
            let ns_domain = match theirs.is_suffix_parent() {
                true => SUFFIX_PARENT,
                false => remap[theirs.ns_domain as usize],
            };
            self.groups.insert(Group::new(theirs.key, ns_domain, theirs.ns_hash))
        });

        let mine = self.groups.slot(slot);
        let records = u64::from(mine.records) + u64::from(theirs.records);
        mine.records = records as u32;
        mine.ttl_sum += theirs.ttl_sum;
        if records > u64::from(u32::MAX) {
            self.record_wraps.push(theirs.key);
        }
        slot
    }

    fn group_has_host(&mut self, slot: usize, host: u64) -> bool {
        self.groups.slot(slot).has_host(host) || self.overflow.contains_key(&host)
    }

    /// The final rows: distinct domains from the pairs, records, TTLs and
    /// hosts from the groups; most domains first, then by name.
    pub(super) fn into_rows(self) -> Vec<NsDomainStats> {
        let n = self.ns_domains.len();
        let domains = self.pairs.count(n);
        let (mut hosts, mut records, mut ttl_sum) = (vec![0u64; n], vec![0u64; n], vec![0u64; n]);

        for group in self.groups.iter().filter(|g| !g.is_suffix_parent()) {
            let i = group.ns_domain as usize;
            records[i] += u64::from(group.records);
            ttl_sum[i] += group.ttl_sum;
            hosts[i] += group.host_count();
        }
        let ns_domain_of = |key: &u64| self.groups.get(*key).map(|g| g.ns_domain as usize);
        self.overflow.values().filter_map(ns_domain_of).for_each(|i| hosts[i] += 1);
        self.record_wraps.iter().filter_map(ns_domain_of).for_each(|i| records[i] += 1 << 32);

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
        sort_rows(&mut rows);
        rows
    }
}

/// Most domains first, then by name. Rows are sorted by one number,
/// the domain count and the name's first eight bytes, and only rows
/// that tie on it (names sharing a prefix) compare whole names.
fn sort_rows(rows: &mut Vec<NsDomainStats>) {
    let prefix = |name: &str| {
        let mut bytes = [0u8; 8];
        let len = name.len().min(8);
        bytes[..len].copy_from_slice(&name.as_bytes()[..len]);
        u64::from_be_bytes(bytes)
    };
    let key = |r: &NsDomainStats| {
        u128::from(u64::MAX - r.domains) << 64 | u128::from(prefix(&r.ns_domain))
    };
    let mut keys: Vec<(u128, usize)> = rows.iter().enumerate().map(|(i, r)| (key(r), i)).collect();
    keys.sort_unstable();

    let by_name =
        |a: &(u128, usize), b: &(u128, usize)| rows[a.1].ns_domain.cmp(&rows[b.1].ns_domain);
    for tie in keys.chunk_by_mut(|a, b| a.0 == b.0).filter(|tie| tie.len() > 1) {
        tie.sort_unstable_by(by_name);
    }

    let mut taken: Vec<Option<NsDomainStats>> =
        std::mem::take(rows).into_iter().map(Some).collect();
    rows.extend(keys.iter().filter_map(|&(_, i)| taken[i].take()));
}

/// Whether two short strings are equal, without a call for the usual
/// owner of 8 to 16 bytes: two overlapping words from each.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8).map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
    };
    match a.len() {
        8..=16 => {
            let tail = a.len() - 8;
            word(a, 0) == word(b, 0) && word(a, tail) == word(b, tail)
        }
        _ => a == b,
    }
}

/// `name` without its trailing dot when it is one [`lowercase`] would
/// copy unchanged (given no upper-case letters): printable, no empty
/// label, short enough that no label can pass 63 bytes. `None` sends
/// other names the long way.
fn plain_lower_name(name: &[u8]) -> Option<&[u8]> {
    let name = name.strip_suffix(b".")?;
    let (&first, &last) = (name.first()?, name.last()?);
    let printable = name.iter().fold(true, |ok, &b| ok & (0x21..=0x7e).contains(&b));
    let empty_label = name.windows(2).fold(false, |bad, w| bad | (w == b".."));
    let plain = name.len() <= 63 && first != b'.' && last != b'.' && printable && !empty_label;
    plain.then_some(name)
}

/// The first dot of a host, found eight bytes at once when its first
/// label is short (`ns1.`, `dns2.`).
fn first_dot(host: &[u8]) -> Option<usize> {
    let word = host.get(..8).map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()));
    let dots = word.map_or(0, |w| zero_bytes(w ^ splat(b'.')));
    match dots {
        0 => host.iter().position(|&b| b == b'.'),
        _ => Some((dots.trailing_zeros() / 8) as usize),
    }
}

/// Where a host goes: its parent's group, or its own.
fn host_keys(host: &[u8]) -> HostKeys {
    match first_dot(host) {
        Some(dot) => {
            let parent = nonzero(FixedState::with_seed(PARENT_SEED).hash_one(&host[dot + 1..]));
            HostKeys { parent: Some(parent), host: host_key(&host[..dot], parent) }
        }
        None => HostKeys {
            parent: None,
            host: nonzero(FixedState::with_seed(HOST_SEED).hash_one(host)),
        },
    }
}

/// A hash with 0 moved away: 0 marks empty slots and unused hosts.
fn nonzero(hash: u64) -> u64 {
    hash.max(1)
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
    nonzero(mixed ^ (mixed >> 31))
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
