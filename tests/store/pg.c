/* pg.c - the store over a real PostgreSQL server (a throw-away cluster,
 * tests/support/pgtest.c): a pushed snapshot reads back through the read API
 * exactly as from the history file; pushing again adds nothing; a server
 * killed in the middle of a push leaves no partial snapshot and the next
 * push completes; 16 pushers at once all land; hostile names are only ever
 * parameters; the fleet figures agree with a merged file's; passwords never
 * appear in what the store says. */
#define _GNU_SOURCE
#include "store_test.h"

#ifdef WD_HAVE_PG

#include "pg.h"
#include "pgtest.h"

#include <criterion/hooks.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    (void)set;
    if (wdt_pg_start() != 0)
        fprintf(stderr, "pg: the fleet tests need a PostgreSQL server\n");
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    wdt_pg_stop();
}

static char *dir;

static void setup(void)
{
    dir = wdt_tempdir();
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    wdt_rmtree(dir);
    free(dir);
}

TestSuite(store_pg, .init = setup, .fini = teardown, .timeout = 120);

/* --------------------------------------------------------- a history */

/* Writes nsnap snapshots of machine into the file at path, each with
 * services, events with fields, activities (an update failing with a code
 * until snapshot `fixed_from`, then installed), facts, a note, a source, an
 * analysis whose findings cite rows, and update states. */
