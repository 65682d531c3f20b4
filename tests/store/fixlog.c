/* fixlog.c - the journal of `wudiag fix` (schema 4): a run and its steps
 * are written and committed one write at a time, so a process that dies
 * leaves each step it began marked running; a second run is refused while
 * one is in progress and its process alive, a dead one is marked
 * interrupted; the lock index refuses two running runs whatever the caller
 * does; no journal write while a snapshot is open or on a read-only file;
 * a schema 3 file migrates to the journal and reads, read-only, as having
 * none. */
#include "../../store/internal.h"
#include "store_test.h"

static char *dir, *db;

static void setup(void)
{
    dir = wdt_tempdir();
    db = wdt_path(dir, "history.db");
}

static void teardown(void)
{
    wdt_rmtree(dir);
    free(db);
    free(dir);
}

TestSuite(store_fixlog, .init = setup, .fini = teardown);

static wd_store *open_db(int flags)
{
    wd_store *s = NULL;
    cr_assert_eq(wd_store_open(db, flags, &s), WD_OK, "%s", wd_error_last());
    return s;
}

static int alive_yes(void *ctx, const wd_fix_run_rec *run)
{
    (void)ctx, (void)run;
    return 1;
}

static int alive_no(void *ctx, const wd_fix_run_rec *run)
{
    (void)run;
    (*(int *)ctx)++;
    return 0;
}

static int64_t begin(wd_store *s, const char *kind, int64_t undoes)
{
    int64_t id = 0;
    wd_fix_run_rec run = {0};
    run.kind = kind;
    run.machine = "PC-1";
    run.undoes = undoes;
    run.command_line = "wudiag fix --yes";
    run.pid = 4242;
    run.process_started = "2024-03-01T10:00:00Z";
    cr_assert_eq(wd_store_fix_begin(s, &run, alive_yes, NULL, &id), WD_OK, "%s", wd_error_last());
    return id;
}

static int64_t step(wd_store *s, int64_t run, int64_t no, const char *action, const char *target,
                    const char *before, const char *after, const char *result, const char *undo)
{
    int64_t id = 0;
    wd_fix_step_rec r = {0};
    r.run_id = run;
    r.step = no;
    r.fix = "enable-service";
    r.action = action;
    r.target = target;
    r.before = before;
    cr_assert_eq(wd_store_fix_step_begin(s, &r, &id), WD_OK, "%s", wd_error_last());
    if (!result)
        return id;
    r.after = after;
    r.result = result;
    r.undo = undo;
    r.error = !strcmp(result, "failed") ? 1053 : 0;
    r.message = !strcmp(result, "failed") ? "wuauserv will not stop" : NULL;
    cr_assert_eq(wd_store_fix_step_end(s, id, &r), WD_OK, "%s", wd_error_last());
    return id;
}

/* ---------------------------------------------------------------- rows */

typedef struct seen {
    int n;
    wd_fix_step_rec last;
    char action[32], result[16], before[32], after[32], undo[32], message[64];
    int64_t seqs[8];
} seen;

static int on_step(void *ctx, const wd_fix_step_rec *r)
{
    seen *s = ctx;
    if (s->n < 8)
        s->seqs[s->n] = r->seq;
    s->n++;
    s->last = *r;
    snprintf(s->action, sizeof s->action, "%s", r->action);
    snprintf(s->result, sizeof s->result, "%s", r->result);
    snprintf(s->before, sizeof s->before, "%s", r->before ? r->before : "");
    snprintf(s->after, sizeof s->after, "%s", r->after ? r->after : "");
    snprintf(s->undo, sizeof s->undo, "%s", r->undo ? r->undo : "");
    snprintf(s->message, sizeof s->message, "%s", r->message ? r->message : "");
    return 0;
}

Test(store_fixlog, steps_are_journaled_before_and_after_they_act)
{
    wd_store *s = open_db(WD_STORE_CREATE);
    int64_t run = begin(s, "fix", 0);
    int64_t a = step(s, run, 1, "set-start-type", "wuauserv", "stopped/disabled", "stopped/manual",
                     "done", "disabled");
    /* committed at once: another connection sees the step as done */
    cr_assert_eq(st_query(db, "SELECT count(*) FROM fix_step WHERE result = 'done'"), 1);
    int64_t b =
        step(s, run, 2, "stop-service", "UsoSvc", "running/auto", "running/auto", "failed", NULL);
    cr_assert_neq(a, b);
    seen v = {0};
    cr_assert_eq(wd_store_fix_steps(s, run, on_step, &v), WD_OK);
    cr_assert_eq(v.n, 2);
    cr_assert_eq(v.seqs[0], 1);
    cr_assert_eq(v.seqs[1], 2);
    cr_assert_str_eq(v.action, "stop-service");
    cr_assert_str_eq(v.result, "failed");
    cr_assert_eq(v.last.error, 1053);
    cr_assert_str_eq(v.message, "wuauserv will not stop");
    cr_assert_not_null(v.last.started_at);
    cr_assert_not_null(v.last.ended_at);
    cr_assert_eq(wd_store_fix_end(s, run, "stopped", "wuauserv will not stop"), WD_OK);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM fix_run WHERE state = 'stopped' AND ended_at"
                              " IS NOT NULL"),
                 1);
    /* a run ends once */
    cr_assert_eq(wd_store_fix_end(s, run, "done", NULL), WD_ENOTFOUND);
    wd_store_close(s);
}

