# 外部编号（issue 25）：其他系统（如公安警情系统）为案件所编的号，同一来源、同一流程下重复开立只得一件案件。
case-open-existing = 外部编号（external-id）“{ $id }”（来源 { $source }）已对应案件 { $case }：本次未新开案件，返回已有案件。
external-id-bad = 外部编号（--external-id，external_id）须为 1 至 { $max } 个可打印 ASCII 字符，不含空格。
external-source-bad = 来源（--source）须为 1 至 { $max } 个字符，不含空格或控制字符。
external-source-without-id = 来源（--source）只能与外部编号（--external-id）一同给出。
external-source-remote = 通过服务器（--server）开立案件时，来源就是发送请求的令牌所属用户，不能另行指定 --source。
external-id-taken = 外部编号（external-id）“{ $id }”在该来源、该流程下已被使用，未开立案件。
external-id-conflict = 外部编号（external-id）“{ $id }”已对应案件 { $case }，但该案件开立时的数据（或办理单位、承办人、时间）与本次不同，未开立案件；重试时请求须与原请求相同，另一件事请使用另一个外部编号。
show-external = 外部编号：{ $id }（来源 { $source }）
help-case-open--external_id = 其他系统为案件所编的号（如 PSB-2026-0001）：以同一编号再次开立时返回已有案件，不重复开立
help-case-open--source = 外部编号的来源系统（默认：你本人；通过服务器时为令牌所属用户）
help-case-list--external_id = 只列出以该外部编号开立的案件（任何来源）
