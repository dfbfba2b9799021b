//! Case use cases: open, advance, amend, transfer, show and history.

use std::sync::Arc;

use jiff::Timestamp;

use super::backend::{Backend, ReadTx, WriteTx};
use super::once::{Answer, Remember, remembering};
use super::owner::{actor, denied, registered};
use super::{AppError, Caller, Office, act};
use crate::authority::{self, Units, User};
use crate::case::{Case, CaseId, Event};
use crate::definition::{Data, Definition};
use crate::step::{Actor, Clock, Command, Open};
use crate::store::{Applied, CHILD_IDENTITY_FIELDS, IssuingContext};
use crate::value::{self, InputError};

/// Data a caller gives: a YAML or JSON document, then single `field=value` assignments, each
/// parsed by the declared type of the field in the case's workflow.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    pub document: Option<Vec<u8>>,
    pub sets: Vec<String>,
}

impl Input {
    /// The changes, checked against `def`: the document first, then each assignment.
    pub fn changes(&self, def: &Arc<Definition>) -> Result<Data, AppError> {
        let bad = |error: InputError| AppError::Input {
            error,
            def: Some(def.clone()),
        };
        let mut out = match &self.document {
            Some(bytes) => value::parse_data(def, bytes).map_err(bad)?,
            None => Data::new(),
        };
        for arg in &self.sets {
            let (field, v) = value::parse_assignment(def, arg).map_err(bad)?;
            out.insert(field, v);
        }
        Ok(out)
    }
}

/// `case open`.
#[derive(Debug, Clone, Default)]
pub struct OpenCase {
    pub workflow: String,
    pub input: Input,
    /// The handling unit; default: the caller's.
    pub unit: Option<String>,
    /// The officer in charge; default: the caller.
    pub officer: Option<String>,
    /// When the act happened, if earlier than now.
    pub at: Option<Timestamp>,
    /// The id another system gave the case (issue 25, [`super::extid`]).
    pub external_id: Option<String>,
    /// Which system gave it; default: the caller.
    pub source: Option<String>,
}

/// `case advance`.
#[derive(Debug, Clone)]
pub struct Advance {
    pub case: CaseId,
    pub transition: String,
    pub input: Input,
    pub note: Option<String>,
    pub at: Option<Timestamp>,
    /// Refuse unless the case is still at this event number.
    pub expect_seq: Option<u32>,
}

/// `case amend`.
#[derive(Debug, Clone)]
pub struct Amend {
    pub case: CaseId,
    pub input: Input,
    pub reason: String,
    pub expect_seq: Option<u32>,
}

/// `case transfer`.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub case: CaseId,
    pub to: String,
    pub officer: Option<String>,
    pub reason: Option<String>,
    pub at: Option<Timestamp>,
    pub expect_seq: Option<u32>,
}

/// What an act did, with what a front end needs to say it: the case's workflow (state and
/// field titles) and the units in force (unit names).
#[derive(Debug, Clone)]
pub struct Acted {
    pub applied: Applied,
    pub def: Arc<Definition>,
    pub units: Units,
    /// For a case opened: the version number of its workflow.
    pub version: Option<u32>,
    /// An open that found the case its external id already named: nothing was written, and
    /// `applied` holds that case as it is now, with no events.
    pub existing: bool,
}

impl std::ops::Deref for Acted {
    type Target = Applied;
    fn deref(&self) -> &Applied {
        &self.applied
    }
}

/// A case as its reader may see it.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    pub def: Arc<Definition>,
    /// The case's data with what the reader may not see redacted.
    pub data: Data,
    /// The version number of the case's workflow.
    pub version: Option<u32>,
    /// Other cases of the same child that the reader's unit covers.
    pub same_child: Vec<Case>,
    pub reader: User,
    pub units: Units,
    /// The case is a training copy of a real one (see [`Office::cases_simulated`]).
    pub simulated: bool,
}

/// What can be done with a case now, as its reader may see it.
#[derive(Debug, Clone)]
pub struct NextView {
    pub case: Case,
    pub def: Arc<Definition>,
    pub steps: Vec<crate::next::NextStep>,
    /// Steps whose guard reads a confidential field the reader may not see: whether it
    /// passes is not told.
    pub hidden: std::collections::BTreeSet<String>,
}