static void write_history(const char *path, const char *machine, const char *title, int nsnap,
                          int fixed_from)
{
    wd_store *s = NULL;
    cr_assert_eq(wd_store_open(path, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
    for (int k = 0; k < nsnap; k++) {
        char t1[WD_TIME_MAX], t2[WD_TIME_MAX];
        int fixed = fixed_from >= 0 && k >= fixed_from;
        int64_t snap = 0;
        wd_time_format(1767225600 + (int64_t)k * 86400, 0, t1); /* 2026-01-01 */
        wd_time_format(1767225600 + (int64_t)k * 86400 + 60, 0, t2);
        cr_assert_eq(wd_store_begin(s, "wudiag collect --test", "/evidence"), WD_OK);
        cr_assert_eq(wd_store_set_machine(s, machine), WD_OK);
        wd_service_rec svc[] = {
            {"wuauserv", "Windows Update", fixed ? "running" : "stopped",
             fixed ? "manual" : "disabled", -1, -1, -1, "services.csv"},
            {"BITS", "Background\tIntelligent \\N Transfer", "running", "auto", 412, 0, 0,
             "services.csv"},
        };
        for (size_t i = 0; i < 2; i++)
            cr_assert_eq(wd_store_add_service(s, &svc[i]), WD_OK);
        for (int i = 0; i < 3; i++) {
            wd_field f[] = {{"updateTitle", title}, {"errorCode", "0x80070643"},
                            {"empty", NULL}};
            wd_event_rec e = {"System", "Microsoft-Windows-WindowsUpdateClient", 20, 2,
                              (uint64_t)(100 + k + i), t1, machine, f, 3, "System.evtx"};
            cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
        }
        wd_activity_rec a = {.operation = WD_OP_INSTALL, .outcome = WD_OUT_FAILED,
                             .has_code = 1, .code = 0x80070643, .time = t1, .kb = "KB5034441",
                             .title = title, .product = WD_PRODUCT_OS_CUMULATIVE, .count = -1,
                             .detail = "Installation Failure:\n 0x80070643 'quoted' \\ back",
                             .computer = machine,
                             .where = {WD_LOC_LINE, "WindowsUpdate.log", 12, NULL, 0, 0}};
        cr_assert_eq(wd_store_add_activity(s, &a), WD_OK);
        wd_activity_rec b = a;
        b.outcome = fixed ? WD_OUT_SUCCEEDED : WD_OUT_IN_PROGRESS;
        b.has_code = 0, b.code = 0, b.time = t2, b.detail = NULL;
        b.where.line = 13;
        cr_assert_eq(wd_store_add_activity(s, &b), WD_OK);
        wd_activity_rec c = {.operation = WD_OP_SCAN, .outcome = WD_OUT_SUCCEEDED,
                             .count = 4, .time = NULL, .computer = machine};
        cr_assert_eq(wd_store_add_activity(s, &c), WD_OK);
        wd_fact_rec fact = {"os.build", "19045.3803", "registry.reg", t1};
        cr_assert_eq(wd_store_add_fact(s, &fact), WD_OK);
        wd_note_rec note = {"CBS.log", "line 7", "a line\twith \\N and\r\nbreaks",
                            WD_NOTE_PARTIAL};
        cr_assert_eq(wd_store_add_note(s, &note), WD_OK);
        wd_source_rec src = {"System.evtx", "evtx", 3, 3, 0};
        cr_assert_eq(wd_store_add_source(s, &src), WD_OK);
        cr_assert_eq(wd_store_finish(s, &snap), WD_OK, "%s", wd_error_last());
        /* the failed activity of this snapshot: the first of its rows */
        int64_t act = (snap - 1) * 3 + 1;
        wd_ref refs[] = {{WD_REF_ACTIVITY, act}, {WD_REF_SERVICE, (snap - 1) * 2 + 1}};
        wd_finding_rec f[] = {
            {.rule = "service-disabled", .severity = "critical", .title = "wuauserv is disabled",
             .explanation = "x", .fixes = "enable-wuauserv,restart-services",
             .refs = refs + 1, .nrefs = 1, .state = "current", .first_fix = "enable-wuauserv"},
            {.rule = "update-failing", .severity = "error", .title = title,
             .explanation = "y", .fixes = "restart-services", .refs = refs, .nrefs = 1,
             .cause = "service-disabled", .state = "current", .first_fix = "restart-services"},
        };
        wd_update_rec u = {"KB5034441", "KB5034441", title, "os-cumulative",
                           fixed ? "resolved" : "failing", !fixed, 0x80070643, 1, fixed,
                           t1, t1, fixed ? t2 : NULL};
        cr_assert_eq(wd_store_save_analysis(s, snap, fixed ? "healthy" : "failing", f,
                                            fixed ? 0 : 2), WD_OK, "%s", wd_error_last());
        cr_assert_eq(wd_store_save_updates(s, snap, &u, 1), WD_OK, "%s", wd_error_last());
        cr_assert_eq(wd_store_commit(s, &snap), WD_OK, "%s", wd_error_last());
    }
    wd_store_close(s);
    /* as if collected daily: each snapshot's time is its evidence's */
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "UPDATE snapshot SET collected_at = evidence_time", NULL, NULL,
                              NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* ---------------------------------------------------- a snapshot's dump */

typedef struct dump {
    wd_buf b;
} dump;

static int d_info(void *ctx, const wd_snapshot_info *i)
{
    wd_buf_printf(&((dump *)ctx)->b, "snapshot %s|%s|%s|%s|%s|%s|%lld|%lld|%lld|%lld|%s\n",
                  i->machine, i->collected_at, i->evidence_time ? i->evidence_time : "-",
                  i->command_line, i->evidence, i->verdict ? i->verdict : "-",
                  (long long)i->failures, (long long)i->findings, (long long)i->events,
                  (long long)i->activities, i->machine_from ? i->machine_from : "-");
    return 0;
}

static int d_service(void *ctx, int64_t id, const wd_service_rec *r)
{
    wd_buf_printf(&((dump *)ctx)->b, "service %lld %s|%s|%s|%s|%lld|%lld|%lld|%s\n",
                  (long long)id, r->name, r->display_name ? r->display_name : "-", r->state,
                  r->start_type, (long long)r->pid, (long long)r->exit_code,
                  (long long)r->service_exit_code, r->source);
    return 0;
}

static int d_event(void *ctx, int64_t id, const wd_event_rec *r)
{
    wd_buf *b = &((dump *)ctx)->b;
    wd_buf_printf(b, "event %lld %s|%s|%u|%d|%llu|%s|%s|%s", (long long)id, r->channel,
                  r->provider, r->event_id, r->level, (unsigned long long)r->record_id,
                  r->time ? r->time : "-", r->computer ? r->computer : "-", r->source);
    for (size_t i = 0; i < r->nfields; i++)
        wd_buf_printf(b, " %s=%s", r->fields[i].name,
                      r->fields[i].value ? r->fields[i].value : "(null)");
    wd_buf_putc(b, '\n');
    return 0;
}

static int d_activity(void *ctx, const wd_activity_row *a)
{
    const wd_activity_rec *r = &a->rec;
    wd_buf_printf(&((dump *)ctx)->b,
                  "activity %lld %d|%d|%d|%08x|%s|%s|%s|%d|%lld|%s|%s|%d|%s|%llu|%s|%lld|%lld\n",
                  (long long)a->id, r->operation, r->outcome, r->has_code, r->code,
                  r->time ? r->time : "-", r->kb ? r->kb : "-", r->title ? r->title : "-",
                  r->product, (long long)r->count, r->detail ? r->detail : "-",
                  r->computer ? r->computer : "-", r->where.kind,
                  r->where.source ? r->where.source : "-", (unsigned long long)r->where.line,
                  a->subject ? a->subject : "-", (long long)a->repeats,
                  (long long)a->event_row);
    return 0;
}

static int d_fact(void *ctx, int64_t id, const wd_fact_rec *r)
{
    wd_buf_printf(&((dump *)ctx)->b, "fact %lld %s=%s|%s|%s\n", (long long)id, r->key,
                  r->value ? r->value : "-", r->source, r->time ? r->time : "-");
    return 0;
}

static int d_note(void *ctx, int64_t id, const wd_note_rec *r)
{
    wd_buf_printf(&((dump *)ctx)->b, "note %lld %s|%s|%s|%d\n", (long long)id, r->source,
                  r->location ? r->location : "-", r->reason, r->kind);
    return 0;
}

static int d_source(void *ctx, int64_t id, const wd_source_rec *r)
{
    wd_buf_printf(&((dump *)ctx)->b, "source %lld %s|%s|%llu\n", (long long)id, r->path,
                  r->kind, (unsigned long long)r->records);
    return 0;
}

static int d_finding(void *ctx, int64_t id, const wd_finding_rec *r)
{
    (void)id; /* a finding's own id is the fleet's */
    wd_buf *b = &((dump *)ctx)->b;
    wd_buf_printf(b, "finding %s|%s|%s|%s|", r->rule, r->severity, r->title, r->fixes);
    for (size_t i = 0; i < r->nrefs; i++)
        wd_buf_printf(b, "%s%s:%lld", i ? "," : "", wd_ref_kind_name(r->refs[i].kind),
                      (long long)r->refs[i].row_id);
    wd_buf_printf(b, "%s|%s|%s|%s\n", r->nrefs ? "" : "-", r->cause ? r->cause : "-",
                  r->state ? r->state : "-", r->first_fix ? r->first_fix : "-");
    return 0;
}

static int d_computer(void *ctx, const wd_computer_info *c)
{
    wd_buf_printf(&((dump *)ctx)->b, "computer %s %lld %s %s\n", c->name,
                  (long long)c->records, c->first ? c->first : "-", c->last ? c->last : "-");
    return 0;
}

static int d_ref(void *ctx, const wd_ref_row *r)
{
    wd_buf_printf(&((dump *)ctx)->b, "ref %d %lld %s\n", r->ref.kind, (long long)r->ref.row_id,
                  r->activity ? "activity" : r->service ? "service" : r->event ? "event" : "?");
    return 0;
}

/* Everything the read API gives of one snapshot, as text. */
static char *dump_snapshot(wd_store *s, int64_t snap)
{
    dump d = {WD_BUF_INIT};
    wd_activity_query byt = {.order = WD_ORDER_TIME_DESC, .limit = 2},
                      fails = {.outcomes = 1u << WD_OUT_FAILED, .order = WD_ORDER_SUBJECT};
    cr_assert_eq(wd_store_snapshot(s, snap, d_info, &d), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_services(s, snap, d_service, &d), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_events(s, snap, d_event, &d), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_activities(s, snap, NULL, d_activity, &d), WD_OK, "%s",
                 wd_error_last());
    cr_assert_eq(wd_store_activities(s, snap, &byt, d_activity, &d), WD_OK);
    cr_assert_eq(wd_store_activities(s, snap, &fails, d_activity, &d), WD_OK);
    cr_assert_eq(wd_store_facts(s, snap, d_fact, &d), WD_OK);
    cr_assert_eq(wd_store_notes(s, snap, d_note, &d), WD_OK);
    cr_assert_eq(wd_store_sources(s, snap, d_source, &d), WD_OK);
    cr_assert_eq(wd_store_findings(s, snap, d_finding, &d), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_computers(s, snap, d_computer, &d), WD_OK, "%s", wd_error_last());
    wd_ref refs[] = {{WD_REF_ACTIVITY, 1}, {WD_REF_SERVICE, 1}};
    for (int i = 0; i < 2; i++)
        wd_store_ref(s, snap, refs[i], d_ref, &d);
    cr_assert(wd_buf_ok(&d.b));
    return wd_buf_detach(&d.b);
}

static int64_t fleet_count(const char *ci, const char *sql)
{
    char *v = NULL;
    int64_t n = -1;
    cr_assert_eq(wdt_pg_sql(ci, sql, &v), 0);
    if (v)
        wd_parse_i64(v, &n);
    free(v);
    return n;
}

/* ----------------------------------------------------------------- tests */

Test(store_pg, a_pushed_snapshot_reads_back_as_from_the_file)
{
    char *db = wdt_path(dir, "h.db"), *ci = wdt_pg_newdb();
    wd_store *lite = NULL, *pg = NULL;
    wd_push_stats st;
    cr_assert_not_null(ci);
    write_history(db, "PC-1", "2024-01 Cumulative Update (KB5034441)", 3, 2);
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &lite), WD_OK);
    cr_assert_eq(wd_store_push(lite, ci, 0, &st, NULL, NULL), WD_OK, "%s", wd_error_last());
    cr_assert_eq(st.pushed, 3);
    cr_assert_eq(wd_store_open(ci, WD_STORE_READONLY, &pg), WD_OK, "%s", wd_error_last());
    /* the fleet numbers its snapshots itself: match them by time order */
    int64_t lid = 0, pid = 0;
    cr_assert_eq(wd_store_latest(lite, "pc-1", &lid), WD_OK);
    cr_assert_eq(wd_store_latest(pg, "pc-1", &pid), WD_OK, "%s", wd_error_last());
    for (int k = 0; k < 3; k++) {
        char *a = dump_snapshot(lite, lid - k), *b = dump_snapshot(pg, pid - k);
        cr_assert_str_eq(b, a);
        free(a), free(b);
    }
    wd_store_close(lite);
    wd_store_close(pg);
    free(db), free(ci);
}

Test(store_pg, pushing_again_adds_nothing)
{
    char *db = wdt_path(dir, "h.db"), *ci = wdt_pg_newdb();
    wd_store *lite = NULL;
    wd_push_stats st;
    write_history(db, "PC-1", "Update", 4, -1);
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &lite), WD_OK);
    cr_assert_eq(wd_store_push(lite, ci, 0, &st, NULL, NULL), WD_OK, "%s", wd_error_last());
    cr_assert_eq(st.pushed, 4);
    int64_t rows = fleet_count(ci, "SELECT count(*) FROM wudiag.activity");
    cr_assert_eq(wd_store_push(lite, ci, 0, &st, NULL, NULL), WD_OK);
    cr_assert_eq(st.pushed, 0);
    cr_assert_eq(st.present, 4);
    cr_assert_eq(st.rows, 0);
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.snapshot"), 4);
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.activity"), rows);
    /* one snapshot by id: already there too */
    cr_assert_eq(wd_store_push(lite, ci, 2, &st, NULL, NULL), WD_OK);
    cr_assert_eq(st.present, 1);
    cr_assert_eq(wd_store_push(lite, ci, 99, &st, NULL, NULL), WD_ENOTFOUND);
    wd_store_close(lite);
    free(db), free(ci);
}

