/* pg_push.c - `wudiag push`: copies snapshots of a history file into a
 * PostgreSQL fleet database. Snapshots go in batches, one transaction each:
 * their snapshot rows first (ON CONFLICT on the uid: one the fleet holds is
 * skipped, so pushing again adds nothing), then every table's rows of the
 * new ones in one COPY per table, keeping the ids of the file. A batch that
 * fails is tried again one snapshot per transaction, so a bad snapshot only
 * keeps itself back; a lost connection stops the push, and what did not
 * land goes with the next one. Nothing is written to the history file. */
#include "internal.h"
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void (*wd_pg__push_hook)(const char *step, const char *uid);

#ifdef WD_HAVE_PG

#include <libpq-fe.h>

void *wd_pg__conn(wd_pg *pg);

#define BATCH WD_PG_BATCH
#define CHUNK (256 * 1024) /* COPY data sent at a time */

/* A local snapshot waiting to be pushed. */
typedef struct pending {
    int64_t local;   /* its id in the file */
    int64_t remote;  /* its id in the fleet once inserted; 0: not (yet) */
    char *uid, *machine;
} pending;

typedef struct push {
    wd_store *s;
    wd_pg *pg;
    PGconn *conn;
    wd_push_stats *stats;
    wd_buf copy;  /* COPY data being gathered */
    wd_buf text;  /* scratch: one value made valid UTF-8 */
    const char *shown; /* the fleet database, password redacted */
    char *machine_name; /* the machine looked up last, and its id */
    char machine_id[24];
    int lost;     /* the connection is gone */
} push;

/* ---------------------------------------------------------- text values */

/* Appends n bytes of text as PostgreSQL accepts it: invalid UTF-8 becomes
 * U+FFFD (a history file may hold any bytes a log had); with copy, also
 * escaped for COPY's text format. */
static void put_text(wd_buf *b, const unsigned char *p, size_t n, int copy)
{
    size_t i = 0, start = 0;
    while (i < n) {
        unsigned char c = p[i];
        uint32_t cp;
        size_t len = wd_utf8_decode(p + i, n - i, &cp);
        const char *esc = NULL;
        if (copy && c == '\\')
            esc = "\\\\";
        else if (copy && c == '\t')
            esc = "\\t";
        else if (copy && c == '\n')
            esc = "\\n";
        else if (copy && c == '\r')
            esc = "\\r";
        else if (cp == WD_UTF_INVALID)
            esc = "\xEF\xBF\xBD"; /* U+FFFD, as for every reader */
        if (esc) {
            wd_buf_append(b, (const char *)p + start, i - start);
            wd_buf_puts(b, esc);
            i += len;
            start = i;
        } else {
            i += len;
        }
    }
    wd_buf_append(b, (const char *)p + start, n - start);
}

/* A value as a NUL-terminated parameter (valid UTF-8), or NULL. */
static const char *param_text(wd_buf *b, const char *s)
{
    if (!s)
        return NULL;
    wd_buf_reset(b);
    put_text(b, (const unsigned char *)s, strlen(s), 0);
    return wd_buf_cstr(b);
}

/* ------------------------------------------------------------- batches */

/* The snapshot columns sent with each INSERT, in order. */
#define SNAP_COLS 16
static const char snap_select[] =
    "SELECT s.id, s.uid, coalesce(m.name, 'unknown'), s.collected_at, s.evidence_time,"
    " s.command_line, s.evidence, s.wudiag_version, s.verdict, s.events, s.failures,"
    " s.findings, s.activities, s.machine_from,"
    " (SELECT count(*) FROM update_state u WHERE u.snapshot_id = s.id"
    " AND u.state IN ('ok', 'resolved', 'superseded')),"
    " (SELECT count(*) FROM update_state u WHERE u.snapshot_id = s.id"
    " AND u.state = 'failing') FROM snapshot s"
    " LEFT JOIN machine m ON m.id = s.machine_id WHERE s.id = ?1";

static void free_pending(pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].uid);
        free(p[i].machine);
        p[i].uid = p[i].machine = NULL;
    }
}

static int local_error(push *p, int r)
{
    return wd_store__error(p->s, r, "reading");
}

/* The fleet's id of a machine (made when new), remembered for the push.
 * Two statements: the SELECT must see a row another pusher committed while
 * the INSERT waited. */
