/* pg_read.c - the store's read API over a PostgreSQL fleet database, so
 * that `wudiag report`, `history` and `diff` read a pushed snapshot as they
 * read a history file: the same rows in the same order (texts byte-ordered,
 * NULL times first as SQLite sorts them), handed to the same callbacks. */
#include "internal.h"
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef WD_HAVE_PG

/* ------------------------------------------------------------- helpers */

static int64_t num(const char *s)
{
    int64_t v = 0;
    if (s)
        wd_parse_i64(s, &v);
    return v;
}

/* A number as a parameter. */
typedef struct param {
    char text[24];
} param;

static const char *p64(param *p, int64_t v)
{
    snprintf(p->text, sizeof p->text, "%lld", (long long)v);
    return p->text;
}

/* The user's callback (any of the iterator types), its context, and what
 * the walk needs besides. */
typedef struct walk {
    void (*cb)(void);
    void *ctx;
} walk;

static int check_snapshot(wd_store *s, wd_pg *pg, int64_t id)
{
    param a;
    const char *params[] = {p64(&a, id)};
    int64_t rows = 0;
    int rc = wd_pg_walk(pg, "SELECT 1 FROM snapshot WHERE id = $1::bigint", 1, params, NULL,
                        NULL, &rows);
    if (!rc && rows == 0)
        rc = wd_error_set(WD_ENOTFOUND, "no snapshot %lld in %s", (long long)id, s->path);
    return rc;
}

/* ----------------------------------------------------------- snapshots */

#define SNAPSHOT_SELECT                                                                    \
    "SELECT s.id, coalesce(m.name, 'unknown'), s.collected_at, s.evidence_time,"          \
    " s.command_line, s.evidence, s.verdict, s.failures, s.findings, s.events,"           \
    " s.activities, s.machine_from FROM snapshot s LEFT JOIN machine m"                   \
    " ON m.id = s.machine_id "

typedef int (*info_cb)(void *ctx, const wd_snapshot_info *info);

static int info_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    (void)n;
    wd_snapshot_info info = {
        .id = num(c[0]),
        .machine = c[1],
        .collected_at = c[2],
        .evidence_time = c[3],
        .command_line = c[4],
        .evidence = c[5],
        .verdict = c[6],
        .failures = num(c[7]),
        .findings = num(c[8]),
        .events = num(c[9]),
        .activities = num(c[10]),
        .machine_from = c[11],
    };
    return ((info_cb)w->cb)(w->ctx, &info);
}

int wd_pg_snapshot(wd_store *s, wd_pg *pg, int64_t id,
                   int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    param a;
    const char *params[] = {p64(&a, id)};
    int64_t rows = 0;
    int rc = wd_pg_walk(pg, SNAPSHOT_SELECT "WHERE s.id = $1::bigint", 1, params, info_row, &w,
                        &rows);
    if (!rc && rows == 0)
        rc = wd_error_set(WD_ENOTFOUND, "no snapshot %lld in %s", (long long)id, s->path);
    return rc;
}

static int id_row(void *ctx, const char *const *c, int n)
{
    (void)n;
    *(int64_t *)ctx = num(c[0]);
    return 0;
}

int wd_pg_latest(wd_store *s, wd_pg *pg, const char *machine, int64_t *id)
{
    const char *params[] = {machine};
    int64_t rows = 0;
    int rc = machine ? wd_pg_walk(pg, "SELECT s.id FROM snapshot s JOIN machine m"
                                      " ON m.id = s.machine_id"
                                      " WHERE lower(m.name) = lower($1::text)"
                                      " ORDER BY s.collected_at DESC, s.id DESC LIMIT 1",
                                  1, params, id_row, id, &rows)
                     : wd_pg_walk(pg, "SELECT s.id FROM snapshot s"
                                      " ORDER BY s.collected_at DESC, s.id DESC LIMIT 1",
                                  0, NULL, id_row, id, &rows);
    if (!rc && rows == 0)
        rc = machine ? wd_error_set(WD_ENOTFOUND, "no snapshot of %s in %s", machine, s->path)
                     : wd_error_set(WD_ENOTFOUND, "no snapshot in %s yet", s->path);
    return rc;
}

