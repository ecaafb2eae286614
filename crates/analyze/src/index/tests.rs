//! The index against the reference scan, on the evaluation's generated
//! world, for queries built from its own values; and its file handling.

use std::net::IpAddr;

use regex::Regex;

use super::{ExploreIndex, IndexError, NameOrder, Stamp, path_for};
use crate::eval::{Rng, Size, World};
use crate::explore::{Filter, Page, explore, scan};
use crate::facts::EntityKind;
use crate::lifecycle::lifecycle;
use crate::reputation::Settings;
use crate::score::{Scored, score_facts};

/// The small evaluation world, with what it leaves out added: themes,
/// AS holders, registrant countries and organisations, last sightings.
fn stamp(scored: &Scored) -> Stamp {
    Stamp { as_of: scored.facts.as_of, scored_at: 1234, generation: 56 }
}

fn scored() -> Scored {
    let world = World::generate(7, Size::Small);
    let (mut facts, _) = world.facts_at(120);
    let holders = ["HostOne Ltd", "Hetzner Online GmbH", "HOSTTWO-AS", "Amazon.com Inc"];
    for asn in 0..facts.entities.count(EntityKind::Asn) as u32 {
        if asn % 5 != 4 {
            facts.entities.set_holder(asn, holders[asn as usize % holders.len()]);
        }
    }
    let themes = ["finance-payments", "delivery", "tax-government"];
    let as_of = facts.as_of;
    for (i, d) in facts.domains.iter_mut().enumerate() {
        if d.brand.is_some() || i % 17 == 0 {
            let theme = facts.entities.intern(EntityKind::Theme, themes[i % themes.len()]);
            d.entities.push((EntityKind::Theme, theme));
        }
        if i % 3 != 0 {
            d.country = Some(["US", "DE", "PA", "RU"][i % 4].to_owned());
            d.org = Some(format!("Org {} Holdings", i % 40));
        }
        d.last_seen = d.first_seen.map(|f| f + (as_of - f) / (1 + i as i64 % 5));
    }
    score_facts(facts, &Settings::default())
}

/// A filter of one to four conditions, each taken from a random
/// domain, so that most queries match something.
fn random_filter(scored: &Scored, rng: &mut Rng) -> Filter {
    let facts = &scored.facts;
    let mut f = Filter::default();
    for _ in 0..1 + rng.below(4) {
        let choice = rng.below(17);
        // A domain that has the attribute chosen, when one is found.
        let has = |d: &crate::facts::DomainFacts| match choice {
            3 => d.entities_of(EntityKind::Asn).any(|a| facts.entities.holder(a).is_some()),
            4 => !d.addresses.is_empty(),
            6 => d.entities_of(EntityKind::Registrant).next().is_some(),
            7 => d.entities_of(EntityKind::Theme).next().is_some(),
            8 => d.brand.is_some(),
            9 => d.listing.is_some(),
            13..=15 => d.country.is_some() && d.last_seen.is_some(),
            _ => true,
        };
        let mut d = &facts.domains[rng.below(facts.domains.len())];
        for _ in 0..200 {
            if has(d) {
                break;
            }
            d = &facts.domains[rng.below(facts.domains.len())];
        }
        let name_of = |kind: EntityKind| {
            d.entities_of(kind).next().map(|e| facts.entities.name(kind, e).to_owned())
        };
        match choice {
            0 => f.nameserver.extend(name_of(EntityKind::NsDomain)),
            1 => f.nameserver.extend(name_of(EntityKind::NsHost)),
            2 => f.asn.extend(name_of(EntityKind::Asn).and_then(|a| a[2..].parse::<u32>().ok())),
            3 => {
                let holder = d.entities_of(EntityKind::Asn).find_map(|a| facts.entities.holder(a));
                f.holder_prefix =
                    holder.map(|h| h.chars().take(4).collect::<String>().to_uppercase());
            }
            4 => f.cidr.extend(d.addresses.first().map(|&ip| (ip, 20 + rng.below(13) as u8))),
            5 => f.registrar.extend(name_of(EntityKind::Registrar)),
            6 => {
                f.address =
                    name_of(EntityKind::Registrant).map(|a| a.chars().skip(3).take(6).collect())
            }
            7 => f.theme.extend(name_of(EntityKind::Theme)),
            8 => f.brand.extend(d.brand.clone()),
            9 => f.category.extend(d.listing.as_ref().map(|l| l.category.to_uppercase())),
            10 => f.state.push(lifecycle(d, facts.as_of).state),
            11 => {
                let at = d.first_seen.unwrap_or(0);
                f.first_seen = (Some(at - 86_400 * rng.below(30) as i64), Some(at + 86_400));
            }
            12 => f.min_risk = Some(rng.below(100) as f64),
            13 => f.country.extend(d.country.as_ref().map(|c| c.to_lowercase())),
            14 => f.org = d.org.as_ref().map(|o| o[..5].to_uppercase()),
            15 => {
                let at = d.last_seen.unwrap_or(0);
                f.last_seen = (Some(at - 86_400), None);
            }
            _ => {
                let text: String = d.name.chars().take(2 + rng.below(3)).collect();
                f.name_regex = Regex::new(&regex::escape(&text)).ok();
            }
        }
    }
    f
}

