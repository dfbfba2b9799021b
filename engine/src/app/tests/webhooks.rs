//! Webhooks through the office on both backends: administrators add, list, remove and replay;
//! the delivery task's calls take the outbox in, hand back what is due with the secret `add`
//! showed, and record attempts with back-off. On PostgreSQL the secrets come from the master
//! secret (never the database), and two servers never attempt one delivery at once.

use super::*;
use crate::app::AppError;
use crate::app::outbox::OutboxKind;
use crate::app::webhooks::{MAX_ATTEMPTS, WebhookError, retry_delay};
use crate::store::webhooks::{DeliveryStatus, WebhookSecret};

/// The master secret the tests' servers are given.
pub fn master() -> WebhookSecret {
    WebhookSecret::from_bytes(b"a test master secret of at least thirty-two bytes").expect("long")
}

/// [`fresh`], with the webhook master secret (which a redb database does not use).
fn hooked<B: TestDb>() -> (Place, Office<B>) {
    let (place, office) = fresh::<B>();
    (place, office.with_webhook_secret(Some(master())))
}

fn admin() -> Caller {
    Caller::new(ADMIN).at(at(T0))
}

fn webhooks_are_added_listed_delivered_retried_replayed_and_removed_by_administrators<B: TestDb>() {
    let (_db, office) = hooked::<B>();
    let police = Caller::new(POLICE).at(at(T0));
    denied(office.add_webhook(&police, "https://hooks.example/in", &OutboxKind::ALL));
    denied(office.webhooks(&police));
    assert!(matches!(
        office.add_webhook(&admin(), "ftp://x", &OutboxKind::ALL),
        Err(AppError::Webhook(WebhookError::BadUrl { .. }))
    ));
    let added = office
        .add_webhook(
            &admin(),
            "https://hooks.example/in",
            &[OutboxKind::CaseOpened],
        )
        .expect("adds");
    assert_eq!(added.endpoint.id, "wh1");
    assert!(
        added.secret.starts_with("whsec_") && added.secret.len() == 70,
        "{}",
        added.secret
    );
    let listed = office.webhooks(&admin()).expect("lists");
    assert_eq!(listed, std::slice::from_ref(&added.endpoint));
    // Two cases opened: two deliveries, each with the secret `add` showed.
    let first = open_report(&office);
    open_report(&office);
    let due = office.webhooks_due(at(T0), 10).expect("due");
    assert_eq!(
        due.iter()
            .map(|d| d.delivery.id.as_str())
            .collect::<Vec<_>>(),
        ["wh1.1", "wh1.2"]
    );
    assert!(due.iter().all(|d| d.secret == added.secret));
    assert!(due.iter().all(|d| d.url == "https://hooks.example/in"));
    assert_eq!(due[0].delivery.event.case, first.as_str());
    // A failed attempt is due again after its back-off; a delivered one never.
    let failed = office
        .webhook_attempted(&due[0].delivery, at(T0), Some(500), Some("HTTP 500".into()))
        .expect("records")
        .expect("found");
    assert_eq!(failed.status, DeliveryStatus::Pending);
    assert_eq!(failed.attempts_made, 1);
    let retry = at(T0).checked_add(retry_delay(1)).expect("in range");
    assert_eq!(failed.next_at, Some(retry));
    office
        .webhook_attempted(&due[1].delivery, at(T0), Some(204), None)
        .expect("records");
    let again = office.webhooks_due(retry, 10).expect("due");
    assert_eq!(
        again
            .iter()
            .map(|d| d.delivery.id.as_str())
            .collect::<Vec<_>>(),
        ["wh1.1"]
    );
    // The last attempt fails it for good.
    let mut delivery = again[0].delivery.clone();
    delivery.attempts_made = MAX_ATTEMPTS - 1;
    let given_up = office
        .webhook_attempted(&delivery, retry, None, Some("refused".into()))
        .expect("records")
        .expect("found");
    assert_eq!(given_up.status, DeliveryStatus::Failed);
    let log = office
        .webhook_deliveries(&admin(), Some("wh1"), 10)
        .expect("log");
    assert_eq!(
        log.iter()
            .map(|d| (d.id.as_str(), d.status))
            .collect::<Vec<_>>(),
        [
            ("wh1.2", DeliveryStatus::Delivered),
            ("wh1.1", DeliveryStatus::Failed)
        ]
    );
    assert!(matches!(
        office.webhook_deliveries(&admin(), Some("wh9"), 10),
        Err(AppError::Webhook(WebhookError::UnknownEndpoint(_)))
    ));
    // Replayed under the same id, due on the wall clock.
    let replayed = office.replay_delivery(&admin(), "wh1.1").expect("replays");
    assert_eq!(
        (replayed.id.as_str(), replayed.status),
        ("wh1.1", DeliveryStatus::Pending)
    );
    let due = office.webhooks_due(Office::<B>::wall(), 10).expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].secret, added.secret);
    assert!(matches!(
        office.replay_delivery(&admin(), "wh1.99"),
        Err(AppError::Webhook(WebhookError::UnknownDelivery(_)))
    ));
    // Removed: nothing more is taken in or due, no replay, the log kept.
    let removed = office.remove_webhook(&admin(), "wh1").expect("removes");
    assert!(removed.removed_at.is_some());
    open_report(&office);
    assert!(
        office
            .webhooks_due(Office::<B>::wall(), 10)
            .expect("due")
            .is_empty()
    );
    assert!(office.replay_delivery(&admin(), "wh1.2").is_err());
    assert!(matches!(
        office.remove_webhook(&admin(), "wh1"),
        Err(AppError::Webhook(WebhookError::UnknownEndpoint(_)))
    ));
    assert_eq!(
        office
            .webhook_deliveries(&admin(), None, 10)
            .expect("log")
            .len(),
        2
    );
    // Every administrative act is in the access log, never the secret.
    let log = office
        .backend()
        .access_log(&AccessFilter::default())
        .expect("log");
    assert!(
        log.iter().any(|e| e.action.starts_with("webhook:add wh1")),
        "{log:?}"
    );
    assert!(!format!("{log:?}").contains(&added.secret));
    assert_eq!(refusals(&office).len(), 2);
}

