/*
 * Versioned schema migrations, per module and per dialect:
 *
 *     <root>/<module>/<dialect>/NNNN_<name>.sql
 *
 * dialect is "sqlite" or "postgres"; NNNN is a 4-digit version, contiguous
 * from 0001; <name> is letters, digits, '_' and '-'. Any other *.sql file
 * in the directory is an error naming it; other files are ignored. A
 * module without a directory has no migrations.
 *
 * Modules are given in dependency order and applied in that order, each
 * module's files in version order. Each migration runs in its own
 * transaction together with its row in
 *
 *     hs_migrations (module, version, name, checksum, applied_at,
 *                    PRIMARY KEY (module, version))
 *
 * (checksum: sha256 hex of the file bytes; applied_at: RFC 3339 UTC), so a
 * failing migration leaves the schema as it was. A file must therefore
 * not contain BEGIN/COMMIT itself (that is detected and refused), and in
 * SQLite PRAGMA foreign_keys cannot change there (a table rebuild uses
 * PRAGMA defer_foreign_keys = ON instead).
 *
 * Before anything is applied, every recorded migration of the given
 * modules must still have its file, unchanged: a changed or missing file
 * stops the run with an error naming module, version and file.
 *
 * Concurrent runs (several workers, several hosts) apply each migration
 * once: PostgreSQL holds a session advisory lock for the whole run;
 * SQLite takes BEGIN IMMEDIATE per migration and re-checks whether it was
 * applied meanwhile. Both run on a connection of their own, opened and
 * closed inside the call (PostgreSQL: without statement_timeout, as
 * schema changes may be long).
 */

#ifndef HS_MIGRATE_H
#define HS_MIGRATE_H

#include <jansson.h>

#include "hs_base.h"
#include "hs_db.h"

/* The session advisory lock key of a PostgreSQL run ("HSMIGRAT"). */
#define HS_MIGRATE_PG_LOCK_KEY  "5211594170922320212"

/*
 * Applies what is pending for modules[0..n), logging each applied
 * migration at INFO (log may be NULL). HS_EAGAIN: the database is
 * unavailable; HS_ERROR (or HS_EINVAL for a bad directory) otherwise,
 * with the message in err.
 */
HS_API hs_rc_t hs_migrate_run(hs_db_t *db, const char *root,
    const char *const *modules, size_t n, const hs_log_t *log,
    hs_error_t *err);

/*
 * A new JSON array with one object per migration of modules[0..n), in
 * order, applying nothing:
 *
 *   module      "users_info"
 *   version     1
 *   name        "0001_init.sql"
 *   checksum    sha256 hex of the file (of the record when missing)
 *   applied     true | false
 *   applied_at  "2025-01-31T12:00:00Z" | null
 *   state       "pending" | "applied" | "changed" (the file differs from
 *               what was applied; then also "recorded_checksum") |
 *               "missing" (applied, but the file is gone)
 */
HS_API hs_rc_t hs_migrate_status(hs_db_t *db, const char *root,
    const char *const *modules, size_t n, json_t **status,
    hs_error_t *err);

#endif /* HS_MIGRATE_H */
