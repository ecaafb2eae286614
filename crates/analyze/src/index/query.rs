//! Explore queries over an index.
//!
//! A query first turns every filter on an entity (name server, AS,
//! AS holder, network, PTR pattern, registrar, registrant address,
//! theme) into the union of the entities' domain lists, and starts from
//! the smallest: its domains are the candidates. The other lists are
//! checked per candidate (a binary search when the candidates are few,
//! a bitmap otherwise), then the per-domain columns (risk, state,
//! dates, brand, category, country, organisation) and last the name
//! (regular expression, edit distance), the costliest. With no entity
//! filter the candidates are every domain, or with `--min-risk` only
//! the riskiest ones: domains are numbered by risk, so that is a prefix.
//!
//! Candidates are in ascending number, so the matches come out in the
//! order shown (riskiest first) without sorting. Large candidate sets
//! are split over the machine's cores.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv6Addr};

use super::layout::{U32s, id};
use super::{ExploreIndex, split_word};
use crate::explore::{FacetValue, Filter, Page, near};
use crate::facts::EntityKind;
use crate::investigate::Member;
use crate::lifecycle::State;

/// Values listed per facet.
const FACET_VALUES: usize = 10;

/// Candidates below this are filtered on one thread.
const PARALLEL_FROM: usize = 100_000;

/// Runs a query: the page asked for and, when asked, the facets.
pub fn explore(
    index: &ExploreIndex,
    filter: &Filter,
    page: usize,
    limit: usize,
    facets: bool,
) -> Page {
    let hits = matches(index, filter);
    let start = page.saturating_sub(1).saturating_mul(limit);
    let results = hits.iter().skip(start).take(limit).map(|&d| member(index, d)).collect();
    let facets = if facets { facet(index, &hits) } else { BTreeMap::new() };
    let as_of = index.stamp().as_of;
    Page { as_of, total: hits.len() as u64, page, limit, results, facets }
}

/// Every domain matching `filter`, riskiest first.
pub fn matches(index: &ExploreIndex, filter: &Filter) -> Vec<u32> {
    let n = index.domains();
    let prefix = risk_prefix(index, filter.min_risk);
    let mut lists = entity_filters(index, filter);
    if lists.iter().any(|l| l.estimate() == 0) {
        return Vec::new();
    }
    lists.sort_by_key(Postings::estimate);

    let columns = Columns::new(index, filter);
    let driver: Vec<u32> = match lists.first() {
        Some(list) => {
            list.materialize(n).into_iter().take_while(|&d| (d as usize) < prefix).collect()
        }
        None => (0..prefix.min(n) as u32).collect(),
    };
    let others: Vec<Membership> =
        lists.iter().skip(1).map(|list| Membership::new(list, driver.len(), n)).collect();
    let keep = |d: u32| others.iter().all(|m| m.holds(d)) && columns.holds(d);
    parallel_filter(&driver, &keep)
}

/// How many of the riskiest domains have at least `min` risk.
fn risk_prefix(index: &ExploreIndex, min: Option<f64>) -> usize {
    let n = index.domains();
    let Some(min) = min else { return n };
    let risk = index.u64s(id::RISK);
    let (mut low, mut high) = (0, n);
    while low < high {
        let mid = low + (high - low) / 2;
        if risk.f64(mid) >= min { low = mid + 1 } else { high = mid }
    }
    low
}

/// The union of some entities' domain lists, or a list built for a
/// network filter.
enum Postings<'a> {
    Lists(Vec<U32s<'a>>),
    Owned(Vec<u32>),
}

impl Postings<'_> {
    /// At most how many domains it holds.
    fn estimate(&self) -> usize {
        match self {
            Postings::Lists(lists) => lists.iter().map(U32s::len).sum(),
            Postings::Owned(list) => list.len(),
        }
    }

    /// Its domains, ascending, each once: several lists are merged
    /// through a bitmap when they are large, sorted when small.
    fn materialize(&self, n: usize) -> Vec<u32> {
        match self {
            Postings::Lists(lists) if lists.len() == 1 => lists[0].iter().collect(),
            Postings::Lists(lists) if self.estimate() > n / 64 => {
                let mut bits = vec![0u64; n.div_ceil(64)];
                for d in lists.iter().flat_map(|l| l.iter()) {
                    if let Some(word) = bits.get_mut(d as usize / 64) {
                        *word |= 1 << (d % 64);
                    }
                }
                ones(&bits)
            }
            Postings::Lists(lists) => {
                let mut all: Vec<u32> = lists.iter().flat_map(|l| l.iter()).collect();
                all.sort_unstable();
                all.dedup();
                all
            }
            Postings::Owned(list) => list.clone(),
        }
    }
}

