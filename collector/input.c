/* input.c - the byte stream every evidence reader consumes: a file on disk,
 * a buffer in memory, or an entry streamed out of a zip. The first bytes are
 * read ahead so the format can be recognised by content. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static ssize_t file_read(void *ctx, void *buf, size_t n)
{
    FILE *f = ctx;
    size_t got = fread(buf, 1, n, f);
    if (got == 0 && ferror(f))
        return -1;
    return (ssize_t)got;
}

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
    wd_input *in = ctx;
    uint64_t pos = in->offset; /* head is empty for memory inputs */
    if (pos >= in->size)
        return 0;
    size_t avail = (size_t)(in->size - pos);
    if (n > avail)
        n = avail;
    memcpy(buf, in->mem + pos, n);
    return (ssize_t)n;
}

static int fill_head(wd_input *in)
{
    while (in->head_len < WD_INPUT_HEAD) {
        ssize_t n = in->raw_read(in->ctx, in->head + in->head_len, WD_INPUT_HEAD - in->head_len);
        if (n < 0)
            return wd_error_set(WD_EIO, "%s: read error", in->path);
        if (n == 0)
            break;
        in->head_len += (size_t)n;
    }
    return WD_OK;
}

int wd_input_open_file(wd_input *in, const char *fs_path, const char *display, FILE **fp_out)
{
    memset(in, 0, sizeof *in);
    *fp_out = NULL;
    FILE *f = fopen(fs_path, "rb");
    if (!f)
        return wd_error_set(WD_EIO, "cannot open %s: %s", display, strerror(errno));
    in->path = display;
    in->fs_path = fs_path;
    in->size = UINT64_MAX;
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz >= 0)
            in->size = (uint64_t)sz;
        fseek(f, 0, SEEK_SET);
    }
    in->raw_read = file_read;
    in->ctx = f;
    *fp_out = f;
    return fill_head(in);
}

void wd_input_open_mem(wd_input *in, const void *data, size_t size, const char *display)
{
    memset(in, 0, sizeof *in);
    in->path = display;
    in->mem = data;
    in->size = size;
    in->raw_read = mem_read;
    in->ctx = in;
    /* The head is a copy; reads come straight from memory. */
    in->head_len = size < WD_INPUT_HEAD ? size : WD_INPUT_HEAD;
    memcpy(in->head, data, in->head_len);
}

int wd_input_open_stream(wd_input *in, ssize_t (*raw_read)(void *, void *, size_t), void *ctx,
                         uint64_t size, const char *display)
{
    memset(in, 0, sizeof *in);
    in->path = display;
    in->size = size;
    in->raw_read = raw_read;
    in->ctx = ctx;
    return fill_head(in);
}

ssize_t wd_input_read(wd_input *in, void *buf, size_t n)
{
    if (in->mem) {
        ssize_t got = mem_read(in, buf, n);
        in->offset += (uint64_t)got;
        return got;
    }
    if (in->offset < in->head_len) {
        size_t avail = in->head_len - (size_t)in->offset;
        if (n > avail)
            n = avail;
        memcpy(buf, in->head + in->offset, n);
        in->offset += n;
        return (ssize_t)n;
    }
    ssize_t got = in->raw_read(in->ctx, buf, n);
    if (got > 0)
        in->offset += (uint64_t)got;
    return got;
}

int wd_input_slurp(wd_input *in, size_t limit, unsigned char **data, size_t *size)
{
    size_t cap = in->size != UINT64_MAX && in->size < limit ? (size_t)in->size + 1 : 1 << 20;
    size_t len = 0;
    unsigned char *buf = malloc(cap);
    *data = NULL;
    *size = 0;
    if (!buf)
        return wd_error_set(WD_ENOMEM, "out of memory reading %s", in->path);
    for (;;) {
        if (len == cap) {
            if (cap >= limit) {
                free(buf);
                return wd_error_set(WD_EFORMAT, "%s is larger than %zu bytes", in->path, limit);
            }
            size_t ncap = cap * 2 > limit ? limit : cap * 2;
            unsigned char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                return wd_error_set(WD_ENOMEM, "out of memory reading %s", in->path);
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t n = wd_input_read(in, buf + len, cap - len);
        if (n < 0) {
            free(buf);
            return wd_error_set(WD_EIO, "%s: read error", in->path);
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    *data = buf;
    *size = len;
    return WD_OK;
}
