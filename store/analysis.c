/* analysis.c - keeping what the analysis concluded about a snapshot: its
 * verdict and findings, each finding's typed references to the rows it
 * cites (finding_evidence), and where each update stands (update_state),
 * in one transaction of its own or, while the snapshot's own transaction
 * is still open, in a savepoint inside it. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ references */

static const char *const ref_names[] = {
    [WD_REF_ACTIVITY] = "activity", [WD_REF_EVENT] = "event", [WD_REF_SERVICE] = "service",
    [WD_REF_FACT] = "fact",         [WD_REF_NOTE] = "note",   [WD_REF_SOURCE] = "source",
};

#define NREF_NAMES (sizeof ref_names / sizeof *ref_names)

const char *wd_ref_kind_name(wd_ref_kind k)
{
    return (size_t)k < NREF_NAMES && ref_names[k] ? ref_names[k] : NULL;
}

wd_ref_kind wd_ref_kind_parse(const char *name)
{
    for (size_t i = 1; name && i < NREF_NAMES; i++)
        if (!strcmp(ref_names[i], name))
            return (wd_ref_kind)i;
    return (wd_ref_kind)0;
}

static int insert_ref(sqlite3_stmt *st, int64_t finding, int64_t seq, wd_ref ref)
{
    const char *kind = wd_ref_kind_name(ref.kind);
    if (!kind)
        return SQLITE_OK; /* not a kind the store knows: nothing to cite */
    sqlite3_bind_int64(st, 1, finding);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ref.row_id);
    return wd_store__run(st);
}

