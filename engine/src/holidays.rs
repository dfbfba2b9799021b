//! The holiday calendar file (`calendars/china.yaml`): public holidays and make-up working days
//! per year, and the time zone deadlines are counted in. The format is documented in the file.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::definition::{Diagnostics, FieldType, ProblemKind};
use crate::period::Calendar;
use crate::reader::{self, Reader, join};
use crate::yaml::{Node, NodeKind};

/// The calendar wardflow ships, compiled in so a fresh machine needs no file.
pub const BUILTIN: &str = include_str!("../../calendars/china.yaml");

/// A loaded calendar file.
#[derive(Debug, Clone)]
pub struct CalendarFile {
    pub calendar: Calendar,
    pub time_zone: TimeZone,
}

const TOP_KEYS: &[&str] = &["calendar", "time_zone", "years"];
const YEAR_KEYS: &[&str] = &["source", "holidays", "workdays"];

fn date(r: &mut Reader, node: &Node, text: &str, path: &str) -> Option<Date> {
    let date = text.trim().parse::<Date>().ok();
    if date.is_none() {
        r.problem(
            node.pos,
            path,
            ProblemKind::BadValue {
                field: path.to_owned(),
                expected: FieldType::Date,
            },
        );
    }
    date
}

/// A list of dates, each a single day or a range `FIRST..LAST`; an entry with a day outside
/// `year` is reported where it is written.
fn days(r: &mut Reader, node: &Node, path: &str, year: i16) -> Vec<Date> {
    let mut out = Vec::new();
    for (i, item) in r.seq(node, path).iter().enumerate() {
        let p = format!("{path}[{i}]");
        let text = item
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| item.to_json().to_string());
        let before = out.len();
        match text.split_once("..") {
            Some((first, last)) => {
                if let (Some(first), Some(last)) =
                    (date(r, item, first, &p), date(r, item, last, &p))
                {
                    let mut day = first;
                    // bounded, so that a range over centuries costs nothing
                    while day <= last && out.len() < 1000 {
                        out.push(day);
                        match day.tomorrow() {
                            Ok(next) => day = next,
                            Err(_) => break,
                        }
                    }
                }
            }
            None => out.extend(date(r, item, &text, &p)),
        }
        if let Some(day) = out[before..].iter().find(|d| d.year() != year) {
            r.problem(
                item.pos,
                &p,
                ProblemKind::DayOutsideYear {
                    day: day.to_string(),
                    year,
                },
            );
        }
    }
    out
}

/// Loads a calendar file. Every problem is reported with its position.
pub fn load(file: &str, source: &[u8]) -> Result<CalendarFile, Diagnostics> {
    let root = reader::parse(file, source)?;
    let mut r = Reader::default();
    let mut calendar = Calendar::empty();
    let mut time_zone = crate::period::shanghai();
    if matches!(root.kind, NodeKind::Null) {
        r.wrong_type(&root, "", "mapping");
    }
    for (key, value) in r.entries(&root, "", Some(TOP_KEYS)) {
        match key {
            "time_zone" => match value.as_str().map(crate::period::named_zone) {
                Some(Ok(tz)) => time_zone = tz,
                _ => r.wrong_type(value, key, "a time zone such as Asia/Shanghai"),
            },
            "years" => {
                let Some(years) = value.as_map() else {
                    r.wrong_type(value, key, "mapping");
                    continue;
                };
                for (year_node, spec) in years {
                    let year = year_node.as_i64().and_then(|y| i16::try_from(y).ok());
                    let Some(year) = year.filter(|y| (1900..=2200).contains(y)) else {
                        r.wrong_type(year_node, key, "a year such as 2026");
                        continue;
                    };
                    let path = format!("years.{year}");
                    let mut holidays = Vec::new();
                    let mut workdays = Vec::new();
                    let mut workdays_node = None;
                    for (k, v) in r.entries(spec, &path, Some(YEAR_KEYS)) {
                        match k {
                            "holidays" => holidays = days(&mut r, v, &join(&path, k), year),
                            "workdays" => {
                                workdays = days(&mut r, v, &join(&path, k), year);
                                workdays_node = Some(v);
                            }
                            _ => {}
                        }
                    }
                    // A day cannot be both off and a working day: the data contradict each other.
                    if let Some(node) = workdays_node
                        && let Some(day) = workdays.iter().find(|d| holidays.contains(d))
                    {
                        r.problem(
                            node.pos,
                            &join(&path, "workdays"),
                            ProblemKind::DayRestAndWork {
                                day: day.to_string(),
                            },
                        );
                    }
                    calendar = calendar.with_year(year, &holidays, &workdays);
                }
            }
            _ => {}
        }
    }
    r.finish(
        file,
        CalendarFile {
            calendar,
            time_zone,
        },
    )
}

