/* html.c - the HTML report through templates/report.xsl: one self-contained
 * page with the verdict and first fix up front, evidence as escaped text,
 * no external resources, a user's --template honoured but denied file
 * access, and the history page with its SVG charts. */
#include "sample.h"

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

Test(report_html, first_screen_has_verdict_and_first_fix)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 0, 1);
    cr_expect_eq(strncmp(html, "<!DOCTYPE html", 14), 0);
    cr_expect_not_null(strstr(html, "id=\"verdict\""));
    cr_expect_not_null(strstr(html, "class=\"verdict v-failing\""));
    cr_expect_not_null(strstr(html, "id=\"first-fix\""));
    cr_expect_not_null(strstr(html, "First fix to try: "));
    /* the verdict comes before the findings section */
    cr_expect_lt(strstr(html, "id=\"verdict\""), strstr(html, "id=\"findings\""));
    cr_expect_lt(strstr(html, "id=\"first-fix\""), strstr(html, "id=\"services\""));
    cr_expect_not_null(strstr(html, "name=\"viewport\""));
    cr_expect_not_null(strstr(html, "@media print"));
    cr_expect_not_null(strstr(html, "prefers-color-scheme: dark"));
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_html, shows_failures_services_timeline_and_sources)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 0, 1);
    cr_expect_eq(count(html, "<code>0x80248007</code>"), 4 + 1 + 4); /* rows, group, timeline */
    cr_expect_not_null(strstr(html, "KB4025342"));
    cr_expect_not_null(strstr(html, "<svg"));
    cr_expect_gt(count(html, "<circle"), 6);
    cr_expect_not_null(strstr(html, "<tr class=\"st-problem ess-true\" id=\"service-"));
    cr_expect_not_null(strstr(html, "System.evtx"));
    cr_expect_not_null(strstr(html, "event record could not be decoded"));
    /* evidence links resolve to rows of the page */
    const char *a = strstr(html, "href=\"#failure-");
    cr_assert_not_null(a);
    char id[64] = "id=\"";
    size_t n = strcspn(a + 7, "\"");
    cr_assert_lt(n, 50);
    memcpy(id + 4, a + 7, n);
    id[4 + n] = '"';
    cr_expect_not_null(strstr(html, id), "no element %s", id);
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_html, is_self_contained)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 0, 1);
    cr_expect_null(strstr(html, "<script"));
    cr_expect_null(strstr(html, "<link"));
    cr_expect_null(strstr(html, "<img"));
    cr_expect_null(strstr(html, "src="));
    cr_expect_null(strstr(html, "@import"));
    cr_expect_null(strstr(html, "url("));
    cr_expect_null(strstr(html, "href=\"http"));
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_html, hostile_titles_are_escaped_text)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 1, 0, 1);
    cr_expect_null(strstr(html, "<script"), "a script element reached the HTML");
    cr_expect_not_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;\"'"));
    cr_expect_null(strstr(html, "\x1b"));
    cr_expect_null(strstr(html, "\x01"));
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

static char *render_with_template(const char *dir, const char *xsl, int *rc)
{
    int64_t snap = 0;
    wd_store *s = sample_store(dir, 0, 1, &snap);
    char *tpl = wdt_path(dir, "mine.xsl");
    cr_assert_eq(wdt_write(tpl, xsl, strlen(xsl)), 0);
    wd_report_options o = {.template_path = tpl};
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(s, snap, &o, &r), 0, "%s", wd_error_last());
    char *out = wdt_path(dir, "custom.html");
    *rc = wd_report_write(r, "html", out);
    char *text = wdt_read(out, NULL);
    free(out);
    free(tpl);
    wd_report_free(r);
    wd_store_close(s);
    return text;
}

