# wardflow messages in English (for maintainers: --lang en or an English locale).

## General
error-prefix = error:{" "}
did-you-mean = {" "}(did you mean { $suggestion }?)
none = (none)
cleared = (cleared)
provisional = {" "}(provisional: past the holiday calendar, counted on weekdays)
due-at = due { $at }

## Database
db-missing = no database at { $path }. Run `wardflow init` first.
db-exists = { $path } already exists; init never touches an existing file.
db-not-wardflow = { $path } is not a wardflow database (wrong file format). Check --db.
db-busy = the database is busy: another wardflow command holds it (waited { $seconds } s). Retry, or wait longer with --lock-timeout.
db-read-only = the database file is read-only; nothing can be written. Check the file's permissions or the disk.
db-storage = storage failure: { $detail }. Nothing was written.
db-corrupt = a stored record cannot be read: { $detail }
now-not-simulation = --now is accepted only by a simulation database (`wardflow init --simulation`); a real database cannot be backdated.
system-role-reserved = the role system belongs to the deadline runner and cannot be given with --as.
bad-time = { $flag } "{ $value }" is not a time. Use RFC 3339, e.g. 2026-11-22T08:30:00+08:00, or Beijing time 2026-11-22 08:30.
cannot-read = cannot read { $path }: { $detail }

## Init and definitions
init-done = created { $simulation ->
    [yes] simulation
   *[no] real
} database { $path } and published { $count } workflow(s):
workflows-invalid = { $problems } problem(s) in { $files } file(s); nothing was changed.
validate-ok = { $file }: ok ({ $workflow })
publish-new = published { $workflow } version { $version } ({ $hash })
publish-same = { $workflow } is unchanged, still version { $version } ({ $hash })
no-workflows = no workflows published yet.
workflow-version = version { $version }  { $hash }  published by { $by } at { $at }
unknown-workflow = no workflow { $workflow } (not published, and no such file in the workflows directory).
unpublished-workflow = workflow { $workflow } is not published. Run `wardflow workflow publish` first.

## YAML problems
yaml-too-large = the file is too large ({ $bytes } bytes; the limit is { $limit }).
yaml-not-utf8 = the file is not UTF-8. Save it as UTF-8.
yaml-syntax = YAML syntax error: { $detail }
yaml-too-deep = nesting deeper than { $limit } levels.
yaml-too-many-nodes = more than { $limit } nodes after expanding aliases (an alias bomb?).
yaml-duplicate-key = key `{ $key }` appears twice.
yaml-unknown-alias = alias *{ $name } has no anchor &{ $name }.
yaml-multiple-documents = one file holds one YAML document (found another `---`).
yaml-empty = the file is empty.
yaml-complex-key = keys must be text, not lists or mappings.

## Definition problems
rule-kebab = lowercase letters, digits and hyphens (e.g. entrusted-care)
rule-snake = lowercase letters, digits and underscores (e.g. sign_agreement)
rule-dotted = dot-separated snake_case names (e.g. child.birth_date)
problem-unknown-key = unknown key `{ $key }`. Allowed here: { $allowed }
problem-wrong-type = expected { $expected } here, found { $found }.
problem-missing-key = missing required key `{ $key }`.
problem-bad-name = name `{ $name }` breaks the naming rule: use { $rule }.
problem-duplicate-name = `{ $name }` is listed twice.
problem-reserved-role = role `{ $role }` is reserved and cannot be declared (system transitions say roles: [system]).
problem-role-without-title = role `{ $role }` has no title: give the title people know it by under roles, e.g. roles: {"{"} { $role }: 公安机关 {"}"} (the Chinese title; title_en for English).
problem-enum-without-label = value `{ $value }` of field { $field } has no label: give the label people read under values, e.g. values: {"{"} { $value }: 男 {"}"} (the Chinese label; title_en for English).
problem-unknown-type = unknown field type `{ $ty }`. Use string, integer, boolean, date, datetime, enum or list.
problem-empty-enum = an enum needs at least one value (values).
problem-no-initial = no initial state: mark one state with initial: true.
problem-several-initial = only one state may be initial; found { $states }.
problem-initial-final = the initial state `{ $state }` cannot also be final.
problem-undefined-state = state `{ $state }` is not defined under states.
problem-unreachable = state `{ $state }` cannot be reached from the initial state: add a transition into it or remove it.
problem-dead-end = state `{ $state }` is not final but has no transition out: add one or mark it final: true.
problem-leaves-final = the final state `{ $state }` cannot have transitions out of it.
problem-undeclared-role = role `{ $role }` is not declared under roles.
problem-undeclared-field = field `{ $field }` is not declared under fields.
problem-guard = guard is wrong: { $detail }
problem-bad-period = "{ $text }" is not a period: { $detail }
problem-undeclared-setting = setting `{ $name }` is not declared under settings.
problem-unknown-transition = there is no transition `{ $name }`.
problem-breach-not-system = the breach transition `{ $transition }` must be a system transition (roles: [system]).
problem-not-time-field = the deadline's start field `{ $field }` must be a date or datetime.
problem-not-records-field = the for_each field `{ $field }` must be a list of records.
problem-bad-value = the value does not fit field `{ $field }` (expected { $expected }).
problem-unknown-workflow = spawned workflow `{ $workflow }` does not exist (not published, not among these files).
problem-spawn-misses-required = spawning `{ $workflow }` leaves its required opening fields unset: { $fields }. Provide them under data or set.
problem-spawn-type-mismatch = spawned field `{ $target }` and its source `{ $source }` have different types.
problem-duplicate-workflow = workflow key `{ $workflow }` is used by more than one file.

