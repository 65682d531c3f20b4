/* xml.c - builds the report XML (namespace urn:wudiag:report:1, described by
 * templates/report.xsd) from an analysed model with libxml2's tree API. Every
 * value goes in as text, cleaned of what XML 1.0 cannot carry first. */
#include "render.h"

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

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

#define WD_REPORT_NS "urn:wudiag:report:1"

/* ================================================================ cleaning */

/* Decodes one UTF-8 sequence at p (n bytes left); returns its length and the
 * code point, or 0 when the bytes are not well-formed UTF-8. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    static const uint32_t mins[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len;
    uint32_t c = p[0];
    if (c < 0x80)
        return *cp = c, 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, c &= 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, c &= 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, c &= 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < mins[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int xml_char_ok(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

void wd_xml_clean(const char *s, wd_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = s ? strlen(s) : 0;
    while (n > 0) {
        uint32_t c;
        size_t len = utf8_decode(p, n, &c);
        if (len == 0) {
            wd_buf_puts(out, "\xEF\xBF\xBD"); /* U+FFFD for a bad byte */
            p++, n--;
            continue;
        }
        if (xml_char_ok(c))
            wd_buf_append(out, (const char *)p, len);
        p += len, n -= len;
    }
}

/* ================================================================ builder */

typedef struct xb {
    xmlDocPtr doc;
    xmlNsPtr ns;
    wd_buf tmp;
    int oom;
} xb;

static const xmlChar *clean(xb *b, const char *s)
{
    wd_buf_reset(&b->tmp);
    wd_xml_clean(s, &b->tmp);
    if (!wd_buf_ok(&b->tmp))
        b->oom = 1;
    return (const xmlChar *)wd_buf_cstr(&b->tmp);
}

/* A child element holding text (NULL text: an empty element). */
static xmlNodePtr child(xb *b, xmlNodePtr parent, const char *name, const char *text)
{
    xmlNodePtr n =
        xmlNewTextChild(parent, b->ns, (const xmlChar *)name, text ? clean(b, text) : NULL);
    if (!n)
        b->oom = 1;
    return n;
}

static void attr(xb *b, xmlNodePtr n, const char *name, const char *value)
{
    if (!n || !value)
        return;
    if (!xmlNewProp(n, (const xmlChar *)name, clean(b, value)))
        b->oom = 1;
}

static void attr_i64(xb *b, xmlNodePtr n, const char *name, int64_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)v);
    attr(b, n, name, num);
}

static void attr_u64(xb *b, xmlNodePtr n, const char *name, uint64_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    attr(b, n, name, num);
}

static void attr_id(xb *b, xmlNodePtr n, const char *name, const char *kind, int64_t id)
{
    char ref[48];
    snprintf(ref, sizeof ref, "%s-%lld", kind, (long long)id);
    attr(b, n, name, ref);
}

