//! The store views on real data: ingest, re-ingest, as-of, the domain
//! and name-server views and their formats.

mod common;

use common::{Env, examples, lookalike_zone};

fn root(date: &str) -> String {
    examples().join(format!("root.zone.{date}")).to_str().unwrap().to_owned()
}

#[test]
fn reingesting_the_same_file_changes_nothing() {
    let env = Env::new();
    let file = root("2020-09-13");
    let first = env.json(&["ingest", "zone", &file]);
    assert_eq!(first["files"][0]["status"], "ingested", "{first}");
    let info = env.json(&["store", "info"]);

    let again = env.json(&["ingest", "zone", &file]);
    assert_eq!(again["files"][0]["status"], "duplicate", "{again}");
    assert_eq!(env.json(&["store", "info"])["observations"], info["observations"]);
}

#[test]
fn root_snapshots_give_history_and_as_of_views() {
    let env = Env::new();
    env.ok(&["ingest", "zone", &root("2018-03-12"), &root("2019-11-02"), &root("2020-09-13")]);

    // Dates come from the SOA serial or the file name.
    let info = env.json(&["store", "info"]);
    let dates: Vec<&str> = info["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["observed_at"].as_str().unwrap())
        .collect();
    assert!(dates.contains(&"2018-03-12T00:00:00Z") && dates.contains(&"2020-09-13T00:00:00Z"));

    // `fr` has been delegated to nic.fr hosts in every snapshot.
    let view = env.json(&["domain", "fr"]);
    assert_eq!(view["domain"], "fr");
    assert_eq!(view["first_seen"], "2018-03-12T00:00:00Z");
    assert_eq!(view["last_seen"], "2020-09-13T00:00:00Z");
    let infos = view["nsdomaininfo"].as_array().unwrap();
    let nic_fr = infos.iter().find(|i| i["ns_domain"] == "nic.fr").unwrap();
    assert!(nic_fr["num_domains"].as_u64().unwrap() > 1);
    assert!(nic_fr["ns_avg_ttl"].is_null());
    assert!(nic_fr["ns_avg_ttl_reason"].as_str().unwrap().contains("child-side"));
    assert_eq!(nic_fr["delegation_avg_ttl"], 172800.0);

    // Each snapshot's figures (from the reference script) as of its date.
    let count = |ns: &str, as_of: Option<&str>| {
        let mut args = vec!["nameserver", ns];
        args.extend(as_of.map(|d| ["--as-of", d]).into_iter().flatten());
        env.json(&args)["num_domains"].as_u64().unwrap()
    };
    assert_eq!(count("irondns.net", None), 30);
    assert_eq!(count("irondns.net", Some("2019-11-02")), 31);
    assert_eq!(count("afilias-nst.info", Some("2018-03-12")), 25);
    assert_eq!(count("afilias-nst.info", Some("2019-11-02")), 16);
    assert_eq!(count("afilias-nst.info", Some("2019-12-31")), 16);

    let then = env.json(&["nameserver", "nic.fr", "--as-of", "2019-11-02"]);
    assert_eq!(then["as_of"], "2019-11-02T00:00:00Z");
    // Nothing after the as-of moment shows.
    assert_eq!(then["last_seen"], "2019-11-02T00:00:00Z");
    assert_eq!(then["domains"][0]["last_seen"], "2019-11-02T00:00:00Z");
}

#[test]
fn lookalike_lines_ingest_and_show_their_name_servers() {
    let env = Env::new();
    let zone = lookalike_zone(&env);
    let summary = env.json(&[
        "ingest",
        "zone",
        "--origin",
        "com",
        "--date",
        "2021-06-01",
        zone.to_str().unwrap(),
    ]);
    assert_eq!(summary["files"][0]["records"], 80, "{summary}");
    assert_eq!(summary["files"][0]["skipped"], 0, "{summary}");

    let view = env.json(&["domain", "xn--microsoftonlne-hgc.com"]);
    assert_eq!(view["nameservers"][0], "ns1.guzelhosting.com", "{view}");
    let info = &view["nsdomaininfo"][0];
    assert_eq!(info["ns_domain"], "guzelhosting.com");
    assert_eq!(info["num_domains"], 3);

    // The Unicode form is accepted as the same domain.
    let unicode = env.json(&["domain", "microsoftonlıne.com"]);
    assert_eq!(unicode["domain"], "xn--microsoftonlne-hgc.com");

    let profile = env.json(&["nameserver", "ns1.guzelhosting.com"]);
    assert_eq!(profile["ns_domain"], "guzelhosting.com");
    assert_eq!(profile["num_domains"], 3);
}

#[test]
fn every_format_prints_the_same_view() {
    let env = Env::new();
    env.ok(&["ingest", "zone", &root("2020-09-13")]);

    let text = env.ok(&["nameserver", "nic.fr"]);
    assert!(text.contains("nic.fr") && text.contains("num_domains"), "{text}");
    let ndjson = env.ok(&["nameserver", "nic.fr", "--format", "ndjson"]);
    assert_eq!(ndjson.lines().count(), 1);
    let line: serde_json::Value = serde_json::from_str(&ndjson).unwrap();
    assert_eq!(line, env.json(&["nameserver", "nic.fr"]));
}

#[test]
fn unknown_names_and_empty_stores_are_clear_errors() {
    let env = Env::new();
    let output = env.run(&["domain", "example.com"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ingest"));

    env.ok(&["ingest", "zone", &root("2020-09-13")]);
    let output = env.run(&["domain", "no-such-tld-here"]);
    assert_eq!(output.status.code(), Some(2));
    let output = env.run(&["domain", "a..b"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("empty label"));
}
