/* store_ingest.c - issue 4 benchmark helper: stores N generated Windows
 * Update events as one snapshot through wd_store_add_event and times it,
 * then writes the very same rows as CSV for the sqlite3 shell's .import
 * (bench/store_ingest.py runs both and prints the ratio). With "activities",
 * stores N distinct generated activities through wd_store_add_activity
 * instead (the script exports what it stored for the .import).
 *
 * Usage: bench_store_ingest DIR [EVENTS] [activities]   writes DIR/ours.db
 * (DIR/ours-activities.db), the DIR CSV files and prints "events=N seconds=S"
 * (or "activities=N seconds=S") on stdout. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NFIELDS 5

typedef struct gen_event {
    char time[WD_TIME_MAX];
    char guid[64];
    char code[12];
    char title[96];
    char rev[8];
    wd_field fields[NFIELDS];
    wd_event_rec rec;
} gen_event;

static const char *const channels[] = {"System", "Setup",
                                       "Microsoft-Windows-WindowsUpdateClient/Operational"};
static const uint32_t event_ids[] = {19, 20, 43, 44, 31};

/* Event i, deterministic, shaped like the WindowsUpdateClient events. */
static void generate(gen_event *g, size_t i)
{
    wd_time_format(1500000000 + (int64_t)i * 37, (int32_t)(i % 1000000), g->time);
    snprintf(g->guid, sizeof g->guid, "{%08zx-1b2c-4d3e-8f40-%012zx}",
             i * 2654435761u % 0xffffffffu, i);
    snprintf(g->code, sizeof g->code, "0x%08X", 0x80240000u + (unsigned)(i % 64));
    snprintf(g->title, sizeof g->title,
             "2017-%02zu Cumulative Update for Windows 10 Version 1703 (KB40%05zu)", i % 12 + 1,
             i % 100000);
    snprintf(g->rev, sizeof g->rev, "%zu", i % 300);
    g->fields[0] = (wd_field){"errorCode", g->code};
    g->fields[1] = (wd_field){"updateTitle", g->title};
    g->fields[2] = (wd_field){"updateGuid", g->guid};
    g->fields[3] = (wd_field){"updateRevisionNumber", g->rev};
    g->fields[4] = (wd_field){"serviceGuid", "{7971f918-a847-4430-9279-4a52d1efe18d}"};
    g->rec = (wd_event_rec){channels[i % 3], "Microsoft-Windows-WindowsUpdateClient",
                            event_ids[i % 5], (int)(i % 5), 1000 + (uint64_t)i, g->time,
                            "DESKTOP-BENCH.contoso.local", g->fields, NFIELDS,
                            "evtx/System.evtx"};
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A CSV field: always quoted, quotes doubled. */
static void csv(FILE *f, const char *s, char end)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
    fputc(end, f);
}

/* The rows the store wrote, as .import input: event, event_field and
 * snapshot_event, ids as the store gave them (1..n in a fresh file). */
static int write_csv(const char *dir, const gen_event *g, size_t n, int64_t snap)
{
    char path[4096];
    FILE *fe, *ff, *fs;
    snprintf(path, sizeof path, "%s/event.csv", dir);
    fe = fopen(path, "w");
    snprintf(path, sizeof path, "%s/event_field.csv", dir);
    ff = fopen(path, "w");
    snprintf(path, sizeof path, "%s/snapshot_event.csv", dir);
    fs = fopen(path, "w");
    if (!fe || !ff || !fs)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const wd_event_rec *r = &g[i].rec;
        fprintf(fe, "%zu,", i + 1);
        csv(fe, r->computer, ',');
        csv(fe, r->channel, ',');
        fprintf(fe, "%llu,", (unsigned long long)r->record_id);
        csv(fe, r->time, ',');
        csv(fe, r->provider, ',');
        fprintf(fe, "%u,%d\n", r->event_id, r->level);
        for (size_t k = 0; k < r->nfields; k++) {
            fprintf(ff, "%zu,%zu,", i + 1, k);
            csv(ff, r->fields[k].name, ',');
            csv(ff, r->fields[k].value, '\n');
        }
        fprintf(fs, "%lld,%zu,", (long long)snap, i + 1);
        csv(fs, r->source, '\n');
    }
    return fclose(fe) | fclose(ff) | fclose(fs);
}

/* Activity i: distinct, shaped like what the readers send for a
 * WindowsUpdate.log or CBS.log line (times, codes, updates vary). */
