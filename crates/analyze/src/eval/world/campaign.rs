//! Crimeware campaigns: their infrastructure, their domains and the
//! listings that follow them, late or never.

use super::{Campaign, CampaignKind, DAYS, Dns, DomainSpec, Generator, Infra, Label, Net, Truth};
use crate::eval::names;
use crate::facts::{EntityKind, Flags, Severity};

/// The infrastructure a campaign's domains share.
struct Setup {
    dns: Dns,
    /// Networks, each with the subnets the campaign uses there (`None`:
    /// anywhere in the network).
    nets: Vec<(Net, Option<Vec<usize>>)>,
    ttls: Vec<u32>,
    registrars: Vec<u32>,
    registrant: Registrant,
    flags: Flags,
}

/// Whose address a campaign registers its domains with.
enum Registrant {
    /// A made-up address reused for every domain.
    Fixed(u32),
    /// The privacy service benign domains use.
    Privacy,
    /// The privacy service or redacted, domain by domain.
    PrivacyOrRedacted,
}

/// How a campaign names its domains.
#[derive(Clone, Copy)]
enum Style {
    Lure(&'static str),
    Generated { digits: bool },
    Person,
}

/// A campaign's timing and listing behaviour.
struct Plan {
    id: u32,
    kind: CampaignKind,
    category: &'static str,
    start: i32,
    duration: i32,
    miss_rate: f64,
    delay_median: f64,
    style: Style,
}

impl Generator {
    /// Adds campaign `id` and its domains.
    pub(super) fn campaign(&mut self, infra: &Infra, id: u32, largest: i32) -> Campaign {
        let kind = CampaignKind::ALL[self.rng.weighted(&CampaignKind::WEIGHTS)];
        let category = self.category(kind);
        let plan = Plan {
            id,
            kind,
            category,
            start: self.rng.range(-60, DAYS - 5),
            duration: self.rng.range(3, 45),
            miss_rate: 0.15 + 0.45 * self.rng.unit(),
            delay_median: 2.0 + 8.0 * self.rng.unit(),
            style: self.style(category),
        };
        let domains = self.campaign_size(largest);
        let setup = self.setup(infra, kind, plan.start);
        for _ in 0..domains {
            self.crime_domain(infra, &setup, &plan);
        }
        Campaign {
            id,
            kind,
            category,
            start: plan.start,
            domains,
            miss_rate: plan.miss_rate,
            delay_median: plan.delay_median,
        }
    }

    fn category(&mut self, kind: CampaignKind) -> &'static str {
        let roll = self.rng.unit();
        match kind {
            CampaignKind::DynamicDns => "malware",
            CampaignKind::CdnFronted if roll < 0.7 => "phishing",
            CampaignKind::CdnFronted => "scam",
            _ if roll < 0.45 => "phishing",
            _ if roll < 0.75 => "malware",
            _ => "scam",
        }
    }

    fn style(&mut self, category: &str) -> Style {
        match category {
            "phishing" => Style::Lure(self.rng.pick(names::BRANDS)),
            "malware" if self.rng.chance(0.5) => Style::Generated { digits: self.rng.chance(0.5) },
            _ => Style::Person,
        }
    }

    /// Most campaigns are small; a tenth run to `largest` domains.
    fn campaign_size(&mut self, largest: i32) -> usize {
        let roll = self.rng.unit();
        let (lo, hi) = if roll < 0.6 {
            (2, 10)
        } else if roll < 0.9 {
            (11, 60)
        } else {
            (61, largest)
        };
        self.rng.range(lo, hi) as usize
    }

