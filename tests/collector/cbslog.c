/* cbslog.c - tests of the CBS.log and DISM.log readers: what each kind of
 * servicing line becomes (sessions and their outcomes, trace lines, SFC
 * runs and files, corruption checks and repairs, repair sources, DISM runs,
 * facts), on fixtures cut from real logs or written in their exact layout
 * (tests/fixtures/SOURCES.md), in every encoding, and bounded in memory. */
#include <criterion/criterion.h>

#include "capture_sink.h"
#include "support.h"

static void run_fixture(wd_source_fn fn, const char *rel, capture *c, wd_source_rec *sum)
{
    char *path = wdt_source(rel);
    cr_assert_eq(cap_run_file(fn, path, c, sum), 0, "%s", rel);
    free(path);
}

static void run_text(wd_source_fn fn, const char *text, capture *c, wd_source_rec *sum)
{
    cr_assert_eq(cap_run_mem(fn, text, strlen(text), c, sum), 0);
}

/* Activities starting with prefix ("op|outcome|code|time|kb|id|product|
 * service|target|package|count|"). */
static size_t acts(const capture *c, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < c->activities.n; i++)
        n += !strncmp(c->activities.items[i], prefix, strlen(prefix));
    return n;
}

static size_t failed(const capture *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->activities.n; i++)
        n += strstr(c->activities.items[i], "|failed|") != NULL;
    return n;
}

static void dump(const capture *c)
{
    for (size_t i = 0; i < c->activities.n; i++)
        cr_log_info("%s", c->activities.items[i]);
}

#define RF "Package_for_RollupFix~31bf3856ad364e35~amd64~~"

/* ------------------------------------------------------------- sessions */

Test(collector_cbslog, cu_session_ending_0x800f0922_is_one_failed_install_of_its_kb)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/cu-install-0x800f0922.log", &c, &sum);
    dump(&c);
    cr_assert_eq(failed(&c), 1);
    cr_assert_eq(acts(&c, "servicing|failed|0x800F0922|2023-06-14T03:21:41|KB5027215|-|"
                          "os-cumulative|-|-|" RF "19041.3086.1.6|-1|"),
                 1);
    /* the Error lines of its steps are trace; Info lines are not sent at all */
    cr_assert_eq(acts(&c, "servicing|trace|0x800F0922|"), 3);
    cr_assert_eq(cap_count(&c.activities, "0x80070490"), 0);
    cr_assert_eq(cap_count(&c.activities, "0x800F0805"), 0);
    cr_assert_eq(cap_count(&c.activities, "0x80070002"), 0);
    cr_assert_eq(sum.records, 43);
    cr_assert_eq(sum.errors, 0);
    cap_free(&c);
}

Test(collector_cbslog, reboot_required_session_is_pending_reboot_and_queries_send_nothing)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/cu-pending-reboot.log", &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 1);
    cr_assert_eq(acts(&c, "servicing|pending-reboot|0x00000000|2023-07-12T04:44:51|KB5028166|-|"
                          "os-cumulative|-|-|" RF "19041.3208.1.7|-1|"),
                 1);
    cap_free(&c);
}

Test(collector_cbslog, windows_7_layout_healthy_log_has_no_failure)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/win7-healthy.log", &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 1);
    cr_assert_eq(acts(&c, "servicing|succeeded|0x00000000|2016-10-12T03:14:02|KB3185330|-|"
                          "os-other|-|-|Package_for_KB3185330~31bf3856ad364e35~amd64~~6.1.1.4|"),
                 1);
    cap_free(&c);
}

Test(collector_cbslog, session_cut_by_a_restart_is_unknown_and_one_open_at_the_end_in_progress)
{
    static const char text[] =
        "2023-06-14 03:02:14, Info                  CBS    Exec: Processing started.  Client: "
        "UpdateAgentLCU, Session: 1_1, Package: " RF "19041.3086.1.6, Identifier: KB5027215\r\n"
        "2023-06-14 03:30:00, Info                  CBS    TI: --- Initializing Trusted "
        "Installer ---\r\n"
        "2023-06-14 03:31:02, Info                  CBS    Exec: Processing started.  Client: "
        "UpdateAgentLCU, Session: 2_2, Package: " RF "19041.3086.1.6, Identifier: KB5027215\r\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(wd_source_cbs_log, text, &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 2);
    cr_assert_eq(acts(&c, "servicing|unknown|-|2023-06-14T03:02:14|KB5027215|"), 1);
    cr_assert_eq(acts(&c, "servicing|in-progress|-|2023-06-14T03:31:02|KB5027215|"), 1);
    cap_free(&c);
}

