//! The stored format (`wardflow db migrate`) and published configuration (issue 20).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;

use super::backend::{Backend, WriteTx};
use super::{AppError, Caller, Config, Office, Owner, WHOLE_DATABASE};
use crate::authority::ADMIN_ROLE;
use crate::case::{CaseId, EventKind};
use crate::definition::{Definition, Diagnostics};
use crate::holidays::CalendarFile;
use crate::letters::Renderer;
use crate::step::{self, Actor, Clock};
use crate::store::Store;
use crate::store::migrations::{self, Context};
use crate::store::published::{Kind, NewPublication, Publication};

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

/// What `db compact` did: the file's length before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbCompaction {
    pub before: u64,
    pub after: u64,
}

impl Office<Store> {
    /// Gives the database file's free space back to the disk (administrators, recorded in the
    /// access log as `db:compact`): the tables that grow with every case rewritten in key
    /// order, then redb's compaction (`Store::compact`). For after a bulk load, an import into
    /// an existing office, or a file that has grown much past what `check` says it holds; the
    /// database must be opened exclusively (no server holding it).
    pub fn compact_database(&mut self, caller: &Caller) -> Result<DbCompaction, AppError> {
        let now = self.now(caller)?;
        self.authorise(caller, Owner::Administrator, "db:compact")?;
        self.log(caller, now, WHOLE_DATABASE, "db:compact", None)?;
        let length = |store: &Store| {
            std::fs::metadata(store.path())
                .map(|m| m.len())
                .map_err(|e| crate::store::StoreError::Storage(e.to_string()))
        };
        let before = length(&self.backend)?;
        self.backend.compact()?;
        let after = length(&self.backend)?;
        Ok(DbCompaction { before, after })
    }

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

/// Something an administrator publishes, as read from its files.
#[derive(Debug, Clone)]
pub enum ToPublish {
    /// A holiday calendar file (its name and bytes).
    Calendar { file: String, bytes: Vec<u8> },
    /// A letters directory: the document table and every template it names, by file name.
    Letters { files: BTreeMap<String, String> },
    /// A county profile file (its name and bytes).
    Profile { file: String, bytes: Vec<u8> },
    /// The privacy settings (`crate::protect::privacy`): recipients and retention.
    Privacy { file: String, bytes: Vec<u8> },
}

/// A deadline a newly published calendar moved.
#[derive(Debug, Clone, PartialEq)]
pub struct MovedDeadline {
    pub case: CaseId,
    pub deadline: String,
    pub from: Timestamp,
    pub to: Timestamp,
}

/// What publishing did: each version in force (and whether it is new), and the running
/// deadlines a new calendar moved.
#[derive(Debug, Clone)]
pub struct PublishReport {
    pub published: Vec<(Publication, bool)>,
    pub moved: Vec<MovedDeadline>,
}

/// When the published calendar runs out: its last day, and how many days are left from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CalendarEnd {
    pub last_day: jiff::civil::Date,
    pub days_left: i64,
}

/// How many days before the calendar's end `run`, `timers` and `serve` warn.
pub const CALENDAR_WARNING_DAYS: i64 = 60;

/// The calendar a publication holds.
fn calendar_of(p: &Publication) -> Option<CalendarFile> {
    let (file, source) = p.files.iter().next()?;
    crate::holidays::load(file, source.as_bytes()).ok()
}

/// Replaces what `config` brings with what is published, except the files a command named
/// on a simulation database (see [`Config`]).
pub(super) fn resolve<B: Backend>(backend: &B, config: &mut Config) {
    let honours = |given: bool| given && backend.simulation();
    let latest = |kind: Kind| {
        backend
            .snapshot(|tx| tx.publication(kind, "", None))
            .ok()
            .flatten()
    };
    if !honours(config.given.calendar)
        && let Some(file) = latest(Kind::Calendar).as_ref().and_then(calendar_of)
    {
        config.calendar = file.calendar;
        config.tz = file.time_zone;
    }
    if !honours(config.given.profile) {
        // None: the profile the database was made with (a database not yet migrated).
        config.profile = latest(Kind::Profile).and_then(|p| p.profile);
    }
}

impl<B: Backend> Office<B> {
    /// When the calendar in force runs out, if that is within [`CALENDAR_WARNING_DAYS`] of
    /// `now` (or has happened): deadlines past its last day are counted without holidays.
    pub fn calendar_runs_out(&self, now: Timestamp) -> Option<CalendarEnd> {
        let today = now.to_zoned_datetime(self.config.tz.clone()).date();
        let last_day = match self.config.calendar.last_year() {
            Some(year) => jiff::civil::date(year, 12, 31),
            None => today.yesterday().ok()?,
        };
        let days_left = (last_day - today).get_days().into();
        (days_left <= CALENDAR_WARNING_DAYS).then_some(CalendarEnd {
            last_day,
            days_left,
        })
    }
}

