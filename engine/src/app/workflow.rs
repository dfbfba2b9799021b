//! Workflow use cases: checking files (validate), publishing them (administrators), reading
//! what is published, and making a new database with its first workflows, units and
//! administrator (`init`).

use super::backend::Backend;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::admin::check_roles_among;
use super::{AppError, Caller, ClockSource, Config, Office, Owner};
use crate::authority::{self, ADMIN_ROLE, Units};
use crate::definition::{self, Definition, Diagnostics};
use crate::profile::Profile;
use crate::store::published::{Kind, NewPublication};
use crate::store::{Published, RegistryError, Store, StoreError, StoredUnits, StoredUser, Version};

/// A checked file ready to publish: its name, its bytes and its definition.
pub type Checked = (String, Vec<u8>, Definition);

/// Files that did not all pass: those that did, and the problems of those that did not.
#[derive(Debug)]
pub struct CheckFailed {
    pub passed: Vec<(String, Definition)>,
    pub failed: Vec<Diagnostics>,
}

/// Loads and cross-checks files (`workflow validate`, and before every publishing);
/// `context` holds other definitions links may name. Workflows that issue letters are checked
/// against the letters table in `letters`: each letter exists and each act that issues one
/// requires every field it needs.
pub fn check_files(
    files: &[(String, Vec<u8>)],
    context: &[Definition],
    letters: &Path,
) -> Result<Vec<Checked>, CheckFailed> {
    let (mut ok, mut failed) = definition::load_all(files, context);
    let issues_letters = |d: &Definition| {
        !d.start.letters.is_empty() || d.transitions.iter().any(|t| !t.letters.is_empty())
    };
    if ok.iter().any(|(_, d)| issues_letters(d)) {
        let table = crate::letters::Renderer::load(letters);
        let mut passed = Vec::new();
        for (name, def) in ok {
            let problems = match (&table, issues_letters(&def)) {
                (_, false) => Vec::new(),
                (Ok(r), true) => crate::letters::coverage::check(&def, r.table()),
                (Err(e), true) => vec![definition::Problem {
                    pos: None,
                    path: "letters".into(),
                    kind: definition::ProblemKind::LettersUnavailable {
                        detail: e.to_string(),
                    },
                }],
            };
            if problems.is_empty() {
                passed.push((name, def));
            } else {
                failed.push(Diagnostics {
                    file: name,
                    workflow: Some(def.key.clone()),
                    problems,
                });
            }
        }
        ok = passed;
    }
    if !failed.is_empty() {
        return Err(CheckFailed { passed: ok, failed });
    }
    Ok(ok
        .into_iter()
        .filter_map(|(name, def)| {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, bytes)| (name, bytes.clone(), def))
        })
        .collect())
}

/// A workflow's latest published definition and its version number.
pub type Latest = (Arc<Definition>, Option<u32>);

/// `init`: a new database and what it starts with.
#[derive(Debug, Clone)]
pub struct Setup {
    /// A simulation database (accepts a requested clock).
    pub simulation: bool,
    /// The county profile chosen for the database.
    pub profile: Option<Profile>,
    /// The workflow files to publish (all must pass).
    pub files: Vec<(String, Vec<u8>)>,
    /// Definitions links may name besides the files.
    pub context: Vec<Definition>,
    /// A units file (its name and bytes); None: one unit for the whole office.
    pub units: Option<(String, Vec<u8>)>,
    /// The first administrator; default: the caller.
    pub admin: Option<String>,
    /// The administrator's unit; default: the only top unit.
    pub admin_unit: Option<String>,
    /// Roles the administrator holds besides `admin`.
    pub admin_roles: Vec<String>,
    /// The holiday calendar file to publish (its name and bytes); None: the built-in one.
    pub calendar: Option<(String, Vec<u8>)>,
    /// The letters directory's files to publish (document table and templates), when found.
    pub letters: Option<BTreeMap<String, String>>,
    /// The cryptographic profile (`init --crypto`): fixed for the database's life.
    pub crypto: crate::crypto::Profile,
}

/// What `init` made.
#[derive(Debug, Clone)]
pub struct Founded {
    pub published: Vec<Published>,
    pub admin: StoredUser,
}

/// A units file, checked.
pub(super) fn parse_units(file: &str, bytes: &[u8]) -> Result<Units, AppError> {
    authority::load_units(file, bytes).map_err(AppError::Units)
}

/// The administrator's unit: the one named, else the only top unit.
fn admin_unit(units: &Units, named: Option<&str>) -> Result<String, AppError> {
    if let Some(id) = named {
        return match units.get(id) {
            Some(u) => Ok(u.id.clone()),
            None => Err(RegistryError::UnknownUnit {
                unit: id.to_owned(),
                suggestion: units.suggest(id),
            }
            .into()),
        };
    }
    match units.roots().as_slice() {
        [only] => Ok(only.id.clone()),
        _ => Err(AppError::AdminUnitNeeded),
    }
}

