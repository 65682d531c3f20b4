/* bounded.c - wudiag's memory stays under 64 MiB whatever the bundle, with
 * the default budgets: a zip bomb holding a large .evtx, a zip holding a
 * large stored zip, a zip of more entries than the files budget. Each cut
 * is a note in the report, and no temporary file is left behind. The peak
 * RSS comes from wait4; sanitizer builds skip that assertion only. */
#include "child.h"
#include "support.h"
#include "zipw.h"

#include <criterion/criterion.h>
#include <dirent.h>

#define RSS_LIMIT_KB (64 * 1024)

/* Collects the bundle with TMPDIR set to a fresh folder; checks exit code,
 * peak memory (of collect: the collector, the store and the analysis), the
 * notes in the report, and that the temporary folder is empty after. */
static void diagnose_bounded(const char *tmp, const char *bundle, const char *const *notes)
{
    char *db = wdt_path(tmp, "h.db"), *out = wdt_path(tmp, "r.xml");
    char *tdir = wdt_path(tmp, "tmp");
    cr_assert_eq(mkdir(tdir, 0700), 0);
    setenv("TMPDIR", tdir, 1);
    const char *argv[] = {"collect", "--evidence", bundle, "--db", db, NULL};
    wdt_child r;
    cr_assert_eq(wdt_spawn(argv, WDT_CAPTURE, NULL, &r), 0);
    unsetenv("TMPDIR");
    /* evidence cut by a budget: the verdict is "incomplete", never "healthy" */
    cr_assert_eq(r.code, 5, "exit %d: %s", r.code, r.err);
#ifndef WDT_SANITIZED
    cr_assert_lt(r.maxrss_kb, RSS_LIMIT_KB, "peak RSS %ld KiB", r.maxrss_kb);
#endif
    /* the notes, through the report (whose own memory is not measured here) */
    const char *rep[] = {"report", "--db", db, "--format", "xml", "-o", out, NULL};
    int code = wdt_run(rep, NULL, NULL);
    cr_assert_eq(code, 5, "report: exit %d", code);
    char *xml = wdt_read(out, NULL);
    cr_assert_not_null(xml);
    for (size_t i = 0; notes[i]; i++)
        cr_assert(strstr(xml, notes[i]), "no note '%s' in the report", notes[i]);
    DIR *d = opendir(tdir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        cr_assert(e->d_name[0] == '.', "temporary file left behind: %s", e->d_name);
    closedir(d);
    free(xml);
    wdt_child_free(&r);
    free(db), free(out), free(tdir);
}

Test(cli_bounded, zip_bomb_holding_a_large_evtx, .timeout = 300)
{
    /* 320 MiB of event log in a ~1.4 MB zip: read through a temporary copy
     * cut at 100 times the zip's size, never into memory */
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "bundle.zip");
    zipw_entry big[] = {{"System.evtx", "ElfFile", 8, (uint64_t)320 << 20, 0, 0}};
    cr_assert_eq(zipw_write(zip, big, 1, "zip:compression-level=1", NULL), 0);
    const char *notes[] = {"bundle.zip/System.evtx", "unpacks to more than 100 times its size",
                           NULL};
    diagnose_bounded(tmp, zip, notes);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}

Test(cli_bounded, zip_holding_a_large_stored_zip, .timeout = 300)
{
    char *tmp = wdt_tempdir(), *inner = wdt_path(tmp, "inner.zip");
    char *zip = wdt_path(tmp, "bundle.zip");
    zipw_entry in[] = {{"logs/CBS.log", NULL, 0, (uint64_t)200 << 20, ' ', 1}};
    cr_assert_eq(zipw_write(inner, in, 1, NULL, NULL), 0);
    size_t len;
    char *data = wdt_read(inner, &len);
    cr_assert_not_null(data);
    zipw_entry out[] = {{"evidence/inner.zip", data, len, 0, 0, 0}};
    cr_assert_eq(zipw_write(zip, out, 1, "zip:compression-level=1", NULL), 0);
    free(data);
    unlink(inner);
    const char *notes[] = {"bundle.zip/evidence/inner.zip",
                           "unpacks to more than 100 times its size", NULL};
    diagnose_bounded(tmp, zip, notes);
    wdt_rmtree(tmp);
    free(tmp), free(inner), free(zip);
}

Test(cli_bounded, zip_with_more_entries_than_the_files_budget, .timeout = 300)
{
    enum { N = 100005 };
    char *tmp = wdt_tempdir(), *zip = wdt_path(tmp, "bundle.zip");
    zipw_entry *e = calloc(N, sizeof *e);
    char (*names)[24] = calloc(N, sizeof *names);
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "d%03zu/f%06zu.txt", i % 500, i);
        zipw_entry x = {names[i], "", 0, 0, 0, 1};
        e[i] = x;
    }
    cr_assert_eq(zipw_write(zip, e, N, NULL, NULL), 0);
    free(e), free(names);
    const char *notes[] = {"budget: 5 files past the first 100000 were not read",
                           "more files were skipped", NULL};
    diagnose_bounded(tmp, zip, notes);
    wdt_rmtree(tmp);
    free(tmp), free(zip);
}
