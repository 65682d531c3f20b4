/* live.c - wd_collect_live on Windows: runs each live source in turn (services,
 * registry and disk, event logs, update history). A source that fails becomes
 * a collection note and the others still run; without elevation it says so. */
#ifdef _WIN32
#include "live.h"

#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------- helpers */

char *wd_live_utf8(const wchar_t *w, int len)
{
    if (!w)
        return NULL;
    int n = WideCharToMultiByte(CP_UTF8, 0, w, len, NULL, 0, NULL, NULL);
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    if (n > 0)
        WideCharToMultiByte(CP_UTF8, 0, w, len, s, n, NULL, NULL);
    s[n > 0 ? n : 0] = '\0';
    return s;
}

wchar_t *wd_live_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (w)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

void wd_live_error_text(DWORD err, char *out, size_t outsz)
{
    wchar_t msg[256];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err,
                             MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT), msg,
                             sizeof msg / sizeof msg[0], NULL);
    while (n > 0 &&
           (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L'.' || msg[n - 1] == L' '))
        n--;
    char *text = n ? wd_live_utf8(msg, (int)n) : NULL;
    if (err == 0)
        snprintf(out, outsz, "the call failed without saying why (no error code)");
    else if (err & 0x80000000u) /* an HRESULT */
        snprintf(out, outsz, "%s (HRESULT 0x%08lX)", text ? text : "error", (unsigned long)err);
    else
        snprintf(out, outsz, "%s (Win32 error %lu)", text ? text : "error", (unsigned long)err);
    free(text);
}

int wd_live_summary(const wd_sink *sink, const char *path, const char *kind, uint64_t records,
                    uint64_t kept, uint64_t errors)
{
    if (!sink->source)
        return 0;
    wd_source_rec r = {path, kind, records, kept, errors};
    return sink->source(sink->ctx, &r);
}

/* ---------------------------------------------------------- elevation */

/* 1 elevated, 0 not, -1 unknown. */
static int is_elevated(void)
{
    HANDLE token = NULL;
    TOKEN_ELEVATION te;
    DWORD got = 0;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return -1;
    BOOL ok = GetTokenInformation(token, TokenElevation, &te, sizeof te, &got);
    CloseHandle(token);
    return ok ? te.TokenIsElevated != 0 : -1;
}

static int report_elevation(const wd_sink *sink)
{
    int e = is_elevated();
    int rc = 0;
    if (sink->fact) {
        wd_fact_rec f = {"collector.elevated", e < 0 ? "unknown" : e ? "1" : "0", "live", NULL};
        rc = sink->fact(sink->ctx, &f);
    }
    if (rc == 0 && e == 0)
        rc = wd_note(sink, WD_NOTE_UNREADABLE, "live",
                     "not elevated: some services, event logs and the update history may be "
                     "hidden; run wudiag from an elevated prompt (Run as administrator) to "
                     "see more",
                     NULL);
    return rc;
}

/* ------------------------------------------------------------- entry */

int wd_collect_live(const wd_sink *sink)
{
    static int (*const sources[])(const wd_sink *) = {
        wd_live_registry,
        wd_live_services,
        wd_live_events,
        wd_live_history,
    };
    int rc = report_elevation(sink);
    for (size_t i = 0; rc == 0 && i < sizeof sources / sizeof sources[0]; i++)
        rc = sources[i](sink);
    return rc;
}

#endif /* _WIN32 */
