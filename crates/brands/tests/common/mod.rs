//! Inputs the graded tests share: the real benign domain lists and the
//! dnstwist installation.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The real data beside the repository (`../shared/data`).
pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The benign lists of `../shared/data/domains`: zone walks and public
/// lists of ordinary domains. Malware, DGA and brand-specific lists are
/// left out on purpose.
pub const BENIGN_LISTS: &[&str] = &[
    "com-domain-names.txt.xz",
    "net-domain-names.txt",
    "org-domain-names.txt",
    "uk-domain-names.txt.xz",
    "eu-domain-names.txt.xz",
    "fr-domain-names.txt.xz",
    "comdotbr-domain-names.txt.xz",
    "co-domain-records.txt.xz",
    "edu-domain-names.txt",
    "gov-domain-names.txt",
    "adstxt-alexa-domains.txt",
];

/// Reads a list, plain or xz; `None` when it is not there.
pub fn read_list(name: &str) -> Option<String> {
    let path = shared_data().join("domains").join(name);
    let bytes = std::fs::read(&path).ok()?;
    let mut text = String::new();
    if name.ends_with(".xz") {
        xz2::read::XzDecoder::new(&bytes[..]).read_to_string(&mut text).ok()?;
    } else {
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    Some(text)
}

/// Every distinct benign name, in list order. The zone-record lists
/// (`co-domain-records`) hold the owner name first.
pub fn benign_names() -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for list in BENIGN_LISTS {
        let text = read_list(list).unwrap_or_else(|| {
            panic!(
                "missing {list} in {}: the graded tests need ../shared/data",
                shared_data().display()
            )
        });
        for line in text.lines() {
            let Some(first) = line.split_whitespace().next() else { continue };
            if first.starts_with('#') || !first.contains('.') {
                continue;
            }
            let name = first.trim_end_matches('.').to_ascii_lowercase();
            if seen.insert(name.clone()) {
                out.push(name);
            }
        }
    }
    out
}

/// The Python with dnstwist installed: `NSHUNT_DNSTWIST_PYTHON`, the
/// venv `scripts/install-deps.sh` makes, or the system's `python3`.
/// `None` when none of them can import dnstwist.
pub fn dnstwist_python() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(p) = std::env::var_os("NSHUNT_DNSTWIST_PYTHON") {
        candidates.push(PathBuf::from(p));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(Path::new(&home).join(".cache/nshunt/venv/bin/python"));
    }
    candidates.push(PathBuf::from("python3"));
    candidates.into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import dnstwist"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The dnstwist Python, or a clear failure under CI (`CI=true`) and a
/// loud note elsewhere (`None`: the caller returns).
pub fn require_dnstwist(test: &str) -> Option<PathBuf> {
    if let Some(python) = dnstwist_python() {
        return Some(python);
    }
    let message = format!(
        "{test}: dnstwist is not installed (run scripts/install-deps.sh, or set \
         NSHUNT_DNSTWIST_PYTHON to a Python that can import dnstwist)"
    );
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{message}");
    }
    eprintln!("NOT RUN: {message}");
    None
}

/// dnstwist's permutations of `domains`, by the library: one
/// `(domain, fuzzer, permutation)` a line.
pub fn dnstwist_permutations(python: &Path, domains: &[&str]) -> Vec<(String, String, String)> {
    let script = r#"
import sys, dnstwist
for d in sys.argv[1:]:
    f = dnstwist.Fuzzer(d)
    f.generate()
    for p in f.domains:
        print(d, p['fuzzer'], p['domain'])
"#;
    let output = Command::new(python).arg("-c").arg(script).args(domains).output().unwrap();
    assert!(output.status.success(), "dnstwist: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut it = l.split(' ');
            Some((it.next()?.into(), it.next()?.into(), it.next()?.into()))
        })
        .collect()
}
