/* win.c - what the Windows-only parts (the live collector, `wudiag fix`)
 * share with each other: UTF-16 <-> UTF-8, the system's text for a Win32
 * error or HRESULT, and whether the process runs elevated. Compiled on
 * _WIN32 only. */
#ifdef _WIN32
#include "win.h"

#include <stdio.h>
#include <stdlib.h>

char *wd_win_utf8(const wchar_t *w, int len)
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

wchar_t *wd_win_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (w)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

void wd_win_error_text(DWORD err, char *out, size_t outsz)
{
    wchar_t msg[256];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err,
                             MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT), msg,
                             sizeof msg / sizeof msg[0], NULL);
    while (n > 0 &&
           (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L'.' || msg[n - 1] == L' '))
        n--;
    char *text = n ? wd_win_utf8(msg, (int)n) : NULL;
    if (err == 0)
        snprintf(out, outsz, "the call failed without saying why (no error code)");
    else if (err & 0x80000000u) /* an HRESULT */
        snprintf(out, outsz, "%s (HRESULT 0x%08lX)", text ? text : "error", (unsigned long)err);
    else
        snprintf(out, outsz, "%s (Win32 error %lu)", text ? text : "error", (unsigned long)err);
    free(text);
}

int wd_win_elevated(void)
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

#endif /* _WIN32 */
