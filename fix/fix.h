/* fix.h - `wudiag fix`: which documented fixes the current findings call
 * for that wudiag can carry out (the plan, built from a report: pure, on
 * every platform), and carrying them out on this PC through a wd_fix_os
 * (the Windows service control manager and file system), step by step,
 * journaled in the history database, with an undo. */
#ifndef WD_FIX_H
#define WD_FIX_H

#include "common.h"
#include "report.h"
#include "store.h"

/* ------------------------------------------------------------------ plan */

/* What wudiag knows how to carry out (fixes.txt "auto ACTION"). */
typedef enum wd_fix_kind {
    WD_FIXK_RESTART_SERVICES = 0, /* "restart-services" */
    WD_FIXK_ENABLE_SERVICE,       /* "enable-service" */
    WD_FIXK_RESET_COMPONENTS,     /* "reset-components" */
    WD_FIXK_RESTART_PENDING,      /* "restart-pending": a prompt, never a reboot */
    WD_FIXK_COUNT
} wd_fix_kind;

/* The action name of a kind, and back (-1 for a name wudiag cannot carry out). */
const char *wd_fix_kind_name(wd_fix_kind k);
int wd_fix_kind_parse(const char *name);

typedef enum wd_fix_status {
    WD_FIXS_DO = 0,        /* carried out (after confirmation) */
    WD_FIXS_REFUSED,       /* not on this PC (why says why) */
    WD_FIXS_FAILED_BEFORE, /* the evidence shows it already failed: only
                              when asked for by name (--step) */
    WD_FIXS_AFTER_RESTART, /* comes after a restart the plan asks for first */
    WD_FIXS_BY_HAND,       /* nothing wudiag can do for it here (why) */
    WD_FIXS_LATER,         /* comes after a fix done by hand: only when
                              asked for by name (--step) */
} wd_fix_status;

const char *wd_fix_status_name(wd_fix_status s); /* "do", "refused", ... */

/* One step of a plan: one fix, for every finding that calls for it. */
typedef struct wd_fix_step {
    char *fix;   /* the fix id */
    char *title; /* its title in fixes.txt */
    wd_fix_kind kind;
    wd_fix_status status;
    char *why;       /* for every status but DO: why; NULL */
    char **services; /* enable-service: the services the findings name */
    char **defaults; /* ... and the start type Windows gives each */
    size_t nservices;
    char **reasons; /* "1st fix for: <finding title>", one per finding */
    size_t nreasons;
} wd_fix_step;

/* A finding whose first fix is one wudiag cannot carry out. */
typedef struct wd_fix_manual {
    char *fix, *title, *finding;
} wd_fix_manual;

/* The plan (read-only for callers). */
typedef struct wd_fix_plan {
    wd_fix_step *steps; /* in the order to carry them out */
    size_t n;
    wd_fix_manual *manual;
    size_t nmanual;
    int managed;     /* policy or a WSUS server manages the PC's updates */
    int restart_due; /* a restart is due: the prompt comes first, the rest waits */
    char *server;    /* the WSUS server, or NULL */
    char *verdict;   /* of the diagnosis it comes from */
    size_t findings; /* current findings */
    size_t effects;  /* ... of which effects of another (their cause's
                        fixes are theirs) */
} wd_fix_plan;

/* Builds the plan from a report's current findings: in their ranked order,
 * each finding's fixes in its order, only fixes fixes.txt marks "auto",
 * each once; a finding another one explains (its cause) adds nothing of its
 * own: fixing the cause is what it calls for. A fix the evidence shows
 * already failed never comes first (it is kept for --step only); an
 * "unmanaged" fix is refused on a managed PC. When a restart is due and a
 * finding asks for it first, the restart prompt comes first and the rest
 * waits for after it; otherwise the prompt comes last. only (may be NULL)
 * keeps that one fix, and refuses (WD_EUSAGE) a fix no current finding
 * calls for. Free with wd_fix_plan_free. */
int wd_fix_plan_build(const wd_report *r, const char *only, wd_fix_plan **out);
void wd_fix_plan_free(wd_fix_plan *p); /* NULL-safe */
/* The steps that will be carried out. */
size_t wd_fix_plan_todo(const wd_fix_plan *p);
/* Appends the plan as text (what each step is for, and what is not done). */
void wd_fix_plan_text(const wd_fix_plan *p, wd_buf *out);

/* ----------------------------------------------------------- this PC */

/* A service as the service control manager shows it now. */
typedef struct wd_fix_svc {
    int exists;
    char state[24]; /* records.h names: "running", "stopped", ... */
    char start[16]; /* "auto", "delayed-auto", "manual", "disabled", ... */
} wd_fix_svc;

