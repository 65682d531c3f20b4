/* rules_eval.c - the one engine that evaluates every rule of rules.txt over
 * a snapshot: each source is walked once (activities stream from the store)
 * and every item is offered to every rule of that source, which filters it
 * and folds it into a bounded group; each group then becomes a finding with
 * its severity, texts, typed evidence and fix ids. judge.c ranks them. */
#include "rules_private.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    GROUP_REFS = 16,    /* evidence rows a group cites */
    GROUP_FIRST = 4,    /* of them, the first ones; the rest are the newest */
    GROUP_CODES = 8,    /* distinct codes a group lists */
    GROUP_KBS = 4,      /* distinct KBs a group remembers (known issues) */
    MAX_GROUPS = 512,   /* groups per rule */
    HASH_SLOTS = 1024,  /* > MAX_GROUPS, a power of two */
    ATTACH_REFS = 16,   /* rows an attach clause cites */
};

/* A streamed activity with what the judgement adds to it. */
typedef struct act_item {
    const wd_activity_row *row;
    const char *state;              /* current, resolved, superseded, pending-reboot */
    const wd_m_subject *subject;    /* its kept subject, or NULL */
} act_item;

typedef struct item {
    rule_src kind;
    const void *p; /* wd_m_service, wd_update_service, wd_m_subject, act_item,
                      wd_m_fact, or NULL (once) */
} item;

/* A copy of a streamed activity that outlives the walk: the representative
 * of a group, for its {placeholders}. */
typedef struct act_copy {
    wd_activity_row row;
    act_item it;
    char *strings; /* one block holding every string of row */
} act_copy;

typedef struct group {
    char *key;
    size_t count, attempts, items;
    char minute[17];
    char first[WD_TIME_MAX], last[WD_TIME_MAX];
    uint32_t codes[GROUP_CODES];
    size_t ncodes;
    char kbs[GROUP_KBS][16];
    size_t nkbs;
    wd_ref refs[GROUP_REFS];
    size_t nrefs, ring;
    item rep;      /* the newest item (for streamed ones, rep.p is &act->it) */
    act_copy *act; /* owned copy of a streamed representative */
} group;

typedef struct attach_acc {
    size_t count;
    wd_ref refs[ATTACH_REFS];
    size_t nrefs;
} attach_acc;

/* One rule's work during a walk. */
typedef struct collect {
    const rule *r;
    int active; /* the rule's snapshot-wide conditions hold */
    group *groups;
    size_t n, dropped;
    int slots[HASH_SLOTS]; /* index + 1 into groups, 0 empty */
    attach_acc attach;
} collect;

typedef struct eval {
    const wd_kb *kb;
    const wd_rules *rules;
    wd_model *m;
    int64_t ref; /* the time "now" is for this snapshot: the evidence's end */
    int managed, wsus, wsus_blocked, reboot_pending, listing_complete;
    double last_success_days;
    char last_success[WD_TIME_MAX + 40];
    const char *server;
    size_t failing_streak, current_failures;
    collect *collects; /* one per rule, in rules order */
    wd_judge_input judge;
    char op_last_ok[WD_OP_COUNT][WD_TIME_MAX];
    wd_buf key;     /* scratch for subject keys */
    wd_buf scratch; /* scratch for one field value while items are offered */
} eval;

typedef struct gvars {
    size_t count, attempts, attached, items;
    double days, oldest_days; /* -1 when no item has a time */
} gvars;

static int oom(void)
{
    return wd_error_set(WD_ENOMEM, "out of memory evaluating the rules");
}

/* --------------------------------------------------------------- values */

static int num(const char *s, double *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end || end == s || isnan(v) || isinf(v))
        return 0;
    *out = v;
    return 1;
}

static int truthy(const char *v)
{
    double d;
    if (!v)
        return 0;
    if (num(v, &d))
        return d != 0;
    return wd_strcaseeq(v, "true") || wd_strcaseeq(v, "yes");
}

static double age_days(const eval *e, const char *time)
{
    int64_t t;
    if (!time || wd_time_parse(time, &t))
        return -1;
    double d = (double)(e->ref - t) / 86400.0;
    return d < 0 ? 0 : d;
}

static double whole(double d)
{
    return d < 0 ? -1 : (double)(int64_t)d;
}

/* tmp holding just the text fmt formats; returns it. */
static const char *put(wd_buf *tmp, const char *fmt, ...) WD_PRINTF(2, 3);
static const char *put(wd_buf *tmp, const char *fmt, ...)
{
    va_list ap;
    wd_buf_reset(tmp);
    va_start(ap, fmt);
    wd_buf_vprintf(tmp, fmt, ap);
    va_end(ap);
    return wd_buf_cstr(tmp);
}

static const char *fmt_num(wd_buf *tmp, double v)
{
    return put(tmp, "%.0f", v);
}

static const char *fmt_code(wd_buf *tmp, uint32_t hr)
{
    return put(tmp, "0x%08X", hr);
}

static const char *days_of(const eval *e, const char *time, wd_buf *tmp)
{
    return time ? fmt_num(tmp, whole(age_days(e, time))) : NULL;
}

/* ---------------------------------------------------------------- codes */

static const char *code_text(const eval *e, uint32_t hr, const char *f, wd_buf *tmp)
{
    const wd_kb_code *k = wd_kb_code_find(e->kb, hr);
    if (!strcmp(f, "code"))
        return fmt_code(tmp, hr);
    if (!strcmp(f, "symbol")) {
        if (k && k->symbol[0])
            return k->symbol;
        wd_hr_decoded d;
        wd_hr_decode(e->kb, hr, &d);
        return d.win32_name[0] ? d.win32_name : fmt_code(tmp, hr);
    }
    if (!strcmp(f, "meaning")) {
        const char *mn = k ? k->meaning : "";
        size_t n = strlen(mn);
        int stop = !n || mn[n - 1] == '.' || mn[n - 1] == '!' || mn[n - 1] == ')';
        put(tmp, "%s%s", mn, stop ? "" : ".");
        return wd_buf_cstr(tmp);
    }
    if (!strcmp(f, "causes")) {
        if (!k || !k->causes[0])
            return "";
        put(tmp, " Usual causes: %s", k->causes);
        return wd_buf_cstr(tmp);
    }
    return NULL;
}

static int is_code_field(const char *f)
{
    return !strcmp(f, "code") || !strcmp(f, "symbol") || !strcmp(f, "meaning") ||
           !strcmp(f, "causes");
}

/* ---------------------------------------------------------- item fields */

static const char *service_field(const eval *e, const wd_m_service *s, const char *f, wd_buf *tmp)
{
    const wd_update_service *u = wd_update_service_find(s->name);
    if (!strcmp(f, "name"))
        return s->name;
    if (!strcmp(f, "display"))
        return s->display_name ? s->display_name : u ? u->display_name : s->name;
    if (!strcmp(f, "state"))
        return s->state;
    if (!strcmp(f, "start"))
        return s->start_type;
    if (!strcmp(f, "default"))
        return wd_model_expected_start(e->m, s->name);
    if (!strcmp(f, "essential"))
        return u && u->essential ? "1" : "0";
    if (!strcmp(f, "known"))
        return u ? "1" : "0";
    if (!strcmp(f, "exit-code"))
        return s->exit_code < 0 ? NULL : fmt_num(tmp, (double)s->exit_code);
    if (!strcmp(f, "exit-name")) {
        if (s->exit_code <= 0 || s->exit_code > 0xFFFF)
            return NULL;
        wd_hr_decoded d;
        wd_hr_decode(e->kb, 0x80070000u | (uint32_t)s->exit_code, &d);
        return d.win32_name[0] ? d.win32_name : NULL;
    }
    return NULL;
}

