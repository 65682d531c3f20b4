/* cmd_diagnose.c - the verbs that carry evidence through the pipeline:
 * `collect` (evidence -> store), `report` (store -> report file) and
 * `diagnose` (both, in one step). The collector pushes records into a sink
 * that hands them to the store; the report reads them back. */
#include "cli.h"
#include "collector.h"
#include "progress.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct options {
    const char *evidence, *db, *output, *format, *kb, *template_path, *snapshot, *machine;
    int redact, quiet;
} options;

/* ------------------------------------------------------------------ sink */

typedef struct collect_ctx {
    wd_store *store;
} collect_ctx;

static int put_service(void *c, const wd_service_rec *r)
{
    return wd_store_add_service(((collect_ctx *)c)->store, r);
}
static int put_event(void *c, const wd_event_rec *r)
{
    return wd_store_add_event(((collect_ctx *)c)->store, r);
}
static int put_activity(void *c, const wd_activity_rec *r)
{
    return wd_store_add_activity(((collect_ctx *)c)->store, r);
}
static int put_fact(void *c, const wd_fact_rec *r)
{
    return wd_store_add_fact(((collect_ctx *)c)->store, r);
}
static int put_note(void *c, const wd_note_rec *r)
{
    return wd_store_add_note(((collect_ctx *)c)->store, r);
}
static int put_source(void *c, const wd_source_rec *r)
{
    return wd_store_add_source(((collect_ctx *)c)->store, r);
}

/* Collects the evidence (or the live system) into one new snapshot and
 * finishes it (machine decided, identities completed), its transaction
 * still open: the caller analyses, writes and then commits or rolls back. */
static int collect_snapshot(wd_store *store, const options *o, int argc, char **argv,
                            int64_t *snap)
{
    collect_ctx ctx = {store};
    wd_sink sink = {.ctx = &ctx,          .service = put_service, .event = put_event,
                    .fact = put_fact,     .note = put_note,       .source = put_source,
                    .activity = put_activity};
    wd_progress progress;
    wd_progress_start(&progress, stderr, wd_progress_wanted(stderr, o->quiet));
    wd_sink counted = wd_progress_sink(&progress, &sink);
    char *cmdline = wd_cli_command_line(argc, argv);
    int rc = wd_store_begin(store, cmdline, o->evidence ? o->evidence : "live");
    free(cmdline);
    if (rc)
        return rc;
    rc = wd_store_set_machine(store, o->machine);
    if (rc == 0)
        rc = o->evidence ? wd_collect_evidence(o->evidence, &counted) : wd_collect_live(&counted);
    wd_progress_end(&progress);
    if (rc == 0)
        rc = wd_store_finish(store, snap);
    if (rc)
        wd_store_rollback(store);
    return rc;
}

/* Keeps where each update stands with the snapshot (fleet queries). */
static int save_updates(wd_store *store, int64_t snap, const wd_report *r)
{
    size_t n = wd_report_update_count(r);
    wd_update_rec *u = calloc(n ? n : 1, sizeof *u);
    int rc;
    if (!u)
        return wd_error_set(WD_ENOMEM, "out of memory");
    n = wd_report_updates(r, u, n);
    rc = wd_store_save_updates(store, snap, u, n);
    free(u);
    return rc;
}

/* Analyses a stored snapshot and keeps the findings with it. */
static int analyse(wd_store *store, int64_t snap, const wd_report_options *ro, int save,
                   wd_report **out)
{
    wd_report *r = NULL;
    int rc = wd_report_build(store, snap, ro, &r);
    if (rc == 0 && save) {
        size_t n = wd_report_finding_count(r);
        wd_finding_rec *f = calloc(n ? n : 1, sizeof *f);
        if (!f)
            rc = wd_error_set(WD_ENOMEM, "out of memory");
        for (size_t i = 0; f && i < n; i++)
            wd_report_finding(r, i, &f[i]);
        if (rc == 0)
            rc = wd_store_save_analysis(store, snap, wd_report_verdict(r), f, n);
        free(f);
        if (rc == 0)
            rc = save_updates(store, snap, r);
    }
    if (rc) {
        wd_report_free(r);
        return rc;
    }
    *out = r;
    return WD_OK;
}

