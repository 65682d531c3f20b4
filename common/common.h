/* common.h - what every wudiag module shares: error codes and the per-thread
 * error message, the bounded string builder, UTC time helpers and the HRESULT
 * parser. Nothing here knows about SQLite, libxml2 or evidence formats. */
#ifndef WD_COMMON_H
#define WD_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "records.h"

#define WD_VERSION "0.1.0"

/* printf-style format checking. On mingw the "printf" archetype means
 * msvcrt's formats; wudiag is built there with C99 stdio
 * (__USE_MINGW_ANSI_STDIO), whose archetype is gnu_printf. */
#ifdef __MINGW32__
#define WD_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#else
#define WD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

/* ---------------------------------------------------------------- errors */

/* Return codes: 0 is success, every failure is negative. */
enum {
    WD_OK = 0,
    WD_ERROR = -1,     /* generic failure; the message says what */
    WD_ENOMEM = -2,    /* out of memory */
    WD_EIO = -3,       /* a file could not be read or written */
    WD_EFORMAT = -4,   /* input is not in the expected format */
    WD_ENOTFOUND = -5, /* the thing asked for does not exist */
    WD_EUSAGE = -6,    /* the caller asked for something invalid */
    WD_EFULL = -7,     /* disk or database full */
    WD_EBUSY = -8,     /* locked by another process for too long */
    WD_EREADONLY = -9, /* cannot write: read-only file or folder */
    WD_ENEWER = -10,   /* written by a newer wudiag */
    WD_ECORRUPT = -11, /* damaged file */
};

/* Records the message for the current thread's last error and returns code,
 * so callers can write `return wd_error_set(WD_EIO, "cannot open %s", p);`. */
int wd_error_set(int code, const char *fmt, ...)
    WD_PRINTF(2, 3);
int wd_error_setv(int code, const char *fmt, va_list ap);
/* The last message recorded on this thread ("" when none). Owned by the
 * library; valid until the next wd_error_set on this thread. */
const char *wd_error_last(void);
void wd_error_clear(void);

/* --------------------------------------------------------- string builder */

/* A growable, always NUL-terminated string with a hard size limit. The one
 * way wudiag builds text. A failed append leaves the buffer as it was and
 * makes every later append fail too (check once, at the end, with
 * wd_buf_ok). */
typedef struct wd_buf {
    char *data;   /* NUL-terminated; NULL until the first append */
    size_t len;   /* bytes used, excluding the NUL */
    size_t cap;   /* bytes allocated */
    size_t limit; /* maximum len; 0 means the default (64 MiB) */
    int failed;   /* set once an append failed */
} wd_buf;

#define WD_BUF_INIT {NULL, 0, 0, 0, 0}

void wd_buf_init(wd_buf *b, size_t limit);
int wd_buf_append(wd_buf *b, const char *s, size_t n);
int wd_buf_puts(wd_buf *b, const char *s);
int wd_buf_putc(wd_buf *b, char c);
int wd_buf_printf(wd_buf *b, const char *fmt, ...) WD_PRINTF(2, 3);
int wd_buf_vprintf(wd_buf *b, const char *fmt, va_list ap) WD_PRINTF(2, 0);
void wd_buf_reset(wd_buf *b);      /* len = 0, keeps the memory */
void wd_buf_free(wd_buf *b);       /* NULL-safe */
const char *wd_buf_cstr(const wd_buf *b); /* "" when empty */
/* Hands the string to the caller (free with free()) and resets b. */
char *wd_buf_detach(wd_buf *b);
int wd_buf_ok(const wd_buf *b);

/* ------------------------------------------------------------- utilities */