/// The positions of a bitmap's set bits, ascending.
fn ones(bits: &[u64]) -> Vec<u32> {
    let mut out = Vec::new();
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            out.push((w * 64) as u32 + word.trailing_zeros());
            word &= word - 1;
        }
    }
    out
}

/// A membership test against one of the other filters' lists.
enum Membership<'a> {
    Search(&'a Postings<'a>),
    Bitmap(Vec<u64>),
}

impl<'a> Membership<'a> {
    /// Binary search when the candidates are few next to the list;
    /// otherwise a bitmap of the list.
    fn new(list: &'a Postings<'a>, candidates: usize, n: usize) -> Self {
        if candidates.saturating_mul(32) < list.estimate() {
            return Membership::Search(list);
        }
        let mut bits = vec![0u64; n.div_ceil(64)];
        let mut set = |d: u32| {
            if let Some(word) = bits.get_mut(d as usize / 64) {
                *word |= 1 << (d % 64);
            }
        };
        match list {
            Postings::Lists(lists) => lists.iter().flat_map(|l| l.iter()).for_each(&mut set),
            Postings::Owned(list) => list.iter().copied().for_each(&mut set),
        }
        Membership::Bitmap(bits)
    }

    fn holds(&self, d: u32) -> bool {
        match self {
            Membership::Bitmap(bits) => {
                bits.get(d as usize / 64).is_some_and(|word| word & (1 << (d % 64)) != 0)
            }
            Membership::Search(Postings::Lists(lists)) => {
                lists.iter().any(|l| l.contains_sorted(d))
            }
            Membership::Search(Postings::Owned(list)) => list.binary_search(&d).is_ok(),
        }
    }
}

/// The domain lists of every entity filter given.
fn entity_filters<'a>(index: &'a ExploreIndex, f: &Filter) -> Vec<Postings<'a>> {
    let mut out = Vec::new();
    let exact = |kinds: &[EntityKind], values: &[String]| {
        let mut lists = Vec::new();
        for value in values {
            let value = value.to_lowercase();
            for &kind in kinds {
                if let Some(entity) = index.entity_id(kind, &value) {
                    lists.push(index.postings(kind, entity));
                }
            }
        }
        Postings::Lists(lists)
    };
    if !f.nameserver.is_empty() {
        out.push(exact(&[EntityKind::NsDomain, EntityKind::NsHost], &f.nameserver));
    }
    if !f.asn.is_empty() {
        let lists = f
            .asn
            .iter()
            .filter_map(|a| index.entity_id(EntityKind::Asn, &format!("AS{a}")))
            .map(|e| index.postings(EntityKind::Asn, e))
            .collect();
        out.push(Postings::Lists(lists));
    }
    for (values, kind) in [
        (&f.ptr_pattern, EntityKind::PtrPattern),
        (&f.registrar, EntityKind::Registrar),
        (&f.theme, EntityKind::Theme),
    ] {
        if !values.is_empty() {
            out.push(exact(&[kind], values));
        }
    }
    if let Some(prefix) = &f.holder_prefix {
        out.push(holder_lists(index, &prefix.to_lowercase()));
    }
    if let Some(want) = &f.address {
        let lists = containing(index, EntityKind::Registrant, &want.to_lowercase())
            .into_iter()
            .map(|e| index.postings(EntityKind::Registrant, e))
            .collect();
        out.push(Postings::Lists(lists));
    }
    if !f.cidr.is_empty() {
        out.push(Postings::Owned(networks(index, &f.cidr)));
    }
    out
}

/// The entities of `kind` whose names contain `needle`: one SIMD search
/// through all the names' bytes (they are stored end to end), each hit
/// mapped back to its name, rather than a search per name.
fn containing(index: &ExploreIndex, kind: EntityKind, needle: &str) -> Vec<u32> {
    let names = index.entity_names(kind);
    if needle.is_empty() {
        return (0..names.len() as u32).collect();
    }
    let mut found: Vec<u32> = Vec::new();
    for at in memchr::memmem::find_iter(names.bytes, needle.as_bytes()) {
        let entity = partition(names.len(), |e| names.off.u64(e + 1) as usize <= at);
        let (_, end) = names.off.range(entity);
        let whole = at + needle.len() <= end;
        if whole && found.last() != Some(&(entity as u32)) && entity < names.len() {
            found.push(entity as u32);
        }
    }
    found
}

