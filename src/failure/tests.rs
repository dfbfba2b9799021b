//! Every kind of failure has its exit code and is worded only when shown.

use std::collections::BTreeSet;
use std::time::Duration;

use wardflow_engine::case::CaseId;
use wardflow_engine::chain::BreakKind;
use wardflow_engine::store::dump::ImportProblem;

use super::*;
use crate::i18n::Lang;

/// Which kind a failure is; written as an exhaustive `match`, so that a new kind does not
/// compile until it is given a place (and an exit code) in the test below.
fn kind_number(kind: &Kind) -> usize {
    match kind {
        Kind::Store(_) => 0,
        Kind::TargetExists { .. } => 1,
        Kind::Input { .. } => 2,
        Kind::Case { .. } => 3,
        Kind::Letter { .. } => 4,
        Kind::LetterCommand { .. } => 5,
        Kind::Denied { .. } => 6,
        Kind::Officer { .. } => 7,
        Kind::OfficerOutsideUnit { .. } => 8,
        Kind::Registry(_) => 9,
        Kind::Invalid(_) => 10,
        Kind::Key { .. } => 11,
        Kind::Import(_) => 12,
        Kind::Check { .. } => 13,
        Kind::ChainsBroken { .. } => 14,
        Kind::ExportBroken(_) => 15,
        Kind::ExportFile(_) => 16,
        Kind::Said { .. } => 17,
        Kind::Output(_) => 18,
        Kind::Bug(_) => 19,
        Kind::ProfileLetter { .. } => 20,
        Kind::Migration(_) => 21,
        Kind::Register(_) => 22,
        Kind::RegisterRejected(_) => 23,
        Kind::Served(_) => 24,
    }
}
const KINDS: usize = 25;

fn case_id() -> CaseId {
    "2026-000001".parse().expect("a valid case id")
}

fn broken() -> Break {
    Break {
        case: case_id(),
        seq: 2,
        kind: BreakKind::Modified,
        expected: Some("a".repeat(64)),
        found: Some("b".repeat(64)),
    }
}

fn unknown_user() -> Denied {
    Denied::UnknownUser {
        user: "nobody".into(),
    }
}

/// One failure of every kind (several where the kind's exit depends on what is inside),
/// with the exit code the CLI contract gives it.
fn samples() -> Vec<(Failure, Exit)> {
    vec![
        (StoreError::Missing("x.redb".into()).into(), Exit::BadInput),
        (
            StoreError::Busy {
                waited: Duration::from_secs(5),
            }
            .into(),
            Exit::Busy,
        ),
        (StoreError::Storage("disk".into()).into(), Exit::Storage),
        (StoreError::Corrupt("record".into()).into(), Exit::Storage),
        (
            Failure::from(StoreError::AlreadyExists("out.redb".into())).exists_as("ops-out-exists"),
            Exit::BadInput,
        ),
        (InputError::DataNotMapping.into(), Exit::BadInput),
        (
            Refusal::CaseClosed {
                state: "closed".into(),
            }
            .into(),
            Exit::Refused,
        ),
        (CommandError::MissingReason.into(), Exit::BadInput),
        (
            CommandError::NoInitialState {
                workflow: "w".into(),
            }
            .into(),
            Exit::Bug,
        ),
        (
            CommandFailure::Stale {
                case: case_id(),
                expected: 1,
                actual: 2,
            }
            .into(),
            Exit::Refused,
        ),
        (
            CommandFailure::UnknownCase(case_id()).into(),
            Exit::BadInput,
        ),
        (
            LetterError::MissingFields(vec!["child.name".into()]).into(),
            Exit::Refused,
        ),
        (LetterError::NumberOnDraft.into(), Exit::BadInput),
        (
            LetterFailure::NotInForce("L2026-000001".into()).into(),
            Exit::Refused,
        ),
        (LetterFailure::NoReason.into(), Exit::BadInput),
        (
            Kind::Denied {
                denied: unknown_user(),
                units: Some(Units::single()),
            }
            .into(),
            Exit::Refused,
        ),
        (
            Kind::Officer {
                denied: unknown_user(),
                units: None,
            }
            .into(),
            Exit::BadInput,
        ),
        (
            Kind::OfficerOutsideUnit {
                officer: "张三".into(),
                unit: "town".into(),
                units: Units::single(),
            }
            .into(),
            Exit::BadInput,
        ),
        (
            RegistryError::UserExists("张三".into()).into(),
            Exit::BadInput,
        ),
        (
            Diagnostics {
                file: "w.yaml".into(),
                workflow: None,
                problems: Vec::new(),
            }
            .into(),
            Exit::BadInput,
        ),
        (
            Failure::key(KeyError::NotAKeyFile, "office.key"),
            Exit::BadInput,
        ),
        (
            ImportError::Line {
                line: 3,
                problem: ImportProblem::Empty,
            }
            .into(),
            Exit::BadInput,
        ),
        (
            Kind::Check {
                problems: vec![CheckProblem::Chain(broken())],
                refusal: "check-failed",
                db: "x.redb".into(),
            }
            .into(),
            Exit::Integrity,
        ),
        (
            Kind::Check {
                problems: vec![CheckProblem::Unreadable {
                    record: "events".into(),
                    detail: "short read".into(),
                }],
                refusal: "check-failed",
                db: "x.redb".into(),
            }
            .into(),
            Exit::Storage,
        ),
        (
            Kind::ChainsBroken {
                count: 1,
                first: broken(),
            }
            .into(),
            Exit::Integrity,
        ),
        (Kind::ExportBroken(broken()).into(), Exit::Integrity),
        (
            Kind::ExportFile(FileProblem::RulesChanged).into(),
            Exit::Integrity,
        ),
        (
            Failure::said(Exit::Busy, crate::msg!("now-not-simulation")),
            Exit::Busy,
        ),
        (
            Kind::Output(std::io::Error::other("disk full")).into(),
            Exit::OutputFailed,
        ),
        (Failure::bug("a bug"), Exit::Bug),
        (
            Kind::ProfileLetter {
                file: "profiles/x.yaml".into(),
                key: "warning-letter".into(),
                error: LetterError::UnknownSetting("colour".into()),
            }
            .into(),
            Exit::BadInput,
        ),
        (
            Kind::Migration(vec![wardflow_engine::migrate::Problem::Unmapped {
                case: case_id(),
                state: "watched".into(),
            }])
            .into(),
            Exit::Refused,
        ),
        (
            Kind::Register(Box::new(
                wardflow_engine::app::RegisterError::MissingColumn {
                    column: "姓名".into(),
                },
            ))
            .into(),
            Exit::BadInput,
        ),
        (
            Kind::RegisterRejected(vec![(
                3,
                Failure::from(CommandFailure::UnknownCase(case_id())),
            )])
            .into(),
            Exit::Refused,
        ),
        // What a server answered keeps its exit code, its words and its key.
        (
            crate::cli::remote::served(&serde_json::json!({
                "code": 1, "kind": "refused", "message": "不能执行", "key": "sign_agreement",
            })),
            Exit::Refused,
        ),
        (
            crate::cli::remote::served(&serde_json::json!({"code": 7, "message": "?"})),
            Exit::Unknown,
        ),
    ]
}

