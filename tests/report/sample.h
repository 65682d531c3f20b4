/* sample.h - shared by the report suites: stores one snapshot of a Windows
 * 10 22H2 PC as the collector would type it (the WinRE update KB5034441
 * failing with 0x80070643 three times, a February cumulative update that
 * failed and was superseded by March's, a Defender update that failed and
 * then installed, DISM /RestoreHealth failing three times, a corrupt
 * component store, a crashing and a disabled wuauserv, conflicting build
 * facts, a second computer in the events, notes and sources), optionally
 * with hostile strings, and builds reports from it. Written for wudiag. */
#ifndef WD_TEST_REPORT_SAMPLE_H
#define WD_TEST_REPORT_SAMPLE_H

#include "render.h" /* the model (report/internal.h) */
#include "report.h"
#include "store.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINRE_TITLE                                                                                \
    "2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)"
#define FEB_TITLE                                                                                  \
    "2024-02 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5034763)"
#define MAR_TITLE                                                                                  \
    "2024-03 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5035845)"
#define DEFENDER_TITLE                                                                             \
    "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.407.1)"
#define HOSTILE_TITLE "<script>alert(1)</script>&\"' \x01\x1b[31m\xff\xfe end"
#define HOSTILE_CLEAN "<script>alert(1)</script>&\"' [31m\xEF\xBF\xBD\xEF\xBF\xBD end"
#define SAMPLE_BUNDLE                                                                              \
    "C:\\Users\\alice\\Desktop\\wudiag-evidence-DESKTOP-SECRET-20240314-101500.zip"

/* One event of System.evtx and, when op is set, the activity it gives. */
typedef struct sample_ev {
    const char *provider;
    uint32_t id;
    uint64_t record;
    const char *time;
    const char *computer;
    wd_op op;
    wd_outcome outcome;
    uint32_t code; /* 0: none */
    const char *kb, *title;
    wd_product product;
    const char *service;
} sample_ev;

static void sample_event(wd_store *s, const sample_ev *x, const char *title)
{
    char code[11];
    wd_hresult_format(x->code, code);
    wd_field f[] = {{"updateTitle", title}, {"errorCode", code}, {"param1", x->service}};
    wd_field bits[] = {{"jobOwner", "CORP\\alice"},
                       {"UserSid", "S-1-5-21-3623811015-3361044348-30300820-1013"},
                       {"url", "http://wsus01.corp.example.com:8530/Content/x.cab"}};
    int is_bits = x->id == 59;
    wd_event_rec e = {.channel = "System",
                      .provider = x->provider,
                      .event_id = x->id,
                      .level = x->outcome == WD_OUT_FAILED ? 2 : 4,
                      .record_id = x->record,
                      .time = x->time,
                      .computer = x->computer,
                      .fields = is_bits ? bits : f,
                      .nfields = is_bits      ? 3
                                 : x->service ? 3
                                 : x->code    ? 2
                                              : 1,
                      .source = "System.evtx"};
    cr_assert_eq(wd_store_add_event(s, &e), 0, "%s", wd_error_last());
    if (!x->op)
        return;
    wd_activity_rec a = {.operation = x->op,
                         .outcome = x->outcome,
                         .has_code = x->code != 0,
                         .code = x->code,
                         .time = x->time,
                         .kb = x->kb,
                         .title = x->kb ? title : NULL,
                         .product = x->product,
                         .service = x->service,
                         .count = -1,
                         .component = x->provider,
                         .detail = title,
                         .computer = x->computer,
                         .where = {WD_LOC_EVENT, "System.evtx", 0, "System", x->record, x->id}};
    cr_assert_eq(wd_store_add_activity(s, &a), 0, "%s", wd_error_last());
}

