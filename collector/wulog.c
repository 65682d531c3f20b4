/* wulog.c - WindowsUpdate.log as an expert reads it: the Get-WindowsUpdateLog
 * output of Windows 10/11 ("2024/04/11 12:48:04.6269606 1980  8444  Agent
 * text", slash or dash dates) and the legacy tab-separated log of XP..8.1.
 * Outcome lines become activities (scan, download, install...) joined to the
 * update they name; lines carrying a failure code inside an operation become
 * "trace" activities, never failures. docs/activities.md lists the lines. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define IDENT_CAP 4096     /* updates whose identity is remembered (FIFO) */
#define IDENT_BUCKETS 8192 /* hash buckets, a power of two */
#define TITLE_MAX 256
#define PACKAGE_MAX 160
#define THREAD_CAP 32 /* threads whose operation context is followed */
#define FACT_CAP 64   /* distinct fact values remembered per file */
#define FACT_MAX 192

/* ------------------------------------------------------------ the state */

/* What the log has said about one update: title, KB, CBS package, the
 * update it belongs to (bundle or top-level update) and its last job. */
typedef struct ident {
    unsigned char id[16], parent[16], job[16];
    uint32_t next; /* bucket chain: index + 1, 0 ends it */
    unsigned used : 1, has_parent : 1, has_job : 1, reboot : 1;
    char title[TITLE_MAX];
    char kb[16];
    char package[PACKAGE_MAX];
} ident;

/* One thread's operation in progress: the scan (service, updates found),
 * the legacy "** START **" block and its exit code, the CBS update the
 * handler installs. */
typedef struct wu_thread {
    uint64_t key, stamp;
    int service;                /* index into SERVICES, -1 none */
    int64_t found;              /* "Found N updates", -1 none */
    int scan_open;              /* between a search's START and END */
    int has_exit;               /* 1507..1709: "Exit code = 0x.." before the END */
    uint32_t exit;
    int block_scan, block_done; /* legacy "Agent: Finding updates" block */
    int has_handler;
    unsigned char handler[16];
} wu_thread;

/* One parsed log line; strings point into the line or into this struct. */
typedef struct wu_line {
    const char *stamp; /* date and time as written */
    size_t stamp_len;
    char canon[48];    /* "YYYY-MM-DD HH:MM:SS" and the rest of the stamp */
    int legacy;   /* tab-separated legacy layout */
    uint64_t key; /* process and thread */
    char component[64];
    const char *msg;        /* the text after the component */
    char time[WD_TIME_MAX]; /* filled on first use */
} wu_line;

typedef struct wu_state {
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *summary;
    ident *idents; /* IDENT_CAP entries, a FIFO ring */
    uint32_t *buckets;
    uint32_t ident_head;
    wu_thread threads[THREAD_CAP];
    uint64_t thread_clock;
    char seen[FACT_CAP][FACT_MAX]; /* "key\tvalue" of facts sent */
    size_t nseen;
    /* "Title =" / "UpdateId =" / "Bundles N updates:" groups of one thread */
    uint64_t group_key;
    char group_title[TITLE_MAX];
    int group_has_title, group_in_bundle;
    unsigned char group_id[16];
    char os_version[32]; /* legacy "OS Version = ", until its product type */
    char tz[8];          /* legacy "tz: +0530" of the last logging header */
    uint64_t lineno, damaged, first_damaged;
    uint64_t undecoded, first_undecoded; /* "(No Format Information found)" */
    uint64_t scan_blocks; /* legacy Agent "Finding updates" blocks begun */
    int line_kept, handled;
} wu_state;

/* The update services a search names, by service id. */
static const struct {
    const char *id, *name;
} SERVICES[] = {
    {"7971F918-A847-4430-9279-4A52D1EFE18D", "microsoft-update"},
    {"9482F4B4-E343-43B6-B170-9A65BC822C77", "windows-update"},
    {"3DA21691-E39D-4DA6-8A4B-B43877BCB1B7", "wsus"},
    {"855E8A7C-ECB4-4CA3-B045-1DFA50104289", "store"}, /* DCat Prod: Store apps */
    {"117CAB2D-82B1-4B5A-A08C-4D62DBEE7782", "store"}, /* Windows Store (8.x) */
};
#define WSUS_SERVICE 2 /* SERVICES[2] */

/* --------------------------------------------------------- small helpers */

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Skips blanks and the legacy "* ", "# ", "- " bullets. */
static const char *skip_bullets(const char *p)
{
    p = wd_text_skip_blanks(p);
    while ((*p == '*' || *p == '#' || *p == '-') && (p[1] == ' ' || p[1] == '\t'))
        p = wd_text_skip_blanks(p + 1);
    return p;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A GUID at p ("{" optional), into 16 bytes. Returns the end or NULL. */
static const char *parse_guid(const char *p, unsigned char out[16])
{
    static const int group[] = {8, 4, 4, 4, 12};
    size_t o = 0;
    if (*p == '{')
        p++;
    for (size_t g = 0; g < 5; g++) {
        if (g && *p++ != '-')
            return NULL;
        for (int i = 0; i < group[g]; i += 2, p += 2) {
            int hi = hexval((unsigned char)p[0]), lo = hi < 0 ? -1 : hexval((unsigned char)p[1]);
            if (lo < 0)
                return NULL;
            out[o++] = (unsigned char)(hi << 4 | lo);
        }
    }
    if (hexval((unsigned char)*p) >= 0)
        return NULL;
    return *p == '}' ? p + 1 : p;
}

static void format_guid(const unsigned char id[16], char out[WD_GUID_MAX])
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[id[i] >> 4];
        out[o++] = hex[id[i] & 15];
    }
    out[o] = '\0';
}

/* A code written as hex digits at p, with or without 0x ("0x8024402F",
 * "80070643", "0"). Returns the number of characters read, 0 for none. */
static size_t parse_hex(const char *p, uint32_t *out)
{
    size_t n = 0, start = (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ? 2 : 0;
    uint32_t v = 0;
    int d;
    while (n < 8 && (d = hexval((unsigned char)p[start + n])) >= 0) {
        v = v << 4 | (uint32_t)d;
        n++;
    }
    if (n == 0 || hexval((unsigned char)p[start + n]) >= 0)
        return 0;
    *out = v;
    return start + n;
}

/* The code written after marker in msg. */
static int code_after(const char *msg, const char *marker, uint32_t *hr)
{
    const char *p = strstr(msg, marker);
    return p && parse_hex(wd_text_skip_blanks(p + strlen(marker)), hr) > 0;
}

/* Copies at most cap-1 bytes of s (n bytes) without cutting a UTF-8
 * sequence, dropping trailing blanks and dots. */
static void copy_text(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = wd_utf8_boundary(s, cap - 1);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* What an operation's final code says: a failure, or not. */
static wd_outcome outcome_of(uint32_t hr)
{
    switch (hr) {
    case 0x80242014u: /* WU_E_UH_POSTREBOOTSTILLPENDING */
    case 0x00240005u: /* WU_S_REBOOT_REQUIRED */
        return WD_OUT_PENDING_REBOOT;
    case 0x8024000Bu: /* WU_E_CALL_CANCELLED */
    case 0x800704C7u: /* ERROR_CANCELLED */
    case 0x8024001Eu: /* WU_E_SERVICE_STOP: the agent stopped it */
        return WD_OUT_CANCELLED;
    case 0x8024000Cu: /* WU_E_NOOP: nothing was needed */
        return WD_OUT_SUCCEEDED;
    default:
        return (hr & 0x80000000u) ? WD_OUT_FAILED : WD_OUT_SUCCEEDED;
    }
}

/* ------------------------------------------------------ update identity */

static uint32_t bucket_of(const unsigned char id[16])
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ id[i]) * 16777619u;
    return h & (IDENT_BUCKETS - 1);
}

