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
