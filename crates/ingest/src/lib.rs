//! Readers for the sources nshunt ingests.
//!
//! - [`input`]: opening files, plain or compressed (gzip, xz), chosen by
//!   their magic bytes rather than their names;
//! - [`zone`]: the RFC 1035 master-file reader, with a fast path for
//!   ICANN CZDS files;
//! - [`stats`]: streaming per-name-server-domain statistics over zone
//!   files, without a store.

pub mod input;
pub mod stats;
pub mod zone;
