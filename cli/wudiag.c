/* wudiag.c - entry point: finds the verb and hands over. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#ifndef _WIN32
#include <sys/resource.h>
#endif

/* Sanitizer builds reserve terabytes of address space; a cap breaks them. */
#if defined(__SANITIZE_ADDRESS__)
#define WD_NO_MEMORY_CAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define WD_NO_MEMORY_CAP 1
#endif
#endif

#define MEMORY_CAP ((rlim_t)4 << 30)

int wd_cli_argc;
char **wd_cli_argv;

static const struct verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} verbs[] = {
    {"diagnose", wd_cmd_diagnose, "collect, store and report in one step"},
    {"collect", wd_cmd_collect, "store a snapshot of the evidence in the history database"},
    {"report", wd_cmd_report, "render the report of a stored snapshot"},
    {"history", wd_cmd_history, "list a machine's snapshots over time"},
    {"diff", wd_cmd_diff, "what changed between two snapshots"},
    {"explain", wd_cmd_explain, "explain a Windows Update error code"},
    {"merge", wd_cmd_merge, "fold per-machine databases into one fleet database"},
    {"push", wd_cmd_push, "copy snapshots into a PostgreSQL fleet database"},
    {"fleet", wd_cmd_fleet, "what is broken across the fleet, and what to do first"},
    {"fix", wd_cmd_fix, "carry out the documented fixes a diagnosis calls for (Windows)"},
};

/* Caps the address space at 4 GiB. wudiag streams its input and needs a few
 * tens of MiB, but libevtx (20181227) can be made by a damaged or hostile
 * .evtx to allocate without bound; with the cap its allocation fails, the
 * file becomes a collection note, and the machine is not driven into swap. */
static void cap_memory(void)
{
#if !defined(_WIN32) && !defined(WD_NO_MEMORY_CAP)
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 &&
        (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > MEMORY_CAP)) {
        rl.rlim_cur = MEMORY_CAP;
        setrlimit(RLIMIT_AS, &rl);
    }
#endif
}

static void usage(FILE *out)
{
    fprintf(out, "usage: wudiag <command> [options]\n\n"
                 "Diagnoses Windows Update from the live system (on Windows) or from an\n"
                 "evidence folder or .zip captured with scripts/capture-evidence.ps1.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(out, "  %-9s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(out, "\n'wudiag <command> --help' describes a command.\n"
                 "options: --help, --version\n\n"
                 "exit codes: 0 healthy, 1 could not run, 2 usage error,\n"
                 "            3 ran and found problems\n");
}

int main(int argc, char **argv)
{
    wd_cli_argc = argc;
    wd_cli_argv = argv;
    cap_memory();
    if (argc < 2) {
        usage(stderr);
        return WD_EXIT_USAGE;
    }
    if (wd_cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
        usage(stdout);
        return wd_cli_finish_stdout(WD_EXIT_HEALTHY);
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        if (wd_build_commit[0])
            printf("wudiag %s (git %s)\n", WD_VERSION, wd_build_commit);
        else
            printf("wudiag %s (built from a source tree without git)\n", WD_VERSION);
        return wd_cli_finish_stdout(WD_EXIT_HEALTHY);
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(argv[1], verbs[i].name))
            return wd_cli_finish_stdout(verbs[i].run(argc - 1, argv + 1));
    wd_cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return WD_EXIT_USAGE;
}
