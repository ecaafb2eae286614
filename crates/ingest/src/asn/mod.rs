//! asn (being written).