static void attr_code(xb *b, xmlNodePtr n, const char *name, uint32_t code)
{
    char hex[11];
    wd_hresult_format(code, hex);
    attr(b, n, name, hex);
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* ============================================================ timeline */

typedef struct tl_entry {
    const char *time;
    const char *kind;
    size_t event;   /* index in m->events, or SIZE_MAX */
    size_t failure; /* index in m->failures, or SIZE_MAX */
    size_t order;
} tl_entry;

typedef struct tl {
    tl_entry *v;
    size_t n;
    unsigned char *on_timeline; /* per event */
} tl;

static int is_provider(const wd_m_event *e, const char *p)
{
    return e->provider && wd_strcaseeq(e->provider, p);
}

/* Is param1 of a Service Control Manager event one of the update services? */
static int is_update_service_event(const wd_m_event *e)
{
    const char *p1 = wd_event_field(e, "param1");
    size_t n;
    const wd_update_service *t = wd_update_services(&n);
    for (size_t i = 0; p1 && i < n; i++)
        if (wd_strcaseeq(p1, t[i].name) || wd_strcaseeq(p1, t[i].display_name))
            return 1;
    return 0;
}

static int event_has_failure(const wd_model *m, const wd_m_event *e)
{
    for (size_t i = 0; i < m->nfailures; i++) {
        const wd_m_failure *f = &m->failures[i];
        if (f->origin && !strcmp(f->origin, "event") && f->event_record_id == e->record_id &&
            (!f->event_channel || !e->channel || wd_strcaseeq(f->event_channel, e->channel)))
            return 1;
    }
    return 0;
}

/* The timeline kind of an event, or NULL when it is not update activity. */
static const char *event_kind(const wd_model *m, const wd_m_event *e)
{
    if (is_provider(e, "Microsoft-Windows-WindowsUpdateClient")) {
        switch (e->event_id) {
        case 19:
            return "install-succeeded";
        case 43:
            return "install-started";
        case 44:
            return "download-started";
        case 41:
            return "download-succeeded";
        case 21:
        case 22:
            return "restart-required";
        case 20:
        case 24:
        case 25:
        case 31:
            if (event_has_failure(m, e))
                return NULL;
            return e->event_id == 20 || e->event_id == 24 ? "install-failed"
                   : e->event_id == 25                    ? "scan-failed"
                                                          : "download-failed";
        default:
            return NULL;
        }
    }
    if (is_provider(e, "Service Control Manager") && (e->event_id == 7036 || e->event_id == 7040))
        return is_update_service_event(e) ? "service-change" : NULL;
    if ((is_provider(e, "Microsoft-Windows-Kernel-General") && e->event_id == 12) ||
        (is_provider(e, "EventLog") && e->event_id == 6005))
        return "boot";
    return NULL;
}

static const char *failure_kind(const wd_m_failure *f)
{
    const char *op = f->operation ? f->operation : "";
    if (!strcmp(op, "install"))
        return "install-failed";
    if (!strcmp(op, "download"))
        return "download-failed";
    if (!strcmp(op, "scan"))
        return "scan-failed";
    return "failure";
}

static int tl_cmp(const void *a, const void *b)
{
    const tl_entry *x = a, *y = b;
    if (x->time && y->time) {
        int c = strcmp(x->time, y->time);
        if (c)
            return c;
    } else if (x->time || y->time) {
        return x->time ? -1 : 1; /* entries without a time go last */
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

static int tl_build(const wd_model *m, tl *t)
{
    t->v = calloc(m->nevents + m->nfailures + 1, sizeof *t->v);
    t->on_timeline = calloc(m->nevents + 1, 1);
    if (!t->v || !t->on_timeline)
        return wd_error_set(WD_ENOMEM, "out of memory building the timeline");
    for (size_t i = 0; i < m->nevents; i++) {
        const char *kind = event_kind(m, &m->events[i]);
        if (!kind)
            continue;
        t->v[t->n] = (tl_entry){m->events[i].time, kind, i, SIZE_MAX, t->n};
        t->on_timeline[i] = 1;
        t->n++;
    }
    for (size_t i = 0; i < m->nfailures; i++) {
        t->v[t->n] =
            (tl_entry){m->failures[i].time, failure_kind(&m->failures[i]), SIZE_MAX, i, t->n};
        t->n++;
    }
    if (t->n > 1)
        qsort(t->v, t->n, sizeof *t->v, tl_cmp);
    return WD_OK;
}

static void tl_free(tl *t)
{
    free(t->v);
    free(t->on_timeline);
}

/* ============================================================ sections */

/* The summary text of a timeline event. */
static void event_text(const wd_m_event *e, wd_buf *out)
{
    const char *title = wd_event_field(e, "updateTitle");
    const char *p1 = wd_event_field(e, "param1"), *p2 = wd_event_field(e, "param2");
    if (e->event_id == 7036)
        wd_buf_printf(out, "%s entered the %s state", nz(p1), nz(p2));
    else if (e->event_id == 7040)
        wd_buf_printf(out, "%s start type changed from %s to %s", nz(p1), nz(p2),
                      nz(wd_event_field(e, "param3")));
    else if (e->event_id == 12 || e->event_id == 6005)
        wd_buf_puts(out, "Windows started");
    else if (title)
        wd_buf_puts(out, title);
    else
        wd_buf_printf(out, "%s event %u", nz(e->provider), e->event_id);
}

/* Days since 1970 as a decimal attribute, so the stylesheet can place the
 * time on an axis without date arithmetic; nothing when it does not parse. */
static void attr_day(xb *b, xmlNodePtr n, const char *name, const char *time)
{
    int64_t secs;
    char num[40];
    if (!time || wd_time_parse(time, &secs))
        return;
    snprintf(num, sizeof num, "%.5f", (double)secs / 86400.0);
    attr(b, n, name, num);
}

static void add_timeline(xb *b, xmlNodePtr root, const wd_model *m, const tl *t)
{
    xmlNodePtr sec = child(b, root, "timeline", NULL);
    wd_buf text = WD_BUF_INIT;
    const char *first = NULL, *last = NULL;
    for (size_t i = 0; i < t->n; i++) { /* the span of the entries that have a day */
        int64_t secs;
        if (t->v[i].time && !wd_time_parse(t->v[i].time, &secs)) {
            first = first ? first : t->v[i].time;
            last = t->v[i].time;
        }
    }
    attr(b, sec, "start", first);
    attr(b, sec, "end", last);
    attr_day(b, sec, "start-day", first);
    attr_day(b, sec, "end-day", last);
    for (size_t i = 0; i < t->n; i++) {
        const tl_entry *en = &t->v[i];
        wd_buf_reset(&text);
        if (en->event != SIZE_MAX) {
            event_text(&m->events[en->event], &text);
        } else {
            const wd_m_failure *f = &m->failures[en->failure];
            wd_buf_puts(&text, f->title ? f->title : nz(f->context));
        }
        xmlNodePtr n = child(b, sec, "entry", wd_buf_cstr(&text));
        if (en->event != SIZE_MAX) {
            attr_id(b, n, "id", "event", m->events[en->event].id);
        } else {
            attr_id(b, n, "ref", "failure", m->failures[en->failure].id);
            attr_code(b, n, "code", m->failures[en->failure].hresult);
        }
        attr(b, n, "time", en->time);
        attr_day(b, n, "day", en->time);
        attr(b, n, "kind", en->kind);
    }
    wd_buf_free(&text);
}

/* --------------------------------------------------------- run, machine */

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
    int days = lt.tm_year != ut.tm_year ? (lt.tm_year > ut.tm_year ? 1 : -1)
                                        : lt.tm_yday - ut.tm_yday;
    int minutes = (days * 24 + lt.tm_hour - ut.tm_hour) * 60 + lt.tm_min - ut.tm_min;
    int a = minutes < 0 ? -minutes : minutes;
    snprintf(out, n, "UTC; wudiag ran in %s (UTC%c%02d%02d)", name[0] ? name : "local time",
             minutes < 0 ? '-' : '+', a / 60 % 100, a % 60);
}

static void add_run(xb *b, xmlNodePtr root, const wd_model *m, const wd_report_options *o)
{
    char now[WD_TIME_MAX], zone[128];
    xmlNodePtr run = child(b, root, "run", NULL);
    xmlNodePtr tool = child(b, run, "tool", NULL);
    attr(b, tool, "name", "wudiag");
    attr(b, tool, "version", WD_VERSION);
    child(b, run, "command-line", o && o->command_line ? o->command_line : "");
    wd_time_now(now);
    child(b, run, "generated", now);
    local_zone(zone, sizeof zone);
    child(b, run, "time-zone", zone);
    child(b, run, "database", o && o->db_path ? o->db_path : "");
    xmlNodePtr snap = child(b, run, "snapshot", NULL);
    attr_i64(b, snap, "id", m->snapshot_id);
    attr(b, snap, "collected-at", nz(m->collected_at));
    attr(b, snap, "evidence-time", m->evidence_time);
    attr(b, snap, "evidence", nz(m->evidence));
    attr(b, snap, "command-line", nz(m->command_line));
    attr_u64(b, snap, "earlier", m->npast);
    child(b, run, "redacted", o && o->redact ? "true" : "false");
}

/* "10" or "11" from the build number, or NULL. */
static const char *windows_of(const char *build)
{
    int64_t n;
    if (!build || wd_parse_i64(build, &n))
        return NULL;
    return n >= 22000 ? "11" : n >= 10240 ? "10" : NULL;
}

static void add_machine(xb *b, xmlNodePtr root, const wd_model *m)
{
    xmlNodePtr n = child(b, root, "machine", NULL);
    const char *build = wd_model_fact(m, "os.build");
    attr(b, n, "name", m->machine ? m->machine : "unknown");
    attr(b, n, "product", wd_model_fact(m, "os.product"));
    attr(b, n, "version", wd_model_fact(m, "os.display_version"));
    attr(b, n, "build", build);
    attr(b, n, "ubr", wd_model_fact(m, "os.ubr"));
    attr(b, n, "windows", windows_of(build));
}

static const char *verdict_of(const wd_model *m)
{
    const char *v = m->verdict;
    if (v && (!strcmp(v, "healthy") || !strcmp(v, "warning") || !strcmp(v, "failing")))
        return v;
    return m->nfindings ? "warning" : "healthy";
}

static void add_verdict(xb *b, xmlNodePtr root, const wd_model *m)
{
    wd_buf s = WD_BUF_INIT;
    const char *v = verdict_of(m);
    if (m->nfindings == 0)
        wd_buf_printf(&s, "No problems found in %zu services, %zu events and %zu failure records.",
                      m->nservices, m->nevents, m->nfailures);
    else if (m->nfindings == 1)
        wd_buf_printf(&s, "%s.", nz(m->findings[0].title));
    else
        wd_buf_printf(&s, "%s; %zu more finding%s.", nz(m->findings[0].title), m->nfindings - 1,
                      m->nfindings == 2 ? "" : "s");
    xmlNodePtr n = child(b, root, "verdict", wd_buf_cstr(&s));
    attr(b, n, "status", v);
    if (!wd_buf_ok(&s))
        b->oom = 1;
    wd_buf_free(&s);
}

/* ------------------------------------------------------------- findings */

/* Which evidence rows the document renders, to keep IDREFs valid. */
typedef struct rows {
    const wd_model *m;
    const tl *t;
    unsigned char *event_listed; /* per event: rendered in <events> */
} rows;

/* Finds the row with this id in an array of model rows (every row struct
 * starts with its int64_t id). */
static int find_id(const void *rows, size_t n, size_t size, int64_t id, size_t *idx)
{
    for (size_t i = 0; i < n; i++)
        if (*(const int64_t *)((const char *)rows + i * size) == id)
            return *idx = i, 1;
    return 0;
}

static int find_row(const wd_model *m, const char *kind, int64_t id, size_t *idx)
{
    if (!strcmp(kind, "failure"))
        return find_id(m->failures, m->nfailures, sizeof *m->failures, id, idx);
    if (!strcmp(kind, "event"))
        return find_id(m->events, m->nevents, sizeof *m->events, id, idx);
    if (!strcmp(kind, "service"))
        return find_id(m->services, m->nservices, sizeof *m->services, id, idx);
    if (!strcmp(kind, "fact"))
        return find_id(m->facts, m->nfacts, sizeof *m->facts, id, idx);
    if (!strcmp(kind, "note"))
        return find_id(m->notes, m->nnotes, sizeof *m->notes, id, idx);
    return 0;
}

/* Splits "failure:12" into kind and id; 0 when it names a row the model has. */
static int parse_ref(const wd_model *m, const char *ref, char kind[16], int64_t *id, size_t *idx)
{
    const char *colon = ref ? strchr(ref, ':') : NULL;
    if (!colon || colon == ref || (size_t)(colon - ref) >= 16)
        return WD_EFORMAT;
    memcpy(kind, ref, (size_t)(colon - ref));
    kind[colon - ref] = '\0';
    if (wd_parse_i64(colon + 1, id) || !find_row(m, kind, *id, idx))
        return WD_ENOTFOUND;
    return WD_OK;
}

static void add_fix(xb *b, xmlNodePtr parent, const wd_kb *kb, const char *id, size_t order)
{
    const wd_kb_fix *fx = kb ? wd_kb_fix_find(kb, id) : NULL;
    xmlNodePtr n = child(b, parent, "fix", NULL);
    attr(b, n, "name", id);
    attr_u64(b, n, "order", order);
    attr(b, n, "admin", fx && fx->admin ? "true" : "false");
    attr(b, n, "known", fx ? "true" : "false");
    child(b, n, "title", fx ? nz(fx->title) : id);
    child(b, n, "why", fx ? nz(fx->why) : "");
    child(b, n, "risk", fx ? nz(fx->risk) : "");
    for (size_t i = 0; fx && i < fx->nsteps; i++) {
        const char *os = fx->steps[i].os;
        xmlNodePtr s = child(b, n, "step", nz(fx->steps[i].text));
        attr(b, s, "os", os && (!strcmp(os, "10") || !strcmp(os, "11")) ? os : "any");
    }
}

static const char *severity_of(const char *s)
{
    static const char *const ok[] = {"critical", "error", "warning", "info"};
    for (size_t i = 0; s && i < 4; i++)
        if (!strcmp(s, ok[i]))
            return ok[i];
    return "warning";
}

static void add_findings(xb *b, xmlNodePtr root, const rows *r, const wd_kb *kb)
{
    const wd_model *m = r->m;
    xmlNodePtr sec = child(b, root, "findings", NULL);
    attr_u64(b, sec, "count", m->nfindings);
    for (size_t i = 0; i < m->nfindings; i++) {
        const wd_finding *f = &m->findings[i];
        xmlNodePtr n = child(b, sec, "finding", NULL);
        attr_id(b, n, "id", "finding", (int64_t)i + 1);
        attr(b, n, "severity", severity_of(f->severity));
        attr(b, n, "rule", nz(f->rule));
        child(b, n, "title", nz(f->title));
        child(b, n, "explanation", nz(f->explanation));
        for (size_t j = 0; j < f->nevidence; j++) {
            char kind[16];
            int64_t id;
            size_t idx;
            if (parse_ref(m, f->evidence[j], kind, &id, &idx))
                continue;
            attr_id(b, child(b, n, "evidence", NULL), "ref", kind, id);
        }
        for (size_t j = 0; j < f->nfixes; j++)
            add_fix(b, n, kb, nz(f->fixes[j]), j + 1);
    }
}

/* ------------------------------------------------------------- services */

static int referenced(const wd_model *m, const char *kind, int64_t id)
{
    char want[48];
    snprintf(want, sizeof want, "%s:%lld", kind, (long long)id);
    for (size_t i = 0; i < m->nfindings; i++)
        for (size_t j = 0; j < m->findings[i].nevidence; j++)
            if (m->findings[i].evidence[j] && !strcmp(m->findings[i].evidence[j], want))
                return 1;
    return 0;
}

static int is_auto(const char *start)
{
    return start && (!strcmp(start, "auto") || !strcmp(start, "delayed-auto"));
}

/* Status and a one-line reading of a listed service against its default. */
static const char *service_status(const wd_m_service *s, const wd_update_service *t, wd_buf *why)
{
    const char *st = nz(s->start_type), *state = nz(s->state);
    if (!strcmp(st, "disabled")) {
        wd_buf_printf(why, "Disabled; Windows sets it to %s.", t->expected_start);
        return t->essential ? "problem" : "warning";
    }
    if (!strcmp(state, "stopped") && is_auto(t->expected_start) && is_auto(st)) {
        wd_buf_puts(why, "Stopped, although it starts automatically.");
        return "warning";
    }
    if (strcmp(st, "unknown") && strcmp(st, t->expected_start) &&
        !(is_auto(st) && is_auto(t->expected_start))) {
        wd_buf_printf(why, "Start type %s; Windows sets it to %s.", st, t->expected_start);
        /* starting more eagerly than the default does not stop updates */
        return strcmp(t->expected_start, "manual") ? "warning" : "ok";
    }
    wd_buf_puts(why, "As expected.");
    return "ok";
}

static void service_row(xb *b, xmlNodePtr sec, const wd_m_service *s, const wd_update_service *t,
                        int listed)
{
    wd_buf why = WD_BUF_INIT;
    const char *status;
    if (!listed) {
        status = "unknown";
        wd_buf_puts(&why, "The evidence has no service listing.");
    } else if (!s) {
        status = "missing";
        wd_buf_puts(&why, "Not in the service listing: the service is missing or was deleted.");
    } else if (t) {
        status = service_status(s, t, &why);
    } else {
        status = s->start_type && !strcmp(s->start_type, "disabled") ? "warning" : "ok";
    }
    xmlNodePtr n = child(b, sec, "service", wd_buf_cstr(&why));
    if (s)
        attr_id(b, n, "id", "service", s->id);
    attr(b, n, "name", s ? nz(s->name) : t->name);
    attr(b, n, "display-name", s && s->display_name ? s->display_name : t ? t->display_name : "");
    attr(b, n, "essential", t && t->essential ? "true" : "false");
    attr(b, n, "status", status);
    attr(b, n, "state", s ? nz(s->state) : listed ? "missing" : "unknown");
    attr(b, n, "start-type", s ? nz(s->start_type) : listed ? "missing" : "unknown");
    attr(b, n, "expected-start", t ? t->expected_start : "");
    if (s && s->pid >= 0)
        attr_i64(b, n, "pid", s->pid);
    if (s && s->exit_code >= 0)
        attr_i64(b, n, "exit-code", s->exit_code);
    if (s)
        attr(b, n, "source", s->source);
    wd_buf_free(&why);
}

static void add_services(xb *b, xmlNodePtr root, const wd_model *m)
{
    size_t n;
    const wd_update_service *t = wd_update_services(&n);
    int listed = m->nservices > 0;
    xmlNodePtr sec = child(b, root, "services", NULL);
    attr(b, sec, "listed", listed ? "true" : "false");
    for (size_t i = 0; i < n; i++)
        service_row(b, sec, wd_model_service(m, t[i].name), &t[i], listed);
    /* other rows only when a finding points at them */
    for (size_t i = 0; i < m->nservices; i++) {
        const wd_m_service *s = &m->services[i];
        const wd_update_service *ts = wd_update_service_find(s->name);
        if (ts && wd_model_service(m, s->name) == s)
            continue;
        if (referenced(m, "service", s->id))
            service_row(b, sec, s, ts, 1);
    }
}

/* ------------------------------------------------------------- failures */

static void failure_meaning(const wd_kb *kb, uint32_t code, const char **symbol,
                            const char **component, wd_buf *meaning)
{
    const wd_kb_code *c = kb ? wd_kb_code_find(kb, code) : NULL;
    if (c) {
        *symbol = nz(c->symbol);
        *component = nz(c->component);
        wd_buf_puts(meaning, nz(c->meaning));
        return;
    }
    wd_hr_decoded d = {0};
    if (kb)
        wd_hr_decode(kb, code, &d);
    else
        d = (wd_hr_decoded){(int)(code >> 31), (code >> 16) & 0x1FFF,        "",
                            code & 0xFFFF,     ((code >> 16) & 0x1FFF) == 7, ""};
    *symbol = d.is_win32 ? nz(d.win32_name) : "";
    *component = nz(d.facility_name);
    wd_buf_printf(meaning, "Not in the knowledge base. %s, facility %s%s%u, ",
                  d.failure ? "A failure code" : "A success code", nz(d.facility_name),
                  d.facility_name && *d.facility_name ? " " : "", d.facility);
    if (d.is_win32)
        wd_buf_printf(meaning, "Win32 error %u%s%s.", d.code, *nz(d.win32_name) ? " " : "",
                      nz(d.win32_name));
    else
        wd_buf_printf(meaning, "code 0x%04X.", d.code);
}

static void add_failure(xb *b, xmlNodePtr sec, const wd_kb *kb, const wd_m_failure *f)
{
    const char *symbol = "", *component = "";
    wd_buf meaning = WD_BUF_INIT;
    failure_meaning(kb, f->hresult, &symbol, &component, &meaning);
    xmlNodePtr n = child(b, sec, "failure", NULL);
    attr_id(b, n, "id", "failure", f->id);
    attr_code(b, n, "code", f->hresult);
    attr(b, n, "known", kb && wd_kb_code_find(kb, f->hresult) ? "true" : "false");
    attr(b, n, "time", f->time);
    attr(b, n, "origin", nz(f->origin));
    attr(b, n, "operation", f->operation);
    attr(b, n, "kb", f->kb);
    attr(b, n, "log-component", f->component);
    attr(b, n, "computer", f->computer);
    attr(b, n, "channel", f->event_channel);
    if (f->event_record_id)
        attr_u64(b, n, "record-id", f->event_record_id);
    if (f->line)
        attr_u64(b, n, "line", f->line);
    attr(b, n, "source", f->source);
    child(b, n, "symbol", symbol);
    child(b, n, "component", component);
    child(b, n, "meaning", wd_buf_cstr(&meaning));
    if (f->title)
        child(b, n, "title", f->title);
    if (f->update_id)
        child(b, n, "update-id", f->update_id);
    if (f->context)
        child(b, n, "context", f->context);
    if (!wd_buf_ok(&meaning))
        b->oom = 1;
    wd_buf_free(&meaning);
}

static void add_failures(xb *b, xmlNodePtr root, const wd_model *m, const wd_kb *kb)
{
    xmlNodePtr sec = child(b, root, "failures", NULL);
    attr_u64(b, sec, "count", m->nfailures);
    for (size_t i = 0; i < m->nfailures; i++)
        add_failure(b, sec, kb, &m->failures[i]);
}

/* -------------------------------------------------------------- updates */

typedef struct group {
    const char *title, *kb, *first, *last;
    size_t *idx, n, cap, order;
} group;

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static group *group_for(group **gs, size_t *ng, size_t *cap, const wd_m_failure *f)
{
    for (size_t i = 0; i < *ng; i++)
        if (same((*gs)[i].title, f->title) && same((*gs)[i].kb, f->kb))
            return &(*gs)[i];
    if (*ng == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        group *p = realloc(*gs, nc * sizeof *p);
        if (!p)
            return NULL;
        *gs = p, *cap = nc;
    }
    group *g = &(*gs)[(*ng)++];
    *g = (group){.title = f->title, .kb = f->kb, .order = *ng};
    return g;
}

static int group_add(group *g, const wd_m_failure *f, size_t i)
{
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 8;
        size_t *p = realloc(g->idx, nc * sizeof *p);
        if (!p)
            return WD_ENOMEM;
        g->idx = p, g->cap = nc;
    }
    g->idx[g->n++] = i;
    if (f->time && (!g->first || strcmp(f->time, g->first) < 0))
        g->first = f->time;
    if (f->time && (!g->last || strcmp(f->time, g->last) > 0))
        g->last = f->time;
    return WD_OK;
}

static int group_cmp(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void add_group(xb *b, xmlNodePtr sec, const wd_model *m, const wd_kb *kb, const group *g)
{
    xmlNodePtr n = child(b, sec, "update", NULL);
    attr(b, n, "title", g->title ? g->title : g->kb ? g->kb : "(no update named)");
    attr(b, n, "kb", g->kb);
    attr_u64(b, n, "count", g->n);
    attr(b, n, "first-seen", g->first);
    attr(b, n, "last-seen", g->last);
    for (size_t i = 0; i < g->n; i++) { /* each distinct code once, in first-seen order */
        uint32_t code = m->failures[g->idx[i]].hresult;
        size_t count = 0, seen = 0;
        for (size_t j = 0; j < g->n; j++)
            if (m->failures[g->idx[j]].hresult == code)
                count++, seen |= j < i;
        if (seen)
            continue;
        const wd_kb_code *c = kb ? wd_kb_code_find(kb, code) : NULL;
        xmlNodePtr cn = child(b, n, "code", NULL);
        attr_code(b, cn, "value", code);
        attr_u64(b, cn, "count", count);
        attr(b, cn, "symbol", c ? nz(c->symbol) : "");
    }
    for (size_t i = 0; i < g->n; i++)
        attr_id(b, child(b, n, "failure-ref", NULL), "ref", "failure", m->failures[g->idx[i]].id);
}

static int add_updates(xb *b, xmlNodePtr root, const wd_model *m, const wd_kb *kb)
{
    group *gs = NULL;
    size_t ng = 0, cap = 0;
    int rc = WD_OK;
    for (size_t i = 0; i < m->nfailures && !rc; i++) {
        group *g = group_for(&gs, &ng, &cap, &m->failures[i]);
        rc = g ? group_add(g, &m->failures[i], i) : WD_ENOMEM;
    }
    if (!rc) {
        if (ng > 1)
            qsort(gs, ng, sizeof *gs, group_cmp);
        xmlNodePtr sec = child(b, root, "updates", NULL);
        for (size_t i = 0; i < ng; i++)
            add_group(b, sec, m, kb, &gs[i]);
    }
    for (size_t i = 0; i < ng; i++)
        free(gs[i].idx);
    free(gs);
    return rc ? wd_error_set(WD_ENOMEM, "out of memory grouping failures") : WD_OK;
}

/* ------------------------------------------------- events, facts, notes */

static void add_events(xb *b, xmlNodePtr root, const rows *r)
{
    const wd_model *m = r->m;
    xmlNodePtr sec = child(b, root, "events", NULL);
    attr_u64(b, sec, "total", m->nevents);
    for (size_t i = 0; i < m->nevents; i++) {
        const wd_m_event *e = &m->events[i];
        if (!r->event_listed[i])
            continue;
        xmlNodePtr n = child(b, sec, "event", NULL);
        attr_id(b, n, "id", "event", e->id);
        attr(b, n, "channel", nz(e->channel));
        attr(b, n, "provider", nz(e->provider));
        attr_u64(b, n, "event-id", e->event_id);
        attr_i64(b, n, "level", e->level);
        attr_u64(b, n, "record-id", e->record_id);
        attr(b, n, "time", e->time);
        attr(b, n, "computer", e->computer);
        attr(b, n, "source", e->source);
        for (size_t j = 0; j < e->nfields; j++)
            attr(b, child(b, n, "field", nz(e->fields[j].value)), "name", nz(e->fields[j].name));
    }
}

static void add_facts(xb *b, xmlNodePtr root, const wd_model *m)
{
    xmlNodePtr sec = child(b, root, "facts", NULL);
    for (size_t i = 0; i < m->nfacts; i++) {
        const wd_m_fact *f = &m->facts[i];
        xmlNodePtr n = child(b, sec, "fact", nz(f->value));
        attr_id(b, n, "id", "fact", f->id);
        attr(b, n, "key", nz(f->key));
        attr(b, n, "source", f->source);
    }
}

static void add_note(xb *b, xmlNodePtr parent, const wd_m_note *nt, int with_source)
{
    xmlNodePtr n = child(b, parent, "note", nz(nt->reason));
    attr_id(b, n, "id", "note", nt->id);
    attr(b, n, "location", nt->location);
    if (with_source)
        attr(b, n, "source", nt->source);
}

static int note_has_source(const wd_model *m, const wd_m_note *nt)
{
    for (size_t i = 0; i < m->nsources; i++)
        if (same(m->sources[i].path, nt->source))
            return 1;
    return 0;
}

static void add_sources(xb *b, xmlNodePtr root, const wd_model *m)
{
    xmlNodePtr sec = child(b, root, "sources", NULL);
    for (size_t i = 0; i < m->nsources; i++) {
        const wd_m_source *s = &m->sources[i];
        xmlNodePtr n = child(b, sec, "source", NULL);
        attr_id(b, n, "id", "source", s->id);
        attr(b, n, "path", nz(s->path));
        attr(b, n, "kind", s->kind ? s->kind : "unknown");
        attr_u64(b, n, "records", s->records);
        attr_u64(b, n, "kept", s->kept);
        attr_u64(b, n, "errors", s->errors);
        for (size_t j = 0; j < m->nnotes; j++) /* first source of a path gets its notes */
            if (same(m->notes[j].source, s->path)) {
                size_t k = 0;
                while (k < i && !same(m->sources[k].path, s->path))
                    k++;
                if (k == i)
                    add_note(b, n, &m->notes[j], 0);
            }
    }
    xmlNodePtr other = child(b, root, "notes", NULL);
    for (size_t j = 0; j < m->nnotes; j++)
        if (!note_has_source(m, &m->notes[j]))
            add_note(b, other, &m->notes[j], 1);
}

/* ============================================================ document */

/* Marks events that findings reference and the timeline does not show. */
static int mark_events(rows *r)
{
    const wd_model *m = r->m;
    r->event_listed = calloc(m->nevents + 1, 1);
    if (!r->event_listed)
        return wd_error_set(WD_ENOMEM, "out of memory building the report");
    for (size_t i = 0; i < m->nfindings; i++)
        for (size_t j = 0; j < m->findings[i].nevidence; j++) {
            char kind[16];
            int64_t id;
            size_t idx;
            if (!parse_ref(m, m->findings[i].evidence[j], kind, &id, &idx) &&
                !strcmp(kind, "event") && !r->t->on_timeline[idx])
                r->event_listed[idx] = 1;
        }
    return WD_OK;
}

static int build_body(xb *b, xmlNodePtr root, const wd_model *m, const wd_kb *kb,
                      const wd_report_options *o)
{
    tl t = {0};
    rows r = {.m = m, .t = &t};
    int rc = tl_build(m, &t);
    if (!rc)
        rc = mark_events(&r);
    if (!rc) {
        add_run(b, root, m, o);
        add_machine(b, root, m);
        add_verdict(b, root, m);
        add_findings(b, root, &r, kb);
        add_services(b, root, m);
        add_failures(b, root, m, kb);
        rc = add_updates(b, root, m, kb);
    }
    if (!rc) {
        add_timeline(b, root, m, &t);
        add_events(b, root, &r);
        add_facts(b, root, m);
        add_sources(b, root, m);
    }
    free(r.event_listed);
    tl_free(&t);
    return rc;
}

int wd_report_xml_build(const wd_model *m, const wd_kb *kb, const wd_report_options *o,
                        void **doc_out)
{
    xb b = {0};
    int rc;
    *doc_out = NULL;
    wd_buf_init(&b.tmp, 0);
    b.doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr root = b.doc ? xmlNewDocNode(b.doc, NULL, (const xmlChar *)"report", NULL) : NULL;
    if (!root) {
        rc = wd_error_set(WD_ENOMEM, "out of memory building the report XML");
        goto cleanup;
    }
    xmlDocSetRootElement(b.doc, root);
    b.ns = xmlNewNs(root, (const xmlChar *)WD_REPORT_NS, NULL);
    xmlSetNs(root, b.ns);
    attr(&b, root, "version", "1");
    rc = build_body(&b, root, m, kb, o);
    if (!rc && b.oom)
        rc = wd_error_set(WD_ENOMEM, "out of memory building the report XML");
    if (!rc) {
        *doc_out = b.doc;
        b.doc = NULL;
    }
cleanup:
    xmlFreeDoc(b.doc);
    wd_buf_free(&b.tmp);
    return rc;
}

void wd_xml_doc_free(void *doc)
{
    if (doc)
        xmlFreeDoc(doc);
}

int wd_xml_doc_dump(void *doc, char **out, size_t *outlen)
{
    xmlChar *mem = NULL;
    int len = 0;
    *out = NULL;
    *outlen = 0;
    xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 1);
    if (!mem || len < 0)
        return wd_error_set(WD_ENOMEM, "out of memory writing the report XML");
    *out = wd_strndup((const char *)mem, (size_t)len);
    xmlFree(mem);
    if (!*out)
        return WD_ENOMEM;
    *outlen = (size_t)len;
    return WD_OK;
}
