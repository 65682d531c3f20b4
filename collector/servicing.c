/* servicing.c - the parts of the CBS.log and DISM.log readers that are the
 * same for both: splitting "2023-05-17 08:25:52, Info  CBS  message" lines
 * without allocating, reading the code notations, and sending activities,
 * trace activities (capped) and facts with their evidence location. */
#include "servicing.h"

#include <ctype.h>
#include <string.h>

/* ------------------------------------------------------------- lines */

static int two(const char *p, int lo, int hi)
{
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
        return 0;
    int v = (p[0] - '0') * 10 + (p[1] - '0');
    return v >= lo && v <= hi;
}

/* "YYYY-MM-DD HH:MM:SS" at p, checked and copied as "YYYY-MM-DDTHH:MM:SS". */
static int stamp(const char *p, char out[WD_TIME_MAX])
{
    if (wd_text_digits(p, 4) != 4 || p[4] != '-' || !two(p + 5, 1, 12) || p[7] != '-' ||
        !two(p + 8, 1, 31) || p[10] != ' ' || !two(p + 11, 0, 23) || p[13] != ':' ||
        !two(p + 14, 0, 59) || p[16] != ':' || !two(p + 17, 0, 60) || p[19] != ',')
        return -1;
    memcpy(out, p, 19);
    out[10] = 'T';
    out[19] = '\0';
    return 0;
}

static int level_of(const char *p, size_t n)
{
    if (n == 4 && !memcmp(p, "Info", 4))
        return SVC_INFO;
    if (n == 5 && !memcmp(p, "Error", 5))
        return SVC_ERROR;
    if (n == 7 && !memcmp(p, "Warning", 7))
        return SVC_WARNING;
    return SVC_OTHER;
}

/* CSI messages start with an 8-digit hex sequence number, sometimes with a
 * time ("0000030f@2023/5/23:16:17:09.910"); text is what follows. */
static const char *csi_text(const char *msg)
{
    size_t n = 0;
    while (n < 8 && isxdigit((unsigned char)msg[n]))
        n++;
    if (n != 8 || (msg[8] != ' ' && msg[8] != '@'))
        return msg;
    const char *p = msg + 8;
    if (*p == '@')
        p = wd_text_token_end(p);
    return wd_text_skip_blanks(p);
}

int svc_parse(const char *line, svc_line *out)
{
    out->stamped = 0;
    out->level = SVC_OTHER;
    out->source[0] = '\0';
    out->msg = out->text = line;
    if (stamp(line, out->time) != 0)
        return -1;
    const char *p = wd_text_skip_blanks(line + 20), *e = wd_text_token_end(p);
    if (e == p)
        return -1;
    out->level = level_of(p, (size_t)(e - p));
    p = wd_text_skip_blanks(e);
    e = wd_text_token_end(p);
    if (*p == '[' && e[-1] == ']') { /* "Error      [0x01806a] CSI ...": an error id */
        p = wd_text_skip_blanks(e);
        e = wd_text_token_end(p);
    }
    svc_copy(out->source, sizeof out->source, p, (size_t)(e - p));
    out->msg = out->text = wd_text_skip_blanks(e);
    if (!strcmp(out->source, "CSI"))
        out->text = csi_text(out->msg);
    out->stamped = 1;
    return 0;
}

/* ------------------------------------------------------------- codes */

int svc_code_after(const char *msg, const char *marker, uint32_t *hr)
{
    const char *p = strstr(msg, marker);
    if (!p)
        return 0;
    p = wd_text_skip_blanks(p + strlen(marker));
    char tok[16];
    size_t n = 0;
    while (n < sizeof tok - 1 && (isxdigit((unsigned char)p[n]) || p[n] == 'x' || p[n] == 'X'))
        n++;
    memcpy(tok, p, n);
    tok[n] = '\0';
    return n && wd_hresult_parse(tok, hr) == 0;
}

int svc_failing_code(const char *msg, uint32_t *hr)
{
    static const char *const markers[] = {"[HRESULT = ", "HRESULT=", "hr:"};
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
        for (const char *p = strstr(msg, markers[i]); p; p = strstr(p + 1, markers[i]))
            if (svc_code_after(p, markers[i], hr) && (*hr & 0x80000000u))
                return 1;
    return 0;
}

