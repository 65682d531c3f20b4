/* internal.h - what the store's own files share: the wd_store struct with
 * its cached statements and the open snapshot's in-memory state, the schema
 * version constants, the SQLite error translation and the helpers the
 * writer, the reader and the merge have in common. */
#ifndef WD_STORE_INTERNAL_H
#define WD_STORE_INTERNAL_H

#include "pg.h"
#include "store.h"

#include <sqlite3.h>

/* The schema this wudiag writes; files up to it are read (older ones are
 * migrated forward when opened for writing, and read through the views of
 * legacy.c when opened read-only). */
#define WD_STORE_SCHEMA 5
/* The uid of a snapshot written before schema 2, which had none: derived
 * from what identifies the snapshot, so that every copy of an old file,
 * migrated or read as it is (merge.c), gives it the same uid. S names the
 * snapshot row, M the machine table (both SQL). */
#define WD_STORE_LEGACY_UID(S, M)                                                          \
    "printf('v1-%s-%s-%d', lower(coalesce((SELECT name FROM " M " WHERE " M ".id = " S     \
    ".machine_id), '')), " S ".collected_at, " S ".id)"
/* The uid of a new snapshot: 128 random bits (SQLite's generator, seeded
 * from the operating system's: /dev/urandom, BCryptGenRandom) as hex. */
#define WD_STORE_NEW_UID "lower(hex(randomblob(16)))"
/* PRAGMA application_id of every wudiag database: "WUDG". */
#define WD_STORE_APP_ID 0x57554447
/* How long a writer waits for another one (ms); begin waits longer since a
 * whole collection may be holding the lock. */
#define WD_STORE_BUSY_MS 10000
/* The Bloom filter of activity identities: 2^23 bits (1 MiB), two bits
 * per identity; wrong "maybe" answers stay below 1% up to 300,000
 * distinct activities and merely cost a look-up. */
#define WD_STORE_SEEN_BITS 23
/* The page cache of a writing connection, KiB (text: it goes into a pragma).
 * 8 MiB: measured with bench/store_ingest.py and bench/scale.py, 24 MiB
 * made no difference to the insert rate (within the noise of a loaded
 * machine) but pushed `wudiag collect` of 300,000 events to 77 MiB peak
 * RSS; 8 MiB keeps it at 41 MiB, under the 64 MiB budget. */
#define WD_STORE_CACHE_KIB "8192"
#define WD_STORE_BEGIN_BUSY_MS 120000

/* The columns of an activity row in the order every INSERT and SELECT of
 * the store lists them (legacy.c builds views with the same list). */
#define WD_ACTIVITY_COLUMNS                                                                \
    "id, snapshot_id, operation, outcome, code, has_code, time, update_id, kb, title, "    \
    "product, package, service, target, session, count, component, detail, computer, "     \
    "loc_kind, source, line, channel, record_id, event_id, subject, repeats, last_time, "  \
    "event_row, ident, nth"

/* The statements of the hot path, prepared once per connection. */
enum {
    ST_SERVICE,
    ST_EVENT_ADD,
    ST_EVENT_FIND,
    ST_FIELD,
    ST_LINK,
    ST_ACTIVITY,
    ST_ACT_LAST,
    ST_ACT_REPEAT,
    ST_FACT,
    ST_NOTE,
    ST_SOURCE,
    ST_COUNT
};

/* A machine name the open snapshot's evidence gave, and how often. */
typedef struct wd_machine_tally {
    char *name;
    uint64_t n;
} wd_machine_tally;

#define WD_STORE_MAX_MACHINES 64

/* What the open snapshot's evidence offers for a machine fingerprint when
 * it names no machine (finish.c): running hashes and the earliest records. */
#define WD_FP_FACTS 4 /* the identity fact keys (finish.c) */
typedef struct wd_fingerprint {
    uint64_t facts[WD_FP_FACTS]; /* FNV-1a of the first value of each identity fact */
    unsigned facts_seen;         /* bit i: facts[i] is set */
    uint64_t sources;            /* FNV-1a of the sources' names, kinds and counts */
    int nsources;
    wd_buf first_event;    /* "time|channel|record|provider|id" of the earliest event */
    wd_buf first_activity; /* "time|identity|source|line" of the earliest activity */
} wd_fingerprint;

struct wd_store {
    sqlite3 *db;
    wd_pg *pg;    /* a PostgreSQL fleet database (read-only; db is NULL) */
    char *path;   /* for a fleet database, its name with the password redacted */
    int readonly; /* opened read-only (asked, or the file or folder is) */
    int empty;    /* read-only file with no schema yet: an empty history */
    int version;  /* its schema (read-only files may be older) */
    sqlite3_stmt *stmt[ST_COUNT];

    /* the open snapshot (snap == 0: none) */
    int64_t snap;
    int finished;         /* wd_store_finish ran: readable, not yet committed */
    int failed;           /* a write failed: the snapshot was rolled back */
    char *failed_message; /* its message, repeated by later calls */
    char *machine_option; /* wd_store_set_machine */
    wd_machine_tally machines[WD_STORE_MAX_MACHINES];
    size_t nmachines;
    char *fact_machine;   /* fact "machine.name", which wins over events */
    char evidence_time[64];
    int64_t nevents, nactivities, nfailed; /* rows; failed ones counting repeats */
    /* the identities of the snapshot's activities seen so far, as a Bloom
     * filter of fixed size: an identity it has not seen is new for sure and
     * needs no look-up in the index (activity.c); NULL: always look up */
    uint64_t *seen;
    wd_fingerprint fp;
    /* the event added last, which the activities derived from it follow */
    int64_t last_event_row;
    uint64_t last_event_record;
    uint32_t last_event_id;
    wd_buf last_event_channel;

