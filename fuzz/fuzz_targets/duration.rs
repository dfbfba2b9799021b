//! Legal periods: parsing any text, and counting a parsed period from any instant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wardflow_engine::period::{Calendar, Period, china_2025_2026, shanghai};

fuzz_target!(|data: &[u8]| {
    let (head, text) = data.split_at(data.len().min(8));
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Ok(period) = Period::parse(text) else {
        return;
    };
    assert_eq!(Period::parse(&period.to_string()), Ok(period), "display parses back");
    let mut seconds = [0u8; 8];
    seconds[..head.len()].copy_from_slice(head);
    // 1970 to 2100, where the calendar counts.
    let seconds = (i64::from_le_bytes(seconds)).rem_euclid(4_102_444_800);
    let Ok(start) = jiff::Timestamp::from_second(seconds) else {
        return;
    };
    for calendar in [Calendar::empty(), china_2025_2026()] {
        let due = period.due(start, &shanghai(), &calendar);
        assert!(due.at > start, "a period ends after it starts");
    }
});