/// What `init` publishes besides the workflows, checked: the calendar (the built-in one
/// unless a file is given), the letters found, and the profile chosen.
fn initial_publications(setup: &Setup) -> Result<Vec<NewPublication>, AppError> {
    let mut out = Vec::new();
    match &setup.calendar {
        Some((file, bytes)) => {
            crate::holidays::load(file, bytes).map_err(AppError::Publish)?;
            out.push(NewPublication {
                kind: Kind::Calendar,
                name: String::new(),
                files: BTreeMap::from([(
                    file.clone(),
                    String::from_utf8_lossy(bytes).into_owned(),
                )]),
                profile: None,
            });
        }
        None => out.push(crate::store::published::builtin_calendar()),
    }
    if let Some(files) = &setup.letters {
        crate::letters::Renderer::from_files(std::path::PathBuf::from("letters"), files)?;
        out.push(NewPublication {
            kind: Kind::Letters,
            name: String::new(),
            files: files.clone(),
            profile: None,
        });
    }
    if let Some(profile) = &setup.profile {
        out.push(NewPublication {
            kind: Kind::Profile,
            name: String::new(),
            files: BTreeMap::new(),
            profile: Some(profile.clone()),
        });
    }
    Ok(out)
}

/// Making a redb database (a PostgreSQL one is made by `PgBackend::create`).
impl Office<Store> {
    /// Makes a new database at `db` (`init`): every workflow file checked before anything
    /// is created, then published with the units and the first administrator in the new
    /// file; on any failure the file is removed. A requested clock makes sense only for a
    /// simulation database.
    pub fn init(
        caller: &Caller,
        db: &Path,
        setup: Setup,
        config: Config,
    ) -> Result<(Office, Founded), AppError> {
        if db.exists() {
            return Err(StoreError::AlreadyExists(db.to_path_buf()).into());
        }
        Office::found(
            caller,
            setup,
            config,
            |simulation, profile, crypto, now| {
                Store::create_as(db, simulation, profile, crypto, now)
            },
            |store| {
                drop(store);
                let _ = std::fs::remove_file(db);
            },
        )
    }
}

/// Making a PostgreSQL database (`wardflow init --database postgres://…`).
impl Office<crate::pg::PgBackend> {
    /// Makes a new wardflow database in the empty PostgreSQL database at `url`, as
    /// [`Office::init`] makes a redb file: the schema, the workflows, the units and the first
    /// administrator. A failure after the schema was made leaves it (drop and make the
    /// PostgreSQL database again to retry).
    pub fn init_postgres(
        caller: &Caller,
        url: &str,
        setup: Setup,
        config: Config,
    ) -> Result<(Office<crate::pg::PgBackend>, Founded), AppError> {
        Office::found(
            caller,
            setup,
            config,
            |simulation, profile, crypto, now| {
                crate::pg::PgBackend::create_as(url, simulation, profile, crypto, now)
            },
            drop,
        )
    }
}

impl<B: Backend> Office<B> {
    /// What `init` does on either backend: checks every file, then `create`s the database and
    /// fills it; on a failure after that, `undo` gets the half-made database.
    fn found(
        caller: &Caller,
        setup: Setup,
        config: Config,
        create: impl FnOnce(
            bool,
            Option<crate::profile::Profile>,
            crate::crypto::Profile,
            jiff::Timestamp,
        ) -> Result<B, StoreError>,
        undo: impl FnOnce(B),
    ) -> Result<(Office<B>, Founded), AppError> {
        let now = match caller.clock {
            ClockSource::Requested(_) if !setup.simulation => {
                return Err(AppError::NowNotSimulation);
            }
            ClockSource::Requested(at) => at,
            ClockSource::Wall => Self::wall(),
        };
        let checked = check_files(&setup.files, &setup.context, &config.letters)
            .map_err(|e| AppError::Workflows(e.failed))?;
        let admin = setup.admin.clone().unwrap_or_else(|| caller.user.clone());
        let units = match &setup.units {
            Some((file, bytes)) => StoredUnits {
                units: parse_units(file, bytes)?,
                file: Some(file.clone()),
                source: Some(String::from_utf8_lossy(bytes).into_owned()),
                loaded_at: now,
                loaded_by: admin.clone(),
            },
            None => StoredUnits {
                units: Units::single(),
                file: None,
                source: None,
                loaded_at: now,
                loaded_by: admin.clone(),
            },
        };
        let unit = admin_unit(&units.units, setup.admin_unit.as_deref())?;
        let configuration = initial_publications(&setup)?;
        let defs: Vec<&Definition> = checked.iter().map(|(_, _, d)| d).collect();
        let mut roles = vec![ADMIN_ROLE.to_owned()];
        roles.extend(
            check_roles_among(&defs, &setup.admin_roles)?
                .into_iter()
                .filter(|r| r != ADMIN_ROLE),
        );
        let store = create(setup.simulation, setup.profile.clone(), setup.crypto, now)?;
        let user = StoredUser {
            name: admin.clone(),
            roles,
            unit,
            enabled: true,
            added_at: now,
            added_by: admin.clone(),
            disabled_at: None,
            disabled_by: None,
        };
        let founded = (|| -> Result<Vec<Published>, AppError> {
            let published = store.publish_definitions(&checked, &admin, now)?;
            crate::app::backend::Backend::transaction(&store, |tx| {
                for new in &configuration {
                    tx.publish(new, &admin, now)?;
                }
                Ok::<_, StoreError>(())
            })?;
            Backend::load_units(&store, units)?;
            Backend::add_user(&store, user.clone())?;
            Ok(published)
        })();
        match founded {
            Ok(published) => Ok((
                Office::new(store, config),
                Founded {
                    published,
                    admin: user,
                },
            )),
            Err(e) => {
                undo(store);
                Err(e)
            }
        }
    }
}

