//! The zone-file reader.
