//! The evaluation of reputation and risk on a generated world.
//!
//! [`World::generate`] makes a 120-day timeline of benign domains and
//! crimeware campaigns with ground truth, from a seed and a size, with
//! its own random generator so that anyone can rerun it. [`evaluate`]
//! scores the world as of the cut-off day ([`CUTOFF_DAY`]) with the
//! listings known then, and measures the scores on the domains no
//! list named by then (the held-out set): precision, recall and
//! false-positive rate at the threshold, ROC AUC, detection at
//! false-positive rates of 0.5 % and 0.1 % (where Kopis and Segugio
//! report theirs), and the lead time from a domain's risk crossing the
//! threshold to its listing, scored day by day with the listings known
//! each day.
//!
//! # Seeds
//!
//! Seeds [`DEVELOPMENT_SEEDS`] are for developing the scoring and the
//! world; results are reported on [`EVALUATION_SEEDS`], which were not
//! looked at while either was developed. EVALUATION.md holds the
//! results and what they mean.
//!
//! # Limitations
//!
//! - The world is a model: its shares and delays follow published
//!   measurements where there are some and judgement elsewhere, so
//!   the numbers say how the scoring behaves on populations shaped
//!   like these, not what it does on a given real zone.
//! - Domains never change infrastructure once registered (no moves to
//!   new name servers at activation) and are never taken down.

mod metrics;
mod names;
mod report;
mod rng;
mod world;

use hashbrown::HashMap;

pub use metrics::{AtFpr, Confusion, detection_at_fpr, quantile, roc_auc};
pub use report::{KindRecall, LeadTime, Report, Share, WorldSummary};
pub use rng::Rng;
pub use world::{
    BIG_HOSTERS, Campaign, CampaignKind, DAY, DAYS, EPOCH, PRIVACY_ADDRESS, Size, Truth, World,
};

use crate::reputation::Settings;
use crate::score::{Scored, score_facts};

/// The day whose listings are known; later ones are held out.
pub const CUTOFF_DAY: i32 = 90;

/// Lead times are looked for from this many days before the cut-off.
pub const LOOKBACK_DAYS: i32 = 30;

/// The false-positive rates of the published systems: Kopis (about
/// 98 % detection under 0.5 %) and Segugio (about 94 % under 0.1 %).
pub const FPR_TARGETS: [f64; 2] = [0.005, 0.001];

/// Seeds for developing scoring and world.
pub const DEVELOPMENT_SEEDS: std::ops::RangeInclusive<u64> = 1..=10;

/// Seeds results are reported on, never used while developing.
pub const EVALUATION_SEEDS: [u64; 3] = [1001, 1002, 1003];

/// Generates the world of `seed` and evaluates `settings` on it.
pub fn evaluate(seed: u64, size: Size, settings: &Settings) -> Report {
    evaluate_world(&World::generate(seed, size), settings)
}

/// Evaluates `settings` on `world`.
pub fn evaluate_world(world: &World, settings: &Settings) -> Report {
    let (facts, truths) = world.facts_at(CUTOFF_DAY);
    let summary = WorldSummary::of(world, &facts, &truths);
    let scored = score_facts(facts, settings);
    let held_out = HeldOut::of(&scored, &truths);
    let (positives, negatives) = held_out.scores(&scored);

    Report {
        seed: world.seed(),
        size: world.size(),
        settings: *settings,
        cutoff_day: CUTOFF_DAY,
        end_day: DAYS,
        world: summary,
        listed_at_cutoff: (truths.len() - held_out.indices.len()) as u64,
        held_out_positives: positives.len() as u64,
        held_out_negatives: negatives.len() as u64,
        at_threshold: Confusion::at(&positives, &negatives, settings.threshold),
        roc_auc: roc_auc(&positives, &negatives),
        at_fpr: FPR_TARGETS.map(|t| detection_at_fpr(&positives, &negatives, t)).to_vec(),
        lead_time: lead_time(world, settings),
        recall_by_kind: held_out.recall_by_kind(&scored, settings.threshold),
        false_positives_by_population: held_out.false_positives(&scored, settings, false),
        false_positives_by_component: held_out.false_positives(&scored, settings, true),
    }
}

