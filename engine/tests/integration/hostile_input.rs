//! Property tests: hostile input reaches every parser and evaluator a user can feed, and each
//! answers with a value or an error, never a panic. They complement the unit proptests of the
//! YAML loader (`yaml.rs`), the period parser (`period.rs`) and generated guards (`guard.rs`)
//! with what those do not reach: the `--set` and `--data` parsers, whole workflow files with
//! periods and guards spliced in, every shipped guard against ill-typed data, and `import`.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use wardflow_engine::definition::{self, Data, DeadlineRule, Definition};
use wardflow_engine::guard::{Guard, GuardResult, GuardScope};
use wardflow_engine::period::{Period, shanghai};
use wardflow_engine::value;

fn workflow_source(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shipped() -> Vec<Definition> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("workflows/")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| definition::load(n, workflow_source(n).as_bytes()).expect("shipped loads"))
        .collect()
}

/// example-care, which declares a field of every type (loaded once).
fn example_care() -> &'static Definition {
    static DEF: std::sync::OnceLock<Definition> = std::sync::OnceLock::new();
    DEF.get_or_init(|| {
        definition::load(
            "example-care.yaml",
            workflow_source("example-care.yaml").as_bytes(),
        )
        .expect("example-care loads")
    })
}

/// Text that looks like what people type into `--set`: field names of every type, separators,
/// dates, numbers, JSON, control characters and wide characters.
fn assignment() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec![
        "child.name",
        "child.birth_date",
        "child.id_number",
        "departure_at",
        "carer.disqualified",
        "carer.relation",
        "contacts_logged",
        "contact_channels",
        "siblings",
        "nosuch",
        "",
        " child.name ",
    ]);
    let value = prop_oneof![
        "\\PC{0,30}",
        ".{0,30}",
        "[0-9]{0,5}-[0-9]{0,3}-[0-9]{0,3}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?)?",
        "-?[0-9]{0,25}",
        "(true|false|yes|no|是|否|maybe)",
        "\\[[{}\\[\\]\",: a-z0-9小]{0,40}",
        "[1-9][0-9]{16}[0-9Xx]",
        "(grandparent|relative|other_adult|neighbour),?(video|phone)?",
    ];
    (field, prop::sample::select(vec!["=", "==", ""]), value)
        .prop_map(|(f, eq, v)| format!("{f}{eq}{v}"))
}

/// A YAML-ish document for `--data`.
fn data_document() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        prop::collection::vec(
            prop::sample::select(
                "child.name: 小明\nbirth_date: 2018-05-01\nsiblings: [{name: a, birth_date: x}]\n&*[]{}:,-|>'\"#\t ?0123456789"
                    .chars()
                    .collect::<Vec<_>>()
            ),
            0..200
        )
        .prop_map(|c| c.into_iter().collect::<String>().into_bytes()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `--set` never panics; what it accepts is canonical (checking it again changes nothing).
    #[test]
    fn set_parser_never_panics_and_accepts_only_canonical_values(arg in assignment()) {
        let def = example_care();
        if let Ok((field, v)) = value::parse_assignment(def, &arg) {
            let ty = &def.fields[&field].ty;
            prop_assert_eq!(value::check_json(ty, &v), Ok(v.clone()), "{}", arg);
        }
    }

    /// `--data` never panics on arbitrary bytes or YAML-ish text.
    #[test]
    fn data_parser_never_panics(doc in data_document()) {
        let def = example_care();
        let _ = value::parse_data(def, &doc);
    }

    /// Dates and datetimes: canonical forms are fixed points; nothing panics.
    #[test]
    fn date_and_time_canonical_forms_are_fixed_points(text in "\\PC{0,40}") {
        if let Some(d) = value::canonical_date(&text) {
            prop_assert_eq!(value::canonical_date(&d), Some(d.clone()));
        }
        if let Some(t) = value::canonical_datetime(&text) {
            prop_assert_eq!(value::canonical_datetime(&t), Some(t.clone()));
        }
    }

}

/// Every shipped workflow with its field types and its guards, compiled once.
type Compiled = (
    Definition,
    std::collections::BTreeMap<String, definition::FieldType>,
    Vec<Guard>,
);

fn compiled() -> &'static [Compiled] {
    static ALL: std::sync::OnceLock<Vec<Compiled>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        shipped()
            .into_iter()
            .map(|def| {
                let types = def.field_types();
                let scope = GuardScope {
                    fields: &types,
                    settings: &def.settings,
                };
                let guards = def
                    .transitions
                    .iter()
                    .flat_map(|t| t.guards.iter())
                    .map(|g| Guard::compile(&g.source, &scope).expect("a shipped guard compiles"))
                    .collect();
                (def, types, guards)
            })
            .collect()
    })
}

