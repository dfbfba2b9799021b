//! The command line's way into the application layer: who is calling (from `--user`, `--as`
//! and `--now`) and the office a command runs against (the database with the calendar, the
//! profile and the letters in force).

use wardflow_engine::app::{Caller, ClockSource, Config, Office};
use wardflow_engine::store::Store;

use super::{Calendars, Ctx, parse_time};
use crate::failure::Failure;

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
        })
    }

    /// The configuration of an office over `store`.
    fn config(&self, store: &Store) -> Result<Config, Failure> {
        let calendars = Calendars::load(self)?;
        Ok(Config {
            tz: calendars.tz,
            calendar: calendars.calendar,
            // None: the profile the database was made with.
            profile: match self.global.profile {
                Some(_) => self.profile(store)?,
                None => None,
            },
            letters: self.global.letters.clone(),
        })
    }

    /// An office over the database opened for reading.
    pub fn office_for_read(&self) -> Result<Office, Failure> {
        let store = Store::open_read(&self.global.db, self.lock_timeout())?;
        self.note_repair(&store);
        let config = self.config(&store)?;
        Ok(Office::new(store, config))
    }

    /// An office over the database opened for writing.
    pub fn office_for_write(&self) -> Result<Office, Failure> {
        let store = Store::open(&self.global.db, self.lock_timeout())?;
        self.note_repair(&store);
        let config = self.config(&store)?;
        Ok(Office::new(store, config))
    }

    /// The configuration for an office over a database not open yet (restore, import).
    pub fn detached_config(&self) -> Result<Config, Failure> {
        let calendars = Calendars::load(self)?;
        Ok(Config {
            tz: calendars.tz,
            calendar: calendars.calendar,
            profile: None,
            letters: self.global.letters.clone(),
        })
    }
}
