/* cmd_merge.c - `wudiag merge OUT.db IN.db...`: folds history databases
 * (one per machine, say) into one fleet database. Every input is checked
 * before OUT is touched; then each is merged in its own transaction. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: wudiag merge OUT.db IN.db...\n\n"
    "Folds history databases (one per machine, say) into OUT.db, creating it when\n"
    "missing. Every snapshot of an input that OUT.db does not have yet is copied with\n"
    "its machine, services, events, failures, facts, findings, notes and sources;\n"
    "events OUT.db already holds are shared, not copied again. Snapshots are\n"
    "recognised by their uid, so merging the same input again adds nothing.\n\n"
    "Every input is checked first (a file that is not a wudiag database, or is from\n"
    "a newer wudiag, stops the merge before OUT.db is touched); then each is merged\n"
    "in one transaction, so a failure leaves OUT.db as the inputs before it left it.\n"
    "Inputs are opened read-only and never changed. Prints one line per input:\n"
    "  IN.db: N snapshots added, M already present\n\n"
    "exit codes: 0 merged, 1 could not run, 2 usage error\n";

/* Checks every input before anything is written. An exit code. */
static int check_inputs(const char *out, int n, char **inputs)
{
    int code = WD_EXIT_HEALTHY;
    for (int i = 0; i < n; i++) {
        int rc = wd_store_merge_check(out, inputs[i]);
        if (rc == WD_EUSAGE)
            return wd_cli_usage("merge", "%s", wd_error_last());
        if (rc) {
            wd_cli_error(NULL);
            code = WD_EXIT_FAILED;
        }
    }
    return code;
}

/* Merges the inputs in order, stopping at the first that fails. */
static int merge_all(const char *out, int n, char **inputs)
{
    wd_store *store = NULL;
    int code = WD_EXIT_HEALTHY;
    if (wd_store_open(out, WD_STORE_CREATE, &store)) {
        wd_cli_error(NULL);
        return WD_EXIT_FAILED;
    }
    for (int i = 0; i < n; i++) {
        wd_merge_stats st;
        if (wd_store_merge(store, inputs[i], &st)) {
            wd_cli_error(NULL);
            if (i > 0)
                wd_cli_error("%s keeps what the %d input%s before %s added", out, i,
                             i == 1 ? "" : "s", inputs[i]);
            code = WD_EXIT_FAILED;
            break;
        }
        printf("%s: %lld snapshots added, %lld already present\n", inputs[i],
               (long long)st.snapshots_added, (long long)st.snapshots_present);
    }
    wd_store_close(store);
    if (fflush(stdout) != 0 && code == WD_EXIT_HEALTHY) {
        wd_cli_error("cannot write to stdout");
        code = WD_EXIT_FAILED;
    }
    return code;
}

int wd_cmd_merge(int argc, char **argv)
{
    int first = 1, code;
    for (int i = 1; i < argc; i++) {
        if (wd_cli_is_help(argv[i])) {
            fputs(help, stdout);
            return WD_EXIT_HEALTHY;
        }
    }
    if (first < argc && !strcmp(argv[first], "--")) {
        first++; /* what follows are paths, even those starting with '-' */
    } else {
        for (int i = first; i < argc; i++)
            if (argv[i][0] == '-' && argv[i][1] != '\0')
                return wd_cli_usage("merge", "unknown option '%s'", argv[i]);
    }
    if (argc - first < 2)
        return wd_cli_usage("merge", argc - first < 1 ? "merge needs OUT.db and IN.db..."
                                                      : "merge needs at least one IN.db");
    code = check_inputs(argv[first], argc - first - 1, argv + first + 1);
    if (code == WD_EXIT_HEALTHY)
        code = merge_all(argv[first], argc - first - 1, argv + first + 1);
    return code;
}
