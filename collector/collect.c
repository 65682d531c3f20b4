/* collect.c - walks an evidence folder or zip, recognises each file by
 * content and hands it to the reader for its format, inside the budget guard.
 * Whatever cannot be read becomes a collection note and the walk goes on;
 * only the sink can stop it. Symbolic links are never followed out of the
 * evidence or around it, folder loops are cut, depth is bounded. */
#define _DEFAULT_SOURCE
#include "bundle.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <windows.h>
#endif

#ifdef _WIN32
/* mingw has opendir/readdir but no scandir: the same listing, sorted by name. */
static int by_name(const void *a, const void *b)
{
    return strcmp((*(struct dirent *const *)a)->d_name, (*(struct dirent *const *)b)->d_name);
}

static int scandir_win(const char *dir, struct dirent ***out)
{
    DIR *d = opendir(dir);
    struct dirent *e, **v = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (wd_array_reserve(&v, &cap, n + 1, sizeof *v) || (v[n] = malloc(sizeof *e)) == NULL) {
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

/* ------------------------------------------------------------ one input */

int wd_bundle_skipped(wd_bundle *bd, wd_note_kind kind, const char *path, const char *reason)
{
    if (bd->skipped >= bd->b.notes) {
        bd->skipped_over++;
        return 0;
    }
    bd->skipped++;
    return wd_note(bd->sink, kind, path, reason, NULL);
}

/* What the text layer met in a file: NUL characters (shown, never dropped
 * silently) and lines cut at WD_LINE_MAX. */
static int text_notes(wd_bundle *bd, const wd_input *in)
{
    wd_buf why = WD_BUF_INIT;
    int rc = 0;
    if (in->nul_bytes) {
        wd_buf_printf(&why, "%llu NUL characters in the text: shown as U+FFFD where they stood "
                            "inside a line, dropped at the start of one",
                      (unsigned long long)in->nul_bytes);
        rc = wd_note(bd->sink, WD_NOTE_INFO, in->path, wd_buf_cstr(&why), "line %llu",
                     (unsigned long long)in->nul_line);
    }
    if (rc == 0 && in->cut_lines) {
        wd_buf_reset(&why);
        wd_buf_printf(&why, "budget: %llu lines longer than %zu bytes were cut to that length",
                      (unsigned long long)in->cut_lines, WD_LINE_MAX);
        rc = wd_note(bd->sink, WD_NOTE_LIMIT, in->path, wd_buf_cstr(&why), "line %llu",
                     (unsigned long long)in->cut_line);
    }
    wd_buf_free(&why);
    return rc;
}

/* Runs the reader inside the budget guard. */
static int guarded(wd_bundle *bd, wd_input *in, wd_kind kind, wd_source_rec *sum)
{
    wd_guard *g = NULL;
    if (wd_guard_new(&g, bd, in->path))
        return wd_note(bd->sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    int rc = reader_for(kind)(in, wd_guard_sink(g), sum);
    int grc = wd_guard_finish(g);
    if (rc == 0)
        rc = grc;
    if (rc == 0)
        rc = text_notes(bd, in);
    return rc;
}

/* An .evtx streamed out of a zip: its reader needs random access, so it
 * reads a temporary copy (bounded by the entry budget), never memory. */
static int spooled(wd_bundle *bd, wd_input *in, wd_kind kind, wd_zip_entry *entry,
                   wd_source_rec *sum)
{
    wd_spool *sp = NULL;
    const char *path = NULL;
    wd_input copy;
    FILE *f = NULL;
    int rc;
    if (wd_zip_spool(entry, in, &sp, &path) || wd_input_open_file(&copy, path, in->path, &f)) {
        sum->errors++;
        rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    } else {
        rc = guarded(bd, &copy, kind, sum);
    }
    if (f)
        fclose(f);
    wd_zip_spool_free(sp);
    return rc;
}

/* Windows 10 and later keep the update log as event traces
 * (C:\Windows\Logs\WindowsUpdate\*.etl): bundles made by copying that
 * folder hold them instead of the decoded text. */
static int is_etl(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 4 && wd_strcaseeq(path + n - 4, ".etl");
}

int wd_bundle_dispatch(wd_bundle *bd, wd_input *in, int depth, wd_zip_entry *entry)
{
    wd_kind kind = wd_detect(in);
    wd_source_rec sum = {in->path, wd_kind_name(kind), 0, 0, 0};
    int rc = 0, summary = 1;
    if (kind == WD_KIND_ZIP) {
        summary = 0;
        if (depth + 1 >= bd->b.depth)
            rc = wd_note(bd->sink, WD_NOTE_LIMIT, in->path,
                         "budget: zip nested too deeply inside the evidence; not read", NULL);
        else
            rc = wd_zip_read_input(bd, in, depth + 1, entry);
    } else if (kind == WD_KIND_EVT) {
        sum.errors = 1;
        rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, in->path,
                     "legacy .evt event log (Windows XP/Server 2003) is not supported: export "
                     "the log as .evtx or XML from Windows Vista or later",
                     NULL);
    } else if (kind == WD_KIND_UNKNOWN && is_etl(in->path)) {
        sum.errors = 1;
        rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, in->path,
                     "an event trace (.etl) is binary and not read: decode the Windows Update "
                     "traces with Get-WindowsUpdateLog (PowerShell, on Windows) and add the "
                     "WindowsUpdate.log it writes",
                     NULL);
    } else if (kind == WD_KIND_UNKNOWN) {
        rc = wd_bundle_skipped(bd, WD_NOTE_INFO, in->path,
                               "not a recognised evidence format; skipped");
    } else if (kind == WD_KIND_EVTX && entry && !in->mem && !in->fs_path) {
        rc = spooled(bd, in, kind, entry, &sum);
    } else {
        rc = guarded(bd, in, kind, &sum);
    }
    if (rc == 0)
        rc = wd_zip_entry_notes(entry, in);
    if (rc == 0 && summary && bd->sink->source)
        rc = bd->sink->source(bd->sink->ctx, &sum);
    return rc;
}

/* ---------------------------------------------------------------- bundles */

static void bundle_init(wd_bundle *bd, const wd_sink *sink, const wd_budget *budget)
{
    static const wd_budget defaults = WD_BUDGET_DEFAULT;
    memset(bd, 0, sizeof *bd);
    bd->sink = sink;
    bd->b = budget ? *budget : defaults;
    if (bd->b.depth > WD_BUNDLE_MAX_DEPTH)
        bd->b.depth = WD_BUNDLE_MAX_DEPTH;
}

/* The bundle-wide notes (files past the budget, skipped files not listed);
 * frees what the bundle holds. Returns rc, or the sink's code. */
static int bundle_finish(wd_bundle *bd, const char *path, int rc)
{
    wd_buf why = WD_BUF_INIT;
    if (rc == 0 && (bd->files_over || bd->files_uncounted)) {
        wd_buf_printf(&why, "budget: %llu files past the first %llu were not read%s",
                      (unsigned long long)bd->files_over, (unsigned long long)bd->b.files,
                      bd->files_uncounted ? ", and the rest of a zip that gives no count" : "");
        rc = wd_note(bd->sink, WD_NOTE_LIMIT, path, wd_buf_cstr(&why), NULL);
    }
    if (rc == 0 && bd->skipped_over) {
        wd_buf_reset(&why);
        wd_buf_printf(&why, "%llu more files were skipped (not recognised, or not regular "
                            "files) and are not listed one by one",
                      (unsigned long long)bd->skipped_over);
        rc = wd_note(bd->sink, WD_NOTE_INFO, path, wd_buf_cstr(&why), NULL);
    }
    wd_buf_free(&why);
    free(bd->root);
    bd->root = NULL;
    return rc;
}

/* Reads one file on disk as part of the bundle. */
static int bundle_file(wd_bundle *bd, const char *path, const char *display, int depth)
{
    wd_input in;
    FILE *f = NULL;
    int rc;
    if (wd_input_open_file(&in, path, display, &f))
        rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, display, wd_error_last(), NULL);
    else
        rc = wd_bundle_dispatch(bd, &in, depth, NULL);
    if (f)
        fclose(f);
    return rc;
}

