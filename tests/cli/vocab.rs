//! Vocabulary is data, not code: a role's title comes from its workflow and the body that
//! issues letters in a role from the county profile, so a new role needs no release; a
//! workflow whose role has no title is refused at publishing, and a version published before
//! roles had titles still opens.

use std::time::Duration;

use crate::common::TestEnv;
use wardflow_engine::definition;
use wardflow_engine::store::Store;

const T0: &str = "2026-11-23T10:00:00+08:00";
const T1: &str = "2026-11-23T11:00:00+08:00";

/// A process with a role no code knows.
const LIAISON: &str = "\
workflow: school-liaison
title: 学校联络
roles:
  school_liaison: { title: 学校联络员, title_en: school liaison officer }
fields:
  child.name: { type: string, required: true, title: 儿童姓名 }
start:
  roles: [school_liaison]
states:
  open: { title: 已登记, initial: true }
  told: { title: 已通知学校, final: true }
transitions:
  tell_school:
    title: 通知学校
    from: [open]
    to: told
    roles: [school_liaison]
    letters: [liaison-note]
";

/// A letters table whose one document that role issues.
const TABLE: &str = "\
documents:
  liaison-note:
    title: 联络函
    template: liaison-note.hbs
    layout: gongwen
    format: letter
    issuers:
      school_liaison: { numbering: none }
    requires: [child.name]
";

const TEMPLATE: &str = "\
{{issuer.name}}（{{issuer.role_name}}）现就未成年人{{child.name}}一事，请{{role \"school_liaison\"}}与{{body \"school_liaison\"}}联系。
";

/// A county that names the body acting in that role.
const PROFILE: &str = "\
profile: county
title: 某县
bodies:
  school_liaison: 学校联络办公室
issuing_bodies:
  school_liaison: { name: 某县教育局学校联络办公室 }
";

/// A database with only the liaison process, its letters and the county profile.
fn liaison_env() -> TestEnv {
    let env = TestEnv::empty();
    env.write_workflow("school-liaison.yaml", LIAISON);
    std::fs::create_dir(env.root().join("liaison-letters")).expect("letters dir");
    env.write_file("liaison-letters/documents.yaml", TABLE);
    env.write_file("liaison-letters/liaison-note.hbs", TEMPLATE);
    std::fs::create_dir(env.profiles_dir()).expect("profiles dir");
    env.write_file("profiles/county.yaml", PROFILE);
    env.wardflow([
        "init",
        "--simulation",
        "--letters",
        "liaison-letters",
        "--profile",
        "county",
        "--now",
        T0,
    ])
    .ok();
    env
}

#[test]
fn a_role_unknown_to_the_code_is_shown_and_printed_with_its_title() {
    let env = liaison_env();
    let id = env
        .wardflow(["case", "open", "school-liaison"])
        .as_role("school_liaison")
        .set("child.name", "李小明")
        .now(T0)
        .ok();
    let id = id.trim();

    let next = env.wardflow(["case", "next", id]).now(T0).ok();
    assert!(
        next.contains("[school_liaison（学校联络员）]"),
        "case next names the role with its title:\n{next}"
    );
    let next = env.en().ok(&["case", "next", id, "--now", T0]);
    assert!(
        next.contains("[school_liaison (school liaison officer)]"),
        "{next}"
    );
    let shown = env.ok(&["workflow", "show", "school-liaison"]);
    assert!(shown.contains("school_liaison（学校联络员）"), "{shown}");

    env.wardflow([
        "case",
        "advance",
        id,
        "tell_school",
        "--letters",
        "liaison-letters",
    ])
    .as_role("school_liaison")
    .now(T1)
    .ok();
    let letter = env.ok(&[
        "letter",
        "export",
        "L2026-000001",
        "--format",
        "txt",
        "--letters",
        "liaison-letters",
    ]);
    assert!(
        letter.contains(
            "某县教育局学校联络办公室（学校联络员）现就未成年人李小明一事，请学校联络员与学校联络办公室联系。"
        ),
        "the letter prints the role's title and the county's body:\n{letter}"
    );
}

#[test]
fn a_role_without_a_title_is_refused_at_publishing_with_its_position() {
    let env = TestEnv::empty();
    let untitled = LIAISON
        .replace(
            "roles:\n  school_liaison: { title: 学校联络员, title_en: school liaison officer }\n",
            "roles: [school_liaison]\n",
        )
        .replace("    letters: [liaison-note]\n", "");
    env.write_workflow("school-liaison.yaml", untitled);
    let err = env.fails(&["init", "--simulation", "--now", T0], 2);
    assert!(
        err.contains("school-liaison.yaml:3:9: 角色 `school_liaison` 没有名称：在 roles 中写明"),
        "{err}"
    );
    let err = env.en().fails(&["init", "--simulation", "--now", T0], 2);
    assert!(
        err.contains(
            "school-liaison.yaml:3:9: role `school_liaison` has no title: give the title people know it by under roles"
        ),
        "{err}"
    );
    assert!(!env.db().exists());
}

/// A version published before roles had titles (a plain list, as every database made before
/// this change holds) still loads: its cases open, advance and show, naming roles by key.
#[test]
fn a_version_published_before_roles_had_titles_still_opens() {
    let env = TestEnv::examples_only();
    env.init_simulation(T0);
    let old = "\
workflow: old-style
title: 旧式流程
roles: [village_committee]
fields:
  child.name: { type: string, required: true, title: 儿童姓名 }
states:
  open: { title: 已登记, initial: true }
  done: { title: 已结案, final: true }
transitions:
  close: { title: 结案, from: [open], to: done, roles: [village_committee] }
";
    // Publishing it today is refused; the store is given it as an older build published it.
    let def = definition::load_published("workflows/old-style.yaml", old.as_bytes())
        .expect("the old form still decodes");
    assert!(def.role_titles.is_empty());
    {
        let store = Store::open(&env.db(), Duration::from_secs(5)).expect("open");
        let at = T0.parse::<jiff::Timestamp>().expect("time");
        store
            .publish(
                &[(
                    "workflows/old-style.yaml".into(),
                    old.as_bytes().to_vec(),
                    def,
                )],
                "张三",
                at,
            )
            .expect("publish");
    }
    let id = env
        .wardflow(["case", "open", "old-style"])
        .as_role("village_committee")
        .set("child.name", "王小红")
        .now(T1)
        .ok();
    let id = id.trim();
    let next = env.wardflow(["case", "next", id]).now(T1).ok();
    assert!(next.contains("[village_committee]"), "{next}");
    let shown = env.ok(&["workflow", "show", "old-style"]);
    assert!(shown.contains("village_committee"), "{shown}");
    env.wardflow(["case", "advance", id, "close"])
        .as_role("village_committee")
        .now(T1)
        .ok();
    let shown = env.ok(&["case", "show", id]);
    assert!(shown.contains("done（已结案）"), "{shown}");
}