/* strdup that records WD_ENOMEM; NULL in gives NULL out. Free with free(). */
char *wd_strdup(const char *s);
char *wd_strndup(const char *s, size_t n);
/* ASCII case-insensitive comparisons (locale independent). */
int wd_strcaseeq(const char *a, const char *b);
int wd_strncaseeq(const char *a, const char *b, size_t n);
/* 1 when needle occurs in hay ignoring ASCII case; a NULL hay has none. */
int wd_strcasehas(const char *hay, const char *needle);
/* Strict integer parsing of a whole string (leading/trailing space allowed).
 * Returns 0 on success, WD_EFORMAT otherwise. */
int wd_parse_i64(const char *s, int64_t *out);
/* Finds a KB number ("KB4025342") in text; writes "KB4025342" to out
 * (size outsz) and returns 1, or returns 0 when there is none. */
int wd_find_kb(const char *text, char *out, size_t outsz);

/* Normalises an update id as the evidence writes it ("{ba15b1f5-a339-...}",
 * "BA15B1F5-A339-....200" with its revision) to the upper-case GUID without
 * braces or revision. Returns 1 and fills out, or 0 when s holds no GUID. */
#define WD_GUID_MAX 37
int wd_update_id_normalize(const char *s, char out[WD_GUID_MAX]);

/* ------------------------------------------------------ growable arrays */

/* The one growable array (array.c). arrp is the address of the array
 * pointer (T **), *cap its capacity in elements of size bytes.
 * Makes room for at least need elements: the capacity doubles (from 16)
 * until it fits. 0, or WD_ENOMEM with a message when memory is out or the
 * size would overflow; the array is unchanged then. Free the array with
 * free(). */
int wd_array_reserve(void *arrp, size_t *cap, size_t need, size_t size);
/* Appends one zeroed element to the array of *n elements and returns it
 * (*n counts it), or NULL with WD_ENOMEM recorded (nothing changed). */
void *wd_array_grow(void *arrp, size_t *n, size_t *cap, size_t size);

/* -------------------------------------------------------- text encodings */

/* One codec for every reader and writer (utf.c). Ill-formed input never
 * stops decoding: it decodes to WD_UTF_INVALID, shown as U+FFFD, one per
 * maximal subpart of an ill-formed UTF-8 sequence (Unicode chapter 3, as the
 * WHATWG Encoding Standard does), one per unpaired surrogate or odd byte. */
#define WD_UTF_REPLACEMENT 0xFFFDu
#define WD_UTF_INVALID 0xFFFFFFFFu

typedef enum wd_text_enc { WD_ENC_UTF8 = 0, WD_ENC_UTF16LE, WD_ENC_UTF16BE } wd_text_enc;

/* The encoding of text that starts with the n bytes at h: a byte order mark
 * decides (its length in *bom), else UTF-16 when at least 3/4 of the first
 * (up to 256, at least 2) code units are ASCII written as UTF-16, else UTF-8. */
wd_text_enc wd_text_detect(const unsigned char *h, size_t n, size_t *bom);
/* Decodes the code point at p (n >= 1 bytes available) into *cp and returns
 * the bytes it took (>= 1): a well-formed sequence whole, or the maximal
 * ill-formed subpart with *cp = WD_UTF_INVALID. */
size_t wd_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* Decodes one UTF-16 code point (n >= 1 bytes): a unit, a surrogate pair,
 * or WD_UTF_INVALID for an unpaired surrogate (2 bytes) or an odd last byte. */
size_t wd_utf16_decode(const unsigned char *p, size_t n, wd_text_enc enc, uint32_t *cp);
/* 1 when the n bytes at p end inside a UTF-16 unit or surrogate pair, so a
 * streaming decoder waits for more input before decoding them. */
int wd_utf16_needs_more(const unsigned char *p, size_t n, wd_text_enc enc);
/* Writes cp as UTF-8 (a surrogate or a value past U+10FFFF as U+FFFD);
 * returns its length, 1 to 4. */
size_t wd_utf8_encode(uint32_t cp, char out[4]);
/* Appends cp as UTF-8 to b. */
int wd_buf_put_cp(wd_buf *b, uint32_t cp);
/* Where to cut s (more than n bytes long) at or before byte n without
 * splitting a UTF-8 sequence: n, moved back over at most 3 continuation
 * bytes. */
