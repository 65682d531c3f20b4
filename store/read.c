/* read.c - the store's read API: snapshot summaries (one, the latest, a
 * filtered list) and per-snapshot iterators that hand each row to a
 * callback as the record structs of records.h. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- helpers */

static const char *text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* NULL for the '' the event key stores for "missing". */
static const char *text_or_null(sqlite3_stmt *st, int i)
{
    const char *t = text(st, i);
    return t && *t ? t : NULL;
}

static int prepare(wd_store *s, const char *sql, sqlite3_stmt **st)
{
    int r = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return r == SQLITE_OK ? WD_OK : wd_store__error(s, r, "reading");
}

static int usable(const wd_store *s, int has_cb)
{
    if (!s || !has_cb)
        return wd_error_set(WD_EUSAGE, "wd_store: no store or no callback");
    return WD_OK;
}

int wd_store__check_snapshot(wd_store *s, int64_t id)
{
    sqlite3_stmt *st = NULL;
    int rc = s->empty ? WD_OK : prepare(s, "SELECT 1 FROM snapshot WHERE id = ?1", &st);
    int r = SQLITE_DONE;
    if (rc)
        return rc;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        r = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (r == SQLITE_ROW)
        return WD_OK;
    if (r == SQLITE_DONE)
        return wd_error_set(WD_ENOTFOUND, "no snapshot %lld in %s", (long long)id, s->path);
    return wd_store__error(s, r, "reading");
}

/* ------------------------------------------------------------ snapshots */

#define SNAPSHOT_SELECT                                                                    \
    "SELECT s.id, coalesce(m.name, 'unknown'), s.collected_at, s.evidence_time, "        \
    "s.command_line, s.evidence, s.verdict, s.failures, s.findings, s.events, "            \
    "s.activities, s.machine_from FROM snapshot s LEFT JOIN machine m ON m.id = s.machine_id "

typedef int (*info_cb)(void *ctx, const wd_snapshot_info *info);

/* Hands every row of a prepared SNAPSHOT_SELECT to cb; *rows counts them. */
static int walk_infos(wd_store *s, sqlite3_stmt *st, info_cb cb, void *ctx, int *rows)
{
    int r, rc = WD_OK;
    while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
        wd_snapshot_info info = {
            .id = sqlite3_column_int64(st, 0),
            .machine = text(st, 1),
            .collected_at = text(st, 2),
            .evidence_time = text(st, 3),
            .command_line = text(st, 4),
            .evidence = text(st, 5),
            .verdict = text(st, 6),
            .failures = sqlite3_column_int64(st, 7),
            .findings = sqlite3_column_int64(st, 8),
            .events = sqlite3_column_int64(st, 9),
            .activities = sqlite3_column_int64(st, 10),
            .machine_from = text(st, 11),
        };
        (*rows)++;
        rc = cb(ctx, &info);
    }
    if (!rc && r != SQLITE_DONE)
        rc = wd_store__error(s, r, "reading");
    return rc;
}

int wd_store_snapshot(wd_store *s, int64_t id,
                      int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_snapshot(s, s->pg, id, cb, ctx));
    sqlite3_stmt *st = NULL;
    int rows = 0;
    int rc = usable(s, cb != NULL);
    if (!rc && s->empty)
        rc = wd_store__check_snapshot(s, id);
    if (!rc)
        rc = prepare(s, SNAPSHOT_SELECT "WHERE s.id = ?1", &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, id);
        rc = walk_infos(s, st, cb, ctx, &rows);
    }
    sqlite3_finalize(st);
    if (!rc && rows == 0)
        rc = wd_error_set(WD_ENOTFOUND, "no snapshot %lld in %s", (long long)id, s->path);
    return rc;
}

