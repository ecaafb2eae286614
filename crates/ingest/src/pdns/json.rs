//! Reading fields out of one JSON object per line.

use nshunt_model::RrType;
use serde_json::{Map, Value};

use super::error::PdnsErrorKind;
use super::lines::utf8;
use super::time;

/// One JSON object.
pub(super) type Object = Map<String, Value>;

/// Parses a line as one JSON object.
pub(super) fn parse_object(line: &[u8]) -> Result<Object, PdnsErrorKind> {
    let text = utf8(line)?;
    match serde_json::from_str(text).map_err(PdnsErrorKind::Json)? {
        Value::Object(object) => Ok(object),
        _ => Err(PdnsErrorKind::bad("line", "a JSON value that is not an object")),
    }
}

/// Whether a line holds nothing but blanks.
pub(super) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// A string field, if present and not null.
pub(super) fn opt_str<'a>(
    object: &'a Object,
    field: &'static str,
) -> Result<Option<&'a str>, PdnsErrorKind> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(PdnsErrorKind::bad(field, "expected a string")),
    }
}

/// A string field that must be present.
pub(super) fn req_str<'a>(
    object: &'a Object,
    field: &'static str,
) -> Result<&'a str, PdnsErrorKind> {
    opt_str(object, field)?.ok_or(PdnsErrorKind::MissingField(field))
}

/// A non-negative integer field, if present and not null.
pub(super) fn opt_u64(object: &Object, field: &'static str) -> Result<Option<u64>, PdnsErrorKind> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => {
            let bad = || PdnsErrorKind::bad(field, "expected a whole number, 0 or more");
            value.as_u64().map(Some).ok_or_else(bad)
        }
    }
}

/// A boolean field, if present and not null.
pub(super) fn opt_bool(
    object: &Object,
    field: &'static str,
) -> Result<Option<bool>, PdnsErrorKind> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(PdnsErrorKind::bad(field, "expected true or false")),
    }
}

/// A time field: unix seconds as a number or a string, or ISO 8601.
pub(super) fn opt_time(object: &Object, field: &'static str) -> Result<Option<i64>, PdnsErrorKind> {
    time_field(object, field, 1)
}

/// A time in milliseconds (COF `time_first_ms`), as whole seconds.
pub(super) fn opt_time_ms(
    object: &Object,
    field: &'static str,
) -> Result<Option<i64>, PdnsErrorKind> {
    time_field(object, field, 1000)
}

/// A time field in units of `1 / per_second` seconds, as whole seconds
/// (rounded down) within the range [`time`] accepts.
fn time_field(
    object: &Object,
    field: &'static str,
    per_second: i64,
) -> Result<Option<i64>, PdnsErrorKind> {
    let seconds = match object.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(units) => time::in_range(units.div_euclid(per_second)),
            None => n.as_f64().and_then(|units| time::float_seconds(units / per_second as f64)),
        },
        Some(Value::String(text)) if per_second == 1 => time::any_seconds(text),
        Some(Value::String(text)) => {
            text.parse::<i64>().ok().and_then(|units| time::in_range(units.div_euclid(per_second)))
        }
        Some(_) => None,
    };

    match seconds {
        Some(s) => Ok(Some(s)),
        None => Err(PdnsErrorKind::BadTime { field, text: as_text(&object[field]) }),
    }
}

/// A value as text: a string as it is, anything else as JSON.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// An array field, if present and not null.
pub(super) fn opt_array<'a>(
    object: &'a Object,
    field: &'static str,
) -> Result<Option<&'a Vec<Value>>, PdnsErrorKind> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(values)) => Ok(Some(values)),
        Some(_) => Err(PdnsErrorKind::bad(field, "expected an array")),
    }
}

/// A record type: a mnemonic, `TYPEnnn`, or a number (as a JSON number
/// or decimal text).
pub(super) fn rrtype(value: &Value) -> Result<RrType, PdnsErrorKind> {
    let parsed = match value {
        Value::String(text) => type_from_text(text),
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()).map(RrType),
        _ => None,
    };

    parsed.ok_or_else(|| PdnsErrorKind::UnknownType(as_text(value)))
}

/// A record type written as text: a mnemonic, `TYPEnnn` or a number.
pub(super) fn type_from_text(text: &str) -> Option<RrType> {
    RrType::from_mnemonic(text).or_else(|| text.parse().ok().map(RrType))
}

/// The record type in field `field`, which must be present.
pub(super) fn req_rrtype(object: &Object, field: &'static str) -> Result<RrType, PdnsErrorKind> {
    match object.get(field) {
        None | Some(Value::Null) => Err(PdnsErrorKind::MissingField(field)),
        Some(value) => rrtype(value),
    }
}
