//! Zeek's `dns.log` as JSON lines.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Answered, NameCache, Status, emit, ttl_from_f64, unescape};
use crate::pdns::error::{PdnsError, PdnsErrorKind};
use crate::pdns::json::{self, Object};
use crate::pdns::lines::Lines;
use crate::pdns::output::{LineReader, Output, next_item};
use crate::pdns::{PdnsObservation, ReadStats};

/// A streaming reader of Zeek's `dns.log` written as JSON, one object a
/// line (`LogAscii::use_json`, or the JSON streaming logs package).
///
/// The fields are those of the TSV log: `answers` and `TTLs` are arrays,
/// `ts` is unix seconds as a number or an ISO 8601 string. Lines whose
/// `_path` is present and not `dns` are skipped and counted. String
/// values are unescaped (`\xNN`) as in the TSV log. See [the module
/// documentation](super) for which rows count and how answers become
/// records.
pub struct ZeekJsonReader {
    lines: Lines,
    output: Output,
    names: NameCache,
}

impl ZeekJsonReader {
    /// Opens a JSON `dns.log`, plain or compressed.
    pub fn open(path: &Path) -> Result<Self, PdnsError> {
        Ok(Self::with_lines(Lines::open(path)?))
    }

    /// Reads a JSON `dns.log` from `reader`, naming `path` in errors.
    pub fn from_reader(path: PathBuf, reader: Box<dyn BufRead + Send>) -> Self {
        Self::with_lines(Lines::new(path, reader))
    }

    /// What has been read so far.
    pub fn stats(&self) -> ReadStats {
        self.output.stats
    }

    fn with_lines(lines: Lines) -> Self {
        Self { lines, output: Output::default(), names: NameCache::default() }
    }

    /// Reads one parsed row.
    fn row(&mut self, object: &Object) -> Result<(), PdnsErrorKind> {
        let path = json::opt_str(object, "_path")?;
        if path.is_some_and(|p| p != "dns") || !status(object)?.is_success() {
            self.output.skip_record();
            return Ok(());
        }

        let time = json::opt_time(object, "ts")?.ok_or(PdnsErrorKind::MissingField("ts"))?;
        let query = json::req_str(object, "query")?;
        let answers = strings(object, "answers")?;
        let ttls = ttls(object, answers.len())?;

        let answered = Answered {
            time,
            query: unescape(query.as_bytes()),
            qtype: json::opt_u64(object, "qtype")?,
            answers: answers.into_iter().zip(ttls),
        };
        emit(answered, &mut self.names, &self.lines, &mut self.output);
        Ok(())
    }
}

impl Iterator for ZeekJsonReader {
    type Item = Result<PdnsObservation, PdnsError>;

    fn next(&mut self) -> Option<Self::Item> {
        next_item(self)
    }
}

impl LineReader for ZeekJsonReader {
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
        let result = parsed.and_then(|object| self.row(&object));
        if let Err(kind) = result {
            self.output.fail(&self.lines, kind);
        }
    }
}

/// The fields that decide whether the row counts.
fn status(object: &Object) -> Result<Status, PdnsErrorKind> {
    let answers = json::opt_array(object, "answers")?;
    Ok(Status {
        rcode: json::opt_u64(object, "rcode")?,
        qclass: json::opt_u64(object, "qclass")?,
        opcode: json::opt_u64(object, "opcode")?,
        rejected: json::opt_bool(object, "rejected")?.unwrap_or(false),
        has_answers: answers.is_some_and(|a| !a.is_empty()),
        has_query: json::opt_str(object, "query")?.is_some(),
    })
}

/// An array of strings, each unescaped.
fn strings<'a>(
    object: &'a Object,
    field: &'static str,
) -> Result<Vec<Cow<'a, [u8]>>, PdnsErrorKind> {
    let bad = || PdnsErrorKind::bad(field, "expected an array of strings");
    let values = object.get(field).and_then(Value::as_array).ok_or_else(bad)?;
    values.iter().map(|v| v.as_str().map(|s| unescape(s.as_bytes())).ok_or_else(bad)).collect()
}

/// One TTL per answer: from `TTLs`, or all `None` without it.
fn ttls(object: &Object, answers: usize) -> Result<Vec<Option<u32>>, PdnsErrorKind> {
    let values = match object.get("TTLs") {
        None | Some(Value::Null) => return Ok(vec![None; answers]),
        Some(Value::Array(values)) => values,
        Some(_) => return Err(PdnsErrorKind::bad("TTLs", "expected an array of numbers")),
    };
    if values.len() != answers {
        return Err(PdnsErrorKind::TtlCount { answers, ttls: values.len() });
    }

    let ttl = |v: &Value| match v.as_f64() {
        Some(seconds) => ttl_from_f64(seconds).map(Some),
        None => Err(PdnsErrorKind::bad("TTLs", "expected an array of numbers")),
    };
    values.iter().map(ttl).collect()
}