int wd_store_latest(wd_store *s, const char *machine, int64_t *id)
{
    WD_PG_DISPATCH(s, wd_pg_latest(s, s->pg, machine, id));
    sqlite3_stmt *st = NULL;
    int r = SQLITE_DONE, rc = usable(s, id != NULL);
    if (!rc && !s->empty)
        rc = prepare(s, machine ? "SELECT s.id FROM snapshot s JOIN machine m "
                                  "ON m.id = s.machine_id WHERE m.name = ?1 "
                                  "ORDER BY s.collected_at DESC, s.id DESC LIMIT 1"
                                : "SELECT s.id FROM snapshot s WHERE ?1 IS NULL "
                                  "ORDER BY s.collected_at DESC, s.id DESC LIMIT 1", &st);
    if (!rc && st) {
        sqlite3_bind_text(st, 1, machine, -1, SQLITE_STATIC);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            *id = sqlite3_column_int64(st, 0);
        else if (r != SQLITE_DONE)
            rc = wd_store__error(s, r, "reading");
    }
    sqlite3_finalize(st);
    if (!rc && r == SQLITE_DONE)
        rc = machine ? wd_error_set(WD_ENOTFOUND, "no snapshot of %s in %s", machine, s->path)
                     : wd_error_set(WD_ENOTFOUND, "no snapshot in %s yet", s->path);
    return rc;
}

int wd_store_list(wd_store *s, const char *machine, const char *since,
                  int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_list(s, s->pg, machine, since, cb, ctx));
    sqlite3_stmt *st = NULL;
    int rows = 0;
    int rc = usable(s, cb != NULL);
    if (rc || s->empty)
        return rc;
    /* two texts so that the machine case can use snapshot_by_machine */
    rc = prepare(s, machine ? SNAPSHOT_SELECT "WHERE m.name = ?1 "
                                              "AND (?2 IS NULL OR s.collected_at >= ?2) "
                                              "ORDER BY s.collected_at, s.id"
                            : SNAPSHOT_SELECT "WHERE ?1 IS NULL "
                                              "AND (?2 IS NULL OR s.collected_at >= ?2) "
                                              "ORDER BY s.collected_at, s.id", &st);
    if (!rc) {
        sqlite3_bind_text(st, 1, machine, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
        rc = walk_infos(s, st, cb, ctx, &rows);
    }
    sqlite3_finalize(st);
    return rc;
}

/* -------------------------------------------------------- row iterators */

/* Turns the current row into a record and calls the user's callback. */
typedef int (*row_fn)(wd_store *s, sqlite3_stmt *st, const void *walk);

/* The user's callback (any of the iterator types) and its context. */
typedef struct walk {
    void (*cb)(void);
    void *ctx;
} walk;

/* Runs sql (?1: the snapshot id; ?2: one row's id when row > 0) and hands
 * every row to fn; *rows counts them (may be NULL). */
static int walk_one(wd_store *s, int64_t snap, int64_t row, const char *sql, row_fn fn,
                    const walk *w, int64_t *rows)
{
    sqlite3_stmt *st = NULL;
    int r = SQLITE_DONE;
    int rc = usable(s, w->cb != NULL);
    if (!rc)
        rc = wd_store__check_snapshot(s, snap);
    if (!rc)
        rc = prepare(s, sql, &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, snap);
        if (row > 0)
            sqlite3_bind_int64(st, 2, row);
        while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
            if (rows)
                (*rows)++;
            rc = fn(s, st, w);
        }
        if (!rc && r != SQLITE_DONE)
            rc = wd_store__error(s, r, "reading");
    }
    sqlite3_finalize(st);
    return rc;
}

static int walk_rows(wd_store *s, int64_t snap, const char *sql, row_fn fn, const walk *w)
{
    return walk_one(s, snap, 0, sql, fn, w, NULL);
}

typedef int (*service_cb)(void *, int64_t, const wd_service_rec *);
typedef int (*event_cb)(void *, int64_t, const wd_event_rec *);
typedef int (*fact_cb)(void *, int64_t, const wd_fact_rec *);
typedef int (*note_cb)(void *, int64_t, const wd_note_rec *);
typedef int (*source_cb)(void *, int64_t, const wd_source_rec *);
typedef int (*finding_cb)(void *, int64_t, const wd_finding_rec *);

/* The SELECT of each kind, by snapshot (?1), ordered by id; the ref
 * lookups add "AND id = ?2". */
#define SERVICE_SQL                                                                        \
    "SELECT id, name, display_name, state, start_type, pid, exit_code, service_exit_code, " \
    "source FROM service_state WHERE snapshot_id = ?1"
