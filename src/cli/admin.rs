//! The administrative commands' results and requests as typed values: each result is the
//! command's `--json` value and the body of its HTTP endpoint (`src/serve/routes/accounts.rs`,
//! `database.rs`, `published.rs`), so the embedded command and its `--server` form print the
//! same thing from the same value. Instants are UTC here; printing localises them (`app::wire`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use wardflow_engine::app::StoredUser;
use wardflow_engine::app::Units;
use wardflow_engine::app::accounts::Token;
use wardflow_engine::app::{
    AccessBreak, AccessEntry, MigrationReport, Publication, PublishReport, Version,
};
use wardflow_engine::definition::VersionHash;

/// One user as `user list` shows them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserRow {
    pub user: String,
    pub roles: Vec<String>,
    pub unit: String,
    pub enabled: bool,
    #[schema(value_type = String)]
    pub added_at: Timestamp,
    pub added_by: String,
    #[schema(value_type = Option<String>)]
    pub disabled_at: Option<Timestamp>,
    pub disabled_by: Option<String>,
}

impl From<&StoredUser> for UserRow {
    fn from(u: &StoredUser) -> Self {
        UserRow {
            user: u.name.clone(),
            roles: u.roles.clone(),
            unit: u.unit.clone(),
            enabled: u.enabled,
            added_at: u.added_at,
            added_by: u.added_by.clone(),
            disabled_at: u.disabled_at,
            disabled_by: u.disabled_by.clone(),
        }
    }
}

/// `GET /api/v1/users?form=parts`: the users with the units their rows are named by.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserListing {
    pub users: Vec<UserRow>,
    #[schema(value_type = Object)]
    pub units: Units,
}

/// `user add`'s request (`POST /api/v1/users`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub name: String,
    pub roles: Vec<String>,
    pub unit: String,
}

/// `user add`'s result.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserAdded {
    pub user: String,
    pub added: bool,
}

/// `user disable` / `user enable`'s result.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserEnabled {
    pub user: String,
    pub enabled: bool,
}

/// `user roles`'s request (`PUT /api/v1/users/{name}/roles`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    pub roles: Vec<String>,
}

/// `user roles`'s result: the roles now, each once.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserRoles {
    pub user: String,
    pub roles: Vec<String>,
}

/// `user password`'s request (`PUT /api/v1/users/{name}/password`): one's own password
/// needs the current one (`old_password`); an administrator setting someone else's does not.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_password: Option<String>,
}

/// `user password`'s result: the ids of the sign-in tokens revoked with it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PasswordSet {
    pub user: String,
    pub password_set: bool,
    pub revoked_tokens: Vec<String>,
}

/// `user unlock`'s result: whether there were failed sign-ins to forget.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Unlocked {
    pub user: String,
    pub unlocked: bool,
}

/// A token as `token list` shows it (never its secret).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenRow {
    pub id: String,
    pub user: String,
    /// `session` or `api`.
    pub kind: String,
    pub label: Option<String>,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    pub created_by: String,
    #[schema(value_type = String)]
    pub expires_at: Timestamp,
    #[schema(value_type = Option<String>)]
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<String>,
}

impl From<&Token> for TokenRow {
    fn from(t: &Token) -> Self {
        TokenRow {
            id: t.id.clone(),
            user: t.user.clone(),
            kind: t.kind.key().to_owned(),
            label: t.label.clone(),
            created_at: t.created_at,
            created_by: t.created_by.clone(),
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            revoked_by: t.revoked_by.clone(),
        }
    }
}

/// `token create`'s request (`POST /api/v1/tokens`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// Whose token it is (default: the caller).
    #[serde(rename = "for", default)]
    pub owner: Option<String>,
    /// Its life in days (default 90).
    #[serde(default)]
    pub expires_days: Option<i64>,
    #[serde(default)]
    pub label: Option<String>,
}

/// A token just made: its record and the secret, shown this once.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MadeToken {
    #[serde(flatten)]
    pub record: TokenRow,
    pub token: String,
}

