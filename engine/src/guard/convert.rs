//! Case data and settings as CEL values: the groups of dotted names, fields, settings.

use super::dates::parse_date;
use super::runtime::Runtime;
use crate::definition::FieldType;
use cel::ExecutionError;
use cel::common::traits::{Container, Indexer, Iterable, Sizer};
use cel::common::types::{
    self, CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt, Type,
};
use cel::common::value::{CowVal, StaticVal, Val};
use jiff::tz::TimeZone;
use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Deepest nesting of a setting's JSON value that is converted.
pub(super) const MAX_SETTING_DEPTH: usize = 32;

/// Prefixes the key of a [`Group`]'s missing-key error, telling it apart from
/// any other map's.
pub(super) const UNSET_MARKER: &str = "\u{1}unset:";

/// A map of fields sharing a dotted prefix (`carer` for `carer.name`), or a
/// record of a records field. It behaves as a CEL map, but a missing key is
/// reported with its full dotted path, so that an unset field can be named.
#[derive(Debug, Clone)]
struct Group {
    path: Arc<str>,
    map: Arc<CelMap<'static>>,
}

impl Val for Group {
    fn get_type(&self) -> &Type {
        &types::MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &types::MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        self.map.as_container()
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn Indexer + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn as_iterable<'b, 'v>(&'b self) -> Option<&'b (dyn Iterable + 'v)>
    where
        Self: 'v,
    {
        self.map.as_iterable()
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        self.map.as_sizer()
    }

    fn equals(&self, other: &dyn Val) -> bool {
        match other.downcast_ref::<Group>() {
            Some(other) => self.map.equals(&*other.map),
            None => self.map.equals(other),
        }
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(self.clone())
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

impl StaticVal for Group {}

impl Indexer for Group {
    fn get<'b, 'v>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        match Indexer::get(&*self.map, idx) {
            Err(ExecutionError::NoSuchKey(key)) => Err(ExecutionError::NoSuchKey(Arc::new(
                format!("{UNSET_MARKER}{}.{key}", self.path),
            ))),
            other => other,
        }
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        Indexer::get(&*self, idx).map(CowVal::into_owned)
    }
}

fn group(path: &str, entries: Vec<(String, Box<dyn Val>)>) -> Box<dyn Val> {
    let map: HashMap<CelMapKey<'static>, Box<dyn Val>> = entries
        .into_iter()
        .map(|(k, v)| (CelMapKey::String(CelString::from(k)), v))
        .collect();
    Box::new(Group {
        path: Arc::from(path),
        map: Arc::new(CelMap::from(map)),
    })
}

/// Named CEL values, to bind as variables.
pub(super) type Variables = Vec<(String, Box<dyn Val>)>;

/// The tree of the dotted field names.
#[derive(Default)]
pub(super) struct Node {
    value: Option<Box<dyn Val>>,
    pub(super) children: BTreeMap<String, Node>,
}

impl Node {
    pub(super) fn branch(&mut self, segments: &[&str]) -> &mut Node {
        let mut node = self;
        for segment in segments {
            node = node.children.entry((*segment).to_owned()).or_default();
        }
        node
    }

    pub(super) fn insert(&mut self, segments: &[&str], value: Box<dyn Val>) {
        self.branch(segments).value = Some(value);
    }

    fn is_empty(&self) -> bool {
        self.value.is_none() && self.children.values().all(Node::is_empty)
    }

    /// A set leaf is its value; anything else is the group of its children.
    ///
    /// A nested group with no field set (`child.address`) is left out of its
    /// parent, so that `has(child.address)` is false; every nested group is
    /// also pushed to `flat` under its dotted name, which CEL resolves before
    /// selecting on the parent, so that `has(child.address.city)` is false
    /// rather than an error, and reading `child.address.city` names it.
    pub(super) fn into_val(self, path: &str, flat: &mut Variables) -> Box<dyn Val> {
        if let Some(value) = self.value {
            return value;
        }
        let mut entries = Vec::with_capacity(self.children.len());
        for (name, child) in self.children {
            let child_path = format!("{path}.{name}");
            let is_group = child.value.is_none();
            let empty = child.is_empty();
            let value = child.into_val(&child_path, flat);
            if is_group {
                flat.push((child_path, value.clone()));
            }
            if !empty {
                entries.push((name, value));
            }
        }
        group(path, entries)
    }
}

/// The CEL value of a field; `None` when it is `null`, i.e. unset.
pub(super) fn convert_field(
    runtime: &Runtime,
    field_type: &FieldType,
    json: &serde_json::Value,
    path: &str,
    tz: &TimeZone,
) -> Result<Option<Box<dyn Val>>, String> {
    use serde_json::Value as J;
    let invalid = || {
        let shown = json.to_string();
        let shown: String = shown.chars().take(60).collect();
        format!(
            "field {path}: {shown} is not a valid {}",
            field_type_name(field_type)
        )
    };
    let value: Box<dyn Val> = match (field_type, json) {
        (_, J::Null) => return Ok(None),
        (FieldType::String | FieldType::IdNumber, J::String(s)) => {
            Box::new(CelString::from(s.clone()))
        }
        (FieldType::Enum { .. }, J::String(s)) => Box::new(CelString::from(s.clone())),
        (FieldType::Integer, J::Number(n)) => {
            Box::new(CelInt::from(n.as_i64().ok_or_else(invalid)?))
        }
        (FieldType::Boolean, J::Bool(b)) => Box::new(CelBool::from(*b)),
        (FieldType::Date, J::String(s)) => {
            parse_date(s).ok_or_else(invalid)?;
            Box::new(CelString::from(s.clone()))
        }
        (FieldType::DateTime, J::String(s)) => {
            let instant: jiff::Timestamp = s.parse().map_err(|_| invalid())?;
            runtime.timestamp(instant, tz).map_err(|_| invalid())?
        }
        (FieldType::List(inner), J::Array(items)) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                match convert_field(runtime, inner, item, path, tz)? {
                    Some(value) => list.push(value),
                    None => return Err(invalid()),
                }
            }
            Box::new(CelList::from(list))
        }
        (FieldType::Records(subs), J::Array(items)) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                let J::Object(record) = item else {
                    return Err(invalid());
                };
                let mut entries = Vec::new();
                for (name, sub_type) in subs {
                    let Some(sub_json) = record.get(name) else {
                        continue;
                    };
                    let sub_path = format!("{path}.{name}");
                    if let Some(value) = convert_field(runtime, sub_type, sub_json, &sub_path, tz)?
                    {
                        entries.push((name.clone(), value));
                    }
                }
                list.push(group(path, entries));
            }
            Box::new(CelList::from(list))
        }
        _ => return Err(invalid()),
    };
    Ok(Some(value))
}