static const char *missing_field(const wd_update_service *u, const char *f)
{
    if (!strcmp(f, "name"))
        return u->name;
    if (!strcmp(f, "display"))
        return u->display_name;
    if (!strcmp(f, "default"))
        return u->expected_start;
    if (!strcmp(f, "essential"))
        return u->essential ? "1" : "0";
    return NULL;
}

/* How an update is named in a sentence: its KB, else its title. */
static const char *update_name(const char *kb, const char *title, const char *id)
{
    return kb && *kb ? kb : title && *title ? title : id && *id ? id : "an update";
}

/* How a kind of update reads in a sentence. */
static const char *product_text(wd_product p)
{
    switch (p) {
    case WD_PRODUCT_OS_CUMULATIVE:
        return "Windows cumulative";
    case WD_PRODUCT_SERVICING_STACK:
        return "servicing stack";
    case WD_PRODUCT_DOTNET:
        return ".NET";
    case WD_PRODUCT_DEFENDER:
        return "Microsoft Defender";
    case WD_PRODUCT_STORE_APP:
        return "Store app";
    case WD_PRODUCT_DRIVER:
        return "driver";
    case WD_PRODUCT_OFFICE:
        return "Office";
    case WD_PRODUCT_FEATURE_UPDATE:
        return "feature";
    case WD_PRODUCT_MSRT:
        return "Malicious Software Removal Tool";
    case WD_PRODUCT_OS_OTHER:
        return "Windows";
    default:
        return "other";
    }
}

static const char *subject_field(const eval *e, const wd_m_subject *s, const char *f, wd_buf *tmp)
{
    if (!strcmp(f, "product-text"))
        return product_text(s->product);
    if (is_code_field(f))
        return s->has_code ? code_text(e, s->code, f, tmp) : NULL;
    if (!strcmp(f, "kind"))
        return wd_subject_kind_name(s->kind);
    if (!strcmp(f, "key"))
        return s->key;
    if (!strcmp(f, "update"))
        return update_name(s->kb, s->title, s->key);
    if (!strcmp(f, "kb"))
        return s->kb;
    if (!strcmp(f, "title"))
        return s->title ? s->title : update_name(s->kb, NULL, s->key);
    if (!strcmp(f, "product"))
        return wd_product_name(s->product);
    if (!strcmp(f, "state"))
        return wd_state_name(s->state);
    if (!strcmp(f, "operation"))
        return wd_op_name(s->op);
    if (!strcmp(f, "codes")) {
        wd_buf_reset(tmp);
        for (size_t i = 0; i < s->ncodes; i++)
            wd_buf_printf(tmp, "%s0x%08X", i ? ", " : "", s->codes[i]);
        return wd_buf_cstr(tmp);
    }
    if (!strcmp(f, "failures"))
        return fmt_num(tmp, (double)s->failures);
    if (!strcmp(f, "attempts"))
        return fmt_num(tmp, (double)s->attempts);
    if (!strcmp(f, "successes"))
        return fmt_num(tmp, (double)s->successes);
    if (!strcmp(f, "first"))
        return s->first_failure;
    if (!strcmp(f, "last"))
        return s->last_failure ? s->last_failure : s->last_time;
    if (!strcmp(f, "fixed"))
        return s->last_success;
    if (!strcmp(f, "pending"))
        return s->pending_since;
    if (!strcmp(f, "superseded-by"))
        return s->superseded_by;
    if (!strcmp(f, "target"))
        return s->target;
    if (!strcmp(f, "count"))
        return s->count < 0 ? NULL : fmt_num(tmp, (double)s->count);
    if (!strcmp(f, "days"))
        return days_of(e, s->state == WD_ST_PENDING_REBOOT ? s->pending_since
                          : s->last_failure                ? s->last_failure
                                                           : s->last_time,
                       tmp);
    if (!strcmp(f, "time"))
        return s->last_time;
    if (!strcmp(f, "start-type"))
        return s->start_type;
    if (!strcmp(f, "start-time"))
        return s->start_time;
    if (!strcmp(f, "listed-start")) { /* what a service listing says, when there is one */
        const wd_m_service *sv = s->kind == WD_SUBJ_SERVICE ? wd_model_service(e->m, s->key) : NULL;
        return sv ? sv->start_type : NULL;
    }
    if (!strcmp(f, "display")) {
        const wd_update_service *u = wd_update_service_find(s->key);
        return u ? u->display_name : s->key;
    }
    if (!strcmp(f, "store-problem")) { /* what the newest failure of the store says */
        if (s->op == WD_OP_SFC && s->count > 0)
            put(tmp, "System File Checker could not repair %lld file(s)",
                     (long long)s->count);
        else if (s->op == WD_OP_SFC)
            put(tmp, "System File Checker could not repair every file");
        else if (s->op == WD_OP_VERIFY && s->count > 0)
            put(tmp, "The component store is damaged (%lld corruption(s) found)",
                     (long long)s->count);
        else if (s->op == WD_OP_VERIFY)
            put(tmp, "The component store is damaged");
        else if (s->has_code)
            put(tmp, "Repairing the component store failed with 0x%08X", s->code);
        else
            put(tmp, "Repairing the component store failed");
        return wd_buf_cstr(tmp);
    }
    if (!strcmp(f, "code-note")) {
        if (!s->has_code || !s->code)
            return "";
        wd_buf sym = WD_BUF_INIT;
        put(tmp, ", 0x%08X %s", s->code, code_text(e, s->code, "symbol", &sym));
        wd_buf_free(&sym);
        return wd_buf_cstr(tmp);
    }
    if (!strcmp(f, "count-note")) {
        if (s->count > 0 && s->target)
            put(tmp, ", %lld found, e.g. %s", (long long)s->count, s->target);
        else if (s->count > 0)
            put(tmp, ", %lld found", (long long)s->count);
        else if (s->target)
            put(tmp, ", %s", s->target);
        else
            wd_buf_reset(tmp);
        return wd_buf_cstr(tmp);
    }
    return NULL;
}

/* How an operation reads in a sentence. */
static const char *operation_name(const wd_activity_rec *r, wd_buf *tmp)
{
    switch (r->operation) {
    case WD_OP_REPAIR:
        return "Repairing the image (DISM /RestoreHealth)";
    case WD_OP_VERIFY:
        return "Checking the component store";
    case WD_OP_SFC:
        return "System File Checker";
    case WD_OP_FEATURE:
        put(tmp, "Enabling the feature %s", r->target ? r->target : "");
        return wd_buf_cstr(tmp);
    default:
        return wd_op_name(r->operation);
    }
}

