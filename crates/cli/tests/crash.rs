//! An ingest killed with SIGKILL leaves the store as it was before the
//! batch, and running it again completes.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Env, examples};
use nshunt_store::SqliteStore;
use nshunt_testworld::{Style, World, WorldConfig};

fn dump(env: &Env) -> String {
    SqliteStore::open_read_only(&env.store()).unwrap().dump_all().unwrap()
}

#[test]
fn sigkill_mid_batch_leaves_the_store_unchanged() {
    let env = Env::new();
    let root = examples().join("root.zone.2018-03-12");
    env.ok(&["ingest", "zone", root.to_str().unwrap()]);
    let before = dump(&env);

    let zone = env.path("big.zone");
    let world = World::new(WorldConfig::new(11, 300_000, "com")).unwrap();
    let file = std::io::BufWriter::new(std::fs::File::create(&zone).unwrap());
    world.write_zone(file, Style::Czds).unwrap();

    let mut child = env
        .command(&["ingest", "zone", "--progress", "plain", zone.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let started = Instant::now();
    for line in stderr.lines() {
        let line = line.unwrap();
        if line.starts_with("progress:") && line.contains("records=") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no progress line");
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the ingest finished before it was killed");

    assert_eq!(dump(&env), before, "a killed batch changed the store");

    env.ok(&["ingest", "zone", zone.to_str().unwrap()]);
    let info = env.json(&["store", "info"]);
    assert_eq!(info["batches"].as_array().unwrap().len(), 2, "{info}");
}
