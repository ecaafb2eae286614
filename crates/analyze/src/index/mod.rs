//! The explore index: a scoring run's domains, their attributes and an
//! inverted list per entity, in one file beside the store, so that
//! `nshunt explore` answers in milliseconds on millions of domains
//! instead of loading and scoring the store for every query.
//!
//! Every scoring run that replaces the domain risks writes it
//! (`<store>-explore`, written to a temporary name and renamed, so a
//! reader sees the old file or the new one, never half of one). A
//! query maps it into memory: only the pages a query touches are read.
//! It holds, with domains numbered riskiest first (see [`layout`]):
//!
//! - per domain: name, risk, lifecycle state, first and last sighting,
//!   creation, brand, listing category, registrant country and
//!   organisation, addresses and entities;
//! - per entity (name-server domain and host, AS, subnet, registrar,
//!   registrant address, PTR pattern, theme): its name and its domains,
//!   ascending, which is also how many domains it has in the store;
//! - every address with its domains, by address, for networks.
//!
//! When the index is missing, damaged, of another version, or not of
//! the moment asked for, explore builds the same structure in memory
//! from a fresh load ([`ExploreIndex::from_scored`]): slower, same
//! answers. Queries are in [`query`].
//!
//! # Limitations
//!
//! - An IPv6 address of the form `::ffff:a.b.c.d` reads back as the
//!   IPv4 address it maps.
//! - Entity ids above 2^29 per kind are not indexed (half a billion
//!   name servers, say).
//! - The file is mapped, not copied: a file truncated by another
//!   program while a query runs can stop that query (nshunt itself
//!   only ever replaces the file by renaming).
//! - The index is trusted like the store: sizes and offsets are checked
//!   when it is opened, but its contents are not checksummed (hashing
//!   two gigabytes would cost a second per query). A file altered
//!   in place but still well formed gives wrong answers; `nshunt score`
//!   rewrites it, and deleting it makes explore work from the store.

mod build;
pub mod layout;
pub mod query;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use layout::{Addrs, Header, I64s, Strs, U32s, U64s, id};
use thiserror::Error;

pub use build::address_key;

use crate::facts::{EntityKind, Facts};
use crate::score::Scored;

/// What can go wrong with an index file.
#[derive(Debug, Error)]
pub enum IndexError {
    /// Reading or writing the file failed.
    #[error("explore index {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a whole index.
    #[error("explore index damaged: {what}")]
    Damaged {
        /// What is wrong.
        what: String,
    },
    /// The file is of another layout version.
    #[error("explore index of version {found}, this nshunt reads version {expected}")]
    Version {
        /// The file's version.
        found: u32,
        /// Ours.
        expected: u32,
    },
}

/// The index of a store: `<store>-explore`.
pub fn path_for(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push("-explore");
    PathBuf::from(name)
}

/// What an index is of: the moment, the scoring run and the store's
/// generation ([`nshunt_store::SqliteStore::generation`]: its newest
/// batch and its brand catalogue). An index answers for a store only
/// while the store is of that generation and the moment is the one
/// asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The moment the scores are as of.
    pub as_of: i64,
    /// When the scoring run ran.
    pub scored_at: i64,
    /// The store's generation when the run loaded it.
    pub generation: u64,
}

/// Domains and each kind's entities in the byte order of their names:
/// the scoring run sorts them once to write the store in key order, and
/// the index reuses them (ten million names take seconds to sort).
#[derive(Debug, Clone, Default)]
pub struct NameOrder {
    domains: Vec<u32>,
    entities: Vec<Vec<u32>>,
}

impl NameOrder {
    /// Sorts the names of `facts`.
    pub fn of(facts: &Facts) -> Self {
        let domains = sorted_ids(facts.domains.len(), |i| facts.domains[i as usize].name.as_str());
        let entities = EntityKind::ALL
            .iter()
            .map(|&kind| sorted_ids(facts.entities.count(kind), |i| facts.entities.name(kind, i)))
            .collect();
        NameOrder { domains, entities }
    }

    /// Domain positions, by name.
    pub fn domains(&self) -> &[u32] {
        &self.domains
    }

    /// The ids of `kind`, by name.
    pub fn entities(&self, kind: EntityKind) -> &[u32] {
        self.entities.get(kind.index()).map_or(&[], Vec::as_slice)
    }
}

/// The ids `0..count` in the byte order of their names.
fn sorted_ids<'a>(count: usize, name: impl Fn(u32) -> &'a str) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..count as u32).collect();
    ids.sort_unstable_by(|&a, &b| name(a).cmp(name(b)));
    ids
}