#[test]
fn index_agrees_with_the_scan() {
    let scored = scored();
    let index = ExploreIndex::from_scored(&scored, stamp(&scored)).expect("index");
    let mut rng = Rng::new(11);
    let mut matched = 0;
    for round in 0..300 {
        let filter = random_filter(&scored, &mut rng);
        let (page, limit) = (1 + rng.below(3), 1 + rng.below(40));
        let ours = super::query::explore(&index, &filter, page, limit, true);
        let reference = scan(&scored, &filter, page, limit, true);
        assert_eq!(ours, reference, "round {round}: {filter:?}");
        matched += usize::from(ours.total > 0);
    }
    assert!(matched > 150, "only {matched} of 300 queries matched anything");
}

#[test]
fn unfiltered_pages_follow_risk_and_facets_count_everything() {
    let scored = scored();
    let page = explore(&scored, &Filter::default(), 1, 25, true);
    assert_eq!(page.total as usize, scored.facts.domains.len());
    assert!(page.results.windows(2).all(|w| w[0].risk >= w[1].risk));
    let states: u64 = page.facets["lifecycle"].iter().map(|v| v.results).sum();
    assert_eq!(states, page.total);
    assert!(page.facets.contains_key("registrar") && page.facets.contains_key("asn"));
}

#[test]
fn networks_and_edit_distance() {
    let scored = scored();
    let index = ExploreIndex::from_scored(&scored, stamp(&scored)).expect("index");
    let ip: IpAddr =
        scored.facts.domains.iter().find_map(|d| d.addresses.first().copied()).unwrap();
    for len in [0, 8, 16, 24, 32] {
        let f = Filter { cidr: vec![(ip, len)], ..Filter::default() };
        let ours = super::query::explore(&index, &f, 1, 10, false);
        assert_eq!(ours, scan(&scored, &f, 1, 10, false), "/{len}");
        assert!(ours.total > 0);
    }
    let any_v6: IpAddr = "::".parse().unwrap();
    let f = Filter { cidr: vec![(any_v6, 0)], ..Filter::default() };
    let ours = super::query::explore(&index, &f, 1, 10, false);
    assert_eq!(ours, scan(&scored, &f, 1, 10, false), "::/0 holds no IPv4 address");

    let long = "x".repeat(100_000);
    let f = Filter { near: Some((long, 3)), ..Filter::default() };
    let started = std::time::Instant::now();
    assert_eq!(super::query::explore(&index, &f, 1, 10, false).total, 0);
    assert!(started.elapsed().as_secs() < 5, "a long --near text is not refused at once");

    let first = scored.facts.domains[3].name.split('.').next().unwrap().to_owned();
    let f = Filter { near: Some((first, 1)), ..Filter::default() };
    assert_eq!(super::query::explore(&index, &f, 1, 10, false), scan(&scored, &f, 1, 10, false));
}

#[test]
fn the_file_round_trips_and_damage_is_refused() {
    let scored = scored();
    let dir = tempfile::tempdir().unwrap();
    let path = path_for(&dir.path().join("store.sqlite"));
    assert!(path.ends_with("store.sqlite-explore"));
    ExploreIndex::write(&scored, &NameOrder::of(&scored.facts), stamp(&scored), &path)
        .expect("write");
    let index = ExploreIndex::open(&path).expect("open");
    assert_eq!(index.stamp(), stamp(&scored));
    let f = Filter { min_risk: Some(30.0), ..Filter::default() };
    let from_file: Page = super::query::explore(&index, &f, 1, 50, true);
    assert_eq!(from_file, scan(&scored, &f, 1, 50, true));

    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");

    let bytes = std::fs::read(&path).unwrap();
    for cut in [0, 7, 39, 500, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        assert!(matches!(ExploreIndex::open(&path), Err(IndexError::Damaged { .. })), "cut {cut}");
    }
    let mut other = bytes.clone();
    other[8] = 99;
    std::fs::write(&path, &other).unwrap();
    assert!(matches!(ExploreIndex::open(&path), Err(IndexError::Version { found: 99, .. })));

    // Garbage inside the sections (not in the header) gives answers,
    // perhaps wrong ones, never a panic.
    let mut noisy = bytes;
    let mut rng = Rng::new(3);
    for _ in 0..2_000 {
        let at = 2_000 + rng.below(noisy.len() - 2_000);
        noisy[at] = rng.next_u64() as u8;
    }
    std::fs::write(&path, &noisy).unwrap();
    if let Ok(index) = ExploreIndex::open(&path) {
        let mut rng = Rng::new(5);
        for _ in 0..50 {
            let _ = super::query::explore(&index, &random_filter(&scored, &mut rng), 1, 20, true);
        }
    }
}
