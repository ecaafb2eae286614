//! The streaming reader: entries, directives, defaults and includes.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use nshunt_model::{Class, DomainName, Record, RrType};

use super::error::{ZoneError, ZoneErrorKind};
use super::fast::{SimpleLine, split_simple_line};
use super::lexer::{
    Fields, LexError, LineRead, LineSource, Scanner, Span, Tokens, split_words, tokenize,
};
use super::rdata::{RdataError, normalise, parse_class, parse_name, parse_type};
use super::values::{parse_int, parse_ttl};
use crate::input;

/// The default for [`ZoneOptions::max_record_bytes`]: 256 KiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 256 * 1024;

/// How many `$INCLUDE` files may nest inside one another.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// The most `$INCLUDE`s one zone may make in all: nesting multiplies
/// them, and a few small files must not make the reader work for hours.
pub const MAX_INCLUDES: usize = 1024;

/// How to read a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneOptions {
    /// The origin before any `$ORIGIN`; the root when `None`.
    pub origin: Option<DomainName>,
    /// The TTL before any `$TTL`, as if the file began with one.
    pub default_ttl: Option<u32>,
    /// Whether `$INCLUDE` is followed (only to files below the including
    /// file's directory). When `false`, `$INCLUDE` is a fatal error.
    pub allow_include: bool,
    /// The longest record (all its lines together) kept in memory;
    /// longer records are skipped with [`ZoneErrorKind::TooLong`].
    pub max_record_bytes: usize,
}

