//! Assembling a [`Registration`] from classified WHOIS lines.
//!
//! Every line is read against a *target*: the domain itself, one contact
//! role, or a handle block (a RIPE-style paragraph with `nic-hdl`). The
//! target comes from, in order: a heading above the line (`Registrant:`,
//! `Admin Contact`, `[Contact Information]`), the paragraph's first line
//! when it names a role (`Registrar: ACTI-0024`), or else the domain.
//! Keys that carry their own role ("Registrant Name") ignore the target.

use nshunt_model::DomainName;

use super::freeform;
use super::keys::{self, Attr, Field, RefValue, Role};
use super::lines::{Line, LineKind};
use super::notfound;
use crate::registration::dates::parse_date;
use crate::registration::model::{
    Contact, MAX_LIST, Registration, RegistrationStatus, SourceKind, Warning,
};
use crate::registration::privacy;

/// Where a line's unqualified data goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Domain,
    Role(Role),
    Block(usize),
}

/// A heading and the lines under it.
#[derive(Debug)]
struct Section {
    field: Field,
    target: Target,
    indent: usize,
    indented: Option<bool>,
    /// Opened by `Role: value` rather than a heading: ends at the next
    /// entry.
    soft: bool,
    loose: Vec<String>,
    /// Lines read under the heading.
    count: usize,
    /// Written `Key:`, not as a bare word: may head the next paragraph.
    explicit: bool,
}

impl Section {
    /// A heading of values (name servers, statuses) without indented
    /// lines ends at the next `key: value`; a contact heading goes on.
    fn ends_at_entry(&self) -> bool {
        let contact = matches!(self.field, Field::RoleRef(..));
        self.soft || (!contact && self.indented == Some(false))
    }
}

/// The last entry, for values continued on the next lines.
#[derive(Debug, Clone, Copy)]
struct LastEntry {
    field: Field,
    target: Target,
    indent: usize,
}

/// State while reading one paragraph.
#[derive(Debug)]
struct Cursor {
    base: Target,
    section: Option<Section>,
    last: Option<LastEntry>,
}

/// The four person roles in [`Registration`].
#[derive(Debug, Default)]
struct Contacts {
    registrant: Contact,
    admin: Contact,
    tech: Contact,
    billing: Contact,
}

/// Collects the parts of a registration while the lines are read.
#[derive(Debug)]
pub struct Builder {
    reg: Registration,
    contacts: Contacts,
    registrar_fallback: Option<String>,
    blocks: Vec<(String, Contact)>,
    not_found: bool,
    /// Whether the paragraph being read is about the domain, not a
    /// contact: statuses count only there.
    in_domain_paragraph: bool,
    /// A heading left without lines at the end of a paragraph.
    pending: Option<(Field, Target, bool)>,
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Self {
        Self {
            reg: Registration::empty(SourceKind::Whois),
            contacts: Contacts::default(),
            registrar_fallback: None,
            blocks: Vec::new(),
            not_found: false,
            in_domain_paragraph: true,
            pending: None,
        }
    }

