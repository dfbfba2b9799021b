//! The office key ring as use cases (issue 23 item 5): reading it, and recording a rotation of
//! the office signing key. The secret keys never pass through here: the shell makes the new
//! key file and hands over public keys only; the ring of public keys is published in the
//! database (`keyring`, a new version at each rotation) and the rotation is recorded in the
//! access log, by whom and when, naming both fingerprints.

use super::backend::{Backend, ReadTx};
use super::ops::Owner;
use super::owner::{WHOLE_DATABASE, entry};
use super::{AppError, Caller, Office};
use crate::seal::{KeyRing, PublicKey, RingKey};
use crate::store::StoreError;
use crate::store::published::{Kind, NewPublication};

/// The key ring published in the database read by `tx`, if the office ever rotated.
pub(super) fn ring_in(tx: &dyn ReadTx) -> Result<Option<KeyRing>, AppError> {
    let Some(p) = tx.publication(Kind::KeyRing, "", None)? else {
        return Ok(None);
    };
    let text = p.files.get(KeyRing::FILE).ok_or_else(|| {
        StoreError::Corrupt(format!("key ring version {} holds no file", p.number))
    })?;
    KeyRing::from_json(text)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("key ring version {}: {e}", p.number)).into())
}

/// A rotation done: the ring as now published, the key retired and the key in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Rotation {
    pub ring: KeyRing,
    pub retired: RingKey,
    pub current: RingKey,
}

impl<B: Backend> Office<B> {
    /// The office's key ring (any registered user: public keys are public). An office that
    /// never rotated has none stored; its ring is `key` (the key file's), numbered 1.
    pub fn key_ring(
        &self,
        caller: &Caller,
        key: Option<&PublicKey>,
    ) -> Result<Option<KeyRing>, AppError> {
        self.reader(caller)?;
        let stored = self.backend.snapshot(ring_in)?;
        Ok(stored.or_else(|| key.map(KeyRing::first)))
    }

    /// Records that the office key `old` (which must be the key in force) is retired and `new`
    /// is in force from now (administrators): the next version of the key ring is published
    /// and the rotation is recorded in the access log as `key-rotated`, with both fingerprints.
    pub fn rotate_key(
        &self,
        caller: &Caller,
        old: &PublicKey,
        new: &PublicKey,
    ) -> Result<Rotation, AppError> {
        let now = self.now(caller)?;
        let admin = self.authorise(caller, Owner::Administrator, "key-rotate")?;
        let ring = self.backend.transaction(|tx| {
            let ring = ring_in(&*tx)?.unwrap_or_else(|| KeyRing::first(old));
            let next = ring.rotated(old, new, now)?;
            let publication = NewPublication {
                kind: Kind::KeyRing,
                name: String::new(),
                files: [(KeyRing::FILE.to_owned(), next.to_json())].into(),
                profile: None,
            };
            tx.publish(&publication, &admin.name, now)?;
            Ok::<_, AppError>(next)
        })?;
        let (Some(retired), Some(current)) = (ring.find(old).cloned(), ring.current().cloned())
        else {
            return Err(StoreError::Corrupt("the rotated key ring lost a key".into()).into());
        };
        let mut e = entry(caller, now, WHOLE_DATABASE, "key-rotated", None);
        e.reason = Some(format!(
            "office key {} ({}) retired; key {} ({}) in force",
            retired.id, retired.fingerprint, current.id, current.fingerprint
        ));
        self.backend.record_access(&e)?;
        Ok(Rotation {
            ring,
            retired,
            current,
        })
    }
}