/// A case's history as its reader may see it.
#[derive(Debug, Clone)]
pub struct HistoryView {
    pub case: Case,
    pub def: Arc<Definition>,
    pub events: Vec<Event>,
    pub units: Units,
}

/// Refuses control characters in free text kept with an event (they could forge lines in
/// what a terminal or a letter shows).
fn clean(field: &str, text: Option<&str>, def: &Arc<Definition>) -> Result<(), AppError> {
    if text.is_some_and(|t| t.chars().any(|c| c.is_control() && c != '\n' && c != '\t')) {
        return Err(AppError::Input {
            error: InputError::ControlCharacter {
                field: field.to_owned(),
            },
            def: Some(def.clone()),
        });
    }
    Ok(())
}

/// The case, or the error naming it.
fn load(tx: &dyn ReadTx, id: &CaseId) -> Result<(Case, Arc<Definition>), AppError> {
    let case = tx
        .case(id)?
        .ok_or_else(|| AppError::UnknownCase(id.clone()))?;
    let def = tx.definition(&case.version)?;
    Ok((case, def))
}

/// The command an advance gives, once its input is read against the case's definition.
fn fire(request: &Advance, actor: &Actor, changes: Data) -> Command {
    Command::Fire {
        transition: request.transition.clone(),
        actor: actor.clone(),
        changes,
        note: request.note.clone(),
        occurred_at: request.at,
    }
}

/// The letters an act issues with: the renderer and the profile.
type ActLetters = (
    Arc<crate::letters::Renderer>,
    Option<crate::profile::Profile>,
);

impl<B: Backend> Office<B> {
    /// The letters an act on `case` issues with (None: a new case, which takes the latest
    /// published ones): the versions the case was opened under, when it calls for letters;
    /// None when there are none (its letters then wait). Read in the act's transaction, so a
    /// retried transaction repeats nothing outside it.
    fn letters_for(
        &self,
        tx: &dyn ReadTx,
        issues_letters: bool,
        case: Option<&Case>,
    ) -> Result<Option<ActLetters>, AppError> {
        if !issues_letters {
            return Ok(None);
        }
        let pin = case
            .and_then(|c| c.published.as_ref())
            .and_then(|p| p.letters);
        let Ok(renderer) = self.renderer_in(tx, pin) else {
            return Ok(None);
        };
        let profile = match case {
            Some(case) => self.profile_of(tx, case)?,
            None => self.profile().cloned(),
        };
        Ok(Some((renderer, profile)))
    }

    /// Opens a case of the latest published version of a workflow.
    pub fn open_case(&self, caller: &Caller, request: &OpenCase) -> Result<Acted, AppError> {
        let now = self.now(caller)?;
        let result = actor(caller).and_then(|actor| {
            self.backend.transaction(|tx| {
                let clock = self.clock(now);
                let registry = registered(tx, caller)?;
                self.open_in(tx, caller, &actor, registry, request, &clock)
            })
        });
        let acted = self.logged(caller, now, "", "open", result)?;
        self.log_existing(caller, now, &acted)?;
        Ok(acted)
    }

    /// Records the read of an existing case an open's external id gave back (outside the
    /// transaction, which may run again).
    pub(super) fn log_existing(
        &self,
        caller: &Caller,
        now: Timestamp,
        acted: &Acted,
    ) -> Result<(), AppError> {
        if acted.existing {
            let id = acted.outcome.case.id.as_str();
            self.log(caller, now, id, "open:existing", None)?;
        }
        Ok(())
    }

