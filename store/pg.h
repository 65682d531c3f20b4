/* pg.h - private to the store: the PostgreSQL half (libpq). A fleet
 * database holds the same typed rows as a history file, each snapshot's rows
 * keyed by (snapshot_id, id) with the ids they had in the file they were
 * pushed from, so a finding's references need no renumbering. No libpq type
 * appears here; pg_*.c compile to stubs when wudiag is built without it. */
#ifndef WD_STORE_PG_H
#define WD_STORE_PG_H

#include "store.h"

/* The fleet schema this wudiag writes (wudiag.meta 'schema'). */
#define WD_PG_SCHEMA 1
/* Snapshots pushed per transaction (a batch that fails is tried again one
 * snapshot per transaction). */
#ifndef WD_PG_BATCH
#define WD_PG_BATCH 100
#endif
/* The PostgreSQL schema (namespace) wudiag's tables live in. */
#define WD_PG_NAMESPACE "wudiag"

typedef struct wd_pg wd_pg;

/* Connects to url (shown is its redacted form, for messages), sets the
 * search path to wudiag's schema and UTF-8 text. With create, makes or
 * migrates the schema (under an advisory lock: concurrent pushers create it
 * once); without, refuses a database that has none or a newer one. */
int wd_pg_connect(const char *url, const char *shown, int create, wd_pg **out);
void wd_pg_close(wd_pg *pg); /* NULL-safe */
int wd_pg_version(const wd_pg *pg);

/* A row of text columns handed to a callback: col[i] is NULL for SQL NULL. */
typedef int (*wd_pg_row_fn)(void *ctx, const char *const *col, int ncols);

/* Runs sql ($1.. bound to the texts in params, NULL for SQL NULL) and hands
 * every row to fn through a cursor fetched in batches (memory flat; fn may
 * run other queries). Inside the read transaction wd_pg_begin_read opened,
 * or its own. *rows (may be NULL) counts the rows. */
int wd_pg_walk(wd_pg *pg, const char *sql, int nparams, const char *const *params,
               wd_pg_row_fn fn, void *ctx, int64_t *rows);
/* Runs a statement without rows; *changed (may be NULL) gets the rows it
 * changed. */
int wd_pg_exec(wd_pg *pg, const char *sql, int nparams, const char *const *params,
               int64_t *changed);
/* Opens one read-only, repeatable-read transaction: every later read sees
 * the same fleet. */
int wd_pg_begin_read(wd_pg *pg);

/* The read API of store.h over a fleet database (pg_read.c); the public
 * functions hand over to these when the store is one. */
int wd_pg_snapshot(wd_store *s, wd_pg *pg, int64_t id,
                   int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx);
int wd_pg_latest(wd_store *s, wd_pg *pg, const char *machine, int64_t *id);
int wd_pg_list(wd_store *s, wd_pg *pg, const char *machine, const char *since,
               int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx);
int wd_pg_activities(wd_store *s, wd_pg *pg, int64_t snap, const wd_activity_query *q,
                     int (*cb)(void *ctx, const wd_activity_row *row), void *ctx);
int wd_pg_computers(wd_store *s, wd_pg *pg, int64_t snap,
                    int (*cb)(void *ctx, const wd_computer_info *c), void *ctx);
int wd_pg_ref(wd_store *s, wd_pg *pg, int64_t snap, wd_ref ref,
              int (*cb)(void *ctx, const wd_ref_row *row), void *ctx);
int wd_pg_services(wd_store *s, wd_pg *pg, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_service_rec *r), void *ctx);
int wd_pg_events(wd_store *s, wd_pg *pg, int64_t snap,
                 int (*cb)(void *ctx, int64_t row_id, const wd_event_rec *r), void *ctx);
int wd_pg_facts(wd_store *s, wd_pg *pg, int64_t snap,
                int (*cb)(void *ctx, int64_t row_id, const wd_fact_rec *r), void *ctx);
int wd_pg_notes(wd_store *s, wd_pg *pg, int64_t snap,
                int (*cb)(void *ctx, int64_t row_id, const wd_note_rec *r), void *ctx);
int wd_pg_sources(wd_store *s, wd_pg *pg, int64_t snap,
                  int (*cb)(void *ctx, int64_t row_id, const wd_source_rec *r), void *ctx);
int wd_pg_findings(wd_store *s, wd_pg *pg, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_finding_rec *r), void *ctx);

/* The read API's hand-over: the public function returns the backend's
 * answer when s is a fleet database. */
#ifdef WD_HAVE_PG
#define WD_PG_DISPATCH(s, call)                                                            \
    do {                                                                                   \
        if ((s) && (s)->pg)                                                                \
            return call;                                                                   \
    } while (0)
#else
#define WD_PG_DISPATCH(s, call)                                                            \
    do {                                                                                   \
    } while (0)
#endif

/* Test hook: when set, called after each step of pushing a snapshot
 * ("begin", "snapshot", a table name, "commit") with the snapshot's uid. */
extern void (*wd_pg__push_hook)(const char *step, const char *uid);

#endif
