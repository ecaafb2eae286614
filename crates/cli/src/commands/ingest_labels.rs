//! `nshunt ingest labels`: threat labels and allow lists into the store,
//! one batch per invocation.
//!
//! The input is a maltrail checkout or trail folder (its trail files
//! and, beside them, its helper files: whitelist, CDN and bogon ranges,
//! worst ASNs), or one file: a maltrail trail or helper file, a plain
//! list, a hosts file or CSV with a column mapping. The content hash
//! covers every file read (names and decoded content, in reading order)
//! and what the options make of them (source, list kind, format,
//! mapping): the same load again is a no-op and says so.
//!
//! Reading runs on its own thread while this one buffers the labels for
//! the store, which sorts them and writes them in one transaction: an
//! interrupted or failed load (a bad entry under `--strict`, an
//! unreadable file) leaves the store as it was.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Instant;

use anyhow::{Context as _, Result, anyhow, bail};
use nshunt_ingest::input;
use nshunt_ingest::labels::maltrail::TRAIL_FOLDERS;
use nshunt_ingest::labels::{
    CsvMapping, CsvReader, IndicatorKind, Label, LabelContext, LabelError, ListFormat, ListKind,
    ListOptions, ListReader, MaltrailHelper, MaltrailReader, Severity,
};
use nshunt_store::{
    BatchInfo, BatchMeta, BatchSummary, LabelDescription, LabelKind, LabelStart, LabelWriter,
    NewLabel, SOURCE_LABELS,
};
use serde::Serialize;

use super::files::{display_path, hash_content, modified_time};
use super::{Context, finish};
use crate::args::{IngestLabelsArgs, LabelFormat};
use crate::output::{self, Format, thousands};
use crate::progress::Reporter;
use crate::time::{format_moment, parse_moment};

/// Items handed from the reading thread at a time.
const CHUNK: usize = 8192;

/// Chunks the reading thread may run ahead of this one: enough to hold
/// a whole large list while this thread hashes the files.
const MAX_CHUNKS: usize = 1024;

/// Warnings about skipped entries written before going quiet (the
/// summary counts them all).
const MAX_WARNINGS: u64 = 100;

/// What the load did (a stable JSON contract; `observed_at` is RFC 3339
/// text in JSON).
#[derive(Debug, Serialize)]
struct Outcome {
    store: String,
    path: String,
    source: String,
    /// `maltrail`, `list`, `hosts` or `csv`.
    input_format: &'static str,
    /// `ingested`, or `duplicate` (the store already had this load;
    /// the counts are then the stored batch's).
    status: &'static str,
    batch_id: i64,
    observed_at: i64,
    /// `--date`, `modified-time` or `stored`.
    date_source: &'static str,
    files: u64,
    /// Entries read and kept.
    entries: u64,
    /// Distinct labels written (a label listed twice is stored once);
    /// `null` for a duplicate.
    stored: Option<u64>,
    /// Bad entries skipped.
    skipped: u64,
    /// Entries per list kind (empty for a duplicate).
    lists: BTreeMap<&'static str, u64>,
    seconds: f64,
}

pub fn run(ctx: &Context, args: &IngestLabelsArgs) -> Result<()> {
    let started = Instant::now();
    let list = list_kind(args)?;
    let plan = Plan::of(args, list)?;
    let date = observed_at(args, &plan)?;
    let items = reader(&plan, &args.source, list)?;

    // Reading starts before the ledger is asked, while this thread
    // hashes the files: a new load saves the hashing time, a duplicate
    // wastes a moment of reading.
    let (sender, receiver) = sync_channel::<Chunk>(MAX_CHUNKS);
    let (recycle, recycled) = sync_channel::<Chunk>(MAX_CHUNKS);
    let chunks = Chunks { full: receiver, emptied: recycle };
    let mut outcome = std::thread::scope(|scope| {
        scope.spawn(move || read_chunks(items, &sender, &recycled));
        // Returning drops the receiver, which stops the reader.
        load(ctx, args, &plan, list, date, chunks)
    })?;

    outcome.seconds = started.elapsed().as_secs_f64();
    write(ctx, &outcome)
}

