/* expert.c - the expert suite: bundles of real (or realistic) evidence in
 * tests/expert/<bundle>/evidence, each with tests/expert/<bundle>/expect.txt
 * saying what a support engineer reads in it. This file checks what the
 * collector makes of each bundle (activities, facts); the judgement lines
 * (verdict, top-rule, first-fix, finding, no-finding) are checked on the
 * report wudiag makes of the same bundle, through a real database.
 *
 * expect.txt, one expectation a line ("#" comments; "-" means none):
 *   about TEXT                         what the bundle is (for the reader)
 *   activity OP OUTCOME CODE SUBJECT   at least one activity like this; SUBJECT
 *                                      matches kb, update id, title (substring),
 *                                      target, service or package
 *   no-activity OP OUTCOME CODE SUBJECT  none like this ("*" matches anything)
 *   no-failure CODE                    no failed activity carries CODE
 *   failures N                         exactly N failed activities
 *   failures-at-most N                 at most N failed activities
 *   fact KEY VALUE                     some source says KEY = VALUE (VALUE
 *                                      may hold single blanks)
 *   no-fact KEY                        no source gives KEY
 *   verdict V                          healthy | warning | failing | incomplete
 *   top-rule RULE                      the first finding's rule
 *   first-fix FIX                      the report's first fix
 *   finding RULE                       a current finding of RULE
 *   no-finding RULE                    no finding of RULE (current or history)
 *   history RULE                       a resolved (history) finding of RULE */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "report.h"
#include "store.h"
#include "support.h"

typedef struct act {
    wd_op op;
    wd_outcome outcome;
    int has_code;
    uint32_t code;
    char *ids[7]; /* kb, update id, title, target, service, package, detail */
} act;

typedef struct bundle {
    act *acts;
    size_t n, cap;
    char **facts; /* "key=value" */
    size_t nfacts, capfacts;
    wd_store *store; /* the same records go into a real database */
    wd_report *report;
} bundle;

static char *dup0(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int put_service(void *ctx, const wd_service_rec *r)
{
    return wd_store_add_service(((bundle *)ctx)->store, r);
}
static int put_event(void *ctx, const wd_event_rec *r)
{
    return wd_store_add_event(((bundle *)ctx)->store, r);
}
static int put_note(void *ctx, const wd_note_rec *r)
{
    return wd_store_add_note(((bundle *)ctx)->store, r);
}
static int put_source(void *ctx, const wd_source_rec *r)
{
    return wd_store_add_source(((bundle *)ctx)->store, r);
}

static int on_activity(void *ctx, const wd_activity_rec *r)
{
    bundle *b = ctx;
    int rc = wd_store_add_activity(b->store, r);
    if (rc)
        return rc;
    act *a = wd_array_grow(&b->acts, &b->n, &b->cap, sizeof *a);
    cr_assert_not_null(a);
    a->op = r->operation;
    a->outcome = r->outcome;
    a->has_code = r->has_code;
    a->code = r->code;
    const char *ids[7] = {r->kb, r->update_id, r->title, r->target, r->service, r->package,
                          r->detail};
    for (int i = 0; i < 7; i++)
        a->ids[i] = dup0(ids[i]);
    return 0;
}

static int on_fact(void *ctx, const wd_fact_rec *r)
{
    bundle *b = ctx;
    int rc = wd_store_add_fact(b->store, r);
    if (rc)
        return rc;
    char **fact = wd_array_grow(&b->facts, &b->nfacts, &b->capfacts, sizeof *fact);
    cr_assert_not_null(fact);
    size_t n = strlen(r->key) + strlen(r->value ? r->value : "") + 2;
    *fact = malloc(n);
    cr_assert_not_null(*fact);
    snprintf(*fact, n, "%s=%s", r->key, r->value ? r->value : "");
    return 0;
}

static void bundle_free(bundle *b)
{
    for (size_t i = 0; i < b->n; i++)
        for (int k = 0; k < 7; k++)
            free(b->acts[i].ids[k]);
    for (size_t i = 0; i < b->nfacts; i++)
        free(b->facts[i]);
    free(b->acts);
    free(b->facts);
}

/* Does activity a match "OP OUTCOME CODE SUBJECT" ("*" any, "-" none)? */
static int matches(const act *a, char **f)
{
    if (strcmp(f[0], "*") && a->op != wd_op_parse(f[0]))
        return 0;
    if (strcmp(f[1], "*") && a->outcome != wd_outcome_parse(f[1]))
        return 0;
    if (!strcmp(f[2], "-") && a->has_code && a->code != 0)
        return 0;
    if (strcmp(f[2], "*") && strcmp(f[2], "-")) {
        uint32_t want;
        cr_assert_eq(wd_hresult_parse(f[2], &want), 0, "bad code %s", f[2]);
        if (!a->has_code || a->code != want)
            return 0;
    }
    if (!strcmp(f[3], "*"))
        return 1;
    for (int k = 0; k < 6; k++)
        if (a->ids[k] && strstr(a->ids[k], f[3]))
            return 1;
    return 0;
}

static size_t count_matching(const bundle *b, char **f)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        n += matches(&b->acts[i], f);
    return n;
}

