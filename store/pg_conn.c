/* pg_conn.c - reaching a PostgreSQL fleet database: telling a URL or libpq
 * conninfo from a file name, keeping passwords out of every message, the
 * connection, the fleet schema (created and migrated by wudiag under an
 * advisory lock) and the two ways every other pg_*.c file runs SQL: a
 * statement, or a cursor whose rows go to a callback in batches. */
#include "internal.h"
#include "pg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- names */

static int has_prefix(const char *s, const char *p)
{
    return wd_strncaseeq(s, p, strlen(p));
}

int wd_store_is_url(const char *name)
{
    const char *p = name;
    if (!name)
        return 0;
    if (has_prefix(name, "postgresql://") || has_prefix(name, "postgres://"))
        return 1;
    /* conninfo: "keyword = value ..." with a keyword libpq knows */
    while (isspace((unsigned char)*p))
        p++;
    const char *k = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    if (p == k)
        return 0;
    size_t n = (size_t)(p - k);
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '=')
        return 0;
    static const char *const words[] = {"host", "hostaddr", "port", "dbname", "user",
                                        "password", "passfile", "service", "sslmode",
                                        "application_name", "connect_timeout", "options"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == n && wd_strncaseeq(k, words[i], n))
            return 1;
    return 0;
}

/* Appends the rest of a conninfo value at p (quoted or not) as "***";
 * returns where it ends. */
static const char *skip_value(const char *p)
{
    if (*p == '\'') {
        for (p++; *p && *p != '\''; p++)
            if (*p == '\\' && p[1])
                p++;
        return *p ? p + 1 : p;
    }
    while (*p && !isspace((unsigned char)*p))
        p++;
    return p;
}

/* password=... anywhere in text (conninfo, or a URL's query) -> "***". */
static void redact_keyword(const char *text, wd_buf *out)
{
    const char *p = text;
    while (*p) {
        const char *hit = NULL;
        for (const char *q = p; *q; q++)
            if (wd_strncaseeq(q, "password", 8) &&
                (q == text || !isalnum((unsigned char)q[-1]))) {
                const char *e = q + 8;
                while (*e == ' ' || *e == '\t')
                    e++;
                if (*e == '=') {
                    hit = q;
                    break;
                }
            }
        if (!hit) {
            wd_buf_puts(out, p);
            return;
        }
        const char *eq = strchr(hit, '=') + 1;
        wd_buf_append(out, p, (size_t)(eq - p));
        while (*eq == ' ' || *eq == '\t')
            eq++;
        wd_buf_puts(out, "***");
        /* in a URL query the value ends at & or # */
        p = eq;
        if (*p == '\'')
            p = skip_value(p);
        else
            while (*p && !isspace((unsigned char)*p) && *p != '&' && *p != '#')
                p++;
    }
}

void wd_store_redact_url(const char *name, wd_buf *out)
{
    const char *scheme = name ? strstr(name, "://") : NULL;
    if (!name)
        return;
    if (scheme) {
        /* scheme://user:password@host -> scheme://user:***@host */
        const char *auth = scheme + 3;
        const char *end = auth + strcspn(auth, "/?#");
        const char *at = NULL;
        for (const char *q = auth; q < end; q++)
            if (*q == '@')
                at = q;
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            wd_buf_append(out, name, (size_t)(colon + 1 - name));
            wd_buf_puts(out, "***");
            redact_keyword(at, out);
            return;
        }
    }
    redact_keyword(name, out);
}

#ifdef WD_HAVE_PG

#include <libpq-fe.h>

struct wd_pg {
    PGconn *conn;
    char *shown;      /* the redacted name, for messages */
    int version;      /* the fleet schema's */
    int in_read;      /* the read transaction is open */
    unsigned cursors; /* cursor names handed out */
};

/* ------------------------------------------------------------- errors */

/* The first line of libpq's message (the rest is context and hints). */
static int pg_error(wd_pg *pg, int code, const char *doing, const PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = pg && pg->conn ? PQerrorMessage(pg->conn) : "no connection";
    size_t n = strcspn(msg, "\n");
    if (strncmp(msg, "ERROR:  ", 8) == 0 || strncmp(msg, "FATAL:  ", 8) == 0)
        msg += 8, n -= 8;
    return wd_error_set(code, "%s %s: %.*s", doing, pg ? pg->shown : "the fleet database",
                        (int)n, msg);
}

