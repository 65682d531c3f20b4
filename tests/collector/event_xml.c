/* event_xml.c - tests of the event-XML reader on exports made from the real
 * omerbenamram system.evtx (rootless wevtutil form, python-evtx <Events>,
 * Event Viewer UTF-16LE, ToXml() UTF-16BE) and on damaged or hostile XML. */
#include <criterion/criterion.h>

#include "capture_sink.h"
#include "support.h"

#include <stdio.h>

/* The five install failures of system.evtx as every variant must yield
 * them: record id, UTC time to the second (python-evtx rounds the fraction
 * through a float), errorCode and the KB in the title. */
static const struct {
    const char *head, *code, *kb;
} FAILURES[] = {
    {"20|561|2017-07-23T07:25:41.80450", "errorCode=0x80248007|", "(KB4025342)"},
    {"20|807|2017-07-24T08:40:28.18823", "errorCode=0x80248007|", "(KB4025342)"},
    {"20|1008|2017-07-27T10:33:46.88606", "errorCode=0x80248007|", "(KB4025342)"},
    {"20|1182|2017-07-31T05:14:05.54143", "errorCode=0x80248007|", "(KB4025342)"},
    {"20|1823|2017-12-18T13:48:00.26873", "errorCode=0x80246013|", "(KB890830)"},
};

/* The first failure exactly as libevtx renders it (wevtutil's form). */
static const char FIRST_EXACT[] =
    "20|561|2017-07-23T07:25:41.804504Z|Microsoft-Windows-WindowsUpdateClient|System|"
    "DESKTOP-2KGM189|2|errorCode=0x80248007|updateTitle=2017-07 Cumulative Update for Windows "
    "10 Version 1703 for x64-based Systems (KB4025342)|updateGuid="
    "{25ACAE93-40D4-4E62-814C-EFB2F29F1BCA}|updateRevisionNumber=201|serviceGuid="
    "{9482F4B4-E343-43B6-B170-9A65BC822C77}";

static const struct {
    const char *rel;
    unsigned records, kept;
} VARIANTS[] = {
    /* kept: 65 update client, 4 SCM of update services, EventLog 6005 and
     * 6009, Kernel-General 12 */
    {"tests/fixtures/event_xml/system-wu.wevtutil.xml", 94, 72},
    {"tests/fixtures/event_xml/system-wu.pyevtx.xml", 94, 72},
    {"tests/fixtures/event_xml/system-wu.eventviewer-utf16le.xml", 94, 72},
    {"tests/fixtures/event_xml/system-wu.toxml-utf16be.xml", 5, 5},
};

static void run_fixture(const char *rel, capture *c, wd_source_rec *sum)
{
    char *path = wdt_source(rel);
    int rc = cap_run_file(wd_source_event_xml, path, c, sum);
    cr_assert_eq(rc, 0, "%s: rc %d", rel, rc);
    free(path);
}

/* Events of c that start with head and contain both a and b. */
static size_t count_event(const capture *c, const char *head, const char *a, const char *b)
{
    size_t n = 0;
    for (size_t i = 0; i < c->events.n; i++) {
        const char *ev = c->events.items[i];
        n += strncmp(ev, head, strlen(head)) == 0 && strstr(ev, a) && strstr(ev, b);
    }
    return n;
}

Test(collector_event_xml, rootless_wevtutil_export_reads_every_event)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(VARIANTS[0].rel, &c, &sum);
    cr_assert_eq(sum.records, 94);
    cr_assert_eq(sum.kept, 72);
    cr_assert_eq(sum.errors, 0);
    cr_assert_eq(c.notes.n, 0, "note: %s", c.notes.n ? c.notes.items[0] : "");
    cr_assert_eq(cap_count(&c.events, "|Microsoft-Windows-WindowsUpdateClient|"), 65);
    cr_assert_eq(cap_count(&c.events, "|Service Control Manager|"), 4);
    cr_assert_eq(cap_count(&c.events, FIRST_EXACT), 1);
    cap_free(&c);
}

