/* report.c - the report handle: loads a snapshot into the model, runs the
 * knowledge base's rules over it, and writes it as report XML or JSON
 * (streamed in full) or as HTML (the bounded summary through the
 * stylesheet), atomically; --redact applies to whatever is written. */
#include "render.h"

#include <stdlib.h>
#include <string.h>

struct wd_report {
    wd_model *m;
    wd_kb *kb;
    wd_report_options o; /* strings below, owned */
    char *kb_dir, *template_path, *command_line, *db_path;
    char **fixes; /* per finding, comma-joined */
};

/* ============================================================== building */

static char *join(char **items, size_t n)
{
    wd_buf b = WD_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            wd_buf_putc(&b, ',');
        wd_buf_puts(&b, items[i] ? items[i] : "");
    }
    if (!wd_buf_ok(&b)) {
        wd_buf_free(&b);
        return NULL;
    }
    return b.data ? wd_buf_detach(&b) : wd_strdup("");
}

static int keep_options(wd_report *r, const wd_report_options *o)
{
    if (!o)
        return WD_OK;
    r->o.redact = o->redact;
    r->kb_dir = wd_strdup(o->kb_dir);
    r->template_path = wd_strdup(o->template_path);
    r->command_line = wd_strdup(o->command_line);
    r->db_path = wd_strdup(o->db_path);
    if ((o->kb_dir && !r->kb_dir) || (o->template_path && !r->template_path) ||
        (o->command_line && !r->command_line) || (o->db_path && !r->db_path))
        return WD_ENOMEM;
    return WD_OK;
}

static void point_options(wd_report *r)
{
    r->o.kb_dir = r->kb_dir;
    r->o.template_path = r->template_path;
    r->o.command_line = r->command_line;
    r->o.db_path = r->db_path;
}

static int join_findings(wd_report *r)
{
    size_t n = r->m->nfindings;
    r->fixes = calloc(n + 1, sizeof *r->fixes);
    if (!r->fixes)
        return wd_error_set(WD_ENOMEM, "out of memory analysing the snapshot");
    for (size_t i = 0; i < n; i++) {
        const wd_finding *f = &r->m->findings[i];
        r->fixes[i] = join(f->fixes, f->nfixes);
        if (!r->fixes[i])
            return wd_error_set(WD_ENOMEM, "out of memory analysing the snapshot");
    }
    return WD_OK;
}

int wd_report_build(wd_store *s, int64_t snap, const wd_report_options *opts, wd_report **out)
{
    int rc;
    wd_report *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return wd_error_set(WD_ENOMEM, "out of memory building the report");
    rc = keep_options(r, opts);
    if (rc) {
        rc = wd_error_set(WD_ENOMEM, "out of memory building the report");
        goto cleanup;
    }
    if ((rc = wd_model_load(s, snap, &r->m)) || (rc = wd_kb_load(r->kb_dir, &r->kb)) ||
        (rc = wd_rules_run(r->kb, r->m)))
        goto cleanup;
    point_options(r);
    rc = join_findings(r);
cleanup:
    if (rc)
        wd_report_free(r);
    else
        *out = r;
    return rc;
}

void wd_report_free(wd_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->fixes && r->m && i < r->m->nfindings; i++)
        free(r->fixes[i]);
    free(r->fixes);
    wd_model_free(r->m);
    wd_kb_free(r->kb);
    free(r->kb_dir), free(r->template_path), free(r->command_line), free(r->db_path);
    free(r);
}

const char *wd_report_verdict(const wd_report *r)
{
    return r->m->verdict ? r->m->verdict : "healthy";
}

const char *wd_report_first_fix(const wd_report *r)
{
    return wd_model_first_fix(r->m, NULL); /* what the report shows first */
}

int wd_report_fix_failed(const wd_report *r, const char *rule, const char *fix)
{
    for (size_t i = 0; i < r->m->nfindings; i++) {
        const wd_finding *f = &r->m->findings[i];
        if (strcmp(f->rule, rule))
            continue;
        for (size_t k = 0; k < f->nfixes; k++)
            if (!strcmp(f->fixes[k], fix))
                return f->fix_failed && f->fix_failed[k];
    }
    return 0;
}

