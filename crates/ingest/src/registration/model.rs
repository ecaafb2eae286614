//! The typed result both parsers produce, and its JSON contract.

use chrono::{DateTime, Utc};
use nshunt_model::DomainName;
use serde::Serialize;

/// The most statuses or name servers kept for one domain (real answers
/// have a dozen at most); it bounds the work on hostile input.
pub const MAX_LIST: usize = 100;

/// Which kind of answer a [`Registration`] was read from.
///
/// JSON: `"whois"` or `"rdap"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A WHOIS (RFC 3912) text answer.
    Whois,
    /// An RDAP (RFC 9083) JSON answer.
    Rdap,
}

/// Whether the answer says the domain is registered.
///
/// JSON: `"registered"`, `"not_registered"` or `"unknown"`. An answer that
/// neither shows registration data nor says "not found" is `unknown`,
/// never `not_registered`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// The answer carries registration data (dates, registrar, name
    /// servers or a registrant).
    Registered,
    /// The answer says there is no such registration ("No match",
    /// "NOT FOUND", "Status: free", …). Reserved names that cannot be
    /// registered count here too: nobody holds them.
    NotRegistered,
    /// Neither: an empty, refused or unrecognised answer.
    Unknown,
}

/// A contact (registrant, administrative, technical or billing) as the
/// source gave it. Every field is optional; values are kept as written,
/// redaction placeholders included ([`Registration::privacy`] says
/// whether they are placeholders).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// JSON `handle`: the registry's contact handle (`nic-hdl`, RDAP
    /// `handle`, "Registrant ID").
    pub handle: Option<String>,
    /// JSON `name`: the person or role name.
    pub name: Option<String>,
    /// JSON `organization`: the organisation.
    pub organization: Option<String>,
    /// JSON `street`: street address lines, in order (empty when none).
    /// Sources that give a free-form address keep all its lines here.
    pub street: Vec<String>,
    /// JSON `city`: city or locality.
    pub city: Option<String>,
    /// JSON `state`: state, province or region.
    pub state: Option<String>,
    /// JSON `postcode`: postal code.
    pub postcode: Option<String>,
    /// JSON `country`: country, as written (a code or a name).
    pub country: Option<String>,
    /// JSON `email`: e-mail address.
    pub email: Option<String>,
    /// JSON `phone`: telephone number, as written.
    pub phone: Option<String>,
    /// JSON `fax`: fax number, as written.
    pub fax: Option<String>,
}

impl Contact {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self == &Contact::default()
    }

    /// Fills each unset field from `other`.
    pub fn fill_from(&mut self, other: &Contact) {
        fill(&mut self.handle, &other.handle);
        fill(&mut self.name, &other.name);
        fill(&mut self.organization, &other.organization);
        if self.street.is_empty() {
            self.street.clone_from(&other.street);
        }
        fill(&mut self.city, &other.city);
        fill(&mut self.state, &other.state);
        fill(&mut self.postcode, &other.postcode);
        fill(&mut self.country, &other.country);
        fill(&mut self.email, &other.email);
        fill(&mut self.phone, &other.phone);
        fill(&mut self.fax, &other.fax);
    }

    /// The text fields worth checking for privacy-service wording.
    pub(crate) fn identity_texts(&self) -> impl Iterator<Item = &str> {
        [&self.name, &self.organization, &self.email].into_iter().flatten().map(String::as_str)
    }
}

fn fill(slot: &mut Option<String>, from: &Option<String>) {
    if slot.is_none() {
        slot.clone_from(from);
    }
}

/// Something the parser skipped or could not use, with where it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// JSON `location`: `line N` for WHOIS, a JSON path such as
    /// `$.entities[0].vcardArray` for RDAP.
    pub location: String,
    /// JSON `message`: what was wrong, in lower case.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self { location: location.into(), message: message.into() }
    }
}

