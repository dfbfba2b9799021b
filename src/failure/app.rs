//! The application layer's errors, converted once into the shell's failure (worded when shown).

use wardflow_engine::app::accounts::AccountError;
use wardflow_engine::app::{AppError, ImportFailure, RegisterError, RegistryInput};
use wardflow_engine::protect::copies::CopyError;
use wardflow_engine::store::{CommandFailure, LetterCommandFailure};

use super::{Exit, Failure, Kind};

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Denied { denied, units } => Kind::Denied {
                denied,
                units: Some(*units),
            }
            .into(),
            AppError::NowNotSimulation => {
                Failure::said(Exit::BadInput, crate::msg!("now-not-simulation"))
            }
            AppError::ReservedRole { role } => {
                Failure::said(Exit::BadInput, crate::msg!("system-role-reserved")).with_key(role)
            }
            AppError::NoRole => Failure::bug("an act that needs a role was called without one"),
            AppError::Input { error, def } => Kind::Input { error, def }.into(),
            AppError::UnknownCase(id) => CommandFailure::UnknownCase(id).into(),
            AppError::UnknownWorkflow(w) => CommandFailure::UnknownWorkflow(w).into(),
            AppError::UnknownLetter(id) => Failure::said(
                Exit::BadInput,
                crate::msg!("letter-no-such", id = id.clone()),
            )
            .with_key(id),
            AppError::Officer {
                user,
                unit,
                units,
                denied,
            } => match denied {
                Some(denied) => Kind::Officer {
                    denied: *denied,
                    units: Some(*units),
                }
                .into(),
                None => Kind::OfficerOutsideUnit {
                    officer: user,
                    unit,
                    units: *units,
                }
                .into(),
            },
            AppError::Command { failure, def } => Kind::Case {
                error: *failure,
                def,
            }
            .into(),
            AppError::Letter { failure, def } => match *failure {
                LetterCommandFailure::Letter(error) => Kind::LetterCommand { error, def }.into(),
                LetterCommandFailure::Command(error) => Kind::Case { error, def }.into(),
            },
            AppError::Letters(error) => Kind::Letter { error, def: None }.into(),
            AppError::Render { error, def } => Kind::Letter {
                error,
                def: Some(def),
            }
            .into(),
            AppError::ExportBroken { broken, .. } => Kind::ExportBroken(broken).into(),
            AppError::Workflows(failed) => failed.into(),
            AppError::Migration(problems) => Kind::Migration(problems).into(),
            AppError::UnknownChild(child) => Failure::said(
                Exit::BadInput,
                crate::msg!("child-unknown", child = child.clone()),
            )
            .with_key(child),
            AppError::BadPeriod { from, to } => Failure::said(
                Exit::BadInput,
                crate::msg!(
                    "report-bad-period",
                    from = from.to_string(),
                    to = to.to_string()
                ),
            )
            .with_key("--from"),
            AppError::Register(error) => match *error {
                RegisterError::Rejected(rows) => Kind::RegisterRejected(
                    rows.into_iter()
                        .map(|r| (r.line, Failure::from(r.error)))
                        .collect(),
                )
                .into(),
                other => Kind::Register(Box::new(other)).into(),
            },
            AppError::NothingToVerify => {
                Failure::said(Exit::BadInput, crate::msg!("verify-nothing"))
            }
            AppError::Output(detail) => Kind::Output(std::io::Error::other(detail)).into(),
            AppError::AdminUnitNeeded => {
                Failure::said(Exit::BadInput, crate::msg!("init-admin-unit"))
                    .with_key("--admin-unit")
            }
            AppError::Units(diagnostics) | AppError::Publish(diagnostics) => diagnostics.into(),
            AppError::Registry(e) => e.into(),
            AppError::RegistryInput(RegistryInput::BadName { name }) => Failure::said(
                Exit::BadInput,
                crate::msg!("user-name-bad", name = name.clone()),
            )
            .with_key(name),
            AppError::RegistryInput(RegistryInput::UnknownRole { role, suggestion }) => {
                let mut message = crate::msg!("role-unknown", role = role.clone());
                if let Some(s) = suggestion {
                    message = message.then(crate::msg!("did-you-mean", suggestion = s));
                }
                Failure::said(Exit::BadInput, message).with_key(role)
            }
            AppError::Account(e) => account(e),
            AppError::Sealed { case, since } => Failure::said(
                Exit::Refused,
                crate::msg!(
                    "case-sealed",
                    case = case.to_string(),
                    since = crate::show::local_time(since)
                ),
            )
            .with_key(case.to_string()),
            AppError::SealedNeedsReason { case } => Failure::said(
                Exit::Refused,
                crate::msg!("case-sealed-why", case = case.to_string()),
            )
            .with_key("--why"),
            AppError::Copy(e) => e.into(),
            AppError::Key(e) => Failure::key(e, String::new()),
            AppError::Store(e) => e.into(),
            AppError::BadKey => Failure::said(
                Exit::BadInput,
                crate::msg!(
                    "idempotency-key-bad",
                    max = wardflow_engine::app::once::MAX_KEY_CHARS
                ),
            )
            .with_key("Idempotency-Key"),
            AppError::KeyReused { key } => Failure::said(
                Exit::BadInput,
                crate::msg!("idempotency-key-reused", key = key.clone()),
            )
            .with_key("Idempotency-Key"),
            AppError::BadExternalId => Failure::said(
                Exit::BadInput,
                crate::msg!(
                    "external-id-bad",
                    max = wardflow_engine::app::extid::MAX_EXTERNAL_ID_CHARS
                ),
            )
            .with_key("--external-id"),
            AppError::BadSource => Failure::said(
                Exit::BadInput,
                crate::msg!(
                    "external-source-bad",
                    max = wardflow_engine::app::extid::MAX_SOURCE_CHARS
                ),
            )
            .with_key("--source"),
            AppError::SourceWithoutExternalId => {
                Failure::said(Exit::BadInput, crate::msg!("external-source-without-id"))
                    .with_key("--source")
            }
            AppError::ExternalIdTaken { id } => Failure::said(
                Exit::Refused,
                crate::msg!("external-id-taken", id = id.clone()),
            )
            .with_key("--external-id"),
            AppError::ExternalIdConflict { id, case } => Failure::said(
                Exit::Refused,
                crate::msg!(
                    "external-id-conflict",
                    id = id.clone(),
                    case = case.to_string()
                ),
            )
            .with_key("--external-id"),
            AppError::Webhook(e) => webhook_failure(e),
        }
    }
}

