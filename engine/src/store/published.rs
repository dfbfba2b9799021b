//! Published configuration (issue 20): holiday calendars, letter templates with their document
//! table, county profiles and units, each a numbered, content-hashed version like a workflow.
//!
//! One table, `published`: (kind, name, number) -> [`Publication`]. The name is a profile's
//! name; the other kinds have one series each (name ""). A version is never changed or removed;
//! publishing the same content as the latest version again adds nothing.

use std::collections::BTreeMap;

use jiff::Timestamp;
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::format::{decode, encode};
use super::{StoreError, corrupt, storage};
use crate::profile::Profile;

/// (kind, name, number) -> Publication.
pub(super) const PUBLISHED: TableDefinition<(&str, &str, u32), &[u8]> =
    TableDefinition::new("published");

/// The tables step 1 of the migrations adds.
#[cfg(test)]
pub(super) const TABLE_NAMES: [&str; 1] = ["published"];

/// What is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Public holidays and make-up working days (`calendars/china.yaml` format).
    Calendar,
    /// The document table (`documents.yaml`) with every template it names.
    Letters,
    /// A county profile.
    Profile,
    /// The units (county, townships, villages, police, courts …).
    Units,
    /// The privacy settings (issue 23): recipients of encrypted copies, retention before a
    /// closed case is sealed (`crate::protect::privacy`). Stored from format 2 on.
    Privacy,
    /// The office's key ring (issue 23 item 5): every public key the office signed with, a
    /// new version at each `key rotate` (`crate::seal::KeyRing`). Stored from format 5 on.
    KeyRing,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Calendar,
        Kind::Letters,
        Kind::Profile,
        Kind::Units,
        Kind::Privacy,
        Kind::KeyRing,
    ];

    /// Its key, as stored and typed (`wardflow publish calendar`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Calendar => "calendar",
            Kind::Letters => "letters",
            Kind::Profile => "profile",
            Kind::Units => "units",
            Kind::Privacy => "privacy",
            Kind::KeyRing => "keyring",
        }
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// One published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    pub kind: String,
    /// The series ("" for every kind today).
    pub name: String,
    pub number: u32,
    /// SHA-256 (hex) of what was published: the files, and the profile as checked.
    pub hash: String,
    /// File name -> content, as published.
    pub files: BTreeMap<String, String>,
    /// A profile, as checked when it was published (profiles are checked against workflows,
    /// which may change later; the checked form is what cases use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    pub published_by: String,
    pub published_at: Timestamp,
}

/// Something to publish, checked by the application layer.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPublication {
    pub kind: Kind,
    pub name: String,
    pub files: BTreeMap<String, String>,
    pub profile: Option<Profile>,
}

impl NewPublication {
    /// The content hash: the files and the checked profile, in a stable order.
    pub fn hash(&self) -> String {
        let bytes = serde_json::to_vec(&(&self.files, &self.profile)).unwrap_or_default();
        crate::letters::archive::sha256_hex(&bytes)
    }
}

pub(super) fn create_tables(tx: &WriteTransaction) -> Result<(), StoreError> {
    tx.open_table(PUBLISHED).map_err(storage)?;
    Ok(())
}

/// The latest version of (kind, name) in `table`.
pub(super) fn latest_in(
    table: &impl ReadableTable<(&'static str, &'static str, u32), &'static [u8]>,
    kind: &str,
    name: &str,
) -> Result<Option<Publication>, StoreError> {
    match table
        .range((kind, name, 0)..=(kind, name, u32::MAX))
        .map_err(storage)?
        .next_back()
    {
        Some(entry) => {
            let (_, v) = entry.map_err(storage)?;
            Ok(Some(decode(v.value()).map_err(corrupt)?))
        }
        None => Ok(None),
    }
}

/// Version `number` of (kind, name) in `table`.
pub(super) fn version_in(
    table: &impl ReadableTable<(&'static str, &'static str, u32), &'static [u8]>,
    kind: &str,
    name: &str,
    number: u32,
) -> Result<Option<Publication>, StoreError> {
    match table.get((kind, name, number)).map_err(storage)? {
        Some(v) => Ok(Some(decode(v.value()).map_err(corrupt)?)),
        None => Ok(None),
    }
}

/// Every version in `table`, by kind, name and number.
pub(super) fn all_in(
    table: &impl ReadableTable<(&'static str, &'static str, u32), &'static [u8]>,
) -> Result<Vec<Publication>, StoreError> {
    let mut out = Vec::new();
    for entry in table.iter().map_err(storage)? {
        let (_, v) = entry.map_err(storage)?;
        out.push(decode(v.value()).map_err(corrupt)?);
    }
    Ok(out)
}

/// Adds `new` as the next version of its series unless the latest has the same content; the
/// version in force and whether it is new.
pub(super) fn insert(
    table: &mut redb::Table<'_, (&'static str, &'static str, u32), &'static [u8]>,
    new: &NewPublication,
    by: &str,
    now: Timestamp,
) -> Result<(Publication, bool), StoreError> {
    let hash = new.hash();
    let kind = new.kind.key();
    let latest = latest_in(table, kind, &new.name)?;
    if let Some(latest) = latest.as_ref().filter(|l| l.hash == hash) {
        return Ok((latest.clone(), false));
    }
    let number = latest.map_or(1, |l| l.number.saturating_add(1));
    let publication = Publication {
        kind: kind.to_owned(),
        name: new.name.clone(),
        number,
        hash,
        files: new.files.clone(),
        profile: new.profile.clone(),
        published_by: by.to_owned(),
        published_at: now,
    };
    table
        .insert(
            (kind, new.name.as_str(), number),
            encode(&publication).map_err(corrupt)?.as_slice(),
        )
        .map_err(storage)?;
    Ok((publication, true))
}

/// The built-in calendar as a publication.
pub fn builtin_calendar() -> NewPublication {
    NewPublication {
        kind: Kind::Calendar,
        name: String::new(),
        files: BTreeMap::from([(
            "calendars/china.yaml".to_owned(),
            crate::holidays::BUILTIN.to_owned(),
        )]),
        profile: None,
    }
}

/// What a database made before publications relied on, published as version 1: the built-in
/// calendar and the profile chosen when it was made (migration step 1).
pub(super) fn seed(
    tx: &WriteTransaction,
    profile: Option<&Profile>,
    by: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut table = tx.open_table(PUBLISHED).map_err(storage)?;
    if latest_in(&table, Kind::Calendar.key(), "")?.is_none() {
        insert(&mut table, &builtin_calendar(), by, now)?;
    }
    if let Some(p) = profile
        && latest_in(&table, Kind::Profile.key(), "")?.is_none()
    {
        let new = NewPublication {
            kind: Kind::Profile,
            name: String::new(),
            files: BTreeMap::new(),
            profile: Some(p.clone()),
        };
        insert(&mut table, &new, by, now)?;
    }
    Ok(())
}

impl super::Store {
    /// Every published version, by kind, name and number (none on a database made before
    /// publications, until it is migrated).
    pub fn publications(&self) -> Result<Vec<Publication>, StoreError> {
        let tx = self.read()?;
        match tx.open_table(PUBLISHED) {
            Ok(table) => all_in(&table),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(Vec::new()),
            Err(e) => Err(storage(e)),
        }
    }
}
