/* dedup.c - events seen again by a later snapshot are linked, not stored
 * twice; each snapshot still lists exactly the events it covered. */
#include "store_test.h"

static char *dir, *db;
static wd_store *s;

static void setup(void)
{
    dir = wdt_tempdir();
    db = wdt_path(dir, "history.db");
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
}

static void teardown(void)
{
    wd_store_close(s);
    wdt_rmtree(dir);
    free(db);
    free(dir);
}

TestSuite(store_dedup, .init = setup, .fini = teardown);

typedef struct seen {
    uint64_t min, max;
    int n, fields;
} seen;

static int on_event(void *ctx, int64_t row, const wd_event_rec *r)
{
    seen *x = ctx;
    (void)row;
    if (!x->n || r->record_id < x->min)
        x->min = r->record_id;
    if (r->record_id > x->max)
        x->max = r->record_id;
    x->n++;
    x->fields += (int)r->nfields;
    return 0;
}

static int events_of(void *ctx, const wd_snapshot_info *i)
{
    *(int64_t *)ctx = i->events;
    return 0;
}

Test(store_dedup, second_snapshot_links_events_it_saw_again)
{
    int64_t a, b, na = 0, nb = 0;
    seen sa = {0}, sb = {0};
    /* A sees records 1..100, B sees 51..150 of the same machine */
    cr_assert_eq(st_write_snapshot(s, "PC-1", 1, 100, 0, &a), WD_OK, "%s", wd_error_last());
    cr_assert_eq(st_write_snapshot(s, "PC-1", 51, 100, 0, &b), WD_OK, "%s", wd_error_last());
    cr_assert_eq(st_query(db, "SELECT count(*) FROM event"), 150);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM event_field"), 300);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot_event"), 200);
    cr_assert_eq(wd_store_events(s, a, on_event, &sa), WD_OK);
    cr_assert_eq(wd_store_events(s, b, on_event, &sb), WD_OK);
    cr_assert_eq(sa.n, 100);
    cr_assert_eq(sa.min, 1);
    cr_assert_eq(sa.max, 100);
    cr_assert_eq(sa.fields, 200);
    cr_assert_eq(sb.n, 100);
    cr_assert_eq(sb.min, 51);
    cr_assert_eq(sb.max, 150);
    cr_assert_eq(sb.fields, 200);
    cr_assert_eq(wd_store_snapshot(s, a, events_of, &na), WD_OK);
    cr_assert_eq(wd_store_snapshot(s, b, events_of, &nb), WD_OK);
    cr_assert_eq(na, 100);
    cr_assert_eq(nb, 100);
}

Test(store_dedup, same_record_of_another_machine_is_another_event)
{
    int64_t a, b;
    cr_assert_eq(st_write_snapshot(s, "PC-1", 1, 10, 0, &a), WD_OK);
    cr_assert_eq(st_write_snapshot(s, "PC-2", 1, 10, 0, &b), WD_OK);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM event"), 20);
}

Test(store_dedup, an_event_twice_in_one_snapshot_counts_once)
{
    int64_t id, n = 0;
    wd_event_rec e = {"Setup", "p", 2, 4, 77, NULL, NULL, NULL, 0, "a.evtx"};
    cr_assert_eq(wd_store_begin(s, "x", "live"), WD_OK);
    cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
    e.source = "copy/a.evtx";
    cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    cr_assert_eq(wd_store_snapshot(s, id, events_of, &n), WD_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM event WHERE computer = '' AND time = ''"), 1);
}
