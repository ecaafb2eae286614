//! Suricata EVE JSON: the answers of `dns` events.
//!
//! Every answer layout EVE has used is read:
//!
//! - version 1 (no `version` field): one event per answer record, `type`
//!   `answer`, with `rrname`, `rrtype`, `ttl` and `rdata` in the `dns`
//!   object itself;
//! - version 2, `detailed`: one event per response, `type` `answer`, an
//!   `answers` array of `{rrname, rrtype, ttl, rdata}`;
//! - version 2, `grouped`: `grouped` maps each type to its data
//!   (`{"A": ["192.0.2.1"], "CNAME": ["x.example"]}`), without owners or
//!   TTLs;
//! - version 3 (Suricata 8): `type` `response`, the question in a
//!   `queries` array, answers as in version 2.
//!
//! When an event has both `answers` and `grouped`, `answers` is used.
//! Record data comes from `rdata`, or from the `soa`, `srv` and `sshfp`
//! objects newer versions write for those types.
//!
//! # Which events count
//!
//! Events whose `event_type` is not `dns` are skipped silently and counted
//! ([`ReadStats::skipped_records`]), as are DNS queries (`type` `query` or
//! `request`), responses whose `rcode` is not `NOERROR`, and responses
//! without answers. The event's `timestamp` gives `time_first` and
//! `time_last`; its `host` (Suricata's `sensor-name`), when present, is
//! the `sensor_id`.
//!
//! # Limitations
//!
//! - `grouped` data carries no owner names: the first CNAME is taken to
//!   belong to the question's name, each further CNAME to the previous
//!   CNAME's target, and every other record to the last target (or the
//!   question's name). TTLs are unknown there.
//! - Suricata writes an MX record as its exchange name only, and older
//!   versions an SRV record as its target only: such answers lack the rest
//!   of their data and are skipped ([`ReadStats::skipped_answers`]), as
//!   are answers with no data at all (types Suricata does not decode).
//! - TXT `rdata` is taken as one character string: Suricata does not mark
//!   where the strings of a multi-string record meet.
//! - Version 1 logged authority records as `answer` events too; they are
//!   read like answers.
//!
//! [`ReadStats::skipped_records`]: crate::pdns::ReadStats::skipped_records
//! [`ReadStats::skipped_answers`]: crate::pdns::ReadStats::skipped_answers

use std::io::BufRead;
use std::path::{Path, PathBuf};

use nshunt_model::{DomainName, RrType};
use serde_json::Value;

use super::error::{PdnsError, PdnsErrorKind};
use super::json::{self, Object};
use super::lines::Lines;
use super::output::{LineReader, Output, next_item};
use super::rdata::{SPF, SRV, normalise, parse_name, quote_strings};
use super::{PdnsObservation, ReadStats};

/// A streaming reader of the `dns` answers in a Suricata EVE JSON file.
///
/// See [the module documentation](self) for the layouts read.
pub struct EveReader {
    lines: Lines,
    output: Output,
}

/// What every observation of one event shares.
struct Event<'a> {
    time: i64,
    sensor: Option<&'a str>,
}

impl EveReader {
    /// Opens an EVE file, plain or compressed.
    pub fn open(path: &Path) -> Result<Self, PdnsError> {
        Ok(Self { lines: Lines::open(path)?, output: Output::default() })
    }

    /// Reads EVE JSON from `reader`, naming `path` in errors.
    pub fn from_reader(path: PathBuf, reader: Box<dyn BufRead + Send>) -> Self {
        Self { lines: Lines::new(path, reader), output: Output::default() }
    }

    /// What has been read so far.
    pub fn stats(&self) -> ReadStats {
        self.output.stats
    }

    /// Reads one parsed event.
    fn event(&mut self, object: &Object) -> Result<(), PdnsErrorKind> {
        if json::opt_str(object, "event_type")? != Some("dns") {
            self.output.skip_record();
            return Ok(());
        }
        let dns = object.get("dns").and_then(Value::as_object);
        let dns = dns.ok_or(PdnsErrorKind::MissingField("dns"))?;
        if !is_answered(dns)? {
            self.output.skip_record();
            return Ok(());
        }

        let time = json::opt_time(object, "timestamp")?;
        let time = time.ok_or(PdnsErrorKind::MissingField("timestamp"))?;
        let event = Event { time, sensor: json::opt_str(object, "host")? };
        self.answers(&event, dns)
    }

