//! Made-up labels that look like real ones and never repeat.
//!
//! Every ordinary second-level label carries a *code*: a pronounceable
//! run of consonant-vowel syllables (`kobalute`) that spells a number in
//! base 75 with a fixed number of digits. A [`CodeSpace`] hands out each
//! (length, number) pair once, in a keyed random order, so codes never
//! repeat and their syllables are evenly spread. Decorations (a word before or after, a
//! hyphen, trailing digits) make the labels look varied, and are chosen
//! so that the code can always be read back out of the label:
//!
//! - syllables are one consonant of [`CONSONANTS`] and one vowel of
//!   [`VOWELS`], so a code starts with a consonant and ends with a vowel;
//! - every decoration word ends in a non-vowel, and a word glued in front
//!   of a code ends in a non-vowel too, so the code is the longest run of
//!   syllables at the end of the only hyphen-separated part that ends in
//!   a vowel (once trailing digits are dropped).
//!
//! Reading the code back gives back the number, so two different numbers
//! never give the same label: uniqueness holds by construction, without a
//! set of names in memory. The other populations use shapes an ordinary
//! label never has: name-server domain labels end in a consonant and have
//! no hyphen, look-alike labels have two or more hyphens.

use crate::rng::{Permutation, Rng};

/// Consonants that start a syllable: single letters only, so that any
/// two consonants in a row mark a boundary.
pub(crate) const CONSONANTS: &[u8] = b"bdfghklmnprstvz";

/// Vowels that end a syllable.
pub(crate) const VOWELS: &[u8] = b"aeiou";

/// Syllables in a code: one base-75 digit each.
const SYLLABLES: u64 = (CONSONANTS.len() * VOWELS.len()) as u64;

/// Code lengths of ordinary domains, in syllables, with the per cent of
/// domains that prefer each: 6, 8 or 10 letters.
pub(crate) const DOMAIN_CODES: &[(u32, u64)] = &[(3, 15), (4, 40), (5, 45)];

/// Code lengths of name-server domains, as for [`DOMAIN_CODES`].
pub(crate) const HOSTER_CODES: &[(u32, u64)] = &[(3, 50), (4, 50)];

/// Words glued in front of a code (`my` + `kobalu`); each ends in a
/// non-vowel so the code's first consonant starts a new run.
const PREFIX_WORDS: &[&str] = &[
    "my", "get", "best", "top", "smart", "green", "first", "web", "shop", "try", "buy", "big",
    "fresh", "north", "east", "west", "just", "real", "urban", "global", "old", "happy",
];

/// Words joined to a code by a hyphen; each ends in a non-vowel.
const HYPHEN_WORDS: &[&str] = &[
    "shop",
    "group",
    "law",
    "consulting",
    "design",
    "tech",
    "digital",
    "travel",
    "homes",
    "dental",
    "market",
    "labs",
    "events",
    "solutions",
    "capital",
    "partners",
    "clinic",
    "world",
    "farm",
    "craft",
    "studios",
    "realty",
    "academy",
    "fitness",
    "bakery",
    "garden",
    "motors",
    "books",
];

/// Endings of generated name-server domain labels (`kobaluhost`). Each
/// ends in a consonant and none is the end of another.
pub(crate) const HOSTER_SUFFIXES: &[&str] = &[
    "host", "dns", "web", "srv", "hub", "grid", "cloud", "link", "hosting", "servers", "systems",
    "net",
];

/// Made-up bank, telco and payment brands for look-alike domains.
pub(crate) const LOOKALIKE_BRANDS: &[&str] = &[
    "norvabank",
    "heldtrust",
    "kestovabank",
    "brantwellcu",
    "ostrabank",
    "quorvia",
    "almsfield",
    "caldrecu",
    "zentelco",
    "telvoria",
    "moblyx",
    "orbicell",
    "ventaphone",
    "kyrotel",
    "fjordpay",
    "paxlet",
];

/// Look-alike patterns; `*` is the brand. Each has at least two hyphens.
pub(crate) const LOOKALIKE_PATTERNS: &[&str] = &[
    "secure-*-login",
    "*-login-verify",
    "*-account-update",
    "my-*-support",
    "*-online-access",
    "verify-*-id",
    "*-secure-alerts",
    "*-billing-center",
    "*-card-unlock",
    "login-*-auth",
    "*-recovery-desk",
    "*-client-portal",
    "*-payee-confirm",
];

/// A label being built, on the stack.
#[derive(Clone, Copy)]
pub(crate) struct Label {
    buf: [u8; 64],
    len: u8,
}

impl Label {
    /// The empty label.
    pub(crate) const fn new() -> Self {
        Label { buf: [0; 64], len: 0 }
    }

    /// The label's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    /// Empties the label.
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends bytes; labels stay far below 63 bytes by construction.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        let start = usize::from(self.len);
        self.buf[start..start + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len() as u8;
    }

    /// Appends a decimal number.
    fn push_number(&mut self, mut value: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();

        loop {
            at -= 1;
            digits[at] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }

        self.push(&digits[at..]);
    }