    /// Reads one paragraph; `heading` is the comment line above it.
    pub fn paragraph(&mut self, heading: Option<&str>, lines: &[Line<'_>]) {
        let base = match heading.and_then(bare_heading) {
            Some(Field::RoleRef(role, _)) => Target::Role(role),
            _ => self.paragraph_target(lines),
        };
        self.in_domain_paragraph = base == Target::Domain;
        let mut cursor = Cursor { base, section: None, last: None };
        self.resume_heading(lines, &mut cursor);

        for line in lines {
            self.check_not_found(line.text);
            self.line(line, &mut cursor);
        }
        self.close_section(&mut cursor);
    }

    /// A heading that ended its paragraph ("Name Servers Information:"
    /// and a blank line) heads the next one: a `Key:` heading when that
    /// starts with bare values, a contact heading (.fi `Holder`) when it
    /// starts with entries.
    fn resume_heading(&mut self, lines: &[Line<'_>], cursor: &mut Cursor) {
        let Some((field, target, explicit)) = self.pending.take() else { return };
        let Some(first) = lines.first() else { return };
        let resumes = match first.kind {
            LineKind::Text(_) => explicit,
            LineKind::Entry { .. } => matches!(field, Field::RoleRef(..)),
            LineKind::Comment => false,
        };
        if !resumes {
            return;
        }
        let loose = Vec::new();
        let (indent, indented, soft, count) = (first.indent, Some(false), false, 0);
        let explicit = false;
        cursor.section =
            Some(Section { field, target, indent, indented, soft, loose, count, explicit });
    }

    /// Reads a comment line: only its "not found" wording counts.
    pub fn comment(&mut self, line: &Line<'_>) {
        self.check_not_found(line.text);
    }

    fn check_not_found(&mut self, text: &str) {
        if !self.not_found && notfound::line_says_not_found(text) {
            self.not_found = true;
        }
    }

    /// A paragraph with `nic-hdl` is a handle block; one that opens with a
    /// role (`Registrar: X`, `owner-c: Y`) is about that role.
    fn paragraph_target(&mut self, lines: &[Line<'_>]) -> Target {
        if let Some(handle) = lines.iter().find_map(handle_definition) {
            self.blocks.push((handle.to_owned(), Contact::default()));
            return Target::Block(self.blocks.len() - 1);
        }

        let Some(LineKind::Entry { key, value }) = lines.first().map(|l| &l.kind) else {
            return Target::Domain;
        };
        match keys::lookup(key) {
            Some(Field::RoleRef(role, _)) if !value.is_empty() => Target::Role(role),
            Some(Field::Attr(Attr::Name)) => {
                contact_role(value).map_or(Target::Domain, Target::Role)
            }
            Some(Field::Attr(Attr::Organization)) => Target::Role(Role::Registrant),
            _ => Target::Domain,
        }
    }

    fn line(&mut self, line: &Line<'_>, cursor: &mut Cursor) {
        self.maybe_close_indented(line, cursor);
        if let Some(section) = cursor.section.as_mut() {
            section.count += 1;
        }

        match line.kind {
            LineKind::Entry { key, value } => self.entry(line, key, value, cursor),
            LineKind::Text(text) => self.text(line, text, cursor),
            LineKind::Comment => {}
        }
    }

    fn maybe_close_indented(&mut self, line: &Line<'_>, cursor: &mut Cursor) {
        let Some(section) = cursor.section.as_mut() else { return };

        let indented = *section.indented.get_or_insert(line.indent > section.indent);
        if indented && line.indent <= section.indent {
            self.close_section(cursor);
        }
    }

    fn entry(&mut self, line: &Line<'_>, key: &str, value: &str, cursor: &mut Cursor) {
        let Some(field) = keys::lookup(key) else {
            return self.unknown_entry(line, key, cursor);
        };

        if cursor.section.as_ref().is_some_and(Section::ends_at_entry) {
            self.close_section(cursor);
        }

        if value.is_empty() {
            cursor.last = None;
            if is_heading(field) {
                self.open_section(field, line.indent, (false, true), cursor);
            }
            return;
        }

        if field == Field::Attr(Attr::Name) && is_role_label(key, value) {
            return;
        }

        let target = self.target_of(cursor);
        let field = contact_state(field, key, target);
        self.note_redaction(key, value);
        self.apply(field, value, target, line.number);
        cursor.last = Some(LastEntry { field, target, indent: line.indent });

        if let Field::RoleRef(role, _) = field {
            if matches!(target, Target::Domain) {
                let heading = Field::RoleRef(role, RefValue::Name);
                self.open_section(heading, line.indent, (true, false), cursor);
            }
        }
    }

    /// A key nshunt does not know: inside a section it is just a line of
    /// the section (`ns1.example.ch<TAB>192.0.2.1`).
    fn unknown_entry(&mut self, line: &Line<'_>, key: &str, cursor: &mut Cursor) {
        cursor.last = None;
        let host_line = cursor.section.as_ref().is_some_and(|s| s.field == Field::NameServer)
            && is_host_name(key.split_whitespace().next().unwrap_or("").trim_end_matches('.'));
        if host_line {
            return self.section_text(line.text, line.number, cursor);
        }
        if cursor.section.as_ref().is_some_and(Section::ends_at_entry) {
            self.close_section(cursor);
        }
        if cursor.section.is_none() {
            self.phrase_entry(line.text, line.number, cursor);
        }
    }

    fn text(&mut self, line: &Line<'_>, text: &str, cursor: &mut Cursor) {
        if let Some(last) = cursor.last.filter(|l| line.indent > l.indent && continues(l.field)) {
            self.apply(last.field, text, last.target, line.number);
            return;
        }
        cursor.last = None;

        if let Some(field) = bare_heading(text) {
            self.close_section(cursor);
            self.open_section(field, line.indent, (false, false), cursor);
        } else if cursor.section.is_some() {
            self.section_text(text, line.number, cursor);
        } else {
            self.phrase_entry(text, line.number, cursor);
        }
    }

    /// "Record expires on 2020-10-31": a key without a separator, ending
    /// where the first word starting with a digit begins.
    fn phrase_entry(&mut self, text: &str, line: usize, cursor: &Cursor) {
        let words: Vec<&str> = text.split_whitespace().collect();
        let Some(n) = words.iter().position(|w| w.starts_with(|c: char| c.is_ascii_digit())) else {
            return;
        };
        if n == 0 || n > 6 {
            return;
        }

        let key = words[..n].join(" ");
        if let Some(f @ (Field::Created | Field::Updated | Field::Expires)) = keys::lookup(&key) {
            let target = self.target_of(cursor);
            self.apply(f, &words[n..].join(" "), target, line);
        }
    }

    fn section_text(&mut self, text: &str, line: usize, cursor: &mut Cursor) {
        let Some(section) = cursor.section.as_mut() else { return };

        match section.field {
            Field::RoleRef(..) => section.loose.push(text.to_owned()),
            Field::DomainSection => self.phrase_entry(text, line, cursor),
            Field::Domain => self.domain_line(text),
            field => {
                let target = section.target;
                self.apply(field, text, target, line);
            }
        }
    }

    fn open_section(
        &mut self,
        field: Field,
        indent: usize,
        (soft, explicit): (bool, bool),
        cursor: &mut Cursor,
    ) {
        self.close_section(cursor);
        // A bare "Organisation:" heading (.tk) heads the holder's block.
        let field = match field {
            Field::Attr(Attr::Organization) => Field::RoleRef(Role::Registrant, RefValue::Name),
            other => other,
        };
        let target = match field {
            Field::RoleRef(role, _) | Field::Contact(role, _) => Target::Role(role),
            Field::DomainSection | Field::Domain => Target::Domain,
            _ => self.target_of(cursor),
        };
        let indented = if soft { Some(false) } else { None };
        let (loose, count, explicit) = (Vec::new(), 0, explicit);
        cursor.section =
            Some(Section { field, target, indent, indented, soft, loose, count, explicit });
    }

    fn close_section(&mut self, cursor: &mut Cursor) {
        let Some(section) = cursor.section.take() else { return };
        if section.count == 0 && !section.soft {
            self.pending = Some((section.field, section.target, section.explicit));
        }
        if section.loose.is_empty() {
            return;
        }

        let Target::Role(role) = section.target else { return };
        let layout = match role {
            Role::Registrar => freeform::Layout::Registrar,
            Role::Registrant => freeform::Layout::Holder,
            _ => freeform::Layout::Person,
        };
        let contact = freeform::read_contact(&section.loose, layout);
        self.merge_loose(role, &contact);
    }

    fn merge_loose(&mut self, role: Role, contact: &Contact) {
        if role == Role::Registrar {
            let (name, url) = split_url(contact.name.as_deref().unwrap_or(""));
            fill_str(&mut self.reg.registrar, name);
            fill_str(&mut self.reg.registrar_url, url);
            fill(&mut self.reg.registrar_email, &contact.email);
            fill(&mut self.reg.registrar_phone, &contact.phone);
        } else if let Some(slot) = self.contacts.get_mut(role) {
            slot.fill_from(contact);
        }
    }

    fn target_of(&self, cursor: &Cursor) -> Target {
        match &cursor.section {
            Some(section) if !section.soft => section.target,
            _ => cursor.base,
        }
    }

    fn note_redaction(&mut self, key: &str, value: &str) {
        if privacy::is_redaction_marker(value) && self.reg.redacted.len() < MAX_LIST {
            let key = keys::normalise(key);
            if !self.reg.redacted.contains(&key) {
                self.reg.redacted.push(key);
            }
        }
    }

    fn apply(&mut self, field: Field, value: &str, target: Target, line: usize) {
        match field {
            Field::Domain => self.set_domain(value, target),
            Field::RegistryId => fill_str(&mut self.reg.registry_domain_id, value),
            Field::Created | Field::Updated | Field::Expires => self.set_date(field, value, line),
            Field::WeakCreated if target == Target::Domain => {
                self.set_date(Field::Created, value, line)
            }
            Field::WeakUpdated if target == Target::Domain => {
                self.set_date(Field::Updated, value, line)
            }
            Field::Status if self.in_domain_paragraph => self.add_statuses(value),
            Field::NameServer => self.add_name_servers(value, line),
            Field::Dnssec => self.set_dnssec(value),
            Field::DsRecord => self.reg.dnssec = Some(true),
            Field::WhoisServer => fill_str(&mut self.reg.whois_server, value),
            Field::Contact(role, attr) => self.role_attr(role, attr, value),
            Field::Attr(attr) => self.target_attr(target, attr, value),
            Field::RoleRef(role, kind) => self.role_ref(role, kind, value, target),
            _ => {}
        }
    }

    /// "GOOGLE.TK is Active" under a `Domain name:` heading.
    fn domain_line(&mut self, text: &str) {
        self.set_domain(text, Target::Domain);
        if let Some((_, status)) = text.split_once(" is ") {
            self.add_statuses(status);
        }
    }

    fn set_domain(&mut self, value: &str, target: Target) {
        if target != Target::Domain || self.reg.domain.is_some() {
            return;
        }
        let first = value.split_whitespace().next().unwrap_or("");
        if let Ok(name) = DomainName::parse(first.trim_end_matches('.')) {
            self.reg.domain = Some(name);
        }
    }

    fn set_date(&mut self, field: Field, value: &str, line: usize) {
        let slot = match field {
            Field::Created => &mut self.reg.created,
            Field::Updated => &mut self.reg.updated,
            _ => &mut self.reg.expires,
        };
        if slot.is_some() {
            return;
        }

        match parse_date(value) {
            Ok(date) => *slot = date,
            Err(e) => self.reg.warnings.push(Warning::new(format!("line {line}"), e.to_string())),
        }
    }

    fn add_statuses(&mut self, value: &str) {
        if notfound::status_says_free(value) {
            self.not_found = true;
            return;
        }
        for piece in value.split(',') {
            let status = clean_status(piece);
            self.reg.push_status(&status);
        }
    }

    fn add_name_servers(&mut self, value: &str, line: usize) {
        for token in value.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
            let token = token.trim_end_matches('.');
            if !is_host_name(token) {
                continue;
            }
            match DomainName::parse(token) {
                Ok(name) => self.reg.push_name_server(name),
                Err(e) => self.reg.warnings.push(Warning::new(
                    format!("line {line}"),
                    format!("name server {token:?} skipped: {e}"),
                )),
            }
            break;
        }
    }

    fn set_dnssec(&mut self, value: &str) {
        if self.reg.dnssec.is_none() {
            self.reg.dnssec = dnssec_value(value);
        }
    }

    fn target_attr(&mut self, target: Target, attr: Attr, value: &str) {
        match target {
            Target::Role(role) => self.role_attr(role, attr, value),
            Target::Block(index) => {
                if let Some((_, contact)) = self.blocks.get_mut(index) {
                    set_attr(contact, attr, value);
                }
            }
            Target::Domain => self.domain_attr(attr, value),
        }
    }

    /// An unlabelled attribute among the domain's own lines: a name that
    /// is the domain (.ee `Domain:` block), else the holder's (.jp
    /// `[Organization]`, .ru `person:`).
    fn domain_attr(&mut self, attr: Attr, value: &str) {
        let is_domain = !value.trim().contains(' ') && value.contains('.');
        if attr == Attr::Name && is_domain {
            return self.set_domain(value, Target::Domain);
        }
        set_attr(&mut self.contacts.registrant, attr, value);
    }

    fn role_attr(&mut self, role: Role, attr: Attr, value: &str) {
        if role == Role::Registrar {
            return self.registrar_attr(attr, value);
        }
        if let Some(contact) = self.contacts.get_mut(role) {
            set_attr(contact, attr, value);
        }
    }

    fn registrar_attr(&mut self, attr: Attr, value: &str) {
        let reg = &mut self.reg;
        match attr {
            Attr::Name => fill_str(&mut reg.registrar, value),
            Attr::Organization => fill_str(&mut self.registrar_fallback, value),
            Attr::Url => fill_str(&mut reg.registrar_url, value),
            Attr::Email => fill_str(&mut reg.registrar_email, value),
            Attr::Phone => fill_str(&mut reg.registrar_phone, value),
            Attr::WhoisServer => fill_str(&mut reg.whois_server, value),
            Attr::IanaId if reg.registrar_iana_id.is_none() => {
                reg.registrar_iana_id = value.trim().parse().ok();
            }
            _ => {}
        }
    }

    fn role_ref(&mut self, role: Role, kind: RefValue, value: &str, target: Target) {
        if matches!(target, Target::Block(_)) {
            return;
        }
        if role == Role::Registrar {
            let slot = if looks_like_handle(value) {
                &mut self.registrar_fallback
            } else {
                &mut self.reg.registrar
            };
            return fill_str(slot, value);
        }

        let Some(contact) = self.contacts.get_mut(role) else { return };
        let attr = match kind {
            _ if kind == RefValue::Handle || looks_like_handle(value) => Attr::Handle,
            RefValue::Organization => Attr::Organization,
            // "Registrant: Example Ltd" after "Registrant Contact Name: Jane"
            // (.au) names the organisation.
            _ if contact.name.is_some() => Attr::Organization,
            _ => Attr::Name,
        };
        set_attr(contact, attr, value);
    }

    /// Links handles to blocks, picks the registrar, decides the status.
    pub fn finish(mut self, domain_hint: Option<&str>) -> Registration {
        self.link_handles();

        let mut reg = self.reg;
        if reg.registrar.is_none() {
            reg.registrar = self.registrar_fallback;
        }
        if reg.domain.is_none() {
            reg.domain = domain_hint.and_then(|d| DomainName::parse(d).ok());
        }
        if let Some(domain) = &reg.domain {
            reg.name_servers.retain(|ns| ns != domain);
        }

        let c = self.contacts;
        reg.registrant = non_empty(c.registrant);
        reg.admin = non_empty(c.admin);
        reg.tech = non_empty(c.tech);
        reg.billing = non_empty(c.billing);
        reg.privacy = is_private(&reg);
        reg.status = status_of(&reg, self.not_found);
        reg
    }

    fn link_handles(&mut self) {
        let blocks = &self.blocks;
        for contact in self.contacts.all_mut() {
            let Some(handle) = contact.handle.clone() else { continue };
            let found = blocks.iter().find(|(h, _)| h.eq_ignore_ascii_case(&handle));
            if let Some((_, block)) = found {
                contact.fill_from(block);
            }
        }
    }
}

impl Contacts {
    fn get_mut(&mut self, role: Role) -> Option<&mut Contact> {
        match role {
            Role::Registrant => Some(&mut self.registrant),
            Role::Admin => Some(&mut self.admin),
            Role::Tech => Some(&mut self.tech),
            Role::Billing => Some(&mut self.billing),
            Role::Registrar | Role::Other => None,
        }
    }

    fn all_mut(&mut self) -> [&mut Contact; 4] {
        [&mut self.registrant, &mut self.admin, &mut self.tech, &mut self.billing]
    }
}

/// `contact: administrative` labels a block; it is nobody's name.
fn is_role_label(key: &str, value: &str) -> bool {
    keys::normalise(key) == "contact" && contact_role(value).is_some()
}

/// IANA's `contact: administrative` opens that contact's block.
fn contact_role(value: &str) -> Option<Role> {
    match keys::lookup(value) {
        Some(Field::RoleRef(role, _)) => Some(role),
        _ => None,
    }
}

fn handle_definition<'a>(line: &Line<'a>) -> Option<&'a str> {
    match line.kind {
        LineKind::Entry { key, value } if keys::lookup(key) == Some(Field::HandleDef) => {
            Some(value).filter(|v| !v.is_empty())
        }
        _ => None,
    }
}

