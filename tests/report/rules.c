/* rules.c - the diagnosis rules, through the real store: every rule of the
 * knowledge base has a fixture that must fire it (with the exact severity,
 * evidence and fixes) and one that must leave it quiet
 * (tests/fixtures/rules/<rule>.fires and .quiet); plus ranking, causes,
 * verdicts, fixes that already failed, known issues and advice on managed
 * PCs. Each fixture becomes a snapshot in a fresh database and is judged by
 * wd_report_build, as `wudiag diagnose` judges.
 *
 * Fixture lines ("|" separates fields, "-" for an empty value):
 *   time ISO                         the end of the evidence (capture.time)
 *   service NAME | STATE | START [| EXIT]
 *   activity OP | OUTCOME | CODE | TIME | KB | TITLE | PRODUCT [| k=v;k=v]
 *                                    k: service target count package update session
 *   fact KEY | VALUE [| TIME]
 *   note KIND | SOURCE | REASON
 *   computer NAME [| N [| FIRST]]    N events (default 1) naming that computer,
 *                                    from time FIRST on (one a minute)
 *   past VERDICT                     an earlier snapshot of the machine
 * Expectations (EVIDENCE: activity:N, service:N, fact:N = the Nth such line):
 *   expect RULE | SEVERITY | EVIDENCE | FIXES
 *   title RULE | text the finding's title contains
 *   reject RULE
 *   cause RULE | CAUSE-RULE          RULE's finding names CAUSE-RULE as its cause
 *   failed-fix RULE | FIX            FIX is marked as already failed
 *   known-issue RULE | ID
 *   verdict VERDICT
 *   first RULE                       the top-ranked finding */
#include "collector.h"
#include "rules_private.h"
#include "store.h"
#include "snapshot_fixture.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int is_expectation(const char *kind)
{
    static const char *const kinds[] = {"expect", "title", "reject", "cause", "failed-fix",
                                        "known-issue", "verdict", "first"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kind, kinds[i]))
            return 1;
    return 0;
}

/* Builds the snapshot of a fixture; expectation lines are left in *expect. */
static wd_report *build(wdt_snapshot *d, const char *text, char **expect)
{
    char *copy = strdup(text), *save = NULL;
    size_t elen = 0, cap = strlen(text) + 1;
    *expect = calloc(1, cap);
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        if (line[0] == '#' || !sp)
            continue;
        *sp = '\0';
        if (is_expectation(line))
            elen += (size_t)snprintf(*expect + elen, cap - elen, "%s %s\n", line, sp + 1);
        else
            cr_assert(wdt_snapshot_keyword(line), "unknown fixture line '%s'", line);
    }
    free(copy);
    wdt_snapshot_load(d, text);
    wd_report *r = NULL;
    wd_report_options o = {0};
    cr_assert_eq(wd_report_build(d->s, d->snap, &o, &r), 0, "%s", wd_error_last());
    return r;
}

static int find(const wd_report *r, const char *rule, wd_finding_rec *out)
{
    for (size_t i = 0; i < wd_report_finding_count(r); i++) {
        wd_report_finding(r, i, out);
        if (!strcmp(out->rule, rule))
            return 1;
    }
    return 0;
}

static void refs_text(const wd_finding_rec *f, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < f->nrefs; i++)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s:%lld", i ? "," : "",
                 wd_ref_kind_name(f->refs[i].kind), (long long)f->refs[i].row_id);
}

