//! jCard (RFC 7095): vCard in JSON, as RDAP entities carry it.
//!
//! ```text
//! ["vcard", [
//!   ["version", {}, "text", "4.0"],
//!   ["fn", {}, "text", "Joe Appleseed"],
//!   ["tel", {"type": ["work", "voice"]}, "uri", "tel:+1-555-555-1234"]
//! ]]
//! ```
//!
//! [`parse_jcard`] is strict: any malformed property fails the card.
//! RDAP entities are read tolerantly instead ([`parse_jcard_tolerant`]):
//! a bad property is skipped with a warning and the rest is kept.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::registration::model::{Contact, Warning};

/// Why a jCard was refused. Every variant names where, as a JSON path
/// (`$` is the card itself).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JCardError {
    /// The text is not JSON.
    #[error("invalid json at line {line}, column {column}: {message}")]
    Json {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// The JSON parser's message.
        message: String,
    },

    /// The card is not a two-element array.
    #[error("{path}: a jcard must be an array of two elements, [\"vcard\", [properties]]")]
    NotACard {
        /// Where.
        path: String,
    },

    /// The first element is not the string `"vcard"`.
    #[error("{path}: a jcard must start with \"vcard\", found {found}")]
    BadLabel {
        /// Where.
        path: String,
        /// What was there instead.
        found: String,
    },

    /// The second element is not an array of properties.
    #[error("{path}: the properties of a jcard must be an array")]
    PropertiesNotArray {
        /// Where.
        path: String,
    },

    /// A property is not an array.
    #[error("{path}: a jcard property must be an array [name, parameters, type, value]")]
    PropertyNotArray {
        /// Where.
        path: String,
    },

    /// A property has fewer than four elements.
    #[error("{path}: a jcard property needs name, parameters, type and value; found {len} items")]
    PropertyTooShort {
        /// Where.
        path: String,
        /// How many it has.
        len: usize,
    },

    /// A property name is not a string.
    #[error("{path}: a jcard property name must be a string, found {found}")]
    BadName {
        /// Where.
        path: String,
        /// What was there instead.
        found: String,
    },

    /// Parameters are not an object of strings or string arrays.
    #[error("{path}: jcard parameters must be an object of strings or arrays of strings")]
    BadParameters {
        /// Where.
        path: String,
    },

    /// A value type is not a string.
    #[error("{path}: a jcard value type must be a string, found {found}")]
    BadType {
        /// Where.
        path: String,
        /// What was there instead.
        found: String,
    },

    /// A value nests arrays deeper than a structured value allows.
    #[error("{path}: jcard value nested too deeply (at most an array of arrays)")]
    NestedTooDeep {
        /// Where.
        path: String,
    },

    /// A value is an object, which jCard does not allow.
    #[error("{path}: a jcard value must be a string, number, boolean, null or array")]
    BadValue {
        /// Where.
        path: String,
    },
}

impl JCardError {
    /// The JSON path of the problem, when it has one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::Json { .. } => None,
            Self::NotACard { path }
            | Self::BadLabel { path, .. }
            | Self::PropertiesNotArray { path }
            | Self::PropertyNotArray { path }
            | Self::PropertyTooShort { path, .. }
            | Self::BadName { path, .. }
            | Self::BadParameters { path }
            | Self::BadType { path, .. }
            | Self::NestedTooDeep { path }
            | Self::BadValue { path } => Some(path),
        }
    }
}

/// One vCard property.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VCardProperty {
    /// Property name, lower case (`fn`, `adr`, `tel`, …).
    pub name: String,
    /// Parameters; a single string becomes a one-element list.
    pub parameters: BTreeMap<String, Vec<String>>,
    /// Value type (`text`, `uri`, …).
    pub value_type: String,
    /// The value: a scalar, or an array for structured values and for
    /// properties with several values.
    pub value: Value,
}

impl VCardProperty {
    /// The value flattened to strings (`null` as "", numbers and booleans
    /// as written).
    pub fn values(&self) -> Vec<String> {
        let mut out = Vec::new();
        flatten(&self.value, &mut out);
        out
    }

    /// Whether the `type` parameter includes `kind`.
    pub fn has_type(&self, kind: &str) -> bool {
        self.parameters.get("type").is_some_and(|t| t.iter().any(|v| v.eq_ignore_ascii_case(kind)))
    }
}

fn flatten(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Null => out.push(String::new()),
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| flatten(v, out)),
        other => out.push(other.to_string()),
    }
}

