/* history_csv.c - reads the update history as CSV (QueryHistory rows written
 * by capture-evidence.ps1, or Get-WUHistory exports): each row becomes a
 * "history" fact, and each failed or aborted row with a code a failure. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    int date, operation, result, hresult, title, kb, update_id, computer;
} columns;

/* The first of several names a column goes by. */
static int column_of(const wd_csv *c, const char *const *names)
{
    for (; *names; names++) {
        int i = wd_csv_column(c, *names);
        if (i >= 0)
            return i;
    }
    return -1;
}

static void find_columns(const wd_csv *c, columns *k)
{
    static const char *const date[] = {"Date", "InstalledOn", NULL};
    static const char *const op[] = {"Operation", "Operationname", "OperationName", NULL};
    static const char *const result[] = {"ResultCode", "Result", NULL};
    static const char *const hr[] = {"HResult", "HRESULT", "ErrorCode", NULL};
    static const char *const title[] = {"Title", NULL};
    static const char *const kb[] = {"KB", "HotFixID", NULL};
    static const char *const id[] = {"UpdateID", "UpdateId", "UpdateIdentity", NULL};
    static const char *const computer[] = {"ComputerName", "PSComputerName", NULL};
    k->date = column_of(c, date);
    k->operation = column_of(c, op);
    k->result = column_of(c, result);
    k->hresult = column_of(c, hr);
    k->title = column_of(c, title);
    k->kb = column_of(c, kb);
    k->update_id = column_of(c, id);
    k->computer = column_of(c, computer);
}

/* ------------------------------------------------------------------ dates */

static int take_int(const char **p, int max_digits, int *out)
{
    int v = 0, n = 0;
    while (n < max_digits && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n > 0;
}

/* "4/11/2024 12:48:04 PM" (US), "11.04.2024 12:48:04" (day first), and
 * "11/04/2024 12:48:04" (day first unless the second number is > 12). */
static int local_date(const char *s, char out[WD_TIME_MAX])
{
    int a, b, y, h = 0, mi = 0, se = 0;
    const char *p = s;
    char sep;
    if (!take_int(&p, 2, &a) || (*p != '.' && *p != '/' && *p != '-'))
        return WD_EFORMAT;
    sep = *p++;
    if (!take_int(&p, 2, &b) || *p++ != sep || !take_int(&p, 4, &y) || y < 1601)
        return WD_EFORMAT;
    while (*p == ' ' || *p == ',')
        p++;
    if (*p && (!take_int(&p, 2, &h) || *p++ != ':' || !take_int(&p, 2, &mi)))
        return WD_EFORMAT;
    if (*p == ':' && (p++, !take_int(&p, 2, &se)))
        return WD_EFORMAT;
    while (*p == ' ')
        p++;
    int pm = wd_strncaseeq(p, "PM", 2), am = wd_strncaseeq(p, "AM", 2);
    if ((pm || am) && h >= 1 && h <= 12)
        h = h % 12 + (pm ? 12 : 0);
    int month_first = sep == '/' && ((pm || am) || b > 12);
    char iso[96];
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, month_first ? a : b,
             month_first ? b : a, h, mi, se);
    return wd_time_normalize(iso, out);
}

static int history_date(const char *s, char out[WD_TIME_MAX])
{
    out[0] = '\0';
    if (!s || !*s)
        return WD_OK;
    if (wd_time_normalize(s, out) == 0 || local_date(s, out) == 0)
        return WD_OK;
    out[0] = '\0';
    return WD_EFORMAT;
}

/* ------------------------------------------------------------ code words */

/* 1 install, 2 uninstall, or the words PowerShell prints. */
static const char *operation_name(const char *v)
{
    int64_t n;
    if (!v || !*v)
        return NULL;
    if (wd_parse_i64(v, &n) == 0)
        return n == 1 ? "install" : n == 2 ? "uninstall" : NULL;
    if (wd_strncaseeq(v, "uo", 2)) /* the UpdateOperation enum: uoInstallation */
        v += 2;
    if (wd_strncaseeq(v, "Uninstall", 9))
        return "uninstall";
    if (wd_strncaseeq(v, "Install", 7))
        return "install";
    return NULL;
}

/* OperationResultCode 0..5 or its name ("Succeeded", "orcFailed"). */
static const char *result_name(const char *v)
{
    static const char *const names[] = {"not-started",           "in-progress", "succeeded",
                                        "succeeded-with-errors", "failed",      "aborted"};
    static const char *const words[] = {"NotStarted",          "InProgress", "Succeeded",
                                        "SucceededWithErrors", "Failed",     "Aborted"};
    int64_t n;
    char w[32];
    size_t o = 0;
    if (!v || !*v)
        return "unknown";
    if (wd_parse_i64(v, &n) == 0)
        return n >= 0 && n <= 5 ? names[n] : "unknown";
    if (wd_strncaseeq(v, "orc", 3))
        v += 3;
    for (; *v && o + 1 < sizeof w; v++)
        if (*v != ' ' && *v != '_' && *v != '-')
            w[o++] = *v;
    w[o] = '\0';
    for (size_t i = 0; i < 6; i++)
        if (wd_strcaseeq(w, words[i]))
            return names[i];
    return "unknown";
}

