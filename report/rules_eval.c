/* rules_eval.c - the one engine that evaluates every rule of rules.txt over
 * a loaded snapshot: pick items from a source, filter, group, check the
 * snapshot-wide conditions, and turn each group into a finding with its
 * severity, texts, evidence references and fix ids; then rank them. */
#include "rules_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_EVIDENCE = 200, TMP = 160 };

typedef struct item {
    rule_src kind;
    const void *p; /* wd_m_service/-event/-failure/-fact, wd_update_service */
} item;

typedef struct eval {
    const wd_kb *kb;
    const wd_rules *rules;
    wd_model *m;
    int64_t ref; /* the time "now" is for this snapshot */
    int managed, wsus, reboot_pending;
    double last_success_days; /* -1 when there is no update evidence */
    char last_success[WD_TIME_MAX + 40]; /* also "none in the evidence (since TIME)" */
    const char *server;
    size_t capfindings;
    size_t failing_streak; /* earlier snapshots in a row that were failing */
} eval;

typedef struct group {
    item *items;
    size_t n, cap;
    char *key;
} group;

/* Figures of one group, computed once. */
typedef struct gvars {
    size_t count, attempts, attached;
    double days, oldest_days; /* -1 when no item has a time */
    char codes[96];
    const char *first, *last;
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

/* Whole days (the figures are never negative, -1 means none). */
static double whole(double d)
{
    return d < 0 ? -1 : (double)(int64_t)d;
}

static const char *fmt_num(char *tmp, double v)
{
    snprintf(tmp, TMP, "%.0f", v);
    return tmp;
}

static const char *fmt_code(char *tmp, uint32_t hr)
{
    char c[11];
    wd_hresult_format(hr, c);
    snprintf(tmp, TMP, "%s", c);
    return tmp;
}

/* "store-app", "defender" or "windows", from an update title. */
static const char *update_kind(const char *title)
{
    if (!title)
        return "windows";
    size_t n = 0;
    while ((title[n] >= '0' && title[n] <= '9') || (title[n] >= 'A' && title[n] <= 'Z'))
        n++;
    if (n == 12 && title[n] == '-')
        return "store-app";
    if (strstr(title, "KB2267602") || strstr(title, "Security Intelligence"))
        return "defender";
    return "windows";
}

/* ---------------------------------------------------------- item fields */

static const char *service_field(const wd_m_service *s, const char *f, char *tmp)
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
        return u ? u->expected_start : NULL;
    if (!strcmp(f, "essential"))
        return u && u->essential ? "1" : "0";
    if (!strcmp(f, "known"))
        return u ? "1" : "0";
    if (!strcmp(f, "exit-code"))
        return s->exit_code < 0 ? NULL : fmt_num(tmp, (double)s->exit_code);
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

static const char *code_text(const eval *e, uint32_t hr, const char *f, char *tmp)
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
        snprintf(tmp, TMP, "%s%s", mn, stop ? "" : ".");
        return tmp;
    }
    return NULL;
}

static const char *failure_field(const eval *e, const wd_m_failure *x, const char *f, char *tmp)
{
    const char *v = code_text(e, x->hresult, f, tmp);
    if (v)
        return v;
    if (!strcmp(f, "origin"))
        return x->origin;
    if (!strcmp(f, "operation"))
        return x->operation;
    if (!strcmp(f, "kb"))
        return x->kb;
    if (!strcmp(f, "title"))
        return x->title ? x->title : x->kb;
    if (!strcmp(f, "update"))
        return x->kb ? x->kb : x->title ? x->title : x->update_id ? x->update_id : "an update";
    if (!strcmp(f, "time"))
        return x->time;
    if (!strcmp(f, "component"))
        return x->component;
    if (!strcmp(f, "kind"))
        return update_kind(x->title);
    if (!strcmp(f, "days"))
        return x->time ? fmt_num(tmp, whole(age_days(e, x->time))) : NULL;
    return NULL;
}

/* The code an event carries (errorCode, ErrorCode, hr, SCM's %%N). */
static int event_code(const wd_m_event *ev, uint32_t *hr)
{
    static const char *names[] = {"errorCode", "ErrorCode", "hr", "param2"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = wd_event_field(ev, names[i]);
        if (v && v[0] == '%' && v[1] == '%')
            v += 2;
        if (v && !wd_hresult_parse(v, hr))
            return 1;
    }
    return 0;
}

