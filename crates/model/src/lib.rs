//! The vocabulary shared by every nshunt crate.
//!
//! - [`name`]: domain names, normalised once at the edge (case, trailing
//!   dot, escapes, IDNA) so that every later comparison is a byte compare;
//! - [`psl`]: the Public Suffix List and registered domains;
//! - [`rr`]: record types and classes;
//! - [`record`]: one resource record as read from a zone or a log;
//! - [`ptr`]: PTR naming patterns, an entity to pivot on.

pub mod name;
pub mod psl;
pub mod ptr;
pub mod record;
pub mod rr;

pub use name::{DomainName, NameError};
pub use psl::{PublicSuffixList, Section};
pub use record::Record;
pub use rr::{Class, RrType};
