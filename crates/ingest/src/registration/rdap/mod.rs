//! The RDAP (RFC 9083) parser: domain, name server and entity objects.
//!
//! Reading is tolerant: a member of the wrong type (a `notices` object
//! where an array belongs, a jCard property that is not an array) is
//! skipped with a [`Warning`] naming its JSON path, and the rest is kept.
//! Only input that is not JSON, not an object, or not the object class
//! asked for fails.
//!
//! Statuses are turned into EPP names as RFC 8056 maps them
//! ("client transfer prohibited" → `clientTransferProhibited`, "active"
//! → `ok`), so that WHOIS and RDAP records compare.

mod bootstrap;
mod jcard;

pub use bootstrap::{Bootstrap, BootstrapError, BootstrapKind};
pub use jcard::{JCardError, VCard, VCardProperty, parse_jcard, parse_jcard_str};

use chrono::{DateTime, Utc};
use nshunt_model::DomainName;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::registration::dates::parse_date;
use crate::registration::model::{Contact, Registration, RegistrationStatus, SourceKind, Warning};
use crate::registration::privacy;

/// Entities nest (a registrar's abuse contact); deeper than this is
/// ignored.
const MAX_ENTITY_DEPTH: usize = 8;

/// Why an RDAP answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RdapError {
    /// The text is not JSON.
    #[error("invalid json at line {line}, column {column}: {message}")]
    Json {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// The JSON parser's message.
        message: String,
    },

    /// The JSON is not an object.
    #[error("{path}: an rdap answer must be a json object")]
    NotAnObject {
        /// Where.
        path: String,
    },

    /// `objectClassName` is missing or not a string.
    #[error("{path}: missing objectClassName (expected \"domain\", \"nameserver\" or \"entity\")")]
    MissingClass {
        /// Where.
        path: String,
    },

    /// The object is of another class than asked for.
    #[error("{path}: objectClassName is {found:?}, expected {expected:?}")]
    WrongClass {
        /// Where.
        path: String,
        /// The class asked for.
        expected: &'static str,
        /// The class found.
        found: String,
    },

    /// The server answered with an RDAP error object (other than 404).
    #[error("rdap error response {code}: {title}")]
    ErrorResponse {
        /// `errorCode`.
        code: i64,
        /// `title`, or "" when absent.
        title: String,
    },
}

/// An RDAP name server object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nameserver {
    /// JSON `handle`: the registry's handle.
    pub handle: Option<String>,
    /// JSON `name`: the canonical name, from `ldhName` (or `unicodeName`).
    pub name: Option<DomainName>,
    /// JSON `ipv4`: addresses from `ipAddresses.v4`.
    pub ipv4: Vec<String>,
    /// JSON `ipv6`: addresses from `ipAddresses.v6`.
    pub ipv6: Vec<String>,
    /// JSON `statuses`: status values, as EPP names.
    pub statuses: Vec<String>,
    /// JSON `warnings`: skipped members.
    pub warnings: Vec<Warning>,
}

/// An RDAP entity object (a contact or a registrar).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    /// JSON `handle`.
    pub handle: Option<String>,
    /// JSON `roles`: `registrant`, `registrar`, `administrative`, ….
    pub roles: Vec<String>,
    /// JSON `contact`: the jCard read as a contact (handle included).
    pub contact: Contact,
    /// JSON `iana_id`: from a `publicIds` entry of type "IANA Registrar ID".
    pub iana_id: Option<u32>,
    /// JSON `url`: the jCard `url`, if any.
    pub url: Option<String>,
    /// JSON `created`: the `registration` event.
    pub created: Option<DateTime<Utc>>,
    /// JSON `updated`: the `last changed` event.
    pub updated: Option<DateTime<Utc>>,
    /// JSON `redacted`: the entity's remarks say its data is redacted.
    pub redacted: bool,
    /// JSON `entities`: nested entities.
    pub entities: Vec<Entity>,
    /// JSON `warnings`: skipped members.
    pub warnings: Vec<Warning>,
}

