//! Streaming per-name-server-domain statistics over zone files.
//!
//! For each name-server domain (the registered domain of an NS host, by
//! the Public Suffix List) this counts the NS records that point into
//! it, its distinct NS hosts, the distinct domains delegated to it, and
//! the mean delegation TTL. Nothing is stored: this is the quick look an
//! analyst takes at a fresh zone file before deciding what to ingest.
//!
//! Zone files are huge (a `.com` zone is about 25 GB), so the work is
//! shaped around four facts:
//!
//! - CZDS files are one record per line with absolute names: a plain
//!   file is cut into one range per core, and each range is split by one
//!   vector pass that indexes the separators (see `scan`);
//! - NS host names repeat endlessly, so hosts are grouped by parent and
//!   each group resolved to its name-server domain once (see `partial`);
//! - the groups outgrow the cache, so each record's group is prefetched
//!   a few lines before it is counted (see `groups`);
//! - distinct (domain, name-server domain) pairs are kept as 64-bit
//!   hashes in flat vectors and de-duplicated at the end, bucket by
//!   bucket on all cores, rather than in one hash set that would miss the
//!   cache on every insert (see `pairs`).
//!
//! A file with anything the fast path does not understand (directives,
//! parentheses, relative names, escapes, quotes, comments) is read again
//! by the general [`ZoneReader`], which handles all of RFC 1035.
//!
//! # Limitations
//!
//! - Pairs are compared by a 64-bit hash: two different domains collide
//!   with a probability of about n²/2⁶⁵ (10⁻⁶ for 8 million domains),
//!   which would undercount one domain. Name-server domains, too, are
//!   told apart by a 64-bit hash when partials merge.
//! - The zone apex is the owner of the file's SOA record, the root, or
//!   the configured origin; its own NS records are not delegations. When
//!   the apex's NS records come before its SOA in a general file, at most
//!   [`PENDING_APEX_LIMIT`] of them are held back until the SOA decides.

mod groups;
mod pairs;
mod partial;
mod scan;

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use nshunt_model::psl::Section;
use nshunt_model::{DomainName, RrType};
use serde::Serialize;

use crate::input;
use crate::zone::{ZoneError, ZoneOptions, ZoneReader};
use partial::Partial;

/// NS records of a possible apex held back before its SOA is seen.
pub const PENDING_APEX_LIMIT: usize = 1024;

/// Plain files smaller than this are read by one thread.
const PARALLEL_MIN_BYTES: u64 = 8 << 20;

/// Skipped records whose errors are kept for the report; the rest are
/// only counted, so that a file of bad records cannot fill memory.
pub const MAX_KEPT_ERRORS: usize = 1000;

/// The longest line the fast path reads from a stream.
const MAX_FAST_LINE: u64 = 64 << 10;

/// Bytes read at a time by each worker.
const BLOCK_BYTES: usize = 4 << 20;

/// Statistics of one name-server domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NsDomainStats {
    /// The name-server domain.
    pub ns_domain: String,
    /// Distinct NS host names under it.
    pub hosts: u64,
    /// Distinct domains delegated to any of its hosts.
    pub domains: u64,
    /// NS records pointing at its hosts.
    pub records: u64,
    /// Sum of those records' TTLs (for exact merging of means).
    pub ttl_sum: u64,
}

impl NsDomainStats {
    /// Mean delegation TTL of its NS records, seconds.
    pub fn mean_ttl(&self) -> f64 {
        if self.records == 0 { 0.0 } else { self.ttl_sum as f64 / self.records as f64 }
    }
}

/// The outcome of a statistics run.
#[derive(Debug, Default, Serialize)]
pub struct StatsReport {
    /// One row per name-server domain, most domains first.
    pub rows: Vec<NsDomainStats>,
    /// Records read, of any type.
    pub records: u64,
    /// NS records that are delegations (apex NS excluded).
    pub delegations: u64,
    /// Bad records skipped.
    pub skipped: u64,
    /// The skipped records' errors, in input order (the first
    /// [`MAX_KEPT_ERRORS`] of them).
    #[serde(skip)]
    pub errors: Vec<ZoneError>,
    /// Files read, and whether each took the fast path.
    pub files: Vec<FileSummary>,
}