static size_t failures(const bundle *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        n += b->acts[i].outcome == WD_OUT_FAILED;
    return n;
}

/* Splits s in place at blanks into at most max fields; the last takes the
 * rest of the line. */
static size_t split(char *s, char **f, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        f[n++] = s;
        if (n == max)
            break;
        while (*s && *s != ' ' && *s != '\t')
            s++;
        if (*s)
            *s++ = '\0';
    }
    return n;
}

/* A finding of rule (current or not); *current says which. */
static int report_has(const wd_report *r, const char *rule, int *current)
{
    for (size_t i = 0; i < wd_report_finding_count(r); i++) {
        wd_finding_rec f;
        wd_report_finding(r, i, &f);
        if (!strcmp(f.rule, rule)) {
            *current = !f.state || !strcmp(f.state, "current");
            return 1;
        }
    }
    return 0;
}

static void check_judgement(const char *name, const bundle *b, const char *what, const char *arg,
                            size_t lineno)
{
    const wd_report *r = b->report;
    int current = 0;
    cr_assert_not_null(arg, "%s/expect.txt:%zu: %s needs a value", name, lineno, what);
    if (!strcmp(what, "verdict")) {
        cr_expect_str_eq(wd_report_verdict(r), arg, "%s/expect.txt:%zu: verdict", name, lineno);
    } else if (!strcmp(what, "top-rule")) {
        wd_finding_rec f = {0};
        if (wd_report_finding_count(r))
            wd_report_finding(r, 0, &f);
        cr_expect(f.rule && !strcmp(f.rule, arg), "%s/expect.txt:%zu: top finding is %s (%s)",
                  name, lineno, f.rule ? f.rule : "none", f.title ? f.title : "");
    } else if (!strcmp(what, "first-fix")) {
        const char *fix = wd_report_first_fix(r);
        cr_expect(fix && !strcmp(fix, arg), "%s/expect.txt:%zu: first fix is %s", name, lineno,
                  fix ? fix : "none");
    } else if (!strcmp(what, "finding")) {
        cr_expect(report_has(r, arg, &current) && current, "%s/expect.txt:%zu: no finding %s",
                  name, lineno, arg);
    } else if (!strcmp(what, "history")) {
        cr_expect(report_has(r, arg, &current) && !current,
                  "%s/expect.txt:%zu: no history finding %s", name, lineno, arg);
    } else if (!strcmp(what, "no-finding")) {
        cr_expect(!report_has(r, arg, &current), "%s/expect.txt:%zu: finding %s present", name,
                  lineno, arg);
    } else {
        cr_assert_fail("%s/expect.txt:%zu: unknown line %s", name, lineno, what);
    }
}

