//! The letters an act issued, as the commands print them: shared by `case open`/`case advance`
//! (the letters their act called for) and `letter issue`, so neither command group imports the
//! other.

use std::sync::Arc;

use wardflow_engine::app::{Acted, LetterLine, LetterOutcome, Office};
use wardflow_engine::definition::Definition;
use wardflow_engine::letters::Renderer;

use super::Ctx;
use crate::failure::{self, Failure};
use crate::tr;

/// The document table and templates, loaded once for the command.
pub fn renderer(ctx: &Ctx) -> Result<Renderer, Failure> {
    Ok(Renderer::load(ctx.global.letters())?)
}

/// The office's renderer for an act that called for letters; None (and a warning) when the
/// letters cannot be loaded, because a letter never blocks the act itself: it waits for
/// `letter issue`.
pub fn renderer_after_act<B: wardflow_engine::app::backend::Backend>(
    ctx: &Ctx,
    office: &Office<B>,
    acted: &Acted,
) -> Option<Arc<Renderer>> {
    if acted.letters.is_empty() {
        return None;
    }
    match office.renderer() {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!(
                "{}",
                tr!(
                    ctx.tr,
                    "letter-unavailable",
                    detail = failure::letter_problem(&ctx.tr, &e)
                )
            );
            None
        }
    }
}

/// A document's title from the table in the reader's language, or its key when the table is
/// not at hand.
fn title(tr: &crate::i18n::Tr, renderer: Option<&Renderer>, key: &str) -> String {
    renderer
        .and_then(|r| r.table().documents.get(key))
        .map_or_else(
            || key.to_owned(),
            |d| crate::show::pick(tr, &d.title, d.title_en.as_deref()).to_owned(),
        )
}

/// What became of the letters an act called for, worded in the reader's language (the
/// shared part of `case open`/`case advance`'s result, embedded or from a server).
pub fn letter_lines(
    ctx: &Ctx,
    def: &Definition,
    renderer: Option<&Renderer>,
    outcomes: &[LetterOutcome],
) -> Vec<LetterLine> {
    outcomes
        .iter()
        .map(|o| match &o.result {
            Ok(l) => LetterLine::Issued {
                key: o.key.clone(),
                title: title(&ctx.tr, renderer, &o.key),
                letter: l.letter.clone(),
                number: l.number.clone(),
                code: l.code.clone(),
            },
            Err(p) => LetterLine::Pending {
                key: o.key.clone(),
                title: title(&ctx.tr, renderer, &o.key),
                pending: failure::pending(&ctx.tr, Some(def), p),
            },
        })
        .collect()
}

/// Prints the lines saying what became of an act's letters (to stderr when stdout carries
/// only an id); nothing under `--json`, where they are part of the result.
pub fn print_letter_lines(ctx: &Ctx, case: &str, lines: &[LetterLine], to_stderr: bool) {
    if ctx.global.json {
        return;
    }
    for line in lines {
        let text = match line {
            LetterLine::Issued {
                key,
                title,
                letter,
                number,
                code,
            } => tr!(
                ctx.tr,
                "letter-issued",
                title = title.clone(),
                key = key.clone(),
                number = number
                    .clone()
                    .unwrap_or_else(|| tr!(ctx.tr, "letter-unnumbered")),
                id = letter.clone(),
                code = code.clone()
            ),
            LetterLine::Pending {
                key,
                title,
                pending,
            } => tr!(
                ctx.tr,
                "letter-pending",
                title = title.clone(),
                key = key.clone(),
                reason = pending.clone(),
                case = case.to_owned()
            ),
        };
        if to_stderr {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }
}
