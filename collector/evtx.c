/* evtx.c - the .evtx reader (libevtx): every record of the log and those
 * libevtx recovers from its free space. Records that may be kept are decoded
 * to XML and their fields taken by name; undecodable ones become notes. */
#include "internal.h"

#include <libbfio.h>
#include <libevtx.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVTX_MAX_SIZE ((size_t)1 << 30) /* an .evtx read into memory (zip entry) */
#define EVTX_HEADER_SIZE 4096
#define EVTX_CHUNK_SIZE 65536
#define EVTX_MAX_FIELDS 512
#define EVTX_MAX_NOTES 20  /* record notes per file; the rest are counted in one */
#define UNDECODABLE 1      /* process_record: the record cannot be decoded */
#define EVTX_MAX_VALUES 16 /* values looked at before deciding to decode */
#define EVTX_VALUE_MAX 1024
#define EVTX_XML_OPTIONS                                                                           \
    (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE | XML_PARSE_RECOVER)

#define EVTX_MAX_DEPTH 32

enum { SEC_NONE, SEC_SYSTEM, SEC_EVENT_DATA, SEC_USER_DATA };

/* One record's content, filled by the SAX walk of its XML; every string is
 * malloc'd and freed by event_clear. */
typedef struct evtx_event {
    char *channel, *provider, *computer, *time_text;
    char *event_id, *level, *record_id;
    wd_field fields[EVTX_MAX_FIELDS];
    size_t nfields;
    size_t unnamed; /* Data elements without a Name so far */
    /* the walk */
    int depth;   /* of the element being read; 1 is <Event> */
    int section; /* SEC_*: which child of <Event> we are in */
    int is_event, failed;
    unsigned char has_child[EVTX_MAX_DEPTH]; /* per depth: an element child was seen */
    char *data_name;                         /* Name of the <Data> being read */
    wd_buf text;                             /* text of the element being read */
} evtx_event;

/* An .evtx held in memory, read through libbfio callbacks (see below). */
typedef struct mem_io {
    const uint8_t *data;
    size_t size;
    size_t pos;
    int open;
} mem_io;

typedef struct evtx_reader {
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *summary;
    libevtx_file_t *file;
    uint8_t *xml; /* one record's XML, reused */
    size_t xml_cap;
    xmlParserCtxt *parser; /* reused: a fresh one per record costs more than the parse */
    uint64_t *ids;         /* identifiers of the live records (recovered duplicates are skipped) */
    size_t nids, ids_cap;
    uint64_t notes;   /* record notes sent */
    uint64_t unnoted; /* record errors past EVTX_MAX_NOTES */
    evtx_event ev;
    char values[EVTX_MAX_VALUES][EVTX_VALUE_MAX]; /* a record's strings, for the cheap test */
    mem_io mem;                                   /* the input when it is held in memory */
} evtx_reader;

/* ----------------------------------------------------------- libevtx errors */

/* The cause libevtx recorded (its innermost message, without the function
 * name) into out, and the file offset it names if any (else UINT64_MAX).
 * Frees the error. */
static void error_reason(libevtx_error_t **err, char *out, size_t outsz, uint64_t *offset)
{
    char bt[8192] = "";
    if (err && *err) {
        libevtx_error_backtrace_sprint(*err, bt, sizeof bt);
        libevtx_error_free(err);
    }
    bt[sizeof bt - 1] = '\0';
    if (offset) {
        const char *at = strstr(bt, "at offset: 0x");
        *offset = at ? strtoull(at + 13, NULL, 16) : UINT64_MAX;
    }
    bt[strcspn(bt, "\n")] = '\0';
    const char *msg = strstr(bt, ": ");
    msg = msg ? msg + 2 : bt;
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '.' || msg[n - 1] == ' ' || msg[n - 1] == '\r'))
        n--;
    if (n == 0) {
        msg = "unknown libevtx error";
        n = strlen(msg);
    }
    snprintf(out, outsz, "%.*s", (int)n, msg);
}

/* A live record that cannot be decoded: counted, and noted while the
 * per-file budget of notes lasts. */