impl<B: Backend> Office<B> {
    /// Publishes workflow files as new versions (administrators): each is checked against
    /// the published workflows and `context` (links may name them) before any is stored.
    pub fn publish(
        &self,
        caller: &Caller,
        files: &[(String, Vec<u8>)],
        context: Vec<Definition>,
    ) -> Result<Vec<Published>, AppError> {
        let now = self.now(caller)?;
        let admin = self.authorise(caller, Owner::Administrator, "workflow:publish")?;
        let mut known: Vec<Definition> = self
            .backend
            .latest_definitions()?
            .iter()
            .map(|d| (**d).clone())
            .collect();
        known.extend(context);
        let checked = check_files(files, &known, &self.config.letters)
            .map_err(|e| AppError::Workflows(e.failed))?;
        Ok(self
            .backend
            .publish_definitions(&checked, &admin.name, now)?)
    }

    /// Every published workflow and its versions (any registered, enabled user).
    pub fn workflows(&self, caller: &Caller) -> Result<BTreeMap<String, Vec<Version>>, AppError> {
        self.reader(caller)?;
        Ok(self.backend.versions()?)
    }

    /// Every published workflow's key and title with the states any of its versions has, and
    /// their titles (a front end lays out and labels case lists by them; any registered,
    /// enabled user).
    pub fn vocabulary(&self, caller: &Caller) -> Result<Vec<Vocabulary>, AppError> {
        self.reader(caller)?;
        let mut out = Vec::new();
        for (key, versions) in self.backend.versions()? {
            let mut words = Vocabulary {
                workflow: key,
                title: String::new(),
                states: Vec::new(),
                title_en: None,
                states_en: Vec::new(),
            };
            for v in &versions {
                let def = self.backend.definition(&v.hash)?;
                // The latest version's title.
                words.title = def.title.clone();
                words.title_en = def.title_en.clone();
                for s in &def.states {
                    let Some(en) = &s.title_en else { continue };
                    if let Some(known) = words.states_en.iter_mut().find(|(k, _)| *k == s.key) {
                        known.1 = en.clone();
                    } else {
                        words.states_en.push((s.key.clone(), en.clone()));
                    }
                }
                for s in &def.states {
                    if let Some(known) = words.states.iter_mut().find(|(k, _)| *k == s.key) {
                        known.1 = s.title.clone();
                    } else {
                        words.states.push((s.key.clone(), s.title.clone()));
                    }
                }
            }
            out.push(words);
        }
        Ok(out)
    }

    /// The latest published version of a workflow and its number (any registered, enabled
    /// user); None when it is not published.
    pub fn workflow(&self, caller: &Caller, key: &str) -> Result<Option<Latest>, AppError> {
        self.reader(caller)?;
        let Some((hash, def)) = self.backend.latest(key)? else {
            return Ok(None);
        };
        let number = self
            .backend
            .versions()?
            .get(key)
            .and_then(|vs| vs.iter().find(|v| v.hash == hash).map(|v| v.number));
        Ok(Some((def, number)))
    }
}

/// The words of one published workflow, over all its versions: its title and every state it
/// has had, each with its title (the latest version's).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Vocabulary {
    pub workflow: String,
    pub title: String,
    pub states: Vec<(String, String)>,
    /// The latest version's English title, where it gives one.
    #[serde(default)]
    pub title_en: Option<String>,
    /// The English titles of the states that have one (the latest version's that gives one).
    #[serde(default)]
    pub states_en: Vec<(String, String)>,
}
