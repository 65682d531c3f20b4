/* facts.c - reads the key=value facts file capture-evidence.ps1 writes
 * ("wudiag-facts 1", then machine.name=..., os.build=..., disk.system.*,
 * capture.time, elevated=...); every well-formed line becomes a fact. The
 * Windows version lines are made the typed os.* facts (osfacts.c): the
 * product corrected by the build, os.display_version sent as os.version. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define FACTS_VERSION 1
#define KEY_MAX 128

/* The lines that say what Windows this is, kept until the end. */
static const char *const os_keys[] = {"os.product", "os.edition", "os.installation_type",
                                      "os.display_version", "os.version", "os.build",
                                      "os.ubr", "machine.name"};
#define OS_KEYS (sizeof os_keys / sizeof os_keys[0])

typedef struct {
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *sum;
    uint64_t line;
    int started;
    char *os[OS_KEYS];
} facts_ctx;

/* Keeps the value of a Windows version key; 1 if k is one. */
static int os_line(facts_ctx *c, const char *k, const char *v)
{
    for (size_t i = 0; i < OS_KEYS; i++)
        if (!strcmp(k, os_keys[i])) {
            free(c->os[i]);
            c->os[i] = wd_strdup(v);
            c->sum->kept++;
            return 1;
        }
    return 0;
}

static int os_facts(facts_ctx *c)
{
    char **o = c->os;
    wd_os_info info = {o[0], o[1], o[2], o[3] ? o[3] : o[4], NULL, o[5], o[6], o[7]};
    int rc = wd_os_facts(&info, c->in->path, c->sink);
    for (size_t i = 0; i < OS_KEYS; i++)
        free(o[i]);
    return rc;
}

static int bad_line(facts_ctx *c, const char *reason)
{
    c->sum->errors++;
    return wd_note(c->sink, WD_NOTE_PARTIAL, c->in->path, reason, "line %llu", (unsigned long long)c->line);
}

static int key_ok(const char *k, size_t n)
{
    if (n == 0 || n > KEY_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)k[i]) && !strchr("._-", k[i]))
            return 0;
    return 1;
}

/* One "key=value" line (trimmed in place). */
static int fact_line(facts_ctx *c, char *s)
{
    char *eq = strchr(s, '=');
    c->sum->records++;
    if (!eq)
        return bad_line(c, "not a key=value line");
    char *k = s, *v = eq + 1, *ke = eq;
    while (ke > k && isspace((unsigned char)ke[-1]))
        ke--;
    if (!key_ok(k, (size_t)(ke - k)))
        return bad_line(c, "invalid fact key");
    *ke = '\0';
    while (isspace((unsigned char)*v))
        v++;
    size_t vn = strlen(v);
    while (vn && isspace((unsigned char)v[vn - 1]))
        v[--vn] = '\0';
    if (os_line(c, k, v))
        return 0;
    wd_fact_rec f = {k, v, c->in->path, NULL};
    int rc = c->sink->fact ? c->sink->fact(c->sink->ctx, &f) : 0;
    if (rc == 0)
        c->sum->kept++;
    return rc;
}

/* "wudiag-facts N": notes a version newer than this reader knows. */
static int header(facts_ctx *c, char *s)
{
    int64_t v;
    if (strncmp(s, "wudiag-facts", 12) || (s[12] != ' ' && s[12] != '\0')) {
        int rc = wd_note(c->sink, WD_NOTE_INFO, c->in->path,
                         "no \"wudiag-facts 1\" header; reading key=value lines anyway",
                         "line %llu", (unsigned long long)c->line);
        return rc ? rc : fact_line(c, s);
    }
    if (s[12] && wd_parse_i64(s + 13, &v) == 0 && v > FACTS_VERSION)
        return wd_note(c->sink, WD_NOTE_INFO, c->in->path,
                       "facts file from a newer capture script; known keys are still read",
                       "line %llu", (unsigned long long)c->line);
    return 0;
}

static int one_line(facts_ctx *c, char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!*s || *s == '#')
        return 0;
    if (!c->started) { /* the first line with text is the header */
        c->started = 1;
        return header(c, s);
    }
    return fact_line(c, s);
}

int wd_source_facts(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    facts_ctx c = {in, sink, summary, 0, 0, {NULL}};
    wd_lines *l = NULL;
    wd_buf copy = WD_BUF_INIT;
    const char *line;
    size_t len;
    int r = 0, rc = 0;
    if (wd_lines_open(&l, in))
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    while (rc == 0 && (r = wd_lines_next(l, &line, &len)) == 1) {
        c.line = wd_lines_number(l);
        wd_buf_reset(&copy);
        if (wd_buf_append(&copy, line, len) == 0)
            rc = one_line(&c, copy.data);
        else
            rc = bad_line(&c, wd_error_last());
    }
    if (rc == 0 && r < 0)
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    int orc = os_facts(&c);
    if (rc == 0)
        rc = orc;
    summary->errors += wd_lines_cut(l);
    wd_buf_free(&copy);
    wd_lines_free(l);
    return rc;
}
