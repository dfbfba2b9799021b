//! Issuing a letter: everything the archive keeps of it, made by one pure function.
//!
//! An issued letter is immutable. The archive record holds the number, the rendered text and
//! HTML, the template's hash, the data snapshot it was rendered from and the digests of both
//! renderings. The verification code (核验码) printed on every page is derived from a digest of
//! what the letter says (id, number, issuer, date, template, data) — it cannot be derived from
//! the rendered bytes, because those contain it.
//!
//! Digests and code are keyed (issue 15): HMAC-SHA256 under a random salt drawn for each
//! letter by the application layer and kept in the archive entry ([`DigestScheme::SaltedV1`]),
//! so that neither can be computed from guessed content (a reporter's name on a receipt).
//! Letters issued before kept plain SHA-256 ([`DigestScheme::Plain`]) and still verify.
//!
//! In a national database (issue 23 item 6) the hash is SM3: HMAC-SM3 digests and code, the
//! PDF's plain SM3, with `digest_algorithm: "sm3"` recorded beside them. The field names stay
//! `*_sha256` so that a standard database's records are what they always were.

use crate::crypto::HashAlgorithm;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{
    IssuingBody, LetterError, LetterInput, REPORTER_DOCUMENT, Renderer, UsedFont, Vocabulary, hex,
};
use crate::case::{CaseId, IssuedRef};
use crate::definition::Data;

/// An issued letter as the archive keeps it (a persisted record: field names are the format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchivedLetter {
    /// Archive id, `L2026-000001`: every issued letter has one, numbered or not.
    pub id: String,
    pub case: CaseId,
    pub key: String,
    pub title: String,
    pub number: Option<String>,
    /// The role it was issued in.
    pub role: String,
    pub issuer: Option<IssuingBody>,
    /// The user who issued it.
    pub actor: String,
    pub issued_at: Timestamp,
    /// The date printed on it.
    pub date: Date,
    /// 核验码.
    pub code: String,
    pub template_hash: String,
    /// The case data it was rendered from (without the reporter, except on the receipt).
    pub data: Data,
    /// The document's local settings from the profile.
    pub settings: Data,
    pub text: String,
    pub html: String,
    pub text_sha256: String,
    pub html_sha256: String,
    /// The `LetterRequested` event it answers.
    pub request: Option<u32>,
    /// The letter it replaces (re-issue).
    pub replaces: Option<String>,
    /// How the digests and the code were made; absent (plain) on letters issued before salts.
    #[serde(default, skip_serializing_if = "DigestScheme::is_plain")]
    pub digest: DigestScheme,
    /// The letter's salt (hex), kept with it: verifying a file needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// The PDF (PDF/A-2b) as set when the letter was issued, never set again; None for a
    /// letter issued before PDFs were archived.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "base64_bytes"
    )]
    pub pdf: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_sha256: Option<String>,
    /// The fonts the PDF was set in, per role, with the SHA-256 of each file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fonts: Vec<UsedFont>,
    /// The hash of the digests (`html_sha256`, `text_sha256`, `pdf_sha256`) and the code:
    /// `sm3` in a national database; absent (SHA-256) on every standard letter.
    #[serde(default, skip_serializing_if = "HashAlgorithm::is_sha256")]
    pub digest_algorithm: HashAlgorithm,
}

/// How a letter's digests (`html_sha256`, `text_sha256`) and verification code are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DigestScheme {
    /// Plain SHA-256 of the content: letters issued before salts (computable from a guess).
    #[default]
    Plain,
    /// HMAC-SHA256 keyed with the letter's 32-byte random salt.
    SaltedV1,
}

impl DigestScheme {
    fn is_plain(&self) -> bool {
        *self == DigestScheme::Plain
    }
}

/// A letter's salt: 32 random bytes, drawn by the application layer for each letter.
pub type Salt = [u8; 32];

/// HMAC-SHA256 (RFC 2104) of `bytes` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], bytes: &[u8]) -> [u8; 32] {
    HashAlgorithm::Sha256.hmac(key, bytes)
}

/// The digest of `bytes` under `salt` (HMAC with `algorithm`), in lower-case hex.
pub fn salted_hex(algorithm: HashAlgorithm, salt: &Salt, bytes: &[u8]) -> String {
    hex(&algorithm.hmac(salt, bytes))
}

fn parse_salt(text: &str) -> Option<Salt> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The digest of `bytes` under `scheme` with `salt` (hex; salted letters only) and
/// `algorithm`; None when a salted letter's salt is missing or unreadable. Plain digests were
/// made before salts, and before the national profile: SHA-256 always.
pub fn digest_with(
    scheme: DigestScheme,
    algorithm: HashAlgorithm,
    salt: Option<&str>,
    bytes: &[u8],
) -> Option<String> {
    match scheme {
        DigestScheme::Plain => Some(sha256_hex(bytes)),
        DigestScheme::SaltedV1 => Some(salted_hex(algorithm, &parse_salt(salt?)?, bytes)),
    }
}