/// Any object [`parse_rdap_object`] reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "object_class", rename_all = "lowercase")]
pub enum RdapObject {
    /// A domain, as a [`Registration`].
    Domain(Box<Registration>),
    /// A name server.
    Nameserver(Nameserver),
    /// An entity.
    Entity(Box<Entity>),
}

/// Parses an RDAP domain answer. A 404 error object gives a record with
/// status not registered; an object of another class is an error.
pub fn parse_rdap(json: &str) -> Result<Registration, RdapError> {
    match parse_rdap_object(json)? {
        RdapObject::Domain(reg) => Ok(*reg),
        RdapObject::Nameserver(_) => Err(wrong_class("nameserver")),
        RdapObject::Entity(_) => Err(wrong_class("entity")),
    }
}

fn wrong_class(found: &str) -> RdapError {
    RdapError::WrongClass {
        path: "$.objectClassName".into(),
        expected: "domain",
        found: found.into(),
    }
}

/// Parses an RDAP domain, name server or entity answer.
pub fn parse_rdap_object(json: &str) -> Result<RdapObject, RdapError> {
    let value: Value = serde_json::from_str(json).map_err(|e| RdapError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let object = value.as_object().ok_or_else(|| RdapError::NotAnObject { path: "$".into() })?;

    if let Some(result) = error_response(object) {
        return result;
    }
    match object.get("objectClassName").and_then(Value::as_str) {
        Some("domain") => Ok(RdapObject::Domain(Box::new(read_domain(object)))),
        Some("nameserver") => {
            Ok(RdapObject::Nameserver(read_nameserver(object, "$", &mut Vec::new())))
        }
        Some("entity") => Ok(RdapObject::Entity(Box::new(read_entity(object, "$", 0)))),
        Some(other) => Err(RdapError::WrongClass {
            path: "$.objectClassName".into(),
            expected: "domain",
            found: other.into(),
        }),
        None => Err(RdapError::MissingClass { path: "$".into() }),
    }
}

/// An RDAP error object: 404 means the domain does not exist.
fn error_response(object: &Map<String, Value>) -> Option<Result<RdapObject, RdapError>> {
    let code = object.get("errorCode")?.as_i64()?;
    if code == 404 {
        let mut reg = Registration::empty(SourceKind::Rdap);
        reg.status = RegistrationStatus::NotRegistered;
        return Some(Ok(RdapObject::Domain(Box::new(reg))));
    }
    let title = object.get("title").and_then(Value::as_str).unwrap_or("").to_owned();
    Some(Err(RdapError::ErrorResponse { code, title }))
}

/// Collects warnings while members are read.
struct Reader<'w> {
    warnings: &'w mut Vec<Warning>,
}

impl Reader<'_> {
    fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.warnings.push(Warning::new(path, message));
    }

    fn string<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'a str> {
        match obj.get(key)? {
            Value::String(s) => Some(s.as_str()),
            Value::Null => None,
            _ => {
                self.warn(&format!("{path}.{key}"), "expected a string; skipped");
                None
            }
        }
    }

    fn array<'a>(&mut self, obj: &'a Map<String, Value>, key: &str, path: &str) -> &'a [Value] {
        match obj.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.warn(&format!("{path}.{key}"), "expected an array; skipped");
                &[]
            }
        }
    }

    fn strings(&mut self, obj: &Map<String, Value>, key: &str, path: &str) -> Vec<String> {
        let items = self.array(obj, key, path);
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) => out.push(s.to_owned()),
                None => self.warn(&format!("{path}.{key}[{i}]"), "expected a string; skipped"),
            }
        }
        out
    }

    /// `events`: (action, instant) pairs.
    fn events(&mut self, obj: &Map<String, Value>, path: &str) -> Vec<(String, DateTime<Utc>)> {
        let mut out = Vec::new();
        for (i, event) in self.array(obj, "events", path).iter().enumerate() {
            let at = format!("{path}.events[{i}]");
            let Some(event) = event.as_object() else {
                self.warn(&at, "expected an object; skipped");
                continue;
            };
            let action = self.string(event, "eventAction", &at).unwrap_or("").to_lowercase();
            let date = self.string(event, "eventDate", &at).unwrap_or("");
            match parse_date(date) {
                Ok(Some(t)) => out.push((action, t)),
                Ok(None) => {}
                Err(e) => self.warn(&format!("{at}.eventDate"), e.to_string()),
            }
        }
        out
    }
}

