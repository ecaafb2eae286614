//! Registration data (WHOIS and RDAP): one row per parsed answer,
//! written through a batch and read back as of a moment.
//!
//! The store takes plain structs ([`NewRegistration`]); turning a
//! parsed WHOIS or RDAP answer into one is the caller's job, so that
//! the store depends on no parser.
//!
//! # Writing
//!
//! A registration belongs to a batch of kind [`SOURCE_WHOIS`] or
//! [`SOURCE_RDAP`], started with [`SqliteStore::begin_batch`] and added
//! with [`BatchWriter::add_registration`]: it shares the batch's
//! transaction (nothing is visible before the commit, a dropped writer
//! stores nothing) and takes the batch's kind as its `source` and the
//! batch's `observed_at` as its own.
//!
//! # The current registration of a domain
//!
//! Rows are history, never overwritten. As of T, the current
//! registration of a domain is its newest row observed at or before T
//! that says something: `registered` or `not_registered`. An `unknown`
//! row (a refused, rate-limited or unrecognised answer) is current only
//! when the domain has nothing else by T: a failed look-up never hides
//! what was known, and is never a negative answer. Rows observed at the
//! same moment are ordered by ingest.
//!
//! # Limitations
//!
//! - Registrars are compared by name, ignoring ASCII case only: the
//!   same registrar spelled differently ("GoDaddy.com, LLC" and
//!   "GoDaddy.com, Inc.") is two registrars. The IANA id is stored but
//!   not used for the pivot yet.
//! - Only the registrant's organisation and postal address are columns;
//!   the other contacts stay in the `record` JSON.
//! - A registration is keyed by the domain the caller gives: a name
//!   below a registered domain is found only through
//!   [`SqliteStore::registration_for_name`].

use rusqlite::{Row, named_params, params};
use serde::Serialize;
use tracing::debug;

use crate::error::StoreError;
use crate::sqlite::SqliteStore;
use crate::writer::BatchWriter;

/// The batch kind of WHOIS answers.
pub const SOURCE_WHOIS: &str = "whois";

/// The batch kind of RDAP answers.
pub const SOURCE_RDAP: &str = "rdap";

/// Whether an answer says the domain is registered.
///
/// JSON: `"registered"`, `"not_registered"` or `"unknown"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// The answer carries registration data.
    Registered,
    /// The answer says there is no such registration.
    NotRegistered,
    /// Neither: an empty, refused or unrecognised answer.
    Unknown,
}

impl RegistrationStatus {
    /// The text stored in the `status` column (the JSON value).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::NotRegistered => "not_registered",
            Self::Unknown => "unknown",
        }
    }

    fn from_column(text: &str) -> Option<Self> {
        [Self::Registered, Self::NotRegistered, Self::Unknown]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// The holder of a domain: organisation and postal address, as the
/// source wrote them (redaction placeholders included).
///
/// JSON: `{"organization": "Google LLC", "street": ["1600 Amphitheatre
/// Parkway"], "city": "Mountain View", "state": "CA", "postcode":
/// "94043", "country": "US"}`; absent values are `null`, no street is
/// `[]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Registrant {
    /// The organisation.
    pub organization: Option<String>,
    /// Street address lines, in order.
    pub street: Vec<String>,
    /// City or locality.
    pub city: Option<String>,
    /// State, province or region.
    pub state: Option<String>,
    /// Postal code.
    pub postcode: Option<String>,
    /// Country, as written (a code or a name).
    pub country: Option<String>,
}

impl Registrant {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self == &Registrant::default()
    }
}

/// One parsed answer to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    /// The domain, canonical text (`DomainName::as_str`); not empty.
    pub domain: String,
    /// What the answer says.
    pub status: RegistrationStatus,
    /// The sponsoring registrar's name.
    pub registrar: Option<String>,
    /// The registrar's IANA id.
    pub registrar_iana_id: Option<u32>,
    /// First registration, unix seconds.
    pub created: Option<i64>,
    /// Last change, unix seconds.
    pub updated: Option<i64>,
    /// Expiry, unix seconds.
    pub expires: Option<i64>,
    /// The holder, when the answer names one.
    pub registrant: Option<Registrant>,
    /// Whether the holder is hidden behind a privacy or proxy service,
    /// or redacted.
    pub privacy: bool,
    /// Delegated name servers, canonical text, in order.
    pub name_servers: Vec<String>,
    /// Status codes as given (EPP codes or a registry's words).
    pub statuses: Vec<String>,
    /// The whole parsed answer as JSON text (the parser's contract),
    /// kept for `nshunt sql` and later re-reading.
    pub record: String,
}