static const char *activity_field(const eval *e, const act_item *a, const char *f, wd_buf *tmp)
{
    const wd_activity_rec *r = &a->row->rec;
    if (is_code_field(f))
        return r->has_code ? code_text(e, r->code, f, tmp) : NULL;
    if (!strcmp(f, "operation"))
        return wd_op_name(r->operation);
    if (!strcmp(f, "outcome"))
        return wd_outcome_name(r->outcome);
    if (!strcmp(f, "state"))
        return a->state;
    if (!strcmp(f, "product"))
        return wd_product_name(r->product);
    if (!strcmp(f, "kb"))
        return r->kb;
    if (!strcmp(f, "title"))
        return r->title ? r->title : update_name(r->kb, NULL, r->update_id);
    if (!strcmp(f, "update"))
        return update_name(r->kb, r->title, r->update_id);
    if (!strcmp(f, "subject"))
        return a->row->subject;
    if (!strcmp(f, "service"))
        return r->service;
    if (!strcmp(f, "target"))
        return r->target;
    if (!strcmp(f, "package"))
        return r->package;
    if (!strcmp(f, "component"))
        return r->component;
    if (!strcmp(f, "session"))
        return r->session;
    if (!strcmp(f, "source"))
        return r->where.source;
    if (!strcmp(f, "time"))
        return r->time;
    if (!strcmp(f, "days"))
        return days_of(e, r->time, tmp);
    if (!strcmp(f, "count"))
        return r->count < 0 ? NULL : fmt_num(tmp, (double)r->count);
    if (!strcmp(f, "operation-name"))
        return operation_name(r, tmp);
    if (!strcmp(f, "worked-later")) /* update work succeeded after it */
        return r->time && e->m->last_success && strcmp(r->time, e->m->last_success) < 0 ? "1"
                                                                                       : "0";
    if (!strcmp(f, "target-note")) {
        if (!r->target || r->operation == WD_OP_FEATURE)
            return "";
        put(tmp, " (the source given: %s)", r->target);
        return wd_buf_cstr(tmp);
    }
    return NULL;
}

static const char *fact_field(const wd_m_fact *x, const char *f, wd_buf *tmp)
{
    double v;
    if (!strcmp(f, "key"))
        return x->key;
    if (!strcmp(f, "value"))
        return x->value;
    if (!strcmp(f, "source"))
        return x->source;
    if (!strcmp(f, "gb")) {
        if (!num(x->value, &v))
            return NULL;
        put(tmp, "%.1f", v / 1e9);
        return wd_buf_cstr(tmp);
    }
    return NULL;
}

static const char *global(const eval *e, const char *f, wd_buf *tmp);

/* The value of field f of an item (NULL when it has none). */
static const char *item_field(const eval *e, const item *it, const char *f, wd_buf *tmp)
{
    switch (it->kind) {
    case SRC_SERVICES:
        return service_field(e, it->p, f, tmp);
    case SRC_MISSING:
        return missing_field(it->p, f);
    case SRC_SUBJECTS:
        return subject_field(e, it->p, f, tmp);
    case SRC_FAILURES:
    case SRC_ACTIVITIES:
        return activity_field(e, it->p, f, tmp);
    case SRC_FACTS:
        return fact_field(it->p, f, tmp);
    default:
        return global(e, f, tmp);
    }
}

static const char *item_time(const item *it)
{
    if (it->kind == SRC_FAILURES || it->kind == SRC_ACTIVITIES)
        return ((const act_item *)it->p)->row->rec.time;
    if (it->kind == SRC_SUBJECTS) {
        const wd_m_subject *s = it->p;
        return s->last_failure ? s->last_failure : s->last_time;
    }
    return NULL;
}

/* ------------------------------------------------------- global figures */

/* A computer with a real share of the records: a setup name seen for a few
 * minutes before the rename is not one. */
static int substantial(const wd_model *m, const wd_m_computer *c)
{
    int64_t total = 0;
    for (size_t i = 0; i < m->ncomputers; i++)
        total += m->computers[i].records;
    return c->records >= 20 && c->records * 10 >= total;
}

static int overlap(const wd_m_computer *a, const wd_m_computer *b)
{
    return !a->first || !a->last || !b->first || !b->last ||
           (strcmp(a->first, b->last) <= 0 && strcmp(b->first, a->last) <= 0);
}

/* How many computers the evidence really mixes: substantial ones whose
 * records overlap in time with another's (one PC renamed over the years
 * has names that follow each other, not several at once). */
static size_t several_computers(const wd_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->ncomputers; i++) {
        const wd_m_computer *a = &m->computers[i];
        int mixed = 0;
        for (size_t j = 0; substantial(m, a) && j < m->ncomputers && !mixed; j++)
            mixed = j != i && substantial(m, &m->computers[j]) && overlap(a, &m->computers[j]);
        n += mixed;
    }
    return n;
}

static const char *global(const eval *e, const char *f, wd_buf *tmp)
{
    const wd_model *m = e->m;
    if (!strcmp(f, "managed"))
        return e->managed ? "1" : "0";
    if (!strcmp(f, "wsus"))
        return e->wsus ? "1" : "0";
    if (!strcmp(f, "wsus-blocked"))
        return e->wsus_blocked ? "1" : "0";
    if (!strcmp(f, "server"))
        return e->server;
    if (!strcmp(f, "reboot-pending"))
        return e->reboot_pending ? "1" : "0";
    if (!strcmp(f, "listing"))
        return e->listing_complete ? "complete" : m->nservices ? "partial" : "none";
    if (!strcmp(f, "last-success-days"))
        return fmt_num(tmp, e->last_success_days < 0 ? -1 : whole(e->last_success_days));
    if (!strcmp(f, "last-success"))
        return e->last_success;
    if (!strcmp(f, "services"))
        return fmt_num(tmp, (double)m->nservices);
    if (!strcmp(f, "machine"))
        return m->machine;
    if (!strcmp(f, "failures"))
        return fmt_num(tmp, (double)e->current_failures);
    if (!strcmp(f, "activities"))
        return fmt_num(tmp, (double)(m->activities + m->trace));
    if (!strcmp(f, "update-work"))
        return fmt_num(tmp, (double)m->update_work);
    if (!strcmp(f, "servicing-work"))
        return fmt_num(tmp, (double)m->servicing_work);
    if (!strcmp(f, "events"))
        return fmt_num(tmp, (double)m->events);
    if (!strcmp(f, "facts"))
        return fmt_num(tmp, (double)m->nfacts);
    if (!strcmp(f, "update-facts")) { /* facts about updates, not the capture or the OS */
        size_t n = 0;
        for (size_t i = 0; i < m->nfacts; i++)
            n += m->facts[i].key && strncmp(m->facts[i].key, "capture.", 8) &&
                 strncmp(m->facts[i].key, "machine.", 8) &&
                 strncmp(m->facts[i].key, "collector.", 10) && strncmp(m->facts[i].key, "os.", 3) &&
                 strncmp(m->facts[i].key, "time.", 5);
        return fmt_num(tmp, (double)n);
    }
    if (!strcmp(f, "failing-streak"))
        return fmt_num(tmp, (double)e->failing_streak);
    if (!strcmp(f, "unreadable"))
        return fmt_num(tmp, (double)(m->notes_by_kind[WD_NOTE_UNREADABLE] +
                                     m->notes_by_kind[WD_NOTE_LIMIT]));
    if (!strcmp(f, "computers"))
        return fmt_num(tmp, (double)several_computers(m));
    if (!strcmp(f, "computer-list")) {
        wd_buf_reset(tmp);
        for (size_t i = 0; i < m->ncomputers; i++)
            wd_buf_printf(tmp, "%s%s", i ? ", " : "",
                          m->computers[i].name ? m->computers[i].name : "?");
        return wd_buf_cstr(tmp);
    }
    if (!strcmp(f, "managed-note")) {
        if (!e->managed)
            return "";
        put(tmp,
            " Updates on this PC are managed by policy%s%s: involve whoever "
            "manages them before changing update settings.",
            e->server ? " from " : "", e->server ? e->server : "");
        return wd_buf_cstr(tmp);
    }
    if (!strncmp(f, "fact:", 5))
        return wd_model_fact(m, f + 5);
    return NULL;
}

