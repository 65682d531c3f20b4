/* internal.h - the report module's model: a snapshot loaded from the store
 * into plain arrays, the knowledge base, the rules engine and the findings
 * they produce. Analysis fills the model; rendering only reads it. */
#ifndef WD_REPORT_INTERNAL_H
#define WD_REPORT_INTERNAL_H

#include "report.h"

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ model */

/* The model holds what the judgement needs, bounded whatever the size of
 * the evidence: the snapshot's services and facts (the collector caps
 * them), the first notes and sources with totals, the state of every
 * subject that is not simply fine, and the findings. Activities and events
 * are never loaded as a whole: analysis folds them as they stream from the
 * store, and the XML writer streams them again. */

enum {
    WD_MODEL_MAX_NOTES = 500,     /* notes kept (the rest are counted) */
    WD_MODEL_MAX_SOURCES = 2000,  /* sources kept (the rest are counted) */
    WD_MODEL_MAX_SUBJECTS = 4000, /* subjects kept (those not fine first) */
    WD_MODEL_MAX_COMPUTERS = 16,
    WD_SUBJECT_REFS = 8,          /* activity rows a subject cites */
    WD_SUBJECT_CODES = 4,         /* distinct failure codes a subject lists */
};

typedef struct wd_m_service {
    int64_t id;
    char *name, *display_name, *state, *start_type, *source;
    int64_t pid, exit_code, service_exit_code;
} wd_m_service;

typedef struct wd_m_fact {
    int64_t id;
    char *key, *value, *source, *time;
} wd_m_fact;

typedef struct wd_m_note {
    int64_t id;
    char *source, *location, *reason;
    wd_note_kind kind;
} wd_m_note;

typedef struct wd_m_source {
    int64_t id;
    char *path, *kind;
    uint64_t records, kept, errors;
    size_t notes; /* notes that name this source (counted once, by path) */
} wd_m_source;

/* An earlier snapshot of the same machine, for rules over history. */
typedef struct wd_m_past {
    int64_t id;
    char *collected_at, *verdict;
    int64_t failures;
} wd_m_past;

typedef struct wd_m_computer {
    char *name;
    int64_t records;
    char *first, *last; /* time span of its records; may be NULL */
} wd_m_computer;

/* What a subject is: an update, or a stream of activities about no update. */
typedef enum wd_subject_kind {
    WD_SUBJ_UPDATE = 0, /* key: KB, else update id, else title */
    WD_SUBJ_SCAN,       /* key: "scan" */
    WD_SUBJ_DOWNLOAD,   /* key: "download" (downloads naming no update) */
    WD_SUBJ_STORE,      /* key: "store": repairs, corruption checks, SFC */
    WD_SUBJ_FEATURE,    /* key: the optional feature (NetFx3) */
    WD_SUBJ_SERVICE,    /* key: the service key name (crashes, start failures) */
    WD_SUBJ_COUNT
} wd_subject_kind;

/* Where a subject stands at the end of the evidence: the newest outcome
 * decides. */
typedef enum wd_state {
    WD_ST_NONE = 0,       /* "none": nothing but trace */
    WD_ST_OK,             /* "ok": succeeded, never failed */
    WD_ST_FAILING,        /* "failing": the newest outcome is a failure */
    WD_ST_RESOLVED,       /* "resolved": failed, then succeeded */
    WD_ST_SUPERSEDED,     /* "superseded": failed; a newer update of the same
                             line installed since */
    WD_ST_PENDING_REBOOT, /* "pending-reboot": waits for a restart */
    WD_ST_IN_PROGRESS,    /* "in-progress": started, no outcome yet */
    WD_ST_COUNT
} wd_state;

const char *wd_state_name(wd_state s);
wd_state wd_state_parse(const char *name);
const char *wd_subject_kind_name(wd_subject_kind k);

typedef struct wd_m_subject {
    wd_subject_kind kind;
    char *key;
    char *kb, *title, *update_id, *line; /* line: product line ("Windows 10
                                            Version 22H2 x64 cumulative") */
    wd_product product;
    wd_state state;
    wd_op op;              /* operation of the newest failure */
    int has_code;
    uint32_t code;         /* code of the newest failure */
    uint32_t codes[WD_SUBJECT_CODES]; /* distinct failure codes, oldest first */
    size_t ncodes;
    size_t failures, attempts, successes, activities;
    char *first_failure, *last_failure, *last_success, *last_time, *pending_since;
    char *superseded_by;   /* title of the update that superseded it */
    char *start_type;      /* services: the newest start type an event set */
    char *start_time;      /* ... and when */
    char *target;          /* target of the newest failure (file, feature, source) */
    int64_t count;         /* the newest count stated (corruptions found); -1 none */
    int64_t refs[WD_SUBJECT_REFS]; /* activity rows: first failure, newest
                                      failures, what resolved it */
    size_t nrefs;
} wd_m_subject;

