/* history.c - `wudiag history`: the snapshots of one machine (or all) from
 * the store, reduced to figures first (failures per week by code, service
 * state changes, verdicts over time), then written as a text table, as XML
 * (urn:wudiag:history:1) or as HTML through templates/history.xsl. */
#include "render.h"

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
    h_svc *svcs; /* one per update service; NULL strings when not listed */
} h_snap;

typedef struct h_fail {
    char week[11];
    uint32_t code;
    char *key; /* machine|time|title, for counting a failure once */
} h_fail;

typedef struct hist {
    h_snap *snaps;
    size_t nsnaps, cap;
    h_fail *fails;
    size_t nfails, fcap;
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
    if (h->nsnaps == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 16;
        h_snap *p = realloc(h->snaps, nc * sizeof *p);
        if (!p)
            return wd_error_set(WD_ENOMEM, "out of memory reading the history");
        h->snaps = p, h->cap = nc;
    }
    h_snap *s = &h->snaps[h->nsnaps++];
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
    if (h->nfails == h->fcap) {
        size_t nc = h->fcap ? h->fcap * 2 : 64;
        h_fail *p = realloc(h->fails, nc * sizeof *p);
        if (!p)
            return WD_ENOMEM;
        h->fails = p, h->fcap = nc;
    }
    h->fails[h->nfails++] = *f;
    return WD_OK;
}

static int on_failure(void *ctx, int64_t row, const wd_failure_rec *r)
{
    hist *h = ctx;
    h_fail f = {.code = r->hresult};
    wd_buf key = WD_BUF_INIT;
    (void)row;
    if (week_of(r->time, f.week))
        return WD_OK; /* a failure without a time has no week */
    wd_buf_printf(&key, "%s|%s|%08X|%s", h->cur->machine ? h->cur->machine : "", r->time,
                  r->hresult, r->title ? r->title : "");
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
    int c = strcmp(x->week, y->week);
    if (c)
        return c;
    if (x->code != y->code)
        return x->code < y->code ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Lists the snapshots; with detail, also each one's services and failures
 * (what the charts need; the text table needs only the list). */
static int load_history(wd_store *s, const char *machine, const char *since, int detail, hist *h)
{
    wd_update_services(&h->nsvc);
    int rc = wd_store_list(s, machine, since, on_snapshot, h);
    for (size_t i = 0; detail && !rc && i < h->nsnaps; i++) {
        h->cur = &h->snaps[i];
        rc = wd_store_services(s, h->cur->id, on_service, h);
        if (!rc)
            rc = wd_store_failures(s, h->cur->id, on_failure, h);
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
}

/* --redact: machine names become MACHINE-n in order of appearance. */
static int redact_machines(hist *h)
{
    char **orig = calloc(h->nsnaps + 1, sizeof *orig);
    if (!orig)
        return wd_error_set(WD_ENOMEM, "out of memory redacting the history");
    size_t n = 0;
    int rc = WD_OK;
    for (size_t i = 0; i < h->nsnaps && !rc; i++) {
        size_t k = 0;
        orig[i] = h->snaps[i].machine;
        while (k < i && strcmp(orig[k], orig[i]))
            k++;
        char name[32];
        if (k < i)
            snprintf(name, sizeof name, "%s", h->snaps[k].machine);
        else
            snprintf(name, sizeof name, "MACHINE-%zu", ++n);
        h->snaps[i].machine = wd_strdup(name);
        if (!h->snaps[i].machine) {
            h->snaps[i].machine = orig[i];
            orig[i] = NULL;
            rc = WD_ENOMEM;
        }
    }
    for (size_t i = 0; i < h->nsnaps; i++)
        free(orig[i]);
    free(orig);
    return rc;
}

/* ================================================================ writing */

static const char *nz(const char *s)
{
    return s ? s : "";
}

static int text_table(const hist *h, wd_buf *out)
{
    wd_buf_printf(out, "%-6s %-20s %-28s %-8s %8s %8s\n", "ID", "MACHINE", "TIME", "VERDICT",
                  "FAILURES", "FINDINGS");
    for (size_t i = 0; i < h->nsnaps; i++) {
        const h_snap *s = &h->snaps[i];
        wd_buf_printf(out, "%-6lld %-20s %-28s %-8s %8lld %8lld\n", (long long)s->id, s->machine,
                      nz(s->collected_at), s->verdict ? s->verdict : "-", (long long)s->failures,
                      (long long)s->findings);
    }
    if (h->nsnaps == 0)
        wd_buf_puts(out, "(no snapshots)\n");
    return wd_buf_ok(out) ? WD_OK : wd_error_set(WD_ENOMEM, "out of memory writing the history");
}

typedef struct hx {
    xmlNsPtr ns;
    wd_buf tmp;
} hx;

static xmlNodePtr hchild(hx *x, xmlNodePtr parent, const char *name)
{
    return xmlNewTextChild(parent, x->ns, (const xmlChar *)name, NULL);
}

static void hattr(hx *x, xmlNodePtr n, const char *name, const char *value)
{
    if (!n || !value)
        return;
    wd_buf_reset(&x->tmp);
    wd_xml_clean(value, &x->tmp);
    xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)wd_buf_cstr(&x->tmp));
}

static void hattr_num(hx *x, xmlNodePtr n, const char *name, long long v)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", v);
    hattr(x, n, name, num);
}