/// The bytes under an index: a mapped file or a buffer built in memory.
enum Backing {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

/// An explore index, mapped from its file or built in memory.
pub struct ExploreIndex {
    backing: Backing,
    header: Header,
    sections: Vec<(usize, usize)>,
}

impl std::fmt::Debug for ExploreIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExploreIndex").field("header", &self.header).finish_non_exhaustive()
    }
}

impl ExploreIndex {
    /// Builds the index of `scored` in memory.
    pub fn from_scored(scored: &Scored, stamp: Stamp) -> Result<Self, IndexError> {
        let order = NameOrder::of(&scored.facts);
        Self::from_backing(Backing::Owned(build::build(scored, &order, stamp)))
    }

    /// Writes the index of `scored` to `path`, through a temporary file
    /// of this process's own (two scoring runs at once never write into
    /// one file) renamed into place. Temporary files a killed run left
    /// behind more than an hour ago are removed first.
    pub fn write(
        scored: &Scored,
        order: &NameOrder,
        stamp: Stamp,
        path: &Path,
    ) -> Result<(), IndexError> {
        // Renaming onto a folder or a FIFO would fail after all the
        // work, naming the temporary file: say what is in the way first.
        if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            let what =
                std::io::Error::other("something other than a file is in the way: remove it");
            return Err(IndexError::Io { path: path.to_owned(), source: what });
        }
        let bytes = build::build(scored, order, stamp);
        remove_abandoned(path);
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(format!("{TEMPORARY}{}", std::process::id()));
        let temporary = PathBuf::from(temporary);
        let io = |source| IndexError::Io { path: temporary.clone(), source };

