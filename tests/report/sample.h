/* sample.h - shared by the report suites: stores one snapshot modelled on the
 * real omerbenamram system.evtx failures (KB4025342, 0x80248007 x4 and
 * 0x80246013) with a service listing, facts, notes and sources, optionally
 * with hostile strings, and builds reports from it. */
#ifndef WD_TEST_REPORT_SAMPLE_H
#define WD_TEST_REPORT_SAMPLE_H

#include "report.h"
#include "store.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_TITLE "Update for Windows 10 Version 1703 for x64-based Systems (KB4025342)"
#define HOSTILE_TITLE "<script>alert(1)</script>&\"' \x01\x1b[31m\xff\xfe end"
#define HOSTILE_CLEAN "<script>alert(1)</script>&\"' [31m\xEF\xBF\xBD\xEF\xBF\xBD end"

static void sample_failure(wd_store *s, uint32_t hr, const char *time, const char *title,
                           uint64_t record)
{
    wd_failure_rec f = {.hresult = hr,
                        .origin = "event",
                        .time = time,
                        .operation = "install",
                        .title = title,
                        .kb = "KB4025342",
                        .update_id = "{c3fe2fc8-a8d4-4ba3-8dca-ad2ab8a8b5b3}",
                        .context = "Installation Failure: Windows failed to install the update",
                        .computer = "DESKTOP-SECRET",
                        .event_record_id = record,
                        .event_channel = "System",
                        .source = "System.evtx"};
    cr_assert_eq(wd_store_add_failure(s, &f), 0, "%s", wd_error_last());
}

static void sample_event(wd_store *s, const char *provider, uint32_t id, uint64_t record,
                         const char *time, const wd_field *fields, size_t n)
{
    wd_event_rec e = {.channel = "System",
                      .provider = provider,
                      .event_id = id,
                      .level = 4,
                      .record_id = record,
                      .time = time,
                      .computer = "DESKTOP-SECRET",
                      .fields = fields,
                      .nfields = n,
                      .source = "System.evtx"};
    cr_assert_eq(wd_store_add_event(s, &e), 0, "%s", wd_error_last());
}

static void sample_services(wd_store *s)
{
    const wd_service_rec svcs[] = {
        {"wuauserv", "Windows Update", "stopped", "disabled", -1, 1077, 0, "services.csv"},
        {"BITS", "Background Intelligent Transfer Service", "running", "manual", 812, 0, 0,
         "services.csv"},
        {"CryptSvc", "Cryptographic Services", "running", "auto", 1400, 0, 0, "services.csv"},
        {"TrustedInstaller", "Windows Modules Installer", "stopped", "manual", -1, 0, 0,
         "services.csv"},
    };
    for (size_t i = 0; i < sizeof svcs / sizeof svcs[0]; i++)
        cr_assert_eq(wd_store_add_service(s, &svcs[i]), 0, "%s", wd_error_last());
}

static void sample_events(wd_store *s, int hostile)
{
    const char *t = hostile ? HOSTILE_TITLE : SAMPLE_TITLE;
    wd_field f43[] = {{"updateTitle", t}};
    wd_field f20[] = {{"errorCode", "0x80248007"}, {"updateTitle", t}};
    wd_field f7036[] = {{"param1", "Windows Update"}, {"param2", "stopped"}};
    wd_field bits[] = {{"jobOwner", "CORP\\alice"},
                       {"UserSid", "S-1-5-21-3623811015-3361044348-30300820-1013"}};
    sample_event(s, "Microsoft-Windows-WindowsUpdateClient", 43, 140, "2017-07-23T07:20:00Z", f43,
                 1);
    sample_event(s, "Microsoft-Windows-WindowsUpdateClient", 20, 141, "2017-07-23T07:25:41Z", f20,
                 2);
    sample_event(s, "Service Control Manager", 7036, 142, "2017-07-23T07:30:00Z", f7036, 2);
    sample_event(s, "Microsoft-Windows-Bits-Client", 59, 143, "2017-07-23T07:31:00Z", bits, 2);
}

static void sample_rest(wd_store *s)
{
    const wd_fact_rec facts[] = {
        {"os.product", "Windows 10 Pro", "CurrentVersion.reg", NULL},
        {"os.build", "15063", "CurrentVersion.reg", NULL},
        {"os.ubr", "483", "CurrentVersion.reg", NULL},
        {"os.display_version", "1703", "CurrentVersion.reg", NULL},
        {"user.profile", "C:\\Users\\alice\\AppData", "CurrentVersion.reg", NULL},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        cr_assert_eq(wd_store_add_fact(s, &facts[i]), 0, "%s", wd_error_last());
    wd_note_rec n1 = {"System.evtx", "record 12", "event record could not be decoded", WD_NOTE_PARTIAL};
    wd_note_rec n2 = {"mystery.bin", NULL, "not a file wudiag knows", WD_NOTE_INFO};
    cr_assert_eq(wd_store_add_note(s, &n1), 0);
    cr_assert_eq(wd_store_add_note(s, &n2), 0);
    wd_source_rec s1 = {"System.evtx", "evtx", 1910, 9, 1};
    wd_source_rec s2 = {"services.csv", "services-csv", 4, 4, 0};
    cr_assert_eq(wd_store_add_source(s, &s1), 0);
    cr_assert_eq(wd_store_add_source(s, &s2), 0);
}

/* Creates dir/history.db with one snapshot; returns the open store. */
static wd_store *sample_store(const char *dir, int hostile, int with_services, int64_t *snap)
{
    wd_store *s = NULL;
    char *db = wdt_path(dir, "history.db");
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), 0, "%s", wd_error_last());
    free(db);
    cr_assert_eq(wd_store_begin(s, "wudiag diagnose --evidence C:\\Users\\alice\\bundle",
                                "C:\\Users\\alice\\bundle"),
                 0, "%s", wd_error_last());
    if (with_services)
        sample_services(s);
    sample_events(s, hostile);
    const char *t = hostile ? HOSTILE_TITLE : SAMPLE_TITLE;
    sample_failure(s, 0x80248007, "2017-07-23T07:25:41Z", t, 141);
    sample_failure(s, 0x80248007, "2017-07-24T08:00:00Z", t, 150);
    sample_failure(s, 0x80248007, "2017-07-25T09:00:00Z", t, 160);
    sample_failure(s, 0x80248007, "2017-07-26T10:00:00Z", t, 170);
    sample_failure(s, 0x80246013, "2017-07-27T11:00:00Z", t, 180);
    sample_rest(s);
    cr_assert_eq(wd_store_commit(s, snap), 0, "%s", wd_error_last());
    return s;
}

/* Builds and writes a report of the sample; returns the file's text. */
static char *sample_render(const char *dir, const char *format, int hostile, int redact,
                           int with_services)
{
    int64_t snap = 0;
    wd_store *s = sample_store(dir, hostile, with_services, &snap);
    wd_report *r = NULL;
    wd_report_options o = {.command_line = "wudiag diagnose -o /home/alice/report.html",
                           .db_path = "/home/alice/.local/share/wudiag/history.db",
                           .redact = redact};
    cr_assert_eq(wd_report_build(s, snap, &o, &r), 0, "%s", wd_error_last());
    char *out = wdt_path(dir, !strcmp(format, "xml") ? "report.xml" : "report.html");
    cr_assert_eq(wd_report_write(r, format, out), 0, "%s", wd_error_last());
    char *text = wdt_read(out, NULL);
    cr_assert_not_null(text);
    free(out);
    wd_report_free(r);
    wd_store_close(s);
    return text;
}

#endif
