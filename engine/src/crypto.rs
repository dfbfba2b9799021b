//! The cryptographic profile (issue 23 item 6): `standard` (SHA-256, Ed25519, age) or
//! `national` (SM3 hashes, SM2 signatures, SM4 encryption, GB/T 32905, 32918, 32907), behind
//! one enum so that the code that hashes or signs asks the profile instead of branching.
//!
//! The profile is chosen at `init --crypto` and stored in the database's meta; chains, letter
//! digests, export signatures and encrypted copies ask it (docs/privacy.md, item 6). The
//! national primitives here — SM3, HMAC-SM3, SM2 signatures and SM2 encryption, SM4 and
//! SM4-GCM — are the RustCrypto crates', tested against the standards' vectors and OpenSSL.

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

impl Sm2Key {
    /// Decrypts an SM2 ciphertext made for this key's public half (GB/T 32918.4, SM3 as its
    /// hash; the DER `SM2Cipher` of GM/T 0009: x, y, the SM3 check value C3, then C2); None
    /// when it was not made for this key or was changed (the check value does not hold).
    pub fn decrypt(&self, ciphertext: &[u8]) -> Option<Vec<u8>> {
        let key = sm2::pke::DecryptingKey::from_slice(&self.1).ok()?;
        key.decrypt_der(ciphertext).ok()
    }
}

impl Sm2Public {
    /// Encrypts `message` to this key with SM2 public-key encryption (GB/T 32918.4, SM3, a
    /// fresh random k from the operating system): the DER `SM2Cipher` of GM/T 0009 (C1's x
    /// and y, C3, C2 — the C1C3C2 order), the form OpenSSL and GmSSL read and write.
    pub fn encrypt(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let public =
            sm2::PublicKey::from_sec1_bytes(&self.to_bytes()).map_err(|e| e.to_string())?;
        let key = sm2::pke::EncryptingKey::new_with_mode(public, sm2::pke::Mode::C1C3C2);
        let mut rng = sm2::elliptic_curve::common::getrandom::SysRng;
        key.encrypt_der(&mut rng, message)
            .map_err(|e| e.to_string())
    }

    /// The short name of the key, as `key show` prints it without its colons: the first 16
    /// hex digits of SM3 of the 65-byte point.
    pub fn fingerprint_hex(&self) -> String {
        let digest = Profile::National.digest_hex(&self.to_bytes());
        digest.get(..16).unwrap_or(&digest).to_owned()
    }
}

/// SM4-GCM (RFC 8998): GCM over the SM4 block cipher, 12-byte nonces, 16-byte tags. The GCM is
/// the `aes-gcm` crate's, which is generic over any 128-bit block cipher.
type Sm4Gcm = aes_gcm::AesGcm<sm4::Sm4, aes_gcm::aead::consts::U12>;

/// The length of an SM4-GCM tag, appended to the ciphertext.
pub const SM4_GCM_TAG: usize = 16;

/// SM4-GCM encryption of `plain` under `key` and `nonce` with associated data `aad`: the
/// ciphertext followed by the 16-byte tag.
pub fn sm4_gcm_seal(key: &[u8; 16], nonce: &[u8; 12], aad: &[u8], plain: &[u8]) -> Vec<u8> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let cipher = Sm4Gcm::new(key.into());
    // Encryption fails only past GCM's length limits (2^36 bytes), far above any chunk.
    cipher
        .encrypt(nonce.into(), Payload { msg: plain, aad })
        .unwrap_or_default()
}

/// SM4-GCM decryption: the plaintext, or None when the tag does not hold (a changed byte, a
/// wrong key, nonce or associated data).
pub fn sm4_gcm_open(
    key: &[u8; 16],
    nonce: &[u8; 12],
    aad: &[u8],
    sealed: &[u8],
) -> Option<Vec<u8>> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    if sealed.len() < SM4_GCM_TAG {
        return None;
    }
    let cipher = Sm4Gcm::new(key.into());
    cipher
        .decrypt(nonce.into(), Payload { msg: sealed, aad })
        .ok()
}

