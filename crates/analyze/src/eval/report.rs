//! The evaluation's report: serialisable, and printable as text.

use std::fmt;

use serde::Serialize;

use super::metrics::{AtFpr, Confusion, quantile};
use super::world::{BIG_HOSTERS, DAYS, PRIVACY_ADDRESS, Size, Truth, World};
use crate::facts::{EntityKind, Facts};
use crate::profile::LOW_TTL;
use crate::reputation::Settings;

/// Everything one evaluation measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The world's seed.
    pub seed: u64,
    /// The world's size.
    pub size: Size,
    /// The scoring settings evaluated.
    pub settings: Settings,
    /// Listings up to this day are known.
    pub cutoff_day: i32,
    /// The last day of the timeline.
    pub end_day: i32,
    /// What the world holds at the cut-off.
    pub world: WorldSummary,
    /// Domains a list named by the cut-off: labels, not evaluated.
    pub listed_at_cutoff: u64,
    /// Held-out malicious domains.
    pub held_out_positives: u64,
    /// Held-out benign domains.
    pub held_out_negatives: u64,
    /// Precision, recall and false-positive rate at the threshold.
    pub at_threshold: Confusion,
    /// ROC AUC over the held-out domains.
    pub roc_auc: Option<f64>,
    /// Detection at false-positive rates 0.5 % and 0.1 %.
    pub at_fpr: Vec<AtFpr>,
    /// How long before their listing domains were flagged.
    pub lead_time: LeadTime,
    /// Held-out recall per campaign kind.
    pub recall_by_kind: Vec<KindRecall>,
    /// Held-out benign domains flagged, per population.
    pub false_positives_by_population: Vec<Share>,
    /// Held-out benign domains flagged, per deciding component.
    pub false_positives_by_component: Vec<Share>,
}

/// What makes the world hard, counted from the facts at the cut-off.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WorldSummary {
    /// Domains registered by the cut-off.
    pub domains: u64,
    /// Of those, benign.
    pub benign: u64,
    /// Of those, malicious.
    pub malicious: u64,
    /// Campaigns in the whole timeline.
    pub campaigns: u64,
    /// Benign domains whose registrant is the privacy address.
    pub privacy_benign: u64,
    /// Malicious domains whose registrant is the privacy address.
    pub privacy_malicious: u64,
    /// Per very large shared hoster: name-server domain, benign and
    /// malicious domains on it.
    pub shared_hosters: Vec<(String, u64, u64)>,
    /// Benign CDN customers, and how many have a low TTL.
    pub cdn_benign: (u64, u64),
    /// Benign dynamic-DNS names, and how many have a low TTL.
    pub dynamic_dns_benign: (u64, u64),
    /// Benign parked domains.
    pub parked: u64,
    /// Benign domains listed by mistake by the cut-off.
    pub benign_listed: u64,
    /// Malicious domains of the whole timeline no list names by its
    /// end, as a share.
    pub never_listed_share: f64,
}

impl WorldSummary {
    /// Counts the world's hard parts in the cut-off facts.
    pub fn of(world: &World, facts: &Facts, truths: &[Truth]) -> Self {
        let mut s = WorldSummary {
            domains: truths.len() as u64,
            campaigns: world.campaigns().len() as u64,
            never_listed_share: never_listed_share(world),
            ..WorldSummary::default()
        };
        let privacy = facts.entities.id(EntityKind::Registrant, PRIVACY_ADDRESS);
        let hosters: Vec<Option<u32>> =
            BIG_HOSTERS.iter().map(|h| facts.entities.id(EntityKind::NsDomain, h)).collect();
        let mut on_hoster = vec![(0, 0); hosters.len()];
        for (d, t) in facts.domains.iter().zip(truths) {
            let side = |benign: &mut u64, malicious: &mut u64| {
                *if t.malicious { malicious } else { benign } += 1;
            };
            side(&mut s.benign, &mut s.malicious);
            if privacy.is_some_and(|p| d.entities_of(EntityKind::Registrant).any(|e| e == p)) {
                side(&mut s.privacy_benign, &mut s.privacy_malicious);
            }
            for (h, count) in hosters.iter().zip(&mut on_hoster) {
                if h.is_some_and(|h| d.entities_of(EntityKind::NsDomain).any(|e| e == h)) {
                    side(&mut count.0, &mut count.1);
                }
            }
            if t.malicious {
                continue;
            }
            let low = u64::from(d.avg_ttl().is_some_and(|ttl| ttl <= LOW_TTL));
            match t.population {
                "cdn" => s.cdn_benign = (s.cdn_benign.0 + 1, s.cdn_benign.1 + low),
                "dynamic_dns" => {
                    s.dynamic_dns_benign =
                        (s.dynamic_dns_benign.0 + 1, s.dynamic_dns_benign.1 + low)
                }
                "parked" => s.parked += 1,
                _ => {}
            }
            s.benign_listed += u64::from(d.listing.is_some());
        }
        s.shared_hosters = BIG_HOSTERS
            .iter()
            .zip(on_hoster)
            .map(|(h, (benign, malicious))| ((*h).to_owned(), benign, malicious))
            .collect();
        s
    }
}

fn never_listed_share(world: &World) -> f64 {
    let malicious: Vec<&Truth> = world.truths().filter(|t| t.malicious).collect();
    let never = malicious.iter().filter(|t| t.listed_day.is_none_or(|l| l > DAYS)).count();
    never as f64 / malicious.len().max(1) as f64
}

/// Held-out recall of one campaign kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindRecall {
    /// The kind.
    pub kind: &'static str,
    /// Held-out malicious domains of that kind.
    pub positives: u64,
    /// Of those, at or above the threshold.
    pub detected: u64,
}

