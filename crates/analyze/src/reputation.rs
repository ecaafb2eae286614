//! Reputation scores: how much of an entity's population is known bad,
//! smoothed toward the base rate, with the evidence.
//!
//! # The score
//!
//! For an entity carrying `n` domains whose listings weigh `k` (a
//! high-severity listing weighs 1, medium 0.8, low 0.5):
//!
//! - the smoothed share `p = (k + a·p0) / (n + a)`, where `p0` is the
//!   share of listed domains over the whole store and `a` the prior's
//!   strength ([`Settings::prior_strength`], 20 domains by default): a
//!   name server with two domains and one listing gets
//!   `p ≈ 0.05`, one with 2,000 listings out of 2,000 `p ≈ 0.99`;
//! - the listing score `100·p / (p + h)`, where `h`
//!   ([`Settings::half_share`], 10%) is the share that scores 50;
//! - a profile score of at most 40 for populations that look like
//!   crimeware before anything is listed: the share of new domains
//!   times the share of low TTLs, damped for large populations;
//! - combined as independent evidence, `100·(1 − (1 − l)(1 − q))`.
//!
//! Shared infrastructure (CDNs, dynamic DNS, popular and allow-listed
//! entities) scores a fifth of that: it carries the whole internet, so
//! its listings say little about its other domains. Sinkholes score
//! 0; parking is capped at 20.
//!
//! # Limitations
//!
//! - Listings are counted on the domain's own registered name (or its
//!   parents); a listed address counts for the domains on it only
//!   through the subnet and AS of that address, not as a domain listing.
//! - Weights and constants are set by hand, not learned; the
//!   evaluation (`nshunt eval`) says how well they do.

use serde::Serialize;
use serde_json::{Value, json};

use crate::facts::{EntityKind, Facts, Flags};
use crate::profile::{Profile, Profiles};

/// The knobs of scoring, with the defaults documented above.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Settings {
    /// How many domains' worth of weight the prior has.
    pub prior_strength: f64,
    /// The listed share that scores 50.
    pub half_share: f64,
    /// Populations above this many domains have their profile score
    /// damped in proportion.
    pub profile_population: f64,
    /// The largest profile score.
    pub profile_max: f64,
    /// The risk at or above which a domain is flagged.
    pub threshold: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            prior_strength: 20.0,
            half_share: 0.10,
            profile_population: 5_000.0,
            profile_max: 40.0,
            threshold: 50.0,
        }
    }
}

/// The bounds of the base rate `p0`: a store with no listings at all
/// still has a prior, and one where most domains are listed (a test
/// store of a block list) does not make everything look bad.
const BASE_RATE_BOUNDS: (f64, f64) = (0.001, 0.05);

/// One entity's score and the figures it came from; the full
/// evidence is [`Reputation::explain`], built when asked (an `explain`
/// object for each of millions of entities would take gigabytes).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reputation {
    /// 0 to 100, higher is riskier.
    pub score: f64,
    /// The smoothed listed share.
    pub smoothed: f64,
    /// The listing score.
    pub listing: f64,
    /// The profile score.
    pub profile: f64,
    /// What known infrastructure did to the score, and why.
    pub adjustment: Option<&'static str>,
    /// The same score over the entity's recent domains only (registered
    /// within [`crate::profile::RECENT_DAYS`]), for the analyst: a
    /// campaign on a big shared hoster is a large share of the
    /// hoster's new domains though a small share of all of them.
    /// (Judging recent domains by it flagged too many benign newcomers
    /// in the evaluation; see EVALUATION.md.)
    pub recent_score: f64,
    /// The base rate the share was smoothed toward.
    pub base_rate: f64,
    /// The prior's strength.
    pub prior_strength: f64,
    /// Age of a name-server domain, when its registration is known.
    pub ns_domain_age_days: Option<f64>,
}

impl Reputation {
    /// The counts and figures the score came from, as a JSON object.
    pub fn explain(&self, kind: EntityKind, profile: &Profile) -> Value {
        json!({
            "kind": kind.as_str(),
            "domains": profile.domains,
            "density": profile.domains,
            "active": profile.active,
            "listed": profile.listed(),
            "listed_high": profile.listed_high,
            "listed_medium": profile.listed_medium,
            "listed_low": profile.listed_low,
            "listed_weight": round(profile.listed_weight),
            "listed_categories": profile.categories.iter()
                .map(|(c, n)| json!({"category": c, "domains": n}))
                .collect::<Vec<_>>(),
            "allowed_domains": profile.allowed,
            "avg_ttl": profile.avg_ttl().map(round),
            "low_ttl_share": round(profile.low_ttl_share()),
            "new_share": round(profile.new_share()),
            "dated_domains": profile.dated,
            "churn": round(profile.churn()),
            "brand_share": round(profile.brand_share()),
            "ns_domain_age_days": self.ns_domain_age_days.map(round),
            "flags": profile.flags,
            "base_rate": round(self.base_rate),
            "prior_strength": self.prior_strength,
            "smoothed_listed_share": round(self.smoothed),
            "listing_score": round(self.listing),
            "profile_score": round(self.profile),
            "recent_domains": profile.recent,
            "recent_listed_weight": round(profile.recent_listed_weight),
            "recent_score": round(self.recent_score),
            "adjustment": self.adjustment,
        })
    }
}

/// The base rate: the weighted share of listed domains in `facts`,
/// within [`BASE_RATE_BOUNDS`].
pub fn base_rate(facts: &Facts) -> f64 {
    let listed: f64 =
        facts.domains.iter().filter_map(|d| d.listing.as_ref()).map(|l| l.severity.weight()).sum();
    let n = facts.domains.len().max(1) as f64;
    (listed / n).clamp(BASE_RATE_BOUNDS.0, BASE_RATE_BOUNDS.1)
}

