//! Errors of the label readers.

use std::io;
use std::path::PathBuf;

use crate::asn::text::LineError;
use crate::input::InputError;
use crate::labels::indicator::IndicatorError;

/// One error, with the file and line it belongs to.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {kind}", file.display(), line_suffix(*line))]
pub struct LabelError {
    /// The file being read.
    pub file: PathBuf,
    /// The line, counted from 1 (0 for the file as a whole).
    pub line: u64,
    /// What went wrong.
    pub kind: LabelErrorKind,
}

impl LabelError {
    /// Whether the input (this file) is unusable, so that reading it
    /// stops. A non-fatal error spoils one entry (or one comment) only.
    pub fn is_fatal(&self) -> bool {
        self.kind.is_fatal()
    }

    pub(crate) fn new(file: impl Into<PathBuf>, line: u64, kind: LabelErrorKind) -> Self {
        Self { file: file.into(), line, kind }
    }
}

/// `:line` for line-based errors, nothing for the file as a whole.
fn line_suffix(line: u64) -> String {
    if line == 0 { String::new() } else { format!(":{line}") }
}

/// Every way reading a list can fail.
///
/// `Open`, `Read`, `ListFolder`, `BadMapping` and `UnknownColumn` are
/// fatal ([`LabelErrorKind::is_fatal`]); the rest reject one entry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabelErrorKind {
    /// The file could not be opened.
    #[error(transparent)]
    Open(#[from] InputError),

    /// Reading failed: an I/O error, or compressed data that is corrupt
    /// or cut short.
    #[error("cannot read the input: {0}")]
    Read(#[source] io::Error),

    /// A folder of lists could not be listed.
    #[error("cannot list the folder: {0}")]
    ListFolder(#[source] io::Error),

    /// A CSV column mapping that cannot be used with this file.
    #[error("bad column mapping: {0}")]
    BadMapping(String),

    /// A column named in the mapping is not in the header.
    #[error("column {name:?} is not in the header")]
    UnknownColumn {
        /// The name asked for.
        name: String,
    },

    /// The line holds bytes that are not UTF-8.
    #[error("line is not valid UTF-8")]
    NotUtf8,

    /// The line is longer than the readers keep.
    #[error("line longer than {limit} bytes, skipped")]
    TooLong {
        /// The limit in bytes.
        limit: usize,
    },

    /// The entry is not an indicator.
    #[error(transparent)]
    BadIndicator(#[from] IndicatorError),

    /// A CSV row without the column the mapping reads.
    #[error("truncated row: missing column {column} ({name})")]
    MissingColumn {
        /// The column, counted from 1.
        column: usize,
        /// What the mapping reads from it.
        name: &'static str,
    },

    /// A quoted CSV field that is not closed on its line.
    #[error("quoted field not closed before the end of the line")]
    UnterminatedQuote,

    /// A date that is not `YYYY-MM-DD` (or `YYYY/MM/DD`), or does not exist.
    #[error("bad date {text:?}: write YYYY-MM-DD")]
    BadDate {
        /// The text as written.
        text: String,
    },

    /// A severity that is not low, medium or high.
    #[error("bad severity {text:?}: write low, medium or high")]
    BadSeverity {
        /// The text as written.
        text: String,
    },

    /// A hosts-file line that does not start with an address, or has no
    /// names after it.
    #[error("bad hosts line: {0}")]
    BadHostsLine(&'static str),

    /// A maltrail comment that says nothing usable (an empty
    /// `# Reference:` or `# Aliases:`, an impossible date).
    #[error("bad comment: {0}")]
    BadComment(String),
}

impl LabelErrorKind {
    /// Whether this error makes the input unusable.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Self::Open(_)
                | Self::Read(_)
                | Self::ListFolder(_)
                | Self::BadMapping(_)
                | Self::UnknownColumn { .. }
        )
    }
}

impl From<LineError> for LabelErrorKind {
    fn from(error: LineError) -> Self {
        match error {
            LineError::Io(error) => Self::Read(error),
            LineError::NotUtf8 => Self::NotUtf8,
            LineError::TooLong => Self::TooLong { limit: crate::asn::text::MAX_LINE_BYTES },
        }
    }
}
