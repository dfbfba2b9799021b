//! `wardflow export [--out FILE] [--plain] [--deidentify]`: the whole database as JSON Lines,
//! encrypted to the published recipients unless `--plain`; or, with `--deidentify`, one line
//! per case with names and identity numbers replaced by keyed pseudonyms and everything else
//! personal dropped (issue 23).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use wardflow_engine::app::Office;
use wardflow_engine::protect::deidentify::PseudonymKey;

use super::super::Ctx;
use crate::failure::{Context, Exit, Failure};
use crate::{msg, tr};

/// Arguments of `wardflow export`.
#[derive(Debug, Args)]
pub struct DatabaseExportArgs {
    /// Write to this file (must not exist yet) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace the `--out` file if it exists (never the database or its files).
    #[arg(long, requires = "out")]
    force: bool,
    #[command(flatten)]
    copy: super::CopyArgs,
    /// A de-identified export for statistics and research: pseudonyms for names and identity
    /// numbers, birth dates to the year, no addresses, phone numbers or free text.
    #[arg(long)]
    deidentify: bool,
    /// The secret key of pseudonyms (default: the database path with `.pseudonym-key`
    /// appended; made, 0600, by the first de-identified export).
    #[arg(long, value_name = "FILE", requires = "deidentify")]
    pseudonym_key: Option<PathBuf>,
    /// Export this PostgreSQL database (`postgres://…`, else `WARDFLOW_DATABASE`) instead of
    /// the redb file of `--db`: the same lines a redb file of the same contents gives.
    #[arg(
        long,
        env = "WARDFLOW_DATABASE",
        hide_env_values = true,
        value_name = "URL",
        conflicts_with = "deidentify"
    )]
    database: Option<String>,
}

/// Exports from a snapshot: the database is held only while it is copied, so writers go on
/// during a long export, and the export is one committed state.
pub fn run(ctx: &Ctx, args: DatabaseExportArgs) -> Result<(), Failure> {
    if let Some(remote) = ctx.remote()? {
        // The server's export, as it wrote it (a file on this machine: embedded only).
        if args.out.is_some() || args.deidentify {
            ctx.embedded_only(if args.deidentify {
                "export --deidentify"
            } else {
                "export --out"
            })?;
        }
        // Encrypted by the server to the published recipients unless `--plain` says otherwise.
        let plain = matches!(args.copy.form(), wardflow_engine::app::CopyForm::Plain);
        let query = if plain {
            vec![("plain", "true".to_owned())]
        } else {
            Vec::new()
        };
        let lines = remote.get_bytes("/api/v1/export", &query)?;
        let mut stdout = std::io::stdout().lock();
        return std::io::Write::write_all(&mut stdout, &lines)
            .and_then(|()| std::io::Write::flush(&mut stdout))
            .map_err(|e| crate::failure::Kind::Output(e).into());
    }
    if args.deidentify {
        return deidentified(ctx, &args);
    }
    let caller = ctx.caller(None)?;
    let form = args.copy.form();
    let counts = match (&args.database, &args.out) {
        (Some(url), out) => {
            let url = super::super::postgres_url(url)?;
            let office = ctx.office_served(Some(url), wardflow_engine::pg::Limits::default())?;
            match out {
                None => {
                    let stdout = std::io::stdout().lock();
                    office.export_held(&caller, form, BufWriter::new(stdout))?;
                    return Ok(());
                }
                Some(out) => office
                    .export_held_to(&caller, form, out, args.force, &ctx.key_files())
                    .exists_as("out-exists")?,
            }
        }
        (None, _) => return from_file(ctx, args, caller),
    };
    done(ctx, &args, &counts);
    Ok(())
}

