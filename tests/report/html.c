/* html.c - the HTML report through templates/report.xsl: one self-contained
 * page with the verdict and the first fix up front; findings cause first,
 * effects citing their cause; each fix's steps once; a fix that already
 * failed said so, with what to do instead; known-issue boxes with their
 * source; resolved and superseded updates as history; incomplete evidence
 * said plainly; evidence as escaped text; a user's --template honoured but
 * denied file access; and the history page with its SVG charts. */
#include "sample.h"

#include "render.h"

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The HTML of a model built by hand. */
static char *hand_html(wd_model *m, int redact)
{
    wd_kb *kb = NULL;
    void *doc = NULL;
    char *html = NULL;
    size_t len = 0;
    wd_report_options o = {.redact = redact};
    cr_assert_eq(wd_kb_load(NULL, &kb), 0, "%s", wd_error_last());
    cr_assert_eq(wd_report_xml_build(m, kb, &o, &doc), 0, "%s", wd_error_last());
    cr_assert_eq(wd_xslt_apply(doc, NULL, wd_tpl_report_xsl, wd_tpl_report_xsl_len, &html, &len), 0,
                 "%s", wd_error_last());
    wd_xml_doc_free(doc);
    wd_kb_free(kb);
    return html;
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
    /* the verdict and the first fix come before everything else */
    cr_expect_lt(strstr(html, "id=\"verdict\""), strstr(html, "id=\"first-fix\""));
    cr_expect_lt(strstr(html, "id=\"first-fix\""), strstr(html, "id=\"findings\""));
    cr_expect_not_null(strstr(html, "name=\"viewport\""));
    cr_expect_not_null(strstr(html, "@media print"));
    cr_expect_not_null(strstr(html, "prefers-color-scheme: dark"));
    cr_expect_not_null(strstr(html, "@media (max-width: 640px)"));
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_html, each_fix_shows_its_steps_once)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 0, 1);
    /* one list of steps per fix: the first fix's at the top, the others'
     * in the fixes section, none in the findings */
    const char *fixes = strstr(html, "<section id=\"fixes\"><h2>Fixes <span class=\"count\">");
    cr_assert_not_null(fixes);
    int n = (int)strtol(fixes + strlen("<section id=\"fixes\"><h2>Fixes <span class=\"count\">"),
                        NULL, 10);
    cr_expect_gt(n, 1);
    cr_expect_eq(count(html, "<ol class=\"steps\">"), n);
    const char *findings = strstr(html, "id=\"findings\""), *end = fixes;
    for (const char *p = strstr(findings, "<ol class=\"steps\">"); p; p = NULL)
        cr_expect_gt(p, end, "steps inside the findings");
    cr_expect_leq(count(html, "Run DISM /Online /Cleanup-Image /RestoreHealth and wait for 100%."),
                  1);
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_html, a_fix_that_already_failed_says_what_to_do_instead)
{
    wd_model *m = hand_model();
    char *html = hand_html(m, 0);
    cr_expect_not_null(strstr(html, "Already failed 3 times here"), "%s", html);
    cr_expect_not_null(strstr(html, "<li class=\"failed\"><a href=\"#fix-repair-image\">"));
    cr_expect_not_null(strstr(html, "<a href=\"#fix-repair-image-source\">"));
    /* the first fix is for the cause, and is not the one that failed */
    const char *ff = strstr(html, "id=\"first-fix\"");
    cr_assert_not_null(ff);
    cr_expect_eq(
        strncmp(strstr(ff, "First fix to try: "), "First fix to try: Enlarge the recovery", 38), 0);
    free(html);
    wd_model_free(m);
}

Test(report_html, effects_cite_their_cause_and_causes_their_effects)
{
    wd_model *m = hand_model();
    char *html = hand_html(m, 0);
    const char *cause = strstr(html, "id=\"finding-1\""),
               *effect = strstr(html, "id=\"finding-2\"");
    cr_assert(cause && effect);
    cr_expect_lt(cause, effect, "the cause is not first");
    cr_expect_not_null(strstr(effect, "Caused by: <a href=\"#finding-1\">KB5034441 fails"));
    cr_expect_not_null(strstr(cause, "Causes: <a href=\"#finding-2\">Updates fail again"));
    /* the resolved finding reads as history */
    cr_expect_not_null(strstr(html, "class=\"finding f-warning fs-resolved\""));
    free(html);
    wd_model_free(m);
}

Test(report_html, a_known_issue_shows_its_source)
{
    wd_model *m = hand_model();
    char *html = hand_html(m, 0);
    const char *box =
        strstr(html, "<aside class=\"known-issue\" id=\"issue-winre-partition-too-small\">");
    cr_assert_not_null(box, "%s", html);
    cr_expect_not_null(strstr(box, "Known issue: The January 2024 Windows Recovery Environment"));
    cr_expect_not_null(strstr(box, "<a href=\"https://support.microsoft.com/help/5034441\" "
                                   "rel=\"noopener noreferrer\">"));
    free(html);
    wd_model_free(m);
}

