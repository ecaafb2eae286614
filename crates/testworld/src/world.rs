//! The world: its configuration, its populations and how each delegation
//! is drawn.
//!
//! The zone is a sequence of `domains` delegation slots. Each slot holds
//! one population, spread evenly over the sequence (the way Bresenham
//! draws a line), so the size of every population is exact and known in
//! advance. Each slot draws from its own generator keyed by the seed and
//! the slot number, so writing the zone and computing its ground truth
//! produce the same delegations without sharing any state.

use std::fmt;

use crate::hosters::{Hoster, Hosters};
use crate::names::{self, Code, CodeSpace, DOMAIN_CODES, LOOKALIKE_COMBOS, Label};
use crate::rng::Rng;

/// Random streams used here.
const STREAM_SLOT: u64 = 0x736c_6f74; // "slot"
const STREAM_CODE: u64 = 0x6e61_6d65; // "name"
const STREAM_LOOKALIKE: u64 = 0x6c6f_6f6b; // "look"

/// The most look-alike domains a world can hold.
pub const MAX_CRIMEWARE_DOMAINS: u32 = 200;

/// The most generated name-server domains a world can hold.
pub const MAX_NS_DOMAINS: u32 = 1 << 20;

/// What a world looks like. Build one with [`WorldConfig::new`] and
/// change the fields you care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldConfig {
    /// The seed: the same configuration always gives the same bytes.
    pub seed: u64,
    /// Delegated names in the zone, all populations together.
    pub domains: u64,
    /// The zone's TLD, lower case, without dots at either end (`com`,
    /// or a multi-label suffix such as `co.uk`).
    pub tld: String,
    /// Generated name-server domains to choose from (1 to
    /// [`MAX_NS_DOMAINS`]); tiny ones may end up carrying no domain.
    pub ns_domains: u32,
    /// Look-alike domains on the crimeware name server (at most
    /// [`MAX_CRIMEWARE_DOMAINS`]).
    pub crimeware_domains: u32,
    /// Per mille of ordinary domains delegated to the parking service.
    pub parked_per_mille: u32,
    /// Per mille of ordinary, unparked domains that run their own name
    /// servers (`ns1.<domain>`, with glue).
    pub self_hosted_per_mille: u32,
    /// Per mille of hosted domains whose last NS host is at a second
    /// name-server domain.
    pub mixed_per_mille: u32,
    /// Per mille of ordinary domains with a DS record.
    pub ds_per_mille: u32,
}

impl WorldConfig {
    /// The default world for `seed`, `domains` and `tld`: one generated
    /// name-server domain per 40 domains (at least 16, or one per 4 in
    /// worlds under 64 domains; at most [`MAX_NS_DOMAINS`]), 120
    /// look-alikes (fewer below 2,400 domains: one per 20), 3 % parked,
    /// 1.5 % self-hosted, 3 % mixed, 4 % with DS.
    pub fn new(seed: u64, domains: u64, tld: &str) -> Self {
        WorldConfig {
            seed,
            domains,
            tld: tld.to_owned(),
            ns_domains: (domains / 40).max(domains.min(64) / 4).clamp(1, MAX_NS_DOMAINS.into())
                as u32,
            crimeware_domains: (domains / 20).min(120) as u32,
            parked_per_mille: 30,
            self_hosted_per_mille: 15,
            mixed_per_mille: 30,
            ds_per_mille: 40,
        }
    }
}

