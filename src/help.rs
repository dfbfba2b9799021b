//! `--help` and clap's own errors in the user's language.
//!
//! The clap derive definitions in `cli/` stay the single description of the command line (and
//! their doc comments its documentation); at startup the built `clap::Command` tree is walked
//! and every text a user reads is replaced from Fluent (`locales/*/help.ftl`):
//!
//! - a command's description: `help-{path}` (`help-case-open`; the root is `help-wardflow`);
//! - an argument's: `help-{path}--{id}` (`help-case-open--set`), else `help-any--{id}` for an
//!   argument that means the same everywhere (`--as`, `--expect-seq`); global options are
//!   defined once on the root (`help-wardflow--db`);
//! - a value's: `help-value-{id}-{value}` (`help-value-lang-zh`);
//! - clap's own `--help`, `--version` and `help` subcommand, the headings, and defaults,
//!   environment variables and value lists, which clap prints in English, are hidden from
//!   clap and written into the argument's text instead.
//!
//! The walk runs after `build()`, so global options have been copied into every subcommand and
//! positional indexes are fixed, and uses `mut_args`/`mut_subcommands`, which keep the order.
//! Parse errors are not printed by clap: `exit` words them by `ErrorKind` with the argument
//! and value clap names, keeps clap's suggestions, and exits 2 like clap.

use std::ffi::OsString;

use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches, ValueEnum};

use crate::cli::Cli;
use crate::failure::{Exit, Shown};
use crate::i18n::{Lang, Tr};
use crate::tr;

/// The language asked for before clap parses: `--lang X`/`--lang=X` on the command line,
/// then `WARDFLOW_LANG`; an unknown value is left for clap to refuse.
pub fn prescan_lang(args: &[OsString]) -> Option<Lang> {
    lang_in_args(args).or_else(|| {
        std::env::var("WARDFLOW_LANG")
            .ok()
            .and_then(|v| Lang::from_str(&v, false).ok())
    })
}

/// `--lang X` or `--lang=X` before any `--`; the last one wins, as in clap.
fn lang_in_args(args: &[OsString]) -> Option<Lang> {
    let mut words = args.iter().skip(1).map(|a| a.to_str());
    let mut given = None;
    while let Some(word) = words.next() {
        match word {
            Some("--") => break,
            Some("--lang") => given = words.next().flatten().map(str::to_owned),
            Some(w) if w.starts_with("--lang=") => given = Some(w["--lang=".len()..].to_owned()),
            _ => {}
        }
    }
    given.and_then(|v| Lang::from_str(&v, false).ok())
}

/// Whether `--json` was given, for reporting a parse error as JSON.
pub fn prescan_json(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// Parses the command line with help and errors in the resolved language; exits on `--help`,
/// `--version` and any usage error.
///
/// A command line that parses shows no text of the tree, so it is parsed by the tree as
/// built; only help and usage errors parse it again with the localized tree, whose texts
/// they print (`--version` prints no text of it at all). Localizing looks up every argument
/// of every command in Fluent, two thirds of a cold command's instructions
/// (docs/performance.md, "Cold CLI"); the texts never change how a line parses, so the second
/// parse meets the same outcome.
pub fn parse(tr: &Tr, json: bool, args: Vec<OsString>) -> (Cli, clap::ArgMatches) {
    let mut tree = Cli::command();
    let parsed = tree.try_get_matches_from_mut(&args);
    // The tree is left to the process's end rather than dropped: freeing its thousands of
    // allocations is a tenth of a cold `case show` (0.7 M instructions, docs/performance.md),
    // and this runs once per process.
    std::mem::forget(tree);
    let matches = match parsed {
        Ok(m) => m,
        // The version line holds no text to translate.
        Err(e) if e.kind() == ErrorKind::DisplayVersion => exit(tr, json, e),
        Err(_) => match command(tr).try_get_matches_from(args) {
            Ok(m) => m,
            Err(e) => exit(tr, json, e),
        },
    };
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => (cli, matches),
        Err(e) => exit(tr, json, e),
    }
}

/// The whole command tree, built, with every text in `tr`'s language.
pub fn command(tr: &Tr) -> Command {
    let mut cmd = Cli::command();
    cmd.build();
    localize(cmd, &[], tr)
}

/// The Fluent ids that may describe one item, most specific first.
pub fn command_ids(path: &[String]) -> Vec<String> {
    match path.last().map(String::as_str) {
        None => vec!["help-wardflow".into()],
        // clap's own `help` subcommand (and its copies of the tree are named by the real path).
        Some("help") => vec!["help-subcommand-help".into()],
        Some(_) => vec![format!("help-{}", path.join("-"))],
    }
}

