//! Label readers and matching, on the fixtures in `data/labels`.

use std::io::Cursor;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use nshunt_ingest::asn::Asn;
use nshunt_ingest::labels::{
    CsvMapping, CsvReader, IndicatorKind, Label, LabelError, LabelSet, ListFormat, ListKind,
    ListOptions, ListReader, MaltrailHelper, MaltrailReader, Severity,
};
use nshunt_model::DomainName;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/labels").join(name)
}

/// Good labels and error messages, in order.
fn split<I: Iterator<Item = Result<Label, LabelError>>>(items: I) -> (Vec<Label>, Vec<String>) {
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for item in items {
        match item {
            Ok(label) => good.push(label),
            Err(error) => bad.push(error.to_string()),
        }
    }
    (good, bad)
}

fn find<'a>(labels: &'a [Label], indicator: &str) -> &'a Label {
    labels
        .iter()
        .find(|l| &*l.indicator == indicator)
        .unwrap_or_else(|| panic!("{indicator} missing"))
}

fn trails() -> Vec<Label> {
    let reader = MaltrailReader::open_trails(&fixture("maltrail")).unwrap();
    let (good, bad) = split(reader);
    assert!(bad.is_empty(), "{bad:#?}");
    good
}

#[test]
fn trail_folder_loads_with_families_and_severities() {
    let labels = trails();
    assert_eq!(labels.len(), 55);

    let count = |s| labels.iter().filter(|l| l.context.severity == Some(s)).count();
    assert_eq!((count(Severity::High), count(Severity::Medium), count(Severity::Low)), (36, 9, 10));

    let akira = find(&labels, "akira.red");
    assert_eq!(akira.context.file, "malware/akira.txt");
    assert_eq!(akira.context.category.as_deref(), Some("akira"));
    assert_eq!(akira.context.aliases, ["akira ransomware", "skira ransomware"]);
    assert_eq!(akira.context.references.len(), 2);
    assert_eq!(akira.line, 13);
}

#[test]
fn trail_entries_keep_ports_urls_and_dates() {
    let labels = trails();

    let panel = find(&labels, "http://62.60.149.108");
    assert_eq!(panel.kind, IndicatorKind::Url);
    assert_eq!(panel.context.first_seen.unwrap().to_string(), "2025-07-14");

    let c2 = labels.iter().find(|l| &*l.indicator == "178.255.126.210").unwrap();
    assert_eq!((c2.kind, c2.port), (IndicatorKind::Ip, Some(8080)));
    assert_eq!(c2.context.references, ["https://x.com/solostalking/status/1934848675425198537"]);
    assert_eq!(c2.context.first_seen, None);

    let sinkhole = find(&labels, "ns1.sinkhole.ch");
    assert_eq!(sinkhole.context.list, ListKind::Sinkhole);
    assert_eq!(find(&labels, "bdns.at").context.list, ListKind::Block);
}

#[test]
fn label_json_is_flat_and_documented() {
    let labels = trails();
    let json = serde_json::to_string(find(&labels, "akira.red")).unwrap();
    let expect = concat!(
        r#"{"indicator":"akira.red","kind":"domain","port":null,"source":"maltrail","#,
        r#""file":"malware/akira.txt","line":13,"list":"block","category":"akira","#,
        r#""severity":"high","aliases":["akira ransomware","skira ransomware"],"#,
        r#""references":["https://twitter.com/1ZRR4H/status/1706954389217329191","#,
        r#""https://www.virustotal.com/gui/file/"#,
        r#"3981ea2f66e197c3fb644184a33f2553fed51e175aa0402e77d1e324c96e1326/detection"],"#,
        r#""first_seen":null,"asn":null}"#
    );
    assert_eq!(json, expect);
}

fn helpers() -> Vec<Label> {
    let (good, bad) = split(MaltrailReader::open_helpers(&fixture("maltrail")));
    assert!(bad.is_empty(), "{bad:#?}");
    good
}

#[test]
fn helper_files_load_as_their_own_lists() {
    let labels = helpers();
    let count = |k| labels.iter().filter(|l| l.context.list == k).count();
    assert_eq!(count(ListKind::Allow), 13);
    assert_eq!(count(ListKind::Bogon), 13);
    assert_eq!(count(ListKind::Cdn), 37);
    assert_eq!(count(ListKind::BadAsn), 22);

    assert_eq!(find(&labels, "92.222.150.60").kind, IndicatorKind::Ip);
    assert_eq!(find(&labels, "www.nirsoft.net/utils").kind, IndicatorKind::Url);
    assert_eq!(find(&labels, "e-x.not.fyi").context.list, ListKind::Allow);
    assert_eq!(
        find(&labels, "173.245.48.0/20").context.references,
        ["https://www.cloudflare.com/ips-v4"]
    );
}

