//! `wardflow letter list|show|export`: reading the archive of issued letters.

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::backend::Backend;
use wardflow_engine::app::{Caller, Office};

use super::super::case_id;
use super::super::remote::segment;
use super::super::{Ctx, print_json};
use super::wire::{LetterParticulars, LetterStatus, ListedLetter};
use crate::failure::{Exit, Failure};
use crate::i18n::Lang;
use crate::msg;
use crate::show;
use crate::table::{Table, col};
use crate::tr;

/// Arguments of `letter list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only the letters of this case.
    #[arg(long)]
    case: Option<String>,
}

/// Arguments of `letter show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The archive id (L2026-000001) or the document number.
    letter: String,
}

/// What `letter export` writes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Txt,
    Html,
    Pdf,
    /// An editable copy, made again from the archived data and marked as unofficial.
    Docx,
}

impl ExportFormat {
    /// The form's key, as typed, as `--json` gives it and as the server's `format` query.
    pub fn key(self) -> &'static str {
        match self {
            ExportFormat::Txt => "txt",
            ExportFormat::Html => "html",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Docx => "docx",
        }
    }

    /// The form with this key.
    pub fn of_key(key: &str) -> Option<Self> {
        [Self::Txt, Self::Html, Self::Pdf, Self::Docx]
            .into_iter()
            .find(|f| f.key() == key)
    }
}

/// Arguments of `letter export`.
#[derive(Debug, Args)]
pub struct LetterExportArgs {
    /// The archive id (L2026-000001) or the document number.
    letter: String,
    /// Output form: the HTML, the text or the PDF, each as archived when the letter was issued;
    /// or an editable DOCX, marked on its face as an unofficial copy (it cannot be verified).
    #[arg(long, value_enum, default_value = "html")]
    format: ExportFormat,
    /// The file to write (standard output without it).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the `--out` file if it exists (never the database or its files).
    #[arg(long, requires = "out")]
    force: bool,
}

fn status(ctx: &Ctx, s: &LetterStatus) -> String {
    match (&s.voided, &s.replaced_by) {
        (Some(reason), _) => tr!(ctx.tr, "letter-status-void", reason = reason.clone()),
        (None, Some(by)) => tr!(ctx.tr, "letter-status-replaced", id = by.clone()),
        (None, None) => tr!(ctx.tr, "letter-status-in-force"),
    }
}

/// Lists issued letters, oldest first.
pub fn list(ctx: &Ctx, args: ListArgs) -> Result<(), Failure> {
    let case = args.case.as_deref().map(case_id).transpose()?;
    let rows: Vec<ListedLetter> = match ctx.remote()? {
        Some(remote) => match &case {
            Some(id) => remote.get(&format!("/api/v1/cases/{id}/letters"), &[])?,
            None => remote.get("/api/v1/letters", &[])?,
        },
        None => {
            let caller = ctx.caller(None)?;
            // Only the letters of cases the user's unit covers.
            let office = ctx.office_for_read()?;
            let records = office.letters(&caller, case.as_ref())?;
            let renderer = office.renderer().ok();
            let table = renderer.as_deref().map(|r| r.table());
            records.iter().map(|r| ListedLetter::of(r, table)).collect()
        }
    };
    if ctx.global.json {
        return print_json(ctx, &rows);
    }
    if rows.is_empty() {
        println!("{}", tr!(ctx.tr, "letter-none"));
        return Ok(());
    }
    let mut table = Table::new(
        &ctx.tr,
        &[
            col::LETTER,
            col::CASE,
            col::NUMBER,
            col::TITLE,
            col::DATE,
            col::STATUS,
        ],
    );
    for l in &rows {
        table.row(vec![
            l.letter.clone(),
            l.case.to_string(),
            l.number.clone().unwrap_or_else(|| "-".into()),
            crate::show::pick(&ctx.tr, &l.title, l.title_en.as_deref()).to_owned(),
            l.date.to_string(),
            status(ctx, &l.status),
        ]);
    }
    table.print();
    Ok(())
}

/// Shows an issued letter's particulars, found by archive id or number.
pub fn show(ctx: &Ctx, args: ShowArgs) -> Result<(), Failure> {
    let particulars: LetterParticulars = match ctx.remote()? {
        Some(remote) => remote.get(&format!("/api/v1/letters/{}", segment(&args.letter)), &[])?,
        None => {
            let caller = ctx.caller(None)?;
            let office = ctx.office_for_read()?;
            let r = office.letter(&caller, &args.letter, "letter-show")?;
            let renderer = office.renderer().ok();
            LetterParticulars::of(&r, renderer.as_deref().map(|r| r.table()))
        }
    };
    print_particulars(ctx, &particulars)
}

