/* rules.c - the diagnosis rules: every rule of the knowledge base has a
 * fixture that must fire it (with the exact severity, evidence and fixes)
 * and one that must leave it quiet (tests/fixtures/rules/<rule>.fires and
 * .quiet), plus ranking, verdicts and advice on managed PCs.
 *
 * Fixture lines ("|" separates fields, "-" for an empty expectation):
 *   service NAME | STATE | START
 *   failure CODE | ORIGIN | OPERATION | TIME | KB | TITLE [| COMPONENT]
 *   event PROVIDER | ID | TIME | name=value;name=value
 *   fact KEY | VALUE
 *   past VERDICT | COLLECTED_AT   an earlier snapshot of the same machine
 *   time ISO              evidence time (default 2024-03-01T00:00:00Z)
 *   expect RULE | SEVERITY | EVIDENCE | FIXES
 *   title RULE | text the finding's title contains
 *   reject RULE */
#include "collector.h"
#include "rules_private.h"
#include "store.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIELDS 8

/* Splits "a | b | c" in place into trimmed fields; returns the count. */
static size_t split(char *s, char **f)
{
    size_t n = 0;
    while (s && n < FIELDS) {
        char *bar = strchr(s, '|');
        if (bar)
            *bar = '\0';
        while (*s == ' ')
            s++;
        size_t len = strlen(s);
        while (len && s[len - 1] == ' ')
            s[--len] = '\0';
        f[n++] = s;
        s = bar ? bar + 1 : NULL;
    }
    for (size_t i = n; i < FIELDS; i++)
        f[i] = "";
    return n;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static void *push(void *arr, size_t *n, size_t size)
{
    char *p = realloc(arr, (*n + 1) * size);
    cr_assert_not_null(p);
    memset(p + *n * size, 0, size);
    (*n)++;
    return p;
}

static void add_service(wd_model *m, char **f)
{
    m->services = push(m->services, &m->nservices, sizeof *m->services);
    wd_m_service *s = &m->services[m->nservices - 1];
    s->id = (int64_t)m->nservices;
    s->name = strdup(f[0]);
    s->state = strdup(f[1]);
    s->start_type = strdup(f[2]);
    s->pid = s->exit_code = s->service_exit_code = -1;
}

static void add_failure(wd_model *m, char **f)
{
    m->failures = push(m->failures, &m->nfailures, sizeof *m->failures);
    wd_m_failure *x = &m->failures[m->nfailures - 1];
    x->id = (int64_t)m->nfailures;
    cr_assert_eq(wd_hresult_parse(f[0], &x->hresult), 0, "bad code %s", f[0]);
    x->origin = dup_or_null(f[1]);
    x->operation = dup_or_null(f[2]);
    x->time = dup_or_null(f[3]);
    x->kb = dup_or_null(f[4]);
    x->title = dup_or_null(f[5]);
    x->component = dup_or_null(f[6]);
}

static void add_event(wd_model *m, char **f)
{
    m->events = push(m->events, &m->nevents, sizeof *m->events);
    wd_m_event *e = &m->events[m->nevents - 1];
    e->id = (int64_t)m->nevents;
    e->provider = strdup(f[0]);
    e->event_id = (uint32_t)strtoul(f[1], NULL, 10);
    e->time = dup_or_null(f[2]);
    e->channel = strdup("System");
    for (char *kv = strtok(f[3], ";"); kv; kv = strtok(NULL, ";")) {
        char *eq = strchr(kv, '=');
        cr_assert_not_null(eq, "event field without '=': %s", kv);
        *eq = '\0';
        e->fields = push(e->fields, &e->nfields, sizeof *e->fields);
        e->fields[e->nfields - 1].name = strdup(kv);
        e->fields[e->nfields - 1].value = strdup(eq + 1);
    }
}

static void add_past(wd_model *m, char **f)
{
    m->past = push(m->past, &m->npast, sizeof *m->past);
    wd_m_past *x = &m->past[m->npast - 1];
    x->id = (int64_t)m->npast;
    x->verdict = strdup(f[0]);
    x->collected_at = strdup(f[1]);
}

static void add_fact(wd_model *m, char **f)
{
    m->facts = push(m->facts, &m->nfacts, sizeof *m->facts);
    wd_m_fact *x = &m->facts[m->nfacts - 1];
    x->id = (int64_t)m->nfacts;
    x->key = strdup(f[0]);
    x->value = strdup(f[1]);
}

/* Builds a model from fixture text; expectation lines are left in *expect. */
static wd_model *build(const char *text, char **expect)
{
    wd_model *m = calloc(1, sizeof *m);
    cr_assert_not_null(m);
    m->evidence_time = strdup("2024-03-01T00:00:00Z");
    m->machine = strdup("PC-TEST");
    m->collected_at = strdup("2024-03-01T00:00:00Z");
    char *copy = strdup(text), *save = NULL;
    size_t elen = 0;
    *expect = calloc(1, strlen(text) + 1);
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[FIELDS];
        char *sp = strchr(line, ' ');
        if (line[0] == '#' || !sp)
            continue;
        *sp = '\0';
        if (!strcmp(line, "expect") || !strcmp(line, "reject") || !strcmp(line, "title")) {
            elen +=
                (size_t)snprintf(*expect + elen, strlen(text) + 1 - elen, "%s %s\n", line, sp + 1);
            continue;
        }
        split(sp + 1, f);
        if (!strcmp(line, "service"))
            add_service(m, f);
        else if (!strcmp(line, "failure"))
            add_failure(m, f);
        else if (!strcmp(line, "event"))
            add_event(m, f);
        else if (!strcmp(line, "fact"))
            add_fact(m, f);
        else if (!strcmp(line, "past"))
            add_past(m, f);
        else if (!strcmp(line, "time"))
            free(m->evidence_time), m->evidence_time = strdup(f[0]);
        else
            cr_assert_fail("unknown fixture line '%s'", line);
    }
    free(copy);
    return m;
}

