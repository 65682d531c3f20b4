/* cases.c - runs the end-to-end cases under tests/e2e/cases/: each folder
 * holds case.txt, a small script of setup steps, the wudiag command line,
 * and the expected exit code, messages and report contents (XPath over the
 * XML report). Every case runs the built wudiag in a fresh temp folder.
 *
 * case.txt lines (placeholders {src} {corpus} {tmp} {case} are expanded):
 *   mkdir DIR                 create a folder
 *   copy FROM TO              copy a file
 *   write FILE TEXT           write TEXT (with \n escapes) to FILE
 *   run ARG ARG ...           run wudiag with these arguments (may repeat)
 *   exit N                    the last run exits with N
 *   stdout-has TEXT / stderr-has TEXT
 *   stdout-lacks TEXT         the last run's stdout does not hold TEXT
 *   zip OUT DIR               zip the contents of DIR into OUT
 *   xml FILE                  the report the next xpath lines check; it must
 *                             validate against templates/report.xsd
 *   xpath EXPR = VALUE        string(EXPR) equals VALUE (prefix r: is the
 *                             report namespace)
 *   json FILE                 FILE is a JSON report valid against
 *                             templates/report.schema.json (python3-jsonschema)
 *   file-absent FILE          the run left no such file */
#define _GNU_SOURCE
#include "common.h"
#include "support.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPORT_NS "urn:wudiag:report:1"

typedef struct ctx {
    const char *name;
    char *tmp, *casedir;
    int exit_code;
    char *out, *err;
    xmlDocPtr doc;
} ctx;

/* Expands the placeholders of one line into a malloc'd string. */
static char *expand(const ctx *c, const char *line)
{
    struct {
        const char *key, *value;
    } vars[] = {{"{src}", WD_SOURCE_DIR}, {"{corpus}", WD_CORPUS_DIR}, {"{tmp}", c->tmp},
                {"{case}", c->casedir}};
    wd_buf o = WD_BUF_INIT;
    for (const char *p = line; *p;) {
        int done = 0;
        for (size_t i = 0; i < 4 && !done; i++) {
            size_t kl = strlen(vars[i].key);
            if (!strncmp(p, vars[i].key, kl)) {
                wd_buf_puts(&o, vars[i].value);
                p += kl;
                done = 1;
            }
        }
        if (!done)
            wd_buf_putc(&o, *p++);
    }
    cr_assert(wd_buf_ok(&o));
    return o.data ? wd_buf_detach(&o) : strdup("");
}

/* Every report a case reads must be valid against the published schema. */
static void validate(const ctx *c, xmlDocPtr doc, int lineno)
{
    char *xsd = wdt_source("templates/report.xsd");
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    cr_assert_not_null(schema, "cannot load %s", xsd);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(vc, doc);
    cr_expect_eq(rc, 0, "%s:%d: the report does not validate against report.xsd", c->name,
                 lineno);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    free(xsd);
}

static void run(ctx *c, char *args)
{
    const char *argv[64];
    size_t n = 0;
    for (char *tok = strtok(args, " "); tok && n < 63; tok = strtok(NULL, " "))
        argv[n++] = tok;
    argv[n] = NULL;
    free(c->out);
    free(c->err);
    c->exit_code = wdt_run(argv, &c->out, &c->err);
}

static void check_xpath(ctx *c, const char *expr_eq, int lineno)
{
    const char *eq = strstr(expr_eq, " = ");
    cr_assert_not_null(eq, "%s:%d: xpath needs ' = VALUE'", c->name, lineno);
    cr_assert_not_null(c->doc, "%s:%d: no xml report loaded", c->name, lineno);
    char *expr = strndup(expr_eq, (size_t)(eq - expr_eq));
    xmlXPathContextPtr xc = xmlXPathNewContext(c->doc);
    xmlXPathRegisterNs(xc, BAD_CAST "r", BAD_CAST REPORT_NS);
    xmlXPathObjectPtr res = xmlXPathEvalExpression(BAD_CAST expr, xc);
    cr_assert_not_null(res, "%s:%d: bad xpath %s", c->name, lineno, expr);
    xmlChar *got = xmlXPathCastToString(res);
    cr_expect_str_eq((const char *)got, eq + 3, "%s:%d: %s gave '%s', expected '%s'", c->name,
                     lineno, expr, got, eq + 3);
    xmlFree(got);
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(xc);
    free(expr);
}

/* Every JSON report a case reads must be valid against the published
 * JSON Schema, checked by a real validator. */
static void check_json(const ctx *c, const char *file, int lineno)
{
    char *script = wdt_source("tests/support/check_report_json.py");
    char *schema = wdt_source("templates/report.schema.json");
    char *cmd = NULL;
    cr_assert_geq(asprintf(&cmd, "/usr/bin/python3 '%s' '%s' '%s'", script, schema, file), 0);
    cr_expect_eq(system(cmd), 0, "%s:%d: %s does not validate against report.schema.json",
                 c->name, lineno, file);
    free(cmd), free(script), free(schema);
}