#define EVENT_SQL                                                                          \
    "SELECT e.id, e.channel, e.provider, e.event_id, e.level, e.record_id, e.time, "       \
    "e.computer, se.source FROM snapshot_event se JOIN event e ON e.id = se.event_id "     \
    "WHERE se.snapshot_id = ?1"
#define FACT_SQL "SELECT id, key, value, source, time FROM fact WHERE snapshot_id = ?1"
#define NOTE_SQL                                                                           \
    "SELECT id, source, location, reason, kind FROM collection_note WHERE snapshot_id = ?1"
#define SOURCE_SQL                                                                         \
    "SELECT id, path, kind, records, kept, errors FROM source WHERE snapshot_id = ?1"
#define ACTIVITY_SQL "SELECT " WD_ACTIVITY_COLUMNS " FROM activity WHERE snapshot_id = ?1"

static int service_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    wd_service_rec r = {
        .name = text(st, 1),
        .display_name = text(st, 2),
        .state = text(st, 3),
        .start_type = text(st, 4),
        .pid = sqlite3_column_int64(st, 5),
        .exit_code = sqlite3_column_int64(st, 6),
        .service_exit_code = sqlite3_column_int64(st, 7),
        .source = text(st, 8),
    };
    const walk *wk = w;
    return ((service_cb)wk->cb)(wk->ctx, sqlite3_column_int64(st, 0), &r);
}

int wd_store_services(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_service_rec *r), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_services(s, s->pg, snap, cb, ctx));
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap, SERVICE_SQL " ORDER BY id", service_row, &w);
}

/* Loads the fields of event `id` into s->fields, their text copied into
 * *text (the field statement's own strings do not outlive its next step). */
static int load_fields(wd_store *s, sqlite3_stmt *fst, int64_t id, wd_buf *buf, size_t *n)
{
    int r;
    *n = 0;
    wd_buf_reset(buf);
    sqlite3_bind_int64(fst, 1, id);
    while ((r = sqlite3_step(fst)) == SQLITE_ROW) {
        if (wd_array_reserve(&s->fields, &s->fieldcap, *n + 1, sizeof *s->fields)) {
            sqlite3_reset(fst);
            return wd_error_set(WD_ENOMEM, "out of memory reading %s", s->path);
        }
        /* offsets now, pointers once the buffer stops moving */
        const char *v = text(fst, 1);
        s->fields[*n].name = (const char *)(uintptr_t)buf->len;
        wd_buf_append(buf, text(fst, 0), (size_t)sqlite3_column_bytes(fst, 0) + 1);
        s->fields[*n].value = v ? (const char *)(uintptr_t)(buf->len + 1) : NULL;
        if (v)
            wd_buf_append(buf, v, (size_t)sqlite3_column_bytes(fst, 1) + 1);
        (*n)++;
    }
    sqlite3_reset(fst);
    if (r != SQLITE_DONE)
        return wd_store__error(s, r, "reading");
    if (!wd_buf_ok(buf))
        return wd_error_set(WD_ENOMEM, "out of memory reading %s", s->path);
    for (size_t i = 0; i < *n; i++) {
        s->fields[i].name = buf->data + (uintptr_t)s->fields[i].name;
        if (s->fields[i].value)
            s->fields[i].value = buf->data + ((uintptr_t)s->fields[i].value - 1);
    }
    return WD_OK;
}

/* The events' walk: the user's callback plus the field statement. */
typedef struct event_walk {
    walk w;
    sqlite3_stmt *fields;
    wd_buf text;
} event_walk;

static int event_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    const event_walk *ew = w;
    int64_t id = sqlite3_column_int64(st, 0);
    size_t n = 0;
    int rc = load_fields(s, ew->fields, id, (wd_buf *)&ew->text, &n);
    if (rc)
        return rc;
    wd_event_rec r = {
        .channel = text(st, 1),
        .provider = text(st, 2),
        .event_id = (uint32_t)sqlite3_column_int64(st, 3),
        .level = sqlite3_column_int(st, 4),
        .record_id = (uint64_t)sqlite3_column_int64(st, 5),
        .time = text_or_null(st, 6),
        .computer = text_or_null(st, 7),
        .fields = n ? s->fields : NULL,
        .nfields = n,
        .source = text(st, 8),
    };
    return ((event_cb)ew->w.cb)(ew->w.ctx, id, &r);
}