/// The domains of every AS whose holder starts with `prefix`.
fn holder_lists<'a>(index: &'a ExploreIndex, prefix: &str) -> Postings<'a> {
    let holders = index.strs(id::HOLDER_OFF);
    let lists = (0..holders.len() as u32)
        .filter(|&asn| {
            let holder = holders.get(asn as usize);
            !holder.is_empty() && holder.to_lowercase().starts_with(prefix)
        })
        .map(|asn| index.postings(EntityKind::Asn, asn))
        .collect();
    Postings::Lists(lists)
}

/// The domains with an address in any of `networks`, ascending.
fn networks(index: &ExploreIndex, networks: &[(IpAddr, u8)]) -> Vec<u32> {
    let keys = index.addrs(id::ADDR_KEYS);
    let domains = index.u32s(id::ADDR_DOMAINS);
    let mut out = Vec::new();
    for &(net, len) in networks {
        let (low, high) = bounds(net, len);
        let first = partition(keys.len(), |i| keys.addr(i) < low);
        let end = partition(keys.len(), |i| keys.addr(i) <= high);
        // An IPv6 network holds no IPv4 address, though IPv4 keys are
        // stored inside IPv6's space (`::ffff:0:0/96`).
        let family = |i: &usize| net.is_ipv4() == is_mapped(&keys.addr(*i));
        out.extend((first..end).filter(family).map(|i| domains.u32(i)));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The first position where `before` stops holding.
fn partition(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        if before(mid) { low = mid + 1 } else { high = mid }
    }
    low
}

/// Whether a key is an IPv4 address (mapped into IPv6).
fn is_mapped(key: &[u8; 16]) -> bool {
    key[..10].iter().all(|&b| b == 0) && key[10] == 0xff && key[11] == 0xff
}

/// The lowest and highest address keys in `net/len`.
fn bounds(net: IpAddr, len: u8) -> ([u8; 16], [u8; 16]) {
    let (value, bits) = match net {
        IpAddr::V4(v4) => (u128::from(v4.to_ipv6_mapped()), 96 + u32::from(len.min(32))),
        IpAddr::V6(v6) => (u128::from(v6), u32::from(len.min(128))),
    };
    let host = if bits >= 128 { 0 } else { u128::MAX >> bits };
    ((value & !host).to_be_bytes(), (value | host).to_be_bytes())
}

/// The per-domain column filters.
struct Columns<'a> {
    index: &'a ExploreIndex,
    f: &'a Filter,
    brand: Option<Vec<bool>>,
    category: Option<Vec<bool>>,
    country: Option<Vec<bool>>,
    org: Option<Vec<bool>>,
    states: Option<[bool; State::ALL.len()]>,
}

impl<'a> Columns<'a> {
    fn new(index: &'a ExploreIndex, f: &'a Filter) -> Self {
        let listed = |wanted: &[String]| (!wanted.is_empty()).then(|| wanted.to_vec());
        let org = f.org.as_ref().map(|want| {
            let want = want.to_lowercase();
            table_matches(index, id::ORG_TABLE, |v| v.to_lowercase().contains(&want))
        });
        Columns {
            index,
            f,
            brand: listed(&f.brand).map(|w| table_matches(index, id::BRAND_TABLE, any_of(&w))),
            category: listed(&f.category)
                .map(|w| table_matches(index, id::CATEGORY_TABLE, any_of(&w))),
            country: listed(&f.country)
                .map(|w| table_matches(index, id::COUNTRY_TABLE, any_of(&w))),
            org,
            states: (!f.state.is_empty()).then(|| State::ALL.map(|s| f.state.contains(&s))),
        }
    }

    fn holds(&self, d: u32) -> bool {
        let i = d as usize;
        let coded = |table: &Option<Vec<bool>>, column: usize| {
            table.as_ref().is_none_or(|wanted| {
                let code = self.index.u32s(column).u32(i) as usize;
                wanted.get(code).copied().unwrap_or(false)
            })
        };
        let window = |column: usize, (from, to): (Option<i64>, Option<i64>)| {
            if from.is_none() && to.is_none() {
                return true;
            }
            let v = self.index.i64s(column).i64(i);
            v != i64::MIN && from.is_none_or(|f| v >= f) && to.is_none_or(|t| v <= t)
        };
        self.states.is_none_or(|wanted| {
            let s = self.index.bytes(id::STATE).get(i).copied().unwrap_or(0) as usize;
            wanted.get(s).copied().unwrap_or(false)
        }) && coded(&self.brand, id::BRAND)
            && coded(&self.category, id::CATEGORY)
            && coded(&self.country, id::COUNTRY)
            && coded(&self.org, id::ORG)
            && window(id::FIRST_SEEN, self.f.first_seen)
            && window(id::LAST_SEEN, self.f.last_seen)
            && window(id::CREATED, self.f.created)
            && self.name_holds(i)
    }

