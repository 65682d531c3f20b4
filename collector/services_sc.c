/* services_sc.c - reads `sc queryex` text (one block per service: SERVICE_NAME,
 * DISPLAY_NAME, STATE, exit codes, PID) and `sc qc` blocks (START_TYPE) in the
 * same file, merging both views of a service into one service record. In a
 * console transcript, `sc config NAME start= TYPE` answered SUCCESS and `sc
 * start NAME` answered FAILED 1058 (disabled) set the service's start type. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERVICES 4096

typedef struct {
    char *name, *display;
    const char *state, *start;
    int64_t pid, exit_code, service_exit_code;
} svc;

typedef struct {
    svc *v;
    size_t n, cap;
    svc *cur; /* the block being read */
    int overflow_noted;
    int sc_message; /* after an "[SC] ..." line: its message text follows */
    char cmd[16];   /* the sc verb of the last prompt line ("config", "start") */
    char cmd_name[256], cmd_start[32]; /* its service and its "start=" value */
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *sum;
    uint64_t line;
} sc_ctx;

/* ------------------------------------------------------------- code maps */

const char *wd_service_state_from_code(int64_t code)
{
    static const char *const names[] = {"stopped", "start-pending",    "stop-pending",
                                        "running", "continue-pending", "pause-pending",
                                        "paused"};
    if (code >= 1 && code <= 7)
        return names[code - 1];
    return "unknown";
}

const char *wd_service_start_from_code(int64_t code, int delayed)
{
    switch (code) {
    case 0:
        return "boot";
    case 1:
        return "system";
    case 2:
        return delayed ? "delayed-auto" : "auto";
    case 3:
        return "manual";
    case 4:
        return "disabled";
    default:
        return "unknown";
    }
}

/* "4  RUNNING" -> 4; -1 when the value does not start with a number. */
static int64_t lead_int(const char *s)
{
    int neg = *s == '-';
    int64_t v = 0;
    const char *p = s + neg;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p) && v < INT64_MAX / 10 - 10; p++)
        v = v * 10 + (*p - '0');
    return neg ? -v : v;
}

/* STATE by number, or by its English name when the number is missing. */
static const char *parse_state(const char *value)
{
    static const char *const words[] = {"STOPPED", "START_PENDING",    "STOP_PENDING",
                                        "RUNNING", "CONTINUE_PENDING", "PAUSE_PENDING",
                                        "PAUSED"};
    int64_t code = lead_int(value);
    if (code >= 0)
        return wd_service_state_from_code(code);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (wd_strncaseeq(value, words[i], strlen(words[i])))
            return wd_service_state_from_code((int64_t)i + 1);
    return "unknown";
}

/* "2   AUTO_START  (DELAYED)", "3   DEMAND_START", "4   DISABLED" */
static const char *parse_start(const char *value)
{
    int delayed = strstr(value, "DELAYED") != NULL;
    int64_t code = lead_int(value);
    if (code < 0) {
        if (strstr(value, "AUTO_START"))
            code = 2;
        else if (strstr(value, "DEMAND_START"))
            code = 3;
        else if (strstr(value, "DISABLED"))
            code = 4;
    }
    return wd_service_start_from_code(code, delayed);
}

/* -------------------------------------------------------------- services */

static svc *find_or_add(sc_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (wd_strcaseeq(c->v[i].name, name))
            return &c->v[i];
    if (c->n == MAX_SERVICES)
        return NULL;
    svc *s = wd_array_grow(&c->v, &c->n, &c->cap, sizeof *s);
    if (!s)
        return NULL;
    if (!(s->name = wd_strdup(name))) {
        c->n--;
        return NULL;
    }
    s->pid = s->exit_code = s->service_exit_code = -1;
    return s;
}

static int bad_line(sc_ctx *c, const char *reason)
{
    c->sum->errors++;
    return wd_note(c->sink, WD_NOTE_PARTIAL, c->in->path, reason, "line %llu", (unsigned long long)c->line);
}

