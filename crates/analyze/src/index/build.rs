//! Building an index's bytes from a scoring run.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::NameOrder;
use super::layout::{ENTITY_ID_BITS, Writer, id};
use crate::facts::{DomainFacts, EntityKind};
use crate::lifecycle::{State, lifecycle};
use crate::score::Scored;

/// The bytes of the index of `scored`, stamped with what it is of.
pub fn build(scored: &Scored, names: &NameOrder, stamp: super::Stamp) -> Vec<u8> {
    let facts = &scored.facts;
    let order = rank_order(scored, names);
    let domains: Vec<&DomainFacts> = order.iter().map(|&i| &facts.domains[i as usize]).collect();
    let capacity = domains.len() * 96;
    let mut w = Writer::new(stamp, domains.len() as u64, capacity);

    strings(&mut w, id::NAME_OFF, id::NAME_BYTES, domains.iter().map(|d| d.name.as_str()));
    w.section(id::RISK, |b| {
        for &i in &order {
            b.extend_from_slice(&scored.risks[i as usize].risk.to_le_bytes());
        }
    });
    let states: Vec<u8> =
        domains.iter().map(|d| state_index(lifecycle(d, facts.as_of).state)).collect();
    w.section(id::STATE, |b| b.extend_from_slice(&states));
    w.section(id::STATE_COUNT, |b| {
        for s in 0..State::ALL.len() {
            let n = states.iter().filter(|&&x| usize::from(x) == s).count() as u64;
            b.extend_from_slice(&n.to_le_bytes());
        }
    });
    moments(&mut w, id::FIRST_SEEN, domains.iter().map(|d| d.first_seen));
    moments(&mut w, id::LAST_SEEN, domains.iter().map(|d| d.last_seen));
    moments(&mut w, id::CREATED, domains.iter().map(|d| d.created));

    values(&mut w, id::BRAND, id::BRAND_TABLE, domains.iter().map(|d| d.brand.as_deref()));
    let categories = domains.iter().map(|d| d.listing.as_ref().map(|l| l.category.as_str()));
    values(&mut w, id::CATEGORY, id::CATEGORY_TABLE, categories);
    values(&mut w, id::COUNTRY, id::COUNTRY_TABLE, domains.iter().map(|d| d.country.as_deref()));
    values(&mut w, id::ORG, id::ORG_TABLE, domains.iter().map(|d| d.org.as_deref()));

    entities(&mut w, scored, names, &domains);
    addresses(&mut w, &domains);
    let holders = (0..facts.entities.count(EntityKind::Asn) as u32)
        .map(|asn| facts.entities.holder(asn).unwrap_or(""));
    strings(&mut w, id::HOLDER_OFF, id::HOLDER_BYTES, holders);
    w.finish()
}

/// Domain positions riskiest first, then by name: the index numbers
/// domains in this order. Sorted on integers: the risk's ordered bits
/// and the name's place in `names`.
fn rank_order(scored: &Scored, names: &NameOrder) -> Vec<u32> {
    let count = scored.facts.domains.len();
    let mut place = vec![0u32; count];
    for (rank, &d) in names.domains().iter().enumerate() {
        if let Some(p) = place.get_mut(d as usize) {
            *p = rank as u32;
        }
    }
    let mut keyed: Vec<(u64, u32, u32)> =
        (0..count).map(|d| (descending(scored.risks[d].risk), place[d], d as u32)).collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, d)| d).collect()
}

/// A key that sorts floats from greatest to least, as `total_cmp`
/// reversed.
fn descending(x: f64) -> u64 {
    let bits = x.to_bits() as i64;
    let ordered = (bits ^ ((((bits >> 63) as u64) >> 1) as i64)) as u64 ^ (1 << 63);
    !ordered
}

/// A state's position in [`State::ALL`].
pub fn state_index(state: State) -> u8 {
    State::ALL.iter().position(|&s| s == state).unwrap_or(0) as u8
}

fn strings<'a>(w: &mut Writer, off: usize, bytes: usize, items: impl Iterator<Item = &'a str>) {
    let items: Vec<&str> = items.collect();
    w.section(off, |b| {
        let mut at = 0u64;
        b.extend_from_slice(&at.to_le_bytes());
        for s in &items {
            at += s.len() as u64;
            b.extend_from_slice(&at.to_le_bytes());
        }
    });
    w.section(bytes, |b| {
        for s in &items {
            b.extend_from_slice(s.as_bytes());
        }
    });
}

fn moments(w: &mut Writer, section: usize, items: impl Iterator<Item = Option<i64>>) {
    w.section(section, |b| {
        for m in items {
            b.extend_from_slice(&m.unwrap_or(i64::MIN).to_le_bytes());
        }
    });
}

