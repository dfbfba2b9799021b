# wardflow --help in English: the description of every command, argument and value.
# Ids: help-{command path} / help-{path}--{argument id} / help-any--{argument id} (the same
# meaning in every command) / help-value-{argument id}-{value}. See src/help.rs.

## Arguments that mean the same in every command
help-any--key_file = The office's signing key file (default: the database path with `.key` appended)
help-any--role = The role you act in
help-any--set = Set a field: `--set child.name=小明` (repeatable; parsed by the field's type)
help-any--data = A YAML or JSON document of fields, or `-` for standard input
help-any--case = The case id
help-any--expect_seq = Refuse unless the case is still at this event number (as last seen)
help-any--letter = The archive id (L2026-000001) or the document number

## Commands
help-wardflow = Workflow engine for child-guardianship interventions (监护干预)
help-wardflow--db = The database file
help-wardflow--workflows = The directory of workflow YAML files
help-wardflow--now = The command's clock (RFC 3339); only a simulation database accepts it
help-wardflow--lang = Language of messages and output
help-value-lang-zh = Chinese
help-value-lang-en = English
help-wardflow--json = Machine-readable output (and errors as one JSON object on stderr)
help-wardflow--lock_timeout = Seconds to wait for another command that holds the database
help-wardflow--profile = The county profile to use (a file NAME.yaml in the profiles directory): read by `init`, `publish profile` and simulation databases; a real database uses its published profile
help-wardflow--profiles = The directory of county profiles
help-wardflow--letters = The directory of letter templates and the document table (default ./letters): read by `init`, `publish letters`, `workflow validate`, previews and simulation databases; a real database uses its published letters
help-wardflow--calendar = A holiday calendar file (format: calendars/china.yaml): read by `init`, `publish calendar` and simulation databases; a real database uses its published calendar
help-wardflow--fonts = A directory of fonts for PDF letters (repeatable; WARDFLOW_FONTS takes a list separated by ":"); default: Debian's fonts-noto-cjk and fonts-arphic-ukai directories
help-wardflow--user = The person acting (defaults to the login name)
help-flag-help = Print help
help-flag-version = Print version

help-init = Create the database and publish the workflows found in the workflows directory
help-init--simulation = Make a simulation database, which accepts `--now` (never for real cases)
help-init--units = The units file (format: units/example.yaml); without it, one unit covering everything
help-init--admin = The first administrator (default: `--user`)
help-init--admin_unit = The administrator's unit (default: the top unit of the units file)
help-init--admin_roles = A workflow role the administrator also acts in (repeatable; `*` for every role)
help-init--crypto = The database's cryptographic profile, fixed once made: standard (SHA-256 hashes, Ed25519 signatures; the default) or national (SM3 hashes, SM2 signatures)
help-value-crypto-standard = Standard: SHA-256 hashes, Ed25519 signatures
help-value-crypto-national = National (国密): SM3 hashes, SM2 signatures (GB/T 32905, 32918)

help-workflow = Validate, publish and inspect workflow definitions
help-workflow-list = List published workflows and their versions
help-workflow-validate = Check workflow files and report every problem with file:line:column
help-workflow-validate--files = Files to check (default: every YAML file in the workflows directory)
help-workflow-publish = Validate and store workflow files as new versions
help-workflow-publish--files = Files to publish (default: every YAML file in the workflows directory)
help-workflow-show = Show a workflow's states, transitions and fields
help-workflow-show--name = The workflow key
help-workflow-graph = Draw a workflow as a state diagram
help-workflow-graph--name = The workflow key
help-workflow-graph--format = Diagram language
help-workflow-migrate = Move running cases to another published version of the workflow, with an explicit state mapping (administrators)
help-workflow-migrate--workflow = The workflow key
help-workflow-migrate--to_version = The version to move to: its number, or its hash (at least 8 hex digits)
help-workflow-migrate--cases = A case to move (repeat for more)
help-workflow-migrate--all_running = Move every running case of the workflow that is not on that version yet
help-workflow-migrate--map = OLD_STATE=NEW_STATE (repeat for more); a state left out keeps its name
help-workflow-migrate--dry_run = Say what would happen to each case; change nothing
help-workflow-migrate--reason = Why the cases move (kept in each case's history)
help-value-format-mermaid = Mermaid, for Markdown viewers
help-value-format-dot = Graphviz DOT
help-subcommand-help = Print this message or the help of the given subcommand(s)

help-case = Open, advance and inspect cases
help-case-open = Open a case of the latest published version of a workflow; prints its id
help-case-open--workflow = The workflow key, e.g. entrusted-care
help-case-open--at = When the act happened, if earlier than now (e.g. a report taken at night)
help-case-open--unit = The unit that handles the case (default: yours)
help-case-open--officer = The assigned officer, 承办人 (default: you)
help-case-advance = Fire a transition on a case
help-case-advance--transition = The transition to fire
help-case-advance--note = A note kept with the event
help-case-advance--at = When the act happened, if earlier than now
help-case-show = A case's workflow, state, data, links, deadlines and letters
help-case-show--case = The case id, e.g. 2026-000123
help-case-next = What can be done with a case now
help-case-list = List cases
help-case-list--workflow = Only cases of this workflow
help-case-list--state = Only cases in this state
help-case-list--child = Every case of one child: an identity number or registry id
help-case-list--unit = Only cases handled by this unit or a unit under it
help-case-list--officer = Only cases whose officer in charge is this user
help-case-list--from = Only cases opened on or after this day (YYYY-MM-DD)
help-case-list--to = Only cases opened on or before this day (YYYY-MM-DD)
help-case-list--limit = Rows per page (at most 1000)
help-case-list--page = The page to show, from 1 (with --limit)
help-case-list--after = The cases after this case id (the last one of the page before): pages in case-id order
help-case-history = Every event of a case, in order
help-case-amend = Correct a case's data, with a reason, as an event of its own
help-case-amend--reason = Why the data is corrected (kept in the history)
help-case-amend--expect_seq = Refuse unless the case is still at this event number
help-case-overdue = Deadlines that have passed, most overdue first
help-case-overdue--role = Only deadlines a person in this role can act on now
help-case-overdue--workflow = Only deadlines of cases of this workflow
help-case-overdue--state = Only deadlines of cases in this state
help-case-overdue--unit = Only deadlines of cases handled by this unit or a unit under it
help-case-overdue--officer = Only deadlines of cases whose officer in charge is this user
help-case-overdue--from = Only deadlines of cases opened on or after this day (YYYY-MM-DD)
help-case-overdue--to = Only deadlines of cases opened on or before this day (YYYY-MM-DD)
help-case-overdue--limit = Rows per page (at most 1000)
help-case-overdue--page = The page to show, from 1 (with --limit)
help-case-export = Write the case's chained history, signed with the office key, to a file
help-case-export--out = The file to write
help-case-transfer = Hand a case to another unit, with its new officer
help-case-transfer--to = The unit taking the case over
help-case-transfer--officer = The officer (承办人) in the new unit; default: none until that unit names one
help-case-transfer--reason = Why the case is handed over (kept in the history)
help-case-transfer--at = When the hand-over happened, if earlier than now
help-case-transfer--expect_seq = Refuse unless the case is still at this event number

help-timers = Fire legal deadlines that are due
help-timers-tick = Fire every reminder and breach due now (or at --now); safe to run twice

help-agenda = What falls due in the next days, soonest first
help-agenda--days = How many days ahead to look
help-agenda--role = Only deadlines a person in this role can act on now

help-run = Run the deadline runner until SIGINT/SIGTERM
help-run--recheck = Longest sleep between looks at the deadline index, in seconds

help-letter = Formal documents from case data
help-letter-preview = Render a document from a case's data as a draft (草稿): no number, nothing stored
help-letter-preview--key = The document key, e.g. warning-letter
help-letter-preview--role = The role that issues it (decides layout and numbering)
help-letter-preview--body = The issuing body's name as printed, when the profile names none for the role
help-letter-preview--format = Output form
help-value-format-txt = plain text
help-value-format-html = HTML, to view in a browser or print
help-value-format-pdf = PDF/A, as set when the letter was issued
help-letter-preview--out = Write to a file instead of standard output
help-letter-issue = Issue a document of a case: number it, archive it, record it in the case's history
help-letter-issue--key = The document key, e.g. warning-letter
help-letter-issue--role = The role it is issued in (must be an issuer of the document)
help-letter-issue--number = A court case number, for documents a court numbers (else taken from the case)
help-letter-issue--replaces = Re-issue: the archive id of the letter this one replaces (it stops counting)
help-letter-void = Void (作废) an issued letter, with a reason; it stays in the archive
help-letter-void--letter = The archive id of the letter (L2026-000001)
help-letter-void--reason = Why it is void (kept in the case's history)
help-letter-list = List issued letters, of one case or all
help-letter-list--case = Only the letters of this case
help-letter-show = Show an issued letter's particulars (by archive id or document number)
help-letter-export = Write an issued letter exactly as archived, as HTML, text or PDF
help-letter-export--format = Output form
help-letter-export--out = The file to write (standard output without it)
help-letter-verify = Check a file or a verification code (核验码) against the archive
help-letter-verify--file = A file to compare byte for byte with the archive (HTML, text or PDF as exported)
help-letter-verify--code = The verification code printed on a paper copy (核验码, e.g. 7KQ2M-XC4TA)

help-check = Check the database's integrity (file, records, histories, indexes) without changing it

help-backup = Write a consistent copy of the database, even while it is in use
help-backup--out = Where to write the copy (must not exist yet)

help-restore = Put a backup in place of the database (checked first; `--force` replaces one)
help-restore--backup = The backup to restore
help-restore--force = Replace an existing database

help-export = Write the whole database as JSON Lines
help-export--out = Write to this file (must not exist yet) instead of standard output

help-import-register = Make cases from an existing register (CSV or XLSX), all or nothing (administrators)
help-import-register--file = The register: a CSV (UTF-8, header row first) or XLSX file (first sheet)
help-import-register--workflow = The workflow whose cases the rows become
help-import-register--map = The mapping file (YAML): role, columns → fields, fixed values, transitions
help-import = Create a new database from an export (all or nothing)
help-import--file = The export (JSON Lines), or `-` for standard input

help-verify = Recompute the cases' hash chains, or check a signed export (exit 4 when broken)
help-verify--case = Only this case (default: every case in the database)
help-verify--file = A signed export (`case export`) to check instead of the database
help-verify--key = An office public key to trust, as `wardflow key show` prints it (repeatable; without it, the database's key ring)

help-key = The office's signing key: show the public key, or make one
help-key-show = Print the office's public key and its fingerprint (never the secret)
help-key-init = Make the office key, for a database created before keys existed

help-user = The people who may act: their roles and unit
help-user-add = Register a user with their roles and unit (administrators only)
help-user-add--name = The user's name, as `--user` / `WARDFLOW_USER` gives it
help-user-add--roles = A role the user may act in (repeatable): a workflow role, `admin`, or `*` for every workflow role (training and test databases)
help-user-add--unit = The unit the user belongs to (an id from the units file)
help-user-list = Every registered user, enabled or not
help-user-disable = Stop a user from acting or reading; history keeps their name (administrators only)
help-user-disable--name = The user's name

help-unit = The units and the area each covers
help-unit-load = Replace the units with those of a file (administrators only)
help-unit-load--file = The units file (format: units/example.yaml)
help-unit-list = The units in force

help-audit = The access log: every read of a case, allowed or refused
help-audit--case = Only reads of this case
help-audit--reader = Only reads by this user (`--user` names who is asking, as on every command)
help-config = The settings in force and where each comes from
help-config-show = Print every setting in force and where it comes from (a flag, a variable, a configuration file, the default)

help-completions = A shell completion script, printed to standard output
help-completions--shell = The shell to write a completion script for
help-value-shell-bash = Bash
help-value-shell-elvish = Elvish
help-value-shell-fish = fish
help-value-shell-powershell = PowerShell
help-value-shell-zsh = Zsh
help-man = Write the man pages (English and Chinese) into a directory, for packaging
help-man--out = The directory to write the pages into (created if missing)
man-written = wrote { $count } man pages under { $dir } (man1/ English, zh_CN/man1/ Chinese)

## The layout of a help page
help-heading-usage = Usage:
help-heading-commands = Commands:
help-heading-arguments = Arguments:
help-heading-options = Options:
help-usage-options = OPTIONS
help-usage-command = COMMAND
help-default = default: { $value }
help-env = env: { $name }
help-values = possible values: { $values }

## clap's own errors (the command line could not be read)
clap-unknown-argument = unexpected argument '{ $arg }' found
clap-unknown-subcommand = unrecognized subcommand '{ $command }'
clap-value-missing = a value is required for '{ $arg }' but none was supplied
clap-value-invalid = invalid value '{ $value }' for '{ $arg }'
clap-value-unparsed = invalid value '{ $value }' for '{ $arg }': { $detail }
clap-valid-values = {" "}(possible values: { $values })
clap-no-equals = '{ $arg }' needs its value after an equals sign ({ $arg }=VALUE)
clap-too-many-values = unexpected value '{ $value }' for '{ $arg }'; no more were expected
clap-too-few-values = '{ $arg }' needs { $min } values; only { $actual } given
clap-wrong-number-of-values = '{ $arg }' needs { $expected } values but { $actual } were given
clap-argument-twice = the argument '{ $arg }' cannot be used more than once
clap-argument-conflict = the argument '{ $arg }' cannot be used with { $other }
clap-missing-argument = these required arguments were not given: { $args }
clap-missing-subcommand = '{ $command }' needs a subcommand: { $commands }
clap-invalid-utf8 = an argument is not valid UTF-8
clap-other = the command line could not be read ({ $detail })
clap-tip = tip:
clap-similar-subcommand = a similar subcommand exists: { $similar }
clap-similar-argument = a similar argument exists: { $similar }
clap-similar-value = a similar value exists: { $similar }
clap-tip-as-value = to pass '{ $arg }' as a value, use '{ $usage }'
clap-tip-remove-dashes = subcommand '{ $command }' exists; to use it, remove the '--' before it
clap-tip-exists = '{ $usage }' exists
clap-more-help = For more information, try '--help'.
clap-not-a-number = not a valid number
clap-out-of-range = out of the allowed range { $range }

## init
init-no-workflows = no workflow files (*.yaml, *.yml) found in { $dir }; no database was created. Point to the workflows with --workflows DIR or WARDFLOW_WORKFLOWS.

## Table headers (case list, agenda, letter list …)
table-case = Case
table-workflow = Workflow
table-state = State
table-updated = Updated
table-due = Due
table-deadline = Deadline
table-note = Note
table-letter = Letter
table-number = Number
table-title = Document
table-date = Dated
table-status = Status
table-user = User
table-roles = Roles
table-unit = Unit
table-version = Version
table-hash = Hash
table-published-by = Published by
table-published-at = Published at
table-at = At
table-action = Action
table-outcome = Outcome
table-enabled = Enabled
table-setting = Setting
table-value = Value
table-source = Source
table-disabled = disabled { $at }

help-any--force = Replace an existing `--out` file (never the database, its key or its access log)
help-restore--accept_loss = Accept the loss when the current database holds cases, events or letters the backup lacks (a run without this lists them): a second confirmation beyond `--force`
help-import--simulation = Make the new database a simulation one (it accepts `--now`): required for the export of a simulation database, and turns a real one into a training copy
help-user-enable = Let a disabled user act and read again (administrators only)
help-user-enable--name = The user's name
help-user-roles = Replace a user's roles (administrators only); the last administrator keeps `admin`
help-user-roles--name = The user's name
help-user-roles--roles = A role the user may act in (repeatable), as for `user add`
help-db = The database's stored format: `db migrate` after installing a new build
help-db-migrate = Bring the database to this build's stored format (administrators only)
help-db-migrate--dry-run = List the steps that would run, and change nothing
help-db-compact = Give the database file's free space back to the disk (administrators only; stop the server first)

help-user-password = Set a user's password for signing in to `wardflow serve` (administrators; anyone for themselves). Read from the terminal without echo, or from standard input
help-user-password--name = The user's name
help-user-password--password_stdin = Read the password from the first line of standard input (scripts); with --server, one's own current password from the second
help-user-unlock = Let a user sign in again at once after failed sign-ins (administrators only)
help-user-unlock--name = The user's name
help-token = API tokens for systems that call `wardflow serve`
help-token-create = Make an API token (shown only this once): your own, or another user's (administrators)
help-token-create--owner = Whose token it is (default: you). The token acts with exactly that user's rights
help-token-create--expires = How long it lasts: days, as `90d` or `90`
help-token-create--label = What the token is for (shown in `token list`)
help-token-list = The tokens, never their secrets: yours, or everyone's for an administrator
help-token-revoke = Revoke a token by its id (from `token list`)
help-token-revoke--id = The token's id

help-report = The figures of a month, a quarter or any period: cases, deadlines, children and letters (of the cases your unit reaches)
help-report--from = The first day of the period (YYYY-MM-DD)
help-report--to = The last day of the period (YYYY-MM-DD)
help-report--month = A calendar month (YYYY-MM)
help-report--quarter = A quarter (YYYYQ1 to YYYYQ4)
help-report--by = What case counts are grouped by, comma-separated (workflow, state, township, unit, officer; default: all)
help-report--format = The output format (default: tables on the terminal)
help-value-format-table = tables on the terminal
help-value-format-csv = CSV, one table after another
help-value-format-xlsx = an Excel workbook, a worksheet per table
help-report--out = The file to write (required for xlsx)
help-report--force = Replace the file if it exists (never the database or its files)

help-child = A child's file across every case (一人一档), and children found by name
help-child-show = One child's file: every case, letter, deadline and event, as a timeline
help-child-show--child = The child's identity number, or the registry id of a child of unknown identity
help-child-find = Children by name, with their cases (the birth date tells namesakes apart)
help-child-find--name = The child's name as recorded (child.name)
help-child-find--born = Only children born on this day (YYYY-MM-DD)
help-serve = Serve the database over HTTP/JSON (it alone holds the file), with the deadline runner
help-serve--listen = The address to listen on; loopback by default (give `--tls-cert/--tls-key` on a network)
help-serve--recheck = Longest sleep of the deadline runner between looks at the deadline index, in seconds
help-serve--tls_cert = TLS: the certificate chain (PEM); with `--tls-key`, the server speaks HTTPS only
help-serve--tls_key = TLS: the certificate's private key (PEM)
help-login = Sign in to a wardflow server; the token is kept in your configuration directory
help-login--password_stdin = Read the password from the first line of standard input (scripts)
help-logout = Sign out: revoke the kept token at its server and forget it
help-serve--openapi = Print the API's OpenAPI document (docs/openapi.json) and exit; the database is not opened
help-db-migrate--dry_run = List the steps that would run, and change nothing
help-publish = Publish calendars, letters, the profile and units into the database, and list them
help-publish-calendar = Publish a holiday calendar (administrators only); running deadlines move with it
help-publish-calendar--file = The calendar file (format: calendars/china.yaml)
help-publish-letters = Publish the letter templates and the document table (administrators only)
help-publish-letters--dir = The letters directory; default: --letters (./letters)
help-publish-profile = Publish the county profile (administrators only)
help-publish-profile--file = The profile file (format: profiles/qianjiang.yaml)
help-publish-units = Publish the units (administrators only; the same as `unit load`)
help-publish-units--file = The units file (format: units/example.yaml)
help-publish-list = Every published version of calendars, letters, profiles and units
help-any--database = The PostgreSQL database, `postgres://USER:PASSWORD@HOST/NAME` (or `WARDFLOW_DATABASE`); the redb file of `--db` by default. A secret: only its host and database name are ever shown, never logged
help-serve--pool_size = PostgreSQL: the most connections this server holds at once (16 by default, at most 256)
help-serve--statement_timeout = PostgreSQL: the longest one statement may run, in seconds (30 by default); then it is cancelled and the command is busy (exit 3 / HTTP 503)
help-serve--webhook_secret_file = PostgreSQL: the webhook master secret file, the same for every server of the database (else `[server] webhook_secret_file`): each webhook's signing secret is derived from it, so none is kept in the database; without it this server delivers no webhooks and refuses to add one
