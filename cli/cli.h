/* cli.h - the thin command-line layer: one file per verb, shared helpers for
 * options, messages and exit codes. Only cli/ prints. */
#ifndef WD_CLI_H
#define WD_CLI_H

#include "common.h"
#include "store.h"

#include <stdio.h>

/* Documented exit codes. */
enum {
    WD_EXIT_HEALTHY = 0,    /* ran; nothing wrong now */
    WD_EXIT_FAILED = 1,     /* could not run */
    WD_EXIT_USAGE = 2,      /* bad command line */
    WD_EXIT_PROBLEMS = 3,   /* ran; verdict failing (updates cannot install) */
    WD_EXIT_WARNING = 4,    /* ran; verdict warning (something to look at) */
    WD_EXIT_INCOMPLETE = 5, /* ran; evidence given could not all be read */
};

/* The exit code a verdict gives. */
int wd_cli_verdict_exit(const char *verdict);

/* Collects evidence (NULL: this PC, live) into a new snapshot and analyses
 * it (kb: --kb, may be NULL), the analysis saved inside the snapshot's
 * transaction, still open: commit it with wd_store_commit or drop it with
 * wd_store_rollback. *out is the report (wd_report_free). On failure
 * nothing is kept. (cmd_diagnose.c; `wudiag fix` diagnoses with it.) */
struct wd_report;
int wd_cli_diagnose_open(wd_store *store, const char *evidence, const char *kb, int argc,
                         char **argv, int64_t *snap, struct wd_report **out);

/* The verbs; each returns an exit code. argv[0] is the verb. */
int wd_cmd_diagnose(int argc, char **argv);
int wd_cmd_collect(int argc, char **argv);
int wd_cmd_report(int argc, char **argv);
int wd_cmd_history(int argc, char **argv);
int wd_cmd_diff(int argc, char **argv);
int wd_cmd_explain(int argc, char **argv);
int wd_cmd_merge(int argc, char **argv);
int wd_cmd_push(int argc, char **argv);
int wd_cmd_fleet(int argc, char **argv);
int wd_cmd_fix(int argc, char **argv);

/* Prints "wudiag: <message>" (the last recorded error when msg is NULL). */
void wd_cli_error(const char *fmt, ...) WD_PRINTF(1, 2);
/* Prints text formatted as printf to f with control
 * characters escaped (wd_write_printable): every line that may carry
 * evidence text. 0 or a negative WD_E*. */
int wd_cli_print(FILE *f, const char *fmt, ...) WD_PRINTF(2, 3);
/* 0 when a report may be written to path (a regular file, a new name, or
 * "-"); else the reason is recorded (a device, FIFO, folder ...). */
int wd_cli_check_output(const char *path);
/* Flushes and closes stdout at exit: code, or WD_EXIT_FAILED with a message
 * when anything written to it was lost (a full disk, a closed pipe). */
int wd_cli_finish_stdout(int code);
/* Prints a usage error and the hint to run --help; returns WD_EXIT_USAGE. */
int wd_cli_usage(const char *verb, const char *fmt, ...) WD_PRINTF(2, 3);
/* Opens the database given by --db (NULL: the default path). */
int wd_cli_open_store(const char *db, int flags, wd_store **out);
/* The command line as one string, for the run metadata (free()). */
char *wd_cli_command_line(int argc, char **argv);
/* Matches "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i.
 * Returns 1 when matched (value set), 0 when not this option, -1 when the
 * value is missing (usage error already printed). */
int wd_cli_opt(int argc, char **argv, int *i, const char *name, const char **value,
               const char *verb);
/* True when argv[i] is -h or --help. */
int wd_cli_is_help(const char *arg);

/* `git describe --always --dirty` of the tree wudiag was built from, or ""
 * when it was built without git (build_id.c, made by cmake/BuildId.cmake). */
extern const char wd_build_commit[];

/* Set from the top-level argv for the run metadata. */
extern int wd_cli_argc;
extern char **wd_cli_argv;

#endif