static int machine_id(push *p, const char *name, char id[24])
{
    if (p->machine_name && !strcmp(p->machine_name, name)) {
        snprintf(id, 24, "%s", p->machine_id);
        return WD_OK;
    }
    const char *params[] = {param_text(&p->text, name)};
    PGresult *res;
    int rc = wd_pg_exec(p->pg, "INSERT INTO machine(name) VALUES ($1::text)"
                               " ON CONFLICT ((lower(name))) DO NOTHING", 1, params, NULL);
    if (rc)
        return rc;
    res = PQexecParams(p->conn, "SELECT id FROM machine WHERE lower(name) = lower($1::text)", 1,
                       NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        snprintf(id, 24, "%s", PQgetvalue(res, 0, 0));
        free(p->machine_name);
        p->machine_name = wd_strdup(name);
        snprintf(p->machine_id, sizeof p->machine_id, "%s", id);
    } else {
        rc = wd_error_set(WD_EIO, "pushing to %s: %s", p->shown,
                          PQstatus(p->conn) == CONNECTION_OK ? "no machine row"
                                                              : "the connection was lost");
    }
    PQclear(res);
    return rc;
}

/* The batch's snapshot rows' parameters, SNAP_COLS per snapshot, their
 * text kept in vals (one buffer per value). */
static int snapshot_params(push *p, sqlite3_stmt *sel, const pending *batch, size_t n,
                           wd_buf *vals, const char **params)
{
    int rc = WD_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        char mid[24] = "";
        sqlite3_bind_int64(sel, 1, batch[i].local);
        int r = sqlite3_step(sel);
        if (r != SQLITE_ROW) {
            sqlite3_reset(sel);
            return local_error(p, r == SQLITE_DONE ? SQLITE_CORRUPT : r);
        }
        rc = machine_id(p, (const char *)sqlite3_column_text(sel, 2), mid);
        for (int c = 0; c < SNAP_COLS; c++) {
            wd_buf *v = &vals[i * SNAP_COLS + (size_t)c];
            const char *t = c == 2 ? mid : (const char *)sqlite3_column_text(sel, c);
            params[i * SNAP_COLS + (size_t)c] = param_text(v, t);
        }
        sqlite3_reset(sel);
    }
    return rc;
}

/* "INSERT INTO snapshot ... VALUES (...), (...) ... RETURNING id, uid". */
static void insert_sql(wd_buf *sql, size_t n)
{
    static const char *const casts[SNAP_COLS] = {"::bigint", "", "::bigint", "", "", "", "",
                                                 "", "", "::bigint", "::bigint", "::bigint",
                                                 "::bigint", "", "::bigint", "::bigint"};
    wd_buf_puts(sql, "INSERT INTO snapshot(local_id, uid, machine_id, collected_at,"
                     " evidence_time, command_line, evidence, wudiag_version, verdict, events,"
                     " failures, findings, activities, machine_from, updates_ok,"
                     " updates_failing) VALUES ");
    for (size_t i = 0; i < n; i++) {
        wd_buf_puts(sql, i ? ", (" : "(");
        for (int c = 0; c < SNAP_COLS; c++)
            wd_buf_printf(sql, "%s$%zu%s", c ? ", " : "", i * SNAP_COLS + (size_t)c + 1,
                          casts[c]);
        wd_buf_putc(sql, ')');
    }
    wd_buf_puts(sql, " ON CONFLICT (uid) DO NOTHING RETURNING id, uid");
}

/* Inserts the batch's snapshot rows in one statement; sets remote on those
 * the fleet did not have. *added counts them. */