    fn name_holds(&self, i: usize) -> bool {
        if self.f.name_regex.is_none() && self.f.near.is_none() {
            return true;
        }
        let name = self.index.strs(id::NAME_OFF).get(i);
        self.f.name_regex.as_ref().is_none_or(|re| re.is_match(name))
            && self.f.near.as_ref().is_none_or(|(text, distance)| near(name, text, *distance))
    }
}

/// Whether a value is one of `wanted`, regardless of case.
fn any_of(wanted: &[String]) -> impl Fn(&str) -> bool + '_ {
    move |value| wanted.iter().any(|w| w.eq_ignore_ascii_case(value))
}

/// For a value table, which codes (position + 1; 0 is "none") match.
fn table_matches(index: &ExploreIndex, table: usize, wanted: impl Fn(&str) -> bool) -> Vec<bool> {
    let values = index.strs(table);
    std::iter::once(false).chain((0..values.len()).map(|v| wanted(values.get(v)))).collect()
}

/// The candidates `keep` holds for, in order, on every core when there
/// are many.
fn parallel_filter(candidates: &[u32], keep: &(dyn Fn(u32) -> bool + Sync)) -> Vec<u32> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if candidates.len() < PARALLEL_FROM || threads < 2 {
        return candidates.iter().copied().filter(|&d| keep(d)).collect();
    }
    let chunk = candidates.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = candidates
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().copied().filter(|&d| keep(d)).collect()))
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|_| Vec::<u32>::new())).collect()
    })
}

/// A domain's table row.
pub fn member(index: &ExploreIndex, d: u32) -> Member {
    let i = d as usize;
    let (start, end) = index.u64s(id::ENT_OFF).range(i);
    let words = index.u32s(id::ENTS).slice(start, end);
    let named = |kind: EntityKind| -> Vec<String> {
        words
            .iter()
            .map(split_word)
            .filter(|&(k, _)| k == kind.index())
            .map(|(_, e)| index.entity_names(kind).get(e as usize).to_owned())
            .collect()
    };
    let holders = index.strs(id::HOLDER_OFF);
    let asn = words
        .iter()
        .map(split_word)
        .filter(|&(k, _)| k == EntityKind::Asn.index())
        .map(|(_, e)| {
            let name = index.entity_names(EntityKind::Asn).get(e as usize);
            match holders.get(e as usize) {
                "" => name.to_owned(),
                holder => format!("{name} {holder}"),
            }
        })
        .collect();
    let (a_start, a_end) = index.u64s(id::ADDR_OFF).range(i);
    let addrs = index.addrs(id::ADDRS);
    let addresses =
        (a_start..a_end.min(addrs.len())).map(|a| show_address(addrs.addr(a))).collect();
    let first_seen = Some(index.i64s(id::FIRST_SEEN).i64(i)).filter(|&t| t != i64::MIN);
    let brand = index.u32s(id::BRAND).u32(i) as usize;
    let state = index.bytes(id::STATE).get(i).copied().unwrap_or(0) as usize;
    Member {
        domain: index.strs(id::NAME_OFF).get(i).to_owned(),
        addresses,
        ptr: named(EntityKind::PtrPattern),
        asn,
        target: (brand > 0).then(|| index.strs(id::BRAND_TABLE).get(brand - 1).to_owned()),
        registrar: named(EntityKind::Registrar).into_iter().next(),
        first_seen,
        risk: index.u64s(id::RISK).f64(i),
        state: State::ALL.get(state).map_or("registered", |s| s.as_str()),
    }
}

fn show_address(key: [u8; 16]) -> String {
    let v6 = Ipv6Addr::from(key);
    match v6.to_ipv4_mapped() {
        Some(v4) => v4.to_string(),
        None => v6.to_string(),
    }
}

