/* report.c - the report handle: loads a snapshot into the model, runs the
 * knowledge base's rules over it, optionally redacts it, and writes it as
 * report XML or as HTML through the stylesheet, atomically. */
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _WIN32
#include <io.h>
#include <windows.h>
#define fsync _commit /* flushes the file to disk, as fsync does */
#else
#define O_BINARY 0
#endif

struct wd_report {
    wd_model *m;
    wd_kb *kb;
    wd_report_options o; /* strings below, owned */
    char *kb_dir, *template_path, *command_line, *db_path;
    char **fixes, **evidence; /* per finding, comma-joined */
};

/* ============================================================== building */

static char *join(char **items, size_t n)
{
    wd_buf b = WD_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            wd_buf_putc(&b, ',');
        wd_buf_puts(&b, items[i] ? items[i] : "");
    }
    if (!wd_buf_ok(&b)) {
        wd_buf_free(&b);
        return NULL;
    }
    return b.data ? wd_buf_detach(&b) : wd_strdup("");
}

static int keep_options(wd_report *r, const wd_report_options *o)
{
    if (!o)
        return WD_OK;
    r->o.redact = o->redact;
    r->kb_dir = wd_strdup(o->kb_dir);
    r->template_path = wd_strdup(o->template_path);
    r->command_line = wd_strdup(o->command_line);
    r->db_path = wd_strdup(o->db_path);
    if ((o->kb_dir && !r->kb_dir) || (o->template_path && !r->template_path) ||
        (o->command_line && !r->command_line) || (o->db_path && !r->db_path))
        return WD_ENOMEM;
    return WD_OK;
}

static void point_options(wd_report *r)
{
    r->o.kb_dir = r->kb_dir;
    r->o.template_path = r->template_path;
    r->o.command_line = r->command_line;
    r->o.db_path = r->db_path;
}

static int join_findings(wd_report *r)
{
    size_t n = r->m->nfindings;
    r->fixes = calloc(n + 1, sizeof *r->fixes);
    r->evidence = calloc(n + 1, sizeof *r->evidence);
    if (!r->fixes || !r->evidence)
        return wd_error_set(WD_ENOMEM, "out of memory analysing the snapshot");
    for (size_t i = 0; i < n; i++) {
        const wd_finding *f = &r->m->findings[i];
        r->fixes[i] = join(f->fixes, f->nfixes);
        r->evidence[i] = join(f->evidence, f->nevidence);
        if (!r->fixes[i] || !r->evidence[i])
            return wd_error_set(WD_ENOMEM, "out of memory analysing the snapshot");
    }
    return WD_OK;
}

int wd_report_build(wd_store *s, int64_t snap, const wd_report_options *opts, wd_report **out)
{
    int rc;
    wd_report *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return wd_error_set(WD_ENOMEM, "out of memory building the report");
    rc = keep_options(r, opts);
    if (rc) {
        rc = wd_error_set(WD_ENOMEM, "out of memory building the report");
        goto cleanup;
    }
    if ((rc = wd_model_load(s, snap, &r->m)) || (rc = wd_kb_load(r->kb_dir, &r->kb)) ||
        (rc = wd_rules_run(r->kb, r->m)))
        goto cleanup;
    if (r->o.redact) {
        char **extra[] = {&r->command_line, &r->db_path};
        if ((rc = wd_redact_model(r->m, extra, 2)))
            goto cleanup;
    }
    point_options(r);
    rc = join_findings(r);
cleanup:
    if (rc)
        wd_report_free(r);
    else
        *out = r;
    return rc;
}

void wd_report_free(wd_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->m && i < r->m->nfindings; i++) {
        if (r->fixes)
            free(r->fixes[i]);
        if (r->evidence)
            free(r->evidence[i]);
    }
    free(r->fixes);
    free(r->evidence);
    wd_model_free(r->m);
    wd_kb_free(r->kb);
    free(r->kb_dir), free(r->template_path), free(r->command_line), free(r->db_path);
    free(r);
}

const char *wd_report_verdict(const wd_report *r)
{
    const char *v = r->m->verdict;
    if (v && (!strcmp(v, "healthy") || !strcmp(v, "warning") || !strcmp(v, "failing")))
        return v;
    return r->m->nfindings ? "warning" : "healthy";
}