    /// `open_case` inside a transaction (also a batched command), for the caller as
    /// `registry` gives them ([`registered`] in the same transaction).
    pub(super) fn open_in(
        &self,
        tx: &mut dyn WriteTx,
        caller: &Caller,
        actor: &Actor,
        (user, units): (User, Units),
        request: &OpenCase,
        clock: &Clock,
    ) -> Result<Acted, AppError> {
        let (_, def) = tx
            .latest(&request.workflow)?
            .ok_or_else(|| AppError::UnknownWorkflow(request.workflow.clone()))?;
        let data = request.input.changes(&def)?;
        let (unit, officer) = assignment(
            tx,
            &user,
            &units,
            request.unit.as_deref(),
            request.officer.as_deref(),
        )?;
        authority::may_act(&units, &user, &actor.role, Some(&unit))
            .map_err(|d| denied(d, &units))?;
        authority::may_change(&def, &user, &data).map_err(|d| denied(d, &units))?;
        let external = super::extid::external_of(
            request.external_id.as_deref(),
            request.source.as_deref(),
            caller,
        )?;
        if let Some(external) = &external
            && let Some(found) = tx.external_case(&def.key, external)?
        {
            let asked = super::extid::Asked {
                external,
                data: &data,
                unit: &unit,
                officer: &officer,
                at: request.at,
            };
            let case =
                super::extid::existing(&*tx, caller, &user, &units, clock.now, &found, &asked)?;
            let def = tx.definition(&case.version)?;
            let version = tx.version_number(&case.workflow, &case.version)?;
            return Ok(Acted {
                applied: Applied {
                    outcome: crate::step::Outcome {
                        events: crate::case::Chained::after(&case),
                        case,
                        spawns: Vec::new(),
                        letters: Vec::new(),
                    },
                    spawned: Vec::new(),
                    letters: Vec::new(),
                },
                def,
                units,
                version,
                existing: true,
            });
        }
        let profile = self.profile();
        let command = Open {
            published: None,
            crypto: Default::default(),
            external: external.clone(),
            actor: actor.clone(),
            unit: Some(unit),
            officer: Some(officer),
            data,
            occurred_at: request.at,
            profile: profile.map(|p| p.name.clone()),
            settings: crate::profile::settings_for(profile, &def),
            origin: None,
        };
        let letters = self.letters_for(&*tx, !def.start.letters.is_empty(), None)?;
        let issuing = letters.as_ref().map(|(renderer, profile)| IssuingContext {
            renderer,
            profile: profile.as_ref(),
            salts: &self.salts,
        });
        let applied = act::open(tx, &request.workflow, command, clock, issuing.as_ref())
            .map_err(|e| AppError::from(e).about(&def))?;
        let case = &applied.outcome.case;
        if let Some(external) = &external {
            tx.index_external(&case.workflow, external, &case.id)?;
        }
        let version = tx.version_number(&case.workflow, &case.version)?;
        Ok(Acted {
            applied,
            def,
            units,
            version,
            existing: false,
        })
    }

    /// Fires a transition on a case.
    pub fn advance(&self, caller: &Caller, request: &Advance) -> Result<Acted, AppError> {
        let now = self.now(caller)?;
        let result = actor(caller).and_then(|actor| {
            self.backend.transaction(|tx| {
                let clock = self.clock(now);
                let registry = registered(tx, caller)?;
                self.advance_in(tx, &actor, registry, request, &clock, None)
            })
        });
        self.logged(caller, now, request.case.as_str(), "advance", result)
    }

    /// `advance` inside a transaction: reads the case once, then authorise → step (or take
    /// the step `prepared` ahead on this very case, [`Self::prepare_advance`]) → spawns →
    /// letters → append.
    /// The caller is as `registry` gives them ([`registered`] in the same transaction).
    pub(super) fn advance_in(
        &self,
        tx: &mut dyn WriteTx,
        actor: &Actor,
        (user, units): (User, Units),
        request: &Advance,
        clock: &Clock,
        prepared: Option<act::Prepared>,
    ) -> Result<Acted, AppError> {
        let (case, def) = load(tx, &request.case)?;
        let transition = def.transition(&request.transition);
        authority::may_fire(&units, &user, &actor.role, transition, case.unit.as_deref())
            .map_err(|d| denied(d, &units))?;
        let changes = request.input.changes(&def)?;
        authority::may_change(&def, &user, &changes).map_err(|d| denied(d, &units))?;
        clean("--note", request.note.as_deref(), &def)?;
        act::check_case(&case, request.expect_seq, clock)
            .map_err(|e| AppError::from(e).about(&def))?;
        let command = fire(request, actor, changes);
        let letters = self.letters_for(
            &*tx,
            transition.is_some_and(|t| !t.letters.is_empty()),
            Some(&case),
        )?;
        let issuing = letters.as_ref().map(|(renderer, profile)| IssuingContext {
            renderer,
            profile: profile.as_ref(),
            salts: &self.salts,
        });
        let applied = act::apply_to(
            tx,
            &case,
            command,
            clock,
            self.profile(),
            issuing.as_ref(),
            prepared,
        )
        .map_err(|e| AppError::from(e).about(&def))?;
        Ok(Acted {
            applied,
            def,
            units,
            version: None,
            existing: false,
        })
    }

