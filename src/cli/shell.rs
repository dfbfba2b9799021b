//! `wardflow completions SHELL` and `wardflow man --out DIR`: shell completions and man pages
//! generated from the same localized command tree that `--help` prints.
//!
//! Man pages are a (hidden) command of the binary rather than an xtask: the package build runs
//! the binary it is about to ship (`wardflow man --out target/man`), so the pages always match
//! that binary's commands and translations, and no second crate has to compile the CLI
//! definition. The directory is laid out like `/usr/share/man` (`man1/` English,
//! `zh_CN/man1/` Chinese), so a packager copies it as is.

use std::path::{Path, PathBuf};

use clap::{Args, Command};
use clap_complete::Shell;

use super::Ctx;
use crate::failure::{Exit, Failure};
use crate::i18n::{Lang, Tr};
use crate::msg;
use crate::tr;

/// Arguments of `wardflow completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Arguments of `wardflow man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The directory to write the pages into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Prints the completion script on standard output.
pub fn completions(ctx: &Ctx, args: CompletionsArgs) -> Result<(), Failure> {
    let mut cmd = crate::help::command(&ctx.tr);
    if ctx.global.json {
        let mut script = Vec::new();
        clap_complete::generate(args.shell, &mut cmd, "wardflow", &mut script);
        return super::print_json(
            ctx,
            &serde_json::json!({
                "shell": args.shell.to_string(),
                "script": String::from_utf8_lossy(&script),
            }),
        );
    }
    clap_complete::generate(args.shell, &mut cmd, "wardflow", &mut std::io::stdout());
    Ok(())
}

/// Writes one page per command, in English and in Chinese.
pub fn man(ctx: &Ctx, args: ManArgs) -> Result<(), Failure> {
    let mut written = 0;
    for (lang, dir) in [
        (Lang::En, args.out.join("man1")),
        (Lang::Zh, args.out.join("zh_CN").join("man1")),
    ] {
        let cmd = crate::help::command(&Tr { lang });
        written += write_pages(&cmd, &dir, lang)?;
    }
    if ctx.global.json {
        return super::print_json(
            ctx,
            &serde_json::json!({
                "dir": args.out.display().to_string(),
                "pages": written,
            }),
        );
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "man-written",
            count = written,
            dir = args.out.display().to_string()
        )
    );
    Ok(())
}

fn write_pages(cmd: &Command, dir: &Path, lang: Lang) -> Result<usize, Failure> {
    let cannot_write = |path: &Path, e: std::io::Error| {
        Failure::said(
            Exit::Storage,
            msg!(
                "cannot-write",
                path = path.display().to_string(),
                detail = e.to_string()
            ),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| cannot_write(dir, e))?;
    let mut count = 0;
    let mut pending = vec![cmd.clone()];
    while let Some(cmd) = pending.pop() {
        pending.extend(
            cmd.get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                .cloned(),
        );
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        man.render(&mut page).map_err(|e| cannot_write(dir, e))?;
        let page = String::from_utf8_lossy(&page);
        let page = match lang {
            Lang::En => page.into_owned(),
            Lang::Zh => chinese_headings(&page),
        };
        let path = dir.join(man.get_filename());
        std::fs::write(&path, page).map_err(|e| cannot_write(&path, e))?;
        count += 1;
    }
    Ok(count)
}

/// clap_mangen writes its section headings in English only; Chinese man pages use the
/// headings of the Chinese man-pages project (名称, 概述, 描述, 选项 …).
fn chinese_headings(page: &str) -> String {
    const HEADINGS: [(&str, &str); 7] = [
        ("NAME", "名称"),
        ("SYNOPSIS", "概述"),
        ("DESCRIPTION", "描述"),
        ("OPTIONS", "选项"),
        ("SUBCOMMANDS", "子命令"),
        ("VERSION", "版本"),
        ("EXTRA", "附注"),
    ];
    page.lines()
        .map(|line| {
            HEADINGS
                .iter()
                .find(|(en, _)| line == format!(".SH {en}"))
                .map_or_else(|| line.to_owned(), |(_, zh)| format!(".SH {zh}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
