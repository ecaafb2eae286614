//! Passive DNS in the common output format (COF), one JSON object a line.
//!
//! The format is draft-dulaunoy-dnsop-passive-dns-cof: each line is an
//! object with `rrname`, `rrtype`, `rdata`, `time_first`, `time_last`
//! and optionally `count`, `bailiwick`, `sensor_id`, `zone_time_first`,
//! `zone_time_last`, `origin`, `time_first_ms` and `time_last_ms`.
//!
//! # Limitations
//!
//! - Fields the draft does not name (other than `ttl`) are ignored, as is
//!   `raw_rdata`; `rdata` must be given.
//! - Millisecond times only stand in for missing second times; they are
//!   not kept.
//! - TXT data not starting with `"` is one character string, however
//!   many blanks it holds (`v=spf1 -all` is one string, not two).

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::{PdnsError, PdnsErrorKind};
use super::json::{self, Object};
use super::lines::Lines;
use super::output::{LineReader, Output, next_item};
use super::rdata::{normalise, parse_name};
use super::{PdnsObservation, ReadStats};

/// A streaming reader of COF JSON lines.
///
/// Each line gives one observation per element of its `rdata` (a string
/// or an array of strings). Reading rules beyond the draft:
///
/// - `rrtype` may be a mnemonic, `TYPEnnn`, or a number (JSON or text);
/// - a missing `time_first` is taken from `time_first_ms` (rounded down
///   to the second), then from `zone_time_first`; likewise `time_last`;
/// - a missing `count` is 1;
/// - `ttl` (not in the draft; [`write_cof`] writes it) is read when
///   present;
/// - `sensor_id` may be a string or a number.
pub struct CofReader {
    lines: Lines,
    output: Output,
}

impl CofReader {
    /// Opens a COF file, plain or compressed.
    pub fn open(path: &Path) -> Result<Self, PdnsError> {
        Ok(Self { lines: Lines::open(path)?, output: Output::default() })
    }

    /// Reads COF from `reader`, naming `path` in errors.
    pub fn from_reader(path: PathBuf, reader: Box<dyn BufRead + Send>) -> Self {
        Self { lines: Lines::new(path, reader), output: Output::default() }
    }

    /// What has been read so far.
    pub fn stats(&self) -> ReadStats {
        self.output.stats
    }
}

impl Iterator for CofReader {
    type Item = Result<PdnsObservation, PdnsError>;

    fn next(&mut self) -> Option<Self::Item> {
        next_item(self)
    }
}

impl LineReader for CofReader {
    fn parts(&mut self) -> (&mut Lines, &mut Output) {
        (&mut self.lines, &mut self.output)
    }

    fn read_line(&mut self) {
        let line = self.lines.bytes();
        if json::is_blank(line) {
            return;
        }

        self.output.stats.records += 1;
        let parsed = json::parse_object(line).and_then(|object| read_object(&object));
        match parsed {
            Ok(items) => {
                for item in items {
                    match item {
                        Ok(observation) => self.output.observation(observation),
                        Err(kind) => self.output.fail(&self.lines, kind),
                    }
                }
            }
            Err(kind) => self.output.fail(&self.lines, kind),
        }
    }
}

/// One result per `rdata` element of a COF object.
type Items = Vec<Result<PdnsObservation, PdnsErrorKind>>;

/// The observations of one COF object.
fn read_object(object: &Object) -> Result<Items, PdnsErrorKind> {
    let template = template(object)?;
    let rdata = rdata_list(object)?;

    let items = rdata
        .into_iter()
        .map(|text| {
            let rdata = normalise(template.rrtype, text)?;
            Ok(PdnsObservation { rdata, ..template.clone() })
        })
        .collect();
    Ok(items)
}

