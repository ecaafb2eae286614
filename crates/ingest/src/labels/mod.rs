//! Threat labels: block lists, allow lists and known-benign
//! infrastructure, and matching against them.
//!
//! Readers stream [`Label`]s, one per listed indicator, each with its
//! canonical indicator ([`parse_indicator`]: refanged, domains through
//! [`nshunt_model::DomainName`], addresses and networks canonical), its
//! kind, the file and line it came from, and a shared [`LabelContext`]
//! (source, list kind, category, severity, aliases, references,
//! first-seen date):
//!
//! - plain lists and hosts files ([`ListReader`], [`ListFormat`]);
//! - CSV or TSV with a column mapping ([`CsvReader`], [`CsvMapping`]:
//!   `indicator=2,category=4,date=1`);
//! - maltrail's trail folders and its helper files ([`MaltrailReader`],
//!   [`MaltrailHelper`]), see [`maltrail`] for the conventions read.
//!
//! A bad entry is a [`LabelError`] with file and line, and reading goes
//! on; an unusable input is a fatal error ([`LabelError::is_fatal`]).
//!
//! [`LabelSet`] indexes labels for matching names (on label boundaries,
//! up to the public suffix), addresses (longest prefix first), URLs and
//! AS numbers.
//!
//! # Limitations
//!
//! - Regular-expression entries are refused, not matched.
//! - Nothing here de-duplicates: the same indicator from two lists gives
//!   two labels, as it should; from the same list twice, two as well.

mod csv;
mod error;
mod indicator;
mod label;
mod list;
pub mod maltrail;
mod set;

pub use csv::{Column, CsvMapping, CsvReader, HeaderMode};
pub use error::{LabelError, LabelErrorKind};
pub use indicator::{Indicator, IndicatorError, parse_indicator, refang};
pub use label::{Date, IndicatorKind, Label, LabelContext, ListKind, Severity};
pub use list::{ListFormat, ListOptions, ListReader};
pub use maltrail::{MaltrailHelper, MaltrailReader};
pub use set::LabelSet;
