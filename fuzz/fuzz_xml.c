/* fuzz_xml.c - libFuzzer target for the event-XML reader: any bytes as an
 * event export (UTF-8 or UTF-16, rooted or not). Every record the reader
 * hands out is read through, so a dangling string shows up under ASan. */
#include "internal.h"
#include "fuzz_activity.h"

#include <string.h>

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static int on_event(void *ctx, const wd_event_rec *r)
{
    size_t *n = ctx;
    *n += touch(r->channel) + touch(r->provider) + touch(r->time) + touch(r->computer);
    for (size_t i = 0; i < r->nfields; i++)
        *n += touch(r->fields[i].name) + touch(r->fields[i].value);
    return 0;
}

static int on_activity(void *ctx, const wd_activity_rec *r)
{
    size_t *n = ctx;
    *n += fuzz_activity_touch(r);
    return 0;
}

static int on_note(void *ctx, const wd_note_rec *r)
{
    size_t *n = ctx;
    *n += touch(r->location) + touch(r->reason);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    wd_sink sink = {.ctx = &n, .event = on_event, .note = on_note, .activity = on_activity};
    wd_source_rec sum = {0};
    wd_input in;
    wd_input_open_mem(&in, data, size, "fuzz.xml");
    wd_source_event_xml(&in, &sink, &sum);
    if (sum.kept > sum.records)
        __builtin_trap();
    return 0;
}
