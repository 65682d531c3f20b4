/* xml_rows.c - the rows behind the judgement, as the report writes them:
 * updates and streams in their current state, services against their
 * expected start, facts grouped by key, the timeline of activities newest
 * first, notes by kind, sources, and every code named, decoded once. The
 * full report streams subjects and activities from the store; the summary
 * shows the first of each with shown/total counts. */
#include "write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* ============================================================= subjects */

static void subject_codes(wd_writer *w, const wd_m_subject *s)
{
    wd_em_list(w->e, "codes");
    for (size_t i = 0; i < s->ncodes; i++) {
        const wd_kb_code *k = wd_kb_code_find(w->kb, s->codes[i]);
        wd_writer_code(w, s->codes[i]);
        wd_em_open(w->e, "code");
        wd_em_code(w->e, "value", s->codes[i]);
        wd_em_sym(w->e, "symbol", k && k->symbol[0] ? k->symbol : NULL);
        wd_em_str(w->e, "meaning", k && k->meaning[0] ? k->meaning : NULL);
        wd_em_close(w->e);
    }
    wd_em_list_end(w->e);
}

static void write_subject(wd_writer *w, const wd_m_subject *s)
{
    wd_emit *e = w->e;
    wd_em_open(e, s->kind == WD_SUBJ_UPDATE ? "update" : "stream");
    wd_em_sym(e, "kind", wd_subject_kind_name(s->kind));
    wd_em_str(e, "key", nz(s->key));
    wd_em_str(e, "kb", s->kb);
    wd_em_str(e, "title", s->title);
    wd_em_str(e, "update-id", s->update_id);
    wd_em_sym(e, "product", s->product ? wd_product_name(s->product) : NULL);
    wd_em_sym(e, "state", wd_state_name(s->state));
    if (s->failures) {
        wd_em_sym(e, "operation", wd_op_name(s->op));
        if (s->has_code)
            wd_em_code(e, "code", s->code);
    }
    wd_em_i64(e, "failures", (int64_t)s->failures);
    wd_em_i64(e, "attempts", (int64_t)s->attempts);
    wd_em_i64(e, "successes", (int64_t)s->successes);
    wd_em_i64(e, "activities", (int64_t)s->activities);
    wd_em_str(e, "first-failure", s->first_failure);
    wd_em_str(e, "last-failure", s->last_failure);
    wd_em_str(e, "last-success", s->last_success);
    if (s->state == WD_ST_RESOLVED)
        wd_em_str(e, "fixed-at", s->last_success);
    wd_em_str(e, "pending-since", s->pending_since);
    wd_em_str(e, "superseded-by", s->superseded_by);
    wd_em_str(e, "target", s->target);
    wd_em_str(e, "last-time", s->last_time);
    if (s->count >= 0)
        wd_em_i64(e, "count", s->count);
    subject_codes(w, s);
    wd_em_list(e, "evidence");
    for (size_t i = 0; i < s->nrefs && !e->err; i++)
        wd_writer_evidence(w, (wd_ref){WD_REF_ACTIVITY, s->refs[i]}, !w->full);
    wd_em_list_end(e);
    wd_em_close(e);
}

/* The counts of a section: subjects of the update kind, or of the others. */
static void subject_counts(wd_writer *w, int updates, size_t shown)
{
    size_t by[WD_ST_COUNT] = {0}, total = 0;
    for (int k = 0; k < WD_SUBJ_COUNT; k++)
        for (int st = 0; st < WD_ST_COUNT; st++)
            if ((k == WD_SUBJ_UPDATE) == updates) {
                by[st] += w->m->by_state[k][st];
                total += w->m->by_state[k][st];
            }
    wd_em_i64(w->e, "total", (int64_t)total);
    wd_em_i64(w->e, "shown", (int64_t)(w->full ? total : shown));
    for (int st = WD_ST_OK; st < WD_ST_COUNT; st++)
        wd_em_i64(w->e, wd_state_name((wd_state)st), (int64_t)by[st]);
}