/// Fields whose heading can stand alone with the values below it.
fn is_heading(field: Field) -> bool {
    matches!(
        field,
        Field::RoleRef(..)
            | Field::DomainSection
            | Field::NameServer
            | Field::Status
            | Field::Domain
            | Field::Dnssec
            | Field::Contact(_, Attr::Street)
            | Field::Contact(Role::Registrar, Attr::Name)
            | Field::Attr(Attr::Organization)
    )
}

/// A line with no separator that is a heading: `Registrant`,
/// `Nameservers`, `Technical Contacts`.
fn bare_heading(text: &str) -> Option<Field> {
    if text.split_whitespace().count() > 4 || text.contains('@') {
        return None;
    }
    keys::lookup(text.trim_end_matches(':')).filter(|f| is_heading(*f) && *f != Field::Domain)
}

/// Fields whose value may go on over the following, deeper lines.
fn continues(field: Field) -> bool {
    matches!(
        field,
        Field::Contact(_, Attr::Street)
            | Field::Attr(Attr::Street)
            | Field::NameServer
            | Field::Status
    )
}

/// `state:` in a contact block is the contact's state, not a status.
fn contact_state(field: Field, key: &str, target: Target) -> Field {
    let in_contact = !matches!(target, Target::Domain);
    if field == Field::Status && in_contact && keys::normalise(key) == "state" {
        return Field::Attr(Attr::State);
    }
    field
}

