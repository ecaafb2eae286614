//! Numbers in master files: integers, TTLs with units, RRSIG times.

/// Parses a decimal integer of at most `max`: digits only, no sign.
pub(super) fn parse_int(text: &str, max: u64) -> Option<u64> {
    if text.is_empty() || text.len() > 20 {
        return None;
    }

    let mut value: u64 = 0;
    for b in text.bytes() {
        let digit = u64::from(b.checked_sub(b'0').filter(|d| *d < 10)?);
        value = value.checked_mul(10)?.checked_add(digit)?;
    }
    (value <= max).then_some(value)
}

/// Parses a TTL (RFC 2308 §4 and BIND's extension): seconds, or numbers
/// each followed by a unit `s`, `m`, `h`, `d` or `w` in any case and
/// summed (`1h30m`, `1W2D`); a last number without a unit counts as
/// seconds (`1h30` is 3,630 s). At most `u32::MAX` seconds.
pub fn parse_ttl(text: &str) -> Option<u32> {
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;

    for b in text.bytes() {
        if b.is_ascii_digit() {
            let value = number.unwrap_or(0).checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            number = Some(value.min(u64::from(u32::MAX) + 1));
            continue;
        }

        let seconds = unit_seconds(b)?;
        total = total.checked_add(number.take()?.checked_mul(seconds)?)?;
    }

    if text.is_empty() {
        return None;
    }
    u32::try_from(total.checked_add(number.unwrap_or(0))?).ok()
}

/// Seconds in one TTL unit.
fn unit_seconds(unit: u8) -> Option<u64> {
    match unit.to_ascii_lowercase() {
        b's' => Some(1),
        b'm' => Some(60),
        b'h' => Some(3_600),
        b'd' => Some(86_400),
        b'w' => Some(604_800),
        _ => None,
    }
}

/// An RRSIG time stamp (RFC 4034 §3.2): `YYYYMMDDHHmmSS` is kept as
/// written, seconds since 1970 are written in that form.
pub(super) fn signature_time(text: &str) -> Option<String> {
    if text.len() == 14 && text.bytes().all(|b| b.is_ascii_digit()) {
        return valid_date_time(text).then(|| text.to_owned());
    }

    let seconds = parse_int(text, u64::from(u32::MAX))?;
    Some(format_time(seconds))
}

/// Whether a 14-digit time stamp names a real moment from 1970 on.
fn valid_date_time(text: &str) -> bool {
    let part = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(u32::MAX);
    let (year, month, day) = (part(0..4), part(4..6), part(6..8));
    let (hour, minute, second) = (part(8..10), part(10..12), part(12..14));

    year >= 1970
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds since 1970 as `YYYYMMDDHHmmSS` (UTC).
pub(super) fn format_time(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (rest / 3_600, rest / 60 % 60, rest % 60);
    format!("{year:04}{month:02}{day:02}{hour:02}{minute:02}{second:02}")
}

/// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_with_units() {
        assert_eq!(parse_ttl("3600"), Some(3600));
        assert_eq!(parse_ttl("1h30m"), Some(5400));
        assert_eq!(parse_ttl("1H30M"), Some(5400));
        assert_eq!(parse_ttl("1w2d3h4m5s"), Some(788_645));
        assert_eq!(parse_ttl("1h30"), Some(3630));
        assert_eq!(parse_ttl("0"), Some(0));
        assert_eq!(parse_ttl("4294967295"), Some(u32::MAX));
    }

    #[test]
    fn bad_ttls() {
        for text in
            ["", "h", "1x", "-1", "+1", "4294967296", "1h h", "99999999999999999999w", "1.5"]
        {
            assert_eq!(parse_ttl(text), None, "{text}");
        }
    }

    #[test]
    fn integers_are_digits_only() {
        assert_eq!(parse_int("65535", 65535), Some(65535));
        assert_eq!(parse_int("65536", 65535), None);
        assert_eq!(parse_int("+1", 9), None);
        assert_eq!(parse_int("", 9), None);
    }

    #[test]
    fn signature_times() {
        assert_eq!(signature_time("20191115050000").unwrap(), "20191115050000");
        assert_eq!(signature_time("1573794000").unwrap(), "20191115050000");
        assert_eq!(signature_time("0").unwrap(), "19700101000000");
        assert_eq!(signature_time("4294967295").unwrap(), "21060207062815");
        assert_eq!(signature_time("20190230000000"), None);
        assert_eq!(signature_time("2019113"), Some(format_time(2_019_113)));
        assert_eq!(signature_time("x"), None);
    }
}
