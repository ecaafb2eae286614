//! Which stored labels concern a domain, its addresses and their
//! autonomous systems.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nshunt_model::{DomainName, Section, psl};

use crate::address::network_keys;
use crate::error::StoreError;
use crate::labels::LabelKind;
use crate::sqlite::SqliteStore;
use crate::views::LabelView;

/// The columns [`view`] reads, in order.
const COLUMNS: &str = "l.value, g.kind, g.source, g.list, g.category, n.severity, n.listed_on, \
                       l.port, n.refs, n.file, l.line, l.first_seen, l.last_seen, \
                       l.first_seen > ?4";

/// A label is known at `?4` when first seen by then, or when its source
/// has no batch that old: lists are usually loaded long after the
/// traffic they explain, so a source's labels then answer, flagged
/// `after_as_of`, as ASN tables and registrations do.
const KNOWN_AT: &str = "(l.first_seen <= ?4 OR NOT EXISTS (SELECT 1 FROM batches AS b \
                        WHERE b.kind = 'labels' AND b.source = g.source AND b.observed_at <= ?4))";

/// The labels with their groups and notes. `CROSS JOIN` keeps SQLite
/// from starting at the groups: the value is what narrows.
const FROM: &str = "labels AS l CROSS JOIN label_groups AS g ON g.id = l.group_id \
                    CROSS JOIN label_notes AS n ON n.id = l.note";

impl SqliteStore {
    /// The labels of `domain`, of `ips` and of `asns` known at `as_of`
    /// (first seen at or before it, or from a source with no batch that
    /// old: see [`KNOWN_AT`]), the most specific first: the
    /// domain, then each parent; each address, then its networks from
    /// the longest prefix; then the AS numbers.
    ///
    /// Names match on label boundaries only: a `domain` label matches
    /// its value and the names below it, down to but not including a
    /// public suffix (a label `example.com` matches `www.example.com`,
    /// never `notexample.com`; a label `com` only `com`); a `suffix`
    /// label matches the names strictly below it. An empty `domain`
    /// matches nothing.
    pub fn labels_for(
        &self,
        domain: &str,
        ips: &[IpAddr],
        asns: &[u32],
        as_of: i64,
    ) -> Result<Vec<LabelView>, StoreError> {
        let mut out = Vec::new();
        if !domain.is_empty() {
            let name = DomainName::parse(domain)
                .map_err(|source| StoreError::BadName { name: domain.to_owned(), source })?;
            for (value, kind) in name_keys(&name) {
                out.extend(self.labels_by_value(&value, kind, as_of)?);
            }
        }

        let mut seen_ips: Vec<IpAddr> = Vec::new();
        for &ip in ips {
            let ip = unmapped(ip);
            if !seen_ips.contains(&ip) {
                seen_ips.push(ip);
                out.extend(self.labels_of_address(ip, as_of)?);
            }
        }

        for asn in asns {
            out.extend(self.labels_by_value(&format!("AS{asn}"), LabelKind::Asn, as_of)?);
        }
        Ok(out)
    }

    /// Labels with this value and kind.
    fn labels_by_value(
        &self,
        value: &str,
        kind: LabelKind,
        as_of: i64,
    ) -> Result<Vec<LabelView>, StoreError> {
        self.labels_by_values([value, value], kind, as_of)
    }

    /// Labels with either value and this kind.
    fn labels_by_values(
        &self,
        values: [&str; 2],
        kind: LabelKind,
        as_of: i64,
    ) -> Result<Vec<LabelView>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE l.value IN (?1, ?2) AND g.kind = ?3 \
             AND {KNOWN_AT} ORDER BY g.source, g.list, g.category"
        );
        let params = rusqlite::params![values[0], values[1], kind.as_str(), as_of];
        self.rows("find labels", &sql, params, view)
    }

    /// Labels of the address and of every listed network holding it,
    /// one probe per prefix length: listed values are canonical text
    /// with the host bits cleared, so each network has one spelling
    /// (two for IPv4, which may also be listed IPv4-mapped).
    fn labels_of_address(&self, ip: IpAddr, as_of: i64) -> Result<Vec<LabelView>, StoreError> {
        let forms = address_forms(ip);
        let mut out = self.labels_by_values(refs(&forms), LabelKind::Ip, as_of)?;

        let width: u8 = if ip.is_ipv4() { 32 } else { 128 };
        for length in (0..=width).rev() {
            let forms = network_forms(ip, length);
            out.extend(self.labels_by_values(refs(&forms), LabelKind::Cidr, as_of)?);
        }
        Ok(out)
    }
}

