/* emit.c - what every emitter shares: each string the report writer hands
 * over is cleaned of what XML 1.0 cannot carry (so the XML and the JSON
 * hold the same text) and, with --redact, passed through the redactor,
 * before the XML or JSON implementation writes it. */
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================ cleaning */

static int xml_char_ok(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

void wd_xml_clean(const char *s, wd_buf *out)
{
    const unsigned char *p = (const unsigned char *)s, *run = p;
    size_t n = s ? strlen(s) : 0;
    while (n > 0) { /* what is fine is appended in runs, not byte by byte */
        uint32_t c;
        size_t len = *p >= 0x20 && *p < 0x80 ? (c = *p, 1) : wd_utf8_decode(p, n, &c);
        if (c != WD_UTF_INVALID && xml_char_ok(c)) {
            p += len, n -= len;
            continue;
        }
        wd_buf_append(out, (const char *)run, (size_t)(p - run));
        if (c == WD_UTF_INVALID)
            wd_buf_put_cp(out, WD_UTF_REPLACEMENT); /* not UTF-8: one U+FFFD */
        p += len, n -= len;
        run = p;
    }
    wd_buf_append(out, (const char *)run, (size_t)(p - run));
}

/* ============================================================ the calls */

void wd_em_fail(wd_emit *e, int rc)
{
    if (!e->err)
        e->err = rc ? rc : WD_ERROR;
}

/* The cleaned (and, when redact, redacted) text of s, valid until the next
 * call; NULL after an error. */
static const char *prepare(wd_emit *e, const char *s, int redact)
{
    wd_buf_reset(&e->clean);
    if (redact && e->redact) {
        wd_buf_reset(&e->red);
        wd_redact_apply(e->redact, s, &e->red);
        if (!wd_buf_ok(&e->red)) {
            wd_em_fail(e, wd_error_set(WD_ENOMEM, "out of memory redacting the report"));
            return NULL;
        }
        s = wd_buf_cstr(&e->red);
    }
    wd_xml_clean(s, &e->clean);
    if (!wd_buf_ok(&e->clean)) {
        wd_em_fail(e, wd_error_set(WD_ENOMEM, "out of memory writing the report"));
        return NULL;
    }
    return wd_buf_cstr(&e->clean);
}

void wd_em_open(wd_emit *e, const char *name)
{
    if (!e->err)
        e->open(e, name);
}

void wd_em_close(wd_emit *e)
{
    if (!e->err)
        e->close(e);
}

void wd_em_list(wd_emit *e, const char *key)
{
    if (!e->err)
        e->list(e, key);
}

void wd_em_list_end(wd_emit *e)
{
    if (!e->err)
        e->list_end(e);
}

static void attr(wd_emit *e, const char *name, const char *value, int redact)
{
    const char *v;
    if (e->err || !value || !(v = prepare(e, value, redact)))
        return;
    e->attr(e, name, v, WD_V_STR);
}

void wd_em_str(wd_emit *e, const char *name, const char *value)
{
    attr(e, name, value, 1);
}

void wd_em_sym(wd_emit *e, const char *name, const char *value)
{
    attr(e, name, value, 0);
}

void wd_em_i64(wd_emit *e, const char *name, int64_t v)
{
    char num[32];
    if (e->err)
        return;
    snprintf(num, sizeof num, "%lld", (long long)v);
    e->attr(e, name, num, WD_V_NUM);
}

void wd_em_bool(wd_emit *e, const char *name, int v)
{
    if (!e->err)
        e->attr(e, name, v ? "true" : "false", WD_V_BOOL);
}

void wd_em_code(wd_emit *e, const char *name, uint32_t code)
{
    char hex[11];
    wd_hresult_format(code, hex);
    attr(e, name, hex, 0);
}

void wd_em_text(wd_emit *e, const char *name, const char *text)
{
    const char *v;
    if (e->err || !text || !(v = prepare(e, text, 1)))
        return;
    e->child(e, name, v);
}

void wd_em_content(wd_emit *e, const char *key, const char *text)
{
    const char *v;
    if (e->err || !text || !(v = prepare(e, text, 1)))
        return;
    e->content(e, key, v);
}

void wd_emit_free(wd_emit *e)
{
    if (!e)
        return;
    wd_buf_free(&e->clean);
    wd_buf_free(&e->red);
    e->destroy(e);
}