/* What needs attention first: failing, waiting, then history. */
static int state_rank(wd_state s)
{
    static const int rank[WD_ST_COUNT] = {6, 5, 0, 3, 4, 1, 2};
    return s >= 0 && s < WD_ST_COUNT ? rank[s] : 6;
}

static int subject_cmp(const void *a, const void *b)
{
    const wd_m_subject *x = *(const wd_m_subject *const *)a, *y = *(const wd_m_subject *const *)b;
    int rx = state_rank(x->state), ry = state_rank(y->state);
    if (rx != ry)
        return rx - ry;
    int c = strcmp(nz(y->last_time), nz(x->last_time)); /* newest first */
    return c ? c : strcmp(nz(x->key), nz(y->key));
}

/* The summary: the kept subjects of one section, most urgent first. */
static int summary_section(wd_writer *w, int updates, const char *name, size_t cap)
{
    const wd_model *m = w->m;
    const wd_m_subject **v = calloc(m->nsubjects + 1, sizeof *v);
    size_t n = 0;
    if (!v)
        return wd_error_set(WD_ENOMEM, "out of memory writing the report");
    for (size_t i = 0; i < m->nsubjects; i++)
        if ((m->subjects[i].kind == WD_SUBJ_UPDATE) == updates)
            v[n++] = &m->subjects[i];
    qsort(v, n, sizeof *v, subject_cmp);
    size_t shown = n < cap ? n : cap;
    wd_em_open(w->e, name);
    subject_counts(w, updates, shown);
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < shown && !w->e->err; i++)
        write_subject(w, v[i]);
    wd_em_list_end(w->e);
    wd_em_close(w->e);
    free(v);
    return w->e->err;
}

typedef struct fold_out {
    wd_writer *w;
    int in_streams;
} fold_out;

static void open_section(wd_writer *w, int updates)
{
    wd_em_open(w->e, updates ? "updates" : "streams");
    subject_counts(w, updates, 0);
    wd_em_list(w->e, "items");
}

static void close_section(wd_writer *w)
{
    wd_em_list_end(w->e);
    wd_em_close(w->e);
}

/* The full report: every subject as the fold gives it (updates, then the
 * streams), written as it comes. */
static int on_subject(void *ctx, const wd_m_subject *s)
{
    fold_out *f = ctx;
    if (s->kind != WD_SUBJ_UPDATE && !f->in_streams) {
        close_section(f->w);
        open_section(f->w, 0);
        f->in_streams = 1;
    }
    write_subject(f->w, s);
    return f->w->e->err;
}

int wd_write_subjects(wd_writer *w)
{
    if (!w->full || !w->m->store) {
        int rc = summary_section(w, 1, "updates", w->full ? (size_t)-1 : WD_SUM_UPDATES);
        return rc ? rc : summary_section(w, 0, "streams", w->full ? (size_t)-1 : WD_SUM_STREAMS);
    }
    fold_out f = {w, 0};
    open_section(w, 1);
    int rc = wd_fold_subjects(w->m->store, w->m->snapshot_id, on_subject, &f, NULL);
    if (rc)
        return w->e->err ? w->e->err : rc;
    if (!f.in_streams) {
        close_section(w);
        open_section(w, 0);
    }
    close_section(w);
    return w->e->err;
}

/* ============================================================= services */

static int is_auto(const char *start)
{
    return start && (!strcmp(start, "auto") || !strcmp(start, "delayed-auto"));
}

/* "complete", "partial", "unknown" (a listing that does not say), "none". */
static const char *listing_of(const wd_model *m)
{
    const char *v = wd_model_fact(m, "services.listing");
    if (!m->nservices)
        return "none";
    return v && (!strcmp(v, "complete") || !strcmp(v, "partial")) ? v : "unknown";
}

