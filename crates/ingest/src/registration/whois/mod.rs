//! The WHOIS text parser.
//!
//! One reader for all layouts: `Key: value` answers with any of the key
//! spellings registries use, dotted keys (`domain.....: x`), JPRS
//! `[Key] value`, SWITCH `Key<TAB>value`, indented blocks under headings
//! (Nominet, SIDN, EURid, .it, .tw), RIPE-style paragraphs with `nic-hdl`
//! handle blocks (.fr, .at, .br), and keyless contact blocks. See
//! [`builder`] for how lines are attributed to the domain or a contact.

mod builder;
mod encoding;
mod freeform;
mod keys;
mod lines;
mod notfound;

use crate::registration::model::Registration;

/// Why a WHOIS body could not be read at all.
///
/// A body that can be read never fails: fields that cannot be understood
/// are skipped (dates with a [`crate::registration::Warning`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WhoisError {
    /// The body holds nothing but whitespace.
    #[error("empty whois answer")]
    Empty,

    /// The bytes are not text in UTF-8 or any legacy encoding tried.
    #[error("whois answer is not text at byte {offset}: {detail}")]
    Encoding {
        /// Byte offset of the first offending byte.
        offset: usize,
        /// What was found there.
        detail: String,
    },
}

/// Parses a WHOIS answer. `domain_hint` is the name that was asked for;
/// it fills [`Registration::domain`] when the answer does not name the
/// domain, and nothing else.
pub fn parse_whois(text: &str, domain_hint: Option<&str>) -> Result<Registration, WhoisError> {
    if text.trim().is_empty() {
        return Err(WhoisError::Empty);
    }

    let (paragraphs, comments) = lines::paragraphs(text);
    let mut builder = builder::Builder::new();
    for comment in &comments {
        builder.comment(comment);
    }
    for paragraph in &paragraphs {
        builder.paragraph(paragraph.heading, &paragraph.lines);
    }
    Ok(builder.finish(domain_hint))
}

/// Parses a WHOIS answer given as bytes: UTF-8 (with or without a BOM),
/// UTF-16 with a BOM, or the legacy encoding of the domain's registry
/// (Shift_JIS, EUC-KR, GB18030, Big5, Windows-1251, Windows-1250),
/// falling back to Windows-1252 (a superset of Latin-1).
pub fn parse_whois_bytes(
    bytes: &[u8],
    domain_hint: Option<&str>,
) -> Result<Registration, WhoisError> {
    let (text, _) = encoding::decode(bytes, domain_hint)?;
    parse_whois(&text, domain_hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registration::RegistrationStatus;

    #[test]
    fn empty_is_an_error() {
        assert_eq!(parse_whois(" \n\t\n", None), Err(WhoisError::Empty));
    }

    #[test]
    fn not_found() {
        let reg = parse_whois("No match for \"X.COM\".\n>>> Last update <<<\n", None).unwrap();
        assert_eq!(reg.status, RegistrationStatus::NotRegistered);
    }

    #[test]
    fn unknown_answer() {
        let reg = parse_whois("Rate limit exceeded, try again later\n", Some("x.com")).unwrap();
        assert_eq!(reg.status, RegistrationStatus::Unknown);
        assert_eq!(reg.domain.unwrap().as_str(), "x.com");
    }
}