static void check_line(const char *name, const bundle *b, char *line, size_t lineno)
{
    char *f[6] = {0};
    int is_fact = !strncmp(line, "fact ", 5) || !strncmp(line, "fact\t", 5);
    size_t n = split(line, f, is_fact ? 3 : 5); /* a fact's value may hold blanks */
    if (n == 0 || f[0][0] == '#')
        return;
    const char *what = f[0];
    if (!strcmp(what, "activity") || !strcmp(what, "no-activity")) {
        cr_assert_eq(n, 5, "%s/expect.txt:%zu: activity takes OP OUTCOME CODE SUBJECT", name,
                     lineno);
        size_t got = count_matching(b, f + 1);
        if (!strcmp(what, "activity"))
            cr_expect_gt(got, 0, "%s/expect.txt:%zu: no activity %s %s %s %s", name, lineno,
                         f[1], f[2], f[3], f[4]);
        else
            cr_expect_eq(got, 0, "%s/expect.txt:%zu: %zu activities %s %s %s %s", name, lineno,
                         got, f[1], f[2], f[3], f[4]);
    } else if (!strcmp(what, "no-failure")) {
        char *g[4] = {"*", "failed", f[1], "*"};
        size_t got = count_matching(b, g);
        cr_expect_eq(got, 0, "%s/expect.txt:%zu: %s is a failure %zu times", name, lineno, f[1],
                     got);
    } else if (!strcmp(what, "failures") || !strcmp(what, "failures-at-most")) {
        size_t want = strtoul(f[1], NULL, 10), got = failures(b);
        if (!strcmp(what, "failures"))
            cr_expect_eq(got, want, "%s/expect.txt:%zu: %zu failures, expected %zu", name,
                         lineno, got, want);
        else
            cr_expect_leq(got, want, "%s/expect.txt:%zu: %zu failures, expected at most %zu",
                          name, lineno, got, want);
    } else if (!strcmp(what, "fact") || !strcmp(what, "no-fact")) {
        /* a value may hold blanks ("Windows 11 Pro"): join what split cut */
        for (size_t k = 3; k < n; k++)
            f[k][-1] = ' ';
        char want[512];
        snprintf(want, sizeof want, "%s=%s", f[1], n > 2 ? f[2] : "");
        size_t klen = strlen(f[1]) + 1, got = 0;
        for (size_t i = 0; i < b->nfacts; i++)
            got += !strcmp(what, "fact") ? !strcmp(b->facts[i], want)
                                         : !strncmp(b->facts[i], want, klen);
        if (!strcmp(what, "fact"))
            cr_expect_gt(got, 0, "%s/expect.txt:%zu: no fact %s", name, lineno, want);
        else
            cr_expect_eq(got, 0, "%s/expect.txt:%zu: fact %s given", name, lineno, f[1]);
    } else if (!strcmp(what, "about")) {
        /* for the reader */
    } else {
        check_judgement(name, b, what, f[1], lineno);
    }
}

static void check_bundle(const char *dir, const char *name)
{
    char *evidence = wdt_path(dir, "evidence"), *expect = wdt_path(dir, "expect.txt");
    bundle b = {0};
    char *tmp = wdt_tempdir(), *db = wdt_path(tmp, "history.db");
    int64_t snap;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &b.store), 0, "%s", wd_error_last());
    cr_assert_eq(wd_store_begin(b.store, "wudiag diagnose --expert", evidence), 0, "%s",
                 wd_error_last());
    wd_sink sink = {.ctx = &b,
                    .service = put_service,
                    .event = put_event,
                    .fact = on_fact,
                    .note = put_note,
                    .source = put_source,
                    .activity = on_activity};
    cr_assert_eq(wd_collect_evidence(evidence, &sink), 0, "%s: %s", name, wd_error_last());
    cr_assert_eq(wd_store_finish(b.store, &snap), 0, "%s: %s", name, wd_error_last());
    wd_report_options o = {0};
    cr_assert_eq(wd_report_build(b.store, snap, &o, &b.report), 0, "%s: %s", name,
                 wd_error_last());
    char *text = wdt_read(expect, NULL);
    cr_assert_not_null(text, "%s has no expect.txt", name);
    size_t lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        check_line(name, &b, line, ++lineno);
    }
    free(text);
    wd_report_free(b.report);
    wd_store_close(b.store);
    wdt_rmtree(tmp);
    free(tmp), free(db);
    bundle_free(&b);
    free(evidence);
    free(expect);
}

Test(expert, every_bundle_reads_as_an_expert_reads_it)
{
    char *root = wdt_source("tests/expert");
    DIR *d = opendir(root);
    cr_assert_not_null(d);
    struct dirent *e;
    size_t bundles = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *dir = wdt_path(root, e->d_name), *ev = wdt_path(dir, "evidence");
        DIR *probe = opendir(ev);
        if (probe) {
            closedir(probe);
            check_bundle(dir, e->d_name);
            bundles++;
        }
        free(ev);
        free(dir);
    }
    closedir(d);
    free(root);
    cr_log_info("%zu expert bundles", bundles);
}