static const wd_finding *find(const wd_model *m, const char *rule)
{
    for (size_t i = 0; i < m->nfindings; i++)
        if (!strcmp(m->findings[i].rule, rule))
            return &m->findings[i];
    return NULL;
}

/* "a,b,c" against a list of strings, in order. */
static void assert_list(char **got, size_t n, const char *want, const char *what, const char *name)
{
    char buf[1024] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "", got[i]);
    const char *w = strcmp(want, "-") ? want : "";
    cr_assert_str_eq(buf, w, "%s: %s: got '%s', want '%s'", name, what, buf, w);
}

static void check_expect(const wd_model *m, char *line, const char *name)
{
    char *f[FIELDS];
    char *sp = strchr(line, ' ');
    *sp = '\0';
    split(sp + 1, f);
    const wd_finding *x = find(m, f[0]);
    if (!strcmp(line, "reject")) {
        cr_assert_null(x, "%s: rule %s fired: %s", name, f[0], x ? x->title : "");
        return;
    }
    cr_assert_not_null(x, "%s: rule %s did not fire", name, f[0]);
    if (!strcmp(line, "title")) {
        cr_assert_not_null(strstr(x->title, f[1]), "%s: title '%s' lacks '%s'", name, x->title,
                           f[1]);
        return;
    }
    cr_assert_str_eq(x->severity, f[1], "%s: severity", name);
    assert_list(x->evidence, x->nevidence, f[2], "evidence", name);
    assert_list(x->fixes, x->nfixes, f[3], "fixes", name);
    cr_assert(x->explanation[0] && !strchr(x->title, '{') && !strchr(x->explanation, '{'),
              "%s: unfilled text: %s / %s", name, x->title, x->explanation);
}

/* Runs one fixture file and checks its expectations; returns how many. */
static int run_fixture(const wd_kb *kb, const char *rule, const char *ext)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/rules/%s.%s", rule, ext);
    char *path = wdt_source(rel);
    char *text = wdt_read(path, NULL);
    cr_assert_not_null(text, "rule %s has no fixture %s", rule, rel);
    char *expect;
    wd_model *m = build(text, &expect);
    cr_assert_eq(wd_rules_run(kb, m), 0, "%s", wd_error_last());
    int n = 0, want_rule = 0;
    char *save = NULL;
    for (char *l = strtok_r(expect, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        n++;
        want_rule |= strstr(l, rule) != NULL;
        check_expect(m, l, rel);
    }
    cr_assert(n > 0 && want_rule, "%s has no expectation about rule %s", rel, rule);
    wd_model_free(m);
    free(expect);
    free(text);
    free(path);
    return n;
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
    cr_assert_geq(wd_rules_count(kb->rules), 20);
    for (size_t i = 0; i < wd_rules_count(kb->rules); i++) {
        run_fixture(kb, kb->rules->rules[i].id, "fires");
        run_fixture(kb, kb->rules->rules[i].id, "quiet");
    }
    wd_kb_free(kb);
}