## Guards (CEL)
guard-syntax = syntax error: { $detail }
guard-unknown-field = undeclared field `{ $name }`
guard-unknown-function = unknown function `{ $name }`
guard-type-mismatch = `{ $expression }` compares different types: { $left } and { $right }
guard-not-boolean = a guard must be boolean, found { $found }
guard-enum-value = field `{ $field }` has no value "{ $value }"; its values are { $allowed }
guard-unset = field { $field } is not set
guard-false = the condition is false
guard-error = cannot be evaluated ({ $detail })

## Input
input-unknown-field = the workflow has no field `{ $field }`.
input-bad-value = field { $field }: "{ $value }" is not valid; expected { $expected }.
input-bad-value-hidden = field { $field }: the value is not valid; expected { $expected } (sensitive field, value not shown).
input-ambiguous-label = field { $field }: "{ $label }" is the label of several values ({ $keys }); type the value's key instead.
input-not-assignment = "{ $arg }" is not of the form field=value, e.g. --set child.name=Zhang.
input-control-char = field { $field } contains a control character; remove it and retry.
input-too-long = field { $field } is longer than { $limit } characters.
input-data-not-mapping = the --data document must be a mapping of field: value.
input-data-syntax = the --data document cannot be read: { $detail }
bad-case-id = "{ $case }" is not a case id (expected the form 2026-000123).
unknown-case = there is no case { $case }.
unknown-transition = workflow { $workflow } has no transition `{ $name }`. `wardflow case next` lists what can be done now.
unknown-role = workflow { $workflow } has no role `{ $role }`.
future-act = the act cannot have happened in the future ({ $at }).
act-time-disagrees = { $field } says the act happened at { $recorded }, but --at says { $at }: they record the same act. Give one of them, or make them agree.
amend-no-reason = a correction needs a reason (--reason).
amend-nothing = a correction must change at least one field (--set or --data).
no-initial-state = workflow { $workflow } has no initial state (internal error, please report).
stale-seq = case { $case } has moved on (it is at event { $actual }; you looked at event { $expected }). Look again before acting.
spawn-failed = the linked { $workflow } case cannot be opened: { $detail }. Nothing was done.

