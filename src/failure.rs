//! The one place where errors become sentences and exit codes.

use serde::Serialize;
use wardflow_engine::authority::{Denied, Units, User};
use wardflow_engine::definition::{
    Definition, Diagnostics, FieldType, NameRule, Problem, ProblemKind,
};
use wardflow_engine::guard::{GuardProblem, GuardResult};
use wardflow_engine::period::PeriodError;
use wardflow_engine::step::{CommandError, Refusal, StepError};
use wardflow_engine::store::{CommandFailure, RegistryError, StoreError};
use wardflow_engine::value::InputError;
use wardflow_engine::yaml::YamlErrorKind;

use crate::i18n::Tr;
use crate::tr;

mod integrity;
pub use integrity::{chain_break, integrity, key_error};

/// Exit codes, as the CLI contract defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Refused = 1,
    BadInput = 2,
    Busy = 3,
    /// A history whose hash chain or signature does not verify.
    Integrity = 4,
    Storage = 5,
    Bug = 70,
}

impl Exit {
    fn kind(self) -> &'static str {
        match self {
            Exit::Refused => "refused",
            Exit::BadInput => "bad_input",
            Exit::Busy => "busy",
            Exit::Integrity => "integrity",
            Exit::Storage => "storage",
            Exit::Bug => "internal",
        }
    }
}

/// One located message (a problem in a file).
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// A command that did not succeed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub key: Option<String>,
    /// Problems with positions (validation); the first also fills the JSON object's location.
    pub problems: Vec<Located>,
}

impl Failure {
    /// A failure with just a message.
    pub fn new(exit: Exit, message: String) -> Self {
        Failure {
            exit,
            message,
            key: None,
            problems: Vec::new(),
        }
    }

    /// Names the key (field, transition, role …) the message is about.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The process exit code.
    pub fn code(&self) -> i32 {
        self.exit as i32
    }

    /// Writes the failure to stderr, as text or as one JSON object.
    pub fn report(&self, tr: &Tr, json: bool) {
        if json {
            #[derive(Serialize)]
            struct Out<'a> {
                code: i32,
                kind: &'a str,
                message: &'a str,
                #[serde(skip_serializing_if = "Option::is_none")]
                key: Option<&'a str>,
                #[serde(skip_serializing_if = "Option::is_none")]
                file: Option<&'a str>,
                #[serde(skip_serializing_if = "Option::is_none")]
                line: Option<u32>,
                #[serde(skip_serializing_if = "Option::is_none")]
                column: Option<u32>,
                #[serde(skip_serializing_if = "<[_]>::is_empty")]
                problems: &'a [Located],
            }
            let first = self.problems.first();
            let out = Out {
                code: self.code(),
                kind: self.exit.kind(),
                message: &self.message,
                key: self.key.as_deref().or(first.and_then(|p| p.key.as_deref())),
                file: first.and_then(|p| p.file.as_deref()),
                line: first.and_then(|p| p.line),
                column: first.and_then(|p| p.column),
                problems: &self.problems,
            };
            let text = serde_json::to_string(&out)
                .unwrap_or_else(|_| format!("{{\"code\":{}}}", self.code()));
            eprintln!("{text}");
            return;
        }
        for p in &self.problems {
            let place = match (&p.file, p.line, p.column) {
                (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
                (Some(f), _, _) => format!("{f}: "),
                _ => String::new(),
            };
            eprintln!("{place}{}", p.message);
        }
        eprintln!("{}{}", tr!(tr, "error-prefix"), self.message);
    }
}

fn hint(tr: &Tr, suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => tr!(tr, "did-you-mean", suggestion = s.clone()),
        None => String::new(),
    }
}

/// A field named with its title when the definition is at hand.
pub fn field_name(tr: &Tr, def: Option<&Definition>, field: &str) -> String {
    match def {
        Some(d) => tr.key_title(field, d.field_title(field)),
        None => field.to_owned(),
    }
}

