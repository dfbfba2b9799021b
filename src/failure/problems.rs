//! Sentences for problems found in workflow, profile, units and calendar files.

use wardflow_engine::definition::{Diagnostics, NameRule, Problem, ProblemKind, TitleProblem};
use wardflow_engine::guard::GuardProblem;
use wardflow_engine::period::PeriodError;
use wardflow_engine::store::dump::{self, ImportProblem};
use wardflow_engine::yaml::YamlErrorKind;

use super::words::{hint, type_words};
use super::{Exit, Located, Shown};
use crate::i18n::Tr;
use crate::tr;

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
        "a whole number from 0 to 100000" => "kind-bounded-number",
        "true or false" => "kind-true-false",
        "a time zone such as Asia/Shanghai" => "kind-time-zone",
        "a year such as 2026" => "kind-year",
        "a recipient or {to, local}" => "kind-copy",
        wardflow_engine::protect::privacy::RECIPIENT_KINDS => "kind-copy-recipient",
        "a boolean, an integer, text or a list of text" => "kind-local-setting",
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
        K::RoleWithoutTitle { role } => {
            tr!(tr, "problem-role-without-title", role = role.clone())
        }
        K::EnumValueWithoutLabel {
            field,
            title,
            value,
        } => tr!(
            tr,
            "problem-enum-without-label",
            field = tr.key_title(field, title),
            value = value.clone()
        ),
        K::UnknownFieldType { ty, suggestion } => {
            tr!(tr, "problem-unknown-type", ty = ty.clone()) + &hint(tr, suggestion)
        }
        K::BadTitle { problem } => match problem {
            TitleProblem::Empty => tr!(tr, "problem-title-en-empty"),
            TitleProblem::ControlCharacter => tr!(tr, "problem-title-en-control"),
            TitleProblem::TooLong { limit } => {
                tr!(tr, "problem-title-en-too-long", limit = *limit)
            }
        },
        K::EmptyEnum => tr!(tr, "problem-empty-enum"),
        K::RecipientOfOtherProfile { profile, found } => tr!(
            tr,
            "problem-recipient-other-profile",
            profile = *profile,
            found = *found
        ),
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
        K::NotOneOf {
            value,
            allowed,
            suggestion,
        } => {
            tr!(
                tr,
                "problem-not-one-of",
                value = value.clone(),
                allowed = tr.list(allowed)
            ) + &hint(tr, suggestion)
        }
        K::DayOutsideYear { day, year } => tr!(
            tr,
            "problem-day-outside-year",
            day = day.clone(),
            year = *year
        ),
        K::DayRestAndWork { day } => tr!(tr, "problem-day-rest-and-work", day = day.clone()),
        K::ReservedLetterField { field } => {
            tr!(tr, "problem-reserved-letter-field", field = field.clone())
        }
        K::BadTemplateName { name } => tr!(tr, "problem-bad-template", name = name.clone()),
        K::NoIssuer { document } => tr!(tr, "problem-no-issuer", document = document.clone()),
        K::RequiredAndOptional { field } => {
            tr!(tr, "problem-required-and-optional", field = field.clone())
        }
        K::PatternHasNumber { pattern } => {
            tr!(tr, "problem-pattern-has-number", pattern = pattern.clone())
        }
        K::PatternNotAllocated { role } => {
            tr!(tr, "problem-pattern-not-allocated", role = role.clone())
        }
        K::NumberFromNotExternal { role } => {
            tr!(tr, "problem-number-from-not-external", role = role.clone())
        }
        K::ExternalNeedsCourt { role } => {
            tr!(tr, "problem-external-needs-court", role = role.clone())
        }
        K::PartyNumbered { role } => tr!(tr, "problem-party-numbered", role = role.clone()),
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
pub fn invalid_workflows(tr: &Tr, diagnostics: &[Diagnostics]) -> Shown {
    let problems: Vec<Located> = diagnostics
        .iter()
        .flat_map(|d| d.problems.iter().map(|p| located(tr, &d.file, p)))
        .collect();
    let files = diagnostics.len();
    Shown {
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

/// What is wrong with one line of an export being imported, in words.
pub fn import_problem(tr: &Tr, p: &ImportProblem) -> String {
    match p {
        ImportProblem::Empty => tr!(tr, "import-empty"),
        ImportProblem::TooLong { limit } => tr!(tr, "import-too-long", limit = *limit),
        ImportProblem::Syntax { detail } => tr!(tr, "import-syntax", detail = detail.clone()),
        ImportProblem::UnknownType { kind } => {
            tr!(tr, "import-unknown-type", kind = kind.clone())
        }
        ImportProblem::OutOfOrder { kind } => tr!(tr, "import-out-of-order", kind = kind.clone()),
        ImportProblem::Format { found } => tr!(
            tr,
            "import-format",
            found = *found,
            supported = dump::EXPORT_FORMAT
        ),
        ImportProblem::Record { detail } => tr!(tr, "import-record", detail = detail.clone()),
        ImportProblem::Mismatch { detail } => tr!(tr, "import-mismatch", detail = detail.clone()),
        ImportProblem::Duplicate { what } => tr!(tr, "import-duplicate", what = what.clone()),
        ImportProblem::Replay { case, detail } => tr!(
            tr,
            "import-replay",
            case = case.clone(),
            detail = detail.clone()
        ),
        ImportProblem::SimulationExport => tr!(tr, "import-simulation"),
    }
}
