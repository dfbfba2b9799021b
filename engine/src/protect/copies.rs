//! Encrypted copies (issue 23 item 1): backups and exports are written in the age format
//! (age-encryption.org/v1) to the X25519 public keys an administrator published (`privacy.yaml`,
//! `recipients:`), so a copy that leaves the machine is readable only by who holds one of the
//! matching secret keys. A shared password is not offered: a password travels with the file.
//!
//! age encrypts a fresh file key per copy, wraps it to each recipient, and seals the content in
//! 64 KiB chunks (ChaCha20-Poly1305), the last one marked: a changed byte, a cut-off tail or a
//! wrong key is an error before any of that chunk is returned, so restore and import read the
//! whole copy into a scratch file (or one import transaction) first and change nothing when it
//! fails.
//!
//! A national database (issue 23 item 6) writes its copies in the national container instead
//! (`sm_copy.rs`: SM2-wrapped file keys, SM4-GCM chunks) to SM2 public keys; the recipients'
//! form decides which, and the privacy settings of a database admit only its profile's. Reading
//! tells the two apart by their first line.

use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::ExposeSecret;

/// The first bytes of every age file.
pub const MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// How many first bytes tell an encrypted copy (age or national) from a plain one.
pub const HEAD_LEN: usize = 22;
const _: () = assert!(MAGIC.len() <= HEAD_LEN && super::sm_copy::MAGIC.len() <= HEAD_LEN);

/// The prefix of an SM2 secret key line in an identity file (then 64 hex digits).
pub const SM2_SECRET_PREFIX: &str = "WARDFLOW-SM2-SECRET-KEY-";

/// The most recipients a copy is written to, and the largest identity file read.
pub const MAX_RECIPIENTS: usize = 64;
const MAX_IDENTITY_FILE: u64 = 64 * 1024;

/// Why a copy could not be encrypted or opened. Nothing was written or changed.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// Encrypted copies are the default, and no recipient is published.
    #[error("no recipients are published for encrypted copies")]
    NoRecipients,
    /// The copy is encrypted and no identity (secret key) was given.
    #[error("the copy is encrypted: give the secret key that opens it")]
    NeedsIdentity,
    /// None of the given secret keys opens the copy.
    #[error("none of the given keys opens this copy")]
    WrongKey,
    /// The copy was changed, cut off or is not an age file.
    #[error("the copy is damaged or was changed: {0}")]
    Damaged(String),
    /// An identity file that holds no usable secret key.
    #[error("{path} holds no age or SM2 secret key (AGE-SECRET-KEY-1…, WARDFLOW-SM2-SECRET-KEY-…)")]
    BadIdentity { path: String },
    /// A public key that is neither an age X25519 recipient nor an SM2 point.
    #[error("{0} is not an age public key (age1…) or an SM2 public key (130 hex digits)")]
    BadRecipient(String),
    /// A published recipient of the other profile than the database's (published before
    /// publishing checked it): the settings must be published again.
    #[error("recipient {key} is not a {profile} profile's key; publish the privacy settings again")]
    RecipientOfOtherProfile { key: String, profile: &'static str },
    #[error("{0}")]
    Io(String),
}

/// A public key copies are encrypted to, checked: an age X25519 key (`age1…`, the standard
/// profile) or an SM2 public key (130 hex digits, the uncompressed point `04…`, the national
/// one) — the form stage 4's office keys are written in.
#[derive(Clone)]
pub struct Recipient(RecipientKey);

#[derive(Clone)]
enum RecipientKey {
    Age(age::x25519::Recipient),
    Sm2(crate::crypto::Sm2Public),
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({})", self.text())
    }
}

impl Recipient {
    /// Parses `age1…` or an SM2 point's 130 hex digits.
    pub fn parse(text: &str) -> Result<Recipient, CopyError> {
        let text = text.trim();
        let bad = || CopyError::BadRecipient(text.chars().take(80).collect());
        if text.starts_with("age1") {
            return age::x25519::Recipient::from_str(text)
                .map(|r| Recipient(RecipientKey::Age(r)))
                .map_err(|_| bad());
        }
        if text.len() == 130 {
            return crate::crypto::Sm2Public::parse(text)
                .map(|k| Recipient(RecipientKey::Sm2(k)))
                .ok_or_else(bad);
        }
        Err(bad())
    }

    /// The key as typed (`age1…`, or the SM2 point in hex).
    pub fn text(&self) -> String {
        match &self.0 {
            RecipientKey::Age(r) => r.to_string(),
            RecipientKey::Sm2(k) => k.hex(),
        }
    }

