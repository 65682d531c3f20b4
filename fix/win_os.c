/* win_os.c - what `wudiag fix` does on Windows, through the Win32 APIs
 * only (never a shell): the service control manager (query, stop and wait,
 * start and wait, change the start type), folders (exists, empty, rename,
 * remove when empty), the token's elevation and the processes of earlier
 * runs. Every failure says which call failed, the system's own text, and
 * keeps the Win32 error in os->error. */
#ifdef _WIN32
#include "internal.h"

#include "win.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- helpers */

/* Records a failure: "what: the system's text[; hint]". */
static int fail(wd_fix_os *os, DWORD err, const char *what, const char *hint)
{
    char text[320];
    os->error = err;
    wd_win_error_text(err, text, sizeof text);
    if (err == ERROR_ACCESS_DENIED && !hint)
        hint = "run wudiag from an elevated prompt (Run as administrator); if it is, security "
               "software may be protecting it";
    return wd_error_set(WD_ERROR, "%s: %s%s%s", what, text, hint ? "; " : "", hint ? hint : "");
}

/* --------------------------------------------------------------- token */

static int win_elevated(wd_fix_os *os)
{
    (void)os;
    return wd_win_elevated();
}

static int win_machine(wd_fix_os *os, wd_buf *out)
{
    wchar_t name[MAX_COMPUTERNAME_LENGTH + 64];
    DWORD n = sizeof name / sizeof name[0];
    if (!GetComputerNameExW(ComputerNameNetBIOS, name, &n))
        return fail(os, GetLastError(), "cannot read the computer name", NULL);
    char *s = wd_win_utf8(name, -1);
    if (!s)
        return wd_error_set(WD_ENOMEM, "out of memory");
    wd_buf_puts(out, s);
    free(s);
    return wd_buf_ok(out) ? WD_OK : wd_error_set(WD_ENOMEM, "out of memory");
}

static void creation_time(HANDLE proc, char out[WD_TIME_MAX])
{
    FILETIME created, exited, kernel, user;
    out[0] = '\0';
    if (GetProcessTimes(proc, &created, &exited, &kernel, &user))
        wd_time_from_filetime((uint64_t)created.dwHighDateTime << 32 | created.dwLowDateTime, out);
}

static int win_self(wd_fix_os *os, int64_t *pid, char started[WD_TIME_MAX])
{
    (void)os;
    *pid = (int64_t)GetCurrentProcessId();
    creation_time(GetCurrentProcess(), started);
    return WD_OK;
}

static int win_alive(wd_fix_os *os, int64_t pid, const char *started)
{
    (void)os;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    if (!h)
        return GetLastError() == ERROR_INVALID_PARAMETER ? 0 : 1; /* no such process */
    DWORD code = 0;
    char created[WD_TIME_MAX];
    int live = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
    creation_time(h, created);
    CloseHandle(h);
    if (live && started && created[0] && strcmp(started, created))
        live = 0; /* the id was given to another process since */
    return live;
}

