//! The lifecycle state of a domain, with the evidence that put it
//! there (DESIGN.md, Definitions):
//!
//! - `expired`: its registration's expiry date has passed;
//! - `sinkholed`: on a sinkhole's name servers or addresses;
//! - `parked`: on a parking service's name servers or addresses;
//! - `active`: addresses or mail outside parking, or seen in traffic,
//!   or listed;
//! - `waiting`: delegated, but with no address or mail (or only
//!   placeholder addresses: loopback, private, unspecified,
//!   documentation) and never seen in traffic — registered and
//!   configured, not yet in use: watch it;
//! - `registered`: known from a registration or a zone, no delegation
//!   seen.
//!
//! The first rule that holds decides, in that order.

use std::net::IpAddr;

use serde::Serialize;

use crate::facts::DomainFacts;

/// A lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Known, not delegated.
    Registered,
    /// Delegated, not in use yet.
    Waiting,
    /// In use.
    Active,
    /// On parking infrastructure.
    Parked,
    /// Taken over by a sinkhole.
    Sinkholed,
    /// Its registration expired.
    Expired,
}

impl State {
    /// Every state.
    pub const ALL: [State; 6] = [
        Self::Registered,
        Self::Waiting,
        Self::Active,
        Self::Parked,
        Self::Sinkholed,
        Self::Expired,
    ];

    /// The name used in JSON, the store and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Waiting => "waiting",
            Self::Active => "active",
            Self::Parked => "parked",
            Self::Sinkholed => "sinkholed",
            Self::Expired => "expired",
        }
    }

    /// The state named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A state and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lifecycle {
    /// The state.
    pub state: State,
    /// What put it there, in words.
    pub evidence: String,
}

/// The lifecycle of one domain as of `as_of`.
pub fn lifecycle(d: &DomainFacts, as_of: i64) -> Lifecycle {
    let (state, evidence) = decide(d, as_of);
    Lifecycle { state, evidence }
}

fn decide(d: &DomainFacts, as_of: i64) -> (State, String) {
    if let Some(expires) = d.expires.filter(|&e| e < as_of) {
        return (
            State::Expired,
            format!("registration expired {} days ago", (as_of - expires) / 86_400),
        );
    }
    if d.flags.sinkhole {
        return (State::Sinkholed, "a name server or address is on a sinkhole list".into());
    }
    if d.flags.parking {
        return (State::Parked, "a name server or address is on a parking list".into());
    }

    let real: Vec<&IpAddr> = d.addresses.iter().filter(|ip| !is_placeholder(ip)).collect();
    if !real.is_empty() || d.has_mx {
        let what = match (real.len(), d.has_mx) {
            (0, _) => "mail (MX)".to_owned(),
            (n, true) => format!("{n} address(es) and mail (MX)"),
            (n, false) => format!("{n} address(es)"),
        };
        return (State::Active, what);
    }
    if d.in_traffic {
        return (State::Active, "seen in passive DNS".into());
    }
    if d.listing.is_some() {
        return (State::Active, "listed on a block list".into());
    }
    if d.delegated {
        let why = if d.addresses.is_empty() {
            "delegated, no address or mail, never seen in traffic".to_owned()
        } else {
            "delegated, only placeholder addresses, never seen in traffic".to_owned()
        };
        return (State::Waiting, why);
    }
    (State::Registered, "no delegation seen".into())
}

/// Addresses that say "not in use": unspecified, loopback, private,
/// link-local, documentation.
pub fn is_placeholder(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_documentation()
                || o[0] == 0
        }
        IpAddr::V6(v6) => {
            v6.is_unspecified() || v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Flags, Listing, Severity};

    fn domain() -> DomainFacts {
        DomainFacts { name: "x.example".into(), ..DomainFacts::default() }
    }

    #[test]
    fn each_state_with_its_evidence() {
        let mut d = domain();
        assert_eq!(lifecycle(&d, 100).state, State::Registered);

        d.delegated = true;
        assert_eq!(lifecycle(&d, 100).state, State::Waiting);
        d.addresses = vec!["127.0.0.1".parse().unwrap()];
        let waiting = lifecycle(&d, 100);
        assert_eq!(waiting.state, State::Waiting);
        assert!(waiting.evidence.contains("placeholder"));

        d.addresses.push("198.51.100.7".parse().unwrap());
        // Documentation range: still a placeholder.
        assert_eq!(lifecycle(&d, 100).state, State::Waiting);
        d.addresses.push("93.184.216.34".parse().unwrap());
        assert_eq!(lifecycle(&d, 100).state, State::Active);

        let mut listed = domain();
        listed.listing = Some(Listing {
            severity: Severity::High,
            category: String::new(),
            source: "feed".into(),
            listed_at: 0,
        });
        assert_eq!(lifecycle(&listed, 100).state, State::Active);

        d.flags = Flags { parking: true, ..Flags::default() };
        assert_eq!(lifecycle(&d, 100).state, State::Parked);
        d.flags.sinkhole = true;
        assert_eq!(lifecycle(&d, 100).state, State::Sinkholed);
        d.expires = Some(50);
        assert_eq!(lifecycle(&d, 100).state, State::Expired);
    }
}
