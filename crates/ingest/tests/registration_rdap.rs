//! RDAP, jCard and bootstrap parsing on real files from openrdap/rdap
//! (MIT), copied into `tests/data/registration/rdap`.

use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use nshunt_ingest::registration::{
    Bootstrap, BootstrapError, BootstrapKind, JCardError, RdapError, RdapObject,
    RegistrationStatus, SourceKind, parse_jcard_str, parse_rdap, parse_rdap_object,
};

/// A file name and the error it must give.
type Case<E> = (&'static str, fn(&E) -> bool);

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/registration/rdap").join(name)
}

fn read(name: &str) -> String {
    fs::read_to_string(data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn cz_domain() {
    let reg = parse_rdap(&read("domain-example.cz.json")).unwrap();

    assert_eq!(reg.source, SourceKind::Rdap);
    assert_eq!(reg.status, RegistrationStatus::Registered);
    assert_eq!(reg.domain.as_ref().unwrap().as_str(), "example.cz");
    assert_eq!(reg.registry_domain_id.as_deref(), Some("example.cz"));
    assert_eq!(reg.whois_server.as_deref(), Some("whois.nic.cz"));
    assert_eq!(reg.statuses, ["ok"]);
    let ns: Vec<&str> = reg.name_servers.iter().map(|n| n.as_str()).collect();
    assert_eq!(ns, ["ns2.pipni.cz", "ns3.pipni.cz", "ns.pipni.cz"]);

    assert_eq!(reg.created.unwrap().to_rfc3339(), "2004-08-30T22:55:00+00:00");
    assert_eq!(reg.expires.unwrap().to_rfc3339(), "2019-08-30T12:00:00+00:00");
    assert_eq!(reg.updated, None);

    // The registrar entity has no vCard: its handle stands in for a name.
    assert_eq!(reg.registrar.as_deref(), Some("REG-INTERNET-CZ"));
    assert_eq!(reg.registrant.as_ref().unwrap().handle.as_deref(), Some("SB:EXAMPLE"));
    assert_eq!(reg.admin.as_ref().unwrap().handle.as_deref(), Some("EXAMPLE"));
    assert!(reg.tech.is_none());
    assert!(!reg.privacy);
    assert!(reg.warnings.is_empty(), "{:?}", reg.warnings);
}

#[test]
fn cz_nameserver() {
    let RdapObject::Nameserver(ns) =
        parse_rdap_object(&read("nameserver-ns2.pipni.cz.json")).unwrap()
    else {
        panic!("not a nameserver");
    };
    assert_eq!(ns.handle.as_deref(), Some("ns2.pipni.cz"));
    assert_eq!(ns.name.unwrap().as_str(), "ns2.pipni.cz");
    assert!(ns.ipv4.is_empty() && ns.ipv6.is_empty());
    assert!(ns.warnings.is_empty());
}

#[test]
fn verisign_registrar_entity_with_a_bad_notices_member() {
    let RdapObject::Entity(entity) = parse_rdap_object(&read("entity-1-VRSN.json")).unwrap() else {
        panic!("not an entity");
    };

    assert_eq!(entity.handle.as_deref(), Some("1~VRSN"));
    assert_eq!(entity.roles, ["registrar"]);
    assert_eq!(entity.iana_id, Some(1));
    let c = &entity.contact;
    assert_eq!(c.name.as_deref(), Some("Verisign, Inc.~VRSN"));
    assert_eq!(c.street, ["21345 Ridgetop Circle"]);
    assert_eq!(c.city.as_deref(), Some("Dulles"));
    assert_eq!(c.state.as_deref(), Some("VA"));
    assert_eq!(c.postcode.as_deref(), Some("20166"));
    assert_eq!(c.country.as_deref(), Some("US"));
    assert_eq!(c.email.as_deref(), Some("namestore-admin@verisign.com"));
    assert_eq!(c.phone, None, "an empty tel: URI is no number");
    assert_eq!(entity.created.unwrap().to_rfc3339(), "2004-12-14T08:29:42+00:00");
    assert_eq!(entity.updated.unwrap().to_rfc3339(), "2007-04-28T22:01:52+00:00");

    // `notices` is an object here, not an array: skipped with a warning.
    let paths: Vec<&str> = entity.warnings.iter().map(|w| w.location.as_str()).collect();
    assert_eq!(paths, ["$.notices"]);
}

#[test]
fn other_classes_are_not_domains() {
    let err = parse_rdap(&read("entity-1-VRSN.json")).unwrap_err();
    assert!(matches!(err, RdapError::WrongClass { ref found, .. } if found == "entity"), "{err}");
}

#[test]
fn malformed_rdap_answers_fail_clearly() {
    let err = parse_rdap(&read("misc_malformed.json")).unwrap_err();
    assert!(matches!(err, RdapError::Json { line: 2, .. }), "{err}");
    let err = parse_rdap(&read("misc_empty.html")).unwrap_err();
    assert!(matches!(err, RdapError::Json { .. }), "{err}");
    assert!(matches!(parse_rdap("[1]"), Err(RdapError::NotAnObject { .. })));
    assert!(matches!(parse_rdap("{}"), Err(RdapError::MissingClass { .. })));
}

#[test]
fn jcard_example_and_mixed_values() {
    let card = parse_jcard_str(&read("jcard/example.json")).unwrap();
    let c = card.to_contact();
    assert_eq!(c.name.as_deref(), Some("Simon Perreault"));
    assert_eq!(c.organization.as_deref(), Some("Viagenie"));
    assert_eq!(c.street, ["Suite D2-630", "2875 Laurier"]);
    assert_eq!(c.city.as_deref(), Some("Quebec"));
    assert_eq!(c.country.as_deref(), Some("Canada"));
    assert_eq!(c.phone.as_deref(), Some("+1-418-656-9254;ext=102"));
    assert_eq!(c.email.as_deref(), Some("simon.perreault@viagenie.ca"));

    let mixed = parse_jcard_str(&read("jcard/mixed.json")).unwrap();
    let values = mixed.get("mixed").next().unwrap().values();
    assert_eq!(values, ["abc", "true", "42", "", "def", "false", "43"]);
}

#[test]
fn every_malformed_jcard_gives_its_own_error() {
    let cases: &[Case<JCardError>] = &[
        ("error_bad_properties_array.json", |e| matches!(e, JCardError::PropertiesNotArray { .. })),
        ("error_bad_property_name.json", |e| matches!(e, JCardError::BadName { .. })),
        ("error_bad_property_nest_depth.json", |e| matches!(e, JCardError::Json { .. })),
        ("error_bad_property_parameters.json", |e| matches!(e, JCardError::BadParameters { .. })),
        ("error_bad_property_parameters_2.json", |e| matches!(e, JCardError::Json { .. })),
        ("error_bad_property_size.json", |e| {
            matches!(e, JCardError::PropertyTooShort { len: 3, .. })
        }),
        ("error_bad_property_type.json", |e| matches!(e, JCardError::BadType { .. })),
        ("error_bad_top_type.json", |e| matches!(e, JCardError::NotACard { .. })),
        ("error_bad_vcard_label.json", |e| matches!(e, JCardError::BadLabel { .. })),
        ("error_invalid_json.json", |e| matches!(e, JCardError::Json { .. })),
        (
            "error_invalid_properties.json",
            |e| matches!(e, JCardError::PropertyTooShort { path, .. } if path == "$[1][4]"),
        ),
    ];

    let files: Vec<String> = fs::read_dir(data("jcard"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("error_"))
        .collect();
    assert_eq!(files.len(), cases.len(), "every error case is listed: {files:?}");

    for (name, expected) in cases {
        let err = parse_jcard_str(&read(&format!("jcard/{name}"))).unwrap_err();
        assert!(expected(&err), "{name}: unexpected error {err}");
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn a_bad_vcard_property_is_skipped_in_an_entity() {
    let json = r#"{"objectClassName": "domain", "ldhName": "example.com",
        "entities": [{"objectClassName": "entity", "handle": "R1", "roles": ["registrant"],
          "vcardArray": ["vcard", [["fn", {}, "text", "Jane Doe"], ["tel", false, "uri", "tel:1"],
                                   ["email", {}, "text", "jane@example.com"]]]}]}"#;
    let reg = parse_rdap(json).unwrap();
    let registrant = reg.registrant.unwrap();
    assert_eq!(registrant.name.as_deref(), Some("Jane Doe"));
    assert_eq!(registrant.email.as_deref(), Some("jane@example.com"));
    assert_eq!(reg.warnings.len(), 1);
    assert_eq!(reg.warnings[0].location, "$.entities[0].vcardArray[1][1]");
}

#[test]
fn registrar_iana_id_abuse_contact_and_redaction() {
    let json = r#"{"objectClassName": "domain", "ldhName": "example.com",
      "status": ["client transfer prohibited"],
      "secureDNS": {"delegationSigned": false},
      "events": [{"eventAction": "last changed", "eventDate": "2024-01-02T03:04:05Z"}],
      "entities": [
        {"objectClassName": "entity", "roles": ["registrar"], "handle": "292",
         "publicIds": [{"type": "IANA Registrar ID", "identifier": "292"}],
         "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                  ["fn", {}, "text", "MarkMonitor Inc."]]],
         "entities": [{"objectClassName": "entity", "roles": ["abuse"],
           "vcardArray": ["vcard", [["email", {}, "text", "abuse@markmonitor.com"],
                                    ["tel", {"type": "voice"}, "uri", "tel:+1.2086851750"]]]}]},
        {"objectClassName": "entity", "roles": ["registrant"],
         "remarks": [{"title": "REDACTED FOR PRIVACY", "description": ["Some data redacted."]}],
         "vcardArray": ["vcard", [["org", {}, "text", "Example Org"],
                                  ["adr", {"cc": "US"}, "text", ["", "", "", "", "CA", "", ""]]]]}
      ],
      "redacted": [{"name": {"type": "Registrant Name"}, "method": "removal"}]}"#;
    let reg = parse_rdap(json).unwrap();

    assert_eq!(reg.registrar.as_deref(), Some("MarkMonitor Inc."));
    assert_eq!(reg.registrar_iana_id, Some(292));
    assert_eq!(reg.registrar_email.as_deref(), Some("abuse@markmonitor.com"));
    assert_eq!(reg.registrar_phone.as_deref(), Some("+1.2086851750"));
    assert_eq!(reg.statuses, ["clientTransferProhibited"]);
    assert_eq!(reg.dnssec, Some(false));
    assert_eq!(reg.updated.unwrap().to_rfc3339(), "2024-01-02T03:04:05+00:00");
    let registrant = reg.registrant.unwrap();
    assert_eq!(registrant.organization.as_deref(), Some("Example Org"));
    assert_eq!(registrant.state.as_deref(), Some("CA"));
    assert_eq!(registrant.country.as_deref(), Some("US"));
    assert!(reg.privacy);
    assert_eq!(reg.redacted, ["Registrant Name"]);
    assert!(reg.warnings.is_empty(), "{:?}", reg.warnings);
}

fn bootstrap(name: &str) -> Bootstrap {
    Bootstrap::parse(&read(&format!("bootstrap/{name}"))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn dns_bootstrap() {
    let b = bootstrap("dns.json");
    assert_eq!(b.kind, BootstrapKind::Dns);
    assert_eq!(b.version.as_deref(), Some("1.0"));
    assert_eq!(b.servers_for("example.cz"), ["https://rdap.nic.cz"]);
    assert_eq!(b.servers_for("WWW.Nic.BR."), ["https://rdap.registro.br/"]);
    assert_eq!(b.servers_for("ar"), ["https://rdap.nic.ar"]);
    assert!(b.servers_for("example.com").is_empty());
    assert!(b.servers_for("examplecz").is_empty());
}

#[test]
fn asn_bootstrap() {
    let b = bootstrap("asn.json");
    assert_eq!(b.kind, BootstrapKind::Asn);
    let afrinic = ["https://rdap.afrinic.net/rdap/", "http://rdap.afrinic.net/rdap/"];
    assert_eq!(b.servers_for_asn(2018), afrinic);
    assert_eq!(b.servers_for_asn(1230), afrinic);
    assert_eq!(b.servers_for_asn(7), ["https://rdap.db.ripe.net/"]);
    assert_eq!(
        b.servers_for_asn(3),
        ["https://rdap.arin.net/registry", "http://rdap.arin.net/registry"]
    );
    assert_eq!(b.servers_for_asn(173), ["https://rdap.apnic.net/"]);
    assert!(b.servers_for_asn(4_294_967_295).is_empty());
}

#[test]
fn ip_bootstraps() {
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    let v4 = bootstrap("ipv4.json");
    assert_eq!(v4.kind, BootstrapKind::Ipv4);
    assert_eq!(v4.servers_for_ip(ip("41.1.2.3"))[0], "https://rdap.afrinic.net/rdap/");
    assert_eq!(v4.servers_for_ip(ip("1.1.1.1")), ["https://rdap.apnic.net/"]);
    assert_eq!(v4.servers_for_ip(ip("8.8.8.8"))[0], "https://rdap.arin.net/registry");
    assert_eq!(v4.servers_for_ip(ip("2.2.2.2")), ["https://rdap.db.ripe.net/"]);
    assert_eq!(v4.servers_for_ip(ip("177.1.1.1")), ["https://rdap.lacnic.net/rdap/"]);
    assert!(v4.servers_for_ip(ip("2001:db8::1")).is_empty());

    let v6 = bootstrap("ipv6.json");
    assert_eq!(v6.kind, BootstrapKind::Ipv6);
    assert_eq!(v6.servers_for_ip(ip("2c0f:f000::1"))[0], "https://rdap.afrinic.net/rdap/");
    assert_eq!(v6.servers_for_ip(ip("2001:4200::1"))[0], "https://rdap.afrinic.net/rdap/");
    assert_eq!(v6.servers_for_ip(ip("2400:cb00::1")), ["https://rdap.apnic.net/"]);
    assert_eq!(v6.servers_for_ip(ip("2600::1"))[0], "https://rdap.arin.net/registry");
    assert_eq!(v6.servers_for_ip(ip("2800::1")), ["https://rdap.lacnic.net/rdap/"]);
}

#[test]
fn object_tag_bootstrap() {
    let b = bootstrap("object-tags.json");
    assert_eq!(b.kind, BootstrapKind::ObjectTags);
    assert_eq!(
        b.servers_for_tag("arin"),
        ["https://rdap.arin.net/registry/", "http://rdap.arin.net/registry/"]
    );
    assert_eq!(b.servers_for_tag("FRNIC"), ["https://rdap.nic.fr/"]);
    assert!(b.servers_for_tag("NOPE").is_empty());
}

#[test]
fn malformed_bootstraps_fail_clearly() {
    let cases: &[Case<BootstrapError>] = &[
        (
            "dns_bad_services.json",
            |e| matches!(e, BootstrapError::BadService { path, .. } if path == "$.services[3]"),
        ),
        (
            "dns_bad_url.json",
            |e| matches!(e, BootstrapError::BadUrl { url, .. } if url == "http://example.org/%%"),
        ),
        ("dns_empty.json", |e| matches!(e, BootstrapError::Json { line: 1, .. })),
        ("dns_syntax_error.json", |e| matches!(e, BootstrapError::Json { .. })),
    ];

    let count = fs::read_dir(data("bootstrap_malformed")).unwrap().count();
    assert_eq!(count, cases.len(), "every malformed file is listed");
    for (name, expected) in cases {
        let text = read(&format!("bootstrap_malformed/{name}"));
        let err = Bootstrap::parse(&text).unwrap_err();
        assert!(expected(&err), "{name}: unexpected error {err}");
    }
}