/* WD_EBUSY for a lost connection (the next push retries), else WD_ERROR. */
static int lost_or_error(wd_pg *pg)
{
    return PQstatus(pg->conn) == CONNECTION_OK ? WD_ERROR : WD_EIO;
}

/* ------------------------------------------------------------- running */

int wd_pg_exec(wd_pg *pg, const char *sql, int nparams, const char *const *params,
               int64_t *changed)
{
    PGresult *res = PQexecParams(pg->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    int rc = WD_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = pg_error(pg, lost_or_error(pg), "writing", res);
    else if (changed) {
        const char *n = PQcmdTuples(res);
        *changed = 0;
        if (n && *n)
            wd_parse_i64(n, changed);
    }
    PQclear(res);
    return rc;
}

/* Hands the rows of one fetched batch to fn. */
static int hand_rows(PGresult *res, wd_pg_row_fn fn, void *ctx, int64_t *rows)
{
    int ncols = PQnfields(res), rc = WD_OK;
    const char *col[64];
    if (ncols > 64)
        return wd_error_set(WD_EUSAGE, "wd_pg_walk: too many columns");
    for (int r = 0; rc == WD_OK && r < PQntuples(res); r++) {
        for (int c = 0; c < ncols; c++)
            col[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
        if (rows)
            (*rows)++;
        if (fn)
            rc = fn(ctx, col, ncols);
    }
    return rc;
}

#define FETCH_ROWS 2000

int wd_pg_walk(wd_pg *pg, const char *sql, int nparams, const char *const *params,
               wd_pg_row_fn fn, void *ctx, int64_t *rows)
{
    char name[32], cmd[64];
    wd_buf decl = WD_BUF_INIT;
    int own = !pg->in_read, rc = WD_OK, n = FETCH_ROWS;
    if (own && (rc = wd_pg_exec(pg, "BEGIN READ ONLY", 0, NULL, NULL)) != WD_OK)
        return rc;
    snprintf(name, sizeof name, "wd_c%u", ++pg->cursors);
    wd_buf_printf(&decl, "DECLARE %s NO SCROLL CURSOR FOR %s", name, sql);
    rc = wd_buf_ok(&decl) ? wd_pg_exec(pg, wd_buf_cstr(&decl), nparams, params, NULL)
                          : wd_error_set(WD_ENOMEM, "out of memory");
    wd_buf_free(&decl);
    snprintf(cmd, sizeof cmd, "FETCH %d FROM %s", FETCH_ROWS, name);
    while (rc == WD_OK && n == FETCH_ROWS) {
        PGresult *res = PQexec(pg->conn, cmd);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            rc = pg_error(pg, lost_or_error(pg), "reading", res);
        else {
            n = PQntuples(res);
            rc = hand_rows(res, fn, ctx, rows);
        }
        PQclear(res);
    }
    int ok = rc == WD_OK || PQtransactionStatus(pg->conn) == PQTRANS_INTRANS;
    snprintf(cmd, sizeof cmd, "CLOSE %s", name);
    if (ok)
        PQclear(PQexec(pg->conn, cmd));
    if (own)
        PQclear(PQexec(pg->conn, ok ? "COMMIT" : "ROLLBACK"));
    else if (!ok && PQtransactionStatus(pg->conn) == PQTRANS_INERROR) {
        /* an error ended the read transaction: start another */
        PQclear(PQexec(pg->conn, "ROLLBACK"));
        pg->in_read = 0;
        wd_pg_begin_read(pg);
    }
    return rc;
}

int wd_pg_begin_read(wd_pg *pg)
{
    int rc = wd_pg_exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, NULL);
    pg->in_read = rc == WD_OK;
    return rc;
}

int wd_pg_version(const wd_pg *pg)
{
    return pg->version;
}

/* -------------------------------------------------------------- schema */

/* Version 1 of the fleet schema: the tables of a history file (schema 5),
 * each snapshot's rows keyed by (snapshot_id, id) with the ids of the file
 * they came from; every text byte-ordered (COLLATE "C") as in SQLite. A
 * snapshot carries how many of its updates are installed (ok, resolved,
 * superseded) and failing, counted by push, for the weekly trend. */
static const char fleet_v1[] =
    "CREATE TABLE machine ("
    " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " name text COLLATE \"C\" NOT NULL,"
    " latest_snapshot_id bigint);"
    "CREATE UNIQUE INDEX machine_by_name ON machine (lower(name));"
    "CREATE TABLE snapshot ("
    " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " uid text COLLATE \"C\" NOT NULL UNIQUE,"
    " machine_id bigint NOT NULL REFERENCES machine(id),"
    " local_id bigint NOT NULL,"
    " collected_at text COLLATE \"C\" NOT NULL, evidence_time text COLLATE \"C\","
    " command_line text, evidence text, wudiag_version text NOT NULL,"
    " verdict text COLLATE \"C\", events bigint NOT NULL, failures bigint NOT NULL,"
    " findings bigint NOT NULL, activities bigint NOT NULL, machine_from text,"
    " updates_ok bigint NOT NULL DEFAULT 0, updates_failing bigint NOT NULL DEFAULT 0,"
    " pushed_at timestamptz NOT NULL DEFAULT now());"
    /* a machine's snapshots in time order with what the weekly trend counts:
     * that query reads the index alone */
    "CREATE INDEX snapshot_by_machine ON snapshot (machine_id, collected_at, id)"
    " INCLUDE (verdict, updates_ok, updates_failing);"
    "CREATE INDEX snapshot_by_time ON snapshot (collected_at, id);"
#define ROWS_OF " snapshot_id bigint NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "CREATE TABLE service_state (" ROWS_OF " id bigint NOT NULL,"
    " name text COLLATE \"C\" NOT NULL, display_name text, state text COLLATE \"C\","
    " start_type text COLLATE \"C\", pid bigint NOT NULL, exit_code bigint NOT NULL,"
    " service_exit_code bigint NOT NULL, source text, PRIMARY KEY (snapshot_id, id));"
    "CREATE TABLE event (" ROWS_OF " id bigint NOT NULL,"
    " computer text COLLATE \"C\" NOT NULL, channel text COLLATE \"C\" NOT NULL,"
    " record_id bigint NOT NULL, time text COLLATE \"C\" NOT NULL, provider text,"
    " event_id bigint NOT NULL, level integer NOT NULL, source text,"
    " PRIMARY KEY (snapshot_id, id));"
    "CREATE TABLE event_field (" ROWS_OF " event_id bigint NOT NULL, seq integer NOT NULL,"
    " name text NOT NULL, value text, PRIMARY KEY (snapshot_id, event_id, seq));"
    "CREATE TABLE activity (" ROWS_OF " id bigint NOT NULL,"
    " operation text COLLATE \"C\" NOT NULL, outcome text COLLATE \"C\" NOT NULL,"
    " code bigint, has_code integer NOT NULL, time text COLLATE \"C\","
    " update_id text COLLATE \"C\", kb text COLLATE \"C\", title text COLLATE \"C\","
    " product text COLLATE \"C\" NOT NULL, package text, service text, target text,"
    " session text, count bigint NOT NULL, component text, detail text,"
    " computer text COLLATE \"C\", loc_kind text, source text, line bigint, channel text,"
    " record_id bigint, event_id bigint, subject text COLLATE \"C\","
    " repeats bigint NOT NULL, last_time text COLLATE \"C\", event_row bigint, ident bigint,"
    " nth bigint NOT NULL, PRIMARY KEY (snapshot_id, id));"
    "CREATE TABLE fact (" ROWS_OF " id bigint NOT NULL, key text COLLATE \"C\" NOT NULL,"
    " value text, source text, time text COLLATE \"C\", PRIMARY KEY (snapshot_id, id));"
    "CREATE TABLE collection_note (" ROWS_OF " id bigint NOT NULL, source text,"
    " location text, reason text, kind text NOT NULL, PRIMARY KEY (snapshot_id, id));"
    "CREATE TABLE source (" ROWS_OF " id bigint NOT NULL, path text NOT NULL, kind text,"
    " records bigint NOT NULL, kept bigint NOT NULL, errors bigint NOT NULL,"
    " PRIMARY KEY (snapshot_id, id));"
    "CREATE TABLE finding (" ROWS_OF " id bigint NOT NULL,"
    " rule text COLLATE \"C\" NOT NULL, severity text COLLATE \"C\", title text,"
    " explanation text, fixes text, cause text, known_issue text,"
    " state text COLLATE \"C\", first_fix text COLLATE \"C\","
    " PRIMARY KEY (snapshot_id, id));"
    "CREATE TABLE finding_evidence (" ROWS_OF " finding_id bigint NOT NULL,"
    " seq integer NOT NULL, kind text NOT NULL CHECK (kind IN ('activity', 'event',"
    " 'service', 'fact', 'note', 'source')), row_id bigint NOT NULL,"
    " PRIMARY KEY (snapshot_id, finding_id, seq));"
    "CREATE TABLE update_state (" ROWS_OF " id bigint NOT NULL,"
    " key text COLLATE \"C\" NOT NULL, kb text COLLATE \"C\", title text COLLATE \"C\","
    " product text, state text COLLATE \"C\" NOT NULL, code bigint,"
    " failures bigint NOT NULL, successes bigint NOT NULL,"
    " first_failure text COLLATE \"C\", last_failure text COLLATE \"C\","
    " last_success text COLLATE \"C\", PRIMARY KEY (snapshot_id, id));"
#undef ROWS_OF
    "INSERT INTO meta(key, value) VALUES ('schema', '1');";

/* One step per fleet schema version; a later wudiag appends, never edits. */
static const char *const fleet_migrations[WD_PG_SCHEMA] = {fleet_v1};

/* The schema version in wudiag.meta; 0 when there is none. */
static int read_version(wd_pg *pg, int *version)
{
    PGresult *res = PQexec(pg->conn, "SELECT to_regclass('" WD_PG_NAMESPACE ".meta') IS NULL");
    int rc = WD_OK;
    int64_t v = 0;
    *version = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = pg_error(pg, WD_EIO, "reading", res);
    } else if (strcmp(PQgetvalue(res, 0, 0), "f") == 0) {
        PQclear(res);
        res = PQexec(pg->conn, "SELECT value FROM meta WHERE key = 'schema'");
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            rc = pg_error(pg, WD_EIO, "reading", res);
        else if (PQntuples(res) == 1 && wd_parse_i64(PQgetvalue(res, 0, 0), &v) == WD_OK)
            *version = (int)v;
        else if (PQntuples(res) != 0)
            rc = wd_error_set(WD_EFORMAT, "%s has a wudiag schema without a version; it was "
                              "left as it is", pg->shown);
    }
    PQclear(res);
    return rc;
}

