//! `nshunt ingest zone`: zone files into the store, one batch each.
//!
//! Each file is hashed first (its decoded content, so the same zone as
//! plain text and as gzip is one batch): the store's ledger knows every
//! content it has taken, and the same content again is a no-op. The file
//! is then read as one transaction, so an interrupted ingest leaves the
//! store as it was.
//!
//! A zone file is a full snapshot of its zone on a date:
//! - the zone is the SOA owner, else the file's own `$ORIGIN`, else
//!   `--origin`, else the root when the file has root records, else the
//!   parent of its first owner; records outside the zone are bad records;
//! - the date is `--date`, else the SOA serial when it is a plausible
//!   date, else a date in the file name, else the file's modification
//!   time; the outcome says which (`date_source`).
//!
//! Only class IN is stored: records of other classes are skipped and
//! counted. A file in which no record could be read is unusable.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use nshunt_ingest::input;
use nshunt_ingest::zone::{ZoneError, ZoneOptions, ZoneReader};
use nshunt_model::{Class, DomainName, Record, RrType, Section, psl};
use nshunt_store::{BatchMeta, BatchStart, BatchSummary, NewObservation, SqliteStore};
use serde::Serialize;

use super::files::{display_path, hash_content, modified_time};
use super::outcome::ingest_each;
use super::{Context, origin, section};
use crate::args::IngestZoneArgs;
use crate::output::thousands;
use crate::progress::Reporter;
use crate::time::{date_from_serial, date_in, format_moment, midnight, parse_moment};

/// Records read before the zone and date must be decided.
const PEEK_RECORDS: usize = 1000;

/// A date more than this far ahead of the clock is not believed.
const FUTURE_SLACK_SECS: i64 = 2 * 86_400;

/// What happened to one file (a stable JSON contract).
#[derive(Debug, Serialize)]
struct FileOutcome {
    file: String,
    /// `ingested` or `duplicate` (the store already had this content;
    /// zone and date are then the stored batch's).
    status: &'static str,
    batch_id: i64,
    zone: Option<String>,
    observed_at: i64,
    /// `--date`, `soa-serial`, `file-name`, `modified-time` or `stored`.
    date_source: &'static str,
    records: u64,
    skipped: u64,
    bytes: u64,
    seconds: f64,
}

pub fn run(ctx: &Context, args: &IngestZoneArgs) -> Result<()> {
    let mut store = ctx.open_store()?;
    let date = args.date.as_deref().map(parse_moment).transpose()?;
    let options = ZoneOptions {
        origin: origin(&args.input)?,
        allow_include: args.input.allow_include,
        ..ZoneOptions::default()
    };

    let shown = store.path().display().to_string();
    let ingest = |path: &Path| {
        let section = section(&args.input);
        let warned = std::cell::Cell::new(0);
        let job = Job { ctx, args, options: options.clone(), date, section, warned };
        job.ingest(&mut store, path)
    };
    ingest_each(ctx, &shown, &args.input.files, ingest, text_line)
}

/// One file's ingest and what it needs.
struct Job<'a> {
    ctx: &'a Context,
    args: &'a IngestZoneArgs,
    options: ZoneOptions,
    date: Option<i64>,
    section: Section,
    /// Bad records warned about so far in this file.
    warned: std::cell::Cell<u64>,
}

/// Bad records of one file reported one by one; the rest are counted in
/// the summary (a wrong file would otherwise flood the terminal).
const REPORTED_BAD_RECORDS: u64 = 100;

