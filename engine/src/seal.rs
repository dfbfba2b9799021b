//! The office's Ed25519 key: it signs case exports so that another machine can check, with
//! the public key alone, that a history left this office unchanged. The secret is kept in a
//! file outside the database (the shell reads and writes it); this module never prints it.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::chain::hex;

/// The first line of a key file; says what the file is and that it is secret.
pub const KEY_FILE_HEADER: &str = "wardflow office key: Ed25519 secret seed, keep private";

/// A key file or public key that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyError {
    #[error("not a wardflow key file")]
    NotAKeyFile,
    #[error("not an Ed25519 public key (64 hex digits expected)")]
    BadPublicKey,
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
}
