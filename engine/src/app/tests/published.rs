//! Publishing configuration (issue 20) through the office: administrators only, checked before
//! anything changes, and a case keeps the letters it was opened under.

use std::collections::BTreeMap;

use super::*;
use crate::app::{AppError, Given, ToPublish};
use crate::letters::Renderer;

/// An office that takes its letters, profile and calendar from what is published, as on a
/// real database.
fn published_office<B: TestDb>() -> (Place, Office<B>) {
    let mut config = config();
    config.given = Given::default();
    let (place, backend) = B::fresh();
    (place, Office::new(backend, config))
}

fn letters(marker: Option<&str>) -> BTreeMap<String, String> {
    let mut files =
        Renderer::read_files(&Path::new(ROOT).join("letters")).expect("the repository's letters");
    if let Some(marker) = marker {
        let receipt = files.get_mut("report-receipt.hbs").expect("receipt");
        *receipt = receipt.replacen("：\n", &format!("：{marker}\n"), 1);
    }
    files
}

fn admin() -> Caller {
    Caller::new(ADMIN).at(at(T0))
}

fn publishing_is_for_administrators_and_checked_before_anything_changes<B: TestDb>() {
    let (_db, office) = published_office::<B>();
    let police = Caller::new(POLICE).at(at(T0));
    let files = letters(None);
    let refused = office.publish_config(
        &police,
        vec![ToPublish::Letters {
            files: files.clone(),
        }],
    );
    assert!(
        matches!(refused, Err(AppError::Denied { .. })),
        "{refused:?}"
    );
    // A good letters directory beside a bad calendar: neither is published.
    let bad = ToPublish::Calendar {
        file: "bad.yaml".into(),
        bytes: b"years:\n  2027:\n    holidays: [2027-02-30]\n".to_vec(),
    };
    let result = office.publish_config(
        &admin(),
        vec![
            ToPublish::Letters {
                files: files.clone(),
            },
            bad,
        ],
    );
    assert!(matches!(result, Err(AppError::Publish(_))), "{result:?}");
    assert!(
        office
            .publications(&admin())
            .expect("list")
            .iter()
            .all(|p| p.kind != "letters")
    );
    let first = office
        .publish_config(
            &admin(),
            vec![ToPublish::Letters {
                files: files.clone(),
            }],
        )
        .expect("publishes");
    assert_eq!(first.published[0].0.number, 1);
    assert!(first.published[0].1);
    let again = office
        .publish_config(&admin(), vec![ToPublish::Letters { files }])
        .expect("publishes");
    assert!(!again.published[0].1, "the same content is no new version");
}

fn a_case_keeps_the_letters_it_was_opened_under_and_a_new_case_takes_the_latest<B: TestDb>() {
    let (_db, office) = published_office::<B>();
    office
        .publish_config(
            &admin(),
            vec![ToPublish::Letters {
                files: letters(None),
            }],
        )
        .expect("v1");
    let old = open_report(&office);
    let pinned = office.backend().case(&old).expect("reads").expect("case");
    assert_eq!(pinned.published.and_then(|p| p.letters), Some(1));
    office
        .publish_config(
            &admin(),
            vec![ToPublish::Letters {
                files: letters(Some("第二版")),
            }],
        )
        .expect("v2");
    let new = open_report(&office);
    for (id, marked) in [(&old, false), (&new, true)] {
        office
            .advance(&caller(POLICE, "police"), &accept(id))
            .expect("accepts, issuing the receipt");
        let issued = office.backend().letter_records(Some(id)).expect("letters");
        assert_eq!(issued.len(), 1);
        assert_eq!(
            issued[0].letter.text.contains("第二版"),
            marked,
            "{}",
            issued[0].letter.text
        );
    }
}

fn a_case_keeps_the_profile_it_was_opened_under<B: TestDb>() {
    let (_db, office) = published_office::<B>();
    let profile =
        std::fs::read_to_string(format!("{ROOT}/profiles/qianjiang.yaml")).expect("profile");
    let publish = |text: String| {
        office
            .publish_config(
                &admin(),
                vec![
                    ToPublish::Letters {
                        files: letters(None),
                    },
                    ToPublish::Profile {
                        file: "qianjiang.yaml".into(),
                        bytes: text.into_bytes(),
                    },
                ],
            )
            .expect("publishes")
    };
    publish(profile.clone());
    let old = open_report(&office);
    let renamed = profile.replace("重庆市公安局黔江区分局", "重庆市公安局黔江区新分局");
    assert_ne!(renamed, profile, "the test renames the police body");
    let second = publish(renamed);
    assert!(
        second
            .published
            .iter()
            .any(|(p, new)| p.kind == "profile" && *new && p.number == 2)
    );
    let new = open_report(&office);
    for (id, name) in [
        (&old, "重庆市公安局黔江区分局"),
        (&new, "重庆市公安局黔江区新分局"),
    ] {
        office
            .advance(&caller(POLICE, "police"), &accept(id))
            .expect("accepts, issuing the receipt");
        let issued = office.backend().letter_records(Some(id)).expect("letters");
        let issuer = issued[0].letter.issuer.as_ref().expect("issuer");
        assert_eq!(issuer.name, name);
    }
}

both!(
    publishing_is_for_administrators_and_checked_before_anything_changes,
    a_case_keeps_the_letters_it_was_opened_under_and_a_new_case_takes_the_latest,
    a_case_keeps_the_profile_it_was_opened_under,
);
