//! The user registry and the configured units, in their own tables.
//!
//! A user is never deleted: `disable` keeps the name, so every event that names them still
//! names someone the registry knows.

use jiff::Timestamp;
use redb::{ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use super::format::{decode, decode_case, encode};
use super::{CASES, Store, StoreError, corrupt, storage};
use crate::authority::{Units, User};
use crate::case::Case;

/// name -> StoredUser.
pub(super) const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
/// "current" -> StoredUnits.
pub(super) const UNITS: TableDefinition<&str, &[u8]> = TableDefinition::new("units");
pub(super) const CURRENT: &str = "current";

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredUser {
    pub name: String,
    pub roles: Vec<String>,
    pub unit: String,
    pub enabled: bool,
    pub added_at: Timestamp,
    pub added_by: String,
    #[serde(default)]
    pub disabled_at: Option<Timestamp>,
    #[serde(default)]
    pub disabled_by: Option<String>,
}

impl StoredUser {
    /// The user as the authority checks see them.
    pub fn user(&self) -> User {
        User {
            name: self.name.clone(),
            roles: self.roles.clone(),
            unit: self.unit.clone(),
            enabled: self.enabled,
        }
    }
}

/// The units file in force, as stored (the source kept for the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredUnits {
    pub units: Units,
    pub file: Option<String>,
    pub source: Option<String>,
    pub loaded_at: Timestamp,
    pub loaded_by: String,
}

/// Why a registry change was not made.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("user {0} already exists")]
    UserExists(String),
    #[error("no user {0}")]
    UnknownUser(String),
    #[error("no unit {unit}")]
    UnknownUnit {
        unit: String,
        suggestion: Option<String>,
    },
    /// A new units file drops a unit that users or cases still name.
    #[error("unit {unit} is still used by {by}")]
    UnitInUse { unit: String, by: String },
    /// The authority rules refuse the change (the last administrator).
    #[error(transparent)]
    Denied(#[from] crate::authority::Denied),
}

/// A rule on the registry as a change would leave it (the user changed, everyone after).
pub type RegistryRule<'a> =
    &'a dyn Fn(&str, &[crate::authority::User]) -> Result<(), crate::authority::Denied>;

/// A missing table reads as empty (a database made before the registry existed).
fn missing_is_empty<T>(result: Result<T, redb::TableError>) -> Result<Option<T>, StoreError> {
    match result {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(storage(e)),
    }
}

impl Store {
    /// The units in force; one all-covering unit when none were loaded.
    pub fn units(&self) -> Result<Units, StoreError> {
        Ok(self.stored_units()?.map_or_else(Units::single, |s| s.units))
    }

    /// The units in force with where they came from.
    pub fn stored_units(&self) -> Result<Option<StoredUnits>, StoreError> {
        let tx = self.read()?;
        let Some(table) = missing_is_empty(tx.open_table(UNITS))? else {
            return Ok(None);
        };
        match table.get(CURRENT).map_err(storage)? {
            Some(bytes) => Ok(Some(decode(bytes.value()).map_err(corrupt)?)),
            None => Ok(None),
        }
    }

    /// A registered user, enabled or not.
    pub fn user(&self, name: &str) -> Result<Option<StoredUser>, StoreError> {
        let tx = self.read()?;
        let Some(table) = missing_is_empty(tx.open_table(USERS))? else {
            return Ok(None);
        };
        match table.get(name).map_err(storage)? {
            Some(bytes) => Ok(Some(decode(bytes.value()).map_err(corrupt)?)),
            None => Ok(None),
        }
    }