int wd_cli_diagnose_open(wd_store *store, const char *evidence, const char *kb, int argc,
                         char **argv, int64_t *snap, wd_report **out)
{
    options o;
    memset(&o, 0, sizeof o);
    o.evidence = evidence;
    *out = NULL;
    int rc = collect_snapshot(store, &o, argc, argv, snap);
    if (rc)
        return rc;
    char *cmdline = wd_cli_command_line(argc, argv);
    wd_report_options ro = {kb, NULL, cmdline, wd_store_path(store), 0};
    rc = cmdline ? analyse(store, *snap, &ro, 1, out) : wd_error_set(WD_ENOMEM, "out of memory");
    free(cmdline);
    if (rc)
        wd_store_rollback(store);
    return rc;
}

int wd_cli_verdict_exit(const char *verdict)
{
    if (!verdict || !strcmp(verdict, "healthy"))
        return WD_EXIT_HEALTHY;
    if (!strcmp(verdict, "warning"))
        return WD_EXIT_WARNING;
    if (!strcmp(verdict, "incomplete"))
        return WD_EXIT_INCOMPLETE;
    return WD_EXIT_PROBLEMS;
}

/* ---------------------------------------------------------------- options */

static int parse(int argc, char **argv, const char *verb, const char *allowed, options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m;
#define OPT(flag, key, field)                                                                     \
    if (strchr(allowed, key) && (m = wd_cli_opt(argc, argv, &i, flag, &v, verb)) != 0) {          \
        if (m < 0)                                                                                \
            return WD_EXIT_USAGE;                                                                 \
        o->field = v;                                                                             \
        continue;                                                                                 \
    }
        OPT("--evidence", 'e', evidence)
        OPT("--db", 'd', db)
        OPT("--output", 'o', output)
        OPT("-o", 'o', output)
        OPT("--format", 'f', format)
        OPT("--kb", 'k', kb)
        OPT("--template", 't', template_path)
        OPT("--snapshot", 's', snapshot)
        OPT("--machine", 'm', machine)
#undef OPT
        if (strchr(allowed, 'r') && !strcmp(argv[i], "--redact")) {
            o->redact = 1;
            continue;
        }
        if (strchr(allowed, 'q') && (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))) {
            o->quiet = 1;
            continue;
        }
        return wd_cli_usage(verb, "unknown option '%s'", argv[i]);
    }
    if (o->format && strcmp(o->format, "html") && strcmp(o->format, "xml") &&
        strcmp(o->format, "json"))
        return wd_cli_usage(verb, "--format must be html, xml or json, not '%s'", o->format);
    if (!o->format)
        o->format = "html";
    if (!o->output)
        o->output = !strcmp(o->format, "xml")    ? "report.xml"
                    : !strcmp(o->format, "json") ? "report.json"
                                                 : "report.html";
    return 0;
}

static void report_options(const options *o, int argc, char **argv, const char *db_path,
                           char **cmdline, wd_report_options *ro)
{
    *cmdline = wd_cli_command_line(argc, argv);
    memset(ro, 0, sizeof *ro);
    ro->kb_dir = o->kb;
    ro->template_path = o->template_path;
    ro->command_line = *cmdline;
    ro->db_path = db_path;
    ro->redact = o->redact;
}

/* Prints the one-line summary of a judged snapshot (and where its report
 * went, when one was written); returns the exit code. The summary carries
 * evidence text (a finding's title): escaped. */
static int summarize(wd_report *r, const options *o, int64_t snap)
{
    const char *verdict = wd_report_verdict(r), *fix = wd_report_first_fix(r);
    size_t n = 0, total = wd_report_finding_count(r);
    FILE *out = o->output && !strcmp(o->output, "-") ? stderr : stdout;
    wd_finding_rec top = {0};
    for (size_t i = 0; i < total; i++) { /* current problems, not history */
        wd_finding_rec f;
        wd_report_finding(r, i, &f);
        if ((!f.state || !strcmp(f.state, "current")) && strcmp(f.severity, "info"))
            n++;
    }
    if (total)
        wd_report_finding(r, 0, &top);
    wd_cli_print(out, "snapshot %lld: %s, %zu problem%s now", (long long)snap, verdict, n,
                 n == 1 ? "" : "s");
    if (n)
        wd_cli_print(out, " (first: %s; first fix: %s)", top.title, fix ? fix : "-");
    wd_cli_print(out, "\n");
    if (o->output && strcmp(o->output, "-"))
        wd_cli_print(out, "report written to %s\n", o->output);
    return wd_cli_verdict_exit(verdict);
}

