//! Times as sources write them, to whole UTC unix seconds.
//!
//! Fractions of a second are dropped by rounding down (toward the past),
//! the same way for every form, so that one moment written as Zeek's
//! `1521911720.865716` and as `2018-03-24T17:15:20.865716Z` gives the
//! same second.
//!
//! Every form is held to the moments the rest of nshunt accepts
//! (`--date`, `--as-of`): 1970-01-01 to 9999-12-31 UTC. A time outside
//! is a bad record, not a moment to store: one would otherwise become
//! the store's newest sighting and the default `--as-of` of every view.

use chrono::{DateTime, NaiveDateTime};

/// The last second of 9999-12-31 UTC.
const LAST_SECOND: i64 = 253_402_300_799;

/// `seconds` when it lies in 1970..=9999.
pub(super) fn in_range(seconds: i64) -> Option<i64> {
    (0..=LAST_SECOND).contains(&seconds).then_some(seconds)
}

/// Decimal unix seconds, with or without a fraction (`1521911720.865716`).
pub(super) fn decimal_seconds(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || whole.is_empty() {
        return None;
    }

    // Below 1970 is out of range, fraction or not: no rounding to do.
    let seconds: i64 = whole.parse().ok()?;
    in_range(seconds)
}

/// Unix seconds given as a JSON number.
pub(super) fn float_seconds(value: f64) -> Option<i64> {
    let floor = value.floor();
    let plausible = floor.is_finite() && (0.0..=LAST_SECOND as f64).contains(&floor);
    plausible.then_some(floor as i64)
}

/// An ISO 8601 time: RFC 3339 (`2018-03-24T17:15:20.865716Z`), an offset
/// without colon as Suricata writes it (`…+0100`), or no offset at all
/// (taken as UTC).
pub(super) fn iso_seconds(text: &str) -> Option<i64> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return in_range(time.timestamp());
    }
    if let Ok(time) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return in_range(time.timestamp());
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok();
    naive.and_then(|t| in_range(t.and_utc().timestamp()))
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
        assert_eq!(decimal_seconds("1.9"), Some(1));
        assert_eq!(float_seconds(1.9), Some(1));
        assert_eq!(decimal_seconds("0.5"), Some(0));
    }

    #[test]
    fn times_outside_1970_to_9999_are_refused() {
        let outside = [
            "-1",
            "-1.5",
            "-9223372036854775808.5",
            "9223372036854775807",
            "253402300800",
            "1969-12-31T23:59:59Z",
        ];
        for text in outside {
            assert_eq!(any_seconds(text), None, "{text:?}");
        }
        assert_eq!(any_seconds("253402300799"), Some(LAST_SECOND));
        assert_eq!(any_seconds("9999-12-31T23:59:59Z"), Some(LAST_SECOND));
        for value in [-0.5, 1e20, f64::INFINITY, -1e20] {
            assert_eq!(float_seconds(value), None, "{value}");
        }
    }

    #[test]
    fn nonsense_is_refused() {
        for text in ["", ".5", "12a", "XXXXXXXXXX.XXXXXX", "1.2.3", "2018-13-01T00:00:00Z"] {
            assert_eq!(any_seconds(text), None, "{text:?}");
        }
        assert_eq!(float_seconds(f64::NAN), None);
    }
}
