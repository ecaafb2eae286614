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

/// Version 2: the enrichment sources.
///
/// - Observations may lack a TTL (passive DNS in COF often has none),
///   so the table is rebuilt with a nullable `ttl`; A/AAAA rows get
///   their address as a 16-byte key (`ip`, IPv4 mapped into
///   `::ffff:0:0/96`) and PTR rows the pattern of their target
///   (`ptr_pattern`), both filled in by the writer and back-filled here
///   in code when the migration runs.
/// - Batches get the user's name for their source (`source`: an ASN
///   table's or a label list's name), which decides what "the newest
///   table of a source" means.
/// - `asn_segments`: IP-to-AS tables, flattened into non-overlapping
///   segments (the most specific row wins), one set per batch.
/// - `labels`: threat labels and allow lists, merged like observations,
///   with `label_groups` holding the (kind, source, list, category) a
///   label belongs to and `label_notes` what a list says of a group of
///   entries.
/// - `registrations`: parsed WHOIS and RDAP records.
const V2: &str = "
CREATE TABLE observations_v2 (
    id          INTEGER PRIMARY KEY,
    source      TEXT    NOT NULL,
    zone        TEXT,
    name        TEXT    NOT NULL,
    rrtype      INTEGER NOT NULL,
    rdata       TEXT    NOT NULL,
    ttl         INTEGER,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    ns_domain   TEXT,
    delegation  INTEGER NOT NULL DEFAULT 0,
    last_batch  INTEGER NOT NULL,
    ip          BLOB,
    ptr_pattern TEXT
) STRICT;

INSERT INTO observations_v2
    (id, source, zone, name, rrtype, rdata, ttl, first_seen, last_seen, count,
     ns_domain, delegation, last_batch)
SELECT id, source, zone, name, rrtype, rdata, ttl, first_seen, last_seen, count,
       ns_domain, delegation, last_batch
FROM observations;

DROP TABLE observations;
ALTER TABLE observations_v2 RENAME TO observations;

CREATE UNIQUE INDEX observations_key
    ON observations (name, rrtype, rdata, ifnull(ttl, -1), source, ifnull(zone, ''));
CREATE INDEX observations_delegations
    ON observations (ns_domain, name) WHERE delegation = 1;
-- Names by address, for the IP, subnet and AS views.
CREATE INDEX observations_by_ip ON observations (ip, name) WHERE ip IS NOT NULL;
-- PTR targets by pattern, to pivot on a naming scheme.
CREATE INDEX observations_by_ptr_pattern
    ON observations (ptr_pattern) WHERE ptr_pattern IS NOT NULL;

ALTER TABLE batches ADD COLUMN source TEXT;
CREATE INDEX batches_by_source ON batches (kind, source, observed_at);

CREATE TABLE asn_segments (
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    start    BLOB    NOT NULL,
    end      BLOB    NOT NULL,
    asn      INTEGER,
    holder   TEXT,
    country  TEXT,
    -- The source row that decided the segment (its range as text).
    row_range TEXT   NOT NULL
) STRICT;
CREATE INDEX asn_segments_by_start ON asn_segments (batch_id, start);
CREATE INDEX asn_segments_by_asn ON asn_segments (asn, batch_id) WHERE asn IS NOT NULL;

-- What a list says of a group of its entries (severity, date,
-- references, file), once per group: a million labels share a hundred
-- thousand notes, which keeps the label rows narrow and the load fast.
-- A note is found again by its digest (64-bit FNV-1a of its columns,
-- computed by the writer) and then compared in full, so the text is
-- stored once, not again in a unique key.
CREATE TABLE label_notes (
    id         INTEGER PRIMARY KEY,
    digest     INTEGER NOT NULL,
    severity   TEXT,
    listed_on  TEXT,
    refs       TEXT,
    file       TEXT
) STRICT;
CREATE INDEX label_notes_by_digest ON label_notes (digest);

-- The part of a label's identity that a whole list shares: kind,
-- source, list kind and category. A few thousand of them; each label
-- row names one by number instead of repeating four texts.
CREATE TABLE label_groups (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    list       TEXT    NOT NULL,
    category   TEXT    NOT NULL DEFAULT '',
    UNIQUE (kind, source, list, category)
) STRICT;