/// Why a configuration cannot make a world.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WorldError {
    /// The TLD is not lower-case letters, digits and hyphens in
    /// dot-separated labels.
    BadTld(String),
    /// `ns_domains` is 0 or above [`MAX_NS_DOMAINS`].
    NsDomains(u32),
    /// `crimeware_domains` is above [`MAX_CRIMEWARE_DOMAINS`].
    CrimewareDomains(u32),
    /// A per-mille field is above 1000.
    PerMille(&'static str, u32),
    /// `domains` cannot hold the name-server delegations and look-alikes
    /// the world needs.
    TooFewDomains {
        /// Domains asked for.
        domains: u64,
        /// Domains needed at least.
        needed: u64,
    },
    /// `domains` is beyond the name space of ordinary domains (2.4 billion).
    TooManyDomains(u64),
    /// A size target is too small to hold any world.
    SizeTooSmall(u64),
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorldError::BadTld(tld) => {
                write!(f, "bad tld {tld:?}: use lower-case labels such as `com` or `co.uk`")
            }
            WorldError::NsDomains(n) => {
                write!(f, "ns_domains is {n}: use 1 to {MAX_NS_DOMAINS}")
            }
            WorldError::CrimewareDomains(n) => {
                write!(f, "crimeware_domains is {n}: use at most {MAX_CRIMEWARE_DOMAINS}")
            }
            WorldError::PerMille(field, n) => write!(f, "{field} is {n}: use 0 to 1000"),
            WorldError::TooFewDomains { domains, needed } => {
                write!(f, "{domains} domains are too few for this world: use at least {needed}")
            }
            WorldError::TooManyDomains(n) => {
                let most = CodeSpace::capacity(DOMAIN_CODES);
                write!(f, "{n} domains are too many: use at most {most}")
            }
            WorldError::SizeTooSmall(n) => {
                write!(f, "a zone of {n} bytes is too small: ask for at least a few kilobytes")
            }
        }
    }
}

impl std::error::Error for WorldError {}

/// How many delegations each population has; exact for the world's
/// configuration, known without writing the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Populations {
    /// All delegations: the sum of the other four fields.
    pub delegations: u64,
    /// Ordinary domains (hosted, self-hosted or mixed).
    pub ordinary: u64,
    /// Domains on the parking name-server domain.
    pub parked: u64,
    /// Look-alike domains on the crimeware name-server domain.
    pub crimeware: u64,
    /// Delegations of name-server domains under the zone's TLD, each to
    /// its own hosts with glue.
    pub ns_domain_delegations: u64,
}

/// A seeded DNS world: a TLD zone and the truth about it.
#[derive(Debug, Clone)]
pub struct World {
    pub(crate) config: WorldConfig,
    pub(crate) hosters: Hosters,
    /// Ids of the hosters delegated in the zone, ascending.
    pub(crate) in_zone: Vec<u32>,
    /// Look-alike combinations in the order they are used.
    lookalikes: Vec<u16>,
    pub(crate) populations: Populations,
}

impl World {
    /// Builds the world for `config`: the name-server domains and the
    /// population sizes. Costs memory in proportion to `ns_domains`, not
    /// to `domains`.
    pub fn new(config: WorldConfig) -> Result<World, WorldError> {
        check(&config)?;
        let hosters = Hosters::new(config.seed, &config.tld, config.ns_domains);
        let in_zone: Vec<u32> =
            (0..hosters.all.len() as u32).filter(|&id| hosters.get(id).in_zone).collect();

        let populations = populations(&config, in_zone.len() as u64)?;
        let lookalikes = shuffled_lookalikes(config.seed);

        Ok(World { config, hosters, in_zone, lookalikes, populations })
    }