fn event(events: &[(String, DateTime<Utc>)], action: &str) -> Option<DateTime<Utc>> {
    events.iter().find(|(a, _)| a == action).map(|(_, t)| *t)
}

fn read_domain(object: &Map<String, Value>) -> Registration {
    let mut reg = Registration::empty(SourceKind::Rdap);
    reg.status = RegistrationStatus::Registered;
    let mut warnings = Vec::new();
    let mut r = Reader { warnings: &mut warnings };

    reg.domain = domain_name(&mut r, object, "$");
    reg.registry_domain_id = r.string(object, "handle", "$").map(str::to_owned);
    reg.whois_server = r.string(object, "port43", "$").map(str::to_owned);
    r.strings(object, "status", "$").iter().for_each(|s| reg.push_status(&epp_status(s)));

    let events = r.events(object, "$");
    reg.created = event(&events, "registration");
    reg.updated = event(&events, "last changed");
    reg.expires = event(&events, "expiration");

    read_domain_nameservers(&mut r, object, &mut reg);
    reg.dnssec = secure_dns(&mut r, object);
    read_notices(&mut r, object);
    reg.redacted = redactions(&mut r, object);
    read_domain_entities(object, &mut reg, r.warnings);

    reg.privacy = domain_is_private(&reg);
    reg.warnings = warnings;
    reg
}

fn domain_name(r: &mut Reader<'_>, object: &Map<String, Value>, path: &str) -> Option<DomainName> {
    let text =
        r.string(object, "ldhName", path).or_else(|| r.string(object, "unicodeName", path))?;
    match DomainName::parse(text) {
        Ok(name) => Some(name),
        Err(e) => {
            r.warn(&format!("{path}.ldhName"), format!("not a domain name: {e}"));
            None
        }
    }
}

fn read_domain_nameservers(
    r: &mut Reader<'_>,
    object: &Map<String, Value>,
    reg: &mut Registration,
) {
    for (i, ns) in r.array(object, "nameservers", "$").iter().enumerate() {
        let at = format!("$.nameservers[{i}]");
        match ns.as_object() {
            Some(ns) => {
                if let Some(name) = domain_name(r, ns, &at) {
                    reg.push_name_server(name);
                }
            }
            None => r.warn(&at, "expected a nameserver object; skipped"),
        }
    }
}

fn secure_dns(r: &mut Reader<'_>, object: &Map<String, Value>) -> Option<bool> {
    let sec = match object.get("secureDNS")? {
        Value::Object(sec) => sec,
        _ => {
            r.warn("$.secureDNS", "expected an object; skipped");
            return None;
        }
    };
    let has_records = ["dsData", "keyData"]
        .iter()
        .any(|k| sec.get(*k).and_then(Value::as_array).is_some_and(|a| !a.is_empty()));
    sec.get("delegationSigned").and_then(Value::as_bool).or(has_records.then_some(true))
}

/// Notices and remarks are only checked for shape.
fn read_notices(r: &mut Reader<'_>, object: &Map<String, Value>) {
    for key in ["notices", "remarks"] {
        r.array(object, key, "$");
    }
}

/// RFC 9537 `redacted`: the names of what was redacted.
fn redactions(r: &mut Reader<'_>, object: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (i, item) in r.array(object, "redacted", "$").iter().enumerate() {
        let name = item.get("name");
        let text = name
            .and_then(|n| n.get("type").or_else(|| n.get("description")))
            .and_then(Value::as_str);
        match text {
            Some(t) => out.push(t.to_owned()),
            None => r.warn(&format!("$.redacted[{i}]"), "redaction without a name; skipped"),
        }
    }
    out
}

