//! The explore index's file layout, and typed, bounds-checked views of
//! its sections.
//!
//! A file is a header, a table of sections and the sections:
//!
//! ```text
//! magic "NSHXIDX1" | version u32 | sections u32 | as_of i64 | scored_at i64 | domains u64
//! | generation u64
//! sections × (offset u64, length u64)
//! sections, each starting on a multiple of 8
//! ```
//!
//! Every number is little-endian. Domains are numbered by rank: riskiest
//! first, then by name, so a list of domain numbers in ascending order is
//! already in the order explore shows them, and "risk at least N" is a
//! prefix. Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6, in network
//! order (so byte order is numeric order).
//!
//! Views never panic: a number out of range reads as 0 and a string out
//! of range as empty. A damaged file therefore gives wrong answers, not a
//! crash; [`super::ExploreIndex::open`] checks every section's size
//! against the header before any query runs.

use super::IndexError;

/// The first eight bytes of every index file.
pub const MAGIC: &[u8; 8] = b"NSHXIDX1";

/// Bumped whenever the layout changes: an index of another version is
/// rebuilt, not read.
pub const VERSION: u32 = 1;

/// Bytes before the section table.
pub const HEADER: usize = 48;

/// Per-domain columns and tables.
pub mod id {
    /// Domain name offsets (u64, domains + 1).
    pub const NAME_OFF: usize = 0;
    /// Domain name bytes.
    pub const NAME_BYTES: usize = 1;
    /// Risk (f64).
    pub const RISK: usize = 2;
    /// Lifecycle state (u8, index into `State::ALL`).
    pub const STATE: usize = 3;
    /// First sighting (i64, `i64::MIN` when unknown).
    pub const FIRST_SEEN: usize = 4;
    /// Last sighting (i64).
    pub const LAST_SEEN: usize = 5;
    /// Registration date (i64).
    pub const CREATED: usize = 6;
    /// Brand (u32: 0 none, else value + 1 in the brand table).
    pub const BRAND: usize = 7;
    /// Listing category (u32, as brand).
    pub const CATEGORY: usize = 8;
    /// Registrant country (u32, as brand).
    pub const COUNTRY: usize = 9;
    /// Registrant organisation (u32, as brand).
    pub const ORG: usize = 10;
    /// Entity offsets per domain (u64, domains + 1).
    pub const ENT_OFF: usize = 11;
    /// Entities (u32: kind in the top 3 bits, id below).
    pub const ENTS: usize = 12;
    /// Address offsets per domain (u64, domains + 1).
    pub const ADDR_OFF: usize = 13;
    /// Addresses (16 bytes each).
    pub const ADDRS: usize = 14;
    /// Every (address, domain) pair, by address: addresses.
    pub const ADDR_KEYS: usize = 15;
    /// … and their domains (u32).
    pub const ADDR_DOMAINS: usize = 16;
    /// Value tables: offsets, bytes and domain counts, in this order,
    /// for brands, categories, countries and organisations.
    pub const BRAND_TABLE: usize = 17;
    /// See [`BRAND_TABLE`].
    pub const CATEGORY_TABLE: usize = 20;
    /// See [`BRAND_TABLE`].
    pub const COUNTRY_TABLE: usize = 23;
    /// See [`BRAND_TABLE`].
    pub const ORG_TABLE: usize = 26;
    /// AS holders by AS entity id: offsets and bytes.
    pub const HOLDER_OFF: usize = 29;
    /// See [`HOLDER_OFF`].
    pub const HOLDER_BYTES: usize = 30;
    /// Domains per lifecycle state (u64 × 6).
    pub const STATE_COUNT: usize = 31;
    /// Per entity kind `k`, from `KIND_BASE + 5 k`: posting offsets
    /// (u64, entities + 1), postings (u32 domains, ascending), name
    /// offsets, name bytes, ids sorted by name (u32).
    pub const KIND_BASE: usize = 32;
    /// How many sections there are.
    pub const COUNT: usize = KIND_BASE + 5 * crate::facts::EntityKind::COUNT;
}

/// Entity ids use the low 29 bits of an entity word.
pub const ENTITY_ID_BITS: u32 = 29;

/// A section of fixed-size little-endian numbers.
#[derive(Debug, Clone, Copy)]
pub struct Nums<'a, const W: usize>(pub &'a [u8]);

impl<'a, const W: usize> Nums<'a, W> {
    /// How many numbers.
    pub fn len(&self) -> usize {
        self.0.len() / W
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn bytes(&self, i: usize) -> [u8; W] {
        let start = i.saturating_mul(W);
        self.0.get(start..start.saturating_add(W)).and_then(|b| b.try_into().ok()).unwrap_or([0; W])
    }

    /// The numbers from `start` to `end` (clamped to the section).
    pub fn slice(&self, start: usize, end: usize) -> Nums<'a, W> {
        let len = self.len();
        let (start, end) = (start.min(len), end.min(len));
        Nums(&self.0[start * W..end.max(start) * W])
    }
}

/// u32s.
pub type U32s<'a> = Nums<'a, 4>;
/// u64s.
pub type U64s<'a> = Nums<'a, 8>;
/// i64s.
pub type I64s<'a> = Nums<'a, 8>;
/// 16-byte addresses.
pub type Addrs<'a> = Nums<'a, 16>;

