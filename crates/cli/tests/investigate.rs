//! `nshunt investigate` on a generated world built like the crimeware
//! case: a low-density name server with low TTLs, its domains
//! registered through one popular registrar behind one widely used
//! privacy address, split over two hosting AS numbers that also host
//! many benign domains, each group with PTR patterns of its own and
//! look-alikes of more than one brand (a bank and a tax service, a
//! telco and a tax service), among a large benign background. The
//! investigation must return both groups as separate clusters with the
//! right members, targets and commonalities.

mod common;

use std::fmt::Write as _;

use common::Env;
use serde_json::Value;

const BENIGN: usize = 1_500;
const PER_GROUP: usize = 8;

/// The words a tax service's look-alikes are built from. Worded, not
/// numbered: the detector does not read `hmrc-refund-05` as HMRC's
/// (the digits fold to the letters `os` first, and a short keyword
/// needs lure words or digits beside it).
const TAX_LURES: [&str; 4] = ["refund", "tax-refund", "refund-status", "refund-online"];

/// The look-alikes, half and half: a bank's and a tax service's in the
/// first group, a telco's and another tax service's in the second.
fn crime_name(group: usize, i: usize) -> String {
    let tax = i.checked_sub(PER_GROUP / 2).and_then(|j| TAX_LURES.get(j));
    match (group, tax) {
        (0, None) => format!("barclays-login-0{i}.test"),
        (0, Some(lure)) => format!("hmrc-{lure}.test"),
        (_, None) => format!("vodafone-billing-1{i}.test"),
        (_, Some(lure)) => format!("irs-{lure}.test"),
    }
}

/// The clusters the investigation must find, members sorted.
const EXPECTED: [[&str; PER_GROUP]; 2] = [
    [
        "barclays-login-00.test",
        "barclays-login-01.test",
        "barclays-login-02.test",
        "barclays-login-03.test",
        "hmrc-refund-online.test",
        "hmrc-refund-status.test",
        "hmrc-refund.test",
        "hmrc-tax-refund.test",
    ],
    [
        "irs-refund-online.test",
        "irs-refund-status.test",
        "irs-refund.test",
        "irs-tax-refund.test",
        "vodafone-billing-10.test",
        "vodafone-billing-11.test",
        "vodafone-billing-12.test",
        "vodafone-billing-13.test",
    ],
];

