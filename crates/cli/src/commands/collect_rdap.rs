//! `nshunt collect --rdap`: registration data over RDAP into the store.
//!
//! The same three threads as DNS collection: the input thread reads
//! names, turns each into its registered domain (once per run) and
//! skips those with a registration observed within `--max-age`; the
//! tokio runtime asks the RDAP servers the bootstrap file names; the
//! writer thread stores one batch (kind `rdap`) per `--chunk` domains.
//!
//! A 200 answer is parsed and stored as what it says; a 404 is "not
//! registered"; every failure (rate-limited, timeout, refused by the
//! loopback guard, malformed answer) is stored as `unknown` with the
//! reason in the record's `warnings`, so it never hides what was known
//! and is asked again next time. A domain whose TLD has no RDAP server
//! in the bootstrap is counted and not stored.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use nshunt_collect::rdap::{RdapClient, RdapConfig, RdapFetch, RdapOutcome};
use nshunt_collect::{Guard, RunEnd};
use nshunt_ingest::registration::{
    Bootstrap, BootstrapKind, Registration, RegistrationStatus, SourceKind, Warning, parse_rdap,
};
use nshunt_model::DomainName;
use nshunt_store::{BatchMeta, BatchStart, BatchSummary, SOURCE_RDAP, SqliteStore};
use serde::Serialize;
use tokio::sync::mpsc;

use super::Context;
use super::collect::{
    COLLECT_CACHE_MIB, Freshness, InputCounts, ProgressLine, now, parse_duration,
    spawn_chunked_writer,
};
use super::ingest_registration::answer::{self, Answer};
use crate::args::CollectArgs;

/// Where the bootstrap comes from without `--rdap-bootstrap`.
const IANA_DNS_BOOTSTRAP: &str = "https://data.iana.org/rdap/dns.json";

/// Domains and reports waiting between the threads.
const CHANNEL: usize = 1024;

/// Failure kinds, in report order.
const FAILURES: [&str; 5] = ["rate_limited", "timeout", "blocked", "error", "no_server"];

/// The summary of a run.
///
/// JSON: `{"domains": 3, "skipped_fresh": 0, "invalid": 0, "stopped":
/// false, "requests": 4, "seconds": 1.2, "batches": [7], "stored": 2,
/// "registrations": {"registered": 1, "not_registered": 1, "unknown":
/// 0}, "failures": {"rate_limited": 0, "timeout": 0, "blocked": 0,
/// "error": 0, "no_server": 1}}`. `domains` counts registered domains
/// asked (or found without a server); `registrations` counts the rows
/// stored by status; `failures` counts the domains behind the `unknown`
/// rows by cause, and those without a server (not stored).
#[derive(Debug, Serialize)]
struct Summary {
    domains: u64,
    skipped_fresh: u64,
    invalid: u64,
    stopped: bool,
    requests: u64,
    seconds: f64,
    batches: Vec<i64>,
    stored: u64,
    registrations: serde_json::Map<String, serde_json::Value>,
    failures: serde_json::Map<String, serde_json::Value>,
}

/// One domain's fetch, as the writer gets it.
struct Report {
    domain: DomainName,
    fetch: RdapFetch,
}

/// What the writer stored.
#[derive(Debug, Default)]
struct Written {
    domains: u64,
    requests: u64,
    batches: Vec<i64>,
    stored: u64,
    statuses: [u64; 3],
    failures: [u64; FAILURES.len()],
}

