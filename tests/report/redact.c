/* redact.c - --redact holds for a ticket: a hostile bundle where machine,
 * user, domain and internal host names, IPv4/IPv6 and e-mail addresses and
 * SIDs appear in every place (log lines, event fields, registry values,
 * file and bundle names, titles, notes, the stored command line) leaves
 * none of them in the HTML, the XML or the JSON; placeholders are stable;
 * and the redactor itself, string by string. */
#define _GNU_SOURCE
#include "sample.h"

#include "emit.h"

#include <ctype.h>

#define MACHINE "PC-SECRET7"
#define FQDN "PC-SECRET7.corp.contoso.test"
#define OTHER "LAPTOP-OTHER9"
#define USER "jdoe"
#define DOMAIN "CONTOSO"
#define WSUS "wsus01.corp.contoso.test"
#define PROXY "proxy7.corp.contoso.test"
#define IP4 "10.20.30.40"
#define IP6 "fe80::1c2d:3e4f:5a6b:7c8d"
#define EMAIL "john.doe@contoso.test"
#define SID "S-1-5-21-1004336348-1177238915-682003330-1001"
#define BUNDLE "C:\\Users\\" USER "\\Desktop\\wudiag-evidence-" MACHINE "-20240314-101500.zip"

/* Every original that must never reach a report. */
static const char *const secrets[] = {
    MACHINE,  "SECRET7", OTHER, USER,         DOMAIN,     "contoso",
    "wsus01", "proxy7",  IP4,   "fe80::1c2d", "john.doe", "1004336348",
};

static void hostile_activity(wd_store *s, wd_op op, wd_outcome out, uint32_t code, const char *time,
                             const char *file, uint64_t line, const char *detail)
{
    wd_activity_rec a = {.operation = op,
                         .outcome = out,
                         .has_code = code != 0,
                         .code = code,
                         .time = time,
                         .kb = op == WD_OP_INSTALL ? "KB5034441" : NULL,
                         .title = op == WD_OP_INSTALL ? "Update for " MACHINE " by " EMAIL : NULL,
                         .product = op == WD_OP_INSTALL ? WD_PRODUCT_OS_OTHER : WD_PRODUCT_UNKNOWN,
                         .target = op == WD_OP_REPAIR ? "\\\\" WSUS "\\share\\install.wim" : NULL,
                         .count = -1,
                         .component = "Agent",
                         .detail = detail,
                         .computer = line % 2 ? FQDN : NULL,
                         .where = {WD_LOC_LINE, file, line, NULL, 0, 0}};
    cr_assert_eq(wd_store_add_activity(s, &a), 0, "%s", wd_error_last());
}

static void hostile_events(wd_store *s)
{
    wd_field f[] = {{"jobOwner", DOMAIN "\\" USER},
                    {"UserSid", SID},
                    {"url", "http://" WSUS ":8530/Content/AB/x.cab"},
                    {"clientAddress", IP6},
                    {"updateTitle", "Update for " USER " on " MACHINE}};
    wd_event_rec e = {"System", "Microsoft-Windows-Bits-Client", 59,    4,
                      301,      "2024-03-13T10:01:00Z",          OTHER, f,
                      5,        BUNDLE "\\System.evtx"};
    cr_assert_eq(wd_store_add_event(s, &e), 0, "%s", wd_error_last());
    wd_field g[] = {{"updateTitle", "2024-01 Update (KB5034441) for " USER},
                    {"errorCode", "0x80070643"}};
    wd_event_rec e20 = {"System", "Microsoft-Windows-WindowsUpdateClient",
                        20,       2,
                        302,      "2024-03-13T11:00:00Z",
                        FQDN,     g,
                        2,        BUNDLE "\\System.evtx"};
    cr_assert_eq(wd_store_add_event(s, &e20), 0, "%s", wd_error_last());
    wd_activity_rec a = {.operation = WD_OP_INSTALL,
                         .outcome = WD_OUT_FAILED,
                         .has_code = 1,
                         .code = 0x80070643,
                         .time = "2024-03-13T11:00:00Z",
                         .kb = "KB5034441",
                         .title = "2024-01 Update (KB5034441) for " USER,
                         .product = WD_PRODUCT_OS_OTHER,
                         .count = -1,
                         .component = "Microsoft-Windows-WindowsUpdateClient",
                         .detail = "Installation Failure on " FQDN " for " DOMAIN "\\" USER,
                         .computer = FQDN,
                         .where = {WD_LOC_EVENT, BUNDLE "\\System.evtx", 0, "System", 302, 20}};
    cr_assert_eq(wd_store_add_activity(s, &a), 0, "%s", wd_error_last());
}

