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
        return wd_error_set(WD_EBUSY, "%s is locked by another program (gave up waiting)", path);
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

int wd_store_open(const char *path, int flags, wd_store **out)
{
    wd_store *s = NULL;
    int rc;
    if (!path || !*path || !out)
        return wd_error_set(WD_EUSAGE, "wd_store_open: no database path");
    *out = NULL;
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
    free(s->failed_message);
    s->failed_message = NULL;
    s->failed = 0;
    s->snap = 0;
    s->evidence_time[0] = '\0';
    s->nevents = s->nfailures = 0;
}

void wd_store_close(wd_store *s)
{
    if (!s)
        return;
    wd_store_rollback(s);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
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
    [ST_FAILURE] = "INSERT INTO failure(snapshot_id, hresult, origin, time, operation, title, "
                   "kb, update_id, context, component, computer, event_record_id, "
                   "event_channel, source, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                   "?10, ?11, ?12, ?13, ?14, ?15)",
    [ST_FACT] = "INSERT INTO fact(snapshot_id, key, value, source) VALUES (?1, ?2, ?3, ?4)",
    [ST_NOTE] = "INSERT INTO collection_note(snapshot_id, source, location, reason) "
                "VALUES (?1, ?2, ?3, ?4)",
    [ST_SOURCE] = "INSERT INTO source(snapshot_id, path, kind, records, kept, errors) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

/* The cached statement, reset and ready to bind, into *out; a SQLite
 * code. */
static int stmt(wd_store *s, int id, sqlite3_stmt **out)
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

/* Steps a bound write statement to completion and resets it. */
static int run(sqlite3_stmt *st)
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

/* A write inside the open snapshot failed: the snapshot is rolled back at
 * once and every later call until commit or rollback repeats the error. */
static int fail(wd_store *s, int sqlite_rc)
{
    int rc = wd_store__error(s, sqlite_rc, "writing");
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->failed = rc;
    free(s->failed_message);
    s->failed_message = wd_strdup(wd_error_last());
    return rc;
}

/* WD_OK when a snapshot is open and healthy. */
static int writable(wd_store *s, const void *rec)
{
    if (!s || !s->snap)
        return wd_error_set(WD_EUSAGE, "no snapshot is open (wd_store_begin first)");
    if (s->failed)
        return wd_error_set(s->failed, "%s", s->failed_message ? s->failed_message
                                                                : "the snapshot failed");
    if (!rec)
        return wd_error_set(WD_EUSAGE, "no record given to store in %s", s->path);
    return WD_OK;
}

/* Counts a machine name the evidence gives. */
static void tally(wd_store *s, const char *name)
{
    if (!name || !*name)
        return;
    for (size_t i = 0; i < s->nmachines; i++) {
        if (wd_strcaseeq(s->machines[i].name, name)) {
            s->machines[i].n++;
            return;
        }
    }
    if (s->nmachines < WD_STORE_MAX_MACHINES) {
        char *copy = wd_strdup(name);
        if (copy)
            s->machines[s->nmachines++] = (wd_machine_tally){copy, 1};
    }
}

static void note_time(wd_store *s, const char *t)
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
        int r = run(st);
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

int wd_store_add_service(wd_store *s, const wd_service_rec *r)
{
    int rc = writable(s, r);
    if (rc)
        return rc;
    if (!r->name)
        return wd_error_set(WD_EUSAGE, "a service without a name cannot be stored");
    sqlite3_stmt *st;
    int r2 = stmt(s, ST_SERVICE, &st);
    if (r2)
        return fail(s, r2);
    sqlite3_bind_int64(st, 1, s->snap);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->display_name);
    bind_text(st, 4, r->state);
    bind_text(st, 5, r->start_type);
    sqlite3_bind_int64(st, 6, r->pid);
    sqlite3_bind_int64(st, 7, r->exit_code);
    sqlite3_bind_int64(st, 8, r->service_exit_code);
    bind_text(st, 9, r->source);
    r2 = run(st);
    return r2 ? fail(s, r2) : WD_OK;
}

/* The id of the event row (computer, channel, record id, time): the
 * existing one, or a new one with its fields. Returns a SQLite code. */
