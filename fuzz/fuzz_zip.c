/* fuzz_zip.c - libFuzzer target for evidence zips: any bytes as a bundle
 * held in memory, so the zip reader (libarchive, seekable or streamed),
 * entry names, nested zips and .evtx entries through their temporary
 * copies, the budgets and every reader behind them all run. The budgets are
 * small so that a run stays fast and its temporary files small.
 * Build: see fuzz_evtx.c. Run: build-fuzz/fuzz/fuzz_zip -max_len=200000 fuzz/corpus_zip */
#include "internal.h"

#include <string.h>

/* libevtx 20181227 leaks the partial XML tree of a record it cannot parse;
 * that is upstream's, not ours, and must not stop the fuzzer. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libevtx.so\n";
}

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static int on_event(void *ctx, const wd_event_rec *r)
{
    size_t *n = ctx;
    *n += touch(r->channel) + touch(r->provider) + touch(r->source);
    for (size_t i = 0; i < r->nfields; i++)
        *n += touch(r->fields[i].name) + touch(r->fields[i].value);
    return 0;
}

static int on_service(void *ctx, const wd_service_rec *r)
{
    size_t *n = ctx;
    *n += touch(r->name) + touch(r->display_name) + touch(r->state) + touch(r->source);
    return 0;
}

static int on_activity(void *ctx, const wd_activity_rec *r)
{
    size_t *n = ctx;
    *n += touch(r->title) + touch(r->detail) + touch(r->kb) + touch(r->where.source);
    return 0;
}

static int on_fact(void *ctx, const wd_fact_rec *r)
{
    size_t *n = ctx;
    *n += touch(r->key) + touch(r->value) + touch(r->source);
    return 0;
}

static int on_note(void *ctx, const wd_note_rec *r)
{
    size_t *n = ctx;
    if ((int)r->kind < WD_NOTE_INFO || r->kind > WD_NOTE_LIMIT)
        __builtin_trap();
    *n += touch(r->source) + touch(r->location) + touch(r->reason);
    return 0;
}

static int on_source(void *ctx, const wd_source_rec *r)
{
    size_t *n = ctx;
    if (r->kept > r->records)
        __builtin_trap();
    *n += touch(r->path);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    wd_budget b = WD_BUDGET_DEFAULT;
    b.unpacked = 16 << 20;
    b.entry = 4 << 20;
    b.ratio_floor = 1 << 20;
    b.files = 500;
    b.records = 2000;
    b.notes = 50;
    wd_sink sink = {.ctx = &n,         .service = on_service, .event = on_event,
                    .fact = on_fact,   .note = on_note,       .source = on_source,
                    .activity = on_activity};
    wd_collect_buffer_budget(data, size, "fuzz.zip", &sink, &b);
    return 0;
}