/// The current registration of a domain.
///
/// JSON:
///
/// ```json
/// {
///   "domain": "google.com",
///   "source": "whois",
///   "observed_at": 1767225600,
///   "status": "registered",
///   "registrar": "MarkMonitor, Inc.",
///   "registrar_iana_id": 292,
///   "created": 874306800,
///   "updated": 1568043544,
///   "expires": 1852527600,
///   "registrant": {"organization": "Google LLC", "street": [], "city": null,
///                  "state": "CA", "postcode": null, "country": "US"},
///   "privacy": false,
///   "name_servers": ["ns1.google.com", "ns2.google.com"],
///   "statuses": ["clientTransferProhibited"]
/// }
/// ```
///
/// Every field is always present; `null` or `[]` when the answer did
/// not say. Times are unix seconds (the CLI writes them as RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationView {
    /// The domain the answer is about (the registered domain when the
    /// name asked for had no registration of its own).
    pub domain: String,
    /// The answer was observed after `as_of`: no older one exists.
    pub after_as_of: bool,
    /// `"whois"` or `"rdap"`.
    pub source: String,
    /// When the answer was observed (its batch's `observed_at`).
    pub observed_at: i64,
    /// What the answer says.
    pub status: RegistrationStatus,
    /// The sponsoring registrar's name.
    pub registrar: Option<String>,
    /// The registrar's IANA id.
    pub registrar_iana_id: Option<u32>,
    /// First registration.
    pub created: Option<i64>,
    /// Last change.
    pub updated: Option<i64>,
    /// Expiry.
    pub expires: Option<i64>,
    /// The holder's organisation and address; `null` when unknown.
    pub registrant: Option<Registrant>,
    /// Whether the holder is hidden behind a privacy service or
    /// redacted.
    pub privacy: bool,
    /// Delegated name servers, in the answer's order.
    pub name_servers: Vec<String>,
    /// Status codes, in the answer's order.
    pub statuses: Vec<String>,
}

/// The domains whose current registration names a registrar.
///
/// JSON: `{"registrar": "NameCheap, Inc.", "as_of": 1767225600,
/// "total": 2, "domains": ["a.com", "b.com"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrarDomains {
    /// The registrar as asked for (matched ignoring ASCII case).
    pub registrar: String,
    /// The moment the list describes.
    pub as_of: i64,
    /// How many domains in all.
    pub total: u64,
    /// The first of them by name, at most the limit asked for.
    pub domains: Vec<String>,
}

/// Stored registrations of one source and status.
///
/// JSON: `{"source": "whois", "status": "registered", "registrations":
/// 120, "domains": 118}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationCount {
    /// `"whois"` or `"rdap"`.
    pub source: String,
    /// The answers' status.
    pub status: RegistrationStatus,
    /// Stored answers (history included).
    pub registrations: u64,
    /// Distinct domains among them.
    pub domains: u64,
}

/// The batch's kind and moment come from its ledger row; a batch of
/// another kind matches no row, and nothing is inserted.
const INSERT_SQL: &str = "
INSERT INTO registrations
    (batch_id, domain, source, observed_at, status, registrar, registrar_iana_id,
     created, updated, expires, registrant_org, registrant_street, registrant_city,
     registrant_state, registrant_postcode, registrant_country, privacy,
     name_servers, statuses, record)
SELECT b.id, ?2, b.kind, b.observed_at, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
       ?14, ?15, ?16, ?17, ?18
FROM batches AS b WHERE b.id = ?1 AND b.kind IN ('whois', 'rdap')";

/// A query for [`RegistrationView`] rows ([`view_from_row`]'s columns),
/// with its `WHERE` and `ORDER BY` appended.
macro_rules! select_view {
    ($rest:literal) => {
        concat!(
            "SELECT domain, source, observed_at, status, registrar, registrar_iana_id,
                    created, updated, expires, registrant_org, registrant_street,
                    registrant_city, registrant_state, registrant_postcode,
                    registrant_country, privacy, name_servers, statuses
             FROM registrations ",
            $rest
        )
    };
}

/// The current registration of one domain: the newest informative
/// row first (see the module docs); read by [`view_from_row`].
const CURRENT_SQL: &str = select_view!(
    "WHERE domain = :domain AND observed_at <= :as_of
     ORDER BY status = 'unknown', observed_at DESC, id DESC LIMIT 1"
);

