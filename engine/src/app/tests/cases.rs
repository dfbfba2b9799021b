//! Case and letter use cases, and their refusals.

use super::*;
use crate::app::batch::{Ahead, Batched};
use crate::app::once::Answer;
use crate::app::{Amend, AppError, IssueRequest, Transfer, VoidRequest};
use crate::authority::CONFIDENTIAL;
use crate::step::StepError;
use crate::store::CommandFailure;

fn advance_accepts_the_report_and_issues_the_receipt_with_it<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let applied = office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    assert_eq!(applied.outcome.case.state, "investigating");
    assert_eq!(applied.letters.len(), 1);
    assert!(applied.letters[0].result.is_ok(), "{:?}", applied.letters);
    assert_eq!(
        office
            .backend()
            .letter_records(Some(&id))
            .expect("letters")
            .len(),
        1
    );
}

fn advance_is_refused_to_the_unknown_the_disabled_the_wrong_role_and_the_wrong_unit<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let before = office.backend().case(&id).expect("reads").expect("case");
    let refused = [
        (caller("nobody", "police"), "UnknownUser"),
        (caller(DISABLED, "police"), "Disabled"),
        (caller(VILLAGE, "village_committee"), "NeedsRole"),
        (caller(POLICE, "court"), "RoleNotHeld"),
        (caller(OTHER_POLICE, "police"), "OutsideUnit"),
    ];
    for (who, kind) in &refused {
        let d = denied(office.advance(who, &accept(&id)));
        assert!(format!("{d:?}").starts_with(kind), "{kind}: {d:?}");
    }
    let after = office.backend().case(&id).expect("reads").expect("case");
    assert_eq!(before, after, "a refusal changed the case");
    let log = refusals(&office);
    assert_eq!(log.len(), refused.len(), "{log:?}");
    assert!(
        log.iter()
            .all(|e| e.case == id.as_str() && e.action == "advance")
    );
    assert_eq!(log[0].user, "nobody");
}

fn open_amend_and_transfer_are_refused_outside_the_callers_authority<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let open = OpenCase {
        workflow: "guardianship-intervention".into(),
        input: sets(&[("source", "mandatory_report")]),
        unit: Some("shijia_village".into()),
        officer: None,
        at: None,
        ..Default::default()
    };
    assert!(matches!(
        denied(office.open_case(&caller(OTHER_POLICE, "police"), &open)),
        Denied::OutsideUnit { .. }
    ));
    assert!(matches!(
        denied(office.open_case(&caller(DISABLED, "police"), &open)),
        Denied::Disabled { .. }
    ));
    let amend = Amend {
        case: id.clone(),
        input: sets(&[("child.name", "张小华")]),
        reason: "笔误".into(),
        expect_seq: None,
    };
    assert!(matches!(
        denied(office.amend(&caller("nobody", "police"), &amend)),
        Denied::UnknownUser { .. }
    ));
    assert!(matches!(
        denied(office.amend(&caller(VILLAGE, "police"), &amend)),
        Denied::RoleNotHeld { .. }
    ));
    let amended = office
        .amend(&caller(POLICE, "police"), &amend)
        .expect("amends");
    assert_eq!(amended.outcome.case.data["child.name"], "张小华");
    let transfer = Transfer {
        case: id.clone(),
        to: "beiguan_village".into(),
        officer: Some(OTHER_POLICE.into()),
        reason: None,
        at: None,
        expect_seq: None,
    };
    assert!(matches!(
        denied(office.transfer(&caller(OTHER_POLICE, "police"), &transfer)),
        Denied::OutsideUnit { .. }
    ));
    let moved = office
        .transfer(&caller(POLICE, "police"), &transfer)
        .expect("transfers");
    assert_eq!(moved.outcome.case.unit.as_deref(), Some("beiguan_village"));
}

