/* cmd_history.c - `wudiag history`: the snapshots of one machine (or of
 * all) over time, as a table, XML, or an HTML page with charts. */
#include "cli.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: wudiag history [--machine NAME] [--since DATE] [--db FILE] [-o FILE]\n"
    "                      [--format text|xml|html|json] [--redact]\n\n"
    "Lists the stored snapshots machine by machine (never mixed): each machine's\n"
    "latest verdict and how many snapshots in a row had it, then its snapshots (id,\n"
    "time, verdict, failures, findings) in time order. --format xml gives the same as\n"
    "XML, --format json as JSON (templates/history.schema.json); --format html (the\n"
    "default when -o names a .html file) renders, for each\n"
    "machine, failures per week by code, service state changes and verdicts over time\n"
    "as charts. Works on a read-only database.\n\n"
    "  --machine NAME  only this machine\n"
    "  --since DATE    only snapshots collected on or after DATE (YYYY-MM-DD)\n"
    "  -o FILE         write to FILE instead of stdout\n\n"
    "exit codes: 0 listed, 1 could not run, 2 usage error\n";

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && wd_strcaseeq(s + n - k, suffix);
}

int wd_cmd_history(int argc, char **argv)
{
    const char *db = NULL, *machine = NULL, *since = NULL, *output = "-", *format = NULL;
    wd_report_options ro = {0};
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m = 0;
        if (wd_cli_is_help(argv[i])) {
            fputs(help, stdout);
            return WD_EXIT_HEALTHY;
        }
        if (!strcmp(argv[i], "--redact")) {
            ro.redact = 1;
            continue;
        }
        if ((m = wd_cli_opt(argc, argv, &i, "--db", &v, "history")) > 0)
            db = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--machine", &v, "history")) > 0)
            machine = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--since", &v, "history")) > 0)
            since = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--format", &v, "history")) > 0)
            format = v;
        else if (!m && ((m = wd_cli_opt(argc, argv, &i, "-o", &v, "history")) > 0 ||
                        (m = wd_cli_opt(argc, argv, &i, "--output", &v, "history")) > 0))
            output = v;
        if (m < 0)
            return WD_EXIT_USAGE;
        if (!m)
            return wd_cli_usage("history", "unknown option '%s'", argv[i]);
    }
    if (!format)
        format = ends_with(output, ".html") || ends_with(output, ".htm") ? "html"
                 : ends_with(output, ".xml")                             ? "xml"
                                                                         : "text";
    if (strcmp(format, "text") && strcmp(format, "xml") && strcmp(format, "html") &&
        strcmp(format, "json"))
        return wd_cli_usage("history", "--format must be text, xml, html or json, not '%s'",
                            format);
    if (since) {
        int64_t t;
        if (wd_time_parse(since, &t))
            return wd_cli_usage("history", "--since takes a date like 2024-01-31, not '%s'",
                                since);
    }
    wd_store *store = NULL;
    char *cmdline = wd_cli_command_line(argc, argv);
    ro.command_line = cmdline;
    int code = WD_EXIT_HEALTHY;
    if (wd_cli_check_output(output) || wd_cli_open_store(db, WD_STORE_READONLY, &store) ||
        (ro.db_path = wd_store_path(store),
         wd_report_history(store, machine, since, format, &ro, output))) {
        wd_cli_error(NULL);
        code = WD_EXIT_FAILED;
    }
    wd_store_close(store);
    free(cmdline);
    return code;
}