fn field_type_name(field_type: &FieldType) -> &'static str {
    match field_type {
        FieldType::String | FieldType::IdNumber => "string",
        FieldType::Integer => "integer",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::DateTime => "datetime",
        FieldType::Enum { .. } => "enum",
        FieldType::List(_) => "list",
        FieldType::Records(_) => "records",
    }
}

pub(super) fn settings_value(
    runtime: &Runtime,
    settings: &BTreeMap<String, serde_json::Value>,
) -> Box<dyn Val> {
    let entries = settings
        .iter()
        .map(|(name, json)| (name.clone(), setting_value(runtime, json, 0)))
        .collect();
    group("settings", entries)
}

fn setting_value(runtime: &Runtime, json: &serde_json::Value, depth: usize) -> Box<dyn Val> {
    use serde_json::Value as J;
    match json {
        J::Null => Box::new(CelNull),
        J::Bool(b) => Box::new(CelBool::from(*b)),
        J::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Box::new(CelInt::from(i)),
            (None, Some(u), _) => Box::new(CelUInt::from(u)),
            (None, None, Some(f)) => Box::new(CelDouble::from(f)),
            (None, None, None) => Box::new(CelNull),
        },
        J::String(s) => runtime
            .duration(s)
            .unwrap_or_else(|| Box::new(CelString::from(s.clone()))),
        // settings are configuration, not input: bound their nesting anyway
        J::Array(_) | J::Object(_) if depth >= MAX_SETTING_DEPTH => Box::new(CelNull),
        J::Array(items) => Box::new(CelList::from(
            items
                .iter()
                .map(|item| setting_value(runtime, item, depth + 1))
                .collect::<Vec<_>>(),
        )),
        J::Object(entries) => {
            let map: HashMap<CelMapKey<'static>, Box<dyn Val>> = entries
                .iter()
                .map(|(k, v)| {
                    (
                        CelMapKey::String(CelString::from(k.clone())),
                        setting_value(runtime, v, depth + 1),
                    )
                })
                .collect();
            Box::new(CelMap::from(map))
        }
    }
}