/* Kills the server after the batch's activity rows were sent. */
static int killed;
static void kill_mid_push(const char *step, const char *uid)
{
    (void)uid;
    if (!killed && !strcmp(step, "activity")) {
        killed = 1;
        cr_assert_eq(wdt_pg_kill(), 0, "the postmaster did not die");
    }
}

/* Every snapshot in the fleet has all the rows its file has. */
static void assert_whole(const char *ci, int64_t per_snapshot_activities)
{
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.snapshot s WHERE"
                                 " (SELECT count(*) FROM wudiag.activity a"
                                 " WHERE a.snapshot_id = s.id) <> s.activities"
                                 " OR (SELECT count(*) FROM wudiag.event e"
                                 " WHERE e.snapshot_id = s.id) <> s.events"
                                 " OR (SELECT count(*) FROM wudiag.update_state u"
                                 " WHERE u.snapshot_id = s.id) <> 1"),
                 0);
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.activity") %
                     per_snapshot_activities,
                 0);
}

Test(store_pg, server_killed_mid_push_leaves_no_partial_snapshot_and_next_push_completes)
{
    char *db = wdt_path(dir, "h.db"), *ci = wdt_pg_newdb();
    wd_store *lite = NULL;
    wd_push_stats st;
    /* the first push lands; the second one, of the newest 30 again, dies */
    write_history(db, "PC-1", "Update", WD_PG_BATCH + 30, 40);
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &lite), WD_OK);
    wd_pg__push_hook = NULL;
    cr_assert_eq(wd_store_push(lite, ci, 0, &st, NULL, NULL), WD_OK);
    cr_assert_eq(wdt_pg_sql(ci, "DELETE FROM wudiag.snapshot WHERE id IN (SELECT id FROM"
                                " wudiag.snapshot ORDER BY id DESC LIMIT 30)", NULL), 0);
    killed = 0;
    wd_pg__push_hook = kill_mid_push;
    int rc = wd_store_push(lite, ci, 0, &st, NULL, NULL);
    wd_pg__push_hook = NULL;
    int restarted = killed ? wdt_pg_restart() : 0;
    cr_assert(killed);
    cr_assert_eq(restarted, 0);
    cr_assert_neq(rc, WD_OK, "a push through a dead server must fail");
    /* the first batch (all present) went by; the second died */
    cr_assert_eq(st.pushed, 0);
    cr_assert_eq(st.present, WD_PG_BATCH);
    cr_assert_eq(st.failed, 30, "failed %lld", (long long)st.failed);
    cr_assert_not_null(strstr(wd_error_last(), "dbname="), "%s", wd_error_last());
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.snapshot"), WD_PG_BATCH);
    assert_whole(ci, 3);
    /* what did not land goes with the next push */
    cr_assert_eq(wd_store_push(lite, ci, 0, &st, NULL, NULL), WD_OK, "%s", wd_error_last());
    cr_assert_eq(st.pushed, 30);
    cr_assert_eq(st.present, WD_PG_BATCH);
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.snapshot"), WD_PG_BATCH + 30);
    assert_whole(ci, 3);
    wd_store_close(lite);
    free(db), free(ci);
}

