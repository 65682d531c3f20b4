/* cmd_fleet.c - `wudiag fleet`: what is broken across the machines of a
 * PostgreSQL fleet (or a merged history file), and what to do first. */
#include "cli.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: wudiag fleet --db URL|FILE [-o FILE] [--format html|xml|json] [--since DATE]\n"
    "                    [--failing-days N] [--stale-days N] [--as-of DATE]\n\n"
    "Reports the fleet from each machine's latest snapshot: machines by verdict now,\n"
    "the problems affecting the most machines with the fix their reports give first,\n"
    "updates by success rate, machines by verdict per week, machines failing for\n"
    "more than N days or not seen for N days, and every machine with the command\n"
    "that renders its latest report. Reads a PostgreSQL fleet database (wudiag push)\n"
    "or a history file (wudiag merge).\n\n"
    "  --db URL|FILE     postgresql://user@host/db, libpq conninfo, or a history file\n"
    "  -o, --output FILE the report (default fleet.html, fleet.xml or fleet.json; - for\n"
    "                    stdout)\n"
    "  --format FMT      html (default), xml or json (xml and json list every machine)\n"
    "  --since DATE      first week charted (default: 12 weeks before --as-of)\n"
    "  --failing-days N  list machines failing for more than N days (default 7)\n"
    "  --stale-days N    list machines not seen for more than N days (default 14)\n"
    "  --as-of DATE      measure ages from DATE instead of now\n"
    "  --kb DIR          use the knowledge base files in DIR (fix titles, code meanings)\n"
    "  --template FILE   use FILE instead of the built-in fleet.xsl\n\n"
    "exit codes: 0 every machine healthy, 1 could not run, 2 usage error, 3 some\n"
    "machine failing, 4 some warning (none failing), 5 some incomplete\n";

static int days_opt(const char *v, int *out)
{
    int64_t n;
    if (wd_parse_i64(v, &n) || n < 0 || n > 36500)
        return wd_cli_usage("fleet", "a number of days is needed, not '%s'", v);
    *out = (int)n;
    return 0;
}

typedef struct opts {
    const char *db, *output, *format, *kb, *tpl;
    wd_fleet_options fo;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m = 0, bad = 0;
        if ((m = wd_cli_opt(argc, argv, &i, "--db", &v, "fleet")) > 0)
            o->db = v;
        else if (!m && ((m = wd_cli_opt(argc, argv, &i, "-o", &v, "fleet")) > 0 ||
                        (m = wd_cli_opt(argc, argv, &i, "--output", &v, "fleet")) > 0))
            o->output = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--format", &v, "fleet")) > 0)
            o->format = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--since", &v, "fleet")) > 0)
            o->fo.since = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--as-of", &v, "fleet")) > 0)
            o->fo.as_of = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--failing-days", &v, "fleet")) > 0)
            bad = days_opt(v, &o->fo.failing_days);
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--stale-days", &v, "fleet")) > 0)
            bad = days_opt(v, &o->fo.stale_days);
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--kb", &v, "fleet")) > 0)
            o->fo.kb_dir = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--template", &v, "fleet")) > 0)
            o->fo.template_path = v;
        if (m < 0 || bad)
            return WD_EXIT_USAGE;
        if (!m)
            return wd_cli_usage("fleet", "unknown option '%s'", argv[i]);
    }
    if (!o->db)
        return wd_cli_usage("fleet", "fleet needs --db URL|FILE (a PostgreSQL fleet database or "
                                     "a history file)");
    if (!o->format)
        o->format = "html";
    if (strcmp(o->format, "html") && strcmp(o->format, "xml") && strcmp(o->format, "json"))
        return wd_cli_usage("fleet", "--format must be html, xml or json, not '%s'", o->format);
    if (!o->output)
        o->output = !strcmp(o->format, "xml") ? "fleet.xml"
                    : !strcmp(o->format, "json") ? "fleet.json" : "fleet.html";
    int64_t t;
    if (o->fo.since && wd_time_parse(o->fo.since, &t))
        return wd_cli_usage("fleet", "--since takes a date like 2026-01-31, not '%s'",
                            o->fo.since);
    if (o->fo.as_of && wd_time_parse(o->fo.as_of, &t))
        return wd_cli_usage("fleet", "--as-of takes a date like 2026-01-31, not '%s'",
                            o->fo.as_of);
    return 0;
}

static int status_exit(int status)
{
    switch (status) {
    case WD_FLEET_FAILING:
        return 3;
    case WD_FLEET_WARNING:
        return 4;
    case WD_FLEET_INCOMPLETE:
        return 5;
    default:
        return WD_EXIT_HEALTHY;
    }
}

int wd_cmd_fleet(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.fo.failing_days = 7;
    o.fo.stale_days = 14;
    if (argc > 1 && wd_cli_is_help(argv[1])) {
        fputs(help, stdout);
        return WD_EXIT_HEALTHY;
    }
    int code = parse(argc, argv, &o);
    if (code)
        return code;
    wd_store *store = NULL;
    char *cmdline = wd_cli_command_line(argc, argv);
    int status = 0;
    code = WD_EXIT_FAILED;
    o.fo.command_line = cmdline;
    if (wd_cli_open_store(o.db, WD_STORE_READONLY, &store) ||
        (o.fo.db_name = wd_store_path(store),
         wd_report_fleet(store, &o.fo, o.format, o.output, &status))) {
        wd_cli_error(NULL);
    } else {
        code = status_exit(status);
        if (strcmp(o.output, "-"))
            printf("fleet report written to %s\n", o.output);
    }
    wd_store_close(store);
    free(cmdline);
    return code;
}