static int start_block(sc_ctx *c, const char *name)
{
    if (!*name)
        return bad_line(c, "SERVICE_NAME without a name");
    c->sum->records++;
    c->sc_message = 0;
    c->cur = find_or_add(c, name);
    if (c->cur || c->overflow_noted)
        return 0;
    c->overflow_noted = 1;
    return wd_note(c->sink, WD_NOTE_LIMIT, c->in->path, "more than 4096 services; the rest are not read",
                   "line %llu", (unsigned long long)c->line);
}

/* Applies one "LABEL : value" line to the current block. */
static int apply(sc_ctx *c, const char *label, const char *value)
{
    if (wd_strcaseeq(label, "SERVICE_NAME"))
        return start_block(c, value);
    if (!c->cur)
        return c->overflow_noted ? 0 : bad_line(c, "service field before any SERVICE_NAME");
    svc *s = c->cur;
    if (wd_strcaseeq(label, "DISPLAY_NAME") && !s->display && *value)
        s->display = wd_strdup(value);
    else if (wd_strcaseeq(label, "STATE"))
        s->state = parse_state(value);
    else if (wd_strcaseeq(label, "START_TYPE"))
        s->start = parse_start(value);
    else if (wd_strcaseeq(label, "WIN32_EXIT_CODE"))
        s->exit_code = lead_int(value);
    else if (wd_strcaseeq(label, "SERVICE_EXIT_CODE"))
        s->service_exit_code = lead_int(value);
    else if (wd_strcaseeq(label, "PID"))
        s->pid = lead_int(value);
    return 0; /* TYPE, CHECKPOINT, WAIT_HINT, FLAGS, BINARY_PATH_NAME, ... */
}

