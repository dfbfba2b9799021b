//! The cryptographic profile (issue 23 item 6): `standard` (SHA-256, Ed25519, age) or
//! `national` (SM3 hashes, SM2 signatures, SM4 encryption, GB/T 32905, 32918, 32907), behind
//! one enum so that the code that hashes or signs asks the profile instead of branching.
//!
//! What is built so far: the profile itself and the national primitives with their standard
//! test vectors. Choosing it at `init`, storing it in the database's meta and routing the
//! chain, letter digests, export signatures and encrypted copies through it is not done yet
//! (docs/privacy.md, "Not yet done").

use sha2::Sha256;
use sm2::dsa::signature::{Signer, Verifier};

use crate::chain::hex;

/// A cryptographic profile, fixed when a database is made (`StoredMeta::crypto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// SHA-256, Ed25519, age (X25519, ChaCha20-Poly1305): every database made so far.
    #[default]
    Standard,
    /// The national commercial algorithms: SM3, SM2, SM4.
    National,
}

impl Profile {
    pub const ALL: [Profile; 2] = [Profile::Standard, Profile::National];

    /// The profile's key, as stored and typed (`standard`, `national`).
    pub fn key(self) -> &'static str {
        match self {
            Profile::Standard => "standard",
            Profile::National => "national",
        }
    }

    /// True for [`Profile::Standard`] (what a record that names no profile means).
    pub fn is_standard(&self) -> bool {
        *self == Profile::Standard
    }

    pub fn from_key(key: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The name of its hash (`sha256`, `sm3`), as a digest records it.
    pub fn hash_algorithm(self) -> &'static str {
        self.hash().name()
    }

    /// Its hash.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Profile::Standard => HashAlgorithm::Sha256,
            Profile::National => HashAlgorithm::Sm3,
        }
    }

    /// The name of its signature algorithm (`ed25519`, `sm2`), as a signature records it.
    pub fn signature_algorithm(self) -> &'static str {
        match self {
            Profile::Standard => crate::seal::ED25519,
            Profile::National => "sm2",
        }
    }

    /// The profile's hash of `bytes` (32 bytes under both).
    pub fn digest(self, bytes: &[u8]) -> [u8; 32] {
        self.hash().digest(bytes)
    }

    /// [`Self::digest`] in lower-case hex.
    pub fn digest_hex(self, bytes: &[u8]) -> String {
        hex(&self.digest(bytes))
    }
}

/// A hash a digest is made with, as a record names it beside the digest (`digest_algorithm`:
/// `sha256`, the default every record made before it had, or `sm3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashAlgorithm {
    #[default]
    Sha256,
    Sm3,
}

impl HashAlgorithm {
    /// `sha256` or `sm3`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sm3 => "sm3",
        }
    }

    /// True for SHA-256 (what a record that names no algorithm means).
    pub fn is_sha256(&self) -> bool {
        *self == HashAlgorithm::Sha256
    }

    /// The hash of `bytes` (32 bytes under both).
    pub fn digest(self, bytes: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        match self {
            HashAlgorithm::Sha256 => {
                out.copy_from_slice(&<Sha256 as sha2::Digest>::digest(bytes));
            }
            HashAlgorithm::Sm3 => {
                out.copy_from_slice(&<sm3::Sm3 as sm3::Digest>::digest(bytes));
            }
        }
        out
    }

    /// [`Self::digest`] in lower-case hex.
    pub fn digest_hex(self, bytes: &[u8]) -> String {
        hex(&self.digest(bytes))
    }

    /// HMAC (RFC 2104; both hashes take 64-byte blocks) of `bytes` under `key`: HMAC-SHA256,
    /// or HMAC-SM3 (GB/T 15852.2 with SM3).
    pub fn hmac(self, key: &[u8], bytes: &[u8]) -> [u8; 32] {
        const BLOCK: usize = 64;
        let mut block = [0u8; BLOCK];
        if key.len() > BLOCK {
            block[..32].copy_from_slice(&self.digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| -> [u8; BLOCK] { block.map(|b| b ^ byte) };
        let mut inner = pad(0x36).to_vec();
        inner.extend_from_slice(bytes);
        let mut outer = pad(0x5c).to_vec();
        outer.extend_from_slice(&self.digest(&inner));
        self.digest(&outer)
    }
}

/// The distinguishing identifier SM2 signatures are made with: GB/T 35276's default user id.
pub const SM2_DIST_ID: &str = "1234567812345678";

/// An SM2 signing key (GB/T 32918.2), made from 32 random bytes like the Ed25519 office key;
/// the bytes are kept to write the key file.
pub struct Sm2Key(sm2::dsa::SigningKey, [u8; 32]);

impl std::fmt::Debug for Sm2Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sm2Key({})", self.public().hex())
    }
}

impl Sm2Key {
    /// The key from a 32-byte secret; None when the bytes are not a valid scalar (zero, or
    /// not below the curve order: vanishingly rare for random bytes, when the caller draws
    /// again).
    pub fn from_seed(seed: [u8; 32]) -> Option<Self> {
        sm2::dsa::SigningKey::from_slice(SM2_DIST_ID, &seed)
            .ok()
            .map(|k| Sm2Key(k, seed))
    }

