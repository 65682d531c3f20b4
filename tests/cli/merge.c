/* merge.c - `wudiag merge` end to end on real collections: one line per
 * input, idempotent, the merged snapshot's report reads as the original's
 * (its evidence references resolving), files of wudiag 1 and 2 merge,
 * report and diff as they are, and usage and bad inputs refused with the
 * documented exit codes before OUT.db is created. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../store/internal.h" /* wd_store__create_version for the fixture */
#include "../store/legacy_fixture.h"
#include "support.h"

static char *dir, *fleet, *a_db, *b_db;

static void setup(void)
{
    dir = wdt_tempdir();
    fleet = wdt_path(dir, "fleet.db");
    a_db = wdt_path(dir, "a.db");
    b_db = wdt_path(dir, "b.db");
}

static void teardown(void)
{
    wdt_rmtree(dir);
    free(fleet), free(a_db), free(b_db), free(dir);
}

TestSuite(cli_merge, .init = setup, .fini = teardown);

/* Runs wudiag; returns the exit code, stdout and stderr kept in out/err
 * (freed by the caller). */
static int run(const char *const *argv, char **out, char **err)
{
    int code = wdt_run(argv, out, err);
    cr_assert_neq(code, -1, "wudiag died");
    return code;
}

/* a.db: the example bundle (DESKTOP-2KGM189, two snapshots); b.db: a real
 * System log of another machine (DESKTOP-1N4R894). */
static void collect_both(void)
{
    char *bundle = wdt_source("examples/desktop-2kgm189");
    char *evtx = wdt_corpus("omerbenamram-evtx-samples/2-vss_7-System.evtx");
    const char *a[] = {"collect", "--evidence", bundle, "--db", a_db, NULL};
    const char *b[] = {"collect", "--evidence", evtx, "--db", b_db, NULL};
    cr_assert_eq(run(a, NULL, NULL), 3); /* stored, and problems found */
    cr_assert_eq(run(a, NULL, NULL), 3); /* stored, and problems found */
    /* healthy: its Store app failures installed later, its one crash was at a restart */
    cr_assert_eq(run(b, NULL, NULL), 0);
    free(bundle), free(evtx);
}

Test(cli_merge, prints_a_line_per_input_and_merging_again_adds_nothing)
{
    char *out = NULL, *err = NULL;
    collect_both();
    const char *merge[] = {"merge", fleet, a_db, b_db, NULL};
    cr_assert_eq(run(merge, &out, &err), 0, "%s", err);
    char *want = NULL;
    cr_assert_gt(asprintf(&want, "%s: 2 snapshots added, 0 already present\n"
                                 "%s: 1 snapshots added, 0 already present\n", a_db, b_db), 0);
    cr_assert_str_eq(out, want);
    free(out), free(err), free(want);
    cr_assert_eq(run(merge, &out, &err), 0, "%s", err);
    cr_assert_gt(asprintf(&want, "%s: 0 snapshots added, 2 already present\n"
                                 "%s: 0 snapshots added, 1 already present\n", a_db, b_db), 0);
    cr_assert_str_eq(out, want);
    free(out), free(err), free(want);
    const char *history[] = {"history", "--db", fleet, NULL};
    cr_assert_eq(run(history, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, "DESKTOP-2KGM189"), "%s", out);
    cr_assert_not_null(strstr(out, "DESKTOP-1N4R894"), "%s", out);
    free(out), free(err);
}

/* The report XML without what names the file or the run, and with row ids
 * in references ("failure-12") replaced by N. */
static char *normalised_report(const char *db, const char *snapshot)
{
    char *xml = wdt_path(dir, "report.xml"), *text, *out;
    const char *argv[] = {"report", "--db", db, "--snapshot", snapshot, "--format", "xml",
                          "-o", xml, NULL};
    const char *drop[] = {"<command-line>", "<generated>", "<database>", "<snapshot id="};
    const char *kinds[] = {"=\"failure-", "=\"event-", "=\"service-", "=\"fact-", "=\"note-",
                           "=\"source-", "=\"activity-"};
    size_t n = 0, k = 0;
    int code = run(argv, NULL, NULL);
    cr_assert(code == 0 || (code >= 3 && code <= 5), "report of %s snapshot %s: exit %d", db,
              snapshot, code);
    text = wdt_read(xml, &n);
    cr_assert_not_null(text);
    out = calloc(n + 1, 1);
    for (char *line = text, *end; line && *line; line = end ? end + 1 : NULL) {
        int skip = 0;
        end = strchr(line, '\n');
        if (end)
            *end = '\0';
        for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
            skip |= strstr(line, drop[i]) != NULL;
        for (const char *p = line; !skip && *p;) {
            size_t m = 0;
            for (size_t i = 0; i < sizeof kinds / sizeof *kinds && !m; i++)
                if (!strncmp(p, kinds[i], strlen(kinds[i])))
                    m = strlen(kinds[i]);
            if (m && p[m] >= '0' && p[m] <= '9') {
                memcpy(out + k, p, m), k += m, p += m;
                out[k++] = 'N';
                while (*p >= '0' && *p <= '9')
                    p++;
            } else {
                out[k++] = *p++;
            }
        }
        if (!skip)
            out[k++] = '\n';
    }
    free(text), free(xml);
    return out;
}

