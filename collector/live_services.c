/* live_services.c - the Service Control Manager, live: every Win32 service
 * with its state, process id and exit codes (EnumServicesStatusExW), start
 * type (QueryServiceConfigW) and delayed auto start (QueryServiceConfig2W). */
#ifdef _WIN32
#include "live.h"

#include <stdlib.h>

#define SRC "live:services"

/* Start type and delayed flag of one service; -1 start when unreadable. */
static void query_start(SC_HANDLE scm, const wchar_t *name, int64_t *start, int *delayed)
{
    *start = -1;
    *delayed = 0;
    SC_HANDLE s = OpenServiceW(scm, name, SERVICE_QUERY_CONFIG);
    if (!s)
        return;
    DWORD need = 0;
    QueryServiceConfigW(s, NULL, 0, &need);
    QUERY_SERVICE_CONFIGW *cfg = need ? malloc(need) : NULL;
    if (cfg && QueryServiceConfigW(s, cfg, need, &need))
        *start = (int64_t)cfg->dwStartType;
    free(cfg);
    SERVICE_DELAYED_AUTO_START_INFO d = {0};
    if (*start == SERVICE_AUTO_START &&
        QueryServiceConfig2W(s, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, (BYTE *)&d, sizeof d,
                             &need))
        *delayed = d.fDelayedAutostart != 0;
    CloseServiceHandle(s);
}

/* Sends one service record. */
static int emit(const wd_sink *sink, SC_HANDLE scm, const ENUM_SERVICE_STATUS_PROCESSW *e)
{
    const SERVICE_STATUS_PROCESS *st = &e->ServiceStatusProcess;
    int64_t start;
    int delayed;
    query_start(scm, e->lpServiceName, &start, &delayed);
    char *name = wd_win_utf8(e->lpServiceName, -1);
    char *display = wd_win_utf8(e->lpDisplayName, -1);
    int rc = 0;
    if (name && sink->service) {
        wd_service_rec r = {
            name,
            display,
            wd_service_state_from_code(st->dwCurrentState),
            wd_service_start_from_code(start, delayed),
            st->dwCurrentState == SERVICE_STOPPED ? -1 : (int64_t)st->dwProcessId,
            (int64_t)st->dwWin32ExitCode,
            (int64_t)st->dwServiceSpecificExitCode,
            SRC,
        };
        rc = sink->service(sink->ctx, &r);
    }
    free(name);
    free(display);
    return rc;
}

/* The whole list in one buffer (the size probe first); NULL with err set. */
static ENUM_SERVICE_STATUS_PROCESSW *enumerate(SC_HANDLE scm, DWORD *count, DWORD *err)
{
    DWORD need = 0, resume = 0;
    BYTE *buf = NULL;
    *count = 0;
    for (int tries = 0; tries < 4; tries++) {
        DWORD size = need;
        if (EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL, buf,
                                  size, &need, count, &resume, NULL))
            return (ENUM_SERVICE_STATUS_PROCESSW *)buf;
        *err = GetLastError();
        if (*err != ERROR_MORE_DATA)
            break;
        free(buf);
        need += 4096; /* services may appear between the calls */
        buf = malloc(need);
        resume = 0;
        if (!buf) {
            *err = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
    }
    free(buf);
    return NULL;
}

int wd_live_services(const wd_sink *sink)
{
    char why[320];
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
    if (!scm) {
        wd_win_error_text(GetLastError(), why, sizeof why);
        return wd_note(sink, WD_NOTE_PARTIAL, SRC, why, "OpenSCManagerW");
    }
    DWORD count = 0, err = 0;
    ENUM_SERVICE_STATUS_PROCESSW *list = enumerate(scm, &count, &err);
    int rc = 0, failed = list == NULL;
    if (failed) {
        wd_win_error_text(err, why, sizeof why);
        rc = wd_note(sink, WD_NOTE_PARTIAL, SRC, why, "EnumServicesStatusExW");
    }
    for (DWORD i = 0; list && rc == 0 && i < count; i++)
        rc = emit(sink, scm, &list[i]);
    free(list);
    CloseServiceHandle(scm);
    /* SERVICE_STATE_ALL of SERVICE_WIN32: the whole machine, by construction */
    if (rc == 0 && !failed && sink->fact) {
        wd_fact_rec f = {"services.listing", "complete", SRC, NULL};
        rc = sink->fact(sink->ctx, &f);
    }
    if (rc == 0)
        rc = wd_live_summary(sink, SRC, "live-scm", count, count, (uint64_t)failed);
    return rc;
}

#endif /* _WIN32 */