fn a_requested_clock_is_refused_on_a_real_database<B: TestDb>() {
    let (_db, backend) = B::bare(false);
    let office = Office::new(backend, config());
    let result = office.show(&Caller::new(ADMIN).at(at(T0)), &CaseId::new(2026, 1));
    assert!(
        matches!(result, Err(AppError::NowNotSimulation)),
        "{result:?}"
    );
}

fn nobody_may_act_in_the_system_role_and_trying_is_logged<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let result = office.advance(&caller(ADMIN, "system"), &accept(&id));
    assert!(
        matches!(result, Err(AppError::ReservedRole { .. })),
        "{result:?}"
    );
    let no_role = office.advance(&Caller::new(POLICE).at(at(T0)), &accept(&id));
    assert!(matches!(no_role, Err(AppError::NoRole)), "{no_role:?}");
    let log = refusals(&office);
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].user.as_str(), log[0].action.as_str()),
        (ADMIN, "advance")
    );
}

fn a_note_with_a_control_character_is_bad_input_and_changes_nothing<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let mut request = accept(&id);
    request.note = Some("正常\u{1b}[2J伪造".into());
    let result = office.advance(&caller(POLICE, "police"), &request);
    assert!(
        matches!(result, Err(AppError::Input { ref error, .. }) if error.to_string().contains("--note")),
        "{result:?}"
    );
    let case = office.backend().case(&id).expect("reads").expect("case");
    assert_eq!(case.state, "reported");
}

fn a_stale_expect_seq_is_refused_by_the_case_not_the_caller<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let mut request = accept(&id);
    request.expect_seq = Some(99);
    let result = office.advance(&caller(POLICE, "police"), &request);
    assert!(
        matches!(
            &result,
            Err(AppError::Command { failure, def: Some(_) })
                if matches!(**failure, crate::store::CommandFailure::Stale { .. })
        ),
        "{result:?}"
    );
    let refused = office.advance(
        &caller(POLICE, "police"),
        &Advance {
            transition: "accept_referral".into(),
            ..accept(&id)
        },
    );
    assert!(
        matches!(
            &refused,
            Err(AppError::Command { failure, .. })
                if matches!(**failure, crate::store::CommandFailure::Step(StepError::Refused(_)))
        ),
        "{refused:?}"
    );
    assert!(
        refusals(&office).is_empty(),
        "a rule of the case is not a refusal by authority"
    );
}

fn show_and_history_redact_the_reporter_and_log_every_read<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    let village = Caller::new(VILLAGE).at(at(T0));
    let view = office
        .show(&village, &id)
        .expect("the village covers its case");
    assert_eq!(view.data["reporter.name"], CONFIDENTIAL);
    assert_eq!(view.data["child.name"], "张小花");
    let police = office.show(&caller(POLICE, "police"), &id).expect("shows");
    assert_eq!(police.data["reporter.name"], "王老师");
    let history = office.history(&village, &id).expect("history");
    assert!(
        !serde_json::to_string(&history.events)
            .expect("json")
            .contains("王老师"),
        "the reporter leaks through the history"
    );
    for who in ["nobody", OTHER_POLICE, DISABLED] {
        assert!(office.show(&Caller::new(who).at(at(T0)), &id).is_err());
        assert!(office.history(&Caller::new(who).at(at(T0)), &id).is_err());
    }
    let log = office
        .backend()
        .access_log(&AccessFilter::default())
        .expect("log");
    assert_eq!(log.iter().filter(|e| e.allowed).count(), 3);
    assert_eq!(log.iter().filter(|e| !e.allowed).count(), 6);
}

