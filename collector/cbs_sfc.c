/* cbs_sfc.c - System File Checker runs inside CBS.log: "[SR]" lines of CSI
 * and "[Pnp]" lines of DEPLOY. One sfc activity per run (failed when files
 * stay damaged, count = how many), one per damaged file (failed, target =
 * the file) and one per repaired file (succeeded). The run's own closing
 * line ("... have been successfully repaired") is not its outcome: it is
 * written even when files could not be repaired. */
#include "servicing.h"

#include <ctype.h>
#include <string.h>

/* Namespaces of the hashes a run remembers. */
#define H_SPEC 0x5bd1e9955bd1e995ull   /* a "Cannot repair member file" entry */
#define H_NAME 0x2545f4914f6cdd1dull   /* a damaged file's base name */
#define H_FIXED 0x9e3779b97f4a7c15ull  /* a repaired file's base name */
#define H_FOUND 0xc2b2ae3d27d4eb4full  /* found damaged while verifying */

/* Remembers h; 1 when it was new (or the set is full: then every file counts). */
static int remember(sfc_run *r, uint64_t h)
{
    for (unsigned i = 0; i < r->nseen; i++)
        if (r->seen[i] == h)
            return 0;
    if (r->nseen < SFC_SEEN)
        r->seen[r->nseen++] = h;
    return 1;
}

/* The path a CBS file spec names, as Windows would write it:
 * `[l:23 ml:24]"\??\C:\WINDOWS\SysWOW64"[l:10]"opencl.dll"` and
 * `\??\C:\Windows\System32\\esent.dll` give C:\WINDOWS\SysWOW64\opencl.dll
 * and C:\Windows\System32\esent.dll: length tags dropped, quoted parts
 * joined, doubled separators collapsed, the \??\ prefix removed. */
static void spec_path(const char *s, size_t n, char *out, size_t outsz)
{
    size_t o = 0;
    char quote = 0;
    for (size_t i = 0; i < n && o + 2 < outsz; i++) {
        char ch = s[i];
        if (!quote && ch == '[') {
            while (i < n && s[i] != ']')
                i++;
            continue;
        }
        if (ch == '"' || ch == '\'') {
            if (!quote && o && out[o - 1] != '\\')
                out[o++] = '\\';
            quote = quote ? 0 : ch;
            continue;
        }
        if (ch == '\\' && o && out[o - 1] == '\\')
            continue;
        out[o++] = ch;
    }
    out[o] = '\0';
    if (!strncmp(out, "\\??\\", 4))
        memmove(out, out + 4, o - 3);
}

/* The file a "Cannot repair member file" entry names: its first quoted
 * part ("[l:10]'dnsapi.dll' of Microsoft-Windows-DNS-Client-MinWin, ..."). */
static void spec_name(const char *spec, char *out, size_t outsz)
{
    const char *q = spec + strcspn(spec, "'\"");
    if (!*q) {
        svc_copy(out, outsz, spec, (size_t)(wd_text_token_end(spec) - spec));
        return;
    }
    const char *e = strchr(q + 1, *q);
    svc_copy(out, outsz, q + 1, e ? (size_t)(e - q - 1) : strlen(q + 1));
}

static uint64_t base_hash(const char *path, uint64_t ns)
{
    const char *b = strrchr(path, '\\');
    b = b ? b + 1 : path;
    return svc_hash(b, strlen(b)) ^ ns;
}

static int file_activity(svc_ctx *c, sfc_run *r, wd_outcome o, const char *target,
                         const char *time, const char *detail, uint64_t line, const char *source)
{
    if (r->files >= SFC_FILES_MAX) {
        r->files_dropped++;
        return 0;
    }
    r->files++;
    wd_activity_rec a = {.operation = WD_OP_SFC, .outcome = o, .time = time, .target = target,
                         .count = -1, .component = source, .detail = detail};
    return svc_emit(c, &a, line);
}

