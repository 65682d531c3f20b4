/* events.c - tests of the shared event filter (wd_event_emit): which events
 * are kept and which failures they mean, on events built from real records
 * (values copied from the corpus logs and windows-update-facts.md). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "internal.h"

#include <stdio.h>
#include <string.h>

/* ----------------------------------------------------- a recording sink */

typedef struct seen {
    int events, failures;
    wd_buf fields;          /* "name=value\n" of the last event */
    wd_failure_rec failure; /* the last failure; strings copied below */
    char hr_text[11], time[64], op[32], title[256], kb[32], guid[64], context[512], component[64],
        channel[64];
    int event_rc, failure_rc; /* what the callbacks return */
} seen;

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "(null)");
}

static int on_event(void *ctx, const wd_event_rec *r)
{
    seen *s = ctx;
    s->events++;
    wd_buf_reset(&s->fields);
    for (size_t i = 0; i < r->nfields; i++)
        wd_buf_printf(&s->fields, "%s=%s\n", r->fields[i].name, r->fields[i].value);
    return s->event_rc;
}

static int on_failure(void *ctx, const wd_failure_rec *r)
{
    seen *s = ctx;
    s->failures++;
    s->failure = *r;
    wd_hresult_format(r->hresult, s->hr_text);
    copy(s->time, sizeof s->time, r->time);
    copy(s->op, sizeof s->op, r->operation);
    copy(s->title, sizeof s->title, r->title);
    copy(s->kb, sizeof s->kb, r->kb);
    copy(s->guid, sizeof s->guid, r->update_id);
    copy(s->context, sizeof s->context, r->context);
    copy(s->component, sizeof s->component, r->component);
    copy(s->channel, sizeof s->channel, r->event_channel);
    return s->failure_rc;
}

static seen S;
static wd_sink SINK;

static void setup(void)
{
    memset(&S, 0, sizeof S);
    wd_sink s = {&S, NULL, on_event, on_failure, NULL, NULL, NULL, NULL};
    SINK = s;
}

static void teardown(void)
{
    wd_buf_free(&S.fields);
}

TestSuite(collector_events, .init = setup, .fini = teardown);

#define EVENT(prov, chan, id, ...)                                                                 \
    ((wd_event_rec){chan, prov, id, 2, 4242, "2017-07-23T07:25:41.804504Z", "DESKTOP-2KGM189",     \
                    (const wd_field[]){__VA_ARGS__},                                               \
                    sizeof((const wd_field[]){__VA_ARGS__}) / sizeof(wd_field), "System.evtx"})

#define WUC "Microsoft-Windows-WindowsUpdateClient"
#define SCM "Service Control Manager"

/* ------------------------------------------------- Windows Update client */

