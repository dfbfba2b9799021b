# wardflow 中文消息（默认语言）。键名保持 ASCII，文字面向民政、公安和法律工作者。

## 通用
error-prefix = 错误：
did-you-mean = （是否想输入 { $suggestion }？）
none = （无）
cleared = （已清除）
provisional = （暂定：超出节假日数据范围，按工作日推算）
due-at = { $at } 到期

## 数据库
db-missing = 找不到数据库 { $path }。请先运行 `wardflow init` 创建数据库。
db-exists = { $path } 已存在；init 不会改动已有文件。
db-not-wardflow = { $path } 不是 wardflow 数据库（文件格式不符）。请检查 --db 参数。
db-busy = 数据库正被另一个 wardflow 命令占用，已等待 { $seconds } 秒。请稍后重试，或用 --lock-timeout 延长等待。
db-read-only = 数据库文件只读，无法写入。请检查文件权限或磁盘。
db-storage = 存储故障：{ $detail }。本次操作未写入任何内容。
db-corrupt = 数据库中有无法读取的记录：{ $detail }
now-not-simulation = --now 只能用于以 `wardflow init --simulation` 创建的模拟数据库；正式数据库不允许倒填时间。
system-role-reserved = 角色 system 只供期限执行程序使用，不能用 --as 指定。
bad-time = { $flag } 的时间「{ $value }」无法识别。请使用 RFC 3339 格式，例如 2026-11-22T08:30:00+08:00，或北京时间 2026-11-22 08:30。
cannot-read = 无法读取 { $path }：{ $detail }

## 初始化与流程定义
init-done = 已创建{ $simulation ->
    [yes] 模拟
   *[no] 正式
}数据库 { $path }，发布了 { $count } 个流程：
workflows-invalid = 共 { $problems } 处问题（{ $files } 个文件），未作任何更改。
validate-ok = { $file }：通过（{ $workflow }）
publish-new = 已发布 { $workflow } 第 { $version } 版（{ $hash }）
publish-same = { $workflow } 内容未变，仍为第 { $version } 版（{ $hash }）
no-workflows = 尚未发布任何流程。
workflow-version = 第 { $version } 版  { $hash }  { $by } 发布于 { $at }
unknown-workflow = 找不到流程 { $workflow }（数据库中未发布，流程目录中也没有同名文件）。
unpublished-workflow = 流程 { $workflow } 尚未发布。请先运行 `wardflow workflow publish`。

## YAML 问题
yaml-too-large = 文件过大（{ $bytes } 字节，上限 { $limit } 字节）。
yaml-not-utf8 = 文件不是 UTF-8 编码。请以 UTF-8 保存。
yaml-syntax = YAML 语法错误：{ $detail }
yaml-too-deep = 嵌套层数超过上限 { $limit }。
yaml-too-many-nodes = 展开别名后节点数超过上限 { $limit }（可能是别名炸弹）。
yaml-duplicate-key = 键 `{ $key }` 重复出现。
yaml-unknown-alias = 别名 *{ $name } 没有对应的锚点 &{ $name }。
yaml-multiple-documents = 一个文件只能有一个 YAML 文档（发现多个 `---`）。
yaml-empty = 文件为空。
yaml-complex-key = 键必须是文字，不能是列表或映射。

