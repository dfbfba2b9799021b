//! The Fluent messages of one language, each parsed the first time it is worded.
//!
//! Every `.ftl` file is built into the binary; parsing them is what a cold command pays for
//! its words (docs/performance.md, "Cold CLI"), so a command parses only the entries it words
//! (and the messages and terms they refer to) of its own language: the files are indexed by
//! entry id with a scan of their lines, and the help texts (`help.ftl`, a quarter of the text:
//! `--help`, usage errors) only when a message is not among the others.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use fluent_templates::FluentBundle;
use fluent_templates::fluent_bundle::resolver::ResolverError;
use fluent_templates::fluent_bundle::resolver::errors::ReferenceKind;
use fluent_templates::fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A `.ftl` file: its name, its text and where each of its entries is in the text.
#[derive(Clone, Copy)]
pub(super) struct Source {
    /// Only the tests read it (every file on disk is built in).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) name: &'static str,
    pub(super) text: &'static str,
    /// Found when the binary is compiled ([`scan`]), so a cold command scans nothing.
    entries: &'static [Entry],
}

/// One entry of a `.ftl` text: its id is `text[start..id_end]` (a term's with its `-`), its
/// whole text `text[start..end]`.
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    id_end: usize,
    end: usize,
}

/// A [`Source`] of `$text`, its entries found by the compiler.
macro_rules! source {
    ($name:expr, $text:expr) => {{
        const TEXT: &str = $text;
        const COUNT: usize = scan::<0>(TEXT).0;
        const ENTRIES: [Entry; COUNT] = scan::<COUNT>(TEXT).1;
        Source {
            name: $name,
            text: TEXT,
            entries: &ENTRIES,
        }
    }};
}

/// Declares one language's files, each included from `locales/{dir}/`.
macro_rules! sources {
    ($dir:literal: $($file:literal),+ $(,)?) => {
        &[$(source!($file, include_str!(concat!("../../locales/", $dir, "/", $file)))),+]
    };
}

/// The entries of a `.ftl` text: how many there are, and the first `N` of them. An entry
/// starts at a line that begins, at column 0, with an identifier and `=` ([`id_len`]), and
/// runs to the next such line or a comment at column 0: everything that continues an entry
/// (its pattern's lines, variants, attributes, a closing `}`) is indented or starts with `}`,
/// `[`, `*` or `.`. A `const fn`, run by the compiler: counted with `N = 0`, then filled.
const fn scan<const N: usize>(text: &str) -> (usize, [Entry; N]) {
    let bytes = text.as_bytes();
    let mut entries = [Entry {
        start: 0,
        id_end: 0,
        end: 0,
    }; N];
    // Entries closed so far; while `open`, entry `count` is the one being read.
    let mut count = 0;
    let mut open = false;
    let mut at = 0;
    while at < bytes.len() {
        let id = id_len(bytes, at);
        if id > 0 || bytes[at] == b'#' {
            if open {
                if count < N {
                    entries[count].end = at;
                }
                count += 1;
                open = false;
            }
            if id > 0 {
                if count < N {
                    entries[count] = Entry {
                        start: at,
                        id_end: at + id,
                        end: at,
                    };
                }
                open = true;
            }
        }
        while at < bytes.len() && bytes[at] != b'\n' {
            at += 1;
        }
        at += 1;
    }
    if open {
        if count < N {
            entries[count].end = bytes.len();
        }
        count += 1;
    }
    (count, entries)
}

/// The length of the id that the line at `at` starts an entry with (`name =`, `-name =` at
/// column 0), or 0.
const fn id_len(bytes: &[u8], at: usize) -> usize {
    let mut i = at;
    if i < bytes.len() && bytes[i] == b'-' {
        i += 1;
    }
    if !(i < bytes.len() && bytes[i].is_ascii_alphabetic()) {
        return 0;
    }
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-' || bytes[i] == b'_')
    {
        i += 1;
    }
    let end = i;
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'=' {
        end - at
    } else {
        0
    }
}