/// `audit`'s query (`GET /api/v1/audit`).
#[derive(Debug, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub case: Option<String>,
    pub reader: Option<String>,
    /// `parts`: the entries with where the log's chain is broken, if it is.
    pub form: Option<String>,
}

/// `GET /api/v1/audit?form=parts`: the entries and where their chain is broken.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditParts {
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<AccessEntry>,
    #[schema(value_type = Option<Object>)]
    pub broken: Option<AccessBreak>,
}

/// `backup`'s request (`POST /api/v1/backup`): `out`, a file on the server that does not
/// exist yet, or `dir`, a directory on the server to rotate copies in (`keep` of them).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub out: Option<std::path::PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub dir: Option<std::path::PathBuf>,
    /// With `dir`: how many copies it keeps, the newest (1–3650; default 14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<u16>,
    /// An unencrypted copy (recorded as such); by default it is encrypted (issue 23).
    #[serde(default)]
    pub plain: bool,
}

/// `backup`'s result: the copy and its size; with `--out` whether it is encrypted, with
/// `--dir` the old copies removed.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BackupDone {
    pub backup: String,
    pub bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<Vec<String>>,
}

/// `unit load`'s and `publish units`'s result: how many units there are now.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitsLoaded {
    pub units: usize,
}

/// A file sent to be published: its name (named in any problem) and its text.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileBody {
    pub file: String,
    pub source: String,
}

impl FileBody {
    /// The file at `path`, as text.
    pub fn read(path: &std::path::Path) -> Result<FileBody, crate::failure::Failure> {
        let bytes = std::fs::read(path)
            .map_err(|e| crate::failure::Failure::cannot_read(path, e.to_string()))?;
        let source = String::from_utf8(bytes)
            .map_err(|e| crate::failure::Failure::cannot_read(path, e.to_string()))?;
        Ok(FileBody {
            file: path.display().to_string(),
            source,
        })
    }
}

/// One configuration version published (or found the same as the latest).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublishedItem {
    pub kind: String,
    pub number: u32,
    pub hash: String,
    pub new: bool,
}

/// A deadline a new calendar moved.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MovedDeadline {
    pub case: String,
    pub deadline: String,
    #[schema(value_type = String)]
    pub from: Timestamp,
    #[schema(value_type = String)]
    pub to: Timestamp,
}

/// `publish calendar|letters|profile|privacy`'s result.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Published {
    pub published: Vec<PublishedItem>,
    pub moved: Vec<MovedDeadline>,
}

impl From<&PublishReport> for Published {
    fn from(report: &PublishReport) -> Self {
        Published {
            published: report
                .published
                .iter()
                .map(|(p, new)| PublishedItem {
                    kind: p.kind.clone(),
                    number: p.number,
                    hash: p.hash.clone(),
                    new: *new,
                })
                .collect(),
            moved: report
                .moved
                .iter()
                .map(|m| MovedDeadline {
                    case: m.case.to_string(),
                    deadline: m.deadline.clone(),
                    from: m.from,
                    to: m.to,
                })
                .collect(),
        }
    }
}

/// One row of `publish list`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicationRow {
    pub kind: String,
    pub number: u32,
    pub hash: String,
    pub files: Vec<String>,
    pub profile: Option<String>,
    pub published_by: String,
    #[schema(value_type = String)]
    pub published_at: Timestamp,
}

impl From<&Publication> for PublicationRow {
    fn from(p: &Publication) -> Self {
        PublicationRow {
            kind: p.kind.clone(),
            number: p.number,
            hash: p.hash.clone(),
            files: p.files.keys().cloned().collect(),
            profile: p.profile.as_ref().map(|p| p.name.clone()),
            published_by: p.published_by.clone(),
            published_at: p.published_at,
        }
    }
}

