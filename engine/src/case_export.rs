//! Signed case exports (`wardflow case export`): one self-contained JSON document holding a case's chained events, its
//! head, the exact rules it ran under and its issued letters as archived, signed with the
//! office key. [`verify`] checks such a file with nothing but the
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
use crate::crypto::Profile;
use crate::definition::VersionHash;
use crate::letters::archive::{DigestScheme, digest_with};
use crate::seal::{KeyRing, OfficeKey, PublicKey, RingKey};

/// The `format` member of every export.
pub const FORMAT: &str = "wardflow-case-export";
/// The version of the export layout.
pub const VERSION: u32 = 1;
/// Prefixed to the signed bytes, so a signature over an export can never pass for another
/// kind of document signed with the same key. Version 2 signs the algorithm with the content.
pub const SIGNING_CONTEXT: &[u8] = b"wardflow case export v2\n";
/// What exports made before version 2 signed: the content alone (accepted only with the
/// expected algorithm, so leaving the field unsigned there gains a forger nothing).
const SIGNING_CONTEXT_V1: &[u8] = b"wardflow case export v1\n";
/// The signature algorithm of the standard profile; a national office signs with `sm2`. A
/// verifier accepts the algorithm of the key it trusts, whatever the file names.
pub const ALGORITHM: &str = "ed25519";
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
    /// The case's issued letters as archived (text, HTML, data, hashes). Each one's SHA-256s
    /// are chained in through its `letter_issued` event in `events`, which `verify` checks.
    pub letters: Vec<Value>,
}

/// The signature block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seal {
    pub algorithm: String,
    /// The number of the signing key in the office's key ring (`key ring`); absent in exports
    /// made before keys were rotated. Not signed: it only says which trusted key to try, and
    /// the signature must then hold under that key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<u32>,
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
pub enum CaseExportError {
    /// The file is not an export this build reads.
    #[error("not a wardflow case export: {0}")]
    Malformed(String),
    /// The case's own chain is broken: it is not signed.
    #[error("the chain of the case is broken")]
    Broken(Break),
    /// The office key is of another algorithm than the database's profile signs with.
    #[error("the office key is an {key} key; this database's profile signs with {database}")]
    KeyProfile {
        key: &'static str,
        database: &'static str,
    },
}

impl From<Break> for CaseExportError {
    fn from(b: Break) -> Self {
        CaseExportError::Broken(b)
    }
}

fn malformed<E: std::fmt::Display>(e: E) -> CaseExportError {
    CaseExportError::Malformed(e.to_string())
}

/// The bytes the signature covers: the context, then the canonical JSON of the algorithm and
/// the content together, so neither can be changed without the signature failing.
fn signed_bytes(algorithm: &str, content: &Value) -> Result<Vec<u8>, CaseExportError> {
    let mut bytes = SIGNING_CONTEXT.to_vec();
    let covered = serde_json::json!({"algorithm": algorithm, "content": content});
    chain::jcs(&covered, &mut bytes).map_err(malformed)?;
    Ok(bytes)
}

/// What a version-1 export's signature covers.
fn signed_bytes_v1(content: &Value) -> Result<Vec<u8>, CaseExportError> {
    let mut bytes = SIGNING_CONTEXT_V1.to_vec();
    chain::jcs(content, &mut bytes).map_err(malformed)?;
    Ok(bytes)
}

/// What goes into an export besides the chain itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Extras<'a> {
    pub definition: Rules,
    /// The archived letters of the case, as JSON.
    pub letters: Vec<Value>,
    pub exported_at: Timestamp,
    pub exported_by: &'a str,
}

