/* timeutil.c - UTC time as wudiag stores it: ISO 8601 text that sorts as a
 * string. Conversions from Windows FILETIME and from the date notations the
 * evidence formats use. No dependence on the local time zone. */
#include "common.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

void wd_time_format(int64_t secs, int32_t usec, char out[WD_TIME_MAX])
{
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int hh = (int)(rem / 3600), mm = (int)(rem % 3600 / 60), ss = (int)(rem % 60);
    /* years outside 0..9999 cannot come from a FILETIME or a log line */
    unsigned yy = (unsigned)(y < 0 ? 0 : y > 9999 ? 9999 : y);
    unsigned us = (unsigned)(usec < 0 ? 0 : usec % 1000000);
    if (us > 0)
        snprintf(out, WD_TIME_MAX, "%04u-%02u-%02uT%02u:%02u:%02u.%06uZ", yy, m % 100, d % 100,
                 (unsigned)hh % 100, (unsigned)mm % 100, (unsigned)ss % 100, us);
    else
        snprintf(out, WD_TIME_MAX, "%04u-%02u-%02uT%02u:%02u:%02uZ", yy, m % 100, d % 100,
                 (unsigned)hh % 100, (unsigned)mm % 100, (unsigned)ss % 100);
}

void wd_time_from_filetime(uint64_t ft, char out[WD_TIME_MAX])
{
    /* 100 ns ticks between 1601-01-01 and 1970-01-01 */
    const uint64_t epoch_diff = 116444736000000000ULL;
    int64_t ticks = (int64_t)(ft - epoch_diff);
    int64_t secs = ticks / 10000000;
    int64_t frac = ticks % 10000000;
    if (frac < 0) {
        frac += 10000000;
        secs--;
    }
    wd_time_format(secs, (int32_t)(frac / 10), out);
}

void wd_time_now(char out[WD_TIME_MAX])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    wd_time_format((int64_t)ts.tv_sec, (int32_t)(ts.tv_nsec / 1000), out);
}

static int digits(const char **p, int n, int *val)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return 0;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *val = v;
    return 1;
}

/* Parses into seconds and microseconds; the shared core of parse/normalize. */
static int parse_full(const char *s, int64_t *secs, int32_t *usec)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    const char *p = s;
    while (*p == ' ')
        p++;
    if (!digits(&p, 4, &y))
        return WD_EFORMAT;
    char sep = *p;
    if (sep != '-' && sep != '/')
        return WD_EFORMAT;
    p++;
    /* month and day may have one digit in some Windows renderings */
    if (!digits(&p, 2, &mo) && !digits(&p, 1, &mo))
        return WD_EFORMAT;
    if (*p++ != sep)
        return WD_EFORMAT;
    if (!digits(&p, 2, &d) && !digits(&p, 1, &d))
        return WD_EFORMAT;
    int32_t us = 0;
    if (*p == 'T' || *p == ' ' || *p == '\t') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
            return WD_EFORMAT;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &se))
                return WD_EFORMAT;
        }
        if (*p == '.' || *p == ',' || *p == ':') { /* legacy WU log: HH:MM:SS:mmm */
            p++;
            int scale = 100000, n = 0;
            while (isdigit((unsigned char)*p)) {
                if (scale >= 1) {
                    us += (*p - '0') * scale;
                    scale /= 10;
                }
                p++;
                n++;
            }
            if (!n)
                return WD_EFORMAT;
        }
    }
    int64_t offset = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om = 0;
        p++;
        if (!digits(&p, 2, &oh))
            return WD_EFORMAT;
        if (*p == ':')
            p++;
        if (isdigit((unsigned char)*p) && !digits(&p, 2, &om))
            return WD_EFORMAT;
        offset = sign * (oh * 3600 + om * 60);
    }
    while (*p == ' ')
        p++;
    if (*p)
        return WD_EFORMAT;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return WD_EFORMAT;
    *secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
            offset;
    *usec = us;
    return WD_OK;
}

int wd_time_parse(const char *s, int64_t *unix_seconds)
{
    int32_t us;
    return s ? parse_full(s, unix_seconds, &us) : WD_EFORMAT;
}

int wd_time_normalize(const char *s, char out[WD_TIME_MAX])
{
    int64_t secs;
    int32_t us;
    if (!s || parse_full(s, &secs, &us))
        return WD_EFORMAT;
    wd_time_format(secs, us, out);
    return WD_OK;
}
