//! `nshunt ingest asn`: IP-to-ASN tables into the store, one table
//! (batch) per file.
//!
//! The file is read whole into memory and flattened first (nested and
//! overlapping rows resolved, most specific wins), then written as
//! non-overlapping segments in one transaction: a look-up in the store
//! is then one index probe. A table is named by its source (the file
//! name without extensions unless `--source`); the newest table of a
//! source replaces the older ones for look-ups as of later moments.

use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use nshunt_ingest::asn::{AsnError, AsnFormat, AsnTable};
use nshunt_ingest::input;
use nshunt_store::{BatchMeta, BatchStart, BatchSummary, NewAsnSegment, SOURCE_ASN, SqliteStore};
use serde::Serialize;

use super::Context;
use super::files::{display_path, hash_content, modified_time};
use super::outcome::ingest_each;
use crate::args::IngestAsnArgs;
use crate::output::thousands;
use crate::time::{format_moment, parse_moment};

/// Bad rows reported one by one before the rest are only counted.
const REPORTED_ERRORS: u64 = 20;

/// What happened to one file (a stable JSON contract).
#[derive(Debug, Serialize)]
struct FileOutcome {
    file: String,
    /// `ingested` or `duplicate`.
    status: &'static str,
    batch_id: i64,
    source: Option<String>,
    format: &'static str,
    observed_at: i64,
    /// Rows read.
    rows: u64,
    /// Bad rows, reported and skipped.
    skipped: u64,
    /// Rows inside a wider row (normal for pfx2as).
    nested: u64,
    /// Rows that overlap others without nesting (wrong rows).
    overlapping: u64,
    /// Rows without an AS ("not routed", AS0).
    not_routed: u64,
    /// Segments stored after flattening.
    segments: u64,
    seconds: f64,
}

pub fn run(ctx: &Context, args: &IngestAsnArgs) -> Result<()> {
    let mut store = ctx.open_store()?;
    let date = args.date.as_deref().map(parse_moment).transpose()?;
    let shown = store.path().display().to_string();
    let ingest = |path: &Path| ingest_file(ctx, args, date, &mut store, path);
    ingest_each(ctx, &shown, &args.files, ingest, text_line)
}

fn ingest_file(
    ctx: &Context,
    args: &IngestAsnArgs,
    date: Option<i64>,
    store: &mut SqliteStore,
    path: &Path,
) -> Result<FileOutcome> {
    let started = Instant::now();
    let shown = display_path(path);
    let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {shown}"))?;
    if !metadata.is_file() {
        bail!("{shown} is not a regular file");
    }
    let format = format_of(args, path)?;
    let source = args.source.clone().unwrap_or_else(|| source_name(path));
    let observed_at = match date {
        Some(date) => date,
        None => modified_time(path)?,
    };
    let hash = hash_content(path)?;

    let meta = BatchMeta::input(SOURCE_ASN, Some(&source), &shown, &hash, observed_at);
    let mut outcome = FileOutcome {
        file: shown.clone(),
        status: "ingested",
        batch_id: 0,
        source: Some(source),
        format: format_name(format),
        observed_at,
        rows: 0,
        skipped: 0,
        nested: 0,
        overlapping: 0,
        not_routed: 0,
        segments: 0,
        seconds: 0.0,
    };
    if let Some(batch) = store.find_batch(&hash)? {
        outcome.status = "duplicate";
        outcome.batch_id = batch.id;
        outcome.source = batch.source;
        outcome.observed_at = batch.observed_at;
        outcome.rows = batch.records;
        outcome.skipped = batch.skipped;
        return Ok(outcome);
    }

    let table = read_table(ctx, args, path, format, &mut outcome)?;
    let BatchStart::New(mut writer) = store.begin_batch(meta)? else {
        bail!("{shown} was ingested by another process meanwhile");
    };
    for segment in table.segments() {
        let row_range = segment.row.to_string();
        writer.add_asn_segment(&NewAsnSegment {
            start: segment.range.start(),
            end: segment.range.end(),
            asn: segment.asn.get(),
            holder: segment.org,
            row_range: &row_range,
        })?;
        outcome.segments += 1;
    }

    let summary = BatchSummary {
        records: outcome.rows,
        skipped: outcome.skipped,
        bytes: metadata.len(),
        observed_at: None,
    };
    outcome.batch_id = writer.commit(summary)?.id;
    outcome.seconds = started.elapsed().as_secs_f64();
    Ok(outcome)
}

