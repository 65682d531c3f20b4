/* snapshot_fixture.c - a snapshot from fixture record lines (the format of
 * tests/report/rules.c), stored through the real store API. */
#include "snapshot_fixture.h"
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t wdt_split(char *s, char **f)
{
    size_t n = 0;
    while (s && n < WDT_FIELDS) {
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
    for (size_t i = n; i < WDT_FIELDS; i++)
        f[i] = "";
    return n;
}

static const char *val(const char *s)
{
    return s && *s && strcmp(s, "-") ? s : NULL;
}

void wdt_snapshot_open(wdt_snapshot *d)
{
    memset(d, 0, sizeof *d);
    d->dir = wdt_tempdir();
    d->path = wdt_path(d->dir, "h.db");
    cr_assert_eq(wd_store_open(d->path, WD_STORE_CREATE, &d->s), 0, "%s", wd_error_last());
    snprintf(d->capture_time, sizeof d->capture_time, "2024-03-01T00:00:00Z");
}

void wdt_snapshot_close(wdt_snapshot *d)
{
    wd_store_close(d->s);
    wdt_rmtree(d->dir);
    free(d->dir);
    free(d->path);
}

static void add_past(wdt_snapshot *d, const char *verdict)
{
    int64_t id;
    cr_assert_eq(wd_store_begin(d->s, "test past", "/evidence"), 0, "%s", wd_error_last());
    cr_assert_eq(wd_store_set_machine(d->s, "PC-TEST"), 0);
    cr_assert_eq(wd_store_commit(d->s, &id), 0, "%s", wd_error_last());
    cr_assert_eq(wd_store_save_analysis(d->s, id, verdict, NULL, 0), 0, "%s", wd_error_last());
}

static void activity_extras(wd_activity_rec *r, char *kv, char guid[WD_GUID_MAX])
{
    for (char *p = strtok(kv, ";"); p; p = strtok(NULL, ";")) {
        char *eq = strchr(p, '=');
        cr_assert_not_null(eq, "activity extra without '=': %s", p);
        *eq++ = '\0';
        if (!strcmp(p, "service"))
            r->service = eq;
        else if (!strcmp(p, "target"))
            r->target = eq;
        else if (!strcmp(p, "count"))
            r->count = strtoll(eq, NULL, 10);
        else if (!strcmp(p, "package"))
            r->package = eq;
        else if (!strcmp(p, "session"))
            r->session = eq;
        else if (!strcmp(p, "update"))
            r->update_id = wd_update_id_normalize(eq, guid) ? guid : eq;
        else
            cr_assert_fail("unknown activity extra %s", p);
    }
}

static void add_activity(wdt_snapshot *d, char **f, uint64_t line)
{
    char guid[WD_GUID_MAX];
    wd_activity_rec r = {0};
    r.operation = wd_op_parse(f[0]);
    r.outcome = wd_outcome_parse(f[1]);
    cr_assert(r.operation != WD_OP_UNKNOWN || !strcmp(f[0], "unknown"), "bad operation %s", f[0]);
    cr_assert(r.outcome != WD_OUT_UNKNOWN || !strcmp(f[1], "unknown"), "bad outcome %s", f[1]);
    if (val(f[2])) {
        cr_assert_eq(wd_hresult_parse(f[2], &r.code), 0, "bad code %s", f[2]);
        r.has_code = 1;
    }
    r.time = val(f[3]);
    r.kb = val(f[4]);
    r.title = val(f[5]);
    r.product = wd_product_parse(val(f[6]));
    r.count = -1;
    r.where = (wd_evidence_loc){WD_LOC_LINE, "WindowsUpdate.log", line, NULL, 0, 0};
    if (val(f[7]))
        activity_extras(&r, f[7], guid);
    cr_assert_eq(wd_store_add_activity(d->s, &r), 0, "%s", wd_error_last());
}

/* "computer NAME | N | TIME": N System events (one a minute from TIME,
 * else from the capture time) that name the computer. */
static void add_computer(wdt_snapshot *d, char **f)
{
    static uint64_t rec = 1;
    long n = val(f[1]) ? strtol(f[1], NULL, 10) : 1;
    int64_t start = 0;
    if (!val(f[2]) || wd_time_parse(f[2], &start))
        wd_time_parse(d->capture_time, &start);
    for (long i = 0; i < n; i++) {
        char t[WD_TIME_MAX];
        wd_time_format(start + 60 * i, 0, t);
        wd_event_rec e = {"System", "EventLog", 6005, 4, rec++, t, f[0], NULL, 0, "System.evtx"};
        cr_assert_eq(wd_store_add_event(d->s, &e), 0, "%s", wd_error_last());
    }
}

int wdt_snapshot_keyword(const char *kind)
{
    static const char *const kinds[] = {"time", "service", "activity", "fact",
                                        "note", "computer", "past"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kind, kinds[i]))
            return 1;
    return 0;
}

/* Adds one record line; 0 when the keyword is not a record. */
static int add_line(wdt_snapshot *d, const char *kind, char **f, uint64_t lineno)
{
    if (!strcmp(kind, "service")) {
        wd_service_rec r = {
            f[0], NULL,          f[1], f[2], -1, val(f[3]) ? strtoll(f[3], NULL, 10) : -1,
            -1,   "services.csv"};
        cr_assert_eq(wd_store_add_service(d->s, &r), 0, "%s", wd_error_last());
    } else if (!strcmp(kind, "activity")) {
        add_activity(d, f, lineno);
    } else if (!strcmp(kind, "fact")) {
        wd_fact_rec r = {f[0], f[1], "facts.txt", val(f[2])};
        cr_assert_eq(wd_store_add_fact(d->s, &r), 0, "%s", wd_error_last());
    } else if (!strcmp(kind, "note")) {
        wd_note_rec r = {f[1], NULL, f[2], wd_note_kind_parse(f[0])};
        cr_assert_eq(wd_store_add_note(d->s, &r), 0, "%s", wd_error_last());
    } else if (!strcmp(kind, "computer")) {
        add_computer(d, f);
    } else {
        return 0;
    }
    return 1;
}

/* Walks the lines of text: pass 0 the past snapshots and the time, pass 1
 * the records. */
static void walk(wdt_snapshot *d, const char *text, int pass)
{
    char *copy = strdup(text), *save = NULL;
    uint64_t lineno = 0;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[WDT_FIELDS];
        char *sp = strchr(line, ' ');
        lineno++;
        if (line[0] == '#' || !sp)
            continue;
        *sp = '\0';
        wdt_split(sp + 1, f);
        if (pass == 0 && !strcmp(line, "past"))
            add_past(d, f[0]);
        else if (pass == 0 && !strcmp(line, "time"))
            snprintf(d->capture_time, sizeof d->capture_time, "%s", f[0]);
        else if (pass == 1)
            add_line(d, line, f, lineno);
    }
    free(copy);
}

void wdt_snapshot_load(wdt_snapshot *d, const char *text)
{
    walk(d, text, 0);
    cr_assert_eq(wd_store_begin(d->s, "wudiag diagnose --test", "/evidence"), 0, "%s",
                 wd_error_last());
    cr_assert_eq(wd_store_set_machine(d->s, "PC-TEST"), 0);
    walk(d, text, 1);
    wd_fact_rec t = {"capture.time", d->capture_time, "facts.txt", NULL};
    cr_assert_eq(wd_store_add_fact(d->s, &t), 0);
    cr_assert_eq(wd_store_finish(d->s, &d->snap), 0, "%s", wd_error_last());
}
