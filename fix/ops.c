/* ops.c - what a plan step does on this PC, worked out from the live state
 * before it acts: which services to stop and start in the documented order
 * (those not installed are said so, a disabled one refuses the step), which
 * start types to set back, which folders to rename and to what. The same
 * list is printed by --dry-run and carried out by exec.c. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const wd_fix_restart_stop[2] = {"UsoSvc", "wuauserv"};
const char *const wd_fix_restart_start[2] = {"UsoSvc", "wuauserv"};
const char *const wd_fix_reset_stop[4] = {"UsoSvc", "wuauserv", "BITS", "CryptSvc"};
const char *const wd_fix_reset_start[4] = {"CryptSvc", "BITS", "wuauserv", "UsoSvc"};

#define N(a) (sizeof(a) / sizeof(a)[0])

/* ------------------------------------------------------------ op lists */

void wd_fix_ops_clear(wd_fix_ops *ops)
{
    for (size_t i = 0; i < ops->n; i++)
        free(ops->v[i].target), free(ops->v[i].arg), free(ops->v[i].note);
    free(ops->v);
    ops->v = NULL;
    ops->n = ops->cap = 0;
}

int wd_fix_ops_add(wd_fix_ops *ops, wd_fix_opkind kind, const char *target, const char *arg,
                   const char *note)
{
    wd_fix_op *op = wd_array_grow(&ops->v, &ops->n, &ops->cap, sizeof *op);
    if (!op)
        return wd_error_set(WD_ENOMEM, "out of memory planning a fix");
    op->kind = kind;
    op->target = wd_strdup(target);
    op->arg = wd_strdup(arg);
    op->note = wd_strdup(note);
    if ((target && !op->target) || (arg && !op->arg) || (note && !op->note))
        return wd_error_set(WD_ENOMEM, "out of memory planning a fix");
    return WD_OK;
}

static int refuse(wd_fix_ops *ops, const char *target, const char *note)
{
    int rc = wd_fix_ops_add(ops, WD_FOP_CHECK, target, NULL, note);
    if (!rc)
        ops->v[ops->n - 1].refuse = 1;
    return rc;
}

const char *wd_fix_op_action(wd_fix_opkind kind)
{
    static const char *const names[] = {"check",          "stop-service",  "start-service",
                                        "set-start-type", "rename-folder", "remove-empty-folder",
                                        "prompt-restart"};
    return kind <= WD_FOP_PROMPT ? names[kind] : "check";
}

void wd_fix_stamp(const char *iso, char out[32])
{
    /* "2024-03-01T12:34:56..." -> ".wudiag-20240301-123456" */
    snprintf(out, 32, ".wudiag-%.4s%.2s%.2s-%.2s%.2s%.2s", iso, iso + 5, iso + 8, iso + 11,
             iso + 14, iso + 17);
}

/* ----------------------------------------------------------- services */

static int query(wd_fix_os *os, const char *name, wd_fix_svc *out)
{
    memset(out, 0, sizeof *out);
    return os->query(os, name, out);
}

static int running(const wd_fix_svc *v)
{
    return v->exists && strcmp(v->state, "stopped") != 0;
}

/* Notes services that are not installed; refuses (returns 1) when one the
 * step must start again is disabled. */
static int check_services(wd_fix_os *os, const char *const *names, size_t n, wd_fix_svc *v,
                          wd_fix_ops *out, int *refused)
{
    char note[300];
    int rc = WD_OK;
    *refused = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        rc = query(os, names[i], &v[i]);
        if (!rc && !v[i].exists) {
            snprintf(note, sizeof note, "%s is not installed on this PC: nothing to stop or start",
                     names[i]);
            rc = wd_fix_ops_add(out, WD_FOP_CHECK, names[i], NULL, note);
        } else if (!rc && !strcmp(v[i].start, "disabled")) {
            snprintf(note, sizeof note,
                     "%s is Disabled, so it could not be started again: set it back to its "
                     "default start type first (the enable-service fix, or services.msc)",
                     names[i]);
            rc = refuse(out, names[i], note);
            *refused = 1;
        }
    }
    return rc;
}

/* Stops (in stop order) what runs, starts (in start order) what exists,
 * around the renames in `middle` (may be NULL). */
static int stop_start(wd_fix_os *os, const char *const *stop, const char *const *start, size_t n,
                      const wd_fix_ops *middle, wd_fix_ops *out)
{
    wd_fix_svc v[4];
    int refused, rc = check_services(os, stop, n, v, out, &refused);
    if (rc || refused)
        return rc;
    for (size_t i = 0; !rc && i < n; i++)
        if (running(&v[i]))
            rc = wd_fix_ops_add(out, WD_FOP_STOP, stop[i], NULL, NULL);
    for (size_t i = 0; !rc && middle && i < middle->n; i++) {
        const wd_fix_op *m = &middle->v[i];
        rc = wd_fix_ops_add(out, m->kind, m->target, m->arg, m->note);
    }
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t k = 0; k < n; k++)
            if (!strcmp(start[i], stop[k]) && v[k].exists)
                rc = wd_fix_ops_add(out, WD_FOP_START, start[i], NULL, NULL);
    return rc;
}

