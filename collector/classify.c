/* classify.c - what kind of update an activity is about (records.h
 * wd_product), decided in this one place from the title, the KB and the CBS
 * package name every reader hands over. */
#include "internal.h"

#include <ctype.h>
#include <string.h>

/* "9NBLGGH537C2-Microsoft.XboxGameOverlay": a Store product id (12 upper-case
 * letters and digits) and a package family name. */
static int is_store_app(const char *title)
{
    size_t n = 0;
    while (isdigit((unsigned char)title[n]) || isupper((unsigned char)title[n]))
        n++;
    return n == 12 && title[n] == '-';
}

/* Driver titles are "Vendor - Class - Version" ("Intel - System - 10.1.1.44",
 * "Realtek Semiconductor Corp. - Extension - 10.0.22000.21357"). */
static int is_driver(const char *title)
{
    const char *a = strstr(title, " - ");
    const char *b = a ? strstr(a + 3, " - ") : NULL;
    if (!b)
        return wd_strcasehas(title, "driver update");
    b += 3;
    return isdigit((unsigned char)*b) && strchr(b, '.') != NULL;
}

/* Titles of .NET Framework updates, not the .NET Native packages the Store
 * ships with apps ("Microsoft .Net Native Framework Package 1.6"). */
static int is_dotnet(const char *t)
{
    if (wd_strcasehas(t, ".NET Native"))
        return 0;
    return wd_strcasehas(t, ".NET Framework") || wd_strcasehas(t, ".NET Core") || wd_strcasehas(t, "Microsoft .NET") ||
           wd_strcasehas(t, "NetFx3") || wd_strcasehas(t, "NetFx4");
}

/* Monthly cumulative updates of Windows 10/11 and Server, and the Windows
 * 7 / 8.1 monthly rollups and security-only updates (not Internet
 * Explorer's own cumulative updates, nor .NET's, tested before). */
static int is_os_cumulative(const char *t)
{
    if (wd_strcasehas(t, "Internet Explorer"))
        return 0;
    return wd_strcasehas(t, "Cumulative Update") || wd_strcasehas(t, "Quality Rollup") ||
           wd_strcasehas(t, "Security Only Quality Update") || wd_strcasehas(t, "Security Monthly Quality") ||
           wd_strcasehas(t, "Monthly Rollup");
}

/* Dynamic updates, WinRE / Safe OS updates and other setup-time updates. */
static int is_os_setup_update(const char *t)
{
    return wd_strcasehas(t, "Dynamic Update") || wd_strcasehas(t, "Safe OS") || wd_strcasehas(t, "Recovery Environment") ||
           wd_strcasehas(t, "WinRE") || wd_strcasehas(t, "Setup Update");
}

static int is_office(const char *t)
{
    return wd_strcasehas(t, "Microsoft Office") || wd_strcasehas(t, "Microsoft 365 Apps") || wd_strcasehas(t, "Office 20") ||
           wd_strcasehas(t, "Microsoft Outlook") || wd_strcasehas(t, "Microsoft Word") || wd_strcasehas(t, "Microsoft Excel") ||
           wd_strcasehas(t, "Microsoft PowerPoint") || wd_strcasehas(t, "Microsoft OneNote 20") ||
           wd_strcasehas(t, "Skype for Business 20");
}

