//! The static check: every name, call and operator of a guard against the declared fields.

use super::compile::entry_exprs;
use super::dates::parse_date;
use super::render::render;
use super::ty::{Ty, arithmetic, types_compatible, unify, unify_all};
use super::{GuardProblem, GuardScope};
use crate::definition::FieldType;
use cel::common::ast::{CallExpr, Expr, IdedExpr, LiteralValue};
use std::collections::{BTreeMap, BTreeSet};

fn string_literal(e: &IdedExpr) -> Option<&str> {
    match &e.expr {
        Expr::Literal(LiteralValue::String(s)) => Some(s.inner()),
        _ => None,
    }
}

fn is_date_literal(e: &IdedExpr) -> bool {
    string_literal(e).is_some_and(|s| parse_date(s).is_some())
}

/// The segments of `a.b.c` when `e` is such a qualified name.
fn name_segments(e: &IdedExpr) -> Option<Vec<&str>> {
    let mut segments = Vec::new();
    let mut expr = e;
    loop {
        match &expr.expr {
            Expr::Ident(name) => {
                segments.push(name.as_str());
                segments.reverse();
                return Some(segments);
            }
            Expr::Select(select) if !select.test => {
                segments.push(select.field.as_str());
                expr = &select.operand;
            }
            _ => return None,
        }
    }
}

const ALLOWED_RECEIVER_MACROS: [&str; 6] =
    ["all", "exists", "exists_one", "existsOne", "map", "filter"];

pub(super) struct Checker<'s> {
    fields: &'s BTreeMap<String, FieldType>,
    settings: BTreeMap<String, Ty>,
    prefixes: BTreeSet<String>,
    /// Comprehension variables, innermost last.
    locals: Vec<(String, Ty)>,
    pub(super) problems: Vec<GuardProblem>,
    pub(super) reads: Vec<String>,
    pub(super) tested: BTreeSet<String>,
}

impl<'s> Checker<'s> {
    pub(super) fn new(scope: &GuardScope<'s>) -> Self {
        let mut prefixes = BTreeSet::new();
        for name in scope.fields.keys() {
            let mut end = 0;
            while let Some(dot) = name[end..].find('.') {
                end += dot;
                prefixes.insert(name[..end].to_owned());
                end += 1;
            }
        }
        Checker {
            fields: scope.fields,
            settings: scope
                .settings
                .iter()
                .map(|(name, json)| (name.clone(), Ty::of_setting(json, 0)))
                .collect(),
            prefixes,
            locals: Vec::new(),
            problems: Vec::new(),
            reads: Vec::new(),
            tested: BTreeSet::new(),
        }
    }

    fn problem(&mut self, problem: GuardProblem) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    fn mismatch(&mut self, e: &IdedExpr, left: String, right: String) {
        self.problem(GuardProblem::TypeMismatch {
            expression: render(e),
            left,
            right,
        });
    }

    fn read(&mut self, name: &str) {
        if !self.reads.iter().any(|r| r == name) {
            self.reads.push(name.to_owned());
        }
    }

