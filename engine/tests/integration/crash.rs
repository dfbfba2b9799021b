//! Crash harness: a child process runs a random workload of opens, advances, letter issues and
//! ticks against one database and prints a line for each command after its commit returned
//! (acknowledged); the harness kills it with SIGKILL at a random moment, reopens the database
//! and checks that
//! - every acknowledged command is there,
//! - nothing is half there (each case replays from its history to its snapshot, every issued
//!   letter is in the archive and in its case's history, and numbers have no gaps),
//! - every history verifies as a hash chain.
//!
//! Then it goes on with the next round on the same file.
//!
//! The child is this test binary itself, running the ignored `crash_driver` test.
//! `WARDFLOW_CRASH_KILLS` sets the number of rounds (CI: 50); for a long run:
//!
//! ```sh
//! WARDFLOW_CRASH_KILLS=1000 cargo test --release -p wardflow-engine --test integration crash:: -- --nocapture
//! ```

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use wardflow_engine::case::{Case, CaseId, EventKind};
use wardflow_engine::definition::{Data, load_all};
use wardflow_engine::letters::Renderer;
use wardflow_engine::period::{china_2025_2026, shanghai};
use wardflow_engine::profile::{self, Profile};
use wardflow_engine::step::{Actor, Clock, Command, Open};
use wardflow_engine::store::{CaseFilter, IssueLetter, IssuingContext, Store};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const WARNING_PREFIX: &str = "渝公黔告诫字";

/// A small deterministic generator (xorshift64*), so a failing round can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn data(pairs: &[(&str, &str)]) -> Data {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
        .collect()
}

fn actor(role: &str) -> Actor {
    Actor {
        user: "崩溃测试".into(),
        role: role.into(),
    }
}

fn profile(defs: &[wardflow_engine::definition::Definition]) -> Profile {
    let bytes = std::fs::read(format!("{ROOT}/profiles/qianjiang.yaml")).expect("profile");
    let refs: Vec<&_> = defs.iter().collect();
    profile::load("qianjiang.yaml", &bytes, &refs).expect("profile loads")
}

/// Creates the database with the shipped workflows published.
fn create(path: &Path, now: Timestamp) {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(format!("{ROOT}/workflows"))
        .expect("workflows dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("workflow"))
        })
        .collect();
    files.sort();
    let (defs, failed) = load_all(&files, &[]);
    assert!(failed.is_empty(), "{failed:?}");
    let only: Vec<_> = defs.iter().map(|(_, d)| d.clone()).collect();
    let store = Store::create(path, true, Some(profile(&only)), now).expect("create");
    let publish: Vec<_> = defs
        .into_iter()
        .map(|(name, def)| {
            let bytes = files
                .iter()
                .find(|(f, _)| *f == name)
                .map(|(_, b)| b.clone())
                .unwrap_or_default();
            (name, bytes, def)
        })
        .collect();
    store.publish(&publish, "崩溃测试", now).expect("publish");
}

