/* finish.c - ending a snapshot's collection: deciding which machine it
 * belongs to (--machine, the evidence's machine.name fact, the computer its
 * records name most, else a fingerprint of the evidence, never a shared
 * name), completing activities' update identity from their siblings with
 * the same update id, and the snapshot's counts. Also the names of the
 * snapshots older wudiags filed under one machine "unknown". */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- fingerprint */

/* Facts that identify one installation of Windows (the first value of
 * each counts): the same on every capture of a machine, different on every
 * other machine. */
static const char *const identity_facts[WD_FP_FACTS] = {
    "machine.guid",    /* HKLM\SOFTWARE\Microsoft\Cryptography MachineGuid */
    "os.install_date", /* CurrentVersion InstallDate */
    "os.product_id",   /* CurrentVersion ProductId */
    "machine.sid",     /* the machine's SID */
};

void wd_store__fp_clear(wd_fingerprint *fp)
{
    memset(fp->facts, 0, sizeof fp->facts);
    fp->facts_seen = 0;
    fp->sources = WD_STORE_HASH_SEED;
    fp->nsources = 0;
    wd_buf_reset(&fp->first_event);
    wd_buf_reset(&fp->first_activity);
}

/* Where "t|..." would sort against kept ("time|..."), judged on the time
 * alone: <0 before (or nothing kept), >0 after, 0 when the rest decides.
 * The same order as strcmp of the whole texts, without composing one. */
static int compare_time(const char *t, const wd_buf *kept)
{
    const unsigned char *a = (const unsigned char *)t, *b = (const unsigned char *)kept->data;
    if (kept->len == 0)
        return -1;
    while (*a && *a == *b && *b != '|')
        a++, b++;
    if (!*a && *b == '|')
        return 0;
    return (*a ? *a : '|') < *b ? -1 : 1;
}

/* Keeps cand in kept when it sorts first (ties broken by the whole text,
 * so that the choice does not depend on the order records came in). */
static void keep_first(wd_buf *kept, const wd_buf *cand)
{
    if (!wd_buf_ok(cand) || (kept->len && strcmp(cand->data, kept->data) >= 0))
        return;
    wd_buf_reset(kept);
    wd_buf_append(kept, cand->data, cand->len);
    if (!wd_buf_ok(kept)) {
        wd_buf_free(kept); /* forget it rather than keep a broken one */
        *kept = (wd_buf)WD_BUF_INIT;
    }
}

void wd_store__fp_event(wd_store *s, const wd_event_rec *r)
{
    wd_buf cand = WD_BUF_INIT;
    if (!r->time || !*r->time || compare_time(r->time, &s->fp.first_event) > 0)
        return;
    wd_buf_printf(&cand, "%s|%s|%llu|%s|%u", r->time, r->channel ? r->channel : "",
                  (unsigned long long)r->record_id, r->provider ? r->provider : "",
                  (unsigned)r->event_id);
    keep_first(&s->fp.first_event, &cand);
    wd_buf_free(&cand);
}

void wd_store__fp_activity(wd_store *s, const wd_activity_rec *r, uint64_t ident)
{
    wd_buf cand = WD_BUF_INIT;
    if (!r->time || !*r->time || compare_time(r->time, &s->fp.first_activity) > 0)
        return;
    wd_buf_printf(&cand, "%s|%016llx|%s|%llu", r->time, (unsigned long long)ident,
                  r->where.source ? r->where.source : "", (unsigned long long)r->where.line);
    keep_first(&s->fp.first_activity, &cand);
    wd_buf_free(&cand);
}

void wd_store__fp_fact(wd_store *s, const wd_fact_rec *r)
{
    for (unsigned i = 0; i < WD_FP_FACTS; i++) {
        if (strcmp(r->key, identity_facts[i]) || !r->value || !*r->value ||
            (s->fp.facts_seen & (1u << i)))
            continue;
        s->fp.facts[i] = wd_store__hash(wd_store__hash(WD_STORE_HASH_SEED, r->key), r->value);
        s->fp.facts_seen |= 1u << i;
    }
}

