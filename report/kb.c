/* kb.c - the knowledge base: error codes (codes.tsv), fix procedures
 * (fixes.txt), Win32 error names (win32.tsv) and the rules (rules.txt),
 * embedded in the binary at build time or read from a --kb folder. */
#include "kb_private.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char wd_kb_codes_tsv[], wd_kb_fixes_txt[], wd_kb_win32_tsv[],
    wd_kb_rules_txt[], wd_kb_known_issues_txt[];
extern const size_t wd_kb_codes_tsv_len, wd_kb_fixes_txt_len, wd_kb_win32_tsv_len,
    wd_kb_rules_txt_len, wd_kb_known_issues_txt_len;

/* ------------------------------------------------------------- reading */

/* Reads dir/name into a new string; *out stays NULL when the file is absent. */
static int read_file(const char *dir, const char *name, char **out)
{
    *out = NULL;
    wd_buf path = WD_BUF_INIT;
    wd_buf data = WD_BUF_INIT;
    int rc = WD_OK;
    wd_buf_printf(&path, "%s/%s", dir, name);
    if (!wd_buf_ok(&path))
        return wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
    FILE *f = fopen(wd_buf_cstr(&path), "rb");
    if (!f) {
        if (errno != ENOENT)
            rc = wd_error_set(WD_EIO, "cannot read the knowledge base: %s", wd_buf_cstr(&path));
        goto cleanup;
    }
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        wd_buf_append(&data, chunk, n);
    if (ferror(f))
        rc = wd_error_set(WD_EIO, "cannot read the knowledge base: %s", wd_buf_cstr(&path));
    else if (!wd_buf_ok(&data))
        rc = wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
    else
        *out = data.data ? wd_buf_detach(&data) : wd_strdup("");
    fclose(f);
cleanup:
    wd_buf_free(&path);
    wd_buf_free(&data);
    return rc;
}

/* The text of one knowledge-base file: from dir when it has it, else the
 * embedded copy. */
static int load_text(const char *dir, const char *name, const unsigned char *emb, size_t len,
                     char **out)
{
    *out = NULL;
    if (dir) {
        int rc = read_file(dir, name, out);
        if (rc || *out)
            return rc;
    }
    *out = wd_strndup((const char *)emb, len);
    return *out ? WD_OK : wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
}

int wd_kb_lines(char *text, int (*fn)(void *ctx, char *line, unsigned lineno), void *ctx)
{
    unsigned lineno = 0;
    char *p = text;
    size_t bom;
    if (wd_text_detect((const unsigned char *)p, strnlen(p, 3), &bom) == WD_ENC_UTF8)
        p += bom; /* a UTF-8 BOM */
    while (*p) {
        char *nl = strchr(p, '\n');
        char *next = nl ? nl + 1 : p + strlen(p);
        if (nl)
            *nl = '\0';
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r')
            p[n - 1] = '\0';
        int rc = fn(ctx, p, ++lineno);
        if (rc)
            return rc;
        p = next;
    }
    return WD_OK;
}

/* Splits line at tabs into at most max fields; returns the count. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    while (n < max) {
        fields[n++] = line;
        char *tab = strchr(line, '\t');
        if (!tab)
            break;
        *tab = '\0';
        line = tab + 1;
    }
    return n;
}

/* --------------------------------------------------------------- codes */

typedef struct table_ctx {
    wd_kb *kb;
    size_t cap;
    const char *file;
} table_ctx;

static int on_code_line(void *vctx, char *line, unsigned lineno)
{
    table_ctx *c = vctx;
    if (!line[0] || line[0] == '#')
        return WD_OK;
    char *f[6] = {0};
    size_t n = split_tabs(line, f, 6);
    uint32_t code;
    if (n < 4 || wd_hresult_parse(f[0], &code))
        return wd_error_set(WD_EFORMAT,
                            "knowledge base %s line %u: expected code, symbol, "
                            "component, meaning",
                            c->file, lineno);
    wd_kb_code *k = wd_array_grow(&c->kb->codes, &c->kb->ncodes, &c->cap, sizeof *k);
    if (!k)
        return wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
    k->code = code;
    k->symbol = f[1];
    k->component = f[2];
    k->meaning = f[3];
    k->causes = n > 4 ? f[4] : "";
    k->fixes = n > 5 ? f[5] : "";
    return WD_OK;
}

