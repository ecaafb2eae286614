//! Errors of the ASN readers.

use std::io;
use std::path::PathBuf;

use crate::asn::number::AsnParseError;
use crate::asn::range::RangeError;
use crate::asn::text::LineError;
use crate::input::InputError;

/// One error, with the file and the line it belongs to.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {kind}", file.display(), line_suffix(*line))]
pub struct AsnError {
    /// The file being read.
    pub file: PathBuf,
    /// The line, counted from 1; for `.mmdb` files the number of the
    /// network in iteration order; 0 for the file as a whole.
    pub line: u64,
    /// What went wrong.
    pub kind: AsnErrorKind,
}

impl AsnError {
    /// Whether the input is unusable, so that reading stops. A non-fatal
    /// error spoils one row only; the reader goes on with the next.
    pub fn is_fatal(&self) -> bool {
        self.kind.is_fatal()
    }
}

/// `:line` for line-based errors, nothing for the file as a whole.
fn line_suffix(line: u64) -> String {
    if line == 0 { String::new() } else { format!(":{line}") }
}

/// Every way reading an ASN table can fail.
///
/// `Open`, `Read` and `Database` are fatal ([`AsnErrorKind::is_fatal`]);
/// the rest reject one row.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AsnErrorKind {
    /// The file could not be opened.
    #[error(transparent)]
    Open(#[from] InputError),

    /// Reading failed: an I/O error, or compressed data that is corrupt
    /// or cut short.
    #[error("cannot read the input: {0}")]
    Read(#[source] io::Error),

    /// A `.mmdb` file that is not a MaxMind database, or is corrupt.
    #[error("not a usable MaxMind database: {0}")]
    Database(String),

    /// The row holds bytes that are not UTF-8.
    #[error("row is not valid UTF-8")]
    NotUtf8,

    /// The row is longer than the readers keep.
    #[error("row longer than {limit} bytes, skipped")]
    TooLong {
        /// The limit in bytes.
        limit: usize,
    },

    /// The row ends before a required column.
    #[error("truncated row: missing the {field} column")]
    MissingField {
        /// The column that is missing.
        field: &'static str,
    },

    /// A quoted field that is not closed on its line.
    #[error("quoted field not closed before the end of the row")]
    UnterminatedQuote,

    /// An address column that is not an IPv4 or IPv6 address.
    #[error("bad {field} {text:?}: not an IP address")]
    BadAddress {
        /// The column.
        field: &'static str,
        /// The text as written.
        text: String,
    },

    /// A prefix length that is not a number or longer than the address.
    #[error("bad prefix length {text:?}: write 0-32 for IPv4, 0-128 for IPv6")]
    BadPrefixLength {
        /// The text as written.
        text: String,
    },

    /// Two addresses that do not make a range (inverted, mixed families).
    #[error(transparent)]
    BadRange(#[from] RangeError),

    /// An AS number that is not one.
    #[error(transparent)]
    BadAsn(#[from] AsnParseError),

    /// A network record of a `.mmdb` file that could not be decoded.
    #[error("bad database record: {0}")]
    BadRecord(String),
}

impl AsnErrorKind {
    /// Whether this error makes the input unusable.
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::Open(_) | Self::Read(_) | Self::Database(_))
    }
}

impl From<LineError> for AsnErrorKind {
    fn from(error: LineError) -> Self {
        match error {
            LineError::Io(error) => Self::Read(error),
            LineError::NotUtf8 => Self::NotUtf8,
            LineError::TooLong => Self::TooLong { limit: crate::asn::text::MAX_LINE_BYTES },
        }
    }
}
