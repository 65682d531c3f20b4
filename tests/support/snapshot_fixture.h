/* snapshot_fixture.h - builds a snapshot in a fresh database from the record
 * lines tests/report/rules.c's fixtures use, for suites that judge it:
 *   time ISO                         the end of the evidence (capture.time)
 *   service NAME | STATE | START [| EXIT]
 *   activity OP | OUTCOME | CODE | TIME | KB | TITLE | PRODUCT [| k=v;k=v]
 *                                    k: service target count package update session
 *   fact KEY | VALUE [| TIME]
 *   note KIND | SOURCE | REASON
 *   computer NAME [| N [| TIME]]     N System events naming the computer
 *   past VERDICT                     an earlier snapshot of the machine
 * ("|" separates fields, "-" is an empty value; other lines are left to the
 * suite.) */
#ifndef WD_TEST_SNAPSHOT_FIXTURE_H
#define WD_TEST_SNAPSHOT_FIXTURE_H

#include "store.h"

#define WDT_FIELDS 9

typedef struct wdt_snapshot {
    char *dir, *path;
    wd_store *s;
    int64_t snap;
    char capture_time[WD_TIME_MAX];
} wdt_snapshot;

/* Splits "a | b | c" in place into trimmed fields (WDT_FIELDS, the rest
 * ""); returns the count. */
size_t wdt_split(char *s, char **f);
/* A fresh database in a temporary folder; close removes it. */
void wdt_snapshot_open(wdt_snapshot *d);
void wdt_snapshot_close(wdt_snapshot *d);
/* 1 when kind is one of the keywords above. */
int wdt_snapshot_keyword(const char *kind);
/* Stores the record lines of text as one snapshot of machine PC-TEST and
 * finishes it (readable, not committed). */
void wdt_snapshot_load(wdt_snapshot *d, const char *text);

#endif
