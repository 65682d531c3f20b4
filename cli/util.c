/* util.c - what every verb shares: messages, option matching, opening the
 * history database. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages name evidence (zip entry names, file names) that may carry
 * control characters: they are escaped before they reach the terminal. */
void wd_cli_error(const char *fmt, ...)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, "wudiag: ");
    if (fmt) {
        va_list ap;
        char line[1024];
        va_start(ap, fmt);
        vsnprintf(line, sizeof line, fmt, ap);
        va_end(ap);
        wd_buf_puts(&b, line);
    } else {
        wd_buf_puts(&b, wd_error_last()[0] ? wd_error_last() : "unknown error");
    }
    wd_buf_putc(&b, '\n');
    wd_write_printable(stderr, wd_buf_cstr(&b), b.len);
    wd_buf_free(&b);
}

int wd_cli_print(FILE *f, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    int rc = WD_ENOMEM;
    if (text) {
        vsnprintf(text, (size_t)n + 1, fmt, ap2);
        rc = wd_write_printable(f, text, (size_t)n);
        free(text);
    }
    va_end(ap2);
    return rc;
}

int wd_cli_check_output(const char *path)
{
    char *target = NULL;
    if (!strcmp(path, "-"))
        return WD_OK;
    int rc = wd_output_target(path, &target);
    free(target);
    return rc;
}

int wd_cli_finish_stdout(int code)
{
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int err = errno;
    if (fclose(stdout) != 0 && !bad)
        bad = 1, err = errno;
    if (!bad || code == WD_EXIT_FAILED) /* a failed verb has said why */
        return bad ? WD_EXIT_FAILED : code;
    wd_cli_error("cannot write to standard output: %s", err ? strerror(err) : "write error");
    return WD_EXIT_FAILED;
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
