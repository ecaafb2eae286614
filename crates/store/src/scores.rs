//! Reputation and risk scores: written by a scoring run, read by the
//! views.
//!
//! Scores are derived data: a run replaces its day's entity scores and
//! every domain's risk in one transaction, so readers see either the
//! previous run or the new one. Entity scores keep one row per day
//! (the history); domain risks keep the newest run only.

use rusqlite::{OptionalExtension, Statement, named_params, params};
use serde::Serialize;
use tracing::debug;

use crate::error::StoreError;
use crate::sqlite::SqliteStore;
use crate::writer::rollback;

/// Seconds in a day: history rows are keyed by the scored moment's day.
pub const DAY_SECS: i64 = 86_400;

/// The day (midnight UTC, in seconds) of `moment`.
pub fn day_of(moment: i64) -> i64 {
    moment.div_euclid(DAY_SECS) * DAY_SECS
}

/// One entity's score for one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReputationRow {
    /// `ns_domain`, `ns_host`, `asn`, `subnet`, `registrar`,
    /// `registrant`.
    pub kind: String,
    /// The entity's key (`dendrite.network`, `AS64500`,
    /// `192.0.2.0/24`, …).
    pub entity: String,
    /// The day scored (midnight UTC, Unix seconds).
    pub day: i64,
    /// 0 to 100, higher is riskier.
    pub score: f64,
    /// Domains the entity carries.
    pub domains: u64,
    /// The counts the score came from (a JSON object).
    pub explain: serde_json::Value,
}

/// A domain's newest risk and its components.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainScoreRow {
    /// The registered domain.
    pub domain: String,
    /// The day scored.
    pub day: i64,
    /// 0 to 100: the greatest component.
    pub risk: f64,
    /// The component that decided it.
    pub top: String,
    /// `parked`, `sinkholed`, `expired`, `allowed`, when the scoring
    /// saw it.
    pub state: Option<String>,
    /// Lifecycle state: `registered`, `waiting`, `active`, `parked`,
    /// `sinkholed`, `expired`.
    pub lifecycle: String,
    /// Why it is in that state.
    pub lifecycle_evidence: String,
    /// Each component that had evidence, by name.
    pub components: std::collections::BTreeMap<String, f64>,
    /// The name of the brand it impersonates, when one was detected.
    pub brand: Option<String>,
}

/// The components, in the table's column order.
pub const COMPONENTS: [&str; 9] = [
    "ns_domain",
    "asn",
    "subnet",
    "registrar",
    "registrant",
    "listing",
    "newness",
    "impersonation",
    "dga",
];

/// One domain's scores, to write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewDomainScore<'a> {
    /// The registered domain.
    pub domain: &'a str,
    /// Its risk.
    pub risk: f64,
    /// The component that decided it.
    pub top: &'a str,
    /// What the risk makes of it (`allowed`, `parked`, …).
    pub state: Option<&'a str>,
    /// Each component, in [`COMPONENTS`] order.
    pub components: [Option<f64>; 9],
    /// Its lifecycle state.
    pub lifecycle: &'a str,
    /// Why.
    pub lifecycle_evidence: &'a str,
    /// The name of the brand it impersonates.
    pub brand: Option<&'a str>,
}

/// What a scoring run records about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoringRun {
    /// The day it scored.
    pub day: i64,
    /// The moment it scored as of.
    pub as_of: i64,
    /// When it ran (wall clock).
    pub scored_at: i64,
    /// Domains scored.
    pub domains: u64,
    /// Whether the domain risks were replaced (see
    /// [`ScoreWriter::writes_domains`]).
    pub domains_written: bool,
    /// Entities scored.
    pub entities: u64,
    /// How long it took.
    pub seconds: f64,
    /// The settings it used (JSON).
    pub settings: serde_json::Value,
}

/// Writes one scoring run in one transaction.
#[must_use = "a scoring run is rolled back unless finished"]
pub struct ScoreWriter<'a> {
    store: &'a SqliteStore,
    day: i64,
    reputation: Statement<'a>,
    domain: Statement<'a>,
    entities: u64,
    domains: u64,
    /// Whether this run replaces the domain risks (it is for the newest
    /// moment scored so far).
    write_domains: bool,
    finished: bool,
}

impl std::fmt::Debug for ScoreWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoreWriter").field("day", &self.day).finish_non_exhaustive()
    }
}

const INSERT_REPUTATION: &str = "
INSERT INTO reputation (kind, entity, day, score, domains, explain) VALUES (?, ?, ?, ?, ?, ?)";

