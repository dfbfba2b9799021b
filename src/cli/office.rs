//! The command line's way into the application layer: who is calling (from `--user`, `--as`
//! and `--now`) and the office a command runs against (the database with the calendar, the
//! profile and the letters in force). The one file of the front end that names the storage
//! layer: it opens the database; every rule is the office's.

use std::time::Duration;

use wardflow_engine::app::backend::Backend;
use wardflow_engine::app::database::Database;
use wardflow_engine::app::{Caller, ClockSource, Config, Given, Office};
use wardflow_engine::definition::Definition;
use wardflow_engine::profile::Profile;
use wardflow_engine::store::{Store, StoreError};

use super::{Calendars, Ctx, parse_time};
use crate::failure::Failure;
use crate::tr;

impl Ctx {
    /// The caller: `--user` (or the login name), acting in `role`, on `--now` or the wall
    /// clock (the office refuses `--now` on a real database).
    pub fn caller(&self, role: Option<&str>) -> Result<Caller, Failure> {
        let clock = match &self.global.now {
            Some(text) => ClockSource::Requested(parse_time("--now", text)?),
            None => ClockSource::Wall,
        };
        Ok(Caller {
            user: self.user(),
            role: role.map(str::to_owned),
            clock,
            reason: self.global.why.clone(),
        })
    }

    /// The configuration of an office over `store`.
    fn config<B: Backend>(&self, store: &B) -> Result<Config, Failure> {
        let calendars = Calendars::load(self)?;
        Ok(Config {
            tz: calendars.tz,
            calendar: calendars.calendar,
            // None: the published profile (a real database reads no profile file).
            profile: match self.global.profile {
                Some(_) if store.simulation() => {
                    let defs = store.latest_definitions()?;
                    let refs: Vec<&Definition> = defs.iter().map(|d| d.as_ref()).collect();
                    self.named_profile(&refs)?
                }
                _ => None,
            },
            letters: self.global.letters(),
            given: self.given(),
            progress: crate::progress::reporter(self),
            fonts: self.global.fonts.clone(),
        })
    }

    /// Which configuration files the command named (`--calendar`, `--profile`, `--letters`,
    /// or their environment variables).
    fn given(&self) -> Given {
        Given {
            calendar: self.global.calendar.is_some(),
            profile: self.global.profile.is_some(),
            letters: self.global.letters_given(),
        }
    }

    /// Tells the user when opening the file repaired it after a crash.
    fn note_repair(&self, store: &Store) {
        if store.repaired_on_open() {
            eprintln!(
                "{}",
                tr!(
                    self.tr,
                    "db-repaired",
                    db = self.global.db.display().to_string()
                )
            );
        }
    }

    fn office(&self, store: Store) -> Result<Office, Failure> {
        self.note_repair(&store);
        let config = self.config(&store)?;
        Ok(Office::new(store, config))
    }

    /// An office over the database opened for reading.
    pub fn office_for_read(&self) -> Result<Office, Failure> {
        let store = Store::open_read(&self.global.db, self.lock_timeout());
        self.office(store.map_err(|e| self.served(e))?)
    }

    /// The office `wardflow serve` holds: over the PostgreSQL database at `url` (with these
    /// pool and statement limits), else over the redb file of `--db` opened for writing.
    pub fn office_served(
        &self,
        url: Option<&str>,
        limits: wardflow_engine::pg::Limits,
    ) -> Result<Office<Database>, Failure> {
        let database = match url {
            Some(url) => {
                Database::Postgres(wardflow_engine::pg::PgBackend::open_with(url, limits)?)
            }
            None => {
                let store = Store::open(&self.global.db, self.lock_timeout());
                let store = store.map_err(|e| self.served(e))?;
                self.note_repair(&store);
                Database::Redb(store)
            }
        };
        let config = self.config(&database)?;
        Ok(Office::new(database, config))
    }

    /// An office over the database opened for writing.
    pub fn office_for_write(&self) -> Result<Office, Failure> {
        let store = Store::open(&self.global.db, self.lock_timeout());
        self.office(store.map_err(|e| self.served(e))?)
    }

    /// A busy database that `wardflow serve` holds is not "busy": the server is named.
    fn served(&self, e: StoreError) -> Failure {
        if let StoreError::Busy { .. } = e
            && let Some(url) = crate::serve::serving(&self.global.db)
        {
            return Failure::said(
                crate::failure::Exit::Busy,
                crate::msg!(
                    "db-served",
                    db = self.global.db.display().to_string(),
                    url = url
                ),
            )
            .with_key(self.global.db.display().to_string());
        }
        e.into()
    }

    /// An office over the database opened for writing whatever its stored format (`db
    /// migrate`).
    pub fn office_for_migration(&self) -> Result<Office, Failure> {
        self.office(Store::open_for_migration(
            &self.global.db,
            self.lock_timeout(),
        )?)
    }

    /// An office over the database opened for writing within `wait`; None when another
    /// command holds it that long (the runner tries again later).
    pub fn office_if_free(&self, wait: Duration) -> Result<Option<Office>, Failure> {
        match Store::open(&self.global.db, wait) {
            Ok(store) => Ok(Some(self.office(store)?)),
            Err(StoreError::Busy { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The configuration for an office over a database not open yet (init, restore,
    /// import), with the profile `--profile` names when given.
    pub fn detached_config(&self, profile: Option<Profile>) -> Result<Config, Failure> {
        let calendars = Calendars::load(self)?;
        Ok(Config {
            tz: calendars.tz,
            calendar: calendars.calendar,
            profile,
            letters: self.global.letters(),
            given: self.given(),
            progress: crate::progress::reporter(self),
            fonts: self.global.fonts.clone(),
        })
    }
}
