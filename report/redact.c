/* redact.c - --redact: finds machine names, user names (C:\Users\<name>\,
 * /home/<name>/, DOMAIN\user in account fields) and account SIDs in a model
 * and replaces every occurrence in every string with MACHINE-n, USER-n,
 * DOMAIN-n or SID-n, the same name always getting the same placeholder. */
#include "render.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rname {
    char *text;
    char placeholder[24];
} rname;

typedef struct red {
    rname *v;
    size_t n, cap;
    unsigned counts[4]; /* MACHINE, USER, DOMAIN, SID */
    int oom;
} red;

enum { K_MACHINE, K_USER, K_DOMAIN, K_SID };
static const char *const kind_names[] = {"MACHINE", "USER", "DOMAIN", "SID"};

/* ============================================================= collecting */

static int is_name_char(int c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '$' || (c & 0x80);
}

static void add_name(red *r, const char *s, size_t len, int kind)
{
    if (len < 2 || len > 256)
        return;
    for (size_t i = 0; i < r->n; i++)
        if (strlen(r->v[i].text) == len && wd_strncaseeq(r->v[i].text, s, len))
            return;
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        rname *p = realloc(r->v, nc * sizeof *p);
        if (!p) {
            r->oom = 1;
            return;
        }
        r->v = p, r->cap = nc;
    }
    char *t = wd_strndup(s, len);
    if (!t) {
        r->oom = 1;
        return;
    }
    rname *nm = &r->v[r->n++];
    nm->text = t;
    snprintf(nm->placeholder, sizeof nm->placeholder, "%s-%u", kind_names[kind], ++r->counts[kind]);
}

/* A machine name, and for an FQDN its first label too. */
static void add_machine(red *r, const char *s)
{
    if (!s || !*s || wd_strcaseeq(s, "unknown") || wd_strcaseeq(s, "localhost"))
        return;
    size_t len = strlen(s), host = strcspn(s, ".");
    add_name(r, s, len, K_MACHINE);
    if (host < len) {
        size_t before = r->counts[K_MACHINE];
        add_name(r, s, host, K_MACHINE);
        if (r->counts[K_MACHINE] > before) /* same placeholder as the FQDN */
            memcpy(r->v[r->n - 1].placeholder, r->v[r->n - 2].placeholder,
                   sizeof r->v[0].placeholder),
                r->counts[K_MACHINE]--;
    }
}

static int well_known_account(const char *s, size_t len)
{
    static const char *const known[] = {"NT AUTHORITY",
                                        "NT SERVICE",
                                        "BUILTIN",
                                        "SYSTEM",
                                        "LOCAL SERVICE",
                                        "NETWORK SERVICE",
                                        "Public",
                                        "Default",
                                        "Default User",
                                        "All Users",
                                        "Administrator",
                                        "Administrators",
                                        "WORKGROUP",
                                        "Window Manager",
                                        "Font Driver Host",
                                        "N/A",
                                        "-",
                                        "NT VIRTUAL MACHINE"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i]) == len && wd_strncaseeq(known[i], s, len))
            return 1;
    return 0;
}

/* User folders: ...\Users\<name>\..., /home/<name>/, /Users/<name>/. */
static void scan_user_dirs(red *r, const char *s)
{
    static const char *const marks[] = {"\\users\\", "/users/", "/home/"};
    for (const char *p = s; p && *p; p++)
        for (size_t k = 0; k < 3; k++) {
            size_t ml = strlen(marks[k]);
            if (!wd_strncaseeq(p, marks[k], ml))
                continue;
            const char *name = p + ml;
            size_t len = strcspn(name, "\\/\"' \t\r\n:;,<>|");
            if (!well_known_account(name, len))
                add_name(r, name, len, K_USER);
        }
}

/* An account field: "DOMAIN\user" or "user". */
static void scan_account(red *r, const char *v)
{
    if (!v || !*v)
        return;
    const char *bs = strchr(v, '\\');
    if (bs) {
        if (!well_known_account(v, (size_t)(bs - v)))
            add_name(r, v, (size_t)(bs - v), K_DOMAIN);
        v = bs + 1;
    }
    size_t len = strlen(v);
    if (!well_known_account(v, len) && !strchr(v, ' '))
        add_name(r, v, len, K_USER);
}

static int is_account_field(const char *name)
{
    static const char *const parts[] = {"user", "owner", "account", "sid"};
    for (size_t i = 0; name && i < 4; i++)
        for (const char *p = name; *p; p++)
            if (wd_strncaseeq(p, parts[i], strlen(parts[i])))
                return 1;
    return 0;
}

/* Length of an account SID (S-1-5-21-a-b-c[-rid]) at p, else 0. */
static size_t sid_at(const char *p)
{
    if (!wd_strncaseeq(p, "S-1-5-21-", 9))
        return 0;
    size_t i = 9, parts = 0;
    while (isdigit((unsigned char)p[i])) {
        while (isdigit((unsigned char)p[i]))
            i++;
        parts++;
        if (p[i] != '-' || !isdigit((unsigned char)p[i + 1]))
            break;
        i++;
    }
    return parts >= 3 && !is_name_char((unsigned char)p[i]) ? i : 0;
}

