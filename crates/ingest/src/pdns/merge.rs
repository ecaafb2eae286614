//! Folding repeated sightings into one observation each.

use foldhash::fast::FixedState;
use hashbrown::HashMap;
use hashbrown::hash_map::Entry;
use nshunt_model::{DomainName, RrType};

use super::PdnsObservation;

/// What makes two observations the same record from the same sensor.
#[derive(PartialEq, Eq, Hash)]
struct Key {
    rrname: DomainName,
    rrtype: RrType,
    rdata: String,
    ttl: Option<u32>,
    bailiwick: Option<DomainName>,
    sensor_id: Option<String>,
    origin: Option<String>,
}

/// Folds observations of the same `(rrname, rrtype, rdata, ttl)` (and the
/// same `bailiwick`, `sensor_id` and `origin`) into one: the earliest
/// `time_first`, the latest `time_last`, the sum of `count`, and the
/// widest zone times. The result is sorted.
///
/// A TTL is part of the key: a record seen with two TTLs stays two
/// observations, as the store keeps TTL changes as history. Memory grows
/// with the number of distinct observations, not of sightings.
pub fn merge(observations: impl IntoIterator<Item = PdnsObservation>) -> Vec<PdnsObservation> {
    let mut folded: HashMap<Key, PdnsObservation, FixedState> = HashMap::default();
    for observation in observations {
        match folded.entry(Key::of(&observation)) {
            Entry::Occupied(mut seen) => fold(seen.get_mut(), &observation),
            Entry::Vacant(slot) => {
                slot.insert(observation);
            }
        }
    }

    let mut out: Vec<PdnsObservation> = folded.into_values().collect();
    out.sort_unstable();
    out
}

impl Key {
    fn of(o: &PdnsObservation) -> Self {
        Self {
            rrname: o.rrname.clone(),
            rrtype: o.rrtype,
            rdata: o.rdata.clone(),
            ttl: o.ttl,
            bailiwick: o.bailiwick.clone(),
            sensor_id: o.sensor_id.clone(),
            origin: o.origin.clone(),
        }
    }
}

/// Adds `more` to `seen`.
fn fold(seen: &mut PdnsObservation, more: &PdnsObservation) {
    seen.time_first = seen.time_first.min(more.time_first);
    seen.time_last = seen.time_last.max(more.time_last);
    seen.count += more.count;
    seen.zone_time_first = min_some(seen.zone_time_first, more.zone_time_first);
    seen.zone_time_last = seen.zone_time_last.max(more.zone_time_last);
}

/// The smaller of two optional times, ignoring `None`.
fn min_some(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sighting(rdata: &str, ttl: u32, time: i64) -> PdnsObservation {
        let name = DomainName::parse("www.example.com").unwrap();
        PdnsObservation::sighting(name, RrType::A, rdata.to_owned(), Some(ttl), time)
    }

    #[test]
    fn repeats_fold_and_ttls_stay_apart() {
        let merged = merge([
            sighting("192.0.2.1", 300, 20),
            sighting("192.0.2.1", 300, 10),
            sighting("192.0.2.1", 60, 15),
            sighting("192.0.2.2", 300, 30),
        ]);

        let summary: Vec<_> = merged
            .iter()
            .map(|o| (o.rdata.as_str(), o.ttl, o.time_first, o.time_last, o.count))
            .collect();
        assert_eq!(
            summary,
            [
                ("192.0.2.1", Some(60), 15, 15, 1),
                ("192.0.2.1", Some(300), 10, 20, 2),
                ("192.0.2.2", Some(300), 30, 30, 1),
            ]
        );
    }
}
