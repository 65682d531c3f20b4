/* schema.c - opening a history database: the refusal checks done read-only
 * before anything is written, the connection (with its read-only fallbacks)
 * and the ordered list of forward migrations that PRAGMA user_version counts. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef _WIN32
/* Windows: no O_CLOEXEC but reads must be binary, mkdir takes no mode, a
 * path may use either separator and starts with a drive ("C:"). */
#define O_CLOEXEC O_BINARY
#define mkdir(dir, mode) mkdir(dir)
#define IS_SEP(c) ((c) == '/' || (c) == '\\')
#define IS_DRIVE(dir, end) ((end) == (dir) + 2 && (dir)[1] == ':')
#else
#define IS_SEP(c) ((c) == '/')
#define IS_DRIVE(dir, end) 0
#endif

/* ------------------------------------------------------------ migrations */

/* Version 1: the first schema. docs/schema.md describes every column. */
static const char schema_v1[] =
    "CREATE TABLE machine ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE COLLATE NOCASE);"
    "CREATE TABLE snapshot ("
    " id INTEGER PRIMARY KEY,"
    " machine_id INTEGER REFERENCES machine(id),"
    " collected_at TEXT NOT NULL,"
    " evidence_time TEXT,"
    " command_line TEXT,"
    " evidence TEXT,"
    " wudiag_version TEXT NOT NULL,"
    " verdict TEXT,"
    " events INTEGER NOT NULL DEFAULT 0,"
    " failures INTEGER NOT NULL DEFAULT 0,"
    " findings INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX snapshot_by_time ON snapshot(collected_at, id);"
    "CREATE INDEX snapshot_by_machine ON snapshot(machine_id, collected_at, id);"
    "CREATE TABLE service_state ("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL, display_name TEXT, state TEXT, start_type TEXT,"
    " pid INTEGER NOT NULL, exit_code INTEGER NOT NULL,"
    " service_exit_code INTEGER NOT NULL, source TEXT);"
    "CREATE INDEX service_state_by_snapshot ON service_state(snapshot_id);"
    "CREATE TABLE event ("
    " id INTEGER PRIMARY KEY,"
    " computer TEXT NOT NULL,"
    " channel TEXT NOT NULL,"
    " record_id INTEGER NOT NULL,"
    " time TEXT NOT NULL,"
    " provider TEXT, event_id INTEGER NOT NULL, level INTEGER NOT NULL,"
    " UNIQUE (computer, channel, record_id, time));"
    "CREATE TABLE event_field ("
    " event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL, name TEXT NOT NULL, value TEXT,"
    " PRIMARY KEY (event_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE snapshot_event ("
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " event_id INTEGER NOT NULL REFERENCES event(id),"
    " source TEXT,"
    " PRIMARY KEY (snapshot_id, event_id)) WITHOUT ROWID;"
    "CREATE TABLE failure ("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " hresult INTEGER NOT NULL, origin TEXT, time TEXT, operation TEXT, title TEXT,"
    " kb TEXT, update_id TEXT, context TEXT, component TEXT, computer TEXT,"
    " event_record_id INTEGER NOT NULL, event_channel TEXT, source TEXT,"
    " line INTEGER NOT NULL);"
    "CREATE INDEX failure_by_snapshot ON failure(snapshot_id);"
    "CREATE TABLE fact ("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " key TEXT NOT NULL, value TEXT, source TEXT);"
    "CREATE INDEX fact_by_snapshot ON fact(snapshot_id);"
    "CREATE TABLE collection_note ("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " source TEXT, location TEXT, reason TEXT);"
    "CREATE INDEX collection_note_by_snapshot ON collection_note(snapshot_id);"
    "CREATE TABLE source ("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " path TEXT NOT NULL, kind TEXT, records INTEGER NOT NULL,"
    " kept INTEGER NOT NULL, errors INTEGER NOT NULL);"
    "CREATE INDEX source_by_snapshot ON source(snapshot_id);"
    "CREATE TABLE finding ("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " rule TEXT NOT NULL, severity TEXT, title TEXT, explanation TEXT,"
    " fixes TEXT, evidence TEXT);"
    "CREATE INDEX finding_by_snapshot ON finding(snapshot_id);"
    "PRAGMA application_id = 1465205831;"; /* WD_STORE_APP_ID */

