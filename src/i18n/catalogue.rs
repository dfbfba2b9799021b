//! The Fluent messages of one language, parsed the first time that language is used.
//!
//! Every `.ftl` file is built into the binary; parsing them is what a cold command pays for
//! its words (docs/performance.md, "Cold CLI"), so a command parses only its own language,
//! and the help texts (`help.ftl`, a quarter of the text: `--help`, usage errors) only when
//! a message is not among the others.

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_templates::FluentBundle;
use fluent_templates::fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A `.ftl` file: its name and its text.
pub(super) type Source = (&'static str, &'static str);

/// Declares one language's files, each included from `locales/{dir}/`.
macro_rules! sources {
    ($dir:literal: $($file:literal),+ $(,)?) => {
        &[$(($file, include_str!(concat!("../../locales/", $dir, "/", $file)))),+]
    };
}

/// The files besides `help.ftl`, the same in every language (a test checks the directories).
pub(super) const ZH_FILES: &[Source] = sources!("zh-CN":
    "main.ftl", "client.ftl", "extid.ftl", "idem.ftl", "keys.ftl", "letters.ftl",
    "national.ftl", "office.ftl", "outbox.ftl", "pgmove.ftl", "pgserve.ftl", "pgsuite.ftl",
    "protect.ftl", "served-admin.ftl", "served-letters.ftl", "served-office.ftl");
pub(super) const EN_FILES: &[Source] = sources!("en-US":
    "main.ftl", "client.ftl", "extid.ftl", "idem.ftl", "keys.ftl", "letters.ftl",
    "national.ftl", "office.ftl", "outbox.ftl", "pgmove.ftl", "pgserve.ftl", "pgsuite.ftl",
    "protect.ftl", "served-admin.ftl", "served-letters.ftl", "served-office.ftl");
pub(super) const ZH_HELP: &[Source] = sources!("zh-CN": "help.ftl");
pub(super) const EN_HELP: &[Source] = sources!("en-US": "help.ftl");

/// Every file of language `dir` (`zh-CN`, `en-US`), for the tests that read their text.
#[cfg(test)]
pub(super) fn all_files(dir: &str) -> Vec<Source> {
    let (files, help) = match dir {
        "zh-CN" => (ZH_FILES, ZH_HELP),
        "en-US" => (EN_FILES, EN_HELP),
        _ => (&[][..], &[][..]),
    };
    files.iter().chain(help).copied().collect()
}

/// One language's messages: the common files and the help texts, each parsed on first use.
pub(super) struct Catalogue {
    lang: LanguageIdentifier,
    files: &'static [Source],
    help: &'static [Source],
    common: OnceLock<FluentBundle<FluentResource>>,
    help_bundle: OnceLock<FluentBundle<FluentResource>>,
}

impl Catalogue {
    pub(super) const fn new(
        lang: LanguageIdentifier,
        files: &'static [Source],
        help: &'static [Source],
    ) -> Catalogue {
        Catalogue {
            lang,
            files,
            help,
            common: OnceLock::new(),
            help_bundle: OnceLock::new(),
        }
    }

    /// Message `id` (or `message.attribute`) worded with `args`; None when this language
    /// lacks it or cannot word it (an argument missing), so the caller can fall back.
    pub(super) fn lookup(
        &self,
        id: &str,
        args: Option<&HashMap<std::borrow::Cow<'static, str>, FluentValue<'static>>>,
    ) -> Option<String> {
        let common = self.common.get_or_init(|| bundle(&self.lang, self.files));
        if let Some(text) = word(common, id, args) {
            return Some(text);
        }
        let help = self
            .help_bundle
            .get_or_init(|| bundle(&self.lang, self.help));
        word(help, id, args)
    }
}

/// A bundle of `sources`. A file that does not parse keeps the messages it could read (as
/// Fluent does); the tests read every file and fail on any error.
fn bundle(lang: &LanguageIdentifier, sources: &[Source]) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new_concurrent(vec![lang.clone()]);
    // Isolation marks are invisible characters that break copy-paste and tests.
    bundle.set_use_isolating(false);
    for (_, text) in sources {
        let resource = match FluentResource::try_new((*text).to_owned()) {
            Ok(resource) => resource,
            Err((resource, _)) => resource,
        };
        // A message defined twice keeps its first wording (a test checks there is none).
        let _ = bundle.add_resource(resource);
    }
    bundle
}

fn word(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: Option<&HashMap<std::borrow::Cow<'static, str>, FluentValue<'static>>>,
) -> Option<String> {
    let pattern = match id.split_once('.') {
        Some((message, attribute)) => bundle
            .get_message(message)?
            .attributes()
            .find(|a| a.id() == attribute)?
            .value(),
        None => bundle.get_message(id)?.value()?,
    };
    let args: Option<FluentArgs> =
        args.map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sources: &[Source]) -> Vec<&'static str> {
        let mut names: Vec<_> = sources.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names
    }

    fn on_disk(lang: &str) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("locale dir")
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "ftl"))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn every_ftl_file_of_each_language_is_built_in() {
        for lang in ["zh-CN", "en-US"] {
            assert_eq!(
                names(&all_files(lang)),
                on_disk(lang),
                "locales/{lang}: list a new .ftl file in src/i18n/catalogue.rs"
            );
        }
    }

    /// Across the common files and the help texts too: the common bundle is asked first, so
    /// a message in both would silently shadow its help wording.
    #[test]
    fn every_file_parses_and_defines_each_message_once() {
        for lang in ["zh-CN", "en-US"] {
            let mut bundle: FluentBundle<FluentResource> =
                FluentBundle::new_concurrent(vec![unic_langid::langid!("zh-CN")]);
            for (name, text) in all_files(lang) {
                let resource = FluentResource::try_new((*text).to_owned())
                    .unwrap_or_else(|(_, errors)| panic!("{name}: {errors:?}"));
                if let Err(errors) = bundle.add_resource(resource) {
                    panic!("{name} defines again: {errors:?}");
                }
            }
        }
    }

    #[test]
    fn a_help_text_is_found_after_the_common_messages() {
        let zh = Catalogue::new(unic_langid::langid!("zh-CN"), ZH_FILES, ZH_HELP);
        assert!(zh.lookup("help-wardflow", None).is_some());
        assert!(zh.help_bundle.get().is_some(), "help parsed when asked for");
        let en = Catalogue::new(unic_langid::langid!("en-US"), EN_FILES, EN_HELP);
        assert!(en.lookup("no-such-message", None).is_none());
    }

    #[test]
    fn a_common_message_does_not_parse_the_help_texts() {
        let zh = Catalogue::new(unic_langid::langid!("zh-CN"), ZH_FILES, ZH_HELP);
        let (id, _) = ZH_FILES[0]
            .1
            .lines()
            .find_map(|l| l.split_once(" = "))
            .expect("a message in main.ftl");
        assert!(zh.lookup(id.trim(), None).is_some(), "{id}");
        assert!(zh.help_bundle.get().is_none());
    }
}
