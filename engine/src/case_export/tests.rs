use super::*;
use crate::case::{Event, EventKind};
use crate::chain::BreakKind;
use sha2::Digest;

fn id() -> CaseId {
    CaseId::new(2026, 7)
}

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn records() -> (Vec<Record>, Head) {
    records_under(Profile::Standard)
}

/// Three chained events of a case of `crypto`.
fn records_under(crypto: Profile) -> (Vec<Record>, Head) {
    let mut prev: Option<ChainHash> = None;
    let mut out = Vec::new();
    for seq in 1..=3 {
        let kind = if seq == 1 {
            EventKind::Opened {
                published: None,
                crypto,
                external: None,
                workflow: "example-care".to_owned(),
                version: VersionHash::of(b"rules"),
                profile: None,
                settings: Default::default(),
                state: "reported".to_owned(),
                data: Default::default(),
                origin: None,
                unit: None,
                officer: None,
            }
        } else {
            EventKind::Amended {
                changes: Default::default(),
                reason: format!("第{seq}次更正"),
                previous: None,
                overrules: Vec::new(),
            }
        };
        let e = Event {
            seq,
            recorded_at: at("2026-11-23T02:00:00Z"),
            occurred_at: at("2026-11-23T02:00:00Z"),
            actor: "张三".to_owned(),
            role: "village_committee".to_owned(),
            kind,
        };
        let h = chain::hash(crypto, &id(), prev.as_ref(), &e).expect("hash");
        out.push(Record {
            at: seq,
            event: Ok(serde_json::to_value(&e).expect("json")),
            prev: prev.replace(h.clone()),
            hash: Some(h),
        });
    }
    (out, Head { seq: 3, hash: prev })
}

fn rules() -> Rules {
    Rules {
        workflow: "example-care".to_owned(),
        hash: VersionHash::of(b"rules"),
        number: Some(1),
        source: "rules".to_owned(),
    }
}

fn sealed(key: &OfficeKey) -> Vec<u8> {
    let (records, head) = records();
    let doc = seal(
        Profile::Standard,
        &id(),
        &records,
        head,
        Extras {
            definition: rules(),
            letters: Vec::new(),
            exported_at: at("2026-11-24T00:00:00Z"),
            exported_by: "张三",
        },
        key,
        Some(1),
    )
    .expect("sealed");
    serde_json::to_vec_pretty(&doc).expect("json")
}

#[test]
fn a_sealed_export_verifies_with_the_public_key_alone() {
    let key = OfficeKey::from_seed([1; 32]);
    let bytes = sealed(&key);
    let v = verify(&bytes, &key.public()).expect("an export");
    assert!(v.ok(), "{v:?}");
    assert_eq!(v.chain.expect("chain").events, 3);
    // Layout does not matter: the signature covers canonical JSON.
    let compact: Value = serde_json::from_slice(&bytes).expect("json");
    let compact = serde_json::to_vec(&compact).expect("json");
    assert!(verify(&compact, &key.public()).expect("an export").ok());
}

#[test]
fn a_changed_event_fails_both_chain_and_signature() {
    let key = OfficeKey::from_seed([1; 32]);
    let text = String::from_utf8(sealed(&key)).expect("utf-8");
    let tampered = text.replacen("第2次更正", "第9次更正", 1);
    assert_ne!(text, tampered);
    let v = verify(tampered.as_bytes(), &key.public()).expect("an export");
    assert_eq!(v.signature, SignatureCheck::Invalid);
    let b = v.chain.expect_err("broken");
    assert_eq!((b.seq, b.kind), (2, BreakKind::Modified));
}

#[test]
fn a_dropped_event_is_named() {
    let key = OfficeKey::from_seed([1; 32]);
    let mut doc: Value = serde_json::from_slice(&sealed(&key)).expect("json");
    if let Some(events) = doc["content"]["events"].as_array_mut() {
        events.remove(1);
    }
    let v = verify(&serde_json::to_vec(&doc).expect("json"), &key.public()).expect("export");
    assert_eq!(v.signature, SignatureCheck::Invalid);
    assert_eq!(v.chain.expect_err("broken").kind, BreakKind::Missing);
}

#[test]
fn another_key_is_named() {
    let key = OfficeKey::from_seed([1; 32]);
    let other = OfficeKey::from_seed([2; 32]);
    let v = verify(&sealed(&key), &other.public()).expect("an export");
    assert_eq!(
        v.signature,
        SignatureCheck::OtherKey {
            signed_by: key.public().hex()
        }
    );
}