const INSERT_DOMAIN: &str = "
INSERT INTO domain_scores (domain, day, risk, top, state, ns_domain, asn, subnet, registrar,
                           registrant, listing, newness, impersonation, dga, lifecycle,
                           lifecycle_evidence, brand)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

impl SqliteStore {
    /// Starts a scoring run for the day of `as_of`: that day's entity
    /// scores and all domain risks are replaced when it finishes.
    pub fn begin_scores(&mut self, as_of: i64) -> Result<ScoreWriter<'_>, StoreError> {
        let day = day_of(as_of);
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(self.sql("start a scoring run"))?;
        // Domain risks hold the newest moment scored: a run for an
        // earlier moment adds its day to the entities' history only.
        let newest = self
            .conn
            .query_row("SELECT max(as_of) FROM scoring_runs", [], |row| {
                row.get::<_, Option<i64>>(0)
            })
            .map_err(self.sql("find the newest scoring run"));
        let newest = match newest {
            Ok(newest) => newest,
            Err(error) => {
                rollback(&self.conn, &self.path);
                return Err(error);
            }
        };
        let domains = newest.is_none_or(|newest| as_of >= newest);
        let cleared = self
            .conn
            .execute("DELETE FROM reputation WHERE day = ?1", params![day])
            .and_then(|_| {
                if domains { self.conn.execute("DELETE FROM domain_scores", []) } else { Ok(0) }
            })
            .map_err(self.sql("clear the previous scores"));
        if let Err(error) = cleared {
            rollback(&self.conn, &self.path);
            return Err(error);
        }

        let prepare = |sql| self.conn.prepare(sql).map_err(self.sql("prepare the score inserts"));
        let (reputation, domain) = match (prepare(INSERT_REPUTATION), prepare(INSERT_DOMAIN)) {
            (Ok(r), Ok(d)) => (r, d),
            (Err(e), _) | (_, Err(e)) => {
                rollback(&self.conn, &self.path);
                return Err(e);
            }
        };
        Ok(ScoreWriter {
            store: self,
            day,
            reputation,
            domain,
            entities: 0,
            domains: 0,
            write_domains: domains,
            finished: false,
        })
    }

    /// The score of an entity as of `as_of`: the newest day at or before
    /// it, else the oldest day scored.
    pub fn reputation_of(
        &self,
        kind: &str,
        entity: &str,
        as_of: i64,
    ) -> Result<Option<ReputationRow>, StoreError> {
        let sql = "SELECT kind, entity, day, score, domains, explain FROM reputation
                   WHERE kind = :kind AND entity = :entity
                   ORDER BY day > :day, CASE WHEN day <= :day THEN -day ELSE day END LIMIT 1";
        let params = named_params! { ":kind": kind, ":entity": entity, ":day": day_of(as_of) };
        let rows = self.rows("read a reputation", sql, params, reputation_row)?;
        Ok(rows.into_iter().next())
    }

    /// Every day's score of an entity, oldest first.
    pub fn reputation_history(
        &self,
        kind: &str,
        entity: &str,
    ) -> Result<Vec<ReputationRow>, StoreError> {
        let sql = "SELECT kind, entity, day, score, domains, explain FROM reputation
                   WHERE kind = :kind AND entity = :entity ORDER BY day";
        let params = named_params! { ":kind": kind, ":entity": entity };
        self.rows("read a reputation history", sql, params, reputation_row)
    }

    /// A domain's newest risk.
    pub fn domain_score(&self, domain: &str) -> Result<Option<DomainScoreRow>, StoreError> {
        let sql = "SELECT domain, day, risk, top, state, ns_domain, asn, subnet, registrar,
                          registrant, listing, newness, impersonation, dga, lifecycle,
                          lifecycle_evidence, brand
                   FROM domain_scores WHERE domain = ?1";
        self.conn
            .query_row(sql, params![domain], domain_score_row)
            .optional()
            .map_err(self.sql("read a domain's risk"))
    }

    /// Whether a batch was ingested, or the brand catalogue changed,
    /// after the last scoring run finished (a run killed after its
    /// ingest, or `--no-score`): the scores then lag the store.
    pub fn scores_are_stale(&self) -> Result<bool, StoreError> {
        let sql = "SELECT coalesce((SELECT max(scored_at) FROM scoring_runs), -1)
                        < max(coalesce((SELECT max(ingested_at) FROM batches), -1),
                              coalesce((SELECT changed_at FROM brand_catalogue), -1))";
        self.conn
            .query_row(sql, [], |row| row.get(0))
            .map_err(self.sql("compare score and batch times"))
    }

    /// The newest scoring run, if any.
    pub fn last_scoring_run(&self) -> Result<Option<ScoringRun>, StoreError> {
        let sql = "SELECT day, as_of, scored_at, domains, entities, seconds, settings
                   FROM scoring_runs ORDER BY scored_at DESC, day DESC LIMIT 1";
        self.conn
            .query_row(sql, [], |row| {
                let settings: String = row.get(6)?;
                Ok(ScoringRun {
                    day: row.get(0)?,
                    as_of: row.get(1)?,
                    scored_at: row.get(2)?,
                    domains: row.get(3)?,
                    domains_written: true,
                    entities: row.get(4)?,
                    seconds: row.get(5)?,
                    settings: serde_json::from_str(&settings).unwrap_or_default(),
                })
            })
            .optional()
            .map_err(self.sql("read the last scoring run"))
    }
}

