//! `nshunt collect` against real servers: NSD serving the collection
//! lab of the test world and Unbound resolving it, both on loopback
//! (`scripts/dns-servers.sh`). The collected observations must equal
//! what the lab's zones define, and every failure kind must be stored
//! as its own outcome.
//!
//! Tests that need the servers are ignored by a plain `cargo test`;
//! `scripts/test.sh` starts the servers and runs them. The timeout and
//! loopback-guard tests need no server and always run.

mod common;

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::Env;
use nshunt_store::{CollectionResult, SqliteStore};
use nshunt_testworld::{Lab, LabKind, LabRecord, LabServers};

fn server(var: &str, default: Option<&str>) -> SocketAddr {
    let value = std::env::var(var).ok().or(default.map(str::to_owned)).unwrap_or_else(|| {
        panic!("{var} is not set: run scripts/test.sh, which starts NSD and Unbound")
    });
    value.parse().unwrap()
}

fn resolver() -> String {
    server("NSHUNT_TEST_RESOLVER", None).to_string()
}

/// The lab `scripts/dns-servers.sh` serves.
fn lab() -> Lab {
    let ip = |addr: SocketAddr| match addr.ip() {
        std::net::IpAddr::V4(v4) => v4,
        std::net::IpAddr::V6(_) => panic!("the lab servers are IPv4"),
    };
    let main = ip(server("NSHUNT_TEST_AUTHORITATIVE", None));
    let lame = ip(server("NSHUNT_TEST_LAME", Some("127.0.0.4:53")));
    Lab::new(7, "test", 60, LabServers { main, lame })
}

/// `nshunt collect` with the test resolver and the loopback guard on.
fn collect(env: &Env, extra: &[&str]) -> serde_json::Value {
    let resolver = resolver();
    let mut args = vec!["collect", "--resolver", &resolver, "--format", "json"];
    args.extend(extra);
    let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "collect {extra:?} failed:\n{stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// (name, type, rdata, ttl) of every stored observation of `name`.
fn observed(env: &Env, name: &str) -> BTreeSet<(String, String, String, u64)> {
    let text = env.ok(&["export", "cof", "--all-sources", "--name", name]);
    text.lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let s = |k: &str| row[k].as_str().unwrap().to_owned();
            (s("rrname"), s("rrtype"), s("rdata"), row["ttl"].as_u64().unwrap())
        })
        .collect()
}

fn expected(records: &[LabRecord]) -> BTreeSet<(String, String, String, u64)> {
    records
        .iter()
        .map(|r| (r.name.clone(), r.rtype.to_owned(), r.rdata.clone(), u64::from(r.ttl)))
        .collect()
}

fn results(env: &Env, domain: &str) -> Vec<CollectionResult> {
    SqliteStore::open_read_only(&env.store()).unwrap().collection_results(domain).unwrap()
}

/// The outcome of the one query of `qtype` to `server` for `domain`.
fn outcome(results: &[CollectionResult], name: &str, qtype: u16, server: &str) -> String {
    let found: Vec<&CollectionResult> = results
        .iter()
        .filter(|r| r.name == name && r.qtype == qtype && r.server == server)
        .collect();
    assert_eq!(found.len(), 1, "{name}/{qtype} at {server}: {results:#?}");
    found[0].outcome.clone()
}

#[test]
#[ignore = "needs NSD and Unbound on loopback: run scripts/test.sh"]
fn collected_records_equal_the_lab_zones() {
    let env = Env::new();
    let lab = lab();
    let sample: Vec<_> = lab.domains().iter().step_by(4).collect();
    let mut args: Vec<&str> = sample.iter().map(|d| d.name.as_str()).collect();
    args.push("--force");

    let summary = collect(&env, &args);
    assert_eq!(summary["domains"].as_u64().unwrap(), sample.len() as u64);
    assert_eq!(summary["outcomes"]["timeout"], 0, "{summary:#}");

    let ptrs = lab.ptrs();
    for domain in &sample {
        assert_eq!(observed(&env, &domain.name), expected(&domain.records), "{}", domain.name);

        for address in domain.records.iter().filter(|r| r.rtype == "A" || r.rtype == "AAAA") {
            let reverse = reverse_of(&address.rdata);
            let want: Vec<LabRecord> = ptrs.iter().filter(|p| p.name == reverse).cloned().collect();
            assert_eq!(observed(&env, &reverse), expected(&want), "PTR of {}", address.rdata);
        }
    }
}