    /// Appends `code`: its number in base 75, one syllable per digit,
    /// most significant first.
    pub(crate) fn push_code(&mut self, code: Code) {
        let mut digits = [0u8; 16];
        let mut rest = code.value;

        for digit in digits[..code.syllables as usize].iter_mut().rev() {
            *digit = (rest % SYLLABLES) as u8;
            rest /= SYLLABLES;
        }

        for &digit in &digits[..code.syllables as usize] {
            let digit = usize::from(digit);
            self.push(&[CONSONANTS[digit / VOWELS.len()], VOWELS[digit % VOWELS.len()]]);
        }
    }
}

/// A code: `value` (below 75^`syllables`) written in `syllables` syllables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Code {
    pub(crate) syllables: u32,
    pub(crate) value: u64,
}

/// Hands out every code of some lengths once, in a keyed random order.
#[derive(Debug, Clone)]
pub(crate) struct CodeSpace {
    classes: Vec<CodeClass>,
}

#[derive(Debug, Clone)]
struct CodeClass {
    syllables: u32,
    /// The per cent of draws that prefer this length.
    weight: u64,
    /// How many codes of this length exist: 75^syllables.
    size: u64,
    perm: Permutation,
    used: u64,
}

impl CodeSpace {
    /// The code space of `lengths` (syllables, per cent) for `seed` and `stream`.
    pub(crate) fn new(lengths: &[(u32, u64)], seed: u64, stream: u64) -> Self {
        let classes = lengths
            .iter()
            .map(|&(syllables, weight)| {
                let size = SYLLABLES.pow(syllables);
                let bits = 64 - (size - 1).leading_zeros();
                let perm = Permutation::new(bits, seed, stream ^ u64::from(syllables));
                CodeClass { syllables, weight, size, perm, used: 0 }
            })
            .collect();

        CodeSpace { classes }
    }

    /// How many codes the space holds.
    pub(crate) fn capacity(lengths: &[(u32, u64)]) -> u64 {
        lengths.iter().map(|&(syllables, _)| SYLLABLES.pow(syllables)).sum()
    }

    /// The next unused code, of a length chosen by `rng` (the nearest
    /// longer, then shorter, length once one runs out). Panics when all
    /// run out; callers check [`CodeSpace::capacity`] first.
    pub(crate) fn take(&mut self, rng: &mut Rng) -> Code {
        let total: u64 = self.classes.iter().map(|c| c.weight).sum();
        let mut x = rng.below(total);
        let preferred = self
            .classes
            .iter()
            .position(|c| {
                let hit = x < c.weight;
                x = x.saturating_sub(c.weight);
                hit
            })
            .unwrap_or(0);

        let order = (preferred..self.classes.len()).chain((0..preferred).rev());
        for i in order {
            let class = &mut self.classes[i];
            if class.used < class.size {
                class.used += 1;
                return Code { syllables: class.syllables, value: class.draw(class.used - 1) };
            }
        }

        panic!("the code space is exhausted")
    }
}

impl CodeClass {
    /// The `index`-th code of this length: the permutation walked until it
    /// lands below `size` (cycle walking keeps it a bijection).
    fn draw(&self, index: u64) -> u64 {
        let mut x = self.perm.apply(index);
        while x >= self.size {
            x = self.perm.apply(x);
        }
        x
    }
}

/// Writes an ordinary domain label around the code `code` into `label`,
/// with a decoration chosen by `rng`.
pub(crate) fn domain_label(label: &mut Label, code: Code, rng: &mut Rng) {
    label.clear();
    let form = rng.below(1000);

    if form < 600 {
        label.push_code(code);
    } else if form < 700 {
        label.push_code(code);
        push_digits(label, rng);
    } else if form < 830 {
        label.push(rng.pick(PREFIX_WORDS).as_bytes());
        label.push_code(code);
    } else if form < 920 {
        label.push_code(code);
        label.push(b"-");
        label.push(rng.pick(HYPHEN_WORDS).as_bytes());
    } else {
        label.push(rng.pick(HYPHEN_WORDS).as_bytes());
        label.push(b"-");
        label.push_code(code);
    }
}

/// Trailing digits the way people add them: a year, or a small number.
fn push_digits(label: &mut Label, rng: &mut Rng) {
    if rng.chance(400) {
        label.push_number(1970 + rng.below(57));
    } else {
        label.push_number(1 + rng.below(999));
    }
}

/// Writes the label of generated name-server domain number `code`.
pub(crate) fn hoster_label(label: &mut Label, code: Code, suffix: usize) {
    label.clear();
    label.push_code(code);
    label.push(HOSTER_SUFFIXES[suffix].as_bytes());
}

/// Writes look-alike label number `combo` (brand-major order).
pub(crate) fn lookalike_label(label: &mut Label, combo: usize) {
    let brand = LOOKALIKE_BRANDS[combo / LOOKALIKE_PATTERNS.len()];
    let pattern = LOOKALIKE_PATTERNS[combo % LOOKALIKE_PATTERNS.len()];
    label.clear();

    for (i, part) in pattern.split('*').enumerate() {
        if i > 0 {
            label.push(brand.as_bytes());
        }
        label.push(part.as_bytes());
    }
}