fn read_domain_entities(
    object: &Map<String, Value>,
    reg: &mut Registration,
    warnings: &mut Vec<Warning>,
) {
    let entities = entity_list(object, "$", 0, warnings);
    let mut all = Vec::new();
    flatten_entities(&entities, &mut all);

    for entity in &all {
        for role in &entity.roles {
            apply_role(reg, role, entity);
        }
        warnings.extend(entity.warnings.iter().cloned());
    }
}

fn flatten_entities<'a>(entities: &'a [Entity], out: &mut Vec<&'a Entity>) {
    for entity in entities {
        out.push(entity);
        flatten_entities(&entity.entities, out);
    }
}

fn apply_role(reg: &mut Registration, role: &str, entity: &Entity) {
    let slot = match role {
        "registrar" => return apply_registrar(reg, entity),
        "abuse" => return apply_abuse(reg, entity),
        "registrant" => &mut reg.registrant,
        "administrative" => &mut reg.admin,
        "technical" => &mut reg.tech,
        "billing" => &mut reg.billing,
        _ => return,
    };
    if slot.is_none() {
        *slot = Some(entity.contact.clone());
    }
    if role == "registrant" && entity.redacted {
        reg.privacy = true;
    }
}

fn apply_registrar(reg: &mut Registration, entity: &Entity) {
    if reg.registrar.is_some() {
        return;
    }
    let c = &entity.contact;
    reg.registrar =
        c.name.clone().or_else(|| c.organization.clone()).or_else(|| entity.handle.clone());
    reg.registrar_iana_id = entity.iana_id;
    reg.registrar_url.clone_from(&entity.url);
}

/// The registrar's abuse contact gives the registrar's e-mail and phone.
fn apply_abuse(reg: &mut Registration, entity: &Entity) {
    if reg.registrar_email.is_none() {
        reg.registrar_email.clone_from(&entity.contact.email);
    }
    if reg.registrar_phone.is_none() {
        reg.registrar_phone.clone_from(&entity.contact.phone);
    }
}

fn domain_is_private(reg: &Registration) -> bool {
    let redacted_registrant = reg.redacted.iter().any(|r| r.to_lowercase().contains("registrant"));
    let texts =
        reg.registrant.as_ref().is_some_and(|c| c.identity_texts().any(privacy::is_privacy_text));
    reg.privacy || redacted_registrant || texts
}

fn entity_list(
    object: &Map<String, Value>,
    path: &str,
    depth: usize,
    warnings: &mut Vec<Warning>,
) -> Vec<Entity> {
    let mut r = Reader { warnings };
    let items = r.array(object, "entities", path);
    if depth >= MAX_ENTITY_DEPTH {
        if !items.is_empty() {
            r.warn(&format!("{path}.entities"), "entities nested too deeply; skipped");
        }
        return Vec::new();
    }

    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{path}.entities[{i}]");
        match item.as_object() {
            Some(e) => out.push(read_entity(e, &at, depth + 1)),
            None => r.warn(&at, "expected an entity object; skipped"),
        }
    }
    out
}

fn read_entity(object: &Map<String, Value>, path: &str, depth: usize) -> Entity {
    let mut warnings = Vec::new();
    let mut r = Reader { warnings: &mut warnings };

    let handle = r.string(object, "handle", path).map(str::to_owned);
    let roles = r.strings(object, "roles", path).iter().map(|s| s.to_lowercase()).collect();
    let card = entity_card(&mut r, object, path);
    let mut contact = card.as_ref().map(VCard::to_contact).unwrap_or_default();
    contact.handle.clone_from(&handle);
    let url = card.as_ref().and_then(|c| c.text("url"));
    let iana_id = iana_id(&mut r, object, path);
    let events = r.events(object, path);
    let redacted = remarks_say_redacted(object);
    read_notices(&mut r, object);

    let entities = entity_list(object, path, depth, &mut warnings);
    Entity {
        handle,
        roles,
        contact,
        iana_id,
        url,
        created: event(&events, "registration"),
        updated: event(&events, "last changed"),
        redacted,
        entities,
        warnings,
    }
}

