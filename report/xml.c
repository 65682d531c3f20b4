/* xml.c - the report's content (namespace urn:wudiag:report:1, version 2,
 * described by templates/report.xsd and report.schema.json), written once
 * through an emitter: streamed in full to an XML or JSON file, or bounded
 * into the document the stylesheet turns into HTML. This file writes the
 * judgement (run, machine, verdict, findings, fixes, known issues) and
 * cited evidence; xml_rows.c the rows behind it. */
#include "write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
static struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
    return gmtime_s(tm, t) == 0 ? tm : NULL;
}
static struct tm *localtime_r(const time_t *t, struct tm *tm)
{
    return localtime_s(tm, t) == 0 ? tm : NULL;
}
#endif

static const char *nz(const char *s)
{
    return s ? s : "";
}

static int current(const wd_finding *f)
{
    return !f->state || !strcmp(f->state, "current");
}

/* ================================================================ codes */

void wd_writer_code(wd_writer *w, uint32_t code)
{
    size_t h = (code * 2654435761u) & (WD_CODE_SLOTS - 1);
    while (w->code_used[h]) {
        if (w->code_slot[h] == code)
            return;
        h = (h + 1) & (WD_CODE_SLOTS - 1);
    }
    if (w->ncodes >= WD_MAX_CODES) {
        w->codes_dropped++;
        return;
    }
    w->code_used[h] = 1;
    w->code_slot[h] = code;
    w->ncodes++;
}

/* ============================================================= evidence */

