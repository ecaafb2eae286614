//! CSV (or TSV) lists with a column mapping.
//!
//! A mapping names the columns to read, counted from 1 or by header
//! name: `indicator=2,category=4,date=1`, `indicator=url,date=dateadded`.
//! Optional keys: `category`, `date`, `severity`, `reference`,
//! `delimiter` (`comma`, the default, `tab`, `;`, `|`) and `header` (`yes`, `no`, `auto`:
//! the first row is a header when its indicator cell is not an indicator
//! or is a one-label word, or its date cell is not a date). Fields may be
//! quoted (`"a, b"`, `""` for a quote); lines starting with `#` are
//! comments.
//!
//! # Limitations
//!
//! - A quoted field cannot span lines.
//! - With `header=auto`, a broken first data row is taken for a header
//!   and skipped without an error.
//! - One column each for category, date, severity and reference.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use crate::asn::text::{Lines, split_delimited};
use crate::labels::error::{LabelError, LabelErrorKind};
use crate::labels::indicator::parse_indicator;
use crate::labels::label::{Date, IndicatorKind, Label, LabelContext, Severity};
use crate::labels::list::{ListOptions, Place};

/// A column, by number (from 1) or by header name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// The column's number, counted from 1.
    Number(usize),
    /// The column's name in the header row (compared without case).
    Name(String),
}

/// Whether the first row is a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderMode {
    /// It is.
    Yes,
    /// It is not.
    No,
    /// It is when its indicator column is not an indicator.
    Auto,
}

/// Which columns hold what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvMapping {
    /// The indicator's column (required).
    pub indicator: Column,
    /// The category or family's column.
    pub category: Option<Column>,
    /// The first-seen date's column (`YYYY-MM-DD`, a time may follow).
    pub date: Option<Column>,
    /// The severity's column (`low`, `medium`, `high`).
    pub severity: Option<Column>,
    /// A reference's column (a URL or any text).
    pub reference: Option<Column>,
    /// The separator: `,` by default.
    pub delimiter: u8,
    /// Whether the first row is a header.
    pub header: HeaderMode,
}

impl FromStr for CsvMapping {
    type Err = String;

    /// Parses `indicator=2,category=4,date=1` (see the module docs).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut mapping = CsvMapping {
            indicator: Column::Number(0),
            category: None,
            date: None,
            severity: None,
            reference: None,
            delimiter: b',',
            header: HeaderMode::Auto,
        };
        let mut has_indicator = false;

        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) =
                pair.split_once('=').ok_or_else(|| format!("{pair:?} is not key=value"))?;
            let (key, value) = (key.trim(), value.trim());
            match key {
                "indicator" => {
                    mapping.indicator = column(value)?;
                    has_indicator = true;
                }
                "category" | "family" => mapping.category = Some(column(value)?),
                "date" | "first_seen" => mapping.date = Some(column(value)?),
                "severity" => mapping.severity = Some(column(value)?),
                "reference" => mapping.reference = Some(column(value)?),
                "delimiter" => mapping.delimiter = delimiter(value)?,
                "header" => mapping.header = header(value)?,
                other => {
                    let keys =
                        "indicator, category, date, severity, reference, delimiter or header";
                    return Err(format!("unknown key {other:?}: use {keys}"));
                }
            }
        }

        if !has_indicator {
            return Err("the mapping needs indicator=N (the indicator's column, from 1)".to_owned());
        }
        Ok(mapping)
    }
}

fn column(value: &str) -> Result<Column, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("columns are counted from 1".to_owned()),
        Ok(n) => Ok(Column::Number(n)),
        Err(_) if !value.is_empty() => Ok(Column::Name(value.to_owned())),
        Err(_) => Err("empty column".to_owned()),
    }
}

fn delimiter(value: &str) -> Result<u8, String> {
    match value {
        "tab" | "\\t" => Ok(b'\t'),
        "comma" => Ok(b','),
        "semicolon" | ";" => Ok(b';'),
        "pipe" | "|" => Ok(b'|'),
        other => Err(format!("unknown delimiter {other:?}: use comma, tab, semicolon or pipe")),
    }
}

