//! One answer file: read, parsed, given its domain, and turned into
//! the store's row.
//!
//! The domain is the one the answer names; an answer that names none
//! (many "not found" answers) takes `--domain`, else its file name when
//! that is a domain: `example.com`, `example.com.txt`,
//! `example.com.json`; a prefix up to the last `_` is ignored
//! (`com_example.com`, as collections such as likexian's name their
//! answers). Otherwise the file is bad.
//!
//! The ledger key is BLAKE3 of the bytes followed by `:` and the domain:
//! the same file again is a no-op, but the same bytes stored for
//! another domain (two identical "not found" answers) are two batches.

use std::io::{self, Read};
use std::path::Path;

use nshunt_ingest::registration::{
    RdapError, Registration, RegistrationStatus, WhoisError, parse_rdap, parse_whois_bytes,
};
use nshunt_model::{DomainName, Section, psl};
use nshunt_store::{NewRegistration, Registrant, SOURCE_RDAP, SOURCE_WHOIS};

/// The largest answer read: real ones are kilobytes; anything larger is
/// not one answer, and is not read into memory.
const MAX_ANSWER_BYTES: u64 = 16 << 20;

/// Extensions a file name may carry after the domain.
const EXTENSIONS: &[&str] = &[".txt", ".json", ".whois", ".rdap"];

/// Which parser reads the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// WHOIS text.
    Whois,
    /// RDAP JSON.
    Rdap,
}

impl Kind {
    /// The batch kind in the store.
    pub fn store_kind(self) -> &'static str {
        match self {
            Kind::Whois => SOURCE_WHOIS,
            Kind::Rdap => SOURCE_RDAP,
        }
    }
}

/// Why a file is not a usable answer: it is reported and skipped.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// Nothing but whitespace.
    #[error("empty file")]
    Empty,

    /// Too large to be one answer.
    #[error("{size} bytes is too large for one answer (at most {MAX_ANSWER_BYTES})")]
    TooLarge {
        /// The file's size.
        size: u64,
    },

    /// A JSON document given to the WHOIS reader.
    #[error("this is JSON, not a WHOIS answer; RDAP answers go to `nshunt ingest rdap`")]
    JsonNotWhois,

    /// An HTML page given to the WHOIS reader (a web form's output).
    #[error("this is an HTML page, not a WHOIS answer")]
    HtmlNotWhois,

    /// RDAP bytes that are not UTF-8 (JSON is UTF-8, RFC 8259).
    #[error("not UTF-8 at byte {offset}: an RDAP answer is JSON, which is UTF-8")]
    NotUtf8 {
        /// The first bad byte.
        offset: usize,
    },

    /// The WHOIS body cannot be read as text.
    #[error(transparent)]
    Whois(#[from] WhoisError),

    /// The RDAP answer cannot be read, or is not a domain answer.
    #[error(transparent)]
    Rdap(#[from] RdapError),

    /// A text that is neither a registration nor a "not found" answer
    /// and holds no registration data, with only its file name to say
    /// what it is about (a README in a folder of answers).
    #[error(
        "nothing in it names a domain or registration data: not a WHOIS answer (pass --domain \
         to store it as an unknown answer, such as a rate-limit notice)"
    )]
    NotAnAnswer,

    /// Neither the answer nor the command line nor the file name names
    /// the domain.
    #[error(
        "the answer does not name its domain, nor does the file name: pass --domain or \
         name the file after the domain (example.com.txt)"
    )]
    NoDomain,
}

/// Why a file was not stored.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file is not a usable answer (skipped unless `--strict`).
    #[error("{file}: {reason}")]
    Bad {
        /// The file as shown.
        file: String,
        /// What is wrong with it.
        reason: AnswerError,
    },

    /// The file could not be read (exit 2 either way).
    #[error("cannot read {file}: {source}")]
    Unreadable {
        /// The file as shown.
        file: String,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
}

/// A usable answer.
#[derive(Debug)]
pub struct Answer {
    /// The domain it is stored for.
    pub domain: DomainName,
    /// The parsed answer, its domain filled in.
    pub registration: Registration,
    /// The batch ledger's key.
    pub key: String,
    /// The file's size.
    pub bytes: u64,
}

