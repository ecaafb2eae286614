//! Edit distance and the name of the typing slip between two strings.
//!
//! The distance is the optimal-string-alignment variant of
//! Damerau–Levenshtein: insertions, deletions, substitutions and swaps
//! of two neighbours each cost one, which is how people mistype and how
//! squatters permute.

use serde::Serialize;

/// How a typosquat differs from the brand's keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TypoOperation {
    /// One letter left out (`paypl`).
    Omission,
    /// One letter added (`paypall` is a repetition, `paypalx` an addition).
    Insertion,
    /// One letter added next to the key that types it (`paypwal`).
    KeyboardInsertion,
    /// One letter doubled (`paypall`).
    Repetition,
    /// One letter added at the end (`paypals`, `paypalx`).
    Addition,
    /// Two neighbouring letters swapped (`payapl`).
    Transposition,
    /// One letter replaced by another (`paypel`).
    Replacement,
    /// One letter replaced by a neighbouring key (`paypsl`).
    KeyboardReplacement,
    /// One vowel replaced by another (`poypal`).
    VowelSwap,
    /// One letter that differs from the brand's by one bit (`pcypal`),
    /// the mark of a memory or transmission error.
    Bitsquat,
    /// Hyphens inside the brand (`pay-pal`).
    Hyphenation,
    /// The brand split over labels (`pay.pal.com`).
    DotInsertion,
    /// Letters that look alike as well as one slip (`paypa1l`).
    LookAlike,
    /// More than one edit.
    Edits,
}

impl TypoOperation {
    /// The operation in words, for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Omission => "a letter left out",
            Self::Insertion => "a letter added",
            Self::KeyboardInsertion => "a neighbouring key added",
            Self::Repetition => "a letter doubled",
            Self::Addition => "a letter added at the end",
            Self::Transposition => "two letters swapped",
            Self::Replacement => "a letter replaced",
            Self::KeyboardReplacement => "a letter replaced by a neighbouring key",
            Self::VowelSwap => "a vowel swapped",
            Self::Bitsquat => "a letter one bit away",
            Self::Hyphenation => "hyphens inside the name",
            Self::DotInsertion => "the name split over labels",
            Self::LookAlike => "look-alike characters and a slip",
            Self::Edits => "several edits",
        }
    }
}

/// The optimal-string-alignment distance between `a` and `b`, or `None`
/// when it exceeds `limit` (computed in a band, so cheap for small
/// limits).
pub fn distance(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    if a.len() > 63 || b.len() > 63 {
        return None;
    }

    let width = b.len() + 1;
    let mut rows = [[0usize; 64]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(width) {
        *cell = j;
    }

    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i;
        let mut best = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev][j] + 1).min(rows[cur][j - 1] + 1).min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = d;
            best = best.min(d);
        }
        if best > limit {
            return None;
        }
    }

    let d = rows[a.len() % 3][b.len()];
    (d <= limit).then_some(d)
}

/// Names the slip that turns `keyword` into `seen` (raw, unfolded ASCII)
/// when they are one edit apart; `Edits` otherwise.
pub fn classify(keyword: &[u8], seen: &[u8]) -> TypoOperation {
    use std::cmp::Ordering;
    match seen.len().cmp(&keyword.len()) {
        Ordering::Less if is_omission(keyword, seen) => TypoOperation::Omission,
        Ordering::Greater if is_omission(seen, keyword) => insertion_kind(keyword, seen),
        Ordering::Equal => replacement_kind(keyword, seen),
        _ => TypoOperation::Edits,
    }
}

/// Whether deleting one byte of `long` gives `short`.
fn is_omission(long: &[u8], short: &[u8]) -> bool {
    if long.len() != short.len() + 1 {
        return false;
    }
    let i = first_difference(long, short);
    long[i + 1..] == short[i..]
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()))
}

