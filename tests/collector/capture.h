/* capture.h - a sink for the collector suites that writes every record it
 * receives as one line of text, so tests can assert exact values:
 *   S name|display|state|start|pid|exit|service_exit
 *   F key=value
 *   N location: reason
 *   R path|kind|records|kept|errors
 *   A operation|outcome|code|time|kb|update_id|product|title|line */
#ifndef WD_TEST_CAPTURE_H
#define WD_TEST_CAPTURE_H

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "support.h"

typedef struct {
    wd_buf text;
    size_t services, facts, notes, activities;
    wd_source_rec sum; /* counts of the last source */
} capture;

#define NS(s) ((s) ? (s) : "-")

static inline int cap_service(void *ctx, const wd_service_rec *r)
{
    capture *c = ctx;
    c->services++;
    return wd_buf_printf(&c->text, "S %s|%s|%s|%s|%lld|%lld|%lld\n", r->name, NS(r->display_name),
                         r->state, r->start_type, (long long)r->pid, (long long)r->exit_code,
                         (long long)r->service_exit_code);
}

static inline int cap_fact(void *ctx, const wd_fact_rec *r)
{
    capture *c = ctx;
    c->facts++;
    return wd_buf_printf(&c->text, "F %s=%s\n", r->key, r->value);
}

static inline int cap_activity(void *ctx, const wd_activity_rec *r)
{
    capture *c = ctx;
    char code[11] = "-";
    if (r->has_code)
        wd_hresult_format(r->code, code);
    c->activities++;
    return wd_buf_printf(&c->text, "A %s|%s|%s|%s|%s|%s|%s|%s|%llu\n", wd_op_name(r->operation),
                         wd_outcome_name(r->outcome), code, NS(r->time), NS(r->kb),
                         NS(r->update_id), wd_product_name(r->product), NS(r->title),
                         (unsigned long long)r->where.line);
}

static inline int cap_note(void *ctx, const wd_note_rec *r)
{
    capture *c = ctx;
    c->notes++;
    return wd_buf_printf(&c->text, "N %s: %s\n", NS(r->location), r->reason);
}

static inline int cap_source(void *ctx, const wd_source_rec *r)
{
    capture *c = ctx;
    c->sum = *r;
    return wd_buf_printf(&c->text, "R %s|%s|%llu|%llu|%llu\n", r->path, r->kind,
                         (unsigned long long)r->records, (unsigned long long)r->kept,
                         (unsigned long long)r->errors);
}

static inline wd_sink cap_sink(capture *c)
{
    wd_sink s = {c, cap_service, NULL, cap_fact, cap_note, cap_source, cap_activity};
    return s;
}

static inline const char *cap_text(capture *c)
{
    return wd_buf_cstr(&c->text);
}

/* Collects one fixture file (relative to tests/fixtures) through detection
 * and the reader for its kind, as the evidence walk does. */
static inline void cap_collect_fixture(capture *c, const char *rel)
{
    memset(c, 0, sizeof *c);
    wd_buf_init(&c->text, 0);
    wd_buf path = WD_BUF_INIT;
    wd_buf_printf(&path, "%s/tests/fixtures/%s", WD_SOURCE_DIR, rel);
    wd_sink s = cap_sink(c);
    cr_assert_eq(wd_collect_file(wd_buf_cstr(&path), rel, &s), 0, "%s", wd_error_last());
    wd_buf_free(&path);
}

/* Runs reader fn directly over bytes in memory (no detection). */
static inline void cap_run(capture *c, wd_source_fn fn, const void *data, size_t size)
{
    memset(c, 0, sizeof *c);
    wd_buf_init(&c->text, 0);
    wd_input in;
    wd_input_open_mem(&in, data, size, "mem");
    wd_sink s = cap_sink(c);
    c->sum.path = "mem";
    cr_assert_eq(fn(&in, &s, &c->sum), 0);
}

static inline void cap_free(capture *c)
{
    wd_buf_free(&c->text);
}

/* Asserts that the captured text holds the line want (without "\n"). */
#define cap_has(c, want)                                                                           \
    do {                                                                                           \
        wd_buf w_ = WD_BUF_INIT;                                                                   \
        wd_buf_printf(&w_, "%s\n", (want));                                                        \
        const char *t_ = cap_text(c);                                                              \
        const char *h_ = strstr(t_, wd_buf_cstr(&w_));                                             \
        int ok_ = h_ && (h_ == t_ || h_[-1] == '\n');                                              \
        cr_assert(ok_, "missing line: %s\ncaptured:\n%s", (want), t_);                             \
        wd_buf_free(&w_);                                                                          \
    } while (0)

#define cap_lacks(c, frag)                                                                         \
    cr_assert(!strstr(cap_text(c), (frag)), "unexpected: %s\ncaptured:\n%s", (frag), cap_text(c))

#endif
