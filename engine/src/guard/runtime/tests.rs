use crate::definition::Data;
use crate::guard::fixture::*;
use crate::guard::{Guard, GuardProblem, GuardResult};
use jiff::tz::TimeZone;
use serde_json::json;

#[test]
fn qualified_carer_of_a_minor_passes_guard() {
    let f = Fixture::new();
    let guard = "!carer.disqualified && age(child.birth_date, now) < 18";
    assert_eq!(f.eval(guard, &full_data()), GuardResult::Pass);
}

#[test]
fn disqualified_carer_fails_guard() {
    let f = Fixture::new();
    let mut d = full_data();
    d.insert("carer.disqualified".into(), json!(true));
    let guard = "!carer.disqualified && age(child.birth_date, now) < 18";
    assert_eq!(f.eval(guard, &d), GuardResult::Fail);
}

#[test]
fn enum_ground_alternatives() {
    let f = Fixture::new();
    let guard = r#"ground == "street_child" || ground == "guardian_missing""#;
    assert_eq!(f.eval(guard, &full_data()), GuardResult::Pass);
    let mut d = full_data();
    d.insert("ground".into(), json!("guardian_deceased"));
    assert_eq!(f.eval(guard, &d), GuardResult::Fail);
    let in_list = r#"ground in ["street_child", "guardian_missing"]"#;
    assert_eq!(f.eval(in_list, &full_data()), GuardResult::Pass);
}

