//! Legal periods (`within: 3d`, `within: 5 working days`, `every: 7d`) and
//! the statutory rules for when they end.
//!
//! Counting follows Civil Code arts. 201–203, which the procedure laws
//! repeat: hours run from the moment; for days, weeks, months and years the
//! start day is not counted and the period ends at 24:00 of its last day;
//! a last day that falls on a statutory rest day moves to the next working
//! day. Working-day periods skip weekends and holidays and count make-up
//! working days (调休).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::{self, TimeZone};
use jiff::{SignedDuration, Span, Timestamp};
use serde::{Deserialize, Serialize};

/// A legal period as written in a workflow, such as `24h`, `3d` or
/// `5 working days`.
///
/// Parse with [`Period::parse`] (or `str::parse`); [`Display`](fmt::Display)
/// prints the canonical form, which parses back to the same value. Serde
/// reads and writes that same string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    /// Runs from the starting moment, to the second.
    Hours(u32),
    /// Calendar days after the start day.
    Days(u32),
    /// Seven calendar days each, counted like [`Period::Days`].
    Weeks(u32),
    /// Ends on the corresponding day of the target month (or its last day).
    Months(u32),
    /// Ends on the corresponding day of the target year (or the month's last
    /// day, for 29 February).
    Years(u32),
    /// Working days after the start day, per the holiday [`Calendar`].
    WorkingDays(u32),
}

/// Why a period string was rejected.
///
/// The `Display` text is an English sentence for logs and developers; the
/// binary builds user-facing (localized) messages from the variant itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The text was empty or only whitespace.
    #[error("the period is empty; write a whole number followed by a unit, {EXAMPLES}")]
    Empty,
    /// The leading number is not a plain positive integer (sign, decimal
    /// point, separators, words, or too many digits to represent).
    #[error(
        "`{text}` is not a usable count; a period starts with a positive whole number \
         (no sign, decimals or separators) followed by a unit, {EXAMPLES}"
    )]
    BadNumber {
        /// The offending number text as written.
        text: String,
    },
    /// The unit after the number is missing or not one we know.
    #[error("{}", unknown_unit_message(.unit))]
    UnknownUnit {
        /// The unit as written, after trimming; empty when it was missing.
        unit: String,
    },
    /// The number is zero or larger than this unit allows.
    #[error(
        "{value} is out of range for this unit; use a whole number from 1 to {max}, {EXAMPLES}"
    )]
    OutOfRange {
        /// The number as written.
        value: u64,
        /// The largest number this unit accepts.
        max: u32,
    },
}

const EXAMPLES: &str = "e.g. `24h`, `3d`, `2w`, `1 month`, `1 year`, `5 working days` \
                        (or `24小时`, `3日`, `1个月`, `1年`, `5个工作日`)";

fn unknown_unit_message(unit: &str) -> String {
    if unit.is_empty() {
        format!("the period has a number but no unit; add one, {EXAMPLES}")
    } else {
        format!(
            "`{unit}` is not a known unit; use h, d, w, month(s), year(s) or working day(s), \
             {EXAMPLES}"
        )
    }
}

/// The moment a period ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Due {
    /// The instant the period expires (24:00 of the last day, i.e. the start
    /// of the following local day, for day-based periods).
    pub at: Timestamp,
    /// True when the result depends on working-day status for a year the
    /// calendar has no data for (weekdays alone were assumed there), or when
    /// the end lies beyond the representable range and was clamped.
    pub provisional: bool,
}

/// Which unit a spelling names; kept separate from [`Period`] so the table
/// below can be a `const`.
#[derive(Clone, Copy)]
enum Unit {
    Hours,
    Days,
    Weeks,
    Months,
    Years,
    WorkingDays,
}

