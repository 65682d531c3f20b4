/* internal.h - what the fix module's files share: the operations a step
 * expands to on this PC (stop, start, set a start type, rename a folder,
 * prompt), worked out from the live state so that --dry-run shows exactly
 * what carrying out does, and the journal writer every operation goes
 * through. */
#ifndef WD_FIX_INTERNAL_H
#define WD_FIX_INTERNAL_H

#include "fix.h"

#include <stddef.h>

/* The services each step touches, in the documented order
 * (report/kb/fixes.txt): restart-services restarts the Update Orchestrator
 * and then Windows Update; reset-components stops them Orchestrator first
 * (so it cannot start Windows Update again) and starts them in reverse. */
extern const char *const wd_fix_restart_stop[2];
extern const char *const wd_fix_restart_start[2];
extern const char *const wd_fix_reset_stop[4];
extern const char *const wd_fix_reset_start[4];

typedef enum wd_fix_opkind {
    WD_FOP_CHECK = 0, /* nothing to change (note says why), or a refusal */
    WD_FOP_STOP,      /* stop a service and wait */
    WD_FOP_START,     /* start a service and wait */
    WD_FOP_SET_START, /* set a start type (arg) */
    WD_FOP_RENAME,    /* rename a folder (path -> arg) */
    WD_FOP_RMDIR,     /* remove an empty folder */
    WD_FOP_PROMPT,    /* ask the user to restart */
} wd_fix_opkind;

/* One operation: what the journal records as one row. */
typedef struct wd_fix_op {
    wd_fix_opkind kind;
    char *target;   /* service name or folder path */
    char *arg;      /* start type, or the new folder path */
    char *note;     /* CHECK: what was found; PROMPT: the text */
    int refuse;     /* CHECK: the step cannot be carried out (note says why) */
    int64_t undoes; /* undo: the journal row it reverses; 0 */
} wd_fix_op;

typedef struct wd_fix_ops {
    wd_fix_op *v;
    size_t n, cap;
} wd_fix_ops;

void wd_fix_ops_clear(wd_fix_ops *ops);
/* Appends an operation (strings copied; NULL allowed). */
int wd_fix_ops_add(wd_fix_ops *ops, wd_fix_opkind kind, const char *target, const char *arg,
                   const char *note);
/* The journal's name of an operation ("stop-service", ...). */
const char *wd_fix_op_action(wd_fix_opkind kind);

/* Works out what a plan step does on this PC now (reads only). */
int wd_fix_expand(wd_fix_os *os, const wd_fix_step *step, const char *stamp, wd_fix_ops *out);
/* The suffix renamed folders get, ".wudiag-YYYYMMDD-HHMMSS" (UTC), from an
 * ISO time. */
void wd_fix_stamp(const char *iso, char out[32]);

/* Carries out ops for plan step `step_no` (fix `fix`), journaling each.
 * On a failure, starts again the services these ops stopped (in
 * restart_order, those not in it last) and returns WD_ERROR with the
 * outcome's message set. */
typedef struct wd_fix_exec {
    wd_fix_os *os;
    wd_store *s;
    int64_t run_id;
    const wd_fix_options *o;
    const wd_fix_ui *ui;
    wd_fix_outcome *out;
    int refusal_continues; /* undo: a reversal refused does not stop the others */
} wd_fix_exec;
int wd_fix_exec_ops(wd_fix_exec *x, int64_t step_no, const char *fix, const wd_fix_ops *ops,
                    const char *const *restart_order, size_t nrestart);
/* --dry-run: an os that reads through `real` and only pretends to act,
 * remembering what it pretended, so that later steps are worked out from
 * the state earlier ones would leave. Free with wd_fix_os_free. */
int wd_fix_os_sim(wd_fix_os *real, wd_fix_os **out);

/* Carries out one operation through os (waiting up to timeout_s for a
 * service); 0, or a failure with the message recorded. */
int wd_fix_act(wd_fix_os *os, const wd_fix_op *op, unsigned timeout_s);

/* One line through ui->say (printf-style). */
void wd_fix_say(const wd_fix_ui *ui, const char *fmt, ...) WD_PRINTF(2, 3);
/* Describes an operation as a line of text. */
void wd_fix_op_text(const wd_fix_op *op, wd_buf *out);

#endif