#[test]
fn unset_field_names_the_field() {
    let f = Fixture::new();
    let mut d = full_data();
    d.remove("carer.name");
    assert_eq!(
        f.eval(r#"carer.name != """#, &d),
        GuardResult::Unset {
            field: "carer.name".into()
        }
    );
    // a top-level field
    d.remove("ground");
    assert_eq!(
        f.eval(r#"ground == "street_child""#, &d),
        GuardResult::Unset {
            field: "ground".into()
        }
    );
    // a field whose whole prefix is unset
    let empty = Data::new();
    assert_eq!(
        f.eval("!carer.disqualified", &empty),
        GuardResult::Unset {
            field: "carer.disqualified".into()
        }
    );
    assert_eq!(
        f.eval("size(siblings) > 0", &empty),
        GuardResult::Unset {
            field: "siblings".into()
        }
    );
    // a nested prefix
    assert_eq!(
        f.eval(r#"child.address.city == "Beijing""#, &empty),
        GuardResult::Unset {
            field: "child.address.city".into()
        }
    );
}

#[test]
fn null_value_counts_as_unset() {
    let f = Fixture::new();
    let mut d = full_data();
    d.insert("carer.name".into(), serde_json::Value::Null);
    assert_eq!(
        f.eval(r#"carer.name != """#, &d),
        GuardResult::Unset {
            field: "carer.name".into()
        }
    );
}

#[test]
fn unset_field_tells_apart_fields_sharing_a_last_segment() {
    let f = Fixture::new();
    let d = data(&[("carer.name", json!("王芳"))]);
    assert_eq!(
        f.eval(r#"carer.name != "" && child.name != """#, &d),
        GuardResult::Unset {
            field: "child.name".into()
        }
    );
}

#[test]
fn has_on_unset_field_is_false_not_unset() {
    let f = Fixture::new();
    let guard = r#"has(carer.name) && carer.name != """#;
    // carer absent entirely
    assert_eq!(f.eval(guard, &Data::new()), GuardResult::Fail);
    // carer partly set
    let d = data(&[("carer.disqualified", json!(false))]);
    assert_eq!(f.eval(guard, &d), GuardResult::Fail);
    assert_eq!(f.eval(guard, &full_data()), GuardResult::Pass);
    // a nested prefix under has(): true when a field under it is set
    assert_eq!(
        f.eval("has(child.address)", &Data::new()),
        GuardResult::Fail
    );
    assert_eq!(
        f.eval("!has(child.address.city)", &Data::new()),
        GuardResult::Pass
    );
    let d = data(&[("child.address.city", json!("Lhasa"))]);
    assert_eq!(
        f.eval("has(child.address) && has(child.address.city)", &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval(r#"child.address.city == "Lhasa""#, &d),
        GuardResult::Pass
    );
}

#[test]
fn add_period_counts_calendar_months_and_keeps_dates_dates() {
    let f = Fixture::new();
    // 2024-01-31 + 1 month = 2024-02-29 (leap year, month end clamps).
    let d = data(&[
        ("visit.date", json!("2024-01-31")),
        ("decision_at", json!("2023-12-01T08:00:00+08:00")),
    ]);
    assert_eq!(
        f.eval(r#"add_period(visit.date, "1 month") == "2024-02-29""#, &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval(r#"add_period(visit.date, "1 year") == "2025-01-31""#, &d),
        GuardResult::Pass
    );
    // 2023-12-01 08:00 + 6 months = 2024-06-01 08:00, before noon on 2024-06-01.
    assert_eq!(
        f.eval(r#"now >= add_period(decision_at, "6 months")"#, &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval(r#"now >= add_period(decision_at, "7 months")"#, &d),
        GuardResult::Fail
    );
    // A setting that is a duration works too (72h).
    assert_eq!(
        f.eval("now >= add_period(decision_at, settings.appeal_window)", &d),
        GuardResult::Pass
    );
}

#[test]
fn add_period_is_type_checked() {
    let f = Fixture::new();
    assert!(matches!(
        f.problems(r#"add_period(min_team_size, "1 month") == "x""#)
            .as_slice(),
        [GuardProblem::TypeMismatch { .. }, ..] | [GuardProblem::UnknownField { .. }, ..]
    ));
    assert!(matches!(
        f.problems(r#"add_period(visit.date, "1 month") == 3"#)
            .as_slice(),
        [GuardProblem::TypeMismatch { .. }, ..]
    ));
}

#[test]
fn only_fields_read_outside_has_are_listed() {
    let f = Fixture::new();
    let guard = f.compile(r#"has(carer.name) && ground == "street_child" && size(siblings) > 0"#);
    assert_eq!(guard.fields(), ["ground", "siblings"]);
    let guard = f.compile("has(carer.name) && carer.name != ''");
    assert_eq!(guard.fields(), ["carer.name"]);
}

#[test]
fn decided_guard_ignores_unset_field_on_other_side() {
    let f = Fixture::new();
    let d = data(&[("ground", json!("street_child"))]);
    assert_eq!(
        f.eval(r#"ground == "street_child" || carer.disqualified"#, &d),
        GuardResult::Pass
    );
    // CEL's commutative logic: an error on the left is absorbed by a true right side
    assert_eq!(
        f.eval(r#"carer.disqualified || ground == "street_child""#, &d),
        GuardResult::Pass
    );
}

#[test]
fn records_subfields_in_comprehension() {
    let f = Fixture::new();
    let d = full_data();
    assert_eq!(f.eval("size(siblings) > 0", &d), GuardResult::Pass);
    // 小刚 was born 2008-07-01: 15 on 2024-06-01
    assert_eq!(
        f.eval("siblings.all(s, age(s.birth_date, now) < 18)", &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval("siblings.all(s, age(s.birth_date, now) < 15)", &d),
        GuardResult::Fail
    );
    assert_eq!(
        f.eval(
            r#"siblings.exists(s, s.relation == "sister" && s.name == "小红")"#,
            &d
        ),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval(
            r#"siblings.filter(s, s.relation == "brother").size() == 1"#,
            &d
        ),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval(
            r#"siblings.map(s, s.name).exists(n, n.startsWith("小"))"#,
            &d
        ),
        GuardResult::Pass
    );
}

#[test]
fn record_missing_subfield_is_unset_unless_tested() {
    let f = Fixture::new();
    let d = data(&[("siblings", json!([{"name": "小红"}]))]);
    assert_eq!(
        f.eval("siblings.all(s, age(s.birth_date, now) < 18)", &d),
        GuardResult::Unset {
            field: "siblings.birth_date".into()
        }
    );
    assert_eq!(
        f.eval(
            "siblings.all(s, !has(s.birth_date) || age(s.birth_date, now) < 18)",
            &d
        ),
        GuardResult::Pass
    );
}

#[test]
fn datetimes_compare_with_now_and_dates_with_today() {
    let f = Fixture::new();
    let d = full_data();
    assert_eq!(f.eval("decision_at < now", &d), GuardResult::Pass);
    assert_eq!(f.eval("visit.date <= today(now)", &d), GuardResult::Pass);
    assert_eq!(f.eval("visit.date > today(now)", &d), GuardResult::Fail);
    assert_eq!(
        f.eval(r#"today(now) == "2024-06-01""#, &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval(r#"child.birth_date < "2011-01-01""#, &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval(r#"now - decision_at > duration("720h")"#, &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval("days_between(visit.date, today(now)) == 12", &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval("days_between(today(now), visit.date) == -12", &d),
        GuardResult::Pass
    );
}

#[test]
fn today_is_the_calendar_day_in_the_time_zone() {
    let f = Fixture::new();
    // 2024-05-31T20:00:00Z is already 1 June in Shanghai
    let now: jiff::Timestamp = "2024-05-31T20:00:00Z".parse().unwrap();
    let guard = f.compile(r#"today(now) == "2024-06-01""#);
    let scope = f.scope();
    assert_eq!(
        guard.evaluate(&Data::new(), &scope, now, &shanghai()),
        GuardResult::Pass
    );
    assert_eq!(
        guard.evaluate(&Data::new(), &scope, now, &TimeZone::UTC),
        GuardResult::Fail
    );
    // datetime fields are expressed in the zone too
    let d = data(&[("decision_at", json!("2024-05-31T23:00:00Z"))]);
    let guard = f.compile(r#"today(decision_at) == "2024-06-01""#);
    assert_eq!(
        guard.evaluate(&d, &scope, now, &shanghai()),
        GuardResult::Pass
    );
}

#[test]
fn settings_are_available() {
    let f = Fixture::new();
    let d = full_data();
    assert_eq!(
        f.eval("settings.min_team_size <= team.size", &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval("now - decision_at > settings.appeal_window", &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval("now - decision_at < settings.review_period", &d),
        GuardResult::Fail
    );
    assert_eq!(
        f.eval(r#"settings.office == "Beijing""#, &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval("visit.date >= settings.policy_start", &d),
        GuardResult::Pass
    );
}

#[test]
fn non_boolean_result_at_runtime_is_an_error() {
    let f = Fixture::new();
    // `dyn`-typed at compile time, a string at runtime
    let guard = f.compile(r#"{"a": 1}["a"]"#);
    let result = guard.evaluate(&full_data(), &f.scope(), noon_2024_06_01(), &shanghai());
    assert!(matches!(result, GuardResult::Error { .. }), "{result:?}");
}

#[test]
fn runtime_error_is_reported() {
    let f = Fixture::new();
    let result = f.eval("team.size / 0 == 1", &full_data());
    assert!(matches!(result, GuardResult::Error { .. }), "{result:?}");
}

#[test]
fn malformed_value_is_an_error_only_when_used() {
    let f = Fixture::new();
    let mut d = full_data();
    d.insert("visit.date".into(), json!("20 May 2024"));
    let result = f.eval("visit.date <= today(now)", &d);
    assert!(matches!(result, GuardResult::Error { .. }), "{result:?}");
    assert_eq!(f.eval("team.size > 1", &d), GuardResult::Pass);
}

#[test]
fn guard_is_reusable_and_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Guard>();
    let f = Fixture::new();
    let guard = f.compile("age(child.birth_date, now) >= 14");
    let scope = f.scope();
    let d = full_data();
    // 2010-03-15: 14 from 2024-03-15
    let before: jiff::Timestamp = "2024-03-14T04:00:00Z".parse().unwrap();
    let on: jiff::Timestamp = "2024-03-15T04:00:00Z".parse().unwrap();
    for _ in 0..3 {
        assert_eq!(
            guard.evaluate(&d, &scope, before, &shanghai()),
            GuardResult::Fail
        );
        assert_eq!(
            guard.evaluate(&d, &scope, on, &shanghai()),
            GuardResult::Pass
        );
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            assert_eq!(
                guard.evaluate(&d, &scope, on, &shanghai()),
                GuardResult::Pass
            );
        });
    });
}
