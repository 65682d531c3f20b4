/* xml.c - the report XML (version 2): the full report streamed to a file and
 * the bounded summary the HTML is made from both validate against
 * templates/report.xsd; the sample's judgement reads as an expert would
 * (updates in their current state, the fix that already failed marked,
 * evidence labelled by file and line or record, never by row number);
 * the summary stays bounded whatever the evidence; hostile text stays
 * text; a failure leaves no file. */
#define _GNU_SOURCE
#include "sample.h"

#include "render.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <unistd.h>

static xmlDocPtr parse(const char *text)
{
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "report.xml", NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc, "the report XML is not well-formed");
    return doc;
}

static int validate(xmlDocPtr doc)
{
    char *xsd = wdt_source("templates/report.xsd");
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    cr_assert_not_null(schema, "templates/report.xsd does not parse");
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    free(xsd);
    return rc;
}

/* The string value of an XPath expression (prefix r: = the report). */
static char *xp(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr c = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(c, (const xmlChar *)"r", (const xmlChar *)"urn:wudiag:report:1");
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, c);
    cr_assert_not_null(o, "bad XPath %s", expr);
    xmlChar *s = xmlXPathCastToString(o);
    char *out = strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(c);
    return out;
}

static void expect(xmlDocPtr doc, const char *expr, const char *want)
{
    char *got = xp(doc, expr);
    cr_expect_str_eq(got, want, "%s gave '%s', expected '%s'", expr, got, want);
    free(got);
}

/* The full report of the sample, parsed. */
static xmlDocPtr sample_doc(const char *dir, int hostile, int with_services)
{
    char *text = sample_render(dir, "xml", hostile, 0, with_services);
    xmlDocPtr doc = parse(text);
    free(text);
    return doc;
}

/* The summary document (what the stylesheet reads) of a stored snapshot. */
static xmlDocPtr summary_doc(wd_store *s, int64_t snap)
{
    wd_model *m = NULL;
    wd_kb *kb = NULL;
    void *doc = NULL;
    cr_assert_eq(wd_model_load(s, snap, &m), 0, "%s", wd_error_last());
    cr_assert_eq(wd_kb_load(NULL, &kb), 0, "%s", wd_error_last());
    cr_assert_eq(wd_rules_run(kb, m), 0, "%s", wd_error_last());
    cr_assert_eq(wd_report_xml_build(m, kb, NULL, &doc), 0, "%s", wd_error_last());
    wd_model_free(m);
    wd_kb_free(kb);
    return doc;
}

