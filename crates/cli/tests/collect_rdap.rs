//! `nshunt collect --rdap` against an RDAP server written here: a small
//! HTTP/1.1 server on 127.0.0.1 that serves the real samples in
//! `../shared/data/rdap`, answers 404, garbage or 429 with
//! `Retry-After` as a test scripts it, and logs when each request came.
//! Every test sets `NSHUNT_LOOPBACK_ONLY=1`; none needs a DNS server.

mod common;

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Env, shared_data};
use nshunt_store::{RegistrationStatus, SqliteStore};

/// One scripted answer.
#[derive(Debug, Clone)]
enum Reply {
    /// 200 with this body (`Content-Length`).
    Ok(Vec<u8>),
    /// 200 with this body in chunks.
    Chunked(Vec<u8>),
    /// 404 with an RDAP error object.
    NotFound,
    /// 429 with this `Retry-After`.
    TooMany(&'static str),
    /// These bytes and nothing else.
    Raw(&'static [u8]),
}

/// The test's RDAP server.
struct RdapServer {
    port: u16,
    /// Per path: answers given in turn, the last one for ever after.
    script: Arc<Mutex<HashMap<String, VecDeque<Reply>>>>,
    /// (path, when) of every request.
    log: Arc<Mutex<Vec<(String, Instant)>>>,
}

impl RdapServer {
    fn start() -> RdapServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = RdapServer { port, script: Arc::default(), log: Arc::default() };
        let (script, log) = (server.script.clone(), server.log.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (script, log) = (script.clone(), log.clone());
                std::thread::spawn(move || serve(stream, &script, &log));
            }
        });
        server
    }

    /// Scripts the answers for `/domain/<domain>`.
    fn on(&self, domain: &str, replies: &[Reply]) {
        let path = format!("/domain/{domain}");
        self.script.lock().unwrap().insert(path, replies.iter().cloned().collect());
    }

    /// When each request for `domain` came.
    fn requests(&self, domain: &str) -> Vec<Instant> {
        let path = format!("/domain/{domain}");
        let log = self.log.lock().unwrap();
        log.iter().filter(|(p, _)| *p == path).map(|(_, at)| *at).collect()
    }

    /// A bootstrap file sending `.cz` (and `.test`) here.
    fn bootstrap(&self, env: &Env) -> String {
        let url = format!("http://127.0.0.1:{}/", self.port);
        let json = format!(
            r#"{{"version": "1.0", "services": [[["cz", "test"], ["{url}"]], [["nl"], ["http://192.0.2.1/"]], [["de"], ["https://rdap.denic.example/"]]]}}"#
        );
        let path = env.path("dns.json");
        std::fs::write(&path, json).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

fn serve(
    stream: TcpStream,
    script: &Mutex<HashMap<String, VecDeque<Reply>>>,
    log: &Mutex<Vec<(String, Instant)>>,
) {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    log.lock().unwrap().push((path.clone(), Instant::now()));

    let reply = {
        let mut script = script.lock().unwrap();
        match script.get_mut(&path) {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        }
    };
    let mut out = &stream;
    let _ = out.write_all(&response(reply.unwrap_or(Reply::NotFound)));
}

fn response(reply: Reply) -> Vec<u8> {
    let with_body = |status: &str, extra: &str, body: &[u8]| {
        let mut bytes = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/rdap+json\r\n{extra}\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        bytes.extend_from_slice(body);
        bytes
    };
    match reply {
        Reply::Ok(body) => with_body("200 OK", "", &body),
        Reply::NotFound => {
            let body = br#"{"errorCode": 404, "title": "Not Found"}"#;
            with_body("404 Not Found", "", body)
        }
        Reply::TooMany(after) => {
            with_body("429 Too Many Requests", &format!("Retry-After: {after}\r\n"), b"{}")
        }
        Reply::Chunked(body) => {
            let mut bytes = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            for chunk in body.chunks(1000) {
                bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                bytes.extend_from_slice(chunk);
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(b"0\r\n\r\n");
            bytes
        }
        Reply::Raw(bytes) => bytes.to_vec(),
    }
}

fn sample(path: &str) -> Vec<u8> {
    std::fs::read(shared_data().join("rdap").join(path)).unwrap()
}

fn example_cz() -> Vec<u8> {
    sample("rdap/rdap.nic.cz/domain-example.cz.json")
}

/// `nshunt collect --rdap` with the loopback guard on; the summary.
fn collect_rdap(env: &Env, bootstrap: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["collect", "--rdap", "--rdap-bootstrap", bootstrap, "--format", "json"];
    args.extend(extra);
    let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "collect --rdap {extra:?} failed:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn status(env: &Env, domain: &str) -> (RegistrationStatus, nshunt_store::RegistrationView) {
    let store = SqliteStore::open_read_only(&env.store()).unwrap();
    let view = store.registration(domain, i64::MAX / 2).unwrap().unwrap();
    (view.status, view)
}

#[test]
fn answers_are_stored_as_registrations_and_failures_as_unknown() {
    let env = Env::new();
    let server = RdapServer::start();
    server.on("example.cz", &[Reply::Ok(example_cz())]);
    server.on("chunked.cz", &[Reply::Chunked(example_cz())]);
    server.on("broken.cz", &[Reply::Ok(sample("misc/malformed.json"))]);
    server.on("empty.cz", &[Reply::Ok(sample("misc/empty.html"))]);
    server.on("ns.cz", &[Reply::Ok(sample("rdap/rdap.nic.cz/nameserver-ns2.pipni.cz.json"))]);
    server.on("garbage.cz", &[Reply::Raw(b"SSH-2.0-OpenSSH\r\n\xff\xfe\r\n\r\n")]);
    server.on("short.cz", &[Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n{}")]);
    server
        .on("teapot.cz", &[Reply::Raw(b"HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n")]);
    let bootstrap = server.bootstrap(&env);
    let list = env.path("domains.txt");
    let names = "example.cz\nwww.example.cz\nmissing.cz\nchunked.cz\nbroken.cz\nempty.cz\n\
                 ns.cz\ngarbage.cz\nshort.cz\nteapot.cz\nbad..name\nexample.zz\n";
    std::fs::write(&list, names).unwrap();

    let summary =
        collect_rdap(&env, &bootstrap, &["--file", list.to_str().unwrap(), "--rdap-rate", "0"]);
    assert_eq!(summary["invalid"], 1, "{summary:#}");
    assert_eq!(summary["domains"], 10, "www.example.cz asks example.cz once: {summary:#}");
    assert_eq!(server.requests("example.cz").len(), 1);
    let registrations = &summary["registrations"];
    assert_eq!(registrations["registered"], 2, "{summary:#}");
    assert_eq!(registrations["not_registered"], 1, "{summary:#}");
    assert_eq!(registrations["unknown"], 6, "{summary:#}");
    assert_eq!(summary["failures"]["error"], 6, "{summary:#}");
    assert_eq!(summary["failures"]["no_server"], 1, "{summary:#}");

    let (status_of, view) = status(&env, "example.cz");
    assert_eq!(status_of, RegistrationStatus::Registered);
    assert_eq!(view.source, "rdap");
    assert!(view.registrar.is_some() && view.created.is_some(), "{view:#?}");
    assert_eq!(status(&env, "chunked.cz").1.registrar, view.registrar);
    assert_eq!(status(&env, "missing.cz").0, RegistrationStatus::NotRegistered);
    for unknown in ["broken.cz", "empty.cz", "ns.cz", "garbage.cz", "short.cz", "teapot.cz"] {
        assert_eq!(status(&env, unknown).0, RegistrationStatus::Unknown, "{unknown}");
    }

    // Known answers are fresh; unknowns are asked again.
    let again =
        collect_rdap(&env, &bootstrap, &["--file", list.to_str().unwrap(), "--rdap-rate", "0"]);
    assert_eq!(again["skipped_fresh"], 3, "{again:#}");
    assert_eq!(again["domains"], 7, "{again:#}");
    assert_eq!(server.requests("example.cz").len(), 1);
    assert_eq!(server.requests("broken.cz").len(), 2);
}

#[test]
fn a_429_holds_the_server_for_its_retry_after() {
    let env = Env::new();
    let server = RdapServer::start();
    server.on("example.cz", &[Reply::TooMany("1"), Reply::Ok(example_cz())]);
    let bootstrap = server.bootstrap(&env);

    let summary =
        collect_rdap(&env, &bootstrap, &["example.cz", "--rdap-rate", "0", "--retries", "2"]);
    assert_eq!(summary["registrations"]["registered"], 1, "{summary:#}");
    assert_eq!(summary["requests"], 2, "{summary:#}");
    let at = server.requests("example.cz");
    assert!(at[1] - at[0] >= Duration::from_millis(950), "asked again after {:?}", at[1] - at[0]);

    // Longer than --rdap-max-wait: unknown, and the server's other
    // domains are not sent while it holds.
    server.on("slow.cz", &[Reply::TooMany("3600")]);
    let started = Instant::now();
    let args =
        ["slow.cz", "other.cz", "--concurrency", "1", "--rdap-rate", "0", "--rdap-max-wait", "2s"];
    let summary = collect_rdap(&env, &bootstrap, &args);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(summary["failures"]["rate_limited"], 2, "{summary:#}");
    assert_eq!(summary["registrations"]["unknown"], 2, "{summary:#}");
    assert_eq!(server.requests("slow.cz").len(), 1);
    assert!(server.requests("other.cz").is_empty(), "held: nothing sent");
    assert_eq!(status(&env, "slow.cz").0, RegistrationStatus::Unknown);
}

#[test]
fn each_server_has_its_own_rate_limit() {
    let env = Env::new();
    let server = RdapServer::start();
    let bootstrap = server.bootstrap(&env);

    let domains = ["a.cz", "b.cz", "c.cz", "d.cz"];
    let mut args = domains.to_vec();
    args.extend(["--rdap-rate", "4"]);
    let summary = collect_rdap(&env, &bootstrap, &args);
    assert_eq!(summary["registrations"]["not_registered"], 4, "{summary:#}");

    let mut at: Vec<Instant> = domains.iter().flat_map(|d| server.requests(d)).collect();
    at.sort();
    let span = at[3] - at[0];
    assert!(span >= Duration::from_millis(700), "4 requests at 4/s took {span:?}");
}

#[test]
fn the_loopback_guard_and_the_plain_http_rule_refuse_before_sending() {
    let env = Env::new();
    let server = RdapServer::start();
    let bootstrap = server.bootstrap(&env);

    // .nl: plain http to 192.0.2.1; .de: https to a host name, which
    // the guard refuses to look up.
    let summary = collect_rdap(&env, &bootstrap, &["example.nl", "example.de"]);
    assert_eq!(summary["failures"]["blocked"], 2, "{summary:#}");
    assert_eq!(summary["registrations"]["unknown"], 2, "{summary:#}");
    assert_eq!(summary["requests"], 0, "{summary:#}");

    // Without a bootstrap file, IANA's would be fetched: refused.
    let args = ["collect", "--rdap", "example.cz"];
    let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--rdap-bootstrap") && stderr.contains("NSHUNT_LOOPBACK_ONLY"),
        "{stderr}"
    );
}

#[test]
fn a_bad_bootstrap_file_is_an_error_naming_it() {
    let env = Env::new();
    let malformed = shared_data().join("rdap/bootstrap_malformed");
    for file in ["dns_bad_url.json", "dns_syntax_error.json", "dns_empty.json"] {
        let path = malformed.join(file);
        let args = ["collect", "--rdap", "--rdap-bootstrap", path.to_str().unwrap(), "example.cz"];
        let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(file), "{file}: {stderr}");
    }

    let asn = shared_data().join("rdap/bootstrap/asn.json");
    let args = ["collect", "--rdap", "--rdap-bootstrap", asn.to_str().unwrap(), "example.cz"];
    let output = env.command(&args).env("NSHUNT_LOOPBACK_ONLY", "1").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("dns.json"));
}
