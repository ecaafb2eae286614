//! The generated world: a timeline of domains with ground truth.
//!
//! The world is built to be hard for infrastructure scoring, in the
//! ways the real internet is (see EVALUATION.md for the reasons):
//!
//! - benign domains sit on a long tail of small hosters and on three
//!   very large shared hosters ([`BIG_HOSTERS`]) with thousands of
//!   domains each; a third of them use their registrar's DNS; a few
//!   run their own name servers;
//! - registrars follow a Zipf law, so the popular ones carry most
//!   benign and most criminal domains alike;
//! - one privacy service's address ([`PRIVACY_ADDRESS`]) is the
//!   registrant of about a third of all benign domains; most others
//!   are redacted;
//! - CDN customers have TTLs of 5 minutes or less, dynamic-DNS names
//!   1 minute and frequent address changes; both are flagged the way
//!   a CDN range list and a dynamic-DNS list flag them;
//! - parked domains sit on parking name servers;
//! - benign domains are registered every day, a few look machine-made
//!   or mention a brand, and a few are listed by mistake;
//! - crimeware campaigns come in five kinds ([`CampaignKind`]), of
//!   sizes from 2 to a few hundred domains, many registered days or
//!   weeks before they are used;
//! - listings arrive days to weeks after a domain is used, and a
//!   third or more are never listed.
//!
//! Days are counted from [`EPOCH`]; negative days are history before
//! the timeline (old domains, earlier campaigns and their listings).

use std::net::{IpAddr, Ipv4Addr};

use hashbrown::HashSet;
use serde::Serialize;

use super::rng::{Rng, Table};
use crate::facts::{DomainFacts, Entities, EntityKind, Facts, Flags, Listing, Severity};
use crate::load::subnet_of;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Day 0 of every world: 2026-01-01T00:00:00Z.
pub const EPOCH: i64 = 1_767_225_600;

/// The timeline runs from day 0 to this day.
pub const DAYS: i32 = 120;

/// The privacy service's registrant address, shared by thousands of
/// benign domains (and by criminals, who use the same service).
pub const PRIVACY_ADDRESS: &str = "whoisguard privacy, po box 0823-03411, panama, pa";

/// The very large shared hosters' name-server domains.
pub const BIG_HOSTERS: [&str; 3] = ["megahost-dns.com", "sharedsites.net", "webfarm-ns.net"];

/// How large a world is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Size {
    /// About 10,000 benign domains and 16 campaigns of up to 100
    /// domains: for tests.
    Small,
    /// About 40,000 benign domains and 48 campaigns of up to 250
    /// domains.
    Default,
    /// About 160,000 benign domains and 192 campaigns.
    Large,
}

impl Size {
    /// Every size, smallest first.
    pub const ALL: [Size; 3] = [Size::Small, Size::Default, Size::Large];

    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Default => "default",
            Size::Large => "large",
        }
    }

    /// The size named `text`.
    pub fn parse(text: &str) -> Option<Size> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    fn benign(self) -> usize {
        match self {
            Size::Small => 10_000,
            Size::Default => 40_000,
            Size::Large => 160_000,
        }
    }

    /// Campaigns, for about 3.5 % of domains malicious at every size.
    fn campaigns(self) -> usize {
        match self {
            Size::Small => 16,
            Size::Default => 48,
            Size::Large => 192,
        }
    }

    /// The largest campaign: a small world's networks are too small
    /// to hide a campaign of hundreds of domains, as real ones do.
    fn largest_campaign(self) -> i32 {
        match self {
            Size::Small => 100,
            Size::Default | Size::Large => 250,
        }
    }
}

/// How a crimeware campaign sets up its infrastructure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignKind {
    /// Its own fresh, low-density name-server domain, low TTLs, fresh
    /// registrations, addresses on an offshore hoster or split over
    /// two VPS networks that also host many benign domains.
    OwnNs,
    /// Spread over a very large shared hoster's name servers and
    /// network, with that hoster's default TTL: no infrastructure of
    /// its own.
    SharedHoster,
    /// One of the three most popular registrars, its DNS service and
    /// the privacy address benign domains use; addresses split over
    /// the two VPS networks.
    RegistrarPrivacy,
    /// Behind a CDN: the CDN's name servers and addresses.
    CdnFronted,
    /// On a dynamic-DNS provider, addresses in residential networks.
    DynamicDns,
}

