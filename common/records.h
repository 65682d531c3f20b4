/* records.h - the normalised records that flow from the collector through
 * the store to the report: services, events, activities (what the evidence
 * says happened, typed once, in the collector), facts, collection notes and
 * per-file source summaries. Plain structs of borrowed strings. The meaning
 * of every value is in docs/activities.md. */
#ifndef WD_RECORDS_H
#define WD_RECORDS_H

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- records */

/* One service as the Service Control Manager (or an export of it) sees it.
 * state: "running", "stopped", "start-pending", "stop-pending",
 *        "continue-pending", "pause-pending", "paused", or "unknown".
 * start_type: "auto", "delayed-auto", "manual", "disabled", "boot",
 *        "system", or "unknown" (e.g. sc queryex does not show it). */
typedef struct wd_service_rec {
    const char *name;         /* key name, e.g. "wuauserv" */
    const char *display_name; /* may be NULL */
    const char *state;
    const char *start_type;
    int64_t pid;               /* -1 when unknown */
    int64_t exit_code;         /* Win32 exit code; -1 when unknown */
    int64_t service_exit_code; /* service-specific exit code; -1 when unknown */
    const char *source;        /* evidence path */
} wd_service_rec;

typedef struct wd_field {
    const char *name;
    const char *value;
} wd_field;

/* One kept event-log record with its EventData/UserData fields by name
 * (for UserData the leaf element names; unnamed Data as "Data1", ...). */
typedef struct wd_event_rec {
    const char *channel;  /* "System", "Setup", ... */
    const char *provider; /* "Microsoft-Windows-WindowsUpdateClient" */
    uint32_t event_id;
    int level;            /* 0..5 as in the event; -1 when missing */
    uint64_t record_id;   /* EventRecordID */
    const char *time;     /* ISO 8601 UTC (WD_TIME_MAX form); may be NULL */
    const char *computer; /* may be NULL */
    const wd_field *fields;
    size_t nfields;
    const char *source;   /* evidence path */
} wd_event_rec;

/* ------------------------------------------------------------ activities */

/* What an activity did. The names (wd_op_name) are what the store keeps and
 * what rules and analysts' SQL use; docs/activities.md says which evidence
 * gives which. Append only: the numbers are not stored, the names are. */
typedef enum wd_op {
    WD_OP_UNKNOWN = 0,
    WD_OP_SCAN,            /* "scan": searching for updates */
    WD_OP_DOWNLOAD,        /* "download" */
    WD_OP_INSTALL,         /* "install": an update's installation */
    WD_OP_UNINSTALL,       /* "uninstall" */
    WD_OP_COMMIT,          /* "commit": the post-restart part of an install */
    WD_OP_REVERT,          /* "revert": an install rolled back */
    WD_OP_SELF_UPDATE,     /* "self-update": the update agent updating itself */
    WD_OP_SERVICING,       /* "servicing": a CBS package state change */
    WD_OP_REPAIR,          /* "repair": a component-store repair (DISM
                              /RestoreHealth, automatic CBS store repair) */
    WD_OP_VERIFY,          /* "verify": a corruption check (ScanHealth,
                              CheckHealth, CBS corruption detection) */
    WD_OP_SFC,             /* "sfc": System File Checker (sfc /scannow) */
    WD_OP_FEATURE,         /* "feature": an optional feature enabled or
                              disabled (DISM /Enable-Feature, NetFx3) */
    WD_OP_FEATURE_UPDATE,  /* "feature-update": an upgrade to a new version */
    WD_OP_SERVICE_START,   /* "service-start": a service start (7000/7009/7011) */
    WD_OP_SERVICE_CRASH,   /* "service-crash": a service ended unexpectedly
                              (7031/7034) or with an error (7023/7024) */
    WD_OP_SERVICE_CHANGE,  /* "service-change": state (7036) or start type (7040) */
    WD_OP_REBOOT,          /* "reboot": a restart asked for or done (1074, boot) */
    WD_OP_BOOT,            /* "boot": the system started (6005, Kernel-General 12) */
    WD_OP_SHUTDOWN,        /* "shutdown": clean (6006, 13) or not (6008, 41) */
    WD_OP_POLICY,          /* "policy": Automatic Updates / WSUS configuration */
    WD_OP_COUNT
} wd_op;

/* How it ended. "trace" is an internal step of an operation (kept as
 * evidence, never a failure); "in-progress" is a start with no end in the
 * evidence so far; "pending-reboot" succeeded but needs a restart. */
typedef enum wd_outcome {
    WD_OUT_UNKNOWN = 0,    /* "unknown" */
    WD_OUT_SUCCEEDED,      /* "succeeded" */
    WD_OUT_FAILED,         /* "failed" */
    WD_OUT_PENDING_REBOOT, /* "pending-reboot" */
    WD_OUT_CANCELLED,      /* "cancelled" */
    WD_OUT_IN_PROGRESS,    /* "in-progress" */
    WD_OUT_TRACE,          /* "trace" */
    WD_OUT_COUNT
} wd_outcome;

