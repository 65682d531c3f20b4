/* win.h - helpers of the Windows-only code (common/win.c); on _WIN32 only. */
#ifndef WD_COMMON_WIN_H
#define WD_COMMON_WIN_H

#ifdef _WIN32
#include <windows.h>

/* UTF-16 to a malloc'd UTF-8 string (free with free()); NULL in gives NULL,
 * and NULL when out of memory. len is in wide chars, or -1 for NUL-terminated. */
char *wd_win_utf8(const wchar_t *w, int len);
/* UTF-8 to a malloc'd UTF-16 string (free with free()); NULL on failure. */
wchar_t *wd_win_wide(const char *s);
/* "Access is denied (Win32 error 5)": the system's English text for a Win32
 * error or an HRESULT (shown in hex), in out. */
void wd_win_error_text(DWORD err, char *out, size_t outsz);
/* 1 when the process token is elevated, 0 when not, -1 unknown. */
int wd_win_elevated(void);
#endif

#endif
