/* plan.c - the plan of `wudiag fix` for each kind of finding, from fixtures
 * (tests/fixtures/plans/<case>.txt): a snapshot of record lines is judged by
 * the real report, and the plan built from it must carry out exactly the
 * steps expected, in order, with the services and start types expected, and
 * leave the others with the status expected (refused on a managed PC, after
 * a restart, already failed, by hand).
 *
 * Besides the record lines (tests/support/snapshot_fixture.h):
 *   plan FIX[ SVC=START,...] | FIX ...   the steps carried out, in order ("-": none)
 *   status FIX | STATUS                  a step not carried out, and why
 *   reason FIX | TEXT                    a reason of that step contains TEXT
 *   manual FIX                           a finding's first fix, done by hand
 *   managed 0|1                          whether the PC is managed
 *   only FIX                             the plan of --step FIX
 *   refuse-only FIX                      --step FIX is refused (not called for)
 *   kb FIX | LINE                        a knowledge base whose fix FIX has LINE */
#include "fix.h"
#include "snapshot_fixture.h"
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of the first "key ..." line (in a buffer of its own), or NULL. */
static char *line_of(const char *text, const char *key, char *buf, size_t n)
{
    size_t k = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (!strncmp(p, key, k) && p[k] == ' ') {
            size_t len = strcspn(p + k + 1, "\n");
            snprintf(buf, n, "%.*s", (int)len, p + k + 1);
            return buf;
        }
    }
    return NULL;
}

/* A knowledge base folder whose fixes.txt adds `line` to fix `fix`. */
static char *test_kb(const char *dir, const char *spec)
{
    char copy[256], *f[WDT_FIELDS];
    snprintf(copy, sizeof copy, "%s", spec);
    wdt_split(copy, f);
    char *src = wdt_source("report/kb/fixes.txt");
    char *text = wdt_read(src, NULL);
    cr_assert_not_null(text, "cannot read %s", src);
    char head[128];
    snprintf(head, sizeof head, "\nfix %s\n", f[0]);
    char *at = strstr(text, head);
    cr_assert_not_null(at, "fixes.txt has no fix %s", f[0]);
    at += strlen(head);
    wd_buf out = WD_BUF_INIT;
    wd_buf_append(&out, text, (size_t)(at - text));
    wd_buf_printf(&out, "%s\n%s", f[1], at);
    char *kb = wdt_path(dir, "kb");
    char *path = wdt_path(kb, "fixes.txt");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", kb);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(wdt_write(path, out.data, out.len), 0);
    wd_buf_free(&out);
    free(text), free(src), free(path);
    return kb;
}

/* "enable-service wuauserv=manual | restart-services" of the plan. */
static void plan_line(const wd_fix_plan *p, wd_buf *out)
{
    for (size_t i = 0; i < p->n; i++) {
        const wd_fix_step *s = &p->steps[i];
        if (s->status != WD_FIXS_DO)
            continue;
        wd_buf_printf(out, "%s%s", out->len ? " | " : "", s->fix);
        for (size_t k = 0; k < s->nservices; k++)
            wd_buf_printf(out, "%s%s=%s", k ? "," : " ", s->services[k], s->defaults[k]);
    }
    if (!out->len)
        wd_buf_puts(out, "-");
}

static const wd_fix_step *step_of(const wd_fix_plan *p, const char *fix)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->steps[i].fix, fix))
            return &p->steps[i];
    return NULL;
}