#[test]
#[ignore = "needs NSD and Unbound on loopback: run scripts/test.sh"]
fn every_failure_kind_is_recorded_as_its_own_kind() {
    let env = Env::new();
    let lab = lab();
    let main = server("NSHUNT_TEST_AUTHORITATIVE", None).to_string();
    let lame = server("NSHUNT_TEST_LAME", Some("127.0.0.4:53")).to_string();
    let resolver = resolver();
    let crimeware = lab.domains().iter().find(|d| d.kind == LabKind::Crimeware).unwrap();
    let names = [
        lab.lame_domain(),
        lab.partly_lame_domain(),
        lab.servfail_domain(),
        lab.missing_domain(),
        "example.com".to_owned(),
        crimeware.name.clone(),
    ];
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend(["--force", "--retries", "0"]);
    collect(&env, &args);

    // Lame: the resolver fails, the parent refers to a server that
    // refuses the zone.
    let r = results(&env, &lab.lame_domain());
    assert_eq!(outcome(&r, &lab.lame_domain(), 2, &resolver), "servfail");
    assert_eq!(outcome(&r, &lab.lame_domain(), 2, &main), "answer", "the parent's referral");
    assert_eq!(outcome(&r, &lab.lame_domain(), 2, &lame), "lame");

    let r = results(&env, &lab.partly_lame_domain());
    assert_eq!(outcome(&r, &lab.partly_lame_domain(), 2, &lame), "lame");
    assert_eq!(outcome(&r, &lab.partly_lame_domain(), 2, &main), "answer");
    assert_eq!(observed(&env, &lab.partly_lame_domain()), expected(&lab.partly_lame_records()));

    let r = results(&env, &lab.servfail_domain());
    assert_eq!(outcome(&r, &lab.servfail_domain(), 2, &resolver), "servfail");
    assert!(r.iter().any(|q| q.server == main && q.outcome == "servfail"), "{r:#?}");

    let r = results(&env, &lab.missing_domain());
    assert_eq!(outcome(&r, &lab.missing_domain(), 2, &resolver), "nxdomain");
    assert!(observed(&env, &lab.missing_domain()).is_empty());

    let r = results(&env, "example.com");
    assert_eq!(outcome(&r, "example.com", 2, &resolver), "refused");

    // NODATA: a crimeware domain has no AAAA, no apex has a CNAME.
    let r = results(&env, &crimeware.name);
    assert_eq!(outcome(&r, &crimeware.name, 28, &main), "nodata");
    assert_eq!(outcome(&r, &crimeware.name, 5, &main), "nodata");
}

#[test]
fn a_silent_server_times_out_and_bad_names_are_reported() {
    let env = Env::new();
    let silent = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let resolver = silent.local_addr().unwrap().to_string();
    let list = env.path("domains.txt");
    std::fs::write(&list, "# a list\nquiet.example\nbad..name\n\nstill.example\n").unwrap();

    let args = [
        "collect",
        "--resolver",
        &resolver,
        "--file",
        list.to_str().unwrap(),
        "--timeout",
        "200ms",
        "--retries",
        "1",
        "--backoff",
        "10ms",
        "--format",
        "json",
    ];
    let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("domains.txt:3"), "the bad line is named: {stderr}");

    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["invalid"], 1);
    assert_eq!(summary["domains"], 2);
    let r = results(&env, "quiet.example");
    assert_eq!(outcome(&r, "quiet.example", 2, &resolver), "timeout");
    assert_eq!(r[0].attempts, 2, "one retry");
    drop(silent);
}

/// `collect` against a resolver that never answers, quickly.
fn collect_silently(env: &Env, resolver: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["collect", "--resolver", resolver, "--timeout", "100ms"];
    args.extend(["--retries", "0", "--format", "json"]);
    args.extend(extra);
    env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap()
}

