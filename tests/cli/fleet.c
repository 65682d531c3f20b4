/* fleet.c - `wudiag push` and `wudiag fleet` end to end on a real
 * PostgreSQL server (tests/support/pgtest.c): the example bundle and every
 * expert bundle collected, pushed, and reported from the fleet exactly as
 * from the history file; pushing again adds nothing; the fleet report from
 * PostgreSQL equals the one from a merged file; passwords never reach
 * output, reports or stored command lines; the two documented roles can do
 * what docs/fleet.md says and nothing more. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#ifdef WD_HAVE_PG

#include "pgtest.h"

#include <criterion/hooks.h>

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    (void)set;
    if (wdt_pg_start() != 0)
        fprintf(stderr, "cli_fleet: the fleet tests need a PostgreSQL server\n");
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    wdt_pg_stop();
}

static char *dir, *local;

static void setup(void)
{
    dir = wdt_tempdir();
    local = wdt_path(dir, "history.db");
}

static void teardown(void)
{
    wdt_rmtree(dir);
    free(local), free(dir);
}

TestSuite(cli_fleet, .init = setup, .fini = teardown, .timeout = 600);

static int run(const char *const *argv, char **out, char **err)
{
    int code = wdt_run(argv, out, err);
    cr_assert_neq(code, -1, "wudiag died");
    return code;
}

/* Collects one evidence folder into the local file; returns 1 when done. */
static int collect(const char *evidence)
{
    if (!evidence)
        return 0;
    const char *argv[] = {"collect", "--evidence", evidence, "--db", local, NULL};
    char *err = NULL;
    int code = run(argv, NULL, &err);
    cr_assert(code == 0 || code >= 3, "collect %s: exit %d: %s", evidence, code, err);
    free(err);
    return 1;
}

/* Collects a folder of the source tree. */
static void collect_src(const char *rel)
{
    char *path = wdt_source(rel);
    collect(path);
    free(path);
}

/* The example bundle and every expert bundle; returns how many. */
static int collect_all(void)
{
    char *example = wdt_source("examples/desktop-2kgm189"), *expert = wdt_source("tests/expert");
    int n = collect(example);
    DIR *d = opendir(expert);
    struct dirent *e;
    cr_assert_not_null(d);
    while ((e = readdir(d)) != NULL) {
        char *ev = NULL;
        if (e->d_name[0] == '.' || asprintf(&ev, "%s/%s/evidence", expert, e->d_name) < 0)
            continue;
        DIR *probe = opendir(ev);
        if (probe) {
            closedir(probe);
            n += collect(ev);
        }
        free(ev);
    }
    closedir(d);
    free(example), free(expert);
    return n;
}

static void push(const char *to, int64_t pushed, int64_t present)
{
    const char *argv[] = {"push", "--to", to, "--db", local, NULL};
    char *out = NULL, *err = NULL, want[128];
    cr_assert_eq(run(argv, &out, &err), 0, "%s%s", out, err);
    snprintf(want, sizeof want, "pushed %lld snapshot", (long long)pushed);
    cr_assert_not_null(strstr(out, want), "%s", out);
    snprintf(want, sizeof want, "(%lld already there", (long long)present);
    cr_assert_not_null(strstr(out, want), "%s", out);
    free(out), free(err);
}

/* A report's text without what differs between two runs of the same report
 * from two databases: the run's command line, time, database and the
 * snapshot's own number. */
static char *normalized(const char *path)
{
    char *text = wdt_read(path, NULL), *p, *q;
    cr_assert_not_null(text, "no %s", path);
    static const char *const drop[] = {"<command-line>", "<generated>", "<database>"};
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
        while ((p = strstr(text, drop[i])) != NULL) {
            q = strchr(p, '\n');
            memmove(p, q ? q + 1 : p + strlen(p), strlen(q ? q + 1 : p + strlen(p)) + 1);
        }
    /* <snapshot id="N" and "snapshot": {"id": N */
    if ((p = strstr(text, "<snapshot id=\"")) != NULL) {
        p += 14;
        q = strchr(p, '"');
        memmove(p, q, strlen(q) + 1);
    }
    return text;
}