static void check_line(const wd_fix_plan *p, const wd_report *r, const char *kw, char **f,
                       const char *name)
{
    if (!strcmp(kw, "status")) {
        const wd_fix_step *s = step_of(p, f[0]);
        cr_assert_not_null(s, "%s: no step %s", name, f[0]);
        cr_assert_str_eq(wd_fix_status_name(s->status), f[1], "%s: %s is %s (%s)", name, f[0],
                         wd_fix_status_name(s->status), s->why ? s->why : "");
        cr_assert(s->status == WD_FIXS_DO || (s->why && *s->why), "%s: %s says no why", name, f[0]);
    } else if (!strcmp(kw, "reason")) {
        const wd_fix_step *s = step_of(p, f[0]);
        int found = 0;
        for (size_t i = 0; s && i < s->nreasons; i++)
            found |= strstr(s->reasons[i], f[1]) != NULL;
        cr_assert(found, "%s: no reason of %s says '%s'", name, f[0], f[1]);
    } else if (!strcmp(kw, "manual")) {
        int found = 0;
        for (size_t i = 0; i < p->nmanual; i++)
            found |= !strcmp(p->manual[i].fix, f[0]);
        cr_assert(found, "%s: %s is not among the fixes done by hand", name, f[0]);
    } else if (!strcmp(kw, "managed")) {
        cr_assert_eq(p->managed, atoi(f[0]), "%s: managed is %d", name, p->managed);
    } else if (!strcmp(kw, "refuse-only")) {
        wd_fix_plan *q = NULL;
        cr_assert_eq(wd_fix_plan_build(r, f[0], &q), WD_EUSAGE, "%s: --step %s was not refused",
                     name, f[0]);
        cr_assert_null(q);
        cr_assert_not_null(strstr(wd_error_last(), "calls for"), "%s: %s", name, wd_error_last());
    }
}

static void check_all(const wd_fix_plan *p, const wd_report *r, const char *text, const char *name)
{
    char *copy = strdup(text), *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *f[WDT_FIELDS], *sp = strchr(l, ' ');
        if (l[0] == '#' || !sp)
            continue;
        *sp = '\0';
        wdt_split(sp + 1, f);
        check_line(p, r, l, f, name);
    }
    free(copy);
}

/* Judges one fixture and checks its plan; returns the number of DO steps. */
static void run_case(const char *name, const char *text)
{
    wdt_snapshot d;
    char want[512], only[64], spec[256];
    char *kb = NULL;
    wdt_snapshot_open(&d);
    wdt_snapshot_load(&d, text);
    if (line_of(text, "kb", spec, sizeof spec))
        kb = test_kb(d.dir, spec);
    wd_report_options o = {0};
    o.kb_dir = kb;
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(d.s, d.snap, &o, &r), 0, "%s: %s", name, wd_error_last());
    wd_fix_plan *p = NULL;
    const char *o_only = line_of(text, "only", only, sizeof only);
    cr_assert_eq(wd_fix_plan_build(r, o_only, &p), 0, "%s: %s", name, wd_error_last());
    wd_buf got = WD_BUF_INIT, txt = WD_BUF_INIT;
    plan_line(p, &got);
    cr_assert_not_null(line_of(text, "plan", want, sizeof want), "%s: no plan line", name);
    cr_assert_str_eq(wd_buf_cstr(&got), want, "%s: plan '%s', want '%s'", name, wd_buf_cstr(&got),
                     want);
    check_all(p, r, text, name);
    wd_fix_plan_text(p, &txt); /* every plan prints, whatever it holds */
    cr_assert(wd_buf_ok(&txt) && strstr(wd_buf_cstr(&txt), "Plan from the diagnosis"), "%s", name);
    if (p->managed)
        cr_assert_not_null(strstr(wd_buf_cstr(&txt), "leaves the policy"), "%s", name);
    wd_buf_free(&got), wd_buf_free(&txt);
    wd_fix_plan_free(p);
    wd_report_free(r);
    free(kb);
    wdt_snapshot_close(&d);
}

Test(fix_plan, every_fixture_gives_its_plan)
{
    char *dir = wdt_source("tests/fixtures/plans");
    DIR *dh = opendir(dir);
    cr_assert_not_null(dh, "no %s", dir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dh));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt"))
            continue;
        char *path = wdt_path(dir, e->d_name);
        char *text = wdt_read(path, NULL);
        cr_assert_not_null(text, "cannot read %s", path);
        run_case(e->d_name, text);
        free(text), free(path);
        n++;
    }
    closedir(dh);
    free(dir);
    cr_assert_geq(n, 23, "only %zu plan fixtures", n);
}

/* Every fix fixes.txt marks automatable is one wudiag knows how to carry
 * out, and only those four are. */