pub fn run(ctx: &Context, args: &CollectArgs) -> Result<()> {
    if args.from_store {
        bail!("--from-store is not supported with --rdap yet: give domains, --file or --stdin");
    }
    if args.domains.is_empty() && args.file.is_empty() && !args.stdin {
        bail!("no domains: give DOMAIN arguments, --file or --stdin");
    }
    let config = RdapConfig {
        guard: Guard::from_env(),
        timeout: parse_duration(&args.rdap_timeout)?,
        retries: args.retries,
        backoff: parse_duration(&args.backoff)?,
        server_qps: args.rdap_rate,
        max_wait: parse_duration(&args.rdap_max_wait)?,
    };
    let max_age = if args.force { None } else { Some(parse_duration(&args.max_age)?) };
    let client = Arc::new(RdapClient::new(config)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let bootstrap = Arc::new(bootstrap(&runtime, &client, args.rdap_bootstrap.as_deref())?);

    let store = ctx.open_store()?;
    // A run of any length keeps a flat footprint (see limit_cache).
    store.limit_cache(COLLECT_CACHE_MIB)?;
    let store_path = store.path().to_owned();
    let started = Instant::now();
    let done = Arc::new(AtomicU64::new(0));

    let (domain_tx, domain_rx) = mpsc::channel(CHANNEL);
    let (report_tx, report_rx) = mpsc::channel(CHANNEL);
    let freshness = Freshness::Rdap(max_age);
    let input = super::collect::spawn_input(ctx, args, &store_path, freshness, domain_tx)?;
    let writer = spawn_writer(store, report_rx, args.chunk.max(1), done.clone());

    let progress = ProgressLine::start(ctx.global.progress, ctx.global.quiet, done);
    let end = collect(&runtime, client, bootstrap, domain_rx, report_tx, args.concurrency);
    progress.finish();

    let stopped = matches!(end, RunEnd::Stopped);
    let (counts, written) = super::collect::join(input, writer, stopped, |w: &Written| w.domains)?;
    write(ctx, &summary(&counts, &written, end, started))
}

/// `--rdap-bootstrap`, else IANA's file fetched now (which the loopback
/// guard refuses).
fn bootstrap(
    runtime: &tokio::runtime::Runtime,
    client: &RdapClient,
    file: Option<&Path>,
) -> Result<Bootstrap> {
    let (text, shown) = match file {
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the RDAP bootstrap {shown}"))?;
            (text, shown)
        }
        None => {
            let text = runtime.block_on(client.text(IANA_DNS_BOOTSTRAP)).with_context(
                || "cannot fetch IANA's RDAP bootstrap: pass --rdap-bootstrap FILE (dns.json)",
            )?;
            (text, IANA_DNS_BOOTSTRAP.to_owned())
        }
    };

    let bootstrap =
        Bootstrap::parse(&text).with_context(|| format!("bad RDAP bootstrap {shown}"))?;
    if bootstrap.kind != BootstrapKind::Dns {
        bail!(
            "{shown} is not the bootstrap file for domains (dns.json): it lists {:?}",
            bootstrap.kind
        );
    }
    Ok(bootstrap)
}

/// Asks every domain until the input ends or Ctrl-C.
fn collect(
    runtime: &tokio::runtime::Runtime,
    client: Arc<RdapClient>,
    bootstrap: Arc<Bootstrap>,
    domains: mpsc::Receiver<DomainName>,
    reports: mpsc::Sender<Report>,
    concurrency: usize,
) -> RunEnd {
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

    let task = move |domain: DomainName| {
        let (client, bootstrap) = (client.clone(), bootstrap.clone());
        async move {
            let servers = bootstrap.servers_for(domain.as_str());
            let fetch = client.domain(domain.as_str(), &servers).await;
            Report { domain, fetch }
        }
    };
    runtime.block_on(nshunt_collect::run_tasks(domains, reports, concurrency, stop, task))
}

/// Stores reports on its own thread, one batch per chunk.
fn spawn_writer(
    store: SqliteStore,
    rx: mpsc::Receiver<Report>,
    chunk: usize,
    done: Arc<AtomicU64>,
) -> thread::JoinHandle<Result<Written>> {
    let row = |report: Report, written: &mut Written| {
        written.domains += 1;
        written.requests += u64::from(report.fetch.attempts);
        registration(&report, written)
    };
    spawn_chunked_writer(store, rx, chunk, done, row, commit)
}

