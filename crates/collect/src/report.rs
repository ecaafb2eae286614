//! What collecting one domain yields: the outcome of every query and
//! the records the answers held.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use nshunt_model::DomainName;

use crate::outcome::Outcome;

/// The outcome of one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryResult {
    /// The name asked (the domain, or a reverse name for PTR).
    pub name: String,
    /// The type asked.
    pub qtype: u16,
    /// The server asked.
    pub server: SocketAddr,
    /// What came of it.
    pub outcome: Outcome,
    /// How many times it was sent.
    pub attempts: u32,
    /// When it ended, unix seconds.
    pub at: i64,
}

/// One record an answer held, in normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Observed {
    /// The owner name.
    pub name: String,
    /// The record type.
    pub rtype: u16,
    /// The normalised data.
    pub rdata: String,
    /// The TTL the server gave (child-side for authoritative answers).
    pub ttl: u32,
    /// Whether it is a parent-side delegation (an NS record from a
    /// referral) rather than the child's own record.
    pub delegation: bool,
    /// When it was seen, unix seconds.
    pub at: i64,
}

/// Everything collected about one domain.
#[derive(Debug, Clone)]
pub struct DomainReport {
    /// The domain.
    pub domain: DomainName,
    /// Every query's outcome, in the order asked.
    pub results: Vec<QueryResult>,
    /// Every record seen, once each.
    pub records: Vec<Observed>,
    seen: HashSet<(String, u16, String, u32)>,
}

impl DomainReport {
    pub(crate) fn new(domain: DomainName) -> DomainReport {
        DomainReport { domain, results: Vec::new(), records: Vec::new(), seen: HashSet::new() }
    }

    pub(crate) fn result(
        &mut self,
        name: &str,
        qtype: u16,
        server: SocketAddr,
        outcome: Outcome,
        attempts: u32,
    ) {
        let name = name.to_owned();
        self.results.push(QueryResult { name, qtype, server, outcome, attempts, at: now() });
    }

    /// Records the outcome of a query for the domain itself.
    pub(crate) fn domain_result(
        &mut self,
        qtype: u16,
        server: SocketAddr,
        outcome: Outcome,
        attempts: u32,
    ) {
        let name = self.domain.as_str().to_owned();
        self.results.push(QueryResult { name, qtype, server, outcome, attempts, at: now() });
    }

    /// Adds a record unless the same one was already seen.
    pub(crate) fn record(&mut self, record: Observed) {
        let key = (record.name.clone(), record.rtype, record.rdata.clone(), record.ttl);
        if self.seen.insert(key) {
            self.records.push(record);
        }
    }

    /// Whether any query failed (the domain stays partly unknown).
    pub fn has_failure(&self) -> bool {
        self.results.iter().any(|r| r.outcome.is_failure())
    }
}

/// The wall clock, unix seconds.
pub(crate) fn now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}
