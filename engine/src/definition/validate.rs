//! The semantic pass: does the decoded definition make sense as a process?

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{
    DeadlineDef, DeadlineRule, DeadlineStart, Definition, FieldDef, FieldType, FromStates,
    MAX_REASON_EN_CHARS, MAX_TITLE_EN_CHARS, PeriodSpec, SYSTEM_ROLE, SpawnDef,
};
use crate::guard::{Guard, GuardScope};
use crate::period::Period;
use crate::problem::{Problem, ProblemKind, TitleProblem};
use crate::suggest::closest;

struct Checker<'d> {
    def: &'d Definition,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, path: &str, kind: ProblemKind) {
        self.problems.push(Problem {
            pos: self.def.spans.at(path),
            path: path.to_owned(),
            kind,
        });
    }

    fn role(&mut self, role: &str, path: &str, allow_system: bool) {
        if role == SYSTEM_ROLE && allow_system {
            return;
        }
        if !self.def.roles.iter().any(|r| r == role) {
            let suggestion = closest(role, self.def.roles.iter().map(String::as_str));
            self.report(
                path,
                ProblemKind::UndeclaredRole {
                    role: role.to_owned(),
                    suggestion,
                },
            );
        }
    }

    fn field(&mut self, field: &str, path: &str) -> Option<&FieldType> {
        if let Some(f) = self.def.fields.get(field) {
            return Some(&f.ty);
        }
        let suggestion = closest(field, self.def.fields.keys().map(String::as_str));
        self.report(
            path,
            ProblemKind::UndeclaredField {
                field: field.to_owned(),
                suggestion,
            },
        );
        None
    }

    fn state(&mut self, state: &str, path: &str) {
        if self.def.state(state).is_none() {
            let suggestion = closest(state, self.def.states.iter().map(|s| s.key.as_str()));
            self.report(
                path,
                ProblemKind::UndefinedState {
                    state: state.to_owned(),
                    suggestion,
                },
            );
        }
    }

    fn period(&mut self, spec: &PeriodSpec, path: &str) {
        if let PeriodSpec::Setting(name) = spec {
            match self.def.settings.get(name) {
                None => {
                    let suggestion = closest(name, self.def.settings.keys().map(String::as_str));
                    self.report(
                        path,
                        ProblemKind::UndeclaredSetting {
                            name: name.clone(),
                            suggestion,
                        },
                    );
                }
                Some(value) => {
                    let text = value
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or(value.to_string());
                    if let Err(error) = Period::parse(&text) {
                        self.report(
                            &format!("settings.{name}"),
                            ProblemKind::BadPeriod { text, error },
                        );
                    }
                }
            }
        }
    }
}

/// Confidential fields name declared fields (a `prefix.*` at least one) and declared roles.
fn check_confidential(c: &mut Checker) {
    let Some(conf) = &c.def.confidential else {
        return;
    };
    for (i, pattern) in conf.fields.iter().enumerate() {
        let path = format!("confidential.fields[{i}]");
        match pattern.strip_suffix(".*") {
            Some(prefix) => {
                let dotted = format!("{prefix}.");
                if !c.def.fields.keys().any(|f| f.starts_with(&dotted)) {
                    let suggestion = closest(pattern, c.def.fields.keys().map(String::as_str));
                    c.report(
                        &path,
                        ProblemKind::UndeclaredField {
                            field: pattern.clone(),
                            suggestion,
                        },
                    );
                }
            }
            None => {
                c.field(pattern, &path);
            }
        }
    }
    for (i, role) in conf.visible_to.iter().enumerate() {
        c.role(role, &format!("confidential.visible_to[{i}]"), false);
    }
}

