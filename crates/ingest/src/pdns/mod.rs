//! Passive DNS: observations of DNS answers, read from the common output
//! format (COF), Zeek `dns.log` (TSV or JSON) and Suricata EVE `dns`
//! events, plus PTR naming patterns.
//!
//! Every reader streams: it is an iterator of
//! `Result<PdnsObservation, PdnsError>` that holds one line in memory. A
//! bad record is an error naming the file and line, and reading goes on;
//! an input that cannot be used at all (it cannot be opened or read, or a
//! Zeek log has no usable `#fields`) gives one fatal error
//! ([`PdnsError::is_fatal`]) and then ends. Inputs may be gzip or xz
//! compressed ([`crate::input`]).
//!
//! ```no_run
//! use nshunt_ingest::pdns::{PdnsFormat, PdnsReader};
//!
//! let mut reader = PdnsReader::open("dns.log.gz".as_ref(), PdnsFormat::ZeekTsv)?;
//! for item in &mut reader {
//!     match item {
//!         Ok(o) => println!("{} {} {} {:?}", o.rrname, o.rrtype, o.rdata, o.ttl),
//!         Err(error) if error.is_fatal() => return Err(error.into()),
//!         Err(error) => eprintln!("skipped: {error}"),
//!     }
//! }
//! eprintln!("{:?}", reader.stats());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`CofReader`] and [`write_cof`]: COF JSON lines;
//! - [`ZeekTsvReader`], [`ZeekJsonReader`]: Zeek `dns.log`, with the
//!   rules that turn Zeek's answer vectors into records in [`zeek`];
//! - [`EveReader`]: Suricata EVE, every answer layout ([`eve`]);
//! - [`merge`]: repeated sightings folded into one observation each;
//! - [`ptr_pattern`], [`encodes_address`]: PTR naming patterns
//!   (re-exported from [`nshunt_model::ptr`]).
//!
//! # Observations
//!
//! A [`PdnsObservation`] is one record seen `count` times between
//! `time_first` and `time_last`. Log readers (Zeek, EVE) yield one
//! sighting per answer (`count` 1, `time_first` = `time_last`) and leave
//! folding to [`merge`] or to the store; COF is already aggregated and is
//! yielded as written. Record data is normalised text (see [`rdata`]), so
//! the same record from any source has the same `rdata`.
//!
//! # Limitations
//!
//! - Names inside `rdata` have no trailing dot (`www.example.com`), as
//!   COF writes them; the zone reader writes them with one.
//! - Only class IN is read: Zeek rows of another class are skipped; COF
//!   and EVE carry no class and are taken as IN.
//! - Times are whole seconds; COF `time_first_ms`/`time_last_ms` are only
//!   read when the second fields are missing.
//! - Zeek and Suricata write some record types partly or as summaries;
//!   those answers are skipped and counted, never guessed (see [`zeek`]
//!   and [`eve`]).

mod cof;
mod error;
pub mod eve;
mod json;
mod lines;
mod merge;
mod output;
pub mod rdata;
mod time;
pub mod zeek;

use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use nshunt_model::{DomainName, RrType};
use serde::Serialize;

pub use cof::{CofReader, write_cof};
pub use error::{PdnsError, PdnsErrorKind};
pub use eve::EveReader;
pub use lines::MAX_LINE_BYTES;
pub use merge::merge;
pub use nshunt_model::ptr::{encodes_address, find_address, ptr_pattern};
pub use zeek::{ZeekJsonReader, ZeekTsvReader};

/// One DNS record as passive DNS saw it.
///
/// Its JSON form (serde) is one COF object: fields that are `None` are
/// left out. Sorting orders by name, type, data, TTL, then the rest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PdnsObservation {
    /// The owner name, canonical.
    pub rrname: DomainName,
    /// The record type; JSON: its mnemonic, or `TYPEnnn`.
    pub rrtype: RrType,
    /// The record data as normalised text (see [`rdata`]).
    pub rdata: String,
    /// The TTL the answer carried, in seconds: the record's own
    /// (child-side) TTL, counted down when a recursive resolver served it
    /// from its cache. `None` when the source does not say (most COF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    /// The first sighting, UTC unix seconds.
    pub time_first: i64,
    /// The last sighting, UTC unix seconds.
    pub time_last: i64,
    /// How many sightings `time_first`..`time_last` covers.
    pub count: u64,
    /// COF: the zone the answer was authoritative for, as far as the
    /// sensor could tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bailiwick: Option<DomainName>,
    /// COF `sensor_id`, or the EVE `host` (Suricata's sensor name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensor_id: Option<String>,
    /// COF: first seen in a zone file, UTC unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_time_first: Option<i64>,
    /// COF: last seen in a zone file, UTC unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_time_last: Option<i64>,
    /// COF `origin`: the URI of where the data came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