    /// Reads the answers of a `dns` object in whichever layout it has.
    fn answers(&mut self, event: &Event<'_>, dns: &Object) -> Result<(), PdnsErrorKind> {
        if let Some(answers) = json::opt_array(dns, "answers")? {
            for answer in answers {
                let answer = answer
                    .as_object()
                    .ok_or_else(|| PdnsErrorKind::bad("answers", "expected an array of objects"))?;
                self.detailed(event, answer);
            }
            return Ok(());
        }

        if let Some(grouped) = dns.get("grouped").and_then(Value::as_object) {
            return self.grouped(event, dns, grouped);
        }
        if dns.contains_key("version") {
            self.output.skip_record();
            return Ok(());
        }
        self.detailed(event, dns);
        Ok(())
    }

    /// One answer with its own owner, type and TTL (version 1, or an
    /// element of `answers`).
    fn detailed(&mut self, event: &Event<'_>, answer: &Object) {
        match observation(event, answer) {
            Ok(Some(observation)) => self.output.observation(observation),
            Ok(None) => self.output.skip_answer(),
            Err(kind) => self.output.fail(&self.lines, kind),
        }
    }

    /// The `grouped` layout: CNAMEs chained from the question's name.
    fn grouped(
        &mut self,
        event: &Event<'_>,
        dns: &Object,
        grouped: &Object,
    ) -> Result<(), PdnsErrorKind> {
        let mut owner = question_name(dns)?;
        for target in grouped.get("CNAME").and_then(Value::as_array).into_iter().flatten() {
            let target =
                target.as_str().ok_or_else(|| PdnsErrorKind::bad("grouped", "bad CNAME"))?;
            let target = parse_name("grouped", target)?;
            let rdata = super::rdata::name_text(&target);
            self.output.observation(sighting(event, owner, RrType::CNAME, rdata, None));
            owner = target;
        }

        for (mnemonic, values) in grouped.iter().filter(|(k, _)| *k != "CNAME") {
            let rrtype = json::type_from_text(mnemonic);
            let rrtype = rrtype.ok_or_else(|| PdnsErrorKind::UnknownType(mnemonic.clone()))?;
            for value in values.as_array().into_iter().flatten() {
                self.grouped_value(event, &owner, rrtype, value);
            }
        }
        Ok(())
    }

    /// One value of a `grouped` type.
    fn grouped_value(
        &mut self,
        event: &Event<'_>,
        owner: &DomainName,
        rrtype: RrType,
        value: &Value,
    ) {
        let data = match value {
            Value::String(text) => rdata_text(rrtype, text),
            Value::Object(object) if rrtype == SSHFP => sshfp(object).map(Some),
            _ => Ok(None),
        };
        match data {
            Ok(Some(rdata)) => {
                self.output.observation(sighting(event, owner.clone(), rrtype, rdata, None));
            }
            Ok(None) => self.output.skip_answer(),
            Err(kind) => self.output.fail(&self.lines, kind),
        }
    }
}

impl Iterator for EveReader {
    type Item = Result<PdnsObservation, PdnsError>;

    fn next(&mut self) -> Option<Self::Item> {
        next_item(self)
    }
}

impl LineReader for EveReader {
    fn parts(&mut self) -> (&mut Lines, &mut Output) {
        (&mut self.lines, &mut self.output)
    }

    fn read_line(&mut self) {
        let line = self.lines.bytes();
        if json::is_blank(line) {
            return;
        }

        self.output.stats.records += 1;
        let parsed = json::parse_object(line);
        if let Err(kind) = parsed.and_then(|object| self.event(&object)) {
            self.output.fail(&self.lines, kind);
        }
    }
}

/// SSHFP (RFC 4255).
const SSHFP: RrType = RrType(44);

/// Whether a `dns` object is a successful response (`type` `answer` or
/// `response`, `rcode` `NOERROR`).
fn is_answered(dns: &Object) -> Result<bool, PdnsErrorKind> {
    let response = matches!(json::opt_str(dns, "type")?, Some("answer" | "response"));
    Ok(response && json::opt_str(dns, "rcode")? == Some("NOERROR"))
}

/// The question's name: `rrname` (version 2) or the first of `queries`
/// (version 3).
fn question_name(dns: &Object) -> Result<DomainName, PdnsErrorKind> {
    let first_query = dns
        .get("queries")
        .and_then(Value::as_array)
        .and_then(|q| q.first())
        .and_then(Value::as_object);
    let name = match first_query {
        Some(query) => json::req_str(query, "rrname")?,
        None => json::req_str(dns, "rrname")?,
    };
    parse_name("rrname", name)
}

