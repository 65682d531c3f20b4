/* concurrent.c - two collections writing into the same database at the
 * same time (even when neither created it yet) both land, neither errors. */
#include "store_test.h"

#include <sys/wait.h>
#include <unistd.h>

static char *dir, *db;

static void setup(void)
{
    dir = wdt_tempdir();
    db = wdt_path(dir, "fleet/history.db");
}

static void teardown(void)
{
    wdt_rmtree(dir);
    free(db);
    free(dir);
}

TestSuite(store_concurrent, .init = setup, .fini = teardown);

/* A collection of 3 snapshots of `machine`; exit status 0 on success. */
static pid_t collect(const char *machine, uint64_t first)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid)
        return pid;
    wd_store *s = NULL;
    int64_t id;
    int rc = wd_store_open(db, WD_STORE_CREATE, &s);
    for (int i = 0; !rc && i < 3; i++)
        rc = st_write_snapshot(s, machine, first + (uint64_t)i * 5000, 3000, 50, &id);
    if (rc)
        fprintf(stderr, "%s: %s\n", machine, wd_error_last());
    wd_store_close(s);
    _exit(rc ? 1 : 0);
}

static void run_pair(void)
{
    pid_t a = collect("PC-A", 1), b = collect("PC-B", 1);
    int sa = -1, sb = -1;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    cr_assert(WIFEXITED(sa) && WEXITSTATUS(sa) == 0, "first collection failed");
    cr_assert(WIFEXITED(sb) && WEXITSTATUS(sb) == 0, "second collection failed");
}

Test(store_concurrent, two_collections_into_a_new_database_both_land, .timeout = 120)
{
    for (int round = 0; round < 5; round++) {
        remove(db);
        run_pair();
        cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot"), 6);
        cr_assert_eq(st_query(db, "SELECT count(*) FROM machine"), 2);
        cr_assert_eq(st_query(db, "SELECT count(*) FROM event"), 18000);
    }
}

Test(store_concurrent, two_collections_into_an_existing_database_both_land, .timeout = 120)
{
    wd_store *s = NULL;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK);
    wd_store_close(s);
    run_pair();
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot"), 6);
    char *ok = st_query_text(db, "PRAGMA integrity_check");
    cr_assert_str_eq(ok, "ok");
    free(ok);
}

Test(store_concurrent, a_lock_held_too_long_gives_ebusy_naming_the_file, .timeout = 60)
{
    wd_store *s = NULL;
    sqlite3 *other = NULL;
    int64_t id;
    char want[4096];
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK);
    cr_assert_eq(st_write_snapshot(s, "PC", 1, 10, 1, &id), WD_OK);
    /* another program takes the write lock and keeps it */
    cr_assert_eq(sqlite3_open(db, &other), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(wd_store_save_analysis(s, id, "healthy", NULL, 0), WD_EBUSY);
    snprintf(want, sizeof want, "saving the analysis in %s: locked by another program (gave up waiting)", db);
    cr_assert_str_eq(wd_error_last(), want);
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    /* once it lets go, writing works again */
    cr_assert_eq(wd_store_save_analysis(s, id, "healthy", NULL, 0), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
}