static void add_snapshots(hx *x, xmlNodePtr root, const hist *h)
{
    xmlNodePtr sec = hchild(x, root, "snapshots");
    hattr_num(x, sec, "count", (long long)h->nsnaps);
    for (size_t i = 0; i < h->nsnaps; i++) {
        const h_snap *s = &h->snaps[i];
        xmlNodePtr n = hchild(x, sec, "snapshot");
        hattr_num(x, n, "id", s->id);
        hattr(x, n, "machine", s->machine);
        hattr(x, n, "collected-at", nz(s->collected_at));
        hattr(x, n, "evidence-time", s->evidence_time);
        hattr(x, n, "verdict", s->verdict ? s->verdict : "unknown");
        hattr_num(x, n, "failures", s->failures);
        hattr_num(x, n, "findings", s->findings);
        hattr_num(x, n, "events", s->events);
        for (size_t j = 0; j < h->nsvc; j++) {
            if (!s->svcs[j].state)
                continue;
            xmlNodePtr sv = hchild(x, n, "service");
            hattr(x, sv, "name", s->svcs[j].t->name);
            hattr(x, sv, "state", s->svcs[j].state);
            hattr(x, sv, "start-type", s->svcs[j].start_type);
        }
    }
}

/* One <week> per week with failures, one <code> per code in it; a failure
 * seen in several snapshots counts once. */
static void add_weeks(hx *x, xmlNodePtr root, const hist *h)
{
    xmlNodePtr sec = hchild(x, root, "weeks"), week = NULL, code = NULL;
    long long count = 0;
    for (size_t i = 0; i < h->nfails; i++) {
        const h_fail *f = &h->fails[i], *p = i ? &h->fails[i - 1] : NULL;
        if (!p || strcmp(p->week, f->week)) {
            week = hchild(x, sec, "week");
            hattr(x, week, "start", f->week);
        }
        if (!p || strcmp(p->week, f->week) || p->code != f->code) {
            if (code)
                hattr_num(x, code, "count", count);
            char hex[11];
            wd_hresult_format(f->code, hex);
            code = hchild(x, week, "code");
            hattr(x, code, "value", hex);
            count = 0;
        }
        if (!p || strcmp(p->key, f->key) || p->code != f->code || strcmp(p->week, f->week))
            count++;
    }
    if (code)
        hattr_num(x, code, "count", count);
}

/* A change of state or start type of an update service between two
 * consecutive snapshots of the same machine. */
static void add_changes(hx *x, xmlNodePtr root, const hist *h)
{
    xmlNodePtr sec = hchild(x, root, "service-changes");
    for (size_t i = 1; i < h->nsnaps; i++) {
        const h_snap *s = &h->snaps[i];
        const h_snap *p = NULL;
        for (size_t k = i; k > 0 && !p; k--)
            if (!strcmp(h->snaps[k - 1].machine, s->machine))
                p = &h->snaps[k - 1];
        for (size_t j = 0; p && j < h->nsvc; j++) {
            const h_svc *a = &p->svcs[j], *b = &s->svcs[j];
            if (!a->state || !b->state ||
                (!strcmp(a->state, b->state) && !strcmp(a->start_type, b->start_type)))
                continue;
            xmlNodePtr n = hchild(x, sec, "change");
            hattr(x, n, "machine", s->machine);
            hattr_num(x, n, "snapshot", s->id);
            hattr(x, n, "time", nz(s->collected_at));
            hattr(x, n, "service", b->t->name);
            hattr(x, n, "from-state", a->state);
            hattr(x, n, "to-state", b->state);
            hattr(x, n, "from-start", a->start_type);
            hattr(x, n, "to-start", b->start_type);
        }
    }
}

static int history_doc(const hist *h, const char *machine, const char *since, xmlDocPtr *out)
{
    hx x = {0};
    char now[WD_TIME_MAX];
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, (const xmlChar *)"history", NULL) : NULL;
    *out = NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return wd_error_set(WD_ENOMEM, "out of memory writing the history");
    }
    xmlDocSetRootElement(doc, root);
    x.ns = xmlNewNs(root, (const xmlChar *)WD_HISTORY_NS, NULL);
    xmlSetNs(root, x.ns);
    wd_time_now(now);
    hattr(&x, root, "version", "1");
    hattr(&x, root, "tool-version", WD_VERSION);
    hattr(&x, root, "generated", now);
    hattr(&x, root, "machine", machine);
    hattr(&x, root, "since", since);
    add_snapshots(&x, root, h);
    add_weeks(&x, root, h);
    add_changes(&x, root, h);
    int ok = wd_buf_ok(&x.tmp);
    wd_buf_free(&x.tmp);
    if (!ok) {
        xmlFreeDoc(doc);
        return wd_error_set(WD_ENOMEM, "out of memory writing the history");
    }
    *out = doc;
    return WD_OK;
}

int wd_report_history(wd_store *s, const char *machine, const char *since, const char *format,
                      const wd_report_options *opts, const char *path)
{
    hist h = {0};
    xmlDocPtr doc = NULL;
    char *text = NULL;
    size_t len = 0;
    wd_buf table = WD_BUF_INIT;
    const char *fmt = format ? format : "text";
    int rc;
    if (strcmp(fmt, "text") && strcmp(fmt, "xml") && strcmp(fmt, "html"))
        return wd_error_set(WD_EUSAGE, "unknown history format '%s' (text, xml or html)", fmt);
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
        rc = history_doc(&h, opts && opts->redact ? NULL : machine, since, &doc);
    if (!rc)
        rc = !strcmp(fmt, "xml") ? wd_xml_doc_dump(doc, &text, &len)
                                 : wd_xslt_apply(doc, NULL, wd_tpl_history_xsl,
                                                 wd_tpl_history_xsl_len, &text, &len);
    if (!rc)
        rc = wd_write_atomic(path ? path : "-", text, len);
cleanup:
    free(text);
    xmlFreeDoc(doc);
    wd_buf_free(&table);
    hist_free(&h);
    return rc;
}