/* Status and a one-line reading of a listed service against its default
 * on this build (expected: NULL when it depends on the version). */
static const char *read_listed(const wd_m_service *s, const wd_update_service *t,
                               const char *expected, wd_buf *why)
{
    const char *st = nz(s->start_type), *state = nz(s->state);
    if (t && !expected && strcmp(st, "disabled")) {
        wd_buf_printf(why, "%s, start type %s (its default depends on the Windows version).",
                      state, st);
        return "ok";
    }
    if (!t) {
        wd_buf_printf(why, "%s, start type %s.", state, st);
        return !strcmp(st, "disabled") ? "warning" : "ok";
    }
    if (!strcmp(st, "disabled")) {
        wd_buf_printf(why, "Disabled; Windows sets it to %s.", expected ? expected : "manual or auto");
        return t->essential ? "problem" : "warning";
    }
    if (!strcmp(state, "stopped") && is_auto(expected) && is_auto(st)) {
        wd_buf_puts(why, "Stopped, although it starts automatically.");
        return "warning";
    }
    if (strcmp(st, "unknown") && strcmp(st, expected) && !(is_auto(st) && is_auto(expected))) {
        wd_buf_printf(why, "Start type %s; Windows sets it to %s.", st, expected);
        /* starting more eagerly than the default does not stop updates */
        return strcmp(expected, "manual") ? "warning" : "ok";
    }
    wd_buf_puts(why, "As expected.");
    return "ok";
}

static const char *read_unlisted(const char *listing, wd_buf *why)
{
    if (!strcmp(listing, "none")) {
        wd_buf_puts(why, "The evidence has no service listing.");
        return "not-listed";
    }
    if (!strcmp(listing, "complete")) {
        wd_buf_puts(why, "Not in the complete service listing: the service is missing or "
                         "was deleted.");
        return "missing";
    }
    wd_buf_puts(why, "Not in the evidence: the service listing does not hold every service.");
    return "not-listed";
}

static void service_exit(wd_writer *w, const wd_m_service *s, wd_buf *why)
{
    if (!s || s->exit_code <= 0 || strcmp(nz(s->state), "stopped"))
        return;
    const char *name = wd_kb_win32_name(w->kb, (unsigned)s->exit_code);
    wd_em_i64(w->e, "exit-code", s->exit_code);
    wd_em_sym(w->e, "exit-name", name);
    wd_buf_printf(why, " Stopped with exit code %lld%s%s%s.", (long long)s->exit_code,
                  name ? " (" : "", nz(name), name ? ")" : "");
    if (s->exit_code == 1066 && s->service_exit_code > 0) { /* ERROR_SERVICE_SPECIFIC_ERROR */
        wd_em_i64(w->e, "service-exit-code", s->service_exit_code);
        wd_buf_printf(why, " Its own code: %lld.", (long long)s->service_exit_code);
    }
}

static void write_service(wd_writer *w, const wd_m_service *s, const wd_update_service *t,
                          const char *listing)
{
    wd_emit *e = w->e;
    wd_buf *why = &w->tmp2;
    wd_buf_reset(why);
    const char *expected = t ? wd_model_expected_start(w->m, t->name) : NULL;
    const char *status = s ? read_listed(s, t, expected, why) : read_unlisted(listing, why);
    wd_em_open(e, "service");
    if (s) {
        char id[40];
        snprintf(id, sizeof id, "service-%lld", (long long)s->id);
        wd_em_sym(e, "id", id);
    }
    wd_em_str(e, "name", s ? nz(s->name) : t->name);
    wd_em_str(e, "display-name", s && s->display_name ? s->display_name : t ? t->display_name : "");
    wd_em_bool(e, "essential", t && t->essential);
    wd_em_sym(e, "status", status);
    wd_em_str(e, "state", s ? nz(s->state) : NULL);
    wd_em_str(e, "start-type", s ? nz(s->start_type) : NULL);
    wd_em_sym(e, "expected-start", expected);
    if (s && s->pid > 0)
        wd_em_i64(e, "pid", s->pid);
    service_exit(w, s, why);
    if (s) {
        wd_em_str(e, "source", s->source);
        wd_buf_reset(&w->tmp);
        wd_buf_printf(&w->tmp, "%s: %s", wd_writer_base(s->source), nz(s->name));
        wd_em_str(e, "label", wd_buf_cstr(&w->tmp));
    }
    wd_em_content(e, "reading", wd_buf_cstr(why));
    wd_em_close(e);
}