static wd_model *run_text(const wd_kb *kb, const char *text)
{
    char *expect;
    wd_model *m = build(text, &expect);
    free(expect);
    cr_assert_eq(wd_rules_run(kb, m), 0, "%s", wd_error_last());
    return m;
}

Test(report_rules, healthy_snapshot_has_no_findings)
{
    wd_kb *kb = kb_or_fail();
    wd_model *m = run_text(kb, "service wuauserv | stopped | manual\n"
                               "service UsoSvc | running | auto\n"
                               "service BITS | stopped | manual\n"
                               "service CryptSvc | running | auto\n"
                               "service TrustedInstaller | stopped | manual\n"
                               "fact disk.system.free_bytes | 64000000000\n"
                               "fact reboot.pending.cbs | 0\n"
                               "event Microsoft-Windows-WindowsUpdateClient | 19 | "
                               "2024-02-20T10:00:00Z | updateTitle=2024-02 Update (KB5034765)\n");
    cr_assert_eq(m->nfindings, 0, "first: %s", m->nfindings ? m->findings[0].title : "");
    cr_assert_str_eq(m->verdict, "healthy");
    wd_model_free(m);
    wd_kb_free(kb);
}

Test(report_rules, findings_are_ranked_most_severe_first_and_set_the_verdict)
{
    wd_kb *kb = kb_or_fail();
    wd_model *m = run_text(kb, "fact reboot.pending.file_rename | 1\n"
                               "fact disk.system.free_bytes | 15000000000\n"
                               "service wuauserv | stopped | disabled\n"
                               "failure 0x80070422 | event | install | 2024-02-20T10:00:00Z"
                               " | KB5034765 | 2024-02 Cumulative Update (KB5034765)\n");
    cr_assert_geq(m->nfindings, 4);
    cr_assert_str_eq(m->findings[0].rule, "service-disabled");
    cr_assert_str_eq(m->findings[0].severity, "critical");
    cr_assert_str_eq(m->findings[m->nfindings - 1].severity, "info");
    for (size_t i = 1; i < m->nfindings; i++)
        cr_assert_geq(wd_rules_severity_rank(m->findings[i - 1].severity),
                      wd_rules_severity_rank(m->findings[i].severity));
    cr_assert_str_eq(m->verdict, "failing");
    wd_model_free(m);
    m = run_text(kb, "fact disk.system.free_bytes | 15000000000\n");
    cr_assert_str_eq(m->verdict, "warning");
    wd_model_free(m);
    wd_kb_free(kb);
}

Test(report_rules, every_install_failure_event_leads_to_a_finding)
{
    wd_kb *kb = kb_or_fail();
    wd_model *m =
        run_text(kb, "failure 0x80248007 | event | install | 2017-07-23T07:25:41Z | KB4025342 | "
                     "2017-07 Cumulative Update for Windows 10 Version 1703 (KB4025342)\n"
                     "failure 0x80246013 | event | install | 2017-07-24T07:25:41Z | KB4022716 | "
                     "2017-06 Cumulative Update for Windows 10 Version 1703 (KB4022716)\n"
                     "failure 0x80070643 | history | install | 2017-07-25T07:25:41Z | KB890830 | "
                     "Windows Malicious Software Removal Tool (KB890830)\n"
                     "time 2017-07-26T00:00:00Z\n");
    for (size_t i = 0; i < m->nfailures; i++) {
        char ref[32];
        int found = 0;
        snprintf(ref, sizeof ref, "failure:%lld", (long long)m->failures[i].id);
        for (size_t j = 0; j < m->nfindings; j++)
            for (size_t k = 0; k < m->findings[j].nevidence; k++)
                found |= !strcmp(m->findings[j].evidence[k], ref);
        cr_assert(found, "no finding cites %s", ref);
    }
    cr_assert_str_eq(m->verdict, "failing");
    wd_model_free(m);
    wd_kb_free(kb);
}

