//! Zeek `dns.log`, as tab-separated text ([`ZeekTsvReader`]) or as JSON
//! lines ([`ZeekJsonReader`]).
//!
//! # Which rows count
//!
//! A row becomes observations only when it records a successful answer
//! to a standard query: `rcode` is 0 (NOERROR), `answers` is not empty,
//! `rejected` is not true, `qclass` is 1 (IN) when set, `opcode` is 0
//! when the column exists, and `query` is set. Every other row is
//! skipped and counted ([`ReadStats::skipped_records`]).
//!
//! Each row's `ts` (when the query was seen, rounded down to the second)
//! is the observation's `time_first` and `time_last`, with `count` 1:
//! the reader does not merge repeated sightings; [`merge`] does.
//!
//! # From answers to records
//!
//! Zeek logs the answer section as two parallel vectors, `answers` (the
//! data of each record as text) and `TTLs`; it does not log each
//! record's owner name or type. The reader pairs each answer with its TTL
//! (vectors of different lengths are an error for the row) and infers
//! owner and type this way, walking the answers in order with an owner
//! that starts at the query name:
//!
//! 1. An IPv4 address is an A record of the current owner, an IPv6
//!    address an AAAA record. Something written like an IPv4 address that
//!    is not one (`10.0.0.256`) is an error for that answer.
//! 2. `TXT n text …` and `SPF n text …` (what Zeek 2.6 and later write,
//!    with each string's length in bytes) are TXT and SPF records of the
//!    current owner.
//! 3. A bare name depends on the query type:
//!    - for NS, PTR and CNAME queries it is a record of that type (NS
//!      host, PTR target, alias target) of the current owner; except that
//!      for PTR queries a name under `in-addr.arpa` or `ip6.arpa` is the
//!      CNAME of RFC 2317 classless delegation, and becomes the owner;
//!    - for MX, SRV, SOA, DNAME, ANY, AXFR and IXFR queries it is
//!      skipped: Zeek writes those records as their bare target name
//!      (dropping the MX preference, SRV priority, weight and port, and
//!      all of SOA but `mname`), so it cannot be told apart from a CNAME,
//!      and the record could not be written completely anyway;
//!    - with the query type unset (a reply without a question, such as
//!      unsolicited mDNS) it is skipped;
//!    - once a name is skipped, the owner of the answers after it is
//!      unknown (the name may have been a CNAME), so they are skipped
//!      too;
//!    - for every other query type (A, AAAA, TXT, DNSSEC types, …), whose
//!      records Zeek never writes as a bare name, it is a CNAME of the
//!      current owner, and becomes the owner of what follows.
//! 4. Anything else (`RRSIG 5 example.com`, `DNSKEY 8`, `DS 8 2`,
//!    `NSEC3`, `SSHFP: …`, `<unknown type=65>`, …) is a summary, not the
//!    record: it is skipped and counted ([`ReadStats::skipped_answers`]).
//!
//! # Limitations
//!
//! - The owner inference assumes the answer section lists a CNAME before
//!   the records of its target, as resolvers send it; a response in
//!   another order gets wrong owners. Zeek keeps no owner names, so
//!   nothing in the log can check this.
//! - An NS or PTR query answered through a CNAME is read as NS or PTR
//!   records of the query name (the only exception is the RFC 2317 rule
//!   above).
//! - A name of one label that a DNSSEC summary could also be is decided
//!   by the list above: `NSEC3` and `NSEC3PARAM` are summaries.
//! - TTLs are the remaining TTLs on the wire: from a recursive resolver
//!   they count down from the authoritative (child-side) TTL, so one
//!   record seen several times shows several TTLs.
//! - Answers of Zeek before 2.6 (TXT written as bare text) are skipped
//!   unless they look like a name.
//!
//! [`ReadStats::skipped_records`]: crate::pdns::ReadStats::skipped_records
//! [`ReadStats::skipped_answers`]: crate::pdns::ReadStats::skipped_answers
//! [`merge`]: crate::pdns::merge

mod answers;
mod json;
mod tsv;

use std::borrow::Cow;

pub use json::ZeekJsonReader;
pub use tsv::ZeekTsvReader;

use nshunt_model::{DomainName, RrType};

