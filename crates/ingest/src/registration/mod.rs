//! Registration data: WHOIS text and RDAP JSON, read into one typed
//! [`Registration`].
//!
//! - [`parse_whois`] / [`parse_whois_bytes`]: WHOIS answers of registries
//!   and registrars in their many layouts, in UTF-8 or a legacy encoding;
//! - [`parse_rdap`] / [`parse_rdap_object`]: RDAP (RFC 9083) domain,
//!   name server and entity objects, with jCard (RFC 7095) contacts
//!   ([`parse_jcard`]);
//! - [`Bootstrap`]: IANA's RDAP bootstrap registries (RFC 9224), to find
//!   the RDAP server of a domain, an AS number or an address.
//!
//! [`Registration`] serialises to a stable JSON object, documented field
//! by field. Dates become UTC instants; a date written without a zone is
//! taken as UTC. Name servers are canonical [`nshunt_model::DomainName`]s.
//! [`Registration::privacy`] flags registrants hidden behind privacy or
//! proxy services and redacted records.
//!
//! An answer that says "not found" gives
//! [`RegistrationStatus::NotRegistered`]; one that neither carries data
//! nor says so (a refusal, a rate-limit notice) gives
//! [`RegistrationStatus::Unknown`], never a negative.
//!
//! # Limitations
//!
//! - WHOIS layouts are recognised by their keys and shape, not by a
//!   table per registry: a registry using a key spelling not in the
//!   tables of `whois::keys` loses that field (it is not guessed).
//! - Keyless contact blocks (.tw, EURid, SIDN) are read by position
//!   (organisation, name and e-mail, phones, address lines); an address
//!   written as loose lines keeps all of them in `street`, and only a
//!   last line that is a two-letter code or a short name without digits
//!   or commas becomes `country`.
//! - A bare "Registrant: X" is read as the holder's name (CNNIC, KISA),
//!   or as the organisation once a name is known (auDA); registries that
//!   mean the organisation (RNIDS) get it as the name.
//! - `privacy` comes from wording (see [`is_privacy_text`]) in the
//!   holder's name, organisation and e-mail, and from e-mail fields
//!   replaced by a web form; it can miss a service named without such
//!   words, and it also flags GDPR masking of an otherwise named holder.
//! - Numeric dates with `/` are read day first (`dd/mm/yyyy`) unless only
//!   month first makes sense; a date without a zone is taken as UTC,
//!   even where the registry's local time is meant (e.g. CNNIC).
//! - Contact "created"/"changed" dates and registrar postal addresses are
//!   not kept; at most [`MAX_LIST`] statuses and name servers are kept.
//! - RDAP: only the first registrar, registrant, administrative,
//!   technical and billing entities are read (nested entities included);
//!   jCard properties other than `fn`, `org`, `adr`, `email`, `tel` are
//!   kept in [`VCard`] but not mapped. A registrar entity without a
//!   vCard is named by its handle. Bootstrap URLs are checked for shape
//!   (scheme, host, escapes), not resolved.

mod dates;
mod model;
mod privacy;
mod rdap;
mod whois;

pub use dates::{DateError, parse_date};
pub use model::{Contact, MAX_LIST, Registration, RegistrationStatus, SourceKind, Warning};
pub use privacy::{is_privacy_text, is_redaction_marker};
pub use rdap::{
    Bootstrap, BootstrapError, BootstrapKind, Entity, JCardError, Nameserver, RdapError,
    RdapObject, VCard, VCardProperty, parse_jcard, parse_jcard_str, parse_rdap, parse_rdap_object,
};
pub use whois::{WhoisError, parse_whois, parse_whois_bytes};
