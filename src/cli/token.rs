//! `wardflow token …`: API tokens for systems (a police information system) that call
//! `wardflow serve`. A token is shown once, when made; the database keeps only its hash.

use clap::Subcommand;

use super::admin::{MadeToken, NewTokenBody, TokenRow};
use super::{Ctx, print_json};
use crate::failure::{Exit, Failure};
use crate::show::local_time;
use crate::table::{Table, col};
use crate::tr;

/// Token subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token (shown only this once): your own, or another user's (administrators).
    Create {
        /// Whose token it is (default: you). The token acts with exactly that user's rights.
        #[arg(long = "for", value_name = "USER", value_parser = super::name_arg)]
        owner: Option<String>,
        /// How long it lasts: days, as `90d` or `90`.
        #[arg(long, default_value = "90d")]
        expires: String,
        /// What the token is for (shown in `token list`).
        #[arg(long, value_parser = super::note_arg)]
        label: Option<String>,
        /// Make it in this PostgreSQL database (`postgres://…`, else `WARDFLOW_DATABASE`)
        /// instead of the redb file of `--db`: the first token of a server on PostgreSQL.
        #[arg(
            long,
            env = "WARDFLOW_DATABASE",
            hide_env_values = true,
            value_name = "URL"
        )]
        database: Option<String>,
    },
    /// The tokens, never their secrets: yours, or everyone's for an administrator.
    List,
    /// Revoke a token by its id (from `token list`).
    Revoke {
        /// The token's id.
        id: String,
    },
}

/// Days from `90d` or `90`.
fn days(text: &str) -> Result<i64, Failure> {
    let digits = text.strip_suffix('d').unwrap_or(text);
    digits.parse::<i64>().map_err(|_| {
        Failure::said(
            Exit::BadInput,
            crate::msg!(
                "token-bad-expiry",
                max = wardflow_engine::app::accounts::MAX_TOKEN_DAYS
            ),
        )
        .with_key("--expires")
    })
}

/// The JSON of a token record (never the secret).
pub fn token_json(t: &wardflow_engine::app::accounts::Token) -> serde_json::Value {
    serde_json::to_value(TokenRow::from(t)).unwrap_or_default()
}

/// Runs a token subcommand: over the server with `--server`, else embedded; printed alike.
pub fn run(ctx: &Ctx, cmd: TokenCommand) -> Result<(), Failure> {
    let remote = ctx.remote()?;
    let caller = || ctx.caller(None);
    match cmd {
        TokenCommand::Create {
            owner,
            expires,
            label,
            database,
        } => {
            let days = days(&expires)?;
            let made: MadeToken = match (&remote, database) {
                (Some(remote), _) => remote.change(
                    "POST",
                    "/api/v1/tokens",
                    &NewTokenBody {
                        owner,
                        expires_days: Some(days),
                        label,
                    },
                )?,
                (None, Some(url)) => {
                    if !wardflow_engine::pg::is_url(&url) {
                        return Err(Failure::said(
                            crate::failure::Exit::BadInput,
                            crate::msg!(
                                "serve-database-not-postgres",
                                url = wardflow_engine::pg::redacted(&url)
                            ),
                        )
                        .with_key("--database"));
                    }
                    let made = ctx
                        .office_served(Some(&url), wardflow_engine::pg::Limits::default())?
                        .create_token(&caller()?, owner.as_deref(), label.as_deref(), days)?;
                    MadeToken {
                        record: TokenRow::from(&made.record),
                        token: made.token,
                    }
                }
                (None, None) => {
                    let made = ctx.office_for_write()?.create_token(
                        &caller()?,
                        owner.as_deref(),
                        label.as_deref(),
                        days,
                    )?;
                    MadeToken {
                        record: TokenRow::from(&made.record),
                        token: made.token,
                    }
                }
            };
            if ctx.global.json {
                return print_json(ctx, &made);
            }
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "token-created",
                    id = made.record.id.clone(),
                    user = made.record.user.clone(),
                    until = local_time(made.record.expires_at)
                )
            );
            println!("{}", made.token);
            Ok(())
        }
        TokenCommand::List => {
            let tokens: Vec<TokenRow> = match &remote {
                Some(remote) => remote.get("/api/v1/tokens", &[])?,
                None => ctx
                    .office_for_write()?
                    .tokens(&caller()?)?
                    .iter()
                    .map(TokenRow::from)
                    .collect(),
            };
            if ctx.global.json {
                return print_json(ctx, &tokens);
            }
            if tokens.is_empty() {
                println!("{}", tr!(ctx.tr, "token-list-none"));
                return Ok(());
            }
            let mut table = Table::new(
                &ctx.tr,
                &[col::NUMBER, col::USER, col::NOTE, col::DUE, col::STATUS],
            );
            for t in &tokens {
                let status = match t.revoked_at {
                    Some(at) => tr!(ctx.tr, "token-status-revoked", at = local_time(at)),
                    None => t.kind.clone(),
                };
                table.row(vec![
                    t.id.clone(),
                    t.user.clone(),
                    t.label.clone().unwrap_or_default(),
                    local_time(t.expires_at),
                    status,
                ]);
            }
            table.print();
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            let record: TokenRow = match &remote {
                Some(remote) => {
                    let path = format!(
                        "/api/v1/tokens/{}",
                        percent_encoding::utf8_percent_encode(
                            &id,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    );
                    remote.change("DELETE", &path, &())?
                }
                None => TokenRow::from(&ctx.office_for_write()?.revoke_token(&caller()?, &id)?),
            };
            if ctx.global.json {
                return print_json(ctx, &record);
            }
            println!(
                "{}",
                tr!(
                    ctx.tr,
                    "token-revoked-done",
                    id = record.id,
                    user = record.user
                )
            );
            Ok(())
        }
    }
}