    /// The step of an advance computed on a read snapshot at `now`, for group commit to take
    /// in the transaction if the case is unchanged by then ([`act::Prepared`]); None when
    /// there is nothing to take. Neither authorised nor logged: nothing of it reaches the
    /// caller or the database unless the transaction, which authorises and logs the command,
    /// finds it computed on the very case it reads.
    pub(super) fn prepare_advance(
        &self,
        caller: &Caller,
        request: &Advance,
        now: Timestamp,
    ) -> Option<act::Prepared> {
        let actor = actor(caller).ok()?;
        let clock = self.clock(now);
        self.backend
            .snapshot(|tx| {
                let (case, def) = load(tx, &request.case)?;
                let command = fire(request, &actor, request.input.changes(&def)?);
                Ok::<_, AppError>(act::prepare_on(&def, case, &command, &clock))
            })
            .ok()
            .flatten()
    }

    /// Corrects a case's data, with a reason, as an event of its own.
    pub fn amend(&self, caller: &Caller, request: &Amend) -> Result<Acted, AppError> {
        self.amend_once(caller, request, None)?.done()
    }

    /// [`Self::amend`] under an idempotency key ([`super::once`]).
    pub fn amend_once(
        &self,
        caller: &Caller,
        request: &Amend,
        remember: Option<&Remember<Acted>>,
    ) -> Result<Answer<Acted>, AppError> {
        let now = self.now(caller)?;
        let result = actor(caller).and_then(|actor| {
            self.backend.transaction(|tx| {
                remembering(tx, &caller.user, remember, now, self.keeping, |tx| {
                    let clock = self.clock(now);
                    let (user, units) = registered(tx, caller)?;
                    let (case, def) = load(tx, &request.case)?;
                    authority::may_act(&units, &user, &actor.role, case.unit.as_deref())
                        .map_err(|d| denied(d, &units))?;
                    let changes = request.input.changes(&def)?;
                    authority::may_change(&def, &user, &changes).map_err(|d| denied(d, &units))?;
                    // A field is corrected only in a role that may set it in some act.
                    authority::may_amend(&def, &user, &actor.role, changes.keys())
                        .map_err(|d| denied(d, &units))?;
                    act::check_case(&case, request.expect_seq, &clock)
                        .map_err(|e| AppError::from(e).about(&def))?;
                    let command = Command::Amend {
                        actor: actor.clone(),
                        changes,
                        reason: crate::value::clean_note(&request.reason),
                        occurred_at: None,
                        // An administrator may overrule a guard the correction would fail.
                        administrator: user.holds(authority::ADMIN_ROLE),
                    };
                    let applied =
                        act::apply_to(tx, &case, command, &clock, self.profile(), None, None)
                            .map_err(|e| AppError::from(e).about(&def))?;
                    Ok(Acted {
                        applied,
                        def,
                        units,
                        version: None,
                        existing: false,
                    })
                })
            })
        });
        self.logged(caller, now, request.case.as_str(), "amend", result)
    }

    /// Hands a case to another unit and officer; the caller must cover its current unit.
    pub fn transfer(&self, caller: &Caller, request: &Transfer) -> Result<Acted, AppError> {
        self.transfer_once(caller, request, None)?.done()
    }

