/* report.h - turns a stored snapshot into a diagnosis (knowledge base +
 * rules -> findings and a verdict) and renders it: the report XML through
 * libxml2, the HTML from that XML through templates/report.xsl (libxslt).
 * Reads the store through its read API only. */
#ifndef WD_REPORT_H
#define WD_REPORT_H

#include "common.h"
#include "store.h"

typedef struct wd_report wd_report;

typedef struct wd_report_options {
    const char *kb_dir;        /* override the embedded knowledge base; NULL */
    const char *template_path; /* override templates/report.xsl; NULL */
    const char *command_line;  /* for the run metadata */
    const char *db_path;       /* for the run metadata */
    int redact;                /* replace machine/user names and SIDs */
} wd_report_options;

/* Loads snapshot `snap` (and the machine's earlier history) and analyses it.
 * Free with wd_report_free. */
int wd_report_build(wd_store *s, int64_t snap, const wd_report_options *opts, wd_report **out);
void wd_report_free(wd_report *r); /* NULL-safe */

/* "healthy", "warning", "failing" or "incomplete" (evidence that was given
 * could not be read or was cut, and nothing decides "failing"). Owned by r. */
const char *wd_report_verdict(const wd_report *r);
/* The one thing to do first: the first fix of the top finding (a fix the
 * evidence shows already failed never comes first), or NULL. Owned by r. */
const char *wd_report_first_fix(const wd_report *r);
/* Whether the finding of `rule` lists `fix` as one the evidence shows
 * already failed. */
int wd_report_fix_failed(const wd_report *r, const char *rule, const char *fix);
/* Whether a WSUS server or update policy manages this PC (any
 * policy.wu.* value, or a WSUS server in use); *server (may be NULL) gets
 * the WSUS server, or NULL when none is in use. Owned by r. */
int wd_report_managed(const wd_report *r, const char **server);
/* Whether a restart is due now: the pending-reboot facts say so, or an
 * update or servicing operation waits for one. */
int wd_report_restart_pending(const wd_report *r);
/* What the knowledge base says of one fix (strings owned by r). action is
 * what `wudiag fix` carries out for it ("auto" in fixes.txt), NULL when it
 * is done by hand; action_unmanaged: only on a PC nothing manages. */
typedef struct wd_report_fix {
    const char *title;
    const char *action;
    int action_unmanaged;
    const char *covered; /* done by hand, but these actions do its work */
    int admin;
} wd_report_fix;
/* 0, or WD_ENOTFOUND when the knowledge base has no fix `id`. */
int wd_report_fix_find(const wd_report *r, const char *id, wd_report_fix *out);
/* The findings, most severe first (strings owned by r). */
size_t wd_report_finding_count(const wd_report *r);
void wd_report_finding(const wd_report *r, size_t i, wd_finding_rec *out);
/* Where each update stands (the subjects of updates the judgement folded,
 * with an outcome), for wd_store_save_updates: their number, and at most
 * cap of them into out (returns how many; strings owned by r). */
size_t wd_report_update_count(const wd_report *r);
size_t wd_report_updates(const wd_report *r, wd_update_rec *out, size_t cap);
/* The start type Windows gives a service on the snapshot's build, or NULL
 * when unknown or different between the versions the build may be. */
const char *wd_report_expected_start(const wd_report *r, const char *service);
/* The service finding i is about (a per-service finding), or NULL. */
const char *wd_report_finding_service(const wd_report *r, size_t i);

/* Writes the report as "html" (the summary through the stylesheet), or in
 * full as "xml" or "json" (streamed: memory stays flat whatever the
 * evidence), to path ("-" for stdout). The file is written to a temporary
 * name and renamed, so a failure leaves no half file. */
int wd_report_write(const wd_report *r, const char *format, const char *path);

/* `wudiag explain`: appends a text explanation of code (any notation) to out.
 * Returns 0 when the code is in the knowledge base, 1 when it was only
 * decoded (facility, Win32 error), WD_EUSAGE when code is not a code. */
int wd_report_explain(const char *code, const char *kb_dir, wd_buf *out);

/* `wudiag history`: the snapshots of one machine (or all) as a text table,
 * "xml", or "html" through templates/history.xsl. */
int wd_report_history(wd_store *s, const char *machine, const char *since, const char *format,
                      const wd_report_options *opts, const char *path);

/* `wudiag diff`: what changed from snapshot a to snapshot b (service states
 * and start types, failure codes new and resolved, findings new and
 * resolved, facts changed) as text appended to out. *changes is the number
 * of differences found. */
int wd_report_diff(wd_store *s, int64_t a, int64_t b, wd_buf *out, size_t *changes);

/* `wudiag fleet`: every machine's state now (its latest snapshot), the
 * problems affecting most machines with their first fix, updates by success
 * rate, weeks, machines failing long or not seen, from a PostgreSQL fleet
 * or a (merged) history file. */
typedef struct wd_fleet_options {
    const char *as_of;         /* "now" for ages (a date); NULL: the current time */
    const char *since;         /* first week charted; NULL: 12 weeks before as_of */
    int failing_days;          /* "failing for more than N days" */
    int stale_days;            /* "not seen for N days" */
    const char *db_name;       /* the database as shown (password redacted) */
    const char *command_line;  /* for the run metadata */
    const char *kb_dir;        /* override the embedded knowledge base; NULL */
    const char *template_path; /* override templates/fleet.xsl; NULL */
} wd_fleet_options;

/* What the fleet's worst machine is now (*status of wd_report_fleet). */
enum {
    WD_FLEET_HEALTHY = 0,
    WD_FLEET_FAILING,
    WD_FLEET_WARNING,
    WD_FLEET_INCOMPLETE,
};

/* Writes the fleet report as "html", "xml" or "json" to path ("-" for
 * stdout); *status (may be NULL) gets WD_FLEET_*. */
int wd_report_fleet(wd_store *s, const wd_fleet_options *o, const char *format,
                    const char *path, int *status);

#endif
