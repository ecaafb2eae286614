//! Lines and tokens of a master file, in bounded memory.
//!
//! [`LineSource`] reads one line at a time and keeps at most the room it
//! is given; the bytes beyond go through a [`Scanner`], which follows
//! quotes, comments and parentheses without storing anything, so that a
//! record too long to keep can still be skipped up to its real end.
//! [`tokenize`] cuts a kept line into tokens (RFC 1035 §5.1).

use std::io::{self, BufRead};

/// How a read line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineRead {
    /// No more bytes.
    Eof,
    /// A line, kept whole in the buffer.
    Line,
    /// A line longer than the room; the buffer is empty and the scanner
    /// has seen the whole line.
    Overflow,
}

/// A reader split into lines, with the number of the last line read.
pub(super) struct LineSource {
    reader: Box<dyn BufRead + Send>,
    line: u64,
    starts_blank: bool,
}

impl LineSource {
    /// Lines of `reader`, none read yet.
    pub(super) fn new(reader: Box<dyn BufRead + Send>) -> Self {
        Self { reader, line: 0, starts_blank: false }
    }

    /// The number of the last line read, from 1.
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    /// Whether the last line read starts with a blank (its owner omitted),
    /// known even when the line overflowed.
    pub(super) fn starts_blank(&self) -> bool {
        self.starts_blank
    }

    /// Reads the next line into `buf` (cleared first), without its end.
    ///
    /// At most `room` bytes are kept; a longer line is fed to `scan`
    /// instead, kept part first, and reported as an overflow.
    pub(super) fn read(
        &mut self,
        buf: &mut Vec<u8>,
        room: usize,
        scan: &mut Scanner,
    ) -> io::Result<LineRead> {
        buf.clear();
        let mut seen_any = false;
        let mut overflow = false;

        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(self.ended(seen_any, overflow, scan));
            }

            let newline = memchr::memchr(b'\n', chunk);
            let data = &chunk[..newline.unwrap_or(chunk.len())];
            if !seen_any {
                self.starts_blank = matches!(data.first(), Some(b' ' | b'\t'));
            }
            overflow = keep(buf, data, room, overflow, scan);
            let used = newline.map_or(chunk.len(), |i| i + 1);
            self.reader.consume(used);
            seen_any = true;

            if newline.is_some() {
                return Ok(self.ended(true, overflow, scan));
            }
        }
    }

    /// Counts a finished line and says how it ended.
    fn ended(&mut self, seen_any: bool, overflow: bool, scan: &mut Scanner) -> LineRead {
        if !seen_any {
            return LineRead::Eof;
        }

        self.line += 1;
        if overflow {
            scan.end_line();
            LineRead::Overflow
        } else {
            LineRead::Line
        }
    }
}

/// Keeps `data` in `buf` while there is room, else scans it; returns
/// whether the line has overflowed.
fn keep(buf: &mut Vec<u8>, data: &[u8], room: usize, overflow: bool, scan: &mut Scanner) -> bool {
    if overflow {
        scan.feed(data);
        return true;
    }
    if buf.len() + data.len() <= room {
        buf.extend_from_slice(data);
        return false;
    }

    scan.feed(buf);
    scan.feed(data);
    buf.clear();
    true
}

/// Follows parentheses through bytes it does not keep.
#[derive(Debug, Clone, Default)]
pub(super) struct Scanner {
    depth: u32,
    quoted: bool,
    comment: bool,
    escape: bool,
    content: bool,
}

impl Scanner {
    /// A scanner inside `depth` open parentheses, at the start of a line.
    pub(super) fn new(depth: u32) -> Self {
        Self { depth, ..Self::default() }
    }

    /// Open parentheses after the bytes seen so far.
    pub(super) fn depth(&self) -> u32 {
        self.depth
    }

    /// Whether anything but blanks and comments has been seen.
    pub(super) fn has_content(&self) -> bool {
        self.content
    }