Test(store_pg, sixteen_pushers_at_once_all_land)
{
    char *ci = wdt_pg_newdb();
    pid_t kids[16];
    char *dbs[16];
    for (int i = 0; i < 16; i++) {
        char name[32];
        snprintf(name, sizeof name, "m%02d.db", i);
        dbs[i] = wdt_path(dir, name);
        snprintf(name, sizeof name, "PC-%02d", i);
        write_history(dbs[i], name, "Update", 5, 3);
    }
    /* a fleet with no schema yet: all 16 race to create it too */
    for (int i = 0; i < 16; i++) {
        kids[i] = fork();
        cr_assert_geq(kids[i], 0);
        if (kids[i] == 0) {
            wd_store *s = NULL;
            wd_push_stats st;
            int rc = wd_store_open(dbs[i], WD_STORE_READONLY, &s);
            if (!rc)
                rc = wd_store_push(s, ci, 0, &st, NULL, NULL);
            if (rc)
                fprintf(stderr, "pusher %d: %s\n", i, wd_error_last());
            _exit(rc == 0 && st.pushed == 5 ? 0 : 1);
        }
    }
    for (int i = 0; i < 16; i++) {
        int status = 0;
        cr_assert_eq(waitpid(kids[i], &status, 0), kids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "pusher %d failed", i);
    }
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.machine"), 16);
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.snapshot"), 80);
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.machine m JOIN wudiag.snapshot s"
                                 " ON s.id = m.latest_snapshot_id"
                                 " WHERE s.collected_at LIKE '2026-01-05%'"), 16);
    assert_whole(ci, 3);
    for (int i = 0; i < 16; i++)
        free(dbs[i]);
    free(ci);
}

