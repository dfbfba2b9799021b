//! Transition guards: boolean CEL expressions over a case's fields.
//!
//! A guard is compiled once against a [`GuardScope`] (the declared fields and
//! the settings) with [`Guard::compile`], which parses it with `cel` 0.15 and
//! then checks it statically, reporting every [`GuardProblem`] it finds:
//! syntax errors, unknown fields (with a "did you mean" suggestion), unknown
//! functions, operands of incompatible types, enum literals that are not
//! values of the enum, and a guard that is not boolean. A compiled [`Guard`]
//! is immutable, `Send + Sync`, and can be evaluated any number of times, from
//! any thread, with [`Guard::evaluate`].
//!
//! # Names
//!
//! Field names are dotted (`child.birth_date`). In CEL that is a member
//! selection on the variable `child`, so at evaluation the flat keys of the
//! case [`Data`](crate::definition::Data) are nested into maps, one per prefix of a declared field
//! (`child`, `child.address`, ...). Every prefix is bound even when none of
//! its fields is set, so that `has(carer.name)` is `false`, not an error,
//! when nothing of `carer` is set; `has(child.address)`, on a prefix, is true
//! when some field under it is set. Besides the fields, a guard can read:
//!
//! * `now`, a CEL `timestamp`: the instant passed to [`Guard::evaluate`];
//! * `settings.<name>`, the value of a declared setting;
//! * inside `all`, `exists`, `exists_one`, `map` and `filter`, the
//!   comprehension variable, e.g. `s.birth_date` in
//!   `siblings.all(s, age(s.birth_date, now) < 18)` for a records field.
//!
//! `now` and `settings` are reserved: a declared field under either name is
//! shadowed by them.
//!
//! # Values
//!
//! | declared type | CEL value |
//! |---|---|
//! | string, enum | `string` |
//! | integer | `int` |
//! | boolean | `bool` |
//! | date | `string`, `"YYYY-MM-DD"` (see below) |
//! | datetime | `timestamp`, expressed in the evaluation time zone |
//! | list | `list` of the above |
//! | records | `list` of maps, one per record |
//!
//! A data key whose value is JSON `null` counts as unset, like an absent key.
//!
//! **Dates are ISO `"YYYY-MM-DD"` strings.** Their lexicographic order is
//! their chronological order, so `visit.date <= today(now)` and `==` work as
//! they should, they need no time zone, and they are what the case data
//! already holds. The static check keeps them apart from other strings: a
//! date compares with a date, or with a string literal that is a valid date
//! (`child.birth_date < "2010-01-01"`), never with another string, an
//! integer or a datetime. Datetimes are CEL timestamps and compare with `now`
//! and with each other; every timestamp bound by the engine (`now` and the
//! datetime fields) carries the UTC offset that the evaluation time zone has
//! at that instant, so the calendar day of a timestamp is the day in that
//! zone. A `timestamp("...")` literal keeps the offset it is written with.
//!
//! Settings: an integer is an `int`, a boolean a `bool`, a string that parses
//! as a duration (`"72h"`, `"1h30m"`, `"PT72H"`, `"30 days"`, `"P2W"`; days
//! are 24 hours, months and years are not durations) a CEL `duration`, a
//! string `"YYYY-MM-DD"` a date (so still a string), any other string a
//! `string`.
//!
//! # Functions
//!
//! Besides CEL's standard `size`, `has`, `all`, `exists`, `exists_one`,
//! `map`, `filter`, `contains`, `startsWith`, `endsWith`, `matches`, `int`,
//! `string`, `timestamp`, `duration` and `in`:
//!
//! * `age(date, now)` (or `age(date, date)`): age in full years (周岁) on the
//!   day of the second argument, civil rule, see [`age_on`];
//! * `criminal_age(date, now)` (or `(date, date)`): the criminal-law age, see
//!   [`criminal_age_on`];
//! * `today(now)`: the calendar day (a date) of a timestamp;
//! * `days_between(a, b)`: the number of days from date `a` to date `b`,
//!   `b - a`, negative if `b` is before `a`.
//!
//! # Evaluation
//!
//! [`Guard::evaluate`] is pure: `now` and the time zone are arguments. A
//! guard that reads an unset field yields [`GuardResult::Unset`] naming it
//! (`carer.name`, or `siblings.birth_date` for a record that lacks a
//! sub-field), unless the field is only read under `has()` or the read is
//! skipped by `&&`, `||` or `?:` (CEL's commutative logic also absorbs an
//! error when the other side decides: `unset || true` is `true`). Any other
//! runtime error, and a non-boolean result, is [`GuardResult::Error`].
//! A malformed data value (a date that is not `YYYY-MM-DD`, ...) is an
//! `Error` for a guard that uses the field, and ignored by the others.
//!
//! # Limits
//!
//! Guards are parsed with `cel`'s hand-written Pratt parser, and with its
//! ANTLR parser wherever the two might differ (see `compile`). The ANTLR
//! parser uses a lot of stack: in a debug build a dozen nested parentheses
//! overflow a 2 MiB thread. So [`Guard::compile`] parses and checks on a
//! short-lived thread of its own, with a 64 MiB stack (virtual memory; only
//! what is used is committed), and rejects, as [`GuardProblem::Syntax`],
//! sources over 4096 bytes, and expressions nested more than 32 levels deep
//! (the ANTLR parser itself stops at 96 levels of brackets; sources nested
//! past 64 go to it). The interpreter recurses too: within those limits
//! [`Guard::evaluate`] fits in the 2 MiB of an ordinary spawned thread even
//! in a debug build. Neither panics on any input; a panic inside `cel`
//! would be turned into an `Error`/`Syntax` problem.
//!
//! # Layout
//!
//! This file holds the public types. `compile` parses and bounds a guard,
//! `typecheck` (over the types of `ty`) checks it statically, `render` prints
//! expressions back for messages; `runtime` evaluates (the CEL environment and
//! the guard functions), `convert` turns case data and settings into CEL
//! values, and `dates` holds the age and date rules the functions use.
use crate::definition::FieldType;
use cel::common::ast::IdedExpr;
use std::collections::{BTreeMap, BTreeSet};