## 定义问题
rule-kebab = 小写字母、数字和连字符（如 entrusted-care）
rule-snake = 小写字母、数字和下划线（如 sign_agreement）
rule-dotted = 以点分隔的小写下划线名称（如 child.birth_date）
problem-unknown-key = 未知的键 `{ $key }`。此处允许：{ $allowed }
problem-wrong-type = 这里应为{ $expected }，实际是{ $found }。
problem-missing-key = 缺少必需的键 `{ $key }`。
problem-bad-name = 名称 `{ $name }` 不合规：应为{ $rule }。
problem-duplicate-name = `{ $name }` 重复列出。
problem-reserved-role = 角色 `{ $role }` 是保留名称，不能在 roles 中声明（系统转换直接写 roles: [system]）。
problem-role-without-title = 角色 `{ $role }` 没有名称：在 roles 中写明其中文名称，格式如 roles: {"{"} { $role }: 公安机关 {"}"}。
problem-enum-without-label = 字段 { $field } 的取值 `{ $value }` 没有标签：在 values 中写明其中文标签，格式如 values: {"{"} { $value }: 男 {"}"}（英文标签写 title_en）。
problem-unknown-type = 未知的字段类型 `{ $ty }`。可用：string、integer、boolean、date、datetime、enum、list。
problem-empty-enum = 枚举类型至少需要一个取值（values）。
problem-no-initial = 没有初始状态：请在一个状态上写 initial: true。
problem-several-initial = 初始状态只能有一个，现有：{ $states }。
problem-initial-final = 初始状态 `{ $state }` 不能同时是终结状态。
problem-undefined-state = 状态 `{ $state }` 未在 states 中定义。
problem-unreachable = 状态 `{ $state }` 从初始状态无法到达：请添加通往它的转换，或删除它。
problem-dead-end = 状态 `{ $state }` 不是终结状态，却没有任何离开它的转换：请添加转换或标记 final: true。
problem-leaves-final = 终结状态 `{ $state }` 不能再有转出的转换。
problem-undeclared-role = 角色 `{ $role }` 未在 roles 中声明。
problem-undeclared-field = 字段 `{ $field }` 未在 fields 中声明。
problem-guard = 守卫条件有误：{ $detail }
problem-bad-period = 期限「{ $text }」无法识别：{ $detail }
problem-undeclared-setting = 设置项 `{ $name }` 未在 settings 中声明。
problem-unknown-transition = 转换 `{ $name }` 不存在。
problem-breach-not-system = 超期时触发的转换 `{ $transition }` 必须是系统转换（roles: [system]）。
problem-not-time-field = 期限起算字段 `{ $field }` 必须是 date 或 datetime 类型。
problem-not-records-field = for_each 字段 `{ $field }` 必须是记录列表（list of 映射）。
problem-bad-value = 值不符合字段 `{ $field }` 的类型（应为 { $expected }）。
problem-unknown-workflow = 派生的流程 `{ $workflow }` 不存在（未发布，也不在本次文件中）。
problem-spawn-misses-required = 派生 `{ $workflow }` 案件时缺少其开案必填字段：{ $fields }。请在 data 或 set 中提供。
problem-spawn-type-mismatch = 派生字段 `{ $target }` 与来源 `{ $source }` 类型不一致。
problem-duplicate-workflow = 流程键 `{ $workflow }` 在多个文件中重复。

## 守卫条件（CEL）
guard-syntax = 语法错误：{ $detail }
guard-unknown-field = 未声明的字段 `{ $name }`
guard-unknown-function = 未知函数 `{ $name }`
guard-type-mismatch = `{ $expression }` 比较了不同类型：{ $left } 与 { $right }
guard-not-boolean = 守卫条件的结果必须是布尔值，实际是 { $found }
guard-enum-value = 字段 `{ $field }` 没有取值「{ $value }」，可用取值：{ $allowed }
guard-unset = 字段 { $field } 尚未填写
guard-false = 条件不成立
guard-error = 无法求值（{ $detail }）

## 输入
input-unknown-field = 流程中没有字段 `{ $field }`。
input-bad-value = 字段 { $field }的值「{ $value }」无效：应为{ $expected }。
input-bad-value-hidden = 字段 { $field }的值无效：应为{ $expected }（敏感字段，不显示输入值）。
input-ambiguous-label = 字段 { $field }：「{ $label }」是多个取值（{ $keys }）的标签，请改填取值的键。
input-not-assignment = 「{ $arg }」不是「字段=值」的形式，例如 --set child.name=张小明。
input-control-char = 字段 { $field }含有控制字符，请删除后重试。
input-too-long = 字段 { $field }超过 { $limit } 个字符。
input-data-not-mapping = --data 文件必须是「字段: 值」的映射。
input-data-syntax = --data 文件无法解析：{ $detail }
bad-case-id = 「{ $case }」不是案件编号（格式如 2026-000123）。
unknown-case = 没有编号为 { $case } 的案件。
unknown-transition = 流程 { $workflow } 中没有转换 `{ $name }`。可用 `wardflow case next` 查看当前可做的操作。
unknown-role = 流程 { $workflow } 中没有角色 `{ $role }`。
future-act = 行为发生时间（{ $at }）不能晚于当前时间。
act-time-disagrees = { $field } 记载的行为时间为 { $recorded }，而 --at 为 { $at }：二者记录的是同一行为。请只填其一，或使二者一致。
amend-no-reason = 更正必须用 --reason 说明理由。
amend-nothing = 更正至少要用 --set 或 --data 修改一个字段。
no-initial-state = 流程 { $workflow } 没有初始状态（内部错误，请报告）。
stale-seq = 案件 { $case } 已有新的记录（当前第 { $actual } 条，你查看时是第 { $expected } 条）。请重新查看后再操作。
spawn-failed = 无法开立关联的 { $workflow } 案件：{ $detail }。本次操作未执行。

