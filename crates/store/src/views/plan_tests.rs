//! Every view statement finds its rows through an index: none scans
//! the observations table.

use super::{domain, nameserver, network, stats};
use crate::SqliteStore;

/// The query plan's detail lines for `sql` with every view parameter.
fn plan(store: &SqliteStore, sql: &str) -> Vec<String> {
    let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let names: Vec<String> =
        (1..=stmt.parameter_count()).map(|i| stmt.parameter_name(i).unwrap().to_owned()).collect();
    for name in &names {
        let value = if name == ":ns" || name == ":name" || name == ":host" { "x" } else { "1" };
        stmt.raw_bind_parameter(name.as_str(), value).unwrap();
    }

    let mut rows = stmt.raw_query();
    let mut details = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        details.push(row.get::<_, String>(3).unwrap());
    }
    details
}

/// Whether a plan line reads the whole observations table.
fn scans_observations(line: &str) -> bool {
    ["SCAN o", "SCAN c", "SCAN observations"]
        .iter()
        .any(|scan| line == *scan || line.starts_with(&format!("{scan} ")))
}

#[test]
fn no_view_statement_scans_the_observations_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plan.db")).unwrap();
    let statements: [(&str, &str); 10] = [
        ("ns history", &nameserver::HISTORY_SQL),
        ("ns delegations", &stats::DELEGATIONS_SQL),
        ("ns child ttl", &stats::CHILD_TTL_SQL),
        ("ns hosts", &nameserver::HOSTS_SQL),
        ("host addresses", &nameserver::ADDRESSES_SQL),
        ("ns zones", &nameserver::ZONES_SQL),
        ("ns domains", &nameserver::DOMAINS_SQL),
        ("domain history", &domain::HISTORY_SQL),
        ("domain nameservers", &domain::NAMESERVERS_SQL),
        ("domain records", &domain::RECORDS_SQL),
    ];

    for (what, sql) in statements {
        let details = plan(&store, sql);
        println!("{what}: {details:#?}");

        assert!(!details.iter().any(|d| scans_observations(d)), "{what} scans: {details:#?}");
        assert!(details.iter().any(|d| d.contains("USING INDEX")), "{what}: {details:#?}");
    }
}

#[test]
fn the_snapshot_lookup_is_an_index_search() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plan.db")).unwrap();

    let details = plan(&store, &stats::DELEGATIONS_SQL);

    assert!(
        details.iter().any(|d| d.contains("SEARCH b USING COVERING INDEX batches_by_zone")),
        "{details:#?}"
    );
}

#[test]
fn a_hosted_names_score_is_a_primary_key_search() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plan.db")).unwrap();

    let details = plan(&store, network::SCORE_SQL);

    assert_eq!(details, ["SEARCH domain_scores USING PRIMARY KEY (domain=?)"]);
}