/// How one file was read.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    /// The file.
    pub path: PathBuf,
    /// Bytes in the file as stored (compressed size for compressed files).
    pub bytes: u64,
    /// Whether the line-splitting fast path read it.
    pub fast_path: bool,
}

/// What the caller can choose.
#[derive(Debug, Clone, Default)]
pub struct StatsOptions {
    /// Which Public Suffix List sections decide name-server domains.
    pub section: Section,
    /// Worker threads for plain files; 0 means one per core.
    pub threads: usize,
    /// Options for the general reader (origin, `$INCLUDE`, limits).
    pub zone: ZoneOptions,
    /// Stop at the first bad record.
    pub strict: bool,
}

/// Why a statistics run failed.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// A file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The input is unusable, or a record is bad under `strict`.
    #[error(transparent)]
    Zone(#[from] ZoneError),
    /// Opening a compressed or plain input failed.
    #[error(transparent)]
    Input(#[from] input::InputError),
}

/// Computes statistics over `paths`, as if they were one zone.
pub fn zone_stats(paths: &[PathBuf], options: &StatsOptions) -> Result<StatsReport, StatsError> {
    let mut parts = Vec::new();
    let mut report = StatsReport::default();

    for path in paths {
        let (part, summary) = file_stats(path, options, &mut report)?;
        parts.push(part);
        report.files.push(summary);
    }

    let merged = Partial::merge(parts);
    report.records = merged.records;
    report.delegations = merged.delegations;
    report.rows = merged.into_rows();
    Ok(report)
}

/// Statistics of one file: the fast path first, the general reader if
/// the file needs it.
fn file_stats(
    path: &Path,
    options: &StatsOptions,
    report: &mut StatsReport,
) -> Result<(Partial, FileSummary), StatsError> {
    let io_err = |source| StatsError::Io { path: path.to_owned(), source };
    let metadata = std::fs::metadata(path).map_err(io_err)?;
    if !metadata.is_file() {
        let not_file = io::Error::new(io::ErrorKind::InvalidInput, "not a regular file");
        return Err(StatsError::Io { path: path.to_owned(), source: not_file });
    }
    let bytes = metadata.len();
    let summary = |fast_path| FileSummary { path: path.to_owned(), bytes, fast_path };

    if options.strict {
        // Under --strict every record must be checked: the general reader.
        let part = general_file(path, options, report)?;
        return Ok((part, summary(false)));
    }
    if let Some(part) = fast_file(path, bytes, options)? {
        tracing::debug!(path = %path.display(), "zone stats: fast path");
        return Ok((part, summary(true)));
    }

    tracing::debug!(path = %path.display(), "zone stats: general reader");
    let part = general_file(path, options, report)?;
    Ok((part, summary(false)))
}

/// The fast path over a whole file; `None` when the file needs the
/// general reader.
fn fast_file(
    path: &Path,
    bytes: u64,
    options: &StatsOptions,
) -> Result<Option<Partial>, StatsError> {
    let io_err = |source| StatsError::Io { path: path.to_owned(), source };
    let file = File::open(path).map_err(io_err)?;
    let mut head = [0u8; 16];
    let head_len = file.read_at(&mut head, 0).map_err(io_err)?;
    if let Some(format) = input::unsupported_format(&head[..head_len]) {
        return Err(input::InputError::Unsupported { path: path.to_owned(), format }.into());
    }
    if input::is_compressed(&head[..head_len]) {
        return fast_stream(path, options);
    }

    let apex = find_apex(&file).map_err(io_err)?.or_else(|| origin_apex(options));
    let threads = worker_count(options.threads, bytes);
    let ranges = split_ranges(bytes, threads);
    let results: Vec<io::Result<Option<Partial>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(start, end)| {
                let (file, apex) = (&file, apex.as_deref());
                scope.spawn(move || fast_range(file, start, end, apex, options.section))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Ok(None))).collect()
    });

    let mut parts = Vec::with_capacity(results.len());
    for result in results {
        match result.map_err(io_err)? {
            Some(part) => parts.push(part),
            None => return Ok(None),
        }
    }
    Ok(Some(Partial::merge(parts)))
}

