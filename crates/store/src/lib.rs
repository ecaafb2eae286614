//! The Store contract and its embedded SQLite implementation.
