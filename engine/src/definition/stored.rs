//! A published definition's decoded form, stored beside its YAML source so that a command does
//! not parse YAML to read a case (issue 22: the parse and decode were 1.4 M of the 6.6 M
//! instructions of a cold `case show`).
//!
//! The source stays the truth: it is what a version's hash names, what `export` writes and what
//! `check` decodes again and compares with this form. The decoded form is a cache of it, in
//! postcard (the compact records' encoding, `store/format/compact.rs`): field order, no names,
//! so it is read only by a build whose decoding it was made by. Its first eight bytes are
//! [`LAYOUT`], a fingerprint of every source file that decides what a YAML source decodes to
//! and how that is laid out here; a form with another fingerprint (made by another build) is
//! not read, the YAML is parsed as before, and `wardflow db migrate` writes it again.

use std::collections::BTreeMap;

use super::{Data, Definition};

/// FNV-1a over `bytes`, continuing from `hash`: a `const fn`, so [`LAYOUT`] is the compiler's.
const fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The fingerprint of this build's decoding: the types a definition decodes into, the code that
/// decodes YAML into them, this encoding, and the crate's version. Any edit to one of these
/// files changes it (a comment's too: a needless refresh costs one `db migrate`, a stale form
/// read as current could change what a rule says).
pub const LAYOUT: u64 = {
    let mut h = 0xcbf2_9ce4_8422_2325;
    h = fnv1a(h, env!("CARGO_PKG_VERSION").as_bytes());
    h = fnv1a(h, include_bytes!("mod.rs"));
    h = fnv1a(h, include_bytes!("decode.rs"));
    h = fnv1a(h, include_bytes!("load.rs"));
    h = fnv1a(h, include_bytes!("stored.rs"));
    h = fnv1a(h, include_bytes!("../reader.rs"));
    h = fnv1a(h, include_bytes!("../yaml.rs"));
    h = fnv1a(h, include_bytes!("../period.rs"));
    h
};

/// The stored form of `definition`: [`LAYOUT`] then postcard.
pub fn encode(definition: &Definition) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_extend(definition, LAYOUT.to_le_bytes().to_vec())
}

/// The definition `bytes` hold, if this build made them and they decode; `None` otherwise (the
/// caller parses the source instead).
pub fn decode(bytes: &[u8]) -> Option<Definition> {
    let (layout, body) = bytes.split_first_chunk::<8>()?;
    if u64::from_le_bytes(*layout) != LAYOUT {
        return None;
    }
    // Every byte must be the definition's: a form cut or extended is not this build's.
    match postcard::take_from_bytes::<Definition>(body) {
        Ok((definition, [])) => Some(definition),
        _ => None,
    }
}

/// Whether `bytes` were made by this build (else they are a stale form to write again).
pub fn is_current(bytes: &[u8]) -> bool {
    bytes
        .split_first_chunk::<8>()
        .is_some_and(|(layout, _)| u64::from_le_bytes(*layout) == LAYOUT)
}

/// `Data` holds JSON values, which postcard cannot describe (it has no self-describing types):
/// each value is kept as its JSON text.
pub(super) mod json_map {
    use super::{BTreeMap, Data};
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(data: &Data, s: S) -> Result<S::Ok, S::Error> {
        let texts: BTreeMap<&str, String> = data
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_string()))
            .collect();
        texts.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Data, D::Error> {
        let texts = BTreeMap::<String, String>::deserialize(d)?;
        texts
            .into_iter()
            .map(|(k, text)| {
                serde_json::from_str(&text)
                    .map(|v| (k, v))
                    .map_err(D::Error::custom)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workflows() -> Vec<(String, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("workflows/")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
            .collect()
    }

    #[test]
    fn every_workflow_reads_back_from_its_stored_form_as_its_source_decodes() {
        let files = workflows();
        assert!(files.len() >= 5, "the workflows of the repository");
        let (mut with_settings, mut with_constants) = (0, 0);
        for (file, source) in files {
            let from_source = super::super::load_published(&file, &source).expect("loads");
            let bytes = encode(&from_source).expect("encodes");
            assert!(is_current(&bytes));
            let read = decode(&bytes).expect("decodes");
            // Debug shows every field, labels and positions included (`Labels` compares
            // equal whatever they say, so `==` alone would not see a lost label).
            assert_eq!(format!("{read:?}"), format!("{from_source:?}"), "{file}");
            assert_eq!(read, from_source, "{file}");
            assert!(!read.spans.0.is_empty(), "{file}: positions kept");
            with_settings += usize::from(!read.settings.is_empty());
            with_constants += read
                .transitions
                .iter()
                .flat_map(|t| &t.spawn)
                .filter(|s| !s.set.is_empty() || !s.only.is_empty())
                .count();
        }
        // The JSON values (settings, a spawn's constants) went through `json_map`.
        assert!(with_settings > 0 && with_constants > 0);
    }

    #[test]
    fn a_form_of_another_build_or_a_damaged_one_is_not_read() {
        let (file, source) = &workflows()[0];
        let def = super::super::load_published(file, source).expect("loads");
        let bytes = encode(&def).expect("encodes");
        let mut other = bytes.clone();
        other[0] ^= 1;
        assert!(!is_current(&other));
        assert!(decode(&other).is_none(), "another build's layout");
        assert!(decode(&bytes[..bytes.len() / 2]).is_none(), "cut short");
        assert!(
            decode(&bytes[..5]).is_none(),
            "shorter than the fingerprint"
        );
        assert!(decode(&[]).is_none());
    }
}
