//! The office's Ed25519 key: it signs case exports so that another machine can check, with
//! the public key alone, that a history left this office unchanged. The secret is kept in a
//! file outside the database (the shell reads and writes it), plain or protected by a
//! passphrase (age's scrypt mode: scrypt, then ChaCha20-Poly1305); this module never prints it.
//!
//! Keys are rotated (`wardflow key rotate`): the [`KeyRing`] keeps every public key the office
//! has signed with, numbered from 1, with the time each came into force and was retired, so
//! that an export signed before a rotation still verifies after it.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chain::hex;

/// The first line of a key file; says what the file is and that it is secret.
pub const KEY_FILE_HEADER: &str = "wardflow office key: Ed25519 secret seed, keep private";

/// The first line of a passphrase-protected key file; the age file (scrypt passphrase stanza)
/// holding a plain key file's text follows in hex.
pub const PROTECTED_HEADER: &str =
    "wardflow office key: Ed25519 secret seed, passphrase-protected (age scrypt)";

/// The largest scrypt work factor (log2 N) a protected key file may ask for: 2^20 is about
/// 1 GiB of memory, far above what [`OfficeKey::to_protected_text`] picks (about a second of
/// work on the machine that writes it), and bounds what a planted file can cost.
const MAX_WORK_FACTOR: u8 = 20;

/// The largest key file read (a protected one is about 500 characters).
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// The one signature algorithm of the standard profile.
pub const ED25519: &str = "ed25519";

/// A key file or public key that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyError {
    #[error("not a wardflow key file")]
    NotAKeyFile,
    #[error("not an Ed25519 public key (64 hex digits expected)")]
    BadPublicKey,
    /// The key file is protected and no passphrase was given.
    #[error("the key file is protected by a passphrase; give it")]
    NeedsPassphrase,
    /// The passphrase does not open the key file.
    #[error("the passphrase does not open the key file")]
    WrongPassphrase,
    /// An empty passphrase protects nothing.
    #[error("an empty passphrase protects nothing")]
    EmptyPassphrase,
    /// The key being rotated is not the one in force in the key ring.
    #[error("the key file's key ({fingerprint}) is not the office key in force ({current})")]
    NotCurrent {
        fingerprint: String,
        current: String,
    },
    /// The new key is one the ring already holds.
    #[error("key {fingerprint} is already in the key ring")]
    AlreadyInRing { fingerprint: String },
    /// The stored key ring does not read.
    #[error("the key ring does not read: {0}")]
    BadRing(String),
}

/// The office's signing key.
pub struct OfficeKey(SigningKey);

impl fmt::Debug for OfficeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OfficeKey({})", self.public().fingerprint())
    }
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.trim();
    if text.len() != N * 2 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

