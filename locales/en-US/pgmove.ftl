# Moving a county: export and import between redb and PostgreSQL (issue 24)
import-pg-not-empty = the PostgreSQL database { $path } already holds data; import only fills an empty database. Use an empty one (made with createdb).
help-import--database = Import into this PostgreSQL database (`postgres://…`, else WARDFLOW_DATABASE) instead of a new redb file at --db: it must be empty (its schema is made when it has none); everything is written in one transaction, or nothing
help-export--database = Export this PostgreSQL database (`postgres://…`, else WARDFLOW_DATABASE) instead of the redb file of --db: byte-identical to a redb export of the same contents
