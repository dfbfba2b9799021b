//! The pure core: definition + case + command + clock -> events, or a typed refusal.
//!
//! Nothing here reads the clock, the disk or the environment. The shell (store, CLI, runner)
//! passes in `now`, the calendar and the time zone, and writes the outcome.

use jiff::{Timestamp, tz::TimeZone};
use serde_json::Value;

use crate::case::{CancelReason, Case, CaseId, Chained, Event, EventKind, Link};
use crate::definition::{
    Data, DeadlineDef, DeadlineRule, DeadlineStart, Definition, FieldType, SYSTEM_ROLE, SpawnDef,
    TransitionDef, VersionHash,
};
use crate::guard::{GuardResult, GuardScope};
use crate::period::{Calendar, Period};
use crate::suggest::closest;
use crate::value::apply_changes;

/// The clock and calendar a command runs under.
#[derive(Debug, Clone)]
pub struct Clock<'a> {
    /// The command's clock: recorded on every event.
    pub now: Timestamp,
    pub tz: &'a TimeZone,
    pub calendar: &'a Calendar,
}

/// The person acting and the role they act in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    pub role: String,
}

/// Opening a new case.
#[derive(Debug, Clone)]
pub struct Open {
    pub actor: Actor,
    pub data: Data,
    /// When the act happened, if earlier than now.
    pub occurred_at: Option<Timestamp>,
    pub profile: Option<String>,
    /// Definition defaults with the profile's overrides applied.
    pub settings: Data,
    /// Set when a transition of another case opens this one; the start roles then do not apply.
    pub origin: Option<Link>,
    /// The unit that will handle the case, and its assigned officer (承办人).
    pub unit: Option<String>,
    pub officer: Option<String>,
    /// The published configuration versions the case keeps; the application layer fills it
    /// in the opening transaction.
    pub published: Option<crate::case::Pins>,
    /// The id another system gave the case (issue 25), recorded on its opening.
    pub external: Option<crate::case::ExternalId>,
    /// The cryptographic profile its chain is hashed under: the database's, which the
    /// application layer fills in the opening transaction (a spawned case takes its parent's).
    pub crypto: crate::crypto::Profile,
}

/// Something done to an existing case.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Fire a transition, setting data on the way.
    Fire {
        transition: String,
        actor: Actor,
        changes: Data,
        note: Option<String>,
        occurred_at: Option<Timestamp>,
    },
    /// Correct data, with a reason; the state does not change. A correction that would make
    /// a guard of a transition already taken fail is refused unless `administrator` (the
    /// acting user holds `admin`), when the event records the guards it overrules.
    Amend {
        actor: Actor,
        changes: Data,
        reason: String,
        occurred_at: Option<Timestamp>,
        administrator: bool,
    },
    /// Hand the case to another unit and officer; the state does not change.
    Transfer {
        actor: Actor,
        to: String,
        officer: Option<String>,
        reason: Option<String>,
        occurred_at: Option<Timestamp>,
    },
}

impl Command {
    /// Who gives the command.
    pub fn actor(&self) -> &Actor {
        match self {
            Command::Fire { actor, .. }
            | Command::Amend { actor, .. }
            | Command::Transfer { actor, .. } => actor,
        }
    }
}

/// A case another case's transition asks to open.
#[derive(Debug, Clone, PartialEq)]
pub struct SpawnRequest {
    pub workflow: String,
    pub link: String,
    pub data: Data,
}

/// What a successful step produces; the shell appends `events` in one transaction.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The case after the events.
    pub case: Case,
    /// The new events, with the chain hashes their fold into `case` computed (which the store
    /// writes rather than computing them again); more are pushed only onto both together.
    pub events: Chained,
    pub spawns: Vec<SpawnRequest>,
    /// Letter keys called for, in order.
    pub letters: Vec<String>,
}

/// Why a well-formed command is not allowed by the workflow's rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    CaseClosed {
        state: String,
    },
    NotFromState {
        transition: String,
        state: String,
        allowed_from: Vec<String>,
    },
    RoleNotPermitted {
        /// The transition, or None for opening a case.
        transition: Option<String>,
        role: String,
        allowed: Vec<String>,
    },
    SystemOnly {
        transition: String,
    },
    MissingFields {
        transition: Option<String>,
        fields: Vec<String>,
    },
    GuardFailed {
        transition: String,
        guard: String,
        reason: Option<String>,
        result: GuardResult,
    },
    /// A correction would make a guard of a transition already taken fail: the case would
    /// stand on an act the rules no longer allow. Only an administrator may record it.
    CorrectionBreaksGuard {
        transition: String,
        guard: String,
        reason: Option<String>,
        /// The corrected fields.
        fields: Vec<String>,
    },
    /// The act would open more cases than the `max_spawns` setting allows.
    TooManySpawns {
        transition: String,
        count: usize,
        limit: usize,
    },
    /// The date the act records is past the deadline its `in_time` names (or the deadline is
    /// not running at all): the same due time the case shows, so one rule decides both.
    Late {
        transition: String,
        field: String,
        deadline: String,
        /// The deadline's title and due time, when it is running.
        title: Option<String>,
        due: Option<Timestamp>,
    },
}

impl std::fmt::Display for Refusal {
    /// English, for logs and developers; the shell words refusals in the user's language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::CaseClosed { state } => write!(f, "the case is closed (state `{state}`)"),
            Refusal::NotFromState {
                transition,
                state,
                allowed_from,
            } => write!(
                f,
                "`{transition}` cannot be fired in state `{state}` (only from: {})",
                allowed_from.join(", ")
            ),
            Refusal::RoleNotPermitted {
                transition,
                role,
                allowed,
            } => {
                let act = transition
                    .as_deref()
                    .map_or_else(|| "open a case".to_owned(), |t| format!("fire `{t}`"));
                write!(
                    f,
                    "role `{role}` may not {act} (allowed: {})",
                    allowed.join(", ")
                )
            }
            Refusal::SystemOnly { transition } => {
                write!(f, "`{transition}` is fired by the system only")
            }
            Refusal::MissingFields { transition, fields } => {
                let act = transition
                    .as_deref()
                    .map_or_else(|| "opening a case".to_owned(), |t| format!("`{t}`"));
                write!(
                    f,
                    "{act} needs fields that are not set: {}",
                    fields.join(", ")
                )
            }
            Refusal::CorrectionBreaksGuard {
                transition,
                guard,
                fields,
                ..
            } => write!(
                f,
                "correcting {} would make the guard `{guard}` of `{transition}`, already taken, fail",
                fields.join(", ")
            ),
            Refusal::TooManySpawns {
                transition,
                count,
                limit,
            } => write!(
                f,
                "`{transition}` would open {count} cases; at most {limit} may be opened by one act"
            ),
            Refusal::Late {
                transition,
                field,
                deadline,
                due,
                ..
            } => match due {
                Some(due) => write!(
                    f,
                    "`{transition}` records `{field}` after the deadline `{deadline}` (due {due})"
                ),
                None => write!(
                    f,
                    "`{transition}` is allowed only while the deadline `{deadline}` runs, and it does not"
                ),
            },
            Refusal::GuardFailed {
                transition,
                guard,
                reason,
                result,
            } => {
                write!(f, "`{transition}` is refused by its guard `{guard}`")?;
                if let Some(reason) = reason {
                    write!(f, " ({reason})")?;
                }
                match result {
                    GuardResult::Unset { field } => write!(f, ": `{field}` is not set"),
                    GuardResult::Error { message } => write!(f, ": {message}"),
                    GuardResult::Pass | GuardResult::Fail => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for Refusal {}

/// Commands that do not make sense for this workflow: bad input, not a refusal.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommandError {
    #[error("workflow `{workflow}` has no transition `{name}`")]
    UnknownTransition {
        workflow: String,
        name: String,
        suggestion: Option<String>,
    },
    #[error("workflow `{workflow}` has no role `{role}`")]
    UnknownRole {
        workflow: String,
        role: String,
        suggestion: Option<String>,
    },
    #[error("the act cannot have happened in the future ({at})")]
    FutureAct { at: Timestamp },
    #[error("the act cannot have happened before the case was opened ({opened})")]
    BeforeOpening { at: Timestamp, opened: Timestamp },
    /// An identity number that contradicts the birth date or sex recorded beside it.
    #[error("`{field}` does not agree with `{other}`")]
    IdentityMismatch { field: String, other: String },
    /// The command's clock is earlier than the case's last record: history never runs backwards.
    #[error("the clock ({now}) is earlier than the case's last record ({last})")]
    ClockBehind { now: Timestamp, last: Timestamp },
    /// A date of birth after the day of the act.
    #[error("`{field}` ({date}) is after the day of the act")]
    FutureBirth { field: String, date: String },
    /// `--at` and the field recording the same act (`removal.at`) say different things.
    #[error("`{field}` ({recorded}) and the act's time --at ({at}) disagree")]
    ActTimeDisagrees {
        field: String,
        at: Timestamp,
        recorded: Timestamp,
    },
    #[error("a correction needs a reason")]
    MissingReason,
    #[error("a correction needs at least one field to change")]
    NothingToAmend,
    #[error("workflow `{workflow}` has no initial state")]
    NoInitialState { workflow: String },
}

/// A step that did not happen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StepError {
    #[error("refused: {0}")]
    Refused(Refusal),
    #[error("invalid command: {0}")]
    Invalid(CommandError),
}

impl From<Refusal> for StepError {
    fn from(r: Refusal) -> Self {
        StepError::Refused(r)
    }
}

impl From<CommandError> for StepError {
    fn from(e: CommandError) -> Self {
        StepError::Invalid(e)
    }
}

fn check_role(def: &Definition, role: &str) -> Result<(), CommandError> {
    if role == SYSTEM_ROLE || def.roles.iter().any(|r| r == role) {
        return Ok(());
    }
    Err(CommandError::UnknownRole {
        workflow: def.key.clone(),
        role: role.to_owned(),
        suggestion: closest(role, def.roles.iter().map(String::as_str)),
    })
}

fn occurred(at: Option<Timestamp>, now: Timestamp) -> Result<Timestamp, CommandError> {
    match at {
        Some(at) if at > now => Err(CommandError::FutureAct { at }),
        Some(at) => Ok(at),
        None => Ok(now),
    }
}

/// Makes the act's time and the field recording the same act one fact: the field given sets
/// the act's time, `--at` (or the clock) sets a field left out, and both given must agree.
/// Returns the act's time to use (None: the clock) and the changes with the field filled in;
/// `now` None leaves a field nobody gave unset (an opening: a referral has no report time).
fn agree_act_time(
    field: Option<&str>,
    at: Option<Timestamp>,
    now: Option<Timestamp>,
    mut changes: Data,
) -> Result<(Option<Timestamp>, Data), CommandError> {
    let Some(field) = field else {
        return Ok((at, changes));
    };
    let recorded = changes
        .get(field)
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok());
    match (at, recorded) {
        (Some(at), Some(recorded)) if at != recorded => Err(CommandError::ActTimeDisagrees {
            field: field.to_owned(),
            at,
            recorded,
        }),
        (_, Some(recorded)) => Ok((Some(recorded), changes)),
        (at, None) => match at.or(now) {
            Some(when) => {
                changes.insert(field.to_owned(), Value::String(when.to_string()));
                Ok((Some(when), changes))
            }
            None => Ok((at, changes)),
        },
    }
}