/// The fast path over a compressed stream, on one thread.
fn fast_stream(path: &Path, options: &StatsOptions) -> Result<Option<Partial>, StatsError> {
    let mut input = input::open(path)?;
    let mut part = Partial::new(options.section);
    let mut line = Vec::with_capacity(256);
    let mut apex = origin_apex(options);

    loop {
        line.clear();
        // Bounded: a longer line is no CZDS line, and the general reader
        // reads past it in bounded memory.
        let read = (&mut input.reader).take(MAX_FAST_LINE).read_until(b'\n', &mut line);
        if read.map_err(|source| StatsError::Io { path: path.to_owned(), source })? == 0 {
            break;
        }
        if line.len() as u64 == MAX_FAST_LINE && !line.ends_with(b"\n") {
            return Ok(None);
        }
        if !part.fast_line(&line, &mut apex) {
            return Ok(None);
        }
    }

    Ok(Some(part))
}

/// Reads `[start, end)` of a plain file, lines attributed to the range
/// they start in. `None` when a line needs the general reader.
fn fast_range(
    file: &File,
    start: u64,
    end: u64,
    apex: Option<&[u8]>,
    section: Section,
) -> io::Result<Option<Partial>> {
    let mut part = Partial::new(section);
    // About one distinct pair per 130 bytes of a CZDS file: reserving
    // up front saves the copies of a growing vector.
    part.reserve_pairs(usize::try_from((end - start) / 128).unwrap_or(0));
    let mut apex = apex.map(<[u8]>::to_vec);
    let mut buf = vec![0u8; BLOCK_BYTES];
    let mut carry = 0usize;
    // A range that does not start the file begins one byte early and
    // skips through the first newline: when `start` is itself the start
    // of a line, only the newline before it is skipped.
    let mut offset = start.saturating_sub(1);
    let mut skip_first = start > 0;

    loop {
        let read = file.read_at(&mut buf[carry..], offset)?;
        offset += read as u64;
        let filled = carry + read;
        let at_eof = read == 0;

        let mut pos = 0;
        if skip_first {
            match memchr::memchr(b'\n', &buf[..filled]) {
                Some(nl) => (pos, skip_first) = (nl + 1, false),
                None if at_eof => break,
                None => pos = filled,
            }
        }

        // The block's file offset tells which of its lines start before `end`.
        let block_start = offset - filled as u64;
        let (upto, done) =
            range_lines(&buf[..filled], pos, end.saturating_sub(block_start), at_eof);
        if !part.fast_block(&buf[pos..upto], &mut apex) {
            return Ok(None);
        }
        if done {
            break;
        }

        buf.copy_within(upto..filled, 0);
        carry = filled - upto;
        if carry == buf.len() {
            // A line longer than a whole block: not a CZDS file.
            return Ok(None);
        }
    }

    part.seal_pairs();
    Ok(Some(part))
}

/// The end of the whole lines of `block[pos..]` that start before
/// `end` (an index into the block, possibly past it), and whether the
/// range is done with them. At the end of the file the last line needs
/// no newline.
fn range_lines(block: &[u8], pos: usize, end: u64, at_eof: bool) -> (usize, bool) {
    let end = usize::try_from(end).unwrap_or(usize::MAX);
    if end <= pos {
        return (pos, true);
    }

    // The line holding the range's last byte is its last line.
    let last_byte = end - 1;
    if last_byte < block.len() {
        if let Some(nl) = memchr::memchr(b'\n', &block[last_byte..]) {
            return (last_byte + nl + 1, true);
        }
    }
    if at_eof {
        return (block.len(), true);
    }
    let whole = memchr::memrchr(b'\n', &block[pos..]).map_or(pos, |nl| pos + nl + 1);
    (whole, false)
}

