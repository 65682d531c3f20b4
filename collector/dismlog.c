/* dismlog.c - DISM.log read as operations: one per dism.exe run, from
 * "DISM.EXE: <----- Starting Dism.exe session ----->" and its "Executing
 * command line: dism /online /cleanup-image /restorehealth" to "<-----
 * Ending Dism.exe session ----->". The run's outcome is its final result
 * ("Failed while processing command cleanup-image. -
 * CPackageManagerCLIHandler::ExecuteCmdLine(hr:0x800f081f)", "processed the
 * command line but failed. HRESULT=800F0922"), else success; the other
 * error lines of the run are trace. A /Source that CBS refused ("CBS
 * AddSource failed with HRESULT=0x8007007b!") is its own failed activity.
 * Lines of dism.exe and of its DismHost process carry different PIDs; a
 * run owns both. "Host machine information" gives os.build and os.arch. */
#include "servicing.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define DISM_SESSIONS 8 /* runs followed at once (dism.exe and DismApi users) */
#define DISM_PIDS 4     /* processes of one run */

typedef struct dism_session {
    int used, api, failed, source_failed, reboot, online, offline;
    uint64_t seq;
    uint32_t pids[DISM_PIDS];
    unsigned npids;
    char id[16]; /* the dism.exe (or DismApi caller) process id */
    wd_op op;
    char target[SVC_PATH_MAX];
    char source[SVC_PATH_MAX];
    uint32_t hr, source_hr;
    char time[WD_TIME_MAX], source_time[WD_TIME_MAX];
    uint64_t line, source_line;
    char detail[SVC_DETAIL_MAX];        /* the failure line, else the command line */
    char source_detail[SVC_DETAIL_MAX]; /* the AddSource line */
} dism_session;

typedef struct dism_reader {
    svc_ctx c;
    dism_session s[DISM_SESSIONS];
    uint64_t seq;
    uint32_t last_pid; /* of the last line that named one (0: none) */
    char build[16], arch[16], ubr[16]; /* facts last sent */
    char host[SVC_DETAIL_MAX];          /* a dism.exe run's "Host machine information", */
    char host_time[WD_TIME_MAX];        /* held until its command line shows it is this machine */
    uint64_t evicted;
} dism_reader;

/* ------------------------------------------------------------- runs */

static int has_pid(const dism_session *s, uint32_t pid)
{
    for (unsigned i = 0; i < s->npids; i++)
        if (s->pids[i] == pid)
            return 1;
    return 0;
}

static dism_session *by_pid(dism_reader *r, uint32_t pid)
{
    for (int i = 0; pid && i < DISM_SESSIONS; i++)
        if (r->s[i].used && has_pid(&r->s[i], pid))
            return &r->s[i];
    return NULL;
}

static dism_session *newest(dism_reader *r, int api)
{
    dism_session *best = NULL;
    for (int i = 0; i < DISM_SESSIONS; i++)
        if (r->s[i].used && (api < 0 || r->s[i].api == api) && (!best || r->s[i].seq > best->seq))
            best = &r->s[i];
    return best;
}

/* The run a DISM.EXE line (which names no process) belongs to: the one of
 * the last process named, else the newest dism.exe run. */
static dism_session *exe_session(dism_reader *r)
{
    dism_session *s = by_pid(r, r->last_pid);
    return s ? s : newest(r, 0);
}

/* A /ScanHealth or /CheckHealth that ends without failing does not say in
 * dism.log whether it found corruption (CBS.log's summary does): its
 * outcome is unknown, so that it never reads as a clean store. */
static wd_outcome run_outcome(const dism_session *s, int ended, int at_eof)
{
    if (s->failed)
        return svc_outcome(s->hr, 0);
    if (ended && s->op == WD_OP_VERIFY)
        return WD_OUT_UNKNOWN;
    if (ended)
        return s->reboot ? WD_OUT_PENDING_REBOOT : WD_OUT_SUCCEEDED;
    return at_eof ? WD_OUT_IN_PROGRESS : WD_OUT_UNKNOWN;
}