    /// The cryptographic profile whose copies it receives: age keys the standard one's, SM2
    /// keys the national one's.
    pub fn crypto(&self) -> crate::crypto::Profile {
        match &self.0 {
            RecipientKey::Age(_) => crate::crypto::Profile::Standard,
            RecipientKey::Sm2(_) => crate::crypto::Profile::National,
        }
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Recipient) -> bool {
        self.text() == other.text()
    }
}

/// The secret keys a reader of copies holds: an identity file of `AGE-SECRET-KEY-1…` lines
/// (age) and `WARDFLOW-SM2-SECRET-KEY-` lines (an SM2 secret, 64 hex digits), `#` comments.
pub struct Identities {
    age: Vec<age::x25519::Identity>,
    sm2: Vec<crate::crypto::Sm2Key>,
}

impl Identities {
    /// Reads an identity file (at most 64 KiB).
    pub fn read(path: &std::path::Path) -> Result<Identities, CopyError> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| CopyError::Io(format!("{shown}: {e}")))?;
        let mut text = String::new();
        file.take(MAX_IDENTITY_FILE)
            .read_to_string(&mut text)
            .map_err(|_| CopyError::BadIdentity {
                path: shown.clone(),
            })?;
        Identities::parse(&text).ok_or(CopyError::BadIdentity { path: shown })
    }

    /// The secret keys in `text`; None when there is none or a line is not one.
    pub fn parse(text: &str) -> Option<Identities> {
        let mut keys = Identities {
            age: Vec::new(),
            sm2: Vec::new(),
        };
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(hex) = line.strip_prefix(SM2_SECRET_PREFIX) {
                let seed = crate::crypto::unhex(hex).and_then(|b| <[u8; 32]>::try_from(b).ok())?;
                keys.sm2.push(crate::crypto::Sm2Key::from_seed(seed)?);
            } else {
                keys.age.push(age::x25519::Identity::from_str(line).ok()?);
            }
        }
        (!keys.age.is_empty() || !keys.sm2.is_empty()).then_some(keys)
    }
}

/// A new key pair for a holder of copies of a database of `crypto`'s profile (an age X25519
/// pair, or an SM2 pair drawn from the operating system): the identity file's text (to keep
/// secret, 0600) and its public key (to publish as a recipient).
pub fn new_identity(crypto: crate::crypto::Profile, now: jiff::Timestamp) -> (String, String) {
    let (secret, public) = match crypto {
        crate::crypto::Profile::Standard => {
            let identity = age::x25519::Identity::generate();
            let public = identity.to_public().to_string();
            (identity.to_string().expose_secret().to_owned(), public)
        }
        crate::crypto::Profile::National => {
            let key = loop {
                let mut seed = [0u8; 32];
                if getrandom::fill(&mut seed).is_ok()
                    && let Some(key) = crate::crypto::Sm2Key::from_seed(seed)
                {
                    break key;
                }
            };
            (
                format!(
                    "{SM2_SECRET_PREFIX}{}",
                    crate::chain::hex(key.seed()).to_ascii_uppercase()
                ),
                key.public().hex(),
            )
        }
    };
    let text = format!("# made by wardflow: {now}\n# public key: {public}\n{secret}\n");
    (text, public)
}

/// True when `head` (the first bytes of a file) starts an encrypted copy: an age file or a
/// national one.
pub fn is_encrypted(head: &[u8]) -> bool {
    head.starts_with(MAGIC) || head.starts_with(super::sm_copy::MAGIC)
}

/// Reads the first bytes of the file at `path`, to tell an encrypted copy from a plain one.
pub fn file_is_encrypted(path: &std::path::Path) -> Result<bool, CopyError> {
    let mut head = [0u8; HEAD_LEN];
    let mut file =
        std::fs::File::open(path).map_err(|e| CopyError::Io(format!("{}: {e}", path.display())))?;
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(CopyError::Io(e.to_string())),
        }
    }
    Ok(is_encrypted(&head[..read]))
}

/// Encrypts everything written to the returned writer for `recipients`; call
/// [`Sealing::finish`] at the end (a copy not finished does not open).
pub struct Sealing<W: Write>(Sealer<W>);

enum Sealer<W: Write> {
    Age(age::stream::StreamWriter<W>),
    Sm(super::sm_copy::SmWriter<W>),
}

