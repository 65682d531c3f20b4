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
    cr_assert_eq(c.facts, 1);
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
    cr_assert_eq(c.facts, 0);
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