Test(collector_event_xml, every_variant_yields_the_same_install_failures)
{
    for (size_t v = 0; v < sizeof VARIANTS / sizeof VARIANTS[0]; v++) {
        capture c = {0};
        wd_source_rec sum;
        run_fixture(VARIANTS[v].rel, &c, &sum);
        cr_assert_eq(sum.records, VARIANTS[v].records, "%s", VARIANTS[v].rel);
        cr_assert_eq(sum.kept, VARIANTS[v].kept, "%s", VARIANTS[v].rel);
        cr_assert_eq(sum.errors, 0, "%s", VARIANTS[v].rel);
        cr_assert_eq(cap_count(&c.events, "20|"), 5, "%s", VARIANTS[v].rel);
        for (size_t i = 0; i < sizeof FAILURES / sizeof FAILURES[0]; i++)
            cr_assert_eq(count_event(&c, FAILURES[i].head, FAILURES[i].code, FAILURES[i].kb), 1,
                         "%s: %s", VARIANTS[v].rel, FAILURES[i].head);
        cap_free(&c);
    }
}

Test(collector_event_xml, install_failures_become_failed_install_activities)
{
    for (size_t v = 0; v < sizeof VARIANTS / sizeof VARIANTS[0]; v++) {
        capture c = {0};
        wd_source_rec sum;
        run_fixture(VARIANTS[v].rel, &c, &sum);
        cr_assert_eq(cap_count(&c.activities, "|failed|"), 5, "%s", VARIANTS[v].rel);
        cr_assert_eq(cap_count(&c.activities, "install|failed|0x80248007|2017-07-"), 4);
        cr_assert_eq(cap_count(&c.activities, "|KB4025342|25ACAE93-40D4-4E62-814C-EFB2F29F1BCA|"
                                              "os-cumulative|"),
                     v < 3 ? 6 : 4, "%s", VARIANTS[v].rel); /* and its 43 and 44 */
        cr_assert_eq(cap_count(&c.activities, "install|failed|0x80246013|2017-12-18T13:48:00."), 1);
        cr_assert_eq(cap_count(&c.activities, "|KB890830|87A7119E-B6A6-4CC3-B1D7-7FDE36FE6621|msrt|"),
                     1, "%s", VARIANTS[v].rel);
        cap_free(&c);
    }
}

Test(collector_event_xml, every_kept_event_of_the_real_export_has_its_activities)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(VARIANTS[0].rel, &c, &sum);
    cr_assert_eq(cap_count(&c.activities, "install|succeeded|"), 20);
    cr_assert_eq(cap_count(&c.activities, "install|in-progress|"), 20);
    cr_assert_eq(cap_count(&c.activities, "download|in-progress|"), 20);
    cr_assert_eq(cap_count(&c.activities, "boot|succeeded|"), 2);
    /* each activity points at its event: System.evtx#record */
    cr_assert_eq(cap_count(&c.activities, "/system-wu.wevtutil.xml#561|"), 1);
    cr_assert_eq(cap_count(&c.facts, "os.build=15063"), 2); /* 6009 and Kernel-General 12 */
    cap_free(&c);
}

Test(collector_event_xml, binary_and_qualifiers_from_the_real_export)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture(VARIANTS[0].rel, &c, &sum);
    /* record 2: EventID Qualifiers="32768" 6005 with a <Binary> payload */
    cr_assert_eq(cap_count(&c.events, "6005|2|2017-07-12T17:16:28.214161Z|EventLog|System|"
                                      "WIN-P4SIAA0SQCO|4|Binary=E107070003000C00110010001C00D6"
                                      "000000000000000000"),
                 1);
    cap_free(&c);
}

static int run_text(const char *xml, capture *c, wd_source_rec *sum)
{
    return cap_run_mem(wd_source_event_xml, xml, strlen(xml), c, sum);
}