/* "[SR] Cannot repair member file <spec> in the store, hash mismatch". */
static int cannot_repair(svc_ctx *c, sfc_run *r, const svc_line *l, const char *spec)
{
    const char *end = strstr(spec, " in the store");
    size_t n = end ? (size_t)(end - spec) : strlen(spec);
    char name[SVC_PATH_MAX];
    spec_name(spec, name, sizeof name);
    if (!remember(r, svc_hash(spec, n) ^ H_SPEC))
        return 0; /* CSI writes each entry twice */
    remember(r, base_hash(name, H_NAME));
    r->unrepaired++;
    return file_activity(c, r, WD_OUT_FAILED, name, l->time, l->msg, c->line, l->source);
}

/* "[SR] Could not reproject corrupted file <path>; source file in store is
 * also corrupted": the file itself stays damaged. Counted only when no
 * "Cannot repair" entry named it already. */
static int not_reprojected(svc_ctx *c, sfc_run *r, const svc_line *l, const char *spec)
{
    char path[SVC_PATH_MAX];
    spec_path(spec, strcspn(spec, ";"), path, sizeof path);
    if (!remember(r, base_hash(path, H_NAME)))
        return 0;
    r->unrepaired++;
    return file_activity(c, r, WD_OUT_FAILED, path, l->time, l->msg, c->line, l->source);
}

/* "[SR] Repairing file <path> from store", "Repairing corrupted file <spec>
 * from store", "Repaired file <spec> by copying from backup". While
 * verifying these only say a file was found damaged (no repair happens). */
static int repaired(svc_ctx *c, sfc_run *r, const svc_line *l, const char *spec)
{
    char path[SVC_PATH_MAX];
    const char *e = strstr(spec, " from store");
    if (!e)
        e = strstr(spec, " by copying");
    spec_path(spec, e ? (size_t)(e - spec) : strlen(spec), path, sizeof path);
    if (r->phase == SFC_VERIFY) {
        r->verify_found += remember(r, base_hash(path, H_FOUND));
        return 0;
    }
    if (!remember(r, base_hash(path, H_FIXED)))
        return 0;
    r->repaired++;
    return file_activity(c, r, WD_OUT_SUCCEEDED, path, l->time, l->msg, c->line, l->source);
}

static void start_run(sfc_run *r, const svc_line *l, uint64_t line)
{
    memset(r, 0, sizeof *r);
    r->active = 1;
    svc_copy(r->start, sizeof r->start, l->time, strlen(l->time));
    svc_copy(r->end, sizeof r->end, l->time, strlen(l->time));
    r->end_line = line;
}

/* Lines that close a run and start none when no run is open. */
static int trailer(const char *t)
{
    return svc_starts(t, "Committing transaction") || svc_starts(t, "Verify and Repair Transaction") ||
           svc_starts(t, "This component was referenced") || svc_starts(t, "Repair complete");
}

static int sr_line(svc_ctx *c, sfc_run *r, const svc_line *l, const char *t)
{
    int rc = 0;
    if (!r->active && trailer(t))
        return 0;
    if (r->active && r->phase == SFC_DONE && svc_starts(t, "Verifying "))
        rc = sfc_close(c, r, 0); /* a new run without its "SFP repair object" line */
    if (rc)
        return rc;
    if (!r->active)
        start_run(r, l, c->line);
    svc_copy(r->end, sizeof r->end, l->time, strlen(l->time));
    r->end_line = c->line;
    if (svc_starts(t, "Repairing ") && isdigit((unsigned char)t[10]))
        r->phase = SFC_REPAIR;
    else if (svc_starts(t, "Repair complete"))
        r->phase = SFC_DONE;
    else if (svc_starts(t, "Cannot repair member file "))
        return cannot_repair(c, r, l, t + 26);
    else if (svc_starts(t, "Could not reproject corrupted file "))
        return not_reprojected(c, r, l, t + 35);
    else if (svc_starts(t, "Repairing corrupted file "))
        return repaired(c, r, l, t + 25);
    else if (svc_starts(t, "Repairing file "))
        return repaired(c, r, l, t + 15);
    else if (svc_starts(t, "Repaired file "))
        return repaired(c, r, l, t + 14);
    return 0;
}

/* "[Pnp] Corrupt file: C:\WINDOWS\System32\drivers\BthA2dp.sys" and its
 * "[Pnp] Repaired file: ..." (Windows 11 drivers, after "Repair complete"). */