/* The events of snap (one of them when row > 0). */
static int walk_events(wd_store *s, int64_t snap, int64_t row, event_cb cb, void *ctx,
                       int64_t *rows)
{
    event_walk ew = {{(void (*)(void))cb, ctx}, NULL, WD_BUF_INIT};
    int rc = usable(s, cb != NULL);
    if (!rc && !s->empty)
        rc = prepare(s, "SELECT name, value FROM event_field WHERE event_id = ?1 ORDER BY seq",
                     &ew.fields);
    if (!rc)
        rc = walk_one(s, snap, row,
                      row > 0 ? EVENT_SQL " AND se.event_id = ?2" : EVENT_SQL
                                " ORDER BY se.event_id", event_row, &ew.w, rows);
    sqlite3_finalize(ew.fields);
    wd_buf_free(&ew.text);
    return rc;
}

int wd_store_events(wd_store *s, int64_t snap,
                    int (*cb)(void *ctx, int64_t row_id, const wd_event_rec *r), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_events(s, s->pg, snap, cb, ctx));
    return walk_events(s, snap, 0, cb, ctx, NULL);
}

static int fact_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    wd_fact_rec r = {.key = text(st, 1), .value = text(st, 2), .source = text(st, 3),
                     .time = text(st, 4)};
    const walk *wk = w;
    return ((fact_cb)wk->cb)(wk->ctx, sqlite3_column_int64(st, 0), &r);
}

int wd_store_facts(wd_store *s, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_fact_rec *r), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_facts(s, s->pg, snap, cb, ctx));
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap, FACT_SQL " ORDER BY id", fact_row, &w);
}

static int note_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    wd_note_rec r = {.source = text(st, 1), .location = text(st, 2), .reason = text(st, 3),
                     .kind = wd_note_kind_parse(text(st, 4))};
    const walk *wk = w;
    return ((note_cb)wk->cb)(wk->ctx, sqlite3_column_int64(st, 0), &r);
}

int wd_store_notes(wd_store *s, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_note_rec *r), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_notes(s, s->pg, snap, cb, ctx));
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap, NOTE_SQL " ORDER BY id", note_row, &w);
}

static int source_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    wd_source_rec r = {
        .path = text(st, 1),
        .kind = text(st, 2),
        .records = (uint64_t)sqlite3_column_int64(st, 3),
        .kept = (uint64_t)sqlite3_column_int64(st, 4),
        .errors = (uint64_t)sqlite3_column_int64(st, 5),
    };
    const walk *wk = w;
    return ((source_cb)wk->cb)(wk->ctx, sqlite3_column_int64(st, 0), &r);
}

int wd_store_sources(wd_store *s, int64_t snap,
                     int (*cb)(void *ctx, int64_t row_id, const wd_source_rec *r), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_sources(s, s->pg, snap, cb, ctx));
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap, SOURCE_SQL " ORDER BY id", source_row, &w);
}

/* ------------------------------------------------------------ findings */

/* The findings' walk: the user's callback, the references statement and
 * the finding's references read into arr. */
typedef struct finding_walk {
    walk w;
    sqlite3_stmt *refs;
    wd_ref *arr;
    size_t cap;
} finding_walk;

/* Reads finding id's references into fw; *n gets their number. */
static int load_refs(wd_store *s, finding_walk *fw, int64_t id, size_t *n)
{
    int r;
    *n = 0;
    sqlite3_bind_int64(fw->refs, 1, id);
    while ((r = sqlite3_step(fw->refs)) == SQLITE_ROW) {
        wd_ref_kind kind = wd_ref_kind_parse(text(fw->refs, 0));
        if (!kind)
            continue;
        wd_ref *ref = wd_array_grow(&fw->arr, n, &fw->cap, sizeof *ref);
        if (!ref) {
            sqlite3_reset(fw->refs);
            return wd_error_set(WD_ENOMEM, "out of memory reading %s", s->path);
        }
        *ref = (wd_ref){kind, sqlite3_column_int64(fw->refs, 1)};
    }
    sqlite3_reset(fw->refs);
    if (r != SQLITE_DONE)
        return wd_store__error(s, r, "reading");
    return WD_OK;
}