## Refusals (rules)
refused-closed = the case is closed (state { $state }); nothing more can be done.
refused-state = { $transition } cannot be done in state { $state }; it is allowed only from: { $from }.
refused-role = role { $role } may not do { $transition }; allowed roles: { $allowed }.
refused-role-open = role { $role } may not open this kind of case; allowed roles: { $allowed }.
refused-system-only = { $transition } is done only by the system when a deadline passes.
refused-missing = { $transition } needs: { $fields }.
refused-missing-open = opening the case needs: { $fields }.
refused-correction-guard = correcting { $fields } would make { $transition }, already taken, fail its guard: { $rule } (condition: { $guard }). The case would stand on an act the rules no longer allow; only an administrator (admin) may record this correction, with a reason (--reason).
refused-too-many-spawns = { $transition } would open { $count } cases, more than the { $limit } one act may open (setting max_spawns); nothing was changed. Split it up, or raise max_spawns in the county profile.
refused-guard = { $transition } is refused: { $rule }. Why: { $why }; guard: { $guard }
refused-late = cannot fire { $transition }: { $field } is not before the end of { $title } ({ $deadline }, due { $due }); the case counts the period once, as Civil Code 201–203 do, and the act must fall inside it.
refused-late-not-running = cannot fire { $transition }: the period { $deadline } it must fall inside is not running in this case.

## Case output
advanced = { $case } is now in state { $state }
spawned = opened linked case { $case } ({ $workflow })
letter-requested = letter to issue: { $key }
amended = corrected case { $case } (event { $seq })
show-case = case { $case }
show-simulated = SIMULATED: this database is a training copy of real data (import --simulation); this is not a real case and must not be acted on
show-workflow = workflow: { $workflow } { $version } ({ $hash })
show-state = state: { $state }
show-times = opened: { $opened }  updated: { $updated }  events: { $seq }
label-data = data:
label-links = links:
label-deadlines = deadlines:
label-letters-requested = letters:
label-missing = missing:{" "}
next-choices = { $field } takes: { $choices }
next-none = nothing can be done from state { $state }.
no-cases = no matching cases.
history-occurred = occurred { $occurred } (recorded { $recorded })
history-opened = opened → { $state }
history-from-case = , spawned by case { $case } ({ $link })
history-fired = { $transition }: { $from } → { $to }
history-note = ; note: { $note }
history-amended = data corrected; reason: { $reason }
history-overruled = overrules the condition of { $transition }, already taken: { $guard }
history-deadline-set = deadline { $name } set, due { $due }
history-deadline-cancelled = deadline { $name } cancelled ({ $why })
cancel-left-state = left its state
cancel-final-state = case closed
cancel-replaced = set again
history-letter = this act calls for letter { $key }
history-spawned = opened linked case { $case } ({ $workflow }, { $link })

## Workflow description
label-roles = roles:{" "}
label-fields = fields:
label-required = {" "}(required)
label-settings = settings:
label-states = states:
label-transitions = transitions:
label-requires = requires:{" "}
label-guard = guard:{" "}
label-deadline = deadline:{" "}
label-letters = letters:{" "}
label-spawn = spawns:{" "}