/// The export of the redb file of `--db`.
fn from_file(
    ctx: &Ctx,
    args: DatabaseExportArgs,
    caller: wardflow_engine::app::Caller,
) -> Result<(), Failure> {
    let (db, wait) = (&ctx.global.db, ctx.lock_timeout());
    let config = ctx.detached_config(None)?;
    let form = args.copy.form();
    let Some(out) = args.out.clone() else {
        let stdout = std::io::stdout().lock();
        Office::export_database(&caller, db, wait, &config, form, BufWriter::new(stdout))?;
        return Ok(());
    };
    let counts = Office::export_database_to(
        &caller,
        db,
        wait,
        &config,
        form,
        &out,
        args.force,
        &ctx.key_files(),
    )
    .exists_as("out-exists")?;
    done(ctx, &args, &counts);
    Ok(())
}

/// Says where the export went and what it holds (and warns of a plain copy).
fn done(ctx: &Ctx, args: &DatabaseExportArgs, counts: &wardflow_engine::app::DumpCounts) {
    let Some(out) = &args.out else {
        return;
    };
    println!(
        "{}",
        tr!(
            ctx.tr,
            "export-done",
            path = out.display().to_string(),
            definitions = counts.definitions,
            cases = counts.cases,
            events = counts.events,
            letters = counts.letters
        )
    );
    if args.copy.form() == wardflow_engine::app::CopyForm::Plain {
        eprintln!(
            "{}",
            tr!(
                ctx.tr,
                "copy-plain-warning",
                path = out.display().to_string()
            )
        );
    }
}

/// The pseudonym key file's path.
fn key_path(ctx: &Ctx, args: &DatabaseExportArgs) -> PathBuf {
    args.pseudonym_key.clone().unwrap_or_else(|| {
        let mut name = ctx.global.db.clone().into_os_string();
        name.push(".pseudonym-key");
        PathBuf::from(name)
    })
}

/// The pseudonym key at `path`; None when there is no file yet.
fn read_key(path: &Path) -> Result<Option<PseudonymKey>, Failure> {
    match std::fs::read_to_string(path) {
        Ok(text) => PseudonymKey::from_file_text(&text)
            .map(Some)
            .ok_or_else(|| {
                Failure::said(
                    Exit::BadInput,
                    msg!("pseudonym-key-bad", path = path.display().to_string()),
                )
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::cannot_read(path, e.to_string())),
    }
}

/// Keeps a new pseudonym key in `path`, readable by its owner only; never over a file.
fn keep_key(path: &Path, key: &PseudonymKey) -> Result<(), Failure> {
    let shown = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(path).and_then(|mut f| {
        f.write_all(key.to_file_text().as_bytes())
            .and_then(|()| f.sync_all())
    });
    written.map_err(|e| {
        Failure::said(
            Exit::Storage,
            msg!("cannot-write", path = shown, detail = e.to_string()),
        )
    })
}

fn deidentified(ctx: &Ctx, args: &DatabaseExportArgs) -> Result<(), Failure> {
    let caller = ctx.caller(None)?;
    let (db, wait) = (&ctx.global.db, ctx.lock_timeout());
    let config = ctx.detached_config(None)?;
    let path = key_path(ctx, args);
    let (key, new) = match read_key(&path)? {
        Some(key) => (key, false),
        None => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(Failure::bug)?;
            (PseudonymKey(bytes), true)
        }
    };
    let form = args.copy.form();
    let mut keys = ctx.key_files();
    keys.push(path.clone());
    let count = match &args.out {
        None => {
            let stdout = std::io::stdout().lock();
            Office::export_deidentified(&caller, db, wait, &config, form, &key, stdout)?
        }
        Some(out) => {
            let mut file = Vec::new();
            let count =
                Office::export_deidentified(&caller, db, wait, &config, form, &key, &mut file)?;
            let office = ctx.office_for_read()?;
            office
                .write_output(out, &file, args.force, &keys)
                .exists_as("out-exists")?;
            count
        }
    };
    // The key is kept only once it has made an export (a refused caller makes none).
    if new {
        keep_key(&path, &key)?;
    }
    if let Some(out) = &args.out {
        println!(
            "{}",
            tr!(
                ctx.tr,
                "export-deidentified-done",
                path = out.display().to_string(),
                cases = count
            )
        );
    }
    Ok(())
}
