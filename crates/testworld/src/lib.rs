//! Deterministic test worlds.