/// The apex of a plain file: the owner of an SOA record in its first
/// 64 KiB, in the lower-case form the fast path compares.
fn find_apex(file: &File) -> io::Result<Option<Vec<u8>>> {
    let mut head = vec![0u8; 64 << 10];
    let read = file.read_at(&mut head, 0)?;
    let mut lower = [0u8; 256];

    for line in head[..read].split(|&b| b == b'\n') {
        let Some(fields) = FastLine::split(line) else { continue };
        if fields.rtype.eq_ignore_ascii_case(b"soa") {
            return Ok(lowercase(fields.owner, &mut lower).map(<[u8]>::to_vec));
        }
    }
    Ok(None)
}

/// The apex `--origin` names, in the fast path's form, for files
/// without an SOA record.
fn origin_apex(options: &StatsOptions) -> Option<Vec<u8>> {
    let origin = options.zone.origin.as_ref()?;
    Some(if origin.is_root() { Vec::new() } else { origin.as_str().as_bytes().to_vec() })
}

fn worker_count(requested: usize, bytes: u64) -> usize {
    if bytes < PARALLEL_MIN_BYTES {
        return 1;
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if requested == 0 { cores } else { requested }
}

fn split_ranges(bytes: u64, parts: usize) -> Vec<(u64, u64)> {
    let parts = parts.max(1) as u64;
    (0..parts).map(|i| (bytes * i / parts, bytes * (i + 1) / parts)).collect()
}

/// The general path: every record through the RFC 1035 reader.
fn general_file(
    path: &Path,
    options: &StatsOptions,
    report: &mut StatsReport,
) -> Result<Partial, StatsError> {
    let mut reader = ZoneReader::open(path, options.zone.clone())?;
    let mut part = Partial::new(options.section);
    let mut pending = PendingApex::default();

    for item in &mut reader {
        let record = match item {
            Ok(record) => record,
            Err(error) if error.is_fatal() || options.strict => return Err(error.into()),
            Err(error) => {
                report.skipped += 1;
                if report.errors.len() < MAX_KEPT_ERRORS {
                    report.errors.push(error);
                }
                continue;
            }
        };
        part.records += 1;
        pending.feed(&record, &mut part, options.zone.origin.as_ref());
    }

    pending.flush(&mut part);
    Ok(part)
}

/// NS records of the file's first owner, held until it is known whether
/// that owner is the apex (its SOA follows) or a delegation.
#[derive(Default)]
struct PendingApex {
    apex: Option<DomainName>,
    first_owner: Option<DomainName>,
    held: Vec<(String, u32)>,
    decided: bool,
}

impl PendingApex {
    fn feed(
        &mut self,
        record: &nshunt_model::Record,
        part: &mut Partial,
        origin: Option<&DomainName>,
    ) {
        let owner = &record.owner;
        self.first_owner.get_or_insert_with(|| owner.clone());

        if record.rtype == RrType::SOA && self.apex.is_none() {
            self.apex = Some(owner.clone());
            self.decide(part, self.first_owner.as_ref() != Some(owner));
        }
        if record.rtype != RrType::NS {
            return;
        }

        let is_apex = owner.is_root()
            || self.apex.as_ref() == Some(owner)
            || origin == Some(owner) && self.apex.is_none();
        if is_apex {
            return;
        }

        let host = record.rdata.trim_end_matches('.');
        let undecided = !self.decided && self.first_owner.as_ref() == Some(owner);
        if undecided && self.held.len() < PENDING_APEX_LIMIT {
            self.held.push((host.to_owned(), record.ttl));
            return;
        }

        self.decide(part, true);
        part.add_ns(owner.as_str().as_bytes(), host.as_bytes(), record.ttl);
    }

    /// Settles the held records: delegations when `keep`, apex otherwise.
    fn decide(&mut self, part: &mut Partial, keep: bool) {
        if self.decided {
            return;
        }
        self.decided = true;

        let owner = self.first_owner.clone();
        for (host, ttl) in std::mem::take(&mut self.held) {
            if let (true, Some(owner)) = (keep, owner.as_ref()) {
                part.add_ns(owner.as_str().as_bytes(), host.as_bytes(), ttl);
            }
        }
    }

    fn flush(&mut self, part: &mut Partial) {
        self.decide(part, true);
    }
}

/// The fields of one simple zone line, as byte slices.
struct FastLine<'a> {
    owner: &'a [u8],
    ttl: &'a [u8],
    rtype: &'a [u8],
    rdata: &'a [u8],
}

