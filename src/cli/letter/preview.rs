//! `wardflow letter preview CASE KEY`: a draft from the case's data, nothing stored.

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::{Office, PreviewRequest};

use super::super::Ctx;
use super::super::case_id;
use crate::failure::{Context, Failure};

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
    /// Replace the `--out` file if it exists (never the database or its files).
    #[arg(long, requires = "out")]
    force: bool,
}

/// Renders the draft.
pub fn run(ctx: &Ctx, args: PreviewArgs) -> Result<(), Failure> {
    let id = case_id(&args.case)?;
    let caller = ctx.caller(Some(&args.role))?;
    let office = ctx.office_for_read()?;
    let (rendered, _) = office.preview_letter(
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
    write_out(ctx, &office, args.out.as_deref(), args.force, &body)
}

/// Writes a letter to a file, or to standard output without one.
pub fn write_out(
    ctx: &Ctx,
    office: &Office,
    out: Option<&std::path::Path>,
    force: bool,
    body: &str,
) -> Result<(), Failure> {
    write_bytes(ctx, office, out, force, body.as_bytes())
}

/// Writes a letter's bytes (text, HTML or PDF) to a file, or to standard output without one.
pub fn write_bytes(
    ctx: &Ctx,
    office: &Office,
    out: Option<&std::path::Path>,
    force: bool,
    body: &[u8],
) -> Result<(), Failure> {
    match out {
        Some(path) => office
            .write_output(path, body, force, &ctx.key_files())
            .exists_as("out-exists"),
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(body)
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::bug(format!("standard output: {e}")))
        }
    }
}
