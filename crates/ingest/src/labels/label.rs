//! The label: one indicator from one list, with what the list says of it.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::asn::Asn;

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// A domain name, canonical ([`nshunt_model::DomainName`]): it and
    /// every name below it match, down to the public suffix.
    Domain,
    /// A domain written with a leading dot (`.tk`) or `*.`: every name
    /// strictly below it matches, public suffixes included.
    Suffix,
    /// An IPv4 or IPv6 address, in canonical text (RFC 5952 for IPv6).
    Ip,
    /// A network, `address/length` with the host bits cleared.
    Cidr,
    /// A URL: `scheme://host[:port]/path` (or `host[:port]/path` when the
    /// list gave no scheme), scheme lower case, host canonical, the rest
    /// as written.
    Url,
    /// A URL path without host (`/gate.php`), as written: it matches on
    /// any host.
    Path,
    /// An autonomous system, written `AS13335`.
    Asn,
}

impl IndicatorKind {
    /// The name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::Suffix => "suffix",
            Self::Ip => "ip",
            Self::Cidr => "cidr",
            Self::Url => "url",
            Self::Path => "path",
            Self::Asn => "asn",
        }
    }
}

impl fmt::Display for IndicatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of list an entry comes from: what being on it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// Known bad: malware, phishing, command and control, abuse.
    Block,
    /// Known good or to be ignored (maltrail's `whitelist.txt`).
    Allow,
    /// Content delivery networks: shared infrastructure, weak evidence.
    Cdn,
    /// Parking services: registered, not in use.
    Parking,
    /// Sinkholes: taken over by defenders.
    Sinkhole,
    /// Dynamic DNS providers: names anyone can create.
    DynamicDns,
    /// Popular domains (top lists).
    Popular,
    /// Addresses that should never be routed (maltrail's
    /// `bogon_ranges.txt`).
    Bogon,
    /// Networks of autonomous systems known for abuse (maltrail's
    /// `worst_asns.txt`).
    BadAsn,
}

impl ListKind {
    /// Every list kind.
    pub const ALL: [ListKind; 9] = [
        Self::Block,
        Self::Allow,
        Self::Cdn,
        Self::Parking,
        Self::Sinkhole,
        Self::DynamicDns,
        Self::Popular,
        Self::Bogon,
        Self::BadAsn,
    ];

    /// The name used in JSON, text output and options.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Block => "block",
            Self::Allow => "allow",
            Self::Cdn => "cdn",
            Self::Parking => "parking",
            Self::Sinkhole => "sinkhole",
            Self::DynamicDns => "dynamic_dns",
            Self::Popular => "popular",
            Self::Bogon => "bogon",
            Self::BadAsn => "bad_asn",
        }
    }
}

impl fmt::Display for ListKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ListKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.replace('-', "_");
        Self::ALL.into_iter().find(|k| k.as_str() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown list kind {s:?}: use one of {}", names.join(", "))
        })
    }
}

/// How bad a listed indicator is said to be.
///
/// maltrail's folders map as `malware` → high, `malicious` → medium,
/// `suspicious` → low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Suspicious: worth a look, often noisy.
    Low,
    /// Malicious infrastructure without a named malware family.
    Medium,
    /// Named malware (command and control, droppers, …).
    High,
}

impl Severity {
    /// The name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    /// `low`, `medium` or `high` in any case; `critical` is high and
    /// `info` is low.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" | "info" | "informational" => Ok(Self::Low),
            "medium" | "moderate" => Ok(Self::Medium),
            "high" | "critical" => Ok(Self::High),
            _ => Err(format!("unknown severity {s:?}: use low, medium or high")),
        }
    }
}

/// A calendar date (proleptic Gregorian), written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it exists (`2024-02-30` does not).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Self { year, month, day })
    }

    /// Parses the start of `text`: `YYYY-MM-DD` or `YYYY/MM/DD`, followed
    /// by nothing, a time (`T…`, ` …`) or anything not a digit.
    pub fn parse_prefix(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let head = bytes.get(..10)?;
        let separator = head[4];
        let shaped = matches!(separator, b'-' | b'/') && head[7] == separator;
        let digits = [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&i| head[i].is_ascii_digit());
        if !shaped || !digits || bytes.get(10).is_some_and(u8::is_ascii_digit) {
            return None;
        }

        let number = |range: std::ops::Range<usize>| text[range].parse::<u16>().ok();
        let month = u8::try_from(number(5..7)?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        Self::new(number(0..4)?, month, day)
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }
}

