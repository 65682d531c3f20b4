/* collect.c - the collector alone: reads an evidence folder, zip or one log
 * into a sink that only counts, so its time and memory are the collector's,
 * without the store and the analysis that `wudiag collect` adds. bench/scale.py
 * times it from outside; bench/wulog.py (WindowsUpdate.log) and a CBS.log or
 * DISM.log from bench/gen_cbslog.py read its own figures.
 * Usage: bench_collect PATH   (prints the counts, seconds and peak RSS on one line) */
#include "collector.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

typedef struct counts {
    unsigned long long services, events, facts, notes, limits, sources, records;
    unsigned long long activities, failed, trace;
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
    ((counts *)c)->sources++;
    ((counts *)c)->records += r->records;
    return 0;
}
static int on_activity(void *c, const wd_activity_rec *r)
{
    counts *n = c;
    n->activities++;
    n->failed += r->outcome == WD_OUT_FAILED;
    n->trace += r->outcome == WD_OUT_TRACE;
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
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (wd_collect_evidence(argv[1], &sink)) {
        fprintf(stderr, "bench_collect: %s\n", wd_error_last());
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("sources=%llu records=%llu events=%llu activities=%llu failed=%llu trace=%llu "
           "services=%llu facts=%llu notes=%llu limit_notes=%llu seconds=%.3f "
           "records_per_s=%.0f maxrss_kib=%ld\n",
           c.sources, c.records, c.events, c.activities, c.failed, c.trace, c.services, c.facts,
           c.notes, c.limits, secs, secs > 0 ? (double)c.records / secs : 0.0, ru.ru_maxrss);
    return 0;
}
