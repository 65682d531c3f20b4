/* fuzz_sink.h - the sink every fuzz target reads into: each string of every
 * record is read through (ASan sees a dangling one), the enums are in range,
 * an activity's location is filled and a source keeps no more records than
 * it read. Traps otherwise. Usage: size_t n = 0; wd_sink s = fuzz_sink(&n); */
#ifndef WD_FUZZ_SINK_H
#define WD_FUZZ_SINK_H

#include "internal.h"

#include <string.h>

static inline size_t fuzz_touch(const char *const *all, size_t count)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        n += all[i] ? strlen(all[i]) : 0;
    return n;
}
#define FUZZ_TOUCH(...)                                                                    \
    fuzz_touch((const char *const[]){__VA_ARGS__},                                         \
               sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static inline int fuzz_on_activity(void *ctx, const wd_activity_rec *r)
{
    if ((unsigned)r->operation >= WD_OP_COUNT || (unsigned)r->outcome >= WD_OUT_COUNT ||
        (unsigned)r->product >= WD_PRODUCT_COUNT || r->where.kind == WD_LOC_NONE ||
        !r->where.source || r->count < -1)
        __builtin_trap();
    *(size_t *)ctx += FUZZ_TOUCH(r->time, r->update_id, r->kb, r->title, r->package, r->service,
                                 r->target, r->session, r->component, r->detail, r->computer,
                                 r->where.source, r->where.channel);
    return 0;
}

static inline int fuzz_on_event(void *ctx, const wd_event_rec *r)
{
    size_t *n = ctx;
    *n += FUZZ_TOUCH(r->channel, r->provider, r->time, r->computer, r->source);
    for (size_t i = 0; i < r->nfields; i++)
        *n += FUZZ_TOUCH(r->fields[i].name, r->fields[i].value);
    return 0;
}

static inline int fuzz_on_service(void *ctx, const wd_service_rec *r)
{
    *(size_t *)ctx +=
        FUZZ_TOUCH(r->name, r->display_name, r->state, r->start_type, r->source);
    return 0;
}

static inline int fuzz_on_fact(void *ctx, const wd_fact_rec *r)
{
    *(size_t *)ctx += FUZZ_TOUCH(r->key, r->value, r->source, r->time);
    return 0;
}

static inline int fuzz_on_note(void *ctx, const wd_note_rec *r)
{
    if ((int)r->kind < WD_NOTE_INFO || r->kind > WD_NOTE_LIMIT)
        __builtin_trap();
    *(size_t *)ctx += FUZZ_TOUCH(r->source, r->location, r->reason);
    return 0;
}

static inline int fuzz_on_source(void *ctx, const wd_source_rec *r)
{
    if (r->kept > r->records)
        __builtin_trap();
    *(size_t *)ctx += FUZZ_TOUCH(r->path, r->kind);
    return 0;
}

static inline wd_sink fuzz_sink(size_t *n)
{
    return (wd_sink){.ctx = n,
                     .service = fuzz_on_service,
                     .event = fuzz_on_event,
                     .fact = fuzz_on_fact,
                     .note = fuzz_on_note,
                     .source = fuzz_on_source,
                     .activity = fuzz_on_activity};
}

#endif