## Types and periods
type-string = text
type-integer = a whole number
type-boolean = true or false
type-date = a date YYYY-MM-DD, e.g. 2026-11-22
type-datetime = a date and time, e.g. 2026-11-22 08:30 or 2026-11-22T08:30:00+08:00
type-enum = one of { $values }
type-list = a list of { $inner }
type-records = a list of records (a JSON array), each with { $fields }
period-empty = the period is empty; write a number and a unit, e.g. 24h, 3d, 1 month, 5 working days
period-bad-number = "{ $text }" is not a positive whole number; a period starts with one, e.g. 3d, 1 month
period-no-unit = the unit is missing; use h, d, w, month, year or working days
period-unknown-unit = unknown unit "{ $unit }"; use h, d, w, month, year or working days
period-out-of-range = { $value } is out of range; use a whole number from 1 to { $max }
problem-deadline-field-not-required = the deadline counts from `{ $field }`, which may not be set when the state is entered: list it under the transition's (or the opening's) requires.
before-opening = the act ({ $at }) cannot have happened before the case was opened ({ $opened }).
label-start = opening:
type-id-number = an 18-character citizen identity number (last may be X; the check character must match)
identity-mismatch = identity number { $field } does not agree with { $other }: the birth date and sex inside the number must match what is recorded.
problem-profile-workflow = the profile names workflow `{ $workflow }`, which is not published.
kind-null = null
kind-boolean = a boolean (true/false)
kind-integer = an integer
kind-number = a number
kind-string = text
kind-list = a list
kind-mapping = a mapping (key: value)
kind-string-key = a text key
kind-scalar = text, a number or a boolean
kind-guard = a CEL expression or a {"{"}cel, reason{"}"} mapping
kind-record-field = a type name or {"{"}type: enum, values: [...]{"}"}
kind-list-of = a type name or a mapping of sub-fields
kind-period = a period (e.g. 7d, 6 months)
kind-text = text
kind-whole-number = a whole number
kind-bounded-number = a whole number from 0 to 100000
kind-true-false = true or false
kind-time-zone = a time zone (e.g. Asia/Shanghai)
kind-year = a year (e.g. 2026)
kind-copy = a recipient, or a {"{"}to: …, local: true{"}"} mapping
kind-local-setting = a boolean, an integer, text or a list of text
show-profile = profile: { $profile }
label-same-child = other cases of the same child:
tick-nothing = nothing due to remind or breach.
tick-reminded = { $case }: reminded that deadline { $deadline } falls due soon
tick-breached = { $case }: deadline { $deadline } passed without the act
tick-transition = { $case }: system fired { $transition } → { $to }
tick-spawned = opened linked case { $case } (from { $parent })
agenda-empty = nothing falls due in that time.
overdue-empty = nothing is overdue.
history-deadline-reminded = reminder: deadline { $name } falls due soon
history-deadline-breached = deadline { $name } passed at { $due } without the act
run-started = deadline runner started ({ $db }); Ctrl-C stops it.
run-stopped = deadline runner stopped.
problem-unknown-deadline = no step sets a deadline `{ $name }`, so cancels cannot end it.
cancel-met = done
problem-spawn-role = role `{ $role }` fires this transition, which opens a { $workflow } case, but { $workflow } does not declare that role: add it to its roles, or remove it from this transition.
tick-adjusted = { $case }: deadline { $deadline } recomputed on new calendar data, due { $due }
history-deadline-adjusted = deadline { $name } recomputed on new calendar data, due { $due }
overdue-mark = {" "}(overdue)
letter-missing-fields = the letter needs fields that are not set, so it was not made: { $fields }. Set them first (case amend, or with the act that sets them).
letter-unknown = there is no document `{ $key }` (see letters/documents.yaml).
letter-not-issuer = role { $role } does not issue { $document }.
letter-error = the letter cannot be made: { $detail }
letter-io = cannot read { $path }: { $detail }
letter-table = the letters table { $place } is wrong: { $detail }
letter-template = the letter template { $place } is wrong: { $detail }
letter-confidential = letter template { $place }: `{ $document }` may not contain the reporter's details (reporter.*); only the report receipt may.
letter-missing-issuer = { $document } needs an issuing body.
letter-number-on-draft = a draft carries no document number.
letter-missing-number = { $document } needs a document number.
letter-unexpected-number = { $document } carries no document number.
letter-bad-number = { $number } is not a valid document number: { $detail }
letter-bad-court-number = { $number } is not a valid court case number: { $detail }
letter-bad-code = the verification code must be 1 to 32 letters, digits or '-'.
letter-unknown-setting = `{ $name }` is not a local setting of this document.
letter-bad-setting = local setting `{ $name }` must be { $expected }.
letter-data-shape = the case data does not fit the document: { $detail }
letter-render = making `{ $document }` failed: { $detail }
cannot-write = cannot write { $path }: { $detail }
output-failed-done = the command was done and saved, but its output could not be written ({ $detail }). Do not run it again; see the result with case show / case history.
output-failed-nothing = the output could not be written ({ $detail }); nothing was changed, so it is safe to run again.
out-protected = { $path } is the database or one of its files (the signing key, the access log); no output is ever written there, not even with --force. Choose another file name.
out-exists = { $path } already exists and is kept. Add --force to replace it, or choose another file name.
clock-behind = the clock of this command ({ $now }) is earlier than the case's last record ({ $last }); a case's history cannot run backwards. Check --now or the system clock.

