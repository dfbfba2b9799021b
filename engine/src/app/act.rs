//! What one command does inside its transaction, once it is authorised: load the case, step,
//! open spawns, issue the letters the act calls for, append. These are the domain's decisions
//! (which case, which number, which letter, which spawned case), written once over the storage
//! seam, so every path that changes a case — a use case, a batch, the deadline runner — runs
//! the same code whatever the backend.

use jiff::Timestamp;

use super::backend::{ReadTx, WriteTx};
use crate::case::{Case, CaseId, Chained, Event, EventKind, Link, Pins};
use crate::definition::Definition;
use crate::letters::archive::{self, ArchivedLetter, Issue};
use crate::letters::{IssuingBody, LetterError, Numbering, Vocabulary, number};
use crate::profile::Profile;
use crate::step::{self, Actor, Clock, Command, Open, Outcome, StepError};
use crate::store::published::Kind;
use crate::store::{
    Applied, CommandFailure, IssueLetter, IssuingContext, LetterCommandFailure, LetterFailure,
    LetterOutcome, Pending, StoreError,
};

/// Where each letter's salt comes from. Randomness is injected like the clock: the pure core
/// ([`archive::issue`]) takes the salt as input; every database draws from the operating
/// system's generator, and only the engine's own tests may fix a sequence.
#[derive(Debug, Default)]
pub enum Salts {
    /// The operating system's generator.
    #[default]
    System,
    /// The `n`th salt is SHA-256 of the seed and `n`: reproducible, for tests only.
    Sequence {
        seed: u64,
        next: std::sync::atomic::AtomicU64,
    },
}

