/* hresult.c - every notation a failure code is written in parses to the same
 * 32-bit HRESULT; things that are not codes are refused. */
#include "common.h"

#include <criterion/criterion.h>

static const struct {
    const char *text;
    uint32_t code;
} good[] = {
    {"0x80070002", 0x80070002u}, {"0X80070002", 0x80070002u}, {"80070002", 0x80070002u},
    {"2147942402", 0x80070002u}, {"-2147024894", 0x80070002u}, {"0x8024402c", 0x8024402Cu},
    {"8024402C", 0x8024402Cu},   {"[8024402C]", 0x8024402Cu},  {" 0x80248007 ", 0x80248007u},
    {"2359302", 0x00240006u},    {"0x0", 0u},                  {"0", 0u},
    {"0xC1900101", 0xC1900101u}, {"-1", 0xFFFFFFFFu},          {"8007000e", 0x8007000Eu},
};

Test(common_hresult, parses_every_notation)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint32_t hr = 1;
        cr_assert_eq(wd_hresult_parse(good[i].text, &hr), 0, "%s", good[i].text);
        cr_assert_eq(hr, good[i].code, "%s -> 0x%08X", good[i].text, hr);
    }
}

Test(common_hresult, refuses_what_is_not_a_code)
{
    const char *bad[] = {"", "hello", "0x", "0x123456789", "99999999999", "-2147483649",
                         "12 34", "0xZZ", "--5", NULL};
    uint32_t hr;
    for (size_t i = 0; bad[i]; i++)
        cr_assert_eq(wd_hresult_parse(bad[i], &hr), WD_EFORMAT, "'%s' accepted", bad[i]);
    cr_assert_eq(wd_hresult_parse(NULL, &hr), WD_EFORMAT);
}

Test(common_hresult, formats_upper_case_with_8_digits)
{
    char out[11];
    wd_hresult_format(0x8024402c, out);
    cr_assert_str_eq(out, "0x8024402C");
    wd_hresult_format(0x5, out);
    cr_assert_str_eq(out, "0x00000005");
}
