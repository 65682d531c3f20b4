/* cmd_push.c - `wudiag push`: copies snapshots of the local history file
 * into a PostgreSQL fleet database. The file is only read: a snapshot that
 * does not land stays there and goes with the next push. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: wudiag push --to URL [--db FILE] [--snapshot ID|all]\n\n"
    "Copies the snapshots of the history database into a PostgreSQL fleet database\n"
    "(created and migrated when empty). Each snapshot lands whole or not at all;\n"
    "one the fleet already holds is skipped, so pushing again adds nothing; one that\n"
    "could not be pushed stays in the history database and goes with the next push.\n"
    "The history database is only read.\n\n"
    "  --to URL          postgresql://user@host/db?sslmode=verify-full, or libpq\n"
    "                    conninfo (\"host=... dbname=...\"); passwords belong in\n"
    "                    ~/.pgpass (PGPASSFILE) or a service file (service=NAME)\n"
    "  --db FILE         history database (default: $XDG_DATA_HOME/wudiag/history.db,\n"
    "                    %ProgramData%\\wudiag\\history.db on Windows)\n"
    "  --snapshot ID     push only this snapshot; 'all' (the default) pushes every one\n"
    "                    the fleet does not have yet\n\n"
    "exit codes: 0 every snapshot is in the fleet, 1 could not run or some could not\n"
    "be pushed, 2 usage error\n";

typedef struct progress_ctx {
    int tty;
} progress_ctx;

static void on_progress(void *ctx, const wd_push_stats *st)
{
    if (((progress_ctx *)ctx)->tty)
        fprintf(stderr, "\rwudiag: pushed %lld, already there %lld\033[K",
                (long long)st->pushed, (long long)st->present);
}

static int parse(int argc, char **argv, const char **to, const char **db, int64_t *snap)
{
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m;
        if ((m = wd_cli_opt(argc, argv, &i, "--to", &v, "push")) > 0)
            *to = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--db", &v, "push")) > 0)
            *db = v;
        else if (!m && (m = wd_cli_opt(argc, argv, &i, "--snapshot", &v, "push")) > 0) {
            if (strcmp(v, "all") && (wd_parse_i64(v, snap) || *snap <= 0))
                return wd_cli_usage("push", "--snapshot takes a number or 'all', not '%s'", v);
        }
        if (m < 0)
            return WD_EXIT_USAGE;
        if (!m)
            return wd_cli_usage("push", "unknown option '%s'", argv[i]);
    }
    if (!*to)
        return wd_cli_usage("push", "push needs --to URL (the PostgreSQL fleet database)");
    if (!wd_store_is_url(*to))
        return wd_cli_usage("push", "--to takes a postgresql:// URL or libpq conninfo; "
                                    "to fold history files into one, use wudiag merge");
    return 0;
}

int wd_cmd_push(int argc, char **argv)
{
    const char *to = NULL, *db = NULL;
    int64_t snap = 0;
    if (argc > 1 && wd_cli_is_help(argv[1])) {
        fputs(help, stdout);
        return WD_EXIT_HEALTHY;
    }
    int code = parse(argc, argv, &to, &db, &snap);
    if (code)
        return code;
    wd_store *store = NULL;
    wd_push_stats st;
    wd_buf shown = WD_BUF_INIT;
    progress_ctx pc = {isatty(STDERR_FILENO)};
    memset(&st, 0, sizeof st);
    wd_store_redact_url(to, &shown);
    code = WD_EXIT_FAILED;
    int rc = wd_cli_open_store(db, WD_STORE_READONLY, &store);
    if (!rc)
        rc = wd_store_push(store, to, snap, &st, on_progress, &pc);
    if (pc.tty && (st.pushed || st.present))
        fputc('\n', stderr);
    if (rc)
        wd_cli_error(NULL);
    if (store && (st.pushed || st.present || !rc))
        printf("pushed %lld snapshot%s to %s (%lld already there, %lld rows)\n",
               (long long)st.pushed, st.pushed == 1 ? "" : "s", wd_buf_cstr(&shown),
               (long long)st.present, (long long)st.rows);
    if (st.failed)
        wd_cli_error("%lld snapshot%s could not be pushed; %s in %s and go%s with the next "
                     "push", (long long)st.failed, st.failed == 1 ? "" : "s",
                     st.failed == 1 ? "it stays" : "they stay", wd_store_path(store),
                     st.failed == 1 ? "es" : "");
    if (!rc && !st.failed)
        code = WD_EXIT_HEALTHY;
    wd_store_close(store);
    wd_buf_free(&shown);
    return code;
}
