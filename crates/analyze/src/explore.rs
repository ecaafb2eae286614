//! Explore: the domains matching every filter given (AND), a page at a
//! time, with facets: for each attribute, the values among the results,
//! how many of the results each holds (the domains a pivot on it keeps)
//! and how many domains hold it in the whole store (how rare it is).
//!
//! Queries run over an [`ExploreIndex`](crate::index::ExploreIndex):
//! the one the last scoring run wrote beside the store, or one built in
//! memory ([`explore`]). [`scan`] answers the same query by checking
//! every filter on every domain: it is the reference the index is
//! tested against, and the baseline its benchmark races.
//!
//! # Limitations
//!
//! - `--brand` matches the brand's name as the catalogue writes it
//!   (`PayPal`, case-insensitive), not its id.

use std::collections::BTreeMap;
use std::net::IpAddr;

use regex::Regex;
use serde::Serialize;

use crate::facts::{DomainFacts, EntityKind};
use crate::index::{ExploreIndex, Stamp};
use crate::investigate::{Member, member};
use crate::lifecycle::{State, lifecycle};
use crate::score::Scored;

/// The filters; every one given must hold.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Name-server domains or hosts (a value matches either).
    pub nameserver: Vec<String>,
    /// AS numbers.
    pub asn: Vec<u32>,
    /// A prefix of the AS holder's name (case-insensitive).
    pub holder_prefix: Option<String>,
    /// Networks (`address/length`): an address of the domain inside.
    pub cidr: Vec<(IpAddr, u8)>,
    /// PTR patterns.
    pub ptr_pattern: Vec<String>,
    /// Registrars (case-insensitive).
    pub registrar: Vec<String>,
    /// A substring of the registrant organisation (case-insensitive).
    pub org: Option<String>,
    /// A substring of the registrant's address line.
    pub address: Option<String>,
    /// Registrant country codes.
    pub country: Vec<String>,
    /// Brands impersonated.
    pub brand: Vec<String>,
    /// Themes.
    pub theme: Vec<String>,
    /// Listing categories (`phishing`, `zeus`, …).
    pub category: Vec<String>,
    /// First seen in `[from, to]`.
    pub first_seen: (Option<i64>, Option<i64>),
    /// Last seen in `[from, to]`.
    pub last_seen: (Option<i64>, Option<i64>),
    /// Created in `[from, to]`.
    pub created: (Option<i64>, Option<i64>),
    /// Risk at least this.
    pub min_risk: Option<f64>,
    /// Lifecycle states.
    pub state: Vec<State>,
    /// The name matches this regular expression.
    pub name_regex: Option<Regex>,
    /// The first label is within `distance` edits of `text`.
    pub near: Option<(String, usize)>,
}

/// One facet value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacetValue {
    /// The value.
    pub value: String,
    /// Results holding it (a pivot on it keeps these).
    pub results: u64,
    /// Domains holding it in the whole store.
    pub overall: u64,
    /// `ln(N / overall)`: higher is rarer.
    pub rarity: f64,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// The moment the answer is as of.
    pub as_of: i64,
    /// Domains matching every filter.
    pub total: u64,
    /// The page number, from 1.
    pub page: usize,
    /// Domains per page.
    pub limit: usize,
    /// This page's domains, riskiest first.
    pub results: Vec<Member>,
    /// Facets (when asked): per attribute, its most frequent values
    /// among the results.
    pub facets: BTreeMap<String, Vec<FacetValue>>,
}

/// Values listed per facet.
const FACET_VALUES: usize = 10;

/// Runs a query over `scored`, through an index built in memory.
pub fn explore(scored: &Scored, filter: &Filter, page: usize, limit: usize, facets: bool) -> Page {
    let stamp = Stamp { as_of: scored.facts.as_of, scored_at: 0, generation: 0 };
    match ExploreIndex::from_scored(scored, stamp) {
        Ok(index) => crate::index::query::explore(&index, filter, page, limit, facets),
        Err(_) => scan(scored, filter, page, limit, facets),
    }
}