impl Salts {
    /// A reproducible sequence of salts (tests).
    pub fn sequence(seed: u64) -> Salts {
        Salts::Sequence {
            seed,
            next: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The next salt.
    pub fn draw(&self) -> Result<archive::Salt, StoreError> {
        match self {
            Salts::System => {
                let mut salt = [0u8; 32];
                getrandom::fill(&mut salt).map_err(|e| {
                    StoreError::Storage(format!("no random salt for a letter: {e}"))
                })?;
                Ok(salt)
            }
            Salts::Sequence { seed, next } => {
                use sha2::{Digest, Sha256};
                let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(Sha256::new()
                    .chain_update(seed.to_be_bytes())
                    .chain_update(n.to_be_bytes())
                    .finalize()
                    .into())
            }
        }
    }
}

fn corrupt<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// The case as stored, refused when missing, when it is not the version the caller looked at
/// (`--expect-seq`), or when the command's clock is behind its last record.
pub fn checked_case(
    tx: &dyn WriteTx,
    id: &CaseId,
    expect_seq: Option<u32>,
    clock: &Clock,
) -> Result<Case, CommandFailure> {
    let case = tx
        .case(id)?
        .ok_or_else(|| CommandFailure::UnknownCase(id.clone()))?;
    check_case(&case, expect_seq, clock)?;
    Ok(case)
}

/// The `--expect-seq` and clock checks on a case already read in this transaction.
pub fn check_case(
    case: &Case,
    expect_seq: Option<u32>,
    clock: &Clock,
) -> Result<(), CommandFailure> {
    if let Some(expected) = expect_seq
        && expected != case.seq
    {
        return Err(CommandFailure::Stale {
            case: case.id.clone(),
            expected,
            actual: case.seq,
        });
    }
    if clock.now < case.updated_at {
        return Err(StepError::Invalid(step::CommandError::ClockBehind {
            now: clock.now,
            last: case.updated_at,
        })
        .into());
    }
    Ok(())
}

/// A step computed ahead of its transaction, by the thread that submits the command to group
/// commit, against a read snapshot.
///
/// The group-commit thread runs a batch's commands one after another, so every instruction it
/// spends is one the other core cannot share; the pure step is the part of a command that
/// needs no write transaction. A transaction uses a prepared step only when it reads the very
/// case the step was computed on, for the same command at the same clock — the step is a pure
/// function of those and of the definition the case names, which a version hash fixes — and
/// steps again otherwise (another command changed the case meanwhile). So a prepared step never
/// decides anything the transaction would not have decided itself.
#[derive(Debug)]
pub struct Prepared {
    base: Case,
    command: Command,
    now: Timestamp,
    outcome: Outcome,
}

impl Prepared {
    /// The outcome, if it was computed for `command` on `case` at `clock`.
    fn outcome_for(self, case: &Case, command: &Command, clock: &Clock) -> Option<Outcome> {
        (self.now == clock.now && self.command == *command && self.base == *case)
            .then_some(self.outcome)
    }
}

/// Steps `command` on case `id` as the snapshot `tx` shows it, for [`apply_to`] to take if its
/// transaction reads the same case. None when there is nothing to prepare: an unknown case, a
/// correction (which reads the history), or a step that fails — the transaction then finds the
/// failure again and reports it as it would have without this.
///
/// Nothing prepared leaves the engine or is written: the command is still authorised, checked
/// and stepped (or its step taken) inside its own transaction.
pub fn prepare(tx: &dyn ReadTx, id: &CaseId, command: &Command, clock: &Clock) -> Option<Prepared> {
    if matches!(command, Command::Amend { .. }) {
        return None;
    }
    let case = tx.case(id).ok()??;
    let def = tx.definition(&case.version).ok()?;
    prepare_on(&def, case, command, clock)
}

/// [`prepare`] on a case already read, with its definition.
pub fn prepare_on(
    def: &Definition,
    case: Case,
    command: &Command,
    clock: &Clock,
) -> Option<Prepared> {
    if matches!(command, Command::Amend { .. }) {
        return None;
    }
    let outcome = step::step(def, &case, &[], command.clone(), clock).ok()?;
    Some(Prepared {
        base: case,
        command: command.clone(),
        now: clock.now,
        outcome,
    })
}

/// One command against a case already read (and checked) in this transaction: step (or take
/// the step `prepared` ahead, when it was computed on this very case), open spawns, issue the
/// letters the act calls for, append.
pub fn apply_to(
    tx: &mut dyn WriteTx,
    case: &Case,
    command: Command,
    clock: &Clock,
    profile: Option<&Profile>,
    issuing: Option<&IssuingContext<'_>>,
    prepared: Option<Prepared>,
) -> Result<Applied, CommandFailure> {
    let actor = command.actor().clone();
    let ahead = prepared.and_then(|p| p.outcome_for(case, &command, clock));
    let mut outcome = match ahead {
        Some(outcome) => outcome,
        None => {
            let def = tx.definition(&case.version)?;
            // Only a correction reads the history (the transitions taken and the data they saw).
            let history = match &command {
                Command::Amend { .. } => tx.history(&case.id)?,
                _ => Vec::new(),
            };
            step::step(&def, case, &history, command, clock)?
        }
    };
    let spawned = open_spawns(tx, &mut outcome, case, &actor, clock, profile)?;
    let letters = issue_requested(tx, &mut outcome.case, &mut outcome.events, issuing, clock)?;
    crate::app::outbox::append(tx, &outcome.case, &outcome.events, Some(case))?;
    Ok(Applied {
        outcome,
        spawned,
        letters,
    })
}

/// Reads the case inside this transaction (so a command earlier in the same transaction is
/// seen), checks it, and applies `command` to it (taking the step `prepared` ahead when it was
/// computed on this very case).
#[allow(clippy::too_many_arguments)]
pub fn apply(
    tx: &mut dyn WriteTx,
    id: &CaseId,
    command: Command,
    expect_seq: Option<u32>,
    clock: &Clock,
    profile: Option<&Profile>,
    issuing: Option<&IssuingContext<'_>>,
    prepared: Option<Prepared>,
) -> Result<Applied, CommandFailure> {
    let case = checked_case(tx, id, expect_seq, clock)?;
    apply_to(tx, &case, command, clock, profile, issuing, prepared)
}

/// Opens one case of the latest version of `workflow`, issuing the letters its opening calls
/// for.
pub fn open(
    tx: &mut dyn WriteTx,
    workflow: &str,
    mut command: Open,
    clock: &Clock,
    issuing: Option<&IssuingContext<'_>>,
) -> Result<Applied, CommandFailure> {
    let (hash, def) = tx
        .latest(workflow)?
        .ok_or_else(|| CommandFailure::UnknownWorkflow(workflow.to_owned()))?;
    let id = next_id(tx, clock)?;
    command.published = pins(tx, command.profile.as_deref())?;
    command.crypto = tx.crypto();
    let mut outcome = step::open(&def, &hash, &id, command, clock)?;
    let letters = issue_requested(tx, &mut outcome.case, &mut outcome.events, issuing, clock)?;
    crate::app::outbox::append(tx, &outcome.case, &outcome.events, None)?;
    Ok(Applied {
        outcome,
        spawned: Vec::new(),
        letters,
    })
}

/// The published versions in force now, which a case opened now keeps: the latest letters and
/// the latest published profile when it is the one named `profile`. None when nothing is
/// published.
pub fn pins(tx: &dyn WriteTx, profile: Option<&str>) -> Result<Option<Pins>, StoreError> {
    let letters = tx.publication(Kind::Letters, "", None)?.map(|p| p.number);
    // The database's profile series; a profile of another name (a simulation's own file)
    // is not pinned.
    let profile = match profile {
        Some(name) => tx
            .publication(Kind::Profile, "", None)?
            .filter(|p| p.profile.as_ref().is_some_and(|p| p.name == name))
            .map(|p| p.number),
        None => None,
    };
    let pins = Pins { letters, profile };
    Ok((pins != Pins::default()).then_some(pins))
}

/// The next case id of the clock's year.
pub fn next_id(tx: &mut dyn WriteTx, clock: &Clock) -> Result<CaseId, StoreError> {
    let year = clock.now.to_zoned_datetime(clock.tz.clone()).year();
    let n = tx.bump(&format!("case:{year}"))?;
    Ok(CaseId::new(year, n))
}

/// Opens the cases an outcome asks to spawn, in this transaction, and records on the parent a
/// `Spawned` link event for each.
pub fn open_spawns(
    tx: &mut dyn WriteTx,
    outcome: &mut Outcome,
    parent: &Case,
    actor: &Actor,
    clock: &Clock,
    profile: Option<&Profile>,
) -> Result<Vec<Case>, CommandFailure> {
    let mut spawned = Vec::new();
    let occurred_at = outcome.events.first().map_or(clock.now, |e| e.occurred_at);
    for mut request in std::mem::take(&mut outcome.spawns) {
        let (hash, target) = tx
            .latest(&request.workflow)?
            .ok_or_else(|| CommandFailure::UnknownWorkflow(request.workflow.clone()))?;
        // Prefix mappings copy only what the target declares (checked at publish).
        request
            .data
            .retain(|field, _| target.fields.contains_key(field));
        let child_id = next_id(tx, clock)?;
        let open = Open {
            published: pins(tx, profile.map(|p| p.name.as_str()))?,
            external: None,
            crypto: parent.crypto,
            actor: actor.clone(),
            data: request.data.clone(),
            occurred_at: Some(occurred_at),
            profile: profile.map(|p| p.name.clone()),
            settings: crate::profile::settings_for(profile, &target),
            origin: Some(Link {
                case: parent.id.clone(),
                workflow: parent.workflow.clone(),
                link: request.link.clone(),
            }),
            // A spawned case stays with the unit and officer of the case it came from.
            unit: parent.unit.clone(),
            officer: parent.officer.clone(),
        };
        let child = step::open(&target, &hash, &child_id, open, clock).map_err(|error| {
            CommandFailure::Spawn {
                workflow: request.workflow.clone(),
                error: Box::new(error),
            }
        })?;
        crate::app::outbox::append(tx, &child.case, &child.events, None)?;
        let link_event = Event {
            seq: outcome.case.seq + 1,
            recorded_at: clock.now,
            occurred_at,
            actor: actor.user.clone(),
            role: actor.role.clone(),
            kind: EventKind::Spawned {
                child: Link {
                    case: child_id.clone(),
                    workflow: request.workflow.clone(),
                    link: request.link.clone(),
                },
            },
        };
        outcome
            .events
            .push(&mut outcome.case, link_event)
            .map_err(corrupt)?;
        spawned.push(child.case.clone());
        outcome.spawns.push(request);
    }
    Ok(spawned)
}

/// Issues the letters the `LetterRequested` events among `events` call for, appending a
/// `LetterIssued` event for each one issued. A letter that cannot be issued waits; it never
/// blocks the act.
pub fn issue_requested(
    tx: &mut dyn WriteTx,
    case: &mut Case,
    events: &mut Chained,
    issuing: Option<&IssuingContext<'_>>,
    clock: &Clock,
) -> Result<Vec<LetterOutcome>, CommandFailure> {
    let requests: Vec<(String, u32, Actor, Timestamp)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::LetterRequested { key, .. } => Some((
                key.clone(),
                e.seq,
                Actor {
                    user: e.actor.clone(),
                    role: e.role.clone(),
                },
                e.occurred_at,
            )),
            _ => None,
        })
        .collect();
    let mut outcomes = Vec::new();
    for (key, seq, actor, at) in requests {
        let result = match issuing {
            None => Err(Pending::NoLetters("no letters directory".into())),
            Some(issuing) => {
                let request = IssueLetter {
                    key: key.clone(),
                    actor,
                    number: None,
                    replaces: None,
                };
                match issue(tx, case, events, &request, Some(seq), at, issuing, clock)? {
                    Issuing::Issued(letter) => Ok(letter.reference()),
                    Issuing::Waiting(why) => Err(why),
                }
            }
        };
        outcomes.push(LetterOutcome { key, result });
    }
    Ok(outcomes)
}