static ident *ident_find(wu_state *st, const unsigned char id[16])
{
    for (uint32_t i = st->buckets[bucket_of(id)]; i; i = st->idents[i - 1].next)
        if (memcmp(st->idents[i - 1].id, id, 16) == 0)
            return &st->idents[i - 1];
    return NULL;
}

/* Unlinks entry e (index ix) from its bucket. */
static void ident_unlink(wu_state *st, ident *e, uint32_t ix)
{
    uint32_t *link = &st->buckets[bucket_of(e->id)];
    while (*link && *link != ix + 1)
        link = &st->idents[*link - 1].next;
    if (*link)
        *link = e->next;
}

/* The entry of id, made when new; the oldest entry makes room. */
static ident *ident_get(wu_state *st, const unsigned char id[16])
{
    ident *e = ident_find(st, id);
    if (e)
        return e;
    uint32_t ix = st->ident_head;
    st->ident_head = (ix + 1) % IDENT_CAP;
    e = &st->idents[ix];
    if (e->used)
        ident_unlink(st, e, ix);
    memset(e, 0, sizeof *e);
    memcpy(e->id, id, 16);
    e->used = 1;
    uint32_t b = bucket_of(id);
    e->next = st->buckets[b];
    st->buckets[b] = ix + 1;
    return e;
}

/* The parent (bundle or top-level update) of e, if remembered. */
static ident *ident_parent(wu_state *st, const ident *e)
{
    return e && e->has_parent ? ident_find(st, e->parent) : NULL;
}

static void ident_set_title(ident *e, const char *title, size_t n)
{
    char kb[16];
    copy_text(e->title, sizeof e->title, title, n);
    if (!e->kb[0] && wd_find_kb(e->title, kb, sizeof kb))
        memcpy(e->kb, kb, sizeof kb);
}

/* Child c belongs to parent p: what the child knows that p lacks moves up. */
static void ident_link(wu_state *st, const unsigned char child[16], const unsigned char parent[16])
{
    if (memcmp(child, parent, 16) == 0)
        return;
    ident_get(st, child);
    ident_get(st, parent);
    ident *c = ident_find(st, child), *p = ident_find(st, parent);
    if (!c || !p)
        return; /* one made room for the other */
    memcpy(c->parent, parent, 16);
    c->has_parent = 1;
    if (!p->kb[0] && c->kb[0])
        memcpy(p->kb, c->kb, sizeof p->kb);
    if (!p->package[0] && c->package[0])
        memcpy(p->package, c->package, sizeof p->package);
}

/* -------------------------------------------------------------- threads */

/* The thread's context if it is followed, else NULL. */
static wu_thread *thread_peek(wu_state *st, uint64_t key)
{
    for (size_t i = 0; i < THREAD_CAP; i++)
        if (st->threads[i].stamp && st->threads[i].key == key)
            return &st->threads[i];
    return NULL;
}

/* The thread's context, made when new; the least recently used goes. */
static wu_thread *thread_of(wu_state *st, uint64_t key)
{
    wu_thread *oldest = &st->threads[0];
    for (size_t i = 0; i < THREAD_CAP; i++) {
        wu_thread *t = &st->threads[i];
        if (t->stamp && t->key == key) {
            t->stamp = ++st->thread_clock;
            return t;
        }
        if (t->stamp < oldest->stamp)
            oldest = t;
    }
    memset(oldest, 0, sizeof *oldest);
    oldest->key = key;
    oldest->service = -1;
    oldest->found = -1;
    oldest->stamp = ++st->thread_clock;
    return oldest;
}

/* ------------------------------------------------------------ line prefix */

static int two(const char *p, int lo, int hi)
{
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
        return 0;
    int v = (p[0] - '0') * 10 + (p[1] - '0');
    return v >= lo && v <= hi;
}

/* A date separator: Get-WindowsUpdateLog writes "yyyy/MM/dd" with the
 * separator of the regional format it runs under ("/" en-US, "-" en-IN or
 * sv-SE, "." de-DE or ru-RU, ". " cs-CZ or hu-HU); the legacy log "-". The
 * end of "<sep>MM" or NULL. */
static const char *date_part(const char *q, char sep, int lo, int hi)
{
    if (*q++ != sep)
        return NULL;
    if (sep == '.' && *q == ' ')
        q++;
    return two(q, lo, hi) ? q + 2 : NULL;
}

/* "YYYY/MM/DD HH:MM:SS.fffffff" (any date separator above; the time's may
 * be "." too) or "YYYY-MM-DD<TAB>HH:MM:SS:mmm", checked and written to
 * wl->canon as "YYYY-MM-DD HH:MM:SS" and the rest of the stamp, not yet
 * converted. Returns the end of the stamp or NULL. */
static const char *parse_stamp(const char *p, wu_line *wl)
{
    char sep = p[4];
    const char *mo, *q;
    if (wd_text_digits(p, 4) != 4 || (sep != '/' && sep != '-' && sep != '.') ||
        !(mo = date_part(p + 4, sep, 1, 12)) || !(q = date_part(mo, sep, 1, 31)) ||
        (*q != ' ' && *q != '\t'))
        return NULL;
    const char *t = wd_text_skip_blanks(q);
    char ts = t[2];
    if (t - q > 2 || !two(t, 0, 23) || (ts != ':' && ts != '.') || !two(t + 3, 0, 59) ||
        t[5] != ts || !two(t + 6, 0, 60))
        return NULL;
    const char *end = t + 8, *rest = end;
    wl->legacy = *q == '\t' || *end == ':';
    if ((*end == '.' || *end == ':') && isdigit((unsigned char)end[1]))
        end += 1 + wd_text_digits(end + 1, 9);
    if ((*end == '+' || *end == '-') && wd_text_digits(end + 1, 4) == 4)
        end += 5; /* legacy "10:55:33:171+0100" */
    size_t n = (size_t)(end - rest);
    if (n > sizeof wl->canon - 20)
        n = sizeof wl->canon - 20;
    snprintf(wl->canon, sizeof wl->canon, "%.4s-%.2s-%.2s%c%.2s:%.2s:%.2s%.*s", p, mo - 2, q - 2,
             wl->legacy ? '\t' : ' ', t, t + 3, t + 6, (int)n, rest);
    wl->stamp = p;
    wl->stamp_len = (size_t)(end - p);
    return end;
}