fn header(value: &str) -> Result<HeaderMode, String> {
    match value {
        "yes" | "true" => Ok(HeaderMode::Yes),
        "no" | "false" => Ok(HeaderMode::No),
        "auto" => Ok(HeaderMode::Auto),
        other => Err(format!("unknown header mode {other:?}: use yes, no or auto")),
    }
}

/// Column numbers (from 0) once the header is known.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    indicator: usize,
    category: Option<usize>,
    date: Option<usize>,
    severity: Option<usize>,
    reference: Option<usize>,
}

/// A streaming reader of a CSV list.
///
/// Yields one [`Label`] per row; a bad row (missing column, bad
/// indicator, date or severity, unclosed quote) is an error value with
/// file and line, and reading goes on. A mapping that names a column the
/// header lacks is a fatal error.
pub struct CsvReader {
    file: PathBuf,
    lines: Lines,
    mapping: CsvMapping,
    resolved: Option<Resolved>,
    base: LabelContext,
    last: Option<Arc<LabelContext>>,
    fields: Vec<String>,
    /// Whether a row (header or data) has been read.
    started: bool,
    /// Whether a fatal error was given: nothing more is read.
    done: bool,
}

impl std::fmt::Debug for CsvReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvReader")
            .field("file", &self.file)
            .field("mapping", &self.mapping)
            .field("line", &self.lines.line())
            .finish_non_exhaustive()
    }
}

impl CsvReader {
    /// Opens `path` (plain, gzip or xz).
    pub fn open(
        path: &Path,
        mapping: CsvMapping,
        options: &ListOptions,
    ) -> Result<Self, LabelError> {
        let input = crate::input::open(path).map_err(|e| LabelError::new(path, 0, e.into()))?;
        Ok(Self::from_reader(path.to_owned(), input.reader, mapping, options))
    }

    /// Reads any buffered input; `file` names it in labels and errors.
    pub fn from_reader(
        file: PathBuf,
        reader: Box<dyn BufRead + Send>,
        mapping: CsvMapping,
        options: &ListOptions,
    ) -> Self {
        let base = options.context(&file);
        let resolved = numbers_only(&mapping);
        let lines = Lines::new(reader);
        let fields = Vec::new();
        Self {
            file,
            lines,
            mapping,
            resolved,
            base,
            last: None,
            fields,
            started: false,
            done: false,
        }
    }

    /// One row: `Ok(None)` for a header or comment.
    fn row(&mut self, line: u64) -> Result<Option<Label>, LabelErrorKind> {
        let first = !self.started;
        self.started = true;
        let resolved = match self.resolved {
            Some(resolved) => resolved,
            None => {
                self.resolved = Some(by_name(&self.mapping, &self.fields)?);
                return Ok(None);
            }
        };
        if first && self.is_header(resolved) {
            return Ok(None);
        }

        let text = cell(&self.fields, resolved.indicator, "indicator")?;
        let indicator = parse_indicator(text)?;
        let context = self.context(resolved)?;
        let at = Place { file: &self.file, line, context: &context };
        Ok(Some(at.label(indicator)))
    }

    /// Whether the first row is a header, as the mapping says. `Auto`
    /// takes it for a header when its indicator cell is not an indicator
    /// or a one-label name (`url`, `domain`), or its date cell is not a
    /// date.
    fn is_header(&self, resolved: Resolved) -> bool {
        let text = |i: usize| self.fields.get(i).map_or("", |f| f.trim());
        match self.mapping.header {
            HeaderMode::Yes => true,
            HeaderMode::No => false,
            HeaderMode::Auto => {
                let not_indicator = match parse_indicator(text(resolved.indicator)) {
                    Ok(i) => i.kind == IndicatorKind::Domain && !i.value.contains('.'),
                    Err(_) => true,
                };
                not_indicator || resolved.date.is_some_and(|i| date(text(i)).is_err())
            }
        }
    }