// Bare `m` is left out on purpose: it reads as minutes as readily as months.
// Bare `月` is left out too: `6月` means "June" far more often than "six months".
const UNIT_SPELLINGS: &[(&str, Unit)] = &[
    ("h", Unit::Hours),
    ("hr", Unit::Hours),
    ("hrs", Unit::Hours),
    ("hour", Unit::Hours),
    ("hours", Unit::Hours),
    ("小时", Unit::Hours),
    ("个小时", Unit::Hours),
    ("d", Unit::Days),
    ("day", Unit::Days),
    ("days", Unit::Days),
    ("日", Unit::Days),
    ("天", Unit::Days),
    ("w", Unit::Weeks),
    ("wk", Unit::Weeks),
    ("wks", Unit::Weeks),
    ("week", Unit::Weeks),
    ("weeks", Unit::Weeks),
    ("周", Unit::Weeks),
    ("星期", Unit::Weeks),
    ("个星期", Unit::Weeks),
    ("mo", Unit::Months),
    ("mos", Unit::Months),
    ("month", Unit::Months),
    ("months", Unit::Months),
    ("个月", Unit::Months),
    ("y", Unit::Years),
    ("yr", Unit::Years),
    ("yrs", Unit::Years),
    ("year", Unit::Years),
    ("years", Unit::Years),
    ("年", Unit::Years),
    ("wd", Unit::WorkingDays),
    ("working day", Unit::WorkingDays),
    ("working days", Unit::WorkingDays),
    ("working-day", Unit::WorkingDays),
    ("working-days", Unit::WorkingDays),
    ("workday", Unit::WorkingDays),
    ("workdays", Unit::WorkingDays),
    ("工作日", Unit::WorkingDays),
    ("个工作日", Unit::WorkingDays),
];

impl Unit {
    // Limits keep every computation far inside jiff's range (year 9999) and
    // the working-day walk short; hours and days follow the workflow spec,
    // the rest allow roughly a century, beyond any guardianship deadline.
    const fn max(self) -> u32 {
        match self {
            Unit::Hours | Unit::Days => 100_000,
            Unit::Weeks => 5_200,
            Unit::Months => 1_200,
            Unit::Years => 100,
            Unit::WorkingDays => 25_000,
        }
    }

    const fn with(self, n: u32) -> Period {
        match self {
            Unit::Hours => Period::Hours(n),
            Unit::Days => Period::Days(n),
            Unit::Weeks => Period::Weeks(n),
            Unit::Months => Period::Months(n),
            Unit::Years => Period::Years(n),
            Unit::WorkingDays => Period::WorkingDays(n),
        }
    }
}

/// ASCII or full-width digit value; full-width digits are what Chinese
/// input methods produce by default, so `３天` should work like `3天`.
fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Characters that belong to a (possibly malformed) number, so that `-3d` or
/// `1.5d` is reported as a bad number rather than an unknown unit `-3d`.
fn is_number_char(c: char) -> bool {
    digit_value(c).is_some() || matches!(c, '+' | '-' | '.' | ',' | '_' | '＋' | '－' | '．' | '，')
}