Test(collector_event_xml, unnamed_data_are_numbered_and_empty_ones_kept)
{
    const char *xml = "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"
                      "<System><Provider Name=\"EventLog\"/><EventID Qualifiers=\"32768\">6008"
                      "</EventID><Level>2</Level><EventRecordID>77</EventRecordID>"
                      "<Channel>System</Channel></System><EventData><Data>8:15:02 AM</Data>"
                      "<Data>7/12/2017</Data><Data/><Data></Data><Data>4402</Data>"
                      "</EventData></Event>";
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(run_text(xml, &c, &sum), 0);
    cr_assert_eq(c.events.n, 1);
    cr_assert_str_eq(c.events.items[0], "6008|77|-|EventLog|System|-|2|Data1=8:15:02 AM|"
                                        "Data2=7/12/2017|Data3=|Data4=|Data5=4402");
    cap_free(&c);
}

Test(collector_event_xml, userdata_leaves_by_local_name_and_rendering_info_ignored)
{
    const char *xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n"
        "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"
        "<Provider Name=\"Microsoft-Windows-Servicing\" "
        "Guid=\"{bd12f3b8-fc40-4a61-a307-b7a013a069c1}\"/><EventID>3</EventID>"
        "<Level>0</Level><TimeCreated SystemTime=\"2022-11-20T10:01:02.1234567Z\"/>"
        "<EventRecordID>88</EventRecordID><Channel>Setup</Channel><Computer>PC1</Computer>"
        "</System><UserData><CbsPackageChangeState "
        "xmlns=\"http://manifests.microsoft.com/win/2004/08/windows/setup_provider\">"
        "<PackageIdentifier>KB5020683</PackageIdentifier>"
        "<IntendedPackageState>5112</IntendedPackageState>"
        "<IntendedPackageStateTextized>Installed</IntendedPackageStateTextized>"
        "<ErrorCode>0x800f0984</ErrorCode><Client>WindowsUpdateAgent</Client><Empty/>"
        "</CbsPackageChangeState></UserData>"
        "<RenderingInfo Culture=\"en-US\"><Message>Package KB5020683 failed</Message>"
        "<Level>Information</Level></RenderingInfo></Event>\n</Events>\n";
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(run_text(xml, &c, &sum), 0);
    cr_assert_eq(sum.records, 1);
    cr_assert_eq(c.events.n, 1);
    cr_assert_str_eq(c.events.items[0],
                     "3|88|2022-11-20T10:01:02.123456Z|Microsoft-Windows-Servicing|Setup|PC1|0|"
                     "PackageIdentifier=KB5020683|IntendedPackageState=5112|"
                     "IntendedPackageStateTextized=Installed|ErrorCode=0x800f0984|"
                     "Client=WindowsUpdateAgent|Empty=");
    cap_free(&c);
}

#define EV(id, rid, extra)                                                                    \
    "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"         \
    "<Provider Name=\"Microsoft-Windows-WindowsUpdateClient\"/><EventID>" id "</EventID><Level>4</Level><EventRecordID>" rid      \
    "</EventRecordID><Channel>System</Channel>" extra "</System></Event>\n"

Test(collector_event_xml, damaged_event_is_a_line_note_and_the_rest_is_read)
{
    /* line 3 has a mismatched end tag: that event is lost, not its neighbours */
    const char *xml = EV("1", "1", "") EV("2", "2", "") EV("3", "3", "<Bad></Bda>") EV("4", "4", "");
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(run_text(xml, &c, &sum), 0);
    cr_assert_eq(c.events.n, 3);
    cr_assert_eq(cap_count(&c.events, "3|3|"), 0);
    cr_assert_eq(sum.records, 4);
    cr_assert_eq(sum.errors, 1);
    cr_assert_geq(c.notes.n, 1);
    cr_assert_eq(cap_count(&c.notes, "mem.txt|line 3|"), 1, "%s", c.notes.items[0]);
    cap_free(&c);
}