static int record_error(evtx_reader *r, int index, const char *reason, uint64_t offset)
{
    r->summary->errors++;
    if (r->notes >= EVTX_MAX_NOTES) {
        r->unnoted++;
        return 0;
    }
    r->notes++;
    wd_buf why = WD_BUF_INIT;
    wd_buf_printf(&why, "record cannot be decoded: %s", reason);
    int rc;
    if (offset != UINT64_MAX)
        rc = wd_note(r->sink, WD_NOTE_PARTIAL, r->in->path, wd_buf_cstr(&why), "record %d, offset 0x%llx", index,
                     (unsigned long long)offset);
    else
        rc = wd_note(r->sink, WD_NOTE_PARTIAL, r->in->path, wd_buf_cstr(&why), "record %d", index);
    wd_buf_free(&why);
    return rc;
}

/* ------------------------------------------------------------ record XML */

static void event_clear(evtx_event *ev)
{
    free(ev->channel);
    free(ev->provider);
    free(ev->computer);
    free(ev->time_text);
    free(ev->event_id);
    free(ev->level);
    free(ev->record_id);
    free(ev->data_name);
    for (size_t i = 0; i < ev->nfields; i++) {
        free((char *)ev->fields[i].name);
        free((char *)ev->fields[i].value);
    }
    wd_buf text = ev->text; /* kept for the next record */
    memset(ev, 0, sizeof *ev);
    ev->text = text;
    wd_buf_reset(&ev->text);
}

/* Adds a field; takes ownership of name and value. */
static void add_field(evtx_event *ev, char *name, char *value)
{
    if (!name || !value || ev->nfields >= EVTX_MAX_FIELDS) {
        ev->failed |= !name || !value;
        free(name);
        free(value);
        return;
    }
    ev->fields[ev->nfields].name = name;
    ev->fields[ev->nfields].value = value;
    ev->nfields++;
}

/* A SAX2 attribute's value (malloc'd), or NULL when it is not there. */
static char *attr_dup(evtx_event *ev, const xmlChar **attrs, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        const xmlChar **a = attrs + 5 * i; /* localname, prefix, URI, value, end */
        if (strcmp((const char *)a[0], name) == 0) {
            char *v = wd_strndup((const char *)a[3], (size_t)(a[4] - a[3]));
            ev->failed |= !v;
            return v;
        }
    }
    return NULL;
}

static evtx_event *walk_of(void *ctx)
{
    return ((xmlParserCtxt *)ctx)->_private;
}

static void sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                      const xmlChar *uri, int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                      const xmlChar **attrs)
{
    (void)prefix, (void)uri, (void)nns, (void)ns, (void)ndefaulted;
    evtx_event *ev = walk_of(ctx);
    const char *name = (const char *)localname;
    if (ev->depth < EVTX_MAX_DEPTH)
        ev->has_child[ev->depth] = 1;
    if (++ev->depth < EVTX_MAX_DEPTH)
        ev->has_child[ev->depth] = 0;
    wd_buf_reset(&ev->text);
    if (ev->depth == 1) {
        ev->is_event = strcmp(name, "Event") == 0;
    } else if (ev->depth == 2) {
        ev->section = strcmp(name, "System") == 0      ? SEC_SYSTEM
                      : strcmp(name, "EventData") == 0 ? SEC_EVENT_DATA
                      : strcmp(name, "UserData") == 0  ? SEC_USER_DATA
                                                       : SEC_NONE;
    } else if (ev->depth == 3 && ev->section == SEC_SYSTEM) {
        if (strcmp(name, "Provider") == 0 && !ev->provider)
            ev->provider = attr_dup(ev, attrs, nattrs, "Name");
        else if (strcmp(name, "TimeCreated") == 0 && !ev->time_text)
            ev->time_text = attr_dup(ev, attrs, nattrs, "SystemTime");
    } else if (ev->depth == 3 && ev->section == SEC_EVENT_DATA && strcmp(name, "Data") == 0) {
        free(ev->data_name);
        ev->data_name = attr_dup(ev, attrs, nattrs, "Name");
    }
}