static int check_version(wd_pg *pg, int version)
{
    if (version > WD_PG_SCHEMA)
        return wd_error_set(WD_ENEWER, "%s was written by a newer wudiag (fleet schema %d, "
                            "this one reads up to %d)", pg->shown, version, WD_PG_SCHEMA);
    return WD_OK;
}

/* libpq prints the server's notices to stderr unless told otherwise. */
static void quiet(void *arg, const char *message)
{
    (void)arg, (void)message;
}

/* Creates or migrates the schema in one transaction, serialised with any
 * other wudiag doing the same by an advisory lock ("WUDG"). */
static int migrate(wd_pg *pg)
{
    int version = 0;
    int rc = wd_pg_exec(pg, "BEGIN", 0, NULL, NULL);
    if (!rc)
        rc = wd_pg_exec(pg, "SELECT pg_advisory_xact_lock(1465205831)", 0, NULL, NULL);
    if (!rc)
        rc = wd_pg_exec(pg, "CREATE SCHEMA IF NOT EXISTS " WD_PG_NAMESPACE, 0, NULL, NULL);
    if (!rc)
        rc = wd_pg_exec(pg, "CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY,"
                            " value text NOT NULL)", 0, NULL, NULL);
    if (!rc)
        rc = read_version(pg, &version);
    if (!rc)
        rc = check_version(pg, version);
    for (int v = version; !rc && v < WD_PG_SCHEMA; v++) {
        PGresult *res = PQexec(pg->conn, fleet_migrations[v]);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = pg_error(pg, WD_ERROR, "creating the fleet schema in", res);
        PQclear(res);
        if (!rc && v + 1 > 1) {
            char sql[96];
            snprintf(sql, sizeof sql, "UPDATE meta SET value = '%d' WHERE key = 'schema'", v + 1);
            rc = wd_pg_exec(pg, sql, 0, NULL, NULL);
        }
    }
    PQclear(PQexec(pg->conn, rc ? "ROLLBACK" : "COMMIT"));
    if (!rc)
        pg->version = WD_PG_SCHEMA;
    return rc;
}