/// Days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What a list says about a group of its entries: shared by every label
/// of that group, so that a million labels do not copy it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelContext {
    /// The source's name, chosen by whoever loads it (`maltrail`, a feed
    /// name, a file name).
    pub source: String,
    /// The file within the source (for maltrail, relative to the trails
    /// folder: `malware/zeus.txt`).
    pub file: String,
    /// The kind of list.
    pub list: ListKind,
    /// The category or family: maltrail's file name (`zeus`), a CSV
    /// column, or the worst-ASN list's network name.
    pub category: Option<String>,
    /// How bad, when the list says.
    pub severity: Option<Severity>,
    /// Other names of the family (maltrail's `# Aliases:`).
    pub aliases: Vec<String>,
    /// Where the evidence is (maltrail's `# Reference:` lines, a CSV
    /// column).
    pub references: Vec<String>,
    /// When the entry was first reported, when the list says.
    pub first_seen: Option<Date>,
    /// The autonomous system the entry belongs to (worst-ASN list).
    pub asn: Option<Asn>,
}

impl LabelContext {
    /// A context with only the source, file and list kind set.
    pub fn new(source: &str, file: &str, list: ListKind) -> Self {
        Self {
            source: source.to_owned(),
            file: file.to_owned(),
            list,
            category: None,
            severity: None,
            aliases: Vec::new(),
            references: Vec::new(),
            first_seen: None,
            asn: None,
        }
    }
}

/// One listed indicator.
///
/// Serialised as one flat JSON object:
///
/// | field | type | meaning |
/// |---|---|---|
/// | `indicator` | string | the canonical indicator ([`IndicatorKind`] says how it is written) |
/// | `kind` | string | `domain`, `suffix`, `ip`, `cidr`, `url`, `path` or `asn` |
/// | `port` | number or null | the port of an `ip:port` or `host:port` entry |
/// | `source` | string | [`LabelContext::source`] |
/// | `file` | string | [`LabelContext::file`] |
/// | `line` | number | the line in that file, from 1 |
/// | `list` | string | [`ListKind`]: `block`, `allow`, `cdn`, `parking`, … |
/// | `category` | string or null | family or category |
/// | `severity` | string or null | `low`, `medium`, `high` |
/// | `aliases` | array of strings | other names of the family |
/// | `references` | array of strings | evidence URLs (or text) |
/// | `first_seen` | string or null | `YYYY-MM-DD` |
/// | `asn` | number or null | the AS of a worst-ASN entry |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The canonical indicator.
    pub indicator: Box<str>,
    /// What the indicator is.
    pub kind: IndicatorKind,
    /// The port of an `ip:port` or `host:port` entry.
    pub port: Option<u16>,
    /// The line of the entry in its file, counted from 1.
    pub line: u64,
    /// What the list says of this entry and its neighbours.
    pub context: Arc<LabelContext>,
}

impl Serialize for Label {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = &*self.context;
        let mut s = serializer.serialize_struct("Label", 13)?;
        s.serialize_field("indicator", &*self.indicator)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("port", &self.port)?;
        s.serialize_field("source", &c.source)?;
        s.serialize_field("file", &c.file)?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("list", &c.list)?;
        s.serialize_field("category", &c.category)?;
        s.serialize_field("severity", &c.severity)?;
        s.serialize_field("aliases", &c.aliases)?;
        s.serialize_field("references", &c.references)?;
        s.serialize_field("first_seen", &c.first_seen)?;
        s.serialize_field("asn", &c.asn)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::parse_prefix("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::parse_prefix("2024/01/31 12:00:00").unwrap().to_string(), "2024-01-31");
        assert_eq!(Date::parse_prefix("2024-01-31T01:02:03Z").unwrap().day(), 31);
        for bad in
            ["2023-02-29", "2024-13-01", "2024-00-10", "24-01-01", "2024-01-011", "2024-01/01"]
        {
            assert_eq!(Date::parse_prefix(bad), None, "{bad}");
        }
    }

    #[test]
    fn list_kinds_round_trip() {
        for kind in ListKind::ALL {
            assert_eq!(kind.as_str().parse::<ListKind>().unwrap(), kind);
        }
        assert_eq!("dynamic-dns".parse::<ListKind>().unwrap(), ListKind::DynamicDns);
        assert!("nope".parse::<ListKind>().unwrap_err().contains("block, allow"));
    }

    #[test]
    fn json_fields() {
        let mut context = LabelContext::new("maltrail", "malware/zeus.txt", ListKind::Block);
        context.severity = Some(Severity::High);
        context.first_seen = Date::new(2025, 5, 22);
        let label = Label {
            indicator: "evil.example".into(),
            kind: IndicatorKind::Domain,
            port: None,
            line: 7,
            context: Arc::new(context),
        };
        let json = serde_json::to_string(&label).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"indicator":"evil.example","kind":"domain","port":null,"#,
                r#""source":"maltrail","file":"malware/zeus.txt","line":7,"list":"block","#,
                r#""category":null,"severity":"high","aliases":[],"references":[],"#,
                r#""first_seen":"2025-05-22","asn":null}"#,
            )
        );
    }
}