impl CampaignKind {
    /// Every kind.
    pub const ALL: [CampaignKind; 5] = [
        CampaignKind::OwnNs,
        CampaignKind::SharedHoster,
        CampaignKind::RegistrarPrivacy,
        CampaignKind::CdnFronted,
        CampaignKind::DynamicDns,
    ];

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignKind::OwnNs => "own_ns",
            CampaignKind::SharedHoster => "shared_hoster",
            CampaignKind::RegistrarPrivacy => "registrar_privacy",
            CampaignKind::CdnFronted => "cdn_fronted",
            CampaignKind::DynamicDns => "dynamic_dns",
        }
    }

    /// How often campaigns of each kind occur, in [`Self::ALL`] order.
    const WEIGHTS: [f64; 5] = [0.30, 0.25, 0.25, 0.10, 0.10];
}

/// One campaign, as the generator made it.
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    /// Its id (the index in [`World::campaigns`]).
    pub id: u32,
    /// How it sets up its infrastructure.
    pub kind: CampaignKind,
    /// `phishing`, `malware` or `scam`.
    pub category: &'static str,
    /// Day its first domain is registered.
    pub start: i32,
    /// How many domains it registers.
    pub domains: usize,
    /// The share of its domains no list ever names.
    pub miss_rate: f64,
    /// Median delay from activation to listing, in days.
    pub delay_median: f64,
}

/// What is true of a domain, whatever the lists say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    /// The domain's index in the world (stable across days).
    pub id: u32,
    /// Criminal.
    pub malicious: bool,
    /// The campaign, for a criminal domain.
    pub campaign: Option<u32>,
    /// Where it lives: a benign population (`big_hoster`,
    /// `small_hoster`, `vps`, `self_hosted`, `cdn`, `dynamic_dns`,
    /// `parked`) or a campaign kind ([`CampaignKind::as_str`]).
    pub population: &'static str,
    /// Day it was registered.
    pub created: i32,
    /// Day a list names it, if one ever does (benign domains too:
    /// lists make mistakes).
    pub listed_day: Option<i32>,
}

/// A name, a kind and what lists say of one entity.
#[derive(Debug, Clone)]
struct EntitySpec {
    kind: EntityKind,
    name: String,
    lists: &'static [&'static str],
    created: Option<i32>,
}

/// A listing to be.
#[derive(Debug, Clone)]
struct Label {
    day: i32,
    severity: Severity,
    category: &'static str,
}

/// One domain over the whole timeline.
#[derive(Debug, Clone)]
struct DomainSpec {
    name: String,
    created: i32,
    /// First day with addresses; `None`: never used.
    active_from: Option<i32>,
    /// Name-server and registration entities (world ids).
    entities: Vec<u32>,
    /// The address and its AS and subnet (world ids).
    address: Option<(Ipv4Addr, u32, u32)>,
    ttl: u32,
    has_mx: bool,
    privacy: bool,
    flags: Flags,
    brand: Option<&'static str>,
    changes: u32,
    label: Option<Label>,
    truth: Truth,
}

/// A name-server service: a name-server domain and its host pairs.
#[derive(Debug, Clone)]
struct Dns {
    ns_domain: u32,
    pairs: Vec<[u32; 2]>,
}

/// A network: an AS and its /24 subnets.
#[derive(Debug, Clone)]
struct Net {
    asn: u32,
    /// First two octets of its addresses.
    prefix: [u8; 2],
    subnets: Vec<u32>,
}

/// A hoster: its DNS, its network and its default TTL.
#[derive(Debug, Clone)]
struct Hoster {
    dns: Dns,
    net: Net,
    ttl: u32,
}

/// The shared infrastructure every domain is placed on.
struct Infra {
    big: Vec<Hoster>,
    small: Vec<Hoster>,
    small_table: Table,
    vps: Vec<Hoster>,
    offshore: Hoster,
    cdn: Vec<Hoster>,
    ddns: Dns,
    residential: Vec<Net>,
    parking: Vec<Hoster>,
    registrars: Vec<u32>,
    registrar_table: Table,
    /// DNS services of the four most popular registrars.
    registrar_dns: Vec<Dns>,
    /// A mid-sized registrar criminals favour.
    cheap_registrar: u32,
    privacy: u32,
    orgs: Vec<u32>,
    org_table: Table,
}