static void sample_events(wd_store *s, int hostile)
{
    static const char *const wu = "Microsoft-Windows-WindowsUpdateClient";
    static const sample_ev evs[] = {
        {wu, 43, 100, "2024-01-10T10:00:00Z", "DESKTOP-SECRET", WD_OP_INSTALL, WD_OUT_IN_PROGRESS,
         0, "KB5034441", WINRE_TITLE, WD_PRODUCT_OS_OTHER, NULL},
        {wu, 20, 101, "2024-01-10T10:05:00Z", "DESKTOP-SECRET", WD_OP_INSTALL, WD_OUT_FAILED,
         0x80070643, "KB5034441", WINRE_TITLE, WD_PRODUCT_OS_OTHER, NULL},
        {wu, 20, 150, "2024-01-17T10:05:00Z", "DESKTOP-SECRET", WD_OP_INSTALL, WD_OUT_FAILED,
         0x80070643, "KB5034441", WINRE_TITLE, WD_PRODUCT_OS_OTHER, NULL},
        {wu, 20, 210, "2024-02-14T10:05:00Z", "DESKTOP-SECRET", WD_OP_INSTALL, WD_OUT_FAILED,
         0x80070643, "KB5034441", WINRE_TITLE, WD_PRODUCT_OS_OTHER, NULL},
        {wu, 20, 211, "2024-02-14T11:00:00Z", "DESKTOP-SECRET", WD_OP_INSTALL, WD_OUT_FAILED,
         0x800F0922, "KB5034763", FEB_TITLE, WD_PRODUCT_OS_CUMULATIVE, NULL},
        {"Service Control Manager", 7031, 290, "2024-03-10T08:00:00Z", "DESKTOP-SECRET",
         WD_OP_SERVICE_CRASH, WD_OUT_FAILED, 0, NULL,
         "The Windows Update service terminated "
         "unexpectedly.",
         WD_PRODUCT_UNKNOWN, "wuauserv"},
        {wu, 19, 300, "2024-03-13T10:00:00Z", "DESKTOP-SECRET", WD_OP_INSTALL, WD_OUT_SUCCEEDED, 0,
         "KB5035845", MAR_TITLE, WD_PRODUCT_OS_CUMULATIVE, NULL},
        {"Microsoft-Windows-Bits-Client", 59, 301, "2024-03-13T10:01:00Z", "OTHER-PC", 0, 0, 0,
         NULL, NULL, WD_PRODUCT_UNKNOWN, NULL},
    };
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        sample_event(s, &evs[i], hostile && evs[i].kb ? HOSTILE_TITLE : evs[i].title);
}

/* An activity read from a text log or a table. */
static void sample_line(wd_store *s, wd_op op, wd_outcome out, uint32_t code, const char *time,
                        const char *file, uint64_t line, int64_t count, const char *detail)
{
    wd_activity_rec a = {.operation = op,
                         .outcome = out,
                         .has_code = code != 0,
                         .code = code,
                         .time = time,
                         .count = count,
                         .component = file,
                         .detail = detail,
                         .where = {WD_LOC_LINE, file, line, NULL, 0, 0}};
    cr_assert_eq(wd_store_add_activity(s, &a), 0, "%s", wd_error_last());
}

static void sample_logs(wd_store *s)
{
    sample_line(s, WD_OP_VERIFY, WD_OUT_SUCCEEDED, 0, "2024-03-05T08:50:00", "CBS.log", 2665, 3,
                "Corruption detection complete. numCorruptions = 3");
    sample_line(s, WD_OP_REPAIR, WD_OUT_FAILED, 0x800F081F, "2024-03-05T09:00:00", "DISM.log", 120,
                -1, "Failed to restore the image health. hr:0x800f081f");
    sample_line(s, WD_OP_REPAIR, WD_OUT_FAILED, 0x800F081F, "2024-03-06T09:00:00", "DISM.log", 340,
                -1, "Failed to restore the image health. hr:0x800f081f");
    sample_line(s, WD_OP_REPAIR, WD_OUT_FAILED, 0x800F081F, "2024-03-07T09:00:00", "DISM.log", 560,
                -1, "Failed to restore the image health. hr:0x800f081f");
    sample_line(s, WD_OP_SCAN, WD_OUT_SUCCEEDED, 0, "2024-03-13T09:00:00", "WindowsUpdate.log", 77,
                3, "* END * Finding updates CallerId = UpdateOrchestrator Exit code = 0x00000000");
    sample_line(s, WD_OP_SCAN, WD_OUT_TRACE, 0x8024000C, "2024-03-13T09:00:01", "WindowsUpdate.log",
                78, -1, "EEHandler: 0x8024000C");
    wd_activity_rec d = {.operation = WD_OP_INSTALL,
                         .outcome = WD_OUT_FAILED,
                         .has_code = 1,
                         .code = 0x8024402C,
                         .time = "2024-03-01T07:00:00Z",
                         .kb = "KB2267602",
                         .title = DEFENDER_TITLE,
                         .product = WD_PRODUCT_DEFENDER,
                         .count = -1,
                         .component = "history",
                         .detail = "Install failed 0x8024402C",
                         .where = {WD_LOC_ROW, "update-history.csv", 5, NULL, 0, 0}};
    cr_assert_eq(wd_store_add_activity(s, &d), 0, "%s", wd_error_last());
    d.outcome = WD_OUT_SUCCEEDED, d.has_code = 0, d.time = "2024-03-02T07:00:00Z";
    d.detail = "Install succeeded", d.where.line = 4;
    cr_assert_eq(wd_store_add_activity(s, &d), 0, "%s", wd_error_last());
}

