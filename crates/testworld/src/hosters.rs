//! The name-server domains of a world and how domains choose them.
//!
//! A name-server domain ("hoster") is a registered domain under which NS
//! hosts live: `kobaluhost.com` with hosts `ns1.kobaluhost.com`, … Its
//! name is a label built by [`crate::names`] plus a public suffix that is
//! a whole rule of the Public Suffix List's ICANN section (`com`,
//! `co.uk`, …). Since the label itself is never a public suffix, the
//! registered domain of each host is exactly the hoster's name: this is
//! how the ground truth knows every host's `ns_domain` without a list.
//!
//! Generated hosters are ranked; rank `r` is chosen with weight
//! `1 / (r + 1)^1.25`, so a few huge shared hosters carry a large share
//! of all domains (the top one about a fifth) and most carry a handful
//! or none. Two special hosters are never chosen this way: the parking
//! service and the crimeware name server, which carry their own
//! populations.

use crate::names::{self, CodeSpace, HOSTER_CODES, HOSTER_SUFFIXES, Label};
use crate::rng::{self, Rng};

/// The made-up parking service's name-server domain.
pub const PARKING_NS_DOMAIN: &str = "parkwellen.com";

/// The made-up crimeware name-server domain.
pub const CRIMEWARE_NS_DOMAIN: &str = "vexilhost.ru";

/// Public suffixes of hosters with their weights (per cent); `@` is the
/// zone's own TLD. The multi-label ones make a registered domain differ
/// from "the last two labels".
const SUFFIXES: &[(&str, u64)] = &[
    ("@", 40),
    ("com", 18),
    ("net", 14),
    ("org", 4),
    ("io", 3),
    ("de", 3),
    ("ru", 2),
    ("cloud", 1),
    ("host", 1),
    ("co.uk", 4),
    ("org.uk", 1),
    ("com.au", 2),
    ("net.au", 1),
    ("co.jp", 2),
    ("com.br", 2),
    ("co.nz", 1),
];

/// Random streams used here (see [`rng::hash`]).
const STREAM_SHAPE: u64 = 0x686f_7374; // "host"
const STREAM_CODE: u64 = 0x636f_6465; // "code"
const STREAM_ADDR: u64 = 0x6164_6472; // "addr"

/// How a hoster names its hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostStyle {
    /// `ns1`, `ns2`, …
    Ns,
    /// `dns1`, `dns2`, …
    Dns,
    /// `ns01`, `ns02`, …
    NsPadded,
    /// `a.ns`, `b.ns`, …: hosts two labels below the hoster.
    LetterNs,
}

impl HostStyle {
    /// Appends the part of host `index` (from 0) before the hoster's name,
    /// dot included: `ns1.`, `a.ns.`.
    pub(crate) fn push_prefix(self, out: &mut Vec<u8>, index: u8) {
        let number = index + 1;
        match self {
            HostStyle::Ns => push_numbered(out, b"ns", number, false),
            HostStyle::Dns => push_numbered(out, b"dns", number, false),
            HostStyle::NsPadded => push_numbered(out, b"ns", number, true),
            HostStyle::LetterNs => out.extend_from_slice(&[b'a' + index, b'.', b'n', b's', b'.']),
        }
    }
}

/// Appends `stem`, `number` (two digits when `padded`) and a dot.
fn push_numbered(out: &mut Vec<u8>, stem: &[u8], number: u8, padded: bool) {
    out.extend_from_slice(stem);
    if number >= 10 || padded {
        out.push(b'0' + number / 10);
    }
    out.extend_from_slice(&[b'0' + number % 10, b'.']);
}

/// One name-server domain.
#[derive(Debug, Clone)]
pub(crate) struct Hoster {
    /// Its name, lower case, no trailing dot.
    pub(crate) name: Box<str>,
    /// Bytes of its first label (its name relative to its suffix).
    pub(crate) label_len: usize,
    /// How many NS hosts it runs (at most 48).
    pub(crate) hosts: u8,
    /// How they are named.
    pub(crate) style: HostStyle,
    /// Whether its suffix is the zone's TLD, so that the zone holds its
    /// delegation and the glue of its hosts.
    pub(crate) in_zone: bool,
    /// Whether its glue includes AAAA records.
    pub(crate) v6: bool,
    /// The key its host addresses derive from.
    pub(crate) addr_key: u64,
}

/// All name-server domains of a world.
#[derive(Debug, Clone)]
pub(crate) struct Hosters {
    /// Generated hosters by rank, then the parking and crimeware ones.
    pub(crate) all: Vec<Hoster>,
    /// Running sums of the generated hosters' weights.
    cumulative: Vec<u64>,
    /// `guide[b]`: the first hoster whose running sum passes `b * bucket`;
    /// narrows each choice to a few entries of `cumulative`.
    guide: Vec<u32>,
    bucket: u64,
}

