/* history.c - `wudiag history`: the snapshots of one machine (or all) from
 * the store, reduced to figures first (per machine: its verdict streak,
 * failures per week by code, service state changes, verdicts over time),
 * then written as a text table, as XML (urn:wudiag:history:1) or as HTML
 * through templates/history.xsl. Machines are never mixed: every figure is
 * one machine's. */
#include "emit.h"

#include <libxml/tree.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WD_HISTORY_NS "urn:wudiag:history:1"

/* ================================================================ figures */

typedef struct h_svc {
    const wd_update_service *t;
    char *state, *start_type;
} h_svc;

typedef struct h_snap {
    int64_t id, failures, findings, events;
    char *machine, *collected_at, *evidence_time, *verdict;
    size_t mi;   /* its machine's index in hist.machines */
    h_svc *svcs; /* one per update service; NULL strings when not listed */
} h_snap;

typedef struct h_fail {
    char week[11];
    uint32_t code;
    size_t mi;
    int64_t n; /* failures the row stands for (its repeats counted) */
    char *key; /* machine, time, code, subject and place in the evidence: a
                  failure seen by several snapshots counts once */
} h_fail;

/* One machine's figures: its snapshots in time order and how the latest
 * verdict has lasted. */
typedef struct h_machine {
    size_t first, last; /* indexes of its first and last snapshot */
    size_t count;
    size_t streak;       /* latest snapshots in a row with the latest verdict */
    size_t streak_start; /* index of the first of them */
} h_machine;

typedef struct hist {
    h_snap *snaps;
    size_t nsnaps, cap;
    h_fail *fails;
    size_t nfails, fcap;
    h_machine *machines;
    size_t nmachines;
    size_t nsvc;
    h_snap *cur;
    int oom;
} hist;

static char *dupe(hist *h, const char *s)
{
    char *p = s ? wd_strdup(s) : NULL;
    if (s && !p)
        h->oom = 1;
    return p;
}

static int on_snapshot(void *ctx, const wd_snapshot_info *i)
{
    hist *h = ctx;
    h_snap *s = wd_array_grow(&h->snaps, &h->nsnaps, &h->cap, sizeof *s);
    if (!s)
        return wd_error_set(WD_ENOMEM, "out of memory reading the history");
    *s = (h_snap){
        .id = i->id, .failures = i->failures, .findings = i->findings, .events = i->events};
    s->machine = dupe(h, i->machine ? i->machine : "unknown");
    s->collected_at = dupe(h, i->collected_at);
    s->evidence_time = dupe(h, i->evidence_time);
    s->verdict = dupe(h, i->verdict);
    s->svcs = calloc(h->nsvc, sizeof *s->svcs);
    if (!s->svcs)
        h->oom = 1;
    return h->oom ? wd_error_set(WD_ENOMEM, "out of memory reading the history") : WD_OK;
}

static int on_service(void *ctx, int64_t row, const wd_service_rec *r)
{
    hist *h = ctx;
    (void)row;
    const wd_update_service *t = wd_update_service_find(r->name);
    if (!t)
        return WD_OK;
    h_svc *v = &h->cur->svcs[t - wd_update_services(&h->nsvc)];
    if (v->state) /* first listing wins, as in the report */
        return WD_OK;
    v->t = t;
    v->state = dupe(h, r->state ? r->state : "unknown");
    v->start_type = dupe(h, r->start_type ? r->start_type : "unknown");
    return h->oom ? WD_ENOMEM : WD_OK;
}

