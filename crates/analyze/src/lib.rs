//! Analysis over the store: entity profiles, reputation scores and
//! domain risk.
//!
//! The path is [`load`] (the store as of a moment, into [`Facts`]),
//! [`Profiles::build`] (what each name-server domain, NS host, AS,
//! subnet, registrar and registrant address carries),
//! [`Reputations::build`] (a 0–100 score per entity with its
//! `explain`), then [`risk::risks`] (each domain's risk, the greatest of
//! its components). [`score::run`] does all of it and writes the
//! result to the store.

pub mod dga;
pub mod eval;
pub mod explore;
pub mod facts;
pub mod index;
pub mod investigate;
pub mod lifecycle;
pub mod load;
pub mod profile;
pub mod reputation;
pub mod risk;
pub mod score;

pub use facts::{DomainFacts, Entities, EntityKind, Facts, Flags, Listing, Severity};
pub use index::{ExploreIndex, IndexError};
pub use lifecycle::{Lifecycle, State, lifecycle};
pub use load::{ANALYST_SOURCE, load};
pub use profile::{Profile, Profiles};
pub use reputation::{Reputation, Reputations, Settings};
pub use risk::Risk;
pub use score::{Scored, run, score_facts, score_names};
