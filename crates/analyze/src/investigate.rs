//! Investigations: from a seed domain to the domains that share its
//! rare infrastructure, grouped into clusters with their commonalities.
//!
//! # Finding related domains
//!
//! Starting from the seed, each round follows every entity of the
//! domains found so far (name-server domain and host, AS, subnet,
//! registrar, registrant address, PTR pattern; never a theme) that
//! carries at most
//! [`Options::max_pivot`] domains (and at most
//! [`Options::max_pivot_share`] of all domains) and is not shared
//! infrastructure
//! (CDN, dynamic DNS, popular or allow-listed): a name server with 200
//! domains is a lead, a registrar with twenty million is not.
//! [`Options::depth`] rounds, at most [`Options::max_domains`] domains.
//!
//! # Clusters
//!
//! Two related domains are linked when the infrastructure values they
//! share are, together, rare enough: each shared value weighs
//! `ln(N / domains)` (a name server with 200 domains weighs far more
//! than a registrar with twenty million), a pair's link strength is the
//! sum of the weights of the values it shares, and the pair is linked
//! when the sum reaches [`Options::link_weight`] (by default the weight
//! of a value held by [`Options::link_max`] domains or
//! [`Options::link_max_share`] of the store, whichever is fewer, but
//! never fewer than [`Options::link_min`]: one value that rare links
//! alone, as do two or three commoner ones together). First only values
//! that split the related domains count, not those spanning them (held
//! by more than half of them, when there are more than three): the
//! attribute that brought everyone in (the seed's name server) is what
//! they all have in common, so it is reported as each cluster's
//! commonality, while the values that separate groups (their /24s,
//! their PTR patterns) draw the clusters. Then the domains still alone
//! are linked by the spanning values, by the same weights: a campaign
//! that nothing splits is one cluster, and the groups already drawn
//! are never merged. Themes (they describe names,
//! not infrastructure), shared infrastructure (CDN, dynamic DNS,
//! popular or allow-listed) and values held by more than
//! [`Options::max_pivot_share`] of the store (a privacy address shared
//! by millions) weigh nothing.
//!
//! A value whose own weight reaches the threshold links its holders
//! directly (each to the next: linear in its holders); only the weaker
//! values are summed pair by pair, and a weak value held by more than
//! [`MAX_WEAK_HOLDERS`] related domains adds to no pair, so the work
//! stays bounded however large a group is. Weights are summed as fixed
//! point integers, linking is transitive (union-find, whose result does
//! not depend on the order of the unions), and clusters are ordered by
//! size, then by their first domain name: the clusters are the same
//! whatever order the store yields domains and values in. A cluster's
//! commonalities are the values all its members share, rarest first.
//!
//! # Limitations
//!
//! - A weak value (below the threshold on its own) held by more than
//!   [`MAX_WEAK_HOLDERS`] of the related domains does not add to any
//!   pair's strength; it is still reported as a commonality.
//! - The whole store is loaded for each investigation (seconds for
//!   millions of domains).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::facts::{EntityKind, Facts};
use crate::lifecycle::lifecycle;
use crate::score::Scored;

/// How far an investigation reaches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Options {
    /// Rounds of pivoting from the seed.
    pub depth: u32,
    /// The most related domains to collect (the seed included).
    pub max_domains: usize,
    /// Entities carrying more domains than this are not pivoted on.
    pub max_pivot: u64,
    /// Nor are entities carrying more than this share of all the
    /// store's domains (in a small store, a registrar with half of
    /// them is no lead either).
    pub max_pivot_share: f64,
    /// But an entity carrying this many domains or fewer is under the
    /// share whatever the store's size.
    pub pivot_min: u64,
    /// The default link threshold is the weight `ln(N / link_max)` of a
    /// value carried by this many domains of the store: a value at
    /// most this common links two domains on its own.
    pub link_max: u64,
    /// Nor more than this share of the store: in a store of a few
    /// thousand domains, a value held by 2% of them (a CDN's AS) is no
    /// link, though it is far below [`Options::link_max`].
    pub link_max_share: f64,
    /// But a value held by this many domains or fewer always links
    /// alone, however small the store (a name server with three
    /// domains is rare anywhere).
    pub link_min: u64,
    /// The link strength (the summed weights of the splitting values a
    /// pair shares) at which two related domains are linked; `None`:
    /// the weight of a value carried by [`Options::link_max`] domains.
    pub link_weight: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            depth: 2,
            max_domains: 500,
            max_pivot: 5_000,
            max_pivot_share: 0.05,
            pivot_min: 20,
            link_max: 5_000,
            link_max_share: 0.01,
            link_min: 10,
            link_weight: None,
        }
    }
}

