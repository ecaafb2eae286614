//! Opening the SQLite store: settings, migrations, and small helpers.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use tracing::debug;

use crate::address::{address_column, pattern_column};
use crate::error::StoreError;
use crate::schema::{MIGRATIONS, SCHEMA_VERSION};

/// How long a statement waits for another connection's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Page cache of a writing connection, in KiB (negative `cache_size`;
/// memory is taken only as pages are read): a large batch keeps its
/// index pages in memory instead of spilling them to the log.
const WRITER_CACHE_KIB: i64 = 524_288;

/// Page cache of a read-only connection, in KiB.
const READER_CACHE_KIB: i64 = 65_536;

/// Page size of a new store (ignored for an existing one). Compared to
/// SQLite's 4 KiB, 16 KiB pages insert about 30% faster into the
/// text-keyed indexes and make the file slightly smaller.
const PAGE_SIZE: i64 = 16_384;

/// The embedded store: one SQLite file in WAL mode.
///
/// One `SqliteStore` holds one connection. Open one per thread; any
/// number of readers may work while one writer ingests.
#[derive(Debug)]
pub struct SqliteStore {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

impl SqliteStore {
    /// Opens the store at `path` for reading and writing, creating the
    /// file and its parent folders when missing and applying pending
    /// schema migrations (in one transaction).
    ///
    /// Refuses a store whose schema is newer than this code
    /// ([`StoreError::TooNew`]).
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        refuse_special(path)?;
        create_parent(path)?;

        // No SQLITE_OPEN_URI: a path is a path, never `file:…?mode=memory`.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| open_error(path, source))?;
        let mut store = SqliteStore { conn, path: path.to_owned() };
        // Before anything is written (WAL mode changes the file header).
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|source| open_error(path, source))?;
        if store.is_foreign(version)? {
            return Err(StoreError::NotAStore { path: path.to_owned() });
        }
        store.configure(true).map_err(|source| open_error(path, source))?;