Test(collector_events, install_failure_is_kept_with_its_kb_and_code)
{
    wd_event_rec ev = EVENT(
        WUC, "System", 20, {"errorCode", "0x80248007"},
        {"updateTitle",
         "2017-07 Cumulative Update for Windows 10 Version 1703 for x64-based Systems (KB4025342)"},
        {"updateGuid", "{25acae93-40d4-4e62-814c-efb2f29f1bca}"}, {"updateRevisionNumber", "201"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.events, 1);
    cr_assert_eq(S.failures, 1);
    cr_assert_str_eq(S.hr_text, "0x80248007");
    cr_assert_str_eq(S.op, "install");
    cr_assert_str_eq(S.kb, "KB4025342");
    cr_assert_str_eq(S.guid, "{25acae93-40d4-4e62-814c-efb2f29f1bca}");
    cr_assert_str_eq(S.time, "2017-07-23T07:25:41.804504Z");
    cr_assert_str_eq(S.channel, "System");
    cr_assert_str_eq(S.failure.origin, "event");
    cr_assert_eq(S.failure.event_record_id, 4242);
    cr_assert_str_eq(S.context, "Event 20: Installation Failure: 0x80248007 2017-07 Cumulative "
                                "Update for Windows 10 Version 1703 for x64-based Systems "
                                "(KB4025342)");
}

Test(collector_events, install_success_is_kept_without_a_failure)
{
    wd_event_rec ev = EVENT(WUC, "System", 19,
                            {"updateTitle", "Definition Update for Windows Defender - KB2267602"},
                            {"updateGuid", "{d1a5ba8b-09f0-4e8a-bb43-d9c4c9d2c65b}"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.events, 1);
    cr_assert_eq(S.failures, 0);
    cr_assert(strstr(wd_buf_cstr(&S.fields), "updateTitle=Definition Update"));
}

/* strings inline: Criterion copies parameters into each test's process */
typedef struct wuc_case {
    uint32_t id;
    char operation[16];
    char label[32];
} wuc_case;

ParameterizedTestParameters(collector_events, every_failure_event_has_its_operation)
{
    static wuc_case cases[] = {
        {20, "install", "Installation Failure"},
        {24, "uninstall", "Uninstallation Failure"},
        {25, "scan", "Scan Failure"},
        {31, "download", "Download Failure"},
        {34, "self-update", "Self-update Failure"},
        {35, "self-update", "Self-update Failure"},
        {213, "revert", "Revert Failure"},
        {217, "commit", "Commit Failure"},
    };
    return cr_make_param_array(wuc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(wuc_case *c, collector_events, every_failure_event_has_its_operation)
{
    wd_event_rec ev = EVENT(WUC, "Microsoft-Windows-WindowsUpdateClient/Operational", c->id,
                            {"errorCode", "0x8024402c"},
                            {"serviceGuid", "{9482f4b4-e343-43b6-b170-9a65bc822c77}"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.failures, 1);
    cr_assert_str_eq(S.op, c->operation);
    cr_assert_str_eq(S.hr_text, "0x8024402C");
    cr_assert_str_eq(S.kb, "(null)");
    char want[128];
    snprintf(want, sizeof want, "Event %u: %s: 0x8024402C", (unsigned)c->id, c->label);
    cr_assert_str_eq(S.context, want);
}

Test(collector_events, uninstall_failure_takes_its_title_from_updatelist)
{
    wd_event_rec ev = EVENT(WUC, "System", 24, {"errorCode", "0x80070002"},
                            {"updatelist", "Security Update for Windows (KB5034441)"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_str_eq(S.kb, "KB5034441");
    cr_assert_str_eq(S.title, "Security Update for Windows (KB5034441)");
}

Test(collector_events, failure_event_without_a_readable_code_is_kept_alone)
{
    wd_event_rec ev = EVENT(WUC, "System", 20, {"errorCode", "not a code"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.events, 1);
    cr_assert_eq(S.failures, 0);
}

/* ------------------------------------------------------------- servicing */

Test(collector_events, servicing_failure_names_the_package_kb)
{
    /* Win10 22H2 Setup.evtx, windows-update-facts.md 2.4 */
    wd_event_rec ev =
        EVENT("Microsoft-Windows-Servicing", "Setup", 3, {"PackageIdentifier", "KB5020683"},
              {"IntendedPackageState", "5112"}, {"IntendedPackageStateTextized", "Installed"},
              {"ErrorCode", "0x800f0984"}, {"Client", "WindowsUpdateAgent"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.failures, 1);
    cr_assert_str_eq(S.hr_text, "0x800F0984");
    cr_assert_str_eq(S.op, "servicing");
    cr_assert_str_eq(S.kb, "KB5020683");
    cr_assert_str_eq(S.context, "Event 3: package KB5020683 failed to change to the Installed "
                                "state: 0x800F0984 (client WindowsUpdateAgent)");
}

Test(collector_events, servicing_success_is_kept_without_a_failure)
{
    wd_event_rec ev =
        EVENT("Microsoft-Windows-Servicing", "Setup", 2, {"PackageIdentifier", "KB5020683"},
              {"ErrorCode", "0x0"}, {"Client", "UpdateAgentLCU"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.failures, 0);
}

Test(collector_events, servicing_events_outside_the_setup_channel_are_dropped)
{
    wd_event_rec ev = EVENT("Microsoft-Windows-Servicing", "Application", 3, {"ErrorCode", "0x1"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 0);
    cr_assert_eq(S.events, 0);
}

/* ------------------------------------------------ Service Control Manager */

/* python-evtx-tests/system.evtx record: Windows Modules Installer stopped */
#define TI_STOPPED "540072007500730074006500640049006E007300740061006C006C00650072002F0031000000"

Test(collector_events, service_state_change_is_matched_by_its_key_name)
{
    wd_event_rec ev = EVENT(SCM, "System", 7036, {"param1", "Windows Modules Installer"},
                            {"param2", "stopped"}, {"Binary", TI_STOPPED});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert(strstr(wd_buf_cstr(&S.fields), "ServiceKeyName=TrustedInstaller\n"), "%s",
              wd_buf_cstr(&S.fields));
    cr_assert(strstr(wd_buf_cstr(&S.fields), "Binary=" TI_STOPPED "\n"));
    cr_assert_eq(S.failures, 0);
}

Test(collector_events, localised_display_name_is_matched_through_the_binary)
{
    wd_event_rec ev = EVENT(SCM, "System", 7036, {"param1", "Windows-Modulinstaller"},
                            {"param2", "Beendet"}, {"Binary", TI_STOPPED});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    wd_event_rec bare =
        EVENT(SCM, "System", 7036, {"param1", "Windows-Modulinstaller"}, {"param2", "Beendet"});
    cr_assert_eq(wd_event_emit(&bare, &SINK), 0);
}

Test(collector_events, other_services_are_dropped)
{
    /* omerbenamram system.evtx: Spooler 7036 with its key name in Binary */
    wd_event_rec ev = EVENT(SCM, "System", 7036, {"param1", "Print Spooler"}, {"param2", "running"},
                            {"Binary", "530070006F006F006C00650072002F0034000000"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 0);
    cr_assert_eq(S.events, 0);
}

Test(collector_events, start_type_change_is_matched_by_param4)
{
    wd_event_rec ev =
        EVENT(SCM, "System", 7040, {"param1", "Background Intelligent Transfer Service"},
              {"param2", "demand start"}, {"param3", "auto start"}, {"param4", "BITS"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    wd_event_rec other =
        EVENT(SCM, "System", 7040, {"param1", "Distributed Transaction Coordinator"},
              {"param2", "demand start"}, {"param3", "auto start"}, {"param4", "MSDTC"});
    cr_assert_eq(wd_event_emit(&other, &SINK), 0);
}

Test(collector_events, orchestrator_termination_is_a_service_failure)
{
    /* 2-vss_7-System.evtx: Update Orchestrator Service, 7023, RPC_E_TIMEOUT */
    wd_event_rec ev = EVENT(SCM, "System", 7023, {"param1", "Update Orchestrator Service"},
                            {"param2", "%%2147549471"}, {"Binary", "550073006F005300760063000000"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.failures, 1);
    cr_assert_str_eq(S.hr_text, "0x8001011F");
    cr_assert_str_eq(S.op, "service");
    cr_assert_str_eq(S.component, "UsoSvc");
    cr_assert_str_eq(S.context, "Event 7023: Update Orchestrator Service (UsoSvc) terminated "
                                "with error 0x8001011F");
}

Test(collector_events, win32_error_of_a_service_becomes_an_hresult)
{
    wd_event_rec ev =
        EVENT(SCM, "System", 7000, {"param1", "Windows Update"}, {"param2", "%%1058"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_str_eq(S.hr_text, "0x80070422");
    cr_assert_str_eq(S.component, "wuauserv");
}

Test(collector_events, service_specific_error_is_kept_as_written)
{
    wd_event_rec ev =
        EVENT(SCM, "System", 7024, {"param1", "Windows Update"}, {"param2", "%%-2145107934"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_str_eq(S.hr_text, "0x80244022");
}

Test(collector_events, timeout_events_name_the_service_in_param2)
{
    wd_event_rec ev = EVENT(SCM, "System", 7009, {"param1", "30000"}, {"param2", "wuauserv"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.failures, 0);
}

Test(collector_events, new_service_installs_are_not_kept)
{
    wd_event_rec ev = EVENT(SCM, "System", 7045, {"ServiceName", "Windows Update"},
                            {"ImagePath", "C:\\Windows\\system32\\svchost.exe -k netsvcs"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 0);
}

/* ------------------------------------------------------ boots and BITS */

typedef struct boot_case {
    char provider[48];
    uint32_t id;
    int kept;
} boot_case;

ParameterizedTestParameters(collector_events, boots_and_shutdowns_are_kept)
{
    static boot_case cases[] = {
        {"EventLog", 6005, 1},
        {"EventLog", 6006, 1},
        {"EventLog", 6008, 1},
        {"EventLog", 6009, 0},
        {"EventLog", 6013, 0},
        {"Microsoft-Windows-Kernel-General", 12, 1},
        {"Microsoft-Windows-Kernel-General", 13, 1},
        {"Microsoft-Windows-Kernel-General", 1, 0},
        {"Microsoft-Windows-Kernel-Power", 41, 1},
        {"Microsoft-Windows-Kernel-Power", 42, 0},
        {"User32", 1074, 1},
        {"Microsoft-Windows-Kernel-Boot", 20, 0},
    };
    return cr_make_param_array(boot_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(boot_case *c, collector_events, boots_and_shutdowns_are_kept)
{
    wd_event_rec ev = EVENT(c->provider, "System", c->id, {"Data1", "x"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), c->kept, "%s %u", c->provider, (unsigned)c->id);
    cr_assert_eq(wd_event_wanted(c->provider, c->id), c->kept);
    cr_assert_eq(S.failures, 0);
}

Test(collector_events, bits_jobs_of_windows_update_are_kept)
{
    wd_event_rec job =
        EVENT("Microsoft-Windows-Bits-Client", "Microsoft-Windows-Bits-Client/Operational", 3,
              {"jobTitle", "Windows Update"}, {"jobId", "{1B0B2B4C-7E7F-4A3A-9C2E-3B5E0C4D6F10}"},
              {"jobOwner", "NT AUTHORITY\\SYSTEM"});
    cr_assert_eq(wd_event_emit(&job, &SINK), 1);
    wd_event_rec error =
        EVENT("Microsoft-Windows-Bits-Client", "Microsoft-Windows-Bits-Client/Operational", 60,
              {"name", "WU Client Download"},
              {"url", "http://au.download.windowsupdate.com/c/msdownload/update/x.cab"},
              {"hr", "-2145844845"});
    cr_assert_eq(wd_event_emit(&error, &SINK), 1);
    wd_event_rec other =
        EVENT("Microsoft-Windows-Bits-Client", "Microsoft-Windows-Bits-Client/Operational", 3,
              {"jobTitle", "Chrome Component Updater"},
              {"url", "http://edgedl.me.gvt1.com/edgedl/release2/x.crx3"});
    cr_assert_eq(wd_event_emit(&other, &SINK), 0);
    cr_assert_eq(S.events, 2);
}

Test(collector_events, unrelated_providers_are_dropped_early)
{
    cr_assert_eq(wd_event_wanted("Microsoft-Windows-DistributedCOM", 10016), 0);
    cr_assert_eq(wd_event_wanted(SCM, 7045), 0);
    cr_assert_eq(wd_event_wanted(WUC, 44), 1);
    cr_assert_eq(wd_event_wanted("microsoft-windows-windowsupdateclient", 19), 1);
    cr_assert_eq(wd_event_wanted(NULL, 1), 1);
    wd_event_rec ev = EVENT(NULL, "System", 20, {"errorCode", "0x80248007"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 0);
}

/* ---------------------------------------------------------- sink errors */

Test(collector_events, a_sink_error_is_passed_on)
{
    wd_event_rec ev = EVENT(WUC, "System", 20, {"errorCode", "0x80248007"});
    S.event_rc = -7;
    cr_assert_eq(wd_event_emit(&ev, &SINK), -7);
    cr_assert_eq(S.failures, 0);
    S.event_rc = 0;
    S.failure_rc = 3; /* a positive "stop" still reads as an error, never as "kept" */
    cr_assert_lt(wd_event_emit(&ev, &SINK), 0);
}

Test(collector_events, a_sink_without_callbacks_still_gets_a_verdict)
{
    wd_sink empty = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    wd_event_rec ev = EVENT(WUC, "System", 20, {"errorCode", "0x80248007"});
    cr_assert_eq(wd_event_emit(&ev, &empty), 1);
}
