/* finish.c - ending a snapshot's collection: deciding which machine it
 * belongs to (--machine, the evidence's machine.name fact, the computer its
 * records name most, else a fingerprint of the evidence, never a shared
 * name), completing activities' update identity from their siblings with
 * the same update id, and the snapshot's counts. */
#include "internal.h"

#include <stdio.h>
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

/* Where time t stands against the time that starts kept ("time|..."): <0
 * earlier (or nothing kept), 0 the same, >0 later. */
static int compare_time(const char *t, const wd_buf *kept)
{
    if (kept->len == 0)
        return -1;
    size_t n = strcspn(kept->data, "|"), tn = strlen(t);
    int c = strncmp(t, kept->data, tn < n ? tn : n);
    return c ? c : tn < n ? -1 : tn > n ? 1 : 0;
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
    snprintf(out, 32, "unnamed-%08x", (unsigned)((h ^ (h >> 32)) & 0xffffffffu));
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
