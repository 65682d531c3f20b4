/* plan.c - which fixes `wudiag fix` carries out: the current findings'
 * fixes in ranked order, those fixes.txt marks "auto ACTION", each once,
 * a fix that already failed never first, an "unmanaged" one refused on a
 * managed PC, and what follows a restart prompt left for after the
 * restart. Reads a report; touches nothing. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[WD_FIXK_COUNT] = {"restart-services", "enable-service",
                                                      "reset-components", "restart-pending"};

const char *wd_fix_kind_name(wd_fix_kind k)
{
    return k < WD_FIXK_COUNT ? kind_names[k] : "unknown";
}

int wd_fix_kind_parse(const char *name)
{
    for (int k = 0; name && k < WD_FIXK_COUNT; k++)
        if (!strcmp(kind_names[k], name))
            return k;
    return -1;
}

const char *wd_fix_status_name(wd_fix_status s)
{
    static const char *const names[] = {"do",      "refused", "failed-before", "after-restart",
                                        "by-hand", "later"};
    return s <= WD_FIXS_LATER ? names[s] : "unknown";
}

/* --------------------------------------------------------------- lists */

static int push_str(char ***arr, size_t *n, const char *s)
{
    char **p = realloc(*arr, (*n + 1) * sizeof *p);
    if (!p)
        return WD_ENOMEM;
    *arr = p;
    if (!(p[*n] = wd_strdup(s)))
        return WD_ENOMEM;
    (*n)++;
    return WD_OK;
}

static int has_str(char **arr, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (wd_strcaseeq(arr[i], s))
            return 1;
    return 0;
}

static void free_strs(char **arr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(arr[i]);
    free(arr);
}

static void step_clear(wd_fix_step *s)
{
    free(s->fix), free(s->title), free(s->why);
    free_strs(s->services, s->nservices);
    free_strs(s->defaults, s->nservices);
    free_strs(s->reasons, s->nreasons);
    memset(s, 0, sizeof *s);
}

void wd_fix_plan_free(wd_fix_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        step_clear(&p->steps[i]);
    free(p->steps);
    for (size_t i = 0; i < p->nmanual; i++)
        free(p->manual[i].fix), free(p->manual[i].title), free(p->manual[i].finding);
    free(p->manual);
    free(p->server);
    free(p->verdict);
    free(p);
}

size_t wd_fix_plan_todo(const wd_fix_plan *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += p->steps[i].status == WD_FIXS_DO;
    return n;
}

/* ------------------------------------------------------------- building */

/* Per step while building: how many findings ask for it now, how many
 * only after a fix done by hand (the first such fix is kept for the
 * message), how many as one the evidence shows already failed. */
typedef struct use {
    size_t ok, later, failed;
    char after[64];
} use;

typedef struct build {
    const wd_report *r;
    wd_fix_plan *p;
    use *uses;         /* per step */
    int restart_first; /* a finding's first fix is the restart */
} build;

static wd_fix_step *find_step(const wd_fix_plan *p, const char *fix)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->steps[i].fix, fix))
            return &p->steps[i];
    return NULL;
}

static int add_step(build *b, const char *fix, const wd_report_fix *info, wd_fix_step **out)
{
    wd_fix_plan *p = b->p;
    wd_fix_step *steps = realloc(p->steps, (p->n + 1) * sizeof *steps);
    if (steps)
        p->steps = steps;
    use *uses = realloc(b->uses, (p->n + 1) * sizeof *uses);
    if (uses)
        b->uses = uses;
    if (!steps || !uses)
        return WD_ENOMEM;
    wd_fix_step *s = &p->steps[p->n];
    memset(s, 0, sizeof *s);
    memset(&b->uses[p->n], 0, sizeof *b->uses);
    s->kind = (wd_fix_kind)wd_fix_kind_parse(info->action);
    s->fix = wd_strdup(fix);
    s->title = wd_strdup(info->title);
    p->n++;
    *out = s;
    return s->fix && s->title ? WD_OK : WD_ENOMEM;
}

static const char *ordinal(size_t k)
{
    static const char *const names[] = {"1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th"};
    return k < 8 ? names[k] : "later";
}

/* enable-service: a service a finding names, with the start type Windows
 * gives it on this build; one whose default wudiag does not know is left
 * to be done by hand (said among the step's reasons). */
static int add_service(build *b, wd_fix_step *s, const char *service)
{
    const wd_update_service *known = wd_update_service_find(service);
    const char *dflt = known ? wd_report_expected_start(b->r, known->name) : NULL;
    const char *name = known ? known->name : service;
    if (has_str(s->services, s->nservices, name))
        return WD_OK;
    if (!dflt) {
        char why[300];
        snprintf(why, sizeof why,
                 "%s: its default start type is not known for this Windows "
                 "version, so wudiag does not set it; see the finding",
                 name);
        return has_str(s->reasons, s->nreasons, why) ? WD_OK
                                                     : push_str(&s->reasons, &s->nreasons, why);
    }
    size_t n = s->nservices;
    int rc = push_str(&s->services, &n, name);
    return rc ? rc : push_str(&s->defaults, &s->nservices, dflt);
}