static int cited(const wd_model *m, wd_ref_kind kind, int64_t id)
{
    for (size_t i = 0; i < m->nfindings; i++)
        for (size_t j = 0; j < m->findings[i].nrefs; j++)
            if (m->findings[i].refs[j].kind == kind && m->findings[i].refs[j].row_id == id)
                return 1;
    return 0;
}

void wd_write_services(wd_writer *w)
{
    const wd_model *m = w->m;
    size_t n, shown = 0;
    const wd_update_service *t = wd_update_services(&n);
    const char *listing = listing_of(m);
    wd_em_open(w->e, "services");
    wd_em_sym(w->e, "listing", listing);
    wd_em_i64(w->e, "listed", (int64_t)m->nservices);
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < n; i++) {
        const wd_m_service *s = wd_model_service(m, t[i].name);
        shown += s != NULL;
        write_service(w, s, &t[i], listing);
    }
    for (size_t i = 0; i < m->nservices && !w->e->err; i++) {
        const wd_m_service *s = &m->services[i];
        const wd_update_service *ts = wd_update_service_find(s->name);
        if (ts && wd_model_service(m, s->name) == s)
            continue; /* in the table above */
        if (!w->full && (shown >= WD_SUM_SERVICES + n || !cited(m, WD_REF_SERVICE, s->id)))
            continue;
        shown++;
        write_service(w, s, ts, listing);
    }
    wd_em_list_end(w->e);
    wd_em_close(w->e);
}

/* ================================================================ facts */

static int fact_cmp(const void *a, const void *b)
{
    const wd_m_fact *x = *(const wd_m_fact *const *)a, *y = *(const wd_m_fact *const *)b;
    int c = strcmp(nz(x->key), nz(y->key));
    if (!c)
        c = strcmp(nz(y->time), nz(x->time)); /* newest first */
    if (!c)
        c = x->id < y->id ? -1 : x->id > y->id;
    return c;
}

static void write_fact_group(wd_writer *w, const wd_m_fact *const *v, size_t n)
{
    int conflict = 0;
    for (size_t i = 1; i < n; i++)
        conflict |= strcmp(nz(v[i]->value), nz(v[0]->value)) != 0;
    wd_em_open(w->e, "fact");
    wd_em_str(w->e, "key", nz(v[0]->key));
    wd_em_bool(w->e, "conflict", conflict);
    wd_em_list(w->e, "values");
    for (size_t i = 0; i < n; i++) {
        const wd_m_fact *f = v[i];
        char id[40];
        snprintf(id, sizeof id, "fact-%lld", (long long)f->id);
        wd_em_open(w->e, "value");
        wd_em_sym(w->e, "id", id);
        wd_em_str(w->e, "source", f->source);
        wd_em_str(w->e, "label", f->source ? wd_writer_base(f->source) : NULL);
        wd_em_str(w->e, "time", f->time);
        wd_em_content(w->e, "value", nz(f->value));
        wd_em_close(w->e);
    }
    wd_em_list_end(w->e);
    wd_em_close(w->e);
}

static int same_key(const wd_m_fact *a, const wd_m_fact *b)
{
    return !strcmp(nz(a->key), nz(b->key));
}