Test(report_xml, full_report_and_summary_validate_against_the_schema)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    cr_expect_eq(validate(doc), 0, "the full report does not validate");
    expect(doc, "namespace-uri(/*)", "urn:wudiag:report:1");
    expect(doc, "/r:report/@version", "2");
    expect(doc, "/r:report/r:run/@scope", "full");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
    dir = wdt_tempdir();
    int64_t snap = 0;
    wd_store *s = sample_store(dir, 0, 1, &snap);
    doc = summary_doc(s, snap);
    cr_expect_eq(validate(doc), 0, "the summary does not validate");
    expect(doc, "/r:report/r:run/@scope", "summary");
    xmlFreeDoc(doc);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, machine_names_every_computer_of_the_evidence)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "/r:report/r:machine/@name", "DESKTOP-SECRET");
    expect(doc, "/r:report/r:machine/@product", "Windows 10 Pro");
    expect(doc, "/r:report/r:machine/@build", "19045");
    expect(doc, "/r:report/r:machine/@windows", "10");
    expect(doc, "count(/r:report/r:machine/r:computer)", "2");
    expect(doc, "/r:report/r:machine/r:computer[@name='DESKTOP-SECRET']/@main", "true");
    expect(doc, "/r:report/r:machine/r:computer[@name='OTHER-PC']/@main", "false");
    expect(doc, "/r:report/r:run/r:snapshot/@evidence-start", "2024-01-10T10:00:00Z");
    expect(doc, "/r:report/r:run/r:snapshot/@evidence-time", "2024-03-13T10:01:00Z");
    expect(doc, "/r:report/r:run/r:tool/@version", WD_VERSION);
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, verdict_has_a_summary_and_a_first_fix_that_did_not_fail)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "/r:report/r:verdict/@status", "failing");
    expect(doc, "string-length(/r:report/r:verdict/r:summary) > 20", "true");
    expect(doc,
           "substring(/r:report/r:verdict/r:summary, "
           "string-length(/r:report/r:verdict/r:summary))",
           ".");
    expect(doc, "boolean(/r:report/r:verdict/r:first-fix/@name)", "true");
    /* the first fix is described, and is not one the evidence shows failed */
    expect(doc, "//r:fixes/r:fix[@name = /r:report/r:verdict/r:first-fix/@name]/@already-failed",
           "false");
    expect(doc,
           "/r:report/r:verdict/r:first-fix = "
           "//r:fixes/r:fix[@name = /r:report/r:verdict/r:first-fix/@name]/r:title",
           "true");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, each_fix_is_described_once_and_findings_refer_to_it)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "count(//r:findings/r:finding/r:fix) > 0", "true");
    expect(doc, "count(//r:fixes/r:fix[@name = preceding-sibling::r:fix/@name])", "0");
    expect(doc, "count(//r:findings//r:step)", "0");
    expect(doc, "count(//r:findings/r:finding/r:fix[not(@name = //r:fixes/r:fix/@name)])", "0");
    expect(doc, "count(//r:fixes/r:fix) = //r:fixes/@total", "true");
    /* DISM /RestoreHealth failed three times in DISM.log: wherever it is
     * given it is marked, with how often, and what to do instead */
    expect(doc, "count(//r:fix[@name='repair-image'][@already-failed='false'])", "0");
    expect(doc, "count(//r:fix[@name='repair-image'][@failures != 3])", "0");
    expect(doc,
           "not(//r:fixes/r:fix[@name='repair-image']) or "
           "//r:fixes/r:fix[@name='repair-image']/@instead = 'repair-image-source'",
           "true");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, evidence_is_labelled_by_file_and_line_or_record)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "count(//r:finding/r:evidence) > 0", "true");
    expect(doc, "count(//r:finding/r:evidence[not(@label) or @label = ''])", "0");
    /* a label names a file, never a database row */
    expect(doc, "count(//r:evidence[contains(@label, 'activity') or contains(@label, 'row ')])",
           "0");
    expect(doc, "//r:timeline/r:activity[@kb='KB5034441'][@outcome='failed'][1]/@label",
           "System.evtx record 210, event 20");
    expect(doc, "//r:timeline/r:activity[@operation='repair'][last()]/@label", "DISM.log line 120");
    expect(doc, "//r:timeline/r:activity[@kb='KB2267602'][@outcome='failed']/@label",
           "update-history.csv line 5");
    expect(doc,
           "count(//r:evidence[@kind='activity'][@label='DISM.log line 120']) >= "
           "count(//r:finding[@rule='repair-source-missing'])",
           "true");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, updates_in_their_current_state)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "//r:updates/@total", "4");
    expect(doc, "//r:updates/@failing", "1");
    expect(doc, "//r:updates/@resolved", "1");
    expect(doc, "//r:updates/@superseded", "1");
    expect(doc, "//r:updates/@ok", "1");
    const char *winre = "//r:updates/r:update[@kb='KB5034441']";
    char q[256];
    snprintf(q, sizeof q, "%s/@state", winre);
    expect(doc, q, "failing");
    snprintf(q, sizeof q, "%s/@failures", winre);
    expect(doc, q, "3");
    snprintf(q, sizeof q, "%s/@first-failure", winre);
    expect(doc, q, "2024-01-10T10:05:00Z");
    snprintf(q, sizeof q, "%s/r:code/@value", winre);
    expect(doc, q, "0x80070643");
    snprintf(q, sizeof q, "%s/r:code/@symbol", winre);
    expect(doc, q, "ERROR_INSTALL_FAILURE");
    expect(doc, "//r:updates/r:update[@kb='KB5034763']/@state", "superseded");
    expect(doc, "//r:updates/r:update[@kb='KB5034763']/@superseded-by", MAR_TITLE);
    expect(doc, "//r:updates/r:update[@kb='KB2267602']/@state", "resolved");
    expect(doc, "//r:updates/r:update[@kb='KB2267602']/@fixed-at", "2024-03-02T07:00:00Z");
    expect(doc, "//r:updates/r:update[@kb='KB5035845']/@state", "ok");
    /* the streams: the component store still fails, the crashed service is history */
    expect(doc, "//r:streams/r:stream[@kind='store']/@state", "failing");
    expect(doc, "//r:streams/r:stream[@kind='store']/@failures", "4");
    expect(doc, "//r:streams/r:stream[@kind='service'][@key='wuauserv']/@state", "resolved");
    expect(doc, "//r:streams/r:stream[@kind='scan']/@state", "ok");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, services_against_their_expected_start)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "//r:services/@listing", "partial");
    expect(doc, "//r:service[@name='wuauserv']/@start-type", "disabled");
    expect(doc, "//r:service[@name='wuauserv']/@expected-start", "manual");
    expect(doc, "//r:service[@name='wuauserv']/@status", "problem");
    /* stopped with a non-zero exit code: the code's name */
    expect(doc, "//r:service[@name='wuauserv']/@exit-code", "1077");
    expect(doc, "//r:service[@name='wuauserv']/@exit-name", "ERROR_SERVICE_NEVER_STARTED");
    expect(doc, "contains(//r:service[@name='wuauserv'], 'ERROR_SERVICE_NEVER_STARTED')", "true");
    /* a partial listing does not show that a service is missing */
    expect(doc, "//r:service[@name='UsoSvc']/@status", "not-listed");
    expect(doc, "boolean(//r:service[@name='UsoSvc']/@state)", "false");
    expect(doc, "//r:service[@name='BITS']/@status", "ok");
    expect(doc, "//r:service[@name='TrustedInstaller']/@status", "ok");
    expect(doc, "//r:service[@name='wuauserv']/@label", "services.csv: wuauserv");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

