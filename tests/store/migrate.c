/* migrate.c - schema versions: a file of every earlier version (an empty
 * file is version 0) is migrated in place; a file from a newer wudiag, a
 * foreign database, a non-SQLite file or a damaged one is refused and left
 * byte-identical, with no -wal or -shm created beside it. */
#include "../../store/internal.h" /* the store's, not the collector's */
#include "store_test.h"

#include <sys/stat.h>

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

TestSuite(store_migrate, .init = setup, .fini = teardown);

static ino_t inode(const char *p)
{
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    return st.st_ino;
}

/* Opens the file for writing, stores a snapshot and checks the version. */
static void assert_migrates(void)
{
    wd_store *s = NULL;
    int64_t id;
    ino_t before = inode(db);
    cr_assert_eq(wd_store_open(db, 0, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(st_write_snapshot(s, "PC", 1, 5, 1, &id), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    cr_assert_eq(inode(db), before, "migrated by replacing the file");
    cr_assert_eq(st_query(db, "PRAGMA user_version"), WD_STORE_SCHEMA);
    cr_assert_eq(st_query(db, "PRAGMA application_id"), WD_STORE_APP_ID);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot"), 1);
}

Test(store_migrate, zero_byte_file_is_version_0_and_migrates_in_place)
{
    cr_assert_eq(wdt_write(db, "", 0), 0);
    assert_migrates();
}

Test(store_migrate, every_earlier_version_migrates_in_place)
{
    for (int v = 0; v < WD_STORE_SCHEMA; v++) {
        remove(db);
        cr_assert_eq(wd_store__create_version(db, v), WD_OK, "%s", wd_error_last());
        cr_assert_eq(st_query(db, "PRAGMA user_version"), v);
        assert_migrates();
    }
}

Test(store_migrate, missing_file_needs_create_flag)
{
    wd_store *s = NULL;
    cr_assert_eq(wd_store_open(db, 0, &s), WD_ENOTFOUND);
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &s), WD_ENOTFOUND);
    cr_assert_null(s);
    cr_assert_eq(st_file_exists(db), 0);
}

Test(store_migrate, reopening_a_current_file_keeps_its_snapshots)
{
    wd_store *s = NULL;
    int64_t id, latest = 0;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK);
    cr_assert_eq(st_write_snapshot(s, "PC", 1, 5, 1, &id), WD_OK);
    wd_store_close(s);
    cr_assert_eq(wd_store_open(db, 0, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_latest(s, "PC", &latest), WD_OK);
    cr_assert_eq(latest, id);
    wd_store_close(s);
}

/* ---------------------------------------------------------- refusals */

/* Opening (read-only and for writing) fails with `code`, names the file,
 * and changes nothing: same bytes, no sidecar files. */
static void assert_refused(int code, const char *words)
{
    size_t n1 = 0, n2 = 0;
    char *before = wdt_read(db, &n1), *after;
    char *wal = wdt_path(dir, "history.db-wal"), *shm = wdt_path(dir, "history.db-shm");
    char *jnl = wdt_path(dir, "history.db-journal");
    int flags[] = {WD_STORE_READONLY, 0, WD_STORE_CREATE};
    for (int i = 0; i < 3; i++) {
        wd_store *s = NULL;
        cr_assert_eq(wd_store_open(db, flags[i], &s), code, "flags %d: %s", flags[i],
                     wd_error_last());
        cr_assert_null(s);
        cr_assert_not_null(strstr(wd_error_last(), db), "%s", wd_error_last());
        cr_assert_not_null(strstr(wd_error_last(), words), "%s", wd_error_last());
    }
    after = wdt_read(db, &n2);
    cr_assert_eq(n1, n2);
    cr_assert_eq(memcmp(before, after, n1), 0, "the refused file changed");
    cr_assert_eq(st_file_exists(wal), 0, "a -wal was created");
    cr_assert_eq(st_file_exists(shm), 0, "a -shm was created");
    cr_assert_eq(st_file_exists(jnl), 0, "a -journal was created");
    free(before);
    free(after);
    free(wal);
    free(shm);
    free(jnl);
}

/* A current database with one snapshot, closed (no WAL left). */
static void make_db(void)
{
    wd_store *s = NULL;
    int64_t id;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK);
    cr_assert_eq(st_write_snapshot(s, "PC", 1, 300, 20, &id), WD_OK);
    wd_store_close(s);
}

static void exec_sql(const char *sql)
{
    sqlite3 *h = NULL;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    cr_assert_eq(sqlite3_close(h), SQLITE_OK);
}

Test(store_migrate, newer_version_is_refused_untouched)
{
    make_db();
    exec_sql("PRAGMA journal_mode = DELETE; PRAGMA user_version = 7;");
    assert_refused(WD_ENEWER, "newer wudiag (schema 7, this one reads up to 3)");
}

Test(store_migrate, newer_version_in_wal_mode_is_refused_untouched)
{
    make_db();
    exec_sql("PRAGMA user_version = 4;");
    assert_refused(WD_ENEWER, "schema 4");
}

Test(store_migrate, foreign_sqlite_database_is_refused_untouched)
{
    exec_sql("CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner TEXT);"
             "INSERT INTO accounts VALUES (1, 'x');");
    assert_refused(WD_EFORMAT, "not a wudiag database");
}