static int win_windir(wd_fix_os *os, wd_buf *out)
{
    wchar_t dir[MAX_PATH + 1];
    UINT n = GetWindowsDirectoryW(dir, MAX_PATH + 1);
    if (n == 0 || n > MAX_PATH)
        return fail(os, GetLastError(), "cannot find the Windows folder", NULL);
    char *s = wd_win_utf8(dir, -1);
    if (!s)
        return wd_error_set(WD_ENOMEM, "out of memory");
    wd_buf_puts(out, s);
    free(s);
    return wd_buf_ok(out) ? WD_OK : wd_error_set(WD_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------- services */

static const char *state_name(DWORD s)
{
    switch (s) {
    case SERVICE_STOPPED:
        return "stopped";
    case SERVICE_START_PENDING:
        return "start-pending";
    case SERVICE_STOP_PENDING:
        return "stop-pending";
    case SERVICE_RUNNING:
        return "running";
    case SERVICE_CONTINUE_PENDING:
        return "continue-pending";
    case SERVICE_PAUSE_PENDING:
        return "pause-pending";
    case SERVICE_PAUSED:
        return "paused";
    default:
        return "unknown";
    }
}

static const char *start_name(DWORD s, int delayed)
{
    switch (s) {
    case SERVICE_BOOT_START:
        return "boot";
    case SERVICE_SYSTEM_START:
        return "system";
    case SERVICE_AUTO_START:
        return delayed ? "delayed-auto" : "auto";
    case SERVICE_DEMAND_START:
        return "manual";
    case SERVICE_DISABLED:
        return "disabled";
    default:
        return "unknown";
    }
}

/* Opens a service with `access`; NULL with the failure recorded (and
 * *missing set when there is no such service). */
static SC_HANDLE open_service(wd_fix_os *os, const char *name, DWORD access, int *missing)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), svc = NULL;
    wchar_t *w = wd_win_wide(name);
    char what[160];
    *missing = 0;
    snprintf(what, sizeof what, "cannot open the service %s", name);
    if (!scm)
        fail(os, GetLastError(), "cannot open the service control manager", NULL);
    else if (!w)
        wd_error_set(WD_ENOMEM, "out of memory");
    else if (!(svc = OpenServiceW(scm, w, access))) {
        DWORD err = GetLastError();
        *missing = err == ERROR_SERVICE_DOES_NOT_EXIST;
        fail(os, err, what, NULL);
    }
    free(w);
    if (scm)
        CloseServiceHandle(scm);
    return svc;
}

static int status(wd_fix_os *os, SC_HANDLE h, const char *name, SERVICE_STATUS_PROCESS *st)
{
    DWORD need = 0;
    char what[160];
    if (QueryServiceStatusEx(h, SC_STATUS_PROCESS_INFO, (BYTE *)st, sizeof *st, &need))
        return WD_OK;
    snprintf(what, sizeof what, "cannot read the state of %s", name);
    return fail(os, GetLastError(), what, NULL);
}

static int start_type(SC_HANDLE h, DWORD *start, int *delayed)
{
    DWORD need = 0;
    *delayed = 0;
    QueryServiceConfigW(h, NULL, 0, &need);
    QUERY_SERVICE_CONFIGW *cfg = need ? malloc(need) : NULL;
    int ok = cfg && QueryServiceConfigW(h, cfg, need, &need);
    if (ok)
        *start = cfg->dwStartType;
    free(cfg);
    SERVICE_DELAYED_AUTO_START_INFO d = {0};
    if (ok && *start == SERVICE_AUTO_START &&
        QueryServiceConfig2W(h, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, (BYTE *)&d, sizeof d,
                             &need))
        *delayed = d.fDelayedAutostart != 0;
    return ok ? WD_OK : WD_ERROR;
}

static int win_query(wd_fix_os *os, const char *name, wd_fix_svc *out)
{
    int missing;
    SC_HANDLE h = open_service(os, name, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG, &missing);
    memset(out, 0, sizeof *out);
    if (!h) {
        if (missing)
            wd_error_clear(), os->error = 0;
        return missing ? WD_OK : WD_ERROR;
    }
    SERVICE_STATUS_PROCESS st;
    DWORD start = 0;
    int delayed = 0, rc = status(os, h, name, &st);
    if (!rc && start_type(h, &start, &delayed))
        rc = fail(os, GetLastError(), "cannot read the start type", NULL);
    if (!rc) {
        out->exists = 1;
        snprintf(out->state, sizeof out->state, "%s", state_name(st.dwCurrentState));
        snprintf(out->start, sizeof out->start, "%s", start_name(start, delayed));
    }
    CloseServiceHandle(h);
    return rc;
}

/* Waits up to timeout_s for the service to reach `want`: 0 when it did,
 * 1 when it did not (timed out, or stopped while starting), or a failure. */
static int wait_for(wd_fix_os *os, SC_HANDLE h, const char *name, DWORD want, unsigned timeout_s,
                    SERVICE_STATUS_PROCESS *st)
{
    ULONGLONG end = GetTickCount64() + (ULONGLONG)timeout_s * 1000;
    for (;;) {
        int rc = status(os, h, name, st);
        if (rc || st->dwCurrentState == want)
            return rc;
        if (want == SERVICE_RUNNING && st->dwCurrentState == SERVICE_STOPPED)
            return 1;
        if (GetTickCount64() >= end)
            return 1;
        Sleep(250);
    }
}

