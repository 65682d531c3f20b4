/* fuzz_activity.h - what every fuzz target checks of an activity: each
 * string readable (ASan sees a dangling one), the enums in range, the
 * location filled. Traps otherwise. */
#ifndef WD_FUZZ_ACTIVITY_H
#define WD_FUZZ_ACTIVITY_H

#include "internal.h"

#include <string.h>

static inline size_t fuzz_activity_touch(const wd_activity_rec *r)
{
    const char *all[] = {r->time,    r->update_id, r->kb,     r->title,
                         r->package, r->service,   r->target, r->session,
                         r->component, r->detail,  r->computer, r->where.source,
                         r->where.channel};
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        n += all[i] ? strlen(all[i]) : 0;
    if ((unsigned)r->operation >= WD_OP_COUNT || (unsigned)r->outcome >= WD_OUT_COUNT ||
        (unsigned)r->product >= WD_PRODUCT_COUNT || r->where.kind == WD_LOC_NONE ||
        !r->where.source || r->count < -1)
        __builtin_trap();
    return n;
}

#endif