/* The snapshot ids of a database in time order, from `wudiag history --format xml`. */
static int ids_of(const char *db, long *ids, int max)
{
    char *xml = wdt_path(dir, "ids.xml");
    const char *argv[] = {"history", "--db", db, "--format", "xml", "-o", xml, NULL};
    cr_assert_eq(run(argv, NULL, NULL), 0);
    char *text = wdt_read(xml, NULL), *p = text;
    int n = 0;
    while (n < max && (p = strstr(p, "<snapshot id=\"")) != NULL) {
        p += 14;
        ids[n++] = strtol(p, NULL, 10);
    }
    free(text), free(xml);
    return n;
}

static void report(const char *db, long id, const char *format, const char *out)
{
    char snap[24];
    snprintf(snap, sizeof snap, "%ld", id);
    const char *argv[] = {"report", "--db", db, "--snapshot", snap, "--format", format, "-o",
                          out, NULL};
    char *err = NULL;
    int code = run(argv, NULL, &err);
    cr_assert(code == 0 || code >= 3, "report %s %ld: exit %d: %s", db, id, code, err);
    free(err);
}

Test(cli_fleet, every_bundle_reports_from_postgresql_as_from_the_history_file)
{
    char *ci = wdt_pg_newdb();
    int n = collect_all();
    long lite[64], pg[64];
    cr_assert_geq(n, 20);
    push(ci, n, 0);
    push(ci, 0, n); /* again: nothing added */
    cr_assert_eq(ids_of(local, lite, 64), n);
    cr_assert_eq(ids_of(ci, pg, 64), n);
    for (int i = 0; i < n; i++) {
        /* the full report: findings, failures, services, timeline, notes */
        char *a = wdt_path(dir, "lite.xml"), *b = wdt_path(dir, "pg.xml");
        report(local, lite[i], "xml", a);
        report(ci, pg[i], "xml", b);
        char *ta = normalized(a), *tb = normalized(b);
        cr_assert(strcmp(ta, tb) == 0, "snapshot %ld differs from PostgreSQL's", lite[i]);
        cr_assert_not_null(strstr(ta, "<services"), "%s", ta);
        free(ta), free(tb), free(a), free(b);
    }
    /* diff and history read it too */
    char s1[24], s2[24];
    snprintf(s1, sizeof s1, "%ld", pg[0]);
    snprintf(s2, sizeof s2, "%ld", pg[1]);
    const char *diff[] = {"diff", s1, s2, "--db", ci, "--across-machines", NULL};
    char *out = NULL;
    int code = run(diff, &out, NULL);
    cr_assert(code == 0 || code == 3, "%s", out);
    cr_assert_not_null(strstr(out, "snapshot"), "%s", out);
    free(out);
    free(ci);
}

/* The fleet report's XML without its run line (time, command, database). */
static char *fleet_xml(const char *db, const char *out, int *code)
{
    const char *argv[] = {"fleet", "--db", db, "--format", "xml", "-o", out,
                          "--as-of", "2026-12-01", NULL};
    char *err = NULL;
    *code = run(argv, NULL, &err);
    cr_assert(*code == 0 || *code >= 3, "fleet %s: %s", db, err);
    free(err);
    char *text = wdt_read(out, NULL), *p, *q;
    cr_assert_not_null(text);
    while ((p = strstr(text, "<run ")) != NULL && (q = strchr(p, '\n')) != NULL)
        memmove(p, q + 1, strlen(q + 1) + 1);
    /* the commands under each machine name the database */
    while ((p = strstr(text, "report=\"")) != NULL && (q = strchr(p + 8, '"')) != NULL)
        memmove(p, q + 1, strlen(q + 1) + 1);
    return text;
}

