//! Registration data (WHOIS and RDAP) in the store: written through a
//! batch, all or nothing; read back as of a moment; pivoted on the
//! registrar; counted in the store summary.

mod common;

use common::{DAY1, DAY2, DAY3, temp_store};
use nshunt_store::{
    BatchInfo, BatchMeta, BatchStart, BatchSummary, NewRegistration, Registrant,
    RegistrationStatus, SOURCE_RDAP, SOURCE_WHOIS, SqliteStore,
};

/// A registered domain with every field the view shows.
fn full(domain: &str, registrar: &str) -> NewRegistration {
    NewRegistration {
        domain: domain.to_owned(),
        status: RegistrationStatus::Registered,
        registrar: Some(registrar.to_owned()),
        registrar_iana_id: Some(292),
        created: Some(874_306_800),
        updated: Some(1_568_043_544),
        expires: Some(1_852_527_600),
        registrant: Some(Registrant {
            organization: Some("Example Org".to_owned()),
            street: vec!["1 Main St".to_owned(), "Suite 2".to_owned()],
            city: Some("Springfield".to_owned()),
            state: Some("CA".to_owned()),
            postcode: Some("90210".to_owned()),
            country: Some("US".to_owned()),
        }),
        privacy: false,
        name_servers: vec!["ns1.example.net".to_owned(), "ns2.example.net".to_owned()],
        statuses: vec!["clientTransferProhibited".to_owned()],
        record: format!("{{\"domain\":\"{domain}\"}}"),
    }
}

/// A record with only a status.
fn bare(domain: &str, status: RegistrationStatus) -> NewRegistration {
    NewRegistration {
        domain: domain.to_owned(),
        status,
        registrar: None,
        registrar_iana_id: None,
        created: None,
        updated: None,
        expires: None,
        registrant: None,
        privacy: false,
        name_servers: Vec::new(),
        statuses: Vec::new(),
        record: "{}".to_owned(),
    }
}

/// Stores `rows` as one batch of `kind` observed at `at`.
fn ingest(store: &mut SqliteStore, kind: &str, at: i64, rows: &[NewRegistration]) -> BatchInfo {
    let hash = format!("{kind}@{at}:{rows:?}");
    let meta = BatchMeta::input(kind, None, "answer.txt", &hash, at);
    let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else {
        panic!("duplicate batch");
    };
    for row in rows {
        writer.add_registration(row).unwrap();
    }
    let records = rows.len() as u64;
    writer.commit(BatchSummary { records, ..BatchSummary::default() }).unwrap()
}

#[test]
fn a_registration_reads_back_with_every_field() {
    let (_dir, _path, mut store) = temp_store();
    ingest(&mut store, SOURCE_WHOIS, DAY1, &[full("example.com", "MarkMonitor, Inc.")]);

    let view = store.registration("example.com", DAY1).unwrap().expect("stored");
    assert_eq!(view.domain, "example.com");
    assert_eq!(view.source, "whois");
    assert_eq!(view.observed_at, DAY1);
    assert_eq!(view.status, RegistrationStatus::Registered);
    assert_eq!(view.registrar.as_deref(), Some("MarkMonitor, Inc."));
    assert_eq!(view.registrar_iana_id, Some(292));
    assert_eq!((view.created, view.updated), (Some(874_306_800), Some(1_568_043_544)));
    assert_eq!(view.expires, Some(1_852_527_600));
    assert_eq!(view.registrant, full("x", "y").registrant);
    assert_eq!(view.name_servers, ["ns1.example.net", "ns2.example.net"]);
    assert_eq!(view.statuses, ["clientTransferProhibited"]);
    assert!(!view.privacy);
}