int wd_pg_list(wd_store *s, wd_pg *pg, const char *machine, const char *since,
               int (*cb)(void *ctx, const wd_snapshot_info *info), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    const char *params[] = {machine, since};
    (void)s;
    /* two texts so that the machine case can use machine_by_name */
    return wd_pg_walk(pg, machine ? SNAPSHOT_SELECT "WHERE lower(m.name) = lower($1::text)"
                                                    " AND ($2::text IS NULL"
                                                    " OR s.collected_at >= $2::text)"
                                                    " ORDER BY s.collected_at, s.id"
                                  : SNAPSHOT_SELECT "WHERE $1::text IS NULL"
                                                    " AND ($2::text IS NULL"
                                                    " OR s.collected_at >= $2::text)"
                                                    " ORDER BY s.collected_at, s.id",
                      2, params, info_row, &w, NULL);
}

/* ------------------------------------------------------ simple rows */

typedef int (*service_cb)(void *, int64_t, const wd_service_rec *);
typedef int (*fact_cb)(void *, int64_t, const wd_fact_rec *);
typedef int (*note_cb)(void *, int64_t, const wd_note_rec *);
typedef int (*source_cb)(void *, int64_t, const wd_source_rec *);

#define SERVICE_SQL                                                                        \
    "SELECT id, name, display_name, state, start_type, pid, exit_code, service_exit_code," \
    " source FROM service_state WHERE snapshot_id = $1::bigint"
#define FACT_SQL "SELECT id, key, value, source, time FROM fact WHERE snapshot_id = $1::bigint"
#define NOTE_SQL                                                                           \
    "SELECT id, source, location, reason, kind FROM collection_note"                       \
    " WHERE snapshot_id = $1::bigint"
#define SOURCE_SQL                                                                         \
    "SELECT id, path, kind, records, kept, errors FROM source WHERE snapshot_id = $1::bigint"
#define ONE_ROW " AND id = $2::bigint"

static int service_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    (void)n;
    wd_service_rec r = {
        .name = c[1],
        .display_name = c[2],
        .state = c[3],
        .start_type = c[4],
        .pid = num(c[5]),
        .exit_code = num(c[6]),
        .service_exit_code = num(c[7]),
        .source = c[8],
    };
    return ((service_cb)w->cb)(w->ctx, num(c[0]), &r);
}

static int fact_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    (void)n;
    wd_fact_rec r = {.key = c[1], .value = c[2], .source = c[3], .time = c[4]};
    return ((fact_cb)w->cb)(w->ctx, num(c[0]), &r);
}

static int note_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    (void)n;
    wd_note_rec r = {.source = c[1], .location = c[2], .reason = c[3],
                     .kind = wd_note_kind_parse(c[4])};
    return ((note_cb)w->cb)(w->ctx, num(c[0]), &r);
}

static int source_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    (void)n;
    wd_source_rec r = {.path = c[1], .kind = c[2], .records = (uint64_t)num(c[3]),
                       .kept = (uint64_t)num(c[4]), .errors = (uint64_t)num(c[5])};
    return ((source_cb)w->cb)(w->ctx, num(c[0]), &r);
}

/* Checks the snapshot, then walks sql (?1 the snapshot, ?2 row when > 0). */
static int walk_snap(wd_store *s, wd_pg *pg, int64_t snap, int64_t row, const char *sql,
                     wd_pg_row_fn fn, void *ctx, int64_t *rows)
{
    param a, b;
    const char *params[] = {p64(&a, snap), p64(&b, row)};
    int rc = check_snapshot(s, pg, snap);
    if (!rc)
        rc = wd_pg_walk(pg, sql, row > 0 ? 2 : 1, params, fn, ctx, rows);
    return rc;
}

int wd_pg_services(wd_store *s, wd_pg *pg, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_service_rec *r), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    return walk_snap(s, pg, snap, 0, SERVICE_SQL " ORDER BY id", service_row, &w, NULL);
}

int wd_pg_facts(wd_store *s, wd_pg *pg, int64_t snap,
                int (*cb)(void *ctx, int64_t row_id, const wd_fact_rec *r), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    return walk_snap(s, pg, snap, 0, FACT_SQL " ORDER BY id", fact_row, &w, NULL);
}

int wd_pg_notes(wd_store *s, wd_pg *pg, int64_t snap,
                int (*cb)(void *ctx, int64_t row_id, const wd_note_rec *r), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    return walk_snap(s, pg, snap, 0, NOTE_SQL " ORDER BY id", note_row, &w, NULL);
}

