/* store.h - the history database: one SQLite file holding every snapshot of
 * every machine. Writing happens one snapshot at a time in one transaction;
 * reading goes through the iterators below (the report's only way in). No
 * SQLite type appears in this header. */
#ifndef WD_STORE_H
#define WD_STORE_H

#include "common.h"

#include <stdint.h>

typedef struct wd_store wd_store;

enum {
    WD_STORE_READONLY = 1, /* open for reading; never creates or migrates */
    WD_STORE_CREATE = 2,   /* create the file (and its folder) if missing */
};

/* The default database path: %ProgramData%\wudiag\history.db on Windows,
 * $XDG_DATA_HOME/wudiag/history.db (else ~/.local/share/wudiag/history.db).
 * Appends it to out. */
int wd_store_default_path(wd_buf *out);

/* Opens (and with WD_STORE_CREATE creates and migrates) a database. Refuses,
 * without touching it, a file that is not a wudiag database (WD_EFORMAT),
 * one from a newer wudiag (WD_ENEWER) or a damaged one (WD_ECORRUPT).
 * Free with wd_store_close. */
int wd_store_open(const char *path, int flags, wd_store **out);
/* Whether a --db value names a PostgreSQL database rather than a file: a
 * postgresql:// or postgres:// URL, or libpq conninfo ("host=... dbname=...").
 * wd_store_open opens such a name read-only (the read API, for report,
 * history, diff and fleet); writing there is wd_store_push's alone. */
int wd_store_is_url(const char *name);
/* Appends name to out with any password removed: the userinfo password of
 * a URL, its password= query parameter, and password= in conninfo become
 * "***". Any text may be given (a command-line argument). */
void wd_store_redact_url(const char *name, wd_buf *out);
void wd_store_close(wd_store *s); /* NULL-safe */
/* The path, or for PostgreSQL the name with the password redacted. */
const char *wd_store_path(const wd_store *s);

/* ------------------------------------------------------------- writing */

/* Starts a snapshot (opens its transaction). command_line and evidence (the
 * evidence path, or "live") are stored with it. */
int wd_store_begin(wd_store *s, const char *command_line, const char *evidence);
int wd_store_add_service(wd_store *s, const wd_service_rec *r);
int wd_store_add_event(wd_store *s, const wd_event_rec *r);
int wd_store_add_fact(wd_store *s, const wd_fact_rec *r);
int wd_store_add_note(wd_store *s, const wd_note_rec *r);
int wd_store_add_source(wd_store *s, const wd_source_rec *r);
/* Adds an activity. One derived from an event is linked to the event added
 * last when that event is the one rec->where names. Identical activities
 * (same everything but time, place and detail) past WD_STORE_REPEAT_KEEP
 * of them are counted into the last kept row (repeats, last_time) instead
 * of stored one by one. */
#define WD_STORE_REPEAT_KEEP 50
int wd_store_add_activity(wd_store *s, const wd_activity_rec *r);
/* Names the machine the open snapshot belongs to (`--machine NAME`): it
 * wins over what the evidence says. NULL: decide from the evidence. */
int wd_store_set_machine(wd_store *s, const char *name);
/* Ends collection of the open snapshot without committing it: decides the
 * machine (--machine, else the evidence's machine.name fact, else the
 * computer the events name most often, else a stable fingerprint of the
 * evidence "unnamed-XXXXXXXX", never a shared name), completes the update
 * identity of activities from others with the same update id (kb, title),
 * and counts. The snapshot can then be read and analysed on this handle;
 * wd_store_commit makes it durable, wd_store_rollback drops it with all
 * that was saved for it (so a run whose report fails stores nothing). */
int wd_store_finish(wd_store *s, int64_t *snapshot_id);
/* Finishes (when not done yet) and commits; returns the snapshot id. On
 * failure nothing of the snapshot remains. */
int wd_store_commit(wd_store *s, int64_t *snapshot_id);
/* Drops the open snapshot (NULL-safe, no-op when none is open). */
void wd_store_rollback(wd_store *s);

