/* fold.c - the current state, not the sum of the past: folds a snapshot's
 * activities, as they stream from the store, into subjects (each update,
 * and the streams of scans, downloads, store repairs, features and
 * services) whose newest outcome decides their state. A failing cumulative
 * update is superseded once a newer one of its line installed; a crashing
 * service is history once updates worked after its last crash. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_STREAMS = 256, /* scans, downloads, store, features, services */
    MAX_LINES = 16,    /* product lines with a newest success */
    RING = 5,          /* newest failures cited per subject */
};

/* A subject being folded: the public part plus what folding needs. */
typedef struct fsubj {
    wd_m_subject s;
    int64_t first_fail_ref, ring[RING], success_ref, pending_ref, progress_ref, start_ref;
    size_t nring;
    char minute[17]; /* "YYYY-MM-DDTHH:MM" of the newest failure (attempts) */
} fsubj;

/* The newest successful install of a product line. */
typedef struct line_best {
    wd_product product;
    char time[WD_TIME_MAX];
    char release[8]; /* "2024-02" from the title, or "" */
    char *title;
} line_best;

typedef struct fold {
    wd_store *store;
    int64_t snap;
    fsubj streams[MAX_STREAMS];
    size_t nstreams, streams_dropped;
    line_best lines[MAX_LINES];
    size_t nlines;
    char last_boot[WD_TIME_MAX]; /* the newest start of the system */
    fsubj cur; /* the update subject being folded in pass B */
    int have_cur;
    wd_fold_totals totals;
    int (*cb)(void *ctx, const wd_m_subject *subject);
    void *ctx;
    int oom;
} fold;

/* ------------------------------------------------------------- names */

static const char *const state_names[WD_ST_COUNT] = {
    "none", "ok", "failing", "resolved", "superseded", "pending-reboot", "in-progress",
};

static const char *const kind_names[WD_SUBJ_COUNT] = {
    "update", "scan", "download", "store", "feature", "service",
};

const char *wd_state_name(wd_state s)
{
    return s >= 0 && s < WD_ST_COUNT ? state_names[s] : "none";
}

wd_state wd_state_parse(const char *name)
{
    for (int i = 0; name && i < WD_ST_COUNT; i++)
        if (!strcmp(name, state_names[i]))
            return (wd_state)i;
    return WD_ST_NONE;
}

const char *wd_subject_kind_name(wd_subject_kind k)
{
    return k >= 0 && k < WD_SUBJ_COUNT ? kind_names[k] : "update";
}

/* ---------------------------------------------------------- subjects */

int wd_subject_of(const wd_activity_row *row, wd_subject_kind *kind, wd_buf *key)
{
    const wd_activity_rec *r = &row->rec;
    wd_buf_reset(key);
    if (row->subject && *row->subject) {
        *kind = WD_SUBJ_UPDATE;
        wd_buf_puts(key, row->subject);
        return 1;
    }
    switch (r->operation) {
    case WD_OP_SCAN:
        *kind = WD_SUBJ_SCAN;
        wd_buf_puts(key, "scan");
        return 1;
    case WD_OP_DOWNLOAD:
        *kind = WD_SUBJ_DOWNLOAD;
        wd_buf_puts(key, "download");
        return 1;
    case WD_OP_REPAIR:
    case WD_OP_VERIFY:
    case WD_OP_SFC:
        *kind = WD_SUBJ_STORE;
        wd_buf_puts(key, "store");
        return 1;
    case WD_OP_FEATURE:
        *kind = WD_SUBJ_FEATURE;
        wd_buf_puts(key, r->target && *r->target ? r->target : "feature");
        return 1;
    case WD_OP_SERVICE_CRASH:
    case WD_OP_SERVICE_START:
    case WD_OP_SERVICE_CHANGE:
        if (!r->service || !*r->service)
            return 0;
        *kind = WD_SUBJ_SERVICE;
        wd_buf_puts(key, r->service);
        return 1;
    case WD_OP_SERVICING:
        if (!r->package || !*r->package)
            return 0;
        *kind = WD_SUBJ_UPDATE;
        wd_buf_puts(key, r->package);
        return 1;
    default:
        return 0;
    }
}

/* Operations whose success shows that Windows Update works. */
static int is_update_work(wd_op op)
{
    return op == WD_OP_SCAN || op == WD_OP_DOWNLOAD || op == WD_OP_INSTALL ||
           op == WD_OP_UNINSTALL || op == WD_OP_SERVICING || op == WD_OP_COMMIT ||
           op == WD_OP_FEATURE_UPDATE;
}