/// Reports each value of an enum field (a list of enums, an enum in a record) that has no
/// label, at the value where the labelled form is used, else at `values`.
fn unlabelled_values(c: &mut Checker, key: &str, field: &FieldDef) {
    let mut enums: Vec<(String, &FieldType)> = Vec::new();
    match &field.ty {
        FieldType::Records(record) => {
            for (name, ty) in record.iter() {
                enums.push((format!("fields.{key}.of.{name}.values"), ty));
            }
        }
        FieldType::List(inner) => enums.push((format!("fields.{key}.of.values"), inner.as_ref())),
        ty => enums.push((format!("fields.{key}.values"), ty)),
    }
    for (path, ty) in enums {
        let FieldType::Enum { values, labels } = ty else {
            continue;
        };
        for (i, value) in values.iter().enumerate() {
            if labels.get(value).is_some() {
                continue;
            }
            let at = match c.def.spans.0.contains_key(&format!("{path}.{value}")) {
                true => format!("{path}.{value}"),
                false => format!("{path}[{i}]"),
            };
            c.report(
                &at,
                ProblemKind::EnumValueWithoutLabel {
                    field: key.to_owned(),
                    title: field.title.clone(),
                    value: value.clone(),
                },
            );
        }
    }
}

/// What is wrong with a `title_en` (or, with its own limit, a `reason_en`), if anything.
fn title_problem(text: &str, limit: usize) -> Option<TitleProblem> {
    if text.trim().is_empty() {
        Some(TitleProblem::Empty)
    } else if text.chars().any(char::is_control) {
        Some(TitleProblem::ControlCharacter)
    } else if text.chars().count() > limit {
        Some(TitleProblem::TooLong { limit })
    } else {
        None
    }
}

/// Every English title the workflow gives (its own, its fields', states', transitions' and
/// deadlines') is one a listing can print, and every English guard reason one a refusal can.
fn check_titles(c: &mut Checker) {
    fn add<'d>(titles: &mut Vec<(String, &'d str)>, path: String, title: &'d Option<String>) {
        if let Some(t) = title {
            titles.push((path, t.as_str()));
        }
    }
    let def = c.def;
    let mut titles: Vec<(String, &str)> = Vec::new();
    add(&mut titles, "title_en".into(), &def.title_en);
    for (key, f) in &def.fields {
        add(&mut titles, format!("fields.{key}.title_en"), &f.title_en);
    }
    for s in &def.states {
        add(
            &mut titles,
            format!("states.{}.title_en", s.key),
            &s.title_en,
        );
    }
    for (i, d) in def.start.deadlines.iter().enumerate() {
        add(
            &mut titles,
            format!("start.deadlines[{i}].title_en"),
            &d.title_en,
        );
    }
    for t in &def.transitions {
        add(
            &mut titles,
            format!("transitions.{}.title_en", t.key),
            &t.title_en,
        );
        for (i, d) in t.deadlines.iter().enumerate() {
            add(
                &mut titles,
                format!("transitions.{}.deadlines[{i}].title_en", t.key),
                &d.title_en,
            );
        }
    }
    let mut reasons: Vec<(String, &str)> = Vec::new();
    for t in &def.transitions {
        for (i, g) in t.guards.iter().enumerate() {
            add(
                &mut reasons,
                format!("transitions.{}.guard[{i}].reason_en", t.key),
                &g.reason_en,
            );
        }
    }
    let titles = titles.into_iter().map(|t| (t, MAX_TITLE_EN_CHARS));
    let reasons = reasons.into_iter().map(|r| (r, MAX_REASON_EN_CHARS));
    for ((path, text), limit) in titles.chain(reasons) {
        if let Some(problem) = title_problem(text, limit) {
            c.report(&path, ProblemKind::BadTitle { problem });
        }
    }
}