const char *wd_writer_base(const char *path)
{
    const char *b = path ? path : "";
    for (const char *p = b; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return b;
}

void wd_writer_loc_label(const wd_evidence_loc *l, wd_buf *out)
{
    const char *base = wd_writer_base(l->source);
    switch (l->kind) {
    case WD_LOC_LINE:
    case WD_LOC_ROW:
        wd_buf_printf(out, "%s line %llu", base, (unsigned long long)l->line);
        break;
    case WD_LOC_EVENT:
        wd_buf_printf(out, "%s record %llu, event %u", *base ? base : nz(l->channel),
                      (unsigned long long)l->record_id, l->event_id);
        break;
    default:
        wd_buf_puts(out, base);
        break;
    }
}

static void activity_text(const wd_activity_rec *a, wd_buf *out)
{
    if (a->detail && *a->detail) {
        wd_buf_puts(out, a->detail);
        return;
    }
    wd_buf_printf(out, "%s %s", wd_op_name(a->operation), wd_outcome_name(a->outcome));
    if (a->title || a->kb)
        wd_buf_printf(out, ": %s", a->title ? a->title : a->kb);
    else if (a->service || a->target)
        wd_buf_printf(out, ": %s", a->service ? a->service : a->target);
}

static void ref_activity(wd_writer *w, const wd_activity_row *row)
{
    const wd_activity_rec *a = &row->rec;
    wd_buf_reset(&w->tmp);
    wd_writer_loc_label(&a->where, &w->tmp);
    if (!w->tmp.len)
        wd_buf_puts(&w->tmp, a->component ? a->component : wd_op_name(a->operation));
    wd_em_str(w->e, "label", wd_buf_cstr(&w->tmp));
    wd_em_str(w->e, "time", a->time);
    wd_em_str(w->e, "source", a->where.source);
    if (a->has_code) {
        wd_em_code(w->e, "code", a->code);
        wd_writer_code(w, a->code);
    }
    wd_buf_reset(&w->tmp);
    activity_text(a, &w->tmp);
    wd_em_content(w->e, "text", wd_buf_cstr(&w->tmp));
}

static void ref_event(wd_writer *w, const wd_event_rec *ev)
{
    wd_evidence_loc l = {WD_LOC_EVENT, ev->source, 0, ev->channel, ev->record_id, ev->event_id};
    wd_buf_reset(&w->tmp);
    wd_writer_loc_label(&l, &w->tmp);
    wd_em_str(w->e, "label", wd_buf_cstr(&w->tmp));
    wd_em_str(w->e, "time", ev->time);
    wd_em_str(w->e, "source", ev->source);
    wd_buf_reset(&w->tmp);
    wd_buf_printf(&w->tmp, "%s %u", nz(ev->provider), ev->event_id);
    for (size_t i = 0; i < ev->nfields && i < 8; i++)
        wd_buf_printf(&w->tmp, "%s %s=%.200s", i ? ";" : ":", nz(ev->fields[i].name),
                      nz(ev->fields[i].value));
    wd_em_content(w->e, "text", wd_buf_cstr(&w->tmp));
}

static int on_ref(void *ctx, const wd_ref_row *row)
{
    wd_writer *w = ctx;
    wd_buf *t = &w->tmp;
    wd_buf_reset(t);
    if (row->activity) {
        ref_activity(w, row->activity);
    } else if (row->event) {
        ref_event(w, row->event);
    } else if (row->service) {
        const wd_service_rec *s = row->service;
        wd_buf_printf(t, "%s: %s", wd_writer_base(s->source), nz(s->name));
        wd_em_str(w->e, "label", wd_buf_cstr(t));
        wd_em_str(w->e, "source", s->source);
        wd_buf_reset(t);
        wd_buf_printf(t, "%s: %s, start type %s", nz(s->name), nz(s->state), nz(s->start_type));
        wd_em_content(w->e, "text", wd_buf_cstr(t));
    } else if (row->fact) {
        const wd_fact_rec *f = row->fact;
        wd_buf_printf(t, "%s: %s", f->source ? wd_writer_base(f->source) : "facts", nz(f->key));
        wd_em_str(w->e, "label", wd_buf_cstr(t));
        wd_em_str(w->e, "time", f->time);
        wd_em_str(w->e, "source", f->source);
        wd_buf_reset(t);
        wd_buf_printf(t, "%s = %s", nz(f->key), nz(f->value));
        wd_em_content(w->e, "text", wd_buf_cstr(t));
    } else if (row->note) {
        const wd_note_rec *n = row->note;
        wd_buf_printf(t, "%s%s%s", wd_writer_base(n->source), n->location ? " " : "",
                      nz(n->location));
        wd_em_str(w->e, "label", wd_buf_cstr(t));
        wd_em_str(w->e, "source", n->source);
        wd_em_content(w->e, "text", n->reason);
    } else if (row->source) {
        const wd_source_rec *s = row->source;
        wd_em_str(w->e, "label", wd_writer_base(s->path));
        wd_em_str(w->e, "source", s->path);
        wd_buf_printf(t, "%s: %llu records, %llu errors", nz(s->kind),
                      (unsigned long long)s->records, (unsigned long long)s->errors);
        wd_em_content(w->e, "text", wd_buf_cstr(t));
    }
    return wd_buf_ok(t) ? 0 : wd_error_set(WD_ENOMEM, "out of memory writing the report");
}

void wd_writer_evidence(wd_writer *w, wd_ref ref, int resolve)
{
    char id[48];
    const char *kind = wd_ref_kind_name(ref.kind);
    snprintf(id, sizeof id, "%s-%lld", kind, (long long)ref.row_id);
    wd_em_open(w->e, "evidence");
    wd_em_sym(w->e, "kind", kind);
    wd_em_sym(w->e, "ref", id);
    if (resolve && w->m->store && !w->e->err) {
        int rc = wd_store_ref(w->m->store, w->m->snapshot_id, ref, on_ref, w);
        if (rc == WD_ENOTFOUND)
            wd_em_sym(w->e, "label", "not in this snapshot");
        else if (rc)
            wd_em_fail(w->e, rc);
    }
    wd_em_close(w->e);
}

/* ================================================================== run */

/* The zone wudiag ran in, with its offset computed from the broken-down
 * local and UTC times (strftime's %z prints a zone name on Windows). */
static void local_zone(char *out, size_t n)
{
    time_t now = time(NULL);
    struct tm lt, ut;
    char name[64] = "";
    if (!localtime_r(&now, &lt) || !gmtime_r(&now, &ut)) {
        snprintf(out, n, "UTC; wudiag ran in an unknown zone");
        return;
    }
    strftime(name, sizeof name, "%Z", &lt);
    int days =
        lt.tm_year != ut.tm_year ? (lt.tm_year > ut.tm_year ? 1 : -1) : lt.tm_yday - ut.tm_yday;
    int minutes = (days * 24 + lt.tm_hour - ut.tm_hour) * 60 + lt.tm_min - ut.tm_min;
    int a = minutes < 0 ? -minutes : minutes;
    snprintf(out, n, "UTC; wudiag ran in %s (UTC%c%02d%02d)", name[0] ? name : "local time",
             minutes < 0 ? '-' : '+', a / 60 % 100, a % 60);
}

static void write_run(wd_writer *w)
{
    const wd_model *m = w->m;
    const wd_report_options *o = w->o;
    char now[WD_TIME_MAX], zone[128];
    wd_emit *e = w->e;
    wd_em_open(e, "run");
    wd_em_sym(e, "scope", w->full ? "full" : "summary");
    wd_em_bool(e, "redacted", o && o->redact);
    wd_em_open(e, "tool");
    wd_em_sym(e, "name", "wudiag");
    wd_em_sym(e, "version", WD_VERSION);
    wd_em_close(e);
    wd_em_text(e, "command-line", o && o->command_line ? o->command_line : "");
    wd_time_now(now);
    wd_em_text(e, "generated", now);
    local_zone(zone, sizeof zone);
    wd_em_text(e, "time-zone", zone);
    wd_em_text(e, "database", o && o->db_path ? o->db_path : "");
    wd_em_open(e, "snapshot");
    wd_em_i64(e, "id", m->snapshot_id);
    wd_em_str(e, "collected-at", nz(m->collected_at));
    wd_em_str(e, "evidence-start", m->evidence_start);
    wd_em_str(e, "evidence-time", m->evidence_time);
    wd_em_str(e, "evidence", nz(m->evidence));
    wd_em_str(e, "command-line", nz(m->command_line));
    wd_em_i64(e, "earlier", (int64_t)m->npast);
    wd_em_close(e);
    wd_em_close(e);
}

/* ============================================================== machine */

/* "10" or "11" from the build number, or NULL. */
static const char *windows_of(const char *build)
{
    int64_t n;
    if (!build || wd_parse_i64(build, &n))
        return NULL;
    return n >= 22000 ? "11" : n >= 10240 ? "10" : NULL;
}

/* Whether a computer the evidence names is the machine itself (or its FQDN). */
static int is_machine(const char *machine, const char *computer)
{
    size_t n = machine ? strlen(machine) : 0;
    return n && computer && wd_strncaseeq(machine, computer, n) &&
           (computer[n] == '\0' || computer[n] == '.');
}

static void write_machine(wd_writer *w)
{
    const wd_model *m = w->m;
    wd_emit *e = w->e;
    const char *build = wd_model_fact(m, "os.build");
    wd_em_open(e, "machine");
    wd_em_str(e, "name", m->machine ? m->machine : "unknown");
    wd_em_str(e, "product", wd_model_fact(m, "os.product"));
    wd_em_str(e, "version", wd_model_fact(m, "os.display_version"));
    wd_em_str(e, "build", build);
    wd_em_str(e, "ubr", wd_model_fact(m, "os.ubr"));
    wd_em_str(e, "edition", wd_model_fact(m, "os.edition"));
    wd_em_sym(e, "windows", windows_of(build));
    wd_em_list(e, "computers");
    for (size_t i = 0; i < m->ncomputers; i++) {
        wd_em_open(e, "computer");
        wd_em_str(e, "name", nz(m->computers[i].name));
        wd_em_i64(e, "records", m->computers[i].records);
        wd_em_bool(e, "main", is_machine(m->machine, m->computers[i].name));
        wd_em_close(e);
    }
    wd_em_list_end(e);
    wd_em_close(e);
}

/* ============================================================== verdict */

static const char *verdict_of(const wd_model *m)
{
    static const char *const ok[] = {"healthy", "warning", "failing", "incomplete"};
    for (size_t i = 0; m->verdict && i < 4; i++)
        if (!strcmp(m->verdict, ok[i]))
            return ok[i];
    return "healthy";
}

static size_t count_current(const wd_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nfindings; i++)
        n += current(&m->findings[i]);
    return n;
}