/// When an act on an existing case happened: not in the future, not before the case existed.
fn occurred_on(
    case: &Case,
    at: Option<Timestamp>,
    now: Timestamp,
) -> Result<Timestamp, CommandError> {
    match at {
        Some(at) if at < case.opened_at => Err(CommandError::BeforeOpening {
            at,
            opened: case.opened_at,
        }),
        _ => occurred(at, now),
    }
}

/// Checks every identity number against the birth date and sex recorded beside it
/// (`child.id_number` against `child.birth_date` and `child.sex`, also inside records).
fn check_identity(def: &Definition, data: &Data) -> Result<(), CommandError> {
    fn agree(id: &Value, birth: Option<&Value>, sex: Option<&Value>) -> Result<(), &'static str> {
        let Some(parsed) = id.as_str().and_then(|s| crate::identity::parse(s).ok()) else {
            return Ok(());
        };
        if birth
            .and_then(Value::as_str)
            .is_some_and(|b| b != parsed.birth_date.to_string())
        {
            return Err("birth_date");
        }
        if sex
            .and_then(Value::as_str)
            .is_some_and(|s| s != parsed.sex.key())
        {
            return Err("sex");
        }
        Ok(())
    }
    for (name, field) in &def.fields {
        match &field.ty {
            FieldType::IdNumber => {
                let Some(id) = data.get(name) else { continue };
                let prefix = name
                    .rsplit_once('.')
                    .map_or(String::new(), |(p, _)| format!("{p}."));
                let sibling = |s: &str| data.get(&format!("{prefix}{s}"));
                agree(id, sibling("birth_date"), sibling("sex")).map_err(|other| {
                    CommandError::IdentityMismatch {
                        field: name.clone(),
                        other: format!("{prefix}{other}"),
                    }
                })?;
            }
            FieldType::Records(subs) => {
                let Some(records) = data.get(name).and_then(Value::as_array) else {
                    continue;
                };
                for (sub, _) in subs.iter().filter(|(_, t)| **t == FieldType::IdNumber) {
                    for record in records.iter().filter_map(Value::as_object) {
                        let Some(id) = record.get(sub) else { continue };
                        agree(id, record.get("birth_date"), record.get("sex")).map_err(
                            |other| CommandError::IdentityMismatch {
                                field: format!("{name}.{sub}"),
                                other: format!("{name}.{other}"),
                            },
                        )?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Refuses a date of birth later than the day the act happened.
fn check_births(data: &Data, at: Timestamp, clock: &Clock) -> Result<(), CommandError> {
    let today = clock.tz.to_datetime(at).date();
    match crate::value::future_birth_date(data, today) {
        Some((field, date)) => Err(CommandError::FutureBirth { field, date }),
        None => Ok(()),
    }
}

fn missing(data: &Data, wanted: &[String]) -> Vec<String> {
    wanted
        .iter()
        .filter(|f| !data.contains_key(*f))
        .cloned()
        .collect()
}

/// Appends events with consecutive sequence numbers, folding each into the case as it goes.
struct History<'a> {
    case: Case,
    events: Chained,
    actor: &'a Actor,
    recorded_at: Timestamp,
    occurred_at: Timestamp,
}

impl History<'_> {
    fn push(&mut self, kind: EventKind) {
        let event = Event {
            seq: self.case.seq + 1,
            recorded_at: self.recorded_at,
            occurred_at: self.occurred_at,
            actor: self.actor.user.clone(),
            role: self.actor.role.clone(),
            kind,
        };
        // Folding our own freshly numbered event cannot fail; keep the fold the only writer
        // of case state so replay and step never disagree.
        let _ = self.events.push(&mut self.case, event);
    }
}

/// Opens a case. Pure: the caller gives the id and the clock.
pub fn open(
    def: &Definition,
    version: &VersionHash,
    id: &CaseId,
    command: Open,
    clock: &Clock,
) -> Result<Outcome, StepError> {
    check_role(def, &command.actor.role)?;
    let mut command = command;
    // At opening the field only sets the act's time: a referral has no report time to fill in.
    let field = def
        .start
        .act_time
        .as_deref()
        .filter(|f| command.data.contains_key(*f));
    let (at, data) = agree_act_time(
        field,
        command.occurred_at,
        None,
        std::mem::take(&mut command.data),
    )?;
    command.data = data;
    let occurred_at = occurred(at, clock.now)?;
    if command.origin.is_none()
        && !def.start.roles.is_empty()
        && !def.start.roles.contains(&command.actor.role)
    {
        return Err(Refusal::RoleNotPermitted {
            transition: None,
            role: command.actor.role,
            allowed: def.start.roles.clone(),
        }
        .into());
    }
    check_identity(def, &command.data)?;
    check_births(&command.data, occurred_at, clock)?;
    let lacking = missing(&command.data, &def.start_requirements());
    if !lacking.is_empty() {
        return Err(Refusal::MissingFields {
            transition: None,
            fields: lacking,
        }
        .into());
    }
    let initial = def
        .initial_state()
        .ok_or_else(|| CommandError::NoInitialState {
            workflow: def.key.clone(),
        })?;
    let opening = Event {
        seq: 1,
        recorded_at: clock.now,
        occurred_at,
        actor: command.actor.user.clone(),
        role: command.actor.role.clone(),
        kind: EventKind::Opened {
            workflow: def.key.clone(),
            version: version.clone(),
            profile: command.profile.clone(),
            settings: command.settings.clone(),
            state: initial.key.clone(),
            data: command.data.clone(),
            origin: command.origin.clone(),
            unit: command.unit.clone(),
            officer: command.officer.clone(),
            published: command.published.clone(),
            external: command.external.clone(),
            crypto: command.crypto,
        },
    };
    let Some((case, events)) = Chained::opening(id, opening) else {
        return Err(CommandError::NoInitialState {
            workflow: def.key.clone(),
        }
        .into());
    };
    let mut history = History {
        case,
        events,
        actor: &command.actor,
        recorded_at: clock.now,
        occurred_at,
    };
    set_deadlines(&mut history, def, &def.start.deadlines, clock, None)?;
    for key in &def.start.letters {
        history.push(EventKind::LetterRequested {
            key: key.clone(),
            transition: None,
        });
    }
    Ok(Outcome {
        case: history.case,
        events: history.events,
        spawns: Vec::new(),
        letters: def.start.letters.clone(),
    })
}

/// Moves an existing case by one command. Pure: the caller gives the clock, and for
/// [`Command::Amend`] the case's history (`history`: which transitions were taken on what
/// data); other commands do not read it.
pub fn step(
    def: &Definition,
    case: &Case,
    history: &[Event],
    command: Command,
    clock: &Clock,
) -> Result<Outcome, StepError> {
    if clock.now < case.updated_at {
        return Err(CommandError::ClockBehind {
            now: clock.now,
            last: case.updated_at,
        }
        .into());
    }
    match command {
        Command::Fire {
            transition,
            actor,
            changes,
            note,
            occurred_at,
        } => fire(
            def,
            case,
            &transition,
            &actor,
            changes,
            note,
            occurred_at,
            clock,
        ),
        Command::Amend {
            actor,
            changes,
            reason,
            occurred_at,
            administrator,
        } => {
            check_role(def, &actor.role)?;
            let occurred_at = occurred_on(case, occurred_at, clock.now)?;
            if reason.trim().is_empty() {
                return Err(CommandError::MissingReason.into());
            }
            if changes.is_empty() {
                return Err(CommandError::NothingToAmend.into());
            }
            let mut data = case.data.clone();
            apply_changes(&mut data, &changes);
            check_identity(def, &data)?;
            check_births(&changes, occurred_at, clock)?;
            let broken = guards_broken_by(def, case, history, &changes, clock);
            if let Some((transition, guard)) = broken.first().filter(|_| !administrator) {
                return Err(Refusal::CorrectionBreaksGuard {
                    transition: transition.clone(),
                    guard: guard.source.clone(),
                    reason: guard.reason.clone(),
                    fields: changes.keys().cloned().collect(),
                }
                .into());
            }
            let previous: Data = changes
                .keys()
                .map(|k| (k.clone(), case.data.get(k).cloned().unwrap_or(Value::Null)))
                .collect();
            let overrules = broken
                .into_iter()
                .map(|(transition, guard)| crate::case::Overruled {
                    transition,
                    guard: guard.source,
                })
                .collect();
            let mut history = History {
                case: case.clone(),
                events: Chained::after(case),
                actor: &actor,
                recorded_at: clock.now,
                occurred_at,
            };
            let corrected: Vec<String> = changes.keys().cloned().collect();
            history.push(EventKind::Amended {
                changes,
                reason,
                previous: Some(previous),
                overrules,
            });
            recount_deadlines(&mut history, def, &case.data, &corrected, clock)?;
            Ok(Outcome {
                case: history.case,
                events: history.events,
                spawns: Vec::new(),
                letters: Vec::new(),
            })
        }
        Command::Transfer {
            actor,
            to,
            officer,
            reason,
            occurred_at,
        } => {
            check_role(def, &actor.role)?;
            if def.is_final(&case.state) {
                return Err(Refusal::CaseClosed {
                    state: case.state.clone(),
                }
                .into());
            }
            let occurred_at = occurred_on(case, occurred_at, clock.now)?;
            let mut history = History {
                case: case.clone(),
                events: Chained::after(case),
                actor: &actor,
                recorded_at: clock.now,
                occurred_at,
            };
            history.push(EventKind::Transferred {
                from: case.unit.clone(),
                to,
                officer,
                reason,
            });
            Ok(Outcome {
                case: history.case,
                events: history.events,
                spawns: Vec::new(),
                letters: Vec::new(),
            })
        }
    }
}

/// The guards of transitions already taken (in `history`) that pass on the data they were
/// checked on and fail once `changes` are applied to it, evaluated at the time each was
/// recorded. A correction applies to a transition from the act that last set the field
/// (opening or transition; an earlier correction does not count, so two corrections cannot
/// walk a value past a guard): a transition taken before that act saw another value.
fn guards_broken_by(
    def: &Definition,
    case: &Case,
    history: &[Event],
    changes: &Data,
    clock: &Clock,
) -> Vec<(String, crate::definition::GuardDef)> {
    let mut set_by: std::collections::BTreeMap<&str, u32> =
        changes.keys().map(|k| (k.as_str(), 0)).collect();
    for e in history {
        if let EventKind::Opened { data: set, .. } | EventKind::Fired { changes: set, .. } = &e.kind
        {
            for k in set.keys() {
                if let Some(seq) = set_by.get_mut(k.as_str()) {
                    *seq = e.seq;
                }
            }
        }
    }
    let scope = GuardScope {
        fields: def.guard_field_types(),
        settings: &case.settings,
    };
    let mut data = Data::new();
    let mut out = Vec::new();
    for e in history {
        match &e.kind {
            EventKind::Opened { data: opened, .. } => data = opened.clone(),
            EventKind::Amended { changes: c, .. } => apply_changes(&mut data, c),
            EventKind::Fired {
                transition,
                changes: c,
                ..
            } => {
                apply_changes(&mut data, c);
                let Some(t) = def.transition(transition) else {
                    continue;
                };
                let seen: Data = changes
                    .iter()
                    .filter(|(k, _)| set_by.get(k.as_str()).is_some_and(|s| *s <= e.seq))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if seen.is_empty() || t.guards.is_empty() {
                    continue;
                }
                let mut corrected = data.clone();
                apply_changes(&mut corrected, &seen);
                for g in &t.guards {
                    let compiled = def.compiled.get(&g.source, &scope);
                    let Ok(guard) = compiled.as_ref() else {
                        continue;
                    };
                    let at = |d: &Data| guard.evaluate(d, &scope, e.recorded_at, clock.tz);
                    if at(&data) == GuardResult::Pass && at(&corrected) != GuardResult::Pass {
                        out.push((t.key.clone(), g.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Counts again the running deadlines that count from a corrected field (`from: FIELD`), from
/// its corrected value: each is replaced (cancelled and set anew). Only a deadline that was
/// counted from the field's old value (`before`: the data before the correction) is; a
/// breached deadline stays as it is (its breach is history), as does one whose field the
/// correction clears.
fn recount_deadlines(
    history: &mut History,
    def: &Definition,
    before: &Data,
    corrected: &[String],
    clock: &Clock,
) -> Result<(), Refusal> {
    let defs = def
        .start
        .deadlines
        .iter()
        .chain(def.transitions.iter().flat_map(|t| t.deadlines.iter()));
    let mut again: Vec<DeadlineDef> = Vec::new();
    for d in defs {
        let DeadlineStart::Field(field) = &d.from else {
            continue;
        };
        let running = history.case.deadlines.get(&d.name).is_some_and(|open| {
            !open.breached
                && open.counted.as_ref().is_some_and(|c| {
                    deadline_start(d, def, before, c.from, clock.tz, None).ok() == Some(c.from)
                })
        });
        if running
            && corrected.contains(field)
            && history.case.data.contains_key(field)
            && !again.iter().any(|a| a.name == d.name)
        {
            again.push(d.clone());
        }
    }
    set_deadlines(history, def, &again, clock, None)
}

/// Checks everything that could stop `transition` now, without changing anything.
pub fn check_transition(
    def: &Definition,
    case: &Case,
    t: &TransitionDef,
    role: &str,
    data: &Data,
    clock: &Clock,
) -> Result<(), Refusal> {
    if def.is_final(&case.state) {
        return Err(Refusal::CaseClosed {
            state: case.state.clone(),
        });
    }
    if !t.from.admits(&case.state, false) {
        let allowed_from = match &t.from {
            crate::definition::FromStates::AnyOpen => Vec::new(),
            crate::definition::FromStates::Listed(states) => states.clone(),
        };
        return Err(Refusal::NotFromState {
            transition: t.key.clone(),
            state: case.state.clone(),
            allowed_from,
        });
    }
    if t.is_system() && role != SYSTEM_ROLE {
        return Err(Refusal::SystemOnly {
            transition: t.key.clone(),
        });
    }
    if !t.roles.iter().any(|r| r == role) {
        return Err(Refusal::RoleNotPermitted {
            transition: Some(t.key.clone()),
            role: role.to_owned(),
            allowed: t.roles.clone(),
        });
    }
    let lacking = missing(data, &t.requires);
    if !lacking.is_empty() {
        return Err(Refusal::MissingFields {
            transition: Some(t.key.clone()),
            fields: lacking,
        });
    }
    check_guards(def, case, t, data, clock)
}

/// Evaluates a transition's guards against `data`; the first that does not pass refuses.
pub fn check_guards(
    def: &Definition,
    case: &Case,
    t: &TransitionDef,
    data: &Data,
    clock: &Clock,
) -> Result<(), Refusal> {
    let scope = GuardScope {
        fields: def.guard_field_types(),
        settings: &case.settings,
    };
    for g in &t.guards {
        let result = match def.compiled.get(&g.source, &scope).as_ref() {
            Ok(guard) => guard.evaluate(data, &scope, clock.now, clock.tz),
            Err(problems) => GuardResult::Error {
                message: problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            },
        };
        if result != GuardResult::Pass {
            // An evaluation error may quote a value; a sensitive one never leaves the step.
            let result = match result {
                GuardResult::Error { message } => GuardResult::Error {
                    message: crate::authority::scrub(def, data, &message),
                },
                other => other,
            };
            return Err(Refusal::GuardFailed {
                transition: t.key.clone(),
                guard: g.source.clone(),
                reason: g.reason.clone(),
                result,
            });
        }
    }
    match &t.in_time {
        Some(in_time) => check_in_time(case, t, in_time, data, clock),
        None => Ok(()),
    }
}

/// The moment a date or datetime value stands for: a date is the start of its day.
fn moment(value: &Value, tz: &jiff::tz::TimeZone) -> Option<Timestamp> {
    let text = value.as_str()?;
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    tz.to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .ok()
}

/// Refuses an act whose recorded date is not before the due time of the deadline it names.
fn check_in_time(
    case: &Case,
    t: &TransitionDef,
    in_time: &crate::definition::InTime,
    data: &Data,
    clock: &Clock,
) -> Result<(), Refusal> {
    let Some(at) = data.get(&in_time.field).and_then(|v| moment(v, clock.tz)) else {
        return Err(Refusal::MissingFields {
            transition: Some(t.key.clone()),
            fields: vec![in_time.field.clone()],
        });
    };
    let running = case.deadlines.get(&in_time.deadline);
    match running {
        Some(d) if at < d.due => Ok(()),
        _ => Err(Refusal::Late {
            transition: t.key.clone(),
            field: in_time.field.clone(),
            deadline: in_time.deadline.clone(),
            title: running.map(|d| d.title.clone()),
            due: running.map(|d| d.due),
        }),
    }
}

#[allow(clippy::too_many_arguments)]
fn fire(
    def: &Definition,
    case: &Case,
    transition: &str,
    actor: &Actor,
    changes: Data,
    note: Option<String>,
    occurred_at: Option<Timestamp>,
    clock: &Clock,
) -> Result<Outcome, StepError> {
    let t = def
        .transition(transition)
        .ok_or_else(|| CommandError::UnknownTransition {
            workflow: def.key.clone(),
            name: transition.to_owned(),
            suggestion: closest(transition, def.transitions.iter().map(|t| t.key.as_str())),
        })?;
    check_role(def, &actor.role)?;
    let (occurred_at, changes) =
        agree_act_time(t.act_time.as_deref(), occurred_at, Some(clock.now), changes)?;
    let occurred_at = occurred_on(case, occurred_at, clock.now)?;
    let mut data = case.data.clone();
    apply_changes(&mut data, &changes);
    check_identity(def, &data)?;
    check_births(&changes, occurred_at, clock)?;
    check_transition(def, case, t, &actor.role, &data, clock)?;

    let mut history = History {
        case: case.clone(),
        events: Chained::after(case),
        actor,
        recorded_at: clock.now,
        occurred_at,
    };
    let spawns = take_transition(&mut history, def, t, changes, note, clock)?;
    Ok(Outcome {
        case: history.case,
        events: history.events,
        spawns,
        letters: t.letters.clone(),
    })
}

/// Appends a transition's events to `history` (checked beforehand): the move, the deadlines it
/// cancels and sets, its letters; returns the cases it asks to spawn.
fn take_transition(
    history: &mut History,
    def: &Definition,
    t: &TransitionDef,
    changes: Data,
    note: Option<String>,
    clock: &Clock,
) -> Result<Vec<SpawnRequest>, Refusal> {
    let from = history.case.state.clone();
    history.push(EventKind::Fired {
        transition: t.key.clone(),
        from: from.clone(),
        to: t.to.clone(),
        changes,
        note,
    });
    let entering_final = def.is_final(&t.to);
    let leaving = from != t.to;
    let cancelled: Vec<(String, CancelReason)> = history
        .case
        .deadlines
        .values()
        .filter_map(|d| {
            if entering_final {
                Some((d.name.clone(), CancelReason::FinalState))
            } else if t.cancels.contains(&d.name) {
                Some((d.name.clone(), CancelReason::Met))
            } else if leaving && !d.keep {
                Some((d.name.clone(), CancelReason::LeftState))
            } else {
                None
            }
        })
        .collect();
    for (name, reason) in cancelled {
        history.push(EventKind::DeadlineCancelled { name, reason });
    }
    if !entering_final {
        set_deadlines(history, def, &t.deadlines, clock, Some(&t.key))?;
    }
    for key in &t.letters {
        history.push(EventKind::LetterRequested {
            key: key.clone(),
            transition: Some(t.key.clone()),
        });
    }
    let spawns: Vec<SpawnRequest> = t
        .spawn
        .iter()
        .flat_map(|s| spawn_requests(s, &history.case.data))
        .collect();
    let limit = spawn_limit(&history.case.settings);
    if spawns.len() > limit {
        return Err(Refusal::TooManySpawns {
            transition: t.key.clone(),
            count: spawns.len(),
            limit,
        });
    }
    Ok(spawns)
}

/// How many cases one act may open when no setting says otherwise: more children than any
/// household has, few enough that one act cannot flood the register.
pub const DEFAULT_MAX_SPAWNS: usize = 50;

/// The name of the setting (declared by a workflow, changed by a county profile) that bounds
/// how many cases one act may open.
pub const MAX_SPAWNS_SETTING: &str = "max_spawns";

/// The spawn bound in force: the `max_spawns` setting when it is a number within the
/// configuration bound, else the default.
fn spawn_limit(settings: &Data) -> usize {
    settings
        .get(MAX_SPAWNS_SETTING)
        .and_then(Value::as_u64)
        .filter(|n| *n <= crate::profile::MAX_SETTING_NUMBER as u64)
        .map_or(DEFAULT_MAX_SPAWNS, |n| n as usize)
}

/// The actor the deadline runner records.
pub fn system_actor() -> Actor {
    Actor {
        user: SYSTEM_ROLE.to_owned(),
        role: SYSTEM_ROLE.to_owned(),
    }
}

/// What the deadline runner does to one case at `clock.now`: sends reminders that are due,
/// records breaches, and fires each breach's system transition when the case's state allows
/// it. A breach the state does not allow is still recorded, and the case stays overdue on it.
/// Each event occurs at its own moment (the reminder or due time), not when the runner ran.
/// Returns None when nothing is due, so running it twice fires nothing twice.
pub fn fire_due(
    def: &Definition,
    case: &Case,
    clock: &Clock,
) -> Result<Option<Outcome>, StepError> {
    if def.is_final(&case.state) {
        return Ok(None);
    }
    let actor = system_actor();
    let mut history = History {
        case: case.clone(),
        events: Chained::after(case),
        actor: &actor,
        recorded_at: clock.now,
        occurred_at: clock.now,
    };
    let mut spawns = Vec::new();
    let mut letters = Vec::new();
    // Oldest first, so a chain of breaches happens in the order the law would see it.
    let mut due: Vec<_> = case
        .deadlines
        .values()
        .filter_map(|d| {
            d.next_firing()
                .filter(|at| *at <= clock.now)
                .map(|at| (at, d.name.clone()))
        })
        .collect();
    due.sort();
    for (_, name) in due {
        // An earlier breach in this run may have moved the case and cancelled this deadline.
        let Some(d) = history.case.deadlines.get(&name).cloned() else {
            continue;
        };
        // A deadline entered after the fact cannot be reminded or breached before it was set.
        let earliest = d
            .set_at
            .unwrap_or(history.case.opened_at)
            .max(history.case.opened_at);
        if d.due > clock.now {
            history.occurred_at = d.remind_at.unwrap_or(clock.now).max(earliest);
            history.push(EventKind::DeadlineReminded { name });
            continue;
        }
        history.occurred_at = d.due.max(earliest);
        history.push(EventKind::DeadlineBreached {
            name: name.clone(),
            due: d.due,
        });
        let Some(t) = d.on_breach.as_deref().and_then(|b| def.transition(b)) else {
            continue;
        };
        if def.is_final(&history.case.state) || !t.from.admits(&history.case.state, false) {
            continue;
        }
        if check_guards(def, &history.case, t, &history.case.data, clock).is_err() {
            continue;
        }
        spawns.extend(take_transition(
            &mut history,
            def,
            t,
            Data::new(),
            None,
            clock,
        )?);
        letters.extend(t.letters.iter().cloned());
    }
    if history.events.is_empty() {
        return Ok(None);
    }
    Ok(Some(Outcome {
        case: history.case,
        events: history.events,
        spawns,
        letters,
    }))
}

/// When a deadline's count starts: the act, or a date/datetime field of the case.
fn deadline_start(
    d: &DeadlineDef,
    def: &Definition,
    data: &Data,
    entered: Timestamp,
    tz: &TimeZone,
    transition: Option<&str>,
) -> Result<Timestamp, Refusal> {
    let DeadlineStart::Field(field) = &d.from else {
        return Ok(entered);
    };
    let unset = || Refusal::MissingFields {
        transition: transition.map(str::to_owned),
        fields: vec![field.clone()],
    };
    let text = data.get(field).and_then(Value::as_str).ok_or_else(unset)?;
    match def.fields.get(field).map(|f| &f.ty) {
        Some(FieldType::Date) => {
            let date: jiff::civil::Date = text.parse().map_err(|_| unset())?;
            date.to_zoned_datetime(tz.clone())
                .map(|z| z.timestamp())
                .map_err(|_| unset())
        }
        _ => text.parse::<Timestamp>().map_err(|_| unset()),
    }
}

/// Subtracts a reminder lead time from a due time.
fn before(due: Timestamp, lead: Period, tz: &TimeZone) -> Option<Timestamp> {
    let span = match lead {
        Period::Hours(n) => jiff::Span::new().try_hours(i64::from(n)).ok()?,
        Period::Days(n) | Period::WorkingDays(n) => {
            jiff::Span::new().try_days(i64::from(n)).ok()?
        }
        Period::Weeks(n) => jiff::Span::new().try_weeks(i64::from(n)).ok()?,
        Period::Months(n) => jiff::Span::new().try_months(i64::from(n)).ok()?,
        Period::Years(n) => jiff::Span::new().try_years(i64::from(n)).ok()?,
    };
    due.to_zoned_datetime(tz.clone())
        .checked_sub(span)
        .ok()
        .map(|z| z.timestamp())
}

fn set_deadlines(
    history: &mut History,
    def: &Definition,
    deadlines: &[DeadlineDef],
    clock: &Clock,
    transition: Option<&str>,
) -> Result<(), Refusal> {
    for d in deadlines {
        let (spec, recurring, fixed) = match &d.rule {
            DeadlineRule::Within(spec) => (spec, false, false),
            DeadlineRule::Every(spec) => (spec, true, false),
            DeadlineRule::DateAfter(spec) => (spec, false, true),
        };
        // Validation guarantees the setting exists and parses; a profile that broke it since
        // falls back to skipping the deadline would lose a legal limit, so refuse loudly instead.
        let Some(period) = spec.resolve(&history.case.settings) else {
            return Err(Refusal::MissingFields {
                transition: transition.map(str::to_owned),
                fields: vec![format!("settings.{spec}")],
            });
        };
        let start = deadline_start(
            d,
            def,
            &history.case.data,
            history.occurred_at,
            clock.tz,
            transition,
        )?;
        let due = if fixed {
            period.date_after(start, clock.tz)
        } else {
            period.due(start, clock.tz, clock.calendar)
        };
        let lead = d
            .remind_before
            .as_ref()
            .and_then(|r| r.resolve(&history.case.settings));
        let remind_at = lead.and_then(|lead| before(due.at, lead, clock.tz));
        if history.case.deadlines.contains_key(&d.name) {
            history.push(EventKind::DeadlineCancelled {
                name: d.name.clone(),
                reason: CancelReason::Replaced,
            });
        }
        history.push(EventKind::DeadlineSet {
            name: d.name.clone(),
            title: d.title.clone(),
            due: due.at,
            remind_at,
            provisional: due.provisional,
            on_breach: d.on_breach.clone(),
            keep: d.keep,
            every: recurring.then(|| period.to_string()),
            counted: Some(crate::case::Counted {
                from: start,
                period: period.to_string(),
                remind_before: lead.map(|l| l.to_string()),
            }),
        });
    }
    Ok(())
}

/// Recomputes provisional due times (counted past the holiday data of their day) on the
/// calendar in force; each one the calendar now covers gets a `DeadlineAdjusted` event.
/// Pure; None when nothing changes.
pub fn adjust_provisional(def: &Definition, case: &Case, clock: &Clock) -> Option<Outcome> {
    recompute(def, case, clock, &system_actor(), true)
}

/// Recomputes every running deadline (set, not breached, counted from a known start) on the
/// calendar in force, after a holiday calendar was published: each whose due time or
/// provisional mark changes gets a `DeadlineAdjusted` event by `actor`. Pure; None when nothing
/// moves.
pub fn recount(def: &Definition, case: &Case, clock: &Clock, actor: &Actor) -> Option<Outcome> {
    recompute(def, case, clock, actor, false)
}

fn recompute(
    def: &Definition,
    case: &Case,
    clock: &Clock,
    actor: &Actor,
    only_provisional: bool,
) -> Option<Outcome> {
    if def.is_final(&case.state) {
        return None;
    }
    let mut history = History {
        case: case.clone(),
        events: Chained::after(case),
        actor,
        recorded_at: clock.now,
        occurred_at: clock.now,
    };
    for d in case
        .deadlines
        .values()
        .filter(|d| (d.provisional || !only_provisional) && !d.breached)
    {
        let Some(counted) = &d.counted else { continue };
        let Ok(period) = Period::parse(&counted.period) else {
            continue;
        };
        let due = period.due(counted.from, clock.tz, clock.calendar);
        if only_provisional && due.provisional {
            continue;
        }
        if due.at == d.due && due.provisional == d.provisional {
            continue;
        }
        let remind_at = counted
            .remind_before
            .as_deref()
            .and_then(|r| Period::parse(r).ok())
            .and_then(|lead| before(due.at, lead, clock.tz));
        history.push(EventKind::DeadlineAdjusted {
            name: d.name.clone(),
            due: due.at,
            remind_at,
            provisional: due.provisional,
        });
    }
    (!history.events.is_empty()).then(|| Outcome {
        case: history.case,
        events: history.events,
        spawns: Vec::new(),
        letters: Vec::new(),
    })
}

/// The cases a spawn asks for, with their data mapped from the parent's.
fn spawn_requests(spawn: &SpawnDef, data: &Data) -> Vec<SpawnRequest> {
    let map = |item: Option<&serde_json::Map<String, Value>>| {
        let mut out = Data::new();
        for (target, source) in &spawn.data {
            if let Some(sub) = source.strip_prefix("each.") {
                if let Some(v) = item.and_then(|i| i.get(sub)) {
                    out.insert(target.clone(), v.clone());
                }
            } else if let Some(v) = data.get(source) {
                out.insert(target.clone(), v.clone());
            } else {
                let dotted = format!("{source}.");
                for (k, v) in data.range(dotted.clone()..) {
                    let Some(rest) = k.strip_prefix(&dotted) else {
                        break;
                    };
                    out.insert(format!("{target}.{rest}"), v.clone());
                }
            }
        }
        for (k, v) in &spawn.set {
            out.insert(k.clone(), v.clone());
        }
        SpawnRequest {
            workflow: spawn.workflow.clone(),
            link: spawn.link.clone(),
            data: out,
        }
    };
    let wanted = |item: &Value| {
        spawn
            .only
            .iter()
            .all(|(sub, value)| item.get(sub) == Some(value))
    };
    match &spawn.for_each {
        None if spawn.only.iter().all(|(k, v)| data.get(k) == Some(v)) => vec![map(None)],
        None => Vec::new(),
        Some(field) => data
            .get(field)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter(|i| wanted(i))
                    .map(|i| map(i.as_object()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::load;
    use crate::period::{china_2025_2026, shanghai};

    const WORKFLOW: &str = r#"
workflow: care
title: 照护
roles: { parent: 父母, village_committee: 村（居）民委员会, police: 公安机关 }
settings: { contact_interval: 7d }
fields:
  child.name: { type: string, required: true, title: 儿童姓名 }
  child.birth_date: { type: date, required: true, title: 出生日期 }
  child.id_number: { type: id_number, title: 公民身份号码 }
  child.sex: { type: enum, values: { male: 男, female: 女 }, title: 性别 }
  carer.name: { type: string, title: 被委托人姓名 }
  carer.birth_date: { type: date, title: 被委托人出生日期 }
  carer.disqualified: { type: boolean, title: 存在不宜委托情形 }
  decision_at: { type: datetime, title: 决定时间 }
  kids: { type: list, of: { name: string, birth_date: date } }
start:
  roles: [parent]
  requires: [decision_at]
  deadlines: [{ name: notify, within: 24h, from: decision_at }]
states:
  registered: { title: 已备案, initial: true }
  entrusted: { title: 委托中 }
  overdue: { title: 逾期 }
  closed: { title: 结案, final: true }
transitions:
  sign:
    from: [registered]
    to: entrusted
    roles: [village_committee]
    requires: [carer.name, carer.birth_date]
    guard:
      - cel: "!has(carer.disqualified) || !carer.disqualified"
        reason: UPL 22 disqualified carer
      - cel: "age(carer.birth_date, now) >= 18"
        reason: UPL 22 adult carer
    letters: [entrustment-agreement]
    deadlines:
      - { name: contact, every: "{{settings.contact_interval}}", on_breach: lapse, remind_before: 1d }
      - { name: term, within: 1 year, keep: true }
  log:
    from: [entrusted]
    to: entrusted
    roles: [parent]
    deadlines: [{ name: contact, every: "{{settings.contact_interval}}", on_breach: lapse }]
  lapse: { from: [entrusted], to: overdue, roles: [system] }
  resume: { from: [overdue], to: entrusted, roles: [parent] }
  end_term: { from: [entrusted], to: entrusted, roles: [village_committee], cancels: [term] }
  refer:
    from: "*"
    to: entrusted
    roles: [police]
    spawn: { workflow: other, link: referred_from, for_each: kids, data: { child.name: each.name } }
  close: { from: "*", to: closed, roles: [village_committee] }
"#;

    fn def() -> Definition {
        match load("care.yaml", WORKFLOW.as_bytes()) {
            Ok(d) => d,
            Err(d) => panic!("test workflow must load: {:?}", d.problems),
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    fn actor(role: &str) -> Actor {
        Actor {
            user: "张三".into(),
            role: role.into(),
        }
    }

    fn data(pairs: &[(&str, Value)]) -> Data {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    /// The standard opening (小明, reported by a parent), with its events.
    fn opening(def: &Definition, now: Timestamp) -> Outcome {
        let tz = shanghai();
        let cal = china_2025_2026();
        let clock = Clock {
            now,
            tz: &tz,
            calendar: &cal,
        };
        let open = Open {
            published: None,
            crypto: Default::default(),
            external: None,
            actor: actor("parent"),
            data: data(&[
                ("child.name", "小明".into()),
                ("child.birth_date", "2018-05-01".into()),
                ("decision_at", "2026-11-23T02:00:00Z".into()),
            ]),
            occurred_at: None,
            profile: None,
            settings: def.settings.clone(),
            origin: None,
            unit: None,
            officer: None,
        };
        open_case(def, open, &clock)
    }

    fn opened(def: &Definition, now: Timestamp) -> Case {
        opening(def, now).case
    }

    fn open_case(def: &Definition, open: Open, clock: &Clock) -> Outcome {
        super::open(
            def,
            &VersionHash("v1".into()),
            &CaseId::new(2026, 1),
            open,
            clock,
        )
        .expect("opens")
    }

    fn fire(
        def: &Definition,
        case: &Case,
        t: &str,
        role: &str,
        changes: Data,
        now: Timestamp,
    ) -> Result<Outcome, StepError> {
        let tz = shanghai();
        let cal = china_2025_2026();
        let clock = Clock {
            now,
            tz: &tz,
            calendar: &cal,
        };
        step(
            def,
            case,
            &[],
            Command::Fire {
                transition: t.into(),
                actor: actor(role),
                changes,
                note: None,
                occurred_at: None,
            },
            &clock,
        )
    }

    fn carer(birth: &str) -> Data {
        data(&[
            ("carer.name", "王奶奶".into()),
            ("carer.birth_date", birth.into()),
        ])
    }

    #[test]
    fn opening_sets_a_deadline_from_a_field_counted_in_hours() {
        let def = def();
        let case = opened(&def, at("2026-11-23T03:00:00Z"));
        assert_eq!(case.state, "registered");
        assert_eq!(case.deadlines["notify"].due, at("2026-11-24T02:00:00Z"));
    }

    #[test]
    fn opening_without_required_fields_is_refused_naming_them() {
        let def = def();
        let tz = shanghai();
        let cal = china_2025_2026();
        let clock = Clock {
            now: at("2026-11-23T03:00:00Z"),
            tz: &tz,
            calendar: &cal,
        };
        let open = Open {
            published: None,
            crypto: Default::default(),
            external: None,
            actor: actor("parent"),
            data: Data::new(),
            occurred_at: None,
            profile: None,
            settings: def.settings.clone(),
            origin: None,
            unit: None,
            officer: None,
        };
        let err = super::open(
            &def,
            &VersionHash("v1".into()),
            &CaseId::new(2026, 1),
            open,
            &clock,
        )
        .err();
        assert_eq!(
            err,
            Some(StepError::Refused(Refusal::MissingFields {
                transition: None,
                fields: vec![
                    "decision_at".into(),
                    "child.birth_date".into(),
                    "child.name".into()
                ],
            }))
        );
    }

    #[test]
    fn an_identity_number_must_agree_with_birth_date_and_sex() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let case = opened(&def, now);
        // The GB 11643 sample: born 1949-12-31, female; the case says 2018-05-01.
        let id = data(&[("child.id_number", "11010519491231002X".into())]);
        assert_eq!(
            fire(&def, &case, "close", "village_committee", id, now).err(),
            Some(StepError::Invalid(CommandError::IdentityMismatch {
                field: "child.id_number".into(),
                other: "child.birth_date".into(),
            }))
        );
        let consistent = data(&[
            ("child.id_number", "11010519491231002X".into()),
            ("child.birth_date", "1949-12-31".into()),
            ("child.sex", "male".into()),
        ]);
        assert_eq!(
            fire(&def, &case, "close", "village_committee", consistent, now).err(),
            Some(StepError::Invalid(CommandError::IdentityMismatch {
                field: "child.id_number".into(),
                other: "child.sex".into(),
            }))
        );
    }

    #[test]
    fn refusals_and_step_errors_display_as_english_sentences_not_debug_text() {
        let refusals = [
            Refusal::CaseClosed {
                state: "closed".into(),
            },
            Refusal::NotFromState {
                transition: "close".into(),
                state: "open".into(),
                allowed_from: vec!["entrusted".into(), "overdue".into()],
            },
            Refusal::RoleNotPermitted {
                transition: None,
                role: "parent".into(),
                allowed: vec!["police".into()],
            },
            Refusal::SystemOnly {
                transition: "lapse".into(),
            },
            Refusal::MissingFields {
                transition: Some("sign".into()),
                fields: vec!["carer.name".into()],
            },
            Refusal::GuardFailed {
                transition: "sign".into(),
                guard: "carer.disqualified == false".into(),
                reason: Some("UPL 22".into()),
                result: GuardResult::Unset {
                    field: "carer.disqualified".into(),
                },
            },
        ];
        for r in refusals {
            let text = StepError::Refused(r.clone()).to_string();
            assert!(text.starts_with("refused: "), "{text}");
            assert!(text.ends_with(&r.to_string()), "{text}");
            for debug in ["{", "}", "Refusal", "Some(", "None", "[\""] {
                assert!(!text.contains(debug), "debug text {debug:?} in {text}");
            }
        }
        let invalid = StepError::Invalid(CommandError::MissingReason).to_string();
        assert_eq!(invalid, "invalid command: a correction needs a reason");
    }

    #[test]
    fn refuses_disqualified_carer_naming_upl_22() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let case = opened(&def, now);
        let mut changes = carer("1960-03-02");
        changes.insert("carer.disqualified".into(), true.into());
        match fire(&def, &case, "sign", "village_committee", changes, now) {
            Err(StepError::Refused(Refusal::GuardFailed { reason, result, .. })) => {
                assert_eq!(reason.as_deref(), Some("UPL 22 disqualified carer"));
                assert_eq!(result, GuardResult::Fail);
            }
            other => panic!("expected a guard refusal, got {other:?}"),
        }
    }

    #[test]
    fn refuses_a_minor_carer_on_the_day_before_the_eighteenth_birthday() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let case = opened(&def, now);
        let refused = fire(
            &def,
            &case,
            "sign",
            "village_committee",
            carer("2008-11-24"),
            now,
        );
        assert!(matches!(
            refused,
            Err(StepError::Refused(Refusal::GuardFailed { .. }))
        ));
        assert!(
            fire(
                &def,
                &case,
                "sign",
                "village_committee",
                carer("2008-11-23"),
                now
            )
            .is_ok()
        );
    }

    #[test]
    fn wrong_role_state_and_missing_fields_are_typed_refusals() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let case = opened(&def, now);
        assert!(matches!(
            fire(&def, &case, "sign", "parent", carer("1960-03-02"), now),
            Err(StepError::Refused(Refusal::RoleNotPermitted { .. }))
        ));
        assert!(matches!(
            fire(&def, &case, "log", "parent", Data::new(), now),
            Err(StepError::Refused(Refusal::NotFromState { .. }))
        ));
        assert_eq!(
            fire(&def, &case, "sign", "village_committee", Data::new(), now).err(),
            Some(StepError::Refused(Refusal::MissingFields {
                transition: Some("sign".into()),
                fields: vec!["carer.name".into(), "carer.birth_date".into()],
            }))
        );
        assert!(matches!(
            fire(&def, &case, "lapse", "parent", Data::new(), now),
            Err(StepError::Refused(Refusal::NotFromState { .. }))
        ));
        assert!(matches!(
            fire(&def, &case, "teleport", "parent", Data::new(), now),
            Err(StepError::Invalid(CommandError::UnknownTransition { .. }))
        ));
    }

    #[test]
    fn a_person_cannot_fire_a_system_transition() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let case = opened(&def, now);
        let signed = fire(
            &def,
            &case,
            "sign",
            "village_committee",
            carer("1960-03-02"),
            now,
        )
        .expect("signs")
        .case;
        assert!(matches!(
            fire(&def, &signed, "lapse", "parent", Data::new(), now),
            Err(StepError::Refused(Refusal::SystemOnly { .. }))
        ));
        assert!(fire(&def, &signed, "lapse", SYSTEM_ROLE, Data::new(), now).is_ok());
    }

    #[test]
    fn leaving_a_state_cancels_its_deadlines_but_keeps_kept_ones() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let case = opened(&def, now);
        let signed = fire(
            &def,
            &case,
            "sign",
            "village_committee",
            carer("1960-03-02"),
            now,
        )
        .expect("signs");
        assert!(!signed.case.deadlines.contains_key("notify"));
        assert_eq!(signed.letters, vec!["entrustment-agreement".to_owned()]);
        // 7d from Monday 23 Nov: the start day is not counted, so it ends at 24:00 on 30 Nov.
        assert_eq!(
            signed.case.deadlines["contact"].due,
            at("2026-11-30T16:00:00Z")
        );
        let lapsed = fire(&def, &signed.case, "lapse", SYSTEM_ROLE, Data::new(), now)
            .expect("lapses")
            .case;
        assert!(!lapsed.deadlines.contains_key("contact"));
        assert!(
            lapsed.deadlines.contains_key("term"),
            "keep: true survives leaving the state"
        );
        let closed = fire(
            &def,
            &lapsed,
            "close",
            "village_committee",
            Data::new(),
            now,
        )
        .expect("closes")
        .case;
        assert!(
            closed.deadlines.is_empty(),
            "a final state cancels every deadline"
        );
    }

    #[test]
    fn logging_contact_resets_the_recurring_deadline() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let signed = fire(
            &def,
            &opened(&def, now),
            "sign",
            "village_committee",
            carer("1960-03-02"),
            now,
        )
        .expect("signs")
        .case;
        let later = at("2026-11-27T03:00:00Z");
        let logged = fire(&def, &signed, "log", "parent", Data::new(), later).expect("logs");
        assert!(logged.events.iter().any(|e| matches!(
            &e.kind,
            EventKind::DeadlineCancelled { name, reason: CancelReason::Replaced } if name == "contact"
        )));
        assert_eq!(
            logged.case.deadlines["contact"].due,
            at("2026-12-04T16:00:00Z")
        );
    }

    fn tick(def: &Definition, case: &Case, now: Timestamp) -> Option<Outcome> {
        let tz = shanghai();
        let cal = china_2025_2026();
        let clock = Clock {
            now,
            tz: &tz,
            calendar: &cal,
        };
        fire_due(def, case, &clock).expect("the runner never fails on a valid case")
    }

    fn kinds(outcome: &Outcome) -> Vec<String> {
        outcome
            .events
            .iter()
            .map(|e| match &e.kind {
                EventKind::DeadlineReminded { name } => format!("reminded {name}"),
                EventKind::DeadlineBreached { name, .. } => format!("breached {name}"),
                EventKind::Fired { transition, .. } => format!("fired {transition}"),
                EventKind::DeadlineCancelled { name, .. } => format!("cancelled {name}"),
                EventKind::DeadlineSet { name, .. } => format!("set {name}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn the_runner_reminds_once_then_breaches_once_and_fires_the_breach_transition() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let signed = fire(
            &def,
            &opened(&def, now),
            "sign",
            "village_committee",
            carer("1960-03-02"),
            now,
        )
        .expect("signs")
        .case;
        // Due 2026-11-30 24:00 Beijing; the reminder goes 1 day before.
        assert!(
            tick(&def, &signed, at("2026-11-29T15:00:00Z")).is_none(),
            "nothing due yet"
        );
        let reminded = tick(&def, &signed, at("2026-11-29T16:30:00Z")).expect("reminder due");
        assert_eq!(kinds(&reminded), vec!["reminded contact"]);
        assert_eq!(reminded.events[0].occurred_at, at("2026-11-29T16:00:00Z"));
        assert!(
            tick(&def, &reminded.case, at("2026-11-29T17:00:00Z")).is_none(),
            "reminded once"
        );
        let breached = tick(&def, &reminded.case, at("2026-12-02T00:00:00Z")).expect("breach due");
        assert_eq!(
            kinds(&breached),
            vec!["breached contact", "fired lapse", "cancelled contact"]
        );
        assert_eq!(
            breached.events[0].occurred_at,
            at("2026-11-30T16:00:00Z"),
            "occurred when due"
        );
        assert_eq!(breached.events[0].actor, "system");
        assert_eq!(breached.case.state, "overdue");
        assert!(
            tick(&def, &breached.case, at("2026-12-03T00:00:00Z")).is_none(),
            "breached once"
        );
    }

    #[test]
    fn a_breach_the_state_does_not_allow_is_recorded_and_the_case_stays_overdue() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        // The opening sets `notify` (24 h from decision_at, no breach transition).
        let case = opened(&def, now);
        let late = tick(&def, &case, at("2026-11-25T00:00:00Z")).expect("breach due");
        assert_eq!(kinds(&late), vec!["breached notify"]);
        assert!(
            late.case.deadlines["notify"].breached,
            "still open, marked overdue"
        );
        assert_eq!(late.case.state, "registered");
        assert!(tick(&def, &late.case, at("2026-11-26T00:00:00Z")).is_none());
    }

    #[test]
    fn a_tick_long_after_skips_the_stale_reminder_and_records_the_breach() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let signed = fire(
            &def,
            &opened(&def, now),
            "sign",
            "village_committee",
            carer("1960-03-02"),
            now,
        )
        .expect("signs")
        .case;
        let late = tick(&def, &signed, at("2027-01-01T00:00:00Z")).expect("due");
        assert_eq!(
            kinds(&late),
            vec!["breached contact", "fired lapse", "cancelled contact"]
        );
    }

    #[test]
    fn a_step_that_fulfils_a_kept_deadline_ends_it_and_leaves_the_others() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let signed = fire(
            &def,
            &opened(&def, now),
            "sign",
            "village_committee",
            carer("1960-03-02"),
            now,
        )
        .expect("signs")
        .case;
        let ended = fire(
            &def,
            &signed,
            "end_term",
            "village_committee",
            Data::new(),
            now,
        )
        .expect("ends");
        assert!(ended.events.iter().any(|e| matches!(
            &e.kind,
            EventKind::DeadlineCancelled { name, reason: CancelReason::Met } if name == "term"
        )));
        assert!(!ended.case.deadlines.contains_key("term"));
        assert!(
            ended.case.deadlines.contains_key("contact"),
            "a self-loop keeps the rest"
        );
    }

    #[test]
    fn a_provisional_deadline_is_adjusted_once_the_calendar_covers_it() {
        let def = def();
        let tz = shanghai();
        let empty = crate::period::Calendar::empty();
        let now = at("2026-11-23T03:00:00Z");
        let clock = Clock {
            now,
            tz: &tz,
            calendar: &empty,
        };
        let signed = step(
            &def,
            &opened(&def, now),
            &[],
            Command::Fire {
                transition: "sign".into(),
                actor: actor("village_committee"),
                changes: carer("1960-03-02"),
                note: None,
                occurred_at: None,
            },
            &clock,
        )
        .expect("signs")
        .case;
        assert!(
            signed.deadlines["contact"].provisional,
            "no holiday data: provisional"
        );
        assert!(
            adjust_provisional(&def, &signed, &clock).is_none(),
            "still no data"
        );
        let cal = china_2025_2026();
        let covered = Clock {
            now,
            tz: &tz,
            calendar: &cal,
        };
        let adjusted = adjust_provisional(&def, &signed, &covered).expect("adjusts");
        assert!(matches!(
            &adjusted.events[0].kind,
            EventKind::DeadlineAdjusted { name, provisional: false, .. } if name == "contact"
        ));
        assert!(!adjusted.case.deadlines["contact"].provisional);
        assert!(
            adjust_provisional(&def, &adjusted.case, &covered).is_none(),
            "adjusted once"
        );
    }

    #[test]
    fn a_clock_earlier_than_the_last_record_is_refused() {
        let def = def();
        let case = opened(&def, at("2026-11-23T03:00:00Z"));
        let earlier = at("2026-11-23T02:59:59Z");
        assert!(matches!(
            fire(
                &def,
                &case,
                "close",
                "village_committee",
                Data::new(),
                earlier
            ),
            Err(StepError::Invalid(CommandError::ClockBehind { .. }))
        ));
    }

    #[test]
    fn a_closed_case_refuses_everything() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let closed = fire(
            &def,
            &opened(&def, now),
            "close",
            "village_committee",
            Data::new(),
            now,
        )
        .expect("closes")
        .case;
        assert!(matches!(
            fire(&def, &closed, "refer", "police", Data::new(), now),
            Err(StepError::Refused(Refusal::CaseClosed { .. }))
        ));
    }

    #[test]
    fn spawning_for_each_record_asks_for_one_case_per_child() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let kids = serde_json::json!([{"name": "大毛", "birth_date": "2015-01-01"}, {"name": "二毛", "birth_date": "2019-01-01"}]);
        let out = fire(
            &def,
            &opened(&def, now),
            "refer",
            "police",
            data(&[("kids", kids)]),
            now,
        )
        .expect("refers");
        let names: Vec<_> = out
            .spawns
            .iter()
            .map(|s| s.data["child.name"].clone())
            .collect();
        assert_eq!(names, vec![Value::from("大毛"), Value::from("二毛")]);
    }

    #[test]
    fn a_spawn_list_longer_than_max_spawns_is_refused_and_the_setting_raises_it() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let kid = serde_json::json!({"name": "毛", "birth_date": "2015-01-01"});
        let kids = |n: usize| data(&[("kids", Value::Array(vec![kid.clone(); n]))]);
        let case = opened(&def, now);
        let refused = fire(
            &def,
            &case,
            "refer",
            "police",
            kids(DEFAULT_MAX_SPAWNS + 1),
            now,
        );
        assert_eq!(
            refused.map(|o| o.spawns.len()),
            Err(StepError::Refused(Refusal::TooManySpawns {
                transition: "refer".into(),
                count: DEFAULT_MAX_SPAWNS + 1,
                limit: DEFAULT_MAX_SPAWNS,
            }))
        );
        let at_limit = fire(
            &def,
            &case,
            "refer",
            "police",
            kids(DEFAULT_MAX_SPAWNS),
            now,
        );
        assert_eq!(at_limit.expect("fits").spawns.len(), DEFAULT_MAX_SPAWNS);
        let mut raised = case.clone();
        raised
            .settings
            .insert(MAX_SPAWNS_SETTING.into(), Value::from(200));
        let out = fire(&def, &raised, "refer", "police", kids(150), now).expect("raised");
        assert_eq!(out.spawns.len(), 150);
    }

    #[test]
    fn spawning_only_the_records_that_match_leaves_the_other_children_to_another_route() {
        let mut def = def();
        let refer = def
            .transitions
            .iter_mut()
            .find(|t| t.key == "refer")
            .expect("the test workflow has refer");
        refer.spawn[0]
            .only
            .insert("birth_date".into(), Value::from("2019-01-01"));
        let now = at("2026-11-23T03:00:00Z");
        let kids = serde_json::json!([{"name": "大毛", "birth_date": "2015-01-01"}, {"name": "二毛", "birth_date": "2019-01-01"}]);
        let out = fire(
            &def,
            &opened(&def, now),
            "refer",
            "police",
            data(&[("kids", kids)]),
            now,
        )
        .expect("refers");
        let names: Vec<_> = out
            .spawns
            .iter()
            .map(|s| s.data["child.name"].clone())
            .collect();
        assert_eq!(names, vec![Value::from("二毛")]);
    }

    #[test]
    fn an_act_in_the_future_is_bad_input() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let case = opened(&def, now);
        let tz = shanghai();
        let cal = china_2025_2026();
        let clock = Clock {
            now,
            tz: &tz,
            calendar: &cal,
        };
        let result = step(
            &def,
            &case,
            &[],
            Command::Fire {
                transition: "close".into(),
                actor: actor("village_committee"),
                changes: Data::new(),
                note: None,
                occurred_at: Some(at("2026-11-24T03:00:00Z")),
            },
            &clock,
        );
        assert!(matches!(
            result,
            Err(StepError::Invalid(CommandError::FutureAct { .. }))
        ));
    }

    #[test]
    fn replaying_the_events_gives_the_same_case() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let first = opening(&def, now);
        let mut events = first.events.to_vec();
        let signed = fire(
            &def,
            &first.case,
            "sign",
            "village_committee",
            carer("1960-03-02"),
            now,
        )
        .expect("signs");
        events.extend(signed.events.clone());
        assert_eq!(Case::replay(&first.case.id, &events), Ok(signed.case));
    }

    fn amend(
        def: &Definition,
        case: &Case,
        history: &[Event],
        changes: Data,
        administrator: bool,
        now: Timestamp,
    ) -> Result<Outcome, StepError> {
        let tz = shanghai();
        let cal = china_2025_2026();
        let clock = Clock {
            now,
            tz: &tz,
            calendar: &cal,
        };
        step(
            def,
            case,
            history,
            Command::Amend {
                actor: actor("village_committee"),
                changes,
                reason: "户籍信息更正".into(),
                occurred_at: None,
                administrator,
            },
            &clock,
        )
    }

    /// A case opened and signed with an adult carer, with its whole history.
    fn signed_with_history(def: &Definition, now: Timestamp) -> (Case, Vec<Event>) {
        let opening = opening(def, now);
        let signed = fire(
            def,
            &opening.case,
            "sign",
            "village_committee",
            carer("1960-03-02"),
            now,
        )
        .expect("signs");
        let mut history = opening.events.into_events();
        history.extend(signed.events);
        (signed.case, history)
    }

    #[test]
    fn a_correction_that_fails_the_guard_of_a_transition_taken_is_refused() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let (case, history) = signed_with_history(&def, now);
        // The carer would have been a child when the agreement was signed.
        let result = amend(
            &def,
            &case,
            &history,
            data(&[("carer.birth_date", "2015-01-01".into())]),
            false,
            now,
        );
        assert!(
            matches!(
                &result,
                Err(StepError::Refused(Refusal::CorrectionBreaksGuard { transition, guard, fields, .. }))
                    if transition == "sign" && guard.contains("age(carer.birth_date") && fields == &["carer.birth_date"]
            ),
            "{result:?}"
        );
        // A correction the guard still admits goes through and records the old value.
        let ok = amend(
            &def,
            &case,
            &history,
            data(&[("carer.birth_date", "1961-03-02".into())]),
            false,
            now,
        )
        .expect("an adult carer still");
        assert!(matches!(
            &ok.events[0].kind,
            EventKind::Amended { previous: Some(p), overrules, .. }
                if p["carer.birth_date"] == "1960-03-02" && overrules.is_empty()
        ));
        // Without the history (another command's view), nothing is known to be taken.
        assert!(
            amend(
                &def,
                &case,
                &[],
                data(&[("carer.birth_date", "2015-01-01".into())]),
                false,
                now
            )
            .is_ok()
        );
    }

    #[test]
    fn an_administrator_overrules_the_guard_and_the_history_says_so() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let (case, history) = signed_with_history(&def, now);
        let out = amend(
            &def,
            &case,
            &history,
            data(&[("carer.disqualified", true.into())]),
            true,
            now,
        )
        .expect("an administrator may");
        match &out.events[0].kind {
            EventKind::Amended {
                previous: Some(previous),
                overrules,
                ..
            } => {
                assert_eq!(previous["carer.disqualified"], Value::Null);
                assert_eq!(
                    overrules,
                    &[crate::case::Overruled {
                        transition: "sign".into(),
                        guard: "!has(carer.disqualified) || !carer.disqualified".into(),
                    }]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_second_correction_cannot_walk_a_value_past_a_guard() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let (case, mut history) = signed_with_history(&def, now);
        let first = amend(
            &def,
            &case,
            &history,
            data(&[("carer.birth_date", "1990-01-01".into())]),
            false,
            now,
        )
        .expect("still an adult");
        history.extend(first.events);
        let second = amend(
            &def,
            &first.case,
            &history,
            data(&[("carer.birth_date", "2016-01-01".into())]),
            false,
            now,
        );
        assert!(
            matches!(
                second,
                Err(StepError::Refused(Refusal::CorrectionBreaksGuard { .. }))
            ),
            "{second:?}"
        );
    }

    #[test]
    fn a_deadline_counted_from_a_corrected_field_is_counted_again() {
        let def = def();
        let now = at("2026-11-23T03:00:00Z");
        let opening = opening(&def, now);
        assert_eq!(
            opening.case.deadlines["notify"].due,
            at("2026-11-24T02:00:00Z")
        );
        let out = amend(
            &def,
            &opening.case,
            &opening.events,
            data(&[("decision_at", "2026-11-23T01:00:00Z".into())]),
            false,
            now,
        )
        .expect("corrects");
        assert_eq!(out.case.deadlines["notify"].due, at("2026-11-24T01:00:00Z"));
        let kinds: Vec<&str> = out
            .events
            .iter()
            .map(|e| match &e.kind {
                EventKind::Amended { .. } => "amended",
                EventKind::DeadlineCancelled {
                    reason: CancelReason::Replaced,
                    ..
                } => "replaced",
                EventKind::DeadlineSet { .. } => "set",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["amended", "replaced", "set"]);
        // A correction of another field leaves it alone.
        let other = amend(
            &def,
            &opening.case,
            &opening.events,
            data(&[("child.name", "李小明".into())]),
            false,
            now,
        )
        .expect("corrects");
        assert_eq!(other.events.len(), 1);
    }
}
