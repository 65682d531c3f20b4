/* services.c - the service list readers: `sc queryex` (+ `sc qc`) text and
 * the Get-Service / Get-CimInstance Win32_Service CSV exports, in the
 * encodings, delimiters and quoting Windows PowerShell 5.1 and 7 produce. */
#include "capture.h"

/* ------------------------------------------------------------ sc queryex */

Test(collector_services, sc_queryex_reads_every_block_of_a_windows_10_machine)
{
    capture c;
    cap_collect_fixture(&c, "services/sc-queryex.txt");
    cr_assert_eq(c.services, 27);
    cap_has(&c, "S wuauserv|Windows Update|running|unknown|1012|0|0");
    cap_has(&c, "S TrustedInstaller|Windows Modules Installer|stopped|unknown|0|0|0");
    cap_has(&c, "S UsoSvc|Update Orchestrator Service for Windows Update|running|unknown|1012|0|0");
    cap_has(&c, "S Spooler|Print Spooler|running|unknown|1784|0|0");
    cap_has(&c, "R services/sc-queryex.txt|sc-queryex|27|27|0");
    cr_assert_eq(c.notes, 0, "%s", cap_text(&c));
    cap_free(&c);
}

Test(collector_services, sc_qc_blocks_merge_start_type_into_queryex_state)
{
    capture c;
    cap_collect_fixture(&c, "services/sc-queryex-qc.txt");
    cap_has(&c, "S wuauserv|Windows Update|stopped|disabled|0|1058|0");
    cap_has(&c, "S BITS|Background Intelligent Transfer Service|running|delayed-auto|1480|0|0");
    cap_has(&c, "S UsoSvc|Update Orchestrator Service|start-pending|auto|1480|0|0");
    /* only in sc qc: the state is not known */
    cap_has(&c, "S TrustedInstaller|Windows Modules Installer|unknown|manual|-1|-1|-1");
    cr_assert_eq(c.services, 4);
    /* 3 queryex + 4 qc blocks read, one record per service, the failed
     * OpenService is a note and not an error */
    cap_has(&c, "R services/sc-queryex-qc.txt|sc-queryex|7|4|0");
    cap_has(&c, "N line 85: [SC] OpenService FAILED 1060:");
    cap_free(&c);
}

/* An sc queryex text of n services: the core ones first, then "svcN";
 * stopped ones when with_stopped. */
static char *sc_listing(int n, int with_stopped)
{
    static const char *const core[] = {"RpcSs", "EventLog", "PlugPlay", "DcomLaunch", "wuauserv"};
    wd_buf b = WD_BUF_INIT;
    for (int i = 0; i < n; i++) {
        int stopped = with_stopped && i % 3 == 2;
        if (i < 5)
            wd_buf_printf(&b, "SERVICE_NAME: %s\n", core[i]);
        else
            wd_buf_printf(&b, "SERVICE_NAME: svc%d\n", i);
        wd_buf_printf(&b, "DISPLAY_NAME: Service %d\n        STATE              : %s\n"
                          "        WIN32_EXIT_CODE    : %s\n        PID                : %d\n\n",
                      i, stopped ? "1  STOPPED" : "4  RUNNING", stopped ? "1077  (0x435)" : "0  (0x0)",
                      stopped ? 0 : 1000 + i);
    }
    return wd_buf_detach(&b);
}

Test(collector_services, a_whole_machine_listing_is_complete)
{
    char *t = sc_listing(120, 1);
    capture c;
    cap_run(&c, wd_source_sc_queryex, t, strlen(t));
    cr_assert_eq(c.services, 120);
    cap_has(&c, "F services.listing=complete");
    /* a stopped service's exit code reaches its record */
    cap_has(&c, "S wuauserv|Service 4|running|unknown|1004|0|-1");
    cap_has(&c, "S svc5|Service 5|stopped|unknown|0|1077|-1");
    cap_free(&c);
    free(t);
}

