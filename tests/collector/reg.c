/* reg.c - the .reg export reader: pending-reboot keys, Windows Update policy,
 * CurrentVersion, machine name and update service start types, from regedit
 * 5.00 (UTF-16LE) and REGEDIT4 exports, with continued hex lines. */
#include "capture.h"

Test(collector_reg, pending_reboot_keys_and_values_become_facts)
{
    capture c;
    cap_collect_fixture(&c, "reg/pending-reboot.reg");
    cap_has(&c, "F reboot.pending.wu=true");
    cap_has(&c, "F reboot.pending.cbs=true");
    cap_has(&c, "F reboot.pending.cbs_packages=true");
    cap_has(&c, "F reboot.pending.file_rename=true");
    cap_has(&c, "F machine.name=WS-FIN-0142");
    cap_has(&c, "F reboot.pending.computer_rename=true");
    cap_has(&c, "F service.UsoSvc.start=disabled");
    cap_has(&c, "F service.BITS.start=delayed-auto");
    cap_has(&c, "F service.wuauserv.start=manual");
    cap_lacks(&c, "Spooler");
    cr_assert_eq(c.facts, 9, "%s", cap_text(&c));
    cr_assert_eq(c.notes, 0, "%s", cap_text(&c));
    /* 13 keys and 35 values read; kept: 4 reboot flags, 2 computer names,
     * 4 service values (BITS Start + DelayedAutostart, UsoSvc, wuauserv) */
    cap_has(&c, "R reg/pending-reboot.reg|reg|48|10|0");
    cap_free(&c);
}

Test(collector_reg, current_version_gives_os_facts)
{
    capture c;
    cap_collect_fixture(&c, "reg/currentversion.reg");
    cap_has(&c, "F os.product=Windows 10 Pro");
    cap_has(&c, "F os.version=22H2");
    cap_has(&c, "F os.build=19045");
    cap_has(&c, "F os.ubr=4291");
    cap_has(&c, "F os.edition=Professional");
    cap_lacks(&c, "os.display_version");
    cr_assert_eq(c.facts, 5, "%s", cap_text(&c));
    cr_assert_eq(c.sum.errors, 0, "%s", cap_text(&c));
    cap_free(&c);
}

Test(collector_reg, regedit4_policy_values_become_policy_facts)
{
    capture c;
    cap_collect_fixture(&c, "reg/wu-policy-regedit4.reg");
    cap_has(&c, "F policy.wu.WUServer=http://wsus01.corp.contoso.com:8530");
    cap_has(&c, "F policy.wu.WUStatusServer=http://wsus01.corp.contoso.com:8530");
    cap_has(&c, "F policy.wu.UseWUServer=1");
    cap_has(&c, "F policy.wu.NoAutoUpdate=0");
    cap_has(&c, "F policy.wu.AUOptions=4");
    cap_has(&c, "F policy.wu.DisableWindowsUpdateAccess=1");
    cap_has(&c, "F policy.wu.DetectionFrequency=22");
    cap_has(&c, "F policy.wu.UpdateServiceUrlAlternate=");
    /* a deleted value and the values under a deleted key are not facts */
    cap_lacks(&c, "RescheduleWaitTime");
    cap_lacks(&c, "Ignored");
    /* what they mean: a WSUS server, updates installed on a schedule */
    cap_has(&c, "F wu.server=http://wsus01.corp.contoso.com:8530");
    cap_has(&c, "F wu.status_server=http://wsus01.corp.contoso.com:8530");
    cap_has(&c, "F wu.au_setting=auto");
    cr_assert_eq(c.facts, 18, "%s", cap_text(&c));
    cap_has(&c, "R reg/wu-policy-regedit4.reg|reg|20|15|0");
    cap_free(&c);
}

Test(collector_reg, display_version_falls_back_to_release_id_whatever_the_order)
{
    const char t[] = "Windows Registry Editor Version 5.00\n\n"
                     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\n"
                     "\"ReleaseId\"=\"1703\"\n\"CurrentBuildNumber\"=\"15063\"\n"
                     "\"UBR\"=dword:000001f6\n";
    capture c;
    cap_run(&c, wd_source_reg, t, sizeof t - 1);
    cap_has(&c, "F os.version=1703");
    cap_has(&c, "F os.build=15063");
    cap_has(&c, "F os.ubr=502");
    cap_has(&c, "F os.product=Windows 10");
    cap_free(&c);
}