/// Everything of an observation but its `rdata`.
fn template(object: &Object) -> Result<PdnsObservation, PdnsErrorKind> {
    let rrname = parse_name("rrname", json::req_str(object, "rrname")?)?;
    let rrtype = json::req_rrtype(object, "rrtype")?;
    let (zone_time_first, zone_time_last) = zone_times(object)?;

    let time_first = time(object, "time_first", "time_first_ms", zone_time_first)?;
    let time_last = time(object, "time_last", "time_last_ms", zone_time_last)?;
    if time_first > time_last {
        return Err(PdnsErrorKind::bad("time_last", "earlier than time_first"));
    }
    let ttl = ttl(object)?;
    let count = json::opt_u64(object, "count")?.unwrap_or(1);

    let bailiwick = json::opt_str(object, "bailiwick")?;
    let bailiwick = bailiwick.map(|b| parse_name("bailiwick", b)).transpose()?;
    Ok(PdnsObservation {
        rrname,
        rrtype,
        rdata: String::new(),
        ttl,
        time_first,
        time_last,
        count,
        bailiwick,
        sensor_id: sensor_id(object)?,
        zone_time_first,
        zone_time_last,
        origin: json::opt_str(object, "origin")?.map(str::to_owned),
    })
}

/// `zone_time_first` and `zone_time_last`.
fn zone_times(object: &Object) -> Result<(Option<i64>, Option<i64>), PdnsErrorKind> {
    Ok((json::opt_time(object, "zone_time_first")?, json::opt_time(object, "zone_time_last")?))
}

/// A sensor time in seconds, from its field, its `_ms` field, or the zone
/// time.
fn time(
    object: &Object,
    field: &'static str,
    ms_field: &'static str,
    zone_time: Option<i64>,
) -> Result<i64, PdnsErrorKind> {
    if let Some(seconds) = json::opt_time(object, field)? {
        return Ok(seconds);
    }

    let from_ms = json::opt_time_ms(object, ms_field)?;
    from_ms.or(zone_time).ok_or(PdnsErrorKind::MissingField(field))
}

/// The optional `ttl` extension.
fn ttl(object: &Object) -> Result<Option<u32>, PdnsErrorKind> {
    let Some(ttl) = json::opt_u64(object, "ttl")? else {
        return Ok(None);
    };
    u32::try_from(ttl).map(Some).map_err(|_| PdnsErrorKind::bad("ttl", "larger than 2^32 - 1"))
}

/// `sensor_id`, a string or a number.
fn sensor_id(object: &Object) -> Result<Option<String>, PdnsErrorKind> {
    match object.get("sensor_id") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(PdnsErrorKind::bad("sensor_id", "expected a string or a number")),
    }
}

/// `rdata` as a list of strings.
fn rdata_list(object: &Object) -> Result<Vec<&str>, PdnsErrorKind> {
    match object.get("rdata") {
        None | Some(Value::Null) => Err(PdnsErrorKind::MissingField("rdata")),
        Some(Value::String(text)) => Ok(vec![text]),
        Some(Value::Array(values)) => values.iter().map(rdata_element).collect(),
        Some(_) => Err(PdnsErrorKind::bad("rdata", "expected a string or an array of strings")),
    }
}

/// One element of an `rdata` array.
fn rdata_element(value: &Value) -> Result<&str, PdnsErrorKind> {
    value.as_str().ok_or_else(|| PdnsErrorKind::bad("rdata", "array elements must be strings"))
}

/// Writes observations as COF, one JSON object a line; returns how many.
///
/// Each line is the observation's JSON form (see
/// [`PdnsObservation`]): `rrname`, `rrtype` (mnemonic or `TYPEnnn`),
/// `rdata` (one string), `time_first`, `time_last`, `count`, and when
/// known `ttl`, `bailiwick`, `sensor_id`, `zone_time_first`,
/// `zone_time_last`, `origin`. [`CofReader`] reads it back unchanged.
pub fn write_cof<'a>(
    observations: impl IntoIterator<Item = &'a PdnsObservation>,
    mut out: impl Write,
) -> io::Result<u64> {
    let mut written = 0;
    for observation in observations {
        serde_json::to_writer(&mut out, observation)?;
        out.write_all(b"\n")?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}
