//! The detector: which brand a domain name impersonates, and why.
//!
//! Everything that depends only on the catalogue is computed once in
//! [`Detector::new`]; a look-up then costs two Aho–Corasick passes and a
//! few hash probes per label, with no allocation unless something is
//! found.
//!
//! # How a name is read
//!
//! 1. A name under one of a brand's own domains is never flagged for that
//!    brand. A legitimate domain that is itself a public suffix
//!    (`github.io`, `gov.uk`) covers only itself, not the sites under it.
//! 2. The labels above the public suffix (ICANN and private sections, so
//!    `paypal-login.github.io` is read as `paypal-login`) are read one
//!    by one. An `xn--` label is decoded and replaced by its ASCII
//!    skeleton ([`crate::fold::skeleton`]); its matches are of kind
//!    [`MatchKind::Idn`].
//! 3. Each label is searched for every keyword, as written and with
//!    look-alike characters folded ([`crate::fold::fold_ascii`]). Where
//!    a keyword is found decides the kind: the whole label (exact), a
//!    whole hyphen-separated token (combosquat), or inside a token
//!    (segmented). Ordinary-word keywords (`=apple`) and short ones (four
//!    letters or fewer) count beside other tokens or inside a token only
//!    when the rest splits into lure words ([`crate::words`]); keywords of
//!    three letters or fewer never count inside a token. Distinctive
//!    keywords of seven letters or more count anywhere, those of five or
//!    six beside lure words (`yahoomail`, not `yahoopla`); a keyword found only
//!    through look-alike folding counts inside a token only beside lure
//!    words. Numbers count beside every keyword, read before folding
//!    (`2025` is a year, not `2o2s`); a look-alike digit at a keyword's
//!    edge that runs on from a number is part of the number (`139mail`).
//! 4. Tokens, the label without its hyphens, the token without lure words
//!    at its ends, and the labels joined without dots are compared with
//!    the distinctive keywords of five letters or more by edit distance
//!    (see [`max_distance`]), through a symmetric-deletion index.

use std::collections::HashSet;
use std::fmt::Write as _;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind as AcMatchKind};
use hashbrown::HashMap;
use nshunt_model::psl::{self, PublicSuffixList};
use nshunt_model::{DomainName, NameError, Section};
use serde::Serialize;

use crate::catalogue::{Catalogue, Category};
use crate::fold::{self, fold_ascii};
use crate::typo::{self, TypoOperation};
use crate::words::{self, Theme};

type FastSet<T> = hashbrown::HashSet<T, foldhash::fast::RandomState>;
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Legitimate domains to the brands that own them.
type LegitTable = FastMap<Box<str>, Vec<u32>>;

/// How a name uses a brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// A whole label is the brand's keyword (`paypal.example`).
    Exact,
    /// The keyword as one token beside others (`paypal-secure-login`).
    Combosquat,
    /// The keyword inside a longer token (`securepaypallogin`).
    Segmented,
    /// The keyword written with look-alike ASCII (`paypa1`, `rnicrosoft`).
    Homoglyph,
    /// Within a small edit distance of the keyword (`paypl`); the
    /// operation says which slip.
    Typosquat,
    /// An internationalised label whose Unicode reads as the brand
    /// (`раураl`, `ınstagram`); the explanation says how it reads.
    Idn,
}

impl MatchKind {
    /// The kind as written in output.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Combosquat => "combosquat",
            MatchKind::Segmented => "segmented",
            MatchKind::Homoglyph => "homoglyph",
            MatchKind::Typosquat => "typosquat",
            MatchKind::Idn => "idn",
        }
    }

    /// Lower is stronger evidence.
    fn rank(self) -> u8 {
        match self {
            MatchKind::Exact => 0,
            MatchKind::Idn | MatchKind::Homoglyph => 1,
            MatchKind::Combosquat => 2,
            MatchKind::Segmented => 3,
            MatchKind::Typosquat => 4,
        }
    }
}

/// One brand a name appears to impersonate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrandMatch {
    /// The brand's id in the catalogue.
    pub brand: String,
    /// The brand's name.
    pub brand_name: String,
    /// The brand's category.
    pub category: Category,
    /// How the name uses the brand.
    pub kind: MatchKind,
    /// For typosquats (and look-alikes found by distance): the slip.
    pub operation: Option<TypoOperation>,
    /// The label that matched, as it is in the name (`xn--…` for IDN).
    pub label: String,
    /// The part of the label (its ASCII reading, for IDN) that stands for
    /// the brand.
    pub matched: String,
    /// The catalogue keyword it stands for.
    pub keyword: String,
    /// Edit distance between the matched part and the keyword, after
    /// look-alike folding (0 for exact, combosquat, segmented, homoglyph).
    pub distance: u8,
    /// A sentence for people.
    pub why: String,
}

/// How freely a keyword may be matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Four letters or fewer: whole tokens, or (four letters) beside lure
    /// words inside a token.
    Short,
    /// An ordinary word: whole tokens, or beside lure words.
    Word,
    /// Five letters or more, not a word: anywhere by the length rules,
    /// and fuzzily.
    Distinctive,
}

#[derive(Debug)]
struct Kw {
    text: String,
    folded: Vec<u8>,
    brand: u32,
    class: Class,
    max_distance: u8,
}

