//! A plain query list: exactly the given name/type pairs, sent to one
//! server through the same [`DnsClient`] the collector uses, with the
//! outcomes counted and nothing else done. This is what `dnsperf`
//! does, so the two can be compared like for like
//! (`benches/collect.sh`).
//!
//! The list is read in `dnsperf`'s format: `NAME TYPE` a line (the type
//! a mnemonic such as `A` or `TYPE65`), `#` starting a comment.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hickory_proto::rr::{Name, RecordType};
use tokio::task::JoinSet;

use crate::net::DnsClient;
use crate::outcome::Outcome;
use crate::wire::{self, Role};

/// A line of a query list that is not `NAME TYPE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {text:?} is not `NAME TYPE`: {reason}")]
pub struct QueryLineError {
    /// The line, from 1.
    pub line: usize,
    /// The line's text.
    pub text: String,
    /// What is wrong.
    pub reason: String,
}

/// One query of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedQuery {
    /// The name asked.
    pub name: Name,
    /// The type asked.
    pub qtype: RecordType,
}

/// Reads one line of a query list; `None` for blank and comment lines.
pub fn parse_query_line(line: usize, text: &str) -> Option<Result<ListedQuery, QueryLineError>> {
    let content = text.split('#').next().unwrap_or("").trim();
    if content.is_empty() {
        return None;
    }
    let bad = |reason: String| QueryLineError { line, text: text.to_owned(), reason };

    let mut fields = content.split_ascii_whitespace();
    let (Some(name), Some(qtype), None) = (fields.next(), fields.next(), fields.next()) else {
        return Some(Err(bad("expected two fields".into())));
    };
    let name = match Name::from_ascii(name) {
        Ok(mut name) => {
            name.set_fqdn(true);
            name
        }
        Err(e) => return Some(Err(bad(format!("bad name: {e}")))),
    };
    let Some(qtype) = record_type(qtype) else {
        return Some(Err(bad(format!("unknown type {qtype}"))));
    };
    Some(Ok(ListedQuery { name, qtype }))
}

/// A type mnemonic (`AAAA`) or RFC 3597's `TYPEnnn`.
fn record_type(text: &str) -> Option<RecordType> {
    let upper = text.to_ascii_uppercase();
    if let Some(number) = upper.strip_prefix("TYPE").and_then(|n| n.parse::<u16>().ok()) {
        return Some(RecordType::from(number));
    }
    RecordType::from_str(&upper).ok()
}

/// What sending a list gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListCounts {
    /// Queries of the list done (each counted once, whatever its
    /// attempts).
    pub queries: u64,
    /// How many ended with each outcome, in [`Outcome::ALL`] order.
    pub outcomes: [u64; Outcome::ALL.len()],
}

impl ListCounts {
    fn add(&mut self, outcome: Outcome) {
        self.queries += 1;
        let index = Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(0);
        self.outcomes[index] += 1;
    }

    fn merge(&mut self, other: &ListCounts) {
        self.queries += other.queries;
        for (sum, n) in self.outcomes.iter_mut().zip(other.outcomes) {
            *sum += n;
        }
    }
}

/// Sends every query of `queries`, `repeat` times over, to `server`
/// with at most `in_flight` outstanding, recursion desired when
/// `recursion` (the answers are then read as a resolver's).
pub async fn send_list(
    client: Arc<DnsClient>,
    server: std::net::SocketAddr,
    queries: Arc<[ListedQuery]>,
    repeat: usize,
    in_flight: usize,
    recursion: bool,
) -> ListCounts {
    let total = queries.len().saturating_mul(repeat);
    let next = Arc::new(AtomicUsize::new(0));
    let role = if recursion { Role::Resolver } else { Role::Authoritative };

    // A fixed set of workers pulling the next index: no task per query.
    let mut workers = JoinSet::new();
    for _ in 0..in_flight.clamp(1, total.max(1)) {
        let (client, queries, next) = (client.clone(), queries.clone(), next.clone());
        workers.spawn(async move {
            let mut counts = ListCounts::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return counts;
                }
                let q = &queries[i % queries.len()];
                let exchange = client.query(server, &q.name, q.qtype, recursion).await;
                counts.add(wire::outcome(role, &exchange.answer));
            }
        });
    }

    let mut counts = ListCounts::default();
    while let Some(done) = workers.join_next().await {
        if let Ok(worker) = done {
            counts.merge(&worker);
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnsperf_lines() {
        let q = parse_query_line(1, "Example.TEST a").unwrap().unwrap();
        assert_eq!((q.name.to_ascii().as_str(), q.qtype), ("Example.TEST.", RecordType::A));
        let q = parse_query_line(2, "x.test. TYPE65 # comment").unwrap().unwrap();
        assert_eq!(q.qtype, RecordType::HTTPS);
        assert!(parse_query_line(3, "  # only a comment").is_none());
        assert!(parse_query_line(4, "").is_none());

        for bad in ["x.test", "x.test A extra", "x..test A", "x.test NOTATYPE"] {
            let error = parse_query_line(5, bad).unwrap().unwrap_err();
            assert_eq!((error.line, error.text.as_str()), (5, bad));
        }
    }
}
