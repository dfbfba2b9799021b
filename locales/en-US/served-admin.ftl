# The administrative commands over a server (issue 19): user, token, audit, backup, unit,
# publish, workflow with --server.
password-old-needed = changing your own password through a server needs your current password too (`old_password`, 当前密码): type it when asked, or give it as the second line of standard input with --password-stdin.
password-old-prompt = Current password of { $user }:
backup-bad-keep = `keep` (保留份数) must be from 1 to 3650.
backup-out-or-dir = a backup names either `out` (a file on the server, 文件) or `dir` (a directory on the server, 目录), not both and not neither.
publish-one-file = publishing a calendar, profile or privacy settings takes exactly one file (`files`, 文件).
publish-bad-kind = “{ $kind }” is not something to publish: `kind` (种类) is calendar, letters, profile or privacy.
migrate-too-many-cases = at most { $max } cases (`cases`, 案件) in one migration.