static int pnp_line(svc_ctx *c, sfc_run *r, const svc_line *l, const char *t)
{
    char path[SVC_PATH_MAX];
    if (!r->active)
        return 0;
    svc_copy(r->end, sizeof r->end, l->time, strlen(l->time));
    r->end_line = c->line;
    if (svc_starts(t, "Corrupt file:") && svc_field(t, "Corrupt file:", "", path, sizeof path)) {
        if (r->npnp < SFC_PNP)
            svc_copy(r->pnp[r->npnp++], SVC_PATH_MAX, path, strlen(path));
        else
            r->pnp_lost++;
        return 0;
    }
    if (!svc_field(t, "Repaired file:", "", path, sizeof path))
        return 0;
    for (unsigned i = 0; i < r->npnp; i++)
        if (wd_strcaseeq(r->pnp[i], path)) {
            memmove(r->pnp[i], r->pnp[i + 1], (r->npnp - i - 1) * sizeof r->pnp[0]);
            r->npnp--;
            break;
        }
    r->repaired++;
    return file_activity(c, r, WD_OUT_SUCCEEDED, path, l->time, l->msg, c->line, l->source);
}

int sfc_line(svc_ctx *c, sfc_run *r, const svc_line *l, int *rc)
{
    *rc = 0;
    if (!strcmp(l->source, "CSI") && svc_starts(l->text, "[SR] ")) {
        *rc = sr_line(c, r, l, l->text + 5);
        return 1;
    }
    if (!strcmp(l->source, "DEPLOY") && svc_starts(l->msg, "[Pnp] ")) {
        *rc = pnp_line(c, r, l, l->msg + 6);
        return 1;
    }
    if (!strcmp(l->source, "CBS") && svc_starts(l->msg, "TiWorker: Client requests SFP repair")) {
        if (r->active)
            *rc = sfc_close(c, r, 0);
        if (!*rc)
            start_run(r, l, c->line);
        return 1;
    }
    return 0;
}

int sfc_other_line(svc_ctx *c, sfc_run *r)
{
    return r->active && r->phase == SFC_DONE ? sfc_close(c, r, 0) : 0;
}

/* The run's outcome: failed when files stay damaged; succeeded when its
 * repair phase completed with none left; unknown without a repair phase
 * (sfc /verifyonly, or a run cut short). */
static wd_outcome run_outcome(const sfc_run *r, int64_t left)
{
    if (left > 0)
        return WD_OUT_FAILED;
    return r->phase == SFC_DONE ? WD_OUT_SUCCEEDED : WD_OUT_UNKNOWN;
}

static int pending_pnp(svc_ctx *c, sfc_run *r)
{
    int rc = 0;
    for (unsigned i = 0; i < r->npnp && !rc; i++)
        rc = file_activity(c, r, WD_OUT_FAILED, r->pnp[i], r->end,
                           "[Pnp] Corrupt file, and no [Pnp] Repaired file for it", r->end_line,
                           "DEPLOY");
    return rc;
}

int sfc_close(svc_ctx *c, sfc_run *r, int at_eof)
{
    if (!r->active)
        return 0;
    int64_t left = r->unrepaired + r->npnp + r->pnp_lost;
    if (r->phase == SFC_VERIFY)
        left += r->verify_found;
    int rc = pending_pnp(c, r);
    wd_buf d = WD_BUF_INIT;
    wd_buf_printf(&d, "sfc run from %s: %lld file(s) not repaired, %lld repaired%s", r->start,
                  (long long)left, (long long)r->repaired,
                  r->phase == SFC_DONE ? ""
                  : at_eof             ? "; the log ends before the run does"
                                       : "; no repair phase (sfc /verifyonly or interrupted)");
    wd_activity_rec a = {.operation = WD_OP_SFC, .outcome = run_outcome(r, left), .time = r->end,
                         .count = left, .component = "CSI", .detail = wd_buf_cstr(&d)};
    if (!rc)
        rc = svc_emit(c, &a, r->end_line);
    if (!rc && r->files_dropped)
        rc = wd_note(c->sink, WD_NOTE_LIMIT, c->in->path,
                     "sfc named more files than are kept one by one; the run's count has them all",
                     "line %llu", (unsigned long long)r->end_line);
    wd_buf_free(&d);
    r->active = 0;
    return rc;
}
