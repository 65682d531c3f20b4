/* xml_fix.c - the report's fix-journal section: what the last `wudiag fix`
 * run on this machine that the snapshot can see did, step by step (the
 * store's fix_run and fix_step rows), so the report of a fixed PC says
 * what was changed, from what to what, and what can be undone. */
#include "write.h"

#include <string.h>

/* Which run a snapshot shows: the one whose re-diagnosis it is, else the
 * newest that started before it was collected (not the one it is the
 * diagnosis before). */
typedef struct pick {
    const wd_model *m;
    int64_t id;
} pick;

static int on_run(void *ctx, const wd_fix_run_rec *run)
{
    pick *p = ctx;
    const wd_model *m = p->m;
    if (run->after_snapshot_id == m->snapshot_id ||
        (run->snapshot_id != m->snapshot_id && run->started_at && m->collected_at &&
         strcmp(run->started_at, m->collected_at) <= 0)) {
        p->id = run->id;
        return 1; /* newest first: this is it */
    }
    return 0;
}

static void run_attrs(wd_emit *e, const wd_fix_run_rec *run)
{
    wd_em_i64(e, "run", run->id);
    wd_em_sym(e, "kind", run->kind);
    wd_em_sym(e, "state", run->state);
    wd_em_str(e, "machine", run->machine);
    wd_em_str(e, "started", run->started_at);
    wd_em_str(e, "ended", run->ended_at);
    if (run->undoes)
        wd_em_i64(e, "undoes", run->undoes);
    if (run->snapshot_id)
        wd_em_i64(e, "snapshot-before", run->snapshot_id);
    if (run->after_snapshot_id)
        wd_em_i64(e, "snapshot-after", run->after_snapshot_id);
    wd_em_text(e, "command-line", run->command_line);
    wd_em_text(e, "message", run->message);
}

static int on_step(void *ctx, const wd_fix_step_rec *s)
{
    wd_emit *e = ctx;
    wd_em_open(e, "step");
    wd_em_i64(e, "seq", s->seq);
    wd_em_i64(e, "step", s->step);
    wd_em_sym(e, "fix", s->fix);
    wd_em_sym(e, "action", s->action);
    wd_em_sym(e, "result", s->result);
    wd_em_str(e, "target", s->target);
    wd_em_str(e, "started", s->started_at);
    wd_em_str(e, "ended", s->ended_at);
    if (s->error)
        wd_em_i64(e, "error", s->error);
    if (s->undone_by)
        wd_em_i64(e, "undone-by", s->undone_by);
    wd_em_text(e, "before", s->before);
    wd_em_text(e, "after", s->after);
    wd_em_text(e, "message", s->message);
    wd_em_text(e, "undo", s->undo);
    wd_em_close(e);
    return e->err;
}

static int on_chosen(void *ctx, const wd_fix_run_rec *run)
{
    wd_emit *e = ctx;
    wd_em_open(e, "fix-journal");
    run_attrs(e, run);
    return e->err;
}

int wd_write_fix_journal(wd_writer *w)
{
    pick p = {w->m, 0};
    wd_store *s = w->m->store;
    int rc = s && w->m->machine ? wd_store_fix_runs(s, w->m->machine, on_run, &p) : WD_OK;
    if (rc < 0 || !p.id)
        return rc < 0 ? rc : WD_OK; /* no run: no section */
    rc = wd_store_fix_run(s, p.id, on_chosen, w->e);
    if (rc)
        return rc;
    wd_em_list(w->e, "steps");
    rc = wd_store_fix_steps(s, p.id, on_step, w->e);
    wd_em_list_end(w->e);
    wd_em_close(w->e);
    return rc ? rc : w->e->err;
}
