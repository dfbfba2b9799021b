//! The office's key — Ed25519, or SM2 in a national database (issue 23 item 6) — signs case
//! exports so that another machine can check, with
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

use crate::chain::hex;

/// The first line of a key file; says what the file is and that it is secret.
pub const KEY_FILE_HEADER: &str = "wardflow office key: Ed25519 secret seed, keep private";

/// The first line of a passphrase-protected key file; the age file (scrypt passphrase stanza)
/// holding a plain key file's text follows in hex.
pub const PROTECTED_HEADER: &str =
    "wardflow office key: Ed25519 secret seed, passphrase-protected (age scrypt)";

/// The first line of an SM2 key file (a national database's office key).
pub const SM2_KEY_FILE_HEADER: &str = "wardflow office key: SM2 secret key, keep private";

/// The first line of a passphrase-protected SM2 key file.
pub const SM2_PROTECTED_HEADER: &str =
    "wardflow office key: SM2 secret key, passphrase-protected (age scrypt)";

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
    #[error("not an Ed25519 or SM2 public key (64 or 130 hex digits expected)")]
    BadPublicKey,
    /// A key of another algorithm than the database's profile signs with.
    #[error("the key is an {found} key; this database's profile signs with {expected}")]
    WrongAlgorithm {
        expected: &'static str,
        found: &'static str,
    },
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

/// The office's signing key: Ed25519 (the standard profile) or SM2 (the national one).
pub struct OfficeKey(Secret);

enum Secret {
    Ed25519(SigningKey),
    Sm2(crate::crypto::Sm2Key),
}

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
    /// An Ed25519 key from 32 random bytes (the shell draws them from the operating system).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        OfficeKey(Secret::Ed25519(SigningKey::from_bytes(&seed)))
    }

    /// A key of `crypto`'s signature algorithm from 32 random bytes; None when they are no SM2
    /// secret (zero, or not below the curve order: draw again).
    pub fn generate(crypto: crate::crypto::Profile, seed: [u8; 32]) -> Option<Self> {
        match crypto {
            crate::crypto::Profile::Standard => Some(Self::from_seed(seed)),
            crate::crypto::Profile::National => {
                crate::crypto::Sm2Key::from_seed(seed).map(|k| OfficeKey(Secret::Sm2(k)))
            }
        }
    }

    /// Its signature algorithm (`ed25519`, `sm2`).
    pub fn algorithm(&self) -> &'static str {
        self.crypto().signature_algorithm()
    }

    /// The profile its algorithm belongs to.
    pub fn crypto(&self) -> crate::crypto::Profile {
        match &self.0 {
            Secret::Ed25519(_) => crate::crypto::Profile::Standard,
            Secret::Sm2(_) => crate::crypto::Profile::National,
        }
    }

    /// The key file's text: the header line (naming the algorithm), then the secret in hex.
    pub fn to_file_text(&self) -> String {
        match &self.0 {
            Secret::Ed25519(k) => format!("{KEY_FILE_HEADER}\n{}\n", hex(k.as_bytes())),
            Secret::Sm2(k) => format!("{SM2_KEY_FILE_HEADER}\n{}\n", hex(k.seed())),
        }
    }

    /// Reads a key file's text (Ed25519 or SM2, as its header says).
    pub fn from_file_text(text: &str) -> Result<Self, KeyError> {
        let mut lines = text.lines();
        let crypto = match lines.next().map(str::trim) {
            Some(KEY_FILE_HEADER) => crate::crypto::Profile::Standard,
            Some(SM2_KEY_FILE_HEADER) => crate::crypto::Profile::National,
            _ => return Err(KeyError::NotAKeyFile),
        };
        let seed = lines
            .next()
            .and_then(unhex::<32>)
            .ok_or(KeyError::NotAKeyFile)?;
        Self::generate(crypto, seed).ok_or(KeyError::NotAKeyFile)
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
        let header = match &self.0 {
            Secret::Ed25519(_) => PROTECTED_HEADER,
            Secret::Sm2(_) => SM2_PROTECTED_HEADER,
        };
        Ok(format!("{header}\n{lines}\n"))
    }

    /// Whether a key file's text is passphrase-protected.
    pub fn is_protected(text: &str) -> bool {
        matches!(
            text.lines().next().map(str::trim),
            Some(PROTECTED_HEADER | SM2_PROTECTED_HEADER)
        )
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
        let key = Self::from_file_text(&plain)?;
        // The outer header names the algorithm too: both must agree.
        let outer = text.lines().next().map(str::trim);
        let sm2 = outer == Some(SM2_PROTECTED_HEADER);
        if sm2 != (key.crypto() == crate::crypto::Profile::National) {
            return Err(KeyError::NotAKeyFile);
        }
        Ok(key)
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        match &self.0 {
            Secret::Ed25519(k) => PublicKey(Public::Ed25519(k.verifying_key())),
            Secret::Sm2(k) => PublicKey(Public::Sm2(k.public())),
        }
    }

    /// Signs a message with its algorithm (Ed25519, or SM2 with SM3 and the default user id);
    /// the signature in hex.
    pub fn sign(&self, message: &[u8]) -> String {
        match &self.0 {
            Secret::Ed25519(k) => hex(&k.sign(message).to_bytes()),
            Secret::Sm2(k) => k.sign(message),
        }
    }
}

/// An office's public key, as `key show` prints it: 64 hex digits (Ed25519) or 130 (SM2, an
/// uncompressed point): its form says its algorithm.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(Public);