static void hostile_rest(wd_store *s)
{
    const wd_fact_rec facts[] = {
        {"machine.name", MACHINE, BUNDLE "\\facts.txt", NULL},
        {"os.build", "19045", "HKLM-" MACHINE ".reg", NULL},
        {"user.last_logged_on", DOMAIN "\\" USER, "Winlogon-" USER ".reg", NULL},
        {"policy.wu.WUServer", "http://" WSUS ":8530", "policy.reg", NULL},
        {"net.winhttp_proxy",
         "Current WinHTTP proxy settings: Proxy Server(s) : " PROXY ":8080 Bypass List : "
         "*.corp.contoso.test;<local>",
         "facts.txt", NULL},
        {"user.profile", "C:\\Users\\" USER "\\AppData", "CurrentVersion.reg", NULL},
        {"contact", EMAIL, "facts.txt", NULL},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        cr_assert_eq(wd_store_add_fact(s, &facts[i]), 0, "%s", wd_error_last());
    wd_service_rec svc = {
        "wuauserv", "Windows Update (" USER ")",        "stopped", "disabled", -1, 1077,
        0,          BUNDLE "\\services-" MACHINE ".csv"};
    cr_assert_eq(wd_store_add_service(s, &svc), 0, "%s", wd_error_last());
    wd_note_rec n = {BUNDLE "\\Setup.evtx", "record 7",
                     "event of " DOMAIN "\\" USER " from " IP4 " could not be decoded",
                     WD_NOTE_UNREADABLE};
    cr_assert_eq(wd_store_add_note(s, &n), 0);
    wd_source_rec src = {BUNDLE "\\WindowsUpdate-" MACHINE ".log", "wulog", 10, 4, 0};
    cr_assert_eq(wd_store_add_source(s, &src), 0);
}

static wd_store *hostile_store(const char *dir, int64_t *snap)
{
    wd_store *s = NULL;
    char *db = wdt_path(dir, "history.db");
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), 0, "%s", wd_error_last());
    free(db);
    cr_assert_eq(
        wd_store_begin(s, "wudiag diagnose --evidence " BUNDLE " --machine " MACHINE, BUNDLE), 0,
        "%s", wd_error_last());
    const char *log = BUNDLE "\\WindowsUpdate-" MACHINE ".log";
    hostile_activity(s, WD_OP_SCAN, WD_OUT_FAILED, 0x8024402C, "2024-03-10T08:00:00", log, 11,
                     "* END * Finding updates from http://" WSUS ":8530 via " PROXY " (" IP4
                     ", " IP6 ") for " USER "_admin, mail " EMAIL ", sid " SID);
    hostile_activity(s, WD_OP_SCAN, WD_OUT_FAILED, 0x8024402C, "2024-03-11T08:00:00", log, 12,
                     "WSUS server: " WSUS " unreachable from " MACHINE " (" OTHER ")");
    hostile_activity(s, WD_OP_REPAIR, WD_OUT_FAILED, 0x800F081F, "2024-03-12T08:00:00",
                     BUNDLE "\\dism-" USER ".log", 13,
                     "DISM /Source:\\\\" WSUS "\\share failed for C:\\Users\\" USER "\\x");
    hostile_activity(s, WD_OP_INSTALL, WD_OUT_FAILED, 0x80070643, "2024-03-12T09:00:00", log, 14,
                     "Install of KB5034441 failed; see https://support.microsoft.com/help/5034441");
    hostile_events(s);
    hostile_rest(s);
    cr_assert_eq(wd_store_commit(s, snap), 0, "%s", wd_error_last());
    return s;
}

/* A case-insensitive search. */
static const char *find_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (!strncasecmp(p, needle, n))
            return p;
    return NULL;
}

