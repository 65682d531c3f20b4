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
    "s.command_line, s.evidence, s.verdict, s.failures, s.findings, s.events "             \
    "FROM snapshot s LEFT JOIN machine m ON m.id = s.machine_id "

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

/* Runs sql (one parameter: the snapshot id) and hands every row to fn. */
static int walk_rows(wd_store *s, int64_t snap, const char *sql, row_fn fn, const walk *w)
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
        while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW)
            rc = fn(s, st, w);
        if (!rc && r != SQLITE_DONE)
            rc = wd_store__error(s, r, "reading");
    }
    sqlite3_finalize(st);
    return rc;
}

typedef int (*service_cb)(void *, int64_t, const wd_service_rec *);
typedef int (*event_cb)(void *, int64_t, const wd_event_rec *);
typedef int (*failure_cb)(void *, int64_t, const wd_failure_rec *);
typedef int (*fact_cb)(void *, int64_t, const wd_fact_rec *);
typedef int (*note_cb)(void *, int64_t, const wd_note_rec *);
typedef int (*source_cb)(void *, int64_t, const wd_source_rec *);
typedef int (*finding_cb)(void *, int64_t, const wd_finding_rec *);

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
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap,
                     "SELECT id, name, display_name, state, start_type, pid, exit_code, "
                     "service_exit_code, source FROM service_state WHERE snapshot_id = ?1 "
                     "ORDER BY id", service_row, &w);
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
        if (*n == s->fieldcap) {
            size_t cap = s->fieldcap ? s->fieldcap * 2 : 16;
            wd_field *f = realloc(s->fields, cap * sizeof *f);
            if (!f) {
                sqlite3_reset(fst);
                return wd_error_set(WD_ENOMEM, "out of memory reading %s", s->path);
            }
            s->fields = f;
            s->fieldcap = cap;
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

int wd_store_events(wd_store *s, int64_t snap,
                    int (*cb)(void *ctx, int64_t row_id, const wd_event_rec *r), void *ctx)
{
    event_walk ew = {{(void (*)(void))cb, ctx}, NULL, WD_BUF_INIT};
    int rc = usable(s, cb != NULL);
    if (!rc && !s->empty)
        rc = prepare(s, "SELECT name, value FROM event_field WHERE event_id = ?1 ORDER BY seq",
                     &ew.fields);
    if (!rc)
        rc = walk_rows(s, snap,
                       "SELECT e.id, e.channel, e.provider, e.event_id, e.level, e.record_id, "
                       "e.time, e.computer, se.source FROM snapshot_event se "
                       "JOIN event e ON e.id = se.event_id WHERE se.snapshot_id = ?1 "
                       "ORDER BY se.event_id", event_row, &ew.w);
    sqlite3_finalize(ew.fields);
    wd_buf_free(&ew.text);
    return rc;
}

static int failure_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    wd_failure_rec r = {
        .hresult = (uint32_t)sqlite3_column_int64(st, 1),
        .origin = text(st, 2),
        .time = text(st, 3),
        .operation = text(st, 4),
        .title = text(st, 5),
        .kb = text(st, 6),
        .update_id = text(st, 7),
        .context = text(st, 8),
        .component = text(st, 9),
        .computer = text(st, 10),
        .event_record_id = (uint64_t)sqlite3_column_int64(st, 11),
        .event_channel = text(st, 12),
        .source = text(st, 13),
        .line = (uint64_t)sqlite3_column_int64(st, 14),
    };
    const walk *wk = w;
    return ((failure_cb)wk->cb)(wk->ctx, sqlite3_column_int64(st, 0), &r);
}

int wd_store_failures(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_failure_rec *r), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap,
                     "SELECT id, hresult, origin, time, operation, title, kb, update_id, "
                     "context, component, computer, event_record_id, event_channel, source, "
                     "line FROM failure WHERE snapshot_id = ?1 ORDER BY id", failure_row, &w);
}

static int fact_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    wd_fact_rec r = {.key = text(st, 1), .value = text(st, 2), .source = text(st, 3)};
    const walk *wk = w;
    return ((fact_cb)wk->cb)(wk->ctx, sqlite3_column_int64(st, 0), &r);
}

int wd_store_facts(wd_store *s, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_fact_rec *r), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap, "SELECT id, key, value, source FROM fact WHERE snapshot_id = ?1 "
                              "ORDER BY id", fact_row, &w);
}

static int note_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    wd_note_rec r = {.source = text(st, 1), .location = text(st, 2), .reason = text(st, 3)};
    const walk *wk = w;
    return ((note_cb)wk->cb)(wk->ctx, sqlite3_column_int64(st, 0), &r);
}

int wd_store_notes(wd_store *s, int64_t snap,
                   int (*cb)(void *ctx, int64_t row_id, const wd_note_rec *r), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap, "SELECT id, source, location, reason FROM collection_note "
                              "WHERE snapshot_id = ?1 ORDER BY id", note_row, &w);
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
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap, "SELECT id, path, kind, records, kept, errors FROM source "
                              "WHERE snapshot_id = ?1 ORDER BY id", source_row, &w);
}

static int finding_row(wd_store *s, sqlite3_stmt *st, const void *w)
{
    (void)s;
    wd_finding_rec r = {
        .rule = text(st, 1),
        .severity = text(st, 2),
        .title = text(st, 3),
        .explanation = text(st, 4),
        .fixes = text(st, 5),
        .evidence = text(st, 6),
    };
    const walk *wk = w;
    return ((finding_cb)wk->cb)(wk->ctx, sqlite3_column_int64(st, 0), &r);
}

int wd_store_findings(wd_store *s, int64_t snap,
                      int (*cb)(void *ctx, int64_t row_id, const wd_finding_rec *r), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    return walk_rows(s, snap, "SELECT id, rule, severity, title, explanation, fixes, evidence "
                              "FROM finding WHERE snapshot_id = ?1 ORDER BY id", finding_row, &w);
}