/* Adds what a finding says about one of its automatable fixes (the k-th
 * of its list), asked for now, or only after the fix done by hand
 * `after` (NULL: now). */
static int add_use(build *b, const wd_finding_rec *f, const char *service, const char *fix,
                   size_t k, const wd_report_fix *info, const char *after)
{
    wd_fix_step *s = find_step(b->p, fix);
    int rc = s ? WD_OK : add_step(b, fix, info, &s);
    if (rc)
        return rc;
    use *u = &b->uses[s - b->p->steps];
    if (wd_report_fix_failed(b->r, f->rule, fix))
        u->failed++;
    else if (after) {
        if (!u->later++)
            snprintf(u->after, sizeof u->after, "%s", after);
    } else
        u->ok++;
    if (k == 0 && s->kind == WD_FIXK_RESTART_PENDING)
        b->restart_first = 1;
    char reason[600];
    snprintf(reason, sizeof reason, "%s fix for: %s", ordinal(k), f->title ? f->title : f->rule);
    rc = push_str(&s->reasons, &s->nreasons, reason);
    if (!rc && s->kind == WD_FIXK_ENABLE_SERVICE && service)
        rc = add_service(b, s, service);
    return rc;
}

static int add_manual(wd_fix_plan *p, const char *fix, const char *title, const char *finding)
{
    wd_fix_manual *m = realloc(p->manual, (p->nmanual + 1) * sizeof *m);
    if (!m)
        return WD_ENOMEM;
    p->manual = m;
    m = &m[p->nmanual++];
    m->fix = wd_strdup(fix);
    m->title = wd_strdup(title);
    m->finding = wd_strdup(finding);
    return m->fix && m->title && m->finding ? WD_OK : WD_ENOMEM;
}

/* One current finding, its fixes in the order to try them: the automatable
 * ones into steps, until the first fix done by hand (one whose work no
 * wudiag step does, "auto-covered"), which goes to the manual list; the
 * automatable fixes after it wait for it (--step still reaches them). */
static int add_finding(build *b, size_t i)
{
    wd_finding_rec f;
    wd_report_finding(b->r, i, &f);
    const char *service = wd_report_finding_service(b->r, i);
    const char *p = f.fixes ? f.fixes : "";
    char blocker[64] = "";
    int rc = WD_OK;
    for (size_t k = 0; !rc && *p; k++) {
        char fix[64];
        size_t n = strcspn(p, ",");
        snprintf(fix, sizeof fix, "%.*s", (int)n, p);
        p += n + (p[n] == ',');
        wd_report_fix info;
        if (wd_report_fix_find(b->r, fix, &info))
            continue; /* the knowledge base is checked when it loads */
        if (info.action && wd_fix_kind_parse(info.action) >= 0) {
            rc = add_use(b, &f, service, fix, k, &info, blocker[0] ? blocker : NULL);
        } else if (!blocker[0] && !info.covered && !wd_report_fix_failed(b->r, f.rule, fix)) {
            snprintf(blocker, sizeof blocker, "%s", fix);
            rc = add_manual(b->p, fix, info.title, f.title ? f.title : f.rule);
        }
    }
    return rc;
}

/* ------------------------------------------------------------ statuses */

static int set_status(wd_fix_step *s, wd_fix_status st, const char *why)
{
    s->status = st;
    free(s->why);
    s->why = wd_strdup(why);
    return s->why ? WD_OK : WD_ENOMEM;
}

/* Which of five places a step takes. The restart prompt: first when a
 * restart is due and a finding asks for it first (nothing else should run
 * while an update waits for it), else last of what is carried out (a
 * restart then only helps; asked for mid-plan it would cut the plan short).
 * Then the steps that wait for a fix done by hand, then those whose every
 * use already failed. */
static int place(const build *b, size_t i)
{
    const use *u = &b->uses[i];
    if (!u->ok)
        return u->later ? 3 : 4;
    if (b->p->steps[i].kind != WD_FIXK_RESTART_PENDING)
        return 1;
    return b->restart_first && b->p->restart_due ? 0 : 2;
}

/* Orders the steps by place, keeping the findings' order within each. */
static int reorder(build *b)
{
    wd_fix_plan *p = b->p;
    size_t k = 0;
    wd_fix_step *tmp = malloc((p->n ? p->n : 1) * sizeof *tmp);
    use *utmp = malloc((p->n ? p->n : 1) * sizeof *utmp);
    if (!tmp || !utmp) {
        free(tmp), free(utmp);
        return WD_ENOMEM;
    }
    for (int pass = 0; pass < 5; pass++)
        for (size_t i = 0; i < p->n; i++)
            if (place(b, i) == pass)
                tmp[k] = p->steps[i], utmp[k++] = b->uses[i];
    if (p->n) {
        memcpy(p->steps, tmp, p->n * sizeof *tmp);
        memcpy(b->uses, utmp, p->n * sizeof *utmp);
    }
    free(tmp), free(utmp);
    return WD_OK;
}