/* A typed reference from a finding to a row of its snapshot. */
typedef enum wd_ref_kind {
    WD_REF_ACTIVITY = 1,
    WD_REF_EVENT,
    WD_REF_SERVICE,
    WD_REF_FACT,
    WD_REF_NOTE,
    WD_REF_SOURCE,
} wd_ref_kind;

typedef struct wd_ref {
    wd_ref_kind kind;
    int64_t row_id;
} wd_ref;

/* "activity", "event", "service", "fact", "note", "source"; and back (0
 * for an unknown name). */
const char *wd_ref_kind_name(wd_ref_kind k);
wd_ref_kind wd_ref_kind_parse(const char *name);

/* A finding as the analysis made it (the store only keeps it). */
typedef struct wd_finding_rec {
    const char *rule;        /* rule id, e.g. "service-disabled" */
    const char *severity;    /* "critical", "error", "warning", "info" */
    const char *title;
    const char *explanation;
    const char *fixes;       /* fix ids in order, comma-separated */
    const wd_ref *refs;      /* the rows it cites, in order */
    size_t nrefs;
    const char *cause;       /* rule id of the finding that causes this one */
    const char *known_issue; /* id of the known issue it matches */
    const char *state;       /* "current" (judged) or "resolved" (history) */
    const char *first_fix;   /* the fix to try first: the first of fixes the
                                evidence does not show already failed; NULL */
} wd_finding_rec;

/* Replaces a snapshot's findings and verdict ("healthy", "warning",
 * "failing", "incomplete") in one transaction (a savepoint when the
 * snapshot's own transaction is still open). */
int wd_store_save_analysis(wd_store *s, int64_t snapshot_id, const char *verdict,
                           const wd_finding_rec *findings, size_t n);

/* Where one update stands at the end of a snapshot's evidence, as the
 * judgement folded it (the newest outcome decides): what fleet queries
 * count per update. */
typedef struct wd_update_rec {
    const char *key;   /* the subject: KB, else update id, else title */
    const char *kb, *title, *product; /* NULL when unknown */
    const char *state; /* "ok", "failing", "resolved", "superseded",
                          "pending-reboot", "in-progress" */
    int has_code;
    uint32_t code;     /* the newest failure's code */
    int64_t failures, successes;
    const char *first_failure, *last_failure, *last_success; /* ISO UTC or NULL */
} wd_update_rec;

/* Replaces a snapshot's update states, like wd_store_save_analysis (same
 * transaction rules). Files of schema 5 and later keep them. */
int wd_store_save_updates(wd_store *s, int64_t snapshot_id, const wd_update_rec *updates,
                          size_t n);

/* --------------------------------------------------------- fix journal */

/* One `wudiag fix` (kind "fix") or `wudiag fix --undo` ("undo") run. */
typedef struct wd_fix_run_rec {
    int64_t id;
    const char *kind;            /* "fix" or "undo" */
    const char *machine;         /* the computer it ran on */
    int64_t undoes;              /* undo: the run it reverses; 0 */
    int64_t snapshot_id;         /* the diagnosis it acted on; 0 */
    int64_t after_snapshot_id;   /* the diagnosis after it; 0 */
    const char *started_at, *ended_at; /* ISO UTC; ended_at NULL while running */
    const char *state;           /* "running", "done", "stopped" (a step failed
                                    or was refused), "interrupted" (the
                                    process ended without finishing) */
    const char *message;         /* why it stopped; NULL */
    const char *command_line;
    int64_t pid;                 /* the process that ran it */
    const char *process_started; /* when that process started (tells a live
                                    run from a reused pid); NULL */
} wd_fix_run_rec;

/* One thing a run did (or refused, or found already done). */
typedef struct wd_fix_step_rec {
    int64_t id, run_id;
    int64_t seq;                 /* 1, 2, ... in the run */
    int64_t step;                /* the plan step it belongs to (1-based) */
    const char *fix;             /* the fix id ("reset-components") */
    const char *action;          /* "stop-service", "start-service",
                                    "set-start-type", "rename-folder",
                                    "remove-empty-folder", "prompt-restart", "check" */
    const char *target;          /* service name or folder path; NULL */
    const char *started_at, *ended_at;
    const char *before, *after;  /* the state before and after ("running/manual",
                                    a folder path) */
    const char *result;          /* "running" (begun, no end written: the
                                    process ended), "done", "unchanged",
                                    "failed", "refused", "skipped", "prompted" */
    int64_t error;               /* the Win32 error of a failure; 0 */
    const char *message;         /* what happened, and for a failure what to
                                    do by hand */
    const char *undo;            /* what reverses it (the start type, the
                                    folder's old path); NULL: not reversible */
    int64_t undone_by;           /* the step that reversed it; 0 */
} wd_fix_step_rec;

