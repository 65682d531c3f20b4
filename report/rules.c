/* rules.c - reads rules.txt, the declarative diagnosis rules: named code and
 * name sets, and per rule its source, filters, grouping, conditions over the
 * whole snapshot, severity (and escalation), texts and fix ids. */
#include "rules_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parse_ctx {
    wd_rules *r;
    rule *cur;
    const char *file;
} parse_ctx;

static int perr(parse_ctx *c, unsigned line, const char *what, const char *arg)
{
    return wd_error_set(WD_EFORMAT, "knowledge base %s line %u: %s%s%s", c->file, line, what,
                        arg ? ": " : "", arg ? arg : "");
}

int wd_rules_severity_rank(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "critical"))
        return 4;
    if (!strcmp(s, "error"))
        return 3;
    if (!strcmp(s, "warning"))
        return 2;
    if (!strcmp(s, "info"))
        return 1;
    return 0;
}

/* Cuts the first space-separated token off *p; returns it ("" at the end). */
static char *token(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    if (*e)
        *e++ = '\0';
    while (*e == ' ' || *e == '\t')
        e++;
    *p = e;
    return s;
}

static int parse_src(const char *s, rule_src *out)
{
    static const struct {
        const char *name;
        rule_src src;
    } srcs[] = {
        {"services", SRC_SERVICES},     {"missing-services", SRC_MISSING},
        {"subjects", SRC_SUBJECTS},     {"failures", SRC_FAILURES},
        {"activities", SRC_ACTIVITIES}, {"facts", SRC_FACTS},
        {"once", SRC_ONCE},
    };
    for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++)
        if (!strcmp(s, srcs[i].name)) {
            *out = srcs[i].src;
            return WD_OK;
        }
    return WD_EFORMAT;
}

static int parse_op(const char *s, rule_op *out)
{
    static const struct {
        const char *name;
        rule_op op;
    } ops[] = {
        {"=", OP_EQ},          {"!=", OP_NE},           {"in", OP_IN},  {"not-in", OP_NOTIN},
        {"<", OP_LT},          {"<=", OP_LE},           {">", OP_GT},   {">=", OP_GE},
        {"exists", OP_EXISTS}, {"missing", OP_MISSING}, {"~", OP_GLOB},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(s, ops[i].name)) {
            *out = ops[i].op;
            return WD_OK;
        }
    return WD_EFORMAT;
}

/* "FIELD OP VALUE"; with one_token the value is a single token and *rest
 * points after it. */
static int parse_cond(char **p, rule_cond *c, int one_token)
{
    c->field = token(p);
    const char *op = token(p);
    if (!c->field[0] || parse_op(op, &c->op))
        return WD_EFORMAT;
    if (c->op == OP_EXISTS || c->op == OP_MISSING) {
        c->value = NULL;
        return WD_OK;
    }
    c->value = one_token ? token(p) : *p;
    if (!one_token)
        *p += strlen(*p);
    return c->value[0] ? WD_OK : WD_EFORMAT;
}

static int add_cond(parse_ctx *c, unsigned line, char *val, rule_cond *arr, size_t *n, size_t max)
{
    if (*n == max)
        return perr(c, line, "too many conditions in one rule", NULL);
    if (parse_cond(&val, &arr[*n], 0))
        return perr(c, line, "expected FIELD OP VALUE", NULL);
    (*n)++;
    return WD_OK;
}

static int parse_if(parse_ctx *c, unsigned line, char *val)
{
    rule *r = c->cur;
    if (!strcmp(val, "managed") || !strcmp(val, "not managed")) {
        if (r->nifs == WD_R_MAX_SMALL)
            return perr(c, line, "too many conditions in one rule", NULL);
        r->ifs[r->nifs++] = (rule_cond){"managed", OP_EQ, val[0] == 'n' ? "0" : "1"};
        return WD_OK;
    }
    return add_cond(c, line, val, r->ifs, &r->nifs, WD_R_MAX_SMALL);
}

/* "escalate FIELD OP VALUE SEVERITY [fixes LIST]" */
static int parse_escalate(parse_ctx *c, unsigned line, char *val)
{
    rule *r = c->cur;
    if (r->nesc == WD_R_MAX_SMALL)
        return perr(c, line, "too many escalations in one rule", NULL);
    rule_escalate *e = &r->esc[r->nesc];
    if (parse_cond(&val, &e->cond, 1))
        return perr(c, line, "expected escalate FIELD OP VALUE SEVERITY [fixes LIST]", NULL);
    e->severity = token(&val);
    if (!wd_rules_severity_rank(e->severity))
        return perr(c, line, "unknown severity", e->severity);
    if (*val) {
        if (strcmp(token(&val), "fixes") || !*val)
            return perr(c, line, "expected \"fixes LIST\" after the severity", NULL);
        e->fixes = val;
    }
    r->nesc++;
    return WD_OK;
}

