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