impl<'a> FastLine<'a> {
    /// Splits `owner ttl [class] type rdata` with absolute owner;
    /// `None` when the line is anything else. Only the first token of
    /// the rdata is kept: the fast path needs no more.
    fn split(line: &'a [u8]) -> Option<Self> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Self::split_tabs(line).or_else(|| Self::split_any(line))
    }

    /// The CZDS shape exactly: five fields, one tab between each, class
    /// IN. The tabs are found eight bytes at a time in one pass.
    fn split_tabs(line: &'a [u8]) -> Option<Self> {
        let [t0, t1, t2, t3] = first_tabs(line)?;
        let field = |from: usize, to: usize| line.get(from..to).filter(|f| !f.is_empty());

        let owner = field(0, t0)?;
        let ttl = field(t0 + 1, t1)?;
        let class = field(t1 + 1, t2)?;
        let rtype = field(t2 + 1, t3)?;
        let rest = line.get(t3 + 1..)?;
        let rdata = &rest[..find_separator(rest, 0)];
        if rdata.is_empty() {
            return None;
        }

        let plain = class.eq_ignore_ascii_case(b"in") && owner.ends_with(b".");
        plain.then_some(Self { owner, ttl, rtype, rdata })
    }

    /// Any run of tabs and spaces between fields, class optional.
    fn split_any(line: &'a [u8]) -> Option<Self> {
        let mut pos = 0;

        let owner = next_field(line, &mut pos)?;
        let ttl = next_field(line, &mut pos)?;
        let mut rtype = next_field(line, &mut pos)?;
        if rtype.eq_ignore_ascii_case(b"in") {
            rtype = next_field(line, &mut pos)?;
        }
        let rdata = next_field(line, &mut pos)?;

        let plain = owner.ends_with(b".") && ttl.iter().all(u8::is_ascii_digit);
        plain.then_some(Self { owner, ttl, rtype, rdata })
    }
}

/// The next field separated by tabs or spaces, from `pos` on.
fn next_field<'a>(line: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    while line.get(*pos).is_some_and(|&b| b == b'\t' || b == b' ') {
        *pos += 1;
    }
    if *pos >= line.len() {
        return None;
    }

    let start = *pos;
    *pos = find_separator(line, start);
    Some(&line[start..*pos])
}

/// The positions of the first four tabs of a line, if it has four.
fn first_tabs(line: &[u8]) -> Option<[usize; 4]> {
    let mut tabs = [0usize; 4];
    let mut found = 0;
    let mut i = 0;

    while found < 4 {
        let Some(chunk) = line.get(i..i + 8) else { break };
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let mut mask = exact_zero_bytes(word ^ splat(b'\t'));
        while mask != 0 && found < 4 {
            tabs[found] = i + (mask.trailing_zeros() / 8) as usize;
            found += 1;
            mask &= mask - 1;
        }
        i += 8;
    }
    for (at, &b) in line.iter().enumerate().skip(i) {
        if found == 4 {
            break;
        }
        if b == b'\t' {
            tabs[found] = at;
            found += 1;
        }
    }
    (found == 4).then_some(tabs)
}

/// The high bit of every zero byte of `word`, with no false positives.
fn exact_zero_bytes(word: u64) -> u64 {
    let low7 = splat(0x7f);
    !(((word & low7).wrapping_add(low7)) | word | low7)
}

