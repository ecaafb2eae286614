//! Streaming name-server statistics.
