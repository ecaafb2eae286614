//! The brand catalogue: who may be impersonated, by which words, and
//! which domains are really theirs.
//!
//! The shipped catalogue (`data/brands.tsv`, written for nshunt) holds
//! 506 brands: banks, payment services, telecoms, tax and
//! government services, technology, social networks, crypto, retail
//! and delivery. A user catalogue in the same format goes on top
//! ([`Catalogue::merge`]): a user brand replaces a shipped brand with
//! the same id, so a company can add its own brands or correct ours.
//!
//! Format: one brand a line, five tab-separated columns: `id`, `name`,
//! `category`, `keywords` (comma-separated; a leading `=` marks an
//! ordinary word, matched only as a whole token or beside lure words)
//! and `domains` (comma-separated legitimate domains, possibly empty).
//! `#` starts a comment line.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use nshunt_model::DomainName;
use serde::Serialize;

/// The shipped catalogue's text.
const SHIPPED: &str = include_str!("../data/brands.tsv");

/// What kind of organisation a brand is; it decides the brand's theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[expect(missing_docs, reason = "the names say it")]
pub enum Category {
    Bank,
    Payments,
    Crypto,
    Telecom,
    Government,
    Technology,
    Email,
    Social,
    Media,
    Gaming,
    Retail,
    Delivery,
    Travel,
}

impl Category {
    const ALL: [Category; 13] = [
        Category::Bank,
        Category::Payments,
        Category::Crypto,
        Category::Telecom,
        Category::Government,
        Category::Technology,
        Category::Email,
        Category::Social,
        Category::Media,
        Category::Gaming,
        Category::Retail,
        Category::Delivery,
        Category::Travel,
    ];

    /// The category as written in catalogues and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Bank => "bank",
            Category::Payments => "payments",
            Category::Crypto => "crypto",
            Category::Telecom => "telecom",
            Category::Government => "government",
            Category::Technology => "technology",
            Category::Email => "email",
            Category::Social => "social",
            Category::Media => "media",
            Category::Gaming => "gaming",
            Category::Retail => "retail",
            Category::Delivery => "delivery",
            Category::Travel => "travel",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Category::ALL.into_iter().find(|c| c.as_str() == text).ok_or_else(|| {
            let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
            format!("unknown category {text:?} (one of {})", names.join(", "))
        })
    }
}

/// One way a brand appears inside a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Keyword {
    /// Lower-case ASCII letters and digits.
    pub text: String,
    /// An ordinary word (`apple`, `chase`): matched only as a whole
    /// token or beside lure words, never fuzzily.
    pub word: bool,
}

impl Keyword {
    /// The keyword as a catalogue file writes it (`=` before a word).
    pub fn written(&self) -> String {
        if self.word { format!("={}", self.text) } else { self.text.clone() }
    }
}

/// One brand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brand {
    /// A stable identifier.
    pub id: String,
    /// The brand as people write it.
    pub name: String,
    /// What kind of organisation it is.
    pub category: Category,
    /// The ways it appears inside labels.
    pub keywords: Vec<Keyword>,
    /// Its legitimate domains, normalised.
    pub domains: Vec<DomainName>,
}

/// A list of brands.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    brands: Vec<Brand>,
}

/// A parsed catalogue and the lines that were skipped.
#[derive(Debug)]
pub struct Parsed {
    /// The brands read.
    pub catalogue: Catalogue,
    /// One error per skipped line.
    pub skipped: Vec<CatalogueError>,
}

/// Everything that can go wrong with a catalogue.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The file could not be read.
    #[error("cannot read the brand catalogue {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// One line is not a valid brand.
    #[error("{}:{line}: {problem}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// The line number, from 1.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },

    /// The file holds no brand at all.
    #[error("{}: no brands in the catalogue (expected tab-separated lines: id, name, category, keywords, domains)", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

impl Catalogue {
    /// The catalogue nshunt ships.
    pub fn shipped() -> Catalogue {
        let parsed = Catalogue::parse(SHIPPED, Path::new("brands.tsv"));
        debug_assert!(parsed.skipped.is_empty(), "shipped catalogue: {:?}", parsed.skipped);
        parsed.catalogue
    }

