/* cbslog.c - CBS.log read as sessions: "Session: <id> initialized by client
 * ..." ... "Exec: Processing complete.  Session: <id>, Package: <pkg>
 * [HRESULT = 0x...]" ... "Session: <id> finalized. Reboot required: yes".
 * The session's final HRESULT is the outcome of the servicing operation;
 * Info lines carrying an HRESULT are trace and are not sent, Error lines
 * are sent as trace. Corruption checks and repairs (the "Checking System
 * Update Readiness" summary, "numCorruptions = N", "(F) Attempting to mark
 * store corrupt"), repair sources and SFC runs (cbs_sfc.c) become their
 * own activities. Memory is bounded: at most CBS_SESSIONS open sessions. */
#include "servicing.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CBS_SESSIONS 32 /* sessions tracked at once */
#define CBS_ID_MAX 48
#define CBS_CORRUPT 16      /* store corruption categories remembered */
#define CBS_SOURCE_LINES 10 /* lines after "Addsource" that may say why it failed */

enum { SES_FREE = 0, SES_INIT, SES_RUNNING, SES_DONE };

typedef struct cbs_session {
    int state;
    uint64_t seq;
    char id[CBS_ID_MAX];
    char package[SVC_PATH_MAX];
    char kb[16];
    char feature[96];   /* "Reporting selectable update change ... update: X" */
    int feature_failed;
    wd_op corruption;   /* repair/verify for "Session(Corruption Repairing)" */
    int has_hr;
    uint32_t hr;
    int summary_sent, summary_failed;
    uint32_t summary_hr;
    char time[WD_TIME_MAX];
    uint64_t line;
    char detail[SVC_DETAIL_MAX];
} cbs_session;

/* "Checking System Update Readiness." ... "Total Operation Time" */
typedef struct cbs_summary {
    int active, opened;
    wd_op op;
    int has_result;
    uint32_t result;
    int64_t detected, repaired;
    char time[WD_TIME_MAX];
    uint64_t line;
    char session[CBS_ID_MAX];
} cbs_summary;

typedef struct cbs_reader {
    svc_ctx c;
    cbs_session ses[CBS_SESSIONS];
    uint64_t seq;
    cbs_summary sum;
    int source_ttl; /* lines left for an "Addsource" to be refused */
    char source[SVC_PATH_MAX];
    char source_session[CBS_ID_MAX];
    sfc_run sfc;
    cbs_startup st;
    uint64_t corrupt[CBS_CORRUPT];
    unsigned ncorrupt;
    uint64_t evicted;
    char last_time[WD_TIME_MAX]; /* of the last stamped line (for continuations) */
    char utc_offset[8];          /* the last time.utc_offset sent ("+08:00") */
} cbs_reader;

/* ------------------------------------------------------------- sessions */

static cbs_session *ses_find(cbs_reader *r, const char *id)
{
    for (int i = 0; i < CBS_SESSIONS; i++)
        if (r->ses[i].state != SES_FREE && !strcmp(r->ses[i].id, id))
            return &r->ses[i];
    return NULL;
}

/* The session lines without a session id belong to: the newest running. */
static cbs_session *ses_current(cbs_reader *r)
{
    cbs_session *best = NULL;
    for (int i = 0; i < CBS_SESSIONS; i++)
        if ((r->ses[i].state == SES_RUNNING || r->ses[i].state == SES_DONE) &&
            (!best || r->ses[i].seq > best->seq))
            best = &r->ses[i];
    return best;
}

static int ses_busy(const cbs_reader *r)
{
    for (int i = 0; i < CBS_SESSIONS; i++)
        if (r->ses[i].state == SES_RUNNING || r->ses[i].state == SES_DONE)
            return 1;
    return 0;
}

/* The servicing activity a session ended with. forced: the outcome when the
 * log gives none (WD_OUT_UNKNOWN: decide from its HRESULT). */
