//! The text readers: range CSV/TSV, iptoasn TSV and RouteViews pfx2as.

use std::borrow::Cow;
use std::io::BufRead;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use crate::asn::error::{AsnError, AsnErrorKind};
use crate::asn::number::Asn;
use crate::asn::range::IpRange;
use crate::asn::text::{Lines, split_delimited};

/// One row of an ASN table: a range and the AS that originates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsnRecord {
    /// The addresses the row covers.
    pub range: IpRange,
    /// The originating AS; `None` for rows that say "not routed" (AS0).
    pub asn: Option<Asn>,
    /// The AS holder's name, when the format gives one (a name that only
    /// repeats the number, `AS65002`, is no name).
    pub org: Option<String>,
    /// The holder's country code (iptoasn only), when known.
    pub country: Option<String>,
    /// For pfx2as rows with several origins (`a_b`) or an AS set
    /// (`a,b`): the origins other than [`AsnRecord::asn`], in file order.
    pub other_origins: Vec<Asn>,
    /// The line of the row, counted from 1 (for `.mmdb` files, the
    /// network's number in iteration order).
    pub line: u64,
}

/// The formats an ASN table can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AsnFormat {
    /// `start_ip,end_ip,asn,as_org` ranges, comma- or tab-separated
    /// (told by the first row), with an optional header row and quoted
    /// fields (`@ip-location-db/asn`, DB-IP ASN Lite).
    RangeCsv,
    /// iptoasn.com `ip2asn-v4.tsv`/`ip2asn-combined.tsv`: `range_start
    /// range_end AS_number country_code AS_description`, tab-separated.
    Iptoasn,
    /// RouteViews/CAIDA pfx2as: `prefix length asn`, blank-separated.
    Pfx2as,
    /// A MaxMind database in the GeoLite2-ASN layout (read with
    /// [`crate::asn::MmdbReader`], not [`AsnReader`]).
    Mmdb,
}

impl FromStr for AsnFormat {
    type Err = String;

    /// `range-csv`, `iptoasn`, `pfx2as` or `mmdb`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "range-csv" | "csv" | "tsv" => Ok(Self::RangeCsv),
            "iptoasn" => Ok(Self::Iptoasn),
            "pfx2as" | "routeviews" => Ok(Self::Pfx2as),
            "mmdb" | "maxmind" => Ok(Self::Mmdb),
            other => {
                Err(format!("unknown ASN format {other:?}: use range-csv, iptoasn, pfx2as or mmdb"))
            }
        }
    }
}

/// A streaming reader of a text ASN table.
///
/// Yields one [`AsnRecord`] per row; a bad row is an error value with
/// file and line, and reading goes on. A fatal error (the input cannot
/// be read) is the last item. Blank lines and lines starting with `#`
/// are skipped.
pub struct AsnReader {
    file: PathBuf,
    lines: Lines,
    format: AsnFormat,
    state: RowState,
    fields: Vec<String>,
}

/// What the reader has learnt from earlier rows.
#[derive(Debug, Default)]
struct RowState {
    /// Whether a data row (or header) has been seen.
    started: bool,
    /// The separator of range CSV files: `,` or tab.
    delimiter: u8,
}

impl std::fmt::Debug for AsnReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsnReader")
            .field("file", &self.file)
            .field("format", &self.format)
            .field("line", &self.lines.line())
            .finish_non_exhaustive()
    }
}

impl AsnReader {
    /// Opens `path` (plain, gzip or xz) in `format`.
    ///
    /// [`AsnFormat::Mmdb`] is refused here: use [`crate::asn::MmdbReader`].
    pub fn open(path: &Path, format: AsnFormat) -> Result<Self, AsnError> {
        let fail = |kind| AsnError { file: path.to_owned(), line: 0, kind };
        if format == AsnFormat::Mmdb {
            let message = "open .mmdb files with MmdbReader".to_owned();
            return Err(fail(AsnErrorKind::Database(message)));
        }

        let input = crate::input::open(path).map_err(|e| fail(e.into()))?;
        Ok(Self::from_reader(path.to_owned(), input.reader, format))
    }

    /// Reads `format` from any buffered reader; `file` names it in errors.
    pub fn from_reader(file: PathBuf, reader: Box<dyn BufRead + Send>, format: AsnFormat) -> Self {
        let lines = Lines::new(reader);
        Self { file, lines, format, state: RowState::default(), fields: Vec::new() }
    }

    /// The error for the current line.
    fn error(&self, kind: AsnErrorKind) -> AsnError {
        AsnError { file: self.file.clone(), line: self.lines.line(), kind }
    }
}

