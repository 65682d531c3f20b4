/* output.c - what wudiag writes cannot harm the machine: -o writes regular
 * files only (a device, FIFO or folder is refused, "-" is stdout), every
 * write error is an exit 1 with a message for every verb, and evidence text
 * reaching a terminal has its control characters escaped. */
#include "child.h"
#include "support.h"

#include <criterion/criterion.h>

/* Evidence whose update title, machine name and proxy carry terminal
 * escape sequences (set the window title, colour the screen, clear it). */
#define ESC_TITLE "\033]0;PWNED\007\033[41mEvil Update\033[0m"
static const char facts_a[] = "wudiag-facts 1\r\nmachine.name=PC\033]0;OWNED\007\r\n"
                              "proxy.winhttp=\033[41mred\r\n";
static const char facts_b[] = "wudiag-facts 1\r\nmachine.name=PC\033]0;OWNED\007\r\n"
                              "proxy.winhttp=\033[2Jcleared\r\n";
static const char history_csv[] =
    "\"Date\",\"Operation\",\"ResultCode\",\"HResult\",\"Title\",\"UpdateID\"\r\n"
    "\"4/10/2024 3:12:44 AM\",\"1\",\"4\",\"-2146498270\",\"" ESC_TITLE "\","
    "\"3c3a7e8f-1d2b-4f5e-9a61-0b7c2d9e4f13\"\r\n"
    "\"4/11/2024 3:12:44 AM\",\"1\",\"4\",\"-2146498270\",\"" ESC_TITLE "\","
    "\"3c3a7e8f-1d2b-4f5e-9a61-0b7c2d9e4f13\"\r\n";

typedef struct fixture {
    char *tmp, *db, *ev_a, *ev_b;
} fixture;

static void write_file(const char *dir, const char *name, const char *text)
{
    char *p = wdt_path(dir, name);
    cr_assert_eq(wdt_write(p, text, strlen(text)), 0);
    free(p);
}

/* Two snapshots of the same hostile machine in a fresh database. */
static void setup(fixture *f)
{
    f->tmp = wdt_tempdir();
    f->db = wdt_path(f->tmp, "h.db");
    f->ev_a = wdt_path(f->tmp, "a");
    f->ev_b = wdt_path(f->tmp, "b");
    cr_assert_eq(mkdir(f->ev_a, 0755), 0);
    cr_assert_eq(mkdir(f->ev_b, 0755), 0);
    write_file(f->ev_a, "facts.txt", facts_a);
    write_file(f->ev_a, "update-history.csv", history_csv);
    write_file(f->ev_b, "facts.txt", facts_b);
    const char *ev[] = {f->ev_a, f->ev_b};
    for (int i = 0; i < 2; i++) {
        const char *argv[] = {"collect", "--evidence", ev[i], "--db", f->db, NULL};
        cr_assert_neq(wdt_run(argv, NULL, NULL), 1);
    }
}

static void teardown(fixture *f)
{
    wdt_rmtree(f->tmp);
    free(f->tmp), free(f->db), free(f->ev_a), free(f->ev_b);
}

static void assert_no_escape(const char *text, const char *what)
{
    cr_assert_not_null(text);
    cr_assert_null(strchr(text, '\033'), "%s reached the terminal with ESC: %s", what, text);
    cr_assert_null(strchr(text, '\007'), "%s reached the terminal with BEL", what);
}

/* ------------------------------------------------------------- -o refused */

static void assert_refused(fixture *f, const char *target, const char *what)
{
    const char *argv[] = {"report", "--db", f->db, "-o", target, NULL};
    wdt_child r;
    cr_assert_eq(wdt_spawn(argv, WDT_CAPTURE, NULL, &r), 0);
    cr_assert_eq(r.code, 1, "-o %s: exit %d", target, r.code);
    cr_assert(strstr(r.err, "will not write") && strstr(r.err, what), "-o %s: %s", target, r.err);
    wdt_child_free(&r);
}

Test(cli_output, o_refuses_a_device_a_fifo_and_a_folder, .timeout = 60)
{
    fixture f;
    setup(&f);
    char *fifo = wdt_path(f.tmp, "fifo");
    cr_assert_eq(mkfifo(fifo, 0644), 0);
    struct stat before, after;
    cr_assert_eq(stat("/dev/null", &before), 0);
    assert_refused(&f, "/dev/null", "a device");
    assert_refused(&f, fifo, "a pipe (FIFO)");
    assert_refused(&f, f.tmp, "a folder");
    cr_assert_eq(stat("/dev/null", &after), 0);
    cr_assert(S_ISCHR(after.st_mode) && after.st_rdev == before.st_rdev);
    cr_assert_eq(stat(fifo, &after), 0);
    cr_assert(S_ISFIFO(after.st_mode), "the FIFO was replaced");
    /* the same check runs before collecting: no snapshot is made */
    const char *argv[] = {"diagnose", "--evidence", f.ev_b, "--db", f.db, "-o", fifo, NULL};
    char *err = NULL;
    cr_assert_eq(wdt_run(argv, NULL, &err), 1);
    cr_assert(strstr(err, "will not write"), "%s", err);
    free(err);
    const char *hist[] = {"history", "--db", f.db, "--format", "text", NULL};
    char *out = NULL;
    cr_assert_eq(wdt_run(hist, &out, NULL), 0);
    cr_assert_null(strstr(out, "\n3 "), "a snapshot was stored: %s", out);
    free(out);
    free(fifo);
    teardown(&f);
}