/// The ids that may describe argument `arg` of the command at `path`.
pub fn arg_ids(path: &[String], arg: &Arg) -> Vec<String> {
    let id = arg.get_id().as_str();
    match arg.get_action() {
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong => {
            return vec!["help-flag-help".into()];
        }
        ArgAction::Version => return vec!["help-flag-version".into()],
        _ => {}
    }
    if arg.is_global_set() {
        return vec![format!("help-wardflow--{id}")];
    }
    let command = match path {
        [] => "wardflow".to_owned(),
        _ => path.join("-"),
    };
    vec![format!("help-{command}--{id}"), format!("help-any--{id}")]
}

/// The id describing one value of argument `arg`.
pub fn value_id(arg: &Arg, value: &PossibleValue) -> String {
    format!("help-value-{}-{}", arg.get_id(), value.get_name())
}

/// The first of `ids` the language has.
fn text(tr: &Tr, ids: &[String]) -> Option<String> {
    ids.iter().find_map(|id| tr.try_t(id))
}

/// The path of a subcommand. The `help` subcommand's copies of the tree are described by the
/// commands they stand for (`help case open` reads like `case open`), so `help` is dropped
/// from the path below it.
fn child_path(path: &[String], child: &str) -> Vec<String> {
    let mut p: Vec<String> = path.iter().filter(|s| *s != "help").cloned().collect();
    if child == "help" {
        p = path.to_vec();
    }
    p.push(child.to_owned());
    p
}

fn localize(mut cmd: Command, path: &[String], tr: &Tr) -> Command {
    if let Some(about) = text(tr, &command_ids(path)) {
        cmd = cmd.about(about).long_about(None);
    }
    let path_owned = path.to_vec();
    cmd = cmd.mut_args(|arg| localize_arg(arg, &path_owned, tr));
    cmd = cmd.mut_subcommands(|sub| {
        let child = child_path(path, sub.get_name());
        localize(sub, &child, tr)
    });
    let usage = cmd.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).to_owned();
    let usage = match tr.lang {
        Lang::Zh => usage
            .replace("[OPTIONS]", &format!("[{}]", tr!(tr, "help-usage-options")))
            .replace("[COMMAND]", &format!("[{}]", tr!(tr, "help-usage-command")))
            .replace("<COMMAND>", &format!("<{}>", tr!(tr, "help-usage-command"))),
        Lang::En => usage,
    };
    let template = template(&cmd, tr);
    cmd.override_usage(usage).help_template(template)
}

/// clap's default layout with the headings in the language; a section appears only when the
/// command has something to list in it.
fn template(cmd: &Command, tr: &Tr) -> String {
    let styles = cmd.get_styles();
    let h = styles.get_header();
    let heading = |id: &str| format!("{h}{}{h:#}", tr.t(id));
    let mut sections = Vec::new();
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        sections.push(format!(
            "{}\n{{subcommands}}",
            heading("help-heading-commands")
        ));
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        sections.push(format!(
            "{}\n{{positionals}}",
            heading("help-heading-arguments")
        ));
    }
    if cmd
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        sections.push(format!("{}\n{{options}}", heading("help-heading-options")));
    }
    format!(
        "{{before-help}}{{about-with-newline}}\n{}{}{{usage}}\n\n{}{{after-help}}",
        heading("help-heading-usage"),
        space(tr),
        sections.join("\n\n")
    )
}

/// What follows a heading or label ending in a colon: nothing after Chinese `：`.
fn space(tr: &Tr) -> &'static str {
    match tr.lang {
        Lang::Zh => "",
        Lang::En => " ",
    }
}

/// A word quoted the way the language quotes: 「--set」 or '--set'.
fn quote(tr: &Tr, word: &str) -> String {
    match tr.lang {
        Lang::Zh => format!("「{word}」"),
        Lang::En => format!("'{word}'"),
    }
}

