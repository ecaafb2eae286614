//! Which observations are current at a moment T ("as of T").
//!
//! Zone files are full snapshots. For a zone, let S(T) be the newest
//! `observed_at` of that zone's batches at or before T. A zone
//! observation is current at T when `first_seen <= T` and
//! `last_seen >= S(T)`: it was in the newest snapshot we had at T.
//!
//! Other sources (passive DNS, collection) never say that a record is
//! gone. Their observations are current at T when `first_seen <= T`
//! and they were last seen no more than [`SIGHTING_WINDOW_SECS`]
//! before T.
//!
//! # Limitations
//!
//! An observation keeps one `first_seen` and one `last_seen`, not a
//! list of sightings. A record present in the January and March
//! snapshots but absent from February's therefore looks current as of
//! February too.

/// How long a sighting from a source without snapshots stays current:
/// 30 days.
pub const SIGHTING_WINDOW_SECS: i64 = 30 * 86_400;

/// The SQL condition "observation `alias` is current at `:as_of`".
///
/// Statements using it bind `:as_of` and `:window`
/// ([`SIGHTING_WINDOW_SECS`]).
pub(crate) fn current(alias: &str) -> String {
    format!(
        "({a}.first_seen <= :as_of AND {a}.last_seen >= CASE WHEN {a}.source = 'zone' \
         THEN (SELECT max(b.observed_at) FROM batches AS b \
               WHERE b.kind = 'zone' AND b.zone = {a}.zone AND b.observed_at <= :as_of) \
         ELSE :as_of - :window END)",
        a = alias
    )
}

/// The SQL expression "the last sighting of observation `alias` at or
/// before `:as_of`": a view as of T must not show what came after T.
/// For zone data that is the newest snapshot of its zone at or before
/// T; for other sources T itself bounds it.
pub(crate) fn seen_until(alias: &str) -> String {
    format!(
        "min({a}.last_seen, CASE WHEN {a}.source = 'zone' \
         THEN coalesce((SELECT max(b.observed_at) FROM batches AS b \
               WHERE b.kind = 'zone' AND b.zone = {a}.zone AND b.observed_at <= :as_of), :as_of) \
         ELSE :as_of END)",
        a = alias
    )
}
