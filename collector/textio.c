/* textio.c - the text layer every line-oriented reader uses: decodes what
 * Windows writes (UTF-8 with or without BOM, UTF-16LE/BE, CRLF, LF or CR) into
 * UTF-8 lines, streaming through a fixed read buffer and a line capped at
 * WD_LINE_MAX. NUL characters are shown, never silently dropped inside a line. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define RAW_SIZE (64 * 1024)
#define LINE_MAX_BYTES WD_LINE_MAX
#define REPLACEMENT 0xFFFDu
#define DETECT_PAIRS 256

enum { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE };

struct wd_lines {
    wd_input *in;
    int enc;
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

/* -------------------------------------------------------------- detection */

/* UTF-16 without a BOM: most of the first code units have a zero high byte
 * (ASCII text); 1 for LE, 2 for BE, 0 for neither. */
static int sniff_utf16(const unsigned char *h, size_t n)
{
    size_t pairs = n / 2, le = 0, be = 0;
    if (pairs > DETECT_PAIRS)
        pairs = DETECT_PAIRS;
    if (pairs < 2)
        return 0;
    for (size_t i = 0; i < pairs; i++) {
        unsigned char a = h[2 * i], b = h[2 * i + 1];
        le += a != 0 && b == 0;
        be += a == 0 && b != 0;
    }
    if (le * 4 >= pairs * 3)
        return ENC_UTF16LE;
    if (be * 4 >= pairs * 3)
        return ENC_UTF16BE;
    return ENC_UTF8;
}

/* Picks the encoding from the head and returns how many BOM bytes to skip. */
static size_t detect_encoding(const wd_input *in, int *enc)
{
    const unsigned char *h = in->head;
    size_t n = in->head_len;
    *enc = ENC_UTF8;
    if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
        return 3;
    if (n >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
        *enc = ENC_UTF16LE;
        return 2;
    }
    if (n >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
        *enc = ENC_UTF16BE;
        return 2;
    }
    *enc = sniff_utf16(h, n);
    return 0;
}

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

static size_t utf8_length(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

/* One UTF-8 code point from p (avail bytes); *used gets the bytes taken.
 * Overlong forms, surrogates and truncated sequences give U+FFFD. */
static uint32_t decode_utf8(const unsigned char *p, size_t avail, size_t *used)
{
    size_t n = utf8_length(p[0]);
    *used = 1;
    if (n == 1)
        return p[0];
    if (n == 0)
        return REPLACEMENT;
    uint32_t cp = p[0] & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; i++) {
        if (i >= avail || (p[i] & 0xC0) != 0x80) {
            *used = i;
            return REPLACEMENT;
        }
        cp = cp << 6 | (p[i] & 0x3F);
    }
    *used = n;
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return REPLACEMENT;
    return cp;
}

static uint32_t unit16(const unsigned char *p, int enc)
{
    return enc == ENC_UTF16LE ? (uint32_t)(p[0] | p[1] << 8) : (uint32_t)(p[0] << 8 | p[1]);
}

/* One UTF-16 code point; a lone surrogate or an odd last byte is U+FFFD. */
static uint32_t decode_utf16(const unsigned char *p, size_t avail, int enc, size_t *used)
{
    if (avail < 2) {
        *used = avail;
        return REPLACEMENT;
    }
    uint32_t u = unit16(p, enc);
    *used = 2;
    if (u >= 0xDC00 && u <= 0xDFFF)
        return REPLACEMENT;
    if (u < 0xD800 || u > 0xDBFF)
        return u;
    if (avail < 4)
        return REPLACEMENT;
    uint32_t lo = unit16(p + 2, enc);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return REPLACEMENT;
    *used = 4;
    return 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
}

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
    if (l->enc == ENC_UTF8)
        *cp = decode_utf8(p, avail, &used);
    else
        *cp = decode_utf16(p, avail, l->enc, &used);
    l->raw_pos += used;
    return 1;
}

/* ------------------------------------------------------------------ line */

static int line_reserve(wd_lines *l, size_t extra)
{
    if (l->len + extra + 1 <= l->cap)
        return WD_OK;
    size_t cap = l->cap ? l->cap : 256;
    while (cap < l->len + extra + 1)
        cap *= 2;
    char *p = realloc(l->line, cap);
    if (!p)
        return wd_error_set(WD_ENOMEM, "out of memory reading %s", l->in->path);
    l->line = p;
    l->cap = cap;
    return WD_OK;
}

/* Appends cp as UTF-8, unless the line is already at its limit. */
static int line_put(wd_lines *l, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
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
    size_t bom = detect_encoding(in, &l->enc);
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
        if (l->enc == ENC_UTF8 && (rc = ascii_run(l)) != 0)
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
            cp = REPLACEMENT;
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