/// The oldest answer observed after `:as_of`: registration data is
/// usually fetched long after the traffic it explains, so with nothing
/// older it answers, flagged `after_as_of`.
const LATER_SQL: &str = select_view!(
    "WHERE domain = :domain AND observed_at > :as_of
     ORDER BY status = 'unknown', observed_at, id LIMIT 1"
);

/// Domains named with the registrar by `:as_of`, kept when their
/// current registration (the order of [`CURRENT_SQL`]) still names it.
const REGISTRAR_SQL: &str = "
WITH named AS (
    SELECT DISTINCT domain FROM registrations
    WHERE registrar = :registrar COLLATE NOCASE AND observed_at <= :as_of
),
current AS (
    SELECT n.domain,
           (SELECT r.registrar FROM registrations AS r
            WHERE r.domain = n.domain AND r.observed_at <= :as_of
            ORDER BY r.status = 'unknown', r.observed_at DESC, r.id DESC LIMIT 1) AS registrar
    FROM named AS n
)
SELECT domain, count(*) OVER () FROM current
WHERE registrar = :registrar COLLATE NOCASE
ORDER BY domain LIMIT :limit";

const COUNT_SQL: &str = "
SELECT source, status, count(*), count(DISTINCT domain) FROM registrations
GROUP BY source, status
ORDER BY source, CASE status WHEN 'registered' THEN 0 WHEN 'not_registered' THEN 1 ELSE 2 END";

impl BatchWriter<'_> {
    /// Adds one parsed answer to this batch, which must be of kind
    /// [`SOURCE_WHOIS`] or [`SOURCE_RDAP`]. It becomes visible when the
    /// batch commits.
    pub fn add_registration(&mut self, registration: &NewRegistration) -> Result<(), StoreError> {
        let store = self.store;
        let batch = self.id();
        if registration.domain.is_empty() {
            return Err(invalid(batch, "a registration needs its domain"));
        }

        let mut insert =
            store.conn.prepare_cached(INSERT_SQL).map_err(store.sql("add a registration"))?;
        let inserted = insert_row(&mut insert, batch, registration)
            .map_err(store.sql("add a registration"))?;
        if inserted == 0 {
            return Err(invalid(batch, "registrations belong to whois or rdap batches"));
        }

        let (domain, status) = (&registration.domain, registration.status.as_str());
        debug!(batch, %domain, status, "registration added");
        Ok(())
    }
}

/// Runs [`INSERT_SQL`] for one registration, lists as JSON arrays.
fn insert_row(
    insert: &mut rusqlite::Statement<'_>,
    batch: i64,
    reg: &NewRegistration,
) -> rusqlite::Result<usize> {
    let holder = reg.registrant.clone().unwrap_or_default();
    let street = (!holder.street.is_empty()).then(|| json_list(&holder.street)).transpose()?;
    let name_servers = json_list(&reg.name_servers)?;
    let statuses = json_list(&reg.statuses)?;

    insert.execute(params![
        batch,
        reg.domain,
        reg.status.as_str(),
        reg.registrar,
        reg.registrar_iana_id,
        reg.created,
        reg.updated,
        reg.expires,
        holder.organization,
        street,
        holder.city,
        holder.state,
        holder.postcode,
        holder.country,
        reg.privacy,
        name_servers,
        statuses,
        reg.record,
    ])
}

impl SqliteStore {
    /// The current registration of `domain` (canonical text) as of
    /// `as_of` (see the module docs); with none observed by then, the
    /// oldest one observed later (`after_as_of`); `None` when the store
    /// has no answer about it.
    pub fn registration(
        &self,
        domain: &str,
        as_of: i64,
    ) -> Result<Option<RegistrationView>, StoreError> {
        let params = named_params! { ":domain": domain, ":as_of": as_of };
        let mut rows = self.rows("read a registration", CURRENT_SQL, params, view_from_row)?;
        if rows.is_empty() {
            let params = named_params! { ":domain": domain, ":as_of": as_of };
            rows = self.rows("read a later registration", LATER_SQL, params, view_from_row)?;
            rows.iter_mut().for_each(|row| row.after_as_of = true);
        }
        Ok(rows.pop())
    }

