/* merge.c - folding one history database into another (`wudiag merge`): the
 * input is attached read-only and copied with INSERT ... SELECT, its row ids
 * moved past the output's, its events matched to the output's by their
 * unique key and its snapshots recognised by uid, so merging again adds
 * nothing. Inputs of every schema version are read through legacy.c's views. */
#define _GNU_SOURCE
#include "internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Row id offsets: a copied row's id is its id in the input plus the largest
 * id the output had in that table, so it cannot collide with one there. */
typedef struct offsets {
    int64_t snapshot, service, event, activity, fact, note, source, finding, update_state;
} offsets;

/* One input being merged. */
typedef struct merge {
    wd_store *out;
    const char *in_path;
    int version; /* the input's schema (0: empty, nothing to merge) */
    offsets off;
    wd_merge_stats stats;
} merge;

#define NONE ((size_t)-1)

/* ------------------------------------------------------------ the input */

#ifdef _WIN32
/* Windows has no inode numbers: compare the full paths, ignoring case. */
static int same_file(const char *a, const char *b)
{
    char fa[_MAX_PATH], fb[_MAX_PATH];
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    if (!_fullpath(fa, a, sizeof fa) || !_fullpath(fb, b, sizeof fb))
        return 0;
    for (char *p = fa; *p; p++)
        *p = *p == '/' ? '\\' : *p;
    for (char *p = fb; *p; p++)
        *p = *p == '/' ? '\\' : *p;
    return wd_strcaseeq(fa, fb);
}
#else
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}
#endif

/* Refuses in_path as wd_store_open does (or when it is out_path) and gives
 * its schema version. Changes nothing. */
static int check_input(const char *out_path, const char *in_path, int *version)
{
    wd_store *in = NULL;
    int rc;
    if (!out_path || !*out_path || !in_path || !*in_path)
        return wd_error_set(WD_EUSAGE, "wd_store_merge: no database path");
    if (wd_store_is_url(in_path) || wd_store_is_url(out_path))
        return wd_error_set(WD_EUSAGE, "wudiag merge folds history files; a PostgreSQL fleet "
                            "database is filled with wudiag push");
    if (same_file(out_path, in_path))
        return wd_error_set(WD_EUSAGE, "cannot merge %s into itself", in_path);
    rc = wd_store_open(in_path, WD_STORE_READONLY, &in);
    if (!rc)
        *version = in->empty ? 0 : in->version;
    wd_store_close(in);
    return rc;
}

int wd_store_merge_check(const char *out_path, const char *in_path)
{
    int version = 0;
    return check_input(out_path, in_path, &version);
}

/* A SQLite failure while reading the input, with a message naming it. */
static int input_error(merge *m, int r, const char *doing)
{
    wd_store tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.path = (char *)m->in_path;
    tmp.db = m->out->db;
    return wd_store__error(&tmp, r, doing);
}

/* Attaches the input read-only as schema "src" at the given URI query.
 * Returns a SQLite code; detached again on failure. */
static int attach_as(merge *m, const char *query)
{
    wd_buf uri = WD_BUF_INIT;
    sqlite3_stmt *st = NULL;
    int r = wd_store__uri(m->in_path, query, &uri) ? SQLITE_NOMEM : SQLITE_OK;
    if (r == SQLITE_OK)
        r = sqlite3_prepare_v2(m->out->db, "ATTACH DATABASE ?1 AS src", -1, &st, NULL);
    if (r == SQLITE_OK) {
        sqlite3_bind_text(st, 1, wd_buf_cstr(&uri), -1, SQLITE_STATIC);
        r = sqlite3_step(st);
        r = r == SQLITE_DONE ? SQLITE_OK : r;
    }
    sqlite3_finalize(st);
    wd_buf_free(&uri);
    if (r == SQLITE_OK) {
        /* reading the schema opens the file for real */
        r = sqlite3_exec(m->out->db, "SELECT count(*) FROM src.sqlite_schema", NULL, NULL, NULL);
        if (r != SQLITE_OK)
            sqlite3_exec(m->out->db, "DETACH DATABASE src", NULL, NULL, NULL);
    }
    return r;
}

