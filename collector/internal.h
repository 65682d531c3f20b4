/* internal.h - what the collector's source files share: the input stream
 * every reader consumes (a file on disk or an entry inside a zip), the text
 * decoder, note helpers, and one entry point per evidence format. */
#ifndef WD_COLLECTOR_INTERNAL_H
#define WD_COLLECTOR_INTERNAL_H

#include "collector.h"
#include "common.h"

#include <stdio.h>
#include <sys/types.h>

/* ---------------------------------------------------------------- budgets */

/* What one bundle may cost, in one place. Past a budget the collector keeps
 * going where it can and sends a WD_NOTE_LIMIT note saying what was cut and
 * by how much; nothing is cut silently. README ("Evidence budgets") lists
 * them. Identical repeated activities are collapsed later by the store
 * (WD_STORE_REPEAT_KEEP), not here. Two more are fixed by the text layer:
 * WD_LINE_MAX bytes per text line and per CSV row. */
typedef struct wd_budget {
    uint64_t unpacked;    /* bytes decompressed out of zips (nested ones too), per bundle */
    uint64_t ratio;       /* a zip may unpack to at most ratio times its own size ... */
    uint64_t ratio_floor; /* ... or to this many bytes, whichever is more */
    uint64_t entry;       /* bytes of one zip entry (bounds its temporary copy) */
    uint64_t files;       /* files read per bundle: folder files and zip entries */
    uint64_t records;     /* records of each kind (event, activity, ...) kept per file */
    size_t field;         /* bytes of one text value of a record */
    int depth;            /* folders and zips inside one another */
    uint64_t notes;       /* notes per file, and notes about skipped files per bundle */
} wd_budget;

#define WD_BUDGET_DEFAULT                                                                   \
    {                                                                                       \
        .unpacked = (uint64_t)8 << 30, .ratio = 100, .ratio_floor = (uint64_t)64 << 20,     \
        .entry = (uint64_t)2 << 30, .files = 100000, .records = 1000000,                    \
        .field = (size_t)64 << 10, .depth = 16, .notes = 1000,                              \
    }

/* wd_collect_evidence with a budget of the caller's (tests, the fuzzer). */
int wd_collect_evidence_budget(const char *path, const wd_sink *sink, const wd_budget *budget);
/* wd_collect_buffer with a budget of the caller's. */
int wd_collect_buffer_budget(const void *data, size_t size, const char *display_path,
                             const wd_sink *sink, const wd_budget *budget);

/* ------------------------------------------------------------------ input */

#define WD_INPUT_HEAD 4096

/* A byte stream with its first WD_INPUT_HEAD bytes already read (for content
 * detection). Readers call wd_input_read and never the raw callback. */
typedef struct wd_input {
    const char *path;    /* display path for records and notes */
    const char *fs_path; /* a real file on disk, or NULL (zip entry, memory) */
    const unsigned char *mem; /* the whole content when held in memory, else NULL */
    uint64_t size;       /* total bytes, or UINT64_MAX when unknown */
    unsigned char head[WD_INPUT_HEAD];
    size_t head_len;     /* bytes in head */
    uint64_t offset;     /* bytes handed out by wd_input_read so far */
    /* raw reader: returns bytes read, 0 at the end, -1 on error (message set) */
    ssize_t (*raw_read)(void *ctx, void *buf, size_t n);
    void *ctx;
    /* what the text layer (wd_lines) met; the collector notes it */
    uint64_t nul_bytes;  /* NUL bytes in the text (one U+FFFD per run inside a line) */
    uint64_t nul_line;   /* the first line holding one */
    uint64_t cut_lines;  /* lines longer than WD_LINE_MAX, cut */
    uint64_t cut_line;   /* the first of them */
} wd_input;

/* Opens a file on disk (fills head). 0 or WD_EIO with a message. */
int wd_input_open_file(wd_input *in, const char *fs_path, const char *display, FILE **fp_out);
/* Wraps a memory buffer (not copied; must outlive the input). */
void wd_input_open_mem(wd_input *in, const void *data, size_t size, const char *display);
/* Wraps a raw reader, then fills head from it. 0 or WD_EIO. */
int wd_input_open_stream(wd_input *in, ssize_t (*raw_read)(void *, void *, size_t), void *ctx,
                         uint64_t size, const char *display);
/* Reads up to n bytes (head first). Returns bytes read, 0 at end, -1 error. */
ssize_t wd_input_read(wd_input *in, void *buf, size_t n);
/* Reads the whole remaining input into a malloc'd buffer (for formats that
 * need random access, e.g. .evtx inside a zip). At most limit bytes. */
int wd_input_slurp(wd_input *in, size_t limit, unsigned char **data, size_t *size);

/* ----------------------------------------------------------------- text */

#define WD_LINE_MAX ((size_t)1 << 20) /* budget: bytes of one text line */

