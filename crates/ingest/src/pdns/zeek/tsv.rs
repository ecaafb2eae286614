//! Zeek's tab-separated `dns.log`.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::{Answered, NameCache, Status, emit, ttl_from_text, unescape};
use crate::pdns::error::{PdnsError, PdnsErrorKind};
use crate::pdns::lines::{Lines, utf8};
use crate::pdns::output::{LineReader, Output, next_item};
use crate::pdns::{PdnsObservation, ReadStats, time};

/// A streaming reader of Zeek's tab-separated `dns.log`.
///
/// Header lines (`#separator`, `#set_separator`, `#empty_field`,
/// `#unset_field`, `#fields`) set how rows are split and may appear again
/// further down (logs concatenated); `#types`, `#path`, `#open`, `#close`
/// and other `#` lines are read past. The columns are found by name in
/// `#fields`: `ts`, `query`, `qtype`, `rcode` and `answers` are required
/// (a `#fields` line without them is a fatal error, as is a row before
/// any `#fields`); `TTLs`, `qclass`, `opcode` and `rejected` are used
/// when present. Values are unescaped (`\xNN`) after splitting, vectors
/// split on the set separator. See [the module documentation](super) for
/// which rows count and how answers become records.
pub struct ZeekTsvReader {
    lines: Lines,
    output: Output,
    names: NameCache,
    header: Header,
    columns: Option<Columns>,
    spans: Vec<(usize, usize)>,
    ttls: Vec<Option<u32>>,
}

/// How rows are written, from the header lines.
struct Header {
    separator: u8,
    set_separator: u8,
    empty: Vec<u8>,
    unset: Vec<u8>,
}

impl Default for Header {
    fn default() -> Self {
        Self {
            separator: b'\t',
            set_separator: b',',
            empty: b"(empty)".to_vec(),
            unset: b"-".to_vec(),
        }
    }
}

/// Where the columns the reader uses are, from `#fields`.
struct Columns {
    count: usize,
    ts: usize,
    query: usize,
    qtype: usize,
    rcode: usize,
    answers: usize,
    ttls: Option<usize>,
    qclass: Option<usize>,
    opcode: Option<usize>,
    rejected: Option<usize>,
}

impl ZeekTsvReader {
    /// Opens a `dns.log`, plain or compressed.
    pub fn open(path: &Path) -> Result<Self, PdnsError> {
        Ok(Self::with_lines(Lines::open(path)?))
    }

    /// Reads a `dns.log` from `reader`, naming `path` in errors.
    pub fn from_reader(path: PathBuf, reader: Box<dyn BufRead + Send>) -> Self {
        Self::with_lines(Lines::new(path, reader))
    }

    /// What has been read so far.
    pub fn stats(&self) -> ReadStats {
        self.output.stats
    }

    fn with_lines(lines: Lines) -> Self {
        Self {
            lines,
            output: Output::default(),
            names: NameCache::default(),
            header: Header::default(),
            columns: None,
            spans: Vec::with_capacity(32),
            ttls: Vec::new(),
        }
    }

    /// Reads one header line.
    fn header_line(&mut self) {
        let line = self.lines.bytes().to_vec();
        if let Some(value) = line.strip_prefix(b"#separator ") {
            return self.set_byte(value, true);
        }

        let body = &line[1..];
        let (key, value) = match memchr::memchr(self.header.separator, body) {
            Some(i) => (&body[..i], &body[i + 1..]),
            None => (body, &b""[..]),
        };
        match key {
            b"set_separator" => self.set_byte(value, false),
            b"empty_field" => self.header.empty = unescape(value).into_owned(),
            b"unset_field" => self.header.unset = unescape(value).into_owned(),
            b"fields" => self.set_columns(value),
            _ => {}
        }
    }

    /// Sets the separator or the set separator from a header value.
    fn set_byte(&mut self, value: &[u8], separator: bool) {
        let value = unescape(value);
        let [byte] = *value else {
            let message =
                format!("separator {:?} is not one byte", String::from_utf8_lossy(&value));
            return self.output.fail(&self.lines, PdnsErrorKind::BadHeader(message));
        };

        if separator {
            self.header.separator = byte;
        } else {
            self.header.set_separator = byte;
        }
    }

    /// Reads the column names of `#fields`.
    fn set_columns(&mut self, value: &[u8]) {
        let names: Vec<&[u8]> = value.split(|b| *b == self.header.separator).collect();
        match Columns::find(&names) {
            Ok(columns) => self.columns = Some(columns),
            Err(kind) => {
                self.columns = None;
                self.output.fail(&self.lines, kind);
            }
        }
    }

    /// Reads one data row.
    fn row(&mut self) {
        self.output.stats.records += 1;
        let Some(columns) = &self.columns else {
            return self.output.fail(&self.lines, PdnsErrorKind::NoFieldsHeader);
        };

        let line = self.lines.bytes();
        if let Err(kind) = utf8(line) {
            return self.output.fail(&self.lines, kind);
        }
        split(line, self.header.separator, &mut self.spans);
        if self.spans.len() != columns.count {
            let kind = PdnsErrorKind::Columns { expected: columns.count, found: self.spans.len() };
            return self.output.fail(&self.lines, kind);
        }

        let row = Row { line, spans: &self.spans, header: &self.header };
        if !row.status(columns).is_success() {
            return self.output.skip_record();
        }
        if let Err(kind) = row.ttls(columns, &mut self.ttls) {
            return self.output.fail(&self.lines, kind);
        }
        match row.time(columns) {
            Ok(time) => {
                let answered = row.answered(columns, time, &self.ttls);
                emit(answered, &mut self.names, &self.lines, &mut self.output);
            }
            Err(kind) => self.output.fail(&self.lines, kind),
        }
    }
}

