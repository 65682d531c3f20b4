/* merge.c - folding history databases into one (wd_store_merge): every row
 * of a snapshot comes along, events shared by inputs are stored once,
 * findings' evidence references still name the same rows, merging again adds
 * nothing, and a bad input leaves the output and itself as they were. */
#define _GNU_SOURCE
#include "../../store/internal.h" /* WD_STORE_APP_ID, wd_store__create_version */
#include "legacy_fixture.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir, *out_db, *a_db, *b_db;

static void setup(void)
{
    dir = wdt_tempdir();
    out_db = wdt_path(dir, "fleet.db");
    a_db = wdt_path(dir, "a.db");
    b_db = wdt_path(dir, "b.db");
}

static void teardown(void)
{
    if (getuid() == 0) {
        seteuid(0);
        setegid(0);
    }
    chmod(dir, 0700);
    wdt_rmtree(dir);
    free(out_db);
    free(a_db);
    free(b_db);
    free(dir);
}

TestSuite(store_merge, .init = setup, .fini = teardown);

/* ------------------------------------------------------------- writing */

/* Iterator callbacks that keep a row id: the first one, or the last. */
#define KEEP_ROW(name, type, stop)                                                         \
    static int name(void *ctx, int64_t row, const type *r)                                 \
    {                                                                                      \
        (void)r;                                                                           \
        *(int64_t *)ctx = row;                                                             \
        return stop;                                                                       \
    }
KEEP_ROW(first_service, wd_service_rec, 1)
KEEP_ROW(first_fact, wd_fact_rec, 1)
KEEP_ROW(first_note, wd_note_rec, 1)
KEEP_ROW(last_event, wd_event_rec, 0)

static int first_activity(void *ctx, const wd_activity_row *a)
{
    *(int64_t *)ctx = a->id;
    return 1;
}

static int last_activity(void *ctx, const wd_activity_row *a)
{
    *(int64_t *)ctx = a->id;
    return 0;
}

/* A whole snapshot of `machine` (its fact machine.name), whose events
 * (record ids first.., two fields each, each followed by the activity
 * derived from it) and `nfailures` failed installs name `computer`; 60 identical activities
 * (50 rows, the last counting 10 repeats), two services, two facts, a note
 * and a source besides. */
static int64_t write_full(wd_store *s, const char *machine, const char *computer,
                          uint64_t first, int nevents, int nfailures)
{
    wd_service_rec sv[2] = {{"wuauserv", "Windows Update", "stopped", "disabled", -1, 1077, 0,
                             "services.csv"},
                            {"BITS", NULL, "running", "delayed-auto", 812, 0, 0, "services.csv"}};
    wd_fact_rec facts[2] = {{"machine.name", machine, "systeminfo.txt", NULL},
                            {"os.build", "19045.3803", "systeminfo.txt", NULL}};
    wd_note_rec note = {"evtx/Setup.evtx", "record 12", "bad chunk checksum", WD_NOTE_PARTIAL};
    wd_source_rec src = {"evtx/System.evtx", "evtx", 120, (uint64_t)nevents, 1};
    char time[WD_TIME_MAX], value[32];
    int64_t id = 0;
    int rc = wd_store_begin(s, "wudiag collect --test", "/evidence");
    for (int i = 0; !rc && i < 2; i++)
        rc = wd_store_add_service(s, &sv[i]);
    for (int i = 0; !rc && i < 2; i++)
        rc = wd_store_add_fact(s, &facts[i]);
    if (!rc)
        rc = wd_store_add_note(s, &note);
    if (!rc)
        rc = wd_store_add_source(s, &src);
    for (int i = 0; !rc && i < nevents; i++) {
        snprintf(value, sizeof value, "KB%d", 5000000 + (int)first + i);
        wd_field fields[2] = {{"updateTitle", "2024-01 Cumulative Update"}, {"updateGuid", value}};
        wd_time_format(1700000000 + (int64_t)(first + (uint64_t)i), 0, time);
        wd_event_rec e = {"System", "Microsoft-Windows-WindowsUpdateClient", 20, 2,
                          first + (uint64_t)i, time, computer, fields, 2, "System.evtx"};
        rc = wd_store_add_event(s, &e);
        wd_activity_rec a = {.operation = WD_OP_INSTALL,
                             .outcome = i % 2 ? WD_OUT_FAILED : WD_OUT_SUCCEEDED,
                             .has_code = i % 2, .code = 0x80070002u, .time = time,
                             .kb = value, .title = "2024-01 Cumulative Update",
                             .product = WD_PRODUCT_OS_CUMULATIVE, .count = -1,
                             .component = "Microsoft-Windows-WindowsUpdateClient",
                             .detail = "Installation", .computer = computer,
                             .where = {WD_LOC_EVENT, "System.evtx", 0, "System",
                                       first + (uint64_t)i, 20}};
        if (!rc)
            rc = wd_store_add_activity(s, &a);
    }
    for (int i = 0; !rc && i < 60; i++) {
        wd_time_format(1700000000 + (int64_t)(first + (uint64_t)i), 0, time);
        wd_activity_rec a = {.operation = WD_OP_SERVICE_CHANGE, .outcome = WD_OUT_SUCCEEDED,
                             .time = time, .service = "BITS", .target = "stopped", .count = -1,
                             .where = {WD_LOC_LINE, "sc.log", (uint64_t)i + 1, NULL, 0, 0}};
        rc = wd_store_add_activity(s, &a);
    }
    for (int i = 0; !rc && i < nfailures; i++) {
        wd_activity_rec f = st_failed_install(0x80070002u + (uint32_t)i, "2024-01-02T03:04:05Z",
                                              computer, "WindowsUpdate.log", (uint64_t)i + 1);
        rc = wd_store_add_activity(s, &f);
    }
    cr_assert_eq(rc, WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_commit(s, &id), WD_OK, "%s", wd_error_last());
    return id;
}

