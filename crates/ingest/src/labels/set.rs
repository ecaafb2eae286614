//! Matching names, addresses and URLs against loaded labels.
//!
//! A [`LabelSet`] keeps every label once and indexes it by kind: hash
//! tables of canonical domains, suffixes, URL keys and paths, and a table
//! of networks by prefix length. Matching follows label boundaries only:
//! `a.evil.example` matches an entry `evil.example`, `notevil.example`
//! does not.
//!
//! # Limitations
//!
//! - Parents are walked up to, not into, the public suffix (ICANN
//!   section): an entry `com` or `co.uk` matches only that name itself;
//!   to list everything under a suffix, write it `.com` (kind `suffix`).
//! - Ports of `host:port` entries are kept on the label but not compared.
//! - URL entries match the same host and a path equal to theirs or
//!   extending it at a `/`; a query in the entry must match exactly.

use std::hash::BuildHasher;
use std::net::IpAddr;

use foldhash::fast::FixedState;
use hashbrown::{HashMap, HashTable};
use nshunt_model::{DomainName, Section, psl};

use crate::asn::{Asn, IpPrefix, IpRange};
use crate::labels::indicator::{Host, url_parts};
use crate::labels::label::{IndicatorKind, Label};

/// The end of a chain of labels with the same key.
const END: u32 = u32::MAX;

/// Labels indexed for matching.
#[derive(Debug, Clone, Default)]
pub struct LabelSet {
    labels: Vec<Label>,
    /// For each label, the next label with the same key.
    next: Vec<u32>,
    domains: KeyIndex,
    suffixes: KeyIndex,
    urls: KeyIndex,
    paths: KeyIndex,
    asns: HashMap<u32, u32, FixedState>,
    networks: HashMap<NetKey, u32, FixedState>,
    /// Prefix lengths present, longest first: IPv4, IPv6.
    lengths: [Vec<u8>; 2],
}

/// A network key: IPv6 or not, prefix length, address bits.
type NetKey = (bool, u8, u128);

impl LabelSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of labels.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the set has no labels.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Every label, in the order added.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Adds a label.
    pub fn insert(&mut self, label: Label) {
        let id = u32::try_from(self.labels.len()).unwrap_or(END - 1).min(END - 1);
        let kind = label.kind;
        self.labels.push(label);
        self.next.push(END);

        let (index, key_of): (&mut KeyIndex, KeyOf) = match kind {
            IndicatorKind::Domain => (&mut self.domains, plain_key),
            IndicatorKind::Suffix => (&mut self.suffixes, plain_key),
            IndicatorKind::Url => (&mut self.urls, url_label_key),
            IndicatorKind::Path => (&mut self.paths, plain_key),
            IndicatorKind::Ip | IndicatorKind::Cidr => return self.insert_network(id),
            IndicatorKind::Asn => return self.insert_asn(id),
        };
        if let Some(label) = self.labels.last() {
            index.insert(key_of(label), id, &self.labels, &mut self.next, key_of);
        }
    }

    fn insert_network(&mut self, id: u32) {
        let parsed = self.labels.last().map(|l| l.indicator.parse::<IpPrefix>());
        let Some(Ok(prefix)) = parsed else { return };
        let key = net_key(prefix);
        chain(self.networks.entry(key).or_insert(END), id, &mut self.next);

        let lengths = &mut self.lengths[usize::from(key.0)];
        if let Err(at) = lengths.binary_search_by(|l| key.1.cmp(l)) {
            lengths.insert(at, key.1);
        }
    }

    fn insert_asn(&mut self, id: u32) {
        let parsed = self.labels.last().map(|l| Asn::parse(&l.indicator));
        let Some(Ok(asn)) = parsed else { return };
        chain(self.asns.entry(asn.get()).or_insert(END), id, &mut self.next);
    }

    /// Labels of `name` and of each parent above its public suffix, and
    /// suffix entries above it; the most specific first.
    pub fn match_domain(&self, name: &DomainName) -> Vec<&Label> {
        let mut out = Vec::new();
        if name.is_root() {
            return out;
        }

        let text = name.as_str();
        let starts = label_starts(name);
        let mut public_suffix: Option<usize> = None;

        for (i, &start) in starts.iter().enumerate() {
            let key = &text[start..];
            let labels_left = starts.len() - i;
            if let Some(head) = self.domains.get(key, &self.labels, plain_key) {
                let ps = *public_suffix.get_or_insert_with(|| suffix_labels(name));
                if i == 0 || labels_left > ps {
                    self.collect(head, &mut out);
                }
            }
            if i > 0 {
                if let Some(head) = self.suffixes.get(key, &self.labels, plain_key) {
                    self.collect(head, &mut out);
                }
            }
        }
        out
    }

    /// Labels of every listed address or network holding `ip`; the
    /// longest prefix first. IPv4-mapped IPv6 addresses match as IPv4.
    pub fn match_ip(&self, ip: IpAddr) -> Vec<&Label> {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let mut out = Vec::new();

        for &len in &self.lengths[usize::from(ip.is_ipv6())] {
            let Ok(prefix) = IpPrefix::new(ip, len) else { continue };
            if let Some(&head) = self.networks.get(&net_key(prefix)) {
                self.collect(head, &mut out);
            }
        }
        out
    }

    /// Labels of an AS (worst-ASN headings).
    pub fn match_asn(&self, asn: Asn) -> Vec<&Label> {
        let mut out = Vec::new();
        if let Some(&head) = self.asns.get(&asn.get()) {
            self.collect(head, &mut out);
        }
        out
    }

    /// Labels of a URL (with or without scheme): URL entries for its
    /// host and path, path entries for its path, then the labels of its
    /// host ([`LabelSet::match_domain`] or [`LabelSet::match_ip`]). A text
    /// that is not a URL matches nothing.
    pub fn match_url(&self, url: &str) -> Vec<&Label> {
        let url = url.trim();
        let Ok(parts) = url_parts(url, url.contains("://")) else { return Vec::new() };
        let paths = path_candidates(&parts.rest);
        let mut out = Vec::new();

        let mut hosts = vec![parts.authority()];
        if parts.port.is_some() {
            hosts.push(host_only(&parts.host));
        }
        for host in &hosts {
            for path in &paths {
                let key = format!("{host}{path}");
                if let Some(head) = self.urls.get(&key, &self.labels, url_label_key) {
                    self.collect(head, &mut out);
                }
            }
        }

        for path in paths.iter().filter(|p| !p.is_empty()) {
            if let Some(head) = self.paths.get(path, &self.labels, plain_key) {
                self.collect(head, &mut out);
            }
        }
        out.extend(self.match_host(&parts.host));
        out
    }

    fn match_host(&self, host: &Host) -> Vec<&Label> {
        match host {
            Host::Ip(ip) => self.match_ip(*ip),
            Host::Name(name) => match DomainName::parse(name) {
                Ok(name) => self.match_domain(&name),
                Err(_) => Vec::new(),
            },
        }
    }

    /// Pushes every label of a chain.
    fn collect<'a>(&'a self, head: u32, out: &mut Vec<&'a Label>) {
        let mut at = head;
        while let Some(label) = self.labels.get(at as usize) {
            out.push(label);
            at = self.next.get(at as usize).copied().unwrap_or(END);
        }
    }
}