#[test]
fn each_failure_kind_maps_to_its_exit_code_in_both_languages() {
    let mut seen = BTreeSet::new();
    for (failure, exit) in samples() {
        seen.insert(kind_number(failure.kind()));
        for lang in [Lang::Zh, Lang::En] {
            let shown = failure.shown(&Tr { lang });
            assert_eq!(shown.exit, exit, "{failure:?} in {lang:?}");
            assert!(!shown.message.is_empty(), "{failure:?} says nothing");
        }
    }
    let missing: Vec<usize> = (0..KINDS).filter(|k| !seen.contains(k)).collect();
    assert!(missing.is_empty(), "kinds without a sample: {missing:?}");
}

#[test]
fn a_failure_is_worded_only_when_shown_and_in_the_language_it_is_shown_in() {
    let failure = Failure::from(CommandFailure::UnknownCase(case_id()));
    let zh = failure.shown(&Tr { lang: Lang::Zh }).message;
    let en = failure.shown(&Tr { lang: Lang::En }).message;
    assert_eq!(zh, "没有编号为 2026-000001 的案件。");
    assert!(en.contains("2026-000001") && en.is_ascii(), "{en}");
}

#[test]
fn a_chain_problem_found_by_check_is_worded_without_debug_text() {
    let failure = Failure::from(Kind::Check {
        problems: vec![CheckProblem::Chain(broken())],
        refusal: "check-failed",
        db: "x.redb".into(),
    });
    let shown = failure.shown(&Tr { lang: Lang::Zh });
    let problem = &shown.problems[0].message;
    assert!(problem.contains("第 2 个事件被改动"), "{problem}");
    assert!(!problem.contains("Modified"), "{problem}");
}

#[test]
fn a_letter_error_is_worded_in_the_users_language_not_in_the_engines_english() {
    for e in [
        LetterError::NumberOnDraft,
        LetterError::UnknownSetting("colour".into()),
        LetterError::MissingNumber("court-order".into()),
    ] {
        let english = e.to_string();
        let zh = Failure::from(e).shown(&Tr { lang: Lang::Zh }).message;
        assert!(!zh.contains(&english), "{zh}");
        assert!(zh.starts_with("文书无法生成："), "{zh}");
    }
}

#[test]
fn the_workflow_given_to_a_failure_names_fields_by_their_titles() {
    let error = InputError::ControlCharacter {
        field: "child.name".into(),
    };
    let def = Arc::new(
        wardflow_engine::definition::load(
            "example-care.yaml",
            include_bytes!("../../workflows/example-care.yaml"),
        )
        .expect("the example workflow loads"),
    );
    let plain = Failure::from(error.clone())
        .shown(&Tr { lang: Lang::Zh })
        .message;
    let titled = Failure::from(Kind::Input {
        error,
        def: Some(def),
    })
    .shown(&Tr { lang: Lang::Zh })
    .message;
    assert_ne!(plain, titled);
    assert!(titled.contains("child.name（"), "{titled}");
}