static void sample_services(wd_store *s)
{
    const wd_service_rec svcs[] = {
        {"wuauserv", "Windows Update", "stopped", "disabled", -1, 1077, 0, "services.csv"},
        {"BITS", "Background Intelligent Transfer Service", "running", "manual", 812, 0, 0,
         "services.csv"},
        {"CryptSvc", "Cryptographic Services", "running", "auto", 1400, 0, 0, "services.csv"},
        {"TrustedInstaller", "Windows Modules Installer", "stopped", "manual", -1, 0, 0,
         "services.csv"},
    };
    for (size_t i = 0; i < sizeof svcs / sizeof svcs[0]; i++)
        cr_assert_eq(wd_store_add_service(s, &svcs[i]), 0, "%s", wd_error_last());
}

static void sample_rest(wd_store *s, int with_services)
{
    const wd_fact_rec facts[] = {
        {"machine.name", "DESKTOP-SECRET", "facts.txt", NULL},
        {"os.product", "Windows 10 Pro", "CurrentVersion.reg", NULL},
        {"os.build", "19045", "CurrentVersion.reg", NULL},
        {"os.build", "19044", "System.evtx", "2023-12-01T00:00:00Z"},
        {"os.ubr", "4170", "CurrentVersion.reg", NULL},
        {"os.display_version", "22H2", "CurrentVersion.reg", NULL},
        {"user.profile", "C:\\Users\\alice\\AppData", "CurrentVersion.reg", NULL},
        {"wu.server", "http://wsus01.corp.example.com:8530", "WindowsUpdate.log", NULL},
        {"services.listing", "partial", "services.csv", NULL},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        if (with_services || strcmp(facts[i].key, "services.listing"))
            cr_assert_eq(wd_store_add_fact(s, &facts[i]), 0, "%s", wd_error_last());
    wd_note_rec n1 = {"System.evtx", "record 12", "event record could not be decoded",
                      WD_NOTE_PARTIAL};
    wd_note_rec n2 = {"mystery.bin", NULL, "not a file wudiag knows", WD_NOTE_INFO};
    cr_assert_eq(wd_store_add_note(s, &n1), 0);
    cr_assert_eq(wd_store_add_note(s, &n2), 0);
    const wd_source_rec src[] = {
        {"System.evtx", "evtx", 1910, 9, 1},       {"services.csv", "services-csv", 4, 4, 0},
        {"CBS.log", "cbs-log", 3000, 1, 0},        {"DISM.log", "dism-log", 600, 3, 0},
        {"WindowsUpdate.log", "wulog", 100, 2, 0}, {"update-history.csv", "history-csv", 2, 2, 0},
        {"facts.txt", "facts", 9, 9, 0},
    };
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
        cr_assert_eq(wd_store_add_source(s, &src[i]), 0);
}

/* Creates dir/history.db with one snapshot; returns the open store. */
static wd_store *sample_store(const char *dir, int hostile, int with_services, int64_t *snap)
{
    wd_store *s = NULL;
    char *db = wdt_path(dir, "history.db");
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), 0, "%s", wd_error_last());
    free(db);
    cr_assert_eq(wd_store_begin(s, "wudiag diagnose --evidence " SAMPLE_BUNDLE, SAMPLE_BUNDLE), 0,
                 "%s", wd_error_last());
    if (with_services)
        sample_services(s);
    sample_events(s, hostile);
    sample_logs(s);
    sample_rest(s, with_services);
    cr_assert_eq(wd_store_commit(s, snap), 0, "%s", wd_error_last());
    return s;
}

/* Builds and writes a report of the sample in format ("html", "xml",
 * "json"); returns the file's text. */
static char *sample_render(const char *dir, const char *format, int hostile, int redact,
                           int with_services)
{
    int64_t snap = 0;
    wd_store *s = sample_store(dir, hostile, with_services, &snap);
    wd_report *r = NULL;
    wd_report_options o = {.command_line = "wudiag diagnose -o /home/alice/report.html",
                           .db_path = "/home/alice/.local/share/wudiag/history.db",
                           .redact = redact};
    cr_assert_eq(wd_report_build(s, snap, &o, &r), 0, "%s", wd_error_last());
    char name[32];
    snprintf(name, sizeof name, "report.%s", format);
    char *out = wdt_path(dir, name);
    cr_assert_eq(wd_report_write(r, format, out), 0, "%s", wd_error_last());
    char *text = wdt_read(out, NULL);
    cr_assert_not_null(text);
    free(out);
    wd_report_free(r);
    wd_store_close(s);
    return text;
}

/* ---------------------------------------------------- a model by hand */