static int expand_enable(wd_fix_os *os, const wd_fix_step *step, wd_fix_ops *out)
{
    char note[300];
    int rc = WD_OK;
    for (size_t i = 0; !rc && i < step->nservices; i++) {
        const char *name = step->services[i];
        wd_fix_svc v;
        rc = query(os, name, &v);
        if (rc)
            break;
        if (!v.exists) {
            snprintf(note, sizeof note, "%s is not installed on this PC: nothing to set back",
                     name);
            rc = wd_fix_ops_add(out, WD_FOP_CHECK, name, NULL, note);
        } else if (strcmp(v.start, "disabled")) {
            snprintf(note, sizeof note, "%s starts as %s, not disabled: nothing to set back", name,
                     v.start);
            rc = wd_fix_ops_add(out, WD_FOP_CHECK, name, NULL, note);
        } else {
            rc = wd_fix_ops_add(out, WD_FOP_SET_START, name, step->defaults[i], NULL);
            if (!rc)
                rc = wd_fix_ops_add(out, WD_FOP_START, name, NULL, NULL);
        }
    }
    return rc;
}

/* ------------------------------------------------------------- folders */

/* A name for `path` + stamp that is not taken yet. */
static int free_name(wd_fix_os *os, const char *path, const char *stamp, wd_buf *out)
{
    for (int n = 1; n < 100; n++) {
        int exists = 0, empty = 0;
        wd_buf_reset(out);
        wd_buf_printf(out, "%s%s", path, stamp);
        if (n > 1)
            wd_buf_printf(out, "-%d", n);
        if (!wd_buf_ok(out))
            return wd_error_set(WD_ENOMEM, "out of memory planning a fix");
        int rc = os->folder(os, wd_buf_cstr(out), &exists, &empty);
        if (rc || !exists)
            return rc;
    }
    return wd_error_set(WD_ERROR, "every name for a renamed copy of %s is taken", path);
}

/* The renames of the update caches (never a deletion). */
static int cache_renames(wd_fix_os *os, const char *stamp, wd_fix_ops *out)
{
    static const char *const rel[] = {"SoftwareDistribution", "System32\\catroot2"};
    wd_buf dir = WD_BUF_INIT, path = WD_BUF_INIT, to = WD_BUF_INIT;
    int rc = os->windir(os, &dir);
    for (size_t i = 0; !rc && i < N(rel); i++) {
        int exists = 0, empty = 0;
        wd_buf_reset(&path);
        wd_buf_printf(&path, "%s\\%s", wd_buf_cstr(&dir), rel[i]);
        rc = wd_buf_ok(&path) ? os->folder(os, wd_buf_cstr(&path), &exists, &empty)
                              : wd_error_set(WD_ENOMEM, "out of memory planning a fix");
        if (!rc && !exists) {
            wd_buf_puts(&path, " does not exist: nothing to rename");
            rc = wd_fix_ops_add(out, WD_FOP_CHECK, NULL, NULL, wd_buf_cstr(&path));
        } else if (!rc && !(rc = free_name(os, wd_buf_cstr(&path), stamp, &to))) {
            rc = wd_fix_ops_add(out, WD_FOP_RENAME, wd_buf_cstr(&path), wd_buf_cstr(&to), NULL);
        }
    }
    wd_buf_free(&dir), wd_buf_free(&path), wd_buf_free(&to);
    return rc;
}

static int expand_reset(wd_fix_os *os, const char *stamp, wd_fix_ops *out)
{
    wd_fix_ops renames = {0};
    int rc = cache_renames(os, stamp, &renames);
    /* notes about missing folders first, then the procedure */
    for (size_t i = 0; !rc && i < renames.n; i++)
        if (renames.v[i].kind == WD_FOP_CHECK)
            rc = wd_fix_ops_add(out, WD_FOP_CHECK, NULL, NULL, renames.v[i].note);
    size_t k = 0;
    for (size_t i = 0; !rc && i < renames.n; i++)
        if (renames.v[i].kind == WD_FOP_RENAME)
            renames.v[k++] = renames.v[i];
        else
            free(renames.v[i].note), free(renames.v[i].target), free(renames.v[i].arg);
    if (!rc) {
        renames.n = k;
        rc = stop_start(os, wd_fix_reset_stop, wd_fix_reset_start, N(wd_fix_reset_stop), &renames,
                        out);
    }
    wd_fix_ops_clear(&renames);
    return rc;
}

int wd_fix_expand(wd_fix_os *os, const wd_fix_step *step, const char *stamp, wd_fix_ops *out)
{
    switch (step->kind) {
    case WD_FIXK_RESTART_SERVICES:
        return stop_start(os, wd_fix_restart_stop, wd_fix_restart_start, N(wd_fix_restart_stop),
                          NULL, out);
    case WD_FIXK_ENABLE_SERVICE:
        return expand_enable(os, step, out);
    case WD_FIXK_RESET_COMPONENTS:
        return expand_reset(os, stamp, out);
    case WD_FIXK_RESTART_PENDING:
        return wd_fix_ops_add(out, WD_FOP_PROMPT, NULL, NULL,
                              "Restart the PC to finish the pending update: save your work, then "
                              "Start > Power > \"Update and restart\" if offered, else Restart "
                              "(not Shut down). Then run wudiag fix again for what is left.");
    default:
        return wd_error_set(WD_EUSAGE, "wudiag fix cannot carry out %s", step->fix);
    }
}