#[test]
fn lines_not_utf8_or_not_sendable_are_invalid_and_named() {
    let env = Env::new();
    let silent = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let resolver = silent.local_addr().unwrap().to_string();
    let mut list: Vec<u8> = b"quiet.example\n\xff\xfe.example\nwww space.example\n".to_vec();
    list.extend_from_slice(b"-bad-.lab.test\nx@y.example\nhttp://url.example/\n");
    list.extend_from_slice(&b"a b".repeat(3_500_000));
    list.extend_from_slice(b"\nstill.example\n");
    for _ in 0..150 {
        list.extend_from_slice(b"at@sign.example\n");
    }
    let path = env.path("domains.txt");
    std::fs::write(&path, &list).unwrap();

    let output = collect_silently(&env, &resolver, &["--file", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["domains"], 2, "{summary:#}");
    assert_eq!(summary["invalid"], 6 + 150, "{summary:#}");
    for line in 2..=7 {
        assert!(stderr.contains(&format!("domains.txt:{line}:")), "line {line}: {stderr}");
    }
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    assert!(stderr.len() < 20_000, "a huge line is not echoed whole: {} bytes", stderr.len());
    let warnings = stderr.lines().filter(|l| l.contains("skipped")).count();
    assert_eq!(warnings, 100, "warnings are capped");
    drop(silent);
}

#[test]
fn an_input_error_still_stores_the_domains_collected() {
    let env = Env::new();
    let silent = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let resolver = silent.local_addr().unwrap().to_string();
    let path = env.path("domains.txt");
    std::fs::write(&path, "quiet.example\n").unwrap();
    let missing = env.path("missing.txt");

    let files = ["--file", path.to_str().unwrap(), "--file", missing.to_str().unwrap()];
    let output = collect_silently(&env, &resolver, &files);
    assert!(!output.status.success());
    let r = results(&env, "quiet.example");
    assert_eq!(outcome(&r, "quiet.example", 2, &resolver), "timeout", "committed");
    drop(silent);
}

#[test]
fn loopback_only_refuses_other_resolvers() {
    let env = Env::new();
    let args = ["collect", "--resolver", "192.0.2.1", "example.test"];
    let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("192.0.2.1:53") && stderr.contains("NSHUNT_LOOPBACK_ONLY"), "{stderr}");
    assert!(!env.store().exists() || results(&env, "example.test").is_empty());
}

#[test]
#[ignore = "needs NSD and Unbound on loopback: run scripts/test.sh"]
fn collecting_again_extends_history_and_max_age_skips_fresh_domains() {
    let env = Env::new();
    let lab = lab();
    let domain = &lab.domains()[2].name;

    collect(&env, &[domain]);
    let first = env.ok(&["export", "cof", "--all-sources", "--name", domain]);

    let again = collect(&env, &[domain]);
    assert_eq!(again["skipped_fresh"], 1, "collected a moment ago: {again:#}");
    assert_eq!(again["domains"], 0);

    std::thread::sleep(Duration::from_millis(1100));
    let forced = collect(&env, &[domain, "--force"]);
    assert_eq!(forced["domains"], 1);

    let second = env.ok(&["export", "cof", "--all-sources", "--name", domain]);
    assert_eq!(first.lines().count(), second.lines().count(), "no duplicates:\n{second}");
    for line in second.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["count"], 2, "{line}");
        assert!(row["time_last"].as_i64() > row["time_first"].as_i64(), "{line}");
    }
    let runs: BTreeSet<i64> = results(&env, domain).iter().map(|r| r.batch_id).collect();
    assert_eq!(runs.len(), 2, "each run keeps its outcomes");

    let short = collect(&env, &[domain, "--max-age", "0s"]);
    assert_eq!(short["domains"], 1, "older than --max-age 0s");
}

/// Collected NS sets are delegations: `nshunt nameserver` counts the
/// domains collected under each name-server domain.
#[test]
#[ignore = "needs NSD and Unbound on loopback: run scripts/test.sh"]
fn collected_domains_count_in_nameserver_density() {
    use nshunt_model::{DomainName, Section, psl};

    let env = Env::new();
    let lab = lab();
    let sample: Vec<_> = lab.domains().iter().step_by(3).take(12).collect();
    let mut args: Vec<&str> = sample.iter().map(|d| d.name.as_str()).collect();
    args.push("--force");
    collect(&env, &args);

    let mut want: std::collections::BTreeMap<String, BTreeSet<&str>> = Default::default();
    for domain in &sample {
        for ns in domain.records.iter().filter(|r| r.rtype == "NS" && r.name == domain.name) {
            let host = DomainName::parse(&ns.rdata).unwrap();
            let Some(ns_domain) = psl::embedded().registered_domain(&host, Section::Icann) else {
                continue;
            };
            want.entry(ns_domain.to_string()).or_default().insert(&domain.name);
        }
    }
    assert!(!want.is_empty(), "the sample has NS sets");
    for (ns_domain, domains) in &want {
        let text = env.ok(&["nameserver", ns_domain, "--format", "json"]);
        let profile: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(profile["num_domains"], domains.len(), "{ns_domain}: {profile:#}");
    }
}

