//! Entity profiles: what an entity's domains have in common, counted.

use serde::Serialize;

use crate::facts::{EntityKind, Facts, Flags, Severity};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// A domain created within this many days of the moment counts as new.
pub const NEW_DAYS: i64 = 30;

/// A domain registered (or first seen) within this many days belongs
/// to an entity's recent cohort.
pub const RECENT_DAYS: i64 = 90;

/// A TTL at or under this many seconds counts as low.
pub const LOW_TTL: f64 = 300.0;

/// What one entity carries, counted as of the moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profile {
    /// Domains using the entity.
    pub domains: u64,
    /// Of those, in use (addresses, mail or traffic).
    pub active: u64,
    /// Listed, by severity.
    pub listed_high: u64,
    /// Listed with medium (or no) severity.
    pub listed_medium: u64,
    /// Listed with low severity.
    pub listed_low: u64,
    /// Domains on allow lists or popular lists.
    pub allowed: u64,
    /// Sum of the listed domains' weights (see [`Severity::weight`]).
    pub listed_weight: f64,
    /// Domains with a known average TTL, and the sum of those averages.
    pub ttl_domains: u64,
    /// Sum of the domains' average TTLs.
    pub ttl_sum: f64,
    /// Domains whose average TTL is low.
    pub low_ttl: u64,
    /// Domains with a known creation date.
    pub dated: u64,
    /// Domains created within [`NEW_DAYS`].
    pub new: u64,
    /// Domains impersonating a brand.
    pub brand: u64,
    /// Name-server and address changes within the window, all domains.
    pub changes: u64,
    /// Domains registered (or first seen) within [`RECENT_DAYS`].
    pub recent: u64,
    /// The listing weight of those recent domains.
    pub recent_listed_weight: f64,
    /// Flags from lists, of the entity itself.
    pub flags: Flags,
    /// Up to three categories of its listed domains, most frequent
    /// first, with counts.
    pub categories: Vec<(String, u64)>,
}

impl Profile {
    /// Listed domains, all severities.
    pub fn listed(&self) -> u64 {
        self.listed_high + self.listed_medium + self.listed_low
    }

    /// Mean of the domains' average TTLs.
    pub fn avg_ttl(&self) -> Option<f64> {
        (self.ttl_domains > 0).then(|| self.ttl_sum / self.ttl_domains as f64)
    }

    /// Share of dated domains created recently.
    pub fn new_share(&self) -> f64 {
        share(self.new, self.dated)
    }

    /// Share of domains with a low TTL, among those with a known TTL.
    pub fn low_ttl_share(&self) -> f64 {
        share(self.low_ttl, self.ttl_domains)
    }

    /// Changes per domain within the window.
    pub fn churn(&self) -> f64 {
        if self.domains == 0 { 0.0 } else { self.changes as f64 / self.domains as f64 }
    }

    /// Share of domains impersonating a brand.
    pub fn brand_share(&self) -> f64 {
        share(self.brand, self.domains)
    }
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// Profiles of every entity, by kind and id.
#[derive(Debug, Clone, Default)]
pub struct Profiles {
    by_kind: [Vec<Profile>; EntityKind::COUNT],
}

impl Profiles {
    /// Counts every domain into the profiles of its entities.
    pub fn build(facts: &Facts) -> Self {
        let mut by_kind: [Vec<Profile>; EntityKind::COUNT] = Default::default();
        for kind in EntityKind::ALL {
            let count = facts.entities.count(kind);
            by_kind[kind as usize] = (0..count)
                .map(|id| Profile {
                    flags: facts.entities.flags(kind, id as u32),
                    ..Profile::default()
                })
                .collect();
        }

        let mut categories: [hashbrown::HashMap<(u32, String), u64>; EntityKind::COUNT] =
            Default::default();
        for domain in &facts.domains {
            let mut seen: Vec<(EntityKind, u32)> = Vec::with_capacity(domain.entities.len());
            for &(kind, id) in &domain.entities {
                // A domain with two hosts under one NS domain counts once.
                if seen.contains(&(kind, id)) {
                    continue;
                }
                seen.push((kind, id));
                let Some(profile) = by_kind[kind as usize].get_mut(id as usize) else { continue };
                count_domain(profile, domain, facts.as_of);
                if let Some(listing) = &domain.listing
                    && !listing.category.is_empty()
                {
                    *categories[kind as usize]
                        .entry((id, listing.category.clone()))
                        .or_default() += 1;
                }
            }
        }

        for kind in EntityKind::ALL {
            let mut per_entity: hashbrown::HashMap<u32, Vec<(String, u64)>> = Default::default();
            for ((id, category), count) in std::mem::take(&mut categories[kind as usize]) {
                per_entity.entry(id).or_default().push((category, count));
            }
            for (id, mut list) in per_entity {
                list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                list.truncate(3);
                if let Some(profile) = by_kind[kind as usize].get_mut(id as usize) {
                    profile.categories = list;
                }
            }
        }
        Profiles { by_kind }
    }

    /// The profile of one entity.
    pub fn get(&self, kind: EntityKind, id: u32) -> Option<&Profile> {
        self.by_kind[kind as usize].get(id as usize)
    }

    /// The profiles of one kind, by id.
    pub fn of_kind(&self, kind: EntityKind) -> &[Profile] {
        &self.by_kind[kind as usize]
    }
}

/// Adds one domain to one entity's counts.
fn count_domain(profile: &mut Profile, domain: &crate::facts::DomainFacts, as_of: i64) {
    profile.domains += 1;
    profile.active += u64::from(domain.is_active());
    profile.allowed += u64::from(domain.flags.allowed || domain.flags.popular);
    if let Some(listing) = &domain.listing {
        match listing.severity {
            Severity::High => profile.listed_high += 1,
            Severity::Medium => profile.listed_medium += 1,
            Severity::Low => profile.listed_low += 1,
        }
        profile.listed_weight += listing.severity.weight();
    }

    if let Some(ttl) = domain.avg_ttl() {
        profile.ttl_domains += 1;
        profile.ttl_sum += ttl;
        profile.low_ttl += u64::from(ttl <= LOW_TTL);
    }
    if let Some(created) = domain.created {
        profile.dated += 1;
        profile.new += u64::from(created <= as_of && as_of - created <= NEW_DAYS * DAY);
    }
    profile.brand += u64::from(domain.brand.is_some());
    profile.changes += u64::from(domain.changes);
    if is_recent(domain, as_of) {
        profile.recent += 1;
        profile.recent_listed_weight +=
            domain.listing.as_ref().map_or(0.0, |l| l.severity.weight());
    }
}

/// Whether a domain was registered (or, without a registration, first
/// seen) within [`RECENT_DAYS`] of `as_of`.
pub fn is_recent(domain: &crate::facts::DomainFacts, as_of: i64) -> bool {
    domain.created.or(domain.first_seen).is_some_and(|born| as_of - born <= RECENT_DAYS * DAY)
}
