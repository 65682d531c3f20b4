/* event_xml.c - events exported as XML: `wevtutil qe /f:xml` (a sequence of
 * <Event> elements with no root), Event Viewer "Save as XML" (<Events> root)
 * and Get-WinEvent ToXml() lines, in UTF-8 or UTF-16. The input is decoded
 * and cut into single <Event> elements as it streams in, and each one is read
 * with libxml2's xmlReader: memory stays flat, and a damaged event costs only
 * itself. */
#include "internal.h"

#include <ctype.h>
#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>

#define RAW_CHUNK (64 * 1024)
/* Budget: bytes of one <Event> element. A real event is at most a few
 * hundred KiB (an .evtx record fits in a 64 KiB chunk). libxml2 2.9's push
 * parser, under xmlTextReader, rescans a pending comment, PI, CDATA section
 * or start tag from its start at every 512-byte chunk (xmlParseGetLasts), and
 * on every chunk once more than 10,000,000 bytes are pending: time grows
 * with the square of such a construct (a 15 MB CDATA text: minutes). Past
 * this bound an event is skipped with a LIMIT note, so the time per byte is
 * bounded whatever the input. */
#define MAX_EVENT ((size_t)1 << 20)
#define MAX_FIELDS 256
#define MAX_NOTES 20                 /* damaged-event notes per file */
#define XML_OPTIONS                                                                       \
    (XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | XML_PARSE_COMPACT)

/* ------------------------------------------------------------ byte feed */

/* The input decoded to UTF-8 chunk by chunk (UTF-16 is transcoded). */
typedef struct xml_feed {
    wd_input *in;
    wd_text_enc enc;
    int eof;        /* the input has no more bytes */
    int failed;     /* a read error happened */
    unsigned char raw[RAW_CHUNK];
    size_t raw_len; /* undecoded bytes at the start of raw */
    unsigned char out[RAW_CHUNK * 3 / 2 + 16];
    size_t out_len;
} xml_feed;

/* Transcodes the UTF-16 bytes in raw into out; keeps an incomplete unit or
 * surrogate pair for the next call unless the input has ended. Unpaired
 * surrogates and a dangling byte become U+FFFD. */
static void transcode_utf16(xml_feed *f)
{
    size_t i = 0, o = 0;
    while (i < f->raw_len) {
        const unsigned char *p = f->raw + i;
        size_t left = f->raw_len - i;
        uint32_t cp;
        if (!f->eof && wd_utf16_needs_more(p, left, f->enc))
            break; /* wait for the rest of the unit or the low surrogate */
        i += wd_utf16_decode(p, left, f->enc, &cp);
        o += wd_utf8_encode(cp == WD_UTF_INVALID ? WD_UTF_REPLACEMENT : cp, (char *)f->out + o);
    }
    memmove(f->raw, f->raw + i, f->raw_len - i);
    f->raw_len -= i;
    f->out_len = o;
}

/* The next decoded chunk: 1 with *p and *n set, 0 at the end, -1 on error. */
static int feed_next(xml_feed *f, const unsigned char **p, size_t *n)
{
    for (;;) {
        if (f->eof && f->raw_len == 0)
            return 0;
        if (!f->eof) {
            ssize_t got = wd_input_read(f->in, f->raw + f->raw_len, RAW_CHUNK - f->raw_len);
            if (got < 0) {
                f->failed = 1;
                return -1;
            }
            if (got == 0)
                f->eof = 1;
            f->raw_len += (size_t)got;
        }
        if (f->enc == WD_ENC_UTF8) {
            *p = f->raw;
            *n = f->raw_len;
            f->raw_len = 0;
        } else {
            transcode_utf16(f);
            *p = f->out;
            *n = f->out_len;
        }
        if (*n)
            return 1;
    }
}

/* ------------------------------------------------------------- splitter */

/* Cuts the decoded text into <Event ...>...</Event> elements. Everything
 * between them (declaration, <Events>, blanks) is passed over; comments,
 * CDATA sections and processing instructions are skipped whole, so an
 * "</Event>" inside them does not end an event. Bytes before the current
 * event are dropped as the window moves, so memory is bounded by MAX_EVENT. */