Test(collector_cbslog, open_sessions_are_bounded_and_the_cut_is_noted)
{
    wd_buf b = WD_BUF_INIT;
    for (int i = 0; i < 100; i++)
        wd_buf_printf(&b,
                      "2023-06-14 03:02:14, Info                  CBS    Exec: Processing "
                      "started.  Client: WindowsUpdateAgent, Session: 3104_%d, Package: "
                      "Package_for_KB50%05d~31bf3856ad364e35~amd64~~19041.1.1.1\r\n",
                      i, i);
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(cap_run_mem(wd_source_cbs_log, b.data, b.len, &c, &sum), 0);
    cr_assert_eq(c.activities.n, 100);
    cr_assert_eq(acts(&c, "servicing|unknown|"), 68);
    cr_assert_eq(acts(&c, "servicing|in-progress|"), 32);
    cr_assert_eq(cap_count(&c.notes, "more servicing sessions open at once"), 1);
    cr_assert_eq(cap_count(&c.notes, "68 sessions"), 1);
    cap_free(&c);
    wd_buf_free(&b);
}

/* ------------------------------------------------------------- trace */

Test(collector_cbslog, code_notations_and_levels_table)
{
    static const struct {
        const char *line;
        const char *want; /* activity prefix, or NULL for none */
    } cases[] = {
        {"2023-05-17 08:25:52, Error                 CBS    x [HRESULT = 0x800f0805 - "
         "CBS_E_INVALID_PACKAGE]",
         "servicing|trace|0x800F0805|2023-05-17T08:25:52|"},
        {"2023-05-17 08:25:52, Info                  CBS    x [HRESULT = 0x800f0805 - X]", NULL},
        {"2023-05-17 08:25:52, Error                 CBS    x [HRESULT = 0x00000000 - S_OK]",
         NULL},
        {"2023-05-17 08:25:52, Error                 CBS    x [HRESULT = 0x00240001 - ]", NULL},
        {"2023-05-17 08:25:52, Error                 CBS    x (hr:0x0) then (hr:0x80070bc9)",
         "servicing|trace|0x80070BC9|"},
        {"2023-05-17 08:25:52, Error                 CBS    x (CBS HRESULT=0x800f081f)",
         "servicing|trace|0x800F081F|"},
        {"2023-05-17 08:25:52, Error                 CBS    x [HRESULT = 0xZZ - junk]", NULL},
        {"2023-05-17 08:25:52, Error                 CBS    x [HRESULT = ", NULL},
        {"2023-05-17 08:25:52, Error                 CSI    000000e4 (F) Failed on "
         "regenerating file [l:9]'ntdll.dll'[gle=0x80004005]",
         NULL},
        {"2023-05-17 08:25:52, Info", NULL},
        {"2023-05-17 08:25:52,", NULL},
        {"2023-13-17 08:25:52, Error                 CBS    x [HRESULT = 0x800f0805 - X]", NULL},
        {"    [HRESULT = 0x800f0805 - continuation]", NULL},
        {"\xef\xbb\xbf", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        capture c = {0};
        wd_source_rec sum;
        run_text(wd_source_cbs_log, cases[i].line, &c, &sum);
        cr_assert_eq(c.activities.n, cases[i].want ? 1u : 0u, "case %zu", i);
        if (cases[i].want)
            cr_assert_eq(acts(&c, cases[i].want), 1, "case %zu: %s", i, c.activities.items[0]);
        cap_free(&c);
    }
}

Test(collector_cbslog, trace_lines_are_capped_with_a_note)
{
    wd_buf b = WD_BUF_INIT;
    for (int i = 0; i < 250; i++)
        wd_buf_printf(&b,
                      "2023-05-17 08:25:52, Error                 CBS    Failed step %d "
                      "[HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]\n",
                      i);
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(cap_run_mem(wd_source_cbs_log, b.data, b.len, &c, &sum), 0);
    cr_assert_eq(acts(&c, "servicing|trace|"), 200);
    cr_assert_eq(cap_count(&c.notes, "|50 lines|"), 1);
    cr_assert_leq(sum.kept, sum.records);
    cap_free(&c);
    wd_buf_free(&b);
}

/* ------------------------------------------------------------- SFC */

Test(collector_cbslog, sfc_run_with_files_it_cannot_repair_fails_with_their_count)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/sfc-unrepairable.log", &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 3);
    cr_assert_eq(acts(&c, "sfc|failed|-|2023-05-23T10:15:29|-|-|unknown|-|winload.exe|-|-1|"), 1);
    cr_assert_eq(acts(&c, "sfc|failed|-|2023-05-23T10:15:33|-|-|unknown|-|mfsrcsnk.dll|-|-1|"), 1);
    /* the closing "have been successfully repaired" line is not the outcome */
    cr_assert_eq(acts(&c, "sfc|failed|-|2023-05-23T10:15:34|-|-|unknown|-|-|-|2|"), 1);
    cap_free(&c);
}

Test(collector_cbslog, sfc_run_that_repaired_a_file_succeeds)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/sfc-repaired.log", &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 2);
    cr_assert_eq(acts(&c, "sfc|succeeded|-|2023-08-02T14:02:16|-|-|unknown|-|"
                          "C:\\Windows\\System32\\shell32.dll|-|-1|"),
                 1);
    cr_assert_eq(acts(&c, "sfc|succeeded|-|2023-08-02T14:02:16|-|-|unknown|-|-|-|0|"), 1);
    cap_free(&c);
}

