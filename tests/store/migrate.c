/* migrate.c - schema versions: a file of every earlier version (an empty
 * file is version 0) is migrated in place, its failures becoming failed
 * activities and its findings' evidence typed references, and reads the
 * same read-only before; a file from a newer wudiag, a foreign database
 * (with or without our marker), a non-SQLite file or a damaged one is
 * refused and left byte-identical, with no -wal or -shm created beside it;
 * a --db that is a dangling symbolic link is refused. */
#include "../../store/internal.h" /* the store's, not the collector's */
#include "legacy_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

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
    assert_refused(WD_ENEWER, "newer wudiag (schema 7, this one reads up to 5)");
}

Test(store_migrate, newer_version_in_wal_mode_is_refused_untouched)
{
    make_db();
    exec_sql("PRAGMA user_version = 6;");
    assert_refused(WD_ENEWER, "schema 6");
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

/* ---------------------------------------------------- version 1, 2 to 3 */

static int64_t q(const char *sql)
{
    return st_query(db, sql);
}

static void assert_migrated_fixture(int version)
{
    /* four failed activities with the failures' ids */
    cr_assert_eq(q("SELECT count(*) FROM activity WHERE outcome = 'failed'"), 4);
    char *row = st_query_text(db, "SELECT group_concat(id || ':' || operation || ':' ||"
                                  " coalesce(loc_kind, '-') || ':' || coalesce(subject, '-') ||"
                                  " ':' || coalesce(event_row, '-') || ':' ||"
                                  " coalesce(line, '-') || ':' || coalesce(service, '-'), ' ')"
                                  " FROM (SELECT * FROM activity ORDER BY id)");
    cr_assert_str_eq(row, "1:install:event:KB5034441:1:-:- 2:download:line:-:-:17:- "
                          "3:install:row:KB5033375:-:3:- 4:service-crash:event:-:2:-:wuauserv");
    free(row);
    row = st_query_text(db, "SELECT update_id || '|' || code || '|' || event_id || '|' ||"
                            " channel || '|' || record_id || '|' || product FROM activity"
                            " WHERE id = 1");
    cr_assert_str_eq(row, "0A9D6D1B-3B4A-4F4D-9C1B-000000000001|2147942402|20|System|100|"
                          "unknown");
    free(row);
    /* the findings' text became references, failure:N naming activity N */
    row = st_query_text(db, "SELECT group_concat(finding_id || '.' || seq || '=' || kind || ':'"
                            " || row_id, ' ') FROM (SELECT * FROM finding_evidence"
                            " ORDER BY finding_id, seq)");
    cr_assert_str_eq(row, "1.0=activity:1 1.1=event:1 1.2=activity:3 1.3=note:1 "
                          "2.0=activity:4 2.1=service:1 2.2=fact:1");
    free(row);
    /* the old table and column are gone, the new ones there */
    cr_assert_eq(q("SELECT count(*) FROM sqlite_schema WHERE name = 'failure'"), 0);
    cr_assert_eq(q("SELECT count(*) FROM pragma_table_info('finding') WHERE name = 'evidence'"),
                 0);
    cr_assert_eq(q("SELECT activities FROM snapshot WHERE id = 1"), 4);
    cr_assert_eq(q("SELECT failures FROM snapshot WHERE id = 1"), 4);
    row = st_query_text(db, "SELECT kind FROM collection_note");
    cr_assert_str_eq(row, "partial");
    free(row);
    row = st_query_text(db, "SELECT uid FROM snapshot WHERE id = 2");
    cr_assert_str_eq(row, version >= 2 ? "legacy-uid-b"
                                       : "v1-pc-old-2024-03-02T10:00:00.000002Z-2");
    free(row);
    cr_assert_eq(q("PRAGMA foreign_key_check"), -1);
    row = st_query_text(db, "PRAGMA integrity_check");
    cr_assert_str_eq(row, "ok");
    free(row);
}

Test(store_migrate, v1_and_v2_failures_and_findings_migrate_to_typed_rows)
{
    for (int version = 1; version <= 2; version++) {
        wd_store *s = NULL;
        int64_t id;
        remove(db);
        st_make_legacy(db, version, "PC-OLD");
        cr_assert_eq(wd_store_open(db, 0, &s), WD_OK, "%s", wd_error_last());
        wd_store_close(s);
        cr_assert_eq(q("PRAGMA user_version"), WD_STORE_SCHEMA);
        assert_migrated_fixture(version);
        /* and it takes new snapshots after the old ids */
        cr_assert_eq(wd_store_open(db, 0, &s), WD_OK);
        cr_assert_eq(st_write_snapshot(s, "PC-OLD", 1000, 3, 2, &id), WD_OK, "%s",
                     wd_error_last());
        wd_store_close(s);
        cr_assert_eq(id, 3);
        cr_assert_eq(q("SELECT min(id) FROM activity WHERE snapshot_id = 3"), 5);
    }
}

Test(store_migrate, old_files_read_read_only_as_they_read_migrated)
{
    char *copy = wdt_path(dir, "copy.db");
    for (int version = 1; version <= 2; version++) {
        size_t n = 0;
        remove(db);
        remove(copy);
        st_make_legacy(db, version, "PC-OLD");
        char *bytes = wdt_read(db, &n);
        cr_assert_eq(wdt_write(copy, bytes, n), 0);
        char *as_is = st_dump_snapshot(db, WD_STORE_READONLY, 1);
        cr_assert_eq(q("PRAGMA user_version"), version, "read-only migrated the file");
        char *migrated = st_dump_snapshot(copy, 0, 1);
        cr_assert_str_eq(as_is, migrated);
        cr_assert_not_null(strstr(as_is, "F1 install-failures error activity:1 event:1 "
                                         "activity:3 note:1\n"), "%s", as_is);
        cr_assert_not_null(strstr(as_is, "A4 service-crash failed 80070427"), "%s", as_is);
        cr_assert_not_null(strstr(as_is, "N1 bad chunk checksum partial"), "%s", as_is);
        size_t n2 = 0;
        char *after = wdt_read(db, &n2);
        cr_assert_eq(n2, n);
        cr_assert_eq(memcmp(bytes, after, n), 0, "the old file changed");
        free(bytes), free(after), free(as_is), free(migrated);
    }
    free(copy);
}

static int keep_failure(void *ctx, const wd_activity_row *a)
{
    static const char *const kinds[] = {"none", "line", "row", "event"};
    wd_buf *b = ctx;
    wd_buf_printf(b, "%lld:%s:%s:%08X;", (long long)a->id, kinds[a->rec.where.kind],
                  wd_op_name(a->rec.operation), a->rec.code);
    return 0;
}

Test(store_migrate, old_failures_read_as_failed_activities_in_old_and_migrated_files_alike)
{
    /* in time order: the history row is the oldest */
    const char *want = "3:row:install:80070005;1:event:install:80070002;"
                       "2:line:download:80240017;4:event:service-crash:80070427;";
    wd_activity_query failed = {.order = WD_ORDER_TIME, .outcomes = 1u << WD_OUT_FAILED};
    for (int flags = WD_STORE_READONLY; flags >= 0; flags -= WD_STORE_READONLY) {
        wd_store *s = NULL;
        wd_buf b = WD_BUF_INIT;
        if (flags)
            st_make_legacy(db, 2, "PC-OLD");
        cr_assert_eq(wd_store_open(db, flags, &s), WD_OK, "%s", wd_error_last());
        cr_assert_eq(wd_store_activities(s, 1, &failed, keep_failure, &b), WD_OK, "%s",
                     wd_error_last());
        wd_store_close(s);
        cr_assert_str_eq(wd_buf_cstr(&b), want);
        wd_buf_free(&b);
    }
}

/* ------------------------------------------------------- foreign files */

Test(store_migrate, our_marker_on_foreign_tables_is_refused_untouched)
{
    exec_sql("PRAGMA application_id = 1465205831; PRAGMA user_version = 2;"
             "CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner TEXT);"
             "INSERT INTO accounts VALUES (1, 'x');");
    assert_refused(WD_EFORMAT, "not a wudiag database");
}

Test(store_migrate, our_marker_at_version_0_with_tables_is_refused_untouched)
{
    exec_sql("PRAGMA application_id = 1465205831;"
             "CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner TEXT);");
    assert_refused(WD_EFORMAT, "not a wudiag database");
}

Test(store_migrate, a_current_file_missing_a_column_is_refused_untouched)
{
    make_db();
    exec_sql("PRAGMA journal_mode = DELETE; DROP INDEX activity_by_subject;"
             "ALTER TABLE activity DROP COLUMN subject;");
    assert_refused(WD_EFORMAT, "activity.subject");
}

Test(store_migrate, an_analysts_own_tables_and_views_are_fine)
{
    wd_store *s = NULL;
    make_db();
    exec_sql("CREATE TABLE my_notes(x); CREATE VIEW my_failures AS"
             " SELECT * FROM activity WHERE outcome = 'failed';");
    cr_assert_eq(wd_store_open(db, 0, &s), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    cr_assert_eq(q("SELECT count(*) FROM my_failures"), 20);
}

Test(store_migrate, dangling_symlink_is_refused_and_nothing_is_created)
{
    char *target = wdt_path(dir, "elsewhere/target.db");
    wd_store *s = NULL;
    remove(db);
    cr_assert_eq(symlink(target, db), 0);
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_EIO);
    cr_assert_null(s);
    cr_assert_not_null(strstr(wd_error_last(), "symbolic link"), "%s", wd_error_last());
    cr_assert_not_null(strstr(wd_error_last(), db), "%s", wd_error_last());
    cr_assert_eq(st_file_exists(target), 0);
    char *parent = wdt_path(dir, "elsewhere");
    struct stat st;
    cr_assert_neq(stat(parent, &st), 0, "the target's folder was created");
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &s), WD_EIO);
    free(parent);
    free(target);
}

