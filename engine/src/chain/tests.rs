use super::*;
use crate::case::{CancelReason, Case, Counted, EventKind, IssuedRef, Link};
use crate::definition::{Data, VersionHash};

fn at(s: &str) -> jiff::Timestamp {
    s.parse().expect("timestamp")
}

fn id() -> CaseId {
    CaseId::new(2026, 1)
}

fn event(seq: u32, kind: EventKind) -> Event {
    Event {
        seq,
        recorded_at: at("2026-11-23T02:00:00Z"),
        occurred_at: at("2026-11-23T01:30:00Z"),
        actor: "张三".to_owned(),
        role: "village_committee".to_owned(),
        kind,
    }
}

fn data(pairs: &[(&str, Value)]) -> Data {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// One event of every kind, in an order a case could have.
fn every_kind() -> Vec<Event> {
    let link = Link {
        case: CaseId::new(2026, 2),
        workflow: "temporary-custody".to_owned(),
        link: "escalated_to".to_owned(),
    };
    let kinds = vec![
        EventKind::Opened {
            published: None,
            crypto: Default::default(),
            external: None,
            workflow: "example-care".to_owned(),
            version: VersionHash("ab".repeat(32)),
            profile: None,
            settings: data(&[("contact_days", Value::from(7))]),
            state: "reported".to_owned(),
            data: data(&[("child.name", Value::from("小明"))]),
            origin: None,
            unit: None,
            officer: None,
        },
        EventKind::Fired {
            transition: "sign_agreement".to_owned(),
            from: "reported".to_owned(),
            to: "in_care".to_owned(),
            changes: data(&[("carer.name", Value::from("王奶奶")), ("x", Value::Null)]),
            note: Some("注".to_owned()),
        },
        EventKind::Amended {
            changes: data(&[("child.name", Value::from("李晓明"))]),
            reason: "户籍信息更正".to_owned(),
            previous: None,
            overrules: Vec::new(),
        },
        EventKind::DeadlineSet {
            name: "contact".to_owned(),
            title: "联系".to_owned(),
            due: at("2026-11-30T16:00:00Z"),
            remind_at: None,
            provisional: false,
            on_breach: Some("escalate".to_owned()),
            keep: false,
            every: Some("7d".to_owned()),
            counted: Some(Counted {
                from: at("2026-11-23T02:00:00Z"),
                period: "7d".to_owned(),
                remind_before: None,
            }),
        },
        EventKind::DeadlineAdjusted {
            name: "contact".to_owned(),
            due: at("2026-12-01T16:00:00Z"),
            remind_at: None,
            provisional: false,
        },
        EventKind::DeadlineReminded {
            name: "contact".to_owned(),
        },
        EventKind::DeadlineBreached {
            name: "contact".to_owned(),
            due: at("2026-12-01T16:00:00Z"),
        },
        EventKind::DeadlineCancelled {
            name: "contact".to_owned(),
            reason: CancelReason::Met,
        },
        EventKind::LetterRequested {
            key: "notice".to_owned(),
            transition: None,
        },
        EventKind::LetterIssued(IssuedRef {
            letter: "L2026-000001".to_owned(),
            key: "notice".to_owned(),
            number: Some("黔民〔2026〕1号".to_owned()),
            role: "village_committee".to_owned(),
            html_sha256: "11".repeat(32),
            text_sha256: "22".repeat(32),
            code: "ABCD-EFGH".to_owned(),
            request: Some(9),
            replaces: None,
            pdf_sha256: None,
            digest_algorithm: Default::default(),
        }),
        EventKind::LetterVoided {
            letter: "L2026-000001".to_owned(),
            reason: "错发".to_owned(),
        },
        EventKind::Spawned { child: link },
    ];
    kinds
        .into_iter()
        .zip(1..)
        .map(|(k, seq)| event(seq, k))
        .collect()
}

/// Records as the writer stores them: each with its predecessor's hash and its own.
fn chained(events: &[Event]) -> Vec<Record> {
    let mut prev: Option<ChainHash> = None;
    events
        .iter()
        .map(|e| {
            let h = hash(Profile::Standard, &id(), prev.as_ref(), e).expect("hash");
            Record {
                at: e.seq,
                event: Ok(serde_json::to_value(e).expect("json")),
                prev: prev.replace(h.clone()),
                hash: Some(h),
            }
        })
        .collect()
}

fn head_of(records: &[Record]) -> Head {
    let last = records.last().expect("a record");
    Head {
        seq: last.at,
        hash: last.hash.clone(),
    }
}

#[test]
fn the_hashed_form_is_rfc_8785_json() {
    let e = event(
        1,
        EventKind::DeadlineReminded {
            name: "contact".to_owned(),
        },
    );
    let value = serde_json::to_value(&e).expect("json");
    let bytes = canonical(&id(), None, &value).expect("canonical");
    assert_eq!(
        String::from_utf8(bytes).expect("utf-8"),
        r#"{"case":"2026-000001","chain":1,"event":{"actor":"张三","name":"contact","occurred_at":"2026-11-23T01:30:00Z","recorded_at":"2026-11-23T02:00:00Z","role":"village_committee","seq":1,"type":"deadline_reminded"},"prev":null}"#
    );
}

#[test]
fn key_order_and_whitespace_do_not_change_a_hash() {
    let e = &every_kind()[1];
    let value = serde_json::to_value(e).expect("json");
    let reordered: Value = serde_json::from_str(
        &serde_json::to_string_pretty(&value)
            .expect("text")
            .replace("\"seq\": 2,", "\"seq\":   2 ,"),
    )
    .expect("json");
    assert_eq!(
        hash_value(Profile::Standard, &id(), None, &value),
        hash_value(Profile::Standard, &id(), None, &reordered)
    );
}

/// The hash of every kind of event is pinned: if one of these changes, every existing chain
/// would break. Never update them; change the event's JSON back instead (new fields must be
/// skipped when absent), or bump `CHAIN_VERSION` with a reader for the old form.
#[test]
fn pinned_hashes() {
    let records = chained(&every_kind());
    let got: Vec<String> = records
        .iter()
        .map(|r| r.hash.as_ref().expect("hash").short().to_owned())
        .collect();
    assert_eq!(got, PINNED);
}

const PINNED: [&str; 12] = [
    "e833022b3e03",
    "f47170be6d14",
    "a6e280bf27d4",
    "45e7bb453860",
    "6b50e37e224a",
    "0478a897abf9",
    "f234210591bc",
    "10ed74e9a414",
    "28f8400aaecc",
    "cc11c02146c7",
    "2908629a398a",
    "eb317eb8bedf",
];

#[test]
fn replay_rebuilds_the_head_the_writer_records() {
    let events = every_kind();
    let records = chained(&events);
    let case = Case::replay(&id(), &events).expect("replay");
    assert_eq!(case.head, head_of(&records).hash);
    let v = verify(Profile::Standard, &id(), &records, Some(&head_of(&records))).expect("verifies");
    assert_eq!((v.events, v.unchained), (12, 0));
    assert_eq!(v.head, case.head);
}

fn first_break(records: &[Record], head: &Head) -> Break {
    verify(Profile::Standard, &id(), records, Some(head)).expect_err("a broken chain")
}

#[test]
fn a_modified_event_is_named() {
    let mut records = chained(&every_kind());
    let head = head_of(&records);
    if let Ok(v) = &mut records[2].event {
        v["reason"] = Value::from("随便改改");
    }
    let b = first_break(&records, &head);
    assert_eq!((b.seq, b.kind), (3, BreakKind::Modified));
    assert_eq!(b.found, records[2].hash.as_ref().map(|h| h.0.clone()));
}

#[test]
fn a_modified_and_rehashed_event_breaks_the_next_link() {
    let events = every_kind();
    let mut records = chained(&events);
    let head = head_of(&records);
    let mut altered = events[2].clone();
    altered.actor = "李四".to_owned();
    let rehashed =
        hash(Profile::Standard, &id(), records[1].hash.as_ref(), &altered).expect("hash");
    records[2].event = Ok(serde_json::to_value(&altered).expect("json"));
    records[2].hash = Some(rehashed);
    let b = first_break(&records, &head);
    assert_eq!((b.seq, b.kind), (4, BreakKind::Modified));
}

#[test]
fn a_missing_event_is_named() {
    let mut records = chained(&every_kind());
    let head = head_of(&records);
    records.remove(4);
    let b = first_break(&records, &head);
    assert_eq!((b.seq, b.kind), (5, BreakKind::Missing));
}

#[test]
fn reordered_events_are_named() {
    let mut records = chained(&every_kind());
    let head = head_of(&records);
    // Swap the stored bodies of events 3 and 4, keys unchanged.
    let (a, b) = (records[2].clone(), records[3].clone());
    records[2] = Record { at: 3, ..b };
    records[3] = Record { at: 4, ..a };
    let found = first_break(&records, &head);
    assert_eq!((found.seq, found.kind), (3, BreakKind::Reordered));
    // The same with the sequence numbers rewritten to fit their new places.
    for (r, seq) in records.iter_mut().zip(1..) {
        if let Ok(v) = &mut r.event {
            v["seq"] = Value::from(seq);
        }
    }
    let found = first_break(&records, &head);
    assert_eq!((found.seq, found.kind), (3, BreakKind::Reordered));
}

#[test]
fn a_truncated_history_is_named() {
    let mut records = chained(&every_kind());
    let head = head_of(&records);
    records.truncate(7);
    let b = first_break(&records, &head);
    assert_eq!((b.seq, b.kind), (12, BreakKind::Truncated));
    assert_eq!(b.found.as_deref(), Some("7"));
    let b = first_break(&[], &head);
    assert_eq!(b.kind, BreakKind::Truncated);
}

#[test]
fn a_stripped_hash_after_chained_events_is_named() {
    let mut records = chained(&every_kind());
    let head = head_of(&records);
    records[5].hash = None;
    records[5].prev = None;
    let b = first_break(&records, &head);
    assert_eq!((b.seq, b.kind), (6, BreakKind::Unhashed));
}

#[test]
fn events_from_before_chaining_are_counted_then_hashed_in() {
    let events = every_kind();
    let mut records = chained(&events);
    for r in &mut records[..4] {
        r.prev = None;
        r.hash = None;
    }
    let head = head_of(&records);
    let v = verify(Profile::Standard, &id(), &records, Some(&head)).expect("verifies");
    assert_eq!((v.events, v.unchained), (12, 4));
    // Once a chained event follows them, changing an old one is caught.
    if let Ok(v) = &mut records[1].event {
        v["note"] = Value::from("改");
    }
    let b = first_break(&records, &head);
    assert_eq!((b.seq, b.kind), (5, BreakKind::Modified));
}

#[test]
fn an_unreadable_record_is_named() {
    let mut records = chained(&every_kind());
    let head = head_of(&records);
    records[0].event = Err("bad".to_owned());
    assert_eq!(first_break(&records, &head).kind, BreakKind::Unreadable);
}

fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        // Where JSON numbers are exact doubles; beyond, see `large_integers_stay_distinct`.
        (-(1i64 << 53)..=(1i64 << 53)).prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "[a-z\\u{0}-\\u{1f}\"\\\\\u{e000}\u{10000}\u{20ac}\u{7f}]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            proptest::collection::btree_map(
                "[a-zA-Z\u{e000}\u{10000}\u{20ac}_ ]{0,4}",
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    /// Our walk and the `serde_jcs` crate give the same bytes on any JSON value.
    #[test]
    fn canonical_form_agrees_with_serde_jcs(value in any_json()) {
        let mut ours = Vec::new();
        jcs(&value, &mut ours).expect("canonical");
        proptest::prop_assert_eq!(ours, serde_jcs::to_vec(&value).expect("serde_jcs"));
    }
}

