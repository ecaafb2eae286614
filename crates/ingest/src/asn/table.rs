//! The in-memory IP-to-AS table.
//!
//! Rows may nest or overlap (a /16 and a /24 inside it, from one source
//! or from several). The builder flattens them once into sorted,
//! non-overlapping segments, each owned by the most specific row that
//! covers it (the smallest range; on a tie, the row added last), so a
//! look-up is one search. A first-level index narrows that search to the
//! few segments starting in the same `/16` (IPv4) or `/18` of `2000::/3`
//! (IPv6).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use serde::Serialize;

use crate::asn::error::AsnError;
use crate::asn::mmdb::MmdbReader;
use crate::asn::number::Asn;
use crate::asn::range::IpRange;
use crate::asn::reader::{AsnFormat, AsnReader, AsnRecord};

/// No row: a gap, or a row without AS.
const NONE: u32 = u32::MAX;

/// The global unicast space, `2000::/3`, where the IPv6 index spends
/// its buckets.
const UNICAST_V6: u128 = 0x2000 << 112;

/// Bits of `2000::/3` below one IPv6 bucket: 2^15 buckets of a `/18`.
const V6_BUCKET_SHIFT: u32 = 110;

/// What a look-up found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AsnHit<'a> {
    /// The originating AS.
    pub asn: Asn,
    /// The AS holder's name, when the source gave one.
    pub org: Option<&'a str>,
    /// The source row's range (prefix) that decided: the most specific
    /// one holding the address.
    pub range: IpRange,
}

/// One segment of the flattened table ([`AsnTable::segments`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AsnSegment<'a> {
    /// The addresses of the segment.
    pub range: IpRange,
    /// The AS that originates them.
    pub asn: Asn,
    /// The AS holder's name, when the source gave one.
    pub org: Option<&'a str>,
    /// The source row that decided (the most specific one).
    pub row: IpRange,
}

/// Counts taken while building, to judge a source's quality.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TableStats {
    /// Rows added.
    pub rows: u64,
    /// Rows without AS (AS0, "Not routed"): they hide wider rows.
    pub not_routed: u64,
    /// Rows whose AS is reserved or private ([`Asn::is_reserved`]):
    /// leaked or placeholder origins, kept as given.
    pub reserved_asn: u64,
    /// Rows with an AS but no holder name.
    pub unnamed: u64,
    /// Rows with exactly the range of an earlier row (the later wins).
    pub duplicates: u64,
    /// Rows inside a wider row (the narrower wins, as longest-prefix
    /// matching says). Normal for pfx2as, rare for range tables.
    pub nested: u64,
    /// Rows that overlap another row without either containing the
    /// other: wrong rows. Each address still goes to the smaller row.
    pub overlapping: u64,
    /// IPv4 segments after flattening.
    pub segments_v4: u64,
    /// IPv6 segments after flattening.
    pub segments_v6: u64,
}

/// What one pass over a reader did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReadSummary {
    /// Records added.
    pub records: u64,
    /// Rows rejected (each passed to the error callback).
    pub errors: u64,
}

/// An IP-to-AS table with longest-prefix look-ups.
///
/// ```
/// use nshunt_ingest::asn::{Asn, AsnRecord, AsnTable, IpRange};
///
/// let row = |range: &str, asn| {
///     let (addr, len) = range.split_once('/').unwrap();
///     let range = IpRange::from_prefix(addr.parse().unwrap(), len.parse().unwrap());
///     let (asn, range) = (Some(Asn(asn)), range.unwrap());
///     AsnRecord { range, asn, org: None, country: None, other_origins: vec![], line: 0 }
/// };
/// let mut builder = AsnTable::builder();
/// builder.push(row("10.0.0.0/8", 1));
/// builder.push(row("10.1.0.0/16", 2));
/// let table = builder.build();
/// assert_eq!(table.lookup("10.1.2.3".parse().unwrap()).unwrap().asn, Asn(2));
/// assert_eq!(table.lookup("10.2.0.0".parse().unwrap()).unwrap().asn, Asn(1));
/// ```
#[derive(Debug, Clone)]
pub struct AsnTable {
    v4: Segments<u32>,
    v6: Segments<u128>,
    orgs: Vec<Box<str>>,
    stats: TableStats,
}

