//! Record data in normalised presentation form.
//!
//! Each known type is read field by field and written back in one form,
//! the form `ldns-read-zone` prints (see the module documentation of
//! [`crate::zone`] for the conventions). Types without a grammar here
//! keep their tokens as written, joined by single spaces.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use nshunt_model::{Class, DomainName, NameError, Record, RrType};

use super::encoding::{
    base64_decode, base64_encode, decode_text, hex_decode, hex_encode, is_base32hex, push_quoted,
};
use super::lexer::{Field, Fields};
use super::values::{parse_int, parse_ttl, signature_time};
use super::wire;

/// The longest character string (RFC 1035 §3.3).
const MAX_CHARACTER_STRING: usize = 255;

/// Why record data was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RdataError {
    /// The data ends before this field.
    Missing(&'static str),
    /// The data is wrong; the message says how.
    Bad(String),
}

/// A record as one master-file line: owner with its trailing dot, TTL,
/// class, type and data, separated by tabs (the layout `ldns-read-zone`
/// prints). Reading the line back gives the same record.
pub fn presentation_line(record: &Record) -> String {
    let mut line = String::with_capacity(record.owner.as_str().len() + record.rdata.len() + 24);
    push_domain(&record.owner, &mut line);
    let _ = write!(line, "\t{}\t{}\t{}\t{}", record.ttl, record.class, record.rtype, record.rdata);
    line
}

/// Reads the data of a `rtype` record from `fields` and writes it in
/// normalised form. Relative names are completed with `origin`.
pub(super) fn normalise(
    rtype: RrType,
    fields: Fields<'_>,
    origin: &DomainName,
) -> Result<String, RdataError> {
    let mut writer = Writer { fields, origin, out: String::new() };
    if writer.fields.peek().is_some_and(|f| !f.quoted && f.text == "\\#") {
        return writer.generic(rtype);
    }

    writer.by_type(rtype)?;
    writer.finish()
}

/// Parses a type mnemonic or `TYPEnnn` (digits only after `TYPE`).
pub(super) fn parse_type(text: &str) -> Option<RrType> {
    if has_numeric_prefix(text, "TYPE") == Some(false) {
        return None;
    }
    RrType::from_mnemonic(text)
}

/// Parses a class mnemonic or `CLASSnnn` (digits only after `CLASS`).
pub(super) fn parse_class(text: &str) -> Option<Class> {
    if has_numeric_prefix(text, "CLASS") == Some(false) {
        return None;
    }
    Class::from_mnemonic(text)
}

