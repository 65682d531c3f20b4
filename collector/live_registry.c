/* live_registry.c - the registry and the system drive, live: pending-reboot
 * keys, Windows Update policy values (raw, and as wu.server / wu.au_setting),
 * the OS version from CurrentVersion and the machine name (as the typed os.*
 * facts of osfacts.c), and free space on the system drive, all as facts. */
#ifdef _WIN32
#include "live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "live:registry"
#define MAX_VALUE_BYTES (64 * 1024)

static const wchar_t KEY_WU_POLICY[] = L"SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate";
static const wchar_t KEY_AU_POLICY[] = L"SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU";
static const wchar_t KEY_CURRENT_VERSION[] = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
static const wchar_t KEY_SESSION_MANAGER[] = L"SYSTEM\\CurrentControlSet\\Control\\Session Manager";

static int fact(const wd_sink *sink, const char *key, const char *value)
{
    if (!sink->fact || !value)
        return 0;
    wd_fact_rec f = {key, value, SRC, NULL};
    return sink->fact(sink->ctx, &f);
}

/* A note for a registry error other than "not there". */
static int key_note(const wd_sink *sink, const wchar_t *key, LONG err)
{
    char why[320];
    wd_win_error_text((DWORD)err, why, sizeof why);
    char *k = wd_win_utf8(key, -1);
    int rc = wd_note(sink, WD_NOTE_PARTIAL, SRC, why, "HKLM\\%s", k ? k : "?");
    free(k);
    return rc;
}

/* ------------------------------------------------------------ values */

/* A value as text: REG_SZ/EXPAND_SZ as is, MULTI_SZ joined with "; ",
 * DWORD/QWORD in decimal. Others give NULL. Free with free(). */
static char *value_text(DWORD type, const BYTE *data, DWORD size)
{
    char num[32];
    if (type == REG_DWORD && size >= 4) {
        DWORD v;
        memcpy(&v, data, sizeof v);
        snprintf(num, sizeof num, "%lu", (unsigned long)v);
        return wd_strdup(num);
    }
    if (type == REG_QWORD && size >= 8) {
        unsigned long long v;
        memcpy(&v, data, sizeof v);
        snprintf(num, sizeof num, "%llu", v);
        return wd_strdup(num);
    }
    if (type != REG_SZ && type != REG_EXPAND_SZ && type != REG_MULTI_SZ)
        return NULL;
    size_t n = size / sizeof(wchar_t);
    const wchar_t *w = (const wchar_t *)data;
    while (n > 0 && w[n - 1] == L'\0')
        n--;
    wd_buf b = WD_BUF_INIT;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && w[i] != L'\0')
            continue;
        char *part = wd_win_utf8(w + start, (int)(i - start));
        if (part && b.len)
            wd_buf_puts(&b, "; ");
        if (part)
            wd_buf_puts(&b, part);
        free(part);
        start = i + 1;
    }
    if (!b.data)
        wd_buf_puts(&b, "");
    return wd_buf_ok(&b) ? wd_buf_detach(&b) : (wd_buf_free(&b), NULL);
}

/* Reads one value of an open key as text (NULL when absent). */
static char *read_value(HKEY k, const wchar_t *name)
{
    DWORD type = 0, size = 0;
    if (RegQueryValueExW(k, name, NULL, &type, NULL, &size) != ERROR_SUCCESS ||
        size > MAX_VALUE_BYTES)
        return NULL;
    BYTE *data = malloc(size + 2);
    char *text = NULL;
    if (data && RegQueryValueExW(k, name, NULL, &type, data, &size) == ERROR_SUCCESS)
        text = value_text(type, data, size);
    free(data);
    return text;
}

/* Opens HKLM\path for reading in the 64-bit view. */
static LONG open_key(const wchar_t *path, HKEY *k)
{
    return RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ | KEY_WOW64_64KEY, k);
}

/* ------------------------------------------------------------- facts */

/* Every value of a policy key as "policy.wu.<ValueName>". */
static int policy_values(const wd_sink *sink, const wchar_t *path)
{
    HKEY k;
    LONG err = open_key(path, &k);
    if (err == ERROR_FILE_NOT_FOUND)
        return 0; /* no policy: not managed */
    if (err != ERROR_SUCCESS)
        return key_note(sink, path, err);
    int rc = 0;
    BYTE *data = malloc(MAX_VALUE_BYTES + 2);
    for (DWORD i = 0; data && rc == 0; i++) {
        wchar_t name[256];
        DWORD nlen = sizeof name / sizeof name[0], type = 0, size = MAX_VALUE_BYTES;
        if (RegEnumValueW(k, i, name, &nlen, NULL, &type, data, &size) != ERROR_SUCCESS)
            break;
        char *n8 = wd_win_utf8(name, (int)nlen);
        char *v = value_text(type, data, size);
        wd_buf key = WD_BUF_INIT;
        wd_buf_printf(&key, "policy.wu.%s", n8 ? n8 : "");
        if (n8 && *n8 && v && wd_buf_ok(&key))
            rc = fact(sink, wd_buf_cstr(&key), v);
        wd_buf_free(&key);
        free(n8);
        free(v);
    }
    RegCloseKey(k);
    free(data);
    return rc;
}

/* reboot.pending.* = "1" when the key exists (or the value is set), else "0". */
static int pending_key(const wd_sink *sink, const char *fact_key, const wchar_t *path)
{
    HKEY k;
    LONG err = open_key(path, &k);
    if (err == ERROR_SUCCESS)
        RegCloseKey(k);
    else if (err != ERROR_FILE_NOT_FOUND)
        return key_note(sink, path, err);
    return fact(sink, fact_key, err == ERROR_SUCCESS ? "1" : "0");
}