/// One source row as kept by the table: 16 bytes for IPv4, so that the
/// rows of a full table stay in cache.
#[derive(Debug, Clone, Copy)]
struct Entry<A> {
    start: A,
    end: A,
    /// The AS number; 0 for none.
    asn: u32,
    /// The organisation's number in `orgs`; [`NONE`] for none.
    org: u32,
}

impl AsnTable {
    /// An empty builder.
    pub fn builder() -> AsnTableBuilder {
        AsnTableBuilder::default()
    }

    /// Reads a whole file in `format` into a table. Bad rows go to
    /// `on_error` and are skipped; a fatal error is returned.
    pub fn load(
        path: &Path,
        format: AsnFormat,
        on_error: impl FnMut(AsnError),
    ) -> Result<(Self, ReadSummary), AsnError> {
        let mut builder = Self::builder();
        let summary = if format == AsnFormat::Mmdb {
            let database = MmdbReader::open(path)?;
            builder.read(database.records(), on_error)?
        } else {
            builder.read(AsnReader::open(path, format)?, on_error)?
        };
        Ok((builder.build(), summary))
    }

    /// The AS of `ip`: the most specific row holding it, or `None` when
    /// no row does or that row has no AS (or AS0).
    #[inline]
    pub fn lookup(&self, ip: IpAddr) -> Option<AsnHit<'_>> {
        match ip {
            IpAddr::V4(v4) => self.lookup_v4(v4),
            IpAddr::V6(v6) => self.lookup_v6(v6),
        }
    }

    /// [`AsnTable::lookup`] for an IPv4 address.
    #[inline]
    pub fn lookup_v4(&self, ip: Ipv4Addr) -> Option<AsnHit<'_>> {
        let entry = self.v4.find(ip.to_bits())?;
        let range = IpRange::V4 { start: entry.start, end: entry.end };
        self.hit(entry.asn, entry.org, range)
    }

    /// [`AsnTable::lookup`] for an IPv6 address. IPv4-mapped addresses
    /// (`::ffff:192.0.2.1`) are looked up as IPv4.
    #[inline]
    pub fn lookup_v6(&self, ip: Ipv6Addr) -> Option<AsnHit<'_>> {
        match ip.to_ipv4_mapped() {
            Some(v4) => self.lookup_v4(v4),
            None => {
                let entry = self.v6.find(ip.to_bits())?;
                let range = IpRange::V6 { start: entry.start, end: entry.end };
                self.hit(entry.asn, entry.org, range)
            }
        }
    }

    /// The flattened table: non-overlapping segments in address order
    /// (IPv4, then IPv6), each with the AS of the most specific row
    /// holding it. Gaps and segments owned by rows without AS are left
    /// out, so an address outside every segment has no AS. This is the
    /// form the store keeps: a look-up there is one index probe.
    pub fn segments(&self) -> impl Iterator<Item = AsnSegment<'_>> + '_ {
        let v4 = self.v4.segments(u32::MAX).map(|(start, end, entry)| {
            let range = IpRange::V4 { start, end };
            let row = IpRange::V4 { start: entry.start, end: entry.end };
            (range, row, entry.asn, entry.org)
        });
        let v6 = self.v6.segments(u128::MAX).map(|(start, end, entry)| {
            let range = IpRange::V6 { start, end };
            let row = IpRange::V6 { start: entry.start, end: entry.end };
            (range, row, entry.asn, entry.org)
        });

        v4.chain(v6).filter_map(|(range, row, asn, org)| {
            let hit = self.hit(asn, org, row)?;
            Some(AsnSegment { range, asn: hit.asn, org: hit.org, row })
        })
    }

    /// The counts taken while building.
    pub fn stats(&self) -> &TableStats {
        &self.stats
    }

    /// The number of rows kept.
    pub fn len(&self) -> usize {
        self.v4.entries.len() + self.v6.entries.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The hit for a row's fields; `None` for a row without AS.
    #[inline]
    fn hit(&self, asn: u32, org: u32, range: IpRange) -> Option<AsnHit<'_>> {
        if asn == 0 {
            return None;
        }
        let org = self.orgs.get(org as usize).map(|o| &**o);
        Some(AsnHit { asn: Asn(asn), org, range })
    }
}