static int event_row(wd_store *s, const wd_event_rec *r, int64_t *id)
{
    const char *computer = r->computer ? r->computer : "";
    const char *channel = r->channel ? r->channel : "";
    const char *time = r->time ? r->time : "";
    sqlite3_stmt *st;
    int rc = stmt(s, ST_EVENT_ADD, &st);
    if (rc)
        return rc;
    bind_text(st, 1, computer);
    bind_text(st, 2, channel);
    sqlite3_bind_int64(st, 3, (int64_t)r->record_id);
    bind_text(st, 4, time);
    bind_text(st, 5, r->provider);
    sqlite3_bind_int64(st, 6, r->event_id);
    sqlite3_bind_int(st, 7, r->level);
    if ((rc = run(st)) != SQLITE_OK)
        return rc;
    if (sqlite3_changes64(s->db) > 0) {
        *id = sqlite3_last_insert_rowid(s->db);
        if ((rc = stmt(s, ST_FIELD, &st)) != SQLITE_OK)
            return rc;
        for (size_t i = 0; i < r->nfields && rc == SQLITE_OK; i++) {
            sqlite3_bind_int64(st, 1, *id);
            sqlite3_bind_int64(st, 2, (int64_t)i);
            bind_text(st, 3, r->fields[i].name ? r->fields[i].name : "");
            bind_text(st, 4, r->fields[i].value);
            rc = run(st);
        }
        return rc;
    }
    if ((rc = stmt(s, ST_EVENT_FIND, &st)) != SQLITE_OK)
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

int wd_store_add_event(wd_store *s, const wd_event_rec *r)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    int rc = writable(s, r);
    if (rc)
        return rc;
    if ((rc = event_row(s, r, &id)) != SQLITE_OK || (rc = stmt(s, ST_LINK, &st)) != SQLITE_OK)
        return fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    sqlite3_bind_int64(st, 2, id);
    bind_text(st, 3, r->source);
    if ((rc = run(st)) != SQLITE_OK)
        return fail(s, rc);
    s->nevents += sqlite3_changes64(s->db) > 0;
    tally(s, r->computer);
    note_time(s, r->time);
    return WD_OK;
}

int wd_store_add_failure(wd_store *s, const wd_failure_rec *r)
{
    sqlite3_stmt *st;
    int rc = writable(s, r);
    if (rc)
        return rc;
    if ((rc = stmt(s, ST_FAILURE, &st)) != SQLITE_OK)
        return fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    sqlite3_bind_int64(st, 2, r->hresult);
    bind_text(st, 3, r->origin);
    bind_text(st, 4, r->time);
    bind_text(st, 5, r->operation);
    bind_text(st, 6, r->title);
    bind_text(st, 7, r->kb);
    bind_text(st, 8, r->update_id);
    bind_text(st, 9, r->context);
    bind_text(st, 10, r->component);
    bind_text(st, 11, r->computer);
    sqlite3_bind_int64(st, 12, (int64_t)r->event_record_id);
    bind_text(st, 13, r->event_channel);
    bind_text(st, 14, r->source);
    sqlite3_bind_int64(st, 15, (int64_t)r->line);
    if ((rc = run(st)) != SQLITE_OK)
        return fail(s, rc);
    s->nfailures++;
    tally(s, r->computer);
    note_time(s, r->time);
    return WD_OK;
}

int wd_store_add_fact(wd_store *s, const wd_fact_rec *r)
{
    sqlite3_stmt *st;
    int rc = writable(s, r);
    if (rc)
        return rc;
    if (!r->key)
        return wd_error_set(WD_EUSAGE, "a fact without a key cannot be stored");
    if ((rc = stmt(s, ST_FACT, &st)) != SQLITE_OK)
        return fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    bind_text(st, 2, r->key);
    bind_text(st, 3, r->value);
    bind_text(st, 4, r->source);
    if ((rc = run(st)) != SQLITE_OK)
        return fail(s, rc);
    if (strcmp(r->key, "machine.name") == 0 && r->value && *r->value) {
        free(s->fact_machine);
        s->fact_machine = wd_strdup(r->value);
    }
    return WD_OK;
}

int wd_store_add_note(wd_store *s, const wd_note_rec *r)
{
    sqlite3_stmt *st;
    int rc = writable(s, r);
    if (rc)
        return rc;
    if ((rc = stmt(s, ST_NOTE, &st)) != SQLITE_OK)
        return fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    bind_text(st, 2, r->source);
    bind_text(st, 3, r->location);
    bind_text(st, 4, r->reason);
    rc = run(st);
    return rc ? fail(s, rc) : WD_OK;
}

int wd_store_add_source(wd_store *s, const wd_source_rec *r)
{
    sqlite3_stmt *st;
    int rc = writable(s, r);
    if (rc)
        return rc;
    if (!r->path)
        return wd_error_set(WD_EUSAGE, "a source without a path cannot be stored");
    if ((rc = stmt(s, ST_SOURCE, &st)) != SQLITE_OK)
        return fail(s, rc);
    sqlite3_bind_int64(st, 1, s->snap);
    bind_text(st, 2, r->path);
    bind_text(st, 3, r->kind);
    sqlite3_bind_int64(st, 4, (int64_t)r->records);
    sqlite3_bind_int64(st, 5, (int64_t)r->kept);
    sqlite3_bind_int64(st, 6, (int64_t)r->errors);
    rc = run(st);
    return rc ? fail(s, rc) : WD_OK;
}