/// One entity as an investigation shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRef {
    /// Its kind.
    pub kind: EntityKind,
    /// Its key (`crime-ns.example`, `AS64500`, `192.0.2.0/24`, …).
    pub value: String,
    /// Domains it carries in the whole store.
    pub domains: u64,
    /// Its reputation.
    pub score: f64,
    /// How rare it is: `ln(N / domains)`, 0 for a value every domain
    /// has.
    pub weight: f64,
}

/// One of the seed's entities, and whether the search went through it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedEntity {
    /// The entity and its reputation.
    #[serde(flatten)]
    pub entity: EntityRef,
    /// Whether its domains were collected as related.
    pub followed: bool,
    /// Why it was or was not followed.
    pub reason: Pivot,
}

/// Why a seed entity was followed or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pivot {
    /// Rare enough: followed.
    Followed,
    /// A theme describes names, not infrastructure.
    Theme,
    /// Shared infrastructure (CDN, dynamic DNS, popular or allow-listed).
    SharedInfrastructure,
    /// Held by more than [`Options::max_pivot`] domains.
    OverMaxPivot,
    /// Held by more than [`Options::max_pivot_share`] of the store.
    OverPivotShare,
}

impl Pivot {
    /// Whether the search goes through the entity.
    pub fn followed(self) -> bool {
        self == Pivot::Followed
    }
}

/// One domain of a cluster: the table row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// The domain.
    pub domain: String,
    /// Its addresses.
    pub addresses: Vec<String>,
    /// The PTR patterns of its addresses.
    pub ptr: Vec<String>,
    /// Its AS numbers, with holders where known (`AS64500 Hoster`).
    pub asn: Vec<String>,
    /// The brand it impersonates, when one was detected.
    pub target: Option<String>,
    /// Its registrar.
    pub registrar: Option<String>,
    /// Its first sighting.
    pub first_seen: Option<i64>,
    /// Its risk.
    pub risk: f64,
    /// Its lifecycle state.
    pub state: &'static str,
}

/// A group of related domains linked by rare shared values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// 1, 2, … (largest first).
    pub id: usize,
    /// What every member shares, rarest first.
    pub commonalities: Vec<EntityRef>,
    /// The brands its members impersonate, most frequent first.
    pub targets: Vec<String>,
    /// Its members, riskiest first.
    pub members: Vec<Member>,
}

/// An investigation's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Investigation {
    /// The moment it is as of.
    pub as_of: i64,
    /// The seed.
    pub seed: Member,
    /// The seed's entities with their reputations, rarest first, and
    /// whether they were followed.
    pub seed_entities: Vec<SeedEntity>,
    /// Related domains found (the seed included).
    pub related: usize,
    /// Whether [`Options::max_domains`] cut the search short.
    pub truncated: bool,
    /// The clusters, largest first; domains linked to no other form
    /// clusters of one.
    pub clusters: Vec<Cluster>,
    /// The options used.
    pub options: Options,
}

/// A weak value (below the link threshold alone) held by more related
/// domains than this adds to no pair's strength: pair sums cost the
/// square of a value's holders, and this bounds them.
pub const MAX_WEAK_HOLDERS: usize = 128;

/// Weights are summed in millionths, as integers: the sum, and so each
/// link, does not depend on the order the values come in.
const WEIGHT_SCALE: f64 = 1_000_000.0;

/// The domains of each entity, for pivoting.
struct Index {
    members: BTreeMap<(EntityKind, u32), Vec<u32>>,
    total: f64,
}

impl Index {
    fn build(facts: &Facts) -> Self {
        let mut members: BTreeMap<(EntityKind, u32), Vec<u32>> = BTreeMap::new();
        for (i, d) in facts.domains.iter().enumerate() {
            for &key in &d.entities {
                let list = members.entry(key).or_default();
                if list.last() != Some(&(i as u32)) {
                    list.push(i as u32);
                }
            }
        }
        Index { members, total: facts.domains.len().max(1) as f64 }
    }

    fn count(&self, key: (EntityKind, u32)) -> u64 {
        self.members.get(&key).map_or(0, |m| m.len() as u64)
    }

    fn weight(&self, key: (EntityKind, u32)) -> f64 {
        (self.total / self.count(key).max(1) as f64).ln()
    }
}

