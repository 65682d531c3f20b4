/* store_test.h - helpers the store suites share: a per-test database path,
 * a snapshot writer with many generated events and failed installs, and direct
 * SQLite queries to check what landed in the file. */
#ifndef WD_STORE_TEST_H
#define WD_STORE_TEST_H

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "support.h"

/* A failed install of "Some update" (KB5000001) with code, told by line
 * `line` of the text log `source` (component "Agent"). */
static inline wd_activity_rec st_failed_install(uint32_t code, const char *time,
                                                const char *computer, const char *source,
                                                uint64_t line)
{
    wd_activity_rec a = {.operation = WD_OP_INSTALL,
                         .outcome = WD_OUT_FAILED,
                         .has_code = 1,
                         .code = code,
                         .time = time,
                         .kb = "KB5000001",
                         .title = "Some update",
                         .count = -1,
                         .component = "Agent",
                         .detail = "FATAL: failed",
                         .computer = computer,
                         .where = {WD_LOC_LINE, source, line, NULL, 0, 0}};
    return a;
}

/* Writes one snapshot of machine `computer`: `nevents` System events with
 * record ids first..first+nevents-1 (two fields each) and `nfailures`
 * failed installs (WindowsUpdate.log lines 1..nfailures). Returns the store's code; *id gets the snapshot id. */
static inline int st_write_snapshot(wd_store *s, const char *computer, uint64_t first,
                                    int nevents, int nfailures, int64_t *id)
{
    char time[WD_TIME_MAX], value[32];
    int rc = wd_store_begin(s, "wudiag collect --test", "/evidence");
    for (int i = 0; !rc && i < nevents; i++) {
        snprintf(value, sizeof value, "KB%d", 5000000 + i);
        wd_field fields[2] = {{"updateTitle", "2024-01 Cumulative Update"}, {"updateGuid", value}};
        wd_time_format(1700000000 + (int64_t)(first + (uint64_t)i), 0, time);
        wd_event_rec e = {"System", "Microsoft-Windows-WindowsUpdateClient", 20, 2,
                          first + (uint64_t)i, time, computer, fields, 2, "System.evtx"};
        rc = wd_store_add_event(s, &e);
    }
    for (int i = 0; !rc && i < nfailures; i++) {
        wd_activity_rec f = st_failed_install(0x80070002u + (uint32_t)i, "2024-01-02T03:04:05Z",
                                              computer, "WindowsUpdate.log", (uint64_t)i + 1);
        rc = wd_store_add_activity(s, &f);
    }
    if (!rc)
        return wd_store_commit(s, id);
    wd_store_rollback(s);
    return rc;
}

/* One integer from a query on the file, through a plain connection. */
static inline int64_t st_query(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The text of one query result (malloc'd), or NULL. */
static inline char *st_query_text(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *v = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static inline int st_file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

#endif