Test(collector_cbslog, sfc_on_windows_11_repairs_drivers_in_pnp_lines_real_log)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/sfc-pnp-win11.log", &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 4);
    cr_assert_eq(acts(&c, "sfc|succeeded|-|2026-09-25T20:13:52|-|-|unknown|-|"
                          "C:\\WINDOWS\\System32\\drivers\\BthA2dp.sys|"),
                 1);
    cr_assert_eq(acts(&c, "sfc|succeeded|-|2026-09-25T20:13:52|-|-|unknown|-|-|-|0|"), 1);
    cap_free(&c);
}

Test(collector_cbslog, pnp_corrupt_file_never_repaired_counts_as_not_repaired)
{
    static const char text[] =
        "2026-09-25 20:12:35, Info                  CSI    00000007 [SR] Verifying 2 components\n"
        "2026-09-25 20:12:35, Info                  CSI    00000008 [SR] Verify complete\n"
        "2026-09-25 20:12:36, Info                  DEPLOY [Pnp] Corrupt file: "
        "C:\\WINDOWS\\System32\\drivers\\BthA2dp.sys\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(wd_source_cbs_log, text, &c, &sum);
    dump(&c);
    cr_assert_eq(acts(&c, "sfc|failed|-|2026-09-25T20:12:36|-|-|unknown|-|"
                          "C:\\WINDOWS\\System32\\drivers\\BthA2dp.sys|"),
                 1);
    cr_assert_eq(acts(&c, "sfc|failed|-|2026-09-25T20:12:36|-|-|unknown|-|-|-|1|"), 1);
    cap_free(&c);
}

/* ------------------------------------------------------------- corruption */

Test(collector_cbslog, store_repair_summary_real_24h2_layout)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/store-repair-24h2.log", &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 1);
    cr_assert_eq(acts(&c, "repair|failed|0x800F0915|2026-09-25T21:56:27|-|-|unknown|-|-|-|328|"),
                 1);
    cap_free(&c);
}

Test(collector_cbslog, corruption_repair_session_older_layout_fails_once)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/corruption-repair-download.log", &c, &sum);
    dump(&c);
    /* the summary and the session's end say the same: one activity */
    cr_assert_eq(failed(&c), 1);
    cr_assert_eq(acts(&c, "repair|failed|0x800F0906|2024-03-05T09:48:55|-|-|unknown|-|-|-|2|"), 1);
    cap_free(&c);
}

Test(collector_cbslog, automatic_store_repair_that_found_nothing_is_clean)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/auto-repair-clean.log", &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 2);
    cr_assert_eq(failed(&c), 0);
    cr_assert_eq(acts(&c, "verify|succeeded|-|2023-08-09T10:12:39|-|-|unknown|-|-|-|0|"), 1);
    cr_assert_eq(acts(&c, "repair|succeeded|0x00000000|2023-08-09T10:16:03|-|-|unknown|-|-|-|0|"),
                 1);
    cap_free(&c);
}

Test(collector_cbslog, corruption_lines_table)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"2025-02-27 08:58:35, Error                 CSI    0000000a@2025/2/27:11:58:35.891 (F) "
         "Attempting to mark store corrupt with category [l:21 ml:22]'CorruptComponentValue'"
         "[gle=0x80004005]\n",
         "verify|failed|-|2025-02-27T08:58:35|-|-|unknown|-|CorruptComponentValue|-|-1|"},
        {"2023-08-09 10:12:39, Info                  CSI    0000001a Corruption detection "
         "complete. numCorruptions = 3, Disp = 1.\n",
         "verify|failed|-|2023-08-09T10:12:39|-|-|unknown|-|-|-|3|"},
        {"2023-08-09 10:12:39, Info                  CBS    Total Detected Corruption:\t0\n"
         "2023-08-09 10:12:39, Info                  CBS    Total Repaired Corruption:\t0\n"
         "2023-08-09 10:12:40, Info                  CBS    Ensure CBS corruption flag is clear\n",
         "verify|succeeded|-|2023-08-09T10:12:39|-|-|unknown|-|-|-|0|"},
        {"2023-08-09 10:12:39, Info                  CBS    Checking System Update Readiness.\n"
         "2023-08-09 10:12:39, Info                  CBS    Operation: Detect only \n"
         "2023-08-09 10:12:39, Info                  CBS    Operation result: 0x0\n"
         "2023-08-09 10:12:39, Info                  CBS    Total Detected Corruption:\t4\n"
         "2023-08-09 10:12:39, Info                  CBS    Total Operation Time: 90 seconds.\n",
         "verify|failed|0x00000000|2023-08-09T10:12:39|-|-|unknown|-|-|-|4|"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        capture c = {0};
        wd_source_rec sum;
        run_text(wd_source_cbs_log, cases[i].text, &c, &sum);
        dump(&c);
        cr_assert_eq(c.activities.n, 1, "case %zu", i);
        cr_assert_eq(acts(&c, cases[i].want), 1, "case %zu", i);
        cap_free(&c);
    }
}