Test(report_html, resolved_and_superseded_updates_read_as_history)
{
    wd_model *m = hand_model();
    char *html = hand_html(m, 0);
    cr_expect_not_null(strstr(html, "<tr class=\"st-failing\">"));
    cr_expect_not_null(strstr(html, "<tr class=\"st-resolved history\">"));
    cr_expect_not_null(strstr(html, "<tr class=\"st-superseded history\">"));
    cr_expect_not_null(strstr(html, "resolved</span><span class=\"dim\"> on 2024-03-01"));
    cr_expect_not_null(strstr(html, "superseded</span><span class=\"dim\"> by 2024-03 Cumulative"));
    free(html);
    wd_model_free(m);
}

Test(report_html, incomplete_evidence_is_said_plainly)
{
    wd_model *m = hand_model();
    m->verdict = "incomplete";
    for (size_t i = 0; i < m->nfindings; i++)
        wd_finding_clear(&m->findings[i]);
    m->nfindings = 0;
    char *html = hand_html(m, 0);
    cr_expect_not_null(strstr(html, "class=\"verdict v-incomplete\""));
    cr_expect_not_null(strstr(html, "Incomplete evidence: </strong>1 evidence file could not be "
                                    "read at all."),
                       "%s", html);
    cr_expect_not_null(strstr(html, "the diagnosis is incomplete"));
    cr_expect_not_null(strstr(html, "Setup.evtx"));
    free(html);
    wd_model_free(m);
}

Test(report_html, evidence_of_several_computers_is_said)
{
    /* one record names OTHER-PC: said, quietly (a name seen for a few records is
     * not a second machine; the several-computers rule decides when it is) */
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 0, 1);
    cr_expect_not_null(strstr(html, "A few records name another computer"), "%s", html);
    cr_expect_null(strstr(html, "The evidence names 2 computers"));
    cr_expect_not_null(strstr(html, "OTHER-PC"));
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_html, shows_updates_services_facts_timeline_and_notes)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 0, 1);
    cr_expect_not_null(strstr(html, "<code>0x80070643</code>"));
    cr_expect_not_null(strstr(html, "sources disagree"));
    cr_expect_not_null(strstr(html, "<tr class=\"st-problem ess-true\" id=\"service-"));
    cr_expect_not_null(strstr(html, "DISM.log line 120"));
    cr_expect_not_null(strstr(html, "System.evtx record 210, event 20"));
    cr_expect_not_null(strstr(html, "event record could not be decoded"));
    cr_expect_not_null(strstr(html, "id=\"timeline\""));
    /* links inside the page resolve */
    for (const char *a = strstr(html, "href=\"#"); a; a = strstr(a + 1, "href=\"#")) {
        char id[80] = "id=\"";
        size_t n = strcspn(a + 7, "\"");
        cr_assert_lt(n, 60);
        memcpy(id + 4, a + 7, n);
        id[4 + n] = '"';
        id[5 + n] = '\0';
        cr_expect_not_null(strstr(html, id), "no element %s", id);
    }
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

/* Nothing is loaded from anywhere: no script, style sheet, image or font;
 * the only links out are known issues' documentation. */
static void expect_self_contained(const char *html)
{
    cr_expect_null(strstr(html, "<script"));
    cr_expect_null(strstr(html, "<link"));
    cr_expect_null(strstr(html, "<img"));
    cr_expect_null(strstr(html, "<iframe"));
    cr_expect_null(strstr(html, "src="));
    cr_expect_null(strstr(html, "@import"));
    cr_expect_null(strstr(html, "url("));
    for (const char *a = strstr(html, "href=\""); a; a = strstr(a + 1, "href=\"")) {
        if (a[6] == '#')
            continue;
        cr_expect_eq(strncmp(a + 6, "https://", 8), 0, "a link that is not https: %.60s", a);
        const char *box = a;
        while (box > html && strncmp(box, "<aside class=\"known-issue\"", 26))
            box--;
        cr_expect_gt(box, html, "a link out of the page outside a known issue: %.60s", a);
    }
}

Test(report_html, is_self_contained)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 0, 1);
    expect_self_contained(html);
    free(html);
    wdt_rmtree(dir);
    free(dir);
    wd_model *m = hand_model();
    html = hand_html(m, 0);
    expect_self_contained(html);
    free(html);
    wd_model_free(m);
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
    wd_activity_rec f = {.outcome = WD_OUT_FAILED,
                         .has_code = 1,
                         .code = 0x80070002,
                         .time = "2024-03-20T10:00:00Z",
                         .title = "Defender update",
                         .count = -1,
                         .computer = "DESKTOP-SECRET"};
    cr_assert_eq(wd_store_add_activity(s, &f), 0);
    int64_t snap2;
    cr_assert_eq(wd_store_commit(s, &snap2), 0, "%s", wd_error_last());

    char *text = history(dir, s, "text", 0);
    cr_expect_not_null(strstr(text, "VERDICT"));
    cr_expect_not_null(strstr(text, "DESKTOP-SECRET"));
    free(text);

    char *xml = history(dir, s, "xml", 0);
    cr_expect_not_null(strstr(xml, "xmlns=\"urn:wudiag:history:1\""));
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