impl<B: Backend> Office<B> {
    /// Publishes calendars, letters and profiles (administrators): everything is checked
    /// before anything changes, then all of it is stored in one transaction, each new version
    /// recorded in the access log as `publish:KIND:N`. A new calendar applies to running
    /// deadlines at once: each one it moves gets a `DeadlineAdjusted` event in its case's
    /// history, by the publishing administrator.
    pub fn publish_config(
        &self,
        caller: &Caller,
        items: Vec<ToPublish>,
    ) -> Result<PublishReport, AppError> {
        let now = self.now(caller)?;
        let admin = self.authorise(caller, Owner::Administrator, "publish")?;
        let checked = self.check_publications(items)?;
        let calendar = checked
            .iter()
            .find_map(|(new, calendar)| calendar.as_ref().map(|c| (new.clone(), c.clone())));
        let actor = Actor {
            user: admin.name.clone(),
            role: ADMIN_ROLE.to_owned(),
        };
        let report = self.backend.transaction(|tx| {
            let mut published = Vec::new();
            for (new, _) in &checked {
                published.push(tx.publish(new, &admin.name, now)?);
            }
            let mut moved = Vec::new();
            let new_calendar = calendar.as_ref().filter(|(new, _)| {
                published
                    .iter()
                    .any(|(p, fresh)| *fresh && p.kind == new.kind.key())
            });
            if let Some((_, file)) = new_calendar {
                let clock = Clock {
                    now,
                    tz: &file.time_zone,
                    calendar: &file.calendar,
                };
                moved = recount_all(tx, &clock, &actor)?;
            }
            Ok::<_, AppError>(PublishReport { published, moved })
        })?;
        for (p, fresh) in &report.published {
            if *fresh {
                let action = format!("publish:{}:{}", p.kind, p.number);
                self.log(caller, now, WHOLE_DATABASE, &action, None)?;
            }
        }
        Ok(report)
    }

    /// Checks what is to be published; each with its calendar when it is one.
    fn check_publications(
        &self,
        items: Vec<ToPublish>,
    ) -> Result<Vec<(NewPublication, Option<CalendarFile>)>, AppError> {
        let defs = self.backend.latest_definitions()?;
        // Letters published with a profile are what its letter settings are checked against.
        let mut renderer: Option<Arc<Renderer>> = None;
        let mut out = Vec::new();
        for item in &items {
            if let ToPublish::Letters { files } = item {
                let r = Renderer::from_files(PathBuf::from("letters"), files)?;
                let mut failed = Vec::new();
                for def in &defs {
                    let problems = crate::letters::coverage::check(def, r.table());
                    if !problems.is_empty() {
                        failed.push(Diagnostics {
                            file: def.key.clone(),
                            workflow: Some(def.key.clone()),
                            problems,
                        });
                    }
                }
                if !failed.is_empty() {
                    return Err(AppError::Workflows(failed));
                }
                renderer = Some(Arc::new(r));
                out.push((
                    NewPublication {
                        kind: Kind::Letters,
                        name: String::new(),
                        files: files.clone(),
                        profile: None,
                    },
                    None,
                ));
            }
        }
        for item in items {
            match item {
                ToPublish::Letters { .. } => {}
                ToPublish::Calendar { file, bytes } => {
                    let calendar =
                        crate::holidays::load(&file, &bytes).map_err(AppError::Publish)?;
                    out.push((
                        NewPublication {
                            kind: Kind::Calendar,
                            name: String::new(),
                            files: BTreeMap::from([(file, utf8(&bytes))]),
                            profile: None,
                        },
                        Some(calendar),
                    ));
                }
                ToPublish::Privacy { file, bytes } => {
                    crate::protect::privacy::Privacy::load_for(&file, &bytes, self.crypto())
                        .map_err(AppError::Publish)?;
                    out.push((
                        NewPublication {
                            kind: Kind::Privacy,
                            name: String::new(),
                            files: BTreeMap::from([(file, utf8(&bytes))]),
                            profile: None,
                        },
                        None,
                    ));
                }
                ToPublish::Profile { file, bytes } => {
                    let refs: Vec<&Definition> = defs.iter().map(|d| d.as_ref()).collect();
                    let profile =
                        crate::profile::load(&file, &bytes, &refs).map_err(AppError::Publish)?;
                    if !profile.letters.is_empty() {
                        let r = match &renderer {
                            Some(r) => r.clone(),
                            None => self.renderer()?,
                        };
                        for (key, settings) in &profile.letters {
                            r.check_settings(key, settings)?;
                        }
                    }
                    out.push((
                        NewPublication {
                            kind: Kind::Profile,
                            name: String::new(),
                            files: BTreeMap::from([(file, utf8(&bytes))]),
                            profile: Some(profile),
                        },
                        None,
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Every published version of calendars, letters, profiles and units (any registered,
    /// enabled user).
    pub fn publications(&self, caller: &Caller) -> Result<Vec<Publication>, AppError> {
        self.reader(caller)?;
        Ok(self.backend.publications()?)
    }
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Recomputes every running deadline on `clock`'s calendar, appending a `DeadlineAdjusted`
/// event to each case whose deadline moves.
fn recount_all(
    tx: &mut dyn WriteTx,
    clock: &Clock,
    actor: &Actor,
) -> Result<Vec<MovedDeadline>, AppError> {
    let mut moved = Vec::new();
    for id in tx.due(Timestamp::MAX, usize::MAX)? {
        let Some(case) = tx.case(&id)? else {
            continue;
        };
        let def = tx.definition(&case.version)?;
        // A simulated clock behind the case's last record records the move at that record.
        let clock = Clock {
            now: clock.now.max(case.updated_at),
            ..*clock
        };
        let Some(outcome) = step::recount(&def, &case, &clock, actor) else {
            continue;
        };
        for event in &outcome.events {
            if let EventKind::DeadlineAdjusted { name, due, .. } = &event.kind
                && let Some(before) = case.deadlines.get(name)
            {
                moved.push(MovedDeadline {
                    case: id.clone(),
                    deadline: name.clone(),
                    from: before.due,
                    to: *due,
                });
            }
        }
        crate::app::outbox::append(tx, &outcome.case, &outcome.events, Some(&case))?;
    }
    Ok(moved)
}
