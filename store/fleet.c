/* fleet.c - the figures of `wudiag fleet`, computed where the rows are: in
 * PostgreSQL for a fleet database, in SQLite for a (merged) history file.
 * Every figure is about each machine's latest snapshot as the judgement
 * saved it (verdict, current findings and the codes they cite, update
 * states), never raw failure counts; weeks take each machine's last
 * snapshot of the week. One SQL text per dialect, the same columns. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- running */

#define MAX_COLS 16

/* Runs one of the two texts on s (params bound as text, NULL as NULL) and
 * hands each row to fn as texts. */
static int run(wd_store *s, const char *lite, const char *pg, int n, const char *const *params,
               wd_pg_row_fn fn, void *ctx)
{
    if (s->pg)
        return wd_pg_walk(s->pg, pg, n, params, fn, ctx, NULL);
    if (s->empty)
        return WD_OK;
    sqlite3_stmt *st = NULL;
    const char *col[MAX_COLS];
    int r = sqlite3_prepare_v2(s->db, lite, -1, &st, NULL), rc = WD_OK;
    for (int i = 0; r == SQLITE_OK && i < n; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    while (r == SQLITE_OK && !rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
        int nc = sqlite3_column_count(st);
        for (int i = 0; i < nc && i < MAX_COLS; i++)
            col[i] = (const char *)sqlite3_column_text(st, i);
        rc = fn(ctx, col, nc < MAX_COLS ? nc : MAX_COLS);
        r = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (!rc && r != SQLITE_DONE && r != SQLITE_OK)
        rc = wd_store__error(s, r, "reading the fleet from");
    return rc;
}

static int64_t num(const char *s)
{
    int64_t v = 0;
    if (s)
        wd_parse_i64(s, &v);
    return v;
}

static int usable(wd_store *s, const void *cb)
{
    return s && cb ? WD_OK : wd_error_set(WD_EUSAGE, "wd_store_fleet: no store or callback");
}

/* Each machine and its latest snapshot. */
#define LITE_LATEST                                                                        \
    "latest AS (SELECT m.id AS machine_id, m.name AS name, (SELECT s.id FROM snapshot s"  \
    " WHERE s.machine_id = m.id ORDER BY s.collected_at DESC, s.id DESC LIMIT 1)"          \
    " AS snapshot_id FROM machine m)"
#define PG_LATEST                                                                          \
    "latest AS (SELECT m.id AS machine_id, m.name AS name, m.latest_snapshot_id"           \
    " AS snapshot_id FROM machine m WHERE m.latest_snapshot_id IS NOT NULL)"

/* A finding that counts as a problem now. The codes counted are failure
 * codes, with the severity bit set (>= 2147483648): a success or
 * information code, such as 0 on a pending restart, names no failure. */
#define PROBLEM "f.state = 'current' AND coalesce(f.severity, '') <> 'info'"

/* ------------------------------------------------------------ machines */

/* The first snapshot of the run of failing ones that ends with the latest. */
#define FAILING_SINCE                                                                      \
    "CASE WHEN s.verdict = 'failing' THEN (SELECT min(x.collected_at) FROM snapshot x"    \
    " WHERE x.machine_id = l.machine_id AND x.collected_at > coalesce((SELECT"            \
    " max(y.collected_at) FROM snapshot y WHERE y.machine_id = l.machine_id"               \
    " AND coalesce(y.verdict, '') <> 'failing'), '')) END"

/* How many snapshots each machine has: one pass over snapshot_by_machine. */
#define COUNTS "counts AS (SELECT machine_id, count(*) AS n FROM snapshot GROUP BY machine_id)"

static const char lite_machines[] =
    "WITH " LITE_LATEST ", " COUNTS
    " SELECT l.name, s.id, c.n,"
    " s.collected_at, s.verdict, (SELECT count(*) FROM finding f WHERE f.snapshot_id = s.id"
    " AND " PROBLEM "), " FAILING_SINCE ", t.rule, t.title, t.first_fix"
    " FROM latest l JOIN snapshot s ON s.id = l.snapshot_id"
    " JOIN counts c ON c.machine_id = l.machine_id"
    " LEFT JOIN finding t ON t.id = (SELECT f.id FROM finding f WHERE f.snapshot_id = s.id"
    " AND " PROBLEM " ORDER BY f.id LIMIT 1) ORDER BY l.name, l.machine_id";

static const char pg_machines[] =
    "WITH " PG_LATEST ", " COUNTS
    " SELECT l.name, s.id, c.n,"
    " s.collected_at, s.verdict, (SELECT count(*) FROM finding f WHERE f.snapshot_id = s.id"
    " AND " PROBLEM "), " FAILING_SINCE ", t.rule, t.title, t.first_fix"
    " FROM latest l JOIN snapshot s ON s.id = l.snapshot_id"
    " JOIN counts c ON c.machine_id = l.machine_id"
    " LEFT JOIN LATERAL (SELECT f.rule, f.title, f.first_fix FROM finding f"
    " WHERE f.snapshot_id = s.id AND " PROBLEM " ORDER BY f.id LIMIT 1) t ON true"
    " ORDER BY l.name, l.machine_id";

typedef struct walk {
    void (*cb)(void);
    void *ctx;
} walk;

typedef int (*machine_cb)(void *, const wd_fleet_machine *);

static int machine_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    (void)n;
    wd_fleet_machine m = {
        .machine = c[0],
        .snapshot = num(c[1]),
        .snapshots = num(c[2]),
        .collected_at = c[3],
        .verdict = c[4],
        .problems = num(c[5]),
        .failing_since = c[6],
        .top_rule = c[7],
        .top_title = c[8],
        .top_fix = c[9],
    };
    return ((machine_cb)w->cb)(w->ctx, &m);
}

int wd_store_fleet_machines(wd_store *s, int (*cb)(void *ctx, const wd_fleet_machine *m),
                            void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    int rc = usable(s, (const void *)cb);
    return rc ? rc : run(s, lite_machines, pg_machines, 0, NULL, machine_row, &w);
}

/* ------------------------------------------------------------ problems */

/* The current findings of the latest snapshots, each with the codes of the
 * failed activities it cites (or, citing none, its rule): how many machines
 * have each, and the rule and first fix most of them got. */
#define PROBLEMS_TAIL                                                                      \
    " keyed AS (SELECT machine_id, coalesce(code, -1) AS code,"                            \
    " CASE WHEN code IS NULL THEN rule ELSE '' END AS k, rule, coalesce(first_fix, '')"    \
    " AS fix, title, CASE severity WHEN 'critical' THEN 0 WHEN 'error' THEN 1"             \
    " WHEN 'warning' THEN 2 ELSE 3 END AS sev FROM cited),"                                \
    " per AS (SELECT code, k, count(DISTINCT machine_id) AS machines, min(title) AS title," \
    " min(sev) AS sev FROM keyed GROUP BY code, k),"                                                       \
    " pick AS (SELECT code, k, rule, fix, row_number() OVER (PARTITION BY code, k"         \
    " ORDER BY count(DISTINCT machine_id) DESC, rule, fix) AS rk FROM keyed"               \
    " GROUP BY code, k, rule, fix)"                                                        \
    " SELECT p.code, x.rule, p.title, x.fix, p.machines FROM per p JOIN pick x"            \
    " ON x.code = p.code AND x.k = p.k AND x.rk = 1"                                       \
    " ORDER BY p.machines DESC, p.sev, p.code, p.k"

static const char lite_problems[] =
    "WITH " LITE_LATEST ","
    " cur AS (SELECT l.machine_id, f.id AS fid, f.rule, f.title, f.first_fix, f.severity"
    " FROM latest l JOIN finding f ON f.snapshot_id = l.snapshot_id WHERE " PROBLEM "),"
    " coded AS (SELECT DISTINCT c.fid, c.machine_id, a.code AS code, c.rule, c.first_fix,"
    " c.title, c.severity FROM cur c JOIN finding_evidence fe ON fe.finding_id = c.fid"
    " AND fe.kind = 'activity' JOIN activity a ON a.id = fe.row_id"
    " WHERE a.code >= 2147483648),"
    " cited AS (SELECT machine_id, code, rule, first_fix, title, severity FROM coded"
    " UNION ALL SELECT c.machine_id, NULL, c.rule, c.first_fix, c.title, c.severity"
    " FROM cur c WHERE c.fid NOT IN (SELECT fid FROM coded)),"
    PROBLEMS_TAIL " LIMIT CAST(?1 AS INTEGER)";

static const char pg_problems[] =
    "WITH " PG_LATEST ","
    " cur AS (SELECT l.machine_id, f.snapshot_id AS sid, f.id AS fid, f.rule, f.title,"
    " f.first_fix, f.severity FROM latest l JOIN finding f ON f.snapshot_id = l.snapshot_id"
    " WHERE " PROBLEM "),"
    " coded AS (SELECT DISTINCT c.sid, c.fid, c.machine_id, a.code AS code, c.rule,"
    " c.first_fix, c.title, c.severity FROM cur c JOIN finding_evidence fe"
    " ON fe.snapshot_id = c.sid AND fe.finding_id = c.fid AND fe.kind = 'activity'"
    " JOIN activity a ON a.snapshot_id = c.sid AND a.id = fe.row_id"
    " WHERE a.code >= 2147483648),"
    " cited AS (SELECT machine_id, code, rule, first_fix, title, severity FROM coded"
    " UNION ALL SELECT c.machine_id, NULL, c.rule, c.first_fix, c.title, c.severity"
    " FROM cur c WHERE NOT EXISTS (SELECT 1 FROM coded x WHERE x.sid = c.sid"
    " AND x.fid = c.fid)),"
    PROBLEMS_TAIL " LIMIT $1::bigint";

typedef int (*problem_cb)(void *, const wd_fleet_problem *);

static int problem_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    int64_t code = num(c[0]);
    (void)n;
    wd_fleet_problem p = {
        .has_code = code >= 0,
        .code = code >= 0 ? (uint32_t)code : 0,
        .rule = c[1],
        .title = c[2],
        .first_fix = c[3] && *c[3] ? c[3] : NULL,
        .machines = num(c[4]),
    };
    return ((problem_cb)w->cb)(w->ctx, &p);
}

