/* time.c - the time notations of the evidence become one sortable ISO UTC
 * text; FILETIME converts exactly. */
#include "common.h"

#include <criterion/criterion.h>

static const struct {
    const char *in, *out;
} cases[] = {
    {"2017-07-23T07:25:41.804502Z", "2017-07-23T07:25:41.804502Z"},
    {"2017-07-23T07:25:41.8045020Z", "2017-07-23T07:25:41.804502Z"},
    {"2017-07-23 07:25:41.804502", "2017-07-23T07:25:41.804502Z"},
    {"2023/05/22 08:08:32.6303004", "2023-05-22T08:08:32.630300Z"},
    {"2013-01-27 10:55:33:210", "2013-01-27T10:55:33.210000Z"},
    {"2013-01-27 10:55:33:171+0100", "2013-01-27T09:55:33.171000Z"},
    {"2024-02-29T23:59:59+02:00", "2024-02-29T21:59:59Z"},
    {"2023-5-3 1:02:03", NULL}, /* one-digit hours are not a format we know */
    {"2023-05-17 08:24:08", "2023-05-17T08:24:08Z"},
    {"1999-12-31", "1999-12-31T00:00:00Z"},
};

Test(common_time, normalises_evidence_notations)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[WD_TIME_MAX];
        int rc = wd_time_normalize(cases[i].in, out);
        if (!cases[i].out) {
            cr_assert_eq(rc, WD_EFORMAT, "%s accepted as %s", cases[i].in, out);
            continue;
        }
        cr_assert_eq(rc, 0, "%s refused", cases[i].in);
        cr_assert_str_eq(out, cases[i].out, "%s", cases[i].in);
    }
}

Test(common_time, refuses_garbage)
{
    const char *bad[] = {"", "yesterday", "2017-13-01", "2017-07-23T25:00:00", "2017-07-23Tx",
                         "20170723", NULL};
    char out[WD_TIME_MAX];
    for (size_t i = 0; bad[i]; i++)
        cr_assert_eq(wd_time_normalize(bad[i], out), WD_EFORMAT, "%s", bad[i]);
}

Test(common_time, filetime_converts_exactly)
{
    char out[WD_TIME_MAX];
    /* 2017-07-23T07:25:41.804502Z as FILETIME */
    wd_time_from_filetime(131452683418045020ULL, out);
    cr_assert_str_eq(out, "2017-07-23T07:25:41.804502Z");
    wd_time_from_filetime(116444736000000000ULL, out);
    cr_assert_str_eq(out, "1970-01-01T00:00:00Z");
}
