//! Text encodings inside record data: base64 (RFC 4648 §4), base16,
//! base32hex (RFC 4648 §7) and character strings (RFC 1035 §5.1).

/// The base64 alphabet.
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Decodes base64, padded or not.
pub(super) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    if padding > 2 || (padding > 0 && text.len() % 4 != 0) {
        return None;
    }

    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in body.bytes() {
        acc = (acc << 6) | base64_value(b)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < 6).then_some(out)
}

fn base64_value(b: u8) -> Option<u32> {
    let value = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Appends `bytes` in padded base64.
pub(super) fn base64_encode(bytes: &[u8], out: &mut String) {
    for chunk in bytes.chunks(3) {
        let word =
            chunk.iter().enumerate().fold(0u32, |w, (i, &b)| w | u32::from(b) << (16 - 8 * i));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(BASE64[(word >> (18 - 6 * k) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
}

/// Decodes base16, either case.
pub(super) fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }

    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(hex_value(pair[0])? << 4 | hex_value(pair[1])?))
        .collect()
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// Appends `bytes` in lower-case base16.
pub(super) fn hex_encode(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
}

/// Whether `text` is unpadded base32hex of whole octets, either case.
pub(super) fn is_base32hex(text: &str) -> bool {
    let whole_octets = matches!(text.len() % 8, 0 | 2 | 4 | 5 | 7);
    whole_octets
        && text.bytes().all(|b| matches!(b.to_ascii_lowercase(), b'0'..=b'9' | b'a'..=b'v'))
}

/// Appends `bytes` in unpadded, lower-case base32hex.
pub(super) fn base32hex_encode(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8 | u32::from(b)) & 0xffff;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(DIGITS[(acc >> bits & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(DIGITS[(acc << (5 - bits) & 31) as usize]));
    }
}

/// Decodes the escapes of a character string: `\DDD` is the octet DDD,
/// `\X` is X.
pub(super) fn decode_text(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;

    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }

        let (octet, used) = decode_escape(&bytes[i..])
            .ok_or_else(|| format!("bad escape at byte {i} of {text:?}"))?;
        out.push(octet);
        i += used;
    }
    Ok(out)
}

/// One escape at the start of `bytes`: the octet and the bytes used.
fn decode_escape(bytes: &[u8]) -> Option<(u8, usize)> {
    let next = *bytes.get(1)?;
    if !next.is_ascii_digit() {
        return Some((next, 2));
    }

    let digits = bytes.get(1..4)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits.iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
    Some((u8::try_from(value).ok()?, 4))
}

pub(crate) use nshunt_model::record::push_quoted;

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        let mut out = String::new();
        base64_encode(bytes, &mut out);
        out
    }

    #[test]
    fn base64_both_ways() {
        for (bytes, text) in [(&b""[..], ""), (b"f", "Zg=="), (b"fo", "Zm8="), (b"foo", "Zm9v")] {
            assert_eq!(b64(bytes), text);
            assert_eq!(base64_decode(text).unwrap(), bytes);
        }
        assert_eq!(base64_decode("Zg").unwrap(), b"f");
        assert_eq!(base64_decode("Z"), None);
        assert_eq!(base64_decode("Zg=").map(|_| ()), None);
        assert_eq!(base64_decode("Z!=="), None);
    }

    #[test]
    fn hex_both_ways() {
        assert_eq!(hex_decode("0aFf").unwrap(), [0x0a, 0xff]);
        assert_eq!(hex_decode("abc"), None);
        assert_eq!(hex_decode("zz"), None);
        let mut out = String::new();
        hex_encode(&[0xab, 0x01], &mut out);
        assert_eq!(out, "ab01");
    }

    #[test]
    fn text_escapes() {
        assert_eq!(decode_text(r#"a\"b\\c\065\255"#).unwrap(), b"a\"b\\cA\xff");
        assert!(decode_text("a\\").is_err());
        assert!(decode_text("\\256").is_err());
        assert!(decode_text("\\12").is_err());
        let mut out = String::new();
        push_quoted(b"a \"q\" \\ \x00\xff", &mut out);
        assert_eq!(out, r#""a \"q\" \\ \000\255""#);
    }

    #[test]
    fn base32hex_shapes() {
        assert!(is_base32hex("0P9MHAVEQVM6T7VBL5LOP2U3T2RP3TOM"));
        assert!(!is_base32hex("W"));
        assert!(!is_base32hex("0P9"));
        let mut out = String::new();
        base32hex_encode(b"foobar", &mut out);
        assert_eq!(out, "cpnmuoj1e8");
    }
}