/// The observation of one detailed answer; `None` when it has no usable
/// data.
fn observation(
    event: &Event<'_>,
    answer: &Object,
) -> Result<Option<PdnsObservation>, PdnsErrorKind> {
    let rrname = parse_name("rrname", json::req_str(answer, "rrname")?)?;
    let rrtype = json::req_rrtype(answer, "rrtype")?;
    let ttl = json::opt_u64(answer, "ttl")?;
    let ttl = ttl.map(|t| u32::try_from(t).map_err(|_| PdnsErrorKind::bad("ttl", "too large")));

    let Some(rdata) = rdata(rrtype, answer)? else {
        return Ok(None);
    };
    Ok(Some(sighting(event, rrname, rrtype, rdata, ttl.transpose()?)))
}

/// The data of one answer, from its type's own object (`soa`, `srv`,
/// `sshfp`) or from `rdata`.
fn rdata(rrtype: RrType, answer: &Object) -> Result<Option<String>, PdnsErrorKind> {
    let object = |field: &str| answer.get(field).and_then(Value::as_object);
    let data = match rrtype {
        RrType::SOA => object("soa").map(soa_text),
        SRV => object("srv").map(srv_text),
        SSHFP => object("sshfp").map(sshfp),
        _ => None,
    };
    if let Some(data) = data {
        return data.map(Some);
    }

    match json::opt_str(answer, "rdata")? {
        Some(text) => rdata_text(rrtype, text),
        None => Ok(None),
    }
}

/// `rdata` text, normalised; `None` for data Suricata shortened.
fn rdata_text(rrtype: RrType, text: &str) -> Result<Option<String>, PdnsErrorKind> {
    let words = text.split_ascii_whitespace().count();
    match rrtype {
        RrType::TXT | SPF => Ok(Some(quote_strings([text.as_bytes()]))),
        RrType::MX if words == 1 => Ok(None),
        SRV if words == 1 => Ok(None),
        _ => normalise(rrtype, text).map(Some),
    }
}

/// SOA data from Suricata's `soa` object.
fn soa_text(soa: &Object) -> Result<String, PdnsErrorKind> {
    let mut parts =
        vec![json::req_str(soa, "mname")?.to_owned(), json::req_str(soa, "rname")?.to_owned()];
    for field in ["serial", "refresh", "retry", "expire", "minimum"] {
        parts.push(number(soa, field)?.to_string());
    }
    normalise(RrType::SOA, &parts.join(" "))
}

/// SRV data from Suricata's `srv` object.
fn srv_text(srv: &Object) -> Result<String, PdnsErrorKind> {
    let mut parts = Vec::new();
    for field in ["priority", "weight", "port"] {
        parts.push(number(srv, field)?.to_string());
    }
    parts.push(json::req_str(srv, "name")?.to_owned());
    normalise(SRV, &parts.join(" "))
}

/// SSHFP data (`algorithm type hex`) from Suricata's `sshfp` object,
/// whose fingerprint is written `12:34:…`.
fn sshfp(object: &Object) -> Result<String, PdnsErrorKind> {
    let algorithm = number(object, "algo")?;
    let kind = number(object, "type")?;
    let fingerprint: String = json::req_str(object, "fingerprint")?
        .chars()
        .filter(|c| *c != ':')
        .map(|c| c.to_ascii_lowercase())
        .collect();

    if fingerprint.is_empty() || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(PdnsErrorKind::bad("sshfp", "fingerprint is not hex"));
    }
    Ok(format!("{algorithm} {kind} {fingerprint}"))
}

/// A count field that must be present.
fn number(object: &Object, field: &'static str) -> Result<u64, PdnsErrorKind> {
    json::opt_u64(object, field)?.ok_or(PdnsErrorKind::MissingField(field))
}

/// One sighting at the event's time, from the event's sensor.
fn sighting(
    event: &Event<'_>,
    rrname: DomainName,
    rrtype: RrType,
    rdata: String,
    ttl: Option<u32>,
) -> PdnsObservation {
    let mut observation = PdnsObservation::sighting(rrname, rrtype, rdata, ttl, event.time);
    observation.sensor_id = event.sensor.map(str::to_owned);
    observation
}