enum { S_OUT, S_IN, S_SKIP };

typedef struct splitter {
    unsigned char *buf;
    size_t len, cap;
    size_t pos;          /* next byte to scan */
    size_t start;        /* S_IN: offset of "<Event" */
    int state;
    const char *until;   /* end marker of a comment/CDATA/PI being skipped */
    uint64_t line;       /* line number of buf[line_pos] */
    size_t line_pos;
    uint64_t ev_line;    /* line where the current event starts */
} splitter;

static uint64_t line_at(splitter *s, size_t off)
{
    if (!s->buf)
        return s->line;
    const unsigned char *p = s->buf + s->line_pos, *end = s->buf + off;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        s->line++;
        p++;
    }
    s->line_pos = off;
    return s->line;
}

static int starts(const splitter *s, size_t at, const char *lit)
{
    size_t n = strlen(lit);
    return s->len - at >= n && memcmp(s->buf + at, lit, n) == 0;
}

/* The '>' ending the tag that opens at `at`, quotes respected; 0 if the
 * tag is not complete in the window. */
static size_t tag_end(const splitter *s, size_t at)
{
    char quote = 0;
    for (size_t i = at + 1; i < s->len; i++) {
        char c = (char)s->buf[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i;
        }
    }
    return 0;
}

static int name_ends(const splitter *s, size_t at)
{
    if (at >= s->len)
        return 0;
    unsigned char c = s->buf[at];
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/';
}

