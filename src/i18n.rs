//! Messages in the user's language, from Fluent files under `locales/` (zh-CN is the default).

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use unic_langid::langid;

mod catalogue;

use catalogue::Catalogue;

/// Chinese, the default and the fallback for a message English lacks.
static ZH: Catalogue = Catalogue::new(langid!("zh-CN"), catalogue::ZH_FILES, catalogue::ZH_HELP);
static EN: Catalogue = Catalogue::new(langid!("en-US"), catalogue::EN_FILES, catalogue::EN_HELP);

/// The languages wardflow speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language's key, as typed (`zh`, `en`).
    pub fn key(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language a key names (`zh`, `en`).
    pub fn from_str_key(key: &str) -> Option<Lang> {
        match key.trim() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

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
    fn catalogue(&self) -> &'static Catalogue {
        match self.lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// Message `id` in the language, else in Chinese, else a line naming the missing id.
    fn word(
        &self,
        id: &str,
        args: Option<&HashMap<Cow<'static, str>, FluentValue<'static>>>,
    ) -> String {
        self.catalogue()
            .lookup(id, args)
            .or_else(|| match self.lang {
                Lang::Zh => None,
                Lang::En => ZH.lookup(id, args),
            })
            .unwrap_or_else(|| format!("Unknown localization key: {id:?}"))
    }

    /// A message without arguments.
    pub fn t(&self, id: &str) -> String {
        self.word(id, None)
    }

    /// A message, if the language has it (no fallback to the other language).
    pub fn try_t(&self, id: &str) -> Option<String> {
        self.catalogue().lookup(id, None)
    }

    /// A message with named arguments.
    pub fn args(&self, id: &str, args: Vec<(&'static str, FluentValue<'static>)>) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect();
        self.word(id, Some(&map))
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

/// A sentence not yet in any language: a message id and its arguments, worded by
/// [`Message::text`] where it is shown. Build one with `msg!("message-id", name = value, …)`.
#[derive(Debug, Clone)]
pub struct Message {
    id: &'static str,
    args: Vec<(&'static str, Arg)>,
    /// Sentences that follow this one (a "did you mean …?").
    then: Vec<Message>,
}

/// One argument of a [`Message`]: a value, a list joined the way the language joins lists, or
/// another message worded in the same language.
#[derive(Debug, Clone)]
pub enum Arg {
    Value(FluentValue<'static>),
    List(Vec<String>),
    Message(Message),
}

impl Message {
    pub fn new(id: &'static str, args: Vec<(&'static str, Arg)>) -> Self {
        Message {
            id,
            args,
            then: Vec::new(),
        }
    }

    /// This sentence followed by `next`.
    pub fn then(mut self, next: Message) -> Self {
        self.then.push(next);
        self
    }

    /// The sentence in `tr`'s language.
    pub fn text(&self, tr: &Tr) -> String {
        let mut text = self.own_text(tr);
        for next in &self.then {
            text.push_str(&next.text(tr));
        }
        text
    }

    fn own_text(&self, tr: &Tr) -> String {
        if self.args.is_empty() {
            return tr.t(self.id);
        }
        let args = self
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Value(v) => v.clone(),
                    Arg::List(items) => FluentValue::from(tr.list(items)),
                    Arg::Message(m) => FluentValue::from(m.text(tr)),
                };
                (*name, value)
            })
            .collect();
        tr.args(self.id, args)
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Self {
        Arg::Message(m)
    }
}

impl From<Vec<String>> for Arg {
    fn from(items: Vec<String>) -> Self {
        Arg::List(items)
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Value(FluentValue::from(s))
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Value(FluentValue::from(s.to_owned()))
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Value(FluentValue::from(n))
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64, f64);

/// `msg!("message-id")` or `msg!("message-id", name = value, ...)`: a [`Message`] to word later.
#[macro_export]
macro_rules! msg {
    ($id:literal) => {
        $crate::i18n::Message::new($id, Vec::new())
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::Message::new(
            $id,
            vec![$((stringify!($name), $crate::i18n::Arg::from($value))),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `tr!(…, "id")` and `msg!("id", …)` in the sources, found by reading them.
    fn ids_in_sources() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    let text = std::fs::read_to_string(&path).expect("source file");
                    let calls = text
                        .match_indices("tr!(")
                        .chain(text.match_indices("msg!("));
                    for (i, _) in calls {
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

    /// Every `.ftl` file of a locale as built into the binary (`catalogue` checks that this is
    /// every file in the locale's directory).
    pub(crate) fn locale_text(lang: &str) -> String {
        catalogue::all_files(lang)
            .iter()
            .flat_map(|source| [source.text, "\n"])
            .collect()
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
    fn a_message_is_worded_in_the_language_it_is_shown_in() {
        let message = crate::msg!(
            "cannot-read",
            path = "a.yaml",
            detail = crate::msg!("ops-no-such-file")
        );
        let zh = message.text(&Tr { lang: Lang::Zh });
        let en = message.text(&Tr { lang: Lang::En });
        assert!(
            zh.contains("a.yaml") && en.contains("a.yaml"),
            "{zh} / {en}"
        );
        assert!(
            zh.contains(&Tr { lang: Lang::Zh }.t("ops-no-such-file")),
            "{zh}"
        );
        assert!(
            en.contains(&Tr { lang: Lang::En }.t("ops-no-such-file")),
            "{en}"
        );
        assert_ne!(zh, en);
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