/// Runs a query by checking every filter on every domain: the
/// reference [`explore`] must agree with.
pub fn scan(scored: &Scored, filter: &Filter, page: usize, limit: usize, facets: bool) -> Page {
    let facts = &scored.facts;
    let mut hits: Vec<u32> =
        (0..facts.domains.len() as u32).filter(|&i| matches(scored, filter, i as usize)).collect();
    hits.sort_by(|&a, &b| {
        let (ra, rb) = (scored.risks[a as usize].risk, scored.risks[b as usize].risk);
        rb.total_cmp(&ra)
            .then_with(|| facts.domains[a as usize].name.cmp(&facts.domains[b as usize].name))
    });

    let start = page.saturating_sub(1).saturating_mul(limit);
    let results = hits.iter().skip(start).take(limit).map(|&i| member(scored, i)).collect();
    let facets = if facets { facet(scored, &hits) } else { BTreeMap::new() };
    Page { as_of: facts.as_of, total: hits.len() as u64, page, limit, results, facets }
}

fn matches(scored: &Scored, f: &Filter, i: usize) -> bool {
    let facts = &scored.facts;
    let d = &facts.domains[i];
    let names = |kind: EntityKind| d.entities_of(kind).map(move |id| facts.entities.name(kind, id));
    let any = |wanted: &[String], kind: EntityKind| {
        wanted.is_empty() || names(kind).any(|n| wanted.iter().any(|w| w.eq_ignore_ascii_case(n)))
    };

    let nameserver = f.nameserver.is_empty()
        || names(EntityKind::NsDomain)
            .chain(names(EntityKind::NsHost))
            .any(|n| f.nameserver.iter().any(|w| w.eq_ignore_ascii_case(n)));
    let asn = f.asn.is_empty()
        || names(EntityKind::Asn).any(|n| f.asn.iter().any(|a| n == format!("AS{a}")));
    let holder = f.holder_prefix.as_ref().is_none_or(|prefix| {
        d.entities_of(EntityKind::Asn).any(|id| {
            facts
                .entities
                .holder(id)
                .is_some_and(|h| h.to_lowercase().starts_with(&prefix.to_lowercase()))
        })
    });
    let cidr = f.cidr.is_empty()
        || d.addresses.iter().any(|ip| f.cidr.iter().any(|&(net, len)| contains(net, len, *ip)));

    nameserver
        && asn
        && holder
        && cidr
        && any(&f.ptr_pattern, EntityKind::PtrPattern)
        && any(&f.theme, EntityKind::Theme)
        && any(&f.registrar, EntityKind::Registrar)
        && registrant_matches(d, f, &names(EntityKind::Registrant).collect::<Vec<_>>())
        && listing_matches(d, f)
        && window(d.first_seen, f.first_seen)
        && window(d.last_seen, f.last_seen)
        && window(d.created, f.created)
        && f.min_risk.is_none_or(|min| scored.risks[i].risk >= min)
        && (f.state.is_empty() || f.state.contains(&lifecycle(d, facts.as_of).state))
        && f.name_regex.as_ref().is_none_or(|re| re.is_match(&d.name))
        && f.near.as_ref().is_none_or(|(text, distance)| near(&d.name, text, *distance))
}

fn registrant_matches(d: &DomainFacts, f: &Filter, addresses: &[&str]) -> bool {
    let org = f.org.as_ref().is_none_or(|want| {
        d.org.as_ref().is_some_and(|org| org.to_lowercase().contains(&want.to_lowercase()))
    });
    let address = f.address.as_ref().is_none_or(|want| {
        let want = want.to_lowercase();
        addresses.iter().any(|a| a.contains(&want))
    });
    let country = f.country.is_empty()
        || d.country.as_ref().is_some_and(|c| f.country.iter().any(|w| w.eq_ignore_ascii_case(c)));
    org && address && country
}

fn listing_matches(d: &DomainFacts, f: &Filter) -> bool {
    let brand = f.brand.is_empty()
        || d.brand.as_ref().is_some_and(|b| f.brand.iter().any(|w| w.eq_ignore_ascii_case(b)));
    let category = f.category.is_empty()
        || d.listing
            .as_ref()
            .is_some_and(|l| f.category.iter().any(|w| w.eq_ignore_ascii_case(&l.category)));
    brand && category
}

fn window(value: Option<i64>, (from, to): (Option<i64>, Option<i64>)) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    value.is_some_and(|v| from.is_none_or(|f| v >= f) && to.is_none_or(|t| v <= t))
}

/// Whether `ip` lies in `net/len`.
pub fn contains(net: IpAddr, len: u8, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - u32::from(len.min(32))) };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = if len == 0 { 0 } else { u128::MAX << (128 - u32::from(len.min(128))) };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

