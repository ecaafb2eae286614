//! From what a label shows to what it reads as.
//!
//! Two steps, both producing ASCII so that the rest of the detector
//! compares bytes:
//!
//! - [`skeleton`] turns a Unicode label (a decoded `xn--` label) into
//!   ASCII: compatibility decomposition and removal of combining marks
//!   (`é` → `e`), then the UTS #39 confusable prototype of what is left
//!   (`а` Cyrillic → `a`, `ı` → `i`, `ꓟ` → `m`), then a short table of
//!   Latin letters with strokes and hooks that neither step reduces
//!   (`ł` → `l`, `ø` → `o`). Characters with no ASCII reading become
//!   `*`, which no keyword contains.
//! - [`fold_ascii`] maps ASCII characters that look alike onto one
//!   representative, one byte for one byte (`0` → `o`, `1` and `i` →
//!   `l`, `q` → `g`, `c` → `e`), so that `paypa1` and `g00gle` compare
//!   equal to their brands. Multi-letter look-alikes (`rn` for `m`,
//!   `vv` for `w`, `cl` for `d`) change the length; the detector adds
//!   them as extra keyword spellings instead ([`multi_letter_variants`]).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The byte that stands for a character with no ASCII reading.
pub const UNKNOWN: u8 = b'*';

/// The look-alike class of one ASCII byte (lower case expected).
pub fn fold_byte(b: u8) -> u8 {
    match b {
        b'0' => b'o',
        b'1' | b'i' | b'!' | b'|' => b'l',
        b'3' => b'e',
        b'5' => b's',
        b'q' | b'9' => b'g',
        b'c' => b'e',
        b'8' => b'b',
        b'4' | b'@' => b'a',
        b'7' => b't',
        b'u' => b'v',
        _ => b,
    }
}

/// Folds `text` into `out` (cleared first), byte for byte.
pub fn fold_ascii(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend(text.iter().map(|&b| fold_byte(b.to_ascii_lowercase())));
}

/// Spellings of a folded keyword with one or two of its letters written
/// as the letter pairs that look like them: `m` as `rn`, `w` as `vv`,
/// `d` as `cl` (folded: `el`). The keyword itself is not included.
pub fn multi_letter_variants(folded: &str) -> Vec<String> {
    const PAIRS: [(u8, &str); 3] = [(b'm', "rn"), (b'w', "vv"), (b'd', "el")];
    let positions: Vec<usize> = folded
        .bytes()
        .enumerate()
        .filter(|(_, b)| PAIRS.iter().any(|(c, _)| c == b))
        .map(|(i, _)| i)
        .collect();

    let mut out = Vec::new();
    for (n, &i) in positions.iter().enumerate() {
        out.push(replace_at(folded, &[i]));
        for &j in &positions[n + 1..] {
            out.push(replace_at(folded, &[i, j]));
        }
    }
    out
}

fn replace_at(text: &str, at: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + at.len());
    for (i, b) in text.bytes().enumerate() {
        match (at.contains(&i), pair_for(b)) {
            (true, Some(pair)) => out.push_str(pair),
            _ => out.push(b as char),
        }
    }
    out
}

fn pair_for(b: u8) -> Option<&'static str> {
    match b {
        b'm' => Some("rn"),
        b'w' => Some("vv"),
        b'd' => Some("el"),
        _ => None,
    }
}

/// The ASCII reading of a Unicode label, lower case; one output byte per
/// input character except where a character reads as several letters
/// (`æ` → `ae`, `ß` → `ss`).
pub fn skeleton(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        push_reading(c, &mut out);
    }
    out
}

fn push_reading(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }

    let bare = strip_marks(std::iter::once(c));
    if !bare.is_empty() && bare.chars().all(|c| c.is_ascii_alphanumeric()) {
        out.push_str(&bare.to_ascii_lowercase());
        return;
    }

    if let Some(reading) = confusable_reading(c) {
        out.push_str(&reading);
        return;
    }
    if let Some(reading) = latin_extra(c) {
        out.push_str(reading);
        return;
    }
    if bare.is_empty() {
        return; // a lone combining mark adds nothing to read
    }
    out.push(UNKNOWN as char);
}

/// Compatibility decomposition without combining marks.
fn strip_marks(chars: impl Iterator<Item = char>) -> String {
    chars.nfkd().filter(|c| !is_combining_mark(*c)).collect()
}