fn localize_arg(mut arg: Arg, path: &[String], tr: &Tr) -> Arg {
    let mut help = text(tr, &arg_ids(path, &arg))
        .or_else(|| arg.get_help().map(|h| h.to_string()))
        .unwrap_or_default();
    let mut notes = Vec::new();
    let takes_value = arg.get_action().takes_values();
    if takes_value && !arg.is_hide_default_value_set() {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() {
            notes.push(tr!(tr, "help-default", value = defaults.join(" ")));
        }
        arg = arg.hide_default_value(true);
    }
    if let Some(env) = arg.get_env()
        && !arg.is_hide_env_set()
    {
        notes.push(tr!(
            tr,
            "help-env",
            name = env.to_string_lossy().into_owned()
        ));
        arg = arg.hide_env(true);
    }
    if takes_value && !arg.is_hide_possible_values_set() {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match tr.try_t(&value_id(&arg, v)) {
                Some(t) => tr.key_title(v.get_name(), &t),
                None => v.get_name().to_owned(),
            })
            .collect();
        if !values.is_empty() {
            notes.push(tr!(tr, "help-values", values = tr.list(&values)));
        }
        arg = arg.hide_possible_values(true);
    }
    if !notes.is_empty() {
        help = match tr.lang {
            // Square brackets, so a text ending in （…） is not followed by another.
            Lang::Zh => format!("{help}［{}］", notes.join("；")),
            Lang::En => format!("{help} [{}]", notes.join("] [")),
        };
    }
    arg.help(help).long_help(None)
}

/// Reports a clap error in the language and exits as clap would: help and version on stdout
/// with 0 (help asked for by leaving out a subcommand: stderr, 2), usage errors with 2.
pub fn exit(tr: &Tr, json: bool, err: clap::Error) -> ! {
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // The help was rendered from the localized tree; printing can only fail on a
            // closed stream, and then there is nobody to tell.
            let _ = err.print();
            std::process::exit(err.exit_code());
        }
        _ => {}
    }
    let (message, key) = describe(tr, &err);
    let mut failure = Shown::new(Exit::BadInput, message);
    if let Some(key) = key {
        failure = failure.with_key(key);
    }
    if !json {
        // The usage line and the pointer to --help follow the sentence, as clap prints them.
        if let Some(ContextValue::StyledStr(usage)) = err.get(ContextKind::Usage) {
            let usage = usage.to_string();
            let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
            failure.message.push_str(&format!(
                "\n\n{}{}{usage}",
                tr!(tr, "help-heading-usage"),
                space(tr)
            ));
        }
        failure
            .message
            .push_str(&format!("\n\n{}", tr!(tr, "clap-more-help")));
    }
    failure.report(tr, json);
    std::process::exit(err.exit_code());
}

fn string(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(" ")),
        _ => None,
    }
}

fn strings(err: &clap::Error, kind: ContextKind) -> Vec<String> {
    match err.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        _ => Vec::new(),
    }
}

fn number(err: &clap::Error, kind: ContextKind) -> i64 {
    match err.get(kind) {
        Some(ContextValue::Number(n)) => *n as i64,
        _ => 0,
    }
}

