//! Contacts written as loose lines under a heading, without keys:
//!
//! ```text
//! Registrant:
//!    Example Ltd
//!    Jane Doe  jane@example.com
//!    +1.5555550100
//!    1 Main Street
//!    Springfield, IL
//!    US
//! ```
//!
//! The reading: lines with an e-mail address give the e-mail (and, before
//! it on the line, the name); lines of digits are the phone, then the
//! fax. Before those come up to two identity lines (the second without
//! digits, else it starts the address): organisation then name for a registrant, name then
//! organisation for other contacts (a registrar has only a name). All
//! other lines are the address; a last address line that is a
//! two-letter code or a short name without digits or commas is the
//! country.

use crate::registration::model::Contact;

/// How the identity lines of a block are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Organisation, then name (a domain holder).
    Holder,
    /// Name, then organisation (administrative and technical contacts).
    Person,
    /// Name only (a registrar).
    Registrar,
}

/// Reads loose contact lines.
pub fn read_contact(lines: &[String], layout: Layout) -> Contact {
    let mut contact = Contact::default();
    let mut address = Vec::new();
    let mut identity = 0;

    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty() && !is_notice(l)) {
        if read_email(line, &mut contact) || read_phone(line, &mut contact) {
            identity = usize::MAX;
        } else if identity < identity_lines(layout) && (identity == 0 || !has_digit(line)) {
            read_identity(line, layout, identity, &mut contact);
            identity += 1;
        } else {
            identity = usize::MAX;
            address.push(line.to_owned());
        }
    }

    read_address(address, &mut contact);
    contact
}

fn has_digit(line: &str) -> bool {
    line.contains(|c: char| c.is_ascii_digit())
}

fn identity_lines(layout: Layout) -> usize {
    if layout == Layout::Registrar { 1 } else { 2 }
}

fn read_identity(line: &str, layout: Layout, index: usize, contact: &mut Contact) {
    let name_first = layout != Layout::Holder;
    let slot =
        if (index == 0) == name_first { &mut contact.name } else { &mut contact.organization };
    if slot.is_none() {
        *slot = Some(line.to_owned());
    }
}

/// Prose among the lines: "Visit www.eurid.eu for webbased WHOIS.",
/// "For more information …".
fn is_notice(line: &str) -> bool {
    const OPENINGS: &[&str] = &["visit ", "http", "see ", "for more", "please"];
    let lower = line.to_lowercase();
    OPENINGS.iter().any(|o| lower.starts_with(o)) || line.split_whitespace().count() > 10
}

fn read_email(line: &str, contact: &mut Contact) -> bool {
    if !line.contains('@')
        || line.contains(' ') && !line.split_whitespace().any(|w| w.contains('@'))
    {
        return false;
    }

    let (emails, rest): (Vec<&str>, Vec<&str>) =
        line.split_whitespace().partition(|w| w.contains('@'));
    let email = emails.join(" ");
    if contact.email.is_none() {
        contact.email = Some(email.trim_end_matches(',').to_owned());
    }
    if !rest.is_empty() && contact.name.is_none() {
        contact.name = Some(rest.join(" "));
    }
    true
}

fn read_phone(line: &str, contact: &mut Contact) -> bool {
    let (label, number) = split_phone_label(line);
    if !is_phone_number(number) {
        return false;
    }

    let is_fax = label.is_some_and(|l| l.contains("fax"));
    if is_fax || contact.phone.is_some() {
        contact.fax.get_or_insert_with(|| number.to_owned());
    } else {
        contact.phone = Some(number.to_owned());
    }
    true
}

fn split_phone_label(line: &str) -> (Option<&'static str>, &str) {
    for label in ["telephone", "facsimile", "phone", "tel.", "tel", "fax"] {
        let head = line.get(..label.len()).filter(|h| h.eq_ignore_ascii_case(label));
        if head.is_some() {
            let rest = line[label.len()..].trim_start_matches([':', ' ', '.']);
            return (Some(label), rest.trim());
        }
    }
    (None, line)
}

fn is_phone_number(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-.()/x".contains(c);
    digits >= 6 && text.chars().all(allowed) && (text.starts_with('+') || digits >= 7)
}

fn read_address(mut lines: Vec<String>, contact: &mut Contact) {
    let country = lines.last().filter(|l| lines.len() > 1 && is_country(l)).cloned();
    if country.is_some() {
        lines.pop();
        contact.country = country;
    }
    contact.street = lines;
}

/// "US", "Ukraine", "United States": short, no digits, no commas.
fn is_country(line: &str) -> bool {
    let code = line.len() == 2 && line.chars().all(|c| c.is_ascii_uppercase());
    let name = line.split_whitespace().count() <= 3
        && !line.contains(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    code || name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn taiwan_style_block() {
        let c = read_contact(
            &lines(
                "Google Inc.\nDNS Admin  dns-admin@google.com\n+1.6506234000\n+1.6506188571\n\
                 1600 Amphitheatre Parkway\nMountain View, CA\nUS",
            ),
            Layout::Holder,
        );
        assert_eq!(c.organization.as_deref(), Some("Google Inc."));
        assert_eq!(c.name.as_deref(), Some("DNS Admin"));
        assert_eq!(c.email.as_deref(), Some("dns-admin@google.com"));
        assert_eq!(c.phone.as_deref(), Some("+1.6506234000"));
        assert_eq!(c.fax.as_deref(), Some("+1.6506188571"));
        assert_eq!(c.street, ["1600 Amphitheatre Parkway", "Mountain View, CA"]);
        assert_eq!(c.country.as_deref(), Some("US"));
    }

    #[test]
    fn registrar_block() {
        let c = read_contact(
            &lines("Gandi SAS\nPhone +33 170377661\na@b.net, c@d.net"),
            Layout::Registrar,
        );
        assert_eq!(c.name.as_deref(), Some("Gandi SAS"));
        assert_eq!(c.phone.as_deref(), Some("+33 170377661"));
        assert_eq!(c.email.as_deref(), Some("a@b.net, c@d.net"));
    }

    #[test]
    fn person_block_names_first() {
        let text = "UNM Technical Contact\nThe University of New Mexico\n1 University Blvd\n\
                    Albuquerque, NM 87131\nUS\n+1.5052775757\ntechnical@unm.edu";
        let c = read_contact(&lines(text), Layout::Person);
        assert_eq!(c.name.as_deref(), Some("UNM Technical Contact"));
        assert_eq!(c.organization.as_deref(), Some("The University of New Mexico"));
        assert_eq!(c.street, ["1 University Blvd", "Albuquerque, NM 87131"]);
        assert_eq!(c.country.as_deref(), Some("US"));
    }
}