impl Default for ZoneOptions {
    fn default() -> Self {
        Self {
            origin: None,
            default_ttl: None,
            allow_include: false,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

/// A streaming reader of RFC 1035 master files.
///
/// It yields one record or error at a time and holds at most one record
/// in memory (bounded by [`ZoneOptions::max_record_bytes`]) per open
/// file. After a fatal error ([`ZoneError::is_fatal`]) it yields nothing
/// more. See [the module documentation](crate::zone) for the format.
pub struct ZoneReader {
    sources: Vec<Source>,
    state: State,
    allow_include: bool,
    max_record_bytes: usize,
    buf: Vec<u8>,
    tokens: Tokens,
    words: Vec<Span>,
    file: PathBuf,
    line: u64,
    done: bool,
    includes: usize,
}

/// One open file: the zone file or an included one.
struct Source {
    path: PathBuf,
    lines: LineSource,
    /// The canonical directory, once known.
    dir: Option<PathBuf>,
    /// The including file's origin, restored at the end (`None` for the
    /// zone file itself).
    outer_origin: Option<DomainName>,
}

/// What carries over from one record to the next.
struct State {
    origin: DomainName,
    default_ttl: Option<u32>,
    last_ttl: Option<u32>,
    last_class: Option<Class>,
    last_owner: Option<DomainName>,
    /// The text `last_owner` was parsed from, under the current origin;
    /// empty when it cannot be reused.
    last_owner_text: Vec<u8>,
    apex: Option<DomainName>,
}

/// The outcome of one step of reading.
enum Step {
    Record(Record),
    Error(ZoneError),
    Nothing,
    End,
}

impl ZoneReader {
    /// Opens the zone file at `path`, plain or compressed.
    pub fn open(path: &Path, options: ZoneOptions) -> Result<ZoneReader, ZoneError> {
        let input = input::open(path).map_err(|e| ZoneError {
            file: path.to_owned(),
            line: 0,
            kind: ZoneErrorKind::Open(e),
        })?;
        Ok(Self::from_reader(path.to_owned(), input.into_reader(), options))
    }

    /// Reads a zone from `reader`, which gives the text itself (open
    /// compressed files with [`input::open`]). `file` names the zone in
    /// errors, and its directory is the one `$INCLUDE` may read from.
    pub fn from_reader(
        file: PathBuf,
        reader: Box<dyn BufRead + Send>,
        options: ZoneOptions,
    ) -> ZoneReader {
        let source = Source {
            path: file.clone(),
            lines: LineSource::new(reader),
            dir: None,
            outer_origin: None,
        };
        let state = State {
            origin: options.origin.unwrap_or_else(DomainName::root),
            default_ttl: options.default_ttl,
            last_ttl: None,
            last_class: None,
            last_owner: None,
            last_owner_text: Vec::new(),
            apex: None,
        };

        ZoneReader {
            sources: vec![source],
            state,
            allow_include: options.allow_include,
            max_record_bytes: options.max_record_bytes,
            buf: Vec::new(),
            tokens: Tokens::default(),
            words: Vec::new(),
            file,
            line: 0,
            done: false,
            includes: 0,
        }
    }

    /// The number of the last line read in the file being read.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The file being read: the zone file, or an included file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The owner of the first SOA record read, if any.
    pub fn apex(&self) -> Option<&DomainName> {
        self.state.apex.as_ref()
    }

    /// The current origin, which completes relative names.
    pub fn origin(&self) -> &DomainName {
        &self.state.origin
    }

    /// Reads one line and whatever entry starts on it.
    fn step(&mut self) -> Step {
        let Some(source) = self.sources.last_mut() else {
            return Step::End;
        };

        let mut scan = Scanner::new(0);
        let read = source.lines.read(&mut self.buf, self.max_record_bytes, &mut scan);
        self.line = source.lines.line();
        match read {
            Err(e) => self.failure(self.line, ZoneErrorKind::Read(e)),
            Ok(LineRead::Eof) => self.pop_source(),
            Ok(LineRead::Overflow) => self.skip_long(self.line, &scan),
            Ok(LineRead::Line) => self.entry(),
        }
    }

    /// An entry whose first line is in `buf`.
    fn entry(&mut self) -> Step {
        let start = self.line;
        let result = match split_simple_line(&self.buf) {
            Some(simple) => self.state.simple_record(simple, &mut self.words),
            None => return self.general_entry(start),
        };
        self.outcome(start, result)
    }

    /// An entry that needs the tokenizer: perhaps several lines, a
    /// directive, omitted fields.
    fn general_entry(&mut self, start: u64) -> Step {
        let owner_omitted = matches!(self.buf.first(), Some(b' ' | b'\t'));
        if let Err(kind) = self.read_entry() {
            self.note_failed_owner(owner_omitted);
            return self.failure(start, kind);
        }
        if self.tokens.len() == 0 {
            return Step::Nothing;
        }

        let Some(mut fields) = self.tokens.fields() else {
            return self.failure(start, ZoneErrorKind::NotUtf8);
        };
        let directive = fields.peek().is_some_and(|f| !f.quoted && f.text.starts_with('$'));
        if directive && !owner_omitted {
            let words: Vec<String> = fields.by_ref().map(|f| f.text.to_owned()).collect();
            return self.directive(start, &words);
        }

        let result = self.state.entry_record(owner_omitted, fields);
        self.outcome(start, result)
    }

    /// After an entry that could not be read, its owner (when it wrote
    /// one) still becomes the previous owner, so that the lines after it
    /// that omit the owner are not given to an older one.
    fn note_failed_owner(&mut self, owner_omitted: bool) {
        if owner_omitted {
            return;
        }

        let first = self.tokens.fields().and_then(|mut fields| fields.next());
        match first.filter(|f| !f.quoted && !f.text.starts_with('$')) {
            Some(field) => drop(self.state.owner(field.text)),
            None if first.is_some() => {}
            None => self.state.last_owner = None,
        }
    }

    /// Tokenizes `buf` and the lines after it until the parentheses close.
    fn read_entry(&mut self) -> Result<(), ZoneErrorKind> {
        self.tokens.clear();
        let mut depth = 0;
        let mut used = self.buf.len();
        let mut error = tokenize(&self.buf, &mut depth, &mut self.tokens);

        while depth > 0 {
            let room = self.max_record_bytes.saturating_sub(used);
            match self.next_line(room, depth)? {
                (LineRead::Eof, _) => return Err(ZoneErrorKind::UnclosedParenthesis),
                (LineRead::Overflow, depth) => return Err(self.skip_rest(depth)),
                (LineRead::Line, _) => {}
            }

            used += self.buf.len();
            let line_error = tokenize(&self.buf, &mut depth, &mut self.tokens);
            error = error.or(line_error);
        }
        error.map_or(Ok(()), |e| Err(lex_kind(e)))
    }

    /// Reads the next line of the current file, inside `depth` open
    /// parentheses; returns how it ended and the depth after it when
    /// it overflowed.
    fn next_line(&mut self, room: usize, depth: u32) -> Result<(LineRead, u32), ZoneErrorKind> {
        let Some(source) = self.sources.last_mut() else {
            return Ok((LineRead::Eof, depth));
        };

        let mut scan = Scanner::new(depth);
        let read =
            source.lines.read(&mut self.buf, room, &mut scan).map_err(ZoneErrorKind::Read)?;
        self.line = source.lines.line();
        Ok((read, scan.depth()))
    }

    /// Skips the rest of a record whose first line is too long to keep,
    /// then reports it; a line of nothing but a comment is no record.
    fn skip_long(&mut self, start: u64, scan: &Scanner) -> Step {
        if !scan.has_content() {
            return Step::Nothing;
        }

        let kind = self.skip_rest(scan.depth());
        self.tokens.clear();
        self.note_failed_owner(self.sources.last().is_some_and(|s| s.lines.starts_blank()));
        self.failure(start, kind)
    }

    /// Reads past the lines of a record, without keeping them, until its
    /// parentheses close; returns the error that reports the record.
    fn skip_rest(&mut self, mut depth: u32) -> ZoneErrorKind {
        while depth > 0 {
            match self.next_line(0, depth) {
                Err(kind) => return kind,
                Ok((LineRead::Eof, _)) => break,
                Ok((LineRead::Overflow, after)) => depth = after,
                Ok((LineRead::Line, _)) => {}
            }
        }
        ZoneErrorKind::TooLong { limit: self.max_record_bytes }
    }

    fn directive(&mut self, start: u64, words: &[String]) -> Step {
        let result = match words[0].to_ascii_uppercase().as_str() {
            "$ORIGIN" => self.state.set_origin(&words[1..]),
            "$TTL" => self.state.set_ttl(&words[1..]),
            "$INCLUDE" => self.include(&words[1..]),
            _ => Err(ZoneErrorKind::UnsupportedDirective { directive: words[0].clone() }),
        };

        match result {
            Ok(()) => Step::Nothing,
            Err(kind) => self.failure(start, kind),
        }
    }

    /// Starts reading an included file (RFC 1035 §5.1 `$INCLUDE`).
    fn include(&mut self, args: &[String]) -> Result<(), ZoneErrorKind> {
        if !self.allow_include {
            return Err(ZoneErrorKind::IncludeRefused);
        }
        let (file, origin) = match args {
            [file] => (file, None),
            [file, origin] => (file, Some(origin)),
            _ => return Err(bad_directive("$INCLUDE", "expects a file and an optional origin")),
        };
        if self.sources.len() > MAX_INCLUDE_DEPTH {
            return Err(ZoneErrorKind::IncludeTooDeep { max: MAX_INCLUDE_DEPTH });
        }
        self.includes += 1;
        if self.includes > MAX_INCLUDES {
            return Err(ZoneErrorKind::TooManyIncludes { max: MAX_INCLUDES });
        }

        let origin = match origin {
            Some(text) => parse_name(text, &self.state.origin).map_err(ZoneErrorKind::BadName)?,
            None => self.state.origin.clone(),
        };
        let (path, dir) = self.resolve_include(file)?;
        self.push_source(path, dir, origin)
    }

    /// The path of an included file and its canonical directory, after
    /// checking that it lies below the including file's directory.
    fn resolve_include(&mut self, file: &str) -> Result<(PathBuf, PathBuf), ZoneErrorKind> {
        let Some(source) = self.sources.last_mut() else {
            return Err(ZoneErrorKind::IncludeRefused);
        };
        let zone_dir = source.directory()?;
        let path = zone_dir.join(file);
        let canonical = path
            .canonicalize()
            .map_err(|source| ZoneErrorKind::IncludeMissing { path: path.clone(), source })?;

        if !canonical.starts_with(&zone_dir) || canonical == zone_dir {
            return Err(ZoneErrorKind::IncludeOutside { path: canonical, dir: zone_dir });
        }
        if !canonical.is_file() {
            return Err(ZoneErrorKind::IncludeNotFile { path: canonical });
        }
        let dir = canonical.parent().unwrap_or(&zone_dir).to_owned();
        Ok((canonical, dir))
    }

    fn push_source(
        &mut self,
        path: PathBuf,
        dir: PathBuf,
        origin: DomainName,
    ) -> Result<(), ZoneErrorKind> {
        let input = input::open(&path)?;
        tracing::debug!(file = %path.display(), origin = %origin, "reading included file");

        let outer_origin = Some(self.state.change_origin(origin));
        let lines = LineSource::new(input.into_reader());
        self.file = path.clone();
        self.sources.push(Source { path, lines, dir: Some(dir), outer_origin });
        self.line = 0;
        Ok(())
    }

    /// Ends the current file, going back to the including one.
    fn pop_source(&mut self) -> Step {
        let Some(source) = self.sources.pop() else {
            return Step::End;
        };
        let Some(outer) = self.sources.last() else {
            return Step::End;
        };

        tracing::debug!(file = %source.path.display(), "end of included file");
        self.file = outer.path.clone();
        self.line = outer.lines.line();
        if let Some(origin) = source.outer_origin {
            self.state.change_origin(origin);
        }
        Step::Nothing
    }

    fn outcome(&self, start: u64, result: Result<Record, ZoneErrorKind>) -> Step {
        match result {
            Ok(record) => Step::Record(record),
            Err(kind) => self.failure(start, kind),
        }
    }

    /// The error for the entry starting on line `start`; a read error
    /// belongs to the line that could not be read.
    fn failure(&self, start: u64, kind: ZoneErrorKind) -> Step {
        if let ZoneErrorKind::Read(_) = kind {
            return Step::Error(ZoneError { file: self.file.clone(), line: self.line + 1, kind });
        }
        Step::Error(ZoneError { file: self.file.clone(), line: start, kind })
    }
}

impl Iterator for ZoneReader {
    type Item = Result<Record, ZoneError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.step() {
                Step::Record(record) => return Some(Ok(record)),
                Step::Error(error) => {
                    self.done = error.is_fatal();
                    return Some(Err(error));
                }
                Step::Nothing => {}
                Step::End => self.done = true,
            }
        }
        None
    }
}

impl std::fmt::Debug for ZoneReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZoneReader")
            .field("file", &self.file)
            .field("line", &self.line)
            .field("origin", &self.state.origin)
            .finish_non_exhaustive()
    }
}

