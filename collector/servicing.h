/* servicing.h - what the CBS.log and DISM.log readers share (cbslog.c,
 * cbs_sfc.c, dismlog.c, servicing.c): the parsed line, the reader context
 * that sends activities and facts, code notations, and the SFC run state.
 * Private to the collector; docs/activities.md says what each line means. */
#ifndef WD_COLLECTOR_SERVICING_H
#define WD_COLLECTOR_SERVICING_H

#include "internal.h"

#include <stdint.h>

#define SVC_DETAIL_MAX 512 /* bytes of a log line kept as an activity's detail */
#define SVC_PATH_MAX 264   /* a path or package identity */
#define SVC_TRACE_MAX 200  /* trace activities (error lines of steps) per file */

enum { SVC_OTHER = 0, SVC_INFO, SVC_WARNING, SVC_ERROR };

/* One line of a servicing log. "YYYY-MM-DD HH:MM:SS, Level Source Message";
 * lines without that prefix (continuations of a multi-line message) have
 * stamped = 0 and msg = the whole line. */
typedef struct svc_line {
    int stamped;
    char time[WD_TIME_MAX]; /* "2023-05-17T08:25:52": local time, no zone */
    int level;              /* SVC_INFO ... */
    char source[8];         /* "CBS", "CSI", "DISM", "DEPLOY" */
    const char *msg;        /* the message */
    const char *text;       /* CSI: the message after its sequence number */
} svc_line;

/* Splits a line; 0, or -1 when it has no timestamp prefix (then only msg). */
int svc_parse(const char *line, svc_line *out);

/* The reader's output side: the sink, the file, counts and a scratch buffer. */
typedef struct svc_ctx {
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *summary;
    uint64_t line;      /* number of the line being read */
    uint64_t last_kept; /* last line counted in summary->kept */
    unsigned traces;    /* trace activities sent */
    uint64_t dropped;   /* trace lines past SVC_TRACE_MAX */
    const char *component; /* "CBS" or "DISM" for records without their own */
} svc_ctx;

/* Sends an activity: fills where (this file, line), the product from kb and
 * package when unset, and counts the line as kept. Returns the sink's code. */
int svc_emit(svc_ctx *c, wd_activity_rec *a, uint64_t line);
/* A trace activity for an error line of a step (capped at SVC_TRACE_MAX). */
int svc_trace(svc_ctx *c, wd_op op, uint32_t code, const svc_line *l, const char *session);
/* A fact seen at time (may be NULL). */
int svc_fact(svc_ctx *c, const char *key, const char *value, const char *time);
/* The note for trace lines past the cap, once at the end. */
int svc_finish(svc_ctx *c);

/* Reads in line by line into on_line(reader, line) with c->line set, counts
 * the records and the cut lines, notes a read error, then calls
 * finish(reader). c->in must be in. A file that cannot be opened is
 * unreadable. Returns the first nonzero code of the sink or the callbacks. */
int svc_read(svc_ctx *c, void *reader, int (*on_line)(void *reader, const svc_line *l),
             int (*finish)(void *reader));

/* The code after marker ("[HRESULT = ", "hr:", "HRESULT="): 1 and *hr when
 * one follows its first occurrence, else 0. Bare hex ("800F0922") too. */
int svc_code_after(const char *msg, const char *marker, uint32_t *hr);
/* The first failing code (severity bit) in any of the notations; 0 if none. */
int svc_failing_code(const char *msg, uint32_t *hr);
/* How a final HRESULT ends an operation: failed, cancelled (ERROR_CANCELLED),
 * pending-reboot (reboot asked, or ERROR_SUCCESS_REBOOT_REQUIRED) or
 * succeeded. */
wd_outcome svc_outcome(uint32_t hr, int reboot);

/* Copies at most n bytes of s into out (size outsz), NUL-terminated. */
void svc_copy(char *out, size_t outsz, const char *s, size_t n);
/* The text after key in msg up to the first of stops (or the end), blanks
 * around it trimmed, into out; 1 when key was found. */
int svc_field(const char *msg, const char *key, const char *stops, char *out, size_t outsz);
/* msg starts with prefix (case-sensitive)? */
int svc_starts(const char *msg, const char *prefix);
/* A 64-bit FNV-1a hash of n bytes, ASCII letters folded to lower case. */
uint64_t svc_hash(const char *s, size_t n);

/* --------------------------------------------------------------- SFC */

#define SFC_SEEN 256 /* distinct damaged/repaired files remembered per run */
#define SFC_PNP 16   /* [Pnp] corrupt files waiting for their repair line */
#define SFC_FILES_MAX 200 /* per-file activities per run */

enum { SFC_VERIFY = 0, SFC_REPAIR, SFC_DONE };

/* One sfc run: "[SR] Verifying 100 components" batches, then "Repairing N
 * components" ... "Repair complete" (absent for /verifyonly). */
typedef struct sfc_run {
    int active, phase;
    char start[WD_TIME_MAX], end[WD_TIME_MAX];
    uint64_t end_line;
    int64_t unrepaired, repaired, verify_found;
    unsigned files; /* per-file activities sent */
    int64_t files_dropped;
    uint64_t seen[SFC_SEEN];
    unsigned nseen;
    char pnp[SFC_PNP][SVC_PATH_MAX];
    unsigned npnp;
    int64_t pnp_lost; /* corrupt [Pnp] files past SFC_PNP */
} sfc_run;

/* Reads an SFC line ([SR] of CSI, [Pnp] of DEPLOY, "TiWorker: Client
 * requests SFP repair object" of CBS); 1 when it was one (*rc set to the
 * sink's code), 0 when not. */
int sfc_line(svc_ctx *c, sfc_run *r, const svc_line *l, int *rc);
/* A CBS line that is not SFC's: ends a run whose repair is complete. */
int sfc_other_line(svc_ctx *c, sfc_run *r);
/* Ends the open run and sends its outcome (at_eof: the log ended). */
int sfc_close(svc_ctx *c, sfc_run *r, int at_eof);

/* ----------------------------------------------------- startup processing */

#define STARTUP_PENDED 4 /* packages remembered as waiting for the restart */

/* What CBS finishes while Windows starts (cbs_startup.c): the packages a
 * session left pending a restart, a rollback announced by "Startup: Failed
 * to process advanced operation queue", the advanced installer that failed. */
typedef struct cbs_startup {
    char pkg[STARTUP_PENDED][SVC_PATH_MAX];
    char kb[STARTUP_PENDED][16];
    unsigned npended;
    int rollback;
    uint32_t rollback_hr;
    uint64_t rollback_line;
    char rollback_time[WD_TIME_MAX];
    char installer[96];   /* "Container Installer" */
    char installer_hr[64]; /* "HRESULT_FROM_WIN32(1753)" */
} cbs_startup;

/* A package a session (or a completion line) left waiting for a restart. */
void startup_pended(cbs_startup *st, const char *package, const char *kb);
/* Reads a startup line of CBS ("Startup: Processing complete. [HRESULT =
 * ...]", "Startup: Failed to process advanced operation queue ...") or
 * CSI's "Failed execution of queue item Installer: ..."; 1 when it was one
 * (*rc set to the sink's code), 0 when not. */
int startup_line(svc_ctx *c, cbs_startup *st, const svc_line *l, int *rc);
/* At the end of the log: a rollback still under way is the failure. */
int startup_finish(svc_ctx *c, cbs_startup *st);

#endif