static int win_stop(wd_fix_os *os, const char *name, unsigned timeout_s)
{
    int missing;
    char what[200];
    SC_HANDLE h = open_service(os, name, SERVICE_STOP | SERVICE_QUERY_STATUS, &missing);
    if (!h)
        return WD_ERROR;
    SERVICE_STATUS_PROCESS st;
    SERVICE_STATUS ss;
    int rc = status(os, h, name, &st);
    snprintf(what, sizeof what, "%s will not stop", name);
    if (!rc && st.dwCurrentState != SERVICE_STOPPED && st.dwCurrentState != SERVICE_STOP_PENDING &&
        !ControlService(h, SERVICE_CONTROL_STOP, &ss)) {
        DWORD err = GetLastError();
        if (err != ERROR_SERVICE_NOT_ACTIVE)
            rc = fail(
                os, err, what,
                err == ERROR_DEPENDENT_SERVICES_RUNNING ? "services that depend on it are running"
                : err == ERROR_INVALID_SERVICE_CONTROL || err == ERROR_SERVICE_CANNOT_ACCEPT_CTRL
                    ? "it does not take a stop request now"
                    : NULL);
    }
    if (!rc && (rc = wait_for(os, h, name, SERVICE_STOPPED, timeout_s, &st)) > 0) {
        os->error = ERROR_SERVICE_REQUEST_TIMEOUT;
        rc = wd_error_set(WD_ERROR, "%s: it did not stop within %u seconds (it is still %s)", what,
                          timeout_s, state_name(st.dwCurrentState));
    }
    CloseServiceHandle(h);
    return rc;
}

static int win_start(wd_fix_os *os, const char *name, unsigned timeout_s)
{
    int missing;
    char what[200], code[320];
    SC_HANDLE h = open_service(os, name, SERVICE_START | SERVICE_QUERY_STATUS, &missing);
    if (!h)
        return WD_ERROR;
    SERVICE_STATUS_PROCESS st;
    int rc = WD_OK;
    snprintf(what, sizeof what, "%s will not start", name);
    if (!StartServiceW(h, 0, NULL) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
        DWORD err = GetLastError();
        rc = fail(os, err, what,
                  err == ERROR_SERVICE_DISABLED ? "its start type is Disabled" : NULL);
    }
    if (!rc && (rc = wait_for(os, h, name, SERVICE_RUNNING, timeout_s, &st)) > 0) {
        if (st.dwCurrentState == SERVICE_STOPPED) {
            os->error = st.dwWin32ExitCode;
            wd_win_error_text(st.dwWin32ExitCode, code, sizeof code);
            rc = wd_error_set(WD_ERROR,
                              "%s: it stopped again right after starting (exit code: "
                              "%s)",
                              what, code);
        } else {
            os->error = ERROR_SERVICE_REQUEST_TIMEOUT;
            rc = wd_error_set(WD_ERROR, "%s: it did not start within %u seconds (it is %s)", what,
                              timeout_s, state_name(st.dwCurrentState));
        }
    }
    CloseServiceHandle(h);
    return rc;
}

static int win_set_start(wd_fix_os *os, const char *name, const char *type)
{
    int missing;
    char what[200];
    DWORD start = !strcmp(type, "manual")                                  ? SERVICE_DEMAND_START
                  : !strcmp(type, "disabled")                              ? SERVICE_DISABLED
                  : !strcmp(type, "auto") || !strcmp(type, "delayed-auto") ? SERVICE_AUTO_START
                                                                           : (DWORD)-1;
    if (start == (DWORD)-1)
        return wd_error_set(WD_EUSAGE, "wudiag fix does not set a start type of %s", type);
    SC_HANDLE h = open_service(os, name, SERVICE_CHANGE_CONFIG | SERVICE_QUERY_CONFIG, &missing);
    if (!h)
        return WD_ERROR;
    snprintf(what, sizeof what, "cannot set the start type of %s to %s", name, type);
    int rc = WD_OK;
    if (!ChangeServiceConfigW(h, SERVICE_NO_CHANGE, start, SERVICE_NO_CHANGE, NULL, NULL, NULL,
                              NULL, NULL, NULL, NULL))
        rc = fail(os, GetLastError(), what, NULL);
    DWORD now = 0;
    int delayed = 0;
    int want = !strcmp(type, "delayed-auto");
    if (!rc && start == SERVICE_AUTO_START && !start_type(h, &now, &delayed) && delayed != want) {
        SERVICE_DELAYED_AUTO_START_INFO d = {want};
        if (!ChangeServiceConfig2W(h, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &d))
            rc = fail(os, GetLastError(), what, NULL);
    }
    CloseServiceHandle(h);
    return rc;
}