/// What an attempt to issue one letter inside a command's transaction came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Issuing {
    /// Numbered, rendered, archived, and its `LetterIssued` event appended.
    Issued(Box<ArchivedLetter>),
    /// Not issued, and nothing of it written (its counters given back).
    Waiting(Pending),
}

/// Issues one letter of `case`: decides who issues it and under which number, renders and
/// archives it, and appends its `LetterIssued` event. [`Issuing::Waiting`] when the letter
/// cannot be issued; then nothing of it is written and no number is taken.
#[allow(clippy::too_many_arguments)]
pub fn issue(
    tx: &mut dyn WriteTx,
    case: &mut Case,
    events: &mut Chained,
    request: &IssueLetter,
    request_seq: Option<u32>,
    occurred_at: Timestamp,
    issuing: &IssuingContext<'_>,
    clock: &Clock,
) -> Result<Issuing, CommandFailure> {
    let key = request.key.as_str();
    let role = request.actor.role.as_str();
    let Some(doc) = issuing.renderer.table().documents.get(key) else {
        return Ok(Issuing::Waiting(Pending::Letter(
            LetterError::UnknownDocument(key.into()),
        )));
    };
    let Some(spec) = doc.issuer(role) else {
        return Ok(Issuing::Waiting(Pending::NotAnIssuer {
            key: key.into(),
            role: role.into(),
            issuers: doc.issuers.iter().map(|i| i.role.clone()).collect(),
        }));
    };
    let body: Option<IssuingBody> = issuing
        .profile
        .and_then(|p| p.issuing_bodies.get(role))
        .cloned();
    let layout = spec.layout.unwrap_or(doc.layout);
    if body.is_none() && layout != crate::letters::Layout::Party {
        return Ok(Issuing::Waiting(Pending::NoIssuingBody {
            role: role.into(),
        }));
    }
    let date = occurred_at.to_zoned_datetime(clock.tz.clone()).date();
    // The counter an allocated number came from, to give it back if rendering fails.
    let mut number_counter = None;
    let doc_number = match &spec.numbering {
        Numbering::None => None,
        Numbering::External => {
            // `--number`, else the number of the letter this one replaces (a re-issue keeps
            // the court's number, whatever the case's field says by now), else the field.
            let replaced = request
                .replaces
                .as_deref()
                .and_then(|old| case.letter(old))
                .and_then(|l| l.issued.number.clone());
            let given = request.number.clone().or(replaced).or_else(|| {
                spec.number_from
                    .as_ref()
                    .and_then(|f| case.data.get(f))
                    .and_then(|v| v.as_str())
                    .map(|s| s.trim().to_owned())
            });
            let Some(n) = given.filter(|n| !n.is_empty()) else {
                return Ok(Issuing::Waiting(Pending::NoNumber {
                    key: key.into(),
                    field: spec.number_from.clone(),
                }));
            };
            // A court number may pass to the letter that replaces its holder, never to a
            // second letter in force.
            if let Some(holder) = tx.letter_numbered(&n)?
                && request.replaces.as_deref() != Some(holder.as_str())
            {
                return Ok(Issuing::Waiting(Pending::DuplicateNumber(n)));
            }
            Some(n)
        }
        Numbering::Allocated { pattern } => {
            let prefix = pattern.replace("{code}", body.as_ref().map_or("", |b| &b.code));
            let counter = format!("number:{prefix}〔{}〕", date.year());
            let n = tx.bump(&counter)?;
            number_counter = Some(counter);
            let n = u32::try_from(n).map_err(corrupt)?;
            let n = number(&prefix, date.year(), n);
            // An allocated number held already means the counter went backwards.
            if let Some(holder) = tx.letter_numbered(&n)? {
                return Err(StoreError::Corrupt(format!(
                    "document number {n} is already held by {holder}"
                ))
                .into());
            }
            Some(n)
        }
    };
    let id_counter = format!("letter:{}", date.year());
    let id_n = tx.bump(&id_counter)?;
    let id = archive::letter_id(date.year(), id_n);
    let settings = issuing
        .profile
        .and_then(|p| p.letters.get(key))
        .cloned()
        .unwrap_or_default();
    // The pinned definition names the roles; the profile the bodies.
    let def = tx.definition(&case.version)?;
    let vocabulary = Vocabulary::of(&def, issuing.profile);
    // The number is one value: the archived data holds the number the letter carries.
    let data = crate::letters::with_number(
        &case.data,
        spec.number_from.as_deref(),
        doc_number.as_deref(),
    );
    let letter = match archive::issue(
        issuing.renderer,
        Issue {
            id: id.clone(),
            case: &case.id,
            key,
            data: &data,
            role,
            issuer: body,
            number: doc_number,
            actor: &request.actor.user,
            issued_at: clock.now,
            date,
            settings,
            request: request_seq,
            replaces: request.replaces.clone(),
            vocabulary: &vocabulary,
            salt: issuing.salts.draw()?,
            digest_algorithm: tx.crypto().hash(),
        },
    ) {
        Ok(letter) => letter,
        // The counters bumped above are rolled back with the transaction when the caller
        // refuses; when it goes on (a step's letter), they must not leave a gap.
        Err(e) => {
            tx.give_back(&id_counter)?;
            if let Some(counter) = &number_counter {
                tx.give_back(counter)?;
            }
            return Ok(Issuing::Waiting(Pending::Letter(e)));
        }
    };
    tx.archive(&letter)?;
    let event = Event {
        seq: case.seq + 1,
        recorded_at: clock.now,
        occurred_at,
        actor: request.actor.user.clone(),
        role: request.actor.role.clone(),
        kind: EventKind::LetterIssued(letter.reference()),
    };
    events.push(case, event).map_err(corrupt)?;
    Ok(Issuing::Issued(Box::new(letter)))
}