/* The key name of the service an SCM event is about. */
static const char *event_service(const wd_m_event *ev)
{
    const char *k = wd_event_field(ev, "ServiceKeyName");
    if (k && *k)
        return k;
    const char *p = wd_event_field(ev, "param1");
    if (!p)
        return NULL;
    size_t n;
    const wd_update_service *t = wd_update_services(&n);
    for (size_t i = 0; i < n; i++)
        if (wd_strcaseeq(t[i].display_name, p) || wd_strcaseeq(t[i].name, p))
            return t[i].name;
    return p;
}

static const char *event_kb(const wd_m_event *ev, char *tmp)
{
    const char *t = wd_event_field(ev, "updateTitle");
    if (t && wd_find_kb(t, tmp, TMP))
        return tmp;
    const char *p = wd_event_field(ev, "PackageIdentifier");
    if (p && wd_find_kb(p, tmp, TMP))
        return tmp;
    return NULL;
}

static const char *event_field2(const eval *e, const wd_m_event *ev, const char *f, char *tmp)
{
    if (!strcmp(f, "title"))
        return wd_event_field(ev, "updateTitle");
    if (!strcmp(f, "guid"))
        return wd_event_field(ev, "updateGuid");
    if (!strcmp(f, "kb"))
        return event_kb(ev, tmp);
    if (!strcmp(f, "update")) {
        const char *k = event_kb(ev, tmp);
        const char *g = wd_event_field(ev, "updateGuid");
        const char *t = wd_event_field(ev, "updateTitle");
        return k ? k : g ? g : t ? t : "an update";
    }
    if (!strcmp(f, "service"))
        return event_service(ev);
    if (!strcmp(f, "kind"))
        return update_kind(wd_event_field(ev, "updateTitle"));
    if (!strcmp(f, "days"))
        return ev->time ? fmt_num(tmp, whole(age_days(e, ev->time))) : NULL;
    if (!strncmp(f, "field.", 6))
        return wd_event_field(ev, f + 6);
    return NULL;
}

static const char *event_field(const eval *e, const wd_m_event *ev, const char *f, char *tmp)
{
    uint32_t hr;
    if (!strcmp(f, "code") || !strcmp(f, "symbol") || !strcmp(f, "meaning"))
        return event_code(ev, &hr) ? code_text(e, hr, f, tmp) : NULL;
    if (!strcmp(f, "provider"))
        return ev->provider;
    if (!strcmp(f, "id"))
        return fmt_num(tmp, ev->event_id);
    if (!strcmp(f, "channel"))
        return ev->channel;
    if (!strcmp(f, "level"))
        return fmt_num(tmp, ev->level);
    if (!strcmp(f, "time"))
        return ev->time;
    return event_field2(e, ev, f, tmp);
}

static const char *fact_field(const wd_m_fact *x, const char *f, char *tmp)
{
    double v;
    if (!strcmp(f, "key"))
        return x->key;
    if (!strcmp(f, "value"))
        return x->value;
    if (!strcmp(f, "gb")) {
        if (!num(x->value, &v))
            return NULL;
        snprintf(tmp, TMP, "%.1f", v / 1e9);
        return tmp;
    }
    return NULL;
}

static const char *global(const eval *e, const char *f, char *tmp);

/* The value of field f of an item (NULL when it has none). */
static const char *item_field(const eval *e, const item *it, const char *f, char *tmp)
{
    switch (it->kind) {
    case SRC_SERVICES:
        return service_field(it->p, f, tmp);
    case SRC_MISSING:
        return missing_field(it->p, f);
    case SRC_FAILURES:
        return failure_field(e, it->p, f, tmp);
    case SRC_EVENTS:
        return event_field(e, it->p, f, tmp);
    case SRC_FACTS:
        return fact_field(it->p, f, tmp);
    case SRC_ONCE:
        return global(e, f, tmp);
    }
    return NULL;
}

static const char *item_time(const item *it)
{
    if (it->kind == SRC_FAILURES)
        return ((const wd_m_failure *)it->p)->time;
    if (it->kind == SRC_EVENTS)
        return ((const wd_m_event *)it->p)->time;
    return NULL;
}

