//! `nshunt ingest pdns`: passive DNS into the store, one batch per
//! file.
//!
//! Every answer becomes an observation of source `pdns` with its own
//! first and last sighting and count, merged with what the store
//! already has (the TTL is part of the key, so a TTL change is
//! history). The batch's moment is its newest sighting, so `--as-of`
//! defaults to the end of the traffic, not to the day it was loaded.
//! The answers' TTLs are child-side TTLs: they fill `ns_avg_ttl`.

use std::io::BufRead;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use nshunt_ingest::input;
use nshunt_ingest::pdns::{PdnsError, PdnsFormat, PdnsObservation, PdnsReader};
use nshunt_model::{RrType, Section, psl};
use nshunt_store::{
    BatchMeta, BatchStart, BatchSummary, NewObservation, SOURCE_PDNS, Sighting, SqliteStore,
};
use serde::Serialize;

use super::Context;
use super::files::{display_path, hash_content, modified_time};
use super::ingest_zone::ns_domain_of;
use super::outcome::ingest_each;
use crate::args::IngestPdnsArgs;
use crate::output::thousands;
use crate::progress::Reporter;
use crate::time::format_moment;

/// Bad records of one file reported one by one; the rest are counted.
const REPORTED_BAD_RECORDS: u64 = 100;

/// What happened to one file (a stable JSON contract).
#[derive(Debug, Serialize)]
struct FileOutcome {
    file: String,
    /// `ingested`, `duplicate`, or `empty` (no answer in it: nothing
    /// recorded, `batch_id` 0).
    status: &'static str,
    batch_id: i64,
    format: &'static str,
    /// The newest sighting (the batch's moment).
    observed_at: i64,
    /// Records examined (COF objects, Zeek rows, EVE events).
    records: u64,
    /// Answers stored; repeats of one record merge into one observation.
    answers: u64,
    /// Bad records and answers, reported with file and line and skipped.
    skipped: u64,
    /// Answers the format cannot carry faithfully (Zeek's shortened
    /// DNSSEC and SRV answers, an empty answer in a list), counted and
    /// left out without a warning.
    unrepresentable: u64,
    /// Records with nothing to observe (failed queries, other events).
    not_answers: u64,
    bytes: u64,
    seconds: f64,
}

pub fn run(ctx: &Context, args: &IngestPdnsArgs) -> Result<()> {
    let mut store = ctx.open_store()?;
    let shown = store.path().display().to_string();
    let ingest = |path: &Path| ingest_file(ctx, args, &mut store, path);
    ingest_each(ctx, &shown, &args.files, ingest, text_line)
}

fn ingest_file(
    ctx: &Context,
    args: &IngestPdnsArgs,
    store: &mut SqliteStore,
    path: &Path,
) -> Result<FileOutcome> {
    let started = Instant::now();
    let shown = display_path(path);
    let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {shown}"))?;
    if !metadata.is_file() {
        bail!("{shown} is not a regular file: write it to a file first");
    }
    let format = format_of(args, path)?;
    let hash = hash_content(path)?;

    let meta =
        BatchMeta::input(SOURCE_PDNS, args.source.as_deref(), &shown, &hash, modified_time(path)?);
    let mut outcome = FileOutcome {
        file: shown.clone(),
        status: "ingested",
        batch_id: 0,
        format: format.name(),
        observed_at: meta.observed_at,
        records: 0,
        answers: 0,
        skipped: 0,
        unrepresentable: 0,
        not_answers: 0,
        bytes: metadata.len(),
        seconds: 0.0,
    };

    let mut writer = match store.begin_batch(meta)? {
        BatchStart::Duplicate(batch) => {
            outcome.status = "duplicate";
            outcome.batch_id = batch.id;
            outcome.observed_at = batch.observed_at;
            outcome.answers = batch.records;
            outcome.skipped = batch.skipped;
            return Ok(outcome);
        }
        BatchStart::New(writer) => writer,
    };

    let input = input::open(path)?;
    let counter = input.bytes_read_counter();
    let mut reader = PdnsReader::from_reader(path.to_owned(), input.into_reader(), format);
    let mut progress = Reporter::new(ctx.global.progress, ctx.global.quiet, &shown, outcome.bytes);
    let mut newest: Option<i64> = None;
    let mut warned = 0u64;
    let mut rows = Rows::default();

    for item in reader.by_ref() {
        let observation = match item {
            Ok(observation) => observation,
            Err(error) => {
                bad_record(ctx, args, &error, &mut warned)?;
                continue;
            }
        };

        writer.add(&rows.observation(&observation))?;
        newest = newest.max(Some(observation.time_last));
        outcome.answers += 1;
        if outcome.answers % 4096 == 0 {
            progress.update(counter.load(Ordering::Relaxed), outcome.answers);
        }
    }
    progress.finish();

    let stats = reader.stats();
    outcome.records = stats.records;
    outcome.skipped = stats.errors;
    outcome.unrepresentable = stats.skipped_answers;
    outcome.not_answers = stats.skipped_records;
    if outcome.answers == 0 && stats.errors > 0 {
        bail!(
            "no answer of {shown} could be read ({} bad): is it {}?",
            stats.errors,
            format.name()
        );
    }
    if outcome.answers == 0 {
        // An empty batch would still carry a moment, and move every
        // view's default `--as-of` to it: store nothing.
        drop(writer);
        if !ctx.global.quiet {
            crate::diag!("warning: {shown} holds no answer to store; nothing was recorded");
        }
        outcome.status = "empty";
        return Ok(outcome);
    }

    let summary = BatchSummary {
        records: outcome.answers,
        skipped: outcome.skipped + outcome.unrepresentable,
        bytes: outcome.bytes,
        observed_at: newest,
    };
    let batch = writer.commit(summary)?;
    outcome.batch_id = batch.id;
    outcome.observed_at = batch.observed_at;
    outcome.seconds = started.elapsed().as_secs_f64();
    tracing::debug!(file = %shown, answers = outcome.answers, "batch committed");
    Ok(outcome)
}