fn insertion_kind(keyword: &[u8], seen: &[u8]) -> TypoOperation {
    let at = first_difference(keyword, seen);
    let added = seen[at];
    let before = at.checked_sub(1).map(|i| seen[i]);
    let after = seen.get(at + 1).copied();

    if before == Some(added) || after == Some(added) {
        TypoOperation::Repetition
    } else if at == keyword.len() {
        TypoOperation::Addition
    } else if [before, after].into_iter().flatten().any(|n| keyboard_adjacent(n, added)) {
        TypoOperation::KeyboardInsertion
    } else {
        TypoOperation::Insertion
    }
}

fn replacement_kind(keyword: &[u8], seen: &[u8]) -> TypoOperation {
    let diffs: Vec<usize> = (0..keyword.len()).filter(|&i| keyword[i] != seen[i]).collect();
    match diffs[..] {
        [i] => substitution_kind(keyword[i], seen[i]),
        [i, j] if j == i + 1 && keyword[i] == seen[j] && keyword[j] == seen[i] => {
            TypoOperation::Transposition
        }
        _ => TypoOperation::Edits,
    }
}

fn substitution_kind(was: u8, now: u8) -> TypoOperation {
    const VOWELS: &[u8] = b"aeiou";
    if VOWELS.contains(&was) && VOWELS.contains(&now) {
        TypoOperation::VowelSwap
    } else if keyboard_adjacent(was, now) {
        TypoOperation::KeyboardReplacement
    } else if (was ^ now).count_ones() == 1 {
        TypoOperation::Bitsquat
    } else {
        TypoOperation::Replacement
    }
}

/// Whether two keys touch on a US QWERTY keyboard.
pub fn keyboard_adjacent(a: u8, b: u8) -> bool {
    const ROWS: [&[u8]; 4] = [b"1234567890-", b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let find = |k: u8| {
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|&c| c == k).map(|c| (r, c)))
    };
    let (Some((ra, ca)), Some((rb, cb))) = (find(a), find(b)) else { return false };

    // Rows are staggered: a key touches the two keys below it that sit
    // at its column and one to the left.
    match ra as isize - rb as isize {
        0 => ca.abs_diff(cb) == 1,
        -1 => cb == ca || cb + 1 == ca,
        1 => ca == cb || ca + 1 == cb,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance(b"paypal", b"paypal", 2), Some(0));
        assert_eq!(distance(b"paypal", b"paypl", 2), Some(1));
        assert_eq!(distance(b"paypal", b"payapl", 2), Some(1));
        assert_eq!(distance(b"paypal", b"pypla", 2), Some(2));
        assert_eq!(distance(b"paypal", b"google", 2), None);
        assert_eq!(distance(b"ab", b"abcdef", 2), None);
        assert_eq!(distance(b"trader", b"etrade", 1), None);
        assert_eq!(distance(b"trader", b"etrade", 2), Some(2));
        assert_eq!(distance(b"malln", b"gmall", 1), None);
    }

    #[test]
    fn operations() {
        use TypoOperation::*;
        assert_eq!(classify(b"paypal", b"paypl"), Omission);
        assert_eq!(classify(b"paypal", b"paypall"), Repetition);
        assert_eq!(classify(b"paypal", b"paypalx"), Addition);
        assert_eq!(classify(b"paypal", b"paypsal"), KeyboardInsertion);
        assert_eq!(classify(b"paypal", b"paympal"), Insertion);
        assert_eq!(classify(b"paypal", b"payapl"), Transposition);
        assert_eq!(classify(b"paypal", b"paypsl"), KeyboardReplacement);
        assert_eq!(classify(b"paypal", b"poypal"), VowelSwap);
        assert_eq!(classify(b"paypal", b"pcypal"), Bitsquat);
        assert_eq!(classify(b"paypal", b"pakpal"), Replacement);
        assert_eq!(classify(b"paypal", b"pypla"), Edits);
    }

    #[test]
    fn keyboard() {
        assert!(keyboard_adjacent(b'a', b's'));
        assert!(keyboard_adjacent(b'e', b'd'));
        assert!(keyboard_adjacent(b'd', b'e'));
        assert!(!keyboard_adjacent(b'a', b'p'));
    }
}