/* "failure:12" for an item; 0 when it has no row. */
static int item_ref(const item *it, char *out, size_t n)
{
    switch (it->kind) {
    case SRC_SERVICES:
        return snprintf(out, n, "service:%lld", (long long)((const wd_m_service *)it->p)->id), 1;
    case SRC_FAILURES:
        return snprintf(out, n, "failure:%lld", (long long)((const wd_m_failure *)it->p)->id), 1;
    case SRC_EVENTS:
        return snprintf(out, n, "event:%lld", (long long)((const wd_m_event *)it->p)->id), 1;
    case SRC_FACTS:
        return snprintf(out, n, "fact:%lld", (long long)((const wd_m_fact *)it->p)->id), 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------- global figures */

static const char *global(const eval *e, const char *f, char *tmp)
{
    if (!strcmp(f, "managed"))
        return e->managed ? "1" : "0";
    if (!strcmp(f, "wsus"))
        return e->wsus ? "1" : "0";
    if (!strcmp(f, "server"))
        return e->server;
    if (!strcmp(f, "reboot-pending"))
        return e->reboot_pending ? "1" : "0";
    if (!strcmp(f, "last-success-days"))
        return fmt_num(tmp, e->last_success_days < 0 ? -1 : whole(e->last_success_days));
    if (!strcmp(f, "last-success"))
        return e->last_success;
    if (!strcmp(f, "services"))
        return fmt_num(tmp, (double)e->m->nservices);
    if (!strcmp(f, "machine"))
        return e->m->machine;
    if (!strcmp(f, "failures"))
        return fmt_num(tmp, (double)e->m->nfailures);
    if (!strcmp(f, "events"))
        return fmt_num(tmp, (double)e->m->nevents);
    if (!strcmp(f, "facts"))
        return fmt_num(tmp, (double)e->m->nfacts);
    if (!strcmp(f, "failing-streak"))
        return fmt_num(tmp, (double)e->failing_streak);
    if (!strcmp(f, "managed-note")) {
        if (!e->managed)
            return "";
        snprintf(tmp, TMP,
                 " Updates on this PC are managed by policy%s%s: involve whoever "
                 "manages them before changing update settings.",
                 e->server ? " from " : "", e->server ? e->server : "");
        return tmp;
    }
    if (!strncmp(f, "fact:", 5))
        return wd_model_fact(e->m, f + 5);
    return NULL;
}

static int is_wu_event(const wd_m_event *ev)
{
    return ev->provider && !strcmp(ev->provider, "Microsoft-Windows-WindowsUpdateClient");
}

/* Folds one time into the newest success / oldest activity seen. */
static void note_time(const char *t, int success, char *last, char *oldest)
{
    if (!t || !*t)
        return;
    if (success && strcmp(t, last) > 0)
        snprintf(last, WD_TIME_MAX, "%s", t);
    if (!oldest[0] || strcmp(t, oldest) < 0)
        snprintf(oldest, WD_TIME_MAX, "%s", t);
}

/* A "history" fact: "TIME|operation|result|0xHR|KB|title". */
static void note_history(const char *v, char *last, char *oldest)
{
    char t[WD_TIME_MAX] = "";
    const char *bar = strchr(v, '|');
    char buf[WD_TIME_MAX];
    size_t n = bar ? (size_t)(bar - v) : strlen(v);
    if (n >= sizeof buf)
        return;
    memcpy(buf, v, n);
    buf[n] = '\0';
    if (wd_time_normalize(buf, t))
        return;
    const char *res = bar ? strchr(bar + 1, '|') : NULL;
    int ok = res && (!strncmp(res + 1, "2|", 2) || !strncmp(res + 1, "3|", 2) ||
                     wd_strncaseeq(res + 1, "succeeded", 9));
    note_time(t, ok, last, oldest);
}

static void last_success(eval *e)
{
    char last[WD_TIME_MAX] = "", oldest[WD_TIME_MAX] = "";
    for (size_t i = 0; i < e->m->nevents; i++) {
        const wd_m_event *ev = &e->m->events[i];
        if (is_wu_event(ev))
            note_time(ev->time, ev->event_id == 19, last, oldest);
    }
    for (size_t i = 0; i < e->m->nfailures; i++)
        note_time(e->m->failures[i].time, 0, last, oldest);
    for (size_t i = 0; i < e->m->nfacts; i++)
        if (e->m->facts[i].key && !strcmp(e->m->facts[i].key, "history") && e->m->facts[i].value)
            note_history(e->m->facts[i].value, last, oldest);
    e->last_success_days = last[0] ? age_days(e, last) : oldest[0] ? age_days(e, oldest) : -1;
    if (last[0])
        snprintf(e->last_success, sizeof e->last_success, "%s", last);
    else
        snprintf(e->last_success, sizeof e->last_success, "none in the evidence (since %s)",
                 oldest[0] ? oldest : "-");
}

/* How many of the snapshots just before this one were "failing". */
static size_t failing_streak(const wd_model *m)
{
    size_t streak = 0;
    const char *before = m->collected_at; /* walk back from here */
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

/* A server URL that is not Microsoft's own (Windows Update, Microsoft
 * Update, Delivery Optimization): a WSUS or Configuration Manager server. */
static int own_server(const char *url)
{
    return url && *url && !strstr(url, "microsoft.com") && !strstr(url, "windowsupdate.com") &&
           !wd_strcaseeq(url, "(null)");
}

static void compute_globals(eval *e)
{
    set_reference(e);
    const char *policy = wd_model_fact(e->m, "policy.wu.WUServer");
    const char *logged = wd_model_fact(e->m, "wu.wsus_server");
    const char *url = wd_model_fact(e->m, "wu.server_url");
    for (size_t i = 0; i < e->m->nfacts; i++) {
        const wd_m_fact *f = &e->m->facts[i];
        if (f->key && !strncmp(f->key, "policy.wu.", 10) && f->value && *f->value)
            e->managed = 1;
    }
    /* the policy decides; without it, what WindowsUpdate.log said it used */
    e->server = own_server(policy)   ? policy
                : own_server(logged) ? logged
                : own_server(url)    ? url
                                     : NULL;
    e->wsus = own_server(policy) ? truthy(wd_model_fact(e->m, "policy.wu.UseWUServer"))
                                 : e->server != NULL;
    e->managed |= e->wsus;
    e->reboot_pending = truthy(wd_model_fact(e->m, "reboot.pending.wu")) ||
                        truthy(wd_model_fact(e->m, "reboot.pending.cbs")) ||
                        truthy(wd_model_fact(e->m, "reboot.pending.cbs_packages"));
    last_success(e);
    e->failing_streak = failing_streak(e->m);
}

/* ------------------------------------------------------------ conditions */

static int glob_match(const char *pat, const char *s)
{
    if (!*pat)
        return !*s;
    if (*pat == '*')
        return glob_match(pat + 1, s) || (*s && glob_match(pat, s + 1));
    return *s && (wd_strncaseeq(pat, s, 1)) && glob_match(pat + 1, s + 1);
}

static int equal(const char *v, const char *want, size_t wn)
{
    char w[TMP];
    double a, b;
    if (wn >= sizeof w)
        return 0;
    memcpy(w, want, wn);
    w[wn] = '\0';
    if (num(v, &a) && num(w, &b))
        return a == b;
    return wd_strcaseeq(v, w);
}

/* "lo-hi" with two numbers: whether v is within. -1 when not a range. */
static int in_range(const char *v, const char *el, size_t n)
{
    char buf[TMP];
    double lo, hi, x;
    if (n >= sizeof buf || n < 3)
        return -1;
    memcpy(buf, el, n);
    buf[n] = '\0';
    char *dash = strchr(buf + 1, '-');
    if (!dash)
        return -1;
    *dash = '\0';
    if (!num(buf, &lo) || !num(dash + 1, &hi))
        return -1;
    return num(v, &x) && x >= lo && x <= hi;
}

/* Whether v is in a comma list whose elements are values, "lo-hi" ranges
 * or "@set" names. */
static int in_list(const eval *e, const char *v, const char *list, int depth)
{
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if (n && p[0] == '@' && depth < 4) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(n - 1), p + 1);
            const char *set = wd_rules_set(e->rules, name);
            if (set && in_list(e, v, set, depth + 1))
                return 1;
        } else if (n) {
            int r = in_range(v, p, n);
            if (r == 1 || (r < 0 && equal(v, p, n)))
                return 1;
        }
        p += strcspn(p, ",");
    }
    return 0;
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
        return !v || !equal(v, c->value, strlen(c->value));
    case OP_NOTIN:
        return !v || !in_list(e, v, c->value, 0);
    default:
        break;
    }
    if (!v)
        return 0;
    if (c->op == OP_EQ)
        return equal(v, c->value, strlen(c->value));
    if (c->op == OP_IN)
        return in_list(e, v, c->value, 0);
    if (c->op == OP_GLOB)
        return glob_match(c->value, v);
    if (!num(v, &a) || !num(c->value, &b))
        return 0;
    return c->op == OP_LT ? a < b : c->op == OP_LE ? a <= b : c->op == OP_GT ? a > b : a >= b;
}

