//! What a WHOIS key means: the tables that map the many spellings of
//! registries and registrars onto [`Field`]s.
//!
//! A key is first normalised ([`normalise`]): lower case, punctuation to
//! spaces, `'s`, parentheses and trailing numbers dropped. Domain-level
//! keys are looked up whole; contact keys are split into a role prefix
//! ("Registrant", "Admin", "Tech", "AC", "owner", "holder", …) and an
//! attribute ("Name", "Street", "Postal Code", …).

/// Whose contact data a key or section is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The domain holder.
    Registrant,
    /// The administrative contact.
    Admin,
    /// The technical contact.
    Tech,
    /// The billing contact.
    Billing,
    /// The registrar.
    Registrar,
    /// A role nshunt does not keep (zone contact, reseller, on-site).
    Other,
}

/// One attribute of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    /// Person or role name.
    Name,
    /// Organisation.
    Organization,
    /// Street line or free-form address.
    Street,
    /// City.
    City,
    /// State or province.
    State,
    /// Postal code.
    Postcode,
    /// Country.
    Country,
    /// E-mail.
    Email,
    /// Telephone.
    Phone,
    /// Fax.
    Fax,
    /// The contact's handle.
    Handle,
    /// Web site (registrars).
    Url,
    /// IANA id (registrars).
    IanaId,
    /// WHOIS server (registrars).
    WhoisServer,
}

/// How a role reference's value reads when it is not a handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefValue {
    /// "Registrant: Jane Doe".
    Name,
    /// "owner: Example Ltd" (.br), "holder: …" (.se).
    Organization,
    /// Always a handle: `admin-c: AB123-EXAMPLE`.
    Handle,
}

/// What a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The domain name.
    Domain,
    /// The registry's object id.
    RegistryId,
    /// A creation date that can only be the domain's.
    Created,
    /// An update date that can only be the domain's.
    Updated,
    /// An expiry date.
    Expires,
    /// `created`, `registered`: the domain's in a domain block, a
    /// contact's in a contact block.
    WeakCreated,
    /// `changed`, `last update`, `modified`: as [`Field::WeakCreated`].
    WeakUpdated,
    /// A status code.
    Status,
    /// A name server.
    NameServer,
    /// DNSSEC state.
    Dnssec,
    /// A DS record or DS list: the delegation is signed.
    DsRecord,
    /// The WHOIS server.
    WhoisServer,
    /// A contact attribute with its role: "Registrant Name".
    Contact(Role, Attr),
    /// A contact attribute whose role comes from the block around it.
    Attr(Attr),
    /// A role's name or handle: "Registrant: …", "admin-c: …".
    RoleRef(Role, RefValue),
    /// `nic-hdl`: the block around it defines a contact.
    HandleDef,
    /// A heading for the domain's own data ("Domain Information").
    DomainSection,
}

/// Normalises a key: lower case, `_-./` to spaces, `'s` and parenthesised
/// parts dropped, trailing numbers dropped, spaces collapsed.
pub fn normalise(key: &str) -> String {
    let lower = key.to_lowercase().replace("'s", "");
    let mut out = String::with_capacity(lower.len());
    let mut depth = 0usize;

    for c in lower.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '_' | '-' | '.' | '/' | ',' | '[' | ']' | ':' | '\'' => out.push(' '),
            _ => out.push(c),
        }
    }

    let words: Vec<&str> = out.split_whitespace().collect();
    let end =
        words.iter().rposition(|w| !w.chars().all(|c| c.is_ascii_digit())).map_or(0, |i| i + 1);
    words[..end].join(" ")
}

/// Looks up a raw key.
pub fn lookup(raw_key: &str) -> Option<Field> {
    let key = normalise(raw_key);
    lookup_normalised(&key)
        .or_else(|| key.strip_prefix("domain ").and_then(lookup_normalised))
        .or_else(|| key.strip_prefix("registry ").and_then(lookup_normalised))
        .or_else(|| key.strip_suffix('s').and_then(lookup_normalised))
}

fn lookup_normalised(key: &str) -> Option<Field> {
    domain_field(key)
        .or_else(|| date_field(key))
        .or_else(|| lookup_role(key))
        .or_else(|| attr(key).map(Field::Attr))
}