Test(store_fixlog, a_process_that_dies_leaves_its_step_marked_running)
{
    wd_store *s = open_db(WD_STORE_CREATE);
    int64_t run = begin(s, "fix", 0);
    step(s, run, 1, "rename-folder", "C:\\Windows\\SoftwareDistribution", NULL, NULL, NULL, NULL);
    wd_store_close(s); /* as if killed: no end written */
    s = open_db(WD_STORE_READONLY);
    seen v = {0};
    cr_assert_eq(wd_store_fix_steps(s, run, on_step, &v), WD_OK);
    cr_assert_eq(v.n, 1);
    cr_assert_str_eq(v.result, "running");
    cr_assert_null(v.last.ended_at);
    wd_store_close(s);
    /* the next run finds it dead and marks it interrupted */
    s = open_db(0);
    int calls = 0;
    int64_t id = 0;
    wd_fix_run_rec next = {0};
    next.kind = "fix";
    next.machine = "PC-1";
    cr_assert_eq(wd_store_fix_begin(s, &next, alive_no, &calls, &id), WD_OK, "%s", wd_error_last());
    cr_assert_eq(calls, 1);
    cr_assert_gt(id, run);
    char *state = st_query_text(db, "SELECT state || ': ' || message FROM fix_run WHERE id = 1");
    cr_assert_not_null(strstr(state, "interrupted: the process ended"), "%s", state);
    free(state);
    /* its step stays as it was: begun, outcome unknown */
    cr_assert_eq(st_query(db, "SELECT count(*) FROM fix_step WHERE result = 'running'"), 1);
    wd_store_close(s);
}

Test(store_fixlog, a_second_run_is_refused_while_one_is_in_progress)
{
    wd_store *a = open_db(WD_STORE_CREATE), *b = open_db(0);
    int64_t run = begin(a, "fix", 0), id = 0;
    wd_fix_run_rec other = {0};
    other.kind = "fix";
    other.machine = "PC-1";
    cr_assert_eq(wd_store_fix_begin(b, &other, alive_yes, NULL, &id), WD_EBUSY);
    cr_assert_eq(id, 0);
    cr_assert_not_null(strstr(wd_error_last(), "another wudiag fix is in progress (run 1, "
                                               "process 4242"),
                       "%s", wd_error_last());
    /* without a way to tell, a running run counts as alive */
    cr_assert_eq(wd_store_fix_begin(b, &other, NULL, NULL, &id), WD_EBUSY);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM fix_run"), 1);
    /* once it ended, the next one starts */
    cr_assert_eq(wd_store_fix_end(a, run, "done", NULL), WD_OK);
    cr_assert_eq(wd_store_fix_begin(b, &other, alive_yes, NULL, &id), WD_OK, "%s", wd_error_last());
    wd_store_close(a);
    wd_store_close(b);
}

Test(store_fixlog, the_lock_index_allows_one_running_run)
{
    wd_store *s = open_db(WD_STORE_CREATE);
    begin(s, "fix", 0);
    wd_store_close(s);
    sqlite3 *raw = NULL;
    cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
    int rc = sqlite3_exec(raw,
                          "INSERT INTO fix_run(kind, machine, started_at, state, wudiag_version,"
                          " pid) VALUES ('fix', 'PC-2', '2024-03-01', 'running', 'x', 1)",
                          NULL, NULL, NULL);
    cr_assert_eq(rc, SQLITE_CONSTRAINT, "a second running run was accepted");
    sqlite3_close(raw);
}

