# wardflow 命令行帮助（--help）与命令行本身的消息：每个命令、参数和取值的说明。
# 键名：help-{命令路径} / help-{路径}--{参数 id} / help-any--{参数 id}（各命令含义相同的参数）
# / help-value-{参数 id}-{取值}。见 src/help.rs。文字面向民政、公安工作人员。

## 各命令含义相同的参数
help-any--key_file = 本单位签名密钥文件（默认：数据库路径后加 `.key`）
help-any--role = 以哪个角色办理
help-any--set = 填写字段，如 `--set child.name=小明`（可重复；按字段类型校验）
help-any--data = 字段数据文件（YAML 或 JSON），`-` 表示从标准输入读取
help-any--case = 案件编号
help-any--expect_seq = 仅当案件仍停在这条记录（你查看时的事件序号）时才执行，防止覆盖他人刚做的操作
help-any--letter = 文书存档号（如 L2026-000001）或文号

## 命令
help-wardflow = 监护干预案件流程管理（wardflow）
help-wardflow--db = 数据库文件
help-wardflow--workflows = 流程定义（YAML）所在目录
help-wardflow--now = 命令使用的时间（RFC 3339）；仅模拟数据库接受
help-wardflow--lang = 提示和输出使用的语言
help-value-lang-zh = 中文
help-value-lang-en = 英文
help-wardflow--json = 输出机器可读的 JSON（出错时在标准错误输出一个 JSON 对象）
help-wardflow--lock_timeout = 数据库被另一个命令占用时最多等待的秒数
help-wardflow--profile = 使用的县区方案（方案目录中的 NAME.yaml）：供 init、publish profile 和模拟数据库使用；正式数据库使用已发布的方案
help-wardflow--profiles = 县区方案所在目录
help-wardflow--letters = 文书模板和文书目录所在目录（默认 ./letters）：供 init、publish letters、workflow validate、预览和模拟数据库使用；正式数据库使用已发布的文书模板
help-wardflow--calendar = 节假日日历文件（格式见 calendars/china.yaml）：供 init、publish calendar 和模拟数据库使用；正式数据库使用已发布的日历
help-wardflow--fonts = PDF 文书所用字体的目录（可重复；WARDFLOW_FONTS 用「:」分隔多个目录）；默认为 Debian 的 fonts-noto-cjk 和 fonts-arphic-ukai 的目录
help-wardflow--user = 经办人用户名（默认：当前登录名）
help-flag-help = 显示帮助
help-flag-version = 显示版本

help-init = 创建数据库，并发布流程目录中的全部流程
help-init--simulation = 创建模拟数据库，可用 `--now` 指定时间（切勿用于真实案件）
help-init--units = 单位文件（格式见 units/example.yaml）；不指定则只有一个覆盖全部辖区的单位
help-init--admin = 首位管理员（默认：`--user`）
help-init--admin_unit = 管理员所在单位（默认：单位文件中的最上级单位）
help-init--admin_roles = 管理员同时担任的流程角色（可重复；`*` 表示全部角色）
help-init--crypto = 数据库的密码算法配置，创建后不可更改：standard（SHA-256 哈希、Ed25519 签名，默认）或 national（国密：SM3 哈希、SM2 签名）
help-value-crypto-standard = 标准：SHA-256 哈希、Ed25519 签名
help-value-crypto-national = 国密：SM3 哈希、SM2 签名（GB/T 32905、32918）

