//! `nshunt ingest zone`: zone files into the store, one batch each.
//!
//! Each file is hashed first: the store's ledger knows every content it
//! has taken, and the same content again is a no-op. The file is then
//! read as one transaction, so an interrupted ingest leaves the store as
//! it was. The batch's zone is the SOA owner, else `--origin`, else the
//! root when the file has root records, else the parent of its first
//! owner; its date is `--date`, else the SOA serial when it is a date,
//! else a date in the file name, else the file's modification time.

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use nshunt_ingest::input;
use nshunt_ingest::zone::{ZoneError, ZoneOptions, ZoneReader};
use nshunt_model::{DomainName, Record, RrType, Section, psl};
use nshunt_store::{BatchMeta, BatchStart, BatchSummary, NewObservation, SqliteStore};
use serde::Serialize;

use super::{Context, finish, origin, section};
use crate::args::IngestZoneArgs;
use crate::output::{self, Format, thousands};
use crate::progress::Reporter;
use crate::time::{date_from_serial, date_in, format_moment, midnight, parse_moment};

/// Records read before the zone and date must be decided.
const PEEK_RECORDS: usize = 1000;

/// What happened to one file (a stable JSON contract).
#[derive(Debug, Serialize)]
struct FileOutcome {
    file: String,
    /// `ingested` or `duplicate` (the store already had this content).
    status: &'static str,
    batch_id: i64,
    zone: Option<String>,
    observed_at: i64,
    records: u64,
    skipped: u64,
    bytes: u64,
    seconds: f64,
}

#[derive(Serialize)]
struct Outcome {
    store: String,
    files: Vec<FileOutcome>,
}

pub fn run(ctx: &Context, args: &IngestZoneArgs) -> Result<()> {
    let mut store = ctx.open_store()?;
    let date = args.date.as_deref().map(parse_moment).transpose()?;
    let options = ZoneOptions {
        origin: origin(&args.input)?,
        allow_include: args.input.allow_include,
        ..ZoneOptions::default()
    };

    let mut files = Vec::new();
    for path in &args.input.files {
        let job = Job { ctx, args, options: options.clone(), date, section: section(&args.input) };
        files.push(job.ingest(&mut store, path)?);
    }

    let outcome = Outcome { store: store.path().display().to_string(), files };
    write(ctx, &outcome)
}

/// One file's ingest and what it needs.
struct Job<'a> {
    ctx: &'a Context,
    args: &'a IngestZoneArgs,
    options: ZoneOptions,
    date: Option<i64>,
    section: Section,
}

impl Job<'_> {
    fn ingest(self, store: &mut SqliteStore, path: &Path) -> Result<FileOutcome> {
        let started = Instant::now();
        let hash = hash_file(path)?;
        let input = input::open(path)?;
        let (size, counter) = (input.size(), input.bytes_read_counter());
        let mut reader =
            ZoneReader::from_reader(path.to_owned(), input.into_reader(), self.options.clone());

        let mut peeked = VecDeque::new();
        while peeked.len() < PEEK_RECORDS && reader.apex().is_none() {
            match reader.next() {
                Some(item) => peeked.push_back(item),
                None => break,
            }
        }
        let zone = self.zone_of(&reader, &peeked);
        let observed_at = self.date_of(path, &peeked)?;

        let meta =
            BatchMeta::zone_file(zone.as_str(), &path.display().to_string(), &hash, observed_at);
        let mut outcome = FileOutcome {
            file: path.display().to_string(),
            status: "duplicate",
            batch_id: 0,
            zone: Some(zone.as_str().to_owned()),
            observed_at,
            records: 0,
            skipped: 0,
            bytes: size,
            seconds: 0.0,
        };

        let mut writer = match store.begin_batch(meta)? {
            BatchStart::Duplicate(batch) => {
                outcome.batch_id = batch.id;
                outcome.records = batch.records;
                outcome.skipped = batch.skipped;
                return Ok(outcome);
            }
            BatchStart::New(writer) => writer,
        };

        let mut progress = Reporter::new(
            self.ctx.global.progress,
            self.ctx.global.quiet,
            &path.display().to_string(),
            size,
        );
        let mut ns_domains: HashMap<String, Option<String>> = HashMap::new();
        let items = peeked.into_iter().chain(&mut reader);

        for item in items {
            let record = match item {
                Ok(record) => record,
                Err(error) => {
                    self.bad_record(error)?;
                    outcome.skipped += 1;
                    continue;
                }
            };

            let observation = Observation::of(&record, &zone, &mut ns_domains, self.section);
            writer.add(&observation.borrow(&record))?;
            outcome.records += 1;
            if outcome.records % 4096 == 0 {
                progress.update(counter.load(Ordering::Relaxed), outcome.records);
            }
        }

        progress.finish();
        let summary =
            BatchSummary { records: outcome.records, skipped: outcome.skipped, bytes: size };
        let batch = writer.commit(summary)?;
        outcome.status = "ingested";
        outcome.batch_id = batch.id;
        outcome.seconds = started.elapsed().as_secs_f64();
        tracing::debug!(file = %path.display(), records = outcome.records, "batch committed");
        Ok(outcome)
    }

    /// A bad record: fatal ones and `--strict` stop the file (the batch
    /// rolls back); others are reported and skipped.
    fn bad_record(&self, error: ZoneError) -> Result<()> {
        if error.is_fatal() {
            return Err(error).context("the input is unusable; nothing of it was stored");
        }
        if self.args.input.strict {
            return Err(error)
                .context("bad record under --strict; nothing of this file was stored");
        }
        if !self.ctx.global.quiet {
            eprintln!("warning: skipped {error}");
        }
        Ok(())
    }

    /// The zone a file describes.
    fn zone_of(
        &self,
        reader: &ZoneReader,
        peeked: &VecDeque<Result<Record, ZoneError>>,
    ) -> DomainName {
        if let Some(apex) = reader.apex() {
            return apex.clone();
        }
        if let Some(origin) = &self.options.origin {
            return origin.clone();
        }

        let owners: Vec<&DomainName> = peeked.iter().flatten().map(|r| &r.owner).collect();
        if owners.iter().any(|o| o.is_root()) {
            return DomainName::root();
        }
        owners.first().and_then(|o| o.parent()).unwrap_or_else(DomainName::root)
    }

    /// The moment a file describes.
    fn date_of(&self, path: &Path, peeked: &VecDeque<Result<Record, ZoneError>>) -> Result<i64> {
        if let Some(date) = self.date {
            return Ok(date);
        }

        let soa = peeked.iter().flatten().find(|r| r.rtype == RrType::SOA);
        let serial = soa.and_then(|r| r.rdata.split_whitespace().nth(2)?.parse::<u32>().ok());
        if let Some(date) = serial.and_then(date_from_serial) {
            return Ok(midnight(date));
        }

        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(date) = date_in(&name) {
            return Ok(midnight(date));
        }

        let modified = std::fs::metadata(path).and_then(|m| m.modified());
        let modified =
            modified.with_context(|| format!("no date for {}: pass --date", path.display()))?;
        let seconds = modified.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Ok(i64::try_from(seconds).unwrap_or(i64::MAX))
    }
}

