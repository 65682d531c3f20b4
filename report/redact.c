/* redact.c - --redact: what identifies a customer never reaches a report.
 * Names are learned first (the machine, the computers events name, facts,
 * account fields, profile folders, bundle names, internal servers); then
 * every string the writer emits is rewritten: learned names wherever they
 * stand as a whole word (also inside longer tokens and paths), and
 * addresses, e-mails, SIDs, profile folders and internal URLs wherever
 * they appear. The same original always gets the same placeholder. */
#include "emit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum kind { K_MACHINE, K_USER, K_DOMAIN, K_HOST, K_IP, K_EMAIL, K_SID, K_COUNT } kind;
static const char *const kind_names[K_COUNT] = {"MACHINE", "USER",  "DOMAIN", "HOST",
                                                "IP",      "EMAIL", "SID"};

enum { BUCKETS = 4096, MAX_DNS = 64, MIN_NAME = 2, MAX_NAME = 256 };

typedef struct rname {
    char *text;
    size_t len;
    kind k;
    unsigned num; /* the placeholder's number */
    int next;     /* index + 1 of the next name in the bucket, 0 none */
} rname;

struct wd_redactor {
    rname *v;
    size_t n, cap;
    int heads[BUCKETS]; /* index + 1 of the first name per bucket */
    unsigned counts[K_COUNT];
    char *dns[MAX_DNS]; /* internal DNS domains ("corp.example.com") */
    unsigned dns_num[MAX_DNS];
    size_t ndns;
    int oom;
};

/* ============================================================ characters */

static int is_word(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

static int is_host_char(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.';
}

static int lower(unsigned char c)
{
    return c < 0x80 ? tolower(c) : c;
}

static unsigned bucket(const char *s)
{
    return ((unsigned)lower((unsigned char)s[0]) * 31u + (unsigned)lower((unsigned char)s[1])) %
           BUCKETS;
}

static int ends_with_label(const char *s, size_t len, const char *suffix)
{
    size_t sl = strlen(suffix);
    if (len < sl || !wd_strncaseeq(s + len - sl, suffix, sl))
        return 0;
    return len == sl || s[len - sl - 1] == '.';
}

/* Public update and documentation hosts stay readable. */
static int public_host(const char *s, size_t len)
{
    static const char *const pub[] = {
        "microsoft.com",   "windowsupdate.com", "windows.com",  "windows.net",
        "msft.net",        "msedge.net",        "live.com",     "bing.com",
        "office.com",      "office.net",        "msn.com",      "microsoftonline.com",
        "s-microsoft.com", "xboxlive.com",      "digicert.com", "localhost"};
    for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++)
        if (ends_with_label(s, len, pub[i]))
            return 1;
    return 0;
}

static int well_known(const char *s, size_t len)
{
    static const char *const known[] = {"NT AUTHORITY",
                                        "NT SERVICE",
                                        "BUILTIN",
                                        "SYSTEM",
                                        "LOCAL SERVICE",
                                        "LocalSystem",
                                        "NETWORK SERVICE",
                                        "LocalService",
                                        "NetworkService",
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
                                        "NT VIRTUAL MACHINE",
                                        "IIS APPPOOL",
                                        "defaultuser0",
                                        "defaultuser100000",
                                        "Guest",
                                        "localhost",
                                        "unknown",
                                        "Users",
                                        "TrustedInstaller",
                                        "None",
                                        "null"};
    if (len < MIN_NAME)
        return 1;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i]) == len && wd_strncaseeq(known[i], s, len))
            return 1;
    return 0;
}

/* ================================================================ names */

static rname *find(const wd_redactor *r, const char *s, size_t len)
{
    if (len < MIN_NAME)
        return NULL;
    for (int i = r->heads[bucket(s)]; i; i = r->v[i - 1].next) {
        rname *nm = &r->v[i - 1];
        if (nm->len == len && wd_strncaseeq(nm->text, s, len))
            return nm;
    }
    return NULL;
}

/* Remembers s as kind k with placeholder number num (0: the next one).
 * Returns the name (new or known), NULL when full or out of memory. */
