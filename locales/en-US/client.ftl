# The command line as a client of `wardflow serve` (--server), issue 19 item 4.

help-wardflow--server = A wardflow server to send the command to instead of opening the database here (http://… or https://…); sign in first with `wardflow login`, or give an API token in WARDFLOW_TOKEN
help-wardflow--idempotency_key = With --server: the idempotency key a change is sent with (default: a new random one); give the key a command printed with exit 7 to retry that change
remote-bad-idempotency-key = { $key } is not an idempotency key (--idempotency-key): give 16 to 64 letters, digits or '-', e.g. the key a command printed with exit 7.
remote-not-signed-in = not signed in to { $url } (--server): run `wardflow login --server { $url }` first, or give an API token in WARDFLOW_TOKEN.
remote-embedded-only = `wardflow { $command }` works on the database file itself and runs only on the machine that holds it, without --server ({ $url }); stop the server first.
remote-outcome-unknown = the connection to { $url } dropped after the change was sent ({ $detail }): it may or may not have been done. Look (e.g. `wardflow case history`) before doing it again, or repeat the same command with --idempotency-key { $key }.
remote-data-not-text = the --data document is not UTF-8 text and cannot be sent to a server (--server).
remote-no-version = no published workflow version has the hash { $hash }.
remote-served-only = the database { $db } is held by the server at { $url }: `wardflow { $command }` cannot run while a server holds the file; stop the server first.
api-bad-query = the query's { $key } is not a value it takes.
remote-bad-reason = The `Wardflow-Reason` header (the reason, `--why`) must be percent-encoded UTF-8 text, not empty, at most 500 characters.
serve-tls-half = TLS needs both the certificate and its key: one is configured, `{ $missing }` is missing (`--tls-cert`/`--tls-key`, or `tls_cert`/`tls_key` in the configuration file's `[server]`).