/// Collects rows, then flattens them into an [`AsnTable`].
#[derive(Debug, Default)]
pub struct AsnTableBuilder {
    v4: Vec<Span<u32>>,
    v6: Vec<Span<u128>>,
    v4_entries: Vec<Entry<u32>>,
    v6_entries: Vec<Entry<u128>>,
    orgs: Vec<Box<str>>,
    org_ids: hashbrown::HashMap<Box<str>, u32>,
    stats: TableStats,
}

impl AsnTableBuilder {
    /// Adds one row. Rows added later win ties with earlier ones of the
    /// same size, so a preferred source goes last.
    pub fn push(&mut self, record: AsnRecord) {
        self.count(&record);
        let asn = record.asn.map_or(0, Asn::get);
        let org = record.org.map_or(NONE, |o| self.intern(o));

        match record.range {
            IpRange::V4 { start, end } => {
                let entry = index_of(&self.v4_entries);
                self.v4.push(Span { start, end, entry });
                self.v4_entries.push(Entry { start, end, asn, org });
            }
            IpRange::V6 { start, end } => {
                let entry = index_of(&self.v6_entries);
                self.v6.push(Span { start, end, entry });
                self.v6_entries.push(Entry { start, end, asn, org });
            }
        }
    }

    /// Adds every record of a reader. Rejected rows go to `on_error`;
    /// a fatal error stops reading and is returned.
    pub fn read<I>(
        &mut self,
        records: I,
        mut on_error: impl FnMut(AsnError),
    ) -> Result<ReadSummary, AsnError>
    where
        I: IntoIterator<Item = Result<AsnRecord, AsnError>>,
    {
        let mut summary = ReadSummary::default();
        for item in records {
            match item {
                Ok(record) => {
                    self.push(record);
                    summary.records += 1;
                }
                Err(error) if error.is_fatal() => return Err(error),
                Err(error) => {
                    on_error(error);
                    summary.errors += 1;
                }
            }
        }
        Ok(summary)
    }

    /// Flattens the rows into a table.
    pub fn build(self) -> AsnTable {
        let mut stats = self.stats;
        let v4 = flatten(self.v4, &mut stats);
        let v6 = flatten(self.v6, &mut stats);
        stats.segments_v4 = v4.len() as u64;
        stats.segments_v6 = v6.len() as u64;
        tracing::debug!(rows = stats.rows, overlapping = stats.overlapping, "asn table built");

        AsnTable {
            v4: Segments::new(v4, self.v4_entries),
            v6: Segments::new(v6, self.v6_entries),
            orgs: self.orgs,
            stats,
        }
    }

    fn count(&mut self, record: &AsnRecord) {
        self.stats.rows += 1;
        match record.asn {
            None => self.stats.not_routed += 1,
            Some(asn) if asn.is_reserved() => self.stats.reserved_asn += 1,
            Some(_) => {}
        }
        if record.asn.is_some() && record.org.is_none() {
            self.stats.unnamed += 1;
        }
    }

    /// The number of an organisation name, shared by its rows.
    fn intern(&mut self, org: String) -> u32 {
        if let Some(&id) = self.org_ids.get(org.as_str()) {
            return id;
        }

        let id = u32::try_from(self.orgs.len()).unwrap_or(NONE);
        let org: Box<str> = org.into();
        self.orgs.push(org.clone());
        self.org_ids.insert(org, id);
        id
    }
}

