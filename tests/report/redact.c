/* redact.c - --redact: machine names, user names (profile paths, DOMAIN\user
 * accounts) and account SIDs are replaced by stable placeholders in both
 * the XML and the HTML, and the XML still validates. */
#include "sample.h"

#include "render.h"

static void expect_clean(const char *text)
{
    cr_expect_null(strstr(text, "DESKTOP-SECRET"), "machine name left");
    cr_expect_null(strstr(text, "alice"), "user name left");
    cr_expect_null(strstr(text, "CORP"), "domain left");
    cr_expect_null(strstr(text, "S-1-5-21-3623811015"), "SID left");
}

Test(report_redact, replaces_names_in_the_xml_with_stable_placeholders)
{
    char *dir = wdt_tempdir();
    char *xml = sample_render(dir, "xml", 0, 1, 1);
    expect_clean(xml);
    cr_expect_not_null(strstr(xml, "<machine name=\"MACHINE-1\""));
    cr_expect_not_null(strstr(xml, "computer=\"MACHINE-1\""));
    cr_expect_not_null(strstr(xml, "C:\\Users\\USER-1\\AppData"));
    cr_expect_not_null(strstr(xml, "/home/USER-1/report.html"));
    cr_expect_not_null(strstr(xml, "<redacted>true</redacted>"));
    /* what is not a name survives */
    cr_expect_not_null(strstr(xml, "KB4025342"));
    cr_expect_not_null(strstr(xml, "0x80248007"));
    cr_expect_not_null(strstr(xml, "Windows 10 Pro"));
    free(xml);
    wdt_rmtree(dir);
    free(dir);
}

/* A model built by hand: event fields and free text are redacted too. */
Test(report_redact, accounts_and_sids_in_every_string_get_stable_placeholders)
{
    wd_model *m = calloc(1, sizeof *m);
    m->machine = strdup("PC-7.corp.example");
    m->nevents = 1;
    m->events = calloc(1, sizeof *m->events);
    m->events[0].computer = strdup("PC-7.corp.example");
    m->events[0].nfields = 3;
    m->events[0].fields = calloc(3, sizeof(wd_field));
    m->events[0].fields[0] = (wd_field){strdup("jobOwner"), strdup("CORP\\bob")};
    m->events[0].fields[1] =
        (wd_field){strdup("UserSid"), strdup("S-1-5-21-3623811015-3361044348-30300820-1013")};
    m->events[0].fields[2] = (wd_field){strdup("SubjectUserName"), strdup("SYSTEM")};
    m->nfailures = 1;
    m->failures = calloc(1, sizeof *m->failures);
    m->failures[0].context =
        strdup("job of CORP\\bob (S-1-5-21-3623811015-3361044348-30300820-1013)"
               " on PC-7 reading C:\\Users\\carol\\x and pc-7's BITS");
    m->failures[0].title = strdup("Update for PC-700 by bobby");
    char *cmd = strdup("wudiag -o /home/dave/r.html");
    char **extra[] = {&cmd};
    cr_assert_eq(wd_redact_model(m, extra, 1), 0);
    cr_expect_str_eq(m->machine, "MACHINE-1");
    cr_expect_str_eq(m->events[0].computer, "MACHINE-1");
    cr_expect_str_eq(m->events[0].fields[0].value, "DOMAIN-1\\USER-1");
    cr_expect_str_eq(m->events[0].fields[1].value, "SID-1");
    cr_expect_str_eq(m->events[0].fields[2].value, "SYSTEM"); /* well-known, kept */
    cr_expect_str_eq(m->failures[0].context,
                     "job of DOMAIN-1\\USER-1 (SID-1) on MACHINE-1 reading C:\\Users\\USER-2\\x"
                     " and MACHINE-1's BITS");
    /* whole names only: PC-700 and bobby are other words */
    cr_expect_str_eq(m->failures[0].title, "Update for PC-700 by bobby");
    cr_expect_str_eq(cmd, "wudiag -o /home/USER-3/r.html");
    free(cmd);
    wd_model_free(m);
}

Test(report_redact, replaces_names_in_the_html)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 1, 1);
    expect_clean(html);
    cr_expect_not_null(strstr(html, "MACHINE-1"));
    cr_expect_not_null(strstr(html, "names redacted"));
    free(html);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_redact, leaves_names_alone_without_the_option)
{
    char *dir = wdt_tempdir();
    char *xml = sample_render(dir, "xml", 0, 0, 1);
    cr_expect_not_null(strstr(xml, "DESKTOP-SECRET"));
    cr_expect_not_null(strstr(xml, "alice"));
    free(xml);
    wdt_rmtree(dir);
    free(dir);
}