/* Whether two update-client events are about the same update: the same
 * update GUID, KB number or title (Store apps change GUID between download
 * and install but keep their title). */
static int same_update(const wd_m_event *a, const wd_m_event *b)
{
    static const char *keys[] = {"updateGuid", "updateTitle"};
    char ka[TMP], kb[TMP];
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *x = wd_event_field(a, keys[i]), *y = wd_event_field(b, keys[i]);
        if (x && y && *x && wd_strcaseeq(x, y))
            return 1;
    }
    const char *x = event_kb(a, ka), *y = event_kb(b, kb);
    return x && y && !strcmp(x, y);
}

/* A later update-client event with an id in ids: about the same update, or
 * about any update when any_update is set or ev names no update (21:
 * restart required). */
static int followed_by(const eval *e, const wd_m_event *ev, const char *ids, int any_update)
{
    uint32_t want[16];
    size_t nwant = 0;
    for (const char *p = ids; *p && nwant < 16;) {
        char *end;
        unsigned long id = strtoul(p, &end, 10);
        if (end == p)
            break;
        want[nwant++] = (uint32_t)id;
        p = end + strspn(end, ", ");
    }
    int any =
        any_update || (!wd_event_field(ev, "updateGuid") && !wd_event_field(ev, "updateTitle"));
    for (size_t i = 0; ev->time && i < e->m->nevents; i++) {
        const wd_m_event *o = &e->m->events[i];
        size_t k = 0;
        while (k < nwant && want[k] != o->event_id)
            k++;
        if (k == nwant || o == ev || !o->time || !is_wu_event(o) || strcmp(o->time, ev->time) < 0)
            continue;
        if (any || same_update(ev, o))
            return 1;
    }
    return 0;
}

