//! Sentences for broken hash chains, bad signatures and unusable keys.

use wardflow_engine::chain::{Break, BreakKind};
use wardflow_engine::seal::KeyError;

use super::{Exit, Failure};
use crate::i18n::Tr;
use crate::tr;

fn short(h: &Option<String>) -> String {
    match h {
        Some(h) if h.len() == 64 => h[..12].to_owned(),
        Some(h) => h.clone(),
        None => "-".to_owned(),
    }
}

/// The first broken link of a case, in words: which event, what kind of break, and what the
/// chain gives against what is recorded.
pub fn chain_break(tr: &Tr, b: &Break) -> String {
    let case = b.case.to_string();
    let seq = b.seq;
    let (expected, found) = (short(&b.expected), short(&b.found));
    match b.kind {
        BreakKind::Modified => tr!(
            tr,
            "chain-modified",
            case = case,
            seq = seq,
            expected = expected,
            found = found
        ),
        BreakKind::Missing => tr!(tr, "chain-missing", case = case, seq = seq, found = found),
        BreakKind::Reordered => tr!(
            tr,
            "chain-reordered",
            case = case,
            seq = seq,
            expected = expected,
            found = found
        ),
        BreakKind::Truncated => tr!(tr, "chain-truncated", case = case, seq = seq, found = found),
        BreakKind::Unhashed => tr!(tr, "chain-unhashed", case = case, seq = seq),
        BreakKind::SnapshotDiffers => tr!(
            tr,
            "chain-snapshot",
            case = case,
            fields = b.found.clone().unwrap_or_default()
        ),
        BreakKind::Unreadable => tr!(
            tr,
            "chain-unreadable",
            case = case,
            seq = seq,
            detail = b.found.clone().unwrap_or_default()
        ),
    }
}

/// The failure (exit 4) of a verification that found something wrong; `first` says what.
pub fn integrity(first: String) -> Failure {
    Failure::new(Exit::Integrity, first)
}

/// A key file or public key that cannot be used (exit 2).
pub fn key_error(tr: &Tr, e: &KeyError, what: &str) -> Failure {
    let message = match e {
        KeyError::NotAKeyFile => tr!(tr, "key-not-a-key-file", path = what.to_owned()),
        KeyError::BadPublicKey => tr!(
            tr,
            "key-bad-public",
            value = what.chars().take(80).collect::<String>()
        ),
    };
    Failure::new(Exit::BadInput, message)
}