/// The workload, run in the child until it is killed. Each line on stdout is one acknowledged
/// command, printed only after its commit returned.
#[test]
#[ignore = "run by the crash harness as its child process"]
fn crash_driver() {
    let Ok(db) = std::env::var("WARDFLOW_CRASH_DB") else {
        return;
    };
    let seed: u64 = std::env::var("WARDFLOW_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let base: Timestamp = std::env::var("WARDFLOW_CRASH_BASE")
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("base time");
    let mut rng = Rng(seed | 1);
    let store = Store::open(Path::new(&db), Duration::from_secs(10)).expect("open");
    let renderer = Renderer::load(format!("{ROOT}/letters")).expect("letters");
    let profile = store.meta().profile.clone();
    let salts = wardflow_engine::app::act::Salts::sequence(seed);
    let issuing = IssuingContext {
        renderer: &renderer,
        profile: profile.as_ref(),
        salts: &salts,
    };
    let tz = shanghai();
    let cal = china_2025_2026();
    let mut cases: Vec<(CaseId, String)> = Vec::new();
    store
        .each_case(&CaseFilter::default(), |c| {
            cases.push((c.id.clone(), c.workflow.clone()));
            true
        })
        .expect("list");
    let out = std::io::stdout();
    let ack = |line: String| {
        let mut out = out.lock();
        writeln!(out, "ACK {line}").expect("stdout");
        out.flush().expect("flush");
    };
    for i in 0u64.. {
        let now = base
            .checked_add(SignedDuration::from_secs(60 * i as i64))
            .expect("time");
        let clock = Clock {
            now,
            tz: &tz,
            calendar: &cal,
        };
        match rng.below(10) {
            0..=2 => {
                let (workflow, role, fields): (&str, &str, &[(&str, &str)]) = if rng.below(2) == 0 {
                    (
                        "example-care",
                        "parent",
                        &[
                            ("child.name", "小明"),
                            ("child.birth_date", "2018-05-01"),
                            ("parent.name", "李强"),
                        ],
                    )
                } else {
                    (
                        "guardianship-intervention",
                        "police",
                        &[
                            ("source", "mandatory_report"),
                            ("child.name", "张小花"),
                            ("abuser.name", "张大山"),
                            ("abuser.relation", "父亲"),
                            ("admonishment.facts", "殴打"),
                            ("admonishment.issued_at", "2026-11-23T09:30:00+08:00"),
                        ],
                    )
                };
                let (_, def) = store.latest(workflow).expect("latest").expect("published");
                let open = Open {
                    published: None,
                    crypto: Default::default(),
                    external: None,
                    actor: actor(role),
                    data: data(fields),
                    occurred_at: None,
                    profile: profile.as_ref().map(|p| p.name.clone()),
                    settings: profile::settings_for(profile.as_ref(), &def),
                    origin: None,
                    unit: None,
                    officer: None,
                };
                let applied = store
                    .open_case(workflow, open, &clock, Some(&issuing))
                    .expect("open case");
                let case = &applied.outcome.case;
                cases.push((case.id.clone(), workflow.to_owned()));
                ack(format!("open {} {}", case.id, case.seq));
            }
            3..=5 if !cases.is_empty() => {
                let (id, workflow) = cases[rng.below(cases.len() as u64) as usize].clone();
                let (transition, role, fields): (&str, &str, &[(&str, &str)]) =
                    if workflow == "example-care" {
                        match rng.below(3) {
                            0 => (
                                "sign_agreement",
                                "village_committee",
                                &[
                                    ("carer.name", "王奶奶"),
                                    ("carer.birth_date", "1960-03-02"),
                                    ("carer.relation", "grandparent"),
                                    ("departure_at", "2026-11-20T08:00:00+08:00"),
                                ],
                            ),
                            1 => ("log_contact", "parent", &[]),
                            _ => ("find_neglect", "child_director", &[("concern", "无人照看")]),
                        }
                    } else {
                        ("investigate", "police", &[])
                    };
                let command = Command::Fire {
                    transition: transition.into(),
                    actor: actor(role),
                    changes: data(fields),
                    note: None,
                    occurred_at: None,
                };
                // Refusals (a step the state does not allow) are part of the workload.
                if let Ok(applied) =
                    store.apply(&id, command, None, &clock, profile.as_ref(), Some(&issuing))
                {
                    ack(format!("advance {id} {}", applied.outcome.case.seq));
                }
            }
            6..=7 => {
                let Some((id, _)) = cases
                    .iter()
                    .filter(|(_, w)| w == "guardianship-intervention")
                    .nth(rng.below(4) as usize)
                    .cloned()
                else {
                    continue;
                };
                let request = IssueLetter {
                    key: "warning-letter".into(),
                    actor: actor("police"),
                    number: None,
                    replaces: None,
                };
                let (case, letter) = store
                    .issue_letter(&id, request, None, &clock, &issuing)
                    .expect("issue letter");
                ack(format!(
                    "letter {id} {} {} {}",
                    case.seq,
                    letter.id,
                    letter.number.unwrap_or_default()
                ));
            }
            _ => {
                store.tick(&clock, profile.as_ref()).expect("tick");
                ack("tick".to_owned());
            }
        }
    }
}

/// Everything a round checks, after the kill, on the reopened database.
fn check(path: &Path, acked: &[String]) -> usize {
    let store = Store::open(path, Duration::from_secs(10)).expect("reopen after the kill");
    let mut cases: BTreeMap<CaseId, Case> = BTreeMap::new();
    store
        .each_case(&CaseFilter::default(), |c| {
            cases.insert(c.id.clone(), c);
            true
        })
        .expect("list cases");
    // Every case replays from its history to its snapshot, with nothing beyond it.
    let mut issued_in_history = Vec::new();
    for (id, snapshot) in &cases {
        let history = store.history(id).expect("history");
        let replayed = Case::replay(id, &history).expect("history replays");
        assert_eq!(
            &replayed, snapshot,
            "case {id}: snapshot differs from replay"
        );
        for e in &history {
            if let EventKind::LetterIssued(l) = &e.kind {
                issued_in_history.push(l.letter.clone());
            }
        }
    }
    // Every history verifies as a hash chain.
    let chains = store.verify_chains(None).expect("verify chains");
    assert!(
        chains.broken.is_empty(),
        "broken chains: {:?}",
        chains.broken
    );
    // Every acknowledged command is there.
    for line in acked {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["open" | "advance", id, seq] | ["letter", id, seq, ..] => {
                let id: CaseId = id.parse().expect("case id");
                let seq: u32 = seq.parse().expect("seq");
                let case = cases
                    .get(&id)
                    .unwrap_or_else(|| panic!("acknowledged `{line}` but case {id} is gone"));
                assert!(
                    case.seq >= seq,
                    "acknowledged `{line}` but case {id} is at {}",
                    case.seq
                );
                if let ["letter", _, _, letter, number] = parts.as_slice() {
                    let record = store
                        .letter(letter)
                        .expect("letter lookup")
                        .unwrap_or_else(|| panic!("acknowledged letter {letter} is gone"));
                    assert_eq!(record.letter.number.as_deref(), Some(*number));
                }
            }
            ["tick"] => {}
            _ => panic!("unexpected ack line `{line}`"),
        }
    }
    // The archive and the histories agree, and numbers have no gaps or duplicates.
    let archive = store.letters(None).expect("letters");
    let mut archived: Vec<String> = archive.iter().map(|r| r.letter.id.clone()).collect();
    archived.sort();
    issued_in_history.sort();
    assert_eq!(archived, issued_in_history, "archive and histories differ");
    let mut serials: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for r in &archive {
        let Some(number) = &r.letter.number else {
            continue;
        };
        let rest = number.strip_prefix(WARNING_PREFIX).expect("prefix");
        let (year, serial) = rest.split_once('〕').expect("year");
        let serial: u32 = serial.trim_end_matches('号').parse().expect("serial");
        serials.entry(year.to_owned()).or_default().push(serial);
    }
    for (year, mut list) in serials {
        list.sort_unstable();
        let expected: Vec<u32> = (1..=list.len() as u32).collect();
        assert_eq!(list, expected, "numbers of {year} have gaps or duplicates");
    }
    acked.len()
}