Test(store_pg, hostile_names_are_only_parameters)
{
    static const char *const names[] = {
        "x'); DROP TABLE wudiag.snapshot; --", "tab\there\nnewline \\N \\\\ back",
        "$1 $$ quote\" <b>&amp;", "\xff\xfe not UTF-8",
    };
    char *ci = wdt_pg_newdb();
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *db = NULL;
        wd_store *lite = NULL, *pg = NULL;
        wd_push_stats st;
        int64_t id = 0;
        cr_assert(asprintf(&db, "%s/h%zu.db", dir, i) > 0);
        write_history(db, names[i], names[(i + 1) % 3], 2, -1);
        cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &lite), WD_OK);
        cr_assert_eq(wd_store_push(lite, ci, 0, &st, NULL, NULL), WD_OK, "%s",
                     wd_error_last());
        cr_assert_eq(st.pushed, 2);
        cr_assert_eq(wd_store_open(ci, WD_STORE_READONLY, &pg), WD_OK);
        /* the name as a lookup key too (the invalid one reads back as U+FFFD) */
        if (i < 3) {
            cr_assert_eq(wd_store_latest(pg, names[i], &id), WD_OK, "%s", wd_error_last());
            char *a = dump_snapshot(pg, id), *b = NULL;
            int64_t lid = 0;
            cr_assert_eq(wd_store_latest(lite, names[i], &lid), WD_OK);
            b = dump_snapshot(lite, lid);
            cr_assert_str_eq(a, b);
            free(a), free(b);
        }
        wd_store_close(pg);
        wd_store_close(lite);
        free(db);
    }
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.machine"), 4);
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.snapshot"), 8);
    cr_assert_eq(fleet_count(ci, "SELECT count(*) FROM wudiag.machine WHERE name LIKE"
                                 " '%\xef\xbf\xbd not UTF-8'"), 1);
    free(ci);
}

