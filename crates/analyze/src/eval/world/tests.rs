use super::*;

#[test]
fn the_same_seed_makes_the_same_world() {
    let (a, ta) = World::generate(3, Size::Small).facts_at(60);
    let (b, tb) = World::generate(3, Size::Small).facts_at(60);
    assert_eq!(a.domains, b.domains);
    assert_eq!(ta, tb);
    let (c, _) = World::generate(4, Size::Small).facts_at(60);
    assert_ne!(a.domains, c.domains);
}

#[test]
fn facts_hold_no_label_or_domain_from_after_the_day() {
    let world = World::generate(5, Size::Small);
    let day = 90;
    let (facts, truths) = world.facts_at(day);
    assert_eq!(facts.as_of, World::moment(day));
    let mut later = 0;
    for (domain, truth) in facts.domains.iter().zip(&truths) {
        assert!(truth.created <= day);
        match truth.listed_day {
            Some(l) if l <= day => assert!(domain.listing.is_some(), "{truth:?}"),
            Some(_) => {
                later += 1;
                assert!(domain.listing.is_none(), "{truth:?}");
            }
            None => assert!(domain.listing.is_none()),
        }
    }
    assert!(later >= 5, "listings after the cut-off to hold out: {later}");
    let registered_later = world.truths().filter(|t| t.created > day).count();
    assert_eq!(truths.len() + registered_later, world.truths().count());
}

#[test]
fn names_are_unique() {
    let (facts, _) = World::generate(6, Size::Small).facts_at(DAYS);
    let names: HashSet<&str> = facts.domains.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), facts.domains.len());
}
