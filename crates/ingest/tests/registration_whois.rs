//! WHOIS parsing on real answers (likexian/whois-parser, Apache-2.0,
//! copied into `tests/data/registration/whois`) and on small made-up
//! ones for encodings, privacy services and errors.

use std::fs;
use std::path::Path;

use nshunt_ingest::registration::{
    Registration, RegistrationStatus, WhoisError, parse_whois, parse_whois_bytes,
};

fn answer(name: &str) -> Registration {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/registration/whois").join(name);
    let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_whois_bytes(&bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn time(reg_time: Option<chrono::DateTime<chrono::Utc>>) -> String {
    reg_time.map(|t| t.to_rfc3339()).unwrap_or_default()
}

fn names(reg: &Registration) -> Vec<&str> {
    reg.name_servers.iter().map(|n| n.as_str()).collect()
}

#[test]
fn icann_gtld_layout() {
    let reg = answer("com_google.com.txt");
    assert_eq!(reg.status, RegistrationStatus::Registered);
    assert_eq!(reg.domain.as_ref().unwrap().as_str(), "google.com");
    assert_eq!(reg.registry_domain_id.as_deref(), Some("2138514_DOMAIN_COM-VRSN"));
    assert_eq!(reg.registrar.as_deref(), Some("MarkMonitor, Inc."));
    assert_eq!(reg.registrar_iana_id, Some(292));
    assert_eq!(reg.registrar_url.as_deref(), Some("http://www.markmonitor.com"));
    assert_eq!(reg.registrar_email.as_deref(), Some("abusecomplaints@markmonitor.com"));
    assert_eq!(reg.whois_server.as_deref(), Some("whois.markmonitor.com"));
    assert_eq!(time(reg.created), "1997-09-15T07:00:00+00:00");
    assert_eq!(time(reg.updated), "2019-09-09T15:39:04+00:00");
    assert_eq!(time(reg.expires), "2028-09-13T07:00:00+00:00");
    assert_eq!(reg.statuses.len(), 6);
    assert_eq!(reg.statuses[0], "clientUpdateProhibited");
    assert_eq!(
        names(&reg),
        ["ns2.google.com", "ns3.google.com", "ns4.google.com", "ns1.google.com"]
    );
    assert_eq!(reg.dnssec, Some(false));
    let registrant = reg.registrant.as_ref().unwrap();
    assert_eq!(registrant.organization.as_deref(), Some("Google LLC"));
    assert_eq!(registrant.state.as_deref(), Some("CA"));
    assert_eq!(registrant.country.as_deref(), Some("US"));
    assert!(!reg.privacy);
}

#[test]
fn nominet_indented_blocks() {
    let reg = answer("uk_google.uk.txt");
    assert_eq!(reg.domain.as_ref().unwrap().as_str(), "google.uk");
    assert_eq!(
        reg.registrar.as_deref(),
        Some("Markmonitor Inc. t/a MarkMonitor Inc. [Tag = MARKMONITOR]")
    );
    assert_eq!(reg.registrar_url.as_deref(), Some("http://www.markmonitor.com"));
    assert_eq!(time(reg.created), "2014-06-11T00:00:00+00:00");
    assert_eq!(time(reg.expires), "2020-06-11T00:00:00+00:00");
    assert_eq!(time(reg.updated), "2019-05-10T00:00:00+00:00");
    assert_eq!(reg.statuses, ["Registered"]);
    assert_eq!(names(&reg).len(), 4);
}

#[test]
fn jprs_bracket_keys() {
    let reg = answer("jp_google.co.jp.txt");
    assert_eq!(reg.domain.as_ref().unwrap().as_str(), "google.co.jp");
    assert_eq!(reg.registrant.as_ref().unwrap().organization.as_deref(), Some("Google Japan G.K."));
    assert_eq!(reg.admin.as_ref().unwrap().handle.as_deref(), Some("YN47525JP"));
    assert_eq!(reg.tech.as_ref().unwrap().handle.as_deref(), Some("SH36113JP"));
    assert_eq!(time(reg.created), "2001-03-22T00:00:00+00:00");
    // 2023/04/01 01:05:57 (JST) is nine hours ahead of UTC.
    assert_eq!(time(reg.updated), "2023-03-31T16:05:57+00:00");
    assert_eq!(reg.statuses, ["Connected"]);
}

#[test]
fn afnic_handle_blocks() {
    let reg = answer("fr_ovh.fr.txt");
    assert_eq!(reg.registrar.as_deref(), Some("OVH"));
    assert_eq!(reg.statuses, ["ACTIVE"]);
    assert_eq!(names(&reg), ["dns.ovh.net", "dns10.ovh.net", "ns.ovh.net", "ns10.ovh.net"]);
    let registrant = reg.registrant.as_ref().unwrap();
    assert_eq!(registrant.handle.as_deref(), Some("SO255-FRNIC"));
    assert_eq!(registrant.name.as_deref(), Some("OVH SAS"));
    assert_eq!(registrant.street, ["2, rue Kellermann", "59100 Roubaix"]);
    assert_eq!(registrant.email.as_deref(), Some("oles@ovh.net"));
    let tech = reg.tech.as_ref().unwrap();
    assert_eq!(tech.name.as_deref(), Some("OVH NET"));
    assert_eq!(tech.email.as_deref(), Some("tech@ovh.net"));
}

#[test]
fn registro_br_owner_and_handles() {
    let reg = answer("br_espm.br.txt");
    let registrant = reg.registrant.as_ref().unwrap();
    assert_eq!(
        registrant.organization.as_deref(),
        Some("ASSOC.ESC. SUPERIOR DE PROPAGANDA E MARKETING - SP")
    );
    assert_eq!(registrant.name.as_deref(), Some("Cosmo Luis Arrivabene"));
    assert_eq!(reg.billing.as_ref().unwrap().name.as_deref(), Some("Fabio Takeuti"));
    assert_eq!(time(reg.created), "1996-12-06T00:00:00+00:00");
    assert_eq!(reg.statuses, ["published"]);
}

#[test]
fn twnic_keyless_contact_block() {
    let reg = answer("tw_google.tw.txt");
    let registrant = reg.registrant.as_ref().unwrap();
    assert_eq!(registrant.organization.as_deref(), Some("Google Inc."));
    assert_eq!(registrant.name.as_deref(), Some("DNS Admin"));
    assert_eq!(registrant.email.as_deref(), Some("dns-admin@google.com"));
    assert_eq!(registrant.phone.as_deref(), Some("+1.6506234000"));
    assert_eq!(registrant.fax.as_deref(), Some("+1.6506188571"));
    assert_eq!(registrant.country.as_deref(), Some("US"));
    assert_eq!(time(reg.expires), "2020-10-31T00:00:00+00:00");
    assert_eq!(reg.registrar.as_deref(), Some("Markmonitor, Inc."));
    assert_eq!(reg.statuses.len(), 3);
}

#[test]
fn not_found_answer() {
    let reg = answer("notfound_com.txt");
    assert_eq!(reg.status, RegistrationStatus::NotRegistered);
    assert!(reg.registrar.is_none());
}

#[test]
fn privacy_services_are_flagged() {
    let text = "Domain Name: example.com\nRegistrar: Example Registrar\n\
                Registrant Name: REDACTED FOR PRIVACY\n\
                Registrant Organization: Domains By Proxy, LLC\n\
                Creation Date: 2020-01-01T00:00:00Z\n";
    let reg = parse_whois(text, None).unwrap();
    assert!(reg.privacy);
    assert_eq!(reg.redacted, ["registrant name"]);

    let form = "Domain Name: example.com\nRegistrant Organization: Example Ltd\n\
                Registrant Email: https://whois.example/contact/example.com/registrant\n";
    assert!(parse_whois(form, None).unwrap().privacy, "an e-mail replaced by a web form");

    let plain =
        parse_whois("Domain Name: example.com\nRegistrant Organization: Example Ltd\n", None);
    assert!(!plain.unwrap().privacy);
}

#[test]
fn legacy_encodings() {
    let latin1 = b"domain: exemple.fr\nregistrar: Soci\xe9t\xe9 G\xe9n\xe9rale\n";
    let reg = parse_whois_bytes(latin1, None).unwrap();
    assert_eq!(reg.registrar.as_deref(), Some("Société Générale"));

    let cp1251 = b"domain: \xef\xf0\xe8\xec\xe5\xf0.example\norg: \xcf\xf0\xe8\xec\xe5\xf0\n";
    let reg = parse_whois_bytes(cp1251, Some("example.ru")).unwrap();
    assert_eq!(reg.registrant.unwrap().organization.as_deref(), Some("Пример"));
}

#[test]
fn binary_and_empty_bodies_are_errors() {
    let err = parse_whois_bytes(b"Domain Name: x.com\n\x00\x00\x7f", None).unwrap_err();
    assert!(matches!(err, WhoisError::Encoding { offset: 19, .. }), "{err}");
    assert!(err.to_string().contains("not text"));
    assert_eq!(parse_whois_bytes(b"\n\n", None).unwrap_err(), WhoisError::Empty);
}

#[test]
fn bad_dates_are_warnings_with_lines() {
    let text = "Domain Name: example.com\nCreation Date: sometime in 1999\nRegistrar: X\n";
    let reg = parse_whois(text, None).unwrap();
    assert_eq!(reg.created, None);
    assert_eq!(reg.warnings.len(), 1);
    assert_eq!(reg.warnings[0].location, "line 2");
}

#[test]
fn json_contract_field_names() {
    let reg = answer("com_google.com.txt");
    let json = serde_json::to_value(&reg).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec![
        "source",
        "domain",
        "status",
        "registry_domain_id",
        "registrar",
        "registrar_iana_id",
        "registrar_url",
        "registrar_email",
        "registrar_phone",
        "whois_server",
        "created",
        "updated",
        "expires",
        "statuses",
        "name_servers",
        "dnssec",
        "registrant",
        "admin",
        "tech",
        "billing",
        "privacy",
        "redacted",
        "warnings",
    ];
    let mut keys = keys;
    keys.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["source"], "whois");
    assert_eq!(json["status"], "registered");
    assert_eq!(json["created"], "1997-09-15T07:00:00Z");
    assert_eq!(json["registrant"]["street"], serde_json::json!([]));
}
