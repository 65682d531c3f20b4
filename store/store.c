/* store.c - writing snapshots: one BEGIN IMMEDIATE transaction from
 * wd_store_begin to wd_store_commit, cached prepared statements for the
 * add_* calls, event de-duplication, and SQLite error translation. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#endif

#ifdef _WIN32
/* SQLite reports GetLastError() codes on Windows: ERROR_HANDLE_DISK_FULL
 * (39) and ERROR_DISK_FULL (112). */
#define SYS_FULL(e) ((e) == 39 || (e) == 112)
#else
#define SYS_FULL(e) ((e) == ENOSPC || (e) == EFBIG || (e) == EDQUOT)
#endif

/* ------------------------------------------------------------- errors */

/* After a failed write whose errno SQLite no longer has (a short write, a
 * later call that reset errno): was it the disk, or the file size limit,
 * that stopped it? */
static int out_of_space(const char *path)
{
#ifdef _WIN32
    (void)path;
    return 0;
#else
    const char *const suffixes[] = {"", "-wal", "-journal"};
    struct statvfs vfs;
    struct rlimit lim;
    if (statvfs(path, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < 1024 * 1024)
        return 1;
    if (getrlimit(RLIMIT_FSIZE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY)
        return 0;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char *p = NULL;
        struct stat st;
        int near = 0;
        if (asprintf(&p, "%s%s", path, suffixes[i]) >= 0 && stat(p, &st) == 0)
            near = (uint64_t)st.st_size + 1024 * 1024 > (uint64_t)lim.rlim_cur;
        free(p);
        if (near)
            return 1;
    }
    return 0;
#endif
}

int wd_store__error(wd_store *s, int rc, const char *doing)
{
    const char *path = s ? s->path : "the history database";
    const char *detail = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    int sys = s && s->db ? sqlite3_system_errno(s->db) : 0;
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return wd_error_set(WD_EFULL, "disk full writing %s", path);
    case SQLITE_IOERR:
        if (SYS_FULL(sys))
            return wd_error_set(WD_EFULL, "disk full writing %s", path);
        if ((rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_SHMSIZE) && s &&
            out_of_space(s->path))
            return wd_error_set(WD_EFULL, "disk full writing %s", path);
        return wd_error_set(WD_EIO, "i/o error %s %s: %s", doing, path,
                            sys ? strerror(sys) : detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return wd_error_set(WD_EBUSY, "%s %s: locked by another program (gave up waiting)",
                            doing, path);
    case SQLITE_READONLY:
        return wd_error_set(WD_EREADONLY, "cannot write %s: read-only", path);
    case SQLITE_CANTOPEN:
        if (s && s->db && strcmp(doing, "opening") != 0)
            return wd_error_set(WD_EREADONLY, "cannot write %s: read-only", path);
        return wd_error_set(WD_EIO, "cannot open %s: %s", path, sys ? strerror(sys) : detail);
    case SQLITE_CORRUPT:
        return wd_error_set(WD_ECORRUPT, "%s is damaged (%s); it was left as it is: restore a "
                            "backup or move it aside", path, detail);
    case SQLITE_NOTADB:
        return wd_error_set(WD_EFORMAT, "%s is not a wudiag database; it was left as it is",
                            path);
    case SQLITE_NOMEM:
        return wd_error_set(WD_ENOMEM, "out of memory %s %s", doing, path);
    default:
        return wd_error_set(WD_ERROR, "%s %s: %s", doing, path, detail);
    }
}

int wd_store__exec(wd_store *s, const char *sql, const char *doing)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? WD_OK : wd_store__error(s, rc, doing);
}

/* --------------------------------------------------------- open, close */

/* A PostgreSQL fleet database, read-only: the read API goes to pg_read.c
 * inside one repeatable-read transaction. Collections write to a history
 * file first; `wudiag push` is the one way in. */
static int open_fleet(const char *url, int flags, wd_store **out)
{
    wd_buf shown = WD_BUF_INIT;
    wd_store *s = calloc(1, sizeof *s);
    int rc = WD_OK;
    wd_store_redact_url(url, &shown);
    if (!s || !wd_buf_ok(&shown) || !(s->path = wd_buf_detach(&shown)))
        rc = wd_error_set(WD_ENOMEM, "out of memory opening a fleet database");
    else if (!(flags & WD_STORE_READONLY))
        rc = wd_error_set(WD_EUSAGE, "%s is a PostgreSQL fleet database: collect into a "
                          "history file (--db FILE) and copy it there with wudiag push",
                          s->path);
    if (!rc)
        rc = wd_pg_connect(url, s->path, 0, &s->pg);
    if (!rc)
        rc = wd_pg_begin_read(s->pg);
    wd_buf_free(&shown);
    if (rc) {
        wd_store_close(s);
        return rc;
    }
    s->readonly = 1;
    s->version = WD_STORE_SCHEMA;
    *out = s;
    return WD_OK;
}