Test(collector_services, running_only_or_few_services_are_a_partial_listing)
{
    char *running = sc_listing(120, 0); /* sc queryex without state= all */
    capture c;
    cap_run(&c, wd_source_sc_queryex, running, strlen(running));
    cap_has(&c, "F services.listing=partial");
    cap_free(&c);
    char *three = sc_listing(3, 1);
    cap_run(&c, wd_source_sc_queryex, three, strlen(three));
    cap_has(&c, "F services.listing=partial");
    cap_free(&c);
    free(running);
    free(three);
}

Test(collector_services, sc_queryex_utf16_with_localised_display_names)
{
    const char *text = "\r\nSERVICE_NAME: BITS\r\nDISPLAY_NAME: Intelligenter "
                       "Hintergrund\xC3\xBC"
                       "bertragungsdienst\r\n"
                       "        STATE              : 1  STOPPED \r\n"
                       "        PID                : 0\r\n";
    /* re-encode as UTF-16LE with BOM, as `sc.exe ... > file` in PowerShell 5.1 writes */
    unsigned char buf[512];
    size_t o = 0;
    buf[o++] = 0xFF;
    buf[o++] = 0xFE;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        unsigned cp = *p;
        if (*p == 0xC3) {
            cp = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
            p++;
        }
        buf[o++] = (unsigned char)cp;
        buf[o++] = (unsigned char)(cp >> 8);
    }
    capture c;
    cap_run(&c, wd_source_sc_queryex, buf, o);
    cap_has(&c, "S BITS|Intelligenter Hintergrund\xC3\xBC"
                "bertragungsdienst|stopped|unknown|0|-1|-1");
    cap_free(&c);
}

Test(collector_services, sc_garbage_lines_become_notes_with_line_numbers)
{
    const char t[] = "SERVICE_NAME: wuauserv\n"
                     "this is not sc output\n"
                     "        STATE              : 4  RUNNING\n";
    capture c;
    cap_run(&c, wd_source_sc_queryex, t, sizeof t - 1);
    cap_has(&c, "N line 2: not a line of sc output");
    cap_has(&c, "S wuauserv|-|running|unknown|-1|-1|-1");
    cr_assert_eq(c.sum.records, 1);
    cr_assert_eq(c.sum.kept, 1);
    cr_assert_eq(c.sum.errors, 1);
    cap_free(&c);
}

/* `sc query wuauserv` then `sc qc wuauserv` as a console shows them (the
 * shapes of public transcripts: "TYPE : 30  WIN32" on Windows 11, the qc
 * block after its [SC] line), saved with the prompts: read, prompts skipped. */
Test(collector_services, sc_console_transcript_with_prompts)
{
    const char t[] = "C:\\WINDOWS\\system32> sc query wuauserv\r\n\r\n"
                     "SERVICE_NAME: wuauserv\r\n"
                     "        TYPE               : 30  WIN32\r\n"
                     "        STATE              : 1  STOPPED\r\n"
                     "        WIN32_EXIT_CODE    : 0  (0x0)\r\n"
                     "        SERVICE_EXIT_CODE  : 0  (0x0)\r\n\r\n"
                     "PS C:\\> sc.exe qc wuauserv\r\n"
                     "[SC] QueryServiceConfig SUCCESS\r\n\r\n"
                     "SERVICE_NAME: wuauserv\r\n"
                     "        START_TYPE         : 4   DISABLED\r\n"
                     "        DISPLAY_NAME       : Windows Update\r\n";
    capture c;
    cap_run(&c, wd_source_sc_queryex, t, sizeof t - 1);
    cap_has(&c, "S wuauserv|Windows Update|stopped|disabled|-1|0|0");
    cr_assert_eq(c.sum.errors, 0);
    cap_free(&c);
}

