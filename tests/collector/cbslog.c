/* cbslog.c - tests of the CBS.log and DISM.log readers on fixtures written
 * from the real line formats (UTF-8 with BOM and CRLF, plain LF, UTF-16),
 * including success codes, continuation lines and package identities. */
#include <criterion/criterion.h>

#include "capture_sink.h"
#include "support.h"

static void run_fixture(wd_source_fn fn, const char *rel, capture *c, wd_source_rec *sum)
{
    char *path = wdt_source(rel);
    cr_assert_eq(cap_run_file(fn, path, c, sum), 0, "%s", rel);
    free(path);
}

/* code|origin|time|operation|kb|component|title|line as the capture shows them */
static const char *const CBS_FAILURES[] = {
    "0x800F0805|CBS.log|2023-05-17T08:25:52|servicing|-|CBS|-|3|",
    "0x800F0922|CBS.log|2023-05-17T09:02:40|servicing|KB5020683|CBS|"
    "Package_for_KB5020683~31bf3856ad364e35~amd64~~19041.2251.1.5|7|",
    "0x80070BC9|CBS.log|2023-05-23T10:17:36|servicing|-|CBS|-|10|",
    "0x800F0920|CBS.log|2023-09-17T22:48:16|servicing|-|CBS|-|12|",
    "0x800F0823|CBS.log|2023-09-17T22:49:01|servicing|KB5012170|CBS|"
    "Package_for_KB5012170~31bf3856ad364e35~amd64~~14393.5285.1.4|13|",
    "0x8007045B|CBS.log|2023-09-17T22:49:02|servicing|-|CBS|-|14|",
};

static const char *const DISM_FAILURES[] = {
    "0x8007007E|DISM.log|2023-05-22T07:23:32|servicing|-|DISM|-|1|",
    "0x800F081F|DISM.log|2023-05-22T12:48:44|servicing|-|DISM|-|5|",
    "0x800F081F|DISM.log|2023-05-22T12:48:44|servicing|-|DISM|-|6|",
    "0x80070BC9|DISM.log|2023-05-23T01:55:12|servicing|-|DISM|-|7|",
};

static void assert_failures(const capture *c, const char *const *want, size_t n)
{
    cr_assert_eq(c->failures.n, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(strncmp(c->failures.items[i], want[i], strlen(want[i])), 0, "got %s",
                     c->failures.items[i]);
}

Test(collector_cbslog, cbs_failures_with_package_and_kb)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/CBS.log", &c, &sum);
    cr_assert_eq(sum.records, 15);
    cr_assert_eq(sum.kept, 6);
    cr_assert_eq(sum.errors, 0);
    assert_failures(&c, CBS_FAILURES, sizeof CBS_FAILURES / sizeof CBS_FAILURES[0]);
    /* the context is the whole line, without the BOM */
    cr_assert_eq(cap_count(&c.failures, "|3|2023-05-17 08:25:52, Info                  CBS    "
                                        "Failed to internally open package. [HRESULT = "
                                        "0x800f0805 - CBS_E_INVALID_PACKAGE]"),
                 1);
    cap_free(&c);
}

Test(collector_cbslog, success_codes_gle_and_continuations_are_not_failures)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_cbs_log, "tests/fixtures/cbs/CBS.log", &c, &sum);
    cr_assert_eq(cap_count(&c.failures, "0x00000000|"), 0);
    cr_assert_eq(cap_count(&c.failures, "0x00240001|"), 0);
    cr_assert_eq(cap_count(&c.failures, "0x80004005|"), 0); /* [gle=...] is not an HRESULT line */
    cr_assert_eq(cap_count(&c.failures, "0x80070002|"), 0); /* a continuation has no time */
    cap_free(&c);
}

Test(collector_cbslog, dism_hr_and_cbs_hresult_notations)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(wd_source_dism_log, "tests/fixtures/cbs/dism.log", &c, &sum);
    cr_assert_eq(sum.records, 8);
    cr_assert_eq(sum.kept, 4);
    assert_failures(&c, DISM_FAILURES, sizeof DISM_FAILURES / sizeof DISM_FAILURES[0]);
    cap_free(&c);
}

