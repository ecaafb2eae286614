//! Benchmark (ignored; `benches/explore.sh` runs it): explore over the
//! index of ten million domains, against the reference scan of the same
//! facts in memory, in the same run.
//!
//! The facts are generated the way a large store looks: name servers,
//! AS numbers, registrars and registrant addresses drawn from Zipf
//! distributions (a few giants, a long tail of small ones), one shared
//! privacy address, redacted registrants, PTR patterns per AS, a share
//! of brand look-alikes, themes and listings. The query mix is the
//! issue's: AS-holder prefix + registrar + name regex with all facets;
//! a single name-server filter; a rare registrant address. Each is
//! timed for its first page and for the page with all facets (median of
//! several runs), and the scan once.
//!
//! `NSHUNT_BENCH_DOMAINS` sets the size (default 10,000,000).

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use nshunt_analyze::eval::Rng;
use nshunt_analyze::explore::{Filter, Page, scan};
use nshunt_analyze::index::{ExploreIndex, NameOrder, Stamp, path_for, query};
use nshunt_analyze::{DomainFacts, EntityKind, Facts, Listing, Settings, Severity, score_facts};
use regex::Regex;

/// Draws ranks 0..n with probability proportional to 1 / (rank + 1)^s.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|r| {
                total += 1.0 / ((r + 1) as f64).powf(s);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = rng.unit() * total;
        self.cumulative.partition_point(|&c| c < x).min(self.cumulative.len() - 1)
    }
}

const HOLDERS: [&str; 16] = [
    "AMAZON-02",
    "CLOUDFLARENET",
    "GOOGLE",
    "OVH SAS",
    "HETZNER-AS",
    "DIGITALOCEAN-ASN",
    "AKAMAI-AS",
    "GODADDY-SXB",
    "UNIFIEDLAYER-AS-1",
    "MICROSOFT-CORP-MSN-AS-BLOCK",
    "SQUARESPACE",
    "WIX_COM",
    "FASTLY",
    "AMAZON-AES",
    "LINODE-AP",
    "OVH-CA",
];

const REGISTRARS: [&str; 8] = [
    "godaddy.com, llc",
    "namecheap, inc.",
    "tucows domains inc.",
    "network solutions, llc",
    "gmo internet group, inc.",
    "publicdomainregistry.com",
    "porkbun llc",
    "dynadot inc",
];

const WORDS: [&str; 24] = [
    "shop", "cloud", "best", "home", "green", "data", "smart", "blue", "city", "art", "tech",
    "food", "travel", "my", "net", "life", "web", "media", "store", "pro", "media", "link", "hub",
    "studio",
];

const TLDS: [&str; 8] = ["com", "net", "org", "de", "co.uk", "xyz", "info", "online"];

/// Generates `n` domains.
fn generate(n: usize, seed: u64) -> Facts {
    let mut rng = Rng::new(seed);
    let mut facts = Facts::new(1_780_000_000);
    let ns = Zipf::new(n / 30 + 10, 1.05);
    let asn = Zipf::new(20_000, 1.15);
    let registrar = Zipf::new(1_500, 1.3);
    let registrant = Zipf::new(n / 4 + 10, 0.6);

    for a in 0..20_000u32 {
        let id = facts.entities.intern(EntityKind::Asn, &format!("AS{}", 13_000 + a));
        let holder = match HOLDERS.get(a as usize) {
            Some(h) => (*h).to_owned(),
            None => format!("HOLDER-{a} NETWORKS"),
        };
        facts.entities.set_holder(id, &holder);
    }

    for i in 0..n {
        let name = format!(
            "{}{}{}.{}",
            WORDS[rng.below(WORDS.len())],
            WORDS[rng.below(WORDS.len())],
            i,
            TLDS[rng.below(TLDS.len())]
        );
        let mut d = DomainFacts { name, delegated: true, ..DomainFacts::default() };
        let e = &mut facts.entities;

        let ns_rank = ns.draw(&mut rng);
        let ns_domain = format!("nsprovider{ns_rank}.net");
        d.entities.push((EntityKind::NsDomain, e.intern(EntityKind::NsDomain, &ns_domain)));
        for host in ["ns1", "ns2"] {
            let id = e.intern(EntityKind::NsHost, &format!("{host}.{ns_domain}"));
            d.entities.push((EntityKind::NsHost, id));
        }

        if rng.chance(0.75) {
            let a = asn.draw(&mut rng) as u32;
            let ip = Ipv4Addr::from(0x0B00_0000 + a * 4096 + rng.below(4096) as u32);
            let [o1, o2, o3, _] = ip.octets();
            d.addresses.push(IpAddr::V4(ip));
            d.entities.push((EntityKind::Asn, a));
            d.entities.push((
                EntityKind::Subnet,
                e.intern(EntityKind::Subnet, &format!("{o1}.{o2}.{o3}.0/24")),
            ));
            if rng.chance(0.5) {
                let pattern = format!("*.pool{}.as{a}.example", rng.below(3));
                d.entities
                    .push((EntityKind::PtrPattern, e.intern(EntityKind::PtrPattern, &pattern)));
            }
            d.in_traffic = rng.chance(0.6);
            d.ttl_sum = [300u64, 3600, 86_400][rng.below(3)];
            d.ttl_count = 1;
        }

        let r = registrar.draw(&mut rng);
        let registrar_name =
            REGISTRARS.get(r).map_or_else(|| format!("registrar {r} ltd"), |s| (*s).to_owned());
        d.entities.push((EntityKind::Registrar, e.intern(EntityKind::Registrar, &registrar_name)));
        let kind = rng.below(100);
        if kind < 35 {
            d.privacy = true;
            let id = e.intern(EntityKind::Registrant, "po box 0823-03411, panama, pa");
            d.entities.push((EntityKind::Registrant, id));
        } else if kind < 75 {
            let rank = registrant.draw(&mut rng);
            let address = format!("{rank} market street, springfield {}, us", rank % 997);
            d.entities.push((EntityKind::Registrant, e.intern(EntityKind::Registrant, &address)));
            d.country = Some(["US", "DE", "GB", "FR", "RU", "CN"][rank % 6].to_owned());
            d.org = Some(format!("company {} llc", rank % 50_000));
        }

        let day = 1_630_000_000 + rng.below(1_800) as i64 * 86_400;
        d.created = Some(day);
        d.first_seen = Some(day + 86_400);
        d.last_seen = Some(1_780_000_000 - rng.below(60) as i64 * 86_400);
        if rng.chance(0.01) {
            d.brand =
                Some(["PayPal", "Microsoft", "DHL", "HMRC", "Vodafone"][rng.below(5)].to_owned());
            let theme = ["finance-payments", "technology", "delivery", "tax-government", "telco"]
                [rng.below(5)];
            d.entities.push((EntityKind::Theme, e.intern(EntityKind::Theme, theme)));
        }
        if rng.chance(0.005) {
            d.listing = Some(Listing {
                severity: Severity::High,
                category: ["phishing", "malware", "c2"][rng.below(3)].to_owned(),
                source: "bench".to_owned(),
                listed_at: day + 10 * 86_400,
            });
        }
        facts.domains.push(d);
    }
    facts
}