Test(collector_services, sc_transcript_commands_that_disable_a_service)
{
    /* written for wudiag: a console session that disables Windows Update and
     * BITS; the SUCCESS of "sc config ... start= disabled" and the 1058 refusal
     * of "sc start" say the start type, whatever language the message after
     * the [SC] line is in */
    const char t[] = "C:\\WINDOWS\\system32> sc query wuauserv\r\n"
                     "SERVICE_NAME: wuauserv\r\n"
                     "        TYPE               : 30  WIN32\r\n"
                     "        STATE              : 1  STOPPED\r\n"
                     "C:\\WINDOWS\\system32> sc config bits start= disabled\r\n\r\n"
                     "[SC] ChangeServiceConfig SUCCESS\r\n\r\n"
                     "C:\\WINDOWS\\system32> sc config cryptsvc start= auto\r\n\r\n"
                     "[SC] OpenService FAILED 5:\r\n\r\n"
                     "Zugriff verweigert\r\n\r\n"
                     "C:\\WINDOWS\\system32> sc start wuauserv\r\n\r\n"
                     "[SC] StartService FAILED 1058:\r\n\r\n"
                     "Der angegebene Dienst kann nicht gestartet werden, da er deaktiviert ist.\r\n"
                     "PS C:\\> sc.exe config dosvc start=delayed-auto\r\n"
                     "[SC] ChangeServiceConfig SUCCESS\r\n";
    capture c;
    cap_run(&c, wd_source_sc_queryex, t, sizeof t - 1);
    cap_has(&c, "S wuauserv|-|stopped|disabled|-1|-1|-1");
    cap_has(&c, "S bits|-|unknown|disabled|-1|-1|-1");
    cap_has(&c, "S dosvc|-|unknown|delayed-auto|-1|-1|-1");
    cap_lacks(&c, "S cryptsvc"); /* a refused config sets nothing */
    cap_free(&c);
}

Test(collector_services, sc_fields_before_any_service_are_errors)
{
    const char t[] = "        STATE              : 4  RUNNING\nSERVICE_NAME:\n";
    capture c;
    cap_run(&c, wd_source_sc_queryex, t, sizeof t - 1);
    cr_assert_eq(c.services, 0);
    cr_assert_eq(c.sum.errors, 2);
    cap_has(&c, "N line 1: service field before any SERVICE_NAME");
    cap_has(&c, "N line 2: SERVICE_NAME without a name");
    cap_free(&c);
}

/* ------------------------------------------------------------------- CSV */

Test(collector_services, cim_csv_gives_states_start_modes_and_machine)
{
    capture c;
    cap_collect_fixture(&c, "services/services-cim.csv");
    cr_assert_eq(c.services, 27);
    cap_has(&c, "F machine.name=DESKTOP-2KGM189");
    cap_has(&c, "S wuauserv|Windows Update|running|manual|1012|0|0");
    cap_has(&c, "S UsoSvc|Update Orchestrator Service for Windows Update|running|auto|1012|0|0");
    cap_has(&c, "S BITS|Background Intelligent Transfer Service|running|delayed-auto|1012|0|0");
    cap_has(&c, "S CryptSvc|Cryptographic Services|running|auto|1272|0|0");
    cap_has(&c, "S TrustedInstaller|Windows Modules Installer|stopped|manual|0|0|0");
    cap_has(&c, "S DoSvc|Delivery Optimization|running|delayed-auto|1272|0|0");
    cap_has(&c, "S W32Time|Windows Time|stopped|manual|0|0|0");
    cap_has(&c, "R services/services-cim.csv|services-csv|27|27|0");
    /* 27 services, without PlugPlay: a filtered listing */
    cap_has(&c, "F services.listing=partial");
    cr_assert_eq(c.facts, 2);
    cap_free(&c);
}