int wd_collect_buffer_budget(const void *data, size_t size, const char *display_path,
                             const wd_sink *sink, const wd_budget *budget)
{
    wd_bundle bd;
    wd_input in;
    bundle_init(&bd, sink, budget);
    wd_input_open_mem(&in, data, size, display_path);
    return bundle_finish(&bd, display_path, wd_bundle_dispatch(&bd, &in, 0, NULL));
}

int wd_collect_buffer(const void *data, size_t size, const char *display_path,
                      const wd_sink *sink)
{
    return wd_collect_buffer_budget(data, size, display_path, sink, NULL);
}

int wd_collect_file(const char *path, const char *display_path, const wd_sink *sink)
{
    wd_bundle bd;
    const char *display = display_path ? display_path : path;
    bundle_init(&bd, sink, NULL);
    return bundle_finish(&bd, display, bundle_file(&bd, path, display, 0));
}

/* --------------------------------------------------------------- folders */

static int walk(wd_bundle *bd, const char *dir, const char *rel, int depth);

static int visit_file(wd_bundle *bd, const char *full, const char *shown, int depth)
{
    bd->files_seen++;
    if (bd->files >= bd->b.files) {
        bd->files_over++;
        return 0;
    }
    bd->files++;
    return bundle_file(bd, full, shown, depth);
}

