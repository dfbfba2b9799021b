//! What the scenario files share: a simulation database at T0, acts that must pass or be
//! refused, the words of a guard refusal, field overrides, identity numbers.

use super::{T0, TestEnv};

/// A simulation database with the repository's workflows published at T0.
pub fn env() -> TestEnv {
    let env = TestEnv::new();
    env.init_simulation(T0);
    env
}

/// Opens a case; returns its id.
#[track_caller]
pub fn open(env: &TestEnv, workflow: &str, role: &str, sets: &[(&str, &str)], now: &str) -> String {
    let out = env
        .wardflow(["case", "open", workflow])
        .as_role(role)
        .sets(sets)
        .now(now)
        .ok();
    out.trim().to_owned()
}

/// Fires a transition that must succeed; returns stdout.
#[track_caller]
pub fn advance(
    env: &TestEnv,
    id: &str,
    transition: &str,
    role: &str,
    sets: &[(&str, &str)],
    now: &str,
) -> String {
    env.wardflow(["case", "advance", id, transition])
        .as_role(role)
        .sets(sets)
        .now(now)
        .ok()
}

/// Fires a transition that must be refused by a rule (exit 1, nothing changed); returns stderr.
#[track_caller]
pub fn refused(
    env: &TestEnv,
    id: &str,
    transition: &str,
    role: &str,
    sets: &[(&str, &str)],
    now: &str,
) -> String {
    env.wardflow(["case", "advance", id, transition])
        .as_role(role)
        .sets(sets)
        .now(now)
        .refused()
}

/// The message of a guard refusal, as the caseworker reads it.
pub fn guard_message(transition: &str, title: &str, reason: &str, cel: &str) -> String {
    format!("错误：不能执行 {transition}（{title}）：{reason}。原因：条件不成立；条件：{cel}\n")
}

/// `base` with the entries of `overrides` replacing those of the same key (or added).
pub fn with<'a>(
    base: &[(&'a str, &'a str)],
    overrides: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = base
        .iter()
        .filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k))
        .copied()
        .collect();
    out.extend_from_slice(overrides);
    out
}

/// A GB 11643 identity number: the 17 digits given, then the ISO 7064 MOD 11-2 check character.
pub fn id_number(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    assert_eq!(first17.len(), 17, "17 digits");
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).expect("a digit") * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// `text` parsed as JSON, or a failure that shows it.
#[track_caller]
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}
