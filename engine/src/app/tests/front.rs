//! The use cases the command line's remaining commands call: each refuses the unknown, the
//! disabled and those of the wrong unit or role, and logs what it must.

use super::*;
use crate::app::{AppError, LetterVerdict, PreviewRequest};
use crate::seal::OfficeKey;

/// A report accepted by the police (which issues the report receipt); its id and the receipt.
fn accepted<B: Backend>(office: &Office<B>) -> (CaseId, crate::letters::archive::ArchivedLetter) {
    let id = open_report(office);
    office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    let receipt = office
        .backend()
        .letter_records(Some(&id))
        .expect("letters")
        .remove(0)
        .letter;
    (id, receipt)
}

fn a_draft_is_for_readers_of_the_case_and_one_that_cannot_be_made_is_logged_refused<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let (id, _) = accepted(&office);
    let request = |key: &str| PreviewRequest {
        case: id.clone(),
        key: key.into(),
        body: "（签发机关）".into(),
    };
    assert!(matches!(
        denied(office.preview_letter(&caller("nobody", "police"), &request("report-receipt"))),
        Denied::UnknownUser { .. }
    ));
    assert!(matches!(
        denied(office.preview_letter(&caller(DISABLED, "police"), &request("report-receipt"))),
        Denied::Disabled { .. }
    ));
    assert!(matches!(
        denied(office.preview_letter(&caller(OTHER_POLICE, "police"), &request("report-receipt"))),
        Denied::OutsideUnit { .. }
    ));
    // The receipt names the reporter: not for the village committee, though it covers the case.
    assert!(matches!(
        denied(office.preview_letter(
            &caller(VILLAGE, "village_committee"),
            &request("report-receipt")
        )),
        Denied::Confidential { .. }
    ));
    let (draft, _) = office
        .preview_letter(&caller(POLICE, "police"), &request("report-receipt"))
        .expect("drafts");
    assert!(draft.text.contains("草稿"), "{}", draft.text);
    let unknown = office.preview_letter(&caller(POLICE, "police"), &request("no-such-letter"));
    assert!(
        matches!(unknown, Err(AppError::Render { .. })),
        "{unknown:?}"
    );
    let log = refusals(&office);
    assert!(
        log.iter()
            .any(|e| e.user == POLICE && e.action == "letter:no-such-letter"),
        "a draft refused after the authority check is logged refused: {log:?}"
    );
    assert_eq!(log.len(), 5, "{log:?}");
}

fn a_signed_case_export_is_for_those_who_may_read_all_of_it<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let (id, _) = accepted(&office);
    let key = OfficeKey::from_seed([7; 32]);
    for (who, role) in [
        ("nobody", "police"),
        (DISABLED, "police"),
        (OTHER_POLICE, "police"),
        (VILLAGE, "village_committee"),
    ] {
        denied(office.export_case(&caller(who, role), &id, &key));
    }
    let export = office
        .export_case(&caller(POLICE, "police"), &id, &key)
        .expect("exports");
    assert!(export.events > 0);
    assert_eq!(refusals(&office).len(), 4);
}

fn verifying_a_letter_tells_an_outsider_only_whether_it_is_valid_and_logs_every_answer<
    B: TestDb,
>() {
    let (_db, office) = fresh::<B>();
    let (_, receipt) = accepted(&office);
    let code = receipt.code.as_str();
    denied(office.verify_letter(&Caller::new("nobody").at(at(T0)), Some(code), None));
    denied(office.verify_letter(&Caller::new(DISABLED).at(at(T0)), Some(code), None));
    let own = office
        .verify_letter(&Caller::new(POLICE).at(at(T0)), Some(code), None)
        .expect("verifies");
    assert!(matches!(own, LetterVerdict::ByCode(_)), "{own:?}");
    let outsider = Caller::new(OTHER_POLICE).at(at(T0));
    let limited = office
        .verify_letter(&outsider, Some(code), None)
        .expect("verifies");
    assert!(
        matches!(limited, LetterVerdict::Limited { valid: true, .. }),
        "{limited:?}"
    );
    // A whole file is a guessing oracle for an outsider: only with the code printed on it.
    let file = receipt.html.as_bytes();
    let without = office
        .verify_letter(&outsider, None, Some(file))
        .expect("verifies");
    assert!(matches!(without, LetterVerdict::NeedsCode), "{without:?}");
    let with = office
        .verify_letter(&outsider, Some(code), Some(file))
        .expect("verifies");
    assert!(matches!(with, LetterVerdict::Limited { .. }), "{with:?}");
    let identical = office
        .verify_letter(&Caller::new(POLICE).at(at(T0)), None, Some(file))
        .expect("verifies");
    assert!(
        matches!(identical, LetterVerdict::Identical(_)),
        "{identical:?}"
    );
    let log = office
        .backend()
        .access_log(&AccessFilter::default())
        .expect("log");
    assert_eq!(
        log.iter()
            .filter(|e| e.action.starts_with("letter-verify"))
            .count(),
        5,
        "{log:?}"
    );
}

