/* collector.h - turns evidence (a folder, a .zip, or on Windows the live
 * system) into normalised records pushed into a sink. The collector knows
 * nothing of SQLite or HTML: whoever owns the sink decides what to do with
 * the records (cli/ hands them to the store).
 *
 * The record types are in common/records.h (the store stores them too).
 * Every string in a record is UTF-8, owned by the collector and valid only
 * during the callback: a sink that keeps one must copy it. */
#ifndef WD_COLLECTOR_H
#define WD_COLLECTOR_H

#include "common.h"

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------- sink */

/* The callbacks the collector pushes records into. Any may be NULL. A
 * non-zero return from a callback stops the collection and is returned by
 * wd_collect_*(). */
typedef struct wd_sink {
    void *ctx;
    int (*service)(void *ctx, const wd_service_rec *rec);
    int (*event)(void *ctx, const wd_event_rec *rec);
    int (*fact)(void *ctx, const wd_fact_rec *rec);
    int (*note)(void *ctx, const wd_note_rec *rec);
    int (*source)(void *ctx, const wd_source_rec *rec);
    /* what the evidence says happened (records.h): every reader's meaning */
    int (*activity)(void *ctx, const wd_activity_rec *rec);
} wd_sink;

/* ------------------------------------------------------------ collection */

/* Reads an evidence folder or a .zip of one. Files are recognised by content;
 * unreadable files and records become notes. Returns 0 when the evidence was
 * walked (even if some files were bad), WD_ENOTFOUND when path does not exist,
 * WD_EFORMAT when it is neither a folder nor a zip, or the sink's return. */
int wd_collect_evidence(const char *path, const wd_sink *sink);

/* Reads one evidence file of any supported kind; display_path names it in
 * records and notes (NULL: path). */
int wd_collect_file(const char *path, const char *display_path, const wd_sink *sink);

/* Reads one evidence file held in memory (as from inside a zip). */
int wd_collect_buffer(const void *data, size_t size, const char *display_path,
                      const wd_sink *sink);

/* Collects the live state of this machine (Windows only; elsewhere returns
 * WD_EUSAGE with a message). */
int wd_collect_live(const wd_sink *sink);

#endif