    /// Every registered user, by name.
    pub fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        let tx = self.read()?;
        let Some(table) = missing_is_empty(tx.open_table(USERS))? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in table.iter().map_err(storage)? {
            let (_, v) = entry.map_err(storage)?;
            out.push(decode(v.value()).map_err(corrupt)?);
        }
        Ok(out)
    }

    /// Registers a user; the name must be new and the unit configured.
    pub fn add_user(&self, user: StoredUser) -> Result<(), RegistryError> {
        let units = self.units()?;
        if units.get(&user.unit).is_none() {
            return Err(RegistryError::UnknownUnit {
                suggestion: units.suggest(&user.unit),
                unit: user.unit,
            });
        }
        let tx = self.write()?;
        {
            let mut table = tx.open_table(USERS).map_err(storage)?;
            if table.get(user.name.as_str()).map_err(storage)?.is_some() {
                return Err(RegistryError::UserExists(user.name));
            }
            table
                .insert(
                    user.name.as_str(),
                    encode(&user).map_err(corrupt)?.as_slice(),
                )
                .map_err(storage)?;
        }
        self.commit(tx)?;
        Ok(())
    }

    /// Disables a user: they can no longer act or read; history keeps their name. `rule`
    /// decides, against the whole registry as it would be after the change, whether it may be
    /// made (the application layer passes [`crate::authority::keeps_an_administrator`]).
    pub fn disable_user(
        &self,
        name: &str,
        by: &str,
        now: Timestamp,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        self.change_user(
            name,
            |user| {
                user.enabled = false;
                user.disabled_at = Some(now);
                user.disabled_by = Some(by.to_owned());
            },
            rule,
        )
    }

    /// Enables a disabled user again (the time and author of the disabling stay recorded).
    pub fn enable_user(&self, name: &str, rule: RegistryRule<'_>) -> Result<(), RegistryError> {
        self.change_user(name, |user| user.enabled = true, rule)
    }

    /// Gives a user these roles instead of theirs.
    pub fn set_roles(
        &self,
        name: &str,
        roles: Vec<String>,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        self.change_user(name, |user| user.roles = roles, rule)
    }

    /// Changes one user inside one write transaction, where the whole registry is read, so
    /// `rule` is decided against what is committed, not against a stale read.
    fn change_user(
        &self,
        name: &str,
        change: impl FnOnce(&mut StoredUser),
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        let tx = self.write()?;
        {
            let mut table = tx.open_table(USERS).map_err(storage)?;
            let mut user: StoredUser = match table.get(name).map_err(storage)? {
                Some(bytes) => decode(bytes.value()).map_err(corrupt)?,
                None => return Err(RegistryError::UnknownUser(name.to_owned())),
            };
            change(&mut user);
            let mut after = vec![user.user()];
            for row in table.iter().map_err(storage)? {
                let (k, v) = row.map_err(storage)?;
                if k.value() != name {
                    after.push(decode::<StoredUser>(v.value()).map_err(corrupt)?.user());
                }
            }
            rule(name, &after)?;
            table
                .insert(name, encode(&user).map_err(corrupt)?.as_slice())
                .map_err(storage)?;
        }
        self.commit(tx)?;
        Ok(())
    }

    /// Replaces the units; refused while a user or a case names a unit the new file drops.
    pub fn load_units(&self, units: StoredUnits) -> Result<(), RegistryError> {
        for user in self.users()? {
            if units.units.get(&user.unit).is_none() {
                return Err(RegistryError::UnitInUse {
                    unit: user.unit,
                    by: user.name,
                });
            }
        }
        let tx = self.write()?;
        {
            let names = super::names::TxNames::open(&tx, &self.names)?;
            let cases = tx.open_table(CASES).map_err(storage)?;
            for entry in cases.iter().map_err(storage)? {
                let (_, v) = entry.map_err(storage)?;
                let case: Case = decode_case(v.value(), &names).map_err(corrupt)?;
                if let Some(unit) = &case.unit
                    && units.units.get(unit).is_none()
                {
                    return Err(RegistryError::UnitInUse {
                        unit: unit.clone(),
                        by: case.id.to_string(),
                    });
                }
            }
            tx.open_table(UNITS)
                .map_err(storage)?
                .insert(CURRENT, encode(&units).map_err(corrupt)?.as_slice())
                .map_err(storage)?;
            // Units loaded from a file are published like the rest of the configuration:
            // numbered, content-hashed and listed by `publish list`.
            if let (Some(file), Some(source)) = (&units.file, &units.source) {
                let new = super::published::NewPublication {
                    kind: super::published::Kind::Units,
                    name: String::new(),
                    files: std::collections::BTreeMap::from([(file.clone(), source.clone())]),
                    profile: None,
                };
                let mut table = tx
                    .open_table(super::published::PUBLISHED)
                    .map_err(storage)?;
                super::published::insert(&mut table, &new, &units.loaded_by, units.loaded_at)?;
            }
        }
        self.commit(tx)?;
        Ok(())
    }
}