/* ----------------------------------------------------------- the fleet */

typedef struct figures {
    wd_buf b;
} figures;

static int f_machine(void *ctx, const wd_fleet_machine *m)
{
    wd_buf_printf(&((figures *)ctx)->b, "M %s %lld %s %s %lld %s %s %s\n", m->machine,
                  (long long)m->snapshots, m->collected_at, m->verdict ? m->verdict : "-",
                  (long long)m->problems, m->failing_since ? m->failing_since : "-",
                  m->top_rule ? m->top_rule : "-", m->top_fix ? m->top_fix : "-");
    return 0;
}

static int f_problem(void *ctx, const wd_fleet_problem *p)
{
    wd_buf_printf(&((figures *)ctx)->b, "P %d %08x %s %s %lld\n", p->has_code, p->code, p->rule,
                  p->first_fix ? p->first_fix : "-", (long long)p->machines);
    return 0;
}

static int f_update(void *ctx, const wd_fleet_update *u)
{
    wd_buf_printf(&((figures *)ctx)->b, "U %s %lld %lld %lld %lld %d %08x\n", u->key,
                  (long long)u->machines, (long long)u->installed, (long long)u->failing,
                  (long long)u->pending, u->has_code, u->code);
    return 0;
}

static int f_week(void *ctx, const wd_fleet_week *w)
{
    wd_buf_printf(&((figures *)ctx)->b, "W %s %lld %lld %lld %lld %lld\n", w->week,
                  (long long)w->machines, (long long)w->healthy, (long long)w->failing,
                  (long long)w->installed, (long long)w->failing_updates);
    return 0;
}

