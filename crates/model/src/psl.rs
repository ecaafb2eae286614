//! The Public Suffix List and registered domains.
//!
//! A registered domain is the public suffix of a name plus one label
//! (`ns1.dendrite.network` → `dendrite.network`, `ns.example.co.uk` →
//! `example.co.uk`). By default only the list's ICANN section decides;
//! the private section (`github.io`, `blogspot.com`, …) is used when
//! asked for with [`Section::IcannAndPrivate`].
//!
//! Rules are matched as the list's own algorithm says: the longest
//! matching rule wins, an exception rule (`!www.ck`) beats a wildcard
//! (`*.ck`), and a name no rule matches falls back to `*` (its TLD is
//! the public suffix).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::name::DomainName;

/// Which sections of the list decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    /// Only the ICANN section (the default).
    #[default]
    Icann,
    /// The ICANN and the private sections.
    IcannAndPrivate,
}

/// What one key of the list says.
#[derive(Debug, Clone, Copy, Default)]
struct Rules {
    /// `key` itself is a suffix: `(icann, private)`.
    exact: (bool, bool),
    /// `*.key` is a suffix.
    wildcard: (bool, bool),
    /// `!key` is an exception.
    exception: (bool, bool),
}

/// A parsed Public Suffix List.
#[derive(Debug, Clone)]
pub struct PublicSuffixList {
    rules: HashMap<String, Rules>,
}

/// The list embedded in nshunt (see `data/README.md` for its version).
pub fn embedded() -> &'static PublicSuffixList {
    static LIST: OnceLock<PublicSuffixList> = OnceLock::new();
    LIST.get_or_init(|| PublicSuffixList::parse(include_str!("../data/public_suffix_list.dat")))
}

impl PublicSuffixList {
    /// Parses the list's text. Lines that are not valid rules are
    /// skipped: the list is data we ship, not user input.
    pub fn parse(text: &str) -> Self {
        let mut rules: HashMap<String, Rules> = HashMap::new();
        let mut private = false;

        for line in text.lines() {
            let line = line.trim();
            if line.contains("===BEGIN PRIVATE DOMAINS===") {
                private = true;
            }
            if line.is_empty() || line.starts_with("//") {
                continue;
            }

            let rule = line.split_whitespace().next().unwrap_or_default();
            add_rule(&mut rules, rule, private);
        }

        Self { rules }
    }

    /// How many labels of `name` form its public suffix.
    pub fn suffix_labels(&self, name: &DomainName, section: Section) -> usize {
        let labels: Vec<&str> = name.labels().collect();
        let text = name.as_str();
        let mut best = 1;

        for k in 1..=labels.len() {
            let key = &text[text.len() - suffix_len(&labels, k)..];
            let Some(rules) = self.rules.get(key) else { continue };

            if allowed(rules.exception, section) {
                return k - 1;
            }
            if allowed(rules.exact, section) {
                best = best.max(k);
            }
            if allowed(rules.wildcard, section) && k < labels.len() {
                best = best.max(k + 1);
            }
        }

        best
    }

    /// The public suffix of `name` (`co.uk` for `www.example.co.uk`).
    pub fn public_suffix(&self, name: &DomainName, section: Section) -> Option<DomainName> {
        if name.is_root() {
            return None;
        }
        Some(name.suffix(self.suffix_labels(name, section)))
    }

    /// Whether the list has a rule for the top-level label of `name` in
    /// `section`: `com` and `uk` do, `txt` and `local` do not. Names
    /// under an unlisted TLD still get a suffix (the `*` fallback);
    /// this tells a real TLD from a file extension.
    pub fn has_listed_tld(&self, name: &DomainName, section: Section) -> bool {
        let Some(tld) = name.labels().next_back() else { return false };
        let rules = self.rules.get(tld).copied().unwrap_or_default();
        [rules.exact, rules.wildcard].into_iter().any(|flags| allowed(flags, section))
    }

    /// The registered domain of `name`: its public suffix plus one label.
    /// `None` for the root and for names that are public suffixes.
    pub fn registered_domain(&self, name: &DomainName, section: Section) -> Option<DomainName> {
        let count = name.label_count();
        let suffix = self.suffix_labels(name, section);
        (count > suffix).then(|| name.suffix(suffix + 1))
    }
}

/// Bytes taken by the last `k` labels, joined by dots.
fn suffix_len(labels: &[&str], k: usize) -> usize {
    let tail = &labels[labels.len() - k..];
    tail.iter().map(|l| l.len()).sum::<usize>() + k - 1
}

fn allowed((icann, private): (bool, bool), section: Section) -> bool {
    icann || (private && section == Section::IcannAndPrivate)
}

/// Adds one rule line; Unicode rules are stored as A-labels.
fn add_rule(rules: &mut HashMap<String, Rules>, rule: &str, private: bool) {
    let (kind, body) = match (rule.strip_prefix('!'), rule.strip_prefix("*.")) {
        (Some(body), _) => (2, body),
        (None, Some(body)) => (1, body),
        (None, None) => (0, rule),
    };
    let Ok(name) = DomainName::parse(body) else { return };

    let entry = rules.entry(name.as_str().to_owned()).or_default();
    let flag = match kind {
        2 => &mut entry.exception,
        1 => &mut entry.wildcard,
        _ => &mut entry.exact,
    };
    if private { flag.1 = true } else { flag.0 = true }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(name: &str, section: Section) -> Option<String> {
        let name = DomainName::parse(name).unwrap();
        embedded().registered_domain(&name, section).map(|d| d.to_string())
    }

    #[test]
    fn design_examples() {
        assert_eq!(rd("ns1.dendrite.network", Section::Icann).unwrap(), "dendrite.network");
        assert_eq!(rd("ns.example.co.uk", Section::Icann).unwrap(), "example.co.uk");
    }

    #[test]
    fn listed_tlds() {
        let listed = |name: &str| {
            embedded().has_listed_tld(&DomainName::parse(name).unwrap(), Section::Icann)
        };
        assert!(listed("example.com") && listed("a.b.ck") && listed("xn--p1ai"));
        assert!(!listed("example.pre") && !listed("readme.txt") && !listed("."));
    }

    #[test]
    fn suffixes_have_no_registered_domain() {
        assert_eq!(rd("co.uk", Section::Icann), None);
        assert_eq!(rd("com", Section::Icann), None);
    }

    #[test]
    fn private_section_on_request() {
        assert_eq!(rd("foo.bar.github.io", Section::Icann).unwrap(), "github.io");
        assert_eq!(rd("foo.bar.github.io", Section::IcannAndPrivate).unwrap(), "bar.github.io");
    }

    #[test]
    fn wildcards_and_exceptions() {
        // `*.ck` with the exception `!www.ck`.
        assert_eq!(rd("a.b.foo.ck", Section::Icann).unwrap(), "b.foo.ck");
        assert_eq!(rd("www.ck", Section::Icann).unwrap(), "www.ck");
    }

    #[test]
    fn unknown_tld_falls_back_to_star() {
        assert_eq!(rd("a.b.example", Section::Icann).unwrap(), "b.example");
    }

    #[test]
    fn idn_rules_match_a_labels() {
        assert_eq!(rd("shop.example.公司.cn", Section::Icann).unwrap(), "example.xn--55qx5d.cn");
    }
}
