//! De-identified exports for statistics and research (issue 23 item 2; PIPL 51, UPL 103):
//! one JSON line per case, built from the case and its history field by field, never by
//! filtering a full record, so nothing personal can pass by being overlooked.
//!
//! - identity numbers (`id_number` fields and registry ids) and names (fields named `name`)
//!   become pseudonyms: HMAC-SHA256 under the office's pseudonym key, so the same child links
//!   across cases and exports, while nobody without the key can compute the pseudonym of a
//!   known name or number to look a child up;
//! - case ids become pseudonyms too (the same key), so links between cases survive;
//! - birth dates (date fields whose name holds `birth`) keep their year only;
//! - every other text is dropped (addresses, phone numbers, notes, reasons, facts), and so are
//!   sensitive and confidential fields, the officer, who acted, and letters;
//! - enums, booleans, integers, other dates and the instants of events are kept: they are what
//!   statistics count.
//!
//! Pure: the key, the definition and the case come in, a JSON value goes out.

use serde_json::{Map, Value, json};

use crate::case::{Case, Event, EventKind};
use crate::definition::{Definition, FieldType};

/// The secret key of pseudonyms: 32 bytes the office keeps beside its signing key.
#[derive(Clone)]
pub struct PseudonymKey(pub [u8; 32]);

impl PseudonymKey {
    /// The key file's text (64 hex digits and a line break).
    pub fn to_file_text(&self) -> String {
        let mut s: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        s.push('\n');
        s
    }

