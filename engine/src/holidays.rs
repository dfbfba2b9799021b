//! The holiday calendar file (`calendars/china.yaml`): public holidays and make-up working days
//! per year, and the time zone deadlines are counted in. The format is documented in the file.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::definition::{Diagnostics, Problem, ProblemKind};
use crate::period::Calendar;
use crate::suggest::closest;
use crate::yaml::{self, Limits, Node};

/// The calendar wardflow ships, compiled in so a fresh machine needs no file.
pub const BUILTIN: &str = include_str!("../../calendars/china.yaml");

/// A loaded calendar file.
#[derive(Debug, Clone)]
pub struct CalendarFile {
    pub calendar: Calendar,
    pub time_zone: TimeZone,
}

struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn report(&mut self, node: &Node, path: &str, kind: ProblemKind) {
        self.problems.push(Problem {
            pos: Some(node.pos),
            path: path.to_owned(),
            kind,
        });
    }

    fn date(&mut self, node: &Node, text: &str, path: &str) -> Option<Date> {
        match text.trim().parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                self.report(
                    node,
                    path,
                    ProblemKind::BadValue {
                        field: path.to_owned(),
                        expected: crate::definition::FieldType::Date,
                    },
                );
                None
            }
        }
    }

    /// A list of dates, each a single day or a range `FIRST..LAST`.
    fn days(&mut self, node: &Node, path: &str) -> Vec<Date> {
        let Some(items) = node.as_seq() else {
            self.report(
                node,
                path,
                ProblemKind::WrongType {
                    expected: "list",
                    found: node.type_name(),
                },
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let text = item
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| item.to_json().to_string());
            match text.split_once("..") {
                Some((first, last)) => {
                    if let (Some(first), Some(last)) =
                        (self.date(item, first, &p), self.date(item, last, &p))
                    {
                        let mut day = first;
                        while day <= last && out.len() < 1000 {
                            out.push(day);
                            match day.tomorrow() {
                                Ok(next) => day = next,
                                Err(_) => break,
                            }
                        }
                    }
                }
                None => out.extend(self.date(item, &text, &p)),
            }
        }
        out
    }
}

/// Loads a calendar file. Every problem is reported with its position.
pub fn load(file: &str, source: &[u8]) -> Result<CalendarFile, Diagnostics> {
    let fail = |problems| Diagnostics {
        file: file.to_owned(),
        workflow: None,
        problems,
    };
    let root = yaml::parse(source, Limits::default()).map_err(|e| {
        fail(vec![Problem {
            pos: e.pos,
            path: String::new(),
            kind: ProblemKind::Yaml(e.kind),
        }])
    })?;
    let mut r = Reader {
        problems: Vec::new(),
    };
    let mut calendar = Calendar::empty();
    let mut time_zone = crate::period::shanghai();
    const TOP: [&str; 3] = ["calendar", "time_zone", "years"];
    for (key, value) in root.as_map().unwrap_or_default() {
        let name = key.as_str().unwrap_or_default();
        match name {
            "calendar" => {}
            "time_zone" => match value.as_str().map(crate::period::named_zone) {
                Some(Ok(tz)) => time_zone = tz,
                _ => r.report(
                    value,
                    name,
                    ProblemKind::WrongType {
                        expected: "a time zone such as Asia/Shanghai",
                        found: value.type_name(),
                    },
                ),
            },
            "years" => {
                for (year_node, spec) in value.as_map().unwrap_or_default() {
                    let year = year_node.as_i64().and_then(|y| i16::try_from(y).ok());
                    let Some(year) = year.filter(|y| (1900..=2200).contains(y)) else {
                        r.report(
                            year_node,
                            "years",
                            ProblemKind::WrongType {
                                expected: "a year such as 2026",
                                found: year_node.type_name(),
                            },
                        );
                        continue;
                    };
                    let path = format!("years.{year}");
                    let mut holidays = Vec::new();
                    let mut workdays = Vec::new();
                    for (k, v) in spec.as_map().unwrap_or_default() {
                        match k.as_str().unwrap_or_default() {
                            "holidays" => holidays = r.days(v, &format!("{path}.holidays")),
                            "workdays" => workdays = r.days(v, &format!("{path}.workdays")),
                            "source" => {}
                            other => r.report(
                                k,
                                &path,
                                ProblemKind::UnknownKey {
                                    key: other.to_owned(),
                                    allowed: vec!["source", "holidays", "workdays"],
                                    suggestion: closest(other, ["source", "holidays", "workdays"]),
                                },
                            ),
                        }
                    }
                    for day in holidays.iter().chain(&workdays) {
                        if day.year() != year {
                            r.report(
                                spec,
                                &path,
                                ProblemKind::BadValue {
                                    field: format!("{path}: {day}"),
                                    expected: crate::definition::FieldType::Date,
                                },
                            );
                        }
                    }
                    calendar = calendar.with_year(year, &holidays, &workdays);
                }
            }
            other => r.report(
                key,
                "",
                ProblemKind::UnknownKey {
                    key: other.to_owned(),
                    allowed: TOP.to_vec(),
                    suggestion: closest(other, TOP),
                },
            ),
        }
    }
    if r.problems.is_empty() {
        Ok(CalendarFile {
            calendar,
            time_zone,
        })
    } else {
        Err(fail(r.problems))
    }
}

/// The shipped calendar.
pub fn builtin() -> CalendarFile {
    // The shipped file is checked by a test; should it ever fail, weekends alone still count.
    load("calendars/china.yaml", BUILTIN.as_bytes()).unwrap_or_else(|_| CalendarFile {
        calendar: Calendar::empty(),
        time_zone: crate::period::shanghai(),
    })
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
    fn bad_dates_and_keys_are_reported_with_positions() {
        let src = "years:\n  2027:\n    holidays: [2027-02-30, 2026-01-01]\n    workday: []\n";
        let err = load("bad.yaml", src.as_bytes()).expect_err("rejected");
        let lines: Vec<u32> = err
            .problems
            .iter()
            .filter_map(|p| p.pos.map(|p| p.line))
            .collect();
        assert_eq!(lines, vec![3, 4, 3], "{:?}", err.problems);
    }
}