/* Appends text without its final full stop. */
static void put_clause(wd_buf *b, const char *text)
{
    size_t n = strlen(text);
    while (n && (text[n - 1] == '.' || text[n - 1] == ' '))
        n--;
    wd_buf_append(b, text, n);
}

static size_t unread(const wd_model *m)
{
    return m->notes_by_kind[WD_NOTE_UNREADABLE] + m->notes_by_kind[WD_NOTE_LIMIT];
}

/* One sentence saying where Windows Update stands. */
static void summary(const wd_model *m, const char *v, wd_buf *b)
{
    size_t cur = count_current(m), resolved = m->nfindings - cur;
    if (cur && strcmp(v, "healthy")) {
        put_clause(b, nz(m->findings[0].title));
        if (cur > 1)
            wd_buf_printf(b, "; %zu more current problem%s", cur - 1, cur == 2 ? "" : "s");
    } else if (!strcmp(v, "incomplete")) {
        wd_buf_printf(b,
                      "Nothing is wrong in what could be read, but %zu evidence "
                      "file%s could not be read in full: the diagnosis is incomplete",
                      unread(m), unread(m) == 1 ? "" : "s");
    } else if (!m->update_work) {
        wd_buf_puts(b, "Nothing is wrong in the evidence, but it shows no search, download or "
                       "install that would confirm that Windows Update works");
    } else {
        wd_buf_printf(b, "Windows Update works: nothing is wrong now in %zu activities",
                      m->activities);
        if (m->last_success)
            wd_buf_printf(b, "; the last update work succeeded on %.10s", m->last_success);
    }
    if (resolved)
        wd_buf_printf(b, " (%zu earlier problem%s resolved)", resolved, resolved == 1 ? "" : "s");
    if (unread(m) && strcmp(v, "incomplete"))
        wd_buf_puts(b, "; some evidence could not be read");
    wd_buf_putc(b, '.');
}

