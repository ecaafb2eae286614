//! Active collection: DNS answers asked of resolvers and of each
//! domain's own authoritative servers, and RDAP answers, with the
//! loopback guard, rate limits, retries and timeouts.
//!
//! ```text
//! domains ──► run (bounded in-flight set) ──► Collector::collect ──► DomainReport
//!                                               │                     results: outcome per query
//!                                               ▼                     records: normalised, with TTLs
//!                                      DnsClient (limits, retries)
//!                                               │
//!                                      transport (UDP, TCP on TC) ◄── Guard
//! ```
//!
//! - [`net`]: [`Guard`] (`NSHUNT_LOOPBACK_ONLY=1` refuses every
//!   destination outside 127.0.0.0/8 and ::1 before a socket exists),
//!   [`DnsClient`] (a global and a per-server rate limit, a deadline per
//!   attempt, retries with exponential backoff on timeouts and socket
//!   errors), UDP over connected sockets (reused for later queries to
//!   the same server after a clean exchange, a bounded number of times)
//!   and TCP when the answer is truncated. The wire format is `hickory-proto`'s.
//! - [`wire`]: what an answer means for the role of the server asked
//!   ([`Outcome`]: answer, NXDOMAIN, NODATA, lame, SERVFAIL, REFUSED,
//!   timeout, error, blocked) and record data in nshunt's normalised
//!   text.
//! - [`Collector`]: the steps for one domain (see `collector.rs`).
//! - [`run()`]: many domains concurrently, reports out as they finish.
//! - [`list`]: a plain query list sent to one server, for comparing
//!   the client with `dnsperf`.
//! - [`rdap`]: RDAP answers over HTTPS (plain HTTP only towards
//!   loopback), with a rate limit per server and `429`/`Retry-After`
//!   honoured.
//!
//! A failure is an outcome like any other: the caller stores it as
//! "unknown", never as a negative answer, and asks again later.
//!
//! # Limitations
//!
//! - The delegation comes from the resolver's NS answer (usually the
//!   child's NS set); the parent's referral is asked only when the
//!   resolver fails.
//! - Only the domain's apex is asked; `www` and other names are not.
//! - A UDP socket carries one query at a time; a socket shared by many
//!   outstanding queries, matched by id, would need fewer sockets.
//! - No DNSSEC validation, no EDNS client subnet, no DNS cookies.
//! - A retry goes to the same server; the next resolver is used by the
//!   next query, not by the retry.

mod collector;
pub mod list;
pub mod net;
mod outcome;
pub mod rdap;
mod report;
pub mod resolv;
mod run;
pub mod wire;

pub use collector::Collector;
pub use net::{
    ClientConfig, DnsClient, Exchange, Guard, LOOPBACK_ONLY_VAR, Refused, TransportError,
};
pub use outcome::Outcome;
pub use report::{DomainReport, Observed, QueryResult};
pub use run::{RunEnd, run, run_tasks};
