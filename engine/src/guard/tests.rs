//! Whole guards, generated: they compile, evaluate and never panic.

use crate::definition::Data;
use crate::guard::fixture::*;
use crate::guard::{Guard, GuardResult};
use jiff::tz::TimeZone;
use proptest::prelude::*;
use serde_json::json;

// -- never panic -------------------------------------------------------------

const TOKENS: &[&str] = &[
    "child",
    ".",
    "birth_date",
    "carer",
    "name",
    "disqualified",
    "ground",
    "siblings",
    "s",
    "now",
    "settings",
    "min_team_size",
    "team",
    "size",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "?",
    "!",
    "-",
    "+",
    "*",
    "/",
    "%",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "in",
    "has",
    "all",
    "exists",
    "exists_one",
    "map",
    "filter",
    "age",
    "criminal_age",
    "today",
    "days_between",
    "int",
    "string",
    "timestamp",
    "duration",
    "1",
    "0",
    "-1",
    "9223372036854775807",
    "1.5",
    "2u",
    "true",
    "false",
    "null",
    "\"street_child\"",
    "\"2024-02-29\"",
    "'x'",
    "b\"\"",
    " ",
    "decision_at",
    "visit",
    "date",
    "relation",
    "`",
    "\\",
    "\"",
    ".?",
    "matches",
    "\"[\"",
];

fn check_never_panics(source: &str) {
    let f = Fixture::new();
    if let Ok(guard) = Guard::compile(source, &f.scope()) {
        let scope = f.scope();
        let _ = guard.evaluate(&full_data(), &scope, noon_2024_06_01(), &shanghai());
        let _ = guard.evaluate(&Data::new(), &scope, jiff::Timestamp::MAX, &shanghai());
        let _ = guard.evaluate(&Data::new(), &scope, jiff::Timestamp::MIN, &TimeZone::UTC);
    }
}

/// Well-formed guards (not always well-typed) over the fixture's fields.
fn guard_source() -> impl Strategy<Value = String> {
    let leaf = proptest::sample::select(vec![
        "carer.disqualified",
        "carer.name",
        "child.birth_date",
        "child.address.city",
        "ground",
        "team.size",
        "visit.date",
        "decision_at",
        "now",
        "today(now)",
        "age(child.birth_date, now)",
        "criminal_age(carer.birth_date, today(now))",
        "days_between(visit.date, today(now))",
        "size(siblings)",
        "size(tags)",
        "has(carer.name)",
        "has(child.address)",
        "has(child.address.city)",
        "settings.min_team_size",
        "settings.appeal_window",
        "now - decision_at",
        "\"street_child\"",
        "\"2010-01-01\"",
        "'x'",
        "18",
        "0",
        "true",
        "false",
        "null",
    ])
    .prop_map(str::to_owned);
    leaf.prop_recursive(4, 24, 3, |inner| {
        let op = proptest::sample::select(vec![
            "&&", "||", "==", "!=", "<", "<=", ">", "+", "-", "*", "in",
        ]);
        let record = proptest::sample::select(vec![
            "age(s.birth_date, now) < 18",
            "s.name != ''",
            "s.relation == 'sister'",
            "has(s.birth_date)",
        ]);
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("!({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            (record, inner.clone()).prop_map(|(r, a)| format!("(siblings.exists(s, {r}) && {a})")),
            inner.prop_map(|a| format!("[{a}, {a}]")),
        ]
    })
}

