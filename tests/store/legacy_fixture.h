/* legacy_fixture.h - history files as wudiag wrote them before schema 3:
 * failure rows of every origin (an event's, a log line's, a history row's,
 * a service's) and findings citing them in the old evidence text. Built
 * with the migrations up to that version and the rows those versions
 * wrote, so the v3 migration, the read-only views and the merge all read
 * the same fixture. Include after the store's internal.h. */
#ifndef WD_LEGACY_FIXTURE_H
#define WD_LEGACY_FIXTURE_H

#include "store_test.h"

/* The rows; %s is the machine name, %s (second) the uid column list and
 * %s (third, fourth) the two uids (empty strings for version 1). */
static const char legacy_rows[] =
    "INSERT INTO machine(id, name) VALUES (1, %Q);"
    "INSERT INTO snapshot(id, machine_id, collected_at, evidence_time, command_line, evidence,"
    " wudiag_version, verdict, events, failures, findings%s) VALUES"
    " (1, 1, '2024-03-01T10:00:00.000001Z', '2024-02-29T09:00:00Z', 'wudiag collect', '/ev',"
    " '0.1.0', 'failing', 2, 4, 2%s),"
    " (2, 1, '2024-03-02T10:00:00.000002Z', NULL, 'wudiag collect', '/ev', '0.1.0',"
    " 'healthy', 1, 0, 0%s);"
    "INSERT INTO event(id, computer, channel, record_id, time, provider, event_id, level) VALUES"
    " (1, %Q, 'System', 100, '2024-02-29T08:00:00Z', 'Microsoft-Windows-WindowsUpdateClient',"
    " 20, 2),"
    " (2, %Q, 'System', 101, '2024-02-29T09:00:00Z', 'Service Control Manager', 7031, 2);"
    "INSERT INTO event_field(event_id, seq, name, value) VALUES (1, 0, 'errorCode',"
    " '0x80070002'), (1, 1, 'updateGuid', '{0a9d6d1b-3b4a-4f4d-9c1b-000000000001}'),"
    " (2, 0, 'param1', 'Windows Update');"
    "INSERT INTO snapshot_event(snapshot_id, event_id, source) VALUES (1, 1, 'System.evtx'),"
    " (1, 2, 'System.evtx'), (2, 2, 'System.evtx');"
    "INSERT INTO service_state(id, snapshot_id, name, display_name, state, start_type, pid,"
    " exit_code, service_exit_code, source) VALUES (1, 1, 'wuauserv', 'Windows Update',"
    " 'stopped', 'disabled', -1, 1077, 0, 'services.csv');"
    "INSERT INTO failure(id, snapshot_id, hresult, origin, time, operation, title, kb,"
    " update_id, context, component, computer, event_record_id, event_channel, source, line)"
    " VALUES (1, 1, 2147942402, 'event', '2024-02-29T08:00:00Z', 'install',"
    " '2024-02 Cumulative Update (KB5034441)', 'KB5034441',"
    " '{0a9d6d1b-3b4a-4f4d-9c1b-000000000001}', 'Event 20: Installation Failure: 0x80070002',"
    " NULL, %Q, 100, 'System', 'System.evtx', 0),"
    " (2, 1, 2149842967, 'WindowsUpdate.log', '2024-02-29T08:30:00Z', 'download', NULL, NULL,"
    " NULL, 'FATAL: download failed', 'Agent', NULL, 0, NULL, 'WindowsUpdate.log', 17),"
    " (3, 1, 2147942405, 'history', '2024-02-28T07:00:00Z', 'install',"
    " '2024-01 Cumulative Update (KB5033375)', 'KB5033375',"
    " 'ba15b1f5-a339-4f4d-9c1b-000000000002.200', 'Install failed', NULL, NULL, 0, NULL,"
    " 'history.csv', 3),"
    " (4, 1, 2147943463, 'event', '2024-02-29T09:00:00Z', 'service', NULL, NULL, NULL,"
    " 'Event 7031: Windows Update (wuauserv) terminated with error 0x80070427', 'wuauserv',"
    " %Q, 101, 'System', 'System.evtx', 0);"
    "INSERT INTO fact(id, snapshot_id, key, value, source) VALUES"
    " (1, 1, 'os.build', '19045', 'reg'), (2, 2, 'os.build', '19045', 'reg');"
    "INSERT INTO collection_note(id, snapshot_id, source, location, reason) VALUES"
    " (1, 1, 'bad.evtx', 'offset 4096', 'bad chunk checksum');"
    "INSERT INTO source(id, snapshot_id, path, kind, records, kept, errors) VALUES"
    " (1, 1, 'System.evtx', 'evtx', 10, 2, 0);"
    "INSERT INTO finding(id, snapshot_id, rule, severity, title, explanation, fixes, evidence)"
    " VALUES (1, 1, 'install-failures', 'error', 'KB5034441 fails', 'why', 'reset',"
    " 'failure:1,event:1,failure:3,x:y,note:1'),"
    " (2, 1, 'service-crash', 'warning', 'wuauserv crashed', 'why', 'restart',"
    " 'failure:4,service:1,fact:1');";