/* A /Source CBS refused: failed when the run failed, else trace. */
static int source_activity(dism_reader *r, dism_session *s)
{
    wd_activity_rec a = {.operation = s->op == WD_OP_FEATURE ? WD_OP_FEATURE : WD_OP_REPAIR,
                         .outcome = s->failed ? WD_OUT_FAILED : WD_OUT_TRACE, .has_code = 1,
                         .code = s->source_hr, .time = s->source_time,
                         .target = s->source[0] ? s->source : NULL,
                         .session = s->id[0] ? s->id : NULL, .count = -1,
                         .detail = s->source_detail};
    return svc_emit(&r->c, &a, s->source_line);
}

/* Sends what the run did and frees it. Runs of no known operation (queries,
 * app provisioning) send nothing; neither do DismApi callers that never
 * failed (the log does not say what they asked for), nor /Image runs (they
 * service another Windows image, not this machine). */
static int run_end(dism_reader *r, dism_session *s, int ended, int at_eof)
{
    int rc = 0;
    char kb[16];
    if (s->op != WD_OP_UNKNOWN && !s->offline && (!s->api || s->failed)) {
        if (s->source_failed)
            rc = source_activity(r, s);
        wd_activity_rec a = {
            .operation = s->op,
            .outcome = run_outcome(s, ended, at_eof),
            .has_code = s->failed,
            .code = s->hr,
            .time = s->time[0] ? s->time : NULL,
            .kb = s->op == WD_OP_SERVICING && wd_find_kb(s->target, kb, sizeof kb) ? kb : NULL,
            .target = s->target[0] ? s->target : NULL,
            .session = s->id[0] ? s->id : NULL,
            .count = -1,
            .detail = s->detail,
        };
        if (!rc)
            rc = svc_emit(&r->c, &a, s->line ? s->line : r->c.line);
    }
    s->used = 0;
    return rc;
}

static dism_session *run_start(dism_reader *r, const svc_line *l, uint32_t pid, int api, int *rc)
{
    dism_session *s = by_pid(r, pid), *old = NULL;
    *rc = 0;
    if (s) /* the same process starts again: its last run never ended */
        *rc = run_end(r, s, 0, 0);
    for (int i = 0; !*rc && i < DISM_SESSIONS; i++)
        if (!r->s[i].used) {
            s = &r->s[i];
            break;
        } else if (!old || r->s[i].seq < old->seq) {
            old = &r->s[i];
        }
    if (!*rc && (!s || s->used)) {
        r->evicted++;
        *rc = run_end(r, s = old, 0, 0);
    }
    memset(s, 0, sizeof *s);
    s->used = 1;
    s->api = api;
    s->seq = ++r->seq;
    if (pid) {
        s->pids[s->npids++] = pid;
        wd_buf b = WD_BUF_INIT;
        wd_buf_printf(&b, "%u", (unsigned)pid);
        svc_copy(s->id, sizeof s->id, wd_buf_cstr(&b), b.len);
        wd_buf_free(&b);
    }
    svc_copy(s->time, sizeof s->time, l->time, strlen(l->time));
    s->line = r->c.line;
    return s;
}

/* ------------------------------------------------------------- commands */

/* A command-line option: "/name" or "/name:value" (also with '-'). */
static int option(const char *tok, size_t n, const char *name, const char **value)
{
    size_t k = strlen(name);
    if (n <= k || (tok[0] != '/' && tok[0] != '-') || !wd_strncaseeq(tok + 1, name, k))
        return 0;
    if (n == k + 1) {
        *value = NULL;
        return 1;
    }
    if (tok[k + 1] != ':')
        return 0;
    *value = tok + k + 2;
    return 1;
}

static void copy_value(char *out, size_t outsz, const char *v, const char *end)
{
    size_t o = 0;
    for (; v < end && o + 1 < outsz; v++)
        if (*v != '"')
            out[o++] = *v;
    out[o] = '\0';
}

