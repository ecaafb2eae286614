//! Errors of the zone reader.

use std::io;
use std::path::PathBuf;

use nshunt_model::{NameError, RrType};

use crate::input::InputError;

/// One error, with the file and line it belongs to.
///
/// For a record spanning lines, `line` is the line where it starts. For
/// `$INCLUDE` failures, `file` and `line` are those of the directive.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {kind}", file.display())]
pub struct ZoneError {
    /// The file being read: the zone file or an included file.
    pub file: PathBuf,
    /// The line, counted from 1 (0 when the file could not be opened).
    pub line: u64,
    /// What went wrong.
    pub kind: ZoneErrorKind,
}

impl ZoneError {
    /// Whether the input is unusable, so that reading stops. A non-fatal
    /// error spoils one record only; the reader goes on with the next.
    pub fn is_fatal(&self) -> bool {
        self.kind.is_fatal()
    }
}

/// Every way reading a zone can fail.
///
/// The first group is fatal ([`ZoneErrorKind::is_fatal`]), the rest
/// reject one record (or one directive).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZoneErrorKind {
    /// The file (zone or included) could not be opened.
    #[error(transparent)]
    Open(#[from] InputError),

    /// Reading failed: an I/O error, or compressed data that is corrupt
    /// or cut short.
    #[error("cannot read the input: {0}")]
    Read(#[source] io::Error),

    /// `$INCLUDE` was found but the options do not allow it.
    #[error(
        "$INCLUDE is not allowed: pass --allow-include (ZoneOptions::allow_include) to read included files"
    )]
    IncludeRefused,

    /// `$INCLUDE` names a file outside the including file's directory.
    #[error("$INCLUDE of {} refused: it lies outside {}", path.display(), dir.display())]
    IncludeOutside {
        /// The file asked for, resolved.
        path: PathBuf,
        /// The directory it had to lie below.
        dir: PathBuf,
    },

    /// `$INCLUDE` names a file that does not exist or cannot be resolved.
    #[error("$INCLUDE file {} not found: {source}", path.display())]
    IncludeMissing {
        /// The file asked for.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },

    /// `$INCLUDE` nests deeper than the reader allows.
    #[error("$INCLUDE nested more than {max} files deep")]
    IncludeTooDeep {
        /// The deepest nesting allowed.
        max: usize,
    },

    /// More `$INCLUDE`s in all than the reader allows.
    #[error("more than {max} $INCLUDEs in one zone")]
    TooManyIncludes {
        /// The most allowed.
        max: usize,
    },

    /// An `$INCLUDE` of something that is not a regular file (a folder,
    /// a FIFO, a device).
    #[error("$INCLUDE of {}: not a regular file", path.display())]
    IncludeNotFile {
        /// The canonical path.
        path: std::path::PathBuf,
    },

    /// A record longer than the limit; it was skipped without being
    /// held in memory.
    #[error("record longer than {limit} bytes (max_record_bytes), skipped")]
    TooLong {
        /// The limit, `ZoneOptions::max_record_bytes`.
        limit: usize,
    },

    /// A `(` that is never closed before the end of the file.
    #[error("unbalanced parentheses: '(' is never closed")]
    UnclosedParenthesis,

    /// A `)` without a `(` before it.
    #[error("unbalanced parentheses: ')' without '('")]
    UnopenedParenthesis,

    /// A quoted string that does not end on its line.
    #[error("quoted string not closed before the end of the line")]
    UnterminatedQuote,

    /// The record holds bytes that are not UTF-8; write them as `\DDD`.
    #[error("record is not valid UTF-8: write other bytes as \\DDD escapes")]
    NotUtf8,

    /// A TTL that is not a number of seconds or a duration like `1h30m`.
    #[error(
        "bad TTL {text:?}: write seconds or units s, m, h, d, w (e.g. 1h30m), at most 4294967295 s"
    )]
    BadTtl {
        /// The TTL as written.
        text: String,
    },

    /// An owner name, or a name in `$ORIGIN`, that is not a valid name.
    #[error("bad name: {0}")]
    BadName(#[source] NameError),

    /// A record with leading whitespace (owner omitted) before any owner.
    #[error("record has no owner name and no earlier record gives one")]
    NoOwner,

    /// No TTL on the record, no `$TTL`, no earlier record and no SOA.
    #[error("record has no TTL and there is no $TTL or earlier record: add $TTL")]
    NoTtl,

    /// The record ends before its type.
    #[error("truncated record: missing the record type")]
    MissingType,

    /// A type mnemonic the reader does not know (write `TYPEnnn`).
    #[error("unknown record type {text:?}: write unknown types as TYPEnnn")]
    UnknownType {
        /// The type as written.
        text: String,
    },

    /// Record data that ends before a required field.
    #[error("truncated {rtype} record: missing {field}")]
    MissingField {
        /// The record type.
        rtype: RrType,
        /// The field that is missing.
        field: &'static str,
    },

    /// Record data that does not fit its type (bad address, number, …).
    #[error("bad {rtype} data: {message}")]
    BadRdata {
        /// The record type.
        rtype: RrType,
        /// What is wrong.
        message: String,
    },

    /// A directive with missing, extra or bad arguments.
    #[error("bad {directive}: {message}")]
    BadDirective {
        /// The directive, e.g. `$ORIGIN`.
        directive: &'static str,
        /// What is wrong.
        message: String,
    },

    /// A directive the reader does not support, such as `$GENERATE`.
    #[error("unsupported directive {directive}, skipped")]
    UnsupportedDirective {
        /// The directive as written.
        directive: String,
    },
}

impl ZoneErrorKind {
    /// Whether this error makes the input unusable.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Self::Open(_)
                | Self::Read(_)
                | Self::IncludeRefused
                | Self::IncludeOutside { .. }
                | Self::IncludeMissing { .. }
                | Self::IncludeTooDeep { .. }
                | Self::TooManyIncludes { .. }
                | Self::IncludeNotFile { .. }
        )
    }
}