    /// Reads a user catalogue meant to go on top of `base` (its brand
    /// names are taken; see [`Catalogue::parse_over`]). A bad line is
    /// skipped and reported in [`Parsed::skipped`]; with `strict`, the
    /// first bad line is the error. A file without any brand is an error
    /// either way.
    pub fn load_user(
        path: &Path,
        strict: bool,
        base: &Catalogue,
    ) -> Result<Parsed, CatalogueError> {
        let text = read_capped(path)
            .map_err(|source| CatalogueError::Read { path: path.to_owned(), source })?;
        let mut parsed = Catalogue::parse_over(&text, path, base);

        if strict && !parsed.skipped.is_empty() {
            return Err(parsed.skipped.remove(0));
        }
        if parsed.catalogue.is_empty() && parsed.skipped.is_empty() {
            return Err(CatalogueError::Empty { path: path.to_owned() });
        }
        tracing::debug!(path = %path.display(), brands = parsed.catalogue.len(),
            skipped = parsed.skipped.len(), "brand catalogue read");
        Ok(parsed)
    }

    /// Parses catalogue text; `path` names it in errors. A byte-order
    /// mark before the first line is ignored.
    pub fn parse(text: &str, path: &Path) -> Parsed {
        Catalogue::parse_over(text, path, &Catalogue::default())
    }

    /// Parses catalogue text meant to go on top of `base`: a brand that
    /// takes the name of another id, here or in `base`, is a bad line
    /// (views and filters name brands by name; two brands called
    /// `Facebook` would answer for each other).
    pub fn parse_over(text: &str, path: &Path, base: &Catalogue) -> Parsed {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut catalogue = Catalogue::default();
        let mut skipped = Vec::new();
        // Ids seen so far: a set, so that a large catalogue is not
        // checked in quadratic time. Names (any case) to their ids.
        let mut ids: HashSet<String> = HashSet::new();
        let mut names: HashMap<String, String> =
            base.brands.iter().map(|b| (name_key(&b.name), b.id.clone())).collect();

        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            if line.len() > MAX_LINE {
                let problem = format!("longer than {MAX_LINE} bytes");
                skipped.push(CatalogueError::Line { path: path.to_owned(), line: n + 1, problem });
                continue;
            }
            let checked = parse_line(line)
                .and_then(|brand| refuse_duplicate(&ids, brand))
                .and_then(|brand| refuse_taken_name(&names, brand));
            match checked {
                Ok(brand) => {
                    ids.insert(brand.id.clone());
                    names.insert(name_key(&brand.name), brand.id.clone());
                    catalogue.brands.push(brand);
                }
                Err(problem) => skipped.push(CatalogueError::Line {
                    path: path.to_owned(),
                    line: n + 1,
                    problem,
                }),
            }
        }

        Parsed { catalogue, skipped }
    }

    /// Adds `other`'s brands; one with an id already here replaces it.
    pub fn merge(&mut self, other: Catalogue) {
        let mut at: HashMap<String, usize> =
            self.brands.iter().enumerate().map(|(i, b)| (b.id.clone(), i)).collect();
        for brand in other.brands {
            match at.get(&brand.id) {
                Some(&i) => self.brands[i] = brand,
                None => {
                    at.insert(brand.id.clone(), self.brands.len());
                    self.brands.push(brand);
                }
            }
        }
    }

    /// The catalogue as catalogue text, one brand a line in the file
    /// format: what [`Catalogue::parse`] reads back into the same
    /// brands. Stores keep a user catalogue this way (valid lines only,
    /// normalised), so reading it back never skips a line.
    pub fn to_tsv(&self) -> String {
        let mut text = String::new();
        for brand in &self.brands {
            let keywords: Vec<String> = brand.keywords.iter().map(Keyword::written).collect();
            let domains: Vec<&str> = brand.domains.iter().map(DomainName::as_str).collect();
            let columns = [
                brand.id.as_str(),
                brand.name.as_str(),
                brand.category.as_str(),
                &keywords.join(","),
                &domains.join(","),
            ];
            text.push_str(&columns.join("\t"));
            text.push('\n');
        }
        text
    }

    /// The brands, in catalogue order.
    pub fn brands(&self) -> &[Brand] {
        &self.brands
    }

    /// The brand with this id.
    pub fn get(&self, id: &str) -> Option<&Brand> {
        self.brands.iter().find(|b| b.id == id)
    }

    /// How many brands there are.
    pub fn len(&self) -> usize {
        self.brands.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.brands.is_empty()
    }
}