static int insert_snapshots(push *p, sqlite3_stmt *sel, pending *batch, size_t n,
                            size_t *added)
{
    wd_buf *vals = calloc(n * SNAP_COLS, sizeof *vals), sql = WD_BUF_INIT;
    const char **params = calloc(n * SNAP_COLS, sizeof *params);
    PGresult *res = NULL;
    int rc = vals && params ? snapshot_params(p, sel, batch, n, vals, params)
                            : wd_error_set(WD_ENOMEM, "out of memory pushing");
    *added = 0;
    if (!rc) {
        insert_sql(&sql, n);
        rc = wd_buf_ok(&sql) ? WD_OK : wd_error_set(WD_ENOMEM, "out of memory pushing");
    }
    if (!rc) {
        res = PQexecParams(p->conn, wd_buf_cstr(&sql), (int)(n * SNAP_COLS), NULL, params,
                           NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            rc = wd_error_set(PQstatus(p->conn) == CONNECTION_OK ? WD_ERROR : WD_EIO,
                              "pushing snapshots to %s: %.*s", p->shown,
                              (int)strcspn(PQresultErrorMessage(res), "\n"),
                              PQresultErrorMessage(res));
    }
    for (int r = 0; !rc && r < PQntuples(res); r++) {
        const char *uid = PQgetvalue(res, r, 1);
        for (size_t i = 0; i < n; i++)
            if (!batch[i].remote && batch[i].uid && !strcmp(batch[i].uid, uid)) {
                wd_parse_i64(PQgetvalue(res, r, 0), &batch[i].remote);
                (*added)++;
                break;
            }
    }
    PQclear(res);
    for (size_t i = 0; vals && i < n * SNAP_COLS; i++)
        wd_buf_free(&vals[i]);
    free(vals);
    free(params);
    wd_buf_free(&sql);
    return rc;
}

/* ---------------------------------------------------------------- COPY */

/* One table: the local SELECT of a snapshot's rows (?1) with its columns in
 * the order of the COPY, the column snap_col holding the local snapshot id
 * (sent as the fleet's). */
typedef struct table {
    const char *name;
    const char *select;
    const char *copy;
    int snap_col;
} table;

static const table tables[] = {
    {"service_state",
     "SELECT id, snapshot_id, name, display_name, state, start_type, pid, exit_code,"
     " service_exit_code, source FROM service_state WHERE snapshot_id = ?1",
     "COPY service_state (id, snapshot_id, name, display_name, state, start_type, pid,"
     " exit_code, service_exit_code, source) FROM STDIN", 1},
    {"event",
     "SELECT se.snapshot_id, e.id, e.computer, e.channel, e.record_id, e.time, e.provider,"
     " e.event_id, e.level, se.source FROM snapshot_event se JOIN event e ON e.id = se.event_id"
     " WHERE se.snapshot_id = ?1",
     "COPY event (snapshot_id, id, computer, channel, record_id, time, provider, event_id,"
     " level, source) FROM STDIN", 0},
    {"event_field",
     "SELECT se.snapshot_id, f.event_id, f.seq, f.name, f.value FROM snapshot_event se"
     " JOIN event_field f ON f.event_id = se.event_id WHERE se.snapshot_id = ?1",
     "COPY event_field (snapshot_id, event_id, seq, name, value) FROM STDIN", 0},
    {"activity", "SELECT " WD_ACTIVITY_COLUMNS " FROM activity WHERE snapshot_id = ?1",
     "COPY activity (" WD_ACTIVITY_COLUMNS ") FROM STDIN", 1},
    {"fact", "SELECT id, snapshot_id, key, value, source, time FROM fact WHERE snapshot_id = ?1",
     "COPY fact (id, snapshot_id, key, value, source, time) FROM STDIN", 1},
    {"collection_note",
     "SELECT id, snapshot_id, source, location, reason, kind FROM collection_note"
     " WHERE snapshot_id = ?1",
     "COPY collection_note (id, snapshot_id, source, location, reason, kind) FROM STDIN", 1},
    {"source",
     "SELECT id, snapshot_id, path, kind, records, kept, errors FROM source"
     " WHERE snapshot_id = ?1",
     "COPY source (id, snapshot_id, path, kind, records, kept, errors) FROM STDIN", 1},
    {"finding",
     "SELECT id, snapshot_id, rule, severity, title, explanation, fixes, cause, known_issue,"
     " state, first_fix FROM finding WHERE snapshot_id = ?1",
     "COPY finding (id, snapshot_id, rule, severity, title, explanation, fixes, cause,"
     " known_issue, state, first_fix) FROM STDIN", 1},
    {"finding_evidence",
     "SELECT f.snapshot_id, fe.finding_id, fe.seq, fe.kind, fe.row_id FROM finding f"
     " JOIN finding_evidence fe ON fe.finding_id = f.id WHERE f.snapshot_id = ?1",
     "COPY finding_evidence (snapshot_id, finding_id, seq, kind, row_id) FROM STDIN", 0},
    {"update_state",
     "SELECT id, snapshot_id, key, kb, title, product, state, code, failures, successes,"
     " first_failure, last_failure, last_success FROM update_state WHERE snapshot_id = ?1",
     "COPY update_state (id, snapshot_id, key, kb, title, product, state, code, failures,"
     " successes, first_failure, last_failure, last_success) FROM STDIN", 1},
};

#define NTABLES (sizeof tables / sizeof *tables)

/* Sends what p->copy holds. */
static int flush(push *p)
{
    if (p->copy.len && PQputCopyData(p->conn, p->copy.data, (int)p->copy.len) != 1)
        return WD_EIO;
    wd_buf_reset(&p->copy);
    return WD_OK;
}

/* Appends one snapshot's rows of table t as COPY lines. */
static int copy_rows(push *p, sqlite3_stmt *st, const pending *q, int snap_col)
{
    char remote[24];
    int r, rc = WD_OK;
    snprintf(remote, sizeof remote, "%lld", (long long)q->remote);
    sqlite3_bind_int64(st, 1, q->local);
    while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        for (int i = 0; i < n; i++) {
            if (i)
                wd_buf_putc(&p->copy, '\t');
            if (i == snap_col)
                wd_buf_puts(&p->copy, remote);
            else if (sqlite3_column_type(st, i) == SQLITE_NULL)
                wd_buf_puts(&p->copy, "\\N");
            else
                put_text(&p->copy, sqlite3_column_text(st, i),
                         (size_t)sqlite3_column_bytes(st, i), 1);
        }
        wd_buf_putc(&p->copy, '\n');
        p->stats->rows++;
        if (!wd_buf_ok(&p->copy))
            rc = wd_error_set(WD_ENOMEM, "out of memory pushing");
        else if (p->copy.len >= CHUNK)
            rc = flush(p);
    }
    if (!rc && r != SQLITE_DONE)
        rc = local_error(p, r);
    sqlite3_reset(st);
    return rc;
}

