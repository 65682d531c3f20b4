/* render.c - issue 6 benchmark: stores a snapshot with 10,000 events and
 * 1,000 failures, times wd_report_write to HTML (report XML built with
 * libxml2, then templates/report.xsl through libxslt) against `xsltproc`
 * applying the same stylesheet to the same XML, and prints the ratio and the
 * report's size (anchors: at most 2x xsltproc, under 2 MB).
 *
 * Usage: bench_render DIR [EVENTS [FAILURES]] */
#include "report.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const unsigned char wd_tpl_report_xsl[];
extern const size_t wd_tpl_report_xsl_len;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stamp(int i, char out[WD_TIME_MAX])
{
    wd_time_format(1500000000 + (int64_t)i * 600, i % 1000 * 1000, out);
}

static int add_events(wd_store *s, int n)
{
    static const uint32_t ids[] = {19, 43, 44, 41, 7036, 16, 26, 7040};
    char t[WD_TIME_MAX], title[96], guid[48];
    for (int i = 0; i < n; i++) {
        uint32_t id = ids[i % 8];
        int scm = id >= 7000;
        snprintf(title, sizeof title, "2017-%02d Cumulative Update for Windows 10 (KB40%05d)",
                 i % 12 + 1, i % 40);
        snprintf(guid, sizeof guid, "{%08x-0000-4000-8000-%012d}", (unsigned)i * 2654435761u, i);
        wd_field f[] = {{scm ? "param1" : "updateTitle", scm ? "Windows Update" : title},
                        {scm ? "param2" : "updateGuid", scm ? "running" : guid}};
        stamp(i, t);
        wd_event_rec e = {.channel = "System",
                          .provider = scm ? "Service Control Manager"
                                          : "Microsoft-Windows-WindowsUpdateClient",
                          .event_id = id,
                          .level = 4,
                          .record_id = (uint64_t)i + 1,
                          .time = t,
                          .computer = "BENCH-PC",
                          .fields = f,
                          .nfields = 2,
                          .source = "System.evtx"};
        if (wd_store_add_event(s, &e))
            return -1;
    }
    return 0;
}

static int add_failures(wd_store *s, int n)
{
    static const uint32_t codes[] = {0x80248007, 0x80246013, 0x80070002, 0x800F081F, 0x8024402C};
    char t[WD_TIME_MAX], title[96], kb[16], ctx[128];
    for (int i = 0; i < n; i++) {
        snprintf(kb, sizeof kb, "KB40%05d", i % 40);
        snprintf(title, sizeof title, "2017-%02d Cumulative Update for Windows 10 (%s)", i % 12 + 1,
                 kb);
        snprintf(ctx, sizeof ctx, "Installation Failure: Windows failed to install %s", kb);
        stamp(i * 10 + 5, t);
        wd_activity_rec f = {.operation = WD_OP_INSTALL,
                             .outcome = WD_OUT_FAILED,
                             .has_code = 1,
                             .code = codes[i % 5],
                             .time = t,
                             .kb = kb,
                             .title = title,
                             .count = -1,
                             .detail = ctx,
                             .computer = "BENCH-PC",
                             .where = {WD_LOC_EVENT, "System.evtx", 0, "System",
                                       100000 + (uint64_t)i, 0}};
        if (wd_store_add_activity(s, &f))
            return -1;
    }
    return 0;
}

static int make_store(const char *db, int events, int failures, wd_store **s, int64_t *snap)
{
    unlink(db);
    if (wd_store_open(db, WD_STORE_CREATE, s) || wd_store_begin(*s, "bench_render", "bench"))
        return -1;
    wd_service_rec wu = {"wuauserv", "Windows Update", "stopped", "disabled", -1, 0, 0, "svc"};
    wd_source_rec src = {"System.evtx", "evtx", (uint64_t)events, (uint64_t)events, 0};
    if (wd_store_add_service(*s, &wu) || add_events(*s, events) || add_failures(*s, failures) ||
        wd_store_add_source(*s, &src))
        return -1;
    return wd_store_commit(*s, snap);
}

/* Best of three runs of xsltproc; -1 when it cannot run. */
static double time_xsltproc(const char *xsl, const char *xml, const char *out)
{
    double best = -1;
    for (int i = 0; i < 3; i++) {
        double t0 = now();
        pid_t pid = fork();
        if (pid == 0) {
            execlp("xsltproc", "xsltproc", "--nonet", "-o", out, xsl, xml, (char *)NULL);
            _exit(127);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st))
            return -1;
        double t = now() - t0;
        if (best < 0 || t < best)
            best = t;
    }
    return best;
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)st.st_size;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_render DIR [EVENTS [FAILURES]]\n");
        return 2;
    }
    int events = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 10000;
    int failures = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 1000;
    char db[4096], xml[4096], html[4096], xsl[4096], ref[4096];
    snprintf(db, sizeof db, "%s/bench.db", argv[1]);
    snprintf(xml, sizeof xml, "%s/report.xml", argv[1]);
    snprintf(html, sizeof html, "%s/report.html", argv[1]);
    snprintf(xsl, sizeof xsl, "%s/report.xsl", argv[1]);
    snprintf(ref, sizeof ref, "%s/xsltproc.html", argv[1]);
    wd_store *s = NULL;
    wd_report *r = NULL;
    int64_t snap = 0;
    if (make_store(db, events, failures, &s, &snap) || wd_report_build(s, snap, NULL, &r) ||
        wd_report_write(r, "xml", xml)) {
        fprintf(stderr, "bench_render: %s\n", wd_error_last());
        return 1;
    }
    FILE *f = fopen(xsl, "wb");
    if (!f || fwrite(wd_tpl_report_xsl, 1, wd_tpl_report_xsl_len, f) != wd_tpl_report_xsl_len ||
        fclose(f))
        return 1;
    double ours = -1;
    for (int i = 0; i < 3; i++) {
        double t0 = now();
        if (wd_report_write(r, "html", html)) {
            fprintf(stderr, "bench_render: %s\n", wd_error_last());
            return 1;
        }
        double t = now() - t0;
        if (ours < 0 || t < ours)
            ours = t;
    }
    double theirs = time_xsltproc(xsl, xml, ref);
    printf("events=%d failures=%d\n", events, failures);
    printf("wudiag html (XML build + XSLT + write): %.3f s\n", ours);
    printf("xsltproc (parse XML + XSLT + write):   %.3f s\n", theirs);
    if (theirs > 0)
        printf("ratio=%.2f (anchor: <= 2.00)\n", ours / theirs);
    printf("html_bytes=%ld xml_bytes=%ld (anchor: html < 2097152)\n", file_size(html),
           file_size(xml));
    wd_report_free(r);
    wd_store_close(s);
    return 0;
}