help-workflow = 校验、发布和查看流程定义
help-workflow-list = 列出已发布的流程及其版本
help-workflow-validate = 校验流程文件，逐条指出问题所在的文件、行和列
help-workflow-validate--files = 要校验的文件（默认：流程目录中的全部 YAML 文件）
help-workflow-publish = 校验流程文件，并作为新版本保存
help-workflow-publish--files = 要发布的文件（默认：流程目录中的全部 YAML 文件）
help-workflow-show = 查看流程的状态、转换和字段
help-workflow-show--name = 流程名称（键）
help-workflow-graph = 把流程画成状态图
help-workflow-graph--name = 流程名称（键）
help-workflow-graph--format = 图的格式
help-workflow-migrate = 把在办案件迁移到该流程的另一个已发布版本，并明确指定状态映射（限管理员）
help-workflow-migrate--workflow = 流程名称（键）
help-workflow-migrate--to_version = 迁移到的版本：版本号，或版本哈希（至少 8 位十六进制）
help-workflow-migrate--cases = 要迁移的案件编号（可重复）
help-workflow-migrate--all_running = 迁移该流程全部未结案、且不在目标版本上的案件
help-workflow-migrate--map = 旧状态=新状态（可重复）；未列出的状态保持原名
help-workflow-migrate--dry_run = 试运行：只说明每个案件将如何迁移，不作任何改动
help-workflow-migrate--reason = 迁移理由（记入每个案件的历史）
help-value-format-mermaid = Mermaid，可在 Markdown 中显示
help-value-format-dot = Graphviz DOT
help-subcommand-help = 显示本帮助，或指定子命令的帮助

help-case = 开立、推进和查看案件
help-case-open = 按流程的最新发布版本开立案件，输出案件编号
help-case-open--workflow = 流程名称（键），如 entrusted-care
help-case-open--at = 事情实际发生的时间（早于现在时填写，如夜间接到的报告）
help-case-open--unit = 办理单位（默认：你所在单位）
help-case-open--officer = 承办人（默认：你本人）
help-case-advance = 对案件执行一项转换（办理一个环节）
help-case-advance--transition = 要执行的转换
help-case-advance--note = 随本次记录保存的备注
help-case-advance--at = 事情实际发生的时间（早于现在时填写）
help-case-show = 查看案件的流程、状态、数据、关联案件、期限和文书
help-case-show--case = 案件编号，如 2026-000123
help-case-next = 查看案件现在可以办理哪些事项
help-case-list = 列出案件
help-case-list--workflow = 只列出该流程的案件
help-case-list--state = 只列出处于该状态的案件
help-case-list--child = 同一儿童的全部案件：身份证号或登记编号
help-case-list--unit = 只列出该单位及其下级单位办理的案件
help-case-list--officer = 只列出由该用户负责（承办人）的案件
help-case-list--from = 只列出在该日（YYYY-MM-DD）或之后立案的案件
help-case-list--to = 只列出在该日（YYYY-MM-DD）或之前立案的案件
help-case-list--limit = 每页行数（至多 1000）
help-case-list--page = 显示第几页（从 1 起，与 --limit 一起用）
help-case-list--after = 列出案件编号在此之后的案件（上一页最后一个案件编号）：按案件编号分页
help-case-history = 按顺序列出案件的全部记录
help-case-amend = 更正案件数据并说明理由，更正本身单独记入历史
help-case-amend--reason = 更正理由（记入历史）
help-case-amend--expect_seq = 仅当案件仍停在这条记录（事件序号）时才执行
help-case-overdue = 已逾期的期限，逾期最久的在前
help-case-overdue--role = 只列出该角色现在可以办理的期限
help-case-overdue--workflow = 只列出该流程的案件的期限
help-case-overdue--state = 只列出处于该状态的案件的期限
help-case-overdue--unit = 只列出该单位及其下级单位办理的案件的期限
help-case-overdue--officer = 只列出由该用户负责（承办人）的案件的期限
help-case-overdue--from = 只列出在该日（YYYY-MM-DD）或之后立案的案件的期限
help-case-overdue--to = 只列出在该日（YYYY-MM-DD）或之前立案的案件的期限
help-case-overdue--limit = 每页行数（至多 1000）
help-case-overdue--page = 显示第几页（从 1 起，与 --limit 一起用）
help-case-export = 把案件的历史链以本单位密钥签名后导出到文件
help-case-export--out = 导出到的文件
help-case-transfer = 把案件移交另一单位，并指定新的承办人
help-case-transfer--to = 接收案件的单位
help-case-transfer--officer = 新单位的承办人；不指定则待该单位另行指定
help-case-transfer--reason = 移交理由（记入历史）
help-case-transfer--at = 实际移交的时间（早于现在时填写）
help-case-transfer--expect_seq = 仅当案件仍停在这条记录（事件序号）时才执行