## 拒绝（规则不允许）
refused-closed = 案件已结案（状态：{ $state }），不能再办理。
refused-state = 当前状态 { $state }不能执行 { $transition }；该操作只能在以下状态执行：{ $from }。
refused-role = 角色 { $role } 无权执行 { $transition }；有权执行的角色：{ $allowed }。
refused-role-open = 角色 { $role } 无权开立此类案件；有权开案的角色：{ $allowed }。
refused-system-only = { $transition }只能由期限到期时系统自动执行。
refused-missing = 执行 { $transition }前须填写：{ $fields }。
refused-missing-open = 开案须填写：{ $fields }。
refused-correction-guard = 更正 { $fields } 将使已执行的 { $transition } 不再满足其条件：{ $rule }（条件：{ $guard }）。案件将建立在规则不再允许的办理行为之上；只有管理员（admin）可以说明理由（--reason）后作此更正。
refused-too-many-spawns = 执行 { $transition }将开立 { $count } 个案件，超过一次操作可开立的上限 { $limit } 个（设置 max_spawns）；未作任何更改。请分批办理，或由县区方案调整 max_spawns。
refused-guard = 不能执行 { $transition }：{ $rule }。原因：{ $why }；条件：{ $guard }
refused-late = 不能执行 { $transition }：{ $field } 不在“{ $title }”（{ $deadline }）届满之前（届满时间 { $due }）；期间按民法典第二百零一条至第二百零三条只计算一次，本操作须在期间内。
refused-late-not-running = 不能执行 { $transition }：本案没有正在计算的期间 { $deadline }，本操作须在该期间内进行。

## 案件输出
advanced = { $case } 现在的状态：{ $state }
spawned = 已开立关联案件 { $case }（{ $workflow }）
letter-requested = 待出具文书：{ $key }
amended = 已更正案件 { $case }（第 { $seq } 条记录）
show-case = 案件 { $case }
show-simulated = 模拟案件：本库是真实数据的演练副本（import --simulation），本案不是真实案件，不得据此办理
show-workflow = 流程：{ $workflow } { $version }（{ $hash }）
show-state = 状态：{ $state }
show-times = 开案：{ $opened }  最后更新：{ $updated }  记录数：{ $seq }
label-data = 案件数据：
label-links = 关联案件：
label-deadlines = 期限：
label-letters-requested = 文书：
label-missing = 尚缺：
next-choices = { $field } 可填：{ $choices }
next-none = 当前状态 { $state } 没有可执行的操作。
no-cases = 没有符合条件的案件。
history-occurred = 发生于 { $occurred }（记录于 { $recorded }）
history-opened = 开案 → { $state }
history-from-case = ，由案件 { $case } 派生（{ $link }）
history-fired = { $transition }：{ $from } → { $to }
history-note = ；备注：{ $note }
history-amended = 更正数据；理由：{ $reason }
history-overruled = 推翻已执行的 { $transition }的条件：{ $guard }
history-deadline-set = 设定期限 { $name }，{ $due } 到期
history-deadline-cancelled = 取消期限 { $name }（{ $why }）
cancel-left-state = 已离开所属状态
cancel-final-state = 案件已结案
cancel-replaced = 已重新设定
history-letter = 本步骤要求出具文书 { $key }
history-spawned = 开立关联案件 { $case }（{ $workflow }，{ $link }）

## 流程说明
label-roles = 角色：
label-fields = 字段：
label-required = （必填）
label-settings = 设置：
label-states = 状态：
label-transitions = 转换：
label-requires = 须填：
label-guard = 条件：
label-deadline = 期限：
label-letters = 文书：
label-spawn = 派生：

