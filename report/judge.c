/* judge.c - after the rules: cause before effect, and the first fix from
 * the root cause. A finding whose codes (or rule) another finding explains
 * cites it as its cause and ranks below it; a fix the evidence shows
 * already failed never comes first (what to do instead does); then the
 * findings are ranked and the verdict set from what is wrong now. */
#include "rules_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const rule *rule_of(const wd_kb *kb, const char *id)
{
    for (size_t i = 0; id && i < kb->rules->n; i++)
        if (!strcmp(kb->rules->rules[i].id, id))
            return &kb->rules->rules[i];
    return NULL;
}

static int current(const wd_finding *f)
{
    return !f->state || !strcmp(f->state, "current");
}

/* Whether cause (a finding of rule r) explains effect. */
static int explains(const wd_kb *kb, const rule *r, const wd_finding *effect)
{
    if (r->explains_rules && wd_rules_in_list(kb->rules, effect->rule, r->explains_rules))
        return 1;
    if (!r->explains_codes || !effect->ncodes)
        return 0;
    for (size_t i = 0; i < effect->ncodes; i++) {
        char code[11];
        wd_hresult_format(effect->codes[i], code);
        if (!wd_rules_in_list(kb->rules, code, r->explains_codes))
            return 0;
    }
    return 1;
}

/* Links each current effect to the first current finding (in rules order)
 * that explains it, and lifts a cause to its effect's severity: what
 * causes a critical failure is at least as urgent. */
static int link_causes(const wd_kb *kb, wd_model *m)
{
    for (size_t i = 0; i < m->nfindings; i++) {
        wd_finding *effect = &m->findings[i];
        const wd_finding *best = NULL;
        if (!current(effect))
            continue;
        for (size_t j = 0; j < m->nfindings; j++) {
            const wd_finding *c = &m->findings[j];
            const rule *r = rule_of(kb, c->rule);
            if (j == i || !current(c) || !r || !strcmp(c->rule, effect->rule) ||
                !explains(kb, r, effect) || c->cause)
                continue;
            if (!best || c->order < best->order)
                best = c;
        }
        if (!best)
            continue;
        if (!(effect->cause = wd_strdup(best->rule)))
            return wd_error_set(WD_ENOMEM, "out of memory ranking the findings");
        wd_finding *cause = (wd_finding *)best;
        if (wd_rules_severity_rank(effect->severity) > wd_rules_severity_rank(cause->severity)) {
            char *sev = wd_strdup(effect->severity);
            if (!sev)
                return wd_error_set(WD_ENOMEM, "out of memory ranking the findings");
            free(cause->severity);
            cause->severity = sev;
        }
    }
    return WD_OK;
}

static int has(char **list, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], id))
            return 1;
    return 0;
}

/* Whether a restart is due for f: the evidence says so, f's rule asks for
 * the restart by name (a rule about restarts), or one of f's own codes says
 * one is pending (0x80242014, 0x80070BC2 ...). A code's fix list alone
 * does not: it is written for every failure of that code. */
static int restart_due(const wd_kb *kb, const wd_finding *f, const wd_judge_input *in,
                       const char *fix)
{
    const rule *r = rule_of(kb, f->rule);
    char code[11];
    if (r && (wd_rules_in_list(kb->rules, fix, r->fixes) ||
              wd_rules_in_list(kb->rules, fix, r->fixes_managed)))
        return 1;
    for (size_t i = 0; r && i < r->nesc; i++)
        if (wd_rules_in_list(kb->rules, fix, r->esc[i].fixes))
            return 1;
    for (size_t i = 0; !in->restart_pending && i < f->ncodes; i++) {
        wd_hresult_format(f->codes[i], code);
        if (wd_rules_in_list(kb->rules, code, "@reboot"))
            return 1;
    }
    return in->restart_pending;
}

