//! One test per detection kind, and the rule that a brand's own domains
//! are never flagged.

use nshunt_brands::{BrandMatch, Catalogue, Detector, MatchKind, Theme, TypoOperation};
use nshunt_model::DomainName;

fn detector() -> Detector {
    Detector::new(&Catalogue::shipped())
}

fn first(detector: &Detector, name: &str) -> Option<BrandMatch> {
    detector.detect_str(name).unwrap().into_iter().next()
}

fn expect(detector: &Detector, name: &str, brand: &str, kind: MatchKind) -> BrandMatch {
    let m = first(detector, name).unwrap_or_else(|| panic!("{name}: nothing found"));
    assert_eq!((m.brand.as_str(), m.kind), (brand, kind), "{name}: {}", m.why);
    assert!(!m.why.is_empty());
    m
}

fn nothing(detector: &Detector, name: &str) {
    let found = detector.detect_str(name).unwrap();
    assert!(found.is_empty(), "{name}: {:?}", found.iter().map(|m| &m.why).collect::<Vec<_>>());
}

#[test]
fn exact_labels() {
    let d = detector();
    expect(&d, "paypal.example", "paypal", MatchKind::Exact);
    expect(&d, "login.paypal.example.net", "paypal", MatchKind::Exact);
    expect(&d, "apple.com.evil.example", "apple", MatchKind::Exact);
}

#[test]
fn combosquats() {
    let d = detector();
    let m = expect(&d, "paypal-secure-login.com", "paypal", MatchKind::Combosquat);
    assert_eq!(m.matched, "paypal");
    expect(&d, "chase-alerts.com", "chase", MatchKind::Combosquat);
    expect(&d, "dhl-tracking.info", "dhl", MatchKind::Combosquat);
    expect(&d, "netflix-uk.com", "netflix", MatchKind::Combosquat);
    // Word brands beside words that are not lures are ordinary words.
    nothing(&d, "apple-pie-recipes.com");
    nothing(&d, "orange-county-plumbing.com");
}

#[test]
fn every_brand_a_name_names_is_reported() {
    let d = detector();
    let brands = |name: &str| {
        let mut ids: Vec<String> =
            d.detect_str(name).unwrap().into_iter().map(|m| m.brand).collect();
        ids.sort();
        ids
    };
    // A word brand beside another brand's distinctive keyword is a brand.
    assert_eq!(brands("paypal-amazon-login.com"), ["amazon", "paypal"]);
    assert_eq!(brands("microsoft-office365-apple.com"), ["apple", "microsoft"]);
    // The gift a lure names is a lure word too.
    assert_eq!(brands("discord-nitro-free.com"), ["discord"]);
    // Two word brands together stay ordinary words.
    assert!(brands("orange-apple-juice.com").is_empty());
}

#[test]
fn brands_own_infrastructure_is_not_flagged() {
    let d = detector();
    for name in [
        "download.windowsupdate.com",
        "c.s-microsoft.com",
        "static.ads-twitter.com",
        "collector.githubapp.com",
        "content.disney.io",
        "youtube-ui.l.google.com",
    ] {
        nothing(&d, name);
    }
    // A CDN's own name is not a typosquat of a brand's CDN.
    nothing(&d, "b-cdn.net");
}

#[test]
fn brands_inside_concatenated_labels() {
    let d = detector();
    expect(&d, "secureappleidlogin.com", "apple", MatchKind::Segmented);
    expect(&d, "mypaypalaccount.net", "paypal", MatchKind::Segmented);
    expect(&d, "chasebankalerts.com", "chase", MatchKind::Segmented);
    expect(&d, "instagramcopyrightappeal.com", "instagram", MatchKind::Segmented);
    nothing(&d, "pineapple.com");
    nothing(&d, "purchase.com");
    nothing(&d, "banking.com");
    nothing(&d, "interactive.com");
}

#[test]
fn typosquats_name_their_slip() {
    let d = detector();
    let cases = [
        ("paypl.com", TypoOperation::Omission),
        ("paypall.com", TypoOperation::Repetition),
        ("payapl.com", TypoOperation::Transposition),
        ("paypsl.com", TypoOperation::KeyboardReplacement),
        ("poypal.com", TypoOperation::VowelSwap),
        ("pcypal.com", TypoOperation::Bitsquat),
        ("pay-pal.com", TypoOperation::Hyphenation),
        ("goo.gle.com", TypoOperation::DotInsertion),
        ("microsotf-login.com", TypoOperation::Transposition),
    ];
    for (name, op) in cases {
        let m = first(&d, name).unwrap_or_else(|| panic!("{name}: nothing found"));
        assert_eq!((m.kind, m.operation), (MatchKind::Typosquat, Some(op)), "{name}: {}", m.why);
    }
    // A brand split by hyphens among other words.
    for (name, brand) in [
        ("pay-pal-secure.com", "paypal"),
        ("micro-soft-login.com", "microsoft"),
        ("secure-face-book-verify.com", "facebook"),
    ] {
        let m = first(&d, name).unwrap_or_else(|| panic!("{name}: nothing found"));
        assert_eq!(m.brand, brand, "{name}: {}", m.why);
        assert_eq!(m.operation, Some(TypoOperation::Hyphenation), "{name}: {}", m.why);
    }
    nothing(&d, "soft-ware-login.com");
    let m = expect(&d, "myetherwalet.com", "myetherwallet", MatchKind::Typosquat);
    assert_eq!(m.distance, 1);
    // Two slips only from twelve letters.
    expect(&d, "myetherwalett-io.com", "myetherwallet", MatchKind::Typosquat);
}