/* Creates path as a schema `version` (1 or 2) file of machine `name`. */
static inline void st_make_legacy(const char *path, int version, const char *name)
{
    sqlite3 *h = NULL;
    char *uid_a = version >= 2 ? sqlite3_mprintf(", %Q", "legacy-uid-a") : sqlite3_mprintf("");
    char *uid_b = version >= 2 ? sqlite3_mprintf(", %Q", "legacy-uid-b") : sqlite3_mprintf("");
    char *sql = sqlite3_mprintf(legacy_rows, name, version >= 2 ? ", uid" : "", uid_a, uid_b,
                                name, name, name, name);
    cr_assert_eq(wd_store__create_version(path, version), WD_OK, "%s", wd_error_last());
    cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
    cr_assert_eq(sqlite3_close(h), SQLITE_OK);
    sqlite3_free(sql);
    sqlite3_free(uid_a);
    sqlite3_free(uid_b);
}

/* What the read API gives for snapshot 1 of a legacy fixture (its
 * activities, the findings' references, notes and facts) as text. */
typedef struct st_dump {
    wd_buf b;
} st_dump;

static inline int st_dump_activity(void *ctx, const wd_activity_row *a)
{
    const wd_activity_rec *r = &a->rec;
    wd_buf_printf(ctx,
                  "A%lld %s %s %08X %s %s %s %s %s %s %s %s %s %s:%llu %s#%llu/%u %s r%lld %s "
                  "e%lld\n",
                  (long long)a->id, wd_op_name(r->operation), wd_outcome_name(r->outcome),
                  r->has_code ? r->code : 0, r->time ? r->time : "-",
                  r->update_id ? r->update_id : "-", r->kb ? r->kb : "-",
                  r->title ? r->title : "-", wd_product_name(r->product),
                  r->package ? r->package : "-", r->service ? r->service : "-",
                  r->component ? r->component : "-", r->computer ? r->computer : "-",
                  r->where.source ? r->where.source : "-", (unsigned long long)r->where.line,
                  r->where.channel ? r->where.channel : "-",
                  (unsigned long long)r->where.record_id, r->where.event_id,
                  a->subject ? a->subject : "-", (long long)a->repeats,
                  r->detail ? r->detail : "-", (long long)a->event_row);
    return 0;
}

static inline int st_dump_finding(void *ctx, int64_t row, const wd_finding_rec *f)
{
    wd_buf_printf(ctx, "F%lld %s %s", (long long)row, f->rule, f->severity);
    for (size_t i = 0; i < f->nrefs; i++)
        wd_buf_printf(ctx, " %s:%lld", wd_ref_kind_name(f->refs[i].kind),
                      (long long)f->refs[i].row_id);
    wd_buf_putc(ctx, '\n');
    return 0;
}

static inline int st_dump_note(void *ctx, int64_t row, const wd_note_rec *n)
{
    wd_buf_printf(ctx, "N%lld %s %s\n", (long long)row, n->reason, wd_note_kind_name(n->kind));
    return 0;
}

static inline int st_dump_fact(void *ctx, int64_t row, const wd_fact_rec *f)
{
    wd_buf_printf(ctx, "K%lld %s=%s %s\n", (long long)row, f->key, f->value,
                  f->time ? f->time : "-");
    return 0;
}

/* The dump of snapshot snap of the file at path, opened with flags. */
static inline char *st_dump_snapshot(const char *path, int flags, int64_t snap)
{
    wd_store *s = NULL;
    wd_buf b = WD_BUF_INIT;
    cr_assert_eq(wd_store_open(path, flags, &s), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_activities(s, snap, NULL, st_dump_activity, &b), WD_OK, "%s",
                 wd_error_last());
    cr_assert_eq(wd_store_findings(s, snap, st_dump_finding, &b), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_notes(s, snap, st_dump_note, &b), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_facts(s, snap, st_dump_fact, &b), WD_OK, "%s", wd_error_last());
    wd_store_close(s);
    cr_assert(wd_buf_ok(&b));
    return wd_buf_detach(&b);
}

#endif
