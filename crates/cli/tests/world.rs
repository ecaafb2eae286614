//! `zone stats` on generated worlds equals the generator's ground truth,
//! in both the CZDS and the general master-file style, compressed or not.

mod common;

use std::collections::BTreeMap;
use std::io::Write;

use common::Env;
use nshunt_testworld::{Style, World, WorldConfig};

fn stats(env: &Env, file: &str, extra: &[&str]) -> BTreeMap<String, [u64; 3]> {
    let mut args = vec!["zone", "stats", "--format", "ndjson", file];
    args.extend(extra);
    env.ok(&args)
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let n = |k: &str| row[k].as_u64().unwrap();
            (
                row["ns_domain"].as_str().unwrap().to_owned(),
                [n("hosts"), n("domains"), n("records")],
            )
        })
        .collect()
}

fn truth(world: &World) -> BTreeMap<String, [u64; 3]> {
    world
        .expected_ns_stats()
        .into_iter()
        .map(|(k, s)| (k, [s.hosts, s.domains, s.records]))
        .collect()
}

fn write(env: &Env, world: &World, name: &str, style: Style) -> String {
    let path = env.path(name);
    world
        .write_zone(std::io::BufWriter::new(std::fs::File::create(&path).unwrap()), style)
        .unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn czds_fast_path_in_parallel_matches_the_ground_truth() {
    let env = Env::new();
    let world = World::new(WorldConfig::new(3, 120_000, "com")).unwrap();
    let file = write(&env, &world, "w.zone", Style::Czds);
    assert!(std::fs::metadata(&file).unwrap().len() > 8 << 20, "too small to split");

    assert_eq!(stats(&env, &file, &["--threads", "2"]), truth(&world));
    assert_eq!(stats(&env, &file, &["--threads", "1"]), truth(&world));
}

#[test]
fn master_style_general_reader_matches_the_ground_truth() {
    let env = Env::new();
    let world = World::new(WorldConfig::new(5, 20_000, "co.uk")).unwrap();
    let file = write(&env, &world, "w.zone", Style::Master);
    assert_eq!(stats(&env, &file, &[]), truth(&world));
}

#[test]
fn gzip_and_xz_inputs_match_the_ground_truth() {
    let env = Env::new();
    let world = World::new(WorldConfig::new(9, 10_000, "net")).unwrap();
    let mut plain = Vec::new();
    world.write_zone(&mut plain, Style::Czds).unwrap();

    let gz_path = env.path("w.zone.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&plain).unwrap();
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    assert_eq!(stats(&env, gz_path.to_str().unwrap(), &[]), truth(&world));

    let xz_path = env.path("w.zone.xz");
    let mut xz = xz2::write::XzEncoder::new(Vec::new(), 1);
    xz.write_all(&plain).unwrap();
    std::fs::write(&xz_path, xz.finish().unwrap()).unwrap();
    assert_eq!(stats(&env, xz_path.to_str().unwrap(), &[]), truth(&world));
}

#[test]
fn ingested_world_gives_the_same_num_domains() {
    let env = Env::new();
    let world = World::new(WorldConfig::new(13, 5_000, "com")).unwrap();
    let file = write(&env, &world, "w.zone", Style::Czds);
    env.ok(&["ingest", "zone", "--date", "2026-11-30", &file]);

    let truth = truth(&world);
    let crime = world.crimeware_ns_domain();
    let profile = env.json(&["nameserver", crime]);
    assert_eq!(profile["num_domains"].as_u64().unwrap(), truth[crime][1]);
    assert_eq!(profile["hosts"].as_array().unwrap().len() as u64, truth[crime][0]);

    let seed = &world.crimeware_domains()[0];
    let view = env.json(&["domain", seed]);
    assert_eq!(view["nsdomaininfo"][0]["ns_domain"], crime);
    assert_eq!(view["nsdomaininfo"][0]["num_domains"].as_u64().unwrap(), truth[crime][1]);
}
