//! Plain lists (one indicator a line) and hosts files.

use std::collections::VecDeque;
use std::io::BufRead;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::asn::text::Lines;
use crate::labels::error::{LabelError, LabelErrorKind};
use crate::labels::indicator::{Indicator, IndicatorError, parse_host_name, parse_indicator};
use crate::labels::label::{IndicatorKind, Label, LabelContext, ListKind, Severity};

/// How a simple list is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// One indicator a line (domain, IP, CIDR, URL, any defanged form);
    /// `#` and `;` start comments, at the start of a line or after a blank.
    Plain,
    /// A hosts file: `0.0.0.0 a.example b.example # comment`. Every name
    /// after the address is an entry; `localhost`, `localhost.localdomain`,
    /// `local`, `broadcasthost`, `ip6-*` and `0.0.0.0` are ignored.
    Hosts,
}

/// What every entry of a list shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOptions {
    /// The source's name ([`LabelContext::source`]).
    pub source: String,
    /// The kind of list.
    pub list: ListKind,
    /// The category of every entry, if the list has one.
    pub category: Option<String>,
    /// The severity of every entry, if the list has one.
    pub severity: Option<Severity>,
}

impl ListOptions {
    /// Options with only the source and the list kind.
    pub fn new(source: &str, list: ListKind) -> Self {
        Self { source: source.to_owned(), list, category: None, severity: None }
    }

    /// The shared context for the entries of `file`.
    pub(crate) fn context(&self, file: &Path) -> LabelContext {
        let mut context = LabelContext::new(&self.source, &file.display().to_string(), self.list);
        context.category = self.category.clone();
        context.severity = self.severity;
        context
    }
}

/// A streaming reader of a plain list or a hosts file.
///
/// Yields one [`Label`] per entry; a bad entry is an error value with
/// file and line, and reading goes on. A fatal error is the last item.
pub struct ListReader {
    file: PathBuf,
    lines: Lines,
    format: ListFormat,
    context: Arc<LabelContext>,
    pending: VecDeque<Result<Label, LabelError>>,
}

impl std::fmt::Debug for ListReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListReader")
            .field("file", &self.file)
            .field("format", &self.format)
            .field("line", &self.lines.line())
            .finish_non_exhaustive()
    }
}

impl ListReader {
    /// Opens `path` (plain, gzip or xz).
    pub fn open(
        path: &Path,
        format: ListFormat,
        options: &ListOptions,
    ) -> Result<Self, LabelError> {
        let input = crate::input::open(path).map_err(|e| LabelError::new(path, 0, e.into()))?;
        Ok(Self::from_reader(path.to_owned(), input.reader, format, options))
    }

    /// Reads any buffered input; `file` names it in labels and errors.
    pub fn from_reader(
        file: PathBuf,
        reader: Box<dyn BufRead + Send>,
        format: ListFormat,
        options: &ListOptions,
    ) -> Self {
        let context = Arc::new(options.context(&file));
        let lines = Lines::new(reader);
        Self { file, lines, format, context, pending: VecDeque::new() }
    }

    fn error(&self, kind: LabelErrorKind) -> LabelError {
        LabelError::new(&self.file, self.lines.line(), kind)
    }
}

impl Iterator for ListReader {
    type Item = Result<Label, LabelError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }

            let (line, text) = match self.lines.next_line()? {
                (line, Ok(text)) => (line, strip_comment(text, b"#;").trim()),
                (_, Err(error)) => return Some(Err(self.error(error.into()))),
            };
            if text.is_empty() {
                continue;
            }

            let at = Place { file: &self.file, line, context: &self.context };
            match self.format {
                ListFormat::Plain => return Some(at.entry(parse_indicator(text))),
                ListFormat::Hosts => hosts_line(&at, text, &mut self.pending),
            }
        }
    }
}

/// Where an entry was read, and what its list says of it.
pub(crate) struct Place<'a> {
    pub(crate) file: &'a Path,
    pub(crate) line: u64,
    pub(crate) context: &'a Arc<LabelContext>,
}

