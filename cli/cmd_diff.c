/* cmd_diff.c - `wudiag diff A B`: what changed between two snapshots. */
#include "cli.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: wudiag diff SNAPSHOT_A SNAPSHOT_B [--db FILE] [--across-machines]\n\n"
    "Lists what changed from snapshot A to snapshot B: service states and start\n"
    "types, failure codes new and resolved, findings new and resolved, and facts\n"
    "(policy, OS build, pending reboot, free disk). Snapshot ids are the numbers\n"
    "'wudiag history' shows; 'latest' names the newest snapshot.\n\n"
    "  --across-machines  compare snapshots of two different machines (refused\n"
    "                     otherwise: one machine's failures are not another's fixes)\n\n"
    "exit codes: 0 no changes, 1 could not run, 2 usage error or two machines,\n"
    "3 changes found\n";

static int resolve(wd_store *s, const char *arg, int64_t *id)
{
    if (!strcmp(arg, "latest"))
        return wd_store_latest(s, NULL, id);
    if (wd_parse_i64(arg, id) || *id <= 0)
        return wd_error_set(WD_EUSAGE, "'%s' is not a snapshot id", arg);
    return WD_OK;
}

static int machine_of(void *ctx, const wd_snapshot_info *info)
{
    char **name = ctx;
    *name = wd_strdup(info->machine ? info->machine : "");
    return *name ? 0 : WD_ENOMEM;
}

/* Refuses (exit 2) to compare two machines unless asked to; 0 to go on,
 * else the exit code. */
static int same_machine(wd_store *s, int64_t a, int64_t b, int across)
{
    char *ma = NULL, *mb = NULL;
    int code = 0;
    if (wd_store_snapshot(s, a, machine_of, &ma) || wd_store_snapshot(s, b, machine_of, &mb)) {
        wd_cli_error(NULL);
        code = WD_EXIT_FAILED;
    } else if (!wd_strcaseeq(ma, mb) && !across) {
        wd_cli_error("snapshot %lld is of %s and snapshot %lld of %s: different machines; "
                     "give --across-machines to compare them anyway", (long long)a, ma,
                     (long long)b, mb);
        code = WD_EXIT_USAGE;
    }
    free(ma);
    free(mb);
    return code;
}

int wd_cmd_diff(int argc, char **argv)
{
    const char *db = NULL, *ids[2] = {NULL, NULL};
    int nids = 0, across = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m;
        if (wd_cli_is_help(argv[i])) {
            fputs(help, stdout);
            return WD_EXIT_HEALTHY;
        }
        if (!strcmp(argv[i], "--across-machines")) {
            across = 1;
        } else if ((m = wd_cli_opt(argc, argv, &i, "--db", &v, "diff")) != 0) {
            if (m < 0)
                return WD_EXIT_USAGE;
            db = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return wd_cli_usage("diff", "unknown option '%s'", argv[i]);
        } else if (nids < 2) {
            ids[nids++] = argv[i];
        } else {
            return wd_cli_usage("diff", "diff takes two snapshot ids");
        }
    }
    if (nids != 2)
        return wd_cli_usage("diff", "diff takes two snapshot ids");
    wd_store *store = NULL;
    wd_buf out = WD_BUF_INIT;
    int64_t a, b;
    size_t changes = 0;
    int code = WD_EXIT_FAILED, refused = 0;
    int rc = wd_cli_open_store(db, WD_STORE_READONLY, &store);
    if (!rc)
        rc = resolve(store, ids[0], &a);
    if (!rc)
        rc = resolve(store, ids[1], &b);
    if (rc == WD_EUSAGE)
        code = wd_cli_usage("diff", "%s", wd_error_last());
    else if (!rc && (refused = same_machine(store, a, b, across)) != 0)
        code = refused; /* two machines, or unreadable: said so */
    else if (rc || (rc = wd_report_diff(store, a, b, &out, &changes)) != 0)
        wd_cli_error(NULL);
    else if (wd_write_printable(stdout, wd_buf_cstr(&out), out.len)) /* titles, facts: escaped */
        wd_cli_error("cannot write to standard output: %s", strerror(errno));
    else
        code = changes ? WD_EXIT_PROBLEMS : WD_EXIT_HEALTHY;
    wd_buf_free(&out);
    wd_store_close(store);
    return code;
}