/// Queries per second of a whole collection of the lab, repeated.
#[test]
#[ignore = "benchmark: needs NSD and Unbound on loopback"]
fn bench_collect_lab() {
    let env = Env::new();
    let lab = lab();
    let list = env.path("lab.txt");
    let names: Vec<&str> = lab.domains().iter().map(|d| d.name.as_str()).collect();
    std::fs::write(&list, names.repeat(20).join("\n")).unwrap();

    let started = Instant::now();
    let summary = collect(
        &env,
        &["--file", list.to_str().unwrap(), "--force", "--rate", "0", "--server-rate", "0"],
    );
    let seconds = started.elapsed().as_secs_f64();
    let queries = summary["queries"].as_u64().unwrap();
    println!(
        "bench_collect_lab: {} domains, {queries} queries in {seconds:.2}s: {:.0} queries/s",
        summary["domains"],
        queries as f64 / seconds
    );
}

/// The reverse name of an address, as nshunt stores it.
fn reverse_of(address: &str) -> String {
    nshunt_model::ptr::reverse_name(address.parse().unwrap()).as_str().to_owned()
}

/// Where the test that stops its server runs its own NSD (port 53, so
/// that the lab's glue can point at it).
fn stoppable_address() -> Ipv4Addr {
    let text = std::env::var("NSHUNT_TEST_STOPPABLE_ADDR").unwrap_or("127.0.0.5".to_owned());
    text.parse().expect("NSHUNT_TEST_STOPPABLE_ADDR is an IPv4 address")
}

/// An NSD of the test's own, serving a lab whose every server is that
/// NSD: asked as the resolver too (it answers its zones whatever the
/// recursion bit), so the whole collection depends on it alone.
struct PrivateNsd {
    dir: tempfile::TempDir,
    address: Ipv4Addr,
    child: Option<std::process::Child>,
}

impl PrivateNsd {
    fn start(lab: &Lab, address: Ipv4Addr) -> PrivateNsd {
        let dir = tempfile::tempdir().unwrap();
        lab.write(&dir.path().join("lab")).unwrap();
        let state = dir.path().display().to_string();
        let conf = format!(
            "server:\n  ip-address: {address}@53\n  username: \"\"\n  chroot: \"\"\n  \
             zonesdir: \"{state}\"\n  database: \"\"\n  pidfile: \"{state}/nsd.pid\"\n  \
             xfrdfile: \"{state}/xfrd.state\"\n  zonelistfile: \"{state}/zone.list\"\n  \
             logfile: \"{state}/nsd.log\"\n  rrl-ratelimit: 0\n  verbosity: 1\n\
             remote-control:\n  control-enable: no\ninclude: \"{state}/lab/nsd.conf\"\n"
        );
        std::fs::write(dir.path().join("nsd.conf"), conf).unwrap();
        let mut nsd = PrivateNsd { dir, address, child: None };
        nsd.launch();
        nsd
    }

    /// Starts NSD and waits until it answers the lab zone's SOA.
    fn launch(&mut self) {
        let conf = self.dir.path().join("nsd.conf");
        let child = std::process::Command::new("nsd")
            .args(["-d", "-c"])
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nsd is installed (scripts/install-deps.sh)");
        self.child = Some(child);

        for _ in 0..100 {
            if soa_answered(self.address) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(self.dir.path().join("nsd.log")).unwrap_or_default();
        panic!("nsd on {}:53 did not answer (root is needed for port 53):\n{log}", self.address);
    }

    /// Stops NSD (SIGTERM, so that its server processes go too) and
    /// waits until it is gone.
    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let pid = child.id().to_string();
        let _ = std::process::Command::new("kill").args(["-TERM", &pid]).status();
        let _ = child.wait();
        for _ in 0..50 {
            if !soa_answered(self.address) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("nsd on {}:53 still answers after SIGTERM", self.address);
    }
}

impl Drop for PrivateNsd {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = child.id().to_string();
            let _ = std::process::Command::new("kill").args(["-TERM", &pid]).status();
            let _ = child.wait();
        }
    }
}