static int ses_emit(cbs_reader *r, cbs_session *s, int reboot, wd_outcome forced, const char *why)
{
    wd_outcome o = s->has_hr ? svc_outcome(s->hr, reboot) : forced;
    wd_op op = s->corruption ? s->corruption : s->feature[0] ? WD_OP_FEATURE : WD_OP_SERVICING;
    int rc = 0;
    /* a corruption session whose summary already said how it ended */
    int same = s->corruption && s->summary_sent && s->has_hr &&
               ((o == WD_OUT_FAILED) == s->summary_failed) &&
               (o != WD_OUT_FAILED || s->hr == s->summary_hr);
    if (!same) {
        char kb[16];
        wd_activity_rec a = {
            .operation = op,
            .outcome = o,
            .has_code = s->has_hr,
            .code = s->hr,
            .time = s->time[0] ? s->time : NULL,
            .kb = s->kb[0] ? s->kb : wd_find_kb(s->package, kb, sizeof kb) ? kb : NULL,
            .package = s->package[0] ? s->package : NULL,
            .target = s->feature[0] ? s->feature : NULL,
            .session = s->id,
            .count = -1,
            .detail = why ? why : s->detail,
        };
        rc = svc_emit(&r->c, &a, s->line ? s->line : r->c.line);
        if (o == WD_OUT_PENDING_REBOOT && op == WD_OP_SERVICING && s->package[0])
            startup_pended(&r->st, s->package, a.kb);
    }
    s->state = SES_FREE;
    return rc;
}

/* A slot for id, freeing the least useful one when all are taken: a
 * session that never processed anything goes silently, one with a result
 * or still running is reported as the log has it so far. */
static cbs_session *ses_slot(cbs_reader *r, const char *id, const svc_line *l, int *rc)
{
    static const int prefer[] = {SES_FREE, SES_INIT, SES_DONE, SES_RUNNING};
    cbs_session *s = ses_find(r, id), *victim = NULL;
    *rc = 0;
    if (s)
        return s;
    for (int k = 0; k < 4 && !victim; k++)
        for (int i = 0; i < CBS_SESSIONS; i++)
            if (r->ses[i].state == prefer[k] && (!victim || r->ses[i].seq < victim->seq))
                victim = &r->ses[i];
    if (victim->state == SES_RUNNING || victim->state == SES_DONE) {
        r->evicted += victim->state == SES_RUNNING;
        *rc = ses_emit(r, victim, 0, WD_OUT_UNKNOWN,
                       victim->state == SES_DONE ? NULL
                                                 : "more servicing sessions open at once than are "
                                                   "followed; no result for this one");
    }
    memset(victim, 0, sizeof *victim);
    victim->state = SES_INIT;
    victim->seq = ++r->seq;
    svc_copy(victim->id, sizeof victim->id, id, strlen(id));
    svc_copy(victim->time, sizeof victim->time, l->time, strlen(l->time));
    return victim;
}

/* Every session ends when the servicing process starts again (at_eof: the
 * log ended): results are sent, running ones end without one. */
static int ses_flush(cbs_reader *r, int at_eof)
{
    int rc = 0;
    for (int i = 0; i < CBS_SESSIONS && !rc; i++) {
        cbs_session *s = &r->ses[i];
        if (s->state == SES_DONE)
            rc = ses_emit(r, s, 0, WD_OUT_UNKNOWN, NULL);
        else if (s->state == SES_RUNNING && at_eof)
            rc = ses_emit(r, s, 0, WD_OUT_IN_PROGRESS,
                          "the log ends while this servicing session is running");
        else if (s->state == SES_RUNNING)
            rc = ses_emit(r, s, 0, WD_OUT_UNKNOWN,
                          "the servicing process started again before this session reported a "
                          "result");
        s->state = SES_FREE;
    }
    return rc;
}

static void ses_outcome_line(cbs_session *s, const svc_line *l, uint64_t line)
{
    svc_copy(s->time, sizeof s->time, l->time, strlen(l->time));
    svc_copy(s->detail, sizeof s->detail, l->msg, strlen(l->msg));
    s->line = line;
}

/* The id in "Session: 31033555_3320119381, ..." or "Session(label): id". */
static int session_id(const char *msg, char *id, char *label, size_t labelsz)
{
    const char *p = strstr(msg, "ession(");
    label[0] = '\0';
    if (p) {
        svc_field(p, "ession(", ")", label, labelsz);
        return svc_field(p, "): ", ", [", id, CBS_ID_MAX) && *id;
    }
    return svc_field(msg, "Session: ", ", [", id, CBS_ID_MAX) && *id;
}