void wd_write_facts(wd_writer *w)
{
    const wd_model *m = w->m;
    const wd_m_fact **v = calloc(m->nfacts + 1, sizeof *v);
    size_t keys = 0;
    if (!v) {
        wd_em_fail(w->e, wd_error_set(WD_ENOMEM, "out of memory writing the report"));
        return;
    }
    for (size_t i = 0; i < m->nfacts; i++)
        v[i] = &m->facts[i];
    qsort(v, m->nfacts, sizeof *v, fact_cmp);
    for (size_t i = 0; i < m->nfacts; i++)
        keys += !i || !same_key(v[i], v[i - 1]);
    wd_em_open(w->e, "facts");
    wd_em_i64(w->e, "total", (int64_t)m->nfacts);
    wd_em_i64(w->e, "keys", (int64_t)keys);
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < m->nfacts;) {
        size_t j = i + 1;
        while (j < m->nfacts && same_key(v[j], v[i]))
            j++;
        write_fact_group(w, v + i, j - i);
        i = j;
    }
    wd_em_list_end(w->e);
    wd_em_close(w->e);
    free(v);
}

/* ============================================================= timeline */

static int is_failure(const wd_activity_rec *a)
{
    return a->outcome == WD_OUT_FAILED ||
           (a->operation == WD_OP_VERIFY && a->count > 0 && a->outcome == WD_OUT_SUCCEEDED);
}

typedef struct tl_ctx {
    wd_writer *w;
    wd_buf key;
} tl_ctx;

static void activity_identity(wd_emit *e, const wd_activity_rec *a)
{
    wd_em_str(e, "kb", a->kb);
    wd_em_str(e, "title", a->title);
    wd_em_str(e, "update-id", a->update_id);
    wd_em_sym(e, "product", a->product ? wd_product_name(a->product) : NULL);
    wd_em_str(e, "service", a->service);
    wd_em_str(e, "target", a->target);
    if (a->count >= 0)
        wd_em_i64(e, "count", a->count);
    wd_em_str(e, "computer", a->computer);
    wd_em_str(e, "component", a->component);
}

static int on_activity(void *ctx, const wd_activity_row *row)
{
    tl_ctx *t = ctx;
    wd_writer *w = t->w;
    wd_emit *e = w->e;
    const wd_activity_rec *a = &row->rec;
    char id[40];
    snprintf(id, sizeof id, "activity-%lld", (long long)row->id);
    wd_em_open(e, "activity");
    wd_em_sym(e, "id", id);
    wd_em_str(e, "time", a->time);
    if (row->repeats > 0) {
        wd_em_i64(e, "repeats", row->repeats);
        wd_em_str(e, "last-time", row->last_time);
    }
    wd_em_sym(e, "operation", wd_op_name(a->operation));
    wd_em_sym(e, "outcome", wd_outcome_name(a->outcome));
    if (is_failure(a))
        wd_em_sym(e, "state", wd_model_failure_state(w->m, row, &t->key, NULL));
    if (a->has_code) {
        wd_em_code(e, "code", a->code);
        wd_writer_code(w, a->code);
    }
    activity_identity(e, a);
    wd_buf_reset(&w->tmp);
    wd_writer_loc_label(&a->where, &w->tmp);
    wd_em_str(e, "label", w->tmp.len ? wd_buf_cstr(&w->tmp) : NULL);
    wd_em_str(e, "source", a->where.source);
    wd_em_content(e, "detail", a->detail);
    wd_em_close(e);
    return e->err;
}

