# 通过服务器运行的管理命令（第 19 号议题）：user、token、audit、backup、unit、publish、workflow 加 --server。
password-old-needed = 通过服务器修改本人密码须同时提供当前密码（`old_password`，当前密码）：按提示输入，或在 --password-stdin 时作为标准输入的第二行给出。
password-old-prompt = { $user } 的当前密码：
backup-bad-keep = `keep`（保留份数）须在 1 至 3650 之间。
backup-out-or-dir = 备份须指定 `out`（服务器上的文件）或 `dir`（服务器上的目录）二者之一，不能都指定，也不能都不指定。
publish-one-file = 发布节假日日历、县级配置或隐私设置须且只须一个文件（`files`，文件）。
publish-bad-kind = “{ $kind }”不可发布：`kind`（种类）须为 calendar、letters、profile 或 privacy。
migrate-too-many-cases = 一次迁移最多 { $max } 件案件（`cases`，案件）。