/* Skips a comment, CDATA section or PI starting at pos; 1 if it is one. */
static int skip_markup(splitter *s)
{
    static const struct {
        const char *open, *close;
    } kinds[] = {{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (starts(s, s->pos, kinds[k].open)) {
            s->pos += strlen(kinds[k].open);
            s->until = kinds[k].close;
            return 1;
        }
    }
    return 0;
}

/* Looks for the end marker of skipped markup; 0 when more text is needed. */
static int skip_until(splitter *s)
{
    size_t n = strlen(s->until);
    for (size_t i = s->pos; i + n <= s->len; i++) {
        const unsigned char *c = memchr(s->buf + i, s->until[0], s->len - i);
        if (!c)
            break;
        i = (size_t)(c - s->buf);
        if (i + n <= s->len && memcmp(c, s->until, n) == 0) {
            s->pos = i + n;
            s->until = NULL;
            return 1;
        }
    }
    if (s->len - s->pos >= n)
        s->pos = s->len - (n - 1);
    return 0;
}

/* One step at a '<' (pos): 1 an event is complete ([*b, *e)), 0 moved on,
 * -1 more text is needed. */
static int at_tag(splitter *s, int eof, size_t *b, size_t *e)
{
    if (s->len - s->pos < 9 && !eof)
        return -1; /* the longest marker we test is "<![CDATA[" */
    unsigned char c1 = s->pos + 1 < s->len ? s->buf[s->pos + 1] : 0;
    if (c1 != 'E' && c1 != '/' && c1 != '!' && c1 != '?') {
        s->pos++; /* an ordinary start tag: the common case */
        return 0;
    }
    if ((c1 == '!' || c1 == '?') && skip_markup(s))
        return 0;
    int open = s->state == S_OUT && starts(s, s->pos, "<Event") && name_ends(s, s->pos + 6);
    int close = s->state != S_OUT && starts(s, s->pos, "</Event") && name_ends(s, s->pos + 7);
    if (!open && !close) {
        s->pos++;
        return 0;
    }
    size_t gt = tag_end(s, s->pos);
    if (!gt) {
        if (!eof && s->len - s->pos < MAX_EVENT)
            return -1;
        s->pos++; /* a tag that never ends: not one */
        return 0;
    }
    if (open) {
        s->start = s->pos;
        s->ev_line = line_at(s, s->pos);
        s->state = S_IN;
        s->pos = gt + 1;
        if (s->buf[gt - 1] != '/')
            return 0;
    } else {
        s->pos = gt + 1;
        if (s->state == S_SKIP) {
            s->state = S_OUT;
            return 0;
        }
    }
    s->state = S_OUT;
    *b = s->start;
    *e = s->pos;
    return 1;
}

/* The next complete event in the window: 1 with [*b, *e), 0 when more text
 * is needed (or, at eof, when there is none). */
static int split_next(splitter *s, int eof, size_t *b, size_t *e)
{
    while (s->pos < s->len) {
        if (s->until) {
            if (!skip_until(s))
                return 0;
            continue;
        }
        const unsigned char *lt = memchr(s->buf + s->pos, '<', s->len - s->pos);
        if (!lt) {
            s->pos = s->len;
            break;
        }
        s->pos = (size_t)(lt - s->buf);
        int r = at_tag(s, eof, b, e);
        if (r != 0)
            return r > 0;
    }
    return 0;
}

/* Drops what is no longer needed and appends a decoded chunk. */
static int split_feed(splitter *s, const unsigned char *p, size_t n)
{
    size_t keep = s->state == S_IN ? s->start : s->pos;
    if (keep) {
        line_at(s, keep);
        memmove(s->buf, s->buf + keep, s->len - keep);
        s->len -= keep;
        s->pos -= keep;
        s->start -= s->state == S_IN ? keep : 0;
        s->line_pos = 0;
    }
    if (wd_array_reserve(&s->buf, &s->cap, s->len + n, 1))
        return WD_ENOMEM;
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    return WD_OK;
}

/* ------------------------------------------------------------ one event */

enum { SEC_NONE, SEC_SYSTEM, SEC_EVENTDATA, SEC_USERDATA, SEC_OTHER };
enum { T_NONE, T_EVENTID, T_LEVEL, T_RECORDID, T_CHANNEL, T_COMPUTER, T_FIELD };

/* The event being read. Strings live in bufs; field names and values in
 * pool as NUL-terminated pairs at offsets (pool may move as it grows). */
typedef struct xml_event {
    int depth;          /* depth of <Event>, -1 outside one */
    int section;
    int target;         /* what the current text belongs to */
    int leaf_depth;     /* UserData: depth of the element collecting text */
    unsigned data_index; /* unnamed <Data> elements seen */
    int damaged;        /* a parser error happened inside it */
    uint64_t line;      /* where it started */
    wd_buf text, name, provider, channel, computer, systime, eventid, level, recordid;
    wd_buf pool;
    size_t offs[MAX_FIELDS][2];
    size_t nfields;
    int overflow;       /* fields past MAX_FIELDS or pool full */
} xml_event;

static void event_reset(xml_event *e, int depth, uint64_t line)
{
    e->depth = depth;
    e->section = SEC_NONE;
    e->target = T_NONE;
    e->leaf_depth = -1;
    e->data_index = 0;
    e->damaged = 0;
    e->line = line;
    e->nfields = 0;
    e->overflow = 0;
    wd_buf *bufs[] = {&e->text,    &e->name,    &e->provider, &e->channel, &e->computer,
                      &e->systime, &e->eventid, &e->level,    &e->recordid, &e->pool};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
        wd_buf_reset(bufs[i]);
        bufs[i]->failed = 0;
    }
}

static void event_free(xml_event *e)
{
    wd_buf *bufs[] = {&e->text,    &e->name,    &e->provider, &e->channel, &e->computer,
                      &e->systime, &e->eventid, &e->level,    &e->recordid, &e->pool};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        wd_buf_free(bufs[i]);
}

static void add_field(xml_event *e, const char *name, const char *value)
{
    if (e->nfields >= MAX_FIELDS) {
        e->overflow = 1;
        return;
    }
    size_t noff = e->pool.len;
    wd_buf_puts(&e->pool, name);
    wd_buf_putc(&e->pool, '\0');
    size_t voff = e->pool.len;
    wd_buf_puts(&e->pool, value);
    wd_buf_putc(&e->pool, '\0');
    if (!wd_buf_ok(&e->pool)) {
        e->overflow = 1;
        return;
    }
    e->offs[e->nfields][0] = noff;
    e->offs[e->nfields][1] = voff;
    e->nfields++;
}