int wd_store_fleet_problems(wd_store *s, int64_t limit,
                            int (*cb)(void *ctx, const wd_fleet_problem *p), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    char lim[24];
    const char *params[] = {lim};
    int rc = usable(s, (const void *)cb);
    snprintf(lim, sizeof lim, "%lld", (long long)(limit > 0 ? limit : INT32_MAX));
    return rc ? rc : run(s, lite_problems, pg_problems, 1, params, problem_row, &w);
}

/* ------------------------------------------------------------- updates */

#define UPDATES_TAIL                                                                       \
    " per AS (SELECT key, min(kb) AS kb, min(title) AS title,"                             \
    " count(DISTINCT machine_id) AS machines,"                                             \
    " count(DISTINCT CASE WHEN state IN ('ok', 'resolved', 'superseded') THEN machine_id"  \
    " END) AS installed,"                                                                  \
    " count(DISTINCT CASE WHEN state = 'failing' THEN machine_id END) AS failing,"         \
    " count(DISTINCT CASE WHEN state IN ('pending-reboot', 'in-progress') THEN machine_id" \
    " END) AS pending FROM u GROUP BY key),"                                               \
    " codes AS (SELECT key, code, row_number() OVER (PARTITION BY key"                     \
    " ORDER BY count(*) DESC, code) AS rk FROM u WHERE state = 'failing'"                  \
    " AND code >= 2147483648 GROUP BY key, code)"                                            \
    " SELECT p.key, p.kb, p.title, p.machines, p.installed, p.failing, p.pending, c.code"  \
    " FROM per p LEFT JOIN codes c ON c.key = p.key AND c.rk = 1"                          \
    " ORDER BY p.failing DESC, p.machines DESC, p.key"

