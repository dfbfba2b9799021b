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
refused-guard = 不能执行 { $transition }：{ $rule }。原因：{ $why }；条件：{ $guard }

## 案件输出
advanced = { $case } 现在的状态：{ $state }
spawned = 已开立关联案件 { $case }（{ $workflow }）
letter-requested = 待出具文书：{ $key }
amended = 已更正案件 { $case }（第 { $seq } 条记录）
show-case = 案件 { $case }
show-workflow = 流程：{ $workflow } { $version }（{ $hash }）
show-state = 状态：{ $state }
show-times = 开案：{ $opened }  最后更新：{ $updated }  记录数：{ $seq }
label-data = 案件数据：
label-links = 关联案件：
label-deadlines = 期限：
label-letters-requested = 文书：
label-missing = 尚缺：
next-none = 当前状态 { $state } 没有可执行的操作。
no-cases = 没有符合条件的案件。
history-occurred = 发生于 { $occurred }（记录于 { $recorded }）
history-opened = 开案 → { $state }
history-from-case = ，由案件 { $case } 派生（{ $link }）
history-fired = { $transition }：{ $from } → { $to }
history-note = ；备注：{ $note }
history-amended = 更正数据；理由：{ $reason }
history-deadline-set = 设定期限 { $name }，{ $due } 到期
history-deadline-cancelled = 取消期限 { $name }（{ $why }）
cancel-left-state = 已离开所属状态
cancel-final-state = 案件已结案
cancel-replaced = 已重新设定
history-letter = 待出具文书 { $key }
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
kind-true-false = true 或 false
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
cannot-write = 无法写入 { $path }：{ $detail }
clock-behind = 本次操作的时钟（{ $now }）早于该案件最后一条记录的时间（{ $last }），案件记录不能倒流。请检查 --now 或系统时间。

## 用户、单位与权限
problem-unknown-unit = 单位 `{ $unit }` 未在单位文件中定义。
problem-unit-cycle = 单位 `{ $unit }` 的上级链条回到了它自身。
user-described = 用户 { $user }（{ $roles }，{ $unit }）
denied-unknown-user = 用户 { $user } 未登记，不能操作或查阅案件。请管理员用 `wardflow user add` 登记（--user 或 WARDFLOW_USER 指定用户名）。
denied-disabled = 用户 { $user } 已停用，不能操作或查阅案件。
denied-role = { $user }不具有 { $role } 角色，不能以该角色办理。
denied-needs = { $user }不能执行 `{ $transition }`：该操作需要 { $needs }。
denied-unit = { $user }无权办理或查阅 { $unit }的案件。
denied-no-unit = { $user }无权办理或查阅未登记办理单位的案件（仅最上级单位可以）。
denied-admin = { $user }不是管理员（admin），不能管理用户、单位、流程或查看访问记录。
denied-confidential = { $user }无权查看或填写保密事项 { $field }：仅限 { $needs }。
user-exists = 用户 { $user } 已登记。
user-unknown = 没有登记用户 { $user }。
unit-unknown = 没有单位 { $unit }（见单位文件）。
unit-in-use = 单位 { $unit } 仍被 { $by } 使用，新的单位文件不能删除它。
role-unknown = 角色 `{ $role }` 未在任何已发布的流程中声明（另可用 admin、*）。
user-added = 已登记用户 { $user }。
user-disabled = 已停用用户 { $user }；历史记录中保留其姓名。
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