/// Whether `address:53` answers a SOA query for `lab.test` in 200 ms.
fn soa_answered(address: Ipv4Addr) -> bool {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    socket.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    // id 0x4e53, no flags, one question: lab.test SOA IN.
    let mut query = vec![0x4e, 0x53, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in ["lab", "test"] {
        query.push(label.len() as u8);
        query.extend_from_slice(label.as_bytes());
    }
    query.extend_from_slice(&[0, 0, 6, 0, 1]);
    if socket.send_to(&query, (address, 53)).is_err() {
        return false;
    }
    let mut buf = [0u8; 512];
    matches!(socket.recv(&mut buf), Ok(n) if n >= 4 && buf[..2] == [0x4e, 0x53])
}

/// The domains of `lab` whose last run had a failure.
fn unclean(env: &Env, lab: &Lab) -> BTreeSet<String> {
    let store = SqliteStore::open_read_only(&env.store()).unwrap();
    let names = lab.domains().iter().map(|d| d.name.clone());
    names.filter(|d| store.last_clean_collection(d).unwrap().is_none()).collect()
}

#[test]
#[ignore = "needs NSD and root (port 53 on 127.0.0.5): run scripts/test.sh"]
fn stopping_the_server_mid_run_leaves_unknowns_that_are_collected_again() {
    let env = Env::new();
    let address = stoppable_address();
    let lab =
        Lab::new(11, "test", 150, LabServers { main: address, lame: Ipv4Addr::new(127, 0, 0, 6) });
    let mut nsd = PrivateNsd::start(&lab, address);
    let list = env.path("lab.txt");
    let names: Vec<&str> = lab.domains().iter().map(|d| d.name.as_str()).collect();
    std::fs::write(&list, names.join("\n")).unwrap();

    // About ten queries a domain at 400 a second, four domains at a
    // time: the run takes about four seconds; NSD stops after one.
    let server = format!("{address}:53");
    let list_arg = list.to_str().unwrap();
    let args = [
        "collect",
        "--resolver",
        &server,
        "--file",
        list_arg,
        "--rate",
        "400",
        "--server-rate",
        "0",
        "--concurrency",
        "4",
        "--timeout",
        "300ms",
        "--retries",
        "1",
        "--backoff",
        "10ms",
        "--chunk",
        "20",
        "--format",
        "json",
    ];
    let mut command = env.command(&args);
    command.env("NSHUNT_LOOPBACK_ONLY", "1");
    let piped = std::process::Stdio::piped;
    let run = command.stdout(piped()).stderr(piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    nsd.stop();
    let output = run.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the run survives its server: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["domains"], 150, "{summary:#}");
    let failures = summary["outcomes"]["error"].as_u64().unwrap()
        + summary["outcomes"]["timeout"].as_u64().unwrap();
    assert!(failures > 0 && summary["outcomes"]["answer"].as_u64().unwrap() > 0, "{summary:#}");

    // Failures are unknowns, never negative answers: every domain
    // with no clean run has a timeout or an error on record.
    let failed = unclean(&env, &lab);
    assert!(!failed.is_empty() && failed.len() < 150, "some before, some after: {failed:?}");
    for domain in &failed {
        let r = results(&env, domain);
        let unknown = r.iter().any(|q| q.outcome == "timeout" || q.outcome == "error");
        assert!(unknown, "{domain}: {r:#?}");
    }

    // Back up: the failed domains are collected again, the others are
    // fresh, and the second run completes what the first missed.
    nsd.launch();
    let again =
        collect_with(&env, &server, &["--file", list_arg, "--rate", "0", "--server-rate", "0"]);
    assert_eq!(again["domains"], failed.len() as u64, "{again:#}");
    assert_eq!(again["skipped_fresh"], 150 - failed.len() as u64, "{again:#}");
    assert!(unclean(&env, &lab).is_empty(), "all clean after the second run");
    for domain in lab.domains().iter().filter(|d| failed.contains(&d.name)) {
        assert_eq!(observed(&env, &domain.name), expected(&domain.records), "{}", domain.name);
    }
    nsd.stop();
}

/// `nshunt collect` asking `resolver`, with the loopback guard on.
fn collect_with(env: &Env, resolver: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["collect", "--resolver", resolver, "--format", "json"];
    args.extend(extra);
    let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "collect {extra:?} failed:\n{stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_bad_query_list_line_is_named_and_nothing_is_sent() {
    let env = Env::new();
    let silent = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let list = env.path("queries.txt");
    std::fs::write(&list, "# dnsperf format\nok.example A\nbad.example NOPE\n").unwrap();

    let args = ["query-list", list.to_str().unwrap(), "--server", &server];
    let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3") && stderr.contains("NOPE"), "{stderr}");

    silent.set_nonblocking(true).unwrap();
    assert!(silent.recv(&mut [0u8; 512]).is_err(), "the list is checked before sending");
}

#[test]
fn ctrl_c_ends_a_run_whose_standard_input_stays_open() {
    let env = Env::new();
    // A closed port: every query fails at once, nothing leaves loopback.
    let mut child = env
        .command(&["--progress", "none", "collect", "--resolver", "127.0.0.1:9", "--stdin"])
        .env("NSHUNT_LOOPBACK_ONLY", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"a.test\n").unwrap();
    std::thread::sleep(Duration::from_secs(2));

    let pid = child.id().to_string();
    std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(10), "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Standard input is still open here: the run ended anyway, and kept
    // what it had collected.
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("1 domains collected (stopped"), "{stdout}");
}