/// Reads and parses one file; `domain` is `--domain`.
pub fn read(kind: Kind, path: &Path, domain: Option<&DomainName>) -> Result<Answer, FileError> {
    let file = path.display().to_string();
    let bytes = read_capped(path).map_err(|source| match source {
        Capped::Io(source) => FileError::Unreadable { file: file.clone(), source },
        Capped::TooLarge(size) => {
            FileError::Bad { file: file.clone(), reason: AnswerError::TooLarge { size } }
        }
    })?;

    parse(kind, &bytes, path, domain).map_err(|reason| FileError::Bad { file, reason })
}

/// The parse and the domain, for bytes already read.
fn parse(
    kind: Kind,
    bytes: &[u8],
    path: &Path,
    domain: Option<&DomainName>,
) -> Result<Answer, AnswerError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(AnswerError::Empty);
    }

    let hint = domain.cloned().or_else(|| domain_from_file_name(path));
    let mut registration = match kind {
        Kind::Whois => parse_whois(bytes, hint.as_ref())?,
        Kind::Rdap => parse_rdap(std::str::from_utf8(strip_bom(bytes)).map_err(not_utf8)?)?,
    };

    // Without --domain, an unknown answer with no registration data has
    // only its file name to say what it is about.
    let empty = !registration.has_registration_data();
    let unknown = registration.status == RegistrationStatus::Unknown;
    if kind == Kind::Whois && domain.is_none() && empty && unknown {
        return Err(AnswerError::NotAnAnswer);
    }

    let domain = registration.domain.clone().or(hint).ok_or(AnswerError::NoDomain)?;
    registration.domain = Some(domain.clone());
    let key = format!("{}:{domain}", blake3::hash(bytes).to_hex());
    Ok(Answer { domain, registration, key, bytes: bytes.len() as u64 })
}

/// WHOIS, after refusing what is plainly something else.
fn parse_whois(bytes: &[u8], hint: Option<&DomainName>) -> Result<Registration, AnswerError> {
    let text = strip_bom(bytes).trim_ascii_start();
    if text.starts_with(b"{") {
        return Err(AnswerError::JsonNotWhois);
    }
    let head = String::from_utf8_lossy(&text[..text.len().min(16)]).to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Err(AnswerError::HtmlNotWhois);
    }

    Ok(parse_whois_bytes(bytes, hint.map(DomainName::as_str))?)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

fn not_utf8(error: std::str::Utf8Error) -> AnswerError {
    AnswerError::NotUtf8 { offset: error.valid_up_to() }
}

/// How reading a file failed.
enum Capped {
    Io(io::Error),
    TooLarge(u64),
}

/// The whole file, unless it is larger than one answer can be.
fn read_capped(path: &Path) -> Result<Vec<u8>, Capped> {
    let file = std::fs::File::open(path).map_err(Capped::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_ANSWER_BYTES + 1).read_to_end(&mut bytes).map_err(Capped::Io)?;

    match bytes.len() as u64 {
        size if size > MAX_ANSWER_BYTES => Err(Capped::TooLarge(size)),
        _ => Ok(bytes),
    }
}

/// The domain a file's name gives, when it gives one (see the module
/// docs): letters, digits and hyphens, under a TLD the Public Suffix
/// List knows, and not itself a public suffix.
pub fn domain_from_file_name(path: &Path) -> Option<DomainName> {
    let name = path.file_name()?.to_str()?;
    let stem = EXTENSIONS.iter().find_map(|ext| name.strip_suffix(ext)).unwrap_or(name);
    let after_prefix = stem.rsplit_once('_').map(|(_, rest)| rest);

    [Some(stem), after_prefix].into_iter().flatten().find_map(plain_domain)
}

fn plain_domain(text: &str) -> Option<DomainName> {
    let name = DomainName::parse(text).ok()?;
    let ldh = |label: &str| {
        let bytes = label.as_bytes();
        let inner = bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-');
        inner && !label.starts_with('-') && !label.ends_with('-')
    };

    let psl = psl::embedded();
    let registrable = psl.has_listed_tld(&name, Section::Icann)
        && psl.registered_domain(&name, Section::Icann).is_some();
    (name.labels().all(ldh) && registrable).then_some(name)
}

