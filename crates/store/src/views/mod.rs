//! The entity views: what the store knows about a domain, a
//! name-server domain, an address, a subnet, an AS and a PTR naming
//! pattern, as of a moment.
//!
//! Every struct here is serialised to JSON by the CLI and the HTTP
//! API; field names are a stable contract. Times are unix seconds;
//! TTLs are seconds; record types are their mnemonics (`"NS"`,
//! `"TYPE65534"`).

mod asn;
mod domain;
mod label;
mod nameserver;
mod network;
mod ptr;
mod stats;

pub use asn::AsnView;
pub use domain::{AddressView, DomainView, NsDomainInfo, RecordView};
pub use label::LabelView;
pub use nameserver::{Address, DelegatedDomain, NameserverProfile, NsHost, ZoneCount};
pub use network::{HostedName, IpView, ScoredName, SubnetView};
pub use ptr::{PatternAddress, PtrPatternView, PtrView};
pub use stats::{NS_AVG_TTL_NO_CHILD_SIDE, NS_AVG_TTL_NO_DOMAINS, TtlStats};

#[cfg(test)]
mod plan_tests;
