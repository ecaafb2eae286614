//! maltrail's static trails and its known-benign helper files.
//!
//! A trail folder (`trails/static`) holds `malware/`, `malicious/` and
//! `suspicious/`, one file per family (`malware/zeus.txt`). What a file
//! says, as maltrail writes it:
//!
//! - the family is the file name; the folder gives the severity
//!   ([`Severity`]: malware high, malicious medium, suspicious low);
//! - `malware/sinkhole_*.txt` list sinkholes, `suspicious/parking_site.txt`
//!   parking services and `suspicious/dynamic_domain.txt` dynamic DNS
//!   providers ([`ListKind`]); every other file is a block list;
//! - `# Aliases: a, b` names the family otherwise, for the rest of the file;
//! - comments come in blocks before the entries they describe: each
//!   `# Reference: URL` (also misspelt: `Refernce`, `Referecne`, …) adds
//!   a reference for the entries up to the next block, and a date
//!   `YYYY-MM-DD` in a comment (`(# 2025-05-22)`, `(on 2019-03-13)`) is
//!   their first-seen date (the earliest of the block); dates inside
//!   reference URLs are not taken;
//! - entries are domains, addresses, `ip:port`, CIDRs, URLs with paths,
//!   paths alone and `.suffix` entries, any of them defanged
//!   ([`parse_indicator`]); text after ` #` is a comment.
//!
//! The helper files ([`MaltrailHelper`]) load the same way, each as its
//! own list kind: `whitelist.txt` (allow), `cdn_ranges.txt` (cdn),
//! `bogon_ranges.txt` (bogon) and `worst_asns.txt` (bad_asn), whose
//! `CIDR,name` rows sit under `# AS63949 Linode, LLC` headings: each
//! heading is also an entry of kind `asn`, and each row carries its AS.
//!
//! # Limitations
//!
//! - Regular-expression trails (a few dozen lines, mostly in
//!   `android_roamingmantis.txt` and `suspicious/domain.txt`) are
//!   reported as [`IndicatorError::Regex`] errors, not matched.
//! - `trails/static/mass_scanner*.txt` and maltrail's feeds
//!   (`trails/feeds/*.py`, fetched at run time) are not read.
//!
//! [`IndicatorError::Regex`]: crate::labels::IndicatorError::Regex

use std::collections::VecDeque;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::asn::Asn;
use crate::asn::text::Lines;
use crate::labels::error::{LabelError, LabelErrorKind};
use crate::labels::indicator::{Indicator, parse_indicator};
use crate::labels::label::{Date, IndicatorKind, Label, LabelContext, ListKind, Severity};
use crate::labels::list::{Place, strip_comment};

/// The trail folders and the severity each stands for.
pub const TRAIL_FOLDERS: [(&str, Severity); 3] =
    [("malware", Severity::High), ("malicious", Severity::Medium), ("suspicious", Severity::Low)];

/// maltrail's known-benign helper files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaltrailHelper {
    /// `whitelist.txt`: names and addresses never to flag (allow).
    Whitelist,
    /// `cdn_ranges.txt`: content delivery networks (cdn).
    CdnRanges,
    /// `bogon_ranges.txt`: addresses never routed (bogon).
    BogonRanges,
    /// `worst_asns.txt`: networks of abusive autonomous systems (bad_asn).
    WorstAsns,
}

impl MaltrailHelper {
    /// Every helper file.
    pub const ALL: [MaltrailHelper; 4] =
        [Self::Whitelist, Self::CdnRanges, Self::BogonRanges, Self::WorstAsns];

    /// The file's name in maltrail's repository root.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Whitelist => "whitelist.txt",
            Self::CdnRanges => "cdn_ranges.txt",
            Self::BogonRanges => "bogon_ranges.txt",
            Self::WorstAsns => "worst_asns.txt",
        }
    }

    /// The list kind its entries get.
    pub fn list(self) -> ListKind {
        match self {
            Self::Whitelist => ListKind::Allow,
            Self::CdnRanges => ListKind::Cdn,
            Self::BogonRanges => ListKind::Bogon,
            Self::WorstAsns => ListKind::BadAsn,
        }
    }
}

/// How a file's entry lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// One indicator a line.
    Trail,
    /// `CIDR,name` under `# ASnnn Name` headings.
    WorstAsns,
}