fn domain_field(key: &str) -> Option<Field> {
    let field = match key {
        "domain" | "domain name" | "domainname" | "domain name ascii" | "nom de domaine" => {
            Field::Domain
        }
        "registry domain id" | "roid" | "domain id" | "registry domain identifier" => {
            Field::RegistryId
        }
        "domain status"
        | "status"
        | "state"
        | "registration status"
        | "domain state"
        | "epp status"
        | "query status"
        | "domain status code" => Field::Status,
        "name server"
        | "nameserver"
        | "nameservers"
        | "name servers"
        | "nserver"
        | "ns"
        | "host name"
        | "hostname"
        | "dns"
        | "domain servers in listed order"
        | "domain nameservers"
        | "dns servers"
        | "name servers information"
        | "primary server"
        | "secondary server"
        | "name server information"
        | "nameservers information"
        | "ns name"
        | "nameserver in listed order"
        | "domain servers" => Field::NameServer,
        "dnssec" | "signed" | "dnssec status" | "domain dnssec" | "signing key"
        | "domain signed" => Field::Dnssec,
        "whois server"
        | "whois"
        | "registrar whois server"
        | "referral whois"
        | "registry whois server"
        | "whois database responses" => Field::WhoisServer,
        "ds list" | "dsl id" | "ds" | "ds record" | "ds records" | "dsrecord" => Field::DsRecord,
        "nic hdl" | "nic hdl br" => Field::HandleDef,
        "domain information" | "relevant dates" | "domain info" | "domain details"
        | "important dates" | "dates" => Field::DomainSection,
        "contact information" => Field::RoleRef(Role::Admin, RefValue::Name),
        _ => return None,
    };
    Some(field)
}

fn date_field(key: &str) -> Option<Field> {
    let field = match key {
        "creation date"
        | "created on"
        | "registered on"
        | "registration time"
        | "registration date"
        | "domain registration date"
        | "record created"
        | "registered date"
        | "domain record activated"
        | "first registration date"
        | "created date"
        | "domain create date"
        | "domain name commencement date"
        | "domain dateregistered"
        | "creation time"
        | "record created on"
        | "domain created"
        | "create date"
        | "registration" => Field::Created,
        "registry expiry date"
        | "registrar registration expiration date"
        | "expiration date"
        | "expiry date"
        | "expires on"
        | "expire date"
        | "paid till"
        | "valid until"
        | "renewal date"
        | "expiration time"
        | "record expires on"
        | "domain expiration date"
        | "expires"
        | "expire"
        | "expiry"
        | "domain expires"
        | "registry expiration date"
        | "domain expiry date"
        | "expired"
        | "validity"
        | "record will expire on"
        | "expiration"
        | "domain dateexpiry"
        | "domain datebilleduntil"
        | "billed until" => Field::Expires,
        "updated date"
        | "last updated"
        | "last updated on"
        | "domain last updated date"
        | "last updated date"
        | "domain datelastmodified"
        | "record last updated on"
        | "domain record last updated"
        | "last modified date"
        | "domain updated"
        | "domain last updated"
        | "update date"
        | "record last updated"
        | "modification date"
        | "last modification date" => Field::Updated,
        "created" | "registered" | "domain created on" => Field::WeakCreated,
        "changed" | "last update" | "modified" | "last modified" | "updated" | "update"
        | "last changed" => Field::WeakUpdated,
        _ => return None,
    };
    Some(field)
}

/// Role prefixes, longest first within each role.
const ROLES: &[(&str, Role, RefValue)] = &[
    ("organization using domain name", Role::Registrant, RefValue::Name),
    ("registrant contact", Role::Registrant, RefValue::Name),
    ("registrant", Role::Registrant, RefValue::Name),
    ("owner contact", Role::Registrant, RefValue::Name),
    ("owner", Role::Registrant, RefValue::Organization),
    ("holder contact", Role::Registrant, RefValue::Name),
    ("holder", Role::Registrant, RefValue::Organization),
    ("administrative contact", Role::Admin, RefValue::Name),
    ("administrative", Role::Admin, RefValue::Name),
    ("admin contact", Role::Admin, RefValue::Name),
    ("admin", Role::Admin, RefValue::Name),
    ("ac", Role::Admin, RefValue::Name),
    ("technical contact", Role::Tech, RefValue::Name),
    ("technical", Role::Tech, RefValue::Name),
    ("tech contact", Role::Tech, RefValue::Name),
    ("tech", Role::Tech, RefValue::Name),
    ("billing contact", Role::Billing, RefValue::Name),
    ("billing", Role::Billing, RefValue::Name),
    ("sponsoring registrar", Role::Registrar, RefValue::Name),
    ("current registrar", Role::Registrar, RefValue::Name),
    ("current registar", Role::Registrar, RefValue::Name),
    ("registrar", Role::Registrar, RefValue::Name),
    ("authorized agency", Role::Registrar, RefValue::Name),
    ("registration service provider", Role::Registrar, RefValue::Name),
    ("registration service", Role::Registrar, RefValue::Name),
    ("zone contact", Role::Other, RefValue::Name),
    ("zone", Role::Other, RefValue::Name),
    ("reseller", Role::Other, RefValue::Name),
    ("onsite", Role::Other, RefValue::Name),
];

