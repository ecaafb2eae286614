//! DGA-likeness: how much a registered name looks machine-made.
//!
//! Domain generation algorithms make long labels of letters (and
//! digits) drawn with little regard for how words are spelled: high
//! character entropy, long runs of consonants, few vowels, digits mixed
//! into letters. People's names are short, pronounceable, often
//! hyphenated and built from words. The score adds up those signs on
//! the label left of the public suffix and stays at 0 for labels under
//! ten characters, where chance alone makes such signs common.
//!
//! # Limitations
//!
//! - Dictionary-based DGAs (concatenated real words) look like people's
//!   names and score low.
//! - No language model: a long run of consonants in a transliterated
//!   name (Polish, Czech, Welsh) adds to the score.

/// Labels shorter than this score 0.
const MIN_LEN: usize = 10;

/// The DGA-likeness of `label` (the registered name's first label),
/// 0 to 100.
pub fn dga_score(label: &str) -> f64 {
    let bytes = label.as_bytes();
    if bytes.len() < MIN_LEN || label.starts_with("xn--") {
        return 0.0;
    }

    let letters = bytes.iter().filter(|b| b.is_ascii_lowercase()).count();
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    let vowels = bytes.iter().filter(|b| b"aeiouy".contains(b)).count();
    let hyphens = bytes.iter().filter(|&&b| b == b'-').count();
    let len = bytes.len() as f64;

    let mut score = 0.0;
    let entropy = entropy(bytes);
    if entropy > 3.6 {
        score += 25.0 + (entropy - 3.6) * 30.0;
    }
    let run = longest_consonant_run(bytes);
    if run >= 5 {
        score += 15.0 + 5.0 * (run - 5) as f64;
    }
    if letters > 0 {
        let vowel_share = vowels as f64 / letters as f64;
        if vowel_share < 0.2 {
            score += 20.0;
        }
    }
    let digit_share = digits as f64 / len;
    if digits > 0 && letters > 0 && (0.15..0.7).contains(&digit_share) && switches(bytes) >= 4 {
        score += 20.0;
    }
    if bytes.len() >= 20 {
        score += 10.0;
    }
    if hyphens > 0 {
        score -= 25.0;
    }
    score.clamp(0.0, 100.0)
}

/// Shannon entropy of the bytes, in bits per byte.
fn entropy(bytes: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// The longest run of consonant letters.
fn longest_consonant_run(bytes: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    for &b in bytes {
        if b.is_ascii_lowercase() && !b"aeiouy".contains(&b) {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// How often the label switches between letters and digits.
fn switches(bytes: &[u8]) -> usize {
    bytes.windows(2).filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_labels_score_high_and_words_low() {
        for label in ["xjwqkzrtbvnmplhg", "q8z3kx9w2v7m1n4b", "kdjfhgqwpzmxnvbtr"] {
            assert!(dga_score(label) >= 50.0, "{label}: {}", dga_score(label));
        }
        for label in ["google", "wikipedia", "bankofamerica", "stackoverflow", "my-little-shop"] {
            assert!(dga_score(label) < 50.0, "{label}: {}", dga_score(label));
        }
    }
}