static int cmp_code(const void *a, const void *b)
{
    uint32_t x = ((const wd_kb_code *)a)->code, y = ((const wd_kb_code *)b)->code;
    return x < y ? -1 : x > y;
}

static int on_win32_line(void *vctx, char *line, unsigned lineno)
{
    table_ctx *c = vctx;
    if (!line[0] || line[0] == '#')
        return WD_OK;
    char *f[2] = {0};
    int64_t num;
    if (split_tabs(line, f, 2) < 2 || wd_parse_i64(f[0], &num) || num < 0 || num > 0xFFFF)
        return wd_error_set(WD_EFORMAT, "knowledge base %s line %u: expected number, name", c->file,
                            lineno);
    wd_kb_win32 *w = wd_array_grow(&c->kb->win32, &c->kb->nwin32, &c->cap, sizeof *w);
    if (!w)
        return wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
    w->num = (unsigned)num;
    w->name = f[1];
    return WD_OK;
}

static int cmp_win32(const void *a, const void *b)
{
    unsigned x = ((const wd_kb_win32 *)a)->num, y = ((const wd_kb_win32 *)b)->num;
    return x < y ? -1 : x > y;
}

/* --------------------------------------------------------------- fixes */

/* Splits a line of fixes.txt or known-issues.txt into its keyword (the
 * result) and the value after the first space (*val, "" when none); NULL for
 * blank and comment lines. */
static char *keyword(char *line, char **val)
{
    while (*line == ' ' || *line == '\t')
        line++;
    if (!line[0] || line[0] == '#')
        return NULL;
    *val = strchr(line, ' ');
    if (*val)
        *(*val)++ = '\0';
    else
        *val = line + strlen(line);
    return line;
}

typedef struct fix_ctx {
    wd_kb *kb;
    size_t cap, stepcap;
    wd_kb_fix *cur;
    wd_kb_step *steps;
    const char *file;
} fix_ctx;

static int fix_error(fix_ctx *c, unsigned lineno, const char *what)
{
    return wd_error_set(WD_EFORMAT, "knowledge base %s line %u: %s", c->file, lineno, what);
}

static int fix_step(fix_ctx *c, char *val, unsigned lineno)
{
    char *colon = strchr(val, ':');
    if (!colon)
        return fix_error(c, lineno, "a step is \"step any|10|11: text\"");
    *colon = '\0';
    char *text = colon + 1;
    while (*text == ' ')
        text++;
    if (strcmp(val, "any") && strcmp(val, "10") && strcmp(val, "11"))
        return fix_error(c, lineno, "a step is for \"any\", \"10\" or \"11\"");
    wd_kb_step *s = wd_array_grow(&c->steps, &c->cur->nsteps, &c->stepcap, sizeof *s);
    if (!s)
        return wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
    s->os = val;
    s->text = text;
    return WD_OK;
}

/* "auto ACTION [unmanaged]": wudiag fix can carry it out. */
static int fix_auto(fix_ctx *c, char *val, unsigned lineno)
{
    char *sp = strchr(val, ' ');
    if (sp) {
        *sp++ = '\0';
        if (strcmp(sp, "unmanaged"))
            return fix_error(c, lineno, "auto is \"auto ACTION\" or \"auto ACTION unmanaged\"");
        c->cur->action_unmanaged = 1;
    }
    if (!val[0])
        return fix_error(c, lineno, "auto needs the action wudiag fix carries out");
    c->cur->action = val;
    return WD_OK;
}

static int fix_end(fix_ctx *c, unsigned lineno)
{
    if (!c->cur->title || !c->cur->why || !c->cur->nsteps)
        return fix_error(c, lineno, "a fix needs a title, why and at least one step");
    c->cur->steps = c->steps;
    c->steps = NULL;
    c->stepcap = 0;
    c->cur = NULL;
    return WD_OK;
}