Test(collector_cbslog, store_marked_corrupt_once_per_category)
{
    static const char line[] = "2025-02-27 08:58:35, Error                 CSI    0000000a (F) "
                               "Attempting to mark store corrupt with category [l:18 ml:19]"
                               "'CorruptPayloadFile'\n";
    wd_buf b = WD_BUF_INIT;
    for (int i = 0; i < 5; i++)
        wd_buf_puts(&b, line);
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(cap_run_mem(wd_source_cbs_log, b.data, b.len, &c, &sum), 0);
    cr_assert_eq(acts(&c, "verify|failed|"), 1);
    cap_free(&c);
    wd_buf_free(&b);
}

/* ------------------------------------------------------------- sources */

Test(collector_cbslog, refused_repair_source_is_a_failed_repair_of_that_path)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/addsource-directory.log", &c, &sum);
    dump(&c);
    cr_assert_eq(acts(&c, "repair|failed|0x8007010B|2023-10-02T16:20:11|-|-|unknown|-|"
                          "D:\\sources\\install.wim|-|-1|"),
                 1);
    cr_assert_eq(acts(&c, "repair|failed|0x800F081F|2023-10-02T16:26:40|"), 1);
    cap_free(&c);
}

Test(collector_cbslog, netfx3_session_is_a_failed_feature_named_netfx3)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/netfx3-0x800f081f.log", &c, &sum);
    dump(&c);
    cr_assert_eq(failed(&c), 1);
    cr_assert_eq(acts(&c, "feature|failed|0x800F081F|2023-09-20T11:05:43|-|-|unknown|-|NetFx3|"
                          "Microsoft-Windows-NetFx3-OnDemand-Package~"),
                 1);
    cap_free(&c);
}

/* The optional-feature session of a real Windows Server 2016 CBS.log (a
 * container image enabling WCF-MSMQ-Activation45 with DISM, 2017): the
 * selectable update names the feature. The session's start is written for
 * wudiag in the same layout; its Identifier names no KB and gives none. */
Test(collector_cbslog, feature_session_without_a_kb_identifier)
{
    static const char text[] =
        "2017-03-10 10:24:08, Info                  CBS    Session: 30579072_298067563 "
        "initialized by client DISM Package Manager Provider, external staging directory: "
        "(null)\n"
        "2017-03-10 10:24:09, Info                  CBS    Exec: Processing started.  Client: "
        "DISM Package Manager Provider, Session: 30579072_298067563, Package: "
        "Microsoft-Windows-Foundation-Package~31bf3856ad364e35~amd64~~10.0.14393.0, "
        "Identifier: (null)\n"
        "2017-03-10 10:24:32, Info                  CBS    Reporting selectable update change "
        "for package: Microsoft-Windows-NetFx4-WCF-OC-Package~31bf3856ad364e35~amd64~~10.0."
        "14393.0, update: WCF-MSMQ-Activation45, start: Staged, applicable: Installed, target: "
        "Installed, client id: DISM Package Manager Provider, initiated offline: False, "
        "execution sequence: 82, first merged sequence: 82, download source: 0, download time "
        "(secs): 4294967295, download status: 0x0 (S_OK),reboot required: False, overall "
        "result:0x800f0922 (CBS_E_INSTALLERS_FAILED)\n"
        "2017-03-10 10:24:32, Info                  CBS    The store corruption status report "
        "is incomplete. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]\n"
        "2017-03-10 10:24:32, Info                  CBS    Exec: Processing complete.  Session: "
        "30579072_298067563, Package: Microsoft-Windows-Foundation-Package~31bf3856ad364e35~"
        "amd64~~10.0.14393.0 [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]\n"
        "2017-03-10 10:24:32, Error                 CBS    Failed to perform operation.  "
        "[HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]\n"
        "2017-03-10 10:24:32, Info                  CBS    Session: 30579072_298067563 "
        "finalized. Reboot required: no [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(wd_source_cbs_log, text, &c, &sum);
    dump(&c);
    cr_assert_eq(failed(&c), 1);
    cr_assert_eq(acts(&c, "feature|failed|0x800F0922|2017-03-10T10:24:32|-|-|"), 1);
    cap_free(&c);
}

/* Windows 7, 8.1 and Server 2012 R2 write the selectable-update and
 * completion lines with "SQM: " before them: lines Microsoft quotes from a
 * Server 2012 R2 removing Windows Deployment Services (article "Error
 * 0x800f0922 when you uninstall roles"), the session lines written for
 * wudiag. The session changes a role: a feature, not a failed package. */
