/* store.h - the history database: one SQLite file holding every snapshot of
 * every machine. Writing happens one snapshot at a time in one transaction;
 * reading goes through the iterators below (the report's only way in). No
 * SQLite type appears in this header. */
#ifndef WD_STORE_H
#define WD_STORE_H

#include "common.h"

#include <stdint.h>

typedef struct wd_store wd_store;

enum {
    WD_STORE_READONLY = 1, /* open for reading; never creates or migrates */
    WD_STORE_CREATE = 2,   /* create the file (and its folder) if missing */
};

/* The default database path: %ProgramData%\wudiag\history.db on Windows,
 * $XDG_DATA_HOME/wudiag/history.db (else ~/.local/share/wudiag/history.db).
 * Appends it to out. */
int wd_store_default_path(wd_buf *out);

/* Opens (and with WD_STORE_CREATE creates and migrates) a database. Refuses,
 * without touching it, a file that is not a wudiag database (WD_EFORMAT),
 * one from a newer wudiag (WD_ENEWER) or a damaged one (WD_ECORRUPT).
 * Free with wd_store_close. */
int wd_store_open(const char *path, int flags, wd_store **out);
void wd_store_close(wd_store *s); /* NULL-safe */
const char *wd_store_path(const wd_store *s);

/* ------------------------------------------------------------- writing */

/* Starts a snapshot (opens its transaction). command_line and evidence (the
 * evidence path, or "live") are stored with it. */
int wd_store_begin(wd_store *s, const char *command_line, const char *evidence);
int wd_store_add_service(wd_store *s, const wd_service_rec *r);
int wd_store_add_event(wd_store *s, const wd_event_rec *r);
int wd_store_add_failure(wd_store *s, const wd_failure_rec *r);
int wd_store_add_fact(wd_store *s, const wd_fact_rec *r);
int wd_store_add_note(wd_store *s, const wd_note_rec *r);
int wd_store_add_source(wd_store *s, const wd_source_rec *r);
/* Decides the machine (the name the evidence gives most often, else
 * "unknown"), commits, and returns the new snapshot id. On failure nothing
 * of the snapshot remains. */
int wd_store_commit(wd_store *s, int64_t *snapshot_id);
/* Drops the open snapshot (NULL-safe, no-op when none is open). */
void wd_store_rollback(wd_store *s);

/* A finding as the analysis made it (the store only keeps it). */
typedef struct wd_finding_rec {
    const char *rule;        /* rule id, e.g. "service-disabled" */
    const char *severity;    /* "critical", "error", "warning", "info" */
    const char *title;
    const char *explanation;
    const char *fixes;       /* fix ids in order, comma-separated */
    const char *evidence;    /* references, comma-separated: "failure:12",
                                "event:40", "service:3", "fact:7", "note:2" */
} wd_finding_rec;

/* Replaces a snapshot's findings and verdict ("healthy", "warning",
 * "failing") in one transaction. */
int wd_store_save_analysis(wd_store *s, int64_t snapshot_id, const char *verdict,
                           const wd_finding_rec *findings, size_t n);

/* ------------------------------------------------------------- reading */

typedef struct wd_snapshot_info {
    int64_t id;
    const char *machine;
    const char *collected_at; /* when wudiag ran (ISO UTC) */
    const char *evidence_time; /* the newest time in the evidence, or NULL */
    const char *command_line;
    const char *evidence;
    const char *verdict;      /* NULL until analysed */
    int64_t failures;         /* failure rows */
    int64_t findings;         /* finding rows */
    int64_t events;           /* events the snapshot covers */
} wd_snapshot_info;

/* Calls cb for the snapshot (strings valid during the call). */
int wd_store_snapshot(wd_store *s, int64_t id,
                      int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx);
/* The newest snapshot, of one machine when machine is not NULL. */
int wd_store_latest(wd_store *s, const char *machine, int64_t *id);
/* Snapshots in time order (machine and since may be NULL). */
int wd_store_list(wd_store *s, const char *machine, const char *since,
                  int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx);

/* Iterators over one snapshot's rows; row_id is the row's id (what a
 * finding's evidence reference names). A non-zero return from cb stops the
 * walk and is returned. */
int wd_store_services(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_service_rec *r), void *ctx);
int wd_store_events(wd_store *s, int64_t snap,
                    int (*cb)(void *ctx, int64_t row_id, const wd_event_rec *r), void *ctx);
int wd_store_failures(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_failure_rec *r), void *ctx);
int wd_store_facts(wd_store *s, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_fact_rec *r), void *ctx);
int wd_store_notes(wd_store *s, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_note_rec *r), void *ctx);
int wd_store_sources(wd_store *s, int64_t snap,
                     int (*cb)(void *ctx, int64_t row_id, const wd_source_rec *r), void *ctx);
int wd_store_findings(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_finding_rec *r), void *ctx);

#endif