proptest! {
    // Each case loads a whole workflow (compiling its guards): fewer cases, same reach.
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A workflow file with a hostile period where a deadline's `within` goes (literal or a
    /// settings template): it loads or reports problems, never panics; an accepted literal
    /// period parses on its own.
    #[test]
    fn workflow_durations_never_panic(
        period in prop_oneof![
            "\\PC{0,16}",
            "[0-9０-９]{0,20} ?(h|d|w|mo|y|wd|months?|days?|working days|个月|天|小时|年|个工作日)?",
            "\\{\\{ ?settings\\.[a-z_]{0,20} ?\\}\\}",
        ],
        setting in "[0-9]{0,20} ?(d|h|months|x)?",
    ) {
        let source = workflow_source("example-care.yaml")
            .replacen("within: 5 working days", &format!("within: \"{}\"", period.replace('"', "")), 1)
            .replacen("contact_interval: 7d", &format!("contact_interval: \"{setting}\""), 1);
        if let Ok(def) = definition::load("p.yaml", source.as_bytes()) {
            for d in def.start.deadlines.iter() {
                let (DeadlineRule::Within(spec) | DeadlineRule::Every(spec) | DeadlineRule::DateAfter(spec)) =
                    &d.rule;
                // A definition that loaded has periods that resolve.
                prop_assert!(spec.resolve(&def.settings).is_some(), "{}", period);
            }
        }
        let _ = Period::parse(&period);
    }

    /// Mutated workflow files (a character inserted, a span deleted) never panic the loader.
    #[test]
    fn mutated_workflows_never_panic(
        at in 0usize..20_000,
        cut in 0usize..40,
        insert in prop::sample::select("[]{}:,-&*!|>'\"#\n\t ?%@`~0a中".chars().collect::<Vec<_>>()),
    ) {
        let source = workflow_source("example-care.yaml");
        let chars: Vec<char> = source.chars().collect();
        let at = at % chars.len();
        let end = (at + cut).min(chars.len());
        let mut mutated: String = chars[..at].iter().collect();
        mutated.push(insert);
        mutated.extend(&chars[end..]);
        let _ = definition::load("m.yaml", mutated.as_bytes());
        let _ = definition::load_published("m.yaml", mutated.as_bytes());
    }

}

proptest! {
    // Each case creates a database file.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `import` of arbitrary lines refuses them and leaves no file; it never panics.
    #[test]
    fn import_never_panics_and_leaves_nothing(lines in prop::collection::vec(import_line(), 0..6)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("i.redb");
        let text = lines.join("\n");
        let result = wardflow_engine::store::dump::import(&target, text.as_bytes());
        if result.is_err() {
            prop_assert!(!target.exists());
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        prop_assert!(left.len() <= usize::from(result.is_ok()), "{:?}", left);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every guard of every shipped workflow evaluated against data of any shape (wrong types,
    /// nulls, nested junk) at any time: an answer, never a panic.
    #[test]
    fn shipped_guards_never_panic_on_ill_typed_data(
        values in prop::collection::vec(json_value(), 1..12),
        seconds in -2_000_000_000i64..4_000_000_000,
        pick in any::<prop::sample::Index>(),
    ) {
        let all = compiled();
        let (def, types, guards) = &all[pick.index(all.len())];
        let data: Data = types
            .keys()
            .zip(values.iter().cycle())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let scope = GuardScope { fields: types, settings: &def.settings };
        let now = jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        for guard in guards {
            // Any answer is fine (ill-typed data may well be an error); a panic is not.
            let _: GuardResult = guard.evaluate(&data, &scope, now, &shanghai());
        }
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Value::from),
        "(grandparent|male|female|video|true|2026-11-23T10:00:00\\+08:00)".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("(name|birth_date|sex|x)", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Lines that look like an export's.
fn import_line() -> impl Strategy<Value = String> {
    let kind = prop::sample::select(vec!["meta", "definition", "counter", "case", "event", "x"]);
    prop_oneof![
        "\\PC{0,60}",
        (kind, "\\PC{0,30}").prop_map(|(k, rest)| format!("{{\"type\":\"{k}\",{rest}}}")),
        Just("{\"type\":\"meta\",\"export_format\":1,\"record\":{\"v\":1,\"body\":{\"created_at\":\"2026-11-23T02:00:00Z\",\"simulation\":true,\"profile\":null}}}".to_owned()),
        Just("{\"type\":\"counter\",\"key\":\"case:2026\",\"value\":1}".to_owned()),
        Just("{\"type\":\"case\",\"case\":\"2026-000001\",\"workflow\":\"w\",\"state\":\"s\",\"seq\":1}".to_owned()),
        Just("{\"type\":\"event\",\"case\":\"2026-000001\",\"seq\":1,\"record\":{\"v\":1,\"body\":{}}}".to_owned()),
    ]
}