/* -------------------------------------------------------------- folders */

static int win_folder(wd_fix_os *os, const char *path, int *exists, int *empty)
{
    wchar_t *w = wd_win_wide(path);
    *exists = *empty = 0;
    if (!w)
        return wd_error_set(WD_ENOMEM, "out of memory");
    DWORD attr = GetFileAttributesW(w);
    int rc = WD_OK;
    if (attr == INVALID_FILE_ATTRIBUTES) {
        DWORD err = GetLastError();
        if (err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND)
            rc = fail(os, err, "cannot look at a folder", NULL);
    } else {
        *exists = 1;
        *empty = 1;
        size_t n = wcslen(w);
        wchar_t *pat = malloc((n + 3) * sizeof *pat);
        WIN32_FIND_DATAW fd;
        HANDLE f = INVALID_HANDLE_VALUE;
        if (pat) {
            memcpy(pat, w, n * sizeof *pat);
            memcpy(pat + n, L"\\*", 3 * sizeof *pat);
            f = FindFirstFileW(pat, &fd);
        }
        for (BOOL more = f != INVALID_HANDLE_VALUE; more; more = FindNextFileW(f, &fd))
            if (wcscmp(fd.cFileName, L".") && wcscmp(fd.cFileName, L".."))
                *empty = 0;
        if (f != INVALID_HANDLE_VALUE)
            FindClose(f);
        if (!(attr & FILE_ATTRIBUTE_DIRECTORY))
            *empty = 0;
        free(pat);
    }
    free(w);
    return rc;
}

static int win_rename(wd_fix_os *os, const char *from, const char *to)
{
    wchar_t *a = wd_win_wide(from), *b = wd_win_wide(to);
    char what[1200];
    int rc = WD_OK;
    snprintf(what, sizeof what, "cannot rename %s to %s", from, to);
    if (!a || !b)
        rc = wd_error_set(WD_ENOMEM, "out of memory");
    else if (!MoveFileExW(a, b, 0)) {
        DWORD err = GetLastError();
        rc = fail(os, err, what,
                  err == ERROR_SHARING_VIOLATION || err == ERROR_ACCESS_DENIED
                      ? "a file in it is in use: a service or program still has it open (stop "
                        "it, or restart the PC and try again)"
                      : NULL);
    }
    free(a), free(b);
    return rc;
}

static int win_rmdir(wd_fix_os *os, const char *path)
{
    wchar_t *w = wd_win_wide(path);
    char what[700];
    int rc = WD_OK;
    snprintf(what, sizeof what, "cannot remove the empty folder %s", path);
    if (!w)
        rc = wd_error_set(WD_ENOMEM, "out of memory");
    else if (!RemoveDirectoryW(w))
        rc = fail(os, GetLastError(), what, NULL);
    free(w);
    return rc;
}

/* --------------------------------------------------------------- handle */

static void win_destroy(wd_fix_os *os)
{
    free(os);
}

int wd_fix_os_native(wd_fix_os **out)
{
    wd_fix_os *os = calloc(1, sizeof *os);
    *out = NULL;
    if (!os)
        return wd_error_set(WD_ENOMEM, "out of memory");
    os->elevated = win_elevated;
    os->machine = win_machine;
    os->self = win_self;
    os->alive = win_alive;
    os->windir = win_windir;
    os->query = win_query;
    os->stop = win_stop;
    os->start = win_start;
    os->set_start = win_set_start;
    os->folder = win_folder;
    os->rename = win_rename;
    os->rmdir_empty = win_rmdir;
    os->destroy = win_destroy;
    *out = os;
    return WD_OK;
}

#endif /* _WIN32 */