#ifndef _WIN32
/* 1 when path (resolved) lies inside the evidence folder. */
static int inside(const wd_bundle *bd, const char *path)
{
    size_t n = strlen(bd->root);
    if (n && bd->root[n - 1] == '/')
        n--;
    return strncmp(path, bd->root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* A symbolic link: a file inside the evidence is read under the link's
 * name; a folder is never entered (its files are read where they lie);
 * anything outside the evidence is not read at all. */
static int visit_link(wd_bundle *bd, const char *full, const char *shown, int depth)
{
    struct stat st;
    char *target = realpath(full, NULL);
    int rc;
    if (!target || stat(target, &st) != 0)
        rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, shown,
                     "a symbolic link to a missing file; not followed", NULL);
    else if (!inside(bd, target))
        rc = wd_note(bd->sink, WD_NOTE_UNREADABLE, shown,
                     "a symbolic link to outside the evidence folder; not followed", NULL);
    else if (S_ISDIR(st.st_mode))
        rc = wd_bundle_skipped(bd, WD_NOTE_INFO, shown,
                               "a symbolic link to a folder of the evidence; not followed "
                               "(its files are read where they lie)");
    else if (S_ISREG(st.st_mode))
        rc = visit_file(bd, target, shown, depth);
    else
        rc = wd_bundle_skipped(bd, WD_NOTE_INFO, shown,
                               "a link to something that is not a regular file; not read");
    free(target);
    return rc;
}

/* 1 when the folder is already open on the current path (a loop made by a
 * bind mount or the like). */
static int on_path(const wd_bundle *bd, const struct stat *st)
{
    for (int i = 0; i < bd->ndirs; i++)
        if (bd->dirs[i].dev == st->st_dev && bd->dirs[i].ino == st->st_ino)
            return 1;
    return 0;
}
#endif

static int enter_dir(wd_bundle *bd, const char *full, const char *shown, int depth,
                     const struct stat *st)
{
    if (depth + 1 >= bd->b.depth || bd->ndirs >= WD_BUNDLE_MAX_DEPTH)
        return wd_note(bd->sink, WD_NOTE_LIMIT, shown,
                       "budget: folder nested too deeply; not read", NULL);
#ifndef _WIN32
    if (on_path(bd, st))
        return wd_note(bd->sink, WD_NOTE_INFO, shown,
                       "a folder loop: this is a folder the walk is already inside; not "
                       "read again", NULL);
    bd->dirs[bd->ndirs].dev = st->st_dev;
    bd->dirs[bd->ndirs].ino = st->st_ino;
#else
    (void)st; /* no inode numbers; links (reparse points) are not followed */
#endif
    bd->ndirs++;
    int rc = walk(bd, full, shown, depth + 1);
    bd->ndirs--;
    return rc;
}

static int visit(wd_bundle *bd, const char *full, const char *shown, int depth)
{
    struct stat st;
#ifdef _WIN32
    DWORD attrs = GetFileAttributesA(full);
    if (attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_REPARSE_POINT))
        return wd_bundle_skipped(bd, WD_NOTE_INFO, shown, "a link (reparse point); not followed");
    if (stat(full, &st) != 0)
#else
    if (lstat(full, &st) != 0)
#endif
        return wd_note(bd->sink, WD_NOTE_UNREADABLE, shown, strerror(errno), NULL);
#ifndef _WIN32
    if (S_ISLNK(st.st_mode))
        return visit_link(bd, full, shown, depth);
#endif
    if (S_ISDIR(st.st_mode))
        return enter_dir(bd, full, shown, depth, &st);
    if (S_ISREG(st.st_mode))
        return visit_file(bd, full, shown, depth);
    return wd_bundle_skipped(bd, WD_NOTE_INFO, shown,
                             "not a regular file (a FIFO, device or socket); not read");
}