/// Labels (and bad entries) handed over from the reading thread, in
/// compact form: the values in one buffer, each run of entries that
/// share what the list says of them under one context. The storing
/// thread then touches a context once a run, not once a label, and
/// nothing is freed across threads label by label.
#[derive(Default)]
struct Chunk {
    text: String,
    labels: Vec<ChunkLabel>,
    contexts: Vec<Arc<LabelContext>>,
    errors: Vec<LabelError>,
}

/// One label of a [`Chunk`].
struct ChunkLabel {
    /// The value's bytes in [`Chunk::text`].
    start: usize,
    end: usize,
    /// Its context in [`Chunk::contexts`].
    context: usize,
    kind: IndicatorKind,
    port: Option<u16>,
    line: u64,
}

impl Chunk {
    fn with_capacity() -> Self {
        Chunk { labels: Vec::with_capacity(CHUNK), ..Chunk::default() }
    }

    fn is_full(&self) -> bool {
        self.labels.len() + self.errors.len() >= CHUNK
    }

    fn push(&mut self, item: Result<Label, LabelError>) {
        let label = match item {
            Ok(label) => label,
            Err(error) => return self.errors.push(error),
        };

        let same = self.contexts.last().is_some_and(|c| Arc::ptr_eq(c, &label.context));
        if !same {
            self.contexts.push(label.context);
        }
        let start = self.text.len();
        self.text.push_str(&label.indicator);
        self.labels.push(ChunkLabel {
            start,
            end: self.text.len(),
            context: self.contexts.len() - 1,
            kind: label.kind,
            port: label.port,
            line: label.line,
        });
    }

    fn value(&self, label: &ChunkLabel) -> &str {
        self.text.get(label.start..label.end).unwrap_or_default()
    }

    /// Empties it for the reader to fill again, keeping its memory.
    fn clear(&mut self) {
        self.text.clear();
        self.labels.clear();
        self.contexts.clear();
        self.errors.clear();
    }
}

/// Labels of one context and kind in a row, and how the store
/// describes them.
#[derive(Clone, Copy)]
struct Run {
    context: usize,
    kind: IndicatorKind,
    description: LabelDescription,
    list: &'static str,
    /// How many were added so far.
    labels: u64,
}

/// The two ends of the hand-over on the storing side: full chunks
/// arrive, emptied ones go back to be filled again (fresh memory costs
/// a page fault, and the kernel's zeroing, per page).
struct Chunks {
    full: Receiver<Chunk>,
    emptied: SyncSender<Chunk>,
}

/// Sends what the reader yields, [`CHUNK`] items at a time, until the
/// end or until the receiver is gone; fills emptied chunks when the
/// storing side has sent some back.
fn read_chunks(items: Items, sender: &SyncSender<Chunk>, recycled: &Receiver<Chunk>) {
    let next = || recycled.try_recv().unwrap_or_else(|_| Chunk::with_capacity());
    let mut chunk = next();
    for item in items {
        chunk.push(item);
        if chunk.is_full() {
            let full = std::mem::replace(&mut chunk, next());
            if sender.send(full).is_err() {
                return;
            }
        }
    }
    let _ = sender.send(chunk);
}

