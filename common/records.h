/* records.h - the normalised records that flow from the collector through
 * the store to the report: services, events, failures, facts, collection
 * notes and per-file source summaries. Plain structs of borrowed strings. */
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

/* A failure code seen somewhere in the evidence. */
typedef struct wd_failure_rec {
    uint32_t hresult;     /* normalised 32-bit code */
    const char *origin;   /* where it was seen: "event", "WindowsUpdate.log",
                             "CBS.log", "DISM.log", "history" */
    const char *time;     /* ISO 8601 (UTC when known); may be NULL */
    const char *operation; /* "install", "download", "scan", "uninstall",
                             "servicing", or NULL when unknown */
    const char *title;    /* update title; may be NULL */
    const char *kb;       /* "KB4025342"; may be NULL */
    const char *update_id; /* update GUID; may be NULL */
    const char *context;  /* the line or event summary it came from */
    const char *component; /* log component ("Agent", "CBS"), may be NULL */
    const char *computer; /* machine, when the record says; may be NULL */
    uint64_t event_record_id; /* for origin "event": the EventRecordID */
    const char *event_channel; /* for origin "event": its channel */
    const char *source;   /* evidence path */
    uint64_t line;        /* line number in a text log, 0 when none */
} wd_failure_rec;

/* A key/value fact: "os.build", "disk.system.free_bytes",
 * "reboot.pending.cbs", "policy.wu.WUServer", "history.install" ... */
typedef struct wd_fact_rec {
    const char *key;
    const char *value;
    const char *source; /* evidence path */
} wd_fact_rec;

/* Something that could not be read; the rest is still collected. */
typedef struct wd_note_rec {
    const char *source;   /* evidence path */
    const char *location; /* "offset 4096", "line 17", "record 12", or NULL */
    const char *reason;
} wd_note_rec;

/* The summary of one evidence file, sent once it has been read. */
typedef struct wd_source_rec {
    const char *path;   /* as given (relative to the evidence root) */
    const char *kind;   /* "evtx", "sc-queryex", "services-csv", ... or "unknown" */
    uint64_t records;   /* records read */
    uint64_t kept;      /* records that became wudiag records */
    uint64_t errors;    /* records or lines that could not be decoded */
} wd_source_rec;

#endif