Test(collector_cbslog, sqm_prefixed_selectable_update_is_a_feature_change)
{
    static const char text[] =
        "2018-02-14 11:30:05, Info                  CBS    Exec: Processing started.  Client: "
        "DISM Package Manager Provider, Session: 30651968_3203616141, Package: "
        "Microsoft-Windows-ServerCore-Package~31bf3856ad364e35~amd64~~6.3.9600.16384\r\n"
        "2018-02-14 11:32:41, Info                  CBS    SQM: Reporting selectable update "
        "change for package: Microsoft-Windows-Deployment-Services-Package~31bf3856ad364e35~"
        "amd64~~6.3.9600.16384, update: Microsoft-Windows-Deployment-Services, start: "
        "Installed, applicable: Resolved, target: Resolved, client id: DISM Package Manager "
        "Provider, initiated offline: False, execution sequence: 1433, first merged sequence: "
        "1433, download source: 0, download time (secs): 4294967295, download status: 0x0 "
        "(S_OK),reboot required: False, overall result:0x800f0922 (CBS_E_INSTALLERS_FAILED)\r\n"
        "2018-02-14 11:32:41, Info                  CBS    SQM: Reporting package change "
        "completion for package: Microsoft-Windows-Deployment-Services-Package~31bf3856ad364e35"
        "~amd64~~6.3.9600.16384, current: Installed, original: Installed, target: Installed, "
        "status: 0x800f0922, failure source: Execute, failure details: \"(null)\", client id: "
        "DISM Package Manager Provider\r\n"
        "2018-02-14 11:32:41, Info                  CBS    Exec: Processing complete.  Session: "
        "30651968_3203616141, Package: Microsoft-Windows-ServerCore-Package~31bf3856ad364e35~"
        "amd64~~6.3.9600.16384 [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]\r\n"
        "2018-02-14 11:32:41, Info                  CBS    Session: 30651968_3203616141 "
        "finalized. Reboot required: no [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]\r\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(wd_source_cbs_log, text, &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 1);
    cr_assert_eq(acts(&c, "feature|failed|0x800F0922|2018-02-14T11:32:41|-|-|unknown|-|"
                          "Microsoft-Windows-Deployment-Services|Microsoft-Windows-ServerCore-"),
                 1);
    cap_free(&c);
}

/* ------------------------------------------------------- startup processing */

/* A real Windows 11 24H2 CBS log (WinMedic): enabling Windows Sandbox, the
 * Container Installer fails at the restart, CBS announces a rollback,
 * restarts (0x80070BC2) and ends "Startup: Processing complete. [HRESULT =
 * 0x800f0922]". One failed commit, named after the installer; the log names
 * no package, so the startup changes are the subject. The "Error
 * [0x01806a] CSI" line is read as CSI despite its error id. */
