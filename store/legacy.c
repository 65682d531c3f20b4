/* legacy.c - older history files seen with today's columns: temp views that
 * present a schema 1 or 2 file's failure rows as failed activities (same
 * ids, so "failure:12" is activity 12) and its findings' evidence text as
 * typed references (and a schema 3 or 4 file's findings without a first fix,
 * with no update states). The v3 migration copies from them, the merge reads any
 * input through them, and a read-only old file is read through them. */
#include "internal.h"

#include <string.h>

/* The operations an old failure row may name as they are (records.h). */
#define OLD_OPS                                                                            \
    "('scan','download','install','uninstall','commit','revert','self-update',"            \
    "'servicing','feature-update','repair','verify','sfc','feature')"

/* An old update id ("{ba15b1f5-...}", lower case, with a revision) as
 * wd_update_id_normalize gives it; kept as it was when it is no GUID. */
#define OLD_UPDATE_ID                                                                      \
    "CASE WHEN length(trim(f.update_id, '{} ')) >= 36"                                     \
    " AND substr(trim(f.update_id, '{} '), 9, 1) = '-'"                                    \
    " AND substr(trim(f.update_id, '{} '), 14, 1) = '-'"                                   \
    " THEN upper(substr(trim(f.update_id, '{} '), 1, 36)) ELSE f.update_id END"

/* One view: its name (after the prefix) and its SELECT for an old file
 * (before schema 3), for a schema 3 file and, when it differs, for schema 5
 * and later; "@" stands for the schema. */
typedef struct view {
    const char *name;
    const char *old_sql;
    const char *cur_sql;
    const char *v5_sql; /* NULL: cur_sql */
} view;

/* The columns of update_state (schema 5), of an older file none. */
#define UPDATE_STATE_COLUMNS                                                               \
    "id, snapshot_id, key, kb, title, product, state, code, failures, successes,"          \
    " first_failure, last_failure, last_success"
#define NO_UPDATE_STATE                                                                    \
    "SELECT NULL AS id, NULL AS snapshot_id, NULL AS key, NULL AS kb, NULL AS title,"      \
    " NULL AS product, NULL AS state, NULL AS code, 0 AS failures, 0 AS successes,"        \
    " NULL AS first_failure, NULL AS last_failure, NULL AS last_success WHERE 0"

static const view views[] = {
    {"activity",
     "SELECT f.id AS id, f.snapshot_id AS snapshot_id,"
     " CASE WHEN f.operation = 'service' THEN (CASE WHEN f.context LIKE '% failed to start %'"
     " THEN 'service-start' ELSE 'service-crash' END)"
     " WHEN f.operation IN " OLD_OPS " THEN f.operation ELSE 'unknown' END AS operation,"
     " 'failed' AS outcome, f.hresult AS code, 1 AS has_code, f.time AS time,"
     " " OLD_UPDATE_ID " AS update_id, f.kb AS kb, f.title AS title, 'unknown' AS product,"
     " CASE WHEN f.operation = 'servicing' THEN f.title END AS package,"
     " CASE WHEN f.operation = 'service' THEN f.component END AS service,"
     " NULL AS target, NULL AS session, -1 AS count, f.component AS component,"
     " f.context AS detail, f.computer AS computer,"
     " CASE WHEN f.origin = 'event' THEN 'event' WHEN f.origin = 'history' THEN 'row'"
     " WHEN f.line > 0 THEN 'line' END AS loc_kind, f.source AS source,"
     " CASE WHEN f.origin IS NOT 'event' AND f.line > 0 THEN f.line END AS line,"
     " CASE WHEN f.origin = 'event' THEN f.event_channel END AS channel,"
     " CASE WHEN f.origin = 'event' THEN f.event_record_id END AS record_id,"
     " e.event_id AS event_id,"
     " CASE WHEN f.operation IS 'service' THEN NULL"
     " ELSE coalesce(f.kb, " OLD_UPDATE_ID ", f.title) END AS subject,"
     " 0 AS repeats, NULL AS last_time, e.id AS event_row, NULL AS ident, 1 AS nth"
     " FROM @.failure f LEFT JOIN @.event e ON e.id = (SELECT e2.id FROM @.event e2"
     " JOIN @.snapshot_event se ON se.event_id = e2.id AND se.snapshot_id = f.snapshot_id"
     " WHERE f.origin = 'event' AND e2.computer = coalesce(f.computer, '')"
     " AND e2.channel = f.event_channel AND e2.record_id = f.event_record_id"
     " ORDER BY e2.id LIMIT 1)",
     "SELECT " WD_ACTIVITY_COLUMNS " FROM @.activity", NULL},
    /* "failure:12,event:40,x:y" -> (activity, 12), (event, 40); what is
     * not a known kind with a number is dropped */
    {"finding_evidence",
     "WITH RECURSIVE split(finding_id, seq, item, rest) AS ("
     " SELECT id, -1, '', evidence || ',' FROM @.finding WHERE evidence IS NOT NULL"
     " UNION ALL SELECT finding_id, seq + 1, substr(rest, 1, instr(rest, ',') - 1),"
     " substr(rest, instr(rest, ',') + 1) FROM split WHERE rest <> ''),"
     " item(finding_id, seq, kind, num) AS (SELECT finding_id, seq,"
     " substr(item, 1, instr(item, ':') - 1), substr(item, instr(item, ':') + 1)"
     " FROM split WHERE seq >= 0 AND instr(item, ':') > 0)"
     " SELECT finding_id, row_number() OVER (PARTITION BY finding_id ORDER BY seq) - 1 AS seq,"
     " CASE kind WHEN 'failure' THEN 'activity' ELSE kind END AS kind,"
     " CAST(num AS INTEGER) AS row_id FROM item"
     " WHERE kind IN ('failure','activity','event','service','fact','note','source')"
     " AND num <> '' AND length(num) < 19 AND num NOT GLOB '*[^0-9]*'",
     "SELECT finding_id, seq, kind, row_id FROM @.finding_evidence", NULL},
    {"finding",
     "SELECT id, snapshot_id, rule, severity, title, explanation, fixes, NULL AS cause,"
     " NULL AS known_issue, NULL AS state, NULL AS first_fix FROM @.finding",
     "SELECT id, snapshot_id, rule, severity, title, explanation, fixes, cause, known_issue,"
     " state, NULL AS first_fix FROM @.finding",
     "SELECT id, snapshot_id, rule, severity, title, explanation, fixes, cause, known_issue,"
     " state, first_fix FROM @.finding"},
    {"update_state", NO_UPDATE_STATE, NO_UPDATE_STATE,
     "SELECT " UPDATE_STATE_COLUMNS " FROM @.update_state"},
    {"fact", "SELECT id, snapshot_id, key, value, source, NULL AS time FROM @.fact",
     "SELECT id, snapshot_id, key, value, source, time FROM @.fact", NULL},
    {"collection_note",
     "SELECT id, snapshot_id, source, location, reason, 'partial' AS kind"
     " FROM @.collection_note",
     "SELECT id, snapshot_id, source, location, reason, kind FROM @.collection_note", NULL},
    {"snapshot", NULL, /* built in snapshot_sql: the uid depends on the version */
     "SELECT id, machine_id, collected_at, evidence_time, command_line, evidence,"
     " wudiag_version, verdict, events, failures, findings, uid, activities, machine_from"
     " FROM @.snapshot", NULL},
};