static void check_expect(const wd_report *r, char *line, const char *name)
{
    char *f[WDT_FIELDS];
    char *sp = strchr(line, ' ');
    *sp = '\0';
    wdt_split(sp + 1, f);
    wd_finding_rec x;
    if (!strcmp(line, "verdict")) {
        cr_assert_str_eq(wd_report_verdict(r), f[0], "%s: verdict", name);
        return;
    }
    if (!strcmp(line, "first")) {
        cr_assert_gt(wd_report_finding_count(r), 0, "%s: no finding", name);
        wd_report_finding(r, 0, &x);
        cr_assert_str_eq(x.rule, f[0], "%s: first finding is %s (%s)", name, x.rule, x.title);
        return;
    }
    int found = find(r, f[0], &x);
    if (!strcmp(line, "reject")) {
        cr_assert(!found, "%s: rule %s fired: %s", name, f[0], found ? x.title : "");
        return;
    }
    cr_assert(found, "%s: rule %s did not fire", name, f[0]);
    if (!strcmp(line, "title")) {
        cr_assert_not_null(strstr(x.title, f[1]), "%s: title '%s' lacks '%s'", name, x.title,
                           f[1]);
    } else if (!strcmp(line, "cause")) {
        cr_assert(x.cause && !strcmp(x.cause, f[1]), "%s: %s's cause is %s, not %s", name, f[0],
                  x.cause ? x.cause : "none", f[1]);
    } else if (!strcmp(line, "known-issue")) {
        cr_assert(x.known_issue && !strcmp(x.known_issue, f[1]), "%s: %s's known issue is %s",
                  name, f[0], x.known_issue ? x.known_issue : "none");
    } else if (!strcmp(line, "failed-fix")) {
        cr_assert(wd_report_fix_failed(r, f[0], f[1]), "%s: %s's fix %s is not marked failed",
                  name, f[0], f[1]);
    } else {
        char refs[1024];
        refs_text(&x, refs, sizeof refs);
        cr_assert_str_eq(x.severity, f[1], "%s: %s severity %s, want %s", name, f[0], x.severity,
                         f[1]);
        cr_assert_str_eq(refs, strcmp(f[2], "-") ? f[2] : "", "%s: %s evidence %s, want %s", name,
                         f[0], refs, f[2]);
        cr_assert_str_eq(x.fixes, strcmp(f[3], "-") ? f[3] : "", "%s: %s fixes %s, want %s", name,
                         f[0], x.fixes, f[3]);
        cr_assert(x.explanation[0] && !strchr(x.title, '{') && !strchr(x.explanation, '{'),
                  "%s: unfilled text: %s / %s", name, x.title, x.explanation);
    }
}

/* Runs one fixture text and checks its expectations; returns how many. */
static int run_text_checked(const char *text, const char *name, const char *must_mention)
{
    wdt_snapshot d;
    char *expect;
    wdt_snapshot_open(&d);
    wd_report *r = build(&d, text, &expect);
    int n = 0, mentioned = 0;
    char *save = NULL;
    for (char *l = strtok_r(expect, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        n++;
        mentioned |= !must_mention || strstr(l, must_mention) != NULL;
        check_expect(r, l, name);
    }
    cr_assert(n > 0 && mentioned, "%s has no expectation about %s", name,
              must_mention ? must_mention : "anything");
    wd_report_free(r);
    wdt_snapshot_close(&d);
    free(expect);
    return n;
}

static void run_fixture(const char *rule, const char *ext)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/rules/%s.%s", rule, ext);
    char *path = wdt_source(rel);
    char *text = wdt_read(path, NULL);
    cr_assert_not_null(text, "rule %s has no fixture %s", rule, rel);
    run_text_checked(text, rel, rule);
    free(text);
    free(path);
}

static wd_kb *kb_or_fail(void)
{
    wd_kb *kb = NULL;
    cr_assert_eq(wd_kb_load(NULL, &kb), 0, "%s", wd_error_last());
    return kb;
}

Test(report_rules, every_rule_fires_on_its_fixture_and_stays_quiet_on_the_other)
{
    wd_kb *kb = kb_or_fail();
    cr_assert_geq(wd_rules_count(kb->rules), 30);
    for (size_t i = 0; i < wd_rules_count(kb->rules); i++) {
        run_fixture(kb->rules->rules[i].id, "fires");
        run_fixture(kb->rules->rules[i].id, "quiet");
    }
    wd_kb_free(kb);
}

/* Scenario files: tests/fixtures/judgement/<name>.txt, same format, each
 * a situation a support engineer knows the answer to. */
