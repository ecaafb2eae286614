//! Domain risk: the greatest of its components, each with evidence.
//!
//! Components (0–100 each; absent when there is no evidence either
//! way):
//!
//! - `ns_domain`: the worst reputation among its name-server domains
//!   and NS hosts;
//! - `asn`, `subnet`: the worst among its addresses' AS numbers and
//!   /24 (IPv4) or /48 (IPv6) subnets;
//! - `registrar`, `registrant`: the reputations of its registrar and
//!   of its registrant's postal address;
//! - `listing`: its own block-list entry (100 high, 90 medium, 45 low:
//!   low-severity lists such as maltrail's `suspicious` folder name
//!   free hosting, dynamic DNS and proxies, which are context, not
//!   verdicts, so they do not flag a domain alone);
//! - `newness`: registered within 7 days (40) or 30 days (30);
//! - `impersonation`: it impersonates a brand (60);
//! - `dga`: [`crate::dga::dga_score`] of its name.
//!
//! A domain on an allow list (or with an analyst's benign verdict) has
//! risk 0 and says `allowed`; parked, sinkholed and expired domains say
//! so in `state` (a sinkholed domain's risk is capped at 20: defenders
//! hold it).

use serde::Serialize;

use crate::dga::dga_score;
use crate::facts::{DomainFacts, EntityKind, Facts, Severity};
use crate::reputation::{Reputations, round};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// A domain's risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    /// 0 to 100: the greatest component.
    pub risk: f64,
    /// The component that decided it (`allowed` for an allowed domain,
    /// `none` without evidence).
    pub top: &'static str,
    /// `parked`, `sinkholed`, `expired` or `allowed`, when it is.
    pub state: Option<&'static str>,
    /// Each component, in [`nshunt_store::COMPONENTS`] order.
    pub components: [Option<f64>; 9],
}

/// The component names, in order.
pub const COMPONENTS: [&str; 9] = nshunt_store::COMPONENTS;

/// Scores one domain.
pub fn risk(domain: &DomainFacts, facts: &Facts, reputations: &Reputations) -> Risk {
    let worst = |kinds: &[EntityKind]| {
        kinds
            .iter()
            .flat_map(|&kind| domain.entities_of(kind).map(move |id| (kind, id)))
            .filter_map(|(kind, id)| reputations.get(kind, id).map(|r| r.score))
            .reduce(f64::max)
    };

    let fit = age_fit(domain, facts.as_of);
    let shared = |score: Option<f64>| score.map(|s| round(s * fit));

    let mut components = [None; 9];
    components[0] = shared(worst(&[EntityKind::NsDomain, EntityKind::NsHost]));
    components[1] = shared(worst(&[EntityKind::Asn]));
    components[2] = shared(worst(&[EntityKind::Subnet]));
    components[3] = shared(worst(&[EntityKind::Registrar]));
    components[4] = shared(worst(&[EntityKind::Registrant]));
    components[5] = domain.listing.as_ref().map(|l| match l.severity {
        Severity::High => 100.0,
        Severity::Medium => 90.0,
        Severity::Low => 45.0,
    });
    components[6] = newness(domain, facts.as_of);
    components[7] = domain.brand.as_ref().map(|_| 60.0);
    let dga = dga_score(first_label(&domain.name));
    components[8] = (dga > 0.0).then_some(dga);
    weigh_name_signals(&mut components, domain, facts.as_of);

    let state = state(domain, facts.as_of);
    decide(components, state, domain)
}

/// The greatest component, and what the state does to it.
fn decide(components: [Option<f64>; 9], state: Option<&'static str>, domain: &DomainFacts) -> Risk {
    let analyst_malicious = domain.listing.as_ref().is_some_and(|l| l.source == "analyst");
    if state == Some("allowed") && !analyst_malicious {
        return Risk { risk: 0.0, top: "allowed", state, components };
    }

    let (mut top, mut best) = ("none", 0.0);
    for (name, value) in COMPONENTS.iter().zip(components) {
        if let Some(value) = value
            && value > best
        {
            (top, best) = (name, value);
        }
    }
    if state == Some("sinkholed") {
        best = best.min(20.0);
    }
    Risk { risk: round(best), top, state, components }
}

/// How much the reputation of shared infrastructure says about this
/// domain: fully for a domain registered (or first seen) within 90
/// days, the age of nearly every criminal domain when its
/// infrastructure is listed; about half for an older one, which has
/// lived beside that infrastructure's abusers without being one.
/// Unknown age counts as recent.
fn age_fit(domain: &DomainFacts, as_of: i64) -> f64 {
    let Some(born) = domain.created.or(domain.first_seen) else { return 1.0 };
    let days = (as_of - born) / DAY;
    match days {
        ..=90 => 1.0,
        91..=365 => 0.7,
        _ => 0.55,
    }
}

