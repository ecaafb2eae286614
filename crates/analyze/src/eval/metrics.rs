//! Metrics over scores: the confusion at a threshold, ROC AUC,
//! detection at a fixed false-positive rate, quantiles.

use serde::Serialize;

/// Counts and rates at one threshold (flagged: score ≥ threshold).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Confusion {
    /// The threshold.
    pub threshold: f64,
    /// Malicious and flagged.
    pub true_positives: u64,
    /// Benign and flagged.
    pub false_positives: u64,
    /// Malicious and not flagged.
    pub false_negatives: u64,
    /// Benign and not flagged.
    pub true_negatives: u64,
    /// Flagged that are malicious (`None` when nothing is flagged).
    pub precision: Option<f64>,
    /// Malicious that are flagged: the detection rate.
    pub recall: f64,
    /// Benign that are flagged.
    pub false_positive_rate: f64,
}

impl Confusion {
    /// The confusion of `positives` and `negatives` at `threshold`.
    pub fn at(positives: &[f64], negatives: &[f64], threshold: f64) -> Self {
        let tp = positives.iter().filter(|&&s| s >= threshold).count() as u64;
        let fp = negatives.iter().filter(|&&s| s >= threshold).count() as u64;
        let (p, n) = (positives.len() as u64, negatives.len() as u64);
        Confusion {
            threshold,
            true_positives: tp,
            false_positives: fp,
            false_negatives: p - tp,
            true_negatives: n - fp,
            precision: (tp + fp > 0).then(|| tp as f64 / (tp + fp) as f64),
            recall: ratio(tp, p),
            false_positive_rate: ratio(fp, n),
        }
    }
}

/// Detection when the threshold is set so that at most a given share
/// of benign domains is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AtFpr {
    /// The false-positive rate allowed.
    pub target_fpr: f64,
    /// Scores strictly above this are flagged.
    pub above: f64,
    /// Share of malicious domains flagged.
    pub detection: f64,
    /// The false-positive rate reached (≤ the target).
    pub fpr: f64,
}

/// Detection at a false-positive rate of at most `target`: the cut is
/// the score of the benign domain just past the allowed count, and
/// only scores strictly above it count, so that ties never let more
/// benign domains through than allowed.
pub fn detection_at_fpr(positives: &[f64], negatives: &[f64], target: f64) -> AtFpr {
    let mut sorted = negatives.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let allowed = (target * sorted.len() as f64).floor() as usize;
    let above = sorted.get(allowed).copied().unwrap_or(f64::NEG_INFINITY);
    let tp = positives.iter().filter(|&&s| s > above).count() as u64;
    let fp = negatives.iter().filter(|&&s| s > above).count() as u64;
    AtFpr {
        target_fpr: target,
        above,
        detection: ratio(tp, positives.len() as u64),
        fpr: ratio(fp, negatives.len() as u64),
    }
}

/// The area under the ROC curve: the chance that a random malicious
/// domain scores above a random benign one, ties counting half
/// (Mann–Whitney with average ranks). `None` without both classes.
pub fn roc_auc(positives: &[f64], negatives: &[f64]) -> Option<f64> {
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    let mut all: Vec<(f64, bool)> = positives.iter().map(|&s| (s, true)).collect();
    all.extend(negatives.iter().map(|&s| (s, false)));
    all.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut positive_ranks = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1..=j share their average.
        let average = (i + 1 + j) as f64 / 2.0;
        positive_ranks += average * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let (p, n) = (positives.len() as f64, negatives.len() as f64);
    Some((positive_ranks - p * (p + 1.0) / 2.0) / (p * n))
}

/// The `q` quantile of sorted values, interpolated linearly.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = q.clamp(0.0, 1.0) * last as f64;
    let (lo, hi) = (position.floor() as usize, position.ceil() as usize);
    let weight = position - lo as f64;
    Some(sorted[lo] * (1.0 - weight) + sorted[hi] * weight)
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_of_perfect_random_and_tied_scores() {
        assert_eq!(roc_auc(&[3.0, 4.0], &[1.0, 2.0]), Some(1.0));
        assert_eq!(roc_auc(&[1.0, 2.0], &[3.0, 4.0]), Some(0.0));
        assert_eq!(roc_auc(&[5.0, 5.0], &[5.0, 5.0]), Some(0.5));
        assert_eq!(roc_auc(&[2.0, 1.0], &[1.0, 0.0]), Some(0.875));
        assert_eq!(roc_auc(&[], &[1.0]), None);
    }

    #[test]
    fn detection_at_fpr_never_exceeds_the_target() {
        let negatives: Vec<f64> = (0..1000).map(|i| f64::from(i % 100)).collect();
        let positives = [99.0, 100.0, 150.0, 50.0];
        let at = detection_at_fpr(&positives, &negatives, 0.005);
        assert!(at.fpr <= 0.005, "{at:?}");
        // Ten benign domains tie at 99: none may pass, so the cut is 99.
        assert_eq!(at.above, 99.0);
        assert_eq!(at.detection, 0.5);
    }

    #[test]
    fn confusion_and_quantiles() {
        let c = Confusion::at(&[60.0, 40.0], &[55.0, 10.0, 0.0], 50.0);
        assert_eq!((c.true_positives, c.false_positives), (1, 1));
        assert_eq!(c.precision, Some(0.5));
        assert_eq!(c.recall, 0.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), Some(3.0));
        assert_eq!(quantile(&[1.0, 2.0], 0.25), Some(1.25));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
