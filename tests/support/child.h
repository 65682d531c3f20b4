/* child.h - runs the built wudiag the ways the safety tests need: stdout to
 * a given file (/dev/full) or to a pseudo-terminal, and the child's peak
 * resident memory from wait4. Header-only, static helpers. */
#ifndef WDT_CHILD_H
#define WDT_CHILD_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

/* Sanitizer builds reserve far more memory than wudiag uses: RSS is not
 * measured there. */
#if defined(__SANITIZE_ADDRESS__)
#define WDT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WDT_SANITIZED 1
#endif
#endif

typedef struct wdt_child {
    int code;      /* exit code, -1 when killed by a signal */
    char *out;     /* stdout (captured or read from the terminal); NULL when redirected */
    char *err;     /* stderr */
    long maxrss_kb; /* the child's peak resident set, KiB */
} wdt_child;

enum { WDT_CAPTURE = 0, WDT_TERMINAL = 1, WDT_FILE = 2 };

static inline char *wdt_child_slurp(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    for (;;) {
        if (wd_array_reserve(&buf, &cap, len + 1024, 1))
            break;
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) /* EIO on a terminal whose other side has closed */
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

/* Runs wudiag with argv (NULL-terminated, without argv[0]). mode: capture
 * stdout, give it a pseudo-terminal (out gets what it printed there), or
 * open stdout_path for writing as stdout. Free res->out and res->err. */
static inline int wdt_spawn(const char *const *argv, int mode, const char *stdout_path,
                            wdt_child *res)
{
    char errp[] = "/tmp/wdt-err-XXXXXX", outp[] = "/tmp/wdt-out-XXXXXX";
    int efd = mkstemp(errp), ofd = -1, master = -1;
    size_t n = 0;
    memset(res, 0, sizeof *res);
    while (argv[n])
        n++;
    const char **args = calloc(n + 2, sizeof *args);
    args[0] = WD_WUDIAG_EXE;
    memcpy(args + 1, argv, n * sizeof *args);
    if (mode == WDT_CAPTURE)
        ofd = mkstemp(outp);
    else if (mode == WDT_FILE)
        ofd = open(stdout_path, O_WRONLY);
    else if ((master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(master) ||
             unlockpt(master) || (ofd = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0)
        return -1;
    if (efd < 0 || ofd < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        if (master >= 0)
            close(master);
        execv(WD_WUDIAG_EXE, (char *const *)args);
        _exit(127);
    }
    if (mode == WDT_TERMINAL) {
        close(ofd); /* the child holds the terminal now */
        ofd = -1;
        res->out = wdt_child_slurp(master);
        close(master);
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
        ;
    res->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    res->maxrss_kb = ru.ru_maxrss;
    lseek(efd, 0, SEEK_SET);
    res->err = wdt_child_slurp(efd);
    if (mode == WDT_CAPTURE) {
        lseek(ofd, 0, SEEK_SET);
        res->out = wdt_child_slurp(ofd);
        unlink(outp);
    }
    if (ofd >= 0)
        close(ofd);
    close(efd);
    unlink(errp);
    free(args);
    return 0;
}

static inline void wdt_child_free(wdt_child *res)
{
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
}

#endif
