//! Turning a WHOIS body into text: UTF-8 first, then the legacy encoding
//! its registry is known to use.
//!
//! Which legacy encoding is tried follows the domain's top-level domain:
//! from the hint, or else from the first `domain`-like line of the body
//! read as ASCII. Unknown registries fall back to Windows-1252, which
//! decodes every byte, so the only bodies refused are binary ones (NUL or
//! other control bytes that no text answer contains).

use std::borrow::Cow;

use encoding_rs::{
    BIG5, EUC_JP, EUC_KR, Encoding, GB18030, KOI8_R, SHIFT_JIS, WINDOWS_1250, WINDOWS_1251,
    WINDOWS_1252,
};

use super::WhoisError;

/// Decodes `bytes` as text; the encoding used is returned with it.
pub fn decode<'a>(
    bytes: &'a [u8],
    domain_hint: Option<&str>,
) -> Result<(Cow<'a, str>, &'static Encoding), WhoisError> {
    if let Some((encoding, rest)) = Encoding::for_bom(bytes) {
        return decode_with_bom(encoding, &bytes[rest..]);
    }

    check_binary(bytes)?;
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), encoding_rs::UTF_8));
    }

    let tld = domain_hint.map(tld_of).or_else(|| sniff_tld(bytes));
    Ok(decode_legacy(bytes, tld.as_deref()))
}

fn decode_with_bom(
    encoding: &'static Encoding,
    body: &[u8],
) -> Result<(Cow<'static, str>, &'static Encoding), WhoisError> {
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        let offset = first_invalid(encoding, body);
        return Err(WhoisError::Encoding {
            offset,
            detail: format!("invalid {}", encoding.name()),
        });
    }
    Ok((Cow::Owned(text.into_owned()), encoding))
}

fn first_invalid(encoding: &'static Encoding, body: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(body.len() * 3 + 16);
    let (_, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    read
}

/// Refuses bodies with control bytes other than tab, CR, LF and FF
/// (and ESC, which ISO-2022-JP uses).
fn check_binary(bytes: &[u8]) -> Result<(), WhoisError> {
    let bad =
        bytes.iter().position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b));
    match bad {
        Some(offset) => Err(WhoisError::Encoding {
            offset,
            detail: format!(
                "control byte 0x{:02x}: this is binary data, not a text answer",
                bytes[offset]
            ),
        }),
        None => Ok(()),
    }
}

fn decode_legacy<'a>(bytes: &'a [u8], tld: Option<&str>) -> (Cow<'a, str>, &'static Encoding) {
    for encoding in candidates(tld) {
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
            return (Cow::Owned(text.into_owned()), encoding);
        }
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    (Cow::Owned(text.into_owned()), WINDOWS_1252)
}

/// The legacy encodings a registry's answers are known to use, most
/// likely first.
fn candidates(tld: Option<&str>) -> Vec<&'static Encoding> {
    match tld.unwrap_or("") {
        "jp" => vec![SHIFT_JIS, EUC_JP],
        "kr" => vec![EUC_KR],
        "cn" | "xn--fiqs8s" | "xn--fiqz9s" => vec![GB18030],
        "tw" | "hk" | "mo" | "xn--kprw13d" | "xn--kpry57d" => vec![BIG5, GB18030],
        "ru" | "su" | "xn--p1ai" | "by" | "ua" | "kz" | "bg" | "rs" => vec![WINDOWS_1251, KOI8_R],
        "cz" | "sk" | "pl" | "hu" | "si" | "hr" | "ro" => vec![WINDOWS_1250],
        _ => vec![],
    }
}

fn tld_of(domain: &str) -> String {
    let trimmed = domain.trim().trim_end_matches('.');
    trimmed.rsplit('.').next().unwrap_or("").to_ascii_lowercase()
}

/// Finds the queried domain in a body whose encoding is still unknown:
/// the value of the first line whose key mentions "domain".
fn sniff_tld(bytes: &[u8]) -> Option<String> {
    bytes.split(|&b| b == b'\n').take(200).find_map(sniff_line)
}

fn sniff_line(line: &[u8]) -> Option<String> {
    let text: String = line.iter().map(|&b| if b.is_ascii() { b as char } else { ' ' }).collect();
    let (key, value) = text.split_once(':')?;
    if !key.to_ascii_lowercase().contains("domain") {
        return None;
    }
    let name = value.split_whitespace().next()?;
    name.contains('.').then(|| tld_of(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        let (text, enc) = decode("Domain: bücher.de".as_bytes(), None).unwrap();
        assert_eq!(text, "Domain: bücher.de");
        assert_eq!(enc, encoding_rs::UTF_8);
    }

    #[test]
    fn latin1_falls_back_to_windows_1252() {
        let (text, enc) = decode(b"Domain: example.fr\nholder: Soci\xe9t\xe9\n", None).unwrap();
        assert!(text.contains("Société"));
        assert_eq!(enc, WINDOWS_1252);
    }

    #[test]
    fn registry_encoding_from_the_body() {
        let body = b"Domain Name: example.ru\norg: \xcf\xf0\xe8\xec\xe5\xf0\n";
        let (text, enc) = decode(body, None).unwrap();
        assert_eq!(enc, WINDOWS_1251);
        assert!(text.contains("Пример"));
    }

    #[test]
    fn utf16_with_bom() {
        let body: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("ok".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let (text, enc) = decode(&body, None).unwrap();
        assert_eq!(text, "ok");
        assert_eq!(enc, encoding_rs::UTF_16LE);
    }

    #[test]
    fn binary_is_refused_with_its_offset() {
        let err = decode(b"Domain: x\x00\x01", None).unwrap_err();
        assert!(matches!(err, WhoisError::Encoding { offset: 9, .. }), "{err}");
    }
}