/* pid and tid: decimal (10+) or hex (legacy tid). Folded into a key. */
static const char *parse_ids(const char *p, uint64_t *key)
{
    uint64_t h = 1469598103934665603ull;
    for (int field = 0; field < 2; field++) {
        p = wd_text_skip_blanks(p);
        const char *e = wd_text_token_end(p);
        if (e == p || *e == '\0')
            return NULL;
        for (const char *q = p; q < e; q++) {
            if (!isxdigit((unsigned char)*q) || (field == 0 && !isdigit((unsigned char)*q)))
                return NULL;
            h = (h ^ (unsigned char)*q) * 1099511628211ull;
        }
        h = (h ^ '/') * 1099511628211ull;
        p = e;
    }
    *key = h;
    return p;
}

/* Splits a line into stamp, process and thread, component and message. */
static int parse_line(const char *line, wu_line *out)
{
    const char *p = parse_stamp(line, out);
    if (!p || (*p != ' ' && *p != '\t') || !(p = parse_ids(p, &out->key)))
        return -1;
    p = wd_text_skip_blanks(p);
    const char *ce = wd_text_token_end(p);
    if (ce == p)
        return -1;
    size_t clen = (size_t)(ce - p);
    if (clen >= sizeof out->component)
        clen = sizeof out->component - 1;
    memcpy(out->component, p, clen);
    out->component[clen] = '\0';
    out->msg = wd_text_skip_blanks(ce);
    out->time[0] = '\0';
    return 0;
}

/* A line that starts like a log line ("2024/..", "2013-..") but is not one. */
static int looks_like_line(const char *line)
{
    return wd_text_digits(line, 4) == 4 &&
           (line[4] == '/' || line[4] == '-' || (line[4] == '.' && isdigit((unsigned char)line[5])));
}

/* Converts a stamp text to wudiag's time: UTC when a zone is known (written
 * on the stamp, or the legacy header's tz), else local time without zone. */
static void convert_time(const wu_state *st, const char *s, size_t n, int legacy,
                         char out[WD_TIME_MAX])
{
    char text[48];
    if (n > 30)
        n = 30;
    memcpy(text, s, n);
    text[n] = '\0';
    if (n > 10 && text[10] == '\t')
        text[10] = ' ';
    int zoned = n > 5 && (text[n - 5] == '+' || text[n - 5] == '-') && text[n - 3] != ':';
    if (!zoned && legacy && st->tz[0]) {
        memcpy(text + n, st->tz, strlen(st->tz) + 1);
        zoned = 1;
    }
    if (wd_time_normalize(text, out) != 0) {
        out[0] = '\0';
        return;
    }
    size_t len = strlen(out);
    if (!zoned && len && out[len - 1] == 'Z')
        out[len - 1] = '\0'; /* local time: claim no zone */
}

static const char *line_time(const wu_state *st, wu_line *wl)
{
    if (!wl->time[0])
        convert_time(st, wl->canon, strlen(wl->canon), wl->legacy, wl->time);
    return wl->time[0] ? wl->time : NULL;
}

/* ------------------------------------------------------------------ facts */

/* Sends key=value (value n bytes) once per file, at the line's time. */
static int fact_once(wu_state *st, wu_line *wl, const char *key, const char *value, size_t n,
                     int *is_new)
{
    char kv[FACT_MAX];
    size_t klen = strlen(key);
    if (is_new)
        *is_new = 0;
    if (n == 0 || klen + 1 + n >= sizeof kv)
        return 0;
    memcpy(kv, key, klen);
    kv[klen] = '\t';
    memcpy(kv + klen + 1, value, n);
    kv[klen + 1 + n] = '\0';
    for (size_t i = 0; i < st->nseen; i++)
        if (strcmp(st->seen[i], kv) == 0)
            return 0;
    if (st->nseen < FACT_CAP)
        memcpy(st->seen[st->nseen++], kv, klen + n + 2);
    if (is_new)
        *is_new = 1;
    st->line_kept = 1;
    wd_fact_rec f = {key, kv + klen + 1, st->in->path, line_time(st, wl)};
    return st->sink->fact ? st->sink->fact(st->sink->ctx, &f) : 0;
}

/* "WSUS server: http://wsus01:8530 (Changed)", "(null)" or "<NULL>": none. */
static int fact_server(wu_state *st, wu_line *wl, const char *key, const char *p)
{
    p = wd_text_skip_blanks(p);
    size_t n = strcspn(p, " \t\r");
    if (n == 0 || (n == 6 && strncmp(p, "(null)", 6) == 0) ||
        (n == 6 && strncmp(p, "<NULL>", 6) == 0))
        return fact_once(st, wl, key, "none", 4, NULL);
    return fact_once(st, wl, key, p, n, NULL);
}

/* The service a search names: its index in SERVICES, or -1. */
static int service_index(const char *p)
{
    unsigned char id[16];
    char text[WD_GUID_MAX];
    if (!parse_guid(p, id))
        return -1;
    format_guid(id, text);
    for (size_t i = 0; i < sizeof SERVICES / sizeof SERVICES[0]; i++)
        if (strcmp(SERVICES[i].id, text) == 0)
            return (int)i;
    return -1;
}

/* SLS request paths carry the OS build and the agent's version:
 * "/SLS/{9482F4B4-...}/x64/10.0.22631.3447/0?CH=726&...&WUA=1216.2402.13012.0". */
static int sls_facts(wu_state *st, wu_line *wl)
{
    const char *p = strstr(wl->msg, "/SLS/{");
    if (!p || !(p = strchr(p + 6, '/')))
        return 0;
    const char *arch = ++p, *slash = strchr(arch, '/');
    int rc = 0;
    if (!slash || !starts(slash + 1, "10.0."))
        return 0;
    const char *b = slash + 6;
    size_t nb = wd_text_digits(b, 6), nu = b[nb] == '.' ? wd_text_digits(b + nb + 1, 6) : 0;
    if (slash - arch == 3 && strncmp(arch, "x64", 3) == 0)
        rc = fact_once(st, wl, "os.arch", "amd64", 5, NULL);
    else if (slash - arch <= 5)
        rc = fact_once(st, wl, "os.arch", arch, (size_t)(slash - arch), NULL);
    if (rc == 0 && nb >= 4)
        rc = fact_once(st, wl, "os.build", b, nb, NULL);
    if (rc == 0 && nu)
        rc = fact_once(st, wl, "os.ubr", b + nb + 1, nu, NULL);
    const char *wua = strstr(slash, "WUA=");
    if (rc == 0 && wua)
        rc = fact_once(st, wl, "wu.client_version", wua + 4, strcspn(wua + 4, "&\" \t"), NULL);
    return rc;
}

/* The server of a WSUS endpoint URL: "http://wsus01:8530/ClientWebService/
 * client.asmx" -> "http://wsus01:8530" (the form "WSUS server:" gives). */
