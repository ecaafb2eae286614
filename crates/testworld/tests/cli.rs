//! The binary writes what the library writes.

use std::process::Command;

use nshunt_testworld::{Style, World, WorldConfig};

fn run(args: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_nshunt-testworld")).args(args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

fn world() -> World {
    World::new(WorldConfig::new(5, 3_000, "org")).unwrap()
}

#[test]
fn zone_matches_the_library() {
    for (style, name) in [(Style::Czds, "czds"), (Style::Master, "master")] {
        let mut expected = Vec::new();
        world().write_zone(&mut expected, style).unwrap();

        let args = ["zone", "--domains", "3000", "--seed", "5", "--tld", "org", "--style", name];
        assert!(run(&args) == expected, "{name} differs");
    }
}

#[test]
fn expected_prints_the_ground_truth_as_tsv() {
    let text =
        String::from_utf8(run(&["expected", "--domains", "3000", "--seed", "5", "--tld", "org"]))
            .unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("ns_domain\trecords\thosts\tdomains\tttl_sum"));

    let truth = world().expected_ns_stats();
    let rows: Vec<String> = truth
        .iter()
        .map(|(n, s)| format!("{n}\t{}\t{}\t{}\t{}", s.records, s.hosts, s.domains, s.ttl_sum))
        .collect();
    assert_eq!(lines.collect::<Vec<_>>(), rows);
}

#[test]
fn bad_options_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_nshunt-testworld"))
        .args(["zone", "--domains", "10", "--crimeware", "999"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "));
}