static void set_attr(xmlTextReaderPtr r, const char *attr, wd_buf *to)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)attr);
    wd_buf_reset(to);
    if (v) {
        wd_buf_puts(to, (const char *)v);
        xmlFree(v);
    }
}

/* A start tag directly under <System>. */
static void system_child(xml_event *e, xmlTextReaderPtr r, const char *local)
{
    if (strcmp(local, "Provider") == 0)
        set_attr(r, "Name", &e->provider);
    else if (strcmp(local, "TimeCreated") == 0)
        set_attr(r, "SystemTime", &e->systime);
    else if (strcmp(local, "EventID") == 0)
        e->target = T_EVENTID;
    else if (strcmp(local, "Level") == 0)
        e->target = T_LEVEL;
    else if (strcmp(local, "EventRecordID") == 0)
        e->target = T_RECORDID;
    else if (strcmp(local, "Channel") == 0)
        e->target = T_CHANNEL;
    else if (strcmp(local, "Computer") == 0)
        e->target = T_COMPUTER;
}

/* A start tag directly under <EventData>: Data (named or not) or Binary. */
static void eventdata_child(xml_event *e, xmlTextReaderPtr r, const char *local)
{
    wd_buf_reset(&e->name);
    if (strcmp(local, "Data") == 0) {
        e->data_index++;
        set_attr(r, "Name", &e->name);
        if (e->name.len == 0)
            wd_buf_printf(&e->name, "Data%u", e->data_index);
    } else if (strcmp(local, "Binary") == 0) {
        wd_buf_puts(&e->name, "Binary");
    } else {
        return;
    }
    e->target = T_FIELD;
}

/* Stores the text collected for the element that just ended. */
static void end_target(xml_event *e)
{
    const char *t = wd_buf_cstr(&e->text);
    wd_buf *to = NULL;
    switch (e->target) {
    case T_EVENTID: to = &e->eventid; break;
    case T_LEVEL: to = &e->level; break;
    case T_RECORDID: to = &e->recordid; break;
    case T_CHANNEL: to = &e->channel; break;
    case T_COMPUTER: to = &e->computer; break;
    case T_FIELD: add_field(e, wd_buf_cstr(&e->name), t); break;
    default: break;
    }
    if (to) {
        wd_buf_reset(to);
        wd_buf_puts(to, t);
    }
    e->target = T_NONE;
    wd_buf_reset(&e->text);
}

static void start_element(xml_event *e, xmlTextReaderPtr r, int depth, const char *local)
{
    int empty = xmlTextReaderIsEmptyElement(r) == 1;
    wd_buf_reset(&e->text);
    e->target = T_NONE;
    if (depth == e->depth + 1) {
        e->section = strcmp(local, "System") == 0      ? SEC_SYSTEM
                     : strcmp(local, "EventData") == 0 ? SEC_EVENTDATA
                     : strcmp(local, "UserData") == 0  ? SEC_USERDATA
                                                       : SEC_OTHER;
        if (empty)
            e->section = SEC_NONE;
        return;
    }
    if (e->section == SEC_SYSTEM && depth == e->depth + 2)
        system_child(e, r, local);
    else if (e->section == SEC_EVENTDATA && depth == e->depth + 2)
        eventdata_child(e, r, local);
    else if (e->section == SEC_USERDATA && depth >= e->depth + 2) {
        /* the newest open element is the leaf candidate; its parent is not */
        wd_buf_reset(&e->name);
        wd_buf_puts(&e->name, local);
        e->target = T_FIELD;
        e->leaf_depth = depth;
        if (empty && depth == e->depth + 2) /* an empty wrapper holds nothing */
            e->target = T_NONE;
    }
    if (empty && e->target != T_NONE)
        end_target(e);
}

