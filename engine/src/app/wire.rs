//! The JSON every front end gives out: the command line's `--json` and the HTTP API's bodies
//! are the same values, serialised once here.
//!
//! The convention (README, "JSON output"): one value per answer (an object for one thing, an
//! array for a list); ASCII snake_case keys; instants in RFC 3339 with the office's offset
//! (`2026-11-02T09:00:00+08:00`), calendar dates `YYYY-MM-DD`; enum values as their keys with
//! the label beside them in `<key>_title`; `null` for an absent value and `[]` for an empty
//! list.
//!
//! Stored records keep their instants in UTC (their serialised form is part of the hash
//! chain and must not change with the office), so the offset is applied on the way out: every
//! string that is an RFC 3339 instant in UTC (`…Z`, the only form the engine stores, user
//! `datetime` fields included) is written again in the office's time zone. It is the same
//! instant, so nothing a reader compares changes meaning.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::Value;

/// `value` as the JSON a front end gives out: serialised, its instants in `tz`'s offset.
pub fn to_value<T: Serialize + ?Sized>(value: &T, tz: &TimeZone) -> serde_json::Result<Value> {
    let mut out = serde_json::to_value(value)?;
    localise(&mut out, tz);
    Ok(out)
}

/// Rewrites every UTC instant in `value` (see the module) with `tz`'s offset, in place.
pub fn localise(value: &mut Value, tz: &TimeZone) {
    match value {
        Value::String(s) => {
            if let Some(ts) = utc_instant(s) {
                *s = instant(ts, tz);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| localise(v, tz)),
        Value::Object(map) => map.values_mut().for_each(|v| localise(v, tz)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// An instant as the convention writes it: RFC 3339 with `tz`'s offset at that instant.
pub fn instant(ts: Timestamp, tz: &TimeZone) -> String {
    ts.display_with_offset(tz.to_offset(ts)).to_string()
}

/// `s` as an instant when it is one written in UTC (`2026-11-02T01:00:00Z`, fractions
/// allowed); anything else (a date, a note that merely mentions a time) is not.
fn utc_instant(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let shaped = (20..=30).contains(&b.len())
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b.last() == Some(&b'Z')
        && b.iter().all(|c| c.is_ascii_digit() || b"-T:.Z".contains(c));
    if !shaped {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        crate::period::shanghai().clone()
    }

    #[test]
    fn utc_instants_take_the_office_offset() {
        let mut v = serde_json::json!({
            "at": "2026-11-02T01:00:00Z",
            "list": ["2026-11-02T01:00:00.5Z", "2026-11-02", "说明 2026-11-02T01:00:00Z"],
            "n": 3,
            "none": null,
        });
        localise(&mut v, &shanghai());
        assert_eq!(v["at"], "2026-11-02T09:00:00+08:00");
        assert_eq!(v["list"][0], "2026-11-02T09:00:00.5+08:00");
        assert_eq!(v["list"][1], "2026-11-02");
        assert_eq!(v["list"][2], "说明 2026-11-02T01:00:00Z");
        assert_eq!(v["none"], Value::Null);
    }

    #[test]
    fn a_timestamp_serialises_with_the_offset() {
        let ts: Timestamp = "2026-11-23T02:00:00Z".parse().expect("instant");
        let v = to_value(&serde_json::json!({ "t": ts }), &shanghai()).expect("json");
        assert_eq!(v["t"], "2026-11-23T10:00:00+08:00");
        assert_eq!(instant(ts, &TimeZone::UTC), "2026-11-23T02:00:00+00:00");
    }
}