static wd_product from_title(const char *t, int has_kb)
{
    if (is_store_app(t))
        return WD_PRODUCT_STORE_APP;
    if (wd_strcasehas(t, "Malicious Software Removal Tool"))
        return WD_PRODUCT_MSRT;
    if (wd_strcasehas(t, "Defender") || wd_strcasehas(t, "Security Intelligence Update") ||
        wd_strcasehas(t, "Definition Update") || wd_strcasehas(t, "antimalware platform") ||
        wd_strcasehas(t, "Microsoft Security Essentials"))
        return WD_PRODUCT_DEFENDER;
    if (wd_strcasehas(t, "Servicing Stack Update"))
        return WD_PRODUCT_SERVICING_STACK;
    /* "Feature update to Windows 10, version 22H2"; Windows 11 titles its
     * feature updates "Windows 11, version 24H2" */
    if (wd_strcasehas(t, "Feature update to Windows") || wd_strcasehas(t, "Upgrade to Windows") ||
        (wd_strcasehas(t, "feature update") && wd_strcasehas(t, "Windows")) ||
        (!has_kb && wd_strncaseeq(t, "Windows 1", 9) && wd_strcasehas(t, ", version ")))
        return WD_PRODUCT_FEATURE_UPDATE;
    if (is_dotnet(t))
        return WD_PRODUCT_DOTNET;
    if (is_office(t))
        return has_kb ? WD_PRODUCT_OFFICE : WD_PRODUCT_STORE_APP;
    if (is_os_cumulative(t))
        return WD_PRODUCT_OS_CUMULATIVE;
    if (is_os_setup_update(t))
        return WD_PRODUCT_OS_OTHER;
    if (is_driver(t))
        return WD_PRODUCT_DRIVER;
    if (wd_strcasehas(t, "Microsoft Edge") || wd_strcasehas(t, "Silverlight") || wd_strcasehas(t, "SQL Server") ||
        wd_strcasehas(t, "Visual C++") || wd_strcasehas(t, "Visual Studio"))
        return WD_PRODUCT_OTHER;
    /* Windows updates name their KB; a title without one that is none of the
     * above is a Store app ("Windows Calculator", "Groove Music") */
    if (!has_kb)
        return WD_PRODUCT_STORE_APP;
    if (wd_strcasehas(t, "Windows"))
        return WD_PRODUCT_OS_OTHER;
    return WD_PRODUCT_OTHER;
}

/* CBS package names: Package_for_RollupFix (the cumulative update),
 * Package_for_ServicingStack_NNNN, Package_for_DotNetRollup... */
static wd_product from_package(const char *p)
{
    if (wd_strcasehas(p, "RollupFix"))
        return WD_PRODUCT_OS_CUMULATIVE;
    if (wd_strcasehas(p, "ServicingStack"))
        return WD_PRODUCT_SERVICING_STACK;
    if (wd_strcasehas(p, "DotNetRollup") || wd_strcasehas(p, "NetFx"))
        return WD_PRODUCT_DOTNET;
    if (wd_strcasehas(p, "SafeOS") || wd_strcasehas(p, "WinRE"))
        return WD_PRODUCT_OS_OTHER;
    if (wd_strcasehas(p, "Package_for_KB") || wd_strcasehas(p, "Package_for_") || wd_strcasehas(p, "Microsoft-Windows-"))
        return WD_PRODUCT_OS_OTHER;
    return WD_PRODUCT_UNKNOWN;
}

/* Updates known by their KB alone. */
static wd_product from_kb(const char *kb)
{
    static const struct {
        const char *kb;
        wd_product p;
    } known[] = {
        {"KB890830", WD_PRODUCT_MSRT},     {"KB2267602", WD_PRODUCT_DEFENDER},
        {"KB4052623", WD_PRODUCT_DEFENDER}, {"KB915597", WD_PRODUCT_DEFENDER},
        {"KB2461484", WD_PRODUCT_DEFENDER}, {"KB4023057", WD_PRODUCT_OS_OTHER},
        {"KB5007651", WD_PRODUCT_DEFENDER}, {"KB3125574", WD_PRODUCT_OS_CUMULATIVE},
        {"KB5001716", WD_PRODUCT_OS_OTHER}, {"KB4577586", WD_PRODUCT_OS_OTHER},
    };
    for (size_t i = 0; kb && i < sizeof known / sizeof known[0]; i++)
        if (wd_strcaseeq(kb, known[i].kb))
            return known[i].p;
    return WD_PRODUCT_UNKNOWN;
}

wd_product wd_classify_update(const char *title, const char *kb, const char *package)
{
    char found[32];
    if ((!kb || !*kb) && title && wd_find_kb(title, found, sizeof found))
        kb = found;
    int has_kb = kb && *kb;
    wd_product p = title && *title ? from_title(title, has_kb) : WD_PRODUCT_UNKNOWN;
    if (p == WD_PRODUCT_UNKNOWN || p == WD_PRODUCT_OS_OTHER) {
        wd_product k = from_kb(kb);
        if (k != WD_PRODUCT_UNKNOWN)
            return k;
    }
    if (p == WD_PRODUCT_UNKNOWN && package && *package)
        p = from_package(package);
    return p;
}