impl Period {
    /// Parses a period such as `24h`, `3d`, `2w`, `1 month`, `6mo`,
    /// `2 years`, `5 working days`, `5wd`, `24小时`, `3天`, `1个月` or
    /// `5个工作日`. Whitespace between number and unit is optional and case
    /// is ignored.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PeriodError::Empty);
        }
        let split = text
            .char_indices()
            .find(|&(_, c)| !is_number_char(c))
            .map_or(text.len(), |(i, _)| i);
        let (number_text, unit_text) = text.split_at(split);
        if number_text.is_empty() {
            // Point at the first word so `three days` reports `three`.
            let word = text.split_whitespace().next().unwrap_or(text);
            return Err(PeriodError::BadNumber {
                text: word.to_owned(),
            });
        }
        let value = parse_count(number_text).ok_or_else(|| PeriodError::BadNumber {
            text: number_text.to_owned(),
        })?;

        let unit_written = unit_text.trim();
        let unit_key = unit_written
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let unit = UNIT_SPELLINGS
            .iter()
            .find(|(spelling, _)| *spelling == unit_key)
            .map(|&(_, unit)| unit)
            .ok_or_else(|| PeriodError::UnknownUnit {
                unit: unit_written.to_owned(),
            })?;

        let max = unit.max();
        match u32::try_from(value) {
            Ok(n) if (1..=max).contains(&n) => Ok(unit.with(n)),
            _ => Err(PeriodError::OutOfRange { value, max }),
        }
    }

    /// Computes when this period, started at `start`, ends.
    ///
    /// Day-based periods use local dates in `tz` (normally [`shanghai`]) and
    /// working-day status from `calendar`. Recurring deadlines (`every: 7d`)
    /// use the same rule, restarted from the event that logged the previous
    /// occurrence.
    ///
    /// An end beyond jiff's range (year 9999) is clamped to
    /// [`Timestamp::MAX`] and marked provisional; the parse limits keep real
    /// start times far from that.
    pub fn due(&self, start: Timestamp, tz: &TimeZone, calendar: &Calendar) -> Due {
        self.try_due(start, tz, calendar).unwrap_or(Due {
            at: Timestamp::MAX,
            provisional: true,
        })
    }

    /// The corresponding day `self` after `start`, due at its 24:00: a fixed date such as a
    /// coming of age (Civil Code 17), which is a fact on that day and not a period, so the
    /// holiday rule of CC 203 never moves it. Hours run from the moment, as in [`Period::due`].
    pub fn date_after(&self, start: Timestamp, tz: &TimeZone) -> Due {
        self.try_due_with(start, tz, &Calendar::empty(), false)
            .unwrap_or(Due {
                at: Timestamp::MAX,
                provisional: true,
            })
    }

    fn try_due(&self, start: Timestamp, tz: &TimeZone, calendar: &Calendar) -> Option<Due> {
        self.try_due_with(start, tz, calendar, true)
    }

    fn try_due_with(
        &self,
        start: Timestamp,
        tz: &TimeZone,
        calendar: &Calendar,
        extend: bool,
    ) -> Option<Due> {
        let start_day = tz.to_datetime(start).date();
        let mut provisional = false;
        let last_day = match *self {
            Period::Hours(n) => {
                // CC 201(2): hour periods run from the stated moment, so
                // neither midnight nor holidays matter.
                let at = start
                    .checked_add(SignedDuration::from_hours(i64::from(n)))
                    .ok()?;
                return Some(Due {
                    at,
                    provisional: false,
                });
            }
            // CC 201(1): the start day is not counted, so the nth day after
            // it is the last day.
            Period::Days(n) => start_day.checked_add(Span::new().try_days(n).ok()?).ok()?,
            Period::Weeks(n) => start_day.checked_add(Span::new().try_weeks(n).ok()?).ok()?,
            // CC 202: jiff clamps a missing corresponding day to the end of
            // the month, which is exactly the statutory fallback.
            Period::Months(n) => start_day
                .checked_add(Span::new().try_months(n).ok()?)
                .ok()?,
            Period::Years(n) => start_day.checked_add(Span::new().try_years(n).ok()?).ok()?,
            Period::WorkingDays(n) => {
                let mut day = start_day;
                let mut remaining = n;
                while remaining > 0 {
                    day = day.tomorrow().ok()?;
                    if calendar.working_day_checked(day, &mut provisional) {
                        remaining -= 1;
                    }
                }
                day
            }
        };
        // CC 203(1): a last day on a statutory rest day (weekly rest days
        // included) gives way to the first working day after it. Working-day
        // counts already end on one, so this loop is a no-op for them.
        let mut last_day = last_day;
        while extend && !calendar.working_day_checked(last_day, &mut provisional) {
            last_day = last_day.tomorrow().ok()?;
        }
        Some(Due {
            at: end_of_day(last_day, tz)?,
            provisional,
        })
    }
}

/// 24:00 of `day` in `tz`, i.e. the first instant of the next local day.
///
/// jiff's "compatible" disambiguation resolves a midnight gap forward and a
/// midnight fold to its first occurrence, both of which are the day's true
/// first instant in zones that shift clocks at midnight.
fn end_of_day(day: Date, tz: &TimeZone) -> Option<Timestamp> {
    let next = day.tomorrow().ok()?;
    tz.to_timestamp(next.to_datetime(Time::midnight())).ok()
}

/// Parses a plain run of digits; `None` for signs, separators, decimals or
/// values past `u64`.
fn parse_count(text: &str) -> Option<u64> {
    text.chars().try_fold(0u64, |acc, c| {
        let digit = digit_value(c)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn plural(n: u32, one: &str, many: &str) -> String {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        }
        match *self {
            Period::Hours(n) => write!(f, "{n}h"),
            Period::Days(n) => write!(f, "{n}d"),
            Period::Weeks(n) => write!(f, "{n}w"),
            Period::Months(n) => f.write_str(&plural(n, "month", "months")),
            Period::Years(n) => f.write_str(&plural(n, "year", "years")),
            Period::WorkingDays(n) => f.write_str(&plural(n, "working day", "working days")),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

impl TryFrom<&str> for Period {
    type Error = PeriodError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Period::parse(s)
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Period::parse(&s)
    }
}

impl From<Period> for String {
    fn from(p: Period) -> Self {
        p.to_string()
    }
}

/// The `Asia/Shanghai` time zone, falling back to a fixed UTC+08:00 offset
/// if no time zone database can be found.
///
/// The fallback is exact for every date since 1991, when China last observed
/// daylight saving time, so it is safe for live cases.
pub fn shanghai() -> TimeZone {
    static SHANGHAI: OnceLock<TimeZone> = OnceLock::new();
    SHANGHAI
        .get_or_init(|| {
            named_zone("Asia/Shanghai").unwrap_or_else(|_| TimeZone::fixed(tz::offset(8)))
        })
        .clone()
}

/// A named time zone from the database compiled in, else the system's. The compiled-in one
/// first: the system database is found by walking all of /usr/share/zoneinfo, which cost a
/// cold command a millisecond, and the same rules on every machine are what a record wants.
pub fn named_zone(name: &str) -> Result<TimeZone, jiff::Error> {
    jiff::tz::TimeZoneDatabase::bundled()
        .get(name)
        .or_else(|_| TimeZone::get(name))
}

/// Public-holiday data: rest days and make-up working days (调休), per year
/// covered.
///
/// For years the calendar does not cover, only Saturdays and Sundays are
/// rest days, and results that rely on that are marked provisional.
#[derive(Clone, Default)]
pub struct Calendar {
    /// The days, made on first use from `source` when there is one; shared by the clones, so
    /// a copy of the office's calendar does not read the file again.
    days: Arc<OnceLock<Days>>,
    /// Where the days come from when first asked for (the built-in calendar file, whose
    /// parse a command that counts no period would pay for nothing); None: `days` is set.
    source: Option<fn() -> Calendar>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Days {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
    years: BTreeSet<i16>,
}

/// Two calendars are equal when they hold the same days, made or not yet.
impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        self.days() == other.days()
    }
}

impl Eq for Calendar {}

/// Written as the plain struct was, whether made yet or not.
impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let days = self.days();
        f.debug_struct("Calendar")
            .field("holidays", &days.holidays)
            .field("workdays", &days.workdays)
            .field("years", &days.years)
            .finish()
    }
}