static void scan_sids(red *r, const char *s)
{
    for (const char *p = s; p && *p; p++) {
        size_t len = sid_at(p);
        if (len) {
            add_name(r, p, len, K_SID);
            p += len - 1;
        }
    }
}

/* ============================================================= replacing */

static size_t match_at(const red *r, const char *s, size_t pos, const char **ph)
{
    size_t best = 0;
    if (pos > 0 && is_name_char((unsigned char)s[pos - 1]))
        return 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t len = strlen(r->v[i].text);
        if (len > best && wd_strncaseeq(s + pos, r->v[i].text, len) &&
            !is_name_char((unsigned char)s[pos + len])) {
            best = len;
            *ph = r->v[i].placeholder;
        }
    }
    return best;
}

/* Replaces *s by its redacted copy when anything matched. */
static void redact_str(red *r, char **s)
{
    wd_buf out = WD_BUF_INIT;
    int changed = 0;
    if (!*s || r->n == 0)
        return;
    for (size_t i = 0; (*s)[i];) {
        const char *ph = NULL;
        size_t len = match_at(r, *s, i, &ph);
        if (len) {
            wd_buf_puts(&out, ph);
            i += len;
            changed = 1;
        } else {
            wd_buf_putc(&out, (*s)[i++]);
        }
    }
    if (changed && wd_buf_ok(&out)) {
        free(*s);
        *s = wd_buf_detach(&out);
    } else if (changed) {
        r->oom = 1;
    }
    wd_buf_free(&out);
}

/* ============================================================= the model */

typedef void (*visit_fn)(red *r, char **s);

static void visit_scan(red *r, char **s)
{
    if (*s) {
        scan_user_dirs(r, *s);
        scan_sids(r, *s);
    }
}

static void walk_rows(wd_model *m, red *r, visit_fn fn)
{
    for (size_t i = 0; i < m->nservices; i++) {
        wd_m_service *s = &m->services[i];
        fn(r, &s->display_name), fn(r, &s->source);
    }
    for (size_t i = 0; i < m->nevents; i++) {
        wd_m_event *e = &m->events[i];
        fn(r, &e->computer), fn(r, &e->source);
        for (size_t j = 0; j < e->nfields; j++)
            fn(r, (char **)&e->fields[j].value);
    }
    for (size_t i = 0; i < m->nfailures; i++) {
        wd_m_failure *f = &m->failures[i];
        fn(r, &f->title), fn(r, &f->context), fn(r, &f->computer), fn(r, &f->source);
    }
    for (size_t i = 0; i < m->nfacts; i++)
        fn(r, &m->facts[i].value), fn(r, &m->facts[i].source);
    for (size_t i = 0; i < m->nnotes; i++)
        fn(r, &m->notes[i].source), fn(r, &m->notes[i].location), fn(r, &m->notes[i].reason);
    for (size_t i = 0; i < m->nsources; i++)
        fn(r, &m->sources[i].path);
    for (size_t i = 0; i < m->nfindings; i++)
        fn(r, &m->findings[i].title), fn(r, &m->findings[i].explanation);
}

static void walk(wd_model *m, red *r, visit_fn fn, char **extra[], size_t nextra)
{
    fn(r, &m->machine), fn(r, &m->command_line), fn(r, &m->evidence);
    walk_rows(m, r, fn);
    for (size_t i = 0; i < nextra; i++)
        fn(r, extra[i]);
}

static const char *nz_field(const char *s)
{
    return s ? s : "";
}

static void collect_names(wd_model *m, red *r, char **extra[], size_t nextra)
{
    add_machine(r, m->machine);
    for (size_t i = 0; i < m->nevents; i++) {
        const wd_m_event *e = &m->events[i];
        add_machine(r, e->computer);
        for (size_t j = 0; j < e->nfields; j++)
            if (is_account_field(e->fields[j].name) && !sid_at(nz_field(e->fields[j].value)))
                scan_account(r, e->fields[j].value);
    }
    for (size_t i = 0; i < m->nfailures; i++)
        add_machine(r, m->failures[i].computer);
    for (size_t i = 0; i < m->nfacts; i++)
        if (m->facts[i].key &&
            (strstr(m->facts[i].key, "computer") || strstr(m->facts[i].key, "hostname")))
            add_machine(r, m->facts[i].value);
    walk(m, r, visit_scan, extra, nextra);
}

int wd_redact_model(wd_model *m, char **extra[], size_t nextra)
{
    red r = {0};
    collect_names(m, &r, extra, nextra);
    if (!r.oom)
        walk(m, &r, redact_str, extra, nextra);
    for (size_t i = 0; i < r.n; i++)
        free(r.v[i].text);
    free(r.v);
    return r.oom ? wd_error_set(WD_ENOMEM, "out of memory redacting the report") : WD_OK;
}