/* What kind of update an activity is about (from title, KB and package). */
typedef enum wd_product {
    WD_PRODUCT_UNKNOWN = 0,   /* "unknown": no update, or not recognised */
    WD_PRODUCT_OS_CUMULATIVE, /* "os-cumulative": monthly/preview cumulative or
                                 security-only/rollup update of Windows */
    WD_PRODUCT_SERVICING_STACK, /* "servicing-stack" */
    WD_PRODUCT_DOTNET,        /* "dotnet": .NET Framework updates */
    WD_PRODUCT_DEFENDER,      /* "defender": definitions and platform */
    WD_PRODUCT_STORE_APP,     /* "store-app": Microsoft Store apps */
    WD_PRODUCT_DRIVER,        /* "driver" */
    WD_PRODUCT_OFFICE,        /* "office" */
    WD_PRODUCT_FEATURE_UPDATE,/* "feature-update": a new Windows version */
    WD_PRODUCT_MSRT,          /* "msrt": Malicious Software Removal Tool */
    WD_PRODUCT_OS_OTHER,      /* "os-other": other Windows updates (dynamic
                                 update, WinRE, Safe OS, out-of-band fixes) */
    WD_PRODUCT_OTHER,         /* "other": another Microsoft product */
    WD_PRODUCT_COUNT
} wd_product;

/* Where in the evidence a record comes from: a line of a text log, a row of
 * a table (CSV data row, 1-based, or a .reg value's line), or an event. */
typedef enum wd_loc_kind {
    WD_LOC_NONE = 0,
    WD_LOC_LINE,  /* source + line */
    WD_LOC_ROW,   /* source + line (the row's first line) */
    WD_LOC_EVENT, /* source + channel + record_id + event_id */
} wd_loc_kind;

typedef struct wd_evidence_loc {
    wd_loc_kind kind;
    const char *source;  /* evidence path */
    uint64_t line;       /* LINE, ROW: 1-based line number */
    const char *channel; /* EVENT */
    uint64_t record_id;  /* EVENT: EventRecordID */
    uint32_t event_id;   /* EVENT */
} wd_evidence_loc;

/* One thing the evidence says happened, with its meaning decided: which
 * operation, how it ended, on which update or service, with which code.
 * Activities derived from an event are sent right after that event (the
 * store links them to it). Every string may be NULL. */
typedef struct wd_activity_rec {
    wd_op operation;
    wd_outcome outcome;
    int has_code;         /* code is meaningful */
    uint32_t code;        /* HRESULT; Win32 errors given as HRESULT_FROM_WIN32 */
    const char *time;     /* ISO 8601: UTC with Z, or local time without a zone
                             where the evidence gives no zone (text logs) */
    const char *update_id; /* GUID, upper case, no braces, no revision */
    const char *kb;        /* "KB5034441" */
    const char *title;     /* update title as the evidence gives it */
    wd_product product;
    const char *package;   /* CBS package identity, when the evidence names one */
    const char *service;   /* service key name (service operations) */
    const char *target;    /* what else the operation is about: the feature
                              (NetFx3), the damaged file (SFC), the repair
                              source path, the version of a feature update */
    const char *session;   /* the evidence's own grouping: CBS session id,
                              DISM process, WU call or deployment job id */
    int64_t count;         /* a count the outcome states (corruptions found,
                              updates found, files not repaired); -1 none */
    const char *component; /* log component or event provider */
    const char *detail;    /* one line saying what the evidence says: the
                              log text or an event summary */
    const char *computer;  /* machine, when the evidence names it */
    wd_evidence_loc where;
} wd_activity_rec;

/* Names for the enums (static strings) and back (WD_OP_UNKNOWN,
 * WD_OUT_UNKNOWN, WD_PRODUCT_UNKNOWN for NULL or an unknown name). */
const char *wd_op_name(wd_op op);
wd_op wd_op_parse(const char *name);
const char *wd_outcome_name(wd_outcome o);
wd_outcome wd_outcome_parse(const char *name);
const char *wd_product_name(wd_product p);
wd_product wd_product_parse(const char *name);

/* A key/value fact with its source. The keys are typed and listed in
 * docs/activities.md ("os.build", "os.ubr", "os.edition", "os.product",
 * "os.version", "machine.name", "wu.server", "wu.au_setting",
 * "disk.system.free_bytes", "reboot.pending.cbs", "services.listing",
 * "policy.wu.WUServer" ...). Different sources may disagree: each sends
 * what it says; the report shows conflicts with both sources. */
typedef struct wd_fact_rec {
    const char *key;
    const char *value;
    const char *source; /* evidence path */
    const char *time;   /* when the source saw it (ISO 8601); NULL when it
                           describes the capture itself */
} wd_fact_rec;

/* What a note means for the diagnosis. */
typedef enum wd_note_kind {
    WD_NOTE_INFO = 0,   /* nothing was lost (a file of no known kind, a record
                           recovered) */
    WD_NOTE_PARTIAL,    /* part of a file could not be read (damaged records,
                           a truncated end); the rest was */
    WD_NOTE_UNREADABLE, /* a given evidence file could not be read at all */
    WD_NOTE_LIMIT,      /* evidence cut by a budget (size, count, depth) */
} wd_note_kind;

/* Something that could not be read; the rest is still collected. */
typedef struct wd_note_rec {
    const char *source;   /* evidence path */
    const char *location; /* "offset 4096", "line 17", "record 12", or NULL */
    const char *reason;
    wd_note_kind kind;
} wd_note_rec;

const char *wd_note_kind_name(wd_note_kind k); /* "info", "partial", ... */
wd_note_kind wd_note_kind_parse(const char *name);

/* The summary of one evidence file, sent once it has been read. */
typedef struct wd_source_rec {
    const char *path;   /* as given (relative to the evidence root) */
    const char *kind;   /* "evtx", "sc-queryex", "services-csv", ... or "unknown" */
    uint64_t records;   /* records read */
    uint64_t kept;      /* records that became wudiag records */
    uint64_t errors;    /* records or lines that could not be decoded */
} wd_source_rec;

#endif
