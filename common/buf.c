/* buf.c - the bounded string builder (wd_buf) and small string utilities. */
#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT ((size_t)64 * 1024 * 1024)

void wd_buf_init(wd_buf *b, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->limit = limit;
}

static int grow(wd_buf *b, size_t extra)
{
    size_t limit = b->limit ? b->limit : DEFAULT_LIMIT;
    if (b->failed)
        return WD_ENOMEM;
    if (extra > limit || b->len > limit - extra) {
        b->failed = 1;
        return wd_error_set(WD_ENOMEM, "text exceeds its limit of %zu bytes", limit);
    }
    int rc = wd_array_reserve(&b->data, &b->cap, b->len + extra + 1, 1);
    if (rc)
        b->failed = 1;
    return rc;
}

int wd_buf_append(wd_buf *b, const char *s, size_t n)
{
    int rc = grow(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return WD_OK;
}

int wd_buf_puts(wd_buf *b, const char *s)
{
    return wd_buf_append(b, s, strlen(s));
}

int wd_buf_putc(wd_buf *b, char c)
{
    return wd_buf_append(b, &c, 1);
}

int wd_buf_vprintf(wd_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    int rc = n < 0 ? wd_error_set(WD_ERROR, "bad format") : grow(b, (size_t)n);
    if (rc == WD_OK) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
    return rc;
}

int wd_buf_printf(wd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = wd_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void wd_buf_reset(wd_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

void wd_buf_free(wd_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

const char *wd_buf_cstr(const wd_buf *b)
{
    return b->data ? b->data : "";
}

char *wd_buf_detach(wd_buf *b)
{
    char *p = b->data;
    if (!p)
        p = wd_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

int wd_buf_ok(const wd_buf *b)
{
    return !b->failed;
}

char *wd_strdup(const char *s)
{
    return s ? wd_strndup(s, strlen(s)) : NULL;
}

char *wd_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    if (!p) {
        wd_error_set(WD_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int wd_strcaseeq(const char *a, const char *b)
{
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

int wd_strncaseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
        if (a[i] == '\0')
            return 1;
    }
    return 1;
}

int wd_strcasehas(const char *hay, const char *needle)
{
    if (!hay)
        return 0;
    size_t n = strlen(needle);
    int lo = lower((unsigned char)needle[0]), up = lo >= 'a' && lo <= 'z' ? lo - 32 : lo;
    /* the first character tested inline: this runs for every update event */
    for (; *hay; hay++)
        if (((unsigned char)*hay == lo || (unsigned char)*hay == up) && wd_strncaseeq(hay, needle, n))
            return 1;
    return 0;
}

int wd_parse_i64(const char *s, int64_t *out)
{
    if (!s)
        return WD_EFORMAT;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return WD_EFORMAT;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s)
        return WD_EFORMAT;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return WD_EFORMAT;
    *out = v;
    return WD_OK;
}

int wd_find_kb(const char *text, char *out, size_t outsz)
{
    if (!text)
        return 0;
    for (const char *p = text; *p; p++) {
        if ((p[0] == 'K' || p[0] == 'k') && (p[1] == 'B' || p[1] == 'b') &&
            isdigit((unsigned char)p[2]) && (p == text || !isalnum((unsigned char)p[-1]))) {
            size_t n = 2;
            while (isdigit((unsigned char)p[n]))
                n++;
            if (n < 5 || isalpha((unsigned char)p[n])) /* KB + at least 3 digits */
                continue;
            if (n + 1 > outsz)
                return 0;
            out[0] = 'K';
            out[1] = 'B';
            memcpy(out + 2, p + 2, n - 2);
            out[n] = '\0';
            return 1;
        }
    }
    return 0;
}