/// An address as a number: `u32` or `u128`.
trait Addr: Copy + Ord + std::fmt::Debug {
    /// The lowest address.
    const ZERO: Self;

    /// The address after this one, `None` after the last.
    fn next(self) -> Option<Self>;

    /// `end - start` widened.
    fn span(start: Self, end: Self) -> u128;

    /// The number of first-level buckets.
    const BUCKETS: usize;

    /// The first-level bucket; buckets grow with the address.
    fn bucket(self) -> usize;

    /// The first address of a bucket.
    fn bucket_start(bucket: usize) -> Self;
}

/// IPv4: one bucket per `/16`.
impl Addr for u32 {
    const ZERO: Self = 0;
    const BUCKETS: usize = 1 << 16;

    fn next(self) -> Option<Self> {
        self.checked_add(1)
    }

    fn span(start: Self, end: Self) -> u128 {
        u128::from(end - start)
    }

    #[inline(always)]
    fn bucket(self) -> usize {
        (self >> 16) as usize
    }

    fn bucket_start(bucket: usize) -> Self {
        (bucket as u32) << 16
    }
}

/// IPv6: one bucket below `2000::/3`, one per `/18` inside it, one above
/// it, since nearly all routed space lies in `2000::/3` and a `/16` index
/// would put most of it in a handful of buckets.
impl Addr for u128 {
    const ZERO: Self = 0;
    const BUCKETS: usize = (1 << (125 - V6_BUCKET_SHIFT)) + 2;

    fn next(self) -> Option<Self> {
        self.checked_add(1)
    }

    fn span(start: Self, end: Self) -> u128 {
        end - start
    }

    #[inline(always)]
    fn bucket(self) -> usize {
        match self.checked_sub(UNICAST_V6) {
            None => 0,
            Some(offset) => ((offset >> V6_BUCKET_SHIFT) as usize + 1).min(Self::BUCKETS - 1),
        }
    }

    fn bucket_start(bucket: usize) -> Self {
        match bucket {
            0 => 0,
            b => UNICAST_V6 + ((b as u128 - 1) << V6_BUCKET_SHIFT),
        }
    }
}

/// One row's addresses and its entry number.
#[derive(Debug, Clone, Copy)]
struct Span<A> {
    start: A,
    end: A,
    entry: u32,
}

/// The number the next entry of `entries` gets.
fn index_of<T>(entries: &[T]) -> u32 {
    u32::try_from(entries.len()).unwrap_or(NONE - 1).min(NONE - 1)
}

/// Sorted segment starts, each with the entry that owns the segment
/// (up to the next start), the first-level index and the entries.
#[derive(Debug, Clone)]
struct Segments<A> {
    /// Segment starts, sorted.
    starts: Vec<A>,
    /// The entry owning each segment.
    owners: Vec<u32>,
    /// `index[b]`: the first point starting in bucket `b` or later.
    index: Vec<u32>,
    entries: Vec<Entry<A>>,
}

impl<A: Addr> Segments<A> {
    fn new(points: Vec<(A, u32)>, entries: Vec<Entry<A>>) -> Self {
        let mut index = Vec::with_capacity(A::BUCKETS + 1);
        let mut at = 0;
        for bucket in 0..A::BUCKETS {
            let start = A::bucket_start(bucket);
            while points.get(at).is_some_and(|p| p.0 < start) {
                at += 1;
            }
            index.push(at as u32);
        }
        index.push(points.len() as u32);
        let (starts, owners) = points.into_iter().unzip();
        Self { starts, owners, index, entries }
    }

    /// Every owned segment as `(start, end, entry)`; `max` is the
    /// family's last address.
    fn segments(&self, max: A) -> impl Iterator<Item = (A, A, &Entry<A>)> + '_
    where
        A: std::ops::Sub<Output = A> + From<u8>,
    {
        (0..self.starts.len()).filter_map(move |i| {
            let entry = self.entries.get(self.owners[i] as usize)?;
            let end = self.starts.get(i + 1).map_or(max, |&next| next - A::from(1));
            Some((self.starts[i], end, entry))
        })
    }