/* Every ref="X" in the report has its id="X". */
static void assert_refs_resolve(const char *db, const char *snapshot)
{
    char *xml = wdt_path(dir, "refs.xml"), *text;
    const char *argv[] = {"report", "--db", db, "--snapshot", snapshot, "--format", "xml",
                          "-o", xml, NULL};
    int refs = 0, code = run(argv, NULL, NULL);
    cr_assert(code == 0 || (code >= 3 && code <= 5), "exit %d", code);
    text = wdt_read(xml, NULL);
    for (const char *p = strstr(text, " ref=\""); p; p = strstr(p + 1, " ref=\"")) {
        char id[96];
        size_t len = strcspn(p + 6, "\"");
        cr_assert_lt(len, 64);
        snprintf(id, sizeof id, " id=\"%.*s\"", (int)len, p + 6);
        cr_assert_not_null(strstr(text, id), "%s has no element with%s", db, id);
        refs++;
    }
    cr_assert_gt(refs, 2, "no evidence references to check");
    free(text), free(xml);
}

Test(cli_merge, merged_snapshot_reports_as_the_original)
{
    collect_both();
    const char *merge[] = {"merge", fleet, a_db, b_db, NULL};
    cr_assert_eq(run(merge, NULL, NULL), 0);
    /* b.db's snapshot 1 is the fleet's snapshot 3, after a.db's two */
    char *before = normalised_report(b_db, "1"), *after = normalised_report(fleet, "3");
    cr_assert_str_eq(after, before);
    assert_refs_resolve(fleet, "3");
    free(before), free(after);
}

Test(cli_merge, usage_errors_exit_2)
{
    char *out = NULL, *err = NULL;
    collect_both();
    const char *none[] = {"merge", NULL};
    const char *one[] = {"merge", fleet, NULL};
    const char *option[] = {"merge", "--into", fleet, a_db, NULL};
    const char *self[] = {"merge", a_db, b_db, a_db, NULL};
    const char *const *cases[] = {none, one, option, self};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_assert_eq(run(cases[i], &out, &err), 2, "case %zu: %s", i, err);
        cr_assert_not_null(strstr(err, "wudiag merge --help"), "%s", err);
        free(out), free(err);
    }
    const char *help[] = {"merge", "--help", NULL};
    cr_assert_eq(run(help, &out, &err), 0);
    cr_assert_not_null(strstr(out, "usage: wudiag merge OUT.db IN.db..."));
    free(out), free(err);
}

Test(cli_merge, bad_input_exits_1_before_out_is_created)
{
    char *out = NULL, *err = NULL, *text = wdt_path(dir, "notes.txt");
    collect_both();
    cr_assert_eq(wdt_write(text, "not a database\n", 15), 0);
    const char *merge[] = {"merge", fleet, a_db, text, NULL};
    cr_assert_eq(run(merge, &out, &err), 1);
    cr_assert_str_eq(out, "");
    cr_assert_not_null(strstr(err, "is not a wudiag database (not an SQLite file)"), "%s", err);
    cr_assert_null(wdt_read(fleet, NULL), "fleet.db was created");
    free(out), free(err), free(text);
}

Test(cli_merge, old_files_report_diff_and_merge_with_new_ones)
{
    char *out = NULL, *err = NULL, *old = wdt_path(dir, "old.db");
    char *xml = wdt_path(dir, "old.xml");
    collect_both();
    st_make_legacy(old, 2, "PC-OLD");
    size_t n = 0;
    char *bytes = wdt_read(old, &n);
    /* read as it is: report, diff and history leave the old file alone */
    const char *report[] = {"report", "--db", old, "--snapshot", "1", "--format", "xml",
                            "-o", xml, NULL};
    cr_assert_eq(run(report, &out, &err), 3, "%s", err);
    free(out), free(err);
    char *text = wdt_read(xml, NULL);
    /* the v2 file's four failure rows read as four failed activities */
    size_t failed = 0;
    for (const char *p = text; (p = strstr(p, "outcome=\"failed\"")) != NULL; p++)
        failed++;
    cr_assert_eq(failed, 4, "%s", text);
    cr_assert_not_null(strstr(text, "0x80070427"), "%s", text);
    free(text);
    const char *diff[] = {"diff", "1", "2", "--db", old, NULL};
    cr_assert_eq(run(diff, &out, &err), 3, "%s", err);
    cr_assert_not_null(strstr(out, "failure 0x80070002 resolved (1 time, KB5034441)"), "%s", out);
    free(out), free(err);
    size_t n2 = 0;
    char *after = wdt_read(old, &n2);
    cr_assert_eq(n2, n);
    cr_assert_eq(memcmp(bytes, after, n), 0, "reading changed the old file");
    free(after);
    /* merged with today's files: every machine its own history */
    const char *merge[] = {"merge", fleet, old, a_db, b_db, NULL};
    cr_assert_eq(run(merge, &out, &err), 0, "%s", err);
    free(out), free(err);
    const char *history[] = {"history", "--db", fleet, NULL};
    cr_assert_eq(run(history, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, "machine PC-OLD: 2 snapshots, latest healthy"), "%s", out);
    cr_assert_not_null(strstr(out, "machine DESKTOP-2KGM189: 2 snapshots"), "%s", out);
    free(out), free(err);
    assert_refs_resolve(fleet, "3");
    free(bytes), free(old), free(xml);
}