/// Hashes the files and, unless the ledger already has this content,
/// stores what the reader sends.
fn load(
    ctx: &Context,
    args: &IngestLabelsArgs,
    plan: &Plan,
    list: Option<ListKind>,
    (observed_at, date_source): (i64, &'static str),
    chunks: Chunks,
) -> Result<Outcome> {
    let hashing = Instant::now();
    let hash = content_hash(plan, args, list)?;
    tracing::debug!(seconds = hashing.elapsed().as_secs_f64(), "labels hashed");

    let mut store = ctx.open_store()?;
    let shown = display_path(&args.path);
    let meta = BatchMeta::input(SOURCE_LABELS, Some(&args.source), &shown, &hash, observed_at);
    let mut outcome = Outcome {
        store: store.path().display().to_string(),
        path: shown,
        source: args.source.clone(),
        input_format: plan.format,
        status: "ingested",
        batch_id: 0,
        observed_at,
        date_source,
        files: plan.files.len() as u64,
        entries: 0,
        stored: None,
        skipped: 0,
        lists: BTreeMap::new(),
        seconds: 0.0,
    };

    match store.begin_labels(meta)? {
        LabelStart::Duplicate(batch) => outcome.duplicate(&batch),
        LabelStart::New(writer) => {
            let load = Load { ctx, args, plan, outcome: &mut outcome };
            load.run(*writer, chunks)?;
        }
    }
    Ok(outcome)
}

impl Outcome {
    /// The stored batch's figures, for a load already in the store.
    fn duplicate(&mut self, batch: &BatchInfo) {
        self.status = "duplicate";
        self.batch_id = batch.id;
        self.observed_at = batch.observed_at;
        self.date_source = "stored";
        self.entries = batch.records;
        self.skipped = batch.skipped;
    }
}

/// `--list` as a list kind; maltrail says it per file instead.
fn list_kind(args: &IngestLabelsArgs) -> Result<Option<ListKind>> {
    let Some(text) = &args.list else { return Ok(None) };
    let kind = text.parse::<ListKind>().map_err(|e| anyhow!("bad --list: {e}"))?;
    Ok(Some(kind))
}

/// How one input is read.
#[derive(Debug, Clone)]
enum Layout {
    /// A maltrail trail folder (and the helper files beside it).
    Trails { root: PathBuf, helpers: Vec<(PathBuf, MaltrailHelper)> },
    /// One maltrail trail file, its severity from its folder.
    TrailFile(Severity),
    /// One maltrail helper file.
    Helper(MaltrailHelper),
    /// A plain list or a hosts file.
    List(ListFormat),
    /// CSV with a column mapping.
    Csv(CsvMapping),
}

/// One file to read: its path, the name its labels carry, its size.
#[derive(Debug, Clone)]
struct InputFile {
    path: PathBuf,
    name: String,
    size: u64,
}

/// What a load reads, and how.
#[derive(Debug)]
struct Plan {
    layout: Layout,
    /// Every file read, in reading order.
    files: Vec<InputFile>,
    /// The layout's name in the outcome.
    format: &'static str,
}

impl Plan {
    /// Decides the layout from the options and the path.
    fn of(args: &IngestLabelsArgs, list: Option<ListKind>) -> Result<Self> {
        let path = &args.path;
        let metadata = std::fs::metadata(path)
            .with_context(|| format!("cannot read {}: check the path", path.display()))?;
        if !metadata.is_dir() && !metadata.is_file() {
            // A FIFO or a device would block or never end.
            anyhow::bail!("{} is neither a regular file nor a folder", path.display());
        }

        let layout =
            if metadata.is_dir() { folder_layout(args)? } else { file_layout(args, path)? };
        check_options(args, &layout, list)?;

        let files = files_of(path, &layout)?;
        let format = match layout {
            Layout::Trails { .. } | Layout::TrailFile(_) | Layout::Helper(_) => "maltrail",
            Layout::List(ListFormat::Plain) => "list",
            Layout::List(ListFormat::Hosts) => "hosts",
            Layout::Csv(_) => "csv",
        };
        Ok(Plan { layout, files, format })
    }
}

/// A folder is a maltrail trail folder (or checkout).
fn folder_layout(args: &IngestLabelsArgs) -> Result<Layout> {
    if !matches!(args.input_format, LabelFormat::Auto | LabelFormat::Maltrail) {
        bail!(
            "{} is a folder: only maltrail trail folders are read whole; pass a file",
            args.path.display()
        );
    }

    let root = args.path.clone();
    let helpers = MaltrailHelper::ALL
        .into_iter()
        .map(|h| (root.join(h.file_name()), h))
        .filter(|(path, _)| path.is_file())
        .collect();
    Ok(Layout::Trails { root, helpers })
}

/// The layout of one file: as asked, or detected.
fn file_layout(args: &IngestLabelsArgs, path: &Path) -> Result<Layout> {
    let mapping = || -> Result<CsvMapping> {
        let text = args.csv_columns.as_deref().context(
            "a CSV list needs --csv-columns, e.g. --csv-columns indicator=2,category=4,date=1",
        )?;
        text.parse::<CsvMapping>().map_err(|e| anyhow!("bad --csv-columns: {e}"))
    };

    match args.input_format {
        LabelFormat::List => Ok(Layout::List(ListFormat::Plain)),
        LabelFormat::Hosts => Ok(Layout::List(ListFormat::Hosts)),
        LabelFormat::Csv => Ok(Layout::Csv(mapping()?)),
        LabelFormat::Maltrail => maltrail_file(path, true)?.context(
            "not a maltrail file: a trail file sits in malware/, malicious/ or suspicious/, \
             a helper file is whitelist.txt, cdn_ranges.txt, bogon_ranges.txt or worst_asns.txt",
        ),
        LabelFormat::Auto if is_csv_name(path) => Ok(Layout::Csv(mapping()?)),
        LabelFormat::Auto => match maltrail_file(path, false)? {
            Some(layout) => Ok(layout),
            None => Ok(Layout::List(sniff(path)?)),
        },
    }
}

/// A maltrail trail file (by its folder) or helper file (by its name;
/// when detecting, only beside a `trails` folder).
fn maltrail_file(path: &Path, asked: bool) -> Result<Option<Layout>> {
    let folder = path.parent().and_then(Path::file_name).and_then(|f| f.to_str());
    if let Some((_, severity)) = TRAIL_FOLDERS.iter().find(|(name, _)| Some(*name) == folder) {
        return Ok(Some(Layout::TrailFile(*severity)));
    }

    let name = path.file_name().and_then(|n| n.to_str());
    let helper = MaltrailHelper::ALL.into_iter().find(|h| Some(h.file_name()) == name);
    let beside_trails = path.parent().is_some_and(|p| p.join("trails").is_dir());
    Ok(helper.filter(|_| asked || beside_trails).map(Layout::Helper))
}

/// `.csv` or `.tsv`, compressed or not.
fn is_csv_name(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase());
    let name = name.unwrap_or_default();
    let name = name.trim_end_matches(".gz").trim_end_matches(".xz");
    name.ends_with(".csv") || name.ends_with(".tsv")
}