/// One file to read and what its name says.
#[derive(Debug, Clone)]
struct FileJob {
    path: PathBuf,
    base: LabelContext,
    layout: Layout,
}

/// A streaming reader of maltrail files: a whole trail folder, one trail
/// file or the helper files.
///
/// Yields one [`Label`] per entry, file by file in name order. A bad
/// entry or comment is an error value with file and line, and reading
/// goes on; a file that cannot be read is a fatal error for that file,
/// and reading goes on with the next file.
pub struct MaltrailReader {
    jobs: VecDeque<Result<FileJob, LabelError>>,
    current: Option<TrailFile>,
}

impl std::fmt::Debug for MaltrailReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MaltrailReader")
            .field("files_left", &self.jobs.len())
            .field("current", &self.current.as_ref().map(|c| &c.path))
            .finish()
    }
}

impl MaltrailReader {
    /// Reads every `*.txt` of `malware/`, `malicious/` and `suspicious/`
    /// under `root`: the `trails/static` folder, or a folder holding it
    /// (`trails/` or maltrail's checkout). Labels get the source name
    /// `maltrail` and files named relative to the folder
    /// (`malware/zeus.txt`).
    pub fn open_trails(root: &Path) -> Result<Self, LabelError> {
        let root = trail_root(root)?;
        let mut jobs = VecDeque::new();

        for (folder, severity) in TRAIL_FOLDERS {
            match trail_files(&root.join(folder)) {
                Ok(files) => {
                    jobs.extend(files.into_iter().map(|p| Ok(trail_job(p, folder, severity))))
                }
                Err(e) => jobs.push_back(Err(e)),
            }
        }
        Ok(Self { jobs, current: None })
    }

    /// The files [`open_trails`](Self::open_trails) reads under `root`,
    /// in reading order (for hashing an input before reading it). A
    /// missing severity folder is left out here; reading reports it.
    pub fn trail_files(root: &Path) -> Result<Vec<PathBuf>, LabelError> {
        let root = trail_root(root)?;
        let mut files = Vec::new();
        for (folder, _) in TRAIL_FOLDERS {
            let folder = root.join(folder);
            if folder.is_dir() {
                files.extend(trail_files(&folder)?);
            }
        }
        Ok(files)
    }

    /// Reads one trail file with the given severity; the family is the
    /// file name.
    pub fn open_file(path: &Path, severity: Severity) -> Self {
        let folder = match severity {
            Severity::High => "malware",
            Severity::Medium => "malicious",
            Severity::Low => "suspicious",
        };
        let mut job = trail_job(path.to_owned(), folder, severity);
        job.base.file = path.display().to_string();
        Self { jobs: VecDeque::from([Ok(job)]), current: None }
    }

    /// Reads one helper file as its own list kind.
    pub fn open_helper(path: &Path, helper: MaltrailHelper) -> Self {
        let base = LabelContext::new("maltrail", helper.file_name(), helper.list());
        let layout =
            if helper == MaltrailHelper::WorstAsns { Layout::WorstAsns } else { Layout::Trail };
        let job = FileJob { path: path.to_owned(), base, layout };
        Self { jobs: VecDeque::from([Ok(job)]), current: None }
    }

    /// Reads the four helper files from maltrail's checkout `root`; a
    /// missing one is a fatal error for that file.
    pub fn open_helpers(root: &Path) -> Self {
        let jobs = MaltrailHelper::ALL
            .into_iter()
            .flat_map(|h| Self::open_helper(&root.join(h.file_name()), h).jobs)
            .collect();
        Self { jobs, current: None }
    }

    /// Gives every label the source name `source` instead of `maltrail`.
    pub fn with_source(mut self, source: &str) -> Self {
        for job in self.jobs.iter_mut().flatten() {
            job.base.source = source.to_owned();
        }
        self
    }
}