static int item_passes(const eval *e, const rule *r, const item *it)
{
    char tmp[TMP];
    for (size_t i = 0; i < r->nwhere; i++)
        if (!holds(e, &r->where[i], item_field(e, it, r->where[i].field, tmp)))
            return 0;
    if (r->unless_followed_by && followed_by(e, it->p, r->unless_followed_by, 0))
        return 0;
    if (r->unless_later && followed_by(e, it->p, r->unless_later, 1))
        return 0;
    return 1;
}

/* -------------------------------------------------------------- sources */

typedef int (*item_fn)(void *ctx, const item *it);

/* Calls fn for every item of a source. */
static int each_item(const eval *e, rule_src src, item_fn fn, void *ctx)
{
    const wd_model *m = e->m;
    int rc = WD_OK;
    size_t n;
    const wd_update_service *u = wd_update_services(&n);
    switch (src) {
    case SRC_SERVICES:
        for (size_t i = 0; !rc && i < m->nservices; i++)
            rc = fn(ctx, &(item){SRC_SERVICES, &m->services[i]});
        break;
    case SRC_MISSING: /* only when the evidence lists services at all */
        for (size_t i = 0; !rc && m->nservices && i < n; i++)
            if (!wd_model_service(m, u[i].name))
                rc = fn(ctx, &(item){SRC_MISSING, &u[i]});
        break;
    case SRC_FAILURES:
        for (size_t i = 0; !rc && i < m->nfailures; i++)
            rc = fn(ctx, &(item){SRC_FAILURES, &m->failures[i]});
        break;
    case SRC_EVENTS:
        for (size_t i = 0; !rc && i < m->nevents; i++)
            rc = fn(ctx, &(item){SRC_EVENTS, &m->events[i]});
        break;
    case SRC_FACTS:
        for (size_t i = 0; !rc && i < m->nfacts; i++)
            rc = fn(ctx, &(item){SRC_FACTS, &m->facts[i]});
        break;
    case SRC_ONCE:
        rc = fn(ctx, &(item){SRC_ONCE, NULL});
        break;
    }
    return rc;
}

/* ------------------------------------------------------------- grouping */

typedef struct collect {
    const eval *e;
    const rule *r;
    group *groups;
    size_t n, cap;
} collect;

