//! Case data as users type it (`--set field=value`, `--data FILE`), checked against the
//! declared field types and turned into canonical JSON (see [`crate::definition::Data`]).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::definition::{Data, Definition, FieldType};
use crate::suggest::closest;
use crate::yaml::{self, Limits, YamlError};

/// Longest text accepted in one string field, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// A name (a user, a unit) with every control character removed: a newline cannot forge a
/// second line in a log, nor an escape sequence reach a terminal that prints it.
pub fn clean_name(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// A note or reason with every control character removed except line breaks and tabs.
pub fn clean_note(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}
/// Largest `--data` document accepted, in bytes.
pub const MAX_DATA_BYTES: usize = 1024 * 1024;

/// Input that does not fit the workflow's declared fields. This is bad input, not a refusal.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("unknown field `{field}`")]
    UnknownField {
        field: String,
        suggestion: Option<String>,
    },
    /// `value` is None when the field is sensitive, so it never reaches a message.
    #[error("field `{field}` expects {}", expected.name())]
    BadValue {
        field: String,
        value: Option<String>,
        expected: FieldType,
    },
    /// A label that more than one value of the enum carries: the user must type the key.
    #[error("in field `{field}`, `{label}` is the label of {}", keys.join(", "))]
    AmbiguousLabel {
        field: String,
        label: String,
        keys: Vec<String>,
    },
    #[error("`{arg}` is not of the form field=value")]
    NotAnAssignment { arg: String },
    #[error("field `{field}` contains a control character")]
    ControlCharacter { field: String },
    #[error("field `{field}` is longer than {limit} characters")]
    TooLong { field: String, limit: usize },
    #[error("the data document must be a mapping of field names to values")]
    DataNotMapping,
    #[error("the data document is not valid YAML or JSON: {0}")]
    DataSyntax(#[from] YamlError),
}

fn bad(field: &str, value: &str, ty: &FieldType, sensitive: bool) -> InputError {
    InputError::BadValue {
        field: field.to_owned(),
        value: (!sensitive).then(|| value.to_owned()),
        expected: ty.clone(),
    }
}

fn check_text(field: &str, s: &str) -> Result<(), InputError> {
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(InputError::ControlCharacter {
            field: field.to_owned(),
        });
    }
    if s.chars().count() > MAX_TEXT_CHARS {
        return Err(InputError::TooLong {
            field: field.to_owned(),
            limit: MAX_TEXT_CHARS,
        });
    }
    Ok(())
}

/// Canonical form of a date, or None when it is not a real calendar date (2026-02-30).
pub fn canonical_date(s: &str) -> Option<String> {
    let d: jiff::civil::Date = s.trim().parse().ok()?;
    Some(d.to_string())
}

/// Canonical form of a datetime: RFC 3339 with offset. A time without offset is Beijing time.
pub fn canonical_datetime(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(
            ts.to_zoned_datetime(crate::period::shanghai())
                .timestamp()
                .to_string(),
        );
    }
    let dt: jiff::civil::DateTime = s.replace(' ', "T").parse().ok()?;
    let zoned = dt.to_zoned_datetime(crate::period::shanghai()).ok()?;
    Some(zoned.timestamp().to_string())
}

/// Parses text typed on the command line as a value of `ty`.
fn parse_text(
    field: &str,
    text: &str,
    ty: &FieldType,
    sensitive: bool,
) -> Result<Value, InputError> {
    let fail = || bad(field, text, ty, sensitive);
    Ok(match ty {
        FieldType::String => {
            check_text(field, text)?;
            Value::String(text.to_owned())
        }
        FieldType::Integer => Value::from(text.trim().parse::<i64>().map_err(|_| fail())?),
        FieldType::Boolean => match text.trim() {
            "true" | "yes" | "是" => Value::Bool(true),
            "false" | "no" | "否" => Value::Bool(false),
            _ => return Err(fail()),
        },
        FieldType::Date => Value::String(canonical_date(text).ok_or_else(fail)?),
        FieldType::IdNumber => Value::String(crate::identity::canonical(text).map_err(|_| fail())?),
        FieldType::DateTime => Value::String(canonical_datetime(text).ok_or_else(fail)?),
        FieldType::Enum { .. } => match ty.enum_key(text) {
            Ok(Some(key)) => Value::String(key),
            Ok(None) => return Err(bad(field, text.trim(), ty, sensitive)),
            Err(keys) => {
                return Err(InputError::AmbiguousLabel {
                    field: field.to_owned(),
                    label: text.trim().to_owned(),
                    keys,
                });
            }
        },
        FieldType::List(inner) => {
            if text.trim_start().starts_with('[') {
                let json: Value = serde_json::from_str(text).map_err(|_| fail())?;
                return check_json_field(field, ty, &json, sensitive);
            }
            let items = text
                .split([',', '，'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|item| parse_text(field, item, inner, sensitive))
                .collect::<Result<Vec<_>, _>>()?;
            Value::Array(items)
        }
        FieldType::Records(_) => {
            let json: Value = serde_json::from_str(text).map_err(|_| fail())?;
            return check_json_field(field, ty, &json, sensitive);
        }
    })
}

/// Checks a JSON value against a type and returns its canonical form.
pub fn check_json(ty: &FieldType, value: &Value) -> Result<Value, InputError> {
    check_json_field("", ty, value, false)
}

fn check_json_field(
    field: &str,
    ty: &FieldType,
    value: &Value,
    sensitive: bool,
) -> Result<Value, InputError> {
    let fail = || bad(field, &value.to_string(), ty, sensitive);
    match (ty, value) {
        (FieldType::List(inner), Value::Array(items)) => Ok(Value::Array(
            items
                .iter()
                .map(|item| check_json_field(field, inner, item, sensitive))
                .collect::<Result<_, _>>()?,
        )),
        (FieldType::Records(subs), Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let Value::Object(obj) = item else {
                    return Err(fail());
                };
                let mut record = serde_json::Map::new();
                for (key, v) in obj {
                    let sub_name = format!("{field}.{key}");
                    let Some(sub_ty) = subs.get(key) else {
                        return Err(InputError::UnknownField {
                            suggestion: closest(key, subs.keys().map(String::as_str))
                                .map(|s| format!("{field}.{s}")),
                            field: sub_name,
                        });
                    };
                    if !v.is_null() {
                        record.insert(
                            key.clone(),
                            check_json_field(&sub_name, sub_ty, v, sensitive)?,
                        );
                    }
                }
                out.push(Value::Object(record));
            }
            Ok(Value::Array(out))
        }
        (FieldType::Integer, Value::Number(n)) => n.as_i64().map(Value::from).ok_or_else(fail),
        (FieldType::Boolean, Value::Bool(_)) => Ok(value.clone()),
        (
            FieldType::String
            | FieldType::Enum { .. }
            | FieldType::Date
            | FieldType::DateTime
            | FieldType::IdNumber,
            Value::String(s),
        ) => parse_text(field, s, ty, sensitive),
        _ => Err(fail()),
    }
}

