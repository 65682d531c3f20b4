/* fuzz_logs.c - libFuzzer target for the text-log readers: the same bytes
 * as WindowsUpdate.log, CBS.log and DISM.log. Every activity and
 * fact is read through, so a dangling string shows up under ASan. */
#include "internal.h"

#include <string.h>

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static int on_activity(void *ctx, const wd_activity_rec *r)
{
    size_t *n = ctx;
    *n += touch(r->time) + touch(r->update_id) + touch(r->kb) + touch(r->title) +
          touch(r->package) + touch(r->service) + touch(r->target) + touch(r->session) +
          touch(r->component) + touch(r->detail) + touch(r->computer) + touch(r->where.source) +
          touch(wd_op_name(r->operation)) + touch(wd_outcome_name(r->outcome)) +
          touch(wd_product_name(r->product));
    if (r->operation >= WD_OP_COUNT || r->outcome >= WD_OUT_COUNT)
        __builtin_trap();
    return 0;
}

static int on_fact(void *ctx, const wd_fact_rec *r)
{
    size_t *n = ctx;
    *n += touch(r->key) + touch(r->value) + touch(r->time);
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
    static const wd_source_fn readers[] = {wd_source_wu_log, wd_source_cbs_log, wd_source_dism_log};
    size_t n = 0;
    wd_sink sink = {.ctx = &n, .fact = on_fact, .note = on_note, .activity = on_activity};
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        wd_source_rec sum = {0};
        wd_input in;
        wd_input_open_mem(&in, data, size, "fuzz.log");
        readers[i](&in, &sink, &sum);
        if (sum.kept > sum.records)
            __builtin_trap();
    }
    return 0;
}