/* Cites the last failed activity, the last event, the first service, fact
 * and note of snapshot `snap` (and a reference of no known kind, which is
 * not kept), and the first activity and the event again; the row ids come
 * from the read API. */
static void analyse(wd_store *s, int64_t snap)
{
    int64_t failure = 0, event = 0, service = 0, fact = 0, note = 0, activity = 0;
    wd_activity_query failed = {.outcomes = 1u << WD_OUT_FAILED};
    cr_assert_eq(wd_store_services(s, snap, first_service, &service), 1);
    cr_assert_eq(wd_store_facts(s, snap, first_fact, &fact), 1);
    cr_assert_eq(wd_store_notes(s, snap, first_note, &note), 1);
    cr_assert_eq(wd_store_activities(s, snap, &failed, last_activity, &failure), WD_OK);
    cr_assert_eq(wd_store_events(s, snap, last_event, &event), WD_OK);
    cr_assert_eq(wd_store_activities(s, snap, NULL, first_activity, &activity), 1);
    wd_ref refs[6] = {{WD_REF_ACTIVITY, failure}, {WD_REF_EVENT, event},
                      {WD_REF_SERVICE, service},  {WD_REF_FACT, fact},
                      {WD_REF_NOTE, note},        {(wd_ref_kind)0, 1}};
    wd_ref typed[2] = {{WD_REF_ACTIVITY, activity}, {WD_REF_EVENT, event}};
    wd_finding_rec f[3] = {
        {.rule = "install-failures", .severity = "error", .title = "Updates fail to install", .explanation = "why", .fixes = "reset-wu,dism", .refs = refs, .nrefs = 6},
        {.rule = "service-disabled", .severity = "critical", .title = "wuauserv is disabled", .explanation = "why", .fixes = "enable-wuauserv"},
        {.rule = "repeated-failure", .severity = "error", .title = "KB fails again", .explanation = "why", .fixes = "reset-wu", .refs = typed, .nrefs = 2, .cause = "service-disabled", .known_issue = "ki-1", .state = "current"},
    };
    cr_assert_eq(wd_store_save_analysis(s, snap, "failing", f, 3), WD_OK, "%s", wd_error_last());
}

/* A database of `snapshots` analysed snapshots of `machine` (events and
 * failures naming `computer`); snapshot k covers `nevents` events from
 * record id first + k * nevents / 2 (half shared with the snapshot before)
 * and has k + 1 failures. */