int wd_store_open(const char *path, int flags, wd_store **out)
{
    wd_store *s = NULL;
    int rc;
    if (!path || !*path || !out)
        return wd_error_set(WD_EUSAGE, "wd_store_open: no database path");
    *out = NULL;
    if (wd_store_is_url(path))
        return open_fleet(path, flags, out);
    s = calloc(1, sizeof *s);
    if (!s || !(s->path = wd_strdup(path))) {
        free(s);
        return wd_error_set(WD_ENOMEM, "out of memory opening %s", path);
    }
    rc = wd_store__connect(s, flags);
    if (rc) {
        wd_store_close(s);
        return rc;
    }
    *out = s;
    return WD_OK;
}

static void clear_snapshot(wd_store *s)
{
    for (size_t i = 0; i < s->nmachines; i++)
        free(s->machines[i].name);
    s->nmachines = 0;
    free(s->fact_machine);
    s->fact_machine = NULL;
    free(s->machine_option);
    s->machine_option = NULL;
    free(s->failed_message);
    s->failed_message = NULL;
    s->failed = 0;
    s->finished = 0;
    s->snap = 0;
    s->evidence_time[0] = '\0';
    s->nevents = s->nactivities = s->nfailed = 0;
    s->last_event_row = 0;
    if (s->seen)
        memset(s->seen, 0, ((size_t)1 << WD_STORE_SEEN_BITS) / 8);
    wd_store__fp_clear(&s->fp);
}

void wd_store_close(wd_store *s)
{
    if (!s)
        return;
    wd_store_rollback(s);
    wd_pg_close(s->pg);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    wd_buf_free(&s->last_event_channel);
    free(s->seen);
    wd_buf_free(&s->fp.first_event);
    wd_buf_free(&s->fp.first_activity);
    free(s->fields);
    free(s->path);
    free(s);
}

const char *wd_store_path(const wd_store *s)
{
    return s ? s->path : NULL;
}

/* ------------------------------------------------------- statements */