/* ------------------------------------------------------------------- verbs */

static const char diagnose_help[] =
    "usage: wudiag diagnose [--evidence PATH] [--machine NAME] [--db FILE] [-o FILE]\n"
    "                       [--format html|xml|json] [--redact] [--quiet] [--kb DIR]\n"
    "                       [--template FILE]\n\n"
    "Collects the evidence (a folder or .zip captured with capture-evidence.ps1; on\n"
    "Windows without --evidence, the live system), stores it as a snapshot in the\n"
    "history database, analyses it and writes the report. A run whose report cannot\n"
    "be written stores nothing.\n\n"
    "  --evidence PATH   evidence folder or .zip\n"
    "  --machine NAME    the machine the evidence is from (default: the name the\n"
    "                    evidence gives, else a fingerprint of it, unnamed-XXXXXXXX)\n"
    "  --db FILE         history database (default: $XDG_DATA_HOME/wudiag/history.db,\n"
    "                    %ProgramData%\\wudiag\\history.db on Windows)\n"
    "  -o, --output FILE report file (default report.html, .xml or .json; - for stdout)\n"
    "  --format FMT      html (default), or xml or json (the full report)\n"
    "  --redact          replace machine, user, domain and internal host names, IP and\n"
    "                    e-mail addresses and SIDs in the report with placeholders\n"
    "  -q, --quiet       no progress line (shown on a terminal when collecting\n"
    "                    takes more than 2 seconds)\n"
    "  --kb DIR          use the knowledge base files in DIR instead of the built-in one\n"
    "  --template FILE   use FILE instead of the built-in report.xsl\n\n"
    "exit codes: 0 healthy, 1 could not run, 2 usage error, 3 failing, 4 warning,\n"
    "5 incomplete evidence\n";

static const char collect_help[] =
    "usage: wudiag collect [--evidence PATH] [--machine NAME] [--db FILE] [--quiet] [--kb DIR]\n\n"
    "Stores a snapshot of the evidence (or, on Windows, of the live system) in the\n"
    "history database, analyses it, and prints the snapshot id and a summary.\n\n"
    "  --evidence PATH   evidence folder or .zip\n"
    "  --machine NAME    the machine the evidence is from (default: the name the\n"
    "                    evidence gives, else a fingerprint of it, unnamed-XXXXXXXX)\n"
    "  --db FILE         history database (default: $XDG_DATA_HOME/wudiag/history.db,\n"
    "                    %ProgramData%\\wudiag\\history.db on Windows)\n"
    "  -q, --quiet       no progress line (shown on a terminal when collecting\n"
    "                    takes more than 2 seconds)\n"
    "  --kb DIR          use the knowledge base files in DIR instead of the built-in one\n\n"
    "exit codes: 0 healthy, 1 could not run, 2 usage error, 3 failing, 4 warning,\n"
    "5 incomplete evidence\n";

static const char report_help[] =
    "usage: wudiag report [--snapshot ID|latest] [--machine NAME] [--db FILE] [-o FILE]\n"
    "                     [--format html|xml|json] [--redact] [--kb DIR] [--template FILE]\n\n"
    "Renders the report of a stored snapshot (default: the latest one, of --machine\n"
    "when given). Works on a read-only database.\n\n"
    "exit codes: 0 healthy, 1 could not run, 2 usage error, 3 failing, 4 warning,\n"
    "5 incomplete evidence\n";

/* Writes the report file of a run; on failure the run stores nothing. */
static int write_report(wd_store *store, wd_report *r, const options *o)
{
    if (wd_report_write(r, o->format, o->output) == 0)
        return WD_OK;
    wd_cli_error(NULL);
    if (store) {
        wd_store_rollback(store);
        wd_cli_error("nothing was stored: the report could not be written");
    }
    return WD_ERROR;
}