void wd_store__fp_source(wd_store *s, const wd_source_rec *r)
{
    char num[24];
    snprintf(num, sizeof num, "%llu", (unsigned long long)r->records);
    s->fp.sources = wd_store__hash(wd_store__hash(wd_store__hash(s->fp.sources, r->path),
                                                  r->kind),
                                   num);
    s->fp.nsources++;
}

static void fp_name(uint64_t h, char out[32])
{
    snprintf(out, 32, "unnamed-%08x", (unsigned)((h ^ (h >> 32)) & 0xffffffffu));
}

/* The uid of the open snapshot, hashed: a name no other snapshot shares,
 * for evidence that holds nothing to recognise a machine by. */
static int uid_hash(wd_store *s, uint64_t *h)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(s->db, "SELECT uid FROM snapshot WHERE id = ?1", -1, &st, NULL);
    if (r == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, s->snap);
        r = sqlite3_step(st);
        *h = wd_store__hash(WD_STORE_HASH_SEED, (const char *)sqlite3_column_text(st, 0));
        r = r == SQLITE_ROW ? SQLITE_OK : r == SQLITE_DONE ? SQLITE_CORRUPT : r;
    }
    sqlite3_finalize(st);
    return r;
}

/* "unnamed-" and 8 hex digits from the most stable thing the evidence
 * offers: identity facts, else its earliest event, else its earliest
 * activity, else its source files, else the snapshot's own uid. */
static int fingerprint(wd_store *s, char out[32])
{
    const wd_fingerprint *fp = &s->fp;
    uint64_t h = WD_STORE_HASH_SEED;
    int r = SQLITE_OK;
    if (fp->facts_seen) {
        for (unsigned i = 0; i < WD_FP_FACTS; i++)
            h = (h ^ fp->facts[i]) * 0x100000001b3ULL;
    } else if (fp->first_event.len) {
        h = wd_store__hash(wd_store__hash(h, "event"), fp->first_event.data);
    } else if (fp->first_activity.len) {
        h = wd_store__hash(wd_store__hash(h, "activity"), fp->first_activity.data);
    } else if (fp->nsources) {
        h = fp->sources;
    } else {
        r = uid_hash(s, &h);
    }
    fp_name(h, out);
    return r;
}

/* ------------------------------------------------------------- machine */

/* The machine's name and how it was decided ("option", "evidence",
 * "fingerprint"); name points into s or into fp_name. */
static int decide_machine(wd_store *s, char fp_name[32], const char **name, const char **from)
{
    const wd_machine_tally *best = NULL;
    *from = "evidence";
    if (s->machine_option) {
        *name = s->machine_option;
        *from = "option";
        return SQLITE_OK;
    }
    if (s->fact_machine) {
        *name = s->fact_machine;
        return SQLITE_OK;
    }
    for (size_t i = 0; i < s->nmachines; i++)
        if (!best || s->machines[i].n > best->n)
            best = &s->machines[i];
    if (best) {
        *name = best->name;
        return SQLITE_OK;
    }
    *from = "fingerprint";
    *name = fp_name;
    return fingerprint(s, fp_name);
}

/* The id of machine `name`, inserting it when new. A SQLite code. */
static int machine_id(wd_store *s, const char *name, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "INSERT INTO machine(name) VALUES (?1) "
                                       "ON CONFLICT DO NOTHING", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = wd_store__run(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "SELECT id FROM machine WHERE name = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        *id = sqlite3_column_int64(st, 0);
        rc = rc == SQLITE_ROW ? SQLITE_OK : rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
    }
    sqlite3_finalize(st);
    return rc;
}

/* ------------------------------------------------------------ identity */

