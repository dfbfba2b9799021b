//! The stored format (`wardflow db migrate`) and published configuration (issue 20).

use super::{AppError, Caller, Office, Owner, WHOLE_DATABASE};
use crate::store::Store;
use crate::store::migrations::{self, Context};

/// What `db migrate` did, or would do with `--dry-run`.
#[derive(Debug, Clone, PartialEq)]
pub struct DbMigration {
    /// The stored format before.
    pub from: u32,
    /// The format this build writes.
    pub to: u32,
    /// The steps applied (or, on a dry run, to apply): number and what it does.
    pub steps: Vec<(u32, &'static str)>,
    /// False on a dry run.
    pub applied: bool,
}

impl Office<Store> {
    /// Brings the database to this build's stored format (administrators): each pending step
    /// in a transaction of its own, recorded in the access log as `db:migrate:N`. Running it
    /// on a current database does nothing; `dry_run` lists the steps and changes nothing.
    pub fn migrate_database(
        &mut self,
        caller: &Caller,
        dry_run: bool,
    ) -> Result<DbMigration, AppError> {
        let now = self.now(caller)?;
        let admin = self.authorise(caller, Owner::Administrator, "db:migrate")?;
        let from = self.backend.meta().format;
        let steps: Vec<(u32, &'static str)> = migrations::pending(from)
            .map(|s| (s.number, s.title))
            .collect();
        if !dry_run {
            for (number, _) in &steps {
                self.log(
                    caller,
                    now,
                    WHOLE_DATABASE,
                    &format!("db:migrate:{number}"),
                    None,
                )?;
            }
            let cx = Context {
                by: admin.name,
                now,
            };
            self.backend.migrate(&cx)?;
        }
        Ok(DbMigration {
            from,
            to: migrations::CURRENT,
            steps,
            applied: !dry_run,
        })
    }
}