use super::error::PdnsErrorKind;
use super::lines::Lines;
use super::output::Output;
use answers::{Chain, NameCache};

/// The header fields of a row that decide whether it counts.
#[derive(Debug, Default)]
struct Status {
    rcode: Option<u64>,
    qclass: Option<u64>,
    opcode: Option<u64>,
    rejected: bool,
    has_answers: bool,
    has_query: bool,
}

impl Status {
    /// Whether the row is a successful answer to a standard IN query.
    fn is_success(&self) -> bool {
        self.rcode == Some(0)
            && self.has_answers
            && self.has_query
            && !self.rejected
            && self.qclass.is_none_or(|c| c == 1)
            && self.opcode.is_none_or(|o| o == 0)
    }
}

/// The parts of a successful row, ready to become observations.
struct Answered<'a, I> {
    time: i64,
    query: Cow<'a, [u8]>,
    qtype: Option<u64>,
    /// Each answer (unescaped) with its TTL.
    answers: I,
}

/// Queues the observations (and per-answer errors) of one row.
fn emit<'a, I>(row: Answered<'a, I>, names: &mut NameCache, lines: &Lines, output: &mut Output)
where
    I: Iterator<Item = (Cow<'a, [u8]>, Option<u32>)>,
{
    let query = match root_or_name(&row.query, names) {
        Ok(query) => query,
        Err(kind) => return output.fail(lines, kind),
    };
    let qtype = row.qtype.and_then(|t| u16::try_from(t).ok()).map(RrType);

    let mut chain = Chain::new(query, qtype, row.time);
    for (answer, ttl) in row.answers {
        match chain.answer(&answer, ttl, names) {
            Ok(Some(observation)) => output.observation(observation),
            Ok(None) => output.skip_answer(),
            Err(kind) => output.fail(lines, kind),
        }
    }
}

/// The query name; Zeek logs a query for the root as an empty string.
fn root_or_name(query: &[u8], names: &mut NameCache) -> Result<DomainName, PdnsErrorKind> {
    if query.is_empty() {
        return Ok(DomainName::root());
    }
    names.name("query", query)
}

/// Undoes Zeek's `\xNN` escapes; other backslashes stay as they are.
fn unescape(text: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\\', text).is_none() {
        return Cow::Borrowed(text);
    }

    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match hex_escape(&text[i..]) {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// The byte of a `\xNN` escape at the start of `text`.
fn hex_escape(text: &[u8]) -> Option<u8> {
    match text {
        [b'\\', b'x', high, low, ..] => {
            let digit = |b: u8| char::from(b).to_digit(16);
            Some((digit(*high)? * 16 + digit(*low)?) as u8)
        }
        _ => None,
    }
}

/// A TTL Zeek wrote as an interval (`2230.000000`): whole seconds.
fn ttl_from_text(text: &str) -> Result<u32, PdnsErrorKind> {
    let whole = text.split_once('.').map_or(text, |(whole, _)| whole);
    whole.parse().map_err(|_| PdnsErrorKind::bad("TTLs", format!("{text:?} is not a TTL")))
}

/// A TTL Zeek wrote as a JSON number: whole seconds.
fn ttl_from_f64(value: f64) -> Result<u32, PdnsErrorKind> {
    let whole = value.trunc();
    if (0.0..=f64::from(u32::MAX)).contains(&whole) {
        Ok(whole as u32)
    } else {
        Err(PdnsErrorKind::bad("TTLs", format!("{value} is not a TTL")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_undone() {
        assert_eq!(&*unescape(b"a\\x2cb\\x09c"), b"a,b\tc");
        assert_eq!(&*unescape(b"plain"), b"plain");
        assert_eq!(&*unescape(b"a\\xZZ\\x"), b"a\\xZZ\\x");
    }

    #[test]
    fn ttls_are_whole_seconds() {
        assert_eq!(ttl_from_text("2230.000000").unwrap(), 2230);
        assert_eq!(ttl_from_text("7").unwrap(), 7);
        assert!(ttl_from_text("-1.0").is_err());
        assert!(ttl_from_text("abc").is_err());
        assert_eq!(ttl_from_f64(2230.0).unwrap(), 2230);
        assert!(ttl_from_f64(-1.0).is_err());
        assert!(ttl_from_f64(5e10).is_err());
    }
}