/// A generated world.
#[derive(Debug, Clone)]
pub struct World {
    seed: u64,
    size: Size,
    entities: Vec<EntitySpec>,
    domains: Vec<DomainSpec>,
    campaigns: Vec<Campaign>,
}

/// The TTLs benign operators choose, with their weights.
const BENIGN_TTLS: [(u32, f64); 8] = [
    (60, 4.0),
    (300, 14.0),
    (600, 5.0),
    (1800, 6.0),
    (3600, 33.0),
    (7200, 6.0),
    (14_400, 10.0),
    (86_400, 22.0),
];

impl World {
    /// Generates the world of `seed`: the same seed and size give the
    /// same world everywhere.
    pub fn generate(seed: u64, size: Size) -> World {
        let mut generator = Generator::new(seed);
        let infra = generator.infrastructure(size);
        for _ in 0..size.benign() {
            generator.benign(&infra);
        }
        let mut campaigns = Vec::new();
        for id in 0..size.campaigns() {
            campaigns.push(generator.campaign(&infra, id as u32, size.largest_campaign()));
        }
        World { seed, size, entities: generator.entities, domains: generator.domains, campaigns }
    }

    /// The seed it was generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Its size.
    pub fn size(&self) -> Size {
        self.size
    }

    /// Its campaigns.
    pub fn campaigns(&self) -> &[Campaign] {
        &self.campaigns
    }

    /// The ground truth of every domain, registered or not yet, in
    /// world order (by [`Truth::id`]).
    pub fn truths(&self) -> impl Iterator<Item = &Truth> {
        self.domains.iter().map(|d| &d.truth)
    }

    /// The moment of the end of `day`'s data: events of `day` are
    /// known.
    pub fn moment(day: i32) -> i64 {
        EPOCH + i64::from(day) * DAY
    }

    /// The facts as of `day`: domains registered by then, listings
    /// known by then (later ones are held out), with each domain's
    /// ground truth in the same order as `facts.domains`.
    pub fn facts_at(&self, day: i32) -> (Facts, Vec<Truth>) {
        let mut facts = Facts::new(World::moment(day));
        let mut ids: Vec<Option<u32>> = vec![None; self.entities.len()];
        let mut truths = Vec::new();
        for domain in self.domains.iter().filter(|d| d.created <= day) {
            let facts_domain = self.domain_at(domain, day, &mut facts.entities, &mut ids);
            facts.domains.push(facts_domain);
            truths.push(domain.truth.clone());
        }
        (facts, truths)
    }

    /// One domain as of `day`.
    fn domain_at(
        &self,
        spec: &DomainSpec,
        day: i32,
        entities: &mut Entities,
        ids: &mut [Option<u32>],
    ) -> DomainFacts {
        let active = spec.active_from.is_some_and(|a| a <= day);
        let mut refs: Vec<u32> = spec.entities.clone();
        let mut addresses = Vec::new();
        if let Some((ip, asn, subnet)) = spec.address.filter(|_| active) {
            addresses.push(IpAddr::V4(ip));
            refs.extend([asn, subnet]);
        }
        let entity_ids = refs
            .iter()
            .map(|&r| (self.entities[r as usize].kind, self.intern(r, day, entities, ids)))
            .collect();
        let records = if active { 3 } else { 2 };
        DomainFacts {
            name: spec.name.clone(),
            entities: entity_ids,
            addresses,
            has_mx: active && spec.has_mx,
            delegated: true,
            in_traffic: active,
            ttl_sum: u64::from(spec.ttl) * records,
            ttl_count: records as u32,
            first_seen: Some(World::moment(spec.created)),
            last_seen: Some(World::moment(day)),
            changes: if active { spec.changes } else { 0 },
            created: Some(World::moment(spec.created)),
            expires: Some(World::moment(spec.created.max(day) + 365)),
            privacy: spec.privacy,
            listing: spec.label.as_ref().filter(|l| l.day <= day).map(listing),
            flags: spec.flags,
            brand: spec.brand.map(str::to_owned),
            org: None,
            country: None,
        }
    }

