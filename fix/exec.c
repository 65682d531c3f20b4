/* exec.c - carrying out a step's operations one at a time: each is written
 * to the journal (committed) before it acts and again with the state after
 * it; the first failure stops the step, the services it had stopped are
 * started again, and the outcome says why and what to do by hand. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- state */

/* "running/manual" of a service, "missing" when it is not installed. */
static void svc_state(wd_fix_os *os, const char *name, wd_buf *out)
{
    wd_fix_svc v;
    memset(&v, 0, sizeof v);
    wd_buf_reset(out);
    if (os->query(os, name, &v))
        wd_buf_puts(out, "unknown");
    else if (!v.exists)
        wd_buf_puts(out, "missing");
    else
        wd_buf_printf(out, "%s/%s", v.state, v.start);
}

static void folder_state(wd_fix_os *os, const char *path, wd_buf *out)
{
    int exists = 0, empty = 0;
    wd_buf_reset(out);
    if (os->folder(os, path, &exists, &empty))
        wd_buf_puts(out, "unknown");
    else
        wd_buf_printf(out, "%s %s", path, !exists ? "(missing)" : empty ? "(empty)" : "(exists)");
}

/* The state an operation changes, before or after it. */
static void op_state(wd_fix_os *os, const wd_fix_op *op, int after, wd_buf *out)
{
    switch (op->kind) {
    case WD_FOP_STOP:
    case WD_FOP_START:
    case WD_FOP_SET_START:
        svc_state(os, op->target, out);
        break;
    case WD_FOP_RENAME: /* the path it has (undo reads the new one back) */
        wd_buf_reset(out);
        wd_buf_puts(out, after ? op->arg : op->target);
        break;
    case WD_FOP_RMDIR:
        folder_state(os, op->target, out);
        break;
    default:
        wd_buf_reset(out);
    }
}

/* ------------------------------------------------------------- acting */

/* What to do by hand when an operation failed. */
static void by_hand(const wd_fix_op *op, wd_buf *out)
{
    if (out->len && out->data[out->len - 1] != '.')
        wd_buf_putc(out, '.');
    switch (op->kind) {
    case WD_FOP_STOP:
        wd_buf_printf(out,
                      " By hand: stop %s in services.msc (or restart the PC), then run "
                      "wudiag fix again.",
                      op->target);
        break;
    case WD_FOP_START:
        wd_buf_printf(out,
                      " By hand: start %s in services.msc; if it will not start, restart "
                      "the PC.",
                      op->target);
        break;
    case WD_FOP_SET_START:
        wd_buf_printf(out, " By hand: in services.msc set the Startup type of %s to %s.",
                      op->target, op->arg);
        break;
    case WD_FOP_RENAME:
        wd_buf_printf(out,
                      " By hand: from an administrator prompt, with the update services "
                      "stopped, rename \"%s\" to \"%s\".",
                      op->target, op->arg);
        break;
    case WD_FOP_RMDIR:
        wd_buf_printf(out, " By hand: move \"%s\" aside, then run wudiag fix --undo again.",
                      op->target);
        break;
    default:
        break;
    }
}

int wd_fix_act(wd_fix_os *os, const wd_fix_op *op, unsigned t)
{
    os->error = 0;
    switch (op->kind) {
    case WD_FOP_STOP:
        return os->stop(os, op->target, t);
    case WD_FOP_START:
        return os->start(os, op->target, t);
    case WD_FOP_SET_START:
        return os->set_start(os, op->target, op->arg);
    case WD_FOP_RENAME:
        return os->rename(os, op->target, op->arg);
    case WD_FOP_RMDIR:
        return os->rmdir_empty(os, op->target);
    default:
        return WD_OK;
    }
}

static const char *result_of(const wd_fix_op *op, int failed, int changed)
{
    if (failed)
        return "failed";
    if (op->kind == WD_FOP_CHECK)
        return op->refuse ? "refused" : "unchanged";
    if (op->kind == WD_FOP_PROMPT)
        return "prompted";
    return changed ? "done" : "unchanged";
}

/* What reverses an operation: the start type before it, the folder's old
 * path. NULL: nothing (stops and starts are not undone). */
static const char *undo_of(const wd_fix_op *op, const char *before)
{
    if (op->kind == WD_FOP_RENAME)
        return op->target;
    if (op->kind == WD_FOP_SET_START && before) {
        const char *slash = strchr(before, '/');
        return slash ? slash + 1 : NULL;
    }
    return NULL;
}

