/* pgtest.h - a throw-away PostgreSQL server for the suites that need one:
 * initdb into a temporary folder, listening on a Unix socket in it only,
 * run as an unprivileged user when the tests run as root (PostgreSQL
 * refuses root). One cluster per suite: start it in a ReportHook(PRE_ALL),
 * stop it in ReportHook(POST_ALL); the tests (other processes) find it
 * through the environment. */
#ifndef WD_TEST_PGTEST_H
#define WD_TEST_PGTEST_H

/* Starts the cluster (0), or returns -1 with a message on stderr. */
int wdt_pg_start(void);
/* Stops it (fast shutdown) and removes its folder. */
void wdt_pg_stop(void);
/* The conninfo of a new, empty database on the cluster (malloc'd). */
char *wdt_pg_newdb(void);
/* The conninfo of an existing database name (malloc'd). */
char *wdt_pg_conninfo(const char *dbname);
/* Kills the postmaster with SIGKILL (a crash), waits until every process of
 * the cluster is gone; 0 when done. */
int wdt_pg_kill(void);
/* Starts the cluster again after wdt_pg_kill (crash recovery); 0 when up. */
int wdt_pg_restart(void);
/* Runs SQL on a database (conninfo) through libpq; 0 when it succeeded.
 * With out, the first column of the first row (malloc'd) or NULL. */
int wdt_pg_sql(const char *conninfo, const char *sql, char **out);

#endif
