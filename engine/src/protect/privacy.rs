//! The office's privacy settings (issue 23), published like a calendar (`wardflow publish
//! privacy FILE`, kind `privacy`): who encrypted copies are written to, and how long a closed
//! case stays open to its caseworkers before it is sealed.
//!
//! ```yaml
//! recipients:            # age X25519 public keys (age1…), or in a national database SM2
//!                        # public keys (130 hex digits, 04…): each can open every copy
//!   - age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
//! retention:             # whole years after a case closes; the law names none
//!   default: 10
//!   temporary-custody: 20
//! ```
//!
//! The law gives no retention period for these records (PIPL 19 asks for the shortest
//! necessary), so the default is this build's: [`DEFAULT_RETENTION_YEARS`], stated in
//! docs/privacy.md, and a county publishes its own.

use std::collections::BTreeMap;

use jiff::{Span, Timestamp, tz::TimeZone};

use super::copies::{MAX_RECIPIENTS, Recipient};
use crate::case::Case;
use crate::definition::Definition;
use crate::problem::{Diagnostics, ProblemKind};
use crate::reader::{self, Reader};
use crate::yaml::NodeKind;

/// Years a closed case stays readable by its caseworkers when nothing is published.
pub const DEFAULT_RETENTION_YEARS: u32 = 10;
/// The longest retention a file may set.
pub const MAX_RETENTION_YEARS: u32 = 100;

/// The settings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Privacy {
    /// Who encrypted copies are written to (none: a copy needs `--plain`).
    pub recipients: Vec<Recipient>,
    /// Years after closing before a case is sealed, for workflows not named below.
    pub retention_years: u32,
    /// Per workflow key.
    pub by_workflow: BTreeMap<String, u32>,
}

impl Default for Privacy {
    fn default() -> Privacy {
        Privacy {
            recipients: Vec::new(),
            retention_years: DEFAULT_RETENTION_YEARS,
            by_workflow: BTreeMap::new(),
        }
    }
}

const TOP_KEYS: &[&str] = &["recipients", "retention"];

/// What a recipient is, as a problem names it (the binary words it).
pub const RECIPIENT_KINDS: &str = "an age public key (age1…) or an SM2 public key (130 hex digits)";

impl Privacy {
    /// Reads a privacy file as published; every problem is collected with its place.
    pub fn load(file: &str, source: &[u8]) -> Result<Privacy, Diagnostics> {
        Self::read(file, source, None)
    }

    /// Reads a privacy file to be published in a database of profile `crypto`: a recipient of
    /// the other profile's kind (an age key in a national database, an SM2 key in a standard
    /// one) is a problem at its place.
    pub fn load_for(
        file: &str,
        source: &[u8],
        crypto: crate::crypto::Profile,
    ) -> Result<Privacy, Diagnostics> {
        Self::read(file, source, Some(crypto))
    }

    fn read(
        file: &str,
        source: &[u8],
        crypto: Option<crate::crypto::Profile>,
    ) -> Result<Privacy, Diagnostics> {
        let root = reader::parse(file, source)?;
        let mut r = Reader::default();
        let mut out = Privacy::default();
        if !matches!(root.kind, NodeKind::Map(_)) {
            r.wrong_type(&root, "", "mapping");
        }
        for (key, value) in r.entries(&root, "", Some(TOP_KEYS)) {
            match key {
                "recipients" => {
                    let items = r.seq(value, key);
                    if items.len() > MAX_RECIPIENTS {
                        r.wrong_type(value, key, "a list of at most 64 public keys");
                    }
                    for (i, item) in items.iter().take(MAX_RECIPIENTS).enumerate() {
                        let path = format!("recipients[{i}]");
                        let Some(text) = r.string(item, &path) else {
                            continue;
                        };
                        match Recipient::parse(text) {
                            Ok(k) if crypto.is_some_and(|c| c != k.crypto()) => {
                                let profile = crypto.unwrap_or_default();
                                r.problem(
                                    item.pos,
                                    &path,
                                    ProblemKind::RecipientOfOtherProfile {
                                        profile: profile.key(),
                                        found: k.crypto().key(),
                                    },
                                );
                            }
                            Ok(k) if !out.recipients.contains(&k) => out.recipients.push(k),
                            Ok(_) => {}
                            Err(_) => r.wrong_type(item, &path, RECIPIENT_KINDS),
                        }
                    }
                }
                "retention" => {
                    for (workflow, years) in r.entries(value, key, None) {
                        let path = reader::join(key, workflow);
                        let Some(n) = years
                            .as_i64()
                            .and_then(|n| u32::try_from(n).ok())
                            .filter(|n| (1..=MAX_RETENTION_YEARS).contains(n))
                        else {
                            r.wrong_type(years, &path, "whole years from 1 to 100");
                            continue;
                        };
                        if workflow == "default" {
                            out.retention_years = n;
                        } else {
                            out.by_workflow.insert(workflow.to_owned(), n);
                        }
                    }
                }
                _ => {}
            }
        }
        r.finish(file, out)
    }