typedef struct wd_finding {
    char *rule, *severity, *title, *explanation;
    char **fixes;      /* fix ids in order */
    char *fix_failed;  /* per fix: 1 when the evidence shows it already failed */
    size_t nfixes;
    wd_ref *refs;      /* the rows it cites */
    size_t nrefs;
    char *cause;       /* rule id of the finding that causes it, or NULL */
    char *known_issue; /* known-issue id, or NULL */
    const char *state; /* "current" or "resolved" (static) */
    size_t order;      /* the rule's place in rules.txt (ties in ranking) */
    uint32_t *codes;   /* the failure codes it cites (cause matching) */
    size_t ncodes;
    char *service;     /* the service it is about (one finding per service
                          row or service subject), or NULL */
} wd_finding;

typedef struct wd_model {
    wd_store *store;   /* borrowed: rows are streamed from it */
    /* snapshot */
    int64_t snapshot_id;
    char *machine, *collected_at, *evidence_time, *command_line, *evidence;
    char *evidence_start; /* the oldest time in the evidence */
    /* rows kept */
    wd_m_service *services; size_t nservices;
    wd_m_fact *facts;       size_t nfacts;
    wd_m_note *notes;       size_t nnotes;
    wd_m_source *sources;   size_t nsources;
    wd_m_past *past;        size_t npast;
    wd_m_computer *computers; size_t ncomputers;
    wd_m_subject *subjects; size_t nsubjects;
    int *subject_slots;     /* hash index of subjects: index + 1, 0 empty */
    size_t nsubject_slots;  /* a power of two */
    /* totals (also of what was not kept) */
    size_t notes_total, notes_by_kind[4], sources_total;
    size_t subjects_total, subjects_dropped;
    size_t activities, failed, trace, events, update_work, servicing_work;
    size_t by_state[WD_SUBJ_COUNT][WD_ST_COUNT]; /* subjects per kind and state */
    char *last_success; /* newest successful update operation, or NULL */
    /* analysis */
    wd_finding *findings;   size_t nfindings;
    const char *verdict;    /* "healthy", "warning", "failing", "incomplete" */
    int op_failed[WD_OP_COUNT]; /* failures of each operation since its last
                                   success (how often a fix already failed) */
    int managed;             /* a WSUS server or update policy manages the PC */
    int reboot_pending;      /* the pending-reboot facts say a restart is due */
    const char *wsus_server; /* the WSUS server it uses (a fact's value), or NULL */
} wd_model;

/* Loads a snapshot's bounded parts into a new model and folds its
 * activities into subjects. Free with wd_model_free. */
int wd_model_load(wd_store *s, int64_t snap, wd_model **out);
void wd_model_free(wd_model *m);
/* The value of a fact by key (the newest source that gives it), or NULL. */
const char *wd_model_fact(const wd_model *m, const char *key);
const wd_m_service *wd_model_service(const wd_model *m, const char *name);
/* The OS build number the evidence gives (os.build), 0 when none. */
long wd_model_build(const wd_model *m);
/* The start type Windows gives a service on this machine's build, or NULL
 * when it depends on the version (or the service is not an update one). */
const char *wd_model_expected_start(const wd_model *m, const char *service);
/* The kept subject of a kind and key, or NULL. */
const wd_m_subject *wd_model_subject(const wd_model *m, wd_subject_kind kind, const char *key);
/* Where a failed activity stands now, from its subject (the one place the
 * rules and the timeline ask): "superseded", "resolved" (its subject ended
 * well, or a success came after it), "pending-reboot", else "current".
 * key is scratch for the subject's key; *subject (when subject is not
 * NULL) is set to the subject or NULL. */
const char *wd_model_failure_state(const wd_model *m, const wd_activity_row *row, wd_buf *key,
                                   const wd_m_subject **subject);
/* Frees what a finding owns and zeroes it (NULL members are fine). */
void wd_finding_clear(wd_finding *f);

/* ------------------------------------------------------------- subjects */

/* Which subject an activity belongs to; writes the key (for updates the
 * store's subject) into key and returns 1, or returns 0 for activities
 * that belong to none (boots, service state changes, policy). */
int wd_subject_of(const wd_activity_row *row, wd_subject_kind *kind, wd_buf *key);

/* Folds every activity of a snapshot into subjects and calls cb once per
 * subject with its final state (subjects of updates in key order, then the
 * streams). The subject passed is valid during the call only. Memory does
 * not grow with the number of activities or subjects. totals (may be
 * NULL) gets the snapshot-wide figures. */