static int group_add(group *g, const item *it)
{
    if (g->n == g->cap) {
        size_t ncap = g->cap ? g->cap * 2 : 8;
        item *p = realloc(g->items, ncap * sizeof *p);
        if (!p)
            return oom();
        g->items = p;
        g->cap = ncap;
    }
    g->items[g->n++] = *it;
    return WD_OK;
}

static group *new_group(collect *c, char *key)
{
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        group *p = realloc(c->groups, ncap * sizeof *p);
        if (!p)
            return NULL;
        c->groups = p;
        c->cap = ncap;
    }
    group *g = &c->groups[c->n++];
    memset(g, 0, sizeof *g);
    g->key = key;
    return g;
}

/* The group key of an item: its group-by field values joined by \x1f. */
static char *group_key(const eval *e, const char *fields, const item *it)
{
    wd_buf b = WD_BUF_INIT;
    const char *p = fields;
    while (*p) {
        char name[64], tmp[TMP];
        size_t n = strcspn(p, ",");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        const char *v = item_field(e, it, name, tmp);
        wd_buf_puts(&b, v ? v : "");
        wd_buf_putc(&b, '\x1f');
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    if (!wd_buf_ok(&b)) {
        wd_buf_free(&b);
        return NULL;
    }
    return b.data ? wd_buf_detach(&b) : wd_strdup("");
}

static int on_item(void *vctx, const item *it)
{
    collect *c = vctx;
    const char *by = c->r->group_by;
    if (!item_passes(c->e, c->r, it))
        return WD_OK;
    if (by && !strcmp(by, "all") && c->n)
        return group_add(&c->groups[0], it);
    char *key = NULL;
    if (by && strcmp(by, "all")) {
        if (!(key = group_key(c->e, by, it)))
            return oom();
        for (size_t i = 0; i < c->n; i++)
            if (!strcmp(c->groups[i].key, key)) {
                free(key);
                return group_add(&c->groups[i], it);
            }
    }
    group *g = new_group(c, key);
    if (!g) {
        free(key);
        return oom();
    }
    return group_add(g, it);
}

static void free_groups(collect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->groups[i].items);
        free(c->groups[i].key);
    }
    free(c->groups);
}

static void add_code(gvars *v, const char *code)
{
    if (!code || strstr(v->codes, code))
        return;
    size_t len = strlen(v->codes);
    if (len + strlen(code) + 3 >= sizeof v->codes)
        return;
    snprintf(v->codes + len, sizeof v->codes - len, "%s%s", len ? ", " : "", code);
}

static void group_vars(const eval *e, const group *g, gvars *v)
{
    memset(v, 0, sizeof *v);
    v->count = g->n;
    v->days = v->oldest_days = -1;
    char minutes[64][17];
    size_t nmin = 0, notime = 0, distinct = 0;
    for (size_t i = 0; i < g->n; i++) {
        char tmp[TMP];
        const char *t = item_time(&g->items[i]);
        if (g->items[i].kind == SRC_FAILURES || g->items[i].kind == SRC_EVENTS)
            add_code(v, item_field(e, &g->items[i], "code", tmp));
        if (!t) {
            notime++;
            continue;
        }
        double d = age_days(e, t);
        if (d >= 0 && (v->days < 0 || d < v->days))
            v->days = d, v->last = t;
        if (d >= 0 && d > v->oldest_days)
            v->oldest_days = d, v->first = t;
        size_t j = 0;
        while (j < nmin && strncmp(minutes[j], t, 16))
            j++;
        if (j == nmin) {
            distinct++;
            if (nmin < 64)
                snprintf(minutes[nmin++], sizeof minutes[0], "%.16s", t);
        }
    }
    v->attempts = notime + distinct;
}

/* The value of a name in a group's context: group figures, then the first
 * item's fields, then the snapshot-wide figures. */
static const char *lookup(const eval *e, const group *g, const gvars *v, const char *name,
                          char *tmp)
{
    if (!strcmp(name, "count"))
        return fmt_num(tmp, (double)v->count);
    if (!strcmp(name, "attempts"))
        return fmt_num(tmp, (double)v->attempts);
    if (!strcmp(name, "attached"))
        return fmt_num(tmp, (double)v->attached);
    if (!strcmp(name, "days"))
        return v->days < 0 ? NULL : fmt_num(tmp, whole(v->days));
    if (!strcmp(name, "oldest-days"))
        return v->oldest_days < 0 ? NULL : fmt_num(tmp, whole(v->oldest_days));
    if (!strcmp(name, "codes"))
        return v->codes;
    if (!strcmp(name, "first"))
        return v->first;
    if (!strcmp(name, "last"))
        return v->last;
    const char *r = g->n ? item_field(e, &g->items[0], name, tmp) : NULL;
    return r ? r : global(e, name, tmp);
}

