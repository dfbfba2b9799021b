//! Loading a workflow file: bounded YAML parse, structural decode, semantic checks.

use std::collections::BTreeMap;

use super::Definition;
use super::decode::Decoder;
use super::validate;
use crate::problem::{Diagnostics, Problem, ProblemKind};
use crate::reader;

/// Loads and checks one workflow file. Every problem is reported, not just the first.
pub fn load(file: &str, source: &[u8]) -> Result<Definition, Diagnostics> {
    let root = reader::parse(file, source)?;
    let mut decoder = Decoder::default();
    let definition = decoder.definition(&root);
    let mut problems = decoder.r.take_problems();
    problems.extend(validate::check(&definition));
    if problems.is_empty() {
        return Ok(definition);
    }
    problems.sort_by_key(|p| p.pos);
    Err(Diagnostics {
        file: file.to_owned(),
        workflow: (!definition.key.is_empty()).then(|| definition.key.clone()),
        problems,
    })
}

/// Loads a definition that was checked when it was published: decodes it without the
/// semantic checks (which compile every guard), so reading a case stays fast. A structural
/// problem still fails, since the source must decode to be used at all.
pub fn load_published(file: &str, source: &[u8]) -> Result<Definition, Diagnostics> {
    let root = reader::parse(file, source)?;
    let mut decoder = Decoder::default();
    let definition = decoder.definition(&root);
    decoder.r.finish(file, definition)
}