/// A brand whose id `ids` already holds is refused.
fn refuse_duplicate(ids: &HashSet<String>, brand: Brand) -> Result<Brand, String> {
    if ids.contains(&brand.id) {
        return Err(format!("brand id {:?} is already defined above", brand.id));
    }
    Ok(brand)
}

/// The longest catalogue line read: a brand with hundreds of keywords
/// and domains fits in a few kilobytes.
const MAX_LINE: usize = 16 * 1024;

/// Characters that show as nothing (soft hyphen, zero-width and
/// bidirectional formatting characters, the byte-order mark).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
}

/// What a brand name looks like, for telling names apart: its
/// look-alike reading in lower case (`Ｍｉｎｅ` and `MINE` are `mine`).
fn name_key(name: &str) -> String {
    crate::fold::skeleton(&name.to_lowercase())
}

fn refuse_taken_name(names: &HashMap<String, String>, brand: Brand) -> Result<Brand, String> {
    match names.get(&name_key(&brand.name)) {
        Some(id) if *id != brand.id => {
            Err(format!("brand name {:?} is already brand {id:?}'s: give another name", brand.name))
        }
        _ => Ok(brand),
    }
}

/// The most a user catalogue file may hold: thousands of brands take
/// well under a megabyte; this stops `/dev/zero` or a wrong file.
pub const MAX_CATALOGUE_BYTES: u64 = 64 << 20;

/// Reads a catalogue file: a regular file (a FIFO or device would block
/// or never end) of at most [`MAX_CATALOGUE_BYTES`].
fn read_capped(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind, Read as _};
    // Checked before opening: opening a FIFO blocks until a writer comes.
    if !std::fs::metadata(path)?.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_CATALOGUE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CATALOGUE_BYTES {
        let limit = MAX_CATALOGUE_BYTES >> 20;
        return Err(Error::new(ErrorKind::InvalidData, format!("larger than {limit} MiB")));
    }
    String::from_utf8(bytes).map_err(|error| {
        let good = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        Error::new(ErrorKind::InvalidData, format!("line {line} is not UTF-8 text"))
    })
}

fn parse_line(line: &str) -> Result<Brand, String> {
    let columns: Vec<&str> = line.split('\t').map(str::trim).collect();
    let [id, name, category, keywords, domains] = columns[..] else {
        return Err(format!(
            "{} tab-separated columns, expected 5 (id, name, category, keywords, domains)",
            columns.len()
        ));
    };

    check_id(id)?;
    if name.is_empty() {
        return Err("empty brand name".into());
    }
    if name.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(format!("brand name {name:?} holds control or invisible characters"));
    }
    let category = category.parse()?;
    let keywords = split_list(keywords).map(parse_keyword).collect::<Result<Vec<_>, _>>()?;
    if keywords.is_empty() {
        return Err(format!("brand {id:?} has no keywords"));
    }
    let domains = split_list(domains).map(parse_domain).collect::<Result<Vec<_>, _>>()?;

    Ok(Brand { id: id.into(), name: name.into(), category, keywords, domains })
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { Ok(()) } else { Err(format!("bad brand id {id:?}: use a-z, 0-9 and '-'")) }
}

fn parse_keyword(text: &str) -> Result<Keyword, String> {
    let (word, body) = match text.strip_prefix('=') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let body = body.to_ascii_lowercase();
    let valid = (2..=40).contains(&body.len())
        && body.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !valid {
        return Err(format!("bad keyword {text:?}: 2 to 40 ASCII letters and digits"));
    }
    Ok(Keyword { text: body, word })
}