/* Activities with an update id but no KB, title or product take them from
 * the snapshot's others with the same update id; then the subject follows
 * (a KB, else a title, found this way becomes the subject: Store apps
 * change update id between download and install but keep their title). */
static const char *const complete_sql[] = {
    "UPDATE activity SET kb = coalesce(activity.kb, i.kb),"
    " title = coalesce(activity.title, i.title),"
    " product = CASE WHEN activity.product = 'unknown' THEN coalesce(i.product, 'unknown')"
    " ELSE activity.product END"
    " FROM (SELECT update_id, min(kb) AS kb, min(title) AS title,"
    " min(nullif(product, 'unknown')) AS product FROM activity"
    " WHERE snapshot_id = ?1 AND update_id IS NOT NULL GROUP BY update_id) AS i"
    " WHERE activity.snapshot_id = ?1 AND activity.update_id = i.update_id"
    " AND ((activity.kb IS NULL AND i.kb IS NOT NULL)"
    " OR (activity.title IS NULL AND i.title IS NOT NULL)"
    " OR (activity.product = 'unknown' AND i.product IS NOT NULL))",
    "UPDATE activity SET subject = coalesce(kb, title, update_id, package)"
    " WHERE snapshot_id = ?1 AND update_id IS NOT NULL AND subject IS NOT NULL"
    " AND subject IS NOT coalesce(kb, title, update_id, package)",
};

static int run_snap(wd_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (r == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, s->snap);
        r = wd_store__run(st);
    }
    sqlite3_finalize(st);
    return r;
}

/* ------------------------------------------------------------- UTC time */

static int first_text(wd_store *s, const char *sql, int64_t snap, wd_buf *out);

/* Text logs (WindowsUpdate.log, CBS.log, DISM.log) give local time without
 * a zone; events and the update history give UTC. When the evidence states
 * the machine's offset from UTC (the fact time.utc_offset, "+01:00": from
 * CBS.log's "Universal Time is:" lines or the capture's facts.txt), local
 * times become UTC so that one time line orders them: a failure logged at
 * 10:00 local on a UTC+2 machine came before a success event at 09:30Z.
 * Each time takes the offset stated last before it (a change of daylight
 * saving time moves it), else the first stated after it, else the capture's. */
#define UTC_MODIFIER                                                                         \
    "SELECT CASE substr(o.value, 1, 1) WHEN '-' THEN '+' ELSE '-' END ||"                      \
    " (CAST(substr(o.value, 2, 2) AS INTEGER) * 60 + CAST(substr(o.value, 5, 2) AS INTEGER))"   \
    " || ' minutes' FROM fact o WHERE o.snapshot_id = ?1 AND o.key = 'time.utc_offset'"       \
    " AND o.value GLOB '[+-][0-9][0-9]:[0-9][0-9]'"
#define UTC_OFFSET_OF(col)                                                                   \
    "coalesce((" UTC_MODIFIER " AND o.time <= " col " ORDER BY o.time DESC LIMIT 1),"         \
    " (" UTC_MODIFIER " AND o.time > " col " ORDER BY o.time LIMIT 1),"                       \
    " (" UTC_MODIFIER " AND o.time IS NULL LIMIT 1))"
#define UTC_LOCAL(col)                                                                       \
    col " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'" \
    " AND substr(" col ", -1) <> 'Z' AND " col " NOT GLOB '*[+-][0-9][0-9]:[0-9][0-9]'"
#define UTC_OF(col) "strftime('%Y-%m-%dT%H:%M:%fZ', " col ", " UTC_OFFSET_OF(col) ")"
#define UTC_KNOWN " AND EXISTS (" UTC_MODIFIER ")"

