//! Writing results: text for people, JSON and NDJSON for programs.
//!
//! Every command builds a serialisable value first and only then picks a
//! shape, so the JSON fields are the same whatever the command does in
//! text. JSON is one pretty document; NDJSON is one compact object per
//! line (list commands write one line per row).

use std::io::{self, Write};

use clap::ValueEnum;
use serde::Serialize;
use unicode_width::UnicodeWidthStr as _;

use crate::time::format_moment;

/// The output formats every command offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Text,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Ndjson,
}

/// Standard output with control characters escaped: text read from
/// input files (a registrar, an organisation, a PTR name) must not drive
/// the analyst's terminal. C0 controls other than newline and tab, DEL,
/// C1 controls (`U+0080`–`U+009F`) and the bidirectional formatting
/// characters (which reorder what follows them on screen) are written
/// as `\u001b`, which is also a valid escape inside a JSON string (JSON
/// writers escape C0 themselves; the others they pass through). Fields
/// that must stay on one line (table cells) are escaped further by
/// [`sanitize`].
pub struct Clean<W: Write> {
    inner: W,
    /// The first bytes of a multi-byte character that may be one to
    /// escape, held until the next byte decides.
    held: Vec<u8>,
}

/// Whether `c` is written escaped: a control character other than
/// newline and tab, or a bidirectional formatting character.
fn is_escaped(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// The bidirectional formatting characters (marks, embeddings,
/// overrides, isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl<W: Write> Clean<W> {
    pub fn new(inner: W) -> Self {
        Clean { inner, held: Vec::with_capacity(4) }
    }

    fn escape(&mut self, c: char) -> io::Result<()> {
        write!(self.inner, "\\u{:04x}", u32::from(c))
    }

    /// Bytes that may start a character to escape: C1 (`C2`), U+061C
    /// (`D8`), the others (`E2 80`, `E2 81`).
    fn may_start(held: &[u8]) -> bool {
        matches!(held, [0xc2] | [0xd8] | [0xe2] | [0xe2, 0x80] | [0xe2, 0x81])
    }

    /// Feeds one byte after a held prefix; returns whether it was used.
    fn continue_held(&mut self, b: u8) -> io::Result<bool> {
        self.held.push(b);
        if let Ok(text) = std::str::from_utf8(&self.held)
            && let Some(c) = text.chars().next()
        {
            let escaped = is_escaped(c);
            if escaped {
                self.escape(c)?;
            } else {
                self.inner.write_all(&self.held)?;
            }
            self.held.clear();
            return Ok(true);
        }
        if Self::may_start(&self.held) {
            return Ok(true);
        }
        // Not a character to escape: the held bytes go out as they are,
        // and this byte is read afresh.
        self.held.pop();
        let held = std::mem::take(&mut self.held);
        self.inner.write_all(&held)?;
        Ok(false)
    }
}

impl<W: Write> Write for Clean<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            if !self.held.is_empty() {
                if self.continue_held(b)? {
                    start = i + 1;
                    continue;
                }
                start = i;
            }
            let control = (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f;
            if control || Self::may_start(&[b]) {
                self.inner.write_all(&buf[start..i])?;
                start = i + 1;
                if control {
                    self.escape(char::from(b))?;
                } else {
                    self.held.push(b);
                }
            }
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let held = std::mem::take(&mut self.held);
        self.inner.write_all(&held)?;
        self.inner.flush()
    }
}

/// Writes `value` as one JSON document or one NDJSON line.
pub fn write_json<T: Serialize>(out: &mut impl Write, value: &T, format: Format) -> io::Result<()> {
    match format {
        Format::Ndjson => serde_json::to_writer(&mut *out, value)?,
        _ => serde_json::to_writer_pretty(&mut *out, value)?,
    }
    writeln!(out)
}

/// Writes rows as NDJSON lines.
pub fn write_ndjson_rows<T: Serialize>(out: &mut impl Write, rows: &[T]) -> io::Result<()> {
    for row in rows {
        serde_json::to_writer(&mut *out, row)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Keys whose integer values are moments (unix seconds) in the store's
/// structs; nshunt's JSON writes them as RFC 3339 UTC text.
const TIME_KEYS: &[&str] = &[
    "as_of",
    "day",
    "at",
    "listed_at",
    "first_seen",
    "last_seen",
    "observed_at",
    "ingested_at",
    "imported_at",
    "newest_observed_at",
    "created",
    "updated",
    "expires",
];

/// Serialises `value`, writing every moment as RFC 3339 UTC text.
pub fn to_json<T: Serialize>(value: &T) -> serde_json::Result<serde_json::Value> {
    let mut json = serde_json::to_value(value)?;
    times_to_text(&mut json);
    Ok(json)
}

fn times_to_text(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match (TIME_KEYS.contains(&key.as_str()), item.as_i64()) {
                    (true, Some(seconds)) => *item = Value::String(format_moment(seconds)),
                    _ => times_to_text(item),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(times_to_text),
        _ => {}
    }
}

/// A text table with a header, columns padded to their widest cell;
/// columns listed in `right` are right-aligned (numbers).
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<usize>,
}

impl Table {
    /// A table with these column titles.
    pub fn new(header: &[&str]) -> Self {
        Self { header: header.iter().map(|h| h.to_string()).collect(), rows: vec![], right: vec![] }
    }

    /// Right-aligns the given columns.
    pub fn right_align(mut self, columns: &[usize]) -> Self {
        self.right = columns.to_vec();
        self
    }

    /// Adds one row; each cell is kept on its line ([`sanitize`]).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.iter().map(|c| sanitize(c)).collect());
    }

    /// Writes the table; a table without rows writes only its header.
    pub fn write(&self, out: &mut impl Write, indent: &str) -> io::Result<()> {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|c| {
                let cells = self.rows.iter().filter_map(|r| r.get(c));
                cells.map(|s| s.width()).max().unwrap_or(0).max(self.header[c].len())
            })
            .collect();

        self.write_row(out, indent, &self.header, &widths)?;
        for row in &self.rows {
            self.write_row(out, indent, row, &widths)?;
        }
        Ok(())
    }

    fn write_row(
        &self,
        out: &mut impl Write,
        indent: &str,
        cells: &[String],
        widths: &[usize],
    ) -> io::Result<()> {
        let mut line = String::from(indent);
        for (c, cell) in cells.iter().enumerate() {
            // Padded by display width: a CJK character takes two columns.
            let pad = " ".repeat(widths[c].saturating_sub(cell.width()));
            let last = c + 1 == cells.len();
            match (self.right.contains(&c), last) {
                (true, _) => line.push_str(&(pad + cell)),
                (false, true) => line.push_str(cell),
                (false, false) => line.push_str(&(cell.clone() + &pad)),
            }
            if !last {
                line.push_str("  ");
            }
        }
        writeln!(out, "{}", line.trim_end())
    }
}

