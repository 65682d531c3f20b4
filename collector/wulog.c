/* wulog.c - WindowsUpdate.log, as Get-WindowsUpdateLog writes it on Windows
 * 10+ ("2024/04/11 12:48:04.6269606 1980  8444  Agent  text", slash or dash
 * dates) and the legacy tab-separated log of XP..8.1 ("2013-01-27<TAB>
 * 10:55:33:210<TAB>1160<TAB>3ca0<TAB>Agent<TAB>text"). Clear failure notations
 * become failures; the update server and client version become facts. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "WindowsUpdate.log"
#define MAX_DISTINCT 64 /* distinct fact values remembered per file */

/* One parsed log line; strings point into the line or into this struct. */
typedef struct wu_line {
    char time[WD_TIME_MAX]; /* local time as written: no zone */
    char component[64];
    const char *msg;
} wu_line;

typedef struct wu_state {
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *summary;
    char *seen[MAX_DISTINCT]; /* "key\tvalue" of facts already sent */
    size_t nseen;
    char last_op[16]; /* operation of an END line on the previous line */
    uint64_t last_op_line;
    int have_scan_exit;
    uint32_t scan_exit; /* exit code of the last "Finding updates" END */
} wu_state;

/* ------------------------------------------------------------ line prefix */

/* "YYYY/MM/DD HH:MM:SS.fffffff" or "YYYY-MM-DD<TAB>HH:MM:SS:mmm" to local
 * ISO text without a zone. Returns the end of the time, or NULL. */
static const char *parse_stamp(const char *p, char out[WD_TIME_MAX])
{
    if (wd_text_digits(p, 4) != 4 || (p[4] != '/' && p[4] != '-') ||
        wd_text_digits(p + 5, 2) != 2 || p[7] != p[4] || wd_text_digits(p + 8, 2) != 2 ||
        (p[10] != ' ' && p[10] != '\t'))
        return NULL;
    const char *t = wd_text_skip_blanks(p + 10);
    if (wd_text_digits(t, 2) != 2 || t[2] != ':' || wd_text_digits(t + 3, 2) != 2 || t[5] != ':' ||
        wd_text_digits(t + 6, 2) != 2)
        return NULL;
    const char *end = t + 8;
    if ((*end == '.' || *end == ':') && isdigit((unsigned char)end[1]))
        end += 1 + wd_text_digits(end + 1, 9);
    int zoned = (*end == '+' || *end == '-') && wd_text_digits(end + 1, 4) == 4;
    if (zoned) /* legacy "10:55:33:171+0100": the zone is known, give UTC */
        end += 5;
    char text[48];
    size_t tlen = (size_t)(end - t);
    memcpy(text, p, 10);
    text[10] = ' ';
    memcpy(text + 11, t, tlen);
    text[11 + tlen] = '\0';
    if (wd_time_normalize(text, out) != 0)
        return NULL;
    size_t n = strlen(out);
    if (!zoned && n && out[n - 1] == 'Z') /* local time: claim no zone */
        out[n - 1] = '\0';
    return end;
}

/* Splits a line into time, pid, tid, component and message. 0 or -1. */
static int parse_line(const char *line, wu_line *out)
{
    const char *p = parse_stamp(line, out->time);
    if (!p || (*p != ' ' && *p != '\t'))
        return -1;
    p = wd_text_skip_blanks(p);
    const char *e = wd_text_token_end(p);
    if (e == p || *e == '\0' || wd_text_digits(p, 10) != (size_t)(e - p))
        return -1; /* pid, decimal */
    p = wd_text_skip_blanks(e);
    e = wd_text_token_end(p);
    if (e == p || *e == '\0')
        return -1;
    for (const char *q = p; q < e; q++)
        if (!isxdigit((unsigned char)*q))
            return -1; /* tid: decimal (10+) or hex (legacy) */
    p = wd_text_skip_blanks(wd_text_token_end(p));
    const char *ce = wd_text_token_end(p);
    if (ce == p)
        return -1;
    size_t clen =
        (size_t)(ce - p) < sizeof out->component ? (size_t)(ce - p) : sizeof out->component - 1;
    memcpy(out->component, p, clen);
    out->component[clen] = '\0';
    out->msg = wd_text_skip_blanks(ce);
    return 0;
}

/* ------------------------------------------------------------- failures */

/* The code written after `marker` in msg ("0x8024402C", "8024402C"). */
static int code_after(const char *msg, const char *marker, uint32_t *hr)
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