/* How many of the snapshots just before this one were "failing". */
static size_t failing_streak(const wd_model *m)
{
    size_t streak = 0;
    const char *before = m->collected_at;
    for (;;) {
        const wd_m_past *prev = NULL;
        for (size_t i = 0; i < m->npast; i++) {
            const char *t = m->past[i].collected_at;
            if (t && (!before || strcmp(t, before) < 0) &&
                (!prev || strcmp(t, prev->collected_at) > 0))
                prev = &m->past[i];
        }
        if (!prev || !prev->verdict || strcmp(prev->verdict, "failing"))
            return streak;
        streak++;
        before = prev->collected_at;
    }
}

/* "Now" for this snapshot is the end of its evidence: a bundle captured
 * years ago is judged as of its capture, not as of today. */
static void set_reference(eval *e)
{
    const char *cands[] = {wd_model_fact(e->m, "capture.time"), e->m->evidence_time,
                           e->m->collected_at};
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
        if (cands[i] && !wd_time_parse(cands[i], &e->ref))
            return;
    char now[WD_TIME_MAX];
    wd_time_now(now);
    if (wd_time_parse(now, &e->ref))
        e->ref = 0;
}

/* A server that is not Microsoft's own: a WSUS or Configuration Manager. */
static int own_server(const char *url)
{
    return url && *url && !strstr(url, "microsoft.com") && !strstr(url, "windowsupdate.com") &&
           !wd_strcaseeq(url, "(null)") && !wd_strcaseeq(url, "none");
}

/* A WSUS address that no update server answers: loopback, 0.0.0.0 or
 * blank ("localhost", "http://127.0.0.1:8530", " "), as update-blocking
 * tools and "disable updates" tweaks write it. */
static int blocker_server(const char *url)
{
    if (!url)
        return 0;
    const char *h = strstr(url, "://");
    for (h = h ? h + 3 : url; *h == ' ' || *h == '\t';)
        h++;
    size_t n = strcspn(h, ":/ \t");
    if (h[0] == '[')
        n = strcspn(h, "]") + 1;
    return n == 0 || (n == 9 && wd_strncaseeq(h, "localhost", 9)) ||
           (n >= 4 && !strncmp(h, "127.", 4)) || (n == 7 && !strncmp(h, "0.0.0.0", 7)) ||
           (n == 5 && !strncmp(h, "[::1]", 5));
}

static void last_success(eval *e)
{
    const char *last = e->m->last_success, *oldest = e->m->evidence_start;
    e->last_success_days = last ? age_days(e, last) : oldest ? age_days(e, oldest) : -1;
    if (last)
        snprintf(e->last_success, sizeof e->last_success, "%s", last);
    else
        snprintf(e->last_success, sizeof e->last_success, "none in the evidence (since %s)",
                 oldest ? oldest : "-");
}

static void compute_globals(eval *e)
{
    const wd_model *m = e->m;
    set_reference(e);
    const char *policy = wd_model_fact(m, "policy.wu.WUServer");
    const char *logged = wd_model_fact(m, "wu.server");
    for (size_t i = 0; i < m->nfacts; i++) {
        const wd_m_fact *f = &m->facts[i];
        if (f->key && !strncmp(f->key, "policy.wu.", 10) && f->value && *f->value)
            e->managed = 1;
        if (f->key && !strcmp(f->key, "services.listing") && f->value &&
            !strcmp(f->value, "complete"))
            e->listing_complete = 1;
    }
    /* the policy decides; without it, what the update log said it used */
    e->server = own_server(policy) ? policy : own_server(logged) ? logged : NULL;
    e->wsus = own_server(policy) ? truthy(wd_model_fact(m, "policy.wu.UseWUServer"))
                                 : e->server != NULL;
    e->managed |= e->wsus;
    e->wsus_blocked = e->wsus && blocker_server(e->server);
    e->reboot_pending = truthy(wd_model_fact(m, "reboot.pending.wu")) ||
                        truthy(wd_model_fact(m, "reboot.pending.cbs")) ||
                        truthy(wd_model_fact(m, "reboot.pending.cbs_packages"));
    last_success(e);
    e->failing_streak = failing_streak(m);
    for (size_t i = 0; i < m->nsubjects; i++)
        e->current_failures += m->subjects[i].state == WD_ST_FAILING;
    e->judge.incomplete = m->notes_by_kind[WD_NOTE_UNREADABLE] + m->notes_by_kind[WD_NOTE_LIMIT] > 0;
}

/* ------------------------------------------------------------ conditions */

static int glob_match(const char *pat, const char *s)
{
    for (; *pat; pat++, s++) {
        if (*pat == '*') {
            for (;; s++) {
                if (glob_match(pat + 1, s))
                    return 1;
                if (!*s)
                    return 0;
            }
        }
        if (!*s || !wd_strncaseeq(pat, s, 1))
            return 0;
    }
    return !*s;
}

static int holds(const eval *e, const rule_cond *c, const char *v)
{
    double a, b;
    switch (c->op) {
    case OP_EXISTS:
        return v && *v;
    case OP_MISSING:
        return !v || !*v;
    case OP_NE:
        return !v || !wd_rules_in_list(e->rules, v, c->value);
    case OP_NOTIN:
        return !v || !wd_rules_in_list(e->rules, v, c->value);
    case OP_EQ:
    case OP_IN:
        return wd_rules_in_list(e->rules, v, c->value);
    case OP_GLOB:
        return v && glob_match(c->value, v);
    default:
        break;
    }
    if (!num(v, &a) || !num(c->value, &b))
        return 0;
    return c->op == OP_LT ? a < b : c->op == OP_LE ? a <= b : c->op == OP_GT ? a > b : a >= b;
}

static int item_passes(const eval *e, const rule *r, const item *it)
{
    wd_buf *tmp = (wd_buf *)&e->scratch;
    for (size_t i = 0; i < r->nwhere; i++)
        if (!holds(e, &r->where[i], item_field(e, it, r->where[i].field, tmp)))
            return 0;
    return 1;
}

static int globals_hold(const eval *e, const rule *r)
{
    wd_buf *tmp = (wd_buf *)&e->scratch;
    for (size_t i = 0; i < r->nifs; i++)
        if (!holds(e, &r->ifs[i], global(e, r->ifs[i].field, tmp)))
            return 0;
    return 1;
}

