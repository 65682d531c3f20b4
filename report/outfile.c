/* outfile.c - where reports are written: a file that appears whole or not
 * at all (written to a temporary name in the same folder, synced, renamed
 * over the target), or standard output for "-". Streamed reports write
 * through it piece by piece, so their size never sits in memory. */
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _WIN32
#include <io.h>
#include <windows.h>
#define fsync _commit /* flushes the file to disk, as fsync does */
#else
#define O_BINARY 0
#endif

struct wd_outfile {
    char *path;   /* target (a symbolic link's file); NULL for standard output */
    char *tmp;    /* temporary name */
    int fd;       /* -1 for standard output */
    int failed;   /* a write failed (the error is recorded) */
    int terminal; /* standard output is a terminal: evidence text is escaped */
};

static int io_error(int err, const char *path)
{
    return wd_error_set(err == ENOSPC                   ? WD_EFULL
                        : err == EROFS || err == EACCES ? WD_EREADONLY
                                                        : WD_EIO,
                        "cannot write the report: %s: %s", path, strerror(err));
}

int wd_outfile_open(const char *path, wd_outfile **out)
{
    wd_buf tmp = WD_BUF_INIT;
    wd_outfile *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f)
        return wd_error_set(WD_ENOMEM, "out of memory writing the report");
    f->fd = -1;
    if (!path || !strcmp(path, "-")) {
        f->terminal = isatty(fileno(stdout));
        *out = f;
        return WD_OK;
    }
    /* a regular file or a new name only: never a device, FIFO or folder */
    int rc = wd_output_target(path, &f->path);
    if (rc) {
        free(f);
        return rc;
    }
    wd_buf_printf(&tmp, "%s.tmp.%ld", f->path, (long)getpid());
    if (!wd_buf_ok(&tmp)) {
        wd_buf_free(&tmp);
        free(f->path), free(f);
        return wd_error_set(WD_ENOMEM, "out of memory writing %s", path);
    }
    f->tmp = wd_buf_detach(&tmp);
    f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_BINARY, 0644);
    if (f->fd < 0) {
        int rc = io_error(errno, path);
        free(f->path), free(f->tmp), free(f);
        return rc;
    }
    *out = f;
    return WD_OK;
}

int wd_outfile_write(wd_outfile *f, const char *data, size_t len)
{
    if (f->failed)
        return WD_EIO;
    if (f->fd < 0) {
        /* a terminal gets the text escaped, so evidence cannot drive it; a pipe
         * or a file byte for byte */
        int bad = f->terminal ? wd_write_printable(stdout, data, len) != WD_OK
                              : len && fwrite(data, 1, len, stdout) != len;
        if (bad) {
            f->failed = 1;
            return wd_error_set(errno == ENOSPC ? WD_EFULL : WD_EIO,
                                "cannot write the report to standard output: %s",
                                strerror(errno));
        }
        return WD_OK;
    }
    while (len > 0) {
        ssize_t w = write(f->fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->failed = 1;
            return io_error(w < 0 ? errno : EIO, f->path);
        }
        data += w, len -= (size_t)w;
    }
    return WD_OK;
}

static int replace_file(const char *tmp, const char *path)
{
#ifdef _WIN32
    return MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
#else
    return rename(tmp, path);
#endif
}

static void release(wd_outfile *f)
{
    free(f->path), free(f->tmp), free(f);
}

int wd_outfile_commit(wd_outfile *f)
{
    int rc = WD_OK;
    if (f->fd < 0) {
        rc = f->failed || fflush(stdout)
                 ? wd_error_set(errno == ENOSPC ? WD_EFULL : WD_EIO,
                                "cannot write the report to standard output: %s",
                                strerror(errno))
                 : WD_OK;
        release(f);
        return rc;
    }
    if (f->failed) {
        wd_outfile_abort(f);
        return WD_EIO;
    }
    int bad = fsync(f->fd), err = errno;
    if (close(f->fd) && !bad)
        bad = 1, err = errno;
    f->fd = -2; /* closed */
    if (bad)
        rc = io_error(err, f->path);
    else if (replace_file(f->tmp, f->path))
        rc = io_error(errno, f->path);
    if (rc)
        unlink(f->tmp);
    release(f);
    return rc;
}

void wd_outfile_abort(wd_outfile *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp)
        unlink(f->tmp);
    release(f);
}

int wd_write_atomic(const char *path, const char *data, size_t len)
{
    wd_outfile *f = NULL;
    int rc = wd_outfile_open(path, &f);
    if (rc)
        return rc;
    rc = wd_outfile_write(f, data, len);
    if (rc) {
        wd_outfile_abort(f);
        return rc;
    }
    return wd_outfile_commit(f);
}
