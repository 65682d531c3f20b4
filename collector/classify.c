/* classify.c - what kind of update an activity is about (records.h
 * wd_product), decided in this one place from the title, the KB and the CBS
 * package name every reader hands over. */
#include "internal.h"

#include <ctype.h>
#include <string.h>

/* Case-insensitive substring test. */
static int has(const char *hay, const char *needle)
{
    if (!hay)
        return 0;
    size_t n = strlen(needle);
    int lo = tolower((unsigned char)needle[0]), up = toupper((unsigned char)needle[0]);
    /* the first character tested inline: this runs for every update event */
    for (; *hay; hay++)
        if ((*hay == lo || *hay == up) && wd_strncaseeq(hay, needle, n))
            return 1;
    return 0;
}

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
        return has(title, "driver update");
    b += 3;
    return isdigit((unsigned char)*b) && strchr(b, '.') != NULL;
}

/* Titles of .NET Framework updates, not the .NET Native packages the Store
 * ships with apps ("Microsoft .Net Native Framework Package 1.6"). */
static int is_dotnet(const char *t)
{
    if (has(t, ".NET Native"))
        return 0;
    return has(t, ".NET Framework") || has(t, ".NET Core") || has(t, "Microsoft .NET") ||
           has(t, "NetFx3") || has(t, "NetFx4");
}

/* Monthly cumulative updates of Windows 10/11 and Server, and the Windows
 * 7 / 8.1 monthly rollups and security-only updates (not Internet
 * Explorer's own cumulative updates, nor .NET's, tested before). */
static int is_os_cumulative(const char *t)
{
    if (has(t, "Internet Explorer"))
        return 0;
    return has(t, "Cumulative Update") || has(t, "Quality Rollup") ||
           has(t, "Security Only Quality Update") || has(t, "Security Monthly Quality") ||
           has(t, "Monthly Rollup");
}

/* Dynamic updates, WinRE / Safe OS updates and other setup-time updates. */
static int is_os_setup_update(const char *t)
{
    return has(t, "Dynamic Update") || has(t, "Safe OS") || has(t, "Recovery Environment") ||
           has(t, "WinRE") || has(t, "Setup Update");
}

static int is_office(const char *t)
{
    return has(t, "Microsoft Office") || has(t, "Microsoft 365 Apps") || has(t, "Office 20") ||
           has(t, "Microsoft Outlook") || has(t, "Microsoft Word") || has(t, "Microsoft Excel") ||
           has(t, "Microsoft PowerPoint") || has(t, "Microsoft OneNote 20") ||
           has(t, "Skype for Business 20");
}

static wd_product from_title(const char *t, int has_kb)
{
    if (is_store_app(t))
        return WD_PRODUCT_STORE_APP;
    if (has(t, "Malicious Software Removal Tool"))
        return WD_PRODUCT_MSRT;
    if (has(t, "Defender") || has(t, "Security Intelligence Update") ||
        has(t, "Definition Update") || has(t, "antimalware platform") ||
        has(t, "Microsoft Security Essentials"))
        return WD_PRODUCT_DEFENDER;
    if (has(t, "Servicing Stack Update"))
        return WD_PRODUCT_SERVICING_STACK;
    /* "Feature update to Windows 10, version 22H2"; Windows 11 titles its
     * feature updates "Windows 11, version 24H2" */
    if (has(t, "Feature update to Windows") || has(t, "Upgrade to Windows") ||
        (has(t, "feature update") && has(t, "Windows")) ||
        (!has_kb && wd_strncaseeq(t, "Windows 1", 9) && has(t, ", version ")))
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
    if (has(t, "Microsoft Edge") || has(t, "Silverlight") || has(t, "SQL Server") ||
        has(t, "Visual C++") || has(t, "Visual Studio"))
        return WD_PRODUCT_OTHER;
    /* Windows updates name their KB; a title without one that is none of the
     * above is a Store app ("Windows Calculator", "Groove Music") */
    if (!has_kb)
        return WD_PRODUCT_STORE_APP;
    if (has(t, "Windows"))
        return WD_PRODUCT_OS_OTHER;
    return WD_PRODUCT_OTHER;
}

/* CBS package names: Package_for_RollupFix (the cumulative update),
 * Package_for_ServicingStack_NNNN, Package_for_DotNetRollup... */
static wd_product from_package(const char *p)
{
    if (has(p, "RollupFix"))
        return WD_PRODUCT_OS_CUMULATIVE;
    if (has(p, "ServicingStack"))
        return WD_PRODUCT_SERVICING_STACK;
    if (has(p, "DotNetRollup") || has(p, "NetFx"))
        return WD_PRODUCT_DOTNET;
    if (has(p, "SafeOS") || has(p, "WinRE"))
        return WD_PRODUCT_OS_OTHER;
    if (has(p, "Package_for_KB") || has(p, "Package_for_") || has(p, "Microsoft-Windows-"))
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