/* The first fix to try: the first fix the evidence does not show failed,
 * of the first current finding (the root cause ranks first) that has one.
 * *idx gets the finding. NULL when nothing current calls for a fix. */
const char *wd_model_first_fix(const wd_model *m, size_t *idx)
{
    for (size_t i = 0; i < m->nfindings; i++) {
        const wd_finding *f = &m->findings[i];
        if (!current(f))
            continue;
        for (size_t k = 0; k < f->nfixes; k++)
            if (!f->fix_failed || !f->fix_failed[k]) {
                if (idx)
                    *idx = i;
                return f->fixes[k];
            }
    }
    return NULL;
}

static void write_verdict(wd_writer *w)
{
    const wd_model *m = w->m;
    wd_emit *e = w->e;
    const char *v = verdict_of(m);
    size_t cur = count_current(m), idx = 0;
    wd_em_open(e, "verdict");
    wd_em_sym(e, "status", v);
    wd_em_bool(e, "incomplete", unread(m) > 0);
    wd_em_i64(e, "current", (int64_t)cur);
    wd_em_i64(e, "resolved", (int64_t)(m->nfindings - cur));
    wd_buf_reset(&w->tmp2);
    summary(m, v, &w->tmp2);
    wd_em_text(e, "summary", wd_buf_cstr(&w->tmp2));
    const char *fix = wd_model_first_fix(m, &idx);
    if (fix && idx < w->shown_findings) {
        const wd_kb_fix *fx = wd_kb_fix_find(w->kb, fix);
        char fid[32];
        snprintf(fid, sizeof fid, "finding-%zu", idx + 1);
        wd_em_open(e, "first-fix");
        wd_em_sym(e, "name", fix);
        wd_em_sym(e, "finding", fid);
        wd_em_content(e, "title", fx ? fx->title : fix);
        wd_em_close(e);
    }
    wd_em_close(e);
}

