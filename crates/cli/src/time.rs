//! Moments given on the command line: `--as-of` and `--date`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Why a moment was refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot read {input:?} as a time between 1970 and 9999: use YYYY-MM-DD, RFC 3339 or unix seconds"
)]
pub struct TimeError {
    input: String,
}

/// Parses `YYYY-MM-DD` (midnight UTC), RFC 3339, `YYYY-MM-DD HH:MM:SS`
/// (UTC) or unix seconds, into unix seconds.
pub fn parse_moment(input: &str) -> Result<i64, TimeError> {
    let seconds = parse_any(input)?;
    if !(0..=LAST_MOMENT).contains(&seconds) {
        return Err(TimeError { input: input.to_owned() });
    }
    Ok(seconds)
}

/// 9999-12-31T23:59:59Z: moments are written as RFC 3339, which has four
/// year digits.
const LAST_MOMENT: i64 = 253_402_300_799;

fn parse_any(input: &str) -> Result<i64, TimeError> {
    let text = input.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(midnight(date));
    }
    if let Ok(moment) = DateTime::parse_from_rfc3339(text) {
        return Ok(moment.timestamp());
    }
    if let Ok(moment) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Ok(Utc.from_utc_datetime(&moment).timestamp());
    }
    Err(TimeError { input: input.to_owned() })
}

/// Midnight UTC at the start of `date`, in unix seconds.
pub fn midnight(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).map_or(0, |t| Utc.from_utc_datetime(&t).timestamp())
}

/// Unix seconds as RFC 3339 UTC text, for output.
pub fn format_moment(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map_or_else(|| seconds.to_string(), |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The first date written `YYYY-MM-DD` or `YYYYMMDD` in `text`, if any
/// (file names like `root.zone.2020-09-13` or `com-20261201.zone.gz`).
pub fn date_in(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let rest = &text[i..];
        let dashed = rest.get(..10).and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
        let packed = || {
            let s = rest.get(..8)?;
            let digits = s.bytes().all(|b| b.is_ascii_digit());
            let boundary = !bytes.get(i + 8).is_some_and(u8::is_ascii_digit)
                && (i == 0 || !bytes[i - 1].is_ascii_digit());
            (digits && boundary).then(|| NaiveDate::parse_from_str(s, "%Y%m%d").ok()).flatten()
        };
        dashed.or_else(packed).filter(|d| (1990..=2100).contains(&chrono::Datelike::year(d)))
    })
}

/// A date from an SOA serial written `YYYYMMDDnn`, if it is one.
pub fn date_from_serial(serial: u32) -> Option<NaiveDate> {
    let text = serial.to_string();
    let date = NaiveDate::parse_from_str(text.get(..8)?, "%Y%m%d").ok()?;
    (text.len() == 10 && (1990..=2100).contains(&chrono::Datelike::year(&date))).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments() {
        assert_eq!(parse_moment("1970-01-02").unwrap(), 86400);
        assert_eq!(parse_moment("86400").unwrap(), 86400);
        assert_eq!(parse_moment("1970-01-02T01:00:00+01:00").unwrap(), 86400);
        assert!(parse_moment("yesterday").is_err());
        assert!(parse_moment("-1").is_err());
        assert!(parse_moment("10000-01-01").is_err());
        assert!(parse_moment("9223372036854775807").is_err());
        assert_eq!(format_moment(86400), "1970-01-02T00:00:00Z");
    }

    #[test]
    fn dates_in_names_and_serials() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(date_in("root.zone.2020-09-13"), d(2020, 9, 13));
        assert_eq!(date_in("com-20261201.zone.gz"), d(2026, 12, 1));
        assert_eq!(date_in("z300k.zone"), None);
        assert_eq!(date_from_serial(2018031200), d(2018, 3, 12));
        assert_eq!(date_from_serial(1700000000), None);
    }
}