/// The particulars of an archived letter (shared with `letter verify`).
pub fn print_particulars(ctx: &Ctx, l: &LetterParticulars) -> Result<(), Failure> {
    if ctx.global.json {
        return print_json(ctx, l);
    }
    let tr = &ctx.tr;
    let rows = [
        (tr!(tr, "letter-field-id"), l.letter.clone()),
        (
            tr!(tr, "letter-field-title"),
            match tr.lang {
                Lang::En => format!("{} ({})", l.title_en.as_deref().unwrap_or(&l.title), l.key),
                _ => format!("{}（{}）", l.title, l.key),
            },
        ),
        (
            tr!(tr, "letter-field-number"),
            l.number.clone().unwrap_or_else(|| "-".into()),
        ),
        (tr!(tr, "letter-field-case"), l.case.to_string()),
        (
            tr!(tr, "letter-field-issuer"),
            match &l.issuer {
                Some(b) => format!("{}（{}）", b.name, l.role),
                None => l.role.clone(),
            },
        ),
        (tr!(tr, "letter-field-actor"), l.actor.clone()),
        (
            tr!(tr, "letter-field-issued-at"),
            show::local_time(l.issued_at),
        ),
        (tr!(tr, "letter-field-date"), l.date.to_string()),
        (tr!(tr, "letter-field-code"), l.code.clone()),
        (tr!(tr, "letter-field-status"), status(ctx, &l.status)),
        (
            tr!(tr, "letter-field-replaces"),
            l.replaces.clone().unwrap_or_else(|| "-".into()),
        ),
        ("SHA-256 (HTML)".to_owned(), l.html_sha256.clone()),
        ("SHA-256 (TXT)".to_owned(), l.text_sha256.clone()),
        (
            "SHA-256 (PDF)".to_owned(),
            l.pdf_sha256.clone().unwrap_or_else(|| "-".into()),
        ),
        (tr!(tr, "letter-field-template"), l.template_hash.clone()),
        (
            tr!(tr, "letter-field-fonts"),
            if l.fonts.is_empty() {
                "-".to_owned()
            } else {
                l.fonts
                    .iter()
                    .map(|f| format!("{} {}（{}）", f.role, f.family, f.file))
                    .collect::<Vec<_>>()
                    .join("；")
            },
        ),
    ];
    for (label, value) in rows {
        println!("{label}：{value}");
    }
    Ok(())
}

/// Writes the archived bytes, unchanged; or a DOCX copy made again from the archived data.
pub fn export_letter(ctx: &Ctx, args: LetterExportArgs) -> Result<(), Failure> {
    let format = args.format.key();
    if let Some(remote) = ctx.remote()? {
        let body = remote.get_bytes(
            &format!("/api/v1/letters/{}/export", segment(&args.letter)),
            &[("format", format.to_owned())],
        )?;
        return super::preview::write_out(
            ctx,
            None,
            args.out.as_deref(),
            args.force,
            (format, &body),
        );
    }
    let caller = ctx.caller(None)?;
    let office = ctx.office_for_read()?;
    let body = exported(&office, &caller, &args.letter, args.format)?;
    super::preview::write_out(
        ctx,
        Some(&office),
        args.out.as_deref(),
        args.force,
        (format, &body),
    )
}

/// A letter's bytes in `format`: as archived (HTML, text, PDF), or a DOCX copy made again from
/// the archived data (`letter export`, embedded or on a server).
pub fn exported<B: Backend>(
    office: &Office<B>,
    caller: &Caller,
    letter: &str,
    format: ExportFormat,
) -> Result<Vec<u8>, Failure> {
    Ok(match format {
        // Not archived: an editable copy, marked as unofficial on its face.
        ExportFormat::Docx => office.letter_docx(caller, letter)?,
        archived => {
            let r = office.letter(caller, letter, "letter-export")?;
            match archived {
                ExportFormat::Txt => r.letter.text.into_bytes(),
                // (`Docx` was answered above and does not reach here.)
                ExportFormat::Html | ExportFormat::Docx => r.letter.html.into_bytes(),
                // A letter issued before PDFs were archived has none, and none is made now: a
                // PDF set later would not be the letter as issued.
                ExportFormat::Pdf => match r.letter.pdf {
                    Some(pdf) => pdf,
                    None => {
                        return Err(Failure::said(
                            Exit::Refused,
                            msg!("letter-no-pdf", id = r.letter.id.clone()),
                        )
                        .with_key("pdf"));
                    }
                },
            }
        }
    })
}