#[test]
fn large_integers_stay_distinct() {
    // serde_jcs rounds integers beyond 2^53 to doubles, so two values would hash alike; the
    // chain prints them exactly.
    let canon = |n: i64| {
        let mut out = Vec::new();
        jcs(&Value::from(n), &mut out).expect("canonical");
        out
    };
    let big = (1i64 << 53) + 1;
    assert_ne!(canon(big), canon(big + 1));
    assert_eq!(canon(big), big.to_string().into_bytes());
}

/// `every_kind` as a national case: the opening event names the profile.
fn national_kinds() -> Vec<Event> {
    let mut events = every_kind();
    if let EventKind::Opened { crypto, .. } = &mut events[0].kind {
        *crypto = Profile::National;
    }
    events
}

#[test]
fn a_national_chain_is_sm3_and_verifies_only_under_the_national_profile() {
    let events = national_kinds();
    let mut prev: Option<ChainHash> = None;
    let mut records = Vec::new();
    for e in &events {
        let h = hash(Profile::National, &id(), prev.as_ref(), e).expect("hash");
        let value = serde_json::to_value(e).expect("json");
        let bytes = canonical(&id(), prev.as_ref(), &value).expect("canonical");
        assert_eq!(h.0, Profile::National.digest_hex(&bytes));
        records.push(Record {
            at: e.seq,
            event: Ok(value),
            prev: prev.replace(h.clone()),
            hash: Some(h),
        });
    }
    // Replay hashes under the profile the opening names, as the writer does.
    let case = Case::replay(&id(), &events).expect("replay");
    assert_eq!(case.crypto, Profile::National);
    assert_eq!(case.head, prev);
    let head = head_of(&records);
    let v = verify(Profile::National, &id(), &records, Some(&head)).expect("verifies");
    assert_eq!(v.head, prev);
    // The verifier's profile decides: the standard one refuses it at the opening event.
    let b = verify(Profile::Standard, &id(), &records, Some(&head)).expect_err("refused");
    assert_eq!((b.seq, b.kind), (1, BreakKind::Modified));
    // A standard chain whose opening is relabelled national is refused by a national verifier.
    let standard = chained(&every_kind());
    let b = verify(
        Profile::National,
        &id(),
        &standard,
        Some(&head_of(&standard)),
    )
    .expect_err("refused");
    assert_eq!((b.seq, b.kind), (1, BreakKind::Modified));
}

#[test]
fn hex_is_two_lowercase_digits_a_byte_as_the_formatter_gave() {
    let bytes: Vec<u8> = (0..=255).collect();
    let formatted: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex(&bytes), formatted);
    assert_eq!(hex(&[]), "");
}
