//! Small formatting helpers shared by the commands' human output.

use jiff::Timestamp;
use serde_json::Value;
use wardflow_engine::definition::{Definition, FieldType};
use wardflow_engine::period::shanghai;

use crate::i18n::{Lang, Tr};

/// A moment in Beijing time, to the minute: `2026-11-23 10:00`.
pub fn local_time(ts: Timestamp) -> String {
    ts.to_zoned_datetime(shanghai())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// A due time as the law words it: a period ending at midnight ends at "24:00" of its last day.
pub fn due_time(ts: Timestamp) -> String {
    let local = ts.to_zoned_datetime(shanghai());
    if local.hour() == 0
        && local.minute() == 0
        && local.second() == 0
        && let Ok(previous) = local.date().yesterday()
    {
        return format!("{previous} 24:00");
    }
    local_time(ts)
}

/// A value as a person reads it.
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s) => match s.parse::<Timestamp>() {
            Ok(ts) if s.contains('T') => local_time(ts),
            _ => s.clone(),
        },
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(value).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", value(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

/// A case value of field `key` as a person reads it: an enum value by its label (男, 家庭暴力;
/// the English one under `--lang en` where the workflow gives it), in lists and records too;
/// a withheld confidential value reads "（保密）".
pub fn field_value(tr: &Tr, def: &Definition, key: &str, v: &Value) -> String {
    if v.as_str() == Some(wardflow_engine::authority::CONFIDENTIAL) {
        return crate::tr!(tr, "confidential");
    }
    match def.fields.get(key) {
        Some(field) => value(&labelled(tr, &field.ty, v)),
        None => value(v),
    }
}

/// What an enum value (or a role) is called in `tr`'s language: the workflow's English title
/// under `--lang en` where it gives one, else its Chinese title.
pub fn title_in<'a>(tr: &Tr, title: &'a wardflow_engine::definition::RoleTitle) -> &'a str {
    match (tr.lang, title.title_en.as_deref()) {
        (Lang::En, Some(en)) => en,
        _ => &title.title,
    }
}

/// `v` with each enum value of type `ty` replaced by its label.
fn labelled(tr: &Tr, ty: &FieldType, v: &Value) -> Value {
    match (ty, v) {
        (FieldType::Enum { labels, .. }, Value::String(s)) => match labels.get(s) {
            Some(l) => Value::String(title_in(tr, l).to_owned()),
            None => v.clone(),
        },
        (FieldType::List(inner), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| labelled(tr, inner, i)).collect())
        }
        (FieldType::Records(subs), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|item| match item {
                    Value::Object(record) => Value::Object(
                        record
                            .iter()
                            .map(|(k, x)| {
                                let x = match subs.get(k) {
                                    Some(ty) => labelled(tr, ty, x),
                                    None => x.clone(),
                                };
                                (k.clone(), x)
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// A title in `tr`'s language: the workflow's English one under `--lang en` where it gives
/// one, else the Chinese one.
pub fn pick<'a>(tr: &Tr, title: &'a str, title_en: Option<&'a str>) -> &'a str {
    match (tr.lang, title_en) {
        (Lang::En, Some(en)) if !en.is_empty() => en,
        _ => title,
    }
}

/// The workflow's title in `tr`'s language.
pub fn workflow_title<'a>(tr: &Tr, def: &'a Definition) -> &'a str {
    pick(tr, &def.title, def.title_en.as_deref())
}

/// The workflow's key with its title.
pub fn workflow(tr: &Tr, def: &Definition) -> String {
    tr.key_title(&def.key, workflow_title(tr, def))
}

/// The title of state `key` in `tr`'s language ("" when the workflow has none).
pub fn state_title<'a>(tr: &Tr, def: &'a Definition, key: &str) -> &'a str {
    def.state(key)
        .map_or("", |s| pick(tr, &s.title, s.title_en.as_deref()))
}

/// A state key with its title.
pub fn state(tr: &Tr, def: &Definition, key: &str) -> String {
    tr.key_title(key, state_title(tr, def, key))
}

/// The title of transition `key` in `tr`'s language ("" when the workflow has none).
pub fn transition_title<'a>(tr: &Tr, def: &'a Definition, key: &str) -> &'a str {
    def.transition(key)
        .map_or("", |t| pick(tr, &t.title, t.title_en.as_deref()))
}

/// A transition key with its title.
pub fn transition(tr: &Tr, def: &Definition, key: &str) -> String {
    tr.key_title(key, transition_title(tr, def, key))
}

/// The title of field `key` in `tr`'s language, or its key when it has none.
pub fn field_title<'a>(tr: &Tr, def: &'a Definition, key: &'a str) -> &'a str {
    match (tr.lang, def.field_title_en(key)) {
        (Lang::En, Some(en)) if !en.is_empty() => en,
        _ => def.field_title(key),
    }
}

/// A field key with its title.
pub fn field(tr: &Tr, def: &Definition, key: &str) -> String {
    tr.key_title(key, field_title(tr, def, key))
}

/// The English title of the deadline `name`, if the workflow gives one.
pub fn deadline_title_en<'a>(def: &'a Definition, name: &str) -> Option<&'a str> {
    def.deadline_title_en(name)
}

/// A deadline's name with its title: `stored` (the Chinese title the case recorded when the
/// deadline was set), or the workflow's English one under `--lang en`.
pub fn deadline(tr: &Tr, def: &Definition, name: &str, stored: &str) -> String {
    tr.key_title(name, pick(tr, stored, deadline_title_en(def, name)))
}

/// A role key with the title its workflow gives it (the English one under `--lang en`, when the
/// workflow has one).
pub fn role(tr: &Tr, def: &Definition, key: &str) -> String {
    let titles = def.role_titles.get(key);
    let title = match tr.lang {
        Lang::En => titles.and_then(|t| t.title_en.as_deref()),
        Lang::Zh => None,
    };
    tr.key_title(key, title.or(def.role_title(key)).unwrap_or(""))
}

/// Role keys with their titles, joined the way the language does.
pub fn roles(tr: &Tr, def: &Definition, keys: &[String]) -> String {
    let named: Vec<String> = keys.iter().map(|k| role(tr, def, k)).collect();
    tr.list(&named)
}
