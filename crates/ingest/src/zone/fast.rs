//! The fast path for ICANN CZDS lines.
//!
//! CZDS zone files hold one record per line, every field present, the
//! owner absolute, nothing quoted or escaped:
//!
//! ```text
//! example.com.  172800  in  ns  ns1.example.net.
//! ```
//!
//! Such a line needs no tokenizer: [`split_simple_line`] cuts it at its
//! blanks, and the reader gives the same records as through the general
//! path, only faster.

/// Bytes that send a line to the general parser: controls (other than
/// tab), non-ASCII, and the characters with a meaning in master files.
const SPECIAL: [bool; 256] = special_bytes();

const fn special_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b >= 0x7f;
        b += 1;
    }

    table[b'\t' as usize] = false;
    let meaningful = b";()\"\\@$";
    let mut i = 0;
    while i < meaningful.len() {
        table[meaningful[i] as usize] = true;
        i += 1;
    }
    table
}

/// The five fields of a simple line, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimpleLine<'a> {
    /// The owner, absolute (ends in `.`).
    pub owner: &'a [u8],
    /// The TTL, decimal digits only.
    pub ttl: &'a [u8],
    /// The class mnemonic (`IN`, `CH`, `HS`, `CS` or `CLASSnnn`, any case).
    pub class: &'a [u8],
    /// The type mnemonic as written (letters and digits; not checked
    /// against the known types).
    pub rtype: &'a [u8],
    /// The record data, blanks at both ends removed; words separated by
    /// blanks, with no quotes, escapes, parentheses or comments.
    pub rdata: &'a [u8],
}

/// Splits a line of the form `owner ttl class type rdata` without the
/// general lexer; `None` when the line needs the general parser.
///
/// The line is taken without its newline (a trailing `\r` is allowed).
/// `None` is returned for blank lines, lines starting with a blank (the
/// owner omitted), relative owners, TTLs with units, a missing class, and
/// any line holding a control or non-ASCII byte or one of `; ( ) " \ @ $`.
/// `Some` promises only the shape: the fields may still be invalid
/// (an unknown type, a TTL out of range, bad data).
pub fn split_simple_line(line: &[u8]) -> Option<SimpleLine<'_>> {
    let line = trim_end(line);
    if line.first().is_none_or(|&b| b == b' ' || b == b'\t') {
        return None;
    }
    if line.iter().any(|&b| SPECIAL[usize::from(b)]) {
        return None;
    }

    let (owner, rest) = word(line);
    let (ttl, rest) = word(rest);
    let (class, rest) = word(rest);
    let (rtype, rdata) = word(rest);
    let simple = owner.ends_with(b".")
        && !ttl.is_empty()
        && ttl.iter().all(u8::is_ascii_digit)
        && is_class(class)
        && !rtype.is_empty()
        && rtype.iter().all(u8::is_ascii_alphanumeric);
    simple.then_some(SimpleLine { owner, ttl, class, rtype, rdata })
}

/// The first word of `text` (which starts with one) and what follows it,
/// leading blanks removed.
fn word(text: &[u8]) -> (&[u8], &[u8]) {
    let end = text.iter().position(|&b| b == b' ' || b == b'\t').unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    let skip = rest.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(rest.len());
    (word, &rest[skip..])
}

/// `text` without its trailing blanks and carriage return.
fn trim_end(text: &[u8]) -> &[u8] {
    let end = text.iter().rposition(|&b| !matches!(b, b' ' | b'\t' | b'\r')).map_or(0, |i| i + 1);
    &text[..end]
}

/// Whether `text` is a class mnemonic.
fn is_class(text: &[u8]) -> bool {
    match text {
        [a, b] => {
            let pair = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
            matches!(&pair, b"IN" | b"CH" | b"HS" | b"CS")
        }
        _ => {
            text.len() > 5
                && text[..5].eq_ignore_ascii_case(b"CLASS")
                && text[5..].iter().all(u8::is_ascii_digit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn czds_lines_split() {
        let line = b"example.com.\t172800\tin\tns\tns1.example.net.\r";
        let simple = split_simple_line(line).unwrap();
        assert_eq!(simple.owner, b"example.com.");
        assert_eq!(simple.ttl, b"172800");
        assert_eq!(simple.class, b"in");
        assert_eq!(simple.rtype, b"ns");
        assert_eq!(simple.rdata, b"ns1.example.net.");

        let ds = split_simple_line(b"a. 1 IN DS 1 8 2 AB CD  ").unwrap();
        assert_eq!(ds.rdata, b"1 8 2 AB CD");
    }

    #[test]
    fn anything_else_needs_the_general_parser() {
        for line in [
            "",
            "\tIN NS a.",
            "example.com 1 IN NS a.",
            "a. 1h IN NS b.",
            "a. 1 NS b.",
            "a. IN 1 NS b.",
            "a. 1 IN NS b. ; comment",
            "a. 1 IN TXT \"x\"",
            "a. 1 IN NS @",
            "$TTL 1",
            "a\\.b. 1 IN NS b.",
            "é. 1 IN NS b.",
            "a. 1 IN SOA ( b.",
        ] {
            assert_eq!(split_simple_line(line.as_bytes()), None, "{line}");
        }
    }
}