Test(collector_cbslog, startup_rollback_is_one_failed_commit_naming_the_installer_real_log)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/startup-rollback-sandbox.log", &c, &sum);
    dump(&c);
    cr_assert_eq(failed(&c), 1);
    cr_assert_eq(acts(&c, "commit|failed|0x800F0922|2026-10-08T20:55:39|-|-|unknown|-|"
                          "Container Installer|-|-1|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "0x80070BC2"), 0);
    cr_assert_eq(cap_count(&c.activities, "Servicing changes finished at startup"), 1);
    cap_free(&c);
}

#define STARTUP_CU                                                                              \
    "2024-02-14 03:12:42, Info                  CBS    Exec: Processing started.  Client: "     \
    "UpdateAgentLCU, Session: 7_7, Package: " RF "19041.4046.1.7, Identifier: KB5034763\r\n"      \
    "2024-02-14 03:47:55, Info                  CBS    Exec: Processing complete.  Session: "   \
    "7_7, Package: " RF "19041.4046.1.7, Identifier: KB5034763 [HRESULT = 0x00000000 - S_OK]\r\n" \
    "2024-02-14 03:47:55, Info                  CBS    Session: 7_7 finalized. Reboot "         \
    "required: yes [HRESULT = 0x00000000 - S_OK]\r\n"                                           \
    "2024-02-14 18:02:11, Info                  CBS    TI: --- Initializing Trusted Installer "  \
    "---\r\n"                                                                                   \
    "2024-02-14 18:02:14, Info                  CBS    Startup: Processing advanced operation " \
    "queue, startupPhase: 0\r\n"

/* The end of startup processing is the outcome of the package a session left
 * waiting for the restart: its KB fails (rollback, cut short by the end of
 * the log too) or completes. */
Test(collector_cbslog, startup_outcome_belongs_to_the_package_left_pending)
{
    static const struct {
        const char *tail, *expect;
    } cases[] = {
        {"2024-02-14 18:02:31, Error                 CBS    Startup: Failed to process advanced "
         "operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = "
         "0x800f0922 - CBS_E_INSTALLERS_FAILED]\r\n"
         "2024-02-14 18:02:33, Info                  CBS    Startup: Processing complete. "
         "[HRESULT = 0x80070bc2 - ERROR_SUCCESS_REBOOT_REQUIRED]\r\n"
         "2024-02-14 18:04:10, Info                  CBS    Startup: Processing complete. "
         "[HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]\r\n",
         "commit|failed|0x800F0922|2024-02-14T18:04:10|KB5034763|-|os-cumulative|"},
        /* the log ends while the rollback is under way (a real Windows 8.1 end) */
        {"2024-02-14 18:02:31, Error                 CBS    Startup: Failed to process advanced "
         "operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = "
         "0x800f0922 - CBS_E_INSTALLERS_FAILED]\r\n"
         "2024-02-14 18:02:31, Info                  CBS    Setting original failure status: "
         "0x800f0922, last forward execute state: CbsExecuteStateResolvePending\r\n",
         "commit|failed|0x800F0922|2024-02-14T18:02:31|KB5034763|-|os-cumulative|"},
        {"2024-02-14 18:03:40, Info                  CBS    Startup: Processing complete. "
         "[HRESULT = 0x00000000 - S_OK]\r\n",
         "commit|succeeded|0x00000000|2024-02-14T18:03:40|KB5034763|-|os-cumulative|"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wd_buf t = WD_BUF_INIT;
        wd_buf_printf(&t, "%s%s", STARTUP_CU, cases[i].tail);
        capture c = {0};
        wd_source_rec sum;
        run_text(wd_source_cbs_log, wd_buf_cstr(&t), &c, &sum);
        dump(&c);
        cr_assert_eq(acts(&c, "servicing|pending-reboot|0x00000000|2024-02-14T03:47:55|KB5034763|"),
                     1, "case %zu", i);
        cr_assert_eq(acts(&c, "commit|"), 1, "case %zu", i);
        cr_assert_eq(acts(&c, cases[i].expect), 1, "case %zu", i);
        cap_free(&c);
        wd_buf_free(&t);
    }
}

/* "Universal Time is:" at each TiWorker start, on a line stamped in local
 * time, states the machine's offset from UTC: lines of real logs, a Windows
 * 11 22H2 in UTC+8 (2024) and a Windows 8.1 in UTC-5 (2015). Sent again
 * only when it changes (daylight saving time). */
Test(collector_cbslog, universal_time_line_gives_the_utc_offset)
{
    static const char text[] =
        "2024-07-25 02:54:53, Info                  CBS    TiWorker starts successfully.\n"
        "2024-07-25 02:54:53, Info                  CBS    Universal Time is: 2024-07-24 "
        "18:54:53.287\n"
        "2024-07-25 03:54:07, Info                  CBS    Universal Time is: 2024-07-24 "
        "19:54:07.866\n"
        "2015-02-23 21:47:28, Info                  CBS    Universal Time is: 2015-02-24 "
        "02:47:28.286\n"
        "2015-02-23 21:47:29, Info                  CBS    Universal Time is: not a time\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(wd_source_cbs_log, text, &c, &sum);
    cr_assert_eq(c.facts.n, 2, "%zu facts", c.facts.n);
    cr_assert_str_eq(c.facts.items[0], "time.utc_offset=+08:00");
    cr_assert_str_eq(c.facts.items[1], "time.utc_offset=-05:00");
    cr_assert_eq(c.activities.n, 0);
    cap_free(&c);
}

/* ------------------------------------------------------------- DISM */

Test(collector_cbslog, dism_restorehealth_without_source_fails_three_times)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_dism_log, "tests/fixtures/dism/restorehealth-no-source.log", &c, &sum);
    dump(&c);
    cr_assert_eq(failed(&c), 3);
    cr_assert_eq(acts(&c, "repair|failed|0x800F081F|2023-06-15T09:41:07|-|-|unknown|-|-|-|-1|"),
                 1);
    cr_assert_eq(acts(&c, "repair|failed|0x800F081F|"), 3);
    /* a scan that ran says nothing in dism.log about what it found */
    cr_assert_eq(acts(&c, "verify|unknown|-|2023-06-15T09:18:44|"), 1);
    cr_assert_eq(acts(&c, "verify|unknown|-|2023-06-15T11:40:02|"), 1);
    cr_assert_eq(acts(&c, "verify|succeeded|"), 0);
    cr_assert_eq(cap_count(&c.activities, "0x8007007E"), 0); /* a missing PE provider */
    /* the facts, once each */
    cr_assert_eq(c.facts.n, 3);
    cr_assert_eq(cap_count(&c.facts, "os.build=19045"), 1);
    cr_assert_eq(cap_count(&c.facts, "os.arch=amd64"), 1);
    cr_assert_eq(cap_count(&c.facts, "os.ubr=3086"), 1);
    cap_free(&c);
}

Test(collector_cbslog, dism_source_that_is_not_a_folder_is_the_target_of_the_failure)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_dism_log, "tests/fixtures/dism/restorehealth-bad-source.log", &c, &sum);
    dump(&c);
    cr_assert_eq(failed(&c), 2);
    cr_assert_eq(acts(&c, "repair|failed|0x8007007B|2023-06-15T12:08:35|-|-|unknown|-|"
                          "F:\\Win\\Win10\\sources\\install.wim|-|-1|"),
                 1);
    cr_assert_eq(acts(&c, "repair|failed|0x800F081F|2023-06-15T12:09:16|-|-|unknown|-|"
                          "F:\\Win\\Win10\\sources\\install.wim|-|-1|"),
                 1);
    cap_free(&c);
}