impl Source {
    /// The canonical directory of this file, the one `$INCLUDE` may read.
    fn directory(&mut self) -> Result<PathBuf, ZoneErrorKind> {
        if let Some(dir) = &self.dir {
            return Ok(dir.clone());
        }

        let parent = self.path.parent().filter(|p| !p.as_os_str().is_empty());
        let parent = parent.unwrap_or(Path::new("."));
        let dir = parent
            .canonicalize()
            .map_err(|source| ZoneErrorKind::IncludeMissing { path: parent.to_owned(), source })?;
        self.dir = Some(dir.clone());
        Ok(dir)
    }
}

impl State {
    /// A record from a line the fast path has split.
    fn simple_record(
        &mut self,
        line: SimpleLine<'_>,
        words: &mut Vec<Span>,
    ) -> Result<Record, ZoneErrorKind> {
        let owner = self.owner(ascii(line.owner))?;
        let ttl_text = ascii(line.ttl);
        let ttl = parse_int(ttl_text, u64::from(u32::MAX))
            .and_then(|ttl| u32::try_from(ttl).ok())
            .ok_or_else(|| ZoneErrorKind::BadTtl { text: ttl_text.to_owned() })?;
        let class = parse_class(ascii(line.class))
            .ok_or_else(|| ZoneErrorKind::UnknownType { text: ascii(line.class).to_owned() })?;
        let rtype = parse_type(ascii(line.rtype))
            .ok_or_else(|| ZoneErrorKind::UnknownType { text: ascii(line.rtype).to_owned() })?;

        split_words(line.rdata, words);
        let fields = Fields::new(ascii(line.rdata), words);
        self.record(owner, Some(ttl), Some(class), rtype, fields)
    }