/* A listing that holds every service shows what is missing; none at all
 * shows nothing known. */
Test(report_xml, a_complete_listing_shows_missing_services)
{
    char *dir = wdt_tempdir(), *db = wdt_path(dir, "h.db"), *out = wdt_path(dir, "r.xml");
    wd_store *s = NULL;
    int64_t snap = 0;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), 0, "%s", wd_error_last());
    cr_assert_eq(wd_store_begin(s, "wudiag collect", "ev"), 0);
    wd_service_rec wu = {"wuauserv", "Windows Update", "running", "manual", 4, 0, 0, "svc.csv"};
    wd_fact_rec all = {"services.listing", "complete", "svc.csv", NULL};
    cr_assert_eq(wd_store_add_service(s, &wu), 0);
    cr_assert_eq(wd_store_add_fact(s, &all), 0);
    cr_assert_eq(wd_store_commit(s, &snap), 0, "%s", wd_error_last());
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(s, snap, NULL, &r), 0, "%s", wd_error_last());
    cr_assert_eq(wd_report_write(r, "xml", out), 0, "%s", wd_error_last());
    char *text = wdt_read(out, NULL);
    xmlDocPtr doc = parse(text);
    cr_expect_eq(validate(doc), 0);
    expect(doc, "//r:services/@listing", "complete");
    expect(doc, "//r:service[@name='UsoSvc']/@status", "missing");
    expect(doc, "//r:service[@name='wuauserv']/@status", "ok");
    xmlFreeDoc(doc);
    free(text);
    wd_report_free(r);
    wd_store_close(s);
    free(db), free(out);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, services_are_unknown_without_a_service_listing)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 0);
    cr_expect_eq(validate(doc), 0);
    expect(doc, "//r:services/@listing", "none");
    expect(doc, "//r:service[@name='wuauserv']/@status", "not-listed");
    expect(doc, "count(//r:service[@status!='not-listed'])", "0");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, conflicting_facts_are_shown_each_with_its_source)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "//r:facts/r:fact[@key='os.build']/@conflict", "true");
    expect(doc, "count(//r:facts/r:fact[@key='os.build']/r:value)", "2");
    expect(doc, "//r:fact[@key='os.build']/r:value[@source='System.evtx']", "19044");
    expect(doc, "//r:fact[@key='os.build']/r:value[@source='System.evtx']/@time",
           "2023-12-01T00:00:00Z");
    expect(doc, "//r:fact[@key='os.build']/r:value[@source='CurrentVersion.reg']", "19045");
    expect(doc, "//r:facts/r:fact[@key='os.ubr']/@conflict", "false");
    expect(doc, "count(//r:facts/r:fact[@key = preceding-sibling::r:fact/@key])", "0");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, timeline_holds_activities_newest_first_without_trace)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "//r:timeline/@total", "14");
    expect(doc, "//r:timeline/@trace", "1");
    expect(doc, "count(//r:timeline/r:activity)", "14");
    expect(doc, "count(//r:timeline/r:activity[@outcome='trace'])", "0");
    expect(doc, "//r:timeline/r:activity[1]/@time", "2024-03-13T10:00:00Z");
    expect(doc, "//r:timeline/r:activity[last()]/@time", "2024-01-10T10:00:00Z");
    /* each failure says where it stands now */
    expect(doc, "//r:activity[@kb='KB5034763'][@outcome='failed']/@state", "superseded");
    expect(doc, "//r:activity[@kb='KB2267602'][@outcome='failed']/@state", "resolved");
    expect(doc, "//r:activity[@kb='KB5034441'][@outcome='failed'][1]/@state", "current");
    /* every code named is decoded once */
    expect(doc, "count(//r:activity[@code][not(@code = //r:codes/r:code/@value)])", "0");
    expect(doc, "//r:codes/r:code[@value='0x80070643']/@symbol", "ERROR_INSTALL_FAILURE");
    expect(doc, "string-length(//r:codes/r:code[@value='0x80070643']/r:meaning) > 10", "true");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, notes_by_kind_and_sources_with_totals)
{
    char *dir = wdt_tempdir();
    xmlDocPtr doc = sample_doc(dir, 0, 1);
    expect(doc, "//r:notes/@total", "2");
    expect(doc, "//r:notes/@partial", "1");
    expect(doc, "//r:notes/@info", "1");
    expect(doc, "//r:notes/@unreadable", "0");
    expect(doc, "//r:notes/r:note[1]/@kind", "partial");
    expect(doc, "//r:notes/r:note[@kind='partial']/@location", "record 12");
    expect(doc, "//r:notes/r:note[@source='mystery.bin']", "not a file wudiag knows");
    expect(doc, "//r:sources/@total", "7");
    expect(doc, "//r:source[@path='System.evtx']/@records", "1910");
    expect(doc, "//r:source[@path='System.evtx']/@notes", "1");
    expect(doc, "//r:verdict/@incomplete", "false");
    xmlFreeDoc(doc);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, hostile_evidence_stays_text_and_the_document_valid)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "xml", 1, 0, 1);
    cr_expect_null(strstr(text, "<script>"), "markup from evidence reached the XML");
    cr_expect_not_null(strstr(text, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;"));
    xmlDocPtr doc = parse(text);
    cr_expect_eq(validate(doc), 0, "hostile report does not validate");
    expect(doc, "//r:updates/r:update[@kb='KB5034441']/@title", HOSTILE_CLEAN);
    xmlFreeDoc(doc);
    free(text);
    wdt_rmtree(dir);
    free(dir);
}

/* Many updates and activities: the full report holds them all, the
 * summary the first of each with shown/total. */
Test(report_xml, the_summary_is_bounded_and_the_full_report_complete, .timeout = 300)
{
    char *dir = wdt_tempdir(), *db = wdt_path(dir, "h.db"), *out = wdt_path(dir, "r.xml");
    wd_store *s = NULL;
    int64_t snap = 0;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), 0, "%s", wd_error_last());
    cr_assert_eq(wd_store_begin(s, "wudiag collect", "ev"), 0);
    enum { UPDATES = 400, EACH = 5 };
    for (int u = 0; u < UPDATES; u++)
        for (int k = 0; k < EACH; k++) {
            char kb[16], time[32], detail[64];
            snprintf(kb, sizeof kb, "KB%d", 5000000 + u);
            snprintf(time, sizeof time, "2024-%02d-%02dT%02d:00:00Z", 1 + u % 12, 1 + k, u % 24);
            snprintf(detail, sizeof detail, "install of %s failed", kb);
            wd_activity_rec a = {.operation = WD_OP_INSTALL,
                                 .outcome = WD_OUT_FAILED,
                                 .has_code = 1,
                                 .code = 0x80070002 + (uint32_t)(u % 7),
                                 .time = time,
                                 .kb = kb,
                                 .count = -1,
                                 .detail = detail,
                                 .where = {WD_LOC_LINE, "WindowsUpdate.log",
                                           (uint64_t)(u * EACH + k + 1), NULL, 0, 0}};
            cr_assert_eq(wd_store_add_activity(s, &a), 0, "%s", wd_error_last());
        }
    cr_assert_eq(wd_store_commit(s, &snap), 0, "%s", wd_error_last());
    xmlDocPtr doc = summary_doc(s, snap);
    cr_expect_eq(validate(doc), 0);
    expect(doc, "//r:timeline/@total", "2000");
    expect(doc, "//r:timeline/@shown", "300");
    expect(doc, "count(//r:timeline/r:activity)", "300");
    expect(doc, "//r:updates/@total", "400");
    expect(doc, "//r:updates/@failing", "400");
    expect(doc, "count(//r:updates/r:update) = //r:updates/@shown", "true");
    expect(doc, "count(//r:updates/r:update) <= 150", "true");
    expect(doc, "count(//r:findings/r:finding) <= 100", "true");
    xmlFreeDoc(doc);
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(s, snap, NULL, &r), 0, "%s", wd_error_last());
    cr_assert_eq(wd_report_write(r, "xml", out), 0, "%s", wd_error_last());
    char *text = wdt_read(out, NULL);
    doc = parse(text);
    cr_expect_eq(validate(doc), 0);
    expect(doc, "count(//r:timeline/r:activity)", "2000");
    expect(doc, "count(//r:updates/r:update)", "400");
    expect(doc, "//r:updates/@shown", "400");
    xmlFreeDoc(doc);
    free(text);
    wd_report_free(r);
    wd_store_close(s);
    free(db), free(out);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, writes_nothing_for_an_unknown_format)
{
    char *dir = wdt_tempdir();
    int64_t snap = 0;
    wd_store *s = sample_store(dir, 0, 1, &snap);
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(s, snap, NULL, &r), 0, "%s", wd_error_last());
    char *out = wdt_path(dir, "report.pdf");
    cr_expect_eq(wd_report_write(r, "pdf", out), WD_EUSAGE);
    cr_expect_null(wdt_read(out, NULL));
    free(out);
    wd_report_free(r);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, a_folder_that_cannot_be_written_leaves_no_file)
{
    char *dir = wdt_tempdir();
    int64_t snap = 0;
    wd_store *s = sample_store(dir, 0, 1, &snap);
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(s, snap, NULL, &r), 0, "%s", wd_error_last());
    const char *formats[] = {"xml", "json", "html"};
    for (size_t i = 0; i < 3; i++) {
        char *out = wdt_path(dir, "missing-folder/report.out");
        cr_expect_lt(wd_report_write(r, formats[i], out), 0);
        cr_expect_not_null(strstr(wd_error_last(), "missing-folder/report.out"), "%s",
                           wd_error_last());
        free(out);
    }
    wd_report_free(r);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}

