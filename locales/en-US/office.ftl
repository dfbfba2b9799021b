# Task office (issue 18): service logs, backup rotation, the package.
help-any--log_format = How the logs on standard error are written: a line of text per event, or one JSON object a line
help-value-log_format-text = text, one line per event
help-value-log_format-json = JSON, one object a line
help-backup--dir = Write the copy into this directory, named by when it is taken (`wardflow-20261123T180000Z.redb`, UTC), and remove the oldest there beyond `--keep`. While `wardflow serve` holds the database, the copy is asked of the server with the administrator's API token in `WARDFLOW_TOKEN`
help-backup--keep = With `--dir`: how many copies the directory keeps, the newest (1–3650; default 14)
backup-removed = removed the old backup { $path }.
backup-no-dir = no such directory
backup-keep-without-dir = `--keep` goes with `--dir` only (backups rotated in a directory).
