/* cbslog.c - CBS.log and DISM.log, the servicing stack's logs:
 * "2023-05-17 08:25:52, Info  CBS  text [HRESULT = 0x800f0805 - NAME]" and
 * "... DISM  ... - CDISMPackageManager::RestoreHealth(hr:0x800f081f)". Lines
 * stating a failing code become failures with the package or KB they name. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* One parsed line; strings point into the line or into this struct. */
typedef struct cbs_line {
    char time[WD_TIME_MAX]; /* local time as written: no zone */
    char source[32];        /* "CBS", "CSI", "DISM", ... */
    const char *msg;
} cbs_line;

/* "YYYY-MM-DD HH:MM:SS, Level<blanks>Source<blanks>Message". 0 or -1. */
static int parse_line(const char *line, cbs_line *out)
{
    const char *p = line;
    if (wd_text_digits(p, 4) != 4 || p[4] != '-' || wd_text_digits(p + 5, 2) != 2 || p[7] != '-' ||
        wd_text_digits(p + 8, 2) != 2 || p[10] != ' ' || wd_text_digits(p + 11, 2) != 2 ||
        p[13] != ':' || wd_text_digits(p + 14, 2) != 2 || p[16] != ':' ||
        wd_text_digits(p + 17, 2) != 2 || p[19] != ',')
        return -1;
    char stamp[20];
    memcpy(stamp, p, 19);
    stamp[19] = '\0';
    if (wd_time_normalize(stamp, out->time) != 0)
        return -1;
    size_t n = strlen(out->time);
    if (n && out->time[n - 1] == 'Z') /* the log is in local time: claim no zone */
        out->time[n - 1] = '\0';
    p = wd_text_skip_blanks(p + 20);
    const char *e = wd_text_token_end(p); /* the level: Info, Warning, Error, ... */
    if (e == p)
        return -1;
    p = wd_text_skip_blanks(e);
    e = wd_text_token_end(p);
    size_t slen = (size_t)(e - p) < sizeof out->source ? (size_t)(e - p) : sizeof out->source - 1;
    memcpy(out->source, p, slen);
    out->source[slen] = '\0';
    out->msg = wd_text_skip_blanks(e);
    return 0;
}

/* The first failing code (severity bit set) after one of the notations
 * servicing logs use; 0 when the line states none. */
static int failure_code(const char *msg, uint32_t *hr)
{
    static const char *const markers[] = {"[HRESULT = ", "HRESULT=", "hr:", "HRESULT = "};
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
        size_t mlen = strlen(markers[i]);
        for (const char *p = strstr(msg, markers[i]); p; p = strstr(p + 1, markers[i])) {
            const char *v = p + mlen;
            char tok[16];
            size_t n = 0;
            while (n < sizeof tok - 1 &&
                   (isxdigit((unsigned char)v[n]) || v[n] == 'x' || v[n] == 'X'))
                n++;
            memcpy(tok, v, n);
            tok[n] = '\0';
            if (n && wd_hresult_parse(tok, hr) == 0 && (*hr & 0x80000000u))
                return 1;
        }
    }
    return 0;
}

/* A package identity on the line ("Package_for_KB5020683~31bf3856ad364e35~
 * amd64~~19041.2251.1.5"), copied into a malloc'd string, or NULL. */
static char *package_of(const char *msg)
{
    const char *p = strstr(msg, "Package_");
    if (!p)
        return NULL;
    size_t n = 0;
    while (p[n] && !isspace((unsigned char)p[n]) && !strchr("\"',;()[]", p[n]))
        n++;
    return memchr(p, '~', n) ? wd_strndup(p, n) : NULL;
}

static int emit_failure(const wd_input *in, const wd_sink *sink, const char *origin,
                        const cbs_line *cl, const char *line, uint64_t lineno, uint32_t hr)
{
    char kb[32];
    char *pkg = package_of(cl->msg);
    wd_failure_rec f = {
        .hresult = hr,
        .origin = origin,
        .time = cl->time,
        .operation = "servicing",
        .title = pkg,
        .kb = wd_find_kb(cl->msg, kb, sizeof kb) ? kb : NULL,
        .context = line,
        .component = cl->source[0] ? cl->source : NULL,
        .source = in->path,
        .line = lineno,
    };
    int rc = sink->failure ? sink->failure(sink->ctx, &f) : 0;
    free(pkg);
    return rc;
}

/* Reads a servicing log; origin names it in failures. */
static int read_servicing_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary,
                              const char *origin)
{
    wd_lines *l = NULL;
    const char *line;
    size_t len;
    int rc = WD_OK, got;
    if (wd_lines_open(&l, in) != 0)
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    while ((got = wd_lines_next(l, &line, &len)) == 1) {
        cbs_line cl;
        uint32_t hr;
        summary->records++;
        if (parse_line(line, &cl) != 0 || !failure_code(cl.msg, &hr))
            continue; /* continuation lines and lines without a failing code */
        if ((rc = emit_failure(in, sink, origin, &cl, line, wd_lines_number(l), hr)) != 0)
            goto cleanup;
        summary->kept++;
    }
    if (got < 0)
        rc = wd_note(sink, WD_NOTE_PARTIAL, in->path, "read error", "line %llu",
                     (unsigned long long)wd_lines_number(l) + 1);
    summary->errors += wd_lines_cut(l);
cleanup:
    wd_lines_free(l);
    return rc;
}

int wd_source_cbs_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    return read_servicing_log(in, sink, summary, "CBS.log");
}

int wd_source_dism_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    return read_servicing_log(in, sink, summary, "DISM.log");
}
