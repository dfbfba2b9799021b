# PostgreSQL 作为第二种后端（issue 24）
pg-unsupported = PostgreSQL 数据库不提供 { $what }（请用 PostgreSQL 自带的工具，如 pg_dump、基础备份或复制）。
serve-database-not-postgres = 数据库地址（database）{ $url } 不是 PostgreSQL 地址：应以 postgres:// 或 postgresql:// 开头；redb 文件请用 --db 指定。
pg-migrate-current = PostgreSQL 数据库 { $db } 已是第 { $version } 版结构，无需迁移。
pg-migrate-done = 已把 PostgreSQL 数据库 { $db } 的结构迁移到第 { $version } 版（执行了第 { $steps } 步）。