    /// [`Self::transfer`] under an idempotency key ([`super::once`]).
    pub fn transfer_once(
        &self,
        caller: &Caller,
        request: &Transfer,
        remember: Option<&Remember<Acted>>,
    ) -> Result<Answer<Acted>, AppError> {
        let now = self.now(caller)?;
        let result = actor(caller).and_then(|actor| {
            self.backend.transaction(|tx| {
                remembering(tx, &caller.user, remember, now, self.keeping, |tx| {
                    let clock = self.clock(now);
                    let (user, units) = registered(tx, caller)?;
                    let (case, def) = load(tx, &request.case)?;
                    authority::may_act(&units, &user, &actor.role, case.unit.as_deref())
                        .map_err(|d| denied(d, &units))?;
                    let (to, officer) = assignment(
                        tx,
                        &user,
                        &units,
                        Some(&request.to),
                        request.officer.as_deref(),
                    )?;
                    // Only the case's officer, the roles the workflow names for transfers (else its
                    // unit's users) or an administrator hand it over, never to the unit that has it.
                    authority::may_transfer(
                        &def,
                        &user,
                        &actor.role,
                        case.unit.as_deref(),
                        case.officer.as_deref(),
                        &to,
                    )
                    .map_err(|d| denied(d, &units))?;
                    act::check_case(&case, request.expect_seq, &clock)
                        .map_err(|e| AppError::from(e).about(&def))?;
                    let command = Command::Transfer {
                        actor: actor.clone(),
                        to,
                        officer: request.officer.as_ref().map(|_| officer),
                        reason: request.reason.as_deref().map(crate::value::clean_note),
                        occurred_at: request.at,
                    };
                    let applied =
                        act::apply_to(tx, &case, command, &clock, self.profile(), None, None)
                            .map_err(|e| AppError::from(e).about(&def))?;
                    Ok(Acted {
                        applied,
                        def,
                        units,
                        version: None,
                        existing: false,
                    })
                })
            })
        });
        self.logged(caller, now, request.case.as_str(), "transfer", result)
    }

    /// Checks that the caller may read `id` and records the read, allowed or not; the case,
    /// its definition, the reader and the units when allowed.
    pub(super) fn read_case(
        &self,
        tx: &dyn ReadTx,
        caller: &Caller,
        now: Timestamp,
        id: &CaseId,
        action: &str,
    ) -> Result<(Case, Arc<Definition>, User, Units), AppError> {
        self.read_case_if(tx, caller, now, id, action, |_, _| Ok(()))
    }

    /// Like [`Office::read_case`], with a further condition on the reader (a letter that names
    /// the confidential reporter).
    pub(super) fn read_case_if(
        &self,
        tx: &dyn ReadTx,
        caller: &Caller,
        now: Timestamp,
        id: &CaseId,
        action: &str,
        also: impl FnOnce(&Definition, &User) -> Result<(), authority::Denied>,
    ) -> Result<(Case, Arc<Definition>, User, Units), AppError> {
        self.read_case_then(tx, caller, now, id, action, also, |_, _, _| Ok(()))
            .map(|(case, def, user, units, ())| (case, def, user, units))
    }

    /// Like [`Office::read_case_if`], and then `read` (what the reader asked for, such as
    /// rendering a letter): the access log records the outcome of both, so a read refused
    /// after the authority check is logged as refused, never as granted.
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    pub(super) fn read_case_then<T>(
        &self,
        tx: &dyn ReadTx,
        caller: &Caller,
        now: Timestamp,
        id: &CaseId,
        action: &str,
        also: impl FnOnce(&Definition, &User) -> Result<(), authority::Denied>,
        read: impl FnOnce(&Case, &Arc<Definition>, &User) -> Result<T, AppError>,
    ) -> Result<(Case, Arc<Definition>, User, Units, T), AppError> {
        let (case, def) = load(tx, id)?;
        let privacy = super::protect::privacy_in(tx)?;
        let mut sealed_note = None;
        let decision = registered(tx, caller)
            .and_then(|(user, units)| {
                authority::may_reach(&units, &user, case.unit.as_deref())
                    .and_then(|()| also(&def, &user))
                    .map_err(|d| denied(d, &units))
                    .map(|()| (user, units))
            })
            .and_then(|(user, units)| {
                // A sealed case: an administrator with a reason, and no one else.
                sealed_note =
                    super::protect::sealed_read(&privacy, &def, &case, &user, caller, now)?;
                Ok((user, units))
            })
            .and_then(|(user, units)| read(&case, &def, &user).map(|value| (user, units, value)));
        match (&decision, sealed_note) {
            (Ok(_), Some(note)) => {
                let mut e = super::owner::entry(caller, now, id.as_str(), action, None);
                e.reason = Some(note);
                self.backend.record_access(&e)?;
            }
            _ => self.log(caller, now, id.as_str(), action, decision.as_ref().err())?,
        }
        let (user, units, value) = decision?;
        Ok((case, def, user, units, value))
    }