Test(fix_plan, the_automatable_fixes_are_the_four_wudiag_carries_out)
{
    static const char *const fixes[] = {"restart-services", "enable-service", "reset-components",
                                        "restart-pending",  "troubleshooter", "repair-image",
                                        "check-network",    "contact-admin"};
    wdt_snapshot d;
    wdt_snapshot_open(&d);
    wdt_snapshot_load(&d, "service wuauserv | stopped | manual\n");
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(d.s, d.snap, NULL, &r), 0, "%s", wd_error_last());
    for (size_t i = 0; i < sizeof fixes / sizeof fixes[0]; i++) {
        wd_report_fix info;
        cr_assert_eq(wd_report_fix_find(r, fixes[i], &info), 0);
        if (i < 4) {
            cr_assert_str_eq(info.action, fixes[i]);
            cr_assert_eq(wd_fix_kind_parse(info.action), (int)i);
        } else {
            cr_assert_null(info.action, "%s is marked automatable", fixes[i]);
        }
    }
    wd_report_fix info;
    cr_assert_eq(wd_report_fix_find(r, "enable-service", &info), 0);
    cr_assert(info.action_unmanaged, "enable-service must be refused on a managed PC");
    cr_assert_eq(wd_report_fix_find(r, "no-such-fix", &info), WD_ENOTFOUND);
    wd_report_free(r);
    wdt_snapshot_close(&d);
}

/* A plan whose steps wait for a restart says so in its text, with why. */
Test(fix_plan, text_lists_what_is_not_carried_out_and_why)
{
    wdt_snapshot d;
    wdt_snapshot_open(&d);
    wdt_snapshot_load(&d, "fact reboot.pending.cbs | 1\n"
                          "service wuauserv | stopped | disabled\n");
    wd_report *r = NULL;
    wd_fix_plan *p = NULL;
    wd_buf t = WD_BUF_INIT;
    cr_assert_eq(wd_report_build(d.s, d.snap, NULL, &r), 0, "%s", wd_error_last());
    cr_assert_eq(wd_fix_plan_build(r, NULL, &p), 0, "%s", wd_error_last());
    wd_fix_plan_text(p, &t);
    cr_assert_eq(wd_fix_plan_todo(p), 1, "%s", wd_buf_cstr(&t));
    cr_assert_str_eq(p->steps[0].fix, "restart-pending", "%s", wd_buf_cstr(&t));
    cr_assert_not_null(strstr(wd_buf_cstr(&t), "enable-service (after-restart)"), "%s",
                       wd_buf_cstr(&t));
    wd_buf_free(&t);
    wd_fix_plan_free(p);
    wd_report_free(r);
    wdt_snapshot_close(&d);
}

/* "auto ACTION [unmanaged]" is all fixes.txt may say: anything else is
 * refused when the knowledge base loads, naming the file and line. */
Test(fix_plan, a_malformed_auto_line_is_refused_with_its_line)
{
    wdt_snapshot d;
    wdt_snapshot_open(&d);
    wdt_snapshot_load(&d, "service wuauserv | stopped | manual\n");
    char *kb = test_kb(d.dir, "restart-services | auto restart-services sometimes");
    wd_report_options o = {0};
    o.kb_dir = kb;
    wd_report *r = NULL;
    cr_assert_eq(wd_report_build(d.s, d.snap, &o, &r), WD_EFORMAT);
    cr_assert_null(r);
    cr_assert_not_null(strstr(wd_error_last(), "fixes.txt line "), "%s", wd_error_last());
    cr_assert_not_null(strstr(wd_error_last(), "auto ACTION unmanaged"), "%s", wd_error_last());
    free(kb);
    /* auto-covered may name only fixes wudiag carries out */
    char *sub = wdt_path(d.dir, "second");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", sub);
    cr_assert_eq(system(cmd), 0);
    kb = test_kb(sub, "clean-boot | auto-covered repair-image");
    o.kb_dir = kb;
    cr_assert_eq(wd_report_build(d.s, d.snap, &o, &r), WD_EFORMAT);
    cr_assert_not_null(strstr(wd_error_last(), "auto-covered names repair-image"), "%s",
                       wd_error_last());
    free(kb), free(sub);
    wdt_snapshot_close(&d);
}
