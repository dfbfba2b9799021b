use crate::guard::fixture::*;
use crate::guard::{Guard, GuardProblem, GuardResult};
use serde_json::json;

#[test]
fn comparing_date_with_integer_is_a_type_mismatch() {
    let f = Fixture::new();
    assert_eq!(
        f.problems("child.birth_date > 5"),
        vec![GuardProblem::TypeMismatch {
            expression: "child.birth_date > 5".into(),
            left: "date".into(),
            right: "integer".into(),
        }]
    );
}

#[test]
fn other_type_mismatches() {
    let f = Fixture::new();
    let mismatch = |source: &str| {
        let problems = f.problems(source);
        assert!(
            problems
                .iter()
                .all(|p| matches!(p, GuardProblem::TypeMismatch { .. })),
            "{source}: {problems:?}"
        );
    };
    mismatch("carer.name == true");
    mismatch("child.birth_date < now");
    mismatch("decision_at < today(now)");
    mismatch("child.birth_date == carer.name");
    mismatch(r#"child.birth_date < "soon""#);
    mismatch("team.size + 1.5 > 2");
    mismatch("age(decision_at, now) > 3");
    mismatch("age(child.birth_date) > 3");
    mismatch("!team.size");
    mismatch("carer.name == null");
    mismatch("settings.office > 3");
    mismatch("size(team.size) > 0");
    mismatch("siblings.all(s, s.name)");
    // fine
    f.compile(r#"child.birth_date < "2010-01-01""#);
    f.compile("child.birth_date == carer.birth_date");
    f.compile("team.size > 1.5");
    f.compile("age(child.birth_date, visit.date) < 18");
}

#[test]
fn unknown_field_suggests_closest() {
    let f = Fixture::new();
    assert_eq!(
        f.problems("age(chld.birth_date, now) < 18"),
        vec![GuardProblem::UnknownField {
            name: "chld.birth_date".into(),
            suggestion: Some("child.birth_date".into()),
        }]
    );
    assert_eq!(
        f.problems("grund == 'street_child'"),
        vec![GuardProblem::UnknownField {
            name: "grund".into(),
            suggestion: Some("ground".into()),
        }]
    );
    assert_eq!(
        f.problems("siblings.all(s, s.birth_dat < '2020-01-01')"),
        vec![GuardProblem::UnknownField {
            name: "s.birth_dat".into(),
            suggestion: Some("s.birth_date".into()),
        }]
    );
    assert_eq!(
        f.problems("settings.min_tem_size < 3"),
        vec![GuardProblem::UnknownField {
            name: "settings.min_tem_size".into(),
            suggestion: Some("settings.min_team_size".into()),
        }]
    );
    assert_eq!(
        f.problems("zzzzzzzz"),
        vec![GuardProblem::UnknownField {
            name: "zzzzzzzz".into(),
            suggestion: None,
        }]
    );
    // a group of fields is not a value
    assert!(matches!(
        f.problems("carer == 1").as_slice(),
        [GuardProblem::UnknownField { name, .. }] if name == "carer"
    ));
    // has() needs a declared field or prefix too
    assert!(matches!(
        f.problems("has(carer.nme)").as_slice(),
        [GuardProblem::UnknownField { name, suggestion: Some(s) }]
            if name == "carer.nme" && s == "carer.name"
    ));
}

#[test]
fn unknown_function_is_reported() {
    let f = Fixture::new();
    assert_eq!(
        f.problems("ages(child.birth_date, now) < 18"),
        vec![GuardProblem::UnknownFunction {
            name: "ages".into()
        }]
    );
    assert_eq!(
        f.problems("carer.name.lowerAscii() == 'x'"),
        vec![GuardProblem::UnknownFunction {
            name: "lowerAscii".into()
        }]
    );
}

#[test]
fn enum_literal_not_in_values_is_reported() {
    let f = Fixture::new();
    let allowed: Vec<String> = vec![
        "street_child".into(),
        "guardian_missing".into(),
        "guardian_deceased".into(),
    ];
    assert_eq!(
        f.problems(r#"ground == "stret_child""#),
        vec![GuardProblem::EnumValue {
            field: "ground".into(),
            value: "stret_child".into(),
            allowed: allowed.clone(),
        }]
    );
    assert_eq!(
        f.problems(r#""stret_child" != ground"#),
        vec![GuardProblem::EnumValue {
            field: "ground".into(),
            value: "stret_child".into(),
            allowed,
        }]
    );
    assert!(matches!(
        f.problems(r#"ground in ["street_child", "orphan"]"#).as_slice(),
        [GuardProblem::EnumValue { value, .. }] if value == "orphan"
    ));
    assert!(matches!(
        f.problems(r#""fr" in child.languages"#).as_slice(),
        [GuardProblem::EnumValue { field, value, .. }]
            if field == "child.languages" && value == "fr"
    ));
    assert!(matches!(
        f.problems(r#"siblings.exists(s, s.relation == "cousin")"#).as_slice(),
        [GuardProblem::EnumValue { field, value, .. }]
            if field == "siblings.relation" && value == "cousin"
    ));
}

#[test]
fn whole_guard_must_be_boolean() {
    let f = Fixture::new();
    assert_eq!(
        f.problems("age(child.birth_date, now)"),
        vec![GuardProblem::NotBoolean {
            found: "integer".into()
        }]
    );
    assert_eq!(
        f.problems("carer.name"),
        vec![GuardProblem::NotBoolean {
            found: "string".into()
        }]
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let f = Fixture::new();
    let problems = f.problems(
        r#"ground == "stret_child" && age(chld.birth_date, now) < 18 && frob(1) && visit.date > 3"#,
    );
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(matches!(problems[0], GuardProblem::EnumValue { .. }));
    assert!(matches!(problems[1], GuardProblem::UnknownField { .. }));
    assert!(matches!(problems[2], GuardProblem::UnknownFunction { .. }));
    assert!(matches!(problems[3], GuardProblem::TypeMismatch { .. }));
}

#[test]
fn enum_list_membership() {
    let f = Fixture::new();
    let d = data(&[("child.languages", json!(["zh", "bo"]))]);
    assert_eq!(f.eval(r#""bo" in child.languages"#, &d), GuardResult::Pass);
    assert_eq!(f.eval(r#""en" in child.languages"#, &d), GuardResult::Fail);
}

#[test]
fn syntax_errors_are_reported() {
    let f = Fixture::new();
    for source in [
        "ground ==",
        "(",
        "",
        "has(1)",
        "a.all(1, true)",
        "carer.name ==== 1",
    ] {
        let problems = f.problems(source);
        assert!(
            !problems.is_empty()
                && problems
                    .iter()
                    .all(|p| matches!(p, GuardProblem::Syntax { .. })),
            "{source}: {problems:?}"
        );
    }
}

#[test]
fn deep_nesting_is_rejected_not_overflowed() {
    let f = Fixture::new();
    let source = format!("{}true{}", "(".repeat(500), ")".repeat(500));
    assert!(Guard::compile(&source, &f.scope()).is_err());
    let long_sum = format!("{} > 0", vec!["team.size"; 3000].join(" + "));
    assert!(Guard::compile(&long_sum, &f.scope()).is_err());
    let not = format!("{}true", "!-".repeat(3000));
    assert!(Guard::compile(&not, &f.scope()).is_err());
    let deep = format!("{}true{}", "[".repeat(2000), "]".repeat(2000));
    assert!(Guard::compile(&deep, &f.scope()).is_err());
    // just within the limits
    let sum = format!("{} > 0", vec!["team.size"; 30].join(" + "));
    let guard = f.compile(&sum);
    let result = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let f = Fixture::new();
            guard.evaluate(&full_data(), &f.scope(), noon_2024_06_01(), &shanghai())
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(result, GuardResult::Pass);
}

#[test]
fn problems_display_in_english() {
    let problem = GuardProblem::UnknownField {
        name: "chld.name".into(),
        suggestion: Some("child.name".into()),
    };
    assert_eq!(
        problem.to_string(),
        "unknown field `chld.name`; did you mean `child.name`?"
    );
    let problem = GuardProblem::EnumValue {
        field: "ground".into(),
        value: "x".into(),
        allowed: vec!["a".into(), "b".into()],
    };
    assert_eq!(
        problem.to_string(),
        "`x` is not a value of `ground` (allowed: a, b)"
    );
}