/* ------------------------------------------------------- streamed copies */

static act_copy *act_copy_new(const act_item *a)
{
    const wd_activity_row *r = a->row;
    const char *src[] = {r->rec.time,      r->rec.update_id,  r->rec.kb,      r->rec.title,
                         r->rec.package,   r->rec.service,    r->rec.target,  r->rec.session,
                         r->rec.component, r->rec.detail,     r->rec.computer, r->rec.where.source,
                         r->rec.where.channel, r->subject,     r->last_time,   a->state};
    enum { NS = sizeof src / sizeof src[0] };
    size_t len = 0;
    for (size_t i = 0; i < NS; i++)
        len += src[i] ? strlen(src[i]) + 1 : 0;
    act_copy *c = calloc(1, sizeof *c);
    char *block = c ? malloc(len ? len : 1) : NULL;
    if (!block) {
        free(c);
        return NULL;
    }
    const char *dst[NS];
    char *p = block;
    for (size_t i = 0; i < NS; i++) {
        dst[i] = NULL;
        if (src[i]) {
            size_t n = strlen(src[i]) + 1;
            memcpy(p, src[i], n);
            dst[i] = p;
            p += n;
        }
    }
    c->strings = block;
    c->row = *r;
    wd_activity_rec *x = &c->row.rec;
    x->time = dst[0], x->update_id = dst[1], x->kb = dst[2], x->title = dst[3];
    x->package = dst[4], x->service = dst[5], x->target = dst[6], x->session = dst[7];
    x->component = dst[8], x->detail = dst[9], x->computer = dst[10];
    x->where.source = dst[11], x->where.channel = dst[12];
    c->row.subject = dst[13], c->row.last_time = dst[14];
    c->it.row = &c->row;
    c->it.state = dst[15];
    c->it.subject = NULL; /* the model's subject may be looked up again by key */
    return c;
}

static void act_copy_free(act_copy *c)
{
    if (c) {
        free(c->strings);
        free(c);
    }
}

/* ------------------------------------------------------------- grouping */

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The group key of an item: its group-by field values joined by \x1f. */
static int group_key(const eval *e, const char *fields, const item *it, wd_buf *out)
{
    const char *p = fields;
    wd_buf_reset(out);
    wd_buf *tmp = (wd_buf *)&e->scratch;
    while (*p) {
        char name[64];
        size_t n = strcspn(p, ",");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        const char *v = item_field(e, it, name, tmp);
        wd_buf_puts(out, v ? v : "");
        wd_buf_putc(out, '\x1f');
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    if (!out->data)
        wd_buf_puts(out, "");
    return wd_buf_ok(out) && wd_buf_ok(tmp) ? WD_OK : oom();
}

static group *find_group(collect *c, const char *key)
{
    uint32_t h = hash(key) & (HASH_SLOTS - 1);
    for (;; h = (h + 1) & (HASH_SLOTS - 1)) {
        int k = c->slots[h];
        if (!k)
            break;
        if (!strcmp(c->groups[k - 1].key, key))
            return &c->groups[k - 1];
    }
    if (c->n == MAX_GROUPS) {
        c->dropped++;
        return NULL;
    }
    if (!c->groups && !(c->groups = calloc(MAX_GROUPS, sizeof *c->groups)))
        return NULL;
    group *g = &c->groups[c->n];
    memset(g, 0, sizeof *g);
    if (!(g->key = wd_strdup(key)))
        return NULL;
    c->slots[h] = (int)++c->n;
    return g;
}

static void add_ref(wd_ref *refs, size_t *n, size_t *ring, size_t max, size_t first, wd_ref r)
{
    for (size_t i = 0; i < *n; i++)
        if (refs[i].kind == r.kind && refs[i].row_id == r.row_id)
            return;
    if (*n < max) {
        refs[(*n)++] = r;
        return;
    }
    refs[first + (*ring)++ % (max - first)] = r; /* the newest replace the oldest */
}

/* The rows an item cites. */
static void item_refs(const item *it, wd_ref *refs, size_t *n, size_t *ring, size_t max,
                      size_t first)
{
    switch (it->kind) {
    case SRC_SERVICES:
        add_ref(refs, n, ring, max, first,
                (wd_ref){WD_REF_SERVICE, ((const wd_m_service *)it->p)->id});
        break;
    case SRC_FACTS:
        add_ref(refs, n, ring, max, first, (wd_ref){WD_REF_FACT, ((const wd_m_fact *)it->p)->id});
        break;
    case SRC_FAILURES:
    case SRC_ACTIVITIES:
        add_ref(refs, n, ring, max, first,
                (wd_ref){WD_REF_ACTIVITY, ((const act_item *)it->p)->row->id});
        break;
    case SRC_SUBJECTS: {
        const wd_m_subject *s = it->p;
        for (size_t i = 0; i < s->nrefs; i++)
            add_ref(refs, n, ring, max, first, (wd_ref){WD_REF_ACTIVITY, s->refs[i]});
        break;
    }
    default:
        break;
    }
}

static void group_code(group *g, uint32_t code)
{
    for (size_t i = 0; i < g->ncodes; i++)
        if (g->codes[i] == code)
            return;
    if (g->ncodes < GROUP_CODES)
        g->codes[g->ncodes++] = code;
}

static void group_kb(group *g, const char *kb)
{
    if (!kb || !*kb || strlen(kb) >= sizeof g->kbs[0])
        return;
    for (size_t i = 0; i < g->nkbs; i++)
        if (!strcmp(g->kbs[i], kb))
            return;
    if (g->nkbs < GROUP_KBS)
        snprintf(g->kbs[g->nkbs++], sizeof g->kbs[0], "%s", kb);
}

/* The codes and KBs an item brings to its group. */
static void group_identity(group *g, const item *it)
{
    if (it->kind == SRC_SUBJECTS) {
        const wd_m_subject *s = it->p;
        for (size_t i = 0; i < s->ncodes; i++)
            group_code(g, s->codes[i]);
        group_kb(g, s->kb);
    } else if (it->kind == SRC_FAILURES || it->kind == SRC_ACTIVITIES) {
        const wd_activity_rec *r = &((const act_item *)it->p)->row->rec;
        if (r->has_code && r->code)
            group_code(g, r->code);
        group_kb(g, r->kb);
    }
}

/* Counts, times, attempts (distinct minutes), codes and the newest item as
 * the representative. */
static int group_add(group *g, const item *it)
{
    const char *t = item_time(it);
    g->count++;
    g->items++;
    if (it->kind == SRC_SUBJECTS) {
        const wd_m_subject *s = it->p;
        g->count += s->failures > 1 ? s->failures - 1 : 0;
        g->attempts += s->attempts ? s->attempts : 1;
        if (s->first_failure && (!g->first[0] || strcmp(s->first_failure, g->first) < 0))
            snprintf(g->first, sizeof g->first, "%s", s->first_failure);
    } else if (!t || strncmp(g->minute, t, 16) || !g->minute[0]) {
        g->attempts++;
        if (t)
            snprintf(g->minute, sizeof g->minute, "%.16s", t);
    }
    if (t && (!g->first[0] || strcmp(t, g->first) < 0))
        snprintf(g->first, sizeof g->first, "%s", t);
    group_identity(g, it);
    item_refs(it, g->refs, &g->nrefs, &g->ring, GROUP_REFS, GROUP_FIRST);
    if (t && g->last[0] && strcmp(t, g->last) < 0 && g->rep.kind == it->kind)
        return WD_OK; /* an older item: the representative stays */
    if (t)
        snprintf(g->last, sizeof g->last, "%s", t);
    g->rep = *it;
    if (it->kind == SRC_FAILURES || it->kind == SRC_ACTIVITIES) {
        act_copy_free(g->act);
        if (!(g->act = act_copy_new(it->p)))
            return oom();
        g->rep.p = &g->act->it;
    }
    return WD_OK;
}

static int on_item(eval *e, collect *c, const item *it)
{
    const rule *r = c->r;
    if (!item_passes(e, r, it))
        return WD_OK;
    wd_buf *key = &e->key;
    int rc = r->group_by && strcmp(r->group_by, "all") ? group_key(e, r->group_by, it, key)
                                                       : WD_OK;
    if (rc)
        return rc;
    if (!r->group_by) { /* one finding per item: a key of its own */
        wd_buf_reset(key);
        wd_buf_printf(key, "#%zu", c->n + c->dropped);
    } else if (!strcmp(r->group_by, "all")) {
        wd_buf_reset(key);
        wd_buf_puts(key, "all");
    }
    if (!wd_buf_ok(key))
        return oom();
    group *g = find_group(c, wd_buf_cstr(key));
    if (!g)
        return c->n == MAX_GROUPS ? WD_OK : oom();
    return group_add(g, it);
}

static void free_collect(collect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->groups[i].key);
        act_copy_free(c->groups[i].act);
    }
    free(c->groups);
}

