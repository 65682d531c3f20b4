/* explain.c - `wudiag explain`: every notation of a code gives the same
 * text; known codes show symbol, meaning, causes and fixes; unknown codes are
 * decoded; non-codes are a usage error. Through the API and the binary. */
#include "report.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *explain(const char *code, int *rc)
{
    wd_buf b = WD_BUF_INIT;
    *rc = wd_report_explain(code, NULL, &b);
    return b.data ? wd_buf_detach(&b) : strdup("");
}

Test(report_explain, every_notation_gives_the_same_explanation)
{
    static const char *forms[] = {"0x80070002",  "80070002",     "0X80070002", "2147942402",
                                  "-2147024894", " 0x80070002 ", "[80070002]"};
    int rc;
    char *first = explain(forms[0], &rc);
    cr_assert_eq(rc, 0);
    for (size_t i = 1; i < sizeof forms / sizeof forms[0]; i++) {
        char *other = explain(forms[i], &rc);
        cr_assert_eq(rc, 0, "%s", forms[i]);
        cr_assert_str_eq(other, first, "%s", forms[i]);
        free(other);
    }
    free(first);
}

Test(report_explain, known_code_shows_symbol_meaning_causes_and_fixes_in_order)
{
    int rc;
    char *t = explain("0x80070422", &rc);
    cr_assert_eq(rc, 0);
    cr_assert_eq(strncmp(t, "0x80070422  ERROR_SERVICE_DISABLED\n", 35), 0, "%s", t);
    cr_assert_not_null(strstr(t, "Component:  Win32 (HRESULT_FROM_WIN32)"));
    cr_assert_not_null(strstr(t, "Meaning:    The service cannot be started"));
    cr_assert_not_null(strstr(t, "Likely causes:\n  The Windows Update service"));
    char *fix1 = strstr(t, "  1. Set the disabled service back to its default start type");
    char *fix2 = strstr(t, "  2. Restart the Update Orchestrator and Windows Update services");
    cr_assert(fix1 && fix2 && fix1 < fix2, "%s", t);
    cr_assert_not_null(strstr(t, "     - Press Win + R, type services.msc"));
    cr_assert_not_null(strstr(t, "(Windows 11) Open Settings > System > Troubleshoot"));
    cr_assert_not_null(strstr(t, "Why: "));
    free(t);
}

Test(report_explain, unknown_code_is_decoded_not_unknown)
{
    int rc;
    char *t = explain("0x8007ABCD", &rc);
    cr_assert_eq(rc, 1);
    cr_assert_not_null(strstr(t, "facility 7 (WIN32)"), "%s", t);
    cr_assert_not_null(strstr(t, "Win32:      error 43981"), "%s", t);
    cr_assert_null(strstr(t, "nknown"), "%s", t);
    free(t);
    t = explain("0x80240FFE", &rc);
    cr_assert_eq(rc, 1);
    cr_assert_not_null(strstr(t, "facility 36 (WINDOWSUPDATE)"), "%s", t);
    free(t);
}

Test(report_explain, not_a_code_is_a_usage_error)
{
    int rc;
    char *t = explain("hello", &rc);
    cr_assert_eq(rc, WD_EUSAGE);
    cr_assert_not_null(strstr(wd_error_last(), "'hello' is not a failure code"));
    free(t);
}

Test(report_explain, cli_exit_codes_follow_the_contract)
{
    char *out = NULL, *err = NULL;
    const char *known[] = {"explain", "-2147024894", NULL};
    cr_assert_eq(wdt_run(known, &out, &err), 0, "%s", err);
    cr_assert_eq(strncmp(out, "0x80070002  ERROR_FILE_NOT_FOUND", 32), 0, "%s", out);
    free(out), free(err);
    const char *decoded[] = {"explain", "0x8007ABCD", NULL};
    cr_assert_eq(wdt_run(decoded, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, "error 43981"));
    free(out), free(err);
    const char *bad[] = {"explain", "hello", NULL};
    cr_assert_eq(wdt_run(bad, &out, &err), 2);
    cr_assert_not_null(strstr(err, "wudiag: "), "%s", err);
    cr_assert_not_null(strstr(err, "hello"), "%s", err);
    free(out), free(err);
    const char *none[] = {"explain", NULL};
    cr_assert_eq(wdt_run(none, &out, &err), 2);
    free(out), free(err);
    const char *help[] = {"explain", "--help", NULL};
    cr_assert_eq(wdt_run(help, &out, &err), 0);
    cr_assert_eq(strncmp(out, "usage: wudiag explain CODE", 26), 0, "%s", out);
    free(out), free(err);
}

Test(report_explain, kb_option_reads_the_codes_from_a_folder)
{
    char *dir = wdt_tempdir(), *codes = wdt_path(dir, "codes.tsv");
    const char *tsv = "0x80070002\tMY_FILE_GONE\tours\tGone.\tDeleted by a cleaner.\tfree-disk\n";
    cr_assert_eq(wdt_write(codes, tsv, strlen(tsv)), 0);
    char *out = NULL, *err = NULL;
    const char *args[] = {"explain", "--kb", dir, "0x80070002", NULL};
    cr_assert_eq(wdt_run(args, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, "MY_FILE_GONE"), "%s", out);
    cr_assert_not_null(strstr(out, "Deleted by a cleaner."), "%s", out);
    cr_assert_not_null(strstr(out, "1. Free space on the system drive"), "%s", out);
    free(out), free(err);
    const char *missing[] = {"explain", "--kb", "/nonexistent/kb", "0x80070002", NULL};
    cr_assert_eq(wdt_run(missing, &out, &err), 1);
    cr_assert_not_null(strstr(err, "knowledge base folder not found"), "%s", err);
    free(out), free(err);
    wdt_rmtree(dir);
    free(dir), free(codes);
}
