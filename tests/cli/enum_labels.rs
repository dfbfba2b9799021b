//! Enum values carry labels (男/女, 家庭暴力 …): publishing refuses a value without one, what a
//! person reads shows them, and `--set` takes a label as well as the key.

use crate::common;

use common::{T0, TestEnv, env, json};

/// A workflow with a labelled enum whose two values share a label, and one unlabelled value
/// when `unlabelled` is set.
fn routes(unlabelled: bool) -> String {
    let other = if unlabelled {
        "other:"
    } else {
        "other: { title: 其他, title_en: elsewhere }"
    };
    format!(
        "\
workflow: routes
title: 去向测试
roles: {{ worker: 办事员 }}
fields:
  route: {{ type: enum, values: {{ entrust: 委托照护, entrusted_care: 委托照护, {other} }}, title: 去向 }}
states:
  open: {{ initial: true }}
  closed: {{ final: true }}
start:
  roles: [worker]
  requires: [route]
transitions:
  finish: {{ from: [open], to: closed, roles: [worker] }}
"
    )
}

#[test]
fn publishing_refuses_an_enum_value_without_a_label_naming_the_field_and_its_title() {
    let env = TestEnv::examples_only();
    let path = env.write_workflow("routes.yaml", routes(true));
    let err = env.fails(&["workflow", "validate", &path], 2);
    assert!(
        err.contains("字段 route（去向） 的取值 `other` 没有标签"),
        "{err}"
    );
    assert!(err.contains("workflows/routes.yaml:5:"), "{err}");
    let err = env
        .wardflow(["workflow", "validate", &path])
        .en()
        .run()
        .exit(2)
        .stderr_text();
    assert!(
        err.contains("value `other` of field route (去向) has no label"),
        "{err}"
    );
}

#[test]
fn a_label_is_accepted_for_the_key_and_an_ambiguous_one_names_both_keys() {
    let env = TestEnv::examples_only();
    env.write_workflow("routes.yaml", routes(false));
    env.init_simulation(T0);
    let err = env
        .wardflow(["case", "open", "routes"])
        .as_role("worker")
        .set("route", "委托照护")
        .now(T0)
        .fails(2);
    assert!(err.contains("entrust"), "{err}");
    assert!(err.contains("entrusted_care"), "{err}");
    assert!(err.contains("「委托照护」是多个取值"), "{err}");
    let id = env
        .wardflow(["case", "open", "routes"])
        .as_role("worker")
        .set("route", "其他")
        .now(T0)
        .ok();
    let shown = env.show_json(id.trim());
    assert_eq!(shown["data"]["route"], "other");
    assert_eq!(shown["data"]["route_title"], "其他");
    // The English label: printed under --lang en, and accepted for the key.
    let text = env
        .wardflow(["case", "show", id.trim(), "--now", T0])
        .en()
        .ok();
    assert!(text.contains("route (去向): elsewhere"), "{text}");
    let id = env
        .wardflow(["case", "open", "routes"])
        .as_role("worker")
        .set("route", "elsewhere")
        .now(T0)
        .ok();
    assert_eq!(env.show_json(id.trim())["data"]["route"], "other");
}

#[test]
fn show_history_next_and_list_print_labels() {
    let env = env();
    let id = env
        .wardflow(["case", "open", "example-care"])
        .as_role("parent")
        .set("child.name", "小红")
        .set("child.birth_date", "2018-05-01")
        .set("child.sex", "女")
        .set("parent.name", "李四")
        .now(T0)
        .ok();
    let id = id.trim();
    let shown = env.show_json(id);
    assert_eq!(shown["data"]["child.sex"], "female");
    assert_eq!(shown["data"]["child.sex_title"], "女");
    let text = env.ok(&["case", "show", id, "--now", T0]);
    assert!(text.contains("child.sex（儿童性别）: 女"), "{text}");
    let history = env.ok(&["case", "history", id, "--now", T0]);
    assert!(history.contains("child.sex（儿童性别） = 女"), "{history}");
    let events = json(&env.ok(&["case", "history", id, "--json", "--now", T0]));
    assert_eq!(events[0]["data"]["child.sex_title"], "女", "{events:#}");
    assert_eq!(events[0]["state_title"], "已报告备案", "{events:#}");
    let next = env.ok(&["case", "next", id, "--now", T0]);
    assert!(
        next.contains("carer.relation 可填：grandparent（祖父母或者外祖父母）"),
        "{next}"
    );
    let list = env.ok(&["case", "list", "--now", T0]);
    assert!(list.contains("registered（已报告备案）"), "{list}");
    let list = json(&env.ok(&["case", "list", "--json", "--now", T0]));
    assert_eq!(list[0]["state_title"], "已报告备案", "{list:#}");
    assert_eq!(list[0]["workflow_title"], "示例：委托照护·语言特性演示");
}

