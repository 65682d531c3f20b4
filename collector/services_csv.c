/* services_csv.c - reads service lists exported as CSV: `Get-CimInstance
 * Win32_Service | Export-Csv` (State, StartMode, DelayedAutoStart, ProcessId)
 * and `Get-Service | Export-Csv` (Status, StartType), columns found by name. */
#include "internal.h"

#include <string.h>

typedef struct {
    int name, display, state, status, start_mode, start_type, startup_type, delayed, pid, exit_code,
        service_exit_code, system_name;
} columns;

static void find_columns(const wd_csv *c, columns *k)
{
    k->name = wd_csv_column(c, "Name");
    if (k->name < 0)
        k->name = wd_csv_column(c, "ServiceName");
    k->display = wd_csv_column(c, "DisplayName");
    k->state = wd_csv_column(c, "State");   /* Win32_Service: "Running" */
    k->status = wd_csv_column(c, "Status"); /* Get-Service: "Running"; Win32_Service: "OK" */
    k->start_mode = wd_csv_column(c, "StartMode");
    k->start_type = wd_csv_column(c, "StartType");
    k->startup_type = wd_csv_column(c, "StartupType"); /* PowerShell 7 */
    k->delayed = wd_csv_column(c, "DelayedAutoStart");
    k->pid = wd_csv_column(c, "ProcessId");
    k->exit_code = wd_csv_column(c, "ExitCode");
    k->service_exit_code = wd_csv_column(c, "ServiceSpecificExitCode");
    k->system_name = wd_csv_column(c, "SystemName");
}

/* A field without surrounding blanks, copied into buf (NULL when absent). */
static const char *value(const wd_csv *c, int col, char *buf, size_t size)
{
    const char *v = wd_csv_field(c, col);
    if (!v)
        return NULL;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return buf;
}

static const char *map_state(const char *v)
{
    static const char *const words[] = {"Stopped",         "StartPending", "StopPending", "Running",
                                        "ContinuePending", "PausePending", "Paused"};
    int64_t code;
    if (!v)
        return "unknown";
    if (wd_parse_i64(v, &code) == 0)
        return wd_service_state_from_code(code);
    char squeezed[32];
    size_t o = 0;
    for (const char *p = v; *p && o + 1 < sizeof squeezed; p++)
        if (*p != ' ' && *p != '_' && *p != '-')
            squeezed[o++] = *p;
    squeezed[o] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (wd_strcaseeq(squeezed, words[i]))
            return wd_service_state_from_code((int64_t)i + 1);
    return "unknown";
}

static int is_true(const char *v)
{
    return v && (wd_strcaseeq(v, "True") || wd_strcaseeq(v, "1") || wd_strcaseeq(v, "Yes"));
}

/* StartMode "Auto", StartType "Automatic", StartupType "AutomaticDelayedStart",
 * or the numbers 0..4. */
static const char *map_start(const char *v, int delayed)
{
    int64_t code;
    if (!v || !*v)
        return "unknown";
    if (wd_parse_i64(v, &code) == 0)
        return wd_service_start_from_code(code, delayed);
    if (wd_strcaseeq(v, "AutomaticDelayedStart") || wd_strcaseeq(v, "Automatic (Delayed Start)"))
        return "delayed-auto";
    if (wd_strcaseeq(v, "Auto") || wd_strcaseeq(v, "Automatic"))
        return delayed ? "delayed-auto" : "auto";
    if (wd_strcaseeq(v, "Manual") || wd_strcaseeq(v, "Demand"))
        return "manual";
    if (wd_strcaseeq(v, "Disabled"))
        return "disabled";
    if (wd_strcaseeq(v, "Boot"))
        return "boot";
    if (wd_strcaseeq(v, "System"))
        return "system";
    return "unknown";
}

static int64_t number(const char *v)
{
    int64_t n;
    return v && wd_parse_i64(v, &n) == 0 ? n : -1;
}

/* The start type from whichever column the export has. */
static const char *row_start(const wd_csv *c, const columns *k)
{
    char buf[64], dl[16];
    int delayed = is_true(value(c, k->delayed, dl, sizeof dl));
    const char *s = map_start(value(c, k->startup_type, buf, sizeof buf), delayed);
    if (!strcmp(s, "unknown"))
        s = map_start(value(c, k->start_mode, buf, sizeof buf), delayed);
    if (!strcmp(s, "unknown"))
        s = map_start(value(c, k->start_type, buf, sizeof buf), delayed);
    return s;
}

/* SystemName becomes the fact machine.name (once per file). */
static int machine_fact(const wd_csv *c, const columns *k, wd_input *in, const wd_sink *sink,
                        int *sent)
{
    char buf[256];
    const char *v = value(c, k->system_name, buf, sizeof buf);
    if (*sent || !v || !*v || !strcmp(v, "."))
        return 0;
    *sent = 1;
    wd_fact_rec f = {"machine.name", v, in->path, NULL};
    return sink->fact ? sink->fact(sink->ctx, &f) : 0;
}

static int emit_row(const wd_csv *c, const columns *k, wd_input *in, const wd_sink *sink,
                    wd_source_rec *sum, wd_listing *listing)
{
    char name[512], display[1024], state[64];
    const char *n = value(c, k->name, name, sizeof name);
    int cut = wd_csv_row_cut(c);
    if ((wd_csv_row_error(c) && !cut) || !n || !*n) {
        sum->errors++;
        return wd_note(sink, WD_NOTE_PARTIAL, in->path,
                       wd_csv_row_error(c) ? wd_csv_row_error(c) : "row without a service name",
                       "line %llu", (unsigned long long)wd_csv_line(c));
    }
    const char *st = value(c, k->state >= 0 ? k->state : k->status, state, sizeof state);
    char num[3][32];
    wd_service_rec rec = {n,
                          value(c, k->display, display, sizeof display),
                          map_state(st),
                          row_start(c, k),
                          number(value(c, k->pid, num[0], sizeof num[0])),
                          number(value(c, k->exit_code, num[1], sizeof num[1])),
                          number(value(c, k->service_exit_code, num[2], sizeof num[2])),
                          in->path};
    int rc = sink->service ? sink->service(sink->ctx, &rec) : 0;
    if (rc == 0)
        sum->kept++;
    wd_listing_add(listing, rec.name, rec.state);
    if (rc == 0 && cut) /* a cut line: the columns before the cut are whole */
        rc = wd_note(sink, WD_NOTE_LIMIT, in->path,
                     "line longer than 1 MiB: the service is kept with the columns before the cut",
                     "line %llu", (unsigned long long)wd_csv_line(c));
    return rc;
}

int wd_source_services_csv(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    wd_csv *c = NULL;
    columns k;
    int rc = 0, r = 0, machine_sent = 0;
    wd_listing listing = {0};
    if (wd_csv_open(&c, in))
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    find_columns(c, &k);
    if (k.name < 0) {
        summary->errors++;
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, "no Name column in the service list", "line %llu",
                     (unsigned long long)wd_csv_line(c));
        wd_csv_free(c);
        return rc;
    }
    while (rc == 0 && (r = wd_csv_next(c)) == 1) {
        summary->records++;
        rc = machine_fact(c, &k, in, sink, &machine_sent);
        if (rc == 0)
            rc = emit_row(c, &k, in, sink, summary, &listing);
    }
    if (rc == 0 && r < 0)
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    if (rc == 0)
        rc = wd_listing_fact(&listing, in->path, sink);
    wd_csv_free(c);
    return rc;
}
