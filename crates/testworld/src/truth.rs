//! The ground truth: per name-server domain statistics of a world,
//! computed by drawing the delegations again without writing them.

use std::collections::BTreeMap;
use std::convert::Infallible;

use crate::world::{Delegation, NsRef, World};

/// What a name-server domain carries in the zone. Only delegations
/// count: the apex's own NS records (`a.nic.<tld>` …) are not included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NsStats {
    /// NS records whose host is under the name-server domain.
    pub records: u64,
    /// Distinct NS host names under it that appear in those records.
    pub hosts: u64,
    /// Distinct delegated names with at least one such record.
    pub domains: u64,
    /// Sum of those records' TTLs (one term per record).
    pub ttl_sum: u64,
}

/// Counters of one generated or special hoster.
#[derive(Clone, Copy, Default)]
struct Tally {
    stats: NsStats,
    /// Bit `i` set when host `i` appeared (hosters run at most 48).
    seen: u64,
}

/// Computes the statistics of every name-server domain that carries at
/// least one delegation, keyed by its name (lower case, no final dot).
pub(crate) fn expected_ns_stats(world: &World) -> BTreeMap<String, NsStats> {
    let mut tallies = vec![Tally::default(); world.hosters.all.len()];
    let mut result = BTreeMap::new();

    let done: Result<(), Infallible> = world.for_each_delegation(|d| {
        count(&mut tallies, &mut result, world, d);
        Ok(())
    });
    let Ok(()) = done;

    for (hoster, tally) in world.hosters.all.iter().zip(tallies) {
        if tally.stats.records > 0 {
            let hosts = u64::from(tally.seen.count_ones());
            result.insert(hoster.name.to_string(), NsStats { hosts, ..tally.stats });
        }
    }

    result
}

/// Adds one delegation's NS records.
fn count(
    tallies: &mut [Tally],
    own: &mut BTreeMap<String, NsStats>,
    world: &World,
    d: &Delegation,
) {
    let ttl = u64::from(d.ttl);
    let mut counted = [u32::MAX; 4];

    for (i, &ns) in d.ns().iter().enumerate() {
        let NsRef::Hoster { id, host } = ns else { continue };
        let tally = &mut tallies[id as usize];
        tally.stats.records += 1;
        tally.stats.ttl_sum += ttl;
        tally.seen |= 1 << host;

        if !counted[..i].contains(&id) {
            tally.stats.domains += 1;
        }
        counted[i] = id;
    }

    let own_hosts = u64::from(d.own_hosts());
    if own_hosts > 0 {
        let name = format!("{}.{}", String::from_utf8_lossy(d.label.as_bytes()), world.config.tld);
        let stats =
            NsStats { records: own_hosts, hosts: own_hosts, domains: 1, ttl_sum: ttl * own_hosts };
        own.insert(name, stats);
    }
}