/* The result of a finished COPY (or of the error that ended it). */
static int copy_result(push *p, const char *name, int rc)
{
    PGresult *res;
    if (PQputCopyEnd(p->conn, rc ? "wudiag stopped the copy" : NULL) != 1 && !rc)
        rc = WD_EIO;
    while ((res = PQgetResult(p->conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == WD_OK)
            rc = wd_error_set(PQstatus(p->conn) == CONNECTION_OK ? WD_ERROR : WD_EIO,
                              "pushing %s rows to %s: %.*s", name, p->shown,
                              (int)strcspn(PQresultErrorMessage(res), "\n"),
                              PQresultErrorMessage(res));
        PQclear(res);
    }
    if (rc == WD_EIO && !strstr(wd_error_last(), p->shown))
        wd_error_set(WD_EIO, "pushing to %s: the connection was lost", p->shown);
    return rc;
}

/* One COPY of table t for every inserted snapshot of the batch. */
static int copy_table(push *p, const table *t, pending *batch, size_t n)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(p->s->db, t->select, -1, &st, NULL);
    int rc = r == SQLITE_OK ? WD_OK : local_error(p, r);
    if (rc)
        return rc;
    PGresult *res = PQexec(p->conn, t->copy);
    if (PQresultStatus(res) != PGRES_COPY_IN)
        rc = wd_error_set(PQstatus(p->conn) == CONNECTION_OK ? WD_ERROR : WD_EIO,
                          "pushing to %s: %.*s", p->shown,
                          (int)strcspn(PQresultErrorMessage(res), "\n"),
                          PQresultErrorMessage(res));
    PQclear(res);
    if (rc) {
        sqlite3_finalize(st);
        return rc;
    }
    wd_buf_reset(&p->copy);
    for (size_t i = 0; !rc && i < n; i++)
        if (batch[i].remote)
            rc = copy_rows(p, st, &batch[i], t->snap_col);
    if (!rc)
        rc = flush(p);
    sqlite3_finalize(st);
    return copy_result(p, t->name, rc);
}

/* --------------------------------------------------------- transactions */

static void hook(const char *step, const pending *q)
{
    if (wd_pg__push_hook)
        wd_pg__push_hook(step, q->uid);
}