/* A stream that fails half way (the disk fills up) is an error, not a
 * report cut short in silence. */
Test(report_xml, a_full_disk_while_streaming_is_an_error)
{
    if (access("/dev/full", W_OK))
        cr_skip_test("no /dev/full");
    char *dir = wdt_tempdir();
    int64_t snap = 0;
    wd_store *s = sample_store(dir, 0, 1, &snap);
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(s, snap, NULL, &r), 0, "%s", wd_error_last());
    fflush(stdout);
    FILE *was = stdout;
    FILE *full = fopen("/dev/full", "w");
    cr_assert_not_null(full);
    setvbuf(full, NULL, _IONBF, 0);
    stdout = full;
    int rc = wd_report_write(r, "json", "-");
    stdout = was;
    fclose(full);
    cr_expect_lt(rc, 0, "writing to a full disk succeeded");
    wd_report_free(r);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}

/* An empty snapshot (evidence with nothing readable) still gives a valid
 * report that says so. */
Test(report_xml, empty_snapshot_gives_a_valid_report)
{
    char *dir = wdt_tempdir(), *db = wdt_path(dir, "h.db"), *out = wdt_path(dir, "r.xml");
    wd_store *s = NULL;
    int64_t snap = 0;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), 0, "%s", wd_error_last());
    cr_assert_eq(wd_store_begin(s, "wudiag diagnose", "empty"), 0);
    cr_assert_eq(wd_store_commit(s, &snap), 0, "%s", wd_error_last());
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(s, snap, NULL, &r), 0, "%s", wd_error_last());
    cr_assert_eq(wd_report_write(r, "xml", out), 0, "%s", wd_error_last());
    char *text = wdt_read(out, NULL);
    xmlDocPtr doc = parse(text);
    cr_expect_eq(validate(doc), 0, "%s", text);
    /* nothing names the machine: a name of its own, never a shared "unknown" */
    expect(doc, "starts-with(/r:report/r:machine/@name, 'unnamed-')", "true");
    expect(doc, "count(//r:timeline/r:activity)", "0");
    expect(doc, "//r:updates/@total", "0");
    cr_assert_eq(wd_report_write(r, "html", out), 0, "%s", wd_error_last());
    free(text);
    text = wdt_read(out, NULL);
    cr_expect_not_null(strstr(text, "id=\"first-fix\""));
    xmlFreeDoc(doc);
    free(text), free(db), free(out);
    wd_report_free(r);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}

