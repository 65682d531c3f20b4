/* diff.c - `wudiag diff`: compares two snapshots (normally of one machine;
 * cli/cmd_diff.c refuses two machines unless asked) and lists what changed:
 * services, the codes of failed activities, findings and facts. Both
 * snapshots are loaded first; the comparison only reads what was loaded. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Findings are kept by the store, not in the loaded model: read them here. */
typedef struct finding_list {
    char **keys; /* "severity|rule|title" */
    size_t n, cap;
} finding_list;

static int on_finding(void *ctx, int64_t id, const wd_finding_rec *r)
{
    (void)id;
    finding_list *l = ctx;
    if (wd_array_reserve(&l->keys, &l->cap, l->n + 1, sizeof *l->keys))
        return WD_ENOMEM;
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s|%s", r->severity ? r->severity : "", r->title ? r->title : "");
    if (!wd_buf_ok(&b))
        return WD_ENOMEM;
    l->keys[l->n++] = wd_buf_detach(&b);
    return 0;
}

static void finding_list_free(finding_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->keys[i]);
    free(l->keys);
}

static int has_key(const finding_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->keys[i], key))
            return 1;
    return 0;
}

static const char *str(const char *s)
{
    return s ? s : "-";
}

static int same(const char *a, const char *b)
{
    return !strcmp(str(a), str(b));
}

/* ---------------------------------------------------------------- services */

static size_t diff_services(const wd_model *a, const wd_model *b, wd_buf *out)
{
    size_t changes = 0;
    for (size_t i = 0; i < b->nservices; i++) {
        const wd_m_service *nb = &b->services[i];
        const wd_m_service *na = wd_model_service(a, nb->name);
        if (!na) {
            if (a->nservices) /* only a change if a had a service list at all */
                changes++, wd_buf_printf(out, "  service %s: appeared (%s, %s)\n", nb->name,
                                         str(nb->state), str(nb->start_type));
            continue;
        }
        if (!same(na->state, nb->state) || !same(na->start_type, nb->start_type)) {
            changes++;
            wd_buf_printf(out, "  service %s: %s/%s -> %s/%s\n", nb->name, str(na->state),
                          str(na->start_type), str(nb->state), str(nb->start_type));
        }
    }
    for (size_t i = 0; b->nservices && i < a->nservices; i++)
        if (!wd_model_service(b, a->services[i].name)) {
            changes++;
            wd_buf_printf(out, "  service %s: gone (was %s, %s)\n", a->services[i].name,
                          str(a->services[i].state), str(a->services[i].start_type));
        }
    return changes;
}

/* ---------------------------------------------------------------- failures */

/* Failure codes: how often each failed and the first update it failed for. */
typedef struct code_count {
    uint32_t code;
    int64_t n;
    char *subject;
} code_count;

typedef struct code_list {
    code_count *v;
    size_t n, cap;
} code_list;

/* The codes of what is failing at the end of a snapshot's evidence (a
 * failure that was resolved or superseded within it is not listed). */
static int load_codes(const wd_model *m, code_list *l)
{
    for (size_t i = 0; i < m->nsubjects; i++) {
        const wd_m_subject *s = &m->subjects[i];
        if (s->state != WD_ST_FAILING || !s->has_code)
            continue;
        code_count *c = NULL;
        for (size_t k = 0; k < l->n && !c; k++)
            if (l->v[k].code == s->code)
                c = &l->v[k];
        if (c) {
            c->n += (int64_t)s->failures;
            continue;
        }
        const char *subject = s->kb ? s->kb : s->key;
        code_count *slot = wd_array_grow(&l->v, &l->n, &l->cap, sizeof *slot);
        if (!slot)
            return WD_ENOMEM;
        *slot = (code_count){s->code, (int64_t)s->failures, NULL};
        if (subject && !(slot->subject = wd_strdup(subject)))
            return wd_error_set(WD_ENOMEM, "out of memory");
    }
    return WD_OK;
}

static void code_list_free(code_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].subject);
    free(l->v);
}

static const code_count *find_code(const code_list *l, uint32_t code)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].code == code)
            return &l->v[i];
    return NULL;
}