/// Reads and flattens the table, reporting bad rows; `--strict` stops
/// at the first (before anything is written).
fn read_table(
    ctx: &Context,
    args: &IngestAsnArgs,
    path: &Path,
    format: AsnFormat,
    outcome: &mut FileOutcome,
) -> Result<AsnTable> {
    let mut first_error: Option<AsnError> = None;
    let mut errors = 0u64;
    let loaded = AsnTable::load(path, format, |error| {
        errors += 1;
        if !ctx.global.quiet && !args.strict && errors <= REPORTED_ERRORS {
            crate::diag!("warning: skipped {error}");
        }
        first_error.get_or_insert(error);
    });
    let (table, summary) = loaded
        .map_err(|e| anyhow::anyhow!("{e}\nthe input is unusable; nothing of it was stored"))?;

    if let (true, Some(error)) = (args.strict, &first_error) {
        bail!("{error}\nbad row under --strict; nothing of this file was stored");
    }
    if errors > REPORTED_ERRORS && !ctx.global.quiet {
        crate::diag!("warning: {} more bad rows skipped", errors - REPORTED_ERRORS);
    }
    if summary.records == 0 && errors == 0 {
        bail!(
            "{} has no rows: an empty table would replace the source's older one; \
             nothing was stored",
            path.display()
        );
    }
    if summary.records == 0 && errors > 0 {
        bail!(
            "no row of {} could be read ({errors} bad): is it {}?",
            path.display(),
            format_name(format)
        );
    }

    let stats = table.stats();
    outcome.rows = summary.records;
    outcome.skipped = summary.errors;
    outcome.nested = stats.nested;
    outcome.overlapping = stats.overlapping;
    outcome.not_routed = stats.not_routed;
    Ok(table)
}

/// `--input-format`, else `.mmdb` by name, else what the first data
/// line looks like: `prefix length asn` is pfx2as, five tab-separated
/// fields are iptoasn, anything else a range table.
fn format_of(args: &IngestAsnArgs, path: &Path) -> Result<AsnFormat> {
    if let Some(name) = &args.input_format {
        return name.parse().map_err(anyhow::Error::msg);
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("mmdb")) {
        return Ok(AsnFormat::Mmdb);
    }

    let line = first_data_line(path)?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let pfx2as = fields.len() == 3 && fields[1].parse::<u8>().is_ok() && !line.contains(',');
    let iptoasn = line.split('\t').count() == 5 && !line.contains(',');
    Ok(match (pfx2as, iptoasn) {
        (true, _) => AsnFormat::Pfx2as,
        (_, true) => AsnFormat::Iptoasn,
        _ => AsnFormat::RangeCsv,
    })
}

fn first_data_line(path: &Path) -> Result<String> {
    let mut input = input::open(path)?;
    let mut line = String::new();
    loop {
        line.clear();
        let read = input.read_line(&mut line);
        if read.with_context(|| format!("cannot read {} as text", path.display()))? == 0 {
            return Ok(String::new());
        }
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            return Ok(trimmed.to_owned());
        }
    }
}

fn format_name(format: AsnFormat) -> &'static str {
    match format {
        AsnFormat::RangeCsv => "range-csv",
        AsnFormat::Iptoasn => "iptoasn",
        AsnFormat::Pfx2as => "pfx2as",
        _ => "mmdb",
    }
}

/// The file name without its extensions: `asn-ipv4.csv.gz` → `asn-ipv4`.
fn source_name(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    if stem.is_empty() { name } else { stem.to_owned() }
}

fn text_line(f: &FileOutcome) -> String {
    format!(
        "{}: {} as batch {} (table {}, {}, {}): {} rows, {} skipped, {} segments, {:.1}s",
        f.file,
        f.status,
        f.batch_id,
        f.source.as_deref().unwrap_or("-"),
        f.format,
        format_moment(f.observed_at),
        thousands(f.rows),
        thousands(f.skipped),
        thousands(f.segments),
        f.seconds
    )
}
