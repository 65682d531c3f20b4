/* fleet.c - `wudiag fleet`: what is broken across the machines and what to
 * do first. The store computes the figures where the rows are (PostgreSQL
 * or a merged history file); here they are gathered into a plain struct
 * with the ages of each machine's state, then written through the report's
 * emitter as XML (urn:wudiag:fleet:1) or JSON, or as HTML through
 * templates/fleet.xsl (inline SVG charts). */
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WD_FLEET_NS "urn:wudiag:fleet:1"

extern const unsigned char wd_tpl_fleet_xsl[];
extern const size_t wd_tpl_fleet_xsl_len;

enum {
    FLEET_PROBLEMS = 25,     /* problems listed */
    FLEET_UPDATES = 40,      /* updates listed */
    FLEET_HTML_MACHINES = 500, /* machine rows on the page (all in XML and JSON) */
    FLEET_WEEKS_DEFAULT = 12,  /* weeks charted when --since is not given */
};

/* ================================================================ figures */

typedef struct f_machine {
    char *name, *collected_at, *verdict, *failing_since, *top_rule, *top_title, *top_fix;
    int64_t snapshot, snapshots, problems;
    double days_failing, days_unseen; /* -1: not failing / unknown */
    int rank;                         /* failing first */
} f_machine;

typedef struct f_problem {
    int has_code;
    uint32_t code;
    char *rule, *title, *fix;
    int64_t machines;
} f_problem;

typedef struct f_update {
    char *key, *kb, *title;
    int64_t machines, installed, failing, pending;
    int has_code;
    uint32_t code;
} f_update;

typedef struct f_week {
    char week[11];
    int64_t machines, healthy, warning, failing, incomplete, installed, failing_updates;
} f_week;

typedef struct fleet {
    f_machine *machines;
    size_t nmachines, mcap;
    f_problem *problems;
    size_t nproblems, pcap;
    f_update *updates;
    size_t nupdates, ucap;
    f_week *weeks;
    size_t nweeks, wcap;
    int64_t as_of;                 /* seconds */
    char as_of_text[WD_TIME_MAX], since[11];
    int64_t by_verdict[5];         /* healthy warning failing incomplete unanalysed */
    int64_t failing_long, stale;
    int oom;
} fleet;

static char *dup(fleet *f, const char *s)
{
    char *p = s ? wd_strdup(s) : NULL;
    if (s && !p)
        f->oom = 1;
    return p;
}

/* Days from time text t to the as-of time; -1 when t cannot be read. */
static double days_to(const fleet *f, const char *t)
{
    int64_t secs;
    if (!t || wd_time_parse(t, &secs))
        return -1;
    return (double)(f->as_of - secs) / 86400.0;
}

static int verdict_index(const char *v)
{
    static const char *const names[] = {"healthy", "warning", "failing", "incomplete"};
    for (int i = 0; v && i < 4; i++)
        if (!strcmp(v, names[i]))
            return i;
    return 4; /* never analysed */
}

static int on_machine(void *ctx, const wd_fleet_machine *m)
{
    fleet *f = ctx;
    f_machine *x = wd_array_grow(&f->machines, &f->nmachines, &f->mcap, sizeof *x);
    if (!x)
        return wd_error_set(WD_ENOMEM, "out of memory reading the fleet");
    x->name = dup(f, m->machine);
    x->collected_at = dup(f, m->collected_at);
    x->verdict = dup(f, m->verdict);
    x->failing_since = dup(f, m->failing_since);
    x->top_rule = dup(f, m->top_rule);
    x->top_title = dup(f, m->top_title);
    x->top_fix = dup(f, m->top_fix);
    x->snapshot = m->snapshot;
    x->snapshots = m->snapshots;
    x->problems = m->problems;
    x->days_failing = m->failing_since ? days_to(f, m->failing_since) : -1;
    x->days_unseen = days_to(f, m->collected_at);
    int v = verdict_index(m->verdict);
    static const int rank[] = {4, 2, 0, 1, 3};
    x->rank = rank[v];
    f->by_verdict[v]++;
    return f->oom ? wd_error_set(WD_ENOMEM, "out of memory reading the fleet") : 0;
}