static int pending_renames(const wd_sink *sink)
{
    HKEY k;
    LONG err = open_key(KEY_SESSION_MANAGER, &k);
    if (err != ERROR_SUCCESS)
        return key_note(sink, KEY_SESSION_MANAGER, err);
    /* set and not empty (a MULTI_SZ with only its terminators is 2-4 bytes) */
    DWORD size = 0;
    err = RegQueryValueExW(k, L"PendingFileRenameOperations", NULL, NULL, NULL, &size);
    RegCloseKey(k);
    return fact(sink, "reboot.pending.file_rename", err == ERROR_SUCCESS && size > 4 ? "1" : "0");
}

/* The computer name, or NULL (a note is sent). Free with free(). */
static char *machine_name(const wd_sink *sink, int *rc)
{
    wchar_t name[MAX_COMPUTERNAME_LENGTH + 64];
    DWORD n = sizeof name / sizeof name[0];
    if (!GetComputerNameExW(ComputerNameNetBIOS, name, &n)) {
        char why[320];
        wd_win_error_text(GetLastError(), why, sizeof why);
        *rc = wd_note(sink, WD_NOTE_PARTIAL, SRC, why, "GetComputerNameExW");
        return NULL;
    }
    return wd_win_utf8(name, (int)n);
}

/* CurrentVersion and the computer name as the typed os.* facts. */
static int current_version(const wd_sink *sink)
{
    static const wchar_t *const names[] = {
        L"ProductName", L"EditionID",          L"InstallationType", L"DisplayVersion",
        L"ReleaseId",   L"CurrentBuild",       L"UBR",              L"CurrentBuildNumber"};
    char *v[sizeof names / sizeof names[0]] = {NULL};
    int rc = 0;
    char *computer = machine_name(sink, &rc);
    HKEY k;
    LONG err = open_key(KEY_CURRENT_VERSION, &k);
    if (err != ERROR_SUCCESS && rc == 0)
        rc = key_note(sink, KEY_CURRENT_VERSION, err);
    for (size_t i = 0; err == ERROR_SUCCESS && i < sizeof names / sizeof names[0]; i++)
        v[i] = read_value(k, names[i]);
    if (err == ERROR_SUCCESS)
        RegCloseKey(k);
    wd_os_info info = {v[0], v[1], v[2], v[3], v[4], v[5] ? v[5] : v[7], v[6], computer};
    if (rc == 0)
        rc = wd_os_facts(&info, SRC, sink);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        free(v[i]);
    free(computer);
    return rc;
}

/* WUServer, UseWUServer, NoAutoUpdate and AUOptions as wu.* facts. */
static int policy_meaning(const wd_sink *sink)
{
    HKEY wu, au;
    int has_wu = open_key(KEY_WU_POLICY, &wu) == ERROR_SUCCESS;
    int has_au = open_key(KEY_AU_POLICY, &au) == ERROR_SUCCESS;
    char *server = has_wu ? read_value(wu, L"WUServer") : NULL;
    char *status = has_wu ? read_value(wu, L"WUStatusServer") : NULL;
    char *use = has_au ? read_value(au, L"UseWUServer") : NULL;
    char *no_auto = has_au ? read_value(au, L"NoAutoUpdate") : NULL;
    char *options = has_au ? read_value(au, L"AUOptions") : NULL;
    if (has_wu)
        RegCloseKey(wu);
    if (has_au)
        RegCloseKey(au);
    wd_wu_policy p = {server, status, use, no_auto, options, has_wu || has_au};
    int rc = wd_wu_policy_facts(&p, SRC, sink);
    free(server);
    free(status);
    free(use);
    free(no_auto);
    free(options);
    return rc;
}

/* Free and total bytes of the drive Windows is on. */
static int system_disk(const wd_sink *sink)
{
    wchar_t dir[MAX_PATH];
    UINT n = GetSystemWindowsDirectoryW(dir, MAX_PATH);
    wchar_t root[4] = {n >= 2 && dir[1] == L':' ? dir[0] : L'C', L':', L'\\', L'\0'};
    ULARGE_INTEGER avail, total, free_all;
    if (!GetDiskFreeSpaceExW(root, &avail, &total, &free_all)) {
        char why[320];
        wd_win_error_text(GetLastError(), why, sizeof why);
        return wd_note(sink, WD_NOTE_PARTIAL, SRC, why, "GetDiskFreeSpaceExW");
    }
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)free_all.QuadPart);
    int rc = fact(sink, "disk.system.free_bytes", num);
    snprintf(num, sizeof num, "%llu", (unsigned long long)total.QuadPart);
    if (rc == 0)
        rc = fact(sink, "disk.system.total_bytes", num);
    char drive[3] = {(char)root[0], ':', '\0'};
    if (rc == 0)
        rc = fact(sink, "disk.system.drive", drive);
    return rc;
}

int wd_live_registry(const wd_sink *sink)
{
    int rc = current_version(sink);
    if (rc == 0)
        rc = pending_key(sink, "reboot.pending.wu",
                         L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\"
                         L"Auto Update\\RebootRequired");
    if (rc == 0)
        rc = pending_key(sink, "reboot.pending.cbs",
                         L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
                         L"Component Based Servicing\\RebootPending");
    if (rc == 0)
        rc = pending_renames(sink);
    if (rc == 0)
        rc = policy_values(sink, KEY_WU_POLICY);
    if (rc == 0)
        rc = policy_values(sink, KEY_AU_POLICY);
    if (rc == 0)
        rc = policy_meaning(sink);
    if (rc == 0)
        rc = system_disk(sink);
    if (rc == 0)
        rc = wd_live_summary(sink, SRC, "live-registry", 1, 1, 0);
    return rc;
}

#endif /* _WIN32 */