int wd_write_timeline(wd_writer *w)
{
    const wd_model *m = w->m;
    size_t shown = w->full || m->activities < WD_SUM_TIMELINE ? m->activities : WD_SUM_TIMELINE;
    wd_em_open(w->e, "timeline");
    wd_em_sym(w->e, "order", "newest-first");
    wd_em_i64(w->e, "total", (int64_t)m->activities);
    wd_em_i64(w->e, "shown", (int64_t)shown);
    wd_em_i64(w->e, "trace", (int64_t)m->trace);
    wd_em_str(w->e, "start", m->evidence_start);
    wd_em_str(w->e, "end", m->evidence_time);
    wd_em_list(w->e, "items");
    int rc = WD_OK;
    if (m->store && shown) {
        tl_ctx t = {w, WD_BUF_INIT};
        wd_activity_query q = {.order = WD_ORDER_TIME_DESC,
                               .outcomes = ((1u << WD_OUT_COUNT) - 1) & ~(1u << WD_OUT_TRACE),
                               .limit = w->full ? 0 : (int64_t)shown};
        rc = wd_store_activities(m->store, m->snapshot_id, &q, on_activity, &t);
        wd_buf_free(&t.key);
    }
    wd_em_list_end(w->e);
    wd_em_close(w->e);
    return w->e->err ? w->e->err : rc;
}

/* ======================================================= notes, sources */

static void write_note(wd_emit *e, int64_t row, const char *kind, const char *source,
                       const char *location, const char *reason)
{
    char id[40];
    snprintf(id, sizeof id, "note-%lld", (long long)row);
    wd_em_open(e, "note");
    wd_em_sym(e, "id", id);
    wd_em_sym(e, "kind", kind);
    wd_em_str(e, "source", source);
    wd_em_str(e, "location", location);
    wd_em_content(e, "reason", nz(reason));
    wd_em_close(e);
}

/* The full report streams every note of one kind from the store. */
typedef struct note_walk {
    wd_emit *e;
    wd_note_kind kind;
} note_walk;

static int on_store_note(void *ctx, int64_t row, const wd_note_rec *r)
{
    const note_walk *nw = ctx;
    if (r->kind == nw->kind)
        write_note(nw->e, row, wd_note_kind_name(r->kind), r->source, r->location, r->reason);
    return nw->e->err;
}

void wd_write_notes(wd_writer *w)
{
    static const wd_note_kind order[] = {WD_NOTE_UNREADABLE, WD_NOTE_LIMIT, WD_NOTE_PARTIAL,
                                         WD_NOTE_INFO};
    const wd_model *m = w->m;
    int stream = w->full && m->store;
    size_t shown = stream                       ? m->notes_total
                   : m->nnotes < WD_SUM_NOTES || w->full ? m->nnotes
                                                         : WD_SUM_NOTES;
    wd_emit *e = w->e;
    wd_em_open(e, "notes");
    wd_em_i64(e, "total", (int64_t)m->notes_total);
    wd_em_i64(e, "shown", (int64_t)shown);
    for (size_t k = 0; k < 4; k++)
        wd_em_i64(e, wd_note_kind_name(order[k]), (int64_t)m->notes_by_kind[order[k]]);
    wd_em_list(e, "items");
    size_t n = 0;
    for (size_t k = 0; k < 4 && !e->err; k++) {
        if (stream) { /* every note, most serious kind first, memory flat */
            note_walk nw = {e, order[k]};
            int rc = wd_store_notes(m->store, m->snapshot_id, on_store_note, &nw);
            if (rc && !e->err)
                wd_em_fail(e, rc);
            continue;
        }
        for (size_t i = 0; i < m->nnotes && n < shown; i++) {
            const wd_m_note *nt = &m->notes[i];
            if (nt->kind != order[k])
                continue;
            n++;
            write_note(e, nt->id, wd_note_kind_name(nt->kind), nt->source, nt->location,
                       nt->reason);
        }
    }
    wd_em_list_end(e);
    wd_em_close(e);
}