impl<W: Write> Sealing<W> {
    /// Starts an encrypted copy in `out`: the age format to age keys, the national container
    /// to SM2 keys. Recipients of both kinds at once are refused (a database's settings hold
    /// one kind, its profile's).
    pub fn begin(recipients: &[Recipient], out: W) -> Result<Sealing<W>, CopyError> {
        let Some(first) = recipients.first() else {
            return Err(CopyError::NoRecipients);
        };
        if let Some(other) = recipients.iter().find(|r| r.crypto() != first.crypto()) {
            return Err(CopyError::RecipientOfOtherProfile {
                key: other.text(),
                profile: first.crypto().key(),
            });
        }
        if first.crypto() == crate::crypto::Profile::National {
            let keys: Vec<crate::crypto::Sm2Public> = recipients
                .iter()
                .filter_map(|r| match &r.0 {
                    RecipientKey::Sm2(k) => Some(k.clone()),
                    RecipientKey::Age(_) => None,
                })
                .collect();
            return super::sm_copy::SmWriter::begin(&keys, out).map(|w| Sealing(Sealer::Sm(w)));
        }
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().filter_map(|r| match &r.0 {
                RecipientKey::Age(k) => Some(k as &dyn age::Recipient),
                RecipientKey::Sm2(_) => None,
            }))
            .map_err(|e| CopyError::Io(e.to_string()))?;
        let writer = encryptor
            .wrap_output(out)
            .map_err(|e| CopyError::Io(e.to_string()))?;
        Ok(Sealing(Sealer::Age(writer)))
    }

    /// Writes the last chunk; the copy is complete.
    pub fn finish(self) -> std::io::Result<W> {
        match self.0 {
            Sealer::Age(w) => w.finish(),
            Sealer::Sm(w) => w.finish(),
        }
    }
}

impl<W: Write> Write for Sealing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.0 {
            Sealer::Age(w) => w.write(buf),
            Sealer::Sm(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.0 {
            Sealer::Age(w) => w.flush(),
            Sealer::Sm(w) => w.flush(),
        }
    }
}

/// An opened copy: its plaintext, authenticated chunk by chunk.
pub enum Opened<R: Read> {
    Age(age::stream::StreamReader<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>),
    Sm(super::sm_copy::SmReader<std::io::BufReader<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>>),
}

impl<R: Read> Read for Opened<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Opened::Age(r) => r.read(buf),
            Opened::Sm(r) => r.read(buf),
        }
    }
}

/// Opens an encrypted copy read from `input` with `identities`, in the format its first line
/// names (age, or the national container). The reader returns an error (kind `InvalidData`)
/// at the first chunk that does not authenticate; see [`read_error`].
pub fn open<R: Read>(mut input: R, identities: &Identities) -> Result<Opened<R>, CopyError> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut input)
        .take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(read_error)?;
    let national = head.starts_with(super::sm_copy::MAGIC);
    let whole = std::io::Cursor::new(head).chain(input);
    if national {
        let reader = std::io::BufReader::new(whole);
        return super::sm_copy::open(reader, &identities.sm2).map(Opened::Sm);
    }
    let decryptor = age::Decryptor::new(whole).map_err(decrypt_error)?;
    decryptor
        .decrypt(identities.age.iter().map(|i| i as &dyn age::Identity))
        .map(Opened::Age)
        .map_err(decrypt_error)
}

fn decrypt_error(e: age::DecryptError) -> CopyError {
    match e {
        age::DecryptError::NoMatchingKeys => CopyError::WrongKey,
        age::DecryptError::Io(e) => read_error(e),
        other => CopyError::Damaged(other.to_string()),
    }
}

/// An error met while reading an opened copy: a chunk that does not authenticate, or a copy
/// cut short, is damage; anything else is I/O.
pub fn read_error(e: std::io::Error) -> CopyError {
    match e.kind() {
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof => {
            CopyError::Damaged(e.to_string())
        }
        _ => CopyError::Io(e.to_string()),
    }
}