Test(cli_output, o_dash_writes_the_report_to_stdout, .timeout = 60)
{
    fixture f;
    setup(&f);
    const char *argv[] = {"report", "--db", f.db, "--format", "xml", "-o", "-", NULL};
    char *out = NULL, *err = NULL;
    int code = wdt_run(argv, &out, &err);
    cr_assert(code == 0 || code == 3, "exit %d: %s", code, err);
    cr_assert(strstr(out, "<?xml") && strstr(out, "</report>"), "%.200s", out);
    cr_assert(strstr(err, "snapshot 2"), "the summary goes to stderr: %s", err);
    free(out), free(err);
    teardown(&f);
}

Test(cli_output, o_through_a_symlink_replaces_the_file_it_names, .timeout = 60)
{
    fixture f;
    setup(&f);
    char *real = wdt_path(f.tmp, "real.xml"), *link = wdt_path(f.tmp, "link.xml");
    cr_assert_eq(wdt_write(real, "old", 3), 0);
    cr_assert_eq(symlink(real, link), 0);
    const char *argv[] = {"report", "--db", f.db, "--format", "xml", "-o", link, NULL};
    int code = wdt_run(argv, NULL, NULL);
    cr_assert(code == 0 || code == 3);
    struct stat st;
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link itself was replaced");
    char *xml = wdt_read(real, NULL);
    cr_assert(strstr(xml, "</report>"));
    free(xml), free(real), free(link);
    teardown(&f);
}

/* ------------------------------------------------------------ write errors */

Test(cli_output, every_verb_that_writes_fails_on_a_full_device, .timeout = 120)
{
    fixture f;
    setup(&f);
    char *out = wdt_path(f.tmp, "r.html");
    const char *cases[][10] = {
        {"explain", "0x80070002", NULL},
        {"diff", "1", "2", "--db", f.db, NULL},
        {"history", "--db", f.db, NULL},
        {"history", "--db", f.db, "--format", "xml", NULL},
        {"report", "--db", f.db, "-o", "-", NULL},
        {"report", "--db", f.db, "-o", out, NULL}, /* the summary line is lost */
        {"diagnose", "--evidence", f.ev_b, "--db", f.db, "-o", "-", NULL},
        {"collect", "--evidence", f.ev_b, "--db", f.db, NULL},
        {"--version", NULL},
        {"explain", "--help", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wdt_child r;
        cr_assert_eq(wdt_spawn(cases[i], WDT_FILE, "/dev/full", &r), 0);
        cr_assert_eq(r.code, 1, "%s %s: exit %d to /dev/full (%s)", cases[i][0],
                     cases[i][1] ? cases[i][1] : "", r.code, r.err);
        cr_assert(strstr(r.err, "No space left"), "%s: no message: %s", cases[i][0], r.err);
        wdt_child_free(&r);
    }
    const char *refused[][10] = {
        {"history", "--db", f.db, "-o", "/dev/full", NULL},
        {"diagnose", "--evidence", f.ev_b, "--db", f.db, "-o", "/dev/full", NULL},
    };
    for (size_t i = 0; i < 2; i++) {
        wdt_child r;
        cr_assert_eq(wdt_spawn(refused[i], WDT_CAPTURE, NULL, &r), 0);
        cr_assert_eq(r.code, 1, "%s -o /dev/full: exit %d", refused[i][0], r.code);
        cr_assert(strstr(r.err, "will not write"), "%s", r.err);
        wdt_child_free(&r);
    }
    free(out);
    teardown(&f);
}

/* ------------------------------------------------------------ the terminal */

Test(cli_output, escape_sequences_in_evidence_reach_the_terminal_escaped, .timeout = 120)
{
    fixture f;
    setup(&f);
    char *html = wdt_path(f.tmp, "r.html");
    const char *cases[][10] = {
        {"diagnose", "--evidence", f.ev_a, "--db", f.db, "-o", html, NULL}, /* summary line */
        {"diff", "1", "2", "--db", f.db, NULL},
        {"history", "--db", f.db, NULL},
        {"report", "--db", f.db, "--snapshot", "1", "--format", "xml", "-o", "-", NULL},
    };
    const char *shown[] = {"\\x1B]0;PWNED\\x07", "\\x1B[2Jcleared", "PC\\x1B]0;OWNED\\x07", NULL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wdt_child r;
        cr_assert_eq(wdt_spawn(cases[i], WDT_TERMINAL, NULL, &r), 0);
        cr_assert(r.code == 0 || (r.code >= 3 && r.code <= 5), "%s: exit %d: %s", cases[i][0],
                  r.code, r.err);
        assert_no_escape(r.out, cases[i][0]);
        assert_no_escape(r.err, cases[i][0]);
        if (shown[i])
            cr_assert(strstr(r.out, shown[i]), "%s: %s not shown as text: %s", cases[i][0],
                      shown[i], r.out);
        wdt_child_free(&r);
    }
    free(html);
    teardown(&f);
}

Test(cli_output, messages_naming_evidence_are_escaped, .timeout = 60)
{
    char *tmp = wdt_tempdir(), *ev = wdt_path(tmp, "no\033[2Jsuch"), *db = wdt_path(tmp, "h.db");
    const char *argv[] = {"collect", "--evidence", ev, "--db", db, NULL};
    wdt_child r;
    cr_assert_eq(wdt_spawn(argv, WDT_CAPTURE, NULL, &r), 0);
    cr_assert_eq(r.code, 1);
    assert_no_escape(r.err, "the error message");
    wdt_child_free(&r);
    wdt_rmtree(tmp);
    free(tmp), free(ev), free(db);
}