static const char *const utc_sql[] = {
    "UPDATE activity SET time = coalesce(" UTC_OF("activity.time") ", time),"
    " last_time = CASE WHEN " UTC_LOCAL("activity.last_time") " THEN coalesce("
    UTC_OF("activity.last_time") ", last_time) ELSE last_time END"
    " WHERE snapshot_id = ?1 AND " UTC_LOCAL("activity.time") UTC_KNOWN,
    /* the offset facts last: the activities chose theirs by local time */
    "UPDATE fact SET time = coalesce(" UTC_OF("fact.time") ", time)"
    " WHERE snapshot_id = ?1 AND " UTC_LOCAL("fact.time") UTC_KNOWN,
};

/* Local times to UTC where the evidence says how; *changed when any moved. */
static int local_to_utc(wd_store *s, int *changed)
{
    int r = SQLITE_OK;
    *changed = 0;
    for (size_t i = 0; r == SQLITE_OK && i < sizeof utc_sql / sizeof *utc_sql; i++) {
        r = run_snap(s, utc_sql[i]);
        *changed |= r == SQLITE_OK && sqlite3_changes(s->db) > 0;
    }
    return r;
}

/* The newest time of the snapshot's activities and events, once local
 * times have become UTC: the evidence's end. */
static int evidence_end(wd_store *s)
{
    wd_buf t = WD_BUF_INIT;
    int r = first_text(s,
                       "SELECT max(t) FROM (SELECT max(time) AS t FROM activity WHERE"
                       " snapshot_id = ?1 UNION ALL SELECT max(e.time) FROM snapshot_event se"
                       " JOIN event e ON e.id = se.event_id WHERE se.snapshot_id = ?1)",
                       s->snap, &t);
    if (r == SQLITE_OK && t.len && t.len < sizeof s->evidence_time)
        memcpy(s->evidence_time, t.data, t.len + 1);
    wd_buf_free(&t);
    return r;
}

/* -------------------------------------------------------------- legacy */

/* The first row of sql (?1: a snapshot id) as text into out; 0 when none.
 * A SQLite code. */
static int first_text(wd_store *s, const char *sql, int64_t snap, wd_buf *out)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    wd_buf_reset(out);
    if (r == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, snap);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            wd_buf_puts(out, (const char *)sqlite3_column_text(st, 0));
        r = r == SQLITE_ROW || r == SQLITE_DONE ? SQLITE_OK : r;
    }
    sqlite3_finalize(st);
    return r == SQLITE_OK && !wd_buf_ok(out) ? SQLITE_NOMEM : r;
}

/* The name of stored snapshot snap by its evidence, as a collection of it
 * names it today when its earliest event decides (the text fp_event makes),
 * else from its earliest activity, else from its uid. A SQLite code. */
static int stored_fingerprint(wd_store *s, int64_t snap, char out[32])
{
    static const char *const sql[] = {
        "SELECT e.time || '|' || e.channel || '|' || e.record_id || '|' ||"
        " coalesce(e.provider, '') || '|' || e.event_id AS k FROM snapshot_event se"
        " JOIN event e ON e.id = se.event_id WHERE se.snapshot_id = ?1 AND e.time <> ''"
        " ORDER BY k LIMIT 1",
        "SELECT time || '|' || operation || '|' || coalesce(code, '') || '|' ||"
        " coalesce(source, '') || '|' || coalesce(line, '') AS k FROM activity"
        " WHERE snapshot_id = ?1 AND time IS NOT NULL ORDER BY k LIMIT 1",
        "SELECT uid FROM snapshot WHERE id = ?1",
    };
    static const char *const what[] = {"event", "stored-activity", "uid"};
    wd_buf k = WD_BUF_INIT;
    int r = SQLITE_OK;
    uint64_t h = WD_STORE_HASH_SEED;
    for (size_t i = 0; r == SQLITE_OK && i < 3; i++) {
        r = first_text(s, sql[i], snap, &k);
        if (r == SQLITE_OK && k.len) {
            h = i == 2 ? wd_store__hash(h, k.data)
                       : wd_store__hash(wd_store__hash(h, what[i]), k.data);
            break;
        }
    }
    wd_buf_free(&k);
    fp_name(h, out);
    return r;
}

