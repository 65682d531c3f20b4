/* fleet_gen.c - issue 4 benchmark helper: writes one machine's history
 * database of DAYS daily snapshots through the store API, each shaped like a
 * real collection (services, a sliding window of update events, failures,
 * facts, sources, findings), for bench/fleet.py to merge and list.
 *
 * Usage: bench_fleet_gen OUT.db MACHINE_NUMBER [DAYS]   (DAYS defaults to 365) */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENTS_PER_DAY 20 /* the window each snapshot sees */
#define NEW_PER_DAY 5     /* records the log gained since the day before */
#define DAY 86400
#define YEAR_START 1735718400 /* 2025-01-01T08:00:00Z */

static const char *const service_names[] = {
    "wuauserv", "BITS", "CryptSvc", "TrustedInstaller", "UsoSvc", "WaaSMedicSvc", "DoSvc",
    "msiserver", "AppIDSvc", "EventLog", "RpcSs", "DcomLaunch", "Winmgmt", "Schedule",
    "LanmanWorkstation",
};
#define NSERVICES (sizeof service_names / sizeof *service_names)

typedef struct gen {
    int machine; /* 1.. */
    int day;     /* 0.. */
    char name[64];
} gen;

static int add_services(wd_store *s, const gen *g)
{
    int rc = WD_OK;
    for (size_t i = 0; !rc && i < NSERVICES; i++) {
        /* every seventh machine has wuauserv disabled for a month */
        int broken = i == 0 && g->machine % 7 == 0 && g->day >= 100 && g->day < 130;
        int on_demand = i == 0 || i == 1 || i == 3 || i == 7;
        wd_service_rec r = {service_names[i], NULL, broken || on_demand ? "stopped" : "running",
                            broken ? "disabled" : on_demand ? "manual" : "auto",
                            on_demand ? -1 : 400 + (int64_t)i * 4, broken ? 1058 : 0, 0,
                            "services.csv"};
        rc = wd_store_add_service(s, &r);
    }
    return rc;
}

/* Record id rec of the machine's System log: an update event every few
 * hours; one in eight an installation failure (event 20). */
static int add_event(wd_store *s, const gen *g, uint64_t rec, int *failures)
{
    char time[WD_TIME_MAX], title[96], guid[64], code[12];
    int fail = rec % 8 == 0;
    uint32_t id = fail ? 20 : rec % 3 == 0 ? 43 : rec % 3 == 1 ? 44 : 19;
    uint32_t hr = 0x80240000u + (uint32_t)(rec % 5) * 0x11;
    wd_time_format(YEAR_START - DAY * 4 + (int64_t)rec * (DAY / NEW_PER_DAY), 0, time);
    snprintf(title, sizeof title, "2025-%02d Cumulative Update for Windows 11 (KB50%05llu)",
             (int)(rec / 150 % 12) + 1, (unsigned long long)(rec / 40));
    snprintf(guid, sizeof guid, "{%08llx-5d1c-4b7a-9f2e-%012llx}",
             (unsigned long long)(rec / 40 * 2654435761u % 0xffffffffu),
             (unsigned long long)(rec / 40));
    snprintf(code, sizeof code, "0x%08X", hr);
    wd_field f[4] = {{"updateTitle", title}, {"updateGuid", guid},
                     {"updateRevisionNumber", "1"}, {"errorCode", code}};
    wd_event_rec e = {"System", "Microsoft-Windows-WindowsUpdateClient", id, fail ? 2 : 4,
                      rec, time, g->name, f, fail ? 4 : 3, "evtx/System.evtx"};
    int rc = wd_store_add_event(s, &e);
    if (!rc && fail) {
        char kb[32];
        snprintf(kb, sizeof kb, "KB50%05llu", (unsigned long long)(rec / 40));
        wd_activity_rec r = {.operation = WD_OP_INSTALL,
                             .outcome = WD_OUT_FAILED,
                             .has_code = 1,
                             .code = hr,
                             .time = time,
                             .update_id = guid,
                             .kb = kb,
                             .title = title,
                             .count = -1,
                             .detail = "Installation Failure: Windows failed to install the update",
                             .computer = g->name,
                             .where = {WD_LOC_EVENT, "evtx/System.evtx", 0, "System", rec, 0}};
        rc = wd_store_add_activity(s, &r);
        ++*failures;
    }
    return rc;
}

static int add_facts(wd_store *s, const gen *g, int failures)
{
    char free_bytes[32], installs[16], build[32];
    snprintf(free_bytes, sizeof free_bytes, "%lld",
             (long long)(40 - g->day % 30) * 1024 * 1024 * 1024 + g->machine * 4096);
    snprintf(installs, sizeof installs, "%d", g->day / 7 + failures);
    snprintf(build, sizeof build, "22631.%d", 4000 + g->day / 30 * 60);
    wd_fact_rec facts[] = {
        {"machine.name", g->name, "systeminfo.txt", NULL},
        {"os.build", build, "systeminfo.txt", NULL},
        {"os.product", "Windows 11 Enterprise", "systeminfo.txt", NULL},
        {"disk.system.free_bytes", free_bytes, "systeminfo.txt", NULL},
        {"reboot.pending.cbs", g->day % 9 == 0 ? "1" : "0", "reg/RebootPending.reg", NULL},
        {"policy.wu.WUServer", g->machine % 2 ? "http://wsus.contoso.local:8530" : NULL,
         "reg/WindowsUpdate.reg", NULL},
        {"history.install", installs, "history.csv", NULL},
        {"capture.time", "2025-01-01T08:00:00Z", "capture.txt", NULL},
    };
    int rc = WD_OK;
    for (size_t i = 0; !rc && i < sizeof facts / sizeof *facts; i++)
        if (facts[i].value)
            rc = wd_store_add_fact(s, &facts[i]);
    return rc;
}