#[test]
fn short_and_word_brands_are_never_fuzzy() {
    let d = detector();
    nothing(&d, "dhk.com");
    nothing(&d, "chose.com");
    nothing(&d, "appel.com");
    // An ordinary word one slip from a brand is that word.
    nothing(&d, "finance.com");
    nothing(&d, "telecom-services.com");
}

#[test]
fn homoglyphs() {
    let d = detector();
    expect(&d, "paypa1.com", "paypal", MatchKind::Homoglyph);
    expect(&d, "g00gle.com", "google", MatchKind::Homoglyph);
    expect(&d, "rnicrosoft.com", "microsoft", MatchKind::Homoglyph);
    expect(&d, "faceboolc.com", "facebook", MatchKind::Homoglyph);
    expect(&d, "lnstagram-verify.com", "instagram", MatchKind::Homoglyph);
}

#[test]
fn numbers_beside_brands_are_numbers_not_look_alikes() {
    let d = detector();
    // Years and counters beside a short or word brand are numbers like
    // any other, even where every digit also folds to a letter
    // (`05` would read `os`, `2025` `2o2s`).
    for name in [
        "hmrc-refund-05.test",
        "hmrc-05.test",
        "hmrc-refund4.test",
        "hmrc-refund2.test",
        "hmrc-refund-6.test",
        "hmrc-refund5.test",
    ] {
        let m = expect(&d, name, "hmrc", MatchKind::Combosquat);
        assert_eq!(m.matched, "hmrc", "{name}");
    }
    let m = expect(&d, "irs-2025.test", "irs", MatchKind::Combosquat);
    assert!(m.why.contains("2025"), "{}", m.why);
    expect(&d, "apple-2024.com", "apple", MatchKind::Combosquat);
    expect(&d, "2024-paypal-login.com", "paypal", MatchKind::Combosquat);
    let m = expect(&d, "hmrc05.com", "hmrc", MatchKind::Segmented);
    assert!(m.why.contains("\"05\""), "{}", m.why);
    expect(&d, "paypal2025.com", "paypal", MatchKind::Segmented);

    // Look-alike digits inside the keyword still read as letters,
    // numbers beside them or not.
    for (name, brand, matched) in [
        ("paypa1.com", "paypal", "paypa1"),
        ("g00gle.com", "google", "g00gle"),
        ("micr0soft.com", "microsoft", "micr0soft"),
        ("paypa1-2025.com", "paypal", "paypa1"),
        ("g00gle-24.com", "google", "g00gle"),
    ] {
        let m = expect(&d, name, brand, MatchKind::Homoglyph);
        assert_eq!(m.matched, matched, "{name}");
    }
    // A lure word in look-alikes is still a lure word.
    expect(&d, "hmrc-l0gin.com", "hmrc", MatchKind::Combosquat);

    // A number does not make an ordinary word a brand, and a digit that
    // runs on from a number is part of it, not a look-alike letter
    // (`139mail` is not `gmail`, `01cloud` not `icloud`).
    for name in [
        "apple-pie-2024.com",
        "orange-county-2025.com",
        "pineapple2024.com",
        "purchase-24.com",
        "first-2025.com",
        "irs2025.com",
        "summer-sale-2025.com",
        "139mail.com",
        "01cloud.co",
        "247mall.eu",
    ] {
        nothing(&d, name);
    }
}

#[test]
fn internationalised_names() {
    let d = detector();
    // Cyrillic р, а, у for p, a, y.
    let m = expect(&d, "xn--80aa0cbo65f.com", "paypal", MatchKind::Idn);
    assert!(m.why.contains("раураӏ"), "{}", m.why);
    assert!(m.why.contains("paypal"), "{}", m.why);
    // A dotless ı, a diacritic, Unicode given directly.
    expect(&d, "xn--nstagram-skb.com", "instagram", MatchKind::Idn);
    expect(&d, "fåcebook.com", "facebook", MatchKind::Idn);
    expect(&d, "micrøsoft-support.com", "microsoft", MatchKind::Idn);
    nothing(&d, "xn--caf-dma.com");
}

