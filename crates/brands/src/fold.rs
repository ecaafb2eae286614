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
//!   `l`, `q` → `g`), so that `paypa1` and `g00gle` compare
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
        b'8' => b'b',
        b'4' | b'@' => b'a',
        b'7' => b't',
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
/// `d` as `cl`. The keyword itself is not included.
pub fn multi_letter_variants(folded: &str) -> Vec<String> {
    let positions: Vec<usize> = folded
        .bytes()
        .enumerate()
        .filter(|(_, b)| pair_for(*b).is_some())
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
        b'd' => Some("cl"),
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
        'ə' | 'ɐ' => "a",
        'ƅ' | 'в' | 'ь' => "b",
        'ɾ' | 'г' => "r",
        'к' | 'ⱪ' => "k",
        'м' | 'ᴍ' => "m",
        'т' => "t",
        'ԍ' => "g",
        'ⱨ' | 'н' => "h",
        'ⱱ' | 'ⱴ' => "v",
        'ꞑ' | 'п' => "n",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ß' => "ss",
        _ => return None,
    };
    Some(reading)
}

/// The weak look-alike reading of a folded string, into `out`: letter
/// pairs that read as one letter (`rn`, `nn`, `rr` as `m`, `vv` as `w`,
/// `cl` as `d`, `lc` as `k`), then letters that differ by a stroke or a
/// mirror (`m`/`n`, `b`/`d`, `c`/`e`, `u`/`v`) made one. Too loose for
/// searching inside labels, it is only used to compare whole tokens with
/// whole keywords (`dinamce` reads as `binance`, `faceboolc` as
/// `facebook`).
pub fn weak_fold(folded: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < folded.len() {
        let pair = folded.get(i..i + 2);
        let joined = match pair {
            Some(b"rn" | b"nn" | b"rr") => Some(b'm'),
            Some(b"vv") => Some(b'w'),
            Some(b"cl") => Some(b'd'),
            Some(b"lc") => Some(b'k'),
            _ => None,
        };
        let (b, step) = match joined {
            Some(b) => (b, 2),
            None => (folded[i], 1),
        };
        out.push(match b {
            b'm' => b'n',
            b'b' => b'd',
            b'c' => b'e',
            b'u' => b'v',
            other => other,
        });
        i += step;
    }
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
    fn weak_readings() {
        let read = |s: &str| {
            let (mut folded, mut out) = (Vec::new(), Vec::new());
            fold_ascii(s.as_bytes(), &mut folded);
            weak_fold(&folded, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(read("dinamce"), read("binance"));
        assert_eq!(read("faceboolc"), read("facebook"));
        assert_eq!(read("nnetamask"), read("metamask"));
        assert_ne!(read("paypal"), read("google"));
    }

    #[test]
    fn multi_letter_spellings() {
        let v = multi_letter_variants("mlcrosoft");
        assert_eq!(v, vec!["rnlcrosoft".to_string()]);
        assert_eq!(multi_letter_variants("dw"), vec!["clw", "clvv", "dvv"]);
        assert!(multi_letter_variants("paypal").is_empty());
    }
}
