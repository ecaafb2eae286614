//! Dates as registries write them, normalised to UTC instants.
//!
//! Accepted shapes, each with or without a time of day, fractional
//! seconds and a zone: ISO 8601 (`2019-09-09T08:39:04-0700`,
//! `2001-06-14-T10:32:43Z`), `yyyy-mm-dd hh:mm:ss +02:00`, `yyyymmdd`,
//! `yyyy.mm.dd`, `yyyy. mm. dd.`, `yyyy/mm/dd hh:mm:ss (JST)`,
//! `dd.mm.yyyy`, `dd/mm/yyyy`, `dd-Mon-yyyy`, `31 May 1999`,
//! `Tue Sep 17 12:00:00 GMT 2019`. Zones are `Z`, numeric offsets,
//! `UTC`/`GMT` with an optional offset, and common abbreviations (`JST`,
//! `CET`, `EET`, `MSK`, `PDT`, …).
//!
//! A date without a zone is taken as UTC. "before 1 January 1996" and
//! similar vague answers are unknown (`Ok(None)`), not errors.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognised date {text:?}: {reason}")]
pub struct DateError {
    /// The date as written.
    pub text: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

/// Parses a registry date. `Ok(None)` means the source said the date is
/// unknown ("before 1996", "n/a", empty).
pub fn parse_date(text: &str) -> Result<Option<DateTime<Utc>>, DateError> {
    let lower = text.trim().to_lowercase();
    if is_vague(&lower) {
        return Ok(None);
    }

    let parts = scan(&lower).map_err(|reason| DateError { text: text.to_owned(), reason })?;
    parts.to_utc().map(Some).map_err(|reason| DateError { text: text.to_owned(), reason })
}

fn is_vague(lower: &str) -> bool {
    const VAGUE: &[&str] = &["before", "n/a", "not ", "unknown", "none", "null", "-"];
    lower.is_empty()
        || lower.starts_with("0000")
        || VAGUE.iter().any(|v| lower.starts_with(v))
        || !lower.bytes().any(|b| b.is_ascii_digit())
}

/// The pieces of a date found while scanning.
#[derive(Debug, Default)]
struct Parts {
    numbers: Vec<(u32, usize)>,
    separator: Option<char>,
    month_name: Option<u32>,
    time: Option<(u32, u32, u32, u32)>,
    offset_seconds: Option<i32>,
    pm: Option<bool>,
}

/// One lexical piece of a date.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(u32, usize),
    Word(String),
    Punct(char),
}

fn lex(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();

    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            tokens.push(lex_number(&mut chars));
        } else if c.is_alphabetic() {
            let word: String =
                std::iter::from_fn(|| chars.next_if(|c| c.is_alphabetic())).collect();
            tokens.push(Token::Word(word));
        } else {
            chars.next();
            if !c.is_whitespace() {
                tokens.push(Token::Punct(c));
            }
        }
    }
    tokens
}

fn lex_number(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Token {
    let digits: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_digit)).collect();
    let value = digits.parse::<u64>().unwrap_or(u64::MAX).min(u64::from(u32::MAX));
    Token::Number(value as u32, digits.len())
}

fn scan(lower: &str) -> Result<Parts, &'static str> {
    let tokens = lex(lower);
    let mut parts = Parts::default();
    let mut i = 0;

    while i < tokens.len() {
        i = scan_one(&tokens, i, &mut parts)?;
    }
    Ok(parts)
}

/// Reads the token at `i` (and any it owns); returns the next index.
fn scan_one(tokens: &[Token], i: usize, parts: &mut Parts) -> Result<usize, &'static str> {
    match &tokens[i] {
        Token::Punct('#') => Ok(tokens.len()),
        Token::Punct(c @ ('+' | '-'))
            if parts.time.is_some() || parts.offset_seconds == Some(0) =>
        {
            scan_offset(tokens, i + 1, *c, parts)
        }
        Token::Punct(c) => {
            if parts.time.is_none() && matches!(c, '-' | '.' | '/') && parts.separator.is_none() {
                parts.separator = Some(*c);
            }
            Ok(i + 1)
        }
        Token::Word(word) => Ok(scan_word(word, i, parts)),
        Token::Number(value, digits) => scan_number(tokens, i, *value, *digits, parts),
    }
}

fn scan_word(word: &str, i: usize, parts: &mut Parts) -> usize {
    if let Some(month) = month_number(word) {
        parts.month_name.get_or_insert(month);
    } else if let Some(offset) = zone_offset(word) {
        parts.offset_seconds.get_or_insert(offset);
    } else if word == "pm" || word == "am" {
        parts.pm = Some(word == "pm");
    }
    i + 1
}

