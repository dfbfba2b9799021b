//! Either backend, chosen when a database is opened: what `wardflow serve` holds, so that one
//! server (its routes, rules, outputs and exit codes) runs on a redb file or on PostgreSQL
//! (issue 24). Every call goes to the backend inside; nothing else happens here.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::backend::{Backend, ReadTx, WriteTx};
use crate::authority::Units;
use crate::case::{Case, CaseId, Event};
use crate::definition::{Definition, VersionHash};
use crate::pg::PgBackend;
use crate::profile::Profile;
use crate::step::Clock;
use crate::store::credentials::Credentials;
use crate::store::dump::DumpCounts;
use crate::store::ops::TempFile;
use crate::store::published::Publication;
use crate::store::{
    AccessBreak, AccessEntry, AccessFilter, CaseChain, CaseFilter, CommandFailure, DeadlineView,
    LetterKey, LetterRecord, Published, RegistryError, RegistryRule, Store, StoreError,
    StoredUnits, StoredUser, TickReport, Version,
};

/// A database on either backend.
pub enum Database {
    /// A redb file (the embedded default).
    Redb(Store),
    /// A PostgreSQL database (`postgres://…`).
    Postgres(PgBackend),
}

impl Database {
    /// What kind of database this is, for logs: `redb` or `postgresql`.
    pub fn kind(&self) -> &'static str {
        match self {
            Database::Redb(_) => "redb",
            Database::Postgres(_) => "postgresql",
        }
    }
}

/// Runs `$e` with `$b` bound to the backend inside.
macro_rules! inside {
    ($self:ident, $b:ident => $e:expr) => {
        match $self {
            Database::Redb($b) => $e,
            Database::Postgres($b) => $e,
        }
    };
}

impl Backend for Database {
    fn simulation(&self) -> bool {
        inside!(self, b => b.simulation())
    }

    fn copy_of_real(&self) -> bool {
        inside!(self, b => b.copy_of_real())
    }

    fn crypto(&self) -> crate::crypto::Profile {
        inside!(self, b => b.crypto())
    }

    fn stored_profile(&self) -> Option<&Profile> {
        inside!(self, b => b.stored_profile())
    }

    fn transaction<T, E: From<StoreError>>(
        &self,
        work: impl FnMut(&mut dyn WriteTx) -> Result<T, E>,
    ) -> Result<T, E> {
        inside!(self, b => b.transaction(work))
    }

