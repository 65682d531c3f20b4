/* wulog.c - tests of the WindowsUpdate.log reader: what an expert reads in
 * the real 3 MB Windows 11 log (one failed search, two failed Store
 * downloads, every install succeeded, 654 trace lines), and in logs written
 * for wudiag in the real layouts: an install failure joined to its KB by
 * update id, a download failure, WSUS searches that cannot reach the server,
 * a feature update rolled back, a restart pending, a Windows 7 log with
 * Automatic Updates off; UTF-16, damaged lines and a bounded identity table. */
#include <criterion/criterion.h>

#include "capture_sink.h"
#include "support.h"

#include <stdio.h>

#define REAL_LOG "tests/expert/wulog-healthy-trace-noise/evidence/WindowsUpdate.log"
#define JOINED "tests/expert/wulog-install-failure-joined/evidence/WindowsUpdate.log"
#define WSUS "tests/expert/wulog-wsus-unreachable/evidence/WindowsUpdate.log"
#define FEATURE "tests/expert/wulog-feature-update-24h2/evidence/WindowsUpdate.log"
#define REBOOT "tests/expert/wulog-reboot-pending/evidence/WindowsUpdate.log"
#define WIN7 "tests/expert/wulog-legacy-win7-au-disabled/evidence/WindowsUpdate.log"
#define RECOVERED "tests/expert/wulog-recovered-install/evidence/WindowsUpdate.log"

static void run(const char *rel, capture *c, wd_source_rec *sum)
{
    char *path = wdt_source(rel);
    cr_assert_eq(cap_run_file(wd_source_wu_log, path, c, sum), 0, "%s", rel);
    free(path);
}

static void run_text(const char *text, capture *c, wd_source_rec *sum)
{
    cr_assert_eq(cap_run_mem(wd_source_wu_log, text, strlen(text), c, sum), 0);
}

/* Activities starting with prefix ("install|failed|0x80070643|"). */
static size_t starting(const capture *c, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < c->activities.n; i++)
        n += strncmp(c->activities.items[i], prefix, strlen(prefix)) == 0;
    return n;
}

/* The only activity starting with prefix (fails unless exactly one). */
static const char *only(const capture *c, const char *prefix)
{
    const char *found = NULL;
    size_t n = 0;
    for (size_t i = 0; i < c->activities.n; i++)
        if (strncmp(c->activities.items[i], prefix, strlen(prefix)) == 0) {
            found = c->activities.items[i];
            n++;
        }
    cr_assert_eq(n, 1, "%zu activities start with %s", n, prefix);
    return found;
}

static size_t outcome_count(const capture *c, const char *outcome)
{
    char needle[32];
    size_t n = 0;
    snprintf(needle, sizeof needle, "|%s|", outcome);
    for (size_t i = 0; i < c->activities.n; i++) {
        const char *bar = strchr(c->activities.items[i], '|');
        n += bar && strncmp(bar, needle, strlen(needle)) == 0;
    }
    return n;
}

/* Exactly one failed activity, and it starts with want ("scan|failed|0x..|time|"). */
static void one_failure(const capture *c, const char *want)
{
    cr_assert_eq(outcome_count(c, "failed"), 1);
    const char *got = only(c, want);
    cr_assert_not_null(got);
}

static void expect_facts(const capture *c, const char *const *want, size_t n)
{
    cr_assert_eq(c->facts.n, n, "%zu facts", c->facts.n);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(c->facts.items[i], want[i]);
}

/* ---------------------------------------------------- the real 3 MB log */

/* An expert reads this Windows 11 23H2 log as healthy: one search of the
 * Windows Update service failed at 01:39 (0x8024402F, its external cab could
 * not be fetched through the proxy) and the next searches succeeded; two
 * Store framework downloads stopped when the network dropped (0x80D03805);
 * every install (the .NET update KB5036620, Store apps, Defender
 * definitions) succeeded. The 621 *FAILED* lines are trace. */
Test(collector_wulog, real_log_has_three_real_failures_and_the_rest_is_trace)
{
    capture c = {0};
    wd_source_rec sum;
    run(REAL_LOG, &c, &sum);
    cr_assert_eq(sum.records, 18773);
    cr_assert_eq(sum.errors, 0);
    cr_assert_eq(c.notes.n, 0);
    cr_assert_eq(outcome_count(&c, "failed"), 3);
    const char *scan = only(&c, "scan|failed|");
    cr_assert(strstr(scan, "scan|failed|0x8024402F|2024-04-12T01:39:39.327056|-|-|unknown|-|"
                           "windows-update|-|-1|"),
              "%s", scan);
    cr_assert(strstr(scan, ":4297|-|* END * Finding updates CallerId = MoUpdateOrchestrator"));
    cr_assert_eq(starting(&c, "download|failed|0x80D03805|"), 2);
    cr_assert_eq(cap_count(&c.activities, "|store-app|") > 0, 1);
    cr_assert_eq(cap_count(&c.activities, "download|failed|0x80D03805|2024-04-12T13:41:21.154545|-|"
                                          "7244AC23-389C-4A30-8C3A-0022FB9EA52F|store-app|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "|9NH2SW16MQ7F-Microsoft.WindowsAppRuntime.1.5|*FAILED* "
                                          "[80D03805] Error occurred while downloading update"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "|9N00JJ7S3L39-Microsoft.UI.Xaml.2.0|*FAILED* [80D03805] "
                                          "Error occurred"),
                 1);
    /* no *FAILED* line other than the two download outcomes is a failure */
    for (size_t i = 0; i < c.activities.n; i++)
        if (strstr(c.activities.items[i], "|*FAILED* [") &&
            !strstr(c.activities.items[i], "Error occurred while downloading update"))
            cr_assert_eq(strncmp(strchr(c.activities.items[i], '|'), "|trace|", 7), 0, "%s",
                         c.activities.items[i]);
    cap_free(&c);
}

