/* roundtrip.c - every record type written in a snapshot comes back from the
 * read API with every field intact; snapshot summaries, the machine choice,
 * list filters and analysis replacement. */
#include "store_test.h"

static char *dir, *db;
static wd_store *s;

static void setup(void)
{
    dir = wdt_tempdir();
    db = wdt_path(dir, "sub/folder/history.db");
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

TestSuite(store_roundtrip, .init = setup, .fini = teardown);

static const wd_field fields[] = {{"updateTitle", "2017-07 Update for Windows 10 (KB4025342)"},
                                  {"errorCode", "0x80070002"},
                                  {"Data3", NULL}};
static const wd_event_rec event = {"System", "Microsoft-Windows-WindowsUpdateClient", 20, 2,
                                   6046, "2017-07-23T07:25:41.804502Z", "DESKTOP-7ROI3VJ",
                                   fields, 3, "evtx/System.evtx"};
static const wd_service_rec service = {"wuauserv", "Windows Update", "stopped", "disabled",
                                       -1, 1077, 0, "services.txt"};
static const wd_activity_rec failure = {
    .operation = WD_OP_INSTALL,
    .outcome = WD_OUT_FAILED,
    .has_code = 1,
    .code = 0x80070002u,
    .time = "2017-07-23T07:25:41.804502Z",
    .update_id = "{0a9d6d1b-3b4a-4f4d-9c1b-000000000001}",
    .kb = "KB4025342",
    .title = "2017-07 Update for Windows 10 (KB4025342)",
    .count = -1,
    .component = "Agent",
    .detail = "Installation Failure: 0x80070002",
    .computer = "DESKTOP-7ROI3VJ",
    .where = {WD_LOC_EVENT, "evtx/System.evtx", 0, "System", 6046, 0}};
static const wd_fact_rec fact = {"os.build", "19045.3693", "reg/CurrentVersion.reg",
                                 "2024-01-05T10:00:00Z"};
static const wd_note_rec note = {"broken.evtx", "offset 4096", "bad chunk checksum",
                                 WD_NOTE_UNREADABLE};
static const wd_source_rec source = {"evtx/System.evtx", "evtx", 1200, 35, 2};

static int64_t write_all(void)
{
    int64_t id = 0;
    cr_assert_eq(wd_store_begin(s, "wudiag collect --evidence x", "x.zip"), WD_OK);
    cr_assert_eq(wd_store_add_event(s, &event), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_add_service(s, &service), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_add_activity(s, &failure), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_add_fact(s, &fact), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_add_note(s, &note), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_add_source(s, &source), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_commit(s, &id), WD_OK, "%s", wd_error_last());
    return id;
}

static void str_eq(const char *a, const char *b)
{
    if (!a || !b)
        cr_assert_eq(a, b, "%s vs %s", a ? a : "NULL", b ? b : "NULL");
    else
        cr_assert_str_eq(a, b);
}

static int on_event(void *ctx, int64_t row, const wd_event_rec *r)
{
    ++*(int *)ctx;
    cr_assert_gt(row, 0);
    str_eq(r->channel, event.channel);
    str_eq(r->provider, event.provider);
    cr_assert_eq(r->event_id, 20);
    cr_assert_eq(r->level, 2);
    cr_assert_eq(r->record_id, 6046);
    str_eq(r->time, event.time);
    str_eq(r->computer, event.computer);
    str_eq(r->source, event.source);
    cr_assert_eq(r->nfields, 3);
    for (size_t i = 0; i < 3; i++) {
        str_eq(r->fields[i].name, fields[i].name);
        str_eq(r->fields[i].value, fields[i].value);
    }
    return 0;
}

static int on_service(void *ctx, int64_t row, const wd_service_rec *r)
{
    ++*(int *)ctx;
    cr_assert_gt(row, 0);
    str_eq(r->name, "wuauserv");
    str_eq(r->display_name, "Windows Update");
    str_eq(r->state, "stopped");
    str_eq(r->start_type, "disabled");
    cr_assert_eq(r->pid, -1);
    cr_assert_eq(r->exit_code, 1077);
    cr_assert_eq(r->service_exit_code, 0);
    str_eq(r->source, "services.txt");
    return 0;
}

static int on_activity(void *ctx, const wd_activity_row *row)
{
    const wd_activity_rec *r = &row->rec;
    ++*(int *)ctx;
    cr_assert_gt(row->id, 0);
    cr_assert_eq(r->operation, WD_OP_INSTALL);
    cr_assert_eq(r->outcome, WD_OUT_FAILED);
    cr_assert_eq(r->has_code, 1);
    cr_assert_eq(r->code, 0x80070002u);
    str_eq(r->time, failure.time);
    str_eq(r->title, failure.title);
    str_eq(r->kb, "KB4025342");
    /* update ids are kept normalised (wd_update_id_normalize) */
    str_eq(r->update_id, "0A9D6D1B-3B4A-4F4D-9C1B-000000000001");
    str_eq(r->detail, failure.detail);
    str_eq(r->component, "Agent");
    str_eq(r->computer, "DESKTOP-7ROI3VJ");
    cr_assert_eq(r->where.kind, WD_LOC_EVENT);
    cr_assert_eq(r->where.record_id, 6046);
    str_eq(r->where.channel, "System");
    str_eq(r->where.source, "evtx/System.evtx");
    cr_assert_eq(r->where.line, 0); /* an event has no line */
    return 0;
}

static int on_fact(void *ctx, int64_t row, const wd_fact_rec *r)
{
    ++*(int *)ctx;
    cr_assert_gt(row, 0);
    str_eq(r->key, "os.build");
    str_eq(r->value, "19045.3693");
    str_eq(r->source, "reg/CurrentVersion.reg");
    str_eq(r->time, "2024-01-05T10:00:00Z");
    return 0;
}

static int on_note(void *ctx, int64_t row, const wd_note_rec *r)
{
    ++*(int *)ctx;
    cr_assert_gt(row, 0);
    str_eq(r->source, "broken.evtx");
    str_eq(r->location, "offset 4096");
    str_eq(r->reason, "bad chunk checksum");
    cr_assert_eq(r->kind, WD_NOTE_UNREADABLE);
    return 0;
}

static int on_source(void *ctx, int64_t row, const wd_source_rec *r)
{
    ++*(int *)ctx;
    cr_assert_gt(row, 0);
    str_eq(r->path, "evtx/System.evtx");
    str_eq(r->kind, "evtx");
    cr_assert_eq(r->records, 1200);
    cr_assert_eq(r->kept, 35);
    cr_assert_eq(r->errors, 2);
    return 0;
}

Test(store_roundtrip, every_record_type_comes_back_intact)
{
    int64_t id = write_all();
    int n[6] = {0};
    cr_assert_eq(wd_store_events(s, id, on_event, &n[0]), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_services(s, id, on_service, &n[1]), WD_OK);
    cr_assert_eq(wd_store_activities(s, id, NULL, on_activity, &n[2]), WD_OK);
    cr_assert_eq(wd_store_facts(s, id, on_fact, &n[3]), WD_OK);
    cr_assert_eq(wd_store_notes(s, id, on_note, &n[4]), WD_OK);
    cr_assert_eq(wd_store_sources(s, id, on_source, &n[5]), WD_OK);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(n[i], 1, "iterator %d gave %d rows", i, n[i]);
}

static int on_info(void *ctx, const wd_snapshot_info *i)
{
    wd_snapshot_info *out = ctx;
    cr_assert_eq(i->id, out->id);
    str_eq(i->machine, "DESKTOP-7ROI3VJ");
    str_eq(i->evidence_time, "2017-07-23T07:25:41.804502Z");
    str_eq(i->command_line, "wudiag collect --evidence x");
    str_eq(i->evidence, "x.zip");
    cr_assert_eq(i->failures, 1);
    cr_assert_eq(i->events, 1);
    cr_assert_not_null(i->collected_at);
    cr_assert_eq(strlen(i->collected_at) >= 20, 1);
    out->findings = i->findings;
    out->verdict = i->verdict ? "set" : NULL;
    return 0;
}

Test(store_roundtrip, snapshot_summary_names_machine_and_counts)
{
    wd_snapshot_info got = {0};
    got.id = write_all();
    cr_assert_eq(wd_store_snapshot(s, got.id, on_info, &got), WD_OK, "%s", wd_error_last());
    cr_assert_null(got.verdict);
    cr_assert_eq(got.findings, 0);
    cr_assert_eq(wd_store_snapshot(s, got.id + 1, on_info, &got), WD_ENOTFOUND);
    cr_assert_eq(wd_store_events(s, got.id + 1, on_event, &got), WD_ENOTFOUND);
}

static int on_finding(void *ctx, int64_t row, const wd_finding_rec *r)
{
    char *out = ctx;
    cr_assert_gt(row, 0);
    strcat(out, r->rule);
    strcat(out, "|");
    for (size_t i = 0; i < r->nrefs; i++)
        snprintf(out + strlen(out), 32, "%s%s:%lld", i ? "," : "",
                 wd_ref_kind_name(r->refs[i].kind), (long long)r->refs[i].row_id);
    if (!r->nrefs)
        strcat(out, "-");
    strcat(out, ";");
    return 0;
}

static int get_verdict(void *ctx, const wd_snapshot_info *i)
{
    snprintf(ctx, 64, "%s/%lld", i->verdict ? i->verdict : "NULL", (long long)i->findings);
    return 0;
}

Test(store_roundtrip, save_analysis_replaces_findings_and_verdict)
{
    int64_t id = write_all();
    char got[256] = "", verdict[64];
    const wd_ref r1[] = {{WD_REF_SERVICE, 1}}, r2[] = {{WD_REF_ACTIVITY, 1}, {WD_REF_EVENT, 1}};
    wd_finding_rec f1[] = {
        {.rule = "service-disabled", .severity = "critical", .title = "wuauserv is disabled", .explanation = "why", .fixes = "fix-a,fix-b", .refs = r1, .nrefs = 1},
        {.rule = "repeated-failure", .severity = "error", .title = "KB4025342 fails", .explanation = "why", .fixes = "fix-c", .refs = r2, .nrefs = 2}};
    wd_finding_rec f2[] = {{.rule = "pending-reboot", .severity = "warning", .title = "reboot", .explanation = "why", .fixes = "fix-d"}};
    cr_assert_eq(wd_store_save_analysis(s, id, "failing", f1, 2), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_findings(s, id, on_finding, got), WD_OK);
    /* the references come back typed and in order */
    cr_assert_str_eq(got, "service-disabled|service:1;repeated-failure|activity:1,event:1;");
    cr_assert_eq(wd_store_save_analysis(s, id, "warning", f2, 1), WD_OK);
    got[0] = '\0';
    cr_assert_eq(wd_store_findings(s, id, on_finding, got), WD_OK);
    cr_assert_str_eq(got, "pending-reboot|-;");
    cr_assert_eq(wd_store_snapshot(s, id, get_verdict, verdict), WD_OK);
    cr_assert_str_eq(verdict, "warning/1");
    cr_assert_eq(wd_store_save_analysis(s, id + 7, "healthy", NULL, 0), WD_ENOTFOUND);
}

static int collect_ids(void *ctx, const wd_snapshot_info *i)
{
    char *out = ctx, one[64];
    snprintf(one, sizeof one, "%lld:%s,", (long long)i->id, i->machine);
    strcat(out, one);
    return 0;
}

Test(store_roundtrip, machine_is_the_most_given_name_and_fact_wins)
{
    int64_t a, b, c, latest = 0;
    char got[512] = "";
    cr_assert_eq(st_write_snapshot(s, "PC-A", 1, 3, 0, &a), WD_OK, "%s", wd_error_last());
    /* two events name PC-C, three failed activities name PC-B: PC-B wins */
    cr_assert_eq(wd_store_begin(s, "x", "live"), WD_OK);
    for (int i = 0; i < 2; i++) {
        wd_event_rec e = {"System", "p", 1, 4, 100 + (uint64_t)i, NULL, "PC-C", NULL, 0, "x"};
        cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
    }
    for (int i = 0; i < 3; i++) {
        wd_activity_rec f = {.outcome = WD_OUT_FAILED, .has_code = 1, .code = 1, .count = -1,
                             .detail = "c", .computer = "pc-b",
                             .where = {WD_LOC_LINE, "CBS.log", 1, NULL, 0, 0}};
        cr_assert_eq(wd_store_add_activity(s, &f), WD_OK);
    }
    cr_assert_eq(wd_store_commit(s, &b), WD_OK);
    cr_assert_eq(st_write_snapshot(s, NULL, 1, 0, 0, &c), WD_OK);
    cr_assert_eq(wd_store_list(s, NULL, NULL, collect_ids, got), WD_OK);
    char want[128];
    /* nothing names the third: a fingerprint, never a shared "unknown" */
    snprintf(want, sizeof want, "%lld:PC-A,%lld:pc-b,%lld:unnamed-", (long long)a, (long long)b,
             (long long)c);
    cr_assert_eq(strncmp(got, want, strlen(want)), 0, "%s", got);
    got[0] = '\0';
    cr_assert_eq(wd_store_list(s, "PC-B", NULL, collect_ids, got), WD_OK);
    snprintf(want, sizeof want, "%lld:pc-b,", (long long)b);
    cr_assert_str_eq(got, want);
    cr_assert_eq(wd_store_latest(s, "pc-a", &latest), WD_OK);
    cr_assert_eq(latest, a);
    cr_assert_eq(wd_store_latest(s, NULL, &latest), WD_OK);
    cr_assert_eq(latest, c);
    cr_assert_eq(wd_store_latest(s, "nobody", &latest), WD_ENOTFOUND);

    /* the fact machine.name wins over the events' names */
    cr_assert_eq(wd_store_begin(s, "x", "live"), WD_OK);
    wd_event_rec e = {"Setup", "p", 1, 4, 1, NULL, "PC-A", NULL, 0, "x"};
    wd_fact_rec f = {"machine.name", "REAL-NAME", "reg", NULL};
    cr_assert_eq(wd_store_add_event(s, &e), WD_OK);
    cr_assert_eq(wd_store_add_fact(s, &f), WD_OK);
    cr_assert_eq(wd_store_commit(s, &latest), WD_OK);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM machine"), 4);
    char *name = st_query_text(db, "SELECT m.name FROM snapshot s JOIN machine m "
                                   "ON m.id = s.machine_id ORDER BY s.id DESC LIMIT 1");
    cr_assert_str_eq(name, "REAL-NAME");
    free(name);
}

Test(store_roundtrip, list_since_filters_on_collection_date)
{
    int64_t a;
    char got[256] = "";
    cr_assert_eq(st_write_snapshot(s, "PC-A", 1, 1, 0, &a), WD_OK);
    cr_assert_eq(wd_store_list(s, NULL, "2000-01-01", collect_ids, got), WD_OK);
    cr_assert_neq(got[0], '\0');
    got[0] = '\0';
    cr_assert_eq(wd_store_list(s, NULL, "9999-01-01", collect_ids, got), WD_OK);
    cr_assert_str_eq(got, "");
}

Test(store_roundtrip, rollback_leaves_nothing_and_begin_twice_is_refused)
{
    int64_t id;
    cr_assert_eq(wd_store_begin(s, "x", "live"), WD_OK);
    cr_assert_eq(wd_store_begin(s, "x", "live"), WD_EUSAGE);
    cr_assert_eq(wd_store_add_event(s, &event), WD_OK);
    wd_store_rollback(s);
    cr_assert_eq(wd_store_add_event(s, &event), WD_EUSAGE);
    cr_assert_eq(wd_store_latest(s, NULL, &id), WD_ENOTFOUND);
    cr_assert_eq(st_query(db, "SELECT count(*) FROM event"), 0);
    char *mode = st_query_text(db, "PRAGMA journal_mode");
    cr_assert_str_eq(mode, "wal");
    free(mode);
}