/// The world's files: a zone, passive DNS (A and PTR, low TTLs for the
/// crime), an ASN table and one WHOIS answer per domain.
fn world(env: &Env) -> [String; 4] {
    let mut zone = String::from("$ORIGIN test.\n$TTL 86400\n");
    let mut cof = String::new();
    let seen = 1_780_000_000i64;
    let mut a = |name: &str, ip: &str, ttl: u32| {
        let _ = writeln!(
            cof,
            r#"{{"rrname":"{name}","rrtype":"A","rdata":"{ip}","ttl":{ttl},"time_first":{seen},"time_last":{seen},"count":3}}"#
        );
    };
    let mut ptrs = Vec::new();

    for group in 0..2 {
        for i in 0..PER_GROUP {
            let name = crime_name(group, i);
            let _ = writeln!(zone, "{} IN NS ns1.crime-ns.test.", name.trim_end_matches(".test"));
            let _ = writeln!(zone, "{} IN NS ns2.crime-ns.test.", name.trim_end_matches(".test"));
            let (ip, ptr) = if group == 0 {
                (format!("192.0.2.{}", 10 + i), format!("192-0-2-{}.static.hostone.test", 10 + i))
            } else {
                (
                    format!("198.51.100.{}", 20 + i),
                    format!("ip-198-51-100-{}.cloud.hosttwo.test", 20 + i),
                )
            };
            a(&name, &ip, 60);
            ptrs.push((ip, ptr));
        }
    }
    for i in 0..BENIGN {
        let name = format!("shop{i}.test");
        let _ = writeln!(zone, "shop{i} IN NS ns{}.bighost.test.", 1 + i % 2);
        // Half on each AS, in /24s of their own.
        let ip = if i % 2 == 0 {
            format!("192.0.3.{}", i % 250)
        } else {
            format!("198.51.101.{}", i % 250)
        };
        a(&name, &ip, 3600);
    }
    for (ip, ptr) in &ptrs {
        let octets: Vec<&str> = ip.split('.').rev().collect();
        let _ = writeln!(
            cof,
            r#"{{"rrname":"{}.in-addr.arpa","rrtype":"PTR","rdata":"{ptr}","ttl":3600,"time_first":{seen},"time_last":{seen},"count":1}}"#,
            octets.join(".")
        );
    }

    let table = "start_ip,end_ip,asn,as_org\n192.0.2.0,192.0.3.255,64500,HostOne Ltd\n\
                 198.51.100.0,198.51.101.255,64501,HostTwo Cloud\n";

    let whois = env.path("whois");
    std::fs::create_dir_all(&whois).unwrap();
    let all = (0..2)
        .flat_map(|g| (0..PER_GROUP).map(move |i| crime_name(g, i)))
        .chain((0..BENIGN).map(|i| format!("shop{i}.test")));
    for name in all {
        let text = format!(
            "Domain Name: {name}\nRegistrar: Popular Registrar, Inc.\nCreation Date: 2026-05-01T00:00:00Z\n\
             Registrant Organization: Privacy Service Ltd\nRegistrant Street: 1 Proxy Lane\n\
             Registrant City: Reykjavik\nRegistrant Country: IS\n"
        );
        std::fs::write(whois.join(format!("{name}.txt")), text).unwrap();
    }

    let write = |file: &str, text: &str| {
        let path = env.path(file);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    [
        write("test.zone", &zone),
        write("pdns.jsonl", &cof),
        write("asn.csv", table),
        whois.to_str().unwrap().to_owned(),
    ]
}

fn load(env: &Env) {
    let [zone, pdns, asn, whois] = world(env);
    let quiet = ["--no-score", "-q"];
    let date = ["--date", "2026-05-28"];
    env.ok(&[&quiet[..], &["ingest", "zone", "--origin", "test"], &date[..], &[zone.as_str()]]
        .concat());
    env.ok(&[&quiet[..], &["ingest", "pdns", pdns.as_str()]].concat());
    env.ok(&[&quiet[..], &["ingest", "asn", "--source", "t", asn.as_str()]].concat());
    env.ok(&[&quiet[..], &["ingest", "whois"], &date[..], &[whois.as_str()]].concat());
}

/// The `domain` fields of an array of rows, sorted.
fn sorted_domains(rows: &Value) -> Vec<String> {
    let mut names: Vec<String> =
        rows.as_array().unwrap().iter().map(|m| m["domain"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
}

fn members(cluster: &Value) -> Vec<String> {
    sorted_domains(&cluster["members"])
}

fn common(cluster: &Value) -> Vec<(String, String)> {
    cluster["commonalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap().to_owned(), c["value"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn both_groups_come_back_as_separate_clusters_with_their_commonalities() {
    let env = Env::new();
    load(&env);
    let html = env.path("report.html");
    let found =
        env.json(&["investigate", "barclays-login-03.test", "--html", html.to_str().unwrap()]);

    assert_eq!(found["related"], 2 * PER_GROUP as u64, "{}", found["seed_entities"]);
    let clusters = found["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 2, "{}", found["clusters"]);
    assert_eq!(members(&clusters[0]), EXPECTED[0]);
    assert_eq!(members(&clusters[1]), EXPECTED[1]);

    // A bank and a tax service, a telco and another tax service.
    assert_eq!(clusters[0]["targets"], serde_json::json!(["Barclays", "HMRC"]));
    assert_eq!(clusters[1]["targets"], serde_json::json!(["IRS", "Vodafone"]));
    let first = common(&clusters[0]);
    let has = |c: &[(String, String)], kind: &str, value: &str| {
        c.iter().any(|(k, v)| k == kind && v == value)
    };
    assert!(has(&first, "ns_domain", "crime-ns.test"), "{first:?}");
    assert!(has(&first, "ptr_pattern", "*.static.hostone.test"), "{first:?}");
    assert!(has(&first, "subnet", "192.0.2.0/24"), "{first:?}");
    assert!(has(&first, "asn", "AS64500"), "{first:?}");
    assert!(has(&first, "theme", "finance-payments"), "themes are cluster attributes: {first:?}");
    // The registrar and the privacy address are shared by all, but by
    // 1,500 benign domains too: listed, rarest first, so last.
    let last_two: Vec<&str> = first.iter().rev().take(2).map(|(k, _)| k.as_str()).collect();
    assert!(last_two.contains(&"registrar") && last_two.contains(&"registrant"), "{first:?}");
    let second = common(&clusters[1]);
    let ptr = second.iter().find(|(k, _)| k == "ptr_pattern").map(|(_, v)| v.as_str());
    assert!(
        ptr.is_some_and(|p| p.ends_with(".cloud.hosttwo.test") && p.contains('*')),
        "{second:?}"
    );
    assert!(has(&second, "asn", "AS64501"), "{second:?}");
    // Telco and tax names share finance lures, not the telecom theme.
    assert!(has(&second, "theme", "finance-payments"), "{second:?}");
    assert!(!has(&second, "theme", "telecom"), "{second:?}");
    assert!(!has(&first, "theme", "tax-government"), "{first:?}");
    for cluster in clusters {
        for m in cluster["members"].as_array().unwrap() {
            let name = m["domain"].as_str().unwrap();
            let brand = match name.split('-').next() {
                Some("barclays") => "Barclays",
                Some("hmrc") => "HMRC",
                Some("irs") => "IRS",
                _ => "Vodafone",
            };
            assert_eq!(m["target"], brand, "{m}");
        }
    }

    let seed_entities = found["seed_entities"].as_array().unwrap();
    let reason = |kind: &str| {
        let entity = seed_entities.iter().find(|e| e["kind"] == kind).unwrap();
        assert_eq!(entity["followed"], entity["reason"] == "followed", "{entity}");
        entity["reason"].as_str().unwrap().to_owned()
    };
    assert_eq!(reason("ns_domain"), "followed");
    assert_eq!(reason("registrar"), "over_pivot_share", "all 1,516 domains: no lead");
    assert_eq!(reason("asn"), "over_pivot_share", "half of the store: no lead");
    assert_eq!(reason("subnet"), "followed");
    assert_eq!(reason("theme"), "theme");

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<svg"));
    assert!(!page.contains("src=") && !page.contains("<link") && !page.contains("<script"));
    assert!(page.contains("irs-refund-status.test"));

    let again = env.json(&["investigate", "barclays-login-03.test"]);
    assert_eq!(again["clusters"], found["clusters"], "deterministic");
}

#[test]
fn common_values_are_not_followed_and_unknown_seeds_say_why() {
    let env = Env::new();
    load(&env);
    let found = env.json(&["investigate", "barclays-login-03.test", "--max-pivot", "10"]);
    let seed_entities = found["seed_entities"].as_array().unwrap();
    let ns = seed_entities.iter().find(|e| e["kind"] == "ns_domain").unwrap();
    assert_eq!(ns["followed"], false, "16 domains is over --max-pivot 10");
    assert_eq!(ns["reason"], "over_max_pivot");
    assert_eq!(found["related"], PER_GROUP as u64, "only the seed's /24 and PTR pattern lead");

    let text = env.ok(&["investigate", "barclays-login-03.test"]);
    assert!(text.contains("cluster 1 (8 domains)") && text.contains("shared by all"), "{text}");
    assert!(text.contains("15 related domains and the seed, 2 clusters"), "{text}");
    assert!(text.contains("no: more than 5% of the store's domains"), "{text}");

    let missing = env.run(&["investigate", "nowhere.test"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not in the store"));
    let ns = env.run(&["investigate", "ns1.crime-ns.test"]);
    assert_eq!(ns.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&ns.stderr).contains("nshunt nameserver crime-ns.test"));
    let suffix = env.run(&["investigate", "co.uk"]);
    assert_eq!(suffix.status.code(), Some(2));
}

#[test]
fn the_report_never_replaces_the_store_a_database_or_a_special_file() {
    let env = Env::new();
    load(&env);
    let store = env.store();
    let before = std::fs::read(&store).unwrap();
    let fifo = env.path("report.fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let explore_index = env.path("store.sqlite-explore");
    for (target, says) in [
        (store.clone(), "the store"),
        (explore_index, "the store"),
        (fifo, "not a regular file"),
        (env.dir.path().to_path_buf(), "not a regular file"),
    ] {
        let output =
            env.run(&["investigate", "barclays-login-03.test", "--html", target.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{}: {stderr}", target.display());
        assert!(stderr.contains(says), "{}: {stderr}", target.display());
    }
    let copy = env.path("copy.sqlite");
    std::fs::copy(&store, &copy).unwrap();
    let output =
        env.run(&["investigate", "barclays-login-03.test", "--html", copy.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an earlier report"));

    // Through a link to the store, the store's own journal and WAL are
    // still the store's; a link is not replaced either.
    let link = env.path("link.sqlite");
    std::os::unix::fs::symlink(&store, &link).unwrap();
    let journal = env.path("store.sqlite-journal");
    let output = env
        .command(&["investigate", "barclays-login-03.test", "--html", journal.to_str().unwrap()])
        .env("NSHUNT_STORE", &link)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the store"));
    assert!(!journal.exists());
    let report_link = env.path("report-link.html");
    std::os::unix::fs::symlink(env.path("elsewhere.html"), &report_link).unwrap();
    std::fs::write(env.path("elsewhere.html"), "<!DOCTYPE html>").unwrap();
    let output = env.run(&[
        "investigate",
        "barclays-login-03.test",
        "--html",
        report_link.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read(&store).unwrap(), before, "the store is untouched");

    // An earlier report is replaced, and no temporary file is left.
    let html = env.path("report.html");
    std::fs::write(&html, "notes").unwrap();
    let refused =
        env.run(&["investigate", "barclays-login-03.test", "--html", html.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "not a report: kept");
    assert_eq!(std::fs::read_to_string(&html).unwrap(), "notes");
    std::fs::write(&html, "<!DOCTYPE html>\n<p>old</p>").unwrap();
    env.ok(&["-q", "investigate", "barclays-login-03.test", "--html", html.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&html).unwrap().starts_with("<!DOCTYPE html>"));
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The report in a real browser (headless Chromium, network blocked):
/// the parsed document holds both clusters, in its tables and in the
/// pivot graph; the page asks the network for nothing; the graph is
/// drawn.
#[test]
fn the_report_renders_in_a_browser_without_fetching_anything() {
    let env = Env::new();
    load(&env);
    let html = env.path("report.html");
    env.ok(&["-q", "investigate", "barclays-login-03.test", "--html", html.to_str().unwrap()]);
    let page = std::fs::read_to_string(&html).unwrap();
    refers_to_nothing_outside(&page);

    let shown = common::browser::render(&html, env.dir.path());
    let fetched: Vec<&String> = shown.requests.iter().filter(|u| !u.starts_with("file:")).collect();
    assert!(fetched.is_empty(), "the report fetched {fetched:?}");

    for (i, names) in EXPECTED.iter().enumerate() {
        let section = cluster_section(&shown.dom, i + 1);
        for name in names {
            assert!(section.contains(&format!("<td>{name}</td>")), "{name} in cluster {}", i + 1);
        }
        let other = &EXPECTED[1 - i];
        assert!(other.iter().all(|name| !section.contains(name)), "{section}");
    }
    graph_has_both_clusters(&shown.dom);

    // Drawn, not blank: the seed (red, r 24) and both clusters (blue,
    // r 18) fill most of their discs.
    let shot = &shown.shot;
    assert_eq!((shot.width, shot.height), (1000, 1200));
    assert!(shot.count([0x4a, 0x78, 0xc2]) > 1_500, "no cluster nodes drawn");
    assert!(shot.count([0xc0, 0x39, 0x2b]) > 1_500, "no seed node drawn");
}

/// The browser check can fail: a page that does fetch is caught.
#[test]
fn the_browser_check_sees_a_page_fetch() {
    let env = Env::new();
    let page = env.path("fetching.html");
    let probe = "http://127.0.0.1:9/probe.png";
    std::fs::write(&page, format!("<!DOCTYPE html><p>x</p><img src=\"{probe}\">")).unwrap();

    let shown = common::browser::render(&page, env.dir.path());
    assert!(shown.requests.iter().any(|u| u == probe), "{:?}", shown.requests);
}

/// The page loads nothing: no element or style refers elsewhere, and
/// the only URL in it is the SVG namespace, which is a name, not a
/// request.
fn refers_to_nothing_outside(page: &str) {
    for needle in ["src=", "href=", "url(", "@import", "<link", "<script", "<iframe", "<object"] {
        assert!(!page.contains(needle), "the report has {needle}");
    }
    let namespace = "http://www.w3.org/2000/svg";
    let namespaces = page.matches(namespace).count();
    assert_eq!(namespaces, 1);
    assert_eq!(page.matches("http").count(), namespaces, "a URL in the report");
    assert_eq!(page.matches("//").count(), namespaces, "a URL in the report");
}

/// The part of the rendered document about cluster `id`.
fn cluster_section(dom: &str, id: usize) -> &str {
    let heading = format!("<h2>Cluster {id} ({PER_GROUP} domains)</h2>");
    let start = dom.find(&heading).unwrap_or_else(|| panic!("no {heading}"));
    let rest = &dom[start + heading.len()..];
    &rest[..rest.find("<h2>").unwrap_or(rest.len())]
}

/// A circle of the rendered graph.
struct Node {
    x: f64,
    y: f64,
    r: f64,
    title: String,
}

/// The pivot graph as the browser parsed it: the seed, each cluster
/// joined to it by what the seed shares with it, each cluster's domains
/// joined to their cluster, off the seed's edges, inside the picture.
fn graph_has_both_clusters(dom: &str) {
    let start = dom.find("<svg").expect("an SVG graph");
    let svg = &dom[start..dom[start..].find("</svg>").unwrap() + start];
    let nodes = nodes(svg);
    assert_eq!(nodes.len(), 1 + 2 + 2 * PER_GROUP, "{svg}");
    let node = |title: &str| {
        nodes.iter().find(|n| n.title == title).unwrap_or_else(|| panic!("no node {title}"))
    };
    let seed = node("barclays-login-03.test");
    let inside = |v: f64, r: f64| v - r >= 0.0 && v + r <= 900.0;
    assert!(nodes.iter().all(|n| inside(n.x, n.r) && inside(n.y, n.r)), "{svg}");

    let (edges, titles) = edges(svg);
    assert_eq!(edges.len(), 2 + 2 * PER_GROUP, "{svg}");
    assert_eq!(titles, ["via ptr_pattern *.static.hostone.test", "via ns_domain crime-ns.test"]);
    let joined =
        |a: &Node, b: &Node| edges.iter().any(|e| (e[0], e[1], e[2], e[3]) == (a.x, a.y, b.x, b.y));

    for (i, names) in EXPECTED.iter().enumerate() {
        let cluster = node(&format!("cluster {} ({PER_GROUP} domains)", i + 1));
        assert!(joined(seed, cluster), "no edge from the seed to cluster {}", i + 1);
        for name in names {
            let member = node(&format!("{name} (risk 75.0, active)"));
            assert!(joined(cluster, member), "{name} is not joined to cluster {}", i + 1);
            let off =
                distance_to_segment((member.x, member.y), (seed.x, seed.y), (cluster.x, cluster.y));
            assert!(off > member.r, "{name} sits on the seed's edge to cluster {}", i + 1);
        }
    }
}

/// The graph's circles.
fn nodes(svg: &str) -> Vec<Node> {
    let circle =
        pattern(r##"<circle cx="N" cy="N" r="N" fill="#[0-9a-f]+"><title>([^<]*)</title>"##);
    circle
        .captures_iter(svg)
        .map(|c| Node {
            x: c[1].parse().unwrap(),
            y: c[2].parse().unwrap(),
            r: c[3].parse().unwrap(),
            title: c[4].to_owned(),
        })
        .collect()
}

/// The graph's lines as `[x1, y1, x2, y2]`, and the titles of those
/// that have one.
fn edges(svg: &str) -> (Vec<[f64; 4]>, Vec<String>) {
    let line = pattern(concat!(
        r##"<line x1="N" y1="N" x2="N" y2="N" stroke="#[0-9a-f]+">"##,
        r"(?:<title>([^<]*)</title>)?</line>"
    ));
    let mut edges = Vec::new();
    let mut titles = Vec::new();
    for c in line.captures_iter(svg) {
        edges.push([1, 2, 3, 4].map(|i| c[i].parse::<f64>().unwrap()));
        titles.extend(c.get(5).map(|t| t.as_str().to_owned()));
    }
    (edges, titles)
}

/// A regular expression where each `N` captures a number.
fn pattern(text: &str) -> regex::Regex {
    regex::Regex::new(&text.replace('N', "([0-9.]+)")).unwrap()
}

/// How far point `p` lies from the segment `a`–`b`.
fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    ((a.0 + t * dx - p.0).powi(2) + (a.1 + t * dy - p.1).powi(2)).sqrt()
}

/// Runs explore and returns its JSON page and stderr.
fn explore(env: &Env, args: &[&str]) -> (Value, String) {
    let all = [&["explore", "--format", "json", "--facets"][..], args].concat();
    let output = env.run(&all);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "explore {args:?} failed: {stderr}");
    (serde_json::from_slice(&output.stdout).unwrap(), stderr)
}

fn domains(page: &Value) -> Vec<String> {
    sorted_domains(&page["results"])
}

#[test]
fn explore_answers_from_the_index_the_same_as_from_the_store() {
    let env = Env::new();
    load(&env);
    let queries: [&[&str]; 5] = [
        &[
            "--holder",
            "hostone",
            "--registrar",
            "popular registrar, inc.",
            "--name-regex",
            "^(barclays|hmrc)",
        ],
        &["--ns", "crime-ns.test", "--limit", "100"],
        &["--cidr", "198.51.100.0/24", "--theme", "finance-payments"],
        &["--address", "proxy lane", "--min-risk", "1", "--limit", "5", "--page", "2"],
        &["--ptr", "*.static.hostone.test", "--state", "active"],
    ];

    // Loaded with --no-score: no scoring run, so explore loads the store.
    let before: Vec<Value> = queries.iter().map(|q| explore(&env, q).0).collect();
    assert_eq!(domains(&before[0]), EXPECTED[0], "{}", before[0]);
    assert_eq!(before[1]["total"], 2 * PER_GROUP as u64);
    assert_eq!(before[4]["total"], PER_GROUP as u64);
    assert_eq!(before[0]["facets"]["brand"][0]["value"], "Barclays");

    // The same brands by catalogue id, the PTR pattern from one PTR name,
    // a glob in capitals.
    let by_id =
        explore(&env, &["--brand", "barclays", "--ptr", "192-0-2-10.static.hostone.test"]).0;
    let by_name = explore(&env, &["--brand", "Barclays", "--ptr", "*.static.hostone.test"]).0;
    assert_eq!(by_id, by_name);
    assert_eq!(by_id["total"], 4, "{}", by_id["results"]);
    let glob = explore(&env, &["--name-glob", "BARCLAYS-LOGIN-*.TEST"]).0;
    assert_eq!(glob["total"], 4);
    let regex = explore(&env, &["--name-regex", "^BARCLAYS-LOGIN-"]).0;
    assert_eq!(regex["total"], 4);
    for (option, value) in [("--near", ""), ("--ns", "a..b")] {
        assert_eq!(
            env.run(&["explore", option, value]).status.code(),
            Some(2),
            "{option} {value:?}"
        );
    }
    let near = env.run(&["explore", "--near", "barclays.test"]);
    assert_eq!(near.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&near.stderr).contains("give \"barclays\""));
    // A misspelt brand or theme is an error, not an empty answer.
    for (option, value, says) in
        [("--brand", "barclayz", "no brand \"barclayz\""), ("--theme", "finance", "one of")]
    {
        let output = env.run(&["explore", option, value]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{option} {value}: {stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
    let by_theme = explore(&env, &["--theme", "Finance-Payments"]).0;
    assert!(by_theme["total"].as_u64().unwrap() > 0);
    assert!(
        before[0]["as_of"].as_str().is_some_and(|t| t.starts_with("2026-")),
        "{}",
        before[0]["as_of"]
    );

    // Before the registrations' creation (2026-05-01) and any record,
    // none of the domains existed: registrations created later are not
    // taken for that moment's.
    let early =
        explore(&env, &["--as-of", "2026-04-01", "--registrar", "popular registrar, inc."]).0;
    assert_eq!(early["total"], 0, "{}", early["results"]);

    // NDJSON: a line per domain, then a line per facet value.
    let ndjson = env.ok(&["explore", "--format", "ndjson", "--facets", "--ns", "crime-ns.test"]);
    let lines: Vec<Value> = ndjson.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let rows = lines.iter().filter(|l| l.get("domain").is_some()).count();
    let facets = lines.iter().filter(|l| l.get("facet").is_some()).count();
    assert_eq!((rows, rows + facets), (2 * PER_GROUP, lines.len()));
    assert!(facets > 5);

    env.ok(&["-q", "score"]);
    let index = env.path("store.sqlite-explore");
    // The domain view of another moment is scored for that moment.
    let view = env.json(&["domain", "barclays-login-03.test", "--as-of", "2026-05-02"]);
    assert_eq!(view["risk"]["lifecycle"], "registered", "{}", view["risk"]);
    assert_eq!(view["risk"]["day"], "2026-05-02T00:00:00Z");
    assert!(std::fs::metadata(&index).is_ok_and(|m| m.len() > 0), "scoring wrote no index");
    for (query, expected) in queries.iter().zip(&before) {
        let (page, stderr) = explore(&env, query);
        assert_eq!(&page, expected, "{query:?}");
        assert!(!stderr.contains("note:"), "the index was not used for {query:?}: {stderr}");
    }

    // A damaged index is named, and the answer comes from the store.
    let bytes = std::fs::read(&index).unwrap();
    std::fs::write(&index, &bytes[..bytes.len() / 3]).unwrap();
    let (page, stderr) = explore(&env, queries[0]);
    assert_eq!(page, before[0]);
    assert!(stderr.contains("damaged") && stderr.contains("nshunt score"), "{stderr}");

    // Something other than a file in its place is named too, at once
    // (opening a FIFO would wait for a writer).
    std::fs::remove_file(&index).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&index).status().unwrap();
    assert!(made.success());
    let (page, stderr) = explore(&env, queries[0]);
    assert_eq!(page, before[0]);
    assert!(stderr.contains("not a regular file"), "{stderr}");
    // Scoring says what is in the index's way, by the index's name.
    let scoring = env.run(&["score"]);
    let said = String::from_utf8_lossy(&scoring.stderr);
    assert!(said.contains("store.sqlite-explore: something other than a file"), "{said}");
    std::fs::remove_file(&index).unwrap();

    // An ingest without rescoring makes the index stale, and explore
    // says so instead of answering from old data.
    env.ok(&["-q", "score"]);
    let extra = env.path("extra.jsonl");
    let line = r#"{"rrname":"barclays-secure-99.test","rrtype":"A","rdata":"198.51.100.77","ttl":60,"time_first":1780000000,"time_last":1780000000,"count":1}"#;
    std::fs::write(&extra, format!("{line}\n")).unwrap();
    env.ok(&["--no-score", "-q", "ingest", "pdns", extra.to_str().unwrap()]);
    let (page, stderr) = explore(&env, queries[2]);
    assert!(stderr.contains("not current"), "{stderr}");
    assert_eq!(page["total"], before[2]["total"].as_u64().unwrap() + 1, "{}", page["results"]);
}
