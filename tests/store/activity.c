/* activity.c - activities in the store: every column comes back, the
 * subject and the event link are derived as documented, identical
 * activities past WD_STORE_REPEAT_KEEP collapse into a count, finishing
 * completes update identities, the read API filters, orders, limits and
 * looks up single rows, and typed references find any row. */
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
    s = NULL;
    wdt_rmtree(dir);
    free(db);
    free(dir);
}

TestSuite(store_activity, .init = setup, .fini = teardown);

static void str_eq(const char *a, const char *b)
{
    if (!a || !b)
        cr_assert_eq(a, b, "%s vs %s", a ? a : "NULL", b ? b : "NULL");
    else
        cr_assert_str_eq(a, b);
}

static const wd_activity_rec full = {
    .operation = WD_OP_SERVICING,
    .outcome = WD_OUT_PENDING_REBOOT,
    .has_code = 1,
    .code = 0x800F0922u,
    .time = "2024-01-10T03:04:05Z",
    .update_id = "{ba15b1f5-a339-4f4d-9c1b-000000000002}.201",
    .kb = "KB5034441",
    .title = "2024-01 Security Update for Windows 10 (KB5034441)",
    .product = WD_PRODUCT_OS_OTHER,
    .package = "Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.1",
    .service = "TrustedInstaller",
    .target = "WinRE",
    .session = "31080241_3812458821",
    .count = 7,
    .component = "CBS",
    .detail = "Exec: Processing complete [HRESULT = 0x800f0922]",
    .computer = "PC-1",
    .where = {WD_LOC_LINE, "Logs/CBS/CBS.log", 4711, NULL, 0, 0},
};

static int check_full(void *ctx, const wd_activity_row *a)
{
    const wd_activity_rec *r = &a->rec;
    ++*(int *)ctx;
    cr_assert_gt(a->id, 0);
    cr_assert_eq(r->operation, WD_OP_SERVICING);
    cr_assert_eq(r->outcome, WD_OUT_PENDING_REBOOT);
    cr_assert_eq(r->has_code, 1);
    cr_assert_eq(r->code, 0x800F0922u);
    str_eq(r->time, full.time);
    str_eq(r->update_id, "BA15B1F5-A339-4F4D-9C1B-000000000002");
    str_eq(r->kb, "KB5034441");
    str_eq(r->title, full.title);
    cr_assert_eq(r->product, WD_PRODUCT_OS_OTHER);
    str_eq(r->package, full.package);
    str_eq(r->service, "TrustedInstaller");
    str_eq(r->target, "WinRE");
    str_eq(r->session, full.session);
    cr_assert_eq(r->count, 7);
    str_eq(r->component, "CBS");
    str_eq(r->detail, full.detail);
    str_eq(r->computer, "PC-1");
    cr_assert_eq(r->where.kind, WD_LOC_LINE);
    str_eq(r->where.source, "Logs/CBS/CBS.log");
    cr_assert_eq(r->where.line, 4711);
    str_eq(a->subject, "KB5034441");
    cr_assert_eq(a->repeats, 0);
    cr_assert_null(a->last_time);
    cr_assert_eq(a->event_row, 0);
    return 0;
}

Test(store_activity, every_column_comes_back)
{
    int64_t id;
    int n = 0;
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    cr_assert_eq(wd_store_add_activity(s, &full), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_commit(s, &id), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_activities(s, id, NULL, check_full, &n), WD_OK, "%s", wd_error_last());
    cr_assert_eq(n, 1);
    /* the names are what the file holds, for analysts' SQL */
    char *row = st_query_text(db, "SELECT operation || '|' || outcome || '|' || product || '|'"
                                  " || printf('0x%08X', code) || '|' || loc_kind FROM activity");
    cr_assert_str_eq(row, "servicing|pending-reboot|os-other|0x800F0922|line");
    free(row);
    cr_assert_eq(st_query(db, "SELECT activities FROM snapshot"), 1);
    cr_assert_eq(st_query(db, "SELECT failures FROM snapshot"), 0);
}

/* ---------------------------------------------------------- subject */

typedef struct texts {
    char all[2048];
} texts;

static int subjects(void *ctx, const wd_activity_row *a)
{
    texts *t = ctx;
    size_t n = strlen(t->all);
    snprintf(t->all + n, sizeof t->all - n, "%s;", a->subject ? a->subject : "-");
    return 0;
}