/* "* END * Finding updates ..." (Windows 10+), "**  END  **  Agent: ..." (legacy). */
static int is_end_line(const char *msg)
{
    return strstr(msg, "* END *") || strstr(msg, "**  END  **");
}

static int is_failure_code(uint32_t hr)
{
    return (hr & 0x80000000u) != 0;
}

/* The failure code a message states clearly, or 0 when it states none:
 * "*FAILED* [hr]", "Exit code = 0x..." and "[hr = 0x...]" on END lines,
 * and the legacy "WARNING:"/"FATAL:" lines with "hr = " or "error = ". */
static int failure_code(const char *msg, uint32_t *hr)
{
    if (code_after(msg, "*FAILED* [", hr))
        return *hr != 0;
    if (code_after(msg, "Exit code = ", hr))
        return is_failure_code(*hr);
    if (is_end_line(msg) || strstr(msg, "WARNING:") || strstr(msg, "FATAL:")) {
        static const char *const markers[] = {"hr = ", "hr=", "error = ", "error "};
        for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
            if (code_after(msg, markers[i], hr) && is_failure_code(*hr))
                return 1;
    }
    return 0;
}

/* Is there a word at p starting with stem (any case) whose ending is one
 * of the endings allowed? "Installing" counts as install, "Installed rule"
 * (applicability) does not. A capital letter after the stem ends the word
 * (ScanForUpdates). */
static int word_at(const char *text, const char *p, const char *stem, const char *const *ends)
{
    size_t n = strlen(stem);
    if ((p > text && isalpha((unsigned char)p[-1])) || !wd_strncaseeq(p, stem, n))
        return 0;
    const char *q = p + n;
    size_t m = 0;
    while (islower((unsigned char)q[m]))
        m++;
    for (size_t i = 0; ends[i]; i++)
        if (strlen(ends[i]) == m && strncmp(q, ends[i], m) == 0)
            return 1;
    return 0;
}