/// The spellings of an address as a listed value: itself and, for
/// IPv4, its IPv4-mapped IPv6 form.
fn address_forms(ip: IpAddr) -> [String; 2] {
    match ip {
        IpAddr::V4(v4) => [v4.to_string(), v4.to_ipv6_mapped().to_string()],
        IpAddr::V6(v6) => [v6.to_string(), v6.to_string()],
    }
}

/// The spellings of the network of `length` bits holding `ip`.
fn network_forms(ip: IpAddr, length: u8) -> [String; 2] {
    let (start, _) = network_keys(ip, length);
    let mapped = Ipv6Addr::from(start);
    match ip {
        IpAddr::V4(_) => {
            let v4 = mapped.to_ipv4_mapped().unwrap_or(Ipv4Addr::UNSPECIFIED);
            [format!("{v4}/{length}"), format!("{mapped}/{}", u16::from(length) + 96)]
        }
        IpAddr::V6(_) => [format!("{mapped}/{length}"), format!("{mapped}/{length}")],
    }
}

fn refs(forms: &[String; 2]) -> [&str; 2] {
    [&forms[0], &forms[1]]
}

/// The (value, kind) pairs that concern `name`: `domain` for the name
/// and its parents above the public suffix, `suffix` for every parent.
fn name_keys(name: &DomainName) -> Vec<(String, LabelKind)> {
    let suffix_labels = psl::embedded().suffix_labels(name, Section::Icann);
    let count = name.label_count();

    let mut keys = Vec::new();
    for labels_left in (1..=count).rev() {
        let value = name.suffix(labels_left).as_str().to_owned();
        let itself = labels_left == count;
        if itself || labels_left > suffix_labels {
            keys.push((value.clone(), LabelKind::Domain));
        }
        if !itself {
            keys.push((value, LabelKind::Suffix));
        }
    }
    keys
}

/// IPv4-mapped IPv6 addresses are their IPv4 address.
fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Reads a row selected with [`COLUMNS`].
fn view(row: &rusqlite::Row<'_>) -> rusqlite::Result<LabelView> {
    let category: String = row.get(4)?;
    let refs: Option<String> = row.get(8)?;
    Ok(LabelView {
        value: row.get(0)?,
        kind: row.get(1)?,
        source: row.get(2)?,
        list: row.get(3)?,
        category: (!category.is_empty()).then_some(category),
        severity: row.get(5)?,
        listed_on: row.get(6)?,
        port: row.get(7)?,
        references: refs.map(|r| r.lines().map(str::to_owned).collect()).unwrap_or_default(),
        file: row.get(9)?,
        line: row.get(10)?,
        first_seen: row.get(11)?,
        last_seen: row.get(12)?,
        after_as_of: row.get(13)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> Vec<String> {
        let name = DomainName::parse(name).unwrap();
        name_keys(&name).into_iter().map(|(v, k)| format!("{k} {v}")).collect()
    }

    #[test]
    fn names_match_down_to_the_public_suffix() {
        assert_eq!(
            keys("www.evil.co.uk"),
            [
                "domain www.evil.co.uk",
                "domain evil.co.uk",
                "suffix evil.co.uk",
                "suffix co.uk",
                "suffix uk"
            ]
        );
        assert_eq!(keys("com"), ["domain com"]);
    }

    #[test]
    fn addresses_and_networks_are_spelled_as_listed() {
        let v4: IpAddr = "192.0.2.77".parse().unwrap();
        assert_eq!(address_forms(v4), ["192.0.2.77", "::ffff:192.0.2.77"]);
        assert_eq!(network_forms(v4, 24), ["192.0.2.0/24", "::ffff:192.0.2.0/120"]);
        assert_eq!(network_forms(v4, 0), ["0.0.0.0/0", "::ffff:0.0.0.0/96"]);

        let v6: IpAddr = "2001:db8:bad:1::9".parse().unwrap();
        assert_eq!(network_forms(v6, 48)[0], "2001:db8:bad::/48");
        assert_eq!(network_forms(v6, 128)[0], "2001:db8:bad:1::9/128");
    }
}
