//! Times as sources write them, to whole UTC unix seconds.
//!
//! Fractions of a second are dropped by rounding down (toward the past),
//! the same way for every form, so that one moment written as Zeek's
//! `1521911720.865716` and as `2018-03-24T17:15:20.865716Z` gives the
//! same second.

use chrono::{DateTime, NaiveDateTime};

/// Decimal unix seconds, with or without a fraction (`1521911720.865716`).
pub(super) fn decimal_seconds(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || whole.is_empty() {
        return None;
    }

    let seconds: i64 = whole.parse().ok()?;
    let below_zero = whole.starts_with('-') && fraction.bytes().any(|b| b != b'0');
    Some(if below_zero { seconds - 1 } else { seconds })
}

/// Unix seconds given as a JSON number.
pub(super) fn float_seconds(value: f64) -> Option<i64> {
    let floor = value.floor();
    // i64 holds every second of the next 292 billion years.
    (floor.is_finite() && floor.abs() < 9.0e15).then_some(floor as i64)
}

/// An ISO 8601 time: RFC 3339 (`2018-03-24T17:15:20.865716Z`), an offset
/// without colon as Suricata writes it (`…+0100`), or no offset at all
/// (taken as UTC).
pub(super) fn iso_seconds(text: &str) -> Option<i64> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.timestamp());
    }
    if let Ok(time) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(time.timestamp());
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().timestamp())
}

/// A time written either way: decimal seconds or ISO 8601.
pub(super) fn any_seconds(text: &str) -> Option<i64> {
    decimal_seconds(text).or_else(|| iso_seconds(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_agree() {
        let expected = Some(1521911720);
        assert_eq!(decimal_seconds("1521911720.865716"), expected);
        assert_eq!(decimal_seconds("1521911720"), expected);
        assert_eq!(float_seconds(1521911720.865716), expected);
        assert_eq!(iso_seconds("2018-03-24T17:15:20.865716Z"), expected);
        assert_eq!(iso_seconds("2018-03-24T18:15:20.865716+0100"), expected);
        assert_eq!(iso_seconds("2018-03-24T18:15:20.865716+01:00"), expected);
        assert_eq!(iso_seconds("2018-03-24T17:15:20.865716"), expected);
        assert_eq!(iso_seconds("2018-03-24T17:15:20"), expected);
    }

    #[test]
    fn fractions_round_down() {
        assert_eq!(decimal_seconds("-1.5"), Some(-2));
        assert_eq!(decimal_seconds("-1.0"), Some(-1));
        assert_eq!(float_seconds(-1.5), Some(-2));
    }

    #[test]
    fn nonsense_is_refused() {
        for text in ["", ".5", "12a", "XXXXXXXXXX.XXXXXX", "1.2.3", "2018-13-01T00:00:00Z"] {
            assert_eq!(any_seconds(text), None, "{text:?}");
        }
        assert_eq!(float_seconds(f64::NAN), None);
    }
}