static void session_names(cbs_session *s, const char *msg, const char *label)
{
    if (!s->package[0])
        svc_field(msg, "Package: ", ", [", s->package, sizeof s->package);
    if (!s->kb[0] && svc_field(msg, "Identifier: ", ", [", s->kb, sizeof s->kb) &&
        !((s->kb[0] == 'K' || s->kb[0] == 'k') && (s->kb[1] == 'B' || s->kb[1] == 'b') &&
          isdigit((unsigned char)s->kb[2])))
        s->kb[0] = '\0'; /* "Identifier: (null)" of a DISM feature session names no KB */
    if (*label && !s->corruption && strstr(label, "orruption"))
        s->corruption = strstr(label, "Repair") ? WD_OP_REPAIR : WD_OP_VERIFY;
}

/* "Exec: Processing started.  Client: C, Session: S, Package: P, Identifier:
 * KB" and "Exec: Session processing started.  Client: Manual,
 * Session(DISM Package Manager Provider Store Corruption Detect/Repair): S". */
static int exec_started(cbs_reader *r, const svc_line *l)
{
    char id[CBS_ID_MAX], label[96];
    int rc;
    if (!session_id(l->msg, id, label, sizeof label))
        return 0;
    cbs_session *s = ses_slot(r, id, l, &rc);
    s->state = SES_RUNNING;
    s->seq = ++r->seq;
    s->line = r->c.line; /* where a session without a result points */
    svc_copy(s->time, sizeof s->time, l->time, strlen(l->time));
    session_names(s, l->msg, label);
    return rc;
}

/* "Exec: Processing complete.  Session: S, Package: P [HRESULT = 0x...]" and
 * "Exec: Processing complete, session(Corruption Repairing): S [HRESULT =". */
static int exec_complete(cbs_reader *r, const svc_line *l)
{
    char id[CBS_ID_MAX], label[96];
    int rc;
    if (!session_id(l->msg, id, label, sizeof label))
        return 0;
    cbs_session *s = ses_slot(r, id, l, &rc);
    s->state = SES_DONE;
    session_names(s, l->msg, label);
    s->has_hr = svc_code_after(l->msg, "[HRESULT = ", &s->hr);
    ses_outcome_line(s, l, r->c.line);
    return rc;
}

/* "Session: S initialized by client C" / "Session: S finalized. Reboot
 * required: no [HRESULT = 0x...]". A session that never processed a
 * package (a query) ends without an activity. */
static int session_line(cbs_reader *r, const svc_line *l)
{
    char id[CBS_ID_MAX];
    int rc = 0;
    svc_copy(id, sizeof id, l->msg + 9, strcspn(l->msg + 9, " ,"));
    if (strstr(l->msg, " initialized by client")) {
        ses_slot(r, id, l, &rc);
        return rc;
    }
    cbs_session *s = ses_find(r, id);
    if (!s || !strstr(l->msg, " finalized"))
        return 0;
    if (s->state == SES_INIT) {
        s->state = SES_FREE;
        return 0;
    }
    if (s->state == SES_RUNNING) {
        s->has_hr = svc_code_after(l->msg, "[HRESULT = ", &s->hr);
        ses_outcome_line(s, l, r->c.line);
    }
    return ses_emit(r, s, strstr(l->msg, "Reboot required: yes") != NULL, WD_OUT_UNKNOWN, NULL);
}

/* ------------------------------------------------------------- packages */

/* "Reporting selectable update change for package: P, update: NetFx3, ...,
 * overall result:0x800f081f (CBS_E_SOURCE_MISSING)": the session changes an
 * optional feature; the failing one is kept when several are changed. */
static void feature_line(cbs_reader *r, const char *msg)
{
    cbs_session *s = ses_current(r);
    uint32_t hr;
    char name[96];
    if (!s || !svc_field(msg, "update: ", ",", name, sizeof name) || !*name)
        return;
    int failed = svc_code_after(msg, "overall result:", &hr) && (hr & 0x80000000u);
    if (s->feature[0] && (s->feature_failed || !failed))
        return;
    svc_copy(s->feature, sizeof s->feature, name, strlen(name));
    s->feature_failed = failed;
}