/* Version 2: snapshot.uid, a stable identity across databases (what
 * `wudiag merge` recognises a snapshot by). Existing snapshots get the
 * uid derived from their machine, time and id (WD_STORE_LEGACY_UID). */
static const char schema_v2[] =
    "ALTER TABLE snapshot ADD COLUMN uid TEXT;"
    "UPDATE snapshot SET uid = " WD_STORE_LEGACY_UID("snapshot", "machine") ";"
    "CREATE UNIQUE INDEX snapshot_by_uid ON snapshot(uid);";

/* Version 3: what the evidence means, typed (docs/activities.md). An
 * activity table replaces failure (a failure is an activity whose outcome
 * is "failed"; the old rows keep their ids), findings cite rows through
 * finding_evidence instead of a text list, facts carry the time their
 * source saw them, notes a kind, snapshots how their machine was decided. */
static const char schema_v3[] =
    "CREATE TABLE activity ("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " operation TEXT NOT NULL, outcome TEXT NOT NULL,"
    " code INTEGER, has_code INTEGER NOT NULL DEFAULT 0,"
    " time TEXT, update_id TEXT, kb TEXT, title TEXT,"
    " product TEXT NOT NULL DEFAULT 'unknown',"
    " package TEXT, service TEXT, target TEXT, session TEXT,"
    " count INTEGER NOT NULL DEFAULT -1,"
    " component TEXT, detail TEXT, computer TEXT,"
    " loc_kind TEXT, source TEXT, line INTEGER, channel TEXT, record_id INTEGER,"
    " event_id INTEGER,"
    " subject TEXT, repeats INTEGER NOT NULL DEFAULT 0, last_time TEXT,"
    " event_row INTEGER REFERENCES event(id),"
    " ident INTEGER, nth INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX activity_by_time ON activity(snapshot_id, time, id);"
    "CREATE INDEX activity_by_subject ON activity(snapshot_id, subject, time, id);"
    "CREATE INDEX activity_by_update ON activity(snapshot_id, update_id);"
    "CREATE INDEX activity_by_ident ON activity(snapshot_id, ident);"
    "CREATE TABLE finding_evidence ("
    " finding_id INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('activity', 'event', 'service', 'fact', 'note',"
    " 'source')),"
    " row_id INTEGER NOT NULL,"
    " PRIMARY KEY (finding_id, seq)) WITHOUT ROWID;"
    "ALTER TABLE finding ADD COLUMN cause TEXT;"
    "ALTER TABLE finding ADD COLUMN known_issue TEXT;"
    "ALTER TABLE finding ADD COLUMN state TEXT;"
    "ALTER TABLE fact ADD COLUMN time TEXT;"
    "ALTER TABLE collection_note ADD COLUMN kind TEXT NOT NULL DEFAULT 'partial';"
    "ALTER TABLE snapshot ADD COLUMN activities INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE snapshot ADD COLUMN machine_from TEXT;";

/* Version 3, after the old rows were copied over (convert_v3). */
static const char schema_v3_end[] =
    "UPDATE snapshot SET activities = failures;"
    "ALTER TABLE finding DROP COLUMN evidence;"
    "DROP TABLE failure;";

/* Copies the version 2 failure rows and finding evidence into the version 3
 * tables through legacy.c's views, then drops the old columns and table. */
static int convert_v3(wd_store *s)
{
    int r = wd_store__views(s->db, "main", "m_v2_", 2);
    if (r == SQLITE_OK)
        r = sqlite3_exec(s->db,
                         "INSERT INTO activity(" WD_ACTIVITY_COLUMNS ") SELECT "
                         WD_ACTIVITY_COLUMNS " FROM temp.m_v2_activity ORDER BY id;"
                         "INSERT INTO finding_evidence(finding_id, seq, kind, row_id)"
                         " SELECT finding_id, seq, kind, row_id"
                         " FROM temp.m_v2_finding_evidence;", NULL, NULL, NULL);
    /* the views name the old column: gone before it is dropped */
    wd_store__drop_views(s->db, "m_v2_");
    if (r != SQLITE_OK)
        return wd_store__error(s, r, "upgrading the schema");
    int rc = wd_store__exec(s, schema_v3_end, "upgrading the schema");
    /* "unknown" mixed unrelated machines (issue 11): a name each */
    if (!rc && (r = wd_store__relabel_unknown(s, 0)) != SQLITE_OK)
        rc = wd_store__error(s, r, "upgrading the schema");
    return rc;
}