/* The end of a child of <System>: the values kept from its text. */
static void system_value(evtx_event *ev, const char *name)
{
    char **slot = strcmp(name, "EventID") == 0         ? &ev->event_id
                  : strcmp(name, "Level") == 0         ? &ev->level
                  : strcmp(name, "EventRecordID") == 0 ? &ev->record_id
                  : strcmp(name, "Channel") == 0       ? &ev->channel
                  : strcmp(name, "Computer") == 0      ? &ev->computer
                                                       : NULL;
    if (slot && !*slot) {
        *slot = wd_strdup(wd_buf_cstr(&ev->text));
        ev->failed |= !*slot;
    }
}

/* The end of a child of <EventData>: Data by its Name (unnamed ones as
 * Data1, Data2, ...) and the <Binary> hex as "Binary". */
static void event_data_value(evtx_event *ev, const char *name)
{
    char *field = NULL;
    if (strcmp(name, "Binary") == 0) {
        field = wd_strdup("Binary");
    } else if (strcmp(name, "Data") == 0 && ev->data_name) {
        field = ev->data_name;
        ev->data_name = NULL;
    } else if (strcmp(name, "Data") == 0) {
        wd_buf b = WD_BUF_INIT;
        wd_buf_printf(&b, "Data%zu", ++ev->unnamed);
        field = wd_buf_detach(&b);
    } else {
        return;
    }
    add_field(ev, field, wd_strdup(wd_buf_cstr(&ev->text)));
}

static void sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    (void)prefix, (void)uri;
    evtx_event *ev = walk_of(ctx);
    const char *name = (const char *)localname;
    int d = ev->depth--;
    if (d == 3 && ev->section == SEC_SYSTEM)
        system_value(ev, name);
    else if (d == 3 && ev->section == SEC_EVENT_DATA)
        event_data_value(ev, name);
    else if (d >= 3 && d < EVTX_MAX_DEPTH && ev->section == SEC_USER_DATA && !ev->has_child[d])
        add_field(ev, wd_strdup(name), wd_strdup(wd_buf_cstr(&ev->text))); /* a leaf */
    wd_buf_reset(&ev->text);
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    evtx_event *ev = walk_of(ctx);
    if (ev->depth >= 3 && len > 0)
        wd_buf_append(&ev->text, (const char *)ch, (size_t)len);
}

/* A parser whose SAX2 callbacks fill an evtx_event: no tree is built. */
static xmlParserCtxt *new_parser(void)
{
    xmlParserCtxt *p = xmlNewParserCtxt();
    if (!p)
        return NULL;
    memset(p->sax, 0, sizeof *p->sax);
    p->sax->initialized = XML_SAX2_MAGIC;
    p->sax->startElementNs = sax_start;
    p->sax->endElementNs = sax_end;
    p->sax->characters = sax_text;
    p->sax->cdataBlock = sax_text;
    return p;
}

/* Parses one record's XML into ev. WD_EFORMAT when it is not an <Event>. */
static int parse_event(xmlParserCtxt *parser, evtx_event *ev, const char *xml, size_t len)
{
    if (len > INT32_MAX)
        return WD_EFORMAT;
    parser->_private = ev;
    xmlFreeDoc(xmlCtxtReadMemory(parser, xml, (int)len, NULL, NULL, EVTX_XML_OPTIONS));
    if (ev->failed)
        return wd_error_set(WD_ENOMEM, "out of memory decoding an event");
    return ev->is_event ? WD_OK : WD_EFORMAT;
}

/* --------------------------------------------------------------- records */

/* The record's XML into r->xml (NUL-terminated); *len excludes the NUL.
 * The buffer is tried first: asking libevtx for the size costs a pass. */
static int record_xml(evtx_reader *r, libevtx_record_t *rec, size_t *len, char *why, size_t whysz)
{
    libevtx_error_t *err = NULL;
    size_t size = 0;
    if (r->xml && libevtx_record_get_utf8_xml_string(rec, r->xml, r->xml_cap, NULL) == 1) {
        r->xml[r->xml_cap - 1] = '\0';
        *len = strlen((const char *)r->xml);
        return WD_OK;
    }
    if (libevtx_record_get_utf8_xml_string_size(rec, &size, &err) != 1 || size == 0) {
        error_reason(&err, why, whysz, NULL);
        return WD_EFORMAT;
    }
    if (size > r->xml_cap) {
        size = size < 65536 ? 65536 : size;
        uint8_t *nb = realloc(r->xml, size);
        if (!nb)
            return wd_error_set(WD_ENOMEM, "out of memory decoding %s", r->in->path);
        r->xml = nb;
        r->xml_cap = size;
    }
    if (libevtx_record_get_utf8_xml_string(rec, r->xml, size, &err) != 1) {
        error_reason(&err, why, whysz, NULL);
        return WD_EFORMAT;
    }
    r->xml[size - 1] = '\0';
    *len = strlen((const char *)r->xml);
    return WD_OK;
}