fn entity_card(r: &mut Reader<'_>, object: &Map<String, Value>, path: &str) -> Option<VCard> {
    let value = object.get("vcardArray")?;
    let at = format!("{path}.vcardArray");
    match jcard::parse_jcard_tolerant(value, &at, r.warnings) {
        Ok(card) => Some(card),
        Err(e) => {
            r.warn(&at, format!("vcard skipped: {e}"));
            None
        }
    }
}

fn iana_id(r: &mut Reader<'_>, object: &Map<String, Value>, path: &str) -> Option<u32> {
    let ids = r.array(object, "publicIds", path);
    ids.iter().find_map(|id| {
        let kind = id.get("type")?.as_str()?;
        if !kind.eq_ignore_ascii_case("IANA Registrar ID") {
            return None;
        }
        id.get("identifier")?.as_str()?.trim().parse().ok()
    })
}

fn remarks_say_redacted(object: &Map<String, Value>) -> bool {
    let Some(remarks) = object.get("remarks").and_then(Value::as_array) else { return false };
    remarks.iter().any(|remark| {
        let title = remark.get("title").and_then(Value::as_str).unwrap_or("");
        let description = remark.get("description").map(Value::to_string).unwrap_or_default();
        privacy::is_privacy_text(title) || description.to_lowercase().contains("redacted")
    })
}

fn read_nameserver(
    object: &Map<String, Value>,
    path: &str,
    warnings: &mut Vec<Warning>,
) -> Nameserver {
    let mut r = Reader { warnings };
    let handle = r.string(object, "handle", path).map(str::to_owned);
    let name = domain_name(&mut r, object, path);
    let statuses = r.strings(object, "status", path).iter().map(|s| epp_status(s)).collect();

    let (mut ipv4, mut ipv6) = (Vec::new(), Vec::new());
    match object.get("ipAddresses") {
        Some(Value::Object(ips)) => {
            let at = format!("{path}.ipAddresses");
            ipv4 = r.strings(ips, "v4", &at);
            ipv6 = r.strings(ips, "v6", &at);
        }
        None | Some(Value::Null) => {}
        Some(_) => r.warn(&format!("{path}.ipAddresses"), "expected an object; skipped"),
    }
    read_notices(&mut r, object);

    Nameserver { handle, name, ipv4, ipv6, statuses, warnings: std::mem::take(r.warnings) }
}

/// RDAP status values (RFC 8056) as EPP names.
fn epp_status(status: &str) -> String {
    let lower = status.trim().to_lowercase();
    if lower == "active" {
        return "ok".into();
    }
    let mut words = lower.split_whitespace();
    let first = words.next().unwrap_or("").to_owned();
    words.fold(first, |mut acc, w| {
        let mut chars = w.chars();
        if let Some(c) = chars.next() {
            acc.extend(c.to_uppercase());
            acc.push_str(chars.as_str());
        }
        acc
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_become_epp_names() {
        assert_eq!(epp_status("client transfer prohibited"), "clientTransferProhibited");
        assert_eq!(epp_status("active"), "ok");
        assert_eq!(epp_status("pending delete"), "pendingDelete");
    }

    #[test]
    fn not_found_error_object() {
        let reg = parse_rdap(r#"{"errorCode": 404, "title": "Not Found"}"#).unwrap();
        assert_eq!(reg.status, RegistrationStatus::NotRegistered);
        let err = parse_rdap(r#"{"errorCode": 429, "title": "Too Many"}"#).unwrap_err();
        assert_eq!(err, RdapError::ErrorResponse { code: 429, title: "Too Many".into() });
    }

    #[test]
    fn bad_member_is_skipped_with_its_path() {
        let json = r#"{"objectClassName": "domain", "ldhName": "Example.COM",
            "status": "active", "nameservers": [{"ldhName": "ns1.example.net."}, 7]}"#;
        let reg = parse_rdap(json).unwrap();
        assert_eq!(reg.domain.unwrap().as_str(), "example.com");
        assert_eq!(reg.name_servers[0].as_str(), "ns1.example.net");
        let paths: Vec<&str> = reg.warnings.iter().map(|w| w.location.as_str()).collect();
        assert_eq!(paths, ["$.status", "$.nameservers[1]"]);
    }
}