/* "Reporting package change completion for package: P, current: Installed,
 * original: Staged, target: Installed, status: 0x0, ...": the end of a
 * package change outside any session (startup processing after a restart).
 * Inside a session the session's own result says the same. */
static int completion_line(cbs_reader *r, const svc_line *l)
{
    char pkg[SVC_PATH_MAX], cur[48], target[48], kb[16];
    uint32_t hr;
    if (ses_busy(r) || !svc_field(l->msg, "for package: ", ",", pkg, sizeof pkg) ||
        !svc_code_after(l->msg, "status: ", &hr))
        return 0;
    svc_field(l->msg, "current: ", ",", cur, sizeof cur);
    svc_field(l->msg, "target: ", ",", target, sizeof target);
    wd_outcome o = svc_outcome(hr, 0);
    if (o == WD_OUT_SUCCEEDED && strcmp(cur, target))
        o = strstr(cur, "Pending") ? WD_OUT_PENDING_REBOOT : WD_OUT_UNKNOWN;
    if (o == WD_OUT_PENDING_REBOOT)
        startup_pended(&r->st, pkg, wd_find_kb(pkg, kb, sizeof kb) ? kb : NULL);
    wd_activity_rec a = {.operation = WD_OP_SERVICING, .outcome = o, .has_code = 1, .code = hr,
                         .time = l->time, .kb = wd_find_kb(pkg, kb, sizeof kb) ? kb : NULL,
                         .package = pkg, .count = -1, .detail = l->msg};
    return svc_emit(&r->c, &a, r->c.line);
}

/* ------------------------------------------------------------- corruption */

static int64_t number_after(const char *s, const char *key)
{
    const char *p = strstr(s, key);
    if (!p)
        return -1;
    p += strlen(key);
    while (*p == ' ' || *p == '\t' || *p == '=')
        p++;
    size_t n = wd_text_digits(p, 9);
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return n ? v : -1;
}

static void summary_start(cbs_reader *r, const svc_line *l, int opened)
{
    cbs_session *s = ses_current(r);
    memset(&r->sum, 0, sizeof r->sum);
    r->sum.active = 1;
    r->sum.opened = opened;
    r->sum.detected = r->sum.repaired = -1;
    r->sum.line = r->c.line;
    const char *t = l->stamped ? l->time : r->last_time;
    svc_copy(r->sum.time, sizeof r->sum.time, t, strlen(t));
    if (s)
        svc_copy(r->sum.session, sizeof r->sum.session, s->id, strlen(s->id));
}

/* What the summary says: verify ("Detect only") or repair, failed when its
 * result fails or corruption is left, count = corruptions detected. */
static int summary_finish(cbs_reader *r)
{
    cbs_summary *m = &r->sum;
    if (!m->active)
        return 0;
    m->active = 0;
    if (m->detected < 0 && !m->has_result)
        return 0;
    wd_op op = m->op == WD_OP_REPAIR ? WD_OP_REPAIR : WD_OP_VERIFY;
    int failed = (m->has_result && (m->result & 0x80000000u)) ||
                 (m->detected > 0 && (op == WD_OP_VERIFY || m->repaired < m->detected));
    wd_buf d = WD_BUF_INIT;
    wd_buf_printf(&d, "%s: operation result 0x%08X, %lld corruption(s) detected, %lld repaired",
                  op == WD_OP_REPAIR ? "Detect and Repair" : "Detect only",
                  (unsigned)m->result, (long long)m->detected, (long long)m->repaired);
    wd_activity_rec a = {.operation = op, .outcome = failed ? WD_OUT_FAILED : WD_OUT_SUCCEEDED,
                         .has_code = m->has_result, .code = m->result,
                         .time = m->time[0] ? m->time : NULL,
                         .session = m->session[0] ? m->session : NULL, .count = m->detected,
                         .detail = wd_buf_cstr(&d)};
    int rc = svc_emit(&r->c, &a, m->line);
    wd_buf_free(&d);
    cbs_session *s = m->session[0] ? ses_find(r, m->session) : NULL;
    if (s) {
        s->summary_sent = 1;
        s->summary_failed = failed;
        s->summary_hr = m->result;
    }
    return rc;
}

