/* activity.c - storing activities: the update an activity is about (its
 * subject), the link to the event it was derived from, and the collapse of
 * identical activities past WD_STORE_REPEAT_KEEP into a count, found through
 * an indexed identity hash. Also the transitional failure shim. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Empty text stored as NULL: "no value" reads one way in SQL. */
static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, nz(v), -1, SQLITE_STATIC);
}

uint64_t wd_store__hash(uint64_t h, const char *s)
{
    /* a NULL and "" differ: the byte after the text says which */
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    h = (h ^ (s ? 0x00u : 0xffu)) * 0x100000001b3ULL;
    return h;
}

/* Operations about an update: they have a subject. */
static int about_update(wd_op op)
{
    switch (op) {
    case WD_OP_UNKNOWN:
    case WD_OP_DOWNLOAD:
    case WD_OP_INSTALL:
    case WD_OP_UNINSTALL:
    case WD_OP_COMMIT:
    case WD_OP_REVERT:
    case WD_OP_SELF_UPDATE:
    case WD_OP_SERVICING:
    case WD_OP_FEATURE_UPDATE:
        return 1;
    default:
        return 0;
    }
}

static const char *loc_name(wd_loc_kind k)
{
    switch (k) {
    case WD_LOC_LINE:
        return "line";
    case WD_LOC_ROW:
        return "row";
    case WD_LOC_EVENT:
        return "event";
    default:
        return NULL;
    }
}

/* An activity as the store keeps it: normalised text and derived values. */
typedef struct act {
    const wd_activity_rec *r;
    char update_id[WD_GUID_MAX];
    const char *uid; /* normalised, or as given when it is no GUID */
    const char *subject;
    int64_t count;
    uint64_t ident;
    int64_t event_row;
    uint32_t event_id; /* the location's, else the linked event's */
} act;

/* The identity of an activity: everything but its time, its place in the
 * evidence and its text (what repeats of "the same thing" differ in). */
static uint64_t hash_int(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8)
        h = (h ^ (v & 0xff)) * 0x100000001b3ULL;
    return h;
}

static uint64_t identity(const act *a)
{
    const wd_activity_rec *r = a->r;
    uint64_t h = WD_STORE_HASH_SEED;
    h = wd_store__hash(h, wd_op_name(r->operation));
    h = wd_store__hash(h, wd_outcome_name(r->outcome));
    h = hash_int(h, r->has_code ? (uint64_t)r->code : UINT64_MAX);
    const char *text[] = {a->uid, r->kb, r->title, wd_product_name(r->product), r->package,
                          r->service, r->target, r->session, r->component, r->computer};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++)
        h = wd_store__hash(h, nz(text[i]));
    return hash_int(h, (uint64_t)a->count);
}

/* Whether the snapshot may already hold an activity of this identity
 * (the Bloom filter says "maybe"); marks it as seen. Without a filter (no
 * memory for one) every identity is a "maybe". */
static int maybe_seen(wd_store *s, uint64_t ident)
{
    const uint64_t mask = ((uint64_t)1 << WD_STORE_SEEN_BITS) - 1;
    if (!s->seen)
        s->seen = calloc(((size_t)1 << WD_STORE_SEEN_BITS) / 64, sizeof *s->seen);
    if (!s->seen)
        return 1;
    uint64_t b1 = ident & mask, b2 = (ident >> 32) & mask;
    int maybe = (s->seen[b1 / 64] >> (b1 % 64) & 1) && (s->seen[b2 / 64] >> (b2 % 64) & 1);
    s->seen[b1 / 64] |= (uint64_t)1 << (b1 % 64);
    s->seen[b2 / 64] |= (uint64_t)1 << (b2 % 64);
    return maybe;
}

static void prepare_act(wd_store *s, const wd_activity_rec *r, act *a)
{
    memset(a, 0, sizeof *a);
    a->r = r;
    a->uid = nz(r->update_id);
    if (a->uid && wd_update_id_normalize(a->uid, a->update_id))
        a->uid = a->update_id;
    a->count = r->count < 0 ? -1 : r->count;
    if (about_update(r->operation))
        a->subject = nz(r->kb)      ? r->kb
                     : nz(r->title) ? r->title /* Store apps change ids, keep titles */
                     : a->uid       ? a->uid
                                    : nz(r->package);
    a->ident = identity(a);
    const wd_evidence_loc *w = &r->where;
    if (w->kind == WD_LOC_EVENT && s->last_event_row && w->record_id == s->last_event_record &&
        !strcmp(w->channel ? w->channel : "", wd_buf_cstr(&s->last_event_channel)) &&
        (w->event_id == 0 || w->event_id == s->last_event_id))
        a->event_row = s->last_event_row;
    a->event_id = w->event_id ? w->event_id : a->event_row ? s->last_event_id : 0;
}

