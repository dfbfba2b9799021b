//! The static types of guard expressions, and how they combine.

use super::convert::MAX_SETTING_DEPTH;
use super::dates::{parse_date, parse_duration};
use crate::definition::FieldType;
use std::collections::BTreeMap;

/// The static type of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ty {
    /// Unknown: compatible with anything (also the type after a problem).
    Dyn,
    Bool,
    Int,
    UInt,
    Double,
    String,
    Bytes,
    Null,
    Date,
    DateTime,
    Duration,
    Enum {
        field: String,
        values: Vec<String>,
    },
    List(Box<Ty>),
    /// One record of a records field.
    Record {
        field: String,
        subs: BTreeMap<String, FieldType>,
    },
    Map,
    /// A proper prefix of declared fields, e.g. `carer` for `carer.name`.
    Group(String),
    /// The `settings` map.
    Settings,
}

impl Ty {
    pub(super) fn of_field(field_type: &FieldType, name: &str) -> Ty {
        match field_type {
            FieldType::String | FieldType::IdNumber => Ty::String,
            FieldType::Integer => Ty::Int,
            FieldType::Boolean => Ty::Bool,
            FieldType::Date => Ty::Date,
            FieldType::DateTime => Ty::DateTime,
            FieldType::Enum { values, .. } => Ty::Enum {
                field: name.to_owned(),
                values: values.clone(),
            },
            FieldType::List(inner) => Ty::List(Box::new(Ty::of_field(inner, name))),
            FieldType::Records(subs) => Ty::List(Box::new(Ty::Record {
                field: name.to_owned(),
                subs: subs.clone(),
            })),
        }
    }

    pub(super) fn of_setting(json: &serde_json::Value, depth: usize) -> Ty {
        use serde_json::Value as J;
        match json {
            J::Null => Ty::Null,
            J::Bool(_) => Ty::Bool,
            J::Number(n) if n.is_i64() => Ty::Int,
            J::Number(n) if n.is_u64() => Ty::UInt,
            J::Number(_) => Ty::Double,
            J::String(s) if parse_duration(s).is_some() => Ty::Duration,
            J::String(s) if parse_date(s).is_some() => Ty::Date,
            J::String(_) => Ty::String,
            J::Array(_) | J::Object(_) if depth >= MAX_SETTING_DEPTH => Ty::Null,
            J::Array(items) => {
                let mut types = items.iter().map(|i| Ty::of_setting(i, depth + 1));
                let first = types.next().unwrap_or(Ty::Dyn);
                let same = types.all(|t| t == first);
                Ty::List(Box::new(if same { first } else { Ty::Dyn }))
            }
            J::Object(_) => Ty::Map,
        }
    }

    pub(super) fn name(&self) -> String {
        match self {
            Ty::Dyn => "dyn".into(),
            Ty::Bool => "boolean".into(),
            Ty::Int => "integer".into(),
            Ty::UInt => "unsigned integer".into(),
            Ty::Double => "double".into(),
            Ty::String => "string".into(),
            Ty::Bytes => "bytes".into(),
            Ty::Null => "null".into(),
            Ty::Date => "date".into(),
            Ty::DateTime => "datetime".into(),
            Ty::Duration => "duration".into(),
            Ty::Enum { .. } => "enum".into(),
            Ty::List(inner) => match **inner {
                Ty::Record { .. } => "records".into(),
                Ty::Dyn => "list".into(),
                ref inner => format!("list of {}", inner.name()),
            },
            Ty::Record { .. } => "record".into(),
            Ty::Map | Ty::Settings => "map".into(),
            Ty::Group(_) => "field group".into(),
        }
    }

    pub(super) fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::UInt | Ty::Double)
    }

    pub(super) fn is_stringy(&self) -> bool {
        matches!(self, Ty::String | Ty::Enum { .. })
    }

    pub(super) fn is_mapish(&self) -> bool {
        matches!(
            self,
            Ty::Map | Ty::Settings | Ty::Record { .. } | Ty::Group(_)
        )
    }

    pub(super) fn is_bool(&self) -> bool {
        matches!(self, Ty::Bool | Ty::Dyn)
    }
}

/// Whether values of the two types can be compared for equality.
pub(super) fn types_compatible(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Dyn, _) | (_, Ty::Dyn) => true,
        _ if a.is_numeric() && b.is_numeric() => true,
        _ if a.is_stringy() && b.is_stringy() => true,
        _ if a.is_mapish() && b.is_mapish() => true,
        (Ty::List(x), Ty::List(y)) => types_compatible(x, y),
        _ => {
            std::mem::discriminant(a) == std::mem::discriminant(b)
                && !matches!(a, Ty::List(_) | Ty::Enum { .. })
        }
    }
}

/// The type of `a op b`, or `None` when the operator does not apply.
pub(super) fn arithmetic(op: &str, a: &Ty, b: &Ty) -> Option<Ty> {
    use Ty::*;
    let add = op == "_+_";
    let sub = op == "_-_";
    match (a, b) {
        (Dyn, _) | (_, Dyn) => Some(Dyn),
        (Int, Int) | (UInt, UInt) => Some(a.clone()),
        (Double, Double) if op != "_%_" => Some(Double),
        _ if add && a.is_stringy() && b.is_stringy() => Some(String),
        (Bytes, Bytes) if add => Some(Bytes),
        (List(x), List(y)) if add => Some(List(Box::new(unify(x, y)))),
        (DateTime, Duration) if add || sub => Some(DateTime),
        (Duration, DateTime) if add => Some(DateTime),
        (Duration, Duration) if add || sub => Some(Duration),
        (DateTime, DateTime) if sub => Some(Duration),
        _ => None,
    }
}

/// The common type of two compatible types.
pub(super) fn unify(a: &Ty, b: &Ty) -> Ty {
    if a == b {
        return a.clone();
    }
    match (a, b) {
        (Ty::Dyn, t) | (t, Ty::Dyn) => t.clone(),
        _ if a.is_stringy() && b.is_stringy() => Ty::String,
        (Ty::List(x), Ty::List(y)) => Ty::List(Box::new(unify(x, y))),
        _ => Ty::Dyn,
    }
}

pub(super) fn unify_all(types: &[Ty]) -> Ty {
    let Some(first) = types.first() else {
        return Ty::Dyn;
    };
    types.iter().skip(1).fold(first.clone(), |acc, t| {
        if types_compatible(&acc, t) {
            unify(&acc, t)
        } else {
            Ty::Dyn
        }
    })
}