/* Version 4: the journal of `wudiag fix` (docs/schema.md). A run is one
 * `wudiag fix` or `wudiag fix --undo`; each of its steps is written (and
 * committed) before it acts and again when it has acted, so a crash leaves
 * an honest journal. At most one run is "running" at a time: the partial
 * unique index is the lock that refuses a second one. */
static const char schema_v4[] =
    "CREATE TABLE fix_run ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('fix', 'undo')),"
    " machine TEXT NOT NULL COLLATE NOCASE,"
    " undoes INTEGER REFERENCES fix_run(id) ON DELETE SET NULL,"
    " snapshot_id INTEGER REFERENCES snapshot(id) ON DELETE SET NULL,"
    " after_snapshot_id INTEGER REFERENCES snapshot(id) ON DELETE SET NULL,"
    " started_at TEXT NOT NULL, ended_at TEXT,"
    " state TEXT NOT NULL CHECK (state IN ('running', 'done', 'stopped', 'interrupted')),"
    " message TEXT, command_line TEXT, wudiag_version TEXT NOT NULL,"
    " pid INTEGER NOT NULL, process_started TEXT);"
    "CREATE INDEX fix_run_by_machine ON fix_run(machine, started_at, id);"
    "CREATE UNIQUE INDEX fix_run_lock ON fix_run(state) WHERE state = 'running';"
    "CREATE TABLE fix_step ("
    " id INTEGER PRIMARY KEY,"
    " run_id INTEGER NOT NULL REFERENCES fix_run(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL, step INTEGER NOT NULL,"
    " fix TEXT NOT NULL, action TEXT NOT NULL, target TEXT,"
    " started_at TEXT NOT NULL, ended_at TEXT,"
    " before TEXT, after TEXT,"
    " result TEXT NOT NULL CHECK (result IN ('running', 'done', 'unchanged', 'failed',"
    " 'refused', 'skipped', 'prompted')),"
    " error INTEGER NOT NULL DEFAULT 0, message TEXT, undo TEXT,"
    " undone_by INTEGER REFERENCES fix_step(id) ON DELETE SET NULL,"
    " UNIQUE (run_id, seq));";

/* Version 5: what fleet queries count, as the judgement saw it: each
 * finding's first fix (the first of its fixes the evidence does not show
 * already failed) and where each update stands (update_state). */
static const char schema_v5[] =
    "ALTER TABLE finding ADD COLUMN first_fix TEXT;"
    "CREATE TABLE update_state ("
    " id INTEGER PRIMARY KEY,"
    " snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    " key TEXT NOT NULL, kb TEXT, title TEXT, product TEXT, state TEXT NOT NULL,"
    " code INTEGER, failures INTEGER NOT NULL DEFAULT 0,"
    " successes INTEGER NOT NULL DEFAULT 0,"
    " first_failure TEXT, last_failure TEXT, last_success TEXT);"
    "CREATE INDEX update_state_by_snapshot ON update_state(snapshot_id, key);";

/* One step per schema version, in order: step i takes a file from version
 * i to version i + 1, running its SQL and then its conversion of old rows.
 * A later wudiag appends steps; it never edits one. */
static const struct {
    const char *sql;
    int (*convert)(wd_store *s);
} migrations[WD_STORE_SCHEMA] = {
    {schema_v1, NULL},
    {schema_v2, NULL},
    {schema_v3, convert_v3},
    {schema_v4, NULL},
    {schema_v5, NULL},
};

int wd_store__migrate(wd_store *s, int from, int to)
{
    char sql[64];
    for (int v = from; v < to; v++) {
        int rc = wd_store__exec(s, migrations[v].sql, "upgrading the schema");
        if (!rc && migrations[v].convert)
            rc = migrations[v].convert(s);
        if (rc)
            return rc;
        /* user_version cannot be bound; v + 1 is our own constant */
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d;", v + 1);
        rc = wd_store__exec(s, sql, "upgrading the schema");
        if (rc)
            return rc;
    }
    return WD_OK;
}

