/* run.c - a `wudiag fix` run: refused without elevation or while another
 * run is in progress, then the plan's steps one at a time (each asked
 * for, each journaled, the first failure stopping the rest), or with
 * --dry-run the same steps worked out against a simulation of this PC. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- begin */

static int alive(void *ctx, const wd_fix_run_rec *run)
{
    wd_fix_os *os = ctx;
    return os->alive ? os->alive(os, run->pid, run->process_started) : 1;
}

int wd_fix_check_elevated(wd_fix_os *os)
{
    int e = os->elevated(os);
    if (e == 0)
        return wd_error_set(WD_EUSAGE,
                            "wudiag fix changes services and system folders and needs an "
                            "elevated prompt: open Start, type cmd, right-click Command Prompt, "
                            "choose \"Run as administrator\", and run wudiag fix there");
    if (e < 0)
        return wd_error_set(WD_ERROR, "wudiag fix cannot tell whether it runs elevated, so it "
                                      "does nothing; run it from an elevated prompt");
    return WD_OK;
}

int wd_fix_begin(wd_fix_os *os, wd_store *s, const char *kind, int64_t undoes,
                 const char *command_line, int64_t *run_id)
{
    wd_buf machine = WD_BUF_INIT;
    char started[WD_TIME_MAX] = "";
    int64_t pid = 0;
    *run_id = 0;
    int rc = wd_fix_check_elevated(os);
    if (!rc)
        rc = os->machine(os, &machine);
    if (!rc)
        rc = os->self(os, &pid, started);
    if (!rc) {
        wd_fix_run_rec run = {0};
        run.kind = kind;
        run.undoes = undoes;
        run.machine = wd_buf_cstr(&machine);
        run.command_line = command_line;
        run.pid = pid;
        run.process_started = started[0] ? started : NULL;
        rc = wd_store_fix_begin(s, &run, alive, os, run_id);
    }
    wd_buf_free(&machine);
    return rc;
}

/* ------------------------------------------------------------ the plan */

/* The order the plan text shows steps in: those carried out first. */
static size_t display_order(const wd_fix_plan *p, size_t *order)
{
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->n; i++)
            if ((p->steps[i].status == WD_FIXS_DO) == (pass == 0))
                order[k++] = i;
    return k;
}

static const char *const *restart_order(const wd_fix_step *s, size_t *n)
{
    if (s->kind == WD_FIXK_RESET_COMPONENTS) {
        *n = 4;
        return wd_fix_reset_start;
    }
    if (s->kind == WD_FIXK_RESTART_SERVICES) {
        *n = 2;
        return wd_fix_restart_start;
    }
    *n = 0;
    return NULL;
}

/* A step that is not carried out: one journal row saying why. */
static int journal_skip(wd_fix_exec *x, int64_t no, const wd_fix_step *s, const char *result,
                        const char *why)
{
    int64_t id;
    wd_fix_step_rec rec = {0};
    rec.run_id = x->run_id;
    rec.step = no;
    rec.fix = s->fix;
    rec.action = "check";
    rec.message = why;
    int rc = wd_store_fix_step_begin(x->s, &rec, &id);
    rec.result = result;
    if (!rc)
        rc = wd_store_fix_step_end(x->s, id, &rec);
    if (!strcmp(result, "refused"))
        x->out->refused++;
    else
        x->out->skipped++;
    return rc;
}

/* --dry-run: says what a step would do, and lets the simulation remember
 * it; a refusal stops the plan as it would. */
static int dry_step(wd_fix_exec *x, const wd_fix_ops *ops)
{
    wd_buf line = WD_BUF_INIT;
    int rc = WD_OK;
    for (size_t i = 0; !rc && i < ops->n; i++) {
        const wd_fix_op *op = &ops->v[i];
        wd_buf_reset(&line);
        wd_fix_op_text(op, &line);
        wd_fix_say(x->ui, "   %s%s", op->kind == WD_FOP_CHECK ? "" : "would ", wd_buf_cstr(&line));
        if (op->kind == WD_FOP_CHECK && op->refuse) {
            snprintf(x->out->message, sizeof x->out->message, "%s", op->note);
            x->out->stopped = 1;
            rc = WD_ERROR;
        } else {
            rc = wd_fix_act(x->os, op, 0); /* the simulation remembers it */
        }
    }
    wd_buf_free(&line);
    return rc;
}

/* Works out one step against os and says what it would do (dry run), or
 * carries it out. */
static int do_step(wd_fix_exec *x, int64_t no, const wd_fix_step *s, const char *stamp)
{
    wd_fix_ops ops = {0};
    int rc = wd_fix_expand(x->os, s, stamp, &ops);
    if (!rc && x->o->dry_run) {
        rc = dry_step(x, &ops);
    } else if (!rc) {
        size_t n;
        const char *const *order = restart_order(s, &n);
        rc = wd_fix_exec_ops(x, no, s->fix, &ops, order, n);
    }
    wd_fix_ops_clear(&ops);
    return rc;
}

/* Asks before a step; returns 1 carry out, 0 skip, -1 stop. */
static int ask(const wd_fix_exec *x, const wd_fix_plan *p, size_t i)
{
    if (x->o->dry_run || !x->ui || !x->ui->confirm)
        return 1;
    return x->ui->confirm(x->ui->ctx, p, i);
}

static int steps(wd_fix_exec *x, const wd_fix_plan *p, const size_t *order, size_t n,
                 const char *stamp)
{
    int rc = WD_OK, stop = 0;
    for (size_t k = 0; !rc && k < n; k++) {
        const wd_fix_step *s = &p->steps[order[k]];
        int64_t no = (int64_t)k + 1;
        if (s->status != WD_FIXS_DO || stop) {
            if (!x->o->dry_run)
                rc = journal_skip(x, no, s, s->status == WD_FIXS_REFUSED ? "refused" : "skipped",
                                  stop ? "not carried out: the plan stopped before it" : s->why);
            continue;
        }
        wd_fix_say(x->ui, "%lld. %s: %s", (long long)no, s->fix, s->title);
        int yes = ask(x, p, order[k]);
        if (yes <= 0) {
            rc = journal_skip(x, no, s, "skipped",
                              yes < 0 ? "you stopped the plan here"
                                      : "you chose not to carry it out");
            stop = yes < 0;
            continue;
        }
        rc = do_step(x, no, s, stamp);
        if (rc == WD_ERROR && x->out->stopped) {
            stop = 1;
            rc = WD_OK;
        }
    }
    return rc;
}

int wd_fix_carry_out(wd_fix_os *os, wd_store *s, int64_t run_id, const wd_fix_plan *p,
                     const wd_fix_options *o, const wd_fix_ui *ui, wd_fix_outcome *out)
{
    wd_fix_options dflt = {60, 0, 0};
    wd_fix_os *sim = NULL;
    char now[WD_TIME_MAX], stamp[32];
    size_t *order = calloc(p->n ? p->n : 1, sizeof *order);
    memset(out, 0, sizeof *out);
    if (!order)
        return wd_error_set(WD_ENOMEM, "out of memory carrying out the fix plan");
    o = o ? o : &dflt;
    int rc = o->dry_run ? wd_fix_os_sim(os, &sim) : WD_OK;
    wd_time_now(now);
    wd_fix_stamp(now, stamp);
    wd_fix_exec x = {sim ? sim : os, s, run_id, o, ui, out, 0};
    if (!rc)
        rc = steps(&x, p, order, display_order(p, order), stamp);
    wd_fix_os_free(sim);
    free(order);
    return rc;
}