/// A decoded jCard.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VCard {
    /// The properties in order.
    pub properties: Vec<VCardProperty>,
}

impl VCard {
    /// The properties called `name`.
    pub fn get<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a VCardProperty> + 'a {
        self.properties.iter().filter(move |p| p.name == name)
    }

    /// The first non-empty text of property `name`, components joined
    /// with ", ".
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).find_map(|p| {
            let parts: Vec<String> =
                p.values().into_iter().filter(|v| !v.trim().is_empty()).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        })
    }

    /// The card as a [`Contact`] (`fn`, `org`, `adr`, `email`, `tel`).
    pub fn to_contact(&self) -> Contact {
        let mut contact = Contact {
            name: self.text("fn"),
            organization: self.text("org"),
            email: self.text("email"),
            ..Contact::default()
        };
        if let Some(adr) = self.get("adr").next() {
            read_adr(adr, &mut contact);
        }
        read_tels(self, &mut contact);
        contact
    }
}

/// `adr`: [po box, extended, street, locality, region, code, country],
/// each a string or a list of strings; or only a `label` parameter.
fn read_adr(adr: &VCardProperty, contact: &mut Contact) {
    let parts: Vec<Vec<String>> = match &adr.value {
        Value::Array(items) => items.iter().map(component).collect(),
        _ => Vec::new(),
    };
    let part = |i: usize| parts.get(i).map(|p| p.join(", ")).filter(|s| !s.is_empty());

    contact.street = parts.iter().take(3).flatten().filter(|s| !s.is_empty()).cloned().collect();
    contact.city = part(3);
    contact.state = part(4);
    contact.postcode = part(5);
    contact.country = part(6).or_else(|| adr.parameters.get("cc").and_then(|c| c.first().cloned()));

    if contact.street.is_empty() {
        if let Some(label) = adr.parameters.get("label").and_then(|l| l.first()) {
            contact.street =
                label.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        }
    }
}

fn component(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    flatten(value, &mut out);
    out.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

fn read_tels(card: &VCard, contact: &mut Contact) {
    for tel in card.get("tel") {
        let number = tel.values().join("");
        let number = number.trim().trim_start_matches("tel:").trim();
        if number.is_empty() {
            continue;
        }
        let slot = if tel.has_type("fax") { &mut contact.fax } else { &mut contact.phone };
        slot.get_or_insert_with(|| number.to_owned());
    }
}

/// Parses a jCard from JSON text, strictly.
pub fn parse_jcard_str(text: &str) -> Result<VCard, JCardError> {
    let value: Value = serde_json::from_str(text).map_err(|e| JCardError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    parse_jcard(&value)
}

/// Parses a jCard strictly: the first malformed property fails it.
pub fn parse_jcard(value: &Value) -> Result<VCard, JCardError> {
    parse_at(value, "$", None)
}

/// Parses a jCard tolerantly: a malformed property is skipped with a
/// warning; only a malformed envelope (not `["vcard", [...]]`) fails.
pub fn parse_jcard_tolerant(
    value: &Value,
    path: &str,
    warnings: &mut Vec<Warning>,
) -> Result<VCard, JCardError> {
    parse_at(value, path, Some(warnings))
}

fn parse_at(
    value: &Value,
    path: &str,
    mut warnings: Option<&mut Vec<Warning>>,
) -> Result<VCard, JCardError> {
    let properties = envelope(value, path)?;
    let mut card = VCard::default();

    for (i, raw) in properties.iter().enumerate() {
        let at = format!("{path}[1][{i}]");
        match property(raw, &at) {
            Ok(p) => card.properties.push(p),
            Err(e) => match warnings.as_deref_mut() {
                Some(w) => w.push(Warning::new(at, format!("jcard property skipped: {e}"))),
                None => return Err(e),
            },
        }
    }
    Ok(card)
}

fn envelope<'a>(value: &'a Value, path: &str) -> Result<&'a Vec<Value>, JCardError> {
    let Some([label, properties]) = value.as_array().map(Vec::as_slice) else {
        return Err(JCardError::NotACard { path: path.to_owned() });
    };
    if label.as_str() != Some("vcard") {
        return Err(JCardError::BadLabel { path: format!("{path}[0]"), found: label.to_string() });
    }
    properties
        .as_array()
        .ok_or_else(|| JCardError::PropertiesNotArray { path: format!("{path}[1]") })
}