fn set_attr(contact: &mut Contact, attr: Attr, value: &str) {
    let slot = match attr {
        Attr::Street => return contact.street.push(value.trim().to_owned()),
        Attr::Name => &mut contact.name,
        Attr::Organization => &mut contact.organization,
        Attr::City => &mut contact.city,
        Attr::State => &mut contact.state,
        Attr::Postcode => &mut contact.postcode,
        Attr::Country => &mut contact.country,
        Attr::Email => &mut contact.email,
        Attr::Phone => &mut contact.phone,
        Attr::Fax => &mut contact.fax,
        Attr::Handle => &mut contact.handle,
        Attr::Url | Attr::IanaId | Attr::WhoisServer => return,
    };
    fill_str(slot, value);
}

fn fill_str(slot: &mut Option<String>, value: &str) {
    let value = value.trim();
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value.to_owned());
    }
}

/// "MarkMonitor Inc. (http://www.markmonitor.com)" → name and URL.
fn split_url(text: &str) -> (&str, &str) {
    match text.find("(http") {
        Some(i) => (text[..i].trim(), text[i + 1..].trim_end_matches(')').trim()),
        None => (text, ""),
    }
}

fn fill(slot: &mut Option<String>, from: &Option<String>) {
    if slot.is_none() {
        slot.clone_from(from);
    }
}