impl Calendar {
    /// A calendar that covers no year: weekends are the only rest days and
    /// every working-day judgement is provisional.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The calendar `make` gives, made the first time a day is asked about.
    pub fn on_first_use(make: fn() -> Calendar) -> Self {
        Calendar {
            days: Arc::new(OnceLock::new()),
            source: Some(make),
        }
    }

    fn days(&self) -> &Days {
        self.days.get_or_init(|| match self.source {
            Some(make) => make().days().clone(),
            None => Days::default(),
        })
    }

    /// Adds one year's arrangement: the listed holidays become rest days,
    /// the listed make-up days become working days, and `year` counts as
    /// covered. Data is merged with what is already present, and dates may
    /// lie outside `year` (a notice can move a day in an adjacent year).
    pub fn with_year(self, year: i16, holidays: &[Date], makeup_workdays: &[Date]) -> Self {
        let mut days = self.days().clone();
        days.years.insert(year);
        days.holidays.extend(holidays.iter().copied());
        days.workdays.extend(makeup_workdays.iter().copied());
        Calendar {
            days: Arc::new(OnceLock::from(days)),
            source: None,
        }
    }

    /// The last year the calendar holds an arrangement for (None: no year at all).
    pub fn last_year(&self) -> Option<i16> {
        self.days().years.last().copied()
    }

    /// Whether the calendar holds the State Council arrangement for `year`.
    pub fn covers(&self, year: i16) -> bool {
        self.days().years.contains(&year)
    }

