/* util.c - what every verb shares: messages, option matching, opening the
 * history database. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void wd_cli_error(const char *fmt, ...)
{
    fputs("wudiag: ", stderr);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    } else {
        fputs(wd_error_last()[0] ? wd_error_last() : "unknown error", stderr);
    }
    fputc('\n', stderr);
}

int wd_cli_usage(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fputs("wudiag: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nrun 'wudiag %s --help' for usage\n", verb);
    return WD_EXIT_USAGE;
}

int wd_cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int wd_cli_opt(int argc, char **argv, int *i, const char *name, const char **value,
               const char *verb)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        wd_cli_usage(verb, "option %s needs a value", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int wd_cli_open_store(const char *db, int flags, wd_store **out)
{
    wd_buf path = WD_BUF_INIT;
    int rc = 0;
    if (db)
        wd_buf_puts(&path, db);
    else
        rc = wd_store_default_path(&path);
    if (rc == 0)
        rc = wd_store_open(wd_buf_cstr(&path), flags, out);
    wd_buf_free(&path);
    return rc;
}

char *wd_cli_command_line(int argc, char **argv)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, "wudiag");
    wd_buf arg = WD_BUF_INIT;
    for (int i = 0; i < argc; i++) {
        /* a fleet database's password never reaches a report */
        wd_buf_reset(&arg);
        wd_store_redact_url(argv[i], &arg);
        wd_buf_putc(&b, ' ');
        if (strpbrk(wd_buf_cstr(&arg), " \t\"'"))
            wd_buf_printf(&b, "\"%s\"", wd_buf_cstr(&arg));
        else
            wd_buf_puts(&b, wd_buf_cstr(&arg));
    }
    wd_buf_free(&arg);
    return wd_buf_detach(&b);
}
