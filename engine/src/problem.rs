//! What is wrong with a file a user wrote, and where: the problems every loader (workflows,
//! profiles, calendars, units, the letters table) collects, all of them rather than the first.
//! The engine only names a problem's kind; the binary turns each kind into a sentence in the
//! user's language.

use crate::definition::FieldType;
use crate::guard::GuardProblem;
use crate::period::PeriodError;
use crate::yaml::{Pos, YamlErrorKind};

/// One thing wrong with a workflow file, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where in the file; absent only when the file as a whole is wrong.
    pub pos: Option<Pos>,
    /// The dotted path of the offending key, e.g. `transitions.sign_agreement.to`.
    pub path: String,
    pub kind: ProblemKind,
}

/// What is wrong with a `title_en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleProblem {
    /// Empty, or only blanks.
    Empty,
    /// Holds a control character (a line break, a tab …).
    ControlCharacter,
    /// Longer than `limit` characters.
    TooLong { limit: usize },
}

/// What is wrong. The binary turns each kind into a sentence in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    Yaml(YamlErrorKind),
    UnknownKey {
        key: String,
        allowed: Vec<&'static str>,
        suggestion: Option<String>,
    },
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    MissingKey {
        key: &'static str,
    },
    /// A key that breaks the naming rule (kebab-case workflows, snake_case the rest).
    BadName {
        name: String,
        rule: NameRule,
    },
    DuplicateName {
        name: String,
    },
    ReservedRole {
        role: String,
    },
    /// A declared role without its title (`roles: { police: 公安机关 }`), which letters and
    /// listings print beside its key.
    RoleWithoutTitle {
        role: String,
    },
    /// An enum value without its label (`values: { male: 男, female: 女 }`), which `case show`
    /// and letters print and which users may type instead of the key.
    EnumValueWithoutLabel {
        field: String,
        title: String,
        value: String,
    },
    /// A `title_en` that cannot be shown as a title.
    BadTitle {
        problem: TitleProblem,
    },
    UnknownFieldType {
        ty: String,
        suggestion: Option<String>,
    },
    EmptyEnum,
    /// A recipient of encrypted copies of another kind than the database's cryptographic
    /// profile takes (`profile`): an age key in a national database, an SM2 key in a standard
    /// one (`found` is the profile the key belongs to).
    RecipientOfOtherProfile {
        profile: &'static str,
        found: &'static str,
    },
    NoInitialState,
    SeveralInitialStates {
        states: Vec<String>,
    },
    InitialIsFinal {
        state: String,
    },
    UndefinedState {
        state: String,
        suggestion: Option<String>,
    },
    UnreachableState {
        state: String,
    },
    DeadEndState {
        state: String,
    },
    LeavesFinalState {
        state: String,
    },
    UndeclaredRole {
        role: String,
        suggestion: Option<String>,
    },
    UndeclaredField {
        field: String,
        suggestion: Option<String>,
    },
    Guard(GuardProblem),
    BadPeriod {
        text: String,
        error: PeriodError,
    },
    UndeclaredSetting {
        name: String,
        suggestion: Option<String>,
    },
    UnknownTransition {
        name: String,
        suggestion: Option<String>,
    },
    /// `cancels` names a deadline no step of the workflow sets.
    UnknownDeadline {
        name: String,
        suggestion: Option<String>,
    },
    BreachNotSystem {
        transition: String,
    },
    NotATimeField {
        field: String,
    },
    /// A deadline counts from a field that the step entering its state does not require.
    DeadlineFieldNotRequired {
        field: String,
    },
    NotARecordsField {
        field: String,
    },
    BadValue {
        field: String,
        expected: FieldType,
    },
    UnknownWorkflow {
        workflow: String,
        suggestion: Option<String>,
    },
    SpawnMissesRequired {
        workflow: String,
        fields: Vec<String>,
    },
    /// A role that fires a spawning transition is unknown to the workflow it opens.
    SpawnRoleUndeclared {
        workflow: String,
        role: String,
    },
    SpawnTypeMismatch {
        target: String,
        source: String,
    },
    DuplicateWorkflow {
        workflow: String,
    },
    /// A units file names a unit it does not define.
    UnknownUnit {
        unit: String,
        suggestion: Option<String>,
    },
    /// A unit is (through its parents) its own parent.
    UnitCycle {
        unit: String,
    },
    /// A profile overrides settings of a workflow that is not published.
    UnknownProfileWorkflow {
        workflow: String,
        suggestion: Option<String>,
    },
    /// A value that must be one of a fixed set (a layout, a unit kind, a numbering mode).
    NotOneOf {
        value: String,
        allowed: Vec<String>,
        suggestion: Option<String>,
    },
    /// A calendar day listed under a year it is not in.
    DayOutsideYear {
        day: String,
        year: i16,
    },
    /// A calendar day listed both as a holiday and as a make-up working day.
    DayRestAndWork {
        day: String,
    },
    /// A field a letter may not take from case data (`letter.*`, `issuer.*`, `local.*`).
    ReservedLetterField {
        field: String,
    },
    /// A letter's template is not a `.hbs` file name inside the letters directory.
    BadTemplateName {
        name: String,
    },
    /// A document of the letters table names no issuer.
    NoIssuer {
        document: String,
    },
    /// A field a letter lists both as required and as optional.
    RequiredAndOptional {
        field: String,
    },
    /// An allocated number's pattern holds the part wardflow adds (〔year〕N号).
    PatternHasNumber {
        pattern: String,
    },
    /// A `pattern` for an issuer whose numbering is not allocated.
    PatternNotAllocated {
        role: String,
    },
    /// A `number_from` for an issuer whose numbering is not external.
    NumberFromNotExternal {
        role: String,
    },
    /// External (court) numbering on a document that is not laid out as a court document.
    ExternalNeedsCourt {
        role: String,
    },
    /// A number on a party document, which carries none.
    PartyNumbered {
        role: String,
    },
    /// A letter key that is not in the letters table.
    UnknownLetter {
        key: String,
        suggestion: Option<String>,
    },
    /// The letters table could not be loaded to check the letters a workflow issues.
    LettersUnavailable {
        detail: String,
    },
    /// An act issues a letter in `roles` without requiring every field the letter needs.
    LetterFieldsNotRequired {
        letter: String,
        roles: Vec<String>,
        fields: Vec<String>,
    },
    /// A letter the workflow issues prints fields the workflow does not declare: it could
    /// never print them, so the letter would silently fall back to a default or a blank.
    LetterFieldsUndeclared {
        letter: String,
        fields: Vec<String>,
    },
}

/// Naming rules for keys that users type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// `entrusted-care`
    Kebab,
    /// `sign_agreement`
    Snake,
    /// `child.birth_date`: snake_case segments joined by dots.
    DottedSnake,
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics {
    pub file: String,
    /// The workflow key, when the file got far enough to name one.
    pub workflow: Option<String>,
    pub problems: Vec<Problem>,
}

/// For logs and errors that carry a whole file: where the first problem is and how many there
/// are. A user sees every problem, worded in their language by the binary.
impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        let Some(first) = self.problems.first() else {
            return Ok(());
        };
        if let Some(pos) = first.pos {
            write!(f, ":{pos}")?;
        }
        write!(f, ": {} problem(s)", self.problems.len())?;
        if !first.path.is_empty() {
            write!(f, ", the first at `{}`", first.path)?;
        }
        Ok(())
    }
}
