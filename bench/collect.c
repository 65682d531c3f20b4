/* collect.c - the collector alone, for bench/scale.py: reads an evidence
 * folder or zip into a sink that only counts, so its time and memory are the
 * collector's, without the store and the analysis that `wudiag collect` adds.
 * Usage: bench_collect PATH   (prints the counts on one line) */
#include "collector.h"

#include <stdio.h>

typedef struct counts {
    unsigned long long services, events, facts, notes, limits, sources, activities;
} counts;

static int on_service(void *c, const wd_service_rec *r)
{
    (void)r;
    ((counts *)c)->services++;
    return 0;
}
static int on_event(void *c, const wd_event_rec *r)
{
    (void)r;
    ((counts *)c)->events++;
    return 0;
}
static int on_fact(void *c, const wd_fact_rec *r)
{
    (void)r;
    ((counts *)c)->facts++;
    return 0;
}
static int on_note(void *c, const wd_note_rec *r)
{
    ((counts *)c)->notes++;
    ((counts *)c)->limits += r->kind == WD_NOTE_LIMIT;
    return 0;
}
static int on_source(void *c, const wd_source_rec *r)
{
    (void)r;
    ((counts *)c)->sources++;
    return 0;
}
static int on_activity(void *c, const wd_activity_rec *r)
{
    (void)r;
    ((counts *)c)->activities++;
    return 0;
}

int main(int argc, char **argv)
{
    counts c = {0};
    wd_sink sink = {.ctx = &c,         .service = on_service, .event = on_event,
                    .fact = on_fact,   .note = on_note,       .source = on_source,
                    .activity = on_activity};
    if (argc != 2) {
        fputs("usage: bench_collect PATH\n", stderr);
        return 2;
    }
    if (wd_collect_evidence(argv[1], &sink)) {
        fprintf(stderr, "bench_collect: %s\n", wd_error_last());
        return 1;
    }
    printf("sources=%llu events=%llu activities=%llu services=%llu facts=%llu "
           "notes=%llu limit_notes=%llu\n",
           c.sources, c.events, c.activities, c.services, c.facts, c.notes, c.limits);
    return 0;
}