static const char lite_updates[] =
    "WITH " LITE_LATEST ","
    " u AS (SELECT l.machine_id, us.key, us.kb, us.title, us.state, us.code FROM latest l"
    " JOIN update_state us ON us.snapshot_id = l.snapshot_id),"
    UPDATES_TAIL " LIMIT CAST(?1 AS INTEGER)";

static const char pg_updates[] =
    "WITH " PG_LATEST ","
    " u AS (SELECT l.machine_id, us.key, us.kb, us.title, us.state, us.code FROM latest l"
    " JOIN update_state us ON us.snapshot_id = l.snapshot_id),"
    UPDATES_TAIL " LIMIT $1::bigint";

typedef int (*update_cb)(void *, const wd_fleet_update *);

static int update_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    (void)n;
    wd_fleet_update u = {
        .key = c[0],
        .kb = c[1],
        .title = c[2],
        .machines = num(c[3]),
        .installed = num(c[4]),
        .failing = num(c[5]),
        .pending = num(c[6]),
        .has_code = c[7] != NULL,
        .code = (uint32_t)num(c[7]),
    };
    return ((update_cb)w->cb)(w->ctx, &u);
}

int wd_store_fleet_updates(wd_store *s, int64_t limit,
                           int (*cb)(void *ctx, const wd_fleet_update *u), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    char lim[24];
    const char *params[] = {lim};
    int rc = usable(s, (const void *)cb);
    snprintf(lim, sizeof lim, "%lld", (long long)(limit > 0 ? limit : INT32_MAX));
    return rc ? rc : run(s, lite_updates, pg_updates, 1, params, update_row, &w);
}

/* --------------------------------------------------------------- weeks */

/* A machine's last snapshot of a week is the one whose next snapshot is in
 * another week (or that has none): read in the order of snapshot_by_machine,
 * no sort of the whole table. */