    /// A record from the tokens of an entry.
    fn entry_record(
        &mut self,
        owner_omitted: bool,
        mut fields: Fields<'_>,
    ) -> Result<Record, ZoneErrorKind> {
        let owner = if owner_omitted {
            self.last_owner.clone().ok_or(ZoneErrorKind::NoOwner)?
        } else {
            let field = fields.next().ok_or(ZoneErrorKind::MissingType)?;
            self.owner(field.text)?
        };

        let (ttl, class) = ttl_and_class(&mut fields)?;
        let rtype_text = fields.next().ok_or(ZoneErrorKind::MissingType)?.text;
        let rtype = parse_type(rtype_text)
            .ok_or_else(|| ZoneErrorKind::UnknownType { text: rtype_text.to_owned() })?;
        self.record(owner, ttl, class, rtype, fields)
    }

    /// The owner written as `text`, relative to the origin; the previous
    /// owner again when the text is the same.
    fn owner(&mut self, text: &str) -> Result<DomainName, ZoneErrorKind> {
        if let Some(owner) =
            self.last_owner.as_ref().filter(|_| self.last_owner_text == text.as_bytes())
        {
            return Ok(owner.clone());
        }

        self.last_owner_text.clear();
        self.last_owner = None;
        let owner = parse_name(text, &self.origin).map_err(ZoneErrorKind::BadName)?;
        self.last_owner_text.extend_from_slice(text.as_bytes());
        self.last_owner = Some(owner.clone());
        Ok(owner)
    }