static int on_problem(void *ctx, const wd_fleet_problem *p)
{
    fleet *f = ctx;
    f_problem *x = wd_array_grow(&f->problems, &f->nproblems, &f->pcap, sizeof *x);
    if (!x)
        return wd_error_set(WD_ENOMEM, "out of memory reading the fleet");
    *x = (f_problem){p->has_code, p->code, dup(f, p->rule), dup(f, p->title),
                     dup(f, p->first_fix), p->machines};
    return f->oom ? wd_error_set(WD_ENOMEM, "out of memory reading the fleet") : 0;
}

static int on_update(void *ctx, const wd_fleet_update *u)
{
    fleet *f = ctx;
    f_update *x = wd_array_grow(&f->updates, &f->nupdates, &f->ucap, sizeof *x);
    if (!x)
        return wd_error_set(WD_ENOMEM, "out of memory reading the fleet");
    *x = (f_update){dup(f, u->key), dup(f, u->kb), dup(f, u->title), u->machines,
                    u->installed, u->failing, u->pending, u->has_code, u->code};
    return f->oom ? wd_error_set(WD_ENOMEM, "out of memory reading the fleet") : 0;
}

static int on_week(void *ctx, const wd_fleet_week *w)
{
    fleet *f = ctx;
    f_week *x = wd_array_grow(&f->weeks, &f->nweeks, &f->wcap, sizeof *x);
    if (!x)
        return wd_error_set(WD_ENOMEM, "out of memory reading the fleet");
    snprintf(x->week, sizeof x->week, "%s", w->week ? w->week : "");
    x->machines = w->machines, x->healthy = w->healthy, x->warning = w->warning;
    x->failing = w->failing, x->incomplete = w->incomplete;
    x->installed = w->installed, x->failing_updates = w->failing_updates;
    return 0;
}