/* collect and diagnose: collect and finish the snapshot, analyse it and
 * save the analysis inside its transaction, write the report (diagnose),
 * and only then commit. */
static int run_collect(int argc, char **argv, const char *verb, int render)
{
    options o;
    wd_store *store = NULL;
    wd_report *r = NULL;
    char *cmdline = NULL;
    int64_t snap = 0;
    int code = parse(argc, argv, verb, render ? "edoftkrmq" : "edkmq", &o);
    if (code)
        return code;
#ifndef _WIN32
    if (!o.evidence)
        return wd_cli_usage(verb, "live collection works on Windows only; give --evidence PATH "
                                  "(a folder or .zip made by capture-evidence.ps1)");
#endif
    if (o.machine && !*o.machine)
        return wd_cli_usage(verb, "--machine needs a name");
    code = WD_EXIT_FAILED;
    if ((render && wd_cli_check_output(o.output)) ||
        wd_cli_open_store(o.db, WD_STORE_CREATE, &store) ||
        collect_snapshot(store, &o, argc, argv, &snap)) {
        wd_cli_error(NULL);
        goto cleanup;
    }
    wd_report_options ro;
    report_options(&o, argc, argv, wd_store_path(store), &cmdline, &ro);
    if (analyse(store, snap, &ro, 1, &r)) {
        wd_cli_error(NULL);
        goto cleanup;
    }
    if (render && write_report(store, r, &o))
        goto cleanup;
    if (wd_store_commit(store, &snap)) {
        wd_cli_error(NULL);
        goto cleanup;
    }
    if (!render)
        o.output = NULL; /* collect writes no report */
    code = summarize(r, &o, snap);
cleanup:
    wd_store_rollback(store); /* no-op once committed */
    wd_report_free(r);
    wd_store_close(store);
    free(cmdline);
    return code;
}

int wd_cmd_diagnose(int argc, char **argv)
{
    if (argc > 1 && wd_cli_is_help(argv[1])) {
        fputs(diagnose_help, stdout);
        return WD_EXIT_HEALTHY;
    }
    return run_collect(argc, argv, "diagnose", 1);
}

int wd_cmd_collect(int argc, char **argv)
{
    if (argc > 1 && wd_cli_is_help(argv[1])) {
        fputs(collect_help, stdout);
        return WD_EXIT_HEALTHY;
    }
    return run_collect(argc, argv, "collect", 0);
}

/* Resolves --snapshot ID|latest and --machine into a snapshot id. */
static int pick_snapshot(wd_store *store, const options *o, int64_t *snap)
{
    if (o->snapshot && strcmp(o->snapshot, "latest")) {
        if (wd_parse_i64(o->snapshot, snap) || *snap <= 0)
            return wd_error_set(WD_EUSAGE, "--snapshot takes a number or 'latest', not '%s'",
                                o->snapshot);
        return WD_OK;
    }
    return wd_store_latest(store, o->machine, snap);
}

int wd_cmd_report(int argc, char **argv)
{
    options o;
    wd_store *store = NULL;
    wd_report *r = NULL;
    char *cmdline = NULL;
    int64_t snap = 0;
    if (argc > 1 && wd_cli_is_help(argv[1])) {
        fputs(report_help, stdout);
        return WD_EXIT_HEALTHY;
    }
    int code = parse(argc, argv, "report", "doftkrsm", &o);
    if (code)
        return code;
    code = WD_EXIT_FAILED;
    if (wd_cli_check_output(o.output) || wd_cli_open_store(o.db, WD_STORE_READONLY, &store))
        goto fail;
    int rc = pick_snapshot(store, &o, &snap);
    if (rc == WD_EUSAGE) {
        code = wd_cli_usage("report", "%s", wd_error_last());
        goto cleanup;
    }
    wd_report_options ro;
    report_options(&o, argc, argv, wd_store_path(store), &cmdline, &ro);
    if (rc || analyse(store, snap, &ro, 0, &r))
        goto fail;
    if (write_report(NULL, r, &o) == 0)
        code = summarize(r, &o, snap);
    goto cleanup;
fail:
    wd_cli_error(NULL);
cleanup:
    wd_report_free(r);
    wd_store_close(store);
    free(cmdline);
    return code;
}
