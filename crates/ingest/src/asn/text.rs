//! Line and field splitting shared by the ASN and label readers.
//!
//! [`Lines`] reads one line at a time from a buffered reader, counts
//! lines from 1, strips `\r\n`, a UTF-8 byte-order mark on the first
//! line, and caps the length of a line so that a file without newlines
//! cannot take all memory. [`split_delimited`] splits one CSV or TSV
//! line, with RFC 4180 quoting (`"a, b"`, `""` for a quote).

use std::borrow::Cow;
use std::io::{self, BufRead};

/// The longest line kept, in bytes; longer lines are reported and
/// skipped without being held in memory.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// Why one line could not be given as text.
#[derive(Debug)]
pub(crate) enum LineError {
    /// Reading failed; the input is unusable from here on.
    Io(io::Error),
    /// The line holds bytes that are not UTF-8.
    NotUtf8,
    /// The line is longer than [`MAX_LINE_BYTES`].
    TooLong,
}

/// A line reader over any buffered input.
pub(crate) struct Lines {
    reader: Box<dyn BufRead + Send>,
    buf: Vec<u8>,
    line: u64,
    done: bool,
    /// Bytes of the reader's buffer given out as the last line, to
    /// consume before reading on.
    lent: usize,
}

impl Lines {
    /// Reads lines from `reader`.
    pub(crate) fn new(reader: Box<dyn BufRead + Send>) -> Self {
        Self { reader, buf: Vec::with_capacity(256), line: 0, done: false, lent: 0 }
    }

    /// The number of the line last returned, counted from 1.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The next line's number (from 1) and text, without its line
    /// ending; `None` at the end of the input and after an I/O error.
    ///
    /// A line that lies whole in the reader's buffer is given out from
    /// there; others are gathered into a buffer of our own.
    pub(crate) fn next_line(&mut self) -> Option<(u64, Result<&str, LineError>)> {
        if self.done {
            return None;
        }
        self.reader.consume(std::mem::take(&mut self.lent));

        let whole = match self.reader.fill_buf() {
            Ok(available) => memchr::memchr(b'\n', available),
            Err(_) => None,
        };
        if let Some(end) = whole {
            self.line += 1;
            self.lent = end + 1;
            if end > MAX_LINE_BYTES {
                return Some((self.line, Err(LineError::TooLong)));
            }
            let available = self.reader.fill_buf().ok()?;
            return Some((self.line, decode(&available[..end], self.line)));
        }

        let too_long = match self.fill_line() {
            Ok(Some(too_long)) => too_long,
            Ok(None) => return self.finish(None),
            Err(error) => return self.finish(Some(LineError::Io(error))),
        };

        self.line += 1;
        if too_long {
            return Some((self.line, Err(LineError::TooLong)));
        }
        Some((self.line, decode(&self.buf, self.line)))
    }

    /// Marks the reader as done and passes on what it is given.
    fn finish(&mut self, error: Option<LineError>) -> Option<(u64, Result<&str, LineError>)> {
        self.done = true;
        error.map(|e| (self.line + 1, Err(e)))
    }

    /// Reads the next line into the buffer. `None` at the end of the
    /// input, otherwise whether the line was too long to keep.
    fn fill_line(&mut self) -> io::Result<Option<bool>> {
        self.buf.clear();
        let mut seen_any = false;
        let mut too_long = false;

        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(seen_any.then_some(too_long));
            }

            seen_any = true;
            let (take, used, end) = match memchr::memchr(b'\n', available) {
                Some(at) => (at, at + 1, true),
                None => (available.len(), available.len(), false),
            };
            if self.buf.len() + take > MAX_LINE_BYTES {
                too_long = true;
            } else {
                self.buf.extend_from_slice(&available[..take]);
            }
            self.reader.consume(used);

            if end {
                return Ok(Some(too_long));
            }
        }
    }
}

/// A line's bytes as text, line ending and first-line BOM removed.
fn decode(mut bytes: &[u8], line: u64) -> Result<&str, LineError> {
    if let Some(rest) = bytes.strip_suffix(b"\r") {
        bytes = rest;
    }
    if line == 1 {
        bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    }

    std::str::from_utf8(bytes).map_err(|_| LineError::NotUtf8)
}

/// A quoted field that does not end on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UnterminatedQuote;