static char *render(wd_store *s, int64_t snap, const char *dir, const char *format)
{
    wd_report *r = NULL;
    wd_report_options o = {.command_line = "wudiag report --db /home/" USER "/h.db -o "
                                           "C:\\Users\\" USER "\\report-" MACHINE ".html",
                           .db_path = "/home/" USER "/.local/share/wudiag/history.db",
                           .redact = 1};
    cr_assert_eq(wd_report_build(s, snap, &o, &r), 0, "%s", wd_error_last());
    char name[32];
    snprintf(name, sizeof name, "redacted.%s", format);
    char *out = wdt_path(dir, name);
    cr_assert_eq(wd_report_write(r, format, out), 0, "%s", wd_error_last());
    char *text = wdt_read(out, NULL);
    cr_assert_not_null(text);
    free(out);
    wd_report_free(r);
    return text;
}

static void expect_clean(const char *text, const char *format)
{
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        const char *at = find_ci(text, secrets[i]);
        cr_expect_null(at, "%s: '%s' left: ...%.60s...", format, secrets[i], at ? at : "");
    }
}

Test(report_redact, no_original_reaches_the_html_the_xml_or_the_json)
{
    char *dir = wdt_tempdir();
    int64_t snap = 0;
    wd_store *s = hostile_store(dir, &snap);
    const char *formats[] = {"xml", "json", "html"};
    for (size_t i = 0; i < 3; i++) {
        char *text = render(s, snap, dir, formats[i]);
        expect_clean(text, formats[i]);
        /* each kind was there, and is now a placeholder */
        const char *ph[] = {"MACHINE-1", "MACHINE-2", "USER-1",  "DOMAIN-", "HOST-",
                            "IP-1",      "IP-2",      "EMAIL-1", "SID-1"};
        for (size_t j = 0; j < sizeof ph / sizeof ph[0]; j++)
            cr_expect_not_null(strstr(text, ph[j]), "%s: no %s", formats[i], ph[j]);
        /* what is not a name survives */
        cr_expect_not_null(strstr(text, "KB5034441"), "%s", formats[i]);
        cr_expect_not_null(strstr(text, "0x80070643"), "%s", formats[i]);
        cr_expect_not_null(strstr(text, "https://support.microsoft.com/help/5034441"), "%s",
                           formats[i]);
        cr_expect_not_null(strstr(text, "wudiag-evidence-MACHINE-1-20240314-101500"), "%s",
                           formats[i]);
        free(text);
    }
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_redact, the_redacted_xml_still_validates_and_says_so)
{
    char *dir = wdt_tempdir();
    int64_t snap = 0;
    wd_store *s = hostile_store(dir, &snap);
    char *xml = render(s, snap, dir, "xml");
    cr_expect_not_null(strstr(xml, "redacted=\"true\""));
    cr_expect_not_null(strstr(xml, "<machine name=\"MACHINE-1\""));
    char *xsd = wdt_source("templates/report.xsd"), *out = wdt_path(dir, "redacted.xml");
    char *cmd = NULL;
    cr_assert(asprintf(&cmd, "xmllint --noout --schema '%s' '%s' 2>&1", xsd, out) > 0);
    cr_expect_eq(system(cmd), 0, "the redacted report does not validate");
    free(cmd), free(xsd), free(out), free(xml);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir);
}

Test(report_redact, the_sample_names_are_gone_and_the_rest_is_kept)
{
    char *dir = wdt_tempdir();
    char *html = sample_render(dir, "html", 0, 1, 1);
    cr_expect_null(strstr(html, "DESKTOP-SECRET"), "machine name left");
    cr_expect_null(strstr(html, "OTHER-PC"), "second computer left");
    cr_expect_null(find_ci(html, "alice"), "user name left");
    cr_expect_null(strstr(html, "CORP"), "domain left");
    cr_expect_null(strstr(html, "wsus01"), "internal host left");
    cr_expect_null(strstr(html, "S-1-5-21-3623811015"), "SID left");
    cr_expect_not_null(strstr(html, "names redacted"));
    cr_expect_not_null(strstr(html, "Windows 10 Pro"));
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
    cr_expect_not_null(strstr(xml, "redacted=\"false\""));
    free(xml);
    wdt_rmtree(dir);
    free(dir);
}

/* ------------------------------------------------------------ redactor */

