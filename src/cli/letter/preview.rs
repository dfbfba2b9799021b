//! `wardflow letter preview CASE KEY`: a draft from the case's data, nothing stored.

use std::path::PathBuf;

use clap::Args;
use wardflow_engine::authority;
use wardflow_engine::letters::{IssuingBody, LetterInput, REPORTER_DOCUMENT, Vocabulary};
use wardflow_engine::store::output;

use super::super::Ctx;
use super::super::case::{case_id, load};
use super::renderer;
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
    let renderer = renderer(ctx)?;
    let store = ctx.store_for_read()?;
    let now = ctx.now(Some(&store))?;
    let (case, def) = load(&store, &id)?;
    let date = now
        .to_zoned_datetime(wardflow_engine::period::shanghai())
        .date();
    // The configured body when there is one: the draft then looks as the letter will.
    let profile = ctx.profile(&store)?;
    let configured = profile
        .as_ref()
        .and_then(|p| p.issuing_bodies.get(&args.role).cloned());
    let settings = profile
        .as_ref()
        .and_then(|p| p.letters.get(&args.key).cloned())
        .unwrap_or_default();
    let vocabulary = Vocabulary::of(&def, profile.as_ref());
    let input = LetterInput {
        data: &case.data,
        number: None,
        issuer: Some(configured.unwrap_or_else(|| IssuingBody {
            role: args.role.clone(),
            name: args.body.clone(),
            code: "X".into(),
            seal_caption: args.body.clone(),
            contact: None,
        })),
        date,
        verification_code: "DRAFT".into(),
        draft: true,
        settings,
        vocabulary: &vocabulary,
    };
    // A letter that names the reporter goes only to those who may see the reporter; a draft
    // that cannot be made (a field missing, a role that does not issue it) is logged refused.
    let (_, rendered) = ctx.read_case_then(
        &store,
        &case,
        &format!("letter:{}", args.key),
        |user| {
            if args.key != REPORTER_DOCUMENT || authority::sees_confidential(&def, user) {
                return Ok(());
            }
            Err(authority::Denied::Confidential {
                user: Box::new(user.clone()),
                field: args.key.clone(),
                needs: def
                    .confidential
                    .as_ref()
                    .map(|c| c.visible_to.clone())
                    .unwrap_or_default(),
            })
        },
        |_| renderer.render(&args.key, &input).in_workflow(&def),
    )?;
    let body = match args.format {
        Format::Txt => rendered.text,
        Format::Html => rendered.html,
    };
    write_out(ctx, args.out.as_deref(), args.force, &body)
}

/// Writes a letter to a file, or to standard output without one.
pub fn write_out(
    ctx: &Ctx,
    out: Option<&std::path::Path>,
    force: bool,
    body: &str,
) -> Result<(), Failure> {
    match out {
        Some(path) => output::write_output(path, body.as_bytes(), force, &ctx.protected_files())
            .exists_as("out-exists"),
        None => {
            print!("{body}");
            Ok(())
        }
    }
}