static rname *add(wd_redactor *r, const char *s, size_t len, kind k, unsigned num)
{
    rname *nm = find(r, s, len);
    if (nm || len < MIN_NAME || len > MAX_NAME || r->n >= WD_REDACT_MAX)
        return nm;
    if (wd_array_reserve(&r->v, &r->cap, r->n + 1, sizeof *r->v)) {
        r->oom = 1;
        return NULL;
    }
    char *t = wd_strndup(s, len);
    if (!t) {
        r->oom = 1;
        return NULL;
    }
    nm = &r->v[r->n];
    *nm = (rname){t, len, k, num ? num : ++r->counts[k], r->heads[bucket(s)]};
    r->heads[bucket(s)] = (int)++r->n;
    return nm;
}

static void placeholder(const rname *nm, wd_buf *out)
{
    wd_buf_printf(out, "%s-%u", kind_names[nm->k], nm->num);
}

/* An internal DNS domain: hosts inside it are hosts to hide. */
static void add_dns(wd_redactor *r, const char *s, size_t len)
{
    while (len && s[0] == '.')
        s++, len--;
    if (len < 4 || !memchr(s, '.', len) || public_host(s, len) || r->ndns == MAX_DNS)
        return;
    for (size_t i = 0; i < r->ndns; i++)
        if (strlen(r->dns[i]) == len && wd_strncaseeq(r->dns[i], s, len))
            return;
    rname *nm = add(r, s, len, K_DOMAIN, 0);
    char *t = wd_strndup(s, len);
    if (!t || !nm) {
        free(t);
        r->oom |= !t;
        return;
    }
    r->dns_num[r->ndns] = nm->num;
    r->dns[r->ndns++] = t;
}

/* Letters only: a host label like "proxy" or "wsus" is also a word of the
 * report's own text, so only its full name is hidden. */
static int plain_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)s[i]))
            return 0;
    return 1;
}

/* A host name: hidden unless public; the domain it is in too. */
static rname *add_host(wd_redactor *r, const char *s, size_t len, kind k)
{
    while (len && s[len - 1] == '.')
        len--;
    if (len < MIN_NAME || public_host(s, len) || well_known(s, len))
        return NULL;
    rname *nm = add(r, s, len, k, 0);
    const char *dot = memchr(s, '.', len);
    if (dot && nm) {
        size_t label = (size_t)(dot - s);
        if (k == K_MACHINE || !plain_word(s, label))
            add(r, s, label, k, nm->num); /* the short name, same placeholder */
        add_dns(r, dot + 1, len - label - 1);
    }
    return nm;
}

/* ============================================================= patterns */

static int numeric(const char *s, size_t n);

/* Length of an account SID at p (S-1-5-21-..., S-1-12-1-...), else 0. */
static size_t sid_at(const char *p)
{
    size_t i;
    if (wd_strncaseeq(p, "S-1-5-21-", 9))
        i = 9;
    else if (wd_strncaseeq(p, "S-1-12-1-", 9))
        i = 9;
    else
        return 0;
    size_t parts = 0;
    while (isdigit((unsigned char)p[i])) {
        while (isdigit((unsigned char)p[i]))
            i++;
        parts++;
        if (p[i] != '-' || !isdigit((unsigned char)p[i + 1]))
            break;
        i++;
    }
    return parts >= 3 && !is_word((unsigned char)p[i]) ? i : 0;
}

/* Length of a dotted IPv4 address at p, else 0. */
static size_t ipv4_at(const char *p)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t start = i;
        unsigned v = 0;
        while (isdigit((unsigned char)p[i]) && i - start < 4)
            v = v * 10 + (unsigned)(p[i++] - '0');
        if (i == start || i - start > 3 || v > 255)
            return 0;
        if (part < 3) {
            if (p[i] != '.')
                return 0;
            i++;
        }
    }
    if (isalnum((unsigned char)p[i]) || (p[i] == '.' && isdigit((unsigned char)p[i + 1])))
        return 0;
    return i;
}

/* Length of an IPv6 address at p: 1-4 hex digit groups with "::" or eight
 * groups, at least one digit; else 0. Times (07:25:41) are not. */