static char *apply(wd_redactor *r, const char *in)
{
    wd_buf b = WD_BUF_INIT;
    wd_redact_apply(r, in, &b);
    cr_assert(wd_buf_ok(&b));
    return b.data ? wd_buf_detach(&b) : strdup("");
}

Test(report_redact, redactor_replaces_names_and_patterns_with_stable_placeholders)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"job of CORP\\bob on PC-7 and pc-7.corp.example.com",
         "job of DOMAIN-2\\USER-1 on MACHINE-1 and MACHINE-1"},
        /* whole names only, but also inside longer tokens and paths */
        {"Update for PC-700 by bobby", "Update for PC-700 by bobby"},
        {"bob_admin, bob-laptop, /home/bob/x", "USER-1_admin, USER-1-laptop, /home/USER-1/x"},
        {"C:\\Users\\carol\\AppData and carol", "C:\\Users\\USER-2\\AppData and USER-2"},
        {"wudiag-evidence-DESKTOP-9X-20240314-101500.zip",
         "wudiag-evidence-MACHINE-2-20240314-101500.zip"},
        /* addresses, e-mails, SIDs, internal hosts */
        {"from 10.1.2.3:8080 and fe80::1c2d:3e4f:5a6b:7c8d%12 and ::1",
         "from IP-1:8080 and IP-2%12 and IP-3"},
        {"mail bob.smith@corp.example.com", "mail EMAIL-1"},
        {"sid S-1-5-21-3623811015-3361044348-30300820-1013 and S-1-5-18", "sid SID-1 and S-1-5-18"},
        {"http://wsus01.corp.example.com:8530/x and srv2.corp.example.com",
         "http://HOST-1:8530/x and HOST-2"},
        {"https://go.microsoft.com/fwlink and download.windowsupdate.com",
         "https://go.microsoft.com/fwlink and download.windowsupdate.com"},
        /* what only looks like them stays */
        {"at 07:25:41.804 build 10.0.19041.3930 v1.407.1.0 Agent::Run ab:cd:ef",
         "at 07:25:41.804 build 10.0.19041.3930 v1.407.1.0 Agent::Run ab:cd:ef"},
        {"NT AUTHORITY\\SYSTEM and NT SERVICE\\TrustedInstaller",
         "NT AUTHORITY\\SYSTEM and NT SERVICE\\TrustedInstaller"},
        /* the same original, the same placeholder */
        {"10.1.2.3 PC-7 bob", "IP-1 MACHINE-1 USER-1"},
    };
    wd_redactor *r = NULL;
    cr_assert_eq(wd_redactor_new(&r), 0);
    wd_redact_learn_machine(r, "PC-7.corp.example.com");
    wd_redact_learn_account(r, "CORP\\bob");
    wd_redact_learn_text(r, "C:\\Users\\carol.CORP\\AppData");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = apply(r, cases[i].in);
        cr_expect_str_eq(got, cases[i].out, "case %zu: %s", i, got);
        free(got);
    }
    cr_expect_eq(wd_redact_failed(r), 0);
    wd_redactor_free(r);
}

Test(report_redact, proxy_settings_teach_hosts_and_domains)
{
    wd_redactor *r = NULL;
    cr_assert_eq(wd_redactor_new(&r), 0);
    wd_redact_learn_hosts(r, "Current WinHTTP proxy settings: Proxy Server(s) : proxy01:8080 "
                             "Bypass List : *.corp.local;<local>");
    char *got = apply(r, "via proxy01 to host.corp.local; Direct access (no proxy server).");
    cr_expect_str_eq(got, "via HOST-1 to HOST-2; Direct access (no proxy server).");
    free(got);
    wd_redactor_free(r);
}

/* Memory stays bounded however many names the evidence holds. */
Test(report_redact, learning_is_bounded)
{
    wd_redactor *r = NULL;
    cr_assert_eq(wd_redactor_new(&r), 0);
    char path[64];
    for (int i = 0; i < WD_REDACT_MAX + 500; i++) {
        snprintf(path, sizeof path, "C:\\Users\\user%d\\x", i);
        wd_redact_learn_text(r, path);
    }
    char *got = apply(r, "C:\\Users\\user99999\\x");
    cr_expect_str_eq(got, "C:\\Users\\USER\\x", "a name past the bound is still never shown");
    free(got);
    wd_redactor_free(r);
}