#[test]
fn changed_rules_are_named() {
    let key = OfficeKey::from_seed([1; 32]);
    let text = String::from_utf8(sealed(&key)).expect("utf-8");
    let v = verify(
        text.replace("\"source\": \"rules\"", "\"source\": \"rulez\"")
            .as_bytes(),
        &key.public(),
    )
    .expect("an export");
    assert!(!v.rules_match);
    assert!(v.chain.is_ok());
}

#[test]
fn a_broken_chain_is_not_sealed() {
    let (mut records, head) = records();
    records.pop();
    let key = OfficeKey::from_seed([1; 32]);
    let err = seal(
        Profile::Standard,
        &id(),
        &records,
        head,
        Extras {
            definition: rules(),
            letters: Vec::new(),
            exported_at: at("2026-11-24T00:00:00Z"),
            exported_by: "张三",
        },
        &key,
        None,
    )
    .expect_err("refused");
    assert!(matches!(err, CaseExportError::Broken(b) if b.kind == BreakKind::Truncated));
}

#[test]
fn junk_is_not_an_export() {
    let key = OfficeKey::from_seed([1; 32]);
    assert!(matches!(
        verify(b"{}", &key.public()),
        Err(CaseExportError::Malformed(_))
    ));
}

/// A case with one issued letter: the archive record and its chained event.
fn with_letter(html: &str) -> (Vec<Record>, Head, Value) {
    use crate::case::IssuedRef;
    let sha = |t: &str| chain::hex(&sha2::Sha256::digest(t));
    let (mut records, head) = records();
    let issued = Event {
        seq: 4,
        recorded_at: at("2026-11-23T03:00:00Z"),
        occurred_at: at("2026-11-23T03:00:00Z"),
        actor: "张三".to_owned(),
        role: "village_committee".to_owned(),
        kind: EventKind::LetterIssued(IssuedRef {
            letter: "L2026-000001".to_owned(),
            key: "notice".to_owned(),
            number: None,
            role: "village_committee".to_owned(),
            html_sha256: sha("<p>告知书</p>"),
            text_sha256: sha("告知书"),
            code: "ABCD".to_owned(),
            request: None,
            replaces: None,
            pdf_sha256: None,
            digest_algorithm: Default::default(),
        }),
    };
    let h = chain::hash(Profile::Standard, &id(), head.hash.as_ref(), &issued).expect("hash");
    records.push(Record {
        at: 4,
        event: Ok(serde_json::to_value(&issued).expect("json")),
        prev: head.hash.clone(),
        hash: Some(h.clone()),
    });
    let letter = serde_json::json!({
        "id": "L2026-000001",
        "html": html,
        "text": "告知书",
        "html_sha256": sha("<p>告知书</p>"),
        "text_sha256": sha("告知书"),
    });
    (
        records,
        Head {
            seq: 4,
            hash: Some(h),
        },
        letter,
    )
}

#[test]
fn letters_are_checked_against_their_chained_hashes() {
    let key = OfficeKey::from_seed([1; 32]);
    for (html, ok) in [("<p>告知书</p>", true), ("<p>假告知书</p>", false)] {
        let (records, head, letter) = with_letter(html);
        let doc = seal(
            Profile::Standard,
            &id(),
            &records,
            head,
            Extras {
                definition: rules(),
                letters: vec![letter],
                exported_at: at("2026-11-24T00:00:00Z"),
                exported_by: "张三",
            },
            &key,
            None,
        )
        .expect("sealed");
        let bytes = serde_json::to_vec(&doc).expect("json");
        let v = verify(&bytes, &key.public()).expect("an export");
        assert_eq!(v.signature, SignatureCheck::Valid);
        assert_eq!(v.letters_unmatched.is_empty(), ok, "{html}");
        assert_eq!(v.ok(), ok);
    }
}

#[test]
fn an_export_naming_another_algorithm_is_refused_and_the_algorithm_is_signed() {
    let key = OfficeKey::from_seed([1; 32]);
    let mut doc: Document = serde_json::from_slice(&sealed(&key)).expect("doc");
    for other in ["none", "Ed25519", "", "rsa"] {
        doc.signature.algorithm = other.to_owned();
        let v = verify(&serde_json::to_vec(&doc).expect("json"), &key.public()).expect("export");
        assert_eq!(
            v.signature,
            SignatureCheck::UnexpectedAlgorithm {
                found: other.to_owned()
            }
        );
        assert!(!v.ok());
    }
    // The signature covers the algorithm: the same signature over another name fails.
    let content = serde_json::to_value(&doc.content).expect("json");
    let value = doc.signature.value.clone();
    assert!(
        key.public()
            .verifies(&signed_bytes(ALGORITHM, &content).expect("bytes"), &value)
    );
    assert!(
        !key.public()
            .verifies(&signed_bytes("none", &content).expect("bytes"), &value)
    );
}

