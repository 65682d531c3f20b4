/* wulog.c - tests of the WindowsUpdate.log reader on the real 3 MB Windows
 * 10/11 log (dash dates), the real legacy excerpt, and fixtures for the slash
 * date variant, legacy failures, UTF-16 and damaged input. */
#include <criterion/criterion.h>

#include "capture_sink.h"
#include "support.h"

#define REAL_LOG "debajyati-logparsing/WindowsUpdate.log"

static void run_corpus(const char *rel, capture *c, wd_source_rec *sum)
{
    char *path = wdt_corpus(rel);
    cr_assert_eq(cap_run_file(wd_source_wu_log, path, c, sum), 0, "%s", rel);
    free(path);
}

static void run_fixture(const char *rel, capture *c, wd_source_rec *sum)
{
    char *path = wdt_source(rel);
    cr_assert_eq(cap_run_file(wd_source_wu_log, path, c, sum), 0, "%s", rel);
    free(path);
}

/* Counts from `grep -o '\*FAILED\* \[[0-9A-F]*\]' | sort | uniq -c` on the
 * real log, plus its one failing "Exit code = 0x8024402F" END line. */
static const struct {
    const char *code;
    size_t count;
} REAL_CODES[] = {
    {"0x80004001|", 6},  {"0x80004005|", 1}, {"0x8000FFFF|", 1},  {"0x80070002|", 7},
    {"0x80070003|", 4},  {"0x80070005|", 4}, {"0x80070032|", 288}, {"0x80070057|", 4},
    {"0x800700DE|", 6},  {"0x80070103|", 2}, {"0x800703F0|", 1},  {"0x800704C6|", 5},
    {"0x800704CF|", 2},  {"0x80072EF3|", 2}, {"0x80072EFE|", 5},  {"0x80240007|", 30},
    {"0x8024000E|", 227}, {"0x80240438|", 4}, {"0x8024402C|", 8},  {"0x8024402F|", 7},
    {"0x80D03805|", 10},
};

Test(collector_wulog, real_windows10_log_failures_match_grep_counts)
{
    capture c = {0};
    wd_source_rec sum;
    run_corpus(REAL_LOG, &c, &sum);
    cr_assert_eq(sum.records, 18773);
    cr_assert_eq(sum.kept, 624);
    cr_assert_eq(sum.errors, 0);
    cr_assert_eq(c.failures.n, 624);
    cr_assert_eq(c.notes.n, 0);
    for (size_t i = 0; i < sizeof REAL_CODES / sizeof REAL_CODES[0]; i++)
        cr_assert_eq(cap_count(&c.failures, REAL_CODES[i].code), REAL_CODES[i].count, "%s",
                     REAL_CODES[i].code);
    /* the benign noise codes are still failures, marked in their context */
    cr_assert_eq(cap_count(&c.failures, "[often benign]"), 288 + 227);
    cap_free(&c);
}

Test(collector_wulog, real_log_scan_result_has_time_component_operation_and_line)
{
    capture c = {0};
    wd_source_rec sum;
    run_corpus(REAL_LOG, &c, &sum);
    cr_assert_eq(cap_count(&c.failures,
                           "0x8024402F|WindowsUpdate.log|2024-04-12T01:39:39.327056|scan|-|Agent|-|"
                           "4297|2024-04-12 01:39:39.3270568 4972  12948 Agent           * END * "
                           "Finding updates CallerId = MoUpdateOrchestrator, Id = 5, Exit code = "
                           "0x8024402F (cV = qEYuRodYLkuAjaKs.0.1.0.0.2)"),
                 1);
    /* success codes with the severity bit clear are not failures */
    cr_assert_eq(cap_count(&c.failures, "0x00240001|"), 0);
    cr_assert_eq(cap_count(&c.failures, "0x00240010|"), 0);
    cap_free(&c);
}