/// How many different look-alike labels exist.
pub(crate) const LOOKALIKE_COMBOS: usize = LOOKALIKE_BRANDS.len() * LOOKALIKE_PATTERNS.len();

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Reads the code back out of an ordinary domain label, as the
    /// module documentation describes; `None` when the label has none.
    fn decode_domain_label(label: &[u8]) -> Option<Code> {
        let letters = trim_digits(label);
        let mut ending_in_vowel = letters.split(|&b| b == b'-').filter(|p| ends_in_vowel(p));
        let part = ending_in_vowel.next()?;
        if ending_in_vowel.next().is_some() {
            return None;
        }

        let start = syllable_run_start(part);
        decode_code(&part[start..])
    }

    /// `label` without its trailing digits.
    fn trim_digits(label: &[u8]) -> &[u8] {
        let end = label.iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |i| i + 1);
        &label[..end]
    }

    fn ends_in_vowel(part: &[u8]) -> bool {
        part.last().is_some_and(|b| VOWELS.contains(b))
    }

    /// Where the longest run of whole syllables at the end of `part` starts.
    fn syllable_run_start(part: &[u8]) -> usize {
        let mut start = part.len();

        while start >= 2
            && CONSONANTS.contains(&part[start - 2])
            && VOWELS.contains(&part[start - 1])
        {
            start -= 2;
        }

        start
    }

    /// The code `code` spells, or `None` if it is not one.
    fn decode_code(code: &[u8]) -> Option<Code> {
        if code.is_empty() || code.len() % 2 == 1 {
            return None;
        }
        let mut value = 0u64;

        for syllable in code.chunks(2) {
            let c = CONSONANTS.iter().position(|&b| b == syllable[0])?;
            let v = VOWELS.iter().position(|&b| b == syllable[1])?;
            value = value * SYLLABLES + (c * VOWELS.len() + v) as u64;
        }

        Some(Code { syllables: code.len() as u32 / 2, value })
    }

    #[test]
    fn codes_round_trip() {
        let mut label = Label::new();

        for (syllables, value) in [(3, 0), (3, 421_874), (4, 12_345), (5, 2_373_046_874)] {
            let code = Code { syllables, value };
            label.clear();
            label.push_code(code);
            assert_eq!(label.as_bytes().len(), 2 * syllables as usize);
            assert_eq!(decode_code(label.as_bytes()), Some(code));
        }
    }

    #[test]
    fn code_space_never_repeats_and_spills_over() {
        let mut space = CodeSpace::new(&[(2, 50), (3, 50)], 1, 2);
        let capacity = CodeSpace::capacity(&[(2, 50), (3, 50)]);
        let mut rng = Rng::keyed(1, 2, 3);

        let codes: HashSet<Code> = (0..capacity).map(|_| space.take(&mut rng)).collect();
        assert_eq!(codes.len() as u64, capacity);
        assert!(codes.iter().all(|c| c.value < SYLLABLES.pow(c.syllables)));
    }

    #[test]
    fn first_syllables_are_spread() {
        let mut space = CodeSpace::new(DOMAIN_CODES, 5, 6);
        let mut rng = Rng::keyed(1, 2, 3);
        let mut label = Label::new();
        let mut first = HashSet::new();

        for _ in 0..10_000 {
            label.clear();
            label.push_code(space.take(&mut rng));
            first.insert(label.as_bytes()[..2].to_vec());
        }
        assert_eq!(first.len() as u64, SYLLABLES);
    }

    #[test]
    fn decoration_words_end_in_a_non_vowel() {
        for word in PREFIX_WORDS.iter().chain(HYPHEN_WORDS) {
            assert!(!ends_in_vowel(word.as_bytes()), "{word}");
        }
    }

    #[test]
    fn domain_labels_give_their_code_back() {
        let mut rng = Rng::keyed(3, 4, 5);
        let mut space = CodeSpace::new(DOMAIN_CODES, 3, 4);
        let mut label = Label::new();

        for _ in 0..100_000 {
            let code = space.take(&mut rng);
            domain_label(&mut label, code, &mut rng);
            assert_eq!(decode_domain_label(label.as_bytes()), Some(code));
        }
    }

    #[test]
    fn hoster_suffixes_are_distinguishable() {
        for a in HOSTER_SUFFIXES {
            assert!(!ends_in_vowel(a.as_bytes()) && !a.contains('-'), "{a}");
            for b in HOSTER_SUFFIXES {
                assert!(a == b || !a.ends_with(b), "{b} ends {a}");
            }
        }
    }

    #[test]
    fn lookalikes_have_two_hyphens_and_no_code() {
        let mut label = Label::new();

        for combo in 0..LOOKALIKE_COMBOS {
            lookalike_label(&mut label, combo);
            let text = label.as_bytes();
            assert!(text.iter().filter(|&&b| b == b'-').count() >= 2);
            assert!(text.split(|&b| b == b'-').all(|p| decode_code(p).is_none()));
        }
    }
}
