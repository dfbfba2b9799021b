//! `wardflow letter preview CASE KEY`: a draft from the case's data, nothing stored.

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::PreviewRequest;

use super::super::Ctx;
use super::super::case::case_id;
use crate::failure::{Exit, Failure};
use crate::msg;

/// Output forms of a letter.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Txt,
    Html,
}

/// Arguments of `letter preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The case id.
    case: String,
    /// The document key, e.g. warning-letter.
    key: String,
    /// The role that issues it (decides layout and numbering).
    #[arg(long = "as", value_name = "ROLE")]
    role: String,
    /// The issuing body's name as printed, when the profile names none for the role.
    #[arg(long, default_value = "（签发机关）")]
    body: String,
    /// Output form.
    #[arg(long, value_enum, default_value = "txt")]
    format: Format,
    /// Write to a file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Renders the draft.
pub fn run(ctx: &Ctx, args: PreviewArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let caller = ctx.caller(Some(&args.role))?;
    let (rendered, _) = ctx.office_for_read()?.preview_letter(
        &caller,
        &PreviewRequest {
            case: id,
            key: args.key.clone(),
            body: args.body.clone(),
        },
    )?;
    let body = match args.format {
        Format::Txt => rendered.text,
        Format::Html => rendered.html,
    };
    write_out(args.out.as_deref(), &body)
}

/// Writes a letter to a file, or to standard output without one.
pub fn write_out(out: Option<&std::path::Path>, body: &str) -> Result<(), Failure> {
    match out {
        Some(path) => std::fs::write(path, body).map_err(|e| {
            Failure::said(
                Exit::Storage,
                msg!(
                    "cannot-write",
                    path = path.display().to_string(),
                    detail = e.to_string()
                ),
            )
        }),
        None => {
            print!("{body}");
            Ok(())
        }
    }
}
