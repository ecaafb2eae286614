//! Brand impersonation and themes.
//!
//! - [`catalogue`]: the brands (506 shipped, written for nshunt:
//!   banks, payments, telecoms, tax and government services, technology,
//!   crypto, retail, delivery), their keywords and legitimate domains,
//!   and a user catalogue on top;
//! - [`detector`]: which brand a name impersonates and why: exact
//!   tokens, combosquats, typosquats, look-alike characters, IDN
//!   skeletons and brands hidden in concatenated labels;
//! - [`words`]: lure words and themes (keyword families assigned per
//!   domain);
//! - [`fold`]: the ASCII reading of Unicode labels (UTS #39 skeletons,
//!   diacritics) and look-alike folding;
//! - [`typo`]: edit distance and the names of typing slips.
//!
//! ```
//! use nshunt_brands::{Catalogue, Detector, MatchKind};
//!
//! let detector = Detector::new(&Catalogue::shipped());
//! let found = detector.detect_str("paypal-secure-login.example").unwrap();
//! assert_eq!(found[0].brand, "paypal");
//! assert_eq!(found[0].kind, MatchKind::Combosquat);
//! assert!(detector.detect_str("www.paypal.com").unwrap().is_empty());
//! ```
//!
//! # Limitations
//!
//! - Keywords of four letters or fewer (`dhl`, `ups`, `hsbc`) and
//!   ordinary-word keywords (`apple`, `chase`, `orange`) are never
//!   matched by edit distance, and inside a longer token only beside the
//!   lure words of [`words`]: `dhl-tracking` and `applesupportdesk` are
//!   found, `dhi-tracking`, `dhk-parcel` and `applezone` are not.
//! - Lure words are English with a few place names; a brand inside a
//!   concatenation of words in other languages (`applesoporte`) is found
//!   only for distinctive keywords of five letters or more.
//! - Edit distance is measured on the ASCII reading after look-alike
//!   folding; look-alike pairs that are not in the folding table
//!   (`fold.rs`) count as ordinary replacements, so two of them exceed
//!   the distance allowed for keywords under ten letters.
//! - UTS #39 confusables come from the `unicode-security` crate's data;
//!   characters it has no ASCII prototype for, and that are not in the
//!   small table of Latin letters with strokes and hooks, read as `*`
//!   and count as a replacement.
//! - Word segmentation is a split into known lure words, not a language
//!   model: a brand between two unknown words (`myapplestory`) is only
//!   found for distinctive keywords.
//! - Digits beside a keyword are read as written, before look-alike
//!   folding, so a year or a counter is a number (`hmrc-refund-05`,
//!   `irs-2025`, `paypal2025`) and a brand beside one is found; this also
//!   flags real brand uses (`windows10`, `xbox360`). A look-alike digit
//!   at a keyword's edge that runs on from a number belongs to the
//!   number: `139mail` is not `gmail`, and `paypa12` is not `paypal`.
//! - Keyboard adjacency assumes a US QWERTY layout.
//! - Keywords of five and six letters inside a token count only beside
//!   lure words (`yahoomail`), so a brand after unknown words
//!   (`pitadeclujyahoo`) is missed; from seven letters they count
//!   anywhere, which also flags real brand uses (`googlebot` is not,
//!   `minecraftbanner` is).
//! - The catalogue's legitimate domains are the main ones we know, not
//!   every defensive registration: a brand's own lesser domains
//!   (`comcastsports.com`) are flagged until a user catalogue lists them.

pub mod catalogue;
pub mod detector;
pub mod fold;
pub mod typo;
pub mod words;

pub use catalogue::{Brand, Catalogue, CatalogueError, Category, Keyword, Parsed};
pub use detector::{BrandMatch, Detector, MatchKind};
pub use typo::TypoOperation;
pub use words::Theme;