/* What carrying out needs from the operating system. Every call returns
 * 0 or a negative WD_E* code with the message recorded (wd_error_set) and
 * the system's error number in `error`. Paths and names are UTF-8. */
typedef struct wd_fix_os wd_fix_os;
struct wd_fix_os {
    void *ctx;
    uint32_t error; /* the Win32 error of the last failed call; 0 */
    /* 1 elevated, 0 not, -1 unknown */
    int (*elevated)(wd_fix_os *os);
    int (*machine)(wd_fix_os *os, wd_buf *out);
    /* this process: its id and when it started (ISO UTC) */
    int (*self)(wd_fix_os *os, int64_t *pid, char started[WD_TIME_MAX]);
    /* 1 when process pid started at `started` still runs, else 0 */
    int (*alive)(wd_fix_os *os, int64_t pid, const char *started);
    int (*windir)(wd_fix_os *os, wd_buf *out);
    int (*query)(wd_fix_os *os, const char *name, wd_fix_svc *out);
    /* ask to stop / start and wait up to timeout_s for it */
    int (*stop)(wd_fix_os *os, const char *name, unsigned timeout_s);
    int (*start)(wd_fix_os *os, const char *name, unsigned timeout_s);
    int (*set_start)(wd_fix_os *os, const char *name, const char *start_type);
    /* *exists and *empty of a folder */
    int (*folder)(wd_fix_os *os, const char *path, int *exists, int *empty);
    int (*rename)(wd_fix_os *os, const char *from, const char *to);
    int (*rmdir_empty)(wd_fix_os *os, const char *path);
    void (*destroy)(wd_fix_os *os);
};

/* This PC's operating system (Windows); elsewhere WD_EUSAGE with a message.
 * Free with wd_fix_os_free. */
int wd_fix_os_native(wd_fix_os **out);
void wd_fix_os_free(wd_fix_os *os); /* NULL-safe */

/* ------------------------------------------------------------ carrying out */

/* How the CLI talks to the user while a plan runs. */
typedef struct wd_fix_ui {
    void *ctx;
    /* one line of progress (no newline) */
    void (*say)(void *ctx, const char *line);
    /* 1: carry out step i (0-based) of the plan; 0: skip it; -1: stop */
    int (*confirm)(void *ctx, const wd_fix_plan *p, size_t i);
} wd_fix_ui;

typedef struct wd_fix_options {
    unsigned timeout_s; /* for each service to stop or start (default 60) */
    int force;          /* undo: move a folder Windows made again aside */
    int dry_run;        /* say what would be done; change nothing */
} wd_fix_options;

/* What a run did. */
typedef struct wd_fix_outcome {
    size_t done, unchanged, skipped, failed, refused;
    int prompted;      /* asked for a restart */
    int stopped;       /* a step failed or was refused: the rest was not done */
    char message[512]; /* why it stopped, and what to do by hand */
} wd_fix_outcome;

/* Carries out the plan's steps in order through os, journaling every
 * action in run `run_id` of s before and after it acts. Asks ui before each
 * step (a NULL confirm carries out every one). A failure stops the plan:
 * services the step stopped are started again, and the outcome says why
 * and what to do by hand. With o->dry_run, only says what would be done. */
int wd_fix_carry_out(wd_fix_os *os, wd_store *s, int64_t run_id, const wd_fix_plan *p,
                     const wd_fix_options *o, const wd_fix_ui *ui, wd_fix_outcome *out);

/* Reverses the reversible steps of fix run `fix_run` not reversed yet (start
 * types set back; folders renamed back when the folder Windows made in
 * their place is empty, or moved aside with o->force), newest first,
 * journaled in run `run_id`. */
int wd_fix_undo(wd_fix_os *os, wd_store *s, int64_t run_id, int64_t fix_run,
                const wd_fix_options *o, const wd_fix_ui *ui, wd_fix_outcome *out);

/* 0 when this process runs elevated; else WD_EUSAGE saying how to elevate
 * (or WD_ERROR when it cannot tell). */
int wd_fix_check_elevated(wd_fix_os *os);

/* Starts a journal run for this process (kind "fix", or "undo" of run
 * `undoes`) after
 * refusing without elevation; refuses with WD_EBUSY while another run is in
 * progress (one whose process is gone is marked interrupted). */
int wd_fix_begin(wd_fix_os *os, wd_store *s, const char *kind, int64_t undoes,
                 const char *command_line, int64_t *run_id);

#endif
