//! `wardflow login --server URL` and `wardflow logout`: a person signs in to a `wardflow
//! serve` from their own machine. The sign-in token is kept in the user's configuration
//! directory (`~/.config/wardflow/session.json`, 0600) and revoked by `logout`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::{Deserialize, Serialize};

use super::{Ctx, print_json};
use crate::failure::{Exit, Failure};
use crate::i18n::Lang;
use crate::show::local_time;
use crate::{msg, tr};

/// Arguments of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Read the password from the first line of standard input (scripts).
    #[arg(long)]
    password_stdin: bool,
}

/// The kept sign-in.
#[derive(Debug, Serialize, Deserialize)]
struct Session {
    server: String,
    user: String,
    token: String,
    id: String,
    expires_at: jiff::Timestamp,
}

/// Where the sign-in is kept.
fn session_file() -> Result<PathBuf, Failure> {
    dirs::config_dir()
        .map(|d| d.join("wardflow").join("session.json"))
        .ok_or_else(|| Failure::said(Exit::BadInput, msg!("login-no-config-dir")))
}

/// The token kept for `server` by `wardflow login`, if any (a sign-in at another server is
/// not sent here).
pub fn kept_token(server: &str) -> Result<Option<String>, Failure> {
    use std::io::Read;
    let path = session_file()?;
    let Ok(file) = std::fs::File::open(&path) else {
        return Ok(None);
    };
    let mut text = String::new();
    file.take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| Failure::cannot_read(&path, e.to_string()))?;
    let session: Session =
        serde_json::from_str(&text).map_err(|e| Failure::cannot_read(&path, e.to_string()))?;
    Ok((session.server == server).then_some(session.token))
}

pub(super) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into()
}

pub(super) fn lang(ctx: &Ctx) -> &'static str {
    match ctx.tr.lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    }
}

/// The server could not be reached (or answered nothing usable).
pub(super) fn unreachable(server: &str, detail: impl std::fmt::Display) -> Failure {
    Failure::said(
        Exit::Busy,
        msg!(
            "server-unreachable",
            url = server.to_owned(),
            detail = detail.to_string()
        ),
    )
}

/// A failure the server answered with: its message and exit code, as the embedded command
/// would have given them.
pub(super) fn server_failure(body: &serde_json::Value) -> Failure {
    let exit = match body["code"].as_i64() {
        Some(1) => Exit::Refused,
        Some(2) => Exit::BadInput,
        Some(3) => Exit::Busy,
        Some(4) => Exit::Integrity,
        Some(5) => Exit::Storage,
        _ => Exit::Bug,
    };
    let message = body["message"].as_str().unwrap_or_default().to_owned();
    let failure = Failure::said(exit, msg!("server-said", message = message));
    match body["key"].as_str() {
        Some(key) => failure.with_key(key.to_owned()),
        None => failure,
    }
}

/// Signs in and keeps the token.
pub fn login(ctx: &Ctx, args: LoginArgs) -> Result<(), Failure> {
    let given = ctx.global.server.clone().unwrap_or_default();
    let Some(server) = super::remote::server_url(&given) else {
        return Err(
            Failure::said(Exit::BadInput, msg!("login-bad-url", url = given)).with_key("--server"),
        );
    };
    let user = ctx.user();
    let password = super::user::read_password(ctx, &user, args.password_stdin, false)?;
    let body = serde_json::json!({"user": user, "password": password}).to_string();
    let mut response = agent()
        .post(format!("{server}/api/v1/sessions"))
        .header("Accept-Language", lang(ctx))
        .header("Content-Type", "application/json")
        .send(body)
        .map_err(|e| unreachable(&server, e))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .map_err(|e| unreachable(&server, e))?;
    let answer: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| unreachable(&server, e))?;
    if status != 201 {
        return Err(super::remote::served(&answer));
    }
    let field = |k: &str| answer[k].as_str().unwrap_or_default().to_owned();
    let session = Session {
        server: server.clone(),
        user: field("user"),
        token: field("token"),
        id: field("id"),
        expires_at: field("expires_at")
            .parse()
            .map_err(|e| unreachable(&server, e))?,
    };
    save(&session)?;
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({
                "server": session.server, "user": session.user, "id": session.id,
                "expires_at": session.expires_at,
            }),
        );
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "login-done",
            user = session.user,
            url = session.server,
            until = local_time(session.expires_at)
        )
    );
    Ok(())
}

/// Writes the session file, the owner's only.
fn save(session: &Session) -> Result<(), Failure> {
    let path = session_file()?;
    let io = |e: std::io::Error| Failure::cannot_read(&path, e.to_string());
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io)?;
    }
    let _ = std::fs::remove_file(&path);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(io)?;
    let text = serde_json::to_string_pretty(session).map_err(Failure::bug)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    Ok(())
}

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

/// Revokes the kept token at its server and forgets it.
pub fn logout(ctx: &Ctx) -> Result<(), Failure> {
    let path = session_file()?;
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("{}", tr!(ctx.tr, "logout-none"));
        return Ok(());
    };
    let session: Session =
        serde_json::from_str(&text).map_err(|e| Failure::cannot_read(&path, e.to_string()))?;
    let answer = agent()
        .delete(format!("{}/api/v1/sessions", session.server))
        .header("Accept-Language", lang(ctx))
        .header("Authorization", &format!("Bearer {}", session.token))
        .call();
    // A token the server no longer knows (expired, revoked) is as good as revoked; one the
    // server could not be asked about is kept, so logout can be tried again.
    match answer {
        Ok(r) if r.status().as_u16() == 200 || r.status().as_u16() == 401 => {}
        Ok(mut r) => {
            let text = r.body_mut().read_to_string().unwrap_or_default();
            let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            return Err(super::remote::served(&body));
        }
        Err(e) => return Err(unreachable(&session.server, e)),
    }
    std::fs::remove_file(&path).map_err(|e| Failure::cannot_read(&path, e.to_string()))?;
    if ctx.global.json {
        return print_json(
            ctx,
            &serde_json::json!({"server": session.server, "user": session.user, "revoked": session.id}),
        );
    }
    println!(
        "{}",
        tr!(
            ctx.tr,
            "logout-done",
            user = session.user,
            url = session.server
        )
    );
    Ok(())
}

/// Asks the server at `url` for a consistent copy of its database into `out` (a path on the
/// server's machine), as the administrator whose API token is `token`, on the clock `now`
/// (None: the server's); returns its size.
pub(super) fn backup_on_server(
    ctx: &Ctx,
    url: &str,
    token: &str,
    out: &std::path::Path,
    now: Option<jiff::Timestamp>,
    plain: bool,
) -> Result<u64, Failure> {
    // Encrypted by the server to the published recipients unless `--plain` asked otherwise.
    let body = serde_json::json!({"out": out, "plain": plain}).to_string();
    let request = agent()
        .post(format!("{url}/api/v1/backup"))
        .header("Accept-Language", lang(ctx))
        .header("Content-Type", "application/json")
        .header("Authorization", format!("Bearer {token}"));
    // A requested clock (`--now`), which only a simulation database accepts.
    let request = match now {
        Some(at) => request.header("Wardflow-Now", at.to_string()),
        None => request,
    };
    let mut response = request.send(body).map_err(|e| unreachable(url, e))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .map_err(|e| unreachable(url, e))?;
    let answer: serde_json::Value = serde_json::from_str(&text).map_err(|e| unreachable(url, e))?;
    if status != 200 {
        return Err(server_failure(&answer));
    }
    Ok(answer["bytes"].as_u64().unwrap_or_default())
}
