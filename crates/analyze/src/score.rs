//! A scoring run: facts, profiles, reputations and risks, written to
//! the store in one transaction.

use std::time::Instant;

use nshunt_store::{ScoringRun, SqliteStore, StoreError};
use serde_json::json;
use tracing::info;

use crate::facts::{EntityKind, Facts};
use crate::load::load;
use crate::profile::Profiles;
use crate::reputation::{Reputations, Settings};
use crate::risk::{Risk, risks};

/// Everything a run computed.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The facts scored.
    pub facts: Facts,
    /// Each entity's profile.
    pub profiles: Profiles,
    /// Each entity's reputation.
    pub reputations: Reputations,
    /// Each domain's risk, in `facts.domains` order.
    pub risks: Vec<Risk>,
}

impl Scored {
    /// How many domains are at or above the threshold.
    pub fn flagged(&self, settings: &Settings) -> usize {
        self.risks.iter().filter(|r| r.risk >= settings.threshold).count()
    }
}

/// Scores facts in memory.
pub fn score_facts(facts: Facts, settings: &Settings) -> Scored {
    let profiles = Profiles::build(&facts);
    let reputations = Reputations::build(&facts, &profiles, settings);
    let risks = risks(&facts, &reputations);
    Scored { facts, profiles, reputations, risks }
}

/// Loads the store as of `as_of` with `extra` domains added, and
/// scores it, writing nothing: for scoring names the store does not
/// hold.
pub fn score_names(
    store: &SqliteStore,
    as_of: i64,
    extra: &[String],
    settings: &Settings,
) -> Result<Scored, StoreError> {
    let facts = crate::load::load_with(store, as_of, extra)?;
    Ok(score_facts(facts, settings))
}

/// Loads the store as of `as_of`, scores it and writes the scores.
pub fn run(
    store: &mut SqliteStore,
    as_of: i64,
    settings: &Settings,
) -> Result<(Scored, ScoringRun), StoreError> {
    let started = Instant::now();
    let facts = load(store, as_of)?;
    let loaded = started.elapsed().as_secs_f64();
    let scored = score_facts(facts, settings);
    let computed = started.elapsed().as_secs_f64();

    let mut writer = store.begin_scores(as_of)?;
    for kind in EntityKind::ALL {
        for (id, reputation) in scored.reputations.of_kind(kind).iter().enumerate() {
            let name = scored.facts.entities.name(kind, id as u32);
            let domains = scored.profiles.get(kind, id as u32).map_or(0, |p| p.domains);
            writer.add_reputation(
                kind.as_str(),
                name,
                reputation.score,
                domains,
                &reputation.explain,
            )?;
        }
    }
    for (domain, risk) in scored.facts.domains.iter().zip(&scored.risks) {
        writer.add_domain(&domain.name, risk.risk, risk.top, risk.state, &risk.components)?;
    }

    let seconds = started.elapsed().as_secs_f64();
    let settings_json = json!({
        "settings": settings,
        "base_rate": scored.reputations.base_rate,
    });
    let run = writer.finish(as_of, seconds, &settings_json)?;
    info!(
        domains = run.domains,
        entities = run.entities,
        load_seconds = loaded,
        compute_seconds = computed - loaded,
        seconds,
        "scored"
    );
    Ok((scored, run))
}