size_t wd_report_finding_count(const wd_report *r)
{
    return r->m->nfindings;
}

void wd_report_finding(const wd_report *r, size_t i, wd_finding_rec *out)
{
    const wd_finding *f = &r->m->findings[i];
    out->rule = f->rule;
    out->severity = f->severity;
    out->title = f->title;
    out->explanation = f->explanation;
    out->fixes = r->fixes[i];
    out->evidence = r->evidence[i];
}

/* =============================================================== writing */

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w, len -= (size_t)w;
    }
    return 0;
}

static int replace_file(const char *tmp, const char *path)
{
#ifdef _WIN32
    return MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
#else
    return rename(tmp, path);
#endif
}

/* Standard output ("-o -"): escaped when it is a terminal, so evidence text
 * cannot drive it; byte for byte into a pipe or a file. */
static int write_stdout(const char *data, size_t len)
{
    int rc = isatty(fileno(stdout)) ? wd_write_printable(stdout, data, len)
             : fwrite(data, 1, len, stdout) == len ? WD_OK
                                                   : WD_EIO;
    if (rc == WD_OK && fflush(stdout) == 0)
        return WD_OK;
    return wd_error_set(errno == ENOSPC ? WD_EFULL : WD_EIO,
                        "cannot write the report to standard output: %s", strerror(errno));
}

/* Writes data to a regular file (wd_output_target refuses anything else)
 * through a temporary file beside it, then renames it over the target:
 * every write, the fsync and the close are checked, and on any failure the
 * target is left as it was. */
int wd_write_atomic(const char *path, const char *data, size_t len)
{
    wd_buf tmp = WD_BUF_INIT;
    char *target = NULL;
    int fd = -1, rc = WD_OK;
    if (!strcmp(path, "-"))
        return write_stdout(data, len);
    if ((rc = wd_output_target(path, &target)) != 0)
        return rc;
    wd_buf_printf(&tmp, "%s.tmp.%ld", target, (long)getpid());
    if (!wd_buf_ok(&tmp)) {
        rc = wd_error_set(WD_ENOMEM, "out of memory writing %s", path);
        goto cleanup;
    }
    fd = open(wd_buf_cstr(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_BINARY, 0644);
    if (fd < 0) {
        rc = wd_error_set(errno == ENOSPC                     ? WD_EFULL
                          : errno == EROFS || errno == EACCES ? WD_EREADONLY
                                                              : WD_EIO,
                          "cannot write the report: %s: %s", path, strerror(errno));
        goto cleanup;
    }
    int bad = write_all(fd, data, len) || fsync(fd);
    int err = errno;
    if (close(fd) && !bad)
        bad = 1, err = errno;
    fd = -1;
    if (bad) {
        rc = wd_error_set(err == ENOSPC ? WD_EFULL : WD_EIO, "cannot write the report: %s: %s",
                          path, strerror(err));
        unlink(wd_buf_cstr(&tmp));
        goto cleanup;
    }
    if (replace_file(wd_buf_cstr(&tmp), target)) {
        rc = wd_error_set(WD_EIO, "cannot write the report: %s: %s", path, strerror(errno));
        unlink(wd_buf_cstr(&tmp));
    }
cleanup:
    if (fd >= 0) {
        close(fd);
        unlink(wd_buf_cstr(&tmp));
    }
    free(target);
    wd_buf_free(&tmp);
    return rc;
}

int wd_report_write(const wd_report *r, const char *format, const char *path)
{
    void *doc = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc;
    int html = !format || !strcmp(format, "html");
    if (!html && strcmp(format, "xml"))
        return wd_error_set(WD_EUSAGE, "unknown report format '%s' (html or xml)", format);
    rc = wd_report_xml_build(r->m, r->kb, &r->o, &doc);
    if (!rc)
        rc = html ? wd_xslt_apply(doc, r->o.template_path, wd_tpl_report_xsl, wd_tpl_report_xsl_len,
                                  &text, &len)
                  : wd_xml_doc_dump(doc, &text, &len);
    if (!rc)
        rc = wd_write_atomic(path ? path : "-", text, len);
    free(text);
    wd_xml_doc_free(doc);
    return rc;
}
