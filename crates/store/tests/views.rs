//! The name-server profile and the domain view on a hand-built world.
//!
//! Zone `com` has three snapshots; `other.com` leaves after the first
//! and `late.com` arrives with the third. Zone `network` has one
//! snapshot holding `dendrite.network` and the glue of its hosts.

mod common;

use common::{DAY1, DAY2, DAY3, Line, pdns, temp_store, zone};
use nshunt_store::{
    Address, DelegatedDomain, NS_AVG_TTL_NO_CHILD_SIDE, NsHost, SqliteStore, TtlStats, ZoneCount,
};
use serde_json::json;

const COM_APEX: Line<'static> = ("com", "NS", "a.gtld-servers.net", 172800);
const EXAMPLE_NS1: Line<'static> = ("example.com", "NS", "ns1.dendrite.network", 172800);
const EXAMPLE_NS2: Line<'static> = ("example.com", "NS", "ns2.dendrite.network", 172800);
const EXAMPLE_DS: Line<'static> = ("example.com", "DS", "12345 13 2 abcd", 86400);
const OTHER_NS1: Line<'static> = ("other.com", "NS", "ns1.dendrite.network", 172800);
const LATE_NS1: Line<'static> = ("late.com", "NS", "ns1.dendrite.network", 86400);
const THIRD_NS: Line<'static> = ("third.com", "NS", "ns1.elsewhere.org", 172800);

fn world() -> (tempfile::TempDir, SqliteStore) {
    let (dir, _path, mut store) = temp_store();

    zone(
        &mut store,
        "com",
        DAY1,
        &[COM_APEX, EXAMPLE_NS1, EXAMPLE_NS2, EXAMPLE_DS, OTHER_NS1, THIRD_NS],
    );
    zone(&mut store, "com", DAY2, &[COM_APEX, EXAMPLE_NS1, EXAMPLE_NS2, EXAMPLE_DS, THIRD_NS]);
    zone(&mut store, "com", DAY3, &[COM_APEX, EXAMPLE_NS1, EXAMPLE_NS2, LATE_NS1, THIRD_NS]);
    zone(
        &mut store,
        "network",
        DAY1,
        &[
            ("dendrite.network", "NS", "ns1.dendrite.network", 3600),
            ("ns1.dendrite.network", "A", "192.0.2.53", 3600),
            ("ns2.dendrite.network", "AAAA", "2001:db8::53", 3600),
        ],
    );
    (dir, store)
}

fn names(domains: &[DelegatedDomain]) -> Vec<&str> {
    domains.iter().map(|d| d.name.as_str()).collect()
}

#[test]
fn profile_as_of_the_first_snapshot() {
    let (_dir, store) = world();

    let p = store.nameserver_profile("dendrite.network", DAY1, 100, 0).unwrap().unwrap();

    assert_eq!(p.num_domains, 3);
    assert_eq!(names(&p.domains), ["dendrite.network", "example.com", "other.com"]);
    // Nothing after the as-of moment shows: the later snapshots are hidden.
    assert_eq!((p.first_seen, p.last_seen), (DAY1, DAY1));
    let ns1 = NsHost {
        host: "ns1.dendrite.network".into(),
        num_domains: 3,
        addresses: vec![Address {
            rrtype: nshunt_model::RrType::A,
            address: "192.0.2.53".into(),
            first_seen: DAY1,
            last_seen: DAY1,
        }],
    };
    assert_eq!(p.hosts[0], ns1);
    assert_eq!((p.hosts[1].host.as_str(), p.hosts[1].num_domains), ("ns2.dendrite.network", 1));
    assert_eq!(p.hosts[1].addresses[0].address, "2001:db8::53");
    let mean = (3.0 * 172800.0 + 3600.0) / 4.0;
    assert_eq!(p.delegation_ttl, Some(TtlStats { mean, min: 3600, max: 172800, records: 4 }));
    let zones = vec![
        ZoneCount { zone: "com".into(), num_domains: 2 },
        ZoneCount { zone: "network".into(), num_domains: 1 },
    ];
    assert_eq!(p.zones, zones);
    assert_eq!(p.ns_avg_ttl, None);
    assert_eq!(p.ns_avg_ttl_reason.as_deref(), Some(NS_AVG_TTL_NO_CHILD_SIDE));
}