fn fields_named(tr: &Tr, def: Option<&Definition>, fields: &[String]) -> String {
    let named: Vec<String> = fields.iter().map(|f| field_name(tr, def, f)).collect();
    tr.list(&named)
}

fn state_named(tr: &Tr, def: Option<&Definition>, state: &str) -> String {
    let title = def
        .and_then(|d| d.state(state))
        .map(|s| s.title.as_str())
        .unwrap_or("");
    tr.key_title(state, title)
}

fn transition_named(tr: &Tr, def: Option<&Definition>, t: &str) -> String {
    let title = def
        .and_then(|d| d.transition(t))
        .map(|t| t.title.as_str())
        .unwrap_or("");
    tr.key_title(t, title)
}

/// What a value of a type looks like, in words.
pub fn type_words(tr: &Tr, ty: &FieldType) -> String {
    match ty {
        FieldType::String => tr!(tr, "type-string"),
        FieldType::Integer => tr!(tr, "type-integer"),
        FieldType::Boolean => tr!(tr, "type-boolean"),
        FieldType::Date => tr!(tr, "type-date"),
        FieldType::DateTime => tr!(tr, "type-datetime"),
        FieldType::IdNumber => tr!(tr, "type-id-number"),
        FieldType::Enum { values } => tr!(tr, "type-enum", values = tr.list(values)),
        FieldType::List(inner) => tr!(tr, "type-list", inner = type_words(tr, inner)),
        FieldType::Records(fields) => {
            let names: Vec<String> = fields.keys().cloned().collect();
            tr!(tr, "type-records", fields = tr.list(&names))
        }
    }
}

/// Why a period does not parse, in words.
pub fn period_error(tr: &Tr, e: &PeriodError) -> String {
    match e {
        PeriodError::Empty => tr!(tr, "period-empty"),
        PeriodError::BadNumber { text } => tr!(tr, "period-bad-number", text = text.clone()),
        PeriodError::UnknownUnit { unit } if unit.is_empty() => tr!(tr, "period-no-unit"),
        PeriodError::UnknownUnit { unit } => tr!(tr, "period-unknown-unit", unit = unit.clone()),
        PeriodError::OutOfRange { value, max } => {
            tr!(tr, "period-out-of-range", value = *value, max = *max)
        }
    }
}

/// A kind of YAML value (as the loader and decoder name them) in the user's language.
fn yaml_kind(tr: &Tr, kind: &str) -> String {
    let id = match kind {
        "null" => "kind-null",
        "boolean" => "kind-boolean",
        "integer" => "kind-integer",
        "number" => "kind-number",
        "string" => "kind-string",
        "list" => "kind-list",
        "mapping" => "kind-mapping",
        "string key" => "kind-string-key",
        "string, number or boolean" => "kind-scalar",
        "a CEL expression or {cel, reason}" => "kind-guard",
        "a scalar type name or {type: enum, values: [...]}" => "kind-record-field",
        "a type name or a mapping of sub-fields" => "kind-list-of",
        "a period such as 7d or 6 months" => "kind-period",
        "text" => "kind-text",
        "a whole number" => "kind-whole-number",
        "true or false" => "kind-true-false",
        _ => return kind.to_owned(),
    };
    tr.t(id)
}

