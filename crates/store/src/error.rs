//! The one error type of the store.

use std::io;
use std::path::PathBuf;

/// Every way the store can fail. Each variant names the store file (or
/// the batch) and what was being done; messages are lower case and say
/// what to do next. The underlying cause is kept as the error's source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The folder that should hold the store could not be created.
    #[error("cannot create the folder {path} for the store; check the path and its permissions")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: io::Error,
    },

    /// SQLite could not open (or set up) the store file.
    #[error(
        "cannot open the store {path}; check that it is an nshunt store you may read and write"
    )]
    Open {
        /// The store file.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: rusqlite::Error,
    },

    /// A read-only open found no store at the path.
    #[error("no store at {path}; ingest data first or pass the right --store")]
    NotFound {
        /// The path that was tried.
        path: PathBuf,
    },

    /// The store was written by a newer nshunt than this one.
    #[error(
        "the store {path} has schema version {found}, newer than the {known} this nshunt \
         knows; upgrade nshunt or use another --store"
    )]
    TooNew {
        /// The store file.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this code knows.
        known: i64,
    },

    /// A read-only open found a store that still needs migrations.
    #[error(
        "the store {path} has schema version {found} but this nshunt needs {known}; \
         open it once for writing (for example with an ingest) to migrate it"
    )]
    NeedsMigration {
        /// The store file.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The schema version this code needs.
        known: i64,
    },

    /// A schema migration failed; its transaction was rolled back.
    #[error(
        "cannot migrate the store {path} to schema version {version}; the store is \
         unchanged, check free disk space and that no other nshunt holds it"
    )]
    Migrate {
        /// The store file.
        path: PathBuf,
        /// The version that was being applied.
        version: i64,
        /// Why it failed.
        #[source]
        source: rusqlite::Error,
    },

    /// The path names an SQLite database that is not an nshunt store
    /// (tables of its own and no nshunt schema): nshunt leaves it alone.
    #[error("{} is an SQLite database but not an nshunt store: pass another --store", path.display())]
    NotAStore {
        /// The database.
        path: PathBuf,
    },

    /// The path is one SQLite reads specially (`:memory:`, an empty
    /// name, a `file:` URI), which would not keep the data.
    #[error("{path:?} is not a store path: give a file path")]
    SpecialPath {
        /// The path as given.
        path: PathBuf,
    },

    /// The caller described a batch the store cannot accept.
    #[error("invalid batch {file_name}: {reason}")]
    InvalidBatch {
        /// The batch's file name.
        file_name: String,
        /// What is wrong with it, and how to fix it.
        reason: String,
    },

    /// The size of a store file could not be read.
    #[error("cannot read the size of {path}; check its permissions")]
    FileSize {
        /// The file.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: io::Error,
    },

    /// A scoring run found no domain current at its moment; the scores
    /// stored before are kept.
    #[error(
        "nothing is current as of {}: no domain to score, the scores stored \
         before are kept; pass an --as-of within the data",
        moment(*as_of)
    )]
    NothingToScore {
        /// The moment asked for.
        as_of: i64,
    },

    /// A name given to a look-up is not a domain name.
    #[error("{name:?} is not a domain name; give a name such as example.com")]
    BadName {
        /// The name as given.
        name: String,
        /// Why it is not one.
        #[source]
        source: nshunt_model::NameError,
    },

    /// A statement failed.
    #[error(
        "store {path}: cannot {what}; retry when no other writer holds the store, \
         or check free disk space"
    )]
    Sql {
        /// The store file.
        path: PathBuf,
        /// What was being done, as a verb phrase ("add an observation").
        what: &'static str,
        /// Why it failed.
        #[source]
        source: rusqlite::Error,
    },
}

/// A moment for messages: RFC 3339 in UTC, or the unix seconds when out
/// of range.
fn moment(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || format!("{seconds} (unix seconds)"),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}