    /// The configuration the world was built from.
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }

    /// The exact size of each population.
    pub fn populations(&self) -> Populations {
        self.populations
    }

    /// The parking service's name-server domain.
    pub fn parking_ns_domain(&self) -> &str {
        crate::PARKING_NS_DOMAIN
    }

    /// The crimeware name-server domain.
    pub fn crimeware_ns_domain(&self) -> &str {
        crate::CRIMEWARE_NS_DOMAIN
    }

    /// The look-alike domains on the crimeware name server, fully
    /// qualified without the final dot (`secure-norvabank-login.com`),
    /// in zone order.
    pub fn crimeware_domains(&self) -> Vec<String> {
        let mut label = Label::new();
        let count = self.populations.crimeware as usize;

        self.lookalikes[..count]
            .iter()
            .map(|&combo| {
                names::lookalike_label(&mut label, usize::from(combo));
                let label = String::from_utf8_lossy(label.as_bytes());
                format!("{label}.{}", self.config.tld)
            })
            .collect()
    }

    /// Calls `visit` with every delegation of the zone, in zone order,
    /// reusing one buffer.
    pub(crate) fn for_each_delegation<E>(
        &self,
        mut visit: impl FnMut(&Delegation) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut slots = Slots::new(&self.populations);
        let mut codes = CodeSpace::new(DOMAIN_CODES, self.config.seed, STREAM_CODE);
        let mut delegation = Delegation::new();

        for slot in 0..self.populations.delegations {
            let kind = slots.next(slot);
            self.fill(&mut delegation, slot, kind, &mut codes);
            visit(&delegation)?;
        }

        Ok(())
    }

    /// Draws the delegation in `slot`.
    fn fill(&self, d: &mut Delegation, slot: u64, kind: SlotKind, codes: &mut CodeSpace) {
        let mut rng = Rng::keyed(self.config.seed, STREAM_SLOT, slot);
        d.reset(kind, rng.next_u64());

        match kind {
            SlotKind::Hoster(index) => self.fill_hoster(d, self.in_zone[index as usize]),
            SlotKind::Lookalike(index) => self.fill_lookalike(d, index, &mut rng),
            SlotKind::Parked(_) => self.fill_parked(d, codes.take(&mut rng), &mut rng),
            SlotKind::Ordinary(_) => self.fill_ordinary(d, codes.take(&mut rng), &mut rng),
        }
    }

    /// A name-server domain's own delegation: to its first hosts.
    fn fill_hoster(&self, d: &mut Delegation, id: u32) {
        let hoster = self.hosters.get(id);
        d.label.clear();
        d.label.push(&hoster.name.as_bytes()[..hoster.label_len]);
        d.owner_hoster = Some(id);
        d.ttl = 172_800;

        for host in 0..hoster.hosts.min(4) {
            d.push_ns(NsRef::Hoster { id, host });
        }
    }

    /// A look-alike domain on the crimeware name server.
    fn fill_lookalike(&self, d: &mut Delegation, index: u64, rng: &mut Rng) {
        let combo = self.lookalikes[index as usize];
        names::lookalike_label(&mut d.label, usize::from(combo));
        d.ttl = delegation_ttl(rng);
        self.push_pair(d, self.hosters.crimeware());
    }

    /// An ordinary-looking domain on the parking name server.
    fn fill_parked(&self, d: &mut Delegation, code: Code, rng: &mut Rng) {
        names::domain_label(&mut d.label, code, rng);
        d.ttl = delegation_ttl(rng);
        self.push_pair(d, self.hosters.parking());
    }

    /// An ordinary domain: hosted (maybe mixed) or self-hosted, maybe
    /// signed.
    fn fill_ordinary(&self, d: &mut Delegation, code: Code, rng: &mut Rng) {
        names::domain_label(&mut d.label, code, rng);
        d.ttl = delegation_ttl(rng);

        if rng.chance(self.config.self_hosted_per_mille) {
            self.fill_self_hosted(d, rng);
        } else {
            self.fill_hosted(d, rng);
        }

        if rng.chance(self.config.ds_per_mille) {
            d.ds = Some(Ds::draw(rng));
        }
    }

    /// NS hosts `ns1.<domain>` … with glue.
    fn fill_self_hosted(&self, d: &mut Delegation, rng: &mut Rng) {
        let count = if rng.chance(800) { 2 } else { 3 };
        for host in 0..count {
            d.push_ns(NsRef::Own { host });
        }
        d.own_v6 = rng.chance(300);
    }

    /// Two to four consecutive hosts of one hoster; for a few domains the
    /// last one is replaced by a host of a second hoster.
    fn fill_hosted(&self, d: &mut Delegation, rng: &mut Rng) {
        let id = self.hosters.choose(rng);
        let hoster = self.hosters.get(id);
        let wanted = match rng.below(100) {
            0..60 => 2,
            60..85 => 3,
            _ => 4,
        };
        let count = hoster.hosts.min(wanted);
        let start = rng.below(u64::from(hoster.hosts)) as u8;

        for k in 0..count {
            d.push_ns(NsRef::Hoster { id, host: (start + k) % hoster.hosts });
        }

        if rng.chance(self.config.mixed_per_mille) {
            self.mix_in_second(d, id, rng);
        }
    }

    /// Replaces the last NS host with one of another hoster.
    fn mix_in_second(&self, d: &mut Delegation, first: u32, rng: &mut Rng) {
        let second = self.hosters.choose(rng);
        let host = rng.below(u64::from(self.hosters.get(second).hosts)) as u8;

        if second != first && d.ns_len >= 2 {
            d.ns[d.ns_len - 1] = NsRef::Hoster { id: second, host };
        }
    }

    /// The two hosts of a special hoster.
    fn push_pair(&self, d: &mut Delegation, id: u32) {
        d.push_ns(NsRef::Hoster { id, host: 0 });
        d.push_ns(NsRef::Hoster { id, host: 1 });
    }

    /// A hoster by id.
    pub(crate) fn hoster(&self, id: u32) -> &Hoster {
        self.hosters.get(id)
    }
}