static int wsus_url(wu_state *st, wu_line *wl, const char *url)
{
    const char *host = strstr(url, "://");
    if (!host || host - url > 5)
        return 0;
    size_t n = (size_t)(host + 3 - url) + strcspn(host + 3, "/ \t\r>");
    return n > (size_t)(host + 3 - url) ? fact_once(st, wl, "wu.server", url, n, NULL) : 0;
}

/* A WSUS server named where no "WSUS server:" line is (an excerpt): the
 * protocol talker's "ServiceId = {3DA21691-...}, Server URL = URL" and, in
 * the legacy log, the agent's self-update request "<http://wsus01:8530/
 * selfupdate/wuident.cab>" on a thread searching the WSUS service. */
static int wsus_named(wu_state *st, wu_line *wl, const char *m)
{
    const char *p = strstr(m, "Server URL = "), *q;
    const wu_thread *t;
    if (p && (q = strstr(m, "ServiceId = {")) != NULL && q < p &&
        service_index(q + 12) == WSUS_SERVICE)
        return wsus_url(st, wl, p + 13);
    if (!wl->legacy || !(p = strstr(m, "/selfupdate/wuident.cab")) ||
        !(t = thread_peek(st, wl->key)) || t->service != WSUS_SERVICE)
        return 0;
    while (p > m && p[-1] != '<' && p[-1] != ' ')
        p--;
    return wsus_url(st, wl, p);
}

/* Facts either layout states, from cheap tests on the message's start. */
static int line_facts(wu_state *st, wu_line *wl, const char *m)
{
    if (starts(m, "WSUS server:"))
        return fact_server(st, wl, "wu.server", m + 12);
    if (starts(m, "WSUS status server:"))
        return fact_server(st, wl, "wu.status_server", m + 19);
    if (starts(m, "WU client version "))
        return fact_once(st, wl, "wu.client_version", m + 18, strcspn(m + 18, " \t\r"), NULL);
    if (starts(m, "ServiceID = {")) {
        int s = service_index(m + 12);
        thread_of(st, wl->key)->service = s;
        return s < 0 ? 0
                     : fact_once(st, wl, "wu.service", SERVICES[s].name, strlen(SERVICES[s].name),
                                 NULL);
    }
    if (wl->component[0] == 'S' && strcmp(wl->component, "SLS") == 0)
        return sls_facts(st, wl);
    return wsus_named(st, wl, m);
}

/* ------------------------------------------------------------ activities */

/* An activity being built; strings are borrowed for the emit call. */
typedef struct wu_act {
    wd_op op;
    wd_outcome outcome;
    int has_code;
    uint32_t code;
    const unsigned char *update; /* 16 bytes, or NULL */
    const char *title, *session, *target, *time;
    int64_t count;
} wu_act;

/* The session written "(cV = X)" on a line. */
static void cv_of(const char *msg, char *out, size_t cap)
{
    const char *p = strstr(msg, "(cV = ");
    out[0] = '\0';
    if (p)
        copy_text(out, cap, p + 6, strcspn(p + 6, ")"));
}

/* Sends an activity with what the log knows of its update. */
static int emit(wu_state *st, wu_line *wl, const wu_act *a)
{
    char id[WD_GUID_MAX], kb[16] = "", job[WD_GUID_MAX], version[16];
    const ident *e = a->update ? ident_find(st, a->update) : NULL, *p = ident_parent(st, e);
    const char *title = a->title           ? a->title
                        : e && e->title[0] ? e->title
                        : p && p->title[0] ? p->title
                                           : NULL;
    const char *package = e && e->package[0] ? e->package : p && p->package[0] ? p->package : NULL;
    if (e && e->kb[0])
        memcpy(kb, e->kb, sizeof kb);
    else if (p && p->kb[0])
        memcpy(kb, p->kb, sizeof kb);
    else if (!title || !wd_find_kb(title, kb, sizeof kb))
        wd_find_kb(package, kb, sizeof kb);
    if (a->update)
        format_guid(a->update, id);
    wd_activity_rec r = {
        .operation = a->op,
        .outcome = a->outcome,
        .has_code = a->has_code,
        .code = a->code,
        .time = a->time ? a->time : line_time(st, wl),
        .update_id = a->update ? id : NULL,
        .kb = kb[0] ? kb : NULL,
        .title = title,
        .package = package,
        .session = a->session,
        .target = a->target,
        .count = a->count,
        .component = wl->component,
        .detail = wl->msg,
        .where = {.kind = WD_LOC_LINE, .source = st->in->path, .line = st->lineno},
    };
    r.product = wd_classify_update(title, r.kb, package);
    if (r.product == WD_PRODUCT_FEATURE_UPDATE && r.operation == WD_OP_INSTALL)
        r.operation = WD_OP_FEATURE_UPDATE;
    if (!r.target && r.product == WD_PRODUCT_FEATURE_UPDATE && title &&
        wd_feature_version(title, version, sizeof version))
        r.target = version;
    if (!r.session && e && e->has_job && a->op == WD_OP_INSTALL) {
        format_guid(e->job, job);
        r.session = job;
    }
    st->line_kept = 1;
    st->handled = 1;
    return st->sink->activity ? st->sink->activity(st->sink->ctx, &r) : 0;
}

static void act_init(wu_act *a, wd_op op, wd_outcome outcome)
{
    memset(a, 0, sizeof *a);
    a->op = op;
    a->outcome = outcome;
    a->count = -1;
}

static void act_code(wu_act *a, uint32_t hr)
{
    a->has_code = 1;
    a->code = hr;
    a->outcome = outcome_of(hr);
}

/* ------------------------------------------------- trace (either layout) */

/* A failure-looking code on a line: "*FAILED* [80070005]", "0x8024402C"
 * (8 hex digits, severity bit set) and, in the legacy log, bare codes after
 * "hr = " / "error = " / "error code ". Returns 1 and the code. */
static int trace_code(const wu_line *wl, uint32_t *hr)
{
    const char *m = wl->msg, *p = strstr(m, "*FAILED* [");
    if (p && parse_hex(p + 10, hr) && (*hr & 0x80000000u))
        return 1;
    for (p = m; (p = strstr(p, "0x")) != NULL; p += 2)
        if (hexval((unsigned char)p[2]) >= 8 && parse_hex(p, hr) == 10)
            return 1;
    if (!wl->legacy)
        return 0;
    static const char *const markers[] = {"hr = ", "error = ", "error code ", "result = "};
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
        if (code_after(m, markers[i], hr) && (*hr & 0x80000000u))
            return 1;
    return 0;
}

/* The update a trace line names ("updateId = X", "update X", "Update ID = X"). */
static int update_named(const char *m, unsigned char id[16])
{
    for (const char *p = m; (p = strstr(p, "pdate")) != NULL; p += 5) {
        if (p == m || (p[-1] != 'u' && p[-1] != 'U'))
            continue;
        const char *q = p + 5;
        if (*q == 'I' && (q[1] == 'd' || q[1] == 'D'))
            q += 2;
        else if (starts(q, " ID"))
            q += 3;
        q = wd_text_skip_blanks(q);
        if (*q == '=')
            q = wd_text_skip_blanks(q + 1);
        while (q[0] == '{' && q[1] == '{')
            q++; /* "updateId = {{E00F9A67-...}.1}" */
        if (parse_guid(q, id))
            return 1;
    }
    return 0;
}