/* What the XML lacks, from libevtx's own getters. */
static void record_defaults(libevtx_record_t *rec, wd_event_rec *out, char time[WD_TIME_MAX])
{
    uint64_t v;
    uint8_t level;
    uint32_t id;
    if (!out->time && libevtx_record_get_written_time(rec, &v, NULL) == 1) {
        wd_time_from_filetime(v, time);
        out->time = time;
    }
    if (out->level < 0 && libevtx_record_get_event_level(rec, &level, NULL) == 1)
        out->level = level;
    if (out->record_id == 0 && libevtx_record_get_identifier(rec, &v, NULL) == 1)
        out->record_id = v;
    if (out->event_id == UINT32_MAX && libevtx_record_get_event_identifier(rec, &id, NULL) == 1)
        out->event_id = id & 0xFFFF;
}

static uint64_t number_or(const char *s, uint64_t fallback)
{
    int64_t v;
    return s && wd_parse_i64(s, &v) == 0 && v >= 0 ? (uint64_t)v : fallback;
}

/* The record as a wd_event_rec; its strings point into ev and time. */
static void to_record(evtx_reader *r, libevtx_record_t *rec, char time[WD_TIME_MAX],
                      wd_event_rec *out)
{
    const evtx_event *ev = &r->ev;
    memset(out, 0, sizeof *out);
    out->channel = ev->channel;
    out->provider = ev->provider;
    out->computer = ev->computer && *ev->computer ? ev->computer : NULL;
    /* UINT32_MAX, -1, 0: not in the XML, taken from libevtx below */
    uint64_t id = number_or(ev->event_id, UINT32_MAX);
    out->event_id = id == UINT32_MAX ? UINT32_MAX : (uint32_t)(id & 0xFFFF);
    uint64_t level = number_or(ev->level, 256);
    out->level = level < 256 ? (int)level : -1;
    out->record_id = number_or(ev->record_id, 0);
    out->time = ev->time_text && wd_time_normalize(ev->time_text, time) == 0 ? time : NULL;
    out->fields = ev->fields;
    out->nfields = ev->nfields;
    out->source = r->in->path;
    record_defaults(rec, out, time);
}

/* The shared rules' test on the record's values (libevtx's strings, without
 * their names); 1 when they cannot be had, so that the fields decide. */
static int values_wanted(evtx_reader *r, libevtx_record_t *rec, const char *provider, uint32_t id)
{
    int n = 0;
    const char *values[EVTX_MAX_VALUES];
    if (libevtx_record_get_number_of_strings(rec, &n, NULL) != 1 || n < 0 || n > EVTX_MAX_VALUES)
        return 1;
    for (int i = 0; i < n; i++) {
        if (libevtx_record_get_utf8_string(rec, i, (uint8_t *)r->values[i], EVTX_VALUE_MAX, NULL) !=
            1)
            return 1;
        values[i] = r->values[i];
    }
    return wd_event_wanted_values(provider, id, values, (size_t)n);
}

/* Whether the record is worth decoding, judged by libevtx's cheap getters
 * (the provider they give is EventSourceName when the event has one). */
static int worth_decoding(evtx_reader *r, libevtx_record_t *rec)
{
    uint32_t id;
    uint8_t provider[256];
    if (libevtx_record_get_event_identifier(rec, &id, NULL) != 1 ||
        libevtx_record_get_utf8_source_name(rec, provider, sizeof provider, NULL) != 1)
        return 1; /* unknown: decode and let the rules decide */
    int wanted = wd_event_wanted((const char *)provider, id & 0xFFFF);
    return wanted == 2 ? values_wanted(r, rec, (const char *)provider, id & 0xFFFF) : wanted;
}