static size_t ipv6_at(const char *p)
{
    size_t i = 0, groups = 0, colons = 0, digits = 0;
    int dbl = 0, len = 0;
    for (;; i++) {
        unsigned char c = (unsigned char)p[i];
        if (isxdigit(c)) {
            if (++len > 4)
                return 0;
            digits++;
            continue;
        }
        if (c != ':')
            break;
        if (len)
            groups++;
        else if (i > 0 && p[i - 1] == ':')
            dbl++;
        len = 0;
        colons++;
    }
    if (len)
        groups++;
    if (isalnum((unsigned char)p[i]) || p[i] == '.' || !digits || dbl > 1)
        return 0;
    if (p[i - 1] == ':' && !(i >= 2 && p[i - 2] == ':'))
        return 0; /* "abc:" */
    if ((dbl && groups >= 1 && colons >= 2) || (!dbl && groups == 8 && colons == 7))
        return i;
    return 0;
}

static int email_local(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* Length of an e-mail address at p, else 0. */
static size_t email_at(const char *p)
{
    size_t i = 0;
    while (email_local((unsigned char)p[i]))
        i++;
    if (i == 0 || p[i] != '@')
        return 0;
    size_t at = ++i, dot = 0;
    while (is_host_char((unsigned char)p[i])) {
        if (p[i] == '.')
            dot = i;
        i++;
    }
    while (i > at && p[i - 1] == '.')
        i--;
    if (!dot || dot >= i || i - dot < 3 || !isalpha((unsigned char)p[dot + 1]))
        return 0;
    return i;
}

/* The end of a path segment (a user name in a profile path). */
static size_t segment(const char *p)
{
    return strcspn(p, "\\/\"' \t\r\n:;,<>|*?");
}

/* "\Users\", "/home/", "/Users/": the marker's length at p, else 0. */
static size_t profile_marker(const char *s, size_t pos)
{
    static const char *const marks[] = {"\\users\\", "/users/", "/home/"};
    for (size_t k = 0; k < 3; k++) {
        size_t ml = strlen(marks[k]);
        if (pos >= 1 && wd_strncaseeq(s + pos - 1, marks[k], ml))
            return ml - 1;
    }
    return 0;
}

/* The machine of a bundle name "wudiag-evidence-<MACHINE>-YYYYMMDD-HHMMSS". */
static size_t bundle_machine(const char *p, size_t *start)
{
    static const char mark[] = "wudiag-evidence-";
    if (!wd_strncaseeq(p, mark, sizeof mark - 1))
        return 0;
    const char *name = p + sizeof mark - 1;
    for (size_t k = 1; name[k]; k++) {
        const char *t = name + k;
        int ok = t[0] == '-' && t[9] == '-';
        for (size_t d = 1; ok && d <= 15; d++)
            ok = d == 9 || isdigit((unsigned char)t[d]);
        if (ok && !isdigit((unsigned char)t[16])) {
            *start = sizeof mark - 1;
            return k;
        }
        if (!is_host_char((unsigned char)name[k]) && name[k] != '_')
            break;
    }
    return 0;
}

/* ============================================================ learning */

void wd_redact_learn_machine(wd_redactor *r, const char *name)
{
    if (name && *name && !well_known(name, strlen(name)))
        add_host(r, name, strlen(name), K_MACHINE);
}

void wd_redact_learn_user(wd_redactor *r, const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len && !well_known(name, len) && !strchr(name, ' ') && !sid_at(name))
        add(r, name, len, K_USER, 0);
}

/* A domain of an account: a NetBIOS name, or a DNS one. */
static void learn_domain(wd_redactor *r, const char *s, size_t len)
{
    if (well_known(s, len) || find(r, s, len))
        return;
    if (memchr(s, '.', len))
        add_dns(r, s, len);
    else
        add(r, s, len, K_DOMAIN, 0);
}

void wd_redact_learn_account(wd_redactor *r, const char *v)
{
    if (!v || !*v || sid_at(v))
        return;
    const char *bs = strchr(v, '\\'), *at = strchr(v, '@');
    if (bs) {
        size_t dl = (size_t)(bs - v);
        if (well_known(v, dl))
            return; /* NT AUTHORITY\SYSTEM, NT SERVICE\TrustedInstaller */
        learn_domain(r, v, dl);
        v = bs + 1;
    } else if (at && email_at(v)) {
        learn_domain(r, at + 1, strlen(at + 1));
        size_t ul = (size_t)(at - v);
        if (!well_known(v, ul))
            add(r, v, ul, K_USER, 0);
        return;
    }
    size_t len = strcspn(v, " \t\r\n,;");
    if (len == strlen(v) && !well_known(v, len))
        add(r, v, len, K_USER, 0);
}

