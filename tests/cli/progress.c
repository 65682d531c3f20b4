/* progress.c - tests of the progress line of long collections (cli/progress.c):
 * the delay, the throttle and the counts on a fake clock; the records handed
 * on unchanged; and the built wudiag on a pseudo-terminal, with --quiet and
 * with stderr not a terminal. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"
#include "support.h"

/* ------------------------------------------------------------ fake clock */

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
    return fake_now;
}

typedef struct seen {
    int events, sources, activities;
    int event_rc;
} seen;

static int on_event(void *ctx, const wd_event_rec *r)
{
    (void)r;
    seen *s = ctx;
    s->events++;
    return s->event_rc;
}
static int on_source(void *ctx, const wd_source_rec *r)
{
    (void)r;
    ((seen *)ctx)->sources++;
    return 0;
}

typedef struct fixture {
    char *text;
    size_t len;
    FILE *out;
    wd_progress p;
    seen s;
    wd_sink inner, sink;
} fixture;

/* A progress on a memory stream with the fake clock at 0. */
static void setup(fixture *f, int enabled)
{
    memset(f, 0, sizeof *f);
    unsetenv("WUDIAG_PROGRESS_DELAY_MS");
    f->out = open_memstream(&f->text, &f->len);
    fake_now = 0;
    wd_progress_start(&f->p, f->out, enabled);
    f->p.clock_ms = fake_clock;
    f->p.start_ms = 0;
    f->inner = (wd_sink){.ctx = &f->s, .event = on_event, .source = on_source};
    f->sink = wd_progress_sink(&f->p, &f->inner);
}

static void events(fixture *f, int n)
{
    wd_event_rec e = {0};
    for (int i = 0; i < n; i++)
        f->sink.event(f->sink.ctx, &e);
}

static void file_done(fixture *f, uint64_t records)
{
    wd_source_rec r = {.path = "System.evtx", .kind = "evtx", .records = records};
    f->sink.source(f->sink.ctx, &r);
}

static const char *output(fixture *f)
{
    fflush(f->out);
    return f->text;
}

static int count(const char *s, char c)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == c;
    return n;
}

static void teardown(fixture *f)
{
    fclose(f->out);
    free(f->text);
}

Test(cli_progress, nothing_shows_before_two_seconds_then_the_counts)
{
    fixture f;
    setup(&f, 1);
    events(&f, 3);
    file_done(&f, 40);
    fake_now = 1999;
    events(&f, 2);
    cr_assert_str_empty(output(&f));
    fake_now = 2000;
    file_done(&f, 2);
    cr_assert_str_eq(output(&f), "\rwudiag: 2 files, 42 records read, 5 kept, 2.0 s");
    cr_assert_eq(f.s.events, 5);
    cr_assert_eq(f.s.sources, 2);
    teardown(&f);
}

Test(cli_progress, updates_at_most_four_times_a_second)
{
    fixture f;
    setup(&f, 1);
    fake_now = 2000;
    events(&f, 1000);
    cr_assert_eq(count(output(&f), '\r'), 1);
    fake_now = 2249;
    events(&f, 1000);
    cr_assert_eq(count(output(&f), '\r'), 1);
    fake_now = 2250;
    events(&f, 1);
    cr_assert_eq(count(output(&f), '\r'), 2);
    cr_assert(strstr(output(&f), "2001 kept, 2.2 s"), "%s", output(&f));
    teardown(&f);
}

Test(cli_progress, end_finishes_a_shown_line_with_the_final_counts)
{
    fixture f;
    setup(&f, 1);
    fake_now = 2500;
    events(&f, 1);
    fake_now = 2600; /* within the throttle: not shown, but the end shows it */
    file_done(&f, 9);
    wd_progress_end(&f.p);
    const char *o = output(&f);
    cr_assert(strstr(o, "\rwudiag: 1 file, 9 records read, 1 kept, 2.6 s\n"), "%s", o);
    cr_assert_eq(o[strlen(o) - 1], '\n');
    teardown(&f);
}

Test(cli_progress, short_work_ends_without_a_line)
{
    fixture f;
    setup(&f, 1);
    events(&f, 10);
    fake_now = 1500;
    file_done(&f, 10);
    wd_progress_end(&f.p);
    cr_assert_str_empty(output(&f));
    teardown(&f);
}

Test(cli_progress, disabled_shows_nothing_however_long)
{
    fixture f;
    setup(&f, 0);
    fake_now = 3600 * 1000;
    events(&f, 100);
    file_done(&f, 100);
    wd_progress_end(&f.p);
    cr_assert_str_empty(output(&f));
    cr_assert_eq(f.s.events, 100, "records still reach the inner sink");
    teardown(&f);
}

