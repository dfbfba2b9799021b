//! Signed case exports: one self-contained JSON document holding a case's chained events, its
//! head, the exact rules it ran under and (once the letters archive exists) its issued
//! letters, signed with the office key. [`verify`] checks such a file with nothing but the
//! office's public key: no database, no workflow files.
//!
//! The signature covers `SIGNING_CONTEXT` followed by the RFC 8785 canonical JSON of the
//! `content` member, so re-indenting the file changes nothing, while any change of a value
//! does.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::case::CaseId;
use crate::chain::{self, Break, ChainHash, Head, Record, Verified};
use crate::definition::VersionHash;
use crate::seal::{OfficeKey, PublicKey};

/// The `format` member of every export.
pub const FORMAT: &str = "wardflow-case-export";
/// The version of the export layout.
pub const VERSION: u32 = 1;
/// Prefixed to the signed bytes, so a signature over an export can never pass for another
/// kind of document signed with the same key.
pub const SIGNING_CONTEXT: &[u8] = b"wardflow case export v1\n";
/// Largest export file `verify` reads.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The rules the case ran under, exactly as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub workflow: String,
    pub hash: VersionHash,
    pub number: Option<u32>,
    /// The YAML source; its SHA-256 is `hash`.
    pub source: String,
}

/// One event with the hashes recorded beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainedEvent {
    pub prev: Option<ChainHash>,
    pub hash: Option<ChainHash>,
    /// The event as `case history --json` shows it; this exact JSON is what is hashed.
    pub event: Value,
}

/// What is signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub format: String,
    pub version: u32,
    pub case: CaseId,
    pub exported_at: Timestamp,
    pub exported_by: String,
    pub definition: Rules,
    pub head: Head,
    pub events: Vec<ChainedEvent>,
    /// Issued letters' archive records. Empty until the letters archive lands; each issued
    /// letter's SHA-256 is already chained in through its event in `events`.
    pub letters: Vec<Value>,
}

/// The signature block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seal {
    pub algorithm: String,
    pub public_key: String,
    pub fingerprint: String,
    pub value: String,
}

/// A signed export file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub content: Value,
    pub signature: Seal,
}

/// Something that prevents writing or reading an export.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    /// The file is not an export this build reads.
    #[error("not a wardflow case export: {0}")]
    Malformed(String),
    /// The case's own chain is broken: it is not signed.
    #[error("the chain of the case is broken")]
    Broken(Break),
}

fn malformed<E: std::fmt::Display>(e: E) -> ExportError {
    ExportError::Malformed(e.to_string())
}

/// The bytes the signature covers.
fn signed_bytes(content: &Value) -> Result<Vec<u8>, ExportError> {
    let mut bytes = SIGNING_CONTEXT.to_vec();
    chain::jcs(content, &mut bytes).map_err(malformed)?;
    Ok(bytes)
}

/// The records of a case as stored, its snapshot's head and its rules, put together and
/// signed; refuses a chain that does not verify.
pub fn seal(
    case: &CaseId,
    records: &[Record],
    head: Head,
    definition: Rules,
    exported_at: Timestamp,
    exported_by: &str,
    key: &OfficeKey,
) -> Result<Document, ExportError> {
    chain::verify(case, records, Some(&head)).map_err(ExportError::Broken)?;
    let events = records
        .iter()
        .map(|r| {
            Ok(ChainedEvent {
                prev: r.prev.clone(),
                hash: r.hash.clone(),
                event: r.event.clone().map_err(ExportError::Malformed)?,
            })
        })
        .collect::<Result<Vec<_>, ExportError>>()?;
    let content = Content {
        format: FORMAT.to_owned(),
        version: VERSION,
        case: case.clone(),
        exported_at,
        exported_by: exported_by.to_owned(),
        definition,
        head,
        events,
        letters: Vec::new(),
    };
    let content = serde_json::to_value(&content).map_err(malformed)?;
    let public = key.public();
    let value = key.sign(&signed_bytes(&content)?);
    Ok(Document {
        content,
        signature: Seal {
            algorithm: "ed25519".to_owned(),
            public_key: public.hex(),
            fingerprint: public.fingerprint(),
            value,
        },
    })
}

/// Whether the signature holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum SignatureCheck {
    Valid,
    /// Signed by another key than the one given.
    OtherKey {
        signed_by: String,
    },
    /// The content is not what was signed.
    Invalid,
}

/// What checking an export found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub case: CaseId,
    pub signature: SignatureCheck,
    pub chain: Result<Verified, Break>,
    /// Whether the rules' source still gives their hash.
    pub rules_match: bool,
}

impl Verdict {
    /// Everything holds.
    pub fn ok(&self) -> bool {
        self.signature == SignatureCheck::Valid && self.chain.is_ok() && self.rules_match
    }
}

/// Checks an export file's signature against `key`, its chain and its rules' hash.
pub fn verify(bytes: &[u8], key: &PublicKey) -> Result<Verdict, ExportError> {
    let doc: Document = serde_json::from_slice(bytes).map_err(malformed)?;
    let content: Content = serde_json::from_value(doc.content.clone()).map_err(malformed)?;
    if content.format != FORMAT || content.version != VERSION {
        return Err(ExportError::Malformed(format!(
            "{} version {}",
            content.format, content.version
        )));
    }
    let signature = if doc.signature.public_key.trim() != key.hex() {
        SignatureCheck::OtherKey {
            signed_by: doc.signature.public_key.clone(),
        }
    } else if key.verifies(&signed_bytes(&doc.content)?, &doc.signature.value) {
        SignatureCheck::Valid
    } else {
        SignatureCheck::Invalid
    };
    // The events are checked exactly as written, not as this build would re-serialise them.
    let records: Vec<Record> = content
        .events
        .into_iter()
        .map(|e| Record {
            at: e
                .event
                .get("seq")
                .and_then(Value::as_u64)
                .and_then(|s| u32::try_from(s).ok())
                .unwrap_or(0),
            event: Ok(e.event),
            prev: e.prev,
            hash: e.hash,
        })
        .collect();
    let chain = chain::verify(&content.case, &records, Some(&content.head));
    let rules_match =
        VersionHash::of(content.definition.source.as_bytes()) == content.definition.hash;
    Ok(Verdict {
        case: content.case,
        signature,
        chain,
        rules_match,
    })
}

#[cfg(test)]
mod tests;
