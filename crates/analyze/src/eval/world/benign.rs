//! Benign domains: where they live, what they look like, when they
//! are registered, and the few lists get wrong.

use super::{DAYS, DomainSpec, Generator, Hoster, Infra, Label, Net, Truth};
use crate::eval::names;
use crate::facts::{EntityKind, Flags, Severity};

/// Benign populations and their shares.
const POPULATIONS: [(&str, f64); 7] = [
    ("big_hoster", 0.28),
    ("small_hoster", 0.30),
    ("vps", 0.16),
    ("self_hosted", 0.03),
    ("cdn", 0.10),
    ("dynamic_dns", 0.03),
    ("parked", 0.06),
];

/// Where a domain's DNS and addresses are.
struct Place<'a> {
    ns_domain: u32,
    pair: [u32; 2],
    net: &'a Net,
    ttl: u32,
    flags: Flags,
}

impl Generator {
    /// Adds one benign domain.
    pub(super) fn benign(&mut self, infra: &Infra) {
        let weights = POPULATIONS.map(|(_, w)| w);
        let population = POPULATIONS[self.rng.weighted(&weights)].0;
        let (name, brand) = self.benign_name();
        let registrar_rank = infra.registrar_table.draw(&mut self.rng);
        let place = self.place(infra, population, &name, registrar_rank);
        let created = self.benign_created(population);

        let mut entities = vec![place.ns_domain, place.pair[0], place.pair[1]];
        entities.push(infra.registrars[registrar_rank]);
        let registrant = self.benign_registrant(infra);
        entities.extend(registrant);
        let subnet = (population == "parked").then_some(0);
        let address = self.address(place.net, subnet);
        let id = self.domains.len() as u32;
        let label = self.mistaken_label(created);
        let active_from = self.benign_activation(population, created);
        let has_mx = population != "parked" && self.rng.chance(0.5);
        let flags = self.popularity(place.flags, population, created);
        let changes = self.benign_changes(population);
        self.domains.push(DomainSpec {
            truth: Truth {
                id,
                malicious: false,
                campaign: None,
                population,
                created,
                listed_day: label.as_ref().map(|l| l.day),
            },
            name,
            created,
            active_from,
            entities,
            address: Some(address),
            ttl: place.ttl,
            has_mx,
            privacy: registrant == Some(infra.privacy),
            flags,
            brand,
            changes,
            label,
        });
    }

    /// A person's name; 1.5 % machine-made, 0.3 % mentioning a brand.
    fn benign_name(&mut self) -> (String, Option<&'static str>) {
        let tld = names::benign_tld(&mut self.rng);
        let roll = self.rng.unit();
        if roll < 0.003 {
            let brand = self.rng.pick(names::BRANDS);
            let label = names::brand_fan_label(&mut self.rng, brand);
            (self.unique(&label, tld), Some(brand))
        } else if roll < 0.018 {
            let digits = self.rng.chance(0.5);
            let label = names::random_label(&mut self.rng, digits);
            (self.unique(&label, tld), None)
        } else {
            let label = names::person_label(&mut self.rng);
            (self.unique(&label, tld), None)
        }
    }

