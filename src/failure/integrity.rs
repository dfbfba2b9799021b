//! Sentences for broken hash chains, bad signatures, unusable keys and what `check` finds.

use wardflow_engine::app::{AccessBreak, AccessBreakKind};
use wardflow_engine::case_export::SignatureCheck;
use wardflow_engine::chain::{Break, BreakKind};
use wardflow_engine::seal::KeyError;
use wardflow_engine::store::FormProblem;
use wardflow_engine::store::ops::{CheckProblem, LetterProblem};

use super::{Exit, Shown};
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

/// Something wrong with a signed case export (`verify --file`).
#[derive(Debug, Clone)]
pub enum FileProblem {
    /// The signature is not valid, or was made with another key.
    Signature(SignatureCheck),
    Chain(Break),
    /// The rules carried in the export are not those the case was pinned to.
    RulesChanged,
    /// Letters whose text or HTML does not give the hashes their chained events record.
    LettersUnmatched(Vec<String>),
}

/// One problem of a signed export, in words.
pub fn file_problem(tr: &Tr, p: &FileProblem) -> String {
    match p {
        FileProblem::Signature(SignatureCheck::OtherKey { signed_by }) => tr!(
            tr,
            "export-other-key",
            signed_by = signed_by.chars().take(80).collect::<String>()
        ),
        FileProblem::Signature(SignatureCheck::UnexpectedAlgorithm { found }) => tr!(
            tr,
            "export-algorithm",
            found = found.chars().take(80).collect::<String>()
        ),
        FileProblem::Signature(SignatureCheck::OutsidePeriod {
            key_id,
            exported_at,
        }) => tr!(
            tr,
            "export-key-outside-period",
            key_id = *key_id,
            at = crate::show::local_time(*exported_at)
        ),
        FileProblem::Signature(SignatureCheck::Invalid | SignatureCheck::Valid) => {
            tr!(tr, "export-signature-invalid")
        }
        FileProblem::Chain(b) => chain_break(tr, b),
        FileProblem::RulesChanged => tr!(tr, "export-rules-changed"),
        FileProblem::LettersUnmatched(letters) => {
            tr!(tr, "export-letters-unmatched", letters = tr.list(letters))
        }
    }
}

/// One problem `check` found, as a sentence.
pub fn check_problem(tr: &Tr, p: &CheckProblem) -> String {
    match p {
        CheckProblem::Integrity { detail } => tr!(tr, "check-integrity", detail = detail.clone()),
        CheckProblem::Unreadable { record, detail } => tr!(
            tr,
            "check-unreadable",
            record = record.clone(),
            detail = detail.clone()
        ),
        CheckProblem::Definition {
            workflow,
            number,
            detail,
        } => tr!(
            tr,
            "check-definition",
            workflow = workflow.clone(),
            number = *number,
            detail = detail.clone()
        ),
        CheckProblem::DecodedDefinition { hash, problem } => match problem {
            FormProblem::Undecodable => tr!(tr, "check-decoded-undecodable", hash = hash.clone()),
            FormProblem::Differs => tr!(tr, "check-decoded-differs", hash = hash.clone()),
            FormProblem::WithoutSource => {
                tr!(tr, "check-decoded-without-source", hash = hash.clone())
            }
        },
        CheckProblem::Replay { case, detail } => tr!(
            tr,
            "check-replay",
            case = case.clone(),
            detail = detail.clone()
        ),
        CheckProblem::SnapshotDiffers { case } => {
            tr!(tr, "check-snapshot", case = case.clone())
        }
        CheckProblem::NoSnapshot { case } => tr!(tr, "check-no-snapshot", case = case.clone()),
        CheckProblem::UnknownVersion { case, version } => tr!(
            tr,
            "check-unknown-version",
            case = case.clone(),
            version = version.clone()
        ),
        CheckProblem::Index {
            index,
            entry,
            missing: true,
        } => tr!(
            tr,
            "check-index-missing",
            index = index.clone(),
            entry = entry.clone()
        ),
        CheckProblem::Index { index, entry, .. } => tr!(
            tr,
            "check-index-extra",
            index = index.clone(),
            entry = entry.clone()
        ),
        CheckProblem::Counter {
            year,
            counter,
            highest,
        } => tr!(
            tr,
            "check-counter",
            year = year.clone(),
            counter = *counter,
            highest = *highest
        ),
        CheckProblem::NumberCounter {
            key,
            counter,
            highest,
        } => tr!(
            tr,
            "check-number-counter",
            key = key.clone(),
            counter = *counter,
            highest = *highest
        ),
        CheckProblem::Letter { letter, problem } => tr!(
            tr,
            "check-letter",
            letter = letter.clone(),
            problem = match problem {
                LetterProblem::Missing => "missing",
                LetterProblem::Unrecorded => "unrecorded",
                LetterProblem::Differs => "differs",
                LetterProblem::Unreadable => "unreadable",
            }
        ),
        // The same sentence `verify` gives for the same break.
        CheckProblem::Chain(b) => chain_break(tr, b),
        CheckProblem::AccessChain(b) => access_break(tr, b),
    }
}

/// The first break in the access log's chain, in words.
pub fn access_break(tr: &Tr, b: &AccessBreak) -> String {
    let kind = match b.kind {
        AccessBreakKind::Edited => "edited",
        AccessBreakKind::Missing => "missing",
        AccessBreakKind::Unlinked => "unlinked",
        AccessBreakKind::Unreadable => "unreadable",
    };
    tr!(
        tr,
        "check-access-chain",
        entry = wardflow_engine::value::clean_name(&b.entry),
        kind = kind
    )
}

/// A key file or public key that cannot be used (exit 2).
pub fn key_error(tr: &Tr, e: &KeyError, what: &str) -> Shown {
    let message = match e {
        KeyError::NotAKeyFile => tr!(tr, "key-not-a-key-file", path = what.to_owned()),
        KeyError::BadPublicKey => tr!(
            tr,
            "key-bad-public",
            value = what.chars().take(80).collect::<String>()
        ),
        KeyError::NeedsPassphrase => tr!(tr, "key-needs-passphrase", path = what.to_owned()),
        KeyError::WrongPassphrase => {
            return Shown::new(
                Exit::Refused,
                tr!(tr, "key-wrong-passphrase", path = what.to_owned()),
            );
        }
        KeyError::EmptyPassphrase => tr!(tr, "key-empty-passphrase"),
        KeyError::NotCurrent {
            fingerprint,
            current,
        } => {
            return Shown::new(
                Exit::Refused,
                tr!(
                    tr,
                    "key-not-current",
                    fingerprint = fingerprint.clone(),
                    current = current.clone()
                ),
            );
        }
        KeyError::AlreadyInRing { fingerprint } => {
            tr!(tr, "key-already-in-ring", fingerprint = fingerprint.clone())
        }
        KeyError::WrongAlgorithm { expected, found } => {
            return Shown::new(
                Exit::Refused,
                tr!(
                    tr,
                    "national-key-wrong-algorithm",
                    path = what.to_owned(),
                    expected = *expected,
                    found = *found
                ),
            );
        }
        KeyError::BadRing(detail) => {
            return Shown::new(
                Exit::Storage,
                tr!(tr, "key-bad-ring", detail = detail.clone()),
            );
        }
    };
    Shown::new(Exit::BadInput, message)
}