#[test]
fn the_json_contract_has_stable_fields() {
    let (_dir, _path, mut store) = temp_store();
    ingest(&mut store, SOURCE_RDAP, DAY1, &[full("example.com", "R")]);

    let view = store.registration("example.com", DAY1).unwrap().unwrap();
    let json = serde_json::to_value(&view).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    let expected = [
        "domain",
        "source",
        "observed_at",
        "status",
        "registrar",
        "registrar_iana_id",
        "created",
        "updated",
        "expires",
        "registrant",
        "privacy",
        "name_servers",
        "statuses",
        "after_as_of",
    ];
    assert_eq!(keys.len(), expected.len(), "{json}");
    assert!(expected.iter().all(|k| keys.contains(k)), "{json}");
    assert_eq!(json["status"], "registered");
    assert_eq!(json["registrant"]["street"][1], "Suite 2");

    ingest(&mut store, SOURCE_WHOIS, DAY2, &[bare("gone.com", RegistrationStatus::NotRegistered)]);
    let json = serde_json::to_value(store.registration("gone.com", DAY2).unwrap()).unwrap();
    assert_eq!(json["status"], "not_registered");
    assert_eq!(json["registrant"], serde_json::Value::Null);
}

#[test]
fn an_answer_observed_later_answers_only_when_none_is_older_and_says_so() {
    let (_dir, _path, mut store) = temp_store();
    ingest(&mut store, SOURCE_WHOIS, DAY2, &[full("example.com", "R")]);

    let later = store.registration("example.com", DAY1).unwrap().unwrap();
    assert!(later.after_as_of, "{later:?}");
    let current = store.registration("example.com", DAY2).unwrap().unwrap();
    assert!(!current.after_as_of);
    assert_eq!(store.registration("other.com", DAY3).unwrap(), None);
}

#[test]
fn the_newest_informative_record_wins() {
    let (_dir, _path, mut store) = temp_store();
    ingest(&mut store, SOURCE_WHOIS, DAY1, &[full("example.com", "Old Registrar")]);
    ingest(&mut store, SOURCE_RDAP, DAY2, &[full("example.com", "New Registrar")]);
    ingest(&mut store, SOURCE_WHOIS, DAY3, &[bare("example.com", RegistrationStatus::Unknown)]);

    let at = |t| store.registration("example.com", t).unwrap().unwrap();
    assert_eq!(at(DAY1).registrar.as_deref(), Some("Old Registrar"));
    assert_eq!(at(DAY2).registrar.as_deref(), Some("New Registrar"));
    // A refused or rate-limited answer is no news: it never hides data.
    assert_eq!(at(DAY3).registrar.as_deref(), Some("New Registrar"));
    assert_eq!(at(DAY3).source, "rdap");

    let only_unknown = bare("quiet.com", RegistrationStatus::Unknown);
    ingest(&mut store, SOURCE_WHOIS, DAY1, &[only_unknown]);
    let view = store.registration("quiet.com", DAY3).unwrap().unwrap();
    assert_eq!(view.status, RegistrationStatus::Unknown);
}

#[test]
fn a_not_found_answer_replaces_an_older_registration() {
    let (_dir, _path, mut store) = temp_store();
    ingest(&mut store, SOURCE_WHOIS, DAY1, &[full("example.com", "R")]);
    ingest(
        &mut store,
        SOURCE_WHOIS,
        DAY2,
        &[bare("example.com", RegistrationStatus::NotRegistered)],
    );

    let view = store.registration("example.com", DAY2).unwrap().unwrap();
    assert_eq!(view.status, RegistrationStatus::NotRegistered);
    assert_eq!(view.registrar, None);
    assert_eq!(store.registrar_domains("R", DAY2, 10).unwrap().total, 0);
    assert_eq!(store.registrar_domains("R", DAY1, 10).unwrap().domains, ["example.com"]);
}

#[test]
fn a_name_falls_back_to_its_registered_domain() {
    let (_dir, _path, mut store) = temp_store();
    ingest(&mut store, SOURCE_WHOIS, DAY1, &[full("example.co.uk", "R")]);

    let view = store.registration_for_name("www.example.co.uk", Some("example.co.uk"), DAY1);
    assert_eq!(view.unwrap().unwrap().domain, "example.co.uk");
    let none = store.registration_for_name("www.example.co.uk", None, DAY1).unwrap();
    assert_eq!(none, None);

    ingest(&mut store, SOURCE_WHOIS, DAY1, &[full("www.example.co.uk", "Own")]);
    let own = store.registration_for_name("www.example.co.uk", Some("example.co.uk"), DAY1);
    assert_eq!(own.unwrap().unwrap().registrar.as_deref(), Some("Own"));
}

