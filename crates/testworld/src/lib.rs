//! Deterministic, seeded DNS worlds for tests and benchmarks.
//!
//! A [`World`] is a synthetic TLD zone shaped like a real gTLD zone,
//! together with the exact answers an analysis of it must give. Tests
//! use small worlds as oracles; benchmarks stream huge ones (a 25 GB
//! zone is written with flat memory: records go straight from the
//! generator to the writer).
//!
//! ```
//! use nshunt_testworld::{Style, World, WorldConfig, CRIMEWARE_NS_DOMAIN};
//!
//! let world = World::new(WorldConfig::new(1, 10_000, "com"))?;
//! let mut zone = Vec::new();
//! world.write_zone(&mut zone, Style::Czds)?;
//!
//! let truth = world.expected_ns_stats();
//! assert_eq!(truth[CRIMEWARE_NS_DOMAIN].domains, 120);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The shape of a world
//!
//! Real zones have been public only in aggregate (CZDS files need an
//! account), so the shape follows what is known of them:
//!
//! - lower-case absolute names, a SOA first, the apex's own NS records
//!   (`a.nic.<tld>` to `d.nic.<tld>`) with glue;
//! - 2 to 4 NS records per delegation, TTL 172800 for most, 86400 or
//!   3600 for a few per cent;
//! - name-server domains chosen with a Zipf-like weight: a few huge
//!   shared hosters with dozens of hosts carry a large share of all
//!   domains, a long tail carries a handful or none; 40 % of them are
//!   under the zone's own TLD (delegated in the zone, with glue), the
//!   rest under other TLDs, 13 % under multi-label public suffixes
//!   (`co.uk`, `com.au`, `co.jp`, …) so that "the last two labels" is
//!   the wrong answer for them;
//! - some hosts two labels below their name-server domain
//!   (`a.ns.kobaluhost.net`);
//! - 1.5 % self-hosted domains (`ns1.<domain>`, glue A and sometimes
//!   AAAA), 3 % whose last NS host is at a second name-server domain,
//!   4 % with a DS record.
//!
//! # Populations with known answers
//!
//! - The crimeware name server [`CRIMEWARE_NS_DOMAIN`] carries only
//!   look-alike domains of made-up banks and telcos
//!   (`secure-norvabank-login.<tld>`), 120 by default: a low-density
//!   name server whose every domain is bad.
//! - The parking service [`PARKING_NS_DOMAIN`] carries 3 % of the
//!   ordinary-looking domains: a dense, benign-but-uninteresting one.
//!
//! Their sizes are exact ([`World::populations`]): every population is
//! spread evenly over the zone's delegation slots.
//!
//! # Ground truth
//!
//! [`World::expected_ns_stats`] gives, for every name-server domain,
//! its NS records, distinct hosts, distinct domains and TTL sum, by
//! drawing every delegation again without writing text. The name-server
//! domain of a host is known by construction: every name-server domain
//! is a made-up label (never itself a public suffix) under a suffix
//! that is a whole ICANN rule of the Public Suffix List, and its hosts
//! are the name-server domain with one or two labels in front. A
//! self-hosted domain is its own name-server domain. Name-server domains
//! that end up carrying no delegation are left out.
//!
//! # Names
//!
//! Every made-up name is unique by construction, without remembering
//! the names already made: see the `names` module. The names are
//! pronounceable nonsense (`kobalute`, `my-kobalute`, `kobalutehost`)
//! and the brands are made up, so no real brand's domain is used.
//!
//! # The collection lab
//!
//! [`Lab`] writes zones a real authoritative server answers from, all
//! on loopback, with known records and every failure kind, for testing
//! active collection (see the `lab` module).
//!
//! # Styles
//!
//! [`Style::Czds`] writes one tab-separated record per line, as ICANN's
//! CZDS files do. [`Style::Master`] writes the same records as a general
//! RFC 1035 master file with directives, relative names, omitted fields,
//! parentheses, comments and mixed case.
//!
//! # Determinism
//!
//! The same configuration gives the same bytes on every platform and
//! with every version of every dependency: the random generator is
//! written here (SplitMix64) and only integer arithmetic and exactly
//! rounded floating-point operations decide what is written.
//!
//! # Limitations
//!
//! - Records come out grouped by delegation in slot order, not sorted
//!   as CZDS files are.
//! - The zone's TLD is assumed to be a public suffix under which single
//!   labels are registrable (`com`, `net`, `co.uk`); under a wildcard
//!   rule such as `*.ck` the ground truth would be wrong.
//! - No RRSIG, NSEC or other DNSSEC records besides DS, and no IDN
//!   (`xn--`) labels.

mod czds;
mod hosters;
mod lab;
mod master;
mod names;
mod out;
mod rng;
mod size;
mod truth;
mod world;

use std::collections::BTreeMap;
use std::io::{self, Write};

pub use hosters::{CRIMEWARE_NS_DOMAIN, PARKING_NS_DOMAIN};
pub use lab::{LAB_DELEGATION_TTL, LAB_PTR_TTL, Lab, LabDomain, LabKind, LabRecord, LabServers};
pub use size::domains_for_size;
pub use truth::NsStats;
pub use world::{
    MAX_CRIMEWARE_DOMAINS, MAX_NS_DOMAINS, Populations, World, WorldConfig, WorldError,
};

/// How the zone text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// ICANN CZDS: `owner.\tTTL\tin\ttype\trdata`, one record per line,
    /// absolute lower-case names, SOA first.
    Czds,
    /// A general RFC 1035 master file describing the same records.
    Master,
}

impl World {
    /// Writes the zone to `out` in `style`, buffering internally, and
    /// returns the number of bytes written. Memory stays flat however
    /// large the zone.
    pub fn write_zone<W: Write>(&self, out: W, style: Style) -> io::Result<u64> {
        match style {
            Style::Czds => czds::write(self, out),
            Style::Master => master::write(self, out),
        }
    }

    /// The exact statistics of every name-server domain that carries a
    /// delegation, by name (lower case, no final dot), without writing
    /// the zone. Memory grows with the number of name-server domains
    /// (self-hosted domains included), not with the zone.
    pub fn expected_ns_stats(&self) -> BTreeMap<String, NsStats> {
        truth::expected_ns_stats(self)
    }
}