impl Iterator for AsnReader {
    type Item = Result<AsnRecord, AsnError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let parsed = match self.lines.next_line()?.1 {
                Err(error) => Err(AsnErrorKind::from(error)),
                Ok(text) => parse_row(self.format, &mut self.state, text, &mut self.fields),
            };

            match parsed {
                Ok(None) => continue,
                Ok(Some(mut record)) => {
                    record.line = self.lines.line();
                    return Some(Ok(record));
                }
                Err(kind) => return Some(Err(self.error(kind))),
            }
        }
    }
}

/// One row in `format`; `None` for comments, blank lines and headers.
fn parse_row(
    format: AsnFormat,
    state: &mut RowState,
    text: &str,
    fields: &mut Vec<String>,
) -> Result<Option<AsnRecord>, AsnErrorKind> {
    let text = text.trim_end();
    if text.trim_start().is_empty() || text.starts_with('#') {
        return Ok(None);
    }

    match format {
        AsnFormat::RangeCsv => range_csv_row(state, text, fields),
        AsnFormat::Iptoasn => iptoasn_row(text, fields).map(Some),
        AsnFormat::Pfx2as => pfx2as_row(text).map(Some),
        AsnFormat::Mmdb => Ok(None),
    }
}

/// `start_ip,end_ip,asn,as_org`; the first row may be a header.
fn range_csv_row(
    state: &mut RowState,
    text: &str,
    fields: &mut Vec<String>,
) -> Result<Option<AsnRecord>, AsnErrorKind> {
    let first = !state.started;
    if first {
        state.started = true;
        state.delimiter = if text.contains('\t') { b'\t' } else { b',' };
    }

    split_owned(text, state.delimiter, fields)?;
    let header = fields.first().is_none_or(|f| f.trim().parse::<IpAddr>().is_err());
    if first && header {
        return Ok(None);
    }

    let range = range_of(field(fields, 0, "start_ip")?, field(fields, 1, "end_ip")?)?;
    let asn = routed(Asn::parse(field(fields, 2, "asn")?)?);
    let org = non_empty(field(fields, 3, "as_org")?).filter(|o| !is_placeholder(o, asn));
    Ok(Some(AsnRecord { range, asn, org, country: None, other_origins: Vec::new(), line: 0 }))
}

/// `range_start range_end AS_number country_code AS_description`.
fn iptoasn_row(text: &str, fields: &mut Vec<String>) -> Result<AsnRecord, AsnErrorKind> {
    split_owned(text, b'\t', fields)?;

    let range = range_of(field(fields, 0, "range_start")?, field(fields, 1, "range_end")?)?;
    let asn = routed(Asn::parse(field(fields, 2, "AS_number")?)?);
    let country = field(fields, 3, "country_code")?.trim();
    let description = field(fields, 4, "AS_description")?;

    let country = (country != "None" && !country.is_empty()).then(|| country.to_owned());
    let org = if asn.is_none() { None } else { non_empty(description) };
    Ok(AsnRecord { range, asn, org, country, other_origins: Vec::new(), line: 0 })
}

/// `prefix length asn`, where asn may be `a_b` (several origins) or
/// `a,b` (an AS set): the first number is the origin, the rest are kept
/// in [`AsnRecord::other_origins`].
fn pfx2as_row(text: &str) -> Result<AsnRecord, AsnErrorKind> {
    let mut words = text.split_ascii_whitespace();
    let prefix = words.next().ok_or(AsnErrorKind::MissingField { field: "prefix" })?;
    let len = words.next().ok_or(AsnErrorKind::MissingField { field: "length" })?;
    let origins = words.next().ok_or(AsnErrorKind::MissingField { field: "asn" })?;

    let addr = address(prefix, "prefix")?;
    let len =
        len.parse::<u8>().map_err(|_| AsnErrorKind::BadPrefixLength { text: len.to_owned() })?;
    let range = IpRange::from_prefix(addr, len)?;

    let mut numbers = origins.split(['_', ',']).map(Asn::parse);
    let first = numbers.next().unwrap_or_else(|| Asn::parse(""))?;
    let other_origins = numbers.collect::<Result<Vec<_>, _>>()?;
    let asn = routed(first);
    Ok(AsnRecord { range, asn, org: None, country: None, other_origins, line: 0 })
}

/// Splits `text` into owned, trimmed-as-written fields.
fn split_owned(text: &str, delimiter: u8, out: &mut Vec<String>) -> Result<(), AsnErrorKind> {
    let mut fields: Vec<Cow<'_, str>> = Vec::new();
    split_delimited(text, delimiter, &mut fields).map_err(|_| AsnErrorKind::UnterminatedQuote)?;
    out.clear();
    out.extend(fields.into_iter().map(Cow::into_owned));
    Ok(())
}