mod compile;
mod convert;
mod dates;
#[cfg(test)]
mod fixture;
mod render;
mod runtime;
#[cfg(test)]
mod tests;
mod ty;
mod typecheck;

pub use dates::{age_on, criminal_age_on};

/// A compiled, statically checked guard.
///
/// Compile once, evaluate many times; it is `Send + Sync`.
#[derive(Debug)]
pub struct Guard {
    source: String,
    /// The expression that runs: the standard macros expanded.
    expression: IdedExpr,
    /// Declared fields read by value (outside `has()`), in source order.
    fields: Vec<String>,
    /// Every declared field named anywhere, `has()` included.
    referenced: BTreeSet<String>,
}

/// Statically checked guard environment: declared fields + settings names/values types.
#[derive(Debug, Clone, Copy)]
pub struct GuardScope<'a> {
    pub fields: &'a BTreeMap<String, FieldType>,
    pub settings: &'a BTreeMap<String, serde_json::Value>,
}

/// A problem found while compiling a guard. `Display` is English; the
/// variants carry what is needed to localize them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GuardProblem {
    /// The guard does not parse (or misuses a macro such as `has()`).
    #[error("syntax error: {message}")]
    Syntax { message: String },
    /// A name that is no declared field, setting, variable or `now`.
    #[error("unknown field `{name}`{}", did_you_mean(.suggestion))]
    UnknownField {
        name: String,
        suggestion: Option<String>,
    },
    /// A function that is neither standard CEL nor a guard function.
    #[error("unknown function `{name}`")]
    UnknownFunction { name: String },
    /// Operands (or arguments) of types that do not go together. For a
    /// function call, `left` is the argument types found and `right` the
    /// ones expected, e.g. `(date, integer)` and `(date, datetime)`.
    #[error("type mismatch in `{expression}`: {left} and {right} do not go together")]
    TypeMismatch {
        expression: String,
        left: String,
        right: String,
    },
    /// The whole guard is not a boolean expression.
    #[error("a guard must be a boolean expression, but this one is of type {found}")]
    NotBoolean { found: String },
    /// A string literal compared with an enum field is not one of its values.
    #[error("`{value}` is not a value of `{field}` (allowed: {})", .allowed.join(", "))]
    EnumValue {
        field: String,
        value: String,
        allowed: Vec<String>,
    },
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

/// The outcome of evaluating a guard.
#[derive(Debug, Clone, PartialEq)]
pub enum GuardResult {
    Pass,
    Fail,
    /// The guard read a field that is not set.
    Unset {
        field: String,
    },
    /// Any other evaluation error, or a non-boolean result.
    Error {
        message: String,
    },
}

impl Guard {
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every declared field the guard reads or tests with `has()`.
    pub fn referenced(&self) -> &BTreeSet<String> {
        &self.referenced
    }

    /// Top-level field names (dotted) the guard reads, for "missing field" reporting.
    ///
    /// These are the declared fields read by value, in the order they first
    /// appear; a field only tested with `has()` is not listed, as it being
    /// unset never makes the result [`GuardResult::Unset`].
    pub fn fields(&self) -> &[String] {
        &self.fields
    }
}
