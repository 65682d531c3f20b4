/* undo.c - `wudiag fix --undo`: reverses what a fix run changed that can
 * be reversed, newest first: the renamed update caches go back (with the
 * update services stopped around it, as when they were renamed) when the
 * folder Windows made in their place is empty, or is moved aside with
 * --force (never deleted); start types are set back. Stops and starts are
 * not undone. Every reversal is journaled and linked to what it reverses. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A journal row that can be reversed. */
typedef struct undoable {
    int64_t id;
    int rename; /* else a start type */
    char *target, *after, *undo;
} undoable;

typedef struct undo_list {
    undoable *v;
    size_t n, cap;
    int oom;
} undo_list;

static int on_row(void *ctx, const wd_fix_step_rec *r)
{
    undo_list *l = ctx;
    int rename = r->action && !strcmp(r->action, "rename-folder");
    int start = r->action && !strcmp(r->action, "set-start-type");
    if (!r->result || strcmp(r->result, "done") || !r->undo || r->undone_by || !(rename || start))
        return 0;
    undoable *v = wd_array_grow(&l->v, &l->n, &l->cap, sizeof *v);
    if (!v)
        return l->oom = 1, WD_ENOMEM;
    v->id = r->id;
    v->rename = rename;
    v->target = wd_strdup(r->target);
    v->after = wd_strdup(r->after);
    v->undo = wd_strdup(r->undo);
    if (!v->target || !v->undo || (r->after && !v->after))
        return l->oom = 1, WD_ENOMEM;
    return 0;
}

static void list_free(undo_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].target), free(l->v[i].after), free(l->v[i].undo);
    free(l->v);
}

static int refuse_one(wd_fix_ops *ops, const char *target, const char *note)
{
    int rc = wd_fix_ops_add(ops, WD_FOP_CHECK, target, NULL, note);
    if (!rc)
        ops->v[ops->n - 1].refuse = 1;
    return rc;
}

/* --------------------------------------------------------------- folders */

/* The ops that put one renamed folder back. */
static int rename_back(wd_fix_os *os, const undoable *u, const wd_fix_options *o, const char *stamp,
                       wd_fix_ops *out)
{
    int exists = 0, empty = 0, moved = 0, moved_empty = 0;
    char note[1200];
    const char *orig = u->undo;
    int rc = os->folder(os, u->after ? u->after : "", &moved, &moved_empty);
    if (!rc)
        rc = os->folder(os, orig, &exists, &empty);
    if (rc)
        return rc;
    if (!u->after || !moved) {
        snprintf(note, sizeof note, "%s is gone: nothing to put back as %s",
                 u->after ? u->after : "the renamed folder", orig);
        return refuse_one(out, orig, note);
    }
    if (exists && !empty && !o->force) {
        snprintf(note, sizeof note,
                 "%s has files again (Windows made it anew after the reset), so %s was not put "
                 "back; to put it back anyway run wudiag fix --undo --force, which moves the new "
                 "folder aside (renamed, never deleted)",
                 orig, u->after);
        return refuse_one(out, orig, note);
    }
    if (exists && empty)
        rc = wd_fix_ops_add(out, WD_FOP_RMDIR, orig, NULL, NULL);
    else if (exists) {
        wd_buf aside = WD_BUF_INIT;
        wd_buf_printf(&aside, "%s%s-new", orig, stamp);
        rc = wd_buf_ok(&aside) ? wd_fix_ops_add(out, WD_FOP_RENAME, orig, wd_buf_cstr(&aside), NULL)
                               : wd_error_set(WD_ENOMEM, "out of memory undoing");
        wd_buf_free(&aside);
    }
    if (!rc)
        rc = wd_fix_ops_add(out, WD_FOP_RENAME, u->after, orig, NULL);
    if (!rc)
        out->v[out->n - 1].undoes = u->id;
    return rc;
}

/* The update services stopped around the renames, and started again
 * afterwards (only those that were running). */