    /// The row's context, shared with the previous row when equal.
    fn context(&mut self, resolved: Resolved) -> Result<Arc<LabelContext>, LabelErrorKind> {
        let mut context = self.base.clone();
        if let Some(i) = resolved.category {
            context.category = non_empty(cell(&self.fields, i, "category")?);
        }
        if let Some(i) = resolved.date {
            context.first_seen = date(cell(&self.fields, i, "date")?)?;
        }
        if let Some(i) = resolved.severity {
            context.severity = severity(cell(&self.fields, i, "severity")?)?;
        }
        if let Some(i) = resolved.reference {
            context.references =
                non_empty(cell(&self.fields, i, "reference")?).into_iter().collect();
        }

        match &self.last {
            Some(last) if **last == context => Ok(Arc::clone(last)),
            _ => {
                let shared = Arc::new(context);
                self.last = Some(Arc::clone(&shared));
                Ok(shared)
            }
        }
    }
}

impl Iterator for CsvReader {
    type Item = Result<Label, LabelError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let (line, split) = match self.lines.next_line()? {
                (line, Ok(text)) if text.trim().is_empty() || text.starts_with('#') => (line, None),
                (line, Ok(text)) => {
                    (line, Some(split_into(text, self.mapping.delimiter, &mut self.fields)))
                }
                (line, Err(e)) => return Some(Err(LabelError::new(&self.file, line, e.into()))),
            };

            let result = match split {
                None => continue,
                Some(Err(kind)) => Err(kind),
                Some(Ok(())) => self.row(line),
            };
            match result {
                Ok(None) => continue,
                Ok(Some(label)) => return Some(Ok(label)),
                Err(kind) => {
                    self.done = kind.is_fatal();
                    return Some(Err(LabelError::new(&self.file, line, kind)));
                }
            }
        }
        None
    }
}

/// Splits a row into owned fields.
fn split_into(text: &str, delimiter: u8, out: &mut Vec<String>) -> Result<(), LabelErrorKind> {
    let mut fields: Vec<Cow<'_, str>> = Vec::new();
    split_delimited(text, delimiter, &mut fields).map_err(|_| LabelErrorKind::UnterminatedQuote)?;
    out.clear();
    out.extend(fields.into_iter().map(Cow::into_owned));
    Ok(())
}

/// The resolved columns when the mapping uses numbers only (and all of
/// them count from 1).
fn numbers_only(mapping: &CsvMapping) -> Option<Resolved> {
    let number = |c: &Column| match c {
        Column::Number(n) => n.checked_sub(1),
        Column::Name(_) => None,
    };
    let optional = |c: &Option<Column>| match c {
        Some(c) => number(c).map(Some),
        None => Some(None),
    };

    Some(Resolved {
        indicator: number(&mapping.indicator)?,
        category: optional(&mapping.category)?,
        date: optional(&mapping.date)?,
        severity: optional(&mapping.severity)?,
        reference: optional(&mapping.reference)?,
    })
}

/// The resolved columns, names looked up in the header row.
fn by_name(mapping: &CsvMapping, header: &[String]) -> Result<Resolved, LabelErrorKind> {
    let columns = [&mapping.category, &mapping.date, &mapping.severity, &mapping.reference];
    let zero = |c: &Column| *c == Column::Number(0);
    if zero(&mapping.indicator) || columns.iter().any(|c| c.as_ref().is_some_and(zero)) {
        return Err(LabelErrorKind::BadMapping("columns are counted from 1".to_owned()));
    }
    if mapping.header == HeaderMode::No {
        let message = "columns named by header, but header=no".to_owned();
        return Err(LabelErrorKind::BadMapping(message));
    }

    let find = |c: &Column| match c {
        Column::Number(n) => Ok(n.saturating_sub(1)),
        Column::Name(name) => {
            let at = header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
            at.ok_or_else(|| LabelErrorKind::UnknownColumn { name: name.clone() })
        }
    };
    let optional = |c: &Option<Column>| c.as_ref().map(find).transpose();

    Ok(Resolved {
        indicator: find(&mapping.indicator)?,
        category: optional(&mapping.category)?,
        date: optional(&mapping.date)?,
        severity: optional(&mapping.severity)?,
        reference: optional(&mapping.reference)?,
    })
}

