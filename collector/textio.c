/* textio.c - the text layer every line-oriented reader uses: decodes what
 * Windows writes (UTF-8 with or without BOM, UTF-16LE/BE, CRLF, LF or CR) into
 * UTF-8 lines, streaming through a fixed read buffer and a line capped at
 * WD_LINE_MAX. NUL characters are shown, never silently dropped inside a line. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define RAW_SIZE (64 * 1024)
#define LINE_MAX_BYTES WD_LINE_MAX

struct wd_lines {
    wd_input *in;
    wd_text_enc enc;
    int eof;     /* the input has no more bytes */
    int failed;  /* a read error happened */
    int skip_lf; /* the last line ended with CR: a following LF belongs to it */
    int first;   /* nothing decoded yet (a U+FEFF here is a BOM) */
    unsigned char raw[RAW_SIZE];
    size_t raw_pos, raw_len;
    char *line; /* current line, NUL-terminated */
    size_t len, cap;
    int cut_now; /* the current line went past the limit */
    int in_nul;  /* the last character was a NUL (a run shows as one U+FFFD) */
    uint64_t number, cut;
};

/* ------------------------------------------------------------- raw bytes */

/* Makes at least `want` bytes available from raw_pos (fewer only at the
 * end of the input). Returns 0, or WD_EIO on a read error. */
static int fill(wd_lines *l, size_t want)
{
    if (l->raw_len - l->raw_pos >= want || l->eof)
        return WD_OK;
    memmove(l->raw, l->raw + l->raw_pos, l->raw_len - l->raw_pos);
    l->raw_len -= l->raw_pos;
    l->raw_pos = 0;
    while (l->raw_len < want && !l->eof) {
        ssize_t got = wd_input_read(l->in, l->raw + l->raw_len, RAW_SIZE - l->raw_len);
        if (got < 0) {
            l->failed = 1;
            return wd_error_set(WD_EIO, "%s: read error at byte %llu", l->in->path,
                                (unsigned long long)l->in->offset);
        }
        if (got == 0)
            l->eof = 1;
        l->raw_len += (size_t)got;
    }
    return WD_OK;
}

/* ---------------------------------------------------------------- decode */

/* Next code point: 1 with *cp, 0 at the end, or WD_EIO. */
static int next_cp(wd_lines *l, uint32_t *cp)
{
    int rc = fill(l, 4);
    if (rc)
        return rc;
    size_t avail = l->raw_len - l->raw_pos, used;
    if (avail == 0)
        return 0;
    const unsigned char *p = l->raw + l->raw_pos;
    if (l->enc == WD_ENC_UTF8)
        used = wd_utf8_decode(p, avail, cp);
    else
        used = wd_utf16_decode(p, avail, l->enc, cp);
    if (*cp == WD_UTF_INVALID)
        *cp = WD_UTF_REPLACEMENT;
    l->raw_pos += used;
    return 1;
}

/* ------------------------------------------------------------------ line */

static int line_reserve(wd_lines *l, size_t extra)
{
    if (wd_array_reserve(&l->line, &l->cap, l->len + extra + 1, 1))
        return wd_error_set(WD_ENOMEM, "out of memory reading %s", l->in->path);
    return WD_OK;
}

/* Appends cp as UTF-8, unless the line is already at its limit. */
static int line_put(wd_lines *l, uint32_t cp)
{
    char u[4];
    size_t n = wd_utf8_encode(cp, u);
    if (l->len + n > LINE_MAX_BYTES) {
        l->cut_now = 1;
        return WD_OK;
    }
    int rc = line_reserve(l, n);
    if (rc)
        return rc;
    memcpy(l->line + l->len, u, n);
    l->len += n;
    return WD_OK;
}

/* Copies a run of plain ASCII bytes of a UTF-8 input in one go: the common
 * case, so that large logs are not decoded one code point at a time. */