help-timers = 执行已到期的法定期限
help-timers-tick = 执行现在（或 --now 时）到期的全部提醒和超期处理；重复运行不会重复执行

help-agenda = 今后几天内到期的事项，最近的在前
help-agenda--days = 向后查看的天数
help-agenda--role = 只列出该角色现在可以办理的期限

help-run = 持续运行期限执行程序，直到收到 SIGINT/SIGTERM
help-run--recheck = 两次检查期限之间最长间隔的秒数

help-letter = 根据案件数据制作正式文书
help-letter-preview = 按案件数据生成文书草稿：不编文号，不存档
help-letter-preview--key = 文书名称（键），如 warning-letter
help-letter-preview--role = 以哪个角色出具（决定版式和编号方式）
help-letter-preview--body = 县区方案未给该角色配置出具机关时，文书上印的机关名称
help-letter-preview--format = 输出格式
help-value-format-txt = 纯文本
help-value-format-html = HTML，可在浏览器中查看、打印
help-value-format-pdf = PDF/A，出具时排版存档的原件
help-letter-preview--out = 写入文件，而不是输出到屏幕
help-letter-issue = 出具案件的文书：编文号、存档，并记入案件历史
help-letter-issue--key = 文书名称（键），如 warning-letter
help-letter-issue--role = 以哪个角色出具（须是该文书的出具方）
help-letter-issue--number = 法院案号，用于由法院编号的文书（不填则取案件中的案号）
help-letter-issue--replaces = 重新出具：被替换文书的存档号（原文书随即失效）
help-letter-void = 作废已出具的文书并说明理由；原件仍留在存档中
help-letter-void--letter = 文书存档号（如 L2026-000001）
help-letter-void--reason = 作废理由（记入案件历史）
help-letter-list = 列出已出具的文书，可限定某一案件
help-letter-list--case = 只列出该案件的文书
help-letter-show = 查看已出具文书的详情（按存档号或文号）
help-letter-export = 按存档原样导出已出具的文书（HTML、纯文本或 PDF）
help-letter-export--format = 输出格式
help-letter-export--out = 导出到的文件（不指定则输出到屏幕）
help-letter-verify = 用文件或核验码与存档比对，核验文书真伪
help-letter-verify--file = 与存档逐字节比对的文件（导出的 HTML、纯文本或 PDF）
help-letter-verify--code = 纸质文书上印的核验码，如 7KQ2M-XC4TA

help-check = 检查数据库的完整性（文件、记录、历史、索引），不作任何改动

help-backup = 备份数据库（正在使用时也能得到一致的副本）
help-backup--out = 备份写到哪里（该文件不能已存在）

help-restore = 用备份替换数据库（先检查备份；已有数据库时须加 `--force`）
help-restore--backup = 要恢复的备份文件
help-restore--force = 替换已有的数据库

help-export = 把整个数据库导出为 JSON Lines
help-export--out = 导出到该文件（不能已存在），而不是输出到屏幕

help-import-register = 把现有登记表（CSV 或 XLSX）导入为案件，要么全部导入，要么不作改动（限管理员）
help-import-register--file = 登记表：CSV（UTF-8，第一行为表头）或 XLSX（第一个工作表）
help-import-register--workflow = 各行导入为哪个流程的案件
help-import-register--map = 对照表（YAML）：角色、列→字段、固定值、到达登记状态的操作
help-import = 从导出文件新建数据库（要么全部导入，要么不作改动）
help-import--file = 导出文件（JSON Lines），`-` 表示从标准输入读取

