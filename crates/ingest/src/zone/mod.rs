//! The zone-file reader: RFC 1035 master files, streamed.
//!
//! [`ZoneReader`] reads a master file (RFC 1035 §5) one record at a time,
//! in bounded memory, and yields `Result<Record, ZoneError>`: a bad
//! record is an error for that record only, and reading goes on.
//!
//! ```no_run
//! use nshunt_ingest::zone::{ZoneOptions, ZoneReader};
//!
//! let reader = ZoneReader::open("com.zone.gz".as_ref(), ZoneOptions::default())?;
//! for item in reader {
//!     match item {
//!         Ok(record) => println!("{} {} {}", record.owner, record.rtype, record.rdata),
//!         Err(error) if error.is_fatal() => return Err(error.into()),
//!         Err(error) => eprintln!("skipped: {error}"),
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is read
//!
//! - `$ORIGIN`, `$TTL` (with units, see [`parse_ttl`]) and `$INCLUDE file
//!   [origin]` (only with [`ZoneOptions::allow_include`], only files whose
//!   canonical path lies below the including file's directory, relative
//!   paths taken from that directory, at most [`MAX_INCLUDE_DEPTH`] deep;
//!   the origin and owner changes of an included file do not leak out,
//!   its `$TTL` does);
//! - parentheses spanning lines, `;` comments, quoted strings, `\X` and
//!   `\DDD` escapes;
//! - relative names and `@`; with no origin given, the origin is the
//!   root, as `ldns-read-zone` assumes;
//! - an omitted owner (leading blank: the previous owner), omitted TTL
//!   and class in either order (`name IN 3600 A`, `name 3600 IN A`);
//! - `TYPEnnn` and `CLASSnnn`, RFC 3597 `\# length hex` data;
//! - gzip and xz files, told by their magic bytes ([`crate::input`]).
//!
//! Lines in the ICANN CZDS shape (`owner ttl class type rdata`, absolute
//! owner, nothing quoted or escaped) take a fast path,
//! [`split_simple_line`], that gives the same records.
//!
//! # Records and their data
//!
//! A [`Record`] carries the owner as a canonical
//! [`DomainName`](nshunt_model::DomainName), the TTL, the class, the
//! type, and its data as normalised presentation text: the text
//! `ldns-read-zone` prints for the same record, so that equal data has
//! equal text whatever way it was written.
//!
//! - Types read field by field (the others are below): A, NS, MD, MF,
//!   CNAME, SOA, MB, MG, MR, PTR, HINFO, MX, TXT, RP, AFSDB, RT, SIG, KEY,
//!   AAAA, SRV, NAPTR, KX, DNAME, DS, SSHFP, RRSIG, NSEC, DNSKEY, DHCID,
//!   NSEC3, NSEC3PARAM, TLSA, SMIMEA, CDS, CDNSKEY, OPENPGPKEY, CSYNC,
//!   ZONEMD, SPF, URI, CAA and DLV.
//! - Names in the data are absolute, lower case, canonical, and end in a
//!   dot: `a.root-servers.net.`, the root as `.`. (The owner itself is a
//!   `DomainName`, without the dot; [`presentation_line`] adds it.)
//! - A is checked; AAAA is written in RFC 5952 form (`2001:db8::1`).
//! - Numbers are decimal; SOA timers, RRSIG original TTLs and TTLs may be
//!   written with units and are written back in seconds.
//! - base64 (DNSKEY keys, RRSIG signatures, OPENPGPKEY, DHCID) is joined
//!   without blanks and padded; hex (DS, SSHFP, TLSA digests, NSEC3
//!   salts) is joined and lower case; NSEC3 next owners are lower case.
//! - Type lists (NSEC, NSEC3, CSYNC) are upper-case mnemonics (or
//!   `TYPEnnn`) in numeric order, each once, as in the wire bitmap.
//! - RRSIG times are `YYYYMMDDHHmmSS`; times written in seconds are
//!   converted.
//! - Character strings (TXT, SPF, HINFO, NAPTR, CAA values, URI targets)
//!   are quoted and separated by one space; `"` and `\` are escaped with
//!   a backslash, bytes outside printable ASCII written `\DDD`.
//! - Other types keep their tokens as written, joined by single spaces
//!   (quoted ones re-quoted as above); their `\#` data stays
//!   `\# length hex`, hex in lower case. `\#` data of the types above is
//!   written in their own form.
//!
//! Wrong data for a known type (a bad IPv4 address, a number out of
//! range, bad base64) is an error for that record.
//!
//! Where nshunt and `ldns-read-zone` differ on purpose:
//!
//! - a tab inside a string is written `\009`, where ldns writes the tab
//!   itself: record data never holds a tab, so tab-separated output of
//!   records stays five columns;
//! - names are lower-cased everywhere, the NSEC next name included (ldns
//!   keeps its case, as RFC 6840 §5.1 has it for DNSSEC canonical form);
//! - an RRSIG without a TTL takes the TTL rules below, where ldns takes
//!   the signature's original TTL;
//! - raw UTF-8 names are converted to A-labels (UTS 46), where ldns keeps
//!   the bytes as `\DDD` escapes;
//! - without an origin, `@` is the root, where ldns takes the first
//!   owner;
//! - ldns refuses some forms this reader takes: a class before the TTL,
//!   several units in a record TTL (`2d3h`), units in an RRSIG original
//!   TTL (`1h`), a parenthesis before the owner (`( a ) A …`).
//!
//! # TTLs
//!
//! A record without a TTL takes, in order: the last `$TTL` (or
//! [`ZoneOptions::default_ttl`] before any); else the TTL of the previous
//! record (RFC 1035 §5.1, "the last explicitly stated value"); else, for
//! an SOA record, its own minimum field (the convention of RFC 2308 §4
//! and BIND). Anything else is [`ZoneErrorKind::NoTtl`]. A record without
//! a class takes the previous record's class, else IN.
//!
//! # Errors
//!
//! Every [`ZoneError`] names the file and the line where the record (or
//! directive) starts. Fatal errors ([`ZoneError::is_fatal`]) make the
//! input unusable and end the reading: I/O errors, compressed data that
//! is corrupt or cut short, `$INCLUDE` refused, outside the zone
//! directory, missing or nested too deep. All others reject one record:
//! truncated records, unbalanced parentheses, bad TTLs and names, bytes
//! that are not UTF-8, records longer than
//! [`ZoneOptions::max_record_bytes`] (read past without being kept),
//! unknown types and directives. An empty file gives no records and no
//! error. No input makes the reader panic.
//!
//! # Limitations
//!
//! - `$GENERATE` (a BIND extension) is not supported: each one is a
//!   non-fatal [`ZoneErrorKind::UnsupportedDirective`].
//! - A quoted string cannot span lines, not even with an escaped
//!   newline (a `\` at the end of a line is an error).
//! - An unclosed `(` runs to the end of the file, as RFC 1035 reads it:
//!   the records after it are lost, reported as one error.
//! - RFC 3597 `\#` data is converted to the type's own form only for the
//!   types read field by field (listed above); other types keep the `\#`
//!   form, so `TYPE29 \# …` and `LOC 52 22 …` differ.
//! - Algorithm and digest mnemonics (`RSASHA256`) are not accepted in DS,
//!   DNSKEY or RRSIG data: numbers only.
//! - The data of LOC, CERT, APL, IPSECKEY, HIP, SVCB, HTTPS, EUI48/64 and
//!   other types without a grammar here is not checked, and written as
//!   given (single spaces); such types written differently but meaning
//!   the same (`HTTPS` parameters in another order) have different text.
//! - Class-specific data is not told apart: A data is an IPv4 address in
//!   every class (CHAOS-class A records, a name and an address, are
//!   refused).
//! - Records of several classes in one file are not refused.
//! - RRSIG times written as `YYYYMMDDHHmmSS` are kept as written; dates
//!   after 2106 are not reduced by serial arithmetic (RFC 4034 §3.2).
//! - `$INCLUDE` paths are relative to the including file's directory
//!   (RFC 1035 does not say; BIND uses its working directory).

mod encoding;

pub(crate) use encoding::push_quoted;
mod error;
mod fast;
mod lexer;
mod rdata;
mod reader;
mod values;
mod wire;

pub use error::{ZoneError, ZoneErrorKind};
pub use fast::{SimpleLine, split_simple_line};
pub use rdata::presentation_line;
pub use reader::{DEFAULT_MAX_RECORD_BYTES, MAX_INCLUDE_DEPTH, ZoneOptions, ZoneReader};
pub use values::parse_ttl;

#[doc(no_inline)]
pub use nshunt_model::Record;
