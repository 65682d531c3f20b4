/* cmd_explain.c - `wudiag explain CODE`: prints what a Windows Update failure
 * code means, its likely causes and the fixes to try, from the knowledge
 * base. Accepts every notation logs use (hex with or without 0x, decimal). */
#include "cli.h"
#include "report.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: wudiag explain CODE [--kb DIR]\n\n"
    "Explains a Windows Update failure code: symbol, component, meaning, likely\n"
    "causes and the fix procedures in the order to try them. CODE may be written\n"
    "0x80070002, 0X80070002, 80070002, 2147942402 or -2147024894. A code that is\n"
    "not in the knowledge base is still decoded (severity, facility, Win32 error).\n\n"
    "  --kb DIR   read codes.tsv, fixes.txt, win32.tsv, rules.txt from DIR\n"
    "             (files missing there come from the built-in knowledge base)\n\n"
    "exit codes: 0 explained (known or decoded), 1 could not run, 2 usage error\n";

/* "-2147024894" is a code, not an option. */
static int is_option(const char *a)
{
    return a[0] == '-' && a[1] && !isdigit((unsigned char)a[1]);
}

int wd_cmd_explain(int argc, char **argv)
{
    const char *kb = NULL, *code = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m;
        if (wd_cli_is_help(argv[i])) {
            fputs(help, stdout);
            return WD_EXIT_HEALTHY;
        }
        if ((m = wd_cli_opt(argc, argv, &i, "--kb", &v, "explain")) != 0) {
            if (m < 0)
                return WD_EXIT_USAGE;
            kb = v;
        } else if (is_option(argv[i])) {
            return wd_cli_usage("explain", "unknown option '%s'", argv[i]);
        } else if (!code) {
            code = argv[i];
        } else {
            return wd_cli_usage("explain", "explain takes one code");
        }
    }
    if (!code)
        return wd_cli_usage("explain", "explain takes one code, e.g. 0x80070002");
    wd_buf out = WD_BUF_INIT;
    int rc = wd_report_explain(code, kb, &out);
    int exit_code = WD_EXIT_HEALTHY;
    if (rc == WD_EUSAGE)
        exit_code = wd_cli_usage("explain", "%s", wd_error_last());
    else if (rc < 0) {
        wd_cli_error(NULL);
        exit_code = WD_EXIT_FAILED;
    } else if (wd_write_printable(stdout, wd_buf_cstr(&out), out.len)) { /* --kb text: escaped */
        wd_cli_error("cannot write to standard output: %s", strerror(errno));
        exit_code = WD_EXIT_FAILED;
    }
    wd_buf_free(&out);
    return exit_code;
}