/// The sentence for a clap error and the argument it is about.
fn describe(tr: &Tr, err: &clap::Error) -> (String, Option<String>) {
    let arg = string(err, ContextKind::InvalidArg).unwrap_or_default();
    let value = string(err, ContextKind::InvalidValue).unwrap_or_default();
    let sub = string(err, ContextKind::InvalidSubcommand).unwrap_or_default();
    // `--lock-timeout <LOCK_TIMEOUT>`: the key a user types is the flag itself.
    let key = arg.split(' ').next().unwrap_or_default().to_owned();
    // In value errors the flag alone names the argument; `<CASE>` stays as it is.
    let flag = if key.starts_with('-') {
        key.clone()
    } else {
        arg.clone()
    };
    let mut message = match err.kind() {
        ErrorKind::InvalidValue if value.is_empty() => {
            tr!(tr, "clap-value-missing", arg = flag.clone())
        }
        ErrorKind::InvalidValue => tr!(tr, "clap-value-invalid", arg = flag.clone(), value = value),
        ErrorKind::ValueValidation => {
            let detail = std::error::Error::source(err)
                .map(|s| parse_detail(tr, &s.to_string()))
                .unwrap_or_default();
            tr!(
                tr,
                "clap-value-unparsed",
                arg = flag.clone(),
                value = value,
                detail = detail
            )
        }
        ErrorKind::UnknownArgument => tr!(tr, "clap-unknown-argument", arg = arg.clone()),
        ErrorKind::InvalidSubcommand => tr!(tr, "clap-unknown-subcommand", command = sub.clone()),
        ErrorKind::NoEquals => tr!(tr, "clap-no-equals", arg = arg.clone()),
        ErrorKind::TooManyValues => {
            tr!(
                tr,
                "clap-too-many-values",
                arg = flag.clone(),
                value = value
            )
        }
        ErrorKind::TooFewValues => tr!(
            tr,
            "clap-too-few-values",
            arg = arg.clone(),
            min = number(err, ContextKind::MinValues),
            actual = number(err, ContextKind::ActualNumValues)
        ),
        ErrorKind::WrongNumberOfValues => tr!(
            tr,
            "clap-wrong-number-of-values",
            arg = arg.clone(),
            expected = number(err, ContextKind::ExpectedNumValues),
            actual = number(err, ContextKind::ActualNumValues)
        ),
        ErrorKind::ArgumentConflict => {
            let prior = strings(err, ContextKind::PriorArg);
            if prior.is_empty() || prior == [arg.clone()] {
                tr!(tr, "clap-argument-twice", arg = arg.clone())
            } else {
                tr!(
                    tr,
                    "clap-argument-conflict",
                    arg = arg.clone(),
                    other = tr.list(&prior)
                )
            }
        }
        ErrorKind::MissingRequiredArgument => tr!(
            tr,
            "clap-missing-argument",
            args = tr.list(&strings(err, ContextKind::InvalidArg))
        ),
        ErrorKind::MissingSubcommand => tr!(
            tr,
            "clap-missing-subcommand",
            command = sub.clone(),
            commands = tr.list(&strings(err, ContextKind::ValidSubcommand))
        ),
        ErrorKind::InvalidUtf8 => tr!(tr, "clap-invalid-utf8"),
        _ => tr!(tr, "clap-other", detail = err.kind().to_string()),
    };
    let valid = strings(err, ContextKind::ValidValue);
    if !valid.is_empty() {
        message.push_str(&tr!(tr, "clap-valid-values", values = tr.list(&valid)));
    }
    let mut tips = Vec::new();
    for (kind, id) in [
        (ContextKind::SuggestedSubcommand, "clap-similar-subcommand"),
        (ContextKind::SuggestedArg, "clap-similar-argument"),
        (ContextKind::SuggestedValue, "clap-similar-value"),
    ] {
        let similar = strings(err, kind);
        if !similar.is_empty() {
            let quoted: Vec<String> = similar.iter().map(|s| quote(tr, s)).collect();
            tips.push(tr.args(id, vec![("similar", tr.list(&quoted).into())]));
        }
    }
    if let Some(ContextValue::StyledStrs(more)) = err.get(ContextKind::Suggested) {
        tips.extend(more.iter().map(|s| tip(tr, &s.to_string())));
    }
    for t in tips {
        message.push_str(&format!("\n  {}{}{t}", tr!(tr, "clap-tip"), space(tr)));
    }
    let key = match err.kind() {
        ErrorKind::InvalidSubcommand | ErrorKind::MissingSubcommand => Some(sub),
        ErrorKind::MissingRequiredArgument | ErrorKind::InvalidUtf8 => None,
        _ => Some(key),
    };
    (message, key.filter(|k| !k.is_empty()))
}

/// The standard library's number-parsing errors, which clap passes on, in the language.
fn parse_detail(tr: &Tr, english: &str) -> String {
    const NUMBER: [&str; 5] = [
        "invalid float literal",
        "invalid digit found in string",
        "cannot parse integer from empty string",
        "number too large to fit in target type",
        "number too small to fit in target type",
    ];
    if NUMBER.contains(&english) {
        return tr!(tr, "clap-not-a-number");
    }
    // clap's ranged integers: "40000000000 is not in 0..=4294967295".
    match english.split_once(" is not in ") {
        Some((_, range)) => tr!(tr, "clap-out-of-range", range = range.to_owned()),
        None => english.to_owned(),
    }
}

