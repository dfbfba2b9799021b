//! Ages (周岁, civil and criminal), canonical dates and duration settings.

use cel::common::types::CelTimestamp;
use jiff::civil::Date;
use jiff::tz::Offset;

fn is_leap_year(year: i16) -> bool {
    let y = i32::from(year);
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// The (month, day) of the birthday of someone born on `birth`, in `year`:
/// the same day, except that a 29 February birthday falls on 1 March in a
/// common year.
fn anniversary(birth: Date, year: i16) -> (i8, i8) {
    if birth.month() == 2 && birth.day() == 29 && !is_leap_year(year) {
        (3, 1)
    } else {
        (birth.month(), birth.day())
    }
}

/// Age in full years (周岁) on the Gregorian calendar at civil date `on`: the Nth birthday counts (civil rule).
///
/// Someone is N years old from their Nth birthday on. Someone born on
/// 29 February has their birthday on 1 March in common years: until
/// 28 February they are still a year younger, on 1 March they are a year
/// older (the anniversary does not exist, so the year is only complete once
/// February is over). Negative when `on` precedes `birth`.
pub fn age_on(birth: Date, on: Date) -> i64 {
    let years = i64::from(on.year()) - i64::from(birth.year());
    if (on.month(), on.day()) < anniversary(birth, on.year()) {
        years - 1
    } else {
        years
    }
}

/// Criminal-law age (SPC 法释〔2006〕1号 art. 2): N years old only from the day AFTER the Nth birthday.
///
/// On the Nth birthday itself the age is still N − 1. The birthday is the
/// one of [`age_on`], so someone born on 29 February is a year older from
/// 2 March in common years, the day after the 1 March birthday; of the two
/// readings (1 or 2 March) this is the later one, the one more favourable to
/// the minor. Negative when `on` precedes `birth`.
pub fn criminal_age_on(birth: Date, on: Date) -> i64 {
    let civil = age_on(birth, on);
    if on.year() > birth.year() && (on.month(), on.day()) == anniversary(birth, on.year()) {
        civil - 1
    } else {
        civil
    }
}

/// Parses a canonical `YYYY-MM-DD` date, and nothing else.
pub(super) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i32> {
        b[range].iter().try_fold(0i32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
        })
    };
    let year = i16::try_from(digits(0..4)?).ok()?;
    let month = i8::try_from(digits(5..7)?).ok()?;
    let day = i8::try_from(digits(8..10)?).ok()?;
    Date::new(year, month, day).ok()
}

/// The calendar day of a CEL timestamp, in the offset it carries.
pub(super) fn timestamp_date(ts: &CelTimestamp) -> Option<Date> {
    let instant = jiff::Timestamp::from_second(ts.inner().timestamp()).ok()?;
    let offset = Offset::from_seconds(ts.inner().offset().local_minus_utc()).ok()?;
    Some(offset.to_datetime(instant).date())
}

/// Parses a duration setting: jiff's friendly or ISO 8601 formats, with days
/// and weeks taken as 24 hours and 7 days; months and years are not durations.
pub(super) fn parse_duration(text: &str) -> Option<jiff::SignedDuration> {
    let span: jiff::Span = text.trim().parse().ok()?;
    span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .ok()
}

#[cfg(test)]
mod tests;