    /// The entry owning `ip`'s segment, if any.
    #[inline(always)]
    fn find(&self, ip: A) -> Option<&Entry<A>> {
        self.entries.get(self.find_number(ip) as usize)
    }

    /// The number of the entry owning `ip`'s segment, [`NONE`] for gaps.
    #[inline(always)]
    fn find_number(&self, ip: A) -> u32 {
        let bucket = ip.bucket();
        let lo = self.index[bucket] as usize;
        let hi = self.index[bucket + 1] as usize;

        let inside = self.starts[lo..hi].partition_point(|&start| start <= ip);
        match (lo + inside).checked_sub(1) {
            Some(at) => self.owners[at],
            None => NONE,
        }
    }
}

/// Flattens possibly nested or overlapping spans into segment starts that
/// cover the whole address space (gaps own [`NONE`]); the smallest span
/// holding an address owns it, the later entry on a tie.
fn flatten<A: Addr>(mut spans: Vec<Span<A>>, stats: &mut TableStats) -> Vec<(A, u32)> {
    spans.sort_unstable_by(|a, b| {
        a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.entry.cmp(&b.entry))
    });
    count_overlaps(&spans, stats);

    let mut bounds: Vec<A> = Vec::with_capacity(spans.len() * 2 + 1);
    bounds.push(A::ZERO);
    bounds.extend(spans.iter().map(|s| s.start));
    bounds.extend(spans.iter().filter_map(|s| s.end.next()));
    bounds.sort_unstable();
    bounds.dedup();

    sweep(&spans, &bounds)
}

/// Walks the boundaries in order, keeping the spans that hold each one in
/// a heap ordered by size (smallest first) and entry (latest first).
fn sweep<A: Addr>(spans: &[Span<A>], bounds: &[A]) -> Vec<(A, u32)> {
    let mut heap: BinaryHeap<(Reverse<u128>, u32, A)> = BinaryHeap::new();
    let mut out: Vec<(A, u32)> = Vec::with_capacity(bounds.len());
    let mut next = 0;

    for &point in bounds {
        while let Some(span) = spans.get(next).filter(|s| s.start <= point) {
            heap.push((Reverse(A::span(span.start, span.end)), span.entry, span.end));
            next += 1;
        }
        while heap.peek().is_some_and(|top| top.2 < point) {
            heap.pop();
        }

        let owner = heap.peek().map_or(NONE, |top| top.1);
        if out.last().is_none_or(|&(_, last)| last != owner) {
            out.push((point, owner));
        }
    }
    out
}