/// SM4 (GB/T 32907) of one 16-byte block: the primitive an authenticated mode is built on.
pub fn sm4_encrypt_block(key: &[u8; 16], block: &[u8; 16]) -> [u8; 16] {
    use sm4::cipher::{BlockCipherEncrypt, KeyInit};
    let cipher = sm4::Sm4::new(key.into());
    let mut out = (*block).into();
    cipher.encrypt_block(&mut out);
    out.into()
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
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
    fn sm4_gcm_is_rfc_8998s_test_vector() {
        // RFC 8998, appendix A.1.
        let key = bytes16("0123456789ABCDEFFEDCBA9876543210");
        let nonce: [u8; 12] = unhex("00001234567800000000ABCD")
            .and_then(|v| v.try_into().ok())
            .expect("12 bytes");
        let aad = unhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2").expect("aad");
        let plain = unhex(concat!(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB",
            "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD",
            "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFF",
            "EEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
        ))
        .expect("plaintext");
        let sealed = sm4_gcm_seal(&key, &nonce, &aad, &plain);
        assert_eq!(
            hex(&sealed),
            concat!(
                "17f399f08c67d5ee19d0dc9969c4bb7d",
                "5fd46fd3756489069157b282bb200735",
                "d82710ca5c22f0ccfa7cbf93d496ac15",
                "a56834cbcf98c397b4024a2691233b8d",
                "83de3541e4c2b58177e065a9bf7b62ec"
            )
        );
        assert_eq!(sm4_gcm_open(&key, &nonce, &aad, &sealed), Some(plain));
        let mut changed = sealed.clone();
        changed[3] ^= 1;
        assert_eq!(sm4_gcm_open(&key, &nonce, &aad, &changed), None);
        assert_eq!(sm4_gcm_open(&key, &nonce, b"other", &sealed), None);
        assert_eq!(sm4_gcm_open(&key, &nonce, &aad, &sealed[..10]), None);
    }

    #[test]
    fn sm2_encryption_opens_with_its_key_only() {
        let key = Sm2Key::from_seed([7; 32]).expect("a valid secret");
        let wrapped = key.public().encrypt(b"0123456789abcdef").expect("encrypts");
        // DER SM2Cipher: a SEQUENCE.
        assert_eq!(wrapped[0], 0x30);
        assert_eq!(
            key.decrypt(&wrapped).as_deref(),
            Some(&b"0123456789abcdef"[..])
        );
        let other = Sm2Key::from_seed([8; 32]).expect("a valid secret");
        assert_eq!(other.decrypt(&wrapped), None);
        let mut changed = wrapped.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert_eq!(key.decrypt(&changed), None);
        assert_eq!(key.public().fingerprint_hex().len(), 16);
    }

    /// Runs the system's `openssl` with `args` in `dir`; its standard output.
    fn openssl(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    #[test]
    fn openssl_opens_what_sm2_wraps_and_checks_what_sm2_signs_and_we_open_what_it_wraps() {
        use sm2::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
        let dir = tempfile::tempdir().expect("temp dir");
        let key = Sm2Key::from_seed([11; 32]).expect("a valid secret");
        let secret = sm2::SecretKey::from_slice(key.seed()).expect("secret key");
        let pem = secret.to_pkcs8_pem(LineEnding::LF).expect("pkcs8 pem");
        std::fs::write(dir.path().join("sm2.pem"), pem.as_bytes()).expect("write");
        let public = secret
            .public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("spki pem");
        std::fs::write(dir.path().join("sm2.pub.pem"), public).expect("write");
        // The key OpenSSL reads is ours: the same public point.
        let spki = openssl(
            dir.path(),
            &["pkey", "-in", "sm2.pem", "-pubout", "-outform", "DER"],
        );
        assert!(spki.ends_with(&key.public().to_bytes()));
        // A file key wrapped by us, unwrapped by OpenSSL (DER SM2Cipher, C1C3C2).
        let file_key = b"\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98\x76\x54\x32\x10";
        let wrapped = key.public().encrypt(file_key).expect("encrypts");
        std::fs::write(dir.path().join("wrapped.der"), &wrapped).expect("write");
        let unwrapped = openssl(
            dir.path(),
            &[
                "pkeyutl",
                "-decrypt",
                "-inkey",
                "sm2.pem",
                "-in",
                "wrapped.der",
            ],
        );
        assert_eq!(unwrapped, file_key);
        // One wrapped by OpenSSL, unwrapped by us.
        std::fs::write(dir.path().join("file.key"), file_key).expect("write");
        let theirs = openssl(
            dir.path(),
            &[
                "pkeyutl",
                "-encrypt",
                "-pubin",
                "-inkey",
                "sm2.pub.pem",
                "-in",
                "file.key",
            ],
        );
        assert_eq!(key.decrypt(&theirs).as_deref(), Some(&file_key[..]));
        // A signature of the office key (stage 4), checked by OpenSSL with SM3 and the default
        // distinguishing id.
        let message = b"wardflow case export";
        std::fs::write(dir.path().join("message"), message).expect("write");
        let raw = unhex(&key.sign(message)).expect("hex signature");
        let der = sm2::dsa::Signature::from_slice(&raw)
            .expect("r and s")
            .to_der();
        std::fs::write(dir.path().join("sig.der"), der.as_bytes()).expect("write");
        let verified = openssl(
            dir.path(),
            &[
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "sm2.pub.pem",
                "-rawin",
                "-digest",
                "sm3",
                "-pkeyopt",
                "distid:1234567812345678",
                "-in",
                "message",
                "-sigfile",
                "sig.der",
            ],
        );
        assert!(
            String::from_utf8_lossy(&verified).contains("Signature Verified Successfully"),
            "{}",
            String::from_utf8_lossy(&verified)
        );
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