    /// The 32-byte secret it was made from (for the key file; never printed).
    pub fn seed(&self) -> &[u8; 32] {
        &self.1
    }

    pub fn public(&self) -> Sm2Public {
        Sm2Public(self.0.verifying_key().clone())
    }

    /// Signs `message` (SM3 with the signer's Z value, then SM2); the 64-byte r‖s in hex.
    pub fn sign(&self, message: &[u8]) -> String {
        let signature: sm2::dsa::Signature = self.0.sign(message);
        hex(&signature.to_bytes())
    }
}

/// An SM2 public key (SEC1 uncompressed point, 130 hex digits).
#[derive(Clone)]
pub struct Sm2Public(sm2::dsa::VerifyingKey);

impl PartialEq for Sm2Public {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_sec1_bytes() == other.0.to_sec1_bytes()
    }
}

impl Eq for Sm2Public {}

impl std::fmt::Debug for Sm2Public {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sm2Public({})", self.hex())
    }
}

impl Sm2Public {
    pub fn hex(&self) -> String {
        hex(&self.to_bytes())
    }

    /// The SEC1 uncompressed point (65 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_sec1_bytes().to_vec()
    }

    /// Parses 130 hex digits (an uncompressed point on the SM2 curve).
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = unhex(text.trim())?;
        sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DIST_ID, &bytes)
            .ok()
            .map(Sm2Public)
    }

    /// Whether `signature` (hex r‖s) is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        unhex(signature)
            .and_then(|b| sm2::dsa::Signature::from_slice(&b).ok())
            .is_some_and(|s| self.0.verify(message, &s).is_ok())
    }
}

/// SM4 (GB/T 32907) of one 16-byte block: the primitive an authenticated mode is built on.
pub fn sm4_encrypt_block(key: &[u8; 16], block: &[u8; 16]) -> [u8; 16] {
    use sm4::cipher::{BlockEncrypt, KeyInit};
    let cipher = sm4::Sm4::new(key.into());
    let mut out = (*block).into();
    cipher.encrypt_block(&mut out);
    out.into()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes16(text: &str) -> [u8; 16] {
        unhex(text)
            .and_then(|v| v.try_into().ok())
            .expect("16 bytes")
    }

    #[test]
    fn sm3_of_abc_is_the_gb_t_32905_example() {
        // GB/T 32905-2016, appendix A, example 1.
        assert_eq!(
            Profile::National.digest_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        // Example 2: "abcd" sixteen times.
        assert_eq!(
            Profile::National.digest_hex("abcd".repeat(16).as_bytes()),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
        assert_eq!(
            Profile::Standard.digest_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hmac_sm3_is_what_openssl_computes_and_hmac_sha256_is_rfc_4231s() {
        // `printf 'what do ya want for nothing?' | openssl dgst -sm3 -hmac Jefe`.
        let data = b"what do ya want for nothing?";
        assert_eq!(
            hex(&HashAlgorithm::Sm3.hmac(b"Jefe", data)),
            "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882"
        );
        // RFC 4231, test case 2.
        assert_eq!(
            hex(&HashAlgorithm::Sha256.hmac(b"Jefe", data)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(Profile::National.hash(), HashAlgorithm::Sm3);
        assert_eq!(
            serde_json::to_value(HashAlgorithm::Sm3).expect("json"),
            "sm3"
        );
    }

    #[test]
    fn sm4_encrypts_the_gb_t_32907_example() {
        // GB/T 32907-2016, appendix A, example 1: key and plaintext the same.
        let key = bytes16("0123456789abcdeffedcba9876543210");
        assert_eq!(
            hex(&sm4_encrypt_block(&key, &key)),
            "681edf34d206965e86b3e94f536e4246"
        );
    }

    #[test]
    fn an_sm2_signature_verifies_under_its_key_only() {
        let key = Sm2Key::from_seed([7; 32]).expect("a valid secret");
        let public = Sm2Public::parse(&key.public().hex()).expect("public key");
        assert_eq!(public.hex().len(), 130);
        let signature = key.sign(b"wardflow case export");
        assert!(public.verifies(b"wardflow case export", &signature));
        assert!(!public.verifies(b"wardflow case exports", &signature));
        assert!(!public.verifies(b"wardflow case export", "00"));
        let other = Sm2Key::from_seed([8; 32]).expect("a valid secret").public();
        assert!(!other.verifies(b"wardflow case export", &signature));
        assert!(Sm2Key::from_seed([0; 32]).is_none());
        assert!(Sm2Public::parse("04abc").is_none());
    }

    #[test]
    fn profiles_name_their_algorithms_and_round_trip_by_key() {
        for p in Profile::ALL {
            assert_eq!(Profile::from_key(p.key()), Some(p));
        }
        assert_eq!(Profile::National.signature_algorithm(), "sm2");
        assert_eq!(Profile::National.hash_algorithm(), "sm3");
        assert_eq!(Profile::default(), Profile::Standard);
        assert_eq!(Profile::from_key("sm"), None);
    }
}