Test(collector_wulog, real_log_outcomes_per_operation)
{
    capture c = {0};
    wd_source_rec sum;
    run(REAL_LOG, &c, &sum);
    cr_assert_eq(starting(&c, "scan|succeeded|"), 52);
    cr_assert_eq(starting(&c, "install|succeeded|0x00000000|"), 9);
    cr_assert_eq(starting(&c, "install|in-progress|"), 10);
    cr_assert_eq(starting(&c, "download|succeeded|"), 59);
    cr_assert_eq(outcome_count(&c, "trace"), 654);
    cr_assert_eq(c.activities.n, 52 + 1 + 9 + 10 + 59 + 2 + 654);
    /* kept counts lines: one SLS line gave four of the eight facts */
    cr_assert_eq(sum.kept, c.activities.n + 5);
    /* Defender's "Exit code = 0x00240010" search is a success code */
    cr_assert_eq(starting(&c, "scan|succeeded|0x00240010|"), 2);
    cap_free(&c);
}

/* The .NET update's install result names only its top-level id; its KB and
 * package come from the handler lines of its CBS child. */
Test(collector_wulog, real_log_install_joined_to_kb_and_package_through_its_child)
{
    capture c = {0};
    wd_source_rec sum;
    run(REAL_LOG, &c, &sum);
    const char *net = only(&c, "install|succeeded|0x00000000|2024-04-11T12:48:27.573024|");
    cr_assert(strstr(net, "|KB5036620|BA15B1F5-A339-4F7F-8C55-711687501735|dotnet|-|-|"
                          "Package_for_DotNetRollup_481~31bf3856ad364e35~amd64~~10.0.9236.2|-1|"),
              "%s", net);
    cr_assert_eq(cap_count(&c.activities,
                           "install|succeeded|0x00000000|2024-04-12T14:55:57.122475|"
                           "KB2267602|3199EC79-A47A-44E7-8797-9E9416F70F68|defender|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "|140D1E53-CAC4-4A57-B29C-01B483583941|"), 0);
    cr_assert_eq(cap_count(&c.activities, "|dotnet|-|-|Package_for_DotNetRollup_481"), 1);
    cap_free(&c);
}

/* Counts of trace codes: *FAILED* lines (grep -c per code) plus the lines
 * that write a code as 0x8.......: "hr = 0x80190193", "Result code =",
 * "error 0x80d03805", "Call error code =", "failed, 0x80070002". */
Test(collector_wulog, real_log_trace_codes_stay_visible)
{
    static const struct {
        const char *code;
        size_t count;
    } codes[] = {
        {"0x80070032", 288}, {"0x8024000E", 227}, {"0x80240007", 30}, {"0x80070002", 21},
        {"0x80D03805", 12},  {"0x8024402C", 8},   {"0x80190193", 8},  {"0x8024402F", 7},
        {"0x80240438", 6},   {"0x80240022", 2},   {"0x80072EFE", 5},
    };
    capture c = {0};
    wd_source_rec sum;
    run(REAL_LOG, &c, &sum);
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char needle[40];
        snprintf(needle, sizeof needle, "|trace|%s|", codes[i].code);
        cr_assert_eq(cap_count(&c.activities, needle), codes[i].count, "%s", codes[i].code);
    }
    /* applicability errors during a search are the search's trace */
    cr_assert_eq(cap_count(&c.activities, "scan|trace|0x80070032|"), 288);
    cap_free(&c);
}

Test(collector_wulog, real_log_facts_are_the_build_agent_and_services)
{
    static const char *const want[] = {
        "os.arch=amd64",         "os.build=22631",
        "os.ubr=3447",           "wu.client_version=1216.2402.13012.0",
        "wu.service=store",      "wu.server=none",
        "wu.status_server=none", "wu.service=windows-update",
    };
    capture c = {0};
    wd_source_rec sum;
    run(REAL_LOG, &c, &sum);
    expect_facts(&c, want, sizeof want / sizeof want[0]);
    cap_free(&c);
}

/* ------------------------------------------------ logs written for wudiag */

Test(collector_wulog, install_failure_is_joined_to_its_kb_by_update_id)
{
    capture c = {0};
    wd_source_rec sum;
    run(JOINED, &c, &sum);
    cr_assert_eq(outcome_count(&c, "failed"), 1);
    const char *f = only(&c, "install|failed|");
    cr_assert(strstr(f, "install|failed|0x80070643|2024-01-10T03:07:52.973024|KB5034441|"
                        "6B7F6DD5-9A39-4E5B-9B1B-6A4B2F6B7A10|os-other|-|-|"
                        "Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.0|-1|"),
              "%s", f);
    cr_assert(strstr(f,
                     "|2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems "
                     "(KB5034441)|LogHistory called"));
    /* the same code on handler, callback and job lines, the call's summary
     * code, WU_E_NOOP and applicability errors: trace */
    cr_assert_eq(cap_count(&c.activities, "|trace|0x80070643|"), 4);
    cr_assert_eq(cap_count(&c.activities, "|trace|0x80240022|"), 1);
    cr_assert_eq(cap_count(&c.activities, "|trace|0x8024000C|"), 1);
    cr_assert_eq(cap_count(&c.activities, "scan|trace|0x8007066F|"), 1);
    cr_assert(strstr(only(&c, "scan|succeeded|"), "|microsoft-update|-|3|"));
    cr_assert_eq(cap_count(&c.activities,
                           "download|succeeded|-|2024-01-10T03:05:41.082441|KB5034441|"
                           "0C5E2C2D-7D35-4F4C-9A3E-21F0B8D0E4A7|os-other|"),
                 1);
    cap_free(&c);
}

Test(collector_wulog, deserialized_title_joins_a_later_result)
{
    const char *text =
        "2024/01/10 03:02:20.0198372 8832  6224  ComApi          Deserialized installable update "
        "2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441), "
        "UpdateID = {6B7F6DD5-9A39-4E5B-9B1B-6A4B2F6B7A10.1}\r\n"
        "2024/01/10 03:07:52.9730244 1232  11048 Agent           LogHistory called for "
        "Caller=UpdateOrchestrator, idUpdate=6B7F6DD5-9A39-4E5B-9B1B-6A4B2F6B7A10.1, operation = "
        "Install, resultMapped=80070643, resultUnMapped=80070643\r\n"
        /* the older form, as Windows 10 1809 wrote it */
        "2019/06/05 11:07:50.0950566 21136 9740  Agent           LogHistory called. "
        "idUpdate={E0F87EBF-B414-4AC7-A225-8FE802CF8618}.1, resultMapped=80070643, "
        "resultUnMapped=FFFE\r\n"
        "2019/06/05 11:08:50.0950566 21136 9740  Agent           LogHistory called for "
        "Caller=UpdateOrchestrator, idUpdate=E0F87EBF-B414-4AC7-A225-8FE802CF8618.1, operation = "
        "Uninstall, resultMapped=0, resultUnMapped=0\r\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(text, &c, &sum);
    cr_assert_eq(c.activities.n, 3);
    cr_assert_str_eq(c.activities.items[0],
                     "install|failed|0x80070643|2024-01-10T03:07:52.973024|KB5034441|"
                     "6B7F6DD5-9A39-4E5B-9B1B-6A4B2F6B7A10|os-other|-|-|-|-1|mem.txt:2|"
                     "2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems "
                     "(KB5034441)|LogHistory called for Caller=UpdateOrchestrator, "
                     "idUpdate=6B7F6DD5-9A39-4E5B-9B1B-6A4B2F6B7A10.1, operation = Install, "
                     "resultMapped=80070643, resultUnMapped=80070643");
    cr_assert(strstr(c.activities.items[1],
                     "install|failed|0x80070643|2019-06-05T11:07:50.095056|-|"
                     "E0F87EBF-B414-4AC7-A225-8FE802CF8618|unknown|"));
    cr_assert(strstr(c.activities.items[2], "uninstall|succeeded|0x00000000|"));
    cap_free(&c);
}

Test(collector_wulog, download_failure_is_the_download_outcome_not_its_retries)
{
    capture c = {0};
    wd_source_rec sum;
    run("tests/fixtures/wulog/WindowsUpdate-download-failure.log", &c, &sum);
    cr_assert_eq(outcome_count(&c, "failed"), 1);
    const char *f = only(&c, "download|failed|");
    cr_assert(strstr(f, "download|failed|0x80D02002|2024-03-12T15:47:21.362200|KB5035853|"
                        "C7A1E3B5-9D2F-4B6A-8E0C-2A4C6E8A0B2D|os-cumulative|"),
              "%s", f);
    cr_assert(strstr(f,
                     "|2024-03 Cumulative Update for Windows 11 Version 23H2 for x64-based "
                     "Systems (KB5035853)|*FAILED* [80D02002] Error occurred while downloading"));
    /* the three retries, the callbacks and the call's code are trace */
    cr_assert_eq(cap_count(&c.activities, "download|trace|0x80D02002|"), 3);
    cr_assert_eq(cap_count(&c.activities, "|trace|0x80D02002|"), 5);
    cr_assert_eq(cap_count(&c.activities, "|trace|0x80240022|"), 1);
    cap_free(&c);
}

Test(collector_wulog, wsus_search_failing_to_reach_the_server)
{
    static const char *const want[] = {
        "wu.client_version=10.0.19041.3086",
        "wu.server=http://wsus01.corp.contoso.com:8530",
        "wu.status_server=http://wsus01.corp.contoso.com:8530",
        "wu.service=wsus",
        "os.arch=amd64",
        "os.build=19044",
        "os.ubr=3086",
    };
    capture c = {0};
    wd_source_rec sum;
    run(WSUS, &c, &sum);
    cr_assert_eq(outcome_count(&c, "failed"), 2);
    cr_assert_eq(starting(&c,
                          "scan|failed|0x8024402C|2023-06-19T08:31:40.276800|-|-|unknown|-|wsus|"
                          "-|-1|"),
                 1);
    cr_assert_eq(starting(&c, "scan|failed|0x8024402C|2023-06-20T"), 1);
    cr_assert_eq(cap_count(&c.activities, "|trace|0x8024402C|"), 2 * 5);
    cr_assert_eq(
        cap_count(&c.activities, "Exit code = 0x8024402C (cV = Zr4sT8uVw0Xy2Za3.0.1.0.0.2)"), 1);
    expect_facts(&c, want, sizeof want / sizeof want[0]);
    cap_free(&c);
}

Test(collector_wulog, feature_update_rolled_back_is_a_feature_update_failure_to_24h2)
{
    capture c = {0};
    wd_source_rec sum;
    run(FEATURE, &c, &sum);
    cr_assert_eq(outcome_count(&c, "failed"), 1);
    const char *f = only(&c, "feature-update|failed|");
    cr_assert(strstr(f, "feature-update|failed|0xC1900101|2024-10-15T16:52:14.034600|-|"
                        "5B8A3C2D-1E0F-4A9B-8C7D-6E5F4A3B2C1D|feature-update|-|24H2|"),
              "%s", f);
    cr_assert_eq(starting(&c, "feature-update|pending-reboot|0x00000000|"), 1);
    cr_assert_eq(starting(&c, "download|succeeded|-|"), 1);
    cr_assert_eq(cap_count(&c.activities, "|trace|0xC1900101|"), 1);
    cap_free(&c);
}

Test(collector_wulog, restart_pending_is_not_a_failure)
{
    capture c = {0};
    wd_source_rec sum;
    run(REBOOT, &c, &sum);
    cr_assert_eq(outcome_count(&c, "failed"), 0);
    cr_assert_eq(starting(&c,
                          "install|pending-reboot|0x00000000|2024-03-12T16:04:35.978500|KB5035853|"
                          "19682DF0-D60C-4C12-B482-78552A546A7F|os-cumulative|"),
                 1);
    cr_assert_eq(
        starting(&c, "install|pending-reboot|0x80242014|2024-03-12T18:05:30.034600|KB5035853|"), 1);
    cap_free(&c);
}

Test(collector_wulog, recovered_install_fails_then_succeeds_next_day)
{
    capture c = {0};
    wd_source_rec sum;
    run(RECOVERED, &c, &sum);
    static const char *const id = "|KB5036620|D3F2A1B0-5C6E-4D7F-8A9B-0C1D2E3F4A5B|dotnet|";
    cr_assert_eq(outcome_count(&c, "failed"), 1);
    cr_assert(strstr(only(&c, "install|failed|0x80073712|2024-04-10T"), id));
    cr_assert(strstr(only(&c, "install|succeeded|0x00000000|2024-04-11T"), id));
    cap_free(&c);
}

/* ------------------------------------------------------------ legacy log */

Test(collector_wulog, windows7_log_au_disabled_and_an_install_reported_failed)
{
    static const char *const want[] = {
        "wu.client_version=7.6.7600.320", "wu.server=none", "wu.status_server=none",
        "wu.au_setting=disabled-by-user", "os.build=7601",  "os.product=Windows 7",
        "wu.service=windows-update",
    };
    capture c = {0};
    wd_source_rec sum;
    run(WIN7, &c, &sum);
    expect_facts(&c, want, sizeof want / sizeof want[0]);
    cr_assert_eq(outcome_count(&c, "failed"), 1);
    /* REPORT EVENT's own time, +0530, is given in UTC */
    const char *f = only(&c, "install|failed|");
    cr_assert(strstr(f, "install|failed|0x800F0922|2021-08-30T06:44:02.383000Z|KB4474419|"
                        "2F3B1F25-9C4E-4D6A-8E1B-5A7C9D0E2F41|os-other|-|-|"
                        "Package_for_KB4474419~31bf3856ad364e35~amd64~~6.1.3.2|-1|"),
              "%s", f);
    cr_assert(strstr(f, ":117|Security Update for Windows 7 for x64-based Systems (KB4474419)|"
                        "REPORT EVENT: "));
    cr_assert(strstr(only(&c, "policy|"),
                     "policy|unknown|-|2021-08-30T05:25:58.514000Z|-|-|unknown|-|"
                     "disabled-by-user|"));
    cr_assert(strstr(only(&c, "scan|"),
                     "scan|succeeded|-|2021-08-30T06:40:03.511000Z|-|-|unknown|-|"
                     "windows-update|-|2|"));
    cr_assert(strstr(only(&c, "download|"),
                     "download|succeeded|0x00000000|2021-08-30T06:41:45.090000Z|"
                     "KB4474419|"));
    /* the handler's and the call's codes are trace */
    cr_assert_eq(cap_count(&c.activities, "install|trace|0x800F0922|"), 1);
    cr_assert_eq(cap_count(&c.activities, "|trace|0x80240022|"), 1);
    cap_free(&c);
}

Test(collector_wulog, legacy_search_failure_is_its_exit_code_inside_the_block)
{
    capture c = {0};
    wd_source_rec sum;
    run("tests/fixtures/wulog/WindowsUpdate-legacy.log", &c, &sum);
    cr_assert_eq(sum.records, 19);
    cr_assert_eq(outcome_count(&c, "failed"), 1);
    cr_assert(
        strstr(only(&c, "scan|failed|"),
               "scan|failed|0x8024402C|2010-01-06T02:52:06.760000Z|-|-|unknown|-|wsus|-|-1|"));
    /* PT warnings, the AU callback, the REPORT EVENT echo: trace */
    cr_assert_eq(cap_count(&c.activities, "|trace|0x8024402C|"), 7);
    cr_assert_eq(c.facts.n, 2);
    cr_assert_str_eq(c.facts.items[0], "wu.service=wsus");
    cr_assert_str_eq(c.facts.items[1], "wu.server=http://wsus01:8530");
    cap_free(&c);
}

/* An excerpt that begins after its search's Agent block: the Software
 * Synchronization REPORT EVENT ("successfully detected 1 updates") is the
 * search's only outcome, so it is one; the rest is a download's END
 * without its START and BITS progress. */
Test(collector_wulog, real_legacy_excerpt_reads_without_failures)
{
    capture c = {0};
    wd_source_rec sum;
    char *path = wdt_corpus("logjoint-wu-legacy-excerpt/WindowsUpdate_legacy_excerpt_2013.log");
    cr_assert_eq(cap_run_file(wd_source_wu_log, path, &c, &sum), 0, "%s", path);
    free(path);
    cr_assert_gt(sum.records, 5);
    cr_assert_eq(c.activities.n, 1);
    cr_assert(strstr(only(&c, "scan|succeeded|"), "scan|succeeded|0x00000000|2013-01-27T09:55:33.171000Z|"),
              "%s", c.activities.items[0]);
    cr_assert_eq(outcome_count(&c, "failed"), 0);
    cr_assert_eq(sum.errors, 0);
    cr_assert_eq(c.notes.n, 0);
    cap_free(&c);
}

Test(collector_wulog, slash_dates_and_a_wsus_server)
{
    static const char *const want[] = {
        "wu.client_version=10.0.19041.2913",
        "wu.server=http://wsus.contoso.local:8530",
        "wu.status_server=http://wsus.contoso.local:8530",
    };
    capture c = {0};
    wd_source_rec sum;
    run("tests/fixtures/wulog/WindowsUpdate-win10-slash.log", &c, &sum);
    cr_assert_eq(sum.records, 13);
    cr_assert_eq(c.activities.n, 3);
    cr_assert(
        strstr(c.activities.items[0], "unknown|trace|0x80248014|2023-05-22T08:10:12.847997|"));
    cr_assert(strstr(c.activities.items[1], "scan|trace|0x8024402C|2023-05-22T08:10:16.200000|"));
    cr_assert(strstr(c.activities.items[2], "scan|failed|0x8024402C|2023-05-22T08:10:22.637332|"));
    expect_facts(&c, want, sizeof want / sizeof want[0]);
    cap_free(&c);
}

/* ------------------------------------------------------------ robustness */

Test(collector_wulog, utf16_log_reads_like_utf8)
{
    char *path = wdt_source(JOINED);
    char *text = wdt_read(path, NULL);
    cr_assert_not_null(text);
    capture a = {0}, b = {0};
    wd_source_rec sa, sb;
    cr_assert_eq(cap_run_mem(wd_source_wu_log, text, strlen(text), &a, &sa), 0);
    cr_assert_gt(a.activities.n, 10);
    for (int be = 0; be <= 1; be++) {
        size_t len;
        unsigned char *u16 = cap_utf16(text, be, &len);
        cr_assert_eq(cap_run_mem(wd_source_wu_log, u16, len, &b, &sb), 0);
        cr_assert_eq(sb.records, sa.records);
        cr_assert_eq(b.activities.n, a.activities.n);
        for (size_t i = 0; i < a.activities.n; i++)
            cr_assert_str_eq(b.activities.items[i], a.activities.items[i]);
        cr_assert_eq(b.facts.n, a.facts.n);
        free(u16);
        cap_free(&b);
    }
    cap_free(&a);
    free(text);
    free(path);
}

Test(collector_wulog, each_line_means_what_it_says)
{
    static const struct {
        const char *line, *activity; /* the activity's start, or NULL for none */
        uint64_t errors;
    } cases[] = {
        {"", NULL, 0},
        {"garbage *FAILED* [80070005] but no prefix", NULL, 0},
        {"2024/13/40 99:99:99.1 1 2 Agent *FAILED* [80070005] bad date", NULL, 1},
        {"2024/04/11 12:48:04.6 x 2 Agent *FAILED* [80070005] pid not a number", NULL, 1},
        {"2024/04/11 12:48:04.6 1 2", NULL, 1},
        {"2024/04/11", NULL, 1},
        {"2024/04/11 12:48:04.6 1 2 Agent *FAILED* [zzzz] not a code", NULL, 0},
        {"2024/04/11 12:48:04.6 1 2 Agent *FAILED* [80070005]", "unknown|trace|0x80070005|", 0},
        {"2024/04/11 12:48:04.6 1 2 DownloadManager *FAILED* [8024000C] DynamicDownloadDataFetcher "
         "Refresh complete",
         "download|trace|0x8024000C|", 0},
        {"2024/04/11 12:48:04.6 1 2 Agent * END * Finding updates CallerId = X, Id = 1, Exit code "
         "= "
         "0x00000000",
         "scan|succeeded|0x00000000|2024-04-11T12:48:04.600000|", 0},
        {"2024/04/11 12:48:04.6 1 2 Agent * END * Finding updates CallerId = X, Id = 1, Exit code "
         "= "
         "0x8024000C",
         "scan|succeeded|0x8024000C|", 0},
        {"2024/04/11 12:48:04.6 1 2 Agent * END * Finding updates CallerId = X, Id = 1, Exit code "
         "= "
         "0x8024000B",
         "scan|cancelled|0x8024000B|", 0},
        {"2024/04/11 12:48:04.6 1 2 Agent * END * Finding updates CallerId = X, Id = 1", NULL, 0},
        {"2024/04/11 12:48:04.6 1 2 Agent * END * Begin Downloading [hr = 0x80070005]",
         "unknown|trace|0x80070005|", 0},
        {"2024/04/11 12:48:04.6 1 2 DownloadManager DO job {9EEC40D2-C350-4760-81F0-B5F376423132} "
         "403'd, updateId = 54751BC1-F1DA-4868-8662-A3A27A51045F.1, hr = 0x80190193, "
         "BG_ERROR_CONTEXT = 5",
         "download|trace|0x80190193|2024-04-11T12:48:04.600000|-|54751BC1-F1DA-4868-8662-"
         "A3A27A51045F|",
         0},
        {"2024/04/11 12:48:04.6 1 2 Misc Load undocked module: UusId:wu.handler|hr:0x0|ModuleVer:1",
         NULL, 0},
        {"2024/04/11 12:48:04.6 1 2 ComApi * START *   Search ClientId = X, Flags: 0X80000010",
         NULL, 0},
        {"2024/04/11 12:48:04.6 1 2 Agent LogHistory called for Caller=X, idUpdate=nonsense, "
         "resultMapped=80070643",
         NULL, 0},
        {"2013-01-27\t10:55:33:171+0100\t1160\t3ca0\tAgent\t  * WARNING: Exit code = 0x80240022",
         "unknown|trace|0x80240022|2013-01-27T09:55:33.171000Z|", 0},
        {"2013-01-27\t10:55:33:171\t1160\t3ca0\tReport\tREPORT EVENT: {A}\tbad\t1\t182", NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        capture c = {0};
        wd_source_rec sum;
        run_text(cases[i].line, &c, &sum);
        cr_assert_eq(c.activities.n, cases[i].activity ? 1 : 0, "case %zu: %s", i, cases[i].line);
        if (cases[i].activity)
            cr_assert_eq(
                strncmp(c.activities.items[0], cases[i].activity, strlen(cases[i].activity)), 0,
                "case %zu: %s", i, c.activities.items[0]);
        cr_assert_eq(sum.errors, cases[i].errors, "case %zu", i);
        cr_assert_eq(c.notes.n, cases[i].errors ? 1 : 0, "case %zu", i);
        cap_free(&c);
    }
}

Test(collector_wulog, damaged_lines_become_one_note_and_the_rest_is_read)
{
    const char *text = "2024/04/11 12:48:04.6 1 2 Agent WSUS server: (null)\n"
                       "2024/04/11 1?:48:04.6 1 2 Agent *FAILED* [80070005] cut\n"
                       "2024/04/11 12:48:05.6 1 2 Agent * END * Finding updates CallerId = X, Id "
                       "= 1, Exit code = 0x8024402C\n"
                       "2024/\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(text, &c, &sum);
    cr_assert_eq(sum.records, 4);
    cr_assert_eq(sum.errors, 2);
    cr_assert_eq(c.notes.n, 1);
    cr_assert_str_eq(c.notes.items[0], "mem.txt|line 2 (2 lines)|lines with a damaged time or "
                                       "layout were skipped");
    cr_assert_eq(c.activities.n, 1);
    cr_assert(strstr(c.activities.items[0], "scan|failed|0x8024402C|"));
    cr_assert_eq(c.facts.n, 1);
    cap_free(&c);
}

/* The update identities the reader remembers are bounded: a log naming
 * 5000 updates keeps the newest ones joined and forgets the oldest. */
Test(collector_wulog, identity_table_is_bounded_and_forgets_the_oldest)
{
    wd_buf b = WD_BUF_INIT;
    for (unsigned i = 0; i < 5000; i++)
        wd_buf_printf(&b,
                      "2024/04/11 12:48:04.6 1 2 Agent   Title = Update number %u (KB5%06u)\n"
                      "2024/04/11 12:48:04.6 1 2 Agent   UpdateId = %08X-1111-2222-3333-"
                      "444455556666.1\n",
                      i, i, i);
    for (unsigned i = 0; i < 5000; i += 4999)
        wd_buf_printf(&b,
                      "2024/04/11 12:49:00.0 1 3 Agent LogHistory called for Caller=X, "
                      "idUpdate=%08X-1111-2222-3333-444455556666.1, operation = Install, "
                      "resultMapped=80070643, resultUnMapped=0\n",
                      i);
    cr_assert(wd_buf_ok(&b));
    capture c = {0};
    wd_source_rec sum;
    run_text(wd_buf_cstr(&b), &c, &sum);
    cr_assert_eq(c.activities.n, 2);
    cr_assert(strstr(c.activities.items[0], "install|failed|0x80070643|2024-04-11T12:49:00|-|"
                                            "00000000-1111-2222-3333-444455556666|unknown|"),
              "%s", c.activities.items[0]);
    cr_assert(strstr(c.activities.items[1], "|KB5004999|00001387-1111-2222-3333-444455556666|"),
              "%s", c.activities.items[1]);
    wd_buf_free(&b);
    cap_free(&c);
}

/* A sink that stops after two activities. */
static int stop_at_two(void *ctx, const wd_activity_rec *r)
{
    (void)r;
    return ++*(int *)ctx >= 2 ? 7 : 0;
}

Test(collector_wulog, a_sink_that_stops_stops_the_reader)
{
    char *path = wdt_source(REAL_LOG);
    int seen = 0;
    wd_sink sink = {.ctx = &seen, .activity = stop_at_two};
    wd_input in;
    FILE *fp = NULL;
    wd_source_rec sum = {0};
    cr_assert_eq(wd_input_open_file(&in, path, path, &fp), 0);
    cr_assert_eq(wd_source_wu_log(&in, &sink, &sum), 7);
    cr_assert_eq(seen, 2);
    cr_assert_lt(sum.records, 1000);
    fclose(fp);
    free(path);
}

Test(collector_wulog, a_legacy_header_zone_makes_line_times_utc)
{
    const char *text =
        "2021-08-30\t12:09:58:220\t2812\t2a4\tMisc\t===========  Logging initialized (build: "
        "7.6.7600.320, tz: +0530)  ===========\r\n"
        "2021-08-30\t12:10:00:612\t700\t17b0\tPT\tWARNING: Send failed with hr = 80072efd.\r\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(text, &c, &sum);
    cr_assert_eq(c.activities.n, 1);
    cr_assert(strstr(c.activities.items[0], "scan|trace|0x80072EFD|2021-08-30T06:40:00.612000Z|"),
              "%s", c.activities.items[0]);
    cap_free(&c);
}

/* The legacy "OS Product Type" is the edition's SKU (GetProductInfo), not
 * VER_NT_*: lines of a real Windows Server 2008 R2 Datacenter log (a public
 * write-up of a test machine, 2017) say 0x00000008, and a Windows 7
 * Professional says 0x00000030 - a client, whatever the number. */
Test(collector_wulog, legacy_product_type_is_the_edition_sku)
{
    static const struct {
        const char *type, *product;
    } cases[] = {{"0x00000008", "os.product=Windows Server 2008 R2"},
                 {"0x00000007", "os.product=Windows Server 2008 R2"},
                 {"0x00000030", "os.product=Windows 7"},
                 {"0x00000001", "os.product=Windows 7"},
                 {"0x00000004", "os.product=Windows 7"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "2017-03-18\t19:07:31:924\t 952\t5b4\tReport\t  * OS Version = "
                 "6.1.7600.0.0.197008\r\n"
                 "2017-03-18\t19:07:31:924\t 952\t5b4\tReport\t  * OS Product Type = %s\r\n",
                 cases[i].type);
        capture c = {0};
        wd_source_rec sum;
        run_text(text, &c, &sum);
        cr_assert_eq(c.facts.n, 2, "%s: %zu facts", cases[i].type, c.facts.n);
        cr_assert_str_eq(c.facts.items[0], "os.build=7600");
        cr_assert_str_eq(c.facts.items[1], cases[i].product, "%s", cases[i].type);
        cap_free(&c);
    }
}

/* Windows 10 up to 1709 writes a search's code on its own line before the
 * END, which then has none. The lines are those Microsoft's article on
 * error 80070426 (feature updates never offered) quotes, with times added:
 * one failed scan, its *FAILED* steps trace, the Exit code line neither. */
Test(collector_wulog, windows_10_1709_search_exit_code_line_before_its_end)
{
    const char *text =
        "2018/02/14 10:21:10.1234567 1108  9772  Agent           * START * Finding updates "
        "CallerId = Update;taskhostw  Id = 25\r\n"
        "2018/02/14 10:21:10.1235678 1108  9772  Agent           ServiceID = "
        "{855E8A7C-ECB4-4CA3-B045-1DFA50104289} Third party service\r\n"
        "2018/02/14 10:21:12.1243456 1108  9772  Misc            *FAILED* [80070426] GetAgentToken\r\n"
        "2018/02/14 10:21:14.1253456 1108  9772  ProtocolTalker  *FAILED* [80070426] "
        "Initialization failed for Protocol Talker Context\r\n"
        "2018/02/14 10:21:15.1255678 1108  9772  Agent           Exit code = 0x80070426\r\n"
        "2018/02/14 10:21:15.1256789 1108  9772  Agent           * END * Finding updates "
        "CallerId = Update;taskhostw  Id = 25\r\n"
        /* a later search of the same thread that ends without any code: nothing */
        "2018/02/14 11:00:00.0000000 1108  9772  Agent           * START * Finding updates "
        "CallerId = Update;taskhostw  Id = 26\r\n"
        "2018/02/14 11:00:05.0000000 1108  9772  Agent           * END * Finding updates "
        "CallerId = Update;taskhostw  Id = 26\r\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(text, &c, &sum);
    one_failure(&c, "scan|failed|0x80070426|2018-02-14T10:21:15.125678|");
    cr_assert_eq(outcome_count(&c, "trace"), 2);
    cr_assert_eq(c.activities.n, 3);
    cap_free(&c);
}

/* A legacy excerpt pasted from the middle of a search (a Windows Server
 * 2008 R2 log in github.com/cloudbase/windows-imaging-tools issue 53 lost
 * its "** START **" line so): the agent's self-update check cannot reach
 * the WSUS server, "* WARNING: Exit code = 0x80072EE2" and the END on the
 * same thread are the search's outcome, and the self-update URL names the
 * server. A COMAPI call's exit code and an exit code before another block's
 * END stay what they are. Written for wudiag in that layout. */
Test(collector_wulog, legacy_search_cut_at_its_start_still_ends_failed)
{
    const char *text =
        "2016-09-08\t10:48:19:500\t 848\t604\tAgent\t  * Online = Yes; Ignore download priority = No\r\n"
        "2016-09-08\t10:48:19:500\t 848\t604\tAgent\t  * ServiceID = "
        "{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7} Managed\r\n"
        "2016-09-08\t10:48:19:515\t 848\t604\tSetup\tChecking for agent SelfUpdate\r\n"
        "2016-09-08\t10:48:43:109\t 848\t604\tMisc\tWARNING: WinHttp: SendRequestUsingProxy failed "
        "for <http://wsus-b.example.org:8530/selfupdate/wuident.cab>. error 0x80072ee2\r\n"
        "2016-09-08\t10:48:43:109\t 848\t604\tSetup\tFATAL: SelfUpdate check failed, err = 0x80072EE2\r\n"
        "2016-09-08\t10:48:43:125\t 848\t604\tAgent\t  * WARNING: Exit code = 0x80072EE2\r\n"
        "2016-09-08\t10:48:43:125\t 848\t604\tAgent\t*********\r\n"
        "2016-09-08\t10:48:43:125\t 848\t604\tAgent\t**  END  **  Agent: Finding updates "
        "[CallerId = AutomaticUpdates]\r\n"
        /* a call's exit code on another thread, then an END of another block */
        "2016-09-08\t10:50:00:005\t 848\t30fc\tCOMAPI\t  - WARNING: Exit code = 0x80240024\r\n"
        "2016-09-08\t10:51:00:000\t 848\t71c\tAgent\t  * WARNING: Exit code = 0x80246007\r\n"
        "2016-09-08\t10:51:00:000\t 848\t71c\tAgent\t**  END  **  Agent: Downloading updates "
        "[CallerId = AutomaticUpdates]\r\n"
        "2016-09-08\t10:52:00:000\t 848\t71c\tAgent\t**  END  **  Agent: Finding updates "
        "[CallerId = AutomaticUpdates]\r\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(text, &c, &sum);
    one_failure(&c, "scan|failed|0x80072EE2|2016-09-08T10:48:43.125000|");
    cr_assert(strstr(only(&c, "scan|"), "|wsus|"), "%s", only(&c, "scan|"));
    cr_assert_eq(starting(&c, "scan|"), 1);
    cr_assert_eq(cap_count(&c.facts, "wu.server=http://wsus-b.example.org:8530"), 1);
    cap_free(&c);
}

/* The protocol talker names the server of the service it syncs with: a
 * WSUS server for the WSUS service id (as in the Windows 10 log of
 * github.com/DCourtel/Wsus_Package_Publisher issue 4, which has no "WSUS
 * server:" line), never for Microsoft Update's. Written for wudiag. */
Test(collector_wulog, protocol_talker_names_the_wsus_server)
{
    const char *text =
        "2019/06/05 11:07:40.9876520 21136 16428 ProtocolTalker  ServiceId = "
        "{7971F918-A847-4430-9279-4A52D1EFE18D}, Server URL = "
        "https://fe2.cr.update.microsoft.com/v6/ClientWebService/client.asmx\r\n"
        "2019/06/05 11:07:41.9876520 21136 16428 ProtocolTalker  ServiceId = "
        "{3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}, Server URL = "
        "http://wsus-c.example.org:8530/ClientWebService/client.asmx\r\n";
    capture c = {0};
    wd_source_rec sum;
    run_text(text, &c, &sum);
    static const char *const want[] = {"wu.server=http://wsus-c.example.org:8530"};
    expect_facts(&c, want, 1);
    cr_assert_eq(c.activities.n, 0);
    cap_free(&c);
}

/* Get-WindowsUpdateLog writes its dates with the date separator of the
 * regional format it runs under: slashes on en-US, dashes in the real 3 MB
 * log of an en-IN user, dots on de-DE or ru-RU, ". " on cs-CZ, and a "."
 * time separator on some. Every variant reads like the slash log. */
Test(collector_wulog, regional_date_separators_read_like_slashes)
{
    static const char *const variants[][2] = {
        {"2024/01/10", "03:07:52"}, {"2024.01.10", "03:07:52"},
        {"2024. 01. 10", "03:07:52"}, {"2024-01-10", "03:07:52"},
        {"2024.01.10", "03.07.52"}};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "%s %s.9730244 1232  11048 Agent           LogHistory called for "
                 "Caller=UpdateOrchestrator, idUpdate=6B7F6DD5-9A39-4E5B-9B1B-6A4B2F6B7A10.1, "
                 "operation = Install, resultMapped=80070643, resultUnMapped=80070643\r\n",
                 variants[i][0], variants[i][1]);
        capture c = {0};
        wd_source_rec sum;
        run_text(text, &c, &sum);
        cr_assert_eq(c.activities.n, 1, "%s %s", variants[i][0], variants[i][1]);
        cr_assert(strstr(c.activities.items[0],
                         "install|failed|0x80070643|2024-01-10T03:07:52.973024|"),
                  "%s", c.activities.items[0]);
        cap_free(&c);
    }
}