/// The PDF's bytes in the archive's JSON: base64 (standard alphabet, padded).
mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_some(&STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| STANDARD.decode(t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

impl ArchivedLetter {
    /// The digest of `bytes` as this letter's scheme makes it (its salt, if salted); None when
    /// a salted letter's salt is missing or unreadable (then nothing matches it).
    pub fn digest_of(&self, bytes: &[u8]) -> Option<String> {
        digest_with(
            self.digest,
            self.digest_algorithm,
            self.salt.as_deref(),
            bytes,
        )
    }

    /// The plain digest of a PDF's bytes under the letter's algorithm.
    fn pdf_digest(&self, bytes: &[u8]) -> String {
        self.digest_algorithm.digest_hex(bytes)
    }

    /// True when `bytes` are byte for byte the letter's HTML, text or PDF rendering.
    ///
    /// The PDF's digest is plain SHA-256 under every scheme: its bytes carry the letter's
    /// salted code and the moment it was set, so no guess of the content alone reproduces
    /// them, and a copy can be found by its digest without knowing the letter first.
    pub fn is_rendering(&self, bytes: &[u8]) -> bool {
        self.digest_of(bytes)
            .is_some_and(|d| d == self.html_sha256 || d == self.text_sha256)
            || self
                .pdf_sha256
                .as_deref()
                .is_some_and(|d| d == self.pdf_digest(bytes))
    }

    /// True when the stored renderings hash to the stored digests.
    pub fn digests_hold(&self) -> bool {
        self.digest_of(self.html.as_bytes()).as_deref() == Some(self.html_sha256.as_str())
            && self.digest_of(self.text.as_bytes()).as_deref() == Some(self.text_sha256.as_str())
            && self.pdf.as_deref().map(|p| self.pdf_digest(p)) == self.pdf_sha256
    }

    /// What the case's history records of it.
    pub fn reference(&self) -> IssuedRef {
        IssuedRef {
            letter: self.id.clone(),
            key: self.key.clone(),
            number: self.number.clone(),
            role: self.role.clone(),
            html_sha256: self.html_sha256.clone(),
            text_sha256: self.text_sha256.clone(),
            code: self.code.clone(),
            request: self.request,
            replaces: self.replaces.clone(),
            pdf_sha256: self.pdf_sha256.clone(),
            digest_algorithm: self.digest_algorithm,
        }
    }
}

/// What a letter is issued from.
#[derive(Debug, Clone)]
pub struct Issue<'a> {
    pub id: String,
    pub case: &'a CaseId,
    pub key: &'a str,
    pub data: &'a Data,
    pub role: &'a str,
    pub issuer: Option<IssuingBody>,
    pub number: Option<String>,
    pub actor: &'a str,
    pub issued_at: Timestamp,
    pub date: Date,
    pub settings: Data,
    pub request: Option<u32>,
    pub replaces: Option<String>,
    /// Role titles and issuing bodies, from the case's workflow and the profile.
    pub vocabulary: &'a Vocabulary,
    /// The letter's random salt, drawn by the caller: it keys the digests and the code.
    pub salt: Salt,
    /// The hash of the digests and the code: the database's profile's.
    pub digest_algorithm: HashAlgorithm,
}

/// The archive id of the `n`th letter issued in `year`.
pub fn letter_id(year: i16, n: u64) -> String {
    format!("L{year:04}-{n:06}")
}

/// True when `s` has the form of an archive id.
pub fn is_letter_id(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('L') else {
        return false;
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    matches!(rest.split_once('-'), Some((y, n)) if y.len() == 4 && digits(y) && n.len() >= 6 && digits(n))
}

/// SHA-256 of bytes, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    HashAlgorithm::Sha256.digest_hex(bytes)
}

// Crockford's base32 without I, L, O, U: read aloud and typed back without confusion.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The verification code: 50 bits of a SHA-256, as two groups of five Crockford base32
/// characters (`7KQ2M-XC4TA`).
pub fn verification_code(digest: &[u8]) -> String {
    let mut bits: u64 = 0;
    for b in digest.iter().take(7) {
        bits = (bits << 8) | u64::from(*b);
    }
    bits >>= 6; // 56 bits -> the top 50
    let mut out = String::with_capacity(11);
    for i in (0..10).rev() {
        let c = CROCKFORD[((bits >> (i * 5)) & 31) as usize];
        out.push(char::from(c));
        if i == 5 {
            out.push('-');
        }
    }
    out
}

/// Normalises a code typed by a person: upper case, `O`→0, `I`/`L`→1, spaces dropped, the dash
/// put back.
pub fn normalize_code(typed: &str) -> Option<String> {
    let chars: Vec<char> = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    if chars.len() != 10 || !chars.iter().all(|c| CROCKFORD.contains(&(*c as u8))) {
        return None;
    }
    let s: String = chars.iter().collect();
    Some(format!("{}-{}", &s[..5], &s[5..]))
}

/// Renders and seals one letter for the archive. Pure: the id, number, date and clock come in.
pub fn issue(renderer: &Renderer, req: Issue<'_>) -> Result<ArchivedLetter, LetterError> {
    let doc = renderer.doc(req.key)?;
    let title = doc.title.clone();
    // The archive keeps what the letter could show: the reporter only on the receipt.
    let data: Data = req
        .data
        .iter()
        .filter(|(k, _)| {
            req.key == REPORTER_DOCUMENT || !(*k == "reporter" || k.starts_with("reporter."))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let template_hash = renderer.template_hash(req.key)?;
    let content = serde_json::json!({
        "id": req.id,
        "case": req.case,
        "key": req.key,
        "number": req.number,
        "role": req.role,
        "issuer": req.issuer,
        "date": req.date,
        "template": template_hash,
        "data": data,
        "settings": req.settings,
    });
    let algorithm = req.digest_algorithm;
    let code = verification_code(&algorithm.hmac(&req.salt, content.to_string().as_bytes()));
    let rendered = renderer.render(
        req.key,
        &LetterInput {
            data: &data,
            number: req.number.clone(),
            issuer: req.issuer.clone(),
            date: req.date,
            verification_code: code.clone(),
            draft: false,
            settings: req.settings.clone(),
            vocabulary: req.vocabulary,
        },
    )?;
    // The PDF is set now, once, and archived: it is never set again.
    let (pdf, fonts) = renderer.pdf(req.key, &rendered, &req.id, req.issued_at)?;
    Ok(ArchivedLetter {
        id: req.id,
        case: req.case.clone(),
        key: req.key.to_owned(),
        title,
        number: req.number,
        role: req.role.to_owned(),
        issuer: req.issuer,
        actor: req.actor.to_owned(),
        issued_at: req.issued_at,
        date: req.date,
        code,
        template_hash: rendered.template_hash,
        data,
        settings: req.settings,
        text_sha256: salted_hex(algorithm, &req.salt, rendered.text.as_bytes()),
        html_sha256: salted_hex(algorithm, &req.salt, rendered.html.as_bytes()),
        text: rendered.text,
        html: rendered.html,
        request: req.request,
        replaces: req.replaces,
        digest: DigestScheme::SaltedV1,
        salt: Some(hex(&req.salt)),
        pdf_sha256: Some(algorithm.digest_hex(&pdf)),
        pdf: Some(pdf),
        fonts,
        digest_algorithm: algorithm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_crockford_characters_and_survive_retyping() {
        let code = verification_code(&HashAlgorithm::Sha256.digest(b"x"));
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert_eq!(normalize_code(&code.to_lowercase()), Some(code.clone()));
        assert_eq!(normalize_code(&code.replace('-', " ")), Some(code.clone()));
        assert_eq!(normalize_code("0O1IL-ABCDE"), Some("00111-ABCDE".into()));
        assert_eq!(normalize_code("ABC"), None);
        assert_eq!(normalize_code("UUUUU-UUUUU"), None);
        assert_ne!(code, verification_code(&HashAlgorithm::Sha256.digest(b"y")));
    }

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_salted_digest_needs_the_salt_and_an_old_letter_stays_plain() {
        let salt = [7u8; 32];
        let keyed = salted_hex(HashAlgorithm::Sha256, &salt, b"text");
        assert_ne!(keyed, sha256_hex(b"text"));
        assert_ne!(
            keyed,
            salted_hex(HashAlgorithm::Sha256, &[8u8; 32], b"text")
        );
        assert_eq!(parse_salt(&hex(&salt)), Some(salt));
        assert_eq!(parse_salt("zz"), None);
        // An archive entry written before salts: no `digest`, no `salt`.
        let old: DigestScheme = serde_json::from_str("\"plain\"").expect("scheme");
        assert_eq!(old, DigestScheme::default());
    }

    #[test]
    fn letter_ids() {
        assert_eq!(letter_id(2026, 12), "L2026-000012");
        assert!(is_letter_id("L2026-000012"));
        for bad in [
            "",
            "L",
            "2026-000012",
            "L2026-12",
            "L20x6-000012",
            "l2026-000012",
        ] {
            assert!(!is_letter_id(bad), "{bad}");
        }
    }
}
