/* cbs_startup.c - what CBS finishes while Windows starts. A package that
 * needs a restart is completed by startup processing ("Startup: Processing
 * advanced operation queue" ... "Startup: Processing complete. [HRESULT =
 * 0x...]"); when an advanced installer fails there, CBS announces a rollback
 * ("Startup: Failed to process advanced operation queue ... A rollback
 * transaction will be created"), restarts once more and ends with the
 * failure. That end is the outcome of the install: a commit activity of the
 * packages left pending, or of the startup changes when the log names none. */
#include "servicing.h"

#include <string.h>

/* The subject when the log shows no package waiting for the restart. */
#define STARTUP_TITLE "Servicing changes finished at startup"

void startup_pended(cbs_startup *st, const char *package, const char *kb)
{
    for (unsigned i = 0; i < st->npended; i++)
        if (!strcmp(st->pkg[i], package))
            return;
    if (st->npended == STARTUP_PENDED) { /* the oldest gives way */
        memmove(st->pkg[0], st->pkg[1], sizeof st->pkg[0] * (STARTUP_PENDED - 1));
        memmove(st->kb[0], st->kb[1], sizeof st->kb[0] * (STARTUP_PENDED - 1));
        st->npended--;
    }
    svc_copy(st->pkg[st->npended], sizeof st->pkg[0], package, strlen(package));
    svc_copy(st->kb[st->npended], sizeof st->kb[0], kb ? kb : "", kb ? strlen(kb) : 0);
    st->npended++;
}

/* CSI "(F) Failed execution of queue item Installer: Task Scheduler ({guid})
 * with HRESULT HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND).  Failure will not be
 * ignored: A rollback will be initiated ...": the installer to name. */
static void failed_installer(cbs_startup *st, const char *text)
{
    const char *p = strstr(text, "queue item Installer: ");
    if (!p || strstr(text, "Failure will be ignored"))
        return;
    p += strlen("queue item Installer: ");
    const char *e = strstr(p, " ({");
    svc_copy(st->installer, sizeof st->installer, p, e ? (size_t)(e - p) : strcspn(p, "("));
    st->installer_hr[0] = '\0';
    if ((p = strstr(p, "with HRESULT ")) != NULL) {
        p += strlen("with HRESULT ");
        svc_copy(st->installer_hr, sizeof st->installer_hr, p, strcspn(p, " ."));
    }
}

/* One commit activity per package left pending (one about the startup
 * changes when none is known), at line/time. */
static int startup_emit(svc_ctx *c, cbs_startup *st, wd_outcome o, uint32_t hr,
                        const char *time, uint64_t line, const char *why)
{
    wd_buf d = WD_BUF_INIT;
    int rc = 0;
    wd_buf_printf(&d, "%s", why);
    if (o == WD_OUT_FAILED && st->installer[0])
        wd_buf_printf(&d, "; the advanced installer '%s' failed%s%s", st->installer,
                      st->installer_hr[0] ? " with " : "", st->installer_hr);
    for (unsigned i = 0; i < (st->npended ? st->npended : 1) && !rc; i++) {
        wd_activity_rec a = {
            .operation = WD_OP_COMMIT,
            .outcome = o,
            .has_code = 1,
            .code = hr,
            .time = time,
            .kb = st->npended && st->kb[i][0] ? st->kb[i] : NULL,
            .package = st->npended ? st->pkg[i] : NULL,
            .title = st->npended ? NULL : STARTUP_TITLE,
            .target = o == WD_OUT_FAILED && st->installer[0] ? st->installer : NULL,
            .count = -1,
            .detail = wd_buf_cstr(&d),
        };
        rc = svc_emit(c, &a, line);
    }
    wd_buf_free(&d);
    return rc;
}

static void startup_done(cbs_startup *st)
{
    st->npended = 0;
    st->rollback = 0;
    st->installer[0] = '\0';
}

/* "Startup: Processing complete. [HRESULT = 0x800f0922 - ...]": how the
 * startup work ended. After an announced rollback, its restart (a success
 * or ERROR_SUCCESS_REBOOT_REQUIRED) is not the end: the end comes after it. */
static int processing_complete(svc_ctx *c, cbs_startup *st, const svc_line *l)
{
    uint32_t hr;
    int rc;
    if (!svc_code_after(l->msg, "[HRESULT = ", &hr))
        return 0;
    wd_outcome o = svc_outcome(hr, 0);
    if (o != WD_OUT_FAILED && st->rollback) {
        if (o == WD_OUT_PENDING_REBOOT)
            return 0;
        o = WD_OUT_FAILED, hr = st->rollback_hr;
    }
    rc = startup_emit(c, st, o, hr, l->time, c->line,
                      o == WD_OUT_FAILED ? "startup processing after the restart failed and "
                                           "the changes were rolled back"
                      : o == WD_OUT_PENDING_REBOOT
                          ? "startup processing needs one more restart"
                          : "startup processing after the restart completed");
    if (o != WD_OUT_PENDING_REBOOT)
        startup_done(st);
    return rc;
}

int startup_line(svc_ctx *c, cbs_startup *st, const svc_line *l, int *rc)
{
    uint32_t hr;
    *rc = 0;
    if (!strcmp(l->source, "CSI")) {
        if (l->level == SVC_ERROR)
            failed_installer(st, l->text);
        return 0;
    }
    if (!svc_starts(l->msg, "Startup: "))
        return 0;
    if (svc_starts(l->msg, "Startup: Processing complete")) {
        *rc = processing_complete(c, st, l);
        return 1;
    }
    if (svc_starts(l->msg, "Startup: Failed to process advanced operation queue") &&
        strstr(l->msg, "rollback") && svc_code_after(l->msg, "[HRESULT = ", &hr) &&
        (hr & 0x80000000u) && !st->rollback) {
        st->rollback = 1;
        st->rollback_hr = hr;
        st->rollback_line = c->line;
        svc_copy(st->rollback_time, sizeof st->rollback_time, l->time, strlen(l->time));
    }
    return 0; /* the Error line itself is still sent as trace */
}

int startup_finish(svc_ctx *c, cbs_startup *st)
{
    if (!st->rollback)
        return 0;
    int rc = startup_emit(c, st, WD_OUT_FAILED, st->rollback_hr, st->rollback_time,
                          st->rollback_line,
                          "startup processing after the restart failed and a rollback was "
                          "started; the log ends before it finished");
    startup_done(st);
    return rc;
}