/* ---------------------------------------------------------- the walks */

/* Offers an item to every rule of its source (and to attach clauses). */
static int offer(eval *e, rule_src src, const item *it)
{
    for (size_t i = 0; i < e->rules->n; i++) {
        const rule *r = &e->rules->rules[i];
        collect *c = &e->collects[i];
        int rc;
        if (r->src == src && c->active && (rc = on_item(e, c, it)))
            return rc;
        if (r->has_attach && r->attach_src == src &&
            holds(e, &r->attach, item_field(e, it, r->attach.field, &e->scratch))) {
            size_t ring = c->attach.count;
            c->attach.count++;
            item_refs(it, c->attach.refs, &c->attach.nrefs, &ring, ATTACH_REFS, 0);
        }
    }
    return WD_OK;
}

/* Failures of an operation since its last success (what judge.c needs to
 * know which fixes already failed). */
static void tally_op(eval *e, const wd_activity_rec *r)
{
    if (r->operation <= WD_OP_UNKNOWN || r->operation >= WD_OP_COUNT)
        return;
    if (r->outcome == WD_OUT_SUCCEEDED && !(r->operation == WD_OP_VERIFY && r->count > 0)) {
        e->judge.op_failed[r->operation] = 0;
        snprintf(e->op_last_ok[r->operation], WD_TIME_MAX, "%s", r->time ? r->time : "");
    } else if (r->outcome == WD_OUT_FAILED) {
        e->judge.op_failed[r->operation]++;
    }
}

static int on_activity(void *ctx, const wd_activity_row *row)
{
    eval *e = ctx;
    if (row->rec.outcome == WD_OUT_TRACE)
        return 0;
    tally_op(e, &row->rec);
    act_item a = {row, NULL, NULL};
    int failed = row->rec.outcome == WD_OUT_FAILED ||
                 (row->rec.operation == WD_OP_VERIFY && row->rec.count > 0 &&
                  row->rec.outcome == WD_OUT_SUCCEEDED);
    a.state = failed ? wd_model_failure_state(e->m, row, (wd_buf *)&e->key, &a.subject) : "current";
    int rc = offer(e, SRC_ACTIVITIES, &(item){SRC_ACTIVITIES, &a});
    if (!rc && failed)
        rc = offer(e, SRC_FAILURES, &(item){SRC_FAILURES, &a});
    return rc;
}

/* Walks every source once. */
static int walk_sources(eval *e)
{
    const wd_model *m = e->m;
    int rc = WD_OK;
    size_t n;
    const wd_update_service *u = wd_update_services(&n);
    for (size_t i = 0; !rc && i < m->nservices; i++)
        rc = offer(e, SRC_SERVICES, &(item){SRC_SERVICES, &m->services[i]});
    /* a service is missing only when a complete listing lacks it */
    for (size_t i = 0; !rc && e->listing_complete && i < n; i++)
        if (!wd_model_service(m, u[i].name))
            rc = offer(e, SRC_MISSING, &(item){SRC_MISSING, &u[i]});
    for (size_t i = 0; !rc && i < m->nsubjects; i++)
        rc = offer(e, SRC_SUBJECTS, &(item){SRC_SUBJECTS, &m->subjects[i]});
    for (size_t i = 0; !rc && i < m->nfacts; i++)
        rc = offer(e, SRC_FACTS, &(item){SRC_FACTS, &m->facts[i]});
    if (!rc)
        rc = offer(e, SRC_ONCE, &(item){SRC_ONCE, NULL});
    if (!rc && m->store) {
        wd_activity_query q = {.order = WD_ORDER_TIME};
        rc = wd_store_activities(m->store, m->snapshot_id, &q, on_activity, e);
    }
    return rc;
}

/* ------------------------------------------------------------ findings */

static void group_vars(const eval *e, const group *g, const collect *c, gvars *v)
{
    memset(v, 0, sizeof *v);
    v->count = g->count;
    v->items = g->items;
    v->attempts = g->attempts;
    v->attached = c->attach.count;
    v->days = g->last[0] ? age_days(e, g->last) : -1;
    v->oldest_days = g->first[0] ? age_days(e, g->first) : -1;
}

/* The value of a name in a group's context: group figures, then the
 * representative item's fields, then the snapshot-wide figures. */
static const char *lookup(const eval *e, const group *g, const gvars *v, const char *name,
                          wd_buf *tmp)
{
    if (!strcmp(name, "count"))
        return fmt_num(tmp, (double)v->count);
    if (!strcmp(name, "updates")) /* the items (subjects) the group holds */
        return fmt_num(tmp, (double)v->items);
    if (!strcmp(name, "attempts"))
        return fmt_num(tmp, (double)v->attempts);
    if (!strcmp(name, "attached"))
        return fmt_num(tmp, (double)v->attached);
    if (!strcmp(name, "days"))
        return v->days < 0 ? NULL : fmt_num(tmp, whole(v->days));
    if (!strcmp(name, "oldest-days"))
        return v->oldest_days < 0 ? NULL : fmt_num(tmp, whole(v->oldest_days));
    if (!strcmp(name, "codes") && g->rep.kind != SRC_SUBJECTS) {
        wd_buf_reset(tmp);
        for (size_t i = 0; i < g->ncodes; i++)
            wd_buf_printf(tmp, "%s0x%08X", i ? ", " : "", g->codes[i]);
        return wd_buf_cstr(tmp);
    }
    if (!strcmp(name, "first") && g->first[0])
        return g->first;
    if (!strcmp(name, "last") && g->last[0])
        return g->last;
    const char *r = g->rep.kind != SRC_ONCE || g->rep.p ? item_field(e, &g->rep, name, tmp) : NULL;
    return r ? r : global(e, name, tmp);
}

