//! Brand detection graded against hand labels of 80 real `.com`
//! look-alike names (PhishCanary's CZDS sample). The detector sees only
//! the `xn--` name. Precision and recall must both reach 95%.
//!
//! `cargo test -p nshunt-brands --test czds_grade -- --nocapture` prints
//! the scores and every disagreement.

use std::path::Path;

use nshunt_brands::{Catalogue, Detector};

struct Case {
    name: String,
    brand: Option<String>,
    reason: String,
}

fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/czds-lookalikes.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "{l}");
            let brand = (cols[1] != "-").then(|| cols[1].to_string());
            Case { name: cols[0].into(), brand, reason: cols[2].into() }
        })
        .collect()
}

#[test]
fn czds_lookalikes_precision_and_recall() {
    let detector = Detector::new(&Catalogue::shipped());
    let cases = cases();
    assert_eq!(cases.len(), 80);

    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for case in &cases {
        let found = detector.detect_str(&case.name).unwrap();
        let top = found.first().map(|m| m.brand.clone());
        match (&case.brand, &top) {
            (Some(want), Some(got)) if want == got => tp += 1,
            (Some(want), Some(got)) => {
                fp += 1;
                fn_ += 1;
                println!("WRONG  {} want {want}, got {got} ({})", case.name, found[0].why);
            }
            (Some(want), None) => {
                fn_ += 1;
                println!("MISSED {} want {want}: {}", case.name, case.reason);
            }
            (None, Some(got)) => {
                fp += 1;
                println!(
                    "FALSE  {} got {got}: {} (label: {})",
                    case.name, found[0].why, case.reason
                );
            }
            (None, None) => {}
        }
    }

    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "czds look-alikes: {tp} right, {fp} false, {fn_} missed; precision {:.1}%, recall {:.1}%",
        precision * 100.0,
        recall * 100.0
    );
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}

/// The fixture holds exactly the names of the shared sample, when it is
/// there to compare with.
#[test]
fn fixture_matches_the_shared_sample() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/czds-lookalikes/czds_com_idn_lookalikes_sample.tsv");
    let Ok(text) = std::fs::read_to_string(&shared) else {
        eprintln!("note: {} not found; fixture not compared", shared.display());
        return;
    };
    let shared_names: Vec<String> = text
        .lines()
        .filter_map(|l| l.split('\t').next()?.split(',').nth(3))
        .map(|n| n.trim_end_matches('.').to_string())
        .collect();
    let fixture: Vec<String> = cases().into_iter().map(|c| c.name).collect();
    assert_eq!(shared_names, fixture);
}