/* Which operation a line talks about, from its words, else its component. */
static const char *operation_of(const char *msg, const char *component)
{
    static const char *const verb[] = {"", "s", "ing", "ation", "er", NULL};
    static const char *const plain[] = {"", "s", "ing", "ning", NULL};
    static const struct {
        const char *stem, *op;
        const char *const *ends;
    } words[] = {
        {"uninstall", "uninstall", verb}, {"install", "install", verb},
        {"download", "download", verb},   {"finding updates", "scan", plain},
        {"search", "scan", plain},        {"scan", "scan", plain},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        for (const char *p = msg; *p; p++)
            if (word_at(msg, p, words[i].stem, words[i].ends))
                return words[i].op;
    if (component &&
        (strcmp(component, "DownloadManager") == 0 || strcmp(component, "DnldMgr") == 0))
        return "download";
    if (component && strcmp(component, "Handler") == 0)
        return "install";
    return NULL;
}

/* Codes that show up by the hundred on healthy machines. */
static int is_benign(uint32_t hr)
{
    return hr == 0x80070032u || hr == 0x80248014u || hr == 0x8024000Eu;
}

/* "Title = ..." on the line, cut at the end of the line. */
static char *title_of(const char *msg)
{
    const char *p = strstr(msg, "Title = ");
    return p ? wd_strdup(p + 8) : NULL;
}

static int emit_failure(wu_state *st, const wu_line *wl, const char *line, uint64_t lineno,
                        uint32_t hr)
{
    const char *op = operation_of(wl->msg, wl->component);
    if (!op && st->last_op_line + 1 == lineno && st->last_op[0])
        op = st->last_op; /* legacy: the Exit code follows its END line */
    char kb[32];
    wd_buf ctx = WD_BUF_INIT;
    wd_buf_puts(&ctx, line);
    if (is_benign(hr))
        wd_buf_puts(&ctx, " [often benign]");
    char *title = title_of(wl->msg);
    wd_failure_rec f = {
        .hresult = hr,
        .origin = ORIGIN,
        .time = wl->time,
        .operation = op,
        .title = title,
        .kb = wd_find_kb(line, kb, sizeof kb) ? kb : NULL,
        .context = wd_buf_ok(&ctx) ? wd_buf_cstr(&ctx) : line,
        .component = wl->component,
        .source = st->in->path,
        .line = lineno,
    };
    int rc = st->sink->failure ? st->sink->failure(st->sink->ctx, &f) : 0;
    free(title);
    wd_buf_free(&ctx);
    if (rc == 0)
        st->summary->kept++;
    return rc;
}

/* ------------------------------------------------------------------ facts */

/* Sends key=value once per file. */
static int fact_once(wu_state *st, const char *key, const char *value, size_t vlen)
{
    wd_buf kv = WD_BUF_INIT;
    wd_buf_printf(&kv, "%s\t", key);
    wd_buf_append(&kv, value, vlen);
    if (!wd_buf_ok(&kv))
        return 0;
    for (size_t i = 0; i < st->nseen; i++) {
        if (strcmp(st->seen[i], kv.data) == 0) {
            wd_buf_free(&kv);
            return 0;
        }
    }
    wd_fact_rec f = {key, kv.data + strlen(key) + 1, st->in->path, NULL};
    int rc = st->sink->fact ? st->sink->fact(st->sink->ctx, &f) : 0;
    if (st->nseen < MAX_DISTINCT)
        st->seen[st->nseen++] = wd_buf_detach(&kv);
    wd_buf_free(&kv);
    return rc;
}

/* The value after marker, up to a blank, comma or quote. */
static int fact_after(wu_state *st, const char *msg, const char *marker, const char *key)
{
    const char *p = strstr(msg, marker);
    if (!p)
        return 0;
    p = wd_text_skip_blanks(p + strlen(marker));
    size_t n = strcspn(p, " \t,\"");
    if (n == 0 || (n == 6 && strncmp(p, "(null)", 6) == 0))
        return 0;
    return fact_once(st, key, p, n);
}

static int line_facts(wu_state *st, const char *msg)
{
    static const struct {
        const char *marker, *key;
    } facts[] = {
        {"Server URL = ", "wu.server_url"},
        {"for service url ", "wu.server_url"},
        {"WSUS server: ", "wu.wsus_server"},
        {"WSUS status server: ", "wu.wsus_status_server"},
        {"WU client version ", "wu.client_version"},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        int rc = fact_after(st, msg, facts[i].marker, facts[i].key);
        if (rc)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------ the reader */

/* Remembers END lines (their operation, for a legacy Exit code on the next
 * line) and the exit code of the last scan. */
static void track_end(wu_state *st, const char *msg, uint64_t lineno)
{
    uint32_t hr;
    int end = is_end_line(msg);
    if (!end && !strstr(msg, "Exit code = "))
        return;
    const char *op = operation_of(msg, NULL);
    if (!op && st->last_op_line + 1 == lineno && st->last_op[0])
        op = st->last_op;
    if (op && strcmp(op, "scan") == 0 && code_after(msg, "Exit code = ", &hr)) {
        st->have_scan_exit = 1;
        st->scan_exit = hr;
    }
    if (end) {
        snprintf(st->last_op, sizeof st->last_op, "%s", op ? op : "");
        st->last_op_line = lineno;
    }
}

static int on_line(wu_state *st, const char *line, uint64_t lineno)
{
    wu_line wl;
    uint32_t hr;
    if (parse_line(line, &wl) != 0)
        return 0; /* headers, blank lines, wrapped text: nothing to read */
    int rc = line_facts(st, wl.msg);
    if (rc == 0 && failure_code(wl.msg, &hr))
        rc = emit_failure(st, &wl, line, lineno, hr);
    track_end(st, wl.msg, lineno);
    return rc;
}

int wd_source_wu_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    wd_lines *l = NULL;
    wu_state st = {.in = in, .sink = sink, .summary = summary};
    const char *line;
    size_t len;
    int rc = wd_lines_open(&l, in), got;
    if (rc)
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    while ((got = wd_lines_next(l, &line, &len)) == 1) {
        summary->records++;
        if ((rc = on_line(&st, line, wd_lines_number(l))) != 0)
            goto cleanup;
    }
    if (got < 0 && (rc = wd_note(sink, WD_NOTE_PARTIAL, in->path, "read error", "line %llu",
                                 (unsigned long long)wd_lines_number(l) + 1)) != 0)
        goto cleanup;
    summary->errors += wd_lines_cut(l);
    if (st.have_scan_exit) {
        char hex[11];
        wd_hresult_format(st.scan_exit, hex);
        rc = fact_once(&st, "wulog.last_scan_exit", hex, strlen(hex));
    }
cleanup:
    for (size_t i = 0; i < st.nseen; i++)
        free(st.seen[i]);
    wd_lines_free(l);
    return rc;
}