/* What a trace line is part of: the search open on its thread, else what
 * its component does. */
static wd_op trace_op(wu_state *st, const wu_line *wl)
{
    const char *component = wl->component;
    static const struct {
        const char *component;
        wd_op op;
    } ops[] = {
        {"DownloadManager", WD_OP_DOWNLOAD},
        {"DnldMgr", WD_OP_DOWNLOAD},
        {"Handler", WD_OP_INSTALL},
        {"Deployment", WD_OP_INSTALL},
        {"UDP", WD_OP_INSTALL},
        {"ProtocolTalker", WD_OP_SCAN},
        {"PT", WD_OP_SCAN},
        {"WebServices", WD_OP_SCAN},
        {"EEHandler", WD_OP_SCAN},
        {"EEHndlr", WD_OP_SCAN},
    };
    const wu_thread *t = thread_peek(st, wl->key);
    if (t && t->scan_open)
        return WD_OP_SCAN;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(component, ops[i].component) == 0)
            return ops[i].op;
    return WD_OP_UNKNOWN;
}

static int trace_line(wu_state *st, wu_line *wl)
{
    uint32_t hr;
    unsigned char id[16];
    if (!trace_code(wl, &hr))
        return 0;
    wu_act a;
    act_init(&a, trace_op(st, wl), WD_OUT_TRACE);
    a.has_code = 1;
    a.code = hr;
    const wu_thread *t = thread_peek(st, wl->key);
    if (update_named(wl->msg, id))
        a.update = id;
    else if (t && t->has_handler && strcmp(wl->component, "Handler") == 0)
        a.update = t->handler; /* the CBS update its handler installs */
    return emit(st, wl, &a);
}

/* ----------------------------------------------- identity lines (both) */

/* "Title = X", "UpdateId = X.rev", "Bundles N updates:" and the bundled
 * ids under it, as Agent and Deployment list the updates of a call. */
static int group_line(wu_state *st, wu_line *wl, const char *m)
{
    unsigned char id[16];
    int same = st->group_key == wl->key;
    if (starts(m, "Title = ")) {
        st->group_key = wl->key;
        copy_text(st->group_title, sizeof st->group_title, m + 8, strcspn(m + 8, "\r"));
        st->group_has_title = 1;
        st->group_in_bundle = 0;
        return 1;
    }
    if (same && starts(m, "UpdateId = ") && parse_guid(m + 11, id)) {
        ident *e = ident_get(st, id);
        if (st->group_has_title)
            ident_set_title(e, st->group_title, strlen(st->group_title));
        memcpy(st->group_id, id, 16);
        st->group_has_title = 0;
        return 1;
    }
    if (same && starts(m, "Bundles ")) {
        st->group_in_bundle = 1;
        return 1;
    }
    if (same && st->group_in_bundle && parse_guid(m, id)) {
        ident_link(st, id, st->group_id);
        return 1;
    }
    return 0;
}

/* "Deserialized installable update TITLE, UpdateID = {ID.rev}" (ComApi). */
static void deserialized(wu_state *st, const char *m)
{
    const char *t = m + 32, *u = strstr(t, ", UpdateID = ");
    unsigned char id[16];
    if (u && parse_guid(u + 13, id))
        ident_set_title(ident_get(st, id), t, (size_t)(u - t));
}

/* --------------------------------------------------- Windows 10+ outcomes */

/* "* END * Finding updates CallerId = X, Id = N, Exit code = 0x.. (cV = ..)";
 * Windows 10 up to 1709 writes the code on the line before, "Exit code =
 * 0x80070426", and ends "* END * Finding updates CallerId = Update;taskhostw
 * Id = 25" (Microsoft's article on error 80070426 quotes such a search). */
static int scan_end(wu_state *st, wu_line *wl, const char *m)
{
    uint32_t hr;
    char cv[64];
    wu_thread *t = thread_of(st, wl->key);
    int has = code_after(m, "Exit code = ", &hr);
    if (!has && t->has_exit)
        hr = t->exit, has = 1;
    t->has_exit = 0;
    if (!has)
        return 0;
    wu_act a;
    act_init(&a, WD_OP_SCAN, WD_OUT_UNKNOWN);
    act_code(&a, hr);
    cv_of(m, cv, sizeof cv);
    a.session = cv[0] ? cv : NULL;
    a.count = t->found;
    a.target = t->service >= 0 ? SERVICES[t->service].name : NULL;
    t->found = -1;
    t->service = -1;
    t->scan_open = 0;
    return emit(st, wl, &a);
}

/* "LogHistory called for Caller=X, idUpdate=ID.rev, operation = Install,
 * resultMapped=80070643, resultUnMapped=0" and the older "LogHistory called.
 * idUpdate={ID}.rev, resultMapped=.., resultUnMapped=..": the result an
 * install (uninstall) writes to the update history. */
static int log_history(wu_state *st, wu_line *wl, const char *m)
{
    unsigned char id[16];
    uint32_t hr;
    const char *p = strstr(m, "idUpdate=");
    if (!p || !parse_guid(p + 9, id) || !code_after(m, "resultMapped=", &hr))
        return 0;
    wu_act a;
    act_init(&a, strstr(m, "operation = Uninstall") ? WD_OP_UNINSTALL : WD_OP_INSTALL,
             WD_OUT_UNKNOWN);
    act_code(&a, hr);
    const ident *e = ident_find(st, id);
    if (a.outcome == WD_OUT_SUCCEEDED && e && e->reboot)
        a.outcome = WD_OUT_PENDING_REBOOT;
    a.update = id;
    return emit(st, wl, &a);
}

/* "Deployment job Id J : Update C, Top-level update T deployment data
 * prepared" joins C to T; "... : Installing starting for update T" starts. */
static int deployment_job(wu_state *st, wu_line *wl, const char *m)
{
    unsigned char job[16], child[16], top[16];
    const char *p = parse_guid(m + 18, job), *q;
    if (!p || !(p = strstr(p, " : ")))
        return 0;
    p += 3;
    if (starts(p, "Update ") && (q = parse_guid(p + 7, child)) != NULL &&
        (q = strstr(q, "Top-level update ")) && parse_guid(q + 17, top)) {
        ident_link(st, child, top);
        return 0;
    }
    if (!starts(p, "Installing starting for update ") || !parse_guid(p + 31, top))
        return 0;
    ident *e = ident_get(st, top);
    memcpy(e->job, job, 16);
    e->has_job = 1;
    wu_act a;
    act_init(&a, WD_OP_INSTALL, WD_OUT_IN_PROGRESS);
    a.update = top;
    return emit(st, wl, &a);
}

/* Handler lines: the CBS update being installed, its package and KB, and
 * whether it needs a restart (then its top-level update does too). */