/// The sentence for a YAML-level problem.
pub fn yaml_message(tr: &Tr, kind: &YamlErrorKind) -> String {
    match kind {
        YamlErrorKind::TooLarge { bytes, limit } => {
            tr!(tr, "yaml-too-large", bytes = *bytes, limit = *limit)
        }
        YamlErrorKind::NotUtf8 => tr!(tr, "yaml-not-utf8"),
        YamlErrorKind::Syntax { message } => tr!(tr, "yaml-syntax", detail = message.clone()),
        YamlErrorKind::TooDeep { limit } => tr!(tr, "yaml-too-deep", limit = *limit),
        YamlErrorKind::TooManyNodes { limit } => tr!(tr, "yaml-too-many-nodes", limit = *limit),
        YamlErrorKind::DuplicateKey { key } => tr!(tr, "yaml-duplicate-key", key = key.clone()),
        YamlErrorKind::UnknownAlias { name } => tr!(tr, "yaml-unknown-alias", name = name.clone()),
        YamlErrorKind::MultipleDocuments => tr!(tr, "yaml-multiple-documents"),
        YamlErrorKind::Empty => tr!(tr, "yaml-empty"),
        YamlErrorKind::ComplexKey => tr!(tr, "yaml-complex-key"),
    }
}

/// The sentence for a guard problem found when checking a workflow.
pub fn guard_problem(tr: &Tr, p: &GuardProblem) -> String {
    match p {
        GuardProblem::Syntax { message } => tr!(tr, "guard-syntax", detail = message.clone()),
        GuardProblem::UnknownField { name, suggestion } => {
            tr!(tr, "guard-unknown-field", name = name.clone()) + &hint(tr, suggestion)
        }
        GuardProblem::UnknownFunction { name } => {
            tr!(tr, "guard-unknown-function", name = name.clone())
        }
        GuardProblem::TypeMismatch {
            expression,
            left,
            right,
        } => tr!(
            tr,
            "guard-type-mismatch",
            expression = expression.clone(),
            left = left.clone(),
            right = right.clone()
        ),
        GuardProblem::NotBoolean { found } => tr!(tr, "guard-not-boolean", found = found.clone()),
        GuardProblem::EnumValue {
            field,
            value,
            allowed,
        } => tr!(
            tr,
            "guard-enum-value",
            field = field.clone(),
            value = value.clone(),
            allowed = tr.list(allowed)
        ),
    }
}

fn rule_name(tr: &Tr, rule: NameRule) -> String {
    match rule {
        NameRule::Kebab => tr!(tr, "rule-kebab"),
        NameRule::Snake => tr!(tr, "rule-snake"),
        NameRule::DottedSnake => tr!(tr, "rule-dotted"),
    }
}