impl Iterator for MaltrailReader {
    type Item = Result<Label, LabelError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(file) = &mut self.current {
                match file.next() {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }

            match self.jobs.pop_front()? {
                Ok(job) => match TrailFile::open(job) {
                    Ok(file) => self.current = Some(file),
                    Err(error) => return Some(Err(error)),
                },
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

/// The `trails/static` folder at or below `root`.
fn trail_root(root: &Path) -> Result<PathBuf, LabelError> {
    let candidates = [root.to_owned(), root.join("static"), root.join("trails/static")];
    let found =
        candidates.into_iter().find(|c| TRAIL_FOLDERS.iter().any(|(f, _)| c.join(f).is_dir()));
    found.ok_or_else(|| {
        let message =
            "no malware/, malicious/ or suspicious/ folder here or in static/ or trails/static/";
        let error = std::io::Error::new(std::io::ErrorKind::NotFound, message);
        LabelError::new(root, 0, LabelErrorKind::ListFolder(error))
    })
}

/// The `*.txt` files of a folder, sorted by name.
fn trail_files(folder: &Path) -> Result<Vec<PathBuf>, LabelError> {
    let fail = |e| LabelError::new(folder, 0, LabelErrorKind::ListFolder(e));
    let mut files = Vec::new();

    for entry in fs::read_dir(folder).map_err(fail)? {
        let path = entry.map_err(fail)?.path();
        if path.extension().is_some_and(|e| e == "txt") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The job for one trail file in `folder`.
fn trail_job(path: PathBuf, folder: &str, severity: Severity) -> FileJob {
    let family = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let file_name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();

    let mut base =
        LabelContext::new("maltrail", &format!("{folder}/{file_name}"), list_of(folder, &family));
    base.category = Some(family);
    base.severity = Some(severity);
    FileJob { path, base, layout: Layout::Trail }
}

/// The list kind a trail file's name says.
fn list_of(folder: &str, family: &str) -> ListKind {
    match (folder, family) {
        ("malware", f) if f.starts_with("sinkhole_") => ListKind::Sinkhole,
        ("suspicious", "parking_site") => ListKind::Parking,
        ("suspicious", "dynamic_domain") => ListKind::DynamicDns,
        _ => ListKind::Block,
    }
}

/// What the comments above the current entries say.
#[derive(Debug, Default)]
struct Block {
    aliases: Vec<String>,
    references: Vec<String>,
    first_seen: Option<Date>,
    asn: Option<Asn>,
    /// Whether an entry was read since the last comment.
    after_entry: bool,
}

/// One file being read.
struct TrailFile {
    path: PathBuf,
    lines: Lines,
    base: LabelContext,
    layout: Layout,
    block: Block,
    /// The context of the current block, built at its first entry.
    context: Option<Arc<LabelContext>>,
    /// An item produced along with another (a worst-ASN heading's label).
    pending: VecDeque<Result<Label, LabelError>>,
}

impl TrailFile {
    fn open(job: FileJob) -> Result<Self, LabelError> {
        let input =
            crate::input::open(&job.path).map_err(|e| LabelError::new(&job.path, 0, e.into()))?;
        Ok(Self {
            path: job.path,
            lines: Lines::new(input.reader),
            base: job.base,
            layout: job.layout,
            block: Block::default(),
            context: None,
            pending: VecDeque::new(),
        })
    }

    fn next(&mut self) -> Option<Result<Label, LabelError>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }

            let (line, text) = match self.lines.next_line()? {
                (line, Ok(text)) => (line, text.trim()),
                (line, Err(e)) => return Some(Err(LabelError::new(&self.path, line, e.into()))),
            };
            if text.is_empty() {
                continue;
            }

            if let Some(comment) = text.strip_prefix('#') {
                self.context = None;
                let heading = read_comment(&mut self.block, comment, self.layout);
                match heading {
                    Ok(None) => continue,
                    Ok(Some(heading)) => {
                        let context =
                            build_context(&self.base, &self.block, heading.name.as_deref());
                        let at = Place { file: &self.path, line, context: &Arc::new(context) };
                        let value = heading.asn.to_string().into();
                        return Some(Ok(at.label(Indicator {
                            kind: IndicatorKind::Asn,
                            value,
                            port: None,
                        })));
                    }
                    Err(message) => {
                        let kind = LabelErrorKind::BadComment(message);
                        return Some(Err(LabelError::new(&self.path, line, kind)));
                    }
                }
            }

            self.block.after_entry = true;
            let entry = strip_comment(text, b"#").trim_end();
            let (entry, category) = match self.layout {
                Layout::Trail => (entry, None),
                Layout::WorstAsns => match entry.rsplit_once(',') {
                    Some((cidr, name)) => (cidr.trim(), Some(name.trim())),
                    None => (entry, None),
                },
            };

            let context = cached_context(&mut self.context, &self.base, &self.block, category);
            let at = Place { file: &self.path, line, context: &context };
            return Some(at.entry(parse_indicator(entry)));
        }
    }
}

/// The current block's context, built when first needed or when the
/// category changes (worst-ASN rows name their network; a block's rows
/// all give a category or none do).
fn cached_context(
    cache: &mut Option<Arc<LabelContext>>,
    base: &LabelContext,
    block: &Block,
    category: Option<&str>,
) -> Arc<LabelContext> {
    let same = |c: &&Arc<LabelContext>| category.is_none() || c.category.as_deref() == category;
    if let Some(context) = cache.as_ref().filter(same) {
        return Arc::clone(context);
    }

    let context = Arc::new(build_context(base, block, category));
    *cache = Some(Arc::clone(&context));
    context
}

/// The file's context with what the block says.
fn build_context(base: &LabelContext, block: &Block, category: Option<&str>) -> LabelContext {
    let mut context = base.clone();
    context.aliases.clone_from(&block.aliases);
    context.references.clone_from(&block.references);
    context.first_seen = block.first_seen;
    context.asn = block.asn;
    if let Some(category) = category {
        context.category = Some(category.to_owned());
    }
    context
}

/// A worst-ASN heading: `# AS63949 Linode, LLC`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heading {
    asn: Asn,
    name: Option<String>,
}

/// Reads one comment (after its `#`) into the block. Returns a heading
/// for worst-ASN files, or a message for a comment that says nothing
/// usable.
fn read_comment(
    block: &mut Block,
    comment: &str,
    layout: Layout,
) -> Result<Option<Heading>, String> {
    if block.after_entry {
        block.after_entry = false;
        block.references.clear();
        block.first_seen = None;
        block.asn = None;
    }

    let body = comment.trim_start_matches('#').trim();
    if let Some(value) = keyword_value(body, |w| w.eq_ignore_ascii_case("aliases")) {
        return read_aliases(block, value).map(|()| None);
    }
    if let Some(value) = keyword_value(body, is_reference_word) {
        return read_reference(block, value).map(|()| None);
    }
    if layout == Layout::WorstAsns {
        if let Some(heading) = asn_heading(body) {
            block.asn = Some(heading.asn);
            return Ok(Some(heading));
        }
    }

    add_dates(block, body).map(|()| None)
}

/// The value after `Keyword:` (or `Keyword value`) when the first word
/// passes `is_keyword`.
fn keyword_value(body: &str, is_keyword: impl Fn(&str) -> bool) -> Option<&str> {
    let end = body.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(body.len());
    let (word, rest) = body.split_at(end);
    if word.is_empty() || !is_keyword(word) {
        return None;
    }

    let rest = rest.trim_start();
    match rest.strip_prefix(':') {
        Some(value) => Some(value.trim()),
        None if rest.is_empty() || rest.contains("://") => Some(rest),
        None => None,
    }
}

/// `Reference` and its misspellings seen in maltrail (`Refernce`,
/// `Referecne`, `Refereence`, `ReferenceL`, …).
fn is_reference_word(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower.starts_with("ref") && (7..=11).contains(&lower.len()) && lower.contains('n')
}

fn read_aliases(block: &mut Block, value: &str) -> Result<(), String> {
    let aliases: Vec<String> =
        value.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
    if aliases.is_empty() {
        return Err("empty \"Aliases:\"".to_owned());
    }
    block.aliases = aliases;
    Ok(())
}

/// A reference: the URL (or text) up to the first blank; dates are read
/// from what follows (`(# 2025-05-22)`).
fn read_reference(block: &mut Block, value: &str) -> Result<(), String> {
    let value = value.trim_start_matches([':', ';']).trim();
    if value.is_empty() {
        return Err("empty \"Reference:\"".to_owned());
    }

    let start = value.find("http").filter(|&at| at > 0 && at < 4).unwrap_or(0);
    let value = &value[start..];
    let (reference, note) = match value.split_once(char::is_whitespace) {
        Some((url, note)) if url.contains("://") => (url, note),
        _ => (value, ""),
    };
    block.references.push(reference.to_owned());
    add_dates(block, note)
}

/// Takes every `YYYY-MM-DD` of a comment (outside URLs) as a first-seen
/// date, keeping the earliest.
fn add_dates(block: &mut Block, text: &str) -> Result<(), String> {
    for word in text.split_whitespace().filter(|w| !w.contains("://")) {
        for at in date_positions(word) {
            let candidate = &word[at..];
            let date = Date::parse_prefix(candidate)
                .ok_or_else(|| format!("impossible date {:?}", &candidate[..10]))?;
            block.first_seen = Some(block.first_seen.map_or(date, |d| d.min(date)));
        }
    }
    Ok(())
}

/// Where `DDDD-DD-DD` starts in `word`, not inside a longer number.
fn date_positions(word: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = word.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    (0..bytes.len().saturating_sub(9)).filter(move |&i| {
        let shape = [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&k| digit(i + k))
            && bytes[i + 4] == b'-'
            && bytes[i + 7] == b'-';
        shape && (i == 0 || !digit(i - 1)) && !digit(i + 10)
    })
}

/// `AS63949 Linode, LLC`, `AS216240, MortalSoft` or `AS44477`.
fn asn_heading(body: &str) -> Option<Heading> {
    let end = body.find(|c: char| c == ',' || c.is_whitespace()).unwrap_or(body.len());
    let (number, rest) = body.split_at(end);
    if !number.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("as")) {
        return None;
    }