/// One published version as `workflow list` shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionRow {
    pub version: u32,
    #[schema(value_type = String)]
    pub hash: VersionHash,
    pub title: String,
    /// The version's English title, where it gives one.
    #[serde(default)]
    pub title_en: Option<String>,
    pub file: String,
    pub published_by: String,
    #[schema(value_type = String)]
    pub published_at: Timestamp,
}

/// A workflow and its versions, oldest first (`workflow list`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WorkflowRow {
    pub workflow: String,
    pub versions: Vec<VersionRow>,
}

impl WorkflowRow {
    /// Every workflow's row, from the office's versions.
    pub fn all(versions: &BTreeMap<String, Vec<Version>>) -> Vec<WorkflowRow> {
        versions
            .iter()
            .map(|(key, vs)| WorkflowRow {
                workflow: key.clone(),
                versions: vs
                    .iter()
                    .map(|v| VersionRow {
                        version: v.number,
                        hash: v.hash.clone(),
                        title: v.stored.title.clone(),
                        // Read from the source as published (the stored record keeps only
                        // the Chinese title).
                        title_en: wardflow_engine::definition::load_published(
                            &v.stored.file,
                            v.stored.source.as_bytes(),
                        )
                        .ok()
                        .and_then(|d| d.title_en),
                        file: v.stored.file.clone(),
                        published_by: v.stored.published_by.clone(),
                        published_at: v.stored.published_at,
                    })
                    .collect(),
            })
            .collect()
    }
}

/// `workflow publish`'s request (`POST /api/v1/workflows`): the files to publish, and the
/// other files of the client's workflows directory that links may name.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowFilesBody {
    pub files: Vec<FileBody>,
    #[serde(default)]
    pub context: Vec<FileBody>,
}

/// One file published as a workflow version (`workflow publish`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublishedVersion {
    pub workflow: String,
    pub version: u32,
    #[schema(value_type = String)]
    pub hash: VersionHash,
    pub new: bool,
}

/// `workflow migrate`'s request (`POST /api/v1/workflows/{key}/migrate`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrateBody {
    pub to_version: String,
    #[serde(default)]
    pub cases: Vec<String>,
    #[serde(default)]
    pub all_running: bool,
    /// Old state → new state.
    #[serde(default)]
    pub map: BTreeMap<String, String>,
    pub reason: String,
    #[serde(default)]
    pub dry_run: bool,
}

/// What a migration did to one case (or, dry, would do).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MigratedCase {
    pub case: String,
    pub from_version: Option<u32>,
    #[schema(value_type = String)]
    pub from_hash: VersionHash,
    pub from_state: String,
    pub to_state: String,
    pub deadlines_kept: Vec<String>,
    pub deadlines_cancelled: Vec<String>,
    pub seq: u32,
}

/// `workflow migrate`'s result.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Migrated {
    pub workflow: String,
    pub to_version: u32,
    #[schema(value_type = String)]
    pub to_hash: VersionHash,
    pub dry_run: bool,
    pub cases: Vec<MigratedCase>,
}

impl From<&MigrationReport> for Migrated {
    fn from(report: &MigrationReport) -> Self {
        Migrated {
            workflow: report.workflow.clone(),
            to_version: report.to_number,
            to_hash: report.to_version.clone(),
            dry_run: report.dry_run,
            cases: report
                .moved
                .iter()
                .map(|m| MigratedCase {
                    case: m.plan.case.to_string(),
                    from_version: m.from_number,
                    from_hash: m.plan.from_version.clone(),
                    from_state: m.plan.from_state.clone(),
                    to_state: m.plan.to_state.clone(),
                    deadlines_kept: m.plan.kept.clone(),
                    deadlines_cancelled: m.plan.cancelled.clone(),
                    seq: m.plan.after.seq,
                })
                .collect(),
        }
    }
}

/// `publish …`'s request (`POST /api/v1/publications`): what kind, and its file or files
/// (letters: every file of the letters directory).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    /// `calendar`, `letters`, `profile` or `privacy`.
    pub kind: String,
    pub files: Vec<FileBody>,
}
