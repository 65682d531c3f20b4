/* servicing_logs.c - times the CBS.log / DISM.log readers on one file
 * (issue 10): lines read, records sent, seconds and peak memory, so a large
 * generated log (bench/gen_cbslog.py) shows the reader is linear and flat.
 * Usage: bench_servicing_logs FILE [cbs|dism] */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct counts {
    uint64_t activities, failed, facts, notes;
} counts;

static int on_activity(void *ctx, const wd_activity_rec *r)
{
    counts *c = ctx;
    c->activities++;
    c->failed += r->outcome == WD_OUT_FAILED;
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
    if (argc < 2) {
        fprintf(stderr, "usage: bench_servicing_logs FILE [cbs|dism]\n");
        return 2;
    }
    int dism = argc > 2 && !strcmp(argv[2], "dism");
    counts c = {0};
    wd_sink sink = {.ctx = &c, .fact = on_fact, .note = on_note,
                    .activity = on_activity};
    wd_input in;
    FILE *fp = NULL;
    if (wd_input_open_file(&in, argv[1], argv[1], &fp) != 0) {
        fprintf(stderr, "bench: %s\n", wd_error_last());
        return 1;
    }
    wd_source_rec sum = {0};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int rc = dism ? wd_source_dism_log(&in, &sink, &sum) : wd_source_cbs_log(&in, &sink, &sum);
    clock_gettime(CLOCK_MONOTONIC, &b);
    fclose(fp);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("rc=%d lines=%llu kept=%llu activities=%llu failed=%llu facts=%llu "
           "notes=%llu seconds=%.2f lines_per_s=%.0f peak_rss_kib=%ld\n",
           rc, (unsigned long long)sum.records, (unsigned long long)sum.kept,
           (unsigned long long)c.activities, (unsigned long long)c.failed, (unsigned long long)c.facts,
           (unsigned long long)c.notes, secs, secs > 0 ? (double)sum.records / secs : 0.0,
           ru.ru_maxrss);
    return rc == 0 ? 0 : 1;
}