/// clap's free-form tips, of which it has three; the words quoted in them are kept.
fn tip(tr: &Tr, english: &str) -> String {
    let quoted: Vec<&str> = english.split('\'').skip(1).step_by(2).collect();
    match quoted.as_slice() {
        [arg, usage] if english.starts_with("to pass") => tr!(
            tr,
            "clap-tip-as-value",
            arg = (*arg).to_owned(),
            usage = (*usage).to_owned()
        ),
        [command, _] if english.starts_with("subcommand") => {
            tr!(
                tr,
                "clap-tip-remove-dashes",
                command = (*command).to_owned()
            )
        }
        [usage] if english.ends_with("exists") => {
            tr!(tr, "clap-tip-exists", usage = (*usage).to_owned())
        }
        _ => english.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every describable item of the tree as built by clap: its candidate ids and the text
    /// the derive definitions give it.
    fn items() -> Vec<(Vec<String>, String)> {
        fn walk(cmd: &Command, path: &[String], out: &mut Vec<(Vec<String>, String)>) {
            let about = cmd.get_about().map(|s| s.to_string()).unwrap_or_default();
            out.push((command_ids(path), about));
            for arg in cmd.get_arguments() {
                // Global options are described once, where they are defined.
                if arg.is_global_set() && !path.is_empty() {
                    continue;
                }
                let help = arg.get_help().map(|s| s.to_string()).unwrap_or_default();
                out.push((arg_ids(path, arg), help));
                if arg.get_action().takes_values() {
                    for v in arg.get_possible_values() {
                        let help = v.get_help().map(|s| s.to_string()).unwrap_or_default();
                        out.push((vec![value_id(arg, &v)], help));
                    }
                }
            }
            for sub in cmd.get_subcommands() {
                let mut child = path.to_vec();
                child.push(sub.get_name().to_owned());
                // The help subcommand's copies of the tree are the commands themselves.
                if sub.get_name() == "help" {
                    out.push((command_ids(&child), String::new()));
                    for arg in sub.get_arguments() {
                        out.push((arg_ids(&child, arg), String::new()));
                    }
                } else {
                    walk(sub, &child, out);
                }
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut out = Vec::new();
        walk(&cmd, &[], &mut out);
        out
    }

    /// The message ids declared in every `.ftl` file of a locale, each with its file.
    fn declared(lang: &str) -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut ids = Vec::new();
        for entry in std::fs::read_dir(dir).expect("locale dir").flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "ftl") {
                let text = std::fs::read_to_string(&path).expect("locale file");
                let file = path.display().to_string();
                ids.extend(
                    text.lines()
                        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.to_owned()))
                        .filter(|id| !id.starts_with([' ', '#', '.']))
                        .map(|id| (id, file.clone())),
                );
            }
        }
        ids
    }

    #[test]
    fn every_command_argument_and_value_has_help_in_both_languages() {
        let items = items();
        assert!(
            items.len() > 100,
            "only {} items: the walk is broken",
            items.len()
        );
        for lang in ["zh-CN", "en-US"] {
            let ids: Vec<String> = declared(lang).into_iter().map(|(id, _)| id).collect();
            let missing: Vec<String> = items
                .iter()
                .filter(|(candidates, _)| !candidates.iter().any(|c| ids.contains(c)))
                .map(|(candidates, _)| candidates.join(" or "))
                .collect();
            assert!(missing.is_empty(), "{lang}/help.ftl lacks: {missing:#?}");
        }
    }

    #[test]
    fn no_message_id_is_declared_twice_across_a_locales_files() {
        for lang in ["zh-CN", "en-US"] {
            let mut seen = std::collections::HashMap::new();
            for (id, file) in declared(lang) {
                if let Some(first) = seen.insert(id.clone(), file.clone()) {
                    panic!("{id} is declared in {first} and again in {file}");
                }
            }
        }
    }

    #[test]
    fn help_and_errors_are_read_from_help_ftl_by_the_loader() {
        // The loader reads every .ftl of a locale directory, not just main.ftl.
        let zh = Tr { lang: Lang::Zh };
        assert_eq!(zh.try_t("help-heading-options").as_deref(), Some("选项："));
        let en = Tr { lang: Lang::En };
        assert_eq!(
            en.try_t("help-heading-options").as_deref(),
            Some("Options:")
        );
    }

    #[test]
    fn the_language_is_found_before_parsing() {
        let argv = |words: &[&str]| -> Vec<OsString> {
            std::iter::once("wardflow")
                .chain(words.iter().copied())
                .map(OsString::from)
                .collect()
        };
        assert_eq!(
            lang_in_args(&argv(&["--lang", "en", "case"])),
            Some(Lang::En)
        );
        assert_eq!(lang_in_args(&argv(&["case", "--lang=zh"])), Some(Lang::Zh));
        assert_eq!(
            lang_in_args(&argv(&["--lang", "en", "--lang", "zh"])),
            Some(Lang::Zh)
        );
        // After `--` a word is a value, not an option; an unknown language is left to clap.
        assert_eq!(lang_in_args(&argv(&["case", "--", "--lang", "en"])), None);
        assert_eq!(lang_in_args(&argv(&["--lang", "fr"])), None);
        assert!(prescan_json(&argv(&["case", "list", "--json"])));
        assert!(!prescan_json(&argv(&["case", "open", "--", "--json"])));
    }

    #[test]
    fn every_command_has_chinese_headings_and_usage() {
        let zh = Tr { lang: Lang::Zh };
        let mut cmd = command(&zh);
        let help = cmd
            .find_subcommand_mut("case")
            .and_then(|c| c.find_subcommand_mut("advance"))
            .map(|c| c.render_help().to_string())
            .unwrap_or_default();
        assert!(
            help.contains("用法：wardflow case advance [选项]"),
            "{help}"
        );
        assert!(help.contains("参数：\n  <CASE>        案件编号"), "{help}");
        assert!(!help.contains("Options"), "{help}");
    }
}
