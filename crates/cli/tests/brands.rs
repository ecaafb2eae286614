//! `nshunt brands`: output formats, filters, the user catalogue and
//! exit codes.

mod common;

use common::Env;

#[test]
fn text_names_the_brand_and_why() {
    let env = Env::new();
    let out = env.ok(&["brands", "paypal-secure-login.com", "www.paypal.com", "example.org"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("name "), "{out}");
    assert_eq!(lines.len(), 2, "only the flagged name is shown: {out}");
    assert!(lines[1].contains("paypal") && lines[1].contains("combosquat"), "{out}");
    assert!(lines[1].contains("secure, login"), "{out}");
}

#[test]
fn json_fields_are_stable() {
    let env = Env::new();
    let out = env.ok(&["brands", "--format", "json", "xn--80aa0cbo65f.com", "paypl.com"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["summary"]["read"], 2);
    assert_eq!(doc["summary"]["flagged"], 2);
    let first = &doc["names"][0];
    assert_eq!(first["name"], "xn--80aa0cbo65f.com");
    assert_eq!(first["unicode"], "раураӏ.com");
    let m = &first["matches"][0];
    for field in [
        "brand",
        "brand_name",
        "category",
        "kind",
        "operation",
        "label",
        "matched",
        "keyword",
        "distance",
        "why",
    ] {
        assert!(m.get(field).is_some(), "no {field} in {m}");
    }
    assert_eq!(m["kind"], "idn");
    assert_eq!(m["category"], "payments");
    let typo = &doc["names"][1]["matches"][0];
    assert_eq!(
        (typo["kind"].as_str(), typo["operation"].as_str()),
        (Some("typosquat"), Some("omission"))
    );
    assert!(first["themes"].as_array().unwrap().iter().any(|t| t == "finance-payments"));
}

#[test]
fn ndjson_file_all_and_theme_filter() {
    let env = Env::new();
    let list = env.path("names.txt");
    std::fs::write(
        &list,
        "# comment\nmetamask-wallet-sync.app\nexample.org\nbad..name\ndhl-parcel.info\n",
    )
    .unwrap();
    let file = list.to_str().unwrap();

    let output = env.run(&["brands", "--format", "ndjson", "--all", "--file", file]);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("names.txt:4"), "{stderr}");
    assert!(stderr.contains("1 invalid"), "{stderr}");

    let out = env.ok(&["brands", "--format", "ndjson", "--theme", "crypto", "--file", file]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("metamask"), "{out}");
}

#[test]
fn a_names_file_is_read_like_the_command_line_and_bounded() {
    let env = Env::new();
    let list = env.path("odd.txt");
    let long = "a".repeat(10_000);
    let text = format!(
        "paypal-login.com\npay pal.com\npaypal\u{1}login.com\n{long}\npaypal\tlogin.com\r\nchase-alerts.com"
    );
    std::fs::write(&list, text).unwrap();
    let output = env.run(&["brands", "--format", "json", "--file", list.to_str().unwrap()]);
    assert!(output.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(doc["summary"]["invalid"], 4, "{stderr}");
    assert_eq!(doc["summary"]["read"], 2, "{stderr}");
    for line in ["odd.txt:2:", "odd.txt:3:", "odd.txt:4: longer than 4096 bytes", "odd.txt:5:"] {
        assert!(stderr.contains(line), "{line}: {stderr}");
    }
    assert!(stderr.len() < 2_000, "the long line is not echoed: {stderr}");

    // A device is refused at once, not read for ever.
    let output = env.run(&["brands", "--file", "/dev/zero"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a file or a pipe"));
}

#[test]
fn user_catalogue_and_strict() {
    let env = Env::new();
    let catalogue = env.path("mine.tsv");
    std::fs::write(&catalogue, "acme\tAcme\ttechnology\tacmecorp\tacmecorp.example\nbroken\n")
        .unwrap();
    let path = catalogue.to_str().unwrap();

    let output = env.run(&["brands", "--catalogue", path, "acmecorp-login.com"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("acme"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("mine.tsv:2:"));

    let output = env.run(&["brands", "--strict", "--catalogue", path, "acmecorp-login.com"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("mine.tsv:2:"));
}

#[test]
fn errors_exit_2() {
    let env = Env::new();
    for args in [
        vec!["brands"],
        vec!["brands", "--file", "/nonexistent/names.txt"],
        vec!["brands", "--theme", "nonsense", "paypal.com"],
        vec!["brands", "--catalogue", "/nonexistent/c.tsv", "paypal.com"],
        vec!["brands", "bad..name"],
    ] {
        let output = env.run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

/// A store with two look-alikes of a made-up brand and its legitimate
/// domain on one /24, among 80 unrelated domains.
fn zorblax_store(env: &Env) {
    let mut cof = String::new();
    let mut a = |name: &str, ip: &str| {
        cof.push_str(&format!(
            r#"{{"rrname":"{name}","rrtype":"A","rdata":"{ip}","ttl":300,"time_first":1780000000,"time_last":1780000000,"count":2}}"#
        ));
        cof.push('\n');
    };
    a("zorblax-login.test", "192.0.2.10");
    a("zorblax-secure.test", "192.0.2.11");
    a("zorblax.example", "192.0.2.12");
    for i in 0..80 {
        a(&format!("shop{i}.test"), &format!("198.51.100.{i}"));
    }
    let path = env.path("pdns.jsonl");
    std::fs::write(&path, cof).unwrap();
    env.ok(&["-q", "ingest", "pdns", path.to_str().unwrap()]);
}

/// The stored brand of a domain, as `domain` shows it.
fn domain_brand(env: &Env, name: &str) -> serde_json::Value {
    env.json(&["domain", name])["risk"]["brand"].clone()
}

#[test]
fn an_imported_catalogue_reaches_scoring_explore_and_investigate_until_removed() {
    let env = Env::new();
    zorblax_store(&env);
    assert_eq!(domain_brand(&env, "zorblax-login.test"), serde_json::Value::Null);

    let catalogue = env.path("mine.tsv");
    std::fs::write(
        &catalogue,
        "# our brands\nzorblax\tZorblax\tretail\tzorblax\tzorblax.example\nbroken line\n",
    )
    .unwrap();
    let output = env.run(&["brands", "--import", catalogue.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("mine.tsv:3: 1 tab-separated columns"), "{stderr}");
    assert!(stderr.contains("scores rebuilt"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("imported 1 brands") && stdout.contains("1 bad lines"), "{stdout}");

    // Stored scores (domain), fresh scoring (risk), explore, investigate.
    assert_eq!(domain_brand(&env, "zorblax-login.test"), "Zorblax");
    assert_eq!(domain_brand(&env, "zorblax.example"), serde_json::Value::Null);
    let login = env.json(&["domain", "zorblax-login.test"]);
    assert!(login["risk"]["components"]["impersonation"].is_number(), "{}", login["risk"]);
    let risk = env.json(&["risk", "zorblax-login.test", "zorblax.example", "zorblax-new.test"]);
    assert_eq!(risk["results"][0]["brand"], "Zorblax", "{risk}");
    assert_eq!(risk["results"][0]["lifecycle"], "active", "{risk}");
    assert_eq!(risk["results"][2]["lifecycle"], serde_json::Value::Null, "not in the store");
    assert!(risk["results"][0]["components"]["impersonation"].is_number(), "{risk}");
    assert_eq!(risk["results"][1]["brand"], serde_json::Value::Null, "{risk}");
    assert!(risk["results"][1]["components"].get("impersonation").is_none(), "{risk}");

    let page = env.json(&["explore", "--brand", "zorblax"]);
    let mut found: Vec<&str> =
        page["results"].as_array().unwrap().iter().map(|m| m["domain"].as_str().unwrap()).collect();
    found.sort_unstable();
    assert_eq!(found, ["zorblax-login.test", "zorblax-secure.test"]);

    let case = env.json(&["investigate", "zorblax-login.test"]);
    assert_eq!(case["seed"]["target"], "Zorblax", "{}", case["seed"]);
    assert_eq!(case["clusters"][0]["targets"], serde_json::json!(["Zorblax"]));

    let names = env.ok(&["brands", "--all", "zorblax-login.test", "zorblax.example"]);
    let flagged: Vec<&str> = names.lines().filter(|l| l.contains("zorblax ")).collect();
    assert_eq!(flagged.len(), 1, "{names}");
    assert!(flagged[0].starts_with("zorblax-login.test"), "{names}");

    let shown = env.json(&["brands", "--imported"]);
    assert_eq!(shown["catalogue"]["brands"][0]["id"], "zorblax", "{shown}");
    assert_eq!(shown["catalogue"]["skipped"], 1);

    // Without rescoring, explore must not answer from the index the
    // last scoring run wrote with the catalogue.
    let removed = env.json(&["--no-score", "brands", "--remove-imported"]);
    assert_eq!(removed["removed"], true);
    let page = env.json(&["explore", "--name-glob", "zorblax-login.*"]);
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["results"][0]["target"], serde_json::Value::Null, "{page}");
    // The brand is gone: asking for it is a mistake.
    assert_eq!(env.run(&["explore", "--brand", "zorblax"]).status.code(), Some(2));
    env.ok(&["-q", "score"]);
    assert_eq!(domain_brand(&env, "zorblax-login.test"), serde_json::Value::Null);
    let login = env.json(&["domain", "zorblax-login.test"]);
    assert!(login["risk"]["components"].get("impersonation").is_none(), "{}", login["risk"]);
    let page = env.json(&["explore", "--name-glob", "zorblax-login.*"]);
    assert_eq!(page["results"][0]["target"], serde_json::Value::Null, "{page}");
    assert_eq!(env.json(&["brands", "--imported"])["catalogue"], serde_json::Value::Null);
}

#[test]
fn a_bad_catalogue_is_not_imported() {
    let env = Env::new();
    zorblax_store(&env);
    let catalogue = env.path("bad.tsv");
    std::fs::write(
        &catalogue,
        "zorblax\tZorblax\tretail\tzorblax\tzorblax.example\nx\tX\tweird\txx\t\n",
    )
    .unwrap();
    let path = catalogue.to_str().unwrap();

    let output = env.run(&["brands", "--strict", "--import", path]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.tsv:2: unknown category \"weird\""), "{stderr}");
    assert_eq!(env.json(&["brands", "--imported"])["catalogue"], serde_json::Value::Null);

    std::fs::write(&catalogue, "only\tbad\n").unwrap();
    let output = env.run(&["brands", "--import", path]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.tsv:1:") && stderr.contains("nothing stored"), "{stderr}");

    let output = env.run(&["brands", "--import", path, "paypal.com"]);
    assert_eq!(output.status.code(), Some(2), "--import takes no names");
}

#[test]
fn devices_fifos_and_byte_order_marks() {
    let env = Env::new();
    zorblax_store(&env);
    let fifo = env.path("pipe.tsv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for path in ["/dev/zero", fifo.to_str().unwrap()] {
        let started = std::time::Instant::now();
        let output = env.run(&["brands", "--import", path]);
        assert_eq!(output.status.code(), Some(2), "{path}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("not a regular file"), "{path}: {stderr}");
        assert!(started.elapsed().as_secs() < 10, "{path} was read instead of refused");
    }

    let bom = env.path("bom.tsv");
    std::fs::write(&bom, "\u{feff}zorblax\tZorblax\tretail\tzorblax\tzorblax.example\r\n").unwrap();
    let output = env.run(&["brands", "--strict", "--import", bom.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