/* Decodes a record that may be kept and hands it to the shared rules.
 * Returns 0, UNDECODABLE with why filled, or a negative code that stops
 * the reading (the sink's, or WD_ENOMEM). */
static int process_record(evtx_reader *r, libevtx_record_t *rec, char *why, size_t whysz)
{
    if (!worth_decoding(r, rec))
        return 0;
    size_t len = 0;
    int rc = record_xml(r, rec, &len, why, whysz);
    if (rc == WD_OK &&
        (rc = parse_event(r->parser, &r->ev, (const char *)r->xml, len)) == WD_EFORMAT)
        snprintf(why, whysz, "its XML cannot be parsed");
    if (rc == WD_EFORMAT)
        rc = UNDECODABLE;
    if (rc == WD_OK) {
        char time[WD_TIME_MAX];
        wd_event_rec out;
        to_record(r, rec, time, &out);
        rc = wd_event_emit(&out, r->sink);
        if (rc == 1)
            r->summary->kept++;
        if (rc > 0)
            rc = 0;
    }
    event_clear(&r->ev);
    return rc;
}

/* ---------------------------------------------------------- the records */

static int remember_id(evtx_reader *r, libevtx_record_t *rec)
{
    uint64_t id;
    if (libevtx_record_get_identifier(rec, &id, NULL) != 1)
        return WD_OK;
    uint64_t *slot = wd_array_grow(&r->ids, &r->nids, &r->ids_cap, sizeof *slot);
    if (!slot)
        return wd_error_set(WD_ENOMEM, "out of memory reading %s", r->in->path);
    *slot = id;
    return WD_OK;
}

