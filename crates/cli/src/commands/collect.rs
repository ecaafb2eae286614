//! `nshunt collect`: active DNS collection into the store.
//!
//! Three threads of work: the input thread reads domain names (and
//! skips those collected within `--max-age`), the tokio runtime
//! collects them concurrently, and the writer thread stores reports.
//!
//! The writer commits one batch per `--chunk` domains (and at the end)
//! rather than one per run: a batch is a write transaction, and one
//! held open for a whole run would lock other writers out for hours,
//! hide everything from readers until the end and lose it all on a
//! crash. Reports are buffered between commits, so the transaction is
//! only open while a chunk is written. Ctrl-C abandons the domains in
//! flight and commits everything finished.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use nshunt_collect::resolv::{self, RESOLV_CONF};
use nshunt_collect::wire::query_name;
use nshunt_collect::{ClientConfig, Collector, DnsClient, DomainReport, Guard, Outcome, RunEnd};
use nshunt_model::{DomainName, Section, psl};
use nshunt_store::{
    BatchMeta, BatchStart, BatchSummary, NewCollectionResult, NewObservation, RegistrationStatus,
    SOURCE_ACTIVE, Sighting, SqliteStore,
};
use serde::Serialize;
use tokio::sync::mpsc;

use super::Context;
use super::ingest_zone::ns_domain_of;
use crate::args::{CollectArgs, Progress};

/// The store's page cache during a collection, MiB: enough for the
/// indexes the writer touches, small enough that a million-domain run
/// stays flat.
pub(super) const COLLECT_CACHE_MIB: u32 = 64;

/// Domains and reports waiting between the threads.
const CHANNEL: usize = 1024;

/// The most time reports wait in the writer before a commit.
const COMMIT_EVERY: Duration = Duration::from_secs(5);

/// The summary of a run.
///
/// JSON: `{"domains": 61, "skipped_fresh": 0, "invalid": 1, "stopped":
/// false, "queries": 640, "seconds": 1.2, "queries_per_second": 533.3,
/// "batches": [4, 5], "observations": 500, "outcomes": {"answer": 480,
/// "nxdomain": 3, …}}`; `outcomes` counts every query by outcome.
#[derive(Debug, Serialize)]
struct Summary {
    domains: u64,
    skipped_fresh: u64,
    invalid: u64,
    stopped: bool,
    queries: u64,
    seconds: f64,
    queries_per_second: f64,
    batches: Vec<i64>,
    observations: u64,
    outcomes: serde_json::Map<String, serde_json::Value>,
}

/// What the input thread read.
#[derive(Debug, Default)]
pub(super) struct InputCounts {
    pub(super) queued: u64,
    pub(super) skipped_fresh: u64,
    pub(super) invalid: u64,
}

/// What the writer stored.
#[derive(Debug, Default)]
struct Written {
    domains: u64,
    batches: Vec<i64>,
    observations: u64,
    outcomes: [u64; Outcome::ALL.len()],
}

pub fn run(ctx: &Context, args: &CollectArgs) -> Result<()> {
    if args.rdap {
        return super::collect_rdap::run(ctx, args);
    }
    let config = client_config(args)?;
    let resolvers = resolvers(args, config.guard)?;
    if args.domains.is_empty() && args.file.is_empty() && !args.stdin && !args.from_store {
        bail!("no domains: give DOMAIN arguments, --file, --stdin or --from-store");
    }
    let max_age = if args.force { None } else { Some(parse_duration(&args.max_age)?) };

    let store = ctx.open_store()?;
    // A run of any length keeps a flat footprint (see limit_cache).
    store.limit_cache(COLLECT_CACHE_MIB)?;
    let store_path = store.path().to_owned();
    let started = Instant::now();
    let done = Arc::new(AtomicU64::new(0));

    let (domain_tx, domain_rx) = mpsc::channel(CHANNEL);
    let (report_tx, report_rx) = mpsc::channel(CHANNEL);
    let input = spawn_input(ctx, args, &store_path, Freshness::Dns(max_age), domain_tx)?;
    let writer = spawn_writer(store, report_rx, args.chunk.max(1), done.clone());

    let collector = Arc::new(Collector::new(DnsClient::new(config), resolvers, args.ipv6));
    let progress = ProgressLine::start(ctx.global.progress, ctx.global.quiet, done.clone());
    let end = collect(collector.clone(), domain_rx, report_tx, args.concurrency);
    progress.finish();

    let stopped = matches!(end, Ok(RunEnd::Stopped));
    let (counts, written) = join(input, writer, stopped, |w: &Written| w.domains)?;
    let end = end?;
    let summary = summary(&counts, &written, end, collector.client().sent(), started);
    write(ctx, &summary)
}

