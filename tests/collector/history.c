/* history.c - the update history CSV reader: QueryHistory rows as
 * capture-evidence.ps1 exports them and Get-WUHistory exports, US, ISO and
 * day-first dates, numeric and textual operations and results, each row an
 * activity. */
#include "capture.h"

Test(collector_history, query_history_rows_become_activities)
{
    capture c;
    cap_collect_fixture(&c, "history/update-history.csv");
    cap_has(&c, "A install|succeeded|0x00000000|2024-04-11T12:48:04Z|KB5036892|"
                "3C3A7E8F-1D2B-4F5E-9A61-0B7C2D9E4F13|os-cumulative|2024-04 Cumulative Update "
                "for Windows 10 Version 22H2 for x64-based Systems (KB5036892)|2");
    cap_has(&c, "A install|succeeded|0x00000000|2024-04-11T09:02:31Z|KB2267602|"
                "E0789628-CE08-4437-BE74-2495B842C78B|defender|Security Intelligence Update for "
                "Microsoft Defender Antivirus - KB2267602 (Version 1.409.312.0)|3");
    cap_has(&c, "A uninstall|succeeded|0x00000000|2023-12-14T10:17:40Z|KB5001716|"
                "0B6C1A2D-3E4F-4A5B-8C7D-6E5F4A3B2C1D|os-other|Update for Windows 10 Version "
                "22H2 for x64-based Systems (KB5001716)|8");
    /* 3, succeeded with errors: a success, its code kept */
    cap_has(&c, "A install|succeeded|0x00000000|2023-12-13T20:44:05Z|KB890830|"
                "E5B2F6A7-8C9D-4E0F-A1B2-C3D4E5F6A7B8|msrt|Windows Malicious Software Removal "
                "Tool x64 - v5.119 (KB890830)|9");
    cap_has(&c, "A install|failed|0x800F0922|2024-04-10T03:12:44Z|KB5036892|"
                "3C3A7E8F-1D2B-4F5E-9A61-0B7C2D9E4F13|os-cumulative|2024-04 Cumulative Update "
                "for Windows 10 Version 22H2 for x64-based Systems (KB5036892)|4");
    cap_has(&c, "A install|failed|0x80070643|2024-01-12T16:30:12Z|KB5034441|"
                "9F1B4AC4-7B2E-4C57-A7C1-53E3F2D6E0B8|os-other|2024-01 Security Update for "
                "Windows 10 Version 22H2 for x64-based Systems (KB5034441)|5");
    /* 5, aborted: cancelled, not failed; a row whose description spans two lines */
    cap_has(&c, "A install|cancelled|0x8024000B|2024-01-11T14:05:59Z|KB5033909|"
                "1D7E3F2A-5C4B-4E8D-9F60-7A2B1C3D4E5F|dotnet|2024-01 Cumulative Update for .NET "
                "Framework 3.5, 4.8 and 4.8.1 for Windows 10 Version 22H2 for x64 (KB5033909)|7");
    cr_assert_eq(c.activities, 7);
    cr_assert_eq(c.facts, 0);
    cap_has(&c, "R history/update-history.csv|update-history-csv|7|7|0");
    cap_free(&c);
}

Test(collector_history, get_wuhistory_day_first_dates_and_machine)
{
    capture c;
    cap_collect_fixture(&c, "history/get-wuhistory-pl.csv");
    cap_has(&c, "F machine.name=MG-PC");
    cap_has(&c, "A install|succeeded|0x00000000|2017-08-30T12:03:53Z|KB2267602|-|defender|"
                "Definition Update for Windows Defender - KB2267602 (Definition 1.251.530.0)|3");
    cap_has(&c, "A install|failed|0x80240017|2017-08-29T11:30:37Z|KB4035631|-|os-other|2017-08 "
                "Update for Windows Server 2016 for x64-based Systems (KB4035631)|5");
    cr_assert_eq(c.activities, 5);
    cr_assert_eq(c.facts, 1);
    cr_assert_eq(c.notes, 0, "%s", cap_text(&c));
    cap_free(&c);
}