static int add_sources(wd_store *s, const gen *g)
{
    wd_source_rec src[] = {{"evtx/System.evtx", "evtx", 4800, EVENTS_PER_DAY, 0},
                           {"services.csv", "services-csv", NSERVICES, NSERVICES, 0},
                           {"systeminfo.txt", "systeminfo", 40, 4, 0}};
    wd_note_rec note = {"evtx/Setup.evtx", "offset 69632",
                        "chunk checksum mismatch; chunk skipped", WD_NOTE_PARTIAL};
    int rc = WD_OK;
    for (size_t i = 0; !rc && i < sizeof src / sizeof *src; i++)
        rc = wd_store_add_source(s, &src[i]);
    if (!rc && g->day % 30 == 0)
        rc = wd_store_add_note(s, &note);
    return rc;
}

/* The latest failed activity and event rows of a snapshot, for the findings. */
static int keep_failure(void *ctx, const wd_activity_row *r)
{
    *(int64_t *)ctx = r->id;
    return 0;
}

static int keep_event(void *ctx, int64_t row, const wd_event_rec *r)
{
    (void)r;
    *(int64_t *)ctx = row;
    return 0;
}

static int analyse(wd_store *s, int64_t snap, int failures)
{
    int64_t failure = 0, event = 0;
    wd_activity_query q = {.outcomes = 1u << WD_OUT_FAILED};
    int rc = wd_store_activities(s, snap, &q, keep_failure, &failure);
    if (!rc)
        rc = wd_store_events(s, snap, keep_event, &event);
    if (rc)
        return rc;
    wd_ref refs[] = {{WD_REF_ACTIVITY, failure}, {WD_REF_EVENT, event}};
    wd_finding_rec f[] = {
        {.rule = "install-failures", .severity = "error", .title = "Updates fail to install", .explanation = "The same update failed to install on several days.", .fixes = "reset-wu-components,dism-restore", .refs = refs, .nrefs = 2},
        {.rule = "low-disk", .severity = "warning", .title = "Little free space on the system drive", .explanation = "Under 20 GB free; feature updates need more.", .fixes = "cleanmgr"},
    };
    return wd_store_save_analysis(s, snap, failures ? "failing" : "healthy", f,
                                  failures ? 2 : 0);
}

static int write_day(wd_store *s, const gen *g)
{
    int64_t snap = 0;
    int failures = 0;
    int rc = wd_store_begin(s, "wudiag collect --evidence \\\\fs01\\captures\\today",
                            "\\\\fs01\\captures\\today");
    if (!rc)
        rc = add_services(s, g);
    for (int i = 0; !rc && i < EVENTS_PER_DAY; i++)
        rc = add_event(s, g, (uint64_t)(g->day * NEW_PER_DAY + i + 1), &failures);
    if (!rc)
        rc = add_facts(s, g, failures);
    if (!rc)
        rc = add_sources(s, g);
    if (rc) {
        wd_store_rollback(s);
        return rc;
    }
    rc = wd_store_commit(s, &snap);
    return rc ? rc : analyse(s, snap, failures);
}

/* The store stamps collected_at with the time of the run; a year of daily
 * runs is simulated by moving each snapshot to its day (08:00 plus a
 * minute per machine). */
static int spread_over_days(const char *path, int machine)
{
    sqlite3 *db = NULL;
    char *sql = sqlite3_mprintf(
        "UPDATE snapshot SET collected_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', %lld"
        " + (id - 1) * 86400 + %d * 60, 'unixepoch')", (long long)YEAR_START, machine);
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "bench_fleet_gen: %s: %s\n", path, sqlite3_errmsg(db));
    sqlite3_free(sql);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    wd_store *s = NULL;
    gen g = {0, 0, ""};
    int days = 365, rc;
    if (argc < 3 || argc > 4) {
        fputs("usage: bench_fleet_gen OUT.db MACHINE_NUMBER [DAYS]\n", stderr);
        return 2;
    }
    g.machine = (int)strtol(argv[2], NULL, 10);
    if (argc == 4)
        days = (int)strtol(argv[3], NULL, 10);
    snprintf(g.name, sizeof g.name, "WS-%03d", g.machine);
    rc = wd_store_open(argv[1], WD_STORE_CREATE, &s);
    for (g.day = 0; !rc && g.day < days; g.day++)
        rc = write_day(s, &g);
    wd_store_close(s);
    if (rc) {
        fprintf(stderr, "bench_fleet_gen: %s\n", wd_error_last());
        return 1;
    }
    return spread_over_days(argv[1], g.machine);
}