fn an_endpoint_is_sent_only_the_kinds_of_event_it_asked_for<B: TestDb>() {
    let (_db, office) = hooked::<B>();
    office
        .add_webhook(&admin(), "http://127.0.0.1:9/", &[OutboxKind::StateEntered])
        .expect("adds");
    let id = open_report(&office);
    office
        .advance(&caller(POLICE, "police"), &accept(&id))
        .expect("advances");
    let due = office.webhooks_due(at(T0), 10).expect("due");
    assert!(!due.is_empty());
    assert!(
        due.iter()
            .all(|d| d.delivery.event.kind == OutboxKind::StateEntered),
        "{due:?}"
    );
}

both!(
    webhooks_are_added_listed_delivered_retried_replayed_and_removed_by_administrators,
    an_endpoint_is_sent_only_the_kinds_of_event_it_asked_for,
);

/// PostgreSQL keeps webhooks only with the master secret: refused, saying so, without it.
#[test]
fn on_postgresql_webhooks_need_the_master_secret_and_no_secret_is_in_the_database() {
    let (_db, office) = fresh::<crate::pg::PgBackend>();
    assert!(matches!(
        office.add_webhook(&admin(), "https://hooks.example/in", &OutboxKind::ALL),
        Err(AppError::Webhook(WebhookError::NoMasterSecret))
    ));
    let office = office.with_webhook_secret(Some(master()));
    let added = office
        .add_webhook(&admin(), "https://hooks.example/in", &OutboxKind::ALL)
        .expect("adds");
    open_report(&office);
    // Neither the export nor any table holds the secret or the master secret.
    let mut copy = Vec::new();
    office
        .export_held(&admin(), crate::app::CopyForm::Plain, &mut copy)
        .expect("exports");
    let copy = String::from_utf8(copy).expect("utf-8");
    assert!(!copy.contains(&added.secret[6..]));
    // Another server given the same master secret signs with the same secret; another
    // master secret would not.
    let other =
        WebhookSecret::from_bytes(b"another master secret, also long enough!!").expect("long");
    let due = office.webhooks_due(at(T0), 10).expect("due");
    assert!(!due.is_empty() && due.iter().all(|d| d.secret == added.secret));
    let url = match &_db {
        Place::Pg(name) => shared::cluster().url_of(name),
        Place::Dir { .. } => unreachable!("a PostgreSQL test"),
    };
    let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).expect("connects");
    let rows = client
        .query(
            "SELECT convert_from(record, 'UTF8') || salt FROM webhook_endpoints \
             UNION ALL SELECT convert_from(record, 'UTF8') FROM webhook_deliveries",
            &[],
        )
        .expect("reads");
    assert!(rows.len() > 1);
    for row in rows {
        let text: String = row.get(0);
        assert!(!text.contains(&added.secret[6..]), "{text}");
    }
    assert_ne!(
        other.endpoint_secret("wh1", "x"),
        master().endpoint_secret("wh1", "x")
    );
    // `check` knows the new tables are not case data.
    let report = office.check_held(&admin()).expect("checks");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

/// Two servers on one PostgreSQL database, each taking in and claiming at once: every
/// delivery is handed to exactly one of them.
#[test]
fn of_two_servers_on_postgresql_each_due_delivery_is_claimed_by_one() {
    let (_db, first) = hooked::<crate::pg::PgBackend>();
    let name = match &_db {
        Place::Pg(name) => name.clone(),
        Place::Dir { .. } => unreachable!("a PostgreSQL test"),
    };
    let url = shared::cluster().url_of(&name);
    let second = Office::new(crate::pg::PgBackend::open(&url).expect("opens"), config())
        .with_webhook_secret(Some(master()));
    let added = first
        .add_webhook(&admin(), "https://hooks.example/in", &OutboxKind::ALL)
        .expect("adds");
    for _ in 0..12 {
        open_report(&first);
    }
    let servers = [&first, &second];
    let mut claimed: Vec<String> = Vec::new();
    for round in 0..4 {
        let got: Vec<Vec<crate::store::webhooks::Due>> = std::thread::scope(|s| {
            let handles: Vec<_> = servers
                .iter()
                .map(|o| s.spawn(move || o.webhooks_due(at(T0), 5).expect("due")))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("joins"))
                .collect()
        });
        for due in got {
            for d in due {
                assert_eq!(d.secret, added.secret, "round {round}");
                claimed.push(d.delivery.id);
            }
        }
    }
    let mut unique = claimed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), claimed.len(), "claimed twice: {claimed:?}");
    let all = first
        .webhook_deliveries(&admin(), None, 1000)
        .expect("log")
        .len();
    assert_eq!(claimed.len(), all, "{claimed:?}");
    assert!(all >= 12);
}