/// Checks one decoded definition on its own (links to other workflows: [`validate_links`]).
pub(super) fn check(def: &Definition) -> Vec<Problem> {
    let mut c = Checker {
        def,
        problems: Vec::new(),
    };
    for (i, role) in def.roles.iter().enumerate() {
        // `roles.police` in the titled form, `roles[2]` in a plain list.
        let path = match def.spans.0.contains_key(&format!("roles.{role}")) {
            true => format!("roles.{role}"),
            false => format!("roles[{i}]"),
        };
        if role == SYSTEM_ROLE {
            c.report(&path, ProblemKind::ReservedRole { role: role.clone() });
        } else if def.role_title(role).is_none() {
            c.report(&path, ProblemKind::RoleWithoutTitle { role: role.clone() });
        }
    }
    for (key, field) in &def.fields {
        unlabelled_values(&mut c, key, field);
    }
    check_titles(&mut c);
    for (i, role) in def.start.roles.iter().enumerate() {
        c.role(role, &format!("start.roles[{i}]"), false);
    }
    for (i, field) in def.start.requires.iter().enumerate() {
        c.field(field, &format!("start.requires[{i}]"));
    }
    check_deadlines(&mut c, &def.start.deadlines, "start", &[]);
    if let Some(field) = &def.start.act_time {
        check_act_time(&mut c, field, "start.act_time");
    }
    check_confidential(&mut c);
    for (key, roles) in [
        ("corrections", &def.corrections),
        ("transfers", &def.transfers),
    ] {
        for (i, role) in roles.iter().flatten().enumerate() {
            c.role(role, &format!("{key}[{i}]"), false);
        }
    }
    check_states(&mut c);
    let types = def.field_types();
    let scope = GuardScope {
        fields: &types,
        settings: &def.settings,
    };
    for (i, rule) in def.priority.iter().enumerate() {
        let path = if def.spans.0.contains_key(&format!("priority[{i}]")) {
            format!("priority[{i}]")
        } else {
            "priority".to_owned()
        };
        if let Err(problems) = Guard::compile(&rule.source, &scope) {
            for problem in problems {
                c.report(&path, ProblemKind::Guard(problem));
            }
        }
    }
    for t in &def.transitions {
        let path = format!("transitions.{}", t.key);
        if let FromStates::Listed(states) = &t.from {
            for (i, s) in states.iter().enumerate() {
                c.state(s, &format!("{path}.from[{i}]"));
                if def.is_final(s) {
                    c.report(
                        &format!("{path}.from[{i}]"),
                        ProblemKind::LeavesFinalState { state: s.clone() },
                    );
                }
            }
        }
        if !t.to.is_empty() {
            c.state(&t.to, &format!("{path}.to"));
        }
        for (i, role) in t.roles.iter().enumerate() {
            c.role(role, &format!("{path}.roles[{i}]"), true);
        }
        for (i, field) in t.requires.iter().enumerate() {
            c.field(field, &format!("{path}.requires[{i}]"));
        }
        for (i, guard) in t.guards.iter().enumerate() {
            let guard_path =
                if t.guards.len() == 1 && !def.spans.0.contains_key(&format!("{path}.guard[0]")) {
                    format!("{path}.guard")
                } else {
                    format!("{path}.guard[{i}]")
                };
            if let Err(problems) = Guard::compile(&guard.source, &scope) {
                for problem in problems {
                    c.report(&guard_path, ProblemKind::Guard(problem));
                }
            }
        }
        check_deadlines(&mut c, &t.deadlines, &path, &t.requires);
        for (i, name) in t.cancels.iter().enumerate() {
            let declared = def
                .start
                .deadlines
                .iter()
                .chain(def.transitions.iter().flat_map(|t| &t.deadlines))
                .any(|d| &d.name == name);
            if !declared {
                let names: Vec<&str> = def
                    .start
                    .deadlines
                    .iter()
                    .chain(def.transitions.iter().flat_map(|t| &t.deadlines))
                    .map(|d| d.name.as_str())
                    .collect();
                c.report(
                    &format!("{path}.cancels[{i}]"),
                    ProblemKind::UnknownDeadline {
                        name: name.clone(),
                        suggestion: closest(name, names),
                    },
                );
            }
        }
        if let Some(field) = &t.act_time {
            check_act_time(&mut c, field, &format!("{path}.act_time"));
        }
        if let Some(in_time) = &t.in_time {
            // The date the act records must be given with it, and be a date or datetime.
            check_deadline_field(
                &mut c,
                &in_time.field,
                &t.requires,
                &format!("{path}.in_time.field"),
            );
            let names: Vec<&str> = def
                .start
                .deadlines
                .iter()
                .chain(def.transitions.iter().flat_map(|t| &t.deadlines))
                .map(|d| d.name.as_str())
                .collect();
            if !names.contains(&in_time.deadline.as_str()) {
                c.report(
                    &format!("{path}.in_time.deadline"),
                    ProblemKind::UnknownDeadline {
                        name: in_time.deadline.clone(),
                        suggestion: closest(&in_time.deadline, names),
                    },
                );
            }
        }
        for (i, spawn) in t.spawn.iter().enumerate() {
            let sp = if t.spawn.len() == 1 && !def.spans.0.contains_key(&format!("{path}.spawn[0]"))
            {
                format!("{path}.spawn")
            } else {
                format!("{path}.spawn[{i}]")
            };
            check_spawn_sources(&mut c, spawn, &sp);
        }
    }
    c.problems
}