/* One line of the summary (stamped, or a continuation of the older
 * layout); 1 when it was one. "Total Operation Time" ends the summary. */
static int summary_field(cbs_reader *r, const svc_line *l, const char *text, int *rc)
{
    cbs_summary *m = &r->sum;
    const char *t = wd_text_skip_blanks(text);
    *rc = 0;
    if (svc_starts(t, "Operation result:")) {
        m->has_result = svc_code_after(t, "Operation result:", &m->result);
    } else if (svc_starts(t, "Operation:")) {
        m->op = strstr(t, "Repair") ? WD_OP_REPAIR : WD_OP_VERIFY;
    } else if (svc_starts(t, "Total Detected Corruption:")) {
        m->detected = number_after(t, "Corruption:");
        m->line = r->c.line;
        if (l->stamped)
            svc_copy(m->time, sizeof m->time, l->time, strlen(l->time));
    } else if (svc_starts(t, "Total Repaired Corruption:")) {
        m->repaired = number_after(t, "Corruption:");
    } else if (svc_starts(t, "Total Operation Time")) {
        *rc = summary_finish(r);
    } else {
        return svc_starts(t, "Summary:") || svc_starts(t, "Last Successful Step") ||
               svc_starts(t, "CBS ") || svc_starts(t, "CSI ") || svc_starts(t, "(p)") ||
               svc_starts(t, "Repair failed") || svc_starts(t, "Staged Packages") || !*t;
    }
    return 1;
}

/* A continuation line (no timestamp): part of an older summary, or nothing. */
static int continuation(cbs_reader *r, const svc_line *l)
{
    int rc = 0;
    const char *t = wd_text_skip_blanks(l->msg);
    if (svc_starts(t, "Checking System Update Readiness")) {
        if ((rc = summary_finish(r)) != 0)
            return rc;
        summary_start(r, l, 1);
        return 0;
    }
    if (r->sum.active)
        summary_field(r, l, t, &rc);
    return rc;
}

/* "(F) Attempting to mark store corrupt with category [l:21 ml:22]
 * 'CorruptComponentValue'": corruption found while servicing; once per
 * category until the servicing process starts again. */
static int marked_corrupt(cbs_reader *r, const svc_line *l)
{
    char cat[64];
    const char *p = strstr(l->text, "category");
    if (!p)
        return 0;
    p += strcspn(p, "'\"");
    if (!*p)
        return 0;
    svc_copy(cat, sizeof cat, p + 1, strcspn(p + 1, "'\""));
    uint64_t h = svc_hash(cat, strlen(cat));
    for (unsigned i = 0; i < r->ncorrupt; i++)
        if (r->corrupt[i] == h)
            return 0;
    if (r->ncorrupt < CBS_CORRUPT)
        r->corrupt[r->ncorrupt++] = h;
    cbs_session *s = ses_current(r);
    wd_activity_rec a = {.operation = WD_OP_VERIFY, .outcome = WD_OUT_FAILED, .time = l->time,
                         .target = cat, .session = s ? s->id : NULL, .count = -1,
                         .component = "CSI", .detail = l->msg};
    return svc_emit(&r->c, &a, r->c.line);
}

/* "Corruption detection complete. numCorruptions = N": the store check of
 * automatic corruption detection; N = 0 is a clean store. */
static int detection_complete(cbs_reader *r, const svc_line *l)
{
    int64_t n = number_after(l->text, "numCorruptions");
    if (n < 0 || !strstr(l->text, "detection complete"))
        return 0;
    cbs_session *s = ses_current(r);
    wd_activity_rec a = {.operation = WD_OP_VERIFY,
                         .outcome = n ? WD_OUT_FAILED : WD_OUT_SUCCEEDED, .time = l->time,
                         .session = s ? s->id : NULL, .count = n, .component = "CSI",
                         .detail = l->msg};
    return svc_emit(&r->c, &a, r->c.line);
}

