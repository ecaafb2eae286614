//! Domain names for the world: people's names are pronounceable and
//! built from words, phishing names carry a brand and a lure word,
//! generated names are strings of letters. Benign names include a few
//! machine-made ones (tracking and CDN customer hashes) and a few that
//! mention a brand (fan sites, resellers), as real zones do.

use super::rng::Rng;

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br",
    "cl", "dr", "fl", "gr", "pl", "st", "tr", "sh", "ch",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"];
const CODAS: &[&str] = &["", "", "", "n", "r", "s", "t", "l", "m", "x", "ck"];
const WORDS: &[&str] = &[
    "shop", "cloud", "home", "tech", "green", "city", "bay", "studio", "design", "media", "bio",
    "market", "travel", "news", "cafe", "auto", "data", "smart", "family", "pet", "art", "law",
    "dental", "solar", "garden", "photo", "craft", "yoga", "book", "north", "blue", "pixel",
];
const LURES: &[&str] = &[
    "secure", "login", "verify", "account", "support", "update", "signin", "auth", "billing",
    "help", "wallet", "service",
];

/// Brands phishing impersonates (and a few benign sites mention).
pub const BRANDS: &[&str] = &[
    "paypal",
    "apple",
    "microsoft",
    "netflix",
    "amazon",
    "dhl",
    "chase",
    "office365",
    "instagram",
    "coinbase",
    "binance",
    "norvabank",
];

const BENIGN_TLDS: &[(&str, f64)] = &[
    ("com", 50.0),
    ("net", 8.0),
    ("org", 8.0),
    ("de", 6.0),
    ("co.uk", 4.0),
    ("io", 3.0),
    ("fr", 3.0),
    ("nl", 3.0),
    ("shop", 2.0),
    ("online", 2.0),
    ("xyz", 2.0),
    ("info", 2.0),
];
const CRIME_TLDS: &[(&str, f64)] = &[
    ("com", 30.0),
    ("net", 6.0),
    ("xyz", 10.0),
    ("top", 10.0),
    ("online", 8.0),
    ("shop", 8.0),
    ("info", 6.0),
    ("site", 6.0),
    ("live", 5.0),
    ("icu", 4.0),
    ("cc", 4.0),
];

/// A pronounceable made-up word of `syllables` syllables.
pub fn word(rng: &mut Rng, syllables: usize) -> String {
    let mut out = String::new();
    for _ in 0..syllables {
        out.push_str(rng.pick(ONSETS));
        out.push_str(rng.pick(VOWELS));
    }
    out.push_str(rng.pick(CODAS));
    out
}

/// A label a person would choose.
pub fn person_label(rng: &mut Rng) -> String {
    let syllables = 2 + rng.below(2);
    match rng.below(10) {
        0..=4 => word(rng, syllables),
        5..=7 => {
            let prefix = rng.pick(WORDS);
            let syllables = 1 + rng.below(2);
            format!("{prefix}{}", word(rng, syllables))
        }
        8 => format!("{}-{}", word(rng, 2), rng.pick(WORDS)),
        _ => format!("{}{}", rng.pick(WORDS), rng.pick(WORDS)),
    }
}

/// A label of random letters and digits, 10 to 16 long.
pub fn random_label(rng: &mut Rng, digits: bool) -> String {
    let alphabet: &[u8] = if digits {
        b"abcdefghijklmnopqrstuvwxyz0123456789"
    } else {
        b"abcdefghijklmnopqrstuvwxyz"
    };
    let len = 10 + rng.below(7);
    (0..len).map(|_| char::from(rng.pick(alphabet))).collect()
}

/// A phishing label for `brand`.
pub fn lure_label(rng: &mut Rng, brand: &str) -> String {
    let lure = rng.pick(LURES);
    match rng.below(4) {
        0 => format!("{brand}-{lure}"),
        1 => format!("{lure}-{brand}-{}", rng.pick(LURES)),
        2 => format!("{brand}{lure}{}", rng.below(100)),
        _ => format!("{lure}{brand}-{}", word(rng, 1)),
    }
}

/// A benign site that mentions a brand (a fan site, a reseller).
pub fn brand_fan_label(rng: &mut Rng, brand: &str) -> String {
    format!("{brand}-{}", rng.pick(WORDS))
}

/// A top-level suffix for a benign domain.
pub fn benign_tld(rng: &mut Rng) -> &'static str {
    pick_weighted(rng, BENIGN_TLDS)
}

/// A top-level suffix for a criminal domain: cheap TLDs weigh more.
pub fn crime_tld(rng: &mut Rng) -> &'static str {
    pick_weighted(rng, CRIME_TLDS)
}

fn pick_weighted(rng: &mut Rng, table: &[(&'static str, f64)]) -> &'static str {
    let weights: Vec<f64> = table.iter().map(|(_, w)| *w).collect();
    table[rng.weighted(&weights)].0
}