Test(cli_fleet, the_fleet_report_from_postgresql_equals_the_merged_files)
{
    char *ci = wdt_pg_newdb(), *merged = wdt_path(dir, "merged.db");
    int n = collect_all(), c1 = 0, c2 = 0;
    push(ci, n, 0);
    const char *merge[] = {"merge", merged, local, NULL};
    cr_assert_eq(run(merge, NULL, NULL), 0);
    char *pa = wdt_path(dir, "a.xml"), *pb = wdt_path(dir, "b.xml");
    char *a = fleet_xml(ci, pa, &c1);
    char *b = fleet_xml(merged, pb, &c2);
    free(pa), free(pb);
    cr_assert_str_eq(a, b);
    cr_assert_eq(c1, 3, "some machine is failing: exit 3");
    cr_assert_eq(c2, 3);
    /* what an analyst acts on: a problem with a code and its first fix */
    cr_assert_not_null(strstr(a, "<problem rank=\"1\""), "%s", a);
    cr_assert_not_null(strstr(a, "<fix id=\""), "%s", a);
    cr_assert_not_null(strstr(a, "<update key="), "%s", a);
    /* the page: inline SVG, nothing fetched */
    char *html = wdt_path(dir, "fleet.html");
    const char *page[] = {"fleet", "--db", ci, "-o", html, NULL};
    cr_assert_eq(run(page, NULL, NULL), 3);
    char *text = wdt_read(html, NULL);
    cr_assert_not_null(strstr(text, "<svg"));
    cr_assert_not_null(strstr(text, "What to fix first"));
    cr_assert_null(strstr(text, "<script"));
    cr_assert_null(strstr(text, "src=\"http"));
    const char *json[] = {"fleet", "--db", ci, "--format", "json", "-o", "-", NULL};
    char *out = NULL;
    cr_assert_eq(run(json, &out, NULL), 3);
    cr_assert_not_null(strstr(out, "\"problems\": {"), "%s", out);
    free(out), free(text), free(html);
    free(a), free(b), free(merged), free(ci);
}

Test(cli_fleet, a_password_reaches_no_output_report_or_stored_command_line)
{
    char *ci = wdt_pg_newdb(), *with = NULL, *xml = wdt_path(dir, "r.xml");
    char *fx = wdt_path(dir, "f.xml"), *out = NULL, *err = NULL;
    /* the cluster trusts local connections: the password is given, unused */
    cr_assert(asprintf(&with, "%s password=hunter2", ci) > 0);
    collect_src("examples/desktop-2kgm189");
    const char *p[] = {"push", "--to", with, "--db", local, NULL};
    cr_assert_eq(run(p, &out, &err), 0, "%s", err);
    cr_assert_null(strstr(out, "hunter2"), "%s", out);
    cr_assert_not_null(strstr(out, "password=***"), "%s", out);
    free(out), free(err);
    const char *r[] = {"report", "--db", with, "--format", "xml", "-o", xml, NULL};
    run(r, &out, &err);
    char *text = wdt_read(xml, NULL);
    cr_assert_not_null(text);
    cr_assert_null(strstr(text, "hunter2"));
    cr_assert_not_null(strstr(text, "password=***"));
    free(text), free(out), free(err);
    const char *f[] = {"fleet", "--db", with, "--format", "xml", "-o", fx, NULL};
    run(f, &out, &err);
    text = wdt_read(fx, NULL);
    cr_assert_null(strstr(text, "hunter2"));
    free(text), free(out), free(err);
    /* a refused connection says where, not with what */
    char *bad = wdt_pg_conninfo("no_such_db");
    char *badp = NULL;
    cr_assert(asprintf(&badp, "%s password=hunter2", bad) > 0);
    const char *b[] = {"push", "--to", badp, "--db", local, NULL};
    cr_assert_eq(run(b, &out, &err), 1);
    cr_assert_null(strstr(err, "hunter2"), "%s", err);
    cr_assert_not_null(strstr(err, "no_such_db"), "%s", err);
    free(out), free(err), free(bad), free(badp);
    /* URLs: the userinfo password */
    const char *u[] = {"push", "--to", "postgresql://ana:hunter2@localhost:1/x?connect_timeout=2",
                       "--db", local, NULL};
    cr_assert_eq(run(u, &out, &err), 1);
    cr_assert_null(strstr(err, "hunter2"), "%s", err);
    cr_assert_null(strstr(out, "hunter2"), "%s", out);
    free(out), free(err);
    free(with), free(xml), free(fx), free(ci);
}

