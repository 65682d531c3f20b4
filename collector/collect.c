/* collect.c - walks an evidence folder or zip, recognises each file by
 * content and hands it to the reader for its format. Whatever cannot be read
 * becomes a collection note and the walk goes on; only the sink can stop it. */
#define _DEFAULT_SOURCE
#include "internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 16

#define MAX_NESTED_ZIP ((size_t)2 << 30)

#ifdef _WIN32
/* mingw has opendir/readdir but no scandir: the same listing, sorted by name. */
static int by_name(const void *a, const void *b)
{
    return strcmp((*(struct dirent *const *)a)->d_name, (*(struct dirent *const *)b)->d_name);
}

static int scandir_win(const char *dir, struct dirent ***out)
{
    DIR *d = opendir(dir);
    struct dirent *e, **v = NULL, **nv;
    size_t n = 0, cap = 0;
    *out = NULL;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (n == cap && (nv = realloc(v, (cap ? cap * 2 : 32) * sizeof *v)) != NULL) {
            v = nv;
            cap = cap ? cap * 2 : 32;
        }
        if (n == cap || (v[n] = malloc(sizeof *e)) == NULL) {
            while (n > 0)
                free(v[--n]);
            free(v);
            closedir(d);
            errno = ENOMEM;
            return -1;
        }
        memcpy(v[n++], e, sizeof *e);
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, by_name);
    *out = v;
    return (int)n;
}
#define scandir(dir, list, filter, compar) scandir_win(dir, list)
#endif

int wd_note(const wd_sink *sink, wd_note_kind kind, const char *source, const char *reason,
            const char *location_fmt, ...)
{
    if (!sink->note)
        return 0;
    char loc[128];
    if (location_fmt) {
        va_list ap;
        va_start(ap, location_fmt);
        vsnprintf(loc, sizeof loc, location_fmt, ap);
        va_end(ap);
    }
    wd_note_rec n = {source, location_fmt ? loc : NULL, reason, kind};
    return sink->note(sink->ctx, &n);
}

static wd_source_fn reader_for(wd_kind kind)
{
    switch (kind) {
    case WD_KIND_EVTX: return wd_source_evtx;
    case WD_KIND_EVENT_XML: return wd_source_event_xml;
    case WD_KIND_SC_QUERYEX: return wd_source_sc_queryex;
    case WD_KIND_SERVICES_CSV: return wd_source_services_csv;
    case WD_KIND_WU_LOG: return wd_source_wu_log;
    case WD_KIND_CBS_LOG: return wd_source_cbs_log;
    case WD_KIND_DISM_LOG: return wd_source_dism_log;
    case WD_KIND_HISTORY_CSV: return wd_source_history_csv;
    case WD_KIND_REG: return wd_source_reg;
    case WD_KIND_FACTS: return wd_source_facts;
    default: return NULL;
    }
}

static int collect_zip(struct archive *a, const char *display, const wd_sink *sink, int depth);

/* Reads one input whose kind is already known; sends its source summary. */
static int dispatch(wd_input *in, const wd_sink *sink, int depth)
{
    wd_kind kind = wd_detect(in);
    wd_source_rec sum = {in->path, wd_kind_name(kind), 0, 0, 0};
    int rc = 0;
    if (kind == WD_KIND_ZIP) {
        if (depth >= MAX_DEPTH)
            return wd_note(sink, WD_NOTE_LIMIT, in->path, "zip nested too deeply; not read", NULL);
        unsigned char *data = NULL;
        size_t size = 0;
        if (in->mem) {
            data = (unsigned char *)in->mem;
            size = (size_t)in->size;
        } else if (wd_input_slurp(in, MAX_NESTED_ZIP, &data, &size)) {
            return wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
        }
        struct archive *a = archive_read_new();
        archive_read_support_format_zip(a);
        if (archive_read_open_memory(a, data, size) != ARCHIVE_OK)
            rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, archive_error_string(a), NULL);
        else
            rc = collect_zip(a, in->path, sink, depth + 1);
        archive_read_free(a);
        if (data != in->mem)
            free(data);
        return rc;
    }
    if (kind == WD_KIND_EVT) {
        sum.errors = 1;
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path,
                     "legacy .evt event log (Windows XP/Server 2003) is not supported: export "
                     "the log as .evtx or XML from Windows Vista or later",
                     NULL);
    } else if (kind == WD_KIND_UNKNOWN) {
        rc = wd_note(sink, WD_NOTE_INFO, in->path, "not a recognised evidence format; skipped", NULL);
    } else {
        rc = reader_for(kind)(in, sink, &sum);
    }
    if (rc == 0 && sink->source)
        rc = sink->source(sink->ctx, &sum);
    return rc;
}

int wd_collect_buffer(const void *data, size_t size, const char *display_path,
                      const wd_sink *sink)
{
    wd_input in;
    wd_input_open_mem(&in, data, size, display_path);
    return dispatch(&in, sink, 0);
}

