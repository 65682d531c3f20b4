/* model.c - loads what the judgement needs of one stored snapshot: its
 * services and facts, the first notes and sources with totals, earlier
 * snapshots of the machine, the computers it names, and the subjects the
 * activities fold into (those not simply fine). Bounded whatever the size
 * of the evidence; activities and events stay in the store. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct loader {
    wd_model *m;
    size_t cap_services, cap_facts, cap_notes, cap_sources, cap_past, cap_computers,
        cap_subjects;
    int oom;
} loader;

static char *dup(loader *l, const char *s)
{
    if (!s)
        return NULL;
    char *p = wd_strdup(s);
    if (!p)
        l->oom = 1;
    return p;
}

/* Appends one zeroed element to an array of the model; NULL (the message
 * set) when out of memory. */
static void *add(void *arrp, size_t *n, size_t *cap, size_t size)
{
    void *el = wd_array_grow(arrp, n, cap, size);
    if (!el)
        wd_error_set(WD_ENOMEM, "out of memory loading the snapshot");
    return el;
}

#define ADD(l, field, capfield) \
    add(&(l)->m->field, &(l)->m->n##field, &(l)->capfield, sizeof *(l)->m->field)

static int done(loader *l)
{
    return l->oom ? wd_error_set(WD_ENOMEM, "out of memory loading the snapshot") : 0;
}

/* ------------------------------------------------------------------ rows */

static int on_info(void *ctx, const wd_snapshot_info *i)
{
    loader *l = ctx;
    l->m->snapshot_id = i->id;
    l->m->machine = dup(l, i->machine);
    l->m->collected_at = dup(l, i->collected_at);
    l->m->evidence_time = dup(l, i->evidence_time);
    l->m->command_line = dup(l, i->command_line);
    l->m->evidence = dup(l, i->evidence);
    l->m->events = (size_t)i->events;
    return done(l);
}

static int on_service(void *ctx, int64_t id, const wd_service_rec *r)
{
    loader *l = ctx;
    wd_m_service *s = ADD(l, services, cap_services);
    if (!s)
        return WD_ENOMEM;
    s->id = id;
    s->name = dup(l, r->name);
    s->display_name = dup(l, r->display_name);
    s->state = dup(l, r->state);
    s->start_type = dup(l, r->start_type);
    s->source = dup(l, r->source);
    s->pid = r->pid;
    s->exit_code = r->exit_code;
    s->service_exit_code = r->service_exit_code;
    return done(l);
}

static int on_fact(void *ctx, int64_t id, const wd_fact_rec *r)
{
    loader *l = ctx;
    wd_m_fact *f = ADD(l, facts, cap_facts);
    if (!f)
        return WD_ENOMEM;
    f->id = id;
    f->key = dup(l, r->key);
    f->value = dup(l, r->value);
    f->source = dup(l, r->source);
    f->time = dup(l, r->time);
    return done(l);
}

/* A kept note that may give way to a more important one (a lost file or a
 * budget cut outranks a skipped file or a damaged record), or NULL. */
static wd_m_note *displaceable(wd_model *m, wd_note_kind kind)
{
    if (kind != WD_NOTE_UNREADABLE && kind != WD_NOTE_LIMIT)
        return NULL;
    for (size_t i = m->nnotes; i-- > 0;)
        if (m->notes[i].kind == WD_NOTE_INFO || m->notes[i].kind == WD_NOTE_PARTIAL)
            return &m->notes[i];
    return NULL;
}

static int on_note(void *ctx, int64_t id, const wd_note_rec *r)
{
    loader *l = ctx;
    wd_model *m = l->m;
    m->notes_total++;
    if ((size_t)r->kind < sizeof m->notes_by_kind / sizeof m->notes_by_kind[0])
        m->notes_by_kind[r->kind]++;
    wd_m_note *n = NULL;
    if (m->nnotes < WD_MODEL_MAX_NOTES) {
        n = ADD(l, notes, cap_notes);
        if (!n)
            return WD_ENOMEM;
    } else if ((n = displaceable(m, r->kind)) != NULL) {
        free(n->source), free(n->location), free(n->reason);
        memset(n, 0, sizeof *n);
    } else {
        return 0;
    }
    n->id = id;
    n->source = dup(l, r->source);
    n->location = dup(l, r->location);
    n->reason = dup(l, r->reason);
    n->kind = r->kind;
    return done(l);
}

static int on_source(void *ctx, int64_t id, const wd_source_rec *r)
{
    loader *l = ctx;
    l->m->sources_total++;
    if (l->m->nsources >= WD_MODEL_MAX_SOURCES)
        return 0;
    wd_m_source *s = ADD(l, sources, cap_sources);
    if (!s)
        return WD_ENOMEM;
    s->id = id;
    s->path = dup(l, r->path);
    s->kind = dup(l, r->kind);
    s->records = r->records;
    s->kept = r->kept;
    s->errors = r->errors;
    return done(l);
}

static int on_past(void *ctx, const wd_snapshot_info *i)
{
    loader *l = ctx;
    if (i->id == l->m->snapshot_id)
        return 0;
    wd_m_past *p = ADD(l, past, cap_past);
    if (!p)
        return WD_ENOMEM;
    p->id = i->id;
    p->collected_at = dup(l, i->collected_at);
    p->verdict = dup(l, i->verdict);
    p->failures = i->failures;
    return done(l);
}

static int on_computer(void *ctx, const wd_computer_info *info)
{
    loader *l = ctx;
    if (l->m->ncomputers >= WD_MODEL_MAX_COMPUTERS)
        return 0;
    wd_m_computer *c = ADD(l, computers, cap_computers);
    if (!c)
        return WD_ENOMEM;
    c->name = dup(l, info->name);
    c->records = info->records;
    c->first = dup(l, info->first);
    c->last = dup(l, info->last);
    return done(l);
}

/* ------------------------------------------------------------- subjects */

static void copy_subject(loader *l, wd_m_subject *to, const wd_m_subject *from)
{
    *to = *from;
    to->key = dup(l, from->key);
    to->kb = dup(l, from->kb);
    to->title = dup(l, from->title);
    to->update_id = dup(l, from->update_id);
    to->line = dup(l, from->line);
    to->first_failure = dup(l, from->first_failure);
    to->last_failure = dup(l, from->last_failure);
    to->last_success = dup(l, from->last_success);
    to->last_time = dup(l, from->last_time);
    to->pending_since = dup(l, from->pending_since);
    to->superseded_by = dup(l, from->superseded_by);
    to->target = dup(l, from->target);
    to->start_type = dup(l, from->start_type);
    to->start_time = dup(l, from->start_time);
}

/* Keeps the subjects the judgement needs: every one that is not simply
 * fine (up to the cap), counting all of them. */
static int on_subject(void *ctx, const wd_m_subject *s)
{
    loader *l = ctx;
    wd_model *m = l->m;
    m->subjects_total++;
    m->by_state[s->kind][s->state]++;
    int disabled = s->start_type && !strcmp(s->start_type, "disabled");
    if ((s->state == WD_ST_OK || s->state == WD_ST_NONE) && !disabled)
        return 0;
    if (m->nsubjects >= WD_MODEL_MAX_SUBJECTS) {
        m->subjects_dropped++;
        return 0;
    }
    wd_m_subject *to = ADD(l, subjects, cap_subjects);
    if (!to)
        return WD_ENOMEM;
    copy_subject(l, to, s);
    return done(l);
}

/* Counts the notes that name each kept source (one pass over each; the
 * notes kept are bounded, so this stays linear in what is shown). */
static void count_source_notes(wd_model *m)
{
    for (size_t i = 0; i < m->nnotes; i++) {
        const char *src = m->notes[i].source;
        for (size_t j = 0; src && j < m->nsources; j++)
            if (m->sources[j].path && !strcmp(m->sources[j].path, src)) {
                m->sources[j].notes++;
                break;
            }
    }
}

static uint32_t subject_hash(wd_subject_kind kind, const char *key)
{
    uint32_t h = 2166136261u ^ (uint32_t)kind;
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h;
}

/* Indexes the kept subjects by kind and key (lookups per activity). */
static int index_subjects(wd_model *m)
{
    size_t n = 64;
    while (n < 2 * m->nsubjects)
        n *= 2;
    m->subject_slots = calloc(n, sizeof *m->subject_slots);
    if (!m->subject_slots)
        return wd_error_set(WD_ENOMEM, "out of memory loading the snapshot");
    m->nsubject_slots = n;
    for (size_t i = 0; i < m->nsubjects; i++) {
        const wd_m_subject *s = &m->subjects[i];
        size_t h = subject_hash(s->kind, s->key ? s->key : "") & (n - 1);
        while (m->subject_slots[h])
            h = (h + 1) & (n - 1);
        m->subject_slots[h] = (int)i + 1;
    }
    return WD_OK;
}

static int load_rows(wd_store *s, int64_t snap, loader *l)
{
    wd_model *m = l->m;
    wd_fold_totals t;
    int rc = wd_store_snapshot(s, snap, on_info, l);
    if (!rc)
        rc = wd_store_services(s, snap, on_service, l);
    if (!rc)
        rc = wd_store_facts(s, snap, on_fact, l);
    if (!rc)
        rc = wd_store_notes(s, snap, on_note, l);
    if (!rc)
        rc = wd_store_sources(s, snap, on_source, l);
    if (!rc)
        rc = wd_store_computers(s, snap, on_computer, l);
    if (!rc && m->machine)
        rc = wd_store_list(s, m->machine, NULL, on_past, l);
    if (!rc)
        rc = wd_fold_subjects(s, snap, on_subject, l, &t);
    if (rc)
        return rc;
    m->activities = t.activities;
    m->failed = t.failed;
    m->trace = t.trace;
    m->update_work = t.update_work;
    m->servicing_work = t.servicing_work;
    m->last_success = t.last_success[0] ? dup(l, t.last_success) : NULL;
    m->evidence_start = t.first_time[0] ? dup(l, t.first_time) : NULL;
    count_source_notes(m);
    rc = done(l);
    return rc ? rc : index_subjects(m);
}

int wd_model_load(wd_store *s, int64_t snap, wd_model **out)
{
    *out = NULL;
    wd_model *m = calloc(1, sizeof *m);
    if (!m)
        return wd_error_set(WD_ENOMEM, "out of memory loading the snapshot");
    m->store = s;
    loader l = {.m = m};
    int rc = load_rows(s, snap, &l);
    if (rc) {
        wd_model_free(m);
        return rc;
    }
    *out = m;
    return WD_OK;
}

/* ----------------------------------------------------------------- free */

void wd_finding_clear(wd_finding *f)
{
    if (!f)
        return;
    free(f->rule), free(f->severity), free(f->title), free(f->explanation);
    for (size_t i = 0; i < f->nfixes; i++)
        free(f->fixes[i]);
    free(f->fixes);
    free(f->fix_failed);
    free(f->refs);
    free(f->cause);
    free(f->known_issue);
    free(f->codes);
    free(f->service);
    memset(f, 0, sizeof *f);
}

static void free_subject(wd_m_subject *s)
{
    free(s->key), free(s->kb), free(s->title), free(s->update_id), free(s->line);
    free(s->first_failure), free(s->last_failure), free(s->last_success), free(s->last_time);
    free(s->pending_since), free(s->superseded_by), free(s->target);
    free(s->start_type), free(s->start_time);
}

void wd_model_free(wd_model *m)
{
    if (!m)
        return;
    free(m->machine), free(m->collected_at), free(m->evidence_time), free(m->command_line);
    free(m->evidence), free(m->evidence_start), free(m->last_success);
    for (size_t i = 0; i < m->nservices; i++) {
        wd_m_service *s = &m->services[i];
        free(s->name), free(s->display_name), free(s->state), free(s->start_type);
        free(s->source);
    }
    for (size_t i = 0; i < m->nfacts; i++)
        free(m->facts[i].key), free(m->facts[i].value), free(m->facts[i].source),
            free(m->facts[i].time);
    for (size_t i = 0; i < m->nnotes; i++)
        free(m->notes[i].source), free(m->notes[i].location), free(m->notes[i].reason);
    for (size_t i = 0; i < m->nsources; i++)
        free(m->sources[i].path), free(m->sources[i].kind);
    for (size_t i = 0; i < m->npast; i++)
        free(m->past[i].collected_at), free(m->past[i].verdict);
    for (size_t i = 0; i < m->ncomputers; i++)
        free(m->computers[i].name), free(m->computers[i].first), free(m->computers[i].last);
    for (size_t i = 0; i < m->nsubjects; i++)
        free_subject(&m->subjects[i]);
    for (size_t i = 0; i < m->nfindings; i++)
        wd_finding_clear(&m->findings[i]);
    free(m->services), free(m->facts), free(m->notes), free(m->sources), free(m->past);
    free(m->computers), free(m->subjects), free(m->subject_slots), free(m->findings);
    free(m);
}

/* --------------------------------------------------------------- lookup */

/* The newest value of a fact: one seen at capture (no time) counts as the
 * newest, then the latest time. */
const char *wd_model_fact(const wd_model *m, const char *key)
{
    const wd_m_fact *best = NULL;
    for (size_t i = 0; i < m->nfacts; i++) {
        const wd_m_fact *f = &m->facts[i];
        if (!f->key || strcmp(f->key, key) || !f->value)
            continue;
        if (!best || (best->time && (!f->time || strcmp(f->time, best->time) > 0)))
            best = f;
    }
    return best ? best->value : NULL;
}

const wd_m_service *wd_model_service(const wd_model *m, const char *name)
{
    for (size_t i = 0; i < m->nservices; i++)
        if (m->services[i].name && wd_strcaseeq(m->services[i].name, name))
            return &m->services[i];
    return NULL;
}

const wd_m_subject *wd_model_subject(const wd_model *m, wd_subject_kind kind, const char *key)
{
    if (!m->nsubject_slots || !key)
        return NULL;
    size_t n = m->nsubject_slots, h = subject_hash(kind, key) & (n - 1);
    for (; m->subject_slots[h]; h = (h + 1) & (n - 1)) {
        const wd_m_subject *s = &m->subjects[m->subject_slots[h] - 1];
        if (s->kind == kind && s->key && !strcmp(s->key, key))
            return s;
    }
    return NULL;
}

const char *wd_model_failure_state(const wd_model *m, const wd_activity_row *row, wd_buf *key,
                                   const wd_m_subject **subject)
{
    wd_subject_kind kind;
    int has = wd_subject_of(row, &kind, key);
    const wd_m_subject *s = has ? wd_model_subject(m, kind, wd_buf_cstr(key)) : NULL;
    if (subject)
        *subject = s;
    if (!has)
        return "current";
    if (!s) /* not kept: fine in the end (unless subjects were dropped) */
        return m->subjects_dropped ? "current" : "resolved";
    const char *t = row->rec.time;
    switch (s->state) {
    case WD_ST_SUPERSEDED:
        return "superseded";
    case WD_ST_RESOLVED:
        return "resolved";
    case WD_ST_PENDING_REBOOT:
        return "pending-reboot";
    case WD_ST_FAILING:
    case WD_ST_IN_PROGRESS:
        return s->last_success && t && strcmp(t, s->last_success) < 0 ? "resolved" : "current";
    default:
        return "resolved";
    }
}

long wd_model_build(const wd_model *m)
{
    const char *b = wd_model_fact(m, "os.build");
    long v = 0;
    for (; b && *b >= '0' && *b <= '9' && v < 1000000; b++)
        v = v * 10 + (*b - '0');
    return v;
}

const char *wd_model_expected_start(const wd_model *m, const char *service)
{
    return wd_update_service_expected(wd_update_service_find(service), wd_model_build(m));
}