#[derive(Clone, PartialEq, Eq)]
enum Public {
    Ed25519(VerifyingKey),
    Sm2(crate::crypto::Sm2Public),
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.hex())
    }
}

impl PublicKey {
    /// Parses a public key by its form: 64 hex digits are an Ed25519 key, 130 an SM2 point.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        if text.len() == 130 {
            return crate::crypto::Sm2Public::parse(text)
                .map(|k| PublicKey(Public::Sm2(k)))
                .ok_or(KeyError::BadPublicKey);
        }
        let bytes = unhex::<32>(text).ok_or(KeyError::BadPublicKey)?;
        VerifyingKey::from_bytes(&bytes)
            .map(|k| PublicKey(Public::Ed25519(k)))
            .map_err(|_| KeyError::BadPublicKey)
    }

    /// Its signature algorithm (`ed25519`, `sm2`).
    pub fn algorithm(&self) -> &'static str {
        self.crypto().signature_algorithm()
    }

    /// The profile its algorithm belongs to: what a chain checked against it is hashed with.
    pub fn crypto(&self) -> crate::crypto::Profile {
        match &self.0 {
            Public::Ed25519(_) => crate::crypto::Profile::Standard,
            Public::Sm2(_) => crate::crypto::Profile::National,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        match &self.0 {
            Public::Ed25519(k) => k.as_bytes().to_vec(),
            Public::Sm2(k) => k.to_bytes(),
        }
    }

    /// The key in hex: 64 digits (Ed25519) or 130 (SM2).
    pub fn hex(&self) -> String {
        hex(&self.bytes())
    }

    /// A short name to compare by eye or read over the phone: the hash of the key under its
    /// own profile (SHA-256 of an Ed25519 key, SM3 of an SM2 one), first 16 hex digits in
    /// groups of four.
    pub fn fingerprint(&self) -> String {
        let digest = self.crypto().digest_hex(&self.bytes());
        let short = digest.get(..16).unwrap_or(&digest);
        short
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(":")
    }

    /// Whether `signature` (hex) is this key's signature of `message`, under its algorithm.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        match &self.0 {
            Public::Ed25519(k) => unhex::<64>(signature)
                .map(|b| Signature::from_bytes(&b))
                .is_some_and(|s| k.verify_strict(message, &s).is_ok()),
            Public::Sm2(k) => k.verifies(message, signature),
        }
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

    /// The key itself; its form must be of the algorithm the ring names.
    pub fn key(&self) -> Result<PublicKey, KeyError> {
        let key = PublicKey::parse(&self.public_key)?;
        if key.algorithm() != self.algorithm {
            return Err(KeyError::BadPublicKey);
        }
        Ok(key)
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
                algorithm: public.algorithm().to_owned(),
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
        if new.algorithm() != old.algorithm() {
            // An office keeps its profile: a national one rotates to another SM2 key.
            return Err(KeyError::WrongAlgorithm {
                expected: old.algorithm(),
                found: new.algorithm(),
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
            algorithm: new.algorithm().to_owned(),
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

    #[test]
    fn an_sm2_key_file_round_trips_signs_and_is_known_by_its_form() {
        use crate::crypto::Profile;
        let key = OfficeKey::generate(Profile::National, [5; 32]).expect("an SM2 secret");
        assert_eq!((key.algorithm(), key.crypto()), ("sm2", Profile::National));
        let text = key.to_file_text();
        assert!(text.starts_with(SM2_KEY_FILE_HEADER));
        let again = OfficeKey::from_file_text(&text).expect("key file");
        assert_eq!(again.public(), key.public());
        let protected = key.to_protected_text("口令").expect("protected");
        assert!(protected.starts_with(SM2_PROTECTED_HEADER));
        assert!(OfficeKey::is_protected(&protected));
        let opened = OfficeKey::open_file_text(&protected, Some("口令")).expect("opens");
        assert_eq!(opened.public(), key.public());
        // The public key's form says its algorithm: 130 hex digits are SM2, 64 Ed25519.
        let public = PublicKey::parse(&key.public().hex()).expect("public key");
        assert_eq!(public.hex().len(), 130);
        assert_eq!(public.algorithm(), "sm2");
        let sig = key.sign(b"history");
        assert!(public.verifies(b"history", &sig));
        assert!(!public.verifies(b"histories", &sig));
        let ed = OfficeKey::from_seed([5; 32]).public();
        assert_eq!(ed.algorithm(), ED25519);
        assert!(!ed.verifies(b"history", &sig));
        // Its fingerprint is of its own profile's hash (SM3).
        assert_eq!(public.fingerprint().len(), 19);
        // A ring keeps the algorithm; a national office rotates to SM2 only.
        let ring = KeyRing::first(&public);
        assert_eq!(ring.keys[0].algorithm, "sm2");
        assert_eq!(ring.keys[0].key().expect("parses"), public);
        let t: Timestamp = "2026-01-01T00:00:00Z".parse().expect("time");
        assert!(matches!(
            ring.rotated(&public, &ed, t),
            Err(KeyError::WrongAlgorithm {
                expected: "sm2",
                found: "ed25519"
            })
        ));
        let next = OfficeKey::generate(Profile::National, [6; 32])
            .expect("secret")
            .public();
        let rotated = ring.rotated(&public, &next, t).expect("rotates");
        assert_eq!(rotated.keys[1].algorithm, "sm2");
        // A ring entry whose key is not of the algorithm it names does not parse.
        let mut lying = ring.keys[0].clone();
        lying.algorithm = ED25519.to_owned();
        assert!(lying.key().is_err());
    }
}