-- One row per (value, group): the identity (value, kind, source, list,
-- category). Addresses and networks are found by their canonical text
-- (one probe per prefix length), so no range columns or index.
CREATE TABLE labels (
    value      TEXT    NOT NULL,
    -- label_groups.id and label_notes.id; not foreign keys (checking
    -- one per insert costs).
    group_id   INTEGER NOT NULL,
    note       INTEGER NOT NULL,
    port       INTEGER,
    line       INTEGER,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    last_batch INTEGER NOT NULL,
    PRIMARY KEY (value, group_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE registrations (
    id                  INTEGER PRIMARY KEY,
    batch_id            INTEGER NOT NULL REFERENCES batches (id),
    domain              TEXT    NOT NULL,
    source              TEXT    NOT NULL,
    observed_at         INTEGER NOT NULL,
    status              TEXT    NOT NULL,
    -- Compared without ASCII case: registrars spell their own names
    -- in several cases across registries.
    registrar           TEXT COLLATE NOCASE,
    registrar_iana_id   INTEGER,
    created             INTEGER,
    updated             INTEGER,
    expires             INTEGER,
    registrant_org      TEXT,
    registrant_street   TEXT,
    registrant_city     TEXT,
    registrant_state    TEXT,
    registrant_postcode TEXT,
    registrant_country  TEXT,
    privacy             INTEGER NOT NULL,
    -- Lists as JSON arrays of strings (street lines too), so that SQL
    -- can read them with json_each.
    name_servers        TEXT    NOT NULL,
    statuses            TEXT    NOT NULL,
    -- The whole parsed record, as its JSON contract.
    record              TEXT    NOT NULL
) STRICT;
CREATE INDEX registrations_by_domain ON registrations (domain, observed_at);
-- Domains by registrar, for the registrar pivot.
CREATE INDEX registrations_by_registrar
    ON registrations (registrar, domain) WHERE registrar IS NOT NULL;
";

/// Version 3: the outcome of every query of active collection.
///
/// One row per (run batch, collected domain, queried name, type,
/// server): a later run adds rows, so the history of failures and
/// answers is kept. Failures (`lame`, `servfail`, `refused`, `timeout`,
/// `error`, `blocked`) mean "unknown", never a negative answer;
/// freshness (`collect --max-age`) counts only runs without them.
const V3: &str = "
CREATE TABLE collection_results (
    batch_id    INTEGER NOT NULL,
    domain      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    qtype       INTEGER NOT NULL,
    server      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    observed_at INTEGER NOT NULL,
    PRIMARY KEY (domain, batch_id, name, qtype, server)
) STRICT, WITHOUT ROWID;
CREATE INDEX collection_results_by_time ON collection_results (observed_at);
";

/// Version 4: reputation and risk, derived from the rest and rebuilt by
/// `nshunt score`.
///
/// - `reputation`: one row per entity (name-server domain, NS host, AS,
///   subnet, registrar, registrant address) and day (the moment scored,
///   floored to midnight UTC): the daily history. `explain` is the
///   JSON object of the counts the score came from.
/// - `domain_scores`: each domain's risk and its components as of the
///   newest scoring only (millions of rows; a daily history of them
///   would outgrow the observations). Components are numbers; their
///   evidence is the entities' `explain`, found through the domain's
///   own records.
const V4: &str = "
CREATE TABLE reputation (
    kind    TEXT    NOT NULL,
    entity  TEXT    NOT NULL,
    day     INTEGER NOT NULL,
    score   REAL    NOT NULL,
    domains INTEGER NOT NULL,
    explain TEXT    NOT NULL,
    PRIMARY KEY (kind, entity, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE domain_scores (
    domain      TEXT    NOT NULL PRIMARY KEY,
    day         INTEGER NOT NULL,
    risk        REAL    NOT NULL,
    -- The component that decided the risk.
    top         TEXT    NOT NULL,
    -- What the risk makes of the domain: parked, sinkholed, expired,
    -- allowed, or NULL.
    state       TEXT,
    -- Lifecycle state (registered, waiting, active, parked, sinkholed,
    -- expired) and why.
    lifecycle   TEXT    NOT NULL,
    lifecycle_evidence TEXT NOT NULL,
    -- Each component's score (NULL: no evidence either way).
    ns_domain   REAL,
    asn         REAL,
    subnet      REAL,
    registrar   REAL,
    registrant  REAL,
    listing     REAL,
    newness     REAL,
    impersonation REAL,
    dga         REAL
) STRICT, WITHOUT ROWID;
CREATE INDEX domain_scores_by_risk ON domain_scores (risk);
CREATE INDEX domain_scores_by_lifecycle ON domain_scores (lifecycle);

-- When each day was scored, and with what.
CREATE TABLE scoring_runs (
    day        INTEGER NOT NULL PRIMARY KEY,
    as_of      INTEGER NOT NULL,
    scored_at  INTEGER NOT NULL,
    domains    INTEGER NOT NULL,
    entities   INTEGER NOT NULL,
    seconds    REAL    NOT NULL,
    settings   TEXT    NOT NULL
) STRICT;
";

/// Version 5: the user's brand catalogue, and the brand each scored
/// domain impersonates.
///
/// - `brand_catalogue`: at most one row (`id` 1), the catalogue
///   `nshunt brands --import` stored, as canonical catalogue text (the
///   valid lines only). Scoring puts it on top of the shipped catalogue,
///   so every rescoring of the store sees the same brands. Removing it
///   empties `text` and keeps the row: `changed_at` then still tells
///   that scores older than the removal are stale.
/// - `domain_scores.brand`: the name of the brand the domain
///   impersonates, as the scoring run saw it (NULL: none).
const V5: &str = "
CREATE TABLE brand_catalogue (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    -- The file it was imported from, as given.
    file_name   TEXT,
    -- Canonical catalogue text; NULL once removed.
    text        TEXT,
    brands      INTEGER NOT NULL DEFAULT 0,
    -- Lines of the file that were skipped as invalid.
    skipped     INTEGER NOT NULL DEFAULT 0,
    changed_at  INTEGER NOT NULL
) STRICT;

ALTER TABLE domain_scores ADD COLUMN brand TEXT;
";

/// Every migration, oldest first.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// The schema version this code writes and reads
/// (`PRAGMA user_version` of an up-to-date store).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