/* ------------------------------------------------------------------- rows */

typedef struct {
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *sum;
    wd_csv *csv;
    columns k;
    int machine_sent;
    wd_buf value;
} hist_ctx;

/* A field with leading blanks skipped; "" when the column is missing. */
static const char *get(const hist_ctx *h, int col)
{
    const char *v = wd_csv_field(h->csv, col);
    if (!v)
        return "";
    while (*v == ' ' || *v == '\t')
        v++;
    return v;
}

static int note(const hist_ctx *h, const char *reason)
{
    return wd_note(h->sink, WD_NOTE_PARTIAL, h->in->path, reason, "line %llu",
                   (unsigned long long)wd_csv_line(h->csv));
}

static int machine_fact(hist_ctx *h)
{
    const char *v = get(h, h->k.computer);
    if (h->machine_sent || !*v || !strcmp(v, "."))
        return 0;
    h->machine_sent = 1;
    wd_fact_rec f = {"machine.name", v, h->in->path, NULL};
    return h->sink->fact ? h->sink->fact(h->sink->ctx, &f) : 0;
}

/* The update GUID, unless the export wrote the COM object's type name. */
static const char *update_id(const hist_ctx *h)
{
    const char *v = get(h, h->k.update_id);
    return *v && !strchr(v, '_') && !strchr(v, ' ') ? v : NULL;
}

static int send_failure(hist_ctx *h, uint32_t hr, const char *time, const char *op, const char *kb)
{
    const char *title = get(h, h->k.title);
    wd_failure_rec f = {0};
    f.hresult = hr;
    f.origin = "history";
    f.time = *time ? time : NULL;
    f.operation = op;
    f.title = *title ? title : NULL;
    f.kb = *kb ? kb : NULL;
    f.update_id = update_id(h);
    f.context = wd_buf_cstr(&h->value);
    f.source = h->in->path;
    f.line = wd_csv_line(h->csv);
    return h->sink->failure ? h->sink->failure(h->sink->ctx, &f) : 0;
}

/* The code of a row: 0 when missing; a note when it is not a code. */
static int row_hresult(hist_ctx *h, uint32_t *hr)
{
    const char *v = get(h, h->k.hresult);
    *hr = 0;
    if (!*v || wd_hresult_parse(v, hr) == 0)
        return 0;
    return note(h, "HResult is not a failure code");
}

static int emit_row(hist_ctx *h)
{
    const char *date = get(h, h->k.date), *title = get(h, h->k.title);
    const char *result = result_name(get(h, h->k.result));
    const char *op = operation_name(get(h, h->k.operation));
    char time[WD_TIME_MAX], kb[32] = "", hrtext[11];
    uint32_t hr;
    int rc = 0;
    if (!*date && !*title && !strcmp(result, "unknown")) {
        h->sum->errors++;
        return note(h, "row without update data");
    }
    if (history_date(date, time) != 0)
        rc = note(h, "date not understood");
    if (rc == 0)
        rc = row_hresult(h, &hr);
    if (rc)
        return rc;
    if (!wd_find_kb(get(h, h->k.kb), kb, sizeof kb))
        wd_find_kb(title, kb, sizeof kb);
    wd_hresult_format(hr, hrtext);
    wd_buf_reset(&h->value);
    wd_buf_printf(&h->value, "%s|%s|%s|%s|%s|%s", time, op ? op : "unknown", result, hrtext, kb,
                  title);
    wd_fact_rec f = {"history", wd_buf_cstr(&h->value), h->in->path, NULL};
    rc = h->sink->fact ? h->sink->fact(h->sink->ctx, &f) : 0;
    if (rc == 0)
        h->sum->kept++;
    if (rc == 0 && hr != 0 && (!strcmp(result, "failed") || !strcmp(result, "aborted")))
        rc = send_failure(h, hr, time, op, kb);
    return rc;
}

static int one_row(hist_ctx *h)
{
    h->sum->records++;
    if (wd_csv_row_error(h->csv)) {
        h->sum->errors++;
        return note(h, wd_csv_row_error(h->csv));
    }
    int rc = machine_fact(h);
    return rc ? rc : emit_row(h);
}

int wd_source_history_csv(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    hist_ctx h = {in, sink, summary, NULL, {0}, 0, WD_BUF_INIT};
    int rc = 0, r = 0;
    if (wd_csv_open(&h.csv, in))
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    find_columns(h.csv, &h.k);
    if (h.k.date < 0 && h.k.title < 0 && h.k.result < 0) {
        summary->errors++;
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, "no Date, Title or ResultCode column in the update history",
                     "line %llu", (unsigned long long)wd_csv_line(h.csv));
    }
    while (rc == 0 && (r = wd_csv_next(h.csv)) == 1)
        rc = one_row(&h);
    if (rc == 0 && r < 0)
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    wd_buf_free(&h.value);
    wd_csv_free(h.csv);
    return rc;
}