/// Rejects configurations no world can be built from.
fn check(config: &WorldConfig) -> Result<(), WorldError> {
    let tld_ok = !config.tld.is_empty()
        && config.tld.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if !tld_ok {
        return Err(WorldError::BadTld(config.tld.clone()));
    }

    if config.ns_domains == 0 || config.ns_domains > MAX_NS_DOMAINS {
        return Err(WorldError::NsDomains(config.ns_domains));
    }
    if config.crimeware_domains > MAX_CRIMEWARE_DOMAINS {
        return Err(WorldError::CrimewareDomains(config.crimeware_domains));
    }

    check_per_mille(config)
}

fn check_per_mille(config: &WorldConfig) -> Result<(), WorldError> {
    let fields = [
        ("parked_per_mille", config.parked_per_mille),
        ("self_hosted_per_mille", config.self_hosted_per_mille),
        ("mixed_per_mille", config.mixed_per_mille),
        ("ds_per_mille", config.ds_per_mille),
    ];

    match fields.into_iter().find(|&(_, value)| value > 1000) {
        Some((field, value)) => Err(WorldError::PerMille(field, value)),
        None => Ok(()),
    }
}

/// Splits `config.domains` into populations.
fn populations(config: &WorldConfig, in_zone: u64) -> Result<Populations, WorldError> {
    let crimeware = u64::from(config.crimeware_domains);
    let needed = in_zone + crimeware;
    if config.domains < needed {
        return Err(WorldError::TooFewDomains { domains: config.domains, needed });
    }

    let rest = config.domains - needed;
    if rest > CodeSpace::capacity(DOMAIN_CODES) {
        return Err(WorldError::TooManyDomains(config.domains));
    }
    let parked = rest * u64::from(config.parked_per_mille) / 1000;

    Ok(Populations {
        delegations: config.domains,
        ordinary: rest - parked,
        parked,
        crimeware,
        ns_domain_delegations: in_zone,
    })
}

/// All look-alike combinations, shuffled (Fisher–Yates) by the seed.
fn shuffled_lookalikes(seed: u64) -> Vec<u16> {
    let mut combos: Vec<u16> = (0..LOOKALIKE_COMBOS as u16).collect();
    let mut rng = Rng::keyed(seed, STREAM_LOOKALIKE, 0);

    for i in (1..combos.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        combos.swap(i, j);
    }

    combos
}

/// Registries set one delegation TTL for most names; a few differ.
fn delegation_ttl(rng: &mut Rng) -> u32 {
    match rng.below(1000) {
        0..920 => 172_800,
        920..980 => 86_400,
        _ => 3_600,
    }
}

/// Which population a slot holds, with its index inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotKind {
    /// The delegation of in-zone hoster number `n` (index into `in_zone`).
    Hoster(u64),
    /// Look-alike number `n`.
    Lookalike(u64),
    /// Parked domain number `n`.
    Parked(u64),
    /// Ordinary domain number `n`.
    Ordinary(u64),
}

/// Walks the slots, deciding each one's population. Hoster delegations
/// are spread over all slots, look-alikes over the rest, parked domains
/// over what remains.
struct Slots {
    hosters: (u64, u64),
    lookalikes: (u64, u64),
    parked: (u64, u64),
    /// Slots not taken by hosters, by hosters or look-alikes, seen so far.
    after_hosters: u64,
    after_lookalikes: u64,
    taken: [u64; 4],
}

impl Slots {
    fn new(p: &Populations) -> Self {
        let after_hosters = p.delegations - p.ns_domain_delegations;

        Slots {
            hosters: (p.ns_domain_delegations, p.delegations),
            lookalikes: (p.crimeware, after_hosters),
            parked: (p.parked, after_hosters - p.crimeware),
            after_hosters: 0,
            after_lookalikes: 0,
            taken: [0; 4],
        }
    }