    fn local(&self, name: &str) -> Option<&Ty> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
    }

    /// The closest of `candidates` to `name`, if close enough.
    fn suggest<I: IntoIterator<Item = String>>(name: &str, candidates: I) -> Option<String> {
        let limit = (name.chars().count() / 3).clamp(1, 4);
        candidates
            .into_iter()
            .map(|c| (edit_distance(name, &c), c))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, c)| c)
    }

    fn unknown_field(&mut self, name: String) {
        let mut candidates: Vec<String> = self.fields.keys().cloned().collect();
        candidates.extend(self.prefixes.iter().cloned());
        candidates.push("now".into());
        candidates.extend(self.settings.keys().map(|s| format!("settings.{s}")));
        for (local, ty) in &self.locals {
            candidates.push(local.clone());
            if let Ty::Record { subs, .. } = ty {
                candidates.extend(subs.keys().map(|s| format!("{local}.{s}")));
            }
        }
        let suggestion = Self::suggest(&name, candidates).filter(|s| *s != name);
        self.problem(GuardProblem::UnknownField { name, suggestion });
    }

    fn unknown_member(&mut self, written: &str, field: &str, members: Vec<String>) {
        let name = format!("{written}.{field}");
        let suggestion = Self::suggest(field, members).map(|m| format!("{written}.{m}"));
        self.problem(GuardProblem::UnknownField { name, suggestion });
    }

    pub(super) fn check(&mut self, e: &IdedExpr) -> Ty {
        match &e.expr {
            Expr::Literal(literal) => match literal {
                LiteralValue::Boolean(_) => Ty::Bool,
                LiteralValue::Bytes(_) => Ty::Bytes,
                LiteralValue::Double(_) => Ty::Double,
                LiteralValue::Int(_) => Ty::Int,
                LiteralValue::Null => Ty::Null,
                LiteralValue::String(_) => Ty::String,
                LiteralValue::UInt(_) => Ty::UInt,
            },
            Expr::Ident(_) => self.check_name(e, false),
            Expr::Select(select) => {
                if select.test {
                    // only produced by an expanded `has()`, which we never see
                    let operand = self.check(&select.operand);
                    self.check_member(&operand, &render(&select.operand), &select.field, true);
                    return Ty::Bool;
                }
                if name_segments(e).is_some() {
                    return self.check_name(e, false);
                }
                let operand = self.check(&select.operand);
                self.check_member(&operand, &render(&select.operand), &select.field, false)
            }
            Expr::Call(call) => self.check_call(e, call),
            Expr::List(list) => {
                let types: Vec<Ty> = list.elements.iter().map(|el| self.check(el)).collect();
                Ty::List(Box::new(unify_all(&types)))
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    for part in entry_exprs(&entry.expr) {
                        self.check(part);
                    }
                }
                Ty::Map
            }
            Expr::Struct(s) => {
                self.problem(GuardProblem::UnknownFunction {
                    name: s.type_name.clone(),
                });
                for entry in &s.entries {
                    for part in entry_exprs(&entry.expr) {
                        self.check(part);
                    }
                }
                Ty::Dyn
            }
            Expr::Comprehension(c) => {
                self.check(&c.iter_range);
                Ty::Dyn
            }
            Expr::Unspecified => Ty::Dyn,
        }
    }

    /// A qualified name `a.b.c`. With `presence`, a group is a valid result
    /// (the operand of `has()`); otherwise only values are.
    fn check_name(&mut self, e: &IdedExpr, presence: bool) -> Ty {
        let Some(segments) = name_segments(e) else {
            return self.check(e);
        };
        let root = segments[0];
        let (mut ty, mut used) = if let Some(ty) = self.local(root) {
            (ty.clone(), 1)
        } else if root == "now" {
            (Ty::DateTime, 1)
        } else if root == "settings" {
            (Ty::Settings, 1)
        } else {
            // the longest declared field the name starts with
            let found = (1..=segments.len()).rev().find_map(|n| {
                let name = segments[..n].join(".");
                self.fields
                    .get(&name)
                    .map(|t| (Ty::of_field(t, &name), n, name))
            });
            match found {
                Some((ty, n, name)) => {
                    self.read(&name);
                    (ty, n)
                }
                None => {
                    let whole = segments.join(".");
                    if self.prefixes.contains(&whole) {
                        if !presence {
                            // a group of fields is no value a guard can use
                            self.unknown_field(whole.clone());
                            return Ty::Dyn;
                        }
                        return Ty::Group(whole);
                    }
                    self.unknown_field(whole);
                    return Ty::Dyn;
                }
            }
        };
        while used < segments.len() {
            let written = segments[..used].join(".");
            ty = self.check_member(&ty, &written, segments[used], false);
            used += 1;
        }
        if matches!(ty, Ty::Settings) && !presence {
            ty = Ty::Map;
        }
        ty
    }

    /// `operand.field` (or `has(operand.field)` with `presence`).
    fn check_member(&mut self, operand: &Ty, written: &str, field: &str, presence: bool) -> Ty {
        match operand {
            Ty::Dyn | Ty::Map => {
                if presence {
                    Ty::Bool
                } else {
                    Ty::Dyn
                }
            }
            Ty::Settings => match self.settings.get(field) {
                Some(_) if presence => Ty::Bool,
                Some(ty) => ty.clone(),
                None => {
                    let members = self.settings.keys().cloned().collect();
                    self.unknown_member(written, field, members);
                    Ty::Dyn
                }
            },
            Ty::Record {
                field: records,
                subs,
            } => match subs.get(field) {
                Some(_) if presence => Ty::Bool,
                Some(sub) => Ty::of_field(sub, &format!("{records}.{field}")),
                None => {
                    let members = subs.keys().cloned().collect();
                    self.unknown_member(written, field, members);
                    Ty::Dyn
                }
            },
            Ty::Group(prefix) => {
                let name = format!("{prefix}.{field}");
                if let Some(t) = self.fields.get(&name) {
                    if presence {
                        self.tested.insert(name);
                        Ty::Bool
                    } else {
                        self.read(&name);
                        Ty::of_field(t, &name)
                    }
                } else if self.prefixes.contains(&name) {
                    if presence {
                        Ty::Bool
                    } else {
                        self.unknown_field(name);
                        Ty::Dyn
                    }
                } else {
                    self.unknown_field(name);
                    Ty::Dyn
                }
            }
            _ => {
                self.problem(GuardProblem::UnknownField {
                    name: format!("{written}.{field}"),
                    suggestion: None,
                });
                Ty::Dyn
            }
        }
    }

    fn check_call(&mut self, e: &IdedExpr, call: &CallExpr) -> Ty {
        let name = call.func_name.as_str();
        let args = &call.args;
        if let Some(target) = call.target.as_deref() {
            if ALLOWED_RECEIVER_MACROS.contains(&name) {
                return self.check_comprehension(e, name, target, args);
            }
            return self.check_member_call(e, name, target, args);
        }
        match (name, args.len()) {
            ("!_", 1) => {
                let t = self.check(&args[0]);
                if !t.is_bool() {
                    self.mismatch(e, t.name(), "boolean".into());
                }
                Ty::Bool
            }
            ("-_", 1) => {
                let t = self.check(&args[0]);
                match t {
                    Ty::Int | Ty::Double | Ty::Duration | Ty::Dyn => t,
                    _ => {
                        self.mismatch(e, t.name(), "number".into());
                        Ty::Dyn
                    }
                }
            }
            ("_&&_" | "_||_", 2) => {
                for arg in args {
                    let t = self.check(arg);
                    if !t.is_bool() {
                        self.mismatch(e, t.name(), "boolean".into());
                    }
                }
                Ty::Bool
            }
            ("_?_:_", 3) => {
                let c = self.check(&args[0]);
                if !c.is_bool() {
                    self.mismatch(e, c.name(), "boolean".into());
                }
                let a = self.check(&args[1]);
                let b = self.check(&args[2]);
                if types_compatible(&a, &b) {
                    unify(&a, &b)
                } else {
                    self.mismatch(e, a.name(), b.name());
                    Ty::Dyn
                }
            }
            ("_==_" | "_!=_", 2) => {
                let a = self.check(&args[0]);
                let b = self.check(&args[1]);
                self.check_equality(e, &args[0], &a, &args[1], &b);
                Ty::Bool
            }
            ("_<_" | "_<=_" | "_>_" | "_>=_", 2) => {
                let a = self.check(&args[0]);
                let b = self.check(&args[1]);
                if !self.orderable(&args[0], &a, &args[1], &b) {
                    self.mismatch(e, a.name(), b.name());
                }
                Ty::Bool
            }
            ("_+_" | "_-_" | "_*_" | "_/_" | "_%_", 2) => {
                let a = self.check(&args[0]);
                let b = self.check(&args[1]);
                match arithmetic(name, &a, &b) {
                    Some(t) => t,
                    None => {
                        self.mismatch(e, a.name(), b.name());
                        Ty::Dyn
                    }
                }
            }
            ("_[_]", 2) => {
                let a = self.check(&args[0]);
                let b = self.check(&args[1]);
                match (&a, &b) {
                    (Ty::List(elem), Ty::Int | Ty::UInt | Ty::Dyn) => (**elem).clone(),
                    (Ty::Dyn, _) => Ty::Dyn,
                    (Ty::Map | Ty::Settings | Ty::Record { .. }, _) => Ty::Dyn,
                    _ => {
                        self.mismatch(e, a.name(), b.name());
                        Ty::Dyn
                    }
                }
            }
            ("@in", 2) => {
                let a = self.check(&args[0]);
                let b = self.check(&args[1]);
                self.check_in(e, &args[0], &a, &args[1], &b);
                Ty::Bool
            }
            ("has", _) => self.check_has(e, args),
            _ => self.check_function(e, name, args),
        }
    }

    fn check_has(&mut self, e: &IdedExpr, args: &[IdedExpr]) -> Ty {
        let [arg] = args else {
            let found = self.arg_types(args);
            self.mismatch(e, found, "(field)".into());
            return Ty::Bool;
        };
        let Expr::Select(select) = &arg.expr else {
            let t = self.check(arg);
            self.mismatch(e, format!("({})", t.name()), "(field)".into());
            return Ty::Bool;
        };
        let operand = if name_segments(&select.operand).is_some() {
            self.check_name(&select.operand, true)
        } else {
            self.check(&select.operand)
        };
        let written = render(&select.operand);
        self.check_member(&operand, &written, &select.field, true);
        Ty::Bool
    }

    fn arg_types(&mut self, args: &[IdedExpr]) -> String {
        let types: Vec<String> = args.iter().map(|a| self.check(a).name()).collect();
        format!("({})", types.join(", "))
    }

    fn check_equality(&mut self, e: &IdedExpr, ea: &IdedExpr, a: &Ty, eb: &IdedExpr, b: &Ty) {
        match (a, b) {
            (Ty::Enum { field, values }, _) => self.check_enum_value(field, values, eb),
            (_, Ty::Enum { field, values }) => self.check_enum_value(field, values, ea),
            _ => {}
        }
        let ok = match (a, b) {
            (Ty::Date, Ty::String) => is_date_literal(eb),
            (Ty::String, Ty::Date) => is_date_literal(ea),
            _ => types_compatible(a, b),
        };
        if !ok {
            self.mismatch(e, a.name(), b.name());
        }
    }

    fn check_enum_value(&mut self, field: &str, values: &[String], other: &IdedExpr) {
        if let Some(value) = string_literal(other)
            && !values.iter().any(|v| v == value)
        {
            self.problem(GuardProblem::EnumValue {
                field: field.to_owned(),
                value: value.to_owned(),
                allowed: values.to_vec(),
            });
        }
    }

    fn orderable(&self, ea: &IdedExpr, a: &Ty, eb: &IdedExpr, b: &Ty) -> bool {
        match (a, b) {
            (Ty::Dyn, _) | (_, Ty::Dyn) => true,
            _ if a.is_numeric() && b.is_numeric() => true,
            _ if a.is_stringy() && b.is_stringy() => true,
            (Ty::Date, Ty::String) => is_date_literal(eb),
            (Ty::String, Ty::Date) => is_date_literal(ea),
            (Ty::Date, Ty::Date)
            | (Ty::DateTime, Ty::DateTime)
            | (Ty::Duration, Ty::Duration)
            | (Ty::Bool, Ty::Bool)
            | (Ty::Bytes, Ty::Bytes) => true,
            _ => false,
        }
    }

    fn check_in(&mut self, e: &IdedExpr, ea: &IdedExpr, a: &Ty, eb: &IdedExpr, b: &Ty) {
        match (b, &eb.expr) {
            (Ty::List(_), Expr::List(list)) => {
                // check each literal element as an equality with the left operand
                for element in &list.elements {
                    let t = self.check(element);
                    self.check_equality(e, ea, a, element, &t);
                }
            }
            (Ty::List(elem), _) => {
                if let Ty::Enum { field, values } = &**elem {
                    self.check_enum_value(field, values, ea);
                }
                if !types_compatible(a, elem) {
                    self.mismatch(e, a.name(), b.name());
                }
            }
            (Ty::Map | Ty::Settings | Ty::Record { .. }, _) => {
                if !(a.is_stringy() || matches!(a, Ty::Dyn | Ty::Int | Ty::UInt | Ty::Bool)) {
                    self.mismatch(e, a.name(), b.name());
                }
            }
            (Ty::Dyn, _) => {}
            _ => self.mismatch(e, a.name(), b.name()),
        }
    }

    fn check_comprehension(
        &mut self,
        e: &IdedExpr,
        name: &str,
        target: &IdedExpr,
        args: &[IdedExpr],
    ) -> Ty {
        let range = self.check(target);
        let element = match &range {
            Ty::List(elem) => (**elem).clone(),
            // a map iterates over its keys
            Ty::Settings | Ty::Record { .. } => Ty::String,
            Ty::Map | Ty::Dyn => Ty::Dyn,
            other => {
                self.mismatch(e, other.name(), "list".into());
                Ty::Dyn
            }
        };
        let expected_arity = if name == "map" { 2..=3 } else { 2..=2 };
        let variable = match args.first().map(|a| &a.expr) {
            Some(Expr::Ident(v)) if expected_arity.contains(&args.len()) => v.clone(),
            _ => {
                let found = self.arg_types(args);
                let expected = if name == "map" {
                    "(variable, expression)"
                } else {
                    "(variable, predicate)"
                };
                self.mismatch(e, found, expected.into());
                return Ty::Dyn;
            }
        };
        self.locals.push((variable, element.clone()));
        let result = match name {
            "map" => {
                if args.len() == 3 {
                    let p = self.check(&args[1]);
                    if !p.is_bool() {
                        self.mismatch(e, p.name(), "boolean".into());
                    }
                }
                let mapped = self.check(&args[args.len() - 1]);
                Ty::List(Box::new(mapped))
            }
            _ => {
                let p = self.check(&args[1]);
                if !p.is_bool() {
                    self.mismatch(e, p.name(), "boolean".into());
                }
                if name == "filter" {
                    Ty::List(Box::new(element))
                } else {
                    Ty::Bool
                }
            }
        };
        self.locals.pop();
        result
    }

    fn check_member_call(
        &mut self,
        e: &IdedExpr,
        name: &str,
        target: &IdedExpr,
        args: &[IdedExpr],
    ) -> Ty {
        match name {
            "size" => {
                let t = self.check(target);
                let found = self.arg_types(args);
                if !args.is_empty() {
                    self.mismatch(e, found, "()".into());
                } else {
                    self.check_sizable(e, &t);
                }
                Ty::Int
            }
            "contains" | "startsWith" | "endsWith" | "matches" => {
                let t = self.check(target);
                let arg_types: Vec<Ty> = args.iter().map(|a| self.check(a)).collect();
                let ok = (t.is_stringy() || t == Ty::Dyn)
                    && arg_types.len() == 1
                    && arg_types.iter().all(|a| a.is_stringy() || *a == Ty::Dyn);
                if !ok {
                    let mut found = vec![t.name()];
                    found.extend(arg_types.iter().map(Ty::name));
                    self.mismatch(
                        e,
                        format!("({})", found.join(", ")),
                        "(string, string)".into(),
                    );
                }
                Ty::Bool
            }
            _ => {
                self.problem(GuardProblem::UnknownFunction { name: name.into() });
                self.check(target);
                for arg in args {
                    self.check(arg);
                }
                Ty::Dyn
            }
        }
    }

    fn check_sizable(&mut self, e: &IdedExpr, t: &Ty) {
        let ok = matches!(
            t,
            Ty::String
                | Ty::Enum { .. }
                | Ty::Bytes
                | Ty::List(_)
                | Ty::Map
                | Ty::Settings
                | Ty::Record { .. }
                | Ty::Dyn
        );
        if !ok {
            self.mismatch(e, format!("({})", t.name()), "(string | list | map)".into());
        }
    }

    fn check_function(&mut self, e: &IdedExpr, name: &str, args: &[IdedExpr]) -> Ty {
        let types: Vec<Ty> = args.iter().map(|a| self.check(a)).collect();
        let found = || {
            format!(
                "({})",
                types.iter().map(Ty::name).collect::<Vec<_>>().join(", ")
            )
        };
        // what each argument may be
        let date = |i: usize| matches!(types[i], Ty::Date | Ty::Dyn) || is_date_literal(&args[i]);
        let day = |i: usize| date(i) || matches!(types[i], Ty::DateTime);
        let (ok, expected, result) = match name {
            "age" | "criminal_age" => (
                types.len() == 2 && date(0) && day(1),
                "(date, datetime)",
                Ty::Int,
            ),
            "today" => (
                types.len() == 1 && matches!(types[0], Ty::DateTime | Ty::Dyn),
                "(datetime)",
                Ty::Date,
            ),
            "days_between" => (
                types.len() == 2 && date(0) && date(1),
                "(date, date)",
                Ty::Int,
            ),
            "add_period" => {
                let period_ok = types.len() == 2
                    && (matches!(types[1], Ty::Duration | Ty::Dyn) || types[1].is_stringy());
                let result = if types.first().is_some_and(|t| matches!(t, Ty::DateTime)) {
                    Ty::DateTime
                } else {
                    Ty::Date
                };
                (period_ok && day(0), "(date | datetime, period)", result)
            }
            "size" => {
                if let [t] = types.as_slice() {
                    self.check_sizable(e, t);
                    (true, "", Ty::Int)
                } else {
                    (false, "(string | list | map)", Ty::Int)
                }
            }
            "matches" => (
                types.len() == 2 && types.iter().all(|t| t.is_stringy() || *t == Ty::Dyn),
                "(string, string)",
                Ty::Bool,
            ),
            "int" => (
                types.len() == 1
                    && (types[0].is_numeric()
                        || types[0].is_stringy()
                        || matches!(types[0], Ty::DateTime | Ty::Dyn)),
                "(integer | double | string | datetime)",
                Ty::Int,
            ),
            "string" => (
                types.len() == 1
                    && !matches!(
                        types[0],
                        Ty::List(_) | Ty::Map | Ty::Settings | Ty::Record { .. } | Ty::Group(_)
                    ),
                "(scalar)",
                Ty::String,
            ),
            "timestamp" => (
                types.len() == 1
                    && matches!(types[0], Ty::String | Ty::Int | Ty::DateTime | Ty::Dyn),
                "(string | integer)",
                Ty::DateTime,
            ),
            "duration" => (
                types.len() == 1 && matches!(types[0], Ty::String | Ty::Duration | Ty::Dyn),
                "(string)",
                Ty::Duration,
            ),
            _ => {
                self.problem(GuardProblem::UnknownFunction { name: name.into() });
                return Ty::Dyn;
            }
        };
        if !ok {
            let found = found();
            self.mismatch(e, found, expected.into());
        }
        result
    }
}

/// Levenshtein distance, over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests;
