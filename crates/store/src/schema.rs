//! The schema, as an ordered list of migrations.
//!
//! Migration `i` (0-based) takes a store from `PRAGMA user_version = i`
//! to `i + 1`. Migrations are only ever appended: a released migration
//! is never edited, so every store reaches the same schema whatever
//! version it started from.

/// Version 1: the batch ledger and the observations.
const V1: &str = "
CREATE TABLE batches (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    zone         TEXT,
    file_name    TEXT    NOT NULL,
    content_hash TEXT    NOT NULL UNIQUE,
    observed_at  INTEGER NOT NULL,
    ingested_at  INTEGER NOT NULL,
    records      INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    bytes        INTEGER NOT NULL DEFAULT 0
) STRICT;

-- S(T) of a zone: the newest snapshot observed at or before T.
CREATE INDEX batches_by_zone ON batches (kind, zone, observed_at);

CREATE TABLE observations (
    id          INTEGER PRIMARY KEY,
    source      TEXT    NOT NULL,
    zone        TEXT,
    name        TEXT    NOT NULL,
    rrtype      INTEGER NOT NULL,
    rdata       TEXT    NOT NULL,
    ttl         INTEGER NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    ns_domain   TEXT,
    delegation  INTEGER NOT NULL DEFAULT 0,
    -- The batch that last touched the row (the merge rule counts one
    -- sighting per batch). Not a foreign key: checking one makes SQLite
    -- keep a statement journal per insert, which halves the insert rate.
    last_batch  INTEGER NOT NULL
) STRICT;

-- The identity of an observation; led by the owner name so that it
-- also serves every look-up by name (and by name and type).
CREATE UNIQUE INDEX observations_key
    ON observations (name, rrtype, rdata, ttl, source, ifnull(zone, ''));

-- Delegations by name-server domain, for the name-server profile.
CREATE INDEX observations_delegations
    ON observations (ns_domain, name) WHERE delegation = 1;
";

/// Every migration, oldest first.
pub(crate) const MIGRATIONS: &[&str] = &[V1];

/// The schema version this code writes and reads
/// (`PRAGMA user_version` of an up-to-date store).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
