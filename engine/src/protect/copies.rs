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

use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::ExposeSecret;

/// The first bytes of every age file.
pub const MAGIC: &[u8] = b"age-encryption.org/v1\n";

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
    #[error("{path} holds no age secret key (AGE-SECRET-KEY-1…)")]
    BadIdentity { path: String },
    /// A public key that is not an age X25519 recipient.
    #[error("{0} is not an age public key (age1…)")]
    BadRecipient(String),
    #[error("{0}")]
    Io(String),
}

/// An age X25519 public key, checked.
#[derive(Clone)]
pub struct Recipient(age::x25519::Recipient);

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({})", self.0)
    }
}

impl Recipient {
    /// Parses `age1…`.
    pub fn parse(text: &str) -> Result<Recipient, CopyError> {
        let text = text.trim();
        age::x25519::Recipient::from_str(text)
            .map(Recipient)
            .map_err(|_| CopyError::BadRecipient(text.chars().take(80).collect()))
    }

    /// The key as typed (`age1…`).
    pub fn text(&self) -> String {
        self.0.to_string()
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Recipient) -> bool {
        self.text() == other.text()
    }
}

/// The secret keys a reader of copies holds (an age identity file: `AGE-SECRET-KEY-1…` lines,
/// `#` comments).
pub struct Identities(Vec<age::x25519::Identity>);

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
        let mut keys = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            keys.push(age::x25519::Identity::from_str(line).ok()?);
        }
        (!keys.is_empty()).then_some(Identities(keys))
    }
}

/// A new key pair for a holder of copies: the identity file's text (to keep secret, 0600) and
/// its public key (to publish as a recipient).
pub fn new_identity(now: jiff::Timestamp) -> (String, String) {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let secret = identity.to_string();
    let text = format!(
        "# made by wardflow: {now}\n# public key: {public}\n{}\n",
        secret.expose_secret()
    );
    (text, public)
}

/// True when `head` (the first bytes of a file) starts an age file.
pub fn is_encrypted(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Reads the first bytes of the file at `path`, to tell an encrypted copy from a plain one.
pub fn file_is_encrypted(path: &std::path::Path) -> Result<bool, CopyError> {
    let mut head = [0u8; MAGIC.len()];
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
pub struct Sealing<W: Write>(age::stream::StreamWriter<W>);

impl<W: Write> Sealing<W> {
    /// Starts an encrypted copy in `out`.
    pub fn begin(recipients: &[Recipient], out: W) -> Result<Sealing<W>, CopyError> {
        if recipients.is_empty() {
            return Err(CopyError::NoRecipients);
        }
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| &r.0 as &dyn age::Recipient))
                .map_err(|e| CopyError::Io(e.to_string()))?;
        let writer = encryptor
            .wrap_output(out)
            .map_err(|e| CopyError::Io(e.to_string()))?;
        Ok(Sealing(writer))
    }

    /// Writes the last chunk; the copy is complete.
    pub fn finish(self) -> std::io::Result<W> {
        self.0.finish()
    }
}

impl<W: Write> Write for Sealing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Opens an encrypted copy read from `input` with `identities`. The reader returns an error
/// (kind `InvalidData`) at the first chunk that does not authenticate; see [`read_error`].
pub fn open<R: Read>(input: R, identities: &Identities) -> Result<impl Read + use<R>, CopyError> {
    let decryptor = age::Decryptor::new(input).map_err(decrypt_error)?;
    decryptor
        .decrypt(identities.0.iter().map(|i| i as &dyn age::Identity))
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
        let (text, public) = new_identity("2026-12-01T00:00:00Z".parse().expect("time"));
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
    fn no_recipient_no_copy() {
        assert!(matches!(
            Sealing::begin(&[], Vec::new()),
            Err(CopyError::NoRecipients)
        ));
        assert!(Recipient::parse("age1nope").is_err());
        assert!(Identities::parse("# only a comment\n").is_none());
    }
}