#[test]
fn every_shipped_enum_value_has_a_chinese_label() {
    // Publishing refuses one without; every shipped workflow publishes (see `shipped`), so a
    // validation of the whole directory passing is the check.
    let env = TestEnv::new();
    env.ok(&["workflow", "validate"]);
}

/// Every enum value of every shipped process has an English label beside its Chinese one
/// (issue 18), in lists and records too.
#[test]
fn every_shipped_enum_value_has_an_english_label() {
    use wardflow_engine::definition::{self, FieldType};
    fn missing(ty: &FieldType, at: &str, out: &mut Vec<String>) {
        match ty {
            FieldType::Enum { values, labels } => {
                for v in values {
                    if labels.get(v).is_none_or(|l| l.title_en.is_none()) {
                        out.push(format!("{at}={v}"));
                    }
                }
            }
            FieldType::List(inner) => missing(inner, at, out),
            FieldType::Records(subs) => {
                for (k, sub) in subs {
                    missing(sub, &format!("{at}.{k}"), out);
                }
            }
            _ => {}
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows");
    let mut checked = 0;
    let mut without = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("workflows/") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("example-") || !name.ends_with(".yaml") {
            continue;
        }
        let source = std::fs::read(&path).expect("read the workflow");
        let def = definition::load(name, &source).expect("a shipped workflow loads");
        for (key, field) in &def.fields {
            missing(&field.ty, &format!("{name}: {key}"), &mut without);
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    assert!(without.is_empty(), "no English label: {without:#?}");
}

/// Under `--lang en` a shipped process's enum values read in English in `case show`,
/// `case history` and `case next`; Chinese stays the default.
#[test]
fn english_labels_show_under_lang_en() {
    let env = TestEnv::new();
    env.init_simulation(T0);
    let id = env
        .wardflow(["case", "open", "entrusted-care"])
        .as_role("parent")
        .set("child.name", "李小明")
        .set("child.birth_date", "2018-05-01")
        .set("child.sex", "女")
        .set("parent.name", "李强")
        .set("parent.work_place", "广东省东莞市")
        .set("parent.phone", "13800000000")
        .set("parent.relation", "father")
        .now(T0)
        .ok();
    let id = id.trim();
    let show = env.en().ok(&["case", "show", id, "--now", T0]);
    let sex = show
        .lines()
        .find(|l| l.contains("child.sex"))
        .unwrap_or_else(|| panic!("{show}"));
    assert!(sex.ends_with(": female"), "{show}");
    let history = env.en().ok(&["case", "history", id, "--now", T0]);
    assert!(history.contains("= female"), "{history}");
    assert!(history.contains("= father"), "{history}");
    let next = env.en().ok(&["case", "next", id, "--now", T0]);
    assert!(
        next.contains("grandparent, adult_sibling (adult brother or sister)"),
        "{next}"
    );
    assert!(!next.contains("祖父母或者外祖父母"), "{next}");
    let show = env.ok(&["case", "show", id, "--now", T0]);
    assert!(show.contains("child.sex（儿童性别）: 女"), "{show}");
    let next = env.ok(&["case", "next", id, "--now", T0]);
    assert!(next.contains("grandparent（祖父母或者外祖父母）"), "{next}");
}
