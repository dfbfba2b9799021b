# 命令行作为 `wardflow serve` 的客户端（--server），issue 19 第 4 项。

help-wardflow--server = 把命令发送给此 wardflow 服务，而不在本机打开数据库（http://… 或 https://…）；先用 `wardflow login` 登录，或在 WARDFLOW_TOKEN 中给出 API 令牌
help-wardflow--idempotency_key = 与 --server 一起使用：发送变更时所带的幂等键（默认随机生成）；给出退出码 7 时打印的键，即可安全重试该变更
remote-bad-idempotency-key = { $key } 不是幂等键（--idempotency-key）：请给出 16 至 64 个字母、数字或 '-'，例如退出码 7 时命令打印的键。
remote-not-signed-in = 尚未登录 { $url }（--server）：请先运行 `wardflow login --server { $url }`，或在 WARDFLOW_TOKEN 中给出 API 令牌。
remote-embedded-only = `wardflow { $command }` 直接操作数据库文件，只能在存放该文件的机器上、不带 --server（{ $url }）运行；请先停止服务。
remote-outcome-unknown = 变更已发送，但与 { $url } 的连接随后中断（{ $detail }）：无法确定是否已执行。请先查看（例如 `wardflow case history`）再决定是否重做，或用 --idempotency-key { $key } 重复同一命令。
remote-data-not-text = --data 文档不是 UTF-8 文本，无法发送给服务（--server）。
remote-no-version = 没有哈希为 { $hash } 的已发布流程版本。
remote-served-only = 数据库 { $db } 由 { $url } 的服务独占：服务占用该文件时不能运行 `wardflow { $command }`；请先停止服务。
api-bad-query = 查询参数 { $key } 的值不合要求。
remote-bad-reason = 请求头 `Wardflow-Reason`（理由，即 `--why`）须为百分号编码的 UTF-8 文字，不能为空，最长 500 个字。
serve-tls-half = TLS 需要证书和私钥两个文件：配置了一个，缺少 `{ $missing }`（`--tls-cert`/`--tls-key` 或配置文件 `[server]` 中的 `tls_cert`/`tls_key`）。