typedef struct wd_fold_totals {
    size_t activities, failed, trace;
    size_t update_work; /* scans, downloads, installs, servicing: Windows Update at work */
    size_t servicing_work; /* store checks and repairs, SFC, features, self-updates */
    char last_success[WD_TIME_MAX]; /* newest successful update operation */
    char first_time[WD_TIME_MAX];   /* oldest time */
} wd_fold_totals;
int wd_fold_subjects(wd_store *s, int64_t snap,
                     int (*cb)(void *ctx, const wd_m_subject *subject), void *ctx,
                     wd_fold_totals *totals);

/* ------------------------------------------------------- knowledge base */

typedef struct wd_kb wd_kb;

typedef struct wd_kb_code {
    uint32_t code;
    const char *symbol;    /* e.g. "WU_E_INSTALL_NOT_ALLOWED", may be "" */
    const char *component; /* e.g. "WUA general" */
    const char *meaning;
    const char *causes;    /* our explanation of likely causes; may be "" */
    const char *fixes;     /* fix ids in order, comma-separated; may be "" */
} wd_kb_code;

typedef struct wd_kb_step {
    const char *os;   /* "any", "10" or "11" */
    const char *text;
} wd_kb_step;

typedef struct wd_kb_fix {
    const char *id;
    const char *title;
    const char *why;     /* why it helps */
    const char *risk;    /* what it costs or risks */
    int admin;           /* needs an administrator */
    const wd_kb_step *steps;
    size_t nsteps;
    const char *managed; /* on a managed PC: "keep", "avoid", or the id of
                            the fix to use instead */
    wd_op tried_by;      /* the operation that shows it in the evidence
                            (repair for DISM /RestoreHealth); WD_OP_UNKNOWN */
    const char *instead; /* the fix to give first when the evidence shows
                            this one already failed; NULL */
    const char *action;  /* what `wudiag fix` carries out for it ("auto"), or
                            NULL when it is done by hand */
    int action_unmanaged; /* ... only on a PC no WSUS or policy manages */
    const char *covered; /* done by hand, but these auto fixes do its work
                            ("auto-covered"); NULL */
    int needs_restart;   /* "when restart-pending": it finishes a pending
                            restart, so it is given only when one is */
} wd_kb_fix;

/* A documented known issue: which failures it explains (every list given
 * must match: codes, KBs, products), what causes it, what to do, and where
 * it is documented. */
typedef struct wd_kb_issue {
    const char *id;
    const char *codes;    /* code list ("0x80070643", ranges "lo-hi"), or NULL */
    const char *kbs;      /* "KB5034441,KB5034440", or NULL */
    const char *products; /* "feature-update", or NULL */
    const char *operations; /* "feature", or NULL */
    int named;            /* 1: the failure must name its target (the installer
                             of a commit); 0: either */
    const char *title, *cause, *workaround;
    const char *fixes;    /* fix ids to give first */
    int only;             /* its fixes replace the generic ones ("advice only") */
    const char *source;   /* the documentation it comes from (URL) */
} wd_kb_issue;

/* Loads the embedded knowledge base, or the one in dir when not NULL. */
int wd_kb_load(const char *dir, wd_kb **out);
void wd_kb_free(wd_kb *kb);
const wd_kb_code *wd_kb_code_find(const wd_kb *kb, uint32_t code);
const wd_kb_fix *wd_kb_fix_find(const wd_kb *kb, const char *id);
/* The known issues in file order; *n gets their number. */
const wd_kb_issue *wd_kb_issues(const wd_kb *kb, size_t *n);
const wd_kb_issue *wd_kb_issue_find(const wd_kb *kb, const char *id);

/* Decodes any HRESULT into text parts (severity, facility and its name,
 * Win32 error number and name for HRESULT_FROM_WIN32). */
typedef struct wd_hr_decoded {
    int failure;           /* severity bit */
    unsigned facility;
    const char *facility_name; /* "WIN32", "WINDOWSUPDATE", ... or "" */
    unsigned code;         /* low 16 bits */
    int is_win32;          /* facility 7 */
    const char *win32_name; /* "ERROR_FILE_NOT_FOUND" when known, else "" */
} wd_hr_decoded;
void wd_hr_decode(const wd_kb *kb, uint32_t hr, wd_hr_decoded *out);

/* -------------------------------------------------------------- rules */

/* Evaluates every rule of the knowledge base over the model and fills
 * m->findings (most severe first) and m->verdict. */
int wd_rules_run(const wd_kb *kb, wd_model *m);

/* ------------------------------------------------------------ rendering */

/* Builds the report XML document (a libxml2 xmlDocPtr, passed as void* so
 * this header stays free of libxml2). Free with wd_xml_doc_free. */
int wd_report_xml_build(const wd_model *m, const wd_kb *kb, const wd_report_options *o,
                        void **doc_out);
void wd_xml_doc_free(void *doc);

#endif
