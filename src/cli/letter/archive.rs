//! `wardflow letter list|show|export`: reading the archive of issued letters.

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::app::LetterRecord;

use super::super::case_id;
use super::super::{Ctx, print_json};
use crate::failure::{Exit, Failure};
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

fn status(ctx: &Ctx, r: &LetterRecord) -> String {
    match (&r.voided, &r.replaced_by) {
        (Some(reason), _) => tr!(ctx.tr, "letter-status-void", reason = reason.clone()),
        (None, Some(by)) => tr!(ctx.tr, "letter-status-replaced", id = by.clone()),
        (None, None) => tr!(ctx.tr, "letter-status-in-force"),
    }
}

fn status_json(r: &LetterRecord) -> serde_json::Value {
    serde_json::json!({
        "in_force": r.voided.is_none() && r.replaced_by.is_none(),
        "voided": r.voided,
        "replaced_by": r.replaced_by,
    })
}

/// Lists issued letters, oldest first.
pub fn list(ctx: &Ctx, args: ListArgs) -> Result<(), Failure> {
    let case = args.case.as_deref().map(case_id).transpose()?;
    let caller = ctx.caller(None)?;
    // Only the letters of cases the user's unit covers.
    let records = ctx.office_for_read()?.letters(&caller, case.as_ref())?;
    if ctx.global.json {
        let items: Vec<_> = records
            .iter()
            .map(|r| {
                let l = &r.letter;
                serde_json::json!({
                    "letter": l.id, "case": l.case, "key": l.key, "title": l.title,
                    "number": l.number, "role": l.role, "issued_at": l.issued_at,
                    "date": l.date, "code": l.code, "status": status_json(r),
                })
            })
            .collect();
        return print_json(ctx, &items);
    }
    if records.is_empty() {
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
    for r in &records {
        let l = &r.letter;
        table.row(vec![
            l.id.to_string(),
            l.case.to_string(),
            l.number.clone().unwrap_or_else(|| "-".into()),
            l.title.clone(),
            l.date.to_string(),
            status(ctx, r),
        ]);
    }
    table.print();
    Ok(())
}

/// Shows an issued letter's particulars, found by archive id or number.
pub fn show(ctx: &Ctx, args: ShowArgs) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let r = ctx
        .office_for_read()?
        .letter(&caller, &args.letter, "letter-show")?;
    print_particulars(ctx, &r)
}

/// The particulars of an archived letter (shared with `letter verify`).
pub fn print_particulars(ctx: &Ctx, r: &LetterRecord) -> Result<(), Failure> {
    let l = &r.letter;
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "letter": l.id, "case": l.case, "key": l.key, "title": l.title,
                "number": l.number, "role": l.role, "issuer": l.issuer, "actor": l.actor,
                "issued_at": l.issued_at, "date": l.date, "code": l.code,
                "template_hash": l.template_hash, "html_sha256": l.html_sha256,
                "text_sha256": l.text_sha256, "pdf_sha256": l.pdf_sha256, "fonts": l.fonts,
                "replaces": l.replaces, "status": status_json(r),
            }),
        );
    }
    let tr = &ctx.tr;
    let rows = [
        (tr!(tr, "letter-field-id"), l.id.clone()),
        (
            tr!(tr, "letter-field-title"),
            format!("{}（{}）", l.title, l.key),
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
        (tr!(tr, "letter-field-status"), status(ctx, r)),
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
    let caller = ctx.caller(None)?;
    let office = ctx.office_for_read()?;
    let (format, body): (&str, Vec<u8>) = match args.format {
        // Not archived: an editable copy, marked as unofficial on its face.
        ExportFormat::Docx => ("docx", office.letter_docx(&caller, &args.letter)?),
        archived => {
            let r = office.letter(&caller, &args.letter, "letter-export")?;
            match archived {
                ExportFormat::Txt => ("txt", r.letter.text.into_bytes()),
                // (`Docx` was answered above and does not reach here.)
                ExportFormat::Html | ExportFormat::Docx => ("html", r.letter.html.into_bytes()),
                // A letter issued before PDFs were archived has none, and none is made now: a
                // PDF set later would not be the letter as issued.
                ExportFormat::Pdf => match r.letter.pdf {
                    Some(pdf) => ("pdf", pdf),
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
    };
    super::preview::write_out(
        ctx,
        &office,
        args.out.as_deref(),
        args.force,
        (format, &body),
    )
}