/// A deadline's start field must be a date or datetime that is sure to be set when the deadline
/// is: a required field of the step, or of the opening (which stays set).
/// The field that records an act's time must be a declared datetime field.
fn check_act_time(c: &mut Checker, field: &str, path: &str) {
    if let Some(ty) = c.field(field, path)
        && !matches!(ty, FieldType::DateTime)
    {
        c.report(
            path,
            ProblemKind::NotATimeField {
                field: field.to_owned(),
            },
        );
    }
}

fn check_deadline_field(c: &mut Checker, field: &str, requires: &[String], path: &str) {
    let Some(ty) = c.field(field, path) else {
        return;
    };
    if !matches!(ty, FieldType::Date | FieldType::DateTime) {
        c.report(
            path,
            ProblemKind::NotATimeField {
                field: field.to_owned(),
            },
        );
        return;
    }
    let guaranteed = requires.iter().any(|r| r == field)
        || c.def.start_requirements().iter().any(|r| r == field);
    if !guaranteed {
        c.report(
            path,
            ProblemKind::DeadlineFieldNotRequired {
                field: field.to_owned(),
            },
        );
    }
}

/// Checks deadlines set at `path` (the opening, or a transition requiring `requires`).
fn check_deadlines(c: &mut Checker, deadlines: &[DeadlineDef], path: &str, requires: &[String]) {
    let def = c.def;
    for (i, d) in deadlines.iter().enumerate() {
        let dp = format!("{path}.deadlines[{i}]");
        match &d.rule {
            DeadlineRule::Within(spec) => c.period(spec, &format!("{dp}.within")),
            DeadlineRule::Every(spec) => c.period(spec, &format!("{dp}.every")),
            DeadlineRule::DateAfter(spec) => c.period(spec, &format!("{dp}.date_after")),
        }
        if let Some(spec) = &d.remind_before {
            c.period(spec, &format!("{dp}.remind_before"));
        }
        if let DeadlineStart::Field(field) = &d.from {
            check_deadline_field(c, field, requires, &format!("{dp}.from"));
        }
        if let Some(breach) = &d.on_breach {
            match def.transition(breach) {
                None => {
                    let suggestion =
                        closest(breach, def.transitions.iter().map(|t| t.key.as_str()));
                    c.report(
                        &format!("{dp}.on_breach"),
                        ProblemKind::UnknownTransition {
                            name: breach.clone(),
                            suggestion,
                        },
                    );
                }
                Some(target) if !target.is_system() => c.report(
                    &format!("{dp}.on_breach"),
                    ProblemKind::BreachNotSystem {
                        transition: breach.clone(),
                    },
                ),
                Some(_) => {}
            }
        }
    }
}