## Letters: issuing, the archive, verification
problem-unknown-letter = letter `{ $key }` is not in the letters table (letters/documents.yaml).
problem-letters-unavailable = cannot read the letters directory to check the letters this workflow issues: { $detail }
problem-letter-fields = issuing `{ $letter }` as { $role } needs fields that this step (and every path before it) does not require: { $fields }. Add them to this step's requires, so the letter cannot fail for a missing field when the act happens.
problem-letter-fields-undeclared = the letter `{ $letter }` prints fields this workflow does not declare: { $fields }. Declare them under fields (so a step can record them), or drop them from the letter in letters/documents.yaml and its template.
letter-unavailable = note: cannot read the letters directory; this act's letters wait (issue them later with letter issue): { $detail }
letter-issued = issued { $title } ({ $key }) number: { $number }, archive id: { $id }, verification code: { $code }
letter-pending = { $title } ({ $key }) was not issued with this act: { $reason }. The act itself is recorded; issue it later with `wardflow letter issue { $case } { $key } --as ROLE`.
pending-no-letters = the letters directory is not available ({ $detail })
pending-not-issuer = role { $role } does not issue it; it is issued by { $issuers }
pending-no-body = the profile configures no issuing body for { $role } (issuing_bodies.{ $role }: name, code, seal caption)
pending-no-number-field = the court case number is not set: { $field }
pending-no-number = it needs a court case number: give it with --number
pending-duplicate-number = document number { $number } is already used by another letter
letter-no-such = no letter with archive id or number `{ $id }`.
letter-other-document = archived letter { $id } is { $key }, not { $expected }: it cannot be replaced by it.
letter-not-in-force = letter { $id } is already void or replaced.
letter-void-no-reason = voiding a letter needs a --reason.
letter-void-not-issuer = letter { $id } was issued by { $issued_in }; { $role } may not void it.
letter-voided = voided letter { $id } (number { $number }); it stays in the archive.
letter-none = no letters have been issued.
letter-status-in-force = in force
letter-status-void = void ({ $reason })
letter-status-replaced = replaced by { $id }
letter-field-id = Archive id
letter-field-title = Document
letter-field-number = Number
letter-field-case = Case
letter-field-issuer = Issued by
letter-field-actor = Officer
letter-field-issued-at = Issued at
letter-field-date = Dated
letter-field-code = Verification code
letter-field-status = Status
letter-field-replaces = Replaces
letter-field-template = Template hash
verify-bad-code = `{ $code }` is not a verification code (10 letters and digits, e.g. 7KQ2M-XC4TA).
verify-code-unknown = no archived letter has verification code { $code }: it was not issued here, or the code was mistyped.
verify-code-found = verification code { $code } belongs to this archived letter:
verify-identical = { $file } is byte-identical to this archived letter:
verify-unknown = { $file } matches no archived letter (SHA-256 { $sha }) and carries no known verification code.
verify-limited-valid = valid: an archived letter issued by { $issuer }, in force. (You may not read its case; nothing more is shown.)
verify-limited-void = void or replaced: an archived letter issued by { $issuer }, no longer in force. (You may not read its case; nothing more is shown.)
verify-needs-code = you may not read the case of { $file }: checking a whole file needs the verification code printed on it as well (--code).
verify-altered = { $file } differs from the archive: the verification codes in it point to { $letters }, but the content was changed. The archived original (`wardflow letter export`) is authoritative.
verify-nothing = give a file to verify, or a verification code with --code.
history-letter-issued = issued { $key }, number { $number }, archive id { $id } (SHA-256 { $sha }…)
history-letter-voided = voided letter { $id }: { $reason }
show-letter-pending = waiting to be issued
db-repaired = note: the database { $db } was not closed cleanly (power cut or killed process) and has been repaired: every committed record is kept; the operation in flight was not written.
db-needs-repair = the database was not closed cleanly and needs a repair, but it cannot be opened for writing (read-only file?). Check its permissions and try again.
profile-letter-setting = { $file }: letters.{ $key }: { $detail }
letter-unnumbered = none (not numbered)
ops-no-such-file = no such file
ops-out-exists = { $path } already exists; an existing file is never overwritten. Choose another name.
check-ok = database check passed: { $definitions } workflow versions, { $cases } cases, { $events } events; the file was not changed.
check-failed = the check of { $path } found { $count } problem(s) (above). The file was not changed; restore the latest backup (wardflow restore).
check-integrity = the file structure is damaged (redb integrity check): { $detail }
check-unreadable = cannot read { $record }: { $detail }
check-definition = workflow { $workflow } version { $number }: { $detail }
check-replay = the events of case { $case } do not replay: { $detail }
check-snapshot = the state of case { $case } differs from the replay of its events
check-no-snapshot = there are events of case { $case } but no such case
check-unknown-version = case { $case } uses workflow version { $version }, which is not in the database
check-index-missing = index { $index } lacks the entry { $entry }
check-index-extra = index { $index } has a stray entry { $entry }
check-counter = the case counter of { $year } is { $counter }, below the number { $highest } already given out
check-access-chain = the access log's chain is broken at entry { $entry } ({ $kind ->
    [edited] an entry was edited
    [missing] an entry was removed
    [unlinked] an entry outside the chain was added
   *[other] an entry cannot be read
}): the access log was tampered with
audit-chain-broken = the access log of { $path } has a broken chain (above): the entries shown cannot be trusted; compare with the latest backup (wardflow restore).
backup-done = backed up to { $path } ({ $bytes } bytes).
restore-db-exists = { $path } already holds a database; add --force to replace it with the backup.
restore-source-damaged = the check of the backup found { $count } problem(s) (above); nothing was restored and { $path } was not changed.
restore-done = restored { $path } from { $from }: { $cases } cases, { $events } events.
restore-would-lose = the current database { $path } holds the cases, events or letters listed above that the backup lacks; restoring would lose them, so nothing was changed. To restore anyway, add --accept-loss beside --force (it is recorded in the access log).
restore-lose-case = would lose case { $case } ({ $events } events)
restore-lose-events = would lose the events of case { $case } after event { $then } (it has { $now })
restore-lose-letter = would lose letter { $letter }
restore-lose-total = in all: { $cases } cases, { $events } events, { $letters } letters.
export-done = exported to { $path }: { $definitions } workflow versions, { $cases } cases, { $events } events, { $letters } letters.
import-db-exists = { $path } already exists; import only creates a new database. Choose another --db.
import-done = imported into the new database { $path }: { $definitions } workflow versions, { $cases } cases, { $events } events, { $letters } letters.
import-bad-line = line { $line } of the import file: { $detail }. No database was created.
import-empty = the file is empty (its first line must be the meta record)
import-too-long = the line is longer than { $limit } bytes
import-syntax = not a JSON object of the expected form: { $detail }
import-unknown-type = unknown record type `{ $kind }`
import-out-of-order = a `{ $kind }` record is out of place (the order is meta, definition, counter, then each case and its events)
import-format = export format version { $found } is not supported (this build reads version { $supported })
import-record = the record does not decode: { $detail }
import-mismatch = the record does not match its line: { $detail }
import-simulation = the export says it is of a simulation database (which accepts --now to set the clock); importing it as one needs --simulation, given explicitly
import-duplicate = { $what } appears twice
import-replay = case { $case } cannot be rebuilt from its events: { $detail }
future-birth = the date of birth { $field } is { $date }, after the day of the act: a date of birth cannot lie in the future. Check it.
check-recovered = note: the last write was interrupted (a killed process or a full disk) and the file needs recovery; the check ran on a recovered copy, and the next command that opens the file recovers it the same way, keeping only what was committed.
## Tamper-evident history (verify, key, case export)
init-key = { $made ->
    [yes] made the office signing key
   *[no] kept the existing office signing key
} { $path }, fingerprint { $fingerprint }; keep it safe and do not copy it with the database.
key-show = public key (public_key): { $public }
    fingerprint: { $fingerprint }
    key file: { $path }