/// `letter issue` on request: checks what the letter replaces, answers the oldest pending
/// request for the document (or what the replaced letter answered), issues and appends.
pub fn issue_on_request(
    tx: &mut dyn WriteTx,
    mut case: Case,
    request: &IssueLetter,
    clock: &Clock,
    issuing: &IssuingContext<'_>,
) -> Result<(Case, ArchivedLetter), LetterCommandFailure> {
    let before = case.clone();
    if let Some(old) = &request.replaces {
        let held = case
            .letter(old)
            .ok_or_else(|| LetterFailure::Unknown(old.clone()))?;
        if held.issued.key != request.key {
            return Err(LetterFailure::OtherDocument {
                letter: old.clone(),
                key: held.issued.key.clone(),
                expected: request.key.clone(),
            }
            .into());
        }
        if !held.in_force() {
            return Err(LetterFailure::NotInForce(old.clone()).into());
        }
    }
    let request_seq = match &request.replaces {
        Some(old) => case.letter(old).and_then(|l| l.issued.request),
        None => case
            .pending_letters()
            .find(|r| r.key == request.key)
            .map(|r| r.seq),
    };
    let mut events = Chained::after(&case);
    let letter = match issue(
        tx,
        &mut case,
        &mut events,
        request,
        request_seq,
        clock.now,
        issuing,
        clock,
    )? {
        Issuing::Issued(letter) => *letter,
        Issuing::Waiting(why) => return Err(LetterFailure::Pending(why).into()),
    };
    crate::app::outbox::append(tx, &case, &events, Some(&before))?;
    Ok((case, letter))
}