/// The sentence for one problem in a workflow file.
pub fn problem_message(tr: &Tr, kind: &ProblemKind) -> String {
    use ProblemKind as K;
    match kind {
        K::Yaml(k) => yaml_message(tr, k),
        K::UnknownKey {
            key,
            allowed,
            suggestion,
        } => {
            let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
            tr!(
                tr,
                "problem-unknown-key",
                key = key.clone(),
                allowed = tr.list(&allowed)
            ) + &hint(tr, suggestion)
        }
        K::WrongType { expected, found } => {
            tr!(
                tr,
                "problem-wrong-type",
                expected = yaml_kind(tr, expected),
                found = yaml_kind(tr, found)
            )
        }
        K::MissingKey { key } => tr!(tr, "problem-missing-key", key = *key),
        K::BadName { name, rule } => tr!(
            tr,
            "problem-bad-name",
            name = name.clone(),
            rule = rule_name(tr, *rule)
        ),
        K::DuplicateName { name } => tr!(tr, "problem-duplicate-name", name = name.clone()),
        K::ReservedRole { role } => tr!(tr, "problem-reserved-role", role = role.clone()),
        K::UnknownFieldType { ty, suggestion } => {
            tr!(tr, "problem-unknown-type", ty = ty.clone()) + &hint(tr, suggestion)
        }
        K::EmptyEnum => tr!(tr, "problem-empty-enum"),
        K::NoInitialState => tr!(tr, "problem-no-initial"),
        K::SeveralInitialStates { states } => {
            tr!(tr, "problem-several-initial", states = tr.list(states))
        }
        K::InitialIsFinal { state } => tr!(tr, "problem-initial-final", state = state.clone()),
        K::UndefinedState { state, suggestion } => {
            tr!(tr, "problem-undefined-state", state = state.clone()) + &hint(tr, suggestion)
        }
        K::UnreachableState { state } => tr!(tr, "problem-unreachable", state = state.clone()),
        K::DeadEndState { state } => tr!(tr, "problem-dead-end", state = state.clone()),
        K::LeavesFinalState { state } => tr!(tr, "problem-leaves-final", state = state.clone()),
        K::UndeclaredRole { role, suggestion } => {
            tr!(tr, "problem-undeclared-role", role = role.clone()) + &hint(tr, suggestion)
        }
        K::UndeclaredField { field, suggestion } => {
            tr!(tr, "problem-undeclared-field", field = field.clone()) + &hint(tr, suggestion)
        }
        K::Guard(p) => tr!(tr, "problem-guard", detail = guard_problem(tr, p)),
        K::BadPeriod { text, error } => tr!(
            tr,
            "problem-bad-period",
            text = text.clone(),
            detail = period_error(tr, error)
        ),
        K::UndeclaredSetting { name, suggestion } => {
            tr!(tr, "problem-undeclared-setting", name = name.clone()) + &hint(tr, suggestion)
        }
        K::UnknownTransition { name, suggestion } => {
            tr!(tr, "problem-unknown-transition", name = name.clone()) + &hint(tr, suggestion)
        }
        K::SpawnRoleUndeclared { workflow, role } => {
            tr!(
                tr,
                "problem-spawn-role",
                workflow = workflow.clone(),
                role = role.clone()
            )
        }
        K::UnknownDeadline { name, suggestion } => {
            tr!(tr, "problem-unknown-deadline", name = name.clone()) + &hint(tr, suggestion)
        }
        K::BreachNotSystem { transition } => tr!(
            tr,
            "problem-breach-not-system",
            transition = transition.clone()
        ),
        K::NotATimeField { field } => tr!(tr, "problem-not-time-field", field = field.clone()),
        K::DeadlineFieldNotRequired { field } => {
            tr!(
                tr,
                "problem-deadline-field-not-required",
                field = field.clone()
            )
        }
        K::NotARecordsField { field } => {
            tr!(tr, "problem-not-records-field", field = field.clone())
        }
        K::BadValue { field, expected } => {
            tr!(
                tr,
                "problem-bad-value",
                field = field.clone(),
                expected = type_words(tr, expected)
            )
        }
        K::UnknownWorkflow {
            workflow,
            suggestion,
        } => {
            tr!(tr, "problem-unknown-workflow", workflow = workflow.clone()) + &hint(tr, suggestion)
        }
        K::SpawnMissesRequired { workflow, fields } => tr!(
            tr,
            "problem-spawn-misses-required",
            workflow = workflow.clone(),
            fields = tr.list(fields)
        ),
        K::SpawnTypeMismatch { target, source } => {
            tr!(
                tr,
                "problem-spawn-type-mismatch",
                target = target.clone(),
                source = source.clone()
            )
        }
        K::UnknownProfileWorkflow {
            workflow,
            suggestion,
        } => {
            tr!(tr, "problem-profile-workflow", workflow = workflow.clone()) + &hint(tr, suggestion)
        }
        K::DuplicateWorkflow { workflow } => tr!(
            tr,
            "problem-duplicate-workflow",
            workflow = workflow.clone()
        ),
        K::UnknownLetter { key, suggestion } => {
            tr!(tr, "problem-unknown-letter", key = key.clone()) + &hint(tr, suggestion)
        }
        K::LettersUnavailable { detail } => {
            tr!(tr, "problem-letters-unavailable", detail = detail.clone())
        }
        K::LetterFieldsNotRequired {
            letter,
            roles,
            fields,
        } => tr!(
            tr,
            "problem-letter-fields",
            letter = letter.clone(),
            role = tr.list(roles),
            fields = tr.list(fields)
        ),
        K::LetterFieldsUndeclared { letter, fields } => tr!(
            tr,
            "problem-letter-fields-undeclared",
            letter = letter.clone(),
            fields = tr.list(fields)
        ),
        K::UnknownUnit { unit, suggestion } => {
            tr!(tr, "problem-unknown-unit", unit = unit.clone()) + &hint(tr, suggestion)
        }
        K::UnitCycle { unit } => tr!(tr, "problem-unit-cycle", unit = unit.clone()),
    }
}

