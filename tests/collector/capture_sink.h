/* capture_sink.h - a sink for reader tests that keeps every record it gets
 * as one line of text ("0x80248007|install|KB4025342|..."), so tests can
 * count and compare what a reader produced. Header-only, static helpers. */
#ifndef WDT_CAPTURE_SINK_H
#define WDT_CAPTURE_SINK_H

#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct cap_list {
    char **items;
    size_t n, cap;
} cap_list;

typedef struct capture {
    cap_list events, facts, notes, activities;
} capture;

static inline void cap_push(cap_list *l, wd_buf *b)
{
    char **slot = wd_array_grow(&l->items, &l->n, &l->cap, sizeof *slot);
    if (slot)
        *slot = wd_buf_detach(b);
    else
        wd_buf_free(b);
}

static inline const char *cap_s(const char *s)
{
    return s ? s : "-";
}

static inline int cap_event(void *ctx, const wd_event_rec *r)
{
    capture *c = ctx;
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%u|%llu|%s|%s|%s|%s|%d", (unsigned)r->event_id,
                  (unsigned long long)r->record_id, cap_s(r->time), cap_s(r->provider),
                  cap_s(r->channel), cap_s(r->computer), r->level);
    for (size_t i = 0; i < r->nfields; i++)
        wd_buf_printf(&b, "|%s=%s", r->fields[i].name, r->fields[i].value);
    cap_push(&c->events, &b);
    return 0;
}

/* "install|failed|0x80070643|TIME|KB..|UPDATEID|os-cumulative|SERVICE|TARGET|
 * PACKAGE|COUNT|SOURCE:LINE or SOURCE#RECORD|TITLE|DETAIL" ("-" for none). */
static inline int cap_activity(void *ctx, const wd_activity_rec *r)
{
    capture *c = ctx;
    wd_buf b = WD_BUF_INIT;
    char code[11] = "-";
    if (r->has_code)
        wd_hresult_format(r->code, code);
    wd_buf_printf(&b, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%lld|", wd_op_name(r->operation),
                  wd_outcome_name(r->outcome), code, cap_s(r->time), cap_s(r->kb),
                  cap_s(r->update_id), wd_product_name(r->product), cap_s(r->service),
                  cap_s(r->target), cap_s(r->package), (long long)r->count);
    if (r->where.kind == WD_LOC_EVENT)
        wd_buf_printf(&b, "%s#%llu", cap_s(r->where.source), (unsigned long long)r->where.record_id);
    else
        wd_buf_printf(&b, "%s:%llu", cap_s(r->where.source), (unsigned long long)r->where.line);
    wd_buf_printf(&b, "|%s|%s", cap_s(r->title), cap_s(r->detail));
    cap_push(&c->activities, &b);
    return 0;
}

static inline int cap_fact(void *ctx, const wd_fact_rec *r)
{
    capture *c = ctx;
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s=%s", cap_s(r->key), cap_s(r->value));
    cap_push(&c->facts, &b);
    return 0;
}

static inline int cap_note(void *ctx, const wd_note_rec *r)
{
    capture *c = ctx;
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s|%s|%s", cap_s(r->source), cap_s(r->location), cap_s(r->reason));
    cap_push(&c->notes, &b);
    return 0;
}

static inline wd_sink cap_sink(capture *c)
{
    wd_sink s = {c, NULL, cap_event, cap_fact, cap_note, NULL, cap_activity};
    return s;
}

/* Items of l that contain needle. */
static inline size_t cap_count(const cap_list *l, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += strstr(l->items[i], needle) != NULL;
    return n;
}

static inline void cap_list_free(cap_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static inline void cap_free(capture *c)
{
    cap_list_free(&c->events);
    cap_list_free(&c->facts);
    cap_list_free(&c->notes);
    cap_list_free(&c->activities);
}

/* Runs a reader over a file on disk. */
static inline int cap_run_file(wd_source_fn fn, const char *path, capture *c, wd_source_rec *sum)
{
    wd_input in;
    FILE *fp = NULL;
    wd_sink s = cap_sink(c);
    memset(sum, 0, sizeof *sum);
    int rc = wd_input_open_file(&in, path, path, &fp);
    if (rc == 0)
        rc = fn(&in, &s, sum);
    if (fp)
        fclose(fp);
    return rc;
}

/* Runs a reader over a buffer. */
static inline int cap_run_mem(wd_source_fn fn, const void *data, size_t len, capture *c,
                       wd_source_rec *sum)
{
    wd_input in;
    wd_sink s = cap_sink(c);
    memset(sum, 0, sizeof *sum);
    wd_input_open_mem(&in, data, len, "mem.txt");
    return fn(&in, &s, sum);
}

/* UTF-8 to UTF-16 (LE or BE) with a BOM, for building inputs. */
static inline unsigned char *cap_utf16(const char *s, int be, size_t *outlen)
{
    size_t n = strlen(s), o = 0;
    unsigned char *out = malloc(2 * n + 2 + 2);
    unsigned units[2];
    out[o++] = be ? 0xFE : 0xFF;
    out[o++] = be ? 0xFF : 0xFE;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        unsigned cp, len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        cp = len == 1 ? b : len == 2 ? b & 0x1F : len == 3 ? b & 0x0F : b & 0x07;
        for (unsigned k = 1; k < len; k++)
            cp = cp << 6 | ((unsigned char)s[i + k] & 0x3F);
        i += len;
        size_t nu = 1;
        units[0] = cp;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            nu = 2;
        }
        for (size_t u = 0; u < nu; u++) {
            out[o++] = (unsigned char)(be ? units[u] >> 8 : units[u] & 0xFF);
            out[o++] = (unsigned char)(be ? units[u] & 0xFF : units[u] >> 8);
        }
    }
    *outlen = o;
    return out;
}

#endif