impl U32s<'_> {
    /// The `i`th u32.
    pub fn u32(&self, i: usize) -> u32 {
        u32::from_le_bytes(self.bytes(i))
    }

    /// Every u32, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// Whether the (ascending) list holds `value`.
    pub fn contains_sorted(&self, value: u32) -> bool {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.u32(mid).cmp(&value) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

impl Nums<'_, 8> {
    /// The `i`th u64.
    pub fn u64(&self, i: usize) -> u64 {
        u64::from_le_bytes(self.bytes(i))
    }

    /// The `i`th i64.
    pub fn i64(&self, i: usize) -> i64 {
        i64::from_le_bytes(self.bytes(i))
    }

    /// The `i`th f64.
    pub fn f64(&self, i: usize) -> f64 {
        f64::from_le_bytes(self.bytes(i))
    }

    /// The range `[off[i], off[i + 1])` as usizes.
    pub fn range(&self, i: usize) -> (usize, usize) {
        let start = usize::try_from(self.u64(i)).unwrap_or(usize::MAX);
        let end = usize::try_from(self.u64(i + 1)).unwrap_or(usize::MAX);
        (start, end.max(start))
    }
}

impl Addrs<'_> {
    /// The `i`th address, in network order.
    pub fn addr(&self, i: usize) -> [u8; 16] {
        self.bytes(i)
    }
}

/// A table of strings: offsets and bytes.
#[derive(Debug, Clone, Copy)]
pub struct Strs<'a> {
    /// Offsets, one more than strings.
    pub off: U64s<'a>,
    /// The bytes.
    pub bytes: &'a [u8],
}

impl<'a> Strs<'a> {
    /// How many strings.
    pub fn len(&self) -> usize {
        self.off.len().saturating_sub(1)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th string; empty when out of range or not UTF-8.
    pub fn get(&self, i: usize) -> &'a str {
        let (start, end) = self.off.range(i);
        self.bytes.get(start..end).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("")
    }
}

/// Appends sections to a buffer and fills the table.
pub struct Writer {
    buf: Vec<u8>,
    table: Vec<(u64, u64)>,
}

impl Writer {
    /// A buffer with the header and an empty table.
    pub fn new(stamp: super::Stamp, domains: u64, capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity);
        buf.extend_from_slice(MAGIC);
        buf.extend_from_slice(&VERSION.to_le_bytes());
        buf.extend_from_slice(&(id::COUNT as u32).to_le_bytes());
        buf.extend_from_slice(&stamp.as_of.to_le_bytes());
        buf.extend_from_slice(&stamp.scored_at.to_le_bytes());
        buf.extend_from_slice(&domains.to_le_bytes());
        buf.extend_from_slice(&stamp.generation.to_le_bytes());
        buf.resize(HEADER + id::COUNT * 16, 0);
        Writer { buf, table: vec![(0, 0); id::COUNT] }
    }

    /// Writes section `id` with `fill`, which appends its bytes.
    pub fn section(&mut self, id: usize, fill: impl FnOnce(&mut Vec<u8>)) {
        while self.buf.len() % 8 != 0 {
            self.buf.push(0);
        }
        let start = self.buf.len();
        fill(&mut self.buf);
        self.table[id] = (start as u64, (self.buf.len() - start) as u64);
    }

    /// The finished bytes.
    pub fn finish(mut self) -> Vec<u8> {
        for (i, (offset, length)) in self.table.iter().enumerate() {
            let at = HEADER + i * 16;
            self.buf[at..at + 8].copy_from_slice(&offset.to_le_bytes());
            self.buf[at + 8..at + 16].copy_from_slice(&length.to_le_bytes());
        }
        self.buf
    }
}

/// The header of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The moment the scores are as of.
    pub as_of: i64,
    /// When the scoring run that wrote it ran.
    pub scored_at: i64,
    /// Domains.
    pub domains: u64,
    /// The store's generation it was built from.
    pub generation: u64,
}

/// Reads the header and the section table of `bytes`.
pub fn parse(bytes: &[u8]) -> Result<(Header, Vec<(usize, usize)>), IndexError> {
    let bad = |what: &str| IndexError::Damaged { what: what.to_owned() };
    let head = bytes.get(..HEADER).ok_or_else(|| bad("shorter than its header"))?;
    if &head[..8] != MAGIC {
        return Err(bad("not an explore index (wrong magic)"));
    }
    let u32_at =
        |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let u64_at = |b: &[u8], at: usize| {
        let mut a = [0; 8];
        a.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(a)
    };
    let version = u32_at(8);
    if version != VERSION {
        return Err(IndexError::Version { found: version, expected: VERSION });
    }
    if u32_at(12) as usize != id::COUNT {
        return Err(bad("unexpected section count"));
    }
    let header = Header {
        as_of: u64_at(head, 16) as i64,
        scored_at: u64_at(head, 24) as i64,
        domains: u64_at(head, 32),
        generation: u64_at(head, 40),
    };
    let table =
        bytes.get(HEADER..HEADER + id::COUNT * 16).ok_or_else(|| bad("section table cut short"))?;
    let mut sections = Vec::with_capacity(id::COUNT);
    for i in 0..id::COUNT {
        let offset = usize::try_from(u64_at(table, i * 16)).unwrap_or(usize::MAX);
        let length = usize::try_from(u64_at(table, i * 16 + 8)).unwrap_or(usize::MAX);
        if offset.checked_add(length).is_none_or(|end| end > bytes.len()) {
            return Err(bad(&format!("section {i} runs past the end of the file")));
        }
        sections.push((offset, length));
    }
    Ok((header, sections))
}