wd_outcome svc_outcome(uint32_t hr, int reboot)
{
    if (hr == 0x800704C7u) /* ERROR_CANCELLED */
        return WD_OUT_CANCELLED;
    if (hr == 0x80070BC2u || hr == 0x00000BC2u) /* ERROR_SUCCESS_REBOOT_REQUIRED */
        return WD_OUT_PENDING_REBOOT;
    if (hr & 0x80000000u)
        return WD_OUT_FAILED;
    return reboot ? WD_OUT_PENDING_REBOOT : WD_OUT_SUCCEEDED;
}

/* ------------------------------------------------------------- text */

void svc_copy(char *out, size_t outsz, const char *s, size_t n)
{
    if (!outsz)
        return;
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

int svc_field(const char *msg, const char *key, const char *stops, char *out, size_t outsz)
{
    const char *p = strstr(msg, key);
    if (!p)
        return 0;
    p = wd_text_skip_blanks(p + strlen(key));
    size_t n = strcspn(p, stops);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    svc_copy(out, outsz, p, n);
    return 1;
}

int svc_starts(const char *msg, const char *prefix)
{
    return !strncmp(msg, prefix, strlen(prefix));
}

uint64_t svc_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)tolower((unsigned char)s[i]);
        h *= 1099511628211ull;
    }
    return h;
}

/* ------------------------------------------------------------- output */

static void count_kept(svc_ctx *c, uint64_t line)
{
    if (line != c->last_kept && c->summary->kept < c->summary->records) {
        c->summary->kept++;
        c->last_kept = line;
    }
}

int svc_emit(svc_ctx *c, wd_activity_rec *a, uint64_t line)
{
    if (a->product == WD_PRODUCT_UNKNOWN && (a->kb || a->package) &&
        (a->operation == WD_OP_SERVICING || a->operation == WD_OP_INSTALL ||
         a->operation == WD_OP_COMMIT))
        a->product = wd_classify_update(a->title, a->kb, a->package);
    if (!a->component)
        a->component = c->component;
    a->where.kind = WD_LOC_LINE;
    a->where.source = c->in->path;
    a->where.line = line;
    count_kept(c, line);
    return c->sink->activity ? c->sink->activity(c->sink->ctx, a) : 0;
}

int svc_trace(svc_ctx *c, wd_op op, uint32_t code, const svc_line *l, const char *session)
{
    if (c->traces >= SVC_TRACE_MAX) {
        c->dropped++;
        return 0;
    }
    c->traces++;
    wd_activity_rec a = {
        .operation = op,
        .outcome = WD_OUT_TRACE,
        .has_code = 1,
        .code = code,
        .time = l->time,
        .session = session && *session ? session : NULL,
        .count = -1,
        .component = l->source[0] ? l->source : NULL,
        .detail = l->msg,
    };
    return svc_emit(c, &a, c->line);
}

int svc_fact(svc_ctx *c, const char *key, const char *value, const char *time)
{
    wd_fact_rec f = {.key = key, .value = value, .source = c->in->path, .time = time};
    count_kept(c, c->line);
    return c->sink->fact ? c->sink->fact(c->sink->ctx, &f) : 0;
}

int svc_read(svc_ctx *c, void *reader, int (*on_line)(void *reader, const svc_line *l),
             int (*finish)(void *reader))
{
    wd_lines *lines = NULL;
    const char *line;
    size_t len;
    int rc, got;
    if (wd_lines_open(&lines, c->in) != 0)
        return wd_note(c->sink, WD_NOTE_UNREADABLE, c->in->path, wd_error_last(), NULL);
    while ((got = wd_lines_next(lines, &line, &len)) == 1) {
        svc_line l;
        c->summary->records++;
        c->line = wd_lines_number(lines);
        svc_parse(line, &l);
        if ((rc = on_line(reader, &l)) != 0)
            goto done;
    }
    if (got < 0 && (rc = wd_note(c->sink, WD_NOTE_PARTIAL, c->in->path, "read error", "line %llu",
                                 (unsigned long long)wd_lines_number(lines) + 1)) != 0)
        goto done;
    c->summary->errors += wd_lines_cut(lines);
    rc = finish(reader);
done:
    wd_lines_free(lines);
    return rc;
}

int svc_finish(svc_ctx *c)
{
    if (!c->dropped)
        return 0;
    return wd_note(c->sink, WD_NOTE_LIMIT, c->in->path,
                   "more error lines of servicing steps than are kept as trace; the rest "
                   "were counted, not kept",
                   "%llu lines", (unsigned long long)c->dropped);
}