Test(store_migrate, foreign_wal_database_is_refused_without_sidecars)
{
    exec_sql("PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    assert_refused(WD_EFORMAT, "not a wudiag database");
}

Test(store_migrate, text_file_is_refused_untouched)
{
    const char *text = "# my notes\nthis is not a database\n";
    cr_assert_eq(wdt_write(db, text, strlen(text)), 0);
    assert_refused(WD_EFORMAT, "not an SQLite file");
}

Test(store_migrate, random_bytes_are_refused_untouched)
{
    unsigned char junk[8192];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    cr_assert_eq(wdt_write(db, junk, sizeof junk), 0);
    assert_refused(WD_EFORMAT, "not an SQLite file");
}

Test(store_migrate, truncated_database_is_refused_untouched)
{
    size_t n = 0;
    char *bytes;
    make_db();
    bytes = wdt_read(db, &n);
    cr_assert_gt(n, 16384);
    cr_assert_eq(wdt_write(db, bytes, n / 2), 0);
    free(bytes);
    assert_refused(WD_ECORRUPT, "damaged");
}

Test(store_migrate, short_header_is_refused_as_damaged)
{
    cr_assert_eq(wdt_write(db, "SQLite format 3\0\x10\0", 18), 0);
    assert_refused(WD_ECORRUPT, "damaged");
}

Test(store_migrate, damaged_schema_page_is_refused_untouched)
{
    size_t n = 0;
    char *bytes;
    make_db();
    bytes = wdt_read(db, &n);
    /* page 1 after the 100-byte header: the table of tables */
    memset(bytes + 100, 0xA5, 3000);
    cr_assert_eq(wdt_write(db, bytes, n), 0);
    free(bytes);
    assert_refused(WD_ECORRUPT, "damaged");
}

static int count_events(void *ctx, int64_t row, const wd_event_rec *r)
{
    (void)row;
    (void)r;
    ++*(int *)ctx;
    return 0;
}

Test(store_migrate, damaged_data_pages_give_a_clear_message_and_no_overwrite)
{
    size_t n = 0, n2 = 0;
    char *bytes, *after;
    wd_store *s = NULL;
    int64_t id = 0;
    int count = 0, rc;
    make_db();
    bytes = wdt_read(db, &n);
    /* garbage over every page after the first two, same length */
    for (size_t i = 8192; i < n; i++)
        bytes[i] = (char)(i * 7 + 3);
    cr_assert_eq(wdt_write(db, bytes, n), 0);
    rc = wd_store_open(db, 0, &s);
    if (rc == WD_OK) {
        cr_assert_eq(wd_store_events(s, 1, count_events, &count), WD_ECORRUPT, "%s",
                     wd_error_last());
        cr_assert_not_null(strstr(wd_error_last(), "is damaged"), "%s", wd_error_last());
        rc = st_write_snapshot(s, "PC", 1, 300, 20, &id);
        wd_store_close(s);
    }
    cr_assert_eq(rc, WD_ECORRUPT, "%s", wd_error_last());
    cr_assert_not_null(strstr(wd_error_last(), db), "%s", wd_error_last());
    after = wdt_read(db, &n2);
    cr_assert_eq(n, n2);
    cr_assert_eq(memcmp(bytes, after, n), 0, "the damaged file was written");
    free(bytes);
    free(after);
}

/* ------------------------------------------------------- version 1 to 2 */

/* A version-1 file holding two snapshots of "PC-Old", written as wudiag 1
 * wrote them (no uid column). */
static void make_v1_db(void)
{
    cr_assert_eq(wd_store__create_version(db, 1), WD_OK, "%s", wd_error_last());
    exec_sql("INSERT INTO machine(id, name) VALUES (1, 'PC-Old');"
             "INSERT INTO snapshot(id, machine_id, collected_at, wudiag_version, events)"
             " VALUES (1, 1, '2024-03-01T10:00:00.000001Z', '0.1', 0),"
             " (2, 1, '2024-03-02T10:00:00.000002Z', '0.1', 0);");
}

Test(store_migrate, v1_snapshots_get_uids_from_machine_time_and_id)
{
    wd_store *s = NULL;
    int64_t id;
    char *uid;
    make_v1_db();
    cr_assert_eq(wd_store_open(db, 0, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(st_write_snapshot(s, "PC-New", 1, 3, 0, &id), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    cr_assert_eq(st_query(db, "PRAGMA user_version"), WD_STORE_SCHEMA);
    uid = st_query_text(db, "SELECT uid FROM snapshot WHERE id = 2");
    cr_assert_str_eq(uid, "v1-pc-old-2024-03-02T10:00:00.000002Z-2");
    free(uid);
    /* the new snapshot: 128 random bits as lowercase hex */
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot WHERE id = 3 AND length(uid) = 32"
                              " AND uid NOT GLOB '*[^0-9a-f]*'"), 1);
    cr_assert_eq(st_query(db, "SELECT count(DISTINCT uid) FROM snapshot"), 3);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM sqlite_schema"
                              " WHERE name = 'snapshot_by_uid'"), 1);
}

static int count_snapshots(void *ctx, const wd_snapshot_info *info)
{
    (void)info;
    ++*(int *)ctx;
    return 0;
}

Test(store_migrate, v1_file_is_read_read_only_without_migrating)
{
    wd_store *s = NULL;
    size_t n1 = 0, n2 = 0;
    char *before, *after;
    int count = 0;
    make_v1_db();
    before = wdt_read(db, &n1);
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_list(s, "pc-old", NULL, count_snapshots, &count), WD_OK);
    wd_store_close(s);
    cr_assert_eq(count, 2);
    after = wdt_read(db, &n2);
    cr_assert_eq(n1, n2);
    cr_assert_eq(memcmp(before, after, n1), 0, "the v1 file changed");
    cr_assert_eq(st_query(db, "PRAGMA user_version"), 1);
    free(before);
    free(after);
}
