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
refused-guard = { $transition } is refused: { $rule }. Why: { $why }; guard: { $guard }

## Case output
advanced = { $case } is now in state { $state }
spawned = opened linked case { $case } ({ $workflow })
letter-requested = letter to issue: { $key }
amended = corrected case { $case } (event { $seq })
show-case = case { $case }
show-workflow = workflow: { $workflow } { $version } ({ $hash })
show-state = state: { $state }
show-times = opened: { $opened }  updated: { $updated }  events: { $seq }
label-data = data:
label-links = links:
label-deadlines = deadlines:
label-letters-requested = letters:
label-missing = missing:{" "}
next-none = nothing can be done from state { $state }.
no-cases = no matching cases.
history-occurred = occurred { $occurred } (recorded { $recorded })
history-opened = opened → { $state }
history-from-case = , spawned by case { $case } ({ $link })
history-fired = { $transition }: { $from } → { $to }
history-note = ; note: { $note }
history-amended = data corrected; reason: { $reason }
history-deadline-set = deadline { $name } set, due { $due }
history-deadline-cancelled = deadline { $name } cancelled ({ $why })
cancel-left-state = left its state
cancel-final-state = case closed
cancel-replaced = set again
history-letter = letter to issue: { $key }
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
kind-true-false = true or false
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
cannot-write = cannot write { $path }: { $detail }
clock-behind = the clock of this command ({ $now }) is earlier than the case's last record ({ $last }); a case's history cannot run backwards. Check --now or the system clock.

## Users, units and authority
problem-unknown-unit = unit `{ $unit }` is not defined in the units file.
problem-unit-cycle = the chain of parents of unit `{ $unit }` comes back to itself.
user-described = user { $user } ({ $roles }, { $unit })
denied-unknown-user = user { $user } is not registered and may not act on or read cases. An administrator registers users with `wardflow user add` (--user or WARDFLOW_USER names you).
denied-disabled = user { $user } is disabled and may not act on or read cases.
denied-role = { $user } does not hold the role { $role }.
denied-needs = { $user } may not fire `{ $transition }`: it needs { $needs }.
denied-unit = { $user } may not act on or read cases of { $unit }.
denied-no-unit = { $user } may not act on or read a case without a handling unit (only a top-level unit may).
denied-admin = { $user } is not an administrator (admin) and may not manage users, units, workflows or read the access log.
denied-confidential = { $user } may not see or set the confidential { $field }: only { $needs } may.
user-exists = user { $user } is already registered.
user-unknown = there is no registered user { $user }.
unit-unknown = there is no unit { $unit } (see the units file).
unit-in-use = unit { $unit } is still used by { $by }; a new units file cannot drop it.
role-unknown = role `{ $role }` is not declared by any published workflow (admin and * are also allowed).
user-added = registered user { $user }.
user-disabled = disabled user { $user }; the history keeps their name.
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