/* Failing first, the longest failing first, then by name. */
static int by_attention(const void *a, const void *b)
{
    const f_machine *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    if (x->days_failing != y->days_failing)
        return x->days_failing > y->days_failing ? -1 : 1;
    return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static void fleet_free(fleet *f)
{
    for (size_t i = 0; i < f->nmachines; i++) {
        f_machine *m = &f->machines[i];
        free(m->name), free(m->collected_at), free(m->verdict), free(m->failing_since);
        free(m->top_rule), free(m->top_title), free(m->top_fix);
    }
    for (size_t i = 0; i < f->nproblems; i++)
        free(f->problems[i].rule), free(f->problems[i].title), free(f->problems[i].fix);
    for (size_t i = 0; i < f->nupdates; i++)
        free(f->updates[i].key), free(f->updates[i].kb), free(f->updates[i].title);
    free(f->machines), free(f->problems), free(f->updates), free(f->weeks);
}

/* The as-of time and the first week charted. */
static int fleet_times(fleet *f, const wd_fleet_options *o)
{
    if (o->as_of) {
        if (wd_time_parse(o->as_of, &f->as_of))
            return wd_error_set(WD_EUSAGE, "--as-of takes a date like 2026-01-31, not '%s'",
                                o->as_of);
    } else {
        char now[WD_TIME_MAX];
        wd_time_now(now);
        wd_time_parse(now, &f->as_of);
    }
    wd_time_format(f->as_of, 0, f->as_of_text);
    if (o->since) {
        int64_t t;
        if (wd_time_parse(o->since, &t))
            return wd_error_set(WD_EUSAGE, "--since takes a date like 2026-01-31, not '%s'",
                                o->since);
        char text[WD_TIME_MAX];
        wd_time_format(t, 0, text);
        snprintf(f->since, sizeof f->since, "%.10s", text);
    } else {
        char text[WD_TIME_MAX];
        wd_time_format(f->as_of - (int64_t)FLEET_WEEKS_DEFAULT * 7 * 86400, 0, text);
        snprintf(f->since, sizeof f->since, "%.10s", text);
    }
    return WD_OK;
}

static int fleet_load(wd_store *s, const wd_fleet_options *o, fleet *f)
{
    int rc = fleet_times(f, o);
    if (!rc)
        rc = wd_store_fleet_machines(s, on_machine, f);
    if (!rc)
        rc = wd_store_fleet_problems(s, FLEET_PROBLEMS, on_problem, f);
    if (!rc)
        rc = wd_store_fleet_updates(s, FLEET_UPDATES, on_update, f);
    if (!rc)
        rc = wd_store_fleet_weeks(s, f->since, on_week, f);
    if (rc)
        return rc;
    for (size_t i = 0; i < f->nmachines; i++) {
        const f_machine *m = &f->machines[i];
        f->failing_long += m->days_failing > o->failing_days;
        f->stale += m->days_unseen > o->stale_days;
    }
    qsort(f->machines, f->nmachines, sizeof *f->machines, by_attention);
    return WD_OK;
}

/* ================================================================ writing */

typedef struct fwriter {
    wd_emit *e;
    const fleet *f;
    const wd_fleet_options *o;
    const wd_kb *kb;
    int html; /* the page: machine rows bounded */
} fwriter;

static void em_days(wd_emit *e, const char *name, double days)
{
    if (days >= 0)
        wd_em_i64(e, name, (int64_t)days);
}

/* A rate in per cent, one decimal, as text. */
static void em_rate(wd_emit *e, const char *name, int64_t part, int64_t whole)
{
    char text[16];
    if (whole <= 0)
        return;
    snprintf(text, sizeof text, "%.1f", 100.0 * (double)part / (double)whole);
    wd_em_sym(e, name, text);
}

static void write_fix(fwriter *w, const char *id)
{
    const wd_kb_fix *fx = id ? wd_kb_fix_find(w->kb, id) : NULL;
    if (!id)
        return;
    wd_em_open(w->e, "fix");
    wd_em_sym(w->e, "id", id);
    if (fx) {
        wd_em_str(w->e, "title", fx->title);
        wd_em_bool(w->e, "admin", fx->admin);
        wd_em_content(w->e, "why", fx->why);
    }
    wd_em_close(w->e);
}

static void write_code(fwriter *w, uint32_t code)
{
    const wd_kb_code *c = wd_kb_code_find(w->kb, code);
    wd_em_code(w->e, "code", code);
    if (c && c->symbol && *c->symbol)
        wd_em_sym(w->e, "symbol", c->symbol);
    if (c && c->meaning)
        wd_em_str(w->e, "meaning", c->meaning);
    else {
        wd_hr_decoded d;
        wd_hr_decode(w->kb, code, &d);
        if (d.win32_name && *d.win32_name)
            wd_em_sym(w->e, "symbol", d.win32_name);
    }
}

static void write_run(fwriter *w)
{
    const fleet *f = w->f;
    char now[WD_TIME_MAX];
    wd_time_now(now);
    wd_em_open(w->e, "run");
    wd_em_sym(w->e, "tool-version", WD_VERSION);
    wd_em_sym(w->e, "generated", now);
    wd_em_sym(w->e, "as-of", f->as_of_text);
    wd_em_sym(w->e, "since", f->since);
    wd_em_i64(w->e, "failing-days", w->o->failing_days);
    wd_em_i64(w->e, "stale-days", w->o->stale_days);
    wd_em_str(w->e, "database", w->o->db_name);
    wd_em_str(w->e, "command-line", w->o->command_line);
    wd_em_close(w->e);
}

static void write_summary(fwriter *w)
{
    const fleet *f = w->f;
    static const char *const names[] = {"healthy", "warning", "failing", "incomplete",
                                        "unanalysed"};
    wd_em_open(w->e, "summary");
    wd_em_i64(w->e, "machines", (int64_t)f->nmachines);
    for (int i = 0; i < 5; i++)
        wd_em_i64(w->e, names[i], f->by_verdict[i]);
    wd_em_i64(w->e, "failing-long", f->failing_long);
    wd_em_i64(w->e, "stale", f->stale);
    wd_em_close(w->e);
}

static void write_problems(fwriter *w)
{
    const fleet *f = w->f;
    wd_em_open(w->e, "problems");
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < f->nproblems; i++) {
        const f_problem *p = &f->problems[i];
        wd_em_open(w->e, "problem");
        wd_em_i64(w->e, "rank", (int64_t)i + 1);
        if (p->has_code)
            write_code(w, p->code);
        wd_em_sym(w->e, "rule", p->rule);
        wd_em_i64(w->e, "machines", p->machines);
        em_rate(w->e, "share", p->machines, (int64_t)f->nmachines);
        wd_em_str(w->e, "title", p->title);
        write_fix(w, p->fix);
        wd_em_close(w->e);
    }
    wd_em_list_end(w->e);
    wd_em_close(w->e);
}

