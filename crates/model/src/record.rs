//! One resource record as a source presented it, and the quoting of
//! character strings in presentation form that every source shares.

use serde::Serialize;

use crate::name::DomainName;
use crate::rr::{Class, RrType};

/// A resource record with its data in normalised presentation form.
///
/// `rdata` is text, not wire bytes, in the presentation form
/// `ldns-read-zone` prints: names inside it are absolute, lower case and
/// end in a dot (`ns1.example.net.`), base64 and hex are written without
/// spaces, and data of types without a grammar in the reader keeps its
/// tokens as written (generic `\#` data stays in that form). Equal
/// records therefore have equal strings, which is all the store and the
/// statistics need.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Record {
    /// The owner name.
    pub owner: DomainName,
    /// Time to live, seconds.
    pub ttl: u32,
    /// The class, nearly always IN.
    pub class: Class,
    /// The record type.
    pub rtype: RrType,
    /// Normalised presentation data.
    pub rdata: String,
}

/// Appends `bytes` as a quoted string the way `ldns` prints one: `"` and
/// `\` escaped with a backslash, other bytes outside printable ASCII as
/// `\DDD`.
pub fn push_quoted(bytes: &[u8], out: &mut String) {
    out.push('"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                out.push('\\');
                out.push(char::from(b'0' + b / 100));
                out.push(char::from(b'0' + b / 10 % 10));
                out.push(char::from(b'0' + b % 10));
            }
        }
    }
    out.push('"');
}