/* Attaches the input; when SQLite cannot share its WAL index (a read-only
 * folder), as immutable, which is what wd_store_open falls back to too. */
static int attach(merge *m)
{
    int r = attach_as(m, "mode=ro");
    if ((r & 0xff) == SQLITE_CANTOPEN || (r & 0xff) == SQLITE_READONLY)
        r = attach_as(m, "mode=ro&immutable=1");
    return r == SQLITE_OK ? WD_OK : input_error(m, r, "opening");
}

/* ------------------------------------------------------------ SQL steps */

/* The input is read through legacy.c's views (prefix m_src_), which give
 * every schema version today's columns: failure rows of an old input come
 * as failed activities, its findings' evidence text as typed references. */
#define TEMP_TABLES                                                                        \
    "DROP TABLE IF EXISTS temp.m_snap; DROP TABLE IF EXISTS temp.m_machine;"              \
    "DROP TABLE IF EXISTS temp.m_event; DROP TABLE IF EXISTS temp.m_off;"                 \
    "CREATE TEMP TABLE m_snap(old INTEGER PRIMARY KEY, new INTEGER NOT NULL,"             \
    " uid TEXT NOT NULL);"                                                                \
    "CREATE TEMP TABLE m_machine(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);"         \
    "CREATE TEMP TABLE m_event(old INTEGER PRIMARY KEY, new INTEGER NOT NULL,"            \
    " added INTEGER NOT NULL);"                                                           \
    "CREATE TEMP TABLE m_off(kind TEXT PRIMARY KEY, off INTEGER NOT NULL);"

#define DROP_TEMP_TABLES                                                                   \
    "DROP TABLE temp.m_snap; DROP TABLE temp.m_machine; DROP TABLE temp.m_event;"         \
    "DROP TABLE temp.m_off;"

/* The input's snapshots the output lacks, into m_snap with their new ids. */
static const char pick[] =
    "INSERT INTO temp.m_snap(old, new, uid) SELECT s.id, s.id + ?1, s.uid"
    " FROM temp.m_src_snapshot s"
    " WHERE NOT EXISTS (SELECT 1 FROM main.snapshot t WHERE t.uid = s.uid)";

/* The rows of the picked snapshots in a table with an id and snapshot_id. */
#define COPY_ROWS(TABLE, FROM, COLS)                                                       \
    "INSERT INTO main." TABLE "(id, snapshot_id, " COLS ") SELECT x.id + ?1, ms.new, " COLS \
    " FROM temp.m_snap ms JOIN " FROM " x ON x.snapshot_id = ms.old"

typedef struct step {
    const char *sql;
    size_t offset; /* offsetof(offsets, ...) bound as ?1, or NONE */
    size_t count;  /* offsetof(wd_merge_stats, ...) that counts the rows, or NONE */
} step;

#define OFF(f) offsetof(offsets, f)
#define STAT(f) offsetof(wd_merge_stats, f)

