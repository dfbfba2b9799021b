//! `wardflow letter …`: formal documents from case data.

mod preview;

use clap::Subcommand;
use wardflow_engine::definition::Definition;
use wardflow_engine::letters::{LetterError, Renderer};

use super::Ctx;
use crate::failure::{self, Exit, Failure};
use crate::tr;

/// Letter subcommands.
#[derive(Debug, Subcommand)]
pub enum LetterCommand {
    /// Render a document from a case's data as a draft (草稿): no number, nothing stored.
    Preview(preview::PreviewArgs),
}

/// Runs a letter subcommand.
pub fn run(ctx: &Ctx, cmd: LetterCommand) -> Result<(), Failure> {
    match cmd {
        LetterCommand::Preview(args) => preview::run(ctx, args),
    }
}

/// The document table and templates, loaded once for the command.
pub fn renderer(ctx: &Ctx) -> Result<Renderer, Failure> {
    Renderer::load(&ctx.global.letters).map_err(|e| letter_failure(ctx, None, &e))
}

/// A renderer error as a sentence: a missing field refuses the letter (exit 1) and names it.
pub fn letter_failure(ctx: &Ctx, def: Option<&Definition>, e: &LetterError) -> Failure {
    let tr = &ctx.tr;
    match e {
        LetterError::MissingFields(fields) => {
            let named: Vec<String> = fields
                .iter()
                .map(|f| failure::field_name(tr, def, f))
                .collect();
            Failure::new(
                Exit::Refused,
                tr!(tr, "letter-missing-fields", fields = tr.list(&named)),
            )
            .with_key(fields.first().cloned().unwrap_or_default())
        }
        LetterError::UnknownDocument(key) => {
            Failure::new(Exit::BadInput, tr!(tr, "letter-unknown", key = key.clone()))
                .with_key(key.clone())
        }
        LetterError::NotAnIssuer { document, role } => Failure::new(
            Exit::Refused,
            tr!(
                tr,
                "letter-not-issuer",
                document = document.clone(),
                role = role.clone()
            ),
        )
        .with_key(role.clone()),
        other => Failure::new(
            Exit::BadInput,
            tr!(tr, "letter-error", detail = other.to_string()),
        ),
    }
}
