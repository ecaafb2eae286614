//! The store: observations, the batch ledger and the entity views, in
//! an embedded SQLite file.
//!
//! The whole public API is re-exported here, so that a `Store` trait
//! (for the ClickHouse back end) can later be cut from
//! [`SqliteStore`]'s methods without hunting through modules.
//!
//! # Data
//!
//! - **Observations** are the single source of truth:
//!   `(source, zone, name, rrtype, rdata, ttl, first_seen, last_seen,
//!   count)`, unique on `(source, zone, name, rrtype, rdata, ttl)`, plus
//!   two columns the caller derives: `ns_domain` (the registered domain
//!   of an NS record's target) and `delegation` (an NS record at a
//!   non-apex owner). Times are unix seconds.
//! - **Batches** are the ledger of inputs, one row per file, keyed by
//!   content hash. [`SqliteStore::begin_batch`] answers
//!   [`BatchStart::Duplicate`] for a hash already ingested; otherwise
//!   the whole batch is one transaction ([`BatchWriter`]): a process
//!   killed mid-batch, or a writer dropped without
//!   [`BatchWriter::commit`], leaves the store as it was.
//!
//! The schema lives in code as numbered migrations, applied in one
//! transaction when a store is opened for writing and recorded in
//! `PRAGMA user_version` ([`SCHEMA_VERSION`]); a store from a newer
//! nshunt is refused.
//!
//! # Merge rule
//!
//! Adding an observation whose key exists sets `first_seen` and
//! `last_seen` to the min and max with the batch's `observed_at`, and
//! adds one to `count` once per batch: each row remembers the last batch
//! that touched it, so a line repeated within a batch counts once. The
//! TTL is part of the key: a TTL change is a new row, so history keeps
//! both.
//!
//! # Current as of T
//!
//! Views describe a moment T (`as_of`). Zone files are full snapshots:
//! a zone observation is current at T when `first_seen <= T` and
//! `last_seen >= S(T)`, S(T) being the newest snapshot of its zone at or
//! before T. Other sources are current for [`SIGHTING_WINDOW_SECS`]
//! after their last sighting. [`SqliteStore::default_as_of`] is the
//! newest batch's `observed_at`.
//!
//! # Views
//!
//! [`SqliteStore::nameserver_profile`], [`SqliteStore::domain_view`] and
//! [`SqliteStore::info`] return serde-serialisable structs whose field
//! names are a stable JSON contract; each struct documents its shape.
//! [`SqliteStore::registration`] and [`SqliteStore::registrar_domains`]
//! read WHOIS and RDAP answers (see `registrations.rs` for which answer
//! is current). [`SqliteStore::brand_catalogue`] holds the user's brand
//! catalogue, which scoring puts on top of the shipped one.
//!
//! # Limitations
//!
//! - An observation keeps one first and one last sighting, not every
//!   sighting: a record absent from a middle snapshot and back in a
//!   later one looks present in between.
//! - Every observation of a batch takes the batch's `observed_at`;
//!   sources with their own per-record times (passive DNS `time_first`
//!   / `time_last`) cannot pass them yet.
//! - `ns_domain` and `delegation` are fixed when a row is first written;
//!   a later Public Suffix List does not rewrite old rows.
//! - `num_domains`, `ns_avg_ttl` and the delegation TTLs are computed at
//!   query time: each view reads every delegation of the name-server
//!   domains involved, through the index but with a table look-up per
//!   delegation (about 1 s per million delegations on the development
//!   machine). A domain view on a name server carrying tens of millions
//!   of domains is therefore slow; that needs derived per-snapshot
//!   counts, which do not exist yet.
//! - [`BatchWriter::add`] buffers and sorts before writing, so a
//!   failure to write surfaces at a later `add` or at `commit`.
//! - Non-zone sources never say that a record is gone, so "current" for
//!   them is a fixed window after the last sighting.

mod address;
mod asn;
mod batch;
mod brand_catalogue;
mod collection;
mod current;
mod dump;
mod error;
mod export;
mod info;
mod labels;
mod pending;
mod registrations;
mod schema;
mod scores;
mod snapshot;
mod sqlite;
mod views;
mod writer;

pub use address::{ip_from_key, ip_key, network_keys};
pub use asn::{AsnHitView, NewAsnSegment, SOURCE_ASN};
pub use batch::{
    BatchInfo, BatchMeta, BatchStart, BatchSummary, NewObservation, SOURCE_ACTIVE, SOURCE_PDNS,
    SOURCE_ZONE, Sighting,
};
pub use brand_catalogue::StoredCatalogue;
pub use collection::{CollectionResult, NewCollectionResult, OUTCOMES, is_failure};
pub use current::SIGHTING_WINDOW_SECS;
pub use error::StoreError;
pub use export::{ExportFilter, ExportRow};
pub use info::{LabelSourceCount, RrTypeCount, SourceCount, StoreInfo};
pub use labels::{LabelDescription, LabelKind, LabelStart, LabelWriter, NewLabel, SOURCE_LABELS};
pub use registrations::{
    NewRegistration, Registrant, RegistrarDomains, RegistrationCount, RegistrationStatus,
    RegistrationView, SOURCE_RDAP, SOURCE_WHOIS,
};
pub use schema::SCHEMA_VERSION;
pub use scores::{
    COMPONENTS, DAY_SECS, DomainScoreRow, NewDomainScore, ReputationRow, ScoreWriter, ScoringRun,
    day_of,
};
pub use snapshot::{SnapshotAsnSegment, SnapshotLabel, SnapshotRecord, SnapshotRegistration};
pub use sqlite::SqliteStore;
pub use views::LabelView;
pub use views::{
    Address, AddressView, AsnView, DelegatedDomain, DomainView, HostedName, IpView,
    NS_AVG_TTL_NO_CHILD_SIDE, NS_AVG_TTL_NO_DOMAINS, NameserverProfile, NsDomainInfo, NsHost,
    PatternAddress, PtrPatternView, PtrView, RecordView, ScoredName, SubnetView, TtlStats,
    ZoneCount,
};
pub use writer::BatchWriter;