/// For text starting with `prefix` (any case): whether only digits
/// follow it. `None` when it does not start so.
///
/// `RrType::from_mnemonic` and `Class::from_mnemonic` take whatever
/// `u16::from_str` takes after the prefix, `+` signs included.
fn has_numeric_prefix(text: &str, prefix: &str) -> Option<bool> {
    let head = text.get(..prefix.len()).filter(|h| h.eq_ignore_ascii_case(prefix))?;
    let digits = &text[head.len()..];
    Some(!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Appends `text`, a name as written in record data, as an absolute
/// canonical name with its trailing dot.
pub(super) fn push_name(
    text: &str,
    origin: &DomainName,
    out: &mut String,
) -> Result<(), NameError> {
    if is_canonical_fqdn(text) {
        out.push_str(text);
        return Ok(());
    }

    let name = parse_name(text, origin)?;
    push_domain(&name, out);
    Ok(())
}

/// Parses a name as a zone file writes it, relative to `origin`.
///
/// `DomainName` can turn raw UTF-8 holding control characters into an
/// A-label whose canonical text it then refuses (`xn--g\000…`); such
/// names are refused here, so that every name read parses again from
/// its own text.
pub(super) fn parse_name(text: &str, origin: &DomainName) -> Result<DomainName, NameError> {
    let name = DomainName::parse_relative(text, origin)?;
    if !text.is_ascii() && DomainName::parse(&name.to_fqdn()).as_ref() != Ok(&name) {
        return Err(NameError::Idna { name: text.to_owned() });
    }
    Ok(name)
}

/// Appends a name with its trailing dot.
pub(super) fn push_domain(name: &DomainName, out: &mut String) {
    if !name.is_root() {
        out.push_str(name.as_str());
    }
    out.push('.');
}

/// Whether `text` is already what [`DomainName`] would make of it: an
/// absolute name of lower-case letters, digits, `-` and `_`, with labels
/// of 1 to 63 octets, at most 255 octets in wire form, and no `xn--`
/// (A-labels need the IDNA check).
fn is_canonical_fqdn(text: &str) -> bool {
    let bytes = text.as_bytes();
    if text == "." {
        return true;
    }
    if bytes.len() > 254 || bytes.last() != Some(&b'.') || text.contains("xn--") {
        return false;
    }

    let mut label = 0;
    for &b in bytes {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => label += 1,
            b'.' if (1..=63).contains(&label) => label = 0,
            _ => return false,
        }
    }
    true
}

/// Takes fields and writes the normalised data.
struct Writer<'a, 'o> {
    fields: Fields<'a>,
    origin: &'o DomainName,
    out: String,
}

impl<'a> Writer<'a, '_> {
    /// The grammar of each type this reader knows.
    fn by_type(&mut self, rtype: RrType) -> Result<(), RdataError> {
        match rtype.0 {
            1 => self.ipv4(),
            2..=5 | 7..=9 | 12 | 39 => self.name("target name"),
            6 => self.soa(),
            13 => self.texts_exactly(&["CPU", "OS"]),
            15 | 18 | 21 | 36 => self.preference_and_name(),
            16 | 99 => self.texts(),
            17 => self.names(&["mailbox", "text domain"]),
            24 | 46 => self.rrsig(),
            25 | 48 | 60 => self.dnskey(),
            28 => self.ipv6(),
            33 => self.srv(),
            35 => self.naptr(),
            43 | 59 | 32769 => self.ds(),
            44 => self.fingerprint(&[("algorithm", 8), ("fingerprint type", 8)]),
            47 => self.nsec(),
            49 | 61 => self.base64_rest("data"),
            50 => self.nsec3(),
            51 => self.nsec3_parameters(),
            52 | 53 => self.fingerprint(&[("usage", 8), ("selector", 8), ("matching type", 8)]),
            62 => self.csync(),
            63 => self.fingerprint(&[("serial", 32), ("scheme", 8), ("hash algorithm", 8)]),
            256 => self.uri(),
            257 => self.caa(),
            _ => self.verbatim(),
        }
    }

    /// The normalised text, once every field has been used.
    fn finish(self) -> Result<String, RdataError> {
        match self.fields.peek() {
            Some(extra) => {
                Err(RdataError::Bad(format!("unexpected {:?} after the data", extra.text)))
            }
            None => Ok(self.out),
        }
    }

    fn take(&mut self, what: &'static str) -> Result<Field<'a>, RdataError> {
        self.fields.next().ok_or(RdataError::Missing(what))
    }

    /// Separates the next field from the previous one.
    fn space(&mut self) {
        if !self.out.is_empty() {
            self.out.push(' ');
        }
    }

    fn name(&mut self, what: &'static str) -> Result<(), RdataError> {
        let field = self.take(what)?;
        self.space();
        push_name(field.text, self.origin, &mut self.out)
            .map_err(|e| RdataError::Bad(format!("{what}: {e}")))
    }

    fn names(&mut self, what: &[&'static str]) -> Result<(), RdataError> {
        what.iter().try_for_each(|w| self.name(w))
    }

    /// An unsigned integer of `bits` bits, in decimal.
    fn int(&mut self, what: &'static str, bits: u32) -> Result<u64, RdataError> {
        let field = self.take(what)?;
        let max = u64::MAX >> (64 - bits);
        let value = parse_int(field.text, max).ok_or_else(|| {
            RdataError::Bad(format!("{what} {:?} is not a number from 0 to {max}", field.text))
        })?;

        self.space();
        let _ = write!(self.out, "{value}");
        Ok(value)
    }

    fn ints(&mut self, what: &[(&'static str, u32)]) -> Result<(), RdataError> {
        what.iter().try_for_each(|&(w, bits)| self.int(w, bits).map(drop))
    }

    /// A duration in TTL syntax (`1h30m`), written in seconds.
    fn period(&mut self, what: &'static str) -> Result<(), RdataError> {
        let field = self.take(what)?;
        let seconds = parse_ttl(field.text)
            .ok_or_else(|| RdataError::Bad(format!("{what} {:?} is not a duration", field.text)))?;
        self.space();
        let _ = write!(self.out, "{seconds}");
        Ok(())
    }

    fn ipv4(&mut self) -> Result<(), RdataError> {
        let field = self.take("address")?;
        let address: Ipv4Addr = field.text.parse().map_err(|_| {
            RdataError::Bad(format!("{:?} is not an IPv4 address (a.b.c.d)", field.text))
        })?;
        self.space();
        let _ = write!(self.out, "{address}");
        Ok(())
    }

    fn ipv6(&mut self) -> Result<(), RdataError> {
        let field = self.take("address")?;
        let address: Ipv6Addr = field
            .text
            .parse()
            .map_err(|_| RdataError::Bad(format!("{:?} is not an IPv6 address", field.text)))?;
        self.space();
        let _ = write!(self.out, "{address}");
        Ok(())
    }

    /// One character string, at most 255 octets, written quoted.
    fn text(&mut self, what: &'static str) -> Result<(), RdataError> {
        let field = self.take(what)?;
        self.quoted(field, what, MAX_CHARACTER_STRING)
    }

    /// A string that may be longer than a character string (CAA value,
    /// URI target), written quoted.
    fn long_text(&mut self, what: &'static str) -> Result<(), RdataError> {
        let field = self.take(what)?;
        self.quoted(field, what, usize::MAX)
    }

    fn quoted(&mut self, field: Field<'_>, what: &str, max: usize) -> Result<(), RdataError> {
        let bytes = decode_text(field.text).map_err(|e| RdataError::Bad(format!("{what}: {e}")))?;
        if bytes.len() > max {
            let message = format!("{what} of {} octets (at most {max})", bytes.len());
            return Err(RdataError::Bad(message));
        }

        self.space();
        push_quoted(&bytes, &mut self.out);
        Ok(())
    }

    fn texts_exactly(&mut self, what: &[&'static str]) -> Result<(), RdataError> {
        what.iter().try_for_each(|w| self.text(w))
    }

    /// One or more character strings.
    fn texts(&mut self) -> Result<(), RdataError> {
        self.text("text")?;
        while !self.fields.is_empty() {
            self.text("text")?;
        }
        Ok(())
    }

    /// The remaining fields joined, as base64.
    fn base64_rest(&mut self, what: &'static str) -> Result<(), RdataError> {
        let joined = self.rest(what)?;
        let bytes = base64_decode(&joined)
            .ok_or_else(|| RdataError::Bad(format!("{what} is not valid base64")))?;
        self.space();
        base64_encode(&bytes, &mut self.out);
        Ok(())
    }

    /// The remaining fields joined, as base16.
    fn hex_rest(&mut self, what: &'static str) -> Result<(), RdataError> {
        let joined = self.rest(what)?;
        let bytes = hex_decode(&joined)
            .ok_or_else(|| RdataError::Bad(format!("{what} is not valid hex")))?;
        self.space();
        hex_encode(&bytes, &mut self.out);
        Ok(())
    }

    /// The text of every remaining field, joined: not empty, not quoted.
    fn rest(&mut self, what: &'static str) -> Result<String, RdataError> {
        let mut joined = String::new();
        for field in self.fields.by_ref() {
            if field.quoted {
                return Err(RdataError::Bad(format!("{what} cannot be a quoted string")));
            }
            joined.push_str(field.text);
        }

        if joined.is_empty() {
            return Err(RdataError::Missing(what));
        }
        Ok(joined)
    }

    /// The remaining fields as a type bitmap: upper-case mnemonics (or
    /// `TYPEnnn`), in numeric order, each once.
    fn type_list(&mut self) -> Result<(), RdataError> {
        let mut types = Vec::with_capacity(self.fields.len());
        for field in self.fields.by_ref() {
            let rtype = parse_type(field.text)
                .ok_or_else(|| RdataError::Bad(format!("unknown type {:?} in list", field.text)))?;
            types.push(rtype);
        }

        types.sort_unstable();
        types.dedup();
        for rtype in types {
            self.space();
            let _ = write!(self.out, "{rtype}");
        }
        Ok(())
    }

    fn type_covered(&mut self) -> Result<(), RdataError> {
        let field = self.take("type covered")?;
        let rtype = parse_type(field.text)
            .ok_or_else(|| RdataError::Bad(format!("unknown type covered {:?}", field.text)))?;
        self.space();
        let _ = write!(self.out, "{rtype}");
        Ok(())
    }

    fn time(&mut self, what: &'static str) -> Result<(), RdataError> {
        let field = self.take(what)?;
        let time = signature_time(field.text).ok_or_else(|| {
            RdataError::Bad(format!("{what} {:?} is not YYYYMMDDHHmmSS or seconds", field.text))
        })?;
        self.space();
        self.out.push_str(&time);
        Ok(())
    }

    /// An NSEC3 salt: `-` for none, else up to 255 octets in hex.
    fn salt(&mut self) -> Result<(), RdataError> {
        let field = self.take("salt")?;
        self.space();
        if field.text == "-" {
            self.out.push('-');
            return Ok(());
        }

        let bytes = hex_decode(field.text)
            .filter(|b| !b.is_empty() && b.len() <= MAX_CHARACTER_STRING)
            .ok_or_else(|| RdataError::Bad(format!("salt {:?} is not - or hex", field.text)))?;
        hex_encode(&bytes, &mut self.out);
        Ok(())
    }

    fn soa(&mut self) -> Result<(), RdataError> {
        self.names(&["primary name server", "responsible mailbox"])?;
        self.int("serial", 32)?;
        ["refresh", "retry", "expire", "minimum"].iter().try_for_each(|w| self.period(w))
    }

    fn preference_and_name(&mut self) -> Result<(), RdataError> {
        self.int("preference", 16)?;
        self.name("exchange")
    }

    fn srv(&mut self) -> Result<(), RdataError> {
        self.ints(&[("priority", 16), ("weight", 16), ("port", 16)])?;
        self.name("target")
    }

    fn naptr(&mut self) -> Result<(), RdataError> {
        self.ints(&[("order", 16), ("preference", 16)])?;
        self.texts_exactly(&["flags", "services", "regexp"])?;
        self.name("replacement")
    }

    fn rrsig(&mut self) -> Result<(), RdataError> {
        self.type_covered()?;
        self.ints(&[("algorithm", 8), ("labels", 8)])?;
        self.period("original TTL")?;
        self.time("expiration")?;
        self.time("inception")?;
        self.int("key tag", 16)?;
        self.name("signer name")?;
        self.base64_rest("signature")
    }

    fn dnskey(&mut self) -> Result<(), RdataError> {
        self.ints(&[("flags", 16), ("protocol", 8), ("algorithm", 8)])?;
        self.base64_rest("public key")
    }

    fn ds(&mut self) -> Result<(), RdataError> {
        self.ints(&[("key tag", 16), ("algorithm", 8), ("digest type", 8)])?;
        self.hex_rest("digest")
    }

    /// Numbers, then data in hex (SSHFP, TLSA, SMIMEA, ZONEMD).
    fn fingerprint(&mut self, numbers: &[(&'static str, u32)]) -> Result<(), RdataError> {
        self.ints(numbers)?;
        self.hex_rest("data")
    }

    fn nsec(&mut self) -> Result<(), RdataError> {
        self.name("next name")?;
        self.type_list()
    }

    fn nsec3_parameters(&mut self) -> Result<(), RdataError> {
        self.ints(&[("hash algorithm", 8), ("flags", 8), ("iterations", 16)])?;
        self.salt()
    }

    fn nsec3(&mut self) -> Result<(), RdataError> {
        self.nsec3_parameters()?;
        let field = self.take("next hashed owner")?;
        if !is_base32hex(field.text) || field.text.is_empty() {
            let message = format!("next hashed owner {:?} is not base32hex", field.text);
            return Err(RdataError::Bad(message));
        }

        self.space();
        self.out.push_str(&field.text.to_ascii_lowercase());
        self.type_list()
    }

    fn csync(&mut self) -> Result<(), RdataError> {
        self.ints(&[("serial", 32), ("flags", 16)])?;
        self.type_list()
    }

    fn uri(&mut self) -> Result<(), RdataError> {
        self.ints(&[("priority", 16), ("weight", 16)])?;
        self.long_text("target")
    }

    fn caa(&mut self) -> Result<(), RdataError> {
        self.int("flags", 8)?;
        let tag = self.take("tag")?;
        if tag.quoted || tag.text.is_empty() || !tag.text.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(RdataError::Bad(format!("tag {:?} is not letters and digits", tag.text)));
        }

        self.space();
        self.out.push_str(tag.text);
        self.long_text("value")
    }

    /// Any other type: the tokens as written, quoted strings normalised.
    fn verbatim(&mut self) -> Result<(), RdataError> {
        while let Some(field) = self.fields.next() {
            if field.quoted {
                self.quoted(field, "string", usize::MAX)?;
            } else {
                self.space();
                self.out.push_str(field.text);
            }
        }
        Ok(())
    }

    /// RFC 3597 data, `\# length hex`: written in the type's own form
    /// where [`wire::present`] knows it, else as `\# length hex`.
    fn generic(mut self, rtype: RrType) -> Result<String, RdataError> {
        self.fields.next();
        let length = self.take("length")?;
        let length = parse_int(length.text, 65_535).ok_or_else(|| {
            RdataError::Bad(format!("\\# length {:?} is not 0..65535", length.text))
        })?;
        let hex: String = self.fields.by_ref().map(|f| f.text).collect();
        let bytes =
            hex_decode(&hex).ok_or_else(|| RdataError::Bad("\\# data is not valid hex".into()))?;
        if bytes.len() as u64 != length {
            let message = format!("\\# says {length} octets but {} follow", bytes.len());
            return Err(RdataError::Bad(message));
        }

        if let Some(text) = wire::present(rtype, &bytes).map_err(RdataError::Bad)? {
            return Ok(text);
        }
        let mut out = format!("\\# {length}");
        if !bytes.is_empty() {
            out.push(' ');
            hex_encode(&bytes, &mut out);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::{Tokens, tokenize};
    use super::*;

    fn rdata(rtype: &str, text: &str) -> Result<String, RdataError> {
        let mut tokens = Tokens::default();
        tokenize(text.as_bytes(), &mut 0, &mut tokens);
        let origin = DomainName::parse("example.com").unwrap();
        normalise(parse_type(rtype).unwrap(), tokens.fields().unwrap(), &origin)
    }

    fn ok(rtype: &str, text: &str) -> String {
        rdata(rtype, text).unwrap()
    }

    #[test]
    fn names_become_absolute_with_a_dot() {
        assert_eq!(ok("NS", "NS1.Example.NET."), "ns1.example.net.");
        assert_eq!(ok("CNAME", "www"), "www.example.com.");
        assert_eq!(ok("PTR", "@"), "example.com.");
        assert_eq!(ok("MX", "10 mail"), "10 mail.example.com.");
        assert_eq!(ok("NS", "."), ".");
    }

    #[test]
    fn canonical_check_agrees_with_the_model() {
        for text in ["a.b.", "a-b_c.d.", "xn--bcher-kva.example.", "A.b.", "a..b.", "-.a."] {
            let fast = is_canonical_fqdn(text);
            let slow = DomainName::parse(text).map(|n| n.to_fqdn() == text).unwrap_or(false);
            assert!(!fast || slow, "{text}");
        }
    }

    #[test]
    fn names_that_would_not_parse_again_are_refused() {
        let origin = DomainName::root();
        assert!(parse_name("g\0\0\0École.example.", &origin).is_err());
        assert_eq!(parse_name("École.example.", &origin).unwrap().as_str(), "xn--cole-9oa.example");
    }

    #[test]
    fn numbers_and_addresses_are_checked() {
        assert_eq!(ok("A", "192.0.2.1"), "192.0.2.1");
        assert_eq!(ok("AAAA", "2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
        assert!(matches!(rdata("A", "192.0.2.256"), Err(RdataError::Bad(_))));
        assert!(matches!(rdata("MX", "65536 a."), Err(RdataError::Bad(_))));
        assert_eq!(rdata("MX", "10"), Err(RdataError::Missing("exchange")));
        assert!(matches!(rdata("A", "1.2.3.4 5"), Err(RdataError::Bad(_))));
    }

    #[test]
    fn dnssec_types() {
        assert_eq!(ok("DS", "1 8 2 AB cd"), "1 8 2 abcd");
        assert_eq!(ok("DNSKEY", "256 3 8 AwEA AQ=="), "256 3 8 AwEAAQ==");
        assert_eq!(ok("NSEC", "b. RRSIG NS type1 NS"), "b. A NS RRSIG");
        assert_eq!(
            ok("RRSIG", "NS 8 0 1d 1573794000 20191102040000 1 . AQ=="),
            "NS 8 0 86400 20191115050000 20191102040000 1 . AQ=="
        );
        assert_eq!(ok("NSEC3PARAM", "1 0 10 ABCD"), "1 0 10 abcd");
        assert_eq!(ok("NSEC3", "1 1 0 - 0P9MHAVE A"), "1 1 0 - 0p9mhave A");
        assert_eq!(
            rdata("DS", "1 8 1 \"\""),
            Err(RdataError::Bad("digest cannot be a quoted string".into()))
        );
    }

    #[test]
    fn strings_are_quoted() {
        assert_eq!(ok("TXT", r#"a "b c" "\"""#), r#""a" "b c" "\"""#);
        assert_eq!(ok("CAA", "0 issue \"ca.example\""), "0 issue \"ca.example\"");
        assert!(matches!(rdata("TXT", &"x".repeat(256)), Err(RdataError::Bad(_))));
        assert_eq!(rdata("TXT", ""), Err(RdataError::Missing("text")));
    }

    #[test]
    fn generic_data() {
        assert_eq!(ok("TYPE65280", "\\# 3 abCDef"), "\\# 3 abcdef");
        assert_eq!(ok("TYPE65280", "\\# 0"), "\\# 0");
        assert_eq!(ok("A", "\\# 4 C0000201"), "192.0.2.1");
        assert!(matches!(rdata("A", "\\# 3 C00002"), Err(RdataError::Bad(_))));
        assert!(matches!(rdata("TYPE9", "\\# 2 C000"), Err(RdataError::Bad(_))));
        assert_eq!(
            ok("LOC", "52 22 23.000 N  4 53 32.000 E -2.00m"),
            "52 22 23.000 N 4 53 32.000 E -2.00m"
        );
    }

    #[test]
    fn type_and_class_numbers_are_digits_only() {
        assert_eq!(parse_type("type+5"), None);
        assert_eq!(parse_type("TYPE5"), Some(RrType::CNAME));
        assert_eq!(parse_class("CLASS+1"), None);
        assert_eq!(parse_class("class3"), Some(Class(3)));
    }
}