static int on_fix_line(void *vctx, char *line, unsigned lineno)
{
    fix_ctx *c = vctx;
    char *val;
    if (!(line = keyword(line, &val)))
        return WD_OK;
    if (!strcmp(line, "fix")) {
        if (c->cur || !val[0])
            return fix_error(c, lineno, "\"fix ID\" must follow \"end\"");
        c->cur = wd_array_grow(&c->kb->fixes, &c->kb->nfixes, &c->cap, sizeof *c->cur);
        if (!c->cur)
            return wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
        c->cur->id = val;
        c->cur->risk = "";
        c->cur->managed = "keep";
        return WD_OK;
    }
    if (!c->cur)
        return fix_error(c, lineno, "expected \"fix ID\"");
    if (!strcmp(line, "end"))
        return fix_end(c, lineno);
    if (!strcmp(line, "title"))
        c->cur->title = val;
    else if (!strcmp(line, "why"))
        c->cur->why = val;
    else if (!strcmp(line, "risk"))
        c->cur->risk = val;
    else if (!strcmp(line, "managed"))
        c->cur->managed = val;
    else if (!strcmp(line, "admin"))
        c->cur->admin = !strcmp(val, "yes");
    else if (!strcmp(line, "instead"))
        c->cur->instead = val;
    else if (!strcmp(line, "auto"))
        return fix_auto(c, val, lineno);
    else if (!strcmp(line, "auto-covered"))
        c->cur->covered = val;
    else if (!strcmp(line, "when")) {
        if (strcmp(val, "restart-pending"))
            return fix_error(c, lineno, "when is \"when restart-pending\"");
        c->cur->needs_restart = 1;
    }
    else if (!strcmp(line, "tried-by")) {
        c->cur->tried_by = wd_op_parse(val);
        if (c->cur->tried_by == WD_OP_UNKNOWN)
            return fix_error(c, lineno, "tried-by names no known operation");
    }
    else if (!strcmp(line, "step"))
        return fix_step(c, val, lineno);
    else
        return fix_error(c, lineno, "unknown field");
    return WD_OK;
}

/* auto-covered names fixes wudiag fix carries out. */
static int check_covered(const wd_kb *kb, const wd_kb_fix *fx, const char *file)
{
    for (const char *p = fx->covered; p && *p;) {
        char id[64];
        size_t n = strcspn(p, ",");
        snprintf(id, sizeof id, "%.*s", (int)n, p);
        const wd_kb_fix *by = wd_kb_fix_find(kb, id);
        if (!by || !by->action)
            return wd_error_set(WD_EFORMAT,
                                "knowledge base %s: fix %s: auto-covered names %s, which is not "
                                "a fix wudiag fix carries out",
                                file, fx->id, id);
        p += n + (p[n] == ',');
    }
    return WD_OK;
}

/* Every fix named as a replacement must exist. */
static int check_fixes(const wd_kb *kb, const char *file)
{
    for (size_t i = 0; i < kb->nfixes; i++) {
        const char *m = kb->fixes[i].managed, *in = kb->fixes[i].instead;
        if (strcmp(m, "keep") && strcmp(m, "avoid") && !wd_kb_fix_find(kb, m))
            return wd_error_set(WD_EFORMAT,
                                "knowledge base %s: fix %s: managed names "
                                "unknown fix %s",
                                file, kb->fixes[i].id, m);
        if (in && !wd_kb_fix_find(kb, in))
            return wd_error_set(WD_EFORMAT, "knowledge base %s: fix %s: instead names unknown fix %s",
                                file, kb->fixes[i].id, in);
        int rc = check_covered(kb, &kb->fixes[i], file);
        if (rc)
            return rc;
    }
    return WD_OK;
}

/* -------------------------------------------------------- known issues */