/// Counts duplicates, nested and partly overlapping spans (sorted by
/// start, widest first). The counts are diagnostics: a span that partly
/// overlaps two others is counted once.
fn count_overlaps<A: Addr>(spans: &[Span<A>], stats: &mut TableStats) {
    let mut open: Vec<(A, A)> = Vec::new();

    for span in spans {
        while open.last().is_some_and(|&(_, end)| end < span.start) {
            open.pop();
        }
        match open.last() {
            Some(&(start, end)) if start == span.start && end == span.end => stats.duplicates += 1,
            Some(&(_, end)) if span.end <= end => stats.nested += 1,
            Some(_) => stats.overlapping += 1,
            None => {}
        }
        open.push((span.start, span.end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(list: &[(u32, u32)]) -> Vec<Span<u32>> {
        let make = |(i, &(start, end)): (usize, &(u32, u32))| Span { start, end, entry: i as u32 };
        list.iter().enumerate().map(make).collect()
    }

    #[test]
    fn flatten_nested_and_gaps() {
        let mut stats = TableStats::default();
        let flat = flatten(spans(&[(10, 100), (20, 30), (25, 26), (200, 300)]), &mut stats);
        let expect = [
            (0, NONE),
            (10, 0),
            (20, 1),
            (25, 2),
            (27, 1),
            (31, 0),
            (101, NONE),
            (200, 3),
            (301, NONE),
        ];
        assert_eq!(flat, expect);
        assert_eq!(stats.nested, 2);
    }

    #[test]
    fn flatten_partial_overlap_and_ties() {
        let mut stats = TableStats::default();
        let flat = flatten(spans(&[(0, 9), (5, 19), (0, 9)]), &mut stats);
        assert_eq!(flat, [(0, 2), (10, 1), (20, NONE)]);
        assert_eq!((stats.duplicates, stats.overlapping), (1, 1));
    }

    #[test]
    fn flatten_reaches_the_last_address() {
        let mut stats = TableStats::default();
        let flat = flatten(spans(&[(0, u32::MAX), (u32::MAX, u32::MAX)]), &mut stats);
        assert_eq!(flat, [(0, 0), (u32::MAX, 1)]);
    }

    #[test]
    fn ipv6_buckets_grow_with_the_address() {
        let last = <u128 as Addr>::BUCKETS - 1;
        assert_eq!((0u128.bucket(), (UNICAST_V6 - 1).bucket(), UNICAST_V6.bucket()), (0, 0, 1));
        assert_eq!(((0x4000_u128 << 112) - 1).bucket(), last - 1);
        assert_eq!(u128::MAX.bucket(), last);
        for bucket in [0, 1, 2, 777, last - 1, last] {
            assert_eq!(u128::bucket_start(bucket).bucket(), bucket);
        }
    }

    #[test]
    fn index_and_find() {
        let points: Vec<(u32, u32)> =
            vec![(0, NONE), (0x0101_0000, 1), (0x0101_0100, NONE), (0xffff_ffff, 2)];
        let segments = Segments::new(points, Vec::new());
        assert_eq!(segments.find_number(0), NONE);
        assert_eq!(segments.find_number(0x0101_0000), 1);
        assert_eq!(segments.find_number(0x0101_00ff), 1);
        assert_eq!(segments.find_number(0x0101_0100), NONE);
        assert_eq!(segments.find_number(0x0500_0000), NONE);
        assert_eq!(segments.find_number(0xffff_fffe), NONE);
        assert_eq!(segments.find_number(0xffff_ffff), 2);
        assert!(segments.find(0xffff_ffff).is_none());
    }

    #[test]
    fn segments_are_the_flattened_table_without_gaps() {
        let row = |text: &str, asn: u32, org: Option<&str>| {
            let (addr, len) = text.split_once('/').unwrap();
            let range = IpRange::from_prefix(addr.parse().unwrap(), len.parse().unwrap()).unwrap();
            let asn = (asn > 0).then_some(Asn(asn));
            let org = org.map(str::to_owned);
            AsnRecord { range, asn, org, country: None, other_origins: vec![], line: 0 }
        };
        let mut builder = AsnTable::builder();
        builder.push(row("10.0.0.0/8", 1, Some("Outer")));
        builder.push(row("10.1.0.0/16", 2, None));
        builder.push(row("10.3.0.0/16", 0, None));
        builder.push(row("2001:db8::/32", 3, Some("Six")));
        let table = builder.build();

        let got: Vec<String> = table
            .segments()
            .map(|s| format!("{} {} {:?} {}", s.range, s.asn, s.org, s.row))
            .collect();

        assert_eq!(
            got,
            [
                "10.0.0.0/16 AS1 Some(\"Outer\") 10.0.0.0/8",
                "10.1.0.0/16 AS2 None 10.1.0.0/16",
                "10.2.0.0/16 AS1 Some(\"Outer\") 10.0.0.0/8",
                "10.4.0.0-10.255.255.255 AS1 Some(\"Outer\") 10.0.0.0/8",
                "2001:db8::/32 AS3 Some(\"Six\") 2001:db8::/32",
            ]
        );
    }
}