static int ascii_run(wd_lines *l)
{
    const unsigned char *p = l->raw + l->raw_pos, *end = l->raw + l->raw_len;
    const unsigned char *q = p;
    while (q < end && *q >= 0x20 && *q < 0x80)
        q++;
    size_t n = (size_t)(q - p);
    if (n == 0)
        return WD_OK;
    l->raw_pos += n;
    l->first = 0;
    l->skip_lf = 0;
    l->in_nul = 0;
    if (l->len + n > LINE_MAX_BYTES) {
        l->cut_now = 1;
        n = LINE_MAX_BYTES - l->len;
    }
    int rc = line_reserve(l, n);
    if (rc)
        return rc;
    memcpy(l->line + l->len, p, n);
    l->len += n;
    return WD_OK;
}

int wd_lines_open(wd_lines **out, wd_input *in)
{
    *out = NULL;
    wd_lines *l = calloc(1, sizeof *l);
    if (!l)
        return wd_error_set(WD_ENOMEM, "out of memory reading %s", in->path);
    l->in = in;
    l->first = 1;
    size_t bom;
    l->enc = wd_text_detect(in->head, in->head_len, &bom);
    if (in->offset == 0 && bom) {
        int rc = fill(l, bom);
        if (rc) {
            wd_lines_free(l);
            return rc;
        }
        l->raw_pos = bom <= l->raw_len ? bom : l->raw_len;
    }
    *out = l;
    return WD_OK;
}

/* Ends the current line; returns 1 (a line is ready). */
static int finish_line(wd_lines *l, const char **line, size_t *len)
{
    if (line_reserve(l, 0))
        return WD_ENOMEM;
    l->line[l->len] = '\0';
    l->number++;
    if (l->cut_now && l->in->cut_lines++ == 0)
        l->in->cut_line = l->number;
    if (l->cut_now)
        l->cut++;
    *line = l->line;
    *len = l->len;
    return 1;
}

int wd_lines_next(wd_lines *l, const char **line, size_t *len)
{
    int rc = 0, any = 0;
    uint32_t cp = 0;
    if (l->failed)
        return WD_EIO;
    l->len = 0;
    l->cut_now = 0;
    for (;;) {
        if (l->enc == WD_ENC_UTF8 && (rc = ascii_run(l)) != 0)
            return rc;
        if ((rc = next_cp(l, &cp)) <= 0)
            break;
        int was_first = l->first, skip = l->skip_lf, was_nul = l->in_nul;
        l->first = 0;
        l->skip_lf = 0;
        l->in_nul = cp == 0;
        if (cp == 0) {
            if (l->in->nul_bytes++ == 0)
                l->in->nul_line = l->number + 1;
            if (was_nul || l->len == 0)
                continue; /* one mark per run; none before the line's text */
            cp = WD_UTF_REPLACEMENT;
        }
        if ((cp == 0xFEFF && was_first) || (cp == '\n' && skip))
            continue; /* a BOM, the LF of CRLF */
        any = 1;
        if (cp == '\n' || cp == '\r') {
            l->skip_lf = cp == '\r';
            return finish_line(l, line, len);
        }
        if ((rc = line_put(l, cp)) != 0)
            return rc;
    }
    if (rc < 0)
        return rc;
    if (any || l->len)
        return finish_line(l, line, len);
    return 0;
}

uint64_t wd_lines_number(const wd_lines *l)
{
    return l ? l->number : 0;
}

uint64_t wd_lines_cut(const wd_lines *l)
{
    return l ? l->cut : 0;
}

void wd_lines_free(wd_lines *l)
{
    if (!l)
        return;
    free(l->line);
    free(l);
}

/* ------------------------------------------------------- line scanning */

size_t wd_text_digits(const char *p, size_t max)
{
    size_t n = 0;
    while (n < max && p[n] >= '0' && p[n] <= '9')
        n++;
    return n;
}

const char *wd_text_skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

const char *wd_text_token_end(const char *p)
{
    while (*p && *p != ' ' && *p != '\t')
        p++;
    return p;
}