fn round(path: &Path, exe: &Path, seed: u64, base: Timestamp, wait_ms: u64) -> Vec<String> {
    let mut child = Process::new(exe)
        .args(["--exact", "crash::crash_driver", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env("WARDFLOW_CRASH_DB", path)
        .env("WARDFLOW_CRASH_SEED", seed.to_string())
        .env("WARDFLOW_CRASH_BASE", base.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the driver");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(ack) = line.strip_prefix("ACK ") {
                let _ = tx.send(ack.to_owned());
            }
        }
    });
    // Kill while the workload runs, not while it starts: wait for its first acknowledgement.
    let mut acked = Vec::new();
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(first) => acked.push(first),
        Err(_) => {
            let _ = child.kill();
            let out = child.wait_with_output().expect("driver output");
            panic!(
                "the driver acknowledged nothing in 60 s:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    std::thread::sleep(Duration::from_millis(wait_ms));
    // SIGKILL: no destructor, no flush, no clean close of the file.
    child.kill().expect("kill");
    let _ = child.wait();
    reader.join().expect("reader");
    acked.extend(rx.try_iter());
    acked
}

#[test]
fn acknowledged_commands_survive_sigkill_and_nothing_is_half_written() {
    let kills: u64 = std::env::var("WARDFLOW_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("crash.redb");
    let start: Timestamp = "2026-11-23T02:00:00Z".parse().expect("time");
    create(&path, start);
    let exe = std::env::current_exe().expect("test binary");
    let mut rng = Rng(0x5eed_cafe);
    let mut acked_total = 0;
    let mut all_acked: Vec<String> = Vec::new();
    for k in 0..kills {
        // Each round's clock starts a day after the last, so history only moves forward.
        let base = start
            .checked_add(SignedDuration::from_hours(24 * (k as i64 + 1)))
            .expect("time");
        let wait_ms = rng.below(120);
        let acked = round(&path, &exe, rng.next(), base, wait_ms);
        all_acked.extend(acked.iter().cloned());
        acked_total += acked.len();
        // Everything acknowledged in any earlier round must still be there too.
        check(&path, &all_acked);
    }
    println!(
        "crash harness: {kills} kills survived, {acked_total} acknowledged commands, nothing lost"
    );
    assert!(
        acked_total > 0,
        "the driver acknowledged nothing: it never got going"
    );
}