static void handler_line(wu_state *st, wu_line *wl, const char *m)
{
    wu_thread *t;
    char kb[16];
    if (starts(m, "Starting install of CBS update ")) {
        t = thread_of(st, wl->key);
        t->has_handler = parse_guid(m + 31, t->handler) != NULL;
        return;
    }
    int pkg = starts(m, "CBS package identity: "), src = !pkg && strstr(m, "source=") != NULL;
    int reboot = !pkg && !src && starts(m, "Completed install of CBS update") &&
                 strstr(m, "requiresReboot=1");
    if (!pkg && !src && !reboot)
        return;
    t = thread_of(st, wl->key);
    if (!t->has_handler)
        return;
    ident *e = ident_get(st, t->handler), *p = ident_parent(st, e);
    if (pkg)
        copy_text(e->package, sizeof e->package, m + 22, strcspn(m + 22, " \t\r"));
    if ((pkg || src) && !e->kb[0] && wd_find_kb(m, kb, sizeof kb))
        memcpy(e->kb, kb, sizeof kb);
    if (reboot)
        e->reboot = 1;
    if (p)
        ident_link(st, e->id, p->id);
    if (p && reboot)
        p->reboot = 1;
}

/* DownloadManager: "*FAILED* [80D03805] Error occurred while downloading
 * update ID; notifying dependent calls." and "DO job {J} completed
 * successfully, updateId = ID". */
static int download_line(wu_state *st, wu_line *wl, const char *m)
{
    unsigned char id[16], job[16];
    uint32_t hr;
    const char *p;
    wu_act a;
    if ((p = strstr(m, "Error occurred while downloading update ")) != NULL &&
        parse_guid(p + 40, id)) {
        act_init(&a, WD_OP_DOWNLOAD, WD_OUT_FAILED);
        if (starts(m, "*FAILED* [") && parse_hex(m + 10, &hr))
            act_code(&a, hr);
        if (a.outcome == WD_OUT_SUCCEEDED) /* no code: it still failed */
            a.outcome = WD_OUT_FAILED;
        a.update = id;
        return emit(st, wl, &a);
    }
    if (!(starts(m, "DO job {") || starts(m, "BITS job {")) ||
        !(p = strstr(m, "} completed successfully, updateId = ")) ||
        !parse_guid(strchr(m, '{'), job) ||
        !parse_guid(p + strlen("} completed successfully, updateId = "), id))
        return 0;
    char session[WD_GUID_MAX];
    format_guid(job, session);
    act_init(&a, WD_OP_DOWNLOAD, WD_OUT_SUCCEEDED);
    a.update = id;
    a.session = session;
    return emit(st, wl, &a);
}

/* "Deploy call X : Callback for inner update : C.rev, top-level update T.rev,
 * reboot required = Yes": C belongs to T, and T needs a restart. */
static void deploy_callback(wu_state *st, const char *m)
{
    unsigned char id[16], inner[16];
    const char *p = strstr(m, "top-level update "), *r = strstr(m, "reboot required = ");
    const char *c = strstr(m, "inner update : ");
    if (p && c && parse_guid(c + 15, inner) && parse_guid(p + 17, id))
        ident_link(st, inner, id);
    if (p && r && parse_guid(p + 17, id) &&
        (wd_strncaseeq(r + 18, "yes", 3) || wd_strncaseeq(r + 18, "required", 8) ||
         wd_strncaseeq(r + 18, "true", 4)))
        ident_get(st, id)->reboot = 1;
}

static int modern_line(wu_state *st, wu_line *wl, const char *b)
{
    const char *m = wl->msg, *c = wl->component;
    if (group_line(st, wl, b))
        return 0;
    switch (c[0]) {
    case 'A':
        if (strcmp(c, "Agent"))
            return 0;
        if (starts(m, "* END * Finding updates"))
            return scan_end(st, wl, m);
        if (starts(m, "* START * Finding updates")) {
            wu_thread *t = thread_of(st, wl->key);
            t->found = -1;
            t->service = -1;
            t->scan_open = 1;
            t->has_exit = 0;
            return 0;
        }
        if (starts(m, "Exit code = ")) {
            wu_thread *t = thread_of(st, wl->key);
            if (t->scan_open && parse_hex(m + 12, &t->exit) > 0) {
                t->has_exit = 1;
                st->handled = 1; /* the search's outcome, sent with its END */
            }
            return 0;
        }
        if (starts(m, "LogHistory called"))
            return log_history(st, wl, m);
        if (starts(m, "Deploy call "))
            deploy_callback(st, m);
        return 0;
    case 'C':
        if (strcmp(c, "ComApi") == 0 && starts(m, "Deserialized installable update "))
            deserialized(st, m);
        return 0;
    case 'D':
        if (strcmp(c, "DownloadManager") == 0)
            return download_line(st, wl, m);
        if (strcmp(c, "Deployment") == 0 && starts(m, "Deployment job Id "))
            return deployment_job(st, wl, m);
        return 0;
    case 'U':
        if (strcmp(c, "UDP") == 0 && starts(m, "Deployment job Id "))
            return deployment_job(st, wl, m);
        return 0;
    case 'H':
        if (strcmp(c, "Handler") == 0)
            handler_line(st, wl, m);
        return 0;
    default:
        return 0;
    }
}

/* ---------------------------------------------------- legacy (XP .. 8.1) */

/* "===  Logging initialized (build: 7.6.7600.256, tz: +0530)  ===": the
 * zone of the lines that follow. */
static void legacy_header(wu_state *st, const char *m)
{
    const char *p = strstr(m, "tz: ");
    if (p && (p[4] == '+' || p[4] == '-') && wd_text_digits(p + 5, 4) == 4) {
        memcpy(st->tz, p + 4, 5);
        st->tz[5] = '\0';
    }
}

/* A block marker: "** START **  Agent: Finding updates [...]", "**  END  **
 * ...", "-- START --  COMAPI: ...", "##  END  ##  AU: ...". Returns 1 for a
 * start, 2 for an end (and where the block's name begins), else 0. */
static int block_marker(const char *m, const char **name)
{
    if (!((m[0] == '*' && m[1] == '*') || (m[0] == '-' && m[1] == '-') ||
          (m[0] == '#' && m[1] == '#')))
        return 0;
    const char *p = wd_text_skip_blanks(m + 2);
    int kind = starts(p, "START") ? 1 : starts(p, "END") ? 2 : 0;
    if (!kind)
        return 0;
    p = wd_text_skip_blanks(p + (kind == 1 ? 5 : 3));
    if (*p != m[0])
        return 0;
    while (*p == m[0])
        p++;
    *name = wd_text_skip_blanks(p);
    return kind;
}

/* The Agent's search block: "** START **  Agent: Finding updates", its
 * "* WARNING: Exit code = 0x8024402C" (the outcome, before the END) and the
 * END; an END with no exit code is a search that succeeded. An excerpt that
 * begins inside the search (its START line cut, as pasted in a ticket) still
 * ends with the exit code and the END on one thread: that END sends it. */