    fn snapshot<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&dyn ReadTx) -> Result<T, E>,
    ) -> Result<T, E> {
        inside!(self, b => b.snapshot(work))
    }

    fn record_access(&self, entry: &AccessEntry) -> Result<(), StoreError> {
        inside!(self, b => Backend::record_access(b, entry))
    }

    fn snapshots_are_local(&self) -> bool {
        inside!(self, b => Backend::snapshots_are_local(b))
    }

    fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        inside!(self, b => Backend::users(b))
    }

    fn add_user(&self, user: StoredUser) -> Result<(), RegistryError> {
        inside!(self, b => Backend::add_user(b, user))
    }

    fn disable_user(
        &self,
        name: &str,
        by: &str,
        now: Timestamp,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        inside!(self, b => Backend::disable_user(b, name, by, now, rule))
    }

    fn enable_user(&self, name: &str, rule: RegistryRule<'_>) -> Result<(), RegistryError> {
        inside!(self, b => Backend::enable_user(b, name, rule))
    }

    fn set_roles(
        &self,
        name: &str,
        roles: Vec<String>,
        rule: RegistryRule<'_>,
    ) -> Result<(), RegistryError> {
        inside!(self, b => Backend::set_roles(b, name, roles, rule))
    }

    fn load_units(&self, units: StoredUnits) -> Result<(), RegistryError> {
        inside!(self, b => Backend::load_units(b, units))
    }

    fn latest_definitions(&self) -> Result<Vec<Arc<Definition>>, StoreError> {
        inside!(self, b => Backend::latest_definitions(b))
    }

    fn each_case(
        &self,
        filter: &CaseFilter,
        visit: &mut dyn FnMut(Case) -> bool,
    ) -> Result<(), StoreError> {
        inside!(self, b => Backend::each_case(b, filter, visit))
    }

    fn agenda(&self, from: Timestamp, until: Timestamp) -> Result<Vec<DeadlineView>, StoreError> {
        inside!(self, b => Backend::agenda(b, from, until))
    }

    fn overdue(&self, now: Timestamp) -> Result<Vec<DeadlineView>, StoreError> {
        inside!(self, b => Backend::overdue(b, now))
    }

    fn file(&self) -> Option<&std::path::Path> {
        inside!(self, b => Backend::file(b))
    }

    fn webhooks(
        &self,
        secret: Option<&crate::store::webhooks::WebhookSecret>,
    ) -> Result<Box<dyn crate::store::webhooks::Webhooks>, StoreError> {
        inside!(self, b => Backend::webhooks(b, secret))
    }

    fn credentials_exist(&self) -> bool {
        inside!(self, b => Backend::credentials_exist(b))
    }

    fn credentials(&self, argon2: &str) -> Result<Box<dyn Credentials>, StoreError> {
        inside!(self, b => Backend::credentials(b, argon2))
    }

    fn versions(&self) -> Result<BTreeMap<String, Vec<Version>>, StoreError> {
        inside!(self, b => Backend::versions(b))
    }

    fn publish_definitions(
        &self,
        files: &[(String, Vec<u8>, Definition)],
        by: &str,
        now: Timestamp,
    ) -> Result<Vec<Published>, StoreError> {
        inside!(self, b => Backend::publish_definitions(b, files, by, now))
    }

    fn published(
        &self,
        hash: &VersionHash,
    ) -> Result<Option<crate::store::format::StoredDefinition>, StoreError> {
        inside!(self, b => Backend::published(b, hash))
    }

    fn publications(&self) -> Result<Vec<Publication>, StoreError> {
        inside!(self, b => Backend::publications(b))
    }

    fn letter_record(&self, id_or_number: &str) -> Result<Option<LetterRecord>, StoreError> {
        inside!(self, b => Backend::letter_record(b, id_or_number))
    }

    fn find_letter(&self, kind: LetterKey, value: &str) -> Result<Option<String>, StoreError> {
        inside!(self, b => Backend::find_letter(b, kind, value))
    }

    fn letter_records(&self, case: Option<&CaseId>) -> Result<Vec<LetterRecord>, StoreError> {
        inside!(self, b => Backend::letter_records(b, case))
    }

    fn case_chain(&self, id: &CaseId) -> Result<Option<CaseChain>, StoreError> {
        inside!(self, b => Backend::case_chain(b, id))
    }

    fn verify_chains_each(
        &self,
        only: Option<&CaseId>,
        progress: &crate::progress::Reporter,
        each: &mut dyn FnMut(crate::store::Verdict) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        inside!(self, b => Backend::verify_chains_each(b, only, progress, each))
    }

    fn access_log(&self, filter: &AccessFilter) -> Result<Vec<AccessEntry>, StoreError> {
        inside!(self, b => Backend::access_log(b, filter))
    }

    fn access_chain_break(&self) -> Result<Option<AccessBreak>, StoreError> {
        inside!(self, b => Backend::access_chain_break(b))
    }

    fn tick(&self, clock: &Clock, profile: Option<&Profile>) -> Result<TickReport, CommandFailure> {
        inside!(self, b => Backend::tick(b, clock, profile))
    }

    fn next_firing(&self) -> Result<Option<Timestamp>, StoreError> {
        inside!(self, b => Backend::next_firing(b))
    }

    fn export_copy(&self, w: &mut dyn std::io::Write) -> Result<DumpCounts, StoreError> {
        inside!(self, b => Backend::export_copy(b, w))
    }

    fn backup_copy(&self, out: &std::path::Path) -> Result<u64, StoreError> {
        inside!(self, b => Backend::backup_copy(b, out))
    }

    fn backup_scratch(&self) -> Result<TempFile, StoreError> {
        inside!(self, b => Backend::backup_scratch(b))
    }

    fn check_copy(
        &self,
        progress: &crate::progress::Reporter,
    ) -> Result<crate::store::ops::CheckReport, StoreError> {
        inside!(self, b => Backend::check_copy(b, progress))
    }

    fn case(&self, id: &CaseId) -> Result<Option<Case>, StoreError> {
        inside!(self, b => Backend::case(b, id))
    }

    fn history(&self, id: &CaseId) -> Result<Vec<Event>, StoreError> {
        inside!(self, b => Backend::history(b, id))
    }

    fn definition(&self, hash: &VersionHash) -> Result<Arc<Definition>, StoreError> {
        inside!(self, b => Backend::definition(b, hash))
    }

    fn latest(&self, workflow: &str) -> Result<Option<(VersionHash, Arc<Definition>)>, StoreError> {
        inside!(self, b => Backend::latest(b, workflow))
    }

    fn units(&self) -> Result<Units, StoreError> {
        inside!(self, b => Backend::units(b))
    }
}