void wd_write_sources(wd_writer *w)
{
    const wd_model *m = w->m;
    size_t shown = w->full || m->nsources < WD_SUM_SOURCES ? m->nsources : WD_SUM_SOURCES;
    wd_emit *e = w->e;
    wd_em_open(e, "sources");
    wd_em_i64(e, "total", (int64_t)m->sources_total);
    wd_em_i64(e, "shown", (int64_t)shown);
    wd_em_list(e, "items");
    for (size_t i = 0; i < shown; i++) {
        const wd_m_source *s = &m->sources[i];
        char id[40];
        snprintf(id, sizeof id, "source-%lld", (long long)s->id);
        wd_em_open(e, "source");
        wd_em_sym(e, "id", id);
        wd_em_str(e, "path", nz(s->path));
        wd_em_str(e, "kind", s->kind ? s->kind : "unknown");
        wd_em_i64(e, "records", (int64_t)s->records);
        wd_em_i64(e, "kept", (int64_t)s->kept);
        wd_em_i64(e, "errors", (int64_t)s->errors);
        wd_em_i64(e, "notes", (int64_t)s->notes);
        wd_em_close(e);
    }
    wd_em_list_end(e);
    wd_em_close(e);
}

/* ================================================================ codes */

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* What a code means: the knowledge base's words, else what decoding it
 * tells (severity, facility, the Win32 error inside). */
static void code_meaning(const wd_writer *w, uint32_t code, wd_buf *out, const char **component)
{
    const wd_kb_code *k = wd_kb_code_find(w->kb, code);
    if (k) {
        *component = k->component;
        wd_buf_puts(out, nz(k->meaning));
        return;
    }
    wd_hr_decoded d = {0};
    wd_hr_decode(w->kb, code, &d);
    *component = d.facility_name;
    wd_buf_printf(out, "Not in the knowledge base. %s, facility %s%s%u, ",
                  d.failure ? "A failure code" : "A success code", nz(d.facility_name),
                  d.facility_name && *d.facility_name ? " " : "", d.facility);
    if (d.is_win32)
        wd_buf_printf(out, "Win32 error %u%s%s.", d.code, *nz(d.win32_name) ? " " : "",
                      nz(d.win32_name));
    else
        wd_buf_printf(out, "code 0x%04X.", d.code);
}

static void write_code(wd_writer *w, uint32_t code)
{
    const wd_kb_code *k = wd_kb_code_find(w->kb, code);
    const char *component = NULL, *symbol = k && k->symbol[0] ? k->symbol : NULL;
    wd_hr_decoded d = {0};
    if (!symbol) {
        wd_hr_decode(w->kb, code, &d);
        symbol = d.win32_name && d.win32_name[0] ? d.win32_name : NULL;
    }
    wd_buf_reset(&w->tmp2);
    code_meaning(w, code, &w->tmp2, &component);
    wd_em_open(w->e, "code");
    wd_em_code(w->e, "value", code);
    wd_em_sym(w->e, "symbol", symbol);
    wd_em_str(w->e, "component", component && *component ? component : NULL);
    wd_em_bool(w->e, "known", k != NULL);
    wd_em_bool(w->e, "failure", (code >> 31) != 0);
    wd_em_text(w->e, "meaning", wd_buf_cstr(&w->tmp2));
    if (k && k->causes[0])
        wd_em_text(w->e, "causes", k->causes);
    wd_em_close(w->e);
}

void wd_write_codes(wd_writer *w)
{
    uint32_t *v = calloc(w->ncodes + 1, sizeof *v);
    size_t n = 0;
    if (!v) {
        wd_em_fail(w->e, wd_error_set(WD_ENOMEM, "out of memory writing the report"));
        return;
    }
    for (size_t i = 0; i < WD_CODE_SLOTS; i++)
        if (w->code_used[i])
            v[n++] = w->code_slot[i];
    qsort(v, n, sizeof *v, u32_cmp);
    wd_em_open(w->e, "codes");
    wd_em_i64(w->e, "total", (int64_t)(n + w->codes_dropped));
    wd_em_i64(w->e, "shown", (int64_t)n);
    wd_em_list(w->e, "items");
    for (size_t i = 0; i < n; i++)
        write_code(w, v[i]);
    wd_em_list_end(w->e);
    wd_em_close(w->e);
    free(v);
}