    fn next(&mut self, slot: u64) -> SlotKind {
        if spread(slot, self.hosters) {
            self.taken[0] += 1;
            return SlotKind::Hoster(self.taken[0] - 1);
        }

        let index = self.after_hosters;
        self.after_hosters += 1;
        if spread(index, self.lookalikes) {
            self.taken[1] += 1;
            return SlotKind::Lookalike(self.taken[1] - 1);
        }

        let index = self.after_lookalikes;
        self.after_lookalikes += 1;
        if spread(index, self.parked) {
            self.taken[2] += 1;
            return SlotKind::Parked(self.taken[2] - 1);
        }

        self.taken[3] += 1;
        SlotKind::Ordinary(self.taken[3] - 1)
    }
}

/// Whether position `i` of `total` is one of `count` positions spread
/// evenly over them: exactly `count` positions answer yes.
fn spread(i: u64, (count, total): (u64, u64)) -> bool {
    let (i, count, total) = (u128::from(i), u128::from(count), u128::from(total));
    (i + 1) * count / total > i * count / total
}

/// One NS record's host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NsRef {
    /// Host number `host` of hoster `id`.
    Hoster {
        /// The hoster.
        id: u32,
        /// The host, from 0.
        host: u8,
    },
    /// `ns<host + 1>.<the delegated domain>`.
    Own {
        /// The host, from 0.
        host: u8,
    },
}

/// A DS record's data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ds {
    pub(crate) key_tag: u16,
    pub(crate) algorithm: u8,
    pub(crate) digest: [u64; 4],
}

impl Ds {
    /// A SHA-256 digest record with algorithm 13 (ECDSA) or 8 (RSA).
    fn draw(rng: &mut Rng) -> Self {
        let key_tag = 1 + rng.below(65_535) as u16;
        let algorithm = if rng.chance(700) { 13 } else { 8 };
        let digest = std::array::from_fn(|_| rng.next_u64());
        Ds { key_tag, algorithm, digest }
    }
}

/// One delegation and the records that come with it.
#[derive(Clone)]
pub(crate) struct Delegation {
    /// Its owner's label(s), without the TLD.
    pub(crate) label: Label,
    /// The hoster whose own delegation this is.
    pub(crate) owner_hoster: Option<u32>,
    /// Which population it belongs to.
    pub(crate) kind: SlotKind,
    /// The TTL of its NS records and glue.
    pub(crate) ttl: u32,
    pub(crate) ns: [NsRef; 4],
    pub(crate) ns_len: usize,
    pub(crate) ds: Option<Ds>,
    /// Whether its own hosts' glue includes AAAA records.
    pub(crate) own_v6: bool,
    /// The key its own hosts' addresses derive from.
    pub(crate) addr_key: u64,
}

impl Delegation {
    fn new() -> Self {
        Delegation {
            label: Label::new(),
            owner_hoster: None,
            kind: SlotKind::Ordinary(0),
            ttl: 0,
            ns: [NsRef::Own { host: 0 }; 4],
            ns_len: 0,
            ds: None,
            own_v6: false,
            addr_key: 0,
        }
    }

    fn reset(&mut self, kind: SlotKind, addr_key: u64) {
        self.owner_hoster = None;
        self.kind = kind;
        self.ns_len = 0;
        self.ds = None;
        self.own_v6 = false;
        self.addr_key = addr_key;
    }

    fn push_ns(&mut self, ns: NsRef) {
        self.ns[self.ns_len] = ns;
        self.ns_len += 1;
    }

    /// Its NS hosts.
    pub(crate) fn ns(&self) -> &[NsRef] {
        &self.ns[..self.ns_len]
    }

    /// How many of its own hosts need glue (0 unless self-hosted).
    pub(crate) fn own_hosts(&self) -> u8 {
        self.ns().iter().filter(|ns| matches!(ns, NsRef::Own { .. })).count() as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_takes_exactly_count() {
        for (count, total) in [(0, 10), (3, 10), (10, 10), (7, 1_000)] {
            let taken = (0..total).filter(|&i| spread(i, (count, total))).count() as u64;
            assert_eq!(taken, count);
        }
    }

    #[test]
    fn bad_configs_are_refused() {
        let mut config = WorldConfig::new(1, 1000, "Com");
        assert!(matches!(World::new(config.clone()), Err(WorldError::BadTld(_))));

        config.tld = "com".into();
        config.crimeware_domains = 500;
        assert!(matches!(World::new(config.clone()), Err(WorldError::CrimewareDomains(500))));

        config.crimeware_domains = 10;
        config.domains = 5;
        assert!(matches!(World::new(config), Err(WorldError::TooFewDomains { .. })));
    }
}