impl ScoreWriter<'_> {
    /// Adds one entity's score.
    pub fn add_reputation(
        &mut self,
        kind: &str,
        entity: &str,
        score: f64,
        domains: u64,
        explain: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let explain = explain.to_string();
        self.reputation
            .execute(params![kind, entity, self.day, score, domains, explain])
            .map_err(self.store.sql("add a reputation"))?;
        self.entities += 1;
        Ok(())
    }

    /// Adds one domain's risk and lifecycle.
    pub fn add_domain(&mut self, domain: &NewDomainScore<'_>) -> Result<(), StoreError> {
        if !self.write_domains {
            return Ok(());
        }
        let d = domain;
        let c = &d.components;
        self.domain
            .execute(params![
                d.domain,
                self.day,
                d.risk,
                d.top,
                d.state,
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                c[5],
                c[6],
                c[7],
                c[8],
                d.lifecycle,
                d.lifecycle_evidence,
                d.brand
            ])
            .map_err(self.store.sql("add a domain's risk"))?;
        self.domains += 1;
        Ok(())
    }

    /// Whether this run replaces the domain risks: false for a run
    /// as of a moment before the newest one scored, which adds to the
    /// entities' history only.
    pub fn writes_domains(&self) -> bool {
        self.write_domains
    }

    /// Records the run and commits.
    pub fn finish(
        mut self,
        as_of: i64,
        seconds: f64,
        settings: &serde_json::Value,
    ) -> Result<ScoringRun, StoreError> {
        let scored_at = chrono::Utc::now().timestamp();
        let run = ScoringRun {
            day: self.day,
            as_of,
            scored_at,
            domains: self.domains,
            domains_written: self.write_domains,
            entities: self.entities,
            seconds,
            settings: settings.clone(),
        };
        let sql = "INSERT OR REPLACE INTO scoring_runs
                   (day, as_of, scored_at, domains, entities, seconds, settings)
                   VALUES (?, ?, ?, ?, ?, ?, ?)";
        let conn = &self.store.conn;
        conn.execute(
            sql,
            params![
                run.day,
                as_of,
                scored_at,
                run.domains,
                run.entities,
                seconds,
                settings.to_string()
            ],
        )
        .map_err(self.store.sql("record the scoring run"))?;
        conn.execute_batch("COMMIT").map_err(self.store.sql("commit the scores"))?;

        self.finished = true;
        debug!(day = run.day, domains = run.domains, entities = run.entities, "scores committed");
        Ok(run)
    }
}

impl Drop for ScoreWriter<'_> {
    fn drop(&mut self) {
        if !self.finished {
            rollback(&self.store.conn, &self.store.path);
        }
    }
}

fn reputation_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ReputationRow> {
    let explain: String = row.get(5)?;
    Ok(ReputationRow {
        kind: row.get(0)?,
        entity: row.get(1)?,
        day: row.get(2)?,
        score: row.get(3)?,
        domains: row.get(4)?,
        explain: serde_json::from_str(&explain).unwrap_or_default(),
    })
}

fn domain_score_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<DomainScoreRow> {
    let mut components = std::collections::BTreeMap::new();
    for (i, name) in COMPONENTS.iter().enumerate() {
        if let Some(score) = row.get::<_, Option<f64>>(5 + i)? {
            components.insert((*name).to_owned(), score);
        }
    }
    Ok(DomainScoreRow {
        domain: row.get(0)?,
        day: row.get(1)?,
        risk: row.get(2)?,
        top: row.get(3)?,
        state: row.get(4)?,
        lifecycle: row.get(14)?,
        lifecycle_evidence: row.get(15)?,
        components,
        brand: row.get(16)?,
    })
}
