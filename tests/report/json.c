/* json.c - the JSON report (--format json) for the tools support teams run:
 * valid against templates/report.schema.json (checked with a real JSON
 * Schema validator, Debian's python3-jsonschema), holding the same values
 * as the XML of the same snapshot (one writer, two emitters), typed
 * numbers and booleans, hostile text escaped, redacted like the rest. */
#define _GNU_SOURCE
#include "sample.h"

#include <stdio.h>
#include <sys/wait.h>

#ifndef WD_PYTHON
#define WD_PYTHON "/usr/bin/python3"
#endif

/* Runs tests/support/check_report_json.py; returns its exit status. */
static int check(const char *json, const char *xml)
{
    char *script = wdt_source("tests/support/check_report_json.py");
    char *schema = wdt_source("templates/report.schema.json");
    char *cmd = NULL;
    cr_assert(asprintf(&cmd, "%s '%s' '%s' '%s' %s%s%s", WD_PYTHON, script, schema, json,
                       xml ? "'" : "", xml ? xml : "", xml ? "'" : "") > 0);
    int rc = system(cmd);
    free(cmd), free(script), free(schema);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Writes the sample as JSON and XML from one report; returns the paths. */
static void write_both(const char *dir, int hostile, int redact, char **json, char **xml)
{
    int64_t snap = 0;
    wd_store *s = sample_store(dir, hostile, 1, &snap);
    wd_report *r = NULL;
    wd_report_options o = {.command_line = "wudiag report", .db_path = "h.db", .redact = redact};
    cr_assert_eq(wd_report_build(s, snap, &o, &r), 0, "%s", wd_error_last());
    *json = wdt_path(dir, "report.json");
    *xml = wdt_path(dir, "report.xml");
    cr_assert_eq(wd_report_write(r, "json", *json), 0, "%s", wd_error_last());
    cr_assert_eq(wd_report_write(r, "xml", *xml), 0, "%s", wd_error_last());
    wd_report_free(r);
    wd_store_close(s);
}

Test(report_json, validates_against_the_schema_and_matches_the_xml)
{
    cr_assert_eq(system(WD_PYTHON " -c 'import jsonschema' 2>/dev/null"), 0,
                 "python3-jsonschema is not installed (scripts/install-deps)");
    char *dir = wdt_tempdir(), *json, *xml;
    write_both(dir, 0, 0, &json, &xml);
    cr_expect_eq(check(json, xml), 0, "the JSON report does not validate or differs from the XML");
    free(json), free(xml);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_json, keeps_numbers_and_booleans_typed)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "json", 0, 0, 1);
    cr_expect_eq(text[0], '{');
    cr_expect_not_null(strstr(text, "\"version\": \"2\""));
    cr_expect_not_null(strstr(text, "\"status\": \"failing\""));
    cr_expect_not_null(strstr(text, "\"redacted\": false"));
    cr_expect_not_null(strstr(text, "\"failures\": 3"));
    cr_expect_not_null(strstr(text, "\"label\": \"DISM.log line 120\""));
    cr_expect_not_null(strstr(text, "\"label\": \"System.evtx record 210, event 20\""));
    free(text);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_json, hostile_text_is_escaped)
{
    char *dir = wdt_tempdir(), *json, *xml;
    write_both(dir, 1, 0, &json, &xml);
    char *text = wdt_read(json, NULL);
    cr_expect_not_null(strstr(text, "\"<script>alert(1)</script>&\\\"' [31m\xEF\xBF\xBD"), "%s",
                       text);
    cr_expect_null(strstr(text, "\x1b"));
    cr_expect_eq(check(json, xml), 0);
    free(text), free(json), free(xml);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_json, redacted_like_the_xml)
{
    char *dir = wdt_tempdir(), *json, *xml;
    write_both(dir, 0, 1, &json, &xml);
    char *text = wdt_read(json, NULL);
    cr_expect_null(strstr(text, "DESKTOP-SECRET"));
    cr_expect_null(strstr(text, "alice"));
    cr_expect_not_null(strstr(text, "\"redacted\": true"));
    cr_expect_eq(check(json, xml), 0);
    free(text), free(json), free(xml);
    wdt_rmtree(dir);
    free(dir);
}
