//! TEMPORARY stub: replaced by the real CEL guard module.
use crate::definition::{Data, FieldType};
use std::collections::BTreeMap;
pub struct Guard {
    source: String,
    fields: Vec<String>,
}
pub struct GuardScope<'a> {
    pub fields: &'a BTreeMap<String, FieldType>,
    pub settings: &'a BTreeMap<String, serde_json::Value>,
}
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GuardProblem {
    #[error("syntax {message}")]
    Syntax { message: String },
    #[error("unknown field {name}")]
    UnknownField {
        name: String,
        suggestion: Option<String>,
    },
    #[error("unknown fn {name}")]
    UnknownFunction { name: String },
    #[error("mismatch")]
    TypeMismatch {
        expression: String,
        left: String,
        right: String,
    },
    #[error("not bool")]
    NotBoolean { found: String },
    #[error("enum")]
    EnumValue {
        field: String,
        value: String,
        allowed: Vec<String>,
    },
}
#[derive(Debug, Clone, PartialEq)]
pub enum GuardResult {
    Pass,
    Fail,
    Unset { field: String },
    Error { message: String },
}
impl Guard {
    pub fn compile(source: &str, _scope: &GuardScope) -> Result<Guard, Vec<GuardProblem>> {
        Ok(Guard {
            source: source.into(),
            fields: vec![],
        })
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn fields(&self) -> &[String] {
        &self.fields
    }
    pub fn evaluate(
        &self,
        _d: &Data,
        _s: &GuardScope,
        _n: jiff::Timestamp,
        _t: &jiff::tz::TimeZone,
    ) -> GuardResult {
        GuardResult::Pass
    }
}
