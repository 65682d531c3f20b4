/* live_history.c - the update history, live, from the Windows Update Agent
 * (IUpdateSession -> IUpdateSearcher::QueryHistory). Rows are written as the
 * same CSV that capture-evidence.ps1 produces and read by the history CSV
 * reader, so live and captured history mean exactly the same. */
#ifdef _WIN32
#define COBJMACROS
#include "live.h"

#include <initguid.h>
#include <oleauto.h>
#include <stdio.h>
#include <stdlib.h>
#include <wuapi.h>

#define SRC "live:update-history"
#define PAGE 100
#define MAX_ROWS 20000

/* Appends s as a quoted CSV field ("" for a quote), then sep. */
static void csv_field(wd_buf *b, const char *s, char sep)
{
    wd_buf_putc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"')
            wd_buf_putc(b, '"');
        wd_buf_putc(b, *s == '\r' || *s == '\n' ? ' ' : *s);
    }
    wd_buf_putc(b, '"');
    wd_buf_putc(b, sep);
}

static void csv_bstr(wd_buf *b, BSTR s, char sep)
{
    char *u = s ? wd_win_utf8(s, (int)SysStringLen(s)) : NULL;
    csv_field(b, u, sep);
    free(u);
}

/* DATE (UTC) -> "2024-05-01T10:00:00Z"; "" when it does not convert. */
static void csv_date(wd_buf *b, DATE d, char sep)
{
    SYSTEMTIME t;
    char text[WD_TIME_MAX] = "";
    if (VariantTimeToSystemTime(d, &t))
        snprintf(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02uZ", t.wYear, t.wMonth, t.wDay,
                 t.wHour, t.wMinute, t.wSecond);
    csv_field(b, text, sep);
}

/* One history entry as a CSV row, in the columns capture-evidence.ps1 writes. */
static void row(wd_buf *b, IUpdateHistoryEntry *e)
{
    UpdateOperation op = 0;
    OperationResultCode result = 0;
    LONG hr = 0, revision = 0;
    DATE date = 0;
    BSTR title = NULL, update_id = NULL, service = NULL, client = NULL;
    IUpdateIdentity *id = NULL;
    char num[24];
    IUpdateHistoryEntry_get_Operation(e, &op);
    IUpdateHistoryEntry_get_ResultCode(e, &result);
    IUpdateHistoryEntry_get_HResult(e, &hr);
    IUpdateHistoryEntry_get_Date(e, &date);
    IUpdateHistoryEntry_get_Title(e, &title);
    IUpdateHistoryEntry_get_ServiceID(e, &service);
    IUpdateHistoryEntry_get_ClientApplicationID(e, &client);
    if (SUCCEEDED(IUpdateHistoryEntry_get_UpdateIdentity(e, &id)) && id) {
        IUpdateIdentity_get_UpdateID(id, &update_id);
        IUpdateIdentity_get_RevisionNumber(id, &revision);
        IUpdateIdentity_Release(id);
    }
    csv_date(b, date, ',');
    snprintf(num, sizeof num, "%d", (int)op);
    csv_field(b, num, ',');
    snprintf(num, sizeof num, "%d", (int)result);
    csv_field(b, num, ',');
    snprintf(num, sizeof num, "0x%08lX", (unsigned long)(ULONG)hr);
    csv_field(b, num, ',');
    csv_bstr(b, title, ',');
    csv_bstr(b, update_id, ',');
    snprintf(num, sizeof num, "%ld", (long)revision);
    csv_field(b, num, ',');
    csv_bstr(b, service, ',');
    csv_bstr(b, client, '\n');
    SysFreeString(title);
    SysFreeString(update_id);
    SysFreeString(service);
    SysFreeString(client);
}

/* Appends rows [start, start+count) of the history; returns the HRESULT. */
static HRESULT page(IUpdateSearcher *sr, LONG start, LONG count, wd_buf *csv, LONG *rows)
{
    IUpdateHistoryEntryCollection *h = NULL;
    HRESULT hr = IUpdateSearcher_QueryHistory(sr, start, count, &h);
    if (FAILED(hr) || !h)
        return FAILED(hr) ? hr : E_POINTER;
    LONG n = 0;
    IUpdateHistoryEntryCollection_get_Count(h, &n);
    for (LONG i = 0; i < n; i++) {
        IUpdateHistoryEntry *e = NULL;
        if (SUCCEEDED(IUpdateHistoryEntryCollection_get_Item(h, i, &e)) && e) {
            row(csv, e);
            IUpdateHistoryEntry_Release(e);
            (*rows)++;
        }
    }
    IUpdateHistoryEntryCollection_Release(h);
    return S_OK;
}

/* Fills csv with the whole history; *where names the call that failed. */
static HRESULT query(wd_buf *csv, LONG *rows, const char **where)
{
    IUpdateSession *ses = NULL;
    IUpdateSearcher *sr = NULL;
    LONG total = 0;
    *where = "CoCreateInstance(UpdateSession)";
    HRESULT hr = CoCreateInstance(&CLSID_UpdateSession, NULL, CLSCTX_INPROC_SERVER,
                                  &IID_IUpdateSession, (void **)&ses);
    if (SUCCEEDED(hr)) {
        *where = "IUpdateSession::CreateUpdateSearcher";
        hr = IUpdateSession_CreateUpdateSearcher(ses, &sr);
    }
    if (SUCCEEDED(hr)) {
        *where = "IUpdateSearcher::GetTotalHistoryCount";
        hr = IUpdateSearcher_GetTotalHistoryCount(sr, &total);
    }
    wd_buf_puts(csv, "Date,Operation,ResultCode,HResult,Title,UpdateID,RevisionNumber,ServiceID,"
                     "ClientApplicationID\n");
    *where = "IUpdateSearcher::QueryHistory";
    for (LONG start = 0; SUCCEEDED(hr) && start < total && start < MAX_ROWS; start += PAGE)
        hr = page(sr, start, total - start < PAGE ? total - start : PAGE, csv, rows);
    if (sr)
        IUpdateSearcher_Release(sr);
    if (ses)
        IUpdateSession_Release(ses);
    return hr;
}

int wd_live_history(const wd_sink *sink)
{
    HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    wd_buf csv = WD_BUF_INIT;
    LONG rows = 0;
    const char *where = "CoInitializeEx";
    HRESULT hr = FAILED(init) && init != RPC_E_CHANGED_MODE ? init : query(&csv, &rows, &where);
    int rc = 0;
    if (FAILED(hr)) {
        char why[400];
        wd_win_error_text((DWORD)hr, why, sizeof why);
        rc = wd_note(sink, WD_NOTE_PARTIAL, SRC, why, "%s", where);
    } else if (!wd_buf_ok(&csv)) {
        rc = wd_note(sink, WD_NOTE_UNREADABLE, SRC, "out of memory", NULL);
    } else {
        wd_input in;
        wd_source_rec sum = {SRC, "live-update-history", 0, 0, 0};
        wd_input_open_mem(&in, csv.data, csv.len, SRC);
        rc = wd_source_history_csv(&in, sink, &sum);
        if (rc == 0 && sink->source)
            rc = sink->source(sink->ctx, &sum);
    }
    wd_buf_free(&csv);
    if (SUCCEEDED(init))
        CoUninitialize();
    return rc;
}

#endif /* _WIN32 */
