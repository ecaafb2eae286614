//! pdns (being written).