fn located(tr: &Tr, file: &str, p: &Problem) -> Located {
    Located {
        message: problem_message(tr, &p.kind),
        key: (!p.path.is_empty()).then(|| p.path.clone()),
        file: Some(file.to_owned()),
        line: p.pos.map(|p| p.line),
        column: p.pos.map(|p| p.column),
    }
}

/// All problems of several files as one failure (exit 2).
pub fn invalid_workflows(tr: &Tr, diagnostics: &[Diagnostics]) -> Failure {
    let problems: Vec<Located> = diagnostics
        .iter()
        .flat_map(|d| d.problems.iter().map(|p| located(tr, &d.file, p)))
        .collect();
    let files = diagnostics.len();
    Failure {
        exit: Exit::BadInput,
        message: tr!(
            tr,
            "workflows-invalid",
            problems = problems.len(),
            files = files
        ),
        key: None,
        problems,
    }
}

/// A storage failure or a missing/busy database.
pub fn store(tr: &Tr, e: &StoreError) -> Failure {
    match e {
        StoreError::Missing(path) => Failure::new(
            Exit::BadInput,
            tr!(tr, "db-missing", path = path.display().to_string()),
        ),
        StoreError::AlreadyExists(path) => Failure::new(
            Exit::BadInput,
            tr!(tr, "db-exists", path = path.display().to_string()),
        ),
        StoreError::NotADatabase(path) => Failure::new(
            Exit::Storage,
            tr!(tr, "db-not-wardflow", path = path.display().to_string()),
        ),
        StoreError::Busy { waited } => Failure::new(
            Exit::Busy,
            tr!(
                tr,
                "db-busy",
                seconds = format!("{:.1}", waited.as_secs_f64())
            ),
        ),
        StoreError::ReadOnly => Failure::new(Exit::Storage, tr!(tr, "db-read-only")),
        StoreError::NeedsRepair => Failure::new(Exit::Storage, tr!(tr, "db-needs-repair")),
        StoreError::Storage(detail) => Failure::new(
            Exit::Storage,
            tr!(tr, "db-storage", detail = detail.clone()),
        ),
        StoreError::Corrupt(detail) => Failure::new(
            Exit::Storage,
            tr!(tr, "db-corrupt", detail = detail.clone()),
        ),
    }
}

/// Input that does not fit the workflow (exit 2).
pub fn input(tr: &Tr, def: Option<&Definition>, e: &InputError) -> Failure {
    let (message, key) = match e {
        InputError::UnknownField { field, suggestion } => (
            tr!(tr, "input-unknown-field", field = field.clone()) + &hint(tr, suggestion),
            Some(field.clone()),
        ),
        InputError::BadValue {
            field,
            value,
            expected,
        } => (
            match value {
                Some(v) => tr!(
                    tr,
                    "input-bad-value",
                    field = field_name(tr, def, field),
                    value = v.chars().take(80).collect::<String>(),
                    expected = type_words(tr, expected)
                ),
                None => tr!(
                    tr,
                    "input-bad-value-hidden",
                    field = field_name(tr, def, field),
                    expected = type_words(tr, expected)
                ),
            },
            Some(field.clone()),
        ),
        InputError::NotAnAssignment { arg } => {
            (tr!(tr, "input-not-assignment", arg = arg.clone()), None)
        }
        InputError::ControlCharacter { field } => (
            tr!(tr, "input-control-char", field = field_name(tr, def, field)),
            Some(field.clone()),
        ),
        InputError::TooLong { field, limit } => (
            tr!(
                tr,
                "input-too-long",
                field = field_name(tr, def, field),
                limit = *limit
            ),
            Some(field.clone()),
        ),
        InputError::DataNotMapping => (tr!(tr, "input-data-not-mapping"), None),
        InputError::DataSyntax(e) => {
            let place = e
                .pos
                .map(|p| format!("{}:{}: ", p.line, p.column))
                .unwrap_or_default();
            (
                tr!(
                    tr,
                    "input-data-syntax",
                    detail = place + &yaml_message(tr, &e.kind)
                ),
                None,
            )
        }
    };
    Failure {
        exit: Exit::BadInput,
        message,
        key,
        problems: Vec::new(),
    }
}