/// Splits one delimited line into `fields` (cleared first). Fields may be
/// quoted with `"`; a quote inside a quoted field is written `""`.
/// Unquoted fields are taken as written, spaces included.
pub(crate) fn split_delimited<'a>(
    line: &'a str,
    delimiter: u8,
    fields: &mut Vec<Cow<'a, str>>,
) -> Result<(), UnterminatedQuote> {
    fields.clear();
    let mut rest = line;

    loop {
        let (field, next) = if rest.starts_with('"') {
            quoted_field(rest, delimiter)?
        } else {
            plain_field(rest, delimiter)
        };
        fields.push(field);

        match next {
            Some(tail) => rest = tail,
            None => return Ok(()),
        }
    }
}

/// An unquoted field and the text after its delimiter, if any.
fn plain_field(text: &str, delimiter: u8) -> (Cow<'_, str>, Option<&str>) {
    match memchr::memchr(delimiter, text.as_bytes()) {
        Some(at) => (Cow::Borrowed(&text[..at]), Some(&text[at + 1..])),
        None => (Cow::Borrowed(text), None),
    }
}

/// A quoted field (starting at the opening quote) and the text after its
/// delimiter, if any. Text between the closing quote and the delimiter
/// is kept, as most CSV readers do.
fn quoted_field(
    text: &str,
    delimiter: u8,
) -> Result<(Cow<'_, str>, Option<&str>), UnterminatedQuote> {
    let bytes = text.as_bytes();
    let mut value = String::new();
    let mut start = 1;
    let mut i = 1;

    loop {
        let quote = memchr::memchr(b'"', &bytes[i..]).ok_or(UnterminatedQuote)? + i;
        if bytes.get(quote + 1) == Some(&b'"') {
            value.push_str(&text[start..=quote]);
            i = quote + 2;
            start = i;
            continue;
        }

        value.push_str(&text[start..quote]);
        let (tail, next) = plain_field(&text[quote + 1..], delimiter);
        value.push_str(&tail);
        return Ok((Cow::Owned(value), next));
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn split(line: &str, delimiter: u8) -> Vec<String> {
        let mut fields = Vec::new();
        split_delimited(line, delimiter, &mut fields).unwrap();
        fields.into_iter().map(Cow::into_owned).collect()
    }

    fn lines(data: &[u8]) -> Vec<Result<String, String>> {
        let mut lines = Lines::new(Box::new(Cursor::new(data.to_vec())));
        let mut out = Vec::new();
        while let Some((_, item)) = lines.next_line() {
            out.push(item.map(str::to_owned).map_err(|e| format!("{e:?}")));
        }
        out
    }

    #[test]
    fn csv_quotes() {
        assert_eq!(split(r#"1,2,"Cloudflare, Inc.""#, b','), ["1", "2", "Cloudflare, Inc."]);
        assert_eq!(split(r#"a,"LLC ""X""",c"#, b','), ["a", "LLC \"X\"", "c"]);
        assert_eq!(split("a,,", b','), ["a", "", ""]);
        assert_eq!(split("a\tb c", b'\t'), ["a", "b c"]);
        let mut fields = Vec::new();
        assert_eq!(split_delimited(r#"a,"open"#, b',', &mut fields), Err(UnterminatedQuote));
    }

    #[test]
    fn line_endings_bom_and_bad_bytes() {
        let got = lines(b"\xef\xbb\xbfone\r\ntwo\n\xff\nlast");
        assert_eq!(got[0], Ok("one".into()));
        assert_eq!(got[1], Ok("two".into()));
        assert_eq!(got[2], Err("NotUtf8".into()));
        assert_eq!(got[3], Ok("last".into()));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn lines_across_buffer_ends() {
        let data = b"first line\r\nsecond\n\nthird has no end".to_vec();
        let reader = std::io::BufReader::with_capacity(4, Cursor::new(data));
        let mut lines = Lines::new(Box::new(reader));
        let mut got = Vec::new();
        while let Some((line, text)) = lines.next_line() {
            got.push((line, text.unwrap().to_owned()));
        }
        let expect = [(1, "first line"), (2, "second"), (3, ""), (4, "third has no end")];
        assert_eq!(got, expect.map(|(n, t)| (n, t.to_owned())));
    }

    #[test]
    fn long_lines_are_skipped() {
        let mut data = vec![b'a'; MAX_LINE_BYTES + 10];
        data.extend_from_slice(b"\nok\n");
        let got = lines(&data);
        assert!(got.len() == 2 && got[0] == Err("TooLong".into()), "{:?}", got.len());
        assert_eq!(got[1], Ok("ok".into()));
    }
}