/// Signals from the name alone (a brand in it, a generated look) flag
/// a domain only when something else agrees. A new domain (registered
/// or first seen within 30 days) with such a name is what phishing and
/// malware campaigns register, so the signal is raised by
/// [`NEW_NAME_BOOST`]; with infrastructure scoring 30 or more it stands
/// as it is; otherwise it is capped under the default threshold: shops
/// named after brands and random-looking product names are common.
fn weigh_name_signals(components: &mut [Option<f64>; 9], domain: &DomainFacts, as_of: i64) {
    let new = domain.created.or(domain.first_seen).is_some_and(|born| as_of - born <= 30 * DAY);
    let infrastructure = components[..5].iter().flatten().any(|&s| s >= 30.0);
    for index in [7, 8] {
        if let Some(score) = &mut components[index] {
            *score = if new {
                (*score + NEW_NAME_BOOST).min(100.0)
            } else if infrastructure {
                *score
            } else {
                score.min(NAME_ONLY_CAP)
            };
        }
    }
}

/// What a new registration adds to a name-only signal.
const NEW_NAME_BOOST: f64 = 15.0;

/// The most a name-only signal scores without support.
const NAME_ONLY_CAP: f64 = 45.0;

/// Registered recently (by the registration's creation date).
fn newness(domain: &DomainFacts, as_of: i64) -> Option<f64> {
    let age = as_of - domain.created?;
    if age < 0 {
        None
    } else if age <= 7 * DAY {
        Some(40.0)
    } else if age <= 30 * DAY {
        Some(30.0)
    } else {
        None
    }
}

/// What the domain is, when the lists or its registration say.
fn state(domain: &DomainFacts, as_of: i64) -> Option<&'static str> {
    let flags = domain.flags;
    if flags.allowed || flags.popular {
        Some("allowed")
    } else if flags.sinkhole {
        Some("sinkholed")
    } else if flags.parking {
        Some("parked")
    } else if domain.expires.is_some_and(|e| e < as_of) {
        Some("expired")
    } else {
        None
    }
}

/// The label left of the public suffix (the whole name's first label
/// for a registered domain).
fn first_label(name: &str) -> &str {
    name.split('.').next().unwrap_or_default()
}

/// Every domain's risk, in `facts.domains` order.
pub fn risks(facts: &Facts, reputations: &Reputations) -> Vec<Risk> {
    facts.domains.iter().map(|d| risk(d, facts, reputations)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Flags, Listing};
    use crate::profile::Profiles;
    use crate::reputation::Settings;

    fn world() -> Facts {
        let mut facts = Facts::new(100 * DAY);
        let bad_ns = facts.entities.intern(EntityKind::NsDomain, "bad-ns.example");
        let big_ns = facts.entities.intern(EntityKind::NsDomain, "big-host.example");
        for i in 0..50 {
            let listing = (i < 30).then(|| Listing {
                severity: Severity::High,
                category: "phishing".into(),
                source: "feed".into(),
                listed_at: 90 * DAY,
            });
            facts.domains.push(DomainFacts {
                name: format!("crime{i}.example"),
                entities: vec![(EntityKind::NsDomain, bad_ns)],
                listing,
                ..DomainFacts::default()
            });
        }
        for i in 0..5000 {
            facts.domains.push(DomainFacts {
                name: format!("shop{i}.example"),
                entities: vec![(EntityKind::NsDomain, big_ns)],
                ..DomainFacts::default()
            });
        }
        facts
    }

    fn scored(facts: &Facts) -> Vec<Risk> {
        let profiles = Profiles::build(facts);
        let reputations = Reputations::build(facts, &profiles, &Settings::default());
        risks(facts, &reputations)
    }

    #[test]
    fn unlisted_domains_on_a_bad_name_server_are_risky_and_benign_ones_not() {
        let facts = world();
        let risks = scored(&facts);
        let unlisted_crime = &risks[40];
        assert!(unlisted_crime.risk >= 50.0, "{unlisted_crime:?}");
        assert_eq!(unlisted_crime.top, "ns_domain");
        assert!(risks[100].risk < 10.0, "{:?}", risks[100]);
        assert_eq!(risks[0].top, "listing");
    }

    #[test]
    fn allowed_domains_score_zero_and_states_are_told() {
        let mut facts = world();
        facts.domains[40].flags = Flags { allowed: true, ..Flags::default() };
        facts.domains[41].flags = Flags { parking: true, ..Flags::default() };
        facts.domains[42].flags = Flags { sinkhole: true, ..Flags::default() };
        facts.domains[43].expires = Some(DAY);
        let risks = scored(&facts);
        assert_eq!(
            (risks[40].risk, risks[40].top, risks[40].state),
            (0.0, "allowed", Some("allowed"))
        );
        assert_eq!(risks[41].state, Some("parked"));
        assert!(risks[42].risk <= 20.0 && risks[42].state == Some("sinkholed"));
        assert_eq!(risks[43].state, Some("expired"));
    }
}