/// A refusal by the workflow's rules (exit 1).
pub fn refusal(tr: &Tr, def: Option<&Definition>, r: &Refusal) -> Failure {
    let (message, key) = match r {
        Refusal::CaseClosed { state } => (
            tr!(tr, "refused-closed", state = state_named(tr, def, state)),
            None,
        ),
        Refusal::NotFromState {
            transition,
            state,
            allowed_from,
        } => {
            let from: Vec<String> = allowed_from
                .iter()
                .map(|s| state_named(tr, def, s))
                .collect();
            (
                tr!(
                    tr,
                    "refused-state",
                    transition = transition_named(tr, def, transition),
                    state = state_named(tr, def, state),
                    from = tr.list(&from)
                ),
                Some(transition.clone()),
            )
        }
        Refusal::RoleNotPermitted {
            transition,
            role,
            allowed,
        } => (
            match transition {
                Some(t) => tr!(
                    tr,
                    "refused-role",
                    transition = transition_named(tr, def, t),
                    role = role.clone(),
                    allowed = tr.list(allowed)
                ),
                None => tr!(
                    tr,
                    "refused-role-open",
                    role = role.clone(),
                    allowed = tr.list(allowed)
                ),
            },
            Some(role.clone()),
        ),
        Refusal::SystemOnly { transition } => (
            tr!(
                tr,
                "refused-system-only",
                transition = transition_named(tr, def, transition)
            ),
            Some(transition.clone()),
        ),
        Refusal::MissingFields { transition, fields } => (
            match transition {
                Some(t) => tr!(
                    tr,
                    "refused-missing",
                    transition = transition_named(tr, def, t),
                    fields = fields_named(tr, def, fields)
                ),
                None => tr!(
                    tr,
                    "refused-missing-open",
                    fields = fields_named(tr, def, fields)
                ),
            },
            fields.first().cloned(),
        ),
        Refusal::GuardFailed {
            transition,
            guard,
            reason,
            result,
        } => {
            let why = match result {
                GuardResult::Unset { field } => {
                    tr!(tr, "guard-unset", field = field_name(tr, def, field))
                }
                GuardResult::Error { message } => tr!(tr, "guard-error", detail = message.clone()),
                _ => tr!(tr, "guard-false"),
            };
            let rule = reason.clone().unwrap_or_else(|| guard.clone());
            (
                tr!(
                    tr,
                    "refused-guard",
                    transition = transition_named(tr, def, transition),
                    rule = rule,
                    guard = guard.clone(),
                    why = why
                ),
                Some(transition.clone()),
            )
        }
        Refusal::Late {
            transition,
            field,
            deadline,
            title,
            due,
        } => (
            match (title, due) {
                (Some(title), Some(due)) => tr!(
                    tr,
                    "refused-late",
                    transition = transition_named(tr, def, transition),
                    field = field_name(tr, def, field),
                    deadline = deadline.clone(),
                    title = title.clone(),
                    due = crate::show::due_time(*due)
                ),
                _ => tr!(
                    tr,
                    "refused-late-not-running",
                    transition = transition_named(tr, def, transition),
                    deadline = deadline.clone()
                ),
            },
            Some(field.clone()),
        ),
    };
    Failure {
        exit: Exit::Refused,
        message,
        key,
        problems: Vec::new(),
    }
}