/// A host name as name servers are written: letters, digits, `-`, `_`
/// and dots, at least one dot, not an address.
fn is_host_name(token: &str) -> bool {
    token.contains('.')
        && token.parse::<std::net::IpAddr>().is_err()
        && !token.starts_with('.')
        && token.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A handle: one token of letters, digits, `-` and `_`, with a digit.
fn looks_like_handle(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty()
        && !value.contains(' ')
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
}

/// "clientUpdateProhibited (https://…)" → "clientUpdateProhibited";
/// "Registered until expiry date." → "Registered".
fn clean_status(piece: &str) -> String {
    let mut text = piece.trim();
    for cut in [" (", " http", "(", " - "] {
        if let Some(i) = text.find(cut) {
            text = &text[..i];
        }
    }
    let text = text.trim().trim_end_matches(['.', '-']).trim();
    let first = text.split_whitespace().next().unwrap_or("");
    if text.split_whitespace().count() > 2 || first.chars().all(|c| c.is_ascii_digit()) {
        return text.split_whitespace().next().unwrap_or("").to_owned();
    }
    text.to_owned()
}

fn dnssec_value(value: &str) -> Option<bool> {
    let lower = value.trim().to_lowercase();
    const NO: &[&str] =
        &["unsigned", "no", "not", "false", "inactive", "disabled", "off", "미서명", "0"];
    const YES: &[&str] =
        &["signed", "yes", "true", "active", "on", "서명", "1", "signeddelegation"];
    if NO.iter().any(|n| lower.starts_with(n)) || lower.contains("unsigned") {
        return Some(false);
    }
    if YES.iter().any(|y| lower.starts_with(y)) || lower.contains("signed") {
        return Some(true);
    }
    None
}

fn non_empty(contact: Contact) -> Option<Contact> {
    (!contact.is_empty()).then_some(contact)
}

/// A privacy service or masking in the holder's identity, or an e-mail
/// replaced by a web form ("https://…/contact/…").
fn is_private(reg: &Registration) -> bool {
    let contact = reg.registrant.as_ref().or(reg.admin.as_ref());
    contact.is_some_and(|c| {
        let masked_email = c.email.as_ref().is_some_and(|e| !e.contains('@'));
        masked_email || c.identity_texts().any(privacy::is_privacy_text)
    })
}

fn status_of(reg: &Registration, not_found: bool) -> RegistrationStatus {
    if reg.has_registration_data() {
        RegistrationStatus::Registered
    } else if not_found {
        RegistrationStatus::NotRegistered
    } else {
        RegistrationStatus::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_cleaned() {
        assert_eq!(clean_status("clientHold https://icann.org/epp#clientHold"), "clientHold");
        assert_eq!(clean_status(" ok (paid and in zone)"), "ok");
        assert_eq!(clean_status("Registered until expiry date."), "Registered");
        assert_eq!(clean_status("not delegated"), "not delegated");
    }

    #[test]
    fn dnssec_words() {
        assert_eq!(dnssec_value("unsigned"), Some(false));
        assert_eq!(dnssec_value("signedDelegation"), Some(true));
        assert_eq!(dnssec_value("Unsigned delegation, DNSSEC disabled, no records"), Some(false));
        assert_eq!(dnssec_value("yes"), Some(true));
        assert_eq!(dnssec_value(""), None);
    }

    #[test]
    fn handles() {
        assert!(looks_like_handle("A24C-154952"));
        assert!(looks_like_handle("CLA75"));
        assert!(!looks_like_handle("OVH"));
        assert!(!looks_like_handle("Google Korea, LLC"));
    }
}
