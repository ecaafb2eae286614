//! Name-server figures on the real 2020 root zone, against a reference
//! script that shares no code with nshunt.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{Env, examples, test_data};

/// `ns_domain → (hosts, domains, records, ttl_sum)` from TSV text.
fn parse_tsv(text: &str) -> BTreeMap<String, [u64; 4]> {
    text.lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let n = |i: usize| f[i].parse::<u64>().unwrap();
            (f[0].to_owned(), [n(1), n(2), n(3), n(4)])
        })
        .collect()
}

fn expected() -> BTreeMap<String, [u64; 4]> {
    let text = std::fs::read_to_string(test_data().join("root-2020-ns-stats.tsv")).unwrap();
    parse_tsv(&text)
}

#[test]
fn reference_script_still_gives_the_committed_figures() {
    let script = test_data().join("../scripts/ns_stats_reference.py");
    let psl = examples().join("../../crates/model/data/public_suffix_list.dat");
    let zone = examples().join("root.zone.2020-09-13");
    let output = Command::new("python3").arg(script).arg(psl).arg(zone).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    assert_eq!(parse_tsv(&String::from_utf8(output.stdout).unwrap()), expected());
}

#[test]
fn zone_stats_equal_the_reference_figures() {
    let env = Env::new();
    let zone = examples().join("root.zone.2020-09-13");
    let out = env.ok(&["zone", "stats", "--format", "ndjson", zone.to_str().unwrap()]);

    let ours: BTreeMap<String, [u64; 4]> = out
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let n = |k: &str| row[k].as_u64().unwrap();
            let ttl_sum = (row["mean_ttl"].as_f64().unwrap() * n("records") as f64).round();
            let key = row["ns_domain"].as_str().unwrap().to_owned();
            (key, [n("hosts"), n("domains"), n("records"), ttl_sum as u64])
        })
        .collect();

    let expected = expected();
    assert_eq!(ours.len(), expected.len());
    for (ns_domain, figures) in &expected {
        let mine = ours.get(ns_domain).unwrap_or_else(|| panic!("{ns_domain} missing"));
        assert_eq!(mine[..3], figures[..3], "{ns_domain}: hosts, domains, records");
        let mean = figures[3] as f64 / figures[2] as f64;
        let my_mean = mine[3] as f64 / mine[2] as f64;
        assert!((mean - my_mean).abs() < 0.06, "{ns_domain}: mean TTL {my_mean} vs {mean}");
    }
}

#[test]
fn store_num_domains_equal_the_reference_figures() {
    let env = Env::new();
    let zone = examples().join("root.zone.2020-09-13");
    env.ok(&["ingest", "zone", zone.to_str().unwrap()]);

    for (ns_domain, figures) in expected().iter().step_by(7) {
        let profile = env.json(&["nameserver", ns_domain]);
        assert_eq!(profile["num_domains"].as_u64(), Some(figures[1]), "{ns_domain}");
        assert_eq!(profile["hosts"].as_array().unwrap().len() as u64, figures[0], "{ns_domain}");
    }
}