/* Operations on the component store and optional features: evidence
 * about servicing, though not of Windows Update at work. */
static int is_servicing_work(wd_op op)
{
    return op == WD_OP_REPAIR || op == WD_OP_VERIFY || op == WD_OP_SFC || op == WD_OP_FEATURE ||
           op == WD_OP_REVERT || op == WD_OP_SELF_UPDATE;
}

/* A corruption check that found damage is a failure of the store, whatever
 * outcome the check itself had. */
static wd_outcome effective_outcome(const wd_activity_rec *r)
{
    if (r->operation == WD_OP_VERIFY && r->count > 0 && r->outcome == WD_OUT_SUCCEEDED)
        return WD_OUT_FAILED;
    return r->outcome;
}

static void set_str(fold *f, char **slot, const char *v)
{
    if (!v || (*slot && !strcmp(*slot, v)))
        return;
    char *p = wd_strdup(v);
    if (!p) {
        f->oom = 1;
        return;
    }
    free(*slot);
    *slot = p;
}

/* The newest title names the subject (the monthly tool and the definition
 * updates keep their KB and change their title). */
static void fill_identity(fold *f, fsubj *x, const wd_activity_rec *r)
{
    if (!x->s.kb)
        set_str(f, &x->s.kb, r->kb);
    if (r->title)
        set_str(f, &x->s.title, r->title);
    if (!x->s.update_id)
        set_str(f, &x->s.update_id, r->update_id);
    if (x->s.product == WD_PRODUCT_UNKNOWN)
        x->s.product = r->product;
}

static void add_code(wd_m_subject *s, uint32_t code)
{
    for (size_t i = 0; i < s->ncodes; i++)
        if (s->codes[i] == code)
            return;
    if (s->ncodes < WD_SUBJECT_CODES)
        s->codes[s->ncodes++] = code;
}

static void on_failure(fold *f, fsubj *x, const wd_activity_row *row)
{
    const wd_activity_rec *r = &row->rec;
    wd_m_subject *s = &x->s;
    const char *t = r->time ? r->time : "";
    s->failures++;
    if (strncmp(x->minute, t, 16) || !x->minute[0]) {
        s->attempts++;
        snprintf(x->minute, sizeof x->minute, "%.16s", t);
    }
    if (!s->first_failure) {
        set_str(f, &s->first_failure, r->time);
        x->first_fail_ref = row->id;
    } else {
        x->ring[x->nring++ % RING] = row->id;
    }
    set_str(f, &s->last_failure, row->last_time ? row->last_time : r->time);
    if (row->repeats > 0) {
        s->failures += (size_t)row->repeats;
        s->attempts += (size_t)row->repeats;
    }
    s->op = r->operation;
    s->has_code = r->has_code;
    s->code = r->code;
    if (r->has_code)
        add_code(s, r->code);
    free(s->target);
    s->target = NULL;
    set_str(f, &s->target, r->target);
    if (r->count >= 0)
        s->count = r->count;
    s->state = WD_ST_FAILING;
}

static void on_success(fold *f, fsubj *x, const wd_activity_row *row)
{
    wd_m_subject *s = &x->s;
    s->successes++;
    set_str(f, &s->last_success, row->rec.time);
    if (row->rec.operation == WD_OP_VERIFY || row->rec.count >= 0)
        s->count = row->rec.count;
    if (s->failures && s->state != WD_ST_OK && s->state != WD_ST_RESOLVED) {
        s->state = WD_ST_RESOLVED;
        x->success_ref = row->id;
    } else if (!s->failures) {
        s->state = WD_ST_OK;
    }
}

static int is_start_type(const char *t)
{
    static const char *const types[] = {"disabled", "auto", "delayed-auto", "manual", "boot",
                                        "system"};
    for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(t, types[i]))
            return 1;
    return 0;
}

static int disabled(const wd_m_subject *s)
{
    return s->start_type && !strcmp(s->start_type, "disabled");
}

static void set_start_type(fold *f, fsubj *x, const wd_activity_row *row, const char *type)
{
    x->start_ref = row->id;
    set_str(f, &x->s.start_type, type);
    set_str(f, &x->s.start_time, row->rec.time);
}