/* Strips what surrounds a host in free text: a scheme, a path, a port. */
static int host_token(const char *t, size_t n, const char **h, size_t *hl)
{
    int sure = 0;
    while (n && strchr("([<'\"*.", t[0]))
        t++, n--;
    while (n && strchr(")]>'\",.;", t[n - 1]))
        n--;
    const char *sep = n > 3 ? strstr(t, "://") : NULL;
    if (sep && (size_t)(sep - t) < n) {
        n -= (size_t)(sep + 3 - t), t = sep + 3, sure = 1;
    }
    size_t i = 0;
    while (i < n && is_host_char((unsigned char)t[i]))
        i++;
    if (i < n && t[i] == ':' && i + 1 < n && isdigit((unsigned char)t[i + 1]))
        sure = 1;
    else if (i < n && t[i] != '/')
        return 0;
    *h = t, *hl = i;
    return i > 0 && (sure || memchr(t, '.', i));
}

/* Digits and dots only: a version or an address, never a host name. */
static int numeric(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != '.')
            return 0;
    return 1;
}

void wd_redact_learn_hosts(wd_redactor *r, const char *text)
{
    for (const char *p = text; p && *p;) {
        size_t n = strcspn(p, " \t\r\n;,=");
        const char *h;
        size_t hl;
        if (n > 2 && p[0] == '*' && p[1] == '.') /* a proxy bypass entry: a domain */
            add_dns(r, p + 2, strcspn(p + 2, " \t\r\n;,=:/"));
        else if (n && host_token(p, n, &h, &hl) && !numeric(h, hl))
            add_host(r, h, hl, K_HOST);
        p += n;
        p += strspn(p, " \t\r\n;,=");
    }
}

/* Learns what a position of free text shows: a profile folder's user, a
 * bundle's machine, DOMAIN\user of a known domain or machine, a URL's
 * host. Returns how far it read (0: nothing here). */
static size_t learn_at(wd_redactor *r, const char *s, size_t i)
{
    size_t ml = profile_marker(s, i), st, len;
    if (ml) {
        const char *name = s + i + ml;
        len = segment(name);
        rname *nm = well_known(name, len) ? NULL : add(r, name, len, K_USER, 0);
        const char *dot = nm ? memchr(name, '.', len) : NULL;
        if (dot) /* "carol.CORP": the profile of carol in domain CORP */
            add(r, name, (size_t)(dot - name), K_USER, nm->num);
        return ml + len;
    }
    if ((len = bundle_machine(s + i, &st))) {
        add_host(r, s + i + st, len, K_MACHINE);
        return st + len;
    }
    if (s[i] == 'h' || s[i] == 'H') {
        const char *h;
        size_t hl, n = strcspn(s + i, " \t\r\n\"'<>");
        if ((wd_strncaseeq(s + i, "http://", 7) || wd_strncaseeq(s + i, "https://", 8)) &&
            host_token(s + i, n, &h, &hl) && !ipv4_at(h) && h[0] != '[') {
            add_host(r, h, hl, K_HOST);
            return n;
        }
    }
    return 0;
}

/* DOMAIN\user where DOMAIN is a known domain or machine. */
static void learn_backslash(wd_redactor *r, const char *s, size_t i)
{
    size_t start = i;
    while (start > 0 && (is_word((unsigned char)s[start - 1]) || s[start - 1] == '-'))
        start--;
    if (start > 0 && !strchr(" \t\r\n(\"'=,;[:", s[start - 1]))
        return; /* inside a path or a name, not an account */
    rname *d = find(r, s + start, i - start);
    if (!d || (d->k != K_DOMAIN && d->k != K_MACHINE))
        return;
    size_t len = segment(s + i + 1);
    if (!well_known(s + i + 1, len))
        add(r, s + i + 1, len, K_USER, 0);
}

void wd_redact_learn_text(wd_redactor *r, const char *s)
{
    for (size_t i = 0; s && s[i];) {
        if (s[i] == '\\' && i > 0)
            learn_backslash(r, s, i);
        if (i == 0 || !is_word((unsigned char)s[i - 1])) {
            size_t n = learn_at(r, s, i);
            if (n) {
                i += n;
                continue;
            }
        }
        i++;
    }
}

/* ============================================================ applying */