/* One token of the command line; what it says goes into s. */
static void command_token(dism_session *s, const char *t, size_t n, char *name, size_t namesz)
{
    const char *v;
    static const struct {
        const char *opt;
        wd_op op;
    } ops[] = {{"restorehealth", WD_OP_REPAIR},        {"scanhealth", WD_OP_VERIFY},
               {"checkhealth", WD_OP_VERIFY},          {"startcomponentcleanup", WD_OP_SERVICING},
               {"enable-feature", WD_OP_FEATURE},      {"disable-feature", WD_OP_FEATURE},
               {"add-package", WD_OP_SERVICING},       {"remove-package", WD_OP_SERVICING}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (option(t, n, ops[i].opt, &v) && !s->op)
            s->op = ops[i].op;
    if (option(t, n, "online", &v))
        s->online = 1;
    else if (option(t, n, "image", &v))
        s->offline = 1;
    else if (option(t, n, "source", &v) && v && !s->source[0])
        copy_value(s->source, sizeof s->source, v, t + n);
    else if ((option(t, n, "featurename", &v) || option(t, n, "packagepath", &v) ||
              option(t, n, "packagename", &v)) &&
             v && !*name)
        copy_value(name, namesz, v, t + n);
}

/* "dism  /online /cleanup-image /restorehealth /source:F:\sources\install.wim
 * /limitaccess": the operation, what it is about, the repair source. */
static void command_line(dism_session *s, const char *cmd)
{
    char name[SVC_PATH_MAX] = "";
    for (const char *p = cmd; *p;) {
        p = wd_text_skip_blanks(p);
        const char *t = p;
        int quoted = 0;
        while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
            quoted ^= *p == '"';
            p++;
        }
        if (p > t)
            command_token(s, t, (size_t)(p - t), name, sizeof name);
    }
    if (s->op == WD_OP_REPAIR && s->source[0])
        svc_copy(s->target, sizeof s->target, s->source, strlen(s->source));
    else
        svc_copy(s->target, sizeof s->target, name, strlen(name));
    if (s->op == WD_OP_SERVICING && !name[0] && strstr(cmd, "omponent"))
        svc_copy(s->target, sizeof s->target, "StartComponentCleanup", 21);
    svc_copy(s->detail, sizeof s->detail, cmd, strlen(cmd));
}

/* ------------------------------------------------------------- facts */

/* "OS Version=10.0.19045" (or "=10.0.19045.2965"): the build, and the
 * revision after it when there is one. */
static void version_parts(const char *v, char *build, char *ubr, size_t sz)
{
    build[0] = ubr[0] = '\0';
    const char *p = strchr(v, '.');
    p = p ? strchr(p + 1, '.') : NULL;
    if (!p)
        return;
    size_t n = wd_text_digits(p + 1, 6);
    svc_copy(build, sz, p + 1, n);
    if (n && p[1 + n] == '.')
        svc_copy(ubr, sz, p + 2 + n, wd_text_digits(p + 2 + n, 6));
}

static int fact_once(dism_reader *r, char *last, size_t lastsz, const char *key, const char *v,
                     const char *time)
{
    if (!*v || !strcmp(last, v))
        return 0;
    svc_copy(last, lastsz, v, strlen(v));
    return svc_fact(&r->c, key, v, time);
}

/* "Host machine information: OS Version=10.0.22621, Running
 * architecture=amd64, Number of processors=12": the running system. */