/* Whether the process of a run that is still marked running is alive
 * (1), or gone (0). */
typedef int (*wd_fix_alive_fn)(void *ctx, const wd_fix_run_rec *run);

/* Starts a run (state "running", started_at now) and commits it. While
 * another run is marked running and alive() says its process is alive (or
 * alive is NULL), refuses with WD_EBUSY naming it; a run whose process is
 * gone is marked "interrupted" first. The run's id goes to *run_id. */
int wd_store_fix_begin(wd_store *s, const wd_fix_run_rec *run, wd_fix_alive_fn alive, void *ctx,
                       int64_t *run_id);
/* Records the diagnoses a run acted on and produced (0 leaves one as it is). */
int wd_store_fix_snapshots(wd_store *s, int64_t run_id, int64_t before, int64_t after);
/* Ends a run: state "done", "stopped" or "interrupted", a message (may be NULL). */
int wd_store_fix_end(wd_store *s, int64_t run_id, const char *state, const char *message);
/* Writes a step as begun (result "running", started_at now) and commits,
 * before it acts; *step_id gets its id. */
int wd_store_fix_step_begin(wd_store *s, const wd_fix_step_rec *step, int64_t *step_id);
/* Writes how a step ended (after, result, error, message, undo; ended_at
 * now) and commits. */
int wd_store_fix_step_end(wd_store *s, int64_t step_id, const wd_fix_step_rec *step);
/* Marks step_id as reversed by step by (committed). */
int wd_store_fix_step_undone(wd_store *s, int64_t step_id, int64_t by);
/* The runs on a machine (NULL: every machine), newest first (strings valid
 * during the call). A database older than the journal has none. */
int wd_store_fix_runs(wd_store *s, const char *machine,
                      int (*cb)(void *ctx, const wd_fix_run_rec *run), void *ctx);
/* One run by id (WD_ENOTFOUND when there is none). */
int wd_store_fix_run(wd_store *s, int64_t run_id,
                     int (*cb)(void *ctx, const wd_fix_run_rec *run), void *ctx);
/* The steps of a run in order. */
int wd_store_fix_steps(wd_store *s, int64_t run_id,
                       int (*cb)(void *ctx, const wd_fix_step_rec *step), void *ctx);
/* The id of the newest run of `kind` ("fix", "undo"; NULL: any) on a
 * machine that started at or before `until` (NULL: any time); 0 when none. */
int wd_store_fix_last(wd_store *s, const char *machine, const char *kind, const char *until,
                      int64_t *run_id);

/* ------------------------------------------------------------- merging */

/* What merging one input did. */
typedef struct wd_merge_stats {
    int64_t snapshots_added;   /* the input's snapshots copied into out */
    int64_t snapshots_present; /* the input's snapshots out already had */
    int64_t events_added;      /* event rows new to out */
    int64_t events_linked;     /* events the added snapshots cover (snapshot_event rows) */
} wd_merge_stats;

/* Checks, changing nothing, that the database at in_path can be merged into
 * the one at out_path (which need not exist yet): refuses in_path as
 * wd_store_open does, and with WD_EUSAGE when it is out_path itself. */
int wd_store_merge_check(const char *out_path, const char *in_path);
/* Copies into out every snapshot of the database at in_path that out does
 * not have yet (snapshots are recognised by their uid, so merging again adds
 * nothing), with all its rows; events out already holds are linked, not
 * copied, and findings' evidence references are renumbered. One transaction:
 * on failure out is as it was. in_path is opened read-only and never
 * written. stats (may be NULL) gets the figures. */
int wd_store_merge(wd_store *out, const char *in_path, wd_merge_stats *stats);

/* -------------------------------------------------------------- pushing */