/* ============================================================= findings */

static const char *severity_of(const char *s)
{
    static const char *const ok[] = {"critical", "error", "warning", "info"};
    for (size_t i = 0; s && i < 4; i++)
        if (!strcmp(s, ok[i]))
            return ok[i];
    return "warning";
}

/* The id of the first shown finding of rule, or 0. */
static size_t finding_of_rule(const wd_writer *w, const char *rule)
{
    for (size_t i = 0; rule && i < w->shown_findings; i++)
        if (w->m->findings[i].rule && !strcmp(w->m->findings[i].rule, rule))
            return i + 1;
    return 0;
}

static int fix_failures(const wd_writer *w, const char *name)
{
    const wd_kb_fix *fx = wd_kb_fix_find(w->kb, name);
    if (!fx || fx->tried_by <= WD_OP_UNKNOWN || fx->tried_by >= WD_OP_COUNT)
        return 0;
    return w->m->op_failed[fx->tried_by];
}

static void finding_fixes(wd_writer *w, const wd_finding *f)
{
    wd_emit *e = w->e;
    wd_em_list(e, "fixes");
    for (size_t j = 0; j < f->nfixes; j++) {
        int failed = f->fix_failed && f->fix_failed[j];
        int n = fix_failures(w, f->fixes[j]);
        wd_em_open(e, "fix");
        wd_em_sym(e, "name", f->fixes[j]);
        wd_em_i64(e, "order", (int64_t)j + 1);
        wd_em_bool(e, "already-failed", failed || n > 0);
        if (failed || n > 0)
            wd_em_i64(e, "failures", n > 0 ? n : 1);
        wd_em_close(e);
    }
    wd_em_list_end(e);
}

static void write_finding(wd_writer *w, size_t i)
{
    const wd_finding *f = &w->m->findings[i];
    wd_emit *e = w->e;
    char id[32];
    wd_em_open(e, "finding");
    snprintf(id, sizeof id, "finding-%zu", i + 1);
    wd_em_sym(e, "id", id);
    wd_em_sym(e, "rule", nz(f->rule));
    wd_em_sym(e, "severity", severity_of(f->severity));
    wd_em_sym(e, "state", current(f) ? "current" : "resolved");
    size_t cause = finding_of_rule(w, f->cause);
    if (cause && cause != i + 1) {
        snprintf(id, sizeof id, "finding-%zu", cause);
        wd_em_sym(e, "cause", id);
    }
    wd_em_sym(e, "cause-rule", f->cause);
    if (f->known_issue && wd_kb_issue_find(w->kb, f->known_issue))
        wd_em_sym(e, "known-issue", f->known_issue);
    wd_em_text(e, "title", nz(f->title));
    wd_em_text(e, "explanation", nz(f->explanation));
    finding_fixes(w, f);
    wd_em_list(e, "codes");
    for (size_t j = 0; j < f->ncodes; j++) {
        const wd_kb_code *k = wd_kb_code_find(w->kb, f->codes[j]);
        wd_writer_code(w, f->codes[j]);
        wd_em_open(e, "code");
        wd_em_code(e, "value", f->codes[j]);
        wd_em_sym(e, "symbol", k && k->symbol[0] ? k->symbol : NULL);
        wd_em_close(e);
    }
    wd_em_list_end(e);
    wd_em_list(e, "evidence");
    for (size_t j = 0; j < f->nrefs && !e->err; j++)
        wd_writer_evidence(w, f->refs[j], 1);
    wd_em_list_end(e);
    wd_em_close(e);
}