/// A hosts file when its first entry line is an address and a name;
/// otherwise a plain list.
fn sniff(path: &Path) -> Result<ListFormat> {
    let reader = input::open(path)?.into_reader();
    for line in reader.split(b'\n').take(1000) {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() || text.starts_with(['#', ';']) {
            continue;
        }

        let mut words = text.split_ascii_whitespace();
        let address = words.next().is_some_and(|w| w.parse::<IpAddr>().is_ok());
        let hosts = address && words.next().is_some_and(|w| !w.starts_with('#'));
        return Ok(if hosts { ListFormat::Hosts } else { ListFormat::Plain });
    }
    Ok(ListFormat::Plain)
}

/// Options that make no sense for the layout.
fn check_options(args: &IngestLabelsArgs, layout: &Layout, list: Option<ListKind>) -> Result<()> {
    let maltrail =
        matches!(layout, Layout::Trails { .. } | Layout::TrailFile(_) | Layout::Helper(_));
    if maltrail && list.is_some() {
        bail!("maltrail files say their list kind themselves: drop --list");
    }
    if !matches!(layout, Layout::Csv(_)) && args.csv_columns.is_some() {
        bail!("--csv-columns is for CSV input: pass --input-format csv, or drop it");
    }
    if args.source.trim().is_empty() {
        bail!("--source needs a name, e.g. --source maltrail");
    }
    if args.source.chars().any(char::is_control) {
        bail!("--source {:?} has control characters: give a plain name", args.source);
    }
    if args.source == nshunt_analyze::ANALYST_SOURCE {
        bail!(
            "--source {} is reserved for analysts' verdicts (nshunt verdict): give the list's own name",
            args.source
        );
    }
    Ok(())
}