static int legacy_agent(wu_state *st, wu_line *wl, const char *m, const char *b)
{
    const char *name;
    int kind = block_marker(m, &name);
    wu_thread *t;
    wu_act a;
    uint32_t hr;
    if (kind) {
        if (!starts(name, "Agent: Finding updates")) {
            if ((t = thread_peek(st, wl->key)) != NULL)
                t->has_exit = 0; /* that exit code was another block's */
            return 0;
        }
        t = thread_of(st, wl->key);
        int open = t->block_scan && !t->block_done, cut = !t->block_scan && t->has_exit;
        t->block_scan = t->scan_open = kind == 1;
        t->block_done = 0;
        t->has_exit = 0;
        if (kind == 1) {
            st->scan_blocks++;
            t->found = -1;
            t->service = -1;
            return 0;
        }
        if (cut) {
            act_init(&a, WD_OP_SCAN, WD_OUT_UNKNOWN);
            act_code(&a, t->exit);
        } else if (open) {
            act_init(&a, WD_OP_SCAN, WD_OUT_SUCCEEDED);
        } else {
            return 0;
        }
    } else {
        const char *w = starts(b, "WARNING: ") ? b + 9 : b;
        if (!starts(w, "Exit code = ") || !parse_hex(w + 12, &hr))
            return 0;
        t = thread_of(st, wl->key);
        if (!t->block_scan) { /* a search cut at its start, or a call's exit */
            t->has_exit = 1;
            t->exit = hr;
            return 0;
        }
        if (t->block_done)
            return 0; /* the exit code of a call: trace */
        t->block_done = 1;
        act_init(&a, WD_OP_SCAN, WD_OUT_UNKNOWN);
        act_code(&a, hr);
    }
    a.count = t->found;
    a.target = t->service >= 0 ? SERVICES[t->service].name : NULL;
    return emit(st, wl, &a);
}

/* The operation a REPORT EVENT's category names. Software Synchronization
 * is a search: the Agent block before it already reported it, so it counts
 * only in a log that holds no such block (an excerpt, or one that begins
 * after the search did). */
static wd_op report_op(const wu_state *st, const char *category, size_t n)
{
    if (n >= 24 && strncmp(category, "Software Synchronization", 24) == 0)
        return st->scan_blocks ? WD_OP_UNKNOWN : WD_OP_SCAN;
    if (n >= 16 && strncmp(category, "Content Download", 16) == 0)
        return WD_OP_DOWNLOAD;
    for (size_t i = 0; i + 9 <= n; i++)
        if (wd_strncaseeq(category + i, "uninstall", 9))
            return WD_OP_UNINSTALL;
    if (n >= 15 && strncmp(category, "Content Install", 15) == 0)
        return WD_OP_INSTALL;
    return WD_OP_UNKNOWN;
}

/* "Installation Failure: Windows failed to install the following update
 * with error 0x80070643: TITLE." -> TITLE. */
static int report_title(const char *msg, const char **title, size_t *n)
{
    const char *p = strstr(msg, "following update");
    if (!p || !(p = strchr(p, ':')))
        return 0;
    *title = wd_text_skip_blanks(p + 1);
    *n = strcspn(*title, "\t\r");
    while (*n && ((*title)[*n - 1] == '.' || (*title)[*n - 1] == ' '))
        (*n)--;
    return *n > 0;
}

/* "REPORT EVENT: {R}<TAB>2013-01-27 10:55:33:171+0100<TAB>1<TAB>182<TAB>101
 * <TAB>{UPDATE}<TAB>201<TAB>80070643<TAB>AutomaticUpdates<TAB>Failure<TAB>
 * Content Install<TAB>Installation Failure: ...": the outcome the agent
 * reported for an update, with its own (zoned) time. */
static int report_event(wu_state *st, wu_line *wl, const char *m)
{
    const char *f[12];
    size_t n[12], k = 0;
    for (const char *p = m; k < 12; p++) {
        f[k] = p;
        p += strcspn(p, "\t");
        n[k] = (size_t)(p - f[k]);
        k++;
        if (!*p)
            break;
    }
    uint32_t hr;
    wd_op op = k == 12 ? report_op(st, f[10], n[10]) : WD_OP_UNKNOWN;
    if (op == WD_OP_UNKNOWN || !parse_hex(f[7], &hr))
        return 0;
    wu_act a;
    unsigned char id[16], zero[16] = {0};
    char time[WD_TIME_MAX], title[TITLE_MAX];
    const char *t;
    size_t tn;
    act_init(&a, op, WD_OUT_UNKNOWN);
    act_code(&a, hr);
    if (starts(f[9], "Failure") && a.outcome == WD_OUT_SUCCEEDED)
        a.outcome = WD_OUT_FAILED;
    if (starts(f[11], "Restart Required"))
        a.outcome = WD_OUT_PENDING_REBOOT;
    else if (strstr(f[11], "Started:") && starts(f[9], "Success"))
        a.outcome = WD_OUT_IN_PROGRESS;
    const char *found = op == WD_OP_SCAN ? strstr(f[11], "detected ") : NULL;
    if (found && isdigit((unsigned char)found[9])) /* "successfully detected 3 updates" */
        a.count = strtoll(found + 9, NULL, 10);
    if (parse_guid(f[5], id) && memcmp(id, zero, 16) != 0) {
        a.update = id;
        if (report_title(f[11], &t, &tn))
            ident_set_title(ident_get(st, id), t, tn);
    }
    if (!a.update && report_title(f[11], &t, &tn)) {
        copy_text(title, sizeof title, t, tn);
        a.title = title;
    }
    convert_time(st, f[1], n[1], 1, time);
    a.time = time[0] ? time : NULL;
    return emit(st, wl, &a);
}

/* Automatic Updates: "# AU disabled through User preference", "# Approval
 * type: Scheduled (Policy)": the setting, as a fact and a policy activity. */
static int au_line(wu_state *st, wu_line *wl, const char *b)
{
    static const struct {
        const char *text, *value;
    } kinds[] = {
        {"AU disabled", "disabled"},
        {"Approval type: Disabled", "disabled"},
        {"Approval type: Scheduled", "scheduled"},
        {"Approval type: Pre-download notify", "notify-download"},
        {"Approval type: Pre-install notify", "notify-install"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!starts(b, kinds[i].text))
            continue;
        char value[48];
        int is_new, rc;
        const char *by = strstr(b, "Policy") ? "policy" : strstr(b, "User") ? "user" : NULL;
        snprintf(value, sizeof value, "%s%s%s", kinds[i].value, by ? "-by-" : "", by ? by : "");
        if ((rc = fact_once(st, wl, "wu.au_setting", value, strlen(value), &is_new)) || !is_new)
            return rc;
        wu_act a;
        act_init(&a, WD_OP_POLICY, WD_OUT_UNKNOWN);
        a.target = value;
        return emit(st, wl, &a);
    }
    return 0;
}

/* Whether a GetProductInfo SKU (the PRODUCT_* values of winnt.h) is a
 * server edition. The legacy log's "OS Product Type" is that SKU, not
 * VER_NT_WORKSTATION: 0x00000030 (Professional) on a Windows 11 Pro,
 * 0x00000008 (Datacenter Server) on a real Windows Server 2008 R2 log. */
