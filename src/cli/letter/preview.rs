//! `wardflow letter preview CASE KEY`: a draft from the case's data, nothing stored.

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::{Office, PreviewRequest};

use super::super::Ctx;
use super::super::case_id;
use super::wire::{Draft, PreviewBody};
use crate::failure::{Context, Failure};

/// Output forms of a letter.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Txt,
    Html,
    /// An editable DOCX, marked on its face as an unofficial copy.
    Docx,
}

impl Format {
    /// The form's key, as typed and as `--json` gives it.
    pub fn key(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Html => "html",
            Format::Docx => "docx",
        }
    }
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
    if let Some(remote) = ctx.remote()? {
        let draft: Draft = remote.ask(
            &format!("/api/v1/cases/{id}/letters/preview"),
            &PreviewBody {
                key: args.key.clone(),
                role: args.role.clone(),
                body: Some(args.body.clone()),
            },
        )?;
        let body = match args.format {
            Format::Txt => draft.text.into_bytes(),
            Format::Html => draft.html.into_bytes(),
            Format::Docx => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(draft.docx_base64.as_bytes())
                    .map_err(Failure::bug)?
            }
        };
        return write_out(
            ctx,
            None,
            args.out.as_deref(),
            args.force,
            (args.format.key(), &body),
        );
    }
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
        Format::Txt => rendered.text.into_bytes(),
        Format::Html => rendered.html.into_bytes(),
        Format::Docx => rendered.docx,
    };
    write_out(
        ctx,
        Some(&office),
        args.out.as_deref(),
        args.force,
        (args.format.key(), &body),
    )
}

/// Writes a letter to a file, or to standard output without one. With `--json`, standard
/// output carries one object: the form, the file written (or null) and the letter itself when
/// no file was written (a PDF's bytes, which are not text, in base64 under `content_base64`).
pub fn write_out(
    ctx: &Ctx,
    office: Option<&Office>,
    out: Option<&std::path::Path>,
    force: bool,
    (format, body): (&str, &[u8]),
) -> Result<(), Failure> {
    if let Some(path) = out {
        match office {
            Some(office) => office.write_output(path, body, force, &ctx.key_files()),
            // A client of a server: the file is written here, the local database's files
            // protected all the same.
            None => {
                Office::write_output_beside(&ctx.global.db, path, body, force, &ctx.key_files())
            }
        }
        .exists_as("out-exists")?;
    }
    if ctx.global.json {
        let text = std::str::from_utf8(body).ok();
        let base64 = match text {
            None if out.is_none() => {
                use base64::Engine;
                Some(base64::engine::general_purpose::STANDARD.encode(body))
            }
            _ => None,
        };
        return super::super::print_json(
            ctx,
            &serde_json::json!({
                "format": format,
                "out": out.map(|p| p.display().to_string()),
                "bytes": body.len(),
                "content": if out.is_none() { text } else { None },
                "content_base64": base64,
            }),
        );
    }
    if out.is_none() {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(body)
            .and_then(|()| stdout.flush())
            .map_err(crate::failure::Kind::Output)?;
    }
    Ok(())
}