/* ---------------------------------------------------------- connecting */

int wd_pg_connect(const char *url, const char *shown, int create, wd_pg **out)
{
    /* later keywords override earlier ones; dbname is expanded */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                          NULL};
    const char *vals[] = {"15", "wudiag", url, "UTF8", NULL};
    wd_pg *pg = calloc(1, sizeof *pg);
    int rc = WD_OK, version = 0;
    *out = NULL;
    if (!pg || !(pg->shown = wd_strdup(shown))) {
        free(pg);
        return wd_error_set(WD_ENOMEM, "out of memory");
    }
    pg->conn = PQconnectdbParams(keys, vals, 1);
    if (!pg->conn)
        rc = wd_error_set(WD_ENOMEM, "out of memory connecting to %s", shown);
    else if (PQstatus(pg->conn) != CONNECTION_OK)
        rc = pg_error(pg, WD_EIO, "cannot connect to", NULL);
    if (!rc)
        rc = wd_pg_exec(pg, "SELECT pg_catalog.set_config('search_path', '" WD_PG_NAMESPACE
                            "', false), pg_catalog.set_config('TimeZone', 'UTC', false)",
                        0, NULL, NULL);
    if (!rc)
        PQsetNoticeProcessor(pg->conn, quiet, NULL);
    if (!rc && create) {
        /* the lock and the DDL only when the schema is not current */
        rc = read_version(pg, &version);
        if (!rc && version != WD_PG_SCHEMA)
            rc = migrate(pg);
        else if (!rc)
            pg->version = version;
    }
    else if (!rc) {
        rc = read_version(pg, &version);
        if (!rc && version == 0)
            rc = wd_error_set(WD_ENOTFOUND, "no wudiag fleet in %s yet (wudiag push creates "
                              "it)", shown);
        if (!rc)
            rc = check_version(pg, version);
        pg->version = version;
    }
    if (rc) {
        wd_pg_close(pg);
        return rc;
    }
    *out = pg;
    return WD_OK;
}

