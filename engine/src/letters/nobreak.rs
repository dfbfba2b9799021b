//! Runs of text that must never break across lines: a document number (`京公朝（望）告诫字〔2026〕7号`,
//! `（2026）渝0114民特41号之一`), a date (`2026年11月24日`, `二〇二六年十一月二十四日`, the blank
//! `＿＿＿＿年＿＿月＿＿日`), a time (`13时00分`), an age (`7周岁`), and a telephone or identity number
//! (`177 2390 6612`, `50011419580921026X`).
//!
//! They are found once, where a value enters a letter: the registry's escape function marks
//! every piece of case data and every helper's output (a date, a datetime, a number), and the
//! layout marks the number, dates and issuer lines it writes itself. A marked run is enclosed in
//! two private-use characters, [`START`] and [`END`], which case data can never contain (the escape
//! function replaces private-use characters typed into data). The HTML writer turns a marked run
//! into `<span class="nb">…</span>` (`white-space: nowrap`), the plain text drops the marks (it
//! places lines, it never breaks them inside a line).

/// Opens a run that must not break.
pub const START: char = '\u{E005}';
/// Closes a run that must not break.
pub const END: char = '\u{E006}';

/// True for the two marks.
pub fn is_mark(c: char) -> bool {
    c == START || c == END
}

/// `s` without its marks.
pub fn strip(s: &str) -> String {
    s.chars().filter(|&c| !is_mark(c)).collect()
}

/// `s` as one unbreakable run (a value the layout knows to be a number).
pub fn whole(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    format!("{START}{s}{END}")
}

/// `s` with every number, date and time in it marked; `map` is applied to each character that
/// is kept (the escape function's replacements), and returning None drops the character.
pub fn mark_with(s: &str, map: impl Fn(char) -> Option<char>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let runs = runs(&chars);
    let mut out = String::with_capacity(s.len() + runs.len() * 6);
    let mut next = runs.iter().peekable();
    for (i, &c) in chars.iter().enumerate() {
        if next.peek().is_some_and(|r| r.0 == i) {
            out.push(START);
        }
        if let Some(c) = map(c) {
            out.push(c);
        }
        if next.peek().is_some_and(|r| r.1 == i + 1) {
            out.push(END);
            next.next();
        }
    }
    out
}

