//! The registry and bulk reads: administrators change the registry; a reader sees only the
//! cases their unit covers.

use super::*;
use crate::app::{AppError, NewUser, RegistryInput};
use crate::store::CaseFilter;

fn new_user(name: &str, roles: &[&str]) -> NewUser {
    NewUser {
        name: name.into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        unit: "county".into(),
    }
}

fn only_an_administrator_adds_or_disables_users<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let user = new_user("新审计", &["auditor"]);
    for who in ["nobody", POLICE, DISABLED, AUDITOR] {
        let c = Caller::new(who).at(at(T0));
        denied(office.add_user(&c, &user));
        denied(office.disable_user(&c, POLICE));
    }
    assert_eq!(refusals(&office).len(), 8);
    let admin = Caller::new(ADMIN).at(at(T0));
    let added = office.add_user(&admin, &user).expect("adds");
    assert_eq!(
        (added.roles.clone(), added.added_by.as_str()),
        (vec!["auditor".to_owned()], ADMIN)
    );
    office.disable_user(&admin, POLICE).expect("disables");
    assert!(matches!(
        denied(office.advance(&caller(POLICE, "police"), &accept(&id))),
        Denied::Disabled { .. }
    ));
}

fn a_new_user_needs_a_usable_name_and_roles_that_exist_never_system<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let admin = Caller::new(ADMIN).at(at(T0));
    for name in ["", " 前后空格", "换行\n伪造", &"长".repeat(65)] {
        let result = office.add_user(&admin, &new_user(name, &["police"]));
        assert!(
            matches!(
                result,
                Err(AppError::RegistryInput(RegistryInput::BadName { .. }))
            ),
            "{name:?}: {result:?}"
        );
    }
    let result = office.add_user(&admin, &new_user("王", &["system"]));
    assert!(
        matches!(result, Err(AppError::RegistryInput(RegistryInput::UnknownRole { ref role, .. })) if role == "system"),
        "{result:?}"
    );
    let result = office.add_user(&admin, &new_user("王", &["polise"]));
    assert!(
        matches!(result, Err(AppError::RegistryInput(RegistryInput::UnknownRole { ref suggestion, .. })) if suggestion.as_deref() == Some("police")),
        "{result:?}"
    );
    let (users, _) = office.users(&admin).expect("users");
    assert!(!users.iter().any(|u| u.name == "王"));
}

fn a_reader_lists_only_the_cases_and_deadlines_their_unit_covers<B: TestDb>() {
    let (_db, office) = fresh::<B>();
    let id = open_report(&office);
    let ids = |who: &str| {
        let mut out = Vec::new();
        office
            .list(
                &Caller::new(who).at(at(T0)),
                &CaseFilter::default(),
                &[],
                |row| {
                    out.push(row.case);
                    true
                },
            )
            .map(|()| out)
    };
    assert_eq!(ids(POLICE).expect("lists"), vec![id.clone()]);
    assert_eq!(ids(VILLAGE).expect("lists"), vec![id.clone()]);
    assert!(ids(OTHER_POLICE).expect("lists").is_empty());
    assert!(matches!(denied(ids("nobody")), Denied::UnknownUser { .. }));
    let later = at("2026-12-31T00:00:00Z");
    let agenda = office
        .agenda(&Caller::new(POLICE).at(at(T0)), 400, None)
        .expect("agenda");
    assert!(agenda.iter().all(|d| d.view.case == id) && !agenda.is_empty());
    assert!(
        office
            .agenda(&Caller::new(OTHER_POLICE).at(at(T0)), 400, None)
            .expect("agenda")
            .is_empty()
    );
    let overdue = office
        .overdue(&Caller::new(POLICE).at(later), None)
        .expect("overdue");
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    // With a role: only the cases that role can act on in their state now.
    let acts = |role| {
        office
            .overdue(&Caller::new(POLICE).at(later), Some(role))
            .expect("overdue")
            .len()
    };
    assert_eq!(acts("police"), 1);
    assert_eq!(acts("court"), 0);
    assert!(
        office
            .overdue(&Caller::new(OTHER_POLICE).at(later), None)
            .expect("overdue")
            .is_empty()
    );
    denied(office.overdue(&Caller::new(DISABLED).at(later), None));
}

both!(
    only_an_administrator_adds_or_disables_users,
    a_new_user_needs_a_usable_name_and_roles_that_exist_never_system,
    a_reader_lists_only_the_cases_and_deadlines_their_unit_covers,
);
