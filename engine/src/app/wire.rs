//! The JSON every front end gives out: the command line's `--json` and the HTTP API's bodies
//! are the same values, serialised once here.
//!
//! The convention (README, "JSON output"): one value per answer (an object for one thing, an
//! array for a list); ASCII snake_case keys; instants in RFC 3339 with the office's offset
//! (`2026-11-02T09:00:00+08:00`), calendar dates `YYYY-MM-DD`; enum values as their keys with
//! the label beside them in `<key>_title`; `null` for an absent value and `[]` for an empty
//! list.
//!
//! Stored records keep their instants in UTC (their serialised form is part of the hash
//! chain and must not change with the office), so the offset is applied on the way out: every
//! string that is an RFC 3339 instant in UTC (`…Z`, the only form the engine stores, user
//! `datetime` fields included) is written again in the office's time zone. It is the same
//! instant, so nothing a reader compares changes meaning.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::Value;

use super::{CaseView, HistoryView};
use crate::definition::{Definition, FieldType};

/// `value` as the JSON a front end gives out: serialised, its instants in `tz`'s offset.
pub fn to_value<T: Serialize + ?Sized>(value: &T, tz: &TimeZone) -> serde_json::Result<Value> {
    let mut out = serde_json::to_value(value)?;
    localise(&mut out, tz);
    Ok(out)
}

/// Rewrites every UTC instant in `value` (see the module) with `tz`'s offset, in place.
pub fn localise(value: &mut Value, tz: &TimeZone) {
    match value {
        Value::String(s) => {
            if let Some(ts) = utc_instant(s) {
                *s = instant(ts, tz);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| localise(v, tz)),
        Value::Object(map) => map.values_mut().for_each(|v| localise(v, tz)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// An instant as the convention writes it: RFC 3339 with `tz`'s offset at that instant.
pub fn instant(ts: Timestamp, tz: &TimeZone) -> String {
    ts.display_with_offset(tz.to_offset(ts)).to_string()
}

/// `s` as an instant when it is one written in UTC (`2026-11-02T01:00:00Z`, fractions
/// allowed); anything else (a date, a note that merely mentions a time) is not.
fn utc_instant(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let shaped = (20..=30).contains(&b.len())
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b.last() == Some(&b'Z')
        && b.iter().all(|c| c.is_ascii_digit() || b"-T:.Z".contains(c));
    if !shaped {
        return None;
    }
    s.parse().ok()
}

/// The label a person reads for `value` of field `key` (its Chinese one), if the field is an
/// enum that labels it.
pub fn label<'a>(def: &'a Definition, key: &str, value: &str) -> Option<&'a str> {
    let (_, labels) = def.fields.get(key)?.ty.enum_values()?;
    labels.get(value).map(|l| l.title.as_str())
}

/// Case data with the label of each enum value beside it: `"child.sex": "female"` gains
/// `"child.sex_title": "女"`; a list of enum values gains the list of their labels; a record's
/// enum sub-field gains `<sub>_title` inside the record. A withheld or unknown value gains
/// nothing.
pub fn labelled(def: &Definition, data: &serde_json::Map<String, Value>) -> Value {
    let mut out = serde_json::Map::new();
    for (key, value) in data {
        out.insert(key.clone(), value.clone());
        let Some(field) = def.fields.get(key) else {
            continue;
        };
        match (&field.ty, value) {
            (FieldType::Enum { labels, .. }, Value::String(v)) => {
                if let Some(l) = labels.get(v) {
                    out.insert(format!("{key}_title"), Value::from(l.title.clone()));
                }
            }
            (FieldType::List(inner), Value::Array(items)) => {
                if let FieldType::Enum { labels, .. } = inner.as_ref() {
                    let titles: Vec<Value> = items
                        .iter()
                        .map(|i| {
                            i.as_str()
                                .and_then(|v| labels.get(v))
                                .map_or(Value::Null, |l| Value::from(l.title.clone()))
                        })
                        .collect();
                    out.insert(format!("{key}_title"), Value::Array(titles));
                }
            }
            (FieldType::Records(subs), Value::Array(items)) => {
                let records = items.iter().map(|item| {
                    let Value::Object(record) = item else {
                        return item.clone();
                    };
                    let mut record = record.clone();
                    for (name, ty) in subs {
                        let title = match (ty, record.get(name)) {
                            (FieldType::Enum { labels, .. }, Some(Value::String(v))) => {
                                labels.get(v).map(|l| l.title.clone())
                            }
                            _ => None,
                        };
                        if let Some(title) = title {
                            record.insert(format!("{name}_title"), Value::from(title));
                        }
                    }
                    Value::Object(record)
                });
                out.insert(key.clone(), Value::Array(records.collect()));
            }
            _ => {}
        }
    }
    Value::Object(out)
}

/// Case data (or a step's changes) as [`labelled`] gives it.
fn labelled_data(def: &Definition, data: &crate::definition::Data) -> Value {
    let map: serde_json::Map<String, Value> =
        data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    labelled(def, &map)
}

impl Serialize for CaseView {
    /// `case show`'s object (and the API's body for one case).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let CaseView {
            case,
            def,
            data,
            version,
            same_child,
            simulated,
            ..
        } = self;
        let mut value = serde_json::json!({
            "case": case.id,
            "simulated": simulated,
            "workflow": case.workflow,
            "workflow_title": def.title,
            "workflow_title_en": def.title_en,
            "version": version,
            "version_hash": case.version,
            "profile": case.profile,
            "state": case.state,
            "state_title": def.state(&case.state).map(|s| s.title.clone()),
            "state_title_en": def.state(&case.state).and_then(|s| s.title_en.clone()),
            "final": def.is_final(&case.state),
            "seq": case.seq,
            "opened_at": case.opened_at,
            "updated_at": case.updated_at,
            "unit": case.unit,
            "officer": case.officer,
            "data": labelled_data(def, data),
            "origin": case.origin,
            "spawned": case.spawned,
            "deadlines": case.deadlines.values().map(|d| {
                let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut v {
                    map.insert("title_en".into(), def.deadline_title_en(&d.name).into());
                }
                v
            }).collect::<Vec<_>>(),
            "letters": case.letters,
            "issued_letters": case.issued,
            "pending_letters": case.pending_letters().collect::<Vec<_>>(),
            "same_child": same_child.iter().map(|c| serde_json::json!({
                "case": c.id,
                "workflow": c.workflow,
                "state": c.state,
            })).collect::<Vec<_>>(),
        });
        // Only a case opened with an external id has one (issue 25).
        if let (Some(external), Value::Object(map)) = (&case.external, &mut value) {
            map.insert(
                "external".into(),
                serde_json::to_value(external).map_err(serde::ser::Error::custom)?,
            );
        }
        value.serialize(serializer)
    }
}

