# 本单位签名密钥轮换与口令保护的密钥文件（issue 23 第 5 项）。

key-needs-passphrase = { $path } 受口令保护：请设置 WARDFLOW_KEY_PASSPHRASE（或在终端中运行本命令以输入口令）。未做任何更改。
key-wrong-passphrase = 口令无法打开本单位签名密钥文件 { $path }。未做任何更改。
key-empty-passphrase = 空口令起不到保护作用：请提供口令（WARDFLOW_KEY_PASSPHRASE）。未做任何更改。
key-not-current = 密钥文件中的密钥（{ $fingerprint }）不是当前使用的本单位密钥（{ $current }）：它已被轮换停用，或属于其他单位。停用的密钥不再签名；请使用当前密钥文件（`--key-file`）。未做任何更改。
key-already-in-ring = 密钥 { $fingerprint } 已在本单位密钥环中；轮换需要一把新密钥。未做任何更改。
key-bad-ring = 数据库中保存的本单位密钥环无法读取：{ $detail }
key-passphrase-prompt = 本单位签名密钥 { $path } 的口令：
key-new-passphrase-prompt = 新签名密钥 { $path } 的口令：
key-passphrase-again = 再次输入同一口令：
key-passphrases-differ = 两次输入的口令不一致。未做任何更改。
key-rotate-not-moved = 轮换已记录，新密钥已启用，但它仍在 { $new }，未能替换 { $path }（{ $detail }）：请手工移过去，其他文件不要删除。
key-rotated = 已轮换本单位签名密钥：密钥 { $old_id }（{ $old }）已停用并保留在密钥环中，它签过的文件仍可核验；密钥 { $new_id }（{ $new }）现已启用，保存在 { $path }，受口令保护。本次轮换已记入访问日志。
key-ring-id = 密钥编号（key_id）
key-ring-fingerprint = 指纹
key-ring-from = 启用时间
key-ring-until = 停用时间
key-ring-public = 公钥（public_key）
key-ring-in-force = 使用中
key-ring-none = 本数据库没有密钥环（本单位密钥从未轮换）：请用 --key 给出本单位公钥（即 `wardflow key show` 显示的内容）。
export-key-outside-period = 该文件由本单位密钥环中的密钥 { $key_id } 签名，但签名时间 { $at } 不在该密钥的使用期内（已停用或尚未生成）：不予认可。
help-key-rotate = 轮换本单位签名密钥（仅管理员）：旧公钥保留在密钥环中，新密钥文件受口令保护，轮换记入访问日志
help-key-ring = 列出本单位全部公钥（密钥环）：编号、指纹、使用期