impl Iterator for ZeekTsvReader {
    type Item = Result<PdnsObservation, PdnsError>;

    fn next(&mut self) -> Option<Self::Item> {
        next_item(self)
    }
}

impl LineReader for ZeekTsvReader {
    fn parts(&mut self) -> (&mut Lines, &mut Output) {
        (&mut self.lines, &mut self.output)
    }

    fn read_line(&mut self) {
        match self.lines.bytes().first() {
            None => {}
            Some(b'#') => self.header_line(),
            Some(_) => self.row(),
        }
    }
}

impl Columns {
    /// Finds the columns by name; an error names a required one missing.
    fn find(names: &[&[u8]]) -> Result<Self, PdnsErrorKind> {
        let position = |name: &str| names.iter().position(|n| *n == name.as_bytes());
        let required =
            |name: &'static str| position(name).ok_or(PdnsErrorKind::MissingColumn(name));

        Ok(Self {
            count: names.len(),
            ts: required("ts")?,
            query: required("query")?,
            qtype: required("qtype")?,
            rcode: required("rcode")?,
            answers: required("answers")?,
            ttls: position("TTLs"),
            qclass: position("qclass"),
            opcode: position("opcode"),
            rejected: position("rejected"),
        })
    }
}

/// Splits `line` on `separator` into byte ranges.
fn split(line: &[u8], separator: u8, spans: &mut Vec<(usize, usize)>) {
    spans.clear();
    let mut start = 0;
    for end in memchr::memchr_iter(separator, line) {
        spans.push((start, end));
        start = end + 1;
    }
    spans.push((start, line.len()));
}

/// One data row, split.
struct Row<'a> {
    line: &'a [u8],
    spans: &'a [(usize, usize)],
    header: &'a Header,
}

impl<'a> Row<'a> {
    /// The raw value of column `index`; `None` when unset.
    fn value(&self, index: usize) -> Option<&'a [u8]> {
        let (start, end) = self.spans[index];
        let value = &self.line[start..end];
        (value != self.header.unset.as_slice()).then_some(value)
    }

    /// A vector (or string) column's raw value; `None` when unset or
    /// empty.
    fn vector(&self, index: usize) -> Option<&'a [u8]> {
        self.value(index).filter(|v| *v != self.header.empty.as_slice())
    }

    /// A count column; `None` when unset or not a number.
    fn count(&self, index: usize) -> Option<u64> {
        std::str::from_utf8(self.value(index)?).ok()?.parse().ok()
    }

    /// The fields that decide whether the row counts.
    fn status(&self, columns: &Columns) -> Status {
        let optional = |index: Option<usize>| index.and_then(|i| self.count(i));
        Status {
            rcode: self.count(columns.rcode),
            qclass: optional(columns.qclass),
            opcode: optional(columns.opcode),
            rejected: columns.rejected.and_then(|i| self.value(i)) == Some(b"T"),
            has_answers: self.vector(columns.answers).is_some(),
            has_query: self.value(columns.query).is_some(),
        }
    }

    /// `ts` in whole seconds.
    fn time(&self, columns: &Columns) -> Result<i64, PdnsErrorKind> {
        let raw = self.value(columns.ts).ok_or(PdnsErrorKind::MissingField("ts"))?;
        let text = std::str::from_utf8(raw).unwrap_or_default();
        time::decimal_seconds(text)
            .ok_or_else(|| PdnsErrorKind::BadTime { field: "ts", text: text.to_owned() })
    }

    /// Fills `ttls` with one TTL per answer (`None`s without a `TTLs`
    /// column or value); an error when the counts differ or a TTL is bad.
    fn ttls(&self, columns: &Columns, ttls: &mut Vec<Option<u32>>) -> Result<(), PdnsErrorKind> {
        let answers = self.vector(columns.answers).unwrap_or_default();
        let count = memchr::memchr_iter(self.header.set_separator, answers).count() + 1;
        ttls.clear();

        let Some(raw) = columns.ttls.and_then(|i| self.vector(i)) else {
            ttls.resize(count, None);
            return Ok(());
        };
        for part in raw.split(|b| *b == self.header.set_separator) {
            let text = std::str::from_utf8(part).unwrap_or_default();
            ttls.push(Some(ttl_from_text(text)?));
        }

        if ttls.len() != count {
            return Err(PdnsErrorKind::TtlCount { answers: count, ttls: ttls.len() });
        }
        Ok(())
    }

    /// The row's answers, unescaped and paired with their TTLs.
    fn answered<'t>(
        &self,
        columns: &Columns,
        time: i64,
        ttls: &'t [Option<u32>],
    ) -> Answered<'a, impl Iterator<Item = (std::borrow::Cow<'a, [u8]>, Option<u32>)> + use<'a, 't>>
    {
        let answers = self.vector(columns.answers).unwrap_or_default();
        let separator = self.header.set_separator;
        let answers =
            answers.split(move |b| *b == separator).map(unescape).zip(ttls.iter().copied());

        Answered {
            time,
            query: unescape(self.vector(columns.query).unwrap_or_default()),
            qtype: self.count(columns.qtype),
            answers,
        }
    }
}