/* Everything after picking the snapshots, in order. */
static const step steps[] = {
    {"INSERT INTO main.machine(name) SELECT sm.name FROM src.machine sm WHERE sm.id IN"
     " (SELECT s.machine_id FROM temp.m_snap ms JOIN src.snapshot s ON s.id = ms.old)"
     " ORDER BY sm.id ON CONFLICT DO NOTHING", NONE, NONE},
    {"INSERT INTO temp.m_machine(old, new) SELECT sm.id, mm.id FROM src.machine sm"
     " JOIN main.machine mm ON mm.name = sm.name", NONE, NONE},
    {"INSERT INTO main.snapshot(id, machine_id, collected_at, evidence_time, command_line,"
     " evidence, wudiag_version, verdict, events, failures, findings, uid, activities,"
     " machine_from)"
     " SELECT ms.new, mm.new, s.collected_at, s.evidence_time, s.command_line, s.evidence,"
     " s.wudiag_version, s.verdict, s.events, s.failures, s.findings, ms.uid, s.activities,"
     " s.machine_from FROM temp.m_snap ms JOIN temp.m_src_snapshot s ON s.id = ms.old"
     " LEFT JOIN temp.m_machine mm ON mm.old = s.machine_id ORDER BY ms.old", NONE, NONE},
    {COPY_ROWS("service_state", "src.service_state",
               "name, display_name, state, start_type, pid, exit_code, service_exit_code,"
               " source"), OFF(service), NONE},
    {COPY_ROWS("fact", "temp.m_src_fact", "key, value, source, time"), OFF(fact), NONE},
    {COPY_ROWS("collection_note", "temp.m_src_collection_note",
               "source, location, reason, kind"), OFF(note), NONE},
    {COPY_ROWS("source", "src.source", "path, kind, records, kept, errors"), OFF(source),
     NONE},
    /* the events the picked snapshots cover: the output's row when it has
     * the same (computer, channel, record_id, time), else a new one */
    {"INSERT INTO temp.m_event(old, new, added)"
     " SELECT e.id, coalesce(t.id, e.id + ?1), t.id IS NULL FROM src.event e"
     " LEFT JOIN main.event t ON t.computer = e.computer AND t.channel = e.channel"
     " AND t.record_id = e.record_id AND t.time = e.time WHERE e.id IN"
     " (SELECT se.event_id FROM temp.m_snap ms JOIN src.snapshot_event se"
     " ON se.snapshot_id = ms.old)", OFF(event), NONE},
    {"INSERT INTO main.event(id, computer, channel, record_id, time, provider, event_id, level)"
     " SELECT me.new, e.computer, e.channel, e.record_id, e.time, e.provider, e.event_id,"
     " e.level FROM temp.m_event me JOIN src.event e ON e.id = me.old WHERE me.added",
     NONE, STAT(events_added)},
    {"INSERT INTO main.event_field(event_id, seq, name, value)"
     " SELECT me.new, f.seq, f.name, f.value FROM temp.m_event me"
     " JOIN src.event_field f ON f.event_id = me.old WHERE me.added", NONE, NONE},
    {"INSERT INTO main.snapshot_event(snapshot_id, event_id, source)"
     " SELECT ms.new, me.new, se.source FROM temp.m_snap ms"
     " JOIN src.snapshot_event se ON se.snapshot_id = ms.old"
     " JOIN temp.m_event me ON me.old = se.event_id", NONE, STAT(events_linked)},
    /* activities after the events: the event each comes from, renumbered */
    {"INSERT INTO main.activity(" WD_ACTIVITY_COLUMNS ")"
     " SELECT a.id + ?1, ms.new, a.operation, a.outcome, a.code, a.has_code, a.time,"
     " a.update_id, a.kb, a.title, a.product, a.package, a.service, a.target, a.session,"
     " a.count, a.component, a.detail, a.computer, a.loc_kind, a.source, a.line, a.channel,"
     " a.record_id, a.event_id, a.subject, a.repeats, a.last_time, me.new, a.ident, a.nth"
     " FROM temp.m_snap ms JOIN temp.m_src_activity a ON a.snapshot_id = ms.old"
     " LEFT JOIN temp.m_event me ON me.old = a.event_row ORDER BY a.id", OFF(activity), NONE},
    {COPY_ROWS("finding", "temp.m_src_finding",
               "rule, severity, title, explanation, fixes, cause, known_issue, state,"
               " first_fix"), OFF(finding), NONE},
    {COPY_ROWS("update_state", "temp.m_src_update_state",
               "key, kb, title, product, state, code, failures, successes, first_failure,"
               " last_failure, last_success"), OFF(update_state), NONE},
    /* each reference moves with the rows it names: by the offset of its
     * kind, events through m_event (dropped when the output did not get the
     * event, as a kind the store does not know is) */
    {"INSERT INTO main.finding_evidence(finding_id, seq, kind, row_id)"
     " SELECT fe.finding_id + ?1, fe.seq, fe.kind,"
     " CASE WHEN fe.kind = 'event' THEN me.new ELSE fe.row_id + o.off END"
     " FROM temp.m_snap ms JOIN temp.m_src_finding f ON f.snapshot_id = ms.old"
     " JOIN temp.m_src_finding_evidence fe ON fe.finding_id = f.id"
     " LEFT JOIN temp.m_off o ON o.kind = fe.kind"
     " LEFT JOIN temp.m_event me ON fe.kind = 'event' AND me.old = fe.row_id"
     " WHERE (fe.kind = 'event' AND me.new IS NOT NULL)"
     " OR (fe.kind <> 'event' AND o.off IS NOT NULL)", OFF(finding), NONE},
};