/// A per-domain column of values (0 for none, else table position + 1)
/// and the table: its strings, in byte order, and each one's domains.
fn values<'a>(
    w: &mut Writer,
    column: usize,
    table: usize,
    items: impl Iterator<Item = Option<&'a str>> + Clone,
) {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for value in items.clone().flatten() {
        *counts.entry(value).or_default() += 1;
    }
    let position: hashbrown::HashMap<&str, u32> =
        counts.keys().enumerate().map(|(i, &v)| (v, i as u32 + 1)).collect();
    w.section(column, |b| {
        for value in items {
            let code = value.and_then(|v| position.get(v).copied()).unwrap_or(0);
            b.extend_from_slice(&code.to_le_bytes());
        }
    });
    strings(w, table, table + 1, counts.keys().copied());
    w.section(table + 2, |b| {
        for n in counts.values() {
            b.extend_from_slice(&n.to_le_bytes());
        }
    });
}

/// Each domain's entities, and per kind the postings (each entity's
/// domains, ascending), the names and the ids in name order.
fn entities(w: &mut Writer, scored: &Scored, names: &NameOrder, domains: &[&DomainFacts]) {
    let facts = &scored.facts;
    let mut postings: Vec<Vec<u64>> =
        EntityKind::ALL.iter().map(|&k| vec![0; facts.entities.count(k) + 1]).collect();
    let mut words: Vec<u32> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(domains.len());
    w.section(id::ENT_OFF, |b| {
        b.extend_from_slice(&0u64.to_le_bytes());
        for d in domains {
            let start = words.len();
            for &(kind, entity) in &d.entities {
                let word = ((kind.index() as u32) << ENTITY_ID_BITS) | entity;
                if entity >> ENTITY_ID_BITS != 0 || words[start..].contains(&word) {
                    continue;
                }
                words.push(word);
                if let Some(n) = postings[kind.index()].get_mut(entity as usize + 1) {
                    *n += 1;
                }
            }
            ends.push(words.len());
            b.extend_from_slice(&(words.len() as u64).to_le_bytes());
        }
    });
    w.section(id::ENTS, |b| {
        for word in &words {
            b.extend_from_slice(&word.to_le_bytes());
        }
    });

    for kind in EntityKind::ALL {
        let offsets = &mut postings[kind.index()];
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
    }
    let mut lists: Vec<Vec<u32>> =
        postings.iter().map(|o| vec![0; o.last().copied().unwrap_or(0) as usize]).collect();
    let mut next: Vec<Vec<u64>> = postings.clone();
    let mut at = 0usize;
    for (rank, &end) in ends.iter().enumerate() {
        for &word in &words[at..end] {
            let (k, entity) = super::split_word(word);
            let slot = &mut next[k][entity as usize];
            lists[k][*slot as usize] = rank as u32;
            *slot += 1;
        }
        at = end;
    }

    for kind in EntityKind::ALL {
        let base = id::KIND_BASE + 5 * kind.index();
        w.section(base, |b| {
            for o in &postings[kind.index()] {
                b.extend_from_slice(&o.to_le_bytes());
            }
        });
        w.section(base + 1, |b| {
            for d in &lists[kind.index()] {
                b.extend_from_slice(&d.to_le_bytes());
            }
        });
        let count = facts.entities.count(kind) as u32;
        strings(w, base + 2, base + 3, (0..count).map(|e| facts.entities.name(kind, e)));
        w.section(base + 4, |b| {
            for e in names.entities(kind) {
                b.extend_from_slice(&e.to_le_bytes());
            }
        });
    }
}

/// Addresses per domain, and every (address, domain) pair by address.
fn addresses(w: &mut Writer, domains: &[&DomainFacts]) {
    let mut pairs: Vec<([u8; 16], u32)> = Vec::new();
    w.section(id::ADDR_OFF, |b| {
        let mut at = 0u64;
        b.extend_from_slice(&at.to_le_bytes());
        for (rank, d) in domains.iter().enumerate() {
            for ip in &d.addresses {
                pairs.push((address_key(*ip), rank as u32));
            }
            at += d.addresses.len() as u64;
            b.extend_from_slice(&at.to_le_bytes());
        }
    });
    w.section(id::ADDRS, |b| {
        for d in domains {
            for ip in &d.addresses {
                b.extend_from_slice(&address_key(*ip));
            }
        }
    });
    pairs.sort_unstable();
    w.section(id::ADDR_KEYS, |b| {
        for (key, _) in &pairs {
            b.extend_from_slice(key);
        }
    });
    w.section(id::ADDR_DOMAINS, |b| {
        for (_, d) in &pairs {
            b.extend_from_slice(&d.to_le_bytes());
        }
    });
}

/// An address as 16 bytes in network order, IPv4 mapped into IPv6.
pub fn address_key(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}