Test(collector_cbslog, utf16_and_lf_variants_read_the_same)
{
    char *path = wdt_source("tests/fixtures/cbs/CBS.log");
    char *text = wdt_read(path, NULL);
    cr_assert_not_null(text);
    /* LF only, without the BOM */
    wd_buf lf = WD_BUF_INIT;
    for (const char *p = text + 3; *p; p++)
        if (*p != '\r')
            wd_buf_putc(&lf, *p);
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(cap_run_mem(wd_source_cbs_log, lf.data, lf.len, &c, &sum), 0);
    assert_failures(&c, CBS_FAILURES, sizeof CBS_FAILURES / sizeof CBS_FAILURES[0]);
    cap_free(&c);
    for (int be = 0; be <= 1; be++) {
        size_t len;
        unsigned char *u16 = cap_utf16(text + 3, be, &len);
        cr_assert_eq(cap_run_mem(wd_source_cbs_log, u16, len, &c, &sum), 0);
        assert_failures(&c, CBS_FAILURES, sizeof CBS_FAILURES / sizeof CBS_FAILURES[0]);
        cap_free(&c);
        free(u16);
    }
    wd_buf_free(&lf);
    free(text);
    free(path);
}

Test(collector_cbslog, code_notations_table)
{
    static const struct {
        const char *line;
        const char *want; /* failure prefix, or NULL for none */
    } cases[] = {
        {"2023-05-17 08:25:52, Info  CBS  x [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]",
         "0x800F0805|CBS.log|2023-05-17T08:25:52|servicing|-|CBS|"},
        {"2023-05-17 08:25:52, Info  CBS  x [HRESULT = 0x00000000 - S_OK]", NULL},
        {"2023-05-17 08:25:52, Info  CBS  x [HRESULT = 0x00240001 - ]", NULL},
        {"2023-05-17 08:25:52, Info  CBS  x (hr:0x0) then (hr:0x80070bc9)",
         "0x80070BC9|CBS.log|"},
        {"2023-05-17 08:25:52, Info  CBS  x (CBS HRESULT=0x800f081f)", "0x800F081F|"},
        {"2023-05-17 08:25:52, Info  CBS  x [HRESULT = 0xZZ - junk]", NULL},
        {"2023-05-17 08:25:52, Info  CBS  x [HRESULT = ", NULL},
        {"2023-05-17 08:25:52, Info", NULL},
        {"2023-05-17 08:25:52,", NULL},
        {"2023-13-17 08:25:52, Info  CBS  x [HRESULT = 0x800f0805 - X]", NULL},
        {"    [HRESULT = 0x800f0805 - continuation]", NULL},
        {"2023-05-17 08:25:52, Info  CSI  00000001 Package_for_RollupFix~31bf3856ad364e35~amd64~~"
         "19041.2251.1.5 failed (hr:0x800f0922)",
         "0x800F0922|CBS.log|2023-05-17T08:25:52|servicing|-|CSI|Package_for_RollupFix~"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        capture c = {0};
        wd_source_rec sum;
        cr_assert_eq(
            cap_run_mem(wd_source_cbs_log, cases[i].line, strlen(cases[i].line), &c, &sum), 0);
        cr_assert_eq(c.failures.n, cases[i].want ? 1u : 0u, "case %zu", i);
        if (cases[i].want)
            cr_assert_eq(strncmp(c.failures.items[0], cases[i].want, strlen(cases[i].want)), 0,
                         "case %zu: %s", i, c.failures.items[0]);
        cap_free(&c);
    }
}

Test(collector_cbslog, a_sink_that_stops_stops_the_reader)
{
    capture c = {.stop_after = 1};
    wd_source_rec sum;
    char *path = wdt_source("tests/fixtures/cbs/CBS.log");
    cr_assert_eq(cap_run_file(wd_source_cbs_log, path, &c, &sum), 7);
    cr_assert_eq(c.failures.n, 1);
    free(path);
    cap_free(&c);
}