#[test]
fn worst_asns_headings_and_rows() {
    let labels = helpers();
    let linode = find(&labels, "AS63949");
    assert_eq!(linode.kind, IndicatorKind::Asn);
    assert_eq!(linode.context.category.as_deref(), Some("Linode, LLC"));

    let row = find(&labels, "103.29.68.0/22");
    assert_eq!(
        (row.context.asn, row.context.category.as_deref()),
        (Some(Asn(63949)), Some("linode"))
    );
    let stark = find(&labels, "103.113.68.0/24");
    assert_eq!(stark.context.asn, Some(Asn(44477)));
    assert_eq!(stark.context.references.len(), 4);
    assert_eq!(find(&labels, "AS216240").context.category.as_deref(), Some("MortalSoft"));
}

fn list(format: ListFormat, text: &str, kind: ListKind) -> Vec<Label> {
    let options = ListOptions::new("test", kind);
    let input = Box::new(Cursor::new(text.as_bytes().to_vec()));
    let reader = ListReader::from_reader("test.txt".into(), input, format, &options);
    reader.map(Result::unwrap).collect()
}

fn name(text: &str) -> DomainName {
    DomainName::parse(text).unwrap()
}

fn indicators(labels: Vec<&Label>) -> Vec<String> {
    labels.into_iter().map(|l| l.indicator.to_string()).collect()
}

fn sample_set() -> LabelSet {
    let entries = [
        "evil.example",
        "com",
        "co.uk",
        "bad.co.uk",
        ".tk",
        "evil.example.net",
        "192.0.2.7",
        "10.0.0.0/8",
        "10.1.0.0/16",
        "http://evil.example/gate/",
        "shop.example/login.php",
        "/wp-admin/x.php",
    ]
    .join("\n");
    let mut set: LabelSet =
        list(ListFormat::Plain, &entries, ListKind::Block).into_iter().collect();
    set.extend(helpers());
    set
}

#[test]
fn domains_match_on_label_boundaries() {
    let set = sample_set();
    assert_eq!(indicators(set.match_domain(&name("a.b.evil.example"))), ["evil.example"]);
    assert_eq!(indicators(set.match_domain(&name("evil.example"))), ["evil.example"]);
    assert!(set.match_domain(&name("notevil.example")).is_empty());
    assert!(set.match_domain(&name("evil.example.org")).is_empty());
}

#[test]
fn parents_stop_at_the_public_suffix() {
    let set = sample_set();
    assert!(set.match_domain(&name("anything.com")).is_empty());
    assert_eq!(indicators(set.match_domain(&name("com"))), ["com"]);
    assert!(set.match_domain(&name("x.co.uk")).is_empty());
    assert_eq!(indicators(set.match_domain(&name("www.bad.co.uk"))), ["bad.co.uk"]);
    assert_eq!(indicators(set.match_domain(&name("a.b.tk"))), ["tk"]);
    assert!(set.match_domain(&name("tk")).is_empty());
}

#[test]
fn addresses_match_longest_prefix_first() {
    let set = sample_set();
    let ip = |t: &str| t.parse::<IpAddr>().unwrap();
    assert_eq!(
        indicators(set.match_ip(ip("10.1.2.3"))),
        ["10.1.0.0/16", "10.0.0.0/8", "10.0.0.0/8"]
    );
    assert_eq!(indicators(set.match_ip(ip("::ffff:192.0.2.7"))), ["192.0.2.7", "192.0.2.0/24"]);
    let linode = set.match_ip(ip("104.237.152.9"));
    assert_eq!(indicators(linode), ["104.237.152.0/24", "104.237.152.0/21"]);
    assert!(set.match_ip(ip("8.8.8.8")).is_empty());
    assert_eq!(indicators(set.match_ip(ip("2606:4700:4700::1111"))), ["2606:4700:4700::1111"]);
}

#[test]
fn urls_match_entries_paths_and_hosts() {
    let set = sample_set();
    let got = indicators(set.match_url("HTTPS://A.Evil.Example/gate/panel.php?id=1"));
    assert_eq!(got, ["evil.example"]);
    let got = indicators(set.match_url("http://evil.example/gate/panel.php"));
    assert_eq!(got, ["http://evil.example/gate/", "evil.example"]);
    assert_eq!(indicators(set.match_url("shop.example/login.php?u=1")), ["shop.example/login.php"]);
    assert_eq!(
        indicators(set.match_url("http://other.example/wp-admin/x.php")),
        ["/wp-admin/x.php"]
    );
    assert_eq!(indicators(set.match_url("http://10.9.9.9:8080/")), ["10.0.0.0/8", "10.0.0.0/8"]);
    assert!(set.match_url("not a url").is_empty());
    assert_eq!(indicators(set.match_asn(Asn(63949))), ["AS63949"]);
}