int wd_pg_sources(wd_store *s, wd_pg *pg, int64_t snap,
                  int (*cb)(void *ctx, int64_t row_id, const wd_source_rec *r), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    return walk_snap(s, pg, snap, 0, SOURCE_SQL " ORDER BY id", source_row, &w, NULL);
}

/* -------------------------------------------------------------- events */

typedef int (*event_cb)(void *, int64_t, const wd_event_rec *);

/* An event and its fields come as one row per field (ordered by event id,
 * then seq): the fields are gathered until the id changes. */
typedef struct event_walk {
    walk w;
    int64_t id;
    int have;
    wd_buf head;  /* channel\0provider\0time\0computer\0source\0 */
    int head_null[5];
    uint32_t event_id;
    int level;
    uint64_t record_id;
    wd_buf text;   /* field names and values */
    size_t *offs;  /* per field: name offset, value offset + 1 (0: NULL) */
    size_t nf, cap;
    wd_field *fields;
} event_walk;

static int emit_event(event_walk *ew)
{
    const char *h[5], *p;
    if (!ew->have)
        return 0;
    if (!wd_buf_ok(&ew->head) || !wd_buf_ok(&ew->text))
        return wd_error_set(WD_ENOMEM, "out of memory reading events");
    p = wd_buf_cstr(&ew->head);
    for (int i = 0; i < 5; i++) {
        h[i] = ew->head_null[i] ? NULL : p;
        p += strlen(p) + 1;
    }
    for (size_t i = 0; i < ew->nf; i++) {
        ew->fields[i].name = ew->text.data + ew->offs[2 * i];
        ew->fields[i].value = ew->offs[2 * i + 1] ? ew->text.data + ew->offs[2 * i + 1] - 1
                                                  : NULL;
    }
    wd_event_rec r = {
        .channel = h[0],
        .provider = h[1],
        .event_id = ew->event_id,
        .level = ew->level,
        .record_id = ew->record_id,
        .time = h[2] && *h[2] ? h[2] : NULL,
        .computer = h[3] && *h[3] ? h[3] : NULL,
        .fields = ew->nf ? ew->fields : NULL,
        .nfields = ew->nf,
        .source = h[4],
    };
    ew->have = 0;
    return ((event_cb)ew->w.cb)(ew->w.ctx, ew->id, &r);
}

static int add_field(event_walk *ew, const char *name, const char *value)
{
    if (ew->nf == ew->cap) {
        size_t cap = ew->cap, same = ew->cap;
        /* two offsets a field: the offsets' array counts pairs */
        if (wd_array_reserve(&ew->offs, &cap, ew->nf + 1, 2 * sizeof *ew->offs) ||
            wd_array_reserve(&ew->fields, &same, ew->nf + 1, sizeof *ew->fields))
            return wd_error_set(WD_ENOMEM, "out of memory reading events");
        ew->cap = cap; /* the same doubling for both: same == cap */
    }
    ew->offs[2 * ew->nf] = ew->text.len;
    wd_buf_append(&ew->text, name, strlen(name) + 1);
    ew->offs[2 * ew->nf + 1] = value ? ew->text.len + 1 : 0;
    if (value)
        wd_buf_append(&ew->text, value, strlen(value) + 1);
    ew->nf++;
    return 0;
}

static int event_row(void *ctx, const char *const *c, int n)
{
    event_walk *ew = ctx;
    int64_t id = num(c[0]);
    int rc = 0;
    (void)n;
    if (!ew->have || id != ew->id) {
        if ((rc = emit_event(ew)) != 0)
            return rc;
        ew->have = 1, ew->id = id, ew->nf = 0;
        wd_buf_reset(&ew->head);
        wd_buf_reset(&ew->text);
        const int cols[5] = {1, 2, 6, 7, 8};
        for (int i = 0; i < 5; i++) {
            ew->head_null[i] = c[cols[i]] == NULL;
            const char *v = c[cols[i]] ? c[cols[i]] : "";
            wd_buf_append(&ew->head, v, strlen(v) + 1);
        }
        ew->event_id = (uint32_t)num(c[3]);
        ew->level = (int)num(c[4]);
        ew->record_id = (uint64_t)num(c[5]);
    }
    if (c[9])
        rc = add_field(ew, c[9], c[10]);
    return rc;
}