/* ------------------------------------------ the old shared "unknown" */

/* A version-2 file whose five snapshots named no machine: all "unknown"
 * (issue 11). 1 and 2 share their earliest event (one machine seen twice),
 * 3 is another machine's events, 4 has a failure only, 5 nothing. */
static void make_unknown_v2(void)
{
    cr_assert_eq(wd_store__create_version(db, 2), WD_OK, "%s", wd_error_last());
    exec_sql("INSERT INTO machine(id, name) VALUES (1, 'unknown');"
             "INSERT INTO snapshot(id, machine_id, collected_at, wudiag_version, events,"
             " failures, uid) VALUES (1, 1, '2024-01-01', '0.1', 2, 0, 'u1'),"
             " (2, 1, '2024-01-02', '0.1', 2, 0, 'u2'), (3, 1, '2024-01-03', '0.1', 1, 0, 'u3'),"
             " (4, 1, '2024-01-04', '0.1', 0, 1, 'u4'), (5, 1, '2024-01-05', '0.1', 0, 0, 'u5');"
             "INSERT INTO event(id, computer, channel, record_id, time, provider, event_id, level)"
             " VALUES (1, '', 'Setup', 1, '2023-05-01T10:00:00Z', 'Microsoft-Windows-Servicing',"
             " 1, 4), (2, '', 'Setup', 2, '2023-05-02T10:00:00Z', 'Microsoft-Windows-Servicing',"
             " 2, 4), (3, '', 'Setup', 3, '2023-05-03T10:00:00Z', 'Microsoft-Windows-Servicing',"
             " 2, 4), (4, '', 'Setup', 1, '2022-01-01T09:00:00Z', 'Microsoft-Windows-Servicing',"
             " 1, 4);"
             "INSERT INTO snapshot_event(snapshot_id, event_id, source) VALUES (1, 1, 'x'),"
             " (1, 2, 'x'), (2, 1, 'x'), (2, 3, 'x'), (3, 4, 'x');"
             "INSERT INTO failure(id, snapshot_id, hresult, origin, time, operation, context,"
             " event_record_id, source, line) VALUES (1, 4, 2147942402, 'CBS.log',"
             " '2024-01-04T01:00:00Z', 'servicing', 'x', 0, 'CBS.log', 9);");
}

