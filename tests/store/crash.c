/* crash.c - a collection killed with SIGKILL at many different moments
 * (creating the file, mid-snapshot, after finishing, while the analysis is
 * saved, mid-commit) leaves a database that passes integrity_check and
 * holds only whole, committed, analysed snapshots. */
#include "store_test.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EVENTS 4000
#define FAILURES 300
#define ACTIVITIES 600 /* 300 distinct, 300 repeats of one: 350 rows */

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

TestSuite(store_crash, .init = setup, .fini = teardown);

/* One snapshot the way diagnose writes it: collect, finish, analyse, save
 * the analysis inside the snapshot's transaction, commit. */
static int write_analysed(wd_store *s, uint64_t first)
{
    int64_t id = 0;
    int rc = wd_store_begin(s, "wudiag diagnose --test", "/evidence");
    char time[WD_TIME_MAX];
    for (int i = 0; !rc && i < EVENTS; i++) {
        wd_time_format(1700000000 + (int64_t)(first + (uint64_t)i), 0, time);
        wd_event_rec e = {"System", "Service Control Manager", 7036, 4, first + (uint64_t)i,
                          time, "PC-KILL", NULL, 0, "System.evtx"};
        rc = wd_store_add_event(s, &e);
    }
    for (int i = 0; !rc && i < FAILURES; i++) {
        wd_activity_rec f = st_failed_install(0x80070002u + (uint32_t)i, time, "PC-KILL",
                                              "WindowsUpdate.log", (uint64_t)i + 1);
        rc = wd_store_add_activity(s, &f);
    }
    for (int i = 0; !rc && i < ACTIVITIES; i++) {
        char session[32];
        snprintf(session, sizeof session, "%d", i);
        /* the first half differ by session; the second half are one thing */
        wd_activity_rec a = {.operation = WD_OP_SERVICE_CHANGE, .outcome = WD_OUT_SUCCEEDED,
                             .time = time, .service = "wuauserv", .target = "running",
                             .session = i < ACTIVITIES / 2 ? session : NULL, .count = -1,
                             .where = {WD_LOC_LINE, "x.log", (uint64_t)i + 1, NULL, 0, 0}};
        rc = wd_store_add_activity(s, &a);
    }
    if (!rc)
        rc = wd_store_finish(s, &id);
    wd_ref refs[2] = {{WD_REF_ACTIVITY, 1}, {WD_REF_EVENT, 1}}, fact_ref[1] = {{WD_REF_FACT, 1}};
    wd_finding_rec f[2] = {
        {.rule = "install-failures", .severity = "error", .title = "t", .refs = refs, .nrefs = 2},
        {.rule = "service-disabled", .severity = "critical", .title = "u", .refs = fact_ref,
         .nrefs = 1}};
    if (!rc)
        rc = wd_store_save_analysis(s, id, "failing", f, 2);
    if (!rc)
        return wd_store_commit(s, &id);
    wd_store_rollback(s);
    return rc;
}

/* The child: writes big snapshots until killed, telling the parent (one
 * byte on fd) after each commit returned. */
static void child(int fd, uint64_t first)
{
    wd_store *s = NULL;
    if (wd_store_open(db, WD_STORE_CREATE, &s) != WD_OK)
        _exit(2);
    for (uint64_t round = 0;; round++) {
        if (write_analysed(s, first + round * 1000))
            _exit(3);
        if (write(fd, "c", 1) != 1)
            _exit(4);
    }
}

static int count_info(void *ctx, const wd_snapshot_info *i)
{
    cr_assert_eq(i->events, EVENTS);
    ++*(int64_t *)ctx;
    return 0;
}

/* Checks the file the way a user would after a crash. */
static void assert_whole(int64_t committed)
{
    /* a reader comes first, right after the crash (it undoes an interrupted
     * write the way any SQLite connection does) */
    wd_store *s = NULL;
    int64_t listed = 0;
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_list(s, "PC-KILL", NULL, count_info, &listed), WD_OK);
    wd_store_close(s);
    char *ok = st_query_text(db, "PRAGMA integrity_check");
    cr_assert_not_null(ok);
    cr_assert_str_eq(ok, "ok");
    free(ok);
    if (st_query(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'snapshot'") != 1) {
        cr_assert_eq(committed, 0, "killed while creating, yet something was committed");
        return; /* killed while creating the schema: nothing to check */
    }
    int64_t snaps = st_query(db, "SELECT count(*) FROM snapshot");
    cr_assert_geq(snaps, committed, "a committed snapshot was lost");
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot WHERE machine_id IS NULL "
                              "OR events <> 4000 OR failures <> 300 OR activities <> 650 "
                              "OR verdict IS NOT 'failing' OR findings <> 2"), 0);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot s WHERE (SELECT count(*) FROM "
                              "activity a WHERE a.snapshot_id = s.id) <> 650 OR (SELECT "
                              "count(*) FROM snapshot_event e WHERE e.snapshot_id = s.id) <> 4000 "
                              "OR (SELECT sum(repeats) FROM activity a WHERE a.snapshot_id = s.id) "
                              "<> 250 OR (SELECT count(*) FROM finding f JOIN finding_evidence fe "
                              "ON fe.finding_id = f.id WHERE f.snapshot_id = s.id) <> 3"),
                 0, "a partial snapshot survived");
    cr_assert_eq(st_query(db, "SELECT count(*) FROM activity WHERE snapshot_id NOT IN "
                              "(SELECT id FROM snapshot)"), 0);
    cr_assert_eq(listed, snaps);
}

Test(store_crash, sigkill_at_any_point_leaves_only_whole_snapshots, .timeout = 300)
{
    int64_t committed = 0;
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    for (int i = 0; i < 24; i++) {
        int p[2];
        cr_assert_eq(pipe(p), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            close(p[0]);
            child(p[1], (uint64_t)i * 1000000u);
        }
        close(p[1]);
        /* from 0 to ~600 ms: kills land while creating, mid-snapshot, finishing,
         * saving the analysis, committing */
        useconds_t delay = (useconds_t)(i < 4 ? i * 2000 : rand() % 600000);
        usleep(delay);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        cr_assert(WIFSIGNALED(status), "child %d ended by itself: %d", i, status);
        char c;
        while (read(p[0], &c, 1) == 1)
            committed++;
        close(p[0]);
        if (st_file_exists(db))
            assert_whole(committed);
    }
    /* and the store still opens and writes after all that */
    wd_store *s = NULL;
    int64_t id;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(write_analysed(s, 999999999), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_latest(s, "PC-KILL", &id), WD_OK);
    wd_store_close(s);
    cr_assert_gt(committed, 0, "no kill landed after a commit: delays too short");
    cr_log_info("%lld snapshots committed across 24 kills", (long long)committed);
}