    let asn = Asn::parse(number).ok()?;
    let name = rest.trim_start_matches(',').trim();
    Some(Heading { asn, name: (!name.is_empty()).then(|| name.to_owned()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_after(comments: &[&str]) -> Result<Block, String> {
        let mut block = Block::default();
        for comment in comments {
            read_comment(&mut block, comment, Layout::Trail)?;
        }
        Ok(block)
    }

    #[test]
    fn references_and_dates() {
        let block = block_after(&[
            " Reference: https://example.org/2025-05-20-iocs.txt",
            " Refernce: https://x.example/a (# 2025-05-22)",
            " Reference https://y.example/b",
            " Passive DNS for a sinkhole (on 2019-03-13)",
        ])
        .unwrap();
        assert_eq!(block.references.len(), 3);
        assert_eq!(block.references[1], "https://x.example/a");
        assert_eq!(block.first_seen.unwrap().to_string(), "2019-03-13");
    }

    #[test]
    fn aliases_and_garbage() {
        let block = block_after(&[" Aliases: duperunner, dupehike ,"]).unwrap();
        assert_eq!(block.aliases, ["duperunner", "dupehike"]);
        assert_eq!(block_after(&[" Reference:"]).unwrap_err(), "empty \"Reference:\"");
        assert_eq!(block_after(&[" Aliases:  "]).unwrap_err(), "empty \"Aliases:\"");
        assert!(block_after(&[" seen 2025-13-45"]).unwrap_err().contains("2025-13-45"));
        assert!(block_after(&[" Generic", " Note: 20190710", " Copyright (c) 2014-2026"]).is_ok());
    }

    #[test]
    fn headings() {
        assert_eq!(
            asn_heading("AS63949 Linode, LLC"),
            Some(Heading { asn: Asn(63949), name: Some("Linode, LLC".into()) })
        );
        assert_eq!(asn_heading("AS216240, MortalSoft").unwrap().name.unwrap(), "MortalSoft");
        assert_eq!(asn_heading("AS44477"), Some(Heading { asn: Asn(44477), name: None }));
        assert_eq!(asn_heading("HR-MAXKO-20190710"), None);
        assert_eq!(asn_heading("Reference: x"), None);
    }

    #[test]
    fn list_kinds_by_name() {
        assert_eq!(list_of("malware", "sinkhole_abuse"), ListKind::Sinkhole);
        assert_eq!(list_of("suspicious", "parking_site"), ListKind::Parking);
        assert_eq!(list_of("suspicious", "dynamic_domain"), ListKind::DynamicDns);
        assert_eq!(list_of("malware", "zeus"), ListKind::Block);
    }
}