impl OfficeKey {
    /// A key from 32 random bytes (the shell draws them from the operating system).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        OfficeKey(SigningKey::from_bytes(&seed))
    }

    /// The key file's text: the header line, then the seed in hex.
    pub fn to_file_text(&self) -> String {
        format!("{KEY_FILE_HEADER}\n{}\n", hex(self.0.as_bytes()))
    }

    /// Reads a key file's text.
    pub fn from_file_text(text: &str) -> Result<Self, KeyError> {
        let mut lines = text.lines();
        if lines.next().map(str::trim) != Some(KEY_FILE_HEADER) {
            return Err(KeyError::NotAKeyFile);
        }
        let seed = lines
            .next()
            .and_then(unhex::<32>)
            .ok_or(KeyError::NotAKeyFile)?;
        Ok(Self::from_seed(seed))
    }

    /// The key file's text protected by `passphrase`: age's scrypt recipient (work factor
    /// chosen by age for about a second on this machine) over [`Self::to_file_text`].
    pub fn to_protected_text(&self, passphrase: &str) -> Result<String, KeyError> {
        if passphrase.is_empty() {
            return Err(KeyError::EmptyPassphrase);
        }
        let recipient =
            age::scrypt::Recipient::new(age::secrecy::SecretString::from(passphrase.to_owned()));
        let sealed = age::encrypt(&recipient, self.to_file_text().as_bytes())
            .map_err(|_| KeyError::NotAKeyFile)?;
        let lines = hex(&sealed)
            .as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        Ok(format!("{PROTECTED_HEADER}\n{lines}\n"))
    }

    /// Whether a key file's text is passphrase-protected.
    pub fn is_protected(text: &str) -> bool {
        text.lines().next().map(str::trim) == Some(PROTECTED_HEADER)
    }

    /// Reads a key file's text, plain or protected (then opened with `passphrase`).
    pub fn open_file_text(text: &str, passphrase: Option<&str>) -> Result<Self, KeyError> {
        if !Self::is_protected(text) {
            return Self::from_file_text(text);
        }
        let digits: String = text
            .lines()
            .skip(1)
            .flat_map(|l| l.trim().chars())
            .collect();
        if !digits.len().is_multiple_of(2) || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KeyError::NotAKeyFile);
        }
        let sealed = (0..digits.len() / 2)
            .map(|i| u8::from_str_radix(digits.get(i * 2..i * 2 + 2).unwrap_or("zz"), 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| KeyError::NotAKeyFile)?;
        let passphrase = passphrase
            .filter(|p| !p.is_empty())
            .ok_or(KeyError::NeedsPassphrase)?;
        let mut identity =
            age::scrypt::Identity::new(age::secrecy::SecretString::from(passphrase.to_owned()));
        identity.set_max_work_factor(MAX_WORK_FACTOR);
        let plain = age::decrypt(&identity, &sealed).map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                KeyError::WrongPassphrase
            }
            _ => KeyError::NotAKeyFile,
        })?;
        let plain = String::from_utf8(plain).map_err(|_| KeyError::NotAKeyFile)?;
        Self::from_file_text(&plain)
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs a message; the signature in hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex(&self.0.sign(message).to_bytes())
    }
}

/// An office's public key, as `key show` prints it (64 hex digits).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.hex())
    }
}

impl PublicKey {
    /// Parses 64 hex digits.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let bytes = unhex::<32>(text).ok_or(KeyError::BadPublicKey)?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| KeyError::BadPublicKey)
    }

    /// The key as 64 hex digits.
    pub fn hex(&self) -> String {
        hex(self.0.as_bytes())
    }

    /// A short name to compare by eye or read over the phone: SHA-256 of the key, first 16 hex
    /// digits in groups of four.
    pub fn fingerprint(&self) -> String {
        let digest = hex(&Sha256::digest(self.0.as_bytes()));
        let short = digest.get(..16).unwrap_or(&digest);
        short
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(":")
    }

    /// Whether `signature` (hex) is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        unhex::<64>(signature)
            .map(|b| Signature::from_bytes(&b))
            .is_some_and(|s| self.0.verify_strict(message, &s).is_ok())
    }
}

/// One public key of the office's key ring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RingKey {
    /// 1 for the office's first key, then one more at each rotation.
    pub id: u32,
    /// The signature algorithm (`ed25519`).
    pub algorithm: String,
    /// The public key, as `key show` prints it.
    pub public_key: String,
    pub fingerprint: String,
    /// When it came into force (None: the first key, made before the ring was kept).
    #[serde(default)]
    pub valid_from: Option<Timestamp>,
    /// When it was retired (None: the key in force).
    #[serde(default)]
    pub valid_until: Option<Timestamp>,
}

impl RingKey {
    /// The cryptographic profile its algorithm belongs to (`sm2`: national; else standard):
    /// what a chain checked against this key is hashed with.
    pub fn crypto(&self) -> crate::crypto::Profile {
        if self.algorithm == crate::crypto::Profile::National.signature_algorithm() {
            crate::crypto::Profile::National
        } else {
            crate::crypto::Profile::Standard
        }
    }

    /// The key itself.
    pub fn key(&self) -> Result<PublicKey, KeyError> {
        PublicKey::parse(&self.public_key)
    }