static void write_updates(fwriter *w)
{
    const fleet *f = w->f;
    wd_em_open(w->e, "updates");
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < f->nupdates; i++) {
        const f_update *u = &f->updates[i];
        wd_em_open(w->e, "update");
        wd_em_str(w->e, "key", u->key);
        wd_em_str(w->e, "kb", u->kb);
        wd_em_str(w->e, "title", u->title);
        wd_em_i64(w->e, "machines", u->machines);
        wd_em_i64(w->e, "installed", u->installed);
        wd_em_i64(w->e, "failing", u->failing);
        wd_em_i64(w->e, "pending", u->pending);
        em_rate(w->e, "success-rate", u->installed, u->installed + u->failing);
        if (u->has_code)
            write_code(w, u->code);
        wd_em_close(w->e);
    }
    wd_em_list_end(w->e);
    wd_em_close(w->e);
}

static void write_weeks(fwriter *w)
{
    const fleet *f = w->f;
    wd_em_open(w->e, "weeks");
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < f->nweeks; i++) {
        const f_week *k = &f->weeks[i];
        wd_em_open(w->e, "week");
        wd_em_sym(w->e, "start", k->week);
        wd_em_i64(w->e, "machines", k->machines);
        wd_em_i64(w->e, "healthy", k->healthy);
        wd_em_i64(w->e, "warning", k->warning);
        wd_em_i64(w->e, "failing", k->failing);
        wd_em_i64(w->e, "incomplete", k->incomplete);
        wd_em_i64(w->e, "installed", k->installed);
        wd_em_i64(w->e, "failing-updates", k->failing_updates);
        em_rate(w->e, "success-rate", k->installed, k->installed + k->failing_updates);
        wd_em_close(w->e);
    }
    wd_em_list_end(w->e);
    wd_em_close(w->e);
}

/* Appends s quoted for a POSIX shell. */
static void shell_quote(wd_buf *out, const char *s)
{
    wd_buf_putc(out, '\'');
    for (; s && *s; s++) {
        if (*s == '\'')
            wd_buf_puts(out, "'\\''");
        else
            wd_buf_putc(out, *s);
    }
    wd_buf_putc(out, '\'');
}

/* The command that renders a machine's latest report. */
static void report_command(fwriter *w, const f_machine *m, wd_buf *out)
{
    wd_buf_reset(out);
    wd_buf_puts(out, "wudiag report --db ");
    shell_quote(out, w->o->db_name ? w->o->db_name : "");
    wd_buf_printf(out, " --snapshot %lld -o report-%lld.html", (long long)m->snapshot,
                  (long long)m->snapshot);
}

static void write_machine(fwriter *w, const f_machine *m, wd_buf *tmp)
{
    wd_emit *e = w->e;
    wd_em_open(e, "machine");
    wd_em_str(e, "name", m->name);
    wd_em_i64(e, "snapshot", m->snapshot);
    wd_em_i64(e, "snapshots", m->snapshots);
    wd_em_str(e, "collected-at", m->collected_at);
    wd_em_sym(e, "verdict", m->verdict ? m->verdict : "unanalysed");
    wd_em_i64(e, "problems", m->problems);
    wd_em_str(e, "failing-since", m->failing_since);
    em_days(e, "days-failing", m->days_failing);
    em_days(e, "days-unseen", m->days_unseen);
    wd_em_bool(e, "failing-long", m->days_failing > w->o->failing_days);
    wd_em_bool(e, "stale", m->days_unseen > w->o->stale_days);
    report_command(w, m, tmp);
    wd_em_str(e, "report", wd_buf_cstr(tmp));
    if (m->top_rule) {
        wd_em_open(e, "top");
        wd_em_sym(e, "rule", m->top_rule);
        wd_em_str(e, "title", m->top_title);
        write_fix(w, m->top_fix);
        wd_em_close(e);
    }
    wd_em_close(e);
}

