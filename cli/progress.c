/* progress.c - the progress line of a long collection (see progress.h): a
 * sink in front of the real one counts records and files; once the work has
 * lasted WD_PROGRESS_DELAY_MS, a "\r" line on a terminal shows the counts a
 * few times a second. Silent when not enabled. */
#include "progress.h"

#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <time.h>
#endif

/* A new callback in wd_sink must be counted and forwarded below. */
_Static_assert(sizeof(wd_sink) == 7 * sizeof(void *),
               "wd_sink changed: forward the new callback in cli/progress.c");

static uint64_t monotonic_ms(void)
{
#ifdef _WIN32
    return (uint64_t)GetTickCount64();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
#endif
}

int wd_progress_wanted(FILE *out, int quiet)
{
    return !quiet && out && isatty(fileno(out));
}

void wd_progress_start(wd_progress *p, FILE *out, int enabled)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->enabled = enabled && out;
    p->clock_ms = monotonic_ms;
    p->delay_ms = WD_PROGRESS_DELAY_MS;
    const char *env = getenv("WUDIAG_PROGRESS_DELAY_MS");
    int64_t v;
    if (env && *env && wd_parse_i64(env, &v) == 0 && v >= 0)
        p->delay_ms = (uint64_t)v;
    p->start_ms = p->clock_ms();
}

static void print_line(wd_progress *p, uint64_t now)
{
    uint64_t ms = now - p->start_ms;
    fprintf(p->out, "\rwudiag: %llu file%s, %llu records read, %llu kept, %llu.%llu s",
            (unsigned long long)p->files, p->files == 1 ? "" : "s", (unsigned long long)p->read,
            (unsigned long long)p->kept, (unsigned long long)(ms / 1000),
            (unsigned long long)(ms % 1000 / 100));
    fflush(p->out);
    p->shown = 1;
    p->last_ms = now;
}

/* Shows the counts when the delay has passed and the last update is old. */
static void tick(wd_progress *p)
{
    if (!p->enabled)
        return;
    uint64_t now = p->clock_ms();
    if (now - p->start_ms < p->delay_ms)
        return;
    if (p->shown && now - p->last_ms < WD_PROGRESS_INTERVAL_MS)
        return;
    print_line(p, now);
}

void wd_progress_end(wd_progress *p)
{
    if (!p->enabled || !p->shown)
        return;
    print_line(p, p->clock_ms());
    fputc('\n', p->out);
    fflush(p->out);
    p->shown = 0;
}

/* ------------------------------------------------------ the counting sink */

/* Counts one kept record, updates the line, then calls the inner callback. */
#define FORWARD(name, type)                                                                       \
    static int fwd_##name(void *ctx, const type *rec)                                             \
    {                                                                                             \
        wd_progress *p = ctx;                                                                     \
        p->kept++;                                                                                \
        tick(p);                                                                                  \
        return p->inner->name(p->inner->ctx, rec);                                                \
    }
FORWARD(service, wd_service_rec)
FORWARD(event, wd_event_rec)
FORWARD(fact, wd_fact_rec)
FORWARD(note, wd_note_rec)
FORWARD(activity, wd_activity_rec)
#undef FORWARD

/* A finished file, with the count of records read from it. */
static int fwd_source(void *ctx, const wd_source_rec *rec)
{
    wd_progress *p = ctx;
    p->files++;
    p->read += rec->records;
    tick(p);
    return p->inner->source(p->inner->ctx, rec);
}

/* A callback the inner sink leaves NULL stays NULL: readers may test it. */
wd_sink wd_progress_sink(wd_progress *p, const wd_sink *inner)
{
    p->inner = inner;
    wd_sink s = {
        .ctx = p,
        .service = inner->service ? fwd_service : NULL,
        .event = inner->event ? fwd_event : NULL,
        .fact = inner->fact ? fwd_fact : NULL,
        .note = inner->note ? fwd_note : NULL,
        .source = inner->source ? fwd_source : NULL,
        .activity = inner->activity ? fwd_activity : NULL,
    };
    return s;
}