#define NVIEWS (sizeof views / sizeof *views)

/* The snapshot view of an old file: version 1 had no uid (derived as
 * WD_STORE_LEGACY_UID derives it), version 2 may hold NULL ones. */
static const char snapshot_head[] =
    "SELECT s.id AS id, s.machine_id AS machine_id, s.collected_at AS collected_at,"
    " s.evidence_time AS evidence_time, s.command_line AS command_line,"
    " s.evidence AS evidence, s.wudiag_version AS wudiag_version, s.verdict AS verdict,"
    " s.events AS events, s.failures AS failures, s.findings AS findings, ";
static const char uid_v1[] =
    "printf('v1-%s-%s-%d', lower(coalesce((SELECT name FROM @.machine"
    " WHERE @.machine.id = s.machine_id), '')), s.collected_at, s.id)";
static const char snapshot_tail[] =
    " AS uid, s.failures AS activities, NULL AS machine_from FROM @.snapshot s";

/* Appends sql with every "@" replaced by schema. */
static void put_sql(wd_buf *b, const char *sql, const char *schema)
{
    for (const char *p = sql; *p; p++) {
        if (*p == '@')
            wd_buf_puts(b, schema);
        else
            wd_buf_putc(b, *p);
    }
}

/* The SELECT of the snapshot view of an old file into b. */
static void snapshot_sql(wd_buf *b, const char *schema, int version)
{
    put_sql(b, snapshot_head, schema);
    if (version >= 2)
        put_sql(b, "coalesce(s.uid, ", schema);
    put_sql(b, uid_v1, schema);
    if (version >= 2)
        wd_buf_putc(b, ')');
    put_sql(b, snapshot_tail, schema);
}

int wd_store__views(sqlite3 *db, const char *schema, const char *prefix, int version)
{
    wd_buf sql = WD_BUF_INIT;
    int r = SQLITE_OK;
    for (size_t i = 0; i < NVIEWS && r == SQLITE_OK; i++) {
        wd_buf_reset(&sql);
        wd_buf_printf(&sql, "DROP VIEW IF EXISTS temp.\"%s%s\"; CREATE TEMP VIEW \"%s%s\" AS ",
                      prefix, views[i].name, prefix, views[i].name);
        if (version >= 5 && views[i].v5_sql)
            put_sql(&sql, views[i].v5_sql, schema);
        else if (version >= 3)
            put_sql(&sql, views[i].cur_sql, schema);
        else if (views[i].old_sql)
            put_sql(&sql, views[i].old_sql, schema);
        else
            snapshot_sql(&sql, schema, version);
        r = wd_buf_ok(&sql) ? sqlite3_exec(db, wd_buf_cstr(&sql), NULL, NULL, NULL)
                            : SQLITE_NOMEM;
    }
    wd_buf_free(&sql);
    if (r != SQLITE_OK)
        wd_store__drop_views(db, prefix);
    return r;
}

void wd_store__drop_views(sqlite3 *db, const char *prefix)
{
    wd_buf sql = WD_BUF_INIT;
    for (size_t i = 0; i < NVIEWS; i++)
        wd_buf_printf(&sql, "DROP VIEW IF EXISTS temp.\"%s%s\";", prefix, views[i].name);
    if (wd_buf_ok(&sql))
        sqlite3_exec(db, wd_buf_cstr(&sql), NULL, NULL, NULL);
    wd_buf_free(&sql);
}