/* Decodes a text input line by line into UTF-8, whatever Windows wrote:
 * UTF-8 with or without BOM, UTF-16LE/BE with BOM, UTF-16LE without BOM
 * (detected from NUL bytes), CRLF, LF or CR line ends. Invalid sequences
 * become U+FFFD. A run of NUL characters inside a line becomes one U+FFFD,
 * so that it cannot join the tokens on either side; at the start of a line
 * (the padding a crash leaves) it is dropped. Lines longer than WD_LINE_MAX
 * are cut. Both are counted in the input (nul_bytes, cut_lines) for the
 * collector's notes; cut lines are also counted by wd_lines_cut. */
typedef struct wd_lines wd_lines;

int wd_lines_open(wd_lines **out, wd_input *in);
/* Next line without its end-of-line; *line is valid until the next call.
 * Returns 1 for a line, 0 at the end, negative on a read error. */
int wd_lines_next(wd_lines *l, const char **line, size_t *len);
uint64_t wd_lines_number(const wd_lines *l); /* 1-based number of the last line */
uint64_t wd_lines_cut(const wd_lines *l);    /* lines that were too long */
void wd_lines_free(wd_lines *l);             /* NULL-safe */

/* Decodes the head of an input (BOM/UTF-16 aware) into UTF-8 text for
 * content detection: at most outsz-1 bytes, NUL-terminated. */
void wd_text_head(const wd_input *in, char *out, size_t outsz);

/* ------------------------------------------------------------------- csv */

/* Reads a CSV export (PowerShell Export-Csv, Excel) on top of wd_lines:
 * skips a "#TYPE ..." line and an Excel "sep=;" line, guesses the delimiter
 * (',' ';' or TAB) from the header, handles quoted fields with "" escapes and
 * line breaks inside quotes. Rows are capped at 1 MiB. */
typedef struct wd_csv wd_csv;

/* Reads up to and including the header row. WD_EFORMAT when the input has
 * no header line; free *out with wd_csv_free. */
int wd_csv_open(wd_csv **out, wd_input *in);
/* Index of the header column named name (case-insensitive, surrounding
 * blanks ignored), or -1. */
int wd_csv_column(const wd_csv *c, const char *name);
/* Next data row (blank lines skipped): 1, 0 at the end, negative on a read
 * error. Fields stay valid until the next call. */
int wd_csv_next(wd_csv *c);
/* Field col of the current row; NULL when col < 0 or the row is shorter. */
const char *wd_csv_field(const wd_csv *c, int col);
size_t wd_csv_nfields(const wd_csv *c);
/* Why the current row is damaged (unterminated quote, too long), or NULL. */
const char *wd_csv_row_error(const wd_csv *c);
/* 1 when the current row's line was longer than WD_LINE_MAX and cut there:
 * the row ends with that line, the fields before the cut are whole (and
 * returned), the cut one and those after it are missing (NULL). */
int wd_csv_row_cut(const wd_csv *c);
/* Line number where the current row starts (1-based). */
uint64_t wd_csv_line(const wd_csv *c);
void wd_csv_free(wd_csv *c); /* NULL-safe */

/* -------------------------------------------------------------- services */

/* The record names (common/records.h) for the numbers the Service Control
 * Manager uses: state 1..7 (SERVICE_STOPPED ...), start type 0..4 (boot,
 * system, auto, demand, disabled; auto with delayed set is "delayed-auto").
 * Any other number gives "unknown". Static strings. */
const char *wd_service_state_from_code(int64_t code);
const char *wd_service_start_from_code(int64_t code, int delayed);

/* Scanning helpers for line formats: the number of ASCII digits at p (at
 * most max), p past blanks (spaces, tabs), the end of a run of non-blanks. */
size_t wd_text_digits(const char *p, size_t max);
const char *wd_text_skip_blanks(const char *p);
const char *wd_text_token_end(const char *p);

/* ----------------------------------------------------------------- notes */

/* Sends a collection note of a kind (records.h: whether anything was lost
 * and how): location is printf-formatted ("line %llu"), may be NULL.
 * Returns the sink's return value. */
int wd_note(const wd_sink *sink, wd_note_kind kind, const char *source, const char *reason,
            const char *location_fmt, ...) WD_PRINTF(5, 6);

/* -------------------------------------------------------------- meaning */

/* What kind of update an activity is about, from whatever identity the
 * evidence gives (each may be NULL). The one place this is decided. */
wd_product wd_classify_update(const char *title, const char *kb, const char *package);

/* The Windows version a feature-update title names, in any language
 * ("Feature update to Windows 10, version 1709" -> "1709", "Windows 11,
 * versión 24H2" -> "24H2"): 1 with out set, or 0. */
int wd_feature_version(const char *title, char *out, size_t outsz);

/* What a source knows of the Windows version (each may be NULL): the
 * CurrentVersion values, or their facts.txt copies. */
typedef struct wd_os_info {
    const char *product_name;      /* ProductName, as written */
    const char *edition;           /* EditionID */
    const char *installation_type; /* InstallationType ("Client", "Server") */
    const char *display_version;   /* DisplayVersion ("22H2") */
    const char *release_id;        /* ReleaseId ("1703"), when no DisplayVersion */
    const char *build;             /* CurrentBuild, else CurrentBuildNumber */
    const char *ubr;               /* UBR */
    const char *computer;          /* the computer name */
} wd_os_info;