/// Waits for the input and the writer threads, the writer always (so
/// that what was collected is committed even when the input failed);
/// the input's error, if any, comes first. `stored` tells how many
/// domains the writer stored, for the message.
pub(super) fn join<W>(
    input: thread::JoinHandle<Result<InputCounts>>,
    writer: thread::JoinHandle<Result<W>>,
    stopped: bool,
    stored: impl Fn(&W) -> u64,
) -> Result<(InputCounts, W)> {
    let written = writer.join().map_err(|_| anyhow::anyhow!("the writer thread panicked"));

    // After Ctrl-C the input thread may be blocked reading a terminal or
    // a pipe that stays open: it is left behind (the process ends with
    // this function's caller), and its counts are unknown (zero).
    if stopped && !input.is_finished() {
        return written.and_then(|w| w).map(|w| (InputCounts::default(), w));
    }
    let counts = input.join().map_err(|_| anyhow::anyhow!("the input thread panicked"));
    let counts = counts.and_then(|c| c);
    let written = written.and_then(|w| w);
    match (counts, written) {
        (Ok(counts), Ok(written)) => Ok((counts, written)),
        (Err(error), Ok(written)) => {
            let n = stored(&written);
            crate::diag!("note: the {n} domains collected before the input error are stored");
            Err(error)
        }
        (_, Err(error)) => Err(error),
    }
}

/// The client's settings from the flags.
fn client_config(args: &CollectArgs) -> Result<ClientConfig> {
    Ok(ClientConfig {
        guard: Guard::from_env(),
        timeout: parse_duration(&args.timeout)?,
        retries: args.retries,
        backoff: parse_duration(&args.backoff)?,
        global_qps: args.rate,
        server_qps: args.server_rate,
    })
}

/// `--resolver` or the system's, each allowed by the guard.
fn resolvers(args: &CollectArgs, guard: Guard) -> Result<Vec<std::net::SocketAddr>> {
    let resolvers = if args.resolver.is_empty() {
        resolv::system_resolvers(Path::new(RESOLV_CONF))?
    } else {
        let parse = |text: &String| {
            resolv::parse_server(text).with_context(|| {
                format!("bad --resolver {text:?}: give ADDR or ADDR:PORT (an IP address)")
            })
        };
        args.resolver.iter().map(parse).collect::<Result<Vec<_>>>()?
    };

    for resolver in &resolvers {
        guard.check(*resolver)?;
    }
    Ok(resolvers)
}

/// Runs the collection on a tokio runtime until the input ends or
/// Ctrl-C.
fn collect(
    collector: Arc<Collector>,
    domains: mpsc::Receiver<DomainName>,
    reports: mpsc::Sender<DomainReport>,
    concurrency: usize,
) -> Result<RunEnd> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;

    let stopped = Arc::new(AtomicBool::new(false));
    let flag = stopped.clone();
    let stop = async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::Relaxed);
            crate::diag!("interrupted: storing what was collected");
        } else {
            std::future::pending::<()>().await;
        }
    };

    Ok(runtime.block_on(nshunt_collect::run(collector, domains, reports, concurrency, stop)))
}