/// The domains no list named by the cut-off, with their truth.
struct HeldOut<'a> {
    indices: Vec<usize>,
    truths: &'a [Truth],
}

impl<'a> HeldOut<'a> {
    fn of(scored: &Scored, truths: &'a [Truth]) -> Self {
        let indices = (0..truths.len()).filter(|&i| scored.facts.domains[i].listing.is_none());
        HeldOut { indices: indices.collect(), truths }
    }

    /// Risks of the malicious and of the benign held-out domains.
    fn scores(&self, scored: &Scored) -> (Vec<f64>, Vec<f64>) {
        let (mut positives, mut negatives) = (Vec::new(), Vec::new());
        for &i in &self.indices {
            let side = if self.truths[i].malicious { &mut positives } else { &mut negatives };
            side.push(scored.risks[i].risk);
        }
        (positives, negatives)
    }

    /// Recall per campaign kind, in [`CampaignKind::ALL`] order.
    fn recall_by_kind(&self, scored: &Scored, threshold: f64) -> Vec<KindRecall> {
        CampaignKind::ALL
            .iter()
            .map(|kind| {
                let mut recall = KindRecall { kind: kind.as_str(), positives: 0, detected: 0 };
                let of_kind = |i: &&usize| {
                    self.truths[**i].malicious && self.truths[**i].population == kind.as_str()
                };
                for &i in self.indices.iter().filter(of_kind) {
                    recall.positives += 1;
                    recall.detected += u64::from(scored.risks[i].risk >= threshold);
                }
                recall
            })
            .collect()
    }

    /// Benign held-out domains flagged, counted by population or by
    /// the component that decided their risk, with the population's
    /// size; most first.
    fn false_positives(
        &self,
        scored: &Scored,
        settings: &Settings,
        by_component: bool,
    ) -> Vec<Share> {
        let mut counts: HashMap<&'static str, (u64, u64)> = HashMap::new();
        for &i in self.indices.iter().filter(|&&i| !self.truths[i].malicious) {
            let risk = &scored.risks[i];
            let flagged = risk.risk >= settings.threshold;
            if by_component && !flagged {
                continue;
            }
            let key = if by_component { risk.top } else { self.truths[i].population };
            let entry = counts.entry(key).or_default();
            entry.0 += u64::from(flagged);
            entry.1 += 1;
        }
        let mut shares: Vec<Share> =
            counts.into_iter().map(|(name, (flagged, of))| Share { name, flagged, of }).collect();
        shares.sort_by(|a, b| b.flagged.cmp(&a.flagged).then(a.name.cmp(b.name)));
        shares
    }
}

/// Scores every day from [`LOOKBACK_DAYS`] before the cut-off to the
/// end, each with the listings known that day, and measures how long
/// before its listing a domain listed after the cut-off was flagged.
pub fn lead_time(world: &World, settings: &Settings) -> LeadTime {
    let tracked =
        |t: &Truth| t.malicious && t.listed_day.is_some_and(|l| l > CUTOFF_DAY && l <= DAYS);
    let mut first: HashMap<u32, i32> = HashMap::new();
    let from_day = CUTOFF_DAY - LOOKBACK_DAYS;
    for day in from_day..DAYS {
        let (facts, truths) = world.facts_at(day);
        let scored = score_facts(facts, settings);
        for (truth, risk) in truths.iter().zip(&scored.risks) {
            let before = truth.listed_day.is_some_and(|l| day < l);
            if tracked(truth) && before && risk.risk >= settings.threshold {
                first.entry(truth.id).or_insert(day);
            }
        }
    }

    let listed: Vec<&Truth> = world.truths().filter(|t| tracked(t)).collect();
    let mut leads: Vec<f64> =
        listed.iter().filter_map(|t| Some(f64::from(t.listed_day? - first.get(&t.id)?))).collect();
    leads.sort_by(f64::total_cmp);
    LeadTime::of(from_day, listed.len() as u64, &leads)
}