Test(report_html, a_user_template_replaces_the_embedded_one)
{
    char *dir = wdt_tempdir();
    int rc;
    char *html = render_with_template(
        dir,
        "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'"
        " xmlns:r='urn:wudiag:report:1'><xsl:output method='html'/>"
        "<xsl:template match='/'><p id='mine'><xsl:value-of select='//r:machine/@name'/></p>"
        "</xsl:template></xsl:stylesheet>",
        &rc);
    cr_expect_eq(rc, 0, "%s", wd_error_last());
    cr_assert_not_null(html);
    cr_expect_not_null(strstr(html, "id=\"mine\">DESKTOP-SECRET</p>"), "%s", html);
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_html, a_template_cannot_read_files)
{
    char *dir = wdt_tempdir();
    int rc;
    char *html = render_with_template(
        dir,
        "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
        "<xsl:template match='/'><p><xsl:copy-of select=\"document('/etc/passwd')\"/></p>"
        "</xsl:template></xsl:stylesheet>",
        &rc);
    cr_expect_neq(rc, 0, "document() was allowed");
    cr_expect(!html || !strstr(html, "root:"), "the template read /etc/passwd");
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_html, a_broken_template_is_an_error_naming_it)
{
    char *dir = wdt_tempdir();
    int rc;
    char *html = render_with_template(dir, "<not-xslt>", &rc);
    cr_expect_eq(rc, WD_EFORMAT);
    cr_expect_not_null(strstr(wd_error_last(), "mine.xsl"));
    cr_expect_null(html);
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

static char *history(const char *dir, wd_store *s, const char *format, int redact)
{
    char *out = wdt_path(dir, "history.out");
    wd_report_options o = {.redact = redact};
    cr_assert_eq(wd_report_history(s, NULL, NULL, format, &o, out), 0, "%s", wd_error_last());
    char *text = wdt_read(out, NULL);
    free(out);
    return text;
}

Test(report_history, renders_text_xml_and_html_with_charts)
{
    char *dir = wdt_tempdir();
    int64_t snap = 0;
    wd_store *s = sample_store(dir, 0, 1, &snap);
    /* a second snapshot where wuauserv came back */
    cr_assert_eq(wd_store_begin(s, "wudiag collect", "live"), 0, "%s", wd_error_last());
    wd_service_rec wu = {"wuauserv", "Windows Update", "running", "manual", 99, 0, 0, "scm"};
    cr_assert_eq(wd_store_add_service(s, &wu), 0);
    wd_failure_rec f = {.hresult = 0x80070002,
                        .origin = "history",
                        .time = "2017-08-02T10:00:00Z",
                        .title = "Defender update",
                        .computer = "DESKTOP-SECRET"};
    cr_assert_eq(wd_store_add_failure(s, &f), 0);
    int64_t snap2;
    cr_assert_eq(wd_store_commit(s, &snap2), 0, "%s", wd_error_last());

    char *text = history(dir, s, "text", 0);
    cr_expect_not_null(strstr(text, "VERDICT"));
    cr_expect_not_null(strstr(text, "DESKTOP-SECRET"));
    free(text);

    char *xml = history(dir, s, "xml", 0);
    cr_expect_not_null(strstr(xml, "xmlns=\"urn:wudiag:history:1\""));
    /* 07-23 is in the week of Monday 07-17; 07-24..07-27 in the next; a
     * failure stored by both snapshots would count once */
    const char *w1 = strstr(xml, "<week start=\"2017-07-17\">");
    const char *w2 = strstr(xml, "<week start=\"2017-07-24\">");
    cr_assert(w1 && w2 && w1 < w2, "%s", xml);
    cr_expect_not_null(strstr(w1, "<code value=\"0x80248007\" count=\"1\"/>"));
    cr_expect_not_null(strstr(w2, "<code value=\"0x80248007\" count=\"3\"/>"));
    cr_expect_not_null(strstr(w2, "<code value=\"0x80246013\" count=\"1\"/>"));
    cr_expect_not_null(strstr(xml, "<code value=\"0x80070002\" count=\"1\"/>"));
    cr_expect_not_null(
        strstr(xml, "service=\"wuauserv\" from-state=\"stopped\" to-state=\"running\""));
    free(xml);

    char *html = history(dir, s, "html", 1);
    cr_expect_not_null(strstr(html, "<svg"));
    cr_expect_not_null(strstr(html, "Failures per week"));
    cr_expect_null(strstr(html, "DESKTOP-SECRET"), "--redact left the machine name");
    cr_expect_not_null(strstr(html, "MACHINE-1"));
    cr_expect_null(strstr(html, "<script"));
    free(html);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}