/* Fills {name} placeholders of a template. */
static char *expand(const eval *e, const group *g, const gvars *v, const char *tpl)
{
    wd_buf b = WD_BUF_INIT;
    const char *p = tpl;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close || close - open > 60) {
            wd_buf_puts(&b, p);
            break;
        }
        wd_buf_append(&b, p, (size_t)(open - p));
        char name[64], tmp[TMP];
        snprintf(name, sizeof name, "%.*s", (int)(close - open - 1), open + 1);
        const char *val = lookup(e, g, v, name, tmp);
        wd_buf_puts(&b, val ? val : "");
        p = close + 1;
    }
    if (!wd_buf_ok(&b)) {
        wd_buf_free(&b);
        return NULL;
    }
    return b.data ? wd_buf_detach(&b) : wd_strdup("");
}

/* ----------------------------------------------------------- a finding */

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
            char tmp[TMP];
            uint32_t hr;
            const char *c = g->n ? item_field(e, &g->items[0], "code", tmp) : NULL;
            const wd_kb_code *k =
                c && !wd_hresult_parse(c, &hr) ? wd_kb_code_find(e->kb, hr) : NULL;
            if (k)
                rc = add_fixes(e, f, k->fixes, g, changed);
        } else if (n) {
            rc = add_fix(e, f, p, n, changed);
        }
        p += strcspn(p, ",");
    }
    return rc;
}

/* Severity and fixes, with the escalations that apply. */
static int severity_and_fixes(const eval *e, const rule *r, const group *g, const gvars *v,
                              wd_finding *f)
{
    const char *sev = r->severity;
    int changed = 0;
    const char *base = e->managed && r->fixes_managed ? r->fixes_managed : r->fixes;
    int rc = add_fixes(e, f, base, g, &changed);
    for (size_t i = 0; !rc && i < r->nesc; i++) {
        char tmp[TMP];
        const rule_escalate *x = &r->esc[i];
        if (!holds(e, &x->cond, lookup(e, g, v, x->cond.field, tmp)))
            continue;
        if (wd_rules_severity_rank(x->severity) > wd_rules_severity_rank(sev))
            sev = x->severity;
        if (x->fixes)
            rc = add_fixes(e, f, x->fixes, g, &changed);
    }
    if (!rc && changed)
        rc = add_fix(e, f, "contact-admin", 13, &changed);
    if (!rc && !(f->severity = wd_strdup(sev)))
        rc = oom();
    return rc;
}

typedef struct attach_ctx {
    const eval *e;
    const rule *r;
    wd_finding *f;
    size_t count;
} attach_ctx;

static int on_attach(void *vctx, const item *it)
{
    attach_ctx *a = vctx;
    char tmp[TMP], ref[48];
    if (!holds(a->e, &a->r->attach, item_field(a->e, it, a->r->attach.field, tmp)))
        return WD_OK;
    a->count++;
    if (!item_ref(it, ref, sizeof ref))
        return WD_OK;
    return add_string(&a->f->evidence, &a->f->nevidence, ref, strlen(ref), MAX_EVIDENCE);
}

/* The event row a failure was read from, as "event:ID" (0 when none). */
static int failure_event_ref(const eval *e, const item *it, char *ref, size_t n)
{
    const wd_m_failure *x = it->p;
    if (it->kind != SRC_FAILURES || !x->event_record_id || !x->origin || strcmp(x->origin, "event"))
        return 0;
    for (size_t i = 0; i < e->m->nevents; i++) {
        const wd_m_event *ev = &e->m->events[i];
        if (ev->record_id == x->event_record_id &&
            (!x->event_channel || !ev->channel || !strcmp(ev->channel, x->event_channel)))
            return snprintf(ref, n, "event:%lld", (long long)ev->id), 1;
    }
    return 0;
}

