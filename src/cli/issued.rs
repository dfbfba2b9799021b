//! The letters an act issued, as the commands print them: shared by `case open`/`case advance`
//! (the letters their act called for) and `letter issue`, so neither command group imports the
//! other.

use std::sync::Arc;

use wardflow_engine::app::{Acted, LetterOutcome, Office};
use wardflow_engine::case::IssuedRef;
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
pub fn renderer_after_act(ctx: &Ctx, office: &Office, acted: &Acted) -> Option<Arc<Renderer>> {
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

/// A document's title from the table, or its key when the table is not at hand.
fn title(renderer: Option<&Renderer>, key: &str) -> String {
    renderer
        .and_then(|r| r.table().documents.get(key))
        .map_or_else(|| key.to_owned(), |d| d.title.clone())
}

/// One line saying what was issued.
pub fn issued_line(ctx: &Ctx, renderer: Option<&Renderer>, l: &IssuedRef) -> String {
    tr!(
        ctx.tr,
        "letter-issued",
        title = title(renderer, &l.key),
        key = l.key.clone(),
        number = l
            .number
            .clone()
            .unwrap_or_else(|| tr!(ctx.tr, "letter-unnumbered")),
        id = l.letter.clone(),
        code = l.code.clone()
    )
}

/// Prints what became of the letters an act called for (to stderr when stdout carries only an
/// id); returns them as JSON.
pub fn report_outcomes(
    ctx: &Ctx,
    def: &Definition,
    renderer: Option<&Renderer>,
    case: &str,
    outcomes: &[LetterOutcome],
    to_stderr: bool,
) -> Vec<serde_json::Value> {
    let mut json = Vec::new();
    for o in outcomes {
        let (line, value) = match &o.result {
            Ok(l) => (
                issued_line(ctx, renderer, l),
                serde_json::json!({"key": o.key, "letter": l.letter, "number": l.number, "code": l.code}),
            ),
            Err(p) => {
                let reason = failure::pending(&ctx.tr, Some(def), p);
                (
                    tr!(
                        ctx.tr,
                        "letter-pending",
                        title = title(renderer, &o.key),
                        key = o.key.clone(),
                        reason = reason.clone(),
                        case = case.to_owned()
                    ),
                    serde_json::json!({"key": o.key, "pending": reason}),
                )
            }
        };
        if !ctx.global.json {
            if to_stderr {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        }
        json.push(value);
    }
    json
}