static int note_kind(void *ctx, const wd_note_rec *r)
{
    *(wd_note_kind *)ctx = r->kind;
    return strstr(r->reason, "Get-WindowsUpdateLog") ? 0 : -1;
}

/* A log Get-WindowsUpdateLog decoded without its symbols: "Unknown( 10):
 * GUID=... (No Format Information found)." (the placeholder the WPP trace
 * formatter writes, as Microsoft's tracefmt documentation shows it). Mostly
 * such lines: the log was not read (unreadable); a few: partial. */
Test(collector_wulog, log_decoded_without_symbols_is_unreadable)
{
    const char *undecoded = "1601/01/01 02:00:00.0000000 1028  1696                  Unknown( "
                            "10): GUID=d1317ae8-ec05-3e09-4a50-93af668e92a9 (No Format "
                            "Information found).\r\n";
    const char *decoded = "2024/01/10 03:02:20.0041234 1232  4488  Agent           * START * "
                          "Finding updates CallerId = UpdateOrchestrator  Id = 5\r\n";
    for (int mostly = 0; mostly <= 1; mostly++) {
        wd_buf t = WD_BUF_INIT;
        for (int i = 0; i < 4; i++)
            wd_buf_puts(&t, (i < 3) == mostly ? undecoded : decoded);
        wd_note_kind kind = WD_NOTE_INFO;
        wd_sink sink = {.ctx = &kind, .note = note_kind};
        wd_input in;
        wd_source_rec sum = {0};
        wd_input_open_mem(&in, t.data, t.len, "WindowsUpdate.log");
        cr_assert_eq(wd_source_wu_log(&in, &sink, &sum), 0);
        cr_assert_eq(kind, mostly ? WD_NOTE_UNREADABLE : WD_NOTE_PARTIAL);
        wd_buf_free(&t);
    }
}