/* The batch's new snapshot ids as "1,2,3" (parameter of update_latest). */
static int latest_of(push *p, const pending *batch, size_t n)
{
    wd_buf ids = WD_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (batch[i].remote)
            wd_buf_printf(&ids, "%s%lld", ids.len ? "," : "", (long long)batch[i].remote);
    if (!ids.len)
        return WD_OK;
    const char *params[] = {wd_buf_cstr(&ids)};
    int rc = wd_buf_ok(&ids) ? wd_pg_exec(p->pg,
                                          "UPDATE machine m SET latest_snapshot_id = x.id FROM"
                                          " (SELECT DISTINCT ON (s.machine_id) s.machine_id,"
                                          " s.id FROM snapshot s WHERE s.machine_id IN"
                                          " (SELECT machine_id FROM snapshot WHERE id ="
                                          " ANY(string_to_array($1::text, ',')::bigint[]))"
                                          " ORDER BY s.machine_id, s.collected_at DESC,"
                                          " s.id DESC) x WHERE m.id = x.machine_id"
                                          " AND m.latest_snapshot_id IS DISTINCT FROM x.id",
                                          1, params, NULL)
                             : wd_error_set(WD_ENOMEM, "out of memory");
    wd_buf_free(&ids);
    return rc;
}

/* One transaction: the batch's snapshot rows, then its tables. */
static int push_batch(push *p, sqlite3_stmt *sel, pending *batch, size_t n)
{
    int rc = wd_pg_exec(p->pg, "BEGIN", 0, NULL, NULL);
    size_t added = 0;
    if (!rc)
        hook("begin", &batch[0]);
    for (size_t i = 0; i < n; i++)
        batch[i].remote = 0;
    if (!rc)
        rc = insert_snapshots(p, sel, batch, n, &added);
    if (!rc)
        hook("snapshot", &batch[0]);
    for (size_t t = 0; !rc && added && t < NTABLES; t++) {
        rc = copy_table(p, &tables[t], batch, n);
        if (!rc)
            hook(tables[t].name, &batch[0]);
    }
    if (!rc && added)
        rc = latest_of(p, batch, n);
    if (!rc)
        rc = wd_pg_exec(p->pg, "COMMIT", 0, NULL, NULL);
    if (rc) {
        if (PQstatus(p->conn) == CONNECTION_OK)
            PQclear(PQexec(p->conn, "ROLLBACK"));
        else
            p->lost = 1;
        for (size_t i = 0; i < n; i++)
            batch[i].remote = 0;
        /* a machine row made in the rolled-back transaction is gone */
        free(p->machine_name);
        p->machine_name = NULL;
        return rc;
    }
    hook("commit", &batch[0]);
    p->stats->pushed += (int64_t)added;
    p->stats->present += (int64_t)(n - added);
    return WD_OK;
}

/* A batch, and when it fails with the connection alive, its snapshots one
 * transaction each. Returns the first error (the others were tried). */
static int push_pending(push *p, sqlite3_stmt *sel, pending *batch, size_t n)
{
    int64_t rows = p->stats->rows;
    int first, rc = push_batch(p, sel, batch, n);
    if (!rc || p->lost || n == 1) {
        if (rc)
            p->stats->failed += (int64_t)n, p->stats->rows = rows;
        return rc;
    }
    first = rc;
    char *msg = wd_strdup(wd_error_last());
    p->stats->rows = rows;
    for (size_t i = 0; i < n; i++) {
        if (p->lost) {
            p->stats->failed += (int64_t)(n - i);
            break;
        }
        int64_t before = p->stats->rows;
        if (push_batch(p, sel, &batch[i], 1)) {
            p->stats->failed++;
            p->stats->rows = before;
        }
    }
    wd_error_set(first, "%s", msg ? msg : "pushing failed");
    free(msg);
    return first;
}

/* ---------------------------------------------------------------- push */

/* The local snapshots to push, oldest first. */
static int list_local(push *p, int64_t only, pending **out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int r = sqlite3_prepare_v2(p->s->db, "SELECT id, uid FROM snapshot"
                                         " WHERE ?1 = 0 OR id = ?1 ORDER BY collected_at, id",
                               -1, &st, NULL);
    *out = NULL, *n = 0;
    if (r == SQLITE_OK)
        sqlite3_bind_int64(st, 1, only);
    while (r == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        pending *q = wd_array_grow(out, n, &cap, sizeof *q);
        if (!q) {
            r = SQLITE_NOMEM;
            break;
        }
        q->local = sqlite3_column_int64(st, 0);
        q->uid = wd_strdup((const char *)sqlite3_column_text(st, 1));
        r = q->uid ? SQLITE_OK : SQLITE_NOMEM;
    }
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? WD_OK : local_error(p, r);
}