    fn setup(&mut self, infra: &Infra, kind: CampaignKind, start: i32) -> Setup {
        match kind {
            CampaignKind::OwnNs => self.own_ns(infra, start),
            CampaignKind::SharedHoster => self.shared_hoster(infra),
            CampaignKind::RegistrarPrivacy => {
                // One of the three most popular, as often as their
                // market shares say.
                let rank = self.rng.weighted(&[1.0, 0.5, 1.0 / 3.0]);
                Setup {
                    dns: infra.registrar_dns[rank].clone(),
                    nets: self.split_over_vps(infra, 3),
                    ttls: vec![300, 1800, 3600],
                    registrars: vec![infra.registrars[rank]],
                    registrant: Registrant::Privacy,
                    flags: Flags::default(),
                }
            }
            CampaignKind::CdnFronted => {
                let cdn = self.rng.pick_ref(&infra.cdn);
                Setup {
                    dns: cdn.dns.clone(),
                    nets: vec![(cdn.net.clone(), None)],
                    ttls: vec![300],
                    registrars: infra.registrars[..5].to_vec(),
                    registrant: Registrant::PrivacyOrRedacted,
                    flags: Flags { cdn: true, ..Flags::default() },
                }
            }
            CampaignKind::DynamicDns => Setup {
                dns: infra.ddns.clone(),
                nets: vec![(self.rng.pick_ref(&infra.residential).clone(), None)],
                ttls: vec![60],
                registrars: infra.registrars[..5].to_vec(),
                registrant: Registrant::PrivacyOrRedacted,
                flags: Flags { dynamic_dns: true, ..Flags::default() },
            },
        }
    }

    /// A fresh name-server domain of its own, registered days before
    /// the campaign; addresses on an offshore hoster or split over the
    /// two VPS networks.
    fn own_ns(&mut self, infra: &Infra, start: i32) -> Setup {
        let label = format!("{}-ns", names::word(&mut self.rng, 2));
        let tld = names::crime_tld(&mut self.rng);
        let ns_domain = self.unique(&label, tld);
        let dns = self.dns(&ns_domain, 1, &[]);
        self.entities[dns.ns_domain as usize].created = Some(start - self.rng.range(0, 10));
        let nets = if self.rng.chance(0.35) {
            let subnets = self.some_subnets(&infra.offshore.net, 2);
            vec![(infra.offshore.net.clone(), Some(subnets))]
        } else {
            self.split_over_vps(infra, 3)
        };
        let registrars = if self.rng.chance(0.5) {
            vec![infra.cheap_registrar]
        } else {
            infra.registrars[..3].to_vec()
        };
        let registrant = if self.rng.chance(0.5) {
            Registrant::Fixed(self.fake_registrant())
        } else {
            Registrant::Privacy
        };
        Setup {
            dns,
            nets,
            ttls: vec![60, 300, 300, 600],
            registrars,
            registrant,
            flags: Flags::default(),
        }
    }

    /// A very large shared hoster's name servers and network: spread
    /// over all its subnets, or (half the time) on two of them.
    fn shared_hoster(&mut self, infra: &Infra) -> Setup {
        let hoster = self.rng.pick_ref(&infra.big).clone();
        let subnets = self.rng.chance(0.5).then(|| self.some_subnets(&hoster.net, 2));
        Setup {
            dns: hoster.dns,
            ttls: vec![hoster.ttl],
            nets: vec![(hoster.net, subnets)],
            registrars: infra.registrars[..3].to_vec(),
            registrant: Registrant::PrivacyOrRedacted,
            flags: Flags::default(),
        }
    }

    /// Both VPS networks, a few subnets in each.
    fn split_over_vps(&mut self, infra: &Infra, most: usize) -> Vec<(Net, Option<Vec<usize>>)> {
        let mut nets = Vec::new();
        for hoster in &infra.vps {
            let subnets = self.some_subnets(&hoster.net, most);
            nets.push((hoster.net.clone(), Some(subnets)));
        }
        nets
    }

    /// One to `most` of a network's subnets.
    fn some_subnets(&mut self, net: &Net, most: usize) -> Vec<usize> {
        let count = 1 + self.rng.below(most);
        (0..count).map(|_| self.rng.below(net.subnets.len())).collect()
    }

