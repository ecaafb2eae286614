//! Look-up rate of the IPv4 table built from the real 412k-row table.
//!
//! Run in release, on one core:
//! `cargo test --release -p nshunt-ingest --test asn_speed -- --ignored --nocapture`

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use nshunt_ingest::asn::{AsnFormat, AsnReader, AsnTable, IpRange};

#[path = "common/timer.rs"]
mod timer;

use timer::Timer;

/// A small deterministic generator (SplitMix64).
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn load(name: &str) -> AsnTable {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/asn").join(name);
    assert!(path.exists(), "real data missing: {}", path.display());

    let timer = Timer::start();
    let (table, summary) = AsnTable::load(&path, AsnFormat::RangeCsv, |e| panic!("{e}")).unwrap();
    println!("{name}: rows read and built: {}", timer.report(summary.records as usize).1);
    table
}

/// The baseline the issue names: the table's rows as a sorted vector of
/// `(start, end, asn)`, searched with a binary search per address.
struct SortedVec(Vec<(u32, u32, u32)>);

impl SortedVec {
    fn load(name: &str) -> Self {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/asn").join(name);
        let mut rows: Vec<(u32, u32, u32)> = AsnReader::open(&path, AsnFormat::RangeCsv)
            .unwrap()
            .filter_map(|r| {
                let r = r.ok()?;
                match r.range {
                    IpRange::V4 { start, end } => Some((start, end, r.asn.map_or(0, |a| a.get()))),
                    IpRange::V6 { .. } => None,
                }
            })
            .collect();
        rows.sort_unstable();
        Self(rows)
    }

    #[inline]
    fn lookup(&self, ip: u32) -> Option<u32> {
        let at = self.0.partition_point(|&(start, _, _)| start <= ip).checked_sub(1)?;
        let (_, end, asn) = self.0[at];
        (ip <= end && asn != 0).then_some(asn)
    }
}

#[test]
#[ignore = "benchmark: needs the real table in shared/data/asn and a release build"]
fn bench_ipv4_lookups_per_second() {
    let table = load("asn-ipv4.csv");
    let baseline = SortedVec::load("asn-ipv4.csv");
    let mut state = 42;
    let addresses: Vec<Ipv4Addr> =
        (0..20_000_000).map(|_| Ipv4Addr::from_bits(splitmix(&mut state) as u32)).collect();

    // Same answers first: the flat real table has no nesting, so both
    // must agree on every address.
    for &address in addresses.iter().take(1_000_000) {
        let ours = table.lookup(IpAddr::V4(address)).map(|hit| hit.asn.get());
        assert_eq!(ours, baseline.lookup(address.to_bits()), "{address}");
    }

    let (mut best, mut best_baseline) = (0.0, 0.0);
    for _ in 0..3 {
        let timer = Timer::start();
        let mut found = 0u64;
        for &address in &addresses {
            if let Some(hit) = table.lookup(IpAddr::V4(black_box(address))) {
                found += u64::from(hit.asn.get() & 1) + 1;
            }
        }
        let (rate, text) = timer.report(addresses.len());
        println!("ipv4, random look-ups, nshunt table: {text} [{}]", black_box(found));
        best = f64::max(best, rate);

        let timer = Timer::start();
        let mut found = 0u64;
        for &address in &addresses {
            if let Some(asn) = baseline.lookup(black_box(address).to_bits()) {
                found += u64::from(asn & 1) + 1;
            }
        }
        let (rate, text) = timer.report(addresses.len());
        println!(
            "ipv4, random look-ups, sorted vector + binary search: {text} [{}]",
            black_box(found)
        );
        best_baseline = f64::max(best_baseline, rate);
    }
    println!("ratio (ours / sorted vector), best of three each: {:.2}x", best / best_baseline);
    assert!(best > 1_000_000.0, "far below the 10M/s target: {best:.0}/s");
}

#[test]
#[ignore = "benchmark: needs the real table in shared/data/asn and a release build"]
fn bench_ipv6_lookups_per_second() {
    let table = load("asn-ipv6.csv");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/asn/asn-ipv6.csv");
    let rows: Vec<(u128, u128)> = AsnReader::open(&path, AsnFormat::RangeCsv)
        .unwrap()
        .filter_map(|r| match r.ok()?.range {
            IpRange::V6 { start, end } => Some((start, end)),
            IpRange::V4 { .. } => None,
        })
        .collect();

    // Addresses inside the table's own ranges, as traffic would be.
    let mut state = 7;
    let addresses: Vec<Ipv6Addr> = (0..4_000_000)
        .map(|_| {
            let (start, end) = rows[(splitmix(&mut state) % rows.len() as u64) as usize];
            let offset = u128::from(splitmix(&mut state)) % (end - start).saturating_add(1).max(1);
            Ipv6Addr::from_bits(start + offset)
        })
        .collect();

    let timer = Timer::start();
    let found = addresses.iter().filter(|&&a| table.lookup(IpAddr::V6(black_box(a))).is_some());
    let found = found.count();
    println!(
        "ipv6, look-ups inside listed ranges: {} [{found} found]",
        timer.report(addresses.len()).1
    );
    assert_eq!(found, addresses.len());
}