static void make_db(const char *path, const char *machine, const char *computer,
                    uint64_t first, int snapshots, int nevents)
{
    wd_store *s = NULL;
    cr_assert_eq(wd_store_open(path, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
    for (int k = 0; k < snapshots; k++)
        analyse(s, write_full(s, machine, computer, first + (uint64_t)(k * nevents / 2), nevents,
                              k + 1));
    wd_store_close(s);
}

/* Merges in_path into out_db; the stats of it. */
static wd_merge_stats merge(const char *in_path)
{
    wd_store *s = NULL;
    wd_merge_stats st;
    cr_assert_eq(wd_store_open(out_db, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_merge(s, in_path, &st), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    return st;
}

/* ------------------------------------------------------------ counting */

static const char *const tables[] = {
    "machine", "snapshot", "service_state", "event", "event_field", "snapshot_event",
    "activity", "fact", "collection_note", "source", "finding", "finding_evidence",
};
#define NTABLES (sizeof tables / sizeof *tables)

static void count_rows(const char *path, int64_t n[NTABLES])
{
    char sql[128];
    for (size_t i = 0; i < NTABLES; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        n[i] = st_query(path, sql);
    }
}

static int64_t count(const char *path, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return st_query(path, sql);
}

/* The per-snapshot counters summed, and the rows they count. */
static void assert_counters_match_rows(const char *path)
{
    cr_assert_eq(st_query(path, "SELECT sum(events) FROM snapshot"), count(path, "snapshot_event"));
    cr_assert_eq(st_query(path, "SELECT sum(failures) FROM snapshot"),
                 st_query(path, "SELECT sum(1 + repeats) FROM activity WHERE outcome = 'failed'"));
    cr_assert_eq(st_query(path, "SELECT sum(activities) FROM snapshot"), count(path, "activity"));
    cr_assert_eq(st_query(path, "SELECT count(*) FROM finding_evidence fe WHERE NOT EXISTS"
                                " (SELECT 1 FROM finding f WHERE f.id = fe.finding_id)"), 0);
    cr_assert_eq(st_query(path, "SELECT sum(findings) FROM snapshot"), count(path, "finding"));
    cr_assert_eq(st_query(path, "PRAGMA foreign_key_check"), -1, "dangling references");
    char *ok = st_query_text(path, "PRAGMA integrity_check");
    cr_assert_str_eq(ok, "ok");
    free(ok);
}

/* Every column but the row ids, of one machine's rows of each table, in
 * order: what must read the same in an input and in the merged file. */
static const struct {
    const char *row; /* printf() of a row; s is its snapshot */
    const char *from;
    const char *order;
} canon_tables[] = {
    {"printf('%s|%s|%s|%s|%s|%s|%d|%d|%d|%s|%d|%s', s.collected_at, s.evidence_time,"
     " s.command_line, s.evidence, s.wudiag_version, s.verdict, s.events, s.failures,"
     " s.findings, s.uid, s.activities, s.machine_from)", "snapshot s", "s.id"},
    {"printf('%s|%s|%s|%s|%s|%d|%d|%d|%s', s.collected_at, v.name, v.display_name, v.state,"
     " v.start_type, v.pid, v.exit_code, v.service_exit_code, v.source)",
     "service_state v JOIN snapshot s ON s.id = v.snapshot_id", "v.id"},
    {"printf('%s|%s|%s|%s|%d|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s"
     "|%d|%s|%s|%d|%d', s.collected_at, v.operation, v.outcome, v.code, v.has_code, v.time,"
     " v.update_id, v.kb, v.title, v.product, v.package, v.service, v.target, v.session,"
     " v.count, v.component, v.detail, v.computer, v.loc_kind, v.source, v.line, v.channel,"
     " v.record_id, v.event_id, v.subject, v.repeats, v.last_time,"
     " (SELECT e.channel || '#' || e.record_id FROM event e WHERE e.id = v.event_row),"
     " v.ident, v.nth)",
     "activity v JOIN snapshot s ON s.id = v.snapshot_id", "v.id"},
    {"printf('%s|%s|%s|%s|%s', s.collected_at, v.key, v.value, v.source, v.time)",
     "fact v JOIN snapshot s ON s.id = v.snapshot_id", "v.id"},
    {"printf('%s|%s|%s|%s|%s', s.collected_at, v.source, v.location, v.reason, v.kind)",
     "collection_note v JOIN snapshot s ON s.id = v.snapshot_id", "v.id"},
    {"printf('%s|%s|%s|%d|%d|%d', s.collected_at, v.path, v.kind, v.records, v.kept, v.errors)",
     "source v JOIN snapshot s ON s.id = v.snapshot_id", "v.id"},
    {"printf('%s|%s|%s|%s|%s|%s|%s|%s|%s|%d', s.collected_at, v.rule, v.severity, v.title,"
     " v.explanation, v.fixes, v.cause, v.known_issue, v.state,"
     " (SELECT count(*) FROM finding_evidence fe WHERE fe.finding_id = v.id))",
     "finding v JOIN snapshot s ON s.id = v.snapshot_id", "v.id"},
    {"printf('%s|%s|%s|%s|%d|%s|%s|%d|%d|%s', s.collected_at, v.source, e.computer,"
     " e.channel, e.record_id, e.time, e.provider, e.event_id, e.level,"
     " (SELECT group_concat(f.seq || '=' || f.name || '=' || f.value, ',') FROM"
     " (SELECT * FROM event_field WHERE event_id = e.id ORDER BY seq) f))",
     "snapshot_event v JOIN snapshot s ON s.id = v.snapshot_id JOIN event e ON e.id = v.event_id",
     "e.record_id"},
};
#define NCANON (sizeof canon_tables / sizeof *canon_tables)

/* One machine's rows of canon_tables[i] as text (malloc'd). */
static char *canon(const char *path, size_t i, const char *machine)
{
    char *sql = sqlite3_mprintf("SELECT group_concat(x, ';') FROM (SELECT %s AS x FROM %s"
                                " JOIN machine m ON m.id = s.machine_id WHERE m.name = %Q"
                                " ORDER BY s.collected_at, %s)",
                                canon_tables[i].row, canon_tables[i].from, machine,
                                canon_tables[i].order);
    char *text = st_query_text(path, sql);
    sqlite3_free(sql);
    cr_assert_not_null(text, "no %s rows of %s in %s", canon_tables[i].from, machine, path);
    return text;
}

/* Every row of `machine` in `in` reads the same in `out`. */
static void assert_same_rows(const char *in, const char *out, const char *machine)
{
    for (size_t i = 0; i < NCANON; i++) {
        char *a = canon(in, i, machine), *b = canon(out, i, machine);
        cr_assert_str_eq(a, b, "%s differs", canon_tables[i].from);
        free(a);
        free(b);
    }
}

/* ------------------------------------------------------ evidence refs */

/* What one typed reference names, through wd_store_ref. */
static int describe_row(void *ctx, const wd_ref_row *row)
{
    wd_buf *out = ctx;
    if (row->activity)
        wd_buf_printf(out, "activity %s %s %08X %s", wd_op_name(row->activity->rec.operation),
                      wd_outcome_name(row->activity->rec.outcome), row->activity->rec.code,
                      row->activity->rec.time);
    else if (row->event)
        wd_buf_printf(out, "event %s %llu %s %s", row->event->channel,
                      (unsigned long long)row->event->record_id, row->event->time,
                      row->event->nfields > 1 ? row->event->fields[1].value : "-");
    else if (row->service)
        wd_buf_printf(out, "service %s %s", row->service->name, row->service->start_type);
    else if (row->fact)
        wd_buf_printf(out, "fact %s=%s", row->fact->key, row->fact->value);
    else if (row->note)
        wd_buf_printf(out, "note %s", row->note->reason);
    else if (row->source)
        wd_buf_printf(out, "source %s", row->source->path);
    return 0;
}

/* What one evidence reference names in snapshot `snap`, into out; "MISSING"
 * when the snapshot has no such row. */
static void describe(wd_store *s, int64_t snap, wd_ref ref, wd_buf *out)
{
    if (wd_store_ref(s, snap, ref, describe_row, out) != WD_OK)
        wd_buf_printf(out, "MISSING %s:%lld", wd_ref_kind_name(ref.kind), (long long)ref.row_id);
}

typedef struct findings {
    wd_store *s;
    int64_t snap;
    wd_buf text;  /* what the evidence names, finding by finding */
    wd_buf refs;  /* the references themselves */
} findings;

static int describe_finding(void *ctx, int64_t row, const wd_finding_rec *f)
{
    findings *x = ctx;
    (void)row;
    wd_buf_printf(&x->text, "[%s]", f->rule);
    wd_buf_putc(&x->refs, '[');
    for (size_t i = 0; i < f->nrefs; i++) {
        const char *kind = wd_ref_kind_name(f->refs[i].kind);
        wd_buf_printf(&x->refs, "%s%s:%lld", i ? "," : "", kind ? kind : "?",
                      (long long)f->refs[i].row_id);
    }
    wd_buf_puts(&x->refs, f->nrefs ? "]" : "(null)]");
    for (size_t i = 0; i < f->nrefs; i++) {
        describe(x->s, x->snap, f->refs[i], &x->text);
        wd_buf_putc(&x->text, ';');
    }
    return 0;
}

/* The findings of snapshot snap in path: what their evidence names, and
 * the references (both malloc'd). */
static void findings_at(const char *path, int64_t snap, char **text, char **refs)
{
    wd_store *s = NULL;
    findings x = {NULL, snap, WD_BUF_INIT, WD_BUF_INIT};
    cr_assert_gt(x.snap, 0, "no snapshot in %s", path);
    cr_assert_eq(wd_store_open(path, WD_STORE_READONLY, &s), WD_OK, "%s", wd_error_last());
    x.s = s;
    cr_assert_eq(wd_store_findings(s, x.snap, describe_finding, &x), WD_OK, "%s",
                 wd_error_last());
    wd_store_close(s);
    *text = wd_buf_detach(&x.text);
    *refs = wd_buf_detach(&x.refs);
}

/* The same for the snapshot with `uid`. */
static void findings_of(const char *path, const char *uid, char **text, char **refs)
{
    char *sql = sqlite3_mprintf("SELECT id FROM snapshot WHERE uid = %Q", uid);
    int64_t snap = st_query(path, sql);
    sqlite3_free(sql);
    findings_at(path, snap, text, refs);
}

/* --------------------------------------------------------------- tests */

static void assert_bytes_equal(const char *path, const char *before, size_t n)
{
    size_t n2 = 0;
    char *after = wdt_read(path, &n2);
    cr_assert_not_null(after);
    cr_assert_eq(n2, n, "%s changed size", path);
    cr_assert_eq(memcmp(before, after, n), 0, "%s changed", path);
    free(after);
}

/* Bytes in the input's -wal (none when there is no -wal): a reader of a
 * WAL-mode file in a writable folder leaves an empty -wal and its -shm
 * index, as SQLite's readers do; it must never write a page there. */
static size_t wal_bytes(const char *path)
{
    char *wal = NULL;
    struct stat st;
    size_t n = 0;
    cr_assert_gt(asprintf(&wal, "%s-wal", path), 0);
    if (stat(wal, &st) == 0)
        n = (size_t)st.st_size;
    free(wal);
    return n;
}

Test(store_merge, two_machines_merge_with_every_row)
{
    int64_t na[NTABLES], nb[NTABLES], nf[NTABLES];
    size_t la = 0, lb = 0;
    char *bytes_a, *bytes_b;
    make_db(a_db, "PC-A", "PC-A", 1, 3, 100);
    make_db(b_db, "PC-B", "PC-B", 1, 2, 100);
    bytes_a = wdt_read(a_db, &la);
    bytes_b = wdt_read(b_db, &lb);
    count_rows(a_db, na);
    count_rows(b_db, nb);
    wd_merge_stats sa = merge(a_db), sb = merge(b_db);
    count_rows(out_db, nf);
    for (size_t i = 0; i < NTABLES; i++)
        cr_assert_eq(nf[i], na[i] + nb[i], "%s: %lld, not %lld + %lld", tables[i],
                     (long long)nf[i], (long long)na[i], (long long)nb[i]);
    /* PC-A: events 1..200, links 100 + 100 + 100, 1 + 2 + 3 failures */
    cr_assert_eq(na[3], 200);
    cr_assert_eq(nf[1], 5);
    cr_assert_eq(nf[3], 350);
    cr_assert_eq(nf[5], 500);
    /* activities: 100 per snapshot from events, 50 collapsed rows, k + 1 failures */
    cr_assert_eq(nf[6], 3 * 150 + 6 + 2 * 150 + 3);
    cr_assert_eq(sa.snapshots_added, 3);
    cr_assert_eq(sa.snapshots_present, 0);
    cr_assert_eq(sa.events_added, 200);
    cr_assert_eq(sa.events_linked, 300);
    cr_assert_eq(sb.snapshots_added, 2);
    cr_assert_eq(sb.events_added, 150);
    assert_same_rows(a_db, out_db, "PC-A");
    assert_same_rows(b_db, out_db, "PC-B");
    assert_counters_match_rows(out_db);
    /* the inputs: byte for byte as they were, nothing in a -wal */
    assert_bytes_equal(a_db, bytes_a, la);
    assert_bytes_equal(b_db, bytes_b, lb);
    cr_assert_eq(wal_bytes(a_db) + wal_bytes(b_db), 0);
    free(bytes_a);
    free(bytes_b);
}

Test(store_merge, merging_again_changes_nothing)
{
    int64_t once[NTABLES], twice[NTABLES];
    make_db(a_db, "PC-A", "PC-A", 1, 3, 100);
    make_db(b_db, "PC-B", "PC-B", 1, 2, 100);
    merge(a_db);
    merge(b_db);
    count_rows(out_db, once);
    int64_t max_event = st_query(out_db, "SELECT max(id) FROM event");
    wd_merge_stats sa = merge(a_db), sb = merge(b_db);
    count_rows(out_db, twice);
    for (size_t i = 0; i < NTABLES; i++)
        cr_assert_eq(twice[i], once[i], "%s grew", tables[i]);
    cr_assert_eq(st_query(out_db, "SELECT max(id) FROM event"), max_event);
    cr_assert_eq(sa.snapshots_added, 0);
    cr_assert_eq(sa.snapshots_present, 3);
    cr_assert_eq(sa.events_added + sa.events_linked, 0);
    cr_assert_eq(sb.snapshots_added, 0);
    cr_assert_eq(sb.snapshots_present, 2);
}

Test(store_merge, fleet_merged_into_another_fleet_is_recognised)
{
    char *other = wdt_path(dir, "other.db");
    make_db(a_db, "PC-A", "PC-A", 1, 3, 100);
    make_db(b_db, "PC-B", "PC-B", 1, 2, 100);
    merge(a_db);
    /* other.db: B's snapshots, then the fleet holding A's (a multi-machine input) */
    char *tmp = out_db;
    out_db = other;
    merge(b_db);
    wd_merge_stats st = merge(tmp);
    out_db = tmp;
    cr_assert_eq(st.snapshots_added, 3);
    cr_assert_eq(count(other, "snapshot"), 5);
    /* and back: the fleet gets B's two, A's three are already there */
    st = merge(other);
    cr_assert_eq(st.snapshots_added, 2);
    cr_assert_eq(st.snapshots_present, 3);
    assert_same_rows(b_db, out_db, "PC-B");
    assert_counters_match_rows(out_db);
    free(other);
}

Test(store_merge, events_both_inputs_saw_are_stored_once)
{
    /* the same machine collected into two databases: events 1..200 and
     * 101..250 (101..200 in both); the second names the machine in lower case */
    make_db(a_db, "PC-A", "PC-A", 1, 3, 100);
    make_db(b_db, "pc-a", "PC-A", 101, 2, 100);
    merge(a_db);
    wd_merge_stats sb = merge(b_db);
    cr_assert_eq(sb.snapshots_added, 2);
    cr_assert_eq(sb.events_added, 50);
    cr_assert_eq(sb.events_linked, 200);
    cr_assert_eq(count(out_db, "machine"), 1);
    cr_assert_eq(count(out_db, "event"), 250);
    cr_assert_eq(count(out_db, "event_field"), 500);
    cr_assert_eq(count(out_db, "snapshot_event"), 500);
    cr_assert_eq(st_query(out_db, "SELECT count(*) FROM (SELECT 1 FROM event GROUP BY computer,"
                                  " channel, record_id, time HAVING count(*) > 1)"), 0);
    /* B's last snapshot still covers its 100 events, 101..250's last 100 */
    cr_assert_eq(st_query(out_db, "SELECT min(e.record_id) || max(e.record_id) FROM"
                                  " snapshot_event se JOIN event e ON e.id = se.event_id"
                                  " WHERE se.snapshot_id = (SELECT max(id) FROM snapshot)"),
                 151250);
    assert_counters_match_rows(out_db);
}

Test(store_merge, findings_evidence_names_the_same_rows)
{
    make_db(a_db, "PC-A", "PC-A", 1, 3, 100);
    make_db(b_db, "PC-B", "PC-B", 1, 2, 100);
    merge(a_db);
    merge(b_db);
    for (int64_t id = 1; id <= 2; id++) {
        char sql[64], *uid, *text_in, *refs_in, *text_out, *refs_out;
        snprintf(sql, sizeof sql, "SELECT uid FROM snapshot WHERE id = %lld", (long long)id);
        uid = st_query_text(b_db, sql);
        findings_of(b_db, uid, &text_in, &refs_in);
        findings_of(out_db, uid, &text_out, &refs_out);
        cr_assert_null(strstr(text_in, "MISSING"), "%s", text_in);
        cr_assert_str_eq(text_out, text_in);
        /* B's rows moved past A's: every number changed; no unknown kind kept */
        cr_assert_str_neq(refs_out, refs_in);
        cr_assert_null(strstr(refs_out, "?"), "%s", refs_out);
        cr_assert_null(strstr(refs_in, "?"), "%s", refs_in);
        cr_assert_not_null(strstr(refs_out, "][(null)][activity:"), "%s", refs_out);
        cr_assert_not_null(strstr(text_out, "event System"), "%s", text_out);
        cr_assert_not_null(strstr(text_out, "activity install"), "%s", text_out);
        free(uid), free(text_in), free(refs_in), free(text_out), free(refs_out);
    }
}

Test(store_merge, bad_inputs_are_refused_with_open_messages_and_out_unchanged)
{
    char *text = wdt_path(dir, "notes.txt"), *newer = wdt_path(dir, "newer.db");
    char *missing = wdt_path(dir, "missing.db"), *link = wdt_path(dir, "link.db");
    const char *bad[] = {text, newer, missing};
    int codes[] = {WD_EFORMAT, WD_ENEWER, WD_ENOTFOUND};
    size_t n = 0;
    char *before, *message;
    wd_store *s = NULL;
    make_db(a_db, "PC-A", "PC-A", 1, 2, 50);
    make_db(newer, "PC-N", "PC-N", 1, 1, 10);
    cr_assert_eq(wdt_write(text, "not a database\n", 15), 0);
    sqlite3 *h = NULL;
    cr_assert_eq(sqlite3_open(newer, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "PRAGMA user_version = 9", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    merge(a_db);
    cr_assert_eq(symlink(out_db, link), 0);
    before = wdt_read(out_db, &n);
    cr_assert_eq(wd_store_open(out_db, 0, &s), WD_OK);
    for (size_t i = 0; i < 3; i++) {
        wd_store *probe = NULL;
        cr_assert_eq(wd_store_open(bad[i], WD_STORE_READONLY, &probe), codes[i]);
        message = strdup(wd_error_last());
        cr_assert_eq(wd_store_merge(s, bad[i], NULL), codes[i], "%s", bad[i]);
        cr_assert_str_eq(wd_error_last(), message);
        cr_assert_eq(wd_store_merge_check(out_db, bad[i]), codes[i]);
        free(message);
    }
    cr_assert_eq(wd_store_merge(s, out_db, NULL), WD_EUSAGE);
    cr_assert_not_null(strstr(wd_error_last(), "into itself"), "%s", wd_error_last());
    cr_assert_eq(wd_store_merge(s, link, NULL), WD_EUSAGE);
    wd_store_close(s);
    assert_bytes_equal(out_db, before, n);
    cr_assert_eq(st_query(newer, "PRAGMA user_version"), 9);
    free(before), free(text), free(newer), free(missing), free(link);
}

Test(store_merge, damaged_input_fails_whole_and_out_is_unchanged)
{
    int64_t n1[NTABLES], n2[NTABLES];
    size_t n = 0;
    char *bytes;
    wd_store *s = NULL;
    make_db(a_db, "PC-A", "PC-A", 1, 2, 50);
    make_db(b_db, "PC-B", "PC-B", 1, 3, 2000);
    merge(a_db);
    count_rows(out_db, n1);
    /* garbage over the last third of B: event pages, its snapshots intact */
    bytes = wdt_read(b_db, &n);
    for (size_t i = n - n / 3; i < n; i++)
        bytes[i] = (char)(i * 7 + 3);
    cr_assert_eq(wdt_write(b_db, bytes, n), 0);
    cr_assert_eq(st_query(b_db, "SELECT count(*) FROM snapshot"), 3, "B unreadable already");
    cr_assert_eq(wd_store_open(out_db, 0, &s), WD_OK);
    cr_assert_eq(wd_store_merge(s, b_db, NULL), WD_ECORRUPT, "%s", wd_error_last());
    cr_assert_not_null(strstr(wd_error_last(), "damaged"), "%s", wd_error_last());
    cr_assert_not_null(strstr(wd_error_last(), b_db), "%s", wd_error_last());
    wd_store_close(s);
    count_rows(out_db, n2);
    for (size_t i = 0; i < NTABLES; i++)
        cr_assert_eq(n2[i], n1[i], "%s changed", tables[i]);
    assert_counters_match_rows(out_db);
    assert_bytes_equal(b_db, bytes, n);
    free(bytes);
}

Test(store_merge, readonly_input_in_readonly_folder_is_merged_untouched)
{
    char *in_dir = wdt_path(dir, "in"), *in_db;
    size_t n = 0;
    char *bytes;
    cr_assert_eq(mkdir(in_dir, 0755), 0);
    in_db = wdt_path(in_dir, "pc.db");
    make_db(in_db, "PC-RO", "PC-RO", 1, 2, 50);
    bytes = wdt_read(in_db, &n);
    cr_assert_eq(chmod(in_db, 0444), 0);
    cr_assert_eq(chmod(in_dir, 0555), 0);
    cr_assert_eq(chmod(dir, 0777), 0);
    if (geteuid() == 0) {
        cr_assert_eq(setegid(65534), 0);
        cr_assert_eq(seteuid(65534), 0);
    }
    int fd = open(in_db, O_WRONLY);
    cr_assert_lt(fd, 0, "the input is still writable: the test proves nothing");
    wd_merge_stats st = merge(in_db);
    cr_assert_eq(st.snapshots_added, 2);
    cr_assert_eq(count(out_db, "snapshot_event"), 100);
    assert_bytes_equal(in_db, bytes, n);
    cr_assert_eq(wal_bytes(in_db), 0);
    if (getuid() == 0) {
        seteuid(0);
        setegid(0);
    }
    chmod(in_dir, 0755);
    free(bytes), free(in_db), free(in_dir);
}

Test(store_merge, v1_and_v2_inputs_merge_their_failures_as_activities)
{
    for (int version = 1; version <= 2; version++) {
        size_t n = 0;
        char *bytes, *text_in, *refs_in, *text_out, *refs_out;
        wd_store *s = NULL;
        remove(out_db);
        remove(a_db);
        remove(b_db);
        /* a v3 fleet with PC-A first, so that every old id moves */
        make_db(b_db, "PC-A", "PC-A", 1, 2, 20);
        merge(b_db);
        st_make_legacy(a_db, version, "PC-OLD");
        bytes = wdt_read(a_db, &n);
        wd_merge_stats st = merge(a_db);
        cr_assert_eq(st.snapshots_added, 2);
        cr_assert_eq(st.events_added, 2);
        assert_bytes_equal(a_db, bytes, n);
        cr_assert_eq(st_query(a_db, "PRAGMA user_version"), version);
        /* the old failures: four failed activities, the event's linked */
        cr_assert_eq(st_query(out_db, "SELECT count(*) FROM activity a JOIN snapshot s ON"
                                      " s.id = a.snapshot_id JOIN machine m ON"
                                      " m.id = s.machine_id WHERE m.name = 'PC-OLD'"
                                      " AND a.outcome = 'failed'"), 4);
        cr_assert_eq(st_query(out_db, "SELECT e.record_id FROM activity a JOIN event e"
                                      " ON e.id = a.event_row WHERE a.operation = 'service-crash'"),
                     101);
        /* the findings cite the same rows, as typed references */
        char *uid = st_query_text(out_db, "SELECT uid FROM snapshot WHERE id ="
                                          " (SELECT max(id) - 1 FROM snapshot)");
        findings_at(a_db, 1, &text_in, &refs_in); /* a v1 file has no uid to look up */
        findings_of(out_db, uid, &text_out, &refs_out);
        cr_assert_null(strstr(text_in, "MISSING"), "%s", text_in);
        cr_assert_str_eq(text_out, text_in);
        cr_assert_str_eq(refs_in, "[activity:1,event:1,activity:3,note:1]"
                                  "[activity:4,service:1,fact:1]");
        cr_assert_str_neq(refs_out, refs_in);
        assert_counters_match_rows(out_db);
        /* the input migrated (to 3): the same snapshots, nothing to add */
        cr_assert_eq(wd_store_open(a_db, 0, &s), WD_OK, "%s", wd_error_last());
        wd_store_close(s);
        cr_assert_eq(st_query(a_db, "PRAGMA user_version"), WD_STORE_SCHEMA);
        st = merge(a_db);
        cr_assert_eq(st.snapshots_added, 0);
        cr_assert_eq(st.snapshots_present, 2);
        free(uid), free(bytes), free(text_in), free(refs_in), free(text_out), free(refs_out);
    }
}

Test(store_merge, v2_and_v3_inputs_fold_into_one_fleet)
{
    int64_t na[NTABLES], nf[NTABLES];
    st_make_legacy(a_db, 2, "PC-OLD");
    make_db(b_db, "PC-B", "PC-B", 1, 2, 100);
    count_rows(b_db, na);
    merge(a_db);
    merge(b_db);
    count_rows(out_db, nf);
    cr_assert_eq(nf[1], 4);
    cr_assert_eq(nf[6], na[6] + 4, "activities");
    cr_assert_eq(nf[11], na[11] + 7, "finding references");
    assert_same_rows(b_db, out_db, "PC-B");
    assert_counters_match_rows(out_db);
    /* read back: the v2 snapshot's failed install with its normalised id */
    char *uid = st_query_text(out_db, "SELECT update_id || '|' || subject FROM activity"
                                      " WHERE kb = 'KB5033375'");
    cr_assert_str_eq(uid, "BA15B1F5-A339-4F4D-9C1B-000000000002|KB5033375");
    free(uid);
}

Test(store_merge, empty_input_adds_nothing)
{
    cr_assert_eq(wdt_write(a_db, "", 0), 0);
    wd_merge_stats st = merge(a_db);
    cr_assert_eq(st.snapshots_added + st.snapshots_present, 0);
    cr_assert_eq(count(out_db, "snapshot"), 0);
    cr_assert_eq(st_query(out_db, "PRAGMA application_id"), WD_STORE_APP_ID);
}