    /// What can be done with a case now (`case next`); the read is logged. Whether a guard
    /// over a confidential field passes tells its value: for a reader who may not see the
    /// field, such steps are in `hidden` and carry no refusal.
    pub fn next(&self, caller: &Caller, id: &CaseId) -> Result<NextView, AppError> {
        let now = self.now(caller)?;
        self.backend.snapshot(|tx| {
            let (case, def, reader, _) = self.read_case(tx, caller, now, id, "next")?;
            let mut steps = crate::next::next_steps(&def, &case, &self.clock(now));
            let mut hidden = std::collections::BTreeSet::new();
            if !authority::sees_confidential(&def, &reader) {
                for s in &mut steps {
                    if def.transition(&s.name).is_some_and(|t| {
                        authority::guards_read_confidential(&def, t, &case.settings)
                    }) {
                        s.blocked_by = None;
                        hidden.insert(s.name.clone());
                    }
                }
            }
            Ok(NextView {
                case,
                def,
                steps,
                hidden,
            })
        })
    }

    /// A case as the caller may see it (`case show`); the read is logged.
    pub fn show(&self, caller: &Caller, id: &CaseId) -> Result<CaseView, AppError> {
        let now = self.now(caller)?;
        self.backend.snapshot(|tx| {
            let (case, def, reader, units) = self.read_case(tx, caller, now, id, "show")?;
            let version = tx.version_number(&case.workflow, &case.version)?;
            let mut same_child: Vec<Case> = Vec::new();
            for child in CHILD_IDENTITY_FIELDS
                .iter()
                .filter_map(|f| case.data.get(*f).and_then(|v| v.as_str()))
            {
                for other in tx.child_cases(child)? {
                    if other.id != case.id
                        && !same_child.iter().any(|c| c.id == other.id)
                        && authority::may_reach(&units, &reader, other.unit.as_deref()).is_ok()
                    {
                        same_child.push(other);
                    }
                }
            }
            // A letter the reader may not read is shown without its digests and code.
            let mut case = case;
            for letter in &mut case.issued {
                letter.issued = authority::redact_letter(&def, &reader, &letter.issued);
            }
            Ok(CaseView {
                data: authority::redact(&def, &reader, &case.data),
                case,
                def,
                version,
                same_child,
                reader,
                units,
                simulated: self.cases_simulated(),
            })
        })
    }

    /// Every event of a case as the caller may see it (`case history`); the read is logged.
    pub fn history(&self, caller: &Caller, id: &CaseId) -> Result<HistoryView, AppError> {
        let now = self.now(caller)?;
        self.backend.snapshot(|tx| {
            let (case, def, reader, units) = self.read_case(tx, caller, now, id, "history")?;
            let events = tx
                .history(id)?
                .iter()
                .map(|e| authority::redact_event(&def, &reader, e))
                .collect();
            Ok(HistoryView {
                case,
                def,
                events,
                units,
            })
        })
    }
}