/// The median of `runs` timings of `f`, in milliseconds, and its last
/// answer.
fn time_ms(runs: usize, mut f: impl FnMut() -> Page) -> (f64, Page) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        last = Some(f());
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.expect("at least one run"))
}

#[test]
#[ignore = "benchmark: benches/explore.sh"]
fn bench_explore() {
    let n: usize = std::env::var("NSHUNT_BENCH_DOMAINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let started = Instant::now();
    let facts = generate(n, 1);
    eprintln!("generated {n} domains in {:.1}s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let scored = score_facts(facts, &Settings::default());
    eprintln!("scored in {:.1}s", started.elapsed().as_secs_f64());

    let dir = std::env::var("NSHUNT_BENCH_DIR").map_or_else(|_| std::env::temp_dir(), Into::into);
    let path = path_for(&dir.join(format!("explore-bench-{n}.sqlite")));
    let started = Instant::now();
    let stamp = Stamp { as_of: scored.facts.as_of, scored_at: 0, generation: 0 };
    ExploreIndex::write(&scored, &NameOrder::of(&scored.facts), stamp, &path)
        .expect("write the index");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "index written in {:.1}s: {:.0} MB ({})",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6,
        path.display()
    );
    let index = ExploreIndex::open(&path).expect("open the index");

    let rare_address = scored
        .facts
        .entities
        .name(
            EntityKind::Registrant,
            (scored.facts.entities.count(EntityKind::Registrant) / 2) as u32,
        )
        .to_owned();
    let queries: Vec<(&str, Filter)> = vec![
        (
            "holder AMAZON + registrar + regex",
            Filter {
                holder_prefix: Some("amazon".into()),
                registrar: vec!["namecheap, inc.".into()],
                name_regex: Some(Regex::new("^(shop|store).*(cloud|data)").expect("regex")),
                ..Filter::default()
            },
        ),
        (
            "name server nsprovider0.net",
            Filter { nameserver: vec!["nsprovider0.net".into()], ..Filter::default() },
        ),
        (
            "name server nsprovider50.net",
            Filter { nameserver: vec!["nsprovider50.net".into()], ..Filter::default() },
        ),
        ("rare registrant address", Filter { address: Some(rare_address), ..Filter::default() }),
    ];

    println!("\nexplore on {n} domains (median of 7; the scan once)");
    println!(
        "{:<34} {:>9} {:>10} {:>12} {:>12} {:>10}",
        "query", "matches", "page ms", "facets ms", "scan ms", "ratio"
    );
    for (label, filter) in &queries {
        let (page_ms, page) = time_ms(7, || query::explore(&index, filter, 1, 50, false));
        let (facets_ms, with_facets) = time_ms(7, || query::explore(&index, filter, 1, 50, true));
        let (scan_ms, reference) = time_ms(1, || scan(&scored, filter, 1, 50, true));
        assert_eq!(with_facets, reference, "{label}: the index and the scan disagree");
        assert_eq!(page.results, reference.results);
        println!(
            "{label:<34} {:>9} {page_ms:>10.1} {facets_ms:>12.1} {scan_ms:>12.0} {:>9.0}x",
            page.total,
            scan_ms / facets_ms
        );
    }
    let _ = std::fs::remove_file(&path);
}
