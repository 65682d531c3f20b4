/* pgtest.c - the throw-away PostgreSQL server of the fleet suites (see
 * pgtest.h). The cluster's folder is WDT_PG_DIR in the environment, which
 * the test processes Criterion starts inherit. */
#define _GNU_SOURCE
#include "pgtest.h"
#include "support.h"

#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ENV_DIR "WDT_PG_DIR"
#define USER "wudiag"

/* The newest server's bin folder (/usr/lib/postgresql/N/bin), or NULL. */
static char *bindir(void)
{
    glob_t g;
    char *best = NULL;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0)
        return NULL;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *p = g.gl_pathv[i];
        if (!best || strverscmp(p, best) > 0) {
            free(best);
            best = strdup(p);
        }
    }
    globfree(&g);
    if (best)
        *strrchr(best, '/') = '\0';
    return best;
}

/* Runs argv as the cluster's owner (nobody when we are root); its exit
 * status, -1 when it could not run. Output goes to log when not NULL. */
static int run_as_owner(char *const argv[], const char *log)
{
    pid_t pid = fork();
    int st;
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (geteuid() == 0) {
            struct passwd *pw = getpwnam("nobody");
            if (!pw || setgroups(0, NULL) || setgid(pw->pw_gid) || setuid(pw->pw_uid))
                _exit(126);
        }
        if (log) {
            FILE *f = freopen(log, "a", stdout);
            if (!f || dup2(fileno(stdout), 2) < 0)
                _exit(126);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *dir(void)
{
    return getenv(ENV_DIR);
}

/* Gives the cluster's owner a folder (root: chown to nobody). */
static int own(const char *path)
{
    if (geteuid() != 0)
        return 0;
    struct passwd *pw = getpwnam("nobody");
    return pw && chown(path, pw->pw_uid, pw->pw_gid) == 0 ? 0 : -1;
}

static int pg_ctl(const char *action)
{
    char *bin = bindir(), *ctl = NULL, *data = NULL, *log = NULL, *opts = NULL;
    int rc = -1;
    if (bin && asprintf(&ctl, "%s/pg_ctl", bin) >= 0 && asprintf(&data, "%s/data", dir()) >= 0 &&
        asprintf(&log, "%s/server.log", dir()) >= 0 &&
        asprintf(&opts, "-c listen_addresses='' -c unix_socket_directories='%s'"
                        " -c fsync=off -c full_page_writes=off -c max_connections=60"
                        " -c shared_buffers=32MB", dir()) >= 0) {
        char *start[] = {ctl, "-D", data, "-l", log, "-w", "-t", "60", "-o", opts, "start", NULL};
        char *stop[] = {ctl, "-D", data, "-w", "-m", "fast", "stop", NULL};
        rc = run_as_owner(!strcmp(action, "start") ? start : stop, log);
    }
    free(bin), free(ctl), free(data), free(log), free(opts);
    return rc;
}

int wdt_pg_start(void)
{
    char *bin = bindir(), *base = wdt_tempdir(), *initdb = NULL, *data = NULL, *log = NULL;
    int rc = -1;
    if (!bin) {
        fprintf(stderr, "pgtest: no PostgreSQL server (install the Debian package "
                        "'postgresql': scripts/install-deps)\n");
        return -1;
    }
    if (base && chmod(base, 0755) == 0 && own(base) == 0 &&
        asprintf(&initdb, "%s/initdb", bin) >= 0 && asprintf(&data, "%s/data", base) >= 0 &&
        asprintf(&log, "%s/initdb.log", base) >= 0) {
        char *argv[] = {initdb, "-D", data, "-U", USER, "-A", "trust", "-E", "UTF8",
                        "--no-sync", "--no-instructions", NULL};
        setenv(ENV_DIR, base, 1);
        rc = run_as_owner(argv, log) == 0 && pg_ctl("start") == 0 ? 0 : -1;
        if (rc)
            fprintf(stderr, "pgtest: the server did not start (see %s)\n", base);
    }
    free(bin), free(initdb), free(data), free(log), free(base);
    return rc;
}

void wdt_pg_stop(void)
{
    if (!dir())
        return;
    pg_ctl("stop");
    wdt_rmtree(dir());
}

char *wdt_pg_conninfo(const char *dbname)
{
    char *c = NULL;
    if (asprintf(&c, "host=%s user=" USER " dbname=%s", dir() ? dir() : "/nonexistent",
                 dbname) < 0)
        return NULL;
    return c;
}

int wdt_pg_sql(const char *conninfo, const char *sql, char **out)
{
    PGconn *c = PQconnectdb(conninfo);
    int rc = -1;
    if (out)
        *out = NULL;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;
        if (rc)
            fprintf(stderr, "pgtest: %s: %s", sql, PQresultErrorMessage(r));
        if (!rc && out && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
            *out = strdup(PQgetvalue(r, 0, 0));
        PQclear(r);
    } else {
        fprintf(stderr, "pgtest: %s", PQerrorMessage(c));
    }
    PQfinish(c);
    return rc;
}

char *wdt_pg_newdb(void)
{
    static unsigned n;
    char *admin = wdt_pg_conninfo("postgres"), *sql = NULL, *name = NULL, *ci = NULL;
    if (asprintf(&name, "t_%ld_%u", (long)getpid(), ++n) >= 0 &&
        asprintf(&sql, "CREATE DATABASE %s", name) >= 0 && wdt_pg_sql(admin, sql, NULL) == 0)
        ci = wdt_pg_conninfo(name);
    free(admin), free(sql), free(name);
    return ci;
}

/* The postmaster's pid from postmaster.pid; 0 when none. */
static pid_t postmaster(void)
{
    char *path = NULL, *text;
    pid_t pid = 0;
    if (asprintf(&path, "%s/data/postmaster.pid", dir()) < 0)
        return 0;
    text = wdt_read(path, NULL);
    if (text)
        pid = (pid_t)strtol(text, NULL, 10);
    free(text);
    free(path);
    return pid;
}

/* Whether any process still has the cluster's data folder as its cwd. */
static int cluster_alive(void)
{
    char *data = NULL;
    int alive = 0;
    glob_t g;
    if (asprintf(&data, "%s/data", dir()) < 0)
        return 1;
    if (glob("/proc/[0-9]*/cwd", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && !alive; i++) {
            char link[4096];
            ssize_t n = readlink(g.gl_pathv[i], link, sizeof link - 1);
            if (n > 0) {
                link[n] = '\0';
                alive = strcmp(link, data) == 0;
            }
        }
        globfree(&g);
    }
    free(data);
    return alive;
}

/* Whether pid is gone or a zombie (dead, not yet reaped by init). */
static int dead(pid_t pid)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *paren = strrchr(text, ')');
    return paren && paren[1] == ' ' && paren[2] == 'Z';
}

int wdt_pg_kill(void)
{
    pid_t pid = postmaster();
    char *lock = NULL;
    if (pid <= 0 || kill(pid, SIGKILL) != 0)
        return -1;
    /* the backends notice the postmaster is gone and exit */
    for (int i = 0; i < 600 && (cluster_alive() || !dead(pid)); i++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (cluster_alive() || !dead(pid))
        return -1;
    /* a postmaster that init has not reaped yet still "runs" for the next
     * one's lock check: its lock file goes, as an administrator would */
    if (kill(pid, 0) == 0) {
        if (asprintf(&lock, "%s/data/postmaster.pid", dir()) >= 0)
            unlink(lock);
        free(lock);
        lock = NULL;
        if (asprintf(&lock, "%s/.s.PGSQL.5432.lock", dir()) >= 0)
            unlink(lock);
        free(lock);
    }
    return 0;
}

int wdt_pg_restart(void)
{
    int rc = pg_ctl("start");
    if (rc) {
        char *log = NULL, *text;
        if (asprintf(&log, "%s/server.log", dir()) >= 0 && (text = wdt_read(log, NULL))) {
            size_t n = strlen(text);
            fprintf(stderr, "pgtest: the server did not start again:\n%s\n",
                    text + (n > 2000 ? n - 2000 : 0));
            free(text);
        }
        free(log);
    }
    return rc;
}