/// The files a layout reads, in reading order, with the names their
/// labels carry.
fn files_of(path: &Path, layout: &Layout) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);

    match layout {
        Layout::Trails { root, helpers } => {
            for file in MaltrailReader::trail_files(root)? {
                let folder = file.parent().and_then(Path::file_name);
                let name = Path::new(folder.unwrap_or_default())
                    .join(file.file_name().unwrap_or_default());
                let name = name.to_string_lossy().into_owned();
                files.push(InputFile { size: size(&file), path: file, name });
            }
            for (file, helper) in helpers {
                let name = helper.file_name().to_owned();
                files.push(InputFile { size: size(file), path: file.clone(), name });
            }
        }
        Layout::Helper(helper) => {
            let name = helper.file_name().to_owned();
            files.push(InputFile { size: size(path), path: path.to_owned(), name });
        }
        _ => {
            // The file's name, not the path as typed: the same file
            // named `./list.txt` or by its full path is the same load.
            let name = path
                .file_name()
                .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            files.push(InputFile { size: size(path), path: path.to_owned(), name });
        }
    }
    Ok(files)
}

/// The ledger key: what the options make of the files, then each
/// file's name and decoded content, in reading order.
fn content_hash(plan: &Plan, args: &IngestLabelsArgs, list: Option<ListKind>) -> Result<String> {
    let mut hasher = blake3::Hasher::new();
    let list = list.map_or("", ListKind::as_str);
    let columns = args.csv_columns.as_deref().unwrap_or("");
    for part in ["nshunt labels 1", &args.source, list, plan.format, columns] {
        hasher.update(part.as_bytes());
        hasher.update(b"\0");
    }

    for file in &plan.files {
        hasher.update(file.name.as_bytes());
        hasher.update(b"\0");
        hasher.update(hash_content(&file.path)?.as_bytes());
        hasher.update(b"\0");
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// `--date`, else the newest modification time of the files read.
fn observed_at(args: &IngestLabelsArgs, plan: &Plan) -> Result<(i64, &'static str)> {
    if let Some(text) = &args.date {
        return Ok((parse_moment(text)?, "--date"));
    }

    let mut newest = None;
    for file in &plan.files {
        let time = modified_time(&file.path)?;
        newest = Some(newest.map_or(time, |n: i64| n.max(time)));
    }
    let newest = newest.context("nothing to read: pass a list file or a trail folder")?;
    Ok((newest, "modified-time"))
}

/// A stream of labels and bad entries.
type Items = Box<dyn Iterator<Item = Result<Label, LabelError>> + Send>;

/// The reader for a plan.
fn reader(plan: &Plan, source: &str, list: Option<ListKind>) -> Result<Items> {
    let options = ListOptions::new(source, list.unwrap_or(ListKind::Block));
    let path = plan.files.first().map(|f| f.path.clone()).unwrap_or_default();

    let items: Items = match &plan.layout {
        Layout::Trails { root, helpers } => {
            let trails = MaltrailReader::open_trails(root)?.with_source(source);
            let source = source.to_owned();
            let helpers = helpers.clone().into_iter().flat_map(move |(path, helper)| {
                MaltrailReader::open_helper(&path, helper).with_source(&source)
            });
            Box::new(trails.chain(helpers))
        }
        Layout::TrailFile(severity) => {
            Box::new(MaltrailReader::open_file(&path, *severity).with_source(source))
        }
        Layout::Helper(helper) => {
            Box::new(MaltrailReader::open_helper(&path, *helper).with_source(source))
        }
        Layout::List(format) => Box::new(ListReader::open(&path, *format, &options)?),
        Layout::Csv(mapping) => Box::new(CsvReader::open(&path, mapping.clone(), &options)?),
    };
    Ok(items)
}

/// One load in progress.
struct Load<'a> {
    ctx: &'a Context,
    args: &'a IngestLabelsArgs,
    plan: &'a Plan,
    outcome: &'a mut Outcome,
}

impl Load<'_> {
    /// Buffers what the reading thread sends, then commits.
    fn run(mut self, mut writer: LabelWriter<'_>, chunks: Chunks) -> Result<()> {
        self.consume(chunks, &mut writer)?;

        let outcome = &mut *self.outcome;
        let summary = BatchSummary {
            records: outcome.entries,
            skipped: outcome.skipped,
            bytes: self.plan.files.iter().map(|f| f.size).sum(),
            observed_at: None,
        };
        let (batch, stored) = writer.commit(summary)?;
        outcome.batch_id = batch.id;
        outcome.stored = Some(stored);
        tracing::debug!(source = %outcome.source, entries = outcome.entries, stored, "labels committed");
        Ok(())
    }

    /// Adds every label to the writer, reporting and counting bad
    /// entries; an error stops the load (the batch then rolls back).
    fn consume(&mut self, chunks: Chunks, writer: &mut LabelWriter<'_>) -> Result<()> {
        let total = self.plan.files.iter().map(|f| f.size).sum();
        writer.reserve_for_input(total);
        let (mode, quiet) = (self.ctx.global.progress, self.ctx.global.quiet);
        let mut progress = Reporter::new(mode, quiet, &self.outcome.path, total);
        let mut bytes = FileBytes::new(&self.plan.files);
        let mut convert = Converter::default();

        for mut chunk in chunks.full {
            for error in chunk.errors.drain(..) {
                self.bad_entry(&error)?;
            }
            self.store_chunk(&chunk, writer, &mut convert)?;

            if let Some(context) = chunk.contexts.last() {
                progress.update(bytes.done(&context.file), self.outcome.entries);
            }
            chunk.clear();
            // The reader allocates a new one when none is back (or
            // when it has stopped): losing one to a full channel is fine.
            let _ = chunks.emptied.try_send(chunk);
        }
        progress.finish();
        tracing::debug!(entries = self.outcome.entries, "labels read");
        self.note_quiet_warnings();

        if self.outcome.entries == 0 && self.outcome.skipped > 0 {
            bail!(
                "no entry of {} could be read ({} bad): is it a list of this format?",
                self.outcome.path,
                self.outcome.skipped
            );
        }
        Ok(())
    }

    /// Adds a chunk's labels, describing each run of one context and
    /// kind once.
    fn store_chunk(
        &mut self,
        chunk: &Chunk,
        writer: &mut LabelWriter<'_>,
        convert: &mut Converter,
    ) -> Result<()> {
        let mut run: Option<Run> = None;
        for label in &chunk.labels {
            let same = run.filter(|r| (r.context, r.kind) == (label.context, label.kind));
            let current = match same {
                Some(current) => current,
                None => {
                    self.count_run(run);
                    let context = &chunk.contexts[label.context];
                    let description = writer.describe(&convert.label(context, label.kind))?;
                    let list = context.list.as_str();
                    Run { context: label.context, kind: label.kind, description, list, labels: 0 }
                }
            };

            writer.add_described(
                current.description,
                chunk.value(label),
                label.port,
                label.line,
            )?;
            run = Some(Run { labels: current.labels + 1, ..current });
        }
        self.count_run(run);
        self.outcome.entries += chunk.labels.len() as u64;
        Ok(())
    }

    /// Counts a finished run's labels under its list kind.
    fn count_run(&mut self, run: Option<Run>) {
        if let Some(run) = run {
            *self.outcome.lists.entry(run.list).or_default() += run.labels;
        }
    }

    /// A bad entry: unusable input and `--strict` stop the load;
    /// otherwise it is reported and skipped.
    fn bad_entry(&mut self, error: &LabelError) -> Result<()> {
        if error.is_fatal() {
            bail!("{error}\nthe input is unusable; nothing of this load was stored");
        }
        if self.args.strict {
            bail!("{error}\nbad entry under --strict; nothing of this load was stored");
        }

        self.outcome.skipped += 1;
        if !self.ctx.global.quiet && self.outcome.skipped <= MAX_WARNINGS {
            crate::diag!("warning: skipped {error}");
        }
        Ok(())
    }

    fn note_quiet_warnings(&self) {
        let more = self.outcome.skipped.saturating_sub(MAX_WARNINGS);
        if more > 0 && !self.ctx.global.quiet {
            crate::diag!("warning: {more} more bad entries skipped (counted in the summary)");
        }
    }
}