#[derive(Debug)]
struct BrandInfo {
    id: String,
    name: String,
    category: Category,
}

/// The maximum edit distance a typosquat of a keyword of `len` letters
/// may have: none under five letters (too many real words are one edit
/// from a short brand), one up to eleven letters, two from twelve
/// (`myetherwallet`, `bankofamerica`). Measured on the benign lists:
/// two edits from ten-letter keywords reach too many ordinary words
/// (`14internet` for `btinternet`).
pub fn max_distance(len: usize) -> u8 {
    match len {
        0..=4 => 0,
        5..=11 => 1,
        _ => 2,
    }
}

/// A compiled catalogue, ready to read names.
pub struct Detector {
    brands: Vec<BrandInfo>,
    keywords: Vec<Kw>,
    raw_ac: AhoCorasick,
    fold_ac: AhoCorasick,
    fold_pattern_kw: Vec<u32>,
    deletions: FastMap<u64, Vec<u32>>,
    weak: FastMap<u64, Vec<u32>>,
    hasher: foldhash::fast::FixedState,
    fuzzy_lengths: (usize, usize),
    lure: FastSet<Box<[u8]>>,
    places: FastSet<Box<[u8]>>,
    common: FastSet<Box<[u8]>>,
    /// Distinctive keywords as written: a token that is one is another
    /// brand named beside a word brand (`paypal-amazon-login`).
    distinctive: FastSet<Box<[u8]>>,
    legit_below: LegitTable,
    legit_only: LegitTable,
    theme_ac: AhoCorasick,
    theme_pattern: Vec<Theme>,
    psl: &'static PublicSuffixList,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("brands", &self.brands.len())
            .field("keywords", &self.keywords.len())
            .finish_non_exhaustive()
    }
}

/// One candidate while a name is read.
#[derive(Debug, Clone)]
struct Hit {
    kw: u32,
    kind: MatchKind,
    operation: Option<TypoOperation>,
    label: usize,
    matched: String,
    distance: u8,
    detail: String,
}

/// A label being read: its text as the detector sees it (ASCII reading)
/// and where it came from.
struct LabelView<'a> {
    index: usize,
    raw: &'a [u8],
    folded: &'a [u8],
}

impl Detector {
    /// Compiles `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Detector {
        let brands = brand_infos(catalogue);
        let keywords = keyword_table(catalogue);
        let (fold_ac, fold_pattern_kw) = fold_automaton(&keywords);
        let raw_ac = automaton(keywords.iter().map(|k| k.text.as_bytes()));
        let (deletions, fuzzy_lengths) = deletion_index(&keywords);
        let weak = weak_index(&keywords);
        let (legit_below, legit_only) = legit_tables(catalogue);
        let (theme_ac, theme_pattern) = theme_automaton();
        let distinctive = keywords
            .iter()
            .filter(|k| k.class == Class::Distinctive)
            .map(|k| k.text.as_bytes().into())
            .collect();