/* The longest learned name at s[i] that ends at a word boundary. */
static rname *longest(const wd_redactor *r, const char *s, size_t i)
{
    rname *best = NULL;
    if (!s[i] || !s[i + 1])
        return NULL;
    for (int j = r->heads[bucket(s + i)]; j; j = r->v[j - 1].next) {
        rname *nm = &r->v[j - 1];
        if ((!best || nm->len > best->len) && wd_strncaseeq(s + i, nm->text, nm->len) &&
            !is_word((unsigned char)s[i + nm->len]))
            best = nm;
    }
    return best;
}

/* A host inside a known internal DNS domain at s[i]: its length, else 0. */
static size_t internal_fqdn(const wd_redactor *r, const char *s, size_t i)
{
    size_t n = 0;
    while (is_host_char((unsigned char)s[i + n]))
        n++;
    while (n && s[i + n - 1] == '.')
        n--;
    for (size_t d = 0; d < r->ndns && n; d++)
        if (ends_with_label(s + i, n, r->dns[d]))
            return n;
    return 0;
}

/* Replaces a pattern found at s[i] (first: SIDs and e-mail addresses, which
 * hold names; else addresses and internal hosts): writes the placeholder
 * and returns the length consumed, or 0. */
static size_t pattern(wd_redactor *r, const char *s, size_t i, int first, wd_buf *out)
{
    size_t n;
    kind k;
    unsigned char prev = i ? (unsigned char)s[i - 1] : 0;
    if ((n = sid_at(s + i)))
        k = K_SID;
    else if ((n = email_at(s + i)))
        k = K_EMAIL;
    else if (first)
        return 0;
    else if (prev != '.' && prev != ':' && (n = ipv4_at(s + i)))
        k = K_IP;
    else if (prev != ':' && (isxdigit((unsigned char)s[i]) || s[i] == ':') && (n = ipv6_at(s + i)))
        k = K_IP;
    else if ((n = internal_fqdn(r, s, i)) && memchr(s + i, '.', n))
        k = K_HOST;
    else
        return 0;
    rname *nm = add(r, s + i, n, k, 0);
    if (!nm) { /* full: still never the original */
        wd_buf_puts(out, kind_names[k]);
        return n;
    }
    placeholder(nm, out);
    return n;
}

/* A name in a place that always holds one - a profile folder's user, a
 * bundle's machine, a URL's internal host - at s[i]: its length and kind,
 * else 0. Replaced even when the table of names is full. */
static size_t named_place(const char *s, size_t i, kind *k)
{
    static const char *const marks[] = {"\\users\\", "/users/", "/home/"};
    static const char bundle[] = "wudiag-evidence-";
    size_t len, st;
    for (size_t m = 0; m < 3; m++) {
        size_t ml = strlen(marks[m]);
        if (i >= ml && wd_strncaseeq(s + i - ml, marks[m], ml) && (len = segment(s + i)) &&
            !well_known(s + i, len))
            return *k = K_USER, len;
    }
    if (i >= sizeof bundle - 1 && (len = bundle_machine(s + i - (sizeof bundle - 1), &st)))
        return *k = K_MACHINE, len;
    if (i >= 3 && !strncmp(s + i - 3, "://", 3)) {
        for (len = 0; is_host_char((unsigned char)s[i + len]); len++)
            ;
        while (len && s[i + len - 1] == '.')
            len--;
        if (len && !numeric(s + i, len) && !public_host(s + i, len))
            return *k = K_HOST, len;
    }
    return 0;
}

void wd_redact_apply(wd_redactor *r, const char *s, wd_buf *out)
{
    for (size_t i = 0; s && s[i];) {
        size_t n;
        if (s[i] == '\\' && i > 0)
            learn_backslash(r, s, i); /* the user after it is replaced below */
        if (i > 0 && is_word((unsigned char)s[i - 1])) {
            wd_buf_putc(out, s[i++]);
            continue;
        }
        learn_at(r, s, i);                    /* on sight: profile folders, bundles, URLs */
        if ((n = pattern(r, s, i, 1, out))) { /* whole addresses before the names in them */
            i += n;
            continue;
        }
        kind k;
        if ((n = named_place(s, i, &k))) {
            rname *known = find(r, s + i, n);
            if (known)
                placeholder(known, out);
            else
                wd_buf_puts(out, kind_names[k]); /* past the bound: still never the name */
            i += n;
            continue;
        }
        rname *nm = longest(r, s, i);
        if (nm) {
            placeholder(nm, out);
            i += nm->len;
            continue;
        }
        if ((n = pattern(r, s, i, 0, out))) {
            i += n;
            continue;
        }
        wd_buf_putc(out, s[i++]);
    }
}

