/* fuzz_evtx.c - libFuzzer target for the .evtx reader and the shared event
 * filter: any bytes as one evidence file held in memory (as from a zip), so
 * detection, libevtx through a libbfio memory range, the record XML and
 * wd_event_emit all run. Every string handed out is read through.
 * Build: CC=clang cmake -S . -B build-fuzz -DWUDIAG_BUILD_FUZZERS=ON
 *   -DWUDIAG_SANITIZE=ON -DWUDIAG_BUILD_TESTS=OFF -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link
 * Run:   build-fuzz/fuzz/fuzz_evtx -max_len=300000 fuzz/corpus/evtx */
#include "collector.h"
#include "fuzz_activity.h"

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
    *n += touch(r->channel) + touch(r->provider) + touch(r->time) + touch(r->computer) +
          touch(r->source);
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

static int on_source(void *ctx, const wd_source_rec *r)
{
    (void)ctx;
    if (r->kept > r->records)
        __builtin_trap();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    wd_sink sink = {.ctx = &n,         .event = on_event,   .note = on_note,
                    .source = on_source, .activity = on_activity};
    wd_collect_buffer(data, size, "fuzz.evtx", &sink);
    return 0;
}