/// Bytes of the files finished so far, for the progress bar: labels
/// name their file, so a change of name means the previous one is done.
struct FileBytes {
    sizes: HashMap<String, u64>,
    current: String,
    done: u64,
}

impl FileBytes {
    fn new(files: &[InputFile]) -> Self {
        let sizes = files.iter().map(|f| (f.name.clone(), f.size)).collect();
        Self { sizes, current: String::new(), done: 0 }
    }

    fn done(&mut self, file: &str) -> u64 {
        if file != self.current {
            self.done += self.sizes.get(&self.current).copied().unwrap_or(0);
            file.clone_into(&mut self.current);
        }
        self.done
    }
}

/// Turns labels into the store's form, keeping the text derived from a
/// shared context (references, date) while the context stays the same.
#[derive(Default)]
struct Converter {
    context: Option<Arc<LabelContext>>,
    references: Option<String>,
    listed_on: Option<String>,
}

impl Converter {
    /// What `context` says of a label of `kind` (its value, port and
    /// line are the caller's to add).
    fn label<'a>(
        &'a mut self,
        context: &'a Arc<LabelContext>,
        kind: IndicatorKind,
    ) -> NewLabel<'a> {
        if !self.context.as_ref().is_some_and(|c| Arc::ptr_eq(c, context)) {
            let references = context.references.join("\n");
            self.references = (!references.is_empty()).then_some(references);
            self.listed_on = context.first_seen.map(|d| d.to_string());
            self.context = Some(Arc::clone(context));
        }

        NewLabel {
            value: "",
            kind: label_kind(kind),
            list: context.list.as_str(),
            category: context.category.as_deref(),
            severity: context.severity.map(Severity::as_str),
            listed_on: self.listed_on.as_deref(),
            port: None,
            references: self.references.as_deref(),
            file: &context.file,
            line: 0,
        }
    }
}