impl PdnsObservation {
    /// One sighting at `time`, without the COF extras.
    pub fn sighting(
        rrname: DomainName,
        rrtype: RrType,
        rdata: String,
        ttl: Option<u32>,
        time: i64,
    ) -> Self {
        Self {
            rrname,
            rrtype,
            rdata,
            ttl,
            time_first: time,
            time_last: time,
            count: 1,
            bailiwick: None,
            sensor_id: None,
            zone_time_first: None,
            zone_time_last: None,
            origin: None,
        }
    }
}

/// What a reader has read so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReadStats {
    /// Lines read, headers and blank lines included.
    pub lines: u64,
    /// Records examined: COF objects, Zeek rows, EVE events.
    pub records: u64,
    /// Observations yielded.
    pub observations: u64,
    /// Errors yielded (bad records or answers, and any fatal error).
    pub errors: u64,
    /// Records with nothing to observe: Zeek rows that are not a
    /// successful answer, EVE events that are not DNS answers.
    pub skipped_records: u64,
    /// Answers that cannot be represented faithfully (see [`zeek`] and
    /// [`eve`]).
    pub skipped_answers: u64,
}

/// The passive-DNS input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PdnsFormat {
    /// COF JSON lines (`cof`).
    Cof,
    /// Zeek `dns.log`, tab-separated (`zeek`).
    ZeekTsv,
    /// Zeek `dns.log`, JSON lines (`zeek-json`).
    ZeekJson,
    /// Suricata EVE JSON (`eve`).
    Eve,
}

impl PdnsFormat {
    /// Every format, in the order of their names.
    pub const ALL: [PdnsFormat; 4] = [Self::Cof, Self::ZeekTsv, Self::ZeekJson, Self::Eve];

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cof => "cof",
            Self::ZeekTsv => "zeek",
            Self::ZeekJson => "zeek-json",
            Self::Eve => "eve",
        }
    }

    /// Guesses the format from the first line of an input: `#` starts a
    /// Zeek TSV log; a JSON object with `event_type` is EVE, with
    /// `rrname` COF, with `query` or `uid` Zeek JSON.
    pub fn detect(first_line: &[u8]) -> Option<Self> {
        if first_line.starts_with(b"#") {
            return Some(Self::ZeekTsv);
        }

        let object = json::parse_object(first_line).ok()?;
        let has = |key: &str| object.contains_key(key);
        if has("event_type") {
            Some(Self::Eve)
        } else if has("rrname") {
            Some(Self::Cof)
        } else if has("query") || has("uid") {
            Some(Self::ZeekJson)
        } else {
            None
        }
    }
}

impl fmt::Display for PdnsFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PdnsFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|f| f.name() == text).ok_or_else(|| {
            format!("unknown passive-DNS format {text:?}: use cof, zeek, zeek-json or eve")
        })
    }
}

/// Any of the readers, chosen by [`PdnsFormat`].
pub enum PdnsReader {
    /// COF.
    Cof(CofReader),
    /// Zeek TSV (boxed: it carries its column map and buffers).
    ZeekTsv(Box<ZeekTsvReader>),
    /// Zeek JSON.
    ZeekJson(ZeekJsonReader),
    /// Suricata EVE.
    Eve(EveReader),
}

impl PdnsReader {
    /// Opens `path` (plain or compressed) as `format`.
    pub fn open(path: &Path, format: PdnsFormat) -> Result<Self, PdnsError> {
        Ok(match format {
            PdnsFormat::Cof => Self::Cof(CofReader::open(path)?),
            PdnsFormat::ZeekTsv => Self::ZeekTsv(Box::new(ZeekTsvReader::open(path)?)),
            PdnsFormat::ZeekJson => Self::ZeekJson(ZeekJsonReader::open(path)?),
            PdnsFormat::Eve => Self::Eve(EveReader::open(path)?),
        })
    }

    /// Reads `reader` as `format`, naming `path` in errors.
    pub fn from_reader(path: PathBuf, reader: Box<dyn BufRead + Send>, format: PdnsFormat) -> Self {
        match format {
            PdnsFormat::Cof => Self::Cof(CofReader::from_reader(path, reader)),
            PdnsFormat::ZeekTsv => {
                Self::ZeekTsv(Box::new(ZeekTsvReader::from_reader(path, reader)))
            }
            PdnsFormat::ZeekJson => Self::ZeekJson(ZeekJsonReader::from_reader(path, reader)),
            PdnsFormat::Eve => Self::Eve(EveReader::from_reader(path, reader)),
        }
    }

    /// What has been read so far.
    pub fn stats(&self) -> ReadStats {
        match self {
            Self::Cof(r) => r.stats(),
            Self::ZeekTsv(r) => r.stats(),
            Self::ZeekJson(r) => r.stats(),
            Self::Eve(r) => r.stats(),
        }
    }
}

impl Iterator for PdnsReader {
    type Item = Result<PdnsObservation, PdnsError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Self::Cof(r) => r.next(),
            Self::ZeekTsv(r) => r.next(),
            Self::ZeekJson(r) => r.next(),
            Self::Eve(r) => r.next(),
        }
    }
}