/* A value as a reader writes it: a time "2024-02-14T17:04:10.000Z" as
 * "2024-02-14 17:04:10 UTC" (a local time, without zone, without "UTC");
 * anything else as it is. */
static void put_value(wd_buf *b, const char *v)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    size_t i = 0, n = strlen(v);
    while (i < sizeof shape - 1 && i < n &&
           (shape[i] == 'd' ? isdigit((unsigned char)v[i]) : v[i] == shape[i]))
        i++;
    if (i < sizeof shape - 1) {
        wd_buf_puts(b, v);
        return;
    }
    wd_buf_append(b, v, 10);
    wd_buf_puts(b, " ");
    wd_buf_append(b, v + 11, 8);
    if (v[n - 1] == 'Z')
        wd_buf_puts(b, " UTC");
}

/* {when}: "at T" for one time, "between F and L" for a span. */
static const char *when_text(const eval *e, const group *g, const gvars *v, wd_buf *tmp)
{
    char first[WD_TIME_MAX] = "", last[WD_TIME_MAX] = "";
    const char *t = lookup(e, g, v, "first", tmp);
    snprintf(first, sizeof first, "%s", t ? t : "");
    t = lookup(e, g, v, "last", tmp);
    snprintf(last, sizeof last, "%s", t ? t : "");
    wd_buf_reset(tmp);
    if (!first[0] || !strcmp(first, last)) {
        wd_buf_puts(tmp, "at ");
        put_value(tmp, last[0] ? last : first);
    } else {
        wd_buf_puts(tmp, "between ");
        put_value(tmp, first);
        wd_buf_puts(tmp, " and ");
        put_value(tmp, last);
    }
    return wd_buf_cstr(tmp);
}

/* Fills {name} placeholders of a template. */
static char *expand(const eval *e, const group *g, const gvars *v, const char *tpl)
{
    wd_buf b = WD_BUF_INIT, tmp = WD_BUF_INIT;
    const char *p = tpl;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close || close - open > 60) {
            wd_buf_puts(&b, p);
            break;
        }
        wd_buf_append(&b, p, (size_t)(open - p));
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(close - open - 1), open + 1);
        const char *val = !strcmp(name, "when") ? when_text(e, g, v, &tmp)
                                                 : lookup(e, g, v, name, &tmp);
        put_value(&b, val ? val : "");
        p = close + 1;
    }
    int ok = wd_buf_ok(&b) && wd_buf_ok(&tmp);
    wd_buf_free(&tmp);
    if (!ok) {
        wd_buf_free(&b);
        return NULL;
    }
    return b.data ? wd_buf_detach(&b) : wd_strdup("");
}

static int add_string(char ***arr, size_t *n, const char *s, size_t len, size_t max)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen((*arr)[i]) == len && !strncmp((*arr)[i], s, len))
            return WD_OK;
    if (*n >= max)
        return WD_OK;
    char **p = realloc(*arr, (*n + 1) * sizeof *p);
    if (!p)
        return oom();
    *arr = p;
    if (!(p[*n] = wd_strndup(s, len)))
        return oom();
    (*n)++;
    return WD_OK;
}

/* Adds one fix id, replaced or dropped as the fix says on a managed PC. */
static int add_fix(const eval *e, wd_finding *f, const char *id, size_t n, int *changed)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)n, id);
    const wd_kb_fix *fx = wd_kb_fix_find(e->kb, buf);
    for (int hops = 0; e->managed && fx && strcmp(fx->managed, "keep") && hops < 4; hops++) {
        *changed = 1;
        if (!strcmp(fx->managed, "avoid"))
            return WD_OK;
        fx = wd_kb_fix_find(e->kb, fx->managed);
    }
    const char *use = fx ? fx->id : buf;
    return add_string(&f->fixes, &f->nfixes, use, strlen(use), 64);
}

static int add_fixes(const eval *e, wd_finding *f, const char *list, const group *g, int *changed)
{
    int rc = WD_OK;
    const char *p = list;
    while (!rc && p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if (n == 5 && !strncmp(p, "@code", 5)) {
            for (size_t i = 0; !rc && i < g->ncodes; i++) {
                const wd_kb_code *k = wd_kb_code_find(e->kb, g->codes[i]);
                if (k)
                    rc = add_fixes(e, f, k->fixes, g, changed);
            }
        } else if (n) {
            rc = add_fix(e, f, p, n, changed);
        }
        p += strcspn(p, ",");
    }
    return rc;
}

/* Severity and fixes, with the escalations that apply. */
static int severity_and_fixes(const eval *e, const rule *r, const group *g, const gvars *v,
                              wd_finding *f, int issue_only)
{
    const char *sev = r->severity;
    int changed = 0;
    const char *base = e->managed && r->fixes_managed ? r->fixes_managed : r->fixes;
    int rc = issue_only ? WD_OK : add_fixes(e, f, base, g, &changed);
    wd_buf tmp = WD_BUF_INIT;
    for (size_t i = 0; !rc && i < r->nesc; i++) {
        const rule_escalate *x = &r->esc[i];
        if (!holds(e, &x->cond, lookup(e, g, v, x->cond.field, &tmp)))
            continue;
        if (wd_rules_severity_rank(x->severity) > wd_rules_severity_rank(sev))
            sev = x->severity;
        if (x->fixes && !issue_only)
            rc = add_fixes(e, f, x->fixes, g, &changed);
    }
    wd_buf_free(&tmp);
    if (!rc && changed)
        rc = add_fix(e, f, "contact-admin", 13, &changed);
    if (!rc && !(f->severity = wd_strdup(sev)))
        rc = oom();
    return rc;
}

/* The rows a finding cites: its group's, the attached ones, cited facts. */
static int evidence(const eval *e, const rule *r, const group *g, const collect *c,
                    wd_finding *f)
{
    size_t max = GROUP_REFS + ATTACH_REFS + WD_R_MAX_SMALL * 4, ring = 0;
    f->refs = calloc(max, sizeof *f->refs);
    f->codes = calloc(g->ncodes ? g->ncodes : 1, sizeof *f->codes);
    if (!f->refs || !f->codes)
        return oom();
    for (size_t i = 0; i < g->nrefs; i++)
        add_ref(f->refs, &f->nrefs, &ring, max, 0, g->refs[i]);
    for (size_t i = 0; i < c->attach.nrefs; i++)
        add_ref(f->refs, &f->nrefs, &ring, max, 0, c->attach.refs[i]);
    for (size_t i = 0; i < r->ncite; i++)
        for (size_t j = 0; j < e->m->nfacts; j++)
            if (e->m->facts[j].key && !strcmp(e->m->facts[j].key, r->cite[i]))
                add_ref(f->refs, &f->nrefs, &ring, max, 0,
                        (wd_ref){WD_REF_FACT, e->m->facts[j].id});
    memcpy(f->codes, g->codes, g->ncodes * sizeof *g->codes);
    f->ncodes = g->ncodes;
    return WD_OK;
}