        let mut file = create_new(&temporary).map_err(io)?;
        let written = file.write_all(&bytes).and_then(|()| file.sync_all());
        drop(file);
        if let Err(error) = written.and_then(|()| fs::rename(&temporary, path)) {
            let _ = fs::remove_file(&temporary);
            return Err(io(error));
        }
        Ok(())
    }

    /// An index from bytes (a copy of a file), its layout checked: for
    /// tools and fuzzing; explore maps files with [`Self::open`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, IndexError> {
        Self::from_backing(Backing::Owned(bytes))
    }

    /// Maps the index at `path` and checks its layout. Anything but a
    /// regular file (a folder, a FIFO that would block, a device) is
    /// refused before it is opened.
    pub fn open(path: &Path) -> Result<Self, IndexError> {
        let io = |source| IndexError::Io { path: path.to_owned(), source };
        if !fs::metadata(path).map_err(io)?.is_file() {
            return Err(IndexError::Damaged {
                what: format!("{} is not a regular file", path.display()),
            });
        }
        let file = fs::File::open(path).map_err(io)?;
        // SAFETY: the map is read-only, and nshunt never writes an index
        // file in place: a new index is written to another name and
        // renamed over it, which leaves this mapping's file intact.
        #[expect(unsafe_code, reason = "memory-mapping a file is unsafe in Rust's model")]
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        Self::from_backing(Backing::Mapped(map))
    }

    fn from_backing(backing: Backing) -> Result<Self, IndexError> {
        let bytes: &[u8] = match &backing {
            Backing::Mapped(map) => map,
            Backing::Owned(buf) => buf,
        };
        let (header, sections) = layout::parse(bytes)?;
        let index = ExploreIndex { backing, header, sections };
        index.check()?;
        Ok(index)
    }

    /// What the index is of.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            as_of: self.header.as_of,
            scored_at: self.header.scored_at,
            generation: self.header.generation,
        }
    }

    /// How many domains it holds.
    pub fn domains(&self) -> usize {
        usize::try_from(self.header.domains).unwrap_or(usize::MAX)
    }

    fn bytes(&self, section: usize) -> &[u8] {
        let all: &[u8] = match &self.backing {
            Backing::Mapped(map) => map,
            Backing::Owned(buf) => buf,
        };
        let (offset, length) = self.sections.get(section).copied().unwrap_or((0, 0));
        all.get(offset..offset.saturating_add(length)).unwrap_or_default()
    }

    pub(crate) fn u32s(&self, section: usize) -> U32s<'_> {
        layout::Nums(self.bytes(section))
    }

    pub(crate) fn u64s(&self, section: usize) -> U64s<'_> {
        layout::Nums(self.bytes(section))
    }

    pub(crate) fn i64s(&self, section: usize) -> I64s<'_> {
        layout::Nums(self.bytes(section))
    }

    pub(crate) fn addrs(&self, section: usize) -> Addrs<'_> {
        layout::Nums(self.bytes(section))
    }

    pub(crate) fn strs(&self, off: usize) -> Strs<'_> {
        Strs { off: self.u64s(off), bytes: self.bytes(off + 1) }
    }

    /// Entities of `kind`: their names.
    pub(crate) fn entity_names(&self, kind: EntityKind) -> Strs<'_> {
        self.strs(id::KIND_BASE + 5 * kind.index() + 2)
    }

    /// The domains of entity `entity` of `kind`, ascending.
    pub(crate) fn postings(&self, kind: EntityKind, entity: u32) -> U32s<'_> {
        let base = id::KIND_BASE + 5 * kind.index();
        let (start, end) = self.u64s(base).range(entity as usize);
        self.u32s(base + 1).slice(start, end)
    }

    /// The id of the entity of `kind` named exactly `name`.
    pub(crate) fn entity_id(&self, kind: EntityKind, name: &str) -> Option<u32> {
        let names = self.entity_names(kind);
        let sorted = self.u32s(id::KIND_BASE + 5 * kind.index() + 4);
        let (mut low, mut high) = (0, sorted.len());
        while low < high {
            let mid = low + (high - low) / 2;
            let candidate = sorted.u32(mid);
            match names.get(candidate as usize).cmp(name) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(candidate),
            }
        }
        None
    }

    /// Checks that every section has the size the header implies, so
    /// that a cut or foreign file is refused before it is queried.
    fn check(&self) -> Result<(), IndexError> {
        let n = self.domains();
        let per_domain = [
            (id::NAME_OFF, 8, 1),
            (id::RISK, 8, 0),
            (id::STATE, 1, 0),
            (id::FIRST_SEEN, 8, 0),
            (id::LAST_SEEN, 8, 0),
            (id::CREATED, 8, 0),
            (id::BRAND, 4, 0),
            (id::CATEGORY, 4, 0),
            (id::COUNTRY, 4, 0),
            (id::ORG, 4, 0),
            (id::ENT_OFF, 8, 1),
            (id::ADDR_OFF, 8, 1),
        ];
        for (section, width, extra) in per_domain {
            if self.bytes(section).len() != (n + extra).saturating_mul(width) {
                return Err(IndexError::Damaged {
                    what: format!("section {section} does not match {n} domains"),
                });
            }
        }
        let ends = [
            (self.u64s(id::NAME_OFF), self.bytes(id::NAME_BYTES).len()),
            (self.u64s(id::ENT_OFF), self.u32s(id::ENTS).len()),
            (self.u64s(id::ADDR_OFF), self.addrs(id::ADDRS).len()),
            (self.u64s(id::HOLDER_OFF), self.bytes(id::HOLDER_BYTES).len()),
        ];
        let tables = [id::BRAND_TABLE, id::CATEGORY_TABLE, id::COUNTRY_TABLE, id::ORG_TABLE]
            .map(|t| (self.u64s(t), self.bytes(t + 1).len()));
        let kinds = EntityKind::ALL.map(|k| id::KIND_BASE + 5 * k.index());
        let lists = kinds.map(|base| (self.u64s(base), self.u32s(base + 1).len()));
        let names = kinds.map(|base| (self.u64s(base + 2), self.bytes(base + 3).len()));
        for (offsets, len) in ends.into_iter().chain(tables).chain(lists).chain(names) {
            let last = offsets.len().checked_sub(1).map_or(0, |i| offsets.u64(i));
            if offsets.is_empty() || offsets.u64(0) != 0 || last != len as u64 {
                return Err(IndexError::Damaged { what: "offsets do not match their data".into() });
            }
        }
        for base in kinds {
            if self.u32s(base + 4).len() + 1 != self.u64s(base + 2).len() {
                return Err(IndexError::Damaged { what: "entity tables disagree".into() });
            }
        }
        let pairs = self.addrs(id::ADDR_KEYS).len();
        if self.u32s(id::ADDR_DOMAINS).len() != pairs || self.addrs(id::ADDRS).len() != pairs {
            return Err(IndexError::Damaged { what: "address sections disagree".into() });
        }
        Ok(())
    }
}

/// What a temporary index file's name adds to the index's, before the
/// writer's process id.
const TEMPORARY: &str = ".tmp-";

/// Creates `path` for writing, never through an existing file or link
/// of that name: one is removed first (a leftover, or planted), and the
/// file is then created exclusively.
fn create_new(path: &Path) -> std::io::Result<fs::File> {
    match fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            fs::OpenOptions::new().write(true).create_new(true).open(path)
        }
        other => other,
    }
}

/// Removes the temporary files beside `path` older than an hour: left
/// by scoring runs that were killed while writing (a run writes one in
/// about a minute at ten million domains).
fn remove_abandoned(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let mut prefix = name.to_owned();
    prefix.push(TEMPORARY);
    let prefix = prefix.to_string_lossy().into_owned();
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 3_600));
        if old && entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The kind and id in an entity word.
pub(crate) fn split_word(word: u32) -> (usize, u32) {
    ((word >> layout::ENTITY_ID_BITS) as usize, word & ((1 << layout::ENTITY_ID_BITS) - 1))
}

#[cfg(test)]
mod tests;
