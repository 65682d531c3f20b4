/* output.c - what wudiag writes for people must not harm their machine: a
 * report goes only to a regular file (never over a device, a FIFO or a
 * folder), and evidence text shown on a terminal has its control characters
 * escaped, so a hostile update title cannot retitle or recolour the screen. */
#define _DEFAULT_SOURCE
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------ targets */

static const char *what_it_is(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISCHR(mode))
        return "a device";
#ifdef S_ISBLK
    if (S_ISBLK(mode))
        return "a device";
#endif
#ifdef S_ISFIFO
    if (S_ISFIFO(mode))
        return "a pipe (FIFO)";
#endif
#ifdef S_ISSOCK
    if (S_ISSOCK(mode))
        return "a socket";
#endif
    return "not a regular file";
}

static int refuse(const char *path, mode_t mode)
{
    return wd_error_set(WD_EUSAGE,
                        "will not write to %s: it is %s; wudiag writes only regular files "
                        "(-o - writes to standard output)",
                        path, what_it_is(mode));
}

int wd_output_target(const char *path, char **target)
{
    struct stat st;
    *target = NULL;
#ifndef _WIN32
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (stat(path, &st) != 0)
            return wd_error_set(WD_EUSAGE, "will not write to %s: it is a symbolic link to "
                                           "a missing file", path);
        if (!S_ISREG(st.st_mode))
            return refuse(path, st.st_mode);
        *target = realpath(path, NULL); /* the file the link names, replaced in place */
        if (!*target)
            return wd_error_set(WD_EIO, "cannot resolve %s: %s", path, strerror(errno));
        return WD_OK;
    }
#endif
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return refuse(path, st.st_mode);
    } else if (errno != ENOENT) {
        return wd_error_set(WD_EIO, "cannot write to %s: %s", path, strerror(errno));
    }
    *target = wd_strdup(path);
    return *target ? WD_OK : WD_ENOMEM;
}

/* ------------------------------------------------------------ terminal */

#define PRINT_CHUNK ((size_t)64 * 1024)

/* The length of the valid UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t len = wd_utf8_decode(s, n, &cp);
    return cp == WD_UTF_INVALID ? 0 : len;
}

int wd_buf_put_printable(wd_buf *b, const char *text, size_t n, int keep_newlines)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && s[run] >= 0x20 && s[run] < 0x7F)
            run++;
        wd_buf_append(b, text + i, run - i);
        if ((i = run) >= n)
            break;
        unsigned char c = s[i];
        size_t len = utf8_seq(s + i, n - i);
        if (c == '\t' || (c == '\n' && keep_newlines)) {
            wd_buf_putc(b, (char)c);
            i++;
        } else if (c < 0x20 || c == 0x7F || len == 0) {
            wd_buf_printf(b, "\\x%02X", c); /* C0 control, DEL, or a stray byte */
            i++;
        } else if (len == 2 && c == 0xC2 && s[i + 1] < 0xA0) {
            wd_buf_printf(b, "\\u%04X", (unsigned)s[i + 1]); /* C1 control (CSI...) */
            i += 2;
        } else {
            wd_buf_append(b, text + i, len);
            i += len;
        }
    }
    return wd_buf_ok(b) ? WD_OK : WD_ENOMEM;
}

int wd_write_printable(FILE *f, const char *text, size_t n)
{
    wd_buf b = WD_BUF_INIT;
    int rc = WD_OK;
    while (rc == WD_OK && n > 0) {
        size_t take = n < PRINT_CHUNK ? n : PRINT_CHUNK;
        if (take < n)
            take = wd_utf8_boundary(text, take); /* whole UTF-8 sequences only */
        wd_buf_reset(&b);
        rc = wd_buf_put_printable(&b, text, take, 1);
        if (rc == WD_OK && b.len && fwrite(b.data, 1, b.len, f) != b.len)
            rc = WD_EIO;
        text += take, n -= take;
    }
    wd_buf_free(&b);
    return rc;
}