/* Runs one statement, binding ?1 to offset when it has one; *changes gets
 * the rows it wrote. Returns a SQLite code. */
static int run_step(merge *m, const char *sql, const int64_t *offset, int64_t *changes)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(m->out->db, sql, -1, &st, NULL);
    if (r == SQLITE_OK) {
        if (offset)
            sqlite3_bind_int64(st, 1, *offset);
        r = sqlite3_step(st);
        r = r == SQLITE_DONE || r == SQLITE_ROW ? SQLITE_OK : r;
    }
    if (r == SQLITE_OK && changes)
        *changes = sqlite3_changes64(m->out->db);
    sqlite3_finalize(st);
    return r;
}

/* The largest row id of each table of the output, and how many snapshots
 * the input holds; the offsets of the references' kinds into m_off.
 * Returns a SQLite code. */
static int read_offsets(merge *m, int64_t *input_snapshots)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(
        m->out->db,
        "SELECT (SELECT coalesce(max(id), 0) FROM main.snapshot),"
        " (SELECT coalesce(max(id), 0) FROM main.service_state),"
        " (SELECT coalesce(max(id), 0) FROM main.event),"
        " (SELECT coalesce(max(id), 0) FROM main.activity),"
        " (SELECT coalesce(max(id), 0) FROM main.fact),"
        " (SELECT coalesce(max(id), 0) FROM main.collection_note),"
        " (SELECT coalesce(max(id), 0) FROM main.source),"
        " (SELECT coalesce(max(id), 0) FROM main.finding),"
        " (SELECT count(*) FROM src.snapshot),"
        " (SELECT coalesce(max(id), 0) FROM main.update_state)", -1, &st, NULL);
    if (r == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t *o[] = {&m->off.snapshot, &m->off.service, &m->off.event, &m->off.activity,
                        &m->off.fact, &m->off.note, &m->off.source, &m->off.finding,
                        input_snapshots, &m->off.update_state};
        for (int i = 0; i < (int)(sizeof o / sizeof *o); i++)
            *o[i] = sqlite3_column_int64(st, i);
        r = SQLITE_OK;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (r == SQLITE_OK)
        r = sqlite3_prepare_v2(m->out->db, "INSERT INTO temp.m_off(kind, off) VALUES"
                                           " ('activity', ?1), ('service', ?2), ('fact', ?3),"
                                           " ('note', ?4), ('source', ?5)", -1, &st, NULL);
    if (r == SQLITE_OK) {
        const int64_t v[] = {m->off.activity, m->off.service, m->off.fact, m->off.note,
                             m->off.source};
        for (int i = 0; i < 5; i++)
            sqlite3_bind_int64(st, i + 1, v[i]);
        r = sqlite3_step(st);
        r = r == SQLITE_DONE ? SQLITE_OK : r;
    }
    sqlite3_finalize(st);
    return r;
}

/* ----------------------------------------------------------- the merge */