    /// Whether the key was in force at `at`.
    pub fn valid_at(&self, at: Timestamp) -> bool {
        self.valid_from.is_none_or(|from| from <= at) && self.valid_until.is_none_or(|u| at < u)
    }
}

/// Every public key the office has signed with, oldest first; the last is the key in force.
/// Stored in the database as a published configuration (`keyring.json`), a new version at
/// each rotation, so that verifying an older export needs no file from the rotating machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRing {
    pub keys: Vec<RingKey>,
}

/// The most keys a ring holds (a rotation a day for years); bounds what a stored ring costs.
pub const MAX_RING_KEYS: usize = 4096;

impl KeyRing {
    /// Its file name as published.
    pub const FILE: &'static str = "keyring.json";

    /// The ring of an office that never rotated: its one key, numbered 1.
    pub fn first(public: &PublicKey) -> Self {
        KeyRing {
            keys: vec![RingKey {
                id: 1,
                algorithm: ED25519.to_owned(),
                public_key: public.hex(),
                fingerprint: public.fingerprint(),
                valid_from: None,
                valid_until: None,
            }],
        }
    }

    /// The key in force.
    pub fn current(&self) -> Option<&RingKey> {
        self.keys.last().filter(|k| k.valid_until.is_none())
    }

    /// The ring entry of `public`, if the office ever signed with it.
    pub fn find(&self, public: &PublicKey) -> Option<&RingKey> {
        let hex = public.hex();
        self.keys.iter().find(|k| k.public_key == hex)
    }

    /// The ring after `old` (which must be the key in force) is retired at `now` and `new`
    /// comes into force.
    pub fn rotated(
        &self,
        old: &PublicKey,
        new: &PublicKey,
        now: Timestamp,
    ) -> Result<Self, KeyError> {
        let current = self
            .current()
            .ok_or_else(|| KeyError::BadRing("no key in force".into()))?;
        if current.public_key != old.hex() {
            return Err(KeyError::NotCurrent {
                fingerprint: old.fingerprint(),
                current: current.fingerprint.clone(),
            });
        }
        if self.find(new).is_some() {
            return Err(KeyError::AlreadyInRing {
                fingerprint: new.fingerprint(),
            });
        }
        if self.keys.len() >= MAX_RING_KEYS {
            return Err(KeyError::BadRing(format!("more than {MAX_RING_KEYS} keys")));
        }
        let mut keys = self.keys.clone();
        let next = current.id.saturating_add(1);
        if let Some(last) = keys.last_mut() {
            last.valid_until = Some(now);
        }
        keys.push(RingKey {
            id: next,
            algorithm: ED25519.to_owned(),
            public_key: new.hex(),
            fingerprint: new.fingerprint(),
            valid_from: Some(now),
            valid_until: None,
        });
        Ok(KeyRing { keys })
    }