static int finding_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    finding_walk *fw = (finding_walk *)w;
    int64_t id = sqlite3_column_int64(st, 0);
    size_t n = 0;
    int rc = load_refs(s, fw, id, &n);
    if (rc)
        return rc;
    wd_finding_rec r = {
        .rule = text(st, 1),
        .severity = text(st, 2),
        .title = text(st, 3),
        .explanation = text(st, 4),
        .fixes = text(st, 5),
        .refs = n ? fw->arr : NULL,
        .nrefs = n,
        .cause = text(st, 6),
        .known_issue = text(st, 7),
        .state = text(st, 8),
        .first_fix = text(st, 9),
    };
    return ((finding_cb)fw->w.cb)(fw->w.ctx, id, &r);
}

int wd_store_findings(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_finding_rec *r), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_findings(s, s->pg, snap, cb, ctx));
    finding_walk fw = {{(void (*)(void))cb, ctx}, NULL, NULL, 0};
    int rc = usable(s, cb != NULL);
    if (!rc && !s->empty)
        rc = prepare(s, "SELECT kind, row_id FROM finding_evidence WHERE finding_id = ?1"
                        " ORDER BY seq", &fw.refs);
    if (!rc)
        rc = walk_rows(s, snap, "SELECT id, rule, severity, title, explanation, fixes, cause,"
                                " known_issue, state, first_fix FROM finding WHERE snapshot_id = ?1"
                                " ORDER BY id", finding_row, &fw.w);
    sqlite3_finalize(fw.refs);
    free(fw.arr);
    return rc;
}

/* ----------------------------------------------------------- activities */

static wd_loc_kind loc_parse(const char *name)
{
    if (!name)
        return WD_LOC_NONE;
    return !strcmp(name, "line") ? WD_LOC_LINE : !strcmp(name, "row") ? WD_LOC_ROW
           : !strcmp(name, "event")                                  ? WD_LOC_EVENT
                                                                     : WD_LOC_NONE;
}

/* The current row of an ACTIVITY_SQL statement as a wd_activity_row. */
static void activity_of(sqlite3_stmt *st, wd_activity_row *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    wd_activity_rec *r = &a->rec;
    r->operation = wd_op_parse(text(st, 2));
    r->outcome = wd_outcome_parse(text(st, 3));
    r->has_code = sqlite3_column_type(st, 4) != SQLITE_NULL;
    r->code = (uint32_t)sqlite3_column_int64(st, 4);
    r->time = text(st, 6);
    r->update_id = text(st, 7);
    r->kb = text(st, 8);
    r->title = text(st, 9);
    r->product = wd_product_parse(text(st, 10));
    r->package = text(st, 11);
    r->service = text(st, 12);
    r->target = text(st, 13);
    r->session = text(st, 14);
    r->count = sqlite3_column_int64(st, 15);
    r->component = text(st, 16);
    r->detail = text(st, 17);
    r->computer = text(st, 18);
    r->where.kind = loc_parse(text(st, 19));
    r->where.source = text(st, 20);
    r->where.line = (uint64_t)sqlite3_column_int64(st, 21);
    r->where.channel = text(st, 22);
    r->where.record_id = (uint64_t)sqlite3_column_int64(st, 23);
    r->where.event_id = (uint32_t)sqlite3_column_int64(st, 24);
    a->subject = text(st, 25);
    a->repeats = sqlite3_column_int64(st, 26);
    a->last_time = text(st, 27);
    a->event_row = sqlite3_column_int64(st, 28);
}

/* " AND name IN (?, ?)" for the names of the bits set in mask. */
static void in_list(wd_buf *sql, const char *column, uint32_t mask, int count)
{
    int first = 1;
    for (int i = 0; i < count && i < 32; i++) {
        if (!(mask & (1u << i)))
            continue;
        wd_buf_printf(sql, first ? " AND %s IN (?" : ", ?", column);
        first = 0;
    }
    if (!first)
        wd_buf_putc(sql, ')');
}

static int bind_names(sqlite3_stmt *st, int *i, uint32_t mask, int count,
                      const char *(*name)(int))
{
    for (int k = 0; k < count && k < 32; k++)
        if (mask & (1u << k))
            sqlite3_bind_text(st, (*i)++, name(k), -1, SQLITE_STATIC);
    return *i;
}