Test(report_rules, every_judgement_scenario_gets_the_expert_answer)
{
    static const char *const scenarios[] = {
        "recovered-after-failure", "superseded-failure",  "crash-causes-failures",
        "disk-full",               "restart-pending-for-the-failing-package",
        "partial-service-listing", "repair-without-source", "healthy-with-trace-noise",
        "incomplete-evidence",     "winre-known-issue",     "past-failure-only",
        "feature-enable-fails",    "scan-fails-account-assistant-off",
        "cbs-applicability-checks-only", "update-blocker-policy",
        "refused-as-disabled",     "refused-as-disabled-then-started",
        "failure-without-restart-due", "failure-while-restart-due", "dotnet-msi-failure",
    };
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/judgement/%s.txt", scenarios[i]);
        char *path = wdt_source(rel), *text = wdt_read(path, NULL);
        cr_assert_not_null(text, "missing %s", rel);
        run_text_checked(text, rel, NULL);
        free(text);
        free(path);
    }
}

Test(report_rules, healthy_snapshot_has_no_current_findings)
{
    run_text_checked("service wuauserv | stopped | manual\n"
                     "service UsoSvc | running | auto\n"
                     "service BITS | stopped | manual\n"
                     "service CryptSvc | running | auto\n"
                     "service TrustedInstaller | stopped | manual\n"
                     "fact disk.system.free_bytes | 64000000000\n"
                     "fact reboot.pending.cbs | 0\n"
                     "activity install | succeeded | 0x0 | 2024-02-20T10:00:00Z | KB5034765 | "
                     "2024-02 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems "
                     "(KB5034765) | os-cumulative\n"
                     "verdict healthy\n",
                     "healthy", NULL);
}

Test(report_rules, managed_pc_is_told_to_contact_the_admin_not_to_reset_against_microsoft)
{
    run_text_checked(
        "fact policy.wu.WUServer | https://wsus.corp.example:8531\n"
        "fact policy.wu.UseWUServer | 1\n"
        "activity scan | failed | 0x80072F8F | 2024-02-20T10:00:00Z | - | - | unknown\n"
        "activity repair | failed | 0x800F081F | 2024-02-20T11:00:00Z | - | - | unknown\n"
        "expect tls-failure | error | activity:1 | check-tls-clock,check-wsus,contact-admin\n"
        "title tls-failure | (0x80072F8F)\n"
        "expect repair-source-missing | error | activity:2 | repair-image-source,contact-admin\n"
        "reject network-failure\n",
        "managed", NULL);
}

Test(report_rules, large_snapshot_is_judged_in_bounded_time)
{
    /* 40,000 distinct activities: 4,000 updates installed, 2,000 scans
     * failing with 40 codes and then succeeding */
    wdt_snapshot d;
    wdt_snapshot_open(&d);
    cr_assert_eq(wd_store_begin(d.s, "test", "/evidence"), 0);
    for (int i = 0; i < 20000; i++) {
        char t[32], title[96], kb[16];
        snprintf(t, sizeof t, "2024-02-%02dT%02d:%02d:%02dZ", 1 + i % 28, i % 24, i % 60,
                 i / 60 % 60);
        snprintf(kb, sizeof kb, "KB%d", 5000000 + i % 4000);
        snprintf(title, sizeof title, "Update %d for Windows (%s)", i % 4000, kb);
        wd_activity_rec a = {.operation = i % 2 ? WD_OP_INSTALL : WD_OP_SCAN,
                             .outcome = i % 2 ? WD_OUT_SUCCEEDED : WD_OUT_FAILED,
                             .has_code = 1,
                             .code = i % 2 ? 0 : 0x80244000u + (uint32_t)(i % 40),
                             .time = t,
                             .kb = i % 2 ? kb : NULL,
                             .title = i % 2 ? title : NULL,
                             .count = -1,
                             .where = {WD_LOC_LINE, "WindowsUpdate.log", (uint64_t)i + 1, NULL,
                                       0, 0}};
        cr_assert_eq(wd_store_add_activity(d.s, &a), 0, "%s", wd_error_last());
    }
    cr_assert_eq(wd_store_finish(d.s, &d.snap), 0, "%s", wd_error_last());
    clock_t start = clock();
    wd_report *r = NULL;
    wd_report_options o = {0};
    cr_assert_eq(wd_report_build(d.s, d.snap, &o, &r), 0, "%s", wd_error_last());
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    cr_log_info("judging 20000 activities: %.2f s", secs);
    cr_assert_lt(secs, 10.0, "took %.2f s", secs);
    wd_report_free(r);
    wdt_snapshot_close(&d);
}