    /// Follows the bytes of one line (in pieces, without its end).
    pub(super) fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.step(b);
        }
    }

    /// Ends a line: comments end there, and so do quoted strings.
    pub(super) fn end_line(&mut self) {
        self.quoted = false;
        self.comment = false;
        self.escape = false;
    }

    fn step(&mut self, b: u8) {
        if self.comment {
            return;
        }
        if self.escape {
            self.escape = false;
            return;
        }

        self.content |= !matches!(b, b' ' | b'\t' | b'\r' | b';') || self.quoted;
        match b {
            b'\\' => self.escape = true,
            b'"' => self.quoted = !self.quoted,
            _ if self.quoted => {}
            b';' => self.comment = true,
            b'(' => self.depth = self.depth.saturating_add(1),
            b')' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// A token's place in a text, and whether it was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    start: usize,
    end: usize,
    quoted: bool,
}

impl Span {
    /// The bytes `start..end`, quoted or not.
    pub(super) fn new(start: usize, end: usize, quoted: bool) -> Self {
        Self { start, end, quoted }
    }
}

/// The tokens of one entry (a record or directive, perhaps over several
/// lines), their bytes copied one after the other.
#[derive(Debug, Default)]
pub(super) struct Tokens {
    bytes: Vec<u8>,
    spans: Vec<Span>,
}

impl Tokens {
    /// Forgets every token.
    pub(super) fn clear(&mut self) {
        self.bytes.clear();
        self.spans.clear();
    }

    /// The number of tokens.
    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    /// All tokens as [`Fields`]; `None` when one of them is not UTF-8.
    ///
    /// The tokens are checked together, then their boundaries: two
    /// tokens may each hold half of a character that is valid only once
    /// they are put side by side.
    pub(super) fn fields(&self) -> Option<Fields<'_>> {
        let text = std::str::from_utf8(&self.bytes).ok()?;
        let aligned = self
            .spans
            .iter()
            .all(|span| text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        aligned.then(|| Fields::new(text, &self.spans))
    }

    fn push(&mut self, token: &[u8], quoted: bool) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(token);
        self.spans.push(Span::new(start, self.bytes.len(), quoted));
    }
}

/// A problem found while cutting a line into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LexError {
    /// `)` with no `(` open.
    UnopenedParenthesis,
    /// A quoted string still open at the end of the line.
    UnterminatedQuote,
}

/// Cuts one line into tokens, following open parentheses in `depth`.
///
/// The first problem is returned, but the line is read to its end so
/// that the parentheses stay counted.
pub(super) fn tokenize(line: &[u8], depth: &mut u32, tokens: &mut Tokens) -> Option<LexError> {
    let mut error = None;
    let mut i = 0;

    while i < line.len() {
        match line[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b';' => break,
            b'(' => {
                *depth = depth.saturating_add(1);
                i += 1;
            }
            b')' => {
                if *depth == 0 {
                    error.get_or_insert(LexError::UnopenedParenthesis);
                }
                *depth = depth.saturating_sub(1);
                i += 1;
            }
            b'"' => match quoted_end(line, i + 1) {
                Some(end) => {
                    tokens.push(&line[i + 1..end], true);
                    i = end + 1;
                }
                None => return Some(LexError::UnterminatedQuote),
            },
            _ => {
                let end = bare_end(line, i);
                tokens.push(&line[i..end], false);
                i = end;
            }
        }
    }
    error
}

/// The index of the quote closing a string whose text starts at `from`.
fn quoted_end(line: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The end of an unquoted token starting at `from`.
fn bare_end(line: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 2,
            b' ' | b'\t' | b'\r' | b';' | b'(' | b')' | b'"' => break,
            _ => i += 1,
        }
    }
    i.min(line.len())
}

/// One token of record data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Field<'a> {
    /// The text, escapes still in it; without quotes when quoted.
    pub text: &'a str,
    /// Whether it was written as a quoted string.
    pub quoted: bool,
}

/// The tokens of an entry, taken from the front.
#[derive(Debug, Clone)]
pub(super) struct Fields<'a> {
    text: &'a str,
    spans: &'a [Span],
}

impl<'a> Fields<'a> {
    /// The tokens `spans` of `text`.
    pub(super) fn new(text: &'a str, spans: &'a [Span]) -> Self {
        Self { text, spans }
    }