/// Voids an issued letter (作废) with a reason, as an event of its case; only the role it was
/// issued in may.
pub fn void(
    tx: &mut dyn WriteTx,
    letter_id: &str,
    actor: &Actor,
    reason: &str,
    clock: &Clock,
) -> Result<Case, LetterCommandFailure> {
    if reason.trim().is_empty() {
        return Err(LetterFailure::NoReason.into());
    }
    let archived = tx
        .letter(letter_id)?
        .ok_or_else(|| LetterFailure::Unknown(letter_id.to_owned()))?;
    if archived.role != actor.role {
        return Err(LetterFailure::NotItsIssuer {
            letter: letter_id.to_owned(),
            issued_in: archived.role,
            role: actor.role.clone(),
        }
        .into());
    }
    let mut case = checked_case(tx, &archived.case, None, clock)?;
    let before = case.clone();
    let held = case
        .letter(letter_id)
        .ok_or_else(|| LetterFailure::Unknown(letter_id.to_owned()))?;
    if !held.in_force() {
        return Err(LetterFailure::NotInForce(letter_id.to_owned()).into());
    }
    let event = Event {
        seq: case.seq + 1,
        recorded_at: clock.now,
        occurred_at: clock.now,
        actor: actor.user.clone(),
        role: actor.role.clone(),
        kind: EventKind::LetterVoided {
            letter: letter_id.to_owned(),
            reason: reason.trim().to_owned(),
        },
    };
    let mut events = Chained::after(&case);
    events.push(&mut case, event).map_err(corrupt)?;
    crate::app::outbox::append(tx, &case, &events, Some(&before))?;
    Ok(case)
}