static int csi_line(cbs_reader *r, const svc_line *l)
{
    uint32_t hr;
    if (svc_starts(l->text, "(F) Attempting to mark store corrupt"))
        return marked_corrupt(r, l);
    if (strstr(l->text, "numCorruptions"))
        return detection_complete(r, l);
    if (l->level == SVC_ERROR && svc_failing_code(l->text, &hr)) {
        cbs_session *s = ses_current(r);
        return svc_trace(&r->c, s && s->corruption ? s->corruption : WD_OP_SERVICING, hr, l,
                         s ? s->id : NULL);
    }
    return 0;
}

/* ------------------------------------------------------------- sources */

/* "Addsource called ... Path: <path>": the repair source a client gave
 * (DISM /Source). A failure in the next lines says why it was refused. */
static void addsource(cbs_reader *r, const char *msg)
{
    char path[SVC_PATH_MAX];
    if (!svc_field(msg, "Path: ", ",[", path, sizeof path) || !*path)
        return;
    cbs_session *s = ses_current(r);
    svc_copy(r->source, sizeof r->source, path, strlen(path));
    svc_copy(r->source_session, sizeof r->source_session, s ? s->id : "", s ? strlen(s->id) : 0);
    r->source_ttl = CBS_SOURCE_LINES;
}

static int source_refused(cbs_reader *r, const svc_line *l, uint32_t hr)
{
    wd_activity_rec a = {.operation = WD_OP_REPAIR, .outcome = WD_OUT_FAILED, .has_code = 1,
                         .code = hr, .time = l->time, .target = r->source,
                         .session = r->source_session[0] ? r->source_session : NULL,
                         .count = -1, .detail = l->msg};
    r->source_ttl = 0;
    return svc_emit(&r->c, &a, r->c.line);
}

static int has_nocase(const char *s, const char *needle)
{
    for (size_t n = strlen(needle); *s; s++)
        if (wd_strncaseeq(s, needle, n))
            return 1;
    return 0;
}

/* ------------------------------------------------------------- lines */

static int restart(cbs_reader *r)
{
    int rc = summary_finish(r);
    if (!rc)
        rc = sfc_close(&r->c, &r->sfc, 0);
    if (!rc)
        rc = ses_flush(r, 0);
    r->ncorrupt = 0;
    r->source_ttl = 0;
    return rc;
}

/* Lines that end an open summary before they are read themselves. */
static int breaks_summary(const char *msg)
{
    return svc_starts(msg, "Exec:") || svc_starts(msg, "Session:") ||
           svc_starts(msg, "Starting T") || svc_starts(msg, "TI: ");
}

/* "Universal Time is: 2024-07-24 18:54:53.287", written at each TiWorker
 * start on a line stamped in local time ("2024-07-25 02:54:53"): the
 * machine's offset from UTC then, "+08:00" (rounded to a quarter hour), the
 * fact time.utc_offset. It lets the store put this local-time log, and the
 * others of the bundle, on the UTC time line of the events. */
static int utc_offset(cbs_reader *r, const svc_line *l)
{
    int64_t local, utc;
    char v[8];
    if (wd_time_parse(l->time, &local) || wd_time_parse(wd_text_skip_blanks(l->msg + 18), &utc))
        return 0;
    int64_t q = (local - utc + (local >= utc ? 450 : -450)) / 900; /* quarter hours */
    if (q < -14 * 4 || q > 14 * 4)
        return 0;
    int64_t mins = (q < 0 ? -q : q) * 15;
    snprintf(v, sizeof v, "%c%02d:%02d", q < 0 ? '-' : '+', (int)(mins / 60), (int)(mins % 60));
    if (!strcmp(v, r->utc_offset))
        return 0;
    memcpy(r->utc_offset, v, sizeof v);
    return svc_fact(&r->c, "time.utc_offset", v, l->time);
}