Test(collector_cbslog, dism_netfx3_enable_failing_names_the_feature)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_dism_log, "tests/fixtures/dism/netfx3-0x800f081f.log", &c, &sum);
    dump(&c);
    cr_assert_eq(failed(&c), 1);
    cr_assert_eq(acts(&c, "feature|failed|0x800F081F|2023-09-20T11:05:43|-|-|unknown|-|NetFx3|"),
                 1);
    cap_free(&c);
}

Test(collector_cbslog, dism_add_package_needing_a_restart_is_pending_reboot)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_dism_log, "tests/fixtures/dism/add-package-reboot.log", &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 1);
    cr_assert_eq(acts(&c, "servicing|pending-reboot|-|2023-07-12T04:44:52|KB5028166|-|unknown|-|"
                          "C:\\install\\windows10.0-kb5028166-x64.cab|-|-1|"),
                 1);
    cap_free(&c);
}

#define DL(t, m) "2023-06-15 " t ", Info                  DISM   " m "\n"

Test(collector_cbslog, dism_runs_without_an_end_or_an_operation)
{
    static const char text[] =
        /* app provisioning failing: not an update operation, nothing sent */
        DL("09:00:00", "PID=100 TID=104 Scratch directory set to 'C:\\Windows\\TEMP\\'.")
        DL("09:00:00", "DISM.EXE: <----- Starting Dism.exe session ----->")
        DL("09:00:00", "DISM.EXE: Executing command line: C:\\Windows\\system32\\Dism.exe /online "
                       "/add-provisionedappxpackage /packagepath:C:\\x.appx")
        DL("09:00:01", "DISM Image Session: PID=200 TID=204 Instantiating the Provider Store.")
        "2023-06-15 09:00:02, Error                 DISM   DISM Appx Provider: PID=200 TID=204 "
        "Failed processing command to add Appx package - CAppxManager::ExecuteCmdLine"
        "(hr:0x80070003)\n"
        DL("09:00:02", "DISM.EXE: <----- Ending Dism.exe session ----->")
        /* an /Image run services another image: nothing about this machine */
        DL("09:10:00", "PID=300 TID=304 Scratch directory set to 'C:\\Windows\\TEMP\\'.")
        DL("09:10:00", "DISM.EXE: <----- Starting Dism.exe session ----->")
        DL("09:10:00", "DISM.EXE: Host machine information: OS Version=10.0.19045, Running "
                       "architecture=amd64, Number of processors=4")
        DL("09:10:00", "DISM.EXE: Executing command line: dism /image:C:\\mount "
                       "/cleanup-image /restorehealth")
        DL("09:10:01", "DISM.EXE: Target image information: OS Version=10.0.19045.1, Image "
                       "architecture=amd64")
        DL("09:12:00", "DISM.EXE: <----- Ending Dism.exe session ----->")
        /* a run the log ends in */
        DL("09:20:00", "PID=400 TID=404 Scratch directory set to 'C:\\Windows\\TEMP\\'.")
        DL("09:20:00", "DISM.EXE: <----- Starting Dism.exe session ----->")
        DL("09:20:00", "DISM.EXE: Executing command line: dism /online /cleanup-image "
                       "/scanhealth");
    capture c = {0};
    wd_source_rec sum;
    run_text(wd_source_dism_log, text, &c, &sum);
    dump(&c);
    cr_assert_eq(c.activities.n, 1);
    cr_assert_eq(acts(&c, "verify|in-progress|-|2023-06-15T09:20:00|"), 1);
    cr_assert_eq(cap_count(&c.facts, "os.ubr"), 0);
    /* the /Image run's host is not said to be this machine (below) */
    cr_assert_eq(cap_count(&c.facts, "os.build"), 0);
    cap_free(&c);
}

/* A real Configuration Manager task sequence (2019) ran dism.exe in a
 * Windows PE 1803 to service the Windows 7 image on C:. The host, 17134,
 * is Windows PE: on the machine whose bundle holds this dism.log (Windows
 * 10 1809 by its WindowsUpdate.log) it must not become os.build. The next
 * /Online run's host is the machine. */