    /// The record, once owner, TTL, class and type are known.
    fn record(
        &mut self,
        owner: DomainName,
        ttl: Option<u32>,
        class: Option<Class>,
        rtype: RrType,
        fields: Fields<'_>,
    ) -> Result<Record, ZoneErrorKind> {
        self.last_ttl = ttl.or(self.last_ttl);
        let class = class.or(self.last_class).unwrap_or(Class::IN);
        self.last_class = Some(class);

        let rdata = normalise(rtype, fields, &self.origin).map_err(|e| rdata_kind(rtype, e))?;
        let ttl = match ttl {
            Some(ttl) => ttl,
            None => self.implied_ttl(rtype, &rdata)?,
        };

        self.last_ttl = Some(ttl);
        if rtype == RrType::SOA && self.apex.is_none() {
            self.apex = Some(owner.clone());
        }
        Ok(Record { owner, ttl, class, rtype, rdata })
    }

    /// The TTL of a record written without one: `$TTL` (or the option
    /// `default_ttl`), else the previous record's TTL, else for an SOA its
    /// own minimum field.
    fn implied_ttl(&self, rtype: RrType, rdata: &str) -> Result<u32, ZoneErrorKind> {
        let soa_minimum = || {
            let last = rdata.rsplit(' ').next()?;
            (rtype == RrType::SOA).then(|| last.parse().ok()).flatten()
        };
        self.default_ttl.or(self.last_ttl).or_else(soa_minimum).ok_or(ZoneErrorKind::NoTtl)
    }

    fn set_origin(&mut self, args: &[String]) -> Result<(), ZoneErrorKind> {
        let [text] = args else {
            return Err(bad_directive("$ORIGIN", "expects one name"));
        };
        let origin = parse_name(text, &self.origin).map_err(ZoneErrorKind::BadName)?;
        self.change_origin(origin);
        Ok(())
    }

    fn set_ttl(&mut self, args: &[String]) -> Result<(), ZoneErrorKind> {
        let [text] = args else {
            return Err(bad_directive("$TTL", "expects one TTL"));
        };
        let ttl = parse_ttl(text).ok_or_else(|| ZoneErrorKind::BadTtl { text: text.clone() })?;
        self.default_ttl = Some(ttl);
        Ok(())
    }

    /// Sets the origin, returning the old one. Owner text read under the
    /// old origin can no longer be reused.
    fn change_origin(&mut self, origin: DomainName) -> DomainName {
        self.last_owner_text.clear();
        std::mem::replace(&mut self.origin, origin)
    }
}

/// Takes an optional TTL and an optional class, in either order.
fn ttl_and_class(fields: &mut Fields<'_>) -> Result<(Option<u32>, Option<Class>), ZoneErrorKind> {
    let (mut ttl, mut class) = (None, None);

    while let Some(field) = fields.peek().filter(|f| !f.quoted) {
        if ttl.is_none() && looks_numeric(field.text) {
            let value = parse_ttl(field.text)
                .ok_or_else(|| ZoneErrorKind::BadTtl { text: field.text.to_owned() })?;
            ttl = Some(value);
        } else if class.is_none() && parse_class(field.text).is_some() {
            class = parse_class(field.text);
        } else {
            break;
        }
        fields.next();
    }
    Ok((ttl, class))
}

/// Whether a token in TTL position is meant as a number: a digit first,
/// or a sign and a digit (a TTL that is then refused).
fn looks_numeric(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes {
        [b'-' | b'+', second, ..] => second.is_ascii_digit(),
        [first, ..] => first.is_ascii_digit(),
        [] => false,
    }
}

fn lex_kind(error: LexError) -> ZoneErrorKind {
    match error {
        LexError::UnopenedParenthesis => ZoneErrorKind::UnopenedParenthesis,
        LexError::UnterminatedQuote => ZoneErrorKind::UnterminatedQuote,
    }
}

fn rdata_kind(rtype: RrType, error: RdataError) -> ZoneErrorKind {
    match error {
        RdataError::Missing(field) => ZoneErrorKind::MissingField { rtype, field },
        RdataError::Bad(message) => ZoneErrorKind::BadRdata { rtype, message },
    }
}

fn bad_directive(directive: &'static str, message: &str) -> ZoneErrorKind {
    ZoneErrorKind::BadDirective { directive, message: message.to_owned() }
}

/// Bytes the fast path has checked to be ASCII, as text.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}
