//! Changes that are safe to repeat (issue 25): an idempotency key.
//!
//! A client that sends a change with an `Idempotency-Key` and loses the answer sends it again
//! with the same key. The first time, the key, a hash of the request and the answer given are
//! stored in the SAME transaction as the change ([`WriteTx::remember`]), scoped to the caller
//! (the user the request's token stands for); a repeat under the key finds them in its own
//! transaction and gets the stored answer back, changing nothing; the same key with a different
//! request is refused ([`AppError::KeyReused`]). So a change is done once whether the answer
//! was lost before or after the commit, and two concurrent repeats are one change: the second
//! runs after the first committed (one writer at a time) and finds its record.
//!
//! A refused request stores nothing (its transaction aborts): a retry is checked afresh.
//! Keys are kept for [`Keeping`] days after their first use and then forgotten
//! ([`super::Office::forget_keys`]); an expired record counts as absent.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::AppError;
use super::backend::WriteTx;

/// The longest key accepted, in characters.
pub const MAX_KEY_CHARS: usize = 255;
/// How long a key is kept unless configured: 7 days.
pub const DEFAULT_KEEP_DAYS: u32 = 7;
/// The shortest a key may be kept: a client retrying over a long weekend must still be safe.
pub const MIN_KEEP_DAYS: u32 = 7;
/// The longest a key may be kept.
pub const MAX_KEEP_DAYS: u32 = 365;