/* "attach SOURCE where FIELD OP VALUE" */
static int parse_attach(parse_ctx *c, unsigned line, char *val)
{
    rule *r = c->cur;
    const char *src = token(&val);
    if (parse_src(src, &r->attach_src) || strcmp(token(&val), "where") ||
        parse_cond(&val, &r->attach, 0))
        return perr(c, line, "expected attach SOURCE where FIELD OP VALUE", NULL);
    r->has_attach = 1;
    return WD_OK;
}

static int parse_text_field(parse_ctx *c, unsigned line, const char *key, char *val)
{
    rule *r = c->cur;
    const char **slot = !strcmp(key, "severity")        ? &r->severity
                        : !strcmp(key, "title")         ? &r->title
                        : !strcmp(key, "explain")       ? &r->explain
                        : !strcmp(key, "fixes")         ? &r->fixes
                        : !strcmp(key, "fixes-managed") ? &r->fixes_managed
                        : !strcmp(key, "group-by")      ? &r->group_by
                        : !strcmp(key, "state")         ? &r->state
                                                        : NULL;
    if (!slot)
        return perr(c, line, "unknown rule field", key);
    if (!*val)
        return perr(c, line, "empty field", key);
    *slot = val;
    if (slot == &r->severity && !wd_rules_severity_rank(val))
        return perr(c, line, "unknown severity", val);
    if (slot == &r->state && strcmp(val, "current") && strcmp(val, "resolved"))
        return perr(c, line, "state is current or resolved", val);
    return WD_OK;
}

static int parse_rule_line(parse_ctx *c, unsigned line, const char *key, char *val)
{
    rule *r = c->cur;
    if (!strcmp(key, "from")) {
        if (parse_src(val, &r->src))
            return perr(c, line, "unknown source", val);
        return WD_OK;
    }
    if (!strcmp(key, "where"))
        return add_cond(c, line, val, r->where, &r->nwhere, WD_R_MAX_CONDS);
    if (!strcmp(key, "having"))
        return add_cond(c, line, val, r->having, &r->nhaving, WD_R_MAX_SMALL);
    if (!strcmp(key, "if"))
        return parse_if(c, line, val);
    if (!strcmp(key, "escalate"))
        return parse_escalate(c, line, val);
    if (!strcmp(key, "attach"))
        return parse_attach(c, line, val);
    if (!strcmp(key, "explains")) {
        const char *kind = token(&val);
        if (!*val || (strcmp(kind, "codes") && strcmp(kind, "rules")))
            return perr(c, line, "expected explains codes LIST or explains rules LIST", NULL);
        *(strcmp(kind, "codes") ? &r->explains_rules : &r->explains_codes) = val;
        return WD_OK;
    }
    if (!strcmp(key, "cite")) {
        if (strcmp(token(&val), "fact") || !*val || r->ncite == WD_R_MAX_SMALL)
            return perr(c, line, "expected cite fact KEY (at most 4)", NULL);
        r->cite[r->ncite++] = val;
        return WD_OK;
    }
    return parse_text_field(c, line, key, val);
}

static int end_rule(parse_ctx *c, unsigned line)
{
    rule *r = c->cur;
    if (!r->severity || !r->title || !r->explain || !r->fixes)
        return perr(c, line, "a rule needs severity, title, explain and fixes", r->id);
    c->cur = NULL;
    return WD_OK;
}

static int start_rule(parse_ctx *c, unsigned line, char *id)
{
    if (c->cur || !id[0])
        return perr(c, line, "\"rule ID\" must follow \"end\"", NULL);
    for (size_t i = 0; i < c->r->n; i++)
        if (!strcmp(c->r->rules[i].id, id))
            return perr(c, line, "duplicate rule id", id);
    c->cur = wd_array_grow(&c->r->rules, &c->r->n, &c->r->cap, sizeof *c->cur);
    if (!c->cur)
        return wd_error_set(WD_ENOMEM, "out of memory loading the rules");
    c->cur->id = id;
    c->cur->line = line;
    c->cur->src = SRC_ONCE;
    return WD_OK;
}

static int add_set(parse_ctx *c, unsigned line, char *val)
{
    char *name = token(&val);
    if (!name[0] || !*val)
        return perr(c, line, "expected set NAME LIST", NULL);
    rule_set *set = wd_array_grow(&c->r->sets, &c->r->nsets, &c->r->setcap, sizeof *set);
    if (!set)
        return wd_error_set(WD_ENOMEM, "out of memory loading the rules");
    *set = (rule_set){name, val};
    return WD_OK;
}