/* ---------------------------------------------------------- file checks */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int sidecar_exists(const char *path, const char *suffix)
{
    char *p = NULL;
    struct stat st;
    int yes;
    if (asprintf(&p, "%s%s", path, suffix) < 0)
        return 0;
    yes = stat(p, &st) == 0;
    free(p);
    return yes;
}

static int immutable_uri(const char *path, wd_buf *out)
{
    return wd_store__uri(path, "mode=ro&immutable=1", out);
}

int wd_store__uri(const char *path, const char *query, wd_buf *out)
{
    wd_buf_puts(out, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '?' || *p == '#' || *p == '%' || *p < 0x21 || *p >= 0x7f)
            wd_buf_printf(out, "%%%02X", *p);
        else
            wd_buf_putc(out, (char)*p);
    }
    wd_buf_putc(out, '?');
    wd_buf_puts(out, query);
    return wd_buf_ok(out) ? WD_OK : wd_error_set(WD_ENOMEM, "out of memory");
}

static int foreign_error(const char *path)
{
    return wd_error_set(WD_EFORMAT, "%s is not a wudiag database (it carries wudiag's marker "
                        "but holds tables of another program); it was left as it is", path);
}

static int newer_error(const char *path, int64_t version)
{
    return wd_error_set(WD_ENEWER,
                        "%s was written by a newer wudiag (schema %lld, this one reads up to %d)",
                        path, (long long)version, WD_STORE_SCHEMA);
}

/* Refuses a file from a newer wudiag or another program; an empty file (no
 * marker, no version, no tables) is accepted as schema 0. */
static int judge(const char *path, int64_t app, int64_t version, int64_t tables)
{
    if (app == WD_STORE_APP_ID && version == 0 && tables > 0)
        return foreign_error(path);
    if (app == WD_STORE_APP_ID)
        return version > WD_STORE_SCHEMA ? newer_error(path, version) : WD_OK;
    if (app != 0 || version != 0 || tables > 0)
        return wd_error_set(WD_EFORMAT,
                            "%s is not a wudiag database (it holds other data and no wudiag "
                            "marker); it was left as it is", path);
    return WD_OK;
}

/* Lists the tables and columns a wudiag file of `version` has, from a
 * scratch in-memory database migrated to it, into *st (a statement on that
 * database giving table, column rows; finalize it and close *ref). */
static int expected_columns(int64_t version, sqlite3 **ref, sqlite3_stmt **st)
{
    wd_store tmp;
    int rc;
    memset(&tmp, 0, sizeof tmp);
    tmp.path = (char *)":memory:";
    *st = NULL;
    if (sqlite3_open_v2(":memory:", &tmp.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(tmp.db);
        *ref = NULL;
        return wd_error_set(WD_ENOMEM, "out of memory checking a history database");
    }
    rc = wd_store__migrate(&tmp, 0, (int)version);
    if (!rc && sqlite3_prepare_v2(tmp.db, "SELECT m.name, p.name FROM sqlite_schema m,"
                                          " pragma_table_info(m.name) p WHERE m.type = 'table'"
                                          " ORDER BY 1, 2", -1, st, NULL) != SQLITE_OK)
        rc = wd_store__error(&tmp, sqlite3_errcode(tmp.db), "checking");
    *ref = tmp.db;
    return rc;
}

/* Refuses a file with wudiag's marker whose tables are not those of its
 * schema version (another program's tables under our marker): every table
 * and column of that version must be there; more are allowed (an analyst's
 * own tables and views). Reads db only. */
static int check_tables(sqlite3 *db, const char *path, int64_t version)
{
    sqlite3 *ref = NULL;
    sqlite3_stmt *want = NULL, *has = NULL;
    int r = SQLITE_OK, rc = expected_columns(version, &ref, &want);
    if (!rc && (r = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema m,"
                                           " pragma_table_info(m.name) p WHERE m.type = 'table'"
                                           " AND m.name = ?1 AND p.name = ?2", -1, &has,
                                       NULL)) != SQLITE_OK)
        rc = WD_ERROR;
    while (!rc && (r = sqlite3_step(want)) == SQLITE_ROW) {
        sqlite3_bind_value(has, 1, sqlite3_column_value(want, 0));
        sqlite3_bind_value(has, 2, sqlite3_column_value(want, 1));
        r = sqlite3_step(has);
        int found = r == SQLITE_ROW && sqlite3_column_int(has, 0) > 0;
        if (r == SQLITE_ROW && !found)
            rc = wd_error_set(WD_EFORMAT, "%s is not a wudiag database (it carries wudiag's "
                              "marker but not its tables: %s.%s of schema %lld is missing); it "
                              "was left as it is", path, sqlite3_column_text(want, 0),
                              sqlite3_column_text(want, 1), (long long)version);
        else if (r != SQLITE_ROW)
            rc = WD_ERROR;
        sqlite3_reset(has);
    }
    if (!rc && r != SQLITE_DONE)
        rc = WD_ERROR;
    if (rc == WD_ERROR) {
        wd_store tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.path = (char *)path;
        tmp.db = db;
        rc = wd_store__error(&tmp, r == SQLITE_OK || r == SQLITE_DONE ? sqlite3_errcode(db) : r,
                             "checking");
    }
    sqlite3_finalize(want);
    sqlite3_finalize(has);
    sqlite3_close(ref);
    return rc;
}