/// The runs (character ranges, start inclusive, end exclusive) of `chars` that must not break,
/// in order and not overlapping.
fn runs(chars: &[char]) -> Vec<(usize, usize)> {
    // A whole value that is an allocated document number: its prefix belongs to it.
    if let Some(end) = allocated_whole(chars) {
        return vec![(0, end)];
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let after_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let found = court_number(chars, i)
            .or_else(|| year_serial(chars, i))
            .or_else(|| (!after_digit).then(|| arabic_date(chars, i)).flatten())
            .or_else(|| (!after_digit).then(|| time(chars, i)).flatten())
            .or_else(|| chinese_date(chars, i))
            .or_else(|| blank_date_or_time(chars, i))
            .or_else(|| (!after_digit).then(|| age(chars, i)).flatten())
            .or_else(|| (!after_digit).then(|| digit_run(chars, i)).flatten());
        match found {
            Some(end) if end > i + 1 => {
                out.push((i, end));
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

fn digits(chars: &[char], i: usize, min: usize, max: usize) -> Option<usize> {
    let n = chars[i.min(chars.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (min..=max).contains(&n).then_some(i + n)
}

fn is(chars: &[char], i: usize, c: char) -> bool {
    chars.get(i) == Some(&c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFD)
}

/// `（2026）渝0114民特41号`, with `之一` … after it.
fn court_number(chars: &[char], i: usize) -> Option<usize> {
    if !is(chars, i, '（') {
        return None;
    }
    let j = digits(chars, i + 1, 4, 4)?;
    if !is(chars, j, '）') {
        return None;
    }
    let mut k = j + 1;
    while k < chars.len() && chars[k] != '号' && (is_cjk(chars[k]) || chars[k].is_ascii_digit()) {
        k += 1;
    }
    if k == j + 1 || !is(chars, k, '号') || !chars[k - 1].is_ascii_digit() {
        return None;
    }
    Some(serial_suffix(chars, k + 1))
}

/// After `号`: `之一`, `之十二`, `之二十` … (one ordinal, so `之一一案` keeps `一案` out).
fn serial_suffix(chars: &[char], i: usize) -> usize {
    const ONE_TO_NINE: &str = "一二三四五六七八九";
    if !is(chars, i, '之') {
        return i;
    }
    let unit = |k: usize| chars.get(k).is_some_and(|c| ONE_TO_NINE.contains(*c));
    let ten = |k: usize| is(chars, k, '十');
    let mut k = i + 1;
    if ten(k) {
        k += 1;
        if unit(k) {
            k += 1;
        }
    } else if unit(k) {
        k += 1;
        if ten(k) {
            k += 1;
            if unit(k) {
                k += 1;
            }
        }
    } else {
        return i;
    }
    k
}

/// `〔2026〕41号` inside running text (the prefix before it cannot be told from the words).
fn year_serial(chars: &[char], i: usize) -> Option<usize> {
    if !is(chars, i, '〔') {
        return None;
    }
    let j = digits(chars, i + 1, 4, 4)?;
    if !is(chars, j, '〕') {
        return None;
    }
    let k = digits(chars, j + 1, 1, 9)?;
    is(chars, k, '号').then_some(k + 1)
}

/// A whole value `代字〔2026〕41号` (no spaces, a prefix of at most 30 characters).
fn allocated_whole(chars: &[char]) -> Option<usize> {
    let open = chars.iter().position(|&c| c == '〔')?;
    if open == 0 || open > 30 || chars[..open].iter().any(|c| c.is_whitespace()) {
        return None;
    }
    let end = year_serial(chars, open)?;
    (end == chars.len()).then_some(end)
}

/// `2026年`, `2026年11月`, `2026年11月24日`, or `11月24日`.
fn arabic_date(chars: &[char], i: usize) -> Option<usize> {
    let month_day = |k: usize| -> Option<usize> {
        let m = digits(chars, k, 1, 2)?;
        if !is(chars, m, '月') {
            return None;
        }
        let d = match digits(chars, m + 1, 1, 2) {
            Some(d) if is(chars, d, '日') => d + 1,
            _ => m + 1,
        };
        Some(d)
    };
    if let Some(y) = digits(chars, i, 4, 4)
        && is(chars, y, '年')
    {
        return Some(month_day(y + 1).unwrap_or(y + 1));
    }
    let end = month_day(i)?;
    // A month alone (`11月`) is short enough; a month and a day is a date.
    is(chars, end - 1, '日').then_some(end)
}

/// `13时`, `13时00分`, `9时40分`.
fn time(chars: &[char], i: usize) -> Option<usize> {
    let h = digits(chars, i, 1, 2)?;
    if !is(chars, h, '时') {
        return None;
    }
    match digits(chars, h + 1, 1, 2) {
        Some(m) if is(chars, m, '分') => Some(m + 1),
        _ => Some(h + 1),
    }
}

/// `二〇二六年十一月二十四日` (court documents), or its year and month alone.
fn chinese_date(chars: &[char], i: usize) -> Option<usize> {
    const DIGIT: &str = "〇零一二三四五六七八九";
    const NUMBER: &str = "一二三四五六七八九十";
    let run = |k: usize, set: &str, max: usize| {
        let n = chars[k.min(chars.len())..]
            .iter()
            .take_while(|c| set.contains(**c))
            .count();
        (1..=max).contains(&n).then_some(k + n)
    };
    if i > 0 && DIGIT.contains(chars[i - 1]) {
        return None;
    }
    let y = run(i, DIGIT, 4)?;
    if y - i != 4 || !is(chars, y, '年') {
        return None;
    }
    let Some(m) = run(y + 1, NUMBER, 2).filter(|&m| is(chars, m, '月')) else {
        return Some(y + 1);
    };
    match run(m + 1, NUMBER, 3) {
        Some(d) if is(chars, d, '日') => Some(d + 1),
        _ => Some(m + 1),
    }
}

/// An age, `7周岁` (what the `age` helper prints), or its blank `＿＿周岁`.
fn age(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && chars[i - 1] == '＿' {
        return None;
    }
    let n = chars[i..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == '＿')
        .count();
    let years = chars[i..i + n].iter().all(char::is_ascii_digit)
        || chars[i..i + n].iter().all(|c| *c == '＿');
    ((1..=3).contains(&n) && years && is(chars, i + n, '周') && is(chars, i + n + 1, '岁'))
        .then_some(i + n + 2)
}

/// A telephone or identity number: digits in groups joined by one space or hyphen, masked digits
/// (`×`) and an identity number's final `X` (`177 2390 6612`, `010-8537××××`,
/// `50011419580921026X`); at least three characters.
fn digit_run(chars: &[char], i: usize) -> Option<usize> {
    let digit = |k: usize| {
        chars
            .get(k)
            .is_some_and(|c| c.is_ascii_digit() || *c == '×')
    };
    if !chars.get(i).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let mut k = i;
    loop {
        while digit(k) {
            k += 1;
        }
        if matches!(chars.get(k), Some(' ' | '-')) && digit(k + 1) {
            k += 1;
            continue;
        }
        break;
    }
    if matches!(chars.get(k), Some('X' | 'x')) && k - i == 17 {
        k += 1;
    }
    (k - i >= 3).then_some(k)
}

/// A blank date or time to fill in by hand: `＿＿＿＿年＿＿月＿＿日`, `＿＿时＿＿分`.
fn blank_date_or_time(chars: &[char], i: usize) -> Option<usize> {
    let blanks = |k: usize, then: char| -> Option<usize> {
        let n = chars[k.min(chars.len())..]
            .iter()
            .take_while(|&&c| c == '＿')
            .count();
        (n > 0 && is(chars, k + n, then)).then_some(k + n + 1)
    };
    if i > 0 && chars[i - 1] == '＿' {
        return None;
    }
    if let Some(y) = blanks(i, '年') {
        let m = blanks(y, '月')?;
        return Some(blanks(m, '日').unwrap_or(m));
    }
    let h = blanks(i, '时')?;
    Some(blanks(h, '分').unwrap_or(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(s: &str) -> String {
        mark_with(s, Some)
    }

    /// The marked runs as `[…]`, to read.
    fn show(s: &str) -> String {
        mark(s).replace(START, "[").replace(END, "]")
    }

    #[test]
    fn numbers_dates_and_times_are_marked_whole() {
        assert_eq!(
            show("京公朝（望）受案字〔2026〕1187号"),
            "[京公朝（望）受案字〔2026〕1187号]"
        );
        assert_eq!(
            show("本院在审理（2026）渝0114民特88号一案中"),
            "本院在审理[（2026）渝0114民特88号]一案中"
        );
        assert_eq!(
            show("作出（2026）渝0114民特88号之一一案"),
            "作出[（2026）渝0114民特88号之一]一案"
        );
        assert_eq!(
            show("之十二（2026）京0105民初8812号之十二。"),
            "之十二[（2026）京0105民初8812号之十二]。"
        );
        assert_eq!(show("依据民发〔2021〕5号文件"), "依据民发[〔2021〕5号]文件");
        assert_eq!(
            show("于2026年11月20日9时40分报告，11月18日深夜，2026年起"),
            "于[2026年11月20日][9时40分]报告，[11月18日]深夜，[2026年]起"
        );
        assert_eq!(show("13时00分"), "[13时00分]");
        assert_eq!(show("7周岁"), "[7周岁]");
        assert_eq!(show("＿＿周岁"), "[＿＿周岁]");
        assert_eq!(show("未满16周岁的"), "未满[16周岁]的");
        assert_eq!(
            show("二〇二六年十一月二十四日"),
            "[二〇二六年十一月二十四日]"
        );
        assert_eq!(
            show("＿＿＿＿年＿＿月＿＿日＿＿时＿＿分"),
            "[＿＿＿＿年＿＿月＿＿日][＿＿时＿＿分]"
        );
        assert_eq!(
            show("联系电话：177 2390 6612。010-8537××××，身份证50011419580921026X号，12元"),
            "联系电话：[177 2390 6612]。[010-8537××××]，身份证[50011419580921026X]号，12元"
        );
        // Not numbers, dates or times.
        for s in ["每月5日前", "十一月", "＿＿＿＿", "10月", "第3条"] {
            assert_eq!(show(s), s, "{s}");
        }
    }

    #[test]
    fn marks_are_stripped_and_mapped() {
        assert_eq!(strip(&mark("2026年11月24日")), "2026年11月24日");
        assert_eq!(whole(""), "");
        assert_eq!(
            mark_with("a\r2026年", |c| (c != '\r').then_some(c)),
            format!("a{START}2026年{END}")
        );
    }
}