Test(collector_event_xml, truncated_export_keeps_whole_events)
{
    char *path = wdt_source(VARIANTS[0].rel);
    size_t len = 0;
    char *data = wdt_read(path, &len);
    cr_assert_not_null(data);
    capture c = {0};
    wd_source_rec sum;
    /* cut in the middle of the 41st event (one event per line) */
    const char *p = data;
    for (int i = 0; i < 40; i++)
        p = strchr(p, '\n') + 1;
    size_t cut = (size_t)(p - data) + 300;
    cr_assert_eq(cap_run_mem(wd_source_event_xml, data, cut, &c, &sum), 0);
    cr_assert_eq(c.events.n, 22); /* the kept ones among the first 40 */
    cr_assert_eq(sum.kept, 22);
    cr_assert_eq(sum.records, 41);
    cr_assert_eq(sum.errors, 1);
    cr_assert_eq(cap_count(&c.notes, "|line 41|"), 1, "%s", c.notes.n ? c.notes.items[0] : "");
    free(data);
    free(path);
    cap_free(&c);
}

Test(collector_event_xml, external_entities_and_doctype_are_refused)
{
    const char *xml = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE Events [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                      "<Events>" EV("7", "1", "<Computer>&xxe;</Computer>") "</Events>\n";
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(run_text(xml, &c, &sum), 0);
    cr_assert_eq(c.events.n, 0);
    cr_assert_geq(c.notes.n, 1);
    for (size_t i = 0; i < c.events.n; i++)
        cr_assert_null(strstr(c.events.items[i], "root:"));
    cap_free(&c);
}

Test(collector_event_xml, undefined_entity_inside_an_event_is_a_note)
{
    const char *xml = EV("7", "1", "<Computer>&xxe;</Computer>") EV("8", "2", "");
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(run_text(xml, &c, &sum), 0);
    cr_assert_eq(cap_count(&c.events, "&"), 0);
    cr_assert_geq(c.notes.n, 1);
    cr_assert_eq(cap_count(&c.notes, "|line 1|"), 1, "%s", c.notes.items[0]);
    cap_free(&c);
}

Test(collector_event_xml, utf16_surrogates_survive_chunk_boundaries)
{
    /* 300 events whose title holds Turkish letters and astral characters:
     * the 64 KiB read chunks must split some of them mid-pair. */
    wd_buf xml = WD_BUF_INIT;
    wd_buf title = WD_BUF_INIT;
    wd_buf_puts(&title, "G\xc3\xbcncelle\xc5\x9ftirmesi (KB5020683) ");
    for (int i = 0; i < 150; i++)
        wd_buf_puts(&title, "\xf0\x9f\x98\x80\xc3\xa9");
    for (int i = 0; i < 300; i++)
        wd_buf_printf(&xml,
                      "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"
                      "<System><Provider Name=\"Microsoft-Windows-WindowsUpdateClient\"/><EventID>41</EventID><EventRecordID>%d</EventRecordID></System>"
                      "<EventData><Data Name=\"updateTitle\">%s</Data></EventData></Event>\r\n",
                      i + 1, wd_buf_cstr(&title));
    for (int be = 0; be <= 1; be++) {
        size_t len;
        unsigned char *u16 = cap_utf16(wd_buf_cstr(&xml), be, &len);
        cr_assert_gt(len, 3 * 65536);
        capture c = {0};
        wd_source_rec sum;
        cr_assert_eq(cap_run_mem(wd_source_event_xml, u16, len, &c, &sum), 0);
        cr_assert_eq(sum.records, 300);
        cr_assert_eq(sum.errors, 0);
        char want[16];
        snprintf(want, sizeof want, "=%s", "G\xc3\xbc");
        cr_assert_eq(cap_count(&c.events, wd_buf_cstr(&title)), 300, "be=%d", be);
        free(u16);
        cap_free(&c);
    }
    wd_buf_free(&xml);
    wd_buf_free(&title);
}

Test(collector_event_xml, empty_and_eventless_inputs_are_quiet)
{
    const char *cases[] = {"", "\xef\xbb\xbf", "<?xml version=\"1.0\"?>\n<Events></Events>",
                           "<Events/>"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        capture c = {0};
        wd_source_rec sum;
        cr_assert_eq(run_text(cases[i], &c, &sum), 0);
        cr_assert_eq(sum.records, 0, "case %zu", i);
        cr_assert_eq(c.notes.n, 0, "case %zu: %s", i, c.notes.n ? c.notes.items[0] : "");
        cap_free(&c);
    }
}

Test(collector_event_xml, event_without_id_is_an_error_not_a_record)
{
    const char *xml = "<Event><System><Provider Name=\"P\"/></System></Event>\n" EV("9", "5", "");
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(run_text(xml, &c, &sum), 0);
    cr_assert_eq(sum.records, 2);
    cr_assert_eq(sum.errors, 1);
    cr_assert_eq(c.events.n, 1);
    cr_assert_eq(cap_count(&c.notes, "mem.txt|line 1|event without a valid EventID"), 1);
    cap_free(&c);
}

Test(collector_event_xml, comments_and_cdata_do_not_end_an_event)
{
    const char *xml =
        "<Events><!-- </Event> outside --><?pi </Event> ?>"
        "<Event><System><Provider Name=\"Microsoft-Windows-WindowsUpdateClient\"/>"
        "<EventID>25</EventID><!-- </Event> --></System><EventData>"
        "<Data Name=\"errorCode\"><![CDATA[0x8024402C</Event>]]></Data></EventData></Event>"
        "</Events>";
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(run_text(xml, &c, &sum), 0);
    cr_assert_eq(sum.records, 1);
    cr_assert_eq(sum.errors, 0);
    cr_assert_eq(c.events.n, 1);
    cr_assert_str_eq(c.events.items[0], "25|0|-|Microsoft-Windows-WindowsUpdateClient|-|-|-1|"
                                        "errorCode=0x8024402C</Event>");
    cap_free(&c);
}

Test(collector_event_xml, an_oversized_event_is_skipped_and_the_next_one_read)
{
    /* 2 MiB of Data: past the 1 MiB budget of one event */
    size_t big = (size_t)2 << 20;
    const char *head = "<Event><System><EventID>1</EventID></System><EventData><Data>";
    const char *tail = "</Data></EventData></Event>\n" EV("19", "2", "");
    size_t hl = strlen(head), tl = strlen(tail);
    char *xml = malloc(hl + big + tl);
    memcpy(xml, head, hl);
    memset(xml + hl, 'a', big);
    memcpy(xml + hl + big, tail, tl);
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(cap_run_mem(wd_source_event_xml, xml, hl + big + tl, &c, &sum), 0);
    cr_assert_eq(sum.records, 2);
    cr_assert_eq(sum.errors, 1);
    cr_assert_eq(c.events.n, 1);
    cr_assert_eq(cap_count(&c.events, "19|2|"), 1);
    cr_assert_eq(cap_count(&c.notes, "mem.txt|line 1|budget: event larger than 1 MiB skipped"), 1);
    free(xml);
    cap_free(&c);
}

/* fuzz_xml's first finding (UBSan: NULL + 0 when the window was still
 * empty); its input is the seed fuzz/corpus_xml/userdata.xml. */
Test(collector_event_xml, regression_fuzz_first_chunk_into_an_empty_window)
{
    capture c = {0};
    wd_source_rec sum;
    char *path = wdt_source("fuzz/corpus_xml/userdata.xml");
    cr_assert_eq(cap_run_file(wd_source_event_xml, path, &c, &sum), 0);
    cr_assert_eq(sum.records, 2);
    cr_assert_eq(sum.kept, 1);
    cr_assert_eq(sum.errors, 1);
    cr_assert_eq(cap_count(&c.activities,
                           "servicing|failed|0x800F0984|2022-11-20T10:01:02.123456Z|KB5020683|"),
                 1);
    free(path);
    cap_free(&c);
}

Test(collector_event_xml, the_note_names_the_line_of_the_damage_in_a_multiline_event)
{
    const char *xml = "<Events>\n"                     /* 1 */
                      "<Event>\n"                      /* 2 */
                      "  <System>\n"                   /* 3 */
                      "    <EventID>20</EventID>\n"    /* 4 */
                      "    <Level>2</Lvl>\n"           /* 5: damaged */
                      "  </System>\n"
                      "</Event>\n"
                      "</Events>\n";
    capture c = {0};
    wd_source_rec sum;
    cr_assert_eq(run_text(xml, &c, &sum), 0);
    cr_assert_eq(sum.records, 1);
    cr_assert_eq(sum.errors, 1);
    cr_assert_eq(c.notes.n, 1);
    cr_assert_str_eq(c.notes.items[0], "mem.txt|line 5|Opening and ending tag mismatch: Level and Lvl");
    cap_free(&c);
}

/* ------------------------------------------ written exports (SOURCES.md) */

Test(collector_event_xml, setup_servicing_events_and_store_repair)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture("tests/fixtures/event_xml/setup-servicing.wevtutil.xml", &c, &sum);
    cr_assert_eq(sum.records, 7);
    cr_assert_eq(sum.kept, 7);
    cr_assert_eq(c.activities.n, 7);
    /* UserData leaves by name: the package, the code, the repair counts */
    cr_assert_eq(cap_count(&c.activities, "servicing|in-progress|-|2024-04-10T02:58:11.417226Z|"
                                          "KB5036893|-|unknown|-|Installed|KB5036893|-1|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "servicing|failed|0x800F0922|2024-04-10T03:12:44.091220Z|"
                                          "KB5036893|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "repair|in-progress|-|"), 1);
    cr_assert_eq(cap_count(&c.activities, "repair|succeeded|0x00000000|2024-04-10T03:21:47.120553Z|"
                                          "-|-|unknown|-|component store|-|0|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "servicing|pending-reboot|0x00000000|"), 1);
    cr_assert_eq(cap_count(&c.activities, "servicing|succeeded|0x00000000|2024-04-11T03:19:58."), 1);
    cr_assert_eq(cap_count(&c.activities, "setup-servicing.wevtutil.xml#184|"), 1);
    cap_free(&c);
}

Test(collector_event_xml, german_service_control_manager_events)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture("tests/fixtures/event_xml/system-german-scm.utf16.xml", &c, &sum);
    cr_assert_eq(sum.records, 9);
    cr_assert_eq(sum.kept, 9);
    cr_assert_eq(c.notes.n, 0);
    /* with <Binary>: key and state from it; without: the German words */
    cr_assert_eq(cap_count(&c.activities, "service-change|succeeded|-|2024-03-04T07:02:11.662931Z|"
                                          "-|-|unknown|wuauserv|running|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "service-change|succeeded|-|2024-03-04T08:15:04.220998Z|"
                                          "-|-|unknown|BITS|stopped|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "|CryptSvc|running|"), 1);
    cr_assert_eq(cap_count(&c.activities, "service-crash|failed|-|2024-03-04T07:40:55.312057Z|-|-|"
                                          "unknown|wuauserv|-|-|1|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "|wuauserv|disabled|"), 1);
    cr_assert_eq(cap_count(&c.activities, "service-start|failed|0x80070422|"), 1);
    cr_assert_eq(cap_count(&c.facts, "os.build=19045"), 2);
    cr_assert_eq(cap_count(&c.facts, "os.ubr=4046"), 1);
    cap_free(&c);
}

Test(collector_event_xml, windows7_update_client_templates)
{
    capture c = {0};
    wd_source_rec sum;
    run_fixture("tests/fixtures/event_xml/win7-update.wevtutil.xml", &c, &sum);
    cr_assert_eq(sum.kept, 6);
    /* 18 lists two updates: both downloaded */
    cr_assert_eq(cap_count(&c.activities, "download|succeeded|-|2016-11-09T08:02:15.587000Z|"), 2);
    cr_assert_eq(cap_count(&c.activities, "install|failed|0x80070643|2016-11-10T03:14:02.743000Z|"
                                          "KB3197868|1C9D0B6F-0E1A-4D4B-9E1B-6A5C2F3E4D5A|"
                                          "os-cumulative|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "scan|failed|0x8024402C|"), 1);
    cr_assert_eq(cap_count(&c.activities, "install|succeeded|-|2016-11-12T03:10:55.221000Z|"
                                          "KB3197868|"),
                 1);
    cr_assert_eq(cap_count(&c.activities, "install|pending-reboot|-|2016-11-12T03:11:02Z|KB3197868|"),
                 1);
    cap_free(&c);
}