    /// Years a closed case of `workflow` stays unsealed.
    pub fn retention(&self, workflow: &str) -> u32 {
        self.by_workflow
            .get(workflow)
            .copied()
            .unwrap_or(self.retention_years)
    }

    /// When `case` is (or will be) sealed: its closing plus its workflow's retention; None
    /// while it is open. A case is closed when it stands in a final state, and closed when it
    /// last changed (a final state takes no further act).
    pub fn sealed_from(&self, def: &Definition, case: &Case) -> Option<Timestamp> {
        if !def.is_final(&case.state) {
            return None;
        }
        let years = i64::from(self.retention(&case.workflow));
        let closed = case.updated_at.to_zoned_datetime(TimeZone::UTC);
        // Past the calendar's end a case is sealed from the last instant jiff knows.
        Some(
            closed
                .checked_add(Span::new().years(years))
                .map_or(Timestamp::MAX, |z| z.timestamp()),
        )
    }

    /// Whether `case` is sealed at `now`.
    pub fn is_sealed(&self, def: &Definition, case: &Case, now: Timestamp) -> bool {
        self.sealed_from(def, case).is_some_and(|at| at <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_recipients_and_retention_and_names_every_problem() {
        let (_, key) = super::super::copies::new_identity(
            crate::crypto::Profile::Standard,
            Timestamp::UNIX_EPOCH,
        );
        let text =
            format!("recipients:\n  - {key}\nretention:\n  default: 7\n  temporary-custody: 20\n");
        let p = Privacy::load("privacy.yaml", text.as_bytes()).expect("loads");
        assert_eq!(p.recipients.len(), 1);
        assert_eq!(p.retention("temporary-custody"), 20);
        assert_eq!(p.retention("guardianship-intervention"), 7);
        let bad = b"recipients: [age1nope]\nretention: { default: 0, x: 200 }\nrecepients: []\n";
        let e = Privacy::load("privacy.yaml", bad).expect_err("problems");
        let paths: Vec<&str> = e.problems.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"recipients[0]"), "{paths:?}");
        assert!(paths.contains(&"retention.default"), "{paths:?}");
        assert!(paths.contains(&"retention.x"), "{paths:?}");
        assert_eq!(e.problems.len(), 4, "{:?}", e.problems);
    }

    #[test]
    fn a_profile_admits_only_its_own_kind_of_recipient() {
        use crate::crypto::Profile;
        let (_, age) = super::super::copies::new_identity(Profile::Standard, Timestamp::UNIX_EPOCH);
        let (_, sm2) = super::super::copies::new_identity(Profile::National, Timestamp::UNIX_EPOCH);
        let text = format!("recipients:\n  - {age}\n  - {sm2}\n");
        let national = Privacy::load_for("privacy.yaml", text.as_bytes(), Profile::National)
            .expect_err("an age key in a national database");
        assert_eq!(national.problems.len(), 1, "{:?}", national.problems);
        assert_eq!(national.problems[0].path, "recipients[0]");
        assert!(matches!(
            national.problems[0].kind,
            ProblemKind::RecipientOfOtherProfile {
                profile: "national",
                found: "standard"
            }
        ));
        let standard = Privacy::load_for("privacy.yaml", text.as_bytes(), Profile::Standard)
            .expect_err("an SM2 key in a standard database");
        assert_eq!(standard.problems[0].path, "recipients[1]");
        let only_sm2 = format!("recipients:\n  - {sm2}\n");
        let p = Privacy::load_for("privacy.yaml", only_sm2.as_bytes(), Profile::National)
            .expect("an SM2 key in a national database");
        assert_eq!(p.recipients[0].crypto(), Profile::National);
    }

    #[test]
    fn nothing_published_means_ten_years_and_no_recipient() {
        let p = Privacy::default();
        assert_eq!(p.retention("anything"), DEFAULT_RETENTION_YEARS);
        assert!(p.recipients.is_empty());
    }
}
