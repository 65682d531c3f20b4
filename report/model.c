/* model.c - loads one stored snapshot into the report's in-memory model
 * (plain arrays of owned strings), so that analysis and rendering never
 * touch the store again. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Appends one zeroed element to a growing array; returns it or NULL. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        void *p = realloc(*arr, ncap * size);
        if (!p) {
            wd_error_set(WD_ENOMEM, "out of memory loading the snapshot");
            return NULL;
        }
        *arr = p;
        *cap = ncap;
    }
    void *el = (char *)*arr + (*n)++ * size;
    memset(el, 0, size);
    return el;
}

/* strdup that tolerates NULL and counts failures in the loader. */
typedef struct loader {
    wd_model *m;
    size_t cap_services, cap_events, cap_failures, cap_facts, cap_notes, cap_sources, cap_past;
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

#define ADD(l, field, capfield) \
    grow((void **)&(l)->m->field, &(l)->m->n##field, &(l)->capfield, sizeof *(l)->m->field)

static int on_info(void *ctx, const wd_snapshot_info *i)
{
    loader *l = ctx;
    l->m->snapshot_id = i->id;
    l->m->machine = dup(l, i->machine);
    l->m->collected_at = dup(l, i->collected_at);
    l->m->evidence_time = dup(l, i->evidence_time);
    l->m->command_line = dup(l, i->command_line);
    l->m->evidence = dup(l, i->evidence);
    return l->oom ? WD_ENOMEM : 0;
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
    return l->oom ? WD_ENOMEM : 0;
}

static int on_event(void *ctx, int64_t id, const wd_event_rec *r)
{
    loader *l = ctx;
    wd_m_event *e = ADD(l, events, cap_events);
    if (!e)
        return WD_ENOMEM;
    e->id = id;
    e->channel = dup(l, r->channel);
    e->provider = dup(l, r->provider);
    e->time = dup(l, r->time);
    e->computer = dup(l, r->computer);
    e->source = dup(l, r->source);
    e->event_id = r->event_id;
    e->level = r->level;
    e->record_id = r->record_id;
    if (r->nfields) {
        e->fields = calloc(r->nfields, sizeof *e->fields);
        if (!e->fields)
            return wd_error_set(WD_ENOMEM, "out of memory loading the snapshot");
        e->nfields = r->nfields;
        for (size_t i = 0; i < r->nfields; i++) {
            e->fields[i].name = dup(l, r->fields[i].name);
            e->fields[i].value = dup(l, r->fields[i].value);
        }
    }
    return l->oom ? WD_ENOMEM : 0;
}

static int on_failure(void *ctx, int64_t id, const wd_failure_rec *r)
{
    loader *l = ctx;
    wd_m_failure *f = ADD(l, failures, cap_failures);
    if (!f)
        return WD_ENOMEM;
    f->id = id;
    f->hresult = r->hresult;
    f->origin = dup(l, r->origin);
    f->time = dup(l, r->time);
    f->operation = dup(l, r->operation);
    f->title = dup(l, r->title);
    f->kb = dup(l, r->kb);
    f->update_id = dup(l, r->update_id);
    f->context = dup(l, r->context);
    f->component = dup(l, r->component);
    f->computer = dup(l, r->computer);
    f->event_channel = dup(l, r->event_channel);
    f->source = dup(l, r->source);
    f->event_record_id = r->event_record_id;
    f->line = r->line;
    return l->oom ? WD_ENOMEM : 0;
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
    return l->oom ? WD_ENOMEM : 0;
}

static int on_note(void *ctx, int64_t id, const wd_note_rec *r)
{
    loader *l = ctx;
    wd_m_note *n = ADD(l, notes, cap_notes);
    if (!n)
        return WD_ENOMEM;
    n->id = id;
    n->source = dup(l, r->source);
    n->location = dup(l, r->location);
    n->reason = dup(l, r->reason);
    return l->oom ? WD_ENOMEM : 0;
}

static int on_source(void *ctx, int64_t id, const wd_source_rec *r)
{
    loader *l = ctx;
    wd_m_source *s = ADD(l, sources, cap_sources);
    if (!s)
        return WD_ENOMEM;
    s->id = id;
    s->path = dup(l, r->path);
    s->kind = dup(l, r->kind);
    s->records = r->records;
    s->kept = r->kept;
    s->errors = r->errors;
    return l->oom ? WD_ENOMEM : 0;
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
    return l->oom ? WD_ENOMEM : 0;
}

int wd_model_load(wd_store *s, int64_t snap, wd_model **out)
{
    *out = NULL;
    wd_model *m = calloc(1, sizeof *m);
    if (!m)
        return wd_error_set(WD_ENOMEM, "out of memory loading the snapshot");
    loader l = {.m = m};
    int rc = wd_store_snapshot(s, snap, on_info, &l);
    if (!rc)
        rc = wd_store_services(s, snap, on_service, &l);
    if (!rc)
        rc = wd_store_events(s, snap, on_event, &l);
    if (!rc)
        rc = wd_store_failures(s, snap, on_failure, &l);
    if (!rc)
        rc = wd_store_facts(s, snap, on_fact, &l);
    if (!rc)
        rc = wd_store_notes(s, snap, on_note, &l);
    if (!rc)
        rc = wd_store_sources(s, snap, on_source, &l);
    if (!rc && m->machine)
        rc = wd_store_list(s, m->machine, NULL, on_past, &l);
    if (rc) {
        wd_model_free(m);
        return rc;
    }
    *out = m;
    return WD_OK;
}

void wd_finding_clear(wd_finding *f)
{
    free(f->rule);
    free(f->severity);
    free(f->title);
    free(f->explanation);
    for (size_t i = 0; i < f->nfixes; i++)
        free(f->fixes[i]);
    free(f->fixes);
    for (size_t i = 0; i < f->nevidence; i++)
        free(f->evidence[i]);
    free(f->evidence);
    memset(f, 0, sizeof *f);
}

void wd_model_free(wd_model *m)
{
    if (!m)
        return;
    free(m->machine);
    free(m->collected_at);
    free(m->evidence_time);
    free(m->command_line);
    free(m->evidence);
    for (size_t i = 0; i < m->nservices; i++) {
        wd_m_service *s = &m->services[i];
        free(s->name), free(s->display_name), free(s->state), free(s->start_type),
            free(s->source);
    }
    free(m->services);
    for (size_t i = 0; i < m->nevents; i++) {
        wd_m_event *e = &m->events[i];
        free(e->channel), free(e->provider), free(e->time), free(e->computer), free(e->source);
        for (size_t j = 0; j < e->nfields; j++)
            free((char *)e->fields[j].name), free((char *)e->fields[j].value);
        free(e->fields);
    }
    free(m->events);
    for (size_t i = 0; i < m->nfailures; i++) {
        wd_m_failure *f = &m->failures[i];
        free(f->origin), free(f->time), free(f->operation), free(f->title), free(f->kb);
        free(f->update_id), free(f->context), free(f->component), free(f->computer);
        free(f->event_channel), free(f->source);
    }
    free(m->failures);
    for (size_t i = 0; i < m->nfacts; i++)
        free(m->facts[i].key), free(m->facts[i].value), free(m->facts[i].source);
    free(m->facts);
    for (size_t i = 0; i < m->nnotes; i++)
        free(m->notes[i].source), free(m->notes[i].location), free(m->notes[i].reason);
    free(m->notes);
    for (size_t i = 0; i < m->nsources; i++)
        free(m->sources[i].path), free(m->sources[i].kind);
    free(m->sources);
    for (size_t i = 0; i < m->npast; i++)
        free(m->past[i].collected_at), free(m->past[i].verdict);
    free(m->past);
    for (size_t i = 0; i < m->nfindings; i++)
        wd_finding_clear(&m->findings[i]);
    free(m->findings);
    free(m);
}

const char *wd_model_fact(const wd_model *m, const char *key)
{
    for (size_t i = 0; i < m->nfacts; i++)
        if (m->facts[i].key && !strcmp(m->facts[i].key, key))
            return m->facts[i].value;
    return NULL;
}

const wd_m_service *wd_model_service(const wd_model *m, const char *name)
{
    for (size_t i = 0; i < m->nservices; i++)
        if (m->services[i].name && wd_strcaseeq(m->services[i].name, name))
            return &m->services[i];
    return NULL;
}

const char *wd_event_field(const wd_m_event *e, const char *name)
{
    for (size_t i = 0; i < e->nfields; i++)
        if (e->fields[i].name && !strcmp(e->fields[i].name, name))
            return e->fields[i].value;
    return NULL;
}