/// Decrypts the whole copy at `from` into `to` (a scratch file the caller removes): the copy is
/// authenticated to its last chunk before anyone uses what it holds.
pub fn open_into(
    from: &std::path::Path,
    identities: &Identities,
    to: &mut std::fs::File,
) -> Result<u64, CopyError> {
    let file =
        std::fs::File::open(from).map_err(|e| CopyError::Io(format!("{}: {e}", from.display())))?;
    let mut reader = open(std::io::BufReader::new(file), identities)?;
    let n = std::io::copy(&mut reader, to).map_err(read_error)?;
    to.sync_all().map_err(|e| CopyError::Io(e.to_string()))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (Identities, Recipient) {
        pair_of(crate::crypto::Profile::Standard)
    }

    fn pair_of(crypto: crate::crypto::Profile) -> (Identities, Recipient) {
        let (text, public) = new_identity(crypto, "2026-12-01T00:00:00Z".parse().expect("time"));
        (
            Identities::parse(&text).expect("identity"),
            Recipient::parse(&public).expect("recipient"),
        )
    }

    fn seal(recipients: &[Recipient], plain: &[u8]) -> Vec<u8> {
        let mut w = Sealing::begin(recipients, Vec::new()).expect("begin");
        w.write_all(plain).expect("write");
        w.finish().expect("finish")
    }

    fn unseal(bytes: &[u8], ids: &Identities) -> Result<Vec<u8>, CopyError> {
        let mut r = open(bytes, ids)?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).map_err(read_error)?;
        Ok(out)
    }

    #[test]
    fn a_copy_opens_with_its_key_and_holds_nothing_readable_without() {
        let (ids, to) = pair();
        let plain = "王小明 110101201503120014 青江县幸福村".repeat(5000);
        let sealed = seal(std::slice::from_ref(&to), plain.as_bytes());
        assert!(is_encrypted(&sealed));
        assert!(!String::from_utf8_lossy(&sealed).contains("王小明"));
        assert_eq!(unseal(&sealed, &ids).expect("opens"), plain.as_bytes());
        let (other, _) = pair();
        assert!(matches!(unseal(&sealed, &other), Err(CopyError::WrongKey)));
    }

    #[test]
    fn a_changed_byte_anywhere_is_damage() {
        let (ids, to) = pair();
        let plain = vec![7u8; 200_000];
        let sealed = seal(&[to], &plain);
        for at in [MAGIC.len() + 40, sealed.len() / 2, sealed.len() - 3] {
            let mut bad = sealed.clone();
            bad[at] ^= 1;
            assert!(
                matches!(
                    unseal(&bad, &ids),
                    Err(CopyError::Damaged(_) | CopyError::WrongKey)
                ),
                "byte {at}"
            );
        }
        let cut = &sealed[..sealed.len() - 100];
        assert!(matches!(unseal(cut, &ids), Err(CopyError::Damaged(_))));
    }

    #[test]
    fn an_sm2_pair_makes_and_opens_a_national_copy_and_kinds_do_not_mix() {
        use crate::crypto::Profile;
        let (ids, to) = pair_of(Profile::National);
        assert_eq!(to.crypto(), Profile::National);
        assert_eq!(to.text().len(), 130);
        let plain = "王小明 110101201503120014".repeat(7000);
        let sealed = seal(std::slice::from_ref(&to), plain.as_bytes());
        assert!(sealed.starts_with(super::super::sm_copy::MAGIC));
        assert!(is_encrypted(&sealed[..HEAD_LEN]));
        assert!(!String::from_utf8_lossy(&sealed).contains("王小明"));
        assert_eq!(unseal(&sealed, &ids).expect("opens"), plain.as_bytes());
        // An age identity does not open it, nor an SM2 one an age copy.
        let (age_ids, age_to) = pair();
        assert!(matches!(
            unseal(&sealed, &age_ids),
            Err(CopyError::WrongKey)
        ));
        let age_copy = seal(std::slice::from_ref(&age_to), b"x");
        assert!(matches!(unseal(&age_copy, &ids), Err(CopyError::WrongKey)));
        // One identity file may hold both kinds.
        let both = Identities {
            age: age_ids.age,
            sm2: ids.sm2,
        };
        assert_eq!(unseal(&sealed, &both).expect("opens"), plain.as_bytes());
        assert_eq!(unseal(&age_copy, &both).expect("opens"), b"x");
        let mut cut = sealed.clone();
        cut.truncate(sealed.len() - 10);
        assert!(matches!(unseal(&cut, &both), Err(CopyError::Damaged(_))));
        assert!(matches!(
            Sealing::begin(&[to, age_to], Vec::new()),
            Err(CopyError::RecipientOfOtherProfile { .. })
        ));
        assert!(Identities::parse("WARDFLOW-SM2-SECRET-KEY-00").is_none());
        assert!(Recipient::parse(&"04".repeat(65)).is_err());
    }

    #[test]
    fn no_recipient_no_copy() {
        assert!(matches!(
            Sealing::begin(&[], Vec::new()),
            Err(CopyError::NoRecipients)
        ));
        assert!(Recipient::parse("age1nope").is_err());
        assert!(Identities::parse("# only a comment\n").is_none());
    }
}