static int walk_events(wd_store *s, wd_pg *pg, int64_t snap, int64_t row, event_cb cb,
                       void *ctx, int64_t *rows)
{
    event_walk ew;
    int64_t n = 0;
    memset(&ew, 0, sizeof ew);
    ew.w = (walk){(void (*)(void))cb, ctx};
    int rc = walk_snap(s, pg, snap, row,
                       row > 0 ? "SELECT e.id, e.channel, e.provider, e.event_id, e.level,"
                                 " e.record_id, e.time, e.computer, e.source, f.name, f.value"
                                 " FROM event e LEFT JOIN event_field f"
                                 " ON f.snapshot_id = e.snapshot_id AND f.event_id = e.id"
                                 " WHERE e.snapshot_id = $1::bigint AND e.id = $2::bigint"
                                 " ORDER BY e.id, f.seq"
                               : "SELECT e.id, e.channel, e.provider, e.event_id, e.level,"
                                 " e.record_id, e.time, e.computer, e.source, f.name, f.value"
                                 " FROM event e LEFT JOIN event_field f"
                                 " ON f.snapshot_id = e.snapshot_id AND f.event_id = e.id"
                                 " WHERE e.snapshot_id = $1::bigint ORDER BY e.id, f.seq",
                       event_row, &ew, &n);
    if (!rc)
        rc = emit_event(&ew);
    if (rows)
        *rows = n;
    wd_buf_free(&ew.head);
    wd_buf_free(&ew.text);
    free(ew.offs);
    free(ew.fields);
    return rc;
}

int wd_pg_events(wd_store *s, wd_pg *pg, int64_t snap,
                 int (*cb)(void *ctx, int64_t row_id, const wd_event_rec *r), void *ctx)
{
    return walk_events(s, pg, snap, 0, cb, ctx, NULL);
}

/* ------------------------------------------------------------ findings */

typedef int (*finding_cb)(void *, int64_t, const wd_finding_rec *);

typedef struct finding_walk {
    walk w;
    wd_ref *refs;
    size_t cap;
} finding_walk;