/// A command that makes no sense for this workflow (exit 2).
pub fn command(tr: &Tr, e: &CommandError) -> Failure {
    match e {
        CommandError::UnknownTransition {
            workflow,
            name,
            suggestion,
        } => Failure::new(
            Exit::BadInput,
            tr!(
                tr,
                "unknown-transition",
                workflow = workflow.clone(),
                name = name.clone()
            ) + &hint(tr, suggestion),
        )
        .with_key(name.clone()),
        CommandError::UnknownRole {
            workflow,
            role,
            suggestion,
        } => Failure::new(
            Exit::BadInput,
            tr!(
                tr,
                "unknown-role",
                workflow = workflow.clone(),
                role = role.clone()
            ) + &hint(tr, suggestion),
        )
        .with_key(role.clone()),
        CommandError::ActTimeDisagrees {
            field,
            at,
            recorded,
        } => Failure::new(
            Exit::BadInput,
            tr!(
                tr,
                "act-time-disagrees",
                field = field.clone(),
                recorded = crate::show::local_time(*recorded),
                at = crate::show::local_time(*at)
            ),
        )
        .with_key(field.clone()),
        CommandError::FutureAct { at } => Failure::new(
            Exit::BadInput,
            tr!(tr, "future-act", at = crate::show::local_time(*at)),
        ),
        CommandError::BeforeOpening { at, opened } => Failure::new(
            Exit::BadInput,
            tr!(
                tr,
                "before-opening",
                at = crate::show::local_time(*at),
                opened = crate::show::local_time(*opened)
            ),
        ),
        CommandError::IdentityMismatch { field, other } => Failure::new(
            Exit::BadInput,
            tr!(
                tr,
                "identity-mismatch",
                field = field.clone(),
                other = other.clone()
            ),
        )
        .with_key(field.clone()),
        CommandError::ClockBehind { now, last } => Failure::new(
            Exit::BadInput,
            tr!(
                tr,
                "clock-behind",
                now = crate::show::local_time(*now),
                last = crate::show::local_time(*last)
            ),
        ),
        CommandError::FutureBirth { field, date } => Failure::new(
            Exit::BadInput,
            tr!(
                tr,
                "future-birth",
                field = field.clone(),
                date = date.clone()
            ),
        )
        .with_key(field.clone()),
        CommandError::MissingReason => Failure::new(Exit::BadInput, tr!(tr, "amend-no-reason")),
        CommandError::NothingToAmend => Failure::new(Exit::BadInput, tr!(tr, "amend-nothing")),
        CommandError::NoInitialState { workflow } => Failure::new(
            Exit::Bug,
            tr!(tr, "no-initial-state", workflow = workflow.clone()),
        ),
    }
}

/// Any failure of a case command.
pub fn case_command(tr: &Tr, def: Option<&Definition>, e: &CommandFailure) -> Failure {
    match e {
        CommandFailure::Step(StepError::Refused(r)) => refusal(tr, def, r),
        CommandFailure::Step(StepError::Invalid(c)) => command(tr, c),
        CommandFailure::Store(s) => store(tr, s),
        CommandFailure::UnknownCase(id) => Failure::new(
            Exit::BadInput,
            tr!(tr, "unknown-case", case = id.to_string()),
        )
        .with_key(id.to_string()),
        CommandFailure::UnknownWorkflow(w) => Failure::new(
            Exit::BadInput,
            tr!(tr, "unpublished-workflow", workflow = w.clone()),
        )
        .with_key(w.clone()),
        CommandFailure::Stale {
            case,
            expected,
            actual,
        } => Failure::new(
            Exit::Refused,
            tr!(
                tr,
                "stale-seq",
                case = case.to_string(),
                expected = *expected,
                actual = *actual
            ),
        ),
        CommandFailure::Spawn { workflow, error } => {
            let inner = match error.as_ref() {
                StepError::Refused(r) => refusal(tr, None, r).message,
                StepError::Invalid(c) => command(tr, c).message,
            };
            Failure::new(
                Exit::Refused,
                tr!(
                    tr,
                    "spawn-failed",
                    workflow = workflow.clone(),
                    detail = inner
                ),
            )
        }
    }
}

