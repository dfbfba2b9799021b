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

/// A state key with its title.
pub fn state(tr: &Tr, def: &Definition, key: &str) -> String {
    tr.key_title(key, def.state(key).map(|s| s.title.as_str()).unwrap_or(""))
}

/// A transition key with its title.
pub fn transition(tr: &Tr, def: &Definition, key: &str) -> String {
    tr.key_title(
        key,
        def.transition(key).map(|t| t.title.as_str()).unwrap_or(""),
    )
}

/// A field key with its title.
pub fn field(tr: &Tr, def: &Definition, key: &str) -> String {
    tr.key_title(key, def.field_title(key))
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
