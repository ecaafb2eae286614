//! A scoring run: facts, profiles, reputations and risks, written to
//! the store in one transaction, and the explore index beside it.

use std::path::Path;
use std::time::Instant;

use nshunt_store::{NewDomainScore, ScoringRun, SqliteStore, StoreError};
use serde_json::json;
use tracing::{info, warn};

use crate::facts::{EntityKind, Facts};
use crate::index::{ExploreIndex, NameOrder, Stamp};
use crate::lifecycle::lifecycle;
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

/// Writes the explore index beside the store. The scores are already
/// committed, so a failure is logged, not returned: explore then finds
/// no current index and works from the store.
fn write_index(scored: &Scored, order: &NameOrder, stamp: Stamp, store: &Path) {
    let path = crate::index::path_for(store);
    let started = Instant::now();
    match ExploreIndex::write(scored, order, stamp, &path) {
        Ok(()) => {
            info!(path = %path.display(), seconds = started.elapsed().as_secs_f64(), "explore index written")
        }
        Err(error) => {
            warn!(%error, "explore index not written");
            // An older index must not outlive the scores it describes;
            // whatever else is in the way is the user's to remove.
            if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
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
    let generation = store.generation()?;
    let facts = load(store, as_of)?;
    let loaded = started.elapsed().as_secs_f64();
    if facts.domains.is_empty() {
        return Err(StoreError::NothingToScore { as_of });
    }
    let scored = score_facts(facts, settings);
    let computed = started.elapsed().as_secs_f64();

    let mut writer = store.begin_scores(as_of)?;
    // Rows go in key order: the tables' keys are then filled by
    // appending, several times faster than in arrival order.
    let order = NameOrder::of(&scored.facts);
    for kind in EntityKind::ALL {
        for &id in order.entities(kind) {
            let name = scored.facts.entities.name(kind, id);
            let (Some(reputation), Some(profile)) =
                (scored.reputations.get(kind, id), scored.profiles.get(kind, id))
            else {
                continue;
            };
            let explain = reputation.explain(kind, profile);
            writer.add_reputation(
                kind.as_str(),
                name,
                reputation.score,
                profile.domains,
                &explain,
            )?;
        }
    }
    let domains = &scored.facts.domains;
    for &index in order.domains() {
        let (domain, risk) = (&domains[index as usize], &scored.risks[index as usize]);
        let lifecycle = lifecycle(domain, scored.facts.as_of);
        writer.add_domain(&NewDomainScore {
            domain: &domain.name,
            risk: risk.risk,
            top: risk.top,
            state: risk.state,
            components: risk.components,
            lifecycle: lifecycle.state.as_str(),
            lifecycle_evidence: &lifecycle.evidence,
            brand: domain.brand.as_deref(),
        })?;
    }

    let seconds = started.elapsed().as_secs_f64();
    let settings_json = json!({
        "settings": settings,
        "base_rate": scored.reputations.base_rate,
    });
    let run = writer.finish(as_of, seconds, &settings_json)?;
    if run.domains_written {
        let stamp = Stamp { as_of, scored_at: run.scored_at, generation };
        write_index(&scored, &order, stamp, store.path());
    }
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