size_t wd_utf8_boundary(const char *s, size_t n);

/* ---------------------------------------------------------------- output */

/* Where a file wudiag writes for the user (a report) may go: path when it
 * is a regular file or does not exist yet, the file a symbolic link names,
 * and nothing else: a device, FIFO, socket or folder is refused (WD_EUSAGE
 * with a message), so `-o /dev/null` run as root cannot replace the device.
 * *target is malloc'd (free()). */
int wd_output_target(const char *path, char **target);
/* Appends n bytes of text with what a terminal would act on made visible:
 * C0 controls (but TAB, and LF when keep_newlines) and DEL as \xNN, C1
 * controls as \u00NN, bytes that are not UTF-8 as \xNN. */
int wd_buf_put_printable(wd_buf *b, const char *text, size_t n, int keep_newlines);
/* Writes text to f escaped as above (newlines kept). 0 or WD_EIO/WD_ENOMEM. */
int wd_write_printable(FILE *f, const char *text, size_t n);

/* ------------------------------------------------------------------ time */

/* wudiag keeps times as ISO 8601 UTC text, "2017-07-23T07:25:41.804502Z"
 * (microseconds optional), which sorts correctly as a string. */
#define WD_TIME_MAX 32

/* Formats seconds + microseconds since the Unix epoch. */
void wd_time_format(int64_t unix_seconds, int32_t usec, char out[WD_TIME_MAX]);
/* Formats a Windows FILETIME (100 ns ticks since 1601-01-01 UTC). */
void wd_time_from_filetime(uint64_t filetime, char out[WD_TIME_MAX]);
/* The current time. */
void wd_time_now(char out[WD_TIME_MAX]);
/* Parses "YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|+hh:mm]" and "YYYY/MM/DD ..."
 * into seconds since the epoch (UTC; no zone means UTC). 0 or WD_EFORMAT. */
int wd_time_parse(const char *s, int64_t *unix_seconds);
/* Normalises any format wd_time_parse accepts to wudiag's ISO text. */
int wd_time_normalize(const char *s, char out[WD_TIME_MAX]);

/* --------------------------------------------------------------- hresult */

/* Parses a failure code in any notation users and logs write it in:
 * 0x80070002, 0X80070002, 80070002 (bare hex, 8 digits), 2147942402,
 * -2147024894, and "0x2" style short hex. Returns 0 and the 32-bit code,
 * or WD_EFORMAT when s is not a code. */
int wd_hresult_parse(const char *s, uint32_t *out);
/* Formats as "0x%08X" (upper case digits). */
void wd_hresult_format(uint32_t hr, char out[11]);

/* ------------------------------------------------------ update services */

/* The services that matter to Windows Update, in report order, with the
 * start type Windows gives them ("manual", "auto", "delayed-auto"). */
typedef struct wd_update_service {
    const char *name;           /* key name, e.g. "wuauserv" */
    const char *display_name;   /* English display name */
    const char *expected_start; /* the Windows 10/11 default */
    int essential;              /* updates cannot install while it is disabled */
} wd_update_service;

/* The table (static storage) and its length. */
const wd_update_service *wd_update_services(size_t *count);
/* The entry for a key name (case-insensitive), or NULL. */
const wd_update_service *wd_update_service_find(const char *name);
/* The start type Windows gives the service on this build (the OS build
 * number; 0 when unknown), or NULL where it differs between the versions
 * the build may be (the Update Orchestrator was Manual before Windows 10
 * 1809 on some editions and Automatic after). */
const char *wd_update_service_expected(const wd_update_service *s, long build);
/* The entry for a key name or a display name, English or localised (the
 * names Windows shows in German, French, Spanish and Italian; SCM events
 * name services by their display name in the system language), or NULL. */
const wd_update_service *wd_update_service_by_any_name(const char *name);

#endif
