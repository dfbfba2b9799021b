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