/* What XML 1.0 cannot carry is dropped (controls, U+FFFE) or replaced by
 * U+FFFD (bytes that are not UTF-8: stray, overlong, surrogates), one per
 * maximal ill-formed subpart, as the collector's readers decode them. */
Test(report_xml, cleaning_keeps_text_and_drops_what_xml_cannot_hold)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain & <text>", "plain & <text>"},
        {"tab\tnl\ncr\r", "tab\tnl\ncr\r"},
        {"nul-less \x01\x08\x0b\x0c\x1f\x7f", "nul-less \x7f"},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
        {"stray \xff", "stray \xef\xbf\xbd"},
        {"overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd"},
        {"surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"cut \xe2\x82", "cut \xef\xbf\xbd"},
        {"cut \xe2\x82.", "cut \xef\xbf\xbd."},
        {"nonchar \xef\xbf\xbe.", "nonchar ."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wd_buf b = WD_BUF_INIT;
        wd_xml_clean(cases[i].in, &b);
        cr_expect_str_eq(wd_buf_cstr(&b), cases[i].out, "case %zu", i);
        wd_buf_free(&b);
    }
}

/* The real example bundle (omerbenamram system.evtx + a services CSV)
 * through the built wudiag: the report validates and holds the five real
 * install failures. */