Test(store_activity, subject_is_kb_else_title_else_update_id_for_updates_only)
{
    int64_t id;
    texts t = {""};
    wd_activity_rec r[] = {
        {.operation = WD_OP_INSTALL, .kb = "KB1", .update_id = "AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA", .title = "T", .count = -1},
        {.operation = WD_OP_DOWNLOAD, .update_id = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb", .title = "T", .count = -1},
        {.operation = WD_OP_DOWNLOAD, .update_id = "cccccccc-cccc-cccc-cccc-cccccccccccc", .count = -1},
        {.operation = WD_OP_SERVICING, .package = "Package_for_RollupFix~31bf3856ad364e35~amd64~~19041.1", .count = -1},
        {.operation = WD_OP_UNINSTALL, .title = "Some title", .count = -1},
        {.operation = WD_OP_INSTALL, .kb = "", .count = -1},
        {.operation = WD_OP_SERVICE_CRASH, .service = "wuauserv", .kb = "KB2", .count = -1},
        {.operation = WD_OP_BOOT, .title = "boot", .count = -1},
        {.operation = WD_OP_SCAN, .count = -1},
    };
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        cr_assert_eq(wd_store_add_activity(s, &r[i]), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    cr_assert_eq(wd_store_activities(s, id, NULL, subjects, &t), WD_OK);
    /* Store apps change update id between download and install and keep
     * their title: the title follows them; a package alone names one too */
    cr_assert_str_eq(t.all, "KB1;T;CCCCCCCC-CCCC-CCCC-CCCC-CCCCCCCCCCCC;"
                            "Package_for_RollupFix~31bf3856ad364e35~amd64~~19041.1;Some title;-;-;-;-;");
    /* "" is stored as NULL */
    cr_assert_eq(st_query(db, "SELECT count(*) FROM activity WHERE kb = ''"), 0);
}

/* ------------------------------------------------------- event link */

static int event_rows(void *ctx, const wd_activity_row *a)
{
    texts *t = ctx;
    size_t n = strlen(t->all);
    snprintf(t->all + n, sizeof t->all - n, "%lld/%u;", (long long)a->event_row,
             a->rec.where.event_id);
    return 0;
}

Test(store_activity, activity_is_linked_to_the_event_it_follows)
{
    int64_t id;
    texts t = {""};
    wd_event_rec e1 = {"System", "Service Control Manager", 7031, 2, 500, "2024-01-01T00:00:00Z",
                       "PC", NULL, 0, "System.evtx"};
    wd_event_rec e2 = {"Setup", "Microsoft-Windows-Servicing", 3, 2, 77, "2024-01-01T00:00:01Z",
                       "PC", NULL, 0, "Setup.evtx"};
    wd_activity_rec a = {.operation = WD_OP_SERVICE_CRASH, .outcome = WD_OUT_FAILED,
                         .service = "wuauserv", .count = -1,
                         .where = {WD_LOC_EVENT, "System.evtx", 0, "System", 500, 7031}};
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    cr_assert_eq(wd_store_add_event(s, &e1), WD_OK);
    cr_assert_eq(wd_store_add_activity(s, &a), WD_OK); /* follows its event: linked */
    cr_assert_eq(wd_store_add_event(s, &e2), WD_OK);
    cr_assert_eq(wd_store_add_activity(s, &a), WD_OK); /* names another event: not */
    a.where.event_id = 0;
    a.where.channel = "Setup";
    a.where.record_id = 77;
    cr_assert_eq(wd_store_add_activity(s, &a), WD_OK); /* no event id: channel + record do */
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    cr_assert_eq(wd_store_activities(s, id, NULL, event_rows, &t), WD_OK);
    cr_assert_str_eq(t.all, "1/7031;0/7031;2/3;");
    cr_assert_eq(st_query(db, "PRAGMA foreign_key_check"), -1);
}

/* ----------------------------------------------------------- repeats */

typedef struct counted {
    int rows;
    int64_t repeats;
    char last_time[WD_TIME_MAX];
    int64_t last_repeats;
} counted;

static int count_rows(void *ctx, const wd_activity_row *a)
{
    counted *c = ctx;
    c->rows++;
    c->repeats += a->repeats;
    if (a->repeats) {
        c->last_repeats = a->repeats;
        snprintf(c->last_time, sizeof c->last_time, "%s", a->last_time ? a->last_time : "");
    }
    return 0;
}

Test(store_activity, identical_activities_past_the_keep_collapse_into_a_count)
{
    int64_t id;
    counted c = {0};
    char time[WD_TIME_MAX], detail[64];
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    for (int i = 0; i < 120; i++) {
        /* time, place and detail differ; everything else is the same */
        wd_time_format(1700000000 + i, 0, time);
        snprintf(detail, sizeof detail, "line %d", i);
        wd_activity_rec a = {.operation = WD_OP_INSTALL, .outcome = WD_OUT_FAILED,
                             .has_code = 1, .code = 0x80070002u, .time = time, .kb = "KB1",
                             .count = -1, .detail = detail,
                             .where = {WD_LOC_LINE, "WindowsUpdate.log", (uint64_t)i + 1}};
        cr_assert_eq(wd_store_add_activity(s, &a), WD_OK, "%s", wd_error_last());
        /* something else in between does not end the run */
        a.kb = "KB2";
        if (i % 10 == 0)
            cr_assert_eq(wd_store_add_activity(s, &a), WD_OK);
    }
    /* the same on another computer is another activity */
    wd_activity_rec other = {.operation = WD_OP_INSTALL, .outcome = WD_OUT_FAILED,
                             .has_code = 1, .code = 0x80070002u, .kb = "KB1", .count = -1,
                             .computer = "PC-2"};
    cr_assert_eq(wd_store_add_activity(s, &other), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    cr_assert_eq(wd_store_activities(s, id, NULL, count_rows, &c), WD_OK);
    cr_assert_eq(c.rows, WD_STORE_REPEAT_KEEP + 12 + 1);
    cr_assert_eq(c.repeats, 120 - WD_STORE_REPEAT_KEEP);
    cr_assert_eq(c.last_repeats, 70);
    wd_time_format(1700000000 + 119, 0, time);
    cr_assert_str_eq(c.last_time, time);
    /* failures count what happened, rows what is kept */
    cr_assert_eq(st_query(db, "SELECT failures FROM snapshot"), 120 + 12 + 1);
    cr_assert_eq(st_query(db, "SELECT activities FROM snapshot"), 63);
    cr_assert_eq(st_query(db, "SELECT max(nth) FROM activity"), WD_STORE_REPEAT_KEEP);
}

Test(store_activity, repeats_are_counted_per_snapshot)
{
    int64_t id;
    wd_activity_rec a = {.operation = WD_OP_SERVICE_CHANGE, .service = "BITS", .count = -1};
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
        for (int i = 0; i < WD_STORE_REPEAT_KEEP; i++)
            cr_assert_eq(wd_store_add_activity(s, &a), WD_OK);
        cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    }
    cr_assert_eq(st_query(db, "SELECT count(*) FROM activity"), 2 * WD_STORE_REPEAT_KEEP);
    cr_assert_eq(st_query(db, "SELECT sum(repeats) FROM activity"), 0);
}

/* ------------------------------------------------------- identities */

static int identities(void *ctx, const wd_activity_row *a)
{
    texts *t = ctx;
    size_t n = strlen(t->all);
    snprintf(t->all + n, sizeof t->all - n, "%s|%s|%s|%s;", a->rec.kb ? a->rec.kb : "-",
             a->rec.title ? a->rec.title : "-", wd_product_name(a->rec.product),
             a->subject ? a->subject : "-");
    return 0;
}

Test(store_activity, finishing_completes_update_identity_from_siblings)
{
    int64_t id;
    texts t = {""};
    const char *g = "CCCCCCCC-CCCC-CCCC-CCCC-CCCCCCCCCCCC";
    wd_activity_rec r[] = {
        /* a download named only by its update id, then the install's title */
        {.operation = WD_OP_DOWNLOAD, .outcome = WD_OUT_SUCCEEDED, .update_id = g, .count = -1},
        {.operation = WD_OP_INSTALL, .outcome = WD_OUT_FAILED, .update_id = g, .kb = "KB9",
         .title = "2024-02 Cumulative Update (KB9)", .product = WD_PRODUCT_OS_CUMULATIVE,
         .count = -1},
        {.operation = WD_OP_INSTALL, .outcome = WD_OUT_FAILED, .update_id = g, .count = -1},
        /* another update is left alone */
        {.operation = WD_OP_INSTALL, .update_id = "DDDDDDDD-DDDD-DDDD-DDDD-DDDDDDDDDDDD",
         .count = -1},
    };
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        cr_assert_eq(wd_store_add_activity(s, &r[i]), WD_OK);
    cr_assert_eq(wd_store_finish(s, &id), WD_OK, "%s", wd_error_last());
    /* the finished snapshot reads on the same handle before the commit */
    cr_assert_eq(wd_store_activities(s, id, NULL, identities, &t), WD_OK, "%s", wd_error_last());
    cr_assert_str_eq(t.all, "KB9|2024-02 Cumulative Update (KB9)|os-cumulative|KB9;"
                            "KB9|2024-02 Cumulative Update (KB9)|os-cumulative|KB9;"
                            "KB9|2024-02 Cumulative Update (KB9)|os-cumulative|KB9;"
                            "-|-|unknown|DDDDDDDD-DDDD-DDDD-DDDD-DDDDDDDDDDDD;");
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
}

/* ----------------------------------------------------------- queries */

typedef struct listing {
    char ids[512];
    int stop_after;
    int seen;
} listing;

static int list_ids(void *ctx, const wd_activity_row *a)
{
    listing *l = ctx;
    size_t n = strlen(l->ids);
    snprintf(l->ids + n, sizeof l->ids - n, "%lld,", (long long)a->id);
    return ++l->seen == l->stop_after ? 42 : 0;
}

/* Six activities: ids 1..6, times out of order, two updates. */
static int64_t write_six(void)
{
    int64_t id;
    wd_activity_rec r[] = {
        {.operation = WD_OP_INSTALL, .outcome = WD_OUT_FAILED, .time = "2024-01-03", .kb = "KB2", .count = -1},
        {.operation = WD_OP_DOWNLOAD, .outcome = WD_OUT_SUCCEEDED, .time = "2024-01-01", .kb = "KB2", .count = -1},
        {.operation = WD_OP_SCAN, .outcome = WD_OUT_FAILED, .time = "2024-01-02", .count = -1},
        {.operation = WD_OP_INSTALL, .outcome = WD_OUT_SUCCEEDED, .time = "2024-01-05", .kb = "KB1", .count = -1},
        {.operation = WD_OP_INSTALL, .outcome = WD_OUT_TRACE, .time = "2024-01-04", .kb = "KB1", .count = -1},
        {.operation = WD_OP_SERVICE_CRASH, .outcome = WD_OUT_FAILED, .time = "2024-01-06", .service = "wuauserv", .count = -1},
    };
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        cr_assert_eq(wd_store_add_activity(s, &r[i]), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    return id;
}

static const char *query(int64_t snap, wd_activity_query q)
{
    static listing l;
    memset(&l, 0, sizeof l);
    cr_assert_eq(wd_store_activities(s, snap, &q, list_ids, &l), WD_OK, "%s", wd_error_last());
    return l.ids;
}

Test(store_activity, queries_order_filter_limit_and_look_up)
{
    int64_t snap = write_six();
    cr_assert_str_eq(query(snap, (wd_activity_query){0}), "2,3,1,5,4,6,");
    cr_assert_str_eq(query(snap, (wd_activity_query){.order = WD_ORDER_TIME_DESC}),
                     "6,4,5,1,3,2,");
    cr_assert_str_eq(query(snap, (wd_activity_query){.order = WD_ORDER_SUBJECT}), "5,4,2,1,");
    cr_assert_str_eq(query(snap, (wd_activity_query){.outcomes = 1u << WD_OUT_FAILED}),
                     "3,1,6,");
    cr_assert_str_eq(query(snap, (wd_activity_query){.outcomes = 1u << WD_OUT_FAILED,
                                                     .operations = 1u << WD_OP_INSTALL |
                                                                   1u << WD_OP_SCAN}),
                     "3,1,");
    cr_assert_str_eq(query(snap, (wd_activity_query){.order = WD_ORDER_TIME_DESC,
                                                     .outcomes = 1u << WD_OUT_FAILED,
                                                     .limit = 1}),
                     "6,");
    cr_assert_str_eq(query(snap, (wd_activity_query){.id = 4}), "4,");
    cr_assert_str_eq(query(snap, (wd_activity_query){.id = 99}), "");
    /* another snapshot's row is not this one's */
    int64_t other = write_six();
    cr_assert_str_eq(query(other, (wd_activity_query){.id = 4}), "");
    /* a callback's non-zero return stops the walk and is returned */
    listing l = {.stop_after = 2};
    cr_assert_eq(wd_store_activities(s, snap, NULL, list_ids, &l), 42);
    cr_assert_str_eq(l.ids, "2,3,");
    cr_assert_eq(wd_store_activities(s, snap + 7, NULL, list_ids, &l), WD_ENOTFOUND);
    cr_assert_eq(wd_store_activities(s, snap, &(wd_activity_query){.order = 9}, list_ids, &l),
                 WD_EUSAGE);
}

/* -------------------------------------------------------- computers */

static int list_computers(void *ctx, const wd_computer_info *c)
{
    texts *t = ctx;
    size_t len = strlen(t->all);
    snprintf(t->all + len, sizeof t->all - len, "%s=%lld;", c->name, (long long)c->records);
    return 0;
}

Test(store_activity, computers_lists_the_names_records_give_most_first)
{
    int64_t id;
    texts t = {""};
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    for (int i = 0; i < 3; i++) {
        wd_event_rec e = {"System", "p", 1, 4, 10 + (uint64_t)i, "2024-01-01", "PC-E", NULL, 0,
                          "x"};
        cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
    }
    wd_activity_rec a = {.operation = WD_OP_BOOT, .computer = "PC-A", .count = -1};
    cr_assert_eq(wd_store_add_activity(s, &a), WD_OK);
    a.computer = "pc-e";
    cr_assert_eq(wd_store_add_activity(s, &a), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    cr_assert_eq(wd_store_computers(s, id, list_computers, &t), WD_OK, "%s", wd_error_last());
    cr_assert_str_eq(t.all, "PC-E=4;PC-A=1;");
}

/* -------------------------------------------------------- references */

static int ref_kind(void *ctx, const wd_ref_row *row)
{
    texts *t = ctx;
    size_t n = strlen(t->all);
    const char *what = row->activity ? "activity"
                       : row->event  ? row->event->channel
                       : row->service ? row->service->name
                       : row->fact    ? row->fact->key
                       : row->note    ? row->note->reason
                       : row->source  ? row->source->path
                                      : "?";
    snprintf(t->all + n, sizeof t->all - n, "%s:%s;", wd_ref_kind_name(row->ref.kind), what);
    return 0;
}

Test(store_activity, a_typed_reference_finds_a_row_of_any_kind)
{
    int64_t id;
    texts t = {""};
    wd_event_rec e = {"Setup", "p", 1, 4, 10, "2024-01-01", "PC", NULL, 0, "x"};
    wd_service_rec sv = {"wuauserv", NULL, "running", "manual", 1, 0, 0, "x"};
    wd_fact_rec f = {"os.build", "19045", "x", NULL};
    wd_note_rec n = {"x", NULL, "bad", WD_NOTE_LIMIT};
    wd_source_rec src = {"System.evtx", "evtx", 1, 1, 0};
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
    cr_assert_eq(wd_store_add_service(s, &sv), WD_OK);
    cr_assert_eq(wd_store_add_fact(s, &f), WD_OK);
    cr_assert_eq(wd_store_add_note(s, &n), WD_OK);
    cr_assert_eq(wd_store_add_source(s, &src), WD_OK);
    cr_assert_eq(wd_store_add_activity(s, &full), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
    for (int k = WD_REF_ACTIVITY; k <= WD_REF_SOURCE; k++)
        cr_assert_eq(wd_store_ref(s, id, (wd_ref){(wd_ref_kind)k, 1}, ref_kind, &t), WD_OK,
                     "%s", wd_error_last());
    cr_assert_str_eq(t.all, "activity:activity;event:Setup;service:wuauserv;fact:os.build;"
                            "note:bad;source:System.evtx;");
    cr_assert_eq(wd_store_ref(s, id, (wd_ref){WD_REF_FACT, 2}, ref_kind, &t), WD_ENOTFOUND);
    cr_assert_not_null(strstr(wd_error_last(), "no fact 2"), "%s", wd_error_last());
    cr_assert_eq(wd_store_ref(s, id, (wd_ref){(wd_ref_kind)0, 1}, ref_kind, &t), WD_EUSAGE);
    /* an event another snapshot covers is not this one's evidence */
    int64_t id2;
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id2), WD_OK);
    cr_assert_eq(wd_store_ref(s, id2, (wd_ref){WD_REF_EVENT, 1}, ref_kind, &t), WD_ENOTFOUND);
}

Test(store_activity, reference_kind_names_go_both_ways)
{
    const char *names[] = {"activity", "event", "service", "fact", "note", "source"};
    for (int k = WD_REF_ACTIVITY; k <= WD_REF_SOURCE; k++) {
        cr_assert_str_eq(wd_ref_kind_name((wd_ref_kind)k), names[k - 1]);
        cr_assert_eq(wd_ref_kind_parse(names[k - 1]), k);
    }
    cr_assert_null(wd_ref_kind_name((wd_ref_kind)0));
    cr_assert_null(wd_ref_kind_name((wd_ref_kind)99));
    cr_assert_eq(wd_ref_kind_parse("bogus"), 0);
    cr_assert_eq(wd_ref_kind_parse(NULL), 0);
    cr_assert_eq(wd_ref_kind_parse("failure"), 0); /* the old name: migrations rename it */
}

/* ---------------------------------------------------- finish, commit */

static int keep_finding(void *ctx, int64_t row, const wd_finding_rec *f)
{
    texts *t = ctx;
    size_t n = strlen(t->all);
    (void)row;
    snprintf(t->all + n, sizeof t->all - n, "%s|%s|%s|%s|", f->rule, f->cause ? f->cause : "-",
             f->known_issue ? f->known_issue : "-", f->state ? f->state : "-");
    for (size_t i = 0; i < f->nrefs; i++) {
        n = strlen(t->all);
        snprintf(t->all + n, sizeof t->all - n, "%s%s:%lld", i ? "," : "",
                 wd_ref_kind_name(f->refs[i].kind), (long long)f->refs[i].row_id);
    }
    n = strlen(t->all);
    snprintf(t->all + n, sizeof t->all - n, "%s|%zu;", f->nrefs ? "" : "-", f->nrefs);
    return 0;
}

Test(store_activity, finish_analyse_then_commit_or_rollback)
{
    int64_t id = 0, again = 0;
    texts t = {""};
    wd_ref refs[] = {{WD_REF_ACTIVITY, 1}, {WD_REF_NOTE, 3}};
    /* a reference of no kind the store knows is not kept */
    wd_ref refs_b[] = {{WD_REF_ACTIVITY, 1}, {(wd_ref_kind)0, 7}, {WD_REF_EVENT, 2}};
    wd_finding_rec f[] = {
        {.rule = "a", .severity = "error", .refs = refs, .nrefs = 2, .cause = "b",
         .known_issue = "KI-1", .state = "current"},
        {.rule = "b", .severity = "warning", .refs = refs_b, .nrefs = 3},
    };
    for (int commit = 0; commit < 2; commit++) {
        cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
        cr_assert_eq(wd_store_add_activity(s, &full), WD_OK);
        /* the analysis needs a finished snapshot */
        cr_assert_eq(wd_store_save_analysis(s, 1, "failing", f, 2), WD_EUSAGE);
        cr_assert_eq(wd_store_finish(s, &id), WD_OK, "%s", wd_error_last());
        cr_assert_eq(wd_store_finish(s, &again), WD_OK);
        cr_assert_eq(again, id);
        cr_assert_eq(wd_store_add_activity(s, &full), WD_EUSAGE, "finished: nothing more");
        cr_assert_eq(wd_store_save_analysis(s, id, "failing", f, 2), WD_OK, "%s",
                     wd_error_last());
        t.all[0] = '\0';
        cr_assert_eq(wd_store_findings(s, id, keep_finding, &t), WD_OK);
        cr_assert_str_eq(t.all, "a|b|KI-1|current|activity:1,note:3|2;"
                                "b|-|-|-|activity:1,event:2|2;");
        if (commit) {
            cr_assert_eq(wd_store_commit(s, &again), WD_OK, "%s", wd_error_last());
            cr_assert_eq(again, id);
        } else {
            wd_store_rollback(s);
            /* nothing of it: no snapshot, no activity, no finding, no machine */
            cr_assert_eq(st_query(db, "SELECT count(*) FROM snapshot"), 0);
            cr_assert_eq(st_query(db, "SELECT count(*) FROM activity"), 0);
            cr_assert_eq(st_query(db, "SELECT count(*) FROM finding"), 0);
            cr_assert_eq(st_query(db, "SELECT count(*) FROM finding_evidence"), 0);
            cr_assert_eq(st_query(db, "SELECT count(*) FROM machine"), 0);
        }
    }
    cr_assert_eq(st_query(db, "SELECT count(*) FROM finding_evidence"), 4);
    cr_assert_eq(st_query(db, "SELECT verdict = 'failing' AND findings = 2 FROM snapshot"), 1);
}

/* ------------------------------------------------------------ UTC time */

static int times_of(void *ctx, const wd_activity_row *a)
{
    texts *t = ctx;
    size_t n = strlen(t->all);
    snprintf(t->all + n, sizeof t->all - n, "%s;", a->rec.time ? a->rec.time : "-");
    return 0;
}

static int evidence_end_of(void *ctx, const wd_snapshot_info *info)
{
    snprintf(ctx, WD_TIME_MAX, "%s", info->evidence_time ? info->evidence_time : "-");
    return 0;
}

/* A WindowsUpdate.log failure at 03:07:52 local and a System event at
 * 02:40Z: on a UTC+1 machine the failure came first. With the offset the
 * evidence states (CBS.log "Universal Time is:", facts.txt), finishing puts
 * local times on UTC; each takes the offset stated last before it (winter
 * +01:00, summer +02:00), the first one after it, else the capture's. */
Test(store_activity, finishing_puts_local_times_on_utc_by_the_stated_offset)
{
    int64_t id;
    texts t = {""};
    wd_activity_rec r[] = {
        {.operation = WD_OP_INSTALL, .outcome = WD_OUT_FAILED, .time = "2024-01-10T03:07:52.973024", .count = -1},
        {.operation = WD_OP_INSTALL, .outcome = WD_OUT_SUCCEEDED, .time = "2024-01-10T02:40:00Z", .count = -1},
        {.operation = WD_OP_SCAN, .outcome = WD_OUT_SUCCEEDED, .time = "2024-07-01T12:00:00", .count = -1},
        {.operation = WD_OP_SCAN, .outcome = WD_OUT_SUCCEEDED, .time = "2023-12-01T12:00:00", .count = -1},
    };
    wd_fact_rec f[] = {{"time.utc_offset", "+01:00", "CBS.log", "2024-01-01T08:00:00"},
                       {"time.utc_offset", "+02:00", "CBS.log", "2024-04-01T08:00:00"},
                       {"time.utc_offset", "bogus", "CBS.log", "2024-05-01T08:00:00"},
                       {"time.utc_offset", "+05:30", "facts.txt", NULL}};
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        cr_assert_eq(wd_store_add_activity(s, &r[i]), WD_OK);
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        cr_assert_eq(wd_store_add_fact(s, &f[i]), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_activities(s, id, NULL, times_of, &t), WD_OK, "%s", wd_error_last());
    /* time order: the December scan (first offset after it), the failure,
     * the success event, the July scan (summer offset) */
    cr_assert_str_eq(t.all, "2023-12-01T11:00:00.000Z;2024-01-10T02:07:52.973Z;"
                            "2024-01-10T02:40:00Z;2024-07-01T10:00:00.000Z;");
    char end[WD_TIME_MAX] = "";
    cr_assert_eq(wd_store_snapshot(s, id, evidence_end_of, end), WD_OK);
    cr_assert_str_eq(end, "2024-07-01T10:00:00.000Z");
}

/* Without a stated offset, local times stay as the evidence gives them. */
Test(store_activity, local_times_stay_local_without_a_stated_offset)
{
    int64_t id;
    texts t = {""};
    wd_activity_rec r = {.operation = WD_OP_SCAN, .outcome = WD_OUT_SUCCEEDED,
                         .time = "2024-01-10T03:07:52.973024", .count = -1};
    wd_fact_rec f = {"wu.server", "none", "WindowsUpdate.log", "2024-01-10T03:00:00"};
    cr_assert_eq(wd_store_begin(s, "x", "x"), WD_OK);
    cr_assert_eq(wd_store_add_activity(s, &r), WD_OK);
    cr_assert_eq(wd_store_add_fact(s, &f), WD_OK);
    cr_assert_eq(wd_store_commit(s, &id), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_activities(s, id, NULL, times_of, &t), WD_OK);
    cr_assert_str_eq(t.all, "2024-01-10T03:07:52.973024;");
}