static char *fleet_figures(wd_store *s)
{
    figures f = {WD_BUF_INIT};
    cr_assert_eq(wd_store_fleet_machines(s, f_machine, &f), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_fleet_problems(s, 10, f_problem, &f), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_fleet_updates(s, 10, f_update, &f), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_fleet_weeks(s, "2026-01-01", f_week, &f), WD_OK, "%s",
                 wd_error_last());
    return wd_buf_detach(&f.b);
}

Test(store_pg, fleet_figures_agree_with_a_merged_file)
{
    char *merged = wdt_path(dir, "fleet.db"), *ci = wdt_pg_newdb();
    wd_store *out = NULL, *pg = NULL;
    cr_assert_eq(wd_store_open(merged, WD_STORE_CREATE, &out), WD_OK);
    for (int i = 0; i < 3; i++) {
        char name[16], file[16];
        snprintf(name, sizeof name, "PC-%d", i);
        snprintf(file, sizeof file, "m%d.db", i);
        char *db = wdt_path(dir, file);
        wd_store *lite = NULL;
        /* PC-0 never recovers, PC-1 recovers on day 5, PC-2 on day 2 */
        write_history(db, name, "KB5034441 update", 10, i == 0 ? -1 : i == 1 ? 5 : 2);
        cr_assert_eq(wd_store_merge(out, db, NULL), WD_OK, "%s", wd_error_last());
        cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &lite), WD_OK);
        cr_assert_eq(wd_store_push(lite, ci, 0, NULL, NULL, NULL), WD_OK, "%s",
                     wd_error_last());
        wd_store_close(lite);
        free(db);
    }
    cr_assert_eq(wd_store_open(ci, WD_STORE_READONLY, &pg), WD_OK);
    char *a = fleet_figures(out), *b = fleet_figures(pg);
    cr_assert_str_eq(b, a);
    /* what the figures say: one machine failing since day 1, two healthy */
    cr_assert_not_null(strstr(a, "M PC-0 10 2026-01-10T00:01:00Z failing 2 2026-01-01T00:01:00Z"
                                 " service-disabled enable-wuauserv"), "%s", a);
    cr_assert_not_null(strstr(a, "M PC-1 10 2026-01-10T00:01:00Z healthy 0 - - -"), "%s", a);
    /* weeks: each machine's last snapshot of the week (Mondays 2025-12-29, 2026-01-05) */
    cr_assert_not_null(strstr(a, "W 2025-12-29 3 1 2 1 2\n"), "%s", a);
    cr_assert_not_null(strstr(a, "W 2026-01-05 3 2 1 2 1\n"), "%s", a);
    cr_assert_not_null(strstr(a, "P 1 80070643 update-failing restart-services 1"), "%s", a);
    cr_assert_not_null(strstr(a, "P 0 00000000 service-disabled enable-wuauserv 1"), "%s", a);
    cr_assert_not_null(strstr(a, "U KB5034441 3 2 1 0 1 80070643"), "%s", a);
    free(a), free(b);
    wd_store_close(pg);
    wd_store_close(out);
    free(merged), free(ci);
}