int wd_collect_file(const char *path, const char *display_path, const wd_sink *sink)
{
    wd_input in;
    FILE *f = NULL;
    const char *display = display_path ? display_path : path;
    if (wd_input_open_file(&in, path, display, &f)) {
        int rc = wd_note(sink, WD_NOTE_UNREADABLE, display, wd_error_last(), NULL);
        if (f)
            fclose(f);
        return rc;
    }
    int rc = dispatch(&in, sink, 0);
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------------ zip */

static ssize_t zip_read(void *ctx, void *buf, size_t n)
{
    la_ssize_t got = archive_read_data((struct archive *)ctx, buf, n);
    if (got < 0)
        wd_error_set(WD_EIO, "%s", archive_error_string((struct archive *)ctx));
    return (ssize_t)got;
}

static int collect_zip(struct archive *a, const char *display, const wd_sink *sink, int depth)
{
    struct archive_entry *e;
    int rc = 0, r;
    wd_buf name = WD_BUF_INIT;
    while (rc == 0 && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        wd_buf_reset(&name);
        wd_buf_printf(&name, "%s/%s", display, archive_entry_pathname(e));
        wd_input in;
        int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
        if (wd_input_open_stream(&in, zip_read, a, size >= 0 ? (uint64_t)size : UINT64_MAX,
                                 wd_buf_cstr(&name)))
            rc = wd_note(sink, WD_NOTE_UNREADABLE, wd_buf_cstr(&name), wd_error_last(), NULL);
        else
            rc = dispatch(&in, sink, depth);
    }
    if (rc == 0 && r != ARCHIVE_EOF && r != ARCHIVE_OK)
        rc = wd_note(sink, WD_NOTE_UNREADABLE, display, archive_error_string(a), NULL);
    wd_buf_free(&name);
    return rc;
}

static int collect_zip_file(const char *path, const wd_sink *sink)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    int rc;
    if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK)
        rc = wd_error_set(WD_EFORMAT, "%s: not a readable zip: %s", path, archive_error_string(a));
    else
        rc = collect_zip(a, path, sink, 1);
    archive_read_free(a);
    return rc;
}

/* --------------------------------------------------------------- folders */

static int walk(const char *dir, const char *rel, const wd_sink *sink, int depth)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    if (n < 0)
        return wd_note(sink, WD_NOTE_UNREADABLE, rel[0] ? rel : dir, strerror(errno), NULL);
    int rc = 0;
    wd_buf full = WD_BUF_INIT, shown = WD_BUF_INIT;
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        if (rc || name[0] == '.')
            continue;
        wd_buf_reset(&full);
        wd_buf_reset(&shown);
        wd_buf_printf(&full, "%s/%s", dir, name);
        wd_buf_printf(&shown, "%s%s%s", rel, rel[0] ? "/" : "", name);
        struct stat st;
        if (stat(wd_buf_cstr(&full), &st) != 0) {
            rc = wd_note(sink, WD_NOTE_UNREADABLE, wd_buf_cstr(&shown), strerror(errno), NULL);
        } else if (S_ISDIR(st.st_mode)) {
            if (depth < MAX_DEPTH)
                rc = walk(wd_buf_cstr(&full), wd_buf_cstr(&shown), sink, depth + 1);
            else
                rc = wd_note(sink, WD_NOTE_LIMIT, wd_buf_cstr(&shown), "folder nested too deeply; not read",
                             NULL);
        } else if (S_ISREG(st.st_mode)) {
            rc = wd_collect_file(wd_buf_cstr(&full), wd_buf_cstr(&shown), sink);
        }
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    wd_buf_free(&full);
    wd_buf_free(&shown);
    return rc;
}

/* Counts regular files below dir (up to 1), to tell an empty folder apart. */
static int has_files(const char *dir, int depth)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort), found = 0;
    for (int i = 0; i < n; i++) {
        if (!found && list[i]->d_name[0] != '.') {
            wd_buf p = WD_BUF_INIT;
            wd_buf_printf(&p, "%s/%s", dir, list[i]->d_name);
            struct stat st;
            if (stat(wd_buf_cstr(&p), &st) == 0)
                found = S_ISREG(st.st_mode) || (S_ISDIR(st.st_mode) && depth < MAX_DEPTH &&
                                                has_files(wd_buf_cstr(&p), depth + 1));
            wd_buf_free(&p);
        }
        free(list[i]);
    }
    free(list);
    return found;
}

int wd_collect_evidence(const char *path, const wd_sink *sink)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return wd_error_set(WD_ENOTFOUND, "evidence not found: %s", path);
    if (S_ISDIR(st.st_mode)) {
        if (!has_files(path, 0))
            return wd_error_set(WD_ENOTFOUND, "no evidence files in folder: %s", path);
        return walk(path, "", sink, 0);
    }
    if (!S_ISREG(st.st_mode))
        return wd_error_set(WD_EFORMAT, "not a folder or a file: %s", path);
    wd_input in;
    FILE *f = NULL;
    int rc = wd_input_open_file(&in, path, path, &f);
    if (rc == 0 && wd_detect(&in) == WD_KIND_ZIP) {
        fclose(f);
        return collect_zip_file(path, sink);
    }
    if (f)
        fclose(f);
    if (rc)
        return rc;
    return wd_collect_file(path, path, sink);
}

#ifndef _WIN32
int wd_collect_live(const wd_sink *sink)
{
    (void)sink;
    return wd_error_set(WD_EUSAGE, "live collection works on Windows only; "
                                   "use --evidence PATH with a captured bundle");
}
#endif
