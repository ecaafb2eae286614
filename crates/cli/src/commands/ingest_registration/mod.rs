//! `nshunt ingest whois` and `nshunt ingest rdap`: answer files, or
//! folders of them, into the store.
//!
//! Each file is one batch of the ledger (one answer, one domain), in
//! its own transaction, like every other input: the same file again is
//! a no-op, and a batch is never half stored. The moment an answer
//! describes is `--date`, else the file's modification time.
//!
//! A file that is not a usable answer (empty, not text, truncated JSON,
//! no domain, …) is bad: it is named with the reason on stderr,
//! counted and skipped, and the run exits 0. Under `--strict` every
//! file is read and parsed before anything is written, every bad file
//! is named, and one bad file refuses the whole run (exit 2, the store
//! unchanged). A file that cannot be read at all is exit 2 either way;
//! without `--strict` the other files are still stored.
//!
//! # Limitations
//!
//! - Under `--strict` the files are read twice (checked, then stored): a
//!   file that changes in between can still stop the run half way, with
//!   the files before it stored.
//! - Compressed answers are not decoded.
//! - Parser warnings (a field skipped, such as an unreadable date) do
//!   not make a file bad; they are logged at debug level and kept in
//!   the stored record's `warnings`.

pub(super) mod answer;
mod walk;

use std::io::Write;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use nshunt_model::DomainName;
use nshunt_store::{BatchMeta, BatchStart, BatchSummary, SqliteStore};
use serde::Serialize;

pub use self::answer::Kind;
use self::answer::{Answer, FileError};
use self::walk::InputFile;
use super::files::{display_path, modified_time};
use super::{Context, cli_name, finish};
use crate::args::IngestRegistrationArgs;
use crate::output::{self, Format, thousands};
use crate::progress::Reporter;
use crate::time::{format_moment, parse_moment};

/// What happened to one file (a stable JSON contract).
#[derive(Debug, Serialize)]
struct FileOutcome {
    file: String,
    /// `ingested`, `duplicate` (the store already had this answer for
    /// this domain), `bad` (skipped) or `unreadable`.
    status: &'static str,
    batch_id: Option<i64>,
    domain: Option<String>,
    /// `registered`, `not_registered` or `unknown`.
    registration_status: Option<&'static str>,
    observed_at: Option<i64>,
    /// `--date`, `modified-time` or `stored` (a duplicate's batch).
    date_source: Option<&'static str>,
    bytes: u64,
    /// Why a bad or unreadable file was not stored.
    error: Option<String>,
}

/// The whole run (a stable JSON contract).
#[derive(Debug, Serialize)]
struct Outcome {
    store: String,
    /// `whois` or `rdap`.
    kind: &'static str,
    files: Vec<FileOutcome>,
    ingested: u64,
    duplicates: u64,
    bad: u64,
    unreadable: u64,
    seconds: f64,
}

pub fn run(ctx: &Context, args: &IngestRegistrationArgs, kind: Kind) -> Result<()> {
    let started = Instant::now();
    let date = args.date.as_deref().map(parse_moment).transpose()?;
    let domain = args.domain.as_deref().map(cli_name).transpose()?;
    let files = walk::expand(&args.paths, ctx.global.quiet)?;
    if domain.is_some() && files.len() > 1 {
        bail!(
            "--domain names the domain of one answer, but the paths hold {} files: give one \
             file, or name each file after its domain",
            files.len()
        );
    }

    let job = Job { ctx, kind, date, domain };
    if args.strict {
        job.check_all(&files)?;
    }

    let mut store = ctx.open_store()?;
    let mut outcome = job.ingest_all(&mut store, &files)?;
    outcome.seconds = started.elapsed().as_secs_f64();
    write(ctx, &outcome)?;

    if outcome.unreadable > 0 {
        bail!("{} of {} files could not be read (named above)", outcome.unreadable, files.len());
    }
    Ok(())
}

/// The settings every file shares.
struct Job<'a> {
    ctx: &'a Context,
    kind: Kind,
    date: Option<i64>,
    domain: Option<DomainName>,
}

