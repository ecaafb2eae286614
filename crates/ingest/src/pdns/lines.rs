//! Lines of an input, bounded in length, with their numbers.

use std::io::{BufRead, ErrorKind};
use std::path::{Path, PathBuf};

use super::error::{PdnsError, PdnsErrorKind};
use crate::input;

/// The longest line kept in memory; longer lines are skipped as errors.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// A source of lines: the decoded input, the current line and its number.
pub(super) struct Lines {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    buf: Vec<u8>,
    line: u64,
    done: bool,
}

impl Lines {
    /// Opens `path`, plain or compressed ([`crate::input::open`]).
    pub(super) fn open(path: &Path) -> Result<Self, PdnsError> {
        let input = input::open(path).map_err(|e| PdnsError {
            file: path.to_owned(),
            line: 0,
            kind: PdnsErrorKind::Open(e),
        })?;
        Ok(Self::new(path.to_owned(), input.reader))
    }

    /// Reads lines from `reader`, naming `path` in errors.
    pub(super) fn new(path: PathBuf, reader: Box<dyn BufRead + Send>) -> Self {
        Self { path, reader, buf: Vec::new(), line: 0, done: false }
    }

    /// Moves to the next line: `None` at the end of the input, an error
    /// for a line too long (skipped) or a failed read (fatal, and the end).
    pub(super) fn advance(&mut self) -> Option<Result<(), PdnsError>> {
        if self.done {
            return None;
        }

        self.buf.clear();
        match self.read_line() {
            Ok(0) => {
                self.done = true;
                None
            }
            Ok(_) => Some(self.check_length()),
            Err(e) => {
                self.done = true;
                self.line += 1;
                Some(Err(self.error(PdnsErrorKind::Read(e))))
            }
        }
    }

    /// The current line, without its line ending.
    pub(super) fn bytes(&self) -> &[u8] {
        let line = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
        line.strip_suffix(b"\r").unwrap_or(line)
    }

    /// Stops reading: later calls to [`Lines::advance`] give `None`.
    pub(super) fn stop(&mut self) {
        self.done = true;
    }

    /// An error at the current line.
    pub(super) fn error(&self, kind: PdnsErrorKind) -> PdnsError {
        PdnsError { file: self.path.clone(), line: self.line, kind }
    }

    /// Reads up to and including the next newline, keeping at most
    /// [`MAX_LINE_BYTES`] + 1 bytes of it; returns the bytes consumed.
    fn read_line(&mut self) -> std::io::Result<usize> {
        let mut consumed = 0;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(consumed);
            }

            let (take, end) = match memchr::memchr(b'\n', available) {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            let room = (MAX_LINE_BYTES + 1).saturating_sub(self.buf.len());
            self.buf.extend_from_slice(&available[..take.min(room)]);
            self.reader.consume(take);
            consumed += take;
            if end {
                return Ok(consumed);
            }
        }
    }

    /// Counts the line and checks it against [`MAX_LINE_BYTES`].
    fn check_length(&mut self) -> Result<(), PdnsError> {
        self.line += 1;
        if self.bytes().len() > MAX_LINE_BYTES {
            return Err(self.error(PdnsErrorKind::TooLong { limit: MAX_LINE_BYTES }));
        }
        Ok(())
    }
}

/// `bytes` as text, or the error naming the first bad byte.
pub(super) fn utf8(bytes: &[u8]) -> Result<&str, PdnsErrorKind> {
    std::str::from_utf8(bytes).map_err(|e| PdnsErrorKind::NotUtf8 { column: e.valid_up_to() + 1 })
}