help-verify = 重新计算案件的历史链，或核验签名导出文件（发现断链时退出码为 4）
help-verify--case = 只核验该案件（默认：数据库中的全部案件）
help-verify--file = 改为核验一个签名导出文件（由 `case export` 生成）
help-verify--key = 信任的本单位公钥，即 `wardflow key show` 显示的内容（可重复；不给时用数据库中的密钥环）

help-key = 本单位签名密钥：查看公钥，或生成密钥
help-key-show = 显示本单位公钥及其指纹（不显示私钥）
help-key-init = 生成本单位签名密钥（用于启用密钥之前创建的数据库）

help-user = 可以办理案件的人员：角色和所在单位
help-user-add = 登记用户及其角色和所在单位（仅管理员）
help-user-add--name = 用户名，与 `--user` / `WARDFLOW_USER` 所填的一致
help-user-add--roles = 用户可担任的角色（可重复）：流程角色、`admin`，或 `*` 表示全部流程角色（仅用于培训和测试数据库）
help-user-add--unit = 用户所在单位（单位文件中的编号）
help-user-list = 全部已登记用户，包括已停用的
help-user-disable = 停用用户，使其不能再办理或查阅案件；历史中保留其姓名（仅管理员）
help-user-disable--name = 用户名

help-unit = 各单位及其负责的辖区
help-unit-load = 用文件中的单位替换现有单位（仅管理员）
help-unit-load--file = 单位文件（格式见 units/example.yaml）
help-unit-list = 现行的单位

help-audit = 访问记录：每一次查阅案件，无论准许还是拒绝
help-audit--case = 只看该案件的查阅记录
help-audit--reader = 只看该用户的查阅记录（`--user` 仍表示是谁在查看，与其他命令相同）
help-config = 当前生效的设置及其来源
help-config-show = 列出当前生效的每项设置及其来源（命令行参数、环境变量、配置文件或默认值）

help-completions = 输出命令行自动补全脚本
help-completions--shell = 为哪种 shell 生成补全脚本
help-value-shell-bash = Bash
help-value-shell-elvish = Elvish
help-value-shell-fish = fish
help-value-shell-powershell = PowerShell
help-value-shell-zsh = Zsh
help-man = 把使用手册（man 手册页，英文和中文）写入目录，供打包使用
help-man--out = 写入的目录（不存在时自动创建）
man-written = 已在 { $dir } 下写入 { $count } 个手册页（man1/ 为英文，zh_CN/man1/ 为中文）

## 帮助页的版式
help-heading-usage = 用法：
help-heading-commands = 命令：
help-heading-arguments = 参数：
help-heading-options = 选项：
help-usage-options = 选项
help-usage-command = 命令
help-default = 默认：{ $value }
help-env = 环境变量 { $name }
help-values = 可选：{ $values }

## 命令行无法解析时的提示
clap-unknown-argument = 无法识别的参数「{ $arg }」
clap-unknown-subcommand = 没有子命令「{ $command }」
clap-value-missing = 「{ $arg }」后面需要一个值，但没有填写
clap-value-invalid = 「{ $arg }」的值「{ $value }」无效
clap-value-unparsed = 「{ $arg }」的值「{ $value }」无效：{ $detail }
clap-valid-values = （可选：{ $values }）
clap-no-equals = 「{ $arg }」的值须用等号连接，写作 { $arg }=值
clap-too-many-values = 「{ $arg }」多出了值「{ $value }」
clap-too-few-values = 「{ $arg }」需要 { $min } 个值，只给了 { $actual } 个
clap-wrong-number-of-values = 「{ $arg }」需要 { $expected } 个值，实际给了 { $actual } 个
clap-argument-twice = 参数「{ $arg }」只能使用一次
clap-argument-conflict = 参数「{ $arg }」不能与 { $other } 同时使用
clap-missing-argument = 缺少必需的参数：{ $args }
clap-missing-subcommand = 「{ $command }」后面需要一个子命令：{ $commands }
clap-invalid-utf8 = 有参数不是有效的 UTF-8 文字
clap-other = 无法解析命令行（{ $detail }）
clap-tip = 提示：
clap-similar-subcommand = 是否想输入子命令{ $similar }？
clap-similar-argument = 是否想输入参数{ $similar }？
clap-similar-value = 是否想输入{ $similar }？
clap-tip-as-value = 如果「{ $arg }」是要填写的值，请写作「{ $usage }」
clap-tip-remove-dashes = 子命令「{ $command }」存在；要使用它，请去掉前面的「--」
clap-tip-exists = 可以用「{ $usage }」
clap-more-help = 更多信息请运行「--help」。
clap-not-a-number = 不是有效的数字
clap-out-of-range = 超出允许范围 { $range }

