//! Sentences for the engine's errors: storage, input, refusals by the rules and by
//! authority, and registry changes. Each returns the worded form ([`Shown`]) with its exit code.

use wardflow_engine::authority::{Denied, Units, User};
use wardflow_engine::definition::{Definition, FieldType};
use wardflow_engine::guard::GuardResult;
use wardflow_engine::step::{CommandError, Refusal, StepError};
use wardflow_engine::store::{CommandFailure, RegistryError, StoreError};
use wardflow_engine::value::InputError;

use super::problems::yaml_message;
use super::{Exit, Shown};
use crate::i18n::{Lang, Tr};
use crate::tr;

pub fn hint(tr: &Tr, suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => tr!(tr, "did-you-mean", suggestion = s.clone()),
        None => String::new(),
    }
}

/// A field named with its title when the definition is at hand.
pub fn field_name(tr: &Tr, def: Option<&Definition>, field: &str) -> String {
    match def {
        Some(d) => crate::show::field(tr, d, field),
        None => field.to_owned(),
    }
}

fn fields_named(tr: &Tr, def: Option<&Definition>, fields: &[String]) -> String {
    let named: Vec<String> = fields.iter().map(|f| field_name(tr, def, f)).collect();
    tr.list(&named)
}

fn state_named(tr: &Tr, def: Option<&Definition>, state: &str) -> String {
    def.map_or_else(|| state.to_owned(), |d| crate::show::state(tr, d, state))
}

fn transition_named(tr: &Tr, def: Option<&Definition>, t: &str) -> String {
    def.map_or_else(|| t.to_owned(), |d| crate::show::transition(tr, d, t))
}

/// The rule a guard encodes, as a refusal names it: its reason in the reader's language (the
/// workflow's `reason_en` under `--lang en`, when it gives one), else the reason the refusal
/// carries, else the CEL expression itself.
fn guard_rule(
    tr: &Tr,
    def: Option<&Definition>,
    transition: &str,
    guard: &str,
    reason: Option<&str>,
) -> String {
    let english = || {
        let t = def?.transitions.iter().find(|t| t.key == transition)?;
        let g = t.guards.iter().find(|g| g.source == guard)?;
        g.reason_en.as_deref().filter(|e| !e.is_empty())
    };
    match tr.lang {
        Lang::En => english().or(reason),
        _ => reason,
    }
    .unwrap_or(guard)
    .to_owned()
}

/// A role with the title its workflow gives it, when the workflow is known.
fn role_named(tr: &Tr, def: Option<&Definition>, role: &str) -> String {
    def.map_or_else(|| role.to_owned(), |d| crate::show::role(tr, d, role))
}

/// Roles with their titles, joined the way the language does.
fn roles_named(tr: &Tr, def: Option<&Definition>, roles: &[String]) -> String {
    let named: Vec<String> = roles.iter().map(|r| role_named(tr, def, r)).collect();
    tr.list(&named)
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
        FieldType::Enum { values, .. } => tr!(tr, "type-enum", values = tr.list(values)),
        FieldType::List(inner) => tr!(tr, "type-list", inner = type_words(tr, inner)),
        FieldType::Records(fields) => {
            let names: Vec<String> = fields.keys().cloned().collect();
            tr!(tr, "type-records", fields = tr.list(&names))
        }
    }
}

