//! IP-to-ASN tables: readers and longest-prefix look-ups.
//!
//! Readers stream [`AsnRecord`]s (a range, its origin AS, the holder's
//! name) from:
//!
//! - range CSV/TSV, `start_ip,end_ip,asn,as_org` with an optional header
//!   and quoted names ([`AsnFormat::RangeCsv`], e.g. `@ip-location-db/asn`);
//! - iptoasn.com TSV, where AS 0 "Not routed" rows mean no AS
//!   ([`AsnFormat::Iptoasn`]);
//! - RouteViews/CAIDA pfx2as, `prefix length asn` ([`AsnFormat::Pfx2as`]);
//!   with several origins (`a_b`) or an AS set (`a,b`) the first number
//!   listed is taken as the origin and the rest are kept in
//!   [`AsnRecord::other_origins`]: the file orders neither by preference,
//!   and taking the first keeps the choice stable across snapshots;
//! - MaxMind `.mmdb` files in the GeoLite2-ASN layout ([`MmdbReader`]).
//!
//! A bad row is an [`AsnError`] with file and line, and reading goes on;
//! an unusable input is a fatal error ([`AsnError::is_fatal`]). AS numbers
//! are 32-bit and parse from `AS4200000000`, `13335` or asdot `1.10`
//! ([`Asn`]); AS0 always means "no AS".
//!
//! [`AsnTable`] holds any number of sources in memory: rows are flattened
//! at build time so that the most specific row wins where rows nest or
//! overlap, and a look-up is one search in a small bucket of a first-level
//! index ([`AsnTable::lookup`]). [`subnet_of`] groups addresses by `/24`
//! and `/48`.
//!
//! # What counts as a wrong row
//!
//! - start after end, mixed families, bad addresses or AS numbers:
//!   rejected as errors;
//! - rows overlapping another without either containing the other:
//!   kept, counted in [`TableStats::overlapping`] (each address goes to
//!   the smaller row);
//! - reserved, private or documentation AS numbers: kept, counted in
//!   [`TableStats::reserved_asn`].
//! - holder names that only repeat the number (`AS65002`): read as no
//!   name, counted in [`TableStats::unnamed`].
//!
//! # Limitations
//!
//! - Only the first origin of a multi-origin pfx2as prefix is looked up.
//! - A range CSV's first row is taken as a header when its first field is
//!   not an address, so a broken first data row is skipped silently.
//! - IPv6 look-ups index `2000::/3` by `/18`, but today's allocations
//!   crowd into a few hundred of those buckets (16k segments in the
//!   busiest), so an IPv6 look-up searches longer than an IPv4 one: about
//!   6 million a second on one core against over 20 million.

mod error;
mod mmdb;
mod number;
mod range;
mod reader;
mod table;
pub(crate) mod text;

pub use error::{AsnError, AsnErrorKind};
pub use mmdb::{MmdbReader, MmdbRecords};
pub use number::{Asn, AsnParseError};
pub use range::{IpPrefix, IpRange, PrefixParseError, RangeError, subnet_of, subnet_with};
pub use reader::{AsnFormat, AsnReader, AsnRecord};
pub use table::{AsnHit, AsnSegment, AsnTable, AsnTableBuilder, ReadSummary, TableStats};
