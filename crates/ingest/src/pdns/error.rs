//! Errors of the passive-DNS readers.

use std::io;
use std::path::PathBuf;

use nshunt_model::{NameError, RrType};

use crate::input::InputError;

/// One error, with the file and line it belongs to.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {kind}", file.display())]
pub struct PdnsError {
    /// The file being read.
    pub file: PathBuf,
    /// The line, counted from 1 (0 when the file could not be opened).
    pub line: u64,
    /// What went wrong.
    pub kind: PdnsErrorKind,
}

impl PdnsError {
    /// Whether the input is unusable, so that reading stops. A non-fatal
    /// error spoils one record (or one answer of it); the reader goes on.
    pub fn is_fatal(&self) -> bool {
        self.kind.is_fatal()
    }
}

/// Every way reading passive DNS can fail.
///
/// The first group is fatal ([`PdnsErrorKind::is_fatal`]); the rest
/// reject one record or one answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdnsErrorKind {
    /// The file could not be opened.
    #[error(transparent)]
    Open(#[from] InputError),

    /// Reading failed: an I/O error, or compressed data that is corrupt
    /// or cut short.
    #[error("cannot read the input: {0}")]
    Read(#[source] io::Error),

    /// A Zeek data row came before any `#fields` header line.
    #[error("data row before any #fields header: is this a Zeek TSV dns.log?")]
    NoFieldsHeader,

    /// The Zeek `#fields` header lacks a column the reader needs.
    #[error("the #fields header has no {0:?} column: is this a dns.log?")]
    MissingColumn(&'static str),

    /// A Zeek header line that cannot be used.
    #[error("bad header line: {0}")]
    BadHeader(String),

    /// The line holds bytes that are not UTF-8.
    #[error("line is not valid UTF-8 (first bad byte at column {column})")]
    NotUtf8 {
        /// Byte offset of the first bad byte, counted from 1.
        column: usize,
    },

    /// The line is longer than the reader keeps in memory; it was skipped.
    #[error("line longer than {limit} bytes, skipped")]
    TooLong {
        /// The limit, in bytes.
        limit: usize,
    },

    /// The line is not one JSON object, or is cut short.
    #[error("not a JSON object: {0}")]
    Json(#[source] serde_json::Error),

    /// A Zeek row with a different number of columns than `#fields`.
    #[error("row has {found} columns, the #fields header has {expected}")]
    Columns {
        /// Columns named by `#fields`.
        expected: usize,
        /// Columns in the row.
        found: usize,
    },

    /// A field the format requires is absent.
    #[error("missing field {0:?}")]
    MissingField(&'static str),

    /// A field holds a value of the wrong shape.
    #[error("bad {field}: {message}")]
    BadField {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },

    /// A name that is not a valid domain name.
    #[error("bad name in {field}: {source}")]
    BadName {
        /// The field holding the name.
        field: &'static str,
        /// Why the name was refused.
        #[source]
        source: NameError,
    },

    /// A record type that is neither a known mnemonic, `TYPEnnn`, nor a
    /// number.
    #[error("unknown record type {0:?}: write unknown types as TYPEnnn or a number")]
    UnknownType(String),

    /// Record data that does not fit its type.
    #[error("bad {rrtype} data {rdata:?}: {message}")]
    BadRdata {
        /// The record type.
        rrtype: RrType,
        /// The data as written.
        rdata: String,
        /// What is wrong with it.
        message: String,
    },

    /// A time that cannot be read.
    #[error("bad time in {field}: {text:?} (use unix seconds or RFC 3339)")]
    BadTime {
        /// The field.
        field: &'static str,
        /// The value as written.
        text: String,
    },

    /// Zeek `answers` and `TTLs` of different lengths.
    #[error("{answers} answers but {ttls} TTLs: the two vectors must pair up")]
    TtlCount {
        /// Entries in `answers`.
        answers: usize,
        /// Entries in `TTLs`.
        ttls: usize,
    },
}

impl PdnsErrorKind {
    /// Whether this error makes the whole input unusable.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Self::Open(_) | Self::Read(_) | Self::NoFieldsHeader | Self::MissingColumn(_)
        )
    }

    /// Shorthand for [`PdnsErrorKind::BadField`].
    pub(super) fn bad(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadField { field, message: message.into() }
    }
}