static int on_rule_line(void *vctx, char *line, unsigned lineno)
{
    parse_ctx *c = vctx;
    char *p = line;
    char *key = token(&p);
    if (!key[0] || key[0] == '#')
        return WD_OK;
    if (!strcmp(key, "set") && !c->cur)
        return add_set(c, lineno, p);
    if (!strcmp(key, "rule"))
        return start_rule(c, lineno, p);
    if (!c->cur)
        return perr(c, lineno, "expected \"set\" or \"rule\"", key);
    if (!strcmp(key, "end"))
        return end_rule(c, lineno);
    return parse_rule_line(c, lineno, key, p);
}

int wd_rules_parse(char *text, const char *file, wd_rules **out)
{
    *out = NULL;
    wd_rules *r = calloc(1, sizeof *r);
    if (!r)
        return wd_error_set(WD_ENOMEM, "out of memory loading the rules");
    parse_ctx c = {r, NULL, file};
    int rc = wd_kb_lines(text, on_rule_line, &c);
    if (!rc && c.cur)
        rc = perr(&c, c.cur->line, "rule has no \"end\"", c.cur->id);
    if (rc) {
        wd_rules_free(r);
        return rc;
    }
    *out = r;
    return WD_OK;
}

void wd_rules_free(wd_rules *r)
{
    if (!r)
        return;
    free(r->rules);
    free(r->sets);
    free(r);
}

size_t wd_rules_count(const wd_rules *r)
{
    return r ? r->n : 0;
}

const char *wd_rules_set(const wd_rules *r, const char *name)
{
    for (size_t i = 0; r && i < r->nsets; i++)
        if (!strcmp(r->sets[i].name, name))
            return r->sets[i].list;
    return NULL;
}

/* Every id in a comma list names a fix ("@code" is resolved at run time). */
static int check_list(const wd_kb *kb, const rule *r, const char *list)
{
    if (!list)
        return WD_OK;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        char id[64];
        while (n && p[n - 1] == ' ')
            n--;
        if (n >= sizeof id)
            n = sizeof id - 1;
        memcpy(id, p, n);
        id[n] = '\0';
        if (id[0] && strcmp(id, "@code") && !wd_kb_fix_find(kb, id))
            return wd_error_set(WD_EFORMAT,
                                "knowledge base rules.txt: rule %s names unknown "
                                "fix %s",
                                r->id, id);
        p += strcspn(p, ",");
        while (*p == ',' || *p == ' ')
            p++;
    }
    return WD_OK;
}

int wd_rules_check(const wd_rules *rules, const wd_kb *kb)
{
    for (size_t i = 0; rules && i < rules->n; i++) {
        const rule *r = &rules->rules[i];
        int rc = check_list(kb, r, r->fixes);
        if (!rc)
            rc = check_list(kb, r, r->fixes_managed);
        for (size_t j = 0; !rc && j < r->nesc; j++)
            rc = check_list(kb, r, r->esc[j].fixes);
        if (rc)
            return rc;
    }
    return WD_OK;
}

/* ------------------------------------------------------------ lists */

static int list_num(const char *s, double *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end || end == s || v != v)
        return 0;
    *out = v;
    return 1;
}

static int list_equal(const char *v, const char *want, size_t wn)
{
    char w[128];
    double a, b;
    if (wn >= sizeof w)
        return 0;
    memcpy(w, want, wn);
    w[wn] = '\0';
    if (list_num(v, &a) && list_num(w, &b))
        return a == b;
    return wd_strcaseeq(v, w);
}

/* "lo-hi" with two numbers: whether v is within. -1 when not a range. */
static int list_range(const char *v, const char *el, size_t n)
{
    char buf[128];
    double lo, hi, x;
    if (n >= sizeof buf || n < 3)
        return -1;
    memcpy(buf, el, n);
    buf[n] = '\0';
    char *dash = strchr(buf + 1, '-');
    if (!dash)
        return -1;
    *dash = '\0';
    if (!list_num(buf, &lo) || !list_num(dash + 1, &hi))
        return -1;
    return list_num(v, &x) && x >= lo && x <= hi;
}

static int in_list_depth(const wd_rules *r, const char *v, const char *list, int depth)
{
    const char *p = list;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if (n && p[0] == '@' && depth < 4) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(n - 1), p + 1);
            const char *set = wd_rules_set(r, name);
            if (set && in_list_depth(r, v, set, depth + 1))
                return 1;
        } else if (n) {
            int in = list_range(v, p, n);
            if (in == 1 || (in < 0 && list_equal(v, p, n)))
                return 1;
        }
        p += strcspn(p, ",");
    }
    return 0;
}

int wd_rules_in_list(const wd_rules *r, const char *v, const char *list)
{
    return v && list && in_list_depth(r, v, list, 0);
}