/// Reads every domain source on its own thread, in order: arguments,
/// files, standard input, the store.
pub(super) fn spawn_input(
    ctx: &Context,
    args: &CollectArgs,
    store_path: &Path,
    freshness: Freshness,
    tx: mpsc::Sender<DomainName>,
) -> Result<thread::JoinHandle<Result<InputCounts>>> {
    let fresh = FreshCheck::new(store_path, freshness)?;
    let mut feed = Feed {
        tx,
        fresh,
        counts: InputCounts::default(),
        quiet: ctx.global.quiet,
        queued: std::collections::HashSet::new(),
        warned: 0,
    };
    let domains = args.domains.clone();
    let files = args.file.clone();
    let (stdin, from_store) = (args.stdin, args.from_store);
    let store_path = store_path.to_owned();

    Ok(thread::spawn(move || {
        for (i, text) in domains.iter().enumerate() {
            if !feed.line("argument", i + 1, text) {
                return Ok(feed.counts);
            }
        }
        for file in &files {
            let reader = std::fs::File::open(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            if !feed.lines(&file.display().to_string(), BufReader::new(reader))? {
                return Ok(feed.counts);
            }
        }
        if stdin && !feed.lines("stdin", std::io::stdin().lock())? {
            return Ok(feed.counts);
        }
        if from_store {
            let store = SqliteStore::open_read_only(&store_path)?;
            store.for_each_uncollected_domain(|name| feed.line("store", 0, name))?;
        }
        Ok(feed.counts)
    }))
}

/// Sends names to the collector.
struct Feed {
    tx: mpsc::Sender<DomainName>,
    fresh: FreshCheck,
    counts: InputCounts,
    quiet: bool,
    /// RDAP: registered domains already queued (bounded), so that many
    /// names under one domain ask once.
    queued: std::collections::HashSet<DomainName>,
    /// Invalid-line warnings shown so far (at most [`WARN_LIMIT`]).
    warned: u64,
}

/// Invalid-line warnings shown in one run; the rest are only counted.
const WARN_LIMIT: u64 = 100;

/// Characters of an invalid line shown in its warning.
const SHOWN_CHARS: usize = 100;

/// Registered domains remembered as queued before the set is emptied.
const QUEUED_LIMIT: usize = 100_000;

impl Feed {
    /// Every line of `reader`; false once the collector is gone. A line
    /// that is not UTF-8 is invalid, not the end of the input.
    fn lines(&mut self, source: &str, mut reader: impl BufRead) -> Result<bool> {
        let mut buf = Vec::new();
        for number in 1.. {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf);
            if n.with_context(|| format!("cannot read {source} at line {number}"))? == 0 {
                break;
            }
            let bytes = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            let alive = match std::str::from_utf8(bytes) {
                Ok(text) => self.line(source, number, text),
                Err(_) => {
                    let text = String::from_utf8_lossy(bytes);
                    self.invalid(source, number, &text, "is not UTF-8");
                    true
                }
            };
            if !alive {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Counts an invalid line and warns about it, the first
    /// [`WARN_LIMIT`] times, with its text escaped and shortened.
    fn invalid(&mut self, source: &str, line: usize, text: &str, why: &str) {
        self.counts.invalid += 1;
        if self.quiet || self.warned > WARN_LIMIT {
            return;
        }
        self.warned += 1;
        if self.warned > WARN_LIMIT {
            crate::diag!(
                "warning: more than {WARN_LIMIT} invalid names; the rest are only counted"
            );
            return;
        }
        let mut shown: String = text.chars().take(SHOWN_CHARS).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        crate::diag!("warning: skipped {source}:{line}: {shown:?} {why}");
    }

    /// One name; false once the collector is gone (stopped).
    fn line(&mut self, source: &str, line: usize, text: &str) -> bool {
        let text = text.split('#').next().unwrap_or("").trim();
        if text.is_empty() {
            return true;
        }

        // The DNS must be able to carry the name too (the model's
        // parser accepts spaces, `@` and the like).
        let name = match DomainName::parse(text) {
            Ok(name) if !name.is_root() && query_name(&name).is_some() => name,
            Ok(_) | Err(_) => {
                self.invalid(source, line, text, "is not a domain name");
                return true;
            }
        };

        let name = match self.fresh.freshness {
            Freshness::Dns(_) => name,
            Freshness::Rdap(_) => {
                let registered = psl::embedded().registered_domain(&name, Section::Icann);
                let name = registered.unwrap_or(name);
                if self.queued.len() >= QUEUED_LIMIT {
                    self.queued.clear();
                }
                if !self.queued.insert(name.clone()) {
                    return true;
                }
                name
            }
        };
        if self.fresh.is_fresh(&name) {
            self.counts.skipped_fresh += 1;
            return true;
        }
        self.counts.queued += 1;
        self.tx.blocking_send(name).is_ok()
    }
}

/// What makes a domain fresh, with `--max-age` (`None`: `--force`).
#[derive(Debug, Clone, Copy)]
pub(super) enum Freshness {
    /// Collected over DNS without failures.
    Dns(Option<Duration>),
    /// A registration (any source) that says something.
    Rdap(Option<Duration>),
}

/// Decides `--max-age` on a read-only connection of its own.
struct FreshCheck {
    store: Option<SqliteStore>,
    freshness: Freshness,
    max_age: i64,
}

impl FreshCheck {
    fn new(path: &Path, freshness: Freshness) -> Result<FreshCheck> {
        let (Freshness::Dns(max_age) | Freshness::Rdap(max_age)) = freshness;
        let Some(max_age) = max_age else {
            return Ok(FreshCheck { store: None, freshness, max_age: 0 });
        };
        let store = SqliteStore::open_read_only(path)?;
        let max_age = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
        Ok(FreshCheck { store: Some(store), freshness, max_age })
    }

    /// Whether `name` was collected (without failures) within max-age.
    /// A store error counts as not fresh: collecting again is harmless.
    fn is_fresh(&self, name: &DomainName) -> bool {
        let Some(store) = &self.store else { return false };
        let last = match self.freshness {
            Freshness::Dns(_) => store.last_clean_collection(name.as_str()),
            Freshness::Rdap(_) => store.registration(name.as_str(), now()).map(|view| {
                let known = view.filter(|v| v.status != RegistrationStatus::Unknown);
                known.filter(|v| !v.after_as_of).map(|v| v.observed_at)
            }),
        };
        match last {
            Ok(Some(at)) => now() - at < self.max_age,
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(%error, domain = %name, "freshness unknown");
                false
            }
        }
    }
}

/// Stores reports on its own thread, one batch per chunk.
fn spawn_writer(
    store: SqliteStore,
    rx: mpsc::Receiver<DomainReport>,
    chunk: usize,
    done: Arc<AtomicU64>,
) -> thread::JoinHandle<Result<Written>> {
    spawn_chunked_writer(store, rx, chunk, done, |report, _| Some(report), commit)
}

/// A thread that takes reports from `rx`, turns each into a row to
/// buffer (`row`; `None` buffers nothing) and hands the buffer to
/// `commit` as one batch every `chunk` rows or [`COMMIT_EVERY`], so a
/// stopped run keeps what was done and a batch never holds the write
/// lock for long. `done` counts the reports taken, for progress.
pub(super) fn spawn_chunked_writer<R, B, W>(
    mut store: SqliteStore,
    mut rx: mpsc::Receiver<R>,
    chunk: usize,
    done: Arc<AtomicU64>,
    mut row: impl FnMut(R, &mut W) -> Option<B> + Send + 'static,
    mut commit: impl FnMut(&mut SqliteStore, &str, &mut Vec<B>, &mut W) -> Result<()> + Send + 'static,
) -> thread::JoinHandle<Result<W>>
where
    R: Send + 'static,
    B: Send + 'static,
    W: Default + Send + 'static,
{
    thread::spawn(move || {
        let mut written = W::default();
        let run_id = format!("{}-{}", now_nanos(), std::process::id());
        let mut buffer = Vec::new();
        let mut last_commit = Instant::now();

        while let Some(report) = rx.blocking_recv() {
            done.fetch_add(1, Ordering::Relaxed);
            buffer.extend(row(report, &mut written));
            if buffer.len() >= chunk || last_commit.elapsed() >= COMMIT_EVERY {
                commit(&mut store, &run_id, &mut buffer, &mut written)?;
                last_commit = Instant::now();
            }
        }
        commit(&mut store, &run_id, &mut buffer, &mut written)?;
        Ok(written)
    })
}

/// Writes the buffered reports as one batch.
fn commit(
    store: &mut SqliteStore,
    run_id: &str,
    buffer: &mut Vec<DomainReport>,
    written: &mut Written,
) -> Result<()> {
    if buffer.is_empty() {
        return Ok(());
    }
    let part = written.batches.len() + 1;
    let label = format!("collect {run_id} part {part}");
    let observed_at = buffer.iter().flat_map(|r| r.results.iter().map(|q| q.at)).max();
    let meta = BatchMeta::input(SOURCE_ACTIVE, None, &label, &label, observed_at.unwrap_or(now()));

    let BatchStart::New(mut writer) = store.begin_batch(meta)? else {
        bail!("the store already holds a batch named {label}");
    };
    let mut observations = 0;
    for report in buffer.iter() {
        observations += add_report(&mut writer, report, written)?;
    }

    let summary = BatchSummary { records: observations, observed_at, ..BatchSummary::default() };
    let info = writer.commit(summary)?;
    written.batches.push(info.id);
    written.observations += observations;
    written.domains += buffer.len() as u64;
    buffer.clear();
    Ok(())
}

/// Adds one report's outcomes and records; returns the records added.
fn add_report(
    writer: &mut nshunt_store::BatchWriter<'_>,
    report: &DomainReport,
    written: &mut Written,
) -> Result<u64> {
    let domain = report.domain.as_str();
    for q in &report.results {
        let server = q.server.to_string();
        let outcome = q.outcome.as_str();
        let (name, qtype, attempts, observed_at) = (q.name.as_str(), q.qtype, q.attempts, q.at);
        writer.add_result(&NewCollectionResult {
            domain,
            name,
            qtype,
            server: &server,
            outcome,
            attempts,
            observed_at,
        })?;
        let index = Outcome::ALL.iter().position(|o| *o == q.outcome).unwrap_or(0);
        written.outcomes[index] += 1;
    }

    for r in &report.records {
        let ns_domain = (r.rtype == 2).then(|| ns_domain_of(&r.rdata, Section::Icann)).flatten();
        writer.add(&NewObservation {
            name: &r.name,
            rrtype: r.rtype,
            rdata: &r.rdata,
            ttl: Some(r.ttl),
            ns_domain: ns_domain.as_deref(),
            delegation: r.delegation,
            seen: Some(Sighting { first: r.at, last: r.at, count: 1 }),
        })?;
    }
    Ok(report.records.len() as u64)
}

fn summary(
    counts: &InputCounts,
    written: &Written,
    end: RunEnd,
    queries: u64,
    started: Instant,
) -> Summary {
    let seconds = started.elapsed().as_secs_f64();
    let outcomes = Outcome::ALL
        .iter()
        .zip(written.outcomes)
        .map(|(o, n)| (o.as_str().to_owned(), serde_json::Value::from(n)))
        .collect();
    Summary {
        domains: written.domains,
        skipped_fresh: counts.skipped_fresh,
        invalid: counts.invalid,
        stopped: end == RunEnd::Stopped,
        queries,
        seconds,
        queries_per_second: if seconds > 0.0 { queries as f64 / seconds } else { 0.0 },
        batches: written.batches.clone(),
        observations: written.observations,
        outcomes,
    }
}

fn write(ctx: &Context, summary: &Summary) -> Result<()> {
    super::outcome::write_summary(ctx, summary, write_text)
}

fn write_text(out: &mut dyn Write, s: &Summary) -> Result<()> {
    let stopped = if s.stopped { " (stopped: domains in flight were dropped)" } else { "" };
    writeln!(
        out,
        "collect: {} domains collected{stopped}, {} skipped as fresh, {} invalid; \
         {} queries in {:.1}s ({:.0}/s); {} observations in {} batches",
        s.domains,
        s.skipped_fresh,
        s.invalid,
        s.queries,
        s.seconds,
        s.queries_per_second,
        s.observations,
        s.batches.len()
    )?;
    let outcomes: Vec<String> = s.outcomes.iter().map(|(k, v)| format!("{k} {v}")).collect();
    writeln!(out, "outcomes: {}", outcomes.join(", "))?;
    Ok(())
}

/// Domains done, on stderr: a spinner line on a terminal, plain lines
/// every half second with `--progress plain`.
pub(super) struct ProgressLine {
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl ProgressLine {
    pub(super) fn start(mode: Progress, quiet: bool, done: Arc<AtomicU64>) -> ProgressLine {
        let stop = Arc::new(AtomicBool::new(false));
        let show = match mode {
            Progress::Auto => std::io::stderr().is_terminal() && !quiet,
            Progress::Plain => true,
            Progress::None => false,
        };
        if !show {
            return ProgressLine { stop, thread: None };
        }

        let bar = (mode == Progress::Auto).then(indicatif::ProgressBar::new_spinner);
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let n = done.load(Ordering::Relaxed);
                match &bar {
                    Some(bar) => bar.set_message(format!("collect: {n} domains done")),
                    None => crate::diag!("progress: collect domains={n}"),
                }
                thread::sleep(Duration::from_millis(500));
            }
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
        });
        ProgressLine { stop, thread: Some(thread) }
    }

    pub(super) fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Parses `500ms`, `2s`, `5m`, `12h`, `7d` or plain seconds.
pub(super) fn parse_duration(text: &str) -> Result<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().with_context(|| format!("bad duration {text:?}: use e.g. 2s"))?;
    let millis = match unit {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => bail!("bad duration unit in {text:?}: use ms, s, m, h or d"),
    };
    Ok(Duration::from_millis(n.saturating_mul(millis)))
}

pub(super) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub(super) fn now_nanos() -> i64 {
    chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("7d").unwrap(), Duration::from_secs(7 * 86_400));
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert!(parse_duration("2 weeks").is_err());
        assert!(parse_duration("").is_err());
    }
}