typedef struct issue_ctx {
    wd_kb *kb;
    size_t cap;
    wd_kb_issue *cur;
} issue_ctx;

static int issue_error(unsigned lineno, const char *what)
{
    return wd_error_set(WD_EFORMAT, "knowledge base known-issues.txt line %u: %s", lineno, what);
}

static int issue_end(issue_ctx *c, unsigned lineno)
{
    const wd_kb_issue *i = c->cur;
    if (!i->title || !i->cause || !i->workaround || !i->source)
        return issue_error(lineno, "an issue needs title, cause, workaround and source");
    if (!i->codes && !i->kbs)
        return issue_error(lineno, "an issue needs a code or kb list to match");
    for (const char *p = i->fixes; p && *p;) {
        char id[64];
        size_t n = strcspn(p, ",");
        snprintf(id, sizeof id, "%.*s", (int)n, p);
        if (!wd_kb_fix_find(c->kb, id))
            return issue_error(lineno, "fixes names an unknown fix");
        p += n + (p[n] == ',');
    }
    c->cur = NULL;
    return WD_OK;
}

static int on_issue_line(void *vctx, char *line, unsigned lineno)
{
    issue_ctx *c = vctx;
    char *val;
    if (!(line = keyword(line, &val)))
        return WD_OK;
    if (!strcmp(line, "issue")) {
        if (c->cur || !val[0])
            return issue_error(lineno, "\"issue ID\" must follow \"end\"");
        c->cur = wd_array_grow(&c->kb->issues, &c->kb->nissues, &c->cap, sizeof *c->cur);
        if (!c->cur)
            return wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
        c->cur->id = val;
        return WD_OK;
    }
    if (!c->cur)
        return issue_error(lineno, "expected \"issue ID\"");
    if (!strcmp(line, "end"))
        return issue_end(c, lineno);
    if (!strcmp(line, "target")) {
        if (strcmp(val, "named"))
            return issue_error(lineno, "target is named");
        c->cur->named = 1;
        return WD_OK;
    }
    if (!strcmp(line, "advice")) {
        if (strcmp(val, "only") && strcmp(val, "first"))
            return issue_error(lineno, "advice is only or first");
        c->cur->only = !strcmp(val, "only");
        return WD_OK;
    }
    const char **slot = !strcmp(line, "code")         ? &c->cur->codes
                        : !strcmp(line, "kb")         ? &c->cur->kbs
                        : !strcmp(line, "product")    ? &c->cur->products
                        : !strcmp(line, "operation")  ? &c->cur->operations
                        : !strcmp(line, "title")      ? &c->cur->title
                        : !strcmp(line, "cause")      ? &c->cur->cause
                        : !strcmp(line, "workaround") ? &c->cur->workaround
                        : !strcmp(line, "fixes")      ? &c->cur->fixes
                        : !strcmp(line, "source")     ? &c->cur->source
                                                      : NULL;
    if (!slot || !val[0])
        return issue_error(lineno, "unknown or empty field");
    *slot = val;
    return WD_OK;
}

/* ---------------------------------------------------------------- load */

static int load_tables(wd_kb *kb)
{
    table_ctx tc = {kb, 0, "codes.tsv"};
    int rc = wd_kb_lines(kb->codes_text, on_code_line, &tc);
    if (rc)
        return rc;
    qsort(kb->codes, kb->ncodes, sizeof *kb->codes, cmp_code);
    table_ctx wc = {kb, 0, "win32.tsv"};
    rc = wd_kb_lines(kb->win32_text, on_win32_line, &wc);
    if (rc)
        return rc;
    qsort(kb->win32, kb->nwin32, sizeof *kb->win32, cmp_win32);
    fix_ctx fc = {.kb = kb, .file = "fixes.txt"};
    rc = wd_kb_lines(kb->fixes_text, on_fix_line, &fc);
    free(fc.steps);
    if (!rc && fc.cur)
        rc =
            wd_error_set(WD_EFORMAT, "knowledge base fixes.txt: fix %s has no \"end\"", fc.cur->id);
    if (!rc)
        rc = check_fixes(kb, "fixes.txt");
    issue_ctx ic = {.kb = kb};
    if (!rc)
        rc = wd_kb_lines(kb->issues_text, on_issue_line, &ic);
    if (!rc && ic.cur)
        rc = wd_error_set(WD_EFORMAT, "knowledge base known-issues.txt: issue %s has no \"end\"",
                          ic.cur->id);
    return rc;
}