    /// Whether `d` is a working day: a make-up working day, or a weekday
    /// that is not a holiday.
    pub fn is_working_day(&self, d: Date) -> bool {
        let days = self.days();
        // A make-up day wins over a conflicting holiday entry because an
        // earlier deadline is the safer error for case workers.
        if days.workdays.contains(&d) {
            return true;
        }
        if days.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    fn working_day_checked(&self, d: Date, provisional: &mut bool) -> bool {
        if !self.covers(d.year()) {
            *provisional = true;
        }
        self.is_working_day(d)
    }
}

/// One year's arrangement as published by the General Office of the State
/// Council; holiday ranges are inclusive.
struct Arrangement {
    year: i16,
    holidays: &'static [(Date, Date)],
    makeup_workdays: &'static [Date],
}

const fn d(year: i16, month: i8, day: i8) -> Date {
    Date::constant(year, month, day)
}

/// Holiday arrangements:
/// - 2025: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）
/// - 2026: 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）
const CHINA_ARRANGEMENTS: &[Arrangement] = &[
    Arrangement {
        year: 2025,
        holidays: &[
            (d(2025, 1, 1), d(2025, 1, 1)),   // New Year
            (d(2025, 1, 28), d(2025, 2, 4)),  // Spring Festival
            (d(2025, 4, 4), d(2025, 4, 6)),   // Qingming
            (d(2025, 5, 1), d(2025, 5, 5)),   // Labour Day
            (d(2025, 5, 31), d(2025, 6, 2)),  // Dragon Boat
            (d(2025, 10, 1), d(2025, 10, 8)), // National Day + Mid-Autumn
        ],
        makeup_workdays: &[
            d(2025, 1, 26),
            d(2025, 2, 8),
            d(2025, 4, 27),
            d(2025, 9, 28),
            d(2025, 10, 11),
        ],
    },
    Arrangement {
        year: 2026,
        holidays: &[
            (d(2026, 1, 1), d(2026, 1, 3)),   // New Year
            (d(2026, 2, 15), d(2026, 2, 23)), // Spring Festival
            (d(2026, 4, 4), d(2026, 4, 6)),   // Qingming
            (d(2026, 5, 1), d(2026, 5, 5)),   // Labour Day
            (d(2026, 6, 19), d(2026, 6, 21)), // Dragon Boat
            (d(2026, 9, 25), d(2026, 9, 27)), // Mid-Autumn
            (d(2026, 10, 1), d(2026, 10, 7)), // National Day
        ],
        makeup_workdays: &[
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
        ],
    },
];

/// The State Council's published holiday arrangements for 2025 and 2026.
pub fn china_2025_2026() -> Calendar {
    CHINA_ARRANGEMENTS
        .iter()
        .fold(Calendar::empty(), |calendar, arrangement| {
            let mut holidays = Vec::new();
            for &(first, last) in arrangement.holidays {
                holidays.extend(first.series(Span::new().days(1)).take_while(|&x| x <= last));
            }
            calendar.with_year(arrangement.year, &holidays, arrangement.makeup_workdays)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().expect("test timestamp")
    }

    fn p(text: &str) -> Period {
        Period::parse(text).expect("test period")
    }

    fn due_cn(period: &str, start: &str) -> Due {
        p(period).due(ts(start), &shanghai(), &china_2025_2026())
    }

    #[test]
    fn a_fixed_date_is_the_corresponding_day_and_ignores_the_holiday_rule() {
        // Born 3 October 2008: 18 on 3 October 2026, inside the National Day holiday; a
        // period ending there would move to 9 October, a coming of age never does (CC 17).
        let born = ts("2008-10-03T00:00:00+08:00");
        let fixed = p("18 years").date_after(born, &shanghai());
        assert_eq!(fixed.at, ts("2026-10-04T00:00:00+08:00"));
        assert!(!fixed.provisional);
        let period = p("18 years").due(born, &shanghai(), &china_2025_2026());
        assert!(period.at > fixed.at, "{period:?}");
    }

    #[test]
    fn shanghai_is_utc_plus_eight() {
        let tz = shanghai();
        assert_eq!(tz.to_offset(ts("2026-07-01T00:00:00Z")), tz::offset(8));
        assert_eq!(tz.to_offset(ts("2026-01-01T00:00:00Z")), tz::offset(8));
    }

    #[test]
    fn tz_database_has_asia_shanghai() {
        // Guards the `tzdb-bundle-always` decision: the named zone must load
        // even where /usr/share/zoneinfo is absent.
        let tz = TimeZone::get("Asia/Shanghai").expect("tz database");
        assert_eq!(tz.iana_name(), Some("Asia/Shanghai"));
    }

    #[test]
    fn cc_201_start_day_not_counted_three_days_end_at_midnight() {
        // Tue 10 Mar 2026: days 11, 12, 13 → ends 24:00 Fri 13 Mar.
        let due = due_cn("3d", "2026-03-10T15:20:00+08:00");
        assert_eq!(due.at, ts("2026-03-14T00:00:00+08:00"));
        assert!(!due.provisional);
        // Even a start at 00:00 does not count its own day.
        let due = due_cn("3d", "2026-03-10T00:00:00+08:00");
        assert_eq!(due.at, ts("2026-03-14T00:00:00+08:00"));
    }

    #[test]
    fn cc_201_start_day_is_the_local_day_in_shanghai() {
        // 20:00 UTC on 9 Mar is already 10 Mar in Shanghai.
        let due = due_cn("3d", "2026-03-09T20:00:00Z");
        assert_eq!(due.at, ts("2026-03-14T00:00:00+08:00"));
    }

    #[test]
    fn cc_201_weeks_are_seven_days() {
        // Tue 10 Mar + 14 days = Tue 24 Mar.
        let due = due_cn("2w", "2026-03-10T09:00:00+08:00");
        assert_eq!(due.at, ts("2026-03-25T00:00:00+08:00"));
    }

    #[test]
    fn cc_202_month_from_jan_31_ends_feb_28() {
        // Fri 28 Feb 2025 is a working day.
        let due = due_cn("1 month", "2025-01-31T10:00:00+08:00");
        assert_eq!(due.at, ts("2025-03-01T00:00:00+08:00"));
        assert!(!due.provisional);
    }

    #[test]
    fn cc_202_month_from_jan_31_leap_year_ends_feb_29() {
        // Thu 29 Feb 2024; 2024 is not in the table, hence provisional.
        let due = due_cn("1 month", "2024-01-31T10:00:00+08:00");
        assert_eq!(due.at, ts("2024-03-01T00:00:00+08:00"));
        assert!(due.provisional);
        let cal = Calendar::empty().with_year(2024, &[], &[]);
        let due = p("1 month").due(ts("2024-01-31T10:00:00+08:00"), &shanghai(), &cal);
        assert_eq!(due.at, ts("2024-03-01T00:00:00+08:00"));
        assert!(!due.provisional);
    }

    #[test]
    fn cc_202_months_keep_the_corresponding_day() {
        // 15 Jan + 6 months = Wed 15 Jul 2026.
        let due = due_cn("6 months", "2026-01-15T10:00:00+08:00");
        assert_eq!(due.at, ts("2026-07-16T00:00:00+08:00"));
    }

    #[test]
    fn cc_202_year_from_feb_29() {
        // No 29 Feb in 2025: the month's last day, Fri 28 Feb, is the last day.
        let due = due_cn("1 year", "2024-02-29T10:00:00+08:00");
        assert_eq!(due.at, ts("2025-03-01T00:00:00+08:00"));
        assert!(!due.provisional);
    }

    #[test]
    fn cc_203_last_day_on_national_day_moves_to_first_working_day() {
        // 28 Sep + 3d = Thu 1 Oct (holiday until 7 Oct) → Thu 8 Oct.
        let due = due_cn("3d", "2026-09-28T09:00:00+08:00");
        assert_eq!(due.at, ts("2026-10-09T00:00:00+08:00"));
        assert!(!due.provisional);
    }

    #[test]
    fn cc_203_last_day_on_sunday_moves_to_monday() {
        // Thu 12 Mar + 3d = Sun 15 Mar → Mon 16 Mar.
        let due = due_cn("3d", "2026-03-12T09:00:00+08:00");
        assert_eq!(due.at, ts("2026-03-17T00:00:00+08:00"));
    }

    #[test]
    fn cc_203_applies_to_month_periods() {
        // 4 Apr 2026 is Qingming (and a Saturday) → first working day Tue 7 Apr.
        let due = due_cn("1 month", "2026-03-04T09:00:00+08:00");
        assert_eq!(due.at, ts("2026-04-08T00:00:00+08:00"));
    }

    #[test]
    fn makeup_saturday_counts_as_working_day() {
        let cal = china_2025_2026();
        assert!(cal.is_working_day(d(2026, 10, 10)));
        assert!(!cal.is_working_day(d(2026, 10, 17)));
        // 7 Oct + 3d = Sat 10 Oct, a make-up day: no roll-forward.
        let due = due_cn("3d", "2026-10-07T09:00:00+08:00");
        assert_eq!(due.at, ts("2026-10-11T00:00:00+08:00"));
        // The first working day after Fri 9 Oct is Sat 10 Oct.
        let due = due_cn("1 working day", "2026-10-09T09:00:00+08:00");
        assert_eq!(due.at, ts("2026-10-11T00:00:00+08:00"));
    }

    #[test]
    fn hours_run_from_the_moment() {
        let due = due_cn("24h", "2026-03-10T22:30:00+08:00");
        assert_eq!(due.at, ts("2026-03-11T22:30:00+08:00"));
        // A holiday in the way changes nothing for hours.
        let due = due_cn("24h", "2026-09-30T22:30:15+08:00");
        assert_eq!(due.at, ts("2026-10-01T22:30:15+08:00"));
        assert!(!due.provisional);
        // Nor does a missing calendar.
        let due = p("72h").due(ts("2030-01-01T08:00:00Z"), &shanghai(), &Calendar::empty());
        assert_eq!(due.at, ts("2030-01-04T08:00:00Z"));
        assert!(!due.provisional);
    }

    #[test]
    fn working_days_across_spring_festival_2026() {
        // From Thu 12 Feb: Fri 13 (1), Sat 14 make-up (2), 15–23 holiday,
        // Tue 24 (3), Wed 25 (4), Thu 26 (5).
        let due = due_cn("5 working days", "2026-02-12T16:00:00+08:00");
        assert_eq!(due.at, ts("2026-02-27T00:00:00+08:00"));
        assert!(!due.provisional);
    }

    #[test]
    fn working_days_past_calendar_are_provisional() {
        // From Mon 28 Dec 2026: 29, 30, 31 (3), Fri 1 Jan 2027 assumed
        // working (4), Mon 4 Jan (5).
        let due = due_cn("5wd", "2026-12-28T10:00:00+08:00");
        assert_eq!(due.at, ts("2027-01-05T00:00:00+08:00"));
        assert!(due.provisional);
        let due = p("5wd").due(
            ts("2026-03-02T10:00:00+08:00"),
            &shanghai(),
            &Calendar::empty(),
        );
        assert_eq!(due.at, ts("2026-03-10T00:00:00+08:00"));
        assert!(due.provisional);
    }

    #[test]
    fn due_past_year_9999_is_clamped_and_provisional() {
        let start = ts("9999-12-30T12:00:00Z");
        for period in ["3d", "1 year", "5wd", "100000h"] {
            let due = p(period).due(start, &TimeZone::UTC, &Calendar::empty());
            assert_eq!(due.at, Timestamp::MAX, "{period}");
            assert!(due.provisional, "{period}");
        }
    }

    #[test]
    fn china_table_is_consistent() {
        let cal = china_2025_2026();
        assert!(cal.covers(2025) && cal.covers(2026) && !cal.covers(2027));
        for arrangement in CHINA_ARRANGEMENTS {
            for &day in arrangement.makeup_workdays {
                assert!(
                    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday),
                    "{day} is a make-up day but not a weekend day"
                );
                assert_eq!(day.year(), arrangement.year);
            }
            for &(first, last) in arrangement.holidays {
                assert!(first <= last);
                assert!(!cal.is_working_day(first) && !cal.is_working_day(last));
            }
        }
        // Spring Festival 2026 is nine days, 2025 National Day eight.
        let rest = |from: Date, to: Date| {
            from.series(Span::new().days(1))
                .take_while(|&x| x <= to)
                .filter(|&x| !cal.is_working_day(x))
                .count()
        };
        assert_eq!(rest(d(2026, 2, 14), d(2026, 2, 28)), 9);
        assert_eq!(rest(d(2025, 10, 1), d(2025, 10, 11)), 8);
    }

    #[test]
    fn parse_accepts_compact_and_long_forms() {
        assert_eq!(p("24h"), Period::Hours(24));
        assert_eq!(p("72 h"), Period::Hours(72));
        assert_eq!(p("3d"), Period::Days(3));
        assert_eq!(p("2w"), Period::Weeks(2));
        assert_eq!(p("1 month"), Period::Months(1));
        assert_eq!(p("6 months"), Period::Months(6));
        assert_eq!(p("6mo"), Period::Months(6));
        assert_eq!(p("1y"), Period::Years(1));
        assert_eq!(p("2 years"), Period::Years(2));
        assert_eq!(p("5 working days"), Period::WorkingDays(5));
        assert_eq!(p("1 working day"), Period::WorkingDays(1));
        assert_eq!(p("5wd"), Period::WorkingDays(5));
        assert_eq!(p("  5   Working   Days "), Period::WorkingDays(5));
    }

    #[test]
    fn parse_accepts_chinese_units() {
        assert_eq!(p("24小时"), Period::Hours(24));
        assert_eq!(p("3日"), Period::Days(3));
        assert_eq!(p("3天"), Period::Days(3));
        assert_eq!(p("1个月"), Period::Months(1));
        assert_eq!(p("6个月"), Period::Months(6));
        assert_eq!(p("1年"), Period::Years(1));
        assert_eq!(p("5个工作日"), Period::WorkingDays(5));
        assert_eq!(p("5 个工作日"), Period::WorkingDays(5));
        assert_eq!(p("３天"), Period::Days(3));
    }

    #[test]
    fn parse_rejects_zero_and_negative() {
        assert_eq!(
            Period::parse("0d"),
            Err(PeriodError::OutOfRange {
                value: 0,
                max: 100_000
            })
        );
        assert_eq!(
            Period::parse("-3d"),
            Err(PeriodError::BadNumber { text: "-3".into() })
        );
        assert_eq!(
            Period::parse("1.5d"),
            Err(PeriodError::BadNumber { text: "1.5".into() })
        );
    }

    #[test]
    fn parse_rejects_empty_unknown_and_overflow() {
        assert_eq!(Period::parse("   "), Err(PeriodError::Empty));
        assert_eq!(
            Period::parse("3 fortnights"),
            Err(PeriodError::UnknownUnit {
                unit: "fortnights".into()
            })
        );
        assert_eq!(
            Period::parse("3"),
            Err(PeriodError::UnknownUnit { unit: "".into() })
        );
        // Ambiguous on purpose: minutes or months; June or six months.
        assert!(matches!(
            Period::parse("6m"),
            Err(PeriodError::UnknownUnit { .. })
        ));
        assert!(matches!(
            Period::parse("6月"),
            Err(PeriodError::UnknownUnit { .. })
        ));
        assert_eq!(
            Period::parse("three days"),
            Err(PeriodError::BadNumber {
                text: "three".into()
            })
        );
        assert_eq!(
            Period::parse("100001h"),
            Err(PeriodError::OutOfRange {
                value: 100_001,
                max: 100_000
            })
        );
        assert_eq!(
            Period::parse("5000000000d"),
            Err(PeriodError::OutOfRange {
                value: 5_000_000_000,
                max: 100_000
            })
        );
        assert!(matches!(
            Period::parse("99999999999999999999999d"),
            Err(PeriodError::BadNumber { .. })
        ));
    }

    #[test]
    fn errors_explain_with_examples() {
        for bad in ["", "x", "-1d", "3 fortnights", "3", "0h"] {
            let message = Period::parse(bad).unwrap_err().to_string();
            assert!(message.contains("`24h`"), "{bad:?}: {message}");
        }
        assert!(
            Period::parse("3")
                .unwrap_err()
                .to_string()
                .contains("no unit")
        );
    }

    #[test]
    fn display_round_trips() {
        let cases = [
            (Period::Hours(24), "24h"),
            (Period::Days(3), "3d"),
            (Period::Weeks(2), "2w"),
            (Period::Months(1), "1 month"),
            (Period::Months(6), "6 months"),
            (Period::Years(1), "1 year"),
            (Period::Years(2), "2 years"),
            (Period::WorkingDays(1), "1 working day"),
            (Period::WorkingDays(5), "5 working days"),
        ];
        for (period, text) in cases {
            assert_eq!(period.to_string(), text);
            assert_eq!(p(text), period);
        }
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};

        let de: StrDeserializer<'_, Error> = "5个工作日".into_deserializer();
        assert_eq!(Period::deserialize(de), Ok(Period::WorkingDays(5)));
        let de: StrDeserializer<'_, Error> = "0d".into_deserializer();
        assert!(Period::deserialize(de).is_err());
        assert_eq!(String::from(Period::Months(6)), "6 months");
    }