/* "activity:12,event:40" (what string_agg gave) into fw->refs. */
static int parse_refs(finding_walk *fw, const char *text, size_t *n)
{
    *n = 0;
    for (const char *p = text; p && *p;) {
        size_t len = strcspn(p, ",");
        const char *colon = memchr(p, ':', len);
        char kind[16];
        int64_t id = 0;
        if (colon && (size_t)(colon - p) < sizeof kind) {
            memcpy(kind, p, (size_t)(colon - p));
            kind[colon - p] = '\0';
            char digits[24];
            size_t nd = len - (size_t)(colon - p) - 1;
            if (nd < sizeof digits) {
                memcpy(digits, colon + 1, nd);
                digits[nd] = '\0';
                wd_parse_i64(digits, &id);
            }
            wd_ref_kind k = wd_ref_kind_parse(kind);
            if (k) {
                wd_ref *r = wd_array_grow(&fw->refs, n, &fw->cap, sizeof *r);
                if (!r)
                    return wd_error_set(WD_ENOMEM, "out of memory reading findings");
                *r = (wd_ref){k, id};
            }
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

static int finding_row(void *ctx, const char *const *c, int ncols)
{
    finding_walk *fw = ctx;
    size_t n = 0;
    int rc = parse_refs(fw, c[10], &n);
    (void)ncols;
    if (rc)
        return rc;
    wd_finding_rec r = {
        .rule = c[1],
        .severity = c[2],
        .title = c[3],
        .explanation = c[4],
        .fixes = c[5],
        .refs = n ? fw->refs : NULL,
        .nrefs = n,
        .cause = c[6],
        .known_issue = c[7],
        .state = c[8],
        .first_fix = c[9],
    };
    return ((finding_cb)fw->w.cb)(fw->w.ctx, num(c[0]), &r);
}

int wd_pg_findings(wd_store *s, wd_pg *pg, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_finding_rec *r), void *ctx)
{
    finding_walk fw = {{(void (*)(void))cb, ctx}, NULL, 0};
    int rc = walk_snap(s, pg, snap, 0,
                       "SELECT f.id, f.rule, f.severity, f.title, f.explanation, f.fixes,"
                       " f.cause, f.known_issue, f.state, f.first_fix,"
                       " (SELECT string_agg(fe.kind || ':' || fe.row_id, ',' ORDER BY fe.seq)"
                       " FROM finding_evidence fe WHERE fe.snapshot_id = f.snapshot_id"
                       " AND fe.finding_id = f.id)"
                       " FROM finding f WHERE f.snapshot_id = $1::bigint ORDER BY f.id",
                       finding_row, &fw, NULL);
    free(fw.refs);
    return rc;
}

/* ---------------------------------------------------------- activities */

#define ACTIVITY_SQL "SELECT " WD_ACTIVITY_COLUMNS " FROM activity WHERE snapshot_id = $1::bigint"

typedef int (*activity_cb)(void *, const wd_activity_row *);

static wd_loc_kind loc_parse(const char *name)
{
    if (!name)
        return WD_LOC_NONE;
    return !strcmp(name, "line") ? WD_LOC_LINE : !strcmp(name, "row") ? WD_LOC_ROW
           : !strcmp(name, "event")                                  ? WD_LOC_EVENT
                                                                     : WD_LOC_NONE;
}

static void activity_of(const char *const *c, wd_activity_row *a)
{
    memset(a, 0, sizeof *a);
    a->id = num(c[0]);
    wd_activity_rec *r = &a->rec;
    r->operation = wd_op_parse(c[2]);
    r->outcome = wd_outcome_parse(c[3]);
    r->has_code = c[4] != NULL;
    r->code = (uint32_t)num(c[4]);
    r->time = c[6];
    r->update_id = c[7];
    r->kb = c[8];
    r->title = c[9];
    r->product = wd_product_parse(c[10]);
    r->package = c[11];
    r->service = c[12];
    r->target = c[13];
    r->session = c[14];
    r->count = num(c[15]);
    r->component = c[16];
    r->detail = c[17];
    r->computer = c[18];
    r->where.kind = loc_parse(c[19]);
    r->where.source = c[20];
    r->where.line = (uint64_t)num(c[21]);
    r->where.channel = c[22];
    r->where.record_id = (uint64_t)num(c[23]);
    r->where.event_id = (uint32_t)num(c[24]);
    a->subject = c[25];
    a->repeats = num(c[26]);
    a->last_time = c[27];
    a->event_row = num(c[28]);
}

static int activity_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    wd_activity_row a;
    (void)n;
    activity_of(c, &a);
    return ((activity_cb)w->cb)(w->ctx, &a);
}

/* " AND column IN ('a', 'b')" for the bits of mask: our own names, never
 * the caller's text. */
static void in_list(wd_buf *sql, const char *column, uint32_t mask, int count,
                    const char *(*name)(int))
{
    int first = 1;
    for (int i = 0; i < count && i < 32; i++) {
        if (!(mask & (1u << i)) || !name(i))
            continue;
        if (first)
            wd_buf_printf(sql, " AND %s IN (", column);
        wd_buf_printf(sql, "%s'%s'", first ? "" : ", ", name(i));
        first = 0;
    }
    if (!first)
        wd_buf_putc(sql, ')');
}

static const char *op_name(int k)
{
    return wd_op_name((wd_op)k);
}

static const char *outcome_name(int k)
{
    return wd_outcome_name((wd_outcome)k);
}

/* SQLite sorts NULL first ascending and last descending. */
static const char *const orders[] = {
    [WD_ORDER_TIME] = " ORDER BY time NULLS FIRST, id",
    [WD_ORDER_TIME_DESC] = " ORDER BY time DESC NULLS LAST, id DESC",
    [WD_ORDER_SUBJECT] = " ORDER BY subject, time NULLS FIRST, id",
};

int wd_pg_activities(wd_store *s, wd_pg *pg, int64_t snap, const wd_activity_query *q,
                     int (*cb)(void *ctx, const wd_activity_row *row), void *ctx)
{
    static const wd_activity_query all = {0};
    walk w = {(void (*)(void))cb, ctx};
    wd_buf sql = WD_BUF_INIT;
    param a, b, c;
    q = q ? q : &all;
    if (q->order < WD_ORDER_TIME || q->order > WD_ORDER_SUBJECT)
        return wd_error_set(WD_EUSAGE, "wd_store_activities: no order %d", q->order);
    const char *params[3] = {p64(&a, snap)};
    int np = 1;
    wd_buf_puts(&sql, ACTIVITY_SQL);
    if (q->id) {
        params[np++] = p64(&b, q->id);
        wd_buf_printf(&sql, " AND id = $%d::bigint", np);
    }
    if (q->order == WD_ORDER_SUBJECT)
        wd_buf_puts(&sql, " AND subject IS NOT NULL");
    in_list(&sql, "outcome", q->outcomes, WD_OUT_COUNT, outcome_name);
    in_list(&sql, "operation", q->operations, WD_OP_COUNT, op_name);
    wd_buf_puts(&sql, orders[q->order]);
    if (q->limit > 0) {
        params[np++] = p64(&c, q->limit);
        wd_buf_printf(&sql, " LIMIT $%d::bigint", np);
    }
    int rc = wd_buf_ok(&sql) ? check_snapshot(s, pg, snap)
                             : wd_error_set(WD_ENOMEM, "out of memory");
    if (!rc)
        rc = wd_pg_walk(pg, wd_buf_cstr(&sql), np, params, activity_row, &w, NULL);
    wd_buf_free(&sql);
    return rc;
}

/* ----------------------------------------------------------- computers */

typedef struct computer_walk {
    int (*cb)(void *ctx, const wd_computer_info *c);
    void *ctx;
} computer_walk;

static const char *empty_null(const char *t)
{
    return t && *t ? t : NULL;
}

static int computer_row(void *ctx, const char *const *c, int n)
{
    const computer_walk *w = ctx;
    (void)n;
    wd_computer_info info = {c[0], num(c[1]), empty_null(c[2]), empty_null(c[3])};
    return w->cb(w->ctx, &info);
}

int wd_pg_computers(wd_store *s, wd_pg *pg, int64_t snap,
                    int (*cb)(void *ctx, const wd_computer_info *c), void *ctx)
{
    computer_walk w = {cb, ctx};
    return walk_snap(s, pg, snap, 0,
                     "SELECT min(computer), sum(n), min(t0), max(t1) FROM (SELECT e.computer"
                     " AS computer, count(*) AS n, min(e.time) AS t0, max(e.time) AS t1"
                     " FROM event e WHERE e.snapshot_id = $1::bigint AND e.computer <> ''"
                     " GROUP BY e.computer UNION ALL SELECT computer, count(*), min(time),"
                     " max(time) FROM activity WHERE snapshot_id = $1::bigint"
                     " AND computer IS NOT NULL GROUP BY computer) x"
                     " GROUP BY lower(computer) ORDER BY 2 DESC, 1",
                     computer_row, &w, NULL);
}

/* ---------------------------------------------------------- references */

int wd_pg_ref(wd_store *s, wd_pg *pg, int64_t snap, wd_ref ref,
              int (*cb)(void *ctx, const wd_ref_row *row), void *ctx)
{
    wd_store__ref_ctx x = {cb, ctx, ref};
    int64_t rows = 0;
    int rc;
    switch (ref.kind) {
    case WD_REF_ACTIVITY:
        rc = walk_snap(s, pg, snap, ref.row_id, ACTIVITY_SQL ONE_ROW, activity_row,
                       &(walk){(void (*)(void))wd_store__ref_activity, &x}, &rows);
        break;
    case WD_REF_EVENT:
        rc = walk_events(s, pg, snap, ref.row_id, wd_store__ref_event, &x, &rows);
        break;
    case WD_REF_SERVICE:
        rc = walk_snap(s, pg, snap, ref.row_id, SERVICE_SQL ONE_ROW, service_row,
                       &(walk){(void (*)(void))wd_store__ref_service, &x}, &rows);
        break;
    case WD_REF_FACT:
        rc = walk_snap(s, pg, snap, ref.row_id, FACT_SQL ONE_ROW, fact_row,
                       &(walk){(void (*)(void))wd_store__ref_fact, &x}, &rows);
        break;
    case WD_REF_NOTE:
        rc = walk_snap(s, pg, snap, ref.row_id, NOTE_SQL ONE_ROW, note_row,
                       &(walk){(void (*)(void))wd_store__ref_note, &x}, &rows);
        break;
    case WD_REF_SOURCE:
        rc = walk_snap(s, pg, snap, ref.row_id, SOURCE_SQL ONE_ROW, source_row,
                       &(walk){(void (*)(void))wd_store__ref_source, &x}, &rows);
        break;
    default:
        return wd_error_set(WD_EUSAGE, "wd_store_ref: no reference kind %d", (int)ref.kind);
    }
    return wd_store__ref_found(s, snap, ref, rc, rows);
}

#endif /* WD_HAVE_PG */