int wd_kb_load(const char *dir, wd_kb **out)
{
    *out = NULL;
    struct stat st;
    if (dir && (stat(dir, &st) || !S_ISDIR(st.st_mode)))
        return wd_error_set(WD_ENOTFOUND, "knowledge base folder not found: %s", dir);
    wd_kb *kb = calloc(1, sizeof *kb);
    if (!kb)
        return wd_error_set(WD_ENOMEM, "out of memory loading the knowledge base");
    int rc = load_text(dir, "codes.tsv", wd_kb_codes_tsv, wd_kb_codes_tsv_len, &kb->codes_text);
    if (!rc)
        rc = load_text(dir, "fixes.txt", wd_kb_fixes_txt, wd_kb_fixes_txt_len, &kb->fixes_text);
    if (!rc)
        rc = load_text(dir, "win32.tsv", wd_kb_win32_tsv, wd_kb_win32_tsv_len, &kb->win32_text);
    if (!rc)
        rc = load_text(dir, "rules.txt", wd_kb_rules_txt, wd_kb_rules_txt_len, &kb->rules_text);
    if (!rc)
        rc = load_text(dir, "known-issues.txt", wd_kb_known_issues_txt,
                       wd_kb_known_issues_txt_len, &kb->issues_text);
    if (!rc)
        rc = load_tables(kb);
    if (!rc)
        rc = wd_rules_parse(kb->rules_text, "rules.txt", &kb->rules);
    if (!rc)
        rc = wd_rules_check(kb->rules, kb);
    if (rc) {
        wd_kb_free(kb);
        return rc;
    }
    *out = kb;
    return WD_OK;
}

void wd_kb_free(wd_kb *kb)
{
    if (!kb)
        return;
    for (size_t i = 0; i < kb->nfixes; i++)
        free((void *)kb->fixes[i].steps);
    free(kb->fixes);
    free(kb->codes);
    free(kb->win32);
    wd_rules_free(kb->rules);
    free(kb->codes_text);
    free(kb->fixes_text);
    free(kb->win32_text);
    free(kb->rules_text);
    free(kb->issues_text);
    free(kb->issues);
    free(kb);
}

/* -------------------------------------------------------------- lookup */

const wd_kb_code *wd_kb_code_find(const wd_kb *kb, uint32_t code)
{
    if (!kb)
        return NULL;
    wd_kb_code key = {.code = code};
    return bsearch(&key, kb->codes, kb->ncodes, sizeof key, cmp_code);
}

const wd_kb_fix *wd_kb_fix_find(const wd_kb *kb, const char *id)
{
    if (!kb || !id)
        return NULL;
    for (size_t i = 0; i < kb->nfixes; i++)
        if (!strcmp(kb->fixes[i].id, id))
            return &kb->fixes[i];
    return NULL;
}

const char *wd_kb_win32_name(const wd_kb *kb, unsigned num)
{
    if (!kb)
        return NULL;
    wd_kb_win32 key = {.num = num};
    const wd_kb_win32 *w = bsearch(&key, kb->win32, kb->nwin32, sizeof key, cmp_win32);
    return w ? w->name : NULL;
}

const wd_kb_issue *wd_kb_issues(const wd_kb *kb, size_t *n)
{
    *n = kb ? kb->nissues : 0;
    return kb ? kb->issues : NULL;
}

const wd_kb_issue *wd_kb_issue_find(const wd_kb *kb, const char *id)
{
    for (size_t i = 0; kb && id && i < kb->nissues; i++)
        if (!strcmp(kb->issues[i].id, id))
            return &kb->issues[i];
    return NULL;
}