/// The store's row for an answer.
pub fn to_store(answer: &Answer) -> serde_json::Result<NewRegistration> {
    let reg = &answer.registration;
    let registrant = reg.registrant.as_ref().map(|c| Registrant {
        organization: c.organization.clone(),
        street: c.street.clone(),
        city: c.city.clone(),
        state: c.state.clone(),
        postcode: c.postcode.clone(),
        country: c.country.clone(),
    });

    Ok(NewRegistration {
        domain: answer.domain.as_str().to_owned(),
        status: status(reg.status),
        registrar: reg.registrar.clone(),
        registrar_iana_id: reg.registrar_iana_id,
        created: reg.created.map(|t| t.timestamp()),
        updated: reg.updated.map(|t| t.timestamp()),
        expires: reg.expires.map(|t| t.timestamp()),
        registrant: registrant.filter(|r| !r.is_empty()),
        privacy: reg.privacy,
        name_servers: reg.name_servers.iter().map(|n| n.as_str().to_owned()).collect(),
        statuses: reg.statuses.clone(),
        record: serde_json::to_string(reg)?,
    })
}

/// The parser's status as the store spells it.
pub fn status(status: RegistrationStatus) -> nshunt_store::RegistrationStatus {
    match status {
        RegistrationStatus::Registered => nshunt_store::RegistrationStatus::Registered,
        RegistrationStatus::NotRegistered => nshunt_store::RegistrationStatus::NotRegistered,
        RegistrationStatus::Unknown => nshunt_store::RegistrationStatus::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_name(name: &str) -> Option<String> {
        domain_from_file_name(Path::new(name)).map(|d| d.as_str().to_owned())
    }

    #[test]
    fn file_names_that_are_domains() {
        assert_eq!(from_name("example.com").as_deref(), Some("example.com"));
        assert_eq!(from_name("Example.COM.txt").as_deref(), Some("example.com"));
        assert_eq!(from_name("example.co.uk.json").as_deref(), Some("example.co.uk"));
        assert_eq!(from_name("com_example.com").as_deref(), Some("example.com"));
        assert_eq!(from_name("2026-01-01_example.org.whois").as_deref(), Some("example.org"));
        assert_eq!(from_name("bücher.de.txt").as_deref(), Some("xn--bcher-kva.de"));
    }

    #[test]
    fn file_names_that_are_not() {
        let names = ["LICENSE", "answer", "co.uk", "com", "a_b", "-x-.com", "x..com", "_.com"];
        for name in names.into_iter().chain(["br_espm.br.pre", "notes.local"]) {
            assert_eq!(from_name(name), None, "{name}");
        }
    }

    #[test]
    fn json_and_html_are_not_whois() {
        let path = Path::new("example.com");
        let json = parse(Kind::Whois, b"  {\"domain\": 1}", path, None).unwrap_err();
        assert!(matches!(json, AnswerError::JsonNotWhois), "{json}");
        let html = parse(Kind::Whois, b"<!DOCTYPE html><p>", path, None).unwrap_err();
        assert!(matches!(html, AnswerError::HtmlNotWhois), "{html}");
    }

    #[test]
    fn the_domain_falls_back_to_the_option_then_the_file_name() {
        let not_found = b"No match for domain\n";
        let given = DomainName::parse("given.net").unwrap();
        let answer = parse(Kind::Whois, not_found, Path::new("x.com.txt"), Some(&given)).unwrap();
        assert_eq!(answer.domain.as_str(), "given.net");

        let answer = parse(Kind::Whois, not_found, Path::new("x.com.txt"), None).unwrap();
        assert_eq!(answer.domain.as_str(), "x.com");
        assert!(answer.key.ends_with(":x.com"), "{}", answer.key);

        let error = parse(Kind::Whois, not_found, Path::new("answer"), None).unwrap_err();
        assert!(matches!(error, AnswerError::NoDomain), "{error}");
    }

    #[test]
    fn a_text_without_whois_fields_is_not_an_answer_unless_told() {
        let readme = b"# Test data\n\nThese files are WHOIS answers.\n";
        let error = parse(Kind::Whois, readme, Path::new("README.md"), None).unwrap_err();
        assert!(matches!(error, AnswerError::NotAnAnswer), "{error}");

        let given = DomainName::parse("limited.example").unwrap();
        let notice = b"Query rate limit exceeded\n";
        let answer = parse(Kind::Whois, notice, Path::new("x"), Some(&given)).unwrap();
        assert_eq!(answer.registration.status, RegistrationStatus::Unknown);
    }

    #[test]
    fn rdap_must_be_utf8() {
        let error = parse(Kind::Rdap, b"{\"a\": \"\xff\"}", Path::new("x.com"), None).unwrap_err();
        assert!(matches!(error, AnswerError::NotUtf8 { offset: 7 }), "{error}");
    }
}