    /// The ring as stored (pretty JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads a stored ring, checking that every key parses, ids rise and one key is in force.
    pub fn from_json(text: &str) -> Result<Self, KeyError> {
        let ring: KeyRing =
            serde_json::from_str(text).map_err(|e| KeyError::BadRing(e.to_string()))?;
        if ring.keys.is_empty() || ring.keys.len() > MAX_RING_KEYS || ring.current().is_none() {
            return Err(KeyError::BadRing("no key in force".into()));
        }
        for (i, k) in ring.keys.iter().enumerate() {
            k.key()
                .map_err(|_| KeyError::BadRing(format!("key {} does not parse", k.id)))?;
            if i > 0 && k.id <= ring.keys[i - 1].id {
                return Err(KeyError::BadRing(format!("key {} is out of order", k.id)));
            }
        }
        Ok(ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_round_trips_and_signs() {
        let key = OfficeKey::from_seed([7; 32]);
        let text = key.to_file_text();
        assert!(text.starts_with(KEY_FILE_HEADER));
        let again = OfficeKey::from_file_text(&text).expect("key file");
        assert_eq!(again.public(), key.public());
        let sig = key.sign(b"history");
        let public = PublicKey::parse(&key.public().hex()).expect("public key");
        assert!(public.verifies(b"history", &sig));
        assert!(!public.verifies(b"histories", &sig));
        assert!(!public.verifies(b"history", "00"));
        assert_eq!(key.public().fingerprint().len(), 19);
        assert!(!format!("{key:?}").contains(&hex(&[7; 32])));
    }

    #[test]
    fn junk_is_no_key() {
        assert_eq!(
            OfficeKey::from_file_text("hello\n00").err(),
            Some(KeyError::NotAKeyFile)
        );
        assert_eq!(PublicKey::parse("xyz").err(), Some(KeyError::BadPublicKey));
    }

    #[test]
    fn a_protected_key_file_opens_only_with_its_passphrase() {
        let key = OfficeKey::from_seed([9; 32]);
        let text = key.to_protected_text("correct horse").expect("protected");
        assert!(OfficeKey::is_protected(&text));
        assert!(!text.contains(&hex(&[9; 32])));
        let again = OfficeKey::open_file_text(&text, Some("correct horse")).expect("opens");
        assert_eq!(again.public(), key.public());
        assert_eq!(
            OfficeKey::open_file_text(&text, Some("wrong horse")).err(),
            Some(KeyError::WrongPassphrase)
        );
        assert_eq!(
            OfficeKey::open_file_text(&text, None).err(),
            Some(KeyError::NeedsPassphrase)
        );
        // A changed byte of the sealed key is no key, whatever the passphrase.
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let last = lines.len() - 1;
        let flipped: String = lines[last]
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    if c == '0' { '1' } else { '0' }
                } else {
                    c
                }
            })
            .collect();
        lines[last] = flipped;
        assert!(OfficeKey::open_file_text(&lines.join("\n"), Some("correct horse")).is_err());
        assert_eq!(
            key.to_protected_text("").err(),
            Some(KeyError::EmptyPassphrase)
        );
        // A plain file still opens, passphrase or not.
        let plain = key.to_file_text();
        assert!(OfficeKey::open_file_text(&plain, Some("x")).is_ok());
    }

    #[test]
    fn a_rotated_ring_keeps_the_old_key_with_its_period() {
        let (a, b, c) = (
            OfficeKey::from_seed([1; 32]).public(),
            OfficeKey::from_seed([2; 32]).public(),
            OfficeKey::from_seed([3; 32]).public(),
        );
        let t1: Timestamp = "2026-01-01T00:00:00Z".parse().expect("time");
        let t2: Timestamp = "2026-06-01T00:00:00Z".parse().expect("time");
        let ring = KeyRing::first(&a).rotated(&a, &b, t1).expect("rotates");
        assert_eq!(ring.current().map(|k| k.id), Some(2));
        let old = ring.find(&a).expect("old key kept");
        assert_eq!((old.id, old.valid_until), (1, Some(t1)));
        assert!(
            old.valid_at(
                t1.checked_sub(jiff::SignedDuration::from_secs(1))
                    .expect("t")
            )
        );
        assert!(!old.valid_at(t1));
        assert!(ring.find(&b).is_some_and(|k| k.valid_at(t2)));
        // Only the key in force is rotated, and never back to a key the ring holds.
        assert!(matches!(
            ring.rotated(&a, &c, t2),
            Err(KeyError::NotCurrent { .. })
        ));
        assert!(matches!(
            ring.rotated(&b, &a, t2),
            Err(KeyError::AlreadyInRing { .. })
        ));
        let three = ring.rotated(&b, &c, t2).expect("rotates again");
        assert_eq!(KeyRing::from_json(&three.to_json()).expect("reads"), three);
        assert!(KeyRing::from_json("{\"keys\": []}").is_err());
        let mut disordered = three.clone();
        disordered.keys.swap(0, 1);
        assert!(KeyRing::from_json(&disordered.to_json()).is_err());
    }
}
