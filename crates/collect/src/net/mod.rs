//! The network layer: the loopback guard, DNS over UDP with a TCP
//! fallback, rate limits and the retrying client.

mod client;
mod guard;
mod limit;
mod transport;

pub use client::{ClientConfig, DnsClient, Exchange};
pub use guard::{Guard, LOOPBACK_ONLY_VAR, Refused};
pub use limit::RateLimit;
pub use transport::TransportError;
