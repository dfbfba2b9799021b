//! Messages in the user's language, from Fluent files under `locales/` (zh-CN is the default).

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        // Isolation marks are invisible characters that break copy-paste and tests.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

const ZH: LanguageIdentifier = langid!("zh-CN");
const EN: LanguageIdentifier = langid!("en-US");

/// The languages wardflow speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `--lang`/`WARDFLOW_LANG` if given, else English for an English locale, else Chinese.
    pub fn resolve(flag: Option<Lang>) -> Lang {
        if let Some(lang) = flag {
            return lang;
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default();
        if locale.starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// A translator for one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    fn id(&self) -> LanguageIdentifier {
        match self.lang {
            Lang::Zh => ZH,
            Lang::En => EN,
        }
    }

    /// A message without arguments.
    pub fn t(&self, id: &str) -> String {
        LOCALES.lookup(&self.id(), id)
    }

    /// A message, if the language has it (no fallback to the other language).
    pub fn try_t(&self, id: &str) -> Option<String> {
        LOCALES
            .lookup_single_language::<&str>(&self.id(), id, None)
            .ok()
    }

    /// A message with named arguments.
    pub fn args(&self, id: &str, args: Vec<(&'static str, FluentValue<'static>)>) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect();
        LOCALES.lookup_with_args(&self.id(), id, &map)
    }

    /// `key（title）` in Chinese, `key (title)` in English; just `key` when there is no title.
    pub fn key_title(&self, key: &str, title: &str) -> String {
        if title.is_empty() || title == key {
            return key.to_owned();
        }
        match self.lang {
            Lang::Zh => format!("{key}（{title}）"),
            Lang::En => format!("{key} ({title})"),
        }
    }

    /// Joins a list the way the language does.
    pub fn list(&self, items: &[String]) -> String {
        match self.lang {
            Lang::Zh => items.join("、"),
            Lang::En => items.join(", "),
        }
    }
}

/// `tr!(tr, "message-id")` or `tr!(tr, "message-id", name = value, ...)`.
#[macro_export]
macro_rules! tr {
    ($tr:expr, $id:literal) => {
        $tr.t($id)
    };
    ($tr:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $tr.args(
            $id,
            vec![$((stringify!($name), fluent_templates::fluent_bundle::FluentValue::from($value))),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `tr!(…, "id")` in the sources, found by reading them.
    fn ids_in_sources() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    let text = std::fs::read_to_string(&path).expect("source file");
                    for (i, _) in text.match_indices("tr!(") {
                        let rest = &text[i..];
                        let Some(open) = rest.find('"') else { continue };
                        let after = &rest[open + 1..];
                        let Some(close) = after.find('"') else {
                            continue;
                        };
                        let id = &after[..close];
                        if !id.is_empty()
                            && id
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                            && id != "message-id"
                        {
                            out.push(id.to_owned());
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out.sort();
        out.dedup();
        out
    }

    /// Every `.ftl` file of a locale, as the loader reads them (all files in the directory).
    pub(crate) fn locale_text(lang: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut text = String::new();
        for entry in std::fs::read_dir(dir).expect("locale dir").flatten() {
            if entry.path().extension().is_some_and(|e| e == "ftl") {
                text.push_str(&std::fs::read_to_string(entry.path()).expect("locale file"));
                text.push('\n');
            }
        }
        text
    }

    #[test]
    fn every_message_the_code_uses_exists_in_both_languages() {
        let ids = ids_in_sources();
        assert!(
            ids.len() > 100,
            "found only {} ids: the scan is broken",
            ids.len()
        );
        for lang in ["zh-CN", "en-US"] {
            let ftl = locale_text(lang);
            let declared: Vec<&str> = ftl
                .lines()
                .filter_map(|l| l.split_once(" = ").map(|(id, _)| id))
                .collect();
            let missing: Vec<&String> = ids
                .iter()
                .filter(|id| !declared.contains(&id.as_str()))
                .collect();
            assert!(missing.is_empty(), "{lang}: missing {missing:?}");
        }
    }

    #[test]
    fn messages_carry_no_invisible_isolation_marks() {
        let tr = Tr { lang: Lang::Zh };
        let text = tr.args(
            "unknown-case",
            vec![("case", FluentValue::from("2026-000001"))],
        );
        assert_eq!(text, "没有编号为 2026-000001 的案件。");
    }
}
