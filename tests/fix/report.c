/* report.c - the report of a fixed PC shows the journal of the last fix run
 * it can see: the diagnosis after the run (and later ones) show it, the
 * diagnosis the run acted on does not; the XML validates against
 * templates/report.xsd, the JSON against report.schema.json and holds the
 * same values, the HTML shows each action from what to what. */
#define _GNU_SOURCE
#include "fix.h"
#include "snapshot_fixture.h"
#include "support.h"

#include <criterion/criterion.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char records[] = "service wuauserv | stopped | disabled\n"
                              "service UsoSvc | running | auto\n"
                              "fact machine.name | PC-TEST\n";

/* Commits one snapshot of the records; returns its id. */
static int64_t snapshot(wdt_snapshot *d)
{
    int64_t id = 0;
    wdt_snapshot_load(d, records);
    cr_assert_eq(wd_store_commit(d->s, &id), 0, "%s", wd_error_last());
    return id;
}

static void step(wd_store *s, int64_t run, int64_t no, const char *fix, const char *action,
                 const char *target, const char *before, const char *after, const char *undo)
{
    int64_t id;
    wd_fix_step_rec r = {0};
    r.run_id = run;
    r.step = no;
    r.fix = fix;
    r.action = action;
    r.target = target;
    r.before = before;
    cr_assert_eq(wd_store_fix_step_begin(s, &r, &id), 0, "%s", wd_error_last());
    r.after = after;
    r.result = "done";
    r.undo = undo;
    cr_assert_eq(wd_store_fix_step_end(s, id, &r), 0, "%s", wd_error_last());
}

/* A fix run between snapshots a and b, as `wudiag fix` journals it. */
static void fix_run(wd_store *s, int64_t a, int64_t b)
{
    int64_t run;
    wd_fix_run_rec rec = {0};
    rec.kind = "fix";
    rec.machine = "PC-TEST";
    rec.command_line = "wudiag fix --yes";
    rec.pid = 77;
    cr_assert_eq(wd_store_fix_begin(s, &rec, NULL, NULL, &run), 0, "%s", wd_error_last());
    cr_assert_eq(wd_store_fix_snapshots(s, run, a, 0), 0);
    step(s, run, 1, "enable-service", "set-start-type", "wuauserv", "stopped/disabled",
         "stopped/manual", "disabled");
    step(s, run, 2, "reset-components", "rename-folder", "C:\\Windows\\SoftwareDistribution",
         "C:\\Windows\\SoftwareDistribution",
         "C:\\Windows\\SoftwareDistribution.wudiag-20240301-100000",
         "C:\\Windows\\SoftwareDistribution");
    cr_assert_eq(wd_store_fix_snapshots(s, run, 0, b), 0);
    cr_assert_eq(wd_store_fix_end(s, run, "done", NULL), 0);
}

static char *write_as(wd_store *s, int64_t snap, const char *dir, const char *format)
{
    wd_report *r = NULL;
    wd_report_options o = {.command_line = "wudiag report", .db_path = "h.db"};
    char name[32];
    snprintf(name, sizeof name, "report.%s", format);
    char *path = wdt_path(dir, name);
    cr_assert_eq(wd_report_build(s, snap, &o, &r), 0, "%s", wd_error_last());
    cr_assert_eq(wd_report_write(r, format, path), 0, "%s", wd_error_last());
    wd_report_free(r);
    return path;
}

static void validates(const char *xml)
{
    char *xsd = wdt_source("templates/report.xsd");
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    cr_assert_not_null(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    cr_assert_eq(xmlSchemaValidateFile(vc, xml, 0), 0, "%s does not validate", xml);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    free(xsd);
}

static int json_check(const char *json, const char *xml)
{
    char *script = wdt_source("tests/support/check_report_json.py");
    char *schema = wdt_source("templates/report.schema.json");
    char *cmd = NULL;
    cr_assert(asprintf(&cmd, "python3 '%s' '%s' '%s' '%s'", script, schema, json, xml) > 0);
    int rc = system(cmd);
    free(cmd), free(script), free(schema);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

Test(fix_report, the_report_after_a_fix_shows_its_journal_in_every_format)
{
    wdt_snapshot d;
    wdt_snapshot_open(&d);
    int64_t a = snapshot(&d), b = 0;
    wdt_snapshot_load(&d, records);
    cr_assert_eq(wd_store_commit(d.s, &b), 0);
    fix_run(d.s, a, b);
    char *xml = write_as(d.s, b, d.dir, "xml"), *json = write_as(d.s, b, d.dir, "json");
    char *html = write_as(d.s, b, d.dir, "html");
    validates(xml);
    char *x = wdt_read(xml, NULL), *h = wdt_read(html, NULL);
    cr_assert_not_null(strstr(x, "<fix-journal run=\"1\" kind=\"fix\" state=\"done\""), "%s", x);
    cr_assert_not_null(strstr(x, "snapshot-before=\"1\" snapshot-after=\"2\""), "%s", x);
    cr_assert_not_null(strstr(x, "action=\"set-start-type\" result=\"done\" target=\"wuauserv\""));
    cr_assert_not_null(strstr(x, "<undo>disabled</undo>"));
    cr_assert_eq(json_check(json, xml), 0, "the JSON journal does not validate or differs");
    cr_assert_not_null(strstr(h, "What wudiag fix did"));
    cr_assert_not_null(strstr(h, "SoftwareDistribution.wudiag-20240301-100000"));
    cr_assert_not_null(strstr(h, "stopped/disabled"));
    free(x), free(h), free(xml), free(json), free(html);
    wdt_snapshot_close(&d);
}

Test(fix_report, the_diagnosis_a_fix_acted_on_does_not_show_it_nor_does_another_pc)
{
    wdt_snapshot d;
    wdt_snapshot_open(&d);
    int64_t a = snapshot(&d), b = 0;
    wdt_snapshot_load(&d, records);
    cr_assert_eq(wd_store_commit(d.s, &b), 0);
    fix_run(d.s, a, b);
    char *xml = write_as(d.s, a, d.dir, "xml");
    char *x = wdt_read(xml, NULL);
    cr_assert_null(strstr(x, "<fix-journal"), "the diagnosis before the fix shows it");
    validates(xml);
    free(x), free(xml);
    /* a later diagnosis of the same PC still shows the last run */
    int64_t c = 0;
    wdt_snapshot_load(&d, records);
    cr_assert_eq(wd_store_commit(d.s, &c), 0);
    xml = write_as(d.s, c, d.dir, "xml");
    x = wdt_read(xml, NULL);
    cr_assert_not_null(strstr(x, "<fix-journal run=\"1\""));
    free(x), free(xml);
    wdt_snapshot_close(&d);
}
