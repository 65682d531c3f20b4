/* diskfull.c - the disk filling up during a collection: a clear WD_EFULL
 * naming the file, nothing of the failed snapshot, earlier snapshots intact.
 * Once on a real 2 MiB tmpfs (needs root: a private mount namespace), once
 * with a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored), which works anywhere. */
#define _GNU_SOURCE
#include "store_test.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>

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

TestSuite(store_diskfull, .init = setup, .fini = teardown);

static int count_events(void *ctx, int64_t row, const wd_event_rec *r)
{
    (void)row;
    (void)r;
    ++*(int *)ctx;
    return 0;
}

/* One small snapshot, then ever bigger ones until the disk is full. */
static void fill_and_check(void)
{
    wd_store *s = NULL;
    int64_t first = 0, id = 0;
    int rc = WD_OK, n = 0;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(st_write_snapshot(s, "PC", 1, 500, 10, &first), WD_OK, "%s", wd_error_last());
    for (int i = 1; rc == WD_OK && i < 50; i++)
        rc = st_write_snapshot(s, "PC", (uint64_t)i * 1000000, 20000, 100, &id);
    cr_assert_eq(rc, WD_EFULL, "%d: %s", rc, wd_error_last());
    char want[4096];
    snprintf(want, sizeof want, "disk full writing %s", db);
    cr_assert_str_eq(wd_error_last(), want);
    /* the same connection still reads the earlier snapshot */
    cr_assert_eq(wd_store_events(s, first, count_events, &n), WD_OK, "%s", wd_error_last());
    cr_assert_eq(n, 500);
    wd_store_close(s);

    /* and so does a fresh one; every stored snapshot is whole */
    n = 0;
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_events(s, first, count_events, &n), WD_OK, "%s", wd_error_last());
    cr_assert_eq(n, 500);
    wd_store_close(s);
    char *ok = st_query_text(db, "PRAGMA integrity_check");
    cr_assert_str_eq(ok, "ok");
    free(ok);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot s WHERE events <> (SELECT "
                              "count(*) FROM snapshot_event e WHERE e.snapshot_id = s.id)"), 0);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot WHERE machine_id IS NULL"), 0);
}

Test(store_diskfull, full_tmpfs_fails_cleanly_and_keeps_earlier_snapshots, .timeout = 120)
{
    /* a private mount namespace: the tmpfs vanishes with this test process */
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", dir, "tmpfs", 0, "size=2m") != 0)
        cr_skip_test("cannot mount a tmpfs here (not root?); the RLIMIT_FSIZE test covers it");
    fill_and_check();
    umount2(dir, MNT_DETACH);
}

Test(store_diskfull, file_size_limit_fails_cleanly_and_keeps_earlier_snapshots, .timeout = 120)
{
    struct rlimit lim = {3 * 1024 * 1024, 3 * 1024 * 1024};
    signal(SIGXFSZ, SIG_IGN);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    fill_and_check();
}