Test(collector_cbslog, dism_image_run_host_is_not_this_machine)
{
    static const char text[] =
        DL("10:07:38", "PID=1884 TID=1248 Scratch directory set to "
                       "'C:\\_SMSTaskSequence\\PkgMgrTemp\\'. - CDISMManager::put_ScratchDir")
        DL("10:07:38", "DISM.EXE: <----- Starting Dism.exe session ----->")
        DL("10:07:38", "DISM.EXE: Host machine information: OS Version=10.0.17134, Running "
                       "architecture=amd64, Number of processors=4")
        DL("10:07:38", "DISM.EXE: Dism.exe version: 10.0.17134.1")
        DL("10:07:38", "DISM.EXE: Executing command line: \"X:\\windows\\system32\\dism.exe\" "
                       "/image:\"C:\" /windir:\"WINDOWS\" /apply-unattend:\"C:\\_SMSTaskSequence\\"
                       "PkgMgrTemp\\drivers.xml\"")
        DL("10:07:41", "DISM.EXE: Target image information: OS Version=6.1.7601.23505, Image "
                       "architecture=amd64")
        DL("10:08:00", "DISM.EXE: <----- Ending Dism.exe session ----->")
        DL("11:00:00", "PID=500 TID=504 Scratch directory set to 'C:\\Windows\\TEMP\\'.")
        DL("11:00:00", "DISM.EXE: <----- Starting Dism.exe session ----->")
        DL("11:00:00", "DISM.EXE: Host machine information: OS Version=10.0.17763, Running "
                       "architecture=amd64, Number of processors=4")
        DL("11:00:00", "DISM.EXE: Executing command line: dism /online /cleanup-image "
                       "/checkhealth")
        DL("11:00:05", "DISM.EXE: <----- Ending Dism.exe session ----->");
    capture c = {0};
    wd_source_rec sum;
    run_text(wd_source_dism_log, text, &c, &sum);
    dump(&c);
    cr_assert_eq(cap_count(&c.facts, "os.build=17134"), 0);
    cr_assert_eq(cap_count(&c.facts, "os.build=17763"), 1);
    cr_assert_eq(cap_count(&c.facts, "os.arch=amd64"), 1);
    cap_free(&c);
}

/* ------------------------------------------------------------- robustness */

static char *lf_copy(const char *text)
{
    wd_buf b = WD_BUF_INIT;
    for (const char *p = text; *p; p++)
        if (*p != '\r')
            wd_buf_putc(&b, *p);
    return wd_buf_detach(&b);
}

Test(collector_cbslog, utf16_and_lf_variants_read_the_same)
{
    char *path = wdt_source("tests/fixtures/cbs/cu-install-0x800f0922.log");
    char *text = wdt_read(path, NULL);
    cr_assert_not_null(text);
    capture ref = {0}, c = {0};
    wd_source_rec sum;
    run_text(wd_source_cbs_log, text, &ref, &sum);
    char *lf = lf_copy(text);
    run_text(wd_source_cbs_log, lf, &c, &sum);
    cr_assert_eq(c.activities.n, ref.activities.n);
    for (size_t i = 0; i < c.activities.n; i++)
        cr_assert_str_eq(c.activities.items[i], ref.activities.items[i]);
    cap_free(&c);
    for (int be = 0; be <= 1; be++) {
        size_t len;
        unsigned char *u16 = cap_utf16(text, be, &len);
        capture u = {0};
        cr_assert_eq(cap_run_mem(wd_source_cbs_log, u16, len, &u, &sum), 0);
        cr_assert_eq(u.activities.n, ref.activities.n);
        for (size_t i = 0; i < u.activities.n; i++)
            cr_assert_str_eq(u.activities.items[i], ref.activities.items[i]);
        cap_free(&u);
        free(u16);
    }
    cap_free(&ref);
    free(lf);
    free(text);
    free(path);
}

typedef struct stopper {
    int seen, after;
} stopper;

static int stop_activity(void *ctx, const wd_activity_rec *r)
{
    (void)r;
    stopper *s = ctx;
    return ++s->seen >= s->after ? 7 : 0;
}

Test(collector_cbslog, a_sink_that_stops_stops_the_reader)
{
    static const char *const files[] = {"tests/fixtures/cbs/sfc-unrepairable.log",
                                        "tests/fixtures/dism/restorehealth-no-source.log"};
    for (int i = 0; i < 2; i++) {
        stopper st = {0, 2};
        wd_sink sink = {.ctx = &st, .activity = stop_activity};
        wd_source_rec sum = {0};
        wd_input in;
        FILE *fp = NULL;
        char *path = wdt_source(files[i]);
        cr_assert_eq(wd_input_open_file(&in, path, path, &fp), 0);
        int rc = i ? wd_source_dism_log(&in, &sink, &sum) : wd_source_cbs_log(&in, &sink, &sum);
        cr_assert_eq(rc, 7);
        cr_assert_eq(st.seen, 2);
        fclose(fp);
        free(path);
    }
}

/* Every cut of every fixture reads without a crash, and never keeps more
 * lines than it read. */
Test(collector_cbslog, cut_logs_never_crash)
{
    static const char *const files[] = {
        "tests/fixtures/cbs/sfc-unrepairable.log", "tests/fixtures/cbs/corruption-repair-download.log",
        "tests/fixtures/cbs/cu-install-0x800f0922.log", "tests/fixtures/dism/restorehealth-bad-source.log",
        "tests/fixtures/cbs/sfc-pnp-win11.log"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char *path = wdt_source(files[f]);
        size_t len;
        char *text = wdt_read(path, &len);
        cr_assert_not_null(text);
        for (size_t cut = 0; cut < len; cut += 53) {
            for (int dism = 0; dism <= 1; dism++) {
                capture c = {0};
                wd_source_rec sum;
                cr_assert_eq(cap_run_mem(dism ? wd_source_dism_log : wd_source_cbs_log, text, cut,
                                         &c, &sum),
                             0);
                cr_assert_leq(sum.kept, sum.records);
                cap_free(&c);
            }
        }
        free(text);
        free(path);
    }
}