/* A judged model built by hand (no store behind it), for what the writer
 * and the stylesheet make of a judgement: a finding matching the WinRE
 * known issue with DISM /RestoreHealth that failed three times, an effect
 * citing it as its cause, a resolved finding, updates failing, resolved
 * and superseded, and evidence that could not be read. Free with
 * wd_model_free. */
static inline char **hand_list(size_t n, const char *const *v)
{
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = strdup(v[i]);
    return out;
}

static inline void hand_finding(wd_finding *f, const char *rule, const char *sev, const char *title,
                                const char *state, size_t nfixes, const char *const *fixes,
                                const char *failed)
{
    f->rule = strdup(rule);
    f->severity = strdup(sev);
    f->title = strdup(title);
    f->explanation = strdup("Explained.");
    f->state = state;
    f->fixes = hand_list(nfixes, fixes);
    f->nfixes = nfixes;
    f->fix_failed = calloc(nfixes + 1, 1);
    memcpy(f->fix_failed, failed, nfixes);
}

static inline void hand_subject(wd_m_subject *s, const char *kb, wd_state st, const char *title)
{
    s->kind = WD_SUBJ_UPDATE;
    s->key = strdup(kb);
    s->kb = strdup(kb);
    s->title = strdup(title);
    s->state = st;
    s->product = WD_PRODUCT_OS_CUMULATIVE;
    s->failures = s->attempts = 2;
    s->has_code = 1;
    s->code = s->codes[0] = 0x80070643;
    s->ncodes = 1;
    s->count = -1;
    s->first_failure = strdup("2024-01-10T10:05:00Z");
    s->last_failure = strdup("2024-02-14T10:05:00Z");
    if (st == WD_ST_RESOLVED)
        s->last_success = strdup("2024-03-01T10:00:00Z");
    if (st == WD_ST_SUPERSEDED)
        s->superseded_by = strdup(MAR_TITLE);
}

static inline wd_model *hand_model(void)
{
    static const char *const winre_fixes[] = {"resize-recovery-partition", "repair-image-source",
                                              "repair-image"};
    static const char *const effect_fixes[] = {"restart-services"};
    wd_model *m = calloc(1, sizeof *m);
    m->snapshot_id = 7;
    m->machine = strdup("PC-HAND");
    m->collected_at = strdup("2024-03-14T10:15:00Z");
    m->evidence = strdup("bundle.zip");
    m->command_line = strdup("wudiag diagnose --evidence bundle.zip");
    m->facts = calloc(1, sizeof *m->facts);
    m->facts[0] = (wd_m_fact){1, strdup("os.build"), strdup("22631"), strdup("facts.txt"), NULL};
    m->nfacts = 1;
    m->findings = calloc(3, sizeof *m->findings);
    m->nfindings = 3;
    hand_finding(&m->findings[0], "winre-update-fails", "critical",
                 "KB5034441 fails with 0x80070643", "current", 3, winre_fixes, "\0\0\1");
    m->findings[0].known_issue = strdup("winre-partition-too-small");
    m->findings[0].codes = calloc(1, sizeof(uint32_t));
    m->findings[0].codes[0] = 0x80070643;
    m->findings[0].ncodes = 1;
    hand_finding(&m->findings[1], "install-failing-repeatedly", "error",
                 "Updates fail again and again", "current", 1, effect_fixes, "\0");
    m->findings[1].cause = strdup("winre-update-fails");
    hand_finding(&m->findings[2], "old-failure", "warning", "An old failure", "resolved", 0, NULL,
                 "");
    m->op_failed[WD_OP_REPAIR] = 3;
    m->verdict = "failing";
    m->subjects = calloc(3, sizeof *m->subjects);
    m->nsubjects = 3;
    hand_subject(&m->subjects[0], "KB5034441", WD_ST_FAILING, WINRE_TITLE);
    hand_subject(&m->subjects[1], "KB2267602", WD_ST_RESOLVED, DEFENDER_TITLE);
    hand_subject(&m->subjects[2], "KB5034763", WD_ST_SUPERSEDED, FEB_TITLE);
    m->by_state[WD_SUBJ_UPDATE][WD_ST_FAILING] = 1;
    m->by_state[WD_SUBJ_UPDATE][WD_ST_RESOLVED] = 1;
    m->by_state[WD_SUBJ_UPDATE][WD_ST_SUPERSEDED] = 1;
    m->notes = calloc(1, sizeof *m->notes);
    m->notes[0] = (wd_m_note){3, strdup("Setup.evtx"), NULL, strdup("the file is not an event log"),
                              WD_NOTE_UNREADABLE};
    m->nnotes = m->notes_total = m->notes_by_kind[WD_NOTE_UNREADABLE] = 1;
    return m;
}

#endif