/* Journals and carries out one op; *failed is set when it failed. */
static int run_op(wd_fix_exec *x, int64_t step_no, const char *fix, const wd_fix_op *op,
                  int *failed)
{
    wd_buf before = WD_BUF_INIT, after = WD_BUF_INIT, msg = WD_BUF_INIT, what = WD_BUF_INIT;
    int64_t id = 0;
    op_state(x->os, op, 0, &before);
    wd_fix_step_rec rec = {0};
    rec.run_id = x->run_id;
    rec.step = step_no;
    rec.fix = fix;
    rec.action = wd_fix_op_action(op->kind);
    rec.target = op->target;
    rec.before = before.len ? wd_buf_cstr(&before) : NULL;
    int rc = wd_store_fix_step_begin(x->s, &rec, &id);
    if (rc)
        goto cleanup;
    *failed = wd_fix_act(x->os, op, x->o && x->o->timeout_s ? x->o->timeout_s : 60) != WD_OK;
    if (*failed)
        wd_buf_puts(&msg, wd_error_last()), by_hand(op, &msg);
    else if (op->note)
        wd_buf_puts(&msg, op->note);
    op_state(x->os, op, !*failed, &after);
    rec.after = after.len ? wd_buf_cstr(&after) : NULL;
    rec.result = result_of(op, *failed,
                           strcmp(wd_buf_cstr(&before), wd_buf_cstr(&after)) != 0 ||
                               op->kind == WD_FOP_RENAME);
    rec.error = *failed ? x->os->error : 0;
    rec.message = msg.len ? wd_buf_cstr(&msg) : NULL;
    rec.undo = !*failed ? undo_of(op, rec.before) : NULL;
    rc = wd_store_fix_step_end(x->s, id, &rec);
    if (!rc && op->undoes && !*failed)
        rc = wd_store_fix_step_undone(x->s, op->undoes, id);
    int svc = op->kind == WD_FOP_STOP || op->kind == WD_FOP_START || op->kind == WD_FOP_SET_START;
    if (op->kind == WD_FOP_CHECK)
        wd_buf_puts(&what, op->note);
    else
        wd_fix_op_text(op, &what);
    wd_fix_say(x->ui, "   %s: %s%s%s%s", rec.result, wd_buf_cstr(&what), svc ? " (now " : "",
               svc ? wd_buf_cstr(&after) : "", svc ? ")" : "");
    if (*failed)
        snprintf(x->out->message, sizeof x->out->message, "%s", wd_buf_cstr(&msg));
    x->out->done += !strcmp(rec.result, "done");
    x->out->unchanged += !strcmp(rec.result, "unchanged");
    x->out->failed += *failed;
    x->out->refused += !strcmp(rec.result, "refused");
    x->out->prompted |= op->kind == WD_FOP_PROMPT;
cleanup:
    wd_buf_free(&before), wd_buf_free(&after), wd_buf_free(&msg), wd_buf_free(&what);
    return rc;
}

/* Whether ops[0..upto) stopped `name` and ops[0..upto] did not start it
 * again (or try to). */
static int left_stopped(const wd_fix_ops *ops, size_t upto, const char *name)
{
    int stopped = 0;
    for (size_t k = 0; k <= upto && k < ops->n; k++) {
        if (!wd_strcaseeq(ops->v[k].target ? ops->v[k].target : "", name))
            continue;
        if (ops->v[k].kind == WD_FOP_STOP && k < upto)
            stopped = 1;
        else if (ops->v[k].kind == WD_FOP_START)
            stopped = 0;
    }
    return stopped;
}

/* After a failure at ops[upto]: starts again, in the documented order, the
 * services this step stopped and had not started again (journaled as
 * their own rows). */
static int restore(wd_fix_exec *x, int64_t step_no, const char *fix, const wd_fix_ops *ops,
                   size_t upto, const char *const *order, size_t norder)
{
    int rc = WD_OK;
    for (size_t i = 0; !rc && i < norder; i++) {
        int failed = 0;
        if (!left_stopped(ops, upto, order[i]))
            continue;
        wd_fix_op op = {
            WD_FOP_START, (char *)order[i], NULL, "started again after the failure above", 0, 0};
        char saved[512];
        snprintf(saved, sizeof saved, "%s", x->out->message);
        rc = run_op(x, step_no, fix, &op, &failed);
        snprintf(x->out->message, sizeof x->out->message, "%s", saved);
    }
    return rc;
}

int wd_fix_exec_ops(wd_fix_exec *x, int64_t step_no, const char *fix, const wd_fix_ops *ops,
                    const char *const *restart_order, size_t nrestart)
{
    int rc = WD_OK;
    for (size_t i = 0; !rc && i < ops->n; i++) {
        int failed = 0;
        rc = run_op(x, step_no, fix, &ops->v[i], &failed);
        if (rc)
            return rc;
        if (ops->v[i].kind == WD_FOP_CHECK && ops->v[i].refuse && !x->refusal_continues) {
            snprintf(x->out->message, sizeof x->out->message, "%s", ops->v[i].note);
            x->out->stopped = 1;
            return WD_ERROR;
        }
        if (failed) {
            x->out->stopped = 1;
            rc = restore(x, step_no, fix, ops, i, restart_order, nrestart);
            return rc ? rc : WD_ERROR;
        }
    }
    return rc;
}
