//! Recall on MetaMask's eth-phishing-detect blacklist
//! (`../shared/data/brands/eth-phishing-detect-config.json`) for the
//! targets its fuzzylist names.
//!
//! Which blacklist entries aim at which target is decided independently
//! of the detector, the way eth-phishing-detect itself frames it: an
//! entry targets a fuzzylist domain when that domain's name (its labels
//! without the TLD, joined: `myetherwallet`, `launchpadethereum`) is
//! inside the entry's labels (TLD dropped, hyphens removed), or within
//! the config's own tolerance (Levenshtein distance 2) of them. The
//! detector must attribute the entry to the matching catalogue brand.
//!
//! `maskmeta.org` is left out: the catalogue has no such brand and we
//! do not know what it is.
//!
//! `cargo test -p nshunt-brands --test eth_phishing_grade -- --nocapture`

mod common;

use std::collections::BTreeMap;

use nshunt_brands::{Catalogue, Detector};

/// Fuzzylist domain → catalogue brand id.
const TARGETS: &[(&str, &str)] = &[
    ("auctus.org", "auctus"),
    ("cryptokitties.co", "cryptokitties"),
    ("dfinity.org", "dfinity"),
    ("launchpad.ethereum.org", "ethereum"),
    ("etherscan.io", "etherscan"),
    ("fulcrum.trade", "fulcrum"),
    ("hederahashgraph.com", "hedera"),
    ("localcryptos.com", "localcryptos"),
    ("localethereum.com", "localethereum"),
    ("makerfoundation.com", "makerdao"),
    ("metamask.io", "metamask"),
    ("myetherwallet.com", "myetherwallet"),
    ("opensea.io", "opensea"),
    ("originprotocol.com", "originprotocol"),
];

/// The floor this test holds the detector to (measured: see
/// BENCHMARKS.md).
const RECALL_FLOOR: f64 = 0.98;

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The joined labels of a domain without its last label.
fn body(domain: &str) -> String {
    let labels: Vec<&str> = domain.split('.').collect();
    labels[..labels.len().saturating_sub(1)].concat().replace('-', "")
}

#[test]
fn eth_phishing_blacklist_recall() {
    let path = common::shared_data().join("brands/eth-phishing-detect-config.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}: the graded tests need ../shared/data", path.display())
    });
    let config: serde_json::Value = serde_json::from_str(&text).unwrap();
    let blacklist: Vec<&str> =
        config["blacklist"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    let tolerance = config["tolerance"].as_u64().unwrap_or(2) as usize;
    let targets: Vec<(String, &str, &str)> =
        TARGETS.iter().map(|(d, id)| (body(d), *d, *id)).collect();

    let detector = Detector::new(&Catalogue::shipped());
    let mut per_target: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    for entry in &blacklist {
        let entry_body = body(entry);
        let Some((_, domain, id)) = targets.iter().find(|(t, _, _)| {
            entry_body.contains(t.as_str()) || levenshtein(&entry_body, t) <= tolerance
        }) else {
            continue;
        };
        let found = detector.detect_str(entry).unwrap_or_default();
        let hit = found.iter().any(|m| m.brand == *id);
        let slot = per_target.entry(domain).or_default();
        slot.0 += 1;
        slot.1 += usize::from(hit);
        if !hit {
            missed.push(*entry);
        }
    }

    let (total, hits) = per_target.values().fold((0, 0), |(t, h), (a, b)| (t + a, h + b));
    for (domain, (t, h)) in &per_target {
        println!("  {domain:24} {h:5} of {t:5}");
    }
    println!("missed, a sample: {:?}", &missed[..missed.len().min(30)]);
    let recall = hits as f64 / total as f64;
    println!(
        "eth-phishing-detect blacklist: {hits} of {total} entries aimed at listed targets \
         attributed to them (recall {:.1}%, floor {:.0}%)",
        recall * 100.0,
        RECALL_FLOOR * 100.0
    );
    let any = blacklist.iter().filter(|e| !detector.detect_str(e).unwrap_or_default().is_empty());
    println!(
        "(for scale: {} of all {} blacklist entries, whatever their target, name some catalogue brand)",
        any.count(),
        blacklist.len()
    );
    assert!(total > 1000, "only {total} entries aimed at the targets");
    assert!(recall >= RECALL_FLOOR, "recall {recall:.3}");
}