/// The records of a case as stored, its snapshot's head, its rules and letters, put together
/// and signed; refuses a chain that does not verify under `crypto` (the database's profile).
pub fn seal(
    crypto: Profile,
    case: &CaseId,
    records: &[Record],
    head: Head,
    extras: Extras<'_>,
    key: &OfficeKey,
    key_id: Option<u32>,
) -> Result<Document, CaseExportError> {
    if key.crypto() != crypto {
        return Err(CaseExportError::KeyProfile {
            key: key.algorithm(),
            database: crypto.signature_algorithm(),
        });
    }
    chain::verify(crypto, case, records, Some(&head))?;
    let events = records
        .iter()
        .map(|r| {
            Ok(ChainedEvent {
                prev: r.prev.clone(),
                hash: r.hash.clone(),
                event: r.event.clone().map_err(CaseExportError::Malformed)?,
            })
        })
        .collect::<Result<Vec<_>, CaseExportError>>()?;
    let content = Content {
        format: FORMAT.to_owned(),
        version: VERSION,
        case: case.clone(),
        exported_at: extras.exported_at,
        exported_by: extras.exported_by.to_owned(),
        definition: extras.definition,
        head,
        events,
        letters: extras.letters,
    };
    let content = serde_json::to_value(&content).map_err(malformed)?;
    let public = key.public();
    let algorithm = key.algorithm();
    let value = key.sign(&signed_bytes(algorithm, &content)?);
    Ok(Document {
        content,
        signature: Seal {
            algorithm: algorithm.to_owned(),
            key_id,
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
    /// The file names another algorithm than the one of the key the verifier trusts
    /// (`ed25519` or `sm2`).
    UnexpectedAlgorithm {
        found: String,
    },
    /// Signed by a key of the office's ring, but at a time (`exported_at`) outside the
    /// period that key was in force: after its retirement, or before it was made.
    OutsidePeriod {
        key_id: u32,
        exported_at: Timestamp,
    },
}

/// What checking an export found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub case: CaseId,
    pub signature: SignatureCheck,
    /// The trusted key the file names as its signer, if any (whether or not it holds).
    pub key: Option<RingKey>,
    pub chain: Result<Verified, Break>,
    /// Whether the rules' source still gives their hash.
    pub rules_match: bool,
    /// Letters whose text or HTML does not give the hashes their chained event records.
    pub letters_unmatched: Vec<String>,
}

impl Verdict {
    /// Everything holds.
    pub fn ok(&self) -> bool {
        self.signature == SignatureCheck::Valid
            && self.chain.is_ok()
            && self.rules_match
            && self.letters_unmatched.is_empty()
    }
}

/// Checks an export file's signature against `key`, its chain and its rules' hash.
pub fn verify(bytes: &[u8], key: &PublicKey) -> Result<Verdict, CaseExportError> {
    verify_ring(bytes, &KeyRing::first(key).keys)
}

/// Checks an export file's signature against the keys the verifier trusts (an office's key
/// ring, or keys given one by one), its chain and its rules' hash. The file only says which of
/// them to try: a key it names that is not trusted is [`SignatureCheck::OtherKey`], and a
/// trusted key used outside its period in force is [`SignatureCheck::OutsidePeriod`].
pub fn verify_ring(bytes: &[u8], trusted: &[RingKey]) -> Result<Verdict, CaseExportError> {
    let doc: Document = serde_json::from_slice(bytes).map_err(malformed)?;
    let content: Content = serde_json::from_value(doc.content.clone()).map_err(malformed)?;
    if content.format != FORMAT || content.version != VERSION {
        return Err(CaseExportError::Malformed(format!(
            "{} version {}",
            content.format, content.version
        )));
    }
    let named = doc.signature.public_key.trim();
    let key = trusted.iter().find(|k| k.public_key == named).cloned();
    // The algorithm is the trusted key's (the one the file names, else the office's keys'),
    // never the file's: a file naming another is refused before any key is tried.
    let expected = key
        .as_ref()
        .or(trusted.first())
        .map_or(ALGORITHM, |k| k.algorithm.as_str());
    let signature = if doc.signature.algorithm != expected {
        SignatureCheck::UnexpectedAlgorithm {
            found: doc.signature.algorithm.chars().take(40).collect(),
        }
    } else {
        match key.as_ref().and_then(|k| Some((k, k.key().ok()?))) {
            None => SignatureCheck::OtherKey {
                signed_by: doc.signature.public_key.chars().take(80).collect(),
            },
            Some((ring_key, key)) => {
                // Version 1 exports (content alone) were only ever Ed25519.
                let v1 = key.algorithm() == ALGORITHM
                    && key.verifies(&signed_bytes_v1(&doc.content)?, &doc.signature.value);
                if !(key.verifies(
                    &signed_bytes(key.algorithm(), &doc.content)?,
                    &doc.signature.value,
                ) || v1)
                {
                    SignatureCheck::Invalid
                } else if !ring_key.valid_at(content.exported_at) {
                    SignatureCheck::OutsidePeriod {
                        key_id: ring_key.id,
                        exported_at: content.exported_at,
                    }
                } else {
                    SignatureCheck::Valid
                }
            }
        }
    };
    // The hash of the chain and the letters' digests is the profile of the trusted key the file names (else of the keys
    // trusted, one office's), never what the file says.
    let crypto = key
        .as_ref()
        .or(trusted.first())
        .map_or(Profile::Standard, RingKey::crypto);
    let letters_unmatched = content
        .letters
        .iter()
        .filter(|l| !letter_matches(crypto, l, &content.events))
        .map(|l| {
            l.get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        })
        .collect();
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
    let chain = chain::verify(crypto, &content.case, &records, Some(&content.head));
    let rules_match =
        VersionHash::of(content.definition.source.as_bytes()) == content.definition.hash;
    Ok(Verdict {
        case: content.case,
        signature,
        key,
        chain,
        rules_match,
        letters_unmatched,
    })
}

/// Whether an archived letter's text and HTML give its recorded digests under the hash of
/// `crypto` (the trusted key's profile; a letter naming another algorithm does not match),
/// and a chained `letter_issued` event records the same letter with the same hashes.
fn letter_matches(crypto: Profile, letter: &Value, events: &[ChainedEvent]) -> bool {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let algorithm = crypto.hash();
    let named = match letter.get("digest_algorithm") {
        None => Some(crate::crypto::HashAlgorithm::Sha256),
        Some(v) => serde_json::from_value(v.clone()).ok(),
    };
    if named != Some(algorithm) {
        return false;
    }
    // Under the letter's own scheme: plain SHA-256 before salts, keyed with its salt after.
    let scheme = match letter.get("digest") {
        None => Some(DigestScheme::Plain),
        Some(v) => serde_json::from_value::<DigestScheme>(v.clone()).ok(),
    };
    let salt = text(letter, "salt");
    let digest = |k: &str| {
        let scheme = scheme?;
        text(letter, k).and_then(|t| digest_with(scheme, algorithm, salt.as_deref(), t.as_bytes()))
    };
    let (Some(id), Some(html), Some(plain)) = (
        text(letter, "id"),
        text(letter, "html_sha256"),
        text(letter, "text_sha256"),
    ) else {
        return false;
    };
    if digest("html").as_ref() != Some(&html) || digest("text").as_ref() != Some(&plain) {
        return false;
    }
    events.iter().any(|e| {
        text(&e.event, "type").as_deref() == Some("letter_issued")
            && text(&e.event, "letter").as_ref() == Some(&id)
            && text(&e.event, "html_sha256").as_ref() == Some(&html)
            && text(&e.event, "text_sha256").as_ref() == Some(&plain)
    })
}

#[cfg(test)]
mod tests;