/// The unit and officer a case is given: those named (checked), else the caller's unit and the
/// caller. The officer must be an enabled user whose unit covers the case's.
fn assignment(
    tx: &dyn ReadTx,
    user: &User,
    units: &Units,
    unit: Option<&str>,
    officer: Option<&str>,
) -> Result<(String, String), AppError> {
    let unit = unit.unwrap_or(&user.unit).to_owned();
    if units.get(&unit).is_none() {
        return Err(crate::store::RegistryError::UnknownUnit {
            suggestion: units.suggest(&unit),
            unit,
        }
        .into());
    }
    let Some(name) = officer else {
        return Ok((unit, user.name.clone()));
    };
    let stored = tx.user(name)?;
    let officer_error = |denied| AppError::Officer {
        user: name.to_owned(),
        unit: unit.clone(),
        units: Box::new(units.clone()),
        denied,
    };
    let officer =
        authority::enabled(name, stored.as_ref()).map_err(|d| officer_error(Some(Box::new(d))))?;
    if !units.covers(&officer.unit, Some(&unit)) {
        return Err(officer_error(None));
    }
    Ok((unit, officer.name.clone()))
}

/// A case's signed export and how many events it holds.
#[derive(Debug, Clone)]
pub struct CaseExport {
    pub document: crate::case_export::Document,
    pub events: usize,
}

impl<B: Backend> Office<B> {
    /// The case's chained history, its rules and its letters in one document signed with the
    /// office key (`case export`). The export is the whole record, unredacted: only for users
    /// of the case's unit who may see its confidential fields; the read is logged as
    /// `case-export`. A broken chain is not signed.
    pub fn export_case(
        &self,
        caller: &Caller,
        id: &CaseId,
        key: &crate::seal::OfficeKey,
    ) -> Result<CaseExport, AppError> {
        use crate::case_export::{self, CaseExportError, Extras, Rules};
        use crate::store::StoreError;
        let now = self.now(caller)?;
        let chain = self
            .backend
            .case_chain(id)?
            .ok_or_else(|| AppError::UnknownCase(id.clone()))?;
        let (case, _, reader, _) = self.backend.snapshot(|tx| {
            self.read_case_if(tx, caller, now, id, "case-export", |def, user| {
                match &def.confidential {
                    Some(c) if !authority::sees_confidential(def, user) => {
                        Err(authority::Denied::Confidential {
                            user: Box::new(user.clone()),
                            field: c.fields.join(", "),
                            needs: c.visible_to.clone(),
                        })
                    }
                    _ => Ok(()),
                }
            })
        })?;
        let stored = self.backend.published(&case.version)?.ok_or_else(|| {
            StoreError::Corrupt(format!("definition {} is missing", case.version))
        })?;
        let rules = Rules {
            workflow: case.workflow.clone(),
            hash: case.version.clone(),
            number: Some(stored.number),
            source: stored.source,
        };
        let head = chain.head.clone().unwrap_or(crate::chain::Head {
            seq: case.seq,
            hash: case.head.clone(),
        });
        let letters = self
            .backend
            .letter_records(Some(id))?
            .into_iter()
            .map(|r| serde_json::to_value(r.letter))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let extras = Extras {
            definition: rules,
            letters,
            exported_at: now,
            exported_by: &reader.name,
        };
        // Only the key in force signs: after a rotation the retired key file signs nothing.
        let public = key.public();
        let key_id = match self.backend.snapshot(super::keys::ring_in)? {
            None => 1,
            Some(ring) => match ring.current() {
                Some(current) if current.public_key == public.hex() => current.id,
                current => {
                    return Err(crate::seal::KeyError::NotCurrent {
                        fingerprint: public.fingerprint(),
                        current: current.map(|c| c.fingerprint.clone()).unwrap_or_default(),
                    }
                    .into());
                }
            },
        };
        // Here a broken chain is the case's, and anything else a record this database holds.
        let document = case_export::seal(
            chain.crypto,
            id,
            &chain.records,
            head,
            extras,
            key,
            Some(key_id),
        )
        .map_err(|e| match e {
            CaseExportError::Broken(broken) => AppError::ExportBroken {
                case: id.clone(),
                broken,
            },
            CaseExportError::Malformed(detail) => StoreError::Corrupt(detail).into(),
            CaseExportError::KeyProfile { key, database } => {
                crate::seal::KeyError::WrongAlgorithm {
                    expected: database,
                    found: key,
                }
                .into()
            }
        })?;
        Ok(CaseExport {
            document,
            events: chain.records.len(),
        })
    }
}