    /* reading: the fields of the event being handed out */
    wd_field *fields;
    size_t fieldcap;
};

/* Translates a SQLite result code into a WD_E* code and records a message
 * naming the file; `doing` says what was being done ("writing", ...). */
int wd_store__error(wd_store *s, int rc, const char *doing);

/* wd_store_ref for both backends: the row of one typed reference is handed
 * to the user's callback by these adapters of the row iterators, and a
 * reference that named no row is WD_ENOTFOUND through wd_store__ref_found. */
typedef struct wd_store__ref_ctx {
    int (*cb)(void *ctx, const wd_ref_row *row);
    void *ctx;
    wd_ref ref;
} wd_store__ref_ctx;
int wd_store__ref_event(void *ctx, int64_t id, const wd_event_rec *r);
int wd_store__ref_service(void *ctx, int64_t id, const wd_service_rec *r);
int wd_store__ref_fact(void *ctx, int64_t id, const wd_fact_rec *r);
int wd_store__ref_note(void *ctx, int64_t id, const wd_note_rec *r);
int wd_store__ref_source(void *ctx, int64_t id, const wd_source_rec *r);
int wd_store__ref_activity(void *ctx, const wd_activity_row *a);
int wd_store__ref_found(wd_store *s, int64_t snap, wd_ref ref, int rc, int64_t rows);
/* Runs SQL without parameters (schema, pragmas, BEGIN/COMMIT). */
int wd_store__exec(wd_store *s, const char *sql, const char *doing);
/* Opens the connection and brings the schema to WD_STORE_SCHEMA (schema.c). */
int wd_store__connect(wd_store *s, int flags);
/* Runs the migration steps after `from` up to and including `to` on an open
 * read-write store, inside the caller's transaction. Tests use it to build
 * files of every earlier version. */
int wd_store__migrate(wd_store *s, int from, int to);
/* Creates a file at schema `version` (0..WD_STORE_SCHEMA) for tests. */
int wd_store__create_version(const char *path, int version);
/* Appends the "file:" URI of path (percent-encoding what a URI cannot
 * hold) with the given query, e.g. "mode=ro" (schema.c). */
int wd_store__uri(const char *path, const char *query, wd_buf *out);
/* Fails with ENOTFOUND unless snapshot id exists (or the history is empty). */
int wd_store__check_snapshot(wd_store *s, int64_t id);

/* ----------------------------------------------------------- writing */

/* The cached statement `id`, reset and ready to bind; a SQLite code. */
int wd_store__stmt(wd_store *s, int id, sqlite3_stmt **out);
/* Steps a bound write statement to completion and resets it; a SQLite code. */
int wd_store__run(sqlite3_stmt *st);
/* A write inside the open snapshot failed (SQLite code): the snapshot is
 * rolled back at once and every later call repeats the error. */
int wd_store__fail(wd_store *s, int sqlite_rc);
/* WD_OK when a snapshot is open, healthy and still collecting. */
int wd_store__writable(wd_store *s, const void *rec);
/* Counts a machine name the evidence gives; notes the newest time. */
void wd_store__tally(wd_store *s, const char *name);
void wd_store__note_time(wd_store *s, const char *t);
/* FNV-1a over a string (NULL hashes differently from ""), chained. */
uint64_t wd_store__hash(uint64_t h, const char *s);
#define WD_STORE_HASH_SEED 0xcbf29ce484222325ULL
/* Decides the machine and completes the open snapshot (finish.c). A SQLite
 * code. */
int wd_store__finish_snapshot(wd_store *s);
/* The fingerprint's records of the open snapshot (finish.c). */
void wd_store__fp_event(wd_store *s, const wd_event_rec *r);
void wd_store__fp_activity(wd_store *s, const wd_activity_rec *r, uint64_t ident);
void wd_store__fp_fact(wd_store *s, const wd_fact_rec *r);
void wd_store__fp_source(wd_store *s, const wd_source_rec *r);
void wd_store__fp_clear(wd_fingerprint *fp);
/* Snapshots written before schema 3 whose evidence named no machine were
 * all filed under one machine "unknown": gives each the fingerprint name
 * its evidence gets today (finish.c), and drops "unknown" once unused.
 * merged: only the snapshots merge.c just copied (temp.m_snap). A SQLite
 * code. */
int wd_store__relabel_unknown(wd_store *s, int merged);
/* The finding_evidence rows of finding `finding_id` from refs, or from the
 * transitional text when refs is NULL (analysis.c). A SQLite code. */
int wd_store__insert_refs(wd_store *s, int64_t finding_id, const wd_finding_rec *f);

/* ------------------------------------------------------------ legacy */

/* Creates temp views named PREFIX + "activity", "finding_evidence",
 * "finding", "fact", "collection_note" and "snapshot" over the tables of
 * `schema` ("main", "src"), of schema `version`, with the columns of
 * WD_STORE_SCHEMA: an older file's failure rows read as failed activities
 * (same ids), its findings' evidence text as typed references. With prefix
 * "" over main they shadow the old tables, so the read API reads an old
 * read-only file unchanged. A SQLite code. */
int wd_store__views(sqlite3 *db, const char *schema, const char *prefix, int version);
/* Drops the views wd_store__views made. */
void wd_store__drop_views(sqlite3 *db, const char *prefix);

#endif