/* The SQL between "-- roles:begin" and "-- roles:end" in docs/fleet.md. */
static char *documented_roles(void)
{
    char *path = wdt_source("docs/fleet.md"), *text = wdt_read(path, NULL), *sql = NULL;
    cr_assert_not_null(text);
    char *a = strstr(text, "-- roles:begin"), *b = a ? strstr(a, "-- roles:end") : NULL;
    cr_assert(a && b, "docs/fleet.md has no roles block");
    sql = strndup(a, (size_t)(b - a));
    free(text), free(path);
    return sql;
}

Test(cli_fleet, the_documented_roles_push_and_read_and_nothing_more)
{
    char *ci = wdt_pg_newdb(), *roles = documented_roles();
    collect_src("examples/desktop-2kgm189");
    push(ci, 1, 0); /* the owner creates the schema */
    /* roles are cluster-wide: made once per cluster */
    char *admin = wdt_pg_conninfo("postgres"), *exists = NULL;
    wdt_pg_sql(admin, "SELECT count(*) FROM pg_roles WHERE rolname = 'wudiag_pusher'", &exists);
    if (exists && !strcmp(exists, "0"))
        cr_assert_eq(wdt_pg_sql(ci, roles, NULL), 0, "the documented roles SQL fails");
    else {
        /* grants are per database: run the GRANT lines alone */
        char *g = strstr(roles, "GRANT");
        cr_assert_eq(wdt_pg_sql(ci, g, NULL), 0);
    }
    char *pusher = NULL, *reader = NULL;
    cr_assert(asprintf(&pusher, "%s user=wudiag_pusher", ci) > 0);
    cr_assert(asprintf(&reader, "%s user=wudiag_reader", ci) > 0);
    /* the pusher adds a second snapshot, and again adds nothing */
    collect_src("tests/expert/wulog-reboot-pending/evidence");
    push(pusher, 1, 1);
    push(pusher, 0, 2);
    /* it cannot read evidence nor delete */
    cr_assert_neq(wdt_pg_sql(pusher, "SELECT count(*) FROM wudiag.activity", NULL), 0);
    cr_assert_neq(wdt_pg_sql(pusher, "DELETE FROM wudiag.snapshot", NULL), 0);
    /* the reader reports and cannot write */
    char *xml = wdt_path(dir, "f.xml"), *out = NULL, *err = NULL;
    const char *f[] = {"fleet", "--db", reader, "--format", "xml", "-o", xml, NULL};
    int code = run(f, &out, &err);
    cr_assert(code == 0 || code >= 3, "%s", err);
    const char *r[] = {"report", "--db", reader, "-o", xml, NULL};
    code = run(r, NULL, NULL);
    cr_assert(code == 0 || code >= 3);
    cr_assert_neq(wdt_pg_sql(reader, "INSERT INTO wudiag.machine(name) VALUES ('x')", NULL), 0);
    const char *p[] = {"push", "--to", reader, "--db", local, NULL};
    collect_src("tests/expert/wulog-recovered-install/evidence");
    cr_assert_eq(run(p, NULL, NULL), 1, "a reader cannot push");
    free(out), free(err), free(xml), free(pusher), free(reader), free(admin), free(exists);
    free(roles), free(ci);
}

#endif /* WD_HAVE_PG */

Test(cli_push, usage_errors_exit_2)
{
    const char *none[] = {"push", NULL};
    const char *file[] = {"push", "--to", "other.db", NULL};
    const char *fleet[] = {"fleet", NULL};
    const char *fmt[] = {"fleet", "--db", "x.db", "--format", "pdf", NULL};
    cr_assert_eq(wdt_run(none, NULL, NULL), 2);
    cr_assert_eq(wdt_run(file, NULL, NULL), 2);
    cr_assert_eq(wdt_run(fleet, NULL, NULL), 2);
    cr_assert_eq(wdt_run(fmt, NULL, NULL), 2);
}