Test(collector_wulog, real_log_facts_are_distinct_server_urls_and_client_version)
{
    capture c = {0};
    wd_source_rec sum;
    run_corpus(REAL_LOG, &c, &sum);
    const char *want[] = {
        "wu.client_version=1216.2402.13012.0",
        "wu.server_url=https://fe3cr.delivery.mp.microsoft.com/ClientWebService/client.asmx",
        "wu.server_url=https://fe2cr.update.microsoft.com/v6/ClientWebService/client.asmx",
        "wulog.last_scan_exit=0x00000000",
    };
    cr_assert_eq(c.facts.n, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(c.facts.items[i], want[i]);
    cap_free(&c);
}

Test(collector_wulog, slash_dates_and_a_wsus_server)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture("tests/fixtures/wulog/WindowsUpdate-win10-slash.log", &c, &sum);
    cr_assert_eq(sum.records, 13);
    cr_assert_eq(sum.kept, 3);
    const char *fails[] = {
        "0x80248014|WindowsUpdate.log|2023-05-22T08:10:12.847997|-|-|Agent|-|4|",
        "0x8024402C|WindowsUpdate.log|2023-05-22T08:10:16.200000|-|-|WebServices|-|7|",
        "0x8024402C|WindowsUpdate.log|2023-05-22T08:10:22.637332|scan|-|Agent|-|8|",
    };
    cr_assert_eq(c.failures.n, 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(strncmp(c.failures.items[i], fails[i], strlen(fails[i])), 0, "%s",
                     c.failures.items[i]);
    cr_assert_eq(cap_count(&c.failures, "[often benign]"), 1);
    const char *facts[] = {
        "wu.client_version=10.0.19041.2913",
        "wu.wsus_server=http://wsus.contoso.local:8530",
        "wu.wsus_status_server=http://wsus.contoso.local:8530",
        "wu.server_url=http://wsus.contoso.local:8530/ClientWebService/client.asmx",
        "wulog.last_scan_exit=0x8024402C",
    };
    cr_assert_eq(c.facts.n, 5);
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(c.facts.items[i], facts[i]);
    cap_free(&c);
}

Test(collector_wulog, legacy_warning_and_exit_code_lines)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture("tests/fixtures/wulog/WindowsUpdate-legacy.log", &c, &sum);
    cr_assert_eq(sum.records, 12);
    const char *fails[] = {
        "0x8024402C|WindowsUpdate.log|2010-01-05T18:52:06.700000|-|-|PT|-|5|",
        "0x8024402C|WindowsUpdate.log|2010-01-05T18:52:06.702000|-|-|PT|-|7|",
        "0x8024402C|WindowsUpdate.log|2010-01-05T18:52:06.762000|scan|-|Agent|-|10|",
    };
    cr_assert_eq(c.failures.n, 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(strncmp(c.failures.items[i], fails[i], strlen(fails[i])), 0, "%s",
                     c.failures.items[i]);
    cr_assert_eq(c.facts.n, 2);
    cr_assert_str_eq(c.facts.items[0], "wu.wsus_server=http://wsus01:8530");
    cr_assert_str_eq(c.facts.items[1], "wulog.last_scan_exit=0x8024402C");
    cap_free(&c);
}

Test(collector_wulog, real_legacy_excerpt_reads_without_failures)
{
    capture c = {0};
    wd_source_rec sum;
    run_corpus("logjoint-wu-legacy-excerpt/WindowsUpdate_legacy_excerpt_2013.log", &c, &sum);
    cr_assert_gt(sum.records, 5);
    cr_assert_eq(c.failures.n, 0);
    cr_assert_eq(sum.errors, 0);
    cr_assert_eq(c.notes.n, 0);
    cap_free(&c);
}

Test(collector_wulog, utf16_log_reads_like_utf8)
{
    char *path = wdt_source("tests/fixtures/wulog/WindowsUpdate-win10-slash.log");
    char *text = wdt_read(path, NULL);
    cr_assert_not_null(text);
    capture a = {0}, b = {0};
    wd_source_rec sa, sb;
    cr_assert_eq(cap_run_mem(wd_source_wu_log, text, strlen(text), &a, &sa), 0);
    for (int be = 0; be <= 1; be++) {
        size_t len;
        unsigned char *u16 = cap_utf16(text, be, &len);
        cr_assert_eq(cap_run_mem(wd_source_wu_log, u16, len, &b, &sb), 0);
        cr_assert_eq(sb.records, sa.records);
        cr_assert_eq(b.failures.n, a.failures.n);
        for (size_t i = 0; i < a.failures.n; i++)
            cr_assert_str_eq(b.failures.items[i], a.failures.items[i]);
        free(u16);
        cap_free(&b);
    }
    cap_free(&a);
    free(text);
    free(path);
}

Test(collector_wulog, odd_lines_are_skipped_not_misread)
{
    static const struct {
        const char *line;
        size_t failures;
    } cases[] = {
        {"", 0},
        {"garbage *FAILED* [80070005] but no prefix", 0},
        {"2024/13/40 99:99:99.1 1 2 Agent *FAILED* [80070005] bad date", 0},
        {"2024/04/11 12:48:04.6 x 2 Agent *FAILED* [80070005] pid not a number", 0},
        {"2024/04/11 12:48:04.6 1 2 Agent *FAILED* [zzzz] not a code", 0},
        {"2024/04/11 12:48:04.6 1 2 Agent *FAILED* [80070005]", 1},
        {"2024/04/11 12:48:04.6 1 2 Agent * END * Exit code = 0x00000000", 0},
        {"2024/04/11 12:48:04.6 1 2 Agent * END * Begin Downloading [hr = 0x80070005]", 1},
        {"2024/04/11 12:48:04.6 1 2 Agent DO job 403'd, hr = 0x80190193", 0},
        {"2024/04/11 12:48:04.6 1 2", 0},
        {"2024/04/11", 0},
        {"2013-01-27\t10:55:33:171+0100\t1160\t3ca0\tAgent\tWARNING: Exit code = 0x80240022", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        capture c = {0};
        wd_source_rec sum;
        cr_assert_eq(cap_run_mem(wd_source_wu_log, cases[i].line, strlen(cases[i].line), &c,
                                 &sum),
                     0);
        cr_assert_eq(c.failures.n, cases[i].failures, "case %zu: %s", i, cases[i].line);
        cr_assert_eq(sum.errors, 0);
        cap_free(&c);
    }
}

Test(collector_wulog, a_sink_that_stops_stops_the_reader)
{
    capture c = {.stop_after = 2};
    wd_source_rec sum;
    char *path = wdt_corpus(REAL_LOG);
    cr_assert_eq(cap_run_file(wd_source_wu_log, path, &c, &sum), 7);
    cr_assert_eq(c.failures.n, 2);
    free(path);
    cap_free(&c);
}

Test(collector_wulog, a_time_with_an_offset_becomes_utc)
{
    const char *line = "2013-01-27\t10:55:33:171+0100\t1160\t3ca0\tAgent\t  * WARNING: Exit code = "
                       "0x80240022";
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(cap_run_mem(wd_source_wu_log, line, strlen(line), &c, &sum), 0);
    cr_assert_eq(c.failures.n, 1);
    cr_assert_eq(cap_count(&c.failures, "0x80240022|WindowsUpdate.log|2013-01-27T09:55:33.171000Z|"),
                 1, "%s", c.failures.items[0]);
    cap_free(&c);
}