static void end_element(xml_event *e, int depth)
{
    if (depth == e->depth + 1) {
        e->section = SEC_NONE;
        return;
    }
    if (e->section == SEC_USERDATA) {
        if (e->target == T_FIELD && depth == e->leaf_depth)
            end_target(e);
        e->target = T_NONE;
        return;
    }
    if (depth == e->depth + 2 && e->target != T_NONE)
        end_target(e);
}

/* ------------------------------------------------------------ the reader */

typedef struct xml_state {
    wd_input *in;
    const wd_sink *sink;
    wd_source_rec *summary;
    xmlTextReaderPtr reader; /* reused from event to event */
    xml_event ev;
    char error[256];         /* the first libxml2 error in this event */
    int error_line;
    int notes;               /* damaged-event notes sent */
} xml_state;

#if LIBXML_VERSION >= 21200
static void on_error(void *ctx, const xmlError *err)
#else
static void on_error(void *ctx, xmlErrorPtr err)
#endif
{
    xml_state *st = ctx;
    if (!err || err->level < XML_ERR_ERROR || st->ev.damaged)
        return; /* warnings are not damage; the first error tells most */
    st->ev.damaged = 1;
    st->error_line = err->line;
    size_t n = err->message ? strlen(err->message) : 0;
    while (n && (err->message[n - 1] == '\n' || err->message[n - 1] == '\r'))
        n--;
    if (n >= sizeof st->error)
        n = sizeof st->error - 1;
    /* drop libxml2's own " line N": it counts from the event, not the file */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(err->message + i, " line ", 6) == 0 && i + 6 < n &&
            isdigit((unsigned char)err->message[i + 6])) {
            i += 6;
            while (i + 1 < n && isdigit((unsigned char)err->message[i + 1]))
                i++;
            continue;
        }
        st->error[o++] = err->message[i];
    }
    st->error[o] = '\0';
}

static int parse_u64(const wd_buf *b, uint64_t max, uint64_t *out)
{
    int64_t v;
    if (b->len == 0 || wd_parse_i64(wd_buf_cstr(b), &v) != 0 || v < 0 || (uint64_t)v > max)
        return WD_EFORMAT;
    *out = (uint64_t)v;
    return WD_OK;
}

static const char *or_null(const wd_buf *b)
{
    return b->len ? wd_buf_cstr(b) : NULL;
}

/* An event that could not be used: counted, and noted (up to MAX_NOTES). */
static int damaged(xml_state *st, uint64_t line, const char *reason)
{
    st->summary->errors++;
    if (++st->notes > MAX_NOTES)
        return WD_OK;
    if (st->notes == MAX_NOTES)
        reason = "damaged event (further damaged events are counted, not noted)";
    return wd_note(st->sink, WD_NOTE_PARTIAL, st->in->path, reason, "line %llu", (unsigned long long)line);
}

/* </Event>: builds the record and hands it to the shared filter. */
static int finish_event(xml_state *st)
{
    xml_event *e = &st->ev;
    uint64_t id = 0, level = 0, rid = 0;
    char when[WD_TIME_MAX];
    wd_field fields[MAX_FIELDS];
    e->depth = -1;
    if (e->damaged)
        return WD_OK; /* noted once the parse of this event ends */
    if (parse_u64(&e->eventid, 0xFFFFFFFFu, &id) != 0 || e->overflow)
        return damaged(st, e->line, e->overflow ? "event too large" : "event without a valid EventID");
    for (size_t i = 0; i < e->nfields; i++) {
        fields[i].name = e->pool.data + e->offs[i][0];
        fields[i].value = e->pool.data + e->offs[i][1];
    }
    wd_event_rec rec = {
        .channel = or_null(&e->channel),
        .provider = or_null(&e->provider),
        .event_id = (uint32_t)id,
        .level = parse_u64(&e->level, 255, &level) == 0 ? (int)level : -1,
        .record_id = parse_u64(&e->recordid, UINT64_MAX, &rid) == 0 ? rid : 0,
        .time = e->systime.len && wd_time_normalize(wd_buf_cstr(&e->systime), when) == 0
                    ? when
                    : NULL,
        .computer = or_null(&e->computer),
        .fields = e->nfields ? fields : NULL,
        .nfields = e->nfields,
        .source = st->in->path,
    };
    int rc = wd_event_emit(&rec, st->sink);
    if (rc < 0)
        return rc;
    if (rc == 1)
        st->summary->kept++;
    return WD_OK;
}

