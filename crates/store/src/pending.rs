//! Observations waiting to be written, kept in one text arena so that
//! buffering costs a copy and no allocation per observation.

use std::cmp::Ordering;
use std::ops::Range;

use crate::batch::{NewObservation, Sighting};

/// Flush when this many observations wait.
const MAX_ENTRIES: usize = 1 << 19;

/// Flush when their text takes this many bytes.
const MAX_TEXT: usize = 48 << 20;

/// One buffered observation; strings are ranges into the arena.
#[derive(Debug, Clone)]
struct Entry {
    name: Range<usize>,
    rdata: Range<usize>,
    ns_domain: Option<Range<usize>>,
    rrtype: u16,
    ttl: Option<u32>,
    delegation: bool,
    seen: Option<Sighting>,
}

/// A batch's buffered observations.
#[derive(Default)]
pub(crate) struct Pending {
    text: String,
    entries: Vec<Entry>,
}

impl std::fmt::Debug for Pending {
    /// Sizes only: the buffer can hold half a million observations.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("entries", &self.entries.len())
            .field("text_bytes", &self.text.len())
            .finish()
    }
}

impl Pending {
    /// Copies one observation in.
    pub fn push(&mut self, obs: &NewObservation<'_>) {
        let name = self.intern(obs.name);
        let rdata = self.intern(obs.rdata);
        let ns_domain = obs.ns_domain.map(|ns| self.intern(ns));

        let (rrtype, ttl, delegation, seen) = (obs.rrtype, obs.ttl, obs.delegation, obs.seen);
        self.entries.push(Entry { name, rdata, ns_domain, rrtype, ttl, delegation, seen });
    }

    /// Whether it is time to write.
    pub fn is_full(&self) -> bool {
        self.entries.len() >= MAX_ENTRIES || self.text.len() >= MAX_TEXT
    }

    /// Hands every observation to `write` in key order (name, type,
    /// data, TTL: the order of the store's key index), once per key,
    /// then empties the buffer. Repeats of a key merge their sightings.
    /// Returns how many were written.
    pub fn drain_sorted<E>(
        &mut self,
        mut write: impl FnMut(&NewObservation<'_>) -> Result<(), E>,
    ) -> Result<usize, E> {
        let text = self.text.as_str();
        self.entries.sort_unstable_by(|a, b| compare(text, a, b));

        let mut written = 0;
        let mut rest = self.entries.as_slice();
        while let Some((first, _)) = rest.split_first() {
            let run = rest.iter().take_while(|e| compare(text, first, e).is_eq()).count();
            let mut obs = view(text, first);
            obs.seen = rest[1..run].iter().fold(obs.seen, |seen, e| merge_seen(seen, e.seen));

            write(&obs)?;
            written += 1;
            rest = &rest[run..];
        }

        self.entries.clear();
        self.text.clear();
        Ok(written)
    }

    fn intern(&mut self, s: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(s);
        start..self.text.len()
    }
}

/// Orders entries as the key index does (text compares as bytes, the
/// BINARY collation).
fn compare(text: &str, a: &Entry, b: &Entry) -> Ordering {
    let bytes = text.as_bytes();
    bytes[a.name.clone()]
        .cmp(&bytes[b.name.clone()])
        .then(a.rrtype.cmp(&b.rrtype))
        .then_with(|| bytes[a.rdata.clone()].cmp(&bytes[b.rdata.clone()]))
        .then(a.ttl.cmp(&b.ttl))
}

/// Sightings of one key within a batch: per-record sightings add up; a
/// snapshot's repeats (no sightings) stay one sighting.
fn merge_seen(a: Option<Sighting>, b: Option<Sighting>) -> Option<Sighting> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.merge(b)),
        (a, b) => a.or(b),
    }
}

fn view<'t>(text: &'t str, entry: &Entry) -> NewObservation<'t> {
    NewObservation {
        name: &text[entry.name.clone()],
        rrtype: entry.rrtype,
        rdata: &text[entry.rdata.clone()],
        ttl: entry.ttl,
        ns_domain: entry.ns_domain.clone().map(|ns| &text[ns]),
        delegation: entry.delegation,
        seen: entry.seen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(name: &str, rdata: &str, ttl: u32) -> NewObservation<'static> {
        let (name, rdata) = (name.to_owned().leak(), rdata.to_owned().leak());
        let ns_domain = Some("x.net");
        NewObservation {
            name,
            rrtype: 2,
            rdata,
            ttl: Some(ttl),
            ns_domain,
            delegation: true,
            seen: None,
        }
    }

    #[test]
    fn drains_in_key_order_once_per_key() {
        let mut pending = Pending::default();
        for o in [obs("b.com", "ns1", 60), obs("a.com", "ns2", 60), obs("a.com", "ns1", 60)] {
            pending.push(&o);
        }
        pending.push(&obs("b.com", "ns1", 60));
        pending.push(&obs("a.com", "ns1", 30));

        let mut seen = Vec::new();
        let written = pending
            .drain_sorted(|o| {
                seen.push(format!("{} {} {:?} {:?}", o.name, o.rdata, o.ttl, o.ns_domain));
                Ok::<_, ()>(())
            })
            .unwrap();

        assert_eq!(written, 4);
        let expected = [
            "a.com ns1 Some(30) Some(\"x.net\")",
            "a.com ns1 Some(60) Some(\"x.net\")",
            "a.com ns2 Some(60) Some(\"x.net\")",
            "b.com ns1 Some(60) Some(\"x.net\")",
        ];
        assert_eq!(seen, expected);
        assert!(pending.entries.is_empty() && pending.text.is_empty());
    }

    #[test]
    fn repeated_keys_merge_their_sightings() {
        let mut pending = Pending::default();
        let sighting = |first, last, count| Some(Sighting { first, last, count });
        for seen in [sighting(50, 60, 2), sighting(10, 20, 1), sighting(30, 90, 4)] {
            pending.push(&NewObservation { ttl: None, seen, ..obs("a.com", "ns1", 0) });
        }

        let mut merged = Vec::new();
        pending
            .drain_sorted(|o| {
                merged.push(o.seen);
                Ok::<_, ()>(())
            })
            .unwrap();

        assert_eq!(merged, [sighting(10, 90, 7)]);
    }
}