impl Place<'_> {
    /// The label for an indicator read here.
    pub(crate) fn label(&self, indicator: Indicator) -> Label {
        Label {
            indicator: indicator.value,
            kind: indicator.kind,
            port: indicator.port,
            line: self.line,
            context: Arc::clone(self.context),
        }
    }

    /// The error for this line.
    pub(crate) fn error(&self, kind: LabelErrorKind) -> LabelError {
        LabelError::new(self.file, self.line, kind)
    }

    /// A label or an error, from what parsing the entry gave.
    pub(crate) fn entry(
        &self,
        parsed: Result<Indicator, IndicatorError>,
    ) -> Result<Label, LabelError> {
        match parsed {
            Ok(indicator) => Ok(self.label(indicator)),
            Err(e) => Err(self.error(e.into())),
        }
    }
}

/// Reads one hosts line into `out`.
fn hosts_line(at: &Place<'_>, text: &str, out: &mut VecDeque<Result<Label, LabelError>>) {
    let mut words = text.split_ascii_whitespace();
    let Some(address) = words.next() else { return };
    if address.parse::<IpAddr>().is_err() {
        out.push_back(Err(at.error(LabelErrorKind::BadHostsLine("it must start with an address"))));
        return;
    }

    let names: Vec<&str> = words.collect();
    if names.is_empty() {
        out.push_back(Err(
            at.error(LabelErrorKind::BadHostsLine("no host names after the address"))
        ));
    }
    for name in names.into_iter().filter(|n| !ignored_host(n)) {
        let parsed = parse_host_name(name);
        out.push_back(at.entry(parsed.map(|value| Indicator {
            kind: IndicatorKind::Domain,
            value,
            port: None,
        })));
    }
}

/// Names of hosts files that are not entries.
fn ignored_host(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "localhost" | "localhost.localdomain" | "local" | "broadcasthost" | "0.0.0.0"
    ) || lower.starts_with("ip6-")
}

/// The line without its comment: from a comment character (`markers`,
/// one or two) at the start or after a blank. (`a#b` keeps its `#`:
/// URLs have fragments.)
pub(crate) fn strip_comment<'a>(line: &'a str, markers: &[u8]) -> &'a str {
    let bytes = line.as_bytes();
    let (first, second) = match markers {
        [one] => (*one, *one),
        [one, two, ..] => (*one, *two),
        [] => return line,
    };

    let starts_comment = |&i: &usize| i == 0 || bytes[i - 1].is_ascii_whitespace();
    match memchr::memchr2_iter(first, second, bytes).find(starts_comment) {
        Some(at) => &line[..at],
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn read(format: ListFormat, text: &str) -> Vec<Result<(String, u64), String>> {
        let options = ListOptions::new("test", ListKind::Block);
        let input = Box::new(Cursor::new(text.as_bytes().to_vec()));
        let reader = ListReader::from_reader("list.txt".into(), input, format, &options);
        reader
            .map(|item| item.map(|l| (l.indicator.into(), l.line)).map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn plain_lists() {
        let got = read(
            ListFormat::Plain,
            "# head\n\nEvil.example\n; note\n1.2.3.4 # why\nhttp://x.example/#frag\n",
        );
        let ok: Vec<(String, u64)> = got.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            ok,
            [
                ("evil.example".into(), 3),
                ("1.2.3.4".into(), 5),
                ("http://x.example/#frag".into(), 6)
            ]
        );
    }

    #[test]
    fn hosts_files() {
        let text = concat!(
            "127.0.0.1 localhost\n",
            "::1 ip6-localhost ip6-loopback\n",
            "0.0.0.0 a.example B.example # ads\n",
            "0.0.0.0\n",
            "bad.example\n",
            "0.0.0.0 bad!name ok.example\n",
        );
        let got = read(ListFormat::Hosts, text);
        assert_eq!(got[0], Ok(("a.example".into(), 3)));
        assert_eq!(got[1], Ok(("b.example".into(), 3)));
        assert_eq!(
            got[2],
            Err("list.txt:4: bad hosts line: no host names after the address".into())
        );
        assert_eq!(got[3], Err("list.txt:5: bad hosts line: it must start with an address".into()));
        assert!(got[4].as_ref().unwrap_err().starts_with("list.txt:6: "));
        assert_eq!(got[5], Ok(("ok.example".into(), 6)));
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn comments() {
        assert_eq!(strip_comment("a.example # x", b"#"), "a.example ");
        assert_eq!(strip_comment("http://a/#x", b"#"), "http://a/#x");
        assert_eq!(strip_comment("# all", b"#"), "");
    }
}
