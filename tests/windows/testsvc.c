/* testsvc.c - a service for the Wine tests of `wudiag fix` (built with
 * mingw by wine-tests.sh; not part of wudiag). Modes:
 *   normal    runs until it is asked to stop
 *   stubborn  accepts the stop request and ignores it (a service that will
 *             not stop: wudiag fix must time out and stop its plan)
 *   fails     starts, then stops with exit code 1067 (ERROR_PROCESS_ABORTED),
 *             so the service control manager lists it stopped with an error
 * usage (as the service's command line): testsvc.exe NAME MODE
 * And, as a tool for the test's set-up (Wine's sc config does not change
 * start types): testsvc.exe config NAME 2|3|4 (auto, demand, disabled). */
#include <windows.h>

#include <string.h>

static SERVICE_STATUS_HANDLE handle;
static SERVICE_STATUS status;
static HANDLE stop_event;
static int stubborn;
static wchar_t name[256];

static void report(DWORD state, DWORD exit_code)
{
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    status.dwWin32ExitCode = exit_code;
    SetServiceStatus(handle, &status);
}

static DWORD WINAPI control(DWORD code, DWORD type, void *data, void *ctx)
{
    (void)type, (void)data, (void)ctx;
    if (code == SERVICE_CONTROL_STOP && !stubborn) {
        report(SERVICE_STOP_PENDING, 0);
        SetEvent(stop_event);
    }
    return NO_ERROR; /* stubborn: says yes, does nothing */
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
    (void)argc, (void)argv;
    handle = RegisterServiceCtrlHandlerExW(name, control, NULL);
    if (!handle)
        return;
    const wchar_t *mode = wcschr(GetCommandLineW(), L' ');
    if (mode && wcsstr(mode, L"fails")) {
        report(SERVICE_RUNNING, 0);
        Sleep(300);
        report(SERVICE_STOPPED, ERROR_PROCESS_ABORTED);
        Sleep(INFINITE); /* Wine forgets the exit code when the process ends */
    }
    stubborn = mode && wcsstr(mode, L"stubborn") != NULL;
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    report(SERVICE_RUNNING, 0);
    WaitForSingleObject(stop_event, INFINITE);
    report(SERVICE_STOPPED, 0);
}

/* Sets a service's start type through the service control manager. */
static int config(const wchar_t *svc, const wchar_t *start)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE h = scm ? OpenServiceW(scm, svc, SERVICE_CHANGE_CONFIG) : NULL;
    int ok = h && ChangeServiceConfigW(h, SERVICE_NO_CHANGE, (DWORD)_wtoi(start), SERVICE_NO_CHANGE,
                                       NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if (h)
        CloseServiceHandle(h);
    if (scm)
        CloseServiceHandle(scm);
    return ok ? 0 : 1;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc == 4 && !wcscmp(argv[1], L"config"))
        return config(argv[2], argv[3]);
    if (argc < 3)
        return 2;
    wcsncpy(name, argv[1], 255);
    SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {NULL, NULL}};
    return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}
