/* internal.h - the report module's model: a snapshot loaded from the store
 * into plain arrays, the knowledge base, the rules engine and the findings
 * they produce. Analysis fills the model; rendering only reads it. */
#ifndef WD_REPORT_INTERNAL_H
#define WD_REPORT_INTERNAL_H

#include "report.h"

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ model */

typedef struct wd_m_service {
    int64_t id;
    char *name, *display_name, *state, *start_type, *source;
    int64_t pid, exit_code, service_exit_code;
} wd_m_service;

typedef struct wd_m_event {
    int64_t id;
    char *channel, *provider, *time, *computer, *source;
    uint32_t event_id;
    int level;
    uint64_t record_id;
    wd_field *fields; /* name/value strings owned by the model */
    size_t nfields;
} wd_m_event;

typedef struct wd_m_failure {
    int64_t id;
    uint32_t hresult;
    char *origin, *time, *operation, *title, *kb, *update_id, *context, *component, *computer;
    char *event_channel, *source;
    uint64_t event_record_id, line;
} wd_m_failure;

typedef struct wd_m_fact {
    int64_t id;
    char *key, *value, *source;
} wd_m_fact;

typedef struct wd_m_note {
    int64_t id;
    char *source, *location, *reason;
} wd_m_note;

typedef struct wd_m_source {
    int64_t id;
    char *path, *kind;
    uint64_t records, kept, errors;
} wd_m_source;

/* An earlier snapshot of the same machine, for rules over history. */
typedef struct wd_m_past {
    int64_t id;
    char *collected_at, *verdict;
    int64_t failures;
} wd_m_past;

typedef struct wd_finding {
    char *rule, *severity, *title, *explanation;
    char **fixes;     /* fix ids in order */
    size_t nfixes;
    char **evidence;  /* "failure:12", "event:40", "service:3", "fact:7" */
    size_t nevidence;
} wd_finding;

typedef struct wd_model {
    /* snapshot */
    int64_t snapshot_id;
    char *machine, *collected_at, *evidence_time, *command_line, *evidence;
    /* rows */
    wd_m_service *services; size_t nservices;
    wd_m_event *events;     size_t nevents;
    wd_m_failure *failures; size_t nfailures;
    wd_m_fact *facts;       size_t nfacts;
    wd_m_note *notes;       size_t nnotes;
    wd_m_source *sources;   size_t nsources;
    wd_m_past *past;        size_t npast;
    /* analysis */
    wd_finding *findings;   size_t nfindings;
    const char *verdict;    /* static string */
} wd_model;

/* Loads a snapshot into a new model. Free with wd_model_free. */
int wd_model_load(wd_store *s, int64_t snap, wd_model **out);
void wd_model_free(wd_model *m);
/* The value of a fact by key (first match), or NULL. */
const char *wd_model_fact(const wd_model *m, const char *key);
const wd_m_service *wd_model_service(const wd_model *m, const char *name);
const char *wd_event_field(const wd_m_event *e, const char *name);
/* Frees what a finding owns and zeroes it (NULL members are fine). */
void wd_finding_clear(wd_finding *f);

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
} wd_kb_fix;

/* Loads the embedded knowledge base, or the one in dir when not NULL. */
int wd_kb_load(const char *dir, wd_kb **out);
void wd_kb_free(wd_kb *kb);
const wd_kb_code *wd_kb_code_find(const wd_kb *kb, uint32_t code);
const wd_kb_fix *wd_kb_fix_find(const wd_kb *kb, const char *id);

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