## 类型与期限
type-string = 文字
type-integer = 整数
type-boolean = 是或否（true/false）
type-date = 日期，格式 YYYY-MM-DD，例如 2026-11-22
type-datetime = 日期时间，例如 2026-11-22 08:30 或 2026-11-22T08:30:00+08:00
type-enum = 以下取值之一：{ $values }
type-list = 列表，每项为{ $inner }
type-records = 记录列表（JSON 数组），每条含 { $fields }
period-empty = 期限为空；请写「数字+单位」，如 24h、3d、1 month、5 working days、3日、1个月、5个工作日
period-bad-number = 「{ $text }」不是正整数；期限以正整数开头，如 3d、1 month
period-no-unit = 缺少单位；可用 h（小时）、d（日）、w（周）、month、year、working days，或 小时、日、个月、年、个工作日
period-unknown-unit = 不认识的单位「{ $unit }」；可用 h（小时）、d（日）、w（周）、month、year、working days，或 小时、日、个月、年、个工作日
period-out-of-range = { $value } 超出范围；请用 1 到 { $max } 之间的整数
problem-deadline-field-not-required = 期限从字段 `{ $field }` 起算，但进入该状态时它不一定已填写：请把它列入该转换（或开案）的 requires。
before-opening = 行为发生时间（{ $at }）不能早于立案时间（{ $opened }）。
label-start = 开案：
type-id-number = 18 位公民身份号码（末位可为 X，须通过校验）
identity-mismatch = 公民身份号码 { $field } 与 { $other } 不一致：号码中的出生日期和性别须与所填相符。
problem-profile-workflow = 方案中的流程 `{ $workflow }` 不存在（未发布）。
kind-null = 空值
kind-boolean = 布尔值（true/false）
kind-integer = 整数
kind-number = 数字
kind-string = 文字
kind-list = 列表
kind-mapping = 映射（键: 值）
kind-string-key = 文字键
kind-scalar = 文字、数字或布尔值
kind-guard = CEL 表达式，或 {"{"}cel, reason{"}"} 映射
kind-record-field = 类型名，或 {"{"}type: enum, values: [...]{"}"}
kind-list-of = 类型名，或子字段的映射
kind-period = 期限（如 7d、6 months）
kind-text = 文字
kind-whole-number = 整数
kind-bounded-number = 0 到 100000 之间的整数
kind-true-false = true 或 false
kind-time-zone = 时区（如 Asia/Shanghai）
kind-year = 年份（如 2026）
kind-copy = 抄送对象，或 {"{"}to: …, local: true{"}"} 映射
kind-local-setting = 布尔值、整数、文字或文字列表
show-profile = 县区方案：{ $profile }
label-same-child = 同一儿童的其他案件：
tick-nothing = 没有到期的提醒或期限。
tick-reminded = { $case }：已提醒期限 { $deadline } 即将到期
tick-breached = { $case }：期限 { $deadline } 已届满未办结
tick-transition = { $case }：系统执行 { $transition } → { $to }
tick-spawned = 已开立关联案件 { $case }（由 { $parent } 派生）
agenda-empty = 近期没有到期的期限。
overdue-empty = 没有逾期的期限。
history-deadline-reminded = 提醒：期限 { $name } 即将到期
history-deadline-breached = 期限 { $name } 已于 { $due } 届满，未办结
run-started = 期限执行程序已启动（{ $db }），按 Ctrl-C 停止。
run-stopped = 期限执行程序已停止。
problem-unknown-deadline = 没有任何步骤设定期限 `{ $name }`，无法在 cancels 中取消它。
cancel-met = 已办结
problem-spawn-role = 角色 `{ $role }` 执行此转换会开立 { $workflow } 案件，但该流程未声明此角色：请在 { $workflow } 的 roles 中加入它，或从本转换的 roles 中删去。
tick-adjusted = { $case }：期限 { $deadline } 按新的节假日数据重新计算，{ $due } 到期
history-deadline-adjusted = 期限 { $name } 按新的节假日数据重新计算，{ $due } 到期
overdue-mark = （已逾期）
letter-missing-fields = 文书缺少必填内容，未生成：{ $fields }。请先补充（case amend 或在相应操作中填写）。
letter-unknown = 没有文书 `{ $key }`（见 letters/documents.yaml）。
letter-not-issuer = 角色 { $role } 不出具 { $document }。
letter-error = 文书无法生成：{ $detail }
letter-io = 无法读取 { $path }：{ $detail }
letter-table = 文书目录 { $place } 有误：{ $detail }
letter-template = 文书模板 { $place } 有误：{ $detail }
letter-confidential = 文书模板 { $place }：《{ $document }》不得含有举报人信息（reporter.*），只有受理回执可以。
letter-missing-issuer = { $document } 需要签发机关。
letter-number-on-draft = 草稿不编文号。
letter-missing-number = { $document } 需要文号。
letter-unexpected-number = { $document } 不编文号。
letter-bad-number = { $number } 不是有效的文号：{ $detail }
letter-bad-court-number = { $number } 不是有效的法院案号：{ $detail }
letter-bad-code = 核验码须为 1 至 32 个字母、数字或“-”。
letter-unknown-setting = `{ $name }` 不是该文书的地方设置。
letter-bad-setting = 地方设置 `{ $name }` 应为 { $expected }。
letter-data-shape = 案件数据与文书不相符：{ $detail }
letter-render = 生成《{ $document }》失败：{ $detail }
cannot-write = 无法写入 { $path }：{ $detail }
output-failed-done = 命令已完成并已保存，但其输出无法写出（{ $detail }）。请勿重复执行；用 case show / case history 查看结果。
output-failed-nothing = 输出无法写出（{ $detail }）；未作任何更改，可以重新执行。
out-protected = { $path } 是数据库本身或属于它的文件（签名密钥、访问记录），任何输出都不会写到这里（即使加 --force）；请换一个文件名。
out-exists = { $path } 已存在；不会覆盖已有文件。确要替换，请加 --force；或换一个文件名。
clock-behind = 本次操作的时钟（{ $now }）早于该案件最后一条记录的时间（{ $last }），案件记录不能倒流。请检查 --now 或系统时间。