static const char *op_name(int k)
{
    return wd_op_name((wd_op)k);
}

static const char *outcome_name(int k)
{
    return wd_outcome_name((wd_outcome)k);
}

static const char *const orders[] = {
    [WD_ORDER_TIME] = " ORDER BY time, id",
    [WD_ORDER_TIME_DESC] = " ORDER BY time DESC, id DESC",
    [WD_ORDER_SUBJECT] = " ORDER BY subject, time, id",
};

/* The statement for query q (parameters bound but ?1, the snapshot). */
static int activity_query(wd_store *s, const wd_activity_query *q, sqlite3_stmt **st)
{
    wd_buf sql = WD_BUF_INIT;
    int i = 2, rc;
    wd_buf_puts(&sql, ACTIVITY_SQL);
    if (q->id)
        wd_buf_puts(&sql, " AND id = ?");
    if (q->order == WD_ORDER_SUBJECT)
        wd_buf_puts(&sql, " AND subject IS NOT NULL");
    in_list(&sql, "outcome", q->outcomes, WD_OUT_COUNT);
    in_list(&sql, "operation", q->operations, WD_OP_COUNT);
    wd_buf_puts(&sql, orders[q->order]);
    if (q->limit > 0)
        wd_buf_puts(&sql, " LIMIT ?");
    if (!wd_buf_ok(&sql))
        rc = wd_error_set(WD_ENOMEM, "out of memory reading %s", s->path);
    else
        rc = prepare(s, wd_buf_cstr(&sql), st);
    wd_buf_free(&sql);
    if (rc)
        return rc;
    if (q->id)
        sqlite3_bind_int64(*st, i++, q->id);
    bind_names(*st, &i, q->outcomes, WD_OUT_COUNT, outcome_name);
    bind_names(*st, &i, q->operations, WD_OP_COUNT, op_name);
    if (q->limit > 0)
        sqlite3_bind_int64(*st, i, q->limit);
    return WD_OK;
}

int wd_store_activities(wd_store *s, int64_t snap, const wd_activity_query *q,
                        int (*cb)(void *ctx, const wd_activity_row *row), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_activities(s, s->pg, snap, q, cb, ctx));
    static const wd_activity_query all = {0};
    sqlite3_stmt *st = NULL;
    int r = SQLITE_DONE;
    int rc = usable(s, cb != NULL);
    q = q ? q : &all;
    if (!rc && (q->order < WD_ORDER_TIME || q->order > WD_ORDER_SUBJECT))
        rc = wd_error_set(WD_EUSAGE, "wd_store_activities: no order %d", q->order);
    if (!rc)
        rc = wd_store__check_snapshot(s, snap);
    if (!rc)
        rc = activity_query(s, q, &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, snap);
        while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
            wd_activity_row a;
            activity_of(st, &a);
            rc = cb(ctx, &a);
        }
        if (!rc && r != SQLITE_DONE)
            rc = wd_store__error(s, r, "reading");
    }
    sqlite3_finalize(st);
    return rc;
}

int wd_store_computers(wd_store *s, int64_t snap,
                       int (*cb)(void *ctx, const wd_computer_info *c), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_computers(s, s->pg, snap, cb, ctx));
    sqlite3_stmt *st = NULL;
    int r = SQLITE_DONE;
    int rc = usable(s, cb != NULL);
    if (!rc)
        rc = wd_store__check_snapshot(s, snap);
    if (!rc)
        rc = prepare(s, "SELECT min(computer), sum(n), min(t0), max(t1) FROM ("
                        "SELECT e.computer AS computer, count(*) AS n, min(e.time) AS t0,"
                        " max(e.time) AS t1 FROM snapshot_event se JOIN event e ON e.id = se.event_id"
                        " WHERE se.snapshot_id = ?1 AND e.computer <> '' GROUP BY e.computer"
                        " UNION ALL SELECT computer, count(*), min(time), max(time) FROM activity"
                        " WHERE snapshot_id = ?1 AND computer IS NOT NULL GROUP BY computer)"
                        " GROUP BY computer COLLATE NOCASE ORDER BY 2 DESC, 1", &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, snap);
        while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
            wd_computer_info c = {text(st, 0), sqlite3_column_int64(st, 1), text_or_null(st, 2),
                                  text_or_null(st, 3)};
            rc = cb(ctx, &c);
        }
        if (!rc && r != SQLITE_DONE)
            rc = wd_store__error(s, r, "reading");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ----------------------------------------------------------- references */