#[test]
fn a_removed_delegation_drops_out_as_of_the_later_snapshot_only() {
    let (_dir, store) = world();
    let at = |t| store.nameserver_profile("dendrite.network", t, 100, 0).unwrap().unwrap();

    assert_eq!(at(DAY1).num_domains, 3);
    assert_eq!(at(DAY2 - 1).num_domains, 3, "still the first snapshot's world");
    assert_eq!(at(DAY2).num_domains, 2);
    assert_eq!(names(&at(DAY2).domains), ["dendrite.network", "example.com"]);
    assert_eq!(names(&at(DAY3).domains), ["dendrite.network", "example.com", "late.com"]);
    assert_eq!(
        at(DAY3).domains[2],
        DelegatedDomain {
            name: "late.com".into(),
            first_seen: DAY3,
            last_seen: DAY3,
            risk: None,
            state: None
        }
    );
}

#[test]
fn profile_pages_are_sorted_by_name() {
    let (_dir, store) = world();
    let page = |limit, offset| {
        let p = store.nameserver_profile("dendrite.network", DAY3, limit, offset).unwrap().unwrap();
        (p.num_domains, names(&p.domains).join(","))
    };

    assert_eq!(page(2, 0), (3, "dendrite.network,example.com".to_owned()));
    assert_eq!(page(2, 2), (3, "late.com".to_owned()));
    assert_eq!(page(usize::MAX, 3), (3, String::new()));
}

#[test]
fn unknown_names_and_times_before_the_data_give_none() {
    let (_dir, store) = world();

    assert_eq!(store.nameserver_profile("nowhere.net", DAY3, 10, 0).unwrap(), None);
    assert_eq!(store.nameserver_profile("dendrite.network", DAY1 - 1, 10, 0).unwrap(), None);
    assert_eq!(store.domain_view("nowhere.com", DAY3).unwrap(), None);
    assert_eq!(store.domain_view("example.com", DAY1 - 1).unwrap(), None);
}

#[test]
fn domain_view_lists_name_servers_their_figures_and_other_records() {
    let (_dir, store) = world();

    let v = store.domain_view("example.com", DAY2).unwrap().unwrap();

    assert_eq!(v.nameservers, ["ns1.dendrite.network", "ns2.dendrite.network"]);
    assert_eq!((v.first_seen, v.last_seen), (Some(DAY1), Some(DAY2)));
    assert_eq!(v.nsdomaininfo.len(), 1);
    let info = &v.nsdomaininfo[0];
    assert_eq!((info.ns_domain.as_str(), info.num_domains), ("dendrite.network", 2));
    assert_eq!(info.delegation_avg_ttl, Some((2.0 * 172800.0 + 3600.0) / 3.0));
    assert_eq!(info.ns_avg_ttl, None);
    assert_eq!(info.ns_avg_ttl_reason.as_deref(), Some(NS_AVG_TTL_NO_CHILD_SIDE));
    assert_eq!(v.records.len(), 1);
    assert_eq!((v.records[0].rrtype.to_string(), v.records[0].count), ("DS".to_owned(), 2));
    assert_eq!(v.records[0].zone.as_deref(), Some("com"));
}

#[test]
fn a_record_removed_from_a_snapshot_leaves_the_domain_view() {
    let (_dir, store) = world();

    let v = store.domain_view("example.com", DAY3).unwrap().unwrap();

    assert!(v.records.is_empty(), "the DS record is not in the third snapshot");
    assert_eq!(v.nameservers.len(), 2);
}

#[test]
fn zone_apex_name_servers_show_in_the_domain_view_but_are_not_delegations() {
    let (_dir, store) = world();

    let v = store.domain_view("com", DAY3).unwrap().unwrap();

    assert_eq!(v.nameservers, ["a.gtld-servers.net"]);
    assert_eq!(v.nsdomaininfo[0].ns_domain, "gtld-servers.net");
    assert_eq!(v.nsdomaininfo[0].num_domains, 0);
    assert_eq!(store.nameserver_profile("gtld-servers.net", DAY3, 10, 0).unwrap(), None);
}

#[test]
fn ns_avg_ttl_comes_from_child_side_observations() {
    let (_dir, mut store) = world();
    pdns(
        &mut store,
        DAY2,
        &[
            ("example.com", "A", "192.0.2.10", 300),
            ("example.com", "NS", "ns1.dendrite.network", 3600),
            ("dendrite.network", "A", "192.0.2.1", 600),
            ("www.example.com", "A", "192.0.2.11", 5),
            ("ns1.dendrite.network", "A", "192.0.2.54", 60),
        ],
    );

    let p = store.nameserver_profile("dendrite.network", DAY2, 10, 0).unwrap().unwrap();

    // example.com: mean(300, 3600) = 1950; dendrite.network: 600.
    assert_eq!(p.ns_avg_ttl, Some((1950.0 + 600.0) / 2.0));
    assert_eq!(p.ns_avg_ttl_domains, 2);
    assert_eq!(p.ns_avg_ttl_reason, None);
    assert_eq!(p.num_domains, 2, "a child-side NS record is not a delegation");
    let ns1: Vec<&str> = p.hosts[0].addresses.iter().map(|a| a.address.as_str()).collect();
    assert_eq!(ns1, ["192.0.2.53", "192.0.2.54"], "glue and answers, any source");

    let v = store.domain_view("example.com", DAY2).unwrap().unwrap();
    assert_eq!(v.nsdomaininfo[0].ns_avg_ttl, Some(1275.0));
    let sources: Vec<&str> = v.records.iter().map(|r| r.source.as_str()).collect();
    assert_eq!(sources, ["pdns", "zone"], "A before DS");
}

