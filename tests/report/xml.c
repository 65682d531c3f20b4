/* xml.c - the report XML: built from a stored snapshot, valid against
 * templates/report.xsd (libxml2 schema validation), holding the machine,
 * verdict, failures, grouped updates, services against expected, sources
 * and notes - and still valid when the evidence is hostile. */
#include "sample.h"

#include "render.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

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
    cr_expect_str_eq(got, want, "%s", expr);
    free(got);
}

Test(report_xml, sample_snapshot_validates_against_the_schema)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "xml", 0, 0, 1);
    xmlDocPtr doc = parse(text);
    cr_expect_eq(validate(doc), 0, "report does not validate:\n%s", text);
    expect(doc, "namespace-uri(/*)", "urn:wudiag:report:1");
    expect(doc, "/r:report/@version", "1");
    xmlFreeDoc(doc);
    free(text);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, holds_machine_evidence_time_and_verdict)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "xml", 0, 0, 1);
    xmlDocPtr doc = parse(text);
    expect(doc, "/r:report/r:machine/@name", "DESKTOP-SECRET");
    expect(doc, "/r:report/r:machine/@product", "Windows 10 Pro");
    expect(doc, "/r:report/r:machine/@build", "15063");
    expect(doc, "/r:report/r:machine/@ubr", "483");
    expect(doc, "/r:report/r:machine/@windows", "10");
    expect(doc, "/r:report/r:run/r:snapshot/@evidence-time", "2017-07-27T11:00:00Z");
    expect(doc, "/r:report/r:run/r:tool/@version", WD_VERSION);
    expect(doc, "/r:report/r:run/r:database", "/home/alice/.local/share/wudiag/history.db");
    /* wuauserv disabled and five install failures: the machine is failing */
    expect(doc, "/r:report/r:verdict/@status", "failing");
    expect(doc, "boolean(string(/r:report/r:verdict))", "true");
    expect(doc, "count(/r:report/r:findings/r:finding) > 0", "true");
    xmlFreeDoc(doc);
    free(text);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, lists_each_failure_with_decoded_code_and_groups_by_update)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "xml", 0, 0, 1);
    xmlDocPtr doc = parse(text);
    expect(doc, "/r:report/r:failures/@count", "5");
    expect(doc, "count(//r:failure[@code='0x80248007'])", "4");
    expect(doc, "count(//r:failure[@code='0x80246013'])", "1");
    expect(doc, "//r:failure[@code='0x80246013']/@time", "2017-07-27T11:00:00Z");
    expect(doc, "//r:failure[@code='0x80246013']/@kb", "KB4025342");
    expect(doc, "//r:failure[@code='0x80246013']/r:title", SAMPLE_TITLE);
    expect(doc, "//r:failure[@code='0x80248007'][1]/r:symbol", "WU_E_DS_NODATA");
    expect(doc, "string-length(//r:failure[1]/r:meaning) > 10", "true");
    expect(doc, "count(/r:report/r:updates/r:update)", "1");
    expect(doc, "/r:report/r:updates/r:update/@count", "5");
    expect(doc, "/r:report/r:updates/r:update/@first-seen", "2017-07-23T07:25:41Z");
    expect(doc, "/r:report/r:updates/r:update/@last-seen", "2017-07-27T11:00:00Z");
    expect(doc, "/r:report/r:updates/r:update/r:code[@value='0x80248007']/@count", "4");
    /* the event 20 behind a failure is not on the timeline twice */
    expect(doc, "count(//r:timeline/r:entry[@kind='install-failed'])", "5");
    expect(doc, "count(//r:timeline/r:entry[@kind='install-started'])", "1");
    expect(doc, "count(//r:timeline/r:entry[@kind='service-change'])", "1");
    expect(doc, "//r:timeline/r:entry[1]/@time", "2017-07-23T07:20:00Z");
    xmlFreeDoc(doc);
    free(text);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, compares_update_services_with_their_expected_start)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "xml", 0, 0, 1);
    xmlDocPtr doc = parse(text);
    expect(doc, "//r:service[@name='wuauserv']/@start-type", "disabled");
    expect(doc, "//r:service[@name='wuauserv']/@expected-start", "manual");
    expect(doc, "//r:service[@name='wuauserv']/@status", "problem");
    expect(doc, "//r:service[@name='UsoSvc']/@status", "missing");
    expect(doc, "//r:service[@name='UsoSvc']/@expected-start", "auto");
    expect(doc, "//r:service[@name='BITS']/@state", "running");
    expect(doc, "//r:service[@name='BITS']/@status", "ok");
    expect(doc, "//r:service[@name='CryptSvc']/@status", "ok");
    expect(doc, "//r:service[@name='TrustedInstaller']/@state", "stopped");
    expect(doc, "//r:service[@name='TrustedInstaller']/@status", "ok");
    expect(doc, "count(//r:services/r:service) >= 16", "true");
    xmlFreeDoc(doc);
    free(text);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, services_are_unknown_without_a_service_listing)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "xml", 0, 0, 0);
    xmlDocPtr doc = parse(text);
    cr_expect_eq(validate(doc), 0);
    expect(doc, "//r:services/@listed", "false");
    expect(doc, "//r:service[@name='wuauserv']/@status", "unknown");
    expect(doc, "count(//r:service[@status!='unknown'])", "0");
    xmlFreeDoc(doc);
    free(text);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, one_source_element_per_file_with_its_notes)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "xml", 0, 0, 1);
    xmlDocPtr doc = parse(text);
    expect(doc, "count(//r:sources/r:source)", "2");
    expect(doc, "//r:source[@path='System.evtx']/@kind", "evtx");
    expect(doc, "//r:source[@path='System.evtx']/@records", "1910");
    expect(doc, "//r:source[@path='System.evtx']/@kept", "9");
    expect(doc, "//r:source[@path='System.evtx']/@errors", "1");
    expect(doc, "//r:source[@path='System.evtx']/r:note/@location", "record 12");
    expect(doc, "//r:source[@path='services.csv']/@kind", "services-csv");
    expect(doc, "count(//r:source[@path='services.csv']/r:note)", "0");
    expect(doc, "//r:notes/r:note/@source", "mystery.bin");
    expect(doc, "//r:notes/r:note", "not a file wudiag knows");
    xmlFreeDoc(doc);
    free(text);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_xml, evidence_references_point_at_rendered_rows)
{
    char *dir = wdt_tempdir();
    char *text = sample_render(dir, "xml", 0, 0, 1);
    xmlDocPtr doc = parse(text);
    expect(doc, "count(//r:finding/r:evidence) > 0", "true");
    /* every reference names an element with that id (the schema's IDREF) */
    expect(doc, "count(//r:finding/r:evidence[not(@ref = //@id)])", "0");
    expect(doc, "count(//r:finding/r:fix) > 0", "true");
    expect(doc, "//r:finding[1]/r:fix[1]/@order", "1");
    xmlFreeDoc(doc);
    free(text);
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
    expect(doc, "//r:failure[1]/r:title", HOSTILE_CLEAN);
    xmlFreeDoc(doc);
    free(text);
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
    char *out = wdt_path(dir, "missing-folder/report.xml");
    cr_expect_lt(wd_report_write(r, "xml", out), 0);
    cr_expect_not_null(strstr(wd_error_last(), "missing-folder/report.xml"));
    free(out);
    wd_report_free(r);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
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
    expect(doc, "count(//r:failure[@code='0x80248007'][@kb='KB4025342'])", "4");
    expect(doc, "count(//r:failure[@code='0x80246013'])", "1");
    expect(doc, "count(//r:sources/r:source[@kind='evtx'])", "1");
    expect(doc, "//r:service[@name='wuauserv']/@expected-start", "manual");
    xmlFreeDoc(doc);
    free(text), free(err), free(ev), free(db), free(out);
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
    expect(doc, "/r:report/r:failures/@count", "0");
    expect(doc, "count(//r:timeline/r:entry)", "0");
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
 * U+FFFD (bytes that are not UTF-8: stray, overlong, surrogates). */
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
        {"cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd"},
        {"nonchar \xef\xbf\xbe.", "nonchar ."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wd_buf b = WD_BUF_INIT;
        wd_xml_clean(cases[i].in, &b);
        cr_expect_str_eq(wd_buf_cstr(&b), cases[i].out, "case %zu", i);
        wd_buf_free(&b);
    }
}
