/* history_csv.c - reads the update history as CSV (QueryHistory rows written
 * by capture-evidence.ps1, or Get-WUHistory exports): each row becomes an
 * activity (install or uninstall; the outcome from ResultCode, the code from
 * HResult, the update's id, title, KB and product). */
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

/* UpdateOperation 1 install, 2 uninstall, or the words PowerShell prints. */
static wd_op operation_of(const char *v)
{
    int64_t n;
    if (!v || !*v)
        return WD_OP_UNKNOWN;
    if (wd_parse_i64(v, &n) == 0)
        return n == 1 ? WD_OP_INSTALL : n == 2 ? WD_OP_UNINSTALL : WD_OP_UNKNOWN;
    if (wd_strncaseeq(v, "uo", 2)) /* the UpdateOperation enum: uoInstallation */
        v += 2;
    if (wd_strncaseeq(v, "Uninstall", 9))
        return WD_OP_UNINSTALL;
    if (wd_strncaseeq(v, "Install", 7))
        return WD_OP_INSTALL;
    return WD_OP_UNKNOWN;
}

/* OperationResultCode 0..5 or its name ("Succeeded", "orcFailed"):
 * 0 not started and 1 in progress say the operation has no end yet, 3
 * succeeded with errors is a success whose code is kept, 5 aborted is a
 * cancel. *errors is set for 3. */
static wd_outcome outcome_of(const char *v, int *errors)
{
    static const wd_outcome outs[] = {WD_OUT_IN_PROGRESS, WD_OUT_IN_PROGRESS, WD_OUT_SUCCEEDED,
                                      WD_OUT_SUCCEEDED,   WD_OUT_FAILED,      WD_OUT_CANCELLED};
    static const char *const words[] = {"NotStarted",          "InProgress", "Succeeded",
                                        "SucceededWithErrors", "Failed",     "Aborted"};
    int64_t n;
    char w[32];
    size_t o = 0;
    *errors = 0;
    if (!v || !*v)
        return WD_OUT_UNKNOWN;
    if (wd_parse_i64(v, &n) == 0) {
        *errors = n == 3;
        return n >= 0 && n <= 5 ? outs[n] : WD_OUT_UNKNOWN;
    }
    if (wd_strncaseeq(v, "orc", 3))
        v += 3;
    for (; *v && o + 1 < sizeof w; v++)
        if (*v != ' ' && *v != '_' && *v != '-')
            w[o++] = *v;
    w[o] = '\0';
    for (size_t i = 0; i < 6; i++)
        if (wd_strcaseeq(w, words[i])) {
            *errors = i == 3;
            return outs[i];
        }
    return WD_OUT_UNKNOWN;
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
static int update_id(const hist_ctx *h, char out[WD_GUID_MAX])
{
    const char *v = get(h, h->k.update_id);
    return *v && !strchr(v, '_') && !strchr(v, ' ') && wd_update_id_normalize(v, out);
}

/* The code of a row: *has 0 when missing; a note when it is not a code. */
static int row_hresult(hist_ctx *h, uint32_t *hr, int *has)
{
    const char *v = get(h, h->k.hresult);
    *hr = 0;
    *has = 0;
    if (!*v)
        return 0;
    if (wd_hresult_parse(v, hr) == 0) {
        *has = 1;
        return 0;
    }
    return note(h, "HResult is not a failure code");
}

/* "Install failed: 0x80070643 2024-04 Cumulative Update ... (row 3)". */
static void row_detail(hist_ctx *h, const wd_activity_rec *a, int errors)
{
    wd_buf_reset(&h->value);
    wd_buf_printf(&h->value, "%s %s", wd_op_name(a->operation),
                  errors ? "succeeded with errors" : wd_outcome_name(a->outcome));
    if (a->has_code) {
        char code[11];
        wd_hresult_format(a->code, code);
        wd_buf_printf(&h->value, ": %s", code);
    }
    if (a->title)
        wd_buf_printf(&h->value, " %s", a->title);
}

static int emit_row(hist_ctx *h)
{
    const char *date = get(h, h->k.date), *title = get(h, h->k.title);
    int errors, has_code;
    wd_outcome out = outcome_of(get(h, h->k.result), &errors);
    char time[WD_TIME_MAX], kb[32] = "", id[WD_GUID_MAX];
    uint32_t hr;
    int rc = 0;
    if (!*date && !*title && out == WD_OUT_UNKNOWN) {
        h->sum->errors++;
        return note(h, "row without update data");
    }
    if (history_date(date, time) != 0)
        rc = note(h, "date not understood");
    if (rc == 0)
        rc = row_hresult(h, &hr, &has_code);
    if (rc)
        return rc;
    if (!wd_find_kb(get(h, h->k.kb), kb, sizeof kb))
        wd_find_kb(title, kb, sizeof kb);
    wd_activity_rec a = {0};
    a.operation = operation_of(get(h, h->k.operation));
    a.outcome = out;
    /* a success row's HResult is 0 or a success code: kept as given */
    a.has_code = has_code && (hr != 0 || out != WD_OUT_FAILED);
    a.code = hr;
    a.time = *time ? time : NULL;
    a.update_id = update_id(h, id) ? id : NULL;
    a.kb = *kb ? kb : NULL;
    a.title = *title ? title : NULL;
    a.product = wd_classify_update(a.title, a.kb, NULL);
    if (a.product == WD_PRODUCT_FEATURE_UPDATE && a.operation == WD_OP_INSTALL)
        a.operation = WD_OP_FEATURE_UPDATE;
    a.count = -1;
    a.component = "history";
    a.where.kind = WD_LOC_ROW;
    a.where.source = h->in->path;
    a.where.line = wd_csv_line(h->csv);
    row_detail(h, &a, errors);
    a.detail = wd_buf_ok(&h->value) ? wd_buf_cstr(&h->value) : NULL;
    rc = h->sink->activity ? h->sink->activity(h->sink->ctx, &a) : 0;
    if (rc == 0)
        h->sum->kept++;
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
