//! The pure formatting rules the letter helpers are built on: dates in both official forms,
//! Chinese numerals, a child's age on a date, and the legal grounds of UPL 92 (national law, so
//! compiled in; the names of roles and issuing bodies are local words and come from the workflow
//! and the profile, see `Vocabulary`). Each is a plain function so that it is tested once, here, and the
//! Handlebars helpers (`helpers.rs`) only adapt arguments.

use jiff::civil::Date;

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A date as GB/T 9704 writes it (公文, enforcement forms): Arabic numerals, the year in full, no
/// zero padding: `2026年11月22日`.
pub fn date_arabic(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A date as court documents write it: every digit of the year one by one with 〇 for zero, the
/// month and day as Chinese numbers: `二〇二六年十一月二十二日`.
pub fn date_chinese(d: Date) -> String {
    format!(
        "{}年{}月{}日",
        digits_chinese(&d.year().to_string()),
        number_chinese(d.month() as u64),
        number_chinese(d.day() as u64)
    )
}

/// Each ASCII digit replaced by its Chinese digit (〇一二…九); other characters are kept. Used
/// for years: `2026` → `二〇二六`.
pub fn digits_chinese(s: &str) -> String {
    s.chars()
        .map(|c| c.to_digit(10).map_or(c, |d| DIGITS[d as usize]))
        .collect()
}

/// The largest number `number_chinese` writes (10¹² − 1); the `cn_num` helper refuses larger.
pub const MAX_CHINESE_NUMBER: u64 = 999_999_999_999;

/// A number in Chinese numerals as written in prose and dates: 10 → 十, 12 → 十二, 20 → 二十,
/// 105 → 一百零五, 110 → 一百一十, 10005 → 一万零五. Numbers up to 10¹² − 1.
pub fn number_chinese(n: u64) -> String {
    if n == 0 {
        return "零".into();
    }
    assert!(
        n <= MAX_CHINESE_NUMBER,
        "number too large for Chinese numerals"
    );
    let groups = [
        (n / 100_000_000, "亿"),
        ((n / 10_000) % 10_000, "万"),
        (n % 10_000, ""),
    ];
    let mut out = String::new();
    let mut started = false;
    let mut zero_pending = false;
    for (value, unit) in groups {
        if value == 0 {
            if started {
                zero_pending = true;
            }
            continue;
        }
        if started && (zero_pending || value < 1000) {
            out.push('零');
        }
        out.push_str(&group_chinese(value as u16, !started));
        out.push_str(unit);
        started = true;
        zero_pending = false;
    }
    out
}

/// One group of up to four digits (1..=9999). `leading` is true for the first group of the
/// number, where 10–19 are written 十… rather than 一十….
fn group_chinese(n: u16, leading: bool) -> String {
    let units = ["千", "百", "十", ""];
    let digits = [n / 1000, (n / 100) % 10, (n / 10) % 10, n % 10];
    let mut out = String::new();
    let mut started = false;
    let mut zero = false;
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 {
            if started {
                zero = true;
            }
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        let is_leading_ten = leading && !started && i == 2 && d == 1;
        if !is_leading_ten {
            out.push(DIGITS[d as usize]);
        }
        out.push_str(units[i]);
        started = true;
    }
    out
}

/// A child's age in full years (周岁) on `on`, by the civil rule: N years old from the Nth
/// birthday (the same rule as the workflows' `age()` guard function).
pub fn age_on(birth: Date, on: Date) -> i64 {
    crate::guard::age_on(birth, on)
}

/// Parses a case-data date (`YYYY-MM-DD`), or a datetime (RFC 3339), taking a datetime's date in
/// Beijing time.
pub fn parse_date_value(s: &str) -> Option<Date> {
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    let ts = s.parse::<jiff::Timestamp>().ok()?;
    Some(ts.to_zoned_datetime(crate::period::shanghai()).date())
}

/// A datetime to the minute in Beijing time: `2026年11月20日9时05分`. A bare date has no time
/// and is written as a date.
pub fn datetime_arabic(s: &str) -> Option<String> {
    if let Ok(d) = s.parse::<Date>() {
        return Some(date_arabic(d));
    }
    let ts = s.parse::<jiff::Timestamp>().ok()?;
    let z = ts.to_zoned_datetime(crate::period::shanghai());
    Some(format!(
        "{}{}时{:02}分",
        date_arabic(z.date()),
        z.hour(),
        z.minute()
    ))
}

/// The seven cases of UPL 92 in which civil affairs must take a child into temporary custody,
/// keyed as the temporary-custody workflow's `ground` values, with the statute's own words
/// (checked against the NPC text of the law as amended 2024-04-26).
pub const UPL_92_GROUNDS: [(&str, &str); 7] = [
    (
        "street_or_unknown_identity",
        "未成年人流浪乞讨或者身份不明，暂时查找不到父母或者其他监护人",
    ),
    ("guardian_missing", "监护人下落不明且无其他人可以担任监护人"),
    (
        "guardian_unable_objective",
        "监护人因自身客观原因或者因发生自然灾害、事故灾难、公共卫生事件等突发事件不能履行监护职责，导致未成年人监护缺失",
    ),
    (
        "guardian_neglect",
        "监护人拒绝或者怠于履行监护职责，导致未成年人处于无人照料的状态",
    ),
    (
        "guardian_instigates_crime",
        "监护人教唆、利用未成年人实施违法犯罪行为，未成年人需要被带离安置",
    ),
    (
        "harmed_by_guardian",
        "未成年人遭受监护人严重伤害或者面临人身安全威胁，需要被紧急安置",
    ),
    ("other_legal", "法律规定的其他情形"),
];

/// The full text of a UPL 92 ground and its item number (1–7).
pub fn ground(key: &str) -> Option<(usize, &'static str)> {
    UPL_92_GROUNDS
        .iter()
        .position(|(k, _)| *k == key)
        .map(|i| (i + 1, UPL_92_GROUNDS[i].1))
}

/// How a letter cites a ground: `《中华人民共和国未成年人保护法》第九十二条第三项`.
pub fn ground_citation(key: &str) -> Option<String> {
    ground(key).map(|(n, _)| {
        format!(
            "《中华人民共和国未成年人保护法》第九十二条第{}项",
            number_chinese(n as u64)
        )
    })
}

/// Display width in columns (a CJK or full-width character counts 2), for plain-text layout.
/// The no-break marks (`nobreak.rs`) take no room.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            c if super::nobreak::is_mark(c) => 0,
            c if is_wide(c) => 2,
            _ => 1,
        })
        .sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3040..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn arabic_dates_have_no_padding() {
        assert_eq!(date_arabic(date(2026, 11, 22)), "2026年11月22日");
        assert_eq!(date_arabic(date(2026, 1, 5)), "2026年1月5日");
    }

    #[test]
    fn chinese_dates_write_zero_as_ling_circle() {
        assert_eq!(date_chinese(date(2026, 11, 22)), "二〇二六年十一月二十二日");
        assert_eq!(date_chinese(date(2020, 10, 1)), "二〇二〇年十月一日");
        assert_eq!(date_chinese(date(2030, 12, 31)), "二〇三〇年十二月三十一日");
        assert_eq!(date_chinese(date(2000, 2, 29)), "二〇〇〇年二月二十九日");
        assert_eq!(date_chinese(date(2026, 1, 10)), "二〇二六年一月十日");
        assert_eq!(date_chinese(date(2026, 3, 20)), "二〇二六年三月二十日");
    }

    #[test]
    fn chinese_numbers() {
        let cases = [
            (0, "零"),
            (1, "一"),
            (7, "七"),
            (10, "十"),
            (11, "十一"),
            (19, "十九"),
            (20, "二十"),
            (21, "二十一"),
            (92, "九十二"),
            (100, "一百"),
            (101, "一百零一"),
            (105, "一百零五"),
            (110, "一百一十"),
            (118, "一百一十八"),
            (1000, "一千"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
            (1100, "一千一百"),
            (10_000, "一万"),
            (10_005, "一万零五"),
            (10_100, "一万零一百"),
            (10_010, "一万零一十"),
            (12_345, "一万二千三百四十五"),
            (100_000, "十万"),
            (150_000, "十五万"),
            (1_000_000, "一百万"),
            (100_000_000, "一亿"),
            (100_000_001, "一亿零一"),
            (100_010_000, "一亿零一万"),
        ];
        for (n, want) in cases {
            assert_eq!(number_chinese(n), want, "{n}");
        }
    }

    #[test]
    fn digits_one_by_one() {
        assert_eq!(digits_chinese("2026"), "二〇二六");
        assert_eq!(digits_chinese("1905"), "一九〇五");
    }

    #[test]
    fn age_in_full_years_turns_on_the_birthday() {
        let birth = date(2017, 11, 22);
        assert_eq!(age_on(birth, date(2026, 11, 21)), 8);
        assert_eq!(age_on(birth, date(2026, 11, 22)), 9);
        assert_eq!(age_on(date(2012, 2, 29), date(2026, 2, 28)), 13);
        assert_eq!(age_on(date(2012, 2, 29), date(2026, 3, 1)), 14);
    }

    #[test]
    fn datetimes_are_written_in_beijing_time() {
        assert_eq!(
            datetime_arabic("2026-11-20T01:05:00Z").as_deref(),
            Some("2026年11月20日9时05分")
        );
        assert_eq!(
            datetime_arabic("2026-11-20T20:30:00Z").as_deref(),
            Some("2026年11月21日4时30分")
        );
        assert_eq!(
            datetime_arabic("2026-11-20").as_deref(),
            Some("2026年11月20日")
        );
        assert_eq!(datetime_arabic("yesterday"), None);
        assert_eq!(
            parse_date_value("2026-11-20T20:30:00Z"),
            Some(date(2026, 11, 21))
        );
    }

    #[test]
    fn every_upl_92_ground_has_its_text_and_item() {
        assert_eq!(UPL_92_GROUNDS.len(), 7);
        let (n, text) = ground("guardian_unable_objective").unwrap();
        assert_eq!(n, 3);
        assert!(text.starts_with("监护人因自身客观原因"));
        assert_eq!(
            ground_citation("harmed_by_guardian").unwrap(),
            "《中华人民共和国未成年人保护法》第九十二条第六项"
        );
        assert_eq!(ground("other_legal").unwrap(), (7, "法律规定的其他情形"));
        assert!(ground("guardian_unable").is_none());
    }

    #[test]
    fn the_ground_keys_match_the_temporary_custody_workflow() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../workflows/temporary-custody.yaml"
        );
        let Ok(src) = std::fs::read_to_string(path) else {
            return;
        };
        for (key, _) in UPL_92_GROUNDS {
            assert!(
                src.contains(&format!("\n      {key}: ")),
                "temporary-custody has no ground `{key}`"
            );
        }
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("训诫书"), 6);
        assert_eq!(display_width("（2026）"), 8);
        assert_eq!(display_width("〔2026〕"), 8);
    }
}
