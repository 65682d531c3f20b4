/* internal.h - what the store's own files share: the wd_store struct with
 * its cached statements and the open snapshot's in-memory tallies, the
 * schema version constants and the SQLite error translation. */
#ifndef WD_STORE_INTERNAL_H
#define WD_STORE_INTERNAL_H

#include "store.h"

#include <sqlite3.h>

/* The schema this wudiag writes; files up to it are read (older ones are
 * migrated forward when opened for writing). */
#define WD_STORE_SCHEMA 2
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
#define WD_STORE_BEGIN_BUSY_MS 120000

/* The statements of the hot path, prepared once per connection. */
enum {
    ST_SERVICE,
    ST_EVENT_ADD,
    ST_EVENT_FIND,
    ST_FIELD,
    ST_LINK,
    ST_FAILURE,
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

struct wd_store {
    sqlite3 *db;
    char *path;
    int readonly; /* opened read-only (asked, or the file or folder is) */
    int empty;    /* read-only file with no schema yet: an empty history */
    int version;  /* its schema (read-only files may be older) */
    sqlite3_stmt *stmt[ST_COUNT];

    /* the open snapshot (snap == 0: none) */
    int64_t snap;
    int failed;          /* a write failed: the snapshot was rolled back */
    char *failed_message; /* its message, repeated by later calls */
    wd_machine_tally machines[WD_STORE_MAX_MACHINES];
    size_t nmachines;
    char *fact_machine;  /* fact "machine.name", which wins */
    char evidence_time[64];
    int64_t nevents, nfailures;

    /* reading: the fields of the event being handed out */
    wd_field *fields;
    size_t fieldcap;
};

/* Translates a SQLite result code into a WD_E* code and records a message
 * naming the file; `doing` says what was being done ("writing", ...). */
int wd_store__error(wd_store *s, int rc, const char *doing);
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

#endif