impl Extend<Label> for LabelSet {
    fn extend<I: IntoIterator<Item = Label>>(&mut self, iter: I) {
        for label in iter {
            self.insert(label);
        }
    }
}

impl FromIterator<Label> for LabelSet {
    fn from_iter<I: IntoIterator<Item = Label>>(iter: I) -> Self {
        let mut set = Self::new();
        set.extend(iter);
        set
    }
}

/// Links `id` in front of the chain whose head is `head`.
fn chain(head: &mut u32, id: u32, next: &mut [u32]) {
    if let Some(slot) = next.get_mut(id as usize) {
        *slot = *head;
    }
    *head = id;
}

/// A hash table of label numbers keyed by a text derived from the label,
/// so the keys are not stored twice.
#[derive(Debug, Clone, Default)]
struct KeyIndex {
    table: HashTable<u32>,
    hasher: FixedState,
}

impl KeyIndex {
    fn insert(&mut self, key: &str, id: u32, labels: &[Label], next: &mut [u32], key_of: KeyOf) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(key);
        let same = |&i: &u32| labels.get(i as usize).is_some_and(|l| key_of(l) == key);

        match self.table.find_mut(hash, same) {
            Some(head) => chain(head, id, next),
            None => {
                let rehash =
                    |&i: &u32| labels.get(i as usize).map_or(0, |l| hasher.hash_one(key_of(l)));
                self.table.insert_unique(hash, id, rehash);
            }
        }
    }

    fn get(&self, key: &str, labels: &[Label], key_of: KeyOf) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        let same = |&i: &u32| labels.get(i as usize).is_some_and(|l| key_of(l) == key);
        self.table.find(hash, same).copied()
    }
}

/// How an index derives its key from a label.
type KeyOf = fn(&Label) -> &str;

fn plain_key(label: &Label) -> &str {
    &label.indicator
}

fn url_label_key(label: &Label) -> &str {
    url_key(&label.indicator)
}

/// A URL entry's key: the URL without its scheme.
fn url_key(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

/// The host of a URL as URL keys write it, without port.
fn host_only(host: &Host) -> String {
    match host {
        Host::Ip(IpAddr::V6(v6)) => format!("[{v6}]"),
        Host::Ip(ip) => ip.to_string(),
        Host::Name(name) => name.to_string(),
    }
}

/// The paths a URL's path and query can match: itself, without query or
/// fragment, and each ancestor at a `/` (with and without the slash),
/// down to the empty path.
fn path_candidates(rest: &str) -> Vec<String> {
    let mut out = vec![rest.to_owned()];
    let path = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    out.push(path.to_owned());

    for (at, _) in path.rmatch_indices('/') {
        out.push(path[..=at].to_owned());
        out.push(path[..at].to_owned());
    }
    out.push(String::new());
    out.dedup();
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out.dedup();
    out
}

/// The byte offset of each suffix of a name: 0, then after each label.
fn label_starts(name: &DomainName) -> Vec<usize> {
    let mut starts = Vec::with_capacity(8);
    let mut at = 0;
    for label in name.labels() {
        starts.push(at);
        at += label.len() + 1;
    }
    starts
}

/// How many labels of `name` its public suffix takes (ICANN section).
fn suffix_labels(name: &DomainName) -> usize {
    psl::embedded().suffix_labels(name, Section::Icann)
}

/// The table key of a prefix.
fn net_key(prefix: IpPrefix) -> NetKey {
    match prefix.range() {
        IpRange::V4 { start, .. } => (false, prefix.len(), u128::from(start)),
        IpRange::V6 { start, .. } => (true, prefix.len(), start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_candidates_walk_up() {
        let got = path_candidates("/a/b/c.php?x=1");
        let expect = ["/a/b/c.php?x=1", "/a/b/c.php", "/a/b/", "/a/b", "/a/", "/a", "/", ""];
        assert_eq!(got, expect);
        assert_eq!(path_candidates(""), [""]);
    }

    #[test]
    fn label_offsets() {
        let name = DomainName::parse("a.bc.example").unwrap();
        assert_eq!(label_starts(&name), [0, 2, 5]);
    }
}