/// How many of a group were flagged.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    /// The group (a population or a component).
    pub name: &'static str,
    /// Flagged.
    pub flagged: u64,
    /// In the group.
    pub of: u64,
}

/// Lead time: days from a domain's risk first reaching the threshold
/// to its listing, for malicious domains listed after the cut-off.
#[derive(Debug, Clone, Serialize)]
pub struct LeadTime {
    /// Risks were computed daily from this day.
    pub from_day: i32,
    /// Malicious domains first listed after the cut-off, by the end.
    pub listed_after_cutoff: u64,
    /// Of those, flagged on a day before their listing.
    pub flagged_before_listing: u64,
    /// Lead of those flagged, in days: first quartile, median and
    /// third quartile.
    pub quartiles_days: Option<[f64; 3]>,
    /// Mean lead, in days.
    pub mean_days: Option<f64>,
}

impl LeadTime {
    /// The lead times of the flagged domains, sorted.
    pub fn of(from_day: i32, listed: u64, sorted_leads: &[f64]) -> Self {
        let q = |p| quantile(sorted_leads, p);
        let quartiles = q(0.25).zip(q(0.5)).zip(q(0.75)).map(|((a, b), c)| [a, b, c]);
        let mean = (!sorted_leads.is_empty())
            .then(|| sorted_leads.iter().sum::<f64>() / sorted_leads.len() as f64);
        LeadTime {
            from_day,
            listed_after_cutoff: listed,
            flagged_before_listing: sorted_leads.len() as u64,
            quartiles_days: quartiles,
            mean_days: mean,
        }
    }

    /// Share flagged before their listing.
    pub fn share(&self) -> f64 {
        self.flagged_before_listing as f64 / self.listed_after_cutoff.max(1) as f64
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_world(f)?;
        self.fmt_scores(f)?;
        self.fmt_lead(f)?;
        self.fmt_breakdown(f)
    }
}

impl Report {
    fn fmt_world(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = &self.world;
        writeln!(
            f,
            "seed {}, size {}, cut-off day {} of {}",
            self.seed,
            self.size.as_str(),
            self.cutoff_day,
            self.end_day
        )?;
        writeln!(
            f,
            "world at the cut-off: {} domains ({} benign, {} malicious from {} campaigns); \
             {:.0}% of malicious domains never listed",
            w.domains,
            w.benign,
            w.malicious,
            w.campaigns,
            100.0 * w.never_listed_share
        )?;
        writeln!(
            f,
            "  privacy address: {} benign, {} malicious; CDN: {} benign ({} low TTL); \
             dynamic DNS: {} benign ({} low TTL); parked: {}; benign listed by mistake: {}",
            w.privacy_benign,
            w.privacy_malicious,
            w.cdn_benign.0,
            w.cdn_benign.1,
            w.dynamic_dns_benign.0,
            w.dynamic_dns_benign.1,
            w.parked,
            w.benign_listed
        )?;
        for (name, benign, malicious) in &w.shared_hosters {
            writeln!(f, "  shared hoster {name}: {benign} benign, {malicious} malicious")?;
        }
        Ok(())
    }

    fn fmt_scores(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.at_threshold;
        writeln!(
            f,
            "held out (unlisted at the cut-off): {} malicious, {} benign; {} listed domains used as labels",
            self.held_out_positives, self.held_out_negatives, self.listed_at_cutoff
        )?;
        writeln!(
            f,
            "at threshold {}: precision {}, recall {:.3}, false-positive rate {:.4} \
             ({} true, {} false positives)",
            c.threshold,
            c.precision.map_or("-".to_owned(), |p| format!("{p:.3}")),
            c.recall,
            c.false_positive_rate,
            c.true_positives,
            c.false_positives
        )?;
        let auc = self.roc_auc.map_or("-".to_owned(), |a| format!("{a:.3}"));
        writeln!(f, "ROC AUC: {auc}")?;
        for at in &self.at_fpr {
            writeln!(
                f,
                "detection at false-positive rate ≤ {:.1}%: {:.3} (risk > {}, rate {:.4})",
                100.0 * at.target_fpr,
                at.detection,
                at.above,
                at.fpr
            )?;
        }
        writeln!(f, "targets: Kopis ~0.98 at < 0.5%, Segugio ~0.94 at < 0.1%")
    }

    fn fmt_lead(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = &self.lead_time;
        write!(
            f,
            "lead time (daily from day {}): {} of {} listed after the cut-off flagged before \
             their listing ({:.3})",
            l.from_day,
            l.flagged_before_listing,
            l.listed_after_cutoff,
            l.share()
        )?;
        match (l.quartiles_days, l.mean_days) {
            (Some([q1, median, q3]), Some(mean)) => writeln!(
                f,
                "; lead median {median:.1} days (quartiles {q1:.1}–{q3:.1}, mean {mean:.1})"
            ),
            _ => writeln!(f),
        }
    }

    fn fmt_breakdown(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "recall by campaign kind:")?;
        for k in &self.recall_by_kind {
            write!(f, " {} {}/{}", k.kind, k.detected, k.positives)?;
        }
        writeln!(f)?;
        write!(f, "false positives by population:")?;
        for s in &self.false_positives_by_population {
            write!(f, " {} {}/{}", s.name, s.flagged, s.of)?;
        }
        writeln!(f)?;
        write!(f, "false positives by deciding component:")?;
        for s in &self.false_positives_by_component {
            write!(f, " {} {}", s.name, s.flagged)?;
        }
        writeln!(f)
    }
}