static const char *const stmt_sql[ST_COUNT] = {
    [ST_SERVICE] = "INSERT INTO service_state(snapshot_id, name, display_name, state, "
                   "start_type, pid, exit_code, service_exit_code, source) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_EVENT_ADD] = "INSERT INTO event(computer, channel, record_id, time, provider, "
                     "event_id, level) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                     "ON CONFLICT DO NOTHING",
    [ST_EVENT_FIND] = "SELECT id FROM event WHERE computer = ?1 AND channel = ?2 "
                      "AND record_id = ?3 AND time = ?4",
    [ST_FIELD] = "INSERT INTO event_field(event_id, seq, name, value) VALUES (?1, ?2, ?3, ?4)",
    [ST_LINK] = "INSERT INTO snapshot_event(snapshot_id, event_id, source) VALUES (?1, ?2, ?3) "
                "ON CONFLICT DO NOTHING",
    [ST_ACTIVITY] = "INSERT INTO activity(snapshot_id, operation, outcome, code, has_code, time, "
                    "update_id, kb, title, product, package, service, target, session, count, "
                    "component, detail, computer, loc_kind, source, line, channel, record_id, "
                    "event_id, subject, event_row, ident, nth) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
                    "?22, ?23, ?24, ?25, ?26, ?27, ?28)",
    /* the last kept activity identical to a new one: found through the
     * identity hash (the + keeps the planner on that index), confirmed
     * column by column */
    [ST_ACT_LAST] = "SELECT id, nth FROM activity WHERE snapshot_id = ?1 AND ident = ?2 "
                    "AND +operation = ?3 AND +outcome = ?4 AND +code IS ?5 "
                    "AND +update_id IS ?6 AND +kb IS ?7 AND +title IS ?8 AND +product = ?9 "
                    "AND +package IS ?10 AND +service IS ?11 AND +target IS ?12 "
                    "AND +session IS ?13 AND +count = ?14 AND +component IS ?15 "
                    "AND +computer IS ?16 ORDER BY id DESC LIMIT 1",
    [ST_ACT_REPEAT] = "UPDATE activity SET repeats = repeats + 1, last_time = CASE "
                      "WHEN ?2 IS NULL THEN last_time "
                      "WHEN coalesce(last_time, time) IS NULL OR ?2 > coalesce(last_time, time) "
                      "THEN ?2 ELSE coalesce(last_time, time) END WHERE id = ?1",
    [ST_FACT] = "INSERT INTO fact(snapshot_id, key, value, source, time) "
                "VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_NOTE] = "INSERT INTO collection_note(snapshot_id, source, location, reason, kind) "
                "VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_SOURCE] = "INSERT INTO source(snapshot_id, path, kind, records, kept, errors) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

int wd_store__stmt(wd_store *s, int id, sqlite3_stmt **out)
{
    int r = SQLITE_OK;
    if (!s->stmt[id])
        r = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                               &s->stmt[id], NULL);
    *out = s->stmt[id];
    return r;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int wd_store__run(sqlite3_stmt *st)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE || r == SQLITE_ROW ? WD_OK : r;
}

/* A one-off statement (not on the hot path); finalize it after use. */
static int prepare(wd_store *s, const char *sql, sqlite3_stmt **st, const char *doing)
{
    int r = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return r == SQLITE_OK ? WD_OK : wd_store__error(s, r, doing);
}

/* -------------------------------------------------- the open snapshot */

int wd_store__fail(wd_store *s, int sqlite_rc)
{
    int rc = wd_store__error(s, sqlite_rc, "writing");
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->failed = rc;
    free(s->failed_message);
    s->failed_message = wd_strdup(wd_error_last());
    return rc;
}

/* WD_OK when a snapshot is open and healthy (finished or not). */
static int healthy(wd_store *s)
{
    if (!s || !s->snap)
        return wd_error_set(WD_EUSAGE, "no snapshot is open (wd_store_begin first)");
    if (s->failed)
        return wd_error_set(s->failed, "%s", s->failed_message ? s->failed_message
                                                                : "the snapshot failed");
    return WD_OK;
}

int wd_store__writable(wd_store *s, const void *rec)
{
    int rc = healthy(s);
    if (rc)
        return rc;
    if (s->finished)
        return wd_error_set(WD_EUSAGE, "the snapshot is finished: nothing more can be added");
    if (!rec)
        return wd_error_set(WD_EUSAGE, "no record given to store in %s", s->path);
    return WD_OK;
}

/* The host part of a computer name the evidence gives: events name a
 * domain member by its DNS name ("PC-7.contoso.local"), the registry by its
 * NetBIOS name ("PC-7"); both are the same machine. 0: not a name. */
static size_t host_len(const char *name)
{
    size_t n = strcspn(name, ".");
    if (n == 0 || name[strspn(name, "0123456789.")] == '\0')
        return n == 0 ? 0 : strlen(name); /* an address stays whole */
    if ((n == 9 && wd_strncaseeq(name, "localhost", 9)) ||
        (n == 7 && wd_strncaseeq(name, "unknown", 7)) || (n == 1 && name[0] == '-'))
        return 0;
    return n;
}

void wd_store__tally(wd_store *s, const char *name)
{
    size_t n = name ? host_len(name) : 0;
    if (n == 0)
        return;
    for (size_t i = 0; i < s->nmachines; i++) {
        if (strlen(s->machines[i].name) == n && wd_strncaseeq(s->machines[i].name, name, n)) {
            s->machines[i].n++;
            return;
        }
    }
    if (s->nmachines < WD_STORE_MAX_MACHINES) {
        char *copy = wd_strndup(name, n);
        if (copy)
            s->machines[s->nmachines++] = (wd_machine_tally){copy, 1};
    }
}

void wd_store__note_time(wd_store *s, const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n > 0 && n < sizeof s->evidence_time && strcmp(t, s->evidence_time) > 0)
        memcpy(s->evidence_time, t, n + 1);
}

int wd_store_begin(wd_store *s, const char *command_line, const char *evidence)
{
    sqlite3_stmt *st = NULL;
    char now[WD_TIME_MAX];
    int rc;
    if (!s)
        return wd_error_set(WD_EUSAGE, "wd_store_begin: no store");
    if (s->snap)
        return wd_error_set(WD_EUSAGE, "a snapshot is already open in %s", s->path);
    if (s->readonly)
        return wd_error_set(WD_EREADONLY, "cannot write %s: read-only", s->path);
    sqlite3_busy_timeout(s->db, WD_STORE_BEGIN_BUSY_MS);
    rc = wd_store__exec(s, "BEGIN IMMEDIATE", "starting a snapshot in");
    sqlite3_busy_timeout(s->db, WD_STORE_BUSY_MS);
    if (rc)
        return rc;
    wd_time_now(now);
    rc = prepare(s, "INSERT INTO snapshot(collected_at, command_line, evidence, wudiag_version, "
                    "uid) VALUES (?1, ?2, ?3, ?4, " WD_STORE_NEW_UID ")", &st,
                 "starting a snapshot in");
    if (!rc) {
        bind_text(st, 1, now);
        bind_text(st, 2, command_line);
        bind_text(st, 3, evidence);
        bind_text(st, 4, WD_VERSION);
        int r = wd_store__run(st);
        rc = r ? wd_store__error(s, r, "starting a snapshot in") : WD_OK;
    }
    sqlite3_finalize(st);
    if (rc) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    clear_snapshot(s);
    s->snap = sqlite3_last_insert_rowid(s->db);
    return WD_OK;
}