/// The parsed answer, or an `unknown` one saying why; `None` when the
/// bootstrap has no server (nothing was asked).
fn registration(report: &Report, written: &mut Written) -> Option<Answer> {
    let url = report.fetch.url.clone().unwrap_or_default();
    let unknown = |reason: String| {
        let mut reg = Registration::empty(SourceKind::Rdap);
        reg.warnings.push(Warning { location: url.clone(), message: reason });
        reg
    };

    let mut registration = match &report.fetch.outcome {
        RdapOutcome::Found(body) => parse_rdap(body).unwrap_or_else(|e| {
            written.failures[3] += 1;
            unknown(format!("unusable answer: {e}"))
        }),
        RdapOutcome::NotFound => {
            let mut reg = Registration::empty(SourceKind::Rdap);
            reg.status = RegistrationStatus::NotRegistered;
            reg
        }
        RdapOutcome::Failed(error) => {
            let kind = error.kind();
            let index = FAILURES.iter().position(|k| *k == kind).unwrap_or(3);
            written.failures[index] += 1;
            if kind == "no_server" {
                return None;
            }
            unknown(error.to_string())
        }
    };

    if registration.domain.as_ref().is_some_and(|d| d != &report.domain) {
        let named = registration.domain.take().map(|d| d.to_string()).unwrap_or_default();
        let message = format!("the answer names {named}; stored for the domain asked");
        registration.warnings.push(Warning { location: url, message });
    }
    registration.domain = Some(report.domain.clone());
    let domain = report.domain.clone();
    Some(Answer { domain, registration, key: String::new(), bytes: 0 })
}

/// Writes the buffered answers as one batch.
fn commit(
    store: &mut SqliteStore,
    run_id: &str,
    buffer: &mut Vec<Answer>,
    written: &mut Written,
) -> Result<()> {
    if buffer.is_empty() {
        return Ok(());
    }
    let part = written.batches.len() + 1;
    let label = format!("collect rdap {run_id} part {part}");
    let meta = BatchMeta::input(SOURCE_RDAP, None, &label, &label, now());
    let BatchStart::New(mut writer) = store.begin_batch(meta)? else {
        bail!("the store already holds a batch named {label}");
    };

    for answer in buffer.iter() {
        let row = answer::to_store(answer).context("cannot write the parsed answer as JSON")?;
        let index = match row.status {
            nshunt_store::RegistrationStatus::Registered => 0,
            nshunt_store::RegistrationStatus::NotRegistered => 1,
            nshunt_store::RegistrationStatus::Unknown => 2,
        };
        writer.add_registration(&row)?;
        written.statuses[index] += 1;
    }

    let records = buffer.len() as u64;
    let info = writer.commit(BatchSummary { records, ..BatchSummary::default() })?;
    written.batches.push(info.id);
    written.stored += records;
    buffer.clear();
    Ok(())
}

fn summary(counts: &InputCounts, written: &Written, end: RunEnd, started: Instant) -> Summary {
    let map = |names: &[&str], values: &[u64]| {
        let pairs = names.iter().zip(values);
        pairs.map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v))).collect()
    };
    Summary {
        domains: written.domains,
        skipped_fresh: counts.skipped_fresh,
        invalid: counts.invalid,
        stopped: end == RunEnd::Stopped,
        requests: written.requests,
        seconds: started.elapsed().as_secs_f64(),
        batches: written.batches.clone(),
        stored: written.stored,
        registrations: map(&["registered", "not_registered", "unknown"], &written.statuses),
        failures: map(&FAILURES, &written.failures),
    }
}

fn write(ctx: &Context, summary: &Summary) -> Result<()> {
    super::outcome::write_summary(ctx, summary, write_text)
}

fn write_text(out: &mut dyn Write, s: &Summary) -> Result<()> {
    let stopped = if s.stopped { " (stopped: domains in flight were dropped)" } else { "" };
    writeln!(
        out,
        "collect rdap: {} domains asked{stopped}, {} skipped as fresh, {} invalid; {} requests \
         in {:.1}s; {} registrations in {} batches",
        s.domains,
        s.skipped_fresh,
        s.invalid,
        s.requests,
        s.seconds,
        s.stored,
        s.batches.len()
    )?;
    let line = |map: &serde_json::Map<String, serde_json::Value>| {
        map.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    };
    writeln!(out, "stored: {}", line(&s.registrations))?;
    writeln!(out, "failures: {}", line(&s.failures))?;
    Ok(())
}