fn lookup_role(key: &str) -> Option<Field> {
    ROLES.iter().find_map(|&(prefix, role, value)| {
        let rest = key.strip_prefix(prefix)?;
        if rest.is_empty() {
            return Some(Field::RoleRef(role, value));
        }
        let rest = rest.strip_prefix(' ')?;
        role_attr(role, rest)
    })
}

fn role_attr(role: Role, rest: &str) -> Option<Field> {
    if rest == "c" || rest == "handle" || rest == "nic handle" {
        return Some(Field::RoleRef(role, RefValue::Handle));
    }
    if HEADING_WORDS.contains(&rest) {
        return Some(Field::RoleRef(role, RefValue::Name));
    }
    let attr = attr(rest).or_else(|| registrar_attr(rest))?;
    Some(Field::Contact(role, attr))
}

/// Words after a role that still make a plain heading:
/// "Registrant Contact Information", "Administrative Contact/Agent".
const HEADING_WORDS: &[&str] = &["information", "info", "details", "data", "agent", "contact"];

fn registrar_attr(rest: &str) -> Option<Attr> {
    let attr = match rest {
        "iana id" | "iana" | "iana number" => Attr::IanaId,
        "abuse contact email" | "abuse email" | "abuse" => Attr::Email,
        "abuse contact phone" | "abuse phone" => Attr::Phone,
        "whois server" | "whois" => Attr::WhoisServer,
        _ => return None,
    };
    Some(attr)
}

/// Contact attributes by their unqualified names.
pub fn attr(key: &str) -> Option<Attr> {
    let key = key.strip_prefix("contact ").unwrap_or(key);
    let attr = match key {
        "name" | "person" | "personname" | "full name" | "contact" | "contact name"
        | "name english" | "attention" | "person name" | "english name" => Attr::Name,
        "organization"
        | "organisation"
        | "org"
        | "company"
        | "company name"
        | "org name"
        | "organization name"
        | "organisation name"
        | "company english name" => Attr::Organization,
        "street" | "address" | "street address" | "postal address" | "address line" | "addr"
        | "street1" | "street2" | "street3" | "address1" | "address2" => Attr::Street,
        "city" | "locality" | "town" => Attr::City,
        "state" | "province" | "state province" | "region" | "prefecture" | "state or province" => {
            Attr::State
        }
        "postal code" | "postcode" | "zip" | "zip code" | "postalcode" | "post code"
        | "zipcode" => Attr::Postcode,
        "country" | "country code" | "countrycode" | "country name" | "country region" => {
            Attr::Country
        }
        "email"
        | "e mail"
        | "mail"
        | "email address"
        | "holder email"
        | "abuse email"
        | "abuse contact email" => Attr::Email,
        "phone"
        | "tel"
        | "telephone"
        | "phone number"
        | "voice"
        | "phone no"
        | "abuse phone"
        | "abuse contact phone" => Attr::Phone,
        "fax" | "fax no" | "fax number" | "facsimile" | "fax phone" => Attr::Fax,
        "id" | "handle" | "nic handle" | "identifier" | "org id" | "register number" => {
            Attr::Handle
        }
        "url" | "www" | "website" | "web" | "web page" | "homepage" | "web site" => Attr::Url,
        _ => return None,
    };
    Some(attr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_spellings() {
        assert_eq!(normalise("Registrant's address"), "registrant address");
        assert_eq!(normalise("Administrative Contact(AC)"), "administrative contact");
        assert_eq!(normalise("fax-no"), "fax no");
        assert_eq!(normalise("Name Server 1"), "name server");
        assert_eq!(normalise("State/Province"), "state province");
    }

    #[test]
    fn maps_keys() {
        assert_eq!(lookup("Registrant Name"), Some(Field::Contact(Role::Registrant, Attr::Name)));
        assert_eq!(
            lookup("Registrar IANA ID"),
            Some(Field::Contact(Role::Registrar, Attr::IanaId))
        );
        assert_eq!(lookup("admin-c"), Some(Field::RoleRef(Role::Admin, RefValue::Handle)));
        assert_eq!(
            lookup("Domain registrant"),
            Some(Field::RoleRef(Role::Registrant, RefValue::Name))
        );
        assert_eq!(lookup("AC E-Mail"), Some(Field::Contact(Role::Admin, Attr::Email)));
        assert_eq!(lookup("Technical Contacts"), Some(Field::RoleRef(Role::Tech, RefValue::Name)));
        assert_eq!(lookup("paid-till"), Some(Field::Expires));
        assert_eq!(
            lookup("Registrant Contact Email"),
            Some(Field::Contact(Role::Registrant, Attr::Email))
        );
        assert_eq!(lookup("whatever this is"), None);
    }
}