key-made = made the office signing key { $path } (readable by this account only).
key-missing = there is no office signing key { $path }; make one with `wardflow key init` (or name the key file with --key-file).
key-exists = { $path } already exists; an existing key is never overwritten.
key-not-a-key-file = { $path } is not a wardflow signing key file.
key-bad-public = "{ $value }" is not an Ed25519 public key (expected the 64 hex digits `wardflow key show` prints).
chain-modified = case { $case }, event { $seq } was modified: the chain gives { $expected }, the record says { $found }.
chain-missing = case { $case }, event { $seq } is missing: event { $found } follows directly.
chain-reordered = case { $case }, event { $seq } is out of order (reordered): expected { $expected } here, found { $found }.
chain-truncated = case { $case }: the history is truncated: the snapshot names event { $seq } as the last, the store ends at { $found }.
chain-snapshot = case { $case }: the snapshot differs from what its history replays to (fields: { $fields }): it was altered, and case show and letters would print what was never recorded.
chain-unhashed = case { $case }, event { $seq } has had its hash removed (unhashed), though the events before it are chained.
chain-unreadable = case { $case }, event { $seq } is unreadable: { $detail }
verify-ok = verified { $cases } case(s), { $events } event(s): every chain is intact.
verify-unchained = case { $case }: its first { $count } event(s) were recorded before chaining and carry no hash of their own; the first chained event after them hashes them in, but changes made before it cannot be detected.
verify-failed = history verification failed: { $count } case(s) have a broken chain. First: { $first }
case-export-done = exported { $events } event(s) of case { $case } to { $path }, signed with the office key (fingerprint { $fingerprint }).
export-broken = the case's chain is broken, so it is not signed: { $first }
export-malformed = { $path } is not a wardflow case export: { $detail }
export-too-large = the file is larger than { $limit } bytes
export-signature-invalid = the signature is invalid: the content was changed after it was signed.
export-algorithm = the signature names the algorithm “{ $found }”, not ed25519, the one this system uses: not accepted.
export-other-key = the file was signed by another key: { $signed_by }, not the one given.
export-rules-changed = the workflow definition in the file no longer matches its hash (definition).
export-letters-unmatched = the text of letter(s) { $letters } does not give the hashes the chain records (letters).
export-verified = the export of case { $case } verifies: the signature holds (fingerprint { $fingerprint }) and the chain of { $events } event(s) is intact.
## Users, units and authority
problem-unknown-unit = unit `{ $unit }` is not defined in the units file.
problem-unit-cycle = the chain of parents of unit `{ $unit }` comes back to itself.
## Reading files (profiles, calendars, units, the letters table)
problem-not-one-of = `{ $value }` is not one of the values allowed here: { $allowed }
problem-day-outside-year = the day { $day } is not in { $year }: list it under its own year.
problem-reserved-letter-field = `{ $field }` is not case data: names under letter, issuer and local come from the letter itself.
problem-bad-template = the template `{ $name }` must be a .hbs file name in the letters directory (no path).
problem-no-issuer = document `{ $document }` lists no issuing body (issuers).
problem-required-and-optional = field `{ $field }` cannot be both in requires and in optional.
problem-pattern-has-number = the numbering pattern `{ $pattern }` is only the prefix (the body's and the document's code); 〔year〕N号 is added.
problem-pattern-not-allocated = the numbering of issuer `{ $role }` is not allocated, so it takes no pattern.
problem-number-from-not-external = the numbering of issuer `{ $role }` is not external (a court case number), so it takes no number_from.
problem-external-needs-court = issuer `{ $role }` uses external (court) numbering, which needs the court layout.
problem-party-numbered = party documents carry no number: the numbering of issuer `{ $role }` must be none.
user-described = user { $user } ({ $roles }, { $unit })
denied-unknown-user = user { $user } is not registered and may not act on or read cases. An administrator registers users with `wardflow user add` (--user or WARDFLOW_USER names you).
denied-disabled = user { $user } is disabled and may not act on or read cases.
denied-role = { $user } does not hold the role { $role }.
denied-needs = { $user } may not fire `{ $transition }`: it needs { $needs }.
denied-unit = { $user } may not act on or read cases of { $unit }.
denied-no-unit = { $user } may not act on or read a case without a handling unit (only a top-level unit may).
denied-admin = { $user } is not an administrator (admin) and may not manage users, units, workflows or read the access log.
denied-auditor = { $user } is neither an administrator (admin) nor an auditor (auditor) and may not verify, check or read the access log.
denied-confidential = { $user } may not see or set the confidential { $field }: only { $needs } may.
user-exists = user { $user } is already registered.
user-unknown = there is no registered user { $user }.
unit-unknown = there is no unit { $unit } (see the units file).
unit-in-use = unit { $unit } is still used by { $by }; a new units file cannot drop it.
role-unknown = role `{ $role }` is not declared by any published workflow (admin, auditor and * are also allowed).
user-name-bad = `{ $name }` cannot be a user name: it must not be empty, begin or end with a space, hold control characters or be longer than 64 characters.
user-added = registered user { $user }.
user-disabled = disabled user { $user }; the history keeps their name.
denied-last-admin = { $user } is the last enabled administrator (admin): they can be neither disabled nor lose the admin role; give admin to another user first.
denied-amend-field = acting as { $role } you may not correct { $field }: it is recorded by { $needs } in the course of the case, and only those roles (or an administrator) may correct it.
denied-transfer = user { $user } is not of the case's responsible unit { $unit }: only that unit's people or an administrator may hand the case over.
denied-transfer-role = acting as { $role } you may not transfer the case: the workflow names the roles that may (transfers): { $needs }, besides the case's officer and an administrator.
denied-transfer-same = the case is already with { $unit }; it cannot be transferred to the same unit.
user-enabled = user { $user } is enabled again.
user-roles-set = user { $user } now has the roles: { $roles }.
user-disabled-mark = {" "}(disabled { $at })
unit-covers = ; also covers: { $units }
units-loaded = loaded { $count } units.
audit-allowed = allowed
audit-refused = refused: { $reason }
init-admin = administrator: { $user } ({ $roles }), unit { $unit }
init-admin-unit = the units file has several top-level units; name the administrator's unit with --admin-unit.
officer-outside-unit = officer { $user } belongs to a unit that does not cover cases of { $unit }.
transferred = case { $case } handed over to { $unit }.
confidential = (confidential)
show-unit = handling unit: { $unit }; officer: { $officer }
history-transferred = handed over: { $from } → { $to }, officer { $officer }
history-migrated = migrated: version { $from_version } → { $to_version }, state { $from } → { $to }; reason: { $reason }
cancel-migrated = the version migrated to no longer sets it
migrate-refused = Nothing was migrated ({ $count } problem(s)); no case changed.
migrate-other-workflow = Case { $case } belongs to workflow { $workflow }, not the one being migrated.
migrate-closed = Case { $case } is closed (state { $state }) and cannot be migrated.
migrate-already-there = Case { $case } is already on the target version.
migrate-unmapped = The state { $state } of case { $case } does not exist in the target version: map it with --map { $state }=NEW_STATE.
migrate-no-such-state = Mapping { $from }={ $to }: the target version has no state { $to }.
migrate-mapped-to-final = Mapping { $from }={ $to }: { $to } is a final state; a migration does not close cases.
migrate-field-gone = Field { $field } of case { $case } is not declared in the target version.
migrate-field-misfit = The value of field { $field } of case { $case } does not fit the type the target version declares.
migrate-no-reason = Give the reason for the migration with --reason.
migrate-no-such-version = Workflow { $workflow } has no published version { $version }.
migrate-no-cases = Name cases with --case, or migrate every running case with --all-running.
migrate-duplicate = Case { $case } is named twice.
migrate-dry-run = Dry run: workflow { $workflow } to version { $number } ({ $hash }); these cases would move (nothing was changed):
migrate-done = Workflow { $workflow } migrated to version { $number } ({ $hash }):
migrate-case = Case { $case }: version { $from_version } → { $to_version }, state { $from } → { $to }
migrate-kept = deadlines kept: { $names }
migrate-cancelled = deadlines cancelled: { $names }
migrate-none = No running case to migrate.
migrate-bad-map = --map { $map } is not OLD_STATE=NEW_STATE (each old state mapped once).
migrate-too-many-maps = At most { $max } --map pairs.

# Progress bars on long work (a terminal only).
progress-check = checking
progress-verify = verifying
progress-export = exporting
progress-import = importing
progress-backup = backing up

# The configuration file.
config-too-large = the configuration file is larger than { $limit } bytes
config-syntax = configuration file { $file }, line { $line }: { $detail }
config-unknown-key = configuration file { $file }, line { $line }: unknown setting `{ $key }` (known: db, key_file, workflows, letters, profiles, calendar, profile, lang, user, lock_timeout, and listen, tls_cert, tls_key under [server]).
config-bad-value = configuration file { $file }, line { $line }: setting `{ $key }` has a bad value (expected { $expected }).
config-source-default = default
config-source-flag = command line
config-source-env = variable { $var }
config-source-file = file { $file }
