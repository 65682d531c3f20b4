/* fixlog.c - the journal of `wudiag fix`: runs and their steps, each write
 * committed on its own so that whatever happens to the process the journal
 * says what was begun and what ended; and the lock (a partial unique index
 * on the running run) that refuses a second run while one is in progress. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_COLUMNS                                                                                \
    "id, kind, machine, undoes, snapshot_id, after_snapshot_id, started_at, ended_at, "            \
    "state, message, command_line, pid, process_started"
#define STEP_COLUMNS                                                                               \
    "id, run_id, seq, step, fix, action, target, started_at, ended_at, before, after, "            \
    "result, error, message, undo, undone_by"

/* ------------------------------------------------------------- helpers */

/* The journal is written outside any snapshot, on a writable file. */
static int writable(wd_store *s)
{
    if (s->readonly)
        return wd_error_set(WD_EREADONLY, "cannot write the fix journal to %s: read-only", s->path);
    if (s->snap)
        return wd_error_set(WD_EUSAGE, "the fix journal is not written while a snapshot is open");
    return WD_OK;
}

static int has_journal(const wd_store *s)
{
    /* a fleet database (PostgreSQL) carries no fix journal */
    return !s->empty && !s->pg && s->version >= 4;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_id(sqlite3_stmt *st, int i, int64_t v)
{
    if (v > 0)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* Runs one prepared write with its binds (bind(ctx, st)) to completion,
 * as its own transaction; *changes gets the rows changed (may be NULL). */
static int write1(wd_store *s, const char *sql, void (*bind)(sqlite3_stmt *, const void *),
                  const void *ctx, int *changes)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (r == SQLITE_OK) {
        bind(st, ctx);
        r = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return wd_store__error(s, r, "writing the fix journal to");
    if (changes)
        *changes = sqlite3_changes(s->db);
    return WD_OK;
}

/* ---------------------------------------------------------------- runs */

static void run_row(sqlite3_stmt *st, wd_fix_run_rec *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->kind = col_text(st, 1);
    r->machine = col_text(st, 2);
    r->undoes = sqlite3_column_int64(st, 3);
    r->snapshot_id = sqlite3_column_int64(st, 4);
    r->after_snapshot_id = sqlite3_column_int64(st, 5);
    r->started_at = col_text(st, 6);
    r->ended_at = col_text(st, 7);
    r->state = col_text(st, 8);
    r->message = col_text(st, 9);
    r->command_line = col_text(st, 10);
    r->pid = sqlite3_column_int64(st, 11);
    r->process_started = col_text(st, 12);
}

/* Walks the runs a query selects (its parameters bound by the caller). */
static int walk_runs(wd_store *s, sqlite3_stmt *st, int (*cb)(void *, const wd_fix_run_rec *),
                     void *ctx, size_t *n)
{
    int r, rc = WD_OK;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        wd_fix_run_rec run;
        run_row(st, &run);
        if (n)
            (*n)++;
        if ((rc = cb(ctx, &run)) != 0)
            return rc;
    }
    return r == SQLITE_DONE ? WD_OK : wd_store__error(s, r, "reading the fix journal of");
}

static int query_runs(wd_store *s, const char *where, const char *text, int64_t id,
                      int (*cb)(void *, const wd_fix_run_rec *), void *ctx, size_t *n)
{
    sqlite3_stmt *st = NULL;
    wd_buf sql = WD_BUF_INIT;
    wd_buf_printf(&sql, "SELECT " RUN_COLUMNS " FROM fix_run %s ORDER BY started_at DESC, id DESC",
                  where);
    if (!wd_buf_ok(&sql))
        return wd_error_set(WD_ENOMEM, "out of memory");
    int r = sqlite3_prepare_v2(s->db, wd_buf_cstr(&sql), -1, &st, NULL);
    wd_buf_free(&sql);
    if (r != SQLITE_OK)
        return wd_store__error(s, r, "reading the fix journal of");
    if (text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    else if (id)
        sqlite3_bind_int64(st, 1, id);
    int rc = walk_runs(s, st, cb, ctx, n);
    sqlite3_finalize(st);
    return rc;
}

int wd_store_fix_runs(wd_store *s, const char *machine,
                      int (*cb)(void *ctx, const wd_fix_run_rec *run), void *ctx)
{
    if (!has_journal(s))
        return WD_OK;
    return query_runs(s, machine ? "WHERE machine = ?1" : "", machine, 0, cb, ctx, NULL);
}

int wd_store_fix_run(wd_store *s, int64_t run_id, int (*cb)(void *ctx, const wd_fix_run_rec *run),
                     void *ctx)
{
    size_t n = 0;
    int rc = has_journal(s) ? query_runs(s, "WHERE id = ?1", NULL, run_id, cb, ctx, &n) : WD_OK;
    if (!rc && !n)
        return wd_error_set(WD_ENOTFOUND, "no fix run %lld in %s", (long long)run_id, s->path);
    return rc;
}

int wd_store_fix_last(wd_store *s, const char *machine, const char *kind, const char *until,
                      int64_t *run_id)
{
    sqlite3_stmt *st = NULL;
    *run_id = 0;
    if (!has_journal(s))
        return WD_OK;
    int r = sqlite3_prepare_v2(s->db,
                               "SELECT id FROM fix_run WHERE (?1 IS NULL OR machine = ?1)"
                               " AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR started_at <= ?3)"
                               " ORDER BY started_at DESC, id DESC LIMIT 1",
                               -1, &st, NULL);
    if (r == SQLITE_OK) {
        bind_text(st, 1, machine);
        bind_text(st, 2, kind);
        bind_text(st, 3, until);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            *run_id = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return r == SQLITE_ROW || r == SQLITE_DONE
               ? WD_OK
               : wd_store__error(s, r, "reading the fix journal of");
}

/* ---------------------------------------------------------------- lock */

/* What begin learns of the run marked running. */
typedef struct running {
    int found, alive;
    int64_t id, pid;
    char started[WD_TIME_MAX];
    wd_fix_alive_fn alive_fn;
    void *ctx;
} running;

static int on_running(void *vctx, const wd_fix_run_rec *run)
{
    running *c = vctx;
    c->found = 1;
    c->id = run->id;
    c->pid = run->pid;
    snprintf(c->started, sizeof c->started, "%s", run->started_at ? run->started_at : "?");
    c->alive = c->alive_fn ? c->alive_fn(c->ctx, run) != 0 : 1;
    return 1; /* the index allows one */
}

static int busy(wd_store *s, const running *c)
{
    return wd_error_set(WD_EBUSY,
                        "another wudiag fix is in progress (run %lld, process %lld, started %s, "
                        "journal %s): wait for it to finish, then run wudiag fix again",
                        (long long)c->id, (long long)c->pid, c->started, s->path);
}

static void bind_interrupted(sqlite3_stmt *st, const void *ctx)
{
    char now[WD_TIME_MAX];
    wd_time_now(now);
    sqlite3_bind_int64(st, 1, *(const int64_t *)ctx);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
}

static void bind_new_run(sqlite3_stmt *st, const void *ctx)
{
    const wd_fix_run_rec *r = ctx;
    char now[WD_TIME_MAX];
    wd_time_now(now);
    bind_text(st, 1, r->kind);
    bind_text(st, 2, r->machine);
    bind_id(st, 3, r->undoes);
    bind_id(st, 4, r->snapshot_id);
    bind_text(st, 5, now);
    bind_text(st, 6, r->command_line);
    bind_text(st, 7, WD_VERSION);
    sqlite3_bind_int64(st, 8, r->pid);
    bind_text(st, 9, r->process_started);
}

/* Inside BEGIN IMMEDIATE: marks a dead run interrupted, inserts the new one
 * (the lock index refuses it while another is running). */
static int claim(wd_store *s, const running *c, const wd_fix_run_rec *run, int64_t *run_id)
{
    int rc = WD_OK;
    if (c->found && !c->alive)
        rc = write1(s,
                    "UPDATE fix_run SET state = 'interrupted', ended_at = ?2, message ="
                    " 'the process ended before the run finished (closed, killed or a crash);"
                    " steps still marked running were begun and their outcome is not known'"
                    " WHERE id = ?1 AND state = 'running'",
                    bind_interrupted, &c->id, NULL);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(s->db,
                               "INSERT INTO fix_run(kind, machine, undoes, snapshot_id, started_at,"
                               " state, command_line, wudiag_version, pid, process_started)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?7, ?8, ?9)",
                               -1, &st, NULL);
    if (r == SQLITE_OK) {
        bind_new_run(st, run);
        r = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (r == SQLITE_CONSTRAINT_UNIQUE)
        return wd_error_set(WD_EBUSY,
                            "another wudiag fix started just now (journal %s): wait "
                            "for it to finish, then run wudiag fix again",
                            s->path);
    if (r != SQLITE_DONE)
        return wd_store__error(s, r, "writing the fix journal to");
    *run_id = sqlite3_last_insert_rowid(s->db);
    return WD_OK;
}

int wd_store_fix_begin(wd_store *s, const wd_fix_run_rec *run, wd_fix_alive_fn alive, void *ctx,
                       int64_t *run_id)
{
    running c = {0};
    c.alive_fn = alive;
    c.ctx = ctx;
    *run_id = 0;
    int rc = writable(s);
    if (rc)
        return rc;
    if (!run->kind || !run->machine)
        return wd_error_set(WD_EUSAGE, "a fix run needs a kind and a machine");
    /* a read first: a live run is refused without waiting for the write lock */
    rc = query_runs(s, "WHERE state = 'running'", NULL, 0, on_running, &c, NULL);
    if (rc < 0)
        return rc;
    if (c.found && c.alive)
        return busy(s, &c);
    rc = wd_store__exec(s, "BEGIN IMMEDIATE", "writing the fix journal to");
    if (!rc)
        rc = claim(s, &c, run, run_id);
    if (!rc)
        rc = wd_store__exec(s, "COMMIT", "writing the fix journal to");
    if (rc && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ------------------------------------------------------------ run state */

typedef struct run_update {
    int64_t id, a, b;
    const char *state, *message;
} run_update;

static void bind_snapshots(sqlite3_stmt *st, const void *ctx)
{
    const run_update *u = ctx;
    sqlite3_bind_int64(st, 1, u->id);
    bind_id(st, 2, u->a);
    bind_id(st, 3, u->b);
}

int wd_store_fix_snapshots(wd_store *s, int64_t run_id, int64_t before, int64_t after)
{
    run_update u = {run_id, before, after, NULL, NULL};
    int changes = 0, rc = writable(s);
    if (!rc)
        rc = write1(s,
                    "UPDATE fix_run SET snapshot_id = coalesce(?2, snapshot_id),"
                    " after_snapshot_id = coalesce(?3, after_snapshot_id) WHERE id = ?1",
                    bind_snapshots, &u, &changes);
    if (!rc && !changes)
        rc = wd_error_set(WD_ENOTFOUND, "no fix run %lld in %s", (long long)run_id, s->path);
    return rc;
}

static void bind_end(sqlite3_stmt *st, const void *ctx)
{
    const run_update *u = ctx;
    char now[WD_TIME_MAX];
    wd_time_now(now);
    sqlite3_bind_int64(st, 1, u->id);
    bind_text(st, 2, u->state);
    bind_text(st, 3, u->message);
    bind_text(st, 4, now);
}

int wd_store_fix_end(wd_store *s, int64_t run_id, const char *state, const char *message)
{
    run_update u = {run_id, 0, 0, state, message};
    int changes = 0, rc = writable(s);
    if (!rc && (!state || !strcmp(state, "running")))
        rc = wd_error_set(WD_EUSAGE, "a fix run ends done, stopped or interrupted");
    if (!rc)
        rc = write1(s,
                    "UPDATE fix_run SET state = ?2, message = ?3, ended_at = ?4"
                    " WHERE id = ?1 AND state = 'running'",
                    bind_end, &u, &changes);
    if (!rc && !changes)
        rc = wd_error_set(WD_ENOTFOUND, "fix run %lld in %s is not running", (long long)run_id,
                          s->path);
    return rc;
}

/* --------------------------------------------------------------- steps */

static void bind_step_begin(sqlite3_stmt *st, const void *ctx)
{
    const wd_fix_step_rec *p = ctx;
    char now[WD_TIME_MAX];
    wd_time_now(now);
    sqlite3_bind_int64(st, 1, p->run_id);
    sqlite3_bind_int64(st, 2, p->step);
    bind_text(st, 3, p->fix);
    bind_text(st, 4, p->action);
    bind_text(st, 5, p->target);
    bind_text(st, 6, now);
    bind_text(st, 7, p->before);
    bind_text(st, 8, p->message);
}

int wd_store_fix_step_begin(wd_store *s, const wd_fix_step_rec *step, int64_t *step_id)
{
    int rc = writable(s);
    *step_id = 0;
    if (!rc && (!step->fix || !step->action))
        rc = wd_error_set(WD_EUSAGE, "a fix step needs a fix and an action");
    if (!rc)
        rc = write1(s,
                    "INSERT INTO fix_step(run_id, seq, step, fix, action, target, started_at,"
                    " before, message, result) VALUES (?1,"
                    " (SELECT coalesce(max(seq), 0) + 1 FROM fix_step WHERE run_id = ?1),"
                    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running')",
                    bind_step_begin, step, NULL);
    if (!rc)
        *step_id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

typedef struct step_end {
    int64_t id;
    const wd_fix_step_rec *p;
} step_end;

static void bind_step_end(sqlite3_stmt *st, const void *ctx)
{
    const step_end *e = ctx;
    char now[WD_TIME_MAX];
    wd_time_now(now);
    sqlite3_bind_int64(st, 1, e->id);
    bind_text(st, 2, now);
    bind_text(st, 3, e->p->after);
    bind_text(st, 4, e->p->result);
    sqlite3_bind_int64(st, 5, e->p->error);
    bind_text(st, 6, e->p->message);
    bind_text(st, 7, e->p->undo);
}

int wd_store_fix_step_end(wd_store *s, int64_t step_id, const wd_fix_step_rec *step)
{
    step_end e = {step_id, step};
    int changes = 0, rc = writable(s);
    if (!rc && (!step->result || !strcmp(step->result, "running")))
        rc = wd_error_set(WD_EUSAGE, "a fix step ends with a result");
    if (!rc)
        rc = write1(s,
                    "UPDATE fix_step SET ended_at = ?2, after = ?3, result = ?4, error = ?5,"
                    " message = coalesce(?6, message), undo = ?7 WHERE id = ?1",
                    bind_step_end, &e, &changes);
    if (!rc && !changes)
        rc = wd_error_set(WD_ENOTFOUND, "no fix step %lld in %s", (long long)step_id, s->path);
    return rc;
}

static void bind_undone(sqlite3_stmt *st, const void *ctx)
{
    const int64_t *ids = ctx;
    sqlite3_bind_int64(st, 1, ids[0]);
    sqlite3_bind_int64(st, 2, ids[1]);
}

int wd_store_fix_step_undone(wd_store *s, int64_t step_id, int64_t by)
{
    int64_t ids[2] = {step_id, by};
    int changes = 0, rc = writable(s);
    if (!rc)
        rc = write1(s, "UPDATE fix_step SET undone_by = ?2 WHERE id = ?1", bind_undone, ids,
                    &changes);
    if (!rc && !changes)
        rc = wd_error_set(WD_ENOTFOUND, "no fix step %lld in %s", (long long)step_id, s->path);
    return rc;
}

int wd_store_fix_steps(wd_store *s, int64_t run_id,
                       int (*cb)(void *ctx, const wd_fix_step_rec *step), void *ctx)
{
    sqlite3_stmt *st = NULL;
    if (!has_journal(s))
        return WD_OK;
    int r = sqlite3_prepare_v2(
        s->db, "SELECT " STEP_COLUMNS " FROM fix_step WHERE run_id = ?1 ORDER BY seq", -1, &st,
        NULL);
    int rc = WD_OK;
    if (r == SQLITE_OK)
        sqlite3_bind_int64(st, 1, run_id);
    while (r == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        wd_fix_step_rec p = {
            sqlite3_column_int64(st, 0),
            sqlite3_column_int64(st, 1),
            sqlite3_column_int64(st, 2),
            sqlite3_column_int64(st, 3),
            col_text(st, 4),
            col_text(st, 5),
            col_text(st, 6),
            col_text(st, 7),
            col_text(st, 8),
            col_text(st, 9),
            col_text(st, 10),
            col_text(st, 11),
            sqlite3_column_int64(st, 12),
            col_text(st, 13),
            col_text(st, 14),
            sqlite3_column_int64(st, 15),
        };
        if ((rc = cb(ctx, &p)) != 0)
            break;
        r = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    return r == SQLITE_DONE ? WD_OK : wd_store__error(s, r, "reading the fix journal of");
}