## init
init-no-workflows = 在 { $dir } 中没有找到流程文件（*.yaml、*.yml），未创建数据库。请用 --workflows 目录 或环境变量 WARDFLOW_WORKFLOWS 指定流程所在目录。

## 表头（case list、agenda、letter list 等列表）
table-case = 案件编号
table-workflow = 流程
table-state = 状态
table-updated = 最后更新
table-due = 到期时间
table-deadline = 期限
table-note = 备注
table-letter = 存档号
table-number = 文号
table-title = 文书
table-date = 落款日期
table-status = 状态
table-user = 用户
table-roles = 角色
table-unit = 单位
table-version = 版本
table-hash = 哈希
table-published-by = 发布人
table-published-at = 发布时间
table-at = 时间
table-action = 操作
table-outcome = 结果
table-enabled = 在用
table-setting = 设置
table-value = 值
table-source = 来源
table-disabled = { $at } 停用

help-any--force = 替换已有的 `--out` 文件（数据库、其密钥和访问日志任何时候都不会被替换）
help-restore--accept_loss = 确认接受丢失：当前数据库中有备份所没有的案件、事件或函件时（先不加此项运行一次即会列出），在 `--force` 之外的第二次确认
help-import--simulation = 将新数据库设为模拟数据库（接受 `--now`）：导入模拟数据库的导出文件时必须加；导入正式数据库的导出文件时，会将其变为培训副本
help-user-enable = 恢复已停用用户办理和查阅案件的权限（仅管理员）
help-user-enable--name = 用户名
help-user-roles = 替换用户的角色（仅管理员）；最后一位管理员须保留 `admin`
help-user-roles--name = 用户名
help-user-roles--roles = 用户可担任的角色（可重复），与 `user add` 相同
help-db = 数据库的存储格式：安装新版本后运行 `db migrate`
help-db-migrate = 把数据库迁移到本程序的存储格式（仅管理员）
help-db-migrate--dry-run = 只列出将执行的步骤，不作更改
help-db-compact = 整理数据库文件，把空闲空间还给磁盘（仅管理员；须先停止服务）

help-user-password = 设置用户登录 `wardflow serve` 的密码（管理员可为任何人设置；用户可为自己设置）。从终端读取且不回显，或从标准输入读取
help-user-password--name = 用户名
help-user-password--password_stdin = 从标准输入的第一行读取密码（供脚本使用）；加 --server 修改本人密码时，第二行为当前密码
help-user-unlock = 解除用户因登录失败而需等待的限制，使其可立即再次登录（仅管理员）
help-user-unlock--name = 用户名
help-token = 供调用 `wardflow serve` 的系统使用的 API 令牌
help-token-create = 创建 API 令牌（仅显示这一次）：为自己，或为其他用户（仅管理员）
help-token-create--owner = 令牌属于谁（默认：您本人）。令牌恰好拥有该用户的权限
help-token-create--expires = 有效期：天数，如 `90d` 或 `90`
help-token-create--label = 令牌的用途（在 `token list` 中显示）
help-token-list = 令牌列表（从不显示令牌本身）：您自己的，管理员可见全部
help-token-revoke = 按编号吊销令牌（编号见 `token list`）
help-token-revoke--id = 令牌编号

