//! The table the hot loop probes once per NS record.
//!
//! A general-purpose hash map keeps its entries where it likes and gives
//! no way to warm the cache for a key before it is needed. This table is
//! open addressing over one cache line per slot: the slot a key hashes
//! to holds the whole group, so the line can be prefetched while earlier
//! records are counted, and the probe that follows hits the cache.

/// Distinct hosts kept inside a group's slot before the overflow set.
pub(super) const INLINE_HOSTS: usize = 4;

/// `ns_domain` of a group whose parent is a public suffix: its slot only
/// redirects to per-host groups.
pub(super) const SUFFIX_PARENT: u32 = u32::MAX;

/// The fewest slots a table has.
const MIN_SLOTS: usize = 1 << 10;

/// Hosts sharing one name-server domain and one parent, in one cache
/// line. Keys and hosts are hashes that are never 0, so 0 marks an
/// empty slot and an unused host.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
pub(super) struct Group {
    pub(super) key: u64,
    pub(super) ns_hash: u64,
    pub(super) ttl_sum: u64,
    /// Records modulo 2³²; the wraps are counted beside the table.
    pub(super) records: u32,
    /// Index into the partial's name-server domains, or [`SUFFIX_PARENT`].
    pub(super) ns_domain: u32,
    pub(super) hosts: [u64; INLINE_HOSTS],
}

impl Group {
    pub(super) fn new(key: u64, ns_domain: u32, ns_hash: u64) -> Self {
        Self { key, ns_hash, ns_domain, ..Self::default() }
    }

    pub(super) fn is_suffix_parent(&self) -> bool {
        self.ns_domain == SUFFIX_PARENT
    }

    /// Whether `host` is one of the inline hosts, without a branch per
    /// host.
    pub(super) fn has_host(&self, host: u64) -> bool {
        self.hosts.iter().fold(false, |found, &h| found | (h == host))
    }

    /// Keeps `host` inline; `false` when the inline hosts are full.
    pub(super) fn add_host(&mut self, host: u64) -> bool {
        match self.hosts.iter_mut().find(|h| **h == 0) {
            Some(free) => {
                *free = host;
                true
            }
            None => false,
        }
    }

    pub(super) fn host_count(&self) -> u64 {
        self.hosts.iter().filter(|&&h| h != 0).count() as u64
    }
}

/// Groups by key, linear probing, at most half full.
pub(super) struct GroupTable {
    slots: Vec<Group>,
    len: usize,
}

impl GroupTable {
    pub(super) fn new() -> Self {
        Self { slots: vec![Group::default(); MIN_SLOTS], len: 0 }
    }

    /// The slot of `key`, if it is in the table.
    pub(super) fn find(&self, key: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut i = home(key, mask);
        loop {
            match self.slots[i].key {
                k if k == key => return Some(i),
                0 => return None,
                _ => i = (i + 1) & mask,
            }
        }
    }

    pub(super) fn slot(&mut self, i: usize) -> &mut Group {
        &mut self.slots[i]
    }

    pub(super) fn get(&self, key: u64) -> Option<&Group> {
        self.find(key).map(|i| &self.slots[i])
    }

    /// Adds a group whose key is not in the table; returns its slot.
    pub(super) fn insert(&mut self, group: Group) -> usize {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.len += 1;
        self.place(group)
    }

    fn place(&mut self, group: Group) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = home(group.key, mask);
        while self.slots[i].key != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = group;
        i
    }

    fn grow(&mut self) {
        let bigger = vec![Group::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        for group in old.into_iter().filter(|g| g.key != 0) {
            self.place(group);
        }
    }

    /// The groups, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Group> {
        self.slots.iter().filter(|g| g.key != 0)
    }

    /// Asks the CPU to bring `key`'s slot into the cache.
    pub(super) fn prefetch(&self, key: u64) {
        let mask = self.slots.len() - 1;
        prefetch_line(&self.slots[home(key, mask)]);
    }
}

fn home(key: u64, mask: usize) -> usize {
    // Keys are already hashes: their low bits are as good as any.
    key as usize & mask
}

#[cfg(target_arch = "x86_64")]
#[expect(unsafe_code, reason = "the prefetch intrinsic takes a raw pointer")]
fn prefetch_line(group: &Group) {
    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};

    // SAFETY: a prefetch is a hint that never faults nor changes memory;
    // the pointer comes from a live reference anyway.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(group).cast()) }
}

#[cfg(not(target_arch = "x86_64"))]
fn prefetch_line(_group: &Group) {}