static int walk(wd_bundle *bd, const char *dir, const char *rel, int depth)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    if (n < 0)
        return wd_note(bd->sink, WD_NOTE_UNREADABLE, rel[0] ? rel : dir, strerror(errno), NULL);
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
        rc = visit(bd, wd_buf_cstr(&full), wd_buf_cstr(&shown), depth);
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    wd_buf_free(&full);
    wd_buf_free(&shown);
    return rc;
}

static int collect_folder(wd_bundle *bd, const char *path, const struct stat *st)
{
#ifndef _WIN32
    if (!(bd->root = realpath(path, NULL)))
        return wd_error_set(WD_EIO, "cannot resolve %s: %s", path, strerror(errno));
    bd->dirs[0].dev = st->st_dev;
    bd->dirs[0].ino = st->st_ino;
#else
    (void)st;
#endif
    bd->ndirs = 1;
    int rc = walk(bd, path, "", 0);
    if (rc == 0 && bd->files_seen == 0)
        rc = wd_error_set(WD_ENOTFOUND, "no evidence files in folder: %s", path);
    return rc;
}

int wd_collect_evidence_budget(const char *path, const wd_sink *sink, const wd_budget *budget)
{
    struct stat st;
    wd_bundle bd;
    wd_input in;
    FILE *f = NULL;
    if (stat(path, &st) != 0)
        return wd_error_set(WD_ENOTFOUND, "evidence not found: %s", path);
    bundle_init(&bd, sink, budget);
    if (S_ISDIR(st.st_mode))
        return bundle_finish(&bd, path, collect_folder(&bd, path, &st));
    if (!S_ISREG(st.st_mode))
        return wd_error_set(WD_EFORMAT, "not a folder or a file: %s", path);
    int rc = wd_input_open_file(&in, path, path, &f);
    int zip = rc == 0 && wd_detect(&in) == WD_KIND_ZIP;
    if (f)
        fclose(f);
    if (rc)
        return rc;
    rc = zip ? wd_zip_read_file(&bd, path, path, 0) : bundle_file(&bd, path, path, 0);
    return bundle_finish(&bd, path, rc);
}

int wd_collect_evidence(const char *path, const wd_sink *sink)
{
    return wd_collect_evidence_budget(path, sink, NULL);
}

#ifndef _WIN32
int wd_collect_live(const wd_sink *sink)
{
    (void)sink;
    return wd_error_set(WD_EUSAGE, "live collection works on Windows only; "
                                   "use --evidence PATH with a captured bundle");
}
#endif