fn label_kind(kind: IndicatorKind) -> LabelKind {
    match kind {
        IndicatorKind::Domain => LabelKind::Domain,
        IndicatorKind::Suffix => LabelKind::Suffix,
        IndicatorKind::Ip => LabelKind::Ip,
        IndicatorKind::Cidr => LabelKind::Cidr,
        IndicatorKind::Url => LabelKind::Url,
        IndicatorKind::Path => LabelKind::Path,
        IndicatorKind::Asn => LabelKind::Asn,
    }
}

fn write(ctx: &Context, outcome: &Outcome) -> Result<()> {
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => write_text(&mut out, outcome)?,
        format => output::write_json(&mut out, &output::to_json(outcome)?, format)?,
    }
    finish(out)
}

fn write_text(out: &mut impl Write, o: &Outcome) -> Result<()> {
    let date = format_moment(o.observed_at);
    if o.status == "duplicate" {
        writeln!(
            out,
            "{}: already ingested as batch {} (source {}, {date}): nothing changed; \
             {} entries, {} skipped then",
            o.path,
            o.batch_id,
            o.source,
            thousands(o.entries),
            thousands(o.skipped)
        )?;
        return Ok(());
    }

    writeln!(
        out,
        "{}: ingested as batch {} (source {}, {} format, {date} from {}): {} entries from {} \
         files, {} labels stored, {} skipped, {:.1}s",
        o.path,
        o.batch_id,
        o.source,
        o.input_format,
        o.date_source,
        thousands(o.entries),
        thousands(o.files),
        thousands(o.stored.unwrap_or(0)),
        thousands(o.skipped),
        o.seconds
    )?;
    for (list, count) in &o.lists {
        writeln!(out, "  {list:<12} {:>12}", thousands(*count))?;
    }
    Ok(())
}
