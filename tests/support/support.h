/* support.h - helpers shared by the test suites: temporary folders, running
 * the built wudiag, reading files, and the paths of the fixtures and the
 * shared corpus. */
#ifndef WD_TEST_SUPPORT_H
#define WD_TEST_SUPPORT_H

#include <stddef.h>

/* A fresh empty folder under $TMPDIR for one test; removed by wdt_rmtree. */
char *wdt_tempdir(void);
void wdt_rmtree(const char *path);
/* path joined from parts (malloc'd). */
char *wdt_path(const char *a, const char *b);
/* WD_SOURCE_DIR/rel and WD_CORPUS_DIR/rel (malloc'd). */
char *wdt_source(const char *rel);
char *wdt_corpus(const char *rel);
/* Runs the built wudiag with argv (NULL-terminated, without argv[0]);
 * stdout and stderr captured into malloc'd strings when not NULL.
 * Returns the exit code, or -1 when it died from a signal. */
int wdt_run(const char *const *argv, char **out, char **err);
/* Whole file as a NUL-terminated malloc'd string (NULL when missing). */
char *wdt_read(const char *path, size_t *len);
int wdt_write(const char *path, const void *data, size_t len);

#endif
