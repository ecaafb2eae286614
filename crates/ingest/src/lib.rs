//! Readers for the sources nshunt ingests.
//!
//! - [`input`]: opening files, plain or compressed (gzip, xz), chosen by
//!   their magic bytes rather than their names;
//! - [`zone`]: the RFC 1035 master-file reader, with a fast path for
//!   ICANN CZDS files;
//! - [`stats`]: streaming per-name-server-domain statistics over zone
//!   files, without a store;
//! - [`registration`]: WHOIS text and RDAP JSON;
//! - [`pdns`]: passive DNS (COF, Zeek `dns.log`, Suricata EVE);
//! - [`asn`]: IP-to-ASN tables and longest-prefix look-ups;
//! - [`labels`]: threat labels, allow lists and known-benign
//!   infrastructure.

pub mod asn;
pub mod input;
pub mod labels;
pub mod pdns;
pub mod registration;
pub mod stats;
pub mod zone;