static int cbs_message(cbs_reader *r, const svc_line *l)
{
    const char *m = l->msg;
    uint32_t hr;
    int rc;
    if (startup_line(&r->c, &r->st, l, &rc))
        return rc;
    if (svc_starts(m, "Universal Time is: "))
        return utc_offset(r, l);
    if (svc_starts(m, "Exec: Processing started") || svc_starts(m, "Exec: Session processing started"))
        return exec_started(r, l);
    if (svc_starts(m, "Exec: Processing complete"))
        return exec_complete(r, l);
    if (svc_starts(m, "Session: "))
        return session_line(r, l);
    if (svc_starts(m, "Starting TiWorker initialization") ||
        svc_starts(m, "Starting TrustedInstaller initialization") ||
        svc_starts(m, "TI: --- Initializing Trusted Installer"))
        return restart(r);
    /* Windows 7 / 8.1 / Server 2012 R2 write these two with "SQM: " before */
    const char *sqm = svc_starts(m, "SQM: ") ? m + 5 : m;
    if (svc_starts(sqm, "Reporting selectable update change"))
        feature_line(r, sqm);
    else if (svc_starts(sqm, "Reporting package change completion"))
        return completion_line(r, l);
    else if (strstr(m, "Path:") && has_nocase(m, "addsource"))
        addsource(r, m);
    int failing = (l->level == SVC_ERROR || r->source_ttl) && svc_failing_code(m, &hr);
    if (failing && r->source_ttl)
        return source_refused(r, l, hr);
    if (r->source_ttl)
        r->source_ttl--;
    if (failing && l->level == SVC_ERROR) {
        cbs_session *s = ses_current(r);
        return svc_trace(&r->c, s && s->corruption ? s->corruption : WD_OP_SERVICING, hr, l,
                         s ? s->id : NULL);
    }
    return 0;
}

/* A stamped CBS line while a summary is open (or one that starts it). */
static int summary_line(cbs_reader *r, const svc_line *l, int *consumed)
{
    int rc = 0;
    *consumed = 0;
    if (svc_starts(l->msg, "Checking System Update Readiness")) {
        if ((rc = summary_finish(r)) == 0)
            summary_start(r, l, 1);
        *consumed = 1;
        return rc;
    }
    if (!r->sum.active && svc_starts(l->msg, "Total Detected Corruption"))
        summary_start(r, l, 0);
    if (!r->sum.active)
        return 0;
    if (breaks_summary(l->msg))
        return summary_finish(r);
    *consumed = summary_field(r, l, l->msg, &rc) || r->sum.opened;
    if (!*consumed && !rc)
        rc = summary_finish(r); /* the end of a summary without its header */
    return rc;
}

static int cbs_line(void *reader, const svc_line *l)
{
    cbs_reader *r = reader;
    int rc = 0, consumed;
    if (!l->stamped)
        return continuation(r, l);
    memcpy(r->last_time, l->time, sizeof r->last_time);
    if (sfc_line(&r->c, &r->sfc, l, &rc))
        return rc;
    if (!strcmp(l->source, "CSI")) {
        startup_line(&r->c, &r->st, l, &rc);
        return csi_line(r, l);
    }
    if (strcmp(l->source, "CBS"))
        return 0;
    if ((rc = sfc_other_line(&r->c, &r->sfc)) != 0)
        return rc;
    if ((rc = summary_line(r, l, &consumed)) != 0 || consumed)
        return rc;
    return cbs_message(r, l);
}

static int finish(void *reader)
{
    cbs_reader *r = reader;
    int rc = summary_finish(r);
    if (!rc)
        rc = sfc_close(&r->c, &r->sfc, 1);
    if (!rc)
        rc = ses_flush(r, 1);
    if (!rc)
        rc = startup_finish(&r->c, &r->st);
    if (!rc && r->evicted)
        rc = wd_note(r->c.sink, WD_NOTE_LIMIT, r->c.in->path,
                     "more servicing sessions open at once than are followed; the oldest were "
                     "reported with what the log said of them so far",
                     "%llu sessions", (unsigned long long)r->evicted);
    if (!rc)
        rc = svc_finish(&r->c);
    return rc;
}

int wd_source_cbs_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    cbs_reader *r = calloc(1, sizeof *r);
    if (!r)
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, "out of memory", NULL);
    r->c = (svc_ctx){.in = in, .sink = sink, .summary = summary, .component = "CBS"};
    int rc = svc_read(&r->c, r, cbs_line, finish);
    free(r);
    return rc;
}
