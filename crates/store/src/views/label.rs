//! The label view: one stored label, as the CLI and the API show it.

use serde::Serialize;

/// One label that matched, with what its list says and when the store
/// saw it.
///
/// JSON (one object per label):
///
/// ```json
/// {"value": "evil.example", "kind": "domain", "source": "maltrail",
///  "list": "block", "category": "zeus", "severity": "high",
///  "listed_on": "2025-05-22", "port": null,
///  "references": ["https://example.org/report"],
///  "file": "malware/zeus.txt", "line": 12,
///  "first_seen": 1767225600, "last_seen": 1767225600, "after_as_of": false}
/// ```
///
/// | field | meaning |
/// |---|---|
/// | `value` | the listed indicator, canonical (`evil.example`, `192.0.2.0/24`, `AS13335`) |
/// | `kind` | `domain`, `suffix`, `ip`, `cidr`, `url`, `path` or `asn` |
/// | `source` | the source's name, as given to the ingest (`--source`) |
/// | `list` | the list kind: `block`, `allow`, `cdn`, `parking`, `sinkhole`, `dynamic_dns`, `popular`, `bogon`, `bad_asn` |
/// | `category` | the family or category; `null` when the list gives none |
/// | `severity` | `low`, `medium`, `high` or `null` |
/// | `listed_on` | the date the list gives for the entry (`YYYY-MM-DD`) or `null` |
/// | `port` | the port of an `ip:port` or `host:port` entry, or `null` |
/// | `references` | evidence URLs (or text), possibly empty |
/// | `file`, `line` | where the newest listing was read |
/// | `first_seen`, `last_seen` | the first and last batch that carried it (unix seconds; the CLI writes RFC 3339) |
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelView {
    /// The listed indicator.
    pub value: String,
    /// What the indicator is.
    pub kind: String,
    /// The source's name.
    pub source: String,
    /// The list kind.
    pub list: String,
    /// The family or category.
    pub category: Option<String>,
    /// How bad, when the list says.
    pub severity: Option<String>,
    /// The date the list gives, `YYYY-MM-DD`.
    pub listed_on: Option<String>,
    /// The port of an `ip:port` or `host:port` entry.
    pub port: Option<u16>,
    /// Evidence URLs or text.
    pub references: Vec<String>,
    /// The file of the newest listing.
    pub file: Option<String>,
    /// Its line, from 1.
    pub line: Option<u64>,
    /// The first batch that carried it, unix seconds.
    pub first_seen: i64,
    /// The last batch that carried it, unix seconds.
    pub last_seen: i64,
    /// First seen after `as_of`: its source has no older batch, so its
    /// labels answer as the best knowledge there is.
    pub after_as_of: bool,
}