fn letters_are_issued_and_voided_only_within_the_callers_authority<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    let issue = IssueRequest {
        case: id.clone(),
        key: "report-receipt".into(),
        number: None,
        replaces: None,
        expect_seq: None,
    };
    for who in [
        caller("nobody", "police"),
        caller(OTHER_POLICE, "police"),
        caller(DISABLED, "police"),
    ] {
        denied(office.issue_letter(&who, &issue));
    }
    let first = office
        .backend()
        .letter_records(Some(&id))
        .expect("letters")
        .remove(0)
        .letter;
    let void = VoidRequest {
        letter: first.id.clone(),
        reason: "信息有误".into(),
    };
    assert!(matches!(
        denied(office.void_letter(&caller(OTHER_POLICE, "police"), &void)),
        Denied::OutsideUnit { .. }
    ));
    let (_, replacement) = office
        .issue_letter(
            &caller(POLICE, "police"),
            &IssueRequest {
                replaces: Some(first.id.clone()),
                ..issue.clone()
            },
        )
        .expect("re-issues");
    assert_eq!(replacement.replaces.as_deref(), Some(first.id.as_str()));
    let voided = office.void_letter(
        &caller(POLICE, "police"),
        &VoidRequest {
            letter: replacement.id.clone(),
            reason: "信息有误".into(),
        },
    );
    assert!(voided.is_ok(), "{voided:?}");
    let log = refusals(&office);
    assert_eq!(log.len(), 4);
    assert!(log.iter().all(|e| e.case == id.as_str()), "{log:?}");
}

fn the_report_receipt_is_read_only_by_those_who_may_see_the_reporter<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    let police = Caller::new(POLICE).at(at(T0));
    let letters = office.letters(&police, Some(&id)).expect("lists");
    assert_eq!(letters.len(), 1);
    let receipt = letters[0].letter.id.clone();
    assert!(office.letter(&police, &receipt, "letter-show").is_ok());
    let village = Caller::new(VILLAGE).at(at(T0));
    assert!(matches!(
        denied(office.letter(&village, &receipt, "letter-show")),
        Denied::Confidential { .. }
    ));
    assert!(
        office
            .letters(&Caller::new(OTHER_POLICE).at(at(T0)), None)
            .expect("lists")
            .is_empty()
    );
    denied(office.letters(&Caller::new("nobody").at(at(T0)), None));
    let log = office
        .backend()
        .access_log(&AccessFilter::default())
        .expect("log");
    let reads: Vec<(&str, bool)> = log
        .iter()
        .filter(|e| e.action.starts_with("letter-show"))
        .map(|e| (e.user.as_str(), e.allowed))
        .collect();
    assert_eq!(reads, [(POLICE, true), (VILLAGE, false)]);
    assert!(
        log.iter()
            .all(|e| e.action != "letter-show:report-receipt" || e.case == id.as_str())
    );
}

fn next_shows_what_can_be_done_to_a_covering_reader_and_logs_it<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let steps = office
        .next(&Caller::new(POLICE).at(at(T0)), &id)
        .expect("next")
        .steps;
    assert!(steps.iter().any(|s| s.name == "accept_report"), "{steps:?}");
    assert!(matches!(
        denied(office.next(&Caller::new(OTHER_POLICE).at(at(T0)), &id)),
        Denied::OutsideUnit { .. }
    ));
    let log = office
        .backend()
        .access_log(&AccessFilter::default())
        .expect("log");
    assert_eq!(
        log.iter()
            .map(|e| (e.action.as_str(), e.allowed))
            .collect::<Vec<_>>(),
        [("next", true), ("next", false)]
    );
}