int wd_store_set_machine(wd_store *s, const char *name)
{
    int rc = wd_store__writable(s, s);
    char *copy = NULL;
    if (rc)
        return rc;
    if (name && !*name)
        return wd_error_set(WD_EUSAGE, "the machine name is empty");
    if (name && !(copy = wd_strdup(name)))
        return WD_ENOMEM;
    free(s->machine_option);
    s->machine_option = copy;
    return WD_OK;
}

int wd_store_add_service(wd_store *s, const wd_service_rec *r)
{
    int rc = wd_store__writable(s, r);
    if (rc)
        return rc;
    if (!r->name)
        return wd_error_set(WD_EUSAGE, "a service without a name cannot be stored");
    sqlite3_stmt *st;
    int r2 = wd_store__stmt(s, ST_SERVICE, &st);
    if (r2)
        return wd_store__fail(s, r2);
    sqlite3_bind_int64(st, 1, s->snap);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->display_name);
    bind_text(st, 4, r->state);
    bind_text(st, 5, r->start_type);
    sqlite3_bind_int64(st, 6, r->pid);
    sqlite3_bind_int64(st, 7, r->exit_code);
    sqlite3_bind_int64(st, 8, r->service_exit_code);
    bind_text(st, 9, r->source);
    r2 = wd_store__run(st);
    return r2 ? wd_store__fail(s, r2) : WD_OK;
}

/* Inserts the fields of new event `id`. A SQLite code. */
static int event_fields(wd_store *s, const wd_event_rec *r, int64_t id)
{
    sqlite3_stmt *st;
    int rc = wd_store__stmt(s, ST_FIELD, &st);
    for (size_t i = 0; i < r->nfields && rc == SQLITE_OK; i++) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        bind_text(st, 3, r->fields[i].name ? r->fields[i].name : "");
        bind_text(st, 4, r->fields[i].value);
        rc = wd_store__run(st);
    }
    return rc;
}

/* The id of the event row (computer, channel, record id, time): the
 * existing one, or a new one with its fields. Returns a SQLite code. */
static int event_row(wd_store *s, const wd_event_rec *r, int64_t *id)
{
    const char *computer = r->computer ? r->computer : "";
    const char *channel = r->channel ? r->channel : "";
    const char *time = r->time ? r->time : "";
    sqlite3_stmt *st;
    int rc = wd_store__stmt(s, ST_EVENT_ADD, &st);
    if (rc)
        return rc;
    bind_text(st, 1, computer);
    bind_text(st, 2, channel);
    sqlite3_bind_int64(st, 3, (int64_t)r->record_id);
    bind_text(st, 4, time);
    bind_text(st, 5, r->provider);
    sqlite3_bind_int64(st, 6, r->event_id);
    sqlite3_bind_int(st, 7, r->level);
    if ((rc = wd_store__run(st)) != SQLITE_OK)
        return rc;
    if (sqlite3_changes64(s->db) > 0) {
        *id = sqlite3_last_insert_rowid(s->db);
        return event_fields(s, r, *id);
    }
    if ((rc = wd_store__stmt(s, ST_EVENT_FIND, &st)) != SQLITE_OK)
        return rc;
    bind_text(st, 1, computer);
    bind_text(st, 2, channel);
    sqlite3_bind_int64(st, 3, (int64_t)r->record_id);
    bind_text(st, 4, time);
    rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SQLITE_OK : rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
}

/* Remembers the event just stored: the activities derived from it follow. */
static void remember_event(wd_store *s, const wd_event_rec *r, int64_t id)
{
    wd_buf_reset(&s->last_event_channel);
    wd_buf_puts(&s->last_event_channel, r->channel ? r->channel : "");
    s->last_event_row = wd_buf_ok(&s->last_event_channel) ? id : 0;
    s->last_event_record = r->record_id;
    s->last_event_id = r->event_id;
}

