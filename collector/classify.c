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
    for (; *hay; hay++)
        if (wd_strncaseeq(hay, needle, n))
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

static wd_product from_title(const char *t)
{
    if (is_store_app(t))
        return WD_PRODUCT_STORE_APP;
    if (has(t, "Malicious Software Removal Tool"))
        return WD_PRODUCT_MSRT;
    if (has(t, "Defender") || has(t, "Security Intelligence Update") ||
        has(t, "Definition Update") || has(t, "antimalware platform"))
        return WD_PRODUCT_DEFENDER;
    if (has(t, ".NET Framework") || has(t, ".NET Core") || has(t, "Microsoft .NET"))
        return WD_PRODUCT_DOTNET;
    if (has(t, "Servicing Stack Update"))
        return WD_PRODUCT_SERVICING_STACK;
    /* the WU client names an upgrade "Windows 11, version 24H2" */
    if (has(t, "Feature update to Windows") || has(t, "Upgrade to Windows") ||
        wd_strncaseeq(t, "Windows 10, version ", 20) ||
        wd_strncaseeq(t, "Windows 11, version ", 20))
        return WD_PRODUCT_FEATURE_UPDATE;
    if (has(t, "Microsoft Office") || has(t, "Microsoft 365 Apps") || has(t, "Office 20") ||
        has(t, "Microsoft Outlook") || has(t, "Microsoft Word") || has(t, "Microsoft Excel"))
        return WD_PRODUCT_OFFICE;
    if (has(t, "Cumulative Update") || has(t, "Quality Rollup") ||
        has(t, "Security Only Quality Update") || has(t, "Security Monthly Quality"))
        return WD_PRODUCT_OS_CUMULATIVE;
    if (is_driver(t))
        return WD_PRODUCT_DRIVER;
    if (has(t, "Windows") || has(t, "Dynamic Update") || has(t, "Safe OS"))
        return WD_PRODUCT_OS_OTHER;
    if (has(t, "Microsoft") || has(t, "Edge") || has(t, "Silverlight") || has(t, "SQL Server"))
        return WD_PRODUCT_OTHER;
    return WD_PRODUCT_UNKNOWN;
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
    if (has(p, "Package_for_KB") || has(p, "Package_for_"))
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
    };
    for (size_t i = 0; kb && i < sizeof known / sizeof known[0]; i++)
        if (wd_strcaseeq(kb, known[i].kb))
            return known[i].p;
    return WD_PRODUCT_UNKNOWN;
}

wd_product wd_classify_update(const char *title, const char *kb, const char *package)
{
    wd_product p = title && *title ? from_title(title) : WD_PRODUCT_UNKNOWN;
    if (p == WD_PRODUCT_UNKNOWN || p == WD_PRODUCT_OS_OTHER) {
        wd_product k = from_kb(kb);
        if (k != WD_PRODUCT_UNKNOWN)
            return k;
    }
    if (p == WD_PRODUCT_UNKNOWN && package && *package)
        p = from_package(package);
    return p;
}
