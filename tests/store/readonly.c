/* readonly.c - a database the user cannot write (a read-only file, or one in
 * a read-only folder): every read works, writing says why it cannot, and the
 * file is left byte-identical. Run as root, the test drops to "nobody" so
 * that permissions apply. */
#include "store_test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir, *db;
static int64_t snap;

static void setup(void)
{
    wd_store *s = NULL;
    dir = wdt_tempdir();
    db = wdt_path(dir, "history.db");
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK);
    cr_assert_eq(st_write_snapshot(s, "PC-RO", 1, 50, 2, &snap), WD_OK);
    wd_store_close(s);
}

static void teardown(void)
{
    if (getuid() == 0) {
        seteuid(0);
        setegid(0);
    }
    chmod(dir, 0700);
    wdt_rmtree(dir);
    free(db);
    free(dir);
}

TestSuite(store_readonly, .init = setup, .fini = teardown);

/* Makes the file (and with folder_too its folder) read-only for us. */
static void make_readonly(int folder_too)
{
    cr_assert_eq(chmod(db, 0444), 0);
    cr_assert_eq(chmod(dir, folder_too ? 0555 : 0755), 0);
    if (geteuid() == 0) {
        cr_assert_eq(setegid(65534), 0);
        cr_assert_eq(seteuid(65534), 0);
    }
    int fd = open(db, O_WRONLY);
    cr_assert_lt(fd, 0, "the file is still writable: the test proves nothing");
}

static int count_events(void *ctx, int64_t row, const wd_event_rec *r)
{
    (void)row;
    (void)r;
    ++*(int *)ctx;
    return 0;
}

static int count_failures(void *ctx, const wd_activity_row *r)
{
    cr_assert_eq(r->rec.outcome, WD_OUT_FAILED);
    cr_assert_eq(r->rec.code >= 0x80070002u, 1);
    ++*(int *)ctx;
    return 0;
}

static int check_info(void *ctx, const wd_snapshot_info *i)
{
    (void)ctx;
    cr_assert_str_eq(i->machine, "PC-RO");
    cr_assert_eq(i->events, 50);
    return 0;
}

static void assert_reads(int flags)
{
    wd_store *s = NULL;
    int64_t latest = 0;
    int ne = 0, nf = 0;
    cr_assert_eq(wd_store_open(db, flags, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_latest(s, "PC-RO", &latest), WD_OK, "%s", wd_error_last());
    cr_assert_eq(latest, snap);
    cr_assert_eq(wd_store_snapshot(s, snap, check_info, NULL), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_events(s, snap, count_events, &ne), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_activities(s, snap, NULL, count_failures, &nf), WD_OK);
    cr_assert_eq(ne, 50);
    cr_assert_eq(nf, 2);
    wd_store_close(s);
}

static void assert_cannot_write(void)
{
    wd_store *s = NULL;
    char want[4096];
    snprintf(want, sizeof want, "cannot write %s: read-only", db);
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_begin(s, "collect", "live"), WD_EREADONLY);
    cr_assert_str_eq(wd_error_last(), want);
    cr_assert_eq(wd_store_save_analysis(s, snap, "healthy", NULL, 0), WD_EREADONLY);
    cr_assert_str_eq(wd_error_last(), want);
    wd_store_close(s);
}

static void run(int folder_too)
{
    size_t n1 = 0, n2 = 0;
    char *before = wdt_read(db, &n1), *after;
    make_readonly(folder_too);
    assert_reads(WD_STORE_READONLY);
    assert_reads(0);
    assert_cannot_write();
    after = wdt_read(db, &n2);
    cr_assert_eq(n1, n2);
    cr_assert_eq(memcmp(before, after, n1), 0, "the read-only file changed");
    free(before);
    free(after);
}

Test(store_readonly, readonly_file_reads_and_refuses_writes)
{
    run(0);
}

Test(store_readonly, readonly_folder_reads_and_refuses_writes)
{
    run(1);
}

Test(store_readonly, readonly_flag_never_writes_a_writable_file)
{
    wd_store *s = NULL;
    size_t n1 = 0, n2 = 0;
    char *before = wdt_read(db, &n1), *after;
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &s), WD_OK);
    cr_assert_eq(wd_store_begin(s, "collect", "live"), WD_EREADONLY);
    wd_store_close(s);
    after = wdt_read(db, &n2);
    cr_assert_eq(n1, n2);
    cr_assert_eq(memcmp(before, after, n1), 0);
    free(before);
    free(after);
}

static int count_infos(void *ctx, const wd_snapshot_info *i)
{
    (void)i;
    ++*(int *)ctx;
    return 0;
}

Test(store_readonly, readonly_empty_file_is_an_empty_history)
{
    wd_store *s = NULL;
    int64_t id;
    int n = 0;
    remove(db);
    cr_assert_eq(wdt_write(db, "", 0), 0);
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_latest(s, NULL, &id), WD_ENOTFOUND);
    cr_assert_eq(wd_store_list(s, NULL, NULL, count_infos, &n), WD_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(wd_store_events(s, 1, count_events, &n), WD_ENOTFOUND);
    wd_store_close(s);
}