/// A storage failure or a missing/busy database.
pub fn store(tr: &Tr, e: &StoreError) -> Shown {
    match e {
        StoreError::Missing(path) => Shown::new(
            Exit::BadInput,
            tr!(tr, "db-missing", path = path.display().to_string()),
        ),
        StoreError::AlreadyExists(path) => Shown::new(
            Exit::BadInput,
            tr!(tr, "db-exists", path = path.display().to_string()),
        ),
        StoreError::Protected(path) => Shown::new(
            Exit::BadInput,
            tr!(tr, "out-protected", path = path.display().to_string()),
        ),
        StoreError::NotADatabase(path) => Shown::new(
            Exit::Storage,
            tr!(tr, "db-not-wardflow", path = path.display().to_string()),
        ),
        StoreError::Busy { waited } => Shown::new(
            Exit::Busy,
            tr!(
                tr,
                "db-busy",
                seconds = format!("{:.1}", waited.as_secs_f64())
            ),
        ),
        StoreError::ReadOnly => Shown::new(Exit::Storage, tr!(tr, "db-read-only")),
        StoreError::Unsupported(what) => {
            Shown::new(Exit::BadInput, tr!(tr, "pg-unsupported", what = *what))
        }
        StoreError::NeedsRepair => Shown::new(Exit::Storage, tr!(tr, "db-needs-repair")),
        StoreError::NeedsMigration { found, current } => Shown::new(
            Exit::Storage,
            tr!(tr, "db-needs-migration", found = *found, current = *current),
        ),
        StoreError::TooNew { found, known } => Shown::new(
            Exit::Storage,
            tr!(tr, "db-too-new", found = *found, known = *known),
        ),
        StoreError::Storage(detail) => Shown::new(
            Exit::Storage,
            tr!(tr, "db-storage", detail = detail.clone()),
        ),
        StoreError::Corrupt(detail) => Shown::new(
            Exit::Storage,
            tr!(tr, "db-corrupt", detail = detail.clone()),
        ),
    }
}