/// Scores one entity from its profile.
pub fn score(
    profile: &Profile,
    base_rate: f64,
    settings: &Settings,
    ns_domain_age_days: Option<f64>,
) -> Reputation {
    let n = profile.domains as f64;
    let a = settings.prior_strength;
    let smoothed = (profile.listed_weight + a * base_rate) / (n + a);
    let listing = 100.0 * smoothed / (smoothed + settings.half_share);

    let damping = (settings.profile_population / n.max(1.0)).min(1.0);
    let profile_score =
        settings.profile_max * profile.new_share() * profile.low_ttl_share() * damping;
    let combined = 100.0 * (1.0 - (1.0 - listing / 100.0) * (1.0 - profile_score / 100.0));

    let (score, adjustment) = adjust(combined, profile.flags);
    let recent = profile.recent as f64;
    let recent_smoothed = (profile.recent_listed_weight + a * base_rate) / (recent + a);
    let recent_listing = 100.0 * recent_smoothed / (recent_smoothed + settings.half_share);
    let (recent_score, _) = adjust(recent_listing, profile.flags);
    Reputation {
        score: round(score),
        recent_score: round(recent_score),
        smoothed,
        listing,
        profile: profile_score,
        adjustment,
        base_rate,
        prior_strength: a,
        ns_domain_age_days,
    }
}

/// What known infrastructure does to a score, and why.
fn adjust(score: f64, flags: Flags) -> (f64, Option<&'static str>) {
    if flags.sinkhole {
        (0.0, Some("sinkhole: taken over by defenders"))
    } else if flags.is_shared_infrastructure() {
        (score * 0.2, Some("shared infrastructure (CDN, dynamic DNS, popular or allow-listed)"))
    } else if flags.parking {
        (score.min(20.0), Some("parking: capped at 20"))
    } else {
        (score, None)
    }
}

/// Every entity's reputation, by kind and id.
#[derive(Debug, Clone, Default)]
pub struct Reputations {
    by_kind: [Vec<Reputation>; EntityKind::COUNT],
    /// The base rate used.
    pub base_rate: f64,
}

impl Reputations {
    /// Scores every entity of `facts`.
    pub fn build(facts: &Facts, profiles: &Profiles, settings: &Settings) -> Self {
        let base_rate = base_rate(facts);
        let mut by_kind: [Vec<Reputation>; EntityKind::COUNT] = Default::default();
        for kind in EntityKind::ALL {
            by_kind[kind as usize] = profiles
                .of_kind(kind)
                .iter()
                .enumerate()
                .map(|(id, profile)| {
                    let age = (kind == EntityKind::NsDomain)
                        .then(|| facts.entities.created(id as u32))
                        .flatten()
                        .map(|created| (facts.as_of - created) as f64 / 86_400.0);
                    score(profile, base_rate, settings, age)
                })
                .collect();
        }
        Reputations { by_kind, base_rate }
    }

    /// The reputation of one entity.
    pub fn get(&self, kind: EntityKind, id: u32) -> Option<&Reputation> {
        self.by_kind[kind as usize].get(id as usize)
    }

    /// The reputations of one kind, by id.
    pub fn of_kind(&self, kind: EntityKind) -> &[Reputation] {
        &self.by_kind[kind as usize]
    }
}

/// Rounds to three decimals, for stable, readable JSON.
pub(crate) fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(domains: u64, listed: u64) -> Profile {
        Profile { domains, listed_high: listed, listed_weight: listed as f64, ..Profile::default() }
    }

    fn rep(domains: u64, listed: u64) -> f64 {
        score(&profile(domains, listed), 0.005, &Settings::default(), None).score
    }

    #[test]
    fn small_populations_are_smoothed_toward_the_prior() {
        let two_one = rep(2, 1);
        let many = rep(2000, 2000);
        assert!(two_one < 40.0, "two domains, one listed: {two_one}");
        assert!(many > 85.0, "2,000 of 2,000 listed: {many}");
        assert!(rep(200, 80) > 70.0);
        assert!(rep(1_000_000, 500) < 5.0, "a big hoster with a few listings");
        assert!(rep(0, 0) < 5.0);
    }

    #[test]
    fn shared_infrastructure_and_sinkholes_are_damped() {
        let mut p = profile(500, 400);
        let plain = score(&p, 0.005, &Settings::default(), None).score;
        p.flags.cdn = true;
        let cdn = score(&p, 0.005, &Settings::default(), None);
        assert!(cdn.score <= plain * 0.21);
        let explain = cdn.explain(EntityKind::Asn, &p);
        assert!(explain["adjustment"].as_str().unwrap().contains("shared"));
        p.flags = Flags { sinkhole: true, ..Flags::default() };
        assert_eq!(score(&p, 0.005, &Settings::default(), None).score, 0.0);
    }

    #[test]
    fn explain_holds_the_counts() {
        let p = profile(10, 3);
        let r = score(&p, 0.01, &Settings::default(), None);
        let explain = r.explain(EntityKind::Subnet, &p);
        assert_eq!(explain["domains"], 10);
        assert_eq!(explain["listed"], 3);
        assert_eq!(explain["prior_strength"], 20.0);
        let expected = (3.0 + 20.0 * 0.01) / 30.0;
        assert!((explain["smoothed_listed_share"].as_f64().unwrap() - expected).abs() < 0.001);
    }
}
