/* fuzzed.c - the seeds of fuzz_zip and every input it found (fuzz/corpus_zip,
 * fuzz/regressions/zip) run through the collector as the fuzzer runs them:
 * each ends in records and notes of a known kind, never a crash or a hang
 * (the sanitizer build runs this too). */
#include "capture_sink.h"
#include "internal.h"
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>

typedef struct tally {
    size_t notes, records;
} tally;

static int t_note(void *ctx, const wd_note_rec *r)
{
    cr_assert(r->kind >= WD_NOTE_INFO && r->kind <= WD_NOTE_LIMIT);
    cr_assert_not_null(r->reason);
    ((tally *)ctx)->notes++;
    return 0;
}

static int t_event(void *ctx, const wd_event_rec *r)
{
    (void)r;
    ((tally *)ctx)->records++;
    return 0;
}

static int t_source(void *ctx, const wd_source_rec *r)
{
    (void)ctx;
    cr_assert_leq(r->kept, r->records, "%s", r->path);
    return 0;
}

/* Runs every file of dir (relative to the source tree); returns how many. */
static size_t run_dir(const char *rel)
{
    char *dir = wdt_source(rel);
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t len;
        if (!strstr(e->d_name, ".zip") && !strstr(e->d_name, "crash-") &&
            !strstr(e->d_name, "timeout-") && !strstr(e->d_name, "oom-"))
            continue;
        char *path = wdt_path(dir, e->d_name);
        char *data = wdt_read(path, &len);
        cr_assert_not_null(data, "%s", path);
        wd_budget b = WD_BUDGET_DEFAULT; /* as fuzz/fuzz_zip.c */
        b.unpacked = 16 << 20;
        b.entry = 4 << 20;
        b.ratio_floor = 1 << 20;
        b.files = 500;
        b.records = 2000;
        b.notes = 50;
        tally t = {0, 0};
        wd_sink s = {.ctx = &t, .event = t_event, .note = t_note, .source = t_source};
        cr_assert_eq(wd_collect_buffer_budget(data, len, e->d_name, &s, &b), 0, "%s: %s",
                     e->d_name, wd_error_last());
        free(data);
        free(path);
        n++;
    }
    if (d)
        closedir(d);
    free(dir);
    return n;
}

Test(collector_fuzzed, zip_seeds_and_found_inputs_end_in_records_and_notes, .timeout = 120)
{
    cr_assert_geq(run_dir("fuzz/corpus_zip"), 7);
    run_dir("fuzz/regressions/zip");
}
