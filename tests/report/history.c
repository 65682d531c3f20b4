/* history.c - `wudiag history` never mixes machines (issue 11): with two
 * machines' snapshots interleaved in time, the text has a section and a
 * verdict streak per machine, the XML a <machine> and a <weeks> per machine,
 * and the HTML one section of charts per machine. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "report.h"
#include "store.h"
#include "support.h"

static char *dir;
static wd_store *s;

static void setup(void)
{
    dir = wdt_tempdir();
    char *db = wdt_path(dir, "h.db");
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), WD_OK, "%s", wd_error_last());
    free(db);
}

static void teardown(void)
{
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}

TestSuite(report_history_machines, .init = setup, .fini = teardown);

/* A snapshot of `machine` with `failures` failed installs (code) in the
 * week of `time`, analysed with `verdict`. */
static void snapshot(const char *machine, const char *verdict, int failures, uint32_t code,
                     const char *time)
{
    int64_t id;
    cr_assert_eq(wd_store_begin(s, "wudiag collect", "x"), WD_OK);
    cr_assert_eq(wd_store_set_machine(s, machine), WD_OK);
    for (int i = 0; i < failures; i++) {
        char line[16];
        snprintf(line, sizeof line, "%d", i);
        wd_activity_rec a = {.operation = WD_OP_INSTALL, .outcome = WD_OUT_FAILED,
                             .has_code = 1, .code = code, .time = time, .kb = "KB5034441",
                             .session = line, .count = -1};
        cr_assert_eq(wd_store_add_activity(s, &a), WD_OK);
    }
    cr_assert_eq(wd_store_finish(s, &id), WD_OK);
    cr_assert_eq(wd_store_save_analysis(s, id, verdict, NULL, 0), WD_OK, "%s", wd_error_last());
    cr_assert_eq(wd_store_commit(s, &id), WD_OK);
}

static char *history(const char *format, int redact)
{
    char *out = wdt_path(dir, "history.out");
    wd_report_options o = {.redact = redact};
    cr_assert_eq(wd_report_history(s, NULL, NULL, format, &o, out), 0, "%s", wd_error_last());
    char *text = wdt_read(out, NULL);
    free(out);
    return text;
}

static void interleaved(void)
{
    /* PC-A fails three times in a row; PC-B was failing and is healthy now */
    snapshot("PC-A", "failing", 2, 0x80070002u, "2024-03-04T10:00:00Z");
    snapshot("PC-B", "failing", 1, 0x800F0922u, "2024-03-04T11:00:00Z");
    snapshot("PC-A", "failing", 1, 0x80070002u, "2024-03-12T10:00:00Z");
    snapshot("PC-B", "healthy", 0, 0, NULL);
    snapshot("PC-A", "failing", 3, 0x80070002u, "2024-03-12T11:00:00Z");
}

Test(report_history_machines, text_has_a_section_and_a_streak_per_machine)
{
    interleaved();
    char *text = history("text", 0);
    const char *a = strstr(text, "machine PC-A: 3 snapshots, latest failing for 3 snapshots"
                                 " in a row");
    const char *b = strstr(text, "machine PC-B: 2 snapshots, latest healthy\n");
    cr_assert(a && b && a < b, "%s", text);
    /* PC-A's section lists 1, 3, 5 and nothing of PC-B */
    char *section = strndup(a, (size_t)(b - a));
    cr_assert_not_null(strstr(section, "\n1 "), "%s", text);
    cr_assert_not_null(strstr(section, "\n3 "), "%s", text);
    cr_assert_not_null(strstr(section, "\n5 "), "%s", text);
    cr_assert_null(strstr(section, "\n2 "), "%s", text);
    cr_assert_null(strstr(section, "\n4 "), "%s", text);
    free(section);
    free(text);
}

Test(report_history_machines, xml_weeks_and_streaks_are_per_machine)
{
    interleaved();
    char *xml = history("xml", 0);
    cr_assert_not_null(strstr(xml, "<machines count=\"2\">"), "%s", xml);
    cr_assert_not_null(strstr(xml, "name=\"PC-A\" snapshots=\"3\""), "%s", xml);
    cr_assert_not_null(strstr(xml, "latest-verdict=\"failing\" streak=\"3\""), "%s", xml);
    cr_assert_not_null(strstr(xml, "latest-verdict=\"healthy\" streak=\"1\""), "%s", xml);
    const char *wa = strstr(xml, "<weeks machine=\"PC-A\">");
    const char *wb = strstr(xml, "<weeks machine=\"PC-B\">");
    cr_assert(wa && wb && wa < wb, "%s", xml);
    /* PC-A: 2 in the week of 03-04, 4 in the week of 03-11; PC-B's code
     * is not in PC-A's weeks */
    cr_assert_not_null(strstr(wa, "<week start=\"2024-03-04\">\n      <code value=\"0x80070002\""
                                  " count=\"2\"/>"), "%s", xml);
    cr_assert_not_null(strstr(wa, "<week start=\"2024-03-11\">\n      <code value=\"0x80070002\""
                                  " count=\"4\"/>"), "%s", xml);
    const char *f = strstr(xml, "0x800F0922");
    cr_assert(f && f > wb, "%s", xml);
    free(xml);
}

Test(report_history_machines, html_has_one_section_of_charts_per_machine)
{
    interleaved();
    char *html = history("html", 1);
    const char *a = strstr(html, "id=\"machine-1\""), *b = strstr(html, "id=\"machine-2\"");
    cr_assert(a && b && a < b, "no section per machine");
    cr_assert_null(strstr(html, "PC-A"), "--redact left a machine name");
    cr_assert_not_null(strstr(a, "MACHINE-1"));
    cr_assert_not_null(strstr(b, "MACHINE-2"));
    /* each section has its own charts */
    const char *svg_a = strstr(a, "<svg"), *svg_b = strstr(b, "<svg");
    cr_assert(svg_a && svg_a < b && svg_b, "charts are not per machine");
    cr_assert_not_null(strstr(a, "for 3 snapshots in a row"));
    free(html);
}

Test(report_history_machines, json_is_the_xml_content_and_valid_against_its_schema)
{
    /* --format json for the tools support teams run: the same values as the
     * XML (checked value by value), valid against templates/history.schema.json */
    interleaved();
    char *json = wdt_path(dir, "history.json"), *xml = wdt_path(dir, "history.xml");
    wd_report_options o = {0};
    cr_assert_eq(wd_report_history(s, NULL, NULL, "json", &o, json), 0, "%s", wd_error_last());
    cr_assert_eq(wd_report_history(s, NULL, NULL, "xml", &o, xml), 0, "%s", wd_error_last());
    char *script = wdt_source("tests/support/check_report_json.py");
    char *schema = wdt_source("templates/history.schema.json");
    char *cmd = NULL;
    cr_assert(asprintf(&cmd, "/usr/bin/python3 '%s' '%s' '%s' '%s'", script, schema, json, xml) > 0);
    int rc = system(cmd);
    cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s", cmd);
    char *text = wdt_read(json, NULL);
    cr_assert_not_null(strstr(text, "\"streak\": 3,"), "%s", text);
    free(text), free(cmd), free(script), free(schema), free(json), free(xml);
}