    fn fake_registrant(&mut self) -> u32 {
        let street = names::word(&mut self.rng, 3);
        let n = self.rng.below(900) + 100;
        let address = format!("{n} {street} ave, kyiv, ua");
        self.entity(EntityKind::Registrant, address, &[])
    }

    fn crime_name(&mut self, style: Style) -> (String, Option<&'static str>) {
        let tld = names::crime_tld(&mut self.rng);
        let (label, brand) = match style {
            // Brand detection finds half of the look-alikes.
            Style::Lure(brand) => {
                (names::lure_label(&mut self.rng, brand), self.rng.chance(0.5).then_some(brand))
            }
            Style::Generated { digits } => (names::random_label(&mut self.rng, digits), None),
            Style::Person => (names::person_label(&mut self.rng), None),
        };
        (self.unique(&label, tld), brand)
    }

    /// Adds one domain of a campaign.
    fn crime_domain(&mut self, infra: &Infra, setup: &Setup, plan: &Plan) {
        let (name, brand) = self.crime_name(plan.style);
        let created = plan.start + self.rng.range(0, plan.duration);
        let active_from = self.crime_activation(created);
        let pair = self.rng.pick(&setup.dns.pairs);
        let registrant = match setup.registrant {
            Registrant::Fixed(id) => Some(id),
            Registrant::Privacy => Some(infra.privacy),
            Registrant::PrivacyOrRedacted => self.rng.chance(0.6).then_some(infra.privacy),
        };
        let mut entities = vec![setup.dns.ns_domain, pair[0], pair[1]];
        entities.push(self.rng.pick(&setup.registrars));
        entities.extend(registrant);

        let (net, subnets) = &setup.nets[self.rng.below(setup.nets.len())];
        let subnet = subnets.as_ref().map(|s| self.rng.pick(s));
        let address = self.address(net, subnet);
        let label = active_from.and_then(|a| self.crime_label(plan, a));
        let id = self.domains.len() as u32;
        let ttl = self.rng.pick(&setup.ttls);
        let has_mx = self.rng.chance(0.2);
        let changes = self.rng.range(0, 2) as u32;
        self.domains.push(DomainSpec {
            truth: Truth {
                id,
                malicious: true,
                campaign: Some(plan.id),
                population: plan.kind.as_str(),
                created,
                listed_day: label.as_ref().map(|l| l.day),
            },
            name,
            created,
            active_from,
            entities,
            address: Some(address),
            ttl,
            has_mx,
            privacy: registrant == Some(infra.privacy),
            flags: setup.flags,
            brand,
            changes,
            label,
        });
    }

    /// Used at once (60 %), after waiting up to three weeks (35 %),
    /// or never (5 %).
    fn crime_activation(&mut self, created: i32) -> Option<i32> {
        let roll = self.rng.unit();
        if roll < 0.6 {
            Some(created)
        } else if roll < 0.95 {
            Some(created + self.rng.range(1, 21))
        } else {
            None
        }
    }

    /// The listing of a domain used from day `active`: missed at the
    /// campaign's rate, else after a log-normal delay.
    fn crime_label(&mut self, plan: &Plan, active: i32) -> Option<Label> {
        if self.rng.chance(plan.miss_rate) {
            return None;
        }
        let delay = self.rng.lognormal(plan.delay_median, 0.9).round().min(120.0);
        let roll = self.rng.unit();
        let severity = match plan.category {
            "malware" if roll < 0.8 => Severity::High,
            "phishing" if roll < 0.5 => Severity::High,
            "phishing" if roll < 0.9 => Severity::Medium,
            "scam" if roll < 0.5 => Severity::Medium,
            "malware" => Severity::Medium,
            _ => Severity::Low,
        };
        Some(Label { day: active + delay as i32, severity, category: plan.category })
    }
}