        tracing::debug!(
            brands = brands.len(),
            keywords = keywords.len(),
            deletion_keys = deletions.len(),
            "brand detector compiled"
        );
        Detector {
            brands,
            keywords,
            raw_ac,
            fold_ac,
            fold_pattern_kw,
            deletions,
            weak,
            hasher: foldhash::fast::FixedState::with_seed(0x6e73_6875_6e74),
            fuzzy_lengths,
            lure: folded_set(words::lure_words()),
            places: folded_set(words::PLACES.iter().copied()),
            common: folded_set(words::COMMON.iter().copied()),
            distinctive,
            legit_below,
            legit_only,
            theme_ac,
            theme_pattern,
            psl: psl::embedded(),
        }
    }

    /// Parses `text` as a domain name and reads it; see [`Detector::detect`].
    pub fn detect_str(&self, text: &str) -> Result<Vec<BrandMatch>, NameError> {
        Ok(self.detect(&DomainName::parse(text)?))
    }

    /// The brands `name` appears to impersonate, strongest evidence
    /// first, one match per brand.
    pub fn detect(&self, name: &DomainName) -> Vec<BrandMatch> {
        let labels = self.labels_above_suffix(name);
        if labels.is_empty() {
            return Vec::new();
        }

        let mut hits = Vec::new();
        let mut readings: Vec<Option<String>> = vec![None; labels.len()];
        let mut folded = Vec::new();
        for (index, label) in labels.iter().enumerate() {
            let reading = idn_reading(label);
            let raw = reading.as_deref().unwrap_or(label).as_bytes();
            fold_ascii(raw, &mut folded);
            self.scan_label(&LabelView { index, raw, folded: &folded }, &mut hits);
            readings[index] = reading;
        }
        self.scan_joined(&labels, &readings, &mut hits);

        if hits.is_empty() {
            return Vec::new();
        }
        // A brand's own domains are never flagged for it; a name that is
        // any brand's own domain is not a look-alike of another brand
        // either (`xfinity.com` is not a slip of `dfinity`), though it
        // may still use one by name.
        let legit = self.legit_brands(name);
        hits.retain(|h| {
            let own = legit.contains(&self.keywords[h.kw as usize].brand);
            let lookalike = matches!(h.kind, MatchKind::Typosquat | MatchKind::Homoglyph);
            !own && (!lookalike || legit.is_empty())
        });
        self.best_per_brand(hits, &labels, &readings)
    }

    /// The themes of `name`: the keyword families its words belong to and
    /// the categories of the brands it impersonates.
    pub fn themes(&self, name: &DomainName) -> Vec<Theme> {
        let matches = self.detect(name);
        self.themes_with(name, &matches)
    }

    /// [`Detector::themes`] when the matches are already known.
    pub fn themes_with(&self, name: &DomainName, matches: &[BrandMatch]) -> Vec<Theme> {
        let mut themes: Vec<Theme> = matches.iter().map(|m| category_theme(m.category)).collect();
        for label in self.labels_above_suffix(name) {
            let reading = idn_reading(label);
            self.label_themes(reading.as_deref().unwrap_or(label).as_bytes(), &mut themes);
        }
        themes.sort();
        themes.dedup();
        themes
    }

    /// How many brands the detector knows.
    pub fn brand_count(&self) -> usize {
        self.brands.len()
    }

    fn labels_above_suffix<'n>(&self, name: &'n DomainName) -> Vec<&'n str> {
        if name.is_root() {
            return Vec::new();
        }
        let suffix = self.psl.suffix_labels(name, Section::IcannAndPrivate);
        let count = name.label_count();
        let mut labels: Vec<&str> = name.labels().take(count.saturating_sub(suffix)).collect();
        if labels.len() > 1 && labels[0] == "www" {
            labels.remove(0);
        }
        labels
    }

    /// The brands whose legitimate domains cover `name`.
    fn legit_brands(&self, name: &DomainName) -> Vec<u32> {
        let mut out = Vec::new();
        let mut rest = name.as_str();
        if let Some(ids) = self.legit_only.get(rest) {
            out.extend_from_slice(ids);
        }
        loop {
            if let Some(ids) = self.legit_below.get(rest) {
                out.extend_from_slice(ids);
            }
            match rest.split_once('.') {
                Some((_, parent)) => rest = parent,
                None => break,
            }
        }
        out
    }

    fn scan_label(&self, view: &LabelView<'_>, hits: &mut Vec<Hit>) {
        for m in self.raw_ac.find_overlapping_iter(view.raw) {
            let kw = m.pattern().as_u32();
            self.place_hit(view, kw, m.start(), m.end(), hits);
        }
        // Always: a label without foldable letters (`lnstagram`) can
        // still fold onto a keyword that has some (`instagram`).
        for m in self.fold_ac.find_overlapping_iter(view.folded) {
            let kw = self.fold_pattern_kw[m.pattern().as_usize()];
            if view.raw[m.start()..m.end()] != *self.keywords[kw as usize].text.as_bytes() {
                self.place_hit(view, kw, m.start(), m.end(), hits);
            }
        }
        self.scan_typos(view, hits);
    }

    /// Decides whether a keyword found at `start..end` counts, and as
    /// what.
    fn place_hit(
        &self,
        view: &LabelView<'_>,
        kw: u32,
        start: usize,
        end: usize,
        hits: &mut Vec<Hit>,
    ) {
        let k = &self.keywords[kw as usize];
        let raw = view.raw;
        if raw[start..end].contains(&b'-') {
            return;
        }
        let (ts, te) = token_bounds(raw, start, end);
        let homoglyph = raw[start..end] != *k.text.as_bytes();
        if homoglyph && (k.class == Class::Short || continues_number(raw, start, end)) {
            return;
        }

        let place = if start == 0 && end == raw.len() {
            Some((MatchKind::Exact, String::new()))
        } else if start == ts && end == te {
            self.beside_tokens(view, k, ts, te).map(|beside| (MatchKind::Combosquat, beside))
        } else {
            self.inside_token(view, k, (ts, te), (start, end))
                .map(|beside| (MatchKind::Segmented, beside))
        };
        let Some((mut kind, detail)) = place else { return };

        if homoglyph {
            kind = MatchKind::Homoglyph;
        }
        hits.push(Hit {
            kw,
            kind,
            operation: None,
            label: view.index,
            matched: String::from_utf8_lossy(&raw[start..end]).into_owned(),
            distance: 0,
            detail,
        });
    }

    /// A keyword that is a whole token: fine for distinctive keywords;
    /// words and short keywords need every other token to be a lure word,
    /// a place, digits or another brand's distinctive keyword
    /// (`paypal-amazon-login` names Amazon too). Returns the other
    /// tokens, for the explanation.
    fn beside_tokens(&self, view: &LabelView<'_>, k: &Kw, ts: usize, te: usize) -> Option<String> {
        let others: Vec<(usize, usize)> =
            token_spans(view.raw).filter(|&(s, e)| (s, e) != (ts, te) && s < e).collect();
        if k.class != Class::Distinctive {
            let all_lure = others.iter().all(|&(s, e)| {
                self.is_lure_token(&view.raw[s..e], &view.folded[s..e])
                    || self.distinctive.contains(&view.raw[s..e])
            });
            if !all_lure {
                return None;
            }
        }
        let words: Vec<&str> = others
            .iter()
            .map(|&(s, e)| std::str::from_utf8(&view.raw[s..e]).unwrap_or("?"))
            .collect();
        Some(words.join(", "))
    }

    /// A keyword inside a longer token. Returns what stands beside it.
    fn inside_token(
        &self,
        view: &LabelView<'_>,
        k: &Kw,
        (ts, te): (usize, usize),
        (start, end): (usize, usize),
    ) -> Option<String> {
        let len = k.text.len();
        let before = (&view.raw[ts..start], &view.folded[ts..start]);
        let after = (&view.raw[end..te], &view.folded[end..te]);
        let beside = || {
            let b = String::from_utf8_lossy(&view.raw[ts..start]);
            let a = String::from_utf8_lossy(&view.raw[end..te]);
            [b, a].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" … ")
        };

        let segmented = || self.segments(before.0, before.1) && self.segments(after.0, after.1);
        let homoglyph = view.raw[start..end] != *k.text.as_bytes();
        let ok = match k.class {
            Class::Short if len <= 3 => false,
            // Folded letters inside words find brands everywhere
            // (`retailexpress` folds to hold `aliexpress`).
            Class::Distinctive if len >= 7 && !homoglyph => true,
            _ => segmented(),
        };
        ok.then(beside)
    }

    /// A lure word or one of the ordinary words that sit one edit from a
    /// brand keyword ([`words::COMMON`]).
    fn is_common_word(&self, folded: &[u8]) -> bool {
        self.lure.contains(folded) || self.common.contains(folded)
    }

    /// Whether a whole token may stand beside a word brand: `raw` as
    /// written, `folded` its look-alike folding (see [`Self::segments`]).
    fn is_lure_token(&self, raw: &[u8], folded: &[u8]) -> bool {
        raw.iter().all(u8::is_ascii_digit)
            || self.places.contains(folded)
            || self.segments(raw, folded)
    }

    /// Whether a text splits entirely into lure words (two letters or
    /// more) and digit runs. The empty string does.
    ///
    /// `raw` is the text as written and `folded` the same bytes after
    /// look-alike folding. Digits are read from `raw`: folding turns most
    /// of them into letters (`2025` → `2o2s`, `05` → `os`), and a year or
    /// a counter beside a brand is a number, not leetspeak. Words are
    /// read from `folded`, so that `l0gin` still reads as `login`.
    fn segments(&self, raw: &[u8], folded: &[u8]) -> bool {
        self.splits(raw, folded, false)
    }

    /// [`Self::segments`], where `brands` also lets distinctive brand
    /// keywords stand as words (`secure|appleid|login`: a theme word
    /// beside a brand is still that word).
    fn splits(&self, raw: &[u8], folded: &[u8], brands: bool) -> bool {
        let n = folded.len();
        if n > 63 || raw.len() != n {
            return false;
        }
        let mut ok = [false; 64];
        ok[0] = true;
        for end in 1..=n {
            ok[end] = (0..end).any(|start| {
                ok[start] && end - start >= 2 && end - start <= 16 && {
                    raw[start..end].iter().all(u8::is_ascii_digit)
                        || self.lure.contains(&folded[start..end])
                        || (brands && self.distinctive.contains(&raw[start..end]))
                }
            }) || (raw[end - 1].is_ascii_digit() && ok[end - 1]);
        }
        ok[n]
    }

    /// The edit-distance pass over one label.
    fn scan_typos(&self, view: &LabelView<'_>, hits: &mut Vec<Hit>) {
        let (min, max) = self.fuzzy_lengths;
        let fits = |len: usize| len + 2 >= min && len <= max + 2;

        for (s, e) in token_spans(view.raw) {
            if !fits(e - s) {
                continue;
            }
            self.fuzzy(view, (s, e), 0, hits);
            self.fuzzy_cores(view, (s, e), hits);
        }

        if view.raw.contains(&b'-') {
            let joined: Vec<u8> = view.raw.iter().copied().filter(|&b| b != b'-').collect();
            if fits(joined.len()) {
                let mut folded = Vec::new();
                fold_ascii(&joined, &mut folded);
                self.fuzzy_text(view.index, &joined, &folded, TypoOperation::Hyphenation, hits);
            }
            self.hyphenated_runs(view, hits);
        }
    }

    /// A brand split by hyphens among other words (`pay-pal-secure`,
    /// `micro-soft-login`): two or three neighbouring tokens that,
    /// joined, are exactly a fuzzy keyword (after look-alike folding).
    /// Only exact joins, so one probe of the deletion index (its
    /// zero-deletion key) per run: a slip as well as a split is too
    /// loose a reading.
    fn hyphenated_runs(&self, view: &LabelView<'_>, hits: &mut Vec<Hit>) {
        let spans: Vec<(usize, usize)> = token_spans(view.raw).filter(|(s, e)| s < e).collect();
        if spans.len() < 3 {
            return; // two tokens: the whole label, joined above
        }
        let mut joined = Vec::new();
        let mut folded = Vec::new();
        for i in 0..spans.len() {
            for j in i + 1..(i + 3).min(spans.len()) {
                joined.clear();
                joined.extend(view.raw[spans[i].0..spans[j].1].iter().filter(|&&b| b != b'-'));
                fold_ascii(&joined, &mut folded);
                let Some(ids) = self.deletions.get(&self.hash(&folded)) else { continue };
                for &kw in ids {
                    if self.keywords[kw as usize].folded != folded {
                        continue;
                    }
                    let op = TypoOperation::Hyphenation;
                    hits.extend(self.verify(view.index, &joined, &folded, kw, op));
                }
            }
        }
    }

    /// The token with lure words cut from its start and end.
    fn fuzzy_cores(&self, view: &LabelView<'_>, (s, e): (usize, usize), hits: &mut Vec<Hit>) {
        let (min, _) = self.fuzzy_lengths;
        if e - s < min + 3 {
            return;
        }
        let token = &view.folded[s..e];
        let prefix = (2..=(token.len() - min + 1).min(16))
            .rev()
            .find(|&n| self.lure.contains(&token[..n]))
            .unwrap_or(0);
        let suffix = (2..=(token.len() - min + 1).min(16))
            .rev()
            .find(|&n| self.lure.contains(&token[token.len() - n..]))
            .unwrap_or(0);

        for (cut_start, cut_end) in [(prefix, 0), (0, suffix), (prefix, suffix)] {
            let (cs, ce) = (s + cut_start, e - cut_end);
            if (cut_start, cut_end) == (0, 0) || ce <= cs || ce - cs + 2 < min {
                continue;
            }
            // Five- and six-letter keywords are one slip from too many
            // word pieces (`livescloud`, `appvizer`) to look inside tokens.
            self.fuzzy(view, (cs, ce), 7, hits);
        }
    }

    fn fuzzy(
        &self,
        view: &LabelView<'_>,
        (s, e): (usize, usize),
        min_len: usize,
        hits: &mut Vec<Hit>,
    ) {
        // An ordinary word one slip from a brand (`finance`, `cloud`,
        // `telecom`) is that word, not a typosquat.
        if self.is_common_word(&view.folded[s..e]) {
            return;
        }
        let before = hits.len();
        self.fuzzy_text(
            view.index,
            &view.raw[s..e],
            &view.folded[s..e],
            TypoOperation::Edits,
            hits,
        );
        // An exact folded match of a token is the automaton's business.
        let mut i = before;
        while i < hits.len() {
            let short = self.keywords[hits[i].kw as usize].text.len() < min_len;
            let exact = hits[i].distance == 0 && hits[i].kind == MatchKind::Typosquat;
            if exact || short {
                hits.swap_remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// Compares one candidate string with the fuzzy keywords. `zero_op`
    /// names a distance-0 match (the candidate was rebuilt from pieces).
    fn fuzzy_text(
        &self,
        label: usize,
        raw: &[u8],
        folded: &[u8],
        zero_op: TypoOperation,
        hits: &mut Vec<Hit>,
    ) {
        self.weak_text(label, raw, folded, hits);
        let mut seen: [u32; 16] = [u32::MAX; 16];
        let mut seen_len = 0;
        let depth = if folded.len() >= 8 { 2 } else { 1 };

        self.each_deletion(folded, depth, |key| {
            let Some(ids) = self.deletions.get(&key) else { return };
            for &kw in ids {
                if seen[..seen_len].contains(&kw) {
                    continue;
                }
                if seen_len < seen.len() {
                    seen[seen_len] = kw;
                    seen_len += 1;
                }
                if let Some(hit) = self.verify(label, raw, folded, kw, zero_op) {
                    hits.push(hit);
                }
            }
        });
    }

    /// Whole-string equality with a keyword under the weak look-alike
    /// reading ([`fold::weak_fold`]).
    fn weak_text(&self, label: usize, raw: &[u8], folded: &[u8], hits: &mut Vec<Hit>) {
        let mut weak = Vec::with_capacity(folded.len());
        fold::weak_fold(folded, &mut weak);
        let Some(ids) = self.weak.get(&self.hash(&weak)) else { return };
        for &kw in ids {
            let k = &self.keywords[kw as usize];
            let mut theirs = Vec::new();
            fold::weak_fold(&k.folded, &mut theirs);
            if theirs != weak || raw == k.text.as_bytes() {
                continue;
            }
            hits.push(Hit {
                kw,
                kind: MatchKind::Homoglyph,
                operation: None,
                label,
                matched: String::from_utf8_lossy(raw).into_owned(),
                distance: 0,
                detail: String::new(),
            });
        }
    }

    fn verify(
        &self,
        label: usize,
        raw: &[u8],
        folded: &[u8],
        kw: u32,
        zero_op: TypoOperation,
    ) -> Option<Hit> {
        let k = &self.keywords[kw as usize];
        let d = typo::distance(folded, &k.folded, usize::from(k.max_distance))?;
        let raw_d = typo::distance(raw, k.text.as_bytes(), 2);
        let operation = match raw_d {
            _ if d == 0 => zero_op,
            Some(raw_d) if raw_d == d => typo::classify(k.text.as_bytes(), raw),
            // Look-alikes and a slip together reach too many ordinary
            // words of short keywords (`quai1` for `gmail`).
            _ if k.text.len() < 9 => return None,
            _ => TypoOperation::LookAlike,
        };
        let operation = if d > 0 && zero_op != TypoOperation::Edits { zero_op } else { operation };
        Some(Hit {
            kw,
            kind: MatchKind::Typosquat,
            operation: Some(operation),
            label,
            matched: String::from_utf8_lossy(raw).into_owned(),
            distance: d as u8,
            detail: String::new(),
        })
    }

    /// Calls `f` with the hash of `text` and of every string made by
    /// deleting up to `depth` of its bytes.
    fn each_deletion(&self, text: &[u8], depth: usize, mut f: impl FnMut(u64)) {
        let n = text.len();
        if n > 62 {
            return;
        }
        let mut buf = [0u8; 64];
        f(self.hash(text));
        for i in 0..n {
            if i > 0 && text[i] == text[i - 1] {
                continue; // deleting either of two equal neighbours gives the same string
            }
            buf[..i].copy_from_slice(&text[..i]);
            buf[i..n - 1].copy_from_slice(&text[i + 1..]);
            f(self.hash(&buf[..n - 1]));
            if depth < 2 {
                continue;
            }
            let one = buf;
            for j in i..n - 1 {
                let mut two = [0u8; 64];
                two[..j].copy_from_slice(&one[..j]);
                two[j..n - 2].copy_from_slice(&one[j + 1..n - 1]);
                f(self.hash(&two[..n - 2]));
            }
        }
    }

    fn hash(&self, bytes: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(bytes)
    }

    /// The labels joined without dots, for brands split over labels
    /// (`pay.pal.com`).
    fn scan_joined(&self, labels: &[&str], readings: &[Option<String>], hits: &mut Vec<Hit>) {
        if labels.len() < 2 {
            return;
        }
        let mut raw = Vec::new();
        for (label, reading) in labels.iter().zip(readings) {
            raw.extend_from_slice(reading.as_deref().unwrap_or(label).as_bytes());
        }
        let (min, max) = self.fuzzy_lengths;
        if raw.len() + 2 < min || raw.len() > max + 2 {
            return;
        }
        let mut folded = Vec::new();
        fold_ascii(&raw, &mut folded);
        let before = hits.len();
        self.fuzzy_text(0, &raw, &folded, TypoOperation::DotInsertion, hits);
        for h in &mut hits[before..] {
            h.operation = Some(TypoOperation::DotInsertion);
            h.label = usize::MAX;
        }
    }

    fn best_per_brand(
        &self,
        hits: Vec<Hit>,
        labels: &[&str],
        readings: &[Option<String>],
    ) -> Vec<BrandMatch> {
        let mut best: Vec<Hit> = Vec::new();
        for hit in hits {
            let brand = self.keywords[hit.kw as usize].brand;
            let key = |h: &Hit| {
                let len = self.keywords[h.kw as usize].text.len();
                (self.effective_kind(h, readings).rank(), h.distance, usize::MAX - len)
            };
            match best.iter_mut().find(|b| self.keywords[b.kw as usize].brand == brand) {
                Some(slot) if key(&hit) < key(slot) => *slot = hit,
                Some(_) => {}
                None => best.push(hit),
            }
        }
        best.sort_by_key(|h| (self.effective_kind(h, readings).rank(), h.distance));
        best.into_iter().map(|h| self.to_match(h, labels, readings)).collect()
    }

    fn effective_kind(&self, hit: &Hit, readings: &[Option<String>]) -> MatchKind {
        let idn = match hit.label {
            usize::MAX => readings.iter().any(Option::is_some),
            i => readings[i].is_some(),
        };
        if idn { MatchKind::Idn } else { hit.kind }
    }

    fn to_match(&self, hit: Hit, labels: &[&str], readings: &[Option<String>]) -> BrandMatch {
        let k = &self.keywords[hit.kw as usize];
        let brand = &self.brands[k.brand as usize];
        let kind = self.effective_kind(&hit, readings);
        let label = match hit.label {
            usize::MAX => labels.join("."),
            i => labels[i].to_string(),
        };
        let why = explain(&hit, k, brand, &label, labels, kind);

        BrandMatch {
            brand: brand.id.clone(),
            brand_name: brand.name.clone(),
            category: brand.category,
            kind,
            operation: hit.operation,
            label,
            matched: hit.matched,
            keyword: k.text.clone(),
            distance: hit.distance,
            why,
        }
    }

    fn label_themes(&self, raw: &[u8], themes: &mut Vec<Theme>) {
        let mut folded = Vec::new();
        fold_ascii(raw, &mut folded);
        for m in self.theme_ac.find_overlapping_iter(raw) {
            let (start, end) = (m.start(), m.end());
            let (ts, te) = token_bounds(raw, start, end);
            // Only long words count inside any token: `public` is inside
            // `republic` and `publicity`, `national` inside
            // `international`.
            let counts = end - start >= 9
                || (start == ts && end == te)
                || (self.splits(&raw[ts..start], &folded[ts..start], true)
                    && self.splits(&raw[end..te], &folded[end..te], true));
            if counts {
                themes.push(self.theme_pattern[m.pattern().as_usize()]);
            }
        }
    }
}

/// Builds the explanation sentence of a match.
fn explain(
    hit: &Hit,
    k: &Kw,
    brand: &BrandInfo,
    label: &str,
    labels: &[&str],
    kind: MatchKind,
) -> String {
    let mut why = String::new();
    if kind == MatchKind::Idn {
        let unicode = idn_unicode(label).unwrap_or_default();
        let _ = write!(why, "{label} is the Unicode label {unicode:?}");
        if fold::mixes_scripts(&unicode) {
            why.push_str(" (mixed scripts)");
        }
        let _ = write!(why, ", read as {:?}; ", fold::skeleton(&unicode));
    }

    let name = &brand.name;
    let kw = &k.text;
    let matched = &hit.matched;
    let _ = match hit.kind {
        MatchKind::Exact => write!(why, "the label is {name}'s keyword {kw:?}"),
        MatchKind::Combosquat if hit.detail.is_empty() => {
            write!(why, "{name}'s keyword {kw:?} is a token of the label")
        }
        MatchKind::Combosquat => {
            write!(why, "{name}'s keyword {kw:?} as a token beside {}", hit.detail)
        }
        MatchKind::Segmented => {
            write!(why, "{name}'s keyword {kw:?} inside the label, beside {:?}", hit.detail)
        }
        MatchKind::Homoglyph => {
            write!(why, "{matched:?} looks like {name}'s keyword {kw:?} (look-alike characters)")
        }
        MatchKind::Typosquat | MatchKind::Idn => {
            let op = hit.operation.map(TypoOperation::describe).unwrap_or("edits");
            let whole = if hit.label == usize::MAX { labels.join(".") } else { matched.clone() };
            write!(
                why,
                "{whole:?} is {name}'s keyword {kw:?} with {op} (distance {})",
                hit.distance
            )
        }
    };
    why
}

/// The Unicode form of an `xn--` label.
fn idn_unicode(label: &str) -> Option<String> {
    let body = label.strip_prefix("xn--")?;
    idna::punycode::decode_to_string(body)
}

/// The ASCII reading of an `xn--` label; `None` for other labels.
fn idn_reading(label: &str) -> Option<String> {
    idn_unicode(label).map(|u| fold::skeleton(&u))
}

/// Whether the match at `start..end` begins or ends with a digit that
/// runs on into digits outside it (`139mail`, `01cloud`): that digit is
/// part of a number, and the number stands beside the rest, so it is not
/// a look-alike letter of the keyword.
fn continues_number(raw: &[u8], start: usize, end: usize) -> bool {
    let digit = |i: usize| raw.get(i).is_some_and(u8::is_ascii_digit);
    (start > 0 && digit(start - 1) && digit(start)) || (end > start && digit(end - 1) && digit(end))
}

/// The hyphen-separated token around `start..end`.
fn token_bounds(raw: &[u8], start: usize, end: usize) -> (usize, usize) {
    let ts = raw[..start].iter().rposition(|&b| b == b'-').map_or(0, |i| i + 1);
    let te = raw[end..].iter().position(|&b| b == b'-').map_or(raw.len(), |i| end + i);
    (ts, te)
}

/// Spans of the hyphen-separated tokens of `raw` (empty ones included).
fn token_spans(raw: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    raw.split(|&b| b == b'-').map(move |t| {
        let span = (start, start + t.len());
        start += t.len() + 1;
        span
    })
}

fn category_theme(category: Category) -> Theme {
    match category {
        Category::Bank | Category::Payments => Theme::FinancePayments,
        Category::Crypto => Theme::Crypto,
        Category::Telecom => Theme::Telecom,
        Category::Government => Theme::TaxGovernment,
        Category::Technology | Category::Email => Theme::TechnologySupport,
        Category::Social => Theme::SocialMedia,
        Category::Media | Category::Gaming => Theme::Entertainment,
        Category::Retail => Theme::Shopping,
        Category::Delivery => Theme::Delivery,
        Category::Travel => Theme::Travel,
    }
}

fn brand_infos(catalogue: &Catalogue) -> Vec<BrandInfo> {
    catalogue
        .brands()
        .iter()
        .map(|b| BrandInfo { id: b.id.clone(), name: b.name.clone(), category: b.category })
        .collect()
}

fn keyword_table(catalogue: &Catalogue) -> Vec<Kw> {
    let mut out = Vec::new();
    let mut folded = Vec::new();
    for (i, brand) in catalogue.brands().iter().enumerate() {
        for keyword in &brand.keywords {
            let len = keyword.text.len();
            let class = match (len, keyword.word) {
                (0..=4, _) => Class::Short,
                (_, true) => Class::Word,
                _ => Class::Distinctive,
            };
            let max_distance = if class == Class::Distinctive { max_distance(len) } else { 0 };
            fold_ascii(keyword.text.as_bytes(), &mut folded);
            out.push(Kw {
                text: keyword.text.clone(),
                folded: folded.clone(),
                brand: i as u32,
                class,
                max_distance,
            });
        }
    }
    out
}

fn automaton<'p>(patterns: impl Iterator<Item = &'p [u8]>) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(AcMatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
        .expect("keyword automaton")
}

/// Folded spellings (and multi-letter look-alike spellings) of the
/// keywords that may be written with look-alikes: all but short ones.
fn fold_automaton(keywords: &[Kw]) -> (AhoCorasick, Vec<u32>) {
    let mut patterns: Vec<Vec<u8>> = Vec::new();
    let mut owner = Vec::new();
    for (i, k) in keywords.iter().enumerate() {
        if k.class == Class::Short {
            continue;
        }
        let folded = String::from_utf8_lossy(&k.folded).into_owned();
        let mut spellings = vec![folded.clone()];
        spellings.extend(fold::multi_letter_variants(&folded));
        for s in spellings {
            patterns.push(s.into_bytes());
            owner.push(i as u32);
        }
    }
    (automaton(patterns.iter().map(Vec::as_slice)), owner)
}

/// Every deletion variant of every fuzzy keyword, by hash.
fn deletion_index(keywords: &[Kw]) -> (FastMap<u64, Vec<u32>>, (usize, usize)) {
    let hasher = foldhash::fast::FixedState::with_seed(0x6e73_6875_6e74);
    let mut map: FastMap<u64, Vec<u32>> = FastMap::default();
    let mut lengths = (usize::MAX, 0);
    for (i, k) in keywords.iter().enumerate() {
        if k.max_distance == 0 {
            continue;
        }
        lengths = (lengths.0.min(k.folded.len()), lengths.1.max(k.folded.len()));
        let mut variants = HashSet::new();
        deletions(&k.folded, usize::from(k.max_distance), &mut variants);
        for v in variants {
            use std::hash::BuildHasher;
            let ids = map.entry(hasher.hash_one(&v[..])).or_default();
            if !ids.contains(&(i as u32)) {
                ids.push(i as u32);
            }
        }
    }
    if lengths.0 == usize::MAX {
        lengths = (0, 0);
    }
    (map, lengths)
}

/// The weak look-alike reading of every fuzzy keyword, by hash.
fn weak_index(keywords: &[Kw]) -> FastMap<u64, Vec<u32>> {
    use std::hash::BuildHasher;
    let hasher = foldhash::fast::FixedState::with_seed(0x6e73_6875_6e74);
    let mut map: FastMap<u64, Vec<u32>> = FastMap::default();
    let mut weak = Vec::new();
    for (i, k) in keywords.iter().enumerate() {
        if k.max_distance == 0 {
            continue;
        }
        fold::weak_fold(&k.folded, &mut weak);
        map.entry(hasher.hash_one(&weak[..])).or_default().push(i as u32);
    }
    map
}

fn deletions(text: &[u8], depth: usize, out: &mut HashSet<Vec<u8>>) {
    if !out.insert(text.to_vec()) || depth == 0 {
        return;
    }
    for i in 0..text.len() {
        let mut shorter = text.to_vec();
        shorter.remove(i);
        deletions(&shorter, depth - 1, out);
    }
}

fn legit_tables(catalogue: &Catalogue) -> (LegitTable, LegitTable) {
    let psl = psl::embedded();
    let mut below = LegitTable::default();
    let mut only = LegitTable::default();
    for (i, brand) in catalogue.brands().iter().enumerate() {
        for domain in &brand.domains {
            let is_suffix =
                psl.suffix_labels(domain, Section::IcannAndPrivate) >= domain.label_count();
            let table = if is_suffix { &mut only } else { &mut below };
            table.entry(domain.as_str().into()).or_default().push(i as u32);
        }
    }
    (below, only)
}

fn theme_automaton() -> (AhoCorasick, Vec<Theme>) {
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for theme in Theme::ALL {
        for word in theme.words() {
            patterns.push(word.as_bytes());
            owner.push(theme);
        }
    }
    (automaton(patterns.into_iter()), owner)
}

fn folded_set<'w>(words: impl Iterator<Item = &'w str>) -> FastSet<Box<[u8]>> {
    let mut out = Vec::new();
    words
        .map(|w| {
            fold_ascii(w.as_bytes(), &mut out);
            out.clone().into_boxed_slice()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `segments` as the detector calls it: the text and its folding.
    fn segments(d: &Detector, text: &str) -> bool {
        let mut folded = Vec::new();
        fold_ascii(text.as_bytes(), &mut folded);
        d.segments(text.as_bytes(), &folded)
    }

    #[test]
    fn digits_are_read_before_folding() {
        let d = Detector::new(&Catalogue::shipped());
        // Most of these digits fold to letters (`0` → `o`, `4` → `a`,
        // `5` → `s`); they are numbers all the same.
        for text in ["", "05", "2025", "4", "refund4", "refund05", "2024login"] {
            assert!(segments(&d, text), "{text:?}");
        }
        assert!(d.is_lure_token(b"2025", b"2o2s"));
        // Look-alike digits inside a lure word still spell it.
        assert!(segments(&d, "l0gin"));
        // A number does not make other text a lure word.
        for text in ["pie2024", "a2024", "l0gin-", "os"] {
            assert!(!segments(&d, text), "{text:?}");
        }
    }

    #[test]
    fn a_number_keeps_its_edge_digits() {
        // `9mail` at 2..7 of `139mail`: the 9 belongs to 139.
        assert!(continues_number(b"139mail", 2, 7));
        assert!(continues_number(b"paypa12", 0, 6));
        assert!(!continues_number(b"paypa1-2025", 0, 6));
        assert!(!continues_number(b"9mail", 0, 5));
        assert!(!continues_number(b"my9mail", 2, 7));
    }
}