fn property(raw: &Value, path: &str) -> Result<VCardProperty, JCardError> {
    let items =
        raw.as_array().ok_or_else(|| JCardError::PropertyNotArray { path: path.to_owned() })?;
    if items.len() < 4 {
        return Err(JCardError::PropertyTooShort { path: path.to_owned(), len: items.len() });
    }

    let name = items[0].as_str().ok_or_else(|| JCardError::BadName {
        path: format!("{path}[0]"),
        found: items[0].to_string(),
    })?;
    let parameters = parameters(&items[1], &format!("{path}[1]"))?;
    let value_type = items[2].as_str().ok_or_else(|| JCardError::BadType {
        path: format!("{path}[2]"),
        found: items[2].to_string(),
    })?;
    let value = property_value(&items[3..], path)?;

    Ok(VCardProperty {
        name: name.to_lowercase(),
        parameters,
        value_type: value_type.to_owned(),
        value,
    })
}

fn parameters(raw: &Value, path: &str) -> Result<BTreeMap<String, Vec<String>>, JCardError> {
    let bad = || JCardError::BadParameters { path: path.to_owned() };
    let object = raw.as_object().ok_or_else(bad)?;
    let mut out = BTreeMap::new();

    for (key, value) in object {
        let values = match value {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        out.insert(key.to_lowercase(), values);
    }
    Ok(out)
}

/// One value, or several (`["x", {}, "text", "a", "b"]`) as an array.
fn property_value(values: &[Value], path: &str) -> Result<Value, JCardError> {
    for (i, v) in values.iter().enumerate() {
        check_value(v, &format!("{path}[{}]", i + 3), 0)?;
    }
    Ok(match values {
        [one] => one.clone(),
        many => Value::Array(many.to_vec()),
    })
}

fn check_value(value: &Value, path: &str, depth: usize) -> Result<(), JCardError> {
    match value {
        Value::Object(_) => Err(JCardError::BadValue { path: path.to_owned() }),
        Value::Array(_) if depth >= 2 => Err(JCardError::NestedTooDeep { path: path.to_owned() }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_value(v, &format!("{path}[{i}]"), depth + 1)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn example_card_to_contact() {
        let card = parse_jcard(&json!(["vcard", [
            ["version", {}, "text", "4.0"],
            ["fn", {}, "text", "Simon Perreault"],
            ["org", {"type": "work"}, "text", "Viagenie"],
            ["adr", {"type": "work"}, "text",
                ["", "Suite D2-630", "2875 Laurier", "Quebec", "QC", "G1V 2M2", "Canada"]],
            ["tel", {"type": ["work", "voice"]}, "uri", "tel:+1-418-656-9254;ext=102"],
            ["tel", {"type": ["work", "fax"]}, "uri", "tel:+1-418-656-9255"],
            ["email", {"type": "work"}, "text", "simon.perreault@viagenie.ca"]
        ]]))
        .unwrap();
        let c = card.to_contact();
        assert_eq!(c.name.as_deref(), Some("Simon Perreault"));
        assert_eq!(c.organization.as_deref(), Some("Viagenie"));
        assert_eq!(c.street, ["Suite D2-630", "2875 Laurier"]);
        assert_eq!(c.city.as_deref(), Some("Quebec"));
        assert_eq!(c.state.as_deref(), Some("QC"));
        assert_eq!(c.postcode.as_deref(), Some("G1V 2M2"));
        assert_eq!(c.country.as_deref(), Some("Canada"));
        assert_eq!(c.phone.as_deref(), Some("+1-418-656-9254;ext=102"));
        assert_eq!(c.fax.as_deref(), Some("+1-418-656-9255"));
        assert_eq!(c.email.as_deref(), Some("simon.perreault@viagenie.ca"));
    }

    #[test]
    fn nesting_is_limited() {
        let err =
            parse_jcard(&json!(["vcard", [["x", {}, "text", ["a", ["b", ["c"]]]]]])).unwrap_err();
        assert_eq!(err, JCardError::NestedTooDeep { path: "$[1][0][3][1][1]".into() });
    }

    #[test]
    fn tolerant_parse_skips_one_bad_property() {
        let mut warnings = Vec::new();
        let value = json!(["vcard", [["fn", {}, "text", "A"], ["tel", false, "uri", "tel:1"]]]);
        let card = parse_jcard_tolerant(&value, "$.vcardArray", &mut warnings).unwrap();
        assert_eq!(card.properties.len(), 1);
        assert_eq!(warnings[0].location, "$.vcardArray[1][1]");
    }
}