impl Job<'_> {
    fn ingest(self, store: &mut SqliteStore, path: &Path) -> Result<FileOutcome> {
        let started = Instant::now();
        let shown = display_path(path);
        let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {shown}"))?;
        if !metadata.is_file() {
            // A pipe would be read twice (hash, then records) and differ.
            bail!("{shown} is not a regular file: write it to a file first");
        }
        let hash = hash_content(path)?;
        let input = input::open(path)?;
        let (size, counter) = (input.size(), input.bytes_read_counter());
        let mut reader =
            ZoneReader::from_reader(path.to_owned(), input.into_reader(), self.options.clone());

        let mut peeked = VecDeque::new();
        while peeked.len() < PEEK_RECORDS && reader.apex().is_none() {
            match reader.next() {
                Some(item) => peeked.push_back((item, reader.line())),
                None => break,
            }
        }
        let zone = self.zone_of(&reader, &peeked);
        let (observed_at, date_source) = self.date_of(path, &peeked)?;

        let meta = BatchMeta::zone_file(zone.as_str(), &shown, &hash, observed_at);
        let mut outcome = FileOutcome {
            file: shown.clone(),
            status: "ingested",
            batch_id: 0,
            zone: Some(zone.as_str().to_owned()),
            observed_at,
            date_source,
            records: 0,
            skipped: 0,
            bytes: size,
            seconds: 0.0,
        };

        let mut writer = match store.begin_batch(meta)? {
            BatchStart::Duplicate(batch) => {
                outcome.status = "duplicate";
                outcome.batch_id = batch.id;
                outcome.zone = batch.zone;
                outcome.observed_at = batch.observed_at;
                outcome.date_source = "stored";
                outcome.records = batch.records;
                outcome.skipped = batch.skipped;
                return Ok(outcome);
            }
            BatchStart::New(writer) => writer,
        };

        let (mode, quiet) = (self.ctx.global.progress, self.ctx.global.quiet);
        let mut progress = Reporter::new(mode, quiet, &shown, size);
        let mut ns_domains: HashMap<String, Option<String>> = HashMap::new();

        let file = reader.file().to_owned();
        let rest = std::iter::from_fn(|| reader.next().map(|item| (item, reader.line())));
        for (item, line) in peeked.into_iter().chain(rest) {
            let Some(record) = self.usable(item, &zone, (&file, line))? else {
                outcome.skipped += 1;
                continue;
            };

            let observation = Observation::of(&record, &zone, &mut ns_domains, self.section);
            writer.add(&observation.borrow(&record))?;
            outcome.records += 1;
            if outcome.records % 4096 == 0 {
                progress.update(counter.load(Ordering::Relaxed), outcome.records);
            }
        }
        progress.finish();

        if outcome.records == 0 && outcome.skipped > 0 {
            bail!(
                "no record of {shown} could be read ({} bad): is it a zone file?",
                outcome.skipped
            );
        }
        let summary = BatchSummary {
            records: outcome.records,
            skipped: outcome.skipped,
            bytes: size,
            observed_at: None,
        };
        outcome.batch_id = writer.commit(summary)?.id;
        outcome.seconds = started.elapsed().as_secs_f64();
        tracing::debug!(file = %shown, records = outcome.records, "batch committed");
        Ok(outcome)
    }

    /// The record an item holds when it can be stored; `None` (after a
    /// warning) when it is skipped; an error when the file must stop.
    fn usable(
        &self,
        item: Result<Record, ZoneError>,
        zone: &DomainName,
        (file, line): (&Path, u64),
    ) -> Result<Option<Record>> {
        let record = match item {
            Ok(record) => record,
            Err(error) => return self.bad_record(&error.to_string(), error.is_fatal()),
        };

        let at = format!("{}:{line}", file.display());
        if record.class != Class::IN {
            let what =
                format!("{at}: class {} record of {} is not stored", record.class, record.owner);
            return self.bad_record(&what, false);
        }
        if !record.owner.is_subdomain_of(zone) {
            let what = format!("{at}: {} is outside the zone {zone}", record.owner);
            return self.bad_record(&what, false);
        }
        Ok(Some(record))
    }

    /// A bad record: fatal ones and `--strict` stop the file (the batch
    /// rolls back); others are reported and skipped.
    fn bad_record(&self, what: &str, fatal: bool) -> Result<Option<Record>> {
        if fatal {
            bail!("{what}\nthe input is unusable; nothing of it was stored");
        }
        if self.args.input.strict {
            bail!("{what}\nbad record under --strict; nothing of this file was stored");
        }
        let warned = self.warned.get() + 1;
        self.warned.set(warned);
        if !self.ctx.global.quiet && warned <= REPORTED_BAD_RECORDS {
            crate::diag!("warning: skipped {what}");
        }
        if !self.ctx.global.quiet && warned == REPORTED_BAD_RECORDS + 1 {
            crate::diag!("warning: more bad records; only their count is reported from here on");
        }
        Ok(None)
    }

    /// The zone a file describes.
    fn zone_of(&self, reader: &ZoneReader, peeked: &Peeked) -> DomainName {
        if let Some(apex) = reader.apex() {
            return apex.clone();
        }
        let given = self.options.origin.as_ref();
        let own = reader.origin();
        if !own.is_root() && Some(own) != given {
            return own.clone();
        }
        if let Some(origin) = given {
            return origin.clone();
        }

        // The nearest common ancestor of the first record's parent and
        // the other owners read ahead.
        let mut owners = records(peeked).map(|r| &r.owner);
        let Some(first) = owners.next() else { return DomainName::root() };
        let mut zone = first.parent().unwrap_or_else(DomainName::root);
        for owner in owners {
            while !owner.is_subdomain_of(&zone) {
                zone = zone.parent().unwrap_or_else(DomainName::root);
            }
        }
        zone
    }

    /// The moment a file describes, and where it came from.
    fn date_of(&self, path: &Path, peeked: &Peeked) -> Result<(i64, &'static str)> {
        if let Some(date) = self.date {
            return Ok((date, "--date"));
        }
        let believable = |t: i64| t <= chrono::Utc::now().timestamp() + FUTURE_SLACK_SECS;

        let soa = records(peeked).find(|r| r.rtype == RrType::SOA);
        let serial = soa.and_then(|r| r.rdata.split_whitespace().nth(2)?.parse::<u32>().ok());
        if let Some(t) = serial.and_then(date_from_serial).map(midnight).filter(|&t| believable(t))
        {
            return Ok((t, "soa-serial"));
        }

        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(t) = date_in(&name).map(midnight).filter(|&t| believable(t)) {
            return Ok((t, "file-name"));
        }

        Ok((modified_time(path)?, "modified-time"))
    }
}

/// Items read ahead to decide the zone and date, with their lines.
type Peeked = VecDeque<(Result<Record, ZoneError>, u64)>;

/// The good records among the peeked items.
fn records(peeked: &Peeked) -> impl Iterator<Item = &Record> {
    peeked.iter().filter_map(|(item, _)| item.as_ref().ok())
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
            ttl: Some(record.ttl),
            ns_domain: self.ns_domain.as_deref(),
            delegation: self.delegation,
            seen: None,
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

fn text_line(f: &FileOutcome) -> String {
    format!(
        "{}: {} as batch {} (zone {}, {} from {}): {} records, {} skipped, {:.1}s",
        f.file,
        f.status,
        f.batch_id,
        f.zone.as_deref().unwrap_or("-"),
        format_moment(f.observed_at),
        f.date_source,
        thousands(f.records),
        thousands(f.skipped),
        f.seconds
    )
}