/// A unit by its name, with its id for typing (`石家镇 shijia_town`).
pub fn unit_named(tr: &Tr, units: &Units, id: &str) -> String {
    match units.get(id) {
        Some(u) => tr.key_title(id, &u.name),
        None => id.to_owned(),
    }
}

/// Who a user is, for a refusal: `张三（village_committee，石家镇）`.
fn user_named(tr: &Tr, units: &Units, user: &User) -> String {
    let unit = units
        .get(&user.unit)
        .map_or(user.unit.clone(), |u| u.name.clone());
    tr!(
        tr,
        "user-described",
        user = user.name.clone(),
        roles = user.roles.join(", "),
        unit = unit
    )
}

/// An act the user has no authority for (exit 1); the message names what is missing.
pub fn denied(tr: &Tr, units: &Units, d: &Denied) -> Failure {
    let (message, key) = match d {
        Denied::UnknownUser { user } => (
            tr!(tr, "denied-unknown-user", user = user.clone()),
            user.clone(),
        ),
        Denied::Disabled { user } => (
            tr!(tr, "denied-disabled", user = user.clone()),
            user.clone(),
        ),
        Denied::RoleNotHeld { user, role } => (
            tr!(
                tr,
                "denied-role",
                user = user_named(tr, units, user),
                role = role.clone()
            ),
            role.clone(),
        ),
        Denied::NeedsRole {
            user,
            transition,
            needs,
        } => (
            tr!(
                tr,
                "denied-needs",
                user = user_named(tr, units, user),
                transition = transition.clone(),
                needs = tr.list(needs)
            ),
            transition.clone(),
        ),
        Denied::OutsideUnit { user, case_unit } => (
            match case_unit {
                Some(unit) => tr!(
                    tr,
                    "denied-unit",
                    user = user_named(tr, units, user),
                    unit = unit_named(tr, units, unit)
                ),
                None => tr!(tr, "denied-no-unit", user = user_named(tr, units, user)),
            },
            user.unit.clone(),
        ),
        Denied::Confidential { user, field, needs } => (
            tr!(
                tr,
                "denied-confidential",
                user = user_named(tr, units, user),
                field = field.clone(),
                needs = tr.list(needs)
            ),
            field.clone(),
        ),
        Denied::NotAdmin { user } => (
            tr!(tr, "denied-admin", user = user_named(tr, units, user)),
            user.name.clone(),
        ),
    };
    Failure::new(Exit::Refused, message).with_key(key)
}

/// A registry change that was not made.
pub fn registry(tr: &Tr, e: &RegistryError) -> Failure {
    match e {
        RegistryError::Store(s) => store(tr, s),
        RegistryError::UserExists(name) => {
            Failure::new(Exit::BadInput, tr!(tr, "user-exists", user = name.clone()))
                .with_key(name.clone())
        }
        RegistryError::UnknownUser(name) => {
            Failure::new(Exit::BadInput, tr!(tr, "user-unknown", user = name.clone()))
                .with_key(name.clone())
        }
        RegistryError::UnknownUnit { unit, suggestion } => Failure::new(
            Exit::BadInput,
            tr!(tr, "unit-unknown", unit = unit.clone()) + &hint(tr, suggestion),
        )
        .with_key(unit.clone()),
        RegistryError::UnitInUse { unit, by } => Failure::new(
            Exit::BadInput,
            tr!(tr, "unit-in-use", unit = unit.clone(), by = by.clone()),
        )
        .with_key(unit.clone()),
    }
}
