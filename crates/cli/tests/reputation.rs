//! Reputation and risk through the binary: scoring after ingest, the
//! views' scores and history, analysts' verdicts, names scored from
//! the lists alone, and false positives on real benign domain lists.

mod common;

use common::{Env, shared_data};

/// A `.test` world: `crime-ns.test` carries ten fresh low-TTL
/// look-alike domains, four of them listed; `big-host.test` carries
/// sixty ordinary ones, one of them listed (a compromised site).
fn world(env: &Env) -> (String, String) {
    let mut zone = String::from("$ORIGIN test.\n$TTL 3600\n");
    for i in 0..10 {
        zone.push_str(&format!("crime{i} 3600 IN NS ns1.crime-ns.test.\n"));
        zone.push_str(&format!("crime{i} 3600 IN NS ns2.crime-ns.test.\n"));
    }
    for i in 0..60 {
        zone.push_str(&format!("shop{i} 3600 IN NS ns1.big-host.test.\n"));
    }
    let zone_path = env.path("test.zone");
    std::fs::write(&zone_path, zone).unwrap();

    let list = "crime0.test\ncrime1.test\ncrime2.test\ncrime3.test\nshop7.test\n";
    let list_path = env.path("feed.txt");
    std::fs::write(&list_path, list).unwrap();
    (zone_path.to_str().unwrap().to_owned(), list_path.to_str().unwrap().to_owned())
}

fn load(env: &Env) {
    let (zone, list) = world(env);
    env.ok(&["ingest", "zone", "--origin", "test", "--date", "2026-03-01", &zone]);
    env.ok(&["ingest", "labels", &list, "--source", "feed", "--date", "2026-02-01"]);
}

#[test]
fn every_ingest_rebuilds_the_scores_and_unlisted_neighbours_of_listed_domains_are_risky() {
    let env = Env::new();
    let (zone, list) = world(&env);
    let output = env.run(&["ingest", "zone", "--origin", "test", "--date", "2026-03-01", &zone]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("scores rebuilt: 70 domains"));
    env.ok(&["ingest", "labels", &list, "--source", "feed", "--date", "2026-02-01"]);

    let unlisted = env.json(&["domain", "crime9.test"]);
    let risk = &unlisted["risk"];
    assert!(risk["risk"].as_f64().unwrap() >= 50.0, "{risk}");
    assert_eq!(risk["top"], "ns_domain");
    let evidence = risk["evidence"].as_array().unwrap();
    let ns = evidence.iter().find(|e| e["entity"] == "crime-ns.test").unwrap();
    assert_eq!(ns["explain"]["listed"], 4);
    assert_eq!(ns["explain"]["domains"], 10);

    // Delegated, no address, never seen in traffic.
    assert_eq!(risk["lifecycle"], "waiting", "{risk}");
    assert!(risk["lifecycle_evidence"].as_str().unwrap().contains("delegated"));

    let ordinary = env.json(&["domain", "shop9.test"]);
    assert!(ordinary["risk"]["risk"].as_f64().unwrap() < 20.0, "{}", ordinary["risk"]);
    let listed = env.json(&["domain", "crime0.test"]);
    assert_eq!(listed["risk"]["top"], "listing");

    let summary = env.json(&["score"]);
    assert_eq!(summary["domains"], 70);
    // Five listed, six unlisted on the bad name server.
    assert_eq!(summary["flagged"], 11, "{summary}");
}