## 文书：出具、存档、核验
problem-unknown-letter = 文书 `{ $key }` 不在文书目录中（letters/documents.yaml）。
problem-letters-unavailable = 无法读取文书目录，不能检查本流程出具的文书：{ $detail }
problem-letter-fields = 以 { $role } 身份出具文书 `{ $letter }` 需要以下字段，但此步骤（及其之前的每条路径）并未要求填写：{ $fields }。请把它们加入本步骤的 requires，使文书不会在执行时因缺项而无法出具。
problem-letter-fields-undeclared = 文书 `{ $letter }` 要打印的以下字段在本流程中没有声明：{ $fields }。请在 fields 中声明（以便有步骤能录入），或从 letters/documents.yaml 及模板中删去。
letter-unavailable = 注意：无法读取文书目录，本次操作的文书暂不出具（可稍后用 letter issue 出具）：{ $detail }
letter-issued = 已出具《{ $title }》（{ $key }）文号：{ $number }，存档号：{ $id }，核验码：{ $code }
letter-pending = 《{ $title }》（{ $key }）未随本次操作出具：{ $reason }。操作本身已记录；补齐后用 `wardflow letter issue { $case } { $key } --as 角色` 出具。
pending-no-letters = 文书目录不可用（{ $detail }）
pending-not-issuer = 角色 { $role } 不出具此文书，应由 { $issuers } 出具
pending-no-body = 县区方案（profile）中没有为 { $role } 配置出具机关（issuing_bodies.{ $role }：名称、机关代字、印章）
pending-no-number-field = 缺少法院案号：{ $field }
pending-no-number = 缺少法院案号，请用 --number 填写
pending-duplicate-number = 文号 { $number } 已被另一份文书使用
letter-no-such = 没有存档号或文号为「{ $id }」的文书。
letter-other-document = 存档文书 { $id } 是 { $key }，不是 { $expected }，不能用它来替换。
letter-not-in-force = 文书 { $id } 已作废或已被替换，不能再作废或替换。
letter-void-no-reason = 作废文书必须用 --reason 说明理由。
letter-void-not-issuer = 文书 { $id } 由 { $issued_in } 出具，{ $role } 不能将其作废。
letter-voided = 已作废文书 { $id }（文号：{ $number }），存档保留。
letter-none = 没有已出具的文书。
letter-status-in-force = 有效
letter-status-void = 已作废（{ $reason }）
letter-status-replaced = 已被 { $id } 替换
letter-field-id = 存档号
letter-field-title = 文书
letter-field-number = 文号
letter-field-case = 案件
letter-field-issuer = 出具机关
letter-field-actor = 经办人
letter-field-issued-at = 出具时间
letter-field-date = 落款日期
letter-field-code = 核验码
letter-field-status = 状态
letter-field-replaces = 替换的文书
letter-field-template = 模板指纹
verify-bad-code = 「{ $code }」不是核验码（格式如 7KQ2M-XC4TA，10 位字母数字）。
verify-code-unknown = 没有核验码为 { $code } 的存档文书：该文书不是本系统出具的，或核验码抄错了。
verify-code-found = 核验码 { $code } 对应以下存档文书：
verify-identical = { $file } 与存档文书逐字节一致：
verify-unknown = { $file } 与任何存档文书都不一致（SHA-256：{ $sha }），其中也没有可识别的核验码。
verify-limited-valid = 有效：这是存档的文书，由 { $issuer } 出具，现行有效。（您无权查阅该案件，其余内容不予显示。）
verify-limited-void = 已作废或已被替换：这是存档的文书，由 { $issuer } 出具，现已不再有效。（您无权查阅该案件，其余内容不予显示。）
verify-needs-code = 您无权查阅 { $file } 所属的案件：核对整份文件须同时给出文书上印的核验码（--code）。
verify-altered = { $file } 与存档文书不一致：文件中的核验码指向 { $letters }，但内容已被改动。请以 `wardflow letter export` 导出的存档原件为准。
verify-nothing = 请给出要核验的文件，或用 --code 给出核验码。
history-letter-issued = 出具文书 { $key }，文号 { $number }，存档号 { $id }（SHA-256 { $sha }…）
history-letter-voided = 作废文书 { $id }：{ $reason }
show-letter-pending = 待出具
db-repaired = 注意：数据库 { $db } 上次未正常关闭（断电或程序被终止），已自动修复：已提交的记录全部保留，未完成的那一次操作未写入。
db-needs-repair = 数据库上次未正常关闭，需要修复，但当前无法以可写方式打开它（文件只读？）。请检查文件权限后重试。
profile-letter-setting = { $file }：letters.{ $key } 的设置有误：{ $detail }
letter-unnumbered = 无（本文书不编号）
ops-no-such-file = 文件不存在
ops-out-exists = { $path } 已存在；不会覆盖已有文件，请换一个文件名。
check-ok = 数据库检查通过：{ $definitions } 个流程版本，{ $cases } 个案件，{ $events } 条事件；文件未被改动。
check-failed = 数据库 { $path } 检查发现 { $count } 个问题（见上）。文件未被改动；请用最近的备份恢复（wardflow restore）。
check-integrity = 文件结构损坏（redb 完整性检查）：{ $detail }
check-unreadable = 无法读取 { $record }：{ $detail }
check-definition = 流程 { $workflow } 第 { $number } 版有问题：{ $detail }
check-replay = 案件 { $case } 的事件无法重放：{ $detail }
check-snapshot = 案件 { $case } 的当前状态与其事件重放的结果不一致
check-no-snapshot = 有案件 { $case } 的事件，却没有该案件
check-unknown-version = 案件 { $case } 所用的流程版本 { $version } 不在数据库中
check-index-missing = 索引 { $index } 缺少条目 { $entry }
check-index-extra = 索引 { $index } 有多余条目 { $entry }
check-counter = { $year } 年的案件编号计数器为 { $counter }，低于已用的编号 { $highest }
check-access-chain = 访问记录链在第 { $entry } 条处断裂（{ $kind ->
    [edited] 记录被改动
    [missing] 记录被删除
    [unlinked] 有未入链的记录被加入
   *[other] 记录无法读取
}）：访问记录已被篡改
audit-chain-broken = 数据库 { $path } 的访问记录链已断裂（见上）：以上访问记录不可信；请用最近的备份核对（wardflow restore）。
backup-done = 已备份到 { $path }（{ $bytes } 字节）。
restore-db-exists = { $path } 已有数据库；要用备份替换它，请加 --force。
restore-source-damaged = 备份文件检查发现 { $count } 个问题（见上），未恢复；{ $path } 未被改动。
restore-done = 已从 { $from } 恢复到 { $path }：{ $cases } 个案件，{ $events } 条事件。
restore-would-lose = 当前数据库 { $path } 中有上列案件、事件或文书是备份里没有的，恢复会使其丢失；未作任何更改。确要恢复，请在 --force 之外再加 --accept-loss（将记入访问日志）。
restore-lose-case = 将丢失案件 { $case }（{ $events } 条事件）
restore-lose-events = 将丢失案件 { $case } 的第 { $then } 条之后的事件（现有 { $now } 条）
restore-lose-letter = 将丢失文书 { $letter }
restore-lose-total = 合计：{ $cases } 个案件，{ $events } 条事件，{ $letters } 份文书。
export-done = 已导出到 { $path }：{ $definitions } 个流程版本，{ $cases } 个案件，{ $events } 条事件，{ $letters } 份文书。
import-db-exists = { $path } 已存在；导入只会创建新的数据库，请换一个 --db。
import-done = 已导入到新数据库 { $path }：{ $definitions } 个流程版本，{ $cases } 个案件，{ $events } 条事件，{ $letters } 份文书。
import-bad-line = 导入文件第 { $line } 行有误：{ $detail }。未创建数据库。
import-empty = 文件为空（第一行应为 meta 记录）
import-too-long = 行长超过 { $limit } 字节
import-syntax = 不是预期格式的 JSON 对象：{ $detail }
import-unknown-type = 未知的记录类型 `{ $kind }`
import-out-of-order = `{ $kind }` 记录的位置不对（顺序应为 meta、definition、counter、case 及其 event）
import-format = 导出格式版本 { $found } 不受支持（本程序读取版本 { $supported }）
import-record = 记录无法解码：{ $detail }
import-mismatch = 记录与所在行不符：{ $detail }
import-simulation = 导出文件声明来自模拟数据库（可用 --now 改写时间）；导入为模拟数据库须明确加 --simulation，否则不予导入
import-duplicate = { $what } 重复出现
import-replay = 案件 { $case } 无法由其事件重建：{ $detail }
future-birth = 出生日期 { $field } 为 { $date }，晚于本次行为发生的日期：出生日期不能在将来，请核对。
check-recovered = 注意：上一次写入被中断（进程被终止或磁盘已满），文件需要恢复；检查在恢复后的副本上进行，下一个打开该文件的命令会同样完成恢复，只保留已提交的内容。
## Tamper-evident history (verify, key, case export)
init-key = { $made ->
    [yes] 已生成本单位签名密钥（key）
   *[no] 沿用已有的本单位签名密钥（key）
} { $path }，指纹 { $fingerprint }；请妥善保管，勿随数据库一起拷贝。
key-show = 公钥（public_key）：{ $public }
    指纹（fingerprint）：{ $fingerprint }
    密钥文件（key file）：{ $path }