int wd_store_add_event(wd_store *s, const wd_event_rec *r)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    int rc = wd_store__writable(s, r);
    if (rc)
        return rc;
    if ((rc = event_row(s, r, &id)) != SQLITE_OK ||
        (rc = wd_store__stmt(s, ST_LINK, &st)) != SQLITE_OK)
        return wd_store__fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    sqlite3_bind_int64(st, 2, id);
    bind_text(st, 3, r->source);
    if ((rc = wd_store__run(st)) != SQLITE_OK)
        return wd_store__fail(s, rc);
    s->nevents += sqlite3_changes64(s->db) > 0;
    remember_event(s, r, id);
    wd_store__tally(s, r->computer);
    wd_store__note_time(s, r->time);
    wd_store__fp_event(s, r);
    return WD_OK;
}

int wd_store_add_fact(wd_store *s, const wd_fact_rec *r)
{
    sqlite3_stmt *st;
    int rc = wd_store__writable(s, r);
    if (rc)
        return rc;
    if (!r->key)
        return wd_error_set(WD_EUSAGE, "a fact without a key cannot be stored");
    if ((rc = wd_store__stmt(s, ST_FACT, &st)) != SQLITE_OK)
        return wd_store__fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    bind_text(st, 2, r->key);
    bind_text(st, 3, r->value);
    bind_text(st, 4, r->source);
    bind_text(st, 5, r->time && *r->time ? r->time : NULL);
    if ((rc = wd_store__run(st)) != SQLITE_OK)
        return wd_store__fail(s, rc);
    if (strcmp(r->key, "machine.name") == 0 && r->value && *r->value) {
        free(s->fact_machine);
        s->fact_machine = wd_strdup(r->value);
    }
    wd_store__fp_fact(s, r);
    return WD_OK;
}

int wd_store_add_note(wd_store *s, const wd_note_rec *r)
{
    sqlite3_stmt *st;
    int rc = wd_store__writable(s, r);
    if (rc)
        return rc;
    if ((rc = wd_store__stmt(s, ST_NOTE, &st)) != SQLITE_OK)
        return wd_store__fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    bind_text(st, 2, r->source);
    bind_text(st, 3, r->location);
    bind_text(st, 4, r->reason);
    bind_text(st, 5, wd_note_kind_name(r->kind));
    rc = wd_store__run(st);
    return rc ? wd_store__fail(s, rc) : WD_OK;
}

int wd_store_add_source(wd_store *s, const wd_source_rec *r)
{
    sqlite3_stmt *st;
    int rc = wd_store__writable(s, r);
    if (rc)
        return rc;
    if (!r->path)
        return wd_error_set(WD_EUSAGE, "a source without a path cannot be stored");
    if ((rc = wd_store__stmt(s, ST_SOURCE, &st)) != SQLITE_OK)
        return wd_store__fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    bind_text(st, 2, r->path);
    bind_text(st, 3, r->kind);
    sqlite3_bind_int64(st, 4, (int64_t)r->records);
    sqlite3_bind_int64(st, 5, (int64_t)r->kept);
    sqlite3_bind_int64(st, 6, (int64_t)r->errors);
    rc = wd_store__run(st);
    if (rc)
        return wd_store__fail(s, rc);
    wd_store__fp_source(s, r);
    return WD_OK;
}

/* ------------------------------------------------------------ commit */

int wd_store_finish(wd_store *s, int64_t *snapshot_id)
{
    int rc = healthy(s);
    if (!rc && !s->finished) {
        if (s->readonly)
            return wd_error_set(WD_EREADONLY, "cannot write %s: read-only", s->path);
        int r = wd_store__finish_snapshot(s);
        if (r != SQLITE_OK)
            return wd_store__fail(s, r);
        s->finished = 1;
    }
    if (!rc && snapshot_id)
        *snapshot_id = s->snap;
    return rc;
}

int wd_store_commit(wd_store *s, int64_t *snapshot_id)
{
    int64_t id = 0;
    int rc = wd_store_finish(s, &id);
    if (!rc) {
        int r = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        rc = r == SQLITE_OK ? WD_OK : wd_store__fail(s, r);
    }
    if (!rc && snapshot_id)
        *snapshot_id = id;
    if (s) {
        if (rc && !sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        if (s->snap)
            clear_snapshot(s);
    }
    return rc;
}

void wd_store_rollback(wd_store *s)
{
    if (!s || !s->snap)
        return;
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    clear_snapshot(s);
}