impl Serialize for HistoryView {
    /// `case history`'s array: each event as stored, with the title of its role and of the
    /// state it names, and its data or changes labelled (see [`labelled`]).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let def = &self.def;
        let mut events = Vec::with_capacity(self.events.len());
        for event in &self.events {
            let mut value = serde_json::to_value(event).map_err(serde::ser::Error::custom)?;
            if let Value::Object(map) = &mut value {
                let role_title = map
                    .get("role")
                    .and_then(Value::as_str)
                    .and_then(|r| def.role_title(r));
                if let Some(title) = role_title {
                    let title = Value::from(title);
                    map.insert("role_title".into(), title);
                }
                let state = map
                    .get("state")
                    .and_then(Value::as_str)
                    .and_then(|s| def.state(s));
                if let Some(state) = state {
                    map.insert("state_title".into(), Value::from(state.title.clone()));
                    if let Some(en) = &state.title_en {
                        map.insert("state_title_en".into(), Value::from(en.clone()));
                    }
                }
                for key in ["data", "changes", "previous"] {
                    if let Some(Value::Object(data)) = map.get(key) {
                        let data = labelled(def, data);
                        map.insert(key.into(), data);
                    }
                }
            }
            events.push(value);
        }
        events.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        crate::period::shanghai().clone()
    }

    #[test]
    fn utc_instants_take_the_office_offset() {
        let mut v = serde_json::json!({
            "at": "2026-11-02T01:00:00Z",
            "list": ["2026-11-02T01:00:00.5Z", "2026-11-02", "说明 2026-11-02T01:00:00Z"],
            "n": 3,
            "none": null,
        });
        localise(&mut v, &shanghai());
        assert_eq!(v["at"], "2026-11-02T09:00:00+08:00");
        assert_eq!(v["list"][0], "2026-11-02T09:00:00.5+08:00");
        assert_eq!(v["list"][1], "2026-11-02");
        assert_eq!(v["list"][2], "说明 2026-11-02T01:00:00Z");
        assert_eq!(v["none"], Value::Null);
    }

    #[test]
    fn a_timestamp_serialises_with_the_offset() {
        let ts: Timestamp = "2026-11-23T02:00:00Z".parse().expect("instant");
        let v = to_value(&serde_json::json!({ "t": ts }), &shanghai()).expect("json");
        assert_eq!(v["t"], "2026-11-23T10:00:00+08:00");
        assert_eq!(instant(ts, &TimeZone::UTC), "2026-11-23T02:00:00+00:00");
    }
}