Test(report_rules, managed_pc_is_told_to_contact_the_admin_not_to_reset_against_microsoft)
{
    wd_kb *kb = kb_or_fail();
    wd_model *m = run_text(kb, "fact policy.wu.WUServer | https://wsus.corp.example:8531\n"
                               "fact policy.wu.UseWUServer | 1\n"
                               "failure 0x80072F8F | event | scan | 2024-02-20T10:00:00Z | |\n"
                               "failure 0x800F081F | DISM.log | servicing | "
                               "2024-02-20T11:00:00Z | |\n");
    const wd_finding *tls = find(m, "tls-failure");
    cr_assert_not_null(tls);
    /* check-network (Microsoft endpoints) becomes check-wsus, plus contact-admin */
    assert_list(tls->fixes, tls->nfixes, "check-tls-clock,check-wsus,contact-admin", "fixes",
                "tls");
    const wd_finding *src = find(m, "repair-source-missing");
    cr_assert_not_null(src);
    assert_list(src->fixes, src->nfixes, "repair-image,contact-admin", "fixes", "source");
    cr_assert_null(find(m, "network-failure"));
    cr_assert_not_null(strstr(tls->explanation, "managed by policy from "
                                                "https://wsus.corp.example:8531"),
                       "%s", tls->explanation);
    for (size_t i = 0; i < m->nfindings; i++)
        for (size_t k = 0; k < m->findings[i].nfixes; k++)
            cr_assert_str_neq(m->findings[i].fixes[k], "in-place-upgrade");
    wd_model_free(m);
    wd_kb_free(kb);
}

Test(report_rules, wsus_server_named_only_in_windowsupdate_log_counts_as_managed)
{
    wd_kb *kb = kb_or_fail();
    wd_model *m = run_text(kb, "fact wu.wsus_server | http://wsus01:8530\n"
                               "failure 0x80072EFD | WindowsUpdate.log | scan | "
                               "2024-02-20T10:00:00Z | |\n");
    const wd_finding *f = find(m, "wsus-unreachable");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->title, "The WSUS server http://wsus01:8530 cannot be reached (0x80072EFD)");
    assert_list(f->evidence, f->nevidence, "failure:1,fact:1", "evidence", "wsus");
    cr_assert_null(find(m, "network-failure"));
    wd_model_free(m);
    wd_kb_free(kb);
}

Test(report_rules, repeated_failure_escalates_severity_and_advice_with_the_count)
{
    wd_kb *kb = kb_or_fail();
    const char *line = "failure 0x8024200B | event | install | 2024-02-%02dT10:00:00Z | "
                       "KB5034765 | 2024-02 Cumulative Update (KB5034765)\n";
    char text[4096] = "";
    size_t counts[] = {2, 3, 5}, nfix[3];
    const char *sev[] = {"error", "critical", "critical"};
    for (size_t c = 0; c < 3; c++) {
        text[0] = '\0';
        for (size_t i = 0; i < counts[c]; i++)
            snprintf(text + strlen(text), sizeof text - strlen(text), line, (int)i + 1);
        wd_model *m = run_text(kb, text);
        const wd_finding *f = find(m, "install-failing-repeatedly");
        cr_assert_not_null(f);
        cr_assert_str_eq(f->severity, sev[c]);
        nfix[c] = f->nfixes;
        if (counts[c] == 5)
            cr_assert_str_eq(f->fixes[f->nfixes - 1], "in-place-upgrade");
        wd_model_free(m);
    }
    cr_assert(nfix[0] < nfix[1] && nfix[1] < nfix[2], "%zu %zu %zu", nfix[0], nfix[1], nfix[2]);
    wd_kb_free(kb);
}

Test(report_rules, large_snapshot_is_analysed_in_bounded_time)
{
    /* 20000 log failures and 6000 update-client events (a busy year) */
    wd_kb *kb = kb_or_fail();
    wd_model *m = calloc(1, sizeof *m);
    m->evidence_time = strdup("2024-03-01T00:00:00Z");
    for (int i = 0; i < 20000; i++) {
        char code[16], t[32];
        char *f[FIELDS] = {code, "WindowsUpdate.log", "scan", t, "", "", "", ""};
        snprintf(code, sizeof code, "0x8024%04X", 0x4000 + i % 40);
        snprintf(t, sizeof t, "2024-02-%02dT%02d:%02d:00Z", 1 + i % 28, i % 24, i % 60);
        add_failure(m, f);
    }
    for (int i = 0; i < 3000; i++) {
        char t[32], fields[128];
        snprintf(t, sizeof t, "2024-01-%02dT%02d:00:00Z", 1 + i % 28, i % 24);
        snprintf(fields, sizeof fields, "updateTitle=Update %d (KB%d);updateGuid={%08d}", i,
                 5000000 + i, i);
        char *f44[FIELDS] = {
            "Microsoft-Windows-WindowsUpdateClient", "44", t, fields, "", "", "", ""};
        add_event(m, f44);
        snprintf(fields, sizeof fields, "updateTitle=Update %d (KB%d);updateGuid={%08d}", i,
                 5000000 + i, i);
        char *f19[FIELDS] = {
            "Microsoft-Windows-WindowsUpdateClient", "19", t, fields, "", "", "", ""};
        add_event(m, f19);
    }
    clock_t start = clock();
    cr_assert_eq(wd_rules_run(kb, m), 0, "%s", wd_error_last());
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    cr_assert_lt(secs, 5.0, "took %.2f s", secs);
    cr_log_info("rules over 26000 rows: %.2f s", secs);
    cr_assert_null(find(m, "download-stuck"));
    const wd_finding *scan = find(m, "scan-failing");
    cr_assert_not_null(scan);
    cr_assert_leq(scan->nevidence, 200);
    wd_model_free(m);
    wd_kb_free(kb);
}