/// A webhook that cannot be added, or one or a delivery that does not exist.
fn webhook_failure(e: wardflow_engine::app::webhooks::WebhookError) -> Failure {
    use wardflow_engine::app::webhooks::WebhookError;
    match e {
        WebhookError::BadUrl { max } => {
            Failure::said(Exit::BadInput, crate::msg!("webhook-bad-url", max = max)).with_key("url")
        }
        WebhookError::NoEvents => {
            Failure::said(Exit::BadInput, crate::msg!("webhook-no-events")).with_key("--events")
        }
        WebhookError::UnknownEndpoint(id) => Failure::said(
            Exit::BadInput,
            crate::msg!("webhook-no-such", id = id.clone()),
        )
        .with_key(id),
        WebhookError::UnknownDelivery(id) => Failure::said(
            Exit::BadInput,
            crate::msg!("webhook-no-such-delivery", id = id.clone()),
        )
        .with_key(id),
        WebhookError::NoMasterSecret => {
            Failure::said(Exit::Refused, crate::msg!("webhook-no-master-secret"))
        }
    }
}

/// An encrypted copy that cannot be made or opened: no recipient published (refused until an
/// administrator publishes one or asks for a plain copy), no key or a wrong one (bad input), a
/// changed or cut copy (integrity), or the disk.
impl From<CopyError> for Failure {
    fn from(e: CopyError) -> Self {
        use crate::msg;
        match e {
            CopyError::NoRecipients => {
                Failure::said(Exit::Refused, msg!("copy-no-recipients")).with_key("--plain")
            }
            CopyError::NeedsIdentity => {
                Failure::said(Exit::BadInput, msg!("copy-needs-identity")).with_key("--identity")
            }
            CopyError::WrongKey => {
                Failure::said(Exit::BadInput, msg!("copy-wrong-key")).with_key("--identity")
            }
            CopyError::Damaged(detail) => {
                Failure::said(Exit::Integrity, msg!("copy-damaged", detail = detail))
            }
            CopyError::BadIdentity { path } => Failure::said(
                Exit::BadInput,
                msg!("copy-bad-identity", path = path.clone()),
            )
            .with_key(path),
            CopyError::BadRecipient(key) => Failure::said(
                Exit::BadInput,
                msg!("copy-bad-recipient", key = key.clone()),
            )
            .with_key(key),
            CopyError::RecipientOfOtherProfile { key, profile } => Failure::said(
                Exit::Refused,
                msg!(
                    "copy-recipient-other-profile",
                    key = key.clone(),
                    profile = profile
                ),
            )
            .with_key("recipients"),
            CopyError::Io(detail) => Failure::said(Exit::Storage, msg!("copy-io", detail = detail)),
        }
    }
}

/// Sign-in, password and token refusals: who is not let in is refused (exit 1); a password,
/// expiry or label that cannot be used is bad input (exit 2).
fn account(e: AccountError) -> Failure {
    use crate::msg;
    match e {
        AccountError::BadCredentials => Failure::said(Exit::Refused, msg!("sign-in-bad")),
        AccountError::TooSoon { seconds } => {
            Failure::said(Exit::Refused, msg!("sign-in-too-soon", seconds = seconds))
        }
        AccountError::TokenUnknown => Failure::said(Exit::Refused, msg!("token-unknown")),
        AccountError::TokenExpired { id } => {
            Failure::said(Exit::Refused, msg!("token-expired", id = id.clone())).with_key(id)
        }
        AccountError::TokenRevoked { id } => {
            Failure::said(Exit::Refused, msg!("token-revoked", id = id.clone())).with_key(id)
        }
        AccountError::NoSuchToken { id } => {
            Failure::said(Exit::BadInput, msg!("token-no-such", id = id.clone())).with_key(id)
        }
        AccountError::PasswordTooShort { min } => {
            Failure::said(Exit::BadInput, msg!("password-too-short", min = min))
        }
        AccountError::PasswordTooLong { max } => {
            Failure::said(Exit::BadInput, msg!("password-too-long", max = max))
        }
        AccountError::BadExpiry { max } => {
            Failure::said(Exit::BadInput, msg!("token-bad-expiry", max = max)).with_key("--expires")
        }
        AccountError::BadLabel { max } => {
            Failure::said(Exit::BadInput, msg!("token-bad-label", max = max)).with_key("--label")
        }
        AccountError::OldPasswordNeeded => {
            Failure::said(Exit::BadInput, msg!("password-old-needed")).with_key("old_password")
        }
    }
}

impl From<ImportFailure> for Failure {
    fn from(e: ImportFailure) -> Self {
        match e {
            ImportFailure::Import(e) => e.into(),
            ImportFailure::App(e) => e.into(),
        }
    }
}