#[test]
fn the_entity_views_show_the_score_its_explanation_and_the_daily_history() {
    let env = Env::new();
    load(&env);
    env.ok(&["score", "--as-of", "2026-03-05"]);

    let view = env.json(&["nameserver", "crime-ns.test", "--history", "--as-of", "2026-03-05"]);
    let reputation = &view["reputation"];
    assert!(reputation["current"]["score"].as_f64().unwrap() >= 50.0, "{reputation}");
    let history = reputation["history"].as_array().unwrap();
    let days: Vec<&str> = history.iter().map(|p| p["day"].as_str().unwrap()).collect();
    assert_eq!(days, ["2026-03-01T00:00:00Z", "2026-03-05T00:00:00Z"]);

    // History stops at the moment asked for.
    let before = env.json(&["nameserver", "crime-ns.test", "--history"]);
    assert_eq!(before["reputation"]["history"].as_array().unwrap().len(), 1);

    let text =
        env.ok(&["reputation", "ns_domain", "crime-ns.test", "--history", "--as-of", "2026-03-05"]);
    assert!(text.contains("smoothed listed share"), "{text}");
    assert!(text.contains("2026-03-05"), "{text}");

    let big = env.json(&["reputation", "ns_domain", "big-host.test"]);
    assert_eq!(big["current"]["explain"]["listed"], 1);
    assert!(big["current"]["score"].as_f64().unwrap() < 20.0);

    let unknown = env.run(&["reputation", "planet", "x"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown kind"));
}

#[test]
fn verdicts_replace_each_other_and_drive_the_risk() {
    let env = Env::new();
    load(&env);

    let benign = env.json(&["verdict", "crime9.test", "--benign", "--note", "our own lab"]);
    assert_eq!(benign["verdict"], "benign");
    let view = env.json(&["domain", "crime9.test"]);
    assert_eq!(view["risk"]["risk"], 0.0);
    assert_eq!(view["risk"]["state"], "allowed");
    let labels = view["labels"].as_array().unwrap();
    assert!(labels.iter().any(|l| l["source"] == "analyst" && l["list"] == "allow"));

    let malicious = env.json(&["verdict", "crime9.test", "--malicious"]);
    assert_eq!(malicious["replaced"], true);
    let view = env.json(&["domain", "crime9.test"]);
    assert_eq!(view["risk"]["risk"], 100.0);
    assert_eq!(view["risk"]["top"], "listing");
    let labels = view["labels"].as_array().unwrap();
    assert!(!labels.iter().any(|l| l["source"] == "analyst" && l["list"] == "allow"));

    let neither = env.run(&["verdict", "crime9.test"]);
    assert_eq!(neither.status.code(), Some(2));
}

#[test]
fn no_score_skips_the_rebuild_and_names_outside_the_store_are_scored_from_the_lists() {
    let env = Env::new();
    let (zone, list) = world(&env);
    let output = env.run(&[
        "--no-score",
        "ingest",
        "zone",
        "--origin",
        "test",
        "--date",
        "2026-03-01",
        &zone,
    ]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("scores rebuilt"));
    env.ok(&["--no-score", "ingest", "labels", &list, "--source", "feed", "--date", "2026-02-01"]);
    let view = env.json(&["domain", "crime9.test"]);
    assert!(view["risk"].is_null());

    let names = env.path("names.txt");
    std::fs::write(&names, "www.crime1.test # a comment\nunknown-shop.test\nbad/name\n").unwrap();
    let result = env.json(&["risk", "--file", names.to_str().unwrap(), "crime9.test"]);
    let results = result["results"].as_array().unwrap();
    let find = |n: &str| results.iter().find(|r| r["name"] == n).unwrap();
    assert_eq!(find("www.crime1.test")["domain"], "crime1.test");
    assert_eq!(find("www.crime1.test")["top"], "listing");
    assert_eq!(find("unknown-shop.test")["in_store"], false);
    assert!(find("crime9.test")["risk"].as_f64().unwrap() >= 50.0);
    assert_eq!(result["skipped"], 1);

    let strict = env.run(&["risk", "--strict", "--file", names.to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(2));
}

/// The real benign lists (not the malware or DGA lists of the same
/// folder), scored with the real ASN table and the real maltrail
/// labels: at most 1% flagged at the default threshold.
#[test]
fn real_benign_domain_lists_are_rarely_flagged() {
    let env = Env::new();
    let data = shared_data();
    let asn = data.join("asn/asn-ipv4.csv");
    let maltrail = data.join("maltrail");
    env.ok(&["--no-score", "-q", "ingest", "asn", "--source", "dbip", asn.to_str().unwrap()]);
    let labels = ["--no-score", "-q", "ingest", "labels", maltrail.to_str().unwrap()];
    env.ok(&[&labels[..], &["--source", "maltrail"]].concat());

    let lists = [
        "adstxt-alexa-domains.txt",
        "co-domain-records.txt.xz",
        "com-domain-names.txt.xz",
        "comdotbr-domain-names.txt.xz",
        "edu-domain-names.txt",
        "eu-domain-names.txt.xz",
        "fr-domain-names.txt.xz",
        "gov-domain-names.txt",
        "net-domain-names.txt",
        "org-domain-names.txt",
        "uk-domain-names.txt.xz",
        "upenn-domain-records.txt.xz",
    ];
    let mut args = vec!["-q".to_owned(), "risk".to_owned()];
    for list in lists {
        args.push("--file".to_owned());
        args.push(data.join("domains").join(list).to_str().unwrap().to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = env.json(&args);

    let names = result["names"].as_u64().unwrap();
    let flagged = result["flagged"].as_u64().unwrap();
    let share = flagged as f64 / names as f64;
    println!(
        "real benign lists: {flagged} of {names} names flagged at risk >= 50 ({:.3}%)",
        100.0 * share
    );
    let mut by_top = std::collections::BTreeMap::<String, u64>::new();
    for r in result["results"].as_array().unwrap() {
        if r["risk"].as_f64().unwrap() >= 50.0 {
            *by_top.entry(r["top"].as_str().unwrap().to_owned()).or_default() += 1;
        }
    }
    println!("flagged by component: {by_top:?}");
    assert!(names > 1_000_000, "{names} names read");
    assert!(share <= 0.01, "{:.3}% flagged", 100.0 * share);
}

/// Labels on whole public suffixes list nothing, an earlier moment does
/// not replace newer risks, analysts' source is reserved and verdicts
/// take domain names only.
#[test]
fn hostile_labels_and_verdicts_change_nothing_they_should_not() {
    let env = Env::new();
    load(&env);
    let before = env.json(&["domain", "shop9.test"])["risk"]["risk"].as_f64().unwrap();

    let suffixes = env.path("suffixes.txt");
    std::fs::write(&suffixes, ".test\n*.test\ntest\nco.uk\n").unwrap();
    let suffixes = suffixes.to_str().unwrap();
    env.ok(&["ingest", "labels", suffixes, "--source", "wide", "--date", "2026-02-02"]);
    env.ok(&[
        "ingest",
        "labels",
        suffixes,
        "--source",
        "wide-allow",
        "--list",
        "allow",
        "--date",
        "2026-02-02",
    ]);
    let after = env.json(&["domain", "shop9.test"])["risk"].clone();
    assert_eq!(after["risk"].as_f64().unwrap(), before, "{after}");
    assert_ne!(after["top"], "allowed");
    let crime = env.json(&["domain", "crime9.test"]);
    assert!(crime["risk"]["risk"].as_f64().unwrap() >= 50.0, "not allowed by a TLD-wide entry");

    let earlier = env.json(&["score", "--as-of", "2026-03-01T00:00:00Z"]);
    assert_eq!(earlier["domains_written"], true);
    env.ok(&["score", "--as-of", "2026-03-10"]);
    let old = env.json(&["score", "--as-of", "2026-03-02"]);
    assert_eq!(old["domains_written"], false, "{old}");
    let kept = env.json(&["domain", "shop9.test", "--as-of", "2026-03-10"]);
    assert_eq!(kept["risk"]["day"], "2026-03-10T00:00:00Z");
    // Another moment than the stored run's is scored for the view.
    let other = env.json(&["domain", "shop9.test", "--as-of", "2026-03-05"]);
    assert_eq!(other["risk"]["day"], "2026-03-05T00:00:00Z");

    let list = env.path("mine.txt");
    std::fs::write(&list, "shop1.test\n").unwrap();
    let reserved = env.run(&["ingest", "labels", list.to_str().unwrap(), "--source", "analyst"]);
    assert_eq!(reserved.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&reserved.stderr).contains("reserved"));

    for bad in [".", "test", "co.uk", "192.0.2.1", "http://evil.test/x", "*.evil.test"] {
        let out = env.run(&["verdict", bad, "--malicious"]);
        assert_eq!(out.status.code(), Some(2), "verdict {bad:?} must be refused");
    }
    let sub = env.run(&["verdict", "www.crime8.test", "--benign"]);
    assert!(String::from_utf8_lossy(&sub.stderr).contains("stored for crime8.test"));
}