#[test]
fn an_export_verifies_under_the_ring_key_in_force_when_it_was_signed() {
    use crate::seal::KeyRing;
    let (old, new, stranger) = (
        OfficeKey::from_seed([1; 32]),
        OfficeKey::from_seed([2; 32]),
        OfficeKey::from_seed([3; 32]),
    );
    // Exported on 2026-11-24 with the old key.
    let bytes = sealed(&old);
    let doc: Document = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(doc.signature.key_id, Some(1));
    let rotated_after = KeyRing::first(&old.public())
        .rotated(&old.public(), &new.public(), at("2026-12-01T00:00:00Z"))
        .expect("rotates");
    let v = verify_ring(&bytes, &rotated_after.keys).expect("an export");
    assert!(v.ok(), "{v:?}");
    // The new key alone does not verify it; a ring that retired the old key before the export
    // was made says so.
    let v = verify(&bytes, &new.public()).expect("an export");
    assert!(matches!(v.signature, SignatureCheck::OtherKey { .. }));
    let rotated_before = KeyRing::first(&old.public())
        .rotated(&old.public(), &new.public(), at("2026-11-01T00:00:00Z"))
        .expect("rotates");
    let v = verify_ring(&bytes, &rotated_before.keys).expect("an export");
    assert_eq!(
        v.signature,
        SignatureCheck::OutsidePeriod {
            key_id: 1,
            exported_at: at("2026-11-24T00:00:00Z")
        }
    );
    // A key outside the ring is another key, even if the file says it is key 1.
    let forged = sealed(&stranger);
    let v = verify_ring(&forged, &rotated_after.keys).expect("an export");
    assert!(matches!(v.signature, SignatureCheck::OtherKey { .. }));
    // The ring's key named, but a signature made by another key: invalid.
    let mut doc: Document = serde_json::from_slice(&forged).expect("json");
    doc.signature.public_key = old.public().hex();
    let bytes = serde_json::to_vec(&doc).expect("json");
    let v = verify_ring(&bytes, &rotated_after.keys).expect("an export");
    assert_eq!(v.signature, SignatureCheck::Invalid);
}

#[test]
fn a_national_export_is_sm2_signed_over_an_sm3_chain_and_checked_under_the_keys_profile() {
    let key = OfficeKey::generate(Profile::National, [3; 32]).expect("an SM2 secret");
    let (records, head) = records_under(Profile::National);
    let extras = || Extras {
        definition: rules(),
        letters: Vec::new(),
        exported_at: at("2026-11-24T00:00:00Z"),
        exported_by: "张三",
    };
    let doc = seal(
        Profile::National,
        &id(),
        &records,
        head.clone(),
        extras(),
        &key,
        Some(1),
    )
    .expect("sealed");
    assert_eq!(doc.signature.algorithm, "sm2");
    let bytes = serde_json::to_vec(&doc).expect("json");
    let v = verify(&bytes, &key.public()).expect("an export");
    assert!(v.ok(), "{v:?}");
    // An Ed25519 key is refused for a national database, and an SM2 one for a standard one.
    let standard = OfficeKey::from_seed([3; 32]);
    assert!(matches!(
        seal(
            Profile::National,
            &id(),
            &records,
            head.clone(),
            extras(),
            &standard,
            None
        ),
        Err(CaseExportError::KeyProfile {
            key: "ed25519",
            database: "sm2"
        })
    ));
    let (std_records, std_head) = records_under(Profile::Standard);
    assert!(matches!(
        seal(
            Profile::Standard,
            &id(),
            &std_records,
            std_head,
            extras(),
            &key,
            None
        ),
        Err(CaseExportError::KeyProfile {
            key: "sm2",
            database: "ed25519"
        })
    ));
    // The file naming another algorithm is refused: the trusted key's decides.
    let mut relabelled: Value = serde_json::from_slice(&bytes).expect("json");
    relabelled["signature"]["algorithm"] = Value::from("ed25519");
    let v = verify(relabelled.to_string().as_bytes(), &key.public()).expect("an export");
    assert!(matches!(
        v.signature,
        SignatureCheck::UnexpectedAlgorithm { .. }
    ));
    // Checked against an Ed25519 key, the chain is checked under SHA-256 and fails too.
    let v = verify(&bytes, &standard.public()).expect("an export");
    assert!(!v.ok());
    assert!(v.chain.is_err());
}