static int run(push *p, int64_t only, void (*progress)(void *, const wd_push_stats *),
               void *ctx)
{
    pending *all = NULL;
    size_t n = 0;
    sqlite3_stmt *sel = NULL;
    int rc = list_local(p, only, &all, &n), first = WD_OK;
    if (!rc && only && n == 0)
        rc = wd_error_set(WD_ENOTFOUND, "no snapshot %lld in %s", (long long)only,
                          p->s->path);
    if (!rc) {
        int r = sqlite3_prepare_v2(p->s->db, snap_select, -1, &sel, NULL);
        rc = r == SQLITE_OK ? WD_OK : local_error(p, r);
    }
    for (size_t i = 0; !rc && i < n && !p->lost; i += BATCH) {
        size_t k = n - i < BATCH ? n - i : BATCH;
        int r = push_pending(p, sel, all + i, k);
        if (r && !first)
            first = r;
        if (progress)
            progress(ctx, p->stats);
    }
    if (!rc && p->lost) {
        int64_t done = p->stats->pushed + p->stats->present + p->stats->failed;
        p->stats->failed += (int64_t)n - done;
    }
    sqlite3_finalize(sel);
    free_pending(all, n);
    free(all);
    return rc ? rc : first;
}

int wd_store_push(wd_store *s, const char *url, int64_t snapshot, wd_push_stats *stats,
                  void (*progress)(void *ctx, const wd_push_stats *st), void *ctx)
{
    wd_push_stats mine;
    wd_buf shown = WD_BUF_INIT;
    push p;
    int rc;
    stats = stats ? stats : &mine;
    memset(stats, 0, sizeof *stats);
    if (!s || !url || !wd_store_is_url(url))
        return wd_error_set(WD_EUSAGE, "wudiag push needs a PostgreSQL URL or conninfo");
    if (s->pg)
        return wd_error_set(WD_EUSAGE, "push copies a history file into a fleet database, "
                            "not %s", s->path);
    memset(&p, 0, sizeof p);
    p.s = s;
    p.stats = stats;
    wd_store_redact_url(url, &shown);
    rc = wd_buf_ok(&shown) ? wd_pg_connect(url, wd_buf_cstr(&shown), 1, &p.pg)
                           : wd_error_set(WD_ENOMEM, "out of memory");
    if (!rc) {
        p.conn = wd_pg__conn(p.pg);
        p.shown = wd_buf_cstr(&shown);
        /* an empty history pushes nothing, but the fleet schema is made */
        rc = s->empty ? WD_OK : run(&p, snapshot, progress, ctx);
    }
    wd_pg_close(p.pg);
    free(p.machine_name);
    wd_buf_free(&p.copy);
    wd_buf_free(&p.text);
    wd_buf_free(&shown);
    return rc;
}

int wd_store_fleet_init(const char *url, int *version)
{
    wd_buf shown = WD_BUF_INIT;
    wd_pg *pg = NULL;
    wd_store_redact_url(url, &shown);
    int rc = wd_pg_connect(url, wd_buf_cstr(&shown), 1, &pg);
    if (!rc && version)
        *version = wd_pg_version(pg);
    wd_pg_close(pg);
    wd_buf_free(&shown);
    return rc;
}

#else /* !WD_HAVE_PG */

int wd_store_push(wd_store *s, const char *url, int64_t snapshot, wd_push_stats *stats,
                  void (*progress)(void *ctx, const wd_push_stats *st), void *ctx)
{
    wd_pg *pg = NULL;
    (void)s, (void)snapshot, (void)progress, (void)ctx;
    if (stats)
        memset(stats, 0, sizeof *stats);
    return wd_pg_connect(url, "the fleet database", 1, &pg);
}

int wd_store_fleet_init(const char *url, int *version)
{
    wd_pg *pg = NULL;
    (void)version;
    return wd_pg_connect(url, "the fleet database", 1, &pg);
}

#endif