fn the_registry_and_publishing_belong_to_administrators<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let police = Caller::new(POLICE).at(at(T0));
    let admin = Caller::new(ADMIN).at(at(T0));
    assert!(matches!(
        denied(office.publish(&police, &[], Vec::new())),
        Denied::NotAdmin { .. }
    ));
    assert!(matches!(
        denied(office.enable_user(&police, DISABLED)),
        Denied::NotAdmin { .. }
    ));
    assert!(matches!(
        denied(office.set_roles(&police, POLICE, &["admin".into()])),
        Denied::NotAdmin { .. }
    ));
    let units = std::fs::read(format!("{ROOT}/units/example.yaml")).expect("units");
    assert!(matches!(
        denied(office.load_units(&police, "example.yaml", &units)),
        Denied::NotAdmin { .. }
    ));
    denied(office.units(&Caller::new("nobody").at(at(T0))));
    denied(office.workflows(&Caller::new(DISABLED).at(at(T0))));
    assert!(office.workflows(&police).expect("lists").len() > 1);
    // `system` is never granted, by any administrator.
    let system = office.set_roles(&admin, POLICE, &["system".into()]);
    assert!(
        matches!(system, Err(AppError::RegistryInput(_))),
        "{system:?}"
    );
    office.enable_user(&admin, DISABLED).expect("enables");
    assert_eq!(
        office
            .set_roles(&admin, POLICE, &["police".into(), "police".into()])
            .expect("sets"),
        ["police"]
    );
    assert_eq!(
        office
            .load_units(&admin, "example.yaml", &units)
            .expect("loads"),
        office.units(&admin).expect("units").iter().count()
    );
    assert_eq!(refusals(&office).len(), 6);
}

fn a_name_with_control_characters_is_taken_without_them_and_logged_so<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let forged = Caller::new("no\u{1b}[2Kbody").at(at(T0));
    denied(office.units(&forged));
    let log = refusals(&office);
    assert_eq!(log.len(), 1);
    assert!(!log[0].user.chars().any(char::is_control), "{log:?}");
    // The registered name matches, its escape sequence gone.
    let police = Caller::new(format!("{POLICE}\u{7}")).at(at(T0));
    assert!(office.units(&police).is_ok());
}

// On redb only: `Office::init` makes a redb file (`wardflow init --database` is the
// PostgreSQL form, tested through the command line in `tests/cli/pg_serve.rs`).
#[test]
fn init_checks_everything_before_it_makes_the_database_and_a_real_one_refuses_a_requested_clock() {
    let dir = TempDir::new().expect("tempdir");
    let db = dir.path().join("new.redb");
    let file = |name: &str| {
        let path = format!("{ROOT}/workflows/{name}");
        (name.to_owned(), std::fs::read(path).expect("workflow"))
    };
    let setup = crate::app::Setup {
        simulation: false,
        profile: None,
        files: vec![file("example-care.yaml"), file("example-followup.yaml")],
        context: Vec::new(),
        units: None,
        admin: None,
        admin_unit: None,
        admin_roles: vec!["system".into()],
        calendar: None,
        letters: None,
        crypto: crate::crypto::Profile::Standard,
    };
    let founder = Caller::new(ADMIN).at(at(T0));
    // A requested clock on a real database, then a role nobody may hold: nothing is made.
    let result = Office::init(&founder, &db, setup.clone(), config());
    assert!(
        matches!(result, Err(AppError::NowNotSimulation)),
        "{:?}",
        result.err()
    );
    let result = Office::init(&Caller::new(ADMIN), &db, setup.clone(), config());
    assert!(
        matches!(result, Err(AppError::RegistryInput(_))),
        "{:?}",
        result.err()
    );
    assert!(!db.exists());
    let setup = crate::app::Setup {
        simulation: true,
        admin_roles: vec!["*".into()],
        ..setup
    };
    let (office, founded) = Office::init(&founder, &db, setup.clone(), config()).expect("makes");
    assert_eq!(founded.admin.name, ADMIN);
    assert_eq!(founded.admin.roles, ["admin", "*"]);
    assert_eq!(founded.published.len(), 2);
    assert!(
        office
            .workflows(&founder)
            .expect("lists")
            .contains_key("example-care")
    );
    drop(office);
    let again = Office::init(&founder, &db, setup, config());
    assert!(
        matches!(
            again,
            Err(AppError::Store(crate::store::StoreError::AlreadyExists(_)))
        ),
        "{:?}",
        again.err()
    );
}