        store.migrate()?;
        debug!(path = %path.display(), version = SCHEMA_VERSION, "store opened");
        Ok(store)
    }

    /// Opens an existing store for reading only. The store must be at
    /// the current schema version: a read-only connection cannot
    /// migrate ([`StoreError::NeedsMigration`]).
    pub fn open_read_only(path: &Path) -> Result<SqliteStore, StoreError> {
        refuse_special(path)?;
        if !path.exists() {
            return Err(StoreError::NotFound { path: path.to_owned() });
        }

        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| open_error(path, source))?;
        let store = SqliteStore { conn, path: path.to_owned() };
        store.configure(false).map_err(|source| open_error(path, source))?;

        let found = store.schema_version()?;
        if store.is_foreign(found)? {
            return Err(StoreError::NotAStore { path: path.to_owned() });
        }
        store.check_version(found)?;
        if found < SCHEMA_VERSION {
            let path = path.to_owned();
            return Err(StoreError::NeedsMigration { path, found, known: SCHEMA_VERSION });
        }

        debug!(path = %path.display(), "store opened read-only");
        Ok(store)
    }

    /// Caps this connection's page cache at `mib` MiB. A long-running
    /// writer that adds rows steadily (collection) would otherwise keep
    /// up to the writer's default cache of the growing file in memory;
    /// with a cap its memory stays flat however long it runs.
    pub fn limit_cache(&self, mib: u32) -> Result<(), StoreError> {
        let kib = -(i64::from(mib) * 1024);
        self.conn.pragma_update(None, "cache_size", kib).map_err(self.sql("set the cache size"))
    }

    /// The path of the store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version recorded in the file (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(self.sql("read the schema version"))
    }

    /// The default moment for views: the newest `observed_at` of the
    /// batches that carry DNS observations (zone files, passive DNS,
    /// collection), else of any batch; `None` for an empty store.
    ///
    /// Reference data (ASN tables, labels, registrations) is usually
    /// loaded long after the traffic it explains: letting its load date
    /// decide would put last year's passive DNS out of every view.
    pub fn default_as_of(&self) -> Result<Option<i64>, StoreError> {
        let sql = "SELECT coalesce(
                       (SELECT max(observed_at) FROM batches WHERE kind IN ('zone', 'pdns', 'active')),
                       (SELECT max(observed_at) FROM batches))";
        self.conn.query_row(sql, [], |row| row.get(0)).map_err(self.sql("find the newest batch"))
    }

    /// The id of the newest batch in the ledger; `None` when empty.
    /// Tells whether a command added a batch.
    pub fn newest_batch_id(&self) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row("SELECT max(id) FROM batches", [], |row| row.get(0))
            .map_err(self.sql("find the newest batch"))
    }

    /// A number that changes whenever what scoring reads changes: a
    /// batch is added, or the brand catalogue is imported or removed.
    /// It is a hash of the whole batch ledger (ids and content hashes)
    /// and the catalogue: a copy of the store that took another batch
    /// since, or a store made anew at the same path from other files,
    /// has another generation even at the same newest batch.
    pub fn generation(&self) -> Result<u64, StoreError> {
        let sql = "SELECT coalesce((SELECT group_concat(id || ':' || content_hash, ',')
                                    FROM (SELECT id, content_hash FROM batches ORDER BY id)), '')
                   || '|' || coalesce((SELECT changed_at || ':' || coalesce(text, '')
                                       FROM brand_catalogue WHERE id = 1), '')";
        let text: String = self
            .conn
            .query_row(sql, [], |row| row.get(0))
            .map_err(self.sql("read the store's generation"))?;
        // FNV-1a: stable across builds, unlike std's hasher.
        Ok(text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        }))
    }

    /// Connection settings. Page size and WAL mode are properties of the
    /// file, set by the first writer; the others apply to this
    /// connection.
    fn configure(&self, write: bool) -> rusqlite::Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        if write {
            self.conn.pragma_update(None, "page_size", PAGE_SIZE)?;
            let mode: String =
                self.conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
            debug!(path = %self.path.display(), mode, "journal mode");
        }

        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        let cache = if write { WRITER_CACHE_KIB } else { READER_CACHE_KIB };
        self.conn.pragma_update(None, "cache_size", -cache)?;
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        if !write {
            self.conn.pragma_update(None, "query_only", true)?;
        }
        Ok(())
    }

    /// Brings the schema up to [`SCHEMA_VERSION`]. The version is read
    /// again under the write lock, so two processes opening one new
    /// store do not both migrate it.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        self.check_version(found)?;
        if found == SCHEMA_VERSION {
            return Ok(());
        }

        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate);
        let migrated = tx.map_err(|e| (found + 1, e)).and_then(|tx| {
            let found = tx.query_row("PRAGMA user_version", [], |row| row.get(0));
            apply_migrations(&tx, found.map_err(|e| (SCHEMA_VERSION, e))?)?;
            tx.commit().map_err(|e| (SCHEMA_VERSION, e))
        });

        let path = self.path.clone();
        migrated.map_err(|(version, source)| StoreError::Migrate { path, version, source })?;
        self.check_version(self.schema_version()?)?;
        debug!(path = %self.path.display(), from = found, to = SCHEMA_VERSION, "store migrated");
        Ok(())
    }

    /// Whether the database is someone else's, which must be neither
    /// migrated into a store nor read as one: a negative version, an
    /// unversioned database that already holds tables, or a versioned
    /// one without the batch ledger every store version has.
    fn is_foreign(&self, version: i64) -> Result<bool, StoreError> {
        let count = |sql: &str| -> Result<i64, StoreError> {
            self.conn
                .query_row(sql, [], |row| row.get(0))
                .map_err(|source| open_error(&self.path, source))
        };
        Ok(match version {
            ..0 => true,
            0 => {
                count(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )? > 0
            }
            // The ledger with the columns every version has, not just
            // a table of that name.
            _ => {
                count(
                    "SELECT count(*) FROM pragma_table_info('batches') WHERE name IN \
                     ('kind', 'file_name', 'content_hash', 'observed_at', 'ingested_at')",
                )? != 5
            }
        })
    }

    /// Refuses a schema newer than this code knows.
    fn check_version(&self, found: i64) -> Result<(), StoreError> {
        if found > SCHEMA_VERSION {
            let path = self.path.clone();
            return Err(StoreError::TooNew { path, found, known: SCHEMA_VERSION });
        }
        Ok(())
    }

    /// A closure turning a rusqlite error into [`StoreError::Sql`].
    pub(crate) fn sql(&self, what: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
        sql_error(&self.path, what)
    }
}