static void write_machines(fwriter *w)
{
    const fleet *f = w->f;
    size_t shown = w->html && f->nmachines > FLEET_HTML_MACHINES ? FLEET_HTML_MACHINES
                                                                 : f->nmachines;
    wd_buf tmp = WD_BUF_INIT;
    wd_em_open(w->e, "machines");
    wd_em_i64(w->e, "total", (int64_t)f->nmachines);
    wd_em_i64(w->e, "shown", (int64_t)shown);
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < shown; i++)
        write_machine(w, &f->machines[i], &tmp);
    wd_em_list_end(w->e);
    wd_em_close(w->e);
    if (!wd_buf_ok(&tmp))
        wd_em_fail(w->e, wd_error_set(WD_ENOMEM, "out of memory writing the fleet report"));
    wd_buf_free(&tmp);
}

static int write_fleet(fwriter *w)
{
    wd_em_open(w->e, "fleet");
    wd_em_sym(w->e, "version", "1");
    write_run(w);
    write_summary(w);
    write_problems(w);
    write_updates(w);
    write_weeks(w);
    write_machines(w);
    wd_em_close(w->e);
    if (!w->e->err)
        w->e->err = w->e->finish(w->e);
    return w->e->err;
}

/* ================================================================ entry */

/* The exit status the fleet's worst machine gives. */
static int fleet_status(const fleet *f)
{
    if (f->by_verdict[2])
        return WD_FLEET_FAILING;
    if (f->by_verdict[1])
        return WD_FLEET_WARNING;
    if (f->by_verdict[3] || f->by_verdict[4])
        return WD_FLEET_INCOMPLETE;
    return WD_FLEET_HEALTHY;
}

static int render_html(fwriter *w, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    void *doc = NULL;
    int rc = wd_emit_xml_tree(WD_FLEET_NS, &w->e);
    if (!rc)
        rc = write_fleet(w);
    if (!rc && !(doc = wd_emit_xml_doc(w->e)))
        rc = wd_error_set(WD_ENOMEM, "out of memory building the fleet XML");
    if (!rc)
        rc = wd_xslt_apply(doc, w->o->template_path, wd_tpl_fleet_xsl, wd_tpl_fleet_xsl_len,
                           &text, &len);
    if (!rc)
        rc = wd_write_atomic(path, text, len);
    free(text);
    wd_xml_doc_free(doc);
    return rc;
}

static int render_stream(fwriter *w, const char *format, const char *path)
{
    wd_outfile *out = NULL;
    int rc = wd_outfile_open(path, &out);
    if (!rc)
        rc = !strcmp(format, "json") ? wd_emit_json_stream(out, &w->e)
                                     : wd_emit_xml_stream(out, WD_FLEET_NS, &w->e);
    if (!rc)
        rc = write_fleet(w);
    /* the writer flushes into the file when freed: before the file goes */
    wd_emit_free(w->e);
    w->e = NULL;
    if (rc) {
        wd_outfile_abort(out);
        return rc;
    }
    return wd_outfile_commit(out);
}

int wd_report_fleet(wd_store *s, const wd_fleet_options *o, const char *format,
                    const char *path, int *status)
{
    fleet f;
    wd_kb *kb = NULL;
    memset(&f, 0, sizeof f);
    if (!s || !o || !format || !path)
        return wd_error_set(WD_EUSAGE, "wd_report_fleet: missing argument");
    if (strcmp(format, "html") && strcmp(format, "xml") && strcmp(format, "json"))
        return wd_error_set(WD_EUSAGE, "unknown fleet report format '%s' (html, xml or json)",
                            format);
    int rc = wd_kb_load(o->kb_dir, &kb);
    if (!rc)
        rc = fleet_load(s, o, &f);
    if (!rc) {
        fwriter w = {NULL, &f, o, kb, !strcmp(format, "html")};
        rc = w.html ? render_html(&w, path) : render_stream(&w, format, path);
        wd_emit_free(w.e);
    }
    if (!rc && status)
        *status = fleet_status(&f);
    fleet_free(&f);
    wd_kb_free(kb);
    return rc;
}
