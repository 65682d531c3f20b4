/* guard.c - the budget guard between a reader and the caller's sink for one
 * evidence file: at most budget.records records of each kind, budget.notes
 * notes, and text values of at most budget.field bytes. What it cuts it
 * counts, and says in one LIMIT note per kind of cut: never a silent cut. */
#include "bundle.h"

#include <stdlib.h>
#include <string.h>

enum { K_SERVICE, K_EVENT, K_FACT, K_ACTIVITY, K_COUNT };

static const char *const kind_names[K_COUNT] = {"services", "events", "facts", "activities"};

struct wd_guard {
    wd_bundle *bd;
    const char *path;
    wd_sink sink; /* handed to the reader */
    uint64_t kept[K_COUNT], over[K_COUNT];
    uint64_t notes, notes_over;
    uint64_t cut_values; /* values cut to budget.field */
    size_t longest;      /* the longest of them, bytes */
    char **owned;        /* cut copies of the record being passed on */
    size_t nowned, capowned;
    int failed;          /* out of memory while cutting */
};

/* ------------------------------------------------------------- values */

static int too_long(const char *s, size_t max)
{
    return s && strnlen(s, max + 1) > max;
}

static void drop_owned(wd_guard *g)
{
    for (size_t i = 0; i < g->nowned; i++)
        free(g->owned[i]);
    g->nowned = 0;
}

/* s, or a copy cut to budget.field bytes (at a UTF-8 boundary) that lives
 * until the record has been passed on. */
static const char *fit(wd_guard *g, const char *s)
{
    size_t max = g->bd->b.field;
    if (!too_long(s, max))
        return s;
    size_t len = strlen(s), n = wd_utf8_boundary(s, max);
    char *copy = wd_strndup(s, n);
    char **slot = copy ? wd_array_grow(&g->owned, &g->nowned, &g->capowned, sizeof *slot) : NULL;
    if (!slot) {
        free(copy);
        g->failed = 1;
        return s;
    }
    *slot = copy;
    g->cut_values++;
    if (len > g->longest)
        g->longest = len;
    return copy;
}

/* 1 when a record of this kind is still within the records budget. */
static int take(wd_guard *g, int kind)
{
    if (g->kept[kind] >= g->bd->b.records) {
        g->over[kind]++;
        return 0;
    }
    g->kept[kind]++;
    return 1;
}

/* ------------------------------------------------------------ callbacks */

static int on_service(void *ctx, const wd_service_rec *r)
{
    wd_guard *g = ctx;
    if (!take(g, K_SERVICE) || !g->bd->sink->service)
        return 0;
    wd_service_rec c = *r;
    c.name = fit(g, r->name);
    c.display_name = fit(g, r->display_name);
    c.state = fit(g, r->state);
    c.start_type = fit(g, r->start_type);
    int rc = g->bd->sink->service(g->bd->sink->ctx, &c);
    drop_owned(g);
    return rc;
}

static int on_event(void *ctx, const wd_event_rec *r)
{
    wd_guard *g = ctx;
    if (!take(g, K_EVENT) || !g->bd->sink->event)
        return 0;
    wd_event_rec c = *r;
    wd_field *fields = NULL;
    size_t max = g->bd->b.field;
    for (size_t i = 0; i < r->nfields; i++) {
        const wd_field *f = &r->fields[i];
        if (!too_long(f->value, max) && !too_long(f->name, max))
            continue;
        if (!fields && (fields = malloc(r->nfields * sizeof *fields)) != NULL)
            memcpy(fields, r->fields, r->nfields * sizeof *fields);
        if (!fields) {
            g->failed = 1;
            break;
        }
        fields[i].name = fit(g, f->name);
        fields[i].value = fit(g, f->value);
    }
    if (fields)
        c.fields = fields;
    c.provider = fit(g, r->provider);
    c.channel = fit(g, r->channel);
    c.computer = fit(g, r->computer);
    int rc = g->bd->sink->event(g->bd->sink->ctx, &c);
    free(fields);
    drop_owned(g);
    return rc;
}