/// The derived parts of one observation.
struct Observation {
    rdata: Option<String>,
    ns_domain: Option<String>,
    delegation: bool,
}

impl Observation {
    fn of(
        record: &Record,
        zone: &DomainName,
        cache: &mut HashMap<String, Option<String>>,
        section: Section,
    ) -> Self {
        let rdata = name_rdata(record).map(|n| n.as_str().to_owned());
        if record.rtype != RrType::NS {
            return Self { rdata, ns_domain: None, delegation: false };
        }

        let host = rdata.clone().unwrap_or_default();
        let ns_domain =
            cache.entry(host.clone()).or_insert_with(|| ns_domain_of(&host, section)).clone();
        Self { rdata, ns_domain, delegation: &record.owner != zone }
    }

    fn borrow<'a>(&'a self, record: &'a Record) -> NewObservation<'a> {
        NewObservation {
            name: record.owner.as_str(),
            rrtype: record.rtype.0,
            rdata: self.rdata.as_deref().unwrap_or(&record.rdata),
            ttl: record.ttl,
            ns_domain: self.ns_domain.as_deref(),
            delegation: self.delegation,
        }
    }
}

/// Rdata that is one domain name (NS, CNAME, PTR, DNAME) is stored in
/// the canonical name form, so that it joins with owner names.
fn name_rdata(record: &Record) -> Option<DomainName> {
    let single_name = [RrType::NS, RrType::CNAME, RrType::PTR, RrType(39)];
    if !single_name.contains(&record.rtype) {
        return None;
    }
    DomainName::parse(&record.rdata).ok()
}

/// The registered domain of an NS host (the host itself when it is a
/// public suffix or the root).
pub fn ns_domain_of(host: &str, section: Section) -> Option<String> {
    let name = DomainName::parse(host).ok()?;
    let domain = psl::embedded().registered_domain(&name, section).unwrap_or(name);
    Some(domain.as_str().to_owned())
}

/// BLAKE3 of a file's bytes, the batch ledger's key.
fn hash_file(path: &Path) -> Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().to_hex().to_string())
}

fn write(ctx: &Context, outcome: &Outcome) -> Result<()> {
    let mut out = ctx.stdout();
    match ctx.global.format {
        Format::Text => {
            for f in &outcome.files {
                writeln!(
                    out,
                    "{}: {} as batch {} (zone {}, {}): {} records, {} skipped, {:.1}s",
                    f.file,
                    f.status,
                    f.batch_id,
                    f.zone.as_deref().unwrap_or("-"),
                    format_moment(f.observed_at),
                    thousands(f.records),
                    thousands(f.skipped),
                    f.seconds
                )?;
            }
        }
        Format::Json => output::write_json(&mut out, &output::to_json(outcome)?, Format::Json)?,
        Format::Ndjson => {
            let rows: Vec<_> =
                outcome.files.iter().map(output::to_json).collect::<Result<_, _>>()?;
            output::write_ndjson_rows(&mut out, &rows)?;
        }
    }
    if outcome.files.is_empty() {
        bail!("no files given");
    }
    finish(out)
}