fn parse_domain(text: &str) -> Result<DomainName, String> {
    let name = DomainName::parse(text).map_err(|e| format!("bad domain {text:?}: {e}"))?;
    if name.label_count() < 2 && name.as_str().len() < 2 {
        return Err(format!("bad domain {text:?}"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_is_clean_and_large() {
        let parsed = Catalogue::parse(SHIPPED, Path::new("brands.tsv"));
        assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
        assert!(parsed.catalogue.len() >= 300, "{} brands", parsed.catalogue.len());
        assert!(parsed.catalogue.brands().iter().all(|b| !b.domains.is_empty()));
    }

    #[test]
    fn bad_lines_name_the_line_and_the_problem() {
        let text = "# c\nok\tOK\tbank\tokbank\tok.example\nbad\tBad\tbank\n\
                    x\tX\tweird\tx1\t\nok\tDup\tbank\tdup\t\n";
        let parsed = Catalogue::parse(text, Path::new("u.tsv"));
        assert_eq!(parsed.catalogue.len(), 1);
        let messages: Vec<String> = parsed.skipped.iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].starts_with("u.tsv:3: 3 tab-separated columns"), "{messages:?}");
        assert!(messages[1].starts_with("u.tsv:4: unknown category \"weird\""), "{messages:?}");
        assert!(messages[2].starts_with("u.tsv:5: brand id \"ok\" is already"), "{messages:?}");
    }

    #[test]
    fn a_name_belongs_to_one_brand() {
        let base = Catalogue::parse("facebook\tFacebook\tsocial\tfacebook\t\n", Path::new("x"));
        let text = "fbclone\tFACEBOOK\tsocial\tzorblax\t\nfacebook\tFacebook\tsocial\tfb2\t\n\
                    a\tSame\tbank\taaaaa\t\nb\tsame\tbank\tbbbbb\t\n\
                    c\t\u{ff33}ame\tbank\tccccc\t\nd\tSa\u{ad}me\tbank\tddddd\t\n";
        let parsed = Catalogue::parse_over(text, Path::new("y"), &base.catalogue);
        let ids: Vec<&str> = parsed.catalogue.brands().iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["facebook", "a"]);
        let lines: Vec<String> = parsed.skipped.iter().map(ToString::to_string).collect();
        assert!(lines[0].starts_with("y:1: brand name \"FACEBOOK\""), "{lines:?}");
        assert!(lines[1].starts_with("y:4:"), "{lines:?}");
        assert!(lines[2].starts_with("y:5:"), "fullwidth: {lines:?}");
        assert!(lines[3].starts_with("y:6:") && lines[3].contains("invisible"), "{lines:?}");
    }

    #[test]
    fn merge_replaces_by_id() {
        let mut base = Catalogue::parse("a\tA\tbank\taaaaa\ta.example\n", Path::new("x")).catalogue;
        let user = Catalogue::parse(
            "a\tA2\tbank\taaaab\ta.example\nb\tB\tretail\tbbbbb\t\n",
            Path::new("y"),
        )
        .catalogue;
        base.merge(user);
        assert_eq!(base.len(), 2);
        assert_eq!(base.get("a").unwrap().name, "A2");
    }

    #[test]
    fn text_written_reads_back_the_same_brands() {
        let text = "# mine\nzorblax\tZorblax Corp\tretail\tZorblax,=zorb\tZorblax.Example, b.example\n\
                    bad line\nnone\tNone\tbank\tnonebank\t\n";
        let parsed = Catalogue::parse(text, Path::new("mine.tsv"));
        assert_eq!(parsed.skipped.len(), 1);

        let written = parsed.catalogue.to_tsv();
        assert_eq!(
            written,
            "zorblax\tZorblax Corp\tretail\tzorblax,=zorb\tzorblax.example,b.example\n\
             none\tNone\tbank\tnonebank\t\n"
        );
        let again = Catalogue::parse(&written, Path::new("stored"));
        assert!(again.skipped.is_empty(), "{:?}", again.skipped);
        assert_eq!(again.catalogue.brands(), parsed.catalogue.brands());
    }

    #[test]
    fn keywords_marked_as_words() {
        let parsed = Catalogue::parse("a\tA\tbank\t=apple,appleid\t\n", Path::new("x"));
        let kw = &parsed.catalogue.brands()[0].keywords;
        assert!(kw[0].word && !kw[1].word);
        assert_eq!(kw[0].text, "apple");
    }
}
