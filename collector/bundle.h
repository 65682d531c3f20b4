/* bundle.h - what the reading of one evidence bundle shares between the
 * folder walk (collect.c), the zip reader (zip.c) and the budget guard put
 * around every reader (guard.c). Private to those three files. */
#ifndef WD_COLLECTOR_BUNDLE_H
#define WD_COLLECTOR_BUNDLE_H

#include "internal.h"

#include <sys/stat.h>
#include <sys/types.h>

#define WD_BUNDLE_MAX_DEPTH 64 /* the most budget.depth may ask for */

/* One bundle being read: the caller's sink, the budget and what has been
 * spent of it. */
typedef struct wd_bundle {
    const wd_sink *sink;
    wd_budget b;
    uint64_t files;        /* files read (folder files and zip entries) */
    uint64_t files_seen;   /* regular files met, read or not */
    uint64_t files_over;   /* files past the files budget: counted, not read */
    int files_uncounted;   /* and a zip's rest that could not be counted */
    uint64_t unpacked;     /* bytes decompressed out of zips */
    uint64_t skipped;      /* notes sent about skipped files */
    uint64_t skipped_over; /* skipped files past the notes budget: counted */
    char *root;            /* the evidence folder, resolved; NULL for a file */
    struct {
        dev_t dev;
        ino_t ino;
    } dirs[WD_BUNDLE_MAX_DEPTH]; /* the folders on the current path (loops) */
    int ndirs;
} wd_bundle;

/* The zip entry an input streams from (zip.c), or NULL for a file. */
typedef struct wd_zip_entry wd_zip_entry;

/* Recognises one input, reads it with its reader inside the budget guard,
 * sends the notes about it and its source summary. 0 or the sink's code. */
int wd_bundle_dispatch(wd_bundle *bd, wd_input *in, int depth, wd_zip_entry *entry);
/* A note about a file that was not read (not recognised, not a regular
 * file): sent while the notes budget lasts, then counted for one summary. */
int wd_bundle_skipped(wd_bundle *bd, wd_note_kind kind, const char *path, const char *reason);

/* ------------------------------------------------------------------ zip.c */

/* Reads every entry of a zip on disk (fs_path), in memory (in->mem) or
 * streamed out of another zip (outer: then it is first copied to a
 * temporary file, within the entry budget). Sends its notes. */
int wd_zip_read_file(wd_bundle *bd, const char *fs_path, const char *display, int depth);
int wd_zip_read_input(wd_bundle *bd, wd_input *in, int depth, wd_zip_entry *outer);
/* An input streamed from a zip entry copied into a temporary file, for the
 * readers that need random access (.evtx): *path names it until
 * wd_zip_spool_free. A copy cut by a budget is still returned; its note is
 * sent by wd_zip_entry_notes. */
typedef struct wd_spool wd_spool;
int wd_zip_spool(wd_zip_entry *e, wd_input *in, wd_spool **out, const char **path);
void wd_zip_spool_free(wd_spool *s);
/* The notes about the entry just read: a read error (the zip is damaged or
 * truncated: UNREADABLE) or a cut by a budget (LIMIT). */
int wd_zip_entry_notes(wd_zip_entry *e, const wd_input *in);

/* ---------------------------------------------------------------- guard.c */

/* Put between a reader and the caller's sink for one file: keeps at most
 * budget.records records of each kind and budget.notes notes, cuts text
 * values longer than budget.field, and on finish sends one LIMIT note per
 * kind of cut, with the counts. */
typedef struct wd_guard wd_guard;
int wd_guard_new(wd_guard **out, wd_bundle *bd, const char *path);
const wd_sink *wd_guard_sink(wd_guard *g);
/* Sends the guard's notes and frees it (NULL-safe). 0 or the sink's code. */
int wd_guard_finish(wd_guard *g);

#endif
