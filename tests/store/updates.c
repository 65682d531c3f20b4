/* updates.c - schema 5: each finding's first fix and where each update
 * stands (update_state) are kept with the analysis, replaced by a second
 * analysis, carried by merge, and a schema 3 file is read and merged as
 * having none. */
#include "store_test.h"

#include "../../store/internal.h" /* wd_store__create_version, wd_store__migrate */

static char *dir, *db;

static void setup(void)
{
    dir = wdt_tempdir();
    db = wdt_path(dir, "h.db");
}

static void teardown(void)
{
    wdt_rmtree(dir);
    free(db), free(dir);
}

TestSuite(store_updates, .init = setup, .fini = teardown);

static int64_t analysed_snapshot(wd_store *s)
{
    int64_t id = 0;
    cr_assert_eq(st_write_snapshot(s, "PC", 1, 2, 1, &id), WD_OK, "%s", wd_error_last());
    wd_finding_rec f = {.rule = "update-failing", .severity = "error", .title = "t",
                        .explanation = "e", .fixes = "restart-services,reset-components",
                        .state = "current", .first_fix = "reset-components"};
    wd_update_rec u[] = {
        {"KB5034441", "KB5034441", "2024-01 Security Update", "os-security", "failing", 1,
         0x80070643, 3, 0, "2024-01-10T00:00:00Z", "2024-01-12T00:00:00Z", NULL},
        {"KB5035853", "KB5035853", NULL, "os-cumulative", "resolved", 0, 0, 1, 1,
         "2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z"},
    };
    cr_assert_eq(wd_store_save_analysis(s, id, "failing", &f, 1), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_save_updates(s, id, u, 2), WD_OK, "%s", wd_error_last());
    return id;
}

static int first_fix(void *ctx, int64_t id, const wd_finding_rec *r)
{
    (void)id;
    *(char **)ctx = r->first_fix ? strdup(r->first_fix) : NULL;
    return 0;
}

Test(store_updates, first_fix_and_update_states_are_kept_and_replaced)
{
    wd_store *s = NULL;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK);
    int64_t id = analysed_snapshot(s);
    char *fix = NULL;
    cr_assert_eq(wd_store_findings(s, id, first_fix, &fix), WD_OK);
    cr_assert_str_eq(fix, "reset-components");
    free(fix);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM update_state"), 2);
    cr_assert_eq(st_query(db, "SELECT code FROM update_state WHERE key = 'KB5034441'"),
                 0x80070643);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM update_state WHERE code IS NULL"), 1);
    /* a second analysis replaces the first */
    wd_update_rec one = {"KB1", NULL, NULL, NULL, "ok", 0, 0, 0, 1, NULL, NULL, NULL};
    cr_assert_eq(wd_store_save_updates(s, id, &one, 1), WD_OK);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM update_state"), 1);
    cr_assert_eq(wd_store_save_updates(s, id + 99, &one, 1), WD_ENOTFOUND);
    wd_store_close(s);
    /* read-only stores refuse */
    cr_assert_eq(wd_store_open(db, WD_STORE_READONLY, &s), WD_OK);
    cr_assert_eq(wd_store_save_updates(s, id, &one, 1), WD_EREADONLY);
    wd_store_close(s);
}

Test(store_updates, merge_carries_them_and_a_schema_3_file_has_none)
{
    char *old = wdt_path(dir, "v3.db"), *out = wdt_path(dir, "out.db");
    wd_store *s = NULL;
    /* a schema 3 file with one snapshot, read as it is */
    cr_assert_eq(wd_store__create_version(old, 3), WD_OK, "%s", wd_error_last());
    {
        sqlite3 *h = NULL;
        cr_assert_eq(sqlite3_open(old, &h), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(h, "INSERT INTO machine(name) VALUES ('OLD');"
                                     "INSERT INTO snapshot(machine_id, collected_at,"
                                     " wudiag_version, verdict, uid) VALUES (1,"
                                     " '2024-01-01T00:00:00Z', '0.1.0', 'failing', 'u3');"
                                     "INSERT INTO finding(snapshot_id, rule, severity, title,"
                                     " fixes, state) VALUES (1, 'r', 'error', 't', 'a,b',"
                                     " 'current');", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(h);
    }
    cr_assert_eq(wd_store_open(old, WD_STORE_READONLY, &s), WD_OK, "%s", wd_error_last());
    char *fix = (char *)"unset";
    cr_assert_eq(wd_store_findings(s, 1, first_fix, &fix), WD_OK, "%s", wd_error_last());
    cr_assert_null(fix);
    wd_store_close(s);
    cr_assert_eq(st_query(old, "PRAGMA user_version"), 3, "reading changed nothing");
    /* a current file with update states */
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK);
    analysed_snapshot(s);
    wd_store_close(s);
    cr_assert_eq(wd_store_open(out, WD_STORE_CREATE, &s), WD_OK);
    cr_assert_eq(wd_store_merge(s, old, NULL), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_merge(s, db, NULL), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    cr_assert_eq(st_query(out, "SELECT count(*) FROM update_state"), 2);
    cr_assert_eq(st_query(out, "SELECT count(*) FROM update_state u JOIN snapshot s"
                               " ON s.id = u.snapshot_id JOIN machine m ON m.id = s.machine_id"
                               " WHERE m.name = 'PC'"), 2);
    cr_assert_eq(st_query(out, "SELECT count(*) FROM finding WHERE first_fix ="
                               " 'reset-components'"), 1);
    cr_assert_eq(st_query(out, "SELECT count(*) FROM finding WHERE first_fix IS NULL"), 1);
    /* migrating the old file in place gives it the new table, empty */
    cr_assert_eq(wd_store_open(old, 0, &s), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    cr_assert_eq(st_query(old, "PRAGMA user_version"), WD_STORE_SCHEMA);
    cr_assert_eq(st_query(old, "SELECT count(*) FROM update_state"), 0);
    free(old), free(out);
}
