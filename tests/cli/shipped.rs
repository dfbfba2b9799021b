//! What ships in the repository works together: every workflow validates and every county
//! profile loads against the workflows and can start a database.

use crate::common;

use common::TestEnv;

#[test]
fn every_shipped_workflow_validates() {
    let env = TestEnv::new();
    let out = env.ok(&["workflow", "validate"]);
    for workflow in [
        "entrusted-care",
        "temporary-custody",
        "detained-parent",
        "guardianship-intervention",
        "guardianship-review",
    ] {
        assert!(out.contains(&format!("通过（{workflow}）")), "{out}");
    }
}

#[test]
fn every_shipped_profile_starts_a_database() {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
    let mut names: Vec<String> = std::fs::read_dir(&source)
        .expect("profiles dir")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .collect();
    names.sort();
    assert_eq!(names, ["default", "guizhou", "qianjiang"]);
    for name in names {
        let env = TestEnv::new();
        std::fs::create_dir_all(env.root().join("profiles")).expect("profiles dir");
        let file = format!("{name}.yaml");
        std::fs::copy(source.join(&file), env.root().join("profiles").join(&file))
            .expect("copy profile");
        env.ok(&[
            "init",
            "--simulation",
            "--now",
            "2026-11-23T10:00:00+08:00",
            "--profile",
            &name,
        ]);
    }
}
