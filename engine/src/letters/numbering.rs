//! Document numbers: the allocated form `{代字}〔{year}〕{n}号` (公文 and enforcement documents)
//! and the external court case number `（2026）京0105民特12号`. Allocation itself (per issuing
//! body and year, without gaps or duplicates) belongs to the store; this module only writes and
//! checks the forms.

use super::LetterError;

/// An allocated document number: the issuing body's prefix (机关代字 plus the document's type
/// code, e.g. `京朝公（望）告诫字`), the year in full in hexagonal brackets 〔〕 (U+3014/U+3015),
/// the serial without leading zeros, and 号: `京朝公（望）告诫字〔2026〕7号`.
pub fn number(pattern: &str, year: i16, n: u32) -> String {
    format!("{pattern}〔{year}〕{n}号")
}

/// Checks that `number` is an allocated number with this prefix and year, as [`number`] writes it.
pub fn check_allocated_number(prefix: &str, year: i16, number: &str) -> Result<(), LetterError> {
    let bad = |reason: &str| LetterError::BadNumber {
        number: number.to_owned(),
        reason: reason.to_owned(),
    };
    let rest = number
        .strip_prefix(prefix)
        .ok_or_else(|| bad(&format!("does not start with the prefix `{prefix}`")))?;
    let rest = rest
        .strip_prefix('〔')
        .ok_or_else(|| bad("the year must follow in hexagonal brackets 〔〕"))?;
    let (y, rest) = rest
        .split_once('〕')
        .ok_or_else(|| bad("the year's bracket 〕 is not closed"))?;
    if y != year.to_string() {
        return Err(bad(&format!("the year must be {year}, in full")));
    }
    let serial = rest
        .strip_suffix('号')
        .ok_or_else(|| bad("the number must end with 号"))?;
    check_serial(serial).map(|_| ()).map_err(bad)
}

fn check_serial(serial: &str) -> Result<u64, &'static str> {
    if serial.is_empty() || !serial.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the serial must be Arabic digits");
    }
    if serial.starts_with('0') {
        return Err("the serial has no leading zeros and starts at 1");
    }
    serial.parse().map_err(|_| "the serial is too large")
}

/// Checks the form of a court case number (案号): `（2026）京0105民特12号`. The year in full inside
/// FULL-WIDTH round brackets （） (U+FF08/U+FF09, not 〔〕 and not ASCII), then the court's code and
/// the case-type code (Chinese characters and digits, e.g. 京0105 and 民特), then the serial without
/// leading zeros and 号, optionally followed by 之一, 之二 … for a further document in the same case.
pub fn check_court_number(number: &str) -> Result<(), LetterError> {
    let bad = |reason: &str| LetterError::BadCourtNumber {
        number: number.to_owned(),
        reason: reason.to_owned(),
    };
    if number.starts_with('(') || number.starts_with('〔') || number.starts_with('[') {
        return Err(bad(
            "the year must be in full-width round brackets （）, not ( ) or 〔〕",
        ));
    }
    let rest = number.strip_prefix('（').ok_or_else(|| {
        bad("a court case number starts with the year in full-width brackets （）")
    })?;
    let (year, rest) = rest
        .split_once('）')
        .ok_or_else(|| bad("the year's bracket ） is not closed"))?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("the year must be written in full, e.g. （2026）"));
    }
    let y: u32 = year.parse().unwrap_or(0);
    if !(1990..=2200).contains(&y) {
        return Err(bad("the year is out of range"));
    }
    let body = match rest.split_once('号') {
        Some((body, suffix)) => {
            if !suffix.is_empty() {
                let n = suffix
                    .strip_prefix('之')
                    .ok_or_else(|| bad("only 之一, 之二 … may follow 号"))?;
                if n.is_empty() || !n.chars().all(|c| "一二三四五六七八九十".contains(c))
                {
                    return Err(bad("only 之一, 之二 … may follow 号"));
                }
            }
            body
        }
        None => return Err(bad("the number must end with 号")),
    };
    if body.chars().any(|c| c.is_whitespace()) {
        return Err(bad("a case number contains no spaces"));
    }
    // The serial: the trailing digits.
    let serial_start = body
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)
        .ok_or_else(|| bad("the serial number is missing before 号"))?;
    let (codes, serial) = body.split_at(serial_start);
    check_serial(serial).map_err(&bad)?;
    // The court code and type code: at least one Chinese character; nothing but Chinese
    // characters and digits; the type code (the last run of Chinese characters) is present.
    if !codes.chars().next().is_some_and(is_cjk) {
        return Err(bad("the court code (e.g. 京0105) must follow the year"));
    }
    if !codes.chars().all(|c| is_cjk(c) || c.is_ascii_digit()) {
        return Err(bad(
            "only the court code and the case-type code may stand between the year and the serial",
        ));
    }
    if !codes.chars().last().is_some_and(is_cjk) || codes.chars().filter(|&c| is_cjk(c)).count() < 2
    {
        return Err(bad("the case-type code (e.g. 民特) is missing"));
    }
    Ok(())
}

/// True when the court case number names the court with `code` (e.g. `京0105`) right after the
/// year. The court code is the one in the issuing body's configuration.
pub fn court_number_has_code(number: &str, code: &str) -> bool {
    number
        .split_once('）')
        .is_some_and(|(_, rest)| rest.starts_with(code))
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocated_numbers() {
        assert_eq!(number("京朝民临监", 2026, 3), "京朝民临监〔2026〕3号");
        assert_eq!(
            number("京朝公（望）告诫字", 2026, 12),
            "京朝公（望）告诫字〔2026〕12号"
        );
        assert_eq!(number("X", 2027, 1), "X〔2027〕1号");
        assert!(check_allocated_number("京朝民临监", 2026, "京朝民临监〔2026〕3号").is_ok());
        for bad in [
            "京朝民临监〔2026〕03号",
            "京朝民临监〔2025〕3号",
            "京朝民临监[2026]3号",
            "京朝民临监〔26〕3号",
            "京朝民临监〔2026〕3",
            "京朝民〔2026〕3号",
            "京朝民临监〔2026〕第3号",
        ] {
            assert!(
                check_allocated_number("京朝民临监", 2026, bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn court_numbers() {
        for good in [
            "（2026）京0105民特12号",
            "（2026）京0105民初123号之一",
            "（2026）沪0115民特1号",
            "（2025）最高法民申5号",
        ] {
            assert!(check_court_number(good).is_ok(), "{good}");
        }
        for bad in [
            "(2026)京0105民特12号",
            "〔2026〕京0105民特12号",
            "（26）京0105民特12号",
            "（2026）京0105民特012号",
            "（2026）京0105民特12",
            "（2026）京0105民特号",
            "（2026）0105民特12号",
            "（2026）京0105 民特12号",
            "（2026）京0105民特12号之",
            "（2026）京010512号",
            "（2026）京110512号",
            "京0105民特12号",
        ] {
            assert!(check_court_number(bad).is_err(), "{bad}");
        }
        assert!(court_number_has_code("（2026）京0105民特12号", "京0105"));
        assert!(!court_number_has_code("（2026）京0106民特12号", "京0105"));
    }
}