/* The Monday of the week of an ISO time, "YYYY-MM-DD". */
static int week_of(const char *time, char out[11])
{
    int64_t secs;
    char iso[WD_TIME_MAX];
    if (!time || wd_time_parse(time, &secs))
        return WD_EFORMAT;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t monday = days - ((days % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
    wd_time_format(monday * 86400, 0, iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
    return WD_OK;
}

static int push_failure(hist *h, const h_fail *f)
{
    h_fail *slot = wd_array_grow(&h->fails, &h->nfails, &h->fcap, sizeof *slot);
    if (!slot)
        return WD_ENOMEM;
    *slot = *f;
    return WD_OK;
}

/* A failed activity of the current snapshot, in the week of its time. */
static int on_failed(void *ctx, const wd_activity_row *a)
{
    hist *h = ctx;
    h_fail f = {.code = a->rec.code, .mi = h->cur->mi, .n = 1 + a->repeats};
    wd_buf key = WD_BUF_INIT;
    if (!a->rec.has_code || week_of(a->rec.time, f.week))
        return WD_OK; /* a failure without a code or a time has no bar */
    const wd_evidence_loc *w = &a->rec.where;
    wd_buf_printf(&key, "%s|%s|%08X|%s|%s|%llu|%s|%llu|%s", h->cur->machine, a->rec.time,
                  a->rec.code, a->subject ? a->subject : a->rec.title ? a->rec.title : "",
                  w->source ? w->source : "", (unsigned long long)w->line,
                  w->channel ? w->channel : "", (unsigned long long)w->record_id,
                  a->rec.session ? a->rec.session : "");
    f.key = wd_buf_ok(&key) ? wd_buf_detach(&key) : NULL;
    wd_buf_free(&key);
    if (!f.key || push_failure(h, &f)) {
        free(f.key);
        return wd_error_set(WD_ENOMEM, "out of memory reading the history");
    }
    return WD_OK;
}

static int fail_cmp(const void *a, const void *b)
{
    const h_fail *x = a, *y = b;
    if (x->mi != y->mi)
        return x->mi < y->mi ? -1 : 1;
    int c = strcmp(x->week, y->week);
    if (c)
        return c;
    if (x->code != y->code)
        return x->code < y->code ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Groups the snapshots by machine (in order of first appearance) and finds
 * each machine's verdict streak. */
static int index_machines(hist *h)
{
    h->machines = calloc(h->nsnaps ? h->nsnaps : 1, sizeof *h->machines);
    if (!h->machines)
        return wd_error_set(WD_ENOMEM, "out of memory reading the history");
    for (size_t i = 0; i < h->nsnaps; i++) {
        size_t m = 0;
        while (m < h->nmachines &&
               !wd_strcaseeq(h->snaps[h->machines[m].first].machine, h->snaps[i].machine))
            m++;
        if (m == h->nmachines)
            h->machines[h->nmachines++].first = i;
        h->snaps[i].mi = m;
        h->machines[m].last = i;
        h->machines[m].count++;
    }
    for (size_t m = 0; m < h->nmachines; m++) {
        h_machine *hm = &h->machines[m];
        const char *v = h->snaps[hm->last].verdict;
        for (size_t i = hm->last + 1; i-- > 0;) {
            if (h->snaps[i].mi != m)
                continue;
            const char *w = h->snaps[i].verdict;
            if (!(v ? w && !strcmp(v, w) : !w))
                break;
            hm->streak++;
            hm->streak_start = i;
        }
    }
    return WD_OK;
}

/* Lists the snapshots; with detail, also each one's services and failed
 * activities (what the charts need; the text table needs only the list). */
static int load_history(wd_store *s, const char *machine, const char *since, int detail, hist *h)
{
    wd_activity_query failed = {.order = WD_ORDER_TIME, .outcomes = 1u << WD_OUT_FAILED};
    wd_update_services(&h->nsvc);
    int rc = wd_store_list(s, machine, since, on_snapshot, h);
    if (!rc)
        rc = index_machines(h);
    for (size_t i = 0; detail && !rc && i < h->nsnaps; i++) {
        h->cur = &h->snaps[i];
        rc = wd_store_services(s, h->cur->id, on_service, h);
        if (!rc)
            rc = wd_store_activities(s, h->cur->id, &failed, on_failed, h);
    }
    if (!rc && h->oom)
        rc = wd_error_set(WD_ENOMEM, "out of memory reading the history");
    if (!rc && h->nfails)
        qsort(h->fails, h->nfails, sizeof *h->fails, fail_cmp);
    return rc;
}

static void hist_free(hist *h)
{
    for (size_t i = 0; i < h->nsnaps; i++) {
        h_snap *s = &h->snaps[i];
        free(s->machine), free(s->collected_at), free(s->evidence_time), free(s->verdict);
        for (size_t j = 0; s->svcs && j < h->nsvc; j++)
            free(s->svcs[j].state), free(s->svcs[j].start_type);
        free(s->svcs);
    }
    free(h->snaps);
    for (size_t i = 0; i < h->nfails; i++)
        free(h->fails[i].key);
    free(h->fails);
    free(h->machines);
}

/* --redact: machine names become MACHINE-n in order of appearance. */
static int redact_machines(hist *h)
{
    for (size_t i = 0; i < h->nsnaps; i++) {
        char name[32];
        snprintf(name, sizeof name, "MACHINE-%zu", h->snaps[i].mi + 1);
        char *copy = wd_strdup(name);
        if (!copy)
            return WD_ENOMEM;
        free(h->snaps[i].machine);
        h->snaps[i].machine = copy;
    }
    return WD_OK;
}

/* ================================================================ writing */

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* "failing for 3 snapshots in a row, since 2024-03-01T10:00:00Z" */
static void streak_text(const hist *h, const h_machine *m, wd_buf *out)
{
    const h_snap *last = &h->snaps[m->last];
    wd_buf_printf(out, "%s", last->verdict ? last->verdict : "not analysed");
    if (m->streak > 1)
        wd_buf_printf(out, " for %zu snapshots in a row, since %s", m->streak,
                      nz(h->snaps[m->streak_start].collected_at));
}

/* One section per machine: its streak, then its snapshots. */
static int text_table(const hist *h, wd_buf *out)
{
    for (size_t m = 0; m < h->nmachines; m++) {
        const h_machine *hm = &h->machines[m];
        wd_buf_printf(out, "%smachine %s: %zu snapshot%s, latest ", m ? "\n" : "",
                      h->snaps[hm->first].machine, hm->count, hm->count == 1 ? "" : "s");
        streak_text(h, hm, out);
        wd_buf_printf(out, "\n%-6s %-28s %-8s %8s %8s\n", "ID", "TIME", "VERDICT", "FAILURES",
                      "FINDINGS");
        for (size_t i = hm->first; i <= hm->last; i++) {
            const h_snap *s = &h->snaps[i];
            if (s->mi != m)
                continue;
            wd_buf_printf(out, "%-6lld %-28s %-8s %8lld %8lld\n", (long long)s->id,
                          nz(s->collected_at), s->verdict ? s->verdict : "-",
                          (long long)s->failures, (long long)s->findings);
        }
    }
    if (h->nsnaps == 0)
        wd_buf_puts(out, "(no snapshots)\n");
    return wd_buf_ok(out) ? WD_OK : wd_error_set(WD_ENOMEM, "out of memory writing the history");
}

/* The history document, written once through an emitter: an XML tree for
 * the stylesheet, streamed XML, or streamed JSON (the same content). */
static void add_snapshots(wd_emit *e, const hist *h)
{
    wd_em_open(e, "snapshots");
    wd_em_i64(e, "count", (int64_t)h->nsnaps);
    wd_em_list(e, "items");
    for (size_t i = 0; i < h->nsnaps; i++) {
        const h_snap *s = &h->snaps[i];
        wd_em_open(e, "snapshot");
        wd_em_i64(e, "id", s->id);
        wd_em_str(e, "machine", s->machine);
        wd_em_str(e, "collected-at", nz(s->collected_at));
        wd_em_str(e, "evidence-time", s->evidence_time);
        wd_em_sym(e, "verdict", s->verdict ? s->verdict : "unknown");
        wd_em_i64(e, "failures", s->failures);
        wd_em_i64(e, "findings", s->findings);
        wd_em_i64(e, "events", s->events);
        wd_em_list(e, "services");
        for (size_t j = 0; j < h->nsvc; j++) {
            if (!s->svcs[j].state)
                continue;
            wd_em_open(e, "service");
            wd_em_sym(e, "name", s->svcs[j].t->name);
            wd_em_str(e, "state", s->svcs[j].state);
            wd_em_str(e, "start-type", s->svcs[j].start_type);
            wd_em_close(e);
        }
        wd_em_list_end(e);
        wd_em_close(e);
    }
    wd_em_list_end(e);
    wd_em_close(e);
}

/* One machine element per machine: its snapshots and its verdict streak. */
static void add_machines(wd_emit *e, const hist *h)
{
    wd_em_open(e, "machines");
    wd_em_i64(e, "count", (int64_t)h->nmachines);
    wd_em_list(e, "items");
    for (size_t m = 0; m < h->nmachines; m++) {
        const h_machine *hm = &h->machines[m];
        const h_snap *last = &h->snaps[hm->last];
        wd_em_open(e, "machine");
        wd_em_str(e, "name", h->snaps[hm->first].machine);
        wd_em_i64(e, "snapshots", (int64_t)hm->count);
        wd_em_str(e, "first", nz(h->snaps[hm->first].collected_at));
        wd_em_str(e, "last", nz(last->collected_at));
        wd_em_sym(e, "latest-verdict", last->verdict ? last->verdict : "unknown");
        wd_em_i64(e, "streak", (int64_t)hm->streak);
        wd_em_str(e, "streak-since", nz(h->snaps[hm->streak_start].collected_at));
        wd_em_close(e);
    }
    wd_em_list_end(e);
    wd_em_close(e);
}

/* Ends the open code (with its count) and what is open above it. */
static void close_code(wd_emit *e, int *open_code, long long count)
{
    if (*open_code) {
        wd_em_i64(e, "count", count);
        wd_em_close(e);
        *open_code = 0;
    }
}

/* One weeks element per machine with failures; in it one week per week,
 * one code per code in it; a failure seen in several snapshots of the
 * machine counts once. */
static void add_weeks(wd_emit *e, const hist *h)
{
    int in_machine = 0, in_week = 0, in_code = 0;
    long long count = 0;
    wd_em_list(e, "weeks");
    for (size_t i = 0; i < h->nfails; i++) {
        const h_fail *f = &h->fails[i], *p = i ? &h->fails[i - 1] : NULL;
        int new_machine = !p || p->mi != f->mi;
        int new_week = new_machine || strcmp(p->week, f->week);
        if (new_week || p->code != f->code)
            close_code(e, &in_code, count);
        if (new_week && in_week) {
            wd_em_list_end(e);
            wd_em_close(e);
            in_week = 0;
        }
        if (new_machine && in_machine) {
            wd_em_list_end(e);
            wd_em_close(e);
        }
        if (new_machine) {
            wd_em_open(e, "weeks");
            wd_em_str(e, "machine", h->snaps[h->machines[f->mi].first].machine);
            wd_em_list(e, "items");
            in_machine = 1;
        }
        if (new_week) {
            wd_em_open(e, "week");
            wd_em_sym(e, "start", f->week);
            wd_em_list(e, "codes");
            in_week = 1;
        }
        if (!in_code) {
            wd_em_open(e, "code");
            wd_em_code(e, "value", f->code);
            in_code = 1;
            count = 0;
        }
        if (new_week || strcmp(p->key, f->key) || p->code != f->code)
            count += f->n;
    }
    close_code(e, &in_code, count);
    if (in_week) {
        wd_em_list_end(e);
        wd_em_close(e);
    }
    if (in_machine) {
        wd_em_list_end(e);
        wd_em_close(e);
    }
    wd_em_list_end(e);
}

/* A change of state or start type of an update service between two
 * consecutive snapshots of the same machine. */
static void add_changes(wd_emit *e, const hist *h)
{
    wd_em_open(e, "service-changes");
    wd_em_list(e, "items");
    for (size_t i = 1; i < h->nsnaps; i++) {
        const h_snap *s = &h->snaps[i];
        const h_snap *p = NULL;
        for (size_t k = i; k > 0 && !p; k--)
            if (h->snaps[k - 1].mi == s->mi)
                p = &h->snaps[k - 1];
        for (size_t j = 0; p && j < h->nsvc; j++) {
            const h_svc *a = &p->svcs[j], *b = &s->svcs[j];
            if (!a->state || !b->state ||
                (!strcmp(a->state, b->state) && !strcmp(a->start_type, b->start_type)))
                continue;
            wd_em_open(e, "change");
            wd_em_str(e, "machine", s->machine);
            wd_em_i64(e, "snapshot", s->id);
            wd_em_str(e, "time", nz(s->collected_at));
            wd_em_sym(e, "service", b->t->name);
            wd_em_str(e, "from-state", a->state);
            wd_em_str(e, "to-state", b->state);
            wd_em_str(e, "from-start", a->start_type);
            wd_em_str(e, "to-start", b->start_type);
            wd_em_close(e);
        }
    }
    wd_em_list_end(e);
    wd_em_close(e);
}

static int write_history(wd_emit *e, const hist *h, const char *machine, const char *since)
{
    char now[WD_TIME_MAX];
    wd_time_now(now);
    wd_em_open(e, "history");
    wd_em_sym(e, "version", "1");
    wd_em_sym(e, "tool-version", WD_VERSION);
    wd_em_sym(e, "generated", now);
    wd_em_str(e, "machine", machine);
    wd_em_str(e, "since", since);
    add_machines(e, h);
    add_snapshots(e, h);
    add_weeks(e, h);
    add_changes(e, h);
    wd_em_close(e);
    return e->finish(e);
}

/* html: an XML tree through history.xsl; xml and json: streamed. */
static int history_out(const hist *h, const char *fmt, const char *machine, const char *since,
                       const char *path)
{
    wd_emit *e = NULL;
    wd_outfile *f = NULL;
    char *text = NULL;
    size_t len = 0;
    int html = !strcmp(fmt, "html");
    int rc = html ? wd_emit_xml_tree(WD_HISTORY_NS, &e) : wd_outfile_open(path, &f);
    if (!rc && !html)
        rc = !strcmp(fmt, "json") ? wd_emit_json_stream(f, &e)
                                  : wd_emit_xml_stream(f, WD_HISTORY_NS, &e);
    if (!rc)
        rc = write_history(e, h, machine, since);
    if (!rc && html) {
        void *doc = wd_emit_xml_doc(e); /* ours to free */
        rc = doc ? wd_xslt_apply(doc, NULL, wd_tpl_history_xsl, wd_tpl_history_xsl_len, &text,
                                 &len)
                 : wd_error_set(WD_ENOMEM, "out of memory building the history XML");
        wd_xml_doc_free(doc);
    }
    if (!rc && html)
        rc = wd_write_atomic(path ? path : "-", text, len);
    wd_emit_free(e); /* before the file it streams to is committed */
    if (!html && f)
        rc = rc ? (wd_outfile_abort(f), rc) : wd_outfile_commit(f);
    free(text);
    return rc;
}

int wd_report_history(wd_store *s, const char *machine, const char *since, const char *format,
                      const wd_report_options *opts, const char *path)
{
    hist h = {0};
    wd_buf table = WD_BUF_INIT;
    const char *fmt = format ? format : "text";
    int rc;
    if (strcmp(fmt, "text") && strcmp(fmt, "xml") && strcmp(fmt, "html") && strcmp(fmt, "json"))
        return wd_error_set(WD_EUSAGE, "unknown history format '%s' (text, xml, html or json)",
                            fmt);
    rc = load_history(s, machine, since, strcmp(fmt, "text") != 0, &h);
    if (!rc && opts && opts->redact)
        rc = redact_machines(&h);
    if (!rc && !strcmp(fmt, "text")) {
        rc = text_table(&h, &table);
        if (!rc)
            rc = wd_write_atomic(path ? path : "-", wd_buf_cstr(&table), table.len);
        goto cleanup;
    }
    if (!rc)
        rc = history_out(&h, fmt, opts && opts->redact ? NULL : machine, since, path);
cleanup:
    wd_buf_free(&table);
    hist_free(&h);
    return rc;
}