/* ============================================================ lifecycle */

int wd_redactor_new(wd_redactor **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? WD_OK : wd_error_set(WD_ENOMEM, "out of memory redacting the report");
}

void wd_redactor_free(wd_redactor *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].text);
    for (size_t i = 0; i < r->ndns; i++)
        free(r->dns[i]);
    free(r->v);
    free(r);
}

int wd_redact_failed(const wd_redactor *r)
{
    return r->oom;
}

/* ======================================================= the report's */

static int is_account_field(const char *name)
{
    static const char *const parts[] = {"user", "owner", "account", "principal", "sid"};
    for (size_t i = 0; name && i < sizeof parts / sizeof parts[0]; i++)
        for (const char *p = name; *p; p++)
            if (wd_strncaseeq(p, parts[i], strlen(parts[i])))
                return 1;
    return 0;
}

static int is_host_key(const char *key)
{
    static const char *const parts[] = {"server", "proxy", "url", "host", "domain"};
    for (size_t i = 0; key && i < sizeof parts / sizeof parts[0]; i++)
        if (strstr(key, parts[i]))
            return 1;
    return 0;
}

static void learn_fact(wd_redactor *r, const wd_m_fact *f)
{
    const char *k = f->key ? f->key : "";
    if (!strcmp(k, "machine.name") || strstr(k, "computer") || strstr(k, "hostname"))
        wd_redact_learn_machine(r, f->value);
    else if (is_account_field(k))
        wd_redact_learn_account(r, f->value);
    else if (is_host_key(k))
        wd_redact_learn_hosts(r, f->value);
    wd_redact_learn_text(r, f->value);
    wd_redact_learn_text(r, f->source);
}

static int on_event(void *ctx, int64_t row, const wd_event_rec *e)
{
    wd_redactor *r = ctx;
    (void)row;
    wd_redact_learn_machine(r, e->computer);
    for (size_t i = 0; i < e->nfields; i++) {
        if (is_account_field(e->fields[i].name))
            wd_redact_learn_account(r, e->fields[i].value);
        wd_redact_learn_text(r, e->fields[i].value);
    }
    return r->oom ? WD_ENOMEM : 0;
}

static int on_activity(void *ctx, const wd_activity_row *row)
{
    wd_redactor *r = ctx;
    const wd_activity_rec *a = &row->rec;
    wd_redact_learn_machine(r, a->computer);
    wd_redact_learn_text(r, a->detail);
    wd_redact_learn_text(r, a->target);
    wd_redact_learn_text(r, a->where.source);
    return r->oom ? WD_ENOMEM : 0;
}

static void learn_model(wd_redactor *r, const wd_model *m, const wd_report_options *o)
{
    wd_redact_learn_machine(r, m->machine);
    for (size_t i = 0; i < m->ncomputers; i++)
        wd_redact_learn_machine(r, m->computers[i].name);
    for (size_t i = 0; i < m->nfacts; i++)
        learn_fact(r, &m->facts[i]);
    const char *texts[] = {m->command_line, m->evidence, o ? o->command_line : NULL,
                           o ? o->db_path : NULL};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        wd_redact_learn_text(r, texts[i]);
    for (size_t i = 0; i < m->nservices; i++)
        wd_redact_learn_text(r, m->services[i].source);
    for (size_t i = 0; i < m->nnotes; i++) {
        wd_redact_learn_text(r, m->notes[i].source);
        wd_redact_learn_text(r, m->notes[i].reason);
    }
    for (size_t i = 0; i < m->nsources; i++)
        wd_redact_learn_text(r, m->sources[i].path);
}

int wd_redact_learn_report(wd_redactor *r, const wd_model *m, const wd_report_options *o)
{
    int rc = WD_OK;
    learn_model(r, m, o);
    if (m->store) {
        wd_activity_query q = {0};
        rc = wd_store_events(m->store, m->snapshot_id, on_event, r);
        if (!rc)
            rc = wd_store_activities(m->store, m->snapshot_id, &q, on_activity, r);
    }
    if (!rc && r->oom)
        rc = wd_error_set(WD_ENOMEM, "out of memory redacting the report");
    return rc;
}