Test(report_xml, example_bundle_report_validates)
{
    char *dir = wdt_tempdir();
    char *db = wdt_path(dir, "h.db"), *out = wdt_path(dir, "report.xml");
    char *ev = wdt_source("examples/desktop-2kgm189");
    const char *argv[] = {"diagnose", "--evidence", ev,   "--db", db,
                          "--format", "xml",        "-o", out,    NULL};
    char *err = NULL;
    int rc = wdt_run(argv, NULL, &err);
    cr_assert(rc == 0 || rc == 3, "wudiag exited %d: %s", rc, err);
    char *text = wdt_read(out, NULL);
    cr_assert_not_null(text);
    xmlDocPtr doc = parse(text);
    cr_expect_eq(validate(doc), 0, "the example report does not validate");
    expect(doc, "/r:report/r:machine/@name", "DESKTOP-2KGM189");
    expect(doc, "/r:report/r:verdict/@status", "failing");
    expect(doc, "count(//r:activity[@outcome='failed'][@code='0x80248007'][@kb='KB4025342'])", "4");
    expect(doc, "//r:updates/r:update[@kb='KB4025342']/@failures", "4");
    expect(doc, "count(//r:sources/r:source[@kind='evtx'])", "1");
    expect(doc, "//r:service[@name='wuauserv']/@expected-start", "manual");
    xmlFreeDoc(doc);
    free(text), free(err), free(ev), free(db), free(out);
    wdt_rmtree(dir);
    free(dir);
}