    /// The DNS and network of a domain of `population`.
    fn place<'a>(
        &mut self,
        infra: &'a Infra,
        population: &str,
        name: &str,
        registrar_rank: usize,
    ) -> Place<'a> {
        let flagged = |hoster: &'a Hoster, ttl: u32, flags: Flags, g: &mut Generator| {
            let pair = g.rng.pick(&hoster.dns.pairs);
            Place { ns_domain: hoster.dns.ns_domain, pair, net: &hoster.net, ttl, flags }
        };
        match population {
            "cdn" => {
                let hoster = self.rng.pick_ref(&infra.cdn);
                let ttl = self.rng.pick(&[60, 120, 300, 300]);
                flagged(hoster, ttl, Flags { cdn: true, ..Flags::default() }, self)
            }
            "parked" => {
                let hoster = self.rng.pick_ref(&infra.parking);
                let ttl = self.rng.pick(&[3600, 86_400]);
                flagged(hoster, ttl, Flags { parking: true, ..Flags::default() }, self)
            }
            "dynamic_dns" => {
                let pair = self.rng.pick(&infra.ddns.pairs);
                let net = self.rng.pick_ref(&infra.residential);
                let flags = Flags { dynamic_dns: true, ..Flags::default() };
                Place { ns_domain: infra.ddns.ns_domain, pair, net, ttl: 60, flags }
            }
            "self_hosted" => self.self_hosted(infra, name),
            _ => self.hosted(infra, population, registrar_rank),
        }
    }

    /// On a hoster: its own DNS, or (a third of the time) the
    /// registrar's DNS service.
    fn hosted<'a>(&mut self, infra: &'a Infra, population: &str, rank: usize) -> Place<'a> {
        let hoster = match population {
            "big_hoster" => &infra.big[self.rng.weighted(&[0.45, 0.32, 0.23])],
            "vps" => self.rng.pick_ref(&infra.vps),
            _ if self.rng.chance(0.01) => &infra.offshore,
            _ => &infra.small[infra.small_table.draw(&mut self.rng)],
        };
        let dns = match infra.registrar_dns.get(rank) {
            Some(dns) if self.rng.chance(0.35) => dns,
            _ => &hoster.dns,
        };
        let ttl = if self.rng.chance(0.6) { hoster.ttl } else { self.benign_ttl() };
        let pair = self.rng.pick(&dns.pairs);
        Place { ns_domain: dns.ns_domain, pair, net: &hoster.net, ttl, flags: Flags::default() }
    }

    /// Its own name servers (`ns1.<name>`): a name-server domain of
    /// one.
    fn self_hosted<'a>(&mut self, infra: &'a Infra, name: &str) -> Place<'a> {
        let ns_domain = self.entity(EntityKind::NsDomain, name.to_owned(), &[]);
        let pair = [1, 2].map(|n| self.entity(EntityKind::NsHost, format!("ns{n}.{name}"), &[]));
        let net = &infra.small[infra.small_table.draw(&mut self.rng)].net;
        let ttl = self.benign_ttl();
        Place { ns_domain, pair, net, ttl, flags: Flags::default() }
    }

    /// Mostly years old; 15 % (40 % of parked) registered within the
    /// two months before the timeline or during it.
    fn benign_created(&mut self, population: &str) -> i32 {
        let new_share = if population == "parked" { 0.4 } else { 0.15 };
        if self.rng.chance(new_share) {
            self.rng.range(-60, DAYS)
        } else {
            -self.rng.range(60, 5000)
        }
    }

    /// Used at once, weeks later, or never.
    fn benign_activation(&mut self, population: &str, created: i32) -> Option<i32> {
        let roll = self.rng.unit();
        if population == "parked" || roll < 0.88 {
            Some(created)
        } else if roll < 0.95 {
            Some(created + self.rng.range(1, 60))
        } else {
            None
        }
    }

    /// A third the privacy service, two fifths redacted, the rest an
    /// organisation's or a person's own address.
    fn benign_registrant(&mut self, infra: &Infra) -> Option<u32> {
        let roll = self.rng.unit();
        if roll < 0.33 {
            Some(infra.privacy)
        } else if roll < 0.75 {
            None
        } else if self.rng.chance(0.4) {
            Some(infra.orgs[infra.org_table.draw(&mut self.rng)])
        } else {
            let n = self.entities.len();
            let street = names::word(&mut self.rng, 2);
            let address = format!("{} {street} road, apt {n}, riverton, us", 1 + n % 97);
            Some(self.entity(EntityKind::Registrant, address, &[]))
        }
    }

    /// Popular-list and allow-list membership: old, hosted domains.
    fn popularity(&mut self, mut flags: Flags, population: &str, created: i32) -> Flags {
        let eligible = created < -365 && !matches!(population, "parked" | "dynamic_dns");
        if eligible && self.rng.chance(0.02) {
            flags.popular = true;
        } else if eligible && self.rng.chance(0.005) {
            flags.allowed = true;
        }
        flags
    }

    fn benign_changes(&mut self, population: &str) -> u32 {
        match population {
            "dynamic_dns" => self.rng.range(4, 20) as u32,
            _ => u32::from(self.rng.chance(0.03)),
        }
    }

    /// 0.4 % of benign domains are listed by mistake, mostly by
    /// low-severity lists.
    fn mistaken_label(&mut self, created: i32) -> Option<Label> {
        if !self.rng.chance(0.004) {
            return None;
        }
        let day = self.rng.range(created.max(-60), DAYS);
        let roll = self.rng.unit();
        let severity = if roll < 0.6 {
            Severity::Low
        } else if roll < 0.95 {
            Severity::Medium
        } else {
            Severity::High
        };
        let category = self.rng.pick(&["suspicious", "spam"]);
        Some(Label { day, severity, category })
    }
}