/* ------------------------------------------------ the real example bundle */

static int put_service(void *s, const wd_service_rec *r)
{
    return wd_store_add_service(s, r);
}
static int put_event(void *s, const wd_event_rec *r)
{
    return wd_store_add_event(s, r);
}
static int put_failure(void *s, const wd_failure_rec *r)
{
    return wd_store_add_failure(s, r);
}
static int put_fact(void *s, const wd_fact_rec *r)
{
    return wd_store_add_fact(s, r);
}

Test(report_rules, example_bundle_gets_the_findings_a_support_engineer_expects)
{
    /* examples/desktop-2kgm189: the real Windows 10 1703 System.evtx
     * (KB4025342 failing four times with 0x80248007, KB890830 once with
     * 0x80246013) and a service listing with TrustedInstaller on Automatic */
    char *dir = wdt_tempdir(), *db = wdt_path(dir, "h.db");
    char *bundle = wdt_source("examples/desktop-2kgm189");
    wd_store *s = NULL;
    cr_assert_eq(wd_store_open(db, WD_STORE_CREATE, &s), 0, "%s", wd_error_last());
    cr_assert_eq(wd_store_begin(s, "test", bundle), 0, "%s", wd_error_last());
    wd_sink sink = {s, put_service, put_event, put_failure, put_fact, NULL, NULL, NULL};
    cr_assert_eq(wd_collect_evidence(bundle, &sink), 0, "%s", wd_error_last());
    int64_t snap;
    cr_assert_eq(wd_store_commit(s, &snap), 0, "%s", wd_error_last());
    wd_model *m = NULL;
    cr_assert_eq(wd_model_load(s, snap, &m), 0, "%s", wd_error_last());
    wd_kb *kb = kb_or_fail();
    cr_assert_eq(wd_rules_run(kb, m), 0, "%s", wd_error_last());

    cr_assert_str_eq(m->verdict, "failing");
    cr_assert_eq(m->nfindings, 3, "%zu findings, first %s", m->nfindings,
                 m->nfindings ? m->findings[0].title : "");
    const wd_finding *f = &m->findings[0];
    cr_assert_str_eq(f->rule, "install-failing-repeatedly");
    cr_assert_str_eq(f->severity, "critical");
    cr_assert_str_eq(f->title, "KB4025342 failed to install 4 times with 0x80248007 "
                               "(WU_E_DS_NODATA)");
    cr_assert_eq(f->nevidence, 8); /* four failures and the four events 20 they came from */
    assert_list(f->fixes, f->nfixes,
                "restart-services,troubleshooter,reset-components,repair-image,sfc-scan", "fixes",
                "KB4025342");
    f = &m->findings[1];
    cr_assert_str_eq(f->rule, "install-failed");
    cr_assert_str_eq(f->title, "KB890830 failed to install with 0x80246013 "
                               "(WU_E_DM_UPDATEREMOVED)");
    assert_list(f->fixes, f->nfixes, "restart-services,troubleshooter,reset-components", "fixes",
                "KB890830");
    cr_assert_str_eq(m->findings[2].rule, "servicing-waits-for-restart");
    cr_assert_str_eq(m->findings[2].severity, "info");

    wd_kb_free(kb);
    wd_model_free(m);
    wd_store_close(s);
    wdt_rmtree(dir);
    free(dir), free(db), free(bundle);
}
