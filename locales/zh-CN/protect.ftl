# 儿童数据保护（issue 23）：加密副本、去标识化导出、封存、查阅记录。

copy-plain-warning = 注意：{ $path } 是未加密的副本，任何拿到它的人都能读取儿童的个人信息；此次明文导出已记入访问日志。
copy-no-recipients = 没有发布接收加密副本的公钥（recipients），备份和导出默认须加密，未写出任何文件。请管理员用 `wardflow publish privacy FILE` 发布公钥；确需明文副本时加 --plain（会记入访问日志）。
copy-needs-identity = 这是加密副本：请用 --identity 指定能打开它的私钥文件（AGE-SECRET-KEY-1…；国密数据库的副本为 WARDFLOW-SM2-SECRET-KEY-…）。未作任何改动。
copy-wrong-key = 所给私钥打不开这个加密副本（不是发给该密钥的）。未作任何改动。
copy-damaged = 加密副本已损坏或被改动（{ $detail }），不能使用。未作任何改动。
copy-bad-identity = { $path } 中没有可用的私钥（age 私钥为 AGE-SECRET-KEY-1…，SM2 私钥为 WARDFLOW-SM2-SECRET-KEY- 加 64 位十六进制数；# 开头为注释）。
copy-bad-recipient = { $key } 不是 age 公钥（以 age1 开头），也不是 SM2 公钥（130 位十六进制数，以 04 开头）。
copy-recipient-other-profile = 已发布的接收方公钥 { $key } 不属于本数据库的密码配置（{ $profile }：standard 的副本发给 age 公钥，national 的发给 SM2 公钥），未写出任何副本。请管理员用正确类型的公钥重新发布隐私设置（recipients；可用 `wardflow key identity` 生成）。
copy-io = 读写加密副本失败：{ $detail }
key-identity-made = 已生成打开加密副本用的私钥 { $path }（仅本账户可读，请妥善保管）。公钥（发布到 privacy.yaml 的 recipients）：{ $public }
export-deidentified-done = 已导出去标识化数据到 { $path }：{ $cases } 个案件（姓名、身份号码为假名，出生日期只留年份，地址、电话和文字记录已删除）。
pseudonym-key-bad = { $path } 不是假名密钥文件（应为 64 位十六进制数）。
case-sealed = 案件 { $case } 已结案并超过保存期限，自 { $since } 起封存：只有管理员说明理由（--why）后才能查阅。
case-sealed-why = 案件 { $case } 已封存：管理员查阅须用 --why 说明理由，理由会记入访问日志。
child-sealed = 已封存的案件（超过保存期限，只计数、不显示内容）：{ $cases }

help-publish-privacy = 发布隐私设置（仅管理员）：加密备份和导出发给谁，结案多久后封存
help-publish-privacy--file = 隐私设置文件（格式见 docs/privacy.md）
help-child-access = 谁查阅过这名儿童的信息：何人、何时、为何（限管理员和审计员）
help-child-access--child = 儿童的公民身份号码，或身份不明儿童的登记编号
help-child-access--csv = 输出为逗号分隔值（CSV），而不是表格
help-key-identity = 生成打开加密备份和导出用的密钥对：私钥写入文件（仅本账户可读），显示公钥供发布为接收方
help-key-identity--out = 私钥保存到哪里（该文件不能已存在）
help-key-identity--crypto = 所打开副本的数据库的密码配置：standard（age X25519 密钥对）或 national（SM2 密钥对）；默认取数据库的配置，没有数据库时为 standard
help-any--plain = 写出未加密的副本（会记入访问日志）；默认加密给 `wardflow publish privacy` 发布的接收方
help-any--identity = 能打开加密副本的私钥文件（age：AGE-SECRET-KEY-1…；国密数据库的副本：WARDFLOW-SM2-SECRET-KEY-…）
help-export--deidentify = 去标识化导出，供统计和研究：姓名、身份号码换成假名，出生日期只留年份，不含地址、电话和文字记录
help-export--pseudonym_key = 假名密钥文件（默认为数据库路径加 `.pseudonym-key`；第一次去标识化导出时生成，仅本账户可读）
help-wardflow--why = 查阅的理由（与每次查阅一起记入访问日志）；管理员查阅已封存的案件时必须填写