static int host_info(dism_reader *r, const svc_line *l, const char *msg)
{
    char v[48], build[16], ubr[16], arch[16];
    int rc = 0;
    if (svc_field(msg, "OS Version=", ",", v, sizeof v)) {
        version_parts(v, build, ubr, sizeof build);
        rc = fact_once(r, r->build, sizeof r->build, "os.build", build, l->time);
    }
    if (!rc && svc_field(msg, "Running architecture=", ",", arch, sizeof arch)) {
        for (char *p = arch; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        rc = fact_once(r, r->arch, sizeof r->arch, "os.arch", arch, l->time);
    }
    return rc;
}

/* The held "Host machine information" of the run whose command line was
 * just read: the running system's facts, except for an /Image run, which
 * often runs in Windows PE or on a technician's PC (a real Configuration
 * Manager task sequence runs "X:\windows\system32\dism.exe /image:C:" on
 * a 17134 Windows PE to install Windows 7): that host is not this machine. */
static int held_host_info(dism_reader *r, const dism_session *s)
{
    int rc = 0;
    if (r->host[0] && !s->offline) {
        svc_line l = {0};
        svc_copy(l.time, sizeof l.time, r->host_time, strlen(r->host_time));
        rc = host_info(r, &l, r->host);
    }
    r->host[0] = '\0';
    return rc;
}

/* "Target image information: OS Version=10.0.22621.1702, ...": for an
 * /Online run the image is the running system, so its revision is the
 * OS's (checked against the host's build); an /Image run's is not. */
static int target_info(dism_reader *r, const svc_line *l, dism_session *s, const char *msg)
{
    char v[48], build[16], ubr[16];
    if (!s || !s->online || !svc_field(msg, "OS Version=", ",", v, sizeof v))
        return 0;
    version_parts(v, build, ubr, sizeof build);
    if (!ubr[0] || strcmp(build, r->build))
        return 0;
    return fact_once(r, r->ubr, sizeof r->ubr, "os.ubr", ubr, l->time);
}

/* ------------------------------------------------------------- lines */

static void fail(dism_session *s, uint32_t hr, const svc_line *l, uint64_t line)
{
    s->failed = 1;
    s->hr = hr;
    svc_copy(s->time, sizeof s->time, l->time, strlen(l->time));
    svc_copy(s->detail, sizeof s->detail, l->msg, strlen(l->msg));
    s->line = line;
}

/* "DISM.EXE: ..." lines: the run's start, command, system, end, result. */
static int exe_line(dism_reader *r, const svc_line *l, const char *m)
{
    dism_session *s = exe_session(r);
    uint32_t hr;
    int rc = 0;
    if (svc_starts(m, "<----- Starting Dism.exe session")) {
        run_start(r, l, r->last_pid, 0, &rc);
    } else if (svc_starts(m, "<----- Ending Dism.exe session")) {
        if (s) {
            svc_copy(s->time, sizeof s->time, l->time, strlen(l->time));
            s->line = s->failed ? s->line : r->c.line;
            rc = run_end(r, s, 1, 0);
        }
    } else if (svc_starts(m, "Host machine information")) {
        svc_copy(r->host, sizeof r->host, m, strlen(m));
        svc_copy(r->host_time, sizeof r->host_time, l->time, strlen(l->time));
    } else if (svc_starts(m, "Target image information")) {
        rc = target_info(r, l, s, m);
    } else if (s && svc_starts(m, "Executing command line:")) {
        command_line(s, wd_text_skip_blanks(m + 23));
        rc = held_host_info(r, s);
    } else if (s && strstr(m, "Reboot required=yes")) {
        s->reboot = 1;
    } else if (s && !s->failed && strstr(m, "failed") && svc_code_after(m, "HRESULT=", &hr) &&
               (hr & 0x80000000u)) {
        fail(s, hr, l, r->c.line);
    }
    return rc;
}

/* A DismApi.dll user (PowerShell Repair-WindowsImage, Settings): what it
 * asked for shows only when it fails ("CDISMPackageManager::RestoreHealth(hr:"). */
static wd_op api_operation(const char *m)
{
    if (strstr(m, "::RestoreHealth(hr:"))
        return WD_OP_REPAIR;
    if (strstr(m, "::ScanHealth(hr:") || strstr(m, "::CheckHealth(hr:"))
        return WD_OP_VERIFY;
    return WD_OP_UNKNOWN;
}

/* A line of a run's processes ("DISM Package Manager: PID=n TID=m ..."). */
static int step_line(dism_reader *r, dism_session *s, const svc_line *l)
{
    const char *m = l->msg;
    uint32_t hr;
    char v[SVC_PATH_MAX];
    if (strstr(m, "AddSource failed") && svc_code_after(m, "HRESULT=", &hr) && !s->source_failed) {
        s->source_failed = 1;
        s->source_hr = hr;
        svc_copy(s->source_time, sizeof s->source_time, l->time, strlen(l->time));
        svc_copy(s->source_detail, sizeof s->source_detail, m, strlen(m));
        s->source_line = r->c.line;
        return 0;
    }
    if (s->op == WD_OP_FEATURE && !s->target[0] &&
        svc_field(m, "option \"featurename\" with value \"", "\"", v, sizeof v))
        svc_copy(s->target, sizeof s->target, v, strlen(v));
    if (l->level != SVC_ERROR || !svc_failing_code(m, &hr))
        return 0;
    wd_op api = s->api ? api_operation(m) : WD_OP_UNKNOWN;
    if (!s->failed && (strstr(m, "ExecuteCmdLine(hr:") || api)) {
        if (api && !s->op)
            s->op = api;
        fail(s, hr, l, r->c.line);
        return 0;
    }
    return s->op ? svc_trace(&r->c, s->op, hr, l, s->id) : 0;
}

/* "PID=7092" in the first words of a line: 1 and *pid, or 0. */
static int line_pid(const char *m, uint32_t *pid)
{
    const char *p = strstr(m, "PID=");
    if (!p || p - m > 48)
        return 0;
    size_t n = wd_text_digits(p + 4, 9);
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (uint32_t)(p[4 + i] - '0');
    *pid = v;
    return n > 0 && v;
}

static int dism_line(void *reader, const svc_line *l)
{
    dism_reader *r = reader;
    const char *m = l->msg;
    uint32_t pid;
    int rc = 0;
    if (!l->stamped || strcmp(l->source, "DISM"))
        return 0;
    if (svc_starts(m, "DISM.EXE: "))
        return exe_line(r, l, m + 10);
    if (!line_pid(m, &pid))
        return 0;
    r->last_pid = pid;
    if (svc_starts(m, "API: ") && strstr(m, "<----- Starting DismApi.dll session")) {
        run_start(r, l, pid, 1, &rc);
        return rc;
    }
    if (svc_starts(m, "API: ") && strstr(m, "Host machine information"))
        return host_info(r, l, m);
    dism_session *s = by_pid(r, pid);
    if (!s && svc_starts(m, "DISM Image Session: ") && (s = newest(r, -1)) != NULL &&
        s->npids < DISM_PIDS)
        s->pids[s->npids++] = pid; /* the run's DismHost process starts */
    return s && has_pid(s, pid) ? step_line(r, s, l) : 0;
}

static int finish(void *reader)
{
    dism_reader *r = reader;
    int rc = 0;
    for (int i = 0; i < DISM_SESSIONS && !rc; i++)
        if (r->s[i].used)
            rc = run_end(r, &r->s[i], 0, r->s[i].seq == r->seq);
    if (!rc && r->evicted)
        rc = wd_note(r->c.sink, WD_NOTE_LIMIT, r->c.in->path,
                     "more DISM runs open at once than are followed; the oldest were reported "
                     "without their end",
                     "%llu runs", (unsigned long long)r->evicted);
    return rc ? rc : svc_finish(&r->c);
}

int wd_source_dism_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    dism_reader *r = calloc(1, sizeof *r);
    if (!r)
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, "out of memory", NULL);
    r->c = (svc_ctx){.in = in, .sink = sink, .summary = summary, .component = "DISM"};
    int rc = svc_read(&r->c, r, dism_line, finish);
    free(r);
    return rc;
}