#define WEEKS_TAIL                                                                         \
    " last AS (SELECT id, verdict, week FROM wk"                                           \
    " WHERE next_at IS NULL OR next_at >= week_end),"                                      \
    " ups AS (SELECT us.snapshot_id,"                                                      \
    " sum(CASE WHEN us.state IN ('ok', 'resolved', 'superseded') THEN 1 ELSE 0 END) AS inst," \
    " sum(CASE WHEN us.state = 'failing' THEN 1 ELSE 0 END) AS fail"                       \
    " FROM update_state us JOIN last l ON l.id = us.snapshot_id GROUP BY us.snapshot_id)"  \
    " SELECT l.week, count(*),"                                                            \
    " sum(CASE WHEN l.verdict = 'healthy' THEN 1 ELSE 0 END),"                             \
    " sum(CASE WHEN l.verdict = 'warning' THEN 1 ELSE 0 END),"                             \
    " sum(CASE WHEN l.verdict = 'failing' THEN 1 ELSE 0 END),"                             \
    " sum(CASE WHEN l.verdict = 'incomplete' THEN 1 ELSE 0 END),"                          \
    " coalesce(sum(u.inst), 0), coalesce(sum(u.fail), 0)"                                  \
    " FROM last l LEFT JOIN ups u ON u.snapshot_id = l.id GROUP BY l.week ORDER BY l.week"

#define NEXT_AT                                                                            \
    "lead(s.collected_at) OVER (PARTITION BY s.machine_id ORDER BY s.collected_at, s.id)"

/* wk: each snapshot since ?1 with its week (the Monday), the Monday after
 * it, and when the machine's next snapshot was taken. */
static const char lite_weeks[] =
    "WITH w0 AS (SELECT s.id, s.verdict, s.collected_at, " NEXT_AT " AS next_at,"
    " date(substr(s.collected_at, 1, 10), '-' || ((CAST(strftime('%w',"
    " substr(s.collected_at, 1, 10)) AS INTEGER) + 6) % 7) || ' days') AS week"
    " FROM snapshot s WHERE ?1 IS NULL OR s.collected_at >= ?1),"
    " wk AS (SELECT id, verdict, week, next_at, date(week, '+7 days') AS week_end FROM w0),"
    WEEKS_TAIL;

/* In PostgreSQL weeks are numbered (days since Monday 2000-01-03, by 7) and
 * each snapshot carries its update counts: the query reads snapshot_by_machine
 * alone, in its order. */
static const char pg_weeks[] =
    "WITH w0 AS (SELECT s.id, s.machine_id, s.collected_at, s.verdict, s.updates_ok,"
    " s.updates_failing, (substr(s.collected_at, 1, 10)::date - date '2000-01-03') / 7 AS wn"
    " FROM snapshot s WHERE $1::text IS NULL OR s.collected_at >= $1::text),"
    " w1 AS (SELECT *, lead(wn) OVER (PARTITION BY machine_id ORDER BY collected_at, id)"
    " AS next_wn FROM w0),"
    " last AS (SELECT * FROM w1 WHERE next_wn IS NULL OR next_wn <> wn)"
    " SELECT to_char(date '2000-01-03' + wn * 7, 'YYYY-MM-DD'), count(*),"
    " sum(CASE WHEN verdict = 'healthy' THEN 1 ELSE 0 END),"
    " sum(CASE WHEN verdict = 'warning' THEN 1 ELSE 0 END),"
    " sum(CASE WHEN verdict = 'failing' THEN 1 ELSE 0 END),"
    " sum(CASE WHEN verdict = 'incomplete' THEN 1 ELSE 0 END),"
    " sum(updates_ok), sum(updates_failing) FROM last GROUP BY wn ORDER BY wn";

typedef int (*week_cb)(void *, const wd_fleet_week *);

static int week_row(void *ctx, const char *const *c, int n)
{
    const walk *w = ctx;
    (void)n;
    wd_fleet_week k = {
        .week = c[0],
        .machines = num(c[1]),
        .healthy = num(c[2]),
        .warning = num(c[3]),
        .failing = num(c[4]),
        .incomplete = num(c[5]),
        .installed = num(c[6]),
        .failing_updates = num(c[7]),
    };
    return ((week_cb)w->cb)(w->ctx, &k);
}

int wd_store_fleet_weeks(wd_store *s, const char *since,
                         int (*cb)(void *ctx, const wd_fleet_week *w), void *ctx)
{
    walk w = {(void (*)(void))cb, ctx};
    const char *params[] = {since};
    int rc = usable(s, (const void *)cb);
    return rc ? rc : run(s, lite_weeks, pg_weeks, 1, params, week_row, &w);
}