/// Investigates the domain at `seed` in `scored.facts.domains`.
pub fn investigate(scored: &Scored, seed: usize, options: &Options) -> Investigation {
    let facts = &scored.facts;
    let index = Index::build(facts);
    let pivot = |key: (EntityKind, u32)| pivot(facts, &index, key, options);
    let followable = |key: (EntityKind, u32)| pivot(key).followed();

    let (related, truncated) = related(facts, &index, seed as u32, options, &followable);
    let clusters = clusters(scored, &index, &related, options);

    let mut seed_entities: Vec<SeedEntity> = facts.domains[seed]
        .entities
        .iter()
        .map(|&key| {
            let reason = pivot(key);
            let entity = entity_ref(scored, &index, key);
            SeedEntity { entity, followed: reason.followed(), reason }
        })
        .collect();
    seed_entities.sort_by(|a, b| {
        b.entity.weight.total_cmp(&a.entity.weight).then(a.entity.value.cmp(&b.entity.value))
    });
    seed_entities
        .dedup_by(|a, b| a.entity.kind == b.entity.kind && a.entity.value == b.entity.value);

    Investigation {
        as_of: facts.as_of,
        seed: member(scored, seed as u32),
        seed_entities,
        related: related.len(),
        truncated,
        clusters,
        options: *options,
    }
}

/// Whether the search goes through an entity, and why not.
fn pivot(facts: &Facts, index: &Index, key: (EntityKind, u32), options: &Options) -> Pivot {
    let count = index.count(key);
    if key.0 == EntityKind::Theme {
        Pivot::Theme
    } else if facts.entities.flags(key.0, key.1).is_shared_infrastructure() {
        Pivot::SharedInfrastructure
    } else if count > options.max_pivot {
        Pivot::OverMaxPivot
    } else if count as f64 > share_cap(index, options) {
        Pivot::OverPivotShare
    } else {
        Pivot::Followed
    }
}

/// The related domains, breadth first from the seed.
fn related(
    facts: &Facts,
    index: &Index,
    seed: u32,
    options: &Options,
    followable: &dyn Fn((EntityKind, u32)) -> bool,
) -> (BTreeSet<u32>, bool) {
    let mut found: BTreeSet<u32> = BTreeSet::from([seed]);
    let mut frontier = vec![seed];
    let mut followed: BTreeSet<(EntityKind, u32)> = BTreeSet::new();
    for _ in 0..options.depth {
        let mut next = Vec::new();
        for &domain in &frontier {
            for &key in &facts.domains[domain as usize].entities {
                if !followed.insert(key) || !followable(key) {
                    continue;
                }
                for &other in index.members.get(&key).into_iter().flatten() {
                    if found.len() >= options.max_domains {
                        return (found, true);
                    }
                    if found.insert(other) {
                        next.push(other);
                    }
                }
            }
        }
        frontier = next;
    }
    (found, false)
}

/// Union-find over the related domains, linked by the summed weights
/// of the splitting values they share.
fn clusters(
    scored: &Scored,
    index: &Index,
    related: &BTreeSet<u32>,
    options: &Options,
) -> Vec<Cluster> {
    let facts = &scored.facts;
    let domains: Vec<u32> = related.iter().copied().collect();
    let holders = holders(facts, &domains);
    let parent = links(facts, index, &holders, domains.len(), options);
    let groups = groups(facts, &domains, parent);

    groups
        .into_iter()
        .enumerate()
        .map(|(i, group)| {
            let ids: Vec<u32> = group.iter().map(|&p| domains[p]).collect();
            cluster(scored, index, i + 1, &ids)
        })
        .collect()
}

/// Each value's holders among the related domains (positions in
/// `domains`, ascending).
fn holders(facts: &Facts, domains: &[u32]) -> BTreeMap<(EntityKind, u32), Vec<usize>> {
    let mut holders: BTreeMap<(EntityKind, u32), Vec<usize>> = BTreeMap::new();
    for (p, &d) in domains.iter().enumerate() {
        for &key in &facts.domains[d as usize].entities {
            let list = holders.entry(key).or_default();
            if list.last() != Some(&p) {
                list.push(p);
            }
        }
    }
    holders
}