/// The text of entry `id` (`name` or `-name`) in the first of `sources` that has it.
fn find(sources: &'static [Source], id: &str) -> Option<&'static str> {
    sources.iter().find_map(|source| {
        source
            .entries
            .iter()
            .find(|e| e.id_end - e.start == id.len() && &source.text[e.start..e.id_end] == id)
            .map(|e| &source.text[e.start..e.end])
    })
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

/// One language's messages: the common files and the help texts.
pub(super) struct Catalogue {
    lang: LanguageIdentifier,
    common: Part,
    help: Part,
}

impl Catalogue {
    pub(super) const fn new(
        lang: LanguageIdentifier,
        files: &'static [Source],
        help: &'static [Source],
    ) -> Catalogue {
        Catalogue {
            lang,
            common: Part::new(files),
            help: Part::new(help),
        }
    }

    /// Message `id` (or `message.attribute`) worded with `args`; None when this language
    /// lacks it or cannot word it (an argument missing), so the caller can fall back.
    pub(super) fn lookup(&self, id: &str, args: Option<&Args>) -> Option<String> {
        self.common
            .lookup(&self.lang, id, args)
            .or_else(|| self.help.lookup(&self.lang, id, args))
    }
}

/// A message's arguments as `Tr` holds them.
pub(super) type Args = HashMap<std::borrow::Cow<'static, str>, FluentValue<'static>>;

/// Some `.ftl` files of one language, parsed an entry at a time: a command words a handful of
/// the hundreds of messages, and parsing only those is what keeps a cold command's words cheap
/// (docs/performance.md, "Cold `case show` and `case next` after messages by entry").
struct Part {
    sources: &'static [Source],
    /// Made on first use; behind a lock since a lookup may add entries to the bundle.
    loaded: Mutex<Option<Loaded>>,
}

/// The entries of a part parsed so far, in their bundle.
struct Loaded {
    sources: &'static [Source],
    /// The ids (a term's with its `-`) of the entries added to the bundle.
    added: BTreeSet<&'static str>,
    bundle: FluentBundle<FluentResource>,
}

impl Part {
    const fn new(sources: &'static [Source]) -> Part {
        Part {
            sources,
            loaded: Mutex::new(None),
        }
    }

    fn lookup(&self, lang: &LanguageIdentifier, id: &str, args: Option<&Args>) -> Option<String> {
        // A lock poisoned by a panic while wording is still usable: at worst an entry is marked
        // added without being in the bundle, and its message falls back like a missing one.
        let mut guard = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let loaded = guard.get_or_insert_with(|| Loaded::new(lang, self.sources));
        let (text, errors) = loaded.format(id, args)?;
        errors.is_empty().then_some(text)
    }
}

impl Loaded {
    fn new(lang: &LanguageIdentifier, sources: &'static [Source]) -> Loaded {
        let mut bundle = FluentBundle::new_concurrent(vec![lang.clone()]);
        // Isolation marks are invisible characters that break copy-paste and tests.
        bundle.set_use_isolating(false);
        Loaded {
            sources,
            added: BTreeSet::new(),
            bundle,
        }
    }

    /// Parses entry `id` (`name` or `-name`) into the bundle unless it is there already;
    /// false when there is no such entry or it was added before.
    fn add(&mut self, id: &str) -> bool {
        if self.added.contains(id) {
            return false;
        }
        // A message defined twice keeps its first wording, as a bundle of the whole files
        // would (a test checks there is none).
        let Some(text) = find(self.sources, id) else {
            return false;
        };
        self.added.insert(&text[..id.len()]);
        // An entry that does not parse keeps what it could read, as Fluent does with a file;
        // the tests parse every file and fail on any error.
        let resource = match FluentResource::try_new((*text).to_owned()) {
            Ok(resource) => resource,
            Err((resource, _)) => resource,
        };
        let _ = self.bundle.add_resource(resource);
        true
    }

    /// Message `id` (or `message.attribute`) worded with `args`, and the errors met on the
    /// way, as a bundle of the whole files would give them; None when there is no such
    /// message or attribute. The messages and terms it refers to are parsed as the wording
    /// meets them: the resolver names each one it lacks, and the wording is done again until
    /// nothing it names is left to add.
    fn format(&mut self, id: &str, args: Option<&Args>) -> Option<(String, Vec<FluentError>)> {
        let (message, attribute) = match id.split_once('.') {
            Some((message, attribute)) => (message, Some(attribute)),
            None => (id, None),
        };
        // A term is no message: `-name` is never looked up as one.
        if message.starts_with('-') {
            return None;
        }
        self.add(message);
        let args: Option<FluentArgs> =
            args.map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        loop {
            let found = self.bundle.get_message(message)?;
            let pattern = match attribute {
                Some(attribute) => found.attributes().find(|a| a.id() == attribute)?.value(),
                None => found.value()?,
            };
            let mut errors = Vec::new();
            let text = self
                .bundle
                .format_pattern(pattern, args.as_ref(), &mut errors)
                .into_owned();
            let lacking: Vec<String> = errors.iter().filter_map(unknown_entry).collect();
            let mut grew = false;
            for entry in lacking {
                grew |= self.add(&entry);
            }
            if !grew {
                return Some((text, errors));
            }
        }
    }
}

/// The id of the entry an error says is unknown (a term's with its `-`).
fn unknown_entry(error: &FluentError) -> Option<String> {
    match error {
        FluentError::ResolverError(ResolverError::Reference(ReferenceKind::Message {
            id, ..
        })) => Some(id.clone()),
        FluentError::ResolverError(ResolverError::Reference(ReferenceKind::Term {
            id, ..
        })) => Some(format!("-{id}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sources: &[Source]) -> Vec<&'static str> {
        let mut names: Vec<_> = sources.iter().map(|s| s.name).collect();
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
            for Source { name, text, .. } in all_files(lang) {
                let resource = FluentResource::try_new(text.to_owned())
                    .unwrap_or_else(|(_, errors)| panic!("{name}: {errors:?}"));
                if let Err(errors) = bundle.add_resource(resource) {
                    panic!("{name} defines again: {errors:?}");
                }
            }
        }
    }

    fn parsed(part: &Part) -> usize {
        part.loaded
            .lock()
            .ok()
            .and_then(|l| l.as_ref().map(|l| l.added.len()))
            .unwrap_or(0)
    }

    #[test]
    fn a_help_text_is_found_after_the_common_messages() {
        let zh = Catalogue::new(unic_langid::langid!("zh-CN"), ZH_FILES, ZH_HELP);
        assert!(zh.lookup("help-wardflow", None).is_some());
        assert_eq!(parsed(&zh.help), 1, "help parsed when asked for");
        let en = Catalogue::new(unic_langid::langid!("en-US"), EN_FILES, EN_HELP);
        assert!(en.lookup("no-such-message", None).is_none());
    }

    #[test]
    fn a_common_message_parses_only_its_own_entry() {
        let zh = Catalogue::new(unic_langid::langid!("zh-CN"), ZH_FILES, ZH_HELP);
        let (id, _) = ZH_FILES[0]
            .text
            .lines()
            .find_map(|l| l.split_once(" = "))
            .expect("a message in main.ftl");
        assert!(zh.lookup(id.trim(), None).is_some(), "{id}");
        assert_eq!(parsed(&zh.common), 1);
        assert!(zh.help.loaded.lock().is_ok_and(|l| l.is_none()));
    }

    /// The whole files in one bundle, as the catalogue parsed them before it parsed entries.
    fn whole(sources: &[Source]) -> FluentBundle<FluentResource> {
        let mut bundle = FluentBundle::new_concurrent(vec![unic_langid::langid!("zh-CN")]);
        bundle.set_use_isolating(false);
        for source in sources {
            let resource = FluentResource::try_new(source.text.to_owned())
                .unwrap_or_else(|(resource, _)| resource);
            let _ = bundle.add_resource(resource);
        }
        bundle
    }

    fn format_whole(
        bundle: &FluentBundle<FluentResource>,
        id: &str,
        args: Option<&Args>,
    ) -> Option<(String, Vec<FluentError>)> {
        let (message, attribute) = match id.split_once('.') {
            Some((m, a)) => (m, Some(a)),
            None => (id, None),
        };
        let found = bundle.get_message(message)?;
        let pattern = match attribute {
            Some(a) => found.attributes().find(|x| x.id() == a)?.value(),
            None => found.value()?,
        };
        let args: Option<FluentArgs> =
            args.map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
        Some((text.into_owned(), errors))
    }

    /// Every message and attribute of `sources` (and a few ids that are none), worded from
    /// the entries parsed one at a time and from the whole files: without arguments, with
    /// every variable the entry names set to a number, and set to a word.
    fn same_both_ways(sources: &'static [Source]) -> usize {
        let whole_bundle = whole(sources);
        let mut ids: Vec<String> = vec!["no-such".into(), "-no-such".into(), "x.y.z".into()];
        let mut variables: Vec<String> = Vec::new();
        for source in sources {
            let text = source.text;
            // Every line at column 0 that looks like a definition, read without the index, so
            // an entry the index misses is compared too (and found missing).
            for line in text.lines() {
                if !line.starts_with(['#', ' ', '}', '[', '*', '.'])
                    && let Some((id, _)) = line.split_once('=')
                {
                    ids.push(id.trim().to_owned());
                }
            }
            for e in source.entries {
                let (id, entry) = (&text[e.start..e.id_end], &text[e.start..e.end]);
                ids.push(id.to_owned());
                ids.push(format!("{id}.no-such"));
                for line in entry.lines() {
                    if let Some(attribute) = line.trim_start().strip_prefix('.')
                        && let Some((name, _)) = attribute.split_once('=')
                    {
                        ids.push(format!("{id}.{}", name.trim()));
                    }
                }
                for (i, _) in entry.match_indices('$') {
                    let name: String = entry[i + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    variables.push(name);
                }
            }
        }
        variables.sort();
        variables.dedup();
        let numbers: Args = variables
            .iter()
            .map(|v| (v.clone().into(), FluentValue::from(1)))
            .collect();
        let words: Args = variables
            .iter()
            .map(|v| (v.clone().into(), FluentValue::from("other")))
            .collect();
        let mut compared = 0;
        for args in [None, Some(&numbers), Some(&words)] {
            // A fresh part for each message, so none finds what another parsed.
            for id in &ids {
                let part = Part::new(sources);
                let mut guard = part.loaded.lock().unwrap_or_else(|e| e.into_inner());
                let loaded = guard
                    .get_or_insert_with(|| Loaded::new(&unic_langid::langid!("zh-CN"), sources));
                let lazily = loaded.format(id, args);
                let wholly = format_whole(&whole_bundle, id, args);
                assert_eq!(lazily, wholly, "{id} with {args:?}");
                compared += usize::from(wholly.is_some());
            }
        }
        compared
    }

    #[test]
    fn every_message_is_worded_alike_from_its_entry_and_from_the_whole_files() {
        for lang in ["zh-CN", "en-US"] {
            let (files, help) = match lang {
                "zh-CN" => (ZH_FILES, ZH_HELP),
                _ => (EN_FILES, EN_HELP),
            };
            assert!(
                same_both_ways(files) > 500,
                "{lang}: the scan found too few"
            );
            assert!(same_both_ways(help) > 200, "{lang}: help found too few");
        }
    }

    /// Messages and terms that refer to others, in patterns, selectors, variants and
    /// attributes, a reference to nothing, and a cycle.
    const REFERRING: &[Source] = &[
        source!(
            "a.ftl",
            "# a comment\n\
             -brand = 卫童\n\
             \x20   .gender = neuter\n\
             greeting = 你好，{ -brand }！{ name }\n\
             name = { -brand.gender ->\n\
             \x20   [neuter] 它\n\
             \x20  *[other] { $who ->\n\
             \x20       [me] 我\n\
             \x20      *[x] { missing }\n\
             \x20   }\n\
             }\n\
             ## a group\n\
             \n\
             titled = 有标题\n\
             \x20   .title = 标题 { nested }\n\
             with-attribute = { titled.title } / { -brand(case: \"x\") }\n\
             cycle-a = { cycle-b }\n"
        ),
        source!(
            "b.ftl",
            "nested = 嵌套 { -deep }\n\
             -deep = 深\n\
             \n\
             \x20   多行\n\
             cycle-b = { cycle-a }\n\
             dangling = { -nowhere } { nowhere.attr } { $x }\n\
             greeting = defined again, ignored\n"
        ),
    ];

    #[test]
    fn references_to_messages_and_terms_resolve_as_in_the_whole_files() {
        assert!(same_both_ways(REFERRING) >= 8);
        let zh = Catalogue::new(unic_langid::langid!("zh-CN"), REFERRING, &[]);
        assert_eq!(
            zh.lookup("greeting", None).as_deref(),
            Some("你好，卫童！它")
        );
        assert_eq!(
            zh.lookup("with-attribute", None).as_deref(),
            Some("标题 嵌套 深\n\n多行 / 卫童")
        );
        assert_eq!(zh.lookup("-brand", None), None, "a term is no message");
        assert_eq!(zh.lookup("cycle-a", None), None);
        assert_eq!(zh.lookup("dangling", None), None);
    }
}