Test(collector_services, get_service_german_utf16_semicolon)
{
    capture c;
    cap_collect_fixture(&c, "services/get-service-de-utf16.csv");
    cr_assert_eq(c.services, 7);
    cap_has(&c, "S BITS|Intelligenter Hintergrund\xC3\xBC"
                "bertragungsdienst|running|manual|-1|-1|-1");
    cap_has(&c, "S DoSvc|\xC3\x9C"
                "bermittlungsoptimierung|running|auto|-1|-1|-1");
    cap_has(&c, "S wuauserv|Windows Update|stopped|disabled|-1|-1|-1");
    /* MachineName "." is not a machine name */
    cap_lacks(&c, "machine.name");
    cap_has(&c, "F services.listing=partial");
    cr_assert_eq(c.facts, 1);
    cap_has(&c, "R services/get-service-de-utf16.csv|services-csv|7|7|0");
    cap_free(&c);
}

Test(collector_services, get_service_ps7_unquoted_lf_with_quoted_newlines)
{
    capture c;
    cap_collect_fixture(&c, "services/get-service-ps7.csv");
    cr_assert_eq(c.services, 5, "%s", cap_text(&c));
    cap_has(&c, "S DoSvc|Delivery Optimization|running|delayed-auto|-1|-1|-1");
    cap_has(&c, "S BITS|Background Intelligent Transfer Service|stopped|manual|-1|-1|-1");
    cap_has(&c, "S wuauserv|Windows Update|running|manual|-1|-1|-1");
    cap_has(&c, "R services/get-service-ps7.csv|services-csv|5|5|0");
    cap_free(&c);
}

Test(collector_services, missing_columns_give_unknown_values)
{
    const char t[] = "Name,Status\r\nwuauserv,Stopped\r\n,Running\r\n\r\nBITS,Paused\r\n";
    capture c;
    cap_run(&c, wd_source_services_csv, t, sizeof t - 1);
    cap_has(&c, "S wuauserv|-|stopped|unknown|-1|-1|-1");
    cap_has(&c, "S BITS|-|paused|unknown|-1|-1|-1");
    cap_has(&c, "N line 3: row without a service name");
    cr_assert_eq(c.sum.records, 3);
    cr_assert_eq(c.sum.kept, 2);
    cr_assert_eq(c.sum.errors, 1);
    cap_free(&c);
}

Test(collector_services, columns_found_in_any_order_and_case)
{
    const char t[] = "sep=;\nSTARTMODE;processid;state;NAME;delayedautostart\n"
                     "Auto;1012;Running;UsoSvc;False\nDisabled;0;Stopped;wuauserv;False\n";
    capture c;
    cap_run(&c, wd_source_services_csv, t, sizeof t - 1);
    cap_has(&c, "S UsoSvc|-|running|auto|1012|-1|-1");
    cap_has(&c, "S wuauserv|-|stopped|disabled|0|-1|-1");
    cap_free(&c);
}

Test(collector_services, unterminated_quote_is_a_noted_error)
{
    const char t[] = "\"Name\",\"State\"\n\"wuauserv\",\"Running\"\n\"BITS\",\"Stopped\n";
    capture c;
    cap_run(&c, wd_source_services_csv, t, sizeof t - 1);
    cap_has(&c, "S wuauserv|-|running|unknown|-1|-1|-1");
    cap_has(&c, "N line 3: unterminated quoted field");
    cr_assert_eq(c.sum.errors, 1);
    cap_free(&c);
}

Test(collector_services, csv_without_name_column_is_a_note)
{
    const char t[] = "Foo,State\nx,Running\n";
    capture c;
    cap_run(&c, wd_source_services_csv, t, sizeof t - 1);
    cr_assert_eq(c.services, 0);
    cap_has(&c, "N line 1: no Name column in the service list");
    cap_free(&c);
}

Test(collector_services, empty_csv_is_a_note)
{
    capture c;
    cap_run(&c, wd_source_services_csv, "\xEF\xBB\xBF\r\n", 5);
    cr_assert_eq(c.services, 0);
    cr_assert_eq(c.notes, 1);
    cap_free(&c);
}