/* What a push did. */
typedef struct wd_push_stats {
    int64_t pushed;  /* snapshots copied into the fleet database */
    int64_t present; /* snapshots it already had (by uid) */
    int64_t failed;  /* snapshots that could not be pushed (they stay local) */
    int64_t rows;    /* rows copied */
} wd_push_stats;

/* Copies snapshots of the local database s into the PostgreSQL database at
 * url (created and migrated when empty): every one the fleet does not hold
 * yet (by uid) when snapshot is 0, else that one. Each snapshot in its own
 * transaction: it lands whole or not at all, and one that fails is left for
 * the next push (nothing is written locally). progress (may be NULL) is
 * called after each snapshot. Returns the first error, having tried the
 * others unless the connection is lost. */
int wd_store_push(wd_store *s, const char *url, int64_t snapshot, wd_push_stats *stats,
                  void (*progress)(void *ctx, const wd_push_stats *st), void *ctx);
/* Creates or migrates the fleet schema at url and returns (the schema
 * version in *version). */
int wd_store_fleet_init(const char *url, int *version);

/* --------------------------------------------------------------- fleets */

/* A machine as its latest snapshot shows it. */
typedef struct wd_fleet_machine {
    const char *machine;
    int64_t snapshot;           /* its latest snapshot */
    int64_t snapshots;          /* how many it has */
    const char *collected_at;   /* of the latest */
    const char *verdict;        /* NULL when never analysed */
    int64_t problems;           /* current findings (not info) */
    const char *failing_since;  /* when the run of failing snapshots that ends
                                   with the latest began; NULL unless failing */
    const char *top_rule, *top_title, *top_fix; /* its first current finding */
} wd_fleet_machine;

/* A problem of the fleet now: a failure code the machines' current findings
 * cite (or, has_code 0, a rule whose findings cite no code), with how many
 * machines have it and the fix most of them are told to try first. */
typedef struct wd_fleet_problem {
    int has_code;
    uint32_t code;
    const char *rule;      /* the rule most of them found it by */
    const char *title;     /* the title of one of those findings */
    const char *first_fix; /* the first fix most of them got; NULL */
    int64_t machines;
} wd_fleet_problem;

/* An update across the fleet now (machines' latest snapshots). */
typedef struct wd_fleet_update {
    const char *key, *kb, *title;
    int64_t machines;  /* machines whose evidence shows it */
    int64_t installed; /* ok, resolved or superseded */
    int64_t failing;
    int64_t pending;   /* pending-reboot or in-progress */
    int has_code;
    uint32_t code;     /* the code most failing machines show */
} wd_fleet_update;

/* One week (starting Monday): each machine's last snapshot of the week. */
typedef struct wd_fleet_week {
    const char *week; /* "2026-11-23" */
    int64_t machines, healthy, warning, failing, incomplete;
    int64_t installed, failing_updates; /* update states in those snapshots */
} wd_fleet_week;

/* The fleet's figures, each list through its callback (strings valid during
 * the call): every machine (by name), the problems affecting most machines
 * first (at most limit), the updates with the most failing machines first
 * (at most limit), the weeks from since (NULL: all) in order. Works on a
 * PostgreSQL fleet and on any history file (a merged one). */
int wd_store_fleet_machines(wd_store *s, int (*cb)(void *ctx, const wd_fleet_machine *m),
                            void *ctx);
int wd_store_fleet_problems(wd_store *s, int64_t limit,
                            int (*cb)(void *ctx, const wd_fleet_problem *p), void *ctx);
int wd_store_fleet_updates(wd_store *s, int64_t limit,
                           int (*cb)(void *ctx, const wd_fleet_update *u), void *ctx);
int wd_store_fleet_weeks(wd_store *s, const char *since,
                         int (*cb)(void *ctx, const wd_fleet_week *w), void *ctx);

/* ------------------------------------------------------------- reading */