/// Repeats a byte in every byte of a word.
pub(super) const fn splat(byte: u8) -> u64 {
    0x0101_0101_0101_0101 * byte as u64
}

/// The first tab or space at or after `from` (or the end), eight bytes
/// at a time: CZDS fields are too short for SIMD searches to pay for
/// their set-up, and too long for a byte loop to be cheap.
fn find_separator(line: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(chunk) = line.get(i..i + 8) {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let found = zero_bytes(word ^ splat(b'\t')) | zero_bytes(word ^ splat(b' '));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while line.get(i).is_some_and(|&b| b != b'\t' && b != b' ') {
        i += 1;
    }
    i
}

/// The high bit of each zero byte of `word` (exact for the lowest one,
/// which is all the callers use).
pub(super) fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(splat(1)) & !word & splat(0x80)
}

/// Whether `bytes` has an upper-case ASCII letter, eight at a time.
fn has_upper(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    let upper_in = |word: u64| {
        let above_a = word.wrapping_add(splat(0x80 - b'A'));
        let above_z = word.wrapping_add(splat(0x80 - b'Z' - 1));
        above_a & !above_z & !word & splat(0x80) != 0
    };
    let words = chunks
        .by_ref()
        .any(|c| upper_in(u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or_default())));
    words || chunks.remainder().iter().any(u8::is_ascii_uppercase)
}

/// Whether `name` (lower case, no trailing dot) is one the fast path
/// vouches for: the rules [`lowercase`] checks, without the copy.
fn valid_name(name: &[u8]) -> bool {
    let mut buf = [0u8; 256];
    lowercase(name, &mut buf).is_some_and(|copy| copy == name)
}

/// Whether a line has anything only the general reader understands.
fn needs_general(line: &[u8]) -> bool {
    starts_specially(line) || has_special(line)
}

/// A line that continues the previous owner or is a directive.
fn starts_specially(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t' | b'$'))
}

/// Parentheses, quotes, comments or escapes anywhere in `bytes`.
fn has_special(bytes: &[u8]) -> bool {
    memchr::memchr3(b'(', b'"', b';', bytes).is_some() || memchr::memchr(b'\\', bytes).is_some()
}

/// Lower-cases `name` without its trailing dot into `buf`.
/// `None` when the name is not one the fast path vouches for (empty or
/// over-long labels, a name over 253 characters, bytes outside printable
/// ASCII): the general reader then reports it properly.
fn lowercase<'b>(name: &[u8], buf: &'b mut [u8; 256]) -> Option<&'b [u8]> {
    let name = name.strip_suffix(b".").unwrap_or(name);
    if name.len() > 253 {
        return None;
    }

    let out = &mut buf[..name.len()];
    let mut label = 0usize;
    for (o, &b) in out.iter_mut().zip(name) {
        match b {
            b'.' if label == 0 => return None,
            b'.' => label = 0,
            0x21..=0x7e => label += 1,
            _ => return None,
        }
        if label > 63 {
            return None;
        }
        *o = b.to_ascii_lowercase();
    }
    (name.is_empty() || label > 0).then_some(&*out)
}