/// Field `index`, or the error naming it.
fn field<'a>(
    fields: &'a [String],
    index: usize,
    name: &'static str,
) -> Result<&'a str, AsnErrorKind> {
    fields.get(index).map(String::as_str).ok_or(AsnErrorKind::MissingField { field: name })
}

/// The range between two address columns.
fn range_of(start: &str, end: &str) -> Result<IpRange, AsnErrorKind> {
    let start = address(start, "start address")?;
    let end = address(end, "end address")?;
    Ok(IpRange::new(start, end)?)
}

/// An address column.
fn address(text: &str, field: &'static str) -> Result<IpAddr, AsnErrorKind> {
    text.trim().parse().map_err(|_| AsnErrorKind::BadAddress { field, text: text.to_owned() })
}

/// AS0 means "not routed" (RFC 7607): no AS.
fn routed(asn: Asn) -> Option<Asn> {
    (asn.get() != 0).then_some(asn)
}

/// Whether a holder name only repeats the number (`AS65002` for AS65002),
/// as range tables write it when they know no name.
fn is_placeholder(org: &str, asn: Option<Asn>) -> bool {
    asn.is_some_and(|a| org.eq_ignore_ascii_case(&a.to_string()))
}

/// The trimmed text, or `None` when it is empty.
fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn read(format: AsnFormat, text: &str) -> Vec<Result<AsnRecord, String>> {
        let input = Box::new(Cursor::new(text.as_bytes().to_vec()));
        let reader = AsnReader::from_reader("t".into(), input, format);
        reader.map(|item| item.map_err(|e| e.to_string())).collect()
    }

    #[test]
    fn range_csv_with_header_and_quotes() {
        let text = "start,end,asn,org\n1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n";
        let rows = read(AsnFormat::RangeCsv, text);
        let row = rows[0].as_ref().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(row.org.as_deref(), Some("Cloudflare, Inc."));
        assert_eq!(row.asn, Some(Asn(13335)));
        assert_eq!(row.line, 2);
    }

    #[test]
    fn range_tsv() {
        let rows = read(AsnFormat::RangeCsv, "2001:db8::\t2001:db8::ffff\tAS1.10\tDoc\n");
        assert_eq!(rows[0].as_ref().unwrap().asn, Some(Asn(65546)));
    }

    #[test]
    fn placeholder_names_are_no_names() {
        let rows = read(AsnFormat::RangeCsv, "23.26.105.0,23.26.105.255,65002,AS65002\n");
        assert_eq!(rows[0].as_ref().unwrap().org, None);
    }

    #[test]
    fn iptoasn_not_routed_is_no_as() {
        let text = concat!(
            "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n",
            "1.0.1.0\t1.0.3.255\t0\tNone\tNot routed\n",
        );
        let rows = read(AsnFormat::Iptoasn, text);
        assert_eq!(rows[0].as_ref().unwrap().country.as_deref(), Some("US"));
        let unrouted = rows[1].as_ref().unwrap();
        assert_eq!(
            (unrouted.asn, unrouted.org.as_deref(), unrouted.country.as_deref()),
            (None, None, None)
        );
    }

    #[test]
    fn pfx2as_origins() {
        let rows = read(
            AsnFormat::Pfx2as,
            "1.0.0.0\t24\t13335\n8.8.8.0\t24\t15169_36040\n9.0.0.0 8 3,4\n",
        );
        assert_eq!(rows[0].as_ref().unwrap().range.to_string(), "1.0.0.0/24");
        let moas = rows[1].as_ref().unwrap();
        assert_eq!(
            (moas.asn, moas.other_origins.as_slice()),
            (Some(Asn(15169)), &[Asn(36040)][..])
        );
        assert_eq!(rows[2].as_ref().unwrap().other_origins, [Asn(4)]);
    }

    #[test]
    fn bad_rows_name_the_line_and_reading_goes_on() {
        let text = concat!(
            "1.0.0.0,1.0.0.255,1,A\n",
            "1.0.1.9,1.0.1.0,2,B\n",
            "1.0.2.0,1.0.2.255\n",
            "x,1.0.3.0,3,C\n",
            "1.0.4.0,1.0.4.255,4,D\n",
        );
        let rows = read(AsnFormat::RangeCsv, text);
        assert!(rows[0].is_ok() && rows[4].is_ok());
        assert!(rows[1].as_ref().unwrap_err().starts_with("t:2: range start 1.0.1.9 is after"));
        assert_eq!(rows[2].as_ref().unwrap_err(), "t:3: truncated row: missing the asn column");
        assert!(rows[3].as_ref().unwrap_err().starts_with("t:4: bad start address \"x\""));
    }
}