#[test]
fn own_domains_and_their_subdomains_are_never_flagged() {
    let catalogue = Catalogue::shipped();
    let d = Detector::new(&catalogue);
    for brand in catalogue.brands() {
        for domain in &brand.domains {
            for name in [domain.to_string(), format!("login.secure.{domain}")] {
                let Ok(parsed) = DomainName::parse(&name) else { continue };
                let found = d.detect(&parsed);
                assert!(
                    found.iter().all(|m| m.brand != brand.id),
                    "{name} is {}'s own domain but was flagged: {:?}",
                    brand.id,
                    found.iter().map(|m| &m.why).collect::<Vec<_>>()
                );
            }
        }
    }
}

#[test]
fn public_suffixes_cover_only_themselves() {
    let d = detector();
    nothing(&d, "github.io");
    expect(&d, "github-login.github.io", "github", MatchKind::Combosquat);
    expect(&d, "paypal-login.github.io", "paypal", MatchKind::Combosquat);
}

#[test]
fn one_match_per_brand_strongest_first() {
    let d = detector();
    let found = d.detect_str("paypal.paypal-login.paypl.com").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, MatchKind::Exact);
}

#[test]
fn themes_come_from_words_and_brands() {
    let d = detector();
    let name = DomainName::parse("dhl-parcel-redelivery-fee.com").unwrap();
    assert!(d.themes(&name).contains(&Theme::Delivery));
    let name = DomainName::parse("irs-taxrefund-claim.com").unwrap();
    let themes = d.themes(&name);
    assert!(themes.contains(&Theme::TaxGovernment), "{themes:?}");
    let name = DomainName::parse("metamask-wallet-sync.app").unwrap();
    assert!(d.themes(&name).contains(&Theme::Crypto));
    let name = DomainName::parse("windows-techsupport-helpdesk.com").unwrap();
    assert!(d.themes(&name).contains(&Theme::TechnologySupport));
    // A year beside a short theme word leaves it a word.
    let name = DomainName::parse("tax2025.com").unwrap();
    assert!(d.themes(&name).contains(&Theme::TaxGovernment), "{:?}", d.themes(&name));
    let name = DomainName::parse("taxi.com").unwrap();
    assert!(d.themes(&name).is_empty(), "{:?}", d.themes(&name));
    // A claim is not crypto, mail is not a parcel.
    let name = DomainName::parse("hmrc-refund-claim.com").unwrap();
    assert!(!d.themes(&name).contains(&Theme::Crypto), "{:?}", d.themes(&name));
    let name = DomainName::parse("outlook-mail-verify.com").unwrap();
    assert!(!d.themes(&name).contains(&Theme::Delivery), "{:?}", d.themes(&name));
    // Beside a brand inside one token, theme words still count.
    let name = DomainName::parse("secureappleidlogin.com").unwrap();
    assert!(d.themes(&name).contains(&Theme::AccountSecurity), "{:?}", d.themes(&name));
    // A theme word inside a longer ordinary word is that word.
    for word in ["publicity.com", "republic.com", "international.org", "finesse.net"] {
        let name = DomainName::parse(word).unwrap();
        let themes = d.themes(&name);
        assert!(!themes.contains(&Theme::TaxGovernment), "{word}: {themes:?}");
    }
}

#[test]
fn a_catalogue_that_is_not_utf8_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.tsv");
    std::fs::write(&path, b"acme\tAcme\tretail\tacmecorp\t\nbad\tCaf\xe9\tretail\tcafe\t\n")
        .unwrap();
    let error = Catalogue::load_user(&path, false, &Catalogue::shipped()).unwrap_err().to_string();
    assert!(error.contains("latin1.tsv") && error.contains("line 2 is not UTF-8"), "{error}");
}

#[test]
fn a_user_catalogue_adds_and_replaces_brands() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.tsv");
    std::fs::write(&path, "acme\tAcme Corp\ttechnology\tacmecorp\tacmecorp.example\nbad line\n")
        .unwrap();

    let parsed = Catalogue::load_user(&path, false, &Catalogue::shipped()).unwrap();
    assert_eq!(parsed.skipped.len(), 1);
    assert!(parsed.skipped[0].to_string().contains("mine.tsv:2:"));
    assert!(Catalogue::load_user(&path, true, &Catalogue::shipped()).is_err());

    let mut catalogue = Catalogue::shipped();
    catalogue.merge(parsed.catalogue);
    let d = Detector::new(&catalogue);
    expect(&d, "acmecorp-login.com", "acme", MatchKind::Combosquat);
    nothing(&d, "www.acmecorp.example");
}