typedef struct gen_activity {
    char time[WD_TIME_MAX];
    char guid[40];
    char kb[24];
    char title[96];
    char detail[160];
    wd_activity_rec rec;
} gen_activity;

static void generate_activity(gen_activity *g, size_t i)
{
    static const wd_op ops[] = {WD_OP_SCAN, WD_OP_DOWNLOAD, WD_OP_INSTALL, WD_OP_SERVICING};
    static const wd_outcome outs[] = {WD_OUT_SUCCEEDED, WD_OUT_FAILED, WD_OUT_TRACE,
                                      WD_OUT_IN_PROGRESS, WD_OUT_PENDING_REBOOT};
    wd_time_format(1500000000 + (int64_t)i * 13, (int32_t)(i % 1000000), g->time);
    snprintf(g->guid, sizeof g->guid, "%08zX-1B2C-4D3E-8F40-%012zX",
             i * 2654435761u % 0xffffffffu, i);
    snprintf(g->kb, sizeof g->kb, "KB%zu", 4000000 + i);
    snprintf(g->title, sizeof g->title,
             "2017-%02zu Cumulative Update for Windows 10 Version 1703 (%s)", i % 12 + 1, g->kb);
    snprintf(g->detail, sizeof g->detail,
             "Agent  * END * Installing updates, %s, Exit code = 0x%08X", g->kb,
             0x80240000u + (unsigned)(i % 64));
    g->rec = (wd_activity_rec){
        .operation = ops[i % 4], .outcome = outs[i % 5], .has_code = (i % 5) != 0,
        .code = 0x80240000u + (uint32_t)(i % 64), .time = g->time, .update_id = g->guid,
        .kb = g->kb, .title = g->title, .product = WD_PRODUCT_OS_CUMULATIVE, .count = -1,
        .component = "Agent", .detail = g->detail, .computer = "DESKTOP-BENCH",
        .where = {WD_LOC_LINE, "Logs/WindowsUpdate.log", 1 + (uint64_t)i, NULL, 0, 0}};
}

/* The activities mode: stores n distinct activities, prints the time. */
static int run_activities(const char *dir, size_t n)
{
    char path[4096];
    wd_store *s = NULL;
    int64_t snap = 0;
    gen_activity *g = calloc(n, sizeof *g);
    if (!g)
        return 2;
    for (size_t i = 0; i < n; i++)
        generate_activity(&g[i], i);
    snprintf(path, sizeof path, "%s/ours-activities.db", dir);
    remove(path);
    int rc = wd_store_open(path, WD_STORE_CREATE, &s);
    double t0 = now();
    if (!rc)
        rc = wd_store_begin(s, "bench", "generated");
    for (size_t i = 0; !rc && i < n; i++)
        rc = wd_store_add_activity(s, &g[i].rec);
    if (!rc)
        rc = wd_store_commit(s, &snap);
    double t1 = now();
    wd_store_close(s);
    free(g);
    if (rc) {
        fprintf(stderr, "bench_store_ingest: %s\n", wd_error_last());
        return 1;
    }
    printf("activities=%zu seconds=%.6f\n", n, t1 - t0);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 200000;
    if (argc > 3 && !strcmp(argv[3], "activities"))
        return n ? run_activities(argv[1], n) : 2;
    char path[4096];
    wd_store *s = NULL;
    int64_t snap = 0;
    gen_event *g = calloc(n, sizeof *g);
    if (argc < 2 || !g || n == 0) {
        fprintf(stderr, "usage: bench_store_ingest DIR [EVENTS]\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++)
        generate(&g[i], i);
    snprintf(path, sizeof path, "%s/ours.db", argv[1]);
    remove(path);
    int rc = wd_store_open(path, WD_STORE_CREATE, &s);
    double t0 = now();
    if (!rc)
        rc = wd_store_begin(s, "bench", "generated");
    for (size_t i = 0; !rc && i < n; i++)
        rc = wd_store_add_event(s, &g[i].rec);
    if (!rc)
        rc = wd_store_commit(s, &snap);
    double t1 = now();
    wd_store_close(s);
    if (rc) {
        fprintf(stderr, "bench_store_ingest: %s\n", wd_error_last());
        return 1;
    }
    if (write_csv(argv[1], g, n, snap) != 0) {
        fprintf(stderr, "bench_store_ingest: cannot write the CSV files in %s\n", argv[1]);
        return 1;
    }
    printf("events=%zu seconds=%.6f\n", n, t1 - t0);
    free(g);
    return 0;
}