/// Buckets of the guide table.
const GUIDE_BUCKETS: u64 = 1 << 14;

impl Hosters {
    /// The hosters of the world `seed` with zone TLD `tld`.
    pub(crate) fn new(seed: u64, tld: &str, generated: u32) -> Self {
        let suffixes = usable_suffixes(tld);
        let mut codes = CodeSpace::new(HOSTER_CODES, seed, STREAM_CODE);
        let mut all: Vec<Hoster> =
            (0..generated).map(|rank| generate(seed, tld, &suffixes, &mut codes, rank)).collect();

        all.push(special(PARKING_NS_DOMAIN, tld, seed, u64::from(generated)));
        all.push(special(CRIMEWARE_NS_DOMAIN, tld, seed, u64::from(generated) + 1));

        let cumulative = zipf_cumulative(generated);
        let bucket = cumulative.last().map_or(1, |total| total.div_ceil(GUIDE_BUCKETS));
        let guide = (0..=GUIDE_BUCKETS)
            .map(|b| cumulative.partition_point(|&c| c <= b * bucket) as u32)
            .collect();

        Hosters { all, cumulative, guide, bucket }
    }

    /// The id of the parking hoster.
    pub(crate) fn parking(&self) -> u32 {
        self.all.len() as u32 - 2
    }

    /// The id of the crimeware hoster.
    pub(crate) fn crimeware(&self) -> u32 {
        self.all.len() as u32 - 1
    }

    /// One hoster by id.
    pub(crate) fn get(&self, id: u32) -> &Hoster {
        &self.all[id as usize]
    }

    /// A generated hoster, chosen by its Zipf weight: the first whose
    /// running sum passes a uniform draw below the total. The answer lies
    /// between the guide entries of the draw's bucket and the next one.
    pub(crate) fn choose(&self, rng: &mut Rng) -> u32 {
        let total = *self.cumulative.last().expect("at least one generated hoster");
        let x = rng.below(total);

        let b = (x / self.bucket) as usize;
        let low = self.guide[b] as usize;
        let high = (self.guide[b + 1] as usize + 1).min(self.cumulative.len());
        (low + self.cumulative[low..high].partition_point(|&c| c <= x)) as u32
    }
}

/// The suffixes a hoster may use in a zone for `tld`, with `@` replaced.
/// A suffix below the zone's TLD (`co.uk` in a `uk` zone) is dropped:
/// it would put the hoster inside the zone without a delegation above it.
fn usable_suffixes(tld: &str) -> Vec<(String, u64)> {
    let below = format!(".{tld}");

    SUFFIXES
        .iter()
        .map(|&(s, w)| (if s == "@" { tld.to_owned() } else { s.to_owned() }, w))
        .filter(|(s, _)| !s.ends_with(&below))
        .collect()
}

/// Generated hoster number `rank`.
fn generate(
    seed: u64,
    tld: &str,
    suffixes: &[(String, u64)],
    codes: &mut CodeSpace,
    rank: u32,
) -> Hoster {
    let mut rng = Rng::keyed(seed, STREAM_SHAPE, u64::from(rank));
    let mut label = Label::new();
    let ending = rng.below(HOSTER_SUFFIXES.len() as u64) as usize;
    names::hoster_label(&mut label, codes.take(&mut rng), ending);

    let suffix = weighted(&mut rng, suffixes);
    let (hosts, style) = shape(&mut rng, rank);
    let label = std::str::from_utf8(label.as_bytes()).expect("ascii label");

    Hoster {
        name: format!("{label}.{suffix}").into(),
        label_len: label.len(),
        hosts,
        style,
        in_zone: suffix == tld,
        v6: rng.chance(500),
        addr_key: rng::hash(seed, STREAM_ADDR, u64::from(rank)),
    }
}

/// A suffix chosen by weight.
fn weighted<'a>(rng: &mut Rng, suffixes: &'a [(String, u64)]) -> &'a str {
    let total: u64 = suffixes.iter().map(|(_, w)| w).sum();
    let mut x = rng.below(total);

    for (suffix, weight) in suffixes {
        if x < *weight {
            return suffix;
        }
        x -= weight;
    }

    unreachable!("x is below the total weight")
}

/// Host count and naming of the hoster at `rank`: the biggest run dozens
/// of numbered hosts (and hand each domain a few of them), the rest two
/// to eight.
fn shape(rng: &mut Rng, rank: u32) -> (u8, HostStyle) {
    if rank < 8 {
        let style = if rng.chance(700) { HostStyle::Ns } else { HostStyle::NsPadded };
        return (16 + rng.below(33) as u8, style);
    }

    let hosts = if rank < 200 { 4 + rng.below(5) as u8 } else { *rng.pick(&[2, 2, 3, 4]) };
    let style = match rng.below(100) {
        0..60 => HostStyle::Ns,
        60..75 => HostStyle::Dns,
        75..85 => HostStyle::NsPadded,
        _ => HostStyle::LetterNs,
    };

    (hosts, style)
}