/* Handles one node of an event; non-zero stops (the sink's code). */
static int on_node(xml_state *st, xmlTextReaderPtr r)
{
    xml_event *e = &st->ev;
    int type = xmlTextReaderNodeType(r);
    if (type != XML_READER_TYPE_ELEMENT && type != XML_READER_TYPE_END_ELEMENT &&
        e->target == T_NONE)
        return WD_OK; /* text nobody collects: most blanks between tags */
    int depth = xmlTextReaderDepth(r);
    const char *local = type == XML_READER_TYPE_ELEMENT
                            ? (const char *)xmlTextReaderConstLocalName(r)
                            : NULL;
    if (type == XML_READER_TYPE_ELEMENT && local) {
        if (e->depth < 0) {
            if (strcmp(local, "Event") != 0)
                return WD_OK;
            e->depth = depth;
            if (xmlTextReaderIsEmptyElement(r) == 1)
                return finish_event(st);
            return WD_OK;
        }
        start_element(e, r, depth, local);
    } else if (e->depth < 0) {
        return WD_OK;
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
        if (depth == e->depth)
            return finish_event(st);
        end_element(e, depth);
    } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                type == XML_READER_TYPE_WHITESPACE ||
                type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
               e->target != T_NONE) {
        const char *v = (const char *)xmlTextReaderConstValue(r);
        if (v && wd_buf_puts(&e->text, v) != 0)
            e->overflow = 1;
    }
    return WD_OK;
}

/* The first occurrence of lit in [p, p+n), or NULL. */
static const unsigned char *find_lit(const unsigned char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (p[i] == (unsigned char)lit[0] && !memcmp(p + i, lit, k))
            return p + i;
    return NULL;
}

/* A look at the raw text before parsing: 1 when the event's provider and id
 * (the first <Provider Name=...> and <EventID>, both in <System>) are ones
 * the shared filter never keeps. Most events of a System log are not about
 * updates, and skipping their parse is most of the ingest time; an event
 * whose provider or id cannot be read this way is parsed as usual. */
static int surely_unwanted(const unsigned char *p, size_t n)
{
    const unsigned char *end = p + n, *prov = find_lit(p, n, "<Provider ");
    const unsigned char *id = find_lit(p, n, "<EventID");
    if (!prov || !id)
        return 0;
    const unsigned char *name = find_lit(prov, (size_t)(end - prov), "Name=");
    const unsigned char *gt = find_lit(prov, (size_t)(end - prov), ">");
    if (!name || !gt || name > gt || name + 6 >= end)
        return 0;
    unsigned char quote = name[5];
    const unsigned char *v = name + 6, *ve = v;
    while (ve < end && *ve != quote && *ve != '&')
        ve++;
    id = find_lit(id, (size_t)(end - id), ">");
    if ((quote != '"' && quote != '\'') || ve >= end || *ve != quote || ve - v >= 256 || !id)
        return 0;
    uint32_t eid = 0;
    int digits = 0;
    for (id++; id < end && *id >= '0' && *id <= '9' && digits < 6; id++, digits++)
        eid = eid * 10 + (uint32_t)(*id - '0');
    if (!digits || id >= end || *id != '<')
        return 0;
    char provider[256];
    memcpy(provider, v, (size_t)(ve - v));
    provider[ve - v] = '\0';
    return wd_event_wanted(provider, eid) == 0;
}