/// A TTL of plain digits that fits in 32 bits.
fn parse_ttl(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 10 {
        return None;
    }
    let value = digits.iter().try_fold(0u64, |v, d| Some(v * 10 + u64::from(d.wrapping_sub(b'0'))));
    value.and_then(|v| u32::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats_of(text: &str) -> StatsReport {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("z.zone");
        std::fs::write(&path, text).unwrap();
        zone_stats(&[path], &StatsOptions::default()).unwrap()
    }

    fn row<'a>(report: &'a StatsReport, ns_domain: &str) -> &'a NsDomainStats {
        report.rows.iter().find(|r| r.ns_domain == ns_domain).unwrap()
    }

    const CZDS: &str = "com.\t900\tin\tsoa\ta.nic.com. h.nic.com. 1 2 3 4 5\n\
        com.\t172800\tin\tns\ta.nic.com.\n\
        a.com.\t172800\tin\tns\tns1.host.co.uk.\n\
        a.com.\t172800\tin\tns\tns2.host.co.uk.\n\
        b.com.\t3600\tin\tns\tns1.host.co.uk.\n\
        b.com.\t86400\tin\tds\t1 13 2 abcd\n\
        a.com.\t172800\tin\tns\tns1.other.net.\n";

    #[test]
    fn fast_path_counts_distinct_domains_and_hosts() {
        let report = stats_of(CZDS);
        assert!(report.files[0].fast_path);

        let host = row(&report, "host.co.uk");
        assert_eq!((host.hosts, host.domains, host.records), (2, 2, 3));
        assert_eq!(host.ttl_sum, 172800 * 2 + 3600);

        // `a.com` comes back after `b.com`: still one domain.
        assert_eq!(row(&report, "other.net").domains, 1);
        // The apex NS is not a delegation.
        assert!(report.rows.iter().all(|r| r.ns_domain != "nic.com"));
        assert_eq!(report.delegations, 4);
    }

    #[test]
    fn odd_lines_take_the_slow_split_and_agree() {
        // Upper case, CRLF, spaces and a trailing field: each such line is
        // split the slow way, and all still count alike.
        let odd = CZDS
            .replace("a.com.\t172800\tin\tns\tns2", "A.COM.\t172800\tIN\tNS\tNS2")
            .replace(
                "b.com.\t3600\tin\tns\tns1.host.co.uk.\n",
                "b.com.\t3600\tin\tns\tns1.host.co.uk.\r\n",
            )
            .replace(
                "a.com.\t172800\tin\tns\tns1.other.net.",
                "a.com. 172800 in ns ns1.other.net. x",
            );
        let report = stats_of(&odd);
        assert!(report.files[0].fast_path);
        assert_eq!(report.rows, stats_of(CZDS).rows);
    }

    #[test]
    fn general_path_agrees_with_fast_path() {
        let master = "$ORIGIN com.\n$TTL 172800\n\
            @ 900 IN SOA a.nic ( h.nic 1 2 3 4 5 )\n  NS a.nic\n\
            a NS ns1.host.co.uk.\n  NS ns2.HOST.co.uk.\n\
            b 3600 NS ns1.host.co.uk. ; comment\nb 86400 DS 1 13 2 abcd\n\
            a NS ns1.other.net.\n";
        let general = stats_of(master);
        assert!(!general.files[0].fast_path);
        assert_eq!(general.rows, stats_of(CZDS).rows);
    }

    #[test]
    fn ranges_that_start_exactly_on_a_line_lose_nothing() {
        // Equal-length lines, so that range boundaries fall on line starts.
        let text: String = (0..250_000u32)
            .map(|i| format!("d{i:07}.com.\t172800\tin\tns\tns1.h{:07}.net.\n", i % 1000))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("even.zone");
        std::fs::write(&path, &text).unwrap();

        for threads in [1, 2, 3, 4, 5, 8, 64] {
            let options = StatsOptions { threads, ..StatsOptions::default() };
            let report = zone_stats(std::slice::from_ref(&path), &options).unwrap();
            assert_eq!(report.records, 250_000, "{threads} threads");
            assert_eq!(report.rows.iter().map(|r| r.domains).sum::<u64>(), 250_000);
        }
    }

    #[test]
    fn parallel_ranges_agree_with_one_thread() {
        let mut text = String::from("com.\t900\tin\tsoa\ta.nic.com. h.nic.com. 1 2 3 4 5\n");
        for i in 0..400_000u32 {
            let ns = i % 977;
            text.push_str(&format!("d{i}.com.\t172800\tin\tns\tns1.h{ns}.net.\n"));
            text.push_str(&format!("d{i}.com.\t172800\tin\tns\tns2.h{ns}.net.\n"));
        }
        let report = stats_of(&text);
        assert_eq!(report.rows.len(), 977);
        assert_eq!(report.rows.iter().map(|r| r.domains).sum::<u64>(), 400_000);
        assert!(report.rows.iter().all(|r| r.hosts == 2));
    }
}