static int on_fact(void *ctx, const wd_fact_rec *r)
{
    wd_guard *g = ctx;
    if (!take(g, K_FACT) || !g->bd->sink->fact)
        return 0;
    wd_fact_rec c = *r;
    c.key = fit(g, r->key);
    c.value = fit(g, r->value);
    int rc = g->bd->sink->fact(g->bd->sink->ctx, &c);
    drop_owned(g);
    return rc;
}

static int on_activity(void *ctx, const wd_activity_rec *r)
{
    wd_guard *g = ctx;
    if (!take(g, K_ACTIVITY) || !g->bd->sink->activity)
        return 0;
    wd_activity_rec c = *r;
    const char **v[] = {&c.update_id, &c.kb,        &c.title,  &c.package,
                        &c.service,   &c.target,    &c.session, &c.component,
                        &c.detail,    &c.computer,  &c.where.channel};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        *v[i] = fit(g, *v[i]);
    int rc = g->bd->sink->activity(g->bd->sink->ctx, &c);
    drop_owned(g);
    return rc;
}

static int on_note(void *ctx, const wd_note_rec *r)
{
    wd_guard *g = ctx;
    if (g->notes >= g->bd->b.notes) {
        g->notes_over++;
        return 0;
    }
    g->notes++;
    if (!g->bd->sink->note)
        return 0;
    wd_note_rec c = *r;
    c.reason = fit(g, r->reason);
    c.location = fit(g, r->location);
    int rc = g->bd->sink->note(g->bd->sink->ctx, &c);
    drop_owned(g);
    return rc;
}

static int on_source(void *ctx, const wd_source_rec *r)
{
    wd_guard *g = ctx;
    return g->bd->sink->source ? g->bd->sink->source(g->bd->sink->ctx, r) : 0;
}

/* -------------------------------------------------------------- the guard */

int wd_guard_new(wd_guard **out, wd_bundle *bd, const char *path)
{
    wd_guard *g = calloc(1, sizeof *g);
    *out = NULL;
    if (!g)
        return wd_error_set(WD_ENOMEM, "out of memory reading %s", path);
    g->bd = bd;
    g->path = path;
    wd_sink s = {g, on_service, on_event, on_fact, on_note, on_source, on_activity};
    g->sink = s;
    *out = g;
    return WD_OK;
}

const wd_sink *wd_guard_sink(wd_guard *g)
{
    return &g->sink;
}

/* The notes saying what the guard cut. */
static int guard_notes(wd_guard *g)
{
    const wd_sink *sink = g->bd->sink;
    wd_buf why = WD_BUF_INIT;
    int rc = 0;
    for (int k = 0; rc == 0 && k < K_COUNT; k++) {
        if (!g->over[k])
            continue;
        wd_buf_reset(&why);
        wd_buf_printf(&why, "budget: %llu %s past the first %llu were not kept",
                      (unsigned long long)g->over[k], kind_names[k],
                      (unsigned long long)g->bd->b.records);
        rc = wd_note(sink, WD_NOTE_LIMIT, g->path, wd_buf_cstr(&why), NULL);
    }
    if (rc == 0 && g->cut_values) {
        wd_buf_reset(&why);
        wd_buf_printf(&why, "budget: %llu text values longer than %zu bytes were cut to it "
                            "(the longest had %zu bytes)",
                      (unsigned long long)g->cut_values, g->bd->b.field, g->longest);
        rc = wd_note(sink, WD_NOTE_LIMIT, g->path, wd_buf_cstr(&why), NULL);
    }
    if (rc == 0 && g->notes_over) {
        wd_buf_reset(&why);
        wd_buf_printf(&why, "budget: %llu more notes about this file were not kept",
                      (unsigned long long)g->notes_over);
        rc = wd_note(sink, WD_NOTE_LIMIT, g->path, wd_buf_cstr(&why), NULL);
    }
    if (rc == 0 && g->failed)
        rc = wd_note(sink, WD_NOTE_PARTIAL, g->path,
                     "out of memory cutting long values: some were passed on whole", NULL);
    wd_buf_free(&why);
    return rc;
}

int wd_guard_finish(wd_guard *g)
{
    if (!g)
        return 0;
    int rc = guard_notes(g);
    drop_owned(g);
    free(g->owned);
    free(g);
    return rc;
}