#[test]
fn passive_sightings_expire_after_the_window() {
    let (_dir, mut store) = world();
    pdns(&mut store, DAY2, &[("example.com", "A", "192.0.2.10", 300)]);
    let later = DAY2 + nshunt_store::SIGHTING_WINDOW_SECS + 1;

    let p = store.nameserver_profile("dendrite.network", later, 10, 0).unwrap().unwrap();

    assert_eq!(p.ns_avg_ttl, None);
    assert!(store.domain_view("example.com", later).unwrap().unwrap().records.is_empty());
}

#[test]
fn json_field_names_are_the_contract() {
    let (_dir, store) = world();
    let p = store.nameserver_profile("dendrite.network", DAY3, 1, 1).unwrap().unwrap();
    let v = store.domain_view("example.com", DAY1).unwrap().unwrap();

    let p = serde_json::to_value(&p).unwrap();
    let v = serde_json::to_value(&v).unwrap();

    let keys = |value: &serde_json::Value| {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys.join(",")
    };
    assert_eq!(
        keys(&p),
        "as_of,delegation_ttl,domains,domains_limit,domains_offset,first_seen,hosts,last_seen,\
         ns_avg_ttl,ns_avg_ttl_domains,ns_avg_ttl_reason,ns_domain,num_domains,zones"
    );
    assert_eq!(
        p["domains"],
        json!([{"name": "example.com", "first_seen": DAY1, "last_seen": DAY3, "risk": null, "state": null}])
    );
    assert_eq!(p["hosts"][0]["addresses"][0]["rrtype"], "A");
    assert_eq!(keys(&p["hosts"][0]), "addresses,host,num_domains");
    assert_eq!(keys(&p["delegation_ttl"]), "max,mean,min,records");
    assert_eq!(
        keys(&v),
        "addresses,as_of,domain,first_seen,labels,last_seen,nameservers,nsdomaininfo,records,registration"
    );
    assert_eq!(
        keys(&v["nsdomaininfo"][0]),
        "delegation_avg_ttl,ns_avg_ttl,ns_avg_ttl_domains,ns_avg_ttl_reason,ns_domain,num_domains"
    );
    assert_eq!(
        v["records"][0],
        json!({"rrtype": "DS", "rdata": "12345 13 2 abcd", "ttl": 86400, "source": "zone",
               "zone": "com", "first_seen": DAY1, "last_seen": DAY1, "count": 2})
    );
}

#[test]
fn info_counts_sources_batches_and_types() {
    let (_dir, mut store) = world();
    pdns(&mut store, DAY3, &[("example.com", "A", "192.0.2.10", 300)]);

    let info = store.info().unwrap();

    assert_eq!(info.schema_version, nshunt_store::SCHEMA_VERSION);
    assert!(info.db_bytes > 0);
    assert_eq!(info.batches.len(), 5);
    assert!(info.batches.windows(2).all(|w| w[0].observed_at >= w[1].observed_at));
    let sources: Vec<(String, Option<String>, u64, u64)> = info
        .sources
        .iter()
        .map(|s| (s.source.clone(), s.zone.clone(), s.batches, s.observations))
        .collect();
    let expected = vec![
        ("pdns".to_owned(), None, 1, 1),
        ("zone".to_owned(), Some("com".to_owned()), 3, 7),
        ("zone".to_owned(), Some("network".to_owned()), 1, 3),
    ];
    assert_eq!(sources, expected);
    assert_eq!(info.observations, 11);
    let types = serde_json::to_value(&info.rrtypes).unwrap();
    assert_eq!(
        types,
        json!([{"rrtype": "A", "observations": 2}, {"rrtype": "NS", "observations": 7},
               {"rrtype": "AAAA", "observations": 1}, {"rrtype": "DS", "observations": 1}])
    );
    assert_eq!(store.default_as_of().unwrap(), Some(DAY3));
}