#[test]
fn registrar_pivot_lists_current_domains_only() {
    let (_dir, _path, mut store) = temp_store();
    let rows = [
        full("b.com", "NameCheap, Inc."),
        full("a.com", "NAMECHEAP, INC."),
        full("c.com", "Other"),
        full("moved.com", "NameCheap, Inc."),
    ];
    ingest(&mut store, SOURCE_WHOIS, DAY1, &rows);
    ingest(&mut store, SOURCE_RDAP, DAY2, &[full("moved.com", "Other")]);

    let day1 = store.registrar_domains("namecheap, inc.", DAY1, 10).unwrap();
    assert_eq!(day1.domains, ["a.com", "b.com", "moved.com"]);
    assert_eq!((day1.total, day1.as_of), (3, DAY1));

    let day2 = store.registrar_domains("NameCheap, Inc.", DAY2, 10).unwrap();
    assert_eq!(day2.domains, ["a.com", "b.com"]);
    assert_eq!(day2.registrar, "NameCheap, Inc.");

    let limited = store.registrar_domains("NameCheap, Inc.", DAY2, 1).unwrap();
    assert_eq!((limited.domains.len(), limited.total), (1, 2));
    assert_eq!(store.registrar_domains("Other", DAY2, 10).unwrap().domains, ["c.com", "moved.com"]);
    assert_eq!(store.registrar_domains("Nobody", DAY2, 10).unwrap().total, 0);
}

#[test]
fn a_dropped_batch_stores_nothing() {
    let (_dir, _path, mut store) = temp_store();
    ingest(&mut store, SOURCE_WHOIS, DAY1, &[full("kept.com", "R")]);
    let before = store.dump_all().unwrap();

    let meta = BatchMeta::input(SOURCE_WHOIS, None, "lost.txt", "lost", DAY2);
    let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };
    writer.add_registration(&full("lost.com", "R")).unwrap();
    drop(writer);

    assert_eq!(store.dump_all().unwrap(), before);
    assert_eq!(store.registration("lost.com", DAY2).unwrap(), None);
}

#[test]
fn registrations_belong_to_whois_or_rdap_batches() {
    let (_dir, _path, mut store) = temp_store();
    let meta = BatchMeta::zone_file("com", "com.zone", "zone-hash", DAY1);
    let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };

    let error = writer.add_registration(&full("example.com", "R")).unwrap_err();
    assert!(error.to_string().contains("whois or rdap"), "{error}");
}

#[test]
fn a_registration_needs_a_domain() {
    let (_dir, _path, mut store) = temp_store();
    let meta = BatchMeta::input(SOURCE_WHOIS, None, "x.txt", "x", DAY1);
    let BatchStart::New(mut writer) = store.begin_batch(meta).unwrap() else { panic!() };

    let error = writer.add_registration(&full("", "R")).unwrap_err();
    assert!(error.to_string().contains("domain"), "{error}");
}

#[test]
fn store_info_counts_registrations() {
    let (_dir, _path, mut store) = temp_store();
    let rows = [full("a.com", "R"), bare("b.com", RegistrationStatus::NotRegistered)];
    ingest(&mut store, SOURCE_WHOIS, DAY1, &rows);
    ingest(&mut store, SOURCE_WHOIS, DAY2, &[full("a.com", "R")]);
    ingest(&mut store, SOURCE_RDAP, DAY2, &[full("c.com", "R")]);

    let counts: Vec<(String, RegistrationStatus, u64, u64)> = store
        .info()
        .unwrap()
        .registrations
        .into_iter()
        .map(|c| (c.source, c.status, c.registrations, c.domains))
        .collect();
    let expected = [
        ("rdap".to_owned(), RegistrationStatus::Registered, 1, 1),
        ("whois".to_owned(), RegistrationStatus::Registered, 2, 1),
        ("whois".to_owned(), RegistrationStatus::NotRegistered, 1, 1),
    ];
    assert_eq!(counts, expected);
}
