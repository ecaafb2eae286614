//! registration (being written).