static int read_live(evtx_reader *r)
{
    libevtx_error_t *err = NULL;
    char why[512];
    uint64_t offset;
    int n = 0, rc = 0;
    if (libevtx_file_get_number_of_records(r->file, &n, &err) != 1) {
        error_reason(&err, why, sizeof why, NULL);
        r->summary->errors++;
        return wd_note(r->sink, WD_NOTE_UNREADABLE, r->in->path, why, NULL);
    }
    for (int i = 0; i < n && rc == 0; i++) {
        libevtx_record_t *rec = NULL;
        r->summary->records++;
        if (libevtx_file_get_record_by_index(r->file, i, &rec, &err) != 1) {
            error_reason(&err, why, sizeof why, &offset);
            rc = record_error(r, i, why, offset);
            continue;
        }
        rc = remember_id(r, rec);
        if (rc == 0 && (rc = process_record(r, rec, why, sizeof why)) == UNDECODABLE) {
            off64_t at;
            rc = record_error(r, i, why,
                              libevtx_record_get_offset(rec, &at, NULL) == 1 ? (uint64_t)at
                                                                             : UINT64_MAX);
        }
        libevtx_record_free(&rec, NULL);
    }
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* A recovered record that decodes and is not a copy of a live record is
 * read like one. Leftovers that do not decode are usual in the free space
 * of a log; they are summed up in one note and not counted as errors. */
static int read_recovered(evtx_reader *r)
{
    libevtx_error_t *err = NULL;
    char why[512], first[512] = "";
    int n = 0, failed = 0, rc = 0;
    if (libevtx_file_get_number_of_recovered_records(r->file, &n, &err) != 1) {
        libevtx_error_free(&err);
        return 0;
    }
    if (r->nids)
        qsort(r->ids, r->nids, sizeof *r->ids, cmp_u64);
    for (int i = 0; i < n && rc == 0; i++) {
        libevtx_record_t *rec = NULL;
        uint64_t id;
        if (libevtx_file_get_recovered_record_by_index(r->file, i, &rec, &err) != 1) {
            error_reason(&err, failed ? why : first, sizeof why, NULL);
            failed++;
            continue;
        }
        if (libevtx_record_get_identifier(rec, &id, NULL) != 1 || r->nids == 0 ||
            !bsearch(&id, r->ids, r->nids, sizeof *r->ids, cmp_u64)) {
            rc = process_record(r, rec, failed ? why : first, sizeof why);
            if (rc == UNDECODABLE)
                failed++;
            else
                r->summary->records++;
            rc = rc == UNDECODABLE ? 0 : rc;
        }
        libevtx_record_free(&rec, NULL);
    }
    if (rc == 0 && failed) {
        wd_buf b = WD_BUF_INIT;
        wd_buf_printf(&b,
                      "%d of %d records found in the log's free space (deleted or overwritten) "
                      "cannot be decoded: %s",
                      failed, n, first);
        rc = wd_note(r->sink, WD_NOTE_INFO, r->in->path, wd_buf_cstr(&b), NULL);
        wd_buf_free(&b);
    }
    return rc;
}

/* ------------------------------------------------------------- the file */

/* What libevtx says about the file as a whole: truncated, damaged, dirty. */
static int file_notes(evtx_reader *r)
{
    libevtx_error_t *err = NULL;
    int rc = 0;
    uint64_t size = r->in->size;
    int truncated = size != UINT64_MAX && size > EVTX_HEADER_SIZE &&
                    (size - EVTX_HEADER_SIZE) % EVTX_CHUNK_SIZE != 0;
    int corrupted = libevtx_file_is_corrupted(r->file, &err) == 1;
    libevtx_error_free(&err);
    /* damaged and not one record read: the file was not read at all, and
     * what it held is missing from the diagnosis (incomplete, not healthy) */
    if ((truncated || corrupted) && r->summary->records == 0 && !r->unnoted)
        return wd_note(r->sink, WD_NOTE_UNREADABLE, r->in->path,
                       "the event log is damaged and not one record in it could be read", NULL);
    if (truncated)
        rc = wd_note(r->sink, WD_NOTE_PARTIAL, r->in->path,
                     "file is truncated: it does not end on a whole 64 KiB chunk, so the records "
                     "of the last, partial chunk are lost",
                     "offset %llu",
                     (unsigned long long)(size - (size - EVTX_HEADER_SIZE) % EVTX_CHUNK_SIZE));
    if (rc == 0 && corrupted)
        rc = wd_note(r->sink, WD_NOTE_PARTIAL, r->in->path,
                     "libevtx reports damage (a checksum mismatch or an unreadable chunk; usual "
                     "for a log copied while Windows was writing it): every readable record "
                     "was collected",
                     NULL);
    if (rc == 0 && r->unnoted) {
        wd_buf b = WD_BUF_INIT;
        wd_buf_printf(&b, "%llu more records cannot be decoded (not listed one by one)",
                      (unsigned long long)r->unnoted);
        rc = wd_note(r->sink, WD_NOTE_PARTIAL, r->in->path, wd_buf_cstr(&b), NULL);
        wd_buf_free(&b);
    }
    return rc;
}

/* ------------------------------------------------------ memory as a file */

/* The libbfio I/O callbacks over a mem_io. libbfio's own memory
 * range (20170123) copies past the end of the range when asked for more than
 * is left (libevtx reads a 4096-byte header from any input), so reads here
 * stop at the end of the data. */
static int mem_free(intptr_t **io, libbfio_error_t **err)
{
    (void)err;
    free(*io); /* only clones are freed by libbfio; the original is the reader's */
    *io = NULL;
    return 1;
}

static int mem_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **err)
{
    (void)err;
    mem_io *m = malloc(sizeof *m);
    if (!m)
        return -1;
    *m = *(mem_io *)src;
    *dst = (intptr_t *)m;
    return 1;
}

static int mem_open(intptr_t *io, int flags, libbfio_error_t **err)
{
    (void)err;
    if (flags & LIBBFIO_ACCESS_FLAG_WRITE)
        return -1;
    ((mem_io *)io)->open = 1;
    ((mem_io *)io)->pos = 0;
    return 1;
}

static int mem_close(intptr_t *io, libbfio_error_t **err)
{
    (void)err;
    ((mem_io *)io)->open = 0;
    return 0;
}

static ssize_t mem_read(intptr_t *io, uint8_t *buf, size_t n, libbfio_error_t **err)
{
    (void)err;
    mem_io *m = (mem_io *)io;
    if (!m->open || n > SSIZE_MAX)
        return -1;
    size_t left = m->pos < m->size ? m->size - m->pos : 0;
    if (n > left)
        n = left;
    if (n)
        memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static ssize_t mem_write(intptr_t *io, const uint8_t *buf, size_t n, libbfio_error_t **err)
{
    (void)io, (void)buf, (void)n, (void)err;
    return -1;
}

static off64_t mem_seek(intptr_t *io, off64_t offset, int whence, libbfio_error_t **err)
{
    (void)err;
    mem_io *m = (mem_io *)io;
    off64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off64_t)m->pos : (off64_t)m->size;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        return -1;
    if (offset < -base || offset > INT64_MAX - base)
        return -1;
    m->pos = (size_t)(base + offset);
    return base + offset;
}