/* Lists codes in `from` absent from `other`, once each. */
static size_t codes_only_in(const code_list *from, const code_list *other, const char *label,
                            wd_buf *out)
{
    size_t changes = 0;
    for (size_t i = 0; i < from->n; i++) {
        const code_count *c = &from->v[i];
        if (find_code(other, c->code))
            continue;
        changes++;
        wd_buf_printf(out, "  failure 0x%08X %s (%lld time%s%s%s)\n", (unsigned)c->code, label,
                      (long long)c->n, c->n == 1 ? "" : "s", c->subject ? ", " : "",
                      c->subject ? c->subject : "");
    }
    return changes;
}

/* ------------------------------------------------------------------- facts */

/* Facts that can hold many values (one per history row, per URL) are not
 * compared value by value. */
static int single_valued(const char *key)
{
    return strcmp(key, "history") && strcmp(key, "wu.server_url");
}

static size_t diff_facts(const wd_model *a, const wd_model *b, wd_buf *out)
{
    size_t changes = 0;
    for (size_t i = 0; i < b->nfacts; i++) {
        const wd_m_fact *f = &b->facts[i];
        if (!f->key || !single_valued(f->key) || wd_model_fact(b, f->key) != f->value)
            continue;
        const char *old = wd_model_fact(a, f->key);
        if (!old || strcmp(old, str(f->value))) {
            changes++;
            wd_buf_printf(out, "  fact %s: %s -> %s\n", f->key, old ? old : "(none)",
                          str(f->value));
        }
    }
    for (size_t i = 0; i < a->nfacts; i++) {
        const wd_m_fact *f = &a->facts[i];
        if (f->key && single_valued(f->key) && wd_model_fact(a, f->key) == f->value &&
            !wd_model_fact(b, f->key)) {
            changes++;
            wd_buf_printf(out, "  fact %s: %s -> (none)\n", f->key, str(f->value));
        }
    }
    return changes;
}

/* ---------------------------------------------------------------- findings */

static size_t findings_only_in(const finding_list *from, const finding_list *other,
                               const char *label, wd_buf *out)
{
    size_t changes = 0;
    for (size_t i = 0; i < from->n; i++) {
        if (has_key(other, from->keys[i]))
            continue;
        const char *bar = strchr(from->keys[i], '|');
        changes++;
        wd_buf_printf(out, "  finding %s: [%.*s] %s\n", label, (int)(bar - from->keys[i]),
                      from->keys[i], bar + 1);
    }
    return changes;
}

int wd_report_diff(wd_store *s, int64_t a, int64_t b, wd_buf *out, size_t *changes)
{
    wd_model *ma = NULL, *mb = NULL;
    finding_list fa = {0}, fb = {0};
    code_list ca = {0}, cb = {0};
    int rc = wd_model_load(s, a, &ma);
    if (!rc)
        rc = wd_model_load(s, b, &mb);
    if (!rc)
        rc = load_codes(ma, &ca);
    if (!rc)
        rc = load_codes(mb, &cb);
    if (!rc)
        rc = wd_store_findings(s, a, on_finding, &fa);
    if (!rc)
        rc = wd_store_findings(s, b, on_finding, &fb);
    if (rc)
        goto cleanup;
    size_t n = 0;
    wd_buf_printf(out, "snapshot %lld (%s, %s) -> snapshot %lld (%s, %s)\n", (long long)a,
                  str(ma->machine), str(ma->collected_at), (long long)b, str(mb->machine),
                  str(mb->collected_at));
    if (!same(ma->machine, mb->machine))
        wd_buf_printf(out, "  note: the snapshots are of different machines\n");
    n += diff_services(ma, mb, out);
    n += codes_only_in(&cb, &ca, "new", out);
    n += codes_only_in(&ca, &cb, "resolved", out);
    n += findings_only_in(&fb, &fa, "new", out);
    n += findings_only_in(&fa, &fb, "resolved", out);
    n += diff_facts(ma, mb, out);
    if (!n)
        wd_buf_puts(out, "  no changes\n");
    *changes = n;
    rc = wd_buf_ok(out) ? WD_OK : WD_ENOMEM;
cleanup:
    code_list_free(&ca);
    code_list_free(&cb);
    finding_list_free(&fa);
    finding_list_free(&fb);
    wd_model_free(ma);
    wd_model_free(mb);
    return rc;
}
