/* classify.c - what kind of update an activity is about (records.h
 * wd_product), decided in this one place from the title, the KB and the CBS
 * package name every reader hands over. */
#include "internal.h"

#include <ctype.h>
#include <string.h>

/* Windows Update titles are written in the language of the system: "2023-05
 * Mise à jour cumulative pour Windows 10 Version 22H2 ...", "2024-04
 * Kumulatives Update für Windows 11 Version 23H2 ...". The words of each kind
 * in the languages Windows ships (a Russian capital is left out, so the word
 * matches at the start of a title and inside it). */
static const char *const cumulative_words[] = {
    "Mise \xc3\xa0 jour cumulative",            /* French */
    "Kumulatives Update",                        /* German */
    "Actualizaci\xc3\xb3n acumulativa",          /* Spanish */
    "Aggiornamento cumulativo",                  /* Italian */
    "Atualiza\xc3\xa7\xc3\xa3o cumulativa",      /* Portuguese */
    "Cumulatieve update",                        /* Dutch */
    "Aktualizacja zbiorcza",                     /* Polish */
    "\xd0\xb0\xd0\xba\xd0\xbe\xd0\xbf\xd0\xb8\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c\xd0\xbd\xd0\xbe\xd0\xb5 "
    "\xd0\xbe\xd0\xb1\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5", /* Russian "(Н)акопительное обновление" */
    "\xe7\xb4\xaf\xe7\xa9\x8d\xe6\x9b\xb4\xe6\x96\xb0", /* Japanese, Chinese (Traditional) "累積更新" */
    "\xe7\xb4\xaf\xe7\xa7\xaf\xe6\x9b\xb4\xe6\x96\xb0", /* Chinese (Simplified) "累积更新" */
    "\xeb\x88\x84\xec\xa0\x81 \xec\x97\x85\xeb\x8d\xb0\xec\x9d\xb4\xed\x8a\xb8", /* Korean "누적 업데이트" */
    NULL,
};

static const char *const feature_words[] = {
    "Funktionsupdate",                        /* German */
    "Mise \xc3\xa0 jour de fonctionnalit",     /* French */
    "Mise \xc3\xa0 jour des fonctionnalit",
    "Actualizaci\xc3\xb3n de caracter\xc3\xadsticas", /* Spanish */
    "Aggiornamento delle funzionalit",        /* Italian */
    "Aggiornamento funzionalit",
    "Atualiza\xc3\xa7\xc3\xa3o de recursos",   /* Portuguese */
    "Onderdelenupdate",                       /* Dutch */
    "Aktualizacja funkcji",                   /* Polish */
    "\xd0\xb1\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5 "
    "\xd1\x84\xd1\x83\xd0\xbd\xd0\xba\xd1\x86\xd0\xb8\xd0\xb9", /* Russian "(О)бновление функций" */
    "\xe6\xa9\x9f\xe8\x83\xbd\xe6\x9b\xb4\xe6\x96\xb0", /* Japanese "機能更新" */
    "\xe5\x8a\x9f\xe8\x83\xbd\xe6\x9b\xb4\xe6\x96\xb0", /* Chinese "功能更新" */
    NULL,
};

static const char *const servicing_stack_words[] = {
    "Wartungsstapelupdate",        /* German */
    "Wartungsstapelaktualisierung",
    "pile de maintenance",         /* French */
    "pila de servicio",            /* Spanish */
    "\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x93\xe3\x82\xb9 \xe3\x82\xb9\xe3\x82\xbf\xe3\x83\x83\xe3\x82\xaf", /* Japanese "サービス スタック" */
    "\xd1\x81\xd1\x82\xd0\xb5\xd0\xba\xd0\xb0 \xd0\xbe\xd0\xb1\xd1\x81\xd0\xbb\xd1\x83\xd0\xb6\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xb8\xd1\x8f", /* Russian "стека обслуживания" */
    NULL,
};

static int has_any(const char *t, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (wd_strcasehas(t, words[i]))
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

/* A package of another vendor published through WSUS ("7-Zip 23.01 (x64)",
 * "VLC Player v3.0.6", "Google Chrome 120.0.6099.130"): an architecture in
 * brackets, or a version "vN.N" or of three parts. Store app titles in the
 * logs carry neither (at most "... Package 1.6"). */
static int is_vendor_package(const char *t)
{
    static const char *const arch_words[] = {"(x64)", "(x86)", "(64-bit)", "(32-bit)", NULL};
    if (has_any(t, arch_words))
        return 1;
    for (const char *p = t; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > t && isdigit((unsigned char)p[-1])))
            continue;
        int v = p > t && (p[-1] == 'v' || p[-1] == 'V'), dots = 0;
        const char *q = p;
        while (isdigit((unsigned char)*q) || (*q == '.' && isdigit((unsigned char)q[1])))
            dots += *q++ == '.';
        if (dots >= 2 || (v && dots >= 1))
            return 1;
    }
    return 0;
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
           wd_strcasehas(t, "Monthly Rollup") || has_any(t, cumulative_words);
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
    if (wd_strcasehas(t, "Servicing Stack Update") || has_any(t, servicing_stack_words))
        return WD_PRODUCT_SERVICING_STACK;
    /* "Feature update to Windows 10, version 22H2"; Windows 11 titles its
     * feature updates "Windows 11, version 24H2" ("Windows 11, versión 24H2") */
    char version[16];
    if (wd_strcasehas(t, "Feature update to Windows") || wd_strcasehas(t, "Upgrade to Windows") ||
        ((wd_strcasehas(t, "feature update") || has_any(t, feature_words)) && wd_strcasehas(t, "Windows")) ||
        (!has_kb && wd_strncaseeq(t, "Windows 1", 9) && strchr(t, ',') &&
         wd_feature_version(t, version, sizeof version)))
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
     * above is a Store app ("Windows Calculator", "Groove Music"), unless it is
     * another vendor's package a WSUS server publishes */
    if (!has_kb)
        return is_vendor_package(t) ? WD_PRODUCT_OTHER : WD_PRODUCT_STORE_APP;
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

/* A Windows version as a title writes it: "22H2", "24H2", or one of the
 * numbered Windows 10 releases (YYMM; "2012" of "Server 2012" is none). */
static int is_version_token(const char *s, size_t n)
{
    static const char *const releases[] = {"1507", "1511", "1607", "1703", "1709", "1803",
                                           "1809", "1903", "1909", "2004", "2009"};
    if (n != 4)
        return 0;
    if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        (s[2] == 'H' || s[2] == 'h') && isdigit((unsigned char)s[3]))
        return 1;
    for (size_t i = 0; i < sizeof releases / sizeof releases[0]; i++)
        if (!memcmp(s, releases[i], 4))
            return 1;
    return 0;
}

/* The version a feature-update title goes to: the last version word in it
 * ("Feature update to Windows 10, version 1709" -> "1709", "Windows 11,
 * versión 24H2" -> "24H2", "Windows 10 バージョン 22H2 の機能更新プログラム"
 * -> "22H2"). 1 and out set, or 0. */
int wd_feature_version(const char *title, char *out, size_t outsz)
{
    const char *v = NULL;
    size_t vn = 0;
    for (const char *p = title; p && *p;) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        size_t n = 0;
        while (isalnum((unsigned char)p[n]))
            n++;
        if (is_version_token(p, n))
            v = p, vn = n;
        p += n;
    }
    if (!v || vn + 1 > outsz)
        return 0;
    memcpy(out, v, vn);
    out[vn] = '\0';
    return 1;
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
