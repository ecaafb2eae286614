mod common;
use nshunt_brands::{Catalogue, Detector};
use std::collections::HashMap;

#[test]
#[ignore]
fn explore_benign() {
    let names = common::benign_names();
    let detector = Detector::new(&Catalogue::shipped());
    let t = std::time::Instant::now();
    let mut flagged = 0;
    let mut by: HashMap<String, usize> = HashMap::new();
    let mut examples: HashMap<String, Vec<String>> = HashMap::new();
    for n in &names {
        let Ok(found) = detector.detect_str(n) else { continue };
        if let Some(m) = found.first() {
            flagged += 1;
            let key = format!("{} {} {:?}", m.keyword, m.kind.as_str(), m.operation);
            *by.entry(key.clone()).or_default() += 1;
            let ex = examples.entry(key).or_default();
            if ex.len() < 4 { ex.push(n.clone()); }
        }
    }
    println!("{} names, {} flagged ({:.2}%), {:?}", names.len(), flagged, flagged as f64 * 100.0 / names.len() as f64, t.elapsed());
    let mut v: Vec<_> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1));
    let mut kinds: HashMap<String, usize> = HashMap::new(); for (k, c) in &v { *kinds.entry(k.split(' ').skip(1).collect::<Vec<_>>().join(" ")).or_default() += c; } let mut kv: Vec<_> = kinds.into_iter().collect(); kv.sort_by(|a, b| b.1.cmp(&a.1)); println!("{kv:?}");
    for (k, c) in v.iter().filter(|(k, _)| k.contains("segmented") && (5..=6).contains(&k.split(' ').next().unwrap().len())).take(40) { println!("{c:6} {k}  {:?}", examples[k]); }
}

#[test]
#[ignore]
fn explore_dnstwist_misses() {
    let detector = Detector::new(&Catalogue::shipped());
    let text = std::fs::read_to_string("/tmp/dt_perms.txt").unwrap();
    let mut out = String::new();
    for l in text.lines() {
        let v: Vec<&str> = l.split(' ').collect();
        if v[1] == "*original" { continue; }
        let brand = v[0].split('.').next().unwrap();
        let m = detector.detect_str(v[2]).unwrap_or_default();
        if !m.iter().any(|m| m.brand == brand) {
            let lab = v[2].split('.').next().unwrap();
            let read = lab.strip_prefix("xn--").and_then(idna::punycode::decode_to_string).map(|u| format!("{u} {}", nshunt_brands::fold::skeleton(&u))).unwrap_or_default();
            out.push_str(&format!("{} {} {} {}\n", v[1], v[2], read, m.first().map(|m| m.brand.as_str()).unwrap_or("-")));
        }
    }
    std::fs::write("/tmp/misses.txt", out).unwrap();
}