help-report = 统计报表：某月、某季度或任意期间的案件、期限、儿童和文书数字（仅统计本单位可查阅的案件）
help-report--from = 统计期间的第一天（YYYY-MM-DD）
help-report--to = 统计期间的最后一天（YYYY-MM-DD）
help-report--month = 统计某个月（YYYY-MM）
help-report--quarter = 统计某个季度（YYYYQ1 至 YYYYQ4）
help-report--by = 案件数的分组，用逗号分隔（workflow、state、township、unit、officer；默认全部）
help-report--format = 输出格式（默认在终端显示表格）
help-value-format-table = 终端表格
help-value-format-csv = 逗号分隔的文本，各表依次排列
help-value-format-xlsx = Excel 工作簿，每张表一个工作表
help-report--out = 写入的文件（xlsx 必须指定）
help-report--force = 文件已存在时替换它（绝不替换数据库及其文件）

help-child = 儿童档案（一人一档）：同一儿童的全部案件；按姓名查找儿童
help-child-show = 一名儿童的档案：全部案件、文书、期限和记录，按时间排列
help-child-show--child = 儿童的公民身份号码，或身份不明儿童的登记编号
help-child-find = 按姓名查找儿童及其案件（用出生日期区分同名儿童）
help-child-find--name = 儿童姓名（child.name 所记）
help-child-find--born = 只列出在该日出生的儿童（YYYY-MM-DD）
help-serve = 通过 HTTP/JSON 提供数据库服务（由其独占数据库文件），并运行期限执行器
help-serve--listen = 监听地址；默认仅本机回环地址（在网络上提供服务时请给出 `--tls-cert/--tls-key`）
help-serve--recheck = 期限执行器两次查看期限索引之间的最长等待秒数
help-serve--tls_cert = TLS：证书链文件（PEM）；与 `--tls-key` 同用时，服务只接受 HTTPS
help-serve--tls_key = TLS：证书的私钥文件（PEM）
help-login = 登录 wardflow 服务；令牌保存在您的配置目录中
help-login--password_stdin = 从标准输入的第一行读取密码（供脚本使用）
help-logout = 退出登录：在服务端吊销保存的令牌并删除本地记录
help-serve--openapi = 打印接口的 OpenAPI 文档（docs/openapi.json）后退出；不打开数据库
help-db-migrate--dry_run = 只列出将执行的步骤，不作更改
help-publish = 把节假日日历、文书模板、县区方案和单位发布到数据库，并列出已发布的版本
help-publish-calendar = 发布节假日日历（仅管理员）；进行中的期限随之重新计算
help-publish-calendar--file = 日历文件（格式见 calendars/china.yaml）
help-publish-letters = 发布文书模板和文书目录（仅管理员）
help-publish-letters--dir = 文书模板目录；默认为 --letters（./letters）
help-publish-profile = 发布县区方案（仅管理员）
help-publish-profile--file = 方案文件（格式见 profiles/qianjiang.yaml）
help-publish-units = 发布单位（仅管理员；与 unit load 相同）
help-publish-units--file = 单位文件（格式见 units/example.yaml）
help-publish-list = 已发布的日历、文书模板、方案和单位的各个版本
help-any--database = PostgreSQL 数据库地址 `postgres://用户:密码@主机/库名`（也可用环境变量 `WARDFLOW_DATABASE`）；默认用 `--db` 的 redb 文件。地址含密码，属机密：只显示主机和库名，从不写入日志
help-serve--pool_size = PostgreSQL：本服务最多同时持有的连接数（默认 16，最多 256）
help-serve--statement_timeout = PostgreSQL：单条语句最长运行秒数（默认 30），超时即取消，按“忙”处理（退出码 3 / HTTP 503）
help-serve--webhook_secret_file = PostgreSQL：Webhook 主密钥文件，数据库的每台服务器须用同一份（否则读配置文件 `[server] webhook_secret_file`）：各 Webhook 的签名密钥由它派生，数据库中不保存任何密钥；未配置时本服务器不投递 Webhook，也拒绝新增