fn check_states(c: &mut Checker) {
    let def = c.def;
    let initial: Vec<&str> = def
        .states
        .iter()
        .filter(|s| s.initial)
        .map(|s| s.key.as_str())
        .collect();
    match initial.as_slice() {
        // `states: {}` written out is a workflow no case can open; a missing key is already
        // reported by the decoder.
        [] if !def.states.is_empty() || def.spans.0.contains_key("states") => {
            c.report("states", ProblemKind::NoInitialState)
        }
        [] => {}
        [one] => {
            if def.is_final(one) {
                c.report(
                    &format!("states.{one}"),
                    ProblemKind::InitialIsFinal {
                        state: (*one).to_owned(),
                    },
                );
            }
        }
        [_, rest @ ..] => {
            for s in rest {
                c.report(
                    &format!("states.{s}.initial"),
                    ProblemKind::SeveralInitialStates {
                        states: initial.iter().map(|s| (*s).to_owned()).collect(),
                    },
                );
            }
        }
    }
    let Some(start) = def.initial_state() else {
        return;
    };
    // Reachability over the transition graph; `from: "*"` leaves every reachable open state.
    let mut reached: BTreeSet<&str> = BTreeSet::from([start.key.as_str()]);
    let mut queue = VecDeque::from([start.key.as_str()]);
    while let Some(state) = queue.pop_front() {
        let is_final = def.is_final(state);
        for t in &def.transitions {
            if t.from.admits(state, is_final) && def.state(&t.to).is_some() && reached.insert(&t.to)
            {
                queue.push_back(&t.to);
            }
        }
    }
    for s in &def.states {
        let path = format!("states.{}", s.key);
        if !reached.contains(s.key.as_str()) {
            c.report(
                &path,
                ProblemKind::UnreachableState {
                    state: s.key.clone(),
                },
            );
        } else if !s.terminal
            && !def
                .transitions
                .iter()
                .any(|t| t.from.admits(&s.key, false) && t.to != s.key)
        {
            c.report(
                &path,
                ProblemKind::DeadEndState {
                    state: s.key.clone(),
                },
            );
        }
    }
}

/// The type a spawn source names: a field, or `each.x` inside a `for_each` over records.
fn source_type<'d>(def: &'d Definition, spawn: &SpawnDef, source: &str) -> Option<&'d FieldType> {
    if let Some(sub) = source.strip_prefix("each.") {
        let records = def.fields.get(spawn.for_each.as_deref()?)?;
        let FieldType::Records(subs) = &records.ty else {
            return None;
        };
        return subs.get(sub);
    }
    def.fields.get(source).map(|f| &f.ty)
}

fn is_prefix_of_fields(def: &Definition, prefix: &str) -> bool {
    let dotted = format!("{prefix}.");
    def.fields.keys().any(|k| k.starts_with(&dotted))
}

fn check_spawn_sources(c: &mut Checker, spawn: &SpawnDef, path: &str) {
    let def = c.def;
    if let Some(each) = &spawn.for_each
        && let Some(ty) = c.field(each, &format!("{path}.for_each"))
        && !matches!(ty, FieldType::Records(_))
    {
        c.report(
            &format!("{path}.for_each"),
            ProblemKind::NotARecordsField {
                field: each.clone(),
            },
        );
    }
    // `only` filters the records of `for_each` by their own sub-fields, or, without
    // `for_each`, the case by its fields.
    for sub in spawn.only.keys() {
        if spawn.for_each.is_none() {
            c.field(sub, &format!("{path}.only.{sub}"));
            continue;
        }
        let each = format!("each.{sub}");
        if source_type(def, spawn, &each).is_none() {
            c.report(
                &format!("{path}.only.{sub}"),
                ProblemKind::UndeclaredField {
                    field: each,
                    suggestion: None,
                },
            );
        }
    }
    for (target, source) in &spawn.data {
        if source_type(def, spawn, source).is_none() && !is_prefix_of_fields(def, source) {
            let suggestion = closest(source, def.fields.keys().map(String::as_str));
            c.report(
                &format!("{path}.data.{target}"),
                ProblemKind::UndeclaredField {
                    field: source.clone(),
                    suggestion,
                },
            );
        }
    }
}

/// Whether a value of the source type always fits the target field: the same type, or an enum
/// whose values are all among the target's (a parent's relation, father or mother, fills a
/// guardian's relation, which may also be another guardian).
fn fits(source: &FieldType, target: &FieldType) -> bool {
    match (source, target) {
        (FieldType::Enum { values: from, .. }, FieldType::Enum { values: to, .. }) => {
            from.iter().all(|v| to.contains(v))
        }
        _ => source == target,
    }
}

/// The target fields a spawn fills, with the type of each value (None: a constant).
/// A prefix mapping (`child: child`) fills only the sub-fields the target declares.
fn spawn_fills(
    source: &Definition,
    target_def: &Definition,
    spawn: &SpawnDef,
) -> BTreeMap<String, Option<FieldType>> {
    let mut fills = BTreeMap::new();
    for (target, src) in &spawn.data {
        if let Some(ty) = source_type(source, spawn, src) {
            fills.insert(target.clone(), Some(ty.clone()));
        } else {
            let dotted = format!("{src}.");
            for (name, field) in &source.fields {
                if let Some(rest) = name.strip_prefix(&dotted) {
                    let t = format!("{target}.{rest}");
                    if target_def.fields.contains_key(&t) {
                        fills.insert(t, Some(field.ty.clone()));
                    }
                }
            }
        }
    }
    for target in spawn.set.keys() {
        fills.insert(target.clone(), None);
    }
    fills
}

