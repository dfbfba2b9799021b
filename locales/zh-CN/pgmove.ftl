# 迁移县区数据库：redb 与 PostgreSQL 之间导出、导入（issue 24）
import-pg-not-empty = PostgreSQL 数据库 { $path } 已有数据；导入只会写入空的数据库，请换一个空数据库（createdb 新建）。
help-import--database = 导入到该 PostgreSQL 数据库（`postgres://…`，默认取 WARDFLOW_DATABASE），而不是在 --db 新建 redb 文件：数据库须为空（尚无表结构时先建表），全部写入同一事务，要么全部导入，要么不作改动
help-export--database = 导出该 PostgreSQL 数据库（`postgres://…`，默认取 WARDFLOW_DATABASE），而不是 --db 的 redb 文件：内容相同时与 redb 导出逐字节相同
