/* classify.c - what kind of update a title, KB or package is
 * (wd_classify_update), on titles as real logs write them: the corpus's
 * Windows 10 1703 and Windows 7 update-client events, Get-WUHistory output,
 * and the title forms of Microsoft's update catalogue. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "internal.h"

typedef struct title_case {
    char title[200];
    char want[20];
} title_case;

ParameterizedTestParameters(collector_classify, titles_as_real_logs_write_them)
{
    static title_case cases[] = {
        /* omerbenamram system.evtx (Windows 10 1703) */
        {"2017-07 Cumulative Update for Windows 10 Version 1703 for x64-based Systems (KB4025342)",
         "os-cumulative"},
        {"Windows Malicious Software Removal Tool for Windows 8, 8.1, 10 and Windows Server 2012, "
         "2012 R2, 2016 x64 Edition - October 2017 (KB890830)",
         "msrt"},
        {"Definition Update for Windows Defender - KB2267602 (Definition 1.249.139.0)",
         "defender"},
        {"9WZDNCRFJBMP-Microsoft.WindowsStore", "store-app"},
        {"Groove Music", "store-app"},
        {"Windows Calculator", "store-app"},
        {"Microsoft .Net Native Framework Package 1.6", "store-app"},
        {"Get Office", "store-app"},
        /* other vendors' packages through WSUS (Wsus_Package_Publisher, Patch My PC) */
        {"7-Zip 23.01 (x64)", "other"},
        {"VLC Player v3.0.6", "other"},
        {"Google Chrome 120.0.6099.130", "other"},
        {"2017-07 Security Update for Adobe Flash Player for Windows 10 Version 1703 for x64-based "
         "Systems (KB4025376)",
         "os-other"},
        /* 2-vss_7-System.evtx */
        {"Feature update to Windows 10, version 1803", "feature-update"},
        {"9NBLGGH3FL3T-Microsoft.VCLibs.120.00.Universal", "store-app"},
        /* python-evtx system.evtx (Windows 7) */
        {"Security Update for Windows 7 for x64-based Systems (KB2621440)", "os-other"},
        {"Update for Microsoft .NET Framework 4 on XP, Server 2003, Vista, Windows 7, Server 2008, "
         "Server 2008 R2 for x64 (KB2600217)",
         "dotnet"},
        {"2018-05 Security Monthly Quality Rollup for Windows 7 for x64-based Systems (KB4103718)",
         "os-cumulative"},
        {"2018-05 Security Only Quality Update for Windows 7 for x64-based Systems (KB4103712)",
         "os-cumulative"},
        {"Update for Windows 7 for x64-based Systems (KB3125574)", "os-cumulative"},
        {"Cumulative Security Update for Internet Explorer 11 for Windows 7 for x64-based Systems "
         "(KB4103768)",
         "os-other"},
        /* Windows 10/11 and Server titles */
        {"2024-04 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5036893)",
         "os-cumulative"},
        {"2024-01 Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for Windows 10 Version "
         "22H2 for x64 (KB5033909)",
         "dotnet"},
        {"2022-08 Servicing Stack Update for Windows 10 Version 21H2 for x64-based Systems "
         "(KB5015730)",
         "servicing-stack"},
        {"Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version "
         "1.409.312.0)",
         "defender"},
        {"Update for Microsoft Defender Antivirus antimalware platform - KB4052623 (Version "
         "4.18.24030.9)",
         "defender"},
        {"Intel - System - 10.1.1.44", "driver"},
        {"Realtek Semiconductor Corp. - Extension - 10.0.22000.21357", "driver"},
        {"Microsoft Office 2016 Security Update (KB5002251)", "office"},
        {"Security Update for Microsoft Office 2016 (KB5002251) 64-Bit Edition", "office"},
        {"2023-01 Dynamic Update for Windows 10 Version 22H2 for x64-based Systems (KB5022289)",
         "os-other"},
        {"2024-01 Safe OS Dynamic Update for Windows 11 Version 22H2 (KB5034234)", "os-other"},
        {"2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)",
         "os-other"},
        {"Windows 11, version 24H2", "feature-update"},
        {"Feature update to Windows 11, version 24H2", "feature-update"},
        {"Security Update for Microsoft Silverlight (KB4023307)", "other"},
        {"Microsoft Edge-Stable Channel Version 120 Update for x64 based Editions (Build "
         "120.0.2210.61)",
         "other"},
        {"2024-04 Cumulative Update for Microsoft server operating system version 21H2 for "
         "x64-based Systems (KB5036909)",
         "os-cumulative"},
        /* titles in the language of the system: French and German as real
         * history exports and monitoring output show them, the others as
         * Windows Update writes them in those languages */
        {"2023-05 Mise \xc3\xa0 jour cumulative pour Windows 10 Version 22H2 de x64 avec "
         "syst\xc3\xa8mes bas\xc3\xa9s dessus (KB5026361)",
         "os-cumulative"},
        {"2020-07 Version pr\xc3\xa9liminaire de la mise \xc3\xa0 jour Cumulative pour Windows 10 "
         "Version 2004 (KB4568831)",
         "os-cumulative"},
        {"2023-05 Aper\xc3\xa7u de la mise \xc3\xa0 jour cumulative de .NET Framework 3.5, 4.8 et "
         "4.8.1 Windows 10 Version 22H2 pour x64(KB5026958)",
         "dotnet"},
        {"2024-04 Kumulatives Update f\xc3\xbcr Windows 11 Version 23H2 f\xc3\xbcr x64-basierte "
         "Systeme (KB5036980)",
         "os-cumulative"},
        {"2020-09 Wartungsstapelaktualisierung f\xc3\xbcr Windows Server 2016 f\xc3\xbcr x64-basierte "
         "Systeme (KB4576750)",
         "servicing-stack"},
        {"2024-10 Actualizaci\xc3\xb3n acumulativa para Windows 11 (KB5044284)", "os-cumulative"},
        {"2024-04 Aggiornamento cumulativo per Windows 10 Version 22H2 per sistemi basati su x64 "
         "(KB5036892)",
         "os-cumulative"},
        {"2024-04 x64 \xe3\x83\x99\xe3\x83\xbc\xe3\x82\xb9 \xe3\x82\xb7\xe3\x82\xb9\xe3\x83\x86"
         "\xe3\x83\xa0\xe7\x94\xa8 Windows 11 Version 23H2 \xe3\x81\xae\xe7\xb4\xaf\xe7\xa9\x8d"
         "\xe6\x9b\xb4\xe6\x96\xb0\xe3\x83\x97\xe3\x83\xad\xe3\x82\xb0\xe3\x83\xa9\xe3\x83\xa0 "
         "(KB5036893)",
         "os-cumulative"},
        {"2024-04 \xd0\x9d\xd0\xb0\xd0\xba\xd0\xbe\xd0\xbf\xd0\xb8\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c"
         "\xd0\xbd\xd0\xbe\xd0\xb5 \xd0\xbe\xd0\xb1\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd"
         "\xd0\xb8\xd0\xb5 \xd0\xb4\xd0\xbb\xd1\x8f Windows 10 Version 22H2 (KB5036892)",
         "os-cumulative"},
        {"Funktionsupdate f\xc3\xbcr Windows 10, Version 22H2", "feature-update"},
        {"Actualizaci\xc3\xb3n de caracter\xc3\xadsticas a Windows 10, versi\xc3\xb3n 22H2",
         "feature-update"},
        {"Windows 11, versi\xc3\xb3n 24H2", "feature-update"},
        {"Windows 11, versione 24H2", "feature-update"},
        /* not a feature update: a Windows 11 title naming no version */
        {"Windows 11, Calculator", "store-app"},
        {"Cumulative Security Update for Internet Explorer 11 pour Windows 7 (KB4103768)", "os-other"},
    };
    return cr_make_param_array(title_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(title_case *c, collector_classify, titles_as_real_logs_write_them)
{
    wd_product p = wd_classify_update(c->title, NULL, NULL);
    cr_assert_str_eq(wd_product_name(p), c->want, "%s", c->title);
}

Test(collector_classify, a_kb_alone_is_known_only_for_well_known_updates)
{
    cr_assert_eq(wd_classify_update(NULL, "KB890830", NULL), WD_PRODUCT_MSRT);
    cr_assert_eq(wd_classify_update(NULL, "KB2267602", NULL), WD_PRODUCT_DEFENDER);
    cr_assert_eq(wd_classify_update(NULL, "KB5020683", NULL), WD_PRODUCT_UNKNOWN);
    cr_assert_eq(wd_classify_update(NULL, NULL, NULL), WD_PRODUCT_UNKNOWN);
    cr_assert_eq(wd_classify_update("", "", ""), WD_PRODUCT_UNKNOWN);
}

Test(collector_classify, cbs_package_names)
{
    cr_assert_eq(wd_classify_update(NULL, NULL,
                                    "Package_for_RollupFix~31bf3856ad364e35~amd64~~19041.3930.1.6"),
                 WD_PRODUCT_OS_CUMULATIVE);
    cr_assert_eq(wd_classify_update(NULL, NULL,
                                    "Package_for_ServicingStack_3920~31bf3856ad364e35~amd64~~"
                                    "19041.3920.1.2"),
                 WD_PRODUCT_SERVICING_STACK);
    cr_assert_eq(wd_classify_update(NULL, NULL, "Microsoft-Windows-NetFx3-OnDemand-Package"),
                 WD_PRODUCT_DOTNET);
    cr_assert_eq(wd_classify_update(NULL, "KB5034441",
                                    "Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.2"),
                 WD_PRODUCT_OS_OTHER);
    cr_assert_eq(wd_classify_update(NULL, NULL, "KB5020683"), WD_PRODUCT_UNKNOWN);
}

Test(collector_classify, the_title_decides_before_the_kb)
{
    /* the definition update and the platform update share no KB with MSRT */
    cr_assert_eq(wd_classify_update("Windows Malicious Software Removal Tool x64 - v5.119 "
                                    "(KB890830)",
                                    "KB890830", NULL),
                 WD_PRODUCT_MSRT);
    /* a localised cumulative update title still has its KB: a Windows update */
    cr_assert_eq(wd_classify_update("x64 Tabanl\xc4\xb1 Sistemler i\xc3\xa7in Windows 10 Version "
                                    "22H2 2022-11 G\xc3\xbcncelle\xc5\x9ftirmesi (KB5020683)",
                                    NULL, NULL),
                 WD_PRODUCT_OS_OTHER);
}

Test(collector_classify, the_version_a_feature_update_goes_to_in_any_language)
{
    static const struct {
        const char *title, *want;
    } cases[] = {
        {"Feature update to Windows 10, version 1709", "1709"},
        {"Windows 11, version 24H2", "24H2"},
        {"Funktionsupdate f\xc3\xbcr Windows 10, Version 1803", "1803"},
        {"Actualizaci\xc3\xb3n de caracter\xc3\xadsticas a Windows 10, versi\xc3\xb3n 22H2", "22H2"},
        {"Windows 10 \xe3\x83\x90\xe3\x83\xbc\xe3\x82\xb8\xe3\x83\xa7\xe3\x83\xb3 20H2 \xe3\x81\xae"
         "\xe6\xa9\x9f\xe8\x83\xbd\xe6\x9b\xb4\xe6\x96\xb0\xe3\x83\x97\xe3\x83\xad\xe3\x82\xb0\xe3\x83\xa9\xe3\x83\xa0",
         "20H2"},
    };
    char out[16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert(wd_feature_version(cases[i].title, out, sizeof out), "%s", cases[i].title);
        cr_assert_str_eq(out, cases[i].want, "%s", cases[i].title);
    }
    cr_assert_not(wd_feature_version("Upgrade to Windows Server 2012 R2", out, sizeof out));
    cr_assert_not(wd_feature_version("Windows 11", out, sizeof out));
}
