/* progress.h - the progress line of a long collection on stderr: files done,
 * records read and kept, time elapsed. It wraps the collector's sink, so the verbs
 * only start it, pass the wrapped sink on, and end it. */
#ifndef WD_CLI_PROGRESS_H
#define WD_CLI_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "collector.h"

/* Nothing is shown before this many milliseconds (the environment variable
 * WUDIAG_PROGRESS_DELAY_MS overrides it), then at most one update per
 * WD_PROGRESS_INTERVAL_MS. */
#define WD_PROGRESS_DELAY_MS 2000
#define WD_PROGRESS_INTERVAL_MS 250

typedef struct wd_progress {
    FILE *out;
    int enabled;            /* 0: every call does nothing */
    int shown;              /* a line is on the terminal */
    uint64_t delay_ms, start_ms, last_ms;
    uint64_t files;           /* finished files (source records) */
    uint64_t read;            /* records read from finished files */
    uint64_t kept;            /* records handed to the sink so far */
    uint64_t (*clock_ms)(void); /* monotonic milliseconds (tests replace it) */
    const wd_sink *inner;
} wd_progress;

/* Starts the clock. enabled says whether to show anything at all: the verbs
 * pass "stderr is a terminal and no --quiet" (wd_progress_wanted). */
void wd_progress_start(wd_progress *p, FILE *out, int enabled);

/* True when out is a terminal and quiet is 0. */
int wd_progress_wanted(FILE *out, int quiet);

/* A sink that counts every record and every finished file, updates the line,
 * and hands each record on to inner unchanged (its return value too). p and
 * inner must outlive the returned sink. */
wd_sink wd_progress_sink(wd_progress *p, const wd_sink *inner);

/* Ends the display: when a line was shown, prints the final counts and a
 * newline, so what follows starts on a line of its own. */
void wd_progress_end(wd_progress *p);

#endif