/// Field `index`, or the error naming it.
fn cell<'a>(
    fields: &'a [String],
    index: usize,
    name: &'static str,
) -> Result<&'a str, LabelErrorKind> {
    let missing = LabelErrorKind::MissingColumn { column: index + 1, name };
    fields.get(index).map(|f| f.trim()).ok_or(missing)
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// A date cell: empty, or `YYYY-MM-DD` with anything after it.
fn date(text: &str) -> Result<Option<Date>, LabelErrorKind> {
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || LabelErrorKind::BadDate { text: text.to_owned() };
    Date::parse_prefix(text).map(Some).ok_or_else(bad)
}

/// A severity cell: empty, or low, medium, high.
fn severity(text: &str) -> Result<Option<Severity>, LabelErrorKind> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| LabelErrorKind::BadSeverity { text: text.to_owned() })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::labels::label::ListKind;

    fn read(mapping: &str, text: &str) -> Vec<Result<Label, String>> {
        let options = ListOptions::new("feed", ListKind::Block);
        let input = Box::new(Cursor::new(text.as_bytes().to_vec()));
        let reader =
            CsvReader::from_reader("f.csv".into(), input, mapping.parse().unwrap(), &options);
        reader.map(|item| item.map_err(|e| e.to_string())).collect()
    }

    #[test]
    fn mapping_syntax() {
        let m: CsvMapping =
            "indicator=2,category=4,date=1,delimiter=tab,header=no".parse().unwrap();
        assert_eq!(
            (m.indicator, m.delimiter, m.header),
            (Column::Number(2), b'\t', HeaderMode::No)
        );
        assert!("category=1".parse::<CsvMapping>().unwrap_err().contains("indicator=N"));
        assert!("indicator=0".parse::<CsvMapping>().is_err());
        assert!("indicator=1,colour=2".parse::<CsvMapping>().unwrap_err().contains("unknown key"));
    }

    #[test]
    fn numbered_columns_with_auto_header() {
        let text = concat!(
            "date,url,x,threat\n",
            "2024-01-31 10:00:00,\"http://Evil.example/a,b\",1,malware_download\n",
        );
        let rows = read("indicator=2,category=4,date=1", text);
        let label = rows[0].as_ref().unwrap();
        assert_eq!(&*label.indicator, "http://evil.example/a,b");
        assert_eq!(label.context.category.as_deref(), Some("malware_download"));
        assert_eq!(label.context.first_seen.unwrap().to_string(), "2024-01-31");
        assert_eq!((rows.len(), label.line), (1, 2));
    }

    #[test]
    fn named_columns() {
        let text = "# comment\nfirst_seen;host;sev\n2024-02-01;a.example;HIGH\n";
        let rows = read("indicator=host,date=first_seen,severity=sev,delimiter=;", text);
        let label = rows[0].as_ref().unwrap();
        assert_eq!(label.context.severity, Some(Severity::High));
        let missing = read("indicator=nope", "a,b\nx,y\n");
        assert_eq!(
            missing[0].as_ref().unwrap_err(),
            "f.csv:1: column \"nope\" is not in the header"
        );
    }

    #[test]
    fn column_zero_is_a_fatal_mapping_error() {
        let mut mapping: CsvMapping = "indicator=1".parse().unwrap();
        mapping.indicator = Column::Number(0);
        let options = ListOptions::new("feed", ListKind::Block);
        let input = Box::new(Cursor::new(b"a.example\nb.example\n".to_vec()));
        let mut reader = CsvReader::from_reader("f.csv".into(), input, mapping, &options);
        let error = reader.next().unwrap().unwrap_err();
        assert!(error.is_fatal(), "{error}");
        assert!(error.to_string().ends_with("counted from 1"), "{error}");
        assert!(reader.next().is_none());
    }

    #[test]
    fn contexts_are_shared_between_equal_rows() {
        let rows = read("indicator=1,category=2", "a.example,x\nb.example,x\nc.example,y\n");
        let (a, b, c) =
            (rows[0].as_ref().unwrap(), rows[1].as_ref().unwrap(), rows[2].as_ref().unwrap());
        assert!(Arc::ptr_eq(&a.context, &b.context));
        assert!(!Arc::ptr_eq(&b.context, &c.context));
    }
}