/// Group commit through the server's submitter: each advance is timed and, on redb, stepped
/// on the submitting thread. A step prepared on a case another command of the batch has since
/// moved must not be taken: the batch then decides what it decides without preparation.
fn advances_stepped_ahead_commit_as_unprepared_ones_do<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let (_plain_db, plain) = fresh::<B>();
    let police = caller(POLICE, "police");
    let id = open_report(&office);
    assert_eq!(id, open_report(&plain));
    let twice = [
        (police.clone(), Batched::Advance(accept(&id)), None),
        (police.clone(), Batched::Advance(accept(&id)), None),
    ];
    // Both worked out on the case as opened, where each may be accepted.
    let ahead: Vec<Ahead> = twice.iter().map(|c| office.ahead(c)).collect();
    assert_eq!(
        ahead.iter().filter(|a| a.is_prepared()).count(),
        if office.backend().snapshots_are_local() {
            2
        } else {
            0
        }
    );
    let replies = office.batch_ahead(&twice, &ahead, &mut None);
    let plain_replies = plain.batch_once(&twice);
    for replies in [&replies, &plain_replies] {
        let first = replies[0].as_ref().expect("accepts");
        assert!(
            matches!(first, Answer::Done(acted, _) if acted.outcome.case.state == "investigating")
        );
        assert!(
            matches!(
                &replies[1],
                Err(AppError::Command { failure, .. })
                    if matches!(**failure, CommandFailure::Step(StepError::Refused(_)))
            ),
            "{:?}",
            replies[1]
        );
    }
    let kinds = |office: &Office<B>| -> Vec<String> {
        office
            .backend()
            .snapshot(|tx: &dyn crate::app::backend::ReadTx| tx.history(&id))
            .expect("history")
            .iter()
            .map(|e| format!("{} {:?}", e.seq, std::mem::discriminant(&e.kind)))
            .collect()
    };
    assert_eq!(kinds(&office), kinds(&plain));
    // And one at a time through the committer's submitter, as `wardflow serve` sends them.
    let office = std::sync::Arc::new(office);
    let other = open_report(&office);
    let committer = office.clone().committer_once(8);
    let reply = committer
        .submitter()
        .submit((police.clone(), Batched::Advance(accept(&other)), None))
        .expect("the committer runs")
        .expect("accepts");
    assert!(
        matches!(reply, Answer::Done(acted, _) if acted.outcome.case.state == "investigating" && acted.letters.len() == 1)
    );
}

/// The store no longer hashes events: each comes with the hash its fold computed. Every stored
/// `prev` and hash must still be exactly what hashing the stored history again gives (what the
/// writer computed before), through an opening, a step issuing a letter, a letter issued on
/// request as a re-issue, and a void; and every chain verifies.
fn stored_hashes_are_the_hashes_of_the_stored_events<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    let first = office
        .backend()
        .letter_records(Some(&id))
        .expect("letters")
        .remove(0)
        .letter;
    let (_, replacement) = office
        .issue_letter(
            &caller(POLICE, "police"),
            &IssueRequest {
                case: id.clone(),
                key: "report-receipt".into(),
                number: None,
                replaces: Some(first.id.clone()),
                expect_seq: None,
            },
        )
        .expect("re-issues");
    office
        .void_letter(
            &caller(POLICE, "police"),
            &VoidRequest {
                letter: replacement.id.clone(),
                reason: "信息有误".into(),
            },
        )
        .expect("voids");
    let backend = office.backend();
    let events = backend.history(&id).expect("history");
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match &e.kind {
            crate::case::EventKind::LetterIssued(_) => "issued",
            crate::case::EventKind::LetterVoided { .. } => "voided",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "issued").count(),
        2,
        "{kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&"voided"));
    let chain = backend.case_chain(&id).expect("reads").expect("case");
    assert_eq!(chain.records.len(), events.len());
    let mut prev = None;
    for (record, event) in chain.records.iter().zip(&events) {
        let hash = crate::chain::hash(backend.crypto(), &id, prev.as_ref(), event).expect("hash");
        assert_eq!(record.prev, prev, "event {}", event.seq);
        assert_eq!(record.hash.as_ref(), Some(&hash), "event {}", event.seq);
        prev = Some(hash);
    }
    assert_eq!(chain.head.and_then(|h| h.hash), prev);
    let report = backend
        .verify_chains(None, &crate::progress::Reporter::silent())
        .expect("verifies");
    assert!(report.broken.is_empty(), "{:?}", report.broken);
    assert!(!report.verified.is_empty());
    // On a redb file, every record byte for byte as the writer made it when it hashed.
    let file = backend.file().map(Path::to_owned);
    drop(office);
    if let Some(path) = file {
        let compared = crate::store::integrity::tests::assert_records_as_hashed_again(&path);
        assert!(compared >= events.len(), "{compared}");
    }
}