Test(collector_history, text_operations_results_and_hex_codes)
{
    const char t[] = "Date,Operation,ResultCode,HResult,Title\n"
                     "2024-04-11T12:48:04Z,Installation,Failed,0x80070643,Update (KB5034441)\n"
                     "2024-04-12 01:02:03,Uninstallation,orcAborted,8024000B,Update (KB5034441)\n"
                     "11/04/2024 13:00:00,Install,Succeeded,,Update (KB5036892)\n"
                     "2024-04-13T00:00:00Z,1,orcInProgress,,Update (KB5036893)\n"
                     "2024-04-14T00:00:00Z,1,2,,\"Feature update to Windows 11, version 24H2\"\n";
    capture c;
    cap_run(&c, wd_source_history_csv, t, sizeof t - 1);
    cap_has(&c, "A install|failed|0x80070643|2024-04-11T12:48:04Z|KB5034441|-|other|"
                "Update (KB5034441)|2");
    cap_has(&c, "A uninstall|cancelled|0x8024000B|2024-04-12T01:02:03Z|KB5034441|-|other|"
                "Update (KB5034441)|3");
    /* slashes without AM/PM: day first (en-GB); no HResult: no code */
    cap_has(&c, "A install|succeeded|-|2024-04-11T13:00:00Z|KB5036892|-|other|"
                "Update (KB5036892)|4");
    cap_has(&c, "A install|in-progress|-|2024-04-13T00:00:00Z|KB5036893|-|other|Update (KB5036893)|5");
    cap_has(&c, "A feature-update|succeeded|-|2024-04-14T00:00:00Z|-|-|feature-update|Feature "
                "update to Windows 11, version 24H2|6");
    cap_free(&c);
}

Test(collector_history, failed_rows_without_a_code_are_failures_without_code)
{
    const char t[] = "Date;Operation;ResultCode;HResult;Title\n"
                     "4/11/2024 12:00:00 AM;1;4;0;Update (KB5036892)\n";
    capture c;
    cap_run(&c, wd_source_history_csv, t, sizeof t - 1);
    cap_has(&c, "A install|failed|-|2024-04-11T00:00:00Z|KB5036892|-|other|"
                "Update (KB5036892)|2");
    cap_free(&c);
}

Test(collector_history, bad_rows_and_values_become_notes)
{
    const char t[] = "Date,Operation,ResultCode,HResult,Title\n"
                     ",,,,\n"
                     "yesterday,1,4,-2147023293,Update (KB5034441)\n"
                     "2024-04-11T12:48:04Z,1,4,not-a-code,Update (KB5034441)\n"
                     "2024-04-11T12:48:04Z,1,2,0,\"Unterminated\n";
    capture c;
    cap_run(&c, wd_source_history_csv, t, sizeof t - 1);
    cap_has(&c, "N line 2: row without update data");
    cap_has(&c, "N line 3: date not understood");
    cap_has(&c, "A install|failed|0x80070643|-|KB5034441|-|other|Update (KB5034441)|3");
    cap_has(&c, "N line 4: HResult is not a failure code");
    cap_has(&c, "A install|failed|-|2024-04-11T12:48:04Z|KB5034441|-|other|Update (KB5034441)|4");
    cap_has(&c, "N line 5: unterminated quoted field");
    cr_assert_eq(c.sum.records, 4);
    cr_assert_eq(c.sum.errors, 2);
    cap_free(&c);
}

Test(collector_history, csv_without_history_columns_is_a_note)
{
    const char t[] = "Foo,Bar\n1,2\n";
    capture c;
    cap_run(&c, wd_source_history_csv, t, sizeof t - 1);
    cap_has(&c, "N line 1: no Date, Title or ResultCode column in the update history");
    cr_assert_eq(c.facts, 0);
    cap_free(&c);
}