/// An idempotency key as a client sent it: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key in `text`, or why it is not one.
    pub fn parse(text: &str) -> Result<IdempotencyKey, AppError> {
        let ok = !text.is_empty()
            && text.len() <= MAX_KEY_CHARS
            && text.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(IdempotencyKey(text.to_owned()))
        } else {
            Err(AppError::BadKey)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many days keys are kept: at least [`MIN_KEEP_DAYS`], at most [`MAX_KEEP_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keeping(u32);

impl Keeping {
    /// `days`, or None when it is outside the bounds.
    pub fn days(days: u32) -> Option<Keeping> {
        (MIN_KEEP_DAYS..=MAX_KEEP_DAYS)
            .contains(&days)
            .then_some(Keeping(days))
    }

    /// How long that is.
    pub fn duration(self) -> SignedDuration {
        SignedDuration::from_hours(i64::from(self.0) * 24)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Keeping {
    fn default() -> Self {
        Keeping(DEFAULT_KEEP_DAYS)
    }
}

/// A request under a key: the key and the SHA-256 of what was asked (method, path, body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Once {
    pub key: IdempotencyKey,
    /// SHA-256 (hex) of the request.
    pub request: String,
}

impl Once {
    /// `key` for the request `method path` with `body`: a different method, path or body is a
    /// different request.
    pub fn new(key: IdempotencyKey, method: &str, path: &str, body: &[u8]) -> Once {
        let mut hash = Sha256::new();
        for part in [method.as_bytes(), b"\0", path.as_bytes(), b"\0", body] {
            hash.update(part);
        }
        Once {
            key,
            request: crate::chain::hex(&hash.finalize()),
        }
    }
}

/// An answer as it was given: its status and body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
}

/// What is stored under a key, beside the change it made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    /// SHA-256 (hex) of the request.
    pub request: String,
    pub reply: Reply,
    /// When the change was made.
    pub at: Timestamp,
    /// When the key is forgotten.
    pub expires: Timestamp,
}

/// How a front end words its answer to a change: run inside the change's transaction, so it
/// must do no I/O (it may run again if the transaction does).
pub type Respond<T> = Arc<dyn Fn(&T) -> Result<Reply, String> + Send + Sync>;

/// A change to be done once: the request under its key and how its answer is worded.
pub struct Remember<T> {
    pub once: Once,
    pub respond: Respond<T>,
}

impl<T> Clone for Remember<T> {
    fn clone(&self) -> Self {
        Remember {
            once: self.once.clone(),
            respond: self.respond.clone(),
        }
    }
}

impl<T> std::fmt::Debug for Remember<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remember")
            .field("once", &self.once)
            .finish_non_exhaustive()
    }
}

/// A change done now, or the answer it was given the first time.
#[derive(Debug)]
pub enum Answer<T> {
    /// Done by this request; with the answer stored under its key, if it had one.
    Done(T, Option<Reply>),
    /// Done before under the same key: the answer it had then. Nothing changed now.
    Again(Reply),
}

impl<T> Answer<T> {
    /// The value of a change done now (a request without a key is always done now).
    pub fn done(self) -> Result<T, AppError> {
        match self {
            Answer::Done(value, _) => Ok(value),
            Answer::Again(_) => Err(AppError::Store(crate::store::StoreError::Storage(
                "a request without a key was answered from a stored one".into(),
            ))),
        }
    }
}

/// Runs `work` in `tx` under `remember` (see the module documentation): the stored answer when
/// the key was used for the same request, a refusal when for another, else the work done, its
/// answer worded and stored beside it. The scope is the caller's user name.
pub(crate) fn remembering<T>(
    tx: &mut dyn WriteTx,
    scope: &str,
    remember: Option<&Remember<T>>,
    now: Timestamp,
    keeping: Keeping,
    work: impl FnOnce(&mut dyn WriteTx) -> Result<T, AppError>,
) -> Result<Answer<T>, AppError> {
    let Some(remember) = remember else {
        return Ok(Answer::Done(work(tx)?, None));
    };
    let key = remember.once.key.as_str();
    if let Some(found) = tx.remembered(scope, key)?
        && found.expires > now
    {
        return if found.request == remember.once.request {
            Ok(Answer::Again(found.reply))
        } else {
            Err(AppError::KeyReused {
                key: key.to_owned(),
            })
        };
    }
    let value = work(tx)?;
    let reply = (remember.respond)(&value).map_err(|e| {
        AppError::Store(crate::store::StoreError::Storage(format!(
            "the answer could not be worded: {e}"
        )))
    })?;
    let record = Remembered {
        request: remember.once.request.clone(),
        reply: reply.clone(),
        at: now,
        expires: now.checked_add(keeping.duration()).unwrap_or(now),
    };
    tx.remember(scope, key, &record)?;
    Ok(Answer::Done(value, Some(reply)))
}

/// How many expired keys one call of [`super::Office::forget_keys`] forgets at most.
pub const FORGET_BATCH: usize = 1000;

impl<B: super::backend::Backend> super::Office<B> {
    /// Forgets idempotency keys that expired by the caller's clock, at most [`FORGET_BATCH`]
    /// (housekeeping of the server's deadline runner); how many. A key that expired is
    /// already treated as absent, so this only keeps the table small.
    pub fn forget_keys(&self, caller: &super::Caller) -> Result<usize, AppError> {
        let now = self.now(caller)?;
        self.backend
            .transaction(|tx| Ok::<_, AppError>(tx.forget_keys(now, FORGET_BATCH)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_visible_ascii_of_bounded_length() {
        assert!(IdempotencyKey::parse("PSB-2026-0001:open").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse("中文").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(MAX_KEY_CHARS)).is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(MAX_KEY_CHARS + 1)).is_err());
    }

    #[test]
    fn keys_are_kept_at_least_a_week() {
        assert_eq!(Keeping::default().get(), 7);
        assert!(Keeping::days(6).is_none());
        assert!(Keeping::days(7).is_some());
        assert!(Keeping::days(366).is_none());
        assert_eq!(
            Keeping::days(10).map(|k| k.duration()),
            Some(SignedDuration::from_hours(240))
        );
    }

    #[test]
    fn the_request_hash_tells_method_path_and_body_apart() {
        let key = || IdempotencyKey::parse("k").expect("key");
        let a = Once::new(key(), "POST", "/api/v1/cases", b"{}");
        assert_eq!(a, Once::new(key(), "POST", "/api/v1/cases", b"{}"));
        assert_ne!(a, Once::new(key(), "POST", "/api/v1/cases", b"{ }"));
        assert_ne!(a, Once::new(key(), "PUT", "/api/v1/cases", b"{}"));
        // The separator keeps path and body from running into each other.
        assert_ne!(
            Once::new(key(), "POST", "/a", b"b").request,
            Once::new(key(), "POST", "/ab", b"").request
        );
    }
}
