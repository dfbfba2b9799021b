//! `wardflow unit …`: the units (county, township, village, police stations, courts …) and the
//! area each covers, loaded from a file.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use wardflow_engine::authority::{self, Units};
use wardflow_engine::store::StoredUnits;

use super::{Ctx, print_json};
use crate::failure::Failure;
use crate::tr;

/// Unit subcommands.
#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Replace the units with those of a file (administrators only).
    Load {
        /// The units file (format: units/example.yaml).
        file: PathBuf,
    },
    /// The units in force.
    List,
}

/// Reads and checks a units file; the stored form keeps its source.
pub fn read_units(path: &Path, by: &str, now: jiff::Timestamp) -> Result<StoredUnits, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::cannot_read(path, e.to_string()))?;
    let shown = path.display().to_string();
    let units = authority::load_units(&shown, &bytes)?;
    Ok(StoredUnits {
        units,
        file: Some(shown),
        source: Some(String::from_utf8_lossy(&bytes).into_owned()),
        loaded_at: now,
        loaded_by: by.to_owned(),
    })
}

fn print_units(ctx: &Ctx, units: &Units) {
    for u in units.iter() {
        let parent = u.parent.clone().unwrap_or_default();
        let covers = if u.covers.is_empty() {
            String::new()
        } else {
            tr!(ctx.tr, "unit-covers", units = ctx.tr.list(&u.covers))
        };
        println!("{}  {}  {}  {parent}{covers}", u.id, u.name, u.kind);
    }
}

/// Runs a unit subcommand.
pub fn run(ctx: &Ctx, cmd: UnitCommand) -> Result<(), Failure> {
    match cmd {
        UnitCommand::Load { file } => {
            let store = ctx.store_for_write()?;
            let now = ctx.now(Some(&store))?;
            let admin = ctx.administrator(&store)?;
            let stored = read_units(&file, &admin.name, now)?;
            let count = stored.units.iter().count();
            store.load_units(stored)?;
            if ctx.global.json {
                return print_json(&serde_json::json!({"units": count}));
            }
            println!("{}", tr!(ctx.tr, "units-loaded", count = count));
            Ok(())
        }
        UnitCommand::List => {
            let store = ctx.store_for_read()?;
            let units = ctx.units(&store)?;
            ctx.registered_user(&store, &units)?;
            if ctx.global.json {
                return print_json(&units.iter().collect::<Vec<_>>());
            }
            print_units(ctx, &units);
            Ok(())
        }
    }
}