/* Reads one <Event> element that starts on `line`. */
static int read_event(xml_state *st, const unsigned char *p, size_t n, uint64_t line)
{
    st->summary->records++;
    if (surely_unwanted(p, n))
        return WD_OK;
    event_reset(&st->ev, -1, line);
    st->error[0] = '\0';
    if (!st->reader)
        st->reader = xmlReaderForMemory((const char *)p, (int)n, NULL, "UTF-8", XML_OPTIONS);
    else if (xmlReaderNewMemory(st->reader, (const char *)p, (int)n, NULL, "UTF-8",
                                XML_OPTIONS) != 0)
        return damaged(st, line, "cannot start the XML reader");
    if (!st->reader)
        return damaged(st, line, "cannot start the XML reader");
    xmlTextReaderSetStructuredErrorHandler(st->reader, on_error, st);
    int rc;
    while ((rc = xmlTextReaderRead(st->reader)) == 1) {
        int s = on_node(st, st->reader);
        if (s)
            return s;
    }
    if (st->ev.damaged || rc < 0) {
        uint64_t at = line + (st->error_line > 1 ? (uint64_t)st->error_line - 1 : 0);
        return damaged(st, st->ev.damaged ? at : line, st->error[0] ? st->error : "malformed event");
    }
    return WD_OK;
}

/* Feeds the splitter and reads every event; 0 or the sink's code. */
static int run(xml_state *st, xml_feed *f, splitter *sp)
{
    size_t b, e, n;
    const unsigned char *chunk;
    int eof = 0;
    for (;;) {
        while (split_next(sp, eof, &b, &e)) {
            int rc = read_event(st, sp->buf + b, e - b, sp->ev_line);
            if (rc)
                return rc;
        }
        if (eof)
            break;
        int got = feed_next(f, &chunk, &n);
        if (got < 0) {
            int rc = wd_note(st->sink, WD_NOTE_PARTIAL, st->in->path, "read error", "offset %llu",
                             (unsigned long long)st->in->offset);
            if (rc)
                return rc;
        }
        if (got <= 0) {
            eof = 1; /* scan the rest knowing nothing follows */
            continue;
        }
        if (split_feed(sp, chunk, n) != 0)
            return wd_note(st->sink, WD_NOTE_UNREADABLE, st->in->path, "out of memory", NULL);
        if (sp->state == S_IN && sp->len - sp->start > MAX_EVENT) {
            sp->state = S_SKIP;
            st->summary->records++;
            st->summary->errors++;
            int rc = wd_note(st->sink, WD_NOTE_LIMIT, st->in->path,
                             "budget: event larger than 1 MiB skipped", "line %llu",
                             (unsigned long long)sp->ev_line);
            if (rc)
                return rc;
        }
    }
    if (sp->state == S_IN) {
        st->summary->records++;
        return damaged(st, sp->ev_line, "event cut off at the end of the file");
    }
    return WD_OK;
}

int wd_source_event_xml(wd_input *in, const wd_sink *sink, wd_source_rec *summary)
{
    int rc = WD_OK;
    xml_state *st = calloc(1, sizeof *st);
    xml_feed *f = calloc(1, sizeof *f);
    splitter sp = {.line = 1};
    if (!st || !f) {
        rc = wd_note(sink, WD_NOTE_UNREADABLE, in->path, "out of memory", NULL);
        goto cleanup;
    }
    size_t bom;
    f->in = in;
    f->enc = wd_text_detect(in->head, in->head_len, &bom);
    if (bom) {
        unsigned char skip[3];
        if (wd_input_read(in, skip, bom) != (ssize_t)bom) {
            rc = wd_note(sink, WD_NOTE_PARTIAL, in->path, "read error", "offset 0");
            goto cleanup;
        }
    }
    st->in = in;
    st->sink = sink;
    st->summary = summary;
    st->ev.depth = -1;
    rc = run(st, f, &sp);
cleanup:
    if (st && st->reader)
        xmlFreeTextReader(st->reader);
    if (st)
        event_free(&st->ev);
    free(st);
    free(f);
    free(sp.buf);
    return rc;
}
