# check 在 PostgreSQL 上：与 redb 相同的检查（issue 24）
check-number-counter = 计数器 { $key } 为 { $counter }，低于已出具文书所用的编号 { $highest }：下一份文书会重复使用该编号
check-letter = 存档文书 { $letter }：{ $problem ->
    [missing] 案件历史记录了该文书，存档中却没有
    [unrecorded] 存档中有该文书，却没有任何案件历史记录它
    [differs] 存档内容与其摘要或案件历史记录的摘要不符
   *[unreadable] 存档记录无法读取
}
