//! `wardflow letter …`: formal documents from case data — drafts, issuing, the archive, and
//! checking a paper or file copy against it.

pub(crate) mod archive;
mod issue;
mod preview;
pub(crate) mod verify;
pub(crate) mod wire;

use clap::Subcommand;

use super::Ctx;
use crate::failure::Failure;

/// Letter subcommands.
#[derive(Debug, Subcommand)]
pub enum LetterCommand {
    /// Render a document from a case's data as a draft (草稿): no number, nothing stored.
    Preview(preview::PreviewArgs),
    /// Issue a document of a case: number it, archive it, record it in the case's history.
    Issue(issue::IssueArgs),
    /// Void (作废) an issued letter, with a reason; it stays in the archive.
    Void(issue::VoidArgs),
    /// List issued letters, of one case or all.
    List(archive::ListArgs),
    /// Show an issued letter's particulars (by archive id or document number).
    Show(archive::ShowArgs),
    /// Write an issued letter exactly as archived, as HTML, text or PDF.
    Export(archive::LetterExportArgs),
    /// Check a file or a verification code (核验码) against the archive.
    Verify(verify::VerifyArgs),
}

/// Runs a letter subcommand.
pub fn run(ctx: &Ctx, cmd: LetterCommand) -> Result<(), Failure> {
    match cmd {
        LetterCommand::Preview(args) => preview::run(ctx, args),
        LetterCommand::Issue(args) => issue::issue(ctx, args),
        LetterCommand::Void(args) => issue::void(ctx, args),
        LetterCommand::List(args) => archive::list(ctx, args),
        LetterCommand::Show(args) => archive::show(ctx, args),
        LetterCommand::Export(args) => archive::export_letter(ctx, args),
        LetterCommand::Verify(args) => verify::run(ctx, args),
    }
}