/// Parses one `--set field=value` argument against the definition.
pub fn parse_assignment(def: &Definition, arg: &str) -> Result<(String, Value), InputError> {
    let Some((field, text)) = arg.split_once('=') else {
        return Err(InputError::NotAnAssignment {
            arg: arg.chars().take(80).collect(),
        });
    };
    let field = field.trim();
    let spec = def
        .fields
        .get(field)
        .ok_or_else(|| unknown_field(def, field))?;
    Ok((
        field.to_owned(),
        parse_text(field, text, &spec.ty, spec.sensitive)?,
    ))
}

fn unknown_field(def: &Definition, field: &str) -> InputError {
    InputError::UnknownField {
        field: field.chars().take(80).collect(),
        suggestion: closest(field, def.fields.keys().map(String::as_str)),
    }
}

/// Parses a `--data` document (YAML or JSON). Keys may be dotted (`child.name: 小明`) or nested
/// (`child: {name: 小明}`); either way they must name declared fields.
pub fn parse_data(def: &Definition, bytes: &[u8]) -> Result<Data, InputError> {
    let limits = Limits {
        max_bytes: MAX_DATA_BYTES,
        ..Limits::default()
    };
    let root = yaml::parse(bytes, limits)?;
    let Value::Object(map) = root.to_json() else {
        return Err(InputError::DataNotMapping);
    };
    let mut out = Data::new();
    flatten(def, "", map, &mut out)?;
    Ok(out)
}

fn flatten(
    def: &Definition,
    prefix: &str,
    map: serde_json::Map<String, Value>,
    out: &mut Data,
) -> Result<(), InputError> {
    for (key, value) in map {
        let name = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        if let Some(spec) = def.fields.get(&name) {
            if !value.is_null() {
                out.insert(
                    name.clone(),
                    check_json_field(&name, &spec.ty, &value, spec.sensitive)?,
                );
            }
            continue;
        }
        let dotted = format!("{name}.");
        match value {
            Value::Object(inner) if def.fields.keys().any(|k| k.starts_with(&dotted)) => {
                flatten(def, &name, inner, out)?;
            }
            _ => return Err(unknown_field(def, &name)),
        }
    }
    Ok(())
}

/// Merges changes into data; a JSON null clears a field.
pub fn apply_changes(data: &mut Data, changes: &BTreeMap<String, Value>) {
    for (k, v) in changes {
        if v.is_null() {
            data.remove(k);
        } else {
            data.insert(k.clone(), v.clone());
        }
    }
}

/// The first date of birth in `data` that lies after `today`, with its field: fields named
/// `birth_date` or `….birth_date`, also inside lists of records. Nobody is born after the act
/// that records them, so such input is refused rather than aged negatively by guards.
pub fn future_birth_date(data: &Data, today: jiff::civil::Date) -> Option<(String, String)> {
    let later = |v: &Value| {
        v.as_str()
            .and_then(|s| s.parse::<jiff::civil::Date>().ok())
            .is_some_and(|d| d > today)
    };
    let is_birth = |key: &str| key == "birth_date" || key.ends_with(".birth_date");
    for (name, value) in data {
        if is_birth(name) && later(value) {
            return Some((name.clone(), value.as_str().unwrap_or_default().to_owned()));
        }
        for record in value.as_array().into_iter().flatten() {
            if let Some(birth) = record.get("birth_date")
                && later(birth)
            {
                let shown = birth.as_str().unwrap_or_default().to_owned();
                return Some((format!("{name}.birth_date"), shown));
            }
        }
    }
    None
}

#[cfg(test)]
mod birth_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_birth_date_after_today_is_found_also_inside_records() {
        let today: jiff::civil::Date = "2026-11-23".parse().expect("date");
        let data = |k: &str, v: Value| Data::from([(k.to_owned(), v)]);
        assert_eq!(
            future_birth_date(&data("child.birth_date", json!("2026-11-24")), today),
            Some(("child.birth_date".into(), "2026-11-24".into()))
        );
        assert_eq!(
            future_birth_date(&data("child.birth_date", json!("2026-11-23")), today),
            None
        );
        assert_eq!(
            future_birth_date(
                &data(
                    "children",
                    json!([{"birth_date": "2010-01-01"}, {"birth_date": "2030-01-01"}])
                ),
                today
            ),
            Some(("children.birth_date".into(), "2030-01-01".into()))
        );
        assert_eq!(
            future_birth_date(&data("departure_date", json!("2030-01-01")), today),
            None
        );
    }
}