static int push_finding(wd_model *m, size_t *cap, wd_finding *f)
{
    wd_finding *slot = wd_array_grow(&m->findings, &m->nfindings, cap, sizeof *slot);
    if (!slot)
        return oom();
    *slot = *f;
    memset(f, 0, sizeof *f);
    return WD_OK;
}

/* Whether one comma list element list matches v (NULL list: any). */
static int issue_list(const eval *e, const char *list, const char *v)
{
    return !list || (v && wd_rules_in_list(e->rules, v, list));
}

/* known_issue's search, with its scratch buffers. */
static int known_issue_of(const eval *e, const group *g, const wd_kb_issue *issues, size_t n,
                          wd_buf *tmp, wd_buf *tmp2, wd_buf *tmp3, wd_finding *f, int *only)
{
    char code[11];
    const char *state = item_field(e, &g->rep, "state", tmp);
    if (state && strcmp(state, "failing") && strcmp(state, "current"))
        return WD_OK; /* a known issue explains failures, not a pending restart */
    const char *product = item_field(e, &g->rep, "product", tmp);
    const char *op = item_field(e, &g->rep, "operation", tmp2);
    const char *target = item_field(e, &g->rep, "target", tmp3);
    for (size_t i = 0; i < n; i++) {
        const wd_kb_issue *x = &issues[i];
        if (x->named && !(target && target[0]))
            continue;
        int code_ok = !x->codes, kb_ok = !x->kbs;
        for (size_t c = 0; !code_ok && c < g->ncodes; c++) {
            wd_hresult_format(g->codes[c], code);
            code_ok = issue_list(e, x->codes, code);
        }
        for (size_t k = 0; !kb_ok && k < g->nkbs; k++)
            kb_ok = issue_list(e, x->kbs, g->kbs[k]);
        if (!code_ok || !kb_ok || !issue_list(e, x->products, product) ||
            !issue_list(e, x->operations, op))
            continue;
        if (!(f->known_issue = wd_strdup(x->id)))
            return oom();
        *only = x->only;
        int changed = 0;
        return x->fixes ? add_fixes(e, f, x->fixes, g, &changed) : WD_OK;
    }
    return WD_OK;
}

/* A documented known issue that explains the group: every list the issue
 * gives matches one of the group's codes, KBs, and its product and
 * operation (and it names its target when the issue says "target named"). Its fixes go first and its id is cited. */
static int known_issue(const eval *e, const group *g, wd_finding *f, int *only)
{
    size_t n;
    const wd_kb_issue *issues = wd_kb_issues(e->kb, &n);
    wd_buf tmp = WD_BUF_INIT, tmp2 = WD_BUF_INIT, tmp3 = WD_BUF_INIT;
    int rc = known_issue_of(e, g, issues, n, &tmp, &tmp2, &tmp3, f, only);
    wd_buf_free(&tmp);
    wd_buf_free(&tmp2);
    wd_buf_free(&tmp3);
    return rc;
}

/* Turns one group into a finding when the rule's having-conditions hold. */
/* The service a finding is about: the service row of a per-service rule,
 * the key of a service subject; NULL for grouped findings and the rest. */
static const char *finding_service(const eval *e, const rule *r, const group *g, wd_buf *tmp)
{
    if (r->group_by)
        return NULL;
    if (r->src == SRC_SERVICES || r->src == SRC_MISSING)
        return item_field(e, &g->rep, "name", tmp);
    if (r->src != SRC_SUBJECTS)
        return NULL;
    const char *kind = item_field(e, &g->rep, "kind", tmp);
    return kind && !strcmp(kind, "service") ? item_field(e, &g->rep, "key", tmp) : NULL;
}

static int emit(eval *e, size_t order, const collect *c, const group *g, size_t *cap)
{
    const rule *r = c->r;
    wd_finding f = {0};
    gvars v;
    wd_buf tmp = WD_BUF_INIT;
    group_vars(e, g, c, &v);
    for (size_t i = 0; i < r->nhaving; i++)
        if (!holds(e, &r->having[i], lookup(e, g, &v, r->having[i].field, &tmp))) {
            wd_buf_free(&tmp);
            return WD_OK;
        }
    int only = 0;
    int rc = evidence(e, r, g, c, &f);
    if (!rc && !(r->state && !strcmp(r->state, "resolved"))) /* history needs no advice */
        rc = known_issue(e, g, &f, &only);
    if (!rc)
        rc = severity_and_fixes(e, r, g, &v, &f, only);
    if (rc)
        goto cleanup;
    f.rule = wd_strdup(r->id);
    f.title = expand(e, g, &v, r->title);
    f.explanation = expand(e, g, &v, r->explain);
    f.state = r->state && !strcmp(r->state, "resolved") ? "resolved" : "current";
    f.order = order;
    const char *svc = finding_service(e, r, g, &tmp);
    if (svc && !(f.service = wd_strdup(svc))) {
        rc = oom();
        goto cleanup;
    }
    if (!f.rule || !f.title || !f.explanation) {
        rc = oom();
        goto cleanup;
    }
    rc = push_finding(e->m, cap, &f);
cleanup:
    wd_finding_clear(&f);
    wd_buf_free(&tmp);
    return rc;
}

int wd_rules_run(const wd_kb *kb, wd_model *m)
{
    if (!kb || !m || !kb->rules)
        return wd_error_set(WD_EUSAGE, "rules: no knowledge base or model");
    eval e = {.kb = kb, .rules = kb->rules, .m = m};
    size_t cap = m->nfindings;
    e.collects = calloc(kb->rules->n ? kb->rules->n : 1, sizeof *e.collects);
    if (!e.collects)
        return oom();
    for (size_t i = 0; i < kb->rules->n; i++)
        e.collects[i].r = &kb->rules->rules[i];
    compute_globals(&e);
    for (size_t i = 0; i < kb->rules->n; i++)
        e.collects[i].active = globals_hold(&e, &kb->rules->rules[i]);
    int rc = walk_sources(&e);
    for (size_t i = 0; !rc && i < kb->rules->n; i++)
        for (size_t j = 0; !rc && j < e.collects[i].n; j++)
            rc = emit(&e, i, &e.collects[i], &e.collects[i].groups[j], &cap);
    for (size_t i = 0; i < kb->rules->n; i++)
        free_collect(&e.collects[i]);
    free(e.collects);
    wd_buf_free(&e.key);
    wd_buf_free(&e.scratch);
    e.judge.restart_pending =
        e.reboot_pending || truthy(wd_model_fact(m, "reboot.pending.file_rename"));
    for (size_t i = 0; i < m->nsubjects; i++)
        e.judge.restart_pending |= m->subjects[i].state == WD_ST_PENDING_REBOOT;
    if (!rc)
        rc = wd_judge(kb, m, &e.judge);
    if (!rc)
        memcpy(m->op_failed, e.judge.op_failed, sizeof m->op_failed);
    m->managed = e.managed;
    m->reboot_pending = e.reboot_pending;
    m->wsus_server = e.wsus ? e.server : NULL;
    return rc;
}