/// The UTS #39 prototype of `c`, when it is ASCII letters or digits
/// once its marks are removed.
fn confusable_reading(c: char) -> Option<String> {
    let mut buf = [0u8; 4];
    let prototype: String =
        unicode_security::confusable_detection::skeleton(c.encode_utf8(&mut buf)).collect();
    let bare = strip_marks(prototype.chars());
    let ascii = !bare.is_empty() && bare.chars().all(|c| c.is_ascii_alphanumeric());
    ascii.then(|| bare.to_ascii_lowercase())
}

/// Latin letters that carry a stroke, hook or bar as part of the letter
/// (so no decomposition removes it) and that UTS #39 does not map to
/// ASCII, read as the letter they are built on.
fn latin_extra(c: char) -> Option<&'static str> {
    let reading = match c {
        'ł' | 'Ł' | 'ƚ' | 'ɫ' | 'ɬ' | 'ɭ' | 'ȴ' => "l",
        'ø' | 'Ø' | 'ɵ' | 'Ɵ' | 'ǿ' | 'ᴑ' | 'ᴏ' | 'ɔ' => "o",
        'đ' | 'Đ' | 'ɗ' | 'ɖ' | 'ð' | 'ȡ' => "d",
        'ħ' | 'Ħ' | 'ɦ' | 'ɧ' => "h",
        'ƭ' | 'ʈ' | 'ŧ' | 'Ŧ' | 'ț' | 'ȶ' => "t",
        'ĸ' | 'ƙ' | 'ᴋ' => "k",
        'ı' | 'ɨ' | 'ɩ' | 'ᵻ' | 'ǐ' => "i",
        'ǀ' | 'ꞁ' => "l",
        'ƀ' | 'ɓ' | 'ʙ' => "b",
        'ƈ' | 'ȼ' => "c",
        'ƒ' => "f",
        'ɠ' | 'ǥ' | 'ɢ' => "g",
        'ɲ' | 'ƞ' | 'ɳ' | 'ŋ' => "n",
        'ƥ' | 'ᵽ' | 'þ' => "p",
        'ɍ' | 'ɽ' | 'ʀ' => "r",
        'ʂ' | 'ȿ' => "s",
        'ʉ' | 'ᴜ' => "u",
        'ʋ' | 'ᴠ' => "v",
        'ⱳ' | 'ᴡ' => "w",
        'ƴ' | 'ɏ' | 'ʏ' => "y",
        'ƶ' | 'ȥ' | 'ʐ' | 'ᴢ' => "z",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ß' => "ss",
        _ => return None,
    };
    Some(reading)
}

/// Whether `label` mixes scripts in a way UTS #39 calls out (Latin with
/// Cyrillic, say): worth saying in a match's explanation.
pub fn mixes_scripts(label: &str) -> bool {
    use unicode_security::MixedScript;
    !label.is_single_script()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeletons_read_as_ascii() {
        assert_eq!(skeleton("helpınstagram"), "helpinstagram");
        assert_eq!(skeleton("hélp-instagram"), "help-instagram");
        assert_eq!(skeleton("раураl"), "paypal");
        assert_eq!(skeleton("micrøsoft"), "microsoft");
        assert_eq!(skeleton("ƭacebook"), "tacebook");
        assert_eq!(skeleton("łacebook"), "lacebook");
        assert_eq!(skeleton("facɵbooĸ"), "facobook");
        assert_eq!(skeleton("yᴑutube"), "youtube");
        assert_eq!(skeleton("ǀnstagram"), "lnstagram");
    }

    #[test]
    fn lisu_capitals_read_as_latin() {
        let s = skeleton("ꓟꓲꓚꓣꓳꓢꓳꓝꓔ");
        assert_eq!(s.len(), 9, "{s}");
        assert!(s.ends_with("crosoft"), "{s}");
    }

    #[test]
    fn unreadable_characters_become_the_placeholder() {
        assert_eq!(skeleton("ab中"), "ab*");
    }

    #[test]
    fn folding_is_byte_for_byte() {
        let mut out = Vec::new();
        fold_ascii(b"G00gLe", &mut out);
        assert_eq!(out, b"google");
        fold_ascii(b"paypa1", &mut out);
        let mut kw = Vec::new();
        fold_ascii(b"paypal", &mut kw);
        assert_eq!(out, kw);
    }

    #[test]
    fn multi_letter_spellings() {
        let v = multi_letter_variants("mlerosoft");
        assert_eq!(v, vec!["rnlerosoft".to_string()]);
        assert!(multi_letter_variants("paypal").is_empty());
    }
}