typedef struct wd_snapshot_info {
    int64_t id;
    const char *machine;
    const char *collected_at; /* when wudiag ran (ISO UTC) */
    const char *evidence_time; /* the newest time in the evidence, or NULL */
    const char *command_line;
    const char *evidence;
    const char *verdict;      /* NULL until analysed */
    int64_t failures;         /* failed activities, counting their repeats */
    int64_t findings;         /* finding rows */
    int64_t events;           /* events the snapshot covers */
    int64_t activities;       /* activity rows */
    const char *machine_from; /* how the machine was decided: "option" (--machine),
                                 "evidence" (machine.name fact or the computer the
                                 records name), "fingerprint"; NULL before schema 3 */
} wd_snapshot_info;

/* Calls cb for the snapshot (strings valid during the call). */
int wd_store_snapshot(wd_store *s, int64_t id,
                      int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx);
/* The newest snapshot, of one machine when machine is not NULL. */
int wd_store_latest(wd_store *s, const char *machine, int64_t *id);
/* Snapshots in time order (machine and since may be NULL). */
int wd_store_list(wd_store *s, const char *machine, const char *since,
                  int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx);

/* An activity as stored. Strings are valid during the callback. */
typedef struct wd_activity_row {
    int64_t id;
    wd_activity_rec rec;
    const char *subject;   /* the update it is about: kb, else update id,
                              else title; NULL when about no update */
    int64_t repeats;       /* identical activities counted into this row */
    const char *last_time; /* time of the last of them; NULL when none */
    int64_t event_row;     /* the event row it comes from; 0 when none */
} wd_activity_row;

enum {
    WD_ORDER_TIME = 0,  /* time, then id */
    WD_ORDER_TIME_DESC, /* newest first */
    WD_ORDER_SUBJECT,   /* subject, then time, then id (rows with a subject) */
};

/* Which activities to walk. Zeroed: all, oldest first. */
typedef struct wd_activity_query {
    int order;           /* WD_ORDER_* */
    uint32_t outcomes;   /* bits (1u << wd_outcome); 0: every outcome */
    uint32_t operations; /* bits (1u << wd_op); 0: every operation */
    int64_t limit;       /* at most this many rows; 0: no limit */
    int64_t id;          /* only this row; 0: any */
} wd_activity_query;

/* Walks a snapshot's activities (streamed from the database: memory does
 * not grow with their number). */
int wd_store_activities(wd_store *s, int64_t snap, const wd_activity_query *q,
                        int (*cb)(void *ctx, const wd_activity_row *row), void *ctx);
/* A computer the records of a snapshot name: how many, and the time span
 * (first and last time; a renamed PC's names do not overlap in time). */
typedef struct wd_computer_info {
    const char *name;
    int64_t records;
    const char *first, *last; /* may be NULL */
} wd_computer_info;
/* The computers a snapshot's events and activities name, most records
 * first. */
int wd_store_computers(wd_store *s, int64_t snap,
                       int (*cb)(void *ctx, const wd_computer_info *c), void *ctx);
/* Calls cb for one row of any kind by its typed reference (for citing
 * evidence): exactly one of the record pointers is set. */
typedef struct wd_ref_row {
    wd_ref ref;
    const wd_activity_row *activity;
    const wd_event_rec *event;
    const wd_service_rec *service;
    const wd_fact_rec *fact;
    const wd_note_rec *note;
    const wd_source_rec *source;
} wd_ref_row;
int wd_store_ref(wd_store *s, int64_t snap, wd_ref ref,
                 int (*cb)(void *ctx, const wd_ref_row *row), void *ctx);

/* Iterators over one snapshot's rows; row_id is the row's id (what a
 * finding's evidence reference names). A non-zero return from cb stops the
 * walk and is returned. */
int wd_store_services(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_service_rec *r), void *ctx);
int wd_store_events(wd_store *s, int64_t snap,
                    int (*cb)(void *ctx, int64_t row_id, const wd_event_rec *r), void *ctx);
int wd_store_facts(wd_store *s, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_fact_rec *r), void *ctx);
int wd_store_notes(wd_store *s, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_note_rec *r), void *ctx);
int wd_store_sources(wd_store *s, int64_t snap,
                     int (*cb)(void *ctx, int64_t row_id, const wd_source_rec *r), void *ctx);
/* Findings with the rows each cites (refs, in order). */
int wd_store_findings(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_finding_rec *r), void *ctx);

#endif