/* One row by typed reference: the user's callback behind each iterator's. */
#define REF_ADAPTER(fn, type, field)                                                       \
    int fn(void *ctx, int64_t id, const type *r)                                           \
    {                                                                                      \
        const wd_store__ref_ctx *x = ctx;                                                  \
        wd_ref_row row = {.ref = x->ref};                                                  \
        (void)id;                                                                          \
        row.field = r;                                                                     \
        return x->cb(x->ctx, &row);                                                        \
    }
REF_ADAPTER(wd_store__ref_event, wd_event_rec, event)
REF_ADAPTER(wd_store__ref_service, wd_service_rec, service)
REF_ADAPTER(wd_store__ref_fact, wd_fact_rec, fact)
REF_ADAPTER(wd_store__ref_note, wd_note_rec, note)
REF_ADAPTER(wd_store__ref_source, wd_source_rec, source)

int wd_store__ref_activity(void *ctx, const wd_activity_row *a)
{
    const wd_store__ref_ctx *x = ctx;
    wd_ref_row row = {.ref = x->ref, .activity = a};
    return x->cb(x->ctx, &row);
}

int wd_store__ref_found(wd_store *s, int64_t snap, wd_ref ref, int rc, int64_t rows)
{
    if (!rc && rows == 0)
        rc = wd_error_set(WD_ENOTFOUND, "no %s %lld in snapshot %lld of %s",
                          wd_ref_kind_name(ref.kind), (long long)ref.row_id, (long long)snap,
                          s->path);
    return rc;
}

static int activity_ref_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    const walk *wk = w;
    wd_activity_row a;
    activity_of(st, &a);
    return wd_store__ref_activity(wk->ctx, &a);
}

int wd_store_ref(wd_store *s, int64_t snap, wd_ref ref,
                 int (*cb)(void *ctx, const wd_ref_row *row), void *ctx)
{
    WD_PG_DISPATCH(s, wd_pg_ref(s, s->pg, snap, ref, cb, ctx));
    wd_store__ref_ctx x = {cb, ctx, ref};
    int64_t rows = 0;
    int rc = usable(s, cb != NULL);
    if (rc)
        return rc;
    switch (ref.kind) {
    case WD_REF_ACTIVITY:
        rc = walk_one(s, snap, ref.row_id, ACTIVITY_SQL " AND id = ?2", activity_ref_row,
                      &(walk){(void (*)(void))wd_store__ref_activity, &x}, &rows);
        break;
    case WD_REF_EVENT:
        rc = walk_events(s, snap, ref.row_id, wd_store__ref_event, &x, &rows);
        break;
    case WD_REF_SERVICE:
        rc = walk_one(s, snap, ref.row_id, SERVICE_SQL " AND id = ?2", service_row,
                      &(walk){(void (*)(void))wd_store__ref_service, &x}, &rows);
        break;
    case WD_REF_FACT:
        rc = walk_one(s, snap, ref.row_id, FACT_SQL " AND id = ?2", fact_row,
                      &(walk){(void (*)(void))wd_store__ref_fact, &x}, &rows);
        break;
    case WD_REF_NOTE:
        rc = walk_one(s, snap, ref.row_id, NOTE_SQL " AND id = ?2", note_row,
                      &(walk){(void (*)(void))wd_store__ref_note, &x}, &rows);
        break;
    case WD_REF_SOURCE:
        rc = walk_one(s, snap, ref.row_id, SOURCE_SQL " AND id = ?2", source_row,
                      &(walk){(void (*)(void))wd_store__ref_source, &x}, &rows);
        break;
    default:
        return wd_error_set(WD_EUSAGE, "wd_store_ref: no reference kind %d", (int)ref.kind);
    }
    return wd_store__ref_found(s, snap, ref, rc, rows);
}