/* judge, and for a wudiag file its tables too. */
static int judge_db(sqlite3 *db, const char *path, int64_t app, int64_t version,
                    int64_t tables)
{
    int rc = judge(path, app, version, tables);
    if (!rc && app == WD_STORE_APP_ID && version > 0)
        rc = check_tables(db, path, version);
    return rc;
}

static int64_t query_int(sqlite3 *db, const char *sql, int *rc)
{
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    *rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (*rc == SQLITE_OK) {
        *rc = sqlite3_step(st);
        if (*rc == SQLITE_ROW) {
            v = sqlite3_column_int64(st, 0);
            *rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return v;
}

/* What a connection sees: the marker, the version, the number of tables.
 * Returns a SQLite code. */
static int read_identity(sqlite3 *db, int64_t *app, int64_t *version, int64_t *tables)
{
    int rc;
    *tables = query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'", &rc);
    if (rc == SQLITE_OK)
        *app = query_int(db, "PRAGMA application_id", &rc);
    if (rc == SQLITE_OK)
        *version = query_int(db, "PRAGMA user_version", &rc);
    return rc;
}

/* The SQLite half of precheck: a read-only connection (lock-free and
 * sidecar-free unless a -wal holds data that must be seen). Only a definite
 * answer refuses; anything else is left to the real open. */
static int precheck_sqlite(const char *path)
{
    wd_buf uri = WD_BUF_INIT;
    wd_store tmp;
    int64_t app = 0, version = 0, tables = 0;
    int rc, wal = sidecar_exists(path, "-wal");
    memset(&tmp, 0, sizeof tmp);
    tmp.path = (char *)path;
    rc = wal ? WD_OK : immutable_uri(path, &uri);
    if (rc)
        goto cleanup;
    rc = sqlite3_open_v2(wal ? path : wd_buf_cstr(&uri), &tmp.db,
                         SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    if (rc == SQLITE_OK)
        rc = read_identity(tmp.db, &app, &version, &tables);
    switch (rc & 0xff) {
    case SQLITE_OK:
        rc = judge_db(tmp.db, path, app, version, tables);
        /* only a definite answer refuses */
        if (rc != WD_EFORMAT && rc != WD_ENEWER && rc != WD_ECORRUPT)
            rc = WD_OK;
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        rc = wd_store__error(&tmp, rc, "checking");
        break;
    default:
        rc = WD_OK;
    }
cleanup:
    sqlite3_close(tmp.db);
    wd_buf_free(&uri);
    return rc;
}

/* Looks at an existing file without writing anything: its header first,
 * then (when no writer's journal needs recovering) through a read-only,
 * lock-free connection that creates no -wal or -shm. */
static int precheck(const char *path)
{
    unsigned char hdr[100];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return wd_error_set(WD_EIO, "cannot read %s: %s", path, strerror(errno));
    n = read(fd, hdr, sizeof hdr);
    close(fd);
    if (n == 0)
        return WD_OK;
    if (n < 16 || memcmp(hdr, "SQLite format 3", 16) != 0)
        return wd_error_set(WD_EFORMAT, "%s is not a wudiag database (not an SQLite file); "
                            "it was left as it is", path);
    if (n < (ssize_t)sizeof hdr)
        return wd_error_set(WD_ECORRUPT, "%s is damaged (cut short at %zd bytes); it was left as "
                            "it is: restore a backup or move it aside", path, n);
    int rc = judge(path, be32(hdr + 68), be32(hdr + 60), 0);
    if (rc || sidecar_exists(path, "-journal"))
        return rc;
    return precheck_sqlite(path);
}

/* ------------------------------------------------------------ connecting */

/* mkdir -p of the folder that holds path. */
static int make_parent(const char *path)
{
    char *dir = wd_strdup(path);
    int rc = WD_OK;
    if (!dir)
        return WD_ENOMEM;
    char *slash = NULL;
    for (char *p = dir; *p; p++)
        if (IS_SEP(*p))
            slash = p;
    if (!slash || slash == dir)
        goto cleanup;
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (!IS_SEP(*p) && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (!IS_DRIVE(dir, p) && mkdir(dir, 0777) != 0 && errno != EEXIST) {
            rc = wd_error_set(errno == EROFS || errno == EACCES ? WD_EREADONLY : WD_EIO,
                              "cannot create the folder %s for %s: %s", dir, path,
                              strerror(errno));
            goto cleanup;
        }
        *p = c;
        if (c == '\0')
            break;
    }
cleanup:
    free(dir);
    return rc;
}

static int open_connection(wd_store *s, const char *name, int flags)
{
    sqlite3_close(s->db);
    s->db = NULL;
    int rc = sqlite3_open_v2(name, &s->db, flags | SQLITE_OPEN_URI, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, WD_STORE_BUSY_MS);
    /* reading the schema opens the file for real (and the WAL, if any) */
    return sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
}

/* Opens s->db. A file or folder that cannot be written (a WAL file then has
 * no -shm to share) is opened read-only and immutable instead. */
static int open_db(wd_store *s, int readonly)
{
    wd_buf uri = WD_BUF_INIT;
    int rc = open_connection(s, s->path, readonly ? SQLITE_OPEN_READONLY
                                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (rc == SQLITE_READONLY_ROLLBACK || rc == SQLITE_READONLY_RECOVERY) {
        /* a writer died mid-transaction: let SQLite undo it (what any
         * connection that may write does first), then read */
        rc = open_connection(s, s->path, SQLITE_OPEN_READWRITE);
        if (rc == SQLITE_OK)
            rc = open_connection(s, s->path, SQLITE_OPEN_READONLY);
        if (rc != SQLITE_OK)
            return wd_error_set(WD_EREADONLY, "cannot read %s: a write was interrupted and "
                                "needs to be undone, but the file is read-only", s->path);
    }
    int primary = rc & 0xff;
    if (primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY) {
        if (immutable_uri(s->path, &uri))
            return WD_ENOMEM;
        rc = open_connection(s, wd_buf_cstr(&uri), SQLITE_OPEN_READONLY);
        readonly = 1;
    }
    wd_buf_free(&uri);
    if (rc != SQLITE_OK)
        return wd_store__error(s, rc, "opening");
    s->readonly = readonly || sqlite3_db_readonly(s->db, "main") == 1;
    return WD_OK;
}

/* Inside BEGIN IMMEDIATE: checks again (another process may have got
 * there first) and runs the missing migration steps. */
static int upgrade(wd_store *s)
{
    int64_t app = 0, version = 0, tables = 0;
    int rc = wd_store__exec(s, "BEGIN IMMEDIATE", "upgrading the schema");
    if (rc)
        return rc;
    rc = read_identity(s->db, &app, &version, &tables);
    if (rc != SQLITE_OK)
        rc = wd_store__error(s, rc, "checking");
    if (!rc)
        rc = judge_db(s->db, s->path, app, version, tables);
    if (!rc)
        rc = wd_store__migrate(s, (int)version, WD_STORE_SCHEMA);
    if (!rc)
        rc = wd_store__exec(s, "COMMIT", "upgrading the schema");
    if (rc && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Sets WAL. Switching a new file to WAL takes it whole: two first runs at
 * once can each hold a lock the other waits for, and SQLite then answers
 * BUSY at once instead of waiting, so the switch is tried again until the
 * busy timeout (once one run switched, the other's switch is a no-op). */
static int wal_mode(wd_store *s)
{
    for (int waited = 0;; waited += 20) {
        int rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY || waited >= WD_STORE_BUSY_MS)
            return rc == SQLITE_OK ? WD_OK : wd_store__error(s, rc, "opening");
        sqlite3_sleep(20);
    }
}

/* Brings the open connection's schema to WD_STORE_SCHEMA and sets WAL. */
static int setup(wd_store *s)
{
    int64_t app = 0, version = 0, tables = 0;
    int rc = wd_store__exec(s, "PRAGMA foreign_keys = ON", "opening");
    if (rc)
        return rc;
    rc = read_identity(s->db, &app, &version, &tables);
    if (rc != SQLITE_OK)
        return wd_store__error(s, rc, "checking");
    rc = judge_db(s->db, s->path, app, version, tables);
    if (rc)
        return rc;
    s->version = (int)version;
    if (s->readonly) {
        /* read as it is: an older file through views with today's columns
         * (legacy.c), so the read API has one text for every version */
        s->empty = version == 0;
        if (version > 0 && version < WD_STORE_SCHEMA &&
            (rc = wd_store__views(s->db, "main", "", (int)version)) != SQLITE_OK)
            return wd_store__error(s, rc, "reading");
        return WD_OK;
    }
    if (version < WD_STORE_SCHEMA && (rc = upgrade(s)) != WD_OK)
        return rc;
    s->version = WD_STORE_SCHEMA;
    rc = wal_mode(s);
    if (!rc)
        rc = wd_store__exec(s, "PRAGMA synchronous = NORMAL", "opening");
    /* a snapshot is one transaction: room for its index pages, so that they
     * are not spilled to the WAL and read back on every insert (the default
     * is 2 MiB; within the 64 MiB a run may use) */
    if (!rc)
        rc = wd_store__exec(s, "PRAGMA cache_size = -" WD_STORE_CACHE_KIB, "opening");
    return rc;
}

/* A symbolic link whose target does not exist: opening it would create a
 * file wherever it points. */
static int dangling_link(const char *path)
{
#ifdef _WIN32
    (void)path;
    return 0;
#else
    struct stat st;
    return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
#endif
}

int wd_store__connect(wd_store *s, int flags)
{
    struct stat st;
    int rc;
    if (stat(s->path, &st) != 0) {
        if (errno != ENOENT)
            return wd_error_set(WD_EIO, "cannot open %s: %s", s->path, strerror(errno));
        if (dangling_link(s->path))
            return wd_error_set(WD_EIO, "%s is a symbolic link to a file that does not exist; "
                                "refusing to create a history database through it", s->path);
        if ((flags & WD_STORE_READONLY) || !(flags & WD_STORE_CREATE))
            return wd_error_set(WD_ENOTFOUND, "no history database at %s", s->path);
        rc = make_parent(s->path);
    } else if (S_ISDIR(st.st_mode)) {
        rc = wd_error_set(WD_EUSAGE, "%s is a folder, not a history database", s->path);
    } else {
        rc = precheck(s->path);
    }
    if (!rc)
        rc = open_db(s, (flags & WD_STORE_READONLY) != 0);
    if (!rc)
        rc = setup(s);
    return rc;
}

int wd_store__create_version(const char *path, int version)
{
    wd_store tmp;
    int rc;
    memset(&tmp, 0, sizeof tmp);
    tmp.path = (char *)path;
    if (version < 0 || version > WD_STORE_SCHEMA)
        return wd_error_set(WD_EUSAGE, "no schema version %d", version);
    rc = open_db(&tmp, 0);
    /* a header and no tables: what an empty SQLite file looks like */
    if (!rc)
        rc = wd_store__exec(&tmp, "CREATE TABLE t(x); DROP TABLE t;", "creating");
    if (!rc)
        rc = wd_store__exec(&tmp, "BEGIN IMMEDIATE", "creating");
    if (!rc)
        rc = wd_store__migrate(&tmp, 0, version);
    if (!rc)
        rc = wd_store__exec(&tmp, "COMMIT", "creating");
    sqlite3_close(tmp.db);
    return rc;
}