/// Input that does not fit the workflow (exit 2).
pub fn input(tr: &Tr, def: Option<&Definition>, e: &InputError) -> Shown {
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
        InputError::AmbiguousLabel { field, label, keys } => (
            tr!(
                tr,
                "input-ambiguous-label",
                field = field_name(tr, def, field),
                label = label.chars().take(80).collect::<String>(),
                keys = tr.list(keys)
            ),
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
    Shown {
        exit: Exit::BadInput,
        message,
        key,
        problems: Vec::new(),
    }
}

/// A refusal by the workflow's rules (exit 1).
pub fn refusal(tr: &Tr, def: Option<&Definition>, r: &Refusal) -> Shown {
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
                    role = role_named(tr, def, role),
                    allowed = roles_named(tr, def, allowed)
                ),
                None => tr!(
                    tr,
                    "refused-role-open",
                    role = role_named(tr, def, role),
                    allowed = roles_named(tr, def, allowed)
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
            let rule = guard_rule(tr, def, transition, guard, reason.as_deref());
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
        Refusal::CorrectionBreaksGuard {
            transition,
            guard,
            reason,
            fields,
        } => (
            tr!(
                tr,
                "refused-correction-guard",
                fields = fields_named(tr, def, fields),
                transition = transition_named(tr, def, transition),
                rule = guard_rule(tr, def, transition, guard, reason.as_deref()),
                guard = guard.clone()
            ),
            Some(transition.clone()),
        ),
        Refusal::TooManySpawns {
            transition,
            count,
            limit,
        } => (
            tr!(
                tr,
                "refused-too-many-spawns",
                transition = transition_named(tr, def, transition),
                count = *count,
                limit = *limit
            ),
            Some(wardflow_engine::step::MAX_SPAWNS_SETTING.to_owned()),
        ),
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
    Shown {
        exit: Exit::Refused,
        message,
        key,
        problems: Vec::new(),
    }
}

/// A command that makes no sense for this workflow (exit 2).
pub fn command(tr: &Tr, e: &CommandError) -> Shown {
    match e {
        CommandError::UnknownTransition {
            workflow,
            name,
            suggestion,
        } => Shown::new(
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
        } => Shown::new(
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
        } => Shown::new(
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
        CommandError::FutureAct { at } => Shown::new(
            Exit::BadInput,
            tr!(tr, "future-act", at = crate::show::local_time(*at)),
        ),
        CommandError::BeforeOpening { at, opened } => Shown::new(
            Exit::BadInput,
            tr!(
                tr,
                "before-opening",
                at = crate::show::local_time(*at),
                opened = crate::show::local_time(*opened)
            ),
        ),
        CommandError::IdentityMismatch { field, other } => Shown::new(
            Exit::BadInput,
            tr!(
                tr,
                "identity-mismatch",
                field = field.clone(),
                other = other.clone()
            ),
        )
        .with_key(field.clone()),
        CommandError::ClockBehind { now, last } => Shown::new(
            Exit::BadInput,
            tr!(
                tr,
                "clock-behind",
                now = crate::show::local_time(*now),
                last = crate::show::local_time(*last)
            ),
        ),
        CommandError::FutureBirth { field, date } => Shown::new(
            Exit::BadInput,
            tr!(
                tr,
                "future-birth",
                field = field.clone(),
                date = date.clone()
            ),
        )
        .with_key(field.clone()),
        CommandError::MissingReason => Shown::new(Exit::BadInput, tr!(tr, "amend-no-reason")),
        CommandError::NothingToAmend => Shown::new(Exit::BadInput, tr!(tr, "amend-nothing")),
        CommandError::NoInitialState { workflow } => Shown::new(
            Exit::Bug,
            tr!(tr, "no-initial-state", workflow = workflow.clone()),
        ),
    }
}

/// Any failure of a case command.
pub fn case_command(tr: &Tr, def: Option<&Definition>, e: &CommandFailure) -> Shown {
    match e {
        CommandFailure::Step(StepError::Refused(r)) => refusal(tr, def, r),
        CommandFailure::Step(StepError::Invalid(c)) => command(tr, c),
        CommandFailure::Store(s) => store(tr, s),
        CommandFailure::UnknownCase(id) => Shown::new(
            Exit::BadInput,
            tr!(tr, "unknown-case", case = id.to_string()),
        )
        .with_key(id.to_string()),
        CommandFailure::UnknownWorkflow(w) => Shown::new(
            Exit::BadInput,
            tr!(tr, "unpublished-workflow", workflow = w.clone()),
        )
        .with_key(w.clone()),
        CommandFailure::Stale {
            case,
            expected,
            actual,
        } => Shown::new(
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
            Shown::new(
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
fn user_named(tr: &Tr, units: Option<&Units>, user: &User) -> String {
    let unit = units
        .and_then(|units| units.get(&user.unit))
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
pub fn denied(tr: &Tr, units: Option<&Units>, d: &Denied) -> Shown {
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
                    unit = units.map_or_else(|| unit.clone(), |all| unit_named(tr, all, unit))
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
        Denied::NotAuditor { user } => (
            tr!(tr, "denied-auditor", user = user_named(tr, units, user)),
            user.name.clone(),
        ),
        Denied::MayNotAmend { role, field, needs } => (
            tr!(
                tr,
                "denied-amend-field",
                role = role.clone(),
                field = field.clone(),
                needs = tr.list(needs)
            ),
            field.clone(),
        ),
        Denied::NotResponsibleUnit { user, case_unit } => (
            tr!(
                tr,
                "denied-transfer",
                user = user_named(tr, units, user),
                unit = match (case_unit, units) {
                    (Some(u), Some(units)) => unit_named(tr, units, u),
                    (Some(u), None) => u.clone(),
                    (None, _) => "-".to_owned(),
                }
            ),
            user.unit.clone(),
        ),
        Denied::NeedsTransferRole { role, needs } => (
            tr!(
                tr,
                "denied-transfer-role",
                role = role.clone(),
                needs = tr.list(needs)
            ),
            role.clone(),
        ),
        Denied::SameUnit { unit } => (
            tr!(
                tr,
                "denied-transfer-same",
                unit = match units {
                    Some(units) => unit_named(tr, units, unit),
                    None => unit.clone(),
                }
            ),
            unit.clone(),
        ),
        Denied::LastAdministrator { user } => (
            tr!(tr, "denied-last-admin", user = user.clone()),
            user.clone(),
        ),
    };
    Shown::new(Exit::Refused, message).with_key(key)
}

/// A registry change that was not made.
pub fn registry(tr: &Tr, e: &RegistryError) -> Shown {
    match e {
        RegistryError::Store(s) => store(tr, s),
        RegistryError::UserExists(name) => {
            Shown::new(Exit::BadInput, tr!(tr, "user-exists", user = name.clone()))
                .with_key(name.clone())
        }
        RegistryError::UnknownUser(name) => {
            Shown::new(Exit::BadInput, tr!(tr, "user-unknown", user = name.clone()))
                .with_key(name.clone())
        }
        RegistryError::UnknownUnit { unit, suggestion } => Shown::new(
            Exit::BadInput,
            tr!(tr, "unit-unknown", unit = unit.clone()) + &hint(tr, suggestion),
        )
        .with_key(unit.clone()),
        RegistryError::Denied(denied) => self::denied(tr, None, denied),
        RegistryError::UnitInUse { unit, by } => Shown::new(
            Exit::BadInput,
            tr!(tr, "unit-in-use", unit = unit.clone(), by = by.clone()),
        )
        .with_key(unit.clone()),
    }
}

/// Why a register was not imported (its rows' refusals are shown one by one elsewhere).
pub fn register(tr: &Tr, e: &wardflow_engine::app::RegisterError) -> Shown {
    use wardflow_engine::app::RegisterError as R;
    let (message, key) = match e {
        R::Mapping { file, detail } => (
            tr!(
                tr,
                "register-mapping-unreadable",
                file = file.clone(),
                detail = detail.clone()
            ),
            Some("--map".to_owned()),
        ),
        R::MappingNames { what, name } => {
            let id = match *what {
                "role" => "register-mapping-role",
                "transition" => "register-mapping-transition",
                _ => "register-mapping-field",
            };
            (
                tr.args(id, vec![("name", name.clone().into())]),
                Some(name.clone()),
            )
        }
        R::MappingWorkflow { mapping, given } => (
            tr!(
                tr,
                "register-mapping-workflow",
                mapping = mapping.clone(),
                given = given.clone()
            ),
            Some("--workflow".to_owned()),
        ),
        R::Format { file } => (tr!(tr, "register-format", file = file.clone()), None),
        R::Unreadable { file, detail } => (
            tr!(
                tr,
                "register-unreadable",
                file = file.clone(),
                detail = detail.clone()
            ),
            None,
        ),
        R::MissingColumn { column } => (
            tr!(tr, "register-missing-column", column = column.clone()),
            Some(column.clone()),
        ),
        R::RowCount { rows } => (
            tr!(
                tr,
                "register-row-count",
                rows = *rows,
                max = wardflow_engine::app::MAX_ROWS
            ),
            None,
        ),
        R::Rejected(rows) => (tr!(tr, "register-rejected", count = rows.len()), None),
    };
    Shown {
        key,
        ..Shown::new(Exit::BadInput, message)
    }
}

/// One reason a migration cannot go ahead.
pub fn migration_problem(tr: &Tr, p: &wardflow_engine::migrate::Problem) -> String {
    use wardflow_engine::migrate::Problem;
    match p {
        Problem::OtherWorkflow { case, workflow } => tr!(
            tr,
            "migrate-other-workflow",
            case = case.to_string(),
            workflow = workflow.clone()
        ),
        Problem::Closed { case, state } => tr!(
            tr,
            "migrate-closed",
            case = case.to_string(),
            state = state.clone()
        ),
        Problem::AlreadyThere { case } => {
            tr!(tr, "migrate-already-there", case = case.to_string())
        }
        Problem::Unmapped { case, state } => tr!(
            tr,
            "migrate-unmapped",
            case = case.to_string(),
            state = state.clone()
        ),
        Problem::NoSuchState { from, to } => tr!(
            tr,
            "migrate-no-such-state",
            from = from.clone(),
            to = to.clone()
        ),
        Problem::MappedToFinal { from, to } => tr!(
            tr,
            "migrate-mapped-to-final",
            from = from.clone(),
            to = to.clone()
        ),
        Problem::FieldGone { case, field } => tr!(
            tr,
            "migrate-field-gone",
            case = case.to_string(),
            field = field.clone()
        ),
        Problem::FieldMisfit { case, field } => tr!(
            tr,
            "migrate-field-misfit",
            case = case.to_string(),
            field = field.clone()
        ),
        Problem::NoReason => tr!(tr, "migrate-no-reason"),
        Problem::NoSuchVersion { workflow, version } => tr!(
            tr,
            "migrate-no-such-version",
            workflow = workflow.clone(),
            version = version.clone()
        ),
        Problem::NoCases => tr!(tr, "migrate-no-cases"),
        Problem::Duplicate { case } => tr!(tr, "migrate-duplicate", case = case.to_string()),
    }
}