/* The product a build and edition are, appended to out: build 22000 or
 * later is Windows 11 whatever ProductName says; a server by its edition,
 * installation type or name. The one place this is decided (osfacts.c). */
int wd_os_product(const char *product_name, const char *build, const char *edition,
                  const char *installation_type, wd_buf *out);
/* Sends os.build, os.ubr, os.edition, os.version, os.product and
 * machine.name for what o holds. */
int wd_os_facts(const wd_os_info *o, const char *source, const wd_sink *sink);

/* The Windows Update policy values (SOFTWARE\Policies\...\WindowsUpdate
 * and \AU) that decide where and how updates come. */
typedef struct wd_wu_policy {
    const char *wu_server, *wu_status_server, *use_wu_server; /* WUServer, ... */
    const char *no_auto_update, *au_options;                   /* AU key */
    int seen; /* the policy key was read (absent values mean "not set") */
} wd_wu_policy;

/* Sends wu.server / wu.status_server (the WSUS server when UseWUServer is
 * 1, "none" when the policy does not use one) and wu.au_setting. */
int wd_wu_policy_facts(const wd_wu_policy *p, const char *source, const wd_sink *sink);

/* Whether a service listing holds the whole machine: fed each service,
 * then sends services.listing = "complete" (at least
 * WD_LISTING_COMPLETE_MIN services, RpcSs, EventLog, PlugPlay and
 * DcomLaunch among them, stopped ones too) or "partial". */
#define WD_LISTING_COMPLETE_MIN 40
typedef struct wd_listing {
    size_t count, stopped;
    unsigned core;
} wd_listing;
void wd_listing_add(wd_listing *l, const char *name, const char *state);
int wd_listing_fact(const wd_listing *l, const char *source, const wd_sink *sink);

/* ------------------------------------------------------------- detection */

typedef enum wd_kind {
    WD_KIND_UNKNOWN = 0,
    WD_KIND_EVTX,          /* "ElfFile\0" */
    WD_KIND_EVT,           /* legacy .evt ("LfLe" at offset 4): refused */
    WD_KIND_EVENT_XML,     /* wevtutil /f:xml or Event Viewer "Save as XML" */
    WD_KIND_SC_QUERYEX,    /* sc queryex text */
    WD_KIND_SERVICES_CSV,  /* Get-Service / Get-CimInstance Win32_Service CSV */
    WD_KIND_WU_LOG,        /* WindowsUpdate.log, Windows 10+ or legacy */
    WD_KIND_CBS_LOG,       /* CBS.log */
    WD_KIND_DISM_LOG,      /* DISM.log */
    WD_KIND_HISTORY_CSV,   /* QueryHistory rows as CSV */
    WD_KIND_REG,           /* .reg export */
    WD_KIND_FACTS,         /* key=value facts written by capture-evidence.ps1 */
    WD_KIND_ZIP,           /* a zip inside the evidence */
} wd_kind;

/* Recognises a format from the first bytes (and the file name as a hint). */
wd_kind wd_detect(const wd_input *in);
const char *wd_kind_name(wd_kind kind);

/* --------------------------------------------------------------- sources */

/* Every reader: consumes `in`, pushes records into `sink`, counts into
 * `summary` (records, kept, errors; the caller sets path and kind and sends
 * it). A damaged file or record becomes a note; the reader returns 0 unless
 * the sink asked to stop (its non-zero return is passed on). */
typedef int (*wd_source_fn)(wd_input *in, const wd_sink *sink, wd_source_rec *summary);

int wd_source_evtx(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_event_xml(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_sc_queryex(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_services_csv(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_wu_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_cbs_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_dism_log(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_history_csv(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_reg(wd_input *in, const wd_sink *sink, wd_source_rec *summary);
int wd_source_facts(wd_input *in, const wd_sink *sink, wd_source_rec *summary);

/* ------------------------------------------------------- event filtering */

/* The shared rules for which events wudiag keeps and what a kept event
 * means, applied to a decoded event by the .evtx, the XML and the live
 * readers: decides whether to keep it, sends it to the sink, then the
 * activities it means (event_meaning.c, docs/activities.md) and the facts
 * it states (the OS build at boot). Returns 1 if kept, 0 if not, or the
 * sink's non-zero code (negative). */
int wd_event_emit(const wd_event_rec *ev, const wd_sink *sink);

/* The cheap first test of the same rules, on what a reader knows before it
 * decodes the fields: 0 when an event of this provider and id is never kept,
 * 1 when it may be (wd_event_emit decides), 2 when that depends on the
 * values (a Service Control Manager or BITS event): then a reader that has
 * the values without their names (libevtx's strings) may ask
 * wd_event_wanted_values. provider NULL gives 1. */
int wd_event_wanted(const char *provider, uint32_t event_id);
/* 0 when none of an event's values can make wd_event_emit keep it (an SCM
 * event that names no update service, a BITS event of another job), else 1. */
int wd_event_wanted_values(const char *provider, uint32_t event_id, const char *const *values,
                           size_t nvalues);

#endif
