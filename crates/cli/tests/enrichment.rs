//! Passive DNS and IP-to-ASN tables through the binary: the real Zeek
//! log and ASN table, COF round trips, the network views and bad input.

mod common;

use std::io::Write;

use common::{Env, shared_data};
use serde_json::Value;

fn zeek(name: &str) -> String {
    shared_data().join("zeek").join(name).to_str().unwrap().to_owned()
}

fn write(env: &Env, name: &str, text: &str) -> String {
    let path = env.path(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `nshunt export cof` output, for comparing stores.
fn export(env: &Env) -> String {
    env.ok(&["export", "cof"])
}

#[test]
fn zeek_tsv_and_json_give_the_same_observations() {
    let (tsv, json) = (Env::new(), Env::new());

    let a = tsv.json(&["ingest", "pdns", &zeek("dns.log.gz")]);
    let b = json.json(&["ingest", "pdns", &zeek("dns.json.gz")]);

    assert_eq!(a["files"][0]["format"], "zeek", "{a}");
    assert_eq!(b["files"][0]["format"], "zeek-json", "{b}");
    assert_eq!(a["files"][0]["answers"], b["files"][0]["answers"]);
    let exported = export(&tsv);
    assert!(exported.lines().count() > 10_000, "{} lines", exported.lines().count());
    assert_eq!(exported, export(&json), "the two formats must store the same observations");
}

#[test]
fn zeek_names_show_addresses_ttls_and_as_holders_from_the_real_table() {
    let env = Env::new();
    env.ok(&["ingest", "pdns", &zeek("dns.log.gz")]);
    let asn = shared_data().join("asn");
    let tables = [asn.join("asn-ipv4.csv"), asn.join("asn-ipv6.csv")];
    let tables: Vec<&str> = tables.iter().map(|p| p.to_str().unwrap()).collect();
    let ingested = env.json(&[&["ingest", "asn"][..], &tables].concat());
    assert_eq!(ingested["files"][0]["source"], "asn-ipv4", "{ingested}");

    let view = env.json(&["domain", "www.google.com"]);

    // The log's newest sighting is the default moment, not the day the
    // table was loaded.
    assert_eq!(view["as_of"], "2018-03-24T17:36:29Z", "{view}");
    let address = view["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["ip"] == "172.217.11.68")
        .unwrap_or_else(|| panic!("{view}"));
    assert_eq!(address["asn"]["asn"], 15169);
    assert_eq!(address["asn"]["holder"], "Google LLC");
    assert_eq!(address["subnet"], "172.217.11.0/24");
    assert_eq!(address["ttl_max"], 299, "child-side TTLs from the answers");
    assert_eq!(address["ptr"][0]["name"], "lax17s34-in-f4.1e100.net");

    let text = env.ok(&["domain", "www.google.com"]);
    assert!(text.contains("AS15169") && text.contains("Google LLC"), "{text}");

    let ip = env.json(&["ip", "172.217.11.68"]);
    assert_eq!(ip["names"][0]["name"], "www.google.com", "{ip}");
    let asn = env.json(&["asn", "AS15169"]);
    assert_eq!(asn["holder"], "Google LLC", "{asn}");
    // Names with IPv4 and IPv6 addresses count once over both tables.
    assert_eq!(asn["tables"], serde_json::json!(["asn-ipv6", "asn-ipv4"]), "{asn}");
    let names = asn["name_count"].as_u64().unwrap();
    assert!((60..100).contains(&names), "{asn}");
}

const COF: &str = r#"{"rrname":"shop.example","rrtype":"A","rdata":"192.0.2.10","time_first":1700000000,"time_last":1700000500,"count":3,"ttl":300}
{"rrname":"shop.example","rrtype":"NS","rdata":["ns1.hoster.example.","ns2.hoster.example"],"time_first":1700000000,"time_last":1700000000,"count":1}
{"rrname":"10.2.0.192.in-addr.arpa","rrtype":"PTR","rdata":"192-0-2-10.static.hoster.example","time_first":1700000000,"time_last":1700000000,"count":1,"ttl":3600}
{"rrname":"blog.example","rrtype":"A","rdata":"192.0.2.11","time_first":1700000100,"time_last":1700000100,"count":1}
"#;

const TABLE: &str = "192.0.2.0,192.0.2.255,64500,Hoster One\n\
                     198.51.100.0,198.51.100.255,64501,Hoster Two\n";

#[test]
fn cof_round_trips_and_sightings_merge() {
    let env = Env::new();
    let file = write(&env, "a.jsonl", COF);
    env.ok(&["ingest", "pdns", &file]);
    let exported = export(&env);
    assert_eq!(exported.lines().count(), 5, "{exported}");

    // What was exported reads back into the same observations.
    let again = Env::new();
    let file = write(&again, "b.jsonl", &exported);
    again.ok(&["ingest", "pdns", &file]);
    assert_eq!(export(&again), exported);

    // The same record later: first/last seen widen, counts add up.
    let later = r#"{"rrname":"shop.example","rrtype":"A","rdata":"192.0.2.10","time_first":1700009000,"time_last":1700009999,"count":2,"ttl":300}"#;
    let file = write(&env, "later.jsonl", later);
    env.ok(&["ingest", "pdns", &file]);
    let row: Value = export(&env)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["rrname"] == "shop.example" && r["rrtype"] == "A")
        .unwrap();
    assert_eq!(
        (row["time_first"].as_i64(), row["time_last"].as_i64()),
        (Some(1700000000), Some(1700009999))
    );
    assert_eq!(row["count"], 5);
}

#[test]
fn network_views_and_ptr_patterns() {
    let env = Env::new();
    env.ok(&["ingest", "pdns", &write(&env, "p.jsonl", COF)]);
    env.ok(&["ingest", "asn", "--source", "test", &write(&env, "t.csv", TABLE)]);

    let view = env.json(&["domain", "shop.example"]);
    let address = &view["addresses"][0];
    assert_eq!(address["asn"]["holder"], "Hoster One", "{view}");
    assert_eq!(address["ptr"][0]["pattern"], "*.static.hoster.example", "{view}");
    assert_eq!(
        view["nameservers"],
        serde_json::json!(["ns1.hoster.example", "ns2.hoster.example"])
    );

    // The PTR pattern pivots back to the addresses and their names.
    for given in ["*.static.hoster.example", "192-0-2-99.static.hoster.example"] {
        let ptr = env.json(&["ptr", given]);
        assert_eq!(ptr["pattern"], "*.static.hoster.example", "{ptr}");
        assert_eq!(ptr["addresses"][0]["ip"], "192.0.2.10", "{ptr}");
        assert_eq!(ptr["addresses"][0]["names"], serde_json::json!(["shop.example"]));
    }
    // A pattern missing the stored prefix finds the stored ones it ends.
    let ptr = env.json(&["ptr", "*.hoster.example"]);
    assert_eq!(ptr["patterns"], serde_json::json!(["*.static.hoster.example"]), "{ptr}");
    assert_eq!(ptr["address_count"], 1);
    assert_eq!(env.run(&["ptr", "mail.example.com"]).status.code(), Some(2));

    let subnet = env.json(&["subnet", "192.0.2.77/24"]);
    assert_eq!(subnet["cidr"], "192.0.2.0/24");
    assert_eq!(
        (subnet["name_count"].as_u64(), subnet["address_count"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(subnet["hosted"][0]["sources"], serde_json::json!(["pdns"]));
    let asn = env.json(&["asn", "64500"]);
    assert_eq!(asn["name_count"], 2, "{asn}");
    let empty = env.json(&["asn", "64501"]);
    assert_eq!(empty["name_count"], 0, "{empty}");

    let unknown = env.run(&["asn", "64999"]);
    assert_eq!(unknown.status.code(), Some(2));
    for bad in [["subnet", "192.0.2.0/33"], ["ip", "192.0.2.300"], ["asn", "ASx"]] {
        let out = env.run(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(!out.stderr.is_empty(), "{bad:?}");
    }
}

/// A subdomain and a public suffix beside [`COF`]'s names.
const MORE: &str = r#"{"rrname":"www.shop.example","rrtype":"A","rdata":"192.0.2.10","time_first":1700000000,"time_last":1700000500,"count":1,"ttl":300}
{"rrname":"co.uk","rrtype":"A","rdata":"192.0.2.12","time_first":1700000000,"time_last":1700000500,"count":1,"ttl":300}
"#;

#[test]
fn hosted_names_show_their_registered_domains_risk_and_state() {
    let env = Env::new();
    env.ok(&["ingest", "pdns", &write(&env, "p.jsonl", &format!("{COF}{MORE}"))]);
    env.ok(&["ingest", "asn", "--source", "test", &write(&env, "t.csv", TABLE)]);
    let shop = env.json(&["domain", "shop.example"])["risk"].clone();
    assert_eq!(shop["lifecycle"], "active", "{shop}");
    let scored = |name: &str, domain: &str| {
        serde_json::json!({
            "name": name, "domain": domain, "risk": shop["risk"], "state": "active",
        })
    };
    let unscored =
        serde_json::json!({"name": "co.uk", "domain": null, "risk": null, "state": null});
    let fields = |h: &Value| {
        serde_json::json!({
            "name": h["name"], "domain": h["domain"], "risk": h["risk"], "state": h["state"],
        })
    };

    // The subdomain gets its registered domain's score; a suffix none.
    let ip = env.json(&["ip", "192.0.2.10"]);
    let names: Vec<Value> = ip["names"].as_array().unwrap().iter().map(fields).collect();
    assert_eq!(
        names,
        [scored("shop.example", "shop.example"), scored("www.shop.example", "shop.example")]
    );
    assert_eq!(ip["names"][0]["sources"], serde_json::json!(["pdns"]), "older fields stay");
    let subnet = env.json(&["subnet", "192.0.2.0/24"]);
    let hosted: Vec<Value> = subnet["hosted"].as_array().unwrap().iter().map(fields).collect();
    assert_eq!(hosted.len(), 4, "{subnet}");
    assert!(hosted.contains(&unscored) && hosted.contains(&scored("shop.example", "shop.example")));
    let asn = env.json(&["asn", "64500"]);
    assert_eq!(asn["hosted"], subnet["hosted"], "the same rows through the AS");
    let ptr = env.json(&["ptr", "*.static.hoster.example"]);
    let address = &ptr["addresses"][0];
    assert_eq!(address["names"], serde_json::json!(["shop.example", "www.shop.example"]));
    assert_eq!(
        address["scores"],
        serde_json::json!([
            scored("shop.example", "shop.example"),
            scored("www.shop.example", "shop.example")
        ])
    );

    // Text: risk and state columns, and beside each name of a pattern.
    let risk = format!("{:.1}", shop["risk"].as_f64().unwrap());
    for view in [["subnet", "192.0.2.0/24"], ["asn", "64500"], ["ip", "192.0.2.10"]] {
        let text = env.ok(&view);
        assert_eq!(risk_and_state(&text, "www.shop.example"), [risk.as_str(), "active"], "{text}");
        if view[0] != "ip" {
            assert_eq!(risk_and_state(&text, "co.uk"), ["-", "-"], "{text}");
        }
    }
    let text = env.ok(&["ptr", "*.static.hoster.example"]);
    let shown = format!("shop.example ({risk} active) www.shop.example ({risk} active)");
    assert!(text.contains(&shown), "{text}");
}

/// The risk and state columns of a name's row in a hosted-names table.
fn risk_and_state<'t>(text: &'t str, name: &str) -> Vec<&'t str> {
    let row = text.lines().find(|l| l.split_whitespace().next() == Some(name));
    let columns: Vec<&str> =
        row.unwrap_or_else(|| panic!("no row for {name}")).split_whitespace().collect();
    columns[3..5].to_vec()
}

#[test]
fn hosted_names_of_an_unscored_store_have_no_risk() {
    let env = Env::new();
    env.ok(&["--no-score", "ingest", "pdns", &write(&env, "p.jsonl", COF)]);
    let ip = env.json(&["ip", "192.0.2.10"]);
    let name = &ip["names"][0];
    assert_eq!(
        (&name["domain"], &name["risk"], &name["state"]),
        (&"shop.example".into(), &Value::Null, &Value::Null),
        "{ip}"
    );
    let ptr = env.json(&["ptr", "*.static.hoster.example"]);
    assert_eq!(ptr["addresses"][0]["scores"][0]["risk"], Value::Null, "{ptr}");
}

#[test]
fn child_side_ttls_fill_ns_avg_ttl() {
    let env = Env::new();
    let zone = "example. 86400 IN SOA ns.example. h.example. 2024010100 1 1 1 1\n\
                shop.example. 172800 IN NS ns1.hoster.example.\n\
                blog.example. 172800 IN NS ns1.hoster.example.\n";
    env.ok(&["ingest", "zone", "--date", "2023-11-14", &write(&env, "example.zone", zone)]);
    env.ok(&["ingest", "pdns", &write(&env, "p.jsonl", COF)]);

    let view = env.json(&["domain", "shop.example", "--as-of", "2023-11-15"]);
    let info = &view["nsdomaininfo"][0];
    assert_eq!(info["ns_domain"], "hoster.example", "{view}");
    assert_eq!(info["num_domains"], 2);
    // shop.example has a TTL of 300; blog.example's answer had none.
    assert_eq!(info["ns_avg_ttl"], 300.0, "{view}");
    assert_eq!(info["delegation_avg_ttl"], 172800.0);
}

#[test]
fn bad_passive_dns_is_reported_skipped_or_refused_and_loses_nothing() {
    let env = Env::new();
    env.ok(&["ingest", "pdns", &write(&env, "good.jsonl", COF)]);
    let before = export(&env);

    let bad = format!(
        "{COF}{{\"rrname\":\"cut.example\",\"rrtype\":\"A\",\"rda\n{{\"rrname\":\"x.example\",\"rrtype\":\"A\",\"rdata\":\"999.1.1.1\",\"time_first\":1,\"time_last\":1,\"count\":1}}\n"
    );
    let file = write(&env, "bad.jsonl", &bad.replace("shop", "other"));

    let strict = env.run(&["ingest", "pdns", "--strict", &file]);
    assert_eq!(strict.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(stderr.contains("bad.jsonl:5"), "file and line: {stderr}");
    assert_eq!(export(&env), before, "a refused batch stores nothing");

    let lenient = env.run(&["ingest", "pdns", "--format", "json", &file]);
    assert_eq!(lenient.status.code(), Some(0));
    let outcome: Value = serde_json::from_slice(&lenient.stdout).unwrap();
    assert_eq!(outcome["files"][0]["skipped"], 2, "{outcome}");
    assert_eq!(outcome["files"][0]["unrepresentable"], 0, "{outcome}");
    assert!(String::from_utf8_lossy(&lenient.stderr).contains("bad.jsonl:6"));

    // A gzip stream cut short is unusable: exit 2, nothing stored.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(COF.replace("shop", "cut").repeat(50).as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let path = env.path("cut.jsonl.gz");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let snapshot = export(&env);
    let cut = env.run(&["ingest", "pdns", "--input-format", "cof", path.to_str().unwrap()]);
    assert_eq!(cut.status.code(), Some(2), "{}", String::from_utf8_lossy(&cut.stderr));
    assert_eq!(export(&env), snapshot);
}

#[test]
fn bad_asn_tables_are_reported_with_file_and_line() {
    let env = Env::new();
    let text = "192.0.2.0,192.0.2.255,64500,Hoster One\n\
                192.0.3.0,192.0.3.255\n\
                not-an-ip,192.0.4.255,64502,X\n\
                198.51.100.0,198.51.100.255,64501,Hoster Two\n";
    let file = write(&env, "bad.csv", text);

    let strict = env.run(&["ingest", "asn", "--strict", &file]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("bad.csv:2"));
    assert_eq!(env.json(&["store", "info"])["batches"].as_array().unwrap().len(), 0);

    let outcome = env.json(&["ingest", "asn", &file]);
    assert_eq!(
        (outcome["files"][0]["rows"].as_u64(), outcome["files"][0]["skipped"].as_u64()),
        (Some(2), Some(2))
    );
    let ip = env.json(&["ip", "198.51.100.7"]);
    assert_eq!(ip["asn"]["asn"], 64501, "{ip}");
}

#[test]
fn the_domain_view_shows_registration_and_labels() {
    let env = Env::new();
    env.ok(&["ingest", "pdns", &write(&env, "p.jsonl", COF)]);
    env.ok(&["ingest", "asn", "--source", "test", &write(&env, "t.csv", TABLE)]);
    let whois = "Domain Name: SHOP.EXAMPLE\nRegistrar: Example Registrar, Inc.\n\
                 Registrar IANA ID: 9999\nCreation Date: 2023-11-01T00:00:00Z\n\
                 Registry Expiry Date: 2024-11-01T00:00:00Z\n\
                 Registrant Organization: Privacy Protect, LLC\nRegistrant Country: US\n";
    env.ok(&["ingest", "whois", "--date", "2023-11-14", &write(&env, "shop.example.txt", whois)]);
    let list = "shop.example\n192.0.2.0/24\nnotshop.example\n";
    let labels = write(&env, "list.txt", list);
    env.ok(&[
        "ingest",
        "labels",
        "--source",
        "mylist",
        "--input-format",
        "list",
        "--date",
        "2023-11-16",
        &labels,
    ]);

    let view = env.json(&["domain", "shop.example", "--as-of", "2023-11-17"]);

    let registration = &view["registration"];
    assert_eq!(registration["registrar"], "Example Registrar, Inc.", "{view}");
    assert_eq!(registration["created"], "2023-11-01T00:00:00Z");
    assert_eq!(registration["privacy"], true);
    let labels: Vec<&str> =
        view["labels"].as_array().unwrap().iter().map(|l| l["value"].as_str().unwrap()).collect();
    assert_eq!(labels.len(), 2, "the name and its address's network, not a look-alike: {view}");
    assert!(labels.contains(&"shop.example") && labels.contains(&"192.0.2.0/24"), "{view}");

    // Before the list's only batch, its labels still answer, flagged.
    let before = env.json(&["domain", "shop.example", "--as-of", "2023-11-15"]);
    let flags: Vec<&Value> =
        before["labels"].as_array().unwrap().iter().map(|l| &l["after_as_of"]).collect();
    assert_eq!(flags, [&Value::Bool(true), &Value::Bool(true)], "{before}");

    let text = env.ok(&["domain", "shop.example", "--as-of", "2023-11-17"]);
    assert!(text.contains("Example Registrar, Inc.") && text.contains("mylist"), "{text}");
}

/// The (name, type, data, TTL) keys of COF lines.
fn keys(cof: &str) -> std::collections::BTreeSet<String> {
    cof.lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            format!("{} {} {} {}", v["rrname"], v["rrtype"], v["rdata"], v["ttl"])
        })
        .collect()
}

#[test]
fn every_passive_dns_layout_stores_what_its_reader_yields() {
    let cases =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/data/pdns/cases");
    let layouts = [
        ("eve-v1.eve.json", "eve"),
        ("eve-v2-detailed.eve.json", "eve"),
        ("eve-v2-grouped.eve.json", "eve"),
        ("eve-v3.eve.json", "eve"),
        ("cof-basic.cof.jsonl", "cof"),
        ("wrccdc-sample.zeek.log", "zeek"),
        ("wrccdc-sample.zeek.json", "zeek-json"),
    ];

    for (file, format) in layouts {
        let env = Env::new();
        let path = cases.join(file);
        let outcome = env.json(&["ingest", "pdns", path.to_str().unwrap()]);
        assert_eq!(outcome["files"][0]["format"], format, "{file}: {outcome}");

        let expected = std::fs::read_to_string(cases.join(format!("{file}.expected"))).unwrap();
        assert!(!keys(&expected).is_empty(), "{file}: no expected observations");
        assert_eq!(keys(&export(&env)), keys(&expected), "{file}");
    }
}

#[test]
fn times_outside_1970_to_9999_are_bad_records_and_empty_inputs_store_nothing() {
    let env = Env::new();
    let lines = [
        r#"{"rrname":"a.example","rrtype":"A","rdata":"192.0.2.1","time_first":"-9223372036854775808.5","time_last":1700000000}"#,
        r#"{"rrname":"b.example","rrtype":"A","rdata":"192.0.2.2","time_first":0,"time_last":9223372036854775807}"#,
        r#"{"rrname":"c.example","rrtype":"A","rdata":"192.0.2.3","time_first":1700000001,"time_last":1700000000}"#,
        r#"{"rrname":"d.example","rrtype":"A","rdata":"192.0.2.4","time_first_ms":1700000000999,"time_last":1700000001}"#,
    ];
    let file = write(&env, "t.jsonl", &(lines.join("\n") + "\n"));

    let outcome = env.json(&["ingest", "pdns", &file]);
    assert_eq!(outcome["files"][0]["skipped"], 3, "{outcome}");
    assert_eq!(outcome["files"][0]["observed_at"], "2023-11-14T22:13:21Z", "{outcome}");
    let exported = export(&env);
    assert!(exported.contains("d.example") && exported.lines().count() == 1, "{exported}");

    // A file with nothing to store records nothing (no batch whose
    // moment would move every view's default --as-of).
    let empty = write(&env, "empty.jsonl", "");
    let outcome = env.json(&["ingest", "pdns", "--input-format", "cof", &empty]);
    assert_eq!(outcome["files"][0]["status"], "empty", "{outcome}");
    assert_eq!(env.json(&["store", "info"])["batches"].as_array().unwrap().len(), 1);

    // An ASN table without rows would hide the source's older table.
    let table = write(&env, "t.csv", TABLE);
    env.ok(&["ingest", "asn", "--source", "t", "--date", "2023-01-01", &table]);
    let none = write(&env, "none.csv", "# only a comment\n\n");
    let refused = env.run(&["ingest", "asn", "--source", "t", "--date", "2023-06-01", &none]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(env.json(&["ip", "192.0.2.1"])["asn"]["asn"], 64500);
}

#[test]
fn ipv6_data_never_answers_for_ipv4() {
    let env = Env::new();
    env.ok(&["ingest", "pdns", &write(&env, "p.jsonl", COF)]);
    let table = "0.0.0.0,255.255.255.255,600,Everything4\n\
                 ::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,700,Everything6\n\
                 ::ffff:5.0.0.0,::ffff:5.0.0.255,500,Mapped\n";
    env.ok(&["ingest", "asn", &write(&env, "mixed.csv", table)]);

    assert_eq!(env.json(&["ip", "192.0.2.10"])["asn"]["asn"], 600);
    assert_eq!(env.json(&["ip", "::ffff:192.0.2.10"])["ip"], "192.0.2.10");
    assert_eq!(env.json(&["ip", "2001:db8::1"])["asn"]["asn"], 700);
    let v6 = env.json(&["subnet", "::/0"]);
    assert_eq!(v6["name_count"], 0, "IPv4 names are not in ::/0: {v6}");
    let mapped = env.json(&["subnet", "::ffff:192.0.2.0/120"]);
    assert_eq!(
        (mapped["cidr"].as_str(), mapped["name_count"].as_u64()),
        (Some("192.0.2.0/24"), Some(2))
    );

    let bad_source =
        env.run(&["ingest", "asn", "--source", "a\u{1b}[31m", &write(&env, "x.csv", TABLE)]);
    assert_eq!(bad_source.status.code(), Some(2));
}

#[test]
fn addresses_follow_cnames_and_unknown_names_say_why() {
    let env = Env::new();
    let cof = r#"{"rrname":"www.shop.example","rrtype":"CNAME","rdata":"edge.cdn.example","time_first":1700000000,"time_last":1700000000,"count":1,"ttl":60}
{"rrname":"edge.cdn.example","rrtype":"CNAME","rdata":"edge2.cdn.example","time_first":1700000000,"time_last":1700000000,"count":1,"ttl":60}
{"rrname":"edge2.cdn.example","rrtype":"CNAME","rdata":"edge.cdn.example","time_first":1700000000,"time_last":1700000000,"count":1,"ttl":60}
{"rrname":"edge2.cdn.example","rrtype":"A","rdata":"198.51.100.9","time_first":1700000000,"time_last":1700000000,"count":1,"ttl":20}
"#;
    env.ok(&["ingest", "pdns", &write(&env, "c.jsonl", cof)]);

    // Through two CNAMEs (and a loop back), to the address and its owner.
    let view = env.json(&["domain", "www.shop.example"]);
    assert_eq!(view["addresses"][0]["ip"], "198.51.100.9", "{view}");
    assert_eq!(view["addresses"][0]["via"], "edge2.cdn.example", "{view}");

    let never = env.run(&["domain", "never.example"]);
    assert_eq!(never.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&never.stderr).contains("not in the store"));
    let early = env.run(&["domain", "www.shop.example", "--as-of", "2023-01-01"]);
    assert!(String::from_utf8_lossy(&early.stderr).contains("is first seen 2023-11-14"));

    // Long after the sighting, the view says why it shows nothing.
    let late = env.ok(&["domain", "www.shop.example", "--as-of", "2024-06-01"]);
    assert!(late.contains("nothing current"), "{late}");

    // A name known from its registration only has a view.
    let whois = "Domain Name: ONLYWHOIS.EXAMPLE\nRegistrar: Example Registrar, Inc.\n\
                 Creation Date: 2023-11-01T00:00:00Z\n";
    env.ok(&["ingest", "whois", "--date", "2023-11-14", &write(&env, "onlywhois.example", whois)]);
    let view = env.json(&["domain", "onlywhois.example"]);
    assert_eq!(view["registration"]["registrar"], "Example Registrar, Inc.", "{view}");
    assert_eq!(view["first_seen"], serde_json::Value::Null);
}

/// Text from input files never reaches the terminal as control
/// characters: a registrar written with an escape sequence is shown
/// escaped, in text and in JSON.
#[test]
fn control_characters_from_input_are_escaped_on_output() {
    let env = Env::new();
    let whois = "Domain Name: ESC.EXAMPLE\nRegistrar: Bad\u{1b}[31mRegistrar\u{9b}2J\n\
                 Creation Date: 2023-11-01T00:00:00Z\n";
    env.ok(&["ingest", "whois", "--date", "2023-11-14", &write(&env, "esc.example", whois)]);
    let text = env.ok(&["domain", "esc.example"]);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{9b}'), "{text:?}");
    assert!(text.contains("Bad\\u001b[31mRegistrar\\u009b2J"), "{text}");
    let view = env.json(&["domain", "esc.example"]);
    assert_eq!(view["registration"]["registrar"], "Bad\u{1b}[31mRegistrar\u{9b}2J", "{view}");
}

/// A registered domain seen only through names under it is scored, and
/// its view says where to look instead of "not in the store".
#[test]
fn a_domain_known_only_through_its_names_says_so() {
    let env = Env::new();
    let line = r#"{"rrname":"download.underonly.example","rrtype":"A","rdata":"192.0.2.7","ttl":60,"time_first":1700000000,"time_last":1700000000,"count":1}"#;
    env.ok(&["-q", "ingest", "pdns", &write(&env, "under.jsonl", &format!("{line}\n"))]);
    let output = env.run(&["domain", "underonly.example"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("names under it do"), "{stderr}");
}