/* A state or start-type change of a service is not an outcome: a crashed
 * service that the SCM started again has not been shown to work. Only the
 * start type it was set to is remembered; a disabled service cannot start,
 * so one that started after it was disabled was set back (in the registry,
 * which the SCM does not log). */
static void service_change(fold *f, fsubj *x, const wd_activity_row *row)
{
    const wd_activity_rec *r = &row->rec;
    if (r->target && !strcmp(r->target, "running") && disabled(&x->s)) {
        x->start_ref = 0;
        free(x->s.start_type);
        x->s.start_type = NULL;
        return;
    }
    if (is_start_type(r->target))
        set_start_type(f, x, row, r->target);
}

/* The SCM refused to start the service because it is disabled (7000 with
 * ERROR_SERVICE_DISABLED): its start type was Disabled then, in whatever
 * language the change was logged, also when it was made in the registry or
 * its 7040 event has rolled out of the log. */
static int refused_as_disabled(const wd_activity_rec *r)
{
    return r->operation == WD_OP_SERVICE_START && r->outcome == WD_OUT_FAILED && r->has_code &&
           r->code == 0x80070422u;
}

/* Applies one activity to a subject: the newest outcome decides. */
static void step(fold *f, fsubj *x, const wd_activity_row *row)
{
    const wd_activity_rec *r = &row->rec;
    wd_m_subject *s = &x->s;
    if (r->operation == WD_OP_SERVICE_CHANGE) {
        service_change(f, x, row);
        return;
    }
    if (refused_as_disabled(r) && !disabled(&x->s))
        set_start_type(f, x, row, "disabled"); /* a 7040 that disabled it stays the evidence */
    s->activities++;
    set_str(f, &s->last_time, r->time);
    fill_identity(f, x, r);
    switch (effective_outcome(r)) {
    case WD_OUT_FAILED:
        on_failure(f, x, row);
        break;
    case WD_OUT_SUCCEEDED:
        on_success(f, x, row);
        break;
    case WD_OUT_PENDING_REBOOT:
        s->state = WD_ST_PENDING_REBOOT;
        set_str(f, &s->pending_since, r->time);
        x->pending_ref = row->id;
        break;
    case WD_OUT_IN_PROGRESS:
        if (s->state != WD_ST_PENDING_REBOOT)
            s->state = WD_ST_IN_PROGRESS;
        x->progress_ref = row->id;
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------ product lines */

/* Updates whose newer releases replace the older ones: a failure of an
 * older one no longer matters once a newer one installed. */
static int is_cumulative(wd_product p)
{
    return p == WD_PRODUCT_OS_CUMULATIVE || p == WD_PRODUCT_DOTNET ||
           p == WD_PRODUCT_SERVICING_STACK;
}

static int digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* "2024-02" from "2024-02 Cumulative Update for ...", else "". */
static void release_of(const char *title, char out[8])
{
    out[0] = '\0';
    if (title && strlen(title) >= 8 && digits(title, 4) && title[4] == '-' &&
        digits(title + 5, 2) && title[7] == ' ')
        snprintf(out, 8, "%.7s", title);
}

static void note_line_success(fold *f, const wd_activity_rec *r)
{
    if (!is_cumulative(r->product) || !r->time ||
        (r->operation != WD_OP_INSTALL && r->operation != WD_OP_SERVICING &&
         r->operation != WD_OP_COMMIT))
        return;
    line_best *b = NULL;
    for (size_t i = 0; i < f->nlines; i++)
        if (f->lines[i].product == r->product)
            b = &f->lines[i];
    if (!b) {
        if (f->nlines == MAX_LINES)
            return;
        b = &f->lines[f->nlines++];
        memset(b, 0, sizeof *b);
        b->product = r->product;
    }
    if (strcmp(r->time, b->time) < 0)
        return;
    snprintf(b->time, sizeof b->time, "%s", r->time);
    release_of(r->title, b->release);
    set_str(f, &b->title, r->title ? r->title : r->kb);
}

/* A failing or unfinished update of a cumulative line is superseded when a
 * newer release of the line installed after its newest failure (one that
 * never failed: after it was last seen). A cumulative update that began
 * installing and never reported is moot once a later one installed. */
static void supersede(fold *f, wd_m_subject *s)
{
    const char *since = s->failures ? s->last_failure : s->last_time;
    if ((s->state != WD_ST_FAILING && s->state != WD_ST_IN_PROGRESS) ||
        !is_cumulative(s->product) || !since)
        return;
    char mine[8];
    release_of(s->title, mine);
    for (size_t i = 0; i < f->nlines; i++) {
        const line_best *b = &f->lines[i];
        if (b->product != s->product || strcmp(b->time, since) <= 0)
            continue;
        if (mine[0] && b->release[0] && strcmp(b->release, mine) < 0)
            continue; /* an older release installed later does not replace it */
        if (b->title && s->title && !strcmp(b->title, s->title))
            continue;
        s->state = WD_ST_SUPERSEDED;
        set_str(f, &s->superseded_by, b->title);
        return;
    }
}

/* ------------------------------------------------------------- streams */

static fsubj *stream(fold *f, wd_subject_kind kind, const char *key)
{
    for (size_t i = 0; i < f->nstreams; i++)
        if (f->streams[i].s.kind == kind && !strcmp(f->streams[i].s.key, key))
            return &f->streams[i];
    if (f->nstreams == MAX_STREAMS) {
        f->streams_dropped++;
        return NULL;
    }
    fsubj *x = &f->streams[f->nstreams];
    memset(x, 0, sizeof *x);
    x->s.kind = kind;
    x->s.count = -1;
    x->s.key = wd_strdup(key);
    if (!x->s.key) {
        f->oom = 1;
        return NULL;
    }
    f->nstreams++;
    return x;
}

/* A service that crashed is history once update work succeeded after its
 * last crash: the newest success of any update operation resolves it. */
static void services_saw_success(fold *f, const wd_activity_row *row)
{
    for (size_t i = 0; i < f->nstreams; i++) {
        fsubj *x = &f->streams[i];
        if (x->s.kind == WD_SUBJ_SERVICE && x->s.state == WD_ST_FAILING)
            on_success(f, x, row);
    }
}

/* ---------------------------------------------------------- finishing */

static void free_subject(wd_m_subject *s)
{
    free(s->key), free(s->kb), free(s->title), free(s->update_id), free(s->line);
    free(s->first_failure), free(s->last_failure), free(s->last_success), free(s->last_time);
    free(s->pending_since), free(s->superseded_by), free(s->target);
    free(s->start_type), free(s->start_time);
    memset(s, 0, sizeof *s);
}

/* Puts the rows a subject cites in order: the first failure, the newest
 * failures, then what resolved it or left it pending. */
static void set_refs(fsubj *x)
{
    wd_m_subject *s = &x->s;
    s->nrefs = 0;
    if (x->start_ref && disabled(s))
        s->refs[s->nrefs++] = x->start_ref;
    if (x->first_fail_ref)
        s->refs[s->nrefs++] = x->first_fail_ref;
    size_t n = x->nring < RING ? x->nring : RING;
    if (n > WD_SUBJECT_REFS - s->nrefs - 2)
        n = WD_SUBJECT_REFS - s->nrefs - 2;
    for (size_t i = 0; i < n; i++)
        s->refs[s->nrefs++] = x->ring[(x->nring - n + i) % RING];
    if (x->success_ref && s->nrefs < WD_SUBJECT_REFS)
        s->refs[s->nrefs++] = x->success_ref;
    if (x->pending_ref && s->nrefs < WD_SUBJECT_REFS)
        s->refs[s->nrefs++] = x->pending_ref;
    /* the start of an unfinished install (superseded too, when it never failed) */
    if ((s->state == WD_ST_IN_PROGRESS || (s->state == WD_ST_SUPERSEDED && !s->failures)) &&
        x->progress_ref && s->nrefs < WD_SUBJECT_REFS)
        s->refs[s->nrefs++] = x->progress_ref;
}

/* An install that waited for a restart is done once the system started
 * again after it (a failure of its completion would be a newer outcome). */
static void restarted(fold *f, wd_m_subject *s)
{
    if (s->state != WD_ST_PENDING_REBOOT || !s->pending_since || !f->last_boot[0] ||
        strcmp(f->last_boot, s->pending_since) <= 0)
        return;
    s->state = s->failures ? WD_ST_RESOLVED : WD_ST_OK;
    set_str(f, &s->last_success, f->last_boot);
}

static int emit(fold *f, fsubj *x)
{
    if (x->s.kind == WD_SUBJ_UPDATE) {
        restarted(f, &x->s);
        supersede(f, &x->s);
    }
    if (x->s.state == WD_ST_NONE && x->s.successes == 0 && x->s.failures == 0 &&
        x->s.activities == 0 && !x->s.start_type)
        return 0;
    set_refs(x);
    if (f->oom)
        return wd_error_set(WD_ENOMEM, "out of memory judging the evidence");
    return f->cb ? f->cb(f->ctx, &x->s) : 0;
}

/* ------------------------------------------------------------- passes */

static int pass_time(void *ctx, const wd_activity_row *row)
{
    fold *f = ctx;
    const wd_activity_rec *r = &row->rec;
    if (r->outcome == WD_OUT_TRACE) {
        f->totals.trace++;
        return 0;
    }
    f->totals.activities++;
    f->totals.update_work += is_update_work(r->operation);
    f->totals.servicing_work += is_servicing_work(r->operation);
    if (effective_outcome(r) == WD_OUT_FAILED)
        f->totals.failed++;
    if (r->time && (!f->totals.first_time[0] || strcmp(r->time, f->totals.first_time) < 0))
        snprintf(f->totals.first_time, WD_TIME_MAX, "%s", r->time);
    if (r->operation == WD_OP_BOOT && r->time && strcmp(r->time, f->last_boot) > 0)
        snprintf(f->last_boot, WD_TIME_MAX, "%s", r->time);
    if (r->outcome == WD_OUT_SUCCEEDED && is_update_work(r->operation)) {
        if (r->time && strcmp(r->time, f->totals.last_success) > 0)
            snprintf(f->totals.last_success, WD_TIME_MAX, "%s", r->time);
        note_line_success(f, r);
        services_saw_success(f, row);
    }
    wd_subject_kind kind;
    wd_buf key = WD_BUF_INIT;
    if (wd_subject_of(row, &kind, &key) && kind != WD_SUBJ_UPDATE) {
        fsubj *x = stream(f, kind, wd_buf_cstr(&key));
        if (x)
            step(f, x, row);
    }
    wd_buf_free(&key);
    return f->oom ? wd_error_set(WD_ENOMEM, "out of memory judging the evidence") : 0;
}

static int pass_subject(void *ctx, const wd_activity_row *row)
{
    fold *f = ctx;
    if (row->rec.outcome == WD_OUT_TRACE || !row->subject)
        return 0;
    if (f->have_cur && strcmp(f->cur.s.key, row->subject)) {
        int rc = emit(f, &f->cur);
        free_subject(&f->cur.s);
        f->have_cur = 0;
        if (rc)
            return rc;
    }
    if (!f->have_cur) {
        memset(&f->cur, 0, sizeof f->cur);
        f->cur.s.kind = WD_SUBJ_UPDATE;
        f->cur.s.count = -1;
        f->cur.s.key = wd_strdup(row->subject);
        if (!f->cur.s.key)
            return wd_error_set(WD_ENOMEM, "out of memory judging the evidence");
        f->have_cur = 1;
    }
    step(f, &f->cur, row);
    return f->oom ? wd_error_set(WD_ENOMEM, "out of memory judging the evidence") : 0;
}

int wd_fold_subjects(wd_store *s, int64_t snap,
                     int (*cb)(void *ctx, const wd_m_subject *subject), void *ctx,
                     wd_fold_totals *totals)
{
    fold *f = calloc(1, sizeof *f);
    if (!f)
        return wd_error_set(WD_ENOMEM, "out of memory judging the evidence");
    f->store = s, f->snap = snap, f->cb = cb, f->ctx = ctx;
    wd_activity_query q = {.order = WD_ORDER_TIME};
    int rc = wd_store_activities(s, snap, &q, pass_time, f);
    if (!rc) {
        q.order = WD_ORDER_SUBJECT;
        rc = wd_store_activities(s, snap, &q, pass_subject, f);
    }
    if (!rc && f->have_cur)
        rc = emit(f, &f->cur);
    for (size_t i = 0; !rc && i < f->nstreams; i++)
        rc = emit(f, &f->streams[i]);
    if (totals)
        *totals = f->totals;
    if (f->have_cur)
        free_subject(&f->cur.s);
    for (size_t i = 0; i < f->nstreams; i++)
        free_subject(&f->streams[i].s);
    for (size_t i = 0; i < f->nlines; i++)
        free(f->lines[i].title);
    free(f);
    return rc;
}