/* Binds the identity columns, ?3..?16 of ST_ACT_LAST. */
static void bind_identity(sqlite3_stmt *st, const act *a)
{
    const wd_activity_rec *r = a->r;
    sqlite3_bind_text(st, 3, wd_op_name(r->operation), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, wd_outcome_name(r->outcome), -1, SQLITE_STATIC);
    if (r->has_code)
        sqlite3_bind_int64(st, 5, (int64_t)r->code);
    else
        sqlite3_bind_null(st, 5);
    bind_text(st, 6, a->uid);
    bind_text(st, 7, r->kb);
    bind_text(st, 8, r->title);
    sqlite3_bind_text(st, 9, wd_product_name(r->product), -1, SQLITE_STATIC);
    bind_text(st, 10, r->package);
    bind_text(st, 11, r->service);
    bind_text(st, 12, r->target);
    bind_text(st, 13, r->session);
    sqlite3_bind_int64(st, 14, a->count);
    bind_text(st, 15, r->component);
    bind_text(st, 16, r->computer);
}

/* The last kept identical activity: its id (0: none) and how many
 * identical ones are kept. A SQLite code. */
static int find_last(wd_store *s, const act *a, int64_t *id, int64_t *nth)
{
    sqlite3_stmt *st;
    int r = wd_store__stmt(s, ST_ACT_LAST, &st);
    if (r)
        return r;
    sqlite3_bind_int64(st, 1, s->snap);
    sqlite3_bind_int64(st, 2, (int64_t)a->ident);
    bind_identity(st, a);
    r = sqlite3_step(st);
    *id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    *nth = r == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? SQLITE_OK : r;
}

static int count_repeat(wd_store *s, int64_t id, const char *time)
{
    sqlite3_stmt *st;
    int r = wd_store__stmt(s, ST_ACT_REPEAT, &st);
    if (r)
        return r;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, time);
    return wd_store__run(st);
}

static int insert_act(wd_store *s, const act *a, int64_t nth)
{
    const wd_activity_rec *r = a->r;
    const wd_evidence_loc *w = &r->where;
    sqlite3_stmt *st;
    int rc = wd_store__stmt(s, ST_ACTIVITY, &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, s->snap);
    sqlite3_bind_text(st, 2, wd_op_name(r->operation), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, wd_outcome_name(r->outcome), -1, SQLITE_STATIC);
    if (r->has_code)
        sqlite3_bind_int64(st, 4, (int64_t)r->code);
    sqlite3_bind_int(st, 5, r->has_code != 0);
    bind_text(st, 6, r->time);
    bind_text(st, 7, a->uid);
    bind_text(st, 8, r->kb);
    bind_text(st, 9, r->title);
    sqlite3_bind_text(st, 10, wd_product_name(r->product), -1, SQLITE_STATIC);
    bind_text(st, 11, r->package);
    bind_text(st, 12, r->service);
    bind_text(st, 13, r->target);
    bind_text(st, 14, r->session);
    sqlite3_bind_int64(st, 15, a->count);
    bind_text(st, 16, r->component);
    bind_text(st, 17, r->detail);
    bind_text(st, 18, r->computer);
    sqlite3_bind_text(st, 19, loc_name(w->kind), -1, SQLITE_STATIC);
    bind_text(st, 20, w->source);
    if (w->kind == WD_LOC_LINE || w->kind == WD_LOC_ROW)
        sqlite3_bind_int64(st, 21, (int64_t)w->line);
    if (w->kind == WD_LOC_EVENT) {
        bind_text(st, 22, w->channel);
        sqlite3_bind_int64(st, 23, (int64_t)w->record_id);
        if (a->event_id)
            sqlite3_bind_int64(st, 24, a->event_id);
    }
    bind_text(st, 25, a->subject);
    if (a->event_row)
        sqlite3_bind_int64(st, 26, a->event_row);
    sqlite3_bind_int64(st, 27, (int64_t)a->ident);
    sqlite3_bind_int64(st, 28, nth);
    rc = wd_store__run(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int wd_store_add_activity(wd_store *s, const wd_activity_rec *r)
{
    act a;
    int64_t last = 0, nth = 0;
    int rc = wd_store__writable(s, r);
    if (rc)
        return rc;
    prepare_act(s, r, &a);
    rc = maybe_seen(s, a.ident) ? find_last(s, &a, &last, &nth) : SQLITE_OK;
    if (rc == SQLITE_OK)
        rc = last && nth >= WD_STORE_REPEAT_KEEP ? count_repeat(s, last, r->time)
                                                 : insert_act(s, &a, nth + 1);
    if (rc != SQLITE_OK)
        return wd_store__fail(s, rc);
    s->nactivities += !(last && nth >= WD_STORE_REPEAT_KEEP);
    s->nfailed += r->outcome == WD_OUT_FAILED;
    wd_store__tally(s, r->computer);
    wd_store__note_time(s, r->time);
    wd_store__fp_activity(s, r, a.ident);
    return WD_OK;
}