Test(store_pg, a_database_without_a_fleet_or_from_a_newer_wudiag_is_refused)
{
    char *ci = wdt_pg_newdb();
    wd_store *s = NULL;
    cr_assert_eq(wd_store_open(ci, WD_STORE_READONLY, &s), WD_ENOTFOUND);
    cr_assert_not_null(strstr(wd_error_last(), "no wudiag fleet"), "%s", wd_error_last());
    int version = 0;
    cr_assert_eq(wd_store_fleet_init(ci, &version), WD_OK, "%s", wd_error_last());
    cr_assert_eq(version, WD_PG_SCHEMA);
    cr_assert_eq(wd_store_open(ci, WD_STORE_READONLY, &s), WD_OK);
    wd_store_close(s);
    cr_assert_eq(wdt_pg_sql(ci, "UPDATE wudiag.meta SET value = '99'", NULL), 0);
    cr_assert_eq(wd_store_open(ci, WD_STORE_READONLY, &s), WD_ENEWER);
    cr_assert_eq(wd_store_fleet_init(ci, &version), WD_ENEWER);
    cr_assert_not_null(strstr(wd_error_last(), "newer wudiag"), "%s", wd_error_last());
    /* collecting into it is refused: a collection writes to a file first */
    cr_assert_eq(wd_store_open(ci, WD_STORE_CREATE, &s), WD_EUSAGE);
    free(ci);
}

Test(store_pg, a_password_never_appears_in_a_message)
{
    wd_store *s = NULL;
    char *ci = wdt_pg_conninfo("nosuchdb"), *bad = NULL;
    cr_assert(asprintf(&bad, "%s password=hunter2 connect_timeout=5", ci) > 0);
    cr_assert_neq(wd_store_open(bad, WD_STORE_READONLY, &s), WD_OK);
    cr_assert_null(strstr(wd_error_last(), "hunter2"), "%s", wd_error_last());
    cr_assert_not_null(strstr(wd_error_last(), "password=***"), "%s", wd_error_last());
    free(ci), free(bad);
}

#endif /* WD_HAVE_PG */

/* ---------------------------------------------------- names, no server */

Test(store_url, urls_and_conninfo_are_told_from_files)
{
    cr_assert(wd_store_is_url("postgresql://fleet.example/wudiag"));
    cr_assert(wd_store_is_url("postgres://u@h/db"));
    cr_assert(wd_store_is_url("host=/run/postgresql dbname=fleet"));
    cr_assert(wd_store_is_url(" service = fleet"));
    cr_assert_not(wd_store_is_url("history.db"));
    cr_assert_not(wd_store_is_url("/data/a=b.db"));
    cr_assert_not(wd_store_is_url("colour=blue"));
}

Test(store_url, passwords_are_redacted)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"postgresql://ana:s3cret@db.example:5432/fleet?sslmode=verify-full",
         "postgresql://ana:***@db.example:5432/fleet?sslmode=verify-full"},
        {"postgresql://ana@db/fleet?password=s3cret&sslmode=require",
         "postgresql://ana@db/fleet?password=***&sslmode=require"},
        {"host=db password=s3cret dbname=fleet", "host=db password=*** dbname=fleet"},
        {"host=db password = 'se cr\\'et' dbname=fleet", "host=db password =*** dbname=fleet"},
        {"postgresql://ana@db/fleet", "postgresql://ana@db/fleet"},
        {"--to=host=db PASSWORD=x", "--to=host=db PASSWORD=***"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        wd_buf b = WD_BUF_INIT;
        wd_store_redact_url(cases[i].in, &b);
        cr_assert_str_eq(wd_buf_cstr(&b), cases[i].out);
        wd_buf_free(&b);
    }
}
