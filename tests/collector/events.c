/* events.c - tests of the shared event rules (wd_event_emit): which events
 * are kept and which activities and facts each one means, on events built
 * from real records (values copied from the corpus logs, the Setup events
 * of windows-update-facts.md 2.4 and the manifests' field names). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "internal.h"

#include <stdio.h>
#include <string.h>

/* ----------------------------------------------------- a recording sink */

/* Each activity as "op|outcome|code|kb|update_id|product|service|target|
 * package|count|record/event|title|detail" ("-" for none), each fact as
 * "key=value@time". */
typedef struct seen {
    int events;
    wd_buf fields; /* "name=value\n" of the last event */
    wd_buf acts;   /* one line per activity */
    wd_buf facts;  /* one line per fact */
    int nacts, nfacts;
    int event_rc, activity_rc; /* what the callbacks return */
} seen;

static const char *ns(const char *s)
{
    return s ? s : "-";
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

static int on_activity(void *ctx, const wd_activity_rec *r)
{
    seen *s = ctx;
    char code[11] = "-";
    if (r->has_code)
        wd_hresult_format(r->code, code);
    s->nacts++;
    cr_assert_eq(r->where.kind, WD_LOC_EVENT);
    wd_buf_printf(&s->acts, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%lld|%llu/%u|%s|%s\n",
                  wd_op_name(r->operation), wd_outcome_name(r->outcome), code, ns(r->kb),
                  ns(r->update_id), wd_product_name(r->product), ns(r->service), ns(r->target),
                  ns(r->package), (long long)r->count, (unsigned long long)r->where.record_id,
                  (unsigned)r->where.event_id, ns(r->title), ns(r->detail));
    return s->activity_rc;
}

static int on_fact(void *ctx, const wd_fact_rec *r)
{
    seen *s = ctx;
    s->nfacts++;
    wd_buf_printf(&s->facts, "%s=%s@%s\n", r->key, ns(r->value), ns(r->time));
    return 0;
}

static seen S;
static wd_sink SINK;

static void setup(void)
{
    memset(&S, 0, sizeof S);
    wd_sink s = {&S, NULL, on_event, on_fact, NULL, NULL, on_activity};
    SINK = s;
}

static void teardown(void)
{
    wd_buf_free(&S.fields);
    wd_buf_free(&S.acts);
    wd_buf_free(&S.facts);
}

TestSuite(collector_events, .init = setup, .fini = teardown);

#define EVENT(prov, chan, id, ...)                                                                 \
    ((wd_event_rec){chan, prov, id, 2, 4242, "2017-07-23T07:25:41.804504Z", "DESKTOP-2KGM189",     \
                    (const wd_field[]){__VA_ARGS__},                                               \
                    sizeof((const wd_field[]){__VA_ARGS__}) / sizeof(wd_field), "System.evtx"})

#define WUC "Microsoft-Windows-WindowsUpdateClient"
#define SCM "Service Control Manager"
#define SERVICING "Microsoft-Windows-Servicing"

static const char *acts(void)
{
    return S.acts.len ? wd_buf_cstr(&S.acts) : "";
}

static const char *facts(void)
{
    return S.facts.len ? wd_buf_cstr(&S.facts) : "";
}

/* The activities, or the facts, hold a line starting with want. */
#define has_act(want)                                                                              \
    cr_assert(strstr(acts(), want) && (strstr(acts(), want) == acts() ||                           \
                                       strstr(acts(), want)[-1] == '\n'),                          \
              "no activity %s in:\n%s", want, acts())
#define has_fact(want) cr_assert(strstr(facts(), want), "no fact %s in:\n%s", want, facts())

/* ------------------------------------------------- Windows Update client */

Test(collector_events, install_failure_is_an_install_failed_with_its_kb_and_code)
{
    wd_event_rec ev = EVENT(
        WUC, "System", 20, {"errorCode", "0x80248007"},
        {"updateTitle",
         "2017-07 Cumulative Update for Windows 10 Version 1703 for x64-based Systems (KB4025342)"},
        {"updateGuid", "{25acae93-40d4-4e62-814c-efb2f29f1bca}"}, {"updateRevisionNumber", "201"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.events, 1);
    cr_assert_eq(S.nacts, 1);
    cr_assert_str_eq(acts(), "install|failed|0x80248007|KB4025342|25ACAE93-40D4-4E62-814C-"
                             "EFB2F29F1BCA|os-cumulative|-|-|-|-1|4242/20|2017-07 Cumulative "
                             "Update for Windows 10 Version 1703 for x64-based Systems "
                             "(KB4025342)|Event 20: Installation Failure: 0x80248007 2017-07 "
                             "Cumulative Update for Windows 10 Version 1703 for x64-based "
                             "Systems (KB4025342)\n");
}

Test(collector_events, install_success_is_an_install_succeeded)
{
    wd_event_rec ev = EVENT(WUC, "System", 19,
                            {"updateTitle", "Definition Update for Windows Defender - KB2267602 "
                                            "(Definition 1.249.139.0)"},
                            {"updateGuid", "{d1a5ba8b-09f0-4e8a-bb43-d9c4c9d2c65b}"},
                            {"updateRevisionNumber", "200"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("install|succeeded|-|KB2267602|D1A5BA8B-09F0-4E8A-BB43-D9C4C9D2C65B|defender|");
    cr_assert(strstr(wd_buf_cstr(&S.fields), "updateTitle=Definition Update"));
}

/* strings inline: Criterion copies parameters into each test's process */
typedef struct wuc_case {
    uint32_t id;
    char fields[4][2][64];
    char want[96]; /* the activity's first columns */
} wuc_case;

ParameterizedTestParameters(collector_events, every_update_client_event_has_its_activity)
{
    static wuc_case cases[] = {
        {20, {{"errorCode", "0x8024402c"}}, "install|failed|0x8024402C|"},
        {24, {{"errorCode", "0x8024402c"}}, "uninstall|failed|0x8024402C|"},
        {25, {{"errorCode", "0x8024402c"}}, "scan|failed|0x8024402C|"},
        {26, {{"updateCount", "3"}}, "scan|succeeded|-|-|-|unknown|-|-|-|3|"},
        {31, {{"errorCode", "0x8024402c"}}, "download|failed|0x8024402C|"},
        {34, {{"errorCode", "0x8024402c"}}, "self-update|failed|0x8024402C|"},
        {35, {{"errorCode", "0x8024402c"}}, "self-update|failed|0x8024402C|"},
        {36, {{"version1", "7.6.7600.256"}, {"version2", "7.6.7600.320"}},
         "self-update|succeeded|-|-|-|unknown|-|7.6.7600.320|"},
        {41, {{"updateGuid", "{ba15b1f5-a339-4df7-a2b4-3b4bd6ae6a96}"}},
         "download|succeeded|-|-|BA15B1F5-A339-4DF7-A2B4-3B4BD6AE6A96|"},
        {43, {{"updateGuid", "{ba15b1f5-a339-4df7-a2b4-3b4bd6ae6a96}"}}, "install|in-progress|"},
        {44, {{"updateGuid", "{ba15b1f5-a339-4df7-a2b4-3b4bd6ae6a96}"}}, "download|in-progress|"},
        {212, {{"updateGuid", "{ba15b1f5-a339-4df7-a2b4-3b4bd6ae6a96}"}}, "revert|succeeded|"},
        {213, {{"errorCode", "0x8024402c"}}, "revert|failed|0x8024402C|"},
        {214, {{"updateGuid", "{ba15b1f5-a339-4df7-a2b4-3b4bd6ae6a96}"}}, "revert|in-progress|"},
        {215, {{"updateGuid", "{ba15b1f5-a339-4df7-a2b4-3b4bd6ae6a96}"}},
         "uninstall|in-progress|"},
        {216, {{"updateGuid", "{ba15b1f5-a339-4df7-a2b4-3b4bd6ae6a96}"}}, "commit|succeeded|"},
        {217, {{"errorCode", "0x8024402c"}}, "commit|failed|0x8024402C|"},
        {218, {{"updateGuid", "{ba15b1f5-a339-4df7-a2b4-3b4bd6ae6a96}"}}, "commit|in-progress|"},
    };
    return cr_make_param_array(wuc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(wuc_case *c, collector_events, every_update_client_event_has_its_activity)
{
    wd_field f[5] = {{"serviceGuid", "{9482f4b4-e343-43b6-b170-9a65bc822c77}"}};
    size_t n = 1;
    for (size_t i = 0; i < 4 && c->fields[i][0][0]; i++, n++)
        f[n] = (wd_field){c->fields[i][0], c->fields[i][1]};
    wd_event_rec ev = {"Microsoft-Windows-WindowsUpdateClient/Operational", WUC, c->id, 2, 77,
                       "2024-01-12T16:30:12Z", NULL, f, n, "WU.evtx"};
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.nacts, 1, "%u: %s", (unsigned)c->id, acts());
    has_act(c->want);
}

Test(collector_events, paused_and_resumed_agent_events_are_kept_without_activity)
{
    wd_event_rec ev = EVENT(WUC, "System", 27, {"Data1", ""});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.nacts, 0);
}

Test(collector_events, windows7_restart_required_lists_every_update_pending_a_restart)
{
    /* python-evtx-tests/system.evtx record 12134 (Windows 7) */
    wd_event_rec ev = EVENT(
        WUC, "System", 22, {"restarttime", "15"},
        {"updatelist",
         "\n- Update Rollup for ActiveX Killbits for Windows 7 for x64-based Systems (KB2647518)"
         "\n- Security Update for Windows 7 for x64-based Systems (KB2621440)"
         "\n- Windows Malicious Software Removal Tool x64 - March 2012 (KB890830)"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.nacts, 3, "%s", acts());
    has_act("install|pending-reboot|-|KB2647518|-|os-other|");
    has_act("install|pending-reboot|-|KB2621440|-|os-other|");
    has_act("install|pending-reboot|-|KB890830|-|msrt|");
    cr_assert(strstr(acts(), "|Security Update for Windows 7 for x64-based Systems (KB2621440)|"));
}

Test(collector_events, windows7_installation_ready_means_downloaded)
{
    wd_event_rec ev =
        EVENT(WUC, "System", 18, {"schedinstalldate", "Thursday, March 15, 2012"},
              {"schedinstalltime", "3:00 AM"},
              {"updatelist", "- Update Rollup for ActiveX Killbits for Windows 7 for x64-based "
                             "Systems (KB2647518)"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.nacts, 1);
    has_act("download|succeeded|-|KB2647518|-|os-other|");
}

Test(collector_events, uninstall_failure_takes_its_title_and_id_from_a_list_of_one)
{
    wd_event_rec ev = EVENT(WUC, "System", 24, {"errorCode", "0x80070002"},
                            {"updatelist", "Security Update for Windows (KB5034441)"},
                            {"updateGuid", "{9f1b4ac4-7b2e-4c57-a7c1-53e3f2d6e0b8}"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("uninstall|failed|0x80070002|KB5034441|9F1B4AC4-7B2E-4C57-A7C1-53E3F2D6E0B8|");
}

Test(collector_events, failure_event_without_a_readable_code_is_a_failure_without_code)
{
    wd_event_rec ev = EVENT(WUC, "System", 20, {"errorCode", "not a code"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.events, 1);
    has_act("install|failed|-|");
}

Test(collector_events, a_feature_update_install_is_a_feature_update_to_its_version)
{
    /* omerbenamram 2-vss_7-System.evtx record 197 */
    wd_event_rec ev = EVENT(WUC, "System", 19,
                            {"updateTitle", "Feature update to Windows 10, version 1803"},
                            {"updateGuid", "{36a0ea1a-0e82-410c-8921-023f21f69575}"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("feature-update|succeeded|-|-|36A0EA1A-0E82-410C-8921-023F21F69575|feature-update|-|"
            "1803|");
}

Test(collector_events, store_app_failure_is_a_store_app_install_failed)
{
    /* omerbenamram 2-vss_7-System.evtx record 518 */
    wd_event_rec ev = EVENT(WUC, "System", 20, {"errorCode", "0x8024001e"},
                            {"updateTitle", "9NBLGGH3FL3T-Microsoft.VCLibs.120.00.Universal"},
                            {"updateGuid", "{8EE3D0EF-5511-453A-B9DD-00AFFED0477E}"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("install|failed|0x8024001E|-|8EE3D0EF-5511-453A-B9DD-00AFFED0477E|store-app|");
}

/* ------------------------------------------------------------- servicing */

Test(collector_events, servicing_failure_is_a_servicing_failed_on_the_package)
{
    /* Win10 22H2 Setup.evtx, windows-update-facts.md 2.4 */
    wd_event_rec ev =
        EVENT(SERVICING, "Setup", 3, {"PackageIdentifier", "KB5020683"},
              {"IntendedPackageState", "5112"}, {"IntendedPackageStateTextized", "Installed"},
              {"ErrorCode", "0x800f0984"}, {"Client", "WindowsUpdateAgent"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_str_eq(acts(), "servicing|failed|0x800F0984|KB5020683|-|unknown|-|Installed|"
                             "KB5020683|-1|4242/3|-|Event 3: package KB5020683 failed to change "
                             "state (to Installed): 0x800F0984, client WindowsUpdateAgent\n");
}

typedef struct svc_case {
    uint32_t id;
    char code[12];
    char want[64];
} svc_case;

ParameterizedTestParameters(collector_events, every_package_state_event_has_its_outcome)
{
    static svc_case cases[] = {
        {1, "", "servicing|in-progress|-|KB5034441|"},
        {2, "0x0", "servicing|succeeded|0x00000000|KB5034441|"},
        {3, "0x800f0922", "servicing|failed|0x800F0922|KB5034441|"},
        {4, "0x0", "servicing|pending-reboot|0x00000000|KB5034441|"},
        {5, "0x0", "servicing|trace|0x00000000|KB5034441|"},
        {6, "0x80070005", "servicing|failed|0x80070005|KB5034441|"},
    };
    return cr_make_param_array(svc_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(svc_case *c, collector_events, every_package_state_event_has_its_outcome)
{
    wd_field f[] = {{"PackageIdentifier", "Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.2"},
                    {"IntendedPackageStateTextized", "Installed"},
                    {"Client", "WindowsUpdateAgent"},
                    {"ErrorCode", c->code}};
    wd_event_rec ev = {"Setup", SERVICING, c->id, 0, 9, "2024-01-12T16:30:12Z", NULL, f,
                       c->code[0] ? 4 : 3, "Setup.evtx"};
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_eq(S.nacts, 1);
    has_act(c->want);
    cr_assert(strstr(acts(), "|os-other|-|Installed|Package_for_KB5034441~"), "%s", acts());
}

Test(collector_events, cumulative_package_is_an_os_cumulative)
{
    wd_event_rec ev = EVENT(SERVICING, "Setup", 2,
                            {"PackageIdentifier",
                             "Package_for_RollupFix~31bf3856ad364e35~amd64~~19041.3930.1.6"},
                            {"IntendedPackageStateTextized", "Installed"}, {"ErrorCode", "0x0"},
                            {"Client", "UpdateAgentLCU"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("servicing|succeeded|0x00000000|-|-|os-cumulative|");
}

Test(collector_events, feature_events_name_the_feature)
{
    wd_event_rec ev = EVENT(SERVICING, "Setup", 11, {"UpdateName", "NetFx3"},
                            {"PackageIdentifier", "Microsoft-Windows-NetFx3-OnDemand-Package"},
                            {"ErrorCode", "0x800f081f"}, {"Client", "DISM Package Manager Provider"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("feature|failed|0x800F081F|-|-|dotnet|-|NetFx3|Microsoft-Windows-NetFx3-OnDemand-Package|");
}

Test(collector_events, store_repair_start_and_finish_with_nothing_found)
{
    wd_event_rec start = EVENT(SERVICING, "Setup", 1013, {"detectionType", "2"},
                               {"triggerType", "1"});
    wd_event_rec finish = EVENT(SERVICING, "Setup", 1014, {"errorCode", "0x0"},
                                {"repaired", "0"}, {"totalCorruption", "0"});
    cr_assert_eq(wd_event_emit(&start, &SINK), 1);
    cr_assert_eq(wd_event_emit(&finish, &SINK), 1);
    has_act("repair|in-progress|-|-|-|unknown|-|component store|-|-1|4242/1013|");
    has_act("repair|succeeded|0x00000000|-|-|unknown|-|component store|-|0|4242/1014|");
}

Test(collector_events, store_repair_that_leaves_corruption_failed)
{
    wd_event_rec ev = EVENT(SERVICING, "Setup", 1015, {"ErrorCode", "0x0"}, {"Repaired", "1"},
                            {"TotalCorruption", "3"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("repair|failed|0x00000000|-|-|unknown|-|component store|-|3|");
    wd_event_rec err = EVENT(SERVICING, "Setup", 1014, {"errorCode", "0x800f081f"},
                             {"repaired", "0"}, {"totalCorruption", "0"});
    cr_assert_eq(wd_event_emit(&err, &SINK), 1);
    has_act("repair|failed|0x800F081F|");
}

Test(collector_events, servicing_events_outside_the_setup_channel_are_dropped)
{
    wd_event_rec ev = EVENT(SERVICING, "Application", 3, {"ErrorCode", "0x1"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 0);
    cr_assert_eq(S.events, 0);
    cr_assert_eq(S.nacts, 0);
}

/* ------------------------------------------------ Service Control Manager */

/* python-evtx-tests/system.evtx record: Windows Modules Installer stopped */
#define TI_STOPPED "540072007500730074006500640049006E007300740061006C006C00650072002F0031000000"
/* "wuauserv/4" (running) */
#define WU_RUNNING "770075006100750073006500720076002F0034000000"

Test(collector_events, service_state_change_is_matched_by_its_key_name)
{
    wd_event_rec ev = EVENT(SCM, "System", 7036, {"param1", "Windows Modules Installer"},
                            {"param2", "stopped"}, {"Binary", TI_STOPPED});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert(strstr(wd_buf_cstr(&S.fields), "ServiceKeyName=TrustedInstaller\n"), "%s",
              wd_buf_cstr(&S.fields));
    cr_assert(strstr(wd_buf_cstr(&S.fields), "Binary=" TI_STOPPED "\n"));
    has_act("service-change|succeeded|-|-|-|unknown|TrustedInstaller|stopped|");
}

Test(collector_events, german_state_change_reads_the_state_from_the_binary)
{
    wd_event_rec ev = EVENT(SCM, "System", 7036, {"param1", "Windows Update"},
                            {"param2", "Wird ausgef\xc3\xbchrt"}, {"Binary", WU_RUNNING});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|wuauserv|running|");
}

Test(collector_events, german_state_change_without_binary_reads_the_state_word)
{
    wd_event_rec ev = EVENT(SCM, "System", 7036,
                            {"param1", "Intelligenter Hintergrund\xc3\xbc" "bertragungsdienst"},
                            {"param2", "Beendet"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|BITS|stopped|");
    wd_event_rec run = EVENT(SCM, "System", 7036, {"param1", "Kryptografiedienste"},
                             {"param2", "Wird ausgef\xc3\xbchrt"});
    cr_assert_eq(wd_event_emit(&run, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|CryptSvc|running|");
}

Test(collector_events, unknown_localised_names_without_binary_are_dropped)
{
    wd_event_rec bare =
        EVENT(SCM, "System", 7036, {"param1", "Windows-Modulinstaller"}, {"param2", "Beendet"});
    cr_assert_eq(wd_event_emit(&bare, &SINK), 0);
    wd_event_rec ev = EVENT(SCM, "System", 7036, {"param1", "Windows-Modulinstaller"},
                            {"param2", "Beendet"}, {"Binary", TI_STOPPED});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|TrustedInstaller|stopped|");
}

Test(collector_events, other_services_are_dropped)
{
    /* omerbenamram system.evtx: Spooler 7036 with its key name in Binary */
    wd_event_rec ev = EVENT(SCM, "System", 7036, {"param1", "Print Spooler"}, {"param2", "running"},
                            {"Binary", "530070006F006F006C00650072002F0034000000"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 0);
    cr_assert_eq(S.events, 0);
}

Test(collector_events, start_type_change_is_matched_by_param4_and_names_the_new_type)
{
    /* omerbenamram system.evtx record 242 */
    wd_event_rec ev =
        EVENT(SCM, "System", 7040, {"param1", "Background Intelligent Transfer Service"},
              {"param2", "demand start"}, {"param3", "auto start"}, {"param4", "BITS"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|BITS|auto|");
    wd_event_rec off = EVENT(SCM, "System", 7040, {"param1", "Windows Update"},
                             {"param2", "Manuell starten"}, {"param3", "Deaktiviert"},
                             {"param4", "wuauserv"});
    cr_assert_eq(wd_event_emit(&off, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|wuauserv|disabled|");
    wd_event_rec other =
        EVENT(SCM, "System", 7040, {"param1", "Distributed Transaction Coordinator"},
              {"param2", "demand start"}, {"param3", "auto start"}, {"param4", "MSDTC"});
    cr_assert_eq(wd_event_emit(&other, &SINK), 0);
}

Test(collector_events, start_types_are_read_in_the_languages_windows_writes_them)
{
    /* a real Japanese System log: "Windows Modules Installer サービスの開始の種類は
     * 要求による開始 から 自動的な開始 に変更されました。" */
    wd_event_rec ja = EVENT(SCM, "System", 7040, {"param1", "Windows Modules Installer"},
                            {"param2", "\xe8\xa6\x81\xe6\xb1\x82\xe3\x81\xab\xe3\x82\x88\xe3\x82\x8b\xe9\x96\x8b\xe5\xa7\x8b"},
                            {"param3", "\xe8\x87\xaa\xe5\x8b\x95\xe7\x9a\x84\xe3\x81\xaa\xe9\x96\x8b\xe5\xa7\x8b"},
                            {"param4", "TrustedInstaller"});
    cr_assert_eq(wd_event_emit(&ja, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|TrustedInstaller|auto|");
    static const char *const disabled[] = {
        "Deshabilitado", "disabilitato", "Desabilitado",
        "\xe7\x84\xa1\xe5\x8a\xb9",                             /* 無効 */
        "\xe5\xb7\xb2\xe7\xa6\x81\xe7\x94\xa8",                 /* 已禁用 */
        "\xd0\x9e\xd1\x82\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\xd0\xb5\xd0\xbd\xd0\xb0", /* Отключена */
    };
    for (size_t i = 0; i < sizeof disabled / sizeof disabled[0]; i++) {
        wd_buf_reset(&S.acts);
        wd_event_rec off = EVENT(SCM, "System", 7040, {"param1", "Windows Update"},
                                 {"param2", "x"}, {"param3", disabled[i]}, {"param4", "wuauserv"});
        cr_assert_eq(wd_event_emit(&off, &SINK), 1);
        has_act("service-change|succeeded|-|-|-|unknown|wuauserv|disabled|");
    }
}

Test(collector_events, windows7_state_words_of_other_languages)
{
    /* Windows 7 writes no <Binary>: the state is param2's word, and the
     * service its display name ("正在运行" as a real Chinese System log has it) */
    wd_event_rec zh = EVENT(SCM, "System", 7036, {"param1", "Windows Update"},
                            {"param2", "\xe6\xad\xa3\xe5\x9c\xa8\xe8\xbf\x90\xe8\xa1\x8c"});
    cr_assert_eq(wd_event_emit(&zh, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|wuauserv|running|");
    wd_event_rec ru = EVENT(SCM, "System", 7036,
                            {"param1", "\xd0\xa6\xd0\xb5\xd0\xbd\xd1\x82\xd1\x80 \xd0\xbe\xd0\xb1\xd0\xbd"
                                       "\xd0\xbe\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f Windows"},
                            {"param2", "\xd0\x9e\xd1\x81\xd1\x82\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb0"});
    cr_assert_eq(wd_event_emit(&ru, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|wuauserv|stopped|");
    wd_event_rec ja = EVENT(SCM, "System", 7036, {"param1", "Windows Modules Installer"},
                            {"param2", "\xe5\x81\x9c\xe6\xad\xa2"});
    cr_assert_eq(wd_event_emit(&ja, &SINK), 1);
    has_act("service-change|succeeded|-|-|-|unknown|TrustedInstaller|stopped|");
}

Test(collector_events, orchestrator_termination_is_a_service_crash)
{
    /* 2-vss_7-System.evtx: Update Orchestrator Service, 7023, 0x8001011F */
    wd_event_rec ev = EVENT(SCM, "System", 7023, {"param1", "Update Orchestrator Service"},
                            {"param2", "%%2147549471"}, {"Binary", "550073006F005300760063000000"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_str_eq(acts(), "service-crash|failed|0x8001011F|-|-|unknown|UsoSvc|-|-|-1|4242/"
                             "7023|-|Event 7023: Update Orchestrator Service (UsoSvc) terminated "
                             "with an error: 0x8001011F\n");
}

Test(collector_events, win32_error_of_a_service_start_becomes_an_hresult)
{
    wd_event_rec ev =
        EVENT(SCM, "System", 7000, {"param1", "Windows Update"}, {"param2", "%%1058"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("service-start|failed|0x80070422|-|-|unknown|wuauserv|");
}

Test(collector_events, service_specific_error_is_kept_as_written)
{
    wd_event_rec ev =
        EVENT(SCM, "System", 7024, {"param1", "Windows Update"}, {"param2", "%%-2145107934"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("service-crash|failed|0x80244022|-|-|unknown|wuauserv|");
}

Test(collector_events, unexpected_terminations_count_their_times)
{
    wd_event_rec ev = EVENT(SCM, "System", 7031, {"param1", "Windows Update"}, {"param2", "2"},
                            {"param3", "120000"}, {"param4", "1"},
                            {"param5", "Restart the service"},
                            {"Binary", "770075006100750073006500720076000000"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("service-crash|failed|-|-|-|unknown|wuauserv|-|-|2|");
    wd_event_rec once = EVENT(SCM, "System", 7034, {"param1", "Background Intelligent Transfer "
                                                              "Service"},
                              {"param2", "1"});
    cr_assert_eq(wd_event_emit(&once, &SINK), 1);
    has_act("service-crash|failed|-|-|-|unknown|BITS|-|-|1|");
}

Test(collector_events, timeout_events_name_the_service_in_param2)
{
    wd_event_rec ev = EVENT(SCM, "System", 7009, {"param1", "30000"}, {"param2", "wuauserv"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_act("service-start|failed|-|-|-|unknown|wuauserv|");
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
    char want[32]; /* the activity's first columns, "" for none */
} boot_case;

ParameterizedTestParameters(collector_events, boots_and_shutdowns_are_kept)
{
    static boot_case cases[] = {
        {"EventLog", 6005, 1, "boot|succeeded|"},
        {"EventLog", 6006, 1, "shutdown|succeeded|"},
        {"EventLog", 6008, 1, "shutdown|failed|"},
        {"EventLog", 6009, 1, ""},
        {"EventLog", 6013, 0, ""},
        {"Microsoft-Windows-Kernel-General", 12, 1, "boot|succeeded|"},
        {"Microsoft-Windows-Kernel-General", 13, 1, "shutdown|succeeded|"},
        {"Microsoft-Windows-Kernel-General", 1, 0, ""},
        {"Microsoft-Windows-Kernel-Power", 41, 1, "shutdown|failed|"},
        {"Microsoft-Windows-Kernel-Power", 42, 0, ""},
        {"User32", 1074, 1, "reboot|succeeded|"},
        {"Microsoft-Windows-Kernel-Boot", 20, 0, ""},
    };
    return cr_make_param_array(boot_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(boot_case *c, collector_events, boots_and_shutdowns_are_kept)
{
    wd_event_rec ev = EVENT(c->provider, "System", c->id, {"Data1", "x"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), c->kept, "%s %u", c->provider, (unsigned)c->id);
    cr_assert_eq(wd_event_wanted(c->provider, c->id), c->kept);
    cr_assert_eq(S.nacts, c->want[0] ? 1 : 0);
    if (c->want[0])
        has_act(c->want);
}

Test(collector_events, kernel_general_boot_states_the_build_and_ubr)
{
    /* omerbenamram system.evtx record 3 (Windows 10 1703) */
    wd_event_rec ev = EVENT("Microsoft-Windows-Kernel-General", "System", 12,
                            {"MajorVersion", "10"}, {"MinorVersion", "0"},
                            {"BuildVersion", "15063"}, {"QfeVersion", "413"},
                            {"ServiceVersion", "0"}, {"BootMode", "0"},
                            {"StartTime", "2017-07-12T17:16:05.499259900Z"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    has_fact("os.build=15063@2017-07-23T07:25:41.804504Z\n");
    has_fact("os.ubr=413@2017-07-23T07:25:41.804504Z\n");
    cr_assert_eq(S.nfacts, 2);
    cr_assert(!strstr(facts(), "machine.name"), "the computer goes through the store only");
}

Test(collector_events, windows7_boot_states_the_build_but_no_ubr)
{
    /* python-evtx-tests/system.evtx records 12180 and 12152 */
    wd_event_rec ev = EVENT("Microsoft-Windows-Kernel-General", "System", 12,
                            {"MajorVersion", "6"}, {"MinorVersion", "1"},
                            {"BuildVersion", "7601"}, {"QfeVersion", "17727"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    wd_event_rec el = EVENT("EventLog", "System", 6009, {"Data1", "6.01."}, {"Data2", "7601"},
                            {"Data3", "Service Pack 1"}, {"Data4", "Multiprocessor Free"},
                            {"Data5", "17514"});
    cr_assert_eq(wd_event_emit(&el, &SINK), 1);
    cr_assert_str_eq(facts(), "os.build=7601@2017-07-23T07:25:41.804504Z\n"
                              "os.build=7601@2017-07-23T07:25:41.804504Z\n");
}

Test(collector_events, restart_request_says_who_and_why)
{
    /* 2-vss_7-System.evtx record 361 */
    wd_event_rec ev = EVENT("User32", "System", 1074,
                            {"param1", "c:\\windows\\system32\\svchost.exe (DESKTOP-1N4R894)"},
                            {"param2", "DESKTOP-1N4R894"},
                            {"param3", "Operating System: Service pack (Planned)"},
                            {"param4", "0x80020010"}, {"param5", "restart"}, {"param6", ""},
                            {"param7", "NT AUTHORITY\\SYSTEM"});
    cr_assert_eq(wd_event_emit(&ev, &SINK), 1);
    cr_assert_str_eq(acts(), "reboot|succeeded|-|-|-|unknown|-|restart|-|-1|4242/1074|-|Event "
                             "1074: c:\\windows\\system32\\svchost.exe (DESKTOP-1N4R894) asked "
                             "for a restart: Operating System: Service pack (Planned) "
                             "(0x80020010)\n");
}

Test(collector_events, bits_jobs_of_windows_update_are_download_activities)
{
    wd_event_rec job =
        EVENT("Microsoft-Windows-Bits-Client", "Microsoft-Windows-Bits-Client/Operational", 3,
              {"jobTitle", "Windows Update"}, {"jobId", "{1B0B2B4C-7E7F-4A3A-9C2E-3B5E0C4D6F10}"},
              {"jobOwner", "NT AUTHORITY\\SYSTEM"});
    cr_assert_eq(wd_event_emit(&job, &SINK), 1);
    has_act("download|in-progress|-|-|-|unknown|-|-|-|-1|");
    wd_event_rec error =
        EVENT("Microsoft-Windows-Bits-Client", "Microsoft-Windows-Bits-Client/Operational", 60,
              {"name", "WU Client Download"},
              {"url", "http://au.download.windowsupdate.com/c/msdownload/update/x.cab"},
              {"hr", "-2145844845"});
    cr_assert_eq(wd_event_emit(&error, &SINK), 1);
    has_act("download|trace|0x80190193|");
    wd_event_rec other =
        EVENT("Microsoft-Windows-Bits-Client", "Microsoft-Windows-Bits-Client/Operational", 3,
              {"jobTitle", "Chrome Component Updater"},
              {"url", "http://edgedl.me.gvt1.com/edgedl/release2/x.crx3"});
    cr_assert_eq(wd_event_emit(&other, &SINK), 0);
    cr_assert_eq(S.events, 2);
    cr_assert_eq(S.nacts, 2);
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
    cr_assert_eq(S.nacts, 0);
    S.event_rc = 0;
    S.activity_rc = 3; /* a positive "stop" still reads as an error, never as "kept" */
    cr_assert_lt(wd_event_emit(&ev, &SINK), 0);
}

Test(collector_events, a_sink_without_callbacks_still_gets_a_verdict)
{
    wd_sink empty = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    wd_event_rec ev = EVENT(WUC, "System", 20, {"errorCode", "0x80248007"});
    cr_assert_eq(wd_event_emit(&ev, &empty), 1);
}