/// A closure turning a rusqlite error into [`StoreError::Sql`].
pub(crate) fn sql_error(
    path: &Path,
    what: &'static str,
) -> impl FnOnce(rusqlite::Error) -> StoreError {
    let path = path.to_owned();
    move |source| StoreError::Sql { path, what, source }
}

/// Applies migrations `found..` and records the new version, all in
/// the caller's transaction; on failure, the version that failed.
fn apply_migrations(conn: &Connection, found: i64) -> Result<(), (i64, rusqlite::Error)> {
    if found >= SCHEMA_VERSION {
        return Ok(());
    }

    let start = usize::try_from(found).unwrap_or(0);
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(start) {
        let version = index as i64 + 1;
        conn.execute_batch(sql).map_err(|e| (version, e))?;
        if version == 2 {
            backfill_v2(conn).map_err(|e| (version, e))?;
        }
    }

    conn.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(|e| (SCHEMA_VERSION, e))
}

/// Fills the columns version 2 derives from record data (`ip`,
/// `ptr_pattern`) for rows written before it: SQL cannot parse
/// addresses or names, so this step is code.
fn backfill_v2(conn: &Connection) -> rusqlite::Result<()> {
    let mut select =
        conn.prepare("SELECT id, rrtype, rdata FROM observations WHERE rrtype IN (1, 12, 28)")?;
    let rows = select.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, u16>(1)?, row.get::<_, String>(2)?))
    })?;

    let mut update =
        conn.prepare("UPDATE observations SET ip = ?2, ptr_pattern = ?3 WHERE id = ?1")?;
    for row in rows {
        let (id, rrtype, rdata) = row?;
        let ip = address_column(rrtype, &rdata);
        let pattern = pattern_column(rrtype, &rdata);
        update.execute(rusqlite::params![id, ip, pattern])?;
    }
    Ok(())
}

fn create_parent(path: &Path) -> Result<(), StoreError> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };

    std::fs::create_dir_all(parent)
        .map_err(|source| StoreError::CreateDir { path: parent.to_owned(), source })
}

fn open_error(path: &Path, source: rusqlite::Error) -> StoreError {
    StoreError::Open { path: path.to_owned(), source }
}

impl SqliteStore {
    /// All rows of a cached statement, mapped by `map`.
    pub(crate) fn rows<T, P, F>(
        &self,
        what: &'static str,
        sql: &str,
        params: P,
        map: F,
    ) -> Result<Vec<T>, StoreError>
    where
        P: rusqlite::Params,
        F: FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.sql(what))?;
        let rows = stmt.query_map(params, map).map_err(self.sql(what))?;
        rows.collect::<rusqlite::Result<Vec<T>>>().map_err(self.sql(what))
    }

    /// The one row of a cached statement (an aggregate), mapped by `map`.
    pub(crate) fn row<T, P, F>(
        &self,
        what: &'static str,
        sql: &str,
        params: P,
        map: F,
    ) -> Result<T, StoreError>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.sql(what))?;
        stmt.query_row(params, map).map_err(self.sql(what))
    }
}

/// Refuses the names SQLite treats specially.
fn refuse_special(path: &Path) -> Result<(), StoreError> {
    let text = path.to_string_lossy();
    if text.is_empty() || text == ":memory:" || text.starts_with("file:") {
        return Err(StoreError::SpecialPath { path: path.to_owned() });
    }
    Ok(())
}
