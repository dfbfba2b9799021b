//! Handlebars helpers, registered once per renderer. Each adapts its arguments and calls a
//! tested function of `format.rs`. Every helper returns a value, so Handlebars passes what it
//! prints through the registry's escape function like any other expression: a helper can never
//! emit markup.
//!
//! | helper                          | prints                                               |
//! |---------------------------------|------------------------------------------------------|
//! | `{{date x}}`                    | `2026年11月22日` (a datetime's date in Beijing time)  |
//! | `{{date_cn x}}`                 | `二〇二六年十一月二十二日`                            |
//! | `{{datetime x}}`                | `2026年11月20日9时05分`                               |
//! | `{{age birth on}}`              | `8周岁`: full years on the date `on`                  |
//! | `{{cn_num n}}`                  | `十二`                                                |
//! | `{{ground g}}`                  | the words of UPL 92's item for the key `g`           |
//! | `{{ground_ref g}}`              | `《中华人民共和国未成年人保护法》第九十二条第三项`      |
//! | `{{role r}}` / `{{body r}}`     | a role's title (workflow) / its issuing body (profile) |
//! | `{{label x}}`                   | the words for an enum value, from the table's labels |
//! | `{{fill x}}`                    | the value, or a blank line to fill in by hand        |
//! | `{{blank n}}`                   | a blank line of n characters                         |
//!
//! `date`, `date_cn`, `datetime`, `age` and `label` refuse a missing value unless given
//! `optional=true`, in which case they print a blank to fill in by hand.

use std::collections::BTreeMap;
use std::sync::Arc;

use handlebars::{
    Context, Handlebars, Helper, HelperDef, JsonValue, PathAndJson, RenderContext, RenderError,
    RenderErrorReason, ScopedJson,
};

use super::format;

type Labels = BTreeMap<String, BTreeMap<String, String>>;

/// A blank the size of a few characters, to be filled in by hand.
pub fn blank(n: usize) -> String {
    "＿".repeat(n)
}

const DATE_BLANK: &str = "＿＿＿＿年＿＿月＿＿日";
const DATETIME_BLANK: &str = "＿＿＿＿年＿＿月＿＿日＿＿时＿＿分";

struct Simple<F>(F);

impl<F> HelperDef for Simple<F>
where
    F: Fn(&Helper<'_>) -> Result<String, String> + Send + Sync,
{
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        (self.0)(h)
            .map(|s| ScopedJson::Derived(JsonValue::String(s)))
            .map_err(|m| RenderErrorReason::Other(format!("helper `{}`: {m}", h.name())).into())
    }
}

/// `{{role r}}` / `{{body r}}`: a word of the letter's vocabulary, which the renderer puts in
/// the context as `letter.roles` (titles from the case's workflow) and `letter.bodies` (bodies
/// from the profile), so that no role or body is named in the code.
struct Vocab {
    /// The list under `letter`.
    list: &'static str,
    /// How a key not in it is refused.
    missing: &'static str,
}

impl HelperDef for Vocab {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let fail = |m: String| RenderErrorReason::Other(format!("helper `{}`: {m}", h.name()));
        let key = text_param(h, 0)
            .map_err(&fail)?
            .ok_or_else(|| fail("no role".into()))?;
        let word = ctx
            .data()
            .get("letter")
            .and_then(|l| l.get(self.list))
            .and_then(|words| words.get(&key))
            .and_then(JsonValue::as_str)
            .ok_or_else(|| fail(format!("`{key}` {}", self.missing)))?;
        Ok(ScopedJson::Derived(JsonValue::String(word.to_owned())))
    }
}

fn is_missing(p: Option<&PathAndJson<'_>>) -> bool {
    p.is_none_or(|p| p.is_value_missing() || p.value().is_null())
}

fn optional(h: &Helper<'_>) -> bool {
    h.hash_get("optional")
        .is_some_and(|v| v.value().as_bool() == Some(true))
}

fn path_of(p: Option<&PathAndJson<'_>>) -> String {
    p.and_then(|p| p.relative_path().cloned())
        .unwrap_or_else(|| "(argument)".to_owned())
}