static void write_findings(wd_writer *w)
{
    const wd_model *m = w->m;
    size_t n = m->nfindings, cur = count_current(m);
    wd_em_open(w->e, "findings");
    wd_em_i64(w->e, "total", (int64_t)n);
    wd_em_i64(w->e, "shown", (int64_t)w->shown_findings);
    wd_em_i64(w->e, "current", (int64_t)cur);
    wd_em_i64(w->e, "resolved", (int64_t)(n - cur));
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < w->shown_findings && !w->e->err; i++)
        write_finding(w, i);
    wd_em_list_end(w->e);
    wd_em_close(w->e);
}

/* ================================================================ fixes */

/* The distinct fix ids the shown findings give, in order of first mention
 * (the first fix first). Returns how many; *out is malloc'd. */
static size_t distinct_fixes(const wd_writer *w, const char ***out)
{
    size_t n = 0, cap = 0;
    const char **v = NULL;
    for (size_t i = 0; i < w->shown_findings; i++) {
        const wd_finding *f = &w->m->findings[i];
        for (size_t j = 0; j < f->nfixes; j++) {
            size_t k = 0;
            while (k < n && strcmp(v[k], f->fixes[j]))
                k++;
            if (k < n)
                continue;
            if (wd_array_reserve(&v, &cap, n + 1, sizeof *v)) {
                free(v);
                *out = NULL;
                return (size_t)-1;
            }
            v[n++] = f->fixes[j];
        }
    }
    *out = v;
    return n;
}

static void write_fix(wd_writer *w, const char *name)
{
    const wd_kb_fix *fx = wd_kb_fix_find(w->kb, name);
    wd_emit *e = w->e;
    char id[96];
    int n = fix_failures(w, name);
    snprintf(id, sizeof id, "fix-%s", name);
    wd_em_open(e, "fix");
    wd_em_sym(e, "id", id);
    wd_em_sym(e, "name", name);
    wd_em_bool(e, "known", fx != NULL);
    wd_em_bool(e, "admin", fx && fx->admin);
    wd_em_bool(e, "already-failed", n > 0);
    if (n > 0)
        wd_em_i64(e, "failures", n);
    if (fx && fx->tried_by > WD_OP_UNKNOWN && fx->tried_by < WD_OP_COUNT)
        wd_em_sym(e, "tried-by", wd_op_name(fx->tried_by));
    if (fx && fx->instead)
        wd_em_sym(e, "instead", fx->instead);
    wd_em_text(e, "title", fx ? nz(fx->title) : name);
    wd_em_text(e, "why", fx ? nz(fx->why) : "");
    wd_em_text(e, "risk", fx ? nz(fx->risk) : "");
    wd_em_list(e, "steps");
    for (size_t i = 0; fx && i < fx->nsteps; i++) {
        const char *os = fx->steps[i].os;
        wd_em_open(e, "step");
        wd_em_sym(e, "os", os && (!strcmp(os, "10") || !strcmp(os, "11")) ? os : "any");
        wd_em_content(e, "text", nz(fx->steps[i].text));
        wd_em_close(e);
    }
    wd_em_list_end(e);
    wd_em_close(e);
}

static void write_fixes(wd_writer *w)
{
    const char **v = NULL;
    size_t n = distinct_fixes(w, &v);
    if (n == (size_t)-1) {
        wd_em_fail(w->e, wd_error_set(WD_ENOMEM, "out of memory writing the report"));
        return;
    }
    wd_em_open(w->e, "fixes");
    wd_em_i64(w->e, "total", (int64_t)n);
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < n; i++)
        write_fix(w, v[i]);
    wd_em_list_end(w->e);
    wd_em_close(w->e);
    free(v);
}