static int mem_exists(intptr_t *io, libbfio_error_t **err)
{
    (void)io, (void)err;
    return 1;
}

static int mem_is_open(intptr_t *io, libbfio_error_t **err)
{
    (void)err;
    return ((mem_io *)io)->open;
}

static int mem_get_size(intptr_t *io, size64_t *size, libbfio_error_t **err)
{
    (void)err;
    *size = ((mem_io *)io)->size;
    return 1;
}

/* Opens the input with libevtx: by name when it is a file on disk, else
 * from memory through the callbacks above (*bfio and *owned are for the
 * caller to free after the file is closed). why gets the reason on failure. */
static int open_evtx(evtx_reader *r, libbfio_handle_t **bfio, unsigned char **owned, char *why,
                     size_t whysz)
{
    libevtx_error_t *err = NULL;
    libbfio_error_t *berr = NULL;
    if (libevtx_file_initialize(&r->file, &err) != 1) {
        error_reason(&err, why, whysz, NULL);
        return WD_ENOMEM;
    }
    if (r->in->fs_path) {
        if (libevtx_file_open(r->file, r->in->fs_path, LIBEVTX_OPEN_READ, &err) == 1)
            return WD_OK;
        error_reason(&err, why, whysz, NULL);
        return WD_EFORMAT;
    }
    r->mem.data = r->in->mem;
    r->mem.size = (size_t)r->in->size;
    if (!r->mem.data) {
        if (wd_input_slurp(r->in, EVTX_MAX_SIZE, owned, &r->mem.size)) {
            snprintf(why, whysz, "%s", wd_error_last());
            return WD_EIO;
        }
        r->mem.data = *owned;
    }
    if (libbfio_handle_initialize(bfio, (intptr_t *)&r->mem, mem_free, mem_clone, mem_open,
                                  mem_close, mem_read, mem_write, mem_seek, mem_exists, mem_is_open,
                                  mem_get_size, 0, &berr) != 1) {
        libbfio_error_free(&berr);
        snprintf(why, whysz, "cannot set up reading from memory");
        return WD_ENOMEM;
    }
    if (libevtx_file_open_file_io_handle(r->file, *bfio, LIBEVTX_OPEN_READ, &err) == 1)
        return WD_OK;
    error_reason(&err, why, whysz, NULL);
    return WD_EFORMAT;
}

int wd_source_evtx(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    evtx_reader *r = calloc(1, sizeof *r);
    libbfio_handle_t *bfio = NULL;
    unsigned char *owned = NULL;
    char why[512] = "";
    int rc, opened = 0;
    if (!r)
        return wd_note(sink, WD_NOTE_UNREADABLE, in->path, "out of memory reading the event log", NULL);
    r->in = in;
    r->sink = sink;
    r->summary = summary;
    r->parser = new_parser();
    if (!r->parser) {
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, "out of memory reading the event log", NULL);
        goto cleanup;
    }
    if (open_evtx(r, &bfio, &owned, why, sizeof why)) {
        wd_buf b = WD_BUF_INIT;
        wd_buf_printf(&b, "cannot be read as an .evtx event log: %s", why);
        summary->errors++;
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, wd_buf_cstr(&b), NULL);
        wd_buf_free(&b);
        goto cleanup;
    }
    opened = 1;
    rc = read_live(r);
    if (rc == 0)
        rc = read_recovered(r);
    if (rc == 0)
        rc = file_notes(r);
cleanup:
    if (opened)
        libevtx_file_close(r->file, NULL);
    libevtx_file_free(&r->file, NULL);
    libbfio_handle_free(&bfio, NULL);
    free(owned);
    xmlFreeParserCtxt(r->parser);
    event_clear(&r->ev);
    wd_buf_free(&r->ev.text);
    free(r->xml);
    free(r->ids);
    free(r);
    return rc;
}