/// A special hoster with a fixed name and two `nsN` hosts.
fn special(name: &str, tld: &str, seed: u64, id: u64) -> Hoster {
    let (label, suffix) = name.split_once('.').expect("special names have a suffix");

    Hoster {
        name: name.into(),
        label_len: label.len(),
        hosts: 2,
        style: HostStyle::Ns,
        in_zone: suffix == tld,
        v6: false,
        addr_key: rng::hash(seed, STREAM_ADDR, id),
    }
}

/// Running sums of the weights `2^52 / (r + 1)^1.25`. Only operations
/// IEEE 754 rounds exactly (product, quotient, square root) are used,
/// so the table is the same on every platform.
fn zipf_cumulative(count: u32) -> Vec<u64> {
    let mut total = 0u64;

    (0..count)
        .map(|rank| {
            let x = f64::from(rank) + 1.0;
            let weight = (4_503_599_627_370_496.0 / (x * x.sqrt().sqrt())) as u64;
            total += weight.max(1);
            total
        })
        .collect()
}

/// The IPv4 address of host `index` under `key`, in a plausible public range.
pub(crate) fn ipv4(key: u64, index: u8) -> [u8; 4] {
    const FIRST: &[u8] = &[
        5, 23, 31, 37, 45, 46, 51, 62, 66, 69, 77, 78, 80, 81, 82, 85, 87, 88, 89, 91, 93, 94, 95,
        104, 107, 136, 138, 139, 142, 144, 149, 151, 159, 162, 167, 176, 178, 185, 188, 193, 194,
        195, 199, 204, 206, 208, 209, 212, 213, 216, 217,
    ];
    let bits = rng::mix(key ^ u64::from(index));
    let first = FIRST[(bits % FIRST.len() as u64) as usize];

    [first, (bits >> 16) as u8, (bits >> 24) as u8, 1 + ((bits >> 32) as u8) % 254]
}

/// The IPv6 address of host `index` under `key`, as eight groups:
/// `2a0x:xxxx:xxxx:xxxx::n`.
pub(crate) fn ipv6(key: u64, index: u8) -> [u16; 8] {
    let bits = rng::mix(key ^ 0x5555 ^ (u64::from(index) << 8));

    [
        0x2a00 | (bits & 0xf) as u16,
        (bits >> 8) as u16,
        (bits >> 24) as u16,
        (bits >> 40) as u16,
        0,
        0,
        0,
        1 + u16::from(index),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_hosters_carry_a_large_share() {
        let hosters = Hosters::new(1, "com", 10_000);
        let mut rng = Rng::keyed(1, 2, 3);
        let mut counts = vec![0u32; 10_000];
        for _ in 0..100_000 {
            counts[hosters.choose(&mut rng) as usize] += 1;
        }

        let top10: u32 = counts[..10].iter().sum();
        assert!((30_000..70_000).contains(&top10), "top 10 carry {top10}");
        assert!(counts[0] > counts[100] * 20);
    }

    #[test]
    fn guided_choice_is_the_plain_binary_search() {
        let hosters = Hosters::new(2, "com", 50_000);
        let total = *hosters.cumulative.last().unwrap();
        let mut rng = Rng::keyed(4, 5, 6);

        for _ in 0..100_000 {
            let mut copy = rng.clone();
            let x = copy.below(total);
            let plain = hosters.cumulative.partition_point(|&c| c <= x) as u32;
            assert_eq!(hosters.choose(&mut rng), plain);
        }
    }

    #[test]
    fn hoster_names_are_unique() {
        let hosters = Hosters::new(9, "com", 100_000);
        let mut names: Vec<&str> = hosters.all.iter().map(|h| &*h.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), hosters.all.len());
    }

    #[test]
    fn suffixes_below_the_tld_are_dropped() {
        let suffixes = usable_suffixes("uk");
        assert!(suffixes.iter().all(|(s, _)| s != "co.uk" && s != "org.uk"));
        assert!(suffixes.iter().any(|(s, _)| s == "uk"));
    }

    #[test]
    fn host_prefixes() {
        let mut out = Vec::new();
        HostStyle::Ns.push_prefix(&mut out, 0);
        HostStyle::NsPadded.push_prefix(&mut out, 1);
        HostStyle::Dns.push_prefix(&mut out, 11);
        HostStyle::LetterNs.push_prefix(&mut out, 2);
        assert_eq!(out, b"ns1.ns02.dns12.c.ns.");
    }
}