/// `count` and `word`, plural unless one: `1 domain`, `1,200 domains`.
pub fn counted(count: u64, word: &str) -> String {
    let s = if count == 1 { "" } else { "s" };
    format!("{} {word}{s}", thousands(count))
}

/// A domain as a table cell: an IDN with its Unicode form beside it
/// (`xn--acebook-27b.com (ƒacebook.com)`), which is what a victim sees.
pub fn name_cell(name: &str) -> String {
    if !name.contains("xn--") {
        return name.to_owned();
    }
    match nshunt_model::DomainName::parse(name).map(|n| n.to_unicode()) {
        Ok(unicode) if unicode != name => format!("{name} ({unicode})"),
        _ => name.to_owned(),
    }
}

/// A table cell holding a list: `-` when empty, the first two and how
/// many more otherwise, so that a name with thousands of addresses keeps
/// its row readable (JSON has them all).
pub fn list_cell(values: &[String]) -> String {
    const SHOWN: usize = 2;
    match values.len() {
        0 => "-".into(),
        n if n <= SHOWN => values.join(" "),
        n => format!("{} (+{} more)", values[..SHOWN].join(" "), thousands((n - SHOWN) as u64)),
    }
}

/// A number with thousands separators, for text output.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Writes one diagnostic line to stderr. A closed or failing stderr is
/// ignored (diagnostics must never stop the work), and control
/// characters from the input are escaped so that a crafted file cannot
/// drive the terminal.
pub fn diag(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{}", sanitize(&line.to_string()));
}

/// `text` with control characters (newlines and tabs too) and
/// bidirectional formatting characters escaped: for diagnostics and
/// table cells, which must stay on their line and in their order.
pub fn sanitize(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return text.to_owned();
    }
    // The same `\u001b` form as [`Clean`], so that one input reads the
    // same in every view; newline and tab as `\n` and `\t`.
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_owned(),
            '\t' => "\\t".to_owned(),
            c if c.is_control() || is_bidi_control(c) => format!("\\u{:04x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// `diag!("...", args)`: [`diag`] with `format!` syntax.
#[macro_export]
macro_rules! diag {
    ($($arg:tt)*) => { $crate::output::diag(format_args!($($arg)*)) };
}

/// Whether colour may be used on stderr: a terminal, and no `NO_COLOR`.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(123), "123");
    }

    #[test]
    fn table_aligns() {
        let mut t = Table::new(&["name", "n"]).right_align(&[1]);
        t.row(vec!["a".into(), "10".into()]);
        t.row(vec!["bbb".into(), "2".into()]);
        let mut out = Vec::new();
        t.write(&mut out, "").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "name   n\na     10\nbbb    2\n");
    }
}

#[cfg(test)]
mod clean_tests {
    use super::*;

    fn cleaned(chunks: &[&[u8]]) -> String {
        let mut out = Clean::new(Vec::new());
        for chunk in chunks {
            out.write_all(chunk).unwrap();
        }
        out.flush().unwrap();
        String::from_utf8(out.inner).unwrap()
    }

    #[test]
    fn bidi_controls_are_escaped_also_across_writes() {
        assert_eq!(cleaned(&["a\u{202e}b".as_bytes()]), "a\\u202eb");
        let bytes = "x\u{2067}y\u{2013}z".as_bytes();
        for cut in 1..bytes.len() {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(cleaned(&[a, b]), "x\\u2067y\u{2013}z", "cut at {cut}");
        }
        assert_eq!(sanitize("Evil\nInc\t\u{202e}\u{1b}"), "Evil\\nInc\\t\\u202e\\u001b");
    }

    #[test]
    fn controls_are_escaped_and_text_is_kept() {
        assert_eq!(
            cleaned(&[b"Bad\x1b[31mReg\r\n\tok\x7f"]),
            "Bad\\u001b[31mReg\\u000d\n\tok\\u007f"
        );
        // C1 CSI (U+009B), also split across writes; other C2 letters stay.
        assert_eq!(cleaned(&[b"a\xc2\x9bb"]), "a\\u009bb");
        assert_eq!(cleaned(&[b"a\xc2", b"\x9bb"]), "a\\u009bb");
        assert_eq!(cleaned(&["caf\u{e9} \u{a9}".as_bytes()]), "caf\u{e9} \u{a9}");
        let json = serde_json::to_string(&"x\u{9b}y").unwrap();
        let back: String = serde_json::from_str(&cleaned(&[json.as_bytes()])).unwrap();
        assert_eq!(back, "x\u{9b}y", "still valid JSON, same string");
    }
}