/* Executes one case.txt line. */
static void step(ctx *c, char *line, int lineno)
{
    char *sp = strchr(line, ' ');
    char *arg = sp ? sp + 1 : line + strlen(line);
    if (sp)
        *sp = '\0';
    if (!strcmp(line, "mkdir")) {
        char *cmd = NULL;
        cr_assert_geq(asprintf(&cmd, "mkdir -p '%s'", arg), 0);
        cr_assert_eq(system(cmd), 0);
        free(cmd);
    } else if (!strcmp(line, "copy")) {
        char *to = strchr(arg, ' ');
        cr_assert_not_null(to);
        *to++ = '\0';
        size_t len;
        char *data = wdt_read(arg, &len);
        cr_assert_not_null(data, "%s:%d: cannot read %s", c->name, lineno, arg);
        cr_assert_eq(wdt_write(to, data, len), 0);
        free(data);
    } else if (!strcmp(line, "write")) {
        char *text = strchr(arg, ' ');
        cr_assert_not_null(text);
        *text++ = '\0';
        size_t n = 0;
        for (char *p = text; *p; p++, n++) {
            if (p[0] == '\\' && p[1] == 'n') {
                text[n] = '\n';
                p++;
            } else if (p[0] == '\\' && p[1] == 'r') {
                text[n] = '\r';
                p++;
            } else {
                text[n] = *p;
            }
        }
        cr_assert_eq(wdt_write(arg, text, n), 0);
    } else if (!strcmp(line, "zip")) {
        char *dir = strchr(arg, ' '), *cmd = NULL;
        cr_assert_not_null(dir);
        *dir++ = '\0';
        cr_assert_geq(asprintf(&cmd, "cd '%s' && python3 -m zipfile -c '%s' * >/dev/null", dir, arg),
                      0);
        cr_assert_eq(system(cmd), 0, "%s:%d: zip failed", c->name, lineno);
        free(cmd);
    } else if (!strcmp(line, "run")) {
        run(c, arg);
    } else if (!strcmp(line, "exit")) {
        cr_expect_eq(c->exit_code, atoi(arg), "%s:%d: exit %d, expected %s\nstderr: %s",
                     c->name, lineno, c->exit_code, arg, c->err);
    } else if (!strcmp(line, "stdout-has")) {
        cr_expect(c->out && strstr(c->out, arg), "%s:%d: stdout lacks '%s': %s", c->name,
                  lineno, arg, c->out);
    } else if (!strcmp(line, "stdout-lacks")) {
        cr_expect(!c->out || !strstr(c->out, arg), "%s:%d: stdout has '%s': %s", c->name,
                  lineno, arg, c->out);
    } else if (!strcmp(line, "stderr-has")) {
        cr_expect(c->err && strstr(c->err, arg), "%s:%d: stderr lacks '%s': %s", c->name,
                  lineno, arg, c->err);
    } else if (!strcmp(line, "xml")) {
        if (c->doc)
            xmlFreeDoc(c->doc);
        c->doc = xmlReadFile(arg, NULL, XML_PARSE_NONET);
        cr_assert_not_null(c->doc, "%s:%d: %s is not XML", c->name, lineno, arg);
        validate(c, c->doc, lineno);
    } else if (!strcmp(line, "xpath")) {
        check_xpath(c, arg, lineno);
    } else if (!strcmp(line, "json")) {
        check_json(c, arg, lineno);
    } else if (!strcmp(line, "file-absent")) {
        cr_expect_neq(access(arg, F_OK), 0, "%s:%d: %s exists", c->name, lineno, arg);
    } else {
        cr_assert_fail("%s:%d: unknown step '%s'", c->name, lineno, line);
    }
}

static void run_case(const char *name)
{
    ctx c = {.name = name};
    c.tmp = wdt_tempdir();
    char *rel = wdt_path("tests/e2e/cases", name);
    c.casedir = wdt_source(rel);
    char *file = wdt_path(c.casedir, "case.txt");
    FILE *f = fopen(file, "r");
    cr_assert_not_null(f, "cannot open %s", file);
    char raw[4096];
    int lineno = 0;
    while (fgets(raw, sizeof raw, f)) {
        lineno++;
        raw[strcspn(raw, "\r\n")] = '\0';
        if (!raw[0] || raw[0] == '#')
            continue;
        char *line = expand(&c, raw);
        step(&c, line, lineno);
        free(line);
    }
    fclose(f);
    if (c.doc)
        xmlFreeDoc(c.doc);
    wdt_rmtree(c.tmp);
    free(c.tmp);
    free(c.casedir);
    free(rel);
    free(file);
    free(c.out);
    free(c.err);
}

/* One parameterized test per case folder. */
static char **case_names(size_t *n)
{
    char *dir = wdt_source("tests/e2e/cases");
    struct dirent **list;
    int k = scandir(dir, &list, NULL, alphasort);
    char **names = cr_malloc(sizeof(char *) * (size_t)(k > 0 ? k : 1));
    *n = 0;
    for (int i = 0; i < k; i++) {
        if (list[i]->d_name[0] != '.') {
            size_t l = strlen(list[i]->d_name) + 1;
            names[*n] = cr_malloc(l);
            memcpy(names[(*n)++], list[i]->d_name, l);
        }
        free(list[i]);
    }
    free(list);
    free(dir);
    return names;
}

static void free_names(struct criterion_test_params *p)
{
    char **names = p->params;
    for (size_t i = 0; i < p->length; i++)
        cr_free(names[i]);
    cr_free(names);
}

ParameterizedTestParameters(e2e, case_folder)
{
    size_t n;
    char **names = case_names(&n);
    return cr_make_param_array(char *, names, n, free_names);
}

ParameterizedTest(char **name, e2e, case_folder, .timeout = 300)
{
    cr_log_info("case %s", *name);
    run_case(*name);
}