Test(store_fixlog, no_journal_write_inside_a_snapshot_or_on_a_read_only_file)
{
    wd_store *s = open_db(WD_STORE_CREATE);
    int64_t run = begin(s, "fix", 0), id = 0;
    cr_assert_eq(wd_store_begin(s, "wudiag fix", "live"), WD_OK);
    wd_fix_step_rec r = {0};
    r.run_id = run;
    r.fix = "restart-services";
    r.action = "stop-service";
    cr_assert_eq(wd_store_fix_step_begin(s, &r, &id), WD_EUSAGE);
    wd_store_rollback(s);
    cr_assert_eq(wd_store_fix_step_begin(s, &r, &id), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    s = open_db(WD_STORE_READONLY);
    cr_assert_eq(wd_store_fix_step_begin(s, &r, &id), WD_EREADONLY);
    cr_assert_eq(wd_store_fix_end(s, run, "done", NULL), WD_EREADONLY);
    wd_store_close(s);
}

/* ---------------------------------------------------------------- runs */

typedef struct runs_seen {
    int n;
    int64_t ids[8];
    char kinds[8][8];
} runs_seen;

static int on_run(void *ctx, const wd_fix_run_rec *r)
{
    runs_seen *v = ctx;
    if (v->n < 8) {
        v->ids[v->n] = r->id;
        snprintf(v->kinds[v->n], sizeof v->kinds[0], "%s", r->kind);
    }
    v->n++;
    return 0;
}

Test(store_fixlog, runs_newest_first_and_the_last_of_a_kind)
{
    wd_store *s = open_db(WD_STORE_CREATE);
    int64_t fix = begin(s, "fix", 0);
    cr_assert_eq(wd_store_fix_snapshots(s, fix, 0, 0), WD_OK);
    cr_assert_eq(wd_store_fix_end(s, fix, "done", NULL), WD_OK);
    int64_t undo = begin(s, "undo", fix);
    cr_assert_eq(wd_store_fix_end(s, undo, "done", NULL), WD_OK);
    runs_seen v = {0};
    cr_assert_eq(wd_store_fix_runs(s, "pc-1", on_run, &v), WD_OK); /* names ignore case */
    cr_assert_eq(v.n, 2);
    cr_assert_eq(v.ids[0], undo);
    cr_assert_str_eq(v.kinds[1], "fix");
    int64_t last = 0;
    cr_assert_eq(wd_store_fix_last(s, "PC-1", "fix", NULL, &last), WD_OK);
    cr_assert_eq(last, fix);
    cr_assert_eq(wd_store_fix_last(s, "PC-1", NULL, NULL, &last), WD_OK);
    cr_assert_eq(last, undo);
    cr_assert_eq(wd_store_fix_last(s, "PC-1", "fix", "2000-01-01", &last), WD_OK);
    cr_assert_eq(last, 0);
    cr_assert_eq(wd_store_fix_last(s, "OTHER", NULL, NULL, &last), WD_OK);
    cr_assert_eq(last, 0);
    cr_assert_eq(st_query(db, "SELECT undoes FROM fix_run WHERE kind = 'undo'"), fix);
    cr_assert_eq(wd_store_fix_run(s, 99, on_run, &v), WD_ENOTFOUND);
    wd_store_close(s);
}

Test(store_fixlog, a_step_undone_names_the_step_that_reversed_it)
{
    wd_store *s = open_db(WD_STORE_CREATE);
    int64_t run = begin(s, "fix", 0);
    int64_t a = step(s, run, 1, "set-start-type", "wuauserv", "stopped/disabled", "stopped/manual",
                     "done", "disabled");
    cr_assert_eq(wd_store_fix_end(s, run, "done", NULL), WD_OK);
    int64_t undo = begin(s, "undo", run);
    int64_t b = step(s, undo, 1, "set-start-type", "wuauserv", "stopped/manual", "stopped/disabled",
                     "done", "manual");
    cr_assert_eq(wd_store_fix_step_undone(s, a, b), WD_OK);
    seen v = {0};
    cr_assert_eq(wd_store_fix_steps(s, run, on_step, &v), WD_OK);
    cr_assert_eq(v.last.undone_by, b);
    cr_assert_str_eq(v.undo, "disabled");
    cr_assert_eq(wd_store_fix_step_undone(s, 999, b), WD_ENOTFOUND);
    wd_store_close(s);
}

/* ------------------------------------------------------------- versions */

Test(store_fixlog, a_schema_3_file_migrates_to_the_journal_keeping_its_snapshots)
{
    cr_assert_eq(wd_store__create_version(db, 3), WD_OK, "%s", wd_error_last());
    sqlite3 *raw = NULL;
    cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(raw,
                              "INSERT INTO machine(name) VALUES ('PC-1');"
                              "INSERT INTO snapshot(machine_id, collected_at, wudiag_version,"
                              " uid) VALUES (1, '2024-01-01T00:00:00Z', '0.1', 'u1')",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(raw);
    /* read-only, it reads as having no journal */
    wd_store *s = open_db(WD_STORE_READONLY);
    runs_seen v = {0};
    int64_t last = 7;
    cr_assert_eq(wd_store_fix_runs(s, NULL, on_run, &v), WD_OK);
    cr_assert_eq(wd_store_fix_last(s, NULL, NULL, NULL, &last), WD_OK);
    cr_assert_eq(v.n, 0);
    cr_assert_eq(last, 0);
    wd_store_close(s);
    cr_assert_eq(st_query(db, "PRAGMA user_version"), 3);
    /* opened to write, it gains the journal and keeps its snapshot */
    s = open_db(0);
    begin(s, "fix", 0);
    wd_store_close(s);
    cr_assert_eq(st_query(db, "PRAGMA user_version"), WD_STORE_SCHEMA);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot WHERE uid = 'u1'"), 1);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM fix_run"), 1);
}