/// The union-find parents after linking: strong values link their
/// holders at once, weak ones add their weight to each pair of holders
/// and the pairs whose sum reaches the threshold are linked. First by
/// the values that split the related domains; then the domains still
/// alone are linked by the values that span them (one campaign that
/// nothing splits is one cluster, not a heap of singletons, and a
/// spanning value never merges the groups the splitting ones drew).
fn links(
    facts: &Facts,
    index: &Index,
    holders: &BTreeMap<(EntityKind, u32), Vec<usize>>,
    related: usize,
    options: &Options,
) -> Vec<usize> {
    let threshold = fixed(link_threshold(index, options));
    let spanning = |n: usize| related > 3 && n * 2 > related;
    let weight = |key: (EntityKind, u32)| fixed(link_weight(facts, index, key, options));
    let mut parent: Vec<usize> = (0..related).collect();

    let splitting = holders.iter().filter(|(_, m)| !spanning(m.len()));
    let values = splitting.map(|(&key, members)| (weight(key), members.clone()));
    link_by(values, threshold, &mut parent);

    let alone = alone(&mut parent);
    let spans = holders.iter().filter(|(_, m)| spanning(m.len()));
    let values = spans.map(|(&key, members)| {
        let left: Vec<usize> = members.iter().copied().filter(|&p| alone[p]).collect();
        (weight(key), left)
    });
    link_by(values, threshold, &mut parent);
    parent
}

/// Links the holders of each `(weight, holders)` value into `parent`.
fn link_by(values: impl Iterator<Item = (u64, Vec<usize>)>, threshold: u64, parent: &mut [usize]) {
    let mut pairs: HashMap<(usize, usize), u64> = HashMap::new();
    for (weight, members) in values {
        if members.len() < 2 || weight == 0 {
            continue;
        }
        if weight >= threshold {
            for pair in members.windows(2) {
                union(parent, pair[0], pair[1]);
            }
        } else if members.len() <= MAX_WEAK_HOLDERS {
            for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    *pairs.entry((a, b)).or_default() += weight;
                }
            }
        }
    }

    for (&(a, b), &sum) in &pairs {
        if sum >= threshold {
            union(parent, a, b);
        }
    }
}

/// Which domains are in no group yet.
fn alone(parent: &mut [usize]) -> Vec<bool> {
    let roots: Vec<usize> = (0..parent.len()).map(|p| find(parent, p)).collect();
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for &root in &roots {
        *sizes.entry(root).or_default() += 1;
    }
    roots.iter().map(|root| sizes[root] == 1).collect()
}

/// The most domains a value may hold and still be followed or weigh
/// in a link: [`Options::max_pivot_share`] of the store, but never
/// fewer than [`Options::pivot_min`] (in a store of thirty domains, a
/// name server with ten is still a lead).
fn share_cap(index: &Index, options: &Options) -> f64 {
    (options.max_pivot_share * index.total).max(options.pivot_min as f64)
}

/// The link strength at which a pair is linked.
fn link_threshold(index: &Index, options: &Options) -> f64 {
    let share = (options.link_max_share * index.total).max(options.link_min as f64);
    let most = (options.link_max as f64).min(share).max(1.0);
    options.link_weight.unwrap_or_else(|| (index.total / most).ln())
}

/// What a shared value adds to a pair's link strength: its weight, or
/// nothing for a theme, shared infrastructure or a value held by more
/// than [`Options::max_pivot_share`] of the store.
fn link_weight(facts: &Facts, index: &Index, key: (EntityKind, u32), options: &Options) -> f64 {
    let count = index.count(key);
    let shared = facts.entities.flags(key.0, key.1).is_shared_infrastructure();
    if key.0 == EntityKind::Theme || shared || count as f64 > share_cap(index, options) {
        return 0.0;
    }
    index.weight(key).max(0.0)
}

/// A weight in millionths (0 for anything not above 0).
fn fixed(weight: f64) -> u64 {
    if weight > 0.0 { (weight * WEIGHT_SCALE).round() as u64 } else { 0 }
}

/// The linked sets, largest first, then by their first domain name.
fn groups(facts: &Facts, domains: &[u32], mut parent: Vec<usize>) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for p in 0..domains.len() {
        let root = find(&mut parent, p);
        groups.entry(root).or_default().push(p);
    }
    let name = |group: &[usize]| -> &str {
        group.iter().map(|&p| facts.domains[domains[p] as usize].name.as_str()).min().unwrap_or("")
    };
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| name(a).cmp(name(b))));
    groups
}

/// One cluster's table, commonalities and targets.
fn cluster(scored: &Scored, index: &Index, id: usize, ids: &[u32]) -> Cluster {
    let facts = &scored.facts;
    let first = &facts.domains[ids[0] as usize];
    let mut commonalities: Vec<EntityRef> = first
        .entities
        .iter()
        .filter(|key| ids.iter().all(|&d| facts.domains[d as usize].entities.contains(key)))
        .map(|&key| entity_ref(scored, index, key))
        .collect();
    commonalities.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.value.cmp(&b.value)));
    commonalities.dedup_by(|a, b| a.kind == b.kind && a.value == b.value);

    let mut brands: BTreeMap<&str, usize> = BTreeMap::new();
    for &d in ids {
        if let Some(brand) = &facts.domains[d as usize].brand {
            *brands.entry(brand).or_default() += 1;
        }
    }
    let mut targets: Vec<(&str, usize)> = brands.into_iter().collect();
    targets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));

    let mut members: Vec<Member> = ids.iter().map(|&d| member(scored, d)).collect();
    members.sort_by(|a, b| b.risk.total_cmp(&a.risk).then(a.domain.cmp(&b.domain)));
    Cluster {
        id,
        commonalities,
        targets: targets.into_iter().map(|(b, _)| b.to_owned()).collect(),
        members,
    }
}