static int server_sku(uint32_t sku)
{
    static const uint32_t servers[] = {
        0x07, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x0E, 0x0F, 0x11, 0x12, 0x13, 0x14, 0x15,
        0x16, 0x17, 0x18, 0x19, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25,
        0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x32, 0x33, 0x34, 0x35,
        0x36, 0x37, 0x38, 0x39, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x4C, 0x4D, 0x4F,
        0x50, 0x5F, 0x60, 0x6D, 0x6E, 0x78, 0x7C, 0x91, 0x92, 0x93, 0x94, 0x9F, 0xA0};
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++)
        if (servers[i] == sku)
            return 1;
    return 0;
}

/* Report: "* OS Version = 6.1.7601.1.0.65792" then "* OS Product Type =
 * 0x00000001": the build and which Windows it is. */
static int os_line(wu_state *st, wu_line *wl, const char *b)
{
    static const struct {
        const char *version, *client, *server;
    } names[] = {
        {"5.1", "Windows XP", "Windows XP"},
        {"5.2", "Windows XP", "Windows Server 2003"},
        {"6.0", "Windows Vista", "Windows Server 2008"},
        {"6.1", "Windows 7", "Windows Server 2008 R2"},
        {"6.2", "Windows 8", "Windows Server 2012"},
        {"6.3", "Windows 8.1", "Windows Server 2012 R2"},
    };
    uint32_t type;
    if (starts(b, "OS Version = ")) {
        const char *v = b + 13, *build = strchr(v, '.');
        copy_text(st->os_version, sizeof st->os_version, v, strcspn(v, " \t\r"));
        build = build ? strchr(build + 1, '.') : NULL;
        return build ? fact_once(st, wl, "os.build", build + 1, wd_text_digits(build + 1, 6), NULL)
                     : 0;
    }
    if (!starts(b, "OS Product Type = ") || !parse_hex(b + 18, &type) || !st->os_version[0])
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (starts(st->os_version, names[i].version) && st->os_version[3] == '.') {
            const char *name = server_sku(type) ? names[i].server : names[i].client;
            return fact_once(st, wl, "os.product", name, strlen(name), NULL);
        }
    return 0;
}

static int legacy_line(wu_state *st, wu_line *wl, const char *b)
{
    const char *m = wl->msg, *c = wl->component;
    if (group_line(st, wl, b))
        return 0;
    if (starts(m, "REPORT EVENT: "))
        return report_event(st, wl, m);
    if (strcmp(c, "Agent") == 0)
        return legacy_agent(st, wl, m, b);
    if (strcmp(c, "AU") == 0)
        return au_line(st, wl, b);
    if (strcmp(c, "Report") == 0)
        return os_line(st, wl, b);
    if (strcmp(c, "Handler") == 0)
        handler_line(st, wl, b);
    else if (strcmp(c, "Misc") == 0 && strstr(m, "Logging initialized"))
        legacy_header(st, m);
    return 0;
}

/* ------------------------------------------------------------ the reader */

/* "Found 12 updates and 3 categories in search": the scan's count. */
static void found_line(wu_state *st, wu_line *wl, const char *b)
{
    size_t n = wd_text_digits(b + 6, 9);
    if (n == 0 || !starts(b + 6 + n, " update"))
        return;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (b[6 + i] - '0');
    thread_of(st, wl->key)->found = v;
}

static int on_line(wu_state *st, const char *line)
{
    wu_line wl;
    if (parse_line(line, &wl) != 0) {
        if (looks_like_line(line) && st->damaged++ == 0)
            st->first_damaged = st->lineno;
        return 0; /* headers, blank lines, wrapped text: nothing to read */
    }
    st->handled = 0;
    st->line_kept = 0;
    if (strstr(wl.msg, "(No Format Information found)") && st->undecoded++ == 0)
        st->first_undecoded = st->lineno;
    const char *b = skip_bullets(wl.msg);
    if (starts(b, "Found ") && strcmp(wl.component, "Agent") == 0)
        found_line(st, &wl, b);
    int rc = line_facts(st, &wl, b);
    if (rc == 0)
        rc = wl.legacy ? legacy_line(st, &wl, b) : modern_line(st, &wl, b);
    if (rc == 0 && !st->handled)
        rc = trace_line(st, &wl);
    if (st->line_kept)
        st->summary->kept++;
    return rc;
}

/* What could not be read: damaged lines and lines cut for length. */
static int end_notes(wu_state *st, wd_lines *l)
{
    uint64_t cut = wd_lines_cut(l);
    int rc = 0;
    st->summary->errors += st->damaged + cut + st->undecoded;
    if (st->damaged)
        rc = wd_note(st->sink, WD_NOTE_PARTIAL, st->in->path,
                     "lines with a damaged time or layout were skipped", "line %llu (%llu lines)",
                     (unsigned long long)st->first_damaged, (unsigned long long)st->damaged);
    /* Get-WindowsUpdateLog without the symbols it decodes with (Windows 10
     * up to 1607 fetches them from Microsoft's symbol server) writes
     * "Unknown( 10): GUID=... (No Format Information found)." lines */
    if (rc == 0 && st->undecoded)
        rc = wd_note(st->sink,
                     st->undecoded * 2 > st->summary->records ? WD_NOTE_UNREADABLE : WD_NOTE_PARTIAL,
                     st->in->path,
                     "lines were not decoded (No Format Information found): run "
                     "Get-WindowsUpdateLog again where it can reach Microsoft's symbol server",
                     "line %llu (%llu lines)", (unsigned long long)st->first_undecoded,
                     (unsigned long long)st->undecoded);
    return rc;
}

int wd_source_wu_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    wd_lines *l = NULL;
    wu_state *st = calloc(1, sizeof *st);
    const char *line;
    size_t len;
    int rc = 0, got;
    if (st) {
        st->idents = calloc(IDENT_CAP, sizeof *st->idents);
        st->buckets = calloc(IDENT_BUCKETS, sizeof *st->buckets);
    }
    if (!st || !st->idents || !st->buckets) {
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, "out of memory", NULL);
        goto cleanup;
    }
    *st = (wu_state){
        .in = in, .sink = sink, .summary = summary, .idents = st->idents, .buckets = st->buckets};
    if (wd_lines_open(&l, in) != 0) {
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
        goto cleanup;
    }
    while ((got = wd_lines_next(l, &line, &len)) == 1) {
        summary->records++;
        st->lineno = wd_lines_number(l);
        if ((rc = on_line(st, line)) != 0)
            goto cleanup;
    }
    if (got < 0 && (rc = wd_note(sink, WD_NOTE_PARTIAL, in->path, "read error", "line %llu",
                                 (unsigned long long)wd_lines_number(l) + 1)) != 0)
        goto cleanup;
    rc = end_notes(st, l);
cleanup:
    if (st) {
        free(st->idents);
        free(st->buckets);
    }
    free(st);
    wd_lines_free(l);
    return rc;
}