    fn any_period() -> impl Strategy<Value = Period> {
        prop_oneof![
            (1..=Unit::Hours.max()).prop_map(Period::Hours),
            (1..=Unit::Days.max()).prop_map(Period::Days),
            (1..=Unit::Weeks.max()).prop_map(Period::Weeks),
            (1..=Unit::Months.max()).prop_map(Period::Months),
            (1..=Unit::Years.max()).prop_map(Period::Years),
            (1..=Unit::WorkingDays.max()).prop_map(Period::WorkingDays),
        ]
    }

    fn any_zone() -> impl Strategy<Value = TimeZone> {
        // New York adds DST transitions to exercise the midnight conversion.
        prop_oneof![
            Just(shanghai()),
            Just(TimeZone::UTC),
            Just(TimeZone::get("America/New_York").expect("tz database")),
        ]
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC*") {
            let _ = Period::parse(&text);
        }

        #[test]
        fn parse_never_panics_on_near_misses(
            text in "[ 0-9０-９+\\-.]{0,8}[ ]?(h|d|w|mo|y|wd|m|月|天|小时|个月|年|个工作日|working days|x)?"
        ) {
            let _ = Period::parse(&text);
        }

        #[test]
        fn display_parses_back(period in any_period()) {
            prop_assert_eq!(Period::parse(&period.to_string()), Ok(period));
        }

        #[test]
        fn due_is_after_start(
            period in any_period(),
            // 1970 to 2100.
            seconds in 0i64..4_102_444_800,
            zone in any_zone(),
            with_holidays in any::<bool>(),
        ) {
            let start = Timestamp::from_second(seconds).unwrap();
            let calendar = if with_holidays { china_2025_2026() } else { Calendar::empty() };
            let due = period.due(start, &zone, &calendar);
            prop_assert!(due.at > start);
            prop_assert!(due.at < Timestamp::MAX);
            if matches!(period, Period::Hours(_)) {
                prop_assert!(!due.provisional);
            } else {
                // Day-based periods end at local midnight on a working day.
                let end = zone.to_datetime(due.at);
                let last_day = end.date().yesterday().unwrap();
                prop_assert!(calendar.is_working_day(last_day));
            }
        }
    }
}