fn entity_ref(scored: &Scored, index: &Index, key: (EntityKind, u32)) -> EntityRef {
    let (kind, id) = key;
    EntityRef {
        kind,
        value: scored.facts.entities.name(kind, id).to_owned(),
        domains: index.count(key),
        score: scored.reputations.get(kind, id).map_or(0.0, |r| r.score),
        weight: (index.weight(key) * 1000.0).round() / 1000.0,
    }
}

/// A domain's table row.
pub fn member(scored: &Scored, d: u32) -> Member {
    let facts = &scored.facts;
    let domain = &facts.domains[d as usize];
    let names = |kind: EntityKind| -> Vec<String> {
        domain.entities_of(kind).map(|id| facts.entities.name(kind, id).to_owned()).collect()
    };
    let asn = domain
        .entities_of(EntityKind::Asn)
        .map(|id| {
            let name = facts.entities.name(EntityKind::Asn, id);
            match facts.entities.holder(id) {
                Some(holder) => format!("{name} {holder}"),
                None => name.to_owned(),
            }
        })
        .collect();
    Member {
        domain: domain.name.clone(),
        addresses: domain.addresses.iter().map(ToString::to_string).collect(),
        ptr: names(EntityKind::PtrPattern),
        asn,
        target: domain.brand.clone(),
        registrar: names(EntityKind::Registrar).into_iter().next(),
        first_seen: domain.first_seen,
        risk: scored.risks[d as usize].risk,
        state: lifecycle(domain, facts.as_of).state.as_str(),
    }
}

fn find(parent: &mut [usize], x: usize) -> usize {
    let mut root = x;
    while parent[root] != root {
        root = parent[root];
    }
    let mut node = x;
    while parent[node] != root {
        let next = parent[node];
        parent[node] = root;
        node = next;
    }
    root
}