/// One domain's registration data, from WHOIS or RDAP.
///
/// Serialises to a JSON object with exactly the fields below, always
/// present (`null` or `[]` when the source did not say): this is a stable
/// contract. Times are RFC 3339 in UTC; names are canonical
/// [`DomainName`] text (lower case, no trailing dot, IDNA A-labels).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Registration {
    /// JSON `source`: `"whois"` or `"rdap"`.
    pub source: SourceKind,
    /// JSON `domain`: the domain the answer is about.
    pub domain: Option<DomainName>,
    /// JSON `status`: registered, not registered or unknown.
    pub status: RegistrationStatus,
    /// JSON `registry_domain_id`: the registry's object id (ROID).
    pub registry_domain_id: Option<String>,
    /// JSON `registrar`: the sponsoring registrar's name.
    pub registrar: Option<String>,
    /// JSON `registrar_iana_id`: the registrar's IANA id.
    pub registrar_iana_id: Option<u32>,
    /// JSON `registrar_url`: the registrar's web site.
    pub registrar_url: Option<String>,
    /// JSON `registrar_email`: the registrar's contact (often abuse)
    /// e-mail address.
    pub registrar_email: Option<String>,
    /// JSON `registrar_phone`: the registrar's contact (often abuse)
    /// telephone number.
    pub registrar_phone: Option<String>,
    /// JSON `whois_server`: the registrar WHOIS server the answer names
    /// (RDAP: `port43`).
    pub whois_server: Option<String>,
    /// JSON `created`: when the domain was first registered.
    pub created: Option<DateTime<Utc>>,
    /// JSON `updated`: when the registration last changed.
    pub updated: Option<DateTime<Utc>>,
    /// JSON `expires`: when the registration expires.
    pub expires: Option<DateTime<Utc>>,
    /// JSON `statuses`: status codes as given (EPP codes such as
    /// `clientTransferProhibited`, or a registry's own words such as
    /// `ACTIVE`), without explanatory URLs, in order, without repeats.
    pub statuses: Vec<String>,
    /// JSON `name_servers`: delegated name servers, canonical, in order,
    /// without repeats.
    pub name_servers: Vec<DomainName>,
    /// JSON `dnssec`: whether the delegation is signed, when stated.
    pub dnssec: Option<bool>,
    /// JSON `registrant`: the domain holder.
    pub registrant: Option<Contact>,
    /// JSON `admin`: the administrative contact.
    pub admin: Option<Contact>,
    /// JSON `tech`: the technical contact.
    pub tech: Option<Contact>,
    /// JSON `billing`: the billing contact.
    pub billing: Option<Contact>,
    /// JSON `privacy`: whether the registrant is hidden behind a privacy
    /// or proxy service or redacted (GDPR masking, "REDACTED FOR
    /// PRIVACY", "Domains By Proxy", "WhoisGuard", …).
    pub privacy: bool,
    /// JSON `redacted`: what the source says it redacted (RDAP RFC 9537
    /// `redacted` names; WHOIS keys whose value is a redaction marker).
    pub redacted: Vec<String>,
    /// JSON `warnings`: parts of the answer that were skipped.
    pub warnings: Vec<Warning>,
}

impl Registration {
    /// An empty record of the given source, status unknown.
    pub fn empty(source: SourceKind) -> Self {
        Self {
            source,
            domain: None,
            status: RegistrationStatus::Unknown,
            registry_domain_id: None,
            registrar: None,
            registrar_iana_id: None,
            registrar_url: None,
            registrar_email: None,
            registrar_phone: None,
            whois_server: None,
            created: None,
            updated: None,
            expires: None,
            statuses: Vec::new(),
            name_servers: Vec::new(),
            dnssec: None,
            registrant: None,
            admin: None,
            tech: None,
            billing: None,
            privacy: false,
            redacted: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Whether the record carries any registration data: a date, a
    /// registrar, a name server or a registrant.
    pub fn has_registration_data(&self) -> bool {
        self.created.is_some()
            || self.expires.is_some()
            || self.registrar.is_some()
            || !self.name_servers.is_empty()
            || self.registrant.as_ref().is_some_and(|c| !c.is_empty())
    }

    /// Adds a status once, keeping the order of first appearance; past
    /// [`MAX_LIST`] entries the rest are dropped.
    pub(crate) fn push_status(&mut self, status: &str) {
        let full = self.statuses.len() >= MAX_LIST;
        if !full && !status.is_empty() && !self.statuses.iter().any(|s| s == status) {
            self.statuses.push(status.to_owned());
        }
    }

    /// Adds a name server once; past [`MAX_LIST`] entries the rest are
    /// dropped.
    pub(crate) fn push_name_server(&mut self, name: DomainName) {
        if self.name_servers.len() < MAX_LIST && !self.name_servers.contains(&name) {
            self.name_servers.push(name);
        }
    }
}