int wd_store__insert_refs(wd_store *s, int64_t finding, const wd_finding_rec *f)
{
    sqlite3_stmt *st = NULL;
    int64_t seq = 0;
    int r = sqlite3_prepare_v2(s->db, "INSERT INTO finding_evidence(finding_id, seq, kind,"
                                      " row_id) VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL);
    for (size_t i = 0; r == SQLITE_OK && f->refs && i < f->nrefs; i++)
        r = insert_ref(st, finding, seq++, f->refs[i]);
    sqlite3_finalize(st);
    return r;
}

/* --------------------------------------------------------------- saving */

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static int insert_findings(wd_store *s, int64_t snap, const wd_finding_rec *f, size_t n)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "DELETE FROM finding WHERE snapshot_id = ?1", -1, &st,
                                NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, snap);
        rc = wd_store__run(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO finding(snapshot_id, rule, severity, title,"
                                       " explanation, fixes, cause, known_issue, state,"
                                       " first_fix)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &st,
                                NULL);
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        sqlite3_bind_int64(st, 1, snap);
        bind_text(st, 2, f[i].rule ? f[i].rule : "");
        bind_text(st, 3, f[i].severity);
        bind_text(st, 4, f[i].title);
        bind_text(st, 5, f[i].explanation);
        bind_text(st, 6, f[i].fixes);
        bind_text(st, 7, f[i].cause);
        bind_text(st, 8, f[i].known_issue);
        bind_text(st, 9, f[i].state);
        bind_text(st, 10, f[i].first_fix);
        rc = wd_store__run(st);
        if (rc == SQLITE_OK)
            rc = wd_store__insert_refs(s, sqlite3_last_insert_rowid(s->db), &f[i]);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Sets the verdict and finding count; *found says whether the row exists. */
static int set_verdict(wd_store *s, int64_t snap, const char *verdict, size_t n, int *found)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "UPDATE snapshot SET verdict = ?1, findings = ?2 "
                                       "WHERE id = ?3", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_text(st, 1, verdict);
        sqlite3_bind_int64(st, 2, (int64_t)n);
        sqlite3_bind_int64(st, 3, snap);
        rc = wd_store__run(st);
        *found = sqlite3_changes64(s->db) > 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* The transaction around the analysis: its own, or a savepoint inside the
 * open snapshot's. Returns WD_OK or the error. */
static int open_tx(wd_store *s, int nested)
{
    if (nested)
        return wd_store__exec(s, "SAVEPOINT analysis", "saving the analysis in");
    return wd_store__exec(s, "BEGIN IMMEDIATE", "saving the analysis in");
}

static int close_tx(wd_store *s, int nested, int ok)
{
    if (ok)
        return sqlite3_exec(s->db, nested ? "RELEASE analysis" : "COMMIT", NULL, NULL, NULL);
    if (nested && !sqlite3_get_autocommit(s->db)) {
        sqlite3_exec(s->db, "ROLLBACK TO analysis", NULL, NULL, NULL);
        sqlite3_exec(s->db, "RELEASE analysis", NULL, NULL, NULL);
    } else if (!nested && !sqlite3_get_autocommit(s->db)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return SQLITE_OK;
}

/* May an analysis be saved now? *nested: inside the open snapshot. */
static int can_save(wd_store *s, int *nested)
{
    *nested = s->snap != 0;
    if (s->readonly)
        return wd_error_set(WD_EREADONLY, "cannot write %s: read-only", s->path);
    if (s->snap && s->failed)
        return wd_error_set(s->failed, "%s", s->failed_message ? s->failed_message
                                                                : "the snapshot failed");
    if (s->snap && !s->finished)
        return wd_error_set(WD_EUSAGE, "finish the open snapshot before saving an analysis");
    return WD_OK;
}

/* Runs write(s, snapshot_id, arg, n) in the analysis transaction (its own,
 * or a savepoint inside the open snapshot's): write sets *found when the
 * snapshot exists. */
typedef int (*save_fn)(wd_store *s, int64_t snap, const void *arg, size_t n, int *found);

static int save(wd_store *s, int64_t snapshot_id, save_fn write, const void *arg, size_t n)
{
    int found = 0, nested = 0, r, rc;
    if ((rc = can_save(s, &nested)) != WD_OK || (rc = open_tx(s, nested)) != WD_OK)
        return rc;
    r = write(s, snapshot_id, arg, n, &found);
    if (r == SQLITE_OK && found)
        r = close_tx(s, nested, 1);
    if (r != SQLITE_OK)
        rc = wd_store__error(s, r, "saving the analysis in");
    else if (!found)
        rc = wd_error_set(WD_ENOTFOUND, "no snapshot %lld in %s", (long long)snapshot_id,
                          s->path);
    if (rc) {
        close_tx(s, nested, 0);
        /* a failure that ended the snapshot's transaction ends the snapshot */
        if (nested && sqlite3_get_autocommit(s->db) && !s->failed) {
            s->failed = rc;
            free(s->failed_message);
            s->failed_message = wd_strdup(wd_error_last());
        }
    }
    return rc;
}

typedef struct analysis_arg {
    const char *verdict;
    const wd_finding_rec *findings;
} analysis_arg;

static int write_analysis(wd_store *s, int64_t snap, const void *arg, size_t n, int *found)
{
    const analysis_arg *a = arg;
    int r = set_verdict(s, snap, a->verdict, n, found);
    if (r == SQLITE_OK && *found)
        r = insert_findings(s, snap, a->findings, n);
    return r;
}

int wd_store_save_analysis(wd_store *s, int64_t snapshot_id, const char *verdict,
                           const wd_finding_rec *findings, size_t n)
{
    analysis_arg a = {verdict, findings};
    if (!s || (n && !findings))
        return wd_error_set(WD_EUSAGE, "wd_store_save_analysis: nothing to save");
    return save(s, snapshot_id, write_analysis, &a, n);
}

/* ------------------------------------------------------- update states */

static int snapshot_exists(wd_store *s, int64_t snap, int *found)
{
    sqlite3_stmt *st = NULL;
    int r = sqlite3_prepare_v2(s->db, "SELECT 1 FROM snapshot WHERE id = ?1", -1, &st, NULL);
    if (r == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, snap);
        r = sqlite3_step(st);
        *found = r == SQLITE_ROW;
        r = r == SQLITE_ROW || r == SQLITE_DONE ? SQLITE_OK : r;
    }
    sqlite3_finalize(st);
    return r;
}

static void bind_update(sqlite3_stmt *st, int64_t snap, const wd_update_rec *u)
{
    sqlite3_bind_int64(st, 1, snap);
    bind_text(st, 2, u->key ? u->key : "");
    bind_text(st, 3, u->kb);
    bind_text(st, 4, u->title);
    bind_text(st, 5, u->product);
    bind_text(st, 6, u->state ? u->state : "none");
    if (u->has_code)
        sqlite3_bind_int64(st, 7, u->code);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_int64(st, 8, u->failures);
    sqlite3_bind_int64(st, 9, u->successes);
    bind_text(st, 10, u->first_failure);
    bind_text(st, 11, u->last_failure);
    bind_text(st, 12, u->last_success);
}

static int write_updates(wd_store *s, int64_t snap, const void *arg, size_t n, int *found)
{
    const wd_update_rec *u = arg;
    sqlite3_stmt *st = NULL;
    int r = snapshot_exists(s, snap, found);
    if (r != SQLITE_OK || !*found)
        return r;
    r = sqlite3_prepare_v2(s->db, "DELETE FROM update_state WHERE snapshot_id = ?1", -1, &st,
                           NULL);
    if (r == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, snap);
        r = wd_store__run(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (r == SQLITE_OK)
        r = sqlite3_prepare_v2(s->db, "INSERT INTO update_state(snapshot_id, key, kb, title,"
                                      " product, state, code, failures, successes,"
                                      " first_failure, last_failure, last_success) VALUES"
                                      " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                               -1, &st, NULL);
    for (size_t i = 0; i < n && r == SQLITE_OK; i++) {
        bind_update(st, snap, &u[i]);
        r = wd_store__run(st);
    }
    sqlite3_finalize(st);
    return r;
}

int wd_store_save_updates(wd_store *s, int64_t snapshot_id, const wd_update_rec *updates,
                          size_t n)
{
    if (!s || (n && !updates))
        return wd_error_set(WD_EUSAGE, "wd_store_save_updates: nothing to save");
    return save(s, snapshot_id, write_updates, updates, n);
}