static int evidence(const eval *e, const rule *r, const group *g, gvars *v, wd_finding *f)
{
    int rc = WD_OK;
    char ref[48];
    for (size_t i = 0; !rc && i < g->n; i++) {
        if (item_ref(&g->items[i], ref, sizeof ref))
            rc = add_string(&f->evidence, &f->nevidence, ref, strlen(ref), MAX_EVIDENCE);
        if (!rc && f->nevidence < MAX_EVIDENCE &&
            failure_event_ref(e, &g->items[i], ref, sizeof ref))
            rc = add_string(&f->evidence, &f->nevidence, ref, strlen(ref), MAX_EVIDENCE);
    }
    if (!rc && r->has_attach) {
        attach_ctx a = {e, r, f, 0};
        rc = each_item(e, r->attach_src, on_attach, &a);
        v->attached = a.count;
    }
    for (size_t i = 0; !rc && i < r->ncite; i++)
        for (size_t j = 0; !rc && j < e->m->nfacts; j++)
            if (e->m->facts[j].key && !strcmp(e->m->facts[j].key, r->cite[i])) {
                snprintf(ref, sizeof ref, "fact:%lld", (long long)e->m->facts[j].id);
                rc = add_string(&f->evidence, &f->nevidence, ref, strlen(ref), MAX_EVIDENCE);
            }
    return rc;
}

static int push_finding(eval *e, wd_finding *f)
{
    wd_model *m = e->m;
    if (m->nfindings == e->capfindings) {
        size_t ncap = e->capfindings ? e->capfindings * 2 : 16;
        wd_finding *p = realloc(m->findings, ncap * sizeof *p);
        if (!p)
            return oom();
        m->findings = p;
        e->capfindings = ncap;
    }
    m->findings[m->nfindings++] = *f;
    memset(f, 0, sizeof *f);
    return WD_OK;
}

/* Turns one group into a finding when the rule's having-conditions hold. */
static int emit(eval *e, const rule *r, const group *g)
{
    wd_finding f = {0};
    gvars v;
    char tmp[TMP];
    group_vars(e, g, &v);
    int rc = evidence(e, r, g, &v, &f);
    if (rc)
        goto cleanup;
    for (size_t i = 0; i < r->nhaving; i++)
        if (!holds(e, &r->having[i], lookup(e, g, &v, r->having[i].field, tmp)))
            goto cleanup;
    rc = severity_and_fixes(e, r, g, &v, &f);
    if (rc)
        goto cleanup;
    f.rule = wd_strdup(r->id);
    f.title = expand(e, g, &v, r->title);
    f.explanation = expand(e, g, &v, r->explain);
    if (!f.rule || !f.title || !f.explanation) {
        rc = oom();
        goto cleanup;
    }
    rc = push_finding(e, &f);
cleanup:
    wd_finding_clear(&f);
    return rc;
}

static int globals_hold(const eval *e, const rule *r)
{
    char tmp[TMP];
    for (size_t i = 0; i < r->nifs; i++)
        if (!holds(e, &r->ifs[i], global(e, r->ifs[i].field, tmp)))
            return 0;
    return 1;
}

static int run_rule(eval *e, const rule *r)
{
    if (!globals_hold(e, r))
        return WD_OK;
    collect c = {e, r, NULL, 0, 0};
    int rc = each_item(e, r->src, on_item, &c);
    for (size_t i = 0; !rc && i < c.n; i++)
        rc = emit(e, r, &c.groups[i]);
    free_groups(&c);
    return rc;
}

/* Most severe first; findings of equal severity keep the rules' order. */
static void rank_findings(wd_model *m)
{
    for (size_t i = 1; i < m->nfindings; i++) {
        wd_finding x = m->findings[i];
        int rank = wd_rules_severity_rank(x.severity);
        size_t j = i;
        while (j > 0 && wd_rules_severity_rank(m->findings[j - 1].severity) < rank) {
            m->findings[j] = m->findings[j - 1];
            j--;
        }
        m->findings[j] = x;
    }
    int top = m->nfindings ? wd_rules_severity_rank(m->findings[0].severity) : 0;
    m->verdict = top >= 3 ? "failing" : top == 2 ? "warning" : "healthy";
}

int wd_rules_run(const wd_kb *kb, wd_model *m)
{
    if (!kb || !m)
        return wd_error_set(WD_EUSAGE, "rules: no knowledge base or model");
    eval e = {.kb = kb, .rules = kb->rules, .m = m, .capfindings = m->nfindings};
    compute_globals(&e);
    for (size_t i = 0; kb->rules && i < kb->rules->n; i++) {
        int rc = run_rule(&e, &kb->rules->rules[i]);
        if (rc)
            return rc;
    }
    rank_findings(m);
    return WD_OK;
}