/// The facets of a result set: per entity kind, and for brand,
/// category, country and lifecycle state, the most frequent values.
fn facet(index: &ExploreIndex, hits: &[u32]) -> BTreeMap<String, Vec<FacetValue>> {
    let total = index.domains().max(1) as f64;
    let counts = count_entities(index, hits);
    let mut out: BTreeMap<String, Vec<FacetValue>> = BTreeMap::new();
    for kind in EntityKind::ALL {
        let names = index.entity_names(kind);
        let values = top(&counts[kind.index()], |e| {
            let overall = index.postings(kind, e as u32).len() as u64;
            (names.get(e).to_owned(), overall)
        });
        if !values.is_empty() {
            out.insert(
                kind.as_str().to_owned(),
                values.into_iter().map(|v| v.rarity(total)).collect(),
            );
        }
    }
    for (name, column, table) in [
        ("brand", id::BRAND, id::BRAND_TABLE),
        ("category", id::CATEGORY, id::CATEGORY_TABLE),
        ("country", id::COUNTRY, id::COUNTRY_TABLE),
    ] {
        let values = index.strs(table);
        let overall = index.u64s(table + 2);
        let mut counts = vec![0u32; values.len() + 1];
        let codes = index.u32s(column);
        for &d in hits {
            if let Some(c) = counts.get_mut(codes.u32(d as usize) as usize) {
                *c += 1;
            }
        }
        counts[0] = 0;
        let found = top(&counts, |c| (values.get(c - 1).to_owned(), overall.u64(c - 1)));
        if !found.is_empty() {
            out.insert(name.to_owned(), found.into_iter().map(|v| v.rarity(total)).collect());
        }
    }
    let states = index.bytes(id::STATE);
    let overall = index.u64s(id::STATE_COUNT);
    let mut counts = vec![0u32; State::ALL.len()];
    for &d in hits {
        if let Some(c) = states.get(d as usize).and_then(|&s| counts.get_mut(s as usize)) {
            *c += 1;
        }
    }
    let found = top(&counts, |s| (State::ALL[s].as_str().to_owned(), overall.u64(s)));
    out.insert("lifecycle".to_owned(), found.into_iter().map(|v| v.rarity(total)).collect());
    out
}

/// Per entity kind, how many of `hits` hold each entity.
fn count_entities(index: &ExploreIndex, hits: &[u32]) -> Vec<Vec<u32>> {
    let count = |part: &[u32]| {
        let mut counts: Vec<Vec<u32>> =
            EntityKind::ALL.iter().map(|&k| vec![0u32; index.entity_names(k).len()]).collect();
        let offsets = index.u64s(id::ENT_OFF);
        let words = index.u32s(id::ENTS);
        for &d in part {
            let (start, end) = offsets.range(d as usize);
            for word in words.slice(start, end).iter() {
                let (k, e) = split_word(word);
                if let Some(c) = counts.get_mut(k).and_then(|c| c.get_mut(e as usize)) {
                    *c += 1;
                }
            }
        }
        counts
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if hits.len() < PARALLEL_FROM || threads < 2 {
        return count(hits);
    }
    let chunk = hits.len().div_ceil(threads);
    let parts: Vec<Vec<Vec<u32>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = hits.chunks(chunk).map(|p| scope.spawn(move || count(p))).collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut parts = parts.into_iter();
    let mut total = parts.next().unwrap_or_default();
    for part in parts {
        for (sum, add) in total.iter_mut().zip(part) {
            for (s, a) in sum.iter_mut().zip(add) {
                *s += a;
            }
        }
    }
    total
}

/// A facet value before its rarity.
struct Found {
    value: String,
    results: u64,
    overall: u64,
}

impl Found {
    fn rarity(self, total: f64) -> FacetValue {
        let overall = self.overall.max(self.results);
        FacetValue {
            value: self.value,
            results: self.results,
            overall,
            rarity: ((total / overall.max(1) as f64).ln() * 1000.0).round() / 1000.0,
        }
    }
}

/// The [`FACET_VALUES`] most frequent entries of `counts` (most first,
/// then by value), named by `describe`.
fn top(counts: &[u32], describe: impl Fn(usize) -> (String, u64)) -> Vec<Found> {
    let mut best: Vec<(u32, String, u64)> = Vec::new();
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        if best.len() == FACET_VALUES && best.last().is_some_and(|(low, _, _)| c < *low) {
            continue;
        }
        let (value, overall) = describe(i);
        best.push((c, value, overall));
        best.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        best.truncate(FACET_VALUES);
    }
    best.into_iter()
        .map(|(results, value, overall)| Found { value, results: u64::from(results), overall })
        .collect()
}