/// The shipped calendar. Its days are read from the file the first time one is asked about:
/// parsing it is 5 % of a cold `case show`, which counts no period (docs/performance.md). The
/// time zone is the file's, which a test checks.
pub fn builtin() -> CalendarFile {
    CalendarFile {
        calendar: Calendar::on_first_use(builtin_days),
        time_zone: crate::period::shanghai(),
    }
}

/// The shipped file's days.
fn builtin_days() -> Calendar {
    // The shipped file is checked by a test; should it ever fail, weekends alone still count.
    load("calendars/china.yaml", BUILTIN.as_bytes())
        .map(|file| file.calendar)
        .unwrap_or_else(|_| Calendar::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calendar_loads_and_covers_2025_and_2026() {
        let file = load("china.yaml", BUILTIN.as_bytes()).expect("shipped calendar loads");
        assert!(file.calendar.covers(2025) && file.calendar.covers(2026));
        assert!(!file.calendar.covers(2027));
        assert_eq!(file.calendar, crate::period::china_2025_2026());
    }

    /// `builtin` reads the days only when asked, and gives the time zone without reading.
    #[test]
    fn the_builtin_calendar_is_the_shipped_file_read_on_first_use() {
        let file = load("china.yaml", BUILTIN.as_bytes()).expect("shipped calendar loads");
        let builtin = builtin();
        assert_eq!(builtin.time_zone, file.time_zone);
        assert_eq!(builtin.calendar, file.calendar);
        assert_eq!(
            format!("{:?}", builtin.calendar),
            format!("{:?}", file.calendar)
        );
        let copy = builtin.calendar.clone().with_year(2027, &[], &[]);
        assert!(copy.covers(2026) && copy.covers(2027));
        assert!(!builtin.calendar.covers(2027));
    }

    #[test]
    fn spring_festival_2026_is_off_and_its_makeup_saturday_is_on() {
        let cal = builtin().calendar;
        assert!(!cal.is_working_day(jiff::civil::date(2026, 2, 17)));
        assert!(cal.is_working_day(jiff::civil::date(2026, 2, 14)));
        assert!(cal.is_working_day(jiff::civil::date(2026, 2, 24)));
    }

    #[test]
    fn a_county_can_add_a_local_holiday_and_a_year() {
        let src = "calendar: county\ntime_zone: Asia/Shanghai\nyears:\n  2027:\n    holidays: [2027-03-03]\n    workdays: []\n";
        let file = load("county.yaml", src.as_bytes()).expect("loads");
        assert!(file.calendar.covers(2027));
        assert!(!file.calendar.is_working_day(jiff::civil::date(2027, 3, 3)));
    }

    #[test]
    fn a_day_both_off_and_worked_is_refused() {
        let src =
            "years:\n  2027:\n    holidays: [2027-02-06..2027-02-12]\n    workdays: [2027-02-07]\n";
        let err = load("bad.yaml", src.as_bytes()).expect_err("rejected");
        assert!(matches!(
            &err.problems[0].kind,
            ProblemKind::DayRestAndWork { day } if day == "2027-02-07"
        ));
    }

    #[test]
    fn bad_dates_and_keys_are_reported_with_positions() {
        let src = "years:\n  2027:\n    holidays: [2027-02-30, 2026-01-01]\n    workday: []\n";
        let err = load("bad.yaml", src.as_bytes()).expect_err("rejected");
        let lines: Vec<u32> = err
            .problems
            .iter()
            .filter_map(|p| p.pos.map(|p| p.line))
            .collect();
        assert_eq!(lines, vec![3, 3, 4], "{:?}", err.problems);
    }
}