/// `--input-format`, or the format the first line shows.
fn format_of(args: &IngestPdnsArgs, path: &Path) -> Result<PdnsFormat> {
    if let Some(name) = &args.input_format {
        return name.parse().map_err(anyhow::Error::msg);
    }

    let mut input = input::open(path)?;
    let mut first = Vec::new();
    while first.iter().all(u8::is_ascii_whitespace) {
        first.clear();
        let read = input.read_until(b'\n', &mut first);
        if read.with_context(|| format!("cannot read {}", path.display()))? == 0 {
            break;
        }
    }
    PdnsFormat::detect(&first).with_context(|| {
        format!(
            "{}: cannot tell the passive-DNS format from the first line; \
             pass --input-format cof|zeek|zeek-json|eve",
            path.display()
        )
    })
}

/// A bad record: fatal ones and `--strict` stop the file (the batch
/// rolls back); others are reported and skipped.
fn bad_record(
    ctx: &Context,
    args: &IngestPdnsArgs,
    error: &PdnsError,
    warned: &mut u64,
) -> Result<()> {
    if error.is_fatal() {
        bail!("{error}\nthe input is unusable; nothing of it was stored");
    }
    if args.strict {
        bail!("{error}\nbad record under --strict; nothing of this file was stored");
    }

    *warned += 1;
    if !ctx.global.quiet && *warned <= REPORTED_BAD_RECORDS {
        crate::diag!("warning: skipped {error}");
    }
    if !ctx.global.quiet && *warned == REPORTED_BAD_RECORDS + 1 {
        crate::diag!("warning: more bad records; only their count is reported from here on");
    }
    Ok(())
}

/// Turns passive-DNS observations into store rows, caching the
/// name-server domain of each NS target.
#[derive(Default)]
struct Rows {
    ns_domains: std::collections::HashMap<String, Option<String>>,
    ns_domain: Option<String>,
}

impl Rows {
    fn observation<'a>(&'a mut self, o: &'a PdnsObservation) -> NewObservation<'a> {
        let is_ns = o.rrtype == RrType::NS;
        self.ns_domain = None;
        if is_ns {
            let cached = self.ns_domains.entry(o.rdata.clone());
            self.ns_domain =
                cached.or_insert_with(|| ns_domain_of(&o.rdata, Section::Icann)).clone();
        }

        NewObservation {
            name: o.rrname.as_str(),
            rrtype: o.rrtype.0,
            rdata: &o.rdata,
            ttl: o.ttl,
            ns_domain: self.ns_domain.as_deref(),
            // An NS set seen for a name below a public suffix delegates it.
            delegation: is_ns
                && psl::embedded().registered_domain(&o.rrname, Section::Icann).is_some(),
            seen: Some(Sighting { first: o.time_first, last: o.time_last, count: o.count.max(1) }),
        }
    }
}

fn text_line(f: &FileOutcome) -> String {
    format!(
        "{}: {} as batch {} ({}, newest sighting {}): {} answers, {} bad records skipped, \
         {} answers not representable, {} records without answer, {:.1}s",
        f.file,
        f.status,
        f.batch_id,
        f.format,
        format_moment(f.observed_at),
        thousands(f.answers),
        thousands(f.skipped),
        thousands(f.unrepresentable),
        thousands(f.not_answers),
        f.seconds
    )
}