#[test]
fn bad_trail_lines() {
    let reader = MaltrailReader::open_file(&fixture("bad-trail.txt"), Severity::Medium);
    let (good, bad) = split(reader);
    let kept: Vec<&str> = good.iter().map(|l| &*l.indicator).collect();
    let expect = [
        "good1.example",
        "http://good2.example/gate.php",
        "good3.example",
        "good4.example",
        "last.example",
    ];
    assert_eq!(kept, expect);
    assert_eq!(good[0].context.aliases, ["badfam", "bad family"]);
    assert_eq!(good[0].context.first_seen.unwrap().to_string(), "2025-05-22");
    assert_eq!(good[2].context.references, Vec::<String>::new());

    let path = fixture("bad-trail.txt").display().to_string();
    let expect = [
        ":9: bad comment: empty \"Reference:\"",
        ":10: bad comment: impossible date \"2025-13-45\"",
        ":11: bad comment: empty \"Aliases:\"",
        ":14: regular expressions are not supported: \"zoneserveryu[0-9a-z]{0,}\\\\.com\"",
        ":15: not an IP address, network, URL or host name: \"182.86.133:8880\"",
        ":16: line is not valid UTF-8",
        ":17: line is not valid UTF-8",
        ":18: bad port in \"1.2.3.4:99999\"",
        ":20: bad network \"10.0.0.0/33\"",
    ];
    assert_eq!(bad.len(), expect.len(), "{bad:#?}");
    for (message, expect) in bad.iter().zip(expect) {
        assert!(message.starts_with(&format!("{path}{expect}")), "{message}\nwanted {expect}");
    }
}

#[test]
fn bad_csv_rows() {
    let mapping: CsvMapping = "indicator=2,category=4,date=1".parse().unwrap();
    let options = ListOptions::new("feed", ListKind::Block);
    let reader = CsvReader::open(&fixture("bad.csv"), mapping, &options).unwrap();
    let (good, bad) = split(reader);

    let kept: Vec<(&str, u64)> = good.iter().map(|l| (&*l.indicator, l.line)).collect();
    assert_eq!(kept, [("good1.example", 2), ("good6.example", 9)]);
    let expect = [
        ":3: truncated row: missing column 4 (category)",
        ":4: bad date \"2024-02-30\": write YYYY-MM-DD",
        ":5: not an IP address, network, URL or host name: \"not an ip\"",
        ":6: quoted field not closed before the end of the line",
        ":7: not an IP address, network, URL or host name: \"999.1.1.1\"",
        ":8: line is not valid UTF-8",
    ];
    assert_eq!(bad.len(), expect.len(), "{bad:#?}");
    for (message, expect) in bad.iter().zip(expect) {
        assert!(message.ends_with(expect) && message.contains("bad.csv:"), "{message}");
    }
}

#[test]
fn bad_hosts_and_plain_lines() {
    let options = ListOptions::new("hosts", ListKind::Block);
    let reader = ListReader::open(&fixture("bad-hosts.txt"), ListFormat::Hosts, &options).unwrap();
    let (good, bad) = split(reader);
    let kept: Vec<&str> = good.iter().map(|l| &*l.indicator).collect();
    assert_eq!(kept, ["good1.example", "good2.example", "good4.example", "good5.example"]);
    let lines: Vec<&str> =
        bad.iter().map(|m| m.split(": ").next().unwrap().rsplit(':').next().unwrap()).collect();
    assert_eq!(lines, ["4", "5", "6", "7"], "{bad:#?}");
    assert!(bad[2].contains("bad domain \"bad..name\""), "{}", bad[2]);

    let reader = ListReader::open(&fixture("bad-plain.txt"), ListFormat::Plain, &options).unwrap();
    let (good, bad) = split(reader);
    let kept: Vec<&str> = good.iter().map(|l| &*l.indicator).collect();
    assert_eq!(kept, ["good1.example", "good2.example", "good3.example"]);
    assert_eq!(bad.len(), 4, "{bad:#?}");
    assert!(bad[0].ends_with(":4: not an IP address, network, URL or host name: \"999.999.1.1\""));
    assert!(bad[3].ends_with(":8: bad URL \"http://\": no host"), "{}", bad[3]);
}

#[test]
fn unreadable_inputs_are_fatal() {
    let error = MaltrailReader::open_trails(Path::new("/nonexistent")).unwrap_err();
    assert!(
        error.is_fatal() && error.to_string().starts_with("/nonexistent: cannot list the folder")
    );

    let mut reader = MaltrailReader::open_helper(
        Path::new("/nonexistent/whitelist.txt"),
        MaltrailHelper::Whitelist,
    );
    let error = reader.next().unwrap().unwrap_err();
    assert!(
        error.is_fatal()
            && error.to_string().starts_with("/nonexistent/whitelist.txt: cannot open")
    );
    assert!(reader.next().is_none());
}