Test(collector_reg, windows_11_is_windows_11_whatever_product_name_says)
{
    const char t[] = "Windows Registry Editor Version 5.00\n\n"
                     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\n"
                     "\"ProductName\"=\"Windows 10 Pro\"\n\"EditionID\"=\"Professional\"\n"
                     "\"DisplayVersion\"=\"23H2\"\n\"CurrentBuild\"=\"22631\"\n"
                     "\"CurrentBuildNumber\"=\"22631\"\n\"UBR\"=dword:00000cf5\n";
    capture c;
    cap_run(&c, wd_source_reg, t, sizeof t - 1);
    cap_has(&c, "F os.product=Windows 11 Pro");
    cap_has(&c, "F os.build=22631");
    cap_has(&c, "F os.ubr=3317");
    cap_has(&c, "F os.version=23H2");
    cap_lacks(&c, "Windows 10");
    cap_free(&c);
}

Test(collector_reg, servers_keep_their_product_name)
{
    const char t[] = "Windows Registry Editor Version 5.00\n\n"
                     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\n"
                     "\"ProductName\"=\"Windows Server 2022 Standard\"\n"
                     "\"EditionID\"=\"ServerStandard\"\n\"InstallationType\"=\"Server\"\n"
                     "\"CurrentBuild\"=\"20348\"\n";
    capture c;
    cap_run(&c, wd_source_reg, t, sizeof t - 1);
    cap_has(&c, "F os.product=Windows Server 2022 Standard");
    cap_has(&c, "F os.edition=ServerStandard");
    cap_free(&c);
    const char u[] = "Windows Registry Editor Version 5.00\n\n"
                     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\n"
                     "\"EditionID\"=\"ServerDatacenter\"\n\"CurrentBuild\"=\"26100\"\n";
    cap_run(&c, wd_source_reg, u, sizeof u - 1);
    cap_has(&c, "F os.product=Windows Server 2025");
    cap_free(&c);
}

Test(collector_reg, wsus_address_without_use_wu_server_is_not_in_use)
{
    const char t[] = "REGEDIT4\n\n"
                     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate]\n"
                     "\"WUServer\"=\"http://old-wsus:8530\"\n"
                     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]\n"
                     "\"UseWUServer\"=dword:00000000\n\"NoAutoUpdate\"=dword:00000001\n";
    capture c;
    cap_run(&c, wd_source_reg, t, sizeof t - 1);
    cap_has(&c, "F policy.wu.WUServer=http://old-wsus:8530");
    cap_has(&c, "F wu.server=none");
    cap_has(&c, "F wu.au_setting=disabled-by-policy");
    cap_lacks(&c, "wu.status_server");
    cap_free(&c);
}

Test(collector_reg, control_set_001_reads_as_current_control_set)
{
    const char t[] = "Windows Registry Editor Version 5.00\r\n\r\n"
                     "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\wuauserv]\r\n"
                     "\"Start\"=dword:00000004\r\n";
    capture c;
    cap_run(&c, wd_source_reg, t, sizeof t - 1);
    cap_has(&c, "F service.wuauserv.start=disabled");
    cap_free(&c);
}

Test(collector_reg, empty_pending_file_rename_is_not_pending)
{
    const char t[] = "REGEDIT4\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session "
                     "Manager]\n\"PendingFileRenameOperations\"=hex(7):00,00\n";
    capture c;
    cap_run(&c, wd_source_reg, t, sizeof t - 1);
    cr_assert_eq(c.facts, 0, "%s", cap_text(&c));
    cap_free(&c);
}

Test(collector_reg, damaged_lines_become_notes_and_the_rest_is_read)
{
    const char t[] =
        "Windows Registry Editor Version 5.00\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]\n"
        "\"AUOptions\"=dword:zz\n"
        "\"NoAutoUpdate\"=hex(4):01,00,00,0\n"
        "\"Broken=dword:00000001\n"
        "garbage\n"
        "\"UseWUServer\"=hex(4):01,00,00,00\n"
        "\"WUServer\"=hex(2):68,00,74,00,\\\n";
    capture c;
    cap_run(&c, wd_source_reg, t, sizeof t - 1);
    cap_has(&c, "N line 2: unterminated key name");
    cap_has(&c, "N line 4: registry value data cannot be decoded");
    cap_has(&c, "N line 5: registry value data cannot be decoded");
    cap_has(&c, "N line 6: not a registry value line");
    cap_has(&c, "N line 7: not a line of a .reg export");
    cap_has(&c, "F policy.wu.UseWUServer=1");
    /* a file cut inside a continued value still gives what was there */
    cap_has(&c, "F policy.wu.WUServer=ht");
    cr_assert_eq(c.sum.errors, 5);
    cap_free(&c);
}

Test(collector_reg, missing_header_is_noted_and_read_anyway)
{
    const char t[] = "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
                     "Component Based Servicing\\RebootPending]\n";
    capture c;
    cap_run(&c, wd_source_reg, t, sizeof t - 1);
    cap_has(&c, "N line 1: no registry editor header; read anyway");
    cap_has(&c, "F reboot.pending.cbs=true");
    cap_free(&c);
}
