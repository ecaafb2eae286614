//! The generated world, served by a real NSD and resolved through a real
//! Unbound (both started on loopback by `scripts/dns-servers.sh`), says
//! what the generator wrote: the zone is valid for a real server, and the
//! resolver leaks nothing outside the test world.
//!
//! Ignored by a plain `cargo test` because it needs those servers;
//! `scripts/test.sh` starts them and runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use nshunt_testworld::{Style, World, WorldConfig};

/// The world `scripts/dns-servers.sh` serves.
fn served_world() -> World {
    World::new(WorldConfig::new(7, 2000, "test")).unwrap()
}

fn server(var: &str) -> (String, String) {
    let value = std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run scripts/test.sh, which starts NSD and Unbound")
    });
    let (addr, port) = value.rsplit_once(':').unwrap();
    (addr.to_owned(), port.to_owned())
}

/// `drill` output for one question.
fn drill(server: &(String, String), name: &str, rtype: &str) -> String {
    let output = Command::new("drill")
        .args(["-p", &server.1, &format!("@{}", server.0), name, rtype])
        .output()
        .expect("drill (Debian ldnsutils) is missing: run scripts/install-deps.sh");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// NS targets per delegated owner, from the world's CZDS text.
fn delegations(world: &World) -> BTreeMap<String, BTreeSet<String>> {
    let mut text = Vec::new();
    world.write_zone(&mut text, Style::Czds).unwrap();
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8(text).unwrap().lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() == 5 && f[3] == "ns" && f[0] != "test." {
            map.entry(f[0].to_owned()).or_default().insert(f[4].to_owned());
        }
    }
    map
}

/// NS records of `owner` in any section of a drill answer.
fn ns_in(answer: &str, owner: &str) -> BTreeSet<String> {
    answer
        .lines()
        .filter(|l| !l.starts_with(';'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.len() == 5 && f[0].eq_ignore_ascii_case(owner) && f[3] == "NS")
        .map(|f| f[4].to_lowercase())
        .collect()
}

#[test]
#[ignore = "needs NSD and Unbound on loopback: run scripts/test.sh"]
fn nsd_refers_every_sampled_delegation_as_generated() {
    let nsd = server("NSHUNT_TEST_AUTHORITATIVE");
    let world = served_world();
    let delegations = delegations(&world);
    assert!(delegations.len() > 1000);

    for (owner, hosts) in delegations.iter().step_by(97) {
        let answer = drill(&nsd, owner, "NS");
        assert_eq!(&ns_in(&answer, owner), hosts, "referral for {owner}:\n{answer}");
    }
}

#[test]
#[ignore = "needs NSD and Unbound on loopback: run scripts/test.sh"]
fn unbound_resolves_the_world_and_refuses_the_rest() {
    let unbound = server("NSHUNT_TEST_RESOLVER");

    let soa = drill(&unbound, "test", "SOA");
    assert!(soa.contains("rcode: NOERROR") && soa.contains("\tSOA\t"), "{soa}");

    let outside = drill(&unbound, "example.com", "A");
    assert!(
        outside.contains("rcode: REFUSED"),
        "a name outside the world was not refused:\n{outside}"
    );
}