/// Joins two sets, the smaller root winning (deterministic).
fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
    parent[high] = low;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::DomainFacts;
    use crate::reputation::Settings;
    use crate::score::score_facts;

    /// Ten crime domains on one name server, split over two /24s with a
    /// PTR pattern each; the /24s also carry benign domains, and a big
    /// benign population shares the registrar.
    fn world() -> Facts {
        let mut facts = Facts::new(1_000_000);
        let e = &mut facts.entities;
        let ns = e.intern(EntityKind::NsDomain, "crime-ns.example");
        let big_ns = e.intern(EntityKind::NsDomain, "big.example");
        let registrar = e.intern(EntityKind::Registrar, "popular registrar");
        let nets = [
            e.intern(EntityKind::Subnet, "192.0.2.0/24"),
            e.intern(EntityKind::Subnet, "198.51.100.0/24"),
        ];
        let ptrs = [
            e.intern(EntityKind::PtrPattern, "*-a.hoster-one.example"),
            e.intern(EntityKind::PtrPattern, "*.vps.hoster-two.example"),
        ];
        for i in 0..10 {
            facts.domains.push(DomainFacts {
                name: format!("crime{i}.example"),
                entities: vec![
                    (EntityKind::NsDomain, ns),
                    (EntityKind::Registrar, registrar),
                    (EntityKind::Subnet, nets[i % 2]),
                    (EntityKind::PtrPattern, ptrs[i % 2]),
                ],
                ..DomainFacts::default()
            });
        }
        for i in 0..200 {
            facts.domains.push(DomainFacts {
                name: format!("shop{i}.example"),
                entities: vec![(EntityKind::NsDomain, big_ns), (EntityKind::Registrar, registrar)],
                ..DomainFacts::default()
            });
        }
        facts
    }

    #[test]
    fn the_seed_s_name_server_brings_both_groups_and_their_networks_split_them() {
        let scored = score_facts(world(), &Settings::default());
        let options =
            Options { max_pivot: 50, link_max: 50, max_pivot_share: 1.0, ..Options::default() };
        let found = investigate(&scored, 0, &options);

        assert_eq!(found.related, 10, "the registrar (210 domains) is not followed");
        assert_eq!(found.clusters.len(), 2);
        let names = |c: &Cluster| -> Vec<String> {
            let mut n: Vec<String> = c.members.iter().map(|m| m.domain.clone()).collect();
            n.sort();
            n
        };
        assert_eq!(
            names(&found.clusters[0]),
            [
                "crime0.example",
                "crime2.example",
                "crime4.example",
                "crime6.example",
                "crime8.example"
            ]
        );
        assert_eq!(
            names(&found.clusters[1]),
            [
                "crime1.example",
                "crime3.example",
                "crime5.example",
                "crime7.example",
                "crime9.example"
            ]
        );

        let common: Vec<&str> =
            found.clusters[0].commonalities.iter().map(|c| c.value.as_str()).collect();
        assert!(
            common.contains(&"crime-ns.example") && common.contains(&"*-a.hoster-one.example"),
            "{common:?}"
        );
        assert!(!common.contains(&"*.vps.hoster-two.example"));
        // The registrar is shared, but so common that it is the last
        // commonality.
        assert_eq!(common.last(), Some(&"popular registrar"));

        let again = investigate(&scored, 0, &options);
        assert_eq!(again, found, "deterministic");
    }

    /// A store of `count` domains `d000.example`…, each holding the
    /// values `values(i)` gives.
    fn numbered_world(
        count: usize,
        values: impl Fn(usize) -> Vec<(EntityKind, &'static str)>,
    ) -> Facts {
        let mut facts = Facts::new(1_000_000);
        for i in 0..count {
            let entities = values(i)
                .into_iter()
                .map(|(kind, value)| (kind, facts.entities.intern(kind, value)))
                .collect();
            let name = format!("d{i:03}.example");
            facts.domains.push(DomainFacts { name, entities, ..DomainFacts::default() });
        }
        facts
    }

    /// A store of 500 domains: 24 on one name server (the seed's); ten
    /// of them on an AS that 15 domains of the store use (3%, a CDN in
    /// a small store), three on a /24 of their own. Only the /24 links.
    #[test]
    fn in_a_small_store_a_value_held_by_a_few_percent_links_nothing() {
        let facts = numbered_world(500, |i| {
            let mut values = vec![(
                EntityKind::NsDomain,
                if i < 24 { "shared-ns.example" } else { "big-ns.example" },
            )];
            if i < 10 || (24..29).contains(&i) {
                values.push((EntityKind::Asn, "AS64500"));
            }
            if (20..23).contains(&i) {
                values.push((EntityKind::Subnet, "192.0.2.0/24"));
            }
            values
        });
        let scored = score_facts(facts, &Settings::default());
        let found = investigate(&scored, 23, &Options { depth: 1, ..Options::default() });

        assert_eq!(found.related, 24);
        let sizes: Vec<usize> = found.clusters.iter().map(|c| c.members.len()).collect();
        assert_eq!(sizes[0], 3, "{sizes:?}");
        assert!(sizes[1..].iter().all(|&n| n == 1), "{sizes:?}");
        let first: Vec<&str> =
            found.clusters[0].members.iter().map(|m| m.domain.as_str()).collect();
        assert_eq!(first, ["d020.example", "d021.example", "d022.example"]);
    }

    /// A store of 30 domains: ten on one name server (a third of the
    /// store, yet a lead), all 30 with one registrar (no lead). Held by
    /// a third of the store, the name server alone links nothing.
    #[test]
    fn in_a_tiny_store_a_few_domains_are_still_a_lead() {
        let facts = numbered_world(30, |i| {
            let ns = if i < 10 { "rare-ns.example" } else { "big-ns.example" };
            vec![(EntityKind::NsDomain, ns), (EntityKind::Registrar, "one registrar")]
        });
        let scored = score_facts(facts, &Settings::default());
        let found = investigate(&scored, 0, &Options::default());
        assert_eq!(found.related, 10);
        let reasons: Vec<(&str, Pivot)> =
            found.seed_entities.iter().map(|s| (s.entity.value.as_str(), s.reason)).collect();
        assert!(reasons.contains(&("rare-ns.example", Pivot::Followed)), "{reasons:?}");
        assert!(reasons.contains(&("one registrar", Pivot::OverPivotShare)), "{reasons:?}");
    }

    /// One campaign that nothing splits: nine domains on a rare name
    /// server and one /24, with three others on the name server only
    /// (two of them on a /24 of their own). The nine are one cluster,
    /// the two another, the last one alone.
    #[test]
    fn a_campaign_that_nothing_splits_is_one_cluster() {
        let facts = numbered_world(429, |i| {
            let ns = if i < 12 { "rare-ns.example" } else { "big-ns.example" };
            let mut values = vec![(EntityKind::NsDomain, ns)];
            if i < 9 {
                values.push((EntityKind::Subnet, "203.0.113.0/24"));
            } else if i < 11 {
                values.push((EntityKind::Subnet, "198.51.100.0/24"));
            }
            values
        });
        let scored = score_facts(facts, &Settings::default());
        let found = investigate(&scored, 0, &Options::default());

        assert_eq!(found.related, 12);
        let sizes: Vec<usize> = found.clusters.iter().map(|c| c.members.len()).collect();
        assert_eq!(sizes, [9, 2, 1]);
        let common: Vec<&str> =
            found.clusters[0].commonalities.iter().map(|c| c.value.as_str()).collect();
        assert!(common.contains(&"203.0.113.0/24") && common.contains(&"rare-ns.example"));
    }

    /// A small store (345 domains): twenty on one name server, six in
    /// one /24, six in another, eight without an address. The /24s of
    /// six still draw their groups; the eight are linked by the name
    /// server afterwards.
    #[test]
    fn in_a_small_store_two_subnets_of_six_still_split_a_campaign() {
        let facts = numbered_world(345, |i| {
            let mut values = if i < 20 {
                vec![
                    (EntityKind::NsDomain, "evil.example"),
                    (EntityKind::NsHost, "ns1.evil.example"),
                ]
            } else {
                vec![(EntityKind::NsDomain, "big.example"), (EntityKind::NsHost, "ns1.big.example")]
            };
            match i {
                0..6 => values.push((EntityKind::Subnet, "192.0.2.0/24")),
                6..12 => values.push((EntityKind::Subnet, "198.51.100.0/24")),
                _ => {}
            }
            values
        });
        let scored = score_facts(facts, &Settings::default());
        let found = investigate(&scored, 0, &Options::default());

        assert_eq!(found.related, 20);
        let sizes: Vec<usize> = found.clusters.iter().map(|c| c.members.len()).collect();
        assert_eq!(sizes, [8, 6, 6]);
    }

    /// A store of 1,000 domains. Four related ones share a rare name
    /// server (which brings them in and spans them); `pair0` and `pair1`
    /// also share an AS and a registrar carried by 40 domains each,
    /// `lone0` and `lone1` only an AS carried by 25 and a registrant
    /// address carried by 300 (a privacy service). The rest fill those
    /// values and the store. `reverse` builds the same store backwards
    /// (domains and values in the opposite order).
    fn weak_world(reverse: bool) -> Facts {
        let mut rows: Vec<(String, Vec<(EntityKind, &str)>)> = Vec::new();
        let related = [
            ("pair0.example", vec![(EntityKind::Asn, "AS1"), (EntityKind::Registrar, "reg one")]),
            ("pair1.example", vec![(EntityKind::Asn, "AS1"), (EntityKind::Registrar, "reg one")]),
            ("lone0.example", vec![(EntityKind::Asn, "AS2"), (EntityKind::Registrant, "privacy")]),
            ("lone1.example", vec![(EntityKind::Asn, "AS2"), (EntityKind::Registrant, "privacy")]),
        ];
        for (name, mut entities) in related {
            entities.push((EntityKind::NsDomain, "rare-ns.example"));
            entities.push((EntityKind::Theme, "finance-payments"));
            rows.push((name.to_owned(), entities));
        }
        for i in 0..996 {
            let mut entities = vec![(EntityKind::NsDomain, "big-ns.example")];
            if i < 38 {
                entities.push((EntityKind::Asn, "AS1"));
                entities.push((EntityKind::Registrar, "reg one"));
            } else if i < 61 {
                entities.push((EntityKind::Asn, "AS2"));
            }
            if i < 298 {
                entities.push((EntityKind::Registrant, "privacy"));
            }
            rows.push((format!("filler{i}.example"), entities));
        }
        if reverse {
            rows.reverse();
            for row in &mut rows {
                row.1.reverse();
            }
        }

        let mut facts = Facts::new(1_000_000);
        for (name, entities) in rows {
            let entities = entities
                .into_iter()
                .map(|(kind, v)| (kind, facts.entities.intern(kind, v)))
                .collect();
            facts.domains.push(DomainFacts { name, entities, ..DomainFacts::default() });
        }
        facts
    }

    /// Sorted member names of each cluster, in cluster order.
    fn cluster_names(found: &Investigation) -> Vec<Vec<String>> {
        found
            .clusters
            .iter()
            .map(|c| {
                let mut n: Vec<String> = c.members.iter().map(|m| m.domain.clone()).collect();
                n.sort();
                n
            })
            .collect()
    }

    /// Investigates `seed` by name; only the rare name server is
    /// followed, and a value held by 10 domains links alone (threshold
    /// ln(1000 / 10) = 4.6; the AS and registrar of 40 weigh 3.2 each,
    /// the AS of 25 weighs 3.7, the privacy address 1.2).
    fn weak_investigation(facts: Facts, seed: &str, max_pivot_share: f64) -> Investigation {
        let seed = facts.domains.iter().position(|d| d.name == seed).unwrap();
        let scored = score_facts(facts, &Settings::default());
        let options =
            Options { max_pivot: 10, link_max: 10, max_pivot_share, ..Options::default() };
        investigate(&scored, seed, &options)
    }

    #[test]
    fn two_moderately_common_values_link_where_one_does_not() {
        let found = weak_investigation(weak_world(false), "pair0.example", 0.05);

        assert_eq!(found.related, 4, "the AS and registrar of 40 are not followed");
        // 3.2 + 3.2 reaches 4.6 and draws the pair; 3.7 alone does not,
        // so the lone ones are left alone by the splitting values and
        // only then linked by the rare name server that spans all four
        // (which does not merge them into the pair).
        assert_eq!(
            cluster_names(&found),
            [
                vec!["lone0.example".to_owned(), "lone1.example".to_owned()],
                vec!["pair0.example".to_owned(), "pair1.example".to_owned()],
            ],
        );
        let common: Vec<&str> =
            found.clusters[1].commonalities.iter().map(|c| c.value.as_str()).collect();
        assert!(common.contains(&"AS1") && common.contains(&"reg one"), "{common:?}");

        let scored = score_facts(weak_world(false), &Settings::default());
        let index = Index::build(&scored.facts);
        let options = Options { link_max: 10, ..Options::default() };
        let key = |kind, value| (kind, scored.facts.entities.id(kind, value).unwrap());
        let threshold = link_threshold(&index, &options);
        let as2 = link_weight(&scored.facts, &index, key(EntityKind::Asn, "AS2"), &options);
        let as1 = link_weight(&scored.facts, &index, key(EntityKind::Asn, "AS1"), &options);
        assert!(as2 < threshold && as1 < threshold && 2.0 * as1 >= threshold);
    }

    #[test]
    fn a_value_held_by_a_large_share_of_the_store_adds_nothing() {
        // The privacy address (300 of 1,000 domains) is over the 5%
        // share: it weighs nothing, and the lone pair's 3.7 stays below
        // the threshold. Counted (share up to 100%), its 1.2 would tip
        // the pair over.
        let scored = score_facts(weak_world(false), &Settings::default());
        let index = Index::build(&scored.facts);
        let facts = &scored.facts;
        let privacy =
            (EntityKind::Registrant, facts.entities.id(EntityKind::Registrant, "privacy").unwrap());
        let as2 = (EntityKind::Asn, facts.entities.id(EntityKind::Asn, "AS2").unwrap());
        for (share, links) in [(0.05, false), (1.0, true)] {
            let options = Options { link_max: 10, max_pivot_share: share, ..Options::default() };
            let sum = link_weight(facts, &index, privacy, &options)
                + link_weight(facts, &index, as2, &options);
            assert_eq!(sum >= link_threshold(&index, &options), links, "share {share}: {sum}");
        }
        let options = Options { max_pivot_share: 0.05, ..Options::default() };
        assert_eq!(link_weight(facts, &index, privacy, &options), 0.0);
    }

    #[test]
    fn clusters_do_not_depend_on_runs_or_input_order() {
        let forward = weak_investigation(weak_world(false), "pair0.example", 0.05);
        let again = weak_investigation(weak_world(false), "pair0.example", 0.05);
        let backward = weak_investigation(weak_world(true), "pair0.example", 0.05);

        assert_eq!(again, forward);
        assert_eq!(cluster_names(&backward), cluster_names(&forward));
        let ids = |f: &Investigation| -> Vec<usize> { f.clusters.iter().map(|c| c.id).collect() };
        assert_eq!(ids(&backward), ids(&forward));
    }

    #[test]
    fn an_explicit_threshold_overrides_link_max() {
        let facts = weak_world(false);
        let seed = facts.domains.iter().position(|d| d.name == "pair0.example").unwrap();
        let scored = score_facts(facts, &Settings::default());
        let options =
            Options { max_pivot: 10, link_max: 10, link_weight: Some(7.0), ..Options::default() };
        let found = investigate(&scored, seed, &options);

        assert_eq!(found.clusters.len(), 4, "6.4 is below 7: {:?}", cluster_names(&found));
    }
}
