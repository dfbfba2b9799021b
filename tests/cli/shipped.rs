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

/// Every shipped workflow gives an English title to itself and to each of its states,
/// transitions, fields and deadlines, and an English reason to each guard that gives a reason,
/// so `--lang en` reads in English throughout (refusals too) and a new one cannot forget.
#[test]
fn every_shipped_workflow_has_english_titles_throughout() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .expect("workflows dir")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "{files:?}");
    let mut missing = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).expect("read workflow");
        let def = wardflow_engine::definition::load(&name, &bytes).expect("shipped loads");
        let mut check = |what: String, title_en: &Option<String>| {
            if title_en.as_deref().is_none_or(|t| t.trim().is_empty()) {
                missing.push(format!("{}: {what}", def.key));
            }
        };
        check("title_en".into(), &def.title_en);
        for (key, f) in &def.fields {
            check(format!("fields.{key}"), &f.title_en);
        }
        for s in &def.states {
            check(format!("states.{}", s.key), &s.title_en);
        }
        for (i, d) in def.start.deadlines.iter().enumerate() {
            check(format!("start.deadlines[{i}] ({})", d.name), &d.title_en);
        }
        for t in &def.transitions {
            check(format!("transitions.{}", t.key), &t.title_en);
            for (i, g) in t.guards.iter().enumerate() {
                if g.reason.is_some() {
                    check(
                        format!("transitions.{}.guard[{i}].reason_en", t.key),
                        &g.reason_en,
                    );
                }
            }
            for (i, d) in t.deadlines.iter().enumerate() {
                check(
                    format!("transitions.{}.deadlines[{i}] ({})", t.key, d.name),
                    &d.title_en,
                );
            }
        }
    }
    assert!(
        missing.is_empty(),
        "without title_en:\n{}",
        missing.join("\n")
    );
}

/// Every shipped document has an English name, which listings and messages give under
/// `--lang en` (the document itself is printed in Chinese).
#[test]
fn every_shipped_document_has_an_english_name() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("letters/documents.yaml");
    let bytes = std::fs::read(&path).expect("documents.yaml");
    let table =
        wardflow_engine::letters::table::parse(&bytes, "documents.yaml").expect("table parses");
    assert!(table.documents.len() >= 14, "{:?}", table.documents.keys());
    let missing: Vec<&String> = table
        .documents
        .iter()
        .filter(|(_, d)| d.title_en.as_deref().is_none_or(|t| t.trim().is_empty()))
        .map(|(k, _)| k)
        .collect();
    assert!(missing.is_empty(), "without title_en: {missing:?}");
}