static void write_issues(wd_writer *w)
{
    size_t n = 0;
    const wd_kb_issue *all = wd_kb_issues(w->kb, &n);
    wd_em_open(w->e, "known-issues");
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < n; i++) { /* in file order, each once */
        size_t j = 0;
        while (j < w->shown_findings &&
               (!w->m->findings[j].known_issue || strcmp(w->m->findings[j].known_issue, all[i].id)))
            j++;
        if (j == w->shown_findings)
            continue;
        char id[96];
        snprintf(id, sizeof id, "issue-%s", all[i].id);
        wd_em_open(w->e, "known-issue");
        wd_em_sym(w->e, "id", id);
        wd_em_sym(w->e, "name", all[i].id);
        wd_em_text(w->e, "title", nz(all[i].title));
        wd_em_text(w->e, "cause", nz(all[i].cause));
        wd_em_text(w->e, "workaround", nz(all[i].workaround));
        wd_em_text(w->e, "source", all[i].source);
        wd_em_close(w->e);
    }
    wd_em_list_end(w->e);
    wd_em_close(w->e);
}

/* ============================================================= document */

static int write_report(wd_emit *e, const wd_model *m, const wd_kb *kb, const wd_report_options *o,
                        int full)
{
    wd_writer *w = calloc(1, sizeof *w);
    if (!w)
        return wd_error_set(WD_ENOMEM, "out of memory writing the report");
    *w = (wd_writer){.e = e, .m = m, .kb = kb, .o = o, .full = full};
    w->shown_findings = full || m->nfindings <= WD_SUM_FINDINGS ? m->nfindings : WD_SUM_FINDINGS;
    wd_em_open(e, "report");
    wd_em_sym(e, "version", WD_REPORT_VERSION);
    write_run(w);
    write_machine(w);
    write_verdict(w);
    write_findings(w);
    write_fixes(w);
    write_issues(w);
    int rc = e->err ? e->err : wd_write_fix_journal(w);
    if (!rc)
        rc = e->err ? e->err : wd_write_subjects(w);
    if (!rc) {
        wd_write_services(w);
        wd_write_facts(w);
        rc = e->err ? e->err : wd_write_timeline(w);
    }
    if (!rc) {
        wd_write_notes(w);
        wd_write_sources(w);
        wd_write_codes(w);
        wd_em_close(e);
        rc = e->finish(e);
    }
    if (!rc && (!wd_buf_ok(&w->tmp) || !wd_buf_ok(&w->tmp2)))
        rc = wd_error_set(WD_ENOMEM, "out of memory writing the report");
    wd_buf_free(&w->tmp);
    wd_buf_free(&w->tmp2);
    free(w);
    return rc;
}

/* Writes the report through e, redacted when the options ask for it. */
static int write_with(wd_emit *e, const wd_model *m, const wd_kb *kb, const wd_report_options *o,
                      int full)
{
    wd_redactor *red = NULL;
    int rc = WD_OK;
    if (o && o->redact && !(rc = wd_redactor_new(&red)))
        rc = wd_redact_learn_report(red, m, o);
    if (!rc) {
        e->redact = red;
        rc = write_report(e, m, kb, o, full);
        e->redact = NULL;
    }
    wd_redactor_free(red);
    return rc;
}

int wd_report_xml_build(const wd_model *m, const wd_kb *kb, const wd_report_options *o,
                        void **doc_out)
{
    wd_emit *e = NULL;
    *doc_out = NULL;
    int rc = wd_emit_xml_tree(WD_REPORT_NS, &e);
    if (!rc)
        rc = write_with(e, m, kb, o, 0);
    if (!rc && !(*doc_out = wd_emit_xml_doc(e)))
        rc = wd_error_set(WD_ENOMEM, "out of memory building the report XML");
    wd_emit_free(e);
    return rc;
}

int wd_report_stream(const wd_model *m, const wd_kb *kb, const wd_report_options *o,
                     const char *format, const char *path)
{
    wd_outfile *f = NULL;
    wd_emit *e = NULL;
    int json = !strcmp(format, "json");
    int rc = wd_outfile_open(path, &f);
    if (!rc)
        rc = json ? wd_emit_json_stream(f, &e) : wd_emit_xml_stream(f, WD_REPORT_NS, &e);
    if (!rc)
        rc = write_with(e, m, kb, o, 1);
    wd_emit_free(e); /* flushes nothing more: finish did */
    if (rc) {
        wd_outfile_abort(f);
        return rc;
    }
    return wd_outfile_commit(f);
}