key-made = 已生成本单位签名密钥 { $path }（仅本账户可读）。
key-missing = 没有本单位签名密钥 { $path }；用 `wardflow key init` 生成一个（或用 --key-file 指定密钥文件）。
key-exists = { $path } 已存在；不会覆盖已有的密钥。
key-not-a-key-file = { $path } 不是 wardflow 签名密钥文件。
key-bad-public = “{ $value }”不是 Ed25519 公钥（应为 `wardflow key show` 显示的 64 位十六进制数）。
chain-modified = 案件 { $case } 第 { $seq } 个事件被改动（modified）：按历史链应为 { $expected }，记录为 { $found }。
chain-missing = 案件 { $case } 缺少第 { $seq } 个事件（missing）：其后直接是第 { $found } 个。
chain-reordered = 案件 { $case } 第 { $seq } 个事件顺序被调换（reordered）：此处应为 { $expected }，记录为 { $found }。
chain-truncated = 案件 { $case } 的历史被截断（truncated）：快照记到第 { $seq } 个事件，存储中只到第 { $found } 个。
chain-snapshot = 案件 { $case } 的快照与其历史重放的结果不符（字段：{ $fields }）：快照被改动过，case show 和文书显示的不是记录在案的内容。
chain-unhashed = 案件 { $case } 第 { $seq } 个事件的哈希被去除（unhashed），而它之前的事件都有哈希。
chain-unreadable = 案件 { $case } 第 { $seq } 个事件无法读取（unreadable）：{ $detail }
verify-ok = 已校验 { $cases } 个案件、{ $events } 个事件：历史链完整。
verify-unchained = 案件 { $case } 的前 { $count } 个事件记录于启用历史链之前，没有各自的哈希；此后的第一个链上事件已将它们纳入，此前的改动无法发现。
verify-failed = 历史链校验未通过：{ $count } 个案件有断链。第一处：{ $first }
case-export-done = 已导出案件 { $case } 的 { $events } 个事件到 { $path }，以本单位密钥签名（指纹 { $fingerprint }）。
export-broken = 案件的历史链已断，不予签名导出：{ $first }
export-malformed = { $path } 不是 wardflow 案件导出文件：{ $detail }
export-too-large = 文件超过 { $limit } 字节
export-signature-invalid = 签名无效（signature）：文件内容在签名后被改动过。
export-algorithm = 签名算法为“{ $found }”，不是本系统使用的 ed25519：不予认可。
export-other-key = 文件由另一把密钥签名（signature）：{ $signed_by }，不是所给的公钥。
export-rules-changed = 文件所附流程定义的内容与其哈希不符（definition）。
export-letters-unmatched = 文书 { $letters } 的正文与历史链所记的哈希不符（letters）。
export-verified = 案件 { $case } 的导出文件校验通过：签名有效（指纹 { $fingerprint }），{ $events } 个事件的历史链完整。
## 用户、单位与权限
problem-unknown-unit = 单位 `{ $unit }` 未在单位文件中定义。
problem-unit-cycle = 单位 `{ $unit }` 的上级链条回到了它自身。
## 读取文件（配置、节假日、单位、文书表）
problem-not-one-of = 「{ $value }」不是可用的值。此处允许：{ $allowed }
problem-day-outside-year = 日期 { $day } 不在 { $year } 年内：请列在它所属年份之下。
problem-reserved-letter-field = `{ $field }` 不是案件数据：letter、issuer、local 开头的名称由文书本身提供。
problem-bad-template = 模板「{ $name }」必须是文书目录中的 .hbs 文件名（不含路径）。
problem-no-issuer = 文书 `{ $document }` 没有列出出具机关（issuers）。
problem-required-and-optional = 字段 `{ $field }` 不能同时列在 requires 和 optional 中。
problem-pattern-has-number = 编号样式「{ $pattern }」只写前缀（机关代字与文书代字）；「〔年份〕N号」由系统添加。
problem-pattern-not-allocated = 出具机关 `{ $role }` 的编号不是系统分配（allocated），不能写 pattern。
problem-number-from-not-external = 出具机关 `{ $role }` 的编号不是法院案号（external），不能写 number_from。
problem-external-needs-court = 出具机关 `{ $role }` 使用法院案号（external），版式必须是 court。
problem-party-numbered = 当事人文书（party 版式）没有文号：出具机关 `{ $role }` 的 numbering 应为 none。
user-described = 用户 { $user }（{ $roles }，{ $unit }）
denied-unknown-user = 用户 { $user } 未登记，不能操作或查阅案件。请管理员用 `wardflow user add` 登记（--user 或 WARDFLOW_USER 指定用户名）。
denied-disabled = 用户 { $user } 已停用，不能操作或查阅案件。
denied-role = { $user }不具有 { $role } 角色，不能以该角色办理。
denied-needs = { $user }不能执行 `{ $transition }`：该操作需要 { $needs }。
denied-unit = { $user }无权办理或查阅 { $unit }的案件。
denied-no-unit = { $user }无权办理或查阅未登记办理单位的案件（仅最上级单位可以）。
denied-admin = { $user }不是管理员（admin），不能管理用户、单位、流程或查看访问记录。
denied-auditor = { $user }既不是管理员（admin）也不是审计员（auditor），不能核验、检查或查看访问记录。
denied-confidential = { $user }无权查看或填写保密事项 { $field }：仅限 { $needs }。
user-exists = 用户 { $user } 已登记。
user-unknown = 没有登记用户 { $user }。
unit-unknown = 没有单位 { $unit }（见单位文件）。
unit-in-use = 单位 { $unit } 仍被 { $by } 使用，新的单位文件不能删除它。
role-unknown = 角色 `{ $role }` 未在任何已发布的流程中声明（另可用 admin、auditor、*）。
user-name-bad = 「{ $name }」不能作为用户名：不能为空、不能以空格开头或结尾、不能含控制字符，长度不超过 64 个字符。
user-added = 已登记用户 { $user }。
user-disabled = 已停用用户 { $user }；历史记录中保留其姓名。
denied-last-admin = { $user } 是最后一位启用的管理员（admin）：不能停用，也不能取消其 admin 角色；请先为另一位用户授予 admin。
denied-amend-field = 以 { $role } 身份不能更正 { $field }：该字段由 { $needs } 在办理中录入，只有这些角色（或管理员）可以更正。
denied-transfer = 用户 { $user } 不属于本案的承办单位 { $unit }：只有承办单位的人员或管理员可以移交案件。
denied-transfer-role = 以 { $role } 身份不能移交案件：本流程规定可以移交的角色（transfers）为 { $needs }，另有本案承办人和管理员。
denied-transfer-same = 案件已在 { $unit } 承办，不能移交给同一单位。
user-enabled = 已重新启用用户 { $user }。
user-roles-set = 用户 { $user } 的角色已改为：{ $roles }。
user-disabled-mark = （{ $at } 停用）
unit-covers = ，另覆盖：{ $units }
units-loaded = 已加载 { $count } 个单位。
audit-allowed = 准许
audit-refused = 拒绝：{ $reason }
init-admin = 管理员：{ $user }（{ $roles }），单位 { $unit }
init-admin-unit = 单位文件有多个最上级单位，请用 --admin-unit 指定管理员所在单位。
officer-outside-unit = 承办人 { $user } 所在单位不能办理 { $unit } 的案件。
transferred = 案件 { $case } 已移交 { $unit }。
confidential = （保密）
show-unit = 办理单位：{ $unit }；承办人：{ $officer }
history-transferred = 移交：{ $from } → { $to }，承办人 { $officer }
history-migrated = 迁移流程版本：版本 { $from_version } → { $to_version }，状态 { $from } → { $to }；理由：{ $reason }
cancel-migrated = 迁移后的流程版本不再设定此期限
migrate-refused = 迁移未执行（共 { $count } 个问题），没有案件被改动。
migrate-other-workflow = 案件 { $case } 属于流程 { $workflow }，不属于要迁移的流程。
migrate-closed = 案件 { $case } 已结案（状态 { $state }），不能迁移。
migrate-already-there = 案件 { $case } 已在目标版本上。
migrate-unmapped = 案件 { $case } 的状态 { $state } 在目标版本中不存在，请用 --map { $state }=新状态 指定映射。
migrate-no-such-state = 映射 { $from }={ $to }：目标版本没有状态 { $to }。
migrate-mapped-to-final = 映射 { $from }={ $to }：{ $to } 是结案状态，迁移不能结案。
migrate-field-gone = 案件 { $case } 的字段 { $field } 在目标版本中没有声明。
migrate-field-misfit = 案件 { $case } 的字段 { $field } 的值不符合目标版本声明的类型。
migrate-no-reason = 请用 --reason 说明迁移理由。
migrate-no-such-version = 流程 { $workflow } 没有发布过版本 { $version }。
migrate-no-cases = 请用 --case 指定案件，或用 --all-running 迁移全部在办案件。
migrate-duplicate = 案件 { $case } 被指定了两次。
migrate-dry-run = 试运行：流程 { $workflow } 迁移至版本 { $number }（{ $hash }），以下案件将被迁移（未作任何改动）：
migrate-done = 流程 { $workflow } 已迁移至版本 { $number }（{ $hash }）：
migrate-case = 案件 { $case }：版本 { $from_version } → { $to_version }，状态 { $from } → { $to }
migrate-kept = 保留期限：{ $names }
migrate-cancelled = 撤销期限：{ $names }
migrate-none = 没有需要迁移的在办案件。
migrate-bad-map = --map { $map } 的写法不对：应为 旧状态=新状态，每个旧状态只映射一次。
migrate-too-many-maps = --map 最多 { $max } 个。

# Progress bars on long work (a terminal only).
progress-check = 检查
progress-verify = 核验
progress-export = 导出
progress-import = 导入
progress-backup = 备份

# The configuration file.
config-too-large = 配置文件超过 { $limit } 字节
config-syntax = 配置文件 { $file } 第 { $line } 行有误：{ $detail }
config-unknown-key = 配置文件 { $file } 第 { $line } 行：未知的设置项 `{ $key }`（可用：db、key_file、workflows、letters、profiles、calendar、profile、lang、user、lock_timeout 和 [server] 中的 listen、tls_cert、tls_key）。
config-bad-value = 配置文件 { $file } 第 { $line } 行：设置项 `{ $key }` 的值无效（应为 { $expected }）。
config-source-default = 默认值
config-source-flag = 命令行参数
config-source-env = 环境变量 { $var }
config-source-file = 配置文件 { $file }