fn scan_number(
    tokens: &[Token],
    i: usize,
    value: u32,
    digits: usize,
    parts: &mut Parts,
) -> Result<usize, &'static str> {
    if tokens.get(i + 1) == Some(&Token::Punct(':')) && parts.time.is_none() {
        return scan_time(tokens, i, parts);
    }

    match digits {
        8 => parts.numbers.extend([(value / 10_000, 4), (value / 100 % 100, 2), (value % 100, 2)]),
        14 | 12 => return Err("run-together date and time"),
        _ => parts.numbers.push((value, digits)),
    }
    if parts.numbers.len() > 3 {
        return Err("too many numbers");
    }
    Ok(i + 1)
}

fn scan_time(tokens: &[Token], i: usize, parts: &mut Parts) -> Result<usize, &'static str> {
    let mut fields = [0u32; 3];
    let mut n = 0;
    let mut j = i;

    while n < 3 {
        let Some(Token::Number(v, _)) = tokens.get(j) else { break };
        fields[n] = *v;
        n += 1;
        j += 1;
        if n < 3 && tokens.get(j) == Some(&Token::Punct(':')) {
            j += 1;
        } else {
            break;
        }
    }

    let (nanos, j) = scan_fraction(tokens, j, n == 3);
    parts.time = Some((fields[0], fields[1], fields[2], nanos));
    Ok(j)
}

fn scan_fraction(tokens: &[Token], j: usize, after_seconds: bool) -> (u32, usize) {
    let (Some(Token::Punct('.' | ',')), Some(Token::Number(v, digits))) =
        (tokens.get(j), tokens.get(j + 1))
    else {
        return (0, j);
    };
    if !after_seconds || *digits > 9 {
        return (0, j);
    }
    (v * 10u32.pow(9 - *digits as u32), j + 2)
}

fn scan_offset(
    tokens: &[Token],
    j: usize,
    sign: char,
    parts: &mut Parts,
) -> Result<usize, &'static str> {
    let Some(Token::Number(v, digits)) = tokens.get(j) else {
        return Ok(j);
    };
    let (hours, mut minutes, mut next) = match digits {
        4 => (v / 100, v % 100, j + 1),
        1 | 2 => (*v, 0, j + 1),
        _ => return Err("bad zone offset"),
    };
    if *digits <= 2 && tokens.get(next) == Some(&Token::Punct(':')) {
        if let Some(Token::Number(m, _)) = tokens.get(next + 1) {
            minutes = *m;
            next += 2;
        }
    }
    if hours > 14 || minutes > 59 {
        return Err("bad zone offset");
    }

    let seconds = (hours * 3600 + minutes * 60) as i32;
    parts.offset_seconds = Some(if sign == '-' { -seconds } else { seconds });
    Ok(next)
}

impl Parts {
    fn to_utc(&self) -> Result<DateTime<Utc>, &'static str> {
        let date = self.date()?;
        let time = self.time_of_day()?;
        let local = NaiveDateTime::new(date, time);
        let offset = TimeDelta::seconds(i64::from(self.offset_seconds.unwrap_or(0)));
        let utc = local.checked_sub_signed(offset).ok_or("date out of range")?;
        Ok(utc.and_utc())
    }

    fn date(&self) -> Result<NaiveDate, &'static str> {
        let (y, m, d) = match self.month_name {
            Some(month) => self.with_month_name(month)?,
            None => self.numeric_ymd()?,
        };
        NaiveDate::from_ymd_opt(y as i32, m, d).ok_or("no such day")
    }

    fn with_month_name(&self, month: u32) -> Result<(u32, u32, u32), &'static str> {
        let [(a, da), (b, db)] = self.numbers[..] else {
            return Err("expected a day and a year");
        };
        match (da, db) {
            (4, _) => Ok((a, month, b)),
            (_, 4) => Ok((b, month, a)),
            _ => Ok((expand_year(b), month, a)),
        }
    }

    fn numeric_ymd(&self) -> Result<(u32, u32, u32), &'static str> {
        let [(a, da), (b, _), (c, dc)] = self.numbers[..] else {
            return Err("expected year, month and day");
        };
        if da == 4 {
            return Ok((a, b, c));
        }
        if dc != 4 {
            return Err("no four-digit year");
        }

        // dd/mm/yyyy unless only mm/dd/yyyy makes sense.
        let us = self.separator == Some('/') && b > 12 && a <= 12;
        Ok(if us { (c, a, b) } else { (c, b, a) })
    }

    fn time_of_day(&self) -> Result<NaiveTime, &'static str> {
        let Some((mut h, m, s, nanos)) = self.time else {
            return Ok(NaiveTime::MIN);
        };
        match self.pm {
            Some(true) if h < 12 => h += 12,
            Some(false) if h == 12 => h = 0,
            _ => {}
        }
        let s = s.min(59);
        NaiveTime::from_hms_nano_opt(h, m, s, nanos).ok_or("no such time of day")
    }
}