/* The ids of the snapshots of machine "unknown" (only those merge.c just
 * copied when merged), into a malloc'd array. A SQLite code. */
static int unknown_snapshots(wd_store *s, int merged, int64_t **ids, size_t *n)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int r = sqlite3_prepare_v2(s->db, merged ? "SELECT s.id FROM snapshot s JOIN machine m"
                                               " ON m.id = s.machine_id WHERE m.name = 'unknown'"
                                               " AND s.id IN (SELECT new FROM temp.m_snap)"
                                             : "SELECT s.id FROM snapshot s JOIN machine m"
                                               " ON m.id = s.machine_id WHERE m.name = 'unknown'",
                               -1, &st, NULL);
    *ids = NULL;
    *n = 0;
    while (r == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t *slot = wd_array_grow(ids, n, &cap, sizeof *slot);
        if (!slot) {
            r = SQLITE_NOMEM;
            break;
        }
        *slot = sqlite3_column_int64(st, 0);
        r = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? SQLITE_OK : r;
}

int wd_store__relabel_unknown(wd_store *s, int merged)
{
    int64_t *ids = NULL;
    size_t n = 0;
    sqlite3_stmt *st = NULL;
    int r = unknown_snapshots(s, merged, &ids, &n);
    if (r == SQLITE_OK && n)
        r = sqlite3_prepare_v2(s->db, "UPDATE snapshot SET machine_id = ?1,"
                                      " machine_from = 'fingerprint' WHERE id = ?2", -1, &st,
                               NULL);
    for (size_t i = 0; r == SQLITE_OK && i < n; i++) {
        char name[32];
        int64_t mid = 0;
        r = stored_fingerprint(s, ids[i], name);
        if (r == SQLITE_OK)
            r = machine_id(s, name, &mid);
        if (r == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, mid);
            sqlite3_bind_int64(st, 2, ids[i]);
            r = wd_store__run(st);
        }
    }
    sqlite3_finalize(st);
    free(ids);
    if (r == SQLITE_OK && n)
        r = sqlite3_exec(s->db, "DELETE FROM machine WHERE name = 'unknown' AND NOT EXISTS"
                                " (SELECT 1 FROM snapshot WHERE machine_id = machine.id)",
                         NULL, NULL, NULL);
    return r;
}

/* --------------------------------------------------------------- finish */

int wd_store__finish_snapshot(wd_store *s)
{
    sqlite3_stmt *st = NULL;
    char fp_name[32];
    const char *name = NULL, *from = NULL;
    int64_t mid = 0;
    int r = decide_machine(s, fp_name, &name, &from);
    if (r == SQLITE_OK)
        r = machine_id(s, name, &mid);
    for (size_t i = 0; r == SQLITE_OK && i < sizeof complete_sql / sizeof *complete_sql; i++)
        r = run_snap(s, complete_sql[i]);
    int moved = 0;
    if (r == SQLITE_OK)
        r = local_to_utc(s, &moved);
    if (r == SQLITE_OK && moved)
        r = evidence_end(s);
    if (r == SQLITE_OK)
        r = sqlite3_prepare_v2(s->db, "UPDATE snapshot SET machine_id = ?1, evidence_time = ?2,"
                                      " events = ?3, activities = ?4, failures = ?5,"
                                      " machine_from = ?6 WHERE id = ?7", -1, &st, NULL);
    if (r == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, mid);
        sqlite3_bind_text(st, 2, s->evidence_time[0] ? s->evidence_time : NULL, -1,
                          SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, s->nevents);
        sqlite3_bind_int64(st, 4, s->nactivities);
        sqlite3_bind_int64(st, 5, s->nfailed);
        sqlite3_bind_text(st, 6, from, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, s->snap);
        r = wd_store__run(st);
    }
    sqlite3_finalize(st);
    return r;
}
