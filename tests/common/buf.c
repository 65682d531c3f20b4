/* buf.c - the string builder grows, refuses to pass its limit, and keeps
 * failing once it failed; small string helpers. */
#include "common.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test(common_buf, appends_and_formats)
{
    wd_buf b = WD_BUF_INIT;
    cr_assert_str_eq(wd_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(wd_buf_printf(&b, "%d,", i), 0);
    cr_assert(wd_buf_ok(&b));
    cr_assert_eq(strncmp(wd_buf_cstr(&b), "0,1,2,", 6), 0);
    cr_assert_eq(b.len, strlen(b.data));
    char *s = wd_buf_detach(&b);
    cr_assert_eq(b.data, NULL);
    free(s);
}

Test(common_buf, limit_is_enforced_and_sticky)
{
    wd_buf b;
    wd_buf_init(&b, 8);
    cr_assert_eq(wd_buf_puts(&b, "12345678"), 0);
    cr_assert_neq(wd_buf_putc(&b, '9'), 0);
    cr_assert(!wd_buf_ok(&b));
    cr_assert_str_eq(wd_buf_cstr(&b), "12345678");
    cr_assert_neq(wd_buf_puts(&b, ""), 0, "a failed buffer stays failed");
    wd_buf_free(&b);
    wd_buf_free(NULL);
}

Test(common_buf, finds_kb_numbers)
{
    char kb[16];
    cr_assert(wd_find_kb("2017-07 Cumulative Update for Windows 10 (KB4025342)", kb, sizeof kb));
    cr_assert_str_eq(kb, "KB4025342");
    cr_assert(wd_find_kb("Package_for_KB5020683~31bf3856ad364e35~amd64", kb, sizeof kb));
    cr_assert_str_eq(kb, "KB5020683");
    cr_assert(!wd_find_kb("no kb here, KBX123 nor kb12", kb, sizeof kb));
    cr_assert(!wd_find_kb("WSKB1234567", kb, sizeof kb), "inside a word is not a KB");
}

Test(common_buf, update_services_table)
{
    size_t n;
    const wd_update_service *s = wd_update_services(&n);
    cr_assert_geq(n, 5);
    cr_assert_str_eq(s[0].name, "wuauserv");
    cr_assert_not_null(wd_update_service_find("usosvc"));
    cr_assert_null(wd_update_service_find("Spooler"));
}

Test(common_buf, a_substring_found_whatever_its_first_byte)
{
    /* a needle starting with a UTF-8 lead byte (>= 0x80), as the localised
     * update titles are: the first byte compares as unsigned */
    cr_assert(wd_strcasehas("2024-04 x64 \xe3\x81\xae\xe7\xb4\xaf\xe7\xa9\x8d (KB5036893)",
                            "\xe7\xb4\xaf\xe7\xa9\x8d"));
    cr_assert(wd_strcasehas("Mise \xc3\xa0 jour CUMULATIVE", "mise \xc3\xa0 jour cumulative"));
    cr_assert_not(wd_strcasehas("\xe7\xb4\xaf", "\xe7\xb4\xaf\xe7\xa9\x8d"));
}