static int around(wd_fix_os *os, const wd_fix_ops *middle, wd_fix_ops *out)
{
    int was[4] = {0}, disabled[4] = {0};
    int rc = WD_OK, renames = 0;
    for (size_t i = 0; i < middle->n; i++)
        renames |= middle->v[i].kind != WD_FOP_CHECK;
    for (size_t i = 0; !rc && renames && i < 4; i++) {
        wd_fix_svc v;
        memset(&v, 0, sizeof v);
        rc = os->query(os, wd_fix_reset_stop[i], &v);
        was[i] = !rc && v.exists && strcmp(v.state, "stopped") != 0;
        disabled[i] = !strcmp(v.start, "disabled");
        if (was[i])
            rc = wd_fix_ops_add(out, WD_FOP_STOP, wd_fix_reset_stop[i], NULL, NULL);
    }
    for (size_t i = 0; !rc && i < middle->n; i++) {
        const wd_fix_op *m = &middle->v[i];
        rc = wd_fix_ops_add(out, m->kind, m->target, m->arg, m->note);
        if (!rc)
            out->v[out->n - 1].refuse = m->refuse, out->v[out->n - 1].undoes = m->undoes;
    }
    for (size_t i = 0; !rc && i < 4; i++)
        for (size_t k = 0; k < 4; k++) {
            if (!was[k] || strcmp(wd_fix_reset_start[i], wd_fix_reset_stop[k]))
                continue;
            char note[200];
            snprintf(note, sizeof note, "%s is Disabled, so it cannot start again: left stopped",
                     wd_fix_reset_stop[k]);
            rc = disabled[k] ? wd_fix_ops_add(out, WD_FOP_CHECK, wd_fix_reset_stop[k], NULL, note)
                             : wd_fix_ops_add(out, WD_FOP_START, wd_fix_reset_start[i], NULL, NULL);
        }
    return rc;
}

/* ------------------------------------------------------------------ undo */

static int build_ops(wd_fix_os *os, const undo_list *l, const wd_fix_options *o, const char *stamp,
                     wd_fix_ops *out)
{
    wd_fix_ops folders = {0};
    int rc = WD_OK;
    for (size_t i = l->n; !rc && i-- > 0;)
        if (l->v[i].rename)
            rc = rename_back(os, &l->v[i], o, stamp, &folders);
    if (!rc)
        rc = around(os, &folders, out);
    for (size_t i = l->n; !rc && i-- > 0;) {
        if (l->v[i].rename)
            continue;
        rc = wd_fix_ops_add(out, WD_FOP_SET_START, l->v[i].target, l->v[i].undo, NULL);
        if (!rc)
            out->v[out->n - 1].undoes = l->v[i].id;
    }
    wd_fix_ops_clear(&folders);
    return rc;
}

int wd_fix_undo(wd_fix_os *os, wd_store *s, int64_t run_id, int64_t fix_run,
                const wd_fix_options *o, const wd_fix_ui *ui, wd_fix_outcome *out)
{
    wd_fix_options dflt = {60, 0, 0};
    undo_list l = {0};
    wd_fix_ops ops = {0};
    char now[WD_TIME_MAX], stamp[32];
    memset(out, 0, sizeof *out);
    o = o ? o : &dflt;
    wd_time_now(now);
    wd_fix_stamp(now, stamp);
    int rc = wd_store_fix_steps(s, fix_run, on_row, &l);
    if (l.oom)
        rc = wd_error_set(WD_ENOMEM, "out of memory reading the fix journal");
    if (!rc && !l.n)
        wd_fix_say(ui,
                   "Nothing to undo: fix run %lld changed no start type and renamed no "
                   "folder that is not undone already.",
                   (long long)fix_run);
    if (!rc && l.n)
        rc = build_ops(os, &l, o, stamp, &ops);
    if (!rc && l.n) {
        wd_fix_say(ui, "Undoing fix run %lld:", (long long)fix_run);
        wd_fix_exec x = {os, s, run_id, o, ui, out, 1};
        rc = wd_fix_exec_ops(&x, 1, "undo", &ops, wd_fix_reset_start, 4);
        if (rc == WD_ERROR && out->stopped)
            rc = WD_OK;
        out->stopped |= out->refused > 0;
    }
    wd_fix_ops_clear(&ops);
    list_free(&l);
    return rc;
}
