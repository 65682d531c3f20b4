/* wulog_read.c - benchmark helper for the WindowsUpdate.log reader: reads
 * one file through wd_collect_file into a sink that only counts, and prints
 * the time, the records of each kind and the peak RSS, so bench/wulog.py can
 * compare the reader before and after a change on the same generated log.
 *
 * Usage: bench_wulog_read FILE */
#include "collector.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

typedef struct counts {
    unsigned long long activities, failed, trace, facts, notes;
} counts;

static int on_activity(void *ctx, const wd_activity_rec *r)
{
    counts *c = ctx;
    c->activities++;
    c->failed += r->outcome == WD_OUT_FAILED;
    c->trace += r->outcome == WD_OUT_TRACE;
    return 0;
}

static int on_fact(void *ctx, const wd_fact_rec *r)
{
    (void)r;
    ((counts *)ctx)->facts++;
    return 0;
}

static int on_note(void *ctx, const wd_note_rec *r)
{
    (void)r;
    ((counts *)ctx)->notes++;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_wulog_read FILE\n");
        return 2;
    }
    counts c = {0};
    wd_sink sink = {.ctx = &c,
                    .activity = on_activity,
                    .fact = on_fact,
                    .note = on_note};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int rc = wd_collect_file(argv[1], NULL, &sink);
    clock_gettime(CLOCK_MONOTONIC, &b);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("seconds=%.3f activities=%llu failed=%llu trace=%llu facts=%llu "
           "notes=%llu maxrss_kib=%ld rc=%d\n",
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9, c.activities,
           c.failed, c.trace, c.facts, c.notes, ru.ru_maxrss, rc);
    return rc ? 1 : 0;
}