    /// The facts id of world entity `r`, interned (with its list
    /// flags and, for a name-server domain, its creation) when first
    /// used.
    fn intern(&self, r: u32, day: i32, entities: &mut Entities, ids: &mut [Option<u32>]) -> u32 {
        if let Some(id) = ids[r as usize] {
            return id;
        }
        let spec = &self.entities[r as usize];
        let id = entities.intern(spec.kind, &spec.name);
        for list in spec.lists {
            entities.flag(spec.kind, id, list);
        }
        if let Some(created) = spec.created.filter(|&c| c <= day) {
            entities.set_created(id, World::moment(created));
        }
        ids[r as usize] = Some(id);
        id
    }
}

fn listing(label: &Label) -> Listing {
    Listing {
        severity: label.severity,
        category: label.category.to_owned(),
        source: "feed".to_owned(),
        listed_at: World::moment(label.day),
    }
}

/// The state of generation.
struct Generator {
    rng: Rng,
    entities: Vec<EntitySpec>,
    domains: Vec<DomainSpec>,
    names: HashSet<String>,
    next_net: u32,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator {
            rng: Rng::new(seed),
            entities: Vec::new(),
            domains: Vec::new(),
            names: HashSet::new(),
            next_net: 0,
        }
    }

    fn entity(&mut self, kind: EntityKind, name: String, lists: &'static [&'static str]) -> u32 {
        let id = self.entities.len() as u32;
        self.entities.push(EntitySpec { kind, name, lists, created: None });
        id
    }

    /// A registered name not used before (a number is appended on a
    /// clash).
    fn unique(&mut self, label: &str, tld: &str) -> String {
        let mut name = format!("{label}.{tld}");
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{label}{n}.{tld}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    fn dns(&mut self, ns_domain: &str, pairs: usize, lists: &'static [&'static str]) -> Dns {
        self.names.insert(ns_domain.to_owned());
        let domain = self.entity(EntityKind::NsDomain, ns_domain.to_owned(), lists);
        let pairs = (0..pairs)
            .map(|p| {
                [2 * p + 1, 2 * p + 2]
                    .map(|n| self.entity(EntityKind::NsHost, format!("ns{n}.{ns_domain}"), lists))
            })
            .collect();
        Dns { ns_domain: domain, pairs }
    }

    fn net(&mut self, asn: u32, subnets: usize, lists: &'static [&'static str]) -> Net {
        let n = self.next_net;
        self.next_net += 1;
        let prefix = [11 + (n / 250) as u8, (n % 250) as u8];
        let asn = self.entity(EntityKind::Asn, format!("AS{asn}"), lists);
        let subnets = (0..subnets.min(256))
            .map(|c| {
                let ip = Ipv4Addr::new(prefix[0], prefix[1], c as u8, 0);
                self.entity(EntityKind::Subnet, subnet_of(IpAddr::V4(ip)), lists)
            })
            .collect();
        Net { asn, prefix, subnets }
    }

    fn hoster(&mut self, ns_domain: &str, pairs: usize, asn: u32, subnets: usize) -> Hoster {
        let dns = self.dns(ns_domain, pairs, &[]);
        let net = self.net(asn, subnets, &[]);
        let ttl = self.benign_ttl();
        Hoster { dns, net, ttl }
    }

    fn benign_ttl(&mut self) -> u32 {
        let weights = BENIGN_TTLS.map(|(_, w)| w);
        BENIGN_TTLS[self.rng.weighted(&weights)].0
    }

    /// An address in `net`: on subnet `subnet`, or on any.
    fn address(&mut self, net: &Net, subnet: Option<usize>) -> (Ipv4Addr, u32, u32) {
        let c = subnet.unwrap_or_else(|| self.rng.below(net.subnets.len()));
        let host = 1 + self.rng.below(254) as u8;
        let ip = Ipv4Addr::new(net.prefix[0], net.prefix[1], c as u8, host);
        (ip, net.asn, net.subnets[c])
    }
}

mod benign;
mod campaign;
mod infra;

#[cfg(test)]
mod tests;