impl Job<'_> {
    /// `--strict`: reads and parses every file first, names every bad
    /// one, and refuses the run when there is any.
    fn check_all(&self, files: &[InputFile]) -> Result<()> {
        let mut bad = 0;
        for file in files {
            if let Err(error) = answer::read(self.kind, &file.path, self.domain.as_ref()) {
                crate::diag!("error: {error}");
                bad += 1;
            }
        }

        if bad > 0 {
            bail!(
                "{bad} of {} files are bad (named above); nothing was stored (--strict)",
                files.len()
            );
        }
        Ok(())
    }

    /// Stores every usable file, each its own batch.
    fn ingest_all(&self, store: &mut SqliteStore, files: &[InputFile]) -> Result<Outcome> {
        let (mode, quiet) = (self.ctx.global.progress, self.ctx.global.quiet);
        let total = files.iter().map(|f| f.size).sum();
        let mut progress = Reporter::new(mode, quiet, self.kind.store_kind(), total);
        let mut outcome = Outcome {
            store: store.path().display().to_string(),
            kind: self.kind.store_kind(),
            files: Vec::with_capacity(files.len()),
            ingested: 0,
            duplicates: 0,
            bad: 0,
            unreadable: 0,
            seconds: 0.0,
        };

        let mut done = 0;
        for file in files {
            let result = self.ingest(store, file)?;
            count(&mut outcome, &result);
            outcome.files.push(result);

            done += file.size;
            progress.update(done, outcome.files.len() as u64);
        }
        progress.finish();
        Ok(outcome)
    }

    /// One file: stored, found already stored, or reported.
    fn ingest(&self, store: &mut SqliteStore, file: &InputFile) -> Result<FileOutcome> {
        match answer::read(self.kind, &file.path, self.domain.as_ref()) {
            Ok(answer) => self.store(store, file, &answer),
            Err(error) => Ok(self.report(file, &error)),
        }
    }

    /// Writes one answer as its own batch.
    fn store(
        &self,
        store: &mut SqliteStore,
        file: &InputFile,
        answer: &Answer,
    ) -> Result<FileOutcome> {
        let (observed_at, date_source) = match self.date {
            Some(date) => (date, "--date"),
            None => (modified_time(&file.path)?, "modified-time"),
        };
        let shown = display_path(&file.path);
        let kind = self.kind.store_kind();
        let meta = BatchMeta::input(kind, None, &shown, &answer.key, observed_at);
        log_warnings(&shown, answer);

        let mut outcome = FileOutcome {
            file: shown,
            status: "ingested",
            batch_id: None,
            domain: Some(answer.domain.as_str().to_owned()),
            registration_status: Some(answer::status(answer.registration.status).as_str()),
            observed_at: Some(observed_at),
            date_source: Some(date_source),
            bytes: answer.bytes,
            error: None,
        };

        let mut writer = match store.begin_batch(meta)? {
            BatchStart::Duplicate(batch) => {
                outcome.status = "duplicate";
                outcome.batch_id = Some(batch.id);
                outcome.observed_at = Some(batch.observed_at);
                outcome.date_source = Some("stored");
                return Ok(outcome);
            }
            BatchStart::New(writer) => writer,
        };

        let row = answer::to_store(answer).context("cannot write the parsed answer as JSON")?;
        writer.add_registration(&row)?;
        let summary =
            BatchSummary { records: 1, skipped: 0, bytes: answer.bytes, observed_at: None };
        outcome.batch_id = Some(writer.commit(summary)?.id);
        Ok(outcome)
    }

    /// A file that was not stored: a warning for a bad one (unless
    /// `-q`), an error for an unreadable one.
    fn report(&self, file: &InputFile, error: &FileError) -> FileOutcome {
        let status = match error {
            FileError::Bad { .. } => "bad",
            FileError::Unreadable { .. } => "unreadable",
        };
        match error {
            FileError::Bad { .. } if self.ctx.global.quiet => {}
            FileError::Bad { .. } => crate::diag!("warning: skipped {error}"),
            FileError::Unreadable { .. } => crate::diag!("error: {error}"),
        }

        FileOutcome {
            file: display_path(&file.path),
            status,
            batch_id: None,
            domain: None,
            registration_status: None,
            observed_at: None,
            date_source: None,
            bytes: file.size,
            error: Some(error.to_string()),
        }
    }
}

fn count(outcome: &mut Outcome, file: &FileOutcome) {
    let counter = match file.status {
        "ingested" => &mut outcome.ingested,
        "duplicate" => &mut outcome.duplicates,
        "bad" => &mut outcome.bad,
        _ => &mut outcome.unreadable,
    };
    *counter += 1;
}

/// The parser's notes on skipped parts, for `-v`.
fn log_warnings(file: &str, answer: &Answer) {
    for warning in &answer.registration.warnings {
        tracing::debug!(file, location = %warning.location, "{}", warning.message);
    }
}

fn write(ctx: &Context, outcome: &Outcome) -> Result<()> {
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => write_text(&mut out, outcome)?,
        Format::Json => output::write_json(&mut out, &output::to_json(outcome)?, Format::Json)?,
        Format::Ndjson => {
            let rows: Vec<_> =
                outcome.files.iter().map(output::to_json).collect::<Result<_, _>>()?;
            output::write_ndjson_rows(&mut out, &rows)?;
        }
    }
    finish(out)
}

/// One line per stored or already stored file, then the counts.
fn write_text(out: &mut impl Write, outcome: &Outcome) -> Result<()> {
    for f in outcome.files.iter().filter(|f| f.batch_id.is_some()) {
        writeln!(
            out,
            "{}: {} as batch {} ({}, {}, {} from {})",
            f.file,
            f.status,
            f.batch_id.unwrap_or_default(),
            f.domain.as_deref().unwrap_or("-"),
            f.registration_status.unwrap_or("-"),
            f.observed_at.map_or_else(|| "-".to_owned(), format_moment),
            f.date_source.unwrap_or("-"),
        )?;
    }

    writeln!(
        out,
        "{}: {} files: {} ingested, {} already stored, {} bad, {} unreadable, {:.1}s",
        outcome.kind,
        thousands(outcome.files.len() as u64),
        thousands(outcome.ingested),
        thousands(outcome.duplicates),
        thousands(outcome.bad),
        thousands(outcome.unreadable),
        outcome.seconds
    )?;
    Ok(())
}