/* ------------------------------------------------------------ commit */

/* The machine of the open snapshot: the fact machine.name, else the name
 * given most often (the first seen on a tie), else "unknown". */
static const char *decide_machine(const wd_store *s)
{
    const wd_machine_tally *best = NULL;
    if (s->fact_machine)
        return s->fact_machine;
    for (size_t i = 0; i < s->nmachines; i++)
        if (!best || s->machines[i].n > best->n)
            best = &s->machines[i];
    return best ? best->name : "unknown";
}

/* The id of machine `name`, inserting it when new. A SQLite code. */
static int machine_id(wd_store *s, const char *name, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "INSERT INTO machine(name) VALUES (?1) "
                                       "ON CONFLICT DO NOTHING", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_text(st, 1, name);
        rc = run(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "SELECT id FROM machine WHERE name = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_text(st, 1, name);
        rc = sqlite3_step(st);
        *id = sqlite3_column_int64(st, 0);
        rc = rc == SQLITE_ROW ? SQLITE_OK : rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
    }
    sqlite3_finalize(st);
    return rc;
}

static int finish_snapshot(wd_store *s)
{
    sqlite3_stmt *st = NULL;
    int64_t mid = 0;
    int rc = machine_id(s, decide_machine(s), &mid);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "UPDATE snapshot SET machine_id = ?1, evidence_time = ?2, "
                                       "events = ?3, failures = ?4 WHERE id = ?5",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, mid);
        bind_text(st, 2, s->evidence_time[0] ? s->evidence_time : NULL);
        sqlite3_bind_int64(st, 3, s->nevents);
        sqlite3_bind_int64(st, 4, s->nfailures);
        sqlite3_bind_int64(st, 5, s->snap);
        rc = run(st);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

int wd_store_commit(wd_store *s, int64_t *snapshot_id)
{
    int rc = writable(s, s);
    if (!rc) {
        int r = finish_snapshot(s);
        rc = r == SQLITE_OK ? WD_OK : fail(s, r);
    }
    if (!rc && snapshot_id)
        *snapshot_id = s->snap;
    if (s) {
        if (rc && !sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
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

/* ----------------------------------------------------------- analysis */

static int insert_findings(wd_store *s, int64_t snap, const wd_finding_rec *f, size_t n)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "DELETE FROM finding WHERE snapshot_id = ?1", -1, &st,
                                NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, snap);
        rc = run(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO finding(snapshot_id, rule, severity, title, "
                                       "explanation, fixes, evidence) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &st, NULL);
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        sqlite3_bind_int64(st, 1, snap);
        bind_text(st, 2, f[i].rule ? f[i].rule : "");
        bind_text(st, 3, f[i].severity);
        bind_text(st, 4, f[i].title);
        bind_text(st, 5, f[i].explanation);
        bind_text(st, 6, f[i].fixes);
        bind_text(st, 7, f[i].evidence);
        rc = run(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Sets the verdict and finding count; *found says whether the row exists. */
static int set_verdict(wd_store *s, int64_t snap, const char *verdict, size_t n, int *found)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "UPDATE snapshot SET verdict = ?1, findings = ?2 "
                                       "WHERE id = ?3", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_text(st, 1, verdict);
        sqlite3_bind_int64(st, 2, (int64_t)n);
        sqlite3_bind_int64(st, 3, snap);
        rc = run(st);
        *found = sqlite3_changes64(s->db) > 0;
    }
    sqlite3_finalize(st);
    return rc;
}

int wd_store_save_analysis(wd_store *s, int64_t snapshot_id, const char *verdict,
                           const wd_finding_rec *findings, size_t n)
{
    int found = 0, r, rc;
    if (!s || (n && !findings))
        return wd_error_set(WD_EUSAGE, "wd_store_save_analysis: nothing to save");
    if (s->snap)
        return wd_error_set(WD_EUSAGE, "finish the open snapshot before saving an analysis");
    if (s->readonly)
        return wd_error_set(WD_EREADONLY, "cannot write %s: read-only", s->path);
    if ((rc = wd_store__exec(s, "BEGIN IMMEDIATE", "saving the analysis in")) != WD_OK)
        return rc;
    r = set_verdict(s, snapshot_id, verdict, n, &found);
    if (r == SQLITE_OK && found)
        r = insert_findings(s, snapshot_id, findings, n);
    if (r == SQLITE_OK && found)
        r = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (r != SQLITE_OK)
        rc = wd_store__error(s, r, "saving the analysis in");
    else if (!found)
        rc = wd_error_set(WD_ENOTFOUND, "no snapshot %lld in %s", (long long)snapshot_id,
                          s->path);
    if (rc && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