/// The string value of parameter `i`, or Ok(None) when it is missing and the helper may print a
/// blank.
fn text_param(h: &Helper<'_>, i: usize) -> Result<Option<String>, String> {
    let p = h.param(i);
    if is_missing(p) {
        return if optional(h) {
            Ok(None)
        } else {
            Err(format!("no value for `{}`", path_of(p)))
        };
    }
    match p.map(PathAndJson::value) {
        Some(JsonValue::String(s)) => Ok(Some(s.clone())),
        Some(JsonValue::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(format!("`{}` is not text: {other}", path_of(p))),
        None => unreachable!("checked above"),
    }
}

fn date_helper(
    to_text: fn(jiff::civil::Date) -> String,
) -> impl Fn(&Helper<'_>) -> Result<String, String> + Send + Sync {
    move |h| match text_param(h, 0)? {
        None => Ok(DATE_BLANK.to_owned()),
        Some(s) => format::parse_date_value(&s)
            .map(to_text)
            .ok_or_else(|| format!("`{s}` is not a date")),
    }
}

/// The last segment of a path as the helper saw it (`this.sex` → `sex`), and the path without
/// `this.`, `../` and `@root.`.
fn vocab_candidates(path: &str) -> Vec<String> {
    let mut p = path;
    loop {
        let before = p;
        p = p.trim_start_matches("../");
        p = p.strip_prefix("this.").unwrap_or(p);
        p = p.strip_prefix("@root.").unwrap_or(p);
        p = p.strip_prefix("./").unwrap_or(p);
        if p == before {
            break;
        }
    }
    let p = p.replace('/', ".");
    let mut out = vec![p.clone()];
    if let Some((_, last)) = p.rsplit_once('.') {
        out.push(last.to_owned());
    }
    out
}

/// The widest blank a template may ask for: a line on an A4 page holds about 28 full-width
/// characters, so a few lines' worth is generous, and a template cannot make a letter (or the
/// memory behind it) grow without bound.
pub const MAX_BLANK: u64 = 200;

/// The width a `blank`/`fill` argument asks for (8 when absent), refused beyond `MAX_BLANK`.
fn blank_width(v: Option<&JsonValue>, what: &str) -> Result<usize, String> {
    let Some(v) = v else { return Ok(8) };
    match v.as_u64() {
        Some(n) if n <= MAX_BLANK => Ok(n as usize),
        _ => Err(format!(
            "{what} must be a whole number from 0 to {MAX_BLANK}, not {v}"
        )),
    }
}

/// Registers every helper on `hb`.
pub fn register(hb: &mut Handlebars<'static>, labels: Arc<Labels>) {
    hb.register_helper("date", Box::new(Simple(date_helper(format::date_arabic))));
    hb.register_helper(
        "date_cn",
        Box::new(Simple(date_helper(format::date_chinese))),
    );
    hb.register_helper(
        "datetime",
        Box::new(Simple(|h: &Helper<'_>| match text_param(h, 0)? {
            None => Ok(DATETIME_BLANK.to_owned()),
            Some(s) => {
                format::datetime_arabic(&s).ok_or_else(|| format!("`{s}` is not a datetime"))
            }
        })),
    );
    hb.register_helper(
        "age",
        Box::new(Simple(|h: &Helper<'_>| {
            let Some(birth) = text_param(h, 0)? else {
                return Ok(format!("{}周岁", blank(2)));
            };
            let on = text_param(h, 1)?.ok_or("`age` needs the date to count to")?;
            let birth =
                format::parse_date_value(&birth).ok_or(format!("`{birth}` is not a date"))?;
            let on = format::parse_date_value(&on).ok_or(format!("`{on}` is not a date"))?;
            // The unit is part of the value, so that the age is one run that never breaks
            // (`（7周⏎岁）` in a narrow cell, issue 21).
            Ok(format!("{}周岁", format::age_on(birth, on)))
        })),
    );
    hb.register_helper(
        "cn_num",
        Box::new(Simple(|h: &Helper<'_>| {
            let s = text_param(h, 0)?.ok_or("no number")?;
            let n: u64 = s
                .parse()
                .map_err(|_| format!("`{s}` is not a whole number"))?;
            if n > format::MAX_CHINESE_NUMBER {
                return Err(format!(
                    "`{s}` is too large to write in Chinese numerals (at most {})",
                    format::MAX_CHINESE_NUMBER
                ));
            }
            Ok(format::number_chinese(n))
        })),
    );
    hb.register_helper(
        "ground",
        Box::new(Simple(|h: &Helper<'_>| {
            let key = text_param(h, 0)?.ok_or("no ground")?;
            format::ground(&key)
                .map(|(_, text)| text.to_owned())
                .ok_or_else(|| format!("`{key}` is not a ground of UPL 92"))
        })),
    );
    hb.register_helper(
        "ground_ref",
        Box::new(Simple(|h: &Helper<'_>| {
            let key = text_param(h, 0)?.ok_or("no ground")?;
            format::ground_citation(&key)
                .ok_or_else(|| format!("`{key}` is not a ground of UPL 92"))
        })),
    );
    hb.register_helper(
        "role",
        Box::new(Vocab {
            list: "roles",
            missing: "is not a role of this workflow",
        }),
    );
    hb.register_helper(
        "body",
        Box::new(Vocab {
            list: "bodies",
            missing: "has no issuing body in the profile",
        }),
    );
    hb.register_helper(
        "label",
        Box::new(Simple(move |h: &Helper<'_>| {
            let p = h.param(0);
            let Some(value) = text_param(h, 0)? else {
                return Ok(blank(6));
            };
            let vocabs = match h.hash_get("of").and_then(|v| v.value().as_str()) {
                Some(of) => vec![of.to_owned()],
                None => vocab_candidates(&path_of(p)),
            };
            for v in &vocabs {
                if let Some(words) = labels.get(v) {
                    return words
                        .get(&value)
                        .cloned()
                        .ok_or_else(|| format!("the labels `{v}` have no `{value}`"));
                }
            }
            Err(format!("no labels for `{}`", vocabs.join("` or `")))
        })),
    );
    hb.register_helper(
        "fill",
        Box::new(Simple(|h: &Helper<'_>| {
            let width = blank_width(h.hash_get("width").map(|v| v.value()), "fill width")?;
            let p = h.param(0);
            if is_missing(p) {
                return Ok(blank(width));
            }
            Ok(match p.map(PathAndJson::value) {
                Some(JsonValue::String(s)) if s.trim().is_empty() => blank(width),
                Some(JsonValue::String(s)) => s.clone(),
                Some(JsonValue::Array(items)) if items.is_empty() => blank(width),
                Some(JsonValue::Array(items)) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join("、"),
                Some(JsonValue::Bool(b)) => if *b { "是" } else { "否" }.to_owned(),
                Some(other) => other.to_string(),
                None => blank(width),
            })
        })),
    );
    hb.register_helper(
        "blank",
        Box::new(Simple(|h: &Helper<'_>| {
            let n = blank_width(h.param(0).map(|p| p.value()), "blank")?;
            Ok(blank(n))
        })),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hb() -> Handlebars<'static> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        let mut labels = Labels::new();
        labels.insert(
            "sex".into(),
            [
                ("male".to_owned(), "男".to_owned()),
                ("female".to_owned(), "女".to_owned()),
            ]
            .into(),
        );
        labels.insert(
            "placement.kind".into(),
            [("foster_family".to_owned(), "家庭寄养".to_owned())].into(),
        );
        register(&mut hb, Arc::new(labels));
        hb
    }

    fn render(tpl: &str, data: serde_json::Value) -> Result<String, String> {
        hb().render_template(tpl, &data).map_err(|e| e.to_string())
    }

    #[test]
    fn dates() {
        let d = json!({"d": "2026-11-22", "t": "2026-11-20T01:05:00Z"});
        assert_eq!(render("{{date d}}", d.clone()).unwrap(), "2026年11月22日");
        assert_eq!(
            render("{{date_cn d}}", d.clone()).unwrap(),
            "二〇二六年十一月二十二日"
        );
        assert_eq!(
            render("{{datetime t}}", d.clone()).unwrap(),
            "2026年11月20日9时05分"
        );
        assert_eq!(render("{{date t}}", d.clone()).unwrap(), "2026年11月20日");
        assert_eq!(
            render("{{date x optional=true}}", d.clone()).unwrap(),
            DATE_BLANK
        );
        let e = render("{{date x}}", d).unwrap_err();
        assert!(e.contains("no value for `x`"), "{e}");
    }

    #[test]
    fn age_and_numbers() {
        let d = json!({"b": "2017-11-23", "on": "2026-11-22", "n": 12});
        assert_eq!(render("{{age b on}}", d.clone()).unwrap(), "8周岁");
        assert_eq!(render("{{cn_num n}}", d.clone()).unwrap(), "十二");
        assert_eq!(render("{{cn_num 105}}", d).unwrap(), "一百零五");
    }

    #[test]
    fn grounds_of_upl_92() {
        let d = json!({"g": "guardian_unable_objective"});
        assert!(
            render("{{ground g}}", d.clone())
                .unwrap()
                .starts_with("监护人因自身客观原因")
        );
        assert_eq!(
            render("{{ground_ref g}}", d.clone()).unwrap(),
            "《中华人民共和国未成年人保护法》第九十二条第三项"
        );
        assert!(render("{{ground \"nope\"}}", d).is_err());
    }

    #[test]
    fn roles_and_bodies_come_from_the_letters_vocabulary() {
        let d = json!({"r": "school_liaison", "kids": [{"n": 1}],
                       "letter": {"roles": {"school_liaison": "学校联络员"},
                                  "bodies": {"civil_affairs": "民政局"}}});
        assert_eq!(render("{{role r}}", d.clone()).unwrap(), "学校联络员");
        assert_eq!(
            render("{{#each kids}}{{role ../r}}{{/each}}", d.clone()).unwrap(),
            "学校联络员"
        );
        assert_eq!(
            render("{{body \"civil_affairs\"}}", d.clone()).unwrap(),
            "民政局"
        );
        let e = render("{{role \"police\"}}", d.clone()).unwrap_err();
        assert!(e.contains("`police` is not a role of this workflow"), "{e}");
        let e = render("{{body \"police\"}}", d).unwrap_err();
        assert!(e.contains("`police` has no issuing body"), "{e}");
        let e = render("{{role \"police\"}}", json!({})).unwrap_err();
        assert!(e.contains("`police` is not a role"), "{e}");
    }

    #[test]
    fn labels_by_path_or_vocabulary() {
        let d = json!({"child": {"sex": "female"}, "placement": {"kind": "foster_family"},
                       "kids": [{"sex": "male"}]});
        assert_eq!(render("{{label child.sex}}", d.clone()).unwrap(), "女");
        assert_eq!(
            render("{{label placement.kind}}", d.clone()).unwrap(),
            "家庭寄养"
        );
        assert_eq!(
            render("{{#each kids}}{{label sex}}{{/each}}", d.clone()).unwrap(),
            "男"
        );
        assert_eq!(
            render("{{label \"male\" of=\"sex\"}}", d.clone()).unwrap(),
            "男"
        );
        assert!(render("{{label placement.kind of=\"sex\"}}", d.clone()).is_err());
        assert_eq!(
            render("{{label carer.sex optional=true}}", d).unwrap(),
            blank(6)
        );
    }

    #[test]
    fn fill_prints_a_blank_for_missing_values() {
        let d = json!({"a": "王芳", "e": "", "l": ["甲", "乙"]});
        assert_eq!(render("{{fill a}}", d.clone()).unwrap(), "王芳");
        assert_eq!(render("{{fill e}}", d.clone()).unwrap(), blank(8));
        assert_eq!(render("{{fill x width=3}}", d.clone()).unwrap(), blank(3));
        assert_eq!(render("{{fill l}}", d.clone()).unwrap(), "甲、乙");
        assert_eq!(render("{{blank 2}}", d).unwrap(), "＿＿");
    }

    #[test]
    fn huge_blanks_and_numbers_are_refused_not_allocated_or_panicking() {
        let d =
            json!({"n": "18446744073709551615", "big": "1000000000000", "top": 999_999_999_999u64});
        let e = render("{{blank 99999999999999999}}", d.clone()).unwrap_err();
        assert!(
            e.contains("blank must be a whole number from 0 to 200"),
            "{e}"
        );
        let e = render("{{blank -1}}", d.clone()).unwrap_err();
        assert!(e.contains("blank"), "{e}");
        let e = render("{{fill x width=100000000}}", d.clone()).unwrap_err();
        assert!(e.contains("fill width"), "{e}");
        assert_eq!(render("{{blank 200}}", d.clone()).unwrap(), blank(200));
        for n in ["n", "big"] {
            let e = render(&format!("{{{{cn_num {n}}}}}"), d.clone()).unwrap_err();
            assert!(e.contains("too large"), "{e}");
        }
        assert!(
            render("{{cn_num top}}", d)
                .unwrap()
                .starts_with("九千九百九十九亿")
        );
    }
}