fn pick(items: &[&'static str]) -> impl Strategy<Value = String> + Clone + use<> {
    proptest::sample::select(items.to_vec()).prop_map(str::to_owned)
}

/// Well-typed boolean guards over the fixture's fields.
fn typed_guard() -> impl Strategy<Value = String> {
    let int = pick(&[
        "team.size",
        "age(child.birth_date, now)",
        "criminal_age(carer.birth_date, today(now))",
        "days_between(visit.date, today(now))",
        "size(siblings)",
        "size(tags)",
        "settings.min_team_size",
        "18",
        "0",
    ]);
    let int = (int.clone(), pick(&["+", "-", "*"]), int.clone())
        .prop_map(|(a, op, b)| format!("({a} {op} {b})"))
        .boxed()
        .prop_union(int.boxed());
    let date = pick(&[
        "child.birth_date",
        "carer.birth_date",
        "visit.date",
        "today(now)",
        "\"2010-01-01\"",
    ]);
    let string = pick(&["carer.name", "child.address.city", "'x'", "child.name"]);
    let comparison = pick(&["==", "!=", "<", "<=", ">", ">="]);
    let leaf = prop_oneof![
        pick(&[
            "carer.disqualified",
            "has(carer.name)",
            "has(child.address)",
            "has(child.address.city)",
            "true",
            "ground == 'street_child'",
            "ground in ['guardian_missing', 'guardian_deceased']",
            "decision_at < now",
            "now - decision_at > settings.appeal_window",
            "'urgent' in tags",
            "siblings.all(s, age(s.birth_date, now) < 18)",
            "siblings.exists(s, has(s.relation) && s.relation == 'sister')",
            "siblings.map(s, s.name).exists(n, n.startsWith('小'))",
        ]),
        (int.clone(), comparison.clone(), int).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        (date.clone(), comparison.clone(), date).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        (string.clone(), comparison, string).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
    ];
    leaf.prop_recursive(4, 16, 3, |inner| {
        prop_oneof![
            (inner.clone(), pick(&["&&", "||"]), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("!({a})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A well-typed guard compiles; with every field set it passes or
    /// fails; an unset field it reports is always one it reads, and unset.
    #[test]
    fn typed_guards_compile_and_name_unset_fields(
        source in typed_guard(),
        keys in proptest::sample::subsequence(
            full_data().keys().cloned().collect::<Vec<_>>(), 0..=10),
    ) {
        let f = Fixture::new();
        let guard = Guard::compile(&source, &f.scope());
        prop_assert!(guard.is_ok(), "{source}: {guard:?}");
        let Ok(guard) = guard else { unreachable!() };
        let scope = f.scope();
        let full = full_data();
        let result = guard.evaluate(&full, &scope, noon_2024_06_01(), &shanghai());
        prop_assert!(matches!(result, GuardResult::Pass | GuardResult::Fail), "{source}: {result:?}");
        let partial: Data = full.into_iter().filter(|(k, _)| keys.contains(k)).collect();
        let result = guard.evaluate(&partial, &scope, noon_2024_06_01(), &shanghai());
        match &result {
            GuardResult::Unset { field } => {
                prop_assert!(guard.fields().contains(field), "{source}: {field} not in {:?}", guard.fields());
                prop_assert!(!partial.contains_key(field), "{source}: {field} is set");
            }
            GuardResult::Error { .. } => prop_assert!(false, "{source}: {result:?}"),
            _ => {}
        }
    }

    /// A compiled guard never panics; with every field set it is never
    /// `Unset`; an unset field it reports is always one it reads.
    #[test]
    fn generated_guards_evaluate_consistently(
        source in guard_source(),
        keys in proptest::sample::subsequence(
            full_data().keys().cloned().collect::<Vec<_>>(), 0..=10),
    ) {
        let f = Fixture::new();
        if let Ok(guard) = Guard::compile(&source, &f.scope()) {
            let scope = f.scope();
            let full = full_data();
            let result = guard.evaluate(&full, &scope, noon_2024_06_01(), &shanghai());
            prop_assert!(!matches!(result, GuardResult::Unset { .. }), "{source}: {result:?}");
            let partial: Data = full.into_iter().filter(|(k, _)| keys.contains(k)).collect();
            let result = guard.evaluate(&partial, &scope, noon_2024_06_01(), &shanghai());
            if let GuardResult::Unset { field } = &result {
                prop_assert!(guard.fields().contains(field) || field.starts_with("siblings."),
                    "{source}: {field} not in {:?}", guard.fields());
                prop_assert!(!partial.contains_key(field), "{source}: {field} is set");
            }
        }
    }

    #[test]
    fn compile_and_evaluate_never_panic_on_arbitrary_strings(source in ".{0,80}") {
        check_never_panics(&source);
    }

    #[test]
    fn compile_and_evaluate_never_panic_on_token_soup(
        tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..24)
    ) {
        check_never_panics(&tokens.concat());
        check_never_panics(&tokens.join(" "));
    }

    #[test]
    fn evaluate_never_panics_on_arbitrary_data(
        birth in ".{0,12}",
        number in any::<i64>(),
        at in any::<i64>(),
    ) {
        let f = Fixture::new();
        let d = data(&[
            ("child.birth_date", json!(birth)),
            ("team.size", json!(number)),
            ("decision_at", json!(birth)),
            ("siblings", json!([{"birth_date": birth}, 3])),
        ]);
        let now = jiff::Timestamp::from_second(at % 253_402_300_799).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        for source in [
            "age(child.birth_date, now) < 18",
            "criminal_age(child.birth_date, now) < 18",
            "team.size * 2 > team.size",
            "decision_at < now",
            "siblings.all(s, age(s.birth_date, now) < 18)",
            "days_between(child.birth_date, today(now)) > 0",
        ] {
            let _ = f.eval_at(source, &d, now);
        }
    }
}