/// A caller that hands the store events chained onto a head that is not the stored one (a
/// stale read of the case, or one made up) is refused, and nothing is written.
fn an_append_that_does_not_continue_the_stored_chain_is_refused<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let backend = office.backend();
    let stored = backend.case(&id).expect("reads").expect("case");
    let note = |case: &crate::case::Case| crate::case::Event {
        seq: case.seq + 1,
        recorded_at: case.updated_at,
        occurred_at: case.updated_at,
        actor: ADMIN.into(),
        role: "admin".into(),
        kind: crate::case::EventKind::Imported {
            file: "t".into(),
            file_sha256: "0".repeat(64),
            line: 1,
        },
    };
    // A head that is not the stored one, with the chain folded onto it consistently.
    let mut forged = stored.clone();
    forged.head = Some(crate::chain::ChainHash("ab".repeat(32)));
    let mut after = forged.clone();
    let mut events = crate::case::Chained::after(&forged);
    events.push(&mut after, note(&forged)).expect("folds");
    let refused = backend.transaction(|tx| {
        crate::app::outbox::append(tx, &after, &events, Some(&forged))?;
        Ok::<_, crate::store::StoreError>(())
    });
    assert!(
        matches!(&refused, Err(crate::store::StoreError::Corrupt(m)) if m.contains("do not follow")),
        "{refused:?}"
    );
    // A fold pushed with a case moved behind the chain's back is refused before any store.
    let mut moved = stored.clone();
    let mut events = crate::case::Chained::after(&stored);
    moved.apply(&note(&stored)).expect("folds");
    assert!(events.push(&mut moved.clone(), note(&moved)).is_err());
    // Events stored once, then offered again on the case as it was before them.
    let mut after = stored.clone();
    let mut events = crate::case::Chained::after(&stored);
    events.push(&mut after, note(&stored)).expect("folds");
    backend
        .transaction(|tx| {
            crate::app::outbox::append(tx, &after, &events, Some(&stored))?;
            Ok::<_, crate::store::StoreError>(())
        })
        .expect("appends once");
    let again = backend.transaction(|tx| {
        crate::app::outbox::append(tx, &after, &events, Some(&stored))?;
        Ok::<_, crate::store::StoreError>(())
    });
    assert!(again.is_err(), "{again:?}");
    assert_eq!(
        backend.history(&id).expect("history").len(),
        after.seq as usize
    );
    let report = backend
        .verify_chains(None, &crate::progress::Reporter::silent())
        .expect("verifies");
    assert!(report.broken.is_empty(), "{:?}", report.broken);
}

both!(
    stored_hashes_are_the_hashes_of_the_stored_events,
    an_append_that_does_not_continue_the_stored_chain_is_refused,
    advance_accepts_the_report_and_issues_the_receipt_with_it,
    advance_is_refused_to_the_unknown_the_disabled_the_wrong_role_and_the_wrong_unit,
    open_amend_and_transfer_are_refused_outside_the_callers_authority,
    a_requested_clock_is_refused_on_a_real_database,
    nobody_may_act_in_the_system_role_and_trying_is_logged,
    a_note_with_a_control_character_is_bad_input_and_changes_nothing,
    a_stale_expect_seq_is_refused_by_the_case_not_the_caller,
    show_and_history_redact_the_reporter_and_log_every_read,
    letters_are_issued_and_voided_only_within_the_callers_authority,
    the_report_receipt_is_read_only_by_those_who_may_see_the_reporter,
    next_shows_what_can_be_done_to_a_covering_reader_and_logs_it,
    advances_stepped_ahead_commit_as_unprepared_ones_do,
);