    /// The next token, not taken.
    pub(super) fn peek(&self) -> Option<Field<'a>> {
        let span = self.spans.first()?;
        let text = self.text.get(span.start..span.end).unwrap_or_default();
        Some(Field { text, quoted: span.quoted })
    }

    /// Whether every token has been taken.
    pub(super) fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The number of tokens left.
    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Field<'a>;

    fn next(&mut self) -> Option<Field<'a>> {
        let field = self.peek()?;
        self.spans = &self.spans[1..];
        Some(field)
    }
}

/// Spans of the blank-separated words of `text` (no quotes, no escapes),
/// for lines the fast path has checked.
pub(super) fn split_words(text: &[u8], spans: &mut Vec<Span>) {
    spans.clear();
    let mut i = 0;
    while i < text.len() {
        if matches!(text[i], b' ' | b'\t') {
            i += 1;
            continue;
        }

        let start = i;
        while i < text.len() && !matches!(text[i], b' ' | b'\t') {
            i += 1;
        }
        spans.push(Span::new(start, i, false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> (Vec<(String, bool)>, u32, Option<LexError>) {
        let mut tokens = Tokens::default();
        let mut depth = 0;
        let error = tokenize(line.as_bytes(), &mut depth, &mut tokens);
        let list = tokens.fields().unwrap().map(|f| (f.text.to_owned(), f.quoted)).collect();
        (list, depth, error)
    }

    #[test]
    fn tokens_quotes_escapes_comments() {
        let (list, depth, error) = tokens(r#"a\ b ( "x \" y" c\;d ) ; comment "#);
        let want = [("a\\ b", false), ("x \\\" y", true), ("c\\;d", false)];
        assert_eq!(list, want.map(|(t, q)| (t.to_owned(), q)));
        assert_eq!((depth, error), (0, None));
    }

    #[test]
    fn halves_of_a_character_in_two_tokens_are_not_utf8() {
        let mut tokens = Tokens::default();
        tokenize(b"a \xd6 \xa0", &mut 0, &mut tokens);
        assert!(tokens.fields().is_none());
        tokens.clear();
        tokenize("a \u{5a0}".as_bytes(), &mut 0, &mut tokens);
        assert_eq!(tokens.fields().unwrap().nth(1).unwrap().text, "\u{5a0}");
    }

    #[test]
    fn parentheses_and_quotes_are_checked() {
        assert_eq!(tokens("a ( b").1, 1);
        assert_eq!(tokens("a ) b").2, Some(LexError::UnopenedParenthesis));
        assert_eq!(tokens("a \"b").2, Some(LexError::UnterminatedQuote));
    }

    #[test]
    fn scanner_follows_what_is_not_kept() {
        let mut scan = Scanner::new(1);
        scan.feed(br#"x "(" \( ; ("#);
        assert_eq!(scan.depth(), 1);
        assert!(scan.has_content());
        scan.end_line();
        scan.feed(b"))");
        assert_eq!(scan.depth(), 0);
    }

    #[test]
    fn comments_are_not_content() {
        let mut scan = Scanner::new(0);
        scan.feed(b"  \t; (x \"y\"");
        assert!(!scan.has_content());
        assert_eq!(scan.depth(), 0);
    }

    #[test]
    fn long_lines_overflow_into_the_scanner() {
        let data = format!("short\n{}(\nnext", "x".repeat(100));
        let mut source = LineSource::new(Box::new(std::io::Cursor::new(data)));
        let mut buf = Vec::new();
        let mut scan = Scanner::new(0);

        assert_eq!(source.read(&mut buf, 10, &mut scan).unwrap(), LineRead::Line);
        assert_eq!(buf, b"short");
        assert_eq!(source.read(&mut buf, 10, &mut scan).unwrap(), LineRead::Overflow);
        assert_eq!((buf.len(), scan.depth(), source.starts_blank()), (0, 1, false));
        assert_eq!(source.read(&mut buf, 10, &mut scan).unwrap(), LineRead::Line);
        assert_eq!((buf.as_slice(), source.line()), (&b"next"[..], 3));
        assert_eq!(source.read(&mut buf, 10, &mut scan).unwrap(), LineRead::Eof);
    }
}