/// Checks the links of one definition against the other workflows it may spawn.
pub fn validate_links(
    def: &Definition,
    by_key: &BTreeMap<&str, &Definition>,
    broken: &[String],
) -> Vec<Problem> {
    let mut c = Checker {
        def,
        problems: Vec::new(),
    };
    for t in &def.transitions {
        for (i, spawn) in t.spawn.iter().enumerate() {
            let base = format!("transitions.{}", t.key);
            let sp = if t.spawn.len() == 1 && !def.spans.0.contains_key(&format!("{base}.spawn[0]"))
            {
                format!("{base}.spawn")
            } else {
                format!("{base}.spawn[{i}]")
            };
            let Some(target) = by_key.get(spawn.workflow.as_str()) else {
                if !broken.contains(&spawn.workflow) {
                    let suggestion = closest(&spawn.workflow, by_key.keys().copied());
                    c.report(
                        &format!("{sp}.workflow"),
                        ProblemKind::UnknownWorkflow {
                            workflow: spawn.workflow.clone(),
                            suggestion,
                        },
                    );
                }
                continue;
            };
            // The spawned case is opened by the same actor, in the same role.
            for role in t.roles.iter().filter(|r| r.as_str() != SYSTEM_ROLE) {
                if !target.roles.contains(role) {
                    c.report(
                        &format!("{sp}.workflow"),
                        ProblemKind::SpawnRoleUndeclared {
                            workflow: target.key.clone(),
                            role: role.clone(),
                        },
                    );
                }
            }
            let fills = spawn_fills(def, target, spawn);
            for (field, ty) in &fills {
                match (target.fields.get(field), ty) {
                    (None, _) => {
                        let suggestion = closest(field, target.fields.keys().map(String::as_str));
                        c.report(
                            &format!("{sp}.data"),
                            ProblemKind::UndeclaredField {
                                field: format!("{}:{field}", target.key),
                                suggestion,
                            },
                        );
                    }
                    (Some(t_field), Some(src_ty)) if !fits(src_ty, &t_field.ty) => c.report(
                        &format!("{sp}.data.{field}"),
                        ProblemKind::SpawnTypeMismatch {
                            target: format!("{}:{field}", target.key),
                            source: spawn.data.get(field).cloned().unwrap_or_default(),
                        },
                    ),
                    (Some(t_field), None) => {
                        if let Some(value) = spawn.set.get(field)
                            && crate::value::check_json(&t_field.ty, value).is_err()
                        {
                            c.report(
                                &format!("{sp}.set.{field}"),
                                ProblemKind::BadValue {
                                    field: format!("{}:{field}", target.key),
                                    expected: t_field.ty.clone(),
                                },
                            );
                        }
                    }
                    _ => {}
                }
            }
            let missing: Vec<String> = target
                .start_requirements()
                .into_iter()
                .filter(|f| !fills.contains_key(f))
                .collect();
            if !missing.is_empty() {
                c.report(
                    &sp,
                    ProblemKind::SpawnMissesRequired {
                        workflow: target.key.clone(),
                        fields: missing,
                    },
                );
            }
        }
    }
    c.problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enum_of(values: &[&str]) -> FieldType {
        FieldType::enum_of(values.iter().copied())
    }

    #[test]
    fn a_smaller_enum_fills_a_larger_one_but_not_the_reverse() {
        let parent = enum_of(&["father", "mother"]);
        let guardian = enum_of(&["father", "mother", "other_guardian"]);
        assert!(fits(&parent, &guardian));
        assert!(!fits(&guardian, &parent));
        assert!(fits(&FieldType::String, &FieldType::String));
        assert!(!fits(&FieldType::String, &parent));
    }
}