/// Loads several files and checks the links between them (spawned workflows exist and receive
/// what they require). `known` holds definitions already published, which links may also name.
pub fn load_all(
    files: &[(String, Vec<u8>)],
    known: &[Definition],
) -> (Vec<(String, Definition)>, Vec<Diagnostics>) {
    let mut loaded = Vec::new();
    let mut failed = Vec::new();
    for (name, bytes) in files {
        match load(name, bytes) {
            Ok(def) => loaded.push((name.clone(), def)),
            Err(diag) => failed.push(diag),
        }
    }
    let mut by_key: BTreeMap<&str, &Definition> =
        known.iter().map(|d| (d.key.as_str(), d)).collect();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for (name, def) in &loaded {
        if let Some(first) = seen.insert(def.key.as_str(), name.as_str()) {
            duplicates.push(Diagnostics {
                file: name.clone(),
                workflow: Some(def.key.clone()),
                problems: vec![Problem {
                    pos: None,
                    path: "workflow".into(),
                    kind: ProblemKind::DuplicateWorkflow {
                        workflow: format!("{} ({first})", def.key),
                    },
                }],
            });
        }
        by_key.insert(def.key.as_str(), def);
    }
    // Files that failed still count as known names, so one broken file does not make every
    // workflow that links to it fail too.
    let broken: Vec<String> = failed.iter().filter_map(|d| d.workflow.clone()).collect();
    let mut linked_ok = Vec::new();
    for (name, def) in loaded.iter() {
        let problems = validate::validate_links(def, &by_key, &broken);
        if problems.is_empty() {
            linked_ok.push((name.clone(), def.clone()));
        } else {
            failed.push(Diagnostics {
                file: name.clone(),
                workflow: Some(def.key.clone()),
                problems,
            });
        }
    }
    failed.extend(duplicates);
    (linked_ok, failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::RoleTitle;

    fn workflow(roles: &str) -> String {
        format!(
            "workflow: w\ntitle: t\n{roles}\nstates:\n  a: {{ initial: true }}\n  b: {{ final: true }}\ntransitions:\n  go: {{ from: [a], to: b, roles: [police] }}\n"
        )
    }

    fn kinds(err: &Diagnostics) -> Vec<(String, u32, u32, &ProblemKind)> {
        err.problems
            .iter()
            .map(|p| {
                let (l, c) = p.pos.map_or((0, 0), |p| (p.line, p.column));
                (p.path.clone(), l, c, &p.kind)
            })
            .collect()
    }

    /// A workflow with one titled role and the given `fields:` block.
    fn with_fields(fields: &str) -> String {
        workflow(&format!("roles: {{ police: 公安机关 }}\nfields:\n{fields}"))
    }

    #[test]
    fn enum_values_carry_labels_and_take_a_label_for_the_key() {
        let src = with_fields(
            "  child.sex: { type: enum, values: { male: 男, female: { title: 女, title_en: female } }, title: 儿童性别 }\n  kids:\n    type: list\n    of:\n      sex: { type: enum, values: { male: 男, female: 女 } }\n",
        );
        let def = load("w.yaml", src.as_bytes()).expect("loads");
        let ty = &def.fields["child.sex"].ty;
        let (values, labels) = ty.enum_values().expect("an enum");
        assert_eq!(values, ["male", "female"]);
        assert_eq!(labels.get("male").map(|l| l.title.as_str()), Some("男"));
        assert_eq!(
            labels.get("female").and_then(|l| l.title_en.as_deref()),
            Some("female")
        );
        assert_eq!(ty.enum_key("女"), Ok(Some("female".to_owned())));
        assert_eq!(ty.enum_key("female"), Ok(Some("female".to_owned())));
        assert_eq!(ty.enum_key(" 男 "), Ok(Some("male".to_owned())));
        assert_eq!(ty.enum_key("雌"), Ok(None));
        let (key, value) =
            crate::value::parse_assignment(&def, "child.sex=女").expect("a label is accepted");
        assert_eq!(
            (key.as_str(), value),
            ("child.sex", serde_json::json!("female"))
        );
    }

    #[test]
    fn a_label_two_values_share_is_ambiguous_and_names_both_keys() {
        let src = with_fields(
            "  route: { type: enum, values: { entrust: 委托照护, entrusted_care: 委托照护, other: 其他 }, title: 去向 }\n",
        );
        let def = load("w.yaml", src.as_bytes()).expect("loads");
        let err = crate::value::parse_assignment(&def, "route=委托照护").expect_err("ambiguous");
        match err {
            crate::value::InputError::AmbiguousLabel { field, label, keys } => {
                assert_eq!(field, "route");
                assert_eq!(label, "委托照护");
                assert_eq!(keys, ["entrust", "entrusted_care"]);
            }
            other => panic!("{other:?}"),
        }
        // The key itself is never ambiguous.
        assert!(crate::value::parse_assignment(&def, "route=entrust").is_ok());
    }

    #[test]
    fn an_enum_value_without_a_label_is_a_problem_at_publishing_but_not_when_reading() {
        let src = with_fields(
            "  child.sex: { type: enum, values: [male, female], title: 儿童性别 }\n  close_reason: { type: enum, values: { done: 已办结, other: }, title: 结案原因 }\n  kids:\n    type: list\n    of:\n      route: { type: enum, values: [stay] }\n",
        );
        let err = load("w.yaml", src.as_bytes()).expect_err("unlabelled");
        let got: Vec<(String, String, String)> = kinds(&err)
            .into_iter()
            .map(|(path, _, _, kind)| match kind {
                ProblemKind::EnumValueWithoutLabel {
                    field,
                    title,
                    value,
                } => (path, format!("{field}（{title}）"), value.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "fields.child.sex.values[0]".into(),
                    "child.sex（儿童性别）".into(),
                    "male".into()
                ),
                (
                    "fields.child.sex.values[1]".into(),
                    "child.sex（儿童性别）".into(),
                    "female".into()
                ),
                (
                    "fields.close_reason.values.other".into(),
                    "close_reason（结案原因）".into(),
                    "other".into()
                ),
                (
                    "fields.kids.of.route.values[0]".into(),
                    "kids（）".into(),
                    "stay".into()
                ),
            ]
        );
        let def = load_published("w.yaml", src.as_bytes()).expect("a published version reads");
        assert!(def.fields["child.sex"].ty.enum_values().is_some());
    }

    #[test]
    fn roles_carry_their_titles_short_or_with_an_english_one() {
        let src = workflow(
            "roles:\n  police: { title: 公安机关, title_en: public security organ }\n  school_liaison: 学校联络员",
        );
        let def = load("w.yaml", src.as_bytes()).expect("loads");
        assert_eq!(def.roles, ["police", "school_liaison"]);
        assert_eq!(def.role_title("police"), Some("公安机关"));
        assert_eq!(def.role_title("school_liaison"), Some("学校联络员"));
        assert_eq!(
            def.role_titles["police"],
            RoleTitle {
                title: "公安机关".into(),
                title_en: Some("public security organ".into())
            }
        );
        assert_eq!(def.role_titles["school_liaison"].title_en, None);
        assert_eq!(def.role_title("nobody"), None);
    }

    #[test]
    fn a_role_without_a_title_is_a_problem_at_publishing_but_not_when_reading_a_published_one() {
        let src = workflow("roles: [police]");
        let err = load("w.yaml", src.as_bytes()).expect_err("untitled");
        let untitled = ProblemKind::RoleWithoutTitle {
            role: "police".into(),
        };
        assert_eq!(kinds(&err), [("roles[0]".to_owned(), 3, 9, &untitled)]);
        let def = load_published("w.yaml", src.as_bytes()).expect("a published version reads");
        assert_eq!(def.roles, ["police"]);
        assert!(def.role_titles.is_empty());

        let src = workflow("roles:\n  police:\n  court: { title_en: court }\n  medical: \"  \"");
        let err = load("w.yaml", src.as_bytes()).expect_err("untitled");
        let got: Vec<(String, u32)> = kinds(&err)
            .into_iter()
            .map(|(path, line, _, kind)| {
                assert!(
                    matches!(kind, ProblemKind::RoleWithoutTitle { .. }),
                    "{kind:?}"
                );
                (path, line)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("roles.police".to_owned(), 4),
                ("roles.court".to_owned(), 5),
                ("roles.medical".to_owned(), 6)
            ]
        );
    }

    #[test]
    fn a_role_entry_is_checked_like_any_other_key() {
        let src = workflow("roles:\n  police: { titel: 公安机关 }\n  Bad-Name: 坏\n  system: 系统");
        let err = load("w.yaml", src.as_bytes()).expect_err("problems");
        let found = kinds(&err);
        assert!(
            found.iter().any(|(path, line, _, kind)| path == "roles.police.titel"
                && *line == 4
                && matches!(kind, ProblemKind::UnknownKey { suggestion: Some(s), .. } if s == "title")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(path, _, _, kind)| path == "roles.Bad-Name"
                    && matches!(kind, ProblemKind::BadName { .. })),
            "{found:?}"
        );
        assert!(
            found.iter().any(|(path, _, _, kind)| path == "roles.system"
                && matches!(kind, ProblemKind::ReservedRole { .. })),
            "{found:?}"
        );
    }

    /// A workflow with English titles on itself, a field, its states, a transition and its
    /// deadlines; `state_b` is state b's entry, to put a bad title in.
    fn english(state_b: &str) -> String {
        format!(
            "workflow: w\ntitle: 示例\ntitle_en: example\nroles: {{ police: 公安机关 }}\nfields:\n  child.name: {{ type: string, title: 儿童姓名, title_en: child's name }}\nstart:\n  roles: [police]\n  deadlines:\n    - {{ name: first, title: 首次, title_en: \"first visit\", within: 3d }}\nstates:\n  a: {{ title: 开始, title_en: started, initial: true }}\n  b: {state_b}\ntransitions:\n  go:\n    title: 结束\n    title_en: close\n    from: [a]\n    to: b\n    roles: [police]\n"
        )
    }

    #[test]
    fn english_titles_are_read_on_the_workflow_its_fields_states_transitions_and_deadlines() {
        let def = load("w.yaml", english("{ final: true }").as_bytes()).expect("loads");
        assert_eq!(def.title_en.as_deref(), Some("example"));
        assert_eq!(def.field_title_en("child.name"), Some("child's name"));
        assert_eq!(def.field_title_en("nothing"), None);
        assert_eq!(def.state("a").unwrap().title_en.as_deref(), Some("started"));
        assert_eq!(def.state("b").unwrap().title_en, None);
        assert_eq!(
            def.transition("go").unwrap().title_en.as_deref(),
            Some("close")
        );
        assert_eq!(
            def.start.deadlines[0].title_en.as_deref(),
            Some("first visit")
        );
    }

    #[test]
    fn a_guards_english_reason_is_read_and_a_bad_one_refused_naming_where_it_is() {
        let guarded = |reason_en: &str| {
            english("{ final: true }")
                + "    guard:\n      - cel: \"has(child.name)\"\n        reason: 须登记儿童姓名\n"
                + &format!("        reason_en: {reason_en}\n")
        };
        let def = load(
            "w.yaml",
            guarded("\"the child's name is needed\"").as_bytes(),
        )
        .expect("loads");
        let guard = &def.transition("go").unwrap().guards[0];
        assert_eq!(guard.reason.as_deref(), Some("须登记儿童姓名"));
        assert_eq!(
            guard.reason_en.as_deref(),
            Some("the child's name is needed")
        );
        // A reason may be longer than a title, within its own bound.
        let long = format!("\"{}\"", "x".repeat(super::super::MAX_REASON_EN_CHARS));
        load("w.yaml", guarded(&long).as_bytes()).expect("a long reason loads");
        let too_long = format!("\"{}\"", "x".repeat(super::super::MAX_REASON_EN_CHARS + 1));
        for (bad, problem) in [
            (
                "\"needed\\nnow\"",
                crate::problem::TitleProblem::ControlCharacter,
            ),
            ("\" \"", crate::problem::TitleProblem::Empty),
            (
                too_long.as_str(),
                crate::problem::TitleProblem::TooLong {
                    limit: super::super::MAX_REASON_EN_CHARS,
                },
            ),
        ] {
            let src = guarded(bad);
            let err = load("w.yaml", src.as_bytes()).expect_err("bad reason_en");
            let got: Vec<_> = kinds(&err)
                .into_iter()
                .map(|(path, line, _, kind)| (path, line, kind.clone()))
                .collect();
            assert_eq!(
                got,
                [(
                    "transitions.go.guard[0].reason_en".to_owned(),
                    24,
                    ProblemKind::BadTitle { problem }
                )],
                "{bad}"
            );
            load_published("w.yaml", src.as_bytes()).expect("a published version reads");
        }
    }

    #[test]
    fn a_bad_english_title_is_refused_naming_where_it_is() {
        use crate::problem::TitleProblem;
        let cases = [
            (
                "{ title: 结束, title_en: \"  \", final: true }",
                TitleProblem::Empty,
            ),
            (
                "{ title: 结束, title_en: \"closed\\nfor good\", final: true }",
                TitleProblem::ControlCharacter,
            ),
            (
                &format!(
                    "{{ title: 结束, title_en: {}, final: true }}",
                    "x".repeat(201)
                ),
                TitleProblem::TooLong {
                    limit: super::super::MAX_TITLE_EN_CHARS,
                },
            ),
        ];
        for (state_b, problem) in cases {
            let src = english(state_b);
            let err = load("w.yaml", src.as_bytes()).expect_err("bad title_en");
            let bad = ProblemKind::BadTitle { problem };
            assert_eq!(
                kinds(&err),
                [("states.b.title_en".to_owned(), 13, 29, &bad)],
                "{state_b}"
            );
            // A version already published still reads.
            load_published("w.yaml", src.as_bytes()).expect("a published version reads");
        }
        // Deadlines and the workflow itself are checked too.
        let src = english("{ final: true }")
            .replace("title_en: example", "title_en: \"\"")
            .replace("\"first visit\"", "\"first\\tvisit\"");
        let err = load("w.yaml", src.as_bytes()).expect_err("bad title_en");
        let got: Vec<(String, u32)> = kinds(&err)
            .into_iter()
            .map(|(path, line, _, kind)| {
                assert!(matches!(kind, ProblemKind::BadTitle { .. }), "{kind:?}");
                (path, line)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("title_en".to_owned(), 3),
                ("start.deadlines[0].title_en".to_owned(), 10)
            ]
        );
        // Not text at all is a structural problem, found even in a published version.
        let src = english("{ title_en: [a, b], final: true }");
        let err = load_published("w.yaml", src.as_bytes()).expect_err("not text");
        assert_eq!(err.problems[0].path, "states.b.title_en");
        assert!(matches!(
            err.problems[0].kind,
            ProblemKind::WrongType { .. }
        ));
    }

    #[test]
    fn a_misspelt_english_title_key_is_still_an_unknown_key() {
        let src = english("{ titel_en: closed, final: true }");
        let err = load("w.yaml", src.as_bytes()).expect_err("unknown key");
        let found = kinds(&err);
        assert!(
            found.iter().any(|(path, line, _, kind)| path == "states.b.titel_en"
                && *line == 13
                && matches!(kind, ProblemKind::UnknownKey { suggestion: Some(s), .. } if s == "title_en")),
            "{found:?}"
        );
    }
}