/* A fix the evidence shows already failed (its operation failed since it
 * last succeeded) moves to the end, marked; what to do instead takes its
 * place. A fix that finishes a pending restart goes when none is due: an
 * install that failed with "Reboot required = False" is not fixed by it. */
static int order_fixes(const wd_kb *kb, wd_finding *f, const wd_judge_input *in)
{
    size_t n = f->nfixes, k = 0, nf = 0;
    char **out = calloc(2 * n + 1, sizeof *out), **failed = calloc(n + 1, sizeof *failed);
    char *flags = calloc(2 * n + 1, 1);
    int rc = out && failed && flags ? WD_OK : WD_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        char *id = f->fixes[i];
        const wd_kb_fix *fx = wd_kb_fix_find(kb, id);
        if (fx && fx->needs_restart && !restart_due(kb, f, in, id)) {
            free(id);
            continue;
        }
        if (!fx || fx->tried_by == WD_OP_UNKNOWN || in->op_failed[fx->tried_by] <= 0) {
            if (has(out, k, id))
                free(id);
            else
                out[k++] = id;
            continue;
        }
        failed[nf++] = id;
        if (fx->instead && !has(out, k, fx->instead) && !(out[k++] = wd_strdup(fx->instead)))
            rc = WD_ENOMEM;
    }
    for (size_t j = 0; !rc && j < nf; j++) {
        flags[k] = 1;
        out[k++] = failed[j];
    }
    if (rc) {
        for (size_t i = 0; i < k; i++)
            if (!has(f->fixes, n, out[i]))
                free(out[i]);
        free(out), free(failed), free(flags);
        return wd_error_set(WD_ENOMEM, "out of memory ordering the fixes");
    }
    free(f->fixes);
    free(f->fix_failed);
    free(failed);
    f->fixes = out;
    f->fix_failed = flags;
    f->nfixes = k;
    return WD_OK;
}

/* Whether a is a cause of some current finding. */
static int is_cause(const wd_model *m, const wd_finding *a)
{
    for (size_t i = 0; i < m->nfindings; i++)
        if (m->findings[i].cause && !strcmp(m->findings[i].cause, a->rule))
            return 1;
    return 0;
}

/* Current before resolved; more severe first; a cause before the findings
 * it explains; then the rules' order. */
static int before(const wd_model *m, const wd_finding *a, const wd_finding *b)
{
    if (current(a) != current(b))
        return current(a);
    int sa = wd_rules_severity_rank(a->severity), sb = wd_rules_severity_rank(b->severity);
    if (sa != sb)
        return sa > sb;
    if (b->cause && !strcmp(b->cause, a->rule))
        return 1;
    if (a->cause && !strcmp(a->cause, b->rule))
        return 0;
    int ca = is_cause(m, a), cb = is_cause(m, b);
    if (ca != cb)
        return ca;
    return a->order < b->order;
}

static void rank(wd_model *m)
{
    for (size_t i = 1; i < m->nfindings; i++) {
        wd_finding x = m->findings[i];
        size_t j = i;
        while (j > 0 && before(m, &x, &m->findings[j - 1])) {
            m->findings[j] = m->findings[j - 1];
            j--;
        }
        m->findings[j] = x;
    }
}

static const char *verdict(const wd_model *m, const wd_judge_input *in)
{
    int top = 0;
    for (size_t i = 0; i < m->nfindings; i++)
        if (current(&m->findings[i])) {
            int s = wd_rules_severity_rank(m->findings[i].severity);
            top = s > top ? s : top;
        }
    if (top >= 3)
        return "failing";
    if (in->incomplete)
        return "incomplete";
    return top == 2 ? "warning" : "healthy";
}

int wd_judge(const wd_kb *kb, wd_model *m, const wd_judge_input *in)
{
    int rc = link_causes(kb, m);
    for (size_t i = 0; !rc && i < m->nfindings; i++)
        rc = order_fixes(kb, &m->findings[i], in);
    if (rc)
        return rc;
    rank(m);
    m->verdict = verdict(m, in);
    return WD_OK;
}
