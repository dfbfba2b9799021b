# 任务 office（问题 18）：服务日志、备份轮换、安装包。
help-any--log_format = 日志（写到标准错误）的格式：每个事件一行文字，或每行一个 JSON 对象
help-value-log_format-text = 文字，每个事件一行
help-value-log_format-json = JSON，每行一个对象
help-backup--dir = 备份写入此目录，按备份时刻命名（`wardflow-20261123T180000Z.redb`，UTC 时间），并删除超出 `--keep` 份数的最旧备份。`wardflow serve` 占用数据库时，凭 `WARDFLOW_TOKEN` 中管理员的 API 令牌请服务端备份
help-backup--keep = 与 `--dir` 同用：目录中保留最新备份的份数（1–3650；默认 14）
backup-removed = 已删除旧备份 { $path }。
backup-no-dir = 目录不存在
backup-keep-without-dir = `--keep` 只与 `--dir` 同用（按目录轮换备份）。
