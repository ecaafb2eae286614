//! Insert speed: prints observations per second (wall clock, and CPU
//! time on Linux, assuming 100 clock ticks a second); asserts no time.
//!
//! `NSHUNT_STORE_SPEED_ROWS` sets the size (default 200,000). Run it
//! optimised to see real figures:
//! `cargo test --release -p nshunt-store --test speed -- --nocapture`.

mod common;

use std::time::Instant;

use common::{DAY1, DAY2, temp_store};
use nshunt_store::{BatchMeta, BatchStart, BatchSummary, NewObservation, SqliteStore};

/// A zone-like batch: per domain two delegating NS records, every
/// tenth domain also a DS record. Provider 0 carries a tenth of them.
struct Synthetic {
    names: Vec<String>,
    hosts: Vec<(String, String)>,
}

impl Synthetic {
    fn new(observations: usize) -> Self {
        let domains = observations * 10 / 21;
        let names = (0..domains)
            .map(|i| format!("d{:x}-{i}.com", i.wrapping_mul(2_654_435_761) % 4096))
            .collect();
        let hosts = (0..1000)
            .map(|p| (format!("ns1.provider{p}.net"), format!("provider{p}.net")))
            .collect();
        Synthetic { names, hosts }
    }

    fn provider(&self, i: usize) -> &(String, String) {
        if i % 10 == 0 { &self.hosts[0] } else { &self.hosts[i % self.hosts.len()] }
    }

    /// Writes one batch; returns (observations added, wall seconds,
    /// CPU seconds where the platform tells).
    fn ingest(&self, store: &mut SqliteStore, hash: &str, at: i64) -> (u64, f64, Option<f64>) {
        let meta = BatchMeta::zone_file("com", "com.zone", hash, at);
        let (start, cpu) = (Instant::now(), cpu_seconds());
        let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };

        for (i, name) in self.names.iter().enumerate() {
            let (host, ns_domain) = self.provider(i);
            let ns = NewObservation {
                name,
                rrtype: 2,
                rdata: host,
                ttl: Some(172800),
                ns_domain: Some(ns_domain),
                delegation: true,
                seen: None,
            };
            writer.add(&ns).unwrap();
            writer
                .add(&NewObservation {
                    rdata: "ns2.backup.org",
                    ns_domain: Some("backup.org"),
                    ..ns
                })
                .unwrap();
            if i % 10 == 0 {
                let ds = NewObservation {
                    rrtype: 43,
                    rdata: "12345 13 2 abcdef",
                    ttl: Some(86400),
                    ns_domain: None,
                    delegation: false,
                    name,
                    seen: None,
                };
                writer.add(&ds).unwrap();
            }
        }

        let added = writer.added();
        writer.commit(BatchSummary { records: added, ..BatchSummary::default() }).unwrap();
        let cpu = cpu_seconds().zip(cpu).map(|(end, start)| end - start);
        (added, start.elapsed().as_secs_f64(), cpu)
    }
}

#[test]
fn insert_rate() {
    let rows = std::env::var("NSHUNT_STORE_SPEED_ROWS").ok().and_then(|v| v.parse().ok());
    let data = Synthetic::new(rows.unwrap_or(200_000));
    let (_dir, _path, mut store) = temp_store();

    report("new rows", data.ingest(&mut store, "first", DAY1));
    report("merged rows", data.ingest(&mut store, "second", DAY2));

    for ns_domain in ["provider0.net", "backup.org"] {
        let start = Instant::now();
        let p = store.nameserver_profile(ns_domain, DAY2, 100, 0).unwrap().unwrap();
        let secs = start.elapsed().as_secs_f64();
        println!("profile of {ns_domain} ({} domains): {secs:.3} s", p.num_domains);
    }

    let start = Instant::now();
    let v = store.domain_view(&data.names[0], DAY2).unwrap().unwrap();
    let secs = start.elapsed().as_secs_f64();
    println!("domain view ({} name-server domains): {secs:.3} s", v.nsdomaininfo.len());
    assert_eq!(v.nameservers.len(), 2);
}

fn report(what: &str, (added, wall, cpu): (u64, f64, Option<f64>)) {
    let rate = |secs: f64| added as f64 / secs;
    let cpu = cpu.map(|c| format!(", {:.0}/s of CPU time", rate(c))).unwrap_or_default();
    println!("{what}: {added} observations in {wall:.2} s = {:.0}/s{cpu}", rate(wall));
}

/// User plus system time of this process (Linux), seconds.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