/// Whether the first label of `name` is within `distance` edits of
/// `text`, as written or, for an IDN (`xn--`), in its Unicode form: an
/// analyst types `youtubeç`, not its punycode.
pub fn near(name: &str, text: &str, distance: usize) -> bool {
    let label = name.split('.').next().unwrap_or_default();
    within(label, text, distance)
        || (label.starts_with("xn--") && within(&idna::domain_to_unicode(label).0, text, distance))
}

/// Whether `a` is within `distance` edits of `b`. Lengths further apart
/// than that cannot be, which answers at once for a long `b` (the
/// full computation is quadratic).
pub fn within(a: &str, b: &str, distance: usize) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    la.abs_diff(lb) <= distance && edit_distance(a, b) <= distance
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// The facets of a result set.
fn facet(scored: &Scored, hits: &[u32]) -> BTreeMap<String, Vec<FacetValue>> {
    let facts = &scored.facts;
    let mut overall: BTreeMap<(EntityKind, u32), u64> = BTreeMap::new();
    let mut overall_values: BTreeMap<(&'static str, String), u64> = BTreeMap::new();
    for d in &facts.domains {
        for &key in &d.entities {
            *overall.entry(key).or_default() += 1;
        }
        for key in value_facets(d, facts.as_of) {
            *overall_values.entry(key).or_default() += 1;
        }
    }
    let total = facts.domains.len().max(1) as f64;

    let mut counts: BTreeMap<(EntityKind, u32), u64> = BTreeMap::new();
    let mut values: BTreeMap<(&'static str, String), u64> = BTreeMap::new();
    for &i in hits {
        let d = &facts.domains[i as usize];
        for &key in &d.entities {
            *counts.entry(key).or_default() += 1;
        }
        for key in value_facets(d, facts.as_of) {
            *values.entry(key).or_default() += 1;
        }
    }

    let mut out: BTreeMap<String, Vec<FacetValue>> = BTreeMap::new();
    let mut add = |attribute: &str, value: String, results: u64, everywhere: u64| {
        out.entry(attribute.to_owned()).or_default().push(FacetValue {
            value,
            results,
            overall: everywhere,
            rarity: ((total / everywhere.max(1) as f64).ln() * 1000.0).round() / 1000.0,
        });
    };
    for ((kind, id), results) in counts {
        let everywhere = overall.get(&(kind, id)).copied().unwrap_or(results);
        add(kind.as_str(), facts.entities.name(kind, id).to_owned(), results, everywhere);
    }
    for ((attribute, value), results) in values {
        let everywhere =
            overall_values.get(&(attribute, value.clone())).copied().unwrap_or(results);
        add(attribute, value, results, everywhere);
    }
    for values in out.values_mut() {
        values.sort_by(|a, b| b.results.cmp(&a.results).then(a.value.cmp(&b.value)));
        values.truncate(FACET_VALUES);
    }
    out.entry("lifecycle".to_owned()).or_default();
    out
}

/// A domain's values of the facets that are not entities: brand,
/// listing category, registrant country and lifecycle state.
fn value_facets(d: &DomainFacts, as_of: i64) -> Vec<(&'static str, String)> {
    let mut out = vec![("lifecycle", lifecycle(d, as_of).state.as_str().to_owned())];
    out.extend(d.brand.clone().map(|b| ("brand", b)));
    out.extend(d.listing.as_ref().map(|l| ("category", l.category.clone())));
    out.extend(d.country.clone().map(|c| ("country", c)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_networks() {
        assert_eq!(edit_distance("paypal", "paypa1"), 1);
        assert_eq!(edit_distance("paypal", "pyapal"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert!(near("xn--youtube-0xa.com", "youtubeç", 0), "the Unicode form counts");
        assert!(near("xn--youtube-0xa.com", "youtube", 1));
        assert!(!near("xn--youtube-0xa.com", "youtube", 0));
        assert!(near("paypa1.example", "paypal", 1));
        assert!(contains("192.0.2.0".parse().unwrap(), 24, "192.0.2.77".parse().unwrap()));
        assert!(!contains("192.0.2.0".parse().unwrap(), 24, "192.0.3.1".parse().unwrap()));
        assert!(contains("2001:db8::".parse().unwrap(), 32, "2001:db8:1::1".parse().unwrap()));
        assert!(!contains("2001:db8::".parse().unwrap(), 32, "192.0.2.1".parse().unwrap()));
    }
}