void wd_pg_close(wd_pg *pg)
{
    if (!pg)
        return;
    if (pg->conn)
        PQfinish(pg->conn);
    free(pg->shown);
    free(pg);
}

/* The connection, for pg_push.c (COPY). */
void *wd_pg__conn(wd_pg *pg);
void *wd_pg__conn(wd_pg *pg)
{
    return pg->conn;
}

#else /* !WD_HAVE_PG */

int wd_pg_connect(const char *url, const char *shown, int create, wd_pg **out)
{
    (void)url, (void)create;
    *out = NULL;
    return wd_error_set(WD_EUSAGE, "cannot reach %s: this wudiag was built without "
                        "PostgreSQL support (merge history files with wudiag merge instead)",
                        shown);
}

void wd_pg_close(wd_pg *pg)
{
    (void)pg;
}

int wd_pg_version(const wd_pg *pg)
{
    (void)pg;
    return 0;
}

int wd_pg_walk(wd_pg *pg, const char *sql, int nparams, const char *const *params,
               wd_pg_row_fn fn, void *ctx, int64_t *rows)
{
    (void)pg, (void)sql, (void)nparams, (void)params, (void)fn, (void)ctx, (void)rows;
    return wd_error_set(WD_EUSAGE, "built without PostgreSQL support");
}

int wd_pg_exec(wd_pg *pg, const char *sql, int nparams, const char *const *params,
               int64_t *changed)
{
    (void)pg, (void)sql, (void)nparams, (void)params, (void)changed;
    return wd_error_set(WD_EUSAGE, "built without PostgreSQL support");
}

int wd_pg_begin_read(wd_pg *pg)
{
    (void)pg;
    return wd_error_set(WD_EUSAGE, "built without PostgreSQL support");
}

#endif