size_t wd_report_finding_count(const wd_report *r)
{
    return r->m->nfindings;
}

void wd_report_finding(const wd_report *r, size_t i, wd_finding_rec *out)
{
    const wd_finding *f = &r->m->findings[i];
    out->rule = f->rule;
    out->severity = f->severity;
    out->title = f->title;
    out->explanation = f->explanation;
    out->fixes = r->fixes[i];
    out->refs = f->refs;
    out->nrefs = f->nrefs;
    out->cause = f->cause;
    out->known_issue = f->known_issue;
    out->state = f->state;
    out->first_fix = NULL;
    for (size_t k = 0; k < f->nfixes && !out->first_fix; k++)
        if (!f->fix_failed || !f->fix_failed[k])
            out->first_fix = f->fixes[k];
}

/* The kept subjects that are updates with an outcome (fleet queries count
 * them per update). */
static int is_update(const wd_m_subject *sj)
{
    return sj->kind == WD_SUBJ_UPDATE && sj->state != WD_ST_NONE;
}

size_t wd_report_update_count(const wd_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->m->nsubjects; i++)
        n += is_update(&r->m->subjects[i]);
    return n;
}

size_t wd_report_updates(const wd_report *r, wd_update_rec *out, size_t cap)
{
    size_t n = 0;
    for (size_t k = 0; k < r->m->nsubjects && n < cap; k++) {
        const wd_m_subject *sj = &r->m->subjects[k];
        if (!is_update(sj))
            continue;
        out[n++] = (wd_update_rec){
            .key = sj->key,
            .kb = sj->kb,
            .title = sj->title,
            .product = wd_product_name(sj->product),
            .state = wd_state_name(sj->state),
            .has_code = sj->has_code,
            .code = sj->code,
            .failures = (int64_t)sj->failures,
            .successes = (int64_t)sj->successes,
            .first_failure = sj->first_failure,
            .last_failure = sj->last_failure,
            .last_success = sj->last_success,
        };
    }
    return n;
}

const char *wd_report_finding_service(const wd_report *r, size_t i)
{
    return i < r->m->nfindings ? r->m->findings[i].service : NULL;
}

const char *wd_report_expected_start(const wd_report *r, const char *service)
{
    return wd_model_expected_start(r->m, service);
}

int wd_report_restart_pending(const wd_report *r)
{
    for (int k = 0; k < WD_SUBJ_COUNT; k++)
        if (r->m->by_state[k][WD_ST_PENDING_REBOOT])
            return 1;
    return r->m->reboot_pending;
}

int wd_report_managed(const wd_report *r, const char **server)
{
    if (server)
        *server = r->m->wsus_server;
    return r->m->managed;
}

int wd_report_fix_find(const wd_report *r, const char *id, wd_report_fix *out)
{
    const wd_kb_fix *fx = wd_kb_fix_find(r->kb, id);
    memset(out, 0, sizeof *out);
    if (!fx)
        return wd_error_set(WD_ENOTFOUND, "the knowledge base has no fix '%s'", id);
    out->title = fx->title;
    out->action = fx->action;
    out->action_unmanaged = fx->action_unmanaged;
    out->covered = fx->covered;
    out->admin = fx->admin;
    return WD_OK;
}

/* =============================================================== writing */

int wd_report_write(const wd_report *r, const char *format, const char *path)
{
    void *doc = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc;
    if (format && (!strcmp(format, "xml") || !strcmp(format, "json")))
        return wd_report_stream(r->m, r->kb, &r->o, format, path ? path : "-");
    if (format && strcmp(format, "html"))
        return wd_error_set(WD_EUSAGE, "unknown report format '%s' (html, xml or json)", format);
    rc = wd_report_xml_build(r->m, r->kb, &r->o, &doc);
    if (!rc)
        rc = wd_xslt_apply(doc, r->o.template_path, wd_tpl_report_xsl, wd_tpl_report_xsl_len,
                           &text, &len);
    if (!rc)
        rc = wd_write_atomic(path ? path : "-", text, len);
    free(text);
    wd_xml_doc_free(doc);
    return rc;
}