fn expand_year(yy: u32) -> u32 {
    match yy {
        0..=49 => 2000 + yy,
        50..=99 => 1900 + yy,
        _ => yy,
    }
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    if word.len() < 3 {
        return None;
    }
    let prefix = word.get(..3)?;
    let index = MONTHS.iter().position(|m| *m == prefix)?;
    let full_ok = word.len() == 3 || word == "sept" || is_full_month(word);
    full_ok.then_some(index as u32 + 1)
}

fn is_full_month(word: &str) -> bool {
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    FULL.contains(&word)
}

/// Offsets of zone names seen in WHOIS answers, in seconds east of UTC.
fn zone_offset(word: &str) -> Option<i32> {
    const ZONES: &[(&str, i32)] = &[
        ("z", 0),
        ("utc", 0),
        ("gmt", 0),
        ("ut", 0),
        ("wet", 0),
        ("bst", 3600),
        ("cet", 3600),
        ("met", 3600),
        ("west", 3600),
        ("cest", 7200),
        ("mest", 7200),
        ("eet", 7200),
        ("eest", 10800),
        ("msk", 10800),
        ("ist", 19800),
        ("ict", 25200),
        ("wib", 25200),
        ("hkt", 28800),
        ("sgt", 28800),
        ("awst", 28800),
        ("jst", 32400),
        ("kst", 32400),
        ("aest", 36000),
        ("aedt", 39600),
        ("nzst", 43200),
        ("nzdt", 46800),
        ("art", -10800),
        ("brt", -10800),
        ("clst", -10800),
        ("clt", -14400),
        ("ast", -14400),
        ("edt", -14400),
        ("est", -18000),
        ("cdt", -18000),
        ("cst", -21600),
        ("mdt", -21600),
        ("mst", -25200),
        ("pdt", -25200),
        ("pst", -28800),
    ];
    ZONES.iter().find(|(name, _)| *name == word).map(|(_, offset)| *offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        match parse_date(text) {
            Ok(Some(t)) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            Ok(None) => "unknown".into(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn iso_forms() {
        assert_eq!(utc("2019-09-09T08:39:04-0700"), "2019-09-09T15:39:04Z");
        assert_eq!(utc("2018-03-12T21:44:25+01:00"), "2018-03-12T20:44:25Z");
        assert_eq!(utc("2001-06-14-T10:32:43Z"), "2001-06-14T10:32:43Z");
        assert_eq!(utc("2017-12-16T03:58:55.24Z"), "2017-12-16T03:58:55.240Z");
        assert_eq!(utc("2011-01-23 00:00:07 +02:00"), "2011-01-22T22:00:07Z");
        assert_eq!(utc("1999-06-07 13:01:43 (GMT+0:00)"), "1999-06-07T13:01:43Z");
    }

    #[test]
    fn registry_forms() {
        assert_eq!(utc("20221101 00:10:24"), "2022-11-01T00:10:24Z");
        assert_eq!(utc("19961206 #24302"), "1996-12-06T00:00:00Z");
        assert_eq!(utc("11-Jun-2014"), "2014-06-11T00:00:00Z");
        assert_eq!(utc("31 May 1999"), "1999-05-31T00:00:00Z");
        assert_eq!(utc("19.2.2019"), "2019-02-19T00:00:00Z");
        assert_eq!(utc("2007. 03. 02."), "2007-03-02T00:00:00Z");
        assert_eq!(utc("1999.12.24 00:00:00"), "1999-12-24T00:00:00Z");
        assert_eq!(utc("2019/06/01 04:52:02 (JST)"), "2019-05-31T19:52:02Z");
        assert_eq!(utc("2005-10-27 (YYYY-MM-DD)"), "2005-10-27T00:00:00Z");
        assert_eq!(utc("Tue Sep 17 12:00:00 GMT 2019"), "2019-09-17T12:00:00Z");
        assert_eq!(utc("12/31/2019"), "2019-12-31T00:00:00Z");
    }

    #[test]
    fn vague_and_bad() {
        assert_eq!(utc("before Aug-1996"), "unknown");
        assert_eq!(utc("before 1 January 1996"), "unknown");
        assert!(utc("2019-13-45").starts_with("error"));
        assert!(utc("1 2").starts_with("error"));
        assert!(utc("99999999999999999999").starts_with("error"));
    }
}