Test(cli_progress, records_and_return_codes_pass_through_unchanged)
{
    fixture f;
    setup(&f, 1);
    f.s.event_rc = 7; /* a sink that asks the reader to stop */
    wd_event_rec e = {0};
    cr_assert_eq(f.sink.event(f.sink.ctx, &e), 7);
    cr_assert_eq(f.s.events, 1);
    /* what the inner sink does not take stays NULL: readers test it */
    cr_assert_null(f.sink.service);
    cr_assert_null(f.sink.activity);
    cr_assert_null(f.sink.note);
    cr_assert_not_null(f.sink.source);
    teardown(&f);
}

Test(cli_progress, the_delay_can_be_set_in_the_environment)
{
    setenv("WUDIAG_PROGRESS_DELAY_MS", "0", 1);
    wd_progress p;
    wd_progress_start(&p, stderr, 0);
    cr_assert_eq(p.delay_ms, 0);
    setenv("WUDIAG_PROGRESS_DELAY_MS", "soon", 1);
    wd_progress_start(&p, stderr, 0);
    cr_assert_eq(p.delay_ms, WD_PROGRESS_DELAY_MS);
    unsetenv("WUDIAG_PROGRESS_DELAY_MS");
}

Test(cli_progress, wanted_only_on_a_terminal_without_quiet)
{
    int master, slave;
    cr_assert_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
    FILE *tty = fdopen(slave, "w");
    FILE *file = tmpfile();
    cr_assert(wd_progress_wanted(tty, 0));
    cr_assert_not(wd_progress_wanted(tty, 1));
    cr_assert_not(wd_progress_wanted(file, 0));
    fclose(tty);
    fclose(file);
    close(master);
}

/* ----------------------------------------------- the built wudiag on a pty */

/* Runs wudiag collect on the example bundle with stdin, stdout and stderr on
 * a pseudo-terminal; returns everything it wrote (malloc'd). */
static char *run_on_terminal(const char *extra)
{
    char *tmp = wdt_tempdir();
    char *db = wdt_path(tmp, "h.db");
    char *ev = wdt_source("examples/desktop-2kgm189");
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        setenv("WUDIAG_PROGRESS_DELAY_MS", "0", 1);
        execl(WD_WUDIAG_EXE, WD_WUDIAG_EXE, "collect", "--evidence", ev, "--db", db, extra,
              (char *)NULL);
        _exit(127);
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ssize_t n;
    while ((n = read(master, buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        cr_assert_eq(wd_array_reserve(&buf, &cap, len + 2, 1), WD_OK);
    }
    buf[len] = '\0';
    int status;
    waitpid(pid, &status, 0);
    close(master);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3, "wudiag: %s", buf);
    wdt_rmtree(tmp);
    free(tmp);
    free(db);
    free(ev);
    return buf;
}

Test(cli_progress, a_terminal_shows_files_records_and_time, .timeout = 120)
{
    char *out = run_on_terminal(NULL);
    cr_assert(strstr(out, "\rwudiag: 2 files, "), "%s", out);
    cr_assert(strstr(out, " records read, "), "%s", out);
    cr_assert(strstr(out, "snapshot 1: "), "%s", out);
    free(out);
}

Test(cli_progress, quiet_shows_none_on_a_terminal, .timeout = 120)
{
    char *out = run_on_terminal("--quiet");
    cr_assert_null(strstr(out, "records read"), "%s", out);
    cr_assert(strstr(out, "snapshot 1: "), "%s", out);
    free(out);
}

Test(cli_progress, stderr_not_a_terminal_shows_none, .timeout = 120)
{
    char *tmp = wdt_tempdir();
    char *db = wdt_path(tmp, "h.db");
    char *ev = wdt_source("examples/desktop-2kgm189");
    setenv("WUDIAG_PROGRESS_DELAY_MS", "0", 1);
    char *out = NULL, *err = NULL;
    const char *argv[] = {"diagnose", "--evidence", ev, "--db", db, "-o", "-", NULL};
    cr_assert_eq(wdt_run(argv, &out, &err), 3, "%s", err);
    unsetenv("WUDIAG_PROGRESS_DELAY_MS");
    cr_assert_null(strstr(err, "records read"), "%s", err);
    cr_assert_null(strchr(err, '\r'), "%s", err);
    free(out);
    free(err);
    wdt_rmtree(tmp);
    free(tmp);
    free(db);
    free(ev);
}