fn a_letters_digests_are_salted_the_event_carries_them_and_an_old_unsalted_letter_still_verifies<
    B: TestDb,
>() {
    use crate::case::EventKind;
    use crate::letters::archive::{DigestScheme, sha256_hex, verification_code};
    use sha2::{Digest, Sha256};
    let (_db, office) = fresh::<B>();
    let (id, receipt) = accepted(&office);
    // The receipt names the reporter: its public digests are not the SHA-256 of its words.
    assert_eq!(receipt.digest, DigestScheme::SaltedV1);
    assert_eq!(receipt.salt.as_deref().map(str::len), Some(64));
    assert_ne!(receipt.text_sha256, sha256_hex(receipt.text.as_bytes()));
    assert_ne!(receipt.html_sha256, sha256_hex(receipt.html.as_bytes()));
    // The chained event carries the salted digest.
    let history = office
        .backend()
        .snapshot(|tx| tx.history(&id))
        .expect("history");
    assert!(history.iter().any(|e| matches!(
        &e.kind,
        EventKind::LetterIssued(l) if l.html_sha256 == receipt.html_sha256 && l.code == receipt.code
    )));
    let police = Caller::new(POLICE).at(at(T0));
    let found = office
        .verify_letter(&police, None, Some(receipt.text.as_bytes()))
        .expect("verifies");
    assert!(
        matches!(&found, LetterVerdict::Identical(r) if r.letter.id == receipt.id),
        "{found:?}"
    );
    // A letter archived before salts: plain SHA-256 digests and code, no salt recorded.
    let old_code = verification_code(&Sha256::digest(b"an old letter"));
    let mut old = receipt.clone();
    old.id = "L2026-000900".into();
    old.text = receipt.text.replace(&receipt.code, &old_code);
    old.html = receipt.html.replace(&receipt.code, &old_code);
    old.code = old_code;
    old.text_sha256 = sha256_hex(old.text.as_bytes());
    old.html_sha256 = sha256_hex(old.html.as_bytes());
    old.digest = DigestScheme::Plain;
    old.salt = None;
    let stored = crate::store::format::encode(&old).expect("encodes");
    let text = String::from_utf8(stored).expect("JSON");
    assert!(
        !text.contains("\"digest\"") && !text.contains("\"salt\""),
        "an old entry has neither field: {text}"
    );
    office
        .backend()
        .transaction(|tx| tx.archive(&old))
        .expect("archives");
    assert!(old.digests_hold());
    let verdict = office
        .verify_letter(&police, None, Some(old.html.as_bytes()))
        .expect("verifies");
    assert!(
        matches!(&verdict, LetterVerdict::Identical(r) if r.letter.id == old.id),
        "{verdict:?}"
    );
    // Altered by one character, neither verifies.
    let forged = old.text.replacen("公安", "公案", 1);
    let verdict = office
        .verify_letter(&police, None, Some(forged.as_bytes()))
        .expect("verifies");
    assert!(
        !matches!(verdict, LetterVerdict::Identical(_)),
        "{verdict:?}"
    );
}

both!(
    a_draft_is_for_readers_of_the_case_and_one_that_cannot_be_made_is_logged_refused,
    a_signed_case_export_is_for_those_who_may_read_all_of_it,
    verifying_a_letter_tells_an_outsider_only_whether_it_is_valid_and_logs_every_answer,
    the_registry_and_publishing_belong_to_administrators,
    a_name_with_control_characters_is_taken_without_them_and_logged_so,
    a_letters_digests_are_salted_the_event_carries_them_and_an_old_unsalted_letter_still_verifies,
);