    /// Reads the key file's text.
    pub fn from_file_text(text: &str) -> Option<PseudonymKey> {
        let t = text.trim();
        if t.len() != 64 || !t.is_ascii() {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&t[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(PseudonymKey(key))
    }

    /// The pseudonym of `value` in class `class` (`ID`, `N`, `C`): the class, a dash and 16
    /// hex digits (64 bits) of the keyed hash.
    pub fn pseudonym(&self, class: &str, value: &str) -> String {
        let input = format!("{class}\u{0}{}", value.trim());
        let mac = crate::letters::archive::salted_hex(
            crate::crypto::HashAlgorithm::Sha256,
            &self.0,
            input.as_bytes(),
        );
        format!("{class}-{}", &mac[..16])
    }
}

/// What becomes of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Keep,
    Drop,
    /// A pseudonym of an identity (`ID`) or a name (`N`).
    Pseudonym(&'static str),
    /// The year of a date.
    Year,
}

fn rule(key: &str, ty: &FieldType) -> Rule {
    let last = key.rsplit('.').next().unwrap_or(key);
    match ty {
        FieldType::IdNumber => Rule::Pseudonym("ID"),
        FieldType::String if last == "registry_id" => Rule::Pseudonym("ID"),
        FieldType::String if last == "name" || last.ends_with("_name") => Rule::Pseudonym("N"),
        FieldType::String => Rule::Drop,
        FieldType::Date if last.contains("birth") => Rule::Year,
        FieldType::Date
        | FieldType::DateTime
        | FieldType::Integer
        | FieldType::Boolean
        | FieldType::Enum { .. } => Rule::Keep,
        FieldType::List(inner) => rule(key, inner),
        FieldType::Records(_) => Rule::Keep,
    }
}

fn scalar(key: &PseudonymKey, rule: Rule, value: &Value) -> Option<Value> {
    match (rule, value) {
        (Rule::Drop, _) => None,
        (_, Value::Null) => Some(Value::Null),
        (Rule::Keep, Value::String(_) | Value::Bool(_) | Value::Number(_)) => Some(value.clone()),
        (Rule::Keep, _) => None,
        (Rule::Pseudonym(class), Value::String(s)) if !s.trim().is_empty() => {
            let s = if class == "ID" {
                s.trim().to_ascii_uppercase()
            } else {
                s.trim().to_owned()
            };
            Some(Value::String(key.pseudonym(class, &s)))
        }
        (Rule::Year, Value::String(s)) => s
            .get(..4)
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
            .map(|y| Value::String(y.to_owned())),
        _ => None,
    }
}

fn field(key: &PseudonymKey, name: &str, ty: &FieldType, value: &Value) -> Option<Value> {
    match (ty, value) {
        (FieldType::List(inner), Value::Array(items)) => {
            let r = rule(name, inner);
            let out: Vec<Value> = items.iter().filter_map(|v| scalar(key, r, v)).collect();
            (r != Rule::Drop).then_some(Value::Array(out))
        }
        (FieldType::Records(fields), Value::Array(rows)) => {
            let out = rows
                .iter()
                .map(|row| {
                    let mut kept = Map::new();
                    if let Value::Object(row) = row {
                        for (sub, v) in row {
                            if let Some(ty) = fields.get(sub)
                                && let Some(v) = scalar(key, rule(sub, ty), v)
                            {
                                kept.insert(sub.clone(), v);
                            }
                        }
                    }
                    Value::Object(kept)
                })
                .collect();
            Some(Value::Array(out))
        }
        (FieldType::List(_) | FieldType::Records(_), _) => None,
        (ty, v) => scalar(key, rule(name, ty), v),
    }
}

/// The case's data as the rules above leave it: undeclared, sensitive and confidential fields
/// go whatever their type.
fn data(key: &PseudonymKey, def: &Definition, case: &Case) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in &case.data {
        let Some(decl) = def.fields.get(name) else {
            continue;
        };
        let confidential = def.confidential.as_ref().is_some_and(|c| c.covers(name));
        if decl.sensitive || confidential {
            continue;
        }
        if let Some(v) = field(key, name, &decl.ty, value) {
            out.insert(name.clone(), v);
        }
    }
    out
}

fn event_type(kind: &EventKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default()
}

/// One event as statistics need it: its number, kind, instant and role; for an act, its
/// transition and states; for a deadline, its name. No actor, note, reason or data.
fn event(key: &PseudonymKey, e: &Event) -> Value {
    let mut out = json!({
        "seq": e.seq,
        "type": event_type(&e.kind),
        "occurred_at": e.occurred_at,
        "role": e.role,
    });
    let extra = match &e.kind {
        EventKind::Fired {
            transition,
            from,
            to,
            ..
        } => json!({"transition": transition, "from": from, "to": to}),
        EventKind::DeadlineSet { name, due, .. } => json!({"deadline": name, "due": due}),
        EventKind::DeadlineBreached { name, due } => json!({"deadline": name, "due": due}),
        EventKind::DeadlineReminded { name } | EventKind::DeadlineCancelled { name, .. } => {
            json!({"deadline": name})
        }
        EventKind::LetterRequested { key: doc, .. } => json!({"document": doc}),
        EventKind::Spawned { child } => json!({
            "case": key.pseudonym("C", child.case.as_str()),
            "workflow": child.workflow,
        }),
        _ => json!({}),
    };
    if let (Value::Object(out), Value::Object(extra)) = (&mut out, extra) {
        out.extend(extra);
    }
    out
}

/// One case, de-identified.
pub fn case(key: &PseudonymKey, def: &Definition, case: &Case, history: &[Event]) -> Value {
    json!({
        "type": "case",
        "case": key.pseudonym("C", case.id.as_str()),
        "workflow": case.workflow,
        "state": case.state,
        "closed": def.is_final(&case.state),
        "unit": case.unit,
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
        "origin": case.origin.as_ref().map(|l| json!({
            "case": key.pseudonym("C", l.case.as_str()),
            "workflow": l.workflow,
            "link": l.link,
        })),
        "data": Value::Object(data(key, def, case)),
        "events": history.iter().map(|e| event(key, e)).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_keyed_and_classed() {
        let a = PseudonymKey([1; 32]);
        let b = PseudonymKey([2; 32]);
        let id = "11010120150312001X";
        assert_eq!(a.pseudonym("ID", id), a.pseudonym("ID", id));
        assert_ne!(a.pseudonym("ID", id), b.pseudonym("ID", id));
        assert_ne!(a.pseudonym("ID", id), a.pseudonym("N", id));
        assert!(!a.pseudonym("ID", id).contains("2015"));
        let text = a.to_file_text();
        assert_eq!(PseudonymKey::from_file_text(&text).map(|k| k.0), Some(a.0));
        assert!(PseudonymKey::from_file_text("zz").is_none());
    }

    #[test]
    fn fields_follow_their_rule() {
        let k = PseudonymKey([3; 32]);
        let s = |v: &str| Value::String(v.into());
        assert_eq!(
            field(&k, "child.birth_date", &FieldType::Date, &s("2015-03-12")),
            Some(s("2015"))
        );
        assert_eq!(
            field(&k, "child.address", &FieldType::String, &s("幸福村3组")),
            None
        );
        assert_eq!(
            field(&k, "carer.phone", &FieldType::String, &s("13800000000")),
            None
        );
        assert_eq!(
            field(&k, "child.name", &FieldType::String, &s(" 王小明 ")),
            Some(s(&k.pseudonym("N", "王小明")))
        );
        assert_eq!(
            field(
                &k,
                "child.id_number",
                &FieldType::IdNumber,
                &s("11010120150312001x")
            ),
            Some(s(&k.pseudonym("ID", "11010120150312001X")))
        );
        assert_eq!(
            field(&k, "assessment.team_size", &FieldType::Integer, &json!(3)),
            Some(json!(3))
        );
    }
}