    /// The registration that covers `name`: its own, else that of its
    /// `registered_domain` (the caller's Public Suffix List decides it,
    /// e.g. `example.co.uk` for `www.example.co.uk`). The view's
    /// `domain` says which one answered.
    pub fn registration_for_name(
        &self,
        name: &str,
        registered_domain: Option<&str>,
        as_of: i64,
    ) -> Result<Option<RegistrationView>, StoreError> {
        if let Some(own) = self.registration(name, as_of)? {
            return Ok(Some(own));
        }

        let parent = registered_domain.filter(|parent| *parent != name);
        parent.map_or(Ok(None), |parent| self.registration(parent, as_of))
    }

    /// The domains whose current registration as of `as_of` names
    /// `registrar` (ignoring ASCII case), sorted, at most `limit` of
    /// them, with their total.
    pub fn registrar_domains(
        &self,
        registrar: &str,
        as_of: i64,
        limit: u32,
    ) -> Result<RegistrarDomains, StoreError> {
        let params = named_params! {
            ":registrar": registrar, ":as_of": as_of, ":limit": limit.max(1),
        };
        let rows: Vec<(String, u64)> =
            self.rows("list a registrar's domains", REGISTRAR_SQL, params, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;

        let total = rows.first().map_or(0, |(_, total)| *total);
        let domains = rows.into_iter().map(|(domain, _)| domain).collect();
        debug!(registrar, as_of, total, "registrar domains");
        Ok(RegistrarDomains { registrar: registrar.to_owned(), as_of, total, domains })
    }

    /// Stored registrations per source and status, for the store
    /// summary.
    pub(crate) fn registration_counts(&self) -> Result<Vec<RegistrationCount>, StoreError> {
        self.rows("count registrations", COUNT_SQL, params![], |row| {
            Ok(RegistrationCount {
                source: row.get(0)?,
                status: status_column(row, 1)?,
                registrations: row.get(2)?,
                domains: row.get(3)?,
            })
        })
    }
}

/// Reads a row selected by [`CURRENT_SQL`].
fn view_from_row(row: &Row<'_>) -> rusqlite::Result<RegistrationView> {
    let registrant = Registrant {
        organization: row.get(9)?,
        street: list_column(row, 10)?,
        city: row.get(11)?,
        state: row.get(12)?,
        postcode: row.get(13)?,
        country: row.get(14)?,
    };

    Ok(RegistrationView {
        domain: row.get(0)?,
        source: row.get(1)?,
        observed_at: row.get(2)?,
        status: status_column(row, 3)?,
        registrar: row.get(4)?,
        registrar_iana_id: row.get(5)?,
        created: row.get(6)?,
        updated: row.get(7)?,
        expires: row.get(8)?,
        registrant: (!registrant.is_empty()).then_some(registrant),
        privacy: row.get(15)?,
        name_servers: list_column(row, 16)?,
        statuses: list_column(row, 17)?,
        after_as_of: false,
    })
}

fn status_column(row: &Row<'_>, index: usize) -> rusqlite::Result<RegistrationStatus> {
    let text: String = row.get(index)?;
    RegistrationStatus::from_column(&text).ok_or_else(|| {
        let message = format!("unknown registration status {text:?}");
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            message.into(),
        )
    })
}

/// A JSON array of strings; `NULL` reads as empty.
fn list_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Vec<String>> {
    let Some(text) = row.get::<_, Option<String>>(index)? else { return Ok(Vec::new()) };
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, e.into())
    })
}

fn json_list(items: &[String]) -> rusqlite::Result<String> {
    serde_json::to_string(items).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))
}

fn invalid(batch: i64, reason: &str) -> StoreError {
    let file_name = format!("batch {batch}");
    StoreError::InvalidBatch { file_name, reason: reason.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The detail lines of the query plan of `sql`, every parameter
    /// bound to text.
    fn plan(store: &SqliteStore, sql: &str) -> Vec<String> {
        let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        for i in 1..=stmt.parameter_count() {
            stmt.raw_bind_parameter(i, "x").unwrap();
        }

        let mut rows = stmt.raw_query();
        let mut details = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            details.push(row.get::<_, String>(3).unwrap());
        }
        details
    }

    #[test]
    fn look_ups_go_through_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("plan.db")).unwrap();
        for sql in [CURRENT_SQL, REGISTRAR_SQL] {
            let details = plan(&store, sql);
            let scans = details.iter().any(|d| d.starts_with("SCAN registrations"));
            assert!(!scans, "{sql}\n{details:#?}");
            assert!(details.iter().any(|d| d.contains("USING INDEX registrations_by")));
        }
    }
}