static char *name_of(const char *path, int snap)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT m.name FROM snapshot s JOIN machine m"
                              " ON m.id = s.machine_id WHERE s.id = %d", snap);
    char *name = st_query_text(path, sql);
    cr_assert_not_null(name, "snapshot %d has no machine in %s", snap, path);
    return name;
}

Test(store_migrate, old_unknown_snapshots_get_the_names_their_evidence_gets_today)
{
    wd_store *s = NULL;
    int64_t fresh = 0;
    char *names[6] = {NULL};
    make_unknown_v2();
    cr_assert_eq(wd_store_open(db, 0, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(q("SELECT count(*) FROM machine WHERE name = 'unknown'"), 0);
    cr_assert_eq(q("SELECT count(*) FROM snapshot WHERE machine_from = 'fingerprint'"), 5);
    for (int i = 1; i <= 5; i++) {
        names[i] = name_of(db, i);
        cr_assert_eq(strncmp(names[i], "unnamed-", 8), 0, "%s", names[i]);
    }
    cr_assert_str_eq(names[1], names[2]);
    cr_assert_str_neq(names[1], names[3]);
    cr_assert_str_neq(names[3], names[4]);
    cr_assert_str_neq(names[4], names[5]);
    cr_assert_str_neq(names[1], names[5]);
    /* the same evidence collected today joins snapshot 1's history */
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    for (uint64_t r = 1; r <= 2; r++) {
        char time[32];
        snprintf(time, sizeof time, "2023-05-0%lluT10:00:00Z", (unsigned long long)r);
        wd_event_rec e = {"Setup", "Microsoft-Windows-Servicing", (uint32_t)r, 4, r, time,
                          NULL, NULL, 0, "Setup.evtx"};
        cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
    }
    cr_assert_eq(wd_store_commit(s, &fresh), WD_OK);
    wd_store_close(s);
    char *today = name_of(db, (int)fresh);
    cr_assert_str_eq(today, names[1]);
    /* a merge of the old file names them the same way */
    char *out = wdt_path(dir, "fleet.db");
    remove(db);
    make_unknown_v2();
    cr_assert_eq(wd_store_open(out, WD_STORE_CREATE, &s), WD_OK);
    cr_assert_eq(wd_store_merge(s, db, NULL), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    for (int i = 1; i <= 5; i++) {
        char *merged = name_of(out, i);
        cr_assert_str_eq(merged, names[i]);
        free(merged);
    }
    cr_assert_eq(st_query(out, "SELECT count(*) FROM machine WHERE name = 'unknown'"), 0);
    for (int i = 1; i <= 5; i++)
        free(names[i]);
    free(today);
    free(out);
}