static void trim_right(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* A console prompt and the command typed after it ("C:\WINDOWS\system32>
 * sc query wuauserv", "PS C:\> sc.exe qc bits"): output saved from a
 * console window holds one before each command. */
static int is_prompt(const char *p)
{
    if (!strncmp(p, "PS ", 3))
        p += 3;
    return isalpha((unsigned char)p[0]) && p[1] == ':' && p[2] == '\\' && strchr(p, '>');
}

/* Copies the next blank-separated word of *p into out (cut to size). */
static void next_word(const char **p, char *out, size_t size)
{
    size_t n = 0;
    while (isspace((unsigned char)**p))
        (*p)++;
    for (; **p && !isspace((unsigned char)**p); (*p)++)
        if (n + 1 < size)
            out[n++] = **p;
    out[n] = '\0';
}

/* Remembers the sc command of a prompt line ("C:\> sc config wuauserv
 * start= disabled", "PS C:\> sc.exe \\PC start bits") for the [SC] answer. */
static void remember_command(sc_ctx *c, const char *p)
{
    char w[256];
    c->cmd[0] = c->cmd_name[0] = c->cmd_start[0] = '\0';
    p = strchr(p, '>') + 1;
    next_word(&p, w, sizeof w);
    if (!wd_strcaseeq(w, "sc") && !wd_strcaseeq(w, "sc.exe"))
        return;
    next_word(&p, w, sizeof w);
    if (w[0] == '\\')
        next_word(&p, w, sizeof w);
    if (strlen(w) >= sizeof c->cmd)
        return;
    memcpy(c->cmd, w, strlen(w) + 1);
    next_word(&p, c->cmd_name, sizeof c->cmd_name);
    while (*p) {
        next_word(&p, w, sizeof w);
        if (wd_strcaseeq(w, "start=")) /* "start= disabled" */
            next_word(&p, c->cmd_start, sizeof c->cmd_start);
        else if (wd_strncaseeq(w, "start=", 6) && w[6] && strlen(w + 6) < sizeof c->cmd_start)
            memcpy(c->cmd_start, w + 6, strlen(w + 6) + 1);
    }
}

/* The start type a command's [SC] answer set: "sc config NAME start= auto"
 * and SUCCESS, or "sc start NAME" refused with 1058 (the service is
 * disabled). The language of the message text after it does not matter. */
static const char *answered_start(const sc_ctx *c, const char *answer)
{
    static const struct {
        const char *word, *start;
    } types[] = {{"auto", "auto"},     {"delayed-auto", "delayed-auto"}, {"demand", "manual"},
                 {"disabled", "disabled"}, {"boot", "boot"},            {"system", "system"}};
    if (!c->cmd_name[0])
        return NULL;
    if (wd_strcaseeq(c->cmd, "start") && strstr(answer, "FAILED 1058"))
        return "disabled";
    if (!wd_strcaseeq(c->cmd, "config") || !strstr(answer, "ChangeServiceConfig SUCCESS"))
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (wd_strcaseeq(c->cmd_start, types[i].word))
            return types[i].start;
    return NULL;
}

static int sc_answer(sc_ctx *c, const char *p)
{
    c->sc_message = 1;
    const char *start = answered_start(c, p);
    svc *s = start ? find_or_add(c, c->cmd_name) : NULL;
    if (s)
        s->start = start;
    if (!strstr(p, "FAILED"))
        return 0;
    return wd_note(c->sink, WD_NOTE_PARTIAL, c->in->path, p, "line %llu", (unsigned long long)c->line);
}

/* One line of sc output (modified in place). */
static int parse_line(sc_ctx *c, char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    trim_right(p);
    int prompt = is_prompt(p);
    if (prompt)
        remember_command(c, p);
    if (!*p || *p == '(' || prompt) /* blank, the flags line under STATE, a prompt */
        return 0;
    if (!strncmp(p, "[SC]", 4))
        return sc_answer(c, p);
    char *colon = strchr(p, ':');
    if (!colon && c->sc_message) /* "The specified service does not exist ..." */
        return 0;
    if (!colon)
        return bad_line(c, "not a line of sc output");
    *colon = '\0';
    trim_right(p);
    char *value = colon + 1;
    while (isspace((unsigned char)*value))
        value++;
    if (!*p) /* a continuation: more DEPENDENCIES */
        return 0;
    return apply(c, p, value);
}

static int emit_all(sc_ctx *c)
{
    wd_listing listing = {0};
    for (size_t i = 0; i < c->n; i++) {
        svc *s = &c->v[i];
        wd_service_rec rec = {s->name,
                              s->display,
                              s->state ? s->state : "unknown",
                              s->start ? s->start : "unknown",
                              s->pid,
                              s->exit_code,
                              s->service_exit_code,
                              c->in->path};
        int rc = c->sink->service ? c->sink->service(c->sink->ctx, &rec) : 0;
        if (rc)
            return rc;
        wd_listing_add(&listing, rec.name, rec.state);
        c->sum->kept++;
    }
    return wd_listing_fact(&listing, c->in->path, c->sink);
}

static int read_lines(sc_ctx *c, wd_lines *l)
{
    const char *line;
    size_t len;
    int r = 0, rc = 0;
    wd_buf copy = WD_BUF_INIT;
    while (rc == 0 && (r = wd_lines_next(l, &line, &len)) == 1) {
        c->line = wd_lines_number(l);
        wd_buf_reset(&copy);
        if (wd_buf_append(&copy, line, len) == 0)
            rc = parse_line(c, copy.data);
        else
            rc = bad_line(c, wd_error_last());
    }
    if (rc == 0 && r < 0)
        rc = wd_note(c->sink, WD_NOTE_PARTIAL, c->in->path, wd_error_last(), "line %llu",
                     (unsigned long long)c->line + 1);
    c->sum->errors += wd_lines_cut(l);
    wd_buf_free(&copy);
    return rc;
}

int wd_source_sc_queryex(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    sc_ctx c = {0};
    wd_lines *l = NULL;
    c.in = in;
    c.sink = sink;
    c.sum = summary;
    if (wd_lines_open(&l, in))
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_error_last(), NULL);
    int rc = read_lines(&c, l);
    if (rc == 0)
        rc = emit_all(&c);
    for (size_t i = 0; i < c.n; i++) {
        free(c.v[i].name);
        free(c.v[i].display);
    }
    free(c.v);
    wd_lines_free(l);
    return rc;
}