/* Everything inside the transaction. Returns a SQLite code. */
static int copy_all(merge *m)
{
    int64_t total = 0, added = 0;
    int r = sqlite3_exec(m->out->db, TEMP_TABLES, NULL, NULL, NULL);
    if (r == SQLITE_OK)
        r = wd_store__views(m->out->db, "src", "m_src_", m->version);
    if (r == SQLITE_OK)
        r = read_offsets(m, &total);
    if (r == SQLITE_OK)
        r = run_step(m, pick, &m->off.snapshot, &added);
    for (size_t i = 0; r == SQLITE_OK && added && i < sizeof steps / sizeof *steps; i++) {
        const step *s = &steps[i];
        int64_t n = 0;
        r = run_step(m, s->sql,
                     s->offset == NONE ? NULL
                                       : (const int64_t *)((const char *)&m->off + s->offset),
                     &n);
        if (s->count != NONE)
            *(int64_t *)((char *)&m->stats + s->count) = n;
    }
    /* an old input's "unknown" snapshots are named as the migration names them */
    if (r == SQLITE_OK && added && m->version < 3)
        r = wd_store__relabel_unknown(m->out, 1);
    if (r == SQLITE_OK)
        r = sqlite3_exec(m->out->db, DROP_TEMP_TABLES, NULL, NULL, NULL);
    wd_store__drop_views(m->out->db, "m_src_");
    m->stats.snapshots_added = added;
    m->stats.snapshots_present = total - added;
    return r;
}

/* After a failure r: was it the input that is damaged (rather than the
 * output, which the message names first)? */
static int input_damaged(merge *m, int r)
{
    sqlite3_stmt *st = NULL;
    int damaged = 0;
    if ((r & 0xff) != SQLITE_CORRUPT && (r & 0xff) != SQLITE_NOTADB)
        return 0;
    if (sqlite3_prepare_v2(m->out->db, "PRAGMA src.quick_check(1)", -1, &st, NULL) != SQLITE_OK)
        return 1;
    r = sqlite3_step(st);
    const char *verdict = r == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    damaged = !verdict || strcmp(verdict, "ok") != 0;
    sqlite3_finalize(st);
    return damaged;
}

/* One transaction around copy_all: committed whole or rolled back. */
static int transact(merge *m)
{
    wd_buf doing = WD_BUF_INIT;
    int rc, r;
    sqlite3_busy_timeout(m->out->db, WD_STORE_BEGIN_BUSY_MS);
    rc = wd_store__exec(m->out, "BEGIN IMMEDIATE", "starting a merge in");
    sqlite3_busy_timeout(m->out->db, WD_STORE_BUSY_MS);
    if (rc)
        return rc;
    r = copy_all(m);
    if (r == SQLITE_OK)
        r = sqlite3_exec(m->out->db, "COMMIT", NULL, NULL, NULL);
    if (r != SQLITE_OK) {
        wd_buf_printf(&doing, "merging %s into", m->in_path);
        rc = wd_store__error(m->out, r, wd_buf_ok(&doing) ? wd_buf_cstr(&doing) : "merging into");
        if (!sqlite3_get_autocommit(m->out->db))
            sqlite3_exec(m->out->db, "ROLLBACK", NULL, NULL, NULL);
        if (input_damaged(m, r))
            rc = input_error(m, r, "reading");
        memset(&m->stats, 0, sizeof m->stats);
    }
    wd_buf_free(&doing);
    return rc;
}

int wd_store_merge(wd_store *out, const char *in_path, wd_merge_stats *stats)
{
    merge m;
    int rc;
    memset(&m, 0, sizeof m);
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!out)
        return wd_error_set(WD_EUSAGE, "wd_store_merge: no store");
    if (out->snap)
        return wd_error_set(WD_EUSAGE, "finish the open snapshot before merging into %s",
                            out->path);
    if (out->readonly)
        return wd_error_set(WD_EREADONLY, "cannot write %s: read-only", out->path);
    m.out = out;
    m.in_path = in_path;
    rc = check_input(out->path, in_path, &m.version);
    if (rc || m.version == 0)
        return rc;
    if ((rc = attach(&m)) != WD_OK)
        return rc;
    /* room for the whole input's pages, so the transaction does not spill
     * pages into the WAL before it commits (the default is 2 MiB) */
    sqlite3_exec(out->db, "PRAGMA main.cache_size = -65536", NULL, NULL, NULL);
    rc = transact(&m);
    sqlite3_exec(out->db, "DETACH DATABASE src", NULL, NULL, NULL);
    if (!rc && stats)
        *stats = m.stats;
    return rc;
}
