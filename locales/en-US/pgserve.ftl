# PostgreSQL as the second backend (issue 24)
pg-unsupported = { $what } is not available on a PostgreSQL database (use PostgreSQL's own tools: pg_dump, base backups, replication).
serve-database-not-postgres = the database address (database) { $url } is not a PostgreSQL address: it must start with postgres:// or postgresql://; name a redb file with --db.
pg-migrate-current = the PostgreSQL database { $db } is at schema { $version } already; nothing to migrate.
pg-migrate-done = migrated the PostgreSQL database { $db } to schema { $version } (steps { $steps }).
