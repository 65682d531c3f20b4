/* limited.c - runs a command with this process's limited (not elevated)
 * token, for the Wine test that `wudiag fix` refuses without elevation: Wine
 * starts every process elevated, and its linked token is the limited one a
 * non-elevated Windows prompt has. Exits with the command's exit code.
 * usage: limited.exe COMMAND-LINE (one argument) */
#include <windows.h>

#include <stdio.h>

int wmain(int argc, wchar_t **argv)
{
    HANDLE token;
    TOKEN_LINKED_TOKEN linked;
    DWORD n, code = 1;
    STARTUPINFOW si;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    if (argc != 2 || !OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &token) ||
        !GetTokenInformation(token, TokenLinkedToken, &linked, sizeof linked, &n)) {
        fprintf(stderr, "limited: no linked token (error %lu)\n", GetLastError());
        return 125;
    }
    if (!CreateProcessAsUserW(linked.LinkedToken, NULL, argv[1], NULL, NULL, TRUE, 0, NULL, NULL,
                              &si, &pi)) {
        fprintf(stderr, "limited: cannot start the command (error %lu)\n", GetLastError());
        return 126;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    return (int)code;
}
