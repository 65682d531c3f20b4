/* evtx_win.c - .evtx evidence on Windows: Windows reads its own format with
 * EvtQuery(..., EvtQueryFilePath), so libevtx is not needed there. Events are
 * rendered to XML and read by the shared event-XML reader. A file inside a
 * zip is first written to a temporary file (EvtQuery only takes a path). */
#ifdef _WIN32
#include "live.h"

#include <stdlib.h>

#define MAX_EVTX ((size_t)4 << 30)

#ifdef WD_HAVE_LIBEVTX
/* collector/evtx.c compiled under this name (collector/CMakeLists.txt): the
 * fallback when the event-log API cannot open the file (Wine has no EvtQuery). */
int wd_source_evtx_libevtx(wd_input *in, const wd_sink *sink, wd_source_rec *summary);

/* The libbfio bundled inside libevtx leaves out libbfio_error_free; its
 * errors are libcerror's, which libevtx frees as libevtx_error_free. */
void libevtx_error_free(intptr_t **error);
void libbfio_error_free(intptr_t **error);
void libbfio_error_free(intptr_t **error)
{
    libevtx_error_free(error);
}
#endif

/* Writes data to a new temporary file; returns its path (free()) or NULL. */
static wchar_t *to_temp_file(const unsigned char *data, size_t size)
{
    wchar_t dir[MAX_PATH], *path = malloc(MAX_PATH * sizeof(wchar_t));
    DWORD wrote = 0;
    if (!path || !GetTempPathW(MAX_PATH, dir) || !GetTempFileNameW(dir, L"wdx", 0, path)) {
        free(path);
        return NULL;
    }
    HANDLE h =
        CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY, NULL);
    BOOL ok = h != INVALID_HANDLE_VALUE && size <= 0xFFFFFFFFu &&
              WriteFile(h, data, (DWORD)size, &wrote, NULL) && wrote == size;
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    if (ok)
        return path;
    DeleteFileW(path);
    free(path);
    return NULL;
}

/* The file EvtQuery reads: the evidence file itself (absolute), or a
 * temporary copy of an input held in memory or inside a zip (*data keeps
 * the bytes). NULL with *why set when neither works. */
static wchar_t *query_path(wd_input *in, unsigned char **data, size_t *size, const char **why)
{
    *data = NULL;
    *size = 0;
    if (in->fs_path) {
        wchar_t *rel = wd_win_wide(in->fs_path), *abs = NULL;
        DWORD n = rel ? GetFullPathNameW(rel, 0, NULL, NULL) : 0;
        if (n && (abs = malloc(n * sizeof *abs)) != NULL && !GetFullPathNameW(rel, n, abs, NULL)) {
            free(abs);
            abs = NULL;
        }
        free(rel);
        *why = "bad file name";
        return abs;
    }
    if (wd_input_slurp(in, MAX_EVTX, data, size)) {
        *why = wd_error_last();
        return NULL;
    }
    *why = "cannot write a temporary copy of the .evtx";
    return to_temp_file(*data, *size);
}

#ifdef WD_HAVE_LIBEVTX
/* Reads with libevtx instead: a copy held in memory (a zip entry already
 * consumed), or the file by a path with backslashes only (libevtx makes it
 * a \\?\ path, where '/' is not a separator). */
static int fallback(wd_input *in, unsigned char *data, size_t size, const wd_sink *sink,
                    wd_source_rec *summary)
{
    wd_input copy = *in;
    if (data) {
        wd_input_open_mem(&copy, data, size, in->path);
        return wd_source_evtx_libevtx(&copy, sink, summary);
    }
    char *p = wd_strdup(in->fs_path);
    if (!p)
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, "out of memory", NULL);
    for (char *c = p; *c; c++)
        if (*c == '/')
            *c = '\\';
    copy.fs_path = p;
    int rc = wd_source_evtx_libevtx(&copy, sink, summary);
    free(p);
    return rc;
}
#endif

int wd_source_evtx(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    unsigned char *data = NULL;
    size_t size = 0;
    const char *why = NULL;
    wchar_t *path = query_path(in, &data, &size, &why);
    EVT_HANDLE q = NULL;
    DWORD err = 0;
    int rc = 0;
    if (path) {
        SetLastError(0);
        q = EvtQuery(NULL, path, L"*", EvtQueryFilePath);
        err = GetLastError();
    }
    if (q) {
        rc = wd_live_read_query(q, in->path, sink, summary);
    } else if (path) {
#ifdef WD_HAVE_LIBEVTX
        rc = fallback(in, data, size, sink, summary);
#else
        char text[320];
        wd_win_error_text(err, text, sizeof text);
        summary->errors++;
        rc = wd_note(sink, WD_NOTE_PARTIAL, in->path, text, "EvtQuery");
#endif
    } else {
        summary->errors++;
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, why, NULL);
    }
    if (path && !in->fs_path)
        DeleteFileW(path);
    free(path);
    free(data);
    (void)err;
    return rc;
}

#endif /* _WIN32 */
