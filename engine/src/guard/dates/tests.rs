use super::*;
use crate::guard::GuardResult;
use crate::guard::fixture::*;
use jiff::civil::date;
use serde_json::json;

#[test]
fn age_is_civil_zhousui_on_birthday() {
    let birth = date(2006, 6, 1);
    assert_eq!(age_on(birth, date(2024, 5, 31)), 17);
    assert_eq!(age_on(birth, date(2024, 6, 1)), 18);
    assert_eq!(age_on(birth, date(2024, 6, 2)), 18);
    assert_eq!(age_on(birth, birth), 0);
    assert_eq!(age_on(birth, date(2006, 5, 31)), -1);
    let f = Fixture::new();
    let d = data(&[("child.birth_date", json!("2006-06-01"))]);
    assert_eq!(
        f.eval("age(child.birth_date, now) == 18", &d),
        GuardResult::Pass
    );
    assert_eq!(
        f.eval(r#"age(child.birth_date, "2024-05-31") == 17"#, &d),
        GuardResult::Pass
    );
}

#[test]
fn criminal_age_counts_from_day_after_birthday() {
    let birth = date(2010, 6, 1);
    assert_eq!(criminal_age_on(birth, date(2024, 5, 31)), 13);
    assert_eq!(criminal_age_on(birth, date(2024, 6, 1)), 13);
    assert_eq!(criminal_age_on(birth, date(2024, 6, 2)), 14);
    assert_eq!(criminal_age_on(birth, birth), 0);
    let f = Fixture::new();
    let d = data(&[("child.birth_date", json!("2010-06-01"))]);
    assert_eq!(
        f.eval(
            "criminal_age(child.birth_date, now) == 13 && age(child.birth_date, now) == 14",
            &d
        ),
        GuardResult::Pass
    );
}

#[test]
fn feb_29_birthday_in_non_leap_year() {
    let birth = date(2008, 2, 29);
    // civil: a year older on 1 March in a common year
    assert_eq!(age_on(birth, date(2025, 2, 28)), 16);
    assert_eq!(age_on(birth, date(2025, 3, 1)), 17);
    // and on 29 February in a leap year
    assert_eq!(age_on(birth, date(2024, 2, 28)), 15);
    assert_eq!(age_on(birth, date(2024, 2, 29)), 16);
    // criminal: from the day after that birthday
    assert_eq!(criminal_age_on(birth, date(2025, 3, 1)), 16);
    assert_eq!(criminal_age_on(birth, date(2025, 3, 2)), 17);
    assert_eq!(criminal_age_on(birth, date(2024, 2, 29)), 15);
    assert_eq!(criminal_age_on(birth, date(2024, 3, 1)), 16);
}

#[test]
fn ages_are_monotonic_and_criminal_age_lags_by_one_day() {
    let births = [
        date(2000, 1, 1),
        date(2004, 2, 29),
        date(2011, 12, 31),
        date(2012, 3, 1),
    ];
    for birth in births {
        let mut day = birth;
        let mut previous = 0;
        for _ in 0..(366 * 20) {
            let age = age_on(birth, day);
            assert!(age == previous || age == previous + 1, "{birth} {day}");
            let next = day.tomorrow().unwrap();
            assert_eq!(criminal_age_on(birth, next), age, "{birth} {next}");
            previous = age;
            day = next;
        }
        assert!(previous >= 19, "{birth}");
    }
}