static int unmanaged_only(const wd_report *r, const char *fix)
{
    wd_report_fix info;
    return wd_report_fix_find(r, fix, &info) == WD_OK && info.action_unmanaged;
}

/* Why a step no finding asks for now is not carried out. */
static int not_now(wd_fix_step *s, const use *u)
{
    char why[300];
    if (u->failed && !u->later)
        return set_status(s, WD_FIXS_FAILED_BEFORE,
                          "the evidence shows this fix was already tried and failed; run it "
                          "again only by asking for it (--step)");
    snprintf(why, sizeof why,
             "comes after %s, which is done by hand; once it is done, if the finding remains, "
             "run wudiag fix --step %s",
             u->after, s->fix);
    return set_status(s, WD_FIXS_LATER, why);
}

static int mark(build *b)
{
    wd_fix_plan *p = b->p;
    int rc = WD_OK, restart = 0;
    for (size_t i = 0; !rc && i < p->n; i++) {
        wd_fix_step *s = &p->steps[i];
        if (!b->uses[i].ok)
            rc = not_now(s, &b->uses[i]);
        else if (s->kind == WD_FIXK_ENABLE_SERVICE && !s->nservices)
            rc = set_status(s, WD_FIXS_BY_HAND,
                            "no finding names a service whose default start type wudiag knows: "
                            "follow the fix by hand");
        else if (p->managed && unmanaged_only(b->r, s->fix))
            rc = set_status(s, WD_FIXS_REFUSED,
                            "this PC's updates are managed by policy or a WSUS server, and what "
                            "this fix changes may be its administrators' choice (a service "
                            "disabled on purpose): wudiag leaves it to them; send them the "
                            "report");
        else if (restart)
            rc = set_status(s, WD_FIXS_AFTER_RESTART,
                            "comes after the restart asked for above: restart, then run "
                            "wudiag fix again");
        if (!rc && s->status == WD_FIXS_DO && s->kind == WD_FIXK_RESTART_PENDING)
            restart = p->restart_due;
    }
    return rc;
}

/* --only: keeps that fix, carried out even when it failed before or
 * waits for a restart; a refusal stays. */
static int keep_only(wd_fix_plan *p, const char *only)
{
    wd_fix_step *s = find_step(p, only);
    if (!s)
        return wd_error_set(WD_EUSAGE,
                            wd_fix_kind_parse(only) < 0
                                ? "'%s' is not a fix wudiag fix carries out (restart-services, "
                                  "enable-service, reset-components, restart-pending)"
                                : "no current finding calls for '%s': wudiag fix does only what "
                                  "the diagnosis asks for",
                            only);
    wd_fix_step keep = *s;
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < p->n; i++)
        step_clear(&p->steps[i]);
    p->steps[0] = keep;
    p->n = 1;
    if (keep.status == WD_FIXS_FAILED_BEFORE || keep.status == WD_FIXS_AFTER_RESTART ||
        keep.status == WD_FIXS_LATER) {
        free(p->steps[0].why);
        p->steps[0].why = NULL;
        p->steps[0].status = WD_FIXS_DO;
    }
    return WD_OK;
}

static int plan_head(const wd_report *r, wd_fix_plan *p)
{
    const char *server = NULL;
    p->managed = wd_report_managed(r, &server);
    p->restart_due = wd_report_restart_pending(r);
    p->server = wd_strdup(server);
    p->verdict = wd_strdup(wd_report_verdict(r));
    return (server && !p->server) || !p->verdict ? WD_ENOMEM : WD_OK;
}

int wd_fix_plan_build(const wd_report *r, const char *only, wd_fix_plan **out)
{
    build b = {r, calloc(1, sizeof *b.p), NULL, 0};
    *out = NULL;
    int rc = b.p ? plan_head(r, b.p) : WD_ENOMEM;
    for (size_t i = 0; !rc && i < wd_report_finding_count(r); i++) {
        wd_finding_rec f;
        wd_report_finding(r, i, &f);
        if (f.state && strcmp(f.state, "current"))
            continue;
        b.p->findings++;
        if (f.cause) { /* an effect: fixing its cause is what it calls for */
            b.p->effects++;
            continue;
        }
        rc = add_finding(&b, i);
    }
    if (!rc)
        rc = reorder(&b);
    if (!rc)
        rc = mark(&b);
    if (rc == WD_ENOMEM)
        rc = wd_error_set(WD_ENOMEM, "out of memory building the fix plan");
    if (!rc && only)
        rc = keep_only(b.p, only);
    free(b.uses);
    if (rc) {
        wd_fix_plan_free(b.p);
        return rc;
    }
    *out = b.p;
    return WD_OK;
}
